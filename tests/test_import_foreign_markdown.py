"""Markdown written by other tools (Jekyll ``_posts``, Hugo ``content``): mapped, not refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from filmrev.model import FIELD_ORDER
from tests.conftest import Runner

EXTERNAL = Path(__file__).resolve().parent.parent.parent / "shared" / "external-data" / "markdown"
needs_external = pytest.mark.skipif(
    not EXTERNAL.is_dir(), reason=f"the real blog files are not at {EXTERNAL}"
)


def docs(cli: Runner) -> list[dict[str, object]]:
    result = cli("list", "-f", "json", "--sort", "title")
    assert result.code == 0, result.err
    return list(json.loads(result.out))


def write(folder: Path, name: str, text: str) -> None:
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


def test_every_unknown_key_of_a_file_is_named_at_once(
    cli: Runner, tmp_path: Path, isolated_library: Path
) -> None:
    write(
        tmp_path / "p", "a.md", "---\ntitle: A\nposter: x.jpg\ngenres: [Drama]\nmpaa: R\n---\n\nT\n"
    )
    result = cli("import", str(tmp_path / "p"))
    assert result.code == 1
    assert result.err.splitlines()[0] == (
        f"{tmp_path / 'p' / 'a.md'}:3: unknown fields 'genres', 'mpaa', 'poster' "
        f"(--ignore-unknown imports the known ones); fields are: {', '.join(FIELD_ORDER)}"
    )
    assert not isolated_library.exists()


def test_ignore_unknown_imports_known_fields_and_says_what_it_dropped(
    cli: Runner, tmp_path: Path
) -> None:
    write(tmp_path / "p", "a.md", "---\ntitle: A\nposter: x.jpg\nrating: 4\n---\n\nText\n")
    write(tmp_path / "p", "b.md", "---\ntitle: B\nposter: y.jpg\n---\n\nMore\n")
    result = cli("import", "--ignore-unknown", str(tmp_path / "p"))
    assert result.code == 0, result.err
    assert "ignored unknown fields (files): poster (2)" in result.err
    assert [(d["title"], d["rating"], d["body"]) for d in docs(cli)] == [
        ("A", 4.0, "Text\n"),
        ("B", None, "More\n"),
    ]
    assert cli("import", "--ignore-unknown", str(tmp_path / "x.json")).code == 1


def test_common_keys_of_other_tools_are_mapped(cli: Runner, tmp_path: Path) -> None:
    folder = tmp_path / "p"
    write(
        folder,
        "hugo.md",
        "---\ntitle: 'Mission: Impossible - Fallout'\n"
        "date: 2023-02-26 12:05:44+09:00\ndraft: false\nyear: 2018\n"
        "imdb_link: https://www.imdb.com/title/tt4912910\n---\n\nFast.\n",
    )
    write(
        folder,
        "jekyll.md",
        "---\ntitle: Heat (1995)\ndate: 2024-05-01\nimdb_id: tt0113277\n---\n\nLong.\n",
    )
    write(folder, "draft.md", "---\ntitle: Later\ndate: 2024-06-01\ndraft: true\n---\n\nx\n")
    write(folder, "off.md", "---\ntitle: Gone\npublished: false\nfilm_year: 2020\n---\n\nx\n")
    result = cli("import", str(folder))
    assert result.code == 0, result.err
    got = {d["title"]: d for d in docs(cli)}
    fallout = got["Mission: Impossible - Fallout"]
    assert (fallout["published"], fallout["status"], fallout["year"]) == (
        "2023-02-26", "published", 2018
    )  # fmt: skip
    assert fallout["sources"] == {
        "letterboxd": None,
        "imdb": "tt4912910",
        "tmdb": None,
        "wordpress": None,
    }
    heat = got["Heat"]
    assert (heat["year"], heat["published"], heat["status"]) == (1995, "2024-05-01", "published")
    assert heat["sources"]["imdb"] == "tt0113277"  # type: ignore[index]
    assert (got["Later"]["status"], got["Later"]["published"]) == ("draft", "2024-06-01")
    assert (got["Gone"]["status"], got["Gone"]["year"]) == ("draft", 2020)


def test_categories_are_unknown_without_the_field(cli: Runner, tmp_path: Path) -> None:
    write(tmp_path / "p", "a.md", "---\ntitle: A\ncategories: [movies]\n---\n\nx\n")
    result = cli("import", str(tmp_path / "p"))
    if "categories" in FIELD_ORDER:  # the WordPress work adds the field
        assert result.code == 0, result.err
    else:
        assert result.code == 1 and "unknown field 'categories'" in result.err


@needs_external
@pytest.mark.parametrize(
    ("folder", "count"), [("hugo-caalden/content/reviews", 21), ("jekyll-nolanmcd/_posts", 9)]
)
def test_real_blogs_import_with_ignore_unknown(cli: Runner, folder: str, count: int) -> None:
    refused = cli("import", str(EXTERNAL / folder))
    assert refused.code == 1 and "unknown fields" in refused.err
    result = cli("import", "--ignore-unknown", str(EXTERNAL / folder))
    assert result.code == 0, result.err
    assert f"imported {count} reviews: {count} added" in result.err
    imported = docs(cli)
    assert all(d["published"] for d in imported)
    if folder.startswith("hugo"):
        assert sum(d["status"] == "draft" for d in imported) == 2  # the two `draft: true`
        assert all(str(d["sources"]["imdb"]).startswith("tt") for d in imported)  # type: ignore[index]
