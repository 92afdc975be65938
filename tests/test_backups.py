"""``backup``, ``backups``, ``restore`` and the automatic backups before destructive changes."""

from __future__ import annotations

import stat
from pathlib import Path

import orjson

from filmrev.backups import list_backups
from filmrev.paths import resolve_library
from tests.conftest import Runner


def _library(cli: Runner) -> None:
    for title in ("Amour", "Caché", "Rust and Bone"):
        assert cli("add", title, "--tag", "French").code == 0


def _backups(library: Path) -> list[Path]:
    return list_backups(resolve_library(library))


def test_backup_prints_its_path_and_is_a_private_exact_copy(
    cli: Runner, isolated_library: Path
) -> None:
    _library(cli)
    result = cli("backup")
    assert result.code == 0, result.err
    path = Path(result.out.strip())
    assert result.out == f"{path}\n"
    assert path.parent == isolated_library.parent / "library.json.d" / "backups"
    assert path.name.startswith("library-") and path.name.endswith("-manual.json")
    assert path.read_bytes() == isolated_library.read_bytes()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.parent.parent.stat().st_mode) == 0o700


def test_backup_to_a_path_or_directory_never_overwrites(
    cli: Runner, isolated_library: Path, tmp_path: Path
) -> None:
    _library(cli)
    target = tmp_path / "copy.json"
    assert cli("backup", str(target)).out == f"{target}\n"
    assert target.read_bytes() == isolated_library.read_bytes()
    again = cli("backup", str(target))
    assert again.code == 1
    assert again.err == f"filmrev: error: {target} already exists; not overwriting it\n"
    folder = tmp_path / "folder"
    folder.mkdir()
    inside = Path(cli("backup", str(folder)).out.strip())
    assert inside.parent == folder and inside.read_bytes() == isolated_library.read_bytes()
    assert _backups(isolated_library) == []  # copies elsewhere are not in the rotation


def test_backup_of_a_missing_library_is_an_error(cli: Runner, isolated_library: Path) -> None:
    result = cli("backup")
    assert result.code == 1
    assert result.err == (
        f"filmrev: error: library {isolated_library} does not exist yet; nothing to back up\n"
    )
    assert not isolated_library.parent.exists()


def test_rotation_keeps_filmrev_backup_keep(cli: Runner, isolated_library: Path) -> None:
    _library(cli)
    made = [cli("backup", env={"FILMREV_BACKUP_KEEP": "3"}).out.strip() for _ in range(5)]
    assert [str(path) for path in _backups(isolated_library)] == made[-3:]
    bad = cli("backup", env={"FILMREV_BACKUP_KEEP": "none"})
    assert bad.code == 1
    assert (
        bad.err == "filmrev: error: FILMREV_BACKUP_KEEP must be a whole number ≥ 1 (got 'none')\n"
    )


def test_destructive_commands_back_up_first(cli: Runner, isolated_library: Path) -> None:
    _library(cli)
    before_delete = isolated_library.read_bytes()
    assert cli("delete", "amour", "--yes").code == 0
    [first] = _backups(isolated_library)
    assert first.name.endswith("-delete.json") and first.read_bytes() == before_delete
    before_rename = isolated_library.read_bytes()
    assert cli("tag", "rename", "French", "France").code == 0
    latest = _backups(isolated_library)[-1]
    assert latest.name.endswith("-tag-rename.json") and latest.read_bytes() == before_rename


def test_backups_lists_them_as_a_table_and_as_json(cli: Runner, isolated_library: Path) -> None:
    assert cli("backups").err == f"no backups yet in {isolated_library}.d/backups\n"
    _library(cli)
    path = Path(cli("backup").out.strip())
    table = cli("backup", "--list", env={"COLUMNS": "160"})
    assert table.code == 0
    assert "Created (UTC)" in table.out and path.name in table.out and "manual" in table.out
    assert table.err.startswith("1 backup(s) in ")
    [entry] = orjson.loads(cli("backups", "--format", "json").out)
    assert entry == {
        "path": str(path),
        "name": path.name,
        "created": entry["created"],
        "reason": "manual",
        "bytes": path.stat().st_size,
        "reviews": 3,
    }


