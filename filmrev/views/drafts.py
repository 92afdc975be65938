"""``drafts list`` on a terminal: number, kind, title, age and file of each draft."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from rich.table import Table
from rich.text import Text

from filmrev.terminal import clean


class DraftLine(NamedTuple):
    """What the table shows of one draft (read from its file by the command)."""

    id: int
    kind: str
    title: str | None
    modified: datetime | None
    path: str


def age(modified: datetime | None, now: datetime) -> str:
    """``3 d``, ``5 h``, ``12 min`` or ``40 s`` since ``modified``; ``?`` when unknown."""
    if modified is None:
        return "?"
    seconds = max(0, int((now - modified).total_seconds()))
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds // size} {unit}"
    return f"{seconds} s"


def drafts_table(drafts: Sequence[DraftLine], now: datetime) -> Table:
    """One row a draft; ages are counted up to ``now``."""
    table = Table(box=None, header_style="bold", pad_edge=False)
    table.add_column("ID", justify="right")
    table.add_column("Kind")
    table.add_column("Title")
    table.add_column("Age", justify="right", no_wrap=True)
    table.add_column("Path", style="dim", overflow="fold")
    for draft in drafts:
        table.add_row(
            str(draft.id),
            draft.kind,
            Text(clean(draft.title or "(no title)")),
            age(draft.modified, now),
            Text(clean(draft.path)),
        )
    return table
