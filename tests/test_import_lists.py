"""Letterboxd ``lists/*.csv`` and filmrev's JSON export bring named lists in (issue 15)."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path
from typing import Any

from tests.conftest import Runner
from tests.test_letterboxd_html import AGUITOV, EXTRATONE, needs_external

FIXTURES = Path(__file__).parent / "fixtures" / "letterboxd"

HEADER = (
    "Letterboxd list export v7\r\n"
    "Date,Name,Tags,URL,Description\r\n"
    "2024-05-01,Festival Picks,,https://boxd.it/fest1,<b>Cannes</b> and more\r\n"
    "\r\n"
    "Position,Name,Year,URL,Description\r\n"
)


def stored_lists(library: Path) -> list[dict[str, Any]]:
    tables = json.loads(library.read_text("utf-8"))
    return [tables["lists"][key] for key in sorted(tables.get("lists", {}), key=int)]


def export_folder(tmp_path: Path, rows: str = "") -> Path:
    folder = tmp_path / "export"
    shutil.copytree(FIXTURES, folder)
    if rows:
        (folder / "lists" / "festival-picks.csv").write_text(HEADER + rows, "utf-8")
    return folder


def test_a_letterboxd_list_imports_with_order_notes_and_links(
    cli: Runner, tmp_path: Path, isolated_library: Path
) -> None:
    folder = export_folder(
        tmp_path,
        "2,Vertigo,1958,https://letterboxd.com/film/vertigo/,\r\n"
        '1,Anora,2024,https://boxd.it/anora,"Palme d\'Or, <i>deserved</i>"\r\n',
    )
    result = cli("import", str(folder))
    assert result.code == 0, result.err
    assert "lists: 2 added, 0 updated, 0 unchanged\n" in result.err
    top, festival = stored_lists(isolated_library)
    assert top["name"] == "All-Time Top"
    assert top["ranked"] is True  # "Top" in its name
    assert top["description"] == "My favourites, in order.\nRanked, obviously."
    assert top["sources"] == {"letterboxd": "https://letterboxd.com/critic/list/all-time-top/"}
    assert top["created"] == top["updated"] == "2024-06-01T00:00:00.000000Z"
    titles = [(entry["title"], entry["review_id"] is not None) for entry in top["entries"]]
    assert titles == [
        ("Vertigo", True),
        ("Amour", True),
        ("Rust and Bone", True),
        ("Paris, Texas", True),
    ]
    assert top["entries"][2]["note"] == "Matthias Schoenaerts, bare knuckles."
    assert festival["ranked"] is False
    assert festival["description"] == "**Cannes** and more"
    assert festival["entries"] == [
        {"review_id": None, "title": "Anora", "year": 2024, "note": "Palme d'Or, *deserved*"},
        {
            "review_id": top["entries"][0]["review_id"],
            "title": "Vertigo",
            "year": 1958,
            "note": None,
        },
    ]
    before = isolated_library.read_bytes()
    again = cli("import", str(folder))
    assert again.code == 0, again.err
    assert "lists: 0 added, 0 updated, 2 unchanged\n" in again.err
    assert isolated_library.read_bytes() == before


def test_ranked_list_keeps_its_meaning(cli: Runner, tmp_path: Path, isolated_library: Path) -> None:
    folder = export_folder(tmp_path, "1,Anora,2024,https://boxd.it/anora,\r\n")
    result = cli("import", str(folder), "--ranked-list", "Festival Picks")
    assert result.code == 0, result.err
    ranked = json.loads(cli("rank", "--format", "json").out)
    assert [(film["title"], film["rank"]) for film in ranked] == [("Anora", 1)]
    festival = stored_lists(isolated_library)[1]
    assert festival["ranked"] is True  # the list that ranks the films is a ranked list
    assert festival["entries"][0]["review_id"] == ranked[0]["id"]  # the review it made


def test_newer_export_updates_a_list_unless_edited_in_filmrev(
    cli: Runner, tmp_path: Path, isolated_library: Path
) -> None:
    folder = export_folder(tmp_path, "1,Anora,2024,https://boxd.it/anora,\r\n")
    assert cli("import", str(folder)).code == 0
    picks = folder / "lists" / "festival-picks.csv"
    picks.write_text(HEADER + "1,Anora,2024,https://boxd.it/anora,\r\n2,Tabu,2012,,\r\n", "utf-8")
    newer = cli("import", str(folder))
    assert "lists: 0 added, 1 updated, 1 unchanged\n" in newer.err
    assert [entry["title"] for entry in stored_lists(isolated_library)[1]["entries"]] == [
        "Anora",
        "Tabu",
    ]
    assert cli("lists", "remove", "festival picks", "Tabu").code == 0
    picks.write_text(HEADER + "1,Anora,2024,https://boxd.it/anora,\r\n2,Aftersun,2022,,\r\n")
    kept = cli("import", str(folder))
    assert kept.code == 0, kept.err
    assert "kept list 'Festival Picks': edited in filmrev since it was imported" in kept.err
    assert "lists: 0 added, 0 updated, 1 unchanged, 1 kept" in kept.err
    assert [e["title"] for e in stored_lists(isolated_library)[1]["entries"]] == ["Anora"]
    replaced = cli("import", str(folder), "--overwrite")
    assert "lists: 0 added, 1 updated, 1 unchanged" in replaced.err
    assert [e["title"] for e in stored_lists(isolated_library)[1]["entries"]] == [
        "Anora",
        "Aftersun",
    ]


def test_a_damaged_list_file_is_named_not_skipped_silently(
    cli: Runner, tmp_path: Path, isolated_library: Path
) -> None:
    folder = export_folder(tmp_path)
    (folder / "lists" / "zeroed.csv").write_bytes(b"\0" * 434)
    result = cli("import", str(folder))
    assert result.code == 0, result.err
    assert (
        f"{folder / 'lists' / 'zeroed.csv'}: not imported as a list: it holds only NUL bytes"
        in result.err
    )
    assert len(stored_lists(isolated_library)) == 1


def test_dry_run_counts_lists_and_writes_nothing(
    cli: Runner, tmp_path: Path, isolated_library: Path
) -> None:
    result = cli("import", str(export_folder(tmp_path)), "--dry-run")
    assert result.code == 0, result.err
    assert "lists: 1 added, 0 updated, 0 unchanged\n" in result.err
    assert not isolated_library.exists()


def test_json_export_round_trips_lists(cli: Runner, tmp_path: Path, isolated_library: Path) -> None:
    assert cli("import", str(export_folder(tmp_path, "1,Anora,2024,,x\r\n"))).code == 0
    assert cli("lists", "create", "Mine", "--ranked", "--description", "d").code == 0
    assert cli("lists", "add", "Mine", "vertigo-1958", "--film", "Tabu (2012)").code == 0
    exported = cli("export")
    assert exported.code == 0, exported.err
    document = json.loads(exported.out)
    assert [item["name"] for item in document["lists"]] == [
        "All-Time Top",
        "Festival Picks",
        "Mine",
    ]
    first = tmp_path / "first.json"
    first.write_text(exported.out, "utf-8")
    fresh = ("--db", str(tmp_path / "fresh" / "library.json"))
    imported = cli(*fresh, "import", str(first))
    assert imported.code == 0, imported.err
    assert "lists: 3 added, 0 updated, 0 unchanged" in imported.err
    assert cli(*fresh, "export").out == exported.out
    again = cli(*fresh, "import", str(first))
    assert "lists: 0 added, 0 updated, 3 unchanged" in again.err


def test_a_library_without_lists_exports_no_lists_key(cli: Runner) -> None:
    assert cli("add", "Amour", "--year", "2012").code == 0
    assert "lists" not in json.loads(cli("export").out)


def _csv_lists(folder: Path) -> dict[str, list[tuple[str, int | None]]]:
    """URL → films in Position order, read straight from each readable CSV."""
    found: dict[str, list[tuple[str, int | None]]] = {}
    for path in sorted((folder / "lists").glob("*.csv")):
        text = path.read_text("utf-8-sig")
        if not text.strip("\0\r\n "):
            continue
        rows = list(csv.reader(io.StringIO(text, newline="")))
        meta = dict(zip(rows[1], rows[2], strict=False))
        start = next(n for n, row in enumerate(rows) if row and row[0] == "Position")
        films = sorted((row for row in rows[start + 1 :] if row), key=lambda row: int(row[0]))
        found[meta["URL"]] = [(row[1], int(row[2]) if row[2] else None) for row in films]
    return found


@needs_external
def test_real_exports_import_every_readable_list_in_order(
    cli: Runner, isolated_library: Path
) -> None:
    for folder, readable in ((AGUITOV, 82), (EXTRATONE, 6)):
        db = ("--db", str(isolated_library.parent / f"{folder.name}.json"))
        result = cli(*db, "import", str(folder))
        assert result.code == 0, result.err
        assert f"lists: {readable} added, 0 updated, 0 unchanged\n" in result.err
        library = isolated_library.parent / f"{folder.name}.json"
        by_url = {item["sources"]["letterboxd"]: item for item in stored_lists(library)}
        expected = _csv_lists(folder)
        assert len(expected) == readable == len(by_url)
        for url, films in expected.items():
            got = [(entry["title"], entry["year"]) for entry in by_url[url]["entries"]]
            assert got == films, url
        before = library.read_bytes()
        again = cli(*db, "import", str(folder))
        assert f"lists: 0 added, 0 updated, {readable} unchanged\n" in again.err
        assert library.read_bytes() == before
    aguitov = ("--db", str(isolated_library.parent / f"{AGUITOV.name}.json"))
    shown = cli(*aguitov, "lists", "show", "2012 ranked", "--format", "json")
    top_2012 = json.loads(shown.out)
    assert top_2012["ranked"] is True
    assert [entry["title"] for entry in top_2012["entries"][:3]] == [
        "Paperman",
        "7 Boxes",
        "White Elephant",
    ]
