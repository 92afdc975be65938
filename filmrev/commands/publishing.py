"""``publish``, ``unpublish`` and ``config``: the publishing workflow and user settings."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from filmrev.cli import app, library_paths, note, usage_error, write_data
from filmrev.completion import complete_person, complete_ref, complete_tag

if TYPE_CHECKING:
    from filmrev.model import Review
    from filmrev.store import Library


def _selected(
    library: Library,
    ref: str | None,
    *,
    all_rated: bool,
    tags: list[str],
    year: str | None,
    watched_year: str | None,
    min_rating: str | None,
    search: str | None,
    person: str | None,
) -> list[Review]:
    """One review by REF, or every review passing the bulk filters (as ``list`` has them)."""
    from filmrev.commands.reviews import find_for_change
    from filmrev.model import parse_rating, parse_year
    from filmrev.query import filter_reviews

    bulk = all_rated or any((tags, year, watched_year, min_rating, search, person))
    if ref is not None and bulk:
        usage_error("give REF or filters (--all-rated, --tag, ...), not both")
    if ref is not None:
        return [find_for_change(library, ref)]
    if not bulk:
        usage_error("give REF, or --all-rated / list filters for many reviews")
    chosen = filter_reviews(
        library.reviews(),
        tags=tags,
        year=parse_year(year),
        min_rating=parse_rating(min_rating, "--min-rating"),
        search=search,
        person=person,
        watched_year=parse_year(watched_year) if watched_year else None,
    )
    if all_rated:
        chosen = [review for review in chosen if review.rating is not None]
    return sorted(chosen, key=lambda review: review.id)


RefArgument = Annotated[
    str | None,
    typer.Argument(
        help="Id or slug (or use filters for many).",
        metavar="[REF]",
        show_default=False,
        autocompletion=complete_ref,
    ),
]
AllRatedOption = Annotated[
    bool, typer.Option("--all-rated", help="Every review with a rating (with other filters: and).")
]
TagFilter = Annotated[
    list[str] | None,
    typer.Option(
        "--tag", "-t", help="Films with this tag (repeat: all).", autocompletion=complete_tag
    ),
]
YearFilter = Annotated[str | None, typer.Option("--year", "-y", help="Release year.")]
WatchedYearFilter = Annotated[str | None, typer.Option("--watched-year", help="Year watched.")]
MinRatingFilter = Annotated[str | None, typer.Option("--min-rating", help="At least this rating.")]
SearchFilter = Annotated[
    str | None, typer.Option("--search", "-s", help="Words that must all occur.")
]
PersonFilter = Annotated[
    str | None,
    typer.Option("--person", "-p", help="Director, cast or crew.", autocompletion=complete_person),
]


def _report(changed: list[Review], unchanged: int, verb: str) -> None:
    for review in changed:
        write_data(review.slug + "\n")
    noun = "review" if len(changed) == 1 else "reviews"
    message = f"{verb} {len(changed)} {noun}"
    if unchanged:
        message += f" ({unchanged} already were)"
    note(message)


@app.command()
def publish(
    ctx: typer.Context,
    ref: RefArgument = None,
    published_date: Annotated[
        str | None,
        typer.Option(
            "--date",
            help="Publication date YYYY-MM-DD (default: today; a published review keeps its own).",
            metavar="DATE",
            show_default=False,
        ),
    ] = None,
    all_rated: AllRatedOption = False,
    tag: TagFilter = None,
    year: YearFilter = None,
    watched_year: WatchedYearFilter = None,
    min_rating: MinRatingFilter = None,
    search: SearchFilter = None,
    person: PersonFilter = None,
) -> None:
    """Mark reviews published: status published and a published date.

    Prints the slugs it changed. Without --date a review that already has a
    published date keeps it, others get today's date.

    Example: filmrev publish rust-and-bone-2012 --date 2024-05-01
    (many: filmrev publish --all-rated --tag French)
    """
    from filmrev.model import parse_date
    from filmrev.store import writing

    chosen_date = parse_date(published_date, "--date") if published_date is not None else None
    today = date.today().isoformat()
    changed: list[Review] = []
    unchanged = 0
    with writing(library_paths(ctx)) as library:
        reviews = _selected(
            library,
            ref,
            all_rated=all_rated,
            tags=tag or [],
            year=year,
            watched_year=watched_year,
            min_rating=min_rating,
            search=search,
            person=person,
        )
        for review in reviews:
            when = chosen_date or review.published or today
            if review.status == "published" and review.published == when:
                unchanged += 1
                continue
            changed.append(library.save(review.evolve(status="published", published=when)))
    _report(changed, unchanged, "published")


@app.command()
def unpublish(
    ctx: typer.Context,
    ref: RefArgument = None,
    all_rated: AllRatedOption = False,
    tag: TagFilter = None,
    year: YearFilter = None,
    watched_year: WatchedYearFilter = None,
    min_rating: MinRatingFilter = None,
    search: SearchFilter = None,
    person: PersonFilter = None,
) -> None:
    """Back to draft (the published date is kept, so publishing again restores it).

    Example: filmrev unpublish rust-and-bone-2012
    """
    from filmrev.store import writing

    changed: list[Review] = []
    unchanged = 0
    with writing(library_paths(ctx)) as library:
        reviews = _selected(
            library,
            ref,
            all_rated=all_rated,
            tags=tag or [],
            year=year,
            watched_year=watched_year,
            min_rating=min_rating,
            search=search,
            person=person,
        )
        for review in reviews:
            if review.status == "draft":
                unchanged += 1
                continue
            changed.append(library.save(review.evolve(status="draft")))
    _report(changed, unchanged, "unpublished")


# --- config -------------------------------------------------------------------------------

config_app = typer.Typer(
    rich_markup_mode=None,
    help=(
        "Settings kept in the user config dir ($FILMREV_CONFIG_DIR, else e.g. "
        "~/.config/filmrev/config.json).\n\nExample: filmrev config set author 'Ana Díaz'"
    ),
    no_args_is_help=True,
)
app.add_typer(config_app, name="config")

KeyArgument = Annotated[str, typer.Argument(help="The setting, e.g. author.", metavar="KEY")]


@config_app.command("set", no_args_is_help=True)
def config_set(
    key: KeyArgument,
    value: Annotated[str, typer.Argument(help="The value.", metavar="VALUE")],
) -> None:
    """Set a setting.

    Example: filmrev config set author 'Ana Díaz'
    """
    from filmrev import config

    config.set_value(key, value)
    note(f"{key} set in {config.config_path()}")


@config_app.command("get", no_args_is_help=True)
def config_get(key: KeyArgument) -> None:
    """Print a setting's value; exit 1 when it is not set.

    Example: filmrev config get author
    """
    from filmrev import config
    from filmrev.errors import FilmrevError

    value = config.get(config.require_known(key))
    if value is None:
        raise FilmrevError(f"{key} is not set (filmrev config set {key} VALUE)")
    write_data(value + "\n")


@config_app.command("unset", no_args_is_help=True)
def config_unset(key: KeyArgument) -> None:
    """Remove a setting.

    Example: filmrev config unset author
    """
    from filmrev import config

    note(f"{key} removed" if config.unset(key) else f"{key} was not set")


@config_app.command("list")
def config_list() -> None:
    """Every setting that is set, as KEY=VALUE lines; the others on stderr.

    Example: filmrev config list
    """
    from filmrev import config

    settings = config.load()
    for key in config.KEYS:
        if key in settings:
            write_data(f"{key}={settings[key]}\n")
    missing = [key for key in config.KEYS if key not in settings]
    if missing:
        note(f"not set: {', '.join(missing)} ({config.config_path()})")
