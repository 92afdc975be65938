"""``lists``: named lists of films (ranked or not), each entry a review or a film with none yet.

The logic is in :mod:`filmrev.film_lists`; these commands parse, resolve references
(questions before the lock), make one locked change and print.
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Annotated

import typer

from filmrev.commands.common import (
    app,
    confirm,
    library_paths,
    note,
    stdin_is_tty,
    stdout_console,
    usage_error,
    write_data,
)
from filmrev.completion import complete_ref
from filmrev.errors import Cancelled
from filmrev.terminal import clean

if TYPE_CHECKING:
    from filmrev.film_lists import FilmList, ListEntry
    from filmrev.model import Review
    from filmrev.paths import LibraryPaths
    from filmrev.store import Library

lists_app = typer.Typer(
    rich_markup_mode=None,
    help=(
        "Named lists of films: year-end top tens, themed lists, festival line-ups.\n\n"
        "Bare `filmrev lists` shows every list.\n\n"
        "Example: filmrev lists create 'Best of 2012' --ranked"
    ),
    invoke_without_command=True,
)
app.add_typer(lists_app, name="lists")


class ListsFormat(str, Enum):
    table = "table"
    json = "json"


class ShowFormat(str, Enum):
    table = "table"
    json = "json"
    markdown = "markdown"


NameArgument = Annotated[
    str,
    typer.Argument(help="The list's name (any case) or slug.", metavar="NAME", show_default=False),
]
RefArgument = Annotated[
    str,
    typer.Argument(
        help="A review id or slug, or the title of a film in the list ('Title (Year)').",
        metavar="REF",
        show_default=False,
        autocompletion=complete_ref,
    ),
]


def _read(paths: LibraryPaths) -> tuple[Library, list[FilmList]]:
    from filmrev.commands.common import load_library
    from filmrev.film_lists import load_lists

    library = load_library(paths)
    return library, load_lists(library)


def _print_lists(ctx: typer.Context, output_format: ListsFormat) -> None:
    _, lists = _read(library_paths(ctx))
    if output_format is ListsFormat.json:
        from filmrev.exporters.json_export import dumps

        write_data(dumps([film_list.to_json() for film_list in lists]))
        return
    if not lists:
        note("no lists yet; make one with `filmrev lists create NAME`")
        return
    from filmrev.views.lists import lists_table

    stdout_console().print(lists_table(lists))


@lists_app.callback()
def lists_root(
    ctx: typer.Context,
    output_format: Annotated[
        ListsFormat, typer.Option("--format", "-f", help="Output format.")
    ] = ListsFormat.table,
) -> None:
    """Named lists of films: name, number of films, ranked or not, last change.

    Example: filmrev lists --format json
    """
    if ctx.invoked_subcommand is None:
        _print_lists(ctx, output_format)
    elif output_format is not ListsFormat.table:
        usage_error(
            f"--format goes after the subcommand (`filmrev lists {ctx.invoked_subcommand} ...`)"
        )


# --- create -------------------------------------------------------------------------------------


@lists_app.command("create", no_args_is_help=True)
def lists_create(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The new list's name.", metavar="NAME")],
    ranked: Annotated[
        bool, typer.Option("--ranked", help="An ordered list, numbered 1..n (a top ten).")
    ] = False,
    description: Annotated[
        str | None,
        typer.Option("--description", "-d", help="A line or two about the list.", metavar="TEXT"),
    ] = None,
    from_rank: Annotated[
        bool,
        typer.Option(
            "--from-rank",
            help="Fill it with the ranked films (all-time rank order) that match the filters; "
            "implies --ranked.",
        ),
    ] = False,
    year: Annotated[
        str | None,
        typer.Option("--year", "-y", help="--from-rank: films released this year.", metavar="YEAR"),
    ] = None,
    tags: Annotated[
        list[str] | None,
        typer.Option(
            "--tag", "-t", help="--from-rank: films with this tag (repeat: all).", metavar="TAG"
        ),
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option("--limit", "-n", min=1, help="--from-rank: at most N films.", metavar="N"),
    ] = None,
) -> None:
    """Create a list; --from-rank fills it from the all-time ranking, filtered.

    Prints the new list's slug.

    Example: filmrev lists create 'Best of 2012' --from-rank --year 2012 --limit 10
    """
    from filmrev.film_lists import from_ranking, load_lists, new_list, replace, save_lists
    from filmrev.model import now_utc, parse_year
    from filmrev.transaction import writing

    if not from_rank and (year is not None or tags or limit is not None):
        usage_error("--year, --tag and --limit go with --from-rank")
    wanted_year = parse_year(year)
    with writing(library_paths(ctx)) as library:
        lists = load_lists(library)
        entries: list[ListEntry] = []
        if from_rank:
            from filmrev.query import filter_reviews

            summaries = {review.id: review for review in library.summaries()}
            order = [summaries[review_id] for review_id in library.ranked_order()]
            chosen = filter_reviews(order, tags=tags or [], year=wanted_year)[:limit]
            entries = from_ranking(chosen)
        created = new_list(
            lists,
            name,
            stamp=now_utc(),
            ranked=ranked or from_rank,
            description=description,
            entries=entries,
        )
        save_lists(library, replace(lists, created))
    write_data(created.slug + "\n")
    filled = f" with {len(entries)} ranked film(s)" if from_rank else ""
    note(f"created list {created.name!r}{filled}")


# --- add / remove / move ----------------------------------------------------------------------


def _films(film: list[str] | None) -> list[tuple[str, int | None]]:
    from filmrev.film_lists import parse_film

    return [parse_film(text) for text in film or []]


@lists_app.command("add", no_args_is_help=True)
def lists_add(
    ctx: typer.Context,
    name: NameArgument,
    refs: Annotated[
        list[str] | None,
        typer.Argument(
            help="Reviews to add: ids or slugs.",
            metavar="REF...",
            show_default=False,
            autocompletion=complete_ref,
        ),
    ] = None,
    film: Annotated[
        list[str] | None,
        typer.Option(
            "--film",
            help="A film by 'Title (Year)' (repeatable); it links to its review when there is "
            "one, else it is a film with no review yet.",
            metavar="'TITLE (YEAR)'",
            show_default=False,
        ),
    ] = None,
    at: Annotated[
        int | None,
        typer.Option(
            "--at", help="Insert at this position (1 = first); default: the end.", metavar="POS"
        ),
    ] = None,
    note_text: Annotated[
        str | None,
        typer.Option("--note", help="A note for the added film(s).", metavar="TEXT"),
    ] = None,
) -> None:
    """Add reviews (REF...) and films with no review yet (--film) to a list.

    A film already in the list is refused, and then nothing is added.

    Example: filmrev lists add 'Best of 2012' holy-motors-2012 --film 'Tabu (2012)' --at 1
    """
    from filmrev.commands.common import find_for_change, settle_ref
    from filmrev.film_lists import (
        ListEntry,
        add_entries,
        entry_for,
        find_list,
        load_lists,
        parse_note,
        replace,
        review_for_film,
        save_lists,
    )
    from filmrev.model import now_utc
    from filmrev.transaction import writing

    if not refs and not film:
        usage_error("give at least one REF or --film 'TITLE (YEAR)'")
    paths = library_paths(ctx)
    films = _films(film)
    note_value = parse_note(note_text)
    _, before = _read(paths)
    find_list(before, name)  # an unknown list is reported before any question about REFs
    settled = [settle_ref(paths, ref) for ref in refs or []]  # questions before the lock
    with writing(paths) as library:
        lists = load_lists(library)
        film_list = find_list(lists, name)
        entries = [entry_for(find_for_change(library, ref), note_value) for ref in settled]
        summaries = library.summaries()
        for title, year in films:
            review = review_for_film(title, year, summaries)
            entries.append(
                entry_for(review, note_value)
                if review is not None
                else ListEntry(None, title, year, note_value)
            )
        changed = add_entries(film_list, entries, stamp=now_utc(), at=at)
        save_lists(library, replace(lists, changed))
    shown = ", ".join(clean(entry.display_title) for entry in entries)
    note(f"added to {changed.name!r} ({len(changed.entries)} films): {shown}")


def _reviews_by_id(library: Library) -> dict[int, Review]:
    return {review.id: review for review in library.summaries()}


@lists_app.command("remove", no_args_is_help=True)
def lists_remove(ctx: typer.Context, name: NameArgument, ref: RefArgument) -> None:
    """Take a film off a list (the review itself stays).

    Example: filmrev lists remove 'Best of 2012' holy-motors-2012
    """
    from filmrev.film_lists import (
        entry_index,
        find_list,
        load_lists,
        remove_entry,
        replace,
        save_lists,
    )
    from filmrev.model import now_utc
    from filmrev.transaction import writing

    with writing(library_paths(ctx)) as library:
        lists = load_lists(library)
        film_list = find_list(lists, name)
        index = entry_index(film_list, ref, _reviews_by_id(library))
        removed = film_list.entries[index]
        changed = remove_entry(film_list, index, stamp=now_utc())
        save_lists(library, replace(lists, changed))
    note(f"removed {clean(removed.display_title)} from {changed.name!r}")


@lists_app.command("move", no_args_is_help=True)
def lists_move(
    ctx: typer.Context,
    name: NameArgument,
    ref: RefArgument,
    to: Annotated[
        int, typer.Option("--to", help="The new position (1 = first); others shift.", metavar="POS")
    ],
) -> None:
    """Move a film to another position in a list; the films in between shift.

    Example: filmrev lists move 'Best of 2012' holy-motors-2012 --to 1
    """
    from filmrev.film_lists import (
        check_position,
        entry_index,
        find_list,
        load_lists,
        move_entry,
        replace,
        save_lists,
    )
    from filmrev.model import now_utc
    from filmrev.transaction import writing

    with writing(library_paths(ctx)) as library:
        lists = load_lists(library)
        film_list = find_list(lists, name)
        index = entry_index(film_list, ref, _reviews_by_id(library))
        moved = film_list.entries[index]
        check_position(to, len(film_list.entries), "--to")
        if index + 1 != to:
            changed = move_entry(film_list, index, to, stamp=now_utc())
            save_lists(library, replace(lists, changed))
    what = clean(moved.display_title)
    note(f"{what} stays at {to}" if index + 1 == to else f"moved {what} from {index + 1} to {to}")


# --- show ---------------------------------------------------------------------------------------


@lists_app.command("show", no_args_is_help=True)
def lists_show(
    ctx: typer.Context,
    name: NameArgument,
    output_format: Annotated[
        ShowFormat, typer.Option("--format", "-f", help="table, json or markdown (a post).")
    ] = ShowFormat.table,
) -> None:
    """Show a list's films in order, with their ratings, reviews and notes.

    --format markdown prints a ready-to-post page: title, description, the films
    (numbered when the list is ranked) linking to their reviews, and the notes.

    Example: filmrev lists show 'Best of 2012' --format markdown > best-of-2012.md
    """
    from filmrev.film_lists import find_list, resolved

    library, lists = _read(library_paths(ctx))
    film_list = find_list(lists, name)
    entries = resolved(film_list, _reviews_by_id(library))
    if output_format is ShowFormat.json:
        from filmrev.exporters.json_export import dumps

        document = film_list.to_json()
        for doc, item in zip(document["entries"], entries, strict=True):
            doc["position"] = item.position
            doc["slug"] = item.review.slug if item.review is not None else None
        write_data(dumps(document))
    elif output_format is ShowFormat.markdown:
        from filmrev.exporters.list_markdown import list_markdown

        write_data(list_markdown(film_list, entries))
    else:
        from filmrev.views.lists import list_view

        stdout_console().print(list_view(film_list, entries))


# --- rename / delete ----------------------------------------------------------------------------


@lists_app.command("rename", no_args_is_help=True)
def lists_rename(
    ctx: typer.Context,
    old: Annotated[str, typer.Argument(help="The list's name now.", metavar="OLD")],
    new: Annotated[str, typer.Argument(help="Its new name.", metavar="NEW")],
) -> None:
    """Rename a list; its slug stays (pages already published link to it).

    Example: filmrev lists rename 'Best of 2012' 'My 2012 in film'
    """
    from filmrev.film_lists import find_list, load_lists, rename_list, replace, save_lists
    from filmrev.model import now_utc
    from filmrev.transaction import writing

    with writing(library_paths(ctx)) as library:
        lists = load_lists(library)
        film_list = find_list(lists, old)
        changed = rename_list(lists, film_list, new, stamp=now_utc())
        if changed.name != film_list.name:
            save_lists(library, replace(lists, changed))
    note(f"renamed list {film_list.name!r} to {changed.name!r} (slug {changed.slug})")


@lists_app.command("delete", no_args_is_help=True)
def lists_delete(
    ctx: typer.Context,
    name: NameArgument,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete a list (a backup is kept); its reviews stay.

    Without --yes it asks on a terminal, and refuses when there is no terminal.

    Example: filmrev lists delete 'Best of 2012' --yes
    """
    from filmrev.film_lists import find_list, load_lists, remove_list, save_lists
    from filmrev.readonly import refuse_if_read_only
    from filmrev.transaction import writing

    paths = library_paths(ctx)
    refuse_if_read_only(paths)
    _, before = _read(paths)
    asked = find_list(before, name)
    if not yes:
        # Ask before taking the lock (a person may think for minutes), then re-check under it.
        count = len(asked.entries)
        if not stdin_is_tty():
            raise Cancelled(f"not deleting list {asked.name!r}: no terminal to confirm; pass --yes")
        if not confirm(f"Delete the list {clean(asked.name)!r} ({count} films)?"):
            raise Cancelled(f"kept list {asked.name!r}; nothing changed")
    from filmrev.backups import backup_before

    with writing(paths) as library:
        lists = load_lists(library)
        film_list = next((other for other in lists if other.id == asked.id), None)
        if film_list is None:
            film_list = find_list(lists, name)
        backup_before(library, "lists-delete")
        save_lists(library, remove_list(lists, film_list))
    note(f"deleted list {film_list.name!r} ({len(film_list.entries)} films); the reviews stay")
