"""The one text-folding function for matching: REFs, tags, people, search, import matching.

``fold`` makes text that a person would call "the same" compare equal:
case (``ß`` → ``ss``), accents, full-width and compatibility forms (NFKC), the
typographic quotes, apostrophes and dashes (``’`` → ``'``, ``“”`` → ``"``,
``–—`` → ``-``) and runs of white space::

    >>> fold("  You’ve   Touched Ｍｅ ")
    "you've touched me"
    >>> fold("Stéphanie") == fold("STEPHANIE")
    True
"""

from __future__ import annotations

import re
import unicodedata

# Typographic look-alikes → their ASCII form (applied after NFKC, before casefold).
_LOOKALIKES = str.maketrans(
    {
        "\u2018": "'",  # ‘
        "\u2019": "'",  # ’
        "\u201a": "'",  # ‚
        "\u201b": "'",  # ‛
        "\u2032": "'",  # ′
        "\u02bc": "'",  # ʼ
        "\u00b4": "'",  # ´
        "`": "'",
        "\u201c": '"',  # “
        "\u201d": '"',  # ”
        "\u201e": '"',  # „
        "\u201f": '"',  # ‟
        "\u2033": '"',  # ″
        "\u00ab": '"',  # «
        "\u00bb": '"',  # »
        "\u2010": "-",  # ‐
        "\u2011": "-",  # ‑
        "\u2012": "-",  # ‒
        "\u2013": "-",  # –
        "\u2014": "-",  # —
        "\u2015": "-",  # ―
        "\u2212": "-",  # −
        "\u00a0": " ",  # no-break space
    }
)
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Case-, accent-, width-, quote-, dash- and spacing-insensitive form of ``text``."""
    if text.isascii():
        folded = text.lower().replace("`", "'")
    else:
        normal = unicodedata.normalize("NFKC", text).translate(_LOOKALIKES).casefold()
        decomposed = unicodedata.normalize("NFKD", normal)
        folded = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _SPACES.sub(" ", folded).strip()


def normalise_spacing(text: str) -> str:
    """``'  spaced   tag  '`` → ``'spaced tag'``: how a tag or name is stored."""
    return _SPACES.sub(" ", text).strip()
