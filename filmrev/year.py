"""The numbers of a year (or half a year) of watching: pure functions over reviews and lists.

``year_document(reviews, period(2024), words=..., lists=...)`` returns the document of
``year 2024 --format json`` (the table and Markdown views are drawn from it too).

What counts as *seen in the period*: every viewing (diary entry) dated in it; a review
with no dated viewing counts once, on its ``watched`` date, when that date is in the
period. So a film reviewed in 2023 and logged again in 2024 is in both years, and
``watched`` alone never adds a second sighting to a film that has a diary.

- A sighting is a rewatch when its viewing is marked so, or when the diary holds an
  earlier viewing of the film. A film is a *first viewing* when at least one of its
  sightings in the period is not a rewatch (a review with only a ``watched`` date is a
  first viewing: nothing says otherwise); the others are *rewatches*.
- A film's rating is its review's rating, else the latest rating of its viewings in the
  period.
- Where: ``cinema`` and ``festival`` viewings are the cinema; ``streaming``, ``disc`` and
  ``tv`` are home; ``other`` and viewings with no medium (every Letterboxd row, every
  ``watched`` date) are counted apart.
- Names (directors, cast and crew, the people watched with) and tags that differ only in
  case, accents or spacing count as one (:func:`filmrev.folding.fold`), shown in their
  first spelling.

    >>> period(2024, 2).start, period(2024, 2).end
    ('2024-07-01', '2024-12-31')
"""

from __future__ import annotations

import calendar
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from filmrev.errors import ValidationError
from filmrev.folding import fold
from filmrev.model import Review, parse_year
from filmrev.stats import HALF_STARS, people_counts
from filmrev.tagging import tag_counts

FORMAT = "filmrev-year"
VERSION = 1
TOP = 10
TOP_NAMES = 10
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
CINEMA = frozenset({"cinema", "festival"})
HOME = frozenset({"streaming", "disc", "tv"})
WHERE = ("cinema", "home", "other", "unknown")


@dataclass(frozen=True)
class Period:
    """A year, or one half of it: the dates ``start``..``end`` (ISO, inclusive)."""

    year: int
    half: int | None = None

    @property
    def months(self) -> range:
        """Month numbers of the period: 1–12, 1–6 or 7–12."""
        if self.half is None:
            return range(1, 13)
        return range(1, 7) if self.half == 1 else range(7, 13)

    @property
    def start(self) -> str:
        return f"{self.year:04d}-{self.months[0]:02d}-01"

    @property
    def end(self) -> str:
        last = self.months[-1]
        return f"{self.year:04d}-{last:02d}-{calendar.monthrange(self.year, last)[1]:02d}"

    @property
    def label(self) -> str:
        """``2024``, ``January–June 2024`` or ``July–December 2024``."""
        if self.half is None:
            return str(self.year)
        return f"{'January–June' if self.half == 1 else 'July–December'} {self.year}"

    def contains(self, day: str | None) -> bool:
        return day is not None and self.start <= day[:10] <= self.end


def period(year: object, half: object = None) -> Period:
    """The period of ``year`` (1870..this year + 5) and ``half`` (1, 2 or None), validated."""
    parsed = parse_year(year)
    if parsed is None:
        raise ValidationError("year must be a whole number, e.g. 2024")
    if half is None or half == "":
        return Period(parsed)
    text = str(half).strip()
    if text not in ("1", "2"):
        raise ValidationError(
            f"half must be 1 (January–June) or 2 (July–December), not {str(half)[:20]!r}"
        )
    return Period(parsed, int(text))


@dataclass(frozen=True)
class Sighting:
    """One time a film was seen in the period: a viewing, or the review's ``watched`` date."""

    date: str
    rewatch: bool = False
    rating: float | None = None
    medium: str | None = None
    companions: tuple[str, ...] = ()


