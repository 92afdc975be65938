"""Stop a process at a chosen call, so that a test signals or kills it exactly there.

Rather than guess with sleeps when a child has reached a point (and then assert floors
on how often a random moment landed where it should), the child reports the moment it
makes the n-th call of a function (``os.replace``, ``os.fsync``, ``fcntl.flock``...) by
writing one byte to a pipe, and waits there until released. The test blocks on reading
that byte (a generous timeout only guards against a hang), then acts: SIGINT, SIGKILL,
or lets it go on.

* In a forked child: :func:`install` with a callback.
* In a real ``python -m filmrev`` process: :class:`Stop` copies this file as
  ``sitecustomize.py`` into a directory put first on ``PYTHONPATH``, and
  ``$FILMREV_TEST_STOP`` says where to stop; the command line stays the user's.

Only the standard library here: the file also runs as ``sitecustomize`` in a child.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import select
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ENV = "FILMREV_TEST_STOP"
#: The hook's own pipe calls, taken before any patching (``os.write`` may be the target).
_write, _read = os.write, os.read


@dataclass(frozen=True)
class Point:
    """The ``nth`` call of ``call`` (``"os.replace"``): ``before`` it, ``after`` it returned,
    or once it ``raised``. With ``path``, only the calls that have an argument whose path
    contains it count (``"/.library.json."``: the library's temp files)."""

    call: str
    when: str = "before"
    nth: int = 1
    path: str = ""

    def spec(self) -> str:
        return f"{self.call}|{self.when}|{self.nth}|{self.path}"

    @classmethod
    def parse(cls, spec: str) -> Point:
        call, when, nth, path = spec.split("|", 3)
        return cls(call, when, int(nth), path)


def _matches(point: Point, args: tuple[Any, ...]) -> bool:
    if not point.path:
        return True
    return any(
        isinstance(arg, str | bytes | os.PathLike) and point.path in os.fsdecode(arg)
        for arg in args
    )


def install(point: Point, reached: Callable[[], None]) -> None:
    """Patch ``point.call`` in this process so that ``reached()`` runs at the point."""
    module_name, name = point.call.rsplit(".", 1)
    module = importlib.import_module(module_name)
    real = getattr(module, name)
    seen = 0

    def stopping(*args: Any, **kwargs: Any) -> Any:
        nonlocal seen
        here = False
        if _matches(point, args):
            seen += 1
            here = seen == point.nth
        if here and point.when == "before":
            reached()
        try:
            result = real(*args, **kwargs)
        except BaseException:
            if here and point.when == "raised":
                reached()
            raise
        if here and point.when == "after":
            reached()
        return result

    setattr(module, name, stopping)


def _install_from_environment() -> None:
    """As ``sitecustomize``: ``$FILMREV_TEST_STOP`` = ``SPEC@REPORT_FD,RELEASE_FD``."""
    value = os.environ.pop(ENV, "")
    if not value:
        return
    spec, _, fds = value.rpartition("@")
    report_fd, release_fd = (int(fd) for fd in fds.split(","))

    def reached() -> None:
        _write(report_fd, b"!")
        _read(release_fd, 1)  # a signal arrives here; EOF or a byte means go on

    install(Point.parse(spec), reached)


class Stop:
    """The test's end of a stop in a real process: ``env``/``pass_fds`` for ``Popen``."""

    def __init__(self, point: Point, directory: Path) -> None:
        self.point = point
        directory.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(__file__, directory / "sitecustomize.py")
        self._report_read, self._report_write = os.pipe()
        self._release_read, self._release_write = os.pipe()
        path = os.pathsep.join(filter(None, [str(directory), os.environ.get("PYTHONPATH")]))
        self.env = {
            **os.environ,
            "PYTHONPATH": path,
            ENV: f"{point.spec()}@{self._report_write},{self._release_read}",
        }
        self.pass_fds = (self._report_write, self._release_read)

    def started(self) -> None:
        """Call after ``Popen``: the child has its ends, so EOF now means it exited."""
        os.close(self._report_write)
        os.close(self._release_read)

    def reached(self, timeout: float = 120) -> bool:
        """Block until the child is at the point (True) or exited without reaching it."""
        ready, _, _ = select.select([self._report_read], [], [], timeout)
        assert ready, f"the child neither reached {self.point} nor exited in {timeout} s"
        return os.read(self._report_read, 1) == b"!"

    def release(self) -> None:
        """Let the child go on from the point."""
        with contextlib.suppress(BrokenPipeError):  # it is gone already
            os.write(self._release_write, b"go")

    def close(self) -> None:
        for fd in (self._report_read, self._release_write):
            os.close(fd)

    def __enter__(self) -> Stop:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


if __name__ == "sitecustomize":
    _install_from_environment()
