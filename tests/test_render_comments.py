"""The comments at the end of ``show``: count, author · date, replies indented, text cleaned."""

from __future__ import annotations

from filmrev.model import Review
from filmrev.render import review_panel
from tests.test_render import render, review


def with_comments() -> Review:
    return review(
        comments=[
            {"id": 1, "parent": None, "author": "Marcus\x1b[31m Bell", "author_url": None,
             "date": "2016-05-12T18:07:44-07:00", "text": "First [bold]line[/bold]."},
            {"id": 2, "parent": 1, "author": None, "author_url": None, "date": None,
             "text": "A reply."},
            {"id": 3, "parent": 2, "author": "C", "author_url": None, "date": None,
             "text": "Deeper."},
        ]
    )  # fmt: skip


def test_comments_come_last_with_replies_indented() -> None:
    text = render(review_panel(with_comments()))
    lines = [line.strip("│").rstrip() for line in text.splitlines()]
    start = next(n for n, line in enumerate(lines) if "Comments (3)" in line)
    shown = [line for line in lines[start:] if line.strip()]
    assert shown[1].strip() == "Marcus Bell · 2016-05-12 18:07"
    assert shown[2].strip() == "First [bold]line[/bold]."
    assert shown[3].index("Anonymous") - shown[1].index("Marcus") == 4
    assert shown[5].index("C") - shown[1].index("Marcus") == 8
    assert "\x1b" not in text


def test_no_comments_no_heading() -> None:
    assert "Comments" not in render(review_panel(review()))
