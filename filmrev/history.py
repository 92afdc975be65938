"""Revision history of review bodies, and garbage collection of the body store.

Bodies are immutable (:mod:`filmrev.bodies`), so an edit that changes a body keeps
the old one: the review's ``history`` in the TinyDB file lists the earlier
versions (hash, size, words, and when that version was saved). Numbering is
oldest first: version 1 is the first text the review had.

``gc`` removes the bodies nothing refers to: not the library (current or history)
and not any kept backup. Drafts hold their text themselves, so they refer to no
body. It runs under the library lock, so no write can be between writing a body
and committing the file that refers to it.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from typing import Any

import orjson

from filmrev.errors import NotFoundError, ValidationError
from filmrev.model import Review
from filmrev.paths import LibraryPaths
from filmrev.store import Library


@dataclass(frozen=True)
class Version:
    """One earlier version of a review's body."""

    number: int
    sha256: str
    saved: str | None
    words: int
    bytes: int

    def to_doc(self) -> dict[str, Any]:
        return {
            "version": self.number,
            "saved": self.saved,
            "words": self.words,
            "bytes": self.bytes,
            "sha256": self.sha256,
        }


def versions(library: Library, review_id: int) -> list[Version]:
    """Earlier versions of a review's body, oldest first (the current body is not one)."""
    return [
        Version(number, entry["sha256"], entry.get("saved"), entry["words"], entry["bytes"])
        for number, entry in enumerate(library.history(review_id), start=1)
    ]


def version(library: Library, review_id: int, number: int | None) -> Version:
    """Version ``number`` (default: the latest earlier one), or a clear error."""
    earlier = versions(library, review_id)
    if not earlier:
        raise NotFoundError("this review has no earlier versions")
    if number is None:
        return earlier[-1]
    if not 1 <= number <= len(earlier):
        raise ValidationError(f"version must be 1..{len(earlier)} (got {number})")
    return earlier[number - 1]


def diff(library: Library, review: Review, number: int | None = None) -> str:
    """A unified diff from version ``number`` (default: the latest earlier one) to now."""
    chosen = version(library, review.id, number)
    old = library.body_text(chosen.sha256)
    lines = difflib.unified_diff(
        old.splitlines(keepends=True),
        review.body.splitlines(keepends=True),
        fromfile=f"{review.slug} version {chosen.number} ({chosen.saved})",
        tofile=f"{review.slug} now ({review.updated})",
    )
    text = "".join(line if line.endswith("\n") else line + "\n" for line in lines)
    return text


def restore(library: Library, review: Review, number: int) -> Review:
    """Bring back version ``number``'s body, as an ordinary edit (now is a version too)."""
    chosen = version(library, review.id, number)
    return library.save(review.evolve(body=library.body_text(chosen.sha256)))


# --- garbage collection ---------------------------------------------------------------


def _refs_of_tables(tables: dict[str, Any]) -> set[str]:
    refs: set[str] = set()
    for doc in tables.get("reviews", {}).values():
        if not isinstance(doc, dict):
            continue
        for entry in [doc.get("body"), *(doc.get("history") or [])]:
            if isinstance(entry, dict) and isinstance(entry.get("sha256"), str):
                refs.add(entry["sha256"])
    return refs


def referenced(paths: LibraryPaths) -> tuple[set[str], list[str]]:
    """Bodies the library or a backup refers to, and backups that could not be read.

    A backup that does not parse keeps every body (nothing is removed): it may be
    repaired and restored later.
    """
    from filmrev.backups import list_backups

    library = Library.load(paths)
    refs = _refs_of_tables(library.tables())
    unreadable: list[str] = []
    for backup in list_backups(paths):
        try:
            tables = orjson.loads(backup.read_bytes())
        except (OSError, orjson.JSONDecodeError):
            unreadable.append(backup.name)
            continue
        if isinstance(tables, dict):
            refs |= _refs_of_tables(tables)
    return refs, unreadable


@dataclass(frozen=True)
class Collected:
    """What :func:`collect` removed."""

    bodies: int
    freed: int
    kept: int


def collect(paths: LibraryPaths, *, dry_run: bool = False) -> Collected:
    """Remove bodies referenced by nothing (under the library lock)."""
    from filmrev.bodies import BodyStore
    from filmrev.storage import exclusive_lock

    store = BodyStore(paths.data_dir)
    with exclusive_lock(paths.lock, paths.display):
        refs, unreadable = referenced(paths)
        if unreadable:
            raise ValidationError(
                f"backup {unreadable[0]} does not parse; not collecting (it may refer to bodies)"
            )
        removed = freed = kept = 0
        for ref, size in list(store.refs()):
            if ref in refs:
                kept += 1
                continue
            removed += 1
            freed += size
            if not dry_run:
                store.remove(ref)
        if not dry_run:
            for leftover in store.root.glob("*/.body.*.tmp"):  # from a killed write
                freed += leftover.stat().st_size
                os.unlink(leftover)
    return Collected(removed, freed, kept)
