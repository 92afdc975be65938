"""``export`` and ``import``: reviews out to files, a static site or Letterboxd, and back in."""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from filmrev.commands.common import app, library_paths, note, usage_error, write_data
from filmrev.errors import ValidationError
from filmrev.terminal import clean

if TYPE_CHECKING:
    from filmrev.importers.merge import Action, Plan
    from filmrev.model import Review

#: Show a progress bar (stderr, terminal only) from this many files or rows on.
PROGRESS_FROM = 200
SHOWN_PROBLEMS = 50
SHOWN_SKIPS = 10


class ExportFormat(str, Enum):
    json = "json"
    markdown = "markdown"
    csv = "csv"
    letterboxd = "letterboxd"
    wordpress = "wordpress"


class StatusFilter(str, Enum):
    published = "published"
    draft = "draft"


class Profile(str, Enum):
    plain = "plain"
    jekyll = "jekyll"
    hugo = "hugo"


class ImportFormat(str, Enum):
    auto = "auto"
    json = "json"
    markdown = "markdown"
    letterboxd = "letterboxd"
    imdb = "imdb"
    wordpress = "wordpress"


# --- export -------------------------------------------------------------------------------------


def _count(number: int, noun: str) -> str:
    """``1 review``, ``2 reviews``."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _write_file(out: str, data: bytes, what: str) -> None:
    """Write one export file atomically (a new file gets the usual umask mode)."""
    from filmrev.storage import atomic_write

    target = Path(out).expanduser()
    if target.is_dir():
        raise ValidationError(f"--out {out} is a directory; --format {what} writes one file")
    existed = target.exists()
    atomic_write(target, data, out)
    if not existed:
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(target, 0o666 & ~mask)


def _export_letterboxd_files(reviews: list[Review], out: str, link_back: bool) -> None:
    """One file, or numbered parts of at most 1 MB each (``name-1.csv``, ...)."""
    from filmrev.exporters.letterboxd import letterboxd_files

    parts = letterboxd_files(reviews, link_back=link_back)
    if len(parts) == 1:
        _write_file(out, parts[0].encode("utf-8"), "letterboxd")
        note(f"exported {_count(len(reviews), 'review')} to {out}")
        return
    target = Path(out).expanduser()
    stem, suffix = (target.stem, target.suffix) if target.suffix else (target.name, ".csv")
    names = [
        str(target.with_name(f"{stem}-{number}{suffix}")) for number in range(1, len(parts) + 1)
    ]
    for name, part in zip(names, parts, strict=True):
        _write_file(name, part.encode("utf-8"), "letterboxd")
    note(
        f"exported {_count(len(reviews), 'review')} in {len(parts)} files of at most 1 MB "
        f"(Letterboxd's limit): {', '.join(names)}"
    )


@app.command("export")
def export(
    ctx: typer.Context,
    output_format: Annotated[
        ExportFormat,
        typer.Option(
            "--format",
            "-f",
            help="json (lossless), markdown, csv (spreadsheet), letterboxd (their import CSV) "
            "or wordpress (WXR for Tools → Import).",
        ),
    ] = ExportFormat.json,
    out: Annotated[
        str | None,
        typer.Option(
            "--out",
            "-o",
            help="A directory for markdown (one file per review), else a file. Default: stdout.",
            metavar="PATH",
            show_default=False,
        ),
    ] = None,
    profile: Annotated[
        Profile | None,
        typer.Option(
            "--profile",
            help="Site layout for markdown --out: plain (the default), jekyll or hugo.",
        ),
    ] = None,
    jsonld: Annotated[
        bool,
        typer.Option("--jsonld", help="Add schema.org Review JSON-LD to each markdown file."),
    ] = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Overwrite or delete files in DIR that filmrev did not write."
        ),
    ] = False,
    site_url: Annotated[
        str | None,
        typer.Option(
            "--site-url",
            help="wordpress: the blog's address (default: the host of the reviews' urls).",
            metavar="URL",
            show_default=False,
        ),
    ] = None,
    author: Annotated[
        str | None,
        typer.Option(
            "--author",
            help="wordpress: the posts' author (default: config author, else your login name).",
            metavar="NAME",
            show_default=False,
        ),
    ] = None,
    tags: Annotated[
        list[str] | None,
        typer.Option(
            "--tag",
            help="wordpress: only reviews with this tag (repeatable).",
            metavar="TAG",
            show_default=False,
        ),
    ] = None,
    year: Annotated[
        str | None,
        typer.Option(
            "--year",
            help="wordpress: only films of this release year.",
            metavar="YEAR",
            show_default=False,
        ),
    ] = None,
    status: Annotated[
        StatusFilter | None,
        typer.Option("--status", help="wordpress: only published or only draft reviews."),
    ] = None,
    permalinks: Annotated[
        str,
        typer.Option(
            "--permalinks",
            help="jekyll: 'keep' serves each post at the path of its url (old blog links "
            "keep working; _redirects lists those that moved).",
            metavar="default|keep",
        ),
    ] = "default",
    with_layouts: Annotated[
        bool,
        typer.Option(
            "--with-layouts",
            help="jekyll/hugo: also write a config and minimal starter layouts.",
        ),
    ] = False,
    link_back: Annotated[
        bool,
        typer.Option(
            "--link-back",
            help="letterboxd: end each review that has a url with 'Originally published at URL'.",
        ),
    ] = False,
) -> None:
    """Export the library: JSON, Markdown (one document, or a site directory), CSV, Letterboxd,
    or WordPress (WXR 1.2 with Gutenberg blocks, for Tools → Import → WordPress).

    markdown --out DIR writes DIR/<slug>.md per review plus the ranked list, and on
    re-export rewrites only what changed (DIR/.filmrev-manifest.json); it never
    overwrites a file it did not write unless --force.

    Example: filmrev export --format markdown --out ~/blog --profile jekyll --jsonld

    Example: filmrev export --format wordpress --status published --out blog.xml
    """
    from filmrev.index import load_library
    from filmrev.progress import command_activity

    is_site = output_format is ExportFormat.markdown and out is not None
    if (profile is not None or jsonld or with_layouts or permalinks != "default") and not is_site:
        usage_error(
            "--profile and --jsonld apply to --format markdown with --out DIR "
            "(so do --permalinks and --with-layouts)"
        )
    if link_back and output_format is not ExportFormat.letterboxd:
        usage_error("--link-back applies to --format letterboxd")
    wordpress_options = (site_url, author, tags or None, year, status)
    if output_format is not ExportFormat.wordpress and any(
        option is not None for option in wordpress_options
    ):
        usage_error("--site-url, --author, --tag, --year and --status apply to --format wordpress")
    progress = command_activity(ctx, "reading the library")  # a terminal only, after 0.5 s
    library = load_library(library_paths(ctx))
    # A site export fingerprints reviews by their stored body hashes and reads a body only
    # for a file it writes: an unchanged export reads no body at all.
    reviews = library.summaries() if is_site else library.reviews()
    if output_format is ExportFormat.wordpress:
        from filmrev.exporters.wordpress import export_wordpress

        progress.phase(f"formatting {_count(len(reviews), 'review')} as WordPress WXR")
        text = export_wordpress(
            reviews,
            site_url=site_url,
            author=author,
            tags=tags or [],
            year=year,
            status=status.value if status else None,
        )
        progress.close()
        if out is None:
            write_data(text)
            return
        _write_file(out, text.encode("utf-8"), output_format.value)
        note(f"exported {_count(text.count('<item>'), 'review')} to {out}")
        return
    if output_format is ExportFormat.letterboxd and out is not None:
        progress.phase(f"formatting {_count(len(reviews), 'review')} as Letterboxd CSV")
        _export_letterboxd_files(reviews, out, link_back)
        progress.close()
        return
    if is_site:
        from filmrev import config
        from filmrev.exporters.site import SiteOptions, export_site

        assert out is not None
        chosen = (profile or Profile.plain).value
        if with_layouts and chosen == "plain":
            usage_error("--with-layouts needs --profile jekyll or hugo")
        progress.phase(f"exporting {_count(len(reviews), 'review')} to {out}")
        report = export_site(
            reviews,
            Path(out).expanduser(),
            profile=chosen,
            jsonld=jsonld,
            force=force,
            options=SiteOptions(author=config.get("author"), permalinks=permalinks),
            full=lambda review: library.get(review.id) or review,
            body_refs={
                review.id: (library.body_info(review.id) or {}).get("sha256", "")
                for review in reviews
            },
        )
        progress.close()
        note(
            f"exported {_count(report.reviews, 'review')} to {out}: "
            f"{_count(len(report.written), 'file')} written, "
            f"{report.unchanged} unchanged, {len(report.removed)} removed"
        )
        if report.kept:
            note(
                f"left in place (edited since filmrev wrote them, or not filmrev's): "
                f"{', '.join(report.kept[:10])}{' …' if len(report.kept) > 10 else ''}"
            )
        if with_layouts:
            from filmrev.exporters.site_layouts import write_starter_files

            starters = write_starter_files(Path(out).expanduser(), chosen)
            kept = f"; {len(starters.kept)} already there, kept" if starters.kept else ""
            note(f"starter layouts: {_count(len(starters.written), 'file')} written{kept}")
        return
    progress.phase(f"formatting {_count(len(reviews), 'review')} as {output_format.value}")
    if output_format is ExportFormat.json:
        from filmrev.exporters.json_export import library_json

        text = library_json(reviews, library.comparisons())
    elif output_format is ExportFormat.csv:
        from filmrev.exporters.csv_table import reviews_csv

        text = reviews_csv(reviews, neutralise_formulas=True)
    elif output_format is ExportFormat.letterboxd:
        from filmrev.exporters.letterboxd import MAX_FILE_BYTES, letterboxd_csv

        text = letterboxd_csv(reviews, link_back=link_back)
        if len(text.encode("utf-8")) > MAX_FILE_BYTES:
            note(
                "this CSV is over 1 MB, more than Letterboxd's importer takes; "
                "--out FILE.csv splits it into FILE-1.csv, FILE-2.csv, ..."
            )
    else:
        from filmrev.exporters.markdown import library_document

        text = library_document(reviews)
    if out is None:
        progress.close()
        write_data(text)
        return
    progress.phase(f"writing {out}")
    _write_file(out, text.encode("utf-8"), output_format.value)
    progress.close()
    note(f"exported {_count(len(reviews), 'review')} to {out}")


# --- import -------------------------------------------------------------------------------------


class _Bar:
    """A Rich progress bar on stderr for one phase at a time."""

    def __init__(self) -> None:
        self._progress: Any = None
        self._task: Any = None

    def start(self, description: str, total: int) -> None:
        if total < PROGRESS_FROM:
            return
        from rich.progress import Progress

        from filmrev.commands.common import stderr_console

        self._progress = Progress(console=stderr_console(), transient=True)
        self._progress.start()
        self._task = self._progress.add_task(description, total=total)

    def advance(self, steps: int = 1) -> None:
        if self._progress is not None:
            self._progress.advance(self._task, steps)

    def stop(self) -> None:
        if self._progress is not None:
            self._progress.stop()
        self._progress = None


def _action_line(action: Action, dry_run: bool) -> str:
    review = action.review
    detail = ""
    if action.changed:
        detail = ": " + ", ".join(action.changed)
    if action.kind == "skip":
        why = (
            "edited in filmrev since its last import"
            if action.imported_before
            else "made in filmrev, never imported"
        )
        detail = f": {why}; --overwrite would set " + ", ".join(action.kept)
    if action.note:
        detail += f" ({action.note})"
    verb = action.kind if dry_run else "skipped"
    return clean(f"{verb:<7} {review.slug}  {review.display_title}{detail}")


def _summary(plan: Plan, dry_run: bool) -> str:
    from filmrev.importers.merge import ADD, SKIP, UNCHANGED, UPDATE

    total = _count(len(plan.actions), "review")
    counts = (
        f"{plan.count(ADD)} added, {plan.count(UPDATE)} updated, {plan.count(UNCHANGED)} unchanged"
    )
    skipped = plan.count(SKIP)
    if skipped:
        counts += f", {skipped} skipped (edited in filmrev; --overwrite replaces them)"
    if dry_run:
        return f"dry run: would import {total}: {counts}; nothing was written"
    return f"imported {total}: {counts}"


@app.command("import", no_args_is_help=True)
def import_reviews(
    ctx: typer.Context,
    path: Annotated[
        str,
        typer.Argument(
            help="A filmrev JSON export, .md file or folder, Letterboxd zip/folder/CSV, "
            "IMDb ratings CSV, or WordPress export (.xml, WordPress.com .zip).",
            metavar="PATH",
            show_default=False,
        ),
    ],
    input_format: Annotated[
        ImportFormat,
        typer.Option("--format", "-f", help="What PATH holds; auto tells by its content."),
    ] = ImportFormat.auto,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run", "-n", help="Print what would be added/updated/skipped; write nothing."
        ),
    ] = False,
    overwrite: Annotated[
        bool,
        typer.Option("--overwrite", help="Let the import replace values edited in filmrev."),
    ] = False,
    ranked_list: Annotated[
        str | None,
        typer.Option(
            "--ranked-list",
            help="Letterboxd: rank films by this list (its name or file name).",
            metavar="NAME",
            show_default=False,
        ),
    ] = None,
    all_types: Annotated[
        bool,
        typer.Option("--all-types", help="IMDb: import series and episodes too, not only films."),
    ] = False,
    all_posts: Annotated[
        bool,
        typer.Option(
            "--all-posts", help="WordPress: import posts without a film year in the title too."
        ),
    ] = False,
    apply_hints: Annotated[
        bool,
        typer.Option(
            "--apply-hints",
            help="WordPress: set ranks (#3 in captions) and ratings (4.5/5) found in posts.",
        ),
    ] = False,
    ignore_unknown: Annotated[
        bool,
        typer.Option(
            "--ignore-unknown",
            help="Markdown: drop front-matter keys filmrev has no field for (other tools' posts).",
        ),
    ] = False,
) -> None:
    """Import reviews: a filmrev export, Markdown files, Letterboxd, IMDb ratings or WordPress.

    Everything is checked first: any problem is listed as file:line: reason and
    nothing is imported. Re-importing the same file changes nothing; a newer
    export updates the films it imported before, unless you edited them in filmrev.

    Example: filmrev import letterboxd-me-2024-06-01-utc.zip --ranked-list 'All-Time Top'
    """
    from filmrev.importers.common import ImportFailed, NoProgress, Progress
    from filmrev.importers.merge import SKIP, apply_plan, plan_import
    from filmrev.importers.sources import read_source
    from filmrev.store import Library, writing

    paths = library_paths(ctx)
    progress: Progress = _Bar() if sys.stderr.isatty() else NoProgress()
    try:
        batch = read_source(
            Path(path).expanduser(),
            input_format.value,
            ranked_list=ranked_list,
            all_types=all_types,
            all_posts=all_posts,
            apply_hints=apply_hints,
            ignore_unknown=ignore_unknown,
            progress=progress,
        )
        if dry_run:
            plan = plan_import(Library.load(paths), batch, overwrite=overwrite, progress=progress)
        else:
            with writing(paths) as library:
                plan = plan_import(library, batch, overwrite=overwrite, progress=progress)
                if plan.changes:
                    library.backup_before("import")
                    apply_plan(library, plan)
    except ImportFailed as failed:
        for line in failed.problems[:SHOWN_PROBLEMS]:
            note(line)
        if len(failed.problems) > SHOWN_PROBLEMS:
            note(f"… and {len(failed.problems) - SHOWN_PROBLEMS} more")
        raise
    for line in plan.notes:
        note(line)
    if dry_run:
        write_data(
            "".join(
                _action_line(action, dry_run=True) + "\n"
                for action in plan.actions
                if action.kind != "unchanged"
            )
        )
    else:
        skips = [action for action in plan.actions if action.kind == SKIP]
        for action in skips[:SHOWN_SKIPS]:
            note(_action_line(action, dry_run=False))
        if len(skips) > SHOWN_SKIPS:
            note(f"… and {len(skips) - SHOWN_SKIPS} more skipped")
    note(_summary(plan, dry_run))
