"""``filmrev doctor``: check a library file and, with ``--fix``, repair what is safe.

Checks: the file opens (JSON, UTF-8, no duplicate keys, valid fields), schema
version, unique ids (and a ``next_id`` above them), unique slugs, ranks exactly
1..K, tags and fields in normal form, comparisons pointing at existing reviews,
permissions, leftover temp files, and the lock file (which is never deleted).

Repairs (after a backup, under the lock, via ``writing(paths, repair=True)``):
ranks renumbered in their order, duplicate slugs given ``-2``, ``-3`` suffixes,
fields and tags normalised, ``next_id`` raised, dangling comparisons dropped,
group/other write bits removed, orphan temp files deleted, Letterboxd HTML in
review text converted to Markdown. A review is never
deleted, and a file that does not parse is never written.

>>> report = diagnose(resolve_library("library.json"))  # doctest: +SKIP
>>> report.healthy  # doctest: +SKIP
True
"""

from __future__ import annotations

import contextlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from filmrev import ranking
from filmrev.errors import FilmrevError
from filmrev.model import Review, slug_clashes, unique_slug
from filmrev.paths import LibraryPaths
from filmrev.storage import lock_is_held, temp_files
from filmrev.tagging import lookalikes, merge_lookalikes

if TYPE_CHECKING:
    from filmrev.store import Library

Status = Literal["ok", "problem", "fixed", "note"]


@dataclass(frozen=True)
class Check:
    """One line of the report."""

    name: str
    status: Status
    detail: str

    def to_doc(self) -> dict[str, str]:
        return {"check": self.name, "status": self.status, "detail": self.detail}


@dataclass
class Report:
    """Every check of one library, and the backup made before repairs (if any)."""

    paths: LibraryPaths
    checks: list[Check] = field(default_factory=list)
    backup: Path | None = None

    def add(self, name: str, status: Status, detail: str) -> None:
        self.checks.append(Check(name, status, detail))

    @property
    def problems(self) -> list[Check]:
        return [check for check in self.checks if check.status == "problem"]

    @property
    def healthy(self) -> bool:
        return not self.problems

    def to_doc(self) -> dict[str, Any]:
        return {
            "library": str(self.paths.file),
            "healthy": self.healthy,
            "problems": len(self.problems),
            "backup": None if self.backup is None else str(self.backup),
            "checks": [check.to_doc() for check in self.checks],
        }


# --- checks ----------------------------------------------------------------------------


def _orphan_temp_files(paths: LibraryPaths) -> list[Path]:
    """Temp files of interrupted writes: beside the library and in the backups directory."""
    found = temp_files(paths.file)
    if paths.backups.is_dir():
        found.extend(sorted(paths.backups.glob(".library-*.json.*.tmp")))
    return found


def _slug_problems(reviews: list[Review]) -> dict[int, str]:
    """Reviews (by id) whose slug an earlier review (lower id) already holds."""
    entries = ((review.id, review.slug) for review in reviews)
    return {other: slug for slug, _, other in slug_clashes(entries)}


def _unnormal(library: Library) -> tuple[list[int], list[int]]:
    """Ids of reviews whose stored tags, resp. other fields, differ from their normal form."""
    stored = library.tables().get("reviews", {})
    tags: list[int] = []
    other: list[int] = []
    for review in library.summaries():
        doc = stored.get(str(review.id), {})
        normal = library.stored_doc(review)
        if doc.get("tags", []) != normal["tags"]:
            tags.append(review.id)
        if {k: v for k, v in doc.items() if k != "tags"} != {
            k: v for k, v in normal.items() if k != "tags"
        }:
            other.append(review.id)
    return tags, other


def _html_bodies(library: Library) -> list[int]:
    """Reviews from Letterboxd whose text is still Letterboxd's HTML (imported before 13)."""
    from filmrev.bodies import BodyError
    from filmrev.review_html import has_html_tags

    found: list[int] = []
    for review in library.summaries():
        if not review.sources.get("letterboxd"):
            continue
        try:
            body = library.read_body(review.id)
        except BodyError:
            continue  # a damaged body is reported by the body check
        if has_html_tags(body):
            found.append(review.id)
    return found


