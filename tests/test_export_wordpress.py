"""``export --format wordpress``: WXR 1.2 with Gutenberg blocks, and the round trip back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Runner

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "wordpress"
XML = FIXTURES / "seedblog.wordpress.2026-12-01.xml"
ROUND_TRIP_FIELDS = (
    "title", "year", "slug", "status", "published", "created", "tags", "categories", "images",
    "comments", "body", "links", "tagline", "url", "rating", "rank", "director", "watched",
)  # fmt: skip


def reviews(cli: Runner, *db: str) -> dict[str, dict[str, Any]]:
    exported = cli(*db, "export")
    assert exported.code == 0, exported.err
    return {review["slug"]: review for review in json.loads(exported.out)["reviews"]}


def test_round_trip_of_the_real_blog_keeps_every_field(cli: Runner, tmp_path: Path) -> None:
    assert cli("import", str(XML), "--apply-hints").code == 0
    assert cli("edit", "amour-2012", "--rating", "4.5", "--director", "Michael Haneke").code == 0
    out = tmp_path / "blog.xml"
    result = cli("export", "--format", "wordpress", "--out", str(out))
    assert result.code == 0, result.err
    assert result.err == f"exported 6 reviews to {out}\n"
    other = str(tmp_path / "other.json")
    back = cli("--db", other, "import", str(out))
    assert back.code == 0, back.err
    assert back.err.endswith("imported 6 reviews: 6 added, 0 updated, 0 unchanged\n")
    before, after = reviews(cli), reviews(cli, "--db", other)
    assert sorted(before) == sorted(after)
    for slug, review in before.items():
        for name in ROUND_TRIP_FIELDS:
            assert after[slug][name] == review[name], (slug, name)
    assert after["amour-2012"]["rating"] == 4.5
    assert after["rust-and-bone-2012"]["rank"] == 1


def add(cli: Runner, *args: str) -> None:
    result = cli("add", *args)
    assert result.code == 0, result.err


def test_blocks_meta_comments_and_cdata(cli: Runner, tmp_path: Path) -> None:
    body = tmp_path / "body.md"
    body.write_text(
        "Opening *line* with ]]> inside.\n\n<!--more-->\n\n## A heading\n\n### Smaller\n\n"
        "- one\n- two\n\n1. first\n2. second\n\n> quoted\n\n"
        "![A still](https://blog.example/still.jpg)\n\n<https://vimeo.com/12345>\n",
        "utf-8",
    )
    add(
        cli, "Rust and Bone", "--year", "2012", "--rating", "4.5", "--tag", "Gritty, Grittness",
        "--director", "Jacques Audiard", "--body-file", str(body),
        "--link", "https://vimeo.com/12345", "--tagline", "Bones ]]> and rust",
    )  # fmt: skip
    result = cli(
        "export", "--format", "wordpress", "--site-url", "https://blog.example",
        "--author", "Jordan Avery",
    )  # fmt: skip
    assert result.code == 0, result.err
    text = result.out
    assert "<wp:wxr_version>1.2</wp:wxr_version>" in text
    assert "<wp:base_site_url>https://blog.example</wp:base_site_url>" in text
    assert "<wp:author_display_name><![CDATA[Jordan Avery]]></wp:author_display_name>" in text
    assert "<title><![CDATA[Rust and Bone (2012)]]></title>" in text
    assert "<wp:post_name><![CDATA[rust-and-bone-2012]]></wp:post_name>" in text
    assert "<wp:status><![CDATA[draft]]></wp:status>" in text
    assert "Opening <em>line</em> with ]]&gt; inside." in text
    assert "<excerpt:encoded><![CDATA[Bones ]]]]><![CDATA[> and rust]]></excerpt:encoded>" in text
    assert '<category domain="post_tag" nicename="gritty-grittness">' in text
    for block in (
        "<!-- wp:more -->\n<!--more-->\n<!-- /wp:more -->",
        "<!-- wp:heading -->\n<h2>A heading</h2>\n<!-- /wp:heading -->",
        '<!-- wp:heading {"level":3} -->\n<h3>Smaller</h3>',
        "<!-- wp:list -->\n<ul>\n<li>one</li>",
        '<!-- wp:list {"ordered":true} -->\n<ol>',
        '<!-- wp:quote -->\n<blockquote class="wp-block-quote">',
        '<img src="https://blog.example/still.jpg" alt="A still"/></figure>',
        '<!-- wp:embed {"url":"https://vimeo.com/12345","type":"video",'
        '"providerNameSlug":"vimeo","responsive":true} -->',
    ):
        assert block in text, block
    for key, value in (
        ("filmrev_rating", "4.5"),
        ("filmrev_year", "2012"),
        ("filmrev_director", "Jacques Audiard"),
    ):
        assert (
            f"<wp:meta_key><![CDATA[{key}]]></wp:meta_key>\n"
            f"\t\t\t<wp:meta_value><![CDATA[{value}]]></wp:meta_value>"
        ) in text
    out = tmp_path / "blog.xml"
    out.write_text(text, "utf-8")
    other = str(tmp_path / "other.json")
    assert cli("--db", other, "import", str(out)).code == 0
    back = reviews(cli, "--db", other)["rust-and-bone-2012"]
    assert back["tagline"] == "Bones ]]> and rust"
    assert back["body"].startswith("Opening *line* with ]]> inside.\n\n<!--more-->\n\n")
    assert back["rating"] == 4.5 and back["director"] == "Jacques Audiard"
    assert back["links"] == ["https://vimeo.com/12345"]


def test_comments_keep_their_parents_through_wordpress(cli: Runner, tmp_path: Path) -> None:
    assert cli("import", str(XML)).code == 0
    text = cli("export", "--format", "wordpress").out
    assert "<wp:comment_id>3</wp:comment_id>" in text
    reply = text[text.index("<wp:comment_id>3</wp:comment_id>") :]
    assert "<wp:comment_parent>2</wp:comment_parent>" in reply.split("</wp:comment>")[0]
    assert "<wp:comment_date><![CDATA[2016-05-13 08:15:02]]></wp:comment_date>" in reply
    assert "<wp:comment_date_gmt><![CDATA[2016-05-13 15:15:02]]></wp:comment_date_gmt>" in reply
    assert "Priya" not in text  # a pending comment never came in


def test_filters_and_default_site(cli: Runner) -> None:
    assert cli("import", str(XML)).code == 0
    published = cli("export", "--format", "wordpress", "--status", "published")
    assert published.code == 0
    assert published.out.count("<item>") == 3
    assert "<wp:base_site_url>https://seedblog.example</wp:base_site_url>" in published.out
    french = cli("export", "--format", "wordpress", "--tag", "french", "--year", "2012")
    assert [line for line in french.out.splitlines() if "<title>" in line][1:] == [
        "\t\t<title><![CDATA[Amour (2012)]]></title>",
        "\t\t<title><![CDATA[Holy Motors (2012)]]></title>",
    ]


def test_no_url_to_take_the_site_from(cli: Runner, isolated_library: Path) -> None:
    add(cli, "Amour", "--year", "2012")
    before = isolated_library.read_bytes()
    result = cli("export", "--format", "wordpress")
    assert result.code == 1 and result.out == ""
    assert result.err == (
        "filmrev: error: no review has a url to take the blog's address from; give --site-url URL\n"
    )
    assert isolated_library.read_bytes() == before


@pytest.mark.parametrize("option", [["--site-url", "https://x.example"], ["--status", "draft"]])
def test_wordpress_options_need_the_wordpress_format(cli: Runner, option: list[str]) -> None:
    result = cli("export", "--format", "json", *option)
    assert result.code == 2
    assert "apply to --format wordpress" in result.err


@pytest.mark.parametrize("fmt", ["json", "markdown"])
def test_categories_and_comments_survive_filmrev_exports(
    cli: Runner, tmp_path: Path, fmt: str
) -> None:
    assert cli("import", str(XML)).code == 0
    out = tmp_path / ("site" if fmt == "markdown" else "all.json")
    assert cli("export", "--format", fmt, "--out", str(out)).code == 0
    other = str(tmp_path / "other.json")
    back = cli("--db", other, "import", str(out))
    assert back.code == 0, back.err
    before, after = reviews(cli), reviews(cli, "--db", other)
    for slug, review in before.items():
        assert after[slug]["categories"] == review["categories"]
        assert after[slug]["comments"] == review["comments"]
        assert after[slug]["images"] == review["images"]
    assert len(after["rust-and-bone-2012"]["comments"]) == 2


@pytest.mark.parametrize("profile", ["jekyll", "hugo"])
def test_site_profiles_keep_the_review_categories(
    cli: Runner, tmp_path: Path, profile: str
) -> None:
    assert cli("import", str(XML)).code == 0
    site = tmp_path / "site"
    assert cli("export", "--format", "markdown", "--out", str(site), "--profile", profile).code == 0
    text = site / "_posts" if profile == "jekyll" else site / "content" / "reviews"
    files = {path.name: path.read_text("utf-8") for path in text.rglob("*.md")}
    amour = next(body for name, body in files.items() if "amour" in name)
    if profile == "jekyll":
        assert "categories:\n- reviews\n- French Cinema\n- Reviews\n" in amour
    other = str(tmp_path / "other.json")
    assert cli("--db", other, "import", str(site)).code == 0
    back = reviews(cli, "--db", other)
    assert back["amour-2012"]["categories"] == ["French Cinema", "Reviews"]
    assert back["holy-motors-2012"]["categories"] == []


def test_awkward_text_survives_wordpress_export_and_import(cli: Runner, tmp_path: Path) -> None:
    source = tmp_path / "awkward.xml"
    text = XML.read_text("utf-8")
    text = text.replace("<![CDATA[Amour (2012)]]>", "<![CDATA[Amour ]]&gt; &lt;3 (2049) (2012)]]>")
    text = text.replace(
        "<![CDATA[French]]></category>", "<![CDATA[R&amp;D <x> ]]]]><![CDATA[>]]></category>"
    )
    text = text.replace("Riva broke my heart.", "Riva ]]]]><![CDATA[> broke <3 my heart.")
    source.write_text(text, "utf-8")
    assert cli("import", str(source)).code == 0
    before = reviews(cli)["amour-2012"]
    assert before["title"] == "Amour ]]> <3 (2049)" and before["year"] == 2012
    assert "R&D <x> ]]>" in before["tags"]
    assert before["comments"][0]["text"].startswith("Riva ]]> broke <3 my heart.")
    out = tmp_path / "blog.xml"
    assert cli("export", "--format", "wordpress", "--out", str(out)).code == 0
    other = str(tmp_path / "other.json")
    assert cli("--db", other, "import", str(out)).code == 0
    after = reviews(cli, "--db", other)["amour-2012"]
    for name in ROUND_TRIP_FIELDS:
        assert after[name] == before[name], name
