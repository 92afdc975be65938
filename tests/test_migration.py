"""A real schema-1 library (written by the pre-redesign filmrev) opens and migrates losslessly."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from tests.conftest import Runner

FIXTURE = Path(__file__).parent / "fixtures" / "schema1"


def _install(library: Path) -> bytes:
    library.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(FIXTURE / "library.json", library)
    return library.read_bytes()


def _export_as_schema_2() -> Any:
    """What the old code exported of this very library, as today's export must read it.

    Only the schema number differs, and the fields this round added, at their empty values
    (WordPress: ``categories``, ``comments``, ``sources.wordpress``, ``images[].featured``).
    """
    old = json.loads((FIXTURE / "export.json").read_text("utf-8"))
    assert old["schema"] == 1
    old["schema"] = 2
    for review in old["reviews"]:
        review.update(categories=[], comments=[])
        review["sources"]["wordpress"] = None
        for image in review["images"]:
            image["featured"] = False
    return old


def _exported(cli: Runner) -> Any:
    result = cli("export", "--format", "json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_schema_1_library_reads_as_before_without_being_written(
    cli: Runner, isolated_library: Path
) -> None:
    original = _install(isolated_library)
    assert _exported(cli) == _export_as_schema_2()
    assert cli("list", "--format", "ids").code == 0
    shown = cli("show", "amour-2012", "--format", "json")
    assert shown.code == 0 and json.loads(shown.out)["body"].startswith("#")
    assert cli("search", "stephanie").code == 0
    assert isolated_library.read_bytes() == original


def test_first_write_migrates_losslessly_after_a_backup(
    cli: Runner, isolated_library: Path
) -> None:
    original = _install(isolated_library)
    result = cli("tag", "rename", "déjà vu", "déjà vu")  # a write that changes no review
    assert result.code == 0, result.err
    tables = json.loads(isolated_library.read_text("utf-8"))
    assert tables["meta"]["1"]["schema"] == 2
    docs = tables["reviews"].values()
    assert all(set(doc["body"]) == {"sha256", "bytes", "words"} for doc in docs)
    assert len(isolated_library.read_bytes()) < len(original) // 2
    backups = list((isolated_library.parent / "library.json.d" / "backups").glob("*migrate*"))
    assert [backup.read_bytes() for backup in backups] == [original]
    bodies = list((isolated_library.parent / "library.json.d" / "bodies").glob("*/*"))
    assert len(bodies) == len({doc["body"]["sha256"] for doc in docs})
    assert _exported(cli) == _export_as_schema_2()
    assert cli("doctor").code == 0


def test_migrated_library_keeps_working(cli: Runner, isolated_library: Path) -> None:
    _install(isolated_library)
    assert cli("edit", "amour-2012", "--rating", "4.5").code == 0
    assert cli("search", "Straße").out.count("Cléo") == 1
    ranked = json.loads(cli("rank", "--format", "json").out)
    assert [film["slug"] for film in ranked[:2]] == ["la-haine-1995", "aftersun-2022"]
    restored = cli("restore", "latest", "--yes")
    assert restored.code == 0, restored.err
    assert _exported(cli) == _export_as_schema_2()
