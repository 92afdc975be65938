"""Reading a review on a terminal: HTML bodies, images, the panel's fields, width, snippets."""

from __future__ import annotations

import io
import json

from rich.console import Console

from filmrev.model import Review, now_utc
from filmrev.readable import body_markdown, plain_snippet
from filmrev.render import review_panel
from tests.conftest import Runner


def render(renderable: object, width: int) -> str:
    console = Console(file=io.StringIO(), width=width, color_system=None)
    console.print(renderable)
    output = console.file.getvalue()  # type: ignore[attr-defined]
    assert isinstance(output, str)
    return output


def review(**fields: object) -> Review:
    doc = {"id": 3, "slug": "rust-and-bone-2012", "title": "Rust and Bone", "created": now_utc()}
    return Review.from_doc({**doc, **fields})


def words_of(text: str) -> list[str]:
    """The words of rendered output, borders and wrapping removed."""
    return " ".join(line.strip("│ ") for line in text.splitlines()).split()


LETTERBOXD_BODY = (
    "<blockquote>“What kind of B-grade movie bullshit is this?”<blockquote>\n\n"
    "¿Se supone que el giro <i>final<i> justifica todo?\n\n"
    "<p>A <b>bold</b> claim,<br>on two lines.</p>\n\n"
    '<a href="https://boxd.it/tuf0C">2022 Ranked</a>'
)


def test_html_blocks_in_a_body_are_shown_as_text() -> None:
    text = render(review_panel(review(body=LETTERBOXD_BODY)), width=80)
    shown = " ".join(words_of(text))
    assert "“What kind of B-grade movie bullshit is this?”" in shown
    assert "¿Se supone que el giro final justifica todo?" in shown
    assert "A bold claim," in shown and "on two lines." in shown
    assert "2022 Ranked" in shown
    assert "<" not in text and ">" not in text


def test_html_conversion_keeps_markdown_and_code_as_they_are() -> None:
    body = "## Heading\n\n- one <i>two</i>\n- three\n\n```\n<i>code</i>\n```\n\n*plain*"
    assert body_markdown(body) == (
        "## Heading\n\n- one *two*\n- three\n\n```\n<i>code</i>\n```\n\n*plain*"
    )
    assert body_markdown("No HTML, a < b > c.") == "No HTML, a < b > c."
    assert body_markdown("<p>one</p>\n\n<p>two</p>") == "one\n\ntwo"


def test_show_renders_letterboxd_html_from_the_command_line(cli: Runner) -> None:
    slug = cli("add", "On the Line", "--year", "2022", "--body", LETTERBOXD_BODY).out.strip()
    shown = cli("show", slug, env={"COLUMNS": "60"})
    assert shown.code == 0
    assert "B-grade movie bullshit" in shown.out and "2022 Ranked" in shown.out


def test_text_after_an_image_is_never_cut_at_narrow_widths() -> None:
    caption = "Stéphanie at Marineland, before the accident: the caption runs long."
    body = f"Before.\n\n![Marion Cotillard on the pool deck](https://x.org/whale.jpg)\n{caption}\n"
    for width in (40, 50, 60):
        text = render(review_panel(review(body=body)), width=width)
        assert all(len(line) <= width for line in text.splitlines())
        shown = " ".join(words_of(text))
        assert caption in shown, (width, text)
        assert "[image: Marion Cotillard on the pool deck]" in shown
        lines = [line.strip("│ ") for line in text.splitlines()]
        assert any(line.startswith("Stéphanie") for line in lines)  # the caption starts a line


def test_an_image_inside_a_sentence_keeps_the_text_around_it_in_order() -> None:
    body = "Look at ![the pool](pool.jpg) and then the sea, which goes on and on."
    shown = " ".join(words_of(render(review_panel(review(body=body)), width=40)))
    assert shown.index("Look at") < shown.index("[image: the pool]") < shown.index("the sea")
    assert "goes on and on." in shown


def test_panel_shows_status_published_url_viewings_and_images() -> None:
    text = render(
        review_panel(
            review(
                rating=4.5,
                watched="2024-03-09",
                status="published",
                published="2024-04-01",
                url="https://blog.example/rust-and-bone",
                viewings=[
                    {"date": "2024-03-09", "rating": 4.5, "rewatch": True},
                    {"date": "2012-11-20", "rating": 4.0},
                ],
                images=[{"src": "whale.jpg", "caption": "The pool"}, {"src": "poster.jpg"}],
            )
        ),
        width=100,
    )
    assert "published 2024-04-01" in text
    assert "Post: https://blog.example/rust-and-bone" in text
    assert "Viewings: 2024-03-09 ★★★★½ 4.5 (rewatch) · 2012-11-20 ★★★★ 4.0" in text
    assert "Images: whale.jpg (The pool) · poster.jpg" in text
    draft = render(review_panel(review(rating=3.0)), width=100)
    assert "★★★ 3.0   draft" in draft
    assert "Viewings" not in draft and "Images" not in draft and "Post:" not in draft


def test_a_single_viewing_that_repeats_the_header_is_not_shown_twice() -> None:
    single = {"date": "2024-03-09", "rating": 4.5, "rewatch": False}
    text = render(review_panel(review(rating=4.5, watched="2024-03-09", viewings=[single])), 100)
    assert "Viewings" not in text


def test_body_reading_width_is_capped_on_wide_terminals() -> None:
    body = " ".join(["word"] * 400)
    text = render(review_panel(review(body=body)), width=200)
    assert max(len(line) for line in text.splitlines()) == 106
    narrow = render(review_panel(review(body=body)), width=80)
    assert max(len(line) for line in narrow.splitlines()) == 80


def test_snippets_lose_markdown_and_html_syntax_and_keep_their_highlights() -> None:
    text = (
        "…the *whale* trainer ![Marion](m.jpg) ## Act two: **[the sea](https://x.org)** <i>it</i>"
    )
    start = text.index("whale")
    plain, spans = plain_snippet(text, ((start, start + 5),))
    assert plain == "…the whale trainer (image: Marion) Act two: the sea it"
    assert [plain[a:b] for a, b in spans] == ["whale"]
    assert plain_snippet("snake_case and 2*3 stay")[0] == "snake_case and 2*3 stay"
    assert plain_snippet("a cut [link](https://exa")[0] == "a cut link"


def test_search_prints_snippets_as_plain_text(cli: Runner) -> None:
    body = (
        "## The pool\n\nShe trains *orcas* there.\n\n![The whale](whale.jpg)\n\nLater, orcas again."
    )
    cli("add", "Rust and Bone", "--year", "2012", "--body", body)
    result = cli("search", "orcas")
    assert result.code == 0
    assert "She trains orcas there. (image: The whale) Later, orcas again." in result.out
    for raw in ("*orcas*", "![", "## "):
        assert raw not in result.out
    data = json.loads(cli("search", "orcas", "--format", "json").out)
    assert "*orcas*" in data[0]["snippet"]  # data formats stay byte-exact


def test_a_body_that_opens_with_a_quote_has_one_blank_line_above_it() -> None:
    lines = render(review_panel(review(body="> Who are we then?\n\nText.")), 60).splitlines()
    quote = next(index for index, line in enumerate(lines) if "Who are we then?" in line)
    assert lines[quote - 1].strip("│ ") == "" and lines[quote - 2].strip("│ ") == "–   draft"
