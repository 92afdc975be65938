"""The one text matcher behind ``list --search`` and ``search``: matching, relevance, snippets.

Searching a library goes through its SQLite FTS5 index (:mod:`filmrev.index`);
this module is the same matcher over Review objects: the scan used where SQLite
lacks FTS5, and the pieces both share (fields, hits, snippets).

Every query term must occur in one of the chosen fields, case- and accent-
insensitively (text and query folded by :func:`filmrev.folding.fold`): a word
matches the words it begins (``"whale"`` finds ``"whales"``), a phrase in quotes
matches those words in a row, straight and curly apostrophes are the same.

Fields and weights (title, tags and people weigh more than the body)::

    title   title + original title        10
    tags    every tag                      6
    people  director, cast, crew names     6
    body    tagline                        3   (``--in body`` covers both)
    body    the review text                1   (+ a little per repeated hit)

    >>> matcher = Matcher("stephanie whale")
    >>> matcher.words
    ('stephanie', 'whale')
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from filmrev.folding import fold
from filmrev.model import Review

#: The values of ``search --in``.
FIELDS = ("title", "body", "tags", "people")
WEIGHTS = {"title": 10.0, "tags": 6.0, "people": 6.0, "tagline": 3.0, "body": 1.0}
SNIPPET_LENGTH = 200
SNIPPET_LEAD = 60

_WHITESPACE = re.compile(r"\s+")

__all__ = [
    "FIELDS",
    "Hit",
    "Matcher",
    "Snippet",
    "fold",
    "make_snippet",
    "matches",
    "query_terms",
    "search",
]

_TERM = re.compile(r'"([^"]*)"|(\S+)')
_TOKEN = re.compile(r"\w+")


def query_terms(query: str) -> list[list[str]]:
    """The query's terms, each a list of tokens: a word, or a phrase in quotes.

    >>> query_terms('Stéphanie "rust and bone" l’amour')
    [['stephanie'], ['rust', 'and', 'bone'], ['l', 'amour']]
    """
    terms: list[list[str]] = []
    for match in _TERM.finditer(fold(query)):
        tokens = _TOKEN.findall(match.group(1) if match.group(1) is not None else match.group(2))
        if tokens and tokens not in terms:
            terms.append(tokens)
    return terms


def parse_fields(text: str | Iterable[str] | None) -> tuple[str, ...]:
    """``"title,body"`` → ``("title", "body")``; raises ValueError naming a bad field."""
    if text is None:
        return FIELDS
    parts = text.split(",") if isinstance(text, str) else list(text)
    chosen: list[str] = []
    for part in parts:
        name = part.strip().lower()
        if not name:
            continue
        if name not in FIELDS:
            raise ValueError(f"unknown field {part.strip()!r}; choose from {', '.join(FIELDS)}")
        if name not in chosen:
            chosen.append(name)
    if not chosen:
        raise ValueError(f"no field given; choose from {', '.join(FIELDS)}")
    return tuple(chosen)


@dataclass(frozen=True)
class Snippet:
    """A short excerpt of the body (whitespace collapsed) and the spans of the hits in it."""

    text: str
    spans: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Hit:
    """One matching review, its relevance, and the fields the words were found in."""

    review: Review
    score: float
    fields: tuple[str, ...]
    snippet: Snippet = field(default_factory=lambda: Snippet(""))


@lru_cache(maxsize=4096)
def _fold_name(name: str) -> str:
    """Folded tag or person name (they repeat across reviews, so folding is cached)."""
    return fold(name)


def _texts(review: Review, fields: Sequence[str]) -> dict[str, str]:
    texts: dict[str, str] = {}
    if "title" in fields:
        texts["title"] = fold(review.title)
        if review.original_title:
            texts["title"] += "\n" + fold(review.original_title)
    if "tags" in fields and review.tags:
        texts["tags"] = "\n".join(map(_fold_name, review.tags))
    if "people" in fields and review.people:
        texts["people"] = "\n".join(map(_fold_name, review.people))
    if "body" in fields:
        if review.tagline:
            texts["tagline"] = fold(review.tagline)
        texts["body"] = fold(review.body)
    return texts


def _term_pattern(tokens: Sequence[str]) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + r"\W+".join(map(re.escape, tokens)))


class Matcher:
    """A compiled query: ``Matcher("rust bone").match(review)`` → :class:`Hit` or None.

    An empty query matches every review.
    """

    def __init__(self, query: str, fields: Iterable[str] = FIELDS) -> None:
        self.query = query
        terms = query_terms(query)
        self.words = tuple(" ".join(tokens) for tokens in terms)
        self.fields = tuple(fields)
        self._patterns = [_term_pattern(tokens) for tokens in terms]

    def match(self, review: Review, *, scored: bool = True) -> Hit | None:
        """A hit when every term occurs in one of the fields; ``scored=False`` skips the score."""
        if not self.words:
            return Hit(review, 0.0, ())
        texts = _texts(review, self.fields)
        found_in: set[str] = set()
        score = 0.0
        for pattern in self._patterns:
            best = 0.0
            for name, text in texts.items():
                hits = len(pattern.findall(text)) if name == "body" else 0
                if hits or (name != "body" and pattern.search(text)):
                    weight = WEIGHTS[name] + (0.2 * min(hits, 10) if hits else 0.0)
                    best = max(best, weight)
                    found_in.add("body" if name == "tagline" else name)
                    if not scored:
                        break
            if not best:
                return None
            score += best
        ordered = tuple(name for name in FIELDS if name in found_in)
        return Hit(review, round(score, 3), ordered)


@lru_cache(maxsize=32)
def compile_query(query: str, fields: tuple[str, ...] = FIELDS) -> Matcher:
    return Matcher(query, fields)


def matches(review: Review, query: str, fields: Iterable[str] = FIELDS) -> bool:
    """Whether every word of ``query`` occurs in one of ``fields`` (the ``list --search`` test)."""
    return compile_query(query, tuple(fields)).match(review, scored=False) is not None


def search(
    reviews: Iterable[Review],
    query: str,
    fields: Iterable[str] = FIELDS,
    limit: int | None = None,
) -> list[Hit]:
    """Matching reviews, most relevant first (ties: title A→Z, then id), with snippets."""
    matcher = Matcher(query, fields)
    hits = [hit for review in reviews if (hit := matcher.match(review)) is not None]
    hits.sort(key=lambda hit: (-hit.score, fold(hit.review.title), hit.review.id))
    if limit is not None:
        hits = hits[:limit]
    return [
        Hit(hit.review, hit.score, hit.fields, make_snippet(hit.review, matcher.words))
        for hit in hits
    ]


# --- snippets ---------------------------------------------------------------------------


_ASCII_RUN = re.compile(r"[\x00-\x7f]+")


def _fold_char(char: str) -> str:
    """One character folded (white space kept: :func:`fold` would strip it)."""
    return char if char.isspace() else fold(char)


def _fold_with_origins(text: str) -> tuple[str, list[int]]:
    """The folded text and, for each of its characters, the index it came from in ``text``."""
    if text.isascii():
        return text.lower(), list(range(len(text)))
    pieces: list[str] = []
    origins: list[int] = []
    position = 0
    for run in _ASCII_RUN.finditer(text):
        for index in range(position, run.start()):
            folded = _fold_char(text[index])
            pieces.append(folded)
            origins.extend([index] * len(folded))
        pieces.append(run.group().lower())
        origins.extend(range(run.start(), run.end()))
        position = run.end()
    for index in range(position, len(text)):
        folded = _fold_char(text[index])
        pieces.append(folded)
        origins.extend([index] * len(folded))
    return "".join(pieces), origins


def _hit_spans(text: str, words: Sequence[str]) -> list[tuple[int, int]]:
    """Spans in ``text`` (original indices) where a word occurs, merged and sorted."""
    folded, origins = _fold_with_origins(text)
    spans: list[tuple[int, int]] = []
    for word in words:
        start = folded.find(word)
        while start != -1:
            end = start + len(word)
            spans.append((origins[start], origins[end - 1] + 1))
            start = folded.find(word, end)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _excerpt(text: str, spans: Sequence[tuple[int, int]], start: int, end: int) -> Snippet:
    """``text[start:end]`` with whitespace collapsed, "…" at cut ends, spans moved along."""
    pieces: list[str] = []
    positions: dict[int, int] = {}
    if start > 0:
        pieces.append("…")
    length = len(pieces[0]) if pieces else 0
    previous_space = True
    for index in range(start, end):
        char = text[index]
        positions[index] = length
        if char.isspace():
            if previous_space:
                continue
            char = " "
            previous_space = True
        else:
            previous_space = False
        pieces.append(char)
        length += 1
    positions[end] = length
    body = "".join(pieces).rstrip()
    if end < len(text):
        body += "…"
    moved = tuple(
        (positions[max(s, start)], positions[min(e, end)])
        for s, e in spans
        if s < end and e > start and positions[max(s, start)] < positions[min(e, end)]
    )
    return Snippet(body, moved)


def make_snippet(review: Review, words: Sequence[str], length: int = SNIPPET_LENGTH) -> Snippet:
    """At most about ``length`` characters of the body around its first hit.

    With no hit in the body: its first characters (or the tagline when it is empty).
    """
    text = review.body if review.body.strip() else review.tagline or ""
    spans = _hit_spans(text, words) if words else []
    if spans:
        first = spans[0][0]
        start = max(0, first - SNIPPET_LEAD)
        if start:
            # Start at a word boundary, not mid-word.
            boundary = _WHITESPACE.search(text, start, first)
            start = boundary.end() if boundary else start
    else:
        start = len(text) - len(text.lstrip())
    end = min(len(text), start + length)
    if end < len(text):
        cut = text.rfind(" ", start + length // 2, end)
        end = cut if cut != -1 else end
    return _excerpt(text, spans, start, end)
