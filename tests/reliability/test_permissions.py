"""Permissions and paths: private on creation, the user's modes kept, symlinks followed.

CI runs as root, where chmod cannot deny access, so the unwritable case uses a path
whose parent is a regular file.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Runner
from tests.reliability.helpers import paths_of, seed_library, tree


def mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


@pytest.mark.parametrize("umask", [0o000, 0o022, 0o077])
def test_new_library_is_0600_in_a_0700_directory_whatever_the_umask(
    library: Path, umask: int
) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "filmrev", "add", "Amour"],
        capture_output=True,
        preexec_fn=lambda: os.umask(umask) and None,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert mode(library) == 0o600
    assert mode(library.parent) == 0o700
    assert mode(paths_of(library).lock) == 0o600
    completed = subprocess.run(
        [sys.executable, "-m", "filmrev", "delete", "amour", "--yes"],
        capture_output=True,
        preexec_fn=lambda: os.umask(umask) and None,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    paths = paths_of(library)
    assert mode(paths.data_dir) == 0o700
    assert mode(paths.backups) == 0o700
    [backup] = list(paths.backups.iterdir())
    assert mode(backup) == 0o600


def test_existing_modes_are_kept_across_every_kind_of_write(library: Path, run_in: Runner) -> None:
    seed_library(library, 3)
    os.chmod(library, 0o640)
    for args in [
        ("add", "Amour"),
        ("edit", "amour", "--rating", "4"),
        ("rank", "set", "amour", "1"),
        ("tag", "rename", "Gritty, Grittness", "Gritty"),
        ("delete", "amour", "--yes"),
        ("restore", "latest", "--yes"),
        ("doctor", "--fix"),
    ]:
        result = run_in(*args)
        assert result.code == 0, f"{args}: {result.err}"
        assert mode(library) == 0o640, args
    for backup in paths_of(library).backups.iterdir():
        assert mode(backup) == 0o600  # backups are private whatever the library's mode


def test_a_symlinked_library_writes_through_to_its_target(cli: Runner, tmp_path: Path) -> None:
    real = tmp_path / "real" / "library.json"
    real.parent.mkdir(mode=0o700)
    link_dir = tmp_path / "elsewhere"
    link_dir.mkdir()
    link = link_dir / "reviews.json"
    link.symlink_to(real)  # dangling until the first write
    env = {"FILMREV_DB": str(link)}
    assert cli("add", "Amour", env=env).out == "amour\n"
    assert cli("add", "Caché", "--year", "2005", env=env).code == 0
    assert cli("delete", "amour", "--yes", env=env).code == 0
    assert link.is_symlink() and link.resolve() == real
    assert real.is_file() and mode(real) == 0o600
    # Lock, backups and every other companion sit beside the real file, none beside the link.
    assert sorted(path.name for path in link_dir.iterdir()) == ["reviews.json"]
    assert (real.parent / "library.json.lock").is_file()
    assert any((real.parent / "library.json.d" / "backups").iterdir())
    listed = cli("list", "--format", "ids", env=env)
    assert listed.out == "2\n"
    # Messages name the path as given and the real one.
    real.write_bytes(b"[]")
    refused = cli("list", env=env)
    assert refused.code == 1
    assert refused.err.startswith(f"filmrev: error: library {link} (-> {real}) must hold")


def test_a_path_under_a_regular_file_is_a_clear_error(cli: Runner, tmp_path: Path) -> None:
    blocker = tmp_path / "notes.txt"
    blocker.write_text("not a directory")
    library = blocker / "library.json"
    result = cli("add", "Amour", env={"FILMREV_DB": str(library)})
    assert result.code == 1
    assert result.out == ""
    assert result.err.startswith(f"filmrev: error: cannot write library {library}: ")
    assert "is not a directory" in result.err or "Not a directory" in result.err
    assert result.err.count("\n") == 1
    assert blocker.read_text() == "not a directory"
    listed = cli("list", env={"FILMREV_DB": str(library)})
    assert listed.code == 1
    assert "Not a directory" in listed.err


def test_reading_never_creates_anything(cli: Runner, library: Path, tmp_path: Path) -> None:
    for args in [("list",), ("rank",), ("tag", "list"), ("doctor",), ("backups",)]:
        assert cli(*args).code == 0, args
    assert not library.parent.exists()
    seed_library(library, 1)
    files = tree(library.parent)
    for args in [("list",), ("show", "1"), ("doctor",), ("backups",)]:
        assert cli(*args).code == 0
    assert {name: data for name, data in tree(library.parent).items() if "index" not in name} == {
        name: data for name, data in files.items() if "index" not in name
    }
