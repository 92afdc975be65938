"""``year``: the numbers of a year (or half a year) of watching, for the terminal or a post."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

from filmrev.commands.common import app, library_paths, note, stdout_console, write_data


class YearFormat(str, Enum):
    table = "table"
    json = "json"
    markdown = "markdown"


@app.command("year", no_args_is_help=True)
def year(
    ctx: typer.Context,
    year_text: Annotated[
        str, typer.Argument(help="The year of the viewings, e.g. 2024.", metavar="YEAR")
    ],
    top: Annotated[
        int, typer.Option("--top", "-n", min=1, help="How many films the top list holds.")
    ] = 10,
    half: Annotated[
        str | None,
        typer.Option(
            "--half",
            help="1: January–June only; 2: July–December only.",
            metavar="1|2",
            show_default=False,
        ),
    ] = None,
    output_format: Annotated[
        YearFormat,
        typer.Option(
            "--format",
            "-f",
            help="table (for people), json (for scripts) or markdown (a post: 'My 2024 in film').",
        ),
    ] = YearFormat.table,
) -> None:
    """A year in review: films seen (first viewings and rewatches), the top films by your
    all-time rank, months, ratings, decades, directors, tags, people, cinema or home,
    the longest review, rewatches and the lists updated that year.

    A film is seen in YEAR when a viewing (diary entry) is dated in it, or, for a review
    with no dated viewing, when its watched date is. A year with nothing seen prints a
    note on stderr (json still prints its document).

    Example: filmrev year 2024 --top 10 --format markdown > my-2024-in-film.md
    """
    from filmrev.commands.common import load_library
    from filmrev.progress import command_activity
    from filmrev.year import period, year_document

    span = period(year_text, half)
    progress = command_activity(ctx, "reading the library")  # a terminal only, after 0.5 s
    library = load_library(library_paths(ctx))
    summaries = library.summaries()
    # The library keeps each body's word count: no body is read.
    words = {
        review.id: int((library.body_info(review.id) or {}).get("words", 0)) for review in summaries
    }
    document = year_document(
        summaries, span, words=words, lists=library.table_docs("lists"), top=top
    )
    progress.close()
    if output_format is YearFormat.json:
        from filmrev.exporters.json_export import dumps

        write_data(dumps(document))
    if not document["films"]:
        note(f"no film seen in {span.label}: no viewing (or watched date) in that time")
        return
    top_films = document["top"]
    if len(top_films) < document["films"] and all(film["rank"] is None for film in top_films):
        note(
            f"none of the top {len(top_films)} is ranked, so they go by rating, then title; "
            "`filmrev rank place REF` (or `import --ranked-list NAME`) ranks films"
        )
    if output_format is YearFormat.markdown:
        from filmrev.exporters.year_post import year_markdown

        write_data(year_markdown(document))
    elif output_format is YearFormat.table:
        from filmrev.views.year import year_view

        console = stdout_console()
        console.print(year_view(document, console.width))
