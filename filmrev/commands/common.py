"""What every command module shares: the Typer apps, the output helpers, REF settling.

Command modules import from here, and ``filmrev.cli`` imports the command
modules: the dependency runs one way, cli -> commands -> common.
"""

from __future__ import annotations

import sys
from enum import Enum
from typing import TYPE_CHECKING, NoReturn

import typer
from typer import Abort

from filmrev.errors import Cancelled
from filmrev.paths import LibraryPaths, resolve_library
from filmrev.terminal import clean
from filmrev.terminal import stderr_console as stderr_console  # re-exported for the commands
from filmrev.terminal import stdout_console as stdout_console

if TYPE_CHECKING:
    from filmrev.model import Review
    from filmrev.store import Library


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


class CommandLineError(typer.BadParameter):
    """A command-line usage problem: exit 2, shown under the command's usage line.

    ``typer.BadParameter`` is the one usage error Typer exports; without a parameter
    it would say "Invalid value: ...", so the message is shown as written.
    """

    def format_message(self) -> str:
        return self.message


def usage_error(message: str) -> NoReturn:
    """A command-line usage problem: exit 2."""
    raise CommandLineError(message)


# --- REFs: the library a command reads, the review a REF names --------------------------------


def load_library(paths: LibraryPaths) -> Library:
    """The library for a read-only command (validated through the index: filmrev.index)."""
    from filmrev.index import load_library as load_via_index

    return load_via_index(paths)


def find(library: Library, ref: str) -> Review:
    """A review for a read-only command (id, slug, slug prefix or fuzzy title)."""
    from filmrev.refs import resolve

    exact = library.find_exact(ref)
    if exact is not None:
        return exact
    found = resolve(ref, library.summaries()).review
    return library.get(found.id) or found


def settle_ref(paths: LibraryPaths, ref: str) -> str:
    """Ask the fuzzy-REF question of a destructive command before the lock is taken.

    A person may think for minutes; holding the lock meanwhile would make another
    writer give up. Returns a REF that the locked step resolves exactly (an id).
    """
    return ref if ref.strip().isdigit() else str(settle_review(paths, ref).id)


def settle_review(paths: LibraryPaths, ref: str) -> Review:
    """The review a destructive command's REF names, a fuzzy match confirmed; no lock held.

    A read-only library refuses first: no question is worth asking for a write that
    cannot happen.
    """
    from filmrev.index import load_summaries, summary_by_slug
    from filmrev.readonly import refuse_if_read_only
    from filmrev.refs import resolve

    refuse_if_read_only(paths)
    exact = summary_by_slug(paths, ref.strip())  # one row of the index, not every summary
    if exact is not None:
        return exact
    match = resolve(ref, load_summaries(paths), destructive=True)
    return match.review if match.exact else _confirmed(ref, match.review)


def _confirmed(ref: str, review: Review) -> Review:
    question = f"{ref!r} is not an id or slug; did you mean {review.slug} ({review.display_title})?"
    if not confirm(question):
        raise Cancelled(
            f"{ref!r} is not an id or exact slug (closest: {review.slug}); nothing changed"
        )
    return review


def find_for_change(library: Library, ref: str) -> Review:
    """A review for a destructive command: id or exact slug, or a fuzzy match confirmed on a TTY."""
    from filmrev.refs import resolve

    exact = library.find_exact(ref)
    if exact is not None:
        return exact
    match = resolve(ref, library.summaries(), destructive=True)
    if match.exact:
        return library.get(match.review.id) or match.review
    review = _confirmed(ref, match.review)
    return library.get(review.id) or review
