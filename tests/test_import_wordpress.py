"""Importing WordPress exports: the real fixtures (checked against expected.json) and our own.

``tests/fixtures/wordpress`` holds files written by WordPress 6.1.9's own exporter and,
in ``expected.json``, what WordPress itself says each item holds. The smaller XML
documents below are our own: classic and block posts, shortcodes, nested comments,
statuses, entities and hostile input.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Runner

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "wordpress"
XML = FIXTURES / "seedblog.wordpress.2026-12-01.xml"
ZIP = FIXTURES / "seedblog.wordpress.com-2026-12-01-00_00_00.zip"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text("utf-8"))


def library(cli: Runner) -> dict[str, dict[str, Any]]:
    exported = cli("export")
    assert exported.code == 0, exported.err
    return {review["slug"]: review for review in json.loads(exported.out)["reviews"]}


def created_of(item: dict[str, Any]) -> str:
    moment = str(item["date_gmt"] or item["date"])
    return moment.replace(" ", "T") + ".000000Z"


def local_date(date: str, date_gmt: str | None) -> str:
    """What the importer stores as a comment date: local time with its UTC offset."""
    from datetime import datetime

    local = datetime.fromisoformat(date)
    if not date_gmt:
        return local.isoformat()
    minutes = round((local - datetime.fromisoformat(date_gmt)).total_seconds() / 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{local.isoformat()}{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def expected_review(item: dict[str, Any]) -> dict[str, Any]:
    """The filmrev fields expected.json implies for one review post."""
    images = [
        {"src": image["full_url"], "caption": image["caption"] or None, "featured": False}
        for image in item["images"]
    ]
    featured = item["featured_image"]
    if featured is not None:
        ids = [image["attachment_id"] for image in item["images"]]
        if featured["attachment_id"] in ids:
            images[ids.index(featured["attachment_id"])]["featured"] = True
        else:
            images.insert(
                0,
                {"src": featured["url"], "caption": featured["caption"] or None, "featured": True},
            )
    approved = [
        c
        for c in item["comments"]
        if c["in_wxr"] and c["approved"] == "1" and c["type"] == "comment"
    ]
    comments = [
        {
            "id": c["wp_comment_id"],
            "parent": c["parent"]["wp_comment_id"] if c["parent"] else None,
            "author": c["author"],
            "author_url": c["author_url"] or None,
            "date": local_date(c["date"], c["date_gmt"]),
            "text": c["content"],
        }
        for c in sorted(approved, key=lambda c: (c["date_gmt"], c["wp_comment_id"]))
    ]
    published = item["status"] == "publish"
    return {
        "title": item["title"],
        "year": item["year"],
        "slug": item["slug"],
        "status": "published" if published else "draft",
        "published": item["date"][:10] if published else None,
        "created": created_of(item),
        "url": item["canonical_link"],
        "tags": item["tags"],
        "categories": [name for name in item["categories"] if name != "Uncategorized"],
        "tagline": item["excerpt"] or None,
        "images": images,
        "links": [item["trailer"]["url"]] if item["trailer"] else [],
        "comments": comments,
        "sources": {
            "letterboxd": None,
            "imdb": None,
            "tmdb": None,
            "wordpress": item["wxr"]["guid"],
        },
        "rating": None,
        "rank": None,
    }


REVIEW_ITEMS = [item for item in EXPECTED["items"] if item["review"]]


@pytest.mark.parametrize("path", [XML, ZIP], ids=["wxr", "wordpress.com-zip"])
def test_real_exports_import_every_field_as_expected(cli: Runner, path: Path) -> None:
    result = cli("import", str(path))
    assert result.code == 0, result.err
    assert result.err.endswith("imported 6 reviews: 6 added, 0 updated, 0 unchanged\n")
    films = library(cli)
    assert sorted(films) == sorted(item["slug"] for item in REVIEW_ITEMS)
    for item in REVIEW_ITEMS:
        review = films[item["slug"]]
        expected = expected_review(item)
        assert {name: review[name] for name in expected} == expected, item["slug"]


def test_bodies_are_markdown_a_person_would_write(cli: Runner) -> None:
    assert cli("import", str(XML)).code == 0
    films = library(cli)
    rust = films["rust-and-bone-2012"]["body"]
    assert rust.startswith(
        "What do a paraplegic whale trainer and a bare-knuckle boxer have in common?\n\n"
        "<!--more-->\n\nTo answer that question"
    )
    assert "[Marion Cotillard](https://en.wikipedia.org/wiki/Marion_Cotillard)" in rust
    assert "*Zero Dark Thirty*" in rust
    assert (
        "\n\n![#3 Rust and bone crying]"
        "(https://seedblog.example/wp-content/uploads/2016/05/rust-and-bone-crying.jpg)\n\n" in rust
    )
    assert rust.endswith("\n\n<https://www.youtube.com/watch?v=RustBone012>\n")
    assert "[caption" not in rust and "<img" not in rust and "<p>" not in rust
    amour = films["amour-2012"]["body"]
    assert "<!-- wp:" not in amour and "<!--more-->" in amour
    assert "\n\n## Two performances, one apartment\n\n" in amour
    assert "\n\n### Why you should see it anyway\n\n" in amour
    assert "- Riva’s performance, nominated for the Oscar at 85\n- Darius" in amour
    assert "> Love is not the grand gesture." in amour
    assert amour.endswith("Watch the trailer:\n\n<https://www.youtube.com/watch?v=AmourHaneke>\n")
    thelma = films["thelma-louise-1991"]
    assert thelma["title"] == "Thelma & Louise"
    assert thelma["body"].startswith("**Guest review by Ana Lima.**\n\nTwenty-five years on")
    assert "Susan Sarandon & Geena Davis give the Q&A crowd" in thelma["body"]


def test_summary_says_what_was_skipped_and_why(cli: Runner) -> None:
    result = cli("import", str(XML))
    assert result.code == 0
    assert result.err.splitlines() == [
        "skipped 6 attachments, 2 pages (not review posts)",
        "skipped 1 post without a film year in the title: "
        "'Why I Still Go to the Movies Alone' (--all-posts imports them)",
        "imported as draft (not published on the blog): holy-motors-2012 (draft), "
        "taxi-driver-revisited (private), portrait-of-a-lady-on-fire-2019 (future)",
        "3 reader comments; skipped 1 pending, 1 pingback, 1 trashed",
        "rust-and-bone-2012: hint: rank #3 (in an image caption) — not set; --apply-hints sets it",
        "imported 6 reviews: 6 added, 0 updated, 0 unchanged",
    ]


def test_reimport_is_byte_identical(cli: Runner, isolated_library: Path) -> None:
    assert cli("import", str(XML)).code == 0
    before = isolated_library.read_bytes()
    again = cli("import", str(ZIP))
    assert again.code == 0, again.err
    assert again.err.endswith("imported 6 reviews: 0 added, 0 updated, 6 unchanged\n")
    assert isolated_library.read_bytes() == before


def test_dry_run_lists_each_post_and_writes_nothing(cli: Runner, isolated_library: Path) -> None:
    result = cli("import", str(XML), "--dry-run")
    assert result.code == 0
    assert result.out.splitlines() == [
        "add     rust-and-bone-2012  Rust and Bone (2012)",
        "add     amour-2012  Amour (2012)",
        "add     holy-motors-2012  Holy Motors (2012)",
        "add     taxi-driver-revisited  Taxi Driver (1976)",
        "add     thelma-louise-1991  Thelma & Louise (1991)",
        "add     portrait-of-a-lady-on-fire-2019  Portrait of a Lady on Fire (2019)",
    ]
    assert "rust-and-bone-2012: hint: rank #3 (in an image caption)" in result.err
    assert result.err.endswith("nothing was written\n")
    assert not isolated_library.exists()


def test_all_posts_takes_the_essay_with_its_whole_title(cli: Runner) -> None:
    result = cli("import", str(XML), "--all-posts")
    assert result.code == 0, result.err
    assert result.err.endswith("imported 7 reviews: 7 added, 0 updated, 0 unchanged\n")
    essay = library(cli)["why-i-still-go-to-the-movies-alone"]
    assert essay["title"] == "Why I Still Go to the Movies Alone" and essay["year"] is None
    assert essay["categories"] == ["Essays"] and essay["tags"] == ["Cinema-going"]


def test_apply_hints_sets_the_rank(cli: Runner) -> None:
    result = cli("import", str(XML), "--apply-hints")
    assert result.code == 0, result.err
    assert "rust-and-bone-2012: hint: rank #3 (in an image caption) — set" in result.err
    films = library(cli)
    assert films["rust-and-bone-2012"]["rank"] == 1  # #3 of a list of one: the end is 1
    assert [f["rank"] for f in films.values() if f["slug"] != "rust-and-bone-2012"] == [None] * 5


def test_show_lists_comments_with_replies_indented(cli: Runner) -> None:
    assert cli("import", str(XML)).code == 0
    shown = cli("show", "rust-and-bone-2012").out
    tail = shown[shown.index("Comments (2)") :]
    lines = [line.strip("│ ").rstrip() for line in tail.splitlines()]
    assert "Marcus Bell · 2016-05-12 18:07" in lines
    reply = next(line for line in tail.splitlines() if "Jordan Avery · 2016-05-13 08:15" in line)
    marcus = next(line for line in tail.splitlines() if "Marcus Bell · 2016-05-12" in line)
    assert reply.index("Jordan") - marcus.index("Marcus") == 4
    assert "Priya" not in shown and "Test comment, please ignore" not in shown
    assert "Another Film Blog" not in shown


def test_merges_with_the_letterboxd_entry_of_the_same_film(cli: Runner, tmp_path: Path) -> None:
    diary = tmp_path / "diary.csv"
    diary.write_text(
        "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date\n"
        "2016-05-10,Rust and Bone,2012,https://boxd.it/abc1,4.5,,,2016-05-09\n",
        "utf-8",
    )
    assert cli("import", str(diary)).code == 0
    result = cli("import", str(XML))
    assert result.code == 0, result.err
    assert result.err.endswith("imported 6 reviews: 5 added, 1 updated, 0 unchanged\n")
    films = library(cli)
    assert len(films) == 6
    rust = next(f for f in films.values() if f["title"] == "Rust and Bone")
    assert rust["rating"] == 4.5 and rust["watched"] == "2016-05-09"
    assert rust["sources"]["letterboxd"] == "https://boxd.it/abc1"
    assert rust["sources"]["wordpress"] == "https://seedblog.example/?p=2201"
    assert len(rust["comments"]) == 2 and rust["categories"] == ["Reviews"]
    assert "<!--more-->" in rust["body"]


# --- our own fixtures -------------------------------------------------------------------------

HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.1/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.1/">
<channel><title>Mini</title><link>https://mini.example</link>
<wp:wxr_version>1.1</wp:wxr_version><wp:base_site_url>https://mini.example</wp:base_site_url>
"""


