"""The answers ``rank place`` and ``rank refine`` store, and what the fit makes of them.

Stored comparisons are documents ``{winner, loser, tie, at, weight}`` in the library's
comparisons table; :mod:`filmrev.ranking` does the logic on :class:`~filmrev.ranking.Comparison`
values. This module turns one into the other and fits the library's ranked films::

    scores = model_scores(library)          # review id -> 0..100, ranked films only
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeGuard

if TYPE_CHECKING:
    from filmrev.model import Review
    from filmrev.ranking import Comparison, Fit
    from filmrev.store import Library


def answer_weight(doc: Mapping[str, Any]) -> float:
    """A stored answer's weight: 1 unless a rewatch weighed it down (bad values count 1)."""
    weight = doc.get("weight", 1.0)
    if isinstance(weight, bool) or not isinstance(weight, int | float) or not weight >= 0:
        return 1.0
    return float(weight)


def _is_id(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def stored_comparisons(library: Library) -> list[tuple[Comparison, str | None]]:
    """Stored comparisons that make sense (two review ids), oldest first, with their time."""
    from filmrev.ranking import Comparison

    found: list[tuple[Comparison, str | None]] = []
    for doc in library.comparisons():
        winner, loser = doc.get("winner"), doc.get("loser")
        if not (_is_id(winner) and _is_id(loser)):
            continue
        at = doc.get("at")
        comparison = Comparison(
            winner, loser, tie=doc.get("tie") is True, weight=answer_weight(doc)
        )
        found.append((comparison, at if isinstance(at, str) else None))
    return found


def comparison_docs(comparisons: Sequence[Comparison]) -> list[dict[str, Any]]:
    """New answers as the documents the library stores, all stamped now."""
    from filmrev.model import now_utc

    at = now_utc()
    return [{"winner": c.winner, "loser": c.loser, "tie": c.tie, "at": at} for c in comparisons]


def fit_library(library: Library, extra: Sequence[Comparison] = ()) -> tuple[Fit, list[Comparison]]:
    """The fit of the ranked films to the stored answers (plus ``extra``) and those answers."""
    from filmrev import ranking

    answers = [comparison for comparison, _ in stored_comparisons(library)] + list(extra)
    ratings = {review.id: review.rating for review in library.reviews()}
    return ranking.fit(library.ranked_order(), answers, ratings), answers


def model_scores(library: Library) -> dict[int, float]:
    """Each ranked film's model score, 0–100 (see :func:`filmrev.ranking.fit`)."""
    return fit_library(library)[0].scores


def sort_by_score(library: Library, reviews: Iterable[Review], *, reverse: bool) -> list[Review]:
    """``list --sort score``: ranked films by model score, highest first; unranked last."""
    from filmrev.folding import fold

    scores = model_scores(library)
    pool = list(reviews)
    scored = [review for review in pool if review.id in scores]
    unscored = [review for review in pool if review.id not in scores]
    scored.sort(key=lambda review: (review.rank or 0, review.id))
    scored.sort(key=lambda review: scores[review.id], reverse=not reverse)
    unscored.sort(key=lambda review: (fold(review.title), review.id))
    return scored + unscored
