"""``doctor`` on a terminal: the library's path, then one row a check."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group
from rich.table import Table
from rich.text import Text

from filmrev.terminal import clean

if TYPE_CHECKING:
    from filmrev.doctor import Report

#: The colour of each status of a check.
STATUS_STYLES = {"ok": "green", "problem": "bold red", "fixed": "yellow", "note": "cyan"}


def report_view(report: Report) -> Group:
    """``Library PATH`` and the table of checks: name, status, detail."""
    table = Table(box=None, header_style="bold", pad_edge=False, title_justify="left")
    table.add_column("Check", no_wrap=True)
    table.add_column("Status", no_wrap=True)
    table.add_column("Detail", overflow="fold")
    for check in report.checks:
        table.add_row(
            check.name, Text(check.status, style=STATUS_STYLES[check.status]), clean(check.detail)
        )
    return Group(Text(f"Library {clean(str(report.paths.file))}", style="bold"), table)
