"""Rendered views, printed into a plain 80-column console and read as text."""

from __future__ import annotations

import io

from rich.console import Console

from filmrev.model import Review, now_utc
from filmrev.render import review_panel, reviews_table
from filmrev.terminal import clean, rating_label, stars


def render(renderable: object, width: int = 80) -> str:
    console = Console(file=io.StringIO(), width=width, color_system=None)
    console.print(renderable)
    output = console.file.getvalue()  # type: ignore[attr-defined]
    assert isinstance(output, str)
    return output


def review(**fields: object) -> Review:
    stamp = now_utc()
    doc = {"id": 3, "slug": "rust-and-bone-2012", "title": "Rust and Bone", "created": stamp}
    return Review.from_doc({**doc, **fields})


def test_stars_use_half_star_glyph() -> None:
    assert stars(4.5) == "★★★★½"
    assert stars(0.5) == "½"
    assert rating_label(4.0) == "★★★★ 4.0"
    assert rating_label(None) == "–"


def test_clean_strips_escapes_controls_and_bidi_but_keeps_text() -> None:
    assert clean("\x1b[31mred\x1b[0m") == "red"
    assert clean("a\x1b]8;;file:///\x07b") == "ab"
    assert clean("x\u202ey\u2066z\x00\x9b") == "xyz"
    assert clean("line\nbreak") == "line break"
    assert clean("line\nbreak", multiline=True) == "line\nbreak"
    assert clean("Stéphanie’s “café” 🎬") == "Stéphanie’s “café” 🎬"


def test_panel_shows_title_stars_rank_tags_credits_and_markdown_body() -> None:
    text = render(
        review_panel(
            review(
                year=2012,
                rating=4.5,
                rank=3,
                tags=["You’ve Touched Me in a Good Way", "Gritty, Grittness"],
                director="Jacques Audiard",
                crew={"composer": ["Alexandre Desplat"]},
                tagline="A whale trainer and a boxer.",
                body="## Heading\n\nSome *emphasis* and a list:\n\n- one\n- two\n",
            )
        )
    )
    for expected in (
        "Rust and Bone (2012)",
        "★★★★½ 4.5",
        "#3",
        "You’ve Touched Me in a Good Way · Gritty, Grittness",
        "Director: Jacques Audiard",
        "Composer: Alexandre Desplat",
        "A whale trainer and a boxer.",
        "Heading",
        "• one",
    ):
        assert expected in text
    assert "## Heading" not in text


def test_markup_in_user_text_is_never_interpreted() -> None:
    text = render(
        review_panel(review(title="[bold red]x[/] [link=file:///]y", tags=["[/etc/passwd]"]))
    )
    assert "[bold red]x[/] [link=file:///]y" in text
    assert "[/etc/passwd]" in text


def test_table_fits_narrow_terminals() -> None:
    rows = [
        review(
            id=n, slug=f"a-rather-long-film-title-{n}-2012", title=f"A rather long film title {n}"
        )
        for n in (1, 2)
    ]
    rows = [row.evolve(tags=("French", "Gritty, Grittness"), rating=4.5) for row in rows]
    for width in (40, 60, 80):
        text = render(reviews_table(rows, width=width), width=width)
        lines = text.splitlines()
        assert all(len(line) <= width for line in lines), text
        header = lines[0].split()
        assert header[:3] == ["#", "ID", "Title"] and "Rating" in header
        assert "★★★★½ 4.5" in text  # the rating is never squeezed out
        assert "A rather long" in text and "title 2" in text  # the title wraps, whole
        if width >= 60:
            assert "Tags" in header and "French" in text
        assert "Slug" not in header or "a-rather-long-film-title-2-2012" in text
