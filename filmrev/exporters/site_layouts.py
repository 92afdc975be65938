"""Starter files for a new Jekyll or Hugo site (``export --with-layouts``).

A config and minimal layouts that show what filmrev exports: stars, rank, the
hook line, dates, credits, images with captions, the review, the trailer link,
comments (when reviews have a ``comments`` field), tags and the JSON-LD. The
files ship in ``filmrev/site_templates/<profile>/``.

They are starters: each is written only when no file of that name exists, never
overwritten, and not recorded in the export manifest, so from then on they are
the user's to edit (a re-export neither touches nor removes them).
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from filmrev.errors import StorageError, ValidationError
from filmrev.filemode import new_file_mode

LAYOUT_PROFILES = ("jekyll", "hugo")


@dataclass
class StarterReport:
    written: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


def starter_files(profile: str) -> dict[str, bytes]:
    """Relative path → content of the starter files of ``profile``."""
    if profile not in LAYOUT_PROFILES:
        raise ValidationError("--with-layouts needs --profile jekyll or hugo")
    root = resources.files("filmrev").joinpath("site_templates", profile)
    found: dict[str, bytes] = {}

    def walk(node: Traversable, prefix: str) -> None:
        for child in node.iterdir():
            name = f"{prefix}{child.name}"
            if child.is_dir():
                walk(child, name + "/")
            elif not child.name.startswith("."):
                found[name] = child.read_bytes()

    walk(root, "")
    return dict(sorted(found.items()))


def _inside(root: str, path: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def write_starter_files(out: Path, profile: str) -> StarterReport:
    """Create the starter files that do not exist yet under ``out`` (never overwrite)."""
    report = StarterReport()
    root = os.path.realpath(out)
    mode = new_file_mode()
    for relative, content in starter_files(profile).items():
        target = Path(root, *relative.split("/"))
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StorageError(
                f"cannot create {target.parent}: {error.strerror or error}"
            ) from None
        if not _inside(root, os.path.realpath(target.parent)):
            raise StorageError(
                f"{target.parent} leads outside {out} through a symbolic link; not writing there"
            )
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        try:
            fd = os.open(target, flags, mode)
        except FileExistsError:
            report.kept.append(relative)
            continue
        except OSError as error:
            if error.errno == errno.ELOOP:
                report.kept.append(relative)
                continue
            raise StorageError(f"cannot write {target}: {error.strerror or error}") from None
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        report.written.append(relative)
    return report
