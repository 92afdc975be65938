"""Numbers about a body of work: counts, words, ratings, years, decades, tags, people.

``compute(reviews, year=Y, watched_year=W)`` returns the document of ``stats --format json``; its
keys are exactly::

    reviews          number of reviews
    words            words written (bodies, split on whitespace)
    average_rating   mean rating of the rated reviews, 2 decimals, or null
    ratings          {"0.5": n, "1.0": n, ..., "5.0": n}  (every half star, 0 included)
    by_year_watched  {"2023": n, ...}  year of ``watched`` (else the latest viewing), ascending
    by_decade        {"1970s": n, ...} release decade, ascending
    top_tags         [{"tag": "French", "count": 12}, ...]    at most 10, most used first
    top_people       [{"name": "...", "count": 4}, ...]        at most 10 (director, cast, crew)
    longest          slug of the review with the most words, or null

``year`` keeps films released that year and ``watched_year`` the reviews watched
that year (``watched`` or any viewing): the same reviews ``list --year`` and
``list --watched-year`` show.

    >>> compute([])["ratings"]["4.5"]
    0
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from filmrev.model import Review
from filmrev.query import filter_reviews
from filmrev.tagging import tag_counts

TOP = 10
HALF_STARS = tuple(f"{step / 2:.1f}" for step in range(1, 11))


def year_watched(review: Review) -> int | None:
    """The year of ``watched``, else of the latest dated viewing."""
    date = review.watched or max(
        (viewing.date for viewing in review.viewings if viewing.date), default=None
    )
    return int(date[:4]) if date else None


def people_counts(reviews: Iterable[Review]) -> list[tuple[str, int, list[str]]]:
    """``(name, reviews, roles)`` most reviews first, then A→Z; roles as director/cast/<crew role>.

    Names that differ only in case or accents count as one (the first spelling is shown).
    """
    from filmrev.folding import fold

    counts: Counter[str] = Counter()
    spelling: dict[str, str] = {}
    roles: dict[str, list[str]] = {}
    for review in reviews:
        credits: list[tuple[str, str]] = []
        if review.director:
            credits.append((review.director, "director"))
        credits.extend((name, "cast") for name in review.cast)
        for role, names in review.crew.items():
            credits.extend((name, role) for name in names)
        seen: set[str] = set()
        for name, role in credits:
            key = fold(name)
            spelling.setdefault(key, name)
            if role not in roles.setdefault(key, []):
                roles[key].append(role)
            if key not in seen:
                seen.add(key)
                counts[key] += 1
    ordered = sorted(counts, key=lambda key: (-counts[key], fold(spelling[key])))
    return [(spelling[key], counts[key], roles[key]) for key in ordered]


def compute(
    reviews: Iterable[Review], year: int | None = None, watched_year: int | None = None
) -> dict[str, Any]:
    """The stats document (see the module docstring)."""
    pool = filter_reviews(reviews, year=year, watched_year=watched_year)
    rated = [review.rating for review in pool if review.rating is not None]
    ratings = dict.fromkeys(HALF_STARS, 0)
    for rating in rated:
        ratings[f"{rating:.1f}"] += 1
    years = Counter(y for review in pool if (y := year_watched(review)) is not None)
    decades = Counter(review.year // 10 * 10 for review in pool if review.year is not None)
    longest = max(pool, key=lambda review: (review.word_count, -review.id), default=None)
    return {
        "reviews": len(pool),
        "words": sum(review.word_count for review in pool),
        "average_rating": round(sum(rated) / len(rated), 2) if rated else None,
        "ratings": ratings,
        "by_year_watched": {str(y): years[y] for y in sorted(years)},
        "by_decade": {f"{decade}s": decades[decade] for decade in sorted(decades)},
        "top_tags": [{"tag": tag, "count": n} for tag, n in tag_counts(pool)[:TOP]],
        "top_people": [{"name": name, "count": n} for name, n, _ in people_counts(pool)[:TOP]],
        "longest": longest.slug if longest is not None and longest.word_count else None,
    }
