"""Letterboxd ``lists/*.csv`` ("Letterboxd list export v7") as named lists.

A list file is a header block, a blank line, then the films::

    Letterboxd list export v7
    Date,Name,Tags,URL,Description
    2024-06-07,2012 Ranked,"top, 2012, ranked",https://boxd.it/w3W5S,"All the films of 2012."

    Position,Name,Year,URL,Description
    1,Paperman,2012,https://boxd.it/4uYW,
    2,7 Boxes,2012,https://boxd.it/4byq,"A note about this film."

Each file becomes one list: its name, its description (Letterboxd's HTML made
Markdown, as for reviews), its order (Position), each row's Description as the
entry's note, and its URL as ``sources.letterboxd`` (how a re-import finds it).
``created`` and ``updated`` are the list's Date at midnight UTC, so a re-import is
byte-identical. The export does not say whether a list is ranked: a list whose
name or tags say "ranked", "ranking" or "top" is taken as ranked (numbered), and
so is the ``--ranked-list`` one; the others keep their order unnumbered.
"""

from __future__ import annotations

import re

from filmrev.film_lists import parse_description, parse_list_name, parse_note
from filmrev.importers.common import Problems, checked, day_stamp
from filmrev.importers.csvfiles import raw_rows, table
from filmrev.importers.list_import import IncomingEntry, IncomingList
from filmrev.model import now_utc, parse_date, parse_optional_url, parse_title, parse_year
from filmrev.review_html import html_to_markdown

_RANKED_WORDS = re.compile(r"\b(?:ranked|ranking|rankings|top)\b", re.IGNORECASE)


def looks_ranked(name: str, tags: str) -> bool:
    """Whether a Letterboxd list reads as a ranking ("2012 Ranked", tag "top")."""
    return bool(_RANKED_WORDS.search(name) or _RANKED_WORDS.search(tags))


def read_list(name: str, member: str, text: str, problems: Problems) -> IncomingList | None:
    """One list file; problems are recorded as ``file:line: reason`` (None when unusable)."""
    records = raw_rows(text, name, problems)
    meta: dict[str, str] = {}
    meta_line = 1
    start = None
    for index, (_, cells) in enumerate(records):
        first = cells[0].strip()
        if first == "Date" and "Name" in cells and index + 1 < len(records) and not meta:
            meta_line = records[index + 1][0]
            meta = dict(zip((c.strip() for c in cells), records[index + 1][1], strict=False))
        if first == "Position":
            start = index
            break
    if start is None:
        return None  # reported by the review reader (no Position header)
    where = f"{name}:{meta_line}"
    before = len(problems.lines)
    stem = member.rsplit("/", 1)[-1].removesuffix(".csv")
    list_name = checked(where, problems, parse_list_name, meta.get("Name") or stem)
    description = checked(
        where, problems, parse_description, html_to_markdown(meta.get("Description", ""))
    )
    url = checked(where, problems, parse_optional_url, meta.get("URL"), "list URL")
    day = checked(where, problems, parse_date, meta.get("Date"), "Date")
    stamp = day_stamp(day) if day else now_utc()
    rows = table(records, name, problems, start)
    positioned: list[tuple[int, int, IncomingEntry]] = []
    for order, row in enumerate(rows.rows):
        origin = rows.origin(row.line)
        position = row.get("Position").strip()
        if not position.isdigit() or int(position) < 1:
            continue  # reported by the review reader
        title = checked(origin, problems, parse_title, row.get("Name"))
        year = checked(origin, problems, parse_year, row.get("Year"))
        note = checked(
            origin, problems, parse_note, html_to_markdown(row.get("Description")), "Description"
        )
        if title is None:
            continue
        uri = row.get("URL").strip() or row.get("Letterboxd URI").strip() or None
        positioned.append((int(position), order, IncomingEntry(title, year, note, uri)))
    if len(problems.lines) != before or list_name is None:
        return None
    positioned.sort(key=lambda item: (item[0], item[1]))
    return IncomingList(
        origin=name,
        name=list_name,
        created=stamp,
        updated=stamp,
        description=description,
        ranked=looks_ranked(list_name, meta.get("Tags", "")),
        letterboxd=url,
        entries=[entry for _, _, entry in positioned],
    )


def unreadable_list_note(name: str, text: str) -> str:
    """Why a file in ``lists/`` was not imported (it is not a list export)."""
    if not text.strip("\x00 \t\r\n"):
        why = "it holds only NUL bytes (a damaged copy?)" if "\x00" in text else "it is empty"
    else:
        why = "no 'Letterboxd list export' header"
    return f"{name}: not imported as a list: {why}"
