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
