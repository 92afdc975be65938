"""The core story end to end: a 2,000-word review through add → show → list → export → import."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import Runner

TAGS = ["You’ve Touched Me in a Good Way", "Gritty, Grittness"]
PARAGRAPH = (
    "Stéphanie’s “second life” begins where most films would end — at the edge of the "
    "water, with Alexandre Desplat’s score holding its breath. Audiard doesn’t ask for pity; "
    "he asks us to watch Ali’s knuckles and Stéphanie’s new legs with the same unblinking "
    "attention, and somehow that is tenderness."
)


def long_body() -> str:
    paragraphs = [f"## Part {n}\n\n{PARAGRAPH}" for n in range(1, 41)]
    body = "\n\n".join(paragraphs) + "\n"
    assert len(body.split()) >= 2000
    return body


def test_a_2000_word_review_survives_every_step(
    cli: Runner, tmp_path: Path, isolated_library: Path
) -> None:
    body_file = tmp_path / "rust.md"
    body_file.write_text(long_body(), encoding="utf-8")
    added = cli(
        "add", "Rust and Bone", "--year", "2012", "--rating", "4.5", "--rank", "1",
        "--tag", TAGS[0], "--tag", TAGS[1], "--director", "Jacques Audiard",
        "--cast", "Marion Cotillard", "--cast", "Matthias Schoenaerts",
        "--crew", "composer=Alexandre Desplat", "--watched", "2024-03-09",
        "--tagline", "What do a paraplegic whale trainer and a bare-knuckle boxer have in common?",
        "--link", "https://www.youtube.com/watch?v=rust-and-bone-trailer",
        "--body-file", str(body_file),
    )  # fmt: skip
    assert added.code == 0, added.err
    assert added.out == "rust-and-bone-2012\n"

    shown = cli("show", "rust-and-bone-2012", "--no-pager")
    assert shown.code == 0
    assert "Rust and Bone (2012)" in shown.out and "★★★★½ 4.5" in shown.out and "#1" in shown.out
    assert "Part 40" in shown.out and "## Part 40" not in shown.out  # rendered Markdown

    original = json.loads(cli("list", "--format", "json").out)
    assert original[0]["body"] == long_body()
    assert original[0]["tags"] == TAGS

    export_file = tmp_path / "export.json"
    assert cli("export", "--format", "json", "--out", str(export_file)).code == 0
    site = tmp_path / "site"
    assert cli("export", "--format", "markdown", "--out", str(site)).code == 0
    assert (site / "rust-and-bone-2012.md").read_text("utf-8").endswith("\n\n" + long_body())

    for source in (export_file, site):
        fresh = tmp_path / f"fresh-{source.name}.json"
        imported = cli("--db", str(fresh), "import", str(source))
        assert imported.code == 0, imported.err
        copy = json.loads(cli("--db", str(fresh), "list", "--format", "json").out)
        assert len(copy) == 1
        for field, value in original[0].items():
            assert copy[0][field] == value, (source.name, field)

    again = cli("import", str(export_file))
    assert again.code == 0
    assert json.loads(cli("list", "--format", "json").out) == original
