"""The core commands as a user runs them: exit code, stdout, stderr and the file on disk."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Runner, resolve_bodies

RUST_TAGS = ("You’ve Touched Me in a Good Way", "Gritty, Grittness")


def add_rust(cli: Runner, *extra: str) -> str:
    result = cli(
        "add",
        "Rust and Bone",
        "--year", "2012",
        "--rating", "4.5",
        "--tag", RUST_TAGS[0],
        "--tag", RUST_TAGS[1],
        "--director", "Jacques Audiard",
        "--cast", "Marion Cotillard",
        "--cast", "Matthias Schoenaerts",
        "--crew", "composer=Alexandre Desplat",
        "--tagline", "What do a paraplegic whale trainer and a bare-knuckle boxer have in common?",
        "--watched", "2024-03-09",
        "--link", "https://www.youtube.com/watch?v=trailer",
        "--body", "Stéphanie’s “story” — *told* straight.\n",
        *extra,
    )  # fmt: skip
    assert result.code == 0, result.err
    return result.out


def stored(library: Path) -> dict[str, dict[str, object]]:
    tables: dict[str, dict[str, dict[str, object]]] = resolve_bodies(
        library, json.loads(library.read_text("utf-8"))
    )
    return {doc["slug"]: doc for doc in tables["reviews"].values()}  # type: ignore[misc]


def test_add_prints_only_the_slug_and_stores_every_field(
    cli: Runner, isolated_library: Path
) -> None:
    assert add_rust(cli) == "rust-and-bone-2012\n"
    review = stored(isolated_library)["rust-and-bone-2012"]
    assert review["tags"] == list(RUST_TAGS)
    assert review["crew"] == {"composer": ["Alexandre Desplat"]}
    assert review["cast"] == ["Marion Cotillard", "Matthias Schoenaerts"]
    assert review["rating"] == 4.5 and review["year"] == 2012 and review["watched"] == "2024-03-09"
    assert review["body"] == "Stéphanie’s “story” — *told* straight.\n"


def test_show_renders_panel_with_stars_rank_tags_credits(cli: Runner) -> None:
    add_rust(cli, "--rank", "1")
    result = cli("show", "rust-and-bone-2012")
    assert result.code == 0, result.err
    for expected in (
        "Rust and Bone (2012)",
        "★★★★½ 4.5",
        "#1",
        "Gritty, Grittness",
        "Jacques Audiard",
        "Alexandre Desplat",
        "paraplegic whale trainer",
        "Stéphanie’s “story” — told straight.",
    ):
        assert expected in result.out
    assert cli("show", "1").out == result.out


def test_show_plain_prints_the_markdown_source(cli: Runner) -> None:
    add_rust(cli)
    result = cli("show", "rust-and-bone-2012", "--plain")
    assert result.code == 0
    assert result.out.startswith("---\nid: 1\nslug: rust-and-bone-2012\ntitle: Rust and Bone\n")
    assert result.out.endswith("---\n\nStéphanie’s “story” — *told* straight.\n")
    assert cli("show", "1", "--format", "markdown").out == result.out


def test_show_finds_a_misspelled_title_but_unknown_refs_fail(cli: Runner) -> None:
    add_rust(cli)
    assert "Rust and Bone (2012)" in cli("show", "rust and bones").out
    result = cli("show", "zzzz")
    assert result.code == 1
    assert result.out == ""
    assert "no review matches 'zzzz'" in result.err
    assert len(result.err.strip().splitlines()) == 1


def test_ambiguous_ref_lists_candidates(cli: Runner) -> None:
    cli("add", "Amour", "--year", "2012")
    cli("add", "Amour", "--year", "2012", "--force")  # the same film twice needs --force
    result = cli("show", "amour")
    assert result.code == 1
    assert "matches several reviews: amour-2012 (1), amour-2012-2 (2)" in result.err


def test_list_default_order_is_ranked_then_by_rating(cli: Runner) -> None:
    add_rust(cli, "--rank", "1")
    assert cli("add", "Amour", "--year", "2012", "--rating", "5").code == 0
    assert cli("add", "Holy Motors", "--year", "2012").code == 0
    assert cli("add", "Vertigo", "--year", "1958", "--rating", "5", "--rank", "1").code == 0
    result = cli("list", "--format", "ids")
    assert result.out == "4\n1\n2\n3\n"
    assert cli("list", "--sort", "title", "--format", "ids").out == "2\n3\n1\n4\n"
    assert cli("list", "--sort", "rating", "--reverse", "--format", "ids").out == "1\n2\n4\n3\n"
    assert cli("list", "--year", "1958", "--format", "ids").out == "4\n"
    assert cli("list", "--min-rating", "4.5", "--limit", "2", "--format", "ids").out == "4\n1\n"
    assert cli("list", "--tag", "gritty, grittness", "--format", "ids").out == "1\n"
    assert cli("list", "--search", "stephanie", "--format", "ids").out == "1\n"
    assert cli("list", "--person", "marion cotillard", "--format", "ids").out == "1\n"
    table = cli("list")
    assert table.code == 0 and "Vertigo" in table.out and "★★★★★ 5.0" in table.out


def test_list_json_is_an_array_of_full_review_objects(cli: Runner) -> None:
    add_rust(cli)
    reviews = json.loads(cli("list", "--format", "json").out)
    assert len(reviews) == 1
    assert list(reviews[0]) == [
        "id", "slug", "title", "original_title", "year", "rating", "rank", "tags", "categories",
        "director", "cast", "crew", "tagline", "body", "watched", "links", "viewings", "sources",
        "status", "published", "url", "images", "comments", "created", "updated",
    ]  # fmt: skip
    assert reviews[0]["rating"] == 4.5 and reviews[0]["rank"] is None


def test_list_csv_has_header_and_lists_as_json(cli: Runner) -> None:
    add_rust(cli)
    lines = cli("list", "--format", "csv").out.splitlines()
    assert lines[0].startswith("id,slug,title,")
    assert '"[""You’ve Touched Me in a Good Way"",""Gritty, Grittness""]"' in lines[1]


def test_edit_with_flags(cli: Runner, isolated_library: Path) -> None:
    add_rust(cli)
    result = cli(
        "edit", "rust-and-bone-2012", "--rating", "5", "--tag", "French",
        "--remove-tag", "gritty, grittness", "--clear", "watched", "--title", "De rouille et d’os",
    )  # fmt: skip
    assert result.code == 0, result.err
    review = stored(isolated_library)["rust-and-bone-2012"]
    assert review["rating"] == 5.0
    assert review["tags"] == ["You’ve Touched Me in a Good Way", "French"]
    assert review["watched"] is None
    assert review["title"] == "De rouille et d’os"
    assert review["updated"] != review["created"]
    assert cli("edit", "1", "--slug", "rouille").code == 0
    assert "rouille" in stored(isolated_library)


def test_edit_needs_exact_ref_without_a_terminal(cli: Runner, isolated_library: Path) -> None:
    add_rust(cli)
    before = isolated_library.read_bytes()
    result = cli("edit", "rust bone", "--rating", "1")
    assert result.code == 1
    assert "not an id or exact slug (closest: rust-and-bone-2012)" in result.err
    assert isolated_library.read_bytes() == before


def test_delete_without_terminal_needs_yes(cli: Runner, isolated_library: Path) -> None:
    add_rust(cli, "--rank", "1")
    cli("add", "Amour", "--rank", "2")
    before = isolated_library.read_bytes()
    refused = cli("delete", "rust-and-bone-2012")
    assert refused.code == 1 and "pass --yes" in refused.err
    assert isolated_library.read_bytes() == before
    deleted = cli("delete", "rust-and-bone-2012", "--yes")
    assert deleted.code == 0 and deleted.out == ""
    assert stored(isolated_library)["amour"]["rank"] == 1


def test_tags_add_remove_list_rename_merge(cli: Runner, isolated_library: Path) -> None:
    add_rust(cli)
    cli("add", "La Haine", "--tag", "gritty")
    assert cli("tag", "add", "la-haine", "Paris", "Gritty, Grittness").code == 0
    assert stored(isolated_library)["la-haine"]["tags"] == ["gritty", "Paris", "Gritty, Grittness"]
    assert cli("tag", "remove", "la-haine", "paris").code == 0
    missing = cli("tag", "remove", "la-haine", "Nope")
    assert missing.code == 1 and "has no tag 'Nope'" in missing.err
    assert cli("tag", "rename", "gritty", "Gritty, Grittness").code == 0
    assert stored(isolated_library)["la-haine"]["tags"] == ["Gritty, Grittness"]
    counts = json.loads(cli("tag", "list", "--format", "json").out)
    assert {"tag": "Gritty, Grittness", "count": 2} in counts


def test_rank_set_and_clear_keep_ranks_1_to_k(cli: Runner, isolated_library: Path) -> None:
    for title in ("A", "B", "C"):
        cli("add", title, "--rank", "1")
    assert cli("rank", "set", "a", "1").code == 0
    assert cli("rank", "--format", "json").code == 0
    ranks = {slug: doc["rank"] for slug, doc in stored(isolated_library).items()}
    assert ranks == {"a": 1, "c": 2, "b": 3}
    assert cli("rank", "clear", "c").code == 0
    ranks = {slug: doc["rank"] for slug, doc in stored(isolated_library).items()}
    assert ranks == {"a": 1, "c": None, "b": 2}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("add", "X", "--rating", "7"), "rating must be 0.5 to 5 in steps of 0.5 (got '7')"),
        (("add", "X", "--rating", "3.3"), "rating must be 0.5 to 5 in steps of 0.5 (got '3.3')"),
        (("add", "X", "--year", "20x2"), "year must be a whole number from 1870"),
        (("add", "  "), "title must be 1–300 characters"),
        (("add", "X", "--watched", "2024-13-01"), "watched must be a date as YYYY-MM-DD"),
        (("add", "X", "--crew", "Desplat"), "crew must be ROLE=NAME"),
        (("add", "X", "--link", "javascript:alert(1)"), "link must be an http:// or https:// URL"),
        (("add", "X", "--rank", "5"), "rank must be 1 to 2 (got 5)"),
        (("show", "nope"), "no review matches 'nope'"),
        (("rank", "set", "a", "0"), "rank must be a whole number ≥ 1 (got 0)"),
        (("rank", "set", "a", "3"), "rank must be 1 to 1 (got 3)"),
        (("edit", "a", "--clear", "title"), "cannot clear 'title'"),
    ],
)
def test_bad_input_is_one_line_exit_1_and_file_unchanged(
    cli: Runner, isolated_library: Path, args: tuple[str, ...], message: str
) -> None:
    assert cli("add", "A", "--rank", "1").code == 0
    before = isolated_library.read_bytes()
    result = cli(*args)
    assert result.code == 1, result
    assert message in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert "Traceback" not in result.err
    assert isolated_library.read_bytes() == before


@pytest.mark.parametrize(
    "args",
    [("add",), ("add", "X", "--nope"), ("list", "--sort", "length"), ("rank", "set", "a")],
)
@pytest.mark.process  # the exit status of `python -m filmrev` itself
def test_usage_errors_exit_2(cli: Runner, args: tuple[str, ...]) -> None:
    result = cli(*args)
    assert result.code == 2
    assert "Traceback" not in result.err


def test_body_and_body_file_together_is_a_usage_error(cli: Runner, tmp_path: Path) -> None:
    (tmp_path / "b.md").write_text("x", "utf-8")
    assert cli("add", "X", "--body", "y", "--body-file", str(tmp_path / "b.md")).code == 2


@pytest.mark.parametrize(
    "content", [b"", b"{trunc", b"\x00" * 64, b"[]", b"\xef\xbb\xbf{}", b"\xe9t\xe9"]
)
def test_corrupt_library_is_reported_with_path_and_untouched(
    cli: Runner, isolated_library: Path, content: bytes
) -> None:
    isolated_library.parent.mkdir(parents=True)
    isolated_library.write_bytes(content)
    for args in (("list",), ("add", "X")):
        result = cli(*args)
        assert result.code == 1
        assert str(isolated_library) in result.err
        assert "Traceback" not in result.err
        assert isolated_library.read_bytes() == content


def test_unwritable_location_is_a_clear_error(cli: Runner, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory", "utf-8")
    result = cli("--db", str(blocker / "library.json"), "add", "X")
    assert result.code == 1
    assert "cannot write library" in result.err and str(blocker) in result.err
    assert blocker.read_text("utf-8") == "not a directory"


def test_db_option_beats_environment(cli: Runner, tmp_path: Path, isolated_library: Path) -> None:
    other = tmp_path / "other.json"
    assert cli("--db", str(other), "add", "X").code == 0
    assert other.exists() and not isolated_library.exists()


@pytest.mark.process  # the locale is read when the interpreter starts
def test_c_locale_still_speaks_utf8(cli: Runner, isolated_library: Path) -> None:
    env = {"LC_ALL": "C", "LANG": "C", "PYTHONIOENCODING": "", "PYTHONUTF8": "0"}
    result = cli("add", "Amélie", "--year", "2001", "--tag", "Café", env=env)
    assert result.code == 0 and result.out == "amelie-2001\n"
    shown = cli("show", "amelie-2001", env=env)
    assert shown.code == 0 and "Amélie (2001)" in shown.out
    assert stored(isolated_library)["amelie-2001"]["title"] == "Amélie"


def test_undecodable_argument_is_a_clear_error(isolated_library: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "filmrev", "add", os.fsdecode(b"Bad\xff")],
        capture_output=True,
        check=False,
    )
    assert completed.returncode == 1
    assert (
        completed.stderr.decode() == "filmrev: error: argument Bad\\xff is not valid UTF-8 text\n"
    )
    assert not isolated_library.exists()


def test_markup_and_escapes_in_user_text_show_literally(cli: Runner) -> None:
    title = "[bold red]x[/] [/etc/passwd] \x1b]8;;file:///\x07link\x1b]8;;\x07 \u202eevil"
    slug = cli("add", title, "--tag", "[link=file:///]t").out.strip()
    for args in (("show", slug), ("list",)):
        result = cli(*args)
        assert result.code == 0
        assert "[bold red]x[/]" in result.out and "[/etc/passwd]" in result.out
        assert "\x1b" not in result.out and "\u202e" not in result.out and "\x07" not in result.out


def test_version_and_every_command_has_help_with_an_example(cli: Runner) -> None:
    assert cli("--version").out.startswith("filmrev ")
    commands = [
        ["add"], ["show"], ["list"], ["edit"], ["delete"], ["tag", "add"], ["tag", "remove"],
        ["tag", "list"], ["tag", "rename"], ["rank"], ["rank", "set"], ["rank", "clear"],
    ]  # fmt: skip
    for command in commands:
        result = cli(*command, "--help")
        assert result.code == 0, command
        assert "Example" in result.out, command
