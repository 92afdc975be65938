"""Writing in $VISUAL/$EDITOR (placeholder until the editor workflow lands)."""

from __future__ import annotations

from typing import Any

from filmrev.errors import FilmrevError
from filmrev.paths import LibraryPaths


def compose_new(
    paths: LibraryPaths, fields: dict[str, Any], position: int | None
) -> tuple[dict[str, Any], int | None]:
    """Open the editor on a new review; returns the fields and rank written there."""
    raise FilmrevError("the editor is not available yet; pass --body or --body-file")


def edit_existing(paths: LibraryPaths, ref: str) -> None:
    """Open the editor on an existing review and save it when valid."""
    raise FilmrevError("the editor is not available yet; pass options to edit")
