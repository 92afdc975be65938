"""``publish``, ``unpublish`` and ``config``: the publishing workflow and user settings."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from filmrev.commands.common import app, library_paths, note, usage_error, write_data
from filmrev.completion import complete_person, complete_ref, complete_tag

if TYPE_CHECKING:
    from collections.abc import Callable

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
    """One review by REF, or every review passing the bulk filters (as ``list`` has them).

    Reviews come without their bodies (saving them back keeps the bodies) unless a
    ``--search`` needs the text.
    """
    from filmrev.commands.common import find_for_change
    from filmrev.model import parse_rating, parse_year
    from filmrev.query import filter_reviews

    if ref is not None:
        return [find_for_change(library, ref)]
    chosen = filter_reviews(
        library.reviews() if search else library.summaries(),
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


def _change_status(
    ctx: typer.Context,
    ref: str | None,
    change: Callable[[Review], Review | None],
    verb: str,
    *,
    all_rated: bool,
    tags: list[str],
    year: str | None,
    watched_year: str | None,
    min_rating: str | None,
    search: str | None,
    person: str | None,
) -> None:
    """Apply ``change`` (None: nothing to do) to the chosen reviews in one write."""
    from filmrev.commands.common import settle_ref
    from filmrev.transaction import writing

    bulk = all_rated or any((tags, year, watched_year, min_rating, search, person))
    if ref is not None and bulk:
        usage_error("give REF or filters (--all-rated, --tag, ...), not both")
    if ref is None and not bulk:
        usage_error("give REF, or --all-rated / list filters for many reviews")
    paths = library_paths(ctx)
    if ref is not None:
        ref = settle_ref(paths, ref)  # a fuzzy REF is confirmed before the lock
    changed: list[Review] = []
    unchanged = 0
    with writing(paths) as library:
        chosen = _selected(
            library,
            ref,
            all_rated=all_rated,
            tags=tags,
            year=year,
            watched_year=watched_year,
            min_rating=min_rating,
            search=search,
            person=person,
        )
        for review in chosen:
            new = change(review)
            if new is None:
                unchanged += 1
            else:
                changed.append(library.save(new))
    _report(changed, unchanged, verb)


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

    chosen_date = parse_date(published_date, "--date") if published_date is not None else None
    today = date.today().isoformat()

    def published(review: Review) -> Review | None:
        when = chosen_date or review.published or today
        if review.status == "published" and review.published == when:
            return None
        return review.evolve(status="published", published=when)

    _change_status(
        ctx,
        ref,
        published,
        "published",
        all_rated=all_rated,
        tags=tag or [],
        year=year,
        watched_year=watched_year,
        min_rating=min_rating,
        search=search,
        person=person,
    )


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

    def draft(review: Review) -> Review | None:
        return None if review.status == "draft" else review.evolve(status="draft")

    _change_status(
        ctx,
        ref,
        draft,
        "unpublished",
        all_rated=all_rated,
        tags=tag or [],
        year=year,
        watched_year=watched_year,
        min_rating=min_rating,
        search=search,
        person=person,
    )


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