def item(
    post_id: int,
    title: str,
    content: str,
    *,
    status: str = "publish",
    post_type: str = "post",
    name: str = "",
    extra: str = "",
) -> str:
    return f"""<item><title><![CDATA[{title}]]></title>
<link>https://mini.example/?p={post_id}</link><dc:creator>me</dc:creator>
<guid isPermaLink="false">https://mini.example/?p={post_id}</guid>
<content:encoded><![CDATA[{content}]]></content:encoded><excerpt:encoded><![CDATA[]]></excerpt:encoded>
<wp:post_id>{post_id}</wp:post_id><wp:post_date>2020-01-0{post_id % 9 + 1} 10:00:00</wp:post_date>
<wp:post_date_gmt>2020-01-0{post_id % 9 + 1} 09:00:00</wp:post_date_gmt>
<wp:post_name>{name}</wp:post_name><wp:status>{status}</wp:status>
<wp:post_type>{post_type}</wp:post_type>{extra}</item>
"""


def comment(ident: int, parent: int, text: str, approved: str = "1", day: int = 1) -> str:
    return f"""<wp:comment><wp:comment_id>{ident}</wp:comment_id>
<wp:comment_author><![CDATA[Reader {ident}]]></wp:comment_author>
<wp:comment_author_url>not a url</wp:comment_author_url>
<wp:comment_date>2020-02-0{day} 12:00:00</wp:comment_date>
<wp:comment_date_gmt>2020-02-0{day} 11:00:00</wp:comment_date_gmt>
<wp:comment_content><![CDATA[{text}]]></wp:comment_content>
<wp:comment_approved>{approved}</wp:comment_approved><wp:comment_type>comment</wp:comment_type>
<wp:comment_parent>{parent}</wp:comment_parent></wp:comment>"""


