"""Making user text safe for a terminal (kept apart from ``render`` so errors need no Rich)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

# CSI / OSC / other ESC sequences, then single control and bidi-override characters.
_ESCAPE_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC ... BEL/ST
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"  # DCS, SOS, PM, APC
    r"|\x1b[@-Z\\-_]?"  # any other ESC (+ one char)
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
)
#: Public name of the escape-sequence pattern (importers remove whole sequences from CSV cells).
ESCAPE_SEQUENCE = _ESCAPE_SEQUENCE
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def stdout_console() -> Console:
    """A Console for human output on stdout (honours NO_COLOR and the terminal width)."""
    from rich.console import Console

    return Console(highlight=False, emoji=False, markup=False)


def stderr_console() -> Console:
    """The same for talk on stderr (progress lines, tables of notes)."""
    from rich.console import Console

    return Console(stderr=True, highlight=False, emoji=False, markup=False)


def clean(text: str, *, multiline: bool = False) -> str:
    """Text safe to show on a terminal: no escapes, controls or bidi overrides.

    Newlines and tabs survive only when ``multiline`` (bodies); elsewhere they become spaces.

    >>> clean("\\x1b[31mred\\x1b[0m\\u202e")
    'red'
    """
    text = _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", text))
    if not multiline:
        text = text.replace("\n", " ").replace("\t", " ")
    return text


def stars(rating: float | None) -> str:
    """``★★★★½`` for 4.5; empty for no rating."""
    if rating is None:
        return ""
    return "★" * int(rating) + ("½" if rating % 1 else "")


def rating_label(rating: float | None) -> str:
    """``★★★★½ 4.5``, or ``–`` for no rating."""
    if rating is None:
        return "–"
    return f"{stars(rating)} {rating:.1f}"
