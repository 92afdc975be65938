"""Importers: one module per input format, each with one entry function.

:data:`IMPORTERS` is the registry: each format says once what it is called, how
``--format auto`` recognises it (:class:`Rule`) and which function reads it. The
``import --format`` choices, detection and dispatch (``filmrev.importers.sources``)
come from it. This module stays cheap to import (the CLI builds its choices at
start-up): every importer module is imported only when its format is used.

Adding a format is one entry in :data:`IMPORTERS`::

    Importer(
        "goodfilms",
        "a Goodfilms CSV",                       # joins the "filmrev imports ..." message
        rules=(Rule(75, "file", _looks_like_goodfilms),),
        read=_read_goodfilms,                     # (path, options, progress) -> Batch
    )
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from filmrev.importers.common import Batch, Progress

SNIFF_BYTES = 1 << 16


@dataclass(frozen=True)
class ImportOptions:
    """The import options a format may use (the others it ignores or refuses)."""

    ranked_list: str | None = None
    all_types: bool = False
    all_posts: bool = False
    apply_hints: bool = False
    ignore_unknown: bool = False


class Probe:
    """What detection looks at, each piece read once and only when a rule asks for it."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @cached_property
    def is_dir(self) -> bool:
        return self.path.is_dir()

    @cached_property
    def is_zip(self) -> bool:
        import zipfile

        return zipfile.is_zipfile(self.path)

    @property
    def suffix(self) -> str:
        return self.path.suffix.lower()

    @cached_property
    def head(self) -> str:
        """The first 64 KiB as text (BOM dropped)."""
        from filmrev.importers.common import read_input

        data = read_input(self.path, SNIFF_BYTES, head=True)
        return data.decode("utf-8", "replace").removeprefix("\ufeff")

    @property
    def start(self) -> str:
        return self.head.lstrip()

    @cached_property
    def header(self) -> list[str]:
        """The first CSV record of the head."""
        from filmrev.importers.csvfiles import first_record

        return first_record(self.head)


@dataclass(frozen=True)
class Rule:
    """``--format auto`` picks the format of the first rule that holds, by ``step``.

    Steps order the checks across formats: 10-19 the shape of a directory, 20-29 a
    zip, 30-39 the file name, 40-89 the content. ``on`` says whether the rule is
    about a directory or a file (a rule is asked only about its kind of path).
    """

    step: int
    on: Literal["dir", "file"]
    holds: Callable[[Probe], bool]


@dataclass(frozen=True)
class Importer:
    """One input format: its ``--format`` name, how it is recognised, how it is read."""

    name: str
    #: How the "filmrev imports ..." message names what it accepts.
    accepted: str
    rules: tuple[Rule, ...]
    read: Callable[[Path, ImportOptions, Progress | None], Batch]
    #: When set, a directory is refused with "PATH is a directory; <file_only>".
    file_only: str | None = None


# --- the formats (entry functions and checks import their module when called) --------------


def _read_json(path: Path, options: ImportOptions, progress: Progress | None) -> Batch:
    from filmrev.importers.json_import import read_json

    return read_json(path, progress)


def _read_markdown(path: Path, options: ImportOptions, progress: Progress | None) -> Batch:
    from filmrev.importers.markdown_import import read_markdown

    return read_markdown(path, progress, ignore_unknown=options.ignore_unknown)


def _read_letterboxd(path: Path, options: ImportOptions, progress: Progress | None) -> Batch:
    from filmrev.importers.letterboxd import read_letterboxd

    return read_letterboxd(path, options.ranked_list, progress)


def _read_imdb(path: Path, options: ImportOptions, progress: Progress | None) -> Batch:
    from filmrev.importers.imdb import read_imdb

    return read_imdb(path, options.all_types, progress)


def _read_wordpress(path: Path, options: ImportOptions, progress: Progress | None) -> Batch:
    from filmrev.importers.wordpress import read_wordpress

    return read_wordpress(
        path, all_posts=options.all_posts, apply_hints=options.apply_hints, progress=progress
    )