def wxr(tmp_path: Path, *items: str, name: str = "mini.xml") -> Path:
    path = tmp_path / name
    path.write_text(HEAD + "".join(items) + "</channel></rss>\n", "utf-8")
    return path


def test_classic_post_rules_shortcodes_and_entities(cli: Runner, tmp_path: Path) -> None:
    classic = (
        "First line\nsecond line of the same paragraph.\n\n"
        'A <a href="https://example.org/a_b">link</a> and [gallery ids="3,4"] here.\n\n'
        '<img class="alignnone wp-image-9" src="https://mini.example/up/still-300x200.jpg" '
        'alt="A still" />\n\n'
        "[youtube https://www.youtube.com/watch?v=abc_DEF]\n\n"
        "[contact-form]\n\nI give it ★★★★½ and that is that."
    )
    path = wxr(
        tmp_path,
        item(1, "Hit &amp; Run (2012)", classic, name="am%c3%a9lie-2001"),
        item(9, "still", "", post_type="attachment", status="inherit",
             extra="<wp:attachment_url>https://mini.example/up/still.jpg</wp:attachment_url>"),
    )  # fmt: skip
    result = cli("import", str(path))
    assert result.code == 0, result.err
    # post_name "amélie-2001" (URL-decoded) is no valid slug: the title gives one.
    assert "hit-run-2012: hint: rating 4.5 (in the text) — not set" in result.err
    assert "hit-run-2012: shortcode [gallery] kept as text" in result.err
    assert (
        "shortcodes not converted (kept as text): [contact-form] in 1 post, [gallery] in 1 post"
    ) in result.err
    review = library(cli)["hit-run-2012"]
    assert review["title"] == "Hit & Run" and review["year"] == 2012
    assert review["rating"] is None
    assert review["body"] == (
        "First line  \nsecond line of the same paragraph.\n\n"
        'A [link](https://example.org/a_b) and [gallery ids="3,4"] here.\n\n'
        "![A still](https://mini.example/up/still.jpg)\n\n"
        "<https://www.youtube.com/watch?v=abc_DEF>\n\n"
        "[contact-form]\n\n"
        "I give it ★★★★½ and that is that.\n"
    )
    assert review["images"] == [
        {"src": "https://mini.example/up/still.jpg", "caption": None, "featured": False}
    ]
    assert review["links"] == ["https://www.youtube.com/watch?v=abc_DEF"]


