"""Run ``filmrev`` in the test process as if it were a fresh ``python -m filmrev``.

A real process starts with clean module state, its own streams, default signal
handlers and exits afterwards; one pytest process runs hundreds of commands. So each
call here:

* swaps ``sys.stdin``/``stdout``/``stderr`` for UTF-8 byte streams, as ``main()``
  configures them (stdin ``surrogateescape``, output ``replace``); none is a terminal,
  like a subprocess whose stdin is ``b""`` and whose output is piped;
* applies ``env`` to ``os.environ`` for the call only (Rich reads ``COLUMNS`` and
  ``NO_COLOR`` when a console is made, filmrev reads its variables per call);
* puts back what the command changed in filmrev's modules: plain values and containers
  at module level (``index._FTS_AVAILABLE``, ``storage.commits``, any cache a module
  fills lazily) and every ``functools`` cache but ``cli.click_command`` (the Click
  command built from the Typer app, ~70 ms to build), so no call sees the one before it. Every
  filmrev module is imported once up front so that a module first imported during a
  call is restored too;
* restores the SIGINT/SIGTERM/SIGHUP handlers and the umask, and turns a
  ``SystemExit`` or an escaping exception (``FILMREV_DEBUG=1`` re-raises) into the
  exit code and traceback a process would show.

What cannot be the same in one process (signals sent from outside, ``flock`` between
processes, a terminal, the locale at start-up, an editor writing to the real stdout)
is tested with real processes: the ``cli_process`` fixture or ``@pytest.mark.process``.
"""

from __future__ import annotations

import importlib
import io
import os
import pkgutil
import signal
import sys
import traceback
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from types import ModuleType
from typing import Any

import filmrev
from filmrev.cli import click_command, run, utf8_argv

SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
#: Module-level values a command may replace (restored by identity).
_PLAIN = (type(None), bool, int, float, str, bytes, tuple, frozenset)
#: Module-level containers a command may fill (restored in place, contents only).
_CONTAINERS = (dict, list, set)
#: Caches that hold no state of a command: the Click command built from the Typer app.
_KEPT_CACHES: tuple[object, ...] = (click_command,)


def _import_all() -> list[ModuleType]:
    """Every module of the filmrev package (``__main__`` would run the CLI: skipped)."""
    for info in pkgutil.walk_packages(filmrev.__path__, "filmrev."):
        if not info.name.endswith("__main__"):
            importlib.import_module(info.name)
    return filmrev_modules()


def filmrev_modules() -> list[ModuleType]:
    return [
        module
        for name, module in list(sys.modules.items())
        if (name == "filmrev" or name.startswith("filmrev.")) and module is not None
    ]


_import_all()


class ModuleState:
    """What filmrev's modules hold at module level, to put back after a call."""

    def __init__(self) -> None:
        self.plain: list[tuple[dict[str, Any], str, Any]] = []
        self.containers: list[tuple[Any, Any]] = []
        self.caches: list[Any] = []
        for module in filmrev_modules():
            namespace = vars(module)
            for name, value in namespace.items():
                if name.startswith("__"):
                    continue
                if isinstance(value, _PLAIN):
                    self.plain.append((namespace, name, value))
                elif type(value) in _CONTAINERS:
                    self.containers.append((value, value.copy()))
                elif callable(getattr(value, "cache_clear", None)) and value not in _KEPT_CACHES:
                    self.caches.append(value)

    def restore(self) -> None:
        for namespace, name, value in self.plain:
            if namespace.get(name) is not value:
                namespace[name] = value
        for container, saved in self.containers:
            if _changed(container, saved):
                container.clear()
                if isinstance(container, list):
                    container.extend(saved)
                else:
                    container.update(saved)
        for cached in self.caches:
            cached.cache_clear()


def _changed(container: Any, saved: Any) -> bool:
    if len(container) != len(saved):
        return True
    try:
        return bool(container != saved)
    except Exception:  # noqa: BLE001 - values that cannot compare: assume changed
        return True


@contextmanager
def environment(env: Mapping[str, str] | None) -> Iterator[None]:
    """``os.environ`` with ``env`` added, for the duration of the block."""
    saved = {name: os.environ.get(name) for name in env or {}}
    os.environ.update(env or {})
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextmanager
def process_state() -> Iterator[None]:
    """Signal handlers, the umask and filmrev's module state as they were before."""
    handlers = {signum: signal.getsignal(signum) for signum in SIGNALS}
    mask = os.umask(0o022)
    os.umask(mask)
    state = ModuleState()
    try:
        yield
    finally:
        state.restore()
        os.umask(mask)
        for signum, handler in handlers.items():
            if signal.getsignal(signum) is not handler and handler is not None:
                signal.signal(signum, handler)


def run_in_process(
    argv: list[str], stdin: bytes, env: Mapping[str, str] | None = None
) -> tuple[int, bytes, bytes]:
    """Exit code, stdout bytes and stderr bytes of ``filmrev ARGV`` run in this process."""
    out, err = io.BytesIO(), io.BytesIO()
    streams = (
        io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8", errors="surrogateescape"),
        io.TextIOWrapper(out, encoding="utf-8", errors="replace", write_through=True),
        io.TextIOWrapper(err, encoding="utf-8", errors="replace", write_through=True),
    )
    saved = (sys.stdin, sys.stdout, sys.stderr)
    sys.stdin, sys.stdout, sys.stderr = streams
    try:
        with environment(env), process_state():
            code = _exit_code(utf8_argv(argv))
        for stream in streams[1:]:
            stream.flush()
        return code, out.getvalue(), err.getvalue()
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved


def _exit_code(argv: list[str]) -> int:
    """``run(argv)``, with what the interpreter would do on ``SystemExit`` or an exception."""
    try:
        return run(argv)
    except SystemExit as stop:
        if stop.code is None or isinstance(stop.code, int):
            return stop.code or 0
        print(stop.code, file=sys.stderr)
        return 1
    except Exception:  # noqa: BLE001 - FILMREV_DEBUG=1: the traceback a process prints
        traceback.print_exc(file=sys.stderr)
        return 1


#: filmrev's module state as imported, put back after every test (``fresh_modules``), so
#: that what a test leaves behind by calling the library directly (``fts_available()``
#: memoised, a counter moved) is not what the next test's commands start from.
AS_IMPORTED = ModuleState()
