"""What every importer produces, and how import problems are reported.

Each reader (json, markdown, Letterboxd, IMDb) turns its input into a
:class:`Batch` of :class:`Incoming` records, validating every value on the
way and collecting problems as ``file:line: reason`` lines; nothing touches the
library until :mod:`filmrev.importers.merge` has planned the whole import.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from filmrev.errors import FilmrevError, ValidationError
from filmrev.folding import fold
from filmrev.model import Review

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
