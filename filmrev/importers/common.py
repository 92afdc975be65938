"""What every importer produces, and how import problems are reported.

Each reader (json, markdown, Letterboxd, IMDb) turns its input into a
:class:`Batch` of :class:`Incoming` records, validating every value on the
way and collecting problems as ``file:line: reason`` lines; nothing touches the
library until :mod:`filmrev.importers.merge` has planned the whole import.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from filmrev.errors import FilmrevError, ValidationError
from filmrev.folding import fold
from filmrev.model import Review
from filmrev.terminal import ESCAPE_SEQUENCE

if TYPE_CHECKING:
    from filmrev.watchlist import Incoming as WatchlistIncoming

SOURCE_FILMREV = "filmrev"
SOURCE_LETTERBOXD = "letterboxd"
SOURCE_IMDB = "imdb"


class ImportFailed(FilmrevError):
    """Input that did not validate: nothing was imported.

    ``problems`` holds one ``file:line: reason`` line per problem; the message is
    the one-line summary the CLI prints after them.
    """

    def __init__(self, problems: list[str], what: str) -> None:
        count = len(problems)
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"{count} {noun} in {what}; nothing was imported")
        self.problems = problems


class Problems:
    """Collects ``file:line: reason`` lines, so every row is checked before giving up."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        #: Things changed on the way in, not problems (e.g. control characters removed).
        self.notes: list[str] = []

    def add(self, origin: str, reason: str) -> None:
        self.lines.append(f"{origin}: {reason}")

    def __bool__(self) -> bool:
        return bool(self.lines)

    def raise_if_any(self, what: str) -> None:
        if self.lines:
            raise ImportFailed(self.lines, what)


@dataclass
class Incoming:
    """One review as an input gives it.

    External sources put the values they provide in ``fields``, in document form
    (as in ``Review.to_doc``), without ``id``, ``rank`` and ``updated``;
    ``sources`` holds only the keys the input gives. Own exports (json, markdown)
    carry the validated ``review`` instead (generated placeholders where the file
    is silent) and the names of the fields they give in ``provided``.
    """

    origin: str
    source: str
    fields: dict[str, Any] = field(default_factory=dict)
    own_id: int | None = None
    created: str | None = None
    updated: str | None = None
    rank: int | None = None
    rank_given: bool = False
    review: Review | None = None
    #: Own exports: the fields the file gives (``fields`` stays empty; see :meth:`values`).
    provided: frozenset[str] = frozenset()
    #: More ``(service, id)`` pairs that identify the film (e.g. every Letterboxd URI seen).
    match_ids: list[tuple[str, str]] = field(default_factory=list)

    def get(self, name: str) -> Any:
        """A scalar field (``title``, ``year``, ``slug``...) or ``sources``; None when not given."""
        if self.review is None:
            return self.fields.get(name)
        return getattr(self.review, name) if name in self.provided else None

    def values(self) -> dict[str, Any]:
        """The provided fields in document form (computed for own exports, which are large)."""
        if self.review is None:
            return self.fields
        doc = self.review.to_doc()
        return {name: value for name, value in doc.items() if name in self.provided}


