"""``export --format markdown --out DIR``: per-review files, profiles, the manifest, safety."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml

from filmrev import frontmatter
from filmrev.exporters.site import dump_document
from filmrev.model import FIELD_ORDER
from tests.conftest import Runner

DATA = Path(__file__).resolve().parent.parent / "data" / "reviews"


@pytest.fixture
def sample(cli: Runner) -> None:
    result = cli("import", str(DATA))
    assert result.code == 0, result.err


def files_under(root: Path) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """Inode and mtime of every file: an unchanged pair means the file was not rewritten."""
    return {
        name: (os.stat(root / name).st_ino, os.stat(root / name).st_mtime_ns)
        for name in files_under(root)
    }


def test_plain_export_writes_a_file_per_review_and_the_ranked_list(
    cli: Runner, sample: None, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    result = cli("export", "--format", "markdown", "--out", str(site))
    assert result.code == 0, result.err
    assert result.out == ""
    assert result.err == (
        f"exported 10 reviews to {site}: 11 files written, 0 unchanged, 0 removed\n"
    )
    assert files_under(site) == sorted(
        [".filmrev-manifest.json", "index.md"] + [path.name for path in DATA.glob("*.md")]
    )
    text = (site / "rust-and-bone-2012.md").read_text(encoding="utf-8")
    fields, body = frontmatter.split(text)
    assert fields is not None
    assert list(fields) == [name for name in FIELD_ORDER if name != "body"]
    assert fields["tags"][:2] == ["You’ve Touched Me in a Good Way", "Gritty, Grittness"]
    assert fields["rank"] == 3
    shown = cli("show", "rust-and-bone-2012", "--plain").out
    assert text == shown  # the same bytes as `show --plain`
    assert body.startswith("## ") or body  # the body follows one blank line after ---
    assert "\n---\n\n" + body in text
    index = (site / "index.md").read_text(encoding="utf-8")
    assert index.splitlines()[:4] == [
        "# Ranked",
        "",
        "1. [Vertigo (1958)](vertigo-1958.md) — ★★★★★ 5.0",
        "2. [Amour (2012)](amour-2012.md) — ★★★★★ 5.0",
    ]
    manifest = json.loads((site / ".filmrev-manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["files"]) == set(files_under(site)) - {".filmrev-manifest.json"}


def test_re_export_rewrites_only_what_changed_and_removes_deleted(
    cli: Runner, sample: None, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    assert cli("export", "-f", "markdown", "-o", str(site)).code == 0
    before = snapshot(site)

    again = cli("export", "-f", "markdown", "-o", str(site))
    assert again.code == 0
    assert again.err.endswith(": 0 files written, 11 unchanged, 0 removed\n")
    assert snapshot(site) == before

    assert cli("edit", "amelie-2001", "--rating", "4").code == 0
    assert cli("delete", "taxi-driver-1976", "--yes").code == 0
    third = cli("export", "-f", "markdown", "-o", str(site))
    assert third.code == 0, third.err
    assert third.err.endswith(": 1 file written, 9 unchanged, 1 removed\n")
    after = snapshot(site)
    assert "taxi-driver-1976.md" not in after
    changed = {name for name in after if after[name] != before.get(name)}
    assert changed == {"amelie-2001.md", ".filmrev-manifest.json"}
    assert "rating: 4.0" in (site / "amelie-2001.md").read_text(encoding="utf-8")


def test_a_foreign_file_blocks_the_export_until_force(
    cli: Runner, sample: None, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "vertigo-1958.md").write_text("my own notes\n", encoding="utf-8")
    (site / "notes.txt").write_text("unrelated\n", encoding="utf-8")
    result = cli("export", "-f", "markdown", "-o", str(site))
    assert result.code == 1
    assert result.err == (
        f"filmrev: error: export to {site} stopped: 1 file was not written by filmrev or "
        "edited since: vertigo-1958.md; nothing was written (--force overwrites them)\n"
    )
    assert files_under(site) == ["notes.txt", "vertigo-1958.md"]  # nothing written
    assert (site / "vertigo-1958.md").read_text(encoding="utf-8") == "my own notes\n"

    forced = cli("export", "-f", "markdown", "-o", str(site), "--force")
    assert forced.code == 0, forced.err
    assert (site / "vertigo-1958.md").read_text(encoding="utf-8").startswith("---\nid: ")
    assert (site / "notes.txt").read_text(encoding="utf-8") == "unrelated\n"


def test_a_file_edited_since_export_is_neither_overwritten_nor_deleted(
    cli: Runner, sample: None, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    assert cli("export", "-f", "markdown", "-o", str(site)).code == 0
    edited = site / "amour-2012.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nA note I added.\n", "utf-8")
    assert cli("edit", "amour-2012", "--rating", "4.5").code == 0
    blocked = cli("export", "-f", "markdown", "-o", str(site))
    assert blocked.code == 1
    assert "edited since: amour-2012.md;" in blocked.err
    assert edited.read_text(encoding="utf-8").endswith("A note I added.\n")

    assert cli("edit", "amour-2012", "--rating", "5").code == 0
    assert cli("delete", "amour-2012", "--yes").code == 0
    still = cli("export", "-f", "markdown", "-o", str(site))
    assert still.code == 1  # a deleted review's file is not removed once edited
    assert "amour-2012.md" in still.err
    assert edited.exists()
    # --force never deletes a file that is no longer what filmrev wrote (issue 18): it
    # stops tracking it and leaves it in place.
    forced = cli("export", "-f", "markdown", "-o", str(site), "--force")
    assert forced.code == 0, forced.err
    assert "left in place (edited since filmrev wrote them, or not filmrev's): amour-2012.md" in (
        forced.err
    )
    assert edited.read_text(encoding="utf-8").endswith("A note I added.\n")
    assert cli("export", "-f", "markdown", "-o", str(site)).code == 0  # no longer blocks


def test_jekyll_profile(cli: Runner, sample: None, tmp_path: Path) -> None:
    site = tmp_path / "blog"
    (site / "_posts").mkdir(parents=True)
    (site / "_config.yml").write_text("title: My reviews\n", encoding="utf-8")
    result = cli("export", "-f", "markdown", "-o", str(site), "--profile", "jekyll", "--jsonld")
    assert result.code == 0, result.err
    names = files_under(site)
    assert "_posts/2024-03-17-rust-and-bone-2012.md" in names  # date = published
    assert "_drafts/holy-motors-2012.md" in names  # a draft stays out of the build
    assert "ranked/index.md" in names and "_config.yml" in names
    assert len([name for name in names if name.startswith("_posts/")]) == 9
    fields, _ = frontmatter.split(
        (site / "_posts/2024-03-17-rust-and-bone-2012.md").read_text(encoding="utf-8")
    )
    assert fields is not None
    assert list(fields)[:6] == ["layout", "title", "date", "categories", "tags", "id"]
    assert fields["layout"] == "post" and fields["date"] == "2024-03-17"
    assert fields["categories"] == ["reviews"]
    assert fields["render_with_liquid"] is False
    jsonld = json.loads(fields["jsonld"])
    assert jsonld["@type"] == "Review"
    assert jsonld["itemReviewed"] == {
        "@type": "Movie",
        "name": "Rust and Bone",
        "dateCreated": "2012",
        "director": {"@type": "Person", "name": "Jacques Audiard"},
    }
    assert jsonld["reviewRating"]["ratingValue"] == 4.5
    ranked = (site / "ranked/index.md").read_text(encoding="utf-8")
    assert "1. [Vertigo (1958)]({% post_url 2023-11-20-vertigo-1958 %}) — ★★★★★ 5.0" in ranked
    assert ranked.startswith("---\nlayout: page\ntitle: Ranked\npermalink: /ranked/\n---\n")


def test_jekyll_date_falls_back_to_watched_then_created(cli: Runner, tmp_path: Path) -> None:
    assert cli("add", "Amour", "--year", "2012", "--watched", "2024-01-21").code == 0
    assert cli("add", "Vertigo", "--year", "1958").code == 0
    library = json.loads(cli("export").out)
    for review in library["reviews"]:
        review["status"] = "published"
    export = tmp_path / "e.json"
    export.write_text(json.dumps(library), encoding="utf-8")
    db = tmp_path / "other.json"
    assert cli("--db", str(db), "import", str(export)).code == 0
    site = tmp_path / "blog"
    assert (
        cli(
            "--db", str(db), "export", "-f", "markdown", "-o", str(site), "--profile", "jekyll"
        ).code
        == 0
    )
    created_day = library["reviews"][1]["created"][:10]
    assert sorted(files_under(site / "_posts")) == sorted(
        ["2024-01-21-amour-2012.md", f"{created_day}-vertigo-1958.md"]
    )


def test_hugo_profile(cli: Runner, sample: None, tmp_path: Path) -> None:
    site = tmp_path / "hugo"
    result = cli("export", "-f", "markdown", "-o", str(site), "--profile", "hugo", "--jsonld")
    assert result.code == 0, result.err
    names = files_under(site)
    assert "content/reviews/holy-motors-2012.md" in names
    assert "content/ranked/index.md" in names
    fields, _ = frontmatter.split(
        (site / "content/reviews/holy-motors-2012.md").read_text(encoding="utf-8")
    )
    assert fields is not None
    assert list(fields) == ["title", "date", "draft", "tags", "slug", "params"]
    assert fields["draft"] is True and fields["slug"] == "holy-motors-2012"
    assert fields["date"] == "2024-04-12"  # no published date: watched
    assert fields["params"]["director"] == "Leos Carax"
    assert "jsonld" in fields["params"]
    ranked = (site / "content/ranked/index.md").read_text(encoding="utf-8")
    assert '1. [Vertigo (1958)]({{< relref "/reviews/vertigo-1958.md" >}})' in ranked


def test_titles_cannot_escape_or_overflow_the_directory(cli: Runner, tmp_path: Path) -> None:
    assert cli("add", "../../etc/x").code == 0
    assert cli("add", "/etc/passwd").code == 0
    assert cli("add", "x" * 300).code == 0
    assert cli("add", "…").code == 0  # nothing sluggable
    site = tmp_path / "site"
    result = cli("export", "-f", "markdown", "-o", str(site))
    assert result.code == 0, result.err
    names = files_under(site)
    assert names == sorted(
        [
            ".filmrev-manifest.json",
            "index.md",
            "etc-x.md",
            "etc-passwd.md",
            "x" * 80 + ".md",
            "review-4.md",
        ]
    )
    assert all(len(name.encode()) <= 200 for name in names)
    assert not (tmp_path / "etc").exists()


def test_a_symlink_out_of_the_directory_is_never_followed(
    cli: Runner, sample: None, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    site = tmp_path / "blog"
    site.mkdir()
    (site / "_posts").symlink_to(outside)
    result = cli("export", "-f", "markdown", "-o", str(site), "--profile", "jekyll", "--force")
    assert result.code == 1
    assert "leads outside" in result.err and "symbolic link" in result.err
    assert list(outside.iterdir()) == []
    assert files_under(site) == []


def test_a_symlinked_file_is_foreign(cli: Runner, sample: None, tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    target = tmp_path / "outside.txt"  # a link out of the directory: never written through
    target.write_text("keep me\n", encoding="utf-8")
    (site / "amour-2012.md").symlink_to(target)
    result = cli("export", "-f", "markdown", "-o", str(site))
    assert result.code == 1
    assert "amour-2012.md" in result.err
    forced = cli("export", "-f", "markdown", "-o", str(site), "--force")
    assert forced.code == 0, forced.err
    assert not (site / "amour-2012.md").is_symlink()  # the link was replaced, not followed
    assert target.read_text(encoding="utf-8") == "keep me\n"


def test_out_must_be_a_directory(cli: Runner, sample: None, tmp_path: Path) -> None:
    existing = tmp_path / "file.md"
    existing.write_text("x", encoding="utf-8")
    result = cli("export", "-f", "markdown", "-o", str(existing))
    assert result.code == 1
    assert "is a file; a Markdown export writes a directory" in result.err


def test_exported_front_matter_is_safe_yaml(cli: Runner, tmp_path: Path) -> None:
    title = "#1: “Quotes” — 'and' --- [bold red]x[/] \x1b[31m 🎬"
    assert cli("add", title, "--tag", "a: b", "--body", "---\nnot front matter\n---\n").code == 0
    site = tmp_path / "site"
    assert cli("export", "-f", "markdown", "-o", str(site)).code == 0
    (review_file,) = [path for path in site.glob("*.md") if path.name != "index.md"]
    text = review_file.read_text(encoding="utf-8")
    front = text.split("\n---\n", 1)[0].removeprefix("---\n")
    assert yaml.safe_load(front)["title"] == title
    fields, body = frontmatter.split(text)
    assert fields is not None and fields["tags"] == ["a: b"]
    assert body == "---\nnot front matter\n---\n"


@pytest.mark.parametrize("title", ["a\x85b", "🎬 a\x85b", "x\u2028y", "🎬 “quoted” — '#1'"])
def test_both_yaml_emitters_round_trip_awkward_text(title: str) -> None:
    fields = {"title": title, "tags": [title]}
    for text in (frontmatter.dump(fields, "body\n"), dump_document(fields, "body\n")):
        loaded, body = frontmatter.split(text)
        assert loaded == fields and body == "body\n"
    assert dump_document(fields, "") == frontmatter.dump(fields, "")  # the same bytes
