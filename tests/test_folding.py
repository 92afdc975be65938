"""The one matching fold: what a person calls the same text compares equal."""

from __future__ import annotations

import pytest

from filmrev.folding import fold, normalise_spacing


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("You've Touched Me in a Good Way", "You’ve Touched Me in a Good Way"),
        ('"Quoted"', "“Quoted”"),
        ("Mission: Impossible - Fallout", "Mission: Impossible – Fallout"),
        ("a-b", "a—b"),
        ("stephanie", "Stéphanie"),
        ("strasse", "Straße"),
        ("marion cotillard", "Ｍａｒｉｏｎ Cotillard"),
        ("spaced tag", "  spaced   tag  "),
    ],
)
def test_look_alikes_fold_to_one_form(typed: str, stored: str) -> None:
    assert fold(typed) == fold(stored)


def test_different_words_stay_different() -> None:
    assert fold("Amour") != fold("Amélie")


def test_normalise_spacing_keeps_typography() -> None:
    assert normalise_spacing("  You’ve   Touched  ") == "You’ve Touched"


def test_the_per_run_shortcut_folds_every_simple_character_as_the_whole_text_fold() -> None:
    """Texts of ASCII, Latin and general punctuation are folded a run at a time; each such
    character, alone and between neighbours, must fold exactly as the whole text would."""
    from filmrev.folding import _whole_text_fold

    simple = [chr(code) for code in (*range(0x80, 0x250), *range(0x2000, 0x2070))]
    for char in simple:
        for text in (char, f"a{char}b", f"A{char}", char * 2, f"{char}`X", f" {char} "):
            assert fold(text) == _whole_text_fold(text), (hex(ord(char)), text)
    text = "Ｍａｒｉｏｎ Straße — “Stéphanie” e\u0301"  # full-width and a combining mark
    assert fold(text) == _whole_text_fold(text) == 'marion strasse - "stephanie" e'
