"""``watchlist`` (issue 15, Watchlist): films to see, stored beside the reviews, never reviews."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Runner


def _table(library: Path) -> dict[str, Any]:
    tables = json.loads(library.read_text("utf-8"))
    watchlist = tables.get("watchlist", {})
    assert isinstance(watchlist, dict)
    return watchlist


def _seed(cli: Runner) -> None:
    assert cli("add", "Amour", "--year", "2012", "--rating", "5", "--body", "x").code == 0
    for args in (
        ("Close-Up", "--year", "1990", "--note", "Kiarostami retrospective"),
        ("Tabu", "--year", "2012"),
        ("Tabu", "--year", "1931"),
    ):
        result = cli("watchlist", "add", *args)
        assert result.code == 0, result.err


def test_add_stores_the_contract_shape_and_says_so(cli: Runner, isolated_library: Path) -> None:
    assert cli("add", "Amour", "--year", "2012", "--body", "x").code == 0
    result = cli("watchlist", "add", "Close-Up", "--year", "1990", "--note", "BFI")
    assert result.code == 0
    assert (result.out, result.err) == ("", "added Close-Up (1990) to the watchlist (id 1)\n")
    stored = _table(isolated_library)
    assert list(stored) == ["1"]
    entry = stored["1"]
    assert entry.pop("added").endswith("Z")
    assert entry == {
        "title": "Close-Up",
        "year": 1990,
        "note": "BFI",
        "sources": {"letterboxd": None},
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("close-up", "--year", "1990"), "Close-Up (1990) is already on the watchlist (id 1)"),
        (
            ("AMOUR", "--year", "2012"),
            "Amour (2012) already has a review, amour-2012; a watchlist is for films not seen yet",
        ),
        (("Tabu", "--year", "20xx"), "year must be a whole number"),
        (("  ",), "watchlist title must be 1–300 characters"),
    ],
)
def test_add_refuses_duplicates_and_reviewed_films(
    cli: Runner, isolated_library: Path, args: tuple[str, ...], message: str
) -> None:
    _seed(cli)
    before = isolated_library.read_bytes()
    result = cli("watchlist", "add", *args)
    assert result.code == 1
    assert message in result.err
    assert len(result.err.splitlines()) == 1
    assert isolated_library.read_bytes() == before


def test_bare_watchlist_is_list_and_formats_are_data(cli: Runner) -> None:
    _seed(cli)
    bare = cli("watchlist")
    assert bare.code == 0 and bare.out == cli("watchlist", "list").out
    assert bare.out.splitlines()[0].split() == ["ID", "Title", "Year", "Added", "Note"]
    assert "Kiarostami retrospective" in bare.out
    rows = json.loads(cli("watchlist", "list", "--format", "json").out)
    assert [(row["id"], row["title"], row["year"]) for row in rows] == [
        (1, "Close-Up", 1990),
        (2, "Tabu", 2012),
        (3, "Tabu", 1931),
    ]
    assert set(rows[0]) == {"id", "title", "year", "note", "added", "sources"}
    table = list(csv.DictReader(io.StringIO(cli("watchlist", "list", "--format", "csv").out)))
    assert table[0]["note"] == "Kiarostami retrospective" and table[2]["year"] == "1931"
    for data_format in ("csv", "json"):  # bare `watchlist` takes list's --format too
        bare = cli("watchlist", "--format", data_format)
        assert (bare.code, bare.out) == (0, cli("watchlist", "list", "-f", data_format).out)


def test_empty_watchlist_is_a_note(cli: Runner) -> None:
    result = cli("watchlist")
    assert result.code == 0 and result.out == ""
    assert result.err.startswith("the watchlist is empty")
    assert cli("watchlist", "list", "--format", "json").out == "[]\n"


def test_remove_by_id_or_title(cli: Runner, isolated_library: Path) -> None:
    _seed(cli)
    result = cli("watchlist", "remove", "1")
    assert (result.code, result.err) == (0, "took Close-Up (1990) off the watchlist\n")
    before = isolated_library.read_bytes()
    twice = cli("watchlist", "remove", "tabu")
    assert twice.code == 1
    assert "on the watchlist more than once: Tabu (2012) (id 2), Tabu (1931) (id 3)" in twice.err
    assert isolated_library.read_bytes() == before
    assert cli("watchlist", "remove", "TABU", "--year", "1931").code == 0
    missing = cli("watchlist", "remove", "Tabbu")
    assert missing.code == 1
    assert "no film 'Tabbu' on the watchlist (closest: Tabu (2012), id 2)" in missing.err
    assert list(_table(isolated_library)) == ["2"]


def test_watchlist_films_are_not_reviews(cli: Runner) -> None:
    _seed(cli)
    assert cli("list", "--format", "ids").out == "1\n"
    assert [row["slug"] for row in json.loads(cli("list", "--format", "json").out)] == [
        "amour-2012"
    ]
    assert "Tabu" not in cli("rank").out + cli("list").out
    assert json.loads(cli("stats", "--format", "json").out)["reviews"] == 1
    assert cli("show", "tabu").code == 1


def test_log_new_takes_the_film_off_the_watchlist(cli: Runner, isolated_library: Path) -> None:
    _seed(cli)
    result = cli("log", "--new", "Tabu", "--year", "1931", "--date", "2024-02-02")
    assert result.code == 0, result.err
    assert result.err == (
        "logged Tabu (1931) on 2024-02-02: new review tabu-1931; taken off the watchlist\n"
    )
    assert [entry["year"] for entry in _table(isolated_library).values()] == [1990, 2012]
    other = cli("log", "--new", "Perfect Days", "--year", "2023", "--date", "2024-02-03")
    assert "watchlist" not in other.err
