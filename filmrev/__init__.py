"""filmrev: a command-line review manager for people who write about films.

``from filmrev import Library, Review`` is the Python API (see :mod:`filmrev.api`);
both are imported on first use, so ``filmrev --help`` stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Library", "Review", "__version__"]

if TYPE_CHECKING:
    from filmrev.api import Library
    from filmrev.model import Review


def __getattr__(name: str) -> Any:
    if name == "Library":
        from filmrev.api import Library

        return Library
    if name == "Review":
        from filmrev.model import Review

        return Review
    raise AttributeError(f"module 'filmrev' has no attribute {name!r}")
