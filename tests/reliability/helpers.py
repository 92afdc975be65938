"""Shared helpers of the reliability suite: snapshots of files on disk, hostile strings."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import orjson

from filmrev.model import Review
from filmrev.paths import LibraryPaths, resolve_library
from filmrev.storage import temp_files
from filmrev.store import Library
from filmrev.transaction import writing

#: What a terminal must never receive from user text: C0/C1 controls (but newline),
#: DEL, and bidi overrides/isolates.
TERMINAL_UNSAFE = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def paths_of(library: Path) -> LibraryPaths:
    return resolve_library(library)


def temps_left(library: Path) -> list[Path]:
    """Temp files beside the library and in its backups directory."""
    found = temp_files(library)
    backups = paths_of(library).backups
    if backups.is_dir():
        found += sorted(backups.glob(".*.tmp"))
    return found


def tree(directory: Path) -> dict[str, bytes]:
    """Every regular file under ``directory`` (relative name → bytes)."""
    return {
        str(path.relative_to(directory)): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


def seed_library(library: Path, count: int = 5, *, ranked: int = 2, body: str = "") -> bytes:
    """Write ``count`` reviews (the first ``ranked`` of them ranked) and return the file's bytes."""
    with writing(paths_of(library)) as lib:
        for number in range(1, count + 1):
            lib.add(
                {
                    "title": f"Film {number}",
                    "year": 2000 + number % 30,
                    "rating": 3.5,
                    "tags": ["Gritty, Grittness", "You’ve Touched Me in a Good Way"],
                    "body": body or f"Review number {number}, with “quotes” — and Stéphanie.",
                },
                rank=number if number <= ranked else None,
            )
    return library.read_bytes()


def reviews_on_disk(library: Path) -> list[Review]:
    return Library.load(paths_of(library), exact=True).reviews()


def state_digest(reviews: list[Review]) -> str:
    """A digest of every field of every review (what 'the library holds' means)."""
    docs = [review.to_doc() for review in reviews]
    return hashlib.sha256(orjson.dumps(docs)).hexdigest()[:16]
