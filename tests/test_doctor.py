"""``filmrev doctor``: a report, exit 0 or 3; ``--fix`` repairs what is safe after a backup."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import orjson

from filmrev.backups import list_backups
from filmrev.paths import resolve_library
from tests.conftest import Runner


def _library(cli: Runner) -> None:
    for title, rank in (("Amour", "1"), ("Caché", "2"), ("Rust and Bone", "3"), ("Amélie", None)):
        args = ["add", title, "--year", "2012", "--tag", "French"]
        assert cli(*args, *(["--rank", rank] if rank else [])).code == 0


def _edit_file(library: Path, change: Any) -> bytes:
    document = orjson.loads(library.read_bytes())
    change(document)
    raw = orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n"
    library.write_bytes(raw)
    return raw


def _report(cli: Runner, *args: str) -> tuple[int, dict[str, Any], str]:
    result = cli("doctor", "--format", "json", *args)
    return result.code, orjson.loads(result.out), result.err


def _status(report: dict[str, Any]) -> dict[str, str]:
    return {check["check"]: check["status"] for check in report["checks"]}


def test_a_healthy_library_exits_0_with_a_table(cli: Runner, isolated_library: Path) -> None:
    _library(cli)
    result = cli("doctor", env={"COLUMNS": "120"})
    assert result.code == 0, result.err
    assert result.out.startswith(f"Library {isolated_library}\n")
    for check in ("file", "schema", "ids", "slugs", "ranks", "tags", "permissions", "lock"):
        assert f"\n{check} " in result.out
    assert "exactly 1..3" in result.out
    assert "problem" not in result.out
    assert result.err == "no problems found\n"


def test_a_missing_library_is_healthy_and_doctor_creates_nothing(
    cli: Runner, isolated_library: Path
) -> None:
    code, report, _ = _report(cli)
    assert code == 0 and report["healthy"] is True
    assert _status(report) == {"file": "ok", "temp files": "ok", "lock": "ok"}
    assert cli("doctor", "--fix").code == 0
    assert not isolated_library.parent.exists()


def test_problems_exit_3_and_fix_repairs_them_without_losing_a_review(
    cli: Runner, isolated_library: Path
) -> None:
    _library(cli)
    before_ids = cli("list", "--format", "ids").out

    def break_it(document: dict[str, Any]) -> None:
        reviews = document["reviews"]
        reviews["2"]["slug"] = reviews["1"]["slug"]  # duplicate slug
        reviews["3"]["rank"] = 7  # ranks 1, 2, 7: not 1..3
        reviews["4"]["tags"] = ["  French ", "french", "Noir"]  # untrimmed, repeated
        reviews["4"]["title"] = "  Amélie  "
        document["meta"]["1"]["next_id"] = 3  # would reuse id 3
        document.setdefault("comparisons", {})["1"] = {"winner": 1, "loser": 99, "tie": False}

    broken = _edit_file(isolated_library, break_it)
    os.chmod(isolated_library, 0o666)
    (isolated_library.parent / ".library.json.k9x2.tmp").write_bytes(b'{"half": ')
    refused = cli("add", "Another")
    assert refused.code == 1 and "run `filmrev doctor --fix`" in refused.err

    code, report, err = _report(cli)
    assert code == 3
    assert err.startswith(f"filmrev: error: 8 problem(s) in {isolated_library}: ")
    assert report["healthy"] is False and report["problems"] == 8
    statuses = _status(report)
    for check in ("ids", "slugs", "ranks", "tags", "normal form", "comparisons"):
        assert statuses[check] == "problem", check
    assert statuses["permissions"] == "problem" and statuses["temp files"] == "problem"
    assert isolated_library.read_bytes() == broken  # checking changes nothing

    code, fixed, err = _report(cli, "--fix")
    assert code == 0, fixed
    assert fixed["healthy"] is True
    repairs = [check["detail"] for check in fixed["checks"] if check["status"] == "fixed"]
    assert "review 2: slug amour-2012 -> amour-2012-2" in repairs
    assert "renumbered ranks 1..3 keeping their order" in repairs
    assert "next_id raised to 5" in repairs
    assert "removed .library.json.k9x2.tmp" in repairs
    assert "library.json: mode 0666 -> 0644" in repairs
    assert err == f"backup made before repairs: {fixed['backup']}\n"
    assert Path(fixed["backup"]).read_bytes() == broken
    assert [path.name for path in list_backups(resolve_library(isolated_library))] == [
        Path(fixed["backup"]).name
    ]

    assert cli("list", "--format", "ids").out == before_ids  # no review was deleted
    docs = {doc["id"]: doc for doc in orjson.loads(cli("list", "--format", "json").out)}
    assert [docs[i]["rank"] for i in (1, 2, 3, 4)] == [1, 2, 3, None]
    assert docs[4]["tags"] == ["French", "Noir"] and docs[4]["title"] == "Amélie"
    assert stat.S_IMODE(isolated_library.stat().st_mode) == 0o644
    assert (isolated_library.parent / "library.json.lock").exists()  # never deleted
    assert cli("doctor").code == 0
    added = cli("add", "Another")
    assert (added.code, added.out) == (0, "another\n")
    assert cli("show", "another", "--format", "json").out.count('"id": 5') == 1


def test_fix_with_nothing_to_fix_makes_no_backup(cli: Runner, isolated_library: Path) -> None:
    _library(cli)
    before = isolated_library.read_bytes()
    assert cli("doctor", "--fix").code == 0
    assert isolated_library.read_bytes() == before
    assert list_backups(resolve_library(isolated_library)) == []


def test_a_private_data_directory_is_checked_and_fixed(cli: Runner, isolated_library: Path) -> None:
    _library(cli)
    assert cli("backup").code == 0
    data_dir = isolated_library.parent / "library.json.d"
    os.chmod(data_dir, 0o755)
    code, report, _ = _report(cli)
    assert code == 3
    assert any("should be private (0700)" in check["detail"] for check in report["checks"])
    assert cli("doctor", "--fix").code == 0
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700


def test_an_unreadable_library_points_at_the_newest_backup(
    cli: Runner, isolated_library: Path
) -> None:
    _library(cli)
    backup = Path(cli("backup").out.strip())
    isolated_library.write_bytes(b"\x00" * 512)
    code, report, err = _report(cli, "--fix")
    assert code == 3
    [problem] = [check for check in report["checks"] if check["status"] == "problem"]
    assert problem["check"] == "file"
    assert f"`filmrev restore {backup.name}` (newest)" in problem["detail"]
    assert isolated_library.read_bytes() == b"\x00" * 512
    assert "doctor --fix` repairs" not in err  # nothing doctor could do