def _dangling_comparisons(library: Library) -> list[dict[str, Any]]:
    ids = {review.id for review in library.summaries()}
    return [
        comparison
        for comparison in library.comparisons()
        if comparison.get("winner") not in ids or comparison.get("loser") not in ids
    ]


def _ids_list(ids: list[int], limit: int = 8) -> str:
    shown = ", ".join(str(review_id) for review_id in ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def _check_permissions(paths: LibraryPaths, report: Report) -> None:
    try:
        mode = stat.S_IMODE(os.stat(paths.file).st_mode)
    except OSError:
        return
    if mode & 0o022:
        report.add(
            "permissions",
            "problem",
            f"library mode {mode:04o}: other users can write to it; "
            f"`doctor --fix` or `chmod go-w {paths.file}`",
        )
    elif mode & 0o044:
        report.add("permissions", "ok", f"library mode {mode:04o} (others may read it; kept)")
    else:
        report.add("permissions", "ok", f"library mode {mode:04o}")
    if paths.data_dir.is_dir():
        dir_mode = stat.S_IMODE(os.stat(paths.data_dir).st_mode)
        if dir_mode & 0o077:
            report.add(
                "permissions",
                "problem",
                f"{paths.data_dir.name}/ mode {dir_mode:04o}: backups and drafts should be "
                "private (0700); `doctor --fix` sets it",
            )


def _check_files(paths: LibraryPaths, report: Report) -> None:
    orphans = _orphan_temp_files(paths)
    busy = lock_is_held(paths.lock)
    if orphans:
        names = ", ".join(path.name for path in orphans[:3])
        more = f" and {len(orphans) - 3} more" if len(orphans) > 3 else ""
        report.add(
            "temp files",
            "note" if busy else "problem",
            f"{len(orphans)} left by interrupted writes ({names}{more}); "
            + ("a write is running now" if busy else "`doctor --fix` removes them"),
        )
    else:
        report.add("temp files", "ok", "none left over")
    if paths.lock.is_dir():
        report.add("lock", "problem", f"{paths.lock} is a directory; writes cannot lock it")
    elif busy:
        report.add("lock", "note", "another filmrev process is writing right now")
    elif paths.lock.exists():
        report.add("lock", "ok", f"{paths.lock.name} present and free (it is kept on purpose)")
    else:
        report.add("lock", "ok", "no lock file yet (made by the first write)")


def _check_bodies(library: Library, report: Report) -> None:
    """Every body the library refers to is in the store, whole (its hash checked)."""
    damaged: list[str] = []
    old: list[str] = []
    for review in library.summaries():
        info = library.body_info(review.id)
        if info is not None and (problem := library.bodies.check(info["sha256"])):
            damaged.append(f"review {review.id} ({review.slug}): {problem}")
        for entry in library.history(review.id):
            if library.bodies.check(entry["sha256"]):
                old.append(f"{review.slug}")
    if damaged:
        more = f" and {len(damaged) - 1} more" if len(damaged) > 1 else ""
        report.add(
            "bodies",
            "problem",
            f"{len(damaged)} review body file(s) missing or damaged: {damaged[0]}{more}; "
            "restore the library folder from a copy, or re-enter the text with `filmrev edit`",
        )
    else:
        report.add("bodies", "ok", "every review body is present and matches its hash")
    if old:
        report.add(
            "history", "note", f"{len(old)} earlier version(s) are missing ({', '.join(old[:3])})"
        )


def _check_library(library: Library, report: Report) -> None:
    reviews = library.summaries()
    meta = library.meta
    report.add("schema", "ok", f"schema {meta.get('schema')}, {len(reviews)} reviews")
    report.add("fields", "ok", "every review has valid field types")
    highest = max((review.id for review in reviews), default=0)
    next_id = int(meta.get("next_id", 1))
    if next_id <= highest:
        report.add(
            "ids",
            "problem",
            f"next_id {next_id} is not above the highest id {highest}: a new review would "
            "overwrite one; `doctor --fix` raises it",
        )
    else:
        report.add("ids", "ok", f"unique; next id {next_id}")
    clashes = _slug_problems(reviews)
    if clashes:
        report.add(
            "slugs",
            "problem",
            f"{len(clashes)} duplicate slug(s) ({', '.join(sorted(set(clashes.values()))[:3])}); "
            "`doctor --fix` gives later reviews -2, -3 suffixes",
        )
    else:
        report.add("slugs", "ok", "unique")
    rank_problems = ranking.validate_ranks({review.id: review.rank for review in reviews})
    ranked = sum(review.rank is not None for review in reviews)
    if rank_problems:
        report.add(
            "ranks",
            "problem",
            f"{'; '.join(rank_problems[:3])}; `doctor --fix` renumbers them 1..{ranked} in order",
        )
    else:
        report.add("ranks", "ok", f"exactly 1..{ranked}" if ranked else "no ranked films")
    tags, other = _unnormal(library)
    if tags:
        report.add(
            "tags",
            "problem",
            f"reviews {_ids_list(tags)}: tags not trimmed or repeated; `doctor --fix` tidies them",
        )
    else:
        report.add("tags", "ok", "normalised")
    groups = lookalikes(reviews)
    if groups:
        shown = "; ".join(" = ".join(repr(tag) for tag in group) for group in groups[:3])
        report.add(
            "look-alike tags",
            "problem",
            f"{len(groups)} tag(s) spelled more than one way ({shown}); "
            "`doctor --fix` merges each into its first spelling",
        )
    if other:
        report.add(
            "normal form",
            "problem",
            f"reviews {_ids_list(other)}: stored fields not in normal form "
            "(spaces, missing keys); `doctor --fix` rewrites them",
        )
    html = _html_bodies(library)
    if html:
        report.add(
            "review html",
            "problem",
            f"reviews {_ids_list(html)}: Letterboxd HTML in the text (`show` and sites drop it); "
            "`doctor --fix` converts it to Markdown",
        )
    dangling = _dangling_comparisons(library)
    if dangling:
        report.add(
            "comparisons",
            "problem",
            f"{len(dangling)} refer to reviews that do not exist; `doctor --fix` drops them",
        )


def diagnose(paths: LibraryPaths) -> Report:
    """Check the library without changing anything."""
    from filmrev.store import Library

    report = Report(paths)
    if paths.file.is_symlink() or paths.given != paths.file:
        report.add("file", "ok", f"{paths.given} is a link to {paths.file}")
    try:
        library = Library.load(paths, exact=True)
    except FilmrevError as error:
        report.add("file", "problem", _unreadable_hint(paths, error.message))
        library = None
    if library is not None:
        if not library.exists:
            report.add("file", "ok", "no library yet (a missing file is an empty library)")
        else:
            report.add("file", "ok", "opens as a filmrev library")
            _check_library(library, report)
            _check_bodies(library, report)
            _check_permissions(paths, report)
    _check_files(paths, report)
    return report


def _unreadable_hint(paths: LibraryPaths, message: str) -> str:
    from filmrev.backups import list_backups, newest_that_opens

    try:
        backups = list_backups(paths)
    except FilmrevError:
        backups = []
    good = newest_that_opens(paths, backups) if backups else None
    if good is not None:
        newest = "newest" if good == backups[-1] else "the newest that opens"
        hint = f"restore a backup: `filmrev restore {good.name}` ({newest})"
    elif backups:
        hint = f"none of the {len(backups)} backups opens either; fix it by hand"
    else:
        hint = "no backups to restore; fix it by hand"
    return f"{message}; doctor will not write it; {hint}"


# --- repairs ---------------------------------------------------------------------------


def _fixable(report: Report) -> bool:
    names = {check.name for check in report.problems}
    return "file" not in names and bool(names)


def repair(paths: LibraryPaths) -> Report:
    """``doctor --fix``: back up, repair what is safe, and report again.

    Fixed items appear with status ``fixed``; what could not be fixed stays a problem.
    """
    from filmrev.transaction import writing

    before = diagnose(paths)
    collected = _collect_bodies(paths, before)
    if not _fixable(before):
        if collected:
            before.add("repair", "fixed", collected)
        return before
    done: list[str] = []
    backup: Path | None = None
    with writing(paths, repair=True) as library:
        if library.exists:
            from filmrev.backups import make_backup

            backup = make_backup(paths, "doctor-fix")
        done.extend(_repair_library(library))
        for orphan in _orphan_temp_files(paths):  # safe: we hold the lock, no write is running
            with contextlib.suppress(FileNotFoundError):
                orphan.unlink()
                done.append(f"removed {orphan.name}")
    done.extend(_repair_modes(paths))
    after = diagnose(paths)
    after.backup = backup
    if collected:
        done.append(collected)
    for action in done:
        after.add("repair", "fixed", action)
    return after


def _collect_bodies(paths: LibraryPaths, report: Report) -> str | None:
    """``filmrev gc`` as part of ``doctor --fix``: what it freed, if anything."""
    if any(check.name == "file" for check in report.problems) or not paths.file.exists():
        return None
    from filmrev.history import collect

    try:
        done = collect(paths)
    except FilmrevError as error:
        return f"left unreferenced bodies in place: {error.message}"
    if not done.bodies:
        return None
    return f"removed {done.bodies} unreferenced body file(s), freeing {done.freed} bytes"


def _repair_library(library: Library) -> list[str]:
    done: list[str] = []
    tags, other = _unnormal(library)
    untidy = sorted(set(tags) | set(other))
    for review_id in untidy:
        review = library.summary(review_id)
        if review is not None:
            library.save(review, touch=False)
    if untidy:
        library.mark_dirty()
        done.append(f"normalised the stored fields of reviews {_ids_list(untidy)}")
    merged = merge_lookalikes(library.reviews())
    for review in merged:
        library.save(review, touch=False)
    if merged:
        done.append(f"merged look-alike tags on reviews {_ids_list([r.id for r in merged])}")
    reviews = library.summaries()
    taken = library.slugs()
    for review_id, slug in sorted(_slug_problems(reviews).items()):
        review = library.summary(review_id)
        if review is None:
            continue
        new_slug = unique_slug(slug, taken)
        taken.add(new_slug)
        library.save(review.evolve(slug=new_slug), touch=False)
        done.append(f"review {review_id}: slug {slug} -> {new_slug}")
    html = _html_bodies(library)
    if html:
        from filmrev.review_html import html_to_markdown

        for review_id in html:
            review = library.get(review_id)
            if review is not None:
                library.save(review.evolve(body=html_to_markdown(review.body)), touch=False)
        done.append(f"converted the Letterboxd HTML of reviews {_ids_list(html)} to Markdown")
    ranks = {review.id: review.rank for review in library.summaries()}
    if ranking.validate_ranks(ranks):
        order = ranking.order_from_ranks(ranks)
        library.set_order(order)
        done.append(f"renumbered ranks 1..{len(order)} keeping their order")
    highest = max((review.id for review in library.summaries()), default=0)
    if int(library.meta.get("next_id", 1)) <= highest:
        library.set_next_id(highest + 1)
        done.append(f"next_id raised to {highest + 1}")
    dangling = _dangling_comparisons(library)
    if dangling:
        library.replace_comparisons(c for c in library.comparisons() if c not in dangling)
        done.append(f"dropped {len(dangling)} comparison(s) with missing reviews")
    return done


def _repair_modes(paths: LibraryPaths) -> list[str]:
    done: list[str] = []
    for path, private in ((paths.file, False), (paths.data_dir, True)):
        try:
            mode = stat.S_IMODE(os.stat(path).st_mode)
        except OSError:
            continue
        wanted = mode & ~0o077 if private else mode & ~0o022
        if wanted != mode:
            os.chmod(path, wanted)
            done.append(f"{path.name}: mode {mode:04o} -> {wanted:04o}")
    return done
