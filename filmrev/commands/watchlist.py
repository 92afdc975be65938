"""``watchlist [list|add|remove]``: films to see, which are not reviews."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

from filmrev.commands.common import (
    app,
    library_paths,
    note,
    stdout_console,
    usage_error,
    write_data,
)

watchlist_app = typer.Typer(
    rich_markup_mode=None,
    help=(
        "Films you mean to see (not reviews: never in list, rank or stats).\n\n"
        "Bare `filmrev watchlist` means `filmrev watchlist list`.\n\n"
        "Example: filmrev watchlist add 'Close-Up' --year 1990 --note 'Kiarostami retrospective'"
    ),
    invoke_without_command=True,
)
app.add_typer(watchlist_app, name="watchlist")


class WatchlistFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


FormatOption = Annotated[WatchlistFormat, typer.Option("--format", "-f", help="Output format.")]


@watchlist_app.callback()
def watchlist_root(ctx: typer.Context, output_format: FormatOption = WatchlistFormat.table) -> None:
    """Films you mean to see (not reviews: never in list, rank or stats).

    Without a subcommand it is `watchlist list` (and takes its --format).

    Example: filmrev watchlist --format csv
    """
    if ctx.invoked_subcommand is None:
        _print(ctx, output_format)


@watchlist_app.command("list")
def watchlist_list(ctx: typer.Context, output_format: FormatOption = WatchlistFormat.table) -> None:
    """The watchlist, in the order films were put on it.

    Example: filmrev watchlist list --format csv
    """
    _print(ctx, output_format)


def _print(ctx: typer.Context, output_format: WatchlistFormat) -> None:
    from filmrev import watchlist
    from filmrev.index import load_library

    entries = watchlist.entries(load_library(library_paths(ctx)))
    if not entries:
        note("the watchlist is empty (`filmrev watchlist add TITLE --year Y` adds a film)")
    if output_format is WatchlistFormat.json:
        from filmrev.exporters.json_export import dumps

        write_data(dumps([entry.to_doc() for entry in entries]))
    elif output_format is WatchlistFormat.csv:
        from filmrev.exporters.csv_table import docs_csv

        columns = ("id", "title", "year", "note", "added", "letterboxd")
        docs = ({**entry.to_doc(), "letterboxd": entry.letterboxd} for entry in entries)
        write_data(docs_csv(columns, docs))
    elif entries:
        from filmrev.views.watchlist import watchlist_table

        console = stdout_console()
        console.print(watchlist_table(entries, width=console.width))


@watchlist_app.command("add", no_args_is_help=True)
def watchlist_add(
    ctx: typer.Context,
    title: Annotated[
        str, typer.Argument(help="The film's title.", metavar="TITLE", show_default=False)
    ],
    year: Annotated[
        str | None, typer.Option("--year", "-y", help="Release year.", show_default=False)
    ] = None,
    entry_note: Annotated[
        str | None,
        typer.Option(
            "--note", help="Why, or where to find it.", metavar="TEXT", show_default=False
        ),
    ] = None,
) -> None:
    """Put a film on the watchlist (not one already on it, nor one you have reviewed).

    Example: filmrev watchlist add 'Close-Up' --year 1990 --note 'on the Criterion Channel'
    """
    from filmrev import watchlist
    from filmrev.model import now_utc
    from filmrev.transaction import writing

    with writing(library_paths(ctx)) as library:
        entries = watchlist.entries(library)
        entry = watchlist.new_entry(
            entries,
            library.summaries(),
            title=title,
            year=year,
            note=entry_note,
            added=now_utc(),
        )
        watchlist.store(library, [*entries, entry])
    note(f"added {entry.display_title} to the watchlist (id {entry.id})")


@watchlist_app.command("remove", no_args_is_help=True)
def watchlist_remove(
    ctx: typer.Context,
    ref: Annotated[
        str, typer.Argument(help="Its id or title.", metavar="TITLE-OR-ID", show_default=False)
    ],
    year: Annotated[
        str | None,
        typer.Option(
            "--year", "-y", help="Release year (for a title listed twice).", show_default=False
        ),
    ] = None,
) -> None:
    """Take a film off the watchlist (`log --new` does it too when you see it).

    Example: filmrev watchlist remove 'Close-Up' --year 1990   (or: filmrev watchlist remove 3)
    """
    from filmrev import watchlist
    from filmrev.transaction import writing

    if not ref.strip():
        usage_error("give the film's title or id")
    with writing(library_paths(ctx)) as library:
        entries = watchlist.entries(library)
        entry = watchlist.find(entries, ref, year)
        watchlist.store(library, [other for other in entries if other.id != entry.id])
    note(f"took {entry.display_title} off the watchlist")
