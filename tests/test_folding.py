"""The one matching fold: what a person calls the same text compares equal."""

from __future__ import annotations

import json

import pytest

from filmrev.folding import fold, normalise_spacing
from tests.conftest import Runner


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


# --- the CLI: list --person, search and people fold the same way ----------------------------

# (what the critic typed when adding, what they type when looking, a word of the title)
LOOKALIKE_NAMES = [
    ("Ｍａｒｉｏｎ Cotillard", "marion cotillard"),
    ("Lupita Nyong’o", "lupita nyong'o"),
    ("Jean–Pierre Léaud", "JEAN-PIERRE LEAUD"),
]


@pytest.mark.parametrize(("stored", "typed"), LOOKALIKE_NAMES)
def test_list_person_search_and_people_match_lookalike_names(
    cli: Runner, stored: str, typed: str
) -> None:
    assert cli("add", "Rust and Bone", "--year", "2012", "--cast", stored).code == 0
    assert cli("add", "Amour", "--year", "2012", "--cast", "Emmanuelle Riva").code == 0

    listed = cli("list", "--person", typed, "--format", "ids")
    assert (listed.code, listed.out) == (0, "1\n")

    found = cli("search", typed, "--format", "json")
    assert found.code == 0, found.err
    assert [hit["slug"] for hit in json.loads(found.out)] == ["rust-and-bone-2012"]

    assert cli("add", "Two Days", "--year", "2014", "--cast", typed).code == 0
    people = cli("people", "--format", "json")
    assert people.code == 0, people.err
    rows = {row["name"]: row["reviews"] for row in json.loads(people.out)}
    assert rows == {stored: 2, "Emmanuelle Riva": 1}


def test_tag_remove_and_list_tag_fold_lookalikes(cli: Runner) -> None:
    assert cli("add", "Amour", "--year", "2012", "--tag", "Rock ’n’ Roll").code == 0
    assert cli("list", "--tag", "ROCK 'N' ROLL", "--format", "ids").out == "1\n"
    assert cli("tag", "remove", "amour-2012", "rock 'n' roll").code == 0
    shown = cli("show", "amour-2012", "--format", "json")
    assert json.loads(shown.out)["tags"] == []


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
