"""``filmrev export`` to stdout and to one file: json, csv, letterboxd, markdown."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.conftest import Runner

RUST = (
    *("Rust and Bone", "--year", "2012", "--rating", "4.5", "--rank", "1"),
    *("--tag", "Gritty, Grittness", "--tag", "French", "--director", "Jacques Audiard"),
    *("--watched", "2024-03-09", "--body", "Whales.\n"),
)


@pytest.fixture
def two_reviews(cli: Runner) -> None:
    assert cli("add", *RUST).code == 0
    assert cli("add", '=HYPERLINK("http://x")', "--tag", "+1", "--body", "-2").code == 0


def test_json_to_stdout_is_the_whole_library(cli: Runner, two_reviews: None) -> None:
    result = cli("export")
    assert result.code == 0, result.err
    assert result.err == ""
    document = json.loads(result.out)
    assert list(document) == ["format", "version", "schema", "reviews", "comparisons"]
    assert document["format"] == "filmrev" and document["version"] == 1
    assert [review["slug"] for review in document["reviews"]] == [
        "rust-and-bone-2012",
        "hyperlink-http-x",
    ]
    assert document["reviews"][0]["tags"] == ["Gritty, Grittness", "French"]
    assert document["reviews"][0]["rating"] == 4.5
    assert document["comparisons"] == []


def test_out_file_gets_the_same_bytes_and_talk_goes_to_stderr(
    cli: Runner, two_reviews: None, tmp_path: Path
) -> None:
    target = tmp_path / "out" / "backup.json"
    result = cli("export", "--format", "json", "--out", str(target))
    assert result.code == 0, result.err
    assert result.out == ""
    assert result.err == f"exported 2 reviews to {target}\n"
    assert target.read_text(encoding="utf-8") == cli("export").out
    again = cli("export", "--out", str(target))  # a file is simply replaced
    assert again.code == 0


def test_out_directory_for_a_one_file_format_is_an_error(
    cli: Runner, two_reviews: None, tmp_path: Path
) -> None:
    result = cli("export", "--format", "csv", "--out", str(tmp_path))
    assert result.code == 1
    assert "is a directory; --format csv writes one file" in result.err
    assert result.out == ""


def test_csv_neutralises_formulas(cli: Runner, two_reviews: None) -> None:
    result = cli("export", "--format", "csv")
    assert result.code == 0, result.err
    rows = list(csv.DictReader(io.StringIO(result.out, newline="")))
    assert rows[1]["title"] == '\'=HYPERLINK("http://x")'
    assert rows[1]["body"] == "'-2"
    assert rows[0]["tags"] == '["Gritty, Grittness","French"]'
    assert rows[0]["title"] == "Rust and Bone"


def test_letterboxd_csv_has_the_import_columns(cli: Runner, two_reviews: None) -> None:
    result = cli("export", "--format", "letterboxd")
    assert result.code == 0, result.err
    lines = result.out.split("\r\n")
    assert lines[0] == "Title,Year,Rating,WatchedDate,Rewatch,Tags,Review,Directors"
    rows = list(csv.DictReader(io.StringIO(result.out, newline="")))
    assert rows[0] == {
        "Title": "Rust and Bone",
        "Year": "2012",
        "Rating": "4.5",
        "WatchedDate": "2024-03-09",
        "Rewatch": "",
        "Tags": "Gritty, Grittness, French",
        "Review": "Whales.",  # the HTML subset: a paragraph, no trailing newline
        "Directors": "Jacques Audiard",
    }
    assert rows[1]["Title"] == '=HYPERLINK("http://x")'  # exact: Letterboxd is no spreadsheet


def test_letterboxd_ids_are_added_when_known(cli: Runner, tmp_path: Path) -> None:
    diary = tmp_path / "diary.csv"
    diary.write_text(
        "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date\n"
        "2024-01-02,Amour,2012,https://boxd.it/6aB2,5,,,2024-01-01\n"
        "2024-02-02,Amour,2012,https://boxd.it/7aB2,4.5,Yes,,2024-02-01\n",
        encoding="utf-8",
    )
    assert cli("import", str(diary)).code == 0
    result = cli("export", "--format", "letterboxd")
    assert result.out.split("\r\n")[0].endswith(",Directors,LetterboxdURI")
    rows = list(csv.DictReader(io.StringIO(result.out, newline="")))
    assert [(row["WatchedDate"], row["Rating"], row["Rewatch"]) for row in rows] == [
        ("2024-01-01", "5", ""),
        ("2024-02-01", "4.5", "true"),
    ]
    assert {row["LetterboxdURI"] for row in rows} == {"https://boxd.it/6aB2"}


def test_markdown_to_stdout_is_one_document_ranked_list_first(
    cli: Runner, two_reviews: None
) -> None:
    result = cli("export", "--format", "markdown")
    assert result.code == 0, result.err
    assert result.out.startswith("# Reviews\n\n## Ranked\n\n1. Rust and Bone (2012) — ★★★★½ 4.5\n")
    assert "\n## Rust and Bone (2012)\n" in result.out
    assert "Whales." in result.out


@pytest.mark.parametrize(
    "args",
    [("--profile", "jekyll"), ("--jsonld",), ("--format", "json", "--profile", "hugo")],
)
def test_site_options_need_markdown_with_out(cli: Runner, args: tuple[str, ...]) -> None:
    result = cli("export", *args)
    assert result.code == 2
    assert "--profile and --jsonld apply to --format markdown with --out DIR" in result.err


def test_empty_library_exports_an_empty_list(cli: Runner) -> None:
    result = cli("export")
    assert result.code == 0
    assert json.loads(result.out)["reviews"] == []


@pytest.mark.parametrize("command", ["export", "import"])
def test_help_ends_with_an_example(cli: Runner, command: str) -> None:
    result = cli(command, "--help")
    assert result.code == 0
    assert "Example: filmrev " + command in result.out
