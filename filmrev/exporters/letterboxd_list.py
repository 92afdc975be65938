"""A named list as the CSV Letterboxd's list importer reads (New list → Import).

Columns ``Position,Title,Year``, then ``LetterboxdURI``, ``imdbID``, ``tmdbID`` when
any film of the list has a review that knows them (Letterboxd then matches the film
exactly; otherwise by title and year), then ``Review``, which Letterboxd takes as
the entry's notes, in its HTML subset (:func:`filmrev.review_html.markdown_to_html`,
as for reviews). ``Position`` is written for ranked lists only: an unranked list's
rows are simply in its order. Lines end in CRLF, as Letterboxd's own files do.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from filmrev.exporters.letterboxd import ID_COLUMNS
from filmrev.film_lists import FilmList, Resolved


def letterboxd_list_csv(film_list: FilmList, entries: Sequence[Resolved]) -> str:
    """The list's rows, header first."""
    from filmrev.review_html import markdown_to_html

    id_columns = [
        (column, service)
        for column, service in ID_COLUMNS
        if any(item.review is not None and item.review.sources.get(service) for item in entries)
    ]
    header = [
        *(["Position"] if film_list.ranked else []),
        "Title",
        "Year",
        *(column for column, _ in id_columns),
        "Review",
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for item in entries:
        ids = [
            (item.review.sources.get(service) or "") if item.review is not None else ""
            for _, service in id_columns
        ]
        row = [
            *([str(item.position)] if film_list.ranked else []),
            item.title,
            "" if item.year is None else str(item.year),
            *ids,
            markdown_to_html(item.entry.note) if item.entry.note else "",
        ]
        writer.writerow(row)
    return buffer.getvalue()
