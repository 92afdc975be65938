"""Crash safety: writers killed with SIGKILL at random moments never damage the library.

A forked child adds, edits, re-ranks and deletes reviews in a loop through the store
API. Inside each locked transaction, just before the commit, it prints
``begin <generation> <digest>`` (the state the commit will write); after the commit it
prints ``ack <generation> <digest>``. The parent kills it at a random moment, then
checks the file: it opens, holds no broken invariant, and is exactly the last
acknowledged state, or the state of the one transaction that was committing when the
kill landed. So every acknowledged write survives, and nothing is ever half-written.

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
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

import pytest

from filmrev.backups import backup_before
from filmrev.paths import LibraryPaths
from filmrev.store import Library
from filmrev.transaction import writing
from tests.reliability.conftest import InProcess
from tests.reliability.helpers import paths_of, state_digest, temps_left

#: Longest time a child runs before it is killed. A transaction takes 5-40 ms here (body
#: file and its directory fsynced, then the library file and its directory, then the
#: index), so a child lives through 0 to ~20 of them and many kills land inside a write.
MAX_LIFETIME = 0.2


def _child_loop(paths: LibraryPaths, seed: int, out_fd: int) -> NoReturn:
    """Runs in the forked child until it is killed: random transactions, reported on a pipe."""
    try:
        rng = random.Random(seed)
        out = os.fdopen(out_fd, "w", buffering=1)
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
    temp_files_left: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)


def _read_all(fd: int, deadline: float | None) -> bytes:
    """Read from the pipe until ``deadline`` (None: until EOF)."""
    chunks: list[bytes] = []
    while True:
        timeout = None if deadline is None else max(0.0, deadline - time.monotonic())
        ready, _, _ = select.select([fd], [], [], timeout)
        if not ready:
            return b"".join(chunks)
        chunk = os.read(fd, 65536)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _one_kill(paths: LibraryPaths, rng: random.Random, seed: int, tally: CrashTally) -> None:
    before = Library.load(paths, exact=True)
    acked = (before.generation, state_digest(before.reviews()))
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(read_fd)
        _child_loop(paths, seed, write_fd)
    os.close(write_fd)
    try:
        # A random moment in the child's life: read its reports until then, then kill.
        output = _read_all(read_fd, time.monotonic() + rng.uniform(0, MAX_LIFETIME))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        output += _read_all(read_fd, None)  # reports written before it died
    finally:
        os.close(read_fd)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, output
    tally.kills += 1
    committing: tuple[int, str] | None = None
    for line in output.decode().splitlines():
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
        tally.outcomes["killed mid-write"] = tally.outcomes.get("killed mid-write", 0) + 1
    tally.temp_files_left = left


@pytest.mark.parametrize(
    "kills",
    [
        pytest.param(300, id="300-kills"),
        pytest.param(1000, id="1000-kills", marks=pytest.mark.stress),
    ],
)
def test_sigkill_at_random_moments_never_loses_an_acknowledged_write(
    library: Path, run_in: InProcess, figures: Callable[[str], None], kills: int
) -> None:
    paths = paths_of(library)
    rng = random.Random(kills)
    tally = CrashTally()
    for number in range(kills):
        _one_kill(paths, rng, seed=number, tally=tally)
    figures(
        f"crash: {tally.kills} SIGKILLs survived; {tally.acked} acknowledged writes all kept; "
        f"{tally.in_flight_committed} kills landed between commit and ack (new state, whole); "
        f"{tally.outcomes.get('killed mid-write', 0)} landed mid-write (old state, temp file left)"
    )
    assert tally.kills == kills
    # The kills landed everywhere: before a commit, inside a write, between commit and ack.
    # (How many of each depends on the machine's speed; these floors are far below it.)
    assert tally.acked >= kills // 10
    assert tally.outcomes.get("killed mid-write", 0) >= kills // 30
    assert tally.in_flight_committed >= 1

    # The debris of killed writes is only temp files, which doctor removes; reviews stay.
    reviews = Library.load(paths).reviews()
    fixed = run_in("doctor", "--fix")
    assert fixed.code == 0, fixed.out + fixed.err
    assert temps_left(library) == []
    assert Library.load(paths).reviews() == reviews


def test_killed_real_filmrev_add_processes_leave_an_intact_library(
    library: Path, tmp_path: Path, figures: Callable[[str], None]
) -> None:
    """``python -m filmrev add`` killed at random points: whole or absent, never partial."""
    paths = paths_of(library)
    body = tmp_path / "body.md"
    body.write_text("Long review with “quotes”, accents (Stéphanie) — and dashes.\n" * 20000)
    rng = random.Random(7)
    finished: list[str] = []
    killed = 0
    for number in range(12):
        process = subprocess.Popen(
            [sys.executable, "-m", "filmrev", "add", f"Real {number}", "--body-file", str(body)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        try:
            # A random moment: start-up takes ~0.2 s and a write of this library ~10-50 ms.
            process.wait(timeout=rng.uniform(0.1, 0.6))
        except subprocess.TimeoutExpired:
            process.kill()
            killed += 1
        out, err = process.communicate()
        if process.returncode == 0:
            finished.append(out.decode().strip())
        else:
            assert process.returncode == -signal.SIGKILL, err.decode()
        slugs = {review.slug for review in Library.load(paths, exact=True).reviews()}
        assert set(finished) <= slugs  # every acknowledged add is there
    assert killed >= 3, "no process was killed; the random moments were all too late"
    figures(
        f"crash: {killed} real `filmrev add` processes killed, {len(finished)} finished; all kept"
    )
