"""The viewing diary: logging a viewing on a review, and every viewing of every review by date.

Pure functions over :class:`~filmrev.model.Review` values; ``filmrev log`` and
``filmrev diary`` (``filmrev.commands.diary``) store and print what they return.

A review's ``watched`` is the date the review is about. Logging a viewing sets it to the
latest viewing when it was empty, or when the review has no text yet and ``watched`` was
the latest viewing's date (a bare review, e.g. ``log --new``, follows the diary). Once the
review is written, its ``watched`` stays: a rewatch logged later does not make the text
about the rewatch (``edit --watched`` does, when you rewrite it), and a ``watched`` the
critic set by hand never moves. A viewing's rating is the viewing's: the review's rating
is set from it only when the review had none.

A review with a ``watched`` date and no viewings (``add --watched``) was seen once, on
that date: the diary lists that viewing (with the review's rating), and the first
``log`` on such a review stores it as a viewing beside the new one, so it is not lost.
"""

from __future__ import annotations

import calendar
import dataclasses
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from filmrev.errors import ValidationError
from filmrev.folding import fold
from filmrev.model import Review, Viewing, parse_date, parse_year


@dataclass(frozen=True)
class DiaryEntry:
    """One viewing of one film, as the diary lists it."""

    review: Review
    viewing: Viewing

    def to_doc(self) -> dict[str, Any]:
        """The ``diary --format json`` object: every key always present."""
        viewing = self.viewing
        return {
            "date": viewing.date,
            "id": self.review.id,
            "slug": self.review.slug,
            "title": self.review.title,
            "year": self.review.year,
            "rating": viewing.rating,
            "rewatch": viewing.rewatch,
            "medium": viewing.medium,
            "venue": viewing.venue,
            "with": list(viewing.companions),
            "note": viewing.note,
        }


#: The columns of ``diary --format csv`` (the keys of :meth:`DiaryEntry.to_doc`).
DIARY_COLUMNS = (
    "date",
    "id",
    "slug",
    "title",
    "year",
    "rating",
    "rewatch",
    "medium",
    "venue",
    "with",
    "note",
)


def viewings_of(review: Review) -> tuple[Viewing, ...]:
    """The review's viewings; a review with only a ``watched`` date was seen once, then."""
    if review.viewings:
        return review.viewings
    if review.watched:
        return (Viewing(date=review.watched, rating=review.rating),)
    return ()


@dataclass(frozen=True)
class Period:
    """Inclusive date bounds (ISO strings); None is open."""

    start: str | None = None
    end: str | None = None

    def holds(self, day: str | None) -> bool:
        if self.start is None and self.end is None:
            return True
        if day is None:
            return False
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)


