"""Markdown: one review as a front-matter document, the ranked list, and the whole library."""

from __future__ import annotations

import re
from collections.abc import Sequence

from filmrev import frontmatter
from filmrev.model import Review
from filmrev.query import default_order
from filmrev.terminal import rating_label


def review_document(review: Review) -> str:
    """YAML front matter with every field but ``body``, a blank line, then the body."""
    fields = review.to_doc()
    body = fields.pop("body")
    return frontmatter.dump(fields, body)


def ranked_list_item(position: int, review: Review) -> str:
    """``1. Title (Year) — ★★★★ 4.0`` (no rating: just the title)."""
    line = f"{position}. {review.display_title}"
    if review.rating is not None:
        line += f" — {rating_label(review.rating)}"
    return line


def ranked_list(reviews: Sequence[Review]) -> str:
    """A numbered list of ranked films, ready to paste into a post."""
    return "".join(
        ranked_list_item(index, review) + "\n" for index, review in enumerate(reviews, 1)
    )


#: Heading level of a film in :func:`library_document` (under the ``# Reviews`` title).
FILM_HEADING_LEVEL = 2


def demote_headings(body: str, top: int = FILM_HEADING_LEVEL + 1) -> str:
    """``body`` with its headings moved so the highest one is level ``top`` (at most ``######``).

    The headings keep their order of levels (a body's ``##`` and ``###`` become ``###`` and
    ``####``). ATX (``## x``) and setext (``x`` over ``===``) headings are found by the
    Markdown parser, so a ``#`` in a code block or a paragraph is left alone; setext
    headings become ATX ones.

    >>> demote_headings("# Act one\\n\\nText.\\n\\n```\\n# not a heading\\n```\\n")
    '### Act one\\n\\nText.\\n\\n```\\n# not a heading\\n```\\n'
    """
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parse(body)
    headings = [token for token in tokens if token.type == "heading_open" and token.map]
    if not headings:
        return body
    shift = top - min(int(token.tag[1]) for token in headings)
    if shift <= 0:
        return body
    lines = body.splitlines(keepends=True)
    for token in reversed(headings):  # from the end, so earlier line numbers stay valid
        assert token.map is not None
        first, last = token.map
        level = min(int(token.tag[1]) + shift, 6)
        ending = "\n" if lines[last - 1].endswith("\n") else ""
        original = "".join(lines[first:last])
        atx = re.match(r"^ {0,3}(#{1,6})(?=[ \t]|$)", original)
        if atx:
            lines[first] = "#" * level + lines[first][atx.end() :]
        else:  # setext: the text lines, then the === or --- line
            text = " ".join(line.strip() for line in lines[first : last - 1])
            lines[first:last] = ["#" * level + " " + text + ending]
    return "".join(lines)


def _credit_lines(review: Review) -> list[str]:
    """``- **Director:** …``, ``- **Cast:** …`` and one line a crew role."""
    credits: list[tuple[str, Sequence[str]]] = []
    if review.director:
        credits.append(("Director", [review.director]))
    if review.cast:
        credits.append(("Cast", review.cast))
    credits.extend((role.capitalize(), names) for role, names in review.crew.items() if names)
    return [f"- **{label}:** {', '.join(names)}\n" for label, names in credits]


def library_document(reviews: Sequence[Review]) -> str:
    """One document: the ranked list first, then every review under its own heading.

    Each review has its rating, rank and tags, tagline, credits and links, then its body
    with the body's headings demoted below the film's heading.
    """
    ordered = default_order(reviews)
    ranked = [review for review in ordered if review.rank is not None]
    parts = ["# Reviews\n"]
    if ranked:
        parts.append("\n## Ranked\n\n" + ranked_list(ranked))
    for review in ordered:
        header = [f"\n{'#' * FILM_HEADING_LEVEL} {review.display_title}\n"]
        meta = [rating_label(review.rating) if review.rating is not None else ""]
        if review.rank is not None:
            meta.append(f"#{review.rank}")
        if review.tags:
            meta.append("Tags: " + " · ".join(review.tags))
        meta_line = " · ".join(part for part in meta if part)
        if meta_line:
            header.append(f"\n{meta_line}\n")
        if review.tagline:
            header.append(f"\n*{review.tagline}*\n")
        credits = _credit_lines(review)
        if credits:
            header.append("\n" + "".join(credits))
        if review.links:
            header.append("\nLinks: " + " · ".join(f"<{link}>" for link in review.links) + "\n")
        if review.body:
            header.append("\n" + demote_headings(review.body).rstrip("\n") + "\n")
        parts.append("".join(header))
    return "".join(parts)
