"""Completion, help texts and the pager switch of the authoring commands."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from filmrev.completion import complete_person, complete_ref, complete_tag
from tests.conftest import Runner


def complete(words: str, env: dict[str, str] | None = None) -> list[str]:
    """Ask for completions the way bash's completion function does."""
    parts = words.split(" ")
    completed = subprocess.run(
        [sys.executable, "-m", "filmrev"],
        env={
            **os.environ,
            **(env or {}),
            "_FILMREV_COMPLETE": "complete_bash",
            "COMP_WORDS": words,
            "COMP_CWORD": str(len(parts) - 1),
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return [line for line in completed.stdout.splitlines() if line]


@pytest.fixture
def films(cli: Runner) -> None:
    for args in (
        [
            "Rust and Bone",
            "--year",
            "2012",
            "--tag",
            "Gritty, Grittness",
            "--cast",
            "Marion Cotillard",
        ],
        ["Rushmore", "--year", "1998", "--tag", "Comedy"],
        ["Amour", "--year", "2012", "--tag", "Grief"],
    ):
        assert cli("add", *args, "--body", "").code == 0


def test_completion_functions(films: None) -> None:
    assert complete_ref("ru") == ["rushmore-1998", "rust-and-bone-2012"]
    assert complete_tag("Gr") == ["Grief", "Gritty, Grittness"]
    assert complete_person("Mar") == ["Marion Cotillard"]


def test_completion_never_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FILMREV_DB", str(tmp_path / "missing.json"))
    assert complete_ref("") == []
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    monkeypatch.setenv("FILMREV_DB", str(broken))
    assert complete_tag("") == []


def test_bash_completion_protocol(films: None, tmp_path: Path) -> None:
    assert complete("filmrev show ru") == ["rushmore-1998", "rust-and-bone-2012"]
    assert complete("filmrev edit am") == ["amour-2012"]
    assert complete("filmrev delete rust") == ["rust-and-bone-2012"]
    # bash inserts a suggestion as printed: a space must come escaped (issue 17)
    assert complete("filmrev list --tag Gri") == ["Grief", "Gritty,\\ Grittness"]
    assert complete("filmrev add Film --tag Com") == ["Comedy"]
    assert complete("filmrev list --person Mar") == ["Marion\\ Cotillard"]
    other = tmp_path / "other.json"
    assert complete(f"filmrev --db {other} show ru") == []  # --db on the line is honoured


def test_show_completion_script() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "filmrev", "--show-completion", "bash"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "SHELL": "/bin/bash"},
    )
    assert completed.returncode == 0
    assert "_FILMREV_COMPLETE=complete_bash" in completed.stdout
    assert "complete -o default -F _filmrev_completion filmrev" in completed.stdout


@pytest.mark.parametrize(
    "command",
    [
        ["search"],
        ["stats"],
        ["people"],
        ["drafts"],
        ["drafts", "list"],
        ["drafts", "restore"],
        ["drafts", "discard"],
        ["template"],
        ["template", "edit"],
        ["template", "show"],
        ["template", "reset"],
    ],
)
def test_every_command_has_an_example(cli: Runner, command: list[str]) -> None:
    result = cli(*command, "--help")
    assert result.code == 0
    assert "Example: filmrev" in result.out or "Example: EDITOR=" in result.out


def test_show_without_terminal_does_not_page(cli: Runner, films: None) -> None:
    result = cli("show", "amour-2012", env={"PAGER": "false"})
    assert result.code == 0 and "Amour (2012)" in result.out
    assert cli("show", "amour-2012", "--no-pager").out == result.out
