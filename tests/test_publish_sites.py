"""Jekyll and Hugo exports that never break a site, checked against the real generators.

Tests that build need the ``jekyll`` / ``hugo`` binaries (Debian packages); they are
skipped with that reason where these are absent (CI installs neither). The rest
check the exported files themselves.
"""

from __future__ import annotations

import html
import json
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml

from filmrev import frontmatter
from filmrev.exporters.site_text import escape_hugo_shortcodes, exact_link_text, permalink_path
from tests.conftest import Runner
from tests.sitecheck import (
    anchor_texts,
    checked_build,
    needs_hugo,
    needs_jekyll,
)

DATA = Path(__file__).resolve().parent.parent / "data" / "reviews"
TRICKY = '"Quoted" -- Don\'t Stop... <<Now>> & {{ x }} *a*'
FUTURE = (date.today() + timedelta(days=30)).isoformat()


def front(path: Path) -> dict[str, object]:
    fields, _ = frontmatter.split(path.read_text(encoding="utf-8"))
    assert fields is not None
    return fields


def add(cli: Runner, *args: str) -> str:
    result = cli("add", *args)
    assert result.code == 0, result.err
    return result.out.strip()


@pytest.fixture
def tricky(cli: Runner, tmp_path: Path) -> None:
    """Published without a date, a draft, a future post, all ranked; odd titles and bodies."""
    add(
        cli,
        TRICKY,
        "--year",
        "2001",
        "--rating",
        "4",
        "--rank",
        "1",
        "--status",
        "published",
        "--body",
        "Watch {{< youtube abc >}} and {{% note %}}hi{{% /note %}} and {{< oops.\n",
    )
    add(
        cli,
        "Drafted",
        "--year",
        "2002",
        "--rank",
        "2",
        "--body",
        "draft text\n",
        "--watched",
        "2024-01-05",
    )
    add(
        cli,
        "Later",
        "--year",
        "2003",
        "--rank",
        "3",
        "--status",
        "published",
        "--published",
        FUTURE,
        "--body",
        "soon\n",
    )
    add(
        cli,
        "Old Post",
        "--year",
        "1999",
        "--rank",
        "4",
        "--status",
        "published",
        "--published",
        "2015-03-02",
        "--url",
        "https://blog.example/2015/03/old-post/",
        "--body",
        "kept\n",
    )
    add(cli, "Query Post", "--year", "1998", "--status", "published", "--published",
        "2014-01-01", "--url", "https://blog.example/?p=12", "--body", "moved\n")  # fmt: skip
    pictured = tmp_path / "pictured.md"
    pictured.write_text(
        "---\nimages:\n- src: https://img.example/still.jpg\n"
        '  caption: The "last" shot\n---\n\nSeen.\n',
        encoding="utf-8",
    )
    add(cli, "Pictured", "--year", "1997", "--rating", "3.5", "--rank", "5", "--status",
        "published", "--published", "2016-01-01", "--director", "Ann Hui", "--cast", "Ru Ng",
        "--crew", "composer=Joe Hisaishi", "--tagline", "A hook.", "--link",
        "https://www.youtube.com/watch?v=trailer", "--body-file", str(pictured))  # fmt: skip


def export(cli: Runner, out: Path, *extra: str) -> None:
    result = cli("export", "-f", "markdown", "-o", str(out), "--jsonld", *extra)
    assert result.code == 0, result.err


