"""Bodies in the store: history, diff, restore, gc, and damaged body files."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import Runner


def _bodies(library: Path) -> Path:
    return library.parent / "library.json.d" / "bodies"


def _ref(library: Path, slug: str) -> str:
    tables = json.loads(library.read_text("utf-8"))
    (doc,) = [doc for doc in tables["reviews"].values() if doc["slug"] == slug]
    ref: str = doc["body"]["sha256"]
    return ref


def _amour(cli: Runner) -> None:
    assert cli("add", "Amour", "--year", "2012", "--body", "One two three.\n").code == 0
    assert cli("edit", "amour-2012", "--body", "One two three four.\n").code == 0
    assert cli("edit", "amour-2012", "--rating", "5").code == 0  # same body: no new version
    assert cli("edit", "amour-2012", "--body", "Five.\n").code == 0


def test_history_lists_earlier_versions_with_words(cli: Runner) -> None:
    _amour(cli)
    result = cli("history", "amour-2012")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0].split() == ["#", "Saved", "Words"]
    assert [line.split()[0] for line in lines[1:]] == ["1", "2", "now"]
    assert [line.split()[-1] for line in lines[1:]] == ["3", "4", "1"]


def test_history_diff_and_restore(cli: Runner, isolated_library: Path) -> None:
    _amour(cli)
    diff = cli("history", "amour-2012", "--diff")
    assert diff.code == 0
    assert "-One two three four.\n+Five.\n" in diff.out
    assert "-One two three.\n" in cli("history", "amour-2012", "--diff", "1").out
    restored = cli("history", "amour-2012", "--restore", "1")
    assert restored.code == 0, restored.err
    shown = json.loads(cli("show", "amour-2012", "--format", "json").out)
    assert shown["body"] == "One two three.\n"
    # The restore is an edit: the text it replaced is now a version too.
    assert len(cli("history", "amour-2012").out.splitlines()) == 5
    bad = cli("history", "amour-2012", "--restore", "9")
    assert bad.code == 1 and bad.err.startswith("filmrev: error: version must be 1..")


def test_a_review_without_earlier_versions(cli: Runner) -> None:
    assert cli("add", "Vertigo", "--year", "1958", "--body", "x").code == 0
    result = cli("history", "vertigo-1958")
    assert result.code == 0 and result.out == ""
    assert "no earlier versions" in result.err


def test_gc_keeps_what_the_library_or_a_backup_refers_to(
    cli: Runner, isolated_library: Path
) -> None:
    _amour(cli)
    assert cli("add", "Vertigo", "--year", "1958", "--body", "Green light.\n").code == 0
    vertigo = _ref(isolated_library, "vertigo-1958")
    nothing = cli("gc")
    assert nothing.code == 0 and "0 unreferenced bodies" in nothing.err
    assert cli("delete", "vertigo-1958", "--yes").code == 0  # a backup is made first
    kept = cli("gc")
    assert "0 unreferenced bodies" in kept.err  # the delete's backup still refers to it
    for backup in (isolated_library.parent / "library.json.d" / "backups").iterdir():
        backup.unlink()
    freed = cli("gc", "--dry-run")
    assert "would free 13 B: 1 unreferenced bodies" in freed.err
    assert (_bodies(isolated_library) / vertigo[:2] / vertigo).exists()
    done = cli("gc")
    assert done.code == 0 and "freed 13 B: 1 unreferenced bodies" in done.err
    assert not (_bodies(isolated_library) / vertigo[:2] / vertigo).exists()
    assert len(cli("history", "amour-2012").out.splitlines()) == 4  # history is kept


def test_a_missing_or_altered_body_is_an_error_never_an_empty_review(
    cli: Runner, isolated_library: Path
) -> None:
    assert cli("add", "Amour", "--year", "2012", "--body", "Georges and Anne.\n").code == 0
    path = _bodies(isolated_library) / _ref(isolated_library, "amour-2012")[:2]
    body = path / _ref(isolated_library, "amour-2012")
    for damage in (b"Georges and Ann", b"Georges and Anna.\n", None):
        if damage is None:
            body.unlink()
        else:
            body.write_bytes(damage)
        shown = cli("show", "amour-2012")
        assert shown.code == 1 and shown.out == ""
        assert len(shown.err.splitlines()) == 1
        assert "review 1 (amour-2012)" in shown.err
        doctor = cli("doctor")
        assert doctor.code == 3 and "bodies" in doctor.out and "amour-2012" in doctor.out
