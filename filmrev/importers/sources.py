"""Telling what PATH holds, and reading it with the matching importer.

Detection is by content (see DECISIONS "Import"): Letterboxd file names or
headers → letterboxd; ``Const,Your Rating`` → imdb; a JSON object → json
(which must say ``"format": "filmrev"``); ``.md`` files → markdown. Each format's
name, rules and entry function are declared once, in :data:`filmrev.importers.IMPORTERS`.
"""

from __future__ import annotations

from pathlib import Path

from filmrev.errors import ValidationError
from filmrev.importers import ImportOptions, Probe, accepted, detect, import_names, importer
from filmrev.importers.common import Batch, Progress, check_input_path

FORMATS = import_names()
ACCEPTED = accepted()


def detect_format(path: Path) -> str:
    """The name of the registered format (:data:`filmrev.importers.IMPORTERS`) ``path`` holds.

    ValidationError naming the accepted formats when no format recognises it.
    """
    check_input_path(path)
    probe = Probe(path)
    found = detect(probe)
    if found is not None:
        return found
    if probe.is_dir:
        raise ValidationError(
            f"cannot tell what {path} holds (no Letterboxd CSVs, no .md files); "
            f"filmrev imports {ACCEPTED}"
        )
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
    entry = importer(fmt)
    if entry is None:
        raise ValidationError(f"unknown import format {fmt!r}; formats: {', '.join(FORMATS)}")
    if entry.file_only is not None and path.is_dir():
        raise ValidationError(f"{path} is a directory; {entry.file_only}")
    options = ImportOptions(
        ranked_list=ranked_list,
        all_types=all_types,
        all_posts=all_posts,
        apply_hints=apply_hints,
        ignore_unknown=ignore_unknown,
    )
    return entry.read(path, options, progress)