def test_jekyll_never_writes_the_reserved_published_key_and_dates_every_post(
    cli: Runner, tricky: None, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    export(cli, site, "--profile", "jekyll")
    posts = {path.name: front(path) for path in (site / "_posts").iterdir()}
    drafts = {path.name: front(path) for path in (site / "_drafts").iterdir()}
    for fields in [*posts.values(), *drafts.values()]:
        assert "published" not in fields  # Jekyll: published false/null = "do not build"
        assert isinstance(fields["date"], str) and len(fields["date"]) == 10
    undated = next(f for f in posts.values() if f["slug"] == "quoted-don-t-stop-now-x-a-2001")
    assert undated["published_on"] is None and undated["date"] == undated["created"][:10]  # type: ignore[index]
    assert drafts["drafted-2002.md"]["date"] == "2024-01-05"  # watched, when unpublished
    assert posts["2015-03-02-old-post-1999.md"]["published_on"] == "2015-03-02"


def test_ranked_page_links_only_pages_that_will_be_built(
    cli: Runner, tricky: None, tmp_path: Path
) -> None:
    jekyll, hugo = tmp_path / "jekyll", tmp_path / "hugo"
    export(cli, jekyll, "--profile", "jekyll")
    export(cli, hugo, "--profile", "hugo")
    for page in (jekyll / "ranked" / "index.md", hugo / "content" / "ranked" / "index.md"):
        lines = page.read_text(encoding="utf-8").split("---\n", 2)[2].strip().splitlines()
        assert "post_url" in lines[0] or "relref" in lines[0]
        assert lines[1] == "2. Drafted (2002)"  # a draft: no page, no link
        assert lines[2] == "3. Later (2003)"  # dated in the future: not built yet
        assert "post_url" in lines[3] or "relref" in lines[3]


def test_link_text_escapes_typographic_replacement() -> None:
    text = exact_link_text(TRICKY)
    for raw in ('"', "'", "--", "...", "<<", ">>", "{{", "*a*"):
        assert raw not in text
    assert exact_link_text("Spider-Man") == "Spider-Man"  # one dash is never replaced


def test_hugo_shortcodes_in_bodies_become_text() -> None:
    body = "{{< youtube abc >}} {{% note %}}x{{% /note %}} {{</* kept */>}} {{< open"
    assert escape_hugo_shortcodes(body) == (
        "{{</* youtube abc */>}} {{%/* note */%}}x{{%/* /note */%}} {{</* kept */>}} {{&lt; open"
    )


def test_permalink_paths_kept_only_when_jekyll_can_serve_them() -> None:
    assert permalink_path("https://blog.example/2015/03/old-post/") == "/2015/03/old-post/"
    assert permalink_path("https://blog.example/old.html") == "/old.html"
    for bad in ("https://blog.example/?p=12", "https://blog.example/", "ftp://x/a", None):
        assert permalink_path(bad) is None


def test_permalinks_keep_uses_old_urls_and_lists_redirects(
    cli: Runner, tricky: None, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    export(cli, site, "--profile", "jekyll", "--permalinks", "keep")
    old = front(site / "_posts" / "2015-03-02-old-post-1999.md")
    assert old["permalink"] == "/2015/03/old-post/" and "redirect_from" not in old
    moved = front(site / "_posts" / "2014-01-01-query-post-1998.md")
    assert moved["permalink"] == "/reviews/query-post-1998/"
    assert (site / "_redirects").read_text(encoding="utf-8").splitlines()[1:] == [
        "https://blog.example/?p=12 /reviews/query-post-1998/ 301"
    ]
    hugo = cli("export", "-f", "markdown", "-o", str(tmp_path / "h"), "--profile", "hugo",
               "--permalinks", "keep")  # fmt: skip
    assert hugo.code == 1 and "jekyll" in hugo.err


def test_with_layouts_writes_starters_once_and_never_overwrites(
    cli: Runner, tricky: None, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    first = cli("export", "-f", "markdown", "-o", str(site), "--profile", "jekyll",
                "--with-layouts")  # fmt: skip
    assert first.code == 0, first.err
    assert "starter layouts: 5 files written" in first.err
    (site / "_layouts" / "post.html").write_text("mine\n", encoding="utf-8")
    again = cli("export", "-f", "markdown", "-o", str(site), "--profile", "jekyll",
                "--with-layouts")  # fmt: skip
    assert again.code == 0, again.err
    assert "0 files written; 5 already there, kept" in again.err
    assert (site / "_layouts" / "post.html").read_text(encoding="utf-8") == "mine\n"
    without = cli("export", "-f", "markdown", "-o", str(site), "--profile", "jekyll")
    assert without.code == 0 and (site / "_config.yml").exists()  # not in the manifest
    manifest = json.loads((site / ".filmrev-manifest.json").read_text(encoding="utf-8"))
    assert "_config.yml" not in manifest["files"]
    plain = cli("export", "-f", "markdown", "-o", str(tmp_path / "p"), "--with-layouts")
    assert plain.code == 2


def test_jsonld_has_author_dates_and_hook_line(cli: Runner, tmp_path: Path) -> None:
    assert cli("config", "set", "author", "Ana Díaz").code == 0
    add(cli, "Amour", "--year", "2012", "--rating", "5", "--tagline", "Love, to the end.",
        "--watched", "2024-02-01", "--body", "x\n")  # fmt: skip
    export(cli, tmp_path / "a", "--profile", "jekyll")
    data = json.loads(str(front(tmp_path / "a" / "_drafts" / "amour-2012.md")["jsonld"]))
    assert data["author"] == {"@type": "Person", "name": "Ana Díaz"}
    assert data["datePublished"] == data["dateCreated"] == "2024-02-01"  # watched, no published
    assert data["description"] == "Love, to the end."
    assert cli("publish", "amour-2012", "--date", "2024-03-01").code == 0
    export(cli, tmp_path / "b", "--profile", "hugo")
    fields = front(tmp_path / "b" / "content" / "reviews" / "amour-2012.md")
    data = json.loads(str(fields["params"]["jsonld"]))  # type: ignore[index]
    assert data["datePublished"] == "2024-03-01"


def test_jekyll_profile_reads_back_with_its_published_date(
    cli: Runner, tricky: None, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    export(cli, site, "--profile", "jekyll", "--permalinks", "keep")
    before = {doc["slug"]: doc for doc in json.loads(cli("list", "-f", "json").out)}
    fresh = {"FILMREV_DB": str(tmp_path / "other.json")}
    assert cli("import", str(site), env=fresh).code == 0
    after = {doc["slug"]: doc for doc in json.loads(cli("list", "-f", "json", env=fresh).out)}
    assert {s: d["published"] for s, d in after.items()} == {
        s: d["published"] for s, d in before.items()
    }


def _check_pictured(page: Path) -> None:
    """The starter layout shows stars, rank, hook, credits, image + caption, trailer, JSON-LD."""
    text = html.unescape(page.read_text(encoding="utf-8"))
    expected = [
        "★★★½ 3.5",
        "All-time rank: #5",
        "<em>A hook.</em>",
        "Ann Hui",
        "Ru Ng",
        "Joe Hisaishi",
        '<img src="https://img.example/still.jpg"',
        '<figcaption>The "last" shot</figcaption>',
        'href="https://www.youtube.com/watch?v=trailer">Trailer',
        '<script type="application/ld+json">{"@context":',
    ]
    for shown in expected:
        assert shown in text, shown


@needs_jekyll
def test_jekyll_builds_the_tricky_library_with_exact_titles(
    cli: Runner, tricky: None, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    export(cli, site, "--profile", "jekyll", "--with-layouts", "--permalinks", "keep")
    built = checked_build("jekyll", site)
    assert TRICKY + " (2001)" in anchor_texts(built / "ranked" / "index.html")
    assert (built / "2015" / "03" / "old-post" / "index.html").is_file()
    _check_pictured(built / "reviews" / "pictured-1997" / "index.html")
    assert not (built / "reviews" / "drafted-2002").exists()
    with_drafts = checked_build("jekyll", site, "--drafts")
    assert (with_drafts / "reviews" / "drafted-2002" / "index.html").is_file()


@needs_hugo
def test_hugo_builds_the_tricky_library_with_shortcodes_as_text(
    cli: Runner, tricky: None, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    export(cli, site, "--profile", "hugo", "--with-layouts")
    built = checked_build("hugo", site)
    assert TRICKY + " (2001)" in anchor_texts(built / "ranked" / "index.html")
    page = (built / "reviews" / "quoted-don-t-stop-now-x-a-2001" / "index.html").read_text("utf-8")
    assert "{{&lt; youtube abc &gt;}}" in page and "{{% note %}}" in page
    _check_pictured(built / "reviews" / "pictured-1997" / "index.html")


@needs_jekyll
@needs_hugo
def test_sample_library_builds_with_jekyll_and_hugo(cli: Runner, tmp_path: Path) -> None:
    assert cli("import", str(DATA)).code == 0
    for tool in ("jekyll", "hugo"):
        site = tmp_path / tool
        export(cli, site, "--profile", tool, "--with-layouts")
        built = checked_build(tool, site)
        ranked = anchor_texts(built / "ranked" / "index.html")
        assert "Paris, Texas (1984)" in ranked
        assert yaml  # PyYAML is what the exports are read with above
