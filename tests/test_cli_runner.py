"""The test harness itself: a command run in this process shows what a real process shows.

The ``cli`` fixture runs ``filmrev.cli.run`` in the test process (tests/inprocess.py);
these stories run each command both ways and compare exit code, stdout, stderr and the
library file, so the fast way cannot drift from ``python -m filmrev``.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
from pathlib import Path

import pytest

from filmrev import index
from tests.conftest import Runner, run_filmrev, run_filmrev_process

STAMP = re.compile(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z")

BODY = "Stéphanie trains killer whales. “Quotes” — dashes, l’apostrophe.\n"

STORIES: list[tuple[tuple[str, ...], str | bytes | None, dict[str, str] | None]] = [
    (("--version",), None, None),
    (("--help",), None, None),
    (("add", "--help"), None, {"COLUMNS": "60"}),
    (("list",), None, None),
    (("list", "--format", "json"), None, None),
    (("show", "rust-and-bone-2012"), None, {"COLUMNS": "50"}),
    (("show", "rust-and-bone-2012", "--plain"), None, None),
    (("search", "stephanie"), None, None),
    (("search", "stephanie"), None, {"FILMREV_NO_FTS5": "1"}),
    (("add", "Amélie", "--year", "2001", "--body-file", "-"), BODY, None),
    (("add", "Bad", "--body-file", "-"), b"caf\xe9 latin-1\n", None),
    (("add", "Caché", "--year", "abc"), None, None),
    (("list", "--sort", "length"), None, None),
    (("delete", "rust-and-bone-2012"), None, None),
    (("show", "nothing-like-it"), None, None),
    (("nope",), None, None),
    (("rank", "place", "rust-and-bone-2012"), "q\n", None),
    (("list", "--tag", "Gritty"), None, {"NO_COLOR": "", "FORCE_COLOR": "1"}),
]


def _library(cli: Runner) -> None:
    added = cli(
        "add", "Rust and Bone", "--year", "2012", "--tag", "Gritty", "--body", BODY, "--rank", "1"
    )
    assert added.code == 0, added.err


def _masked(data: bytes) -> bytes:
    """Timestamps differ between two runs; everything else must not."""
    return STAMP.sub(b"<stamp>", data)


@pytest.mark.parametrize(("args", "stdin", "env"), STORIES, ids=lambda value: repr(value)[:40])
def test_in_process_and_real_process_agree(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: tuple[str, ...],
    stdin: str | bytes | None,
    env: dict[str, str] | None,
) -> None:
    seed, work = tmp_path / "seed", tmp_path / "work"
    monkeypatch.setenv("FILMREV_DB", str(seed / "library.json"))
    _library(run_filmrev)
    monkeypatch.setenv("FILMREV_DB", str(work / "library.json"))
    seen = []
    for runner in (run_filmrev, run_filmrev_process):
        shutil.rmtree(work, ignore_errors=True)
        shutil.copytree(seed, work)
        result = runner(*args, stdin=stdin, env=env)
        stored = (work / "library.json").read_bytes()
        seen.append((result.code, _masked(result.out.encode()), result.err, _masked(stored)))
    assert seen[0] == seen[1]


def test_env_applies_to_one_call_and_state_does_not_leak(cli: Runner) -> None:
    _library(cli)
    assert "FILMREV_NO_FTS5" not in os.environ
    scanned = cli("search", "whales", env={"FILMREV_NO_FTS5": "1"})
    assert "no FTS5" in scanned.err
    assert "FILMREV_NO_FTS5" not in os.environ
    indexed = cli("search", "whales")
    assert indexed.code == 0 and indexed.err == ""
    assert index._FTS_AVAILABLE is None  # what the command memoised was put back
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_stdin_is_never_a_terminal_and_output_is_utf8_bytes(cli: Runner) -> None:
    _library(cli)
    refused = cli("delete", "rust-and-bone-2012")  # no terminal and no --yes
    assert refused.code == 1 and "--yes" in refused.err
    shown = cli("show", "rust-and-bone-2012", "--plain")
    assert shown.out.endswith(BODY)
