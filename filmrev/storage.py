"""Crash-safe file storage: atomic replace, an exclusive lock, one read per transaction.

TinyDB's stock ``JSONStorage`` rewrites the file in place, so a crash or a full
disk mid-write destroys the library. Here every write goes to a temp file in the
same directory, is fsynced, and ``os.replace`` swaps it in (the commit point);
the directory is fsynced afterwards. Readers therefore see the old file or the
new one, never a partial one.

:class:`TransactionStorage` is the TinyDB ``Storage`` plug-in: it is given the
parsed file once, serves every TinyDB read from memory, and collects TinyDB
writes in memory; the store flushes it with one atomic write at commit.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import signal
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import Any

import orjson
from tinydb.storages import Storage

from filmrev.errors import CorruptLibraryError, LockTimeoutError, StorageError, ValidationError

ENV_LOCK_TIMEOUT = "FILMREV_LOCK_TIMEOUT"
DEFAULT_LOCK_TIMEOUT = 10.0
FILE_MODE = 0o600
DIR_MODE = 0o700
TEMP_SUFFIX = ".tmp"
BOM = b"\xef\xbb\xbf"


def warn(message: str) -> None:
    """A warning on stderr for failures after the commit point (the write itself succeeded)."""
    print(f"filmrev: warning: {message}", file=sys.stderr)


def lock_timeout() -> float:
    """Seconds to wait for the lock, from ``$FILMREV_LOCK_TIMEOUT`` (default 10)."""
    raw = os.environ.get(ENV_LOCK_TIMEOUT, "")
    if not raw:
        return DEFAULT_LOCK_TIMEOUT
    try:
        seconds = float(raw)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds < 1e6:
        raise ValidationError(f"{ENV_LOCK_TIMEOUT} must be a number of seconds ≥ 0 (got {raw!r})")
    return seconds


def read_file_bytes(path: Path, display: str) -> bytes | None:
    """The file's bytes, or None when it does not exist (an empty library)."""
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise CorruptLibraryError(f"library {display} is a directory, not a file") from None
    except OSError as error:
        raise StorageError(f"cannot read library {display}: {error.strerror or error}") from None


def parse_library_bytes(raw: bytes, display: str) -> dict[str, Any]:
    """Parse the library file's bytes into its top-level mapping, or explain why not."""
    if not raw:
        raise CorruptLibraryError(f"library {display} is empty (0 bytes); not touching it")
    if raw.startswith(BOM):
        raise CorruptLibraryError(
            f"library {display} starts with a byte-order mark; not a filmrev library"
        )
    try:
        tables = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise CorruptLibraryError(f"library {display} is not valid JSON: {error}") from None
    if not isinstance(tables, dict):
        raise CorruptLibraryError(
            f"library {display} must hold a JSON object, not {type(tables).__name__}"
        )
    for name, table in tables.items():
        if not isinstance(table, dict):
            raise CorruptLibraryError(f"library {display}: table {name!r} must be a JSON object")
    return tables


def serialise(tables: dict[str, Any]) -> bytes:
    """The library file's bytes: indented UTF-8 JSON with a final newline."""
    return orjson.dumps(tables, option=orjson.OPT_INDENT_2) + b"\n"


@contextlib.contextmanager
def deferred_interrupt() -> Iterator[None]:
    """Hold back Ctrl-C (SIGINT) until the block ends, then raise it."""
    try:
        previous = signal.getsignal(signal.SIGINT)
    except ValueError:  # pragma: no cover - not the main thread
        yield
        return
    received: list[int] = []

    def remember(signum: int, frame: FrameType | None) -> None:
        received.append(signum)

    try:
        signal.signal(signal.SIGINT, remember)
    except ValueError:  # pragma: no cover - not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if received:
        raise KeyboardInterrupt


def ensure_directory(directory: Path) -> None:
    """Create a missing directory (and parents) with mode 0700; existing modes are kept."""
    if not directory.is_dir():
        os.makedirs(directory, mode=DIR_MODE, exist_ok=True)


def atomic_write(path: Path, data: bytes, display: str | None = None) -> None:
    """Replace ``path`` with ``data`` atomically, keeping its mode (0600 when new).

    Temp file in the same directory → write → fsync → ``os.replace`` (commit
    point, Ctrl-C deferred) → fsync the directory. A failure before the replace
    leaves the old file and removes the temp file; a failing directory fsync
    after it is only a warning.
    """
    shown = display or str(path)
    directory = path.parent
    try:
        ensure_directory(directory)
        try:
            mode = os.stat(path).st_mode & 0o7777
        except FileNotFoundError:
            mode = FILE_MODE
        fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=directory)
    except OSError as error:
        raise StorageError(f"cannot write {shown}: {error.strerror or error}") from None
    try:
        try:
            os.fchmod(fd, mode)
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        with deferred_interrupt():
            os.replace(temp_name, path)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        if isinstance(error, OSError):
            reason = error.strerror or str(error)
            if error.errno == errno.ENOSPC:
                reason = "no space left on device"
            raise StorageError(f"cannot write {shown}: {reason}; the file is unchanged") from None
        raise
    try:
        dir_fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError as error:
        warn(f"saved {shown}, but syncing its directory failed: {error.strerror or error}")


@contextlib.contextmanager
def exclusive_lock(lock_path: Path, display: str, timeout: float | None = None) -> Iterator[None]:
    """Hold ``fcntl.flock`` on the lock file for the block; give up after ``timeout`` seconds.

    The kernel drops the lock when its process dies, so a killed filmrev never
    leaves a lock that blocks; the lock file itself is left in place on purpose.
    """
    seconds = lock_timeout() if timeout is None else timeout
    try:
        ensure_directory(lock_path.parent)
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, FILE_MODE)
    except OSError as error:
        raise StorageError(
            f"cannot write library {display}: {error.strerror or error} ({lock_path.parent})"
        ) from None
    try:
        deadline = time.monotonic() + seconds
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockTimeoutError(
                        f"library {display} is locked by another filmrev process; "
                        f"gave up after {seconds:g} s (set {ENV_LOCK_TIMEOUT} to wait longer)"
                    ) from None
                time.sleep(0.02)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


class TransactionStorage(Storage):
    """TinyDB storage over an in-memory copy of the file, flushed once by the store.

    Not ``CachingMiddleware``: that one flushes only on close and without a lock,
    so concurrent runs overwrite each other. This one lives for a single locked
    transaction, so its cache can never be stale.
    """

    def __init__(self, tables: dict[str, Any]) -> None:
        self.tables = tables
        self.dirty = False

    def read(self) -> dict[str, Any]:
        return self.tables

    def write(self, data: dict[str, Any]) -> None:
        self.tables = data
        self.dirty = True

    def close(self) -> None:
        pass
