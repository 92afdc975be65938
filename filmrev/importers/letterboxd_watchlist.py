"""Letterboxd's ``watchlist.csv`` (``Date,Name,Year,Letterboxd URI``) → watchlist entries.

Each row is a film to see: its title, year, the day it was put on the watchlist
(``added``) and its Letterboxd URI. Nothing here touches the library: the entries go
into the import's :class:`~filmrev.importers.common.Batch`, and
:func:`filmrev.watchlist.merge` decides, under the lock, which are new (a film already
on the watchlist, by URI or folded title and year, or one that has a review, is not
added), so a re-import changes nothing.
"""

from __future__ import annotations

from filmrev.importers.common import Problems, checked
from filmrev.importers.csvfiles import raw_rows, table
from filmrev.model import parse_date, parse_optional_url, parse_title, parse_year
from filmrev.watchlist import Incoming


def read_watchlist(name: str, text: str, problems: Problems) -> list[Incoming]:
    """The rows of a ``watchlist.csv`` (``name`` for messages), each validated."""
    parsed = table(raw_rows(text, name, problems), name, problems)
    entries: list[Incoming] = []
    for row in parsed.rows:
        origin = parsed.origin(row.line)
        before = len(problems.lines)
        title = checked(origin, problems, parse_title, row.get("Name"), "Name")
        year = checked(origin, problems, parse_year, row.get("Year"))
        added = checked(origin, problems, parse_date, row.get("Date"), "Date")
        uri = checked(
            origin, problems, parse_optional_url, row.get("Letterboxd URI"), "Letterboxd URI"
        )
        if len(problems.lines) == before:
            entries.append(Incoming(origin, title, year, added=added, letterboxd=uri))
    return entries