_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def period(
    *,
    year: str | None = None,
    month: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> Period:
    """The dates ``--year``, ``--month``, ``--from`` and ``--to`` leave (all of them at once).

    >>> period(month="2024-02")
    Period(start='2024-02-01', end='2024-02-29')
    """
    starts: list[str] = []
    ends: list[str] = []
    if year is not None:
        # --year is the viewing year here: a diary has no other year to mean.
        number = parse_year(year)
        if number is None:
            raise ValidationError("--year must be a whole number")
        starts.append(f"{number:04d}-01-01")
        ends.append(f"{number:04d}-12-31")
    if month is not None:
        found = _MONTH.fullmatch(month.strip())
        if not found or not 1 <= int(found.group(2)) <= 12:
            raise ValidationError(f"--month must be YYYY-MM, e.g. 2024-11 (got {month!r})")
        number, month_number = int(found.group(1)), int(found.group(2))
        last = calendar.monthrange(number, month_number)[1]
        starts.append(f"{number:04d}-{month_number:02d}-01")
        ends.append(f"{number:04d}-{month_number:02d}-{last:02d}")
    if since is not None:
        starts.append(_day(since, "--from"))
    if until is not None:
        ends.append(_day(until, "--to"))
    chosen = Period(max(starts) if starts else None, min(ends) if ends else None)
    if chosen.start and chosen.end and chosen.start > chosen.end:
        raise ValidationError(
            f"no day is both on or after {chosen.start} and on or before {chosen.end}"
        )
    return chosen


def _day(value: str, option: str) -> str:
    day = parse_date(parse_today(value), option)
    assert day is not None
    return day


def parse_today(value: str) -> str:
    """``today`` as today's ISO date; anything else as given (the model checks it)."""
    return date.today().isoformat() if value.strip().casefold() == "today" else value


def diary_entries(reviews: Iterable[Review], within: Period = Period()) -> list[DiaryEntry]:
    """Every viewing of every review inside ``within``: newest first, same day by title.

    Undated viewings come last (and only when no date bound is given).
    """
    entries = [
        DiaryEntry(review, viewing)
        for review in reviews
        for viewing in viewings_of(review)
        if within.holds(viewing.date)
    ]
    entries.sort(key=lambda entry: (fold(entry.review.title), entry.review.year or 0))
    entries.sort(key=lambda entry: entry.viewing.date or "", reverse=True)
    return entries


# --- logging a viewing ---------------------------------------------------------------


def latest_date(viewings: Sequence[Viewing]) -> str | None:
    return max((viewing.date for viewing in viewings if viewing.date), default=None)


def with_viewing(review: Review, viewing: Viewing) -> dict[str, Any]:
    """The changes (for :meth:`Review.evolve`) that log ``viewing`` on ``review``.

    ``viewings`` keeps date order (the new one after those of the same day); ``watched``
    and ``rating`` follow the rules of the module docstring.
    """
    viewings = list(review.viewings)
    if not viewings and review.watched:
        if review.watched == viewing.date:
            # Logging the very viewing the review is about: it keeps the review's rating.
            if viewing.rating is None:
                viewing = dataclasses.replace(viewing, rating=review.rating)
        else:
            viewings = [Viewing(date=review.watched, rating=review.rating)]
    previous_latest = latest_date(viewings)
    position = len(viewings)
    if viewing.date is not None:
        position = next(
            (
                index
                for index, earlier in enumerate(viewings)
                if earlier.date is None or earlier.date > viewing.date
            ),
            len(viewings),
        )
    viewings.insert(position, viewing)
    changes: dict[str, Any] = {"viewings": [entry.to_doc() for entry in viewings]}
    follows = review.watched == previous_latest and not review.body.strip()
    if review.watched is None or follows:
        changes["watched"] = latest_date(viewings) or review.watched
    if review.rating is None and viewing.rating is not None:
        changes["rating"] = viewing.rating
    return changes


def is_logged(review: Review, viewing: Viewing) -> bool:
    """Whether ``review`` already holds exactly this viewing (the same command run twice)."""
    return viewing in review.viewings


# --- data formats ------------------------------------------------------------------------

MARKDOWN_HEADERS = ("Date", "Film", "Rating", "Rewatch", "Medium", "Venue", "With")


def _cell(text: str) -> str:
    """A Markdown table cell: one line, ``|`` and ``\\`` escaped."""
    return " ".join(text.replace("\\", "\\\\").replace("|", "\\|").split())


def diary_markdown(entries: Sequence[DiaryEntry]) -> str:
    """A Markdown (GFM) table of the viewings, newest first; a film links to its post's
    ``url`` when it has one."""
    from filmrev.terminal import rating_label

    lines = [
        "| " + " | ".join(MARKDOWN_HEADERS) + " |",
        "|" + "|".join("---" for _ in MARKDOWN_HEADERS) + "|",
    ]
    for entry in entries:
        viewing, review = entry.viewing, entry.review
        film = _cell(review.display_title)
        if review.url:
            label = film.replace("[", "\\[").replace("]", "\\]")
            film = f"[{label}]({review.url})"
        cells = [
            viewing.date or "",
            film,
            rating_label(viewing.rating) if viewing.rating is not None else "",
            "rewatch" if viewing.rewatch else "",
            viewing.medium or "",
            _cell(viewing.venue or ""),
            _cell(", ".join(viewing.companions)),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
