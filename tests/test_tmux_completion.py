"""Shell completion in real shells: tmux types TAB in bash, zsh and fish.

A completed tag or slug must come out quoted so that the command line still runs
(``--tag Palme d’Or`` unquoted was "unexpected extra argument"). Each test starts its own
tmux server (a private socket) and kills it afterwards.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import Runner

pytestmark = pytest.mark.skipif(
    shutil.which("tmux") is None, reason="tmux is not installed (needed for a real terminal)"
)

FILMREV = Path(sys.executable).parent / "filmrev"  # the console script of this environment

# shell → (command line that starts it bare, how to load the completion script)
SHELLS = {
    "bash": (["bash", "--norc", "--noprofile"], "source {script}"),
    "zsh": (["zsh", "-f"], "autoload -Uz compinit && compinit -u && source {script}"),
    "fish": (["fish", "--no-config"], "source {script}"),
}


class Shell:
    """One shell in one tmux pane."""

    def __init__(self, name: str, tmp_path: Path, library: Path) -> None:
        self.socket = f"filmrev-{uuid.uuid4().hex[:8]}"
        command, load = SHELLS[name]
        script = tmp_path / f"completion.{name}"
        source = subprocess.run(
            [str(FILMREV)],
            env={**os.environ, "_FILMREV_COMPLETE": f"source_{name}"},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        script.write_text(source, encoding="utf-8")
        home = tmp_path / f"{name}-home"
        home.mkdir()
        env = {
            "PATH": f"{FILMREV.parent}:/usr/bin:/bin",
            "HOME": str(home),
            "TERM": "xterm",
            "LANG": "C.UTF-8",
            "FILMREV_DB": str(library),
            "PS1": "$ ",
        }
        settings = [f"{key}={value}" for key, value in env.items()]
        self.tmux("new-session", "-d", "-s", "t", "-x", "160", "-y", "30", "env", "-i",
                  *settings, *command)  # fmt: skip
        self.type(load.format(script=script))
        self.keys("Enter")

    def tmux(self, *args: str) -> str:
        completed = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=True
        )
        return completed.stdout

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", "t", "-l", text)

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "t", *keys)

    def wait_for(self, text: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        while True:
            screen = self.tmux("capture-pane", "-p", "-t", "t")
            if text in screen:
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} never appeared; the screen shows:\n{screen}")
            time.sleep(0.05)

    def kill(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, check=False)


@pytest.fixture(params=sorted(SHELLS))
def shell(
    request: pytest.FixtureRequest, tmp_path: Path, isolated_library: Path
) -> Iterator[Shell]:
    name: str = request.param
    if shutil.which(name) is None:
        pytest.skip(f"{name} is not installed")
    started = Shell(name, tmp_path, isolated_library)
    yield started
    started.kill()


def test_a_completed_tag_with_spaces_and_quotes_still_runs(shell: Shell, cli: Runner) -> None:
    assert cli("add", "Rust and Bone", "--year", "2012", "--tag", "Palme d’Or").code == 0
    assert cli("add", "Amour", "--year", "2012", "--tag", "You've been $5").code == 0
    shell.type("filmrev list --tag Pa")
    shell.keys("Tab")
    shell.wait_for("Palme\\ d’Or")
    shell.type(" --format ids")
    shell.keys("Enter")
    shell.wait_for("\n1\n")  # the id of the one review with the tag (not an error)
    shell.type("filmrev list --tag Y")
    shell.keys("Tab")
    shell.wait_for("You\\'ve\\ been\\ \\$5")
    shell.type(" --format ids")
    shell.keys("Enter")
    assert "unexpected extra argument" not in shell.wait_for("\n2\n")


def test_slugs_complete_for_rank_and_tag_commands(shell: Shell, cli: Runner) -> None:
    assert cli("add", "Rust and Bone", "--year", "2012").code == 0
    for command in ("rank place", "rank set", "rank move", "rank history", "tag add", "tag remove"):
        shell.type(f"filmrev {command} ru")
        shell.keys("Tab")
        shell.wait_for(f"filmrev {command} rust-and-bone-2012")
        shell.keys("C-u")
