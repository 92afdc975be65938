"""The watchlist: films the critic means to see. They are not reviews.

Stored in the TinyDB table ``watchlist`` beside ``reviews`` (doc id = entry id)::

    {"title": str, "year": int|null, "note": str|null, "added": TS-or-date,
     "sources": {"letterboxd": url|null}}

A missing table is an empty watchlist. Entries never show in ``list``, ``rank`` or
``stats``. A film is on the watchlist at most once (same folded title and year, or the
same Letterboxd URI), and a film that has a review is not put on it.

Entry ids are the next after the highest in use: removing the newest entry frees its id
for the next one (review ids are never reused; watchlist ids may be).
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from filmrev.errors import AmbiguousRefError, CorruptLibraryError, NotFoundError, ValidationError
from filmrev.folding import fold
from filmrev.model import (
    Review,
    parse_date,
    parse_id,
    parse_optional_text,
    parse_optional_url,
    parse_timestamp,
    parse_title,
    parse_year,
    shown,
)

if TYPE_CHECKING:
    from filmrev.store import Library

TABLE = "watchlist"
ENTRY_KEYS = ("title", "year", "note", "added", "sources")


@dataclass(frozen=True)
class WatchlistEntry:
    """One film to watch."""

    id: int
    title: str
    year: int | None = None
    note: str | None = None
    added: str | None = None  # a timestamp (now_utc) or a date (Letterboxd's Date column)
    letterboxd: str | None = None

    @property
    def display_title(self) -> str:
        return f"{self.title} ({self.year})" if self.year else self.title

    @property
    def key(self) -> tuple[str, int | None]:
        """What makes two entries the same film: folded title and year."""
        return fold(self.title), self.year

    def stored_doc(self) -> dict[str, Any]:
        """The TinyDB document (the id is the doc id)."""
        return {
            "title": self.title,
            "year": self.year,
            "note": self.note,
            "added": self.added,
            "sources": {"letterboxd": self.letterboxd},
        }

    def to_doc(self) -> dict[str, Any]:
        """The JSON object (``watchlist list --format json``, the JSON export)."""
        return {"id": self.id, **self.stored_doc()}

    @classmethod
    def from_doc(cls, entry_id: object, doc: object) -> WatchlistEntry:
        """Validate a stored or exported document."""
        if not isinstance(doc, Mapping):
            raise ValidationError("a watchlist entry must be an object {title, year, ...}")
        unknown = set(doc) - {"id", *ENTRY_KEYS}
        if unknown:
            raise ValidationError(
                f"watchlist entry: unknown key {sorted(unknown)[0]!r}; "
                f"keys are: id, {', '.join(ENTRY_KEYS)}"
            )
        sources = doc.get("sources") or {}
        if not isinstance(sources, Mapping) or set(sources) - {"letterboxd"}:
            raise ValidationError("watchlist entry: sources must be {letterboxd: url|null}")
        return cls(
            id=parse_id(entry_id, "watchlist id"),
            title=parse_title(doc.get("title"), "watchlist title"),
            year=parse_year(doc.get("year")),
            note=parse_optional_text(doc.get("note"), "watchlist note"),
            added=_added(doc.get("added")),
            letterboxd=parse_optional_url(sources.get("letterboxd"), "sources.letterboxd"),
        )


def _added(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, str) and len(value.strip()) == 10:
        return parse_date(value, "watchlist added")
    return parse_timestamp(value, "watchlist added")


# --- reading and writing the table --------------------------------------------------


def entries(library: Library) -> list[WatchlistEntry]:
    """The watchlist, by id (a corrupt entry is an error naming it)."""
    found: list[WatchlistEntry] = []
    for entry_id, doc in sorted(library.table_docs(TABLE).items()):
        try:
            found.append(WatchlistEntry.from_doc(entry_id, doc))
        except ValidationError as error:
            raise CorruptLibraryError(
                f"library {library.paths.display}: watchlist entry {entry_id}: {error.message}"
            ) from None
    return found


def store(library: Library, watchlist: Iterable[WatchlistEntry]) -> None:
    """Replace the watchlist table (inside :func:`filmrev.store.writing`)."""
    library.replace_table_docs(TABLE, {entry.id: entry.stored_doc() for entry in watchlist})


def next_id(watchlist: Sequence[WatchlistEntry]) -> int:
    return max((entry.id for entry in watchlist), default=0) + 1


# --- matching ----------------------------------------------------------------------


def review_of(
    reviews: Iterable[Review], title: str, year: int | None, uri: str | None = None
) -> Review | None:
    """The review of this film (same Letterboxd URI, or same folded title and year)."""
    wanted = fold(title)
    for review in reviews:
        if uri and review.sources.get("letterboxd") == uri:
            return review
        if review.year == year and fold(review.title) == wanted:
            return review
    return None


def entry_of(
    watchlist: Iterable[WatchlistEntry], title: str, year: int | None, uri: str | None = None
) -> WatchlistEntry | None:
    """The entry for this film: the same Letterboxd URI, or the same folded title and year
    when one of the two has no URI (Letterboxd has two films "Lost Country" from 2023)."""
    wanted = (fold(title), year)
    for entry in watchlist:
        if uri and entry.letterboxd:
            if entry.letterboxd == uri:
                return entry
        elif entry.key == wanted:
            return entry
    return None


def new_entry(
    watchlist: Sequence[WatchlistEntry],
    reviews: Iterable[Review],
    *,
    title: str,
    year: object,
    note: str | None,
    added: str,
) -> WatchlistEntry:
    """A validated entry for ``watchlist add``; refuses a film already listed or reviewed."""
    entry = WatchlistEntry.from_doc(
        next_id(watchlist), {"title": title, "year": year, "note": note, "added": added}
    )
    listed = entry_of(watchlist, entry.title, entry.year)
    if listed is not None:
        raise ValidationError(
            f"{listed.display_title} is already on the watchlist (id {listed.id})"
        )
    reviewed = review_of(reviews, entry.title, entry.year)
    if reviewed is not None:
        raise ValidationError(
            f"{reviewed.display_title} already has a review, {reviewed.slug}; "
            "a watchlist is for films not seen yet"
        )
    return entry


def find(watchlist: Sequence[WatchlistEntry], ref: str, year: object = None) -> WatchlistEntry:
    """The entry ``ref`` names: an id (all digits, no ``year``), else a title (folded).

    A title on the list for several years needs ``year``.
    """
    text = ref.strip()
    wanted_year = parse_year(year)
    if text.isdigit() and year is None:
        by_id = next((entry for entry in watchlist if entry.id == int(text)), None)
        if by_id is not None:
            return by_id
    folded = fold(text)
    matches = [
        entry
        for entry in watchlist
        if entry.key[0] == folded and (year is None or entry.year == wanted_year)
    ]
    if len(matches) == 1:
        return matches[0]
    if matches:
        listed = ", ".join(f"{entry.display_title} (id {entry.id})" for entry in matches)
        apart = "--year" if len({entry.year for entry in matches}) > 1 else "the id"
        raise AmbiguousRefError(
            f"{shown(ref)} is on the watchlist more than once: {listed}; {apart} tells them apart"
        )
    close = difflib.get_close_matches(
        folded, [entry.key[0] for entry in watchlist], n=1, cutoff=0.6
    )
    hint = ""
    if close:
        guess = next(entry for entry in watchlist if entry.key[0] == close[0])
        hint = f" (closest: {guess.display_title}, id {guess.id})"
    what = f"{shown(ref)}" + (f" from {wanted_year}" if wanted_year else "")
    raise NotFoundError(f"no film {what} on the watchlist{hint}")


# --- importing ------------------------------------------------------------------------


@dataclass
class Incoming:
    """A watchlist entry as an import gives it (``id``: the export's own id, if any)."""

    origin: str
    title: str
    year: int | None
    added: str | None = None
    note: str | None = None
    letterboxd: str | None = None
    id: int | None = None


@dataclass
class Merge:
    """What importing watchlist entries does: the new table and why entries were left out."""

    watchlist: list[WatchlistEntry]
    added: list[WatchlistEntry] = field(default_factory=list)
    updated: list[WatchlistEntry] = field(default_factory=list)
    already: list[Incoming] = field(default_factory=list)
    reviewed: list[tuple[Incoming, Review]] = field(default_factory=list)

    @property
    def changes(self) -> bool:
        return bool(self.added or self.updated)

    def summary(self) -> str:
        """``watchlist: 3 added, 2 already on it, 1 not added (has a review)``."""
        parts = [f"{len(self.added)} added"]
        if self.updated:
            parts.append(f"{len(self.updated)} given their Letterboxd link")
        if self.already:
            parts.append(f"{len(self.already)} already on it")
        if self.reviewed:
            films = ", ".join(review.slug for _, review in self.reviewed[:3])
            more = ", …" if len(self.reviewed) > 3 else ""
            parts.append(f"{len(self.reviewed)} not added (the film has a review: {films}{more})")
        line = "watchlist: " + ", ".join(parts)
        if not self.changes and (self.already or self.reviewed):
            line += "; nothing to change"
        return line


def merge(
    watchlist: Sequence[WatchlistEntry],
    incoming: Iterable[Incoming],
    reviews: Sequence[Review],
) -> Merge:
    """Add ``incoming`` entries to ``watchlist``, idempotently.

    An incoming film already listed (same Letterboxd URI, else folded title and year) is
    left as it is, except that an entry without a Letterboxd URI takes the incoming one;
    a film that has a review (in ``reviews``) is not added. A new entry keeps the
    export's own id when it is free, else takes the next id.
    """
    table = {entry.id: entry for entry in watchlist}
    result = Merge(watchlist=[])
    for item in incoming:
        current = entry_of(table.values(), item.title, item.year, item.letterboxd)
        if current is not None:
            if item.letterboxd and current.letterboxd is None:
                updated = dataclasses.replace(current, letterboxd=item.letterboxd)
                table[current.id] = updated
                result.updated.append(updated)
            else:
                result.already.append(item)
            continue
        reviewed = review_of(reviews, item.title, item.year, item.letterboxd)
        if reviewed is not None:
            result.reviewed.append((item, reviewed))
            continue
        entry_id = item.id if item.id is not None and item.id not in table else None
        if entry_id is None:
            entry_id = max(table, default=0) + 1
        entry = WatchlistEntry(
            id=entry_id,
            title=item.title,
            year=item.year,
            note=item.note,
            added=item.added,
            letterboxd=item.letterboxd,
        )
        table[entry_id] = entry
        result.added.append(entry)
    result.watchlist = [table[entry_id] for entry_id in sorted(table)]
    return result
