"""``export`` and ``import``: reviews out to files, a static site or Letterboxd, and back in."""

from __future__ import annotations

import functools
import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from filmrev.commands.common import app, library_paths, note, usage_error, write_data
from filmrev.errors import ValidationError
from filmrev.exporters import EXPORTERS, ExportJob, export_names, exporter, format_help
from filmrev.importers import import_names
from filmrev.terminal import clean

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from filmrev.film_lists import FilmList
    from filmrev.importers.merge import Action, Plan
    from filmrev.model import Review
    from filmrev.progress import Activity

#: Show a progress bar (stderr, terminal only) from this many files or rows on.
PROGRESS_FROM = 200
SHOWN_PROBLEMS = 50
SHOWN_SKIPS = 10


# The --format choices come from the registries (filmrev.exporters, filmrev.importers).
if TYPE_CHECKING:

    class ExportFormat(str, Enum):
        """The names of :data:`filmrev.exporters.EXPORTERS`."""

    class ImportFormat(str, Enum):
        """``auto`` and the names of :data:`filmrev.importers.IMPORTERS`."""

else:
    ExportFormat = Enum("ExportFormat", {name: name for name in export_names()}, type=str)
    ImportFormat = Enum(
        "ImportFormat", {name: name for name in ("auto", *import_names())}, type=str
    )

DEFAULT_EXPORT_FORMAT = ExportFormat(EXPORTERS[0].name)
AUTO_IMPORT_FORMAT = ImportFormat("auto")


class StatusFilter(str, Enum):
    published = "published"
    draft = "draft"


class Profile(str, Enum):
    plain = "plain"
    jekyll = "jekyll"
    hugo = "hugo"


# --- export -------------------------------------------------------------------------------------


def _count(number: int, noun: str) -> str:
    """``1 review``, ``2 reviews``."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _write_file(out: str, data: bytes, what: str) -> None:
    """Write one export file atomically (a new file gets the usual umask mode)."""
    from filmrev.filemode import new_file_mode
    from filmrev.storage import atomic_write

    target = Path(out).expanduser()
    if target.is_dir():
        raise ValidationError(f"--out {out} is a directory; --format {what} writes one file")
    atomic_write(target, data, out, new_mode=new_file_mode())


def _export_parts(parts: list[str], reviews: int, out: str, what: str) -> None:
    """One file, or numbered parts of at most 1 MB each (``name-1.csv``, ...)."""
    if len(parts) == 1:
        _write_file(out, parts[0].encode("utf-8"), what)
        note(f"exported {_count(reviews, 'review')} to {out}")
        return
    target = Path(out).expanduser()
    stem, suffix = (target.stem, target.suffix) if target.suffix else (target.name, ".csv")
    names = [
        str(target.with_name(f"{stem}-{number}{suffix}")) for number in range(1, len(parts) + 1)
    ]
    for name, part in zip(names, parts, strict=True):
        _write_file(name, part.encode("utf-8"), what)
    note(
        f"exported {_count(reviews, 'review')} in {len(parts)} files of at most 1 MB "
        f"(Letterboxd's limit): {', '.join(names)}"
    )


@app.command("export")
def export(
    ctx: typer.Context,
    list_name: Annotated[
        str | None,
        typer.Argument(
            help="letterboxd-list: the list to export (its name or slug).",
            metavar="[NAME]",
            show_default=False,
        ),
    ] = None,
    output_format: Annotated[
        ExportFormat,
        typer.Option(
            "--format",
            "-f",
            help=format_help(),
        ),
    ] = DEFAULT_EXPORT_FORMAT,
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
    year_posts: Annotated[
        bool,
        typer.Option(
            "--year-posts",
            help="jekyll/hugo: also write a year-in-review post per year ('My 2024 in film').",
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

    Example: filmrev export -f markdown --out ~/blog --profile hugo --year-posts

    Example: filmrev export --format wordpress --status published --out blog.xml

    Example: filmrev export --format letterboxd-list 'Best of 2012' --out best-of-2012.csv
    """
    from filmrev import watchlist
    from filmrev.film_lists import load_lists
    from filmrev.index import load_library
    from filmrev.progress import command_activity

    chosen_format = exporter(output_format.value)
    if chosen_format.named and not list_name:
        usage_error(
            f"--format {chosen_format.name} needs the list's NAME: export --format "
            f"{chosen_format.name} 'Best of 2012'"
        )
    if list_name is not None and not chosen_format.named:
        usage_error("a NAME argument goes with --format letterboxd-list")
    is_site = chosen_format.site and out is not None
    site_only = (profile is not None, jsonld, with_layouts, year_posts, permalinks != "default")
    if any(site_only) and not is_site:
        usage_error(
            "--profile and --jsonld apply to --format markdown with --out DIR "
            "(so do --permalinks, --with-layouts and --year-posts)"
        )
    if link_back and "link_back" not in chosen_format.options:
        usage_error("--link-back applies to --format letterboxd")
    wordpress_options = {
        "site_url": site_url,
        "author": author,
        "tags": tags or None,
        "year": year,
        "status": status,
    }
    if any(
        value is not None and name not in chosen_format.options
        for name, value in wordpress_options.items()
    ):
        usage_error("--site-url, --author, --tag, --year and --status apply to --format wordpress")
    progress = command_activity(ctx, "reading the library")  # a terminal only, after 0.5 s
    library = load_library(library_paths(ctx))
    # A site export fingerprints reviews by their stored body hashes and reads a body only
    # for a file it writes: an unchanged export reads no body at all.
    reviews = library.summaries() if is_site else library.reviews()
    if is_site:
        assert out is not None
        lists = load_lists(library)
        infos = [(review, library.body_info(review.id) or {}) for review in reviews]
        _export_site(
            reviews,
            lists,
            out,
            profile,
            jsonld,
            force,
            permalinks,
            with_layouts,
            progress,
            year_posts=year_posts,
            lists_table=library.table_docs("lists") if year_posts else {},
            full=lambda review: library.get(review.id) or review,
            body_refs={review.id: info.get("sha256", "") for review, info in infos},
            body_words={review.id: int(info.get("words", 0)) for review, info in infos},
        )
        return
    job = ExportJob(
        reviews,
        comparisons=library.comparisons,
        watchlist=lambda: [entry.to_doc() for entry in watchlist.entries(library)],
        lists=functools.cache(lambda: load_lists(library)),  # read once: render and count
        list_name=list_name,
        link_back=link_back,
        site_url=site_url,
        author=author,
        tags=tags or [],
        year=year,
        status=status.value if status else None,
    )
    progress.phase(f"formatting {_count(len(reviews), 'review')} as {chosen_format.label}")
    if chosen_format.parts is not None and out is not None:
        _export_parts(chosen_format.parts(job), len(reviews), out, chosen_format.name)
        progress.close()
        return
    text = chosen_format.render(job)
    advice = chosen_format.advice(text) if chosen_format.advice else None
    if advice:
        note(advice)
    if out is None:
        progress.close()
        write_data(text)
        return
    progress.phase(f"writing {out}")
    _write_file(out, text.encode("utf-8"), chosen_format.name)
    progress.close()
    note(f"exported {_count(chosen_format.count(text, job), chosen_format.noun)} to {out}")


