"""Review text between Markdown (filmrev) and Letterboxd's small HTML subset.

Letterboxd review text is HTML limited to ``p br i em b strong a blockquote``.
Its own export writes paragraphs as blank lines (older exports as ``<p>``) and
often leaves a ``<blockquote>`` "closed" by a second ``<blockquote>``;
Letterboxd never nests quotes, so :func:`html_to_markdown` reads a
``<blockquote>`` inside an open one as its end, and closes one left open at the
end of its paragraph. :func:`markdown_to_html` renders Markdown (CommonMark,
markdown-it-py) and keeps only the allowed tags (nh3), written the way
Letterboxd writes them: paragraphs as blank lines.

Text without any tag or entity is taken as it is (plain text is Markdown already),
so a plain review does not change on import.
"""

from __future__ import annotations

import re

ALLOWED_TAGS = frozenset({"p", "br", "i", "em", "b", "strong", "a", "blockquote"})
_TAG = re.compile(r"</?(?:p|br|i|em|b|strong|a|blockquote)\b[^>]*>", re.IGNORECASE)
_ENTITY = re.compile(r"&(?:#[0-9]+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]{1,31});")
_QUOTE_TAG = re.compile(r"<(/?)blockquote\b[^>]*>", re.IGNORECASE)
_BLOCK_START = re.compile(r"^\s*<(?:p|blockquote)\b", re.IGNORECASE)


def looks_like_html(text: str) -> bool:
    """Whether ``text`` holds a tag of the subset or an HTML entity."""
    return bool(_TAG.search(text) or _ENTITY.search(text))


def has_html_tags(text: str) -> bool:
    """Whether ``text`` holds a tag of the subset (entities alone do not count)."""
    return bool(_TAG.search(text))


def balance_blockquotes(html: str) -> str:
    """Letterboxd's unbalanced quotes made well-formed (no nesting; close what stays open)."""
    out: list[str] = []
    position = 0
    open_at: int | None = None
    for match in _QUOTE_TAG.finditer(html):
        out.append(html[position : match.start()])
        position = match.end()
        closing = match.group(1) == "/"
        if open_at is None and not closing:
            out.append("<blockquote>")
            open_at = len(out)
        elif open_at is not None:
            out.append("</blockquote>")  # a second opener ends the quote
            open_at = None
        # a closer with nothing open is dropped
    rest = html[position:]
    if open_at is not None:
        end = rest.find("\n\n")
        if end < 0:
            rest += "</blockquote>"
        else:
            rest = rest[:end] + "</blockquote>" + rest[end:]
    out.append(rest)
    return "".join(out)


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

    html = _paragraphs(balance_blockquotes(text.replace("\r\n", "\n")))
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


def markdown_to_html(text: str) -> str:
    """Markdown → Letterboxd's HTML subset (paragraphs as blank lines, no other tags)."""
    if not text.strip():
        return ""
    import nh3
    from markdown_it import MarkdownIt

    rendered = MarkdownIt("commonmark", {"html": True, "breaks": False}).render(text)
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
