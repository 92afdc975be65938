"""Progress on a terminal for slow commands: stderr only, only when stderr is a TTY.

A pseudo-terminal stands in for the user's terminal on stderr while stdout goes to a pipe
(``filmrev export > file``); $FILMREV_PROGRESS_AFTER=0 shows the line at once instead of
after half a second, so no test waits on a clock.
"""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Runner


def _run_with_terminal_stderr(*args: str) -> tuple[int, str, str]:
    """Run filmrev with stderr on a pseudo-terminal; (exit code, stdout, what the tty got)."""
    leader, follower = pty.openpty()
    env = {**os.environ, "FILMREV_PROGRESS_AFTER": "0", "TERM": "xterm"}
    process = subprocess.Popen(
        [sys.executable, "-m", "filmrev", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=follower,
        env=env,
    )
    os.close(follower)
    terminal = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the process closed the terminal
            break
        if not chunk:
            break
        terminal += chunk
    os.close(leader)
    assert process.stdout is not None
    out = process.stdout.read().decode("utf-8")
    return process.wait(timeout=120), out, terminal.decode("utf-8", "replace")


def _library(cli: Runner) -> None:
    for title in ("Amour", "Rust and Bone", "Aftersun"):
        assert cli("add", title, "--year", "2012", "--body", "Text.").code == 0


def test_export_shows_progress_on_a_terminal_and_keeps_stdout_clean(cli: Runner) -> None:
    _library(cli)
    code, out, terminal = _run_with_terminal_stderr("export", "--format", "json")
    assert code == 0
    assert "reading the library" in terminal
    assert out.startswith("{") and '"format": "filmrev"' in out  # the data is untouched
    assert "reading the library" not in out and "formatting" not in out


def test_export_to_a_file_and_a_site_show_progress_then_the_note(
    cli: Runner, tmp_path: Path
) -> None:
    _library(cli)
    target = tmp_path / "all.csv"
    code, _, terminal = _run_with_terminal_stderr("export", "-f", "csv", "--out", str(target))
    assert code == 0 and target.exists()
    assert "reading the library" in terminal
    assert f"exported 3 reviews to {target}" in terminal
    code, _, terminal = _run_with_terminal_stderr(
        "export", "-f", "markdown", "--out", str(tmp_path / "site")
    )
    assert code == 0
    assert "reading the library" in terminal and "exported 3 reviews to" in terminal


def test_no_progress_when_stderr_is_not_a_terminal(cli: Runner, tmp_path: Path) -> None:
    _library(cli)
    target = tmp_path / "all.json"
    result = cli("export", "--out", str(target), env={"FILMREV_PROGRESS_AFTER": "0"})
    assert result.code == 0
    assert result.err == f"exported 3 reviews to {target}\n"


@pytest.mark.parametrize(
    "args", [("list",), ("list", "--sort", "title"), ("stats",), ("people",), ("search", "text")]
)
def test_other_slow_read_commands_show_progress_on_a_terminal(
    cli: Runner, args: tuple[str, ...]
) -> None:
    _library(cli)
    cli("edit", "amour-2012", "--director", "Michael Haneke")
    code, out, terminal = _run_with_terminal_stderr(*args)
    assert code == 0
    assert "reading the library" in terminal
    assert "reading the library" not in out and out.strip()  # the result is on stdout, whole
    if args[0] == "list":
        assert out == cli(*args).out  # byte for byte what a pipe gets
