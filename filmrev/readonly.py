"""A library the user made read-only (``chmod 400``, or its folder) is never rewritten.

As git and editors do, filmrev looks at the mode bits itself rather than waiting for
``EACCES``: root (and CAP_DAC_OVERRIDE) could write anyway, and a file protected by its
owner must stay as it is whoever runs filmrev.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from filmrev.errors import StorageError
from filmrev.paths import LibraryPaths

WRITE_BITS = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH


class ReadOnlyLibrary(StorageError):
    """The library file or its folder is read-only: no write is made."""


def _read_only(path: Path) -> bool:
    """No write bit for whoever runs filmrev (any write bit at all, for root)."""
    try:
        info = os.stat(path)
    except OSError:
        return False
    mode = info.st_mode
    if os.geteuid() == 0:
        return not mode & WRITE_BITS
    if info.st_uid == os.geteuid():
        return not mode & stat.S_IWUSR
    if info.st_gid in (os.getegid(), *os.getgroups()):
        return not mode & stat.S_IWGRP
    return not mode & stat.S_IWOTH


def read_only_reason(paths: LibraryPaths) -> str | None:
    """Why the library cannot be written (file or folder read-only), or None."""
    for path, what in ((paths.file, "the file"), (paths.file.parent, "its folder")):
        if path.exists() and _read_only(path):
            mode = stat.S_IMODE(os.stat(path).st_mode)
            return f"{what} has mode {mode:04o}, without write permission"
    return None


def refuse_if_read_only(paths: LibraryPaths) -> None:
    """:class:`ReadOnlyLibrary` (exit 1) before any write of a read-only library."""
    reason = read_only_reason(paths)
    if reason is not None:
        raise ReadOnlyLibrary(
            f"library {paths.display} is read-only ({reason}); nothing changed; "
            "make it writable (e.g. chmod u+w) to change it"
        )
