"""The editor and the pager in a real terminal: tmux runs filmrev on a pseudo-terminal.

Each test starts its own tmux server (a private socket) and kills it afterwards. The
editor is a Python script; the longest story writes a 2,000-word review into the draft,
loses its terminal (the tmux server is killed), and gets the text back with
``filmrev drafts restore``.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.skipif(
    shutil.which("tmux") is None, reason="tmux is not installed (needed for a real terminal)"
)

Runner = Callable[..., Any]  # the ``cli`` fixture of conftest.py

EDIT_BODY = """\
import sys
from pathlib import Path
path = Path(sys.argv[-1])
text = path.read_text(encoding="utf-8")
head, sep, _ = text.partition("\\n---\\n")
path.write_text(head.replace("rating:", "rating: 4.5", 1) + sep + "\\nWritten in tmux.\\n")
"""

FAIL = "import sys; sys.exit(1)\n"

NOOP = "pass\n"

TYPIST = """\
import os, signal, sys
from pathlib import Path
path = Path(sys.argv[-1])
head, sep, _ = path.read_text(encoding="utf-8").partition("\\n---\\n")
words = []
for chunk in range(20):  # save after every 100 words, as an editor's autosave would
    words.extend(f"Stéphanie’s word{chunk * 100 + n}" if n % 50 == 0 else f"word{chunk * 100 + n}"
                 for n in range(100))
    path.write_text(head + sep + "\\n" + " ".join(words) + "\\n", encoding="utf-8")
