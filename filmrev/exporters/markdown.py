"""Markdown: one review as a front-matter document, the ranked list, and the whole library."""

from __future__ import annotations

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


def library_document(reviews: Sequence[Review]) -> str:
    """One document: the ranked list first, then every review."""
    ordered = default_order(reviews)
    ranked = [review for review in ordered if review.rank is not None]
    parts = ["# Reviews\n"]
    if ranked:
        parts.append("\n## Ranked\n\n" + ranked_list(ranked))
    for review in ordered:
        header = [f"\n## {review.display_title}\n"]
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
        if review.body:
            header.append("\n" + review.body.rstrip("\n") + "\n")
        parts.append("".join(header))
    return "".join(parts)
