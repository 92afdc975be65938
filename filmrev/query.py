"""Filtering and ordering reviews: pure functions behind ``list``, ``rank`` and exports."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from filmrev.folding import fold
from filmrev.model import Review
from filmrev.search import matches


def filter_reviews(
    reviews: Iterable[Review],
    *,
    tags: Sequence[str] = (),
    year: int | None = None,
    min_rating: float | None = None,
    search: str | None = None,
    person: str | None = None,
    watched_year: int | None = None,
) -> list[Review]:
    """Reviews that pass every given filter (tags: all of them, compared folded)."""
    wanted_tags = {fold(tag) for tag in tags}
    wanted_person = fold(person.strip()) if person else None
    kept: list[Review] = []
    for review in reviews:
        if wanted_tags and not wanted_tags <= {fold(tag) for tag in review.tags}:
            continue
        if year is not None and review.year != year:
            continue
        if min_rating is not None and (review.rating is None or review.rating < min_rating):
            continue
        if watched_year is not None and not _watched_in(review, watched_year):
            continue
        if wanted_person is not None and wanted_person not in {
            fold(name) for name in review.people
        }:
            continue
        if search and not matches(review, search):
            continue
        kept.append(review)
    return kept


def _watched_in(review: Review, year: int) -> bool:
    dates = [review.watched] + [viewing.date for viewing in review.viewings]
    return any(date is not None and date.startswith(f"{year:04d}-") for date in dates)


#: The value each sort key orders by (None: missing, sorted last).
SORT_VALUES: dict[str, Callable[[Review], Any]] = {
    "rank": lambda r: r.rank,
    "rating": lambda r: r.rating,
    "year": lambda r: r.year,
    "title": lambda r: fold(r.title),
    "added": lambda r: r.created,
    "watched": lambda r: r.watched,
}


def sort_reviews(reviews: Iterable[Review], key: str, *, reverse: bool = False) -> list[Review]:
    """Order by ``key``: rank and title ascending, the rest newest/highest first.

    Missing values always go last; ``reverse`` flips the order of the others.
    Ties are broken by title, then id, so output is stable.
    """
    value = SORT_VALUES[key]
    pool = list(reviews)
    present = [review for review in pool if value(review) is not None]
    missing = [review for review in pool if value(review) is None]
    descending = key not in ("rank", "title")
    present.sort(key=lambda r: (fold(r.title), r.id))
    present.sort(key=value, reverse=descending != reverse)
    missing.sort(key=lambda r: (fold(r.title), r.id))
    return present + missing


def default_order_key(review: Review) -> tuple[int, float, str]:
    """THE default list order as a sort key (the index stores it; ties go by id).

    Ranked films in rank order, then rated ones highest first, then the unrated;
    within a group, by folded title.
    """
    title = fold(review.title)
    if review.rank is not None:
        return (0, float(review.rank), title)
    if review.rating is not None:
        return (1, -review.rating, title)
    return (2, 0.0, title)


def default_order(reviews: Iterable[Review]) -> list[Review]:
    """Ranked films in rank order, then the rest by rating (highest first)."""
    return sorted(reviews, key=lambda review: (*default_order_key(review), review.id))
