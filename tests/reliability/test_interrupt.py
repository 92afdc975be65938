"""Ctrl-C: exit 130, never a partial write, and a truthful message.

Before the commit point the command stops and nothing is written; during the
``os.replace`` Ctrl-C is held back, the new file lands whole, and the message says the
change was saved. In this process (``os`` patched to signal itself at one call), and in
real processes stopped at a chosen call (:mod:`tests.reliability.stops`) that get a
real SIGINT there: no timing, no polling.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from filmrev import storage
from tests.conftest import Runner
from tests.reliability.helpers import reviews_on_disk, seed_library, temps_left
from tests.reliability.stops import Point, Stop

LIBRARY_TEMP = "/.library.json."  # in the name of the library's temp files only


class SigintOn:
    """Stands in for ``os`` in filmrev.storage: sends this process SIGINT at one call."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __getattr__(self, name: str) -> Any:
        real = getattr(os, name)
        if name != self.name:
            return real

        def interrupted(*args: Any, **kwargs: Any) -> Any:
            os.kill(os.getpid(), signal.SIGINT)  # handled at the next bytecode
            return real(*args, **kwargs)

        return interrupted


@pytest.mark.parametrize("call", ["write", "fsync", "fchmod"])
def test_ctrl_c_before_the_commit_point_writes_nothing(
    library: Path, run_in: Runner, monkeypatch: pytest.MonkeyPatch, call: str
) -> None:
    before = seed_library(library, 3)
    monkeypatch.setattr(storage, "os", SigintOn(call))
    result = run_in("add", "Amour")
    assert result.code == 130
    assert result.out == ""
    assert result.err == "\nfilmrev: interrupted; nothing was written\n"
    assert library.read_bytes() == before
    assert temps_left(library) == []


def test_ctrl_c_during_the_replace_is_held_back_and_the_write_lands_whole(
    library: Path, run_in: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_library(library, 3)
    monkeypatch.setattr(storage, "os", SigintOn("replace"))
    result = run_in("add", "Amour")
    assert result.code == 130
    assert result.err == "\nfilmrev: interrupted; the change had already been saved\n"
    assert "amour" in {review.slug for review in reviews_on_disk(library)}
    assert temps_left(library) == []
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # handler restored


#: Where a real SIGINT lands (the temp file is ``.library.json.XXXX.tmp``), and what the
#: user must then be told: exit 130 both times, the truth about whether it was saved.
SIGINT_MOMENTS = [
    pytest.param(Point("os.open", "after", 1, LIBRARY_TEMP), "nothing", id="temp-file-created"),
    pytest.param(Point("os.write", "before", 1), "nothing", id="mid-write"),
    pytest.param(Point("os.fsync", "before", 1), "nothing", id="before-fsync"),
    pytest.param(Point("os.replace", "before", 1, LIBRARY_TEMP), "saved", id="at-the-replace"),
]


@pytest.mark.parametrize(("moment", "outcome"), SIGINT_MOMENTS)
def test_real_sigint_in_the_middle_of_a_write(
    library: Path, tmp_path: Path, moment: Point, outcome: str
) -> None:
    """A real ``python -m filmrev add`` stopped at a moment of its write gets a real SIGINT."""
    before = seed_library(library, 3)
    count = len(reviews_on_disk(library))
    with Stop(moment, tmp_path / "site") as stop:
        process = subprocess.Popen(
            [sys.executable, "-m", "filmrev", "add", "Interrupted"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=stop.env,
            pass_fds=stop.pass_fds,
        )
        stop.started()
        assert stop.reached(), process.communicate()
        process.send_signal(signal.SIGINT)
        stop.release()  # held back (at the replace): the process goes on and says so
        _, err = process.communicate(timeout=120)
    text = err.decode()
    assert "Traceback" not in text
    assert process.returncode == 130, text
    assert temps_left(library) == []
    after = len(reviews_on_disk(library))  # opens: never a partial file
    if outcome == "nothing":
        assert text == "\nfilmrev: interrupted; nothing was written\n"
        assert library.read_bytes() == before
    else:
        assert text == "\nfilmrev: interrupted; the change had already been saved\n"
        assert after == count + 1
