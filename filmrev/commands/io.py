"""Commands registered on the app in filmrev.cli (being written)."""

from __future__ import annotations

from filmrev.cli import app  # noqa: F401
