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
import re
import signal
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import Any

import orjson
from tinydb.storages import Storage

from filmrev import commits
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


def parse_library_bytes(raw: bytes, display: str, *, exact: bool = False) -> dict[str, Any]:
    """Parse the library file's bytes into its top-level mapping, or explain why not.

    Duplicate keys in one JSON object are an error: orjson keeps the last one
    silently, so the next write would drop a review. A cheap count of ``"id":``
    keys catches a duplicated review on every read; ``exact`` (used before a
    write, and by ``doctor``) checks every object of the file.
    """
    if not raw:
        raise CorruptLibraryError(f"library {display} is empty (0 bytes); not touching it")
    if raw.startswith(BOM):
        raise CorruptLibraryError(
            f"library {display} starts with a byte-order mark; not a filmrev library"
        )
    if not raw.strip(b"\x00"):
        raise CorruptLibraryError(
            f"library {display} holds only NUL bytes ({len(raw)} of them); not a filmrev library"
        )
    try:
        tables = load_json(raw)
    except orjson.JSONDecodeError as error:
        raise CorruptLibraryError(f"library {display} {_json_problem(raw, error)}") from None
    if not isinstance(tables, dict):
        raise CorruptLibraryError(
            f"library {display} must hold a JSON object, not {_json_type(tables)}"
        )
    for name, table in tables.items():
        if not isinstance(table, dict):
            raise CorruptLibraryError(f"library {display}: table {name!r} must be a JSON object")
    if exact or raw.count(b'"id":') != _id_keys(tables):
        _refuse_duplicate_keys(raw, display)
    return tables


def load_json(raw: bytes) -> Any:
    """``orjson.loads`` with the cyclic garbage collector held off meanwhile.

    Parsing the library file creates ~15 containers per review; each 700 of them would
    start a collection that walks every young object, and the older generations get
    walked again and again: at 10,000 reviews that was 75 % of the parse (225 ms of
    300). Fresh JSON values hold no reference cycles, so nothing is missed. (No
    ``gc.freeze`` afterwards: it would also make the garbage of earlier commands in a
    long-running process, e.g. a Python API user's loop, permanent.)
    """
    import gc

    enabled = gc.isenabled()
    gc.disable()
    try:
        value = orjson.loads(raw)
    finally:
        if enabled:
            gc.enable()
    return value


def _json_type(value: object) -> str:
    names = {list: "a list", str: "a string", int: "a number", float: "a number"}
    return names.get(type(value), "null" if value is None else type(value).__name__)


