"""Fixtures of the reliability suite, and the opt-in for its ``stress`` variants.

Heavy variants carry ``@pytest.mark.stress`` and are skipped (with the reason shown by
``-ra``) unless the marker expression names them::

    pytest tests/reliability              # CI size: a couple of minutes on 2 cores
    pytest tests/reliability -m stress    # only the big loops (1,000 kills, ...)
    FILMREV_STRESS=1 pytest               # everything, stress included
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Runner, run_filmrev

STRESS_REASON = "stress variant: run with `pytest -m stress` or FILMREV_STRESS=1"


def stress_selected(config: pytest.Config) -> bool:
    return "stress" in (config.option.markexpr or "") or bool(os.environ.get("FILMREV_STRESS"))


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("stress") and not stress_selected(item.config):
        pytest.skip(STRESS_REASON)


#: Figures measured by the suite (kills survived, writers, corrupt files tried), printed
#: at the end of the run and quoted in the README's "Your data is safe".
FIGURES: list[str] = []


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if FIGURES:
        terminalreporter.section("reliability figures")
        for line in FIGURES:
            terminalreporter.write_line(line)


@pytest.fixture
def figures() -> Callable[[str], None]:
    """``figures("300 kills ...")`` records a line for the end-of-run summary."""
    return FIGURES.append


@pytest.fixture
def run_in() -> Runner:
    """Always in this process (even with ``--cli=process``): these tests patch ``os`` & co."""
    return run_filmrev


@pytest.fixture
def library(isolated_library: Path) -> Path:
    """The library file of this test (``$FILMREV_DB``), not created yet."""
    return isolated_library