def _letterboxd_folder(probe: Probe) -> bool:
    from filmrev.importers.letterboxd import EXPORT_FILES

    path = probe.path
    # lists/*.csv: a Letterboxd export; lists/*.md: a site export's list pages.
    lists = path / "lists"
    return any((path / name).is_file() for name in EXPORT_FILES) or (
        lists.is_dir() and any(lists.glob("*.csv"))
    )


def _letterboxd_header(probe: Probe) -> bool:
    from filmrev.importers.letterboxd import kind_of_header

    return kind_of_header(probe.header, probe.path.name) is not None


def _markdown_folder(probe: Probe) -> bool:
    from filmrev.importers.markdown_import import markdown_files

    return bool(markdown_files(probe.path)[0])


def _markdown_name(probe: Probe) -> bool:
    from filmrev.importers.markdown_import import SUFFIXES

    return probe.suffix in SUFFIXES


def _wordpress_zip(probe: Probe) -> bool:
    from filmrev.wxr import zip_members

    return probe.is_zip and bool(zip_members(probe.path))


def _wordpress_xml(probe: Probe) -> bool:
    from filmrev.wxr import looks_like_wxr

    return looks_like_wxr(probe.head) or (probe.suffix == ".xml" and probe.start.startswith("<"))


def _imdb_header(probe: Probe) -> bool:
    from filmrev.importers.imdb import looks_like_imdb

    return looks_like_imdb(probe.header)


#: Every import format, in the order ``--format`` lists them.
IMPORTERS: tuple[Importer, ...] = (
    Importer(
        "json",
        "a filmrev JSON export",
        rules=(Rule(50, "file", lambda probe: probe.start.startswith("{")),),
        read=_read_json,
        file_only="a JSON export is one file",
    ),
    Importer(
        "markdown",
        "Markdown review files (.md)",
        rules=(
            Rule(12, "dir", _markdown_folder),
            Rule(30, "file", _markdown_name),
            Rule(60, "file", lambda probe: probe.start.startswith("---")),
        ),
        read=_read_markdown,
    ),
    Importer(
        "letterboxd",
        "a Letterboxd export (the zip, its folder or one of its CSVs)",
        rules=(
            Rule(10, "dir", _letterboxd_folder),
            Rule(22, "file", lambda probe: probe.is_zip),
            Rule(80, "file", _letterboxd_header),
        ),
        read=_read_letterboxd,
    ),
    Importer(
        "imdb",
        "an IMDb ratings CSV",
        rules=(Rule(70, "file", _imdb_header),),
        read=_read_imdb,
        file_only="give the IMDb ratings CSV itself",
    ),
    Importer(
        "wordpress",
        "a WordPress export (.xml or WordPress.com zip)",
        rules=(Rule(20, "file", _wordpress_zip), Rule(40, "file", _wordpress_xml)),
        read=_read_wordpress,
        file_only="give the WordPress .xml or .zip itself",
    ),
)


def import_names() -> tuple[str, ...]:
    """The ``import --format`` names (``auto`` aside)."""
    return tuple(importer.name for importer in IMPORTERS)


def importer(name: str) -> Importer | None:
    """The registered importer called ``name``."""
    return next((entry for entry in IMPORTERS if entry.name == name), None)


def accepted() -> str:
    """``a filmrev JSON export, ..., an IMDb ratings CSV or a WordPress export (...)``."""
    phrases = [entry.accepted for entry in IMPORTERS]
    return ", ".join(phrases[:-1]) + " or " + phrases[-1]


def detect(probe: Probe) -> str | None:
    """The format of the first rule (by step) that holds for ``probe``, else None."""
    kind = "dir" if probe.is_dir else "file"
    candidates = [
        (rule.step, position, rule, entry.name)
        for position, entry in enumerate(IMPORTERS)
        for rule in entry.rules
        if rule.on == kind
    ]
    candidates.sort(key=lambda candidate: candidate[:2])
    for _, _, rule, name in candidates:
        if rule.holds(probe):
            return name
    return None
