"""Reading Markdown review files: one ``.md`` file, or a directory of them.

The format is filmrev's own (``export --format markdown --out DIR``): YAML front
matter with review fields under their names, then the body. Hand-written files
may give only some fields (``title`` is the one required); ``id``, ``slug``,
``created`` and ``updated`` are generated when missing. ``index.md`` and
``_index.md`` (ranked-list and section pages) are skipped, as are hidden
directories; a directory holding an export manifest gives just the files
filmrev wrote there (a blog's other pages are not reviews). Files exported with
``--profile jekyll`` or ``hugo`` read back too: their site-only keys (``layout``,
``date``, ``categories``, ``draft``, ``render_with_liquid``, ``jsonld``, ``permalink``,
``redirect_from``) are dropped, Jekyll's ``published_on`` is ``published``, and Hugo's
``params`` unfolded.

Files written by other tools (a Jekyll ``_posts`` folder, Hugo ``content``) are
mapped where the meaning is clear (:func:`foreign_fields`): ``date`` → ``published``
(and status published unless ``draft: true``), ``draft: false`` → published
(``true`` → draft), Jekyll's ``published: true|false`` → status, ``categories`` (when the model has
the field; else it is unknown), a ``"Title (Year)"`` title → title and year,
``film_year`` → ``year``, ``imdb_link``/``imdb_id`` → ``sources.imdb``. Every
unknown key of a file is reported at once; ``ignore_unknown`` drops them instead
(and says how many files had some).
"""

from __future__ import annotations

import os
import re
from datetime import date, datetime
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
    read_input,
    tracked,
)
from filmrev.importers.csvfiles import decode
from filmrev.model import FIELD_ORDER, Review, now_utc

