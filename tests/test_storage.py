"""filmrev.storage on real files: atomic writes, parsing with reasons, the lock."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import threading
from pathlib import Path

import orjson
import pytest

from filmrev import commits, storage
from filmrev.errors import CorruptLibraryError, LockTimeoutError, StorageError, ValidationError
from filmrev.storage import (
    atomic_write,
    deferred_interrupt,
    exclusive_lock,
    lock_is_held,
    lock_timeout,
    parse_library_bytes,
    temp_files,
)


def test_atomic_write_creates_0600_and_keeps_an_existing_mode(tmp_path: Path) -> None:
    target = tmp_path / "new" / "library.json"
    atomic_write(target, b"{}\n")
    assert target.read_bytes() == b"{}\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert stat.S_IMODE(target.parent.stat().st_mode) == 0o700
    os.chmod(target, 0o640)
    atomic_write(target, b'{"a": {}}\n')
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert temp_files(target) == []


def test_atomic_write_under_a_regular_file_says_so(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StorageError, match=r"cannot write .*: .*file is not a directory"):
        atomic_write(blocker / "library.json", b"{}")
    assert blocker.read_text() == "x"


def test_commits_count_library_writes_only(tmp_path: Path) -> None:
    before = commits.made()
    atomic_write(tmp_path / "library.json", b"{}")
    atomic_write(tmp_path / "backup.json", b"{}", commit=False)
    assert commits.made() == before + 1


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "is empty (0 bytes)"),
        (b"\x00\x00", "holds only NUL bytes (2 of them)"),
        (b'\xef\xbb\xbf{"meta": {}}', "starts with a byte-order mark"),
        (
            '{"a": {"1": "caf\u00e9"}}'.encode("latin-1"),
            "is not UTF-8 text (byte 0xe9 at offset 16",
        ),
        (b'{"reviews": {', "is cut short (truncated after 13 bytes)"),
        (b"[1, 2]", "must hold a JSON object, not a list"),
        (b"null", "must hold a JSON object, not null"),
        (b'{"reviews": {"1": {"id": NaN}}}', "is not valid JSON"),
        (b'{"reviews": 3}', "table 'reviews' must be a JSON object"),
    ],
)
def test_parse_explains_what_is_wrong(raw: bytes, reason: str) -> None:
    with pytest.raises(CorruptLibraryError) as caught:
        parse_library_bytes(raw, "lib.json")
    assert caught.value.message.startswith("library lib.json")
    assert reason in caught.value.message


def test_duplicate_review_ids_are_caught_on_every_read() -> None:
    raw = b'{"reviews": {"1": {"id": 1, "t": "a"}, "1": {"id": 1, "t": "b"}}}'
    assert orjson.loads(raw) == {"reviews": {"1": {"id": 1, "t": "b"}}}  # what orjson would do
    with pytest.raises(CorruptLibraryError, match="holds id 1 twice in one object"):
        parse_library_bytes(raw, "lib.json")


def test_duplicate_keys_elsewhere_are_caught_by_the_exact_check() -> None:
    raw = b'{"meta": {"1": {"next_id": 9, "next_id": 2}}}'
    assert parse_library_bytes(raw, "lib.json") == {"meta": {"1": {"next_id": 2}}}
    with pytest.raises(CorruptLibraryError, match="holds key 'next_id' twice"):
        parse_library_bytes(raw, "lib.json", exact=True)


def test_the_cheap_check_is_not_fooled_by_text_that_looks_like_a_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[str] = []
    monkeypatch.setattr(storage, "_refuse_duplicate_keys", lambda raw, shown: calls.append(shown))
    doc = {"reviews": {"1": {"id": 1, "body": 'JSON: {"id": 2, "id": 3}', "title": '"id":'}}}
    parse_library_bytes(orjson.dumps(doc, option=orjson.OPT_INDENT_2), "lib.json")
    assert calls == []  # no second parse for an ordinary library


@pytest.mark.parametrize(("value", "seconds"), [("", 10.0), ("0", 0.0), ("2.5", 2.5)])
def test_lock_timeout_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, value: str, seconds: float
) -> None:
    monkeypatch.setenv("FILMREV_LOCK_TIMEOUT", value)
    assert lock_timeout() == seconds


@pytest.mark.parametrize("value", ["soon", "-1", "nan"])
def test_bad_lock_timeout_is_a_validation_error(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("FILMREV_LOCK_TIMEOUT", value)
    with pytest.raises(ValidationError, match="FILMREV_LOCK_TIMEOUT must be a number"):
        lock_timeout()


def _holder(lock: Path) -> subprocess.Popen[str]:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import fcntl, os, sys\nfd = os.open({str(lock)!r}, os.O_RDWR | os.O_CREAT)\n"
            "fcntl.flock(fd, fcntl.LOCK_EX)\nprint('locked', flush=True)\nsys.stdin.read()\n",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
    return holder


def test_lock_times_out_in_the_main_thread_and_in_others(tmp_path: Path) -> None:
    lock = tmp_path / "library.json.lock"
    holder = _holder(lock)
    try:
        assert lock_is_held(lock)
        with (
            pytest.raises(LockTimeoutError, match=r"gave up after 0\.2 s"),
            exclusive_lock(lock, "lib.json", timeout=0.2),
        ):
            pass
        assert signal.getsignal(signal.SIGALRM) == signal.SIG_DFL  # the alarm handler is gone
        errors: list[BaseException] = []

        def in_thread() -> None:
            try:
                with exclusive_lock(lock, "lib.json", timeout=0.1):
                    pass
            except LockTimeoutError as error:
                errors.append(error)

        thread = threading.Thread(target=in_thread)
        thread.start()
        thread.join()
        assert len(errors) == 1
    finally:
        holder.kill()
        holder.wait()
    # The waits that gave up leave helper threads that take the lock the moment the holder
    # dies and drop it at once: wait for them, then nobody may hold it.
    for helper in threading.enumerate():
        if helper.name == "filmrev-lock":
            helper.join(timeout=10)
    assert not lock_is_held(lock)
    with exclusive_lock(lock, "lib.json", timeout=0):
        assert lock_is_held(lock)  # flock is per open file: a second open sees it held
    assert lock.exists()


def test_deferred_interrupt_raises_after_the_block() -> None:
    done = []
    with pytest.raises(KeyboardInterrupt), deferred_interrupt():
        os.kill(os.getpid(), signal.SIGINT)
        done.append("the block ran to its end")
    assert done == ["the block ran to its end"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_temp_files_finds_only_this_librarys_leftovers(tmp_path: Path) -> None:
    library = tmp_path / "library.json"
    mine = tmp_path / ".library.json.abc123.tmp"
    other = tmp_path / ".other.json.abc123.tmp"
    mine.touch()
    other.touch()
    assert temp_files(library) == [mine]
