"""The one text matcher behind ``list --search`` and ``search``: matching, relevance, snippets.

Every query word must occur (as a substring) in one of the chosen fields, case-
and accent-insensitively: ``"stephanie"`` finds ``"Stéphanie"``, ``"AMELIE"``
finds ``"Amélie"``. Text is folded with Unicode case folding and canonical
decomposition, dropping the combining marks (:func:`fold`); compatibility forms
(ligatures, full-width letters, superscripts) are not unfolded.

Fields and weights (title, tags and people weigh more than the body)::

    title   title + original title        10
    tags    every tag                      6
    people  director, cast, crew names     6
    body    tagline                        3   (``--in body`` covers both)
    body    the review text                1   (+ a little per repeated hit)

Speed: at 10,000 reviews with 5 KB bodies, folding every body would take about
0.7 s, so bodies are matched through a byte-level key (:func:`body_key`): UTF-8,
ASCII lowered, Latin-1 letters mapped to their base letter in one
``bytes.translate``. Bodies holding other letters (``ś``, Greek, combining
marks, ligatures …) are folded exactly instead. Figures: bench/README.md
(``bench/search_scan.py``).

    >>> matcher = Matcher("stephanie whale")
    >>> matcher.words
    ('stephanie', 'whale')
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from filmrev.model import Review

#: The values of ``search --in``.
FIELDS = ("title", "body", "tags", "people")
WEIGHTS = {"title": 10.0, "tags": 6.0, "people": 6.0, "tagline": 3.0, "body": 1.0}
SNIPPET_LENGTH = 200
SNIPPET_LEAD = 60

_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")
_WHITESPACE = re.compile(r"\s+")
_SIGNS = ("\u212a", "\u212b")  # KELVIN SIGN, ANGSTROM SIGN: would fold to "k", "a"
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")


def fold(text: str) -> str:
    """Case- and accent-insensitive form: ``"Stéphanie"`` → ``"stephanie"``, ``"ß"`` → ``"ss"``."""
    if text.isascii():
        return text.lower()
    for sign in _SIGNS:
        if sign in text:  # symbols, not letters, in a review; and the byte key skips them
            text = text.replace(sign, "\ufffd")
    folded = _COMBINING.sub("", unicodedata.normalize("NFD", text.casefold()))
    if folded.isascii():
        return folded
    return _NON_ASCII_RUN.sub(_drop_marks, folded)


def _drop_marks(run: re.Match[str]) -> str:
    """Combining marks outside the usual blocks (Hebrew points, Indic signs …)."""
    return "".join(char for char in run.group() if not unicodedata.combining(char))


# --- the byte-level body key -------------------------------------------------------------
#
# A key is a superset filter: if fold(body) contains an ASCII word w, then the key contains w
# (or, for a word with "ss", w with "ss" → "s", because ß maps to one byte). Its false hits
# are checked (see Matcher._body_counts). Bodies whose
# non-ASCII characters are all Latin-1 letters (lead byte C3) or characters that fold to no
# ASCII letter (C2: nbsp, «», ª…; E2: ’ “ — … and other symbols) take this path. Their lead
# bytes are deleted and each continuation byte becomes the folded base letter of the Latin-1
# letter it would be after C3 (or NUL), so "Stéphanie" keys as b"stephanie". The letters
# other lead bytes make would be wrong, but they only ever insert letters between two
# characters that fold to non-ASCII, which cannot break an ASCII hit.


RISKY = b"\x01"  # what the lead byte of a character the key cannot fold becomes


def _build_tables() -> tuple[bytes, bytes]:
    table = bytearray(range(256))
    for byte in range(ord("A"), ord("Z") + 1):
        table[byte] = byte + 32
    for byte in range(0x80, 0xC0):
        letter = fold(chr(0xC0 + byte - 0x80))
        if letter == "ss":
            letter = "s"
        table[byte] = ord(letter) if len(letter) == 1 and letter.isascii() else 0
    for byte in range(0xC0, 0x100):
        table[byte] = RISKY[0]
    safe_leads = bytes([0xC2, 0xC3, 0xE2])  # deleted from the key
    return bytes(table), safe_leads


_KEY_TABLE, _SAFE_LEADS = _build_tables()


def _key(raw: bytes) -> bytes | None:
    if raw.isascii():
        return raw.lower()
    key = raw.translate(_KEY_TABLE, _SAFE_LEADS)
    return None if RISKY in key else key


def body_key(text: str) -> bytes | None:
    """The byte key of a body, or None when it must be folded exactly."""
    return _key(text.encode("utf-8", "surrogatepass"))


# --- matching ---------------------------------------------------------------------------


#: Blocks holding every character (but ligatures) whose folded form is an ASCII letter:
#: Latin-1, Latin Extended-A/B, Latin Extended Additional.
_LATIN_BLOCKS = ((0xC0, 0x250), (0x1E00, 0x1F00))


def _latin_variants() -> dict[str, str]:
    """Lowercase variants of each ASCII letter: ``{"e": "eèéêëēĕėęěȅȇȩḕ…", ...}``.

    In these blocks no character folds to two ASCII letters but ß (the pattern spells
    "ss" both ways); outside them only the ligatures U+FB00–FB06 do, and the signs
    (see ``_SIGNS``); bodies with those are folded instead.
    """
    variants: dict[str, str] = {}
    for low, high in _LATIN_BLOCKS:
        for code in range(low, high):
            char = chr(code)
            base, lower = fold(char), char.lower()
            single = len(base) == 1 and base.isascii() and len(lower) == 1
            if single and lower != base and lower not in variants.get(base, ""):
                variants[base] = variants.get(base, base) + lower
    return variants


_LATIN_VARIANTS = _latin_variants()


def _spellings_of_s(count: int) -> list[str]:
    """Every way to write ``count`` folded s's: ``3`` → ``["sss", "sß", "ßs"]``."""
    if count < 2:
        return ["s" * count]
    return ["s" + rest for rest in _spellings_of_s(count - 1)] + [
        "ß" + rest for rest in _spellings_of_s(count - 2)
    ]


