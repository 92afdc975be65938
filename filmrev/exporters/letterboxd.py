"""Letterboxd's import format: a CSV that Letterboxd's importer (Settings → Import) reads.

Columns ``Title,Year,Rating,WatchedDate,Rewatch,Tags,Review,Directors``, then
``LetterboxdURI``, ``imdbID`` and ``tmdbID`` when any review knows them (they let
Letterboxd match the film exactly). One row per dated viewing (a diary entry);
the review text goes on the row of the viewing it is about (``watched``). A
review with no viewings is one row dated ``watched``. When the film's rating
differs from its latest rated viewing, or the text belongs to no viewing, one
more row without a date carries them.

Limits, as Letterboxd has no place for them: tags are joined with ``", "``, so a
tag containing a comma comes back as two tags; ranks, credits other than the
director, and viewings without a date are not written. Cells are exact (no
formula neutralising, unlike ``--format csv``). filmrev reads this format back
(``filmrev import``), so export → import → export gives the same file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from filmrev.model import Review

COLUMNS = ("Title", "Year", "Rating", "WatchedDate", "Rewatch", "Tags", "Review", "Directors")
ID_COLUMNS = (("LetterboxdURI", "letterboxd"), ("imdbID", "imdb"), ("tmdbID", "tmdb"))
TAG_SEPARATOR = ", "


def stars(rating: float | None) -> str:
    """``4.5``, ``5``, or empty."""
    return "" if rating is None else f"{rating:g}"


def review_rows(review: Review, id_columns: Iterable[str] = ()) -> list[dict[str, str]]:
    """The rows of one review (see the module docstring for the layout)."""
    base = {
        "Title": review.title,
        "Year": "" if review.year is None else str(review.year),
        "Tags": TAG_SEPARATOR.join(review.tags),
        "Directors": review.director or "",
    }
    for column, service in ID_COLUMNS:
        if column in id_columns:
            base[column] = review.sources.get(service) or ""
    dated = [viewing for viewing in review.viewings if viewing.date]
    latest = next((v.rating for v in reversed(dated) if v.rating is not None), None)
    about = next(
        (index for index, viewing in enumerate(dated) if viewing.date == review.watched), None
    )
    rows = [
        {
            **base,
            "Rating": stars(viewing.rating),
            "WatchedDate": viewing.date or "",
            "Rewatch": "true" if viewing.rewatch else "",
            "Review": review.body if index == about else "",
        }
        for index, viewing in enumerate(dated)
    ]
    own_rating = review.rating is not None and review.rating != latest
    homeless_text = bool(review.body) and about is None
    if not dated:
        rows.append(
            {
                **base,
                "Rating": stars(review.rating),
                "WatchedDate": review.watched or "",
                "Rewatch": "",
                "Review": review.body,
            }
        )
    elif own_rating or homeless_text:
        rows.append(
            {
                **base,
                "Rating": stars(review.rating) if own_rating else "",
                "WatchedDate": "",
                "Rewatch": "",
                "Review": review.body if homeless_text else "",
            }
        )
    return rows


def letterboxd_csv(reviews: Iterable[Review]) -> str:
    """The whole CSV, header first."""
    batch = list(reviews)
    id_columns = [
        column
        for column, service in ID_COLUMNS
        if any(review.sources.get(service) for review in batch)
    ]
    header = [*COLUMNS, *id_columns]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\r\n")
    writer.writeheader()
    for review in batch:
        writer.writerows(review_rows(review, id_columns))
    return buffer.getvalue()
