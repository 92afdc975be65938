"""``backup``, ``backups``, ``restore``, ``doctor``: copies of the library, and checking it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from filmrev.commands.common import (
    TableOrJson,
    app,
    confirm,
    library_paths,
    note,
    stdin_is_tty,
    stdout_console,
    write_data,
)
from filmrev.errors import Cancelled, ChecksFailed

if TYPE_CHECKING:
    from filmrev.doctor import Report
    from filmrev.paths import LibraryPaths


FormatOption = Annotated[TableOrJson, typer.Option("--format", "-f", help="Output format.")]


def _human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB"):
        if value < 1024 or unit == "MB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"  # pragma: no cover - the loop always returns


def _print_backups(paths: LibraryPaths, output_format: TableOrJson) -> None:
    from filmrev.backups import describe, list_backups

    infos = [describe(path) for path in list_backups(paths)]
    if output_format is TableOrJson.json:
        from filmrev.exporters.json_export import dumps

        write_data(dumps([info.to_doc() for info in infos]))
        return
    if not infos:
        note(f"no backups yet in {paths.backups}")
        return
    from filmrev.render import backups_view

    rows = [
        (
            str(number),
            info.created[:19].replace("T", " "),
            info.reason,
            "?" if info.reviews is None else str(info.reviews),
            _human_size(info.size),
            info.path.name,
        )
        for number, info in enumerate(infos, start=1)
    ]
    console = stdout_console()
    console.print(backups_view(rows, console.width), crop=False)  # a name is never cut
    note(f"{len(infos)} backup(s) in {paths.backups}; restore one with `filmrev restore NAME`")


@app.command()
def backup(
    ctx: typer.Context,
    path: Annotated[
        str | None,
        typer.Argument(
            help="Where to put the copy (a file or a directory); default: the backups directory.",
            metavar="PATH",
            show_default=False,
        ),
    ] = None,
    list_them: Annotated[
        bool, typer.Option("--list", "-l", help="List the backups instead of making one.")
    ] = False,
    output_format: FormatOption = TableOrJson.table,
) -> None:
    """Copy the library now and print the copy's path; --list shows the backups.

    Backups are also made before delete, import, tag rename, restore and doctor --fix;
    $FILMREV_BACKUP_KEEP (default 20) are kept in library.json.d/backups/.

    Example: filmrev backup   (or: filmrev backup ~/reviews-2026.json, filmrev backup --list)
    """
    from filmrev.backups import make_backup

    paths = library_paths(ctx)
    if list_them:
        _print_backups(paths, output_format)
        return
    target = make_backup(paths, "manual", Path(path).expanduser() if path else None)
    write_data(f"{target}\n")


@app.command()
def backups(
    ctx: typer.Context,
    output_format: FormatOption = TableOrJson.table,
) -> None:
    """List the library's backups, oldest first (same as backup --list).

    Example: filmrev backups --format json
    """
    _print_backups(library_paths(ctx), output_format)


@app.command(no_args_is_help=True)
def restore(
    ctx: typer.Context,
    source: Annotated[
        str,
        typer.Argument(
            help="A backup: its name from `filmrev backups`, a path, or 'latest'.",
            metavar="BACKUP",
            show_default=False,
        ),
    ],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Replace the library with a backup, atomically; the current file is backed up first.

    The backup must open as a library. Asks on a terminal; without one, needs --yes.

    Example: filmrev restore latest --yes
    """
    from filmrev.backups import check_backup, find_backup, restore

    paths = library_paths(ctx)
    chosen = find_backup(paths, source)
    _, count = check_backup(paths, chosen)
    if not yes:
        if not stdin_is_tty():
            raise Cancelled(f"not restoring {chosen.name}: no terminal to confirm; pass --yes")
        if not confirm(f"Replace {paths.display} with {chosen.name} ({count} reviews)?"):
            raise Cancelled("not restoring; nothing changed")
    result = restore(paths, chosen)
    kept = f"; the previous library is saved as {result.previous}" if result.previous else ""
    note(f"restored {paths.display} from {chosen} ({result.reviews} reviews){kept}")


def _print_report(report: Report, output_format: TableOrJson) -> None:
    if report.backup is not None:
        note(f"backup made before repairs: {report.backup}")
    if output_format is TableOrJson.json:
        from filmrev.exporters.json_export import dumps

        write_data(dumps(report.to_doc()))
        return
    from filmrev.views.doctor import report_view

    stdout_console().print(report_view(report))


@app.command()
def doctor(
    ctx: typer.Context,
    fix: Annotated[
        bool,
        typer.Option("--fix", help="Repair what is safe (after a backup); never deletes a review."),
    ] = False,
    output_format: FormatOption = TableOrJson.table,
) -> None:
    """Check the library: opens, schema, fields, ids, slugs, ranks, tags, permissions, leftovers.

    Exit 0 when healthy, 3 when it found problems. --fix renumbers ranks, suffixes
    duplicate slugs, normalises tags and fields, and removes orphan temp files; it
    never writes a library that does not open (restore a backup instead).

    Example: filmrev doctor --fix
    """
    from filmrev.doctor import diagnose, repair

    paths = library_paths(ctx)
    report = repair(paths) if fix else diagnose(paths)
    _print_report(report, output_format)
    if not report.healthy:
        first = report.problems[0]
        hint = "" if fix else "; `filmrev doctor --fix` repairs what is safe"
        raise ChecksFailed(
            f"{len(report.problems)} problem(s) in {paths.display}: {first.name}: "
            f"{first.detail.split(';')[0]}{hint if _any_fixable(report) else ''}"
        )
    if output_format is TableOrJson.table:
        note("no problems found")


def _any_fixable(report: Report) -> bool:
    return any(check.name != "file" for check in report.problems)
