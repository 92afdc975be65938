"""Crash safety: writers killed with SIGKILL at random moments never damage the library.

A forked child adds, edits, re-ranks and deletes reviews in a loop through the store
API. Inside each locked transaction, just before the commit, it prints
``begin <generation> <digest>`` (the state the commit will write); after the commit it
prints ``ack <generation> <digest>``. The parent kills it, then checks the file: it
opens, holds no broken invariant, and is exactly the last acknowledged state, or the
state of the one transaction that was committing when the kill landed. So every
acknowledged write survives, and nothing is ever half-written.

Where the kills land is chosen, not hoped for: in turn, the child stops at a chosen
call of a random transaction (:mod:`tests.reliability.stops`): a write of a temp file,
an fsync, just before the library's ``os.replace`` (temp file complete, not committed),
just after it (committed, not acknowledged); it says so on the pipe and the parent
kills it there. Every fifth kill lands at a random moment instead, wherever that is.
No timing decides what is covered, so the checks are exact, not floors.

Forking (instead of starting Python for every kill) makes a kill cost milliseconds, so
the CI run does 300 kills; the stress variant does 1,000. A few real ``filmrev add``
processes are killed too.
"""

from __future__ import annotations

import os
import random
import select
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import NoReturn

import pytest

from filmrev.backups import backup_before
from filmrev.paths import LibraryPaths
from filmrev.store import Library
from filmrev.transaction import writing
from tests.conftest import Runner
from tests.reliability.helpers import paths_of, state_digest, temps_left
from tests.reliability.stops import Point, Stop, install

#: Longest time a child runs before a random-moment kill. A transaction takes 5-40 ms
#: here, so such a kill lands before, inside or after any of a few of them.
MAX_LIFETIME = 0.2
LIBRARY_TEMP = "/.library.json."  # in the name of the library's temp files only
#: Where the child stops to be killed, in turn (``None``: a random moment). ``nth`` is
#: drawn per kill, so the stop comes in the first, second or third transaction.
KILL_POINTS: tuple[tuple[str, Point | None], ...] = (
    ("in a write", Point("os.write", "before")),
    ("at an fsync", Point("os.fsync", "before")),
    ("before the commit", Point("os.replace", "before", path=LIBRARY_TEMP)),
    ("after the commit", Point("os.replace", "after", path=LIBRARY_TEMP)),
    ("at a random moment", None),
)
STOPPED = b"stopped\n"
#: Generous: only a hang (a stop never reached) takes this long.
HANG = 120.0


def _child_loop(paths: LibraryPaths, seed: int, out_fd: int, stop: Point | None) -> NoReturn:
    """Runs in the forked child until it is killed: random transactions, reported on a pipe."""
    try:
        rng = random.Random(seed)
        out = os.fdopen(out_fd, "w", buffering=1)
        if stop is not None:

            def reached() -> None:
                out.write(STOPPED.decode())
                out.flush()
                select.select([], [], [])  # wait here for the SIGKILL

            install(stop, reached)
        number = 0
        while True:
            number += 1
            with writing(paths) as library:
                reviews = library.reviews()
                action = rng.random()
                if len(reviews) > 25:
                    library.delete(rng.choice(reviews).id)
                elif len(reviews) < 8 or action < 0.4:
                    body = "Stéphanie’s “whale” — " * rng.randrange(0, 300)
                    library.add({"title": f"Film {seed}-{number}", "body": body})
                elif action < 0.7:
                    review = rng.choice(reviews)
                    library.save(review.evolve(rating=rng.choice([0.5, 2.0, 3.5, 5.0])))
                elif action < 0.85:
                    review = rng.choice(reviews)
                    places = len(library.ranked_order()) + (review.rank is None)
                    library.set_rank(review.id, rng.randint(1, places))
                else:
                    if rng.random() < 0.1:
                        backup_before(library, "delete")
                    library.delete(rng.choice(reviews).id)
                generation = library.generation + 1
                out.write(f"begin {generation} {state_digest(library.reviews())}\n")
            out.write(f"ack {generation} {state_digest(library.reviews())}\n")
    except BaseException as error:  # noqa: BLE001 - report anything, then die quietly
        os.write(2, f"crash child failed: {error!r}\n".encode())
        os._exit(1)
    finally:
        os._exit(1)


@dataclass
class CrashTally:
    kills: int = 0
    acked: int = 0
    in_flight_committed: int = 0
    killed_mid_write: int = 0
    temp_files_left: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)


def _read_until(fd: int, *, stopped: bool, seconds: float) -> bytes:
    """The child's reports: until it says it stopped, else for ``seconds`` (or EOF)."""
    chunks: list[bytes] = []
    deadline = time.monotonic() + seconds
    while True:
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            assert not stopped, f"the child never reached its stop in {seconds} s"
            return b"".join(chunks)
        chunk = os.read(fd, 65536)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        if stopped and b"".join(chunks).endswith(STOPPED):
            return b"".join(chunks)