def test_apply_hints_sets_a_rating_only_where_there_is_none(cli: Runner, tmp_path: Path) -> None:
    path = wxr(
        tmp_path,
        item(1, "Amour (2012)", "<p>Verdict: 4.5/5</p>", name="amour-2012"),
        item(2, "Vertigo (1958)", "<p>Five stars? No: 4 stars.</p>", name="vertigo-1958"),
    )
    assert cli("add", "Vertigo", "--year", "1958", "--rating", "3").code == 0
    result = cli("import", str(path), "--apply-hints")
    assert result.code == 0, result.err
    films = library(cli)
    assert films["amour-2012"]["rating"] == 4.5
    assert films["vertigo-1958"]["rating"] == 3.0


def test_nested_comments_statuses_and_skipped_types(cli: Runner, tmp_path: Path) -> None:
    comments = (
        comment(10, 0, "Top level.", day=1)
        + comment(11, 10, "A reply.", day=2)
        + comment(12, 11, "A reply to the reply.", day=3)
        + comment(13, 10, "Pending reply.", approved="0", day=4)
        + comment(14, 13, "Reply to a pending one.", day=5)
        + comment(15, 0, "Spam!", approved="spam", day=6)
    )
    path = wxr(
        tmp_path,
        item(1, "Amour (2012)", "<p>Text.</p>", name="amour-2012", extra=comments),
        item(2, "Holy Motors (2012)", "Notes.", status="pending", name="holy-motors-2012"),
        item(3, "Trashed (2012)", "Gone.", status="trash"),
        item(4, "About", "A page.", post_type="page"),
        item(5, "Menu", "", post_type="nav_menu_item"),
    )
    result = cli("import", str(path))
    assert result.code == 0, result.err
    assert "skipped 1 menu item, 1 page, 1 trash post (not review posts)" in result.err
    assert "imported as draft (not published on the blog): holy-motors-2012 (pending)" in result.err
    assert "4 reader comments; skipped 1 pending, 1 spam" in result.err
    films = library(cli)
    assert sorted(films) == ["amour-2012", "holy-motors-2012"]
    assert films["holy-motors-2012"]["status"] == "draft"
    assert films["holy-motors-2012"]["published"] is None
    assert [(c["id"], c["parent"]) for c in films["amour-2012"]["comments"]] == [
        (10, None),
        (11, 10),
        (12, 11),
        (14, 10),  # its parent was pending: it stays in the thread, one level up
    ]
    first = films["amour-2012"]["comments"][0]
    assert first["date"] == "2020-02-01T12:00:00+01:00" and first["author_url"] is None
    shown = cli("show", "amour-2012").out
    depth = {
        text: line.index(text.split()[0]) - line.index("│") for line in shown.splitlines()
        for text in ("Reader 10", "Reader 11", "Reader 12", "Reader 14") if text in line
    }  # fmt: skip
    assert depth["Reader 11"] - depth["Reader 10"] == 4
    assert depth["Reader 12"] - depth["Reader 10"] == 8
    assert depth["Reader 14"] - depth["Reader 10"] == 4


def hostile(cli: Runner, path: Path, isolated_library: Path, message: str) -> None:
    assert cli("add", "Amour").code == 0
    before = isolated_library.read_bytes()
    result = cli("import", str(path))
    assert result.code == 1
    assert result.out == ""
    assert len(result.err.splitlines()) == 1 and message in result.err, result.err
    assert isolated_library.read_bytes() == before


