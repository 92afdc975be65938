"""Review text between Markdown (filmrev) and Letterboxd's small HTML subset.

Letterboxd review text is HTML limited to ``p br i em b strong a blockquote``.
Its own export writes paragraphs as blank lines (older exports as ``<p>``) and
often leaves a ``<blockquote>`` (or ``<i>``) "closed" by a second opener;
Letterboxd never nests them, so :func:`html_to_markdown` reads an opener inside
an open one of the same tag as its end, and closes one left open at the end of
its paragraph. :func:`markdown_to_html` renders Markdown (CommonMark,
markdown-it-py) and keeps only the allowed tags (nh3), written the way
Letterboxd writes them: paragraphs as blank lines.

Text without any tag or entity is taken as it is (plain text is Markdown already),
so a plain review does not change on import.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

ALLOWED_TAGS = frozenset({"p", "br", "i", "em", "b", "strong", "a", "blockquote"})
_TAG = re.compile(r"</?(?:p|br|i|em|b|strong|a|blockquote)\b[^>]*>", re.IGNORECASE)
_ENTITY = re.compile(r"&(?:#[0-9]+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]{1,31});")
_BLOCK_START = re.compile(r"^\s*<(?:p|blockquote)\b", re.IGNORECASE)


def looks_like_html(text: str) -> bool:
    """Whether ``text`` holds a tag of the subset or an HTML entity."""
    return bool(_TAG.search(text) or _ENTITY.search(text))


def has_html_tags(text: str) -> bool:
    """Whether ``text`` holds a tag of the subset (entities alone do not count)."""
    return bool(_TAG.search(text))


def balance_tags(html: str, tag: str = "blockquote") -> str:
    """Letterboxd's unbalanced ``tag`` made well-formed (no nesting; close what stays open).

    Its export writes ``<i>culpable<i>`` and ``<blockquote>quote<blockquote>``: a
    second opener while one is open is the closer; one left open closes at the end
    of its paragraph; a closer with nothing open is dropped.
    """
    pattern = re.compile(rf"<(/?){tag}\b[^>]*>", re.IGNORECASE)
    out: list[str] = []
    position = 0
    is_open = False
    for match in pattern.finditer(html):
        out.append(html[position : match.start()])
        position = match.end()
        closing = match.group(1) == "/"
        if not is_open and not closing:
            out.append(f"<{tag}>")
            is_open = True
        elif is_open:
            out.append(f"</{tag}>")  # a second opener ends it
            is_open = False
    rest = html[position:]
    if is_open:
        end = rest.find("\n\n")
        rest = rest + f"</{tag}>" if end < 0 else rest[:end] + f"</{tag}>" + rest[end:]
    out.append(rest)
    return "".join(out)


def balance_blockquotes(html: str) -> str:
    """Every quote and inline tag of the subset balanced (:func:`balance_tags`)."""
    for tag in ("blockquote", "i", "em", "b", "strong"):
        html = balance_tags(html, tag)
    return html


_INLINE = re.compile(r"<(i|em|b|strong)>(\s*)(.*?)(\s*)</\1>", re.IGNORECASE | re.DOTALL)


def _tight_emphasis(html: str) -> str:
    """``<i>Almut </i>y`` → ``<i>Almut</i> y``: in Markdown ``*Almut *y`` is no emphasis."""
    return _INLINE.sub(lambda m: f"{m[2]}<{m[1]}>{m[3]}</{m[1]}>{m[4]}" if m[3] else m[0], html)


def _paragraphs(html: str) -> str:
    """Blank-line paragraphs as ``<p>``, single newlines as ``<br>`` (when there is no ``<p>``)."""
    if re.search(r"<p\b", html, re.IGNORECASE):
        return html
    blocks = []
    for chunk in re.split(r"\n[ \t]*\n+", html.strip()):
        chunk = chunk.strip()
        if not chunk:
            continue
        inner = chunk.replace("\n", "<br>\n")
        blocks.append(inner if _BLOCK_START.match(chunk) else f"<p>{inner}</p>")
    return "\n".join(blocks)


def html_to_markdown(text: str) -> str:
    """Letterboxd review HTML → Markdown; text with no HTML is returned as it is."""
    if not looks_like_html(text):
        return text
    from markdownify import markdownify

    html = _paragraphs(_tight_emphasis(balance_blockquotes(text.replace("\r\n", "\n"))))
    markdown = markdownify(
        html,
        heading_style="ATX",
        strong_em_symbol="*",
        convert=sorted(ALLOWED_TAGS),
        escape_misc=False,
        newline_style="backslash",
    )
    lines = [line.rstrip() for line in markdown.strip().split("\n")]
    cleaned = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
    return cleaned + "\n" if cleaned else ""


@functools.cache
def _renderer() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True, "breaks": False})


def markdown_to_html(text: str) -> str:
    """Markdown → Letterboxd's HTML subset (paragraphs as blank lines, no other tags)."""
    if not text.strip():
        return ""
    import nh3

    rendered = _renderer().render(text)
    # Letterboxd has no headings, rules or lists: a heading is a bold paragraph, a rule
    # the "* * *" line, an item a line of its own, as it was typed.
    rendered = re.sub(r"<h[1-6]>(.*?)</h[1-6]>", r"<p><strong>\1</strong></p>", rendered)
    rendered = re.sub(r"<hr\s*/?>", "<p>* * *</p>", rendered)
    rendered = re.sub(r"<li>\s*(?:<p>)?", "- ", rendered)
    rendered = re.sub(r"\s*(?:</p>)?\s*</li>\s*", "<br>\n", rendered)
    rendered = re.sub(r"(?:<br>\n)?</[ou]l>", "</p>", rendered)
    rendered = re.sub(r"<[ou]l[^>]*>\s*", "<p>", rendered)
    clean = nh3.clean(
        rendered,
        tags=set(ALLOWED_TAGS),
        attributes={"a": {"href"}},
        link_rel=None,
        strip_comments=True,
    )
    clean = re.sub(r"<br\s*/?>\n?", "\n", clean)  # Letterboxd writes line breaks as newlines
    clean = re.sub(r"<blockquote>\s*", "<blockquote>", clean)
    clean = re.sub(r"\s*</blockquote>", "</blockquote>", clean)
    clean = re.sub(r"<p>", "", clean)
    clean = re.sub(r"</p>\s*", "\n\n", clean)
    clean = re.sub(r"(<blockquote>.*?)\n\n</blockquote>", r"\1</blockquote>", clean, flags=re.S)
    clean = re.sub(r"</blockquote>\n?(?=.)", "</blockquote>\n\n", clean)
    return re.sub(r"\n{3,}", "\n\n", clean).strip()