def test_restore_needs_confirmation_then_restores_byte_for_byte(
    cli: Runner, isolated_library: Path
) -> None:
    _library(cli)
    backup = Path(cli("backup").out.strip())
    saved = isolated_library.read_bytes()
    assert cli("delete", "cache", "--yes").code == 0
    changed = isolated_library.read_bytes()
    refused = cli("restore", backup.name)
    assert refused.code == 1
    assert refused.err == (
        f"filmrev: error: not restoring {backup.name}: no terminal to confirm; pass --yes\n"
    )
    assert isolated_library.read_bytes() == changed
    done = cli("restore", backup.name, "--yes")
    assert done.code == 0, done.err
    assert done.out == ""
    assert isolated_library.read_bytes() == saved
    previous = _backups(isolated_library)[-1]
    assert previous.name.endswith("-restore.json") and previous.read_bytes() == changed
    assert done.err == (
        f"restored {isolated_library} from {backup} (3 reviews); "
        f"the previous library is saved as {previous}\n"
    )
    assert cli("list", "--format", "ids").out == "1\n2\n3\n"


def test_restore_latest_and_by_path_even_over_a_corrupt_library(
    cli: Runner, isolated_library: Path, tmp_path: Path
) -> None:
    _library(cli)
    outside = tmp_path / "outside.json"
    assert cli("backup", str(outside)).code == 0
    good = isolated_library.read_bytes()
    isolated_library.write_bytes(good[:100])  # the library got truncated
    assert cli("list").code == 1
    assert cli("restore", str(outside), "--yes").code == 0
    assert isolated_library.read_bytes() == good
    # The truncated file was kept too, so nothing at all is lost.
    assert _backups(isolated_library)[-1].read_bytes() == good[:100]
    assert cli("add", "Amélie").code == 0
    current = isolated_library.read_bytes()
    # The only backup in the folder is that truncated file: `latest` means the newest
    # backup that opens, and there is none.
    refused = cli("restore", "latest", "--yes")
    assert refused.code == 1
    assert "none of the 1 backups in " in refused.err and "opens as a library" in refused.err
    assert isolated_library.read_bytes() == current


def test_restore_refuses_a_backup_that_is_not_a_library(
    cli: Runner, isolated_library: Path, tmp_path: Path
) -> None:
    _library(cli)
    before = isolated_library.read_bytes()
    broken = tmp_path / "broken.json"
    broken.write_bytes(b'{"reviews": {"1": {"id": 1}}}')
    result = cli("restore", str(broken), "--yes")
    assert result.code == 1
    assert result.err.startswith(f"filmrev: error: not restoring: backup {broken}: review 1: ")
    assert isolated_library.read_bytes() == before
    assert _backups(isolated_library) == []
    missing = cli("restore", "library-nope.json", "--yes")
    assert missing.code == 1
    assert "no backup 'library-nope.json'" in missing.err
    empty = cli("restore", "latest", "--yes")
    assert empty.code == 1 and "has no backups" in empty.err


def test_safety_commands_have_help_with_an_example(cli: Runner) -> None:
    for command in ("backup", "backups", "restore", "doctor"):
        result = cli(command, "--help")
        assert result.code == 0
        assert "Example: filmrev " in result.out, command


def test_a_schema_migration_is_backed_up_before_the_first_write(
    cli: Runner, isolated_library: Path
) -> None:
    isolated_library.parent.mkdir(parents=True)
    bare = (
        b'{"reviews": {"1": {"id": 1, "slug": "amour-2012", "title": "Amour", "year": 2012,'
        b' "created": "2026-01-01T00:00:00.000000Z"}}}'
    )
    isolated_library.write_bytes(bare)  # a bare TinyDB file: schema 0, no meta table
    assert cli("list", "--format", "ids").out == "1\n"
    assert isolated_library.read_bytes() == bare  # reading does not migrate on disk
    assert cli("add", "Caché").code == 0
    [backup] = _backups(isolated_library)
    assert backup.name.endswith("-migrate.json") and backup.read_bytes() == bare
    assert cli("list", "--format", "ids").out == "1\n2\n"
