"""``add``, ``show``, ``list``, ``edit``, ``delete``: one review at a time, or a filtered list."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from filmrev.commands.common import (
    app,
    confirm,
    find_for_change,
    library_paths,
    load_library,
    settle_ref,
    settle_review,
    stdin_is_tty,
    stdout_console,
    usage_error,
    write_data,
)

# Their old home: code written against it keeps working; new code imports from common.
from filmrev.commands.common import find as find
from filmrev.completion import complete_person, complete_ref, complete_tag
from filmrev.edits import library_tags
from filmrev.errors import Cancelled, ValidationError

if TYPE_CHECKING:
    from filmrev.model import Review
    from filmrev.progress import Activity

# --- options shared by add and edit ----------------------------------------------

YearOption = Annotated[
    str | None,
    typer.Option("--year", "-y", help="Release year.", metavar="YEAR", show_default=False),
]
RatingOption = Annotated[
    str | None,
    typer.Option(
        "--rating", "-r", help="0.5 to 5 in half steps.", metavar="STARS", show_default=False
    ),
]
TagOption = Annotated[
    list[str] | None,
    typer.Option(
        "--tag",
        "-t",
        help="A tag (repeat for more).",
        metavar="TAG",
        show_default=False,
        autocompletion=complete_tag,
    ),
]
DirectorOption = Annotated[
    str | None, typer.Option("--director", help="Director.", metavar="NAME", show_default=False)
]
CastOption = Annotated[
    list[str] | None,
    typer.Option(
        "--cast", help="A cast member (repeat for more).", metavar="NAME", show_default=False
    ),
]
CrewOption = Annotated[
    list[str] | None,
    typer.Option(
        "--crew",
        help="ROLE=NAME, e.g. composer='Alexandre Desplat' (repeatable).",
        metavar="ROLE=NAME",
        show_default=False,
    ),
]
TaglineOption = Annotated[
    str | None,
    typer.Option("--tagline", help="The one-line hook.", metavar="TEXT", show_default=False),
]
WatchedOption = Annotated[
    str | None,
    typer.Option("--watched", help="Date watched, YYYY-MM-DD.", metavar="DATE", show_default=False),
]
LinkOption = Annotated[
    list[str] | None,
    typer.Option(
        "--link", help="A URL, e.g. the trailer (repeatable).", metavar="URL", show_default=False
    ),
]
RankOption = Annotated[
    str | None,
    typer.Option(
        "--rank", help="All-time rank; others shift down.", metavar="N", show_default=False
    ),
]
StatusOption = Annotated[
    str | None,
    typer.Option(
        "--status", help="draft or published.", metavar="draft|published", show_default=False
    ),
]
PublishedOption = Annotated[
    str | None,
    typer.Option(
        "--published", help="Publication date, YYYY-MM-DD.", metavar="DATE", show_default=False
    ),
]
UrlOption = Annotated[
    str | None,
    typer.Option("--url", help="Canonical post URL.", metavar="URL", show_default=False),
]
OriginalTitleOption = Annotated[
    str | None,
    typer.Option(
        "--original-title",
        help="Title in the original language.",
        metavar="TEXT",
        show_default=False,
    ),
]
BodyOption = Annotated[
    str | None,
    typer.Option("--body", help="The review text (Markdown).", metavar="TEXT", show_default=False),
]
BodyFileOption = Annotated[
    str | None,
    typer.Option(
        "--body-file",
        help="Read the text from PATH, or '-' for stdin; its front matter sets fields, flags win.",
        metavar="PATH",
        show_default=False,
    ),
]


def read_body_file(source: str) -> str:
    """Text from a file or stdin (``-``), strictly UTF-8."""
    try:
        raw = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
    except OSError as error:
        raise ValidationError(
            f"cannot read --body-file {source}: {error.strerror or error}"
        ) from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ValidationError(f"--body-file {source} is not valid UTF-8") from None


def body_fields(body: str | None, body_file: str | None) -> dict[str, Any]:
    """``{"body": ...}`` plus any front-matter fields of a body file."""
    if body is not None and body_file is not None:
        usage_error("use --body or --body-file, not both")
    if body is not None:
        return {"body": body}
    if body_file is None:
        return {}
    from filmrev import frontmatter

    fields, text = frontmatter.split(read_body_file(body_file))
    result = dict(fields or {})
    result["body"] = text
    return result


def option_fields(
    *,
    year: str | None,
    rating: str | None,
    director: str | None,
    tagline: str | None,
    watched: str | None,
    status: str | None = None,
    published: str | None = None,
    url: str | None = None,
    original_title: str | None = None,
) -> dict[str, Any]:
    """Scalar flags that were given (None means: not given)."""
    given = {
        "year": year,
        "rating": rating,
        "director": director,
        "tagline": tagline,
        "watched": watched,
        "status": status,
        "published": published,
        "url": url,
        "original_title": original_title,
    }
    return {name: value for name, value in given.items() if value is not None}


def crew_pairs(crew: list[str] | None) -> list[tuple[str, str]]:
    from filmrev.model import parse_crew_option

    return [parse_crew_option(text) for text in crew or []]


# --- add --------------------------------------------------------------------------


@app.command(no_args_is_help=True)
def add(
    ctx: typer.Context,
    title: Annotated[
        str, typer.Argument(help="The film's title.", metavar="TITLE", show_default=False)
    ],
    year: YearOption = None,
    rating: RatingOption = None,
    tag: TagOption = None,
    director: DirectorOption = None,
    cast: CastOption = None,
    crew: CrewOption = None,
    tagline: TaglineOption = None,
    watched: WatchedOption = None,
    link: LinkOption = None,
    rank: RankOption = None,
    status: StatusOption = None,
    published: PublishedOption = None,
    url: UrlOption = None,
    original_title: OriginalTitleOption = None,
    body: BodyOption = None,
    body_file: BodyFileOption = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Add even a film already in the library, or a future watched date."
        ),
    ] = False,
) -> None:
    """Add a review and print its slug.

    With no --body/--body-file and a terminal, opens $VISUAL/$EDITOR.

    Example: filmrev add 'Rust and Bone' --year 2012 --rating 4.5 --tag 'Gritty, Grittness'
    --cast 'Marion Cotillard' --crew composer='Alexandre Desplat' --body-file review.md
    """
    from filmrev.model import merge_crew, parse_crew, parse_rank
    from filmrev.transaction import writing

    paths = library_paths(ctx)
    fields: dict[str, Any] = body_fields(body, body_file)
    fields["title"] = title
    fields.update(
        option_fields(
            year=year,
            rating=rating,
            director=director,
            tagline=tagline,
            watched=watched,
            status=status,
            published=published,
            url=url,
            original_title=original_title,
        )
    )
    if tag:
        fields["tags"] = list(tag)
    if cast:
        fields["cast"] = list(cast)
    if link:
        fields["links"] = list(link)
    if crew:
        fields["crew"] = merge_crew(parse_crew(fields.get("crew")), crew_pairs(crew))
    position = parse_rank(rank if rank is not None else fields.get("rank"))
    fields.pop("rank", None)
    for generated in ("id", "slug", "created", "updated"):
        fields.pop(generated, None)
    from filmrev.commands.common import note
    from filmrev.guards import check_new_film, same_year

    if body is None and body_file is None and stdin_is_tty():
        from filmrev import editor
        from filmrev.index import load_summaries

        warning = check_new_film(load_summaries(paths), fields, force=force)  # before typing
        review = editor.compose_new(paths, fields, position)  # saves, then drops the draft
    else:
        with writing(paths) as library:
            same = library.summaries_where("year", same_year(fields.get("year")))
            warning = check_new_film(same, fields, force=force)
            if fields.get("tags"):
                fields["tags"] = library_tags(library, fields["tags"])
            review = library.add(fields, rank=position)
    if warning:
        note(f"warning: {warning}")
    write_data(review.slug + "\n")


# --- show -------------------------------------------------------------------------


class ShowFormat(str, Enum):
    panel = "panel"
    markdown = "markdown"
    json = "json"


@app.command(no_args_is_help=True)
def show(
    ctx: typer.Context,
    ref: Annotated[
        str,
        typer.Argument(
            help="Id, slug, or (part of) a title.",
            metavar="REF",
            show_default=False,
            autocompletion=complete_ref,
        ),
    ],
    output_format: Annotated[
        ShowFormat, typer.Option("--format", "-f", help="panel, markdown (the source) or json.")
    ] = ShowFormat.panel,
    plain: Annotated[bool, typer.Option("--plain", help="Same as --format markdown.")] = False,
    no_pager: Annotated[bool, typer.Option("--no-pager", help="Never page long reviews.")] = False,
) -> None:
    """Show one review: title, stars, rank, tags, credits and the rendered body.

    Example: filmrev show rust-and-bone-2012   (or: filmrev show 3, filmrev show 'rust bone')
    """
    from filmrev.index import find_review  # reads one review's JSON, not the whole file

    review = find_review(library_paths(ctx), ref)
    if plain:
        output_format = ShowFormat.markdown
    if output_format is ShowFormat.markdown:
        from filmrev.exporters.markdown import review_document

        write_data(review_document(review))
    elif output_format is ShowFormat.json:
        from filmrev.exporters.json_export import dumps

        write_data(dumps(review.to_doc()))
    else:
        from filmrev.render import review_panel

        console = stdout_console()
        panel = review_panel(review)
        if not no_pager and sys.stdout.isatty() and stdin_is_tty():
            from filmrev.editor import terminal_pager

            with console.pager(pager=terminal_pager(), styles=True):
                console.print(panel)
        else:
            console.print(panel)


# --- list -------------------------------------------------------------------------


class ListFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    ids = "ids"


class SortKey(str, Enum):
    rank = "rank"
    rating = "rating"
    year = "year"
    title = "title"  # type: ignore[assignment]  # shadows str.title; Typer needs the value
    added = "added"
    watched = "watched"
    score = "score"  # the model score of `rank score`: ranked films only


def print_reviews(
    reviews: list[Review], output_format: ListFormat, progress: Activity | None = None
) -> None:
    """Reviews as a table (stdout console) or a data format (byte-exact).

    ``progress`` (a terminal's progress line) is closed before anything is printed.
    """
    if progress is not None and output_format is ListFormat.table and reviews:
        progress.phase(f"laying out {len(reviews):,} reviews")
        from filmrev.render import reviews_table

        console = stdout_console()
        with console.capture() as captured:  # rendering 5,000 rows takes seconds
            console.print(reviews_table(reviews, width=console.width))
        progress.close()
        write_data(captured.get())
        return
    if progress is not None:
        progress.close()
    if output_format is ListFormat.json:
        from filmrev.exporters.json_export import reviews_json

        write_data(reviews_json(reviews))
    elif output_format is ListFormat.csv:
        from filmrev.exporters.csv_table import reviews_csv

        write_data(reviews_csv(reviews))
    elif output_format is ListFormat.ids:
        write_data("".join(f"{review.id}\n" for review in reviews))
    else:
        from filmrev.render import reviews_table

        if not reviews:
            from filmrev.commands.common import note

            note("no reviews")
            return
        console = stdout_console()
        console.print(reviews_table(reviews, width=console.width))


@app.command("list")
def list_reviews(
    ctx: typer.Context,
    tag: Annotated[
        list[str] | None,
        typer.Option(
            "--tag",
            "-t",
            help="Only films with this tag (repeat: all of them).",
            autocompletion=complete_tag,
        ),
    ] = None,
    year: Annotated[str | None, typer.Option("--year", "-y", help="Release year.")] = None,
    watched_year: Annotated[
        str | None, typer.Option("--watched-year", help="Year watched (any viewing).")
    ] = None,
    min_rating: Annotated[
        str | None, typer.Option("--min-rating", help="At least this rating.")
    ] = None,
    search: Annotated[
        str | None,
        typer.Option(
            "--search", "-s", help="Words that must all occur (title, tags, people, body)."
        ),
    ] = None,
    person: Annotated[
        str | None,
        typer.Option(
            "--person",
            "-p",
            help="Director, cast or crew member.",
            autocompletion=complete_person,
        ),
    ] = None,
    sort: Annotated[
        SortKey | None,
        typer.Option("--sort", help="Default: ranked films by rank, then the rest by rating."),
    ] = None,
    reverse: Annotated[
        bool, typer.Option("--reverse", help="Flip the order (missing values stay last).")
    ] = False,
    limit: Annotated[
        int | None, typer.Option("--limit", "-n", min=0, help="At most N reviews.")
    ] = None,
    output_format: Annotated[
        ListFormat, typer.Option("--format", "-f", help="Output format.")
    ] = ListFormat.table,
) -> None:
    """List reviews, filtered and sorted.

    Example: filmrev list --tag French --min-rating 4 --sort watched --limit 10 --format json
    """
    from filmrev import index  # bodies are parsed only when the output or --search needs them
    from filmrev.model import parse_rating, parse_year
    from filmrev.progress import command_activity
    from filmrev.query import default_order, filter_reviews, sort_reviews

    paths = library_paths(ctx)
    progress = command_activity(ctx, "reading the library")  # a terminal only, after 0.5 s
    needs_bodies = output_format in (ListFormat.json, ListFormat.csv)
    filtered = any((tag, year, watched_year, min_rating, person, sort, reverse, search))
    if not needs_bodies and not filtered:
        print_reviews(index.first_in_default_order(paths, limit), output_format, progress)
        return
    from filmrev.search import FIELDS

    found = None if search is None else index.matching_ids(paths, search, FIELDS)
    if search is not None and found is None:  # no FTS5: match the full reviews
        pool = list(load_library(paths).iter_reviews())
    elif found is not None:
        pool = index.summaries_of(paths, found)  # only the matching rows are read
        search = None
    else:
        pool = index.load_summaries(paths)
    reviews = filter_reviews(
        pool,
        tags=tag or [],
        year=parse_year(year),
        min_rating=parse_rating(min_rating, "--min-rating"),
        search=search,
        person=person,
        watched_year=parse_year(watched_year) if watched_year else None,
    )
    if sort is None:
        ordered = default_order(reviews)
        if reverse:
            ordered.reverse()
    elif sort is SortKey.score:
        from filmrev.comparisons import sort_by_score

        ordered = sort_by_score(load_library(paths), reviews, reverse=reverse)
    else:
        ordered = sort_reviews(reviews, sort.value, reverse=reverse)
    if limit is not None:
        ordered = ordered[:limit]
    if needs_bodies:
        library = load_library(paths)
        ordered = [library.get(review.id) or review for review in ordered]
    print_reviews(ordered, output_format, progress)


# --- edit -------------------------------------------------------------------------


@app.command(no_args_is_help=True)
def edit(
    ctx: typer.Context,
    ref: Annotated[
        str,
        typer.Argument(
            help="Id or slug.", metavar="REF", show_default=False, autocompletion=complete_ref
        ),
    ],
    title: Annotated[
        str | None, typer.Option("--title", help="New title (the slug stays).")
    ] = None,
    slug: Annotated[str | None, typer.Option("--slug", help="New slug (changes URLs!).")] = None,
    year: YearOption = None,
    rating: RatingOption = None,
    tag: TagOption = None,
    remove_tag: Annotated[
        list[str] | None,
        typer.Option(
            "--remove-tag", help="Remove a tag (repeatable).", autocompletion=complete_tag
        ),
    ] = None,
    director: DirectorOption = None,
    cast: CastOption = None,
    crew: CrewOption = None,
    tagline: TaglineOption = None,
    watched: WatchedOption = None,
    link: LinkOption = None,
    rank: RankOption = None,
    status: StatusOption = None,
    published: PublishedOption = None,
    url: UrlOption = None,
    original_title: OriginalTitleOption = None,
    body: BodyOption = None,
    body_file: BodyFileOption = None,
    clear: Annotated[
        list[str] | None,
        typer.Option(
            "--clear", help="Empty a field, e.g. --clear rating (repeatable).", metavar="FIELD"
        ),
    ] = None,
) -> None:
    """Change a review with flags, or with no flags in $VISUAL/$EDITOR.

    List flags (--tag, --cast, --link, --crew) add to what is there; --clear FIELD empties one.

    Example: filmrev edit rust-and-bone-2012 --rating 5 --tag 'Palme d’Or' --clear watched
    """
    from filmrev.edits import FieldEdit, apply_edit
    from filmrev.model import parse_rank
    from filmrev.transaction import writing

    paths = library_paths(ctx)
    changes: dict[str, Any] = body_fields(body, body_file)
    changes.update(
        option_fields(
            year=year,
            rating=rating,
            director=director,
            tagline=tagline,
            watched=watched,
            status=status,
            published=published,
            url=url,
            original_title=original_title,
        )
    )
    nothing_given = not changes and not any(
        (title, slug, tag, remove_tag, cast, crew, link, rank, clear)
    )
    if nothing_given:
        from filmrev import editor
        from filmrev.commands.common import note

        editor.edit_existing(
            paths, ref, find=lambda ref: find_for_change(load_library(paths), ref), notify=note
        )
        return
    if body_file is not None and not changes.get("body", "").strip():
        # An empty body part (a front-matter-only document) never wipes the text.
        changes.pop("body", None)
        if "body" not in [name.strip() for name in clear or []]:
            from filmrev.commands.common import note

            note("the document's body is empty: kept the review's text (--clear body empties it)")
    if "watched" in changes:
        from filmrev.guards import check_watched

        check_watched(changes["watched"], force=False, forceable=False)
    position_given = rank is not None or "rank" in changes
    position = parse_rank(rank if rank is not None else changes.get("rank"))
    for ignored in ("rank", "id", "created", "updated"):
        changes.pop(ignored, None)
    ref = settle_ref(paths, ref)
    with writing(paths) as library:
        review = find_for_change(library, ref)
        edit = FieldEdit(
            fields=changes,
            clear=clear or (),
            title=title,
            slug=slug,
            add_tags=tag or (),
            remove_tags=remove_tag or (),
            add_cast=cast or (),
            add_links=link or (),
            add_crew=crew_pairs(crew),  # after the REF: its errors come first, as they did
            position=position,
            position_given=position_given,
        )
        apply_edit(library, review, edit)


# --- delete -----------------------------------------------------------------------


@app.command(no_args_is_help=True)
def delete(
    ctx: typer.Context,
    ref: Annotated[
        str,
        typer.Argument(
            help="Id or slug.", metavar="REF", show_default=False, autocompletion=complete_ref
        ),
    ],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete a review (a backup is kept); a ranked film leaves no gap.

    Without --yes it asks on a terminal, and refuses when there is no terminal.

    Example: filmrev delete rust-and-bone-2012 --yes
    """
    from filmrev.commands.common import note
    from filmrev.transaction import writing

    paths = library_paths(ctx)
    if not yes:
        # Ask before taking the lock (a person may think for minutes), then re-check under it.
        asked = settle_review(paths, ref)
        if not stdin_is_tty():
            raise Cancelled(f"not deleting {asked.slug}: no terminal to confirm; pass --yes")
        if not confirm(f"Delete {asked.display_title} ({asked.slug})?"):
            raise Cancelled(f"kept {asked.slug}; nothing changed")
        ref = str(asked.id)
    with writing(paths) as library:
        review = find_for_change(library, ref)
        from filmrev.backups import backup_before_body_loss

        backup_before_body_loss(library, review, "delete")
        library.delete(review.id)
    note(f"deleted {review.slug}")
