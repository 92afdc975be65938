"""The editor flow with a scripted editor: add, edit, invalid input, failing editors, drafts.

The fake editor takes one step per run from a JSON plan file and logs what it saw, so a
test can assert on the text filmrev showed (e.g. the ``# error:`` lines) and on what the
library file holds afterwards.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Runner

FAKE_EDITOR = """\
import json, os, signal, stat, sys
from pathlib import Path

path = Path(sys.argv[-1])
plan_file = Path(os.environ["FAKE_EDITOR_PLAN"])
plan = json.loads(plan_file.read_text())
step = plan.pop(0) if plan else {"noop": True}
plan_file.write_text(json.dumps(plan))
text = path.read_text(encoding="utf-8")
with open(os.environ["FAKE_EDITOR_LOG"], "a", encoding="utf-8") as log:
    log.write(json.dumps({
        "argv": sys.argv[1:],
        "text": text,
        "mode": stat.S_IMODE(path.stat().st_mode),
        "dir_mode": stat.S_IMODE(path.parent.stat().st_mode),
    }) + "\\n")
for old, new in step.get("replace", []):
    assert old in text, (old, text)
    text = text.replace(old, new, 1)
if "body" in step:
    head, sep, _ = text.partition("\\n---\\n")
    text = head + sep + "\\n" + step["body"]
if "write" in step:
    text = step["write"]
if step.get("empty"):
    text = ""
if not step.get("noop"):
    path.write_text(text, encoding="utf-8")
if "run" in step:
    import subprocess
    subprocess.run([sys.executable, "-m", "filmrev", *step["run"]], check=True)
if step.get("kill"):
    os.kill(os.getpid(), signal.SIGKILL)
sys.exit(step.get("exit", 0))
"""


class FakeEditor:
    """Plan the editor's steps, then read what it saw."""

    def __init__(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.script = tmp_path / "fake_editor.py"
        self.script.write_text(FAKE_EDITOR, encoding="utf-8")
        self.plan = tmp_path / "plan.json"
        self.log = tmp_path / "editor-log.jsonl"
        self.plan.write_text("[]")
        self.command = f"{sys.executable} {self.script} --wait"
        monkeypatch.setenv("EDITOR", self.command)
        monkeypatch.setenv("FAKE_EDITOR_PLAN", str(self.plan))
        monkeypatch.setenv("FAKE_EDITOR_LOG", str(self.log))

    def steps(self, *steps: dict[str, Any]) -> None:
        self.plan.write_text(json.dumps(list(steps)))

    def runs(self) -> list[dict[str, Any]]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text().splitlines()]


@pytest.fixture
def editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeEditor:
    return FakeEditor(tmp_path, monkeypatch)


def library_bytes(library: Path) -> bytes:
    return library.read_bytes() if library.exists() else b""


def drafts_json(cli: Runner) -> list[dict[str, Any]]:
    result = cli("drafts", "list", "--format", "json")
    assert result.code == 0, result.err
    drafts: list[dict[str, Any]] = json.loads(result.out)
    return drafts


def review_json(cli: Runner, ref: str) -> dict[str, Any]:
    result = cli("show", ref, "--format", "json")
    assert result.code == 0, result.err
    doc: dict[str, Any] = json.loads(result.out)
    return doc


