"""filmrev.edits: the rules of an edit by flags, called without the CLI, on real files."""

from __future__ import annotations

from pathlib import Path

import pytest

from filmrev.edits import FieldEdit, apply_edit
from filmrev.errors import ValidationError
from filmrev.paths import LibraryPaths, resolve_library
from filmrev.store import Library
from filmrev.transaction import writing


@pytest.fixture
def paths(tmp_path: Path) -> LibraryPaths:
    paths = resolve_library(tmp_path / "lib" / "library.json")
    with writing(paths) as library:
        library.add({"title": "Amour", "year": 2012, "tags": ["You’ve Got Mail"]}, rank=1)
        library.add(
            {"title": "Rust and Bone", "year": 2012, "tags": ["Drama"], "body": "Whales."},
            rank=2,
        )
    return paths


def edited(paths: LibraryPaths, slug: str, edit: FieldEdit) -> Library:
    with writing(paths) as library:
        review = library.find_exact(slug)
        assert review is not None
        apply_edit(library, review, edit)
    return Library.load(paths)


def test_lists_grow_scalars_are_replaced_and_the_slug_stays(paths: LibraryPaths) -> None:
    edit = FieldEdit(
        fields={"rating": "4.5"},
        title="Rust & Bone",
        add_tags=["you've got mail"],
        remove_tags=["DRAMA"],
        add_cast=["Marion Cotillard"],
        add_crew=[("composer", "Alexandre Desplat")],
    )
    review = edited(paths, "rust-and-bone-2012", edit).get(2)
    assert review is not None
    assert (review.title, review.slug, review.rating) == ("Rust & Bone", "rust-and-bone-2012", 4.5)
    assert review.tags == ("You’ve Got Mail",)  # the library's spelling, Drama gone (folded)
    assert review.cast == ("Marion Cotillard",)
    assert review.crew == {"composer": ("Alexandre Desplat",)}
    assert review.body == "Whales."


def test_clearing_rank_unranks_and_a_position_moves(paths: LibraryPaths) -> None:
    library = edited(paths, "amour-2012", FieldEdit(clear=["rank"]))
    assert library.ranked_order() == [2]
    library = edited(paths, "amour-2012", FieldEdit(position=1, position_given=True))
    assert library.ranked_order() == [1, 2]


def test_emptying_the_text_keeps_a_backup(paths: LibraryPaths) -> None:
    edited(paths, "rust-and-bone-2012", FieldEdit(clear=["body"]))
    backups = list((paths.data_dir / "backups").iterdir())
    assert [path.name.endswith("-before-clear-body.json") for path in backups] == [True]


def test_a_device_name_slug_is_refused_and_nothing_changes(paths: LibraryPaths) -> None:
    before = paths.file.read_bytes()
    with pytest.raises(ValidationError, match="reserved"):
        edited(paths, "amour-2012", FieldEdit(slug="con"))
    assert paths.file.read_bytes() == before
