"""Reading Markdown review files: one ``.md`` file, or a directory of them.

The format is filmrev's own (``export --format markdown --out DIR``): YAML front
matter with review fields under their names, then the body. Hand-written files
may give only some fields (``title`` is the one required); ``id``, ``slug``,
``created`` and ``updated`` are generated when missing. ``index.md`` and
``_index.md`` (ranked-list and section pages) are skipped, as are hidden
directories; a directory holding an export manifest gives just the files
filmrev wrote there (a blog's other pages are not reviews). Files exported with
``--profile jekyll`` or ``hugo`` read back too: their site-only keys (``layout``,
``date``, ``categories``, ``draft``, ``render_with_liquid``, ``jsonld``) are dropped
and Hugo's ``params`` unfolded.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import orjson

from filmrev import frontmatter
from filmrev.errors import ValidationError
from filmrev.exporters.site import MANIFEST
from filmrev.importers.common import (
    SOURCE_FILMREV,
    Batch,
    Incoming,
    NoProgress,
    Problems,
    Progress,
    tracked,
)
from filmrev.importers.csvfiles import decode
from filmrev.model import FIELD_ORDER, Review, now_utc

SKIPPED_NAMES = frozenset({"index.md", "_index.md"})
SUFFIXES = (".md", ".markdown")
#: Front-matter keys that only static-site exports write (see filmrev.exporters.site).
SITE_KEYS = frozenset(
    {"layout", "date", "categories", "draft", "render_with_liquid", "jsonld", "permalink"}
)
PLACEHOLDER_SLUG = "placeholder"
_YAML_LINE = re.compile(r"\(line (\d+)\)")
#: How a validation message names a field when it does not start with the field's name.
_MESSAGE_FIELDS = {"a tag": "tags", "link": "links", "viewings[]": "viewings", "crew[": "crew"}


def _all_markdown(path: Path) -> list[Path]:
    found: list[Path] = []
    for directory, subdirectories, names in os.walk(path):
        subdirectories[:] = sorted(name for name in subdirectories if not name.startswith("."))
        for name in names:
            if name.endswith(SUFFIXES) and name not in SKIPPED_NAMES and not name.startswith("."):
                found.append(Path(directory) / name)
    return sorted(found)


def _manifest_files(path: Path) -> list[Path] | None:
    """The review files an export's manifest lists, or None when there is no manifest."""
    manifest = path / MANIFEST
    if not manifest.is_file() or manifest.is_symlink():
        return None
    try:
        listed = orjson.loads(manifest.read_bytes()).get("files")
    except (OSError, orjson.JSONDecodeError, AttributeError):
        return None
    if not isinstance(listed, dict):
        return None
    found = []
    for relative in listed:
        parts = str(relative).split("/")
        if ".." in parts or not parts[-1].endswith(SUFFIXES) or parts[-1] in SKIPPED_NAMES:
            continue
        candidate = path.joinpath(*parts)
        if candidate.is_file():
            found.append(candidate)
    return sorted(found)


def markdown_files(path: Path) -> tuple[list[Path], int]:
    """The review files at ``path`` and how many other ``.md`` files were passed over.

    A directory with an export manifest (``.filmrev-manifest.json``) gives the files
    filmrev wrote there, so a Jekyll or Hugo site imports without its other pages;
    any other directory gives every ``.md`` file in it and below, index pages aside.
    """
    if not path.is_dir():
        return [path], 0
    every = _all_markdown(path)
    listed = _manifest_files(path)
    if listed is None:
        return every, 0
    return listed, len(set(every) - set(listed))


def _field_line(text: str, message: str) -> int:
    """The front-matter line of the field a validation message is about (else line 1)."""
    quoted = re.match(r"unknown field '([^']+)'", message)
    key = quoted.group(1) if quoted else None
    if key is None:
        for prefix, name in _MESSAGE_FIELDS.items():
            if message.startswith(prefix):
                key = name
                break
    if key is None:
        key = next((name for name in FIELD_ORDER if message.startswith(name)), None)
    if key is None:
        return 1
    for number, line in enumerate(text.split("\n")[1:], start=2):
        if line.rstrip("\r") == "---":
            break
        if line.startswith(f"{key}:"):
            return number
    return 1


def site_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Front matter without static-site-only keys; Hugo's ``params`` unfolded."""
    result = {key: value for key, value in fields.items() if key not in SITE_KEYS}
    params = result.pop("params", None)
    if isinstance(params, dict):
        for key, value in params.items():
            if str(key) not in SITE_KEYS:
                result.setdefault(str(key), value)
    elif params is not None:
        result["params"] = params  # reported as an unknown field
    return result


def read_markdown_file(path: Path, problems: Problems) -> Incoming | None:
    """One review file as a record, or None with the problem recorded."""
    name = str(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        problems.add(f"{name}:1", f"cannot read: {error.strerror or error}")
        return None
    text = decode(raw, name, problems)
    if text is None:
        return None
    try:
        front, body = frontmatter.split(text)
    except ValidationError as error:
        found = _YAML_LINE.search(error.message)
        problems.add(f"{name}:{found.group(1) if found else 1}", error.message)
        return None
    if front is None:
        problems.add(
            f"{name}:1",
            "no front matter: a review file starts with a '---' line; to make a review of "
            f"plain text, use `filmrev add TITLE --body-file {name}`",
        )
        return None
    doc = site_fields(front)
    for key in ("title", "original_title"):
        if isinstance(doc.get(key), int) and not isinstance(doc.get(key), bool):
            doc[key] = str(doc[key])  # `title: 2046` is a title, not a number
    doc["body"] = body
    given = set(doc)
    doc.setdefault("id", 1)
    doc.setdefault("slug", PLACEHOLDER_SLUG)
    doc.setdefault("created", now_utc())
    doc.setdefault("updated", doc["created"])
    try:
        review = Review.from_doc(doc)
    except ValidationError as error:
        problems.add(f"{name}:{_field_line(text, error.message)}", error.message)
        return None
    return Incoming(
        origin=f"{name}:1",
        source=SOURCE_FILMREV,
        provided=frozenset(given - {"id", "rank", "updated"}),
        own_id=review.id if "id" in given else None,
        created=review.created if "created" in given else None,
        updated=review.updated if "updated" in given else None,
        rank=review.rank,
        rank_given="rank" in given,
        review=review,
    )


def read_markdown(path: Path, progress: Progress | None = None) -> Batch:
    """Read and validate every review file under ``path``."""
    progress = progress or NoProgress()
    problems = Problems()
    batch = Batch(format="markdown", label=str(path))
    files, passed_over = markdown_files(path)
    if not files:
        batch.notes.append(f"{path}: no review files (.md) here")
    if passed_over:
        batch.notes.append(
            f"{path}: {passed_over} other .md files are not in its export manifest "
            "and were not read (import them by path)"
        )
    for file in tracked(files, progress, "reading files"):
        record = read_markdown_file(file, problems)
        if record is not None:
            batch.records.append(record)
    problems.raise_if_any(str(path))
    return batch
