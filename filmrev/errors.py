"""The exceptions filmrev raises, each carrying the exit code the CLI maps it to.

Exit codes (see README): 0 ok, 1 user or data error, 2 usage error,
3 a check found problems, 130 interrupted.
"""

from __future__ import annotations


class FilmrevError(Exception):
    """Base class: a message fit for one line on stderr, and an exit code."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(FilmrevError):
    """A value a user (or a file) gave is not allowed; the message names the field."""


class NotFoundError(FilmrevError):
    """No review matches a reference."""


class AmbiguousRefError(FilmrevError):
    """A reference matches more than one review."""


class CorruptLibraryError(FilmrevError):
    """The library file cannot be read as a filmrev library."""


class InvariantError(FilmrevError):
    """The library parses but breaks an invariant; writes are refused until `doctor --fix`."""


class LockTimeoutError(FilmrevError):
    """Another filmrev process held the library lock for too long."""


class StorageError(FilmrevError):
    """Reading or writing a file failed (permissions, full disk, I/O error)."""


class Cancelled(FilmrevError):
    """The user declined a prompt or quit an interactive flow; nothing changed."""


class ChecksFailed(FilmrevError):
    """A check command (``rank check``, ``doctor``) found problems."""

    exit_code = 3