def _json_problem(raw: bytes, error: orjson.JSONDecodeError) -> str:
    """Why the bytes are not JSON, in words: not UTF-8, truncated, or bad syntax."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as bad:
        byte = raw[bad.start]
        return (
            f"is not UTF-8 text (byte 0x{byte:02x} at offset {bad.start}; "
            "saved in another encoding such as Latin-1?)"
        )
    if "end of data" in str(error):
        return f"is cut short (truncated after {len(raw)} bytes): {error}"
    return f"is not valid JSON: {error}"


def _id_keys(tables: dict[str, Any]) -> int:
    """How many ``"id"`` keys the parsed tables hold (one per review document)."""
    return sum(
        1
        for table in tables.values()
        for doc in table.values()
        if isinstance(doc, dict) and "id" in doc
    )


class _DuplicateKeyError(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKeyError(key)
            seen.add(key)
    return result


def _refuse_duplicate_keys(raw: bytes, display: str) -> None:
    """Raise when any JSON object in ``raw`` (valid JSON, UTF-8) repeats a key."""
    import json

    try:
        json.loads(raw.decode("utf-8"), object_pairs_hook=_unique_pairs)
    except RecursionError:  # orjson read it (nesting under 1,024); the stdlib parser cannot
        raise CorruptLibraryError(
            f"library {display} nests values hundreds of levels deep; not a filmrev library"
        ) from None
    except _DuplicateKeyError as error:
        what = f"id {error.key}" if error.key.isdigit() else f"key {error.key!r}"
        raise CorruptLibraryError(
            f"library {display} holds {what} twice in one object (duplicate entries; "
            "a write would silently drop one); fix it by hand or restore a backup"
        ) from None


REVIEWS_TABLE = "reviews"


class RawDoc:
    """A review document still as its line in the file, parsed when first asked for.

    :func:`split_tables` leaves every review like this; ``slug``, ``rank``, ``year`` and
    ``tags`` are read from the start of its line (what a single-review write needs of
    every other review), and :func:`serialise` writes the line back as it was.
    """

    __slots__ = ("_tags", "line", "rank", "slug", "start", "year")

    def __init__(
        self,
        line: memoryview,
        start: int,
        slug: str,
        rank: int | None,
        year: int | None,
        tags: bytes,
    ) -> None:
        self.line = line  # ``"7":{...}``, without the comma
        self.start = start  # where the document starts in it
        self.slug = slug
        self.rank = rank
        self.year = year
        self._tags: bytes | list[str] = tags

    @property
    def tags(self) -> list[str]:
        tags = self._tags
        if isinstance(tags, bytes):
            tags = self._tags = orjson.loads(tags)
        return tags

    def parse(self) -> dict[str, Any]:
        doc = orjson.loads(self.line[self.start :])
        if not isinstance(doc, dict):  # pragma: no cover - the file was validated whole
            raise CorruptLibraryError("a review in the library file is not a JSON object")
        return doc


def serialise(tables: dict[str, Any]) -> bytes:
    """The library file's bytes: UTF-8 JSON, one line per table and one per review.

    ::

        {
        "meta":{"1":{...}},
        "reviews":{
        "1":{"id":1,"slug":...},
        "2":{"id":2,"slug":...}
        },
        "imports":{...}
        }

    Still one JSON object (TinyDB reads it), but a write that changes one review can
    split the file into lines and parse only the lines it needs (:func:`split_tables`);
    JSON strings hold no raw newline, so a line break is never inside a value.
    """
    parts: list[bytes] = [b"{"]
    for number, (name, table) in enumerate(tables.items()):
        head = (b",\n" if number else b"\n") + orjson.dumps(name) + b":"
        if name == REVIEWS_TABLE and isinstance(table, dict) and table:
            rows = [
                doc.line
                if isinstance(doc, RawDoc)
                else b"%b:%b" % (orjson.dumps(key), orjson.dumps(doc))
                for key, doc in table.items()
            ]
            parts.append(head + b"{\n" + b",\n".join(rows) + b"\n}")
        else:
            parts.append(head + orjson.dumps(table))
    parts.append(b"\n}\n")
    return b"".join(parts)


_STRING = rb'"[^"\\]*(?:\\.[^"\\]*)*"'
#: The start of a review's line as :func:`serialise` writes it (fields in FIELD_ORDER):
#: key, id, slug (plain ASCII), year, rank, tags.
_HEAD = re.compile(
    rb'"(\d+)":\{"id":(\d+),"slug":"([^"\\]*)","title":' + _STRING
    + rb',"original_title":(?:null|' + _STRING + rb'),"year":(null|-?\d+)'
    + rb',"rating":(?:null|[-+.eE\d]+),"rank":(null|\d+),"tags":(\[(?:' + _STRING
    + rb'(?:,' + _STRING + rb')*)?\]),'
)  # fmt: skip


def _review_rows(rows: list[bytes]) -> dict[str, Any] | None:
    """The reviews table from its lines (``"7":{...}``, all but the last ending in a comma)."""
    table: dict[str, Any] = {}
    for row, match in zip(rows, map(_HEAD.match, rows), strict=True):
        line = memoryview(row)
        if row.endswith(b","):
            line = line[:-1]
        if match is not None:
            key, review_id, slug, year, rank, tags = match.groups()
            if key == review_id:
                table[key.decode()] = RawDoc(
                    line,
                    len(key) + 3,
                    slug.decode(),
                    None if rank == b"null" else int(rank),
                    None if year == b"null" else int(year),
                    tags,
                )
                continue
        try:
            table.update(orjson.loads(b"{" + line.tobytes() + b"}"))
        except orjson.JSONDecodeError:
            return None
    return table


def split_tables(raw: bytes) -> dict[str, Any] | None:
    """The tables of a file in :func:`serialise`'s layout, reviews left as :class:`RawDoc`.

    For a file whose content is known to be valid (the index validated these very
    bytes); None when the bytes are not in that layout (an older, indented file), and
    the caller parses them whole. A review line whose start does not look as expected
    is parsed on the spot.
    """
    import gc

    enabled = gc.isenabled()
    gc.disable()  # as in load_json: ~10,000 new objects, none of them in a cycle
    try:
        return _split_tables(raw)
    finally:
        if enabled:
            gc.enable()


def _split_tables(raw: bytes) -> dict[str, Any] | None:
    lines = raw.split(b"\n")
    if len(lines) < 3 or lines[0] != b"{" or lines[-2:] != [b"}", b""]:
        return None
    tables: dict[str, Any] = {}
    end = len(lines) - 2
    number = 1
    while number < end:
        line = lines[number]
        if line == b'"reviews":{':
            start = number = number + 1
            while number < end and lines[number] not in (b"}", b"},"):
                number += 1
            if number >= end:
                return None
            table = _review_rows(lines[start:number])
            if table is None:
                return None
            tables[REVIEWS_TABLE] = table
        else:
            if not line.startswith(b'"'):
                return None
            try:
                parsed = load_json(b"{" + line.removesuffix(b",") + b"}")
            except orjson.JSONDecodeError:
                return None
            tables.update(parsed)
        number += 1
    return tables


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
    if directory.is_dir():
        return
    if directory.exists() or directory.is_symlink():
        raise NotADirectoryError(errno.ENOTDIR, f"{directory} is not a directory")
    os.makedirs(directory, mode=DIR_MODE, exist_ok=True)


def _reason(error: OSError) -> str:
    """An OSError in words, with the common full-disk case spelled out."""
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return "no space left on device (disk or quota full)"
    return error.strerror or str(error)


def temp_files(path: Path) -> list[Path]:
    """Temp files :func:`atomic_write` leaves beside ``path`` when killed mid-write."""
    try:
        return sorted(path.parent.glob(f".{path.name}.*{TEMP_SUFFIX}"))
    except OSError:
        return []


def atomic_write(
    path: Path,
    data: bytes,
    display: str | None = None,
    *,
    commit: bool = True,
    new_mode: int = FILE_MODE,
) -> None:
    """Replace ``path`` with ``data`` atomically, keeping its mode (``new_mode`` when new).

    THE atomic write of filmrev (library, backups, drafts, config, template, export
    files). Temp file in the same directory → write → fsync → ``os.replace``
    (commit point, Ctrl-C deferred) → fsync the directory. A failure before the
    replace leaves the old file and removes the temp file; a failing directory fsync
    after it is only a warning. ``commit=False`` for side files (backups), which are
    not counted in :func:`filmrev.commits.made`.
    """
    shown = display or str(path)
    replaced = False
    directory = path.parent
    temp_name: str | None = None
    try:
        ensure_directory(directory)
        try:
            mode = os.stat(path).st_mode & 0o7777
        except FileNotFoundError:
            mode = new_mode
        # Ctrl-C held back until temp_name is known, so the except below can remove it.
        with deferred_interrupt():
            fd, temp_name = tempfile.mkstemp(
                prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=directory
            )
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
            replaced = True
            if commit:
                commits.count_one()
    except BaseException as error:
        if replaced:
            raise  # Ctrl-C held back during the replace: the new file is in place
        if temp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(temp_name)
        if isinstance(error, OSError):
            raise StorageError(
                f"cannot write {shown}: {_reason(error)}; the file is unchanged"
            ) from None
        raise
    try:
        dir_fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError as error:
        warn(f"saved {shown}, but syncing its directory failed: {_reason(error)}")


def _acquire(fd: int, seconds: float) -> bool:
    """Take the lock on ``fd`` within ``seconds``; False when the time ran out.

    No signals: a helper thread makes the blocking ``flock`` on a duplicate of ``fd``
    (the same open file, so the same lock), and this thread waits for it with a
    timeout. A blocked ``flock`` is woken by the kernel the moment the holder lets go,
    so busy writers take turns (polling left the lock to whoever polled first). If the
    time runs out, the helper unlocks and closes its descriptor as soon as its
    ``flock`` returns, so a lock taken too late is never kept.
    """
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        if seconds <= 0:
            return False
    import threading

    helper_fd = os.dup(fd)
    done = threading.Event()
    state = {"given_up": False, "acquired": False}
    guard = threading.Lock()

    def wait_for_lock() -> None:
        try:
            fcntl.flock(helper_fd, fcntl.LOCK_EX)
        except OSError:
            os.close(helper_fd)
            done.set()
            return
        with guard:
            if state["given_up"]:
                fcntl.flock(helper_fd, fcntl.LOCK_UN)
            else:
                state["acquired"] = True
        os.close(helper_fd)  # ``fd`` still refers to the open file: the lock stays held
        done.set()

    threading.Thread(target=wait_for_lock, name="filmrev-lock", daemon=True).start()
    done.wait(seconds)
    with guard:
        if not state["acquired"]:
            state["given_up"] = True
        return state["acquired"]


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
            f"cannot write library {display}: {_reason(error)} ({lock_path.parent})"
        ) from None
    try:
        if not _acquire(fd, seconds):
            raise LockTimeoutError(
                f"library {display} is locked by another filmrev process; "
                f"gave up after {seconds:g} s (set {ENV_LOCK_TIMEOUT} to wait longer)"
            )
        yield
    finally:
        # Closing the descriptor releases the lock; a failing close cannot keep it held
        # (the kernel drops it with the process) and must not undo a committed write.
        with contextlib.suppress(OSError):
            os.close(fd)


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


def lock_is_held(lock_path: Path) -> bool:
    """Whether another process holds the library lock right now (the lock file is not created)."""
    try:
        fd = os.open(lock_path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        os.close(fd)
    return False
