"""Checks on what a person types that the model cannot make alone (they need the library or
today's date): the same film added twice, a watched date in the future.

Both are refused unless ``--force``; with ``--force`` the command goes on and says why it
might be a mistake.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any

from filmrev.errors import ValidationError
from filmrev.folding import fold
from filmrev.model import Review, parse_date, parse_year


def same_film(reviews: Iterable[Review], title: object, year: object) -> Review | None:
    """The review of the film titled ``title`` (compared folded) from ``year``, if any."""
    if not isinstance(title, str):
        return None
    try:
        wanted_year = parse_year(year)
    except ValidationError:
        return None  # the model reports the bad year
    wanted = fold(title)
    for review in reviews:
        if review.year == wanted_year and fold(review.title) == wanted:
            return review
    return None


def same_year(year: object) -> Callable[[object], bool]:
    """A test of a stored year: is it ``year``? (Never, for a year the model will refuse.)

    ``library.summaries_where("year", same_year(year))`` are the reviews :func:`same_film`
    needs to see, without building every review.
    """
    try:
        wanted = parse_year(year)
    except ValidationError:
        return lambda value: False
    return lambda value: value == wanted


def check_new_film(reviews: Iterable[Review], fields: Mapping[str, Any], *, force: bool) -> str:
    """A warning to print ('' for none); raises ValidationError unless ``force``.

    Checks that the film is not in the library already and that it was not watched in the
    future.
    """
    warnings = [check_watched(fields.get("watched"), force=force)]
    existing = same_film(reviews, fields.get("title"), fields.get("year"))
    if existing is not None:
        seen = f"{existing.display_title} is already in the library as {existing.slug}"
        if not force:
            raise ValidationError(
                f"{seen} (`filmrev show {existing.slug}`); --force adds a second review"
            )
        warnings.append(f"{seen}; added a second review (--force)")
    return "; ".join(warning for warning in warnings if warning)


def check_watched(
    value: object, *, force: bool, forceable: bool = True, label: str = "watched date"
) -> str:
    """A warning to print ('' for none) for a watched date; a future date needs ``force``.

    ``label`` names the date in messages (``log`` checks a "viewing date").
    """
    try:
        watched = parse_date(value, "watched")
    except ValidationError:
        return ""  # the model reports the bad date
    if watched is None or date.fromisoformat(watched) <= date.today():
        return ""
    if not force:
        raise ValidationError(
            f"{label} {watched} is in the future (today is {date.today().isoformat()})"
            + ("; --force accepts it" if forceable else "")
        )
    return f"{label} {watched} is in the future; kept it (--force)"
