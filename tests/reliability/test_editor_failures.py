"""Editor failures during ``add`` on a real terminal: the text is kept, the library is not touched.

``tests/test_editor.py`` covers ``edit`` with every failure (non-zero exit, SIGKILL,
empty, unchanged, invalid YAML) and the drafts commands; here a new review written on a
pseudo-terminal goes through the same failures and is then recovered from its draft.
"""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path
from typing import Any

import orjson
import pytest

from tests.conftest import Runner
from tests.test_editor import FakeEditor, run_on_tty

pytestmark = pytest.mark.skipif(
    shutil.which("script") is None, reason="needs util-linux `script` for a pseudo-terminal"
)

HALF = "Two thousand words about a whale trainer, “nearly” done — Stéphanie.\n"


@pytest.fixture
def editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeEditor:
    return FakeEditor(tmp_path, monkeypatch)


@pytest.mark.parametrize(
    ("step", "message"),
    [
        ({"exit": 2, "body": HALF}, "exited with status 2"),
        ({"kill": True, "body": HALF}, "was killed (SIGKILL)"),
        ({"empty": True}, "came back empty"),
        ({"replace": [["title: Amour", "title: [unclosed"]], "body": HALF}, "unchanged"),
    ],
    ids=["exit-2", "sigkill", "empty", "invalid-front-matter"],
)
def test_failed_add_keeps_a_private_draft_that_restores(
    cli: Runner,
    editor: FakeEditor,
    library: Path,
    step: dict[str, Any],
    message: str,
) -> None:
    assert cli("add", "Caché", "--year", "2005").code == 0
    before = library.read_bytes()
    # An invalid document re-opens the editor with the errors; the second run saves nothing.
    editor.steps(step, {"noop": True})
    env = {key: os.environ[key] for key in ("EDITOR", "FAKE_EDITOR_PLAN", "FAKE_EDITOR_LOG")}
    completed = run_on_tty(["add", "Amour", "--year", "2012"], env)
    output = completed.stdout.decode()
    assert completed.returncode == 1, output
    assert message in output
    assert "Traceback" not in output
    assert library.read_bytes() == before
    drafts = orjson.loads(cli("drafts", "list", "--format", "json").out)
    [draft] = drafts
    path = Path(draft["path"])
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert str(path) in output.replace("\r\n", "").replace("\n", "")
    if "body" in step:
        assert path.read_text().endswith(HALF)  # what the editor wrote survives
    if "replace" in step:
        assert "# error:" in editor.runs()[1]["text"]
        return  # the draft holds invalid front matter: restoring it re-opens the editor
    restored = cli("drafts", "restore", str(draft["id"]), "--no-edit")
    if "empty" in step:  # nothing was written: there is nothing to add, and it says so
        assert restored.code == 1
        assert "holds nothing written yet" in restored.err
        assert library.read_bytes() == before
        return
    assert restored.code == 0, restored.err
    assert restored.out == "amour-2012\n"
    shown = orjson.loads(cli("show", "amour-2012", "--format", "json").out)
    assert shown["body"] == HALF
    assert orjson.loads(cli("drafts", "list", "--format", "json").out) == []
