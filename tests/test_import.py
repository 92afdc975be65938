"""``filmrev import`` of filmrev's own formats (json, Markdown): matching, ranks, errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from filmrev import frontmatter
from tests.conftest import Runner

DATA = Path(__file__).resolve().parent.parent / "data" / "reviews"


def review_doc(review_id: int, title: str, **fields: Any) -> dict[str, Any]:
    """A complete review object with defaults."""
    doc: dict[str, Any] = {
        "id": review_id,
        "slug": fields.pop("slug", title.lower().replace(" ", "-")),
        "title": title,
        "original_title": None,
        "year": None,
        "rating": None,
        "rank": None,
        "tags": [],
        "director": None,
        "cast": [],
        "crew": {},
        "tagline": None,
        "body": "",
        "watched": None,
        "links": [],
        "viewings": [],
        "sources": {"letterboxd": None, "imdb": None, "tmdb": None},
        "status": "draft",
        "published": None,
        "url": None,
        "images": [],
        "created": f"2024-01-{review_id:02d}T10:00:00.000000Z",
        "updated": f"2024-02-{review_id:02d}T10:00:00.000000Z",
    }
    doc.update(fields)
    return doc


def write_export(path: Path, reviews: list[dict[str, Any]], comparisons: Any = ()) -> Path:
    document = {
        "format": "filmrev",
        "version": 1,
        "schema": 1,
        "reviews": reviews,
        "comparisons": list(comparisons),
    }
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


def ranks(cli: Runner) -> dict[str, int | None]:
    return {review["slug"]: review["rank"] for review in json.loads(cli("export").out)["reviews"]}


# --- the sample library ------------------------------------------------------------------------


def test_sample_library_imports_with_its_ranks(cli: Runner, isolated_library: Path) -> None:
    result = cli("import", str(DATA))
    assert result.code == 0, result.err
    assert result.out == ""
    assert result.err == "imported 10 reviews: 10 added, 0 updated, 0 unchanged\n"
    library = json.loads(cli("export").out)
    by_slug = {review["slug"]: review for review in library["reviews"]}
    assert set(by_slug) == {path.stem for path in DATA.glob("*.md")}
    for path in DATA.glob("*.md"):
        fields, body = frontmatter.split(path.read_text(encoding="utf-8"))
        assert fields is not None
        review = by_slug[path.stem]
        assert review["rank"] == fields.get("rank")
        assert review["title"] == fields["title"]
        assert review["body"] == body
        assert review["created"] and review["updated"]  # generated
    assert sorted(rank for rank in ranks(cli).values() if rank) == [1, 2, 3, 4, 5, 6]


def test_re_import_is_a_byte_identical_no_op(cli: Runner, isolated_library: Path) -> None:
    assert cli("import", str(DATA)).code == 0
    before = isolated_library.read_bytes()
    again = cli("import", str(DATA))
    assert again.code == 0
    assert again.err == "imported 10 reviews: 0 added, 0 updated, 10 unchanged\n"
    assert isolated_library.read_bytes() == before


def test_dry_run_prints_the_plan_and_writes_nothing(cli: Runner, isolated_library: Path) -> None:
    result = cli("import", str(DATA), "--dry-run")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert len(lines) == 10
    assert "add     vertigo-1958  Vertigo (1958)" in lines
    assert result.err == (
        "dry run: would import 10 reviews: 10 added, 0 updated, 0 unchanged; nothing was written\n"
    )
    assert not isolated_library.exists()


# --- json: exact reproduction ------------------------------------------------------------------


def test_export_import_export_is_byte_identical(
    cli: Runner, isolated_library: Path, tmp_path: Path
) -> None:
    assert cli("import", str(DATA)).code == 0
    assert cli("delete", "amelie-2001", "--yes").code == 0  # a gap in the ids
    first = cli("export").out
    document = json.loads(first)
    document["comparisons"] = [
        {"winner": 10, "loser": 3, "tie": False, "at": "2024-06-01T10:00:00.000000Z"},
        {"winner": 3, "loser": 8, "tie": True, "at": "2024-06-02T10:00:00.000000Z"},
    ]
    export = tmp_path / "export.json"
    export.write_text(json.dumps(document), encoding="utf-8")
    other = tmp_path / "other" / "library.json"
    result = cli("--db", str(other), "import", str(export))
    assert result.code == 0, result.err
    second = cli("--db", str(other), "export").out
    assert json.loads(second) == document
    (tmp_path / "second.json").write_text(second, encoding="utf-8")
    third = cli("--db", str(other), "export").out
    assert third == second
    again = cli("--db", str(other), "import", str(export))
    assert again.err == "imported 9 reviews: 0 added, 0 updated, 9 unchanged\n"
    assert cli("--db", str(other), "export").out == second


def test_colliding_ids_are_renumbered_and_comparisons_follow(cli: Runner, tmp_path: Path) -> None:
    assert cli("add", "Amour", "--year", "2012", "--rank", "1").code == 0  # id 1
    assert cli("add", "Vertigo", "--year", "1958").code == 0  # id 2
    export = write_export(
        tmp_path / "e.json",
        [
            review_doc(1, "Holy Motors", slug="holy-motors-2012", year=2012, rank=1),
            review_doc(2, "La Haine", slug="la-haine-1995", year=1995, rank=2),
            review_doc(9, "Aftersun", slug="aftersun-2022", year=2022),
        ],
        [{"winner": 2, "loser": 1, "tie": False, "at": "2024-06-01T10:00:00.000000Z"}],
    )
    result = cli("import", str(export))
    assert result.code == 0, result.err
    library = json.loads(cli("export").out)
    ids = {review["slug"]: review["id"] for review in library["reviews"]}
    assert ids == {
        "amour-2012": 1,
        "vertigo-1958": 2,
        "holy-motors-2012": 3,
        "la-haine-1995": 4,
        "aftersun-2022": 9,
    }
    assert library["comparisons"] == [
        {"winner": 4, "loser": 3, "tie": False, "at": "2024-06-01T10:00:00.000000Z"}
    ]
    assert ranks(cli) == {
        "amour-2012": 3,
        "vertigo-1958": None,
        "holy-motors-2012": 1,
        "la-haine-1995": 2,
        "aftersun-2022": None,
    }
    dry = cli("import", str(export), "--dry-run")
    assert dry.out == ""  # everything is unchanged now
    assert "0 added, 0 updated, 3 unchanged" in dry.err


def test_an_imported_rank_inserts_and_shifts(cli: Runner, tmp_path: Path) -> None:
    for title in ("Amour", "Vertigo"):
        assert cli("add", title, "--rank", "1").code == 0
    folder = tmp_path / "md"
    folder.mkdir()
    (folder / "la-haine.md").write_text("---\ntitle: La Haine\nrank: 2\n---\n\nx\n", "utf-8")
    (folder / "aftersun.md").write_text("---\ntitle: Aftersun\nrank: 9\n---\n\n", "utf-8")
    result = cli("import", str(folder))
    assert result.code == 0, result.err
    assert ranks(cli) == {"vertigo": 1, "la-haine": 2, "amour": 3, "aftersun": 4}
    again = cli("import", str(folder))
    assert "0 added, 0 updated, 2 unchanged" in again.err


# --- updating: newer imports, edits in filmrev ------------------------------------------------


def test_newer_file_updates_unedited_review_but_not_one_edited_in_filmrev(
    cli: Runner, tmp_path: Path, isolated_library: Path
) -> None:
    folder = tmp_path / "md"
    folder.mkdir()
    amour = folder / "amour.md"
    vertigo = folder / "vertigo.md"
    amour.write_text("---\ntitle: Amour\nyear: 2012\nrating: 4.5\n---\n\nv1\n", "utf-8")
    vertigo.write_text("---\ntitle: Vertigo\nyear: 1958\nrating: 4\n---\n\nv1\n", "utf-8")
    assert cli("import", str(folder)).code == 0
    assert cli("edit", "vertigo-1958", "--tagline", "Mine now").code == 0

    amour.write_text("---\ntitle: Amour\nyear: 2012\nrating: 5\n---\n\nv2\n", "utf-8")
    vertigo.write_text("---\ntitle: Vertigo\nyear: 1958\nrating: 5\n---\n\nv2\n", "utf-8")
    dry = cli("import", str(folder), "--dry-run")
    assert dry.out.splitlines() == [
        "update  amour-2012  Amour (2012): rating, body",
        "skip    vertigo-1958  Vertigo (1958): edited in filmrev since its last import; "
        "--overwrite would set rating, body",
    ]
    result = cli("import", str(folder))
    assert result.code == 0, result.err
    assert result.err.splitlines() == [
        "skipped vertigo-1958  Vertigo (1958): edited in filmrev since its last import; "
        "--overwrite would set rating, body",
        "imported 2 reviews: 0 added, 1 updated, 0 unchanged, "
        "1 skipped (edited in filmrev; --overwrite replaces them)",
    ]
    reviews = {r["slug"]: r for r in json.loads(cli("export").out)["reviews"]}
    assert (reviews["amour-2012"]["rating"], reviews["amour-2012"]["body"]) == (5.0, "v2\n")
    assert (reviews["vertigo-1958"]["rating"], reviews["vertigo-1958"]["body"]) == (4.0, "v1\n")
    assert reviews["vertigo-1958"]["tagline"] == "Mine now"

    forced = cli("import", str(folder), "--overwrite")
    assert forced.code == 0
    assert "1 updated, 1 unchanged" in forced.err
    reviews = {r["slug"]: r for r in json.loads(cli("export").out)["reviews"]}
    assert reviews["vertigo-1958"]["rating"] == 5.0
    assert reviews["vertigo-1958"]["tagline"] == "Mine now"  # not in the file: kept


def test_reviews_written_in_filmrev_are_not_overwritten(cli: Runner, tmp_path: Path) -> None:
    assert cli("add", "Amour", "--year", "2012", "--rating", "3").code == 0
    file = tmp_path / "amour.md"
    file.write_text("---\ntitle: amour\nyear: 2012\nrating: 5\n---\n\n", "utf-8")
    result = cli("import", str(file))
    assert result.code == 0
    assert "0 added, 0 updated, 0 unchanged, 1 skipped" in result.err
    assert json.loads(cli("export").out)["reviews"][0]["rating"] == 3.0


def test_a_backup_is_made_before_importing_into_an_existing_library(
    cli: Runner, isolated_library: Path
) -> None:
    assert cli("add", "Amour").code == 0
    before = isolated_library.read_bytes()
    assert cli("import", str(DATA)).code == 0
    backups = list((isolated_library.parent / "library.json.d" / "backups").glob("*import*"))
    assert len(backups) == 1
    assert backups[0].read_bytes() == before


# --- bad input: all or nothing -----------------------------------------------------------------


def test_markdown_errors_name_file_and_line_and_change_nothing(
    cli: Runner, tmp_path: Path, isolated_library: Path
) -> None:
    assert cli("add", "Amour").code == 0
    before = isolated_library.read_bytes()
    folder = tmp_path / "md"
    folder.mkdir()
    (folder / "a-good.md").write_text("---\ntitle: Fine\n---\n\n", "utf-8")
    (folder / "b-rating.md").write_text("---\ntitle: X\nyear: 2001\nrating: 7\n---\n\n", "utf-8")
    (folder / "c-yaml.md").write_text("---\ntitle: [unclosed\n---\n\n", "utf-8")
    (folder / "d-none.md").write_text("just text\n", "utf-8")
    (folder / "e-field.md").write_text("---\ntitle: Y\nratin: 3\n---\n\n", "utf-8")
    result = cli("import", str(folder))
    assert result.code == 1
    assert result.out == ""
    assert result.err.splitlines() == [
        f"{folder}/b-rating.md:4: rating must be 0.5 to 5 in steps of 0.5 (got 7)",
        f"{folder}/c-yaml.md:2: front matter is not valid YAML (line 2): "
        "expected ',' or ']', but got '<stream end>'",
        f"{folder}/d-none.md:1: no front matter: a review file starts with a '---' line; "
        f"to make a review of plain text, use `filmrev add TITLE --body-file {folder}/d-none.md`",
        f"{folder}/e-field.md:3: unknown field 'ratin' "
        "(--ignore-unknown imports the known ones); fields are: "
        + ", ".join(
            [
                "id",
                "slug",
                "title",
                "original_title",
                "year",
                "rating",
                "rank",
                "tags",
                "categories",
                "director",
                "cast",
                "crew",
                "tagline",
                "body",
                "watched",
                "links",
                "viewings",
                "sources",
                "status",
                "published",
                "url",
                "images",
                "comments",
                "created",
                "updated",
            ]
        ),
        f"filmrev: error: 4 problems in {folder}; nothing was imported",
    ]
    assert isolated_library.read_bytes() == before


def test_json_errors_point_at_the_review(
    cli: Runner, tmp_path: Path, isolated_library: Path
) -> None:
    export = write_export(
        tmp_path / "e.json",
        [review_doc(1, "Amour"), review_doc(2, "Vertigo", year="19x8")],
        [{"winner": 1, "loser": 5, "tie": False, "at": "x"}],
    )
    lines = export.read_text(encoding="utf-8").splitlines()
    second = next(n for n, line in enumerate(lines, 1) if '"id": 2' in line) - 1
    comparison = next(n for n, line in enumerate(lines, 1) if '"winner": 1' in line) - 1
    result = cli("import", str(export))
    assert result.code == 1
    assert result.err.splitlines() == [
        f"{export}:{second}: review 2: year must be a whole number from 1870 to "
        f"{__import__('filmrev.model').model.max_year()} (got '19x8')",
        f"{export}:{comparison}: comparison loser 5 is not a review in this file",
        f"filmrev: error: 2 problems in {export}; nothing was imported",
    ]
    assert not isolated_library.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"reviews": []}', 'not a filmrev export (no "format": "filmrev")'),
        ('{"format": "filmrev", "version": 1, "schema": 99, "reviews": []}', "schema 99, newer"),
        ("{not json", "not valid JSON"),
    ],
)
def test_json_that_is_not_an_export(
    cli: Runner, tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "x.json"
    path.write_text(content, encoding="utf-8")
    result = cli("import", str(path))
    assert result.code == 1
    assert message in result.err


def test_unknown_input_names_the_accepted_formats(cli: Runner, tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    result = cli("import", str(path))
    assert result.code == 1
    assert result.err == (
        f"filmrev: error: cannot tell the format of {path}; filmrev imports a filmrev JSON "
        "export, Markdown review files (.md), a Letterboxd export (the zip, its folder or one "
        "of its CSVs), an IMDb ratings CSV or a WordPress export (.xml or WordPress.com zip) "
        "(or say --format)\n"
    )
    missing = cli("import", str(tmp_path / "nope.json"))
    assert missing.code == 1
    assert "no such file or directory" in missing.err


def test_the_same_review_twice_in_one_import_is_an_error(cli: Runner, tmp_path: Path) -> None:
    folder = tmp_path / "md"
    folder.mkdir()
    text = "---\nid: 4\ntitle: Amour\ncreated: '2024-01-01T00:00:00.000000Z'\n---\n\n"
    (folder / "a.md").write_text(text, "utf-8")
    (folder / "copy-of-a.md").write_text(text, "utf-8")
    result = cli("import", str(folder))
    assert result.code == 1
    assert f"{folder}/copy-of-a.md:1: the same review (id 4) as {folder}/a.md:1" in result.err


def test_ranked_list_is_for_letterboxd_only(cli: Runner) -> None:
    result = cli("import", str(DATA), "--ranked-list", "Top")
    assert result.code == 1
    assert "--ranked-list applies to Letterboxd imports, not to markdown" in result.err
