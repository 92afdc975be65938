"""Shell completion: slugs for REF arguments, existing tags for ``--tag``, names for ``--person``.

Wire them with ``typer.Argument(autocompletion=complete_ref)`` /
``typer.Option(autocompletion=complete_tag)``. They read the library file
directly (no lock, no validation, nothing written), honour ``--db`` when it is
already on the command line, and never fail: any problem gives no suggestions.

Try it without a shell::

    _FILMREV_COMPLETE=complete_bash COMP_WORDS="filmrev show ru" COMP_CWORD=2 filmrev

A suggestion is inserted by the shell as it is printed, so a tag such as ``Palme d’Or``
must come quoted for the shell that asks: :func:`register_shells` replaces Typer's bash
and zsh formatters (which print values raw) with quoting ones. Fish escapes what it
inserts itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import typer

from filmrev.paths import resolve_library

MAX_SUGGESTIONS = 200
_BASH_SAFE = frozenset("-_./,:@%+=^")


def bash_word(value: str) -> str:
    """``Palme d’Or`` → ``Palme\\ d’Or``: a backslash before each character bash would read."""
    return "".join(
        char
        if char.isalnum() or char in _BASH_SAFE or (not char.isascii() and not char.isspace())
        else "\\" + char
        for char in value
    )


def zsh_word(value: str) -> str:
    """A value for Typer's ``_arguments '*: :((...))'`` line, which zsh evals twice.

    Inside the double quotes ``\\ " $ ` :`` are escaped; a straight quote closes and
    reopens the single quotes around the whole line (``'\\''``).
    """
    for special in ("\\", '"', "$", "`", ":"):
        value = value.replace(special, "\\" + special)
    return '"' + value.replace("'", "'\\''") + '"'


def register_shells() -> None:
    """Use the quoting bash and zsh formatters (call after Typer registered its own)."""
    from typer._click.shell_completion import CompletionItem, add_completion_class
    from typer._completion_classes import BashComplete, ZshComplete

    class QuotingBash(BashComplete):
        def format_completion(self, item: CompletionItem) -> str:
            return bash_word(str(item.value))

    class QuotingZsh(ZshComplete):
        def format_completion(self, item: CompletionItem) -> str:
            value = zsh_word(str(item.value))
            return f"{value}:{zsh_word(str(item.help))}" if item.help else value

    add_completion_class(QuotingBash, "bash")
    add_completion_class(QuotingZsh, "zsh")


def _reviews(ctx: typer.Context | None) -> list[dict[str, Any]]:
    import orjson

    db = None
    if ctx is not None:
        root = ctx.find_root()
        value = root.params.get("db")
        db = value if isinstance(value, str) else None
    paths = resolve_library(db)
    tables = orjson.loads(paths.file.read_bytes())
    reviews = tables.get("reviews", {}) if isinstance(tables, dict) else {}
    return [doc for doc in reviews.values() if isinstance(doc, dict)]


def _pick(candidates: Iterable[str], incomplete: str) -> list[str]:
    """Values starting with what was typed (Typer keeps only exact-prefix suggestions)."""
    unique = dict.fromkeys(value for value in candidates if value.startswith(incomplete))
    from filmrev.folding import fold

    return sorted(unique, key=fold)[:MAX_SUGGESTIONS]


def complete_ref(incomplete: str, ctx: typer.Context | None = None) -> list[str]:
    """Slugs of the library starting with what was typed."""
    try:
        slugs = [doc["slug"] for doc in _reviews(ctx) if isinstance(doc.get("slug"), str)]
        return _pick(slugs, incomplete)
    except Exception:  # noqa: BLE001 - completion must never fail
        return []


def complete_tag(incomplete: str, ctx: typer.Context | None = None) -> list[str]:
    """Tags used in the library starting with what was typed."""
    try:
        tags = [
            tag for doc in _reviews(ctx) for tag in doc.get("tags") or [] if isinstance(tag, str)
        ]
        return _pick(tags, incomplete)
    except Exception:  # noqa: BLE001 - completion must never fail
        return []


def complete_person(incomplete: str, ctx: typer.Context | None = None) -> list[str]:
    """Director, cast and crew names starting with what was typed."""
    try:
        names: list[str] = []
        for doc in _reviews(ctx):
            if isinstance(doc.get("director"), str):
                names.append(doc["director"])
            names.extend(name for name in doc.get("cast") or [] if isinstance(name, str))
            for crew_names in (doc.get("crew") or {}).values():
                names.extend(name for name in crew_names or [] if isinstance(name, str))
        return _pick(names, incomplete)
    except Exception:  # noqa: BLE001 - completion must never fail
        return []
