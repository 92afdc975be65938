"""``search``, ``stats``, ``people``, ``drafts``, ``template``: writing and finding reviews."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

import typer

from filmrev.commands.common import (
    TableOrJson,
    app,
    library_paths,
    note,
    stdout_console,
    usage_error,
    write_data,
)

FormatOption = Annotated[
    TableOrJson, typer.Option("--format", "-f", help="table (for people) or json (for scripts).")
]


def _json(value: Any) -> None:
    from filmrev.exporters.json_export import dumps

    write_data(dumps(value))


# --- search -------------------------------------------------------------------------------


@app.command(no_args_is_help=True)
def search(
    ctx: typer.Context,
    query: Annotated[
        list[str],
        typer.Argument(help="Words that must all occur.", metavar="QUERY...", show_default=False),
    ],
    fields: Annotated[
        str | None,
        typer.Option(
            "--in",
            help="Where to look, comma-separated: title,body,tags,people (default: all).",
            metavar="FIELDS",
            show_default=False,
        ),
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=1, help="Show at most N results.")
    ] = 20,
    output_format: FormatOption = TableOrJson.table,
) -> None:
    """Full-text search, best matches first, with a snippet around the first hit.

    Every word must match, ignoring case and accents ("stephanie" finds "Stéphanie").
    Title, tags and people weigh more than the body (tagline and text).

    Example: filmrev search stephanie whale --in body,people --limit 5
    """
    from filmrev.index import search as index_search
    from filmrev.search import parse_fields

    try:
        chosen = parse_fields(fields)
    except ValueError as error:
        usage_error(f"--in: {error}")
    text = " ".join(query)
    if not text.split():
        usage_error("give at least one word to search for")
    from filmrev.progress import command_activity

    progress = command_activity(ctx, "reading the library")  # a terminal only, after 0.5 s
    progress.phase("searching")
    hits, total = index_search(library_paths(ctx), text, chosen, limit)
    progress.close()
    if output_format is TableOrJson.json:
        _json(
            [
                {
                    "id": hit.review.id,
                    "slug": hit.review.slug,
                    "title": hit.review.title,
                    "year": hit.review.year,
                    "rating": hit.review.rating,
                    "score": hit.score,
                    "fields": list(hit.fields),
                    "snippet": hit.snippet.text,
                    "highlights": [list(span) for span in hit.snippet.spans],
                }
                for hit in hits
            ]
        )
    elif hits:
        from filmrev.views.search import search_results

        stdout_console().print(search_results(hits))
    if not total:
        note(f"no review matches {text!r}")
    elif total > len(hits):
        note(f"showing {len(hits)} of {total} matches; --limit N shows more")


# --- stats --------------------------------------------------------------------------------


@app.command()
def stats(
    ctx: typer.Context,
    year: Annotated[
        str | None,
        typer.Option("--year", "-y", help="Only films released that year.", show_default=False),
    ] = None,
    watched_year: Annotated[
        str | None,
        typer.Option(
            "--watched-year", help="Only films watched that year (any viewing).", show_default=False
        ),
    ] = None,
    output_format: FormatOption = TableOrJson.table,
) -> None:
    """Your body of work: reviews, words, ratings, years, decades, top tags and people.

    As everywhere, --year is the release year; --watched-year Y counts the reviews of
    films watched in Y (their watched date or any viewing), as `list --watched-year` does.

    Example: filmrev stats --watched-year 2024 --format json
    """
    from filmrev.commands.common import load_library
    from filmrev.model import parse_year
    from filmrev.stats import compute

    released = parse_year(year)
    watched = parse_year(watched_year)
    from filmrev.progress import command_activity

    progress = command_activity(ctx, "reading the library")  # a terminal only, after 0.5 s
    figures = compute(load_library(library_paths(ctx)).reviews(), released, watched)
    progress.close()
    if output_format is TableOrJson.json:
        _json(figures)
    else:
        from filmrev.views.stats import stats_view

        console = stdout_console()
        console.print(stats_view(figures, released, watched, console.width))


# --- people -------------------------------------------------------------------------------


@app.command()
def people(
    ctx: typer.Context,
    limit: Annotated[
        int | None, typer.Option("--limit", "-n", min=1, help="At most N people.")
    ] = None,
    output_format: FormatOption = TableOrJson.table,
) -> None:
    """Directors, cast and crew with the number of reviews they appear in.

    Names differing only in case or accents count as one person.

    Example: filmrev people --limit 10   (then: filmrev list --person 'Marion Cotillard')
    """
    from filmrev.commands.common import load_library
    from filmrev.progress import command_activity
    from filmrev.stats import people_counts

    progress = command_activity(ctx, "reading the library")  # a terminal only, after 0.5 s
    rows = people_counts(load_library(library_paths(ctx)).summaries())[:limit]
    progress.close()
    if output_format is TableOrJson.json:
        _json([{"name": name, "reviews": n, "roles": roles} for name, n, roles in rows])
        return
    if not rows:
        note("no people in the library yet (add --director, --cast or --crew)")
        return
    from filmrev.views.stats import people_table

    stdout_console().print(people_table(rows))


# --- drafts -------------------------------------------------------------------------------

drafts_app = typer.Typer(
    rich_markup_mode=None,
    help=(
        "Texts from the editor that were not saved yet (a crash, a killed terminal, "
        "an invalid review).\n\nExample: filmrev drafts restore 1"
    ),
    invoke_without_command=True,
)
app.add_typer(drafts_app, name="drafts")


def _list_drafts(ctx: typer.Context, output_format: TableOrJson) -> None:
    from filmrev import drafts

    found = drafts.list_drafts(library_paths(ctx))
    if output_format is TableOrJson.json:
        _json(
            [
                {
                    "id": draft.id,
                    "kind": draft.kind,
                    "title": draft.title(),
                    "review_id": draft.review_id,
                    "modified": draft.modified.isoformat() if draft.modified else None,
                    "path": str(draft.path),
                }
                for draft in found
            ]
        )
        return
    if not found:
        note("no drafts")
        return
    from filmrev.views.drafts import DraftLine, drafts_table

    lines = [
        DraftLine(draft.id, draft.kind, draft.title(), draft.modified, str(draft.path))
        for draft in found
    ]
    stdout_console().print(drafts_table(lines, datetime.now(UTC)))


@drafts_app.callback()
def drafts_main(ctx: typer.Context) -> None:
    """List drafts (the same as `filmrev drafts list`)."""
    if ctx.invoked_subcommand is None:
        _list_drafts(ctx, TableOrJson.table)


@drafts_app.command("list")
def drafts_list(ctx: typer.Context, output_format: FormatOption = TableOrJson.table) -> None:
    """Drafts: number, add or edit, title, age, file.

    Example: filmrev drafts list --format json
    """
    _list_drafts(ctx, output_format)


@drafts_app.command("restore", no_args_is_help=True)
def drafts_restore(
    ctx: typer.Context,
    draft_id: Annotated[str, typer.Argument(metavar="ID", help="The draft's number.")],
    no_edit: Annotated[
        bool, typer.Option("--no-edit", help="Save the draft as it is, without the editor.")
    ] = False,
    force: Annotated[
        bool,
        typer.Option("--force", help="Save an edit even if the review changed since the draft."),
    ] = False,
) -> None:
    """Re-open the editor on a draft, then save it as a new review or as the edit it was.

    Prints the review's slug.

    Example: filmrev drafts restore 1
    """
    from filmrev import drafts
    from filmrev.editor import restore

    paths = library_paths(ctx)
    review = restore(
        paths, drafts.get(paths, draft_id), notify=note, open_editor=not no_edit, force=force
    )
    write_data(review.slug + "\n")


@drafts_app.command("discard", no_args_is_help=True)
def drafts_discard(
    ctx: typer.Context,
    draft_id: Annotated[str, typer.Argument(metavar="ID", help="The draft's number.")],
) -> None:
    """Delete a draft for good.

    Example: filmrev drafts discard 1
    """
    from filmrev import drafts

    draft = drafts.get(library_paths(ctx), draft_id)
    drafts.discard(draft)
    note(f"discarded draft {draft.id}")


# --- template -----------------------------------------------------------------------------

template_app = typer.Typer(
    rich_markup_mode=None,
    help=(
        "The text the editor opens for a new review: front matter with comments, "
        "and a body to start from.\n\nExample: filmrev template edit"
    ),
    no_args_is_help=True,
)
app.add_typer(template_app, name="template")


@template_app.command("show")
def template_show() -> None:
    """Print the template (yours, or the built-in one).

    Example: filmrev template show > my-template.md
    """
    from filmrev.editor import load_template, template_path

    path = template_path()
    write_data(load_template())
    note(f"from {path}" if path.exists() else "the built-in template (`filmrev template edit`)")


@template_app.command("edit")
def template_edit() -> None:
    """Open the template in $VISUAL/$EDITOR; it is checked before it is saved.

    Example: EDITOR=nano filmrev template edit
    """
    from filmrev.editor import edit_template, template_path

    if edit_template():
        note(f"saved {template_path()}")
    else:
        note("template unchanged")


@template_app.command("reset")
def template_reset() -> None:
    """Go back to the built-in template (deletes yours).

    Example: filmrev template reset
    """
    from filmrev.editor import reset_template, template_path

    if reset_template():
        note(f"removed {template_path()}; using the built-in template")
    else:
        note("already using the built-in template")