SKIPPED_NAMES = frozenset({"index.md", "_index.md"})
SUFFIXES = (".md", ".markdown")
#: Front-matter keys that only static-site exports write (see filmrev.exporters.site).
SITE_KEYS = frozenset(
    {
        "layout",
        "date",
        "draft",
        "render_with_liquid",
        "jsonld",
        "permalink",
        "redirect_from",
    }
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
        return _inside_only(path, every), 0
    return _inside_only(path, listed), len(set(every) - set(listed))


def _inside_only(root: Path, files: list[Path]) -> list[Path]:
    """The files that really are inside ``root``: a symbolic link out of it is not followed.

    What they are (a FIFO, a device) is left to the reader, which refuses it by name.
    """
    base = os.path.realpath(root)
    return [file for file in files if os.path.commonpath([base, os.path.realpath(file)]) == base]


def links_out(root: Path) -> list[Path]:
    """``.md`` files under ``root`` that lead out of it through a symbolic link."""
    if not root.is_dir():
        return []
    every = _all_markdown(root)
    kept = set(_inside_only(root, every))
    return [file for file in every if file not in kept]


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
    """Front matter without static-site-only keys; Hugo's ``params`` unfolded; other
    tools' keys mapped (:func:`foreign_fields`)."""
    result = dict(fields)
    params = result.pop("params", None)
    if isinstance(params, dict):
        for key, value in params.items():
            result.setdefault(str(key), value)
    elif params is not None:
        result["params"] = params  # reported as an unknown field
    if "published_on" in result:  # the Jekyll profile's name for `published` (Jekyll reserves it)
        on = result.pop("published_on")
        result.setdefault("published", on)
    result = foreign_fields(result)
    return {key: value for key, value in result.items() if key not in SITE_KEYS}


_TITLE_YEAR = re.compile(r"^(.*\S)\s*\((\d{4})\)$")
_IMDB_ID = re.compile(r"\b(tt[0-9]{5,12})\b")
#: What our own Jekyll export writes as ``categories``: a site key, not data.
OWN_CATEGORIES = ["reviews"]


def _day(value: object) -> object:
    """A YAML date or datetime (``2023-02-26 12:05:44+09:00``) as ``YYYY-MM-DD``."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()[:10]
    if isinstance(value, str) and re.match(r"^\d{4}-\d{2}-\d{2}([ T].*)?$", value.strip()):
        return value.strip()[:10]
    return value


def foreign_fields(front: dict[str, Any]) -> dict[str, Any]:
    """Front matter of another tool's post mapped onto filmrev's fields (see the docstring)."""
    doc = dict(front)
    jekyll_published = doc.get("published")
    if isinstance(jekyll_published, bool):  # Jekyll's own key: build this post or not
        del doc["published"]
        doc.setdefault("status", "published" if jekyll_published else "draft")
    draft = doc.get("draft")
    if isinstance(draft, bool) and "status" not in doc:
        doc["status"] = "draft" if draft else "published"
    if "date" in doc and "published" not in doc:
        doc["published"] = _day(doc.pop("date"))
        doc.setdefault("status", "published")  # a dated blog post that is not a draft
    categories = doc.get("categories")
    if (
        isinstance(categories, list)
        and categories[:1] == OWN_CATEGORIES
        and (categories[1:] == [] or "layout" in doc)
    ):
        # What our Jekyll profile writes first: a site key; the review's own follow it.
        if categories[1:]:
            doc["categories"] = categories[1:]
        else:
            del doc["categories"]
    title = doc.get("title")
    if isinstance(title, str) and doc.get("year") is None and "film_year" not in doc:
        found = _TITLE_YEAR.match(title.strip())
        if found:
            doc["title"], doc["year"] = found.group(1), found.group(2)
    if "film_year" in doc and doc.get("year") is None:
        doc["year"] = doc.pop("film_year")
    for key in ("imdb_link", "imdb_id"):
        if key in doc:
            found = _IMDB_ID.search(str(doc[key]))
            sources = doc.get("sources")
            if found and (sources is None or isinstance(sources, dict)):
                sources = dict(sources or {})
                sources.setdefault("imdb", found.group(1))
                doc["sources"] = sources
                del doc[key]
    return doc


def read_markdown_file(
    path: Path,
    problems: Problems,
    *,
    ignore_unknown: bool = False,
    dropped: list[str] | None = None,
) -> Incoming | None:
    """One review file as a record, or None with the problem recorded.

    Unknown keys are all named in one problem, or with ``ignore_unknown`` dropped
    (their names added to ``dropped``).
    """
    name = str(path)
    try:
        raw = read_input(path)
    except ValidationError as error:
        problems.add(f"{name}:1", error.message)
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
    if "filmrev_list" in front:  # a named list's page of a site export: not a review
        return None
    doc = site_fields(front)
    unknown = sorted(set(doc) - set(FIELD_ORDER) - {"body"})
    if unknown and ignore_unknown:
        for key in unknown:
            del doc[key]
        if dropped is not None:
            dropped.extend(unknown)
    elif unknown:
        first_unknown = next(key for key in doc if key in unknown)  # the line is the first's
        shown = ", ".join(repr(key) for key in unknown)
        noun = "field" if len(unknown) == 1 else "fields"
        problems.add(
            f"{name}:{_field_line(text, f'unknown field {first_unknown!r}')}",
            f"unknown {noun} {shown} (--ignore-unknown imports the known ones); "
            f"fields are: {', '.join(FIELD_ORDER)}",
        )
        return None
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


def read_markdown(
    path: Path, progress: Progress | None = None, *, ignore_unknown: bool = False
) -> Batch:
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
    outside = links_out(path)
    if outside:
        batch.notes.append(
            f"{path}: {len(outside)} .md file(s) lead out of it through a symbolic link "
            f"and were not read: {', '.join(str(file) for file in outside[:5])}"
        )
    ignored: dict[str, int] = {}
    for file in tracked(files, progress, "reading files"):
        dropped: list[str] = []
        record = read_markdown_file(file, problems, ignore_unknown=ignore_unknown, dropped=dropped)
        for key in dropped:
            ignored[key] = ignored.get(key, 0) + 1
        if record is not None:
            batch.records.append(record)
    problems.raise_if_any(str(path))
    if ignored:
        shown = ", ".join(f"{key} ({count})" for key, count in sorted(ignored.items()))
        batch.notes.append(f"ignored unknown fields (files): {shown}")
    return batch
