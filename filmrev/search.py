"""The one text matcher behind ``list --search`` and ``search``.

Every query word must match somewhere in the chosen fields, case- and
accent-insensitively ("stephanie" finds "Stéphanie").
"""

from __future__ import annotations

from collections.abc import Iterable

from filmrev.model import Review
from filmrev.refs import fold

FIELDS = ("title", "body", "tags", "people")


def field_texts(review: Review, fields: Iterable[str] = FIELDS) -> dict[str, str]:
    """The folded text of each searchable field."""
    wanted = set(fields)
    texts: dict[str, str] = {}
    if "title" in wanted:
        texts["title"] = fold(
            " ".join(filter(None, [review.title, review.original_title, review.tagline]))
        )
    if "tags" in wanted:
        texts["tags"] = fold("\n".join(review.tags))
    if "people" in wanted:
        texts["people"] = fold("\n".join(review.people))
    if "body" in wanted:
        texts["body"] = fold(review.body)
    return texts


def query_words(query: str) -> list[str]:
    return fold(query).split()


def matches(review: Review, query: str, fields: Iterable[str] = FIELDS) -> bool:
    """Whether every word of ``query`` occurs in one of ``fields``."""
    words = query_words(query)
    texts = list(field_texts(review, fields).values())
    return all(any(word in text for text in texts) for word in words)
