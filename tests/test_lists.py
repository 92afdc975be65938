"""Named lists (issue 15): the commands as a critic uses them, and the pure operations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from filmrev import film_lists
from filmrev.errors import NotFoundError, ValidationError
from tests.conftest import Runner

STAMP = "2026-01-01T00:00:00.000000Z"


def stored_lists(library: Path) -> dict[str, dict[str, object]]:
    tables = json.loads(library.read_text("utf-8"))
    return {doc["name"]: doc for doc in tables.get("lists", {}).values()}


@pytest.fixture
def films(cli: Runner) -> None:
    for title, year, rating, rank, tag in (
        ("Holy Motors", "2012", "5", "1", "French"),
        ("Amour", "2012", "4.5", "2", "French"),
        ("Rust and Bone", "2012", "4", "3", "Gritty"),
        ("Carol", "2015", "4.5", "4", "Romance"),
    ):
        result = cli("add", title, "--year", year, "--rating", rating, "--rank", rank, "--tag", tag)
        assert result.code == 0, result.err
    assert cli("add", "Tabu", "--year", "2012").code == 0  # not ranked


def entries(library: Path, name: str) -> list[tuple[object, object]]:
    listed = stored_lists(library)[name]["entries"]
    assert isinstance(listed, list)
    return [(entry["review_id"], entry["title"]) for entry in listed]


def test_create_add_show_a_list(cli: Runner, isolated_library: Path, films: None) -> None:
    created = cli("lists", "create", "Festival", "--description", "Cannes 2024")
    assert created.code == 0, created.err
    assert created.out == "festival\n"
    added = cli(
        "lists", "add", "festival", "amour-2012", "--film", "Anora (2024)", "--note", "Palme"
    )
    assert added.code == 0, added.err
    assert "added to 'Festival' (2 films): Amour (2012), Anora (2024)" in added.err
    doc = stored_lists(isolated_library)["Festival"]
    assert doc["slug"] == "festival" and doc["ranked"] is False
    assert doc["description"] == "Cannes 2024"
    assert doc["sources"] == {"letterboxd": None}
    assert doc["entries"] == [
        {"review_id": 2, "title": "Amour", "year": 2012, "note": "Palme"},
        {"review_id": None, "title": "Anora", "year": 2024, "note": "Palme"},
    ]
    shown = cli("lists", "show", "FESTIVAL")
    assert shown.code == 0, shown.err
    assert "Festival  2 films, unranked" in shown.out
    assert "Anora (2024)" in shown.out and "no review yet" in shown.out
    assert "amour-2012" in shown.out
    listing = cli("lists")
    assert listing.code == 0
    assert "Festival" in listing.out and "2" in listing.out
    data = json.loads(cli("lists", "--format", "json").out)
    assert [(item["id"], item["name"], len(item["entries"])) for item in data] == [
        (1, "Festival", 2)
    ]


def test_film_option_links_an_existing_review(
    cli: Runner, isolated_library: Path, films: None
) -> None:
    cli("lists", "create", "Watch again")
    assert cli("lists", "add", "watch again", "--film", "tabu (2012)").code == 0
    assert entries(isolated_library, "Watch again") == [(5, "Tabu")]


def test_adding_a_film_twice_is_refused_and_changes_nothing(
    cli: Runner, isolated_library: Path, films: None
) -> None:
    cli("lists", "create", "Festival")
    cli("lists", "add", "Festival", "amour-2012", "--film", "Anora (2024)")
    before = isolated_library.read_bytes()
    again = cli("lists", "add", "Festival", "carol-2015", "2")
    assert again.code == 1
    assert again.err == (
        "filmrev: error: Amour (2012) is already in 'Festival'; nothing was added\n"
    )
    film_again = cli("lists", "add", "Festival", "--film", "ANORA (2024)")
    assert film_again.code == 1 and "Anora (2024) is already in 'Festival'" in film_again.err
    assert isolated_library.read_bytes() == before


def test_unknown_list_suggests_close_names(
    cli: Runner, isolated_library: Path, films: None
) -> None:
    cli("lists", "create", "Best of 2012")
    before = isolated_library.read_bytes()
    for args in (
        ("show", "Best of 2021"),
        ("add", "Best of 2021", "amour-2012"),
        ("delete", "Best of 2021", "--yes"),
    ):
        result = cli("lists", *args)
        assert result.code == 1, args
        assert result.err == (
            "filmrev: error: no list named 'Best of 2021'; did you mean: 'Best of 2012'?\n"
        )
    assert isolated_library.read_bytes() == before
    assert "did you mean: 'Best of 2012'" in cli("lists", "show", "2012").err


def test_add_at_move_and_remove(cli: Runner, isolated_library: Path, films: None) -> None:
    cli("lists", "create", "Top", "--ranked")
    cli("lists", "add", "Top", "1", "2", "3")
    assert cli("lists", "add", "Top", "carol-2015", "--at", "1").code == 0
    assert [title for _, title in entries(isolated_library, "Top")] == [
        "Carol",
        "Holy Motors",
        "Amour",
        "Rust and Bone",
    ]
    moved = cli("lists", "move", "Top", "rust-and-bone-2012", "--to", "2")
    assert moved.code == 0 and "moved Rust and Bone (2012) from 4 to 2" in moved.err
    by_title = cli("lists", "move", "Top", "holy motors", "--to", "1")
    assert by_title.code == 0, by_title.err
    assert [title for _, title in entries(isolated_library, "Top")] == [
        "Holy Motors",
        "Carol",
        "Rust and Bone",
        "Amour",
    ]
    before = isolated_library.read_bytes()
    too_far = cli("lists", "move", "Top", "amour-2012", "--to", "9")
    assert too_far.code == 1 and "--to must be from 1 to 4 (got 9)" in too_far.err
    bad_at = cli("lists", "add", "Top", "tabu-2012", "--at", "7")
    assert bad_at.code == 1 and "--at must be from 1 to 5 (got 7)" in bad_at.err
    missing = cli("lists", "remove", "Top", "tabu-2012")
    assert missing.code == 1 and "'tabu-2012' is not in the list 'Top'" in missing.err
    assert isolated_library.read_bytes() == before
    removed = cli("lists", "remove", "Top", "Carol (2015)")
    assert removed.code == 0 and "removed Carol (2015) from 'Top'" in removed.err
    assert [title for _, title in entries(isolated_library, "Top")] == [
        "Holy Motors",
        "Rust and Bone",
        "Amour",
    ]


def test_markdown_is_a_post_with_links_and_notes(
    cli: Runner, isolated_library: Path, films: None
) -> None:
    cli("edit", "holy-motors-2012", "--url", "https://blog.example/holy-motors/")
    cli("publish", "amour-2012")
    cli("lists", "create", "Best of 2012", "--ranked", "--description", "The ones that stay.")
    cli("lists", "add", "Best of 2012", "holy-motors-2012", "--note", "A limousine.\nAnd more.")
    cli("lists", "add", "Best of 2012", "amour-2012", "rust-and-bone-2012")
    cli("lists", "add", "Best of 2012", "--film", "Tabu [director's cut] (2012)")
    result = cli("lists", "show", "Best of 2012", "--format", "markdown")
    assert result.code == 0, result.err
    assert result.out == (
        "# Best of 2012\n\n"
        "The ones that stay.\n\n"
        "1. [Holy Motors (2012)](https://blog.example/holy-motors/) — ★★★★★ 5.0\n"
        "   A limousine.\n"
        "   And more.\n"
        "2. [Amour (2012)](amour-2012) — ★★★★½ 4.5\n"
        "3. Rust and Bone (2012) — ★★★★ 4.0\n"
        "4. Tabu \\[director's cut\\] (2012)\n"
    )
    as_json = json.loads(cli("lists", "show", "Best of 2012", "--format", "json").out)
    assert [(e["position"], e["slug"]) for e in as_json["entries"]] == [
        (1, "holy-motors-2012"),
        (2, "amour-2012"),
        (3, "rust-and-bone-2012"),
        (4, None),
    ]


def test_from_rank_takes_the_filtered_ranking_in_rank_order(
    cli: Runner, isolated_library: Path, films: None
) -> None:
    result = cli("lists", "create", "Best of 2012", "--from-rank", "--year", "2012")
    assert result.code == 0, result.err
    assert "with 3 ranked film(s)" in result.err
    doc = stored_lists(isolated_library)["Best of 2012"]
    assert doc["ranked"] is True
    assert entries(isolated_library, "Best of 2012") == [
        (1, "Holy Motors"),
        (2, "Amour"),
        (3, "Rust and Bone"),
    ]
    cli("lists", "create", "French two", "--from-rank", "--tag", "french", "--limit", "1")
    assert entries(isolated_library, "French two") == [(1, "Holy Motors")]
    usage = cli("lists", "create", "Oops", "--year", "2012")
    assert usage.code == 2 and "--year, --tag and --limit go with --from-rank" in usage.err


def test_rename_keeps_the_slug_and_refuses_a_taken_name(
    cli: Runner, isolated_library: Path, films: None
) -> None:
    cli("lists", "create", "Best of 2012")
    cli("lists", "create", "Festival")
    renamed = cli("lists", "rename", "festival", "Cannes 2024")
    assert renamed.code == 0, renamed.err
    assert stored_lists(isolated_library)["Cannes 2024"]["slug"] == "festival"
    before = isolated_library.read_bytes()
    taken = cli("lists", "rename", "Cannes 2024", "BEST of 2012")
    assert taken.code == 1
    assert taken.err == "filmrev: error: a list named 'Best of 2012' exists already\n"
    assert isolated_library.read_bytes() == before
    duplicate = cli("lists", "create", "best of  2012")
    assert duplicate.code == 1 and "exists already" in duplicate.err


def test_delete_needs_a_terminal_or_yes_and_keeps_a_backup(
    cli: Runner, isolated_library: Path, films: None
) -> None:
    cli("lists", "create", "Festival")
    cli("lists", "add", "Festival", "amour-2012")
    before = isolated_library.read_bytes()
    refused = cli("lists", "delete", "festival")
    assert refused.code == 1
    assert refused.err == (
        "filmrev: error: not deleting list 'Festival': no terminal to confirm; pass --yes\n"
    )
    assert isolated_library.read_bytes() == before
    deleted = cli("lists", "delete", "festival", "--yes")
    assert deleted.code == 0, deleted.err
    assert "deleted list 'Festival' (1 films); the reviews stay" in deleted.err
    assert stored_lists(isolated_library) == {}
    backups = list((isolated_library.parent / "library.json.d" / "backups").glob("*lists-delete*"))
    assert len(backups) == 1 and backups[0].read_bytes() == before
    assert "amour-2012" in cli("list", "--format", "ids").out or cli("show", "2").code == 0


def test_a_film_listed_before_its_review_is_not_listed_twice(
    cli: Runner, isolated_library: Path, films: None
) -> None:
    cli("lists", "create", "Festival")
    assert cli("lists", "add", "Festival", "--film", "Anora (2024)").code == 0
    assert cli("add", "Anora", "--year", "2024").code == 0
    before = isolated_library.read_bytes()
    again = cli("lists", "add", "Festival", "anora-2024")
    assert again.code == 1
    assert again.err == "filmrev: error: Anora (2024) is already in 'Festival'; nothing was added\n"
    assert isolated_library.read_bytes() == before


def test_a_deleted_review_stays_in_the_list_as_a_film(
    cli: Runner, isolated_library: Path, films: None
) -> None:
    cli("lists", "create", "Festival")
    cli("lists", "add", "Festival", "amour-2012")
    assert cli("delete", "amour-2012", "--yes").code == 0
    shown = cli("lists", "show", "Festival")
    assert shown.code == 0 and "Amour (2012)" in shown.out and "no review yet" in shown.out


def test_help_has_examples(cli: Runner) -> None:
    for command in ("create", "add", "remove", "move", "show", "rename", "delete"):
        result = cli("lists", command, "--help")
        assert result.code == 0 and "Example: filmrev lists" in result.out, command


# --- pure operations ----------------------------------------------------------------------------


def test_entry_positions_and_duplicates() -> None:
    top = film_lists.new_list([], "Top", stamp=STAMP, ranked=True)
    one = film_lists.ListEntry(1, "Amour", 2012)
    two = film_lists.ListEntry(None, "Anora", 2024)
    top = film_lists.add_entries(top, [one, two], stamp=STAMP)
    top = film_lists.move_entry(top, 1, 1, stamp=STAMP)
    assert [entry.title for entry in top.entries] == ["Anora", "Amour"]
    with pytest.raises(ValidationError, match="given twice"):
        film_lists.add_entries(
            top, [film_lists.ListEntry(3, "X"), film_lists.ListEntry(3, "X")], stamp=STAMP
        )
    with pytest.raises(ValidationError, match="1 to 3"):
        film_lists.add_entries(top, [film_lists.ListEntry(4, "Y")], stamp=STAMP, at=0)
    assert film_lists.parse_film(" Tabu  (2012) ") == ("Tabu", 2012)
    assert film_lists.parse_film("1917") == ("1917", None)


def test_names_fold_and_slugs_are_unique() -> None:
    first = film_lists.new_list([], "Amélie’s Favourites", stamp=STAMP)
    assert first.slug == "amelies-favourites"
    assert film_lists.find_list([first], "AMELIE'S   favourites") is first
    second = film_lists.new_list([first], "Amelies favourites!", stamp=STAMP)
    assert second.slug == "amelies-favourites-2" and second.id == 2
    with pytest.raises(ValidationError, match="exists already"):
        film_lists.new_list([first, second], "amélie's favourites", stamp=STAMP)
    with pytest.raises(NotFoundError, match="did you mean"):
        film_lists.find_list([first, second], "Amelie favourite")
    assert film_lists.new_list([], "★★★", stamp=STAMP).slug == "list-1"


def test_stored_docs_round_trip_and_are_validated() -> None:
    film_list = film_lists.new_list(
        [],
        "Top",
        stamp=STAMP,
        ranked=True,
        entries=[film_lists.ListEntry(2, "Amour", 2012, "note")],
        letterboxd="https://boxd.it/abc",
    )
    doc = film_list.to_doc()
    assert film_lists.FilmList.from_doc(1, doc) == film_list
    too_long = "n" * (film_lists.NOTE_MAX + 1)
    with pytest.raises(ValidationError, match="note is 2,000,001 characters"):
        film_lists.FilmList.from_doc(
            1, {**doc, "entries": [{"review_id": None, "title": "X", "note": too_long}]}
        )
    with pytest.raises(ValidationError, match="holds Amour"):
        film_lists.FilmList.from_doc(1, {**doc, "entries": doc["entries"] * 2})


def test_export_letterboxd_list_writes_their_list_import_csv(
    cli: Runner, isolated_library: Path, films: None, tmp_path: Path
) -> None:
    cli("lists", "create", "Best of 2012", "--from-rank", "--year", "2012")
    cli(
        "lists",
        "add",
        "Best of 2012",
        "--film",
        'Tabu, "Paraíso" (2012)',
        "--note",
        "A *mute* half",
    )
    result = cli("export", "--format", "letterboxd-list", "best of 2012")
    assert result.code == 0, result.err
    assert (
        result.out.encode("utf-8")
        == (
            "Position,Title,Year,Review\r\n"
            "1,Holy Motors,2012,\r\n"
            "2,Amour,2012,\r\n"
            "3,Rust and Bone,2012,\r\n"
            '4,"Tabu, ""Paraíso""",2012,A <em>mute</em> half\r\n'
        ).encode()
    )
    cli("lists", "create", "Loose")
    cli("lists", "add", "Loose", "carol-2015")
    target = tmp_path / "loose.csv"
    written = cli("export", "--format", "letterboxd-list", "Loose", "--out", str(target))
    assert written.code == 0, written.err
    assert target.read_bytes() == b"Title,Year,Review\r\nCarol,2015,\r\n"
    assert cli("export", "--format", "letterboxd-list").code == 2
    assert cli("export", "Loose").code == 2
    unknown = cli("export", "--format", "letterboxd-list", "Lose")
    assert unknown.code == 1 and "did you mean: 'Loose'?" in unknown.err
