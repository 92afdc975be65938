"""Reading filmrev's own JSON export (``export --format json``).

``{"format": "filmrev", "version": 1, "schema": N, "reviews": [...], "comparisons": [...]}``
where each review is a full review object. Every review is validated; a problem is
reported at the line where that review's object starts.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import orjson

from filmrev.errors import ValidationError
from filmrev.exporters.json_export import EXPORT_FORMAT, EXPORT_VERSION
from filmrev.importers.common import (
    SOURCE_FILMREV,
    Batch,
    ImportFailed,
    Incoming,
    NoProgress,
    Problems,
    Progress,
    load_json,
    read_input,
    repeated_key,
    tracked,
)
from filmrev.model import FIELD_ORDER, SCHEMA_VERSION, Review, parse_timestamp

#: The fields of a stored comparison (see ``rank place``): nothing else is imported.
COMPARISON_FIELDS = frozenset({"winner", "loser", "tie", "at"})

#: A JSON export gives every field; ``id``, ``rank`` and ``updated`` are handled apart.
PROVIDED = frozenset(FIELD_ORDER) - {"id", "rank", "updated"}
_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"|[{}\[\],:]', re.DOTALL)


def element_lines(raw: bytes, key: str) -> list[int]:
    """Line numbers where each element of the top-level array ``key`` starts.

    Only called when something is wrong, so a plain token scan is fast enough.
    """
    wanted = orjson.dumps(key)
    lines: list[int] = []
    depth = 0
    inside = False
    expect_element = False
    last_string = b""
    line = 1
    position = 0
    for match in _TOKEN.finditer(raw):
        token = match.group()
        line += raw.count(b"\n", position, match.start())
        position = match.start()
        if inside and depth == 2 and expect_element and token not in (b"]",):
            lines.append(line)
            expect_element = False
        if token.startswith(b'"'):
            last_string = token
            continue
        if token in (b"{", b"["):
            if depth == 1 and token == b"[" and last_string == wanted:
                inside = True
                expect_element = True
            depth += 1
        elif token in (b"}", b"]"):
            depth -= 1
            if depth == 1:
                inside = False
        elif token == b"," and inside and depth == 2:
            expect_element = True
        if token != b":":
            last_string = b""
    return lines


def read_json(path: Path, progress: Progress | None = None) -> Batch:
    """Read and validate a filmrev JSON export."""
    progress = progress or NoProgress()
    name = str(path)
    problems = Problems()
    raw = read_input(path)
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    document = load_json(raw, name)
    if not isinstance(document, dict) or document.get("format") != EXPORT_FORMAT:
        raise ImportFailed([f'{name}:1: not a filmrev export (no "format": "filmrev")'], name)
    top_repeat = repeated_key(document, nested=False)
    if top_repeat is not None:
        raise ImportFailed([f"{name}:1: key {top_repeat!r} appears twice at the top level"], name)
    if document.get("version") != EXPORT_VERSION:
        problems.add(
            f"{name}:1",
            f"export version {document.get('version')!r} is not supported "
            f"(this filmrev reads version {EXPORT_VERSION})",
        )
    schema = document.get("schema")
    if not isinstance(schema, int) or isinstance(schema, bool) or schema < 1:
        problems.add(f"{name}:1", f"schema {schema!r} is not valid")
    elif schema > SCHEMA_VERSION:
        problems.add(
            f"{name}:1",
            f"the export has schema {schema}, newer than this filmrev supports "
            f"({SCHEMA_VERSION}); upgrade filmrev",
        )
    reviews = document.get("reviews")
    comparisons = document.get("comparisons", [])
    if not isinstance(reviews, list):
        problems.add(f"{name}:1", '"reviews" must be a list of review objects')
    if not isinstance(comparisons, list):
        problems.add(f"{name}:1", '"comparisons" must be a list')
    problems.raise_if_any(name)
    assert isinstance(reviews, list) and isinstance(comparisons, list)

    failures: list[tuple[int, str]] = []
    batch = Batch(format="json", label=name)
    ids: dict[int, int] = {}
    for index, doc in enumerate(tracked(reviews, progress, "reading reviews")):
        if not isinstance(doc, dict):
            failures.append((index, "a review must be a JSON object"))
            continue
        repeated = repeated_key(doc)
        if repeated is not None:
            failures.append((index, f"review {doc.get('id')!r}: key {repeated!r} appears twice"))
            continue
        try:
            review = Review.from_doc(doc)
        except ValidationError as error:
            failures.append((index, f"review {doc.get('id')!r}: {error.message}"))
            continue
        if review.id in ids:
            failures.append(
                (index, f"id {review.id} is used twice (also review #{ids[review.id]})")
            )
            continue
        ids[review.id] = index + 1
        batch.records.append(
            Incoming(
                origin=name,
                source=SOURCE_FILMREV,
                provided=PROVIDED,
                own_id=review.id,
                created=review.created,
                updated=review.updated,
                rank=review.rank,
                rank_given=True,
                review=review,
            )
        )
    comparison_failures: list[tuple[int, str]] = []
    for index, comparison in enumerate(comparisons):
        reason = _comparison_problem(comparison, ids)
        if reason:
            comparison_failures.append((index, reason))
        else:
            batch.comparisons.append(dict(comparison))
    if "lists" in document:
        from filmrev.importers.list_import import lists_from_export

        batch.lists = lists_from_export(document["lists"], set(ids), name, problems)
    watchlist_failures = _read_watchlist(document, name, batch)
    if failures or comparison_failures or watchlist_failures:
        review_lines = element_lines(raw, "reviews") if failures else []
        comparison_lines = element_lines(raw, "comparisons") if comparison_failures else []
        for index, reason in failures:
            line = review_lines[index] if index < len(review_lines) else 1
            problems.add(f"{name}:{line}", reason)
        for index, reason in comparison_failures:
            line = comparison_lines[index] if index < len(comparison_lines) else 1
            problems.add(f"{name}:{line}", reason)
        watchlist_lines = element_lines(raw, "watchlist") if watchlist_failures else []
        for index, reason in watchlist_failures:
            line = watchlist_lines[index] if index < len(watchlist_lines) else 1
            problems.add(f"{name}:{line}", reason)
        problems.raise_if_any(name)
    problems.raise_if_any(name)
    return batch


def _read_watchlist(document: dict[str, Any], name: str, batch: Batch) -> list[tuple[int, str]]:
    """The export's ``watchlist`` entries into ``batch``; returns (index, reason) failures."""
    from filmrev.watchlist import Incoming as WatchlistIncoming
    from filmrev.watchlist import WatchlistEntry

    entries = document.get("watchlist", [])
    if not isinstance(entries, list):
        return [(0, '"watchlist" must be a list of entries')]
    failures: list[tuple[int, str]] = []
    for index, doc in enumerate(entries):
        try:
            entry = WatchlistEntry.from_doc(doc.get("id") if isinstance(doc, dict) else None, doc)
        except ValidationError as error:
            failures.append((index, error.message))
            continue
        batch.watchlist.append(
            WatchlistIncoming(
                origin=name,
                title=entry.title,
                year=entry.year,
                added=entry.added,
                note=entry.note,
                letterboxd=entry.letterboxd,
                id=entry.id,
            )
        )
    return failures


