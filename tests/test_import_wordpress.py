"""Importing WordPress exports: the real fixtures (checked against expected.json) and our own.

``tests/fixtures/wordpress`` holds files written by WordPress 6.1.9's own exporter and,
in ``expected.json``, what WordPress itself says each item holds. The smaller XML
documents below are our own: classic and block posts, shortcodes, nested comments,
statuses, entities and hostile input.
"""

from __future__ import annotations

import io
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
    moment = item["date_gmt"] or item["date"]
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
        "imported as draft (not published on the blog): Holy Motors (draft), "
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
