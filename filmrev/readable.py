"""Stored text made readable on a terminal: HTML in bodies, images, and plain search snippets.

Bodies are Markdown, but Letterboxd reviews arrive as HTML (``<blockquote>``, ``<i>``,
``<a href>``) and Rich's Markdown drops HTML blocks, so :func:`body_markdown` turns the
HTML parts of a body into Markdown first (markdownify), leaving Markdown parts alone
(:func:`filmrev.views.body.body_renderable` makes that Rich Markdown).
:func:`plain_snippet` strips Markdown and HTML syntax from a search snippet and moves
the hit spans along. Both are pure functions of text: the stored body is never changed.

    >>> plain_snippet("the *whale* ![Marion](m.jpg) ## Act two", ((5, 10),))
    ('the whale (image: Marion) Act two', ((4, 9),))
"""

from __future__ import annotations

import re
from collections.abc import Sequence

#: Tags that mark a body (or a block of it) as HTML; anything else in ``<…>`` stays text.
_HTML_TAG = re.compile(
    r"</?(?:a|abbr|b|blockquote|br|cite|code|del|div|em|figcaption|figure|h[1-6]|hr|i|img"
    r"|ins|li|mark|ol|p|pre|q|s|small|span|strike|strong|sub|sup|table|tbody|td|th|thead"
    r"|tr|u|ul)\b[^>]*>",
    re.IGNORECASE,
)
#: Block tags that may hold blank lines: a block is not split inside one of them.
_BLOCK_TAGS = ("blockquote", "div", "figure", "ol", "p", "pre", "table", "ul")
#: Tags people type twice for open and close (``<i>word<i>``, seen in Letterboxd exports).
_TOGGLED_TAGS = ("b", "blockquote", "em", "i", "s", "strong", "u")
#: A line that gives a Markdown block its structure (list item, heading, quote, fence).
_MARKDOWN_LINE = re.compile(r"^\s*(?:[-*+]\s|\d+[.)]\s|#{1,6}\s|>|```|~~~)")
_FENCE = re.compile(r"^\s*(```|~~~)")


def has_html(text: str) -> bool:
    """Whether ``text`` holds HTML markup that a Markdown renderer would drop or show raw."""
    return _HTML_TAG.search(text) is not None


def _close_toggled_tags(html: str) -> str:
    """``<i>a<i>`` → ``<i>a</i>`` for a tag that is opened but never closed in ``html``.

    Letterboxd shows such reviews as their authors meant; an HTML parser would nest
    every later paragraph inside the first ``<blockquote>``. Well-formed HTML is untouched.
    """
    for name in _TOGGLED_TAGS:
        if re.search(rf"</{name}\s*>", html, re.IGNORECASE):
            continue
        opening = re.compile(rf"<{name}(?:\s[^>]*)?>", re.IGNORECASE)
        count = 0

        def toggle(match: re.Match[str], name: str = name) -> str:
            nonlocal count
            count += 1
            return match.group(0) if count % 2 else f"</{name}>"

        html = opening.sub(toggle, html)
    return html


def _open_blocks(chunk: str) -> int:
    depth = 0
    for name in _BLOCK_TAGS:
        depth += len(re.findall(rf"<{name}(?:\s[^>]*)?>", chunk, re.IGNORECASE))
        depth -= len(re.findall(rf"</{name}\s*>", chunk, re.IGNORECASE))
    return depth


def _chunks(body: str) -> list[tuple[str, bool]]:
    """The body cut at blank lines (not inside a fence or an open HTML block): (text, is_code)."""
    chunks: list[tuple[str, bool]] = []
    current: list[str] = []
    fence: str | None = None

    def flush(is_code: bool = False) -> None:
        if current:
            chunks.append(("\n".join(current), is_code))
            current.clear()

    for line in body.split("\n"):
        marker = _FENCE.match(line)
        if fence is not None:
            current.append(line)
            if marker and marker.group(1) == fence:
                flush(is_code=True)
                fence = None
        elif marker:
            flush()
            fence = marker.group(1)
            current.append(line)
        elif not line.strip() and _open_blocks("\n".join(current)) <= 0:
            flush()
        else:
            current.append(line)
    flush(is_code=fence is not None)
    return chunks


def _html_to_markdown(html: str) -> str:
    from markdownify import markdownify

    converted: str = markdownify(
        html,
        heading_style="ATX",
        bullets="-",
        escape_asterisks=False,
        escape_underscores=False,
        escape_misc=False,
    )
    return converted.strip("\n")