def _comparison_problem(comparison: Any, ids: dict[int, int]) -> str | None:
    """Why a comparison record cannot be imported, or None: known fields, real ids and dates."""
    if not isinstance(comparison, dict):
        return "a comparison must be a JSON object"
    repeated = repeated_key(comparison)
    if repeated is not None:
        return f"comparison: key {repeated!r} appears twice"
    unknown = sorted(set(comparison) - COMPARISON_FIELDS)
    if unknown:
        return (
            f"comparison has unknown field {unknown[0]!r}; "
            f"fields are: {', '.join(sorted(COMPARISON_FIELDS))}"
        )
    for role in ("winner", "loser"):
        value = comparison.get(role)
        if not isinstance(value, int) or isinstance(value, bool):
            return f"comparison {role} must be a review id (got {_short(value)})"
        if value not in ids:
            return f"comparison {role} {value} is not a review in this file"
    if comparison["winner"] == comparison["loser"]:
        return f"comparison of review {comparison['winner']} with itself"
    if not isinstance(comparison.get("tie", False), bool):
        return f"comparison tie must be true or false (got {_short(comparison.get('tie'))})"
    at = comparison.get("at")
    if at is not None:
        if not isinstance(at, str) or len(at) > 40 or not at.isprintable():
            return f"comparison at must be an ISO 8601 timestamp (got {_short(at)})"
        try:
            parse_timestamp(at, "comparison at")
        except ValidationError as error:
            return error.message
    return None


def _short(value: Any) -> str:
    """``repr`` of a value, cut to 40 characters (a message is one line)."""
    shown = repr(value)
    return shown if len(shown) <= 40 else shown[:39] + "…"