def _one_kill(
    paths: LibraryPaths, rng: random.Random, seed: int, kind: str, tally: CrashTally
) -> None:
    before = Library.load(paths, exact=True)
    acked = (before.generation, state_digest(before.reviews()))
    point = dict(KILL_POINTS)[kind]
    stop = None if point is None else replace(point, nth=rng.randint(1, 3))
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(read_fd)
        _child_loop(paths, seed, write_fd, stop)
    os.close(write_fd)
    try:
        if stop is None:  # a random moment in the child's life
            output = _read_until(read_fd, stopped=False, seconds=rng.uniform(0, MAX_LIFETIME))
        else:
            output = _read_until(read_fd, stopped=True, seconds=HANG)
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        output += _read_until(read_fd, stopped=False, seconds=HANG)  # reports before it died
    finally:
        os.close(read_fd)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, output
    tally.kills += 1
    tally.outcomes[kind] = tally.outcomes.get(kind, 0) + 1
    committing: tuple[int, str] | None = None
    for line in output.decode().splitlines():
        if line == STOPPED.decode().strip():
            continue
        word, generation, digest = line.split()
        if word == "begin":
            committing = (int(generation), digest)
        else:
            acked = (int(generation), digest)
            committing = None
            tally.acked += 1
    after = Library.load(paths, exact=True)  # opens: parses, validates, no duplicate keys
    assert after.problems == []
    found = (after.generation, state_digest(after.reviews()))
    if found == committing:
        tally.in_flight_committed += 1
    else:
        assert found == acked, f"kill {tally.kills}: library {found}, last acknowledged {acked}"
    left = len(temps_left(paths.file))
    if left > tally.temp_files_left:
        tally.killed_mid_write += 1
    tally.temp_files_left = left
    if kind == "before the commit":  # the temp file was complete: the old state, temp left
        assert committing is not None and found == acked and left > 0
    elif kind == "after the commit":  # committed, never acknowledged: the new state, whole
        assert committing is not None and found == committing


@pytest.mark.parametrize(
    "kills",
    [
        pytest.param(300, id="300-kills"),
        pytest.param(1000, id="1000-kills", marks=pytest.mark.stress),
    ],
)
def test_sigkill_at_random_moments_never_loses_an_acknowledged_write(
    library: Path, run_in: Runner, figures: Callable[[str], None], kills: int
) -> None:
    paths = paths_of(library)
    rng = random.Random(kills)
    tally = CrashTally()
    for number in range(kills):
        kind = KILL_POINTS[number % len(KILL_POINTS)][0]
        _one_kill(paths, rng, seed=number, kind=kind, tally=tally)
    where = ", ".join(f"{count} {kind}" for kind, count in tally.outcomes.items())
    figures(
        f"crash: {tally.kills} SIGKILLs survived ({where}); {tally.acked} acknowledged writes "
        f"all kept; {tally.in_flight_committed} kills landed between commit and ack (new "
        f"state, whole); {tally.killed_mid_write} left a temp file (old state)"
    )
    assert tally.kills == kills
    # The kills landed everywhere, by construction: each stop was reached, then killed.
    assert tally.outcomes == {kind: kills // len(KILL_POINTS) for kind, _ in KILL_POINTS}
    assert tally.in_flight_committed >= tally.outcomes["after the commit"]
    assert tally.killed_mid_write >= tally.outcomes["before the commit"]

    # The debris of killed writes is only temp files, which doctor removes; reviews stay.
    reviews = Library.load(paths).reviews()
    fixed = run_in("doctor", "--fix")
    assert fixed.code == 0, fixed.out + fixed.err
    assert temps_left(library) == []
    assert Library.load(paths).reviews() == reviews


def test_killed_real_filmrev_add_processes_leave_an_intact_library(
    library: Path, tmp_path: Path, figures: Callable[[str], None]
) -> None:
    """``python -m filmrev add`` killed at chosen and random points: whole or absent."""
    paths = paths_of(library)
    body = tmp_path / "body.md"
    body.write_text("Long review with “quotes”, accents (Stéphanie) — and dashes.\n" * 20000)
    rng = random.Random(7)
    finished: list[str] = []
    killed = 0
    for number in range(12):
        kind, point = KILL_POINTS[number % len(KILL_POINTS)]
        command = [sys.executable, "-m", "filmrev", "add", f"Real {number}"]
        command += ["--body-file", str(body)]
        if point is None:
            process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            try:  # a random moment: start-up takes ~0.2 s, a write of this library ~10-50 ms
                process.wait(timeout=rng.uniform(0.1, 0.6))
            except subprocess.TimeoutExpired:
                process.kill()
                killed += 1
        else:
            with Stop(point, tmp_path / "site") as stop:
                process = subprocess.Popen(
                    command,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    env=stop.env,
                    pass_fds=stop.pass_fds,
                )
                stop.started()
                assert stop.reached(), process.communicate()
                process.kill()
                killed += 1
        out, err = process.communicate()
        if process.returncode == 0:
            finished.append(out.decode().strip())
        else:
            assert process.returncode == -signal.SIGKILL, err.decode()
        slugs = {review.slug for review in Library.load(paths, exact=True).reviews()}
        assert set(finished) <= slugs  # every acknowledged add is there
        if kind == "after the commit":  # committed, then killed before it could say so
            assert f"real-{number}" in slugs
        elif point is not None:
            assert f"real-{number}" not in slugs
    assert killed >= 10  # every stop was reached and killed there
    figures(
        f"crash: {killed} real `filmrev add` processes killed, {len(finished)} finished; all kept"
    )
