"""The transient progress lines of slow commands (started and stopped by their callers).

Building a Rich ``Progress`` draws nothing: :class:`filmrev.progress.Activity` and
``import``'s bar start it on the stderr console, and stop it before the result.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

if TYPE_CHECKING:
    from rich.console import Console


def spinner(console: Console) -> Progress:
    """A spinner, what is being done (the task's description) and the time so far."""
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


def bar(console: Console) -> Progress:
    """Rich's default columns: description, bar, percentage and time left."""
    return Progress(console=console, transient=True)
