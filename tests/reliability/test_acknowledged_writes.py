"""Acknowledged writes are never silently undone, and destroyed text can be brought back.

- ``edit`` in the editor changes only the fields the person changed: a ``rank move`` or
  ``rank set`` of another film (or a change to another field of the same film) made
  while the editor was open stands; the same field changed meanwhile refuses, and the
  text stays in a draft. Real processes: the fake editor runs ``filmrev`` itself
  before saving, so no timing is involved.
- Every change that empties or deletes a body takes a backup first and says on
  stderr how to get it back with filmrev's own ``restore``.
- ``restore`` never turns the id counter back, and ``drafts restore --force`` never
  saves an edit draft over a different film that took the same id.
- A read-only library (``chmod 400`` or a read-only folder) is never rewritten, even
  by root: every write refuses with one line, exit 1, the file unchanged.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from filmrev.model import Review
from filmrev.transaction import writing
from tests.conftest import Runner
from tests.reliability.helpers import paths_of, tree
from tests.test_editor import FakeEditor

LONG = "A four-thousand-word review of “Caché”, Stéphanie — nearly done.\n" * 40


@pytest.fixture
def editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeEditor:
    return FakeEditor(tmp_path, monkeypatch)


def ranks(cli: Runner) -> dict[str, int | None]:
    result = cli("list", "--format", "json")
    assert result.code == 0, result.err
    return {doc["slug"]: doc["rank"] for doc in json.loads(result.out)}


def shown(cli: Runner, ref: str) -> dict[str, object]:
    result = cli("show", ref, "--format", "json")
    assert result.code == 0, result.err
    doc: dict[str, object] = json.loads(result.out)
    return doc


@pytest.fixture
def three(cli: Runner) -> None:
    """Amour 1, Caché 2, Vertigo 3 ranked; Ran unranked; Caché has a long body."""
    for position, (title, year) in enumerate(
        (("Amour", "2012"), ("Caché", "2005"), ("Vertigo", "1958")), start=1
    ):
        assert cli("add", title, "--year", year, "--rank", str(position)).code == 0
    assert cli("add", "Ran", "--year", "1985").code == 0
    assert cli("edit", "cache-2005", "--body", LONG).code == 0


# --- 1. an edit changes only what the person changed ------------------------------------


@pytest.mark.parametrize(
    ("meanwhile", "expected"),
    [
        (
            ["rank", "move", "amour-2012", "--to", "3"],
            {"cache-2005": 1, "vertigo-1958": 2, "amour-2012": 3, "ran-1985": None},
        ),
        (
            ["rank", "set", "ran-1985", "1"],
            {"ran-1985": 1, "amour-2012": 2, "cache-2005": 3, "vertigo-1958": 4},
        ),
        (
            ["rank", "move", "vertigo-1958", "--above", "amour-2012"],
            {"vertigo-1958": 1, "amour-2012": 2, "cache-2005": 3, "ran-1985": None},
        ),
    ],
    ids=["move-another-below", "set-another-above", "move-another-above"],
)
def test_a_rank_change_of_another_film_made_while_the_editor_was_open_stands(
    cli: Runner, editor: FakeEditor, three: None, meanwhile: list[str], expected: dict[str, int]
) -> None:
    editor.steps({"replace": [["tagline:", "tagline: Who is watching?"]], "run": meanwhile})
    result = cli("edit", "cache-2005")
    assert result.code == 0, result.err
    assert ranks(cli) == expected
    saved = shown(cli, "cache-2005")
    assert saved["tagline"] == "Who is watching?"
    assert saved["body"] == LONG
    assert json.loads(cli("drafts", "list", "--format", "json").out) == []


def test_another_field_of_the_same_film_changed_meanwhile_is_kept_too(
    cli: Runner, editor: FakeEditor, three: None
) -> None:
    editor.steps(
        {
            "replace": [["tagline:", "tagline: Who is watching?"]],
            "run": ["edit", "cache-2005", "--rating", "4.5", "--tag", "Haneke"],
        }
    )
    result = cli("edit", "cache-2005")
    assert result.code == 0, result.err
    saved = shown(cli, "cache-2005")
    assert (saved["tagline"], saved["rating"], saved["tags"]) == (
        "Who is watching?",
        4.5,
        ["Haneke"],
    )


def test_a_rank_the_person_changed_is_applied(cli: Runner, editor: FakeEditor, three: None) -> None:
    editor.steps({"replace": [["rank: 2", "rank: 1"]]})
    assert cli("edit", "cache-2005").code == 0
    assert ranks(cli)["cache-2005"] == 1
    assert ranks(cli)["amour-2012"] == 2


def test_the_same_field_changed_meanwhile_refuses_and_keeps_the_text(
    cli: Runner, editor: FakeEditor, three: None, isolated_library: Path
) -> None:
    editor.steps(
        {
            "replace": [["rating:", "rating: 2"]],
            "run": ["edit", "cache-2005", "--rating", "5"],
        }
    )
    result = cli("edit", "cache-2005")
    assert result.code == 1
    assert "changed by someone else" in result.err and "rating changed meanwhile" in result.err
    assert "filmrev drafts restore" in result.err
    assert shown(cli, "cache-2005")["rating"] == 5.0
    [draft] = json.loads(cli("drafts", "list", "--format", "json").out)
    assert "rating: 2" in Path(draft["path"]).read_text()


# --- 2. destructive body changes are recoverable -------------------------------------------

RESTORE_HINT = re.compile(r"kept in backup (\S+); get it back with `filmrev restore (\S+)`")


@pytest.mark.parametrize(
    "change",
    [
        ["edit", "cache-2005", "--body", ""],
        ["edit", "cache-2005", "--clear", "body"],
        ["delete", "cache-2005", "--yes"],
        ["editor-empties-body"],
    ],
    ids=["body-empty", "clear-body", "delete", "editor"],
)
def test_every_change_that_destroys_a_body_can_be_undone_with_restore(
    cli: Runner,
    editor: FakeEditor,
    three: None,
    tmp_path: Path,
    isolated_library: Path,
    change: list[str],
) -> None:
    before = isolated_library.read_bytes()
    empty = tmp_path / "empty.md"
    empty.write_bytes(b"")
    if change == ["editor-empties-body"]:
        editor.steps({"body": ""})
        change = ["edit", "cache-2005"]
    result = cli(*[str(empty) if arg == "EMPTY" else arg for arg in change])
    assert result.code == 0, result.err
    match = RESTORE_HINT.search(result.err)
    assert match, result.err
    assert match.group(1) == match.group(2)
    backup = paths_of(isolated_library).backups / match.group(1)
    assert backup.read_bytes() == before
    if change[0] == "delete":
        assert cli("show", "cache-2005").code == 1
    else:
        assert shown(cli, "cache-2005")["body"] == ""
    # The hint, followed as printed, brings the text back.
    restored = cli("restore", match.group(2), "--yes")
    assert restored.code == 0, restored.err
    assert shown(cli, "cache-2005")["body"] == LONG


@pytest.mark.parametrize("body_file", ["EMPTY", "/dev/null"], ids=["empty-file", "dev-null"])
def test_an_empty_body_file_keeps_the_text(
    cli: Runner, three: None, tmp_path: Path, isolated_library: Path, body_file: str
) -> None:
    """An empty document has an empty body part: the text is kept (issue 17), not destroyed."""
    empty = tmp_path / "empty.md"
    empty.write_bytes(b"")
    result = cli(
        "edit", "cache-2005", "--body-file", str(empty) if body_file == "EMPTY" else body_file
    )
    assert result.code == 0, result.err
    assert "kept the review's text (--clear body empties it)" in result.err
    assert shown(cli, "cache-2005")["body"] == LONG


def test_a_change_that_keeps_the_body_takes_no_backup(
    cli: Runner, three: None, isolated_library: Path
) -> None:
    backups = paths_of(isolated_library).backups
    count = len(list(backups.iterdir())) if backups.is_dir() else 0
    result = cli("edit", "cache-2005", "--rating", "4")
    assert result.code == 0 and "backup" not in result.err
    assert (len(list(backups.iterdir())) if backups.is_dir() else 0) == count


# --- 3. ids are never reused, whatever is restored -------------------------------------------


def test_restore_never_turns_the_id_counter_back(cli: Runner, tmp_path: Path) -> None:
    assert cli("add", "Amour").code == 0
    assert cli("add", "Caché").code == 0
    old = tmp_path / "old.json"
    assert cli("backup", str(old)).code == 0  # next_id 3
    assert cli("add", "Vertigo").code == 0  # id 3
    assert cli("delete", "vertigo", "--yes").code == 0
    assert cli("restore", str(old), "--yes").code == 0
    assert cli("add", "Ran").code == 0
    assert json.loads(cli("show", "ran", "--format", "json").out)["id"] == 4


def test_force_restoring_an_old_edit_draft_never_overwrites_a_different_film(
    cli: Runner, editor: FakeEditor, isolated_library: Path
) -> None:
    assert cli("add", "Amour", "--body", "About Amour.").code == 0
    assert cli("add", "Caché", "--body", "About Caché.").code == 0
    editor.steps({"replace": [["tagline:", "tagline: Old draft"]], "exit": 1})
    assert cli("edit", "cache").code == 1  # the text stays in a draft for review 2
    [draft] = json.loads(cli("drafts", "list", "--format", "json").out)
    assert cli("delete", "cache", "--yes").code == 0
    # Another film takes id 2 (an import of an own export keeps its ids).
    with writing(paths_of(isolated_library)) as library:
        library.put_reviews(
            [
                Review.from_doc(
                    {
                        "id": 2,
                        "slug": "vertigo-1958",
                        "title": "Vertigo",
                        "year": 1958,
                        "body": "About Vertigo.",
                        "created": "2020-01-01T00:00:00Z",
                        "updated": "2020-01-01T00:00:00Z",
                    }
                )
            ]
        )
    before = isolated_library.read_bytes()
    forced = cli("drafts", "restore", str(draft["id"]), "--no-edit", "--force")
    assert forced.code == 1
    assert "not the film this draft was opened on" in forced.err
    assert isolated_library.read_bytes() == before
    assert shown(cli, "vertigo-1958")["body"] == "About Vertigo."


# --- 4. a read-only library is respected ------------------------------------------------------

WRITES = [
    ["add", "Ran"],
    ["edit", "amour", "--rating", "5"],
    ["edit", "amour", "--clear", "body"],
    ["delete", "amour", "--yes"],
    ["rank", "set", "amour", "1"],
    ["tag", "rename", "Drama", "Drame"],
    ["import", "IMPORT"],
    ["restore", "BACKUP", "--yes"],
]


@pytest.fixture
def read_only_setup(cli: Runner, tmp_path: Path, isolated_library: Path) -> Iterator[Path]:
    assert cli("add", "Amour", "--year", "2012", "--tag", "Drama", "--body", "Text.").code == 0
    assert cli("backup", str(tmp_path / "copy.json")).code == 0
    (tmp_path / "import.json").write_text(
        json.dumps(
            {
                "format": "filmrev",
                "version": 1,
                "schema": 1,
                "reviews": [
                    {
                        "id": 7,
                        "slug": "cache-2005",
                        "title": "Caché",
                        "year": 2005,
                        "created": "2020-01-01T00:00:00Z",
                        "updated": "2020-01-01T00:00:00Z",
                    }
                ],
                "comparisons": [],
            }
        )
    )
    yield tmp_path
    os.chmod(isolated_library.parent, 0o700)
    os.chmod(isolated_library, 0o600)


@pytest.mark.parametrize("what", ["file", "folder"])
@pytest.mark.parametrize("args", WRITES, ids=lambda args: "-".join(args[:2]))
def test_every_write_of_a_read_only_library_refuses_with_one_line(
    cli: Runner, read_only_setup: Path, isolated_library: Path, what: str, args: list[str]
) -> None:
    target = isolated_library if what == "file" else isolated_library.parent
    os.chmod(target, 0o400 if what == "file" else 0o500)
    before = tree(isolated_library.parent)
    substitutes = {
        "IMPORT": str(read_only_setup / "import.json"),
        "BACKUP": str(read_only_setup / "copy.json"),
    }
    result = cli(*[substitutes.get(arg, arg) for arg in args])
    assert result.code == 1, result.err
    assert len(result.err.splitlines()) == 1, result.err
    assert f"library {isolated_library} is read-only" in result.err
    assert "Traceback" not in result.err
    assert tree(isolated_library.parent) == before
    assert stat.S_IMODE(os.stat(target).st_mode) == (0o400 if what == "file" else 0o500)
    assert cli("list", "--format", "ids").code == 0  # reading still works


def test_a_writable_library_again_takes_writes(
    cli: Runner, read_only_setup: Path, isolated_library: Path
) -> None:
    os.chmod(isolated_library, 0o400)
    assert cli("add", "Ran").code == 1
    os.chmod(isolated_library, 0o600)
    assert cli("add", "Ran").code == 0
