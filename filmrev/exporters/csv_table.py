"""The one CSV writer: a flat table of reviews, lists and mappings as JSON.

``neutralise`` prefixes cells that a spreadsheet would run as a formula
(starting with ``= + - @``, tab or CR, or their full-width forms ``＝ ＋ － ＠``,
also after leading spaces or line breaks) with a ``'`` (OWASP's advice); the
``export --format csv`` file uses it, ``list --format csv`` stays exact.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import orjson

from filmrev.model import FIELD_ORDER, Review

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
#: Skipped before looking at the first character: some spreadsheets skip them too.
LEADING_BLANKS = " \t\r\n\v\f\u00a0\u2007\u202f\u3000\ufeff"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return orjson.dumps(value).decode("utf-8")
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def neutralise(cell: str) -> str:
    """``=1+1`` → ``'=1+1``: a spreadsheet shows it instead of computing it."""
    starts = cell.startswith(FORMULA_STARTS) or cell.lstrip(LEADING_BLANKS).startswith(
        FORMULA_STARTS
    )
    return "'" + cell if starts else cell


def reviews_csv(reviews: Iterable[Review], *, neutralise_formulas: bool = False) -> str:
    """Header of field names, then one row a review."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(FIELD_ORDER)
    for review in reviews:
        doc = review.to_doc()
        cells = [_cell(doc[name]) for name in FIELD_ORDER]
        if neutralise_formulas:
            cells = [neutralise(cell) for cell in cells]
        writer.writerow(cells)
    return buffer.getvalue()


def docs_csv(columns: Sequence[str], docs: Iterable[Mapping[str, Any]]) -> str:
    """Header ``columns``, then one row a document, cells written as :func:`reviews_csv` does
    (lists as JSON arrays, booleans as ``true``/``false``, None empty).

    Used by the diary and the watchlist (``--format csv``).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for doc in docs:
        writer.writerow([_cell(doc.get(name)) for name in columns])
    return buffer.getvalue()
