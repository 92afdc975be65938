"""The Python API: ``from filmrev import Library, Review``, reading and transactions."""

from __future__ import annotations

from pathlib import Path

import pytest

from filmrev import Library, Review
from filmrev.errors import Cancelled, NotFoundError, ValidationError
from tests.conftest import Runner


@pytest.fixture
def library(tmp_path: Path) -> Library:
    library = Library.open(tmp_path / "films" / "library.json")
    with library.transaction() as tx:
        tx.add("Amour", year=2012, rating=5, tags=["Haneke"], body="Georges and Anne.")
        tx.add("Rust and Bone", year=2012, rating=4.5, cast=["Marion Cotillard"],
               body="Stéphanie trains killer whales.")  # fmt: skip
        tx.add({"title": "Vertigo", "year": 1958, "rating": 5.0}, body="Green light.")
    return library


def test_open_defaults_to_the_environment(isolated_library: Path) -> None:
    assert Library.open().path == str(isolated_library)


def test_reading(library: Library) -> None:
    amour = library.get("amour-2012")
    assert isinstance(amour, Review)
    assert (amour.id, amour.rating, amour.body) == (1, 5.0, "Georges and Anne.")
    assert library.get(2).slug == "rust-and-bone-2012"
    assert library.find("rust bone").id == 2  # fuzzy, as `filmrev show`
    with pytest.raises(NotFoundError):
        library.get("nope")
    assert len(library) == 3
    assert [review.slug for review in library] == [
        "amour-2012",
        "rust-and-bone-2012",
        "vertigo-1958",
    ]


def test_list_filters_and_sorts(library: Library) -> None:
    assert [r.id for r in library.list(year=2012, sort="rating")] == [1, 2]
    assert [r.id for r in library.list(tag="haneke")] == [1]
    assert [r.id for r in library.list(person="marion cotillard")] == [2]
    assert [r.id for r in library.list(search="stephanie")] == [2]
    assert library.list(limit=1, sort="title")[0].body == "Georges and Anne."
    assert library.list(bodies=False, limit=1, sort="title")[0].body == ""


def test_search(library: Library) -> None:
    hits = library.search("STEPHANIE whales")
    assert [hit.review.slug for hit in hits] == ["rust-and-bone-2012"]
    assert "Stéphanie" in hits[0].snippet.text
    assert library.search("green", fields=["title"]) == []


def test_transaction_add_edit_tag_rank(library: Library) -> None:
    with library.transaction() as tx:
        tx.edit("vertigo-1958", rating=4.5, body="Green light, again.")
        tx.tag(1, add=["French"], remove=["haneke"])
        tx.rank("vertigo-1958", 1)
        tx.rank(1, 1)
        tx.move(1, 2)
    assert [r.slug for r in library.ranked()] == ["vertigo-1958", "amour-2012"]
    assert library.get(1).tags == ("French",)
    assert library.get(3).body == "Green light, again."
    with library.transaction() as tx:
        tx.clear_rank("vertigo-1958")
    assert [r.slug for r in library.ranked()] == ["amour-2012"]


def test_rename_tag_is_one_write(library: Library) -> None:
    with library.transaction() as tx:
        tx.tag(2, add=["Haneke"])
        assert tx.rename_tag("haneke", "Michael Haneke") == 2
    assert [r.tags for r in library.list(tag="Michael Haneke", sort="title")] == [
        ("Michael Haneke",),
        ("Michael Haneke",),
    ]
    assert library.get(2).body == "Stéphanie trains killer whales."


def test_an_exception_discards_the_whole_transaction(library: Library) -> None:
    before = Path(library.path).read_bytes()
    with pytest.raises(ValidationError), library.transaction() as tx:
        tx.add("Holy Motors", year=2012)
        tx.edit(1, rating=11)
    assert Path(library.path).read_bytes() == before


def test_place_asks_the_callback(library: Library) -> None:
    with library.transaction() as tx:
        tx.rank(1, 1)
        tx.rank(3, 2)
    asked: list[tuple[str, str]] = []

    def answer(film: Review, other: Review) -> str:
        asked.append((film.slug, other.slug))
        return "1" if other.slug == "vertigo-1958" else "2"

    with library.transaction() as tx:
        placed = tx.place("rust-and-bone-2012", answer)
    assert placed.rank == 2
    assert [r.slug for r in library.ranked()] == [
        "amour-2012",
        "rust-and-bone-2012",
        "vertigo-1958",
    ]
    assert asked[0][0] == "rust-and-bone-2012"

    with pytest.raises(Cancelled), library.transaction() as tx:
        tx.place(3, lambda film, other: "q")


def test_delete_and_history(library: Library) -> None:
    with library.transaction() as tx:
        tx.edit(1, body="Second version.")
    assert [v["words"] for v in library.history(1)] == [3]
    with library.transaction() as tx:
        gone = tx.delete("amour-2012")
    assert gone.body == "Second version."
    with pytest.raises(NotFoundError):
        library.get(1)


def test_the_cli_sees_what_the_api_wrote(library: Library, cli: Runner) -> None:
    shown = cli("--db", library.path, "show", "vertigo-1958", "--format", "markdown")
    assert shown.code == 0 and "Green light." in shown.out


def test_a_long_running_process_keeps_no_library_for_ever(isolated_library: Path) -> None:
    """A script that opens the library again and again (an API loop, the CLI in-process)
    must not pin each parse in memory: the parse may pause the collector, never freeze."""
    import gc

    frozen_before = gc.get_freeze_count()
    for number in range(3):
        with Library.open(isolated_library).transaction() as tx:
            tx.add({"title": f"Film {number}", "year": 2000 + number})
        index = isolated_library.parent / (isolated_library.name + ".d") / "index.sqlite"
        index.unlink()  # the next open parses the whole file, as after another writer
        assert len(Library.open(isolated_library).list()) == number + 1
    assert gc.get_freeze_count() == frozen_before
