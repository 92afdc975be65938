"""Concurrency: parallel writers never lose an update; readers never see an error.

Eight worker processes add reviews through the store API (a real process, the real
lock, one atomic write per add) while reader processes keep loading and listing the
library: exactly 8 x N reviews with unique ids and slugs at the end, and not one failed
read. Every add reads and validates the whole library under the lock, so the cost grows
with N squared: CI runs 8 x 50; ``-m stress`` runs the full 8 x 200 = 1,600 (about
3 minutes on 2 cores). A smaller variant runs the real CLI. A process holding the lock
makes a writer with ``FILMREV_LOCK_TIMEOUT=0.5`` give up with a clear message; a killed
holder never blocks anyone.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path

import pytest

from filmrev.paths import resolve_library
from filmrev.store import Library
from filmrev.transaction import writing
from tests.conftest import Runner
from tests.reliability.helpers import paths_of, seed_library, temps_left
from tests.reliability.stops import Point, Stop

FORK = multiprocessing.get_context("fork")


def _writer(library: str, worker: int, adds: int, done: Connection) -> None:
    paths = resolve_library(library)
    slugs = []
    for number in range(adds):
        with writing(paths) as lib:
            # Same titles in every worker: slugs must still come out unique.
            slugs.append(lib.add({"title": f"Film {number}", "year": 2001}).slug)
    done.send(slugs)


def _reader(library: str, stop: Connection, report: Connection) -> None:
    from filmrev.render import reviews_table

    paths = resolve_library(library)
    reads, errors = 0, []
    # Paced (a read every 20 ms at most) so readers leave the two CI cores to the writers.
    while not stop.poll(0.02):
        try:
            lib = Library.load(paths)
            reviews = lib.reviews()
            assert len({review.slug for review in reviews}) == len(reviews)
            reviews_table(reviews[:50])
            reads += 1
        except Exception as error:  # noqa: BLE001 - every failure is the finding
            errors.append(repr(error))
    report.send((reads, errors))


@pytest.mark.parametrize(
    ("workers", "adds"),
    [
        pytest.param(8, 50, id="8x50"),
        pytest.param(8, 200, id="8x200", marks=pytest.mark.stress),
    ],
)
def test_parallel_writers_and_readers(
    library: Path,
    workers: int,
    adds: int,
    monkeypatch: pytest.MonkeyPatch,
    figures: Callable[[str], None],
) -> None:
    monkeypatch.setenv("FILMREV_LOCK_TIMEOUT", "120")
    started = time.monotonic()
    results: list[Connection] = []
    processes = []
    for worker in range(workers):
        receive, send = FORK.Pipe(duplex=False)
        process = FORK.Process(target=_writer, args=(str(library), worker, adds, send))
        process.start()
        processes.append(process)
        results.append(receive)
    stops, reports, readers = [], [], []
    for _ in range(2):
        stop_receive, stop_send = FORK.Pipe(duplex=False)
        report_receive, report_send = FORK.Pipe(duplex=False)
        reader = FORK.Process(target=_reader, args=(str(library), stop_receive, report_send))
        reader.start()
        stops.append(stop_send)
        reports.append(report_receive)
        readers.append(reader)
    acknowledged = [slug for receive in results for slug in receive.recv()]
    for process in processes:
        process.join()
        assert process.exitcode == 0
    for stop in stops:
        stop.send(True)
    reads = 0
    for report, reader in zip(reports, readers, strict=True):
        count, errors = report.recv()
        reader.join()
        assert errors == []
        reads += count
    reviews = Library.load(paths_of(library), exact=True).reviews()
    total = workers * adds
    assert len(reviews) == total
    assert len({review.id for review in reviews}) == total
    assert {review.slug for review in reviews} == set(acknowledged)
    assert len(set(acknowledged)) == total
    assert [review.id for review in reviews] == list(range(1, total + 1))
    assert temps_left(library) == []
    figures(
        f"concurrency: {workers} writer processes x {adds} adds = {total} reviews, "
        f"all kept, ids and slugs unique; {reads} concurrent reads, 0 errors "
        f"({time.monotonic() - started:.1f} s)"
    )


def test_parallel_cli_adds(cli: Runner, library: Path, figures: Callable[[str], None]) -> None:
    """The real command, 4 processes x 6 adds of the same titles at once."""
    env = {**os.environ, "FILMREV_LOCK_TIMEOUT": "60"}
    script = (
        "import subprocess, sys\n"
        "for n in range(6):\n"
        "    r = subprocess.run([sys.executable, '-m', 'filmrev', 'add', f'Amour {n}', '--force'],"
        " capture_output=True, text=True)\n"
        "    print(r.returncode, r.stdout.strip(), r.stderr.strip(), flush=True)\n"
    )
    workers = [
        subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, env=env, text=True)
        for _ in range(4)
    ]
    lines = [line for worker in workers for line in worker.communicate(timeout=300)[0].splitlines()]
    assert len(lines) == 24
    assert all(line.startswith("0 ") for line in lines), lines
    slugs = sorted(line.split()[1] for line in lines)
    listed = cli("list", "--format", "ids")
    assert listed.code == 0
    assert sorted(map(int, listed.out.split())) == list(range(1, 25))
    assert len(set(slugs)) == 24
    for number in range(6):
        base = f"amour-{number}"
        assert {base, f"{base}-2", f"{base}-3", f"{base}-4"} <= set(slugs)
    figures("concurrency: 4 processes x 6 real `filmrev add` of the same titles: 24 reviews")


def _hold_lock(lock: Path) -> subprocess.Popen[str]:
    """Another process that takes the library lock and keeps it until killed."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, os, sys\n"
            f"fd = os.open({str(lock)!r}, os.O_RDWR | os.O_CREAT, 0o600)\n"
            "fcntl.flock(fd, fcntl.LOCK_EX)\n"
            "print('locked', flush=True)\n"
            "sys.stdin.read()\n",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None
    assert holder.stdout.readline() == "locked\n"
    return holder


