"""Shared fixtures: every test gets its own library in tmp_path; no test touches a real home."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def isolated_library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point FILMREV_DB at a temp file and HOME/XDG dirs at tmp_path."""
    library = tmp_path / "lib" / "library.json"
    monkeypatch.setenv("FILMREV_DB", str(library))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "home" / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "home" / "config"))
    monkeypatch.setenv("FILMREV_CONFIG_DIR", str(tmp_path / "home" / "config" / "filmrev"))
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("FILMREV_DEBUG", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "120")
    yield library


@dataclass
class Result:
    """What a user sees from one run: exit code, stdout, stderr."""

    code: int
    out: str
    err: str


def run_filmrev(
    *args: str, stdin: str | bytes | None = None, env: dict[str, str] | None = None
) -> Result:
    """Run the installed CLI in a subprocess (a real process, real files, no TTY)."""
    data = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
    completed = subprocess.run(
        [sys.executable, "-m", "filmrev", *args],
        input=data if data is not None else b"",
        capture_output=True,
        env={**os.environ, **(env or {})},
        timeout=120,
        check=False,
    )
    return Result(
        completed.returncode,
        completed.stdout.decode("utf-8", "replace"),
        completed.stderr.decode("utf-8", "replace"),
    )


Runner = Callable[..., Result]


@pytest.fixture
def cli() -> Runner:
    """``cli("add", "Amour", "--year", "2012")`` runs ``python -m filmrev`` and returns a Result."""
    return run_filmrev


def resolve_bodies(library: Path, tables: dict[str, Any]) -> dict[str, Any]:
    """The library file's tables with each review's body read back from the body store.

    Reviews hold their body by SHA-256 reference (``library.json.d/bodies/ab/abcd…``);
    tests that check what was stored compare the text, as it was before the body store.
    """
    store = library.parent / (library.name + ".d") / "bodies"
    for doc in tables.get("reviews", {}).values():
        body = doc.get("body")
        if isinstance(body, dict):
            ref = body["sha256"]
            doc["body"] = (store / ref[:2] / ref).read_bytes().decode("utf-8")
            doc.pop("history", None)
    return tables