def sightings(review: Review, span: Period) -> list[Sighting]:
    """The review's sightings in ``span``, oldest first (see the module docstring)."""
    dated = [viewing for viewing in review.viewings if viewing.date]
    if not dated:
        if span.contains(review.watched):
            assert review.watched is not None
            return [Sighting(review.watched)]
        return []
    dated.sort(key=lambda viewing: viewing.date or "")
    # A viewing after an earlier one in the diary is a rewatch, marked or not.
    return [
        Sighting(v.date, v.rewatch or number > 0, v.rating, v.medium, v.companions)
        for number, v in enumerate(dated)
        if v.date is not None and span.contains(v.date)
    ]


@dataclass(frozen=True)
class FilmSeen:
    """A film seen in the period with its sightings there."""

    review: Review
    seen: tuple[Sighting, ...]

    @property
    def first_viewing(self) -> bool:
        return any(not sighting.rewatch for sighting in self.seen)

    @property
    def rewatches(self) -> int:
        return sum(sighting.rewatch for sighting in self.seen)

    @property
    def rating(self) -> float | None:
        if self.review.rating is not None:
            return self.review.rating
        rated = [sighting.rating for sighting in self.seen if sighting.rating is not None]
        return rated[-1] if rated else None


def films_seen(reviews: Iterable[Review], span: Period) -> list[FilmSeen]:
    """Every film with at least one sighting in ``span``, by review id."""
    films = [FilmSeen(review, tuple(sightings(review, span))) for review in reviews]
    return sorted((film for film in films if film.seen), key=lambda film: film.review.id)


def top_order(film: FilmSeen) -> tuple[int, int, float, str, int]:
    """All-time rank first (ranked films before unranked), then rating, then title A→Z."""
    rank = film.review.rank
    rating = film.rating
    return (
        0 if rank is not None else 1,
        rank or 0,
        -(rating if rating is not None else -1.0),
        fold(film.review.title),
        film.review.id,
    )


def where_seen(medium: str | None) -> str:
    """``cinema``, ``home``, ``other`` or ``unknown`` for a viewing's medium."""
    if medium in CINEMA:
        return "cinema"
    if medium in HOME:
        return "home"
    return "other" if medium is not None else "unknown"


def _named_counts(names: Iterable[Iterable[str]]) -> list[dict[str, Any]]:
    """``[{"name", "count"}]`` most first, then A→Z; a name counts once per group."""
    counts: Counter[str] = Counter()
    spelling: dict[str, str] = {}
    for group in names:
        keys: set[str] = set()
        for name in group:
            key = fold(name)
            if not key:
                continue
            spelling.setdefault(key, name)
            keys.add(key)
        counts.update(keys)
    ordered = sorted(counts, key=lambda key: (-counts[key], fold(spelling[key]), spelling[key]))
    return [{"name": spelling[key], "count": counts[key]} for key in ordered[:TOP_NAMES]]


def film_entry(film: FilmSeen, words: Mapping[int, int]) -> dict[str, Any]:
    """A film of the year as the JSON document shows it."""
    review = film.review
    return {
        "id": review.id,
        "slug": review.slug,
        "title": review.title,
        "year": review.year,
        "rating": film.rating,
        "rank": review.rank,
        "tagline": review.tagline,
        "url": review.url,
        "status": review.status,
        "first_seen": film.seen[0].date,
        "times": len(film.seen),
        "rewatch": not film.first_viewing,
        "words": words.get(review.id, 0),
    }


def lists_updated(lists: Mapping[int, Mapping[str, Any]], span: Period) -> list[dict[str, Any]]:
    """Named lists whose ``updated`` day is in ``span``, latest first (then by name).

    Documents of the ``lists`` table (see contract-15): ``name``, ``slug``, ``updated``,
    ``entries``; a document missing a name or a date is left out.
    """
    found: list[dict[str, Any]] = []
    for doc in lists.values():
        name, updated = doc.get("name"), doc.get("updated")
        if not isinstance(name, str) or not isinstance(updated, str):
            continue
        if not span.contains(updated):
            continue
        entries = doc.get("entries")
        slug = doc.get("slug")
        found.append(
            {
                "name": name,
                "slug": slug if isinstance(slug, str) else None,
                "entries": len(entries) if isinstance(entries, list) else 0,
                "ranked": doc.get("ranked") is True,
                "updated": updated[:10],
            }
        )
    found.sort(key=lambda entry: (entry["updated"], fold(entry["name"])))
    found.sort(key=lambda entry: entry["updated"], reverse=True)
    return found


