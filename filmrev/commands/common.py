"""What every command module shares: the Typer apps they register on and the output helpers.

Command modules import from here, and ``filmrev.cli`` imports the command
modules: the dependency runs one way, cli -> commands -> common.
"""

from __future__ import annotations

import sys
from enum import Enum
from typing import TYPE_CHECKING, NoReturn

import typer
from typer import Abort
from typer._click.exceptions import UsageError  # Typer 0.28 vendors Click

from filmrev.paths import LibraryPaths, resolve_library
from filmrev.terminal import clean

if TYPE_CHECKING:
    from rich.console import Console


class TableOrJson(str, Enum):
    """THE ``--format table|json`` choice of the commands that print a table or data."""

    table = "table"
    json = "json"


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
