"""I/O faults: every system call of the write path, failed in turn, leaves the library intact.

A recording run of each command lists the calls ``filmrev.storage`` and
``filmrev.backups`` make through ``os`` and ``tempfile`` (open, mkstemp, fchmod, write,
fsync, close, replace, makedirs, chmod, ...). Then the command runs once per call with
that one call failing (EIO, and ENOSPC for the data path). Before the commit point
(``os.replace`` of the library): exit 1, a one-line message naming the file, the library
byte-for-byte unchanged, no temp file left. After it (the directory fsync): exit 0 and a
warning, because the new file is in place. A real kernel failure (RLIMIT_FSIZE → EFBIG)
checks the same without any patching.
"""

from __future__ import annotations

import errno
import os
import resource
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from filmrev import backups, storage
from filmrev.backups import list_backups
from tests.conftest import Runner
from tests.reliability.helpers import paths_of, reviews_on_disk, seed_library, temps_left

FAULTABLE = (
    "open",
    "close",
    "write",
    "fsync",
    "fchmod",
    "replace",
    "makedirs",
    "chmod",
    "stat",
    "mkstemp",
    "unlink",
)


@dataclass
class FaultPlan:
    """Counts calls by name; raises ``error`` on call number ``nth`` of ``name``."""

    name: str | None = None
    nth: int = 0
    error: int = errno.EIO
    calls: list[tuple[str, str]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    fired: bool = False

    def check(self, name: str, detail: str) -> None:
        self.counts[name] = self.counts.get(name, 0) + 1
        self.calls.append((name, detail))
        if name == self.name and self.counts[name] == self.nth:
            self.fired = True
            raise OSError(self.error, os.strerror(self.error))


class FaultyModule:
    """Stands in for ``os`` / ``tempfile`` inside the storage modules; the rest passes through."""

    def __init__(self, real: Any, plan: FaultPlan) -> None:
        self._real = real
        self._plan = plan

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._real, name)
        if name not in FAULTABLE or not callable(attribute):
            return attribute
        plan = self._plan

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            plan.check(name, str(args[0]) if args else "")
            return attribute(*args, **kwargs)

        return wrapper


@pytest.fixture
def fault(monkeypatch: pytest.MonkeyPatch) -> Iterator[FaultPlan]:
    plan = FaultPlan()
    faulty_os = FaultyModule(os, plan)
    monkeypatch.setattr(storage, "os", faulty_os)
    monkeypatch.setattr(storage, "tempfile", FaultyModule(tempfile, plan))
    monkeypatch.setattr(backups, "os", faulty_os)
    yield plan


@dataclass(frozen=True)
class Scenario:
    """A command that writes, the library it starts from, and how to see that it wrote."""

    name: str
    args: tuple[str, ...]
    setup: Callable[[Path], None]
    wrote: Callable[[Path], bool]


def _seeded(library: Path) -> None:
    seed_library(library, 4)


def _backed_up_then_changed(library: Path) -> None:
    from filmrev.transaction import writing

    seed_library(library, 4)
    backups.make_backup(paths_of(library), "test")
    with writing(paths_of(library)) as lib:
        lib.add({"title": "Extra", "year": 2020})


def _slugs(library: Path) -> set[str]:
    return {review.slug for review in reviews_on_disk(library)}


SCENARIOS = [
    Scenario(
        "add-to-existing",
        ("add", "Amour", "--year", "2012", "--rank", "1"),
        _seeded,
        lambda lib: "amour-2012" in _slugs(lib),
    ),
    Scenario(
        "add-creating-library",
        ("add", "Amour", "--year", "2012"),
        lambda lib: None,
        lambda lib: lib.exists() and "amour-2012" in _slugs(lib),
    ),
    Scenario(
        "delete-with-backup",
        ("delete", "film-1-2001", "--yes"),
        _seeded,
        lambda lib: "film-1-2001" not in _slugs(lib),
    ),
    Scenario(
        "tag-rename-with-backup",
        ("tag", "rename", "Gritty, Grittness", "Gritty"),
        _seeded,
        lambda lib: any("Gritty" in review.tags for review in reviews_on_disk(lib)),
    ),
    Scenario(
        "restore",
        ("restore", "latest", "--yes"),
        lambda lib: _backed_up_then_changed(lib),
        lambda lib: "extra-2020" not in _slugs(lib),
    ),
]


def _reset(library: Path, scenario: Scenario) -> tuple[bytes | None, list[Path]]:
    directory = library.parent
    if directory.exists():
        for path in sorted(directory.rglob("*"), reverse=True):
            path.rmdir() if path.is_dir() else path.unlink()
        directory.rmdir()
    scenario.setup(library)
    before = library.read_bytes() if library.exists() else None
    return before, list_backups(paths_of(library))


