"""Timestamped full copies of the library in ``library.json.d/backups/`` (mode 0600), rotated.

Made before destructive or bulk changes (delete, import, tag rename, migrations,
restore) and on demand by ``filmrev backup``. ``$FILMREV_BACKUP_KEEP`` (default
20) copies are kept; the oldest go first.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from filmrev.errors import StorageError, ValidationError
from filmrev.paths import LibraryPaths
from filmrev.storage import DIR_MODE, atomic_write, ensure_directory

ENV_KEEP = "FILMREV_BACKUP_KEEP"
DEFAULT_KEEP = 20


def keep_count() -> int:
    raw = os.environ.get(ENV_KEEP, "")
    if not raw:
        return DEFAULT_KEEP
    if not raw.isdigit() or int(raw) < 1:
        raise ValidationError(f"{ENV_KEEP} must be a whole number ≥ 1 (got {raw!r})")
    return int(raw)


def list_backups(paths: LibraryPaths) -> list[Path]:
    """Backups of this library, oldest first."""
    if not paths.backups.is_dir():
        return []
    return sorted(p for p in paths.backups.iterdir() if p.is_file() and p.suffix == ".json")


def make_backup(paths: LibraryPaths, reason: str, target: Path | None = None) -> Path:
    """Copy the library file as it is now; returns the backup's path."""
    try:
        data = paths.file.read_bytes()
    except OSError as error:
        raise StorageError(f"cannot back up {paths.display}: {error.strerror or error}") from None
    if target is None:
        ensure_directory(paths.data_dir)
        os.chmod(paths.data_dir, DIR_MODE)
        ensure_directory(paths.backups)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        target = paths.backups / f"library-{stamp}-{reason}.json"
    atomic_write(target, data)
    os.chmod(target, 0o600)
    if target.parent == paths.backups:
        for old in list_backups(paths)[: -keep_count()]:
            old.unlink(missing_ok=True)
    return target
