"""The derived SQLite index: rebuilt when stale, missing, corrupt or foreign; never the truth."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import orjson
import pytest

from filmrev import index
from filmrev.errors import CorruptLibraryError
from filmrev.paths import LibraryPaths, resolve_library
from filmrev.query import default_order
from filmrev.storage import serialise
from filmrev.store import Library
from filmrev.transaction import writing
from tests.conftest import Runner

FILMS = [
    {"title": "Rust and Bone", "year": 2012, "rating": 4.5, "tags": ["Gritty, Grittness"]},
    {"title": "Amélie", "year": 2001, "rating": 3.5, "tags": ["You’ve Touched Me in a Good Way"]},
    {"title": "Holy Motors", "year": 2012},
    {"title": "amour", "year": 2012, "rating": 5.0, "director": "Michael Haneke"},
    {"title": "Vertigo", "year": 1958, "rating": 5.0, "cast": ["Kim Novak", "James Stewart"]},
    {"title": "Aftersun", "year": 2022, "rating": 4.5, "crew": {"composer": ["Oliver Coates"]}},
    {"title": "Taxi Driver", "year": 1976, "body": "“You talkin’ to me?”\n\nA city at night."},
]


def _build(library_paths: LibraryPaths, films: list[dict[str, object]]) -> None:
    with writing(library_paths) as library:
        for number, fields in enumerate(films):
            body = fields.get("body", f"Review number {number}, with “curly quotes” and é.\n")
            library.add({**fields, "body": body})
        library.set_rank(4, 1)
        library.set_rank(1, 2)


@pytest.fixture
def paths(isolated_library: Path) -> LibraryPaths:
    """A library of seven films, two of them ranked, written through the store."""
    library_paths = resolve_library(isolated_library)
    _build(library_paths, FILMS)
    return library_paths


def snapshot(path: Path) -> tuple[bytes, int, int]:
    stat = path.stat()
    return path.read_bytes(), stat.st_mtime_ns, stat.st_ino


def rows(paths: LibraryPaths) -> list[object]:
    """Everything the index says, table by table (not its bytes: SQLite pages vary)."""
    connection = sqlite3.connect(paths.index)
    try:
        return [
            connection.execute("SELECT * FROM reviews ORDER BY id").fetchall(),
            connection.execute("SELECT * FROM texts ORDER BY id").fetchall(),
            connection.execute("SELECT key, value FROM state ORDER BY key").fetchall(),
            connection.execute(
                "SELECT rowid FROM fts WHERE fts MATCH 'review OR vertigo' ORDER BY rowid"
            ).fetchall(),
        ]
    finally:
        connection.close()


def test_a_write_leaves_a_current_index(paths: LibraryPaths) -> None:
    assert paths.index.name == "index.sqlite" and paths.index.is_file()
    assert paths.index.stat().st_mode & 0o777 == 0o600
    assert index.is_current(paths)
    expected = Library.load(paths).reviews()
    summaries = index.load_summaries(paths)
    assert [review.to_doc() | {"body": ""} for review in expected] == [
        review.to_doc() for review in summaries
    ]


def test_missing_index_is_rebuilt_and_saved(paths: LibraryPaths) -> None:
    paths.index.unlink()
    assert not index.is_current(paths)
    assert len(index.load_summaries(paths)) == len(FILMS)
    assert index.is_current(paths)


def test_stale_index_after_an_outside_change_is_rebuilt(paths: LibraryPaths) -> None:
    tables = orjson.loads(paths.file.read_bytes())
    tables["reviews"]["3"]["title"] = "Holy Motors (director's cut)"
    paths.file.write_bytes(serialise(tables))  # written in place, without the store
    assert not index.is_current(paths)
    titles = {review.id: review.title for review in index.load_summaries(paths)}
    assert titles[3] == "Holy Motors (director's cut)"
    assert index.find_review(paths, "3").title == "Holy Motors (director's cut)"


def test_same_size_inode_and_mtime_but_new_content_is_stale(paths: LibraryPaths) -> None:
    before = paths.file.stat()
    raw = paths.file.read_bytes()
    changed = raw.replace(b'"rating":3.5', b'"rating":2.5')  # one review per line, compact
    assert len(changed) == len(raw) and changed != raw
    with open(paths.file, "r+b") as handle:  # same inode
        handle.write(changed)
    os.utime(paths.file, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = paths.file.stat()
    assert (after.st_size, after.st_ino, after.st_mtime_ns) == (
        before.st_size,
        before.st_ino,
        before.st_mtime_ns,
    )
    ratings = {review.id: review.rating for review in index.load_summaries(paths)}
    assert ratings[2] == 2.5


@pytest.mark.parametrize(
    "damage",
    [b"", b"not sqlite at all\n", b"SQLite format 3\x00" + b"\xff" * 200, b"\x00" * 4096],
    ids=["empty", "garbage", "bad-header", "nul-bytes"],
)
def test_corrupt_index_is_ignored_and_rebuilt(paths: LibraryPaths, damage: bytes) -> None:
    expected = [review.slug for review in default_order(Library.load(paths).reviews())]
    paths.index.write_bytes(damage)
    assert [review.slug for review in index.first_in_default_order(paths, None)] == expected
    assert index.is_current(paths)  # the rebuilt index was saved


def test_truncated_index_is_rebuilt(paths: LibraryPaths) -> None:
    expected = rows(paths)
    data = paths.index.read_bytes()
    paths.index.write_bytes(data[: len(data) // 2])
    assert len(index.load_summaries(paths)) == len(FILMS)
    assert rows(paths) == expected


def test_an_index_from_another_library_is_never_trusted(
    paths: LibraryPaths, tmp_path: Path
) -> None:
    other = resolve_library(tmp_path / "other" / "library.json")
    _build(other, [{**film, "title": f"Other {film['title']}"} for film in FILMS])
    shutil.copyfile(other.index, paths.index)
    assert not index.is_current(paths)
    assert index.load_summaries(paths)[0].title == "Rust and Bone"
    hits, _ = index.search(paths, "other", ("title",))
    assert hits == []


def test_a_locked_index_is_not_waited_on_forever(paths: LibraryPaths) -> None:
    holder = sqlite3.connect(paths.index, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        hits, total = index.search(paths, "vertigo", ("title",))
        assert [hit.review.slug for hit in hits] == ["vertigo-1958"] and total == 1
    finally:
        holder.close()
    assert index.is_current(paths)


def test_reading_and_rebuilding_never_change_the_library_file(paths: LibraryPaths) -> None:
    before = snapshot(paths.file)
    paths.index.unlink()
    index.load_summaries(paths)
    paths.index.write_bytes(b"junk")
    index.find_review(paths, "rust-and-bone-2012")
    index.first_in_default_order(paths, 3)
    index.search(paths, "review", ("body",))
    assert snapshot(paths.file) == before


def test_find_review_reads_one_review_in_full(paths: LibraryPaths) -> None:
    library = Library.load(paths)
    for review in library.reviews():
        assert index.find_review(paths, review.slug) == review
        assert index.find_review(paths, str(review.id)) == review
    assert index.find_review(paths, "taxi").body.startswith("“You talkin’ to me?”")


def test_default_order_matches_the_query_module(paths: LibraryPaths) -> None:
    expected = [review.id for review in default_order(Library.load(paths).summaries())]
    assert [review.id for review in index.first_in_default_order(paths, None)] == expected


def test_missing_library_is_empty_and_corrupt_library_is_an_error(
    isolated_library: Path,
) -> None:
    paths = resolve_library(isolated_library)
    assert index.load_summaries(paths) == []
    assert not paths.index.exists()
    paths.file.parent.mkdir(parents=True, exist_ok=True)
    paths.file.write_bytes(b"{ not json")
    with pytest.raises(CorruptLibraryError):
        index.load_summaries(paths)


def test_a_failed_index_write_is_a_warning_and_the_write_stands(
    paths: LibraryPaths, cli: Runner
) -> None:
    paths.index.unlink()
    paths.index.mkdir()  # os.replace onto a directory fails
    result = cli("add", "La Haine", "--year", "1995", "--body", "x")
    assert result.code == 0, result.err
    assert result.out == "la-haine-1995\n"
    assert "warning" in result.err and "index" in result.err
    assert Library.load(paths).get(8) is not None
    listed = cli("list", "--format", "ids")
    assert listed.code == 0 and "8" in listed.out.split()


def test_cli_list_and_show_agree_with_the_full_load(paths: LibraryPaths, cli: Runner) -> None:
    from_index = cli("list", "--format", "ids").out.split()
    full = [str(doc["id"]) for doc in orjson.loads(cli("list", "--format", "json").out)]
    assert from_index == full
    assert cli("list", "--limit", "2", "--format", "ids").out.split() == full[:2]
    shown = orjson.loads(cli("show", "amour-2012", "--format", "json").out)
    assert shown == Library.load(paths).get(4).to_doc()  # type: ignore[union-attr]


def test_incremental_index_after_writes_equals_a_full_rebuild(paths: LibraryPaths) -> None:
    with writing(paths) as library:
        library.add({"title": "La Haine", "year": 1995, "body": "Jusqu’ici tout va bien."})
    with writing(paths) as library:
        library.set_rank(2, 1)  # shifts the ranks of the others without touching them
    with writing(paths) as library:
        review = library.get(5)
        assert review is not None
        library.save(review.evolve(tags=["Hitchcock", "Vertigo’s heirs"], body="New text."))
    with writing(paths) as library:
        library.delete(3)
    incremental = rows(paths)
    assert index.is_current(paths)
    paths.index.unlink()
    index.load_summaries(paths)
    assert rows(paths) == incremental
