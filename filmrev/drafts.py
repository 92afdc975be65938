"""Drafts: the files the editor works on, kept until the review they hold is saved.

A draft lives in ``library.json.d/drafts/`` (mode 0700) as two files::

    3.md     the text in the editor (mode 0600): front matter + body
    3.json   what it is for: {"kind": "add"|"edit", "review_id", "base_updated", "pristine", ...}

The ``.md`` file is written *before* the editor opens, so whatever the editor
last saved survives a crash, a killed terminal or a failed save;
``filmrev drafts restore 3`` picks it up again. ``pristine`` is the SHA-256 of
the text as first written (template or review), so an untouched draft can be
told from one the user wrote in.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from filmrev.errors import NotFoundError, StorageError, ValidationError
from filmrev.paths import LibraryPaths

DIR_MODE = 0o700
FILE_MODE = 0o600
KINDS = ("add", "edit")


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


@dataclass(frozen=True)
class Draft:
    """One draft: its number, its text file and what saving it means."""

    id: int
    path: Path
    kind: str
    review_id: int | None = None
    base_updated: str | None = None
    pristine: str | None = None
    created: str | None = None
    #: ``edit`` drafts: the text as the editor first opened it (to compute what the user
    #: changed) and the ``created`` stamp of the review (to recognise that very film).
    base_text: str | None = None
    base_created: str | None = None

    @property
    def meta_path(self) -> Path:
        return self.path.with_suffix(".json")

    def read_text(self) -> str:
        """The draft's text; bytes that are not UTF-8 survive as surrogate escapes."""
        try:
            return self.path.read_bytes().decode("utf-8", "surrogateescape")
        except FileNotFoundError:
            raise NotFoundError(f"draft {self.id} has no text file {self.path}") from None
        except OSError as error:
            raise StorageError(f"cannot read draft {self.path}: {error.strerror}") from None

    def write_text(self, text: str) -> None:
        """Replace the text atomically (a crash leaves the old or the new text)."""
        _atomic_write(self.path, text.encode("utf-8", "surrogateescape"))

    def is_pristine(self, text: str) -> bool:
        return self.pristine is not None and digest(text) == self.pristine

    @property
    def modified(self) -> datetime | None:
        try:
            return datetime.fromtimestamp(self.path.stat().st_mtime, UTC)
        except OSError:
            return None

    def title(self) -> str | None:
        """The title in the draft's front matter, if it can be read."""
        from filmrev import frontmatter

        try:
            fields, _ = frontmatter.split(self.read_text())
        except Exception:  # noqa: BLE001 - a half-written draft must still be listed
            return None
        title = (fields or {}).get("title")
        return title.strip() if isinstance(title, str) and title.strip() else None

    def to_doc(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "review_id": self.review_id,
            "base_updated": self.base_updated,
            "pristine": self.pristine,
            "created": self.created,
            "base_text": self.base_text,
            "base_created": self.base_created,
        }


def _ensure_dir(paths: LibraryPaths) -> Path:
    for directory in (paths.data_dir, paths.drafts):
        try:
            directory.mkdir(mode=DIR_MODE, exist_ok=True)
        except FileNotFoundError:
            directory.parent.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
            directory.mkdir(mode=DIR_MODE, exist_ok=True)
        except OSError as error:
            raise StorageError(
                f"cannot create the drafts folder {directory}: {error.strerror}"
            ) from None
    return paths.drafts


def _atomic_write(path: Path, data: bytes) -> None:
    from filmrev.storage import atomic_write

    atomic_write(path, data, f"draft {path}", commit=False)


def create(
    paths: LibraryPaths,
    kind: str,
    text: str,
    *,
    review_id: int | None = None,
    base_updated: str | None = None,
    base_created: str | None = None,
) -> Draft:
    """A new draft holding ``text``, with the next free number.

    An ``edit`` draft also keeps ``text`` as its base: saving applies only what differs.
    """
    if kind not in KINDS:
        raise ValueError(kind)
    directory = _ensure_dir(paths)
    numbers = [draft.id for draft in list_drafts(paths)]
    number = max(numbers, default=0) + 1
    created = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    while True:
        meta_path = directory / f"{number}.json"
        try:
            # O_EXCL on the metadata file claims the number, even against a parallel filmrev.
            fd = os.open(meta_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        except FileExistsError:
            number += 1
            continue
        except OSError as error:
            raise StorageError(f"cannot create a draft in {directory}: {error.strerror}") from None
        break
    draft = Draft(
        id=number,
        path=directory / f"{number}.md",
        kind=kind,
        review_id=review_id,
        base_updated=base_updated,
        pristine=digest(text),
        created=created,
        base_text=text if kind == "edit" else None,
        base_created=base_created,
    )
    with os.fdopen(fd, "wb") as handle:
        handle.write(orjson.dumps(draft.to_doc()))
    draft.write_text(text)
    return draft


def _from_meta(meta_path: Path) -> Draft | None:
    try:
        number = int(meta_path.stem)
    except ValueError:
        return None
    doc: Any = {}
    with contextlib.suppress(OSError, orjson.JSONDecodeError):
        doc = orjson.loads(meta_path.read_bytes())
    if not isinstance(doc, dict):
        doc = {}
    kind = doc.get("kind") if doc.get("kind") in KINDS else "add"
    review_id = doc.get("review_id")
    return Draft(
        id=number,
        path=meta_path.with_suffix(".md"),
        kind=str(kind),
        review_id=review_id if isinstance(review_id, int) else None,
        base_updated=doc.get("base_updated") if isinstance(doc.get("base_updated"), str) else None,
        pristine=doc.get("pristine") if isinstance(doc.get("pristine"), str) else None,
        created=doc.get("created") if isinstance(doc.get("created"), str) else None,
        base_text=doc.get("base_text") if isinstance(doc.get("base_text"), str) else None,
        base_created=doc.get("base_created") if isinstance(doc.get("base_created"), str) else None,
    )


def list_drafts(paths: LibraryPaths) -> list[Draft]:
    """Every draft of the library, oldest number first."""
    try:
        entries = list(paths.drafts.iterdir())
    except FileNotFoundError:
        return []
    except OSError as error:
        raise StorageError(
            f"cannot read the drafts folder {paths.drafts}: {error.strerror}"
        ) from None
    drafts: list[Draft] = []
    for entry in entries:
        if entry.suffix == ".json" and not entry.name.startswith("."):
            draft = _from_meta(entry)
            if draft is not None and draft.path.exists():
                drafts.append(draft)
    return sorted(drafts, key=lambda draft: draft.id)


def get(paths: LibraryPaths, draft_id: str | int) -> Draft:
    """The draft with this number, or NotFoundError listing the ones there are."""
    text = str(draft_id).strip()
    if not text.isdigit():
        raise ValidationError(
            f"a draft id is a number, as shown by `filmrev drafts` (got {text!r})"
        )
    wanted = int(text)
    drafts = list_drafts(paths)
    for draft in drafts:
        if draft.id == wanted:
            return draft
    have = ", ".join(str(draft.id) for draft in drafts) or "none"
    raise NotFoundError(f"no draft {wanted} (drafts: {have})")


def discard(draft: Draft) -> None:
    """Delete the draft's files."""
    for path in (draft.path, draft.meta_path):
        try:
            path.unlink()
        except FileNotFoundError:
            pass
        except OSError as error:
            raise StorageError(f"cannot delete draft file {path}: {error.strerror}") from None


def kept_note(draft: Draft) -> str:
    """Where the text is, for messages after a failure."""
    return (
        f"your text is kept in draft {draft.id}: {draft.path} (filmrev drafts restore {draft.id})"
    )
