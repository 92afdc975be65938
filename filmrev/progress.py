"""Progress for slow commands: a transient Rich line on stderr, on a terminal only.

``import`` counts files and rows with a bar (``commands.io._Bar``). Commands whose slow
part is one call (reading a big library, formatting a whole export, laying out a 5,000-row
table) use :class:`Activity` with the same parts, Rich ``Progress`` on the stderr console,
transient: a spinner, what is being done, and the time so far. It appears only when the
command is still busy after :data:`SHOW_AFTER` seconds, so fast commands never flicker,
and it is gone before the command prints its result. With stderr not a terminal (a pipe,
a file, CI) nothing is drawn at all, so stderr keeps only the command's notes.

    progress = command_activity(ctx, "reading the library")
    library = load_library(paths)
    progress.phase(f"formatting {len(library)} reviews as JSON")
    text = library_json(...)
    progress.close()
    write_data(text)
"""

from __future__ import annotations

import os
import sys
import threading
from types import TracebackType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import typer

#: Seconds a command runs before its progress line appears ($FILMREV_PROGRESS_AFTER).
SHOW_AFTER = 0.5


def _show_after() -> float:
    try:
        return max(0.0, float(os.environ.get("FILMREV_PROGRESS_AFTER", SHOW_AFTER)))
    except ValueError:
        return SHOW_AFTER


class Activity:
    """A spinner line naming the current phase of a slow command (see the module docstring)."""

    def __init__(self, description: str, *, enabled: bool, delay: float) -> None:
        self._description = description
        self._enabled = enabled
        self._delay = delay
        self._lock = threading.Lock()
        self._closed = False
        self._timer: threading.Timer | None = None
        self._progress: Any = None
        self._task: Any = None

    def __enter__(self) -> Activity:
        if self._enabled:
            if self._delay <= 0:
                self._show()
            else:
                self._timer = threading.Timer(self._delay, self._show)
                self._timer.daemon = True
                self._timer.start()
        return self

    def phase(self, description: str) -> None:
        """Say what the command does now (shown at once when the line is already up)."""
        with self._lock:
            self._description = description
            if self._progress is not None:
                self._progress.update(self._task, description=description)

    def _show(self) -> None:
        with self._lock:
            if self._closed:
                return
            from filmrev.terminal import stderr_console
            from filmrev.views.progress import spinner

            self._progress = spinner(stderr_console())
            self._task = self._progress.add_task(self._description, total=None)
            self._progress.start()

    def close(self) -> None:
        """Take the line away (idempotent); call before printing the result."""
        with self._lock:
            self._closed = True
            if self._timer is not None:
                self._timer.cancel()
            if self._progress is not None:
                self._progress.stop()
                self._progress = None

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def activity(description: str) -> Activity:
    """An :class:`Activity` that draws only when stderr is a terminal (use it with ``with``)."""
    return Activity(description, enabled=sys.stderr.isatty(), delay=_show_after())


def command_activity(ctx: typer.Context, description: str) -> Activity:
    """An activity started now and closed when the command ends, even by an error.

    Call :meth:`Activity.close` before printing the result; closing twice is harmless.
    """
    started = activity(description).__enter__()
    ctx.call_on_close(started.close)
    return started
