"""Backups that protect something: only of a library that opens, and never all rotated out.

After damage, routine backups (cron, habit) must not replace every good copy with
copies of the damaged file; ``doctor`` and ``restore latest`` must point at the newest
backup that opens.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Runner
from tests.reliability.helpers import paths_of


def backups(library: Path) -> list[Path]:
    folder = paths_of(library).backups
    return sorted(folder.glob("library-*.json")) if folder.is_dir() else []


@pytest.fixture
def good(cli: Runner, isolated_library: Path) -> bytes:
    assert cli("add", "Amour", "--year", "2012", "--body", "Long text.").code == 0
    assert cli("add", "Caché", "--year", "2005").code == 0
    return isolated_library.read_bytes()


@pytest.mark.parametrize(
    "damage",
    [b"", b'{"reviews": {"1": ', b'{"reviews": {"1": {"id": 1}}}', b"\xef\xbb\xbf{}"],
    ids=["empty", "cut-short", "invalid-review", "bom"],
)
def test_backup_of_a_library_that_does_not_open_refuses(
    cli: Runner, good: bytes, isolated_library: Path, tmp_path: Path, damage: bytes
) -> None:
    assert cli("backup").code == 0
    kept = backups(isolated_library)
    isolated_library.write_bytes(damage)
    for args in (["backup"], ["backup", str(tmp_path / "copy.json")]):
        result = cli(*args)
        assert result.code == 1
        assert result.out == ""
        assert result.err.startswith("filmrev: error: not backing up: ")
        assert "does not open" in result.err
        assert len(result.err.splitlines()) == 1
    assert backups(isolated_library) == kept
    assert not (tmp_path / "copy.json").exists()
    assert isolated_library.read_bytes() == damage


def test_rotation_never_removes_the_last_backup_that_opens(
    cli: Runner, good: bytes, isolated_library: Path, tmp_path: Path
) -> None:
    env = {"FILMREV_BACKUP_KEEP": "2"}
    assert cli("backup", env=env).code == 0
    [first] = backups(isolated_library)
    outside = tmp_path / "good.json"
    outside.write_bytes(good)
    # Damage, then repair from an outside copy, three times: each restore backs up the
    # damaged file first; with 2 kept, plain rotation would drop the only good copy.
    for number in range(3):
        isolated_library.write_bytes(b'{"reviews": ' + str(number).encode())
        assert cli("restore", str(outside), "--yes", env=env).code == 0
    names = backups(isolated_library)
    assert first in names
    assert len(names) == 3  # the two newest, plus the good one spared
    # Damage once more: doctor and `restore latest` point at the good one.
    isolated_library.write_bytes(b"garbage")
    report = cli("doctor", "--format", "json")
    assert report.code == 3
    [check] = [check for check in json.loads(report.out)["checks"] if check["check"] == "file"]
    assert f"`filmrev restore {first.name}` (the newest that opens)" in check["detail"]
    restored = cli("restore", "latest", "--yes")
    assert restored.code == 0, restored.err
    assert f"from {first}" in restored.err
    assert isolated_library.read_bytes() == good


def test_restore_latest_skips_newer_backups_that_do_not_open(
    cli: Runner, good: bytes, isolated_library: Path
) -> None:
    assert cli("backup").code == 0
    [copy] = backups(isolated_library)
    # A newer backup that does not open (truncated by a full disk, say).
    broken = copy.with_name("library-29991231T235959000000Z-manual.json")
    broken.write_bytes(good[:50])
    assert cli("add", "Vertigo").code == 0
    result = cli("restore", "latest", "--yes")
    assert result.code == 0, result.err
    assert f"from {copy}" in result.err
    assert cli("show", "vertigo").code == 1  # back to the backup's two reviews