def _post_commit_calls(calls: list[tuple[str, str]], library: Path) -> set[int]:
    """Indexes of calls made after a commit point: the directory fsync that follows every
    ``os.replace`` (open, fsync, close), and everything after the library's own replace."""
    temp_prefix = str(library.parent / f".{library.name}.")
    after: set[int] = set()
    for index, (name, detail) in enumerate(calls):
        if name == "replace":
            after.update(range(index + 1, index + 4))
            if detail.startswith(temp_prefix):
                after.update(range(index + 1, len(calls)))
    return after


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda scenario: scenario.name)
def test_every_failing_call_in_the_write_path_leaves_the_library_unchanged(
    library: Path,
    run_in: Runner,
    fault: FaultPlan,
    scenario: Scenario,
    figures: Callable[[str], None],
) -> None:
    _reset(library, scenario)
    fault.calls.clear()
    fault.counts.clear()
    recorded = run_in(*scenario.args)
    assert recorded.code == 0, recorded.err
    calls = list(fault.calls)
    post_commit = _post_commit_calls(calls, library)
    assert any(name == "replace" for name, _ in calls), f"no replace recorded: {calls}"
    tried = 0
    seen: dict[str, int] = {}
    for index, (name, _) in enumerate(calls):
        seen[name] = seen.get(name, 0) + 1
        if name == "unlink":
            continue  # only the clean-up of a failure calls it
        fault.name = None
        before, backups_before = _reset(library, scenario)
        fault.calls.clear()
        fault.counts.clear()
        fault.name, fault.nth, fault.fired = name, seen[name], False
        result = run_in(*scenario.args)
        assert fault.fired, f"call {name} #{seen[name]} was not made the second time"
        tried += 1
        where = f"{scenario.name}: {name} #{seen[name]} failing"
        assert "Traceback" not in result.err, where
        assert temps_left(library) == [], where
        if index in post_commit:  # the directory fsync, or closing the lock: a warning at most
            assert result.code == 0, f"{where}: {result.err}"
            if name in ("open", "fsync"):
                assert "warning: saved" in result.err, where
            assert scenario.wrote(library), where
            continue
        assert result.code == 1, f"{where}: exit {result.code}: {result.err}"
        lines = result.err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("filmrev: error: "), f"{where}: {lines}"
        assert "Input/output error" in lines[0], where
        assert str(library.parent) in lines[0] or "backup" in lines[0], where
        assert (library.read_bytes() if library.exists() else None) == before, where
        # A backup made before the failing library write may stay: it is the unchanged file.
        extra = set(list_backups(paths_of(library))) - set(backups_before)
        assert all(path.read_bytes() == before for path in extra), where
    figures(f"I/O faults: {scenario.name}: each of its {tried} system calls failed in turn")


@pytest.mark.parametrize("call", ["write", "fsync", "mkstemp"])
def test_a_full_disk_says_so_and_keeps_the_old_file(
    library: Path, run_in: Runner, fault: FaultPlan, call: str
) -> None:
    before = seed_library(library, 3)
    fault.counts.clear()
    fault.name, fault.nth, fault.error = call, 1, errno.ENOSPC
    result = run_in("add", "Amour", "--year", "2012")
    assert result.code == 1
    assert result.err == (
        f"filmrev: error: cannot write {library}: no space left on device (disk or quota full); "
        "the file is unchanged\n"
    )
    assert library.read_bytes() == before
    assert temps_left(library) == []


def test_short_writes_are_completed(
    library: Path, run_in: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``os.write`` may write less than asked (signals, pipes, some filesystems)."""
    real_write = os.write
    sizes: list[int] = []

    def dribble(fd: int, data: bytes) -> int:
        sizes.append(min(len(data), 7))
        return real_write(fd, bytes(data[:7]))

    class DribblingOs:
        write = staticmethod(dribble)

        def __getattr__(self, name: str) -> Any:
            return getattr(os, name)

    seed_library(library, 2)
    monkeypatch.setattr(storage, "os", DribblingOs())
    result = run_in("add", "Amour", "--year", "2012")
    assert result.code == 0, result.err
    assert len(sizes) > 100
    assert "amour-2012" in {review.slug for review in reviews_on_disk(library)}


def test_real_kernel_write_failure_file_too_large(library: Path, tmp_path: Path) -> None:
    """No patching: RLIMIT_FSIZE makes the kernel refuse the write (EFBIG) mid-file."""
    before = seed_library(library, 3)
    body = tmp_path / "body.md"
    body.write_text("word " * 40_000)  # 200,000 characters in words (one word may hold 2,000)
    limit = len(before) + 50_000

    def limit_file_size() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    completed = subprocess.run(
        [sys.executable, "-m", "filmrev", "add", "Too Long", "--body-file", str(body)],
        capture_output=True,
        preexec_fn=limit_file_size,
        timeout=60,
        check=False,
    )
    err = completed.stderr.decode()
    assert completed.returncode == 1, err
    assert err == f"filmrev: error: cannot write {library}: File too large; the file is unchanged\n"
    assert library.read_bytes() == before
    assert temps_left(library) == []
