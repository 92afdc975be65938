"""Importing a watchlist: Letterboxd ``watchlist.csv`` (real exports) and the JSON export."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Runner
from tests.test_letterboxd_html import AGUITOV, EXTRATONE, needs_external

HEADER = "Date,Name,Year,Letterboxd URI\n"


def _said(err: str) -> str:
    """The import's watchlist line."""
    return next(line for line in err.splitlines() if line.startswith("watchlist: "))


def _watchlist(cli: Runner) -> list[dict[str, Any]]:
    result = cli("watchlist", "list", "--format", "json")
    assert result.code == 0, result.err
    entries = json.loads(result.out)
    assert isinstance(entries, list)
    return entries


@needs_external
def test_the_real_2540_film_watchlist_lands_whole_and_reimports_as_a_no_op(
    cli: Runner, isolated_library: Path
) -> None:
    result = cli("import", str(AGUITOV / "watchlist.csv"))
    assert result.code == 0, result.err
    assert _said(result.err) == "watchlist: 2540 added"
    entries = _watchlist(cli)
    assert len(entries) == 2540
    assert entries[0] == {
        "id": 1,
        "title": "Sanctuary",
        "year": 2022,
        "note": None,
        "added": "2023-09-26",
        "sources": {"letterboxd": "https://boxd.it/wPKW"},
    }
    # Two films called "Lost Country" (2023), told apart by their URIs: both land.
    lost = [entry["sources"]["letterboxd"] for entry in entries if entry["title"] == "Lost Country"]
    assert lost == ["https://boxd.it/BLKe", "https://boxd.it/RCP2"]
    assert sum(entry["year"] is None for entry in entries) == 9
    assert cli("list", "--format", "ids").out == ""  # not reviews
    before = isolated_library.read_bytes()
    again = cli("import", str(AGUITOV))  # the whole export: reviews come, the watchlist stays
    assert again.code == 0, again.err
    assert "imported 913 reviews: 913 added" in again.err
    assert _said(again.err) == "watchlist: 0 added, 2540 already on it; nothing to change"
    assert before != isolated_library.read_bytes()
    assert len(_watchlist(cli)) == 2540


@needs_external
def test_a_watchlist_film_that_has_a_review_is_not_added(
    cli: Runner, isolated_library: Path
) -> None:
    result = cli("import", str(EXTRATONE))
    assert result.code == 0, result.err
    assert "imported 408 reviews" in result.err
    assert _said(result.err) == (
        "watchlist: 109 added, 4 not added (the film has a review: "
        "simon-amstell-set-free-2019, network-1976, terminal-2018, …)"
    )
    titles = {entry["title"] for entry in _watchlist(cli)}
    assert len(titles) == 109 and "Network" not in titles
    before = isolated_library.read_bytes()
    again = cli("import", str(EXTRATONE))
    assert again.code == 0, again.err
    assert _said(again.err).endswith("; nothing to change")
    assert isolated_library.read_bytes() == before  # a no-op writes nothing


def test_matching_by_uri_else_title_and_year(cli: Runner, tmp_path: Path) -> None:
    assert cli("watchlist", "add", "Close-Up", "--year", "1990").code == 0  # no URI
    csv_file = tmp_path / "watchlist.csv"
    csv_file.write_text(
        HEADER
        + "2024-01-02,close-up,1990,https://boxd.it/aaa\n"  # same film: takes the URI
        + "2024-01-03,Tabu,2012,https://boxd.it/bbb\n"
        + "2024-01-04,Tabu (renamed),2012,https://boxd.it/bbb\n",  # same URI: same film
        encoding="utf-8",
    )
    result = cli("import", str(csv_file))
    assert result.code == 0, result.err
    assert _said(result.err) == (
        "watchlist: 1 added, 1 given their Letterboxd link, 1 already on it"
    )
    assert [(e["id"], e["title"], e["sources"]["letterboxd"]) for e in _watchlist(cli)] == [
        (1, "Close-Up", "https://boxd.it/aaa"),
        (2, "Tabu", "https://boxd.it/bbb"),
    ]


def test_a_bad_watchlist_row_fails_the_import_naming_the_line(
    cli: Runner, isolated_library: Path, tmp_path: Path
) -> None:
    csv_file = tmp_path / "watchlist.csv"
    csv_file.write_text(HEADER + "2024-01-02,Tabu,20x2,https://boxd.it/b\n", encoding="utf-8")
    result = cli("import", str(csv_file))
    assert result.code == 1
    assert f"{csv_file}:2: year must be a whole number" in result.err
    assert not isolated_library.exists()


def test_json_export_round_trips_the_watchlist_byte_for_byte(cli: Runner, tmp_path: Path) -> None:
    assert cli("add", "Amour", "--year", "2012", "--body", "x").code == 0
    assert cli("export", "--format", "json").out.count('"watchlist"') == 0  # none: no key
    for args in (("Close-Up", "--year", "1990", "--note", "BFI"), ("Tabu", "--year", "2012")):
        assert cli("watchlist", "add", *args).code == 0
    assert cli("watchlist", "remove", "1").code == 0  # ids need not start at 1
    first = cli("export", "--format", "json").out
    document = json.loads(first)
    assert [entry["id"] for entry in document["watchlist"]] == [2]
    export = tmp_path / "export.json"
    export.write_text(first, encoding="utf-8")
    fresh = {"FILMREV_DB": str(tmp_path / "fresh" / "library.json")}
    result = cli("import", str(export), env=fresh)
    assert result.code == 0, result.err
    assert _said(result.err) == "watchlist: 1 added"
    assert cli("export", "--format", "json", env=fresh).out == first
    again = cli("import", str(export), env=fresh)
    assert _said(again.err) == "watchlist: 0 added, 1 already on it; nothing to change"


@pytest.mark.parametrize(
    ("watchlist", "reason"),
    [
        ([{"id": 1, "title": "Tabu", "year": 2012, "colour": "red"}], "unknown key 'colour'"),
        ([{"id": 0, "title": "Tabu"}], "watchlist id must be a whole number"),
        ("Tabu", '"watchlist" must be a list of entries'),
    ],
)
def test_json_import_refuses_a_bad_watchlist_entry(
    cli: Runner, isolated_library: Path, tmp_path: Path, watchlist: Any, reason: str
) -> None:
    export = tmp_path / "export.json"
    document = {"format": "filmrev", "version": 1, "schema": 2, "reviews": []}
    export.write_text(json.dumps({**document, "watchlist": watchlist}), encoding="utf-8")
    result = cli("import", str(export))
    assert result.code == 1
    assert reason in result.err
    assert not isolated_library.exists()
