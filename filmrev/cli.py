"""The Typer app: global options, output helpers, and the one place errors become exit codes.

Commands live in ``filmrev.commands.*`` (one module per noun); they parse,
call the library, and print. Heavy modules are imported inside commands so
``filmrev --help`` and ``filmrev list`` start fast.

Exit codes: 0 ok · 1 user or data error · 2 usage error · 3 a check found
problems · 130 Ctrl-C.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from typer import Abort
from typer._click.exceptions import ClickException, UsageError  # Typer 0.28 vendors Click

from filmrev import __version__
from filmrev.errors import Cancelled, FilmrevError
from filmrev.paths import LibraryPaths, resolve_library
from filmrev.terminal import clean

if TYPE_CHECKING:
    from rich.console import Console

app = typer.Typer(
    rich_markup_mode=None,
    name="filmrev",
    help=(
        "filmrev: keep your film reviews in one local library.\n\n"
        "Example: filmrev add 'Rust and Bone' --year 2012 --rating 4.5 --tag French"
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
tag_app = typer.Typer(
    rich_markup_mode=None,
    help=(
        "Add, remove, list and rename tags.\n\n"
        "Example: filmrev tag add rust-and-bone-2012 'Gritty, Grittness'"
    ),
    no_args_is_help=True,
)
app.add_typer(tag_app, name="tag")


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


def library_paths(ctx: typer.Context) -> LibraryPaths:
    """The library chosen by ``--db`` > ``$FILMREV_DB`` > the default."""
    root_ctx = ctx.find_root()
    return resolve_library(root_ctx.obj if isinstance(root_ctx.obj, str) else None)


def stdout_console() -> Console:
    """A Console for human output on stdout (honours NO_COLOR and the terminal width)."""
    from rich.console import Console

    return Console(highlight=False, emoji=False, markup=False)


def stderr_console() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False, emoji=False, markup=False)


def write_data(text: str) -> None:
    """Data output (json, csv, ids, markdown) goes to stdout byte for byte."""
    sys.stdout.write(text)
    sys.stdout.flush()


def note(message: str) -> None:
    """Talk for the user on stderr (never on stdout, which is for data)."""
    print(clean(message), file=sys.stderr)


def stdin_is_tty() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def confirm(question: str) -> bool:
    """Ask yes/no on the terminal; no terminal means no answer, which is a refusal."""
    if not stdin_is_tty():
        return False
    try:
        return typer.confirm(question, default=False, err=True)
    except Abort:
        return False


def usage_error(message: str) -> NoReturn:
    """A command-line usage problem: exit 2."""
    raise UsageError(message)


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


def _library_commits() -> int:
    """Library writes committed by this process (0 when storage was never imported)."""
    return int(getattr(sys.modules.get("filmrev.storage"), "commits", 0))


def run(argv: list[str] | None = None) -> int:
    """Run the CLI and return the exit code; every exception is mapped here and only here."""
    command = typer.main.get_command(app)
    if "_FILMREV_COMPLETE" in os.environ:
        from filmrev.completion import register_shells

        register_shells()  # after get_command: Typer registers its own formatters there
    commits_before = _library_commits()
    try:
        result = command.main(args=argv, prog_name="filmrev", standalone_mode=False)
    except FilmrevError as error:
        _error_line(error.message)
        return error.exit_code
    except UsageError as error:
        error.show()
        return 2
    except Abort:
        _error_line(Cancelled("aborted; nothing changed").message)
        return 1
    except ClickException as error:
        error.show()
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


def _interrupted(commits_before: int) -> int:
    """Say whether Ctrl-C came before or after the commit point; exit code 130."""
    if _library_commits() > commits_before:
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


# Command modules register themselves on the apps above.
from filmrev.commands import (  # noqa: E402
    authoring,  # noqa: F401
    history,  # noqa: F401
    io,  # noqa: F401
    publishing,  # noqa: F401
    rank,  # noqa: F401
    reviews,  # noqa: F401
    safety,  # noqa: F401
    tags,  # noqa: F401
)
