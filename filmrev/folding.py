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
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
# The combining marks of the usual blocks (U+034F, a joiner of class 0, is not a mark).
_COMMON_MARKS = re.compile(
    "["
    + "".join(
        chr(code)
        for low, high in (
            (0x300, 0x370),
            (0x1AB0, 0x1B00),
            (0x1DC0, 0x1E00),
            (0x20D0, 0x2100),
            (0xFE20, 0xFE30),
        )
        for code in range(low, high)
        if unicodedata.combining(chr(code))
    )
    + "]+"
)
_LOOKALIKE_PAIRS = tuple((chr(code), plain) for code, plain in _LOOKALIKES.items())


def _drop_marks(run: re.Match[str]) -> str:
    return "".join(char for char in run.group() if not unicodedata.combining(char))


#: Characters outside ASCII whose fold does not depend on their neighbours: Latin-1
#: Supplement, Latin Extended-A and -B, General Punctuation (no combining marks and no
#: characters that compose with the one before). A text of ASCII and these, the usual
#: review, is folded one run of non-ASCII characters at a time, the runs cached
#: (tests/test_folding.py checks every one of them against the whole-text fold).
_NOT_SIMPLE = re.compile("[^\x00-\u024f\u2000-\u206f]")
_RUN_FOLDS: dict[str, str] = {}
_RUN_CACHE_LIMIT = 4096


def _fold_run(run: re.Match[str]) -> str:
    text = run.group()
    folded = _RUN_FOLDS.get(text)
    if folded is None:
        folded = "".join(map(_fold_characters, text))
        if len(_RUN_FOLDS) < _RUN_CACHE_LIMIT:
            _RUN_FOLDS[text] = folded
    return folded


def _fold_characters(text: str) -> str:
    """The fold before its spacing step: NFKC, look-alikes, casefold, NFKD, marks dropped."""
    normal = unicodedata.normalize("NFKC", text)
    for char, plain in _LOOKALIKE_PAIRS:  # str.replace is C-fast; translate is per char
        if char in normal:
            normal = normal.replace(char, plain)
    decomposed = unicodedata.normalize("NFKD", normal.casefold())
    # Marks sit in the non-ASCII runs only: the usual blocks go in one regex pass, the
    # rest (Hebrew points, Indic signs …) are tested character by character.
    folded = _COMMON_MARKS.sub("", decomposed)
    if not folded.isascii():
        folded = _NON_ASCII.sub(_drop_marks, folded)
    return folded


def fold(text: str) -> str:
    """Case-, accent-, width-, quote-, dash- and spacing-insensitive form of ``text``."""
    if text.isascii():
        folded = text.lower().replace("`", "'")
    elif _NOT_SIMPLE.search(text) is None:
        folded = _NON_ASCII.sub(_fold_run, text).lower().replace("`", "'")
    else:
        folded = _fold_characters(text)
    return " ".join(folded.split())  # as re.sub(r"\s+", " ") + strip, faster


def _whole_text_fold(text: str) -> str:
    """:func:`fold` without the per-run shortcut (what the tests compare it with)."""
    return " ".join(_fold_characters(text).split())


def normalise_spacing(text: str) -> str:
    """``'  spaced   tag  '`` → ``'spaced tag'``: how a tag or name is stored."""
    return _SPACES.sub(" ", text).strip()
