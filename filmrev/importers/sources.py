"""Telling what PATH holds, and reading it with the matching importer.

Detection is by content (see DECISIONS "Import"): Letterboxd file names or
headers → letterboxd; ``Const,Your Rating`` → imdb; a JSON object → json
(which must say ``"format": "filmrev"``); ``.md`` files → markdown.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from filmrev.errors import ValidationError
from filmrev.importers.common import Batch, Progress, check_input_path, read_input
from filmrev.importers.csvfiles import first_record

FORMATS = ("json", "markdown", "letterboxd", "imdb", "wordpress")
ACCEPTED = (
    "a filmrev JSON export, Markdown review files (.md), a Letterboxd export "
    "(the zip, its folder or one of its CSVs), an IMDb ratings CSV or a WordPress "
    "export (.xml or WordPress.com zip)"
)
SNIFF_BYTES = 1 << 16


def detect_format(path: Path) -> str:
    """``json``, ``markdown``, ``letterboxd`` or ``imdb``; ValidationError when unknown."""
    from filmrev.importers.imdb import looks_like_imdb
    from filmrev.importers.letterboxd import EXPORT_FILES, kind_of_header
    from filmrev.importers.markdown_import import SUFFIXES, markdown_files

    check_input_path(path)
    if path.is_dir():
        # lists/*.csv: a Letterboxd export; lists/*.md: a site export's list pages.
        lists = path / "lists"
        if any((path / name).is_file() for name in EXPORT_FILES) or (
            lists.is_dir() and any(lists.glob("*.csv"))
        ):
            return "letterboxd"
        if markdown_files(path)[0]:
            return "markdown"
        raise ValidationError(
            f"cannot tell what {path} holds (no Letterboxd CSVs, no .md files); "
            f"filmrev imports {ACCEPTED}"
        )
    if zipfile.is_zipfile(path):
        from filmrev.wxr import zip_members

        return "wordpress" if zip_members(path) else "letterboxd"
    if path.suffix.lower() in SUFFIXES:
        return "markdown"
    head = (
        read_input(path, SNIFF_BYTES, head=True).decode("utf-8", "replace").removeprefix("\ufeff")
    )
    start = head.lstrip()
    from filmrev.wxr import looks_like_wxr

    if looks_like_wxr(head) or (path.suffix.lower() == ".xml" and start.startswith("<")):
        return "wordpress"
    if start.startswith("{"):
        return "json"
    if start.startswith("---"):
        return "markdown"
    header = first_record(head)
    if looks_like_imdb(header):
        return "imdb"
    if kind_of_header(header, path.name) is not None:
        return "letterboxd"
    raise ValidationError(
        f"cannot tell the format of {path}; filmrev imports {ACCEPTED} (or say --format)"
    )


def read_source(
    path: Path,
    fmt: str,
    *,
    ranked_list: str | None = None,
    all_types: bool = False,
    all_posts: bool = False,
    apply_hints: bool = False,
    ignore_unknown: bool = False,
    progress: Progress | None = None,
) -> Batch:
    """Read and validate everything at ``path`` (``fmt`` ``auto`` detects it)."""
    check_input_path(path)
    if fmt == "auto":
        fmt = detect_format(path)
    if ignore_unknown and fmt != "markdown":
        raise ValidationError(f"--ignore-unknown applies to Markdown imports, not to {fmt}")
    if ranked_list is not None and fmt != "letterboxd":
        raise ValidationError(f"--ranked-list applies to Letterboxd imports, not to {fmt}")
    if (all_posts or apply_hints) and fmt != "wordpress":
        option = "--all-posts" if all_posts else "--apply-hints"
        raise ValidationError(f"{option} applies to WordPress imports, not to {fmt}")
    if fmt == "wordpress":
        from filmrev.importers.wordpress import read_wordpress

        if path.is_dir():
            raise ValidationError(f"{path} is a directory; give the WordPress .xml or .zip itself")
        return read_wordpress(path, all_posts=all_posts, apply_hints=apply_hints, progress=progress)
    if fmt == "json":
        from filmrev.importers.json_import import read_json

        if path.is_dir():
            raise ValidationError(f"{path} is a directory; a JSON export is one file")
        return read_json(path, progress)
    if fmt == "markdown":
        from filmrev.importers.markdown_import import read_markdown

        return read_markdown(path, progress, ignore_unknown=ignore_unknown)
    if fmt == "letterboxd":
        from filmrev.importers.letterboxd import read_letterboxd

        return read_letterboxd(path, ranked_list, progress)
    if fmt == "imdb":
        from filmrev.importers.imdb import read_imdb

        if path.is_dir():
            raise ValidationError(f"{path} is a directory; give the IMDb ratings CSV itself")
        return read_imdb(path, all_types, progress)
    raise ValidationError(f"unknown import format {fmt!r}; formats: {', '.join(FORMATS)}")