def test_lock_timeout_fails_clearly_and_a_killed_holder_never_blocks(
    cli: Runner, library: Path
) -> None:
    before = seed_library(library, 2)
    holder = _hold_lock(paths_of(library).lock)
    try:
        started = time.monotonic()
        result = cli("add", "Amour", env={"FILMREV_LOCK_TIMEOUT": "0.5"})
        waited = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait()
    assert result.code == 1
    assert result.out == ""
    assert result.err == (
        f"filmrev: error: library {library} is locked by another filmrev process; "
        "gave up after 0.5 s (set FILMREV_LOCK_TIMEOUT to wait longer)\n"
    )
    assert waited >= 0.5  # it did wait for the lock; the message says it gave up at 0.5 s
    assert library.read_bytes() == before
    # The holder was killed (SIGKILL): the kernel dropped its lock, nothing is stale.
    after = cli("add", "Amour", env={"FILMREV_LOCK_TIMEOUT": "0.5"})
    assert after.code == 0, after.err
    assert after.out == "amour\n"
    assert paths_of(library).lock.exists()  # the lock file stays; only the lock went


def test_reads_do_not_wait_for_the_lock(cli: Runner, library: Path) -> None:
    seed_library(library, 2)
    holder = _hold_lock(paths_of(library).lock)
    try:
        result = cli("list", "--format", "ids", env={"FILMREV_LOCK_TIMEOUT": "0"})
    finally:
        holder.kill()
        holder.wait()
    assert (result.code, result.out) == (0, "1\n2\n")


def test_ctrl_c_while_waiting_for_the_lock_exits_130(library: Path, tmp_path: Path) -> None:
    before = seed_library(library, 1)
    paths = paths_of(library)
    holder = _hold_lock(paths.lock)
    # The writer says when its first try for the lock has failed, i.e. it is waiting.
    waiting = Point("fcntl.flock", "raised")
    try:
        with Stop(waiting, tmp_path / "site") as stop:
            writer = subprocess.Popen(
                [sys.executable, "-m", "filmrev", "add", "Amour"],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env={**stop.env, "FILMREV_LOCK_TIMEOUT": "60"},
                pass_fds=stop.pass_fds,
            )
            stop.started()
            assert stop.reached(), writer.communicate()
            stop.release()  # on to waiting for the lock (60 s), where Ctrl-C comes
            writer.send_signal(signal.SIGINT)
            out, err = writer.communicate(timeout=120)
    finally:
        holder.kill()
        holder.wait()
    assert writer.returncode == 130
    assert out == b""
    assert err.decode() == "\nfilmrev: interrupted; nothing was written\n"
    assert library.read_bytes() == before
