"""JSON: review objects (``list --format json``) and the whole-library export."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import orjson

from filmrev.model import SCHEMA_VERSION, Review

EXPORT_FORMAT = "filmrev"
EXPORT_VERSION = 1


def dumps(value: Any) -> str:
    """Indented UTF-8 JSON (non-ASCII kept as is) with a final newline."""
    return orjson.dumps(value, option=orjson.OPT_INDENT_2).decode("utf-8") + "\n"


def reviews_json(reviews: Iterable[Review]) -> str:
    """An array of review objects."""
    return dumps([review.to_doc() for review in reviews])


def library_json(
    reviews: Sequence[Review],
    comparisons: Iterable[Mapping[str, Any]],
    *,
    lists: Sequence[Mapping[str, Any]] = (),
    watchlist: Sequence[Mapping[str, Any]] = (),
) -> str:
    """The whole library::

    {"format": "filmrev", "version": 1, "schema": N, "reviews": [...], "comparisons": [...],
     "lists": [...], "watchlist": [...]}

    ``lists`` (named lists with their ids) and ``watchlist`` (entry objects,
    :meth:`filmrev.watchlist.WatchlistEntry.to_doc`) are there only when the library has
    them, so exports of other libraries stay as they were.
    """
    document: dict[str, Any] = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "schema": SCHEMA_VERSION,
        "reviews": [review.to_doc() for review in reviews],
        "comparisons": [dict(comparison) for comparison in comparisons],
    }
    if lists:
        document["lists"] = [dict(film_list) for film_list in lists]
    if watchlist:
        document["watchlist"] = [dict(entry) for entry in watchlist]
    return dumps(document)
