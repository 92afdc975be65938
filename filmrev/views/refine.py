"""``rank refine`` and ``rank score`` on a terminal: the proposed moves, the model scores."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text

from filmrev.terminal import clean, rating_label

if TYPE_CHECKING:
    from filmrev.model import Review
    from filmrev.ranking import Move


def moves_table(moves: Sequence[Move], films: Mapping[int, Review]) -> Table:
    """One row a move: ``#3 → #2``, film, rating, answers for and against it."""
    table = Table(box=None, header_style="bold", pad_edge=False)
    table.add_column("Move", justify="right", no_wrap=True, style="magenta")
    table.add_column("Film")
    table.add_column("Rating", style="yellow", no_wrap=True)
    table.add_column("Answers for", justify="right", style="green", no_wrap=True)
    table.add_column("against", justify="right", style="red", no_wrap=True)
    for move in moves:
        review = films[move.review_id]
        table.add_row(
            f"#{move.before} → #{move.after}",
            Text(clean(review.display_title)),
            rating_label(review.rating) if review.rating is not None else "",
            str(move.agreeing),
            str(move.disagreeing),
        )
    return table


def scores_table(ranked: Sequence[Review], scores: Mapping[int, float]) -> Table:
    """One row a ranked film, in rank order: rank, model score 0–100, film, rating."""
    table = Table(box=None, header_style="bold", pad_edge=False)
    table.add_column("Rank", justify="right", style="magenta", no_wrap=True)
    table.add_column("Score", justify="right", style="cyan", no_wrap=True)
    table.add_column("Film")
    table.add_column("Rating", style="yellow", no_wrap=True)
    for film in ranked:
        table.add_row(
            f"#{film.rank}",
            f"{scores[film.id]:.1f}",
            Text(clean(film.display_title)),
            rating_label(film.rating) if film.rating is not None else "",
        )
    return table
