"""The body store and the SQLite index under faults: kills, failing calls, readers mid-write.

- A writer killed (SIGKILL) after its bodies are durable but before the commit leaves
  the library exactly as it was, plus an unreferenced body that ``gc`` removes.
- Every system call of the body write path, failed in turn, leaves the library
  byte-for-byte unchanged, says so in one line, and leaves no temp body behind.
- A failing index update after the commit is a warning; the write stands and the next
  read rebuilds the index.
- Readers running while a writer adds reviews always see a whole library.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest

from filmrev import bodies, index
from filmrev.bodies import BodyStore
from filmrev.store import Library
from filmrev.transaction import writing
from tests.conftest import Runner
from tests.reliability.helpers import paths_of, seed_library, state_digest, temps_left
from tests.reliability.test_io_faults import FaultPlan, FaultyModule


def _body_temps(library: Path) -> list[Path]:
    return sorted((library.parent / "library.json.d" / "bodies").glob("*/.body.*.tmp"))


def _killed_before_commit(library: Path) -> NoReturn:
    """Child: write a review whose body reaches the store, then die at the commit point."""
    from filmrev import store

    def die(*args: Any, **kwargs: Any) -> None:
        os.kill(os.getpid(), signal.SIGKILL)

    setattr(store, "atomic_write", die)  # noqa: B010 - the name store.py calls
    try:
        with writing(paths_of(library)) as lib:
            lib.add({"title": "Never Committed", "body": "A body written, never referenced."})
    finally:
        os._exit(1)


def test_kill_between_body_write_and_commit_keeps_the_old_library(
    library: Path, cli: Runner, figures: Callable[[str], None]
) -> None:
    before = seed_library(library, 3)
    digest = state_digest(Library.load(paths_of(library)).reviews())
    stored_before = {ref for ref, _ in BodyStore(paths_of(library).data_dir).refs()}
    pid = os.fork()
    if pid == 0:
        _killed_before_commit(library)
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    assert library.read_bytes() == before
    assert state_digest(Library.load(paths_of(library), exact=True).reviews()) == digest
    stored_after = {ref for ref, _ in BodyStore(paths_of(library).data_dir).refs()}
    assert len(stored_after - stored_before) == 1  # durable, unreferenced
    assert cli("doctor").code == 0
    collected = cli("gc")
    assert collected.code == 0 and "1 unreferenced bodies" in collected.err
    assert {ref for ref, _ in BodyStore(paths_of(library).data_dir).refs()} == stored_before
    figures("kill -9 between body write and commit: old library kept, 1 orphan body collected")


@pytest.fixture
def body_fault(monkeypatch: pytest.MonkeyPatch) -> Iterator[FaultPlan]:
    plan = FaultPlan()
    monkeypatch.setattr(bodies, "os", FaultyModule(os, plan))
    monkeypatch.setattr(bodies, "tempfile", FaultyModule(tempfile, plan))
    yield plan


def _reset(library: Path) -> bytes:
    directory = library.parent
    if directory.exists():
        for path in sorted(directory.rglob("*"), reverse=True):
            path.rmdir() if path.is_dir() else path.unlink()
        directory.rmdir()
    return seed_library(library, 3)


def test_every_failing_call_of_the_body_write_leaves_the_library_unchanged(
    library: Path, run_in: Runner, body_fault: FaultPlan, figures: Callable[[str], None]
) -> None:
    args = ("add", "Amour", "--year", "2012", "--body", "Georges and Anne, a new body.")
    _reset(library)
    body_fault.calls.clear()
    body_fault.counts.clear()
    recorded = run_in(*args)
    assert recorded.code == 0, recorded.err
    calls = list(body_fault.calls)
    assert any(name == "fsync" for name, _ in calls), calls
    seen: dict[str, int] = {}
    tried = 0
    for name, _ in calls:
        seen[name] = seen.get(name, 0) + 1
        if name == "unlink":
            continue  # only the clean-up of a failure calls it
        body_fault.name = None
        before = _reset(library)
        body_fault.calls.clear()
        body_fault.counts.clear()
        body_fault.name, body_fault.nth, body_fault.fired = name, seen[name], False
        result = run_in(*args)
        where = f"body write: {name} #{seen[name]} failing"
        assert body_fault.fired, where
        tried += 1
        assert result.code == 1, f"{where}: {result.err}"
        lines = result.err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("filmrev: error: cannot write"), lines
        assert "Input/output error" in lines[0], where
        assert library.read_bytes() == before, where
        assert _body_temps(library) == [] and temps_left(library) == [], where
    figures(f"I/O faults: body write: each of its {tried} system calls failed in turn")


def test_a_full_disk_while_writing_a_body(
    library: Path, run_in: Runner, body_fault: FaultPlan
) -> None:
    before = _reset(library)
    body_fault.counts.clear()
    body_fault.name, body_fault.nth, body_fault.error = "write", 1, errno.ENOSPC
    result = run_in("add", "Amour", "--body", "x" * 10_000)
    assert result.code == 1
    assert "no space left on device" in result.err and len(result.err.splitlines()) == 1
    assert library.read_bytes() == before


@pytest.mark.parametrize("failing", ["update", "rebuild"])
def test_a_failing_index_update_is_a_warning_and_the_write_stands(
    library: Path, run_in: Runner, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    seed_library(library, 3)
    if failing == "rebuild":
        index.discard(paths_of(library))

    def broken(*args: Any, **kwargs: Any) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    with monkeypatch.context() as patch:
        patch.setattr(index, "_put_rows", broken)
        result = run_in("add", "Amour", "--year", "2012", "--body", "Georges and Anne.")
    assert result.code == 0, result.err
    assert result.out == "amour-2012\n"
    assert "warning: could not index" in result.err
    assert not paths_of(library).index.exists()  # never a stale index left to trust
    found = run_in("search", "georges", "--format", "json")
    assert found.code == 0 and '"amour-2012"' in found.out


def test_readers_during_writes_always_see_a_whole_library(library: Path) -> None:
    seed_library(library, 5)
    env = {**os.environ, "FILMREV_DB": str(library)}
    writer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys\n"
            "from filmrev.cli import run\n"
            "for n in range(40):\n"
            "    assert run(['add', f'Written {n}', '--body', f'Body {n} zoetrope']) == 0\n",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
    )
    counts: list[int] = []
    try:
        while writer.poll() is None or not counts:
            listed = subprocess.run(
                [sys.executable, "-m", "filmrev", "list", "--format", "ids"],
                env=env,
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
            assert listed.returncode == 0, listed.stderr
            ids = [int(line) for line in listed.stdout.split()]
            assert len(ids) == len(set(ids))
            counts.append(len(ids))
            searched = subprocess.run(
                [sys.executable, "-m", "filmrev", "search", "zoetrope", "--format", "json"],
                env=env,
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
            assert searched.returncode == 0, searched.stderr
    finally:
        writer.wait(timeout=120)
    assert writer.returncode == 0
    assert counts == sorted(counts)  # never a step back, never a half-written state
    final = subprocess.run(
        [sys.executable, "-m", "filmrev", "list", "--format", "ids"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert len(final.stdout.split()) == 45