def year_document(
    reviews: Iterable[Review],
    span: Period,
    *,
    words: Mapping[int, int] | None = None,
    lists: Mapping[int, Mapping[str, Any]] | None = None,
    top: int = TOP,
) -> dict[str, Any]:
    """The year in review as one JSON-ready document (``year --format json``).

    ``words`` maps review id → words of its body (the library keeps the counts, so no
    body is read); ``lists`` are the documents of the ``lists`` table.
    """
    words = words or {}
    films = films_seen(reviews, span)
    seen = [sighting for film in films for sighting in film.seen]
    rated = [film.rating for film in films if film.rating is not None]
    ratings = dict.fromkeys(HALF_STARS, 0)
    for rating in rated:
        ratings[f"{rating:.1f}"] += 1
    months = Counter(int(sighting.date[5:7]) for sighting in seen)
    decades = Counter(f.review.year // 10 * 10 for f in films if f.review.year is not None)
    where = Counter(where_seen(sighting.medium) for sighting in seen)
    longest = max(
        films, key=lambda film: (words.get(film.review.id, 0), -film.review.id), default=None
    )
    rewatched = sorted(
        (film for film in films if film.rewatches),
        key=lambda film: (-len(film.seen), top_order(film)),
    )
    pool = [film.review for film in films]
    return {
        "format": FORMAT,
        "version": VERSION,
        "year": span.year,
        "half": span.half,
        "from": span.start,
        "to": span.end,
        "films": len(films),
        "first_viewings": sum(film.first_viewing for film in films),
        "rewatches": sum(not film.first_viewing for film in films),
        "viewings": len(seen),
        "rewatch_viewings": sum(sighting.rewatch for sighting in seen),
        "average_rating": round(sum(rated) / len(rated), 2) if rated else None,
        "words": sum(words.get(review.id, 0) for review in pool),
        "top": [
            {"position": position, **film_entry(film, words)}
            for position, film in enumerate(sorted(films, key=top_order)[:top], 1)
        ],
        "by_month": {f"{span.year:04d}-{month:02d}": months[month] for month in span.months},
        "ratings": ratings,
        "by_decade": {f"{decade}s": decades[decade] for decade in sorted(decades)},
        "where": {key: where[key] for key in WHERE},
        "top_directors": _named_counts(
            [f.review.director] if f.review.director else [] for f in films
        ),
        "top_tags": [{"tag": tag, "count": n} for tag, n in tag_counts(pool)[:TOP_NAMES]],
        "top_people": [
            {"name": name, "count": n} for name, n, _ in people_counts(pool)[:TOP_NAMES]
        ],
        "watched_with": _named_counts(
            [name for sighting in film.seen for name in sighting.companions] for film in films
        ),
        "longest": (
            film_entry(longest, words)
            if longest is not None and words.get(longest.review.id, 0)
            else None
        ),
        "rewatched": [film_entry(film, words) for film in rewatched],
        "lists": lists_updated(lists or {}, span),
    }


def seen_years(reviews: Iterable[Review]) -> list[int]:
    """Years with at least one sighting (a dated viewing, or ``watched`` without one), ascending."""
    years: set[int] = set()
    for review in reviews:
        dated = [viewing.date for viewing in review.viewings if viewing.date]
        for day in dated or ([review.watched] if review.watched else []):
            years.add(int(day[:4]))
    return sorted(years)


def month_label(key: str) -> str:
    """``2024-03`` → ``Mar``."""
    return MONTHS[int(key[5:7]) - 1]
