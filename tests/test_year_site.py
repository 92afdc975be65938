"""``export --profile jekyll|hugo --year-posts``: a year-in-review post per year, built for real.

The build tests need the ``jekyll`` / ``hugo`` binaries (Debian packages) and are skipped
with that reason where they are absent.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import pytest

from filmrev import frontmatter
from filmrev.paths import resolve_library
from filmrev.transaction import writing
from tests.conftest import Runner
from tests.sitecheck import (
    anchor_texts,
    checked_build,
    needs_hugo,
    needs_jekyll,
)

TRICKY = '"Quoted" -- Don\'t Stop... <<Now>> & {{ x }} {% raw %} *a*'
JEKYLL_2024 = "_posts/year/2024-12-31-my-2024-in-film.md"
HUGO_2024 = "content/year/my-2024-in-film.md"


def _viewing(date: str, **fields: Any) -> dict[str, Any]:
    return {"date": date, "rating": None, "rewatch": False, **fields}


def _library(library: Path) -> None:
    """Published and draft reviews seen in 2023 and 2024; one review named like a year post."""
    published = {"status": "published", "body": "Seen.\n"}
    films: list[dict[str, Any]] = [
        {"title": TRICKY, "year": 2001, "rating": 5.0, "tagline": "Hook {{ y }} & <b>",
         "published": "2024-02-01", "viewings": [_viewing("2024-01-31", medium="cinema")],
         **published},
        {"title": "Drafted", "year": 2002, "rating": 4.5, "body": "draft\n",
         "viewings": [_viewing("2024-03-01")]},
        {"title": "Elsewhere", "year": 2003, "rating": 4.0, "url": "https://old.example/p/3",
         "body": "draft with a url\n", "viewings": [_viewing("2024-04-01")]},
        {"title": "My 2024 in Film", "year": 2024, "rating": 3.0, "published": "2024-12-31",
         "viewings": [_viewing("2024-12-31", rewatch=True)], **published},
        {"title": "Last Year", "year": 1999, "rating": 3.5, "published": "2023-06-01",
         "watched": "2023-05-30", **published},
    ]  # fmt: skip
    with writing(resolve_library(library)) as lib:
        for rank, fields in enumerate(films, 1):
            lib.add(fields, rank=rank)
        lib.replace_table_docs(
            "lists",
            {
                1: {
                    "name": "Best <of> 2024",
                    "slug": "best-of-2024",
                    "description": None,
                    "ranked": True,
                    "created": "2024-01-02T00:00:00.000000Z",
                    "updated": "2024-12-30T00:00:00.000000Z",
                    "sources": {"letterboxd": None},
                    "entries": [{"review_id": 1, "title": TRICKY, "year": 2001, "note": None}],
                }
            },
        )


def _export(cli: Runner, site: Path, profile: str, *extra: str) -> None:
    result = cli("export", "-f", "markdown", "-o", str(site), "--profile", profile, *extra)
    assert result.code == 0, result.err


def test_jekyll_year_posts_link_the_pages_that_are_built(
    cli: Runner, isolated_library: Path, tmp_path: Path
) -> None:
    _library(isolated_library)
    site = tmp_path / "site"
    _export(cli, site, "jekyll", "--year-posts")
    posts = sorted(str(path.relative_to(site)) for path in (site / "_posts" / "year").iterdir())
    assert posts == ["_posts/year/2023-05-30-my-2023-in-film.md", JEKYLL_2024]
    assert (site / "_posts" / "2024-12-31-my-2024-in-film-2024.md").is_file()  # the review
    fields, body = frontmatter.split((site / JEKYLL_2024).read_text(encoding="utf-8"))
    assert fields == {
        "layout": "post",
        "title": "My 2024 in film",
        "date": "2024-12-31",  # the last viewing of the year
        "categories": ["year-in-review"],
        "filmrev_year": 2024,
    }
    lines = body.splitlines()
    top = [line for line in lines if line[:3] in ("1. ", "2. ", "3. ", "4. ")]
    assert top[0].startswith("1. [&quot;Quoted&quot; &#45;&#45; Don&#39;t")
    assert "({% post_url 2024-02-01-quoted-don-t-stop-now-x-raw-a-2001 %})" in top[0]
    assert top[1] == "2. Drafted (2002) — ★★★★½ 4.5"  # a draft: no page, no link
    assert top[2] == "3. [Elsewhere (2003)](https://old.example/p/3) — ★★★★ 4.0"
    assert "{% post_url 2024-12-31-my-2024-in-film-2024 %}" in top[3]
    assert "{{ y }}" not in body and "<b>" not in body and "{% raw %}" not in body
    assert body.endswith("## Lists updated in 2024\n\n- **Best &lt;of&gt; 2024** (1 film)\n")
    # The export reads no body it need not write: the word counts come from the library.
    words = [line for line in lines if line.startswith("- **Words written about them:**")]
    post = cli("year", "2024", "--format", "markdown").out.splitlines()
    assert words and words == [line for line in post if line.startswith(words[0][:30])]
    assert words[0] != "- **Words written about them:** 0"


def test_year_posts_need_a_site_profile(cli: Runner, tmp_path: Path) -> None:
    plain = cli("export", "-f", "markdown", "-o", str(tmp_path / "s"), "--year-posts")
    assert plain.code == 2 and "--year-posts needs --profile jekyll or hugo" in plain.err
    json_export = cli("export", "-f", "json", "--year-posts")
    assert json_export.code == 2 and "--year-posts" in json_export.err
    assert not (tmp_path / "s").exists()


def test_re_export_removes_the_post_of_a_year_gone_and_keeps_foreign_files(
    cli: Runner, isolated_library: Path, tmp_path: Path
) -> None:
    _library(isolated_library)
    site = tmp_path / "site"
    _export(cli, site, "hugo", "--year-posts")
    assert (site / "content" / "year" / "my-2023-in-film.md").is_file()
    foreign = site / "content" / "year" / "my-1990-in-film.md"
    foreign.write_text("---\ntitle: mine\n---\n\nMy own post.\n", encoding="utf-8")
    assert cli("delete", "last-year-1999", "--yes").code == 0
    result = cli("export", "-f", "markdown", "-o", str(site), "--profile", "hugo", "--year-posts")
    assert result.code == 0, result.err
    assert "2 removed" in result.err  # the review's file and the 2023 post
    assert not (site / "content" / "year" / "my-2023-in-film.md").exists()
    assert foreign.read_text(encoding="utf-8").endswith("My own post.\n")  # never filmrev's
    assert (site / HUGO_2024).is_file()
    again = cli("export", "-f", "markdown", "-o", str(site), "--profile", "hugo", "--year-posts")
    assert "0 files written" in again.err and "0 removed" in again.err


@needs_jekyll
def test_jekyll_builds_the_year_posts_with_working_links(
    cli: Runner, isolated_library: Path, tmp_path: Path
) -> None:
    _library(isolated_library)
    site = tmp_path / "site"
    _export(cli, site, "jekyll", "--year-posts", "--with-layouts")
    built = checked_build("jekyll", site)
    page = built / "year-in-review" / "2024" / "12" / "31" / "my-2024-in-film" / "index.html"
    anchors = anchor_texts(page)
    assert TRICKY + " (2001)" in anchors and "My 2024 in Film (2024)" in anchors
    text = html.unescape(page.read_text(encoding="utf-8"))
    assert "Hook {{ y }} & <b>" in text  # the hook line shows as typed
    assert "<td>Mar</td>" in text  # the months table is a table


@needs_hugo
def test_hugo_builds_the_year_posts_with_working_links(
    cli: Runner, isolated_library: Path, tmp_path: Path
) -> None:
    _library(isolated_library)
    site = tmp_path / "site"
    _export(cli, site, "hugo", "--year-posts", "--with-layouts")
    built = checked_build("hugo", site)
    page = built / "year" / "my-2024-in-film" / "index.html"
    anchors = anchor_texts(page)
    assert TRICKY + " (2001)" in anchors and "Elsewhere (2003)" in anchors
    text = html.unescape(page.read_text(encoding="utf-8"))
    assert "Hook {{ y }} & <b>" in text and "<td>Mar</td>" in text


@pytest.mark.parametrize("profile", ["jekyll", "hugo"])
def test_no_year_posts_without_the_option(
    cli: Runner, isolated_library: Path, tmp_path: Path, profile: str
) -> None:
    _library(isolated_library)
    site = tmp_path / "site"
    _export(cli, site, profile)
    assert not (site / "_posts" / "year").exists() and not (site / "content" / "year").exists()
