"""Named lists in the static-site export: one page per list, links that the generators resolve."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Runner
from tests.sitecheck import (
    anchor_texts,
    checked_build,
    needs_hugo,
    needs_jekyll,
)

TRICKY_NOTE = "Palme {{ d }} and {{< youtube x >}} {% raw %}"


def ok(cli: Runner, *args: str) -> str:
    result = cli(*args)
    assert result.code == 0, result.err
    return result.err


@pytest.fixture
def listed(cli: Runner) -> None:
    ok(cli, "add", "Holy Motors", "--year", "2012", "--rating", "5", "--rank", "1",
       "--status", "published", "--published", "2013-01-02")  # fmt: skip
    ok(cli, "add", "Amour", "--year", "2012", "--rating", "4.5", "--rank", "2")  # a draft
    ok(cli, "add", "Carol [x]", "--year", "2015", "--status", "published", "--published",
       "2016-01-01")  # fmt: skip
    ok(cli, "lists", "create", "Best of 2012", "--from-rank", "--year", "2012")
    ok(cli, "lists", "create", "Festival", "--description", "Seen at {{ Cannes }}.")
    ok(cli, "lists", "add", "Festival", "carol-x-2015", "--film", "Anora (2024)",
       "--note", TRICKY_NOTE)  # fmt: skip


def test_plain_export_writes_a_page_per_list_and_removes_deleted_ones(
    cli: Runner, listed: None, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    ok(cli, "export", "-f", "markdown", "-o", str(site))
    assert (site / "lists" / "best-of-2012.md").read_text("utf-8") == (
        "---\ntitle: Best of 2012\nfilmrev_list: best-of-2012\n---\n\n"
        "1. [Holy Motors (2012)](../holy-motors-2012.md) — ★★★★★ 5.0\n"
        "2. [Amour (2012)](../amour-2012.md) — ★★★★½ 4.5\n"
    )
    again = ok(cli, "export", "-f", "markdown", "-o", str(site))
    assert "0 files written" in again
    ok(cli, "lists", "delete", "Festival", "--yes")
    after = ok(cli, "export", "-f", "markdown", "-o", str(site))
    assert "1 removed" in after
    assert not (site / "lists" / "festival.md").exists()
    back = cli("--db", str(tmp_path / "back.json"), "import", str(site))
    assert back.code == 0, back.err
    assert "imported 3 reviews: 3 added" in back.err  # the list pages are not reviews


def test_a_foreign_file_where_a_list_page_goes_stops_the_export(
    cli: Runner, listed: None, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    (site / "lists").mkdir(parents=True)
    (site / "lists" / "festival.md").write_text("mine\n", "utf-8")
    result = cli("export", "-f", "markdown", "-o", str(site))
    assert result.code == 1
    assert "lists/festival.md" in result.err and "nothing was written" in result.err
    assert (site / "lists" / "festival.md").read_text("utf-8") == "mine\n"


@needs_jekyll
def test_jekyll_builds_list_pages_linking_to_the_reviews(
    cli: Runner, listed: None, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    ok(cli, "export", "-f", "markdown", "-o", str(site), "--profile", "jekyll", "--with-layouts")
    built = checked_build("jekyll", site)
    best = built / "lists" / "best-of-2012" / "index.html"
    assert "Holy Motors (2012)" in anchor_texts(best)
    assert "Amour (2012)" not in anchor_texts(best)  # a draft: text, no link
    festival = (built / "lists" / "festival" / "index.html").read_text("utf-8")
    assert "Carol [x] (2015)" in anchor_texts(built / "lists" / "festival" / "index.html")
    assert "Seen at {{ Cannes }}." in festival.replace("&#123;", "{").replace("&#125;", "}")
    assert "{% raw %}" in festival.replace("&#123;", "{").replace("&#125;", "}")


@needs_hugo
def test_hugo_builds_list_pages_linking_to_the_reviews(
    cli: Runner, listed: None, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    ok(cli, "export", "-f", "markdown", "-o", str(site), "--profile", "hugo", "--with-layouts")
    built = checked_build("hugo", site)
    best = built / "lists" / "best-of-2012" / "index.html"
    assert "Holy Motors (2012)" in anchor_texts(best)
    festival = built / "lists" / "festival" / "index.html"
    assert "Carol [x] (2015)" in anchor_texts(festival)
    assert "{{&lt; youtube x &gt;}}" in festival.read_text("utf-8")
    assert {"Best of 2012", "Festival"} <= set(anchor_texts(built / "lists" / "index.html"))