def run_on_tty(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    """Run filmrev with a pseudo-terminal on stdin/stdout (util-linux ``script``)."""
    command = " ".join([sys.executable, "-m", "filmrev", *(f"'{arg}'" for arg in args)])
    return subprocess.run(
        ["script", "-qec", command, "/dev/null"],
        env={**os.environ, **env},
        capture_output=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
        check=False,
    )


@pytest.fixture
def rust(cli: Runner) -> str:
    result = cli(
        "add",
        "Rust and Bone",
        "--year",
        "2012",
        "--tag",
        "Gritty, Grittness",
        "--director",
        "Jacques Audiard",
        "--body",
        "Stéphanie trains killer whales.\n",
    )
    assert result.code == 0, result.err
    slug: str = result.out.strip()
    return slug


# --- edit -------------------------------------------------------------------------------


def test_edit_opens_every_field_and_saves(
    cli: Runner, editor: FakeEditor, rust: str, isolated_library: Path
) -> None:
    editor.steps(
        {
            "replace": [
                ["rating:", "rating: 4.5"],
                ["Marion Cotillard\n", "Marion Cotillard\n- Marion Cotillard\n"],
            ],
            "body": "A new body with “curly quotes”.\n",
        }
    )
    result = cli("edit", rust)
    assert result.code == 0, result.err
    (run,) = editor.runs()
    assert run["argv"][0] == "--wait"  # EDITOR is split like a shell: "python script --wait"
    text = run["text"]
    for field in (
        "title:",
        "slug: rust-and-bone-2012",
        "tags:",
        "\n- Gritty, Grittness\n",
        "crew:",
    ):
        assert field in text
    for generated in ("\nid:", "\ncreated:", "\nupdated:"):
        assert generated not in text
    assert "# rating" not in text and "# 0.5 to 5 in half steps" in text  # comments kept
    assert run["mode"] == 0o600 and run["dir_mode"] == 0o700
    doc = review_json(cli, rust)
    assert doc["rating"] == 4.5
    assert doc["cast"] == ["Marion Cotillard"]
    assert doc["body"] == "A new body with “curly quotes”.\n"
    assert doc["tags"] == ["Gritty, Grittness"]
    assert drafts_json(cli) == []  # the draft is gone once saved


def test_invalid_input_reopens_with_errors_then_saves(
    cli: Runner, editor: FakeEditor, rust: str
) -> None:
    editor.steps(
        {"replace": [["rating:", "rating: 7"], ["year: 2012", "year: 20x2"]]},
        {"replace": [["rating: 7", "rating: 3.5"], ["year: 20x2", "year: 2012"]]},
    )
    result = cli("edit", rust)
    assert result.code == 0, result.err
    first, second = editor.runs()
    lines = second["text"].splitlines()
    assert lines[0] == "---"
    errors = [line for line in lines if line.startswith("# error: ")]
    assert lines[1 : 1 + len(errors)] == errors  # at the top of the front matter
    assert any("rating must be 0.5 to 5" in line for line in errors)
    assert any("year must be" in line for line in errors)
    assert "# error:" not in first["text"]
    assert review_json(cli, rust)["rating"] == 3.5


def test_broken_yaml_reopens_and_unchanged_retry_keeps_draft(
    cli: Runner, editor: FakeEditor, rust: str, isolated_library: Path
) -> None:
    before = library_bytes(isolated_library)
    editor.steps({"replace": [["\n- Gritty", "\n- [[[Gritty"]]}, {"noop": True})
    result = cli("edit", rust)
    assert result.code == 1
    assert "unchanged; nothing saved" in result.err
    assert "filmrev drafts restore 1" in result.err
    assert "# error: front matter is not valid YAML" in editor.runs()[1]["text"]
    assert library_bytes(isolated_library) == before
    (draft,) = drafts_json(cli)
    assert draft["kind"] == "edit" and draft["title"] is None
    assert "# error:" in Path(draft["path"]).read_text()


@pytest.mark.parametrize(
    ("step", "message"),
    [
        ({"exit": 1, "body": "half written\n"}, "exited with status 1"),
        ({"kill": True, "body": "half written\n"}, "was killed (SIGKILL)"),
        ({"noop": True}, "came back unchanged"),
        ({"empty": True}, "came back empty"),
    ],
)
def test_failing_editor_keeps_draft_and_library(
    cli: Runner,
    editor: FakeEditor,
    rust: str,
    isolated_library: Path,
    step: dict[str, Any],
    message: str,
) -> None:
    before = library_bytes(isolated_library)
    editor.steps(step)
    result = cli("edit", rust)
    assert result.code == 1
    assert message in result.err
    assert result.out == ""
    assert library_bytes(isolated_library) == before
    (draft,) = drafts_json(cli)
    path = Path(draft["path"])
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert str(path) in result.err
    text = path.read_text()
    if "body" in step:
        assert text.endswith("half written\n")  # what the editor wrote survives
    else:
        assert "Stéphanie trains killer whales." in text  # empty save: previous text kept


def test_edit_conflict_keeps_draft_then_force_restore(
    cli: Runner, editor: FakeEditor, rust: str, isolated_library: Path
) -> None:
    editor.steps({"replace": [["rating:", "rating: 2"]], "run": ["edit", rust, "--rating", "5"]})
    result = cli("edit", rust)
    assert result.code == 1
    assert "changed by someone else" in result.err
    assert review_json(cli, rust)["rating"] == 5.0  # the other change stands
    (draft,) = drafts_json(cli)
    refused = cli("drafts", "restore", str(draft["id"]), "--no-edit")
    assert refused.code == 1 and "changed by someone else" in refused.err
    forced = cli("drafts", "restore", str(draft["id"]), "--no-edit", "--force")
    assert forced.code == 0, forced.err
    assert forced.out == f"{rust}\n"
    assert review_json(cli, rust)["rating"] == 2.0
    assert drafts_json(cli) == []


def test_edit_changes_slug_and_rank_from_the_document(
    cli: Runner, editor: FakeEditor, rust: str
) -> None:
    assert cli("add", "Amour", "--year", "2012", "--rank", "1", "--body", "").code == 0
    editor.steps(
        {"replace": [["slug: rust-and-bone-2012", "slug: rust-and-bone"], ["rank:", "rank: 1"]]}
    )
    assert cli("edit", rust).code == 0
    assert review_json(cli, "rust-and-bone")["rank"] == 1
    assert review_json(cli, "amour-2012")["rank"] == 2


def test_edit_without_terminal_or_editor_refuses(
    cli: Runner, rust: str, isolated_library: Path
) -> None:
    before = library_bytes(isolated_library)
    result = cli("edit", rust)
    assert result.code == 1
    assert "no terminal for the editor" in result.err
    assert library_bytes(isolated_library) == before
    assert drafts_json(cli) == []


# --- add --------------------------------------------------------------------------------


def test_add_without_terminal_never_opens_the_editor(cli: Runner, editor: FakeEditor) -> None:
    result = cli("add", "Amour", "--year", "2012", stdin="this is not read\n")
    assert result.code == 0, result.err
    assert review_json(cli, "amour-2012")["body"] == ""
    assert editor.runs() == []


@pytest.mark.skipif(shutil.which("script") is None, reason="needs util-linux `script` for a pty")
def test_add_on_a_terminal_opens_the_editor(
    cli: Runner, editor: FakeEditor, isolated_library: Path
) -> None:
    editor.steps({"replace": [["rating:", "rating: 4"]], "body": "Written in the editor.\n"})
    env = {key: os.environ[key] for key in ("EDITOR", "FAKE_EDITOR_PLAN", "FAKE_EDITOR_LOG")}
    completed = run_on_tty(["add", "Amour", "--year", "2012", "--rank", "1"], env)
    output = completed.stdout.decode()
    assert completed.returncode == 0, output
    assert "amour-2012" in output
    (run,) = editor.runs()
    assert "title: Amour" in run["text"] and "year: 2012" in run["text"]
    assert "rank: 1" in run["text"] and "slug:" not in run["text"]
    doc = review_json(cli, "amour-2012")
    assert (doc["rating"], doc["rank"], doc["body"]) == (4.0, 1, "Written in the editor.\n")
    assert drafts_json(cli) == []


def test_compose_new_in_process(
    editor: FakeEditor, isolated_library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from filmrev import editor as editor_module
    from filmrev.paths import resolve_library

    editor.steps(
        {"write": "---\ntitle: Amour\nslug: x\n---\n"},
        {"write": "---\ntitle: Amour\nyear: 2012\n---\n\nBody.\n"},
    )
    review = editor_module.compose_new(resolve_library(), {"title": "Amour"}, None)
    assert (review.slug, review.body) == ("amour-2012", "Body.\n")
    assert "# error: slug: filmrev makes the slug" in editor.runs()[1]["text"]


def test_restore_reopens_the_editor_and_adds(
    cli: Runner, editor: FakeEditor, isolated_library: Path
) -> None:
    from filmrev import drafts
    from filmrev.editor import new_document
    from filmrev.paths import resolve_library

    paths = resolve_library()
    draft = drafts.create(paths, "add", new_document({"title": "Amour"}, None))
    draft.write_text(draft.read_text() + "Two thousand words, nearly.\n")
    editor.steps({"noop": True})  # the user looks, saves nothing new: the draft is the review
    result = cli("drafts", "restore", str(draft.id))
    assert result.code == 0, result.err
    assert result.out == "amour\n"
    assert review_json(cli, "amour")["body"] == "Two thousand words, nearly.\n"
    assert drafts_json(cli) == []


def test_restore_of_untouched_draft_stops(cli: Runner, editor: FakeEditor) -> None:
    from filmrev import drafts
    from filmrev.editor import new_document
    from filmrev.paths import resolve_library

    draft = drafts.create(resolve_library(), "add", new_document({"title": "Amour"}, None))
    editor.steps({"noop": True})
    result = cli("drafts", "restore", str(draft.id))
    assert result.code == 1 and "unchanged" in result.err
    assert cli("drafts", "restore", str(draft.id), "--no-edit").code == 1


def test_drafts_list_and_discard(cli: Runner, editor: FakeEditor, rust: str) -> None:
    editor.steps({"exit": 3})
    assert cli("edit", rust).code == 1
    table = cli("drafts")
    assert table.code == 0
    assert "edit" in table.out and "Rust and Bone" in table.out and "drafts" in table.out
    (draft,) = drafts_json(cli)
    assert set(draft) == {"id", "kind", "title", "review_id", "modified", "path"}
    missing = cli("drafts", "discard", "99")
    assert missing.code == 1 and "no draft 99" in missing.err
    gone = cli("drafts", "discard", str(draft["id"]))
    assert gone.code == 0 and "discarded draft" in gone.err
    assert not Path(draft["path"]).exists()
    assert cli("drafts").err.strip() == "no drafts"


# --- body files and templates -----------------------------------------------------------------


def test_add_body_file_front_matter_with_flags_winning(cli: Runner, tmp_path: Path) -> None:
    review = tmp_path / "review.md"
    review.write_text(
        "---\ntitle: Ignored Title\nyear: 2012\nrating: 3\ntags: [French]\n"
        "id: 99\ncreated: '2020-01-01T00:00:00Z'\n---\n\nThe body.\n",
        encoding="utf-8",
    )
    result = cli("add", "Rust and Bone", "--rating", "4.5", "--body-file", str(review))
    assert result.code == 0, result.err
    doc = review_json(cli, result.out.strip())
    assert (doc["title"], doc["year"], doc["rating"]) == ("Rust and Bone", 2012, 4.5)
    assert doc["tags"] == ["French"] and doc["body"] == "The body.\n"
    assert doc["id"] == 1 and doc["created"] != "2020-01-01T00:00:00Z"


def test_template_edit_show_reset(cli: Runner, editor: FakeEditor, tmp_path: Path) -> None:
    shown = cli("template", "show")
    assert shown.code == 0 and shown.out.startswith("---\n") and "built-in" in shown.err
    editor.steps(
        {"replace": [["status: draft", "status: bogus"]], "body": "## Verdict\n"},
        {"replace": [["status: bogus", "status: published"]]},
    )
    edited = cli("template", "edit")
    assert edited.code == 0, edited.err
    assert "# error: status must be one of draft, published" in editor.runs()[1]["text"]
    path = tmp_path / "home" / "config" / "filmrev" / "template.md"
    assert path.read_text().endswith("## Verdict\n")
    assert "# error" not in path.read_text()
    assert cli("template", "show").out == path.read_text()
    editor.steps({"replace": [["title:", "title: Amour"]]})
    from filmrev import editor as editor_module

    text = editor_module.new_document({"title": "Amour", "year": 2012}, 2)
    assert "status: published" in text and text.endswith("## Verdict\n") and "rank: 2" in text
    reset = cli("template", "reset")
    assert reset.code == 0 and not path.exists()
    assert cli("template", "reset").err.strip() == "already using the built-in template"


def test_render_keeps_comments_and_quotes_values() -> None:
    from filmrev.editor_document import DEFAULT_TEMPLATE, parse_document, render_document

    text = render_document(
        DEFAULT_TEMPLATE,
        {
            "title": "Rust and Bone",
            "tags": ["You’ve Touched Me in a Good Way", "Gritty, Grittness"],
            "tagline": "What: a # test\nsecond line",
            "crew": {"composer": ["Alexandre Desplat"]},
            "rating": 4.5,
        },
        "Body\n",
    )
    assert "\nrating: 4.5       # 0.5 to 5 in half steps" in text  # the comment column stays
    fields, position = parse_document(text, slug_allowed=False)
    assert fields["tags"] == ["You’ve Touched Me in a Good Way", "Gritty, Grittness"]
    assert fields["tagline"] == "What: a # test\nsecond line"
    assert fields["crew"] == {"composer": ["Alexandre Desplat"]}
    assert fields["body"] == "Body\n" and position is None
