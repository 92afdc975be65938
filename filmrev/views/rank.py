"""``rank history REF`` on a terminal: the comparisons that placed a film, oldest first."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text

from filmrev.terminal import clean, rating_label

if TYPE_CHECKING:
    from filmrev.model import Review

#: The colour of each result of a comparison.
RESULT_STYLES = {"won": "green", "lost": "red", "tie": "yellow"}


def comparisons_table(
    rows: Sequence[tuple[str | None, int, str, float]], films: Mapping[int, Review]
) -> Table:
    """One row a comparison ``(at, against id, result, weight)``: when, result, the other film
    (looked up in ``films``; ``review N`` when it is gone), its rank and rating. A Weight
    column appears when some answer counts less than 1 (given before a rewatch)."""
    table = Table(box=None, header_style="bold", pad_edge=False)
    table.add_column("When (UTC)", no_wrap=True, style="dim")
    table.add_column("Result", no_wrap=True)
    table.add_column("Against")
    table.add_column("Rank", justify="right", style="magenta", no_wrap=True)
    table.add_column("Rating", style="yellow", no_wrap=True)
    rewatched = any(weight < 1 for *_, weight in rows)
    if rewatched:  # answers from before a rewatch (`rank place --again`) count less
        table.add_column("Weight", justify="right", style="dim", no_wrap=True)
    for at, against, result, weight in rows:
        other = films.get(against)
        when = Text(clean(at)[:16].replace("T", " ") if at else "")
        name = Text(clean(other.display_title)) if other else Text(f"review {against}")
        rank = f"#{other.rank}" if other and other.rank is not None else ""
        rating = rating_label(other.rating) if other else ""
        cells: list[str | Text] = [
            when,
            Text(result, style=RESULT_STYLES[result]),
            name,
            rank,
            rating,
        ]
        table.add_row(*cells, *([f"{weight:g}"] if rewatched else []))
    return table
