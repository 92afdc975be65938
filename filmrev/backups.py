"""Timestamped full copies of the library in ``library.json.d/backups/`` (mode 0600), rotated.

Made before destructive or bulk changes (delete, import, tag rename, migrations,
restore, ``doctor --fix``) and on demand by ``filmrev backup``.
``$FILMREV_BACKUP_KEEP`` (default 20) copies are kept; the oldest go first.

A backup is the library file byte for byte, named
``library-<UTC time>-<reason>.json`` so names sort by age::

    library.json.d/backups/library-20261125T204121123456Z-delete.json
"""

from __future__ import annotations

import contextlib
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from filmrev.errors import FilmrevError, NotFoundError, StorageError, ValidationError
from filmrev.paths import LibraryPaths
from filmrev.storage import (
    DIR_MODE,
    atomic_write,
    ensure_directory,
    exclusive_lock,
    parse_library_bytes,
    read_file_bytes,
)

ENV_KEEP = "FILMREV_BACKUP_KEEP"
DEFAULT_KEEP = 20
STAMP_FORMAT = "%Y%m%dT%H%M%S%fZ"
NAME_PATTERN = re.compile(r"^library-(\d{8}T\d{12}Z)-([a-z0-9-]+)\.json$")


def keep_count() -> int:
    """How many backups to keep, from ``$FILMREV_BACKUP_KEEP`` (default 20)."""
    raw = os.environ.get(ENV_KEEP, "")
    if not raw:
        return DEFAULT_KEEP
    if not raw.isdigit() or int(raw) < 1:
        raise ValidationError(f"{ENV_KEEP} must be a whole number ≥ 1 (got {raw!r})")
    return int(raw)


def list_backups(paths: LibraryPaths) -> list[Path]:
    """Backups of this library, oldest first (only files named as filmrev names them)."""
    try:
        names = [entry.name for entry in os.scandir(paths.backups) if entry.is_file()]
    except (FileNotFoundError, NotADirectoryError):
        return []
    except OSError as error:
        raise StorageError(f"cannot read {paths.backups}: {error.strerror or error}") from None
    return [paths.backups / name for name in sorted(names) if NAME_PATTERN.match(name)]


@dataclass(frozen=True)
class BackupInfo:
    """What ``filmrev backup --list`` shows about one backup."""

    path: Path
    created: str
    reason: str
    size: int
    reviews: int | None

    def to_doc(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "name": self.path.name,
            "created": self.created,
            "reason": self.reason,
            "bytes": self.size,
            "reviews": self.reviews,
        }


def describe(path: Path) -> BackupInfo:
    """Name, time, reason, size and review count (None when it does not parse) of a backup."""
    match = NAME_PATTERN.match(path.name)
    if match:
        stamp = datetime.strptime(match.group(1), STAMP_FORMAT).replace(tzinfo=UTC)
        reason = match.group(2)
    else:
        stamp = datetime.fromtimestamp(path.stat().st_mtime, UTC)
        reason = "copy"
    raw = path.read_bytes()
    reviews: int | None
    try:
        reviews = len(parse_library_bytes(raw, str(path)).get("reviews", {}))
    except FilmrevError:
        reviews = None
    return BackupInfo(
        path=path,
        created=stamp.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        reason=reason,
        size=len(raw),
        reviews=reviews,
    )


def _reason_slug(reason: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", reason.lower()).strip("-")
    return slug or "manual"


def make_backup(paths: LibraryPaths, reason: str, target: Path | None = None) -> Path:
    """Copy the library file as it is now; returns the backup's path.

    Without ``target`` the copy goes to ``library.json.d/backups/`` and old ones
    rotate; with a ``target`` directory it goes inside it; an existing target
    file is never overwritten.
    """
    data = read_file_bytes(paths.file, paths.display)
    if data is None:
        raise NotFoundError(f"library {paths.display} does not exist yet; nothing to back up")
    return _write_backup(paths, data, reason, target)


def _write_backup(paths: LibraryPaths, data: bytes, reason: str, target: Path | None) -> Path:
    name = f"library-{datetime.now(UTC).strftime(STAMP_FORMAT)}-{_reason_slug(reason)}.json"
    keep = keep_count()
    try:
        if target is None:
            ensure_directory(paths.data_dir)
            os.chmod(paths.data_dir, DIR_MODE)
            ensure_directory(paths.backups)
            target = paths.backups / name
        elif target.is_dir():
            target = target / name
        elif target.exists() or target.is_symlink():
            raise ValidationError(f"{target} already exists; not overwriting it")
    except OSError as error:
        raise StorageError(
            f"cannot back up {paths.display}: {error.strerror or error}; nothing changed"
        ) from None
    atomic_write(target, data, commit=False)  # a new file: mode 0600
    if target.parent == paths.backups:
        for old in list_backups(paths)[:-keep]:
            with contextlib.suppress(FileNotFoundError):  # another process rotated it
                old.unlink()
    return target


def find_backup(paths: LibraryPaths, ref: str) -> Path:
    """A backup given as a path, a file name in the backups directory, or ``latest``."""
    if ref == "latest":
        backups = list_backups(paths)
        if not backups:
            raise NotFoundError(f"library {paths.display} has no backups in {paths.backups}")
        return backups[-1]
    candidate = Path(ref).expanduser()
    if candidate.is_file():
        return candidate
    if "/" not in ref and (paths.backups / ref).is_file():
        return paths.backups / ref
    raise NotFoundError(
        f"no backup {ref!r} (give a path, a name from `filmrev backup --list`, or 'latest')"
    )


@dataclass(frozen=True)
class Restored:
    """The outcome of :func:`restore`."""

    source: Path
    reviews: int
    previous: Path | None


def check_backup(paths: LibraryPaths, source: Path) -> tuple[bytes, int]:
    """The backup's bytes and review count, once they validate as a library (else an error)."""
    from filmrev.store import Library, migrate

    shown = str(source)
    try:
        raw = source.read_bytes()
    except OSError as error:
        raise StorageError(f"cannot read backup {shown}: {error.strerror or error}") from None
    try:
        tables, _ = migrate(parse_library_bytes(raw, shown, exact=True), shown)
        library = Library(LibraryPaths(given=source, file=source), tables, exists=True)
    except FilmrevError as error:
        reason = error.message.removeprefix("library ")
        raise ValidationError(f"not restoring: backup {reason}") from None
    return raw, len(library.summaries())


def restore(paths: LibraryPaths, source: Path) -> Restored:
    """Replace the library with a backup, atomically, under the lock.

    The backup must parse as a library; the current file (even a corrupt one)
    is backed up first. The restored file is the backup byte for byte.
    """
    raw, count = check_backup(paths, source)
    with exclusive_lock(paths.lock, paths.display):
        current = read_file_bytes(paths.file, paths.display)
        previous = None
        if current is not None:
            previous = _write_backup(paths, current, "restore", None)
        atomic_write(paths.file, raw, paths.display)
    return Restored(source=source, reviews=count, previous=previous)
