"""Writing and removing files inside an output directory without ever leaving it.

Checking a path and then opening it by name races: a directory swapped for a symbolic
link between the check and the write sends the write elsewhere. Here every file is
opened relative to a directory file descriptor, each directory on the way opened with
``O_NOFOLLOW | O_DIRECTORY`` from its parent's descriptor, so a link created at any
time is refused (``ELOOP``), never followed; a write made after a swap still lands in
the directory that was opened, inside the output directory.

    with OutputDirectory(root) as out:
        out.write("_posts/2024-01-01-amour-2012.md", data, 0o644)
        out.remove_if_unchanged("_drafts/old.md", sha256)
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import secrets
import stat
from pathlib import Path
from types import TracebackType

from filmrev.errors import FilmrevError, StorageError

_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
DIRECTORY_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | _CLOEXEC
READ_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | _CLOEXEC
CREATE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | _CLOEXEC


class LeavesDirectory(FilmrevError):
    """A path inside the output directory is a symbolic link or not a directory."""


class OutputDirectory:
    """An open output directory: files written and removed only through its descriptors."""

    def __init__(self, root: Path) -> None:
        self.root = root
        try:
            root.mkdir(parents=True, exist_ok=True)
            fd = os.open(root, DIRECTORY_FLAGS)
        except OSError as error:
            raise StorageError(f"cannot open {root}: {error.strerror or error}") from None
        self._directories: dict[str, int] = {"": fd}

    def __enter__(self) -> OutputDirectory:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        for fd in self._directories.values():
            with contextlib.suppress(OSError):
                os.close(fd)
        self._directories.clear()

    def _refuse(self, relative: str) -> LeavesDirectory:
        return LeavesDirectory(
            f"{self.root / relative} is a symbolic link or not a directory; "
            f"filmrev never writes through a link or outside {self.root}"
        )

    def directory(self, relative: str, *, create: bool) -> int | None:
        """The descriptor of directory ``relative`` ("" is the root); None when missing."""
        if relative in self._directories:
            return self._directories[relative]
        head, _, name = relative.rpartition("/")
        parent = self.directory(head, create=create)
        if parent is None:
            return None
        try:
            try:
                fd = os.open(name, DIRECTORY_FLAGS, dir_fd=parent)
            except FileNotFoundError:
                if not create:
                    return None
                with contextlib.suppress(FileExistsError):
                    os.mkdir(name, 0o777, dir_fd=parent)
                fd = os.open(name, DIRECTORY_FLAGS, dir_fd=parent)
        except OSError as error:
            if error.errno in (errno.ELOOP, errno.ENOTDIR, errno.EMLINK):
                raise self._refuse(relative) from None
            raise StorageError(
                f"cannot open {self.root / relative}: {error.strerror or error}"
            ) from None
        self._directories[relative] = fd
        return fd

    def write(self, relative: str, data: bytes, mode: int, *, durable: bool = False) -> None:
        """Replace ``relative`` atomically (temp file, then rename), never through a link.

        An existing regular file keeps its mode; a new one gets ``mode``. ``durable``
        fsyncs the file before the rename; :meth:`sync` then makes the renames durable.
        """
        parent, _, name = relative.rpartition("/")
        fd = self.directory(parent, create=True)
        assert fd is not None
        try:
            info = os.stat(name, dir_fd=fd, follow_symlinks=False)
            if stat.S_ISREG(info.st_mode):
                mode = info.st_mode & 0o7777
        except FileNotFoundError:
            pass
        except OSError as error:
            raise StorageError(
                f"cannot write {self.root / relative}: {error.strerror or error}"
            ) from None
        temp = f".{name[:200]}.{secrets.token_hex(6)}.tmp"
        try:
            out = os.open(temp, CREATE_FLAGS, 0o600, dir_fd=fd)
        except OSError as error:
            raise StorageError(
                f"cannot write {self.root / relative}: {error.strerror or error}"
            ) from None
        try:
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(out, view) :]
                os.fchmod(out, mode)
                if durable:
                    os.fsync(out)
            finally:
                os.close(out)
            # rename(2) replaces a link at ``name`` itself, never the file it points to.
            os.replace(temp, name, src_dir_fd=fd, dst_dir_fd=fd)
        except BaseException as error:
            with contextlib.suppress(OSError):
                os.unlink(temp, dir_fd=fd)
            if isinstance(error, OSError):
                raise StorageError(
                    f"cannot write {self.root / relative}: {error.strerror or error}"
                ) from None
            raise

    def read_regular(self, relative: str) -> bytes | None:
        """The bytes of a regular file (not a link, not a device), else None."""
        parent, _, name = relative.rpartition("/")
        try:
            fd = self.directory(parent, create=False)
        except LeavesDirectory:
            return None
        if fd is None:
            return None
        try:
            handle = os.open(name, READ_FLAGS, dir_fd=fd)
        except OSError:
            return None
        try:
            if not stat.S_ISREG(os.fstat(handle).st_mode):
                return None
            chunks = []
            while chunk := os.read(handle, 1 << 20):
                chunks.append(chunk)
            return b"".join(chunks)
        finally:
            os.close(handle)

    def remove_if_unchanged(self, relative: str, sha256: str) -> bool:
        """Delete ``relative`` only if it is a regular file inside and its hash is ``sha256``."""
        data = self.read_regular(relative)
        if data is None or hashlib.sha256(data).hexdigest() != sha256:
            return False
        parent, _, name = relative.rpartition("/")
        fd = self.directory(parent, create=False)
        if fd is None:
            return False
        try:
            os.unlink(name, dir_fd=fd)
        except FileNotFoundError:
            return False
        except OSError as error:
            raise StorageError(
                f"cannot remove {self.root / relative}: {error.strerror or error}"
            ) from None
        return True

    def sync(self) -> None:
        """fsync every directory opened (after the files themselves were synced)."""
        for fd in self._directories.values():
            with contextlib.suppress(OSError):
                os.fsync(fd)
