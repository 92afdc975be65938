"""A named list as a ready-to-post Markdown page (``lists show NAME --format markdown``).

::

    # Best of 2012

    The year's films I keep going back to.

    1. [Holy Motors (2012)](https://blog.example/holy-motors/) — ★★★★★ 5.0
       A limousine of a film.
    2. Amour (2012)

A film links to its review's ``url`` when it has one, else to the review's slug
(a relative link, as blogs serve a post at ``.../<slug>/``) when it is published;
drafts and films with no review are plain text. Ranked lists are numbered, the
others bulleted; an entry's note follows on the next line, indented.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from filmrev.film_lists import FilmList, Resolved
from filmrev.terminal import rating_label

_SPECIALS = re.compile(r"([\\`*_\[\]<>#|])")


def link_text(text: str) -> str:
    """Text safe inside ``[...]``: Markdown's specials escaped, white space made single."""
    return _SPECIALS.sub(r"\\\1", " ".join(text.split()))


def default_target(item: Resolved) -> str | None:
    """Where a film links: the review's url, else its slug when published, else nowhere."""
    review = item.review
    if review is None:
        return None
    if review.url:
        return review.url
    return review.slug if review.status == "published" else None


def entry_lines(
    film_list: FilmList,
    entries: Sequence[Resolved],
    target: Callable[[Resolved], str | None] = default_target,
    escape: Callable[[str], str] = link_text,
) -> str:
    """The numbered (ranked) or bulleted list of films, notes indented under each."""
    lines: list[str] = []
    for item in entries:
        marker = f"{item.position}." if film_list.ranked else "-"
        text = escape(item.display_title)
        where = target(item)
        line = f"{marker} [{text}]({where})" if where else f"{marker} {text}"
        if item.review is not None and item.review.rating is not None:
            line += f" — {rating_label(item.review.rating)}"
        lines.append(line + "\n")
        if item.entry.note:
            indent = " " * (len(marker) + 1)
            lines.extend(
                f"{indent}{part}\n" if part.strip() else "\n"
                for part in item.entry.note.splitlines()
            )
    return "".join(lines)


def list_markdown(film_list: FilmList, entries: Sequence[Resolved]) -> str:
    """Title, description, then the films."""
    parts = [f"# {' '.join(film_list.name.split())}\n"]
    if film_list.description:
        parts.append(f"\n{film_list.description}\n")
    listing = entry_lines(film_list, entries)
    parts.append(f"\n{listing}" if listing else "\nNo films yet.\n")
    return "".join(parts)
