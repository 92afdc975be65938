"""Timestamped full copies of the library in ``library.json.d/backups/`` (mode 0600), rotated.

Made before destructive or bulk changes (delete, import, tag rename, migrations,
restore, ``doctor --fix``) and on demand by ``filmrev backup``.
``$FILMREV_BACKUP_KEEP`` (default 20) copies are kept; the oldest go first.

Only a library that opens is backed up (a copy of a damaged file protects nothing),
rotation never removes the newest backup that opens, and ``restore latest`` takes
the newest backup that opens. A restore never turns the id counter back.

A backup is the library file byte for byte, named
``library-<UTC time>-<reason>.json`` so names sort by age::

    library.json.d/backups/library-20261125T204121123456Z-delete.json
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from filmrev.errors import (
    CorruptLibraryError,
    FilmrevError,
    NotFoundError,
    StorageError,
    ValidationError,
)
from filmrev.paths import LibraryPaths
from filmrev.storage import (
    DIR_MODE,
    atomic_write,
    ensure_directory,
    exclusive_lock,
    parse_library_bytes,
    read_file_bytes,
)

if TYPE_CHECKING:
    from filmrev.store import Library

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


def opens(data: bytes, shown: str) -> bool:
    """Whether these bytes open as a library (parse, migrate, every review valid)."""
    try:
        _open_library(data, shown)
    except FilmrevError:
        return False
    return True


def _open_library(data: bytes, shown: str) -> Any:
    from filmrev.store import Library, migrate

    path = Path(shown)
    tables, _ = migrate(parse_library_bytes(data, shown, exact=True), shown)
    return Library(LibraryPaths(given=path, file=path), tables, exists=True)


def make_backup(
    paths: LibraryPaths, reason: str, target: Path | None = None, *, checked: bool = False
) -> Path:
    """Copy the library file as it is now; returns the backup's path.

    Without ``target`` the copy goes to ``library.json.d/backups/`` and old ones
    rotate; with a ``target`` directory it goes inside it; an existing target
    file is never overwritten. A library that does not open is not backed up
    (:class:`CorruptLibraryError`); ``checked``: the caller has just opened it.
    """
    data = read_file_bytes(paths.file, paths.display)
    if data is None:
        raise NotFoundError(f"library {paths.display} does not exist yet; nothing to back up")
    if not checked:
        try:
            _open_library(data, paths.display)
        except FilmrevError as error:
            raise CorruptLibraryError(
                f"not backing up: {error.message}; a copy of a library that does not open "
                "protects nothing (see `filmrev doctor`)"
            ) from None
    return _write_backup(paths, data, reason, target, good=True)


def backup_before(library: Library, reason: str) -> None:
    """Keep a copy of the file as it is before a destructive or bulk change.

    ``library`` is open (it is loaded), so the copy is not opened again to check it.
    """
    if library.exists:
        make_backup(library.paths, reason, checked=True)


def backup_before_body_loss(library: Any, review: Any, reason: str) -> Path | None:
    """Back up before a change that empties or deletes the text of ``review``; say so.

    ``library`` is the open :class:`filmrev.store.Library` (so the file opens) and
    ``review`` the review as it is now. The message, printed once the change is
    committed, says how to get the text back.
    """
    if not library.exists:
        return None
    path = make_backup(library.paths, reason, checked=True)
    message = (
        f"filmrev: {clean_name(review.slug)} as it was before this change is kept in backup "
        f"{path.name}; get it back with `filmrev restore {path.name}` "
        "(the whole library as it was just before)"
    )

    def tell(library: Any) -> None:  # only once the change is saved: else nothing was lost
        print(message, file=sys.stderr)

    library.after_commit.append(tell)
    return path


def clean_name(text: str) -> str:
    from filmrev.terminal import clean

    return clean(text)


def newest_that_opens(paths: LibraryPaths, backups: list[Path] | None = None) -> Path | None:
    """The newest backup that opens as a library, or None."""
    for path in reversed(list_backups(paths) if backups is None else backups):
        try:
            data = path.read_bytes()
        except OSError:
            continue
        if opens(data, str(path)):
            return path
    return None


def _write_backup(
    paths: LibraryPaths, data: bytes, reason: str, target: Path | None, *, good: bool = False
) -> Path:
    """Write a backup; ``good``: ``data`` is known to open (then it is the newest good one)."""
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
        existing = list_backups(paths)
        spared = None if good else newest_that_opens(paths, existing)
        for old in existing[:-keep]:
            if old == spared:
                continue  # rotation never removes the last backup that opens
            with contextlib.suppress(FileNotFoundError):  # another process rotated it
                old.unlink()
    return target


def find_backup(paths: LibraryPaths, ref: str) -> Path:
    """A backup given as a path, a file name in the backups directory, or ``latest``."""
    if ref == "latest":
        backups = list_backups(paths)
        if not backups:
            raise NotFoundError(f"library {paths.display} has no backups in {paths.backups}")
        newest = newest_that_opens(paths, backups)
        if newest is None:
            raise NotFoundError(
                f"none of the {len(backups)} backups in {paths.backups} opens as a library; "
                "nothing changed"
            )
        return newest
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
    shown = str(source)
    try:
        raw = source.read_bytes()
    except OSError as error:
        raise StorageError(f"cannot read backup {shown}: {error.strerror or error}") from None
    try:
        library = _open_library(raw, shown)
    except FilmrevError as error:
        reason = error.message.removeprefix("library ")
        raise ValidationError(f"not restoring: backup {reason}") from None
    return raw, len(library.summaries())


def restore(paths: LibraryPaths, source: Path) -> Restored:
    """Replace the library with a backup, atomically, under the lock.

    The backup must parse as a library; the current file (even a corrupt one)
    is backed up first. The restored file is the backup byte for byte, except
    that the id counter never goes back (see :func:`keep_id_counter`).
    """
    from filmrev.readonly import refuse_if_read_only

    raw, count = check_backup(paths, source)
    refuse_if_read_only(paths)
    with exclusive_lock(paths.lock, paths.display):
        current = read_file_bytes(paths.file, paths.display)
        previous = None
        if current is not None:
            previous = _write_backup(paths, current, "restore", None)
        atomic_write(paths.file, keep_id_counter(raw, current, str(source)), paths.display)
    return Restored(source=source, reviews=count, previous=previous)


def _next_id(data: bytes, shown: str) -> int:
    """The id counter of a library's bytes: max(meta next_id, highest id + 1); 1 if unreadable."""
    try:
        tables = parse_library_bytes(data, shown)
    except FilmrevError:
        return 1
    meta = tables.get("meta")
    record = meta.get("1") if isinstance(meta, dict) else None
    counter = record.get("next_id") if isinstance(record, dict) else None
    reviews = tables.get("reviews")
    keys = reviews.keys() if isinstance(reviews, dict) else ()
    highest = max((int(key) for key in keys if key.isdigit()), default=0)
    if isinstance(counter, int) and not isinstance(counter, bool):
        return max(counter, highest + 1)
    return highest + 1


def keep_id_counter(raw: bytes, current: bytes | None, shown: str) -> bytes:
    """``raw`` with ``next_id`` = max(current's, raw's, highest id + 1): ids are never reused.

    Unchanged bytes when the backup's counter is already the highest.
    """
    from filmrev.storage import serialise
    from filmrev.store import migrate

    wanted = max(_next_id(raw, shown), _next_id(current, "current") if current else 1)
    tables, _ = migrate(parse_library_bytes(raw, shown, exact=True), shown)
    record = tables.get("meta", {}).get("1")
    if not isinstance(record, dict) or record.get("next_id") == wanted:
        return raw
    record["next_id"] = wanted
    return serialise(tables)
