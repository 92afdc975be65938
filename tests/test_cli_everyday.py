"""Everyday correctness (issue 17, part A): what broke when filmrev was used as a critic uses it."""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import Runner
from tests.test_cli_core import add_rust, stored
from tests.test_editor import FakeEditor, drafts_json, review_json

# --- data loss and safety ---------------------------------------------------------


def test_edit_with_an_empty_body_part_keeps_the_body_and_says_so(
    cli: Runner, isolated_library: Path
) -> None:
    add_rust(cli)
    body = stored(isolated_library)["rust-and-bone-2012"]["body"]
    result = cli(
        "edit", "rust-and-bone-2012", "--body-file", "-", stdin="---\nstatus: published\n---\n"
    )
    assert result.code == 0, result.err
    assert "body is empty: kept the review's text (--clear body empties it)" in result.err
    review = stored(isolated_library)["rust-and-bone-2012"]
    assert review["status"] == "published"
    assert review["body"] == body


def test_edit_clear_body_with_an_empty_document_empties_it(
    cli: Runner, isolated_library: Path
) -> None:
    add_rust(cli)
    result = cli(
        "edit",
        "rust-and-bone-2012",
        "--body-file",
        "-",
        "--clear",
        "body",
        stdin="---\nstatus: published\n---\n",
    )
    assert result.code == 0, result.err
    assert "kept the review's text" not in result.err
    assert stored(isolated_library)["rust-and-bone-2012"]["body"] == ""


