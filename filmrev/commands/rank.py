"""``rank``: the all-time ranked list and the commands that change it."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

from filmrev.cli import app, library_paths, note, stdout_console, write_data
from filmrev.commands.reviews import find_for_change, load_library

rank_app = typer.Typer(
    help=(
        "The all-time ranked list (ranks are always exactly 1..K).\n\n"
        "Bare `filmrev rank` means `filmrev rank list`.\n\n"
        "Example: filmrev rank --year 2012 --limit 10 --format markdown"
    ),
    invoke_without_command=True,
)
app.add_typer(rank_app, name="rank")


class RankFormat(str, Enum):
    table = "table"
    json = "json"
    markdown = "markdown"


TagFilter = Annotated[
    list[str] | None,
    typer.Option("--tag", "-t", help="Only films with this tag (repeat: all of them)."),
]
YearFilter = Annotated[
    str | None, typer.Option("--year", "-y", help="Only films released this year.")
]
LimitOption = Annotated[int | None, typer.Option("--limit", "-n", min=0, help="At most N films.")]
FormatOption = Annotated[RankFormat, typer.Option("--format", "-f", help="Output format.")]


def print_ranked(
    ctx: typer.Context,
    tag: list[str] | None,
    year: str | None,
    limit: int | None,
    output_format: RankFormat,
) -> None:
    """The ranked list, or the ranked films within a filter numbered 1..n by ``position``."""
    from filmrev.model import parse_year
    from filmrev.query import filter_reviews, sort_reviews

    library = load_library(library_paths(ctx))
    ranked = sort_reviews([r for r in library.reviews() if r.rank is not None], "rank")
    filtered = bool(tag) or year is not None
    if filtered:
        ranked = filter_reviews(ranked, tags=tag or [], year=parse_year(year))
    if limit is not None:
        ranked = ranked[:limit]
    if output_format is RankFormat.json:
        from filmrev.exporters.json_export import dumps

        write_data(dumps([{**r.to_doc(), "position": n} for n, r in enumerate(ranked, 1)]))
    elif output_format is RankFormat.markdown:
        from filmrev.exporters.markdown import ranked_list

        heading = "" if filtered else "## My all-time ranking\n\n"
        write_data(heading + ranked_list(ranked))
    elif not ranked:
        note(
            "no ranked films"
            + (" match" if filtered else "; rank one with `filmrev rank set REF 1`")
        )
    else:
        from filmrev.render import reviews_table

        positions = list(range(1, len(ranked) + 1)) if filtered else None
        stdout_console().print(reviews_table(ranked, positions=positions))


@rank_app.callback()
def rank_root(
    ctx: typer.Context,
    tag: TagFilter = None,
    year: YearFilter = None,
    limit: LimitOption = None,
    output_format: FormatOption = RankFormat.table,
) -> None:
    """The all-time ranked list (ranks are always exactly 1..K).

    Example: filmrev rank --year 2012 --limit 10 --format markdown
    """
    if ctx.invoked_subcommand is None:
        print_ranked(ctx, tag, year, limit, output_format)


@rank_app.command("list")
def rank_list(
    ctx: typer.Context,
    tag: TagFilter = None,
    year: YearFilter = None,
    limit: LimitOption = None,
    output_format: FormatOption = RankFormat.table,
) -> None:
    """Show the ranked list; with --tag/--year, the films within it numbered 1..n.

    Example: filmrev rank list --tag 'Gritty, Grittness' --format markdown
    """
    print_ranked(ctx, tag, year, limit, output_format)


@rank_app.command("set", no_args_is_help=True)
def rank_set(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(help="Id or slug.", show_default=False)],
    position: Annotated[
        str, typer.Argument(help="1..K (K+1 for a film not yet ranked).", metavar="POS")
    ],
) -> None:
    """Put a film at POS; the films from POS down shift by one.

    Example: filmrev rank set rust-and-bone-2012 3
    """
    from filmrev.model import parse_rank
    from filmrev.store import writing

    with writing(library_paths(ctx)) as library:
        review = find_for_change(library, ref)
        library.set_rank(review.id, parse_rank(position))


@rank_app.command("clear", no_args_is_help=True)
def rank_clear(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(help="Id or slug.", show_default=False)],
) -> None:
    """Unrank a film; the films below it move up.

    Example: filmrev rank clear rust-and-bone-2012
    """
    from filmrev.store import writing

    with writing(library_paths(ctx)) as library:
        review = find_for_change(library, ref)
        library.set_rank(review.id, None)
