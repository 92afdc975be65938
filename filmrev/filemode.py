"""The mode a new file gets from the process umask (export files are the user's files)."""

from __future__ import annotations

import os


def current_umask() -> int:
    """The process umask (reading it means setting it, so it is set straight back)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def new_file_mode() -> int:
    """``0o666`` less the umask: what ``open(path, "w")`` would give a new file."""
    return 0o666 & ~current_umask()