def _export_site(
    reviews: list[Review],
    lists: list[FilmList],
    out: str,
    profile: Profile | None,
    jsonld: bool,
    force: bool,
    permalinks: str,
    with_layouts: bool,
    progress: Activity,
    *,
    year_posts: bool = False,
    lists_table: Mapping[int, Mapping[str, Any]] | None = None,
    full: Callable[[Review], Review] | None = None,
    body_refs: Mapping[int, str] | None = None,
    body_words: Mapping[int, int] | None = None,
) -> None:
    """``export --format markdown --out DIR``: a site directory, rewritten incrementally.

    ``reviews`` may be summaries: ``full(review)`` reads a body only for a file that is
    written, and ``body_refs`` (review id → stored body hash) fingerprints the rest.
    """
    from filmrev import config
    from filmrev.exporters.site import SiteOptions, export_site

    chosen = (profile or Profile.plain).value
    if with_layouts and chosen == "plain":
        usage_error("--with-layouts needs --profile jekyll or hugo")
    if year_posts and chosen == "plain":
        usage_error("--year-posts needs --profile jekyll or hugo")
    progress.phase(f"exporting {_count(len(reviews), 'review')} to {out}")
    report = export_site(
        reviews,
        Path(out).expanduser(),
        profile=chosen,
        jsonld=jsonld,
        force=force,
        options=SiteOptions(
            author=config.get("author"),
            permalinks=permalinks,
            year_posts=year_posts,
            lists_table=lists_table or {},
        ),
        lists=lists,
        full=full,
        body_refs=body_refs,
        body_words=body_words,
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


# --- import -------------------------------------------------------------------------------------


class _Bar:
    """A Rich progress bar on stderr for one phase at a time."""

    def __init__(self) -> None:
        self._progress: Any = None
        self._task: Any = None

    def start(self, description: str, total: int) -> None:
        if total < PROGRESS_FROM:
            return
        from filmrev.commands.common import stderr_console
        from filmrev.views.progress import bar

        self._progress = bar(stderr_console())
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
    ] = AUTO_IMPORT_FORMAT,
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
    from filmrev.backups import backup_before
    from filmrev.importers.common import ImportFailed, NoProgress, Progress
    from filmrev.importers.merge import SKIP, apply_plan, plan_import
    from filmrev.importers.sources import read_source
    from filmrev.store import Library
    from filmrev.transaction import writing

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
                    backup_before(library, "import")
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
    if plan.watchlist is not None:
        note(("dry run: " if dry_run else "") + plan.watchlist.summary())
    note(_summary(plan, dry_run))