class Terminal:
    """A real filmrev process on a pseudo-terminal: read its prompts, type answers."""

    def __init__(self, *args: str) -> None:
        master, slave = os.openpty()
        self.master = master
        self.process = subprocess.Popen(
            [sys.executable, "-m", "filmrev", *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env={**os.environ, "FILMREV_LOCK_TIMEOUT": "60"},
        )
        os.close(slave)
        self.seen = b""

    def wait_for(self, text: str) -> str:
        wanted = text.encode("utf-8")
        while wanted not in self.seen:
            ready, _, _ = select.select([self.master], [], [], 60)
            assert ready, f"no {text!r} on the terminal; saw {self.seen!r}"
            try:
                chunk = os.read(self.master, 4096)
            except OSError:  # the process ended and closed the terminal
                chunk = b""
            assert chunk, f"no {text!r} on the terminal; saw {self.seen!r}"
            self.seen += chunk
        found = self.seen.decode("utf-8", "replace")
        self.seen = self.seen[self.seen.index(wanted) + len(wanted) :]
        return found

    def type(self, line: str) -> None:
        os.write(self.master, line.encode("utf-8") + b"\n")

    def finish(self) -> int:
        code = self.process.wait(timeout=60)
        os.close(self.master)
        return code


@pytest.fixture
def terminal() -> Iterator[Callable[..., Terminal]]:
    """``terminal("delete", REF)`` runs filmrev on a pty, killed if a test fails."""
    started: list[Terminal] = []

    def start(*args: str) -> Terminal:
        started.append(Terminal(*args))
        return started[-1]

    yield start
    for running in started:
        if running.process.poll() is None:
            running.process.kill()
            running.process.wait()


def add_quickly(cli: Runner, title: str) -> None:
    """An ``add`` that gives up at once if the library is locked."""
    result = cli("add", title, "--year", "2012", env={"FILMREV_LOCK_TIMEOUT": "0"})
    assert result.code == 0, result.err


def test_delete_asks_both_questions_before_taking_the_lock(
    cli: Runner, isolated_library: Path, terminal: Callable[..., Terminal]
) -> None:
    add_rust(cli)
    session = terminal("delete", "rust bone")
    session.wait_for("did you mean rust-and-bone-2012 (Rust and Bone (2012))? [y/N]")
    add_quickly(cli, "Amour")  # another writer gets through while the person thinks
    session.type("y")
    session.wait_for("Delete Rust and Bone (2012) (rust-and-bone-2012)? [y/N]")
    add_quickly(cli, "Holy Motors")
    session.type("y")
    assert session.finish() == 0
    assert sorted(stored(isolated_library)) == ["amour-2012", "holy-motors-2012"]


def test_a_fuzzy_ref_is_confirmed_before_the_lock_for_tag_add(
    cli: Runner, isolated_library: Path, terminal: Callable[..., Terminal]
) -> None:
    add_rust(cli)
    session = terminal("tag", "add", "rust bone", "Boxing")
    session.wait_for("did you mean rust-and-bone-2012")
    add_quickly(cli, "Amour")
    session.type("y")
    assert session.finish() == 0
    assert "Boxing" in stored(isolated_library)["rust-and-bone-2012"]["tags"]  # type: ignore[operator]
    assert "amour-2012" in stored(isolated_library)


def test_declining_the_delete_question_changes_nothing(
    cli: Runner, isolated_library: Path, terminal: Callable[..., Terminal]
) -> None:
    add_rust(cli)
    before = isolated_library.read_bytes()
    session = terminal("delete", "rust-and-bone-2012")
    session.wait_for("[y/N]")
    session.type("n")
    assert session.finish() == 1
    assert isolated_library.read_bytes() == before


# --- matching what people type ------------------------------------------------------

CURLY = "You’ve Touched Me in a Good Way"
STRAIGHT = "You've Touched Me in a Good Way"


def test_list_tag_with_a_straight_apostrophe_finds_the_curly_tag(cli: Runner) -> None:
    add_rust(cli)
    result = cli("list", "--tag", STRAIGHT, "--format", "ids")
    assert result.code == 0, result.err
    assert result.out == "1\n"
    assert cli("list", "--tag", "you’ve  touched me in a good way", "-f", "ids").out == "1\n"


def test_tag_add_with_other_typography_keeps_the_library_spelling(
    cli: Runner, isolated_library: Path
) -> None:
    add_rust(cli)
    assert cli("add", "Amour", "--year", "2012").code == 0
    result = cli("tag", "add", "amour-2012", STRAIGHT, "  spaced   tag  ")
    assert result.code == 0, result.err
    assert stored(isolated_library)["amour-2012"]["tags"] == [CURLY, "spaced tag"]
    assert cli("tag", "add", "rust-and-bone-2012", "Spaced Tag").code == 0
    assert stored(isolated_library)["rust-and-bone-2012"]["tags"] == [
        CURLY,
        "Gritty, Grittness",
        "spaced tag",
    ]
    tags = cli("tag", "list", "--format", "json").out
    assert json.loads(tags) == [
        {"tag": "spaced tag", "count": 2},
        {"tag": CURLY, "count": 2},
        {"tag": "Gritty, Grittness", "count": 1},
    ]


def test_tag_remove_and_edit_remove_tag_match_any_typography(
    cli: Runner, isolated_library: Path
) -> None:
    add_rust(cli)
    assert cli("tag", "remove", "rust-and-bone-2012", STRAIGHT).code == 0
    assert stored(isolated_library)["rust-and-bone-2012"]["tags"] == ["Gritty, Grittness"]
    assert cli("edit", "rust-and-bone-2012", "--tag", STRAIGHT).code == 0
    assert cli("edit", "rust-and-bone-2012", "--remove-tag", "gritty,  grittness").code == 0
    assert stored(isolated_library)["rust-and-bone-2012"]["tags"] == [STRAIGHT]


def test_add_and_import_take_the_library_spelling_of_a_tag(
    cli: Runner, isolated_library: Path, tmp_path: Path
) -> None:
    add_rust(cli)
    assert cli("add", "Amour", "--year", "2012", "--tag", STRAIGHT).code == 0
    assert stored(isolated_library)["amour-2012"]["tags"] == [CURLY]
    review = tmp_path / "holy-motors.md"
    review.write_text(
        f'---\ntitle: Holy Motors\nyear: 2012\ntags:\n- "{STRAIGHT}"\n- "new   tag"\n'
        "---\n\nText.\n",
        "utf-8",
    )
    result = cli("import", str(review))
    assert result.code == 0, result.err
    assert stored(isolated_library)["holy-motors-2012"]["tags"] == [CURLY, "new tag"]


def with_stored_tags(library: Path, slug: str, tags: list[str]) -> None:
    """Give a review tags as an older filmrev (or a hand edit) could have stored them."""
    tables = json.loads(library.read_text("utf-8"))
    for doc in tables["reviews"].values():
        if doc["slug"] == slug:
            doc["tags"] = tags
    library.write_text(json.dumps(tables, ensure_ascii=False), "utf-8")


def test_doctor_reports_look_alike_tags_and_fix_merges_them(
    cli: Runner, isolated_library: Path
) -> None:
    add_rust(cli)
    assert cli("add", "Amour", "--year", "2012", "--tag", "Gritty").code == 0
    with_stored_tags(isolated_library, "amour-2012", [STRAIGHT, "Gritty"])
    result = cli("doctor")
    assert result.code == 3
    assert "1 tag(s) spelled more than one way" in result.out
    assert "`doctor --fix` merges each into its first spelling" in result.out
    result = cli("doctor", "--fix")
    assert result.code == 0, result.out + result.err
    assert stored(isolated_library)["amour-2012"]["tags"] == [CURLY, "Gritty"]
    assert cli("doctor").code == 0


def test_adding_a_film_already_in_the_library_is_refused_unless_forced(
    cli: Runner, isolated_library: Path
) -> None:
    add_rust(cli)
    before = isolated_library.read_bytes()
    result = cli("add", "rust  and bone", "--year", "2012")
    assert result.code == 1
    assert result.out == ""
    assert result.err == (
        "filmrev: error: Rust and Bone (2012) is already in the library as rust-and-bone-2012 "
        "(`filmrev show rust-and-bone-2012`); --force adds a second review\n"
    )
    assert isolated_library.read_bytes() == before
    assert cli("add", "Rust and Bone", "--year", "2013").code == 0  # another film
    result = cli("add", "Rust and Bone", "--year", "2012", "--force")
    assert result.code == 0, result.err
    assert result.out == "rust-and-bone-2012-2\n"
    assert "warning: Rust and Bone (2012) is already in the library as rust-and-bone-2012" in (
        result.err
    )


# --- shell completion -------------------------------------------------------------


def complete(cli: Runner, shell: str, words: str) -> str:
    """What filmrev prints when ``shell`` asks it to complete the last word of ``words``."""
    env = {"_FILMREV_COMPLETE": f"complete_{shell}", "_TYPER_COMPLETE_ARGS": words}
    env["_TYPER_COMPLETE_FISH_ACTION"] = "get-args"
    env.update(COMP_WORDS=words, COMP_CWORD=str(len(words.split()) - (not words.endswith(" "))))
    result = cli(env=env)
    assert result.code == 0, result.err
    return result.out.rstrip("\n")


def test_completed_tags_come_quoted_for_bash_and_zsh(cli: Runner) -> None:
    assert cli("add", "Rust and Bone", "--year", "2012", "--tag", "Palme d’Or").code == 0
    assert cli("add", "Amour", "--year", "2012", "--tag", 'You\'ve `been` $5: "yes"').code == 0
    assert complete(cli, "bash", "filmrev list --tag Pa") == "Palme\\ d’Or"
    assert complete(cli, "bash", "filmrev list --tag Y") == (
        'You\\\'ve\\ \\`been\\`\\ \\$5:\\ \\"yes\\"'
    )
    assert complete(cli, "zsh", "filmrev list --tag ") == (
        '_arguments \'*: :(("Palme d’Or"\n"You\'\\\'\'ve \\`been\\` \\$5\\: \\"yes\\""))\''
    )
    assert complete(cli, "fish", "filmrev list --tag Pa") == "Palme d’Or"  # fish escapes it


def test_slugs_complete_for_rank_and_tag_subcommands(cli: Runner) -> None:
    assert cli("add", "Rust and Bone", "--year", "2012").code == 0
    for command in ("rank place", "rank set", "rank move", "rank history", "tag add", "tag remove"):
        assert complete(cli, "bash", f"filmrev {command} ru") == "rust-and-bone-2012", command
    assert complete(cli, "bash", "filmrev rank move 1 --above ru") == "rust-and-bone-2012"


# --- the editor document ------------------------------------------------------------


@pytest.fixture(name="editor")
def fake_editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeEditor:
    return FakeEditor(tmp_path, monkeypatch)


@pytest.fixture(name="rust")
def rust_review(cli: Runner) -> str:
    add_rust(cli)
    return "rust-and-bone-2012"


TRAPS = ("1917", "No", "Yes", "On", "[REC]", "2001: A Space Odyssey", "@Home", "#Alive")


@pytest.mark.parametrize("title", TRAPS)
def test_a_title_yaml_misreads_says_put_it_in_quotes_then_saves(
    cli: Runner, editor: FakeEditor, rust: str, title: str
) -> None:
    quoted = "'" + title + "'"
    editor.steps(
        {"replace": [["title: Rust and Bone", f"title: {title}"]]},
        {"replace": [[f"title: {title}", f"title: {quoted}"]]},
    )
    result = cli("edit", rust)
    assert result.code == 0, result.err
    _, second = editor.runs()
    errors = [line for line in second["text"].splitlines() if line.startswith("# error: ")]
    assert len(errors) == 1
    assert errors[0].endswith(f"put the title in quotes: title: {quoted}")
    assert review_json(cli, rust)["title"] == title


def test_the_yaml_error_line_number_names_the_line_in_the_reopened_file(
    cli: Runner, editor: FakeEditor, rust: str
) -> None:
    editor.steps(
        {"replace": [["title: Rust and Bone", "title: 2001: A Space Odyssey"]]},
        {"noop": True},
    )
    assert cli("edit", rust).code == 1
    reopened = editor.runs()[1]["text"].split("\n")
    error = reopened[1]
    number = int(error.split("(line ")[1].split(")")[0])
    assert reopened[number - 1] == "title: 2001: A Space Odyssey"


@pytest.mark.parametrize("title", TRAPS)
def test_titles_yaml_would_misread_are_written_quoted(
    cli: Runner, editor: FakeEditor, title: str
) -> None:
    assert cli("add", title, "--year", "2012", "--body", "x").code == 0
    editor.steps({"replace": [["rating:", "rating: 4"]]})
    result = cli("edit", "1")
    assert result.code == 0, result.err
    assert f"\ntitle: '{title}'\n" in editor.runs()[0]["text"]
    assert review_json(cli, "1")["title"] == title


def test_the_document_uses_block_lists(cli: Runner, editor: FakeEditor) -> None:
    assert cli("add", "Amour", "--year", "2012", "--tag", "French", "--tag", "a, b").code == 0
    editor.steps(
        {
            "replace": [
                ["\n- French\n", "\n- French\n- Palme d’Or\n"],
                ["\nstatus:", "\n- https://www.youtube.com/watch?v=x&t=[1]\nstatus:"],
            ]
        }
    )
    result = cli("edit", "amour-2012")
    assert result.code == 0, result.err
    text = editor.runs()[0]["text"]
    assert (
        "tags:             # one per line below, as: - Gritty, Grittness\n- French\n- a, b\n"
        in (text)
    )
    assert "[]" not in text and "{}" not in text
    doc = review_json(cli, "amour-2012")
    assert doc["tags"] == ["French", "Palme d’Or", "a, b"]
    assert doc["links"] == ["https://www.youtube.com/watch?v=x&t=[1]"]


def test_a_restored_draft_loses_errors_already_fixed(
    cli: Runner, editor: FakeEditor, rust: str
) -> None:
    editor.steps(
        {"replace": [["rating: 4.5", "rating: 9"]]},
        {"replace": [["rating: 9", "rating: 4"]], "kill": True},  # fixed, then the editor died
        {"noop": True},
    )
    assert cli("edit", rust).code == 1
    (draft,) = drafts_json(cli)
    assert "# error: rating must be" in Path(draft["path"]).read_text("utf-8")
    result = cli("drafts", "restore", str(draft["id"]))
    assert result.code == 0, result.err
    assert "# error:" not in editor.runs()[2]["text"]
    assert review_json(cli, rust)["rating"] == 4.0


def test_a_restored_draft_still_invalid_shows_its_current_errors(
    cli: Runner, editor: FakeEditor, rust: str
) -> None:
    editor.steps(
        {"replace": [["rating: 4.5", "rating: 9"]]},
        {"replace": [["year: 2012", "year: 20x2"]], "kill": True},
        {"replace": [["year: 20x2", "year: 2012"]]},
        {"replace": [["rating: 9", "rating: 4"]]},
    )
    assert cli("edit", rust).code == 1
    assert cli("drafts", "restore", "1").code == 0
    errors = [line for line in editor.runs()[2]["text"].splitlines() if "# error:" in line]
    assert len(errors) == 2 and any("year must be" in error for error in errors)


def test_drafts_restore_without_a_terminal_suggests_its_own_option(
    cli: Runner, editor: FakeEditor, rust: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor.steps({"replace": [["rating:", "rating: 4"]], "kill": True})
    assert cli("edit", rust).code == 1
    monkeypatch.delenv("EDITOR")
    result = cli("drafts", "restore", "1")  # stdin is not a terminal
    assert result.code == 1
    assert result.err == (
        "filmrev: error: no terminal for the editor: run this on a terminal, set $VISUAL or "
        "$EDITOR to an editor that needs none, or save it as it is with "
        "`filmrev drafts restore 1 --no-edit`\n"
    )


SWAPPING_EDITOR = """\
import os, signal, sys
from pathlib import Path
path = Path(sys.argv[-1])
swap = path.parent / f".{path.name}.swp"  # where vim keeps its swap file
if swap.exists():
    print("E325: ATTENTION: found a swap file", file=sys.stderr)
    sys.exit(1)
swap.write_text("swap")
text = path.read_text(encoding="utf-8")
path.write_text(text.replace("rating: 4.5", "rating: 4"), encoding="utf-8")
if os.environ.get("EDITOR_DIES"):
    os.kill(os.getpid(), signal.SIGKILL)  # as vim does when killed: the swap file stays
swap.unlink()
"""


def test_the_editors_swap_file_stays_out_of_the_drafts_folder(
    cli: Runner, rust: str, tmp_path: Path, isolated_library: Path
) -> None:
    script = tmp_path / "swapping_editor.py"
    script.write_text(SWAPPING_EDITOR, encoding="utf-8")
    editor = f"{sys.executable} {script}"
    result = cli("edit", rust, env={"EDITOR": editor, "EDITOR_DIES": "1"})
    assert result.code == 1
    assert "your text is kept in draft 1" in result.err
    drafts = isolated_library.parent / "library.json.d" / "drafts"
    assert sorted(path.name for path in drafts.iterdir()) == ["1.json", "1.md"]
    assert "\nrating: 4 " in (drafts / "1.md").read_text("utf-8")  # what the editor saved
    result = cli("drafts", "restore", "1", env={"EDITOR": editor})
    assert result.code == 0, result.err
    assert review_json(cli, rust)["rating"] == 4.0


# --- smaller ones ---------------------------------------------------------------------


def test_a_rank_out_of_range_has_one_wording(cli: Runner) -> None:
    for number in range(1, 7):
        assert cli("add", f"Film {number}", "--year", "2012", "--rank", str(number)).code == 0
    for args in (("add", "Another", "--rank", "99"), ("rank", "set", "film-1-2012", "9")):
        result = cli(*args)
        assert result.code == 1
        assert "rank must be 1 to 7" in result.err or "rank must be 1 to 6" in result.err
        assert "position" not in result.err


def test_a_watched_date_in_the_future_needs_force(cli: Runner, isolated_library: Path) -> None:
    result = cli("add", "Zama", "--year", "2017", "--watched", "2999-01-01")
    assert result.code == 1
    assert result.err.startswith(
        "filmrev: error: watched date 2999-01-01 is in the future (today is "
    )
    assert result.err.endswith("); --force accepts it\n")
    assert not isolated_library.exists()
    result = cli("add", "Zama", "--year", "2017", "--watched", "2999-01-01", "--force")
    assert result.code == 0, result.err
    assert "warning: watched date 2999-01-01 is in the future; kept it (--force)" in result.err
    result = cli("edit", "zama-2017", "--watched", "2998-01-01")
    assert result.code == 1 and "is in the future" in result.err and "--force" not in result.err
    assert stored(isolated_library)["zama-2017"]["watched"] == "2999-01-01"


def test_a_markdown_file_without_front_matter_points_at_add_body_file(
    cli: Runner, tmp_path: Path
) -> None:
    plain = tmp_path / "notes.md"
    plain.write_text("Just my thoughts on Zama.\n", "utf-8")
    result = cli("import", str(plain))
    assert result.code == 1
    assert (
        f"to make a review of plain text, use `filmrev add TITLE --body-file {plain}`"
        in (result.err)
        or "use `filmrev add TITLE --body-file notes.md`" in result.err
    )


def test_import_over_a_review_never_imported_says_it_was_made_in_filmrev(
    cli: Runner, tmp_path: Path
) -> None:
    assert cli("add", "Amour", "--year", "2012").code == 0
    review = tmp_path / "amour.md"
    review.write_text("---\ntitle: Amour\nyear: 2012\nrating: 4\n---\n\nText.\n", "utf-8")
    result = cli("import", str(review))
    assert result.code == 0, result.err
    assert "skipped amour-2012  Amour (2012): made in filmrev, never imported; " in result.err
    assert "since its last import" not in result.err


def test_tags_typed_in_the_editor_take_the_library_spelling(
    cli: Runner, editor: FakeEditor, rust: str, isolated_library: Path
) -> None:
    assert cli("add", "Amour", "--year", "2012", "--body", "x").code == 0
    editor.steps({"replace": [["tags:             # one per line below, as: - Gritty, Grittness",
                               f"tags:\n- \"{STRAIGHT}\"\n- '  new   one '"]]})  # fmt: skip
    result = cli("edit", "amour-2012")
    assert result.code == 0, result.err
    assert stored(isolated_library)["amour-2012"]["tags"] == [CURLY, "new one"]
