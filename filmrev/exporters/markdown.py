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


_FENCE_OPEN = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_ATX = re.compile(r"^ {0,3}(#{1,6})(?=[ \t]|$)")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_CONTAINER = re.compile(r"^ {0,3}(?:[-*+][ \t]|\d{1,9}[.)][ \t]|>|<)")
_INDENTED = re.compile(r"^(?: {4}|\t)")


def heading_lines(lines: Sequence[str]) -> list[tuple[int, int, int]]:
    """``(first, end, level)`` of each heading among ``lines``, as CommonMark reads them.

    A line scan (a Markdown parser costs ~1 ms a body, seconds for a big library): ATX
    headings and setext ones (text over ``===``/``---``), skipping fenced and indented
    code; lines inside lists, quotes and HTML blocks are never headings here.
    """
    found: list[tuple[int, int, int]] = []
    fence: str | None = None
    paragraph: int | None = None  # first line of the paragraph being read
    container = False  # inside a list item, quote or HTML block until a blank line
    for number, line in enumerate(lines):
        text = line.rstrip("\r\n")
        if fence is not None:
            closing = _FENCE_OPEN.match(text)
            if (
                closing
                and closing.group(1)[0] == fence[0]
                and len(closing.group(1)) >= len(fence)
                and not text[closing.end() :].strip()
            ):
                fence = None
            continue
        opening = _FENCE_OPEN.match(text)
        if opening and not (opening.group(1)[0] == "`" and "`" in text[opening.end() :]):
            fence, paragraph = opening.group(1), None
            continue
        if not text.strip():
            paragraph, container = None, False
            continue
        if paragraph is None and not container and _INDENTED.match(text):
            continue  # indented code
        atx = _ATX.match(text)
        if atx and not container:
            found.append((number, number + 1, len(atx.group(1))))
            paragraph = None
            continue
        setext = _SETEXT.match(text)
        if setext and paragraph is not None:
            found.append((paragraph, number + 1, 1 if setext.group(1)[0] == "=" else 2))
            paragraph = None
            continue
        if _CONTAINER.match(text):
            paragraph, container = None, True
        elif paragraph is None and not container and not setext:
            paragraph = number
    return found


def demote_headings(body: str, top: int = FILM_HEADING_LEVEL + 1) -> str:
    """``body`` with its headings moved so the highest one is level ``top`` (at most ``######``).

    The headings keep their order of levels (a body's ``##`` and ``###`` become ``###`` and
    ``####``); setext headings (text over ``===``) become ATX ones; a ``#`` in code or in
    a paragraph is left alone.

    >>> demote_headings("# Act one\\n\\nText.\\n\\n```\\n# not a heading\\n```\\n")
    '### Act one\\n\\nText.\\n\\n```\\n# not a heading\\n```\\n'
    """
    lines = body.splitlines(keepends=True)
    headings = heading_lines(lines)
    if not headings:
        return body
    shift = top - min(level for _, _, level in headings)
    if shift <= 0:
        return body
    for first, last, old_level in reversed(headings):  # from the end: line numbers stay valid
        level = min(old_level + shift, 6)
        ending = "\n" if lines[last - 1].endswith("\n") else ""
        atx = _ATX.match(lines[first])
        if atx and last == first + 1:
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