def _latin_pattern(word: str, *, marks: bool = False) -> re.Pattern[str]:
    """A pattern finding ``word`` in lowered Latin text, accents or not (ß for ss).

    With ``marks``, combining accents may follow any letter (decomposed text).
    """
    after = "[\u0300-\u036f]*" if marks else ""
    parts: list[str] = []
    for run in re.finditer(r"s+|[^s]", word):
        text = run.group()
        if text.startswith("s"):
            # A ß whose other half lies outside the hit may start or end the word.
            leads = (0, 1) if run.start() == 0 else (0,)
            trails = (0, 1) if run.end() == len(word) else (0,)
            spellings = sorted(
                {
                    "ß" * lead + middle + "ß" * trail
                    for lead in leads
                    for trail in trails
                    if len(text) - lead - trail >= 0
                    for middle in _spellings_of_s(len(text) - lead - trail)
                }
            )
            letter_s = f"[{_LATIN_VARIANTS.get('s', 's')}]"
            options = [
                "".join((letter_s if char == "s" else char) + after for char in spelling)
                for spelling in spellings
            ]
            parts.append(f"(?:{'|'.join(options)})")
        else:
            variants = _LATIN_VARIANTS.get(text)
            parts.append((f"[{variants}]" if variants else re.escape(text)) + after)
    return re.compile("".join(parts))


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


def _small_texts(review: Review, fields: Sequence[str]) -> dict[str, str]:
    texts: dict[str, str] = {}
    if "title" in fields:
        texts["title"] = fold(review.title)
        if review.original_title:
            texts["title"] += "\n" + fold(review.original_title)
    if "tags" in fields and review.tags:
        texts["tags"] = "\n".join(map(_fold_name, review.tags))
    if "people" in fields:
        people = review.people
        if people:
            texts["people"] = "\n".join(map(_fold_name, people))
    if "body" in fields and review.tagline:
        texts["tagline"] = fold(review.tagline)
    return texts


def _whole_word(word: str, text: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text) is not None