Path(os.environ["TYPIST_DONE"]).write_text(str(os.getpid()))
signal.pause()  # still "typing" when the terminal goes away
"""


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


class Terminal:
    """One tmux pane running one shell command."""

    def __init__(self, tmp_path: Path) -> None:
        self.socket = f"filmrev-{uuid.uuid4().hex[:8]}"
        self.tmp_path = tmp_path

    def tmux(self, *args: str) -> str:
        completed = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=True
        )
        return completed.stdout

    def editor(self, name: str, source: str) -> str:
        script = self.tmp_path / f"{name}.py"
        script.write_text(source, encoding="utf-8")
        return f"{sys.executable} {script}"

    def start(self, command: str, env: dict[str, str]) -> None:
        settings = " ".join(f"{key}={shlex.quote(value)}" for key, value in env.items())
        filmrev = f"{shlex.quote(sys.executable)} -m filmrev"
        if command.startswith("filmrev "):
            command = filmrev + command.removeprefix("filmrev")
        shell = f"env {settings} {command}; echo EXIT=$?; sleep 120"
        self.tmux("new-session", "-d", "-s", "t", "-x", "100", "-y", "30", shell)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "t", "-S", "-100")

    def wait_for(self, text: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if text in screen:
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} never appeared; the screen shows:\n{screen}")
            time.sleep(0.05)

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "t", *keys)

    def kill(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, check=False)


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    term = Terminal(tmp_path)
    yield term
    term.kill()


def base_env(library: Path) -> dict[str, str]:
    home = library.parent.parent / "home"
    return {
        "FILMREV_DB": str(library),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "PATH": os.environ["PATH"],
        "TERM": "xterm-256color",
    }


def test_add_opens_the_editor_on_a_terminal(
    terminal: Terminal, isolated_library: Path, cli: Runner
) -> None:
    env = {**base_env(isolated_library), "EDITOR": terminal.editor("edit", EDIT_BODY)}
    terminal.start("filmrev add 'Rust and Bone' --year 2012", env)
    screen = terminal.wait_for("EXIT=")
    assert "rust-and-bone-2012" in screen and "EXIT=0" in screen
    doc = json.loads(cli("show", "rust-and-bone-2012", "--format", "json").out)
    assert (doc["rating"], doc["body"]) == (4.5, "Written in tmux.\n")
    assert not list((isolated_library.parent / "library.json.d" / "drafts").iterdir())


def test_failing_editor_on_a_terminal_keeps_the_draft(
    terminal: Terminal, isolated_library: Path, cli: Runner
) -> None:
    env = {**base_env(isolated_library), "EDITOR": terminal.editor("fail", FAIL)}
    terminal.start("filmrev add 'Rust and Bone'", env)
    screen = terminal.wait_for("EXIT=")
    assert "EXIT=1" in screen and "exited with status 1" in " ".join(screen.split())
    assert not isolated_library.exists()
    (draft,) = json.loads(cli("drafts", "list", "--format", "json").out)
    assert draft["kind"] == "add" and draft["title"] == "Rust and Bone"


def test_show_pages_long_reviews_with_colours(
    terminal: Terminal, isolated_library: Path, cli: Runner
) -> None:
    body = "".join(f"Paragraph {n}: Stéphanie trains whales.\n\n" for n in range(80))
    assert (
        cli("add", "Rust and Bone", "--year", "2012", "--rating", "4.5", "--body", body).code == 0
    )
    env = {**base_env(isolated_library), "PAGER": "less"}
    terminal.start("filmrev show rust-and-bone-2012", env)
    screen = terminal.wait_for("Paragraph 0")
    assert "Rust and Bone (2012)" in screen
    assert "Paragraph 79" not in screen and "EXIT=" not in screen  # the pager holds it
    assert "ESC[" not in screen and "[1m" not in screen  # LESS=R: colours, not escape codes
    terminal.keys("G")
    terminal.wait_for("Paragraph 79")
    terminal.keys("q")
    assert "EXIT=0" in terminal.wait_for("EXIT=")


def test_no_pager_prints_everything(
    terminal: Terminal, isolated_library: Path, cli: Runner
) -> None:
    body = "".join(f"Line {n}\n\n" for n in range(60))
    assert cli("add", "Amour", "--body", body).code == 0
    env = {**base_env(isolated_library), "PAGER": "less", "NO_COLOR": "1"}
    terminal.start("filmrev show amour --no-pager", env)
    screen = terminal.wait_for("EXIT=0")
    assert "Line 59" in screen


def test_two_thousand_words_survive_a_killed_terminal(
    terminal: Terminal, isolated_library: Path, cli: Runner, tmp_path: Path
) -> None:
    done = tmp_path / "typist-done"
    pid_file = tmp_path / "cli.pid"
    env = {
        **base_env(isolated_library),
        "EDITOR": terminal.editor("typist", TYPIST),
        "TYPIST_DONE": str(done),
    }
    add = f"{shlex.quote(sys.executable)} -m filmrev add 'Rust and Bone' --year 2012"
    add += " --watched 2024-05-03 --tag French"
    terminal.start(f"sh -c {shlex.quote(f'echo $$ > {pid_file}; exec {add}')}", env)
    wait_until(done.exists, "the editor to have written 2,000 words")
    filmrev_pid = int(pid_file.read_text())
    editor_pid = int(done.read_text())

    terminal.kill()  # the terminal window goes away: SIGHUP to everything in it
    wait_until(lambda: gone(filmrev_pid) and gone(editor_pid), "filmrev and the editor to die")
    assert not isolated_library.exists()  # nothing was saved...

    (draft,) = json.loads(cli("drafts", "list", "--format", "json").out)
    assert (draft["kind"], draft["title"]) == ("add", "Rust and Bone")
    text = Path(draft["path"]).read_text(encoding="utf-8")
    assert len(text.split("\n---\n", 1)[1].split()) == 2040  # ...but every word is in the draft

    again = Terminal(tmp_path)
    try:
        env = {**base_env(isolated_library), "EDITOR": again.editor("noop", NOOP)}
        again.start(f"filmrev drafts restore {draft['id']}", env)
        screen = again.wait_for("EXIT=")
    finally:
        again.kill()
    assert "rust-and-bone-2012" in screen and "EXIT=0" in screen
    doc = json.loads(cli("show", "rust and bnoe", "--format", "json").out)  # misspelt
    assert doc["slug"] == "rust-and-bone-2012"
    assert len(doc["body"].split()) == 2040 and doc["tags"] == ["French"]
    assert json.loads(cli("drafts", "list", "--format", "json").out) == []
    stats = json.loads(cli("stats", "--watched-year", "2024", "--format", "json").out)
    assert (stats["reviews"], stats["words"]) == (1, 2040)
    found = json.loads(cli("search", "stephanie", "--format", "json").out)
    assert found[0]["slug"] == "rust-and-bone-2012"
