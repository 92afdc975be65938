"""`rank place` in a real terminal: tmux runs it on a pseudo-terminal, the test types keys.

Each test starts its own tmux server (a private socket) and kills it afterwards, so it never
touches a tmux session of the person running the tests.
"""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from filmrev.paths import resolve_library
from filmrev.transaction import writing

pytestmark = pytest.mark.skipif(
    shutil.which("tmux") is None, reason="tmux is not installed (needed for a real terminal)"
)

FILMS = [
    {"title": "Amour", "year": 2012, "rating": 5.0, "tagline": "Love, at the end."},
    {"title": "Rust and Bone", "year": 2012, "rating": 4.5},
    {"title": "Paris, Texas", "year": 1984, "rating": 4.0},
]


PROMPT = "\n>"  # a line starting with the answer prompt (tmux drops its trailing space)


class Terminal:
    """One tmux pane running one command; ``type`` sends keys, ``wait_for`` reads the screen."""

    def __init__(self, socket: str) -> None:
        self.socket = socket
        self.socket_path = ""

    def tmux(self, *args: str) -> str:
        completed = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=True
        )
        return completed.stdout

    def start(self, command: str, library: Path) -> None:
        env = f"env FILMREV_DB={shlex.quote(str(library))} NO_COLOR=1"
        shell = f"{env} {command}; echo EXIT=$?; sleep 120"
        self.tmux("new-session", "-d", "-s", "t", "-x", "100", "-y", "40", shell)
        self.socket_path = self.tmux("display-message", "-p", "#{socket_path}").strip()

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "t", "-S", "-200")

    def wait_for(self, text: str, *, count: int = 1, timeout: float = 20.0) -> str:
        """The screen once ``text`` shows on it ``count`` times (fails after ``timeout``)."""
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if screen.count(text) >= count:
                return screen
            if time.monotonic() > deadline:
                pytest.fail(f"{text!r} (x{count}) never appeared; the screen:\n{screen}")
            time.sleep(0.05)

    def type(self, keys: str) -> None:
        """Type ``keys`` and press Enter."""
        self.tmux("send-keys", "-t", "t", "-l", keys)
        self.tmux("send-keys", "-t", "t", "Enter")


@pytest.fixture
def terminal() -> Iterator[Terminal]:
    socket = f"filmrev-test-{uuid.uuid4().hex[:12]}"
    terminal = Terminal(socket)
    yield terminal
    socket_path = terminal.socket_path
    subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True, check=False)
    if socket_path:  # tmux leaves the socket file behind
        Path(socket_path).unlink(missing_ok=True)


@pytest.fixture
def library(isolated_library: Path) -> Path:
    """Three ranked films and Holy Motors, not yet ranked."""
    with writing(resolve_library()) as films:
        for rank, film in enumerate(FILMS, start=1):
            films.add(film, rank=rank)
        # 4.5★: every ranked film is within ±0.5★, so the questions are plain binary insertion.
        films.add({"title": "Holy Motors", "year": 2012, "rating": 4.5, "tagline": "Beauty."})
    return isolated_library


def place_command(ref: str) -> str:
    return f"{shlex.quote(sys.executable)} -m filmrev rank place {ref}"


def ranked(library_file: Path) -> list[str]:
    reviews = json.loads(library_file.read_text("utf-8"))["reviews"].values()
    held = {review["slug"]: review["rank"] for review in reviews if review["rank"] is not None}
    assert sorted(held.values()) == list(range(1, len(held) + 1))
    return sorted(held, key=lambda slug: held[slug])


def test_place_interactively_with_a_wrong_key_and_undo(terminal: Terminal, library: Path) -> None:
    terminal.start(place_command("holy-motors-2012"), library)
    screen = terminal.wait_for(PROMPT)
    assert "Which is better?  (question 1 of at most 2)" in screen
    assert "  1  Holy Motors (2012)  ★★★★½ 4.5" in screen
    assert "     Beauty." in screen
    assert "  2  Rust and Bone (2012)  ★★★★½ 4.5  #2" in screen
    terminal.type("x")  # a wrong key asks again instead of giving up
    terminal.wait_for("unknown answer 'x'; answer 1, 2, =, s, u or q")
    terminal.type("2")  # Rust and Bone is better: next, Paris, Texas
    terminal.wait_for("  2  Paris, Texas (1984)  ★★★★ 4.0  #3")
    terminal.type("u")  # undo: the first question again
    screen = terminal.wait_for("(question 1 of at most 2)", count=2)
    terminal.type("1")  # Holy Motors is better than Rust and Bone: next, Amour
    screen = terminal.wait_for("     Love, at the end.")
    assert "(question 2 of at most 2)" in screen
    terminal.type("2")
    screen = terminal.wait_for("Holy Motors (2012) goes to #2 of 4.")
    assert ranked(library) == ["amour-2012", "rust-and-bone-2012", "paris-texas-1984"]
    terminal.type("")  # Enter saves
    screen = terminal.wait_for("EXIT=")
    assert "placed Holy Motors (2012) at #2 of 4\nEXIT=0" in screen
    assert ranked(library) == [
        "amour-2012", "holy-motors-2012", "rust-and-bone-2012", "paris-texas-1984"
    ]  # fmt: skip
    stored = json.loads(library.read_text("utf-8"))["comparisons"].values()
    assert [(c["winner"], c["loser"], c["tie"]) for c in stored] == [(4, 2, False), (1, 4, False)]


