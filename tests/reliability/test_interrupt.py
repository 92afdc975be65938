"""Ctrl-C: exit 130, never a partial write, and a truthful message.

Before the commit point the command stops and nothing is written; during the
``os.replace`` Ctrl-C is held back, the new file lands whole, and the message says the
change was saved.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from filmrev import storage
from filmrev.storage import temp_files
from tests.conftest import Runner
from tests.reliability.helpers import reviews_on_disk, seed_library, temps_left


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


def test_real_sigint_in_the_middle_of_a_large_write(library: Path, tmp_path: Path) -> None:
    """A real process, SIGINT sent the moment its temp file appears (mid-write)."""
    body = "Paragraph with “quotes” — and Stéphanie.\n\n" * 2000
    seed_library(library, 150, ranked=0, body=body)  # ~13 MB: a write takes a while
    landed = 0
    for attempt in range(4):
        before = library.read_bytes()
        count = len(reviews_on_disk(library))
        process = subprocess.Popen(
            [sys.executable, "-m", "filmrev", "add", f"Interrupted {attempt}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 60
        while not temp_files(library) and process.poll() is None:
            assert time.monotonic() < deadline
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
        text = err.decode()
        assert "Traceback" not in text
        assert temps_left(library) == []
        after = len(reviews_on_disk(library))  # opens: never a partial file
        if process.returncode == 130 and "nothing was written" in text:
            landed += 1
            assert library.read_bytes() == before
        elif process.returncode == 130:
            assert "already been saved" in text and after == count + 1
        else:
            assert process.returncode == 0 and after == count + 1, text
    assert landed >= 1, "no SIGINT landed before the commit; the write was too fast to catch"
