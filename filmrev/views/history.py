"""``history REF`` on a terminal: each earlier version of a review's text, then the current one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.table import Table

if TYPE_CHECKING:
    from filmrev.history import Version
    from filmrev.model import Review


def versions_table(earlier: Sequence[Version], review: Review) -> Table:
    """Number, when saved and word count of each version; the last row is ``now``."""
    table = Table(box=None, pad_edge=False)
    for column in ("#", "Saved", "Words"):
        table.add_column(column, justify="right" if column != "Saved" else "left")
    for version in earlier:
        table.add_row(str(version.number), version.saved or "?", str(version.words))
    table.add_row("now", review.updated, str(review.word_count))
    return table