class Matcher:
    """A compiled query: ``Matcher("rust bone").match(review)`` → :class:`Hit` or None.

    An empty query matches every review.
    """

    def __init__(self, query: str, fields: Iterable[str] = FIELDS) -> None:
        self.query = query
        self.words = tuple(dict.fromkeys(fold(query).split()))
        self.fields = tuple(fields)
        self._byte_words = [word.encode("ascii") if word.isascii() else None for word in self.words]
        self._patterns = (
            [_latin_pattern(word) for word in self.words]
            if all(word is not None for word in self._byte_words)
            else None
        )

    def _body_counts(self, body: str) -> list[int]:
        """How often each word occurs in the folded body (exact for a word that is absent).

        The key is a superset filter, so a word missing from it is missing from the body.
        Letters the key makes from punctuation (``’`` → ``au``) could fake a hit, so when
        every word is in the key of a body with such characters (or a ß), the words are
        counted again in the lowered text with a pattern that also takes their accented
        spellings; the body holds no other letters than ASCII and Latin-1 there.
        """
        if self._patterns is not None:
            raw = body.encode("utf-8", "surrogatepass")
            key = _key(raw)
            if key is not None:
                words = [word for word in self._byte_words if word is not None]
                counts = [key.count(word) for word in words]
                sharp_s = b"\xc3\x9f" in raw and any(b"ss" in word for word in words)
                if raw.isascii() or (not all(counts) and not sharp_s):
                    return counts
                if not sharp_s and b"\xc2" not in raw and b"\xe2" not in raw:
                    return counts  # no letters made from punctuation: the key is exact
            # Ligatures fold to two letters; the signs to U+FFFD: both go to fold() below.
            if b"\xef\xac" not in raw and not any(sign in body for sign in _SIGNS):
                lowered = body.lower()
                # Combining marks (or "İ", which lowers to "i" + a combining dot).
                if b"\xcc" in raw or b"\xcd" in raw or b"\xc4\xb0" in raw:
                    patterns = [_latin_pattern(word, marks=True) for word in self.words]
                else:
                    patterns = self._patterns
                return [len(pattern.findall(lowered)) for pattern in patterns]
        folded = fold(body)
        return [folded.count(word) for word in self.words]

    def match(self, review: Review, *, scored: bool = True) -> Hit | None:
        """A hit when every word occurs in one of the fields; ``scored=False`` skips the score."""
        if not self.words:
            return Hit(review, 0.0, ())
        small = _small_texts(review, self.fields)
        missing = [not any(word in text for text in small.values()) for word in self.words]
        if not scored and not any(missing):
            return Hit(review, 0.0, ())
        body_counts: list[int] | None = None
        if "body" in self.fields:
            body_counts = self._body_counts(review.body)
            if any(gone and not count for gone, count in zip(missing, body_counts, strict=True)):
                return None
        elif any(missing):
            return None
        found_in: set[str] = set()
        score = 0.0
        for index, word in enumerate(self.words):
            best = 0.0
            for name, text in small.items():
                if word in text:
                    weight = WEIGHTS[name] * (1.5 if _whole_word(word, text) else 1.0)
                    best = max(best, weight)
                    found_in.add("body" if name == "tagline" else name)
            if body_counts is not None and body_counts[index]:
                best = max(best, WEIGHTS["body"]) + 0.2 * min(body_counts[index], 10)
                found_in.add("body")
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


def _fold_with_origins(text: str) -> tuple[str, list[int]]:
    """The folded text and, for each of its characters, the index it came from in ``text``."""
    if text.isascii():
        return text.lower(), list(range(len(text)))
    pieces: list[str] = []
    origins: list[int] = []
    position = 0
    for run in _ASCII_RUN.finditer(text):
        for index in range(position, run.start()):
            folded = fold(text[index])
            pieces.append(folded)
            origins.extend([index] * len(folded))
        pieces.append(run.group().lower())
        origins.extend(range(run.start(), run.end()))
        position = run.end()
    for index in range(position, len(text)):
        folded = fold(text[index])
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