@dataclass
class Batch:
    """Everything read from one PATH: records in input order, json comparisons, notes."""

    format: str
    label: str
    records: list[Incoming] = field(default_factory=list)
    comparisons: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: Films to see (Letterboxd ``watchlist.csv``, the JSON export's ``watchlist``).
    watchlist: list[WatchlistIncoming] = field(default_factory=list)
    #: Named lists (``filmrev.importers.list_import.IncomingList``), imported after the reviews.
    lists: list[Any] = field(default_factory=list)


class Progress(Protocol):
    """A progress display (a Rich bar on a terminal, nothing otherwise)."""

    def start(self, description: str, total: int) -> None: ...

    def advance(self, steps: int = 1) -> None: ...

    def stop(self) -> None: ...


class NoProgress:
    """The progress display used when stderr is not a terminal."""

    def start(self, description: str, total: int) -> None:
        pass

    def advance(self, steps: int = 1) -> None:
        pass

    def stop(self) -> None:
        pass


def day_stamp(day: str) -> str:
    """A date as a timestamp of that day's midnight UTC: ``2024-03-09T00:00:00.000000Z``."""
    return f"{day}T00:00:00.000000Z"


def checked(origin: str, problems: Problems, parse: Any, *args: Any) -> Any:
    """``parse(*args)``, or None with the ValidationError recorded against ``origin``."""
    try:
        return parse(*args)
    except ValidationError as error:
        problems.add(origin, error.message)
        return None


def tracked(items: list[Any], progress: Progress, description: str) -> Iterator[Any]:
    """Iterate ``items`` while advancing the progress display."""
    progress.start(description, len(items))
    try:
        for item in items:
            yield item
            progress.advance()
    finally:
        progress.stop()


# --- limits every importer checks before use (see README "Limits") ---------------------------

#: The largest file (or total of a zip's members) an import reads: 256 MiB. A Letterboxd
#: export of 10,000 films is a few MB; a filmrev JSON export of 10,000 long reviews ~300 MB
#: would be over it, and is imported in parts (or as Markdown files, each checked alone).
MAX_INPUT_BYTES = 256 * 1024 * 1024
#: JSON and YAML nest a few levels (export → reviews → review → crew → names).
MAX_DEPTH = 16
#: Rows of one CSV file (a Letterboxd diary of a lifetime is ~20,000).
MAX_CSV_ROWS = 1_000_000


def read_input(path: Path, limit: int = MAX_INPUT_BYTES, *, head: bool = False) -> bytes:
    """The bytes of a regular file, refusing FIFOs, devices and files over ``limit``.

    With ``head``, the first ``limit`` bytes of a file of any size (for telling formats apart).

    Opened with ``O_NONBLOCK`` and checked with ``fstat`` before reading, so a FIFO or
    ``/dev/zero`` given as PATH is a one-line refusal, never a hang.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise ValidationError(f"cannot read {path}: {error.strerror or error}") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ValidationError(f"{path} is {file_kind(info.st_mode)}, not a regular file")
        if info.st_size > limit and not head:
            raise ValidationError(
                f"{path} is {info.st_size:,} bytes; imports read at most {limit:,} bytes per file"
            )
        if head:
            return handle.read(limit)
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(f"{path} is over {limit:,} bytes; imports read at most that")
    return data


def check_input_file(path: Path, limit: int = MAX_INPUT_BYTES) -> None:
    """Refuse, as :func:`read_input` would, without reading: not a regular file, or too big."""
    read_input(path, 0, head=True)
    size = path.stat().st_size
    if size > limit:
        raise ValidationError(
            f"{path} is {size:,} bytes; imports read at most {limit:,} bytes per file"
        )


def file_kind(mode: int) -> str:
    """``a FIFO``, ``a device``... for a message about a file that is not a regular one."""
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def check_input_path(path: Path) -> None:
    """Refuse a PATH that is a symlink loop, a FIFO, a device or a socket (files and dirs pass)."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise ValidationError(f"{path}: no such file or directory") from None
    except (OSError, RuntimeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise ValidationError(f"cannot read {path}: {reason}") from None
    if not (stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode)):
        raise ValidationError(f"{path} is {file_kind(info.st_mode)}, not a file or directory")


class _Repeats(dict[str, Any]):
    """A JSON object that repeated ``key`` (the first repeat found)."""

    repeated = ""


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                marked = _Repeats(result)
                marked.repeated = key
                return marked
            seen.add(key)
    return result


def depth_of(value: Any) -> int:
    """How deeply lists and objects nest in ``value`` (a scalar is 0); iterative."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Iterable[Any] = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth + 1)
        if deepest > MAX_DEPTH:
            return deepest
        stack.extend((child, depth + 1) for child in children)
    return deepest


def repeated_key(value: Any, *, nested: bool = True) -> str | None:
    """The first key some object inside ``value`` (from :func:`load_json`) repeats, or None.

    With ``nested=False`` only ``value`` itself is looked at (the top level of a file).
    """
    if not nested:
        return value.repeated if isinstance(value, _Repeats) else None
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, _Repeats):
            return item.repeated
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return None


#: A JSON string, and whether a ``:`` follows it (then it is an object key). Matched one
#: after another from the start, these lex a JSON text exactly: outside strings JSON has
#: no ``"``.
_STRING_OR_KEY = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"(\s*:)?')


def _keys_and_depth(value: Any) -> tuple[int, int]:
    """How many keys the objects in ``value`` hold, and how deeply it nests (iterative)."""
    keys = 0
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            keys += len(item)
            children: Iterable[Any] = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth + 1)
        if deepest > MAX_DEPTH:
            return keys, deepest
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return keys, deepest


def load_json(raw: bytes, name: str) -> Any:
    """Parse JSON for an import: nesting capped at :data:`MAX_DEPTH`, repeated keys marked.

    orjson parses first (fast, and it refuses nesting over 1,024). A repeated key is
    invisible in its result (orjson keeps the last value), so the keys of the text are
    counted too: when the parsed objects hold fewer keys than the text names, the
    standard parser parses it again and records every object that repeats a key, which
    :func:`repeated_key` finds. (Parsing every export twice took ~40 % of an import.)
    """
    import json

    import orjson

    from filmrev.storage import load_json as parse

    try:
        document = parse(raw)
    except orjson.JSONDecodeError as error:
        raise ImportFailed([f"{name}:{error.lineno}: not valid JSON: {error.msg}"], name) from None
    keys, depth = _keys_and_depth(document)
    if depth > MAX_DEPTH:
        raise ImportFailed(
            [f"{name}:1: JSON nested more than {MAX_DEPTH} levels deep; not a filmrev export"],
            name,
        )
    strings = _STRING_OR_KEY.findall(raw)  # b":" after a key, b"" after any other string
    if len(strings) - strings.count(b"") == keys:
        return document
    return json.loads(raw.decode("utf-8"), object_pairs_hook=_pairs)


#: What a CSV cell from another service may not hold: escape sequences and C0/C1 controls
#: other than tab, newline and carriage return (reviews keep their line breaks).
_CELL_CONTROLS = re.compile(f"(?:{ESCAPE_SEQUENCE.pattern})|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def clean_cell(cell: str) -> tuple[str, int]:
    """``cell`` without escape sequences and control characters, and how many were removed.

    >>> clean_cell("Bell\\x07 \\x1b[2Jand NUL\\x00")
    ('Bell and NUL', 3)
    """
    if cell.isprintable():
        return cell, 0
    cleaned, count = _CELL_CONTROLS.subn("", cell)
    return cleaned, count


_NOT_WORD = re.compile(r"[^\w\s]")
_AMPERSAND = re.compile(r"\s*&\s*")


def title_key(title: str) -> str:
    """The form of a title that matching across sources compares (with the year).

    Built on :func:`filmrev.folding.fold` (case, accents, quotes, dashes, spacing),
    then punctuation and typography are ignored: ``&`` is ``and`` and every other
    mark goes, so ``Mission: Impossible – Fallout`` = ``Mission: Impossible - Fallout``,
    ``Hit & Run`` = ``Hit and Run`` and ``Monsters vs Aliens`` = ``Monsters vs. Aliens``.
    A title of punctuation only keeps its folded form.
    """
    folded = fold(title)
    key = " ".join(_NOT_WORD.sub(" ", _AMPERSAND.sub(" and ", folded)).split())
    return key or folded
