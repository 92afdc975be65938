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

The ``Review`` column takes Letterboxd's HTML subset, not Markdown: the text is
rendered and sanitised (:func:`filmrev.review_html.markdown_to_html`);
``link_back`` adds "Originally published at URL" to reviews with a ``url``.
Letterboxd's importer takes files of at most 1 MB: :func:`letterboxd_files`
splits a larger export into parts, each with the header, a film's rows never
split between two parts.
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


#: Letterboxd's importer refuses larger files.
MAX_FILE_BYTES = 1_000_000


def review_html(review: Review, link_back: bool = False) -> str:
    """The review text as Letterboxd's HTML, with the link back when asked and known."""
    from filmrev.review_html import markdown_to_html

    html = markdown_to_html(review.body)
    if link_back and review.url and html:
        from html import escape

        url = escape(review.url, quote=True)
        html += f'\n\nOriginally published at <a href="{url}">{escape(review.url)}</a>'
    return html


def review_rows(
    review: Review, id_columns: Iterable[str] = (), link_back: bool = False
) -> list[dict[str, str]]:
    """The rows of one review (see the module docstring for the layout)."""
    text = review_html(review, link_back)
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
            "Review": text if index == about else "",
        }
        for index, viewing in enumerate(dated)
    ]
    own_rating = review.rating is not None and review.rating != latest
    homeless_text = bool(text) and about is None
    if not dated:
        rows.append(
            {
                **base,
                "Rating": stars(review.rating),
                "WatchedDate": review.watched or "",
                "Rewatch": "",
                "Review": text,
            }
        )
    elif own_rating or homeless_text:
        rows.append(
            {
                **base,
                "Rating": stars(review.rating) if own_rating else "",
                "WatchedDate": "",
                "Rewatch": "",
                "Review": text if homeless_text else "",
            }
        )
    return rows


def _header(batch: list[Review]) -> list[str]:
    id_columns = [
        column
        for column, service in ID_COLUMNS
        if any(review.sources.get(service) for review in batch)
    ]
    return [*COLUMNS, *id_columns]


def _lines(header: list[str], rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\r\n")
    writer.writerows(rows)
    return buffer.getvalue()


def letterboxd_csv(reviews: Iterable[Review], link_back: bool = False) -> str:
    """The whole CSV, header first."""
    return "".join(letterboxd_files(reviews, link_back=link_back, limit=None))


def letterboxd_files(
    reviews: Iterable[Review], *, link_back: bool = False, limit: int | None = MAX_FILE_BYTES
) -> list[str]:
    """The CSV in parts of at most ``limit`` bytes (UTF-8), each starting with the header.

    A film whose rows alone are larger than ``limit`` gets a part of its own (it
    cannot be split); ``limit=None`` gives one part.
    """
    batch = list(reviews)
    header = _header(batch)
    id_columns = header[len(COLUMNS) :]
    head = _lines(header, [dict(zip(header, header, strict=True))])
    parts: list[str] = []
    current = [head]
    size = len(head.encode("utf-8"))
    for review in batch:
        chunk = _lines(header, review_rows(review, id_columns, link_back))
        chunk_size = len(chunk.encode("utf-8"))
        if limit is not None and len(current) > 1 and size + chunk_size > limit:
            parts.append("".join(current))
            current, size = [head], len(head.encode("utf-8"))
        current.append(chunk)
        size += chunk_size
    parts.append("".join(current))
    return parts
