"""Rich view of the watchlist: ``watchlist list``.

User text enters through :func:`~filmrev.terminal.clean` into ``Text`` (never markup).
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table
from rich.text import Text

from filmrev.terminal import clean
from filmrev.watchlist import WatchlistEntry

GAP = 2


def watchlist_table(entries: Sequence[WatchlistEntry], *, width: int = 100) -> Table:
    """One line a film: id, title, year, added (the day), note.

    The title and the note wrap; Added, then Note, are left out when the title would
    get fewer than 16 columns.
    """
    rows = [
        {
            "ID": str(entry.id),
            "Title": clean(entry.title),
            "Year": str(entry.year or ""),
            "Added": (entry.added or "")[:10],
            "Note": clean(entry.note or ""),
        }
        for entry in entries
    ]
    headers = ["ID", "Title", "Year", "Added", "Note"]
    shown = [h for h in headers if h in ("ID", "Title") or any(row[h] for row in rows)]
    natural = {h: max([len(h), *(len(row[h]) for row in rows)]) for h in headers}
    natural["Note"] = min(natural["Note"], 40)

    def title_room() -> int:
        others = sum(natural[h] for h in shown if h != "Title")
        return width - others - GAP * (len(shown) - 1)

    for optional in ("Added", "Note"):
        if title_room() >= min(natural["Title"], 16):
            break
        if optional in shown:
            shown.remove(optional)
    table = Table(box=None, header_style="bold", pad_edge=False, padding=(0, GAP, 0, 0))
    for header in shown:
        if header == "Title":
            table.add_column(header, max_width=max(title_room(), 8), overflow="fold")
        elif header == "Note":
            table.add_column(header, style="italic", max_width=natural["Note"], overflow="fold")
        else:
            table.add_column(
                header,
                style="dim" if header in ("ID", "Added") else "",
                justify="right" if header in ("ID", "Year") else "left",
                no_wrap=True,
            )
    for row in rows:
        table.add_row(*(Text(row[header]) for header in shown))
    return table