def body_markdown(body: str) -> str:
    """``body`` with its HTML blocks and inline tags written as Markdown (no HTML: unchanged).

    Markdown around the HTML is kept as it is; code blocks are never touched.

    >>> body_markdown('<blockquote>Who are we then?</blockquote>\\n\\nSee <i>In-Yun</i>.')
    '> Who are we then?\\n\\nSee *In-Yun*.'
    """
    if not has_html(body):
        return body
    parts: list[str] = []
    for chunk, is_code in _chunks(_close_toggled_tags(body)):
        if is_code or not has_html(chunk):
            parts.append(chunk)
        elif any(_MARKDOWN_LINE.match(line) for line in chunk.split("\n")):
            # A Markdown list or heading with inline HTML: convert line by line, keep the lines.
            parts.append("\n".join(_inline_line(line) for line in chunk.split("\n")))
        else:
            parts.append(_html_to_markdown(chunk))
    return "\n\n".join(part for part in parts if part.strip())


def _inline_line(line: str) -> str:
    if not has_html(line):
        return line
    prefix = re.match(r"^\s*(?:[-*+]\s+|\d+[.)]\s+|#{1,6}\s+|(?:>\s?)+)?", line)
    lead = prefix.group(0) if prefix else ""
    return lead + _html_to_markdown(line[len(lead) :])


# --- search snippets ------------------------------------------------------------------------

_SNIPPET_SYNTAX = re.compile(
    r"(?P<image>!\[(?P<alt>[^\]]*)\]\([^)]*\))"
    r"|(?P<link>\[(?P<text>[^\]]+)\]\([^)]*\))"
    r"|(?P<cut_link>\]\([^)\s]*$)"
    r"|(?P<cut_open>!?\[(?=[^\]]*(?:\]\([^)]*)?$))"
    r"|(?P<tag></?[A-Za-z][A-Za-z0-9]*(?:\s[^>]*)?>)"
    r"|(?P<escape>\\(?=[\\`*_{}\[\]()#+\-.!>]))"
    r"|(?P<heading>(?:^|(?<=\s)|(?<=…))#{1,6}(?=\s))"
    r"|(?P<bullet>(?:^|(?<=\s)|(?<=…))[*+](?=\s))"
    r"|(?P<quote>(?:^|(?<=…))>(?=\s))"
    r"|(?P<strong>\*\*|__|~~)"
    r"|(?P<emphasis>(?<![\w*])[*_](?=[^\s*_])|(?<=[^\s*_])[*_](?![\w*]))"
    r"|(?P<code>`+)"
)


def plain_snippet(
    text: str, spans: Sequence[tuple[int, int]] = ()
) -> tuple[str, tuple[tuple[int, int], ...]]:
    """``text`` without Markdown or HTML syntax, and ``spans`` moved to match.

    ``*a*``, ``**a**``, ``_a_``, `` `a` ``, ``[a](url)`` become ``a``; ``![alt](src)``
    becomes ``(image: alt)``; ``## `` heading marks, ``* `` bullets, ``> `` quotes and
    HTML tags go. A span whose characters were all syntax (a hit in a link's URL) is dropped.

    >>> plain_snippet("**Bold** [link](https://x.org) <i>it</i>")
    ('Bold link it', ())
    """
    pieces: list[str] = []
    # new_index[i] is where original character i went, or -1 when it was syntax.
    new_index = [-1] * len(text)
    length = 0

    def keep(start: int, end: int) -> None:
        nonlocal length
        for index in range(start, end):
            new_index[index] = length
            length += 1
        pieces.append(text[start:end])

    def insert(value: str) -> None:
        nonlocal length
        pieces.append(value)
        length += len(value)

    position = 0
    for match in _SNIPPET_SYNTAX.finditer(text):
        keep(position, match.start())
        kind = match.lastgroup
        if kind == "image":
            insert("(image: " if match.group("alt") else "(image")
            keep(match.start("alt"), match.end("alt"))
            insert(")")
        elif kind == "link":
            keep(match.start("text"), match.end("text"))
        position = match.end()
    keep(position, len(text))
    moved: list[tuple[int, int]] = []
    for start, end in spans:
        kept = [new_index[index] for index in range(start, min(end, len(text)))]
        kept = [index for index in kept if index >= 0]
        if kept:
            moved.append((kept[0], kept[-1] + 1))
    plain = "".join(pieces)
    squeezed = re.sub(r" {2,}", " ", plain)
    if squeezed != plain:  # collapse the double spaces a removed tag or mark left behind
        return _squeeze(plain, moved)
    return plain, tuple(moved)


def _squeeze(
    text: str, spans: Sequence[tuple[int, int]]
) -> tuple[str, tuple[tuple[int, int], ...]]:
    new_index: list[int] = []
    pieces: list[str] = []
    for index, char in enumerate(text):
        if char == " " and index and text[index - 1] == " ":
            new_index.append(len(pieces) - 1)
            continue
        new_index.append(len(pieces))
        pieces.append(char)
    new_index.append(len(pieces))
    moved = tuple(
        (new_index[start], max(new_index[start] + 1, new_index[end - 1] + 1))
        for start, end in spans
    )
    return "".join(pieces), moved
