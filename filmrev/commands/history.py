"""``history`` (earlier versions of a review's body, diff, restore) and ``gc``."""

from __future__ import annotations

from typing import Annotated

import typer

from filmrev.commands.common import (
    app,
    find,
    find_for_change,
    library_paths,
    note,
    stdout_console,
    write_data,
)


def _size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{size} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"  # pragma: no cover


@app.command(no_args_is_help=True)
def history(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(help="Id or slug.", metavar="REF", show_default=False)],
    show_diff: Annotated[
        bool, typer.Option("--diff", help="Show what changed since version N (default: latest).")
    ] = False,
    restore: Annotated[
        int | None,
        typer.Option("--restore", metavar="N", help="Bring back version N (a normal edit)."),
    ] = None,
    number: Annotated[
        int | None, typer.Argument(help="Version for --diff.", metavar="[N]", show_default=False)
    ] = None,
) -> None:
    """Earlier versions of a review's text: when saved and how many words.

    Example: filmrev history amour-2012 --diff 1   (then: filmrev history amour-2012 --restore 1)
    """
    from filmrev import history as revisions

    paths = library_paths(ctx)
    if restore is not None:
        from filmrev.transaction import writing

        with writing(paths) as library:
            review = find_for_change(library, ref)
            revisions.restore(library, review, restore)
        note(f"restored version {restore} of {review.slug} (the text it replaced is kept)")
        return
    from filmrev.commands.common import load_library

    library = load_library(paths)
    review = find(library, ref)
    if show_diff:
        write_data(revisions.diff(library, review, number))
        return
    earlier = revisions.versions(library, review.id)
    if not earlier:
        note(f"{review.slug} has no earlier versions")
        return
    from filmrev.views.history import versions_table

    stdout_console().print(versions_table(earlier, review))


@app.command()
def gc(
    ctx: typer.Context,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Say what would be removed; remove nothing.")
    ] = False,
) -> None:
    """Remove review bodies nothing refers to (not the library, its history, or a backup).

    Example: filmrev gc --dry-run
    """
    from filmrev.history import collect

    done = collect(library_paths(ctx), dry_run=dry_run)
    verb = "would free" if dry_run else "freed"
    note(f"{verb} {_size(done.freed)}: {done.bodies} unreferenced bodies; {done.kept} kept")
