"""``export --format markdown`` to stdout: one document with each film's credits, links and body
headings nested under the film's own heading."""

from __future__ import annotations

from markdown_it import MarkdownIt

from filmrev.exporters.markdown import demote_headings
from tests.conftest import Runner

BODY = (
    "## The short version\n\nWhales.\n\n### The boxing\n\nBlows.\n\n"
    "A setext heading\n----------------\n\n```\n# a comment in code\n```\n"
)


def test_body_headings_sit_under_the_film_and_credits_and_links_are_included(cli: Runner) -> None:
    slug = cli(
        "add", "Rust and Bone", "--year", "2012", "--rating", "4.5", "--rank", "1",
        "--director", "Jacques Audiard", "--cast", "Marion Cotillard",
        "--cast", "Matthias Schoenaerts", "--crew", "composer=Alexandre Desplat",
        "--link", "https://en.wikipedia.org/wiki/Rust_and_Bone", "--body", BODY,
    ).out.strip()  # fmt: skip
    assert slug == "rust-and-bone-2012"
    cli("add", "Amour", "--year", "2012", "--body", "# Georges\n\nAnne.")
    result = cli("export", "--format", "markdown")
    assert result.code == 0, result.err
    document = result.out
    assert "\n## Rust and Bone (2012)\n" in document and "\n## Amour (2012)\n" in document
    assert "\n### The short version\n" in document
    assert "\n#### The boxing\n" in document
    assert "\n### A setext heading\n" in document and "-----" not in document
    assert "\n### Georges\n" in document
    assert "# a comment in code\n" in document  # code is not a heading
    assert "- **Director:** Jacques Audiard\n" in document
    assert "- **Cast:** Marion Cotillard, Matthias Schoenaerts\n" in document
    assert "- **Composer:** Alexandre Desplat\n" in document
    assert "Links: <https://en.wikipedia.org/wiki/Rust_and_Bone>\n" in document
    # As a Markdown reader sees it: one h1, films at h2, everything of a film below it.
    parsed = MarkdownIt("commonmark").parse(document)
    levels = [
        (int(token.tag[1]), parsed[index + 1].content)
        for index, token in enumerate(parsed)
        if token.type == "heading_open"
    ]
    assert [level for level, _ in levels if level <= 2] == [1, 2, 2, 2]
    assert [title for level, title in levels if level == 2] == [
        "Ranked", "Rust and Bone (2012)", "Amour (2012)",
    ]  # fmt: skip


def test_demoting_stops_at_six_and_leaves_non_headings_alone() -> None:
    assert demote_headings("# one\n\n#### four\n\n##### five\n") == (
        "### one\n\n###### four\n\n###### five\n"
    )
    assert demote_headings("### three\n\n#### four\n") == "### three\n\n#### four\n"
    assert demote_headings("#hashtag and 3 # 4\n") == "#hashtag and 3 # 4\n"
    assert demote_headings("    # indented code\n") == "    # indented code\n"
