"""The body store: review bodies as immutable files named by their SHA-256.

Beside the library, ``library.json.d/bodies/ab/abcdef…`` holds one body's UTF-8
bytes, named by the SHA-256 of those bytes. The TinyDB file refers to a body by
that hash; a body is written and fsynced before the commit (the ``os.replace`` of
the TinyDB file) that first refers to it, so a crash in between leaves at worst
an unreferenced body, never a reference to a missing one. A body file is never
changed once written: an edit writes a new body and keeps the old one for the
review's history; ``filmrev gc`` removes bodies nothing refers to.

Every read checks the hash, so a truncated or altered body is found, not shown.

    >>> store = BodyStore(Path("library.json.d"))          # doctest: +SKIP
    >>> ref = store.put("Green light.")                     # doctest: +SKIP
    >>> store.get(ref)                                      # doctest: +SKIP
    'Green light.'
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from filmrev.errors import CorruptLibraryError, StorageError

DIR_MODE = 0o700
FILE_MODE = 0o600
#: Above this many new bodies in one commit, one ``syncfs`` replaces one fsync per file.
BULK_SYNC = 32


def body_ref(text: str) -> str:
    """The SHA-256 (hex) of a body's UTF-8 bytes: its name in the store."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class BodyError(CorruptLibraryError):
    """A body file that is missing, unreadable, or does not match its hash."""


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _syncfs(directory: Path) -> bool:
    """Flush the whole file system holding ``directory`` (Linux ``syncfs``); False if absent."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        syncfs = libc.syncfs
    except (OSError, AttributeError):
        return False
    fd = os.open(directory, os.O_RDONLY)
    try:
        if syncfs(fd) != 0:
            code = ctypes.get_errno()
            raise OSError(code, os.strerror(code))
    finally:
        os.close(fd)
    return True


class BodyStore:
    """The content-addressed bodies of one library (``<data dir>/bodies``)."""

    def __init__(self, data_dir: Path) -> None:
        self.root = data_dir / "bodies"

    def path(self, ref: str) -> Path:
        return self.root / ref[:2] / ref

    def get(self, ref: str) -> str:
        """The body named ``ref``; raises :class:`BodyError` when it is missing or damaged."""
        path = self.path(ref)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raise BodyError(f"body file {path} is missing") from None
        except OSError as error:
            raise BodyError(f"cannot read body file {path}: {error.strerror or error}") from None
        if hashlib.sha256(raw).hexdigest() != ref:
            raise BodyError(f"body file {path} is damaged (its content does not match its hash)")
        try:
            return raw.decode("utf-8", "surrogatepass")
        except UnicodeDecodeError:  # pragma: no cover - the hash matched bytes we wrote
            raise BodyError(f"body file {path} is not UTF-8") from None

    def check(self, ref: str) -> str | None:
        """What is wrong with the body ``ref`` (missing, damaged), or None."""
        try:
            self.get(ref)
        except BodyError as error:
            return error.message
        return None

    def exists(self, ref: str) -> bool:
        return self.path(ref).is_file()

    def put_many(self, bodies: Iterable[tuple[str, str]], display: str = "") -> int:
        """Write bodies (``(ref, text)``) that are not stored yet and make them durable.

        Each goes to a temp file renamed into place, so a crash leaves no partial body
        under a body's name. Returns how many were written. A failure names the library
        (``display``): its file is not written then.
        """
        written: list[Path] = []
        directories: set[Path] = set()
        fresh: list[tuple[str, bytes]] = []
        for ref, text in bodies:
            if not self.exists(ref):
                fresh.append((ref, text.encode("utf-8", "surrogatepass")))
        if not fresh:
            return 0
        bulk = len(fresh) > BULK_SYNC
        try:
            for ref, data in fresh:
                path = self.path(ref)
                if not path.parent.is_dir():
                    # One level at a time: os.makedirs gives only the last one ``mode``.
                    for directory in (self.root.parent, self.root, path.parent):
                        if not directory.is_dir():
                            os.mkdir(directory, DIR_MODE)
                            directories.add(directory.parent)
                self._write_one(path, data, sync=not bulk)
                written.append(path)
                directories.add(path.parent)
            if bulk and not _syncfs(self.root):  # pragma: no cover - not Linux
                for path in written:
                    fd = os.open(path, os.O_RDONLY)
                    try:
                        os.fsync(fd)
                    finally:
                        os.close(fd)
            for directory in sorted(directories, key=lambda p: -len(p.parts)):
                _fsync_dir(directory)
        except OSError as error:
            reason = (
                "no space left on device (disk or quota full)"
                if error.errno in (errno.ENOSPC, errno.EDQUOT)
                else error.strerror or str(error)
            )
            raise StorageError(
                f"cannot write {display or self.root}: {reason}; the file is unchanged"
            ) from None
        return len(written)

    @staticmethod
    def _write_one(path: Path, data: bytes, *, sync: bool) -> None:
        fd, temp_name = tempfile.mkstemp(prefix=".body.", suffix=".tmp", dir=path.parent)
        try:
            try:
                os.fchmod(fd, FILE_MODE)
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view) :]
                if sync:
                    os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(temp_name, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp_name)
            raise

    def refs(self) -> Iterator[tuple[str, int]]:
        """Every stored body as ``(ref, size in bytes)``."""
        try:
            shards = sorted(os.scandir(self.root), key=lambda entry: entry.name)
        except FileNotFoundError:
            return
        for shard in shards:
            if not shard.is_dir() or len(shard.name) != 2:
                continue
            for entry in os.scandir(shard.path):
                if len(entry.name) == 64 and entry.is_file():
                    yield entry.name, entry.stat().st_size

    def remove(self, ref: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path(ref))
