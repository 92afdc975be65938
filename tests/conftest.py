"""Shared fixtures: every test gets its own library in tmp_path; no test touches a real home."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import pytest

from tests.inprocess import AS_IMPORTED, run_in_process


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


@pytest.fixture(autouse=True)
def fresh_modules() -> Iterator[None]:
    """After each test, filmrev's module-level state is as imported (see tests/inprocess.py)."""
    yield
    AS_IMPORTED.restore()


@dataclass
class Result:
    """What a user sees from one run: exit code, stdout, stderr."""

    code: int
    out: str
    err: str


class Runner(Protocol):
    """Runs one ``filmrev`` command line: ``cli("add", "Amour", "--year", "2012")``.

    ``stdin`` is what the command reads (nothing by default, never a terminal);
    ``env`` adds variables for this run only. The ``cli`` fixture is one.
    """

    def __call__(
        self, *args: str, stdin: str | bytes | None = None, env: Mapping[str, str] | None = None
    ) -> Result: ...


def run_filmrev(
    *args: str, stdin: str | bytes | None = None, env: Mapping[str, str] | None = None
) -> Result:
    """Run the CLI in this process, as ``python -m filmrev`` would with these streams.

    ``filmrev.cli.run`` gets the arguments; stdin/stdout/stderr are UTF-8 byte streams
    (``main()`` forces UTF-8: stdin with surrogateescape, output with replace) and none is
    a terminal; ``env`` is applied for this call only. State a command leaves in
    filmrev's modules, signal handlers and the umask are put back afterwards (see
    :mod:`tests.inprocess`), so each call starts as a fresh process would.
    """
    code, out, err = run_in_process(list(args), _stdin_bytes(stdin), env)
    return Result(code, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"))


def run_filmrev_process(
    *args: str, stdin: str | bytes | None = None, env: Mapping[str, str] | None = None
) -> Result:
    """Run ``python -m filmrev`` in a subprocess (a real process, real files, no TTY)."""
    completed = subprocess.run(
        [sys.executable, "-m", "filmrev", *args],
        input=_stdin_bytes(stdin),
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


def _stdin_bytes(stdin: str | bytes | None) -> bytes:
    return stdin.encode("utf-8") if isinstance(stdin, str) else (stdin or b"")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--cli",
        choices=("in-process", "process"),
        default="in-process",
        help="how the `cli` fixture runs filmrev: in this process (default) or as "
        "`python -m filmrev` subprocesses (slow; checks that both agree)",
    )


@pytest.fixture
def cli(request: pytest.FixtureRequest) -> Runner:
    """``cli("add", "Amour", "--year", "2012")`` runs filmrev and returns a Result.

    In this process by default (fast); in a real ``python -m filmrev`` process for a test
    marked ``@pytest.mark.process``, or for every test with ``pytest --cli=process``.
    """
    if request.node.get_closest_marker("process") or request.config.getoption("cli") == "process":
        return run_filmrev_process
    return run_filmrev


@pytest.fixture
def cli_process() -> Runner:
    """Always a real ``python -m filmrev`` process, for the few stories where it matters."""
    return run_filmrev_process


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
