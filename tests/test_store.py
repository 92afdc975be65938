"""The store on real files in tmp_path: ids, ranks, one write per transaction, refusals."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from filmrev.errors import CorruptLibraryError, InvariantError, ValidationError
from filmrev.paths import LibraryPaths, resolve_library
from filmrev.store import Library
from filmrev.transaction import writing


@pytest.fixture
def paths(tmp_path: Path) -> LibraryPaths:
    return resolve_library(tmp_path / "lib" / "library.json")


def add(paths: LibraryPaths, title: str, **fields: object) -> int:
    rank = fields.pop("rank", None)
    with writing(paths) as library:
        return library.add({"title": title, **fields}, rank=rank).id  # type: ignore[arg-type]


def test_missing_file_is_an_empty_library_and_reading_creates_nothing(paths: LibraryPaths) -> None:
    library = Library.load(paths)
    assert library.reviews() == []
    assert not paths.file.parent.exists()


def test_first_write_creates_0600_file_in_0700_directory(paths: LibraryPaths) -> None:
    add(paths, "Amour", year=2012)
    assert paths.file.stat().st_mode & 0o777 == 0o600
    assert paths.file.parent.stat().st_mode & 0o777 == 0o700
    tables = json.loads(paths.file.read_text("utf-8"))
    assert tables["meta"]["1"]["schema"] == 2
    assert tables["reviews"]["1"]["slug"] == "amour-2012"


def test_ids_are_never_reused_after_delete(paths: LibraryPaths) -> None:
    first = add(paths, "A")
    second = add(paths, "B")
    with writing(paths) as library:
        library.delete(second)
    third = add(paths, "C")
    assert (first, second, third) == (1, 2, 3)


def test_slug_collisions_get_numbered(paths: LibraryPaths) -> None:
    add(paths, "Amour", year=2012)
    add(paths, "Amour", year=2012)
    slugs = sorted(review.slug for review in Library.load(paths).reviews())
    assert slugs == ["amour-2012", "amour-2012-2"]


def test_ranks_insert_shift_and_close_gaps(paths: LibraryPaths) -> None:
    a = add(paths, "A", rank=1)
    b = add(paths, "B", rank=1)
    c = add(paths, "C", rank=2)
    assert Library.load(paths).ranked_order() == [b, c, a]
    with writing(paths) as library:
        library.delete(c)
    library = Library.load(paths)
    assert library.ranked_order() == [b, a]
    assert [library.get(i).rank for i in (b, a)] == [1, 2]  # type: ignore[union-attr]


def test_rank_outside_1_to_k_plus_1_is_refused_and_file_unchanged(paths: LibraryPaths) -> None:
    add(paths, "A", rank=1)
    before = paths.file.read_bytes()
    with pytest.raises(ValidationError, match="rank must be 1 to 2"):
        add(paths, "B", rank=3)
    assert paths.file.read_bytes() == before


def test_a_transaction_writes_once_however_many_films_shift(
    paths: LibraryPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    with writing(paths) as library:
        for number in range(200):
            library.add({"title": f"Film {number}"}, rank=number + 1)
    replaces: list[Path] = []
    real_replace = os.replace

    def counting_replace(src: str, dst: str) -> None:
        if Path(dst) == paths.file:  # the derived index is written beside it too
            replaces.append(Path(dst))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", counting_replace)
    with writing(paths) as library:
        library.set_rank(library.ranked_order()[-1], 1)
    assert len(replaces) == 1
    ranks = sorted(review.rank for review in Library.load(paths).reviews())  # type: ignore[type-var]
    assert ranks == list(range(1, 201))


def test_no_change_means_no_write(paths: LibraryPaths) -> None:
    add(paths, "A")
    before = paths.file.stat().st_mtime_ns
    with writing(paths) as library:
        library.reviews()
    assert paths.file.stat().st_mtime_ns == before


def test_exception_inside_transaction_discards_everything(paths: LibraryPaths) -> None:
    add(paths, "A")
    before = paths.file.read_bytes()
    with pytest.raises(RuntimeError), writing(paths) as library:
        library.add({"title": "B"})
        raise RuntimeError("boom")
    assert paths.file.read_bytes() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"\xef\xbb\xbf{}", "byte-order mark"),
        (b"{not json", "not valid JSON"),
        (b"[1, 2]", "must hold a JSON object"),
        (b'{"reviews": []}', "table 'reviews' must be a JSON object"),
        (b'{"meta": {"1": {"schema": 99, "next_id": 1}}}', "schema 99, newer than"),
    ],
)
def test_unreadable_library_is_reported_and_never_written(
    paths: LibraryPaths, content: bytes, message: str
) -> None:
    paths.file.parent.mkdir(parents=True)
    paths.file.write_bytes(content)
    with pytest.raises(CorruptLibraryError, match=message):
        Library.load(paths)
    with pytest.raises(CorruptLibraryError), writing(paths) as library:
        library.add({"title": "X"})
    assert paths.file.read_bytes() == content


def test_bad_review_field_makes_library_unreadable(paths: LibraryPaths) -> None:
    add(paths, "A")
    tables = json.loads(paths.file.read_text("utf-8"))
    tables["reviews"]["1"]["rating"] = "lots"
    paths.file.write_text(json.dumps(tables), "utf-8")
    with pytest.raises(CorruptLibraryError, match=r"review 1: rating must be 0\.5 to 5"):
        Library.load(paths)


def test_broken_ranks_can_be_read_but_refuse_writes(paths: LibraryPaths) -> None:
    add(paths, "A", rank=1)
    add(paths, "B", rank=2)
    tables = json.loads(paths.file.read_text("utf-8"))
    tables["reviews"]["2"]["rank"] = 5
    paths.file.write_text(json.dumps(tables), "utf-8")
    before = paths.file.read_bytes()
    assert len(Library.load(paths).reviews()) == 2
    with pytest.raises(InvariantError, match="doctor --fix"), writing(paths) as library:
        library.add({"title": "C"})
    assert paths.file.read_bytes() == before


def test_bare_tinydb_file_is_migrated_on_write(paths: LibraryPaths) -> None:
    add(paths, "A")
    tables = json.loads(paths.file.read_text("utf-8"))
    del tables["meta"]
    paths.file.write_text(json.dumps(tables), "utf-8")
    assert add(paths, "B") == 2
    assert json.loads(paths.file.read_text("utf-8"))["meta"]["1"]["schema"] == 2


def test_symlinked_library_writes_through_to_the_target(tmp_path: Path) -> None:
    real = tmp_path / "real" / "library.json"
    real.parent.mkdir()
    link = tmp_path / "link.json"
    link.symlink_to(real)
    paths = resolve_library(link)
    add(paths, "A")
    assert link.is_symlink()
    assert json.loads(real.read_text("utf-8"))["reviews"]["1"]["title"] == "A"
    assert (real.parent / "library.json.lock").exists()