def test_undo_at_the_last_step_then_save(terminal: Terminal, library: Path) -> None:
    terminal.start(place_command("holy-motors-2012"), library)
    terminal.wait_for(PROMPT)
    terminal.type("2")
    terminal.wait_for("(question 2 of at most 2)")
    terminal.type("=")  # the same as Paris, Texas: just below it
    terminal.wait_for("Holy Motors (2012) goes to #4 of 4.")
    terminal.type("u")  # changed my mind about the last answer
    terminal.wait_for("(question 2 of at most 2)", count=2)
    terminal.type("1")
    terminal.wait_for("Holy Motors (2012) goes to #3 of 4.")
    terminal.type("")
    assert "placed Holy Motors (2012) at #3 of 4\nEXIT=0" in terminal.wait_for("EXIT=")
    assert ranked(library)[2] == "holy-motors-2012"
    stored = json.loads(library.read_text("utf-8"))["comparisons"].values()
    assert [(c["winner"], c["loser"], c["tie"]) for c in stored] == [(2, 4, False), (4, 3, False)]


@pytest.mark.parametrize(
    ("keys", "exit_code", "message"),
    [
        (["1", "2", "q"], 1, "filmrev: error: placement quit; nothing changed"),
        (["q"], 1, "filmrev: error: placement quit; nothing changed"),
        (["C-d"], 1, "filmrev: error: placement quit; nothing changed"),
        (["1", "C-c"], 130, ""),  # Typer turns Ctrl-C into exit 130 (cli.run prints nothing)
    ],
)
def test_quit_ctrl_d_and_ctrl_c_leave_the_file_unchanged(
    terminal: Terminal, library: Path, keys: list[str], exit_code: int, message: str
) -> None:
    before = library.read_bytes()
    terminal.start(place_command("holy-motors-2012"), library)
    for number, key in enumerate(keys, start=1):
        terminal.wait_for(PROMPT, count=number)
        if key.startswith("C-"):
            terminal.tmux("send-keys", "-t", "t", key)
        else:
            terminal.type(key)
    screen = terminal.wait_for("EXIT=")
    assert screen.rstrip().endswith(
        f"{message}\nEXIT={exit_code}" if message else f"EXIT={exit_code}"
    )
    assert library.read_bytes() == before


# --- rank refine ------------------------------------------------------------------------------


def refine_command(*options: str) -> str:
    return f"{shlex.quote(sys.executable)} -m filmrev rank refine {' '.join(options)}"


def paris_texas_beats_the_top(library: Path) -> None:
    """Stored answers: Paris, Texas (#3) beat Amour (#1) and Rust and Bone (#2) twice each."""
    with writing(resolve_library()) as films:
        at = "2026-11-01T10:00:00Z"
        films.add_comparisons(
            {"winner": 3, "loser": loser, "tie": False, "at": at} for loser in (1, 1, 2, 2)
        )


@pytest.mark.parametrize(("reply", "exit_code"), [("n", 1), ("", 1), ("y", 0)])
def test_refine_moves_nothing_until_confirmed(
    terminal: Terminal, library: Path, reply: str, exit_code: int
) -> None:
    paris_texas_beats_the_top(library)
    before = library.read_bytes()
    terminal.start(refine_command("--questions", "1"), library)
    screen = terminal.wait_for(PROMPT)
    assert "Which is better?  (question 1 of at most 1)" in screen
    terminal.type("1")
    screen = terminal.wait_for("Move these")
    assert "#3 → #1  Paris, Texas (1984)" in screen
    assert library.read_bytes() == before  # nothing written before the answer
    terminal.type(reply)
    screen = terminal.wait_for("EXIT=")
    if exit_code:
        assert screen.rstrip().endswith("filmrev: error: refine declined; nothing changed\nEXIT=1")
        assert library.read_bytes() == before
    else:
        assert "(1 new answer stored)\nEXIT=0" in screen
        assert ranked(library)[0] == "paris-texas-1984"
        stored = json.loads(library.read_text("utf-8"))["comparisons"]
        assert len(stored) == 5
