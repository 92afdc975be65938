"""``log`` (a viewing on a review, or a new bare review) and ``diary`` (every viewing by date)."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any

import typer

from filmrev.commands.common import (
    app,
    library_paths,
    note,
    stdout_console,
    usage_error,
    write_data,
)
from filmrev.completion import complete_ref
from filmrev.errors import ValidationError


class DiaryFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


@app.command(no_args_is_help=True)
def log(
    ctx: typer.Context,
    ref: Annotated[
        str | None,
        typer.Argument(
            help="Id or slug of the review (not with --new).",
            metavar="REF",
            show_default=False,
            autocompletion=complete_ref,
        ),
    ] = None,
    new: Annotated[
        str | None,
        typer.Option(
            "--new",
            help="A film not in the library: make a bare review of it (needs --year).",
            metavar="TITLE",
            show_default=False,
        ),
    ] = None,
    year: Annotated[
        str | None,
        typer.Option("--year", "-y", help="Release year (with --new).", show_default=False),
    ] = None,
    on: Annotated[
        str,
        typer.Option("--date", "-d", help="When you saw it: YYYY-MM-DD or today.", metavar="DATE"),
    ] = "today",
    rating: Annotated[
        str | None,
        typer.Option(
            "--rating",
            "-r",
            help="This viewing's rating, 0.5 to 5.",
            metavar="STARS",
            show_default=False,
        ),
    ] = None,
    rewatch: Annotated[bool, typer.Option("--rewatch", help="You had seen it before.")] = False,
    venue: Annotated[
        str | None,
        typer.Option(
            "--venue",
            help="Where: a cinema, a festival, a friend's sofa.",
            metavar="TEXT",
            show_default=False,
        ),
    ] = None,
    medium: Annotated[
        str | None,
        typer.Option(
            "--medium",
            help="cinema, streaming, disc, tv, festival or other.",
            metavar="MEDIUM",
            show_default=False,
        ),
    ] = None,
    companions: Annotated[
        list[str] | None,
        typer.Option(
            "--with", help="Who you saw it with (repeatable).", metavar="NAME", show_default=False
        ),
    ] = None,
    viewing_note: Annotated[
        str | None,
        typer.Option(
            "--note", help="A line about this viewing.", metavar="TEXT", show_default=False
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Accept a future date, the same viewing twice, or --new of a film already in.",
        ),
    ] = False,
) -> None:
    """Log a viewing of a film: in the diary, and on its review.

    The review's watched date (the viewing its text is about) is set when it had none,
    and follows the latest viewing while the review has no text; its rating is set
    from the viewing only when it had none.

    Example: filmrev log amour-2012 --date 2024-11-22 --rating 4.5 --rewatch --medium cinema
    --venue 'Curzon Soho' --with Anna

    Example: filmrev log --new 'All We Imagine as Light' --year 2024 --medium cinema
    """
    from filmrev.guards import check_watched
    from filmrev.model import Viewing

    if (ref is None) == (new is None):
        usage_error("give the review's REF, or --new TITLE for a film not in the library")
    if year is not None and new is None:
        usage_error("--year applies to --new (a logged review already has its year)")
    viewing = Viewing.from_doc(
        {
            "date": _date(on),
            "rating": rating,
            "rewatch": rewatch,
            "venue": venue,
            "medium": medium,
            "with": list(companions or []),
            "note": viewing_note,
        }
    )
    warning = check_watched(viewing.date, force=force, label="viewing date")
    paths = library_paths(ctx)
    if new is not None:
        line = _log_new(paths, new, year, viewing, force)
    else:
        assert ref is not None
        line = _log_on(paths, ref, viewing, force)
    if warning:
        note(f"warning: {warning}")
    note(line)


def _date(value: str) -> str:
    from filmrev.diary import parse_today
    from filmrev.model import parse_date

    day = parse_date(parse_today(value), "--date")
    if day is None:
        raise ValidationError("--date must be a date as YYYY-MM-DD or today")
    return day


def _what(viewing: Any) -> str:
    return f" on {viewing.date}" + (" (rewatch)" if viewing.rewatch else "")


def _log_on(paths: Any, ref: str, viewing: Any, force: bool) -> str:
    from filmrev.commands.common import find_for_change, settle_ref
    from filmrev.diary import is_logged, with_viewing
    from filmrev.transaction import writing

    ref = settle_ref(paths, ref)  # any question before the lock
    with writing(paths) as library:
        review = find_for_change(library, ref)
        if is_logged(review, viewing) and not force:
            raise ValidationError(
                f"{review.display_title} already has this viewing on {viewing.date}; "
                "--force logs it again"
            )
        library.save(review.evolve(**with_viewing(review, viewing)))
    return f"logged {review.display_title}{_what(viewing)}"


def _log_new(paths: Any, title: str, year: str | None, viewing: Any, force: bool) -> str:
    from filmrev import watchlist
    from filmrev.guards import check_new_film
    from filmrev.transaction import writing

    if year is None:
        usage_error("--new needs --year (the film's release year)")
    fields: dict[str, Any] = {
        "title": title,
        "year": year,
        "watched": viewing.date,
        "rating": viewing.rating,
        "viewings": [viewing.to_doc()],
    }
    with writing(paths) as library:
        same = check_new_film(library.summaries(), {"title": title, "year": year}, force=force)
        review = library.add(fields)
        listed = watchlist.entries(library)
        entry = watchlist.entry_of(listed, review.title, review.year)
        if entry is not None:
            watchlist.store(library, [other for other in listed if other.id != entry.id])
    line = f"logged {review.display_title}{_what(viewing)}: new review {review.slug}"
    if entry is not None:
        line += "; taken off the watchlist"
    if same:
        note(f"warning: {same}")
    return line


@app.command("diary")
def diary(
    ctx: typer.Context,
    year: Annotated[
        str | None, typer.Option("--year", "-y", help="Viewings in this year.", show_default=False)
    ] = None,
    month: Annotated[
        str | None,
        typer.Option(
            "--month", help="Viewings in this month.", metavar="YYYY-MM", show_default=False
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option("--from", help="On or after this day.", metavar="DATE", show_default=False),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option("--to", help="On or before this day.", metavar="DATE", show_default=False),
    ] = None,
    output_format: Annotated[
        DiaryFormat, typer.Option("--format", "-f", help="Output format.")
    ] = DiaryFormat.table,
) -> None:
    """Every viewing of every film, newest first, rewatches marked.

    --year is the year you saw the films (not their release year); the filters combine.

    Example: filmrev diary --month 2024-11 --format markdown
    """
    from filmrev.diary import DIARY_COLUMNS, diary_entries, diary_markdown, period
    from filmrev.index import load_summaries

    within = period(year=year, month=month, since=since, until=until)
    entries = diary_entries(load_summaries(library_paths(ctx)), within)
    if not entries:
        filtered = within.start is not None or within.end is not None
        note("no viewings in that period" if filtered else "no viewings in the diary yet")
    if output_format is DiaryFormat.json:
        from filmrev.exporters.json_export import dumps

        write_data(dumps([entry.to_doc() for entry in entries]))
    elif output_format is DiaryFormat.csv:
        from filmrev.exporters.csv_table import docs_csv

        write_data(docs_csv(DIARY_COLUMNS, (entry.to_doc() for entry in entries)))
    elif output_format is DiaryFormat.markdown:
        if entries:
            write_data(diary_markdown(entries))
    elif entries:
        from filmrev.views.diary import diary_table

        console = stdout_console()
        console.print(diary_table(entries, width=console.width))
