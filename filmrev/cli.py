"""The entry point: global options, and the one place errors become exit codes.

Commands live in ``filmrev.commands.*`` (one module per noun) and register
on the apps in ``filmrev.commands.common``; they parse, call the library,
and print. Heavy modules are imported inside commands so
``filmrev --help`` and ``filmrev list`` start fast.

Exit codes: 0 ok · 1 user or data error · 2 usage error · 3 a check found
problems · 130 Ctrl-C.
"""

from __future__ import annotations

import functools
import os
import sys
from typing import Annotated

import typer
from typer import Abort

from filmrev import __version__, commits
from filmrev.commands.common import app
from filmrev.errors import Cancelled, FilmrevError
from filmrev.terminal import clean

# Importing a command module registers its commands on ``app``, in this order in --help.
# isort: off
from filmrev.commands import (  # noqa: F401 (imported for their registrations)
    authoring,
    reviews,
    history,
    io,
    publishing,
    rank,
    refine,
    safety,
    tags,
    diary,
    watchlist,
    lists,
    year,
)
# isort: on


def _version(value: bool) -> None:
    if value:
        print(f"filmrev {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Library file (default: $FILMREV_DB, else the user data dir).",
            metavar="PATH",
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """filmrev: keep your film reviews in one local library.

    Example: filmrev --db ~/reviews.json list --tag French
    """
    ctx.obj = db


def _error_line(message: str) -> None:
    prefix = "filmrev: error: "
    use_color = sys.stderr.isatty() and "NO_COLOR" not in os.environ
    if use_color:
        prefix = f"\x1b[31m{prefix}\x1b[0m"
    print(prefix + clean(message), file=sys.stderr)


def _force_utf8() -> None:
    """UTF-8 in and out whatever the locale (``LC_ALL=C`` must work with 'Amélie')."""
    for stream in (sys.stdout, sys.stderr, sys.stdin):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(
                encoding="utf-8", errors="surrogateescape" if stream is sys.stdin else "replace"
            )


#: The Click command built from a Typer app. Building it inspects every command's signature
#: (~70 ms); a process does it once, a test suite running commands in-process reuses it.
click_command = functools.cache(typer.main.get_command)


def run(argv: list[str] | None = None) -> int:
    """Run the CLI and return the exit code; every exception is mapped here and only here."""
    command = click_command(app)
    if "_FILMREV_COMPLETE" in os.environ:
        from filmrev.completion import register_shells

        register_shells()  # after get_command: Typer registers its own formatters there
    commits_before = commits.made()
    try:
        result = command.main(args=argv, prog_name="filmrev", standalone_mode=False)
    except FilmrevError as error:
        _error_line(error.message)
        return error.exit_code
    except Abort:
        _error_line(Cancelled("aborted; nothing changed").message)
        return 1
    except typer.TyperException as error:
        # Typer's own errors: usage errors (exit 2, under the usage line) and the rest.
        _show_typer_error(error)
        return error.exit_code
    except KeyboardInterrupt:
        return _interrupted(commits_before)
    except BrokenPipeError:
        # The reader went away (`filmrev list | head`): not an error of ours.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except Exception as error:
        if os.environ.get("FILMREV_DEBUG"):
            raise
        _error_line(f"internal error: {type(error).__name__}: {error} (FILMREV_DEBUG=1 shows more)")
        return 1
    if result == 130:  # Typer turns Ctrl-C (KeyboardInterrupt) into a returned 130
        return _interrupted(commits_before)
    return result if isinstance(result, int) else 0


def _show_typer_error(error: typer.TyperException) -> None:
    """Print a Typer error as Typer does: its ``show()`` when it has one (every Click error)."""
    show = getattr(error, "show", None)
    if callable(show):
        show()
    else:
        print(f"Error: {error.format_message()}", file=sys.stderr)


def _interrupted(commits_before: int) -> int:
    """Say whether Ctrl-C came before or after the commit point; exit code 130."""
    if commits.made() > commits_before:
        print("\nfilmrev: interrupted; the change had already been saved", file=sys.stderr)
    else:
        print("\nfilmrev: interrupted; nothing was written", file=sys.stderr)
    return 130


def utf8_argv(argv: list[str]) -> list[str]:
    """Arguments as UTF-8 even when a C/POSIX locale made Python decode them as ASCII."""
    decoded: list[str] = []
    for arg in argv:
        try:
            decoded.append(os.fsencode(arg).decode("utf-8"))
        except UnicodeDecodeError:
            decoded.append(arg)
    return decoded


def main() -> None:
    """Console-script entry point."""
    _force_utf8()
    argv = utf8_argv(sys.argv[1:])
    for arg in argv:
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            shown = os.fsencode(arg).decode("utf-8", "backslashreplace")
            _error_line(f"argument {shown} is not valid UTF-8 text")
            sys.exit(1)
    sys.exit(run(argv))