def test_billion_laughs_is_refused(cli: Runner, tmp_path: Path, isolated_library: Path) -> None:
    entities = '<!ENTITY a0 "ha">' + "".join(
        f'<!ENTITY a{n} "{f"&a{n - 1};" * 10}">' for n in range(1, 10)
    )
    path = tmp_path / "laughs.xml"
    path.write_text(
        f'<?xml version="1.0"?><!DOCTYPE rss [{entities}]>'
        + HEAD.split("?>", 1)[1].replace("<title>Mini</title>", "<title>&a9;</title>")
        + "</channel></rss>",
        "utf-8",
    )
    hostile(cli, path, isolated_library, "refused: the XML declares a DTD or entities")


def test_external_entity_is_refused(cli: Runner, tmp_path: Path, isolated_library: Path) -> None:
    path = tmp_path / "xxe.xml"
    path.write_text(
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        + HEAD.split("?>", 1)[1]
        + item(1, "Leak (2012)", "&x;").replace("<![CDATA[&x;]]>", "&x;")
        + "</channel></rss>",
        "utf-8",
    )
    hostile(cli, path, isolated_library, "refused: the XML declares a DTD or entities")


def test_zip_bomb_is_refused(cli: Runner, tmp_path: Path, isolated_library: Path) -> None:
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("blog/blog.000.xml", HEAD + " " * (30 << 20) + "</channel></rss>")
    hostile(cli, path, isolated_library, "(a zip bomb?)")


def test_zip_slip_names_are_refused(cli: Runner, tmp_path: Path, isolated_library: Path) -> None:
    path = tmp_path / "slip.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("../../blog.000.xml", HEAD + "</channel></rss>")
    hostile(cli, path, isolated_library, "refused: the zip holds a path outside its folder")


def test_a_plain_rss_feed_is_not_a_wordpress_export(
    cli: Runner, tmp_path: Path, isolated_library: Path
) -> None:
    path = tmp_path / "feed.xml"
    path.write_text('<?xml version="1.0"?><rss><channel><title>x</title></channel></rss>', "utf-8")
    hostile(cli, path, isolated_library, "an RSS feed, not a WordPress export")


def test_an_updated_export_updates_unedited_reviews_only(cli: Runner, tmp_path: Path) -> None:
    assert cli("import", str(XML)).code == 0
    assert cli("edit", "amour-2012", "--tagline", "My own hook").code == 0
    text = XML.read_text("utf-8")
    text = text.replace("Riva broke my heart.", "Riva broke my heart again.")
    text = text.replace(
        "<![CDATA[Twenty-five years on, still dangerous.]]>",
        "<![CDATA[Thirty years on, still dangerous.]]>",
    )
    newer = tmp_path / "newer.xml"
    newer.write_text(text, "utf-8")
    result = cli("import", str(newer))
    assert result.code == 0, result.err
    assert "skipped amour-2012  Amour (2012): edited in filmrev since its last import" in result.err
    assert result.err.endswith(
        "imported 6 reviews: 0 added, 1 updated, 4 unchanged, "
        "1 skipped (edited in filmrev; --overwrite replaces them)\n"
    )
    films = library(cli)
    assert films["thelma-louise-1991"]["tagline"] == "Thirty years on, still dangerous."
    assert films["amour-2012"]["tagline"] == "My own hook"
    assert films["amour-2012"]["comments"][0]["text"] == "Riva broke my heart. Lovely write-up."
    forced = cli("import", str(newer), "--overwrite")
    assert forced.code == 0, forced.err
    assert library(cli)["amour-2012"]["comments"][0]["text"].startswith("Riva broke my heart again")


def test_wxr_1_0_terms_without_domains(cli: Runner, tmp_path: Path) -> None:
    terms = (
        "<category><![CDATA[Reviews]]></category>"
        '<category domain="category" nicename="reviews"><![CDATA[Reviews]]></category>'
        '<category domain="tag"><![CDATA[Q&amp;A]]></category>'
        '<category domain="tag" nicename="q-a"><![CDATA[Q&amp;A]]></category>'
    )
    path = wxr(tmp_path, item(1, "Amour (2012)", "Text.", name="amour-2012", extra=terms))
    path.write_text(path.read_text("utf-8").replace("export/1.1/", "export/1.0/"), "utf-8")
    assert cli("import", str(path)).code == 0
    review = library(cli)["amour-2012"]
    assert review["categories"] == ["Reviews"] and review["tags"] == ["Q&A"]
