"""A review's body as Rich Markdown, for ``show`` (see :func:`filmrev.render.review_panel`).

Imported only when a body is shown: rich.markdown (markdown-it, pygments) costs ~25 ms
that ``list`` and ``rank`` skip.
"""

from __future__ import annotations

from collections.abc import Sequence

from markdown_it.token import Token
from rich.markdown import Markdown

from filmrev.readable import body_markdown


def body_renderable(body: str) -> Markdown:
    """The body as Rich Markdown: HTML converted, images as an ``[image: …]`` line of their own.

    Rich draws an image as a separate piece before the rest of its paragraph, so a caption
    typed after ``![…](…)`` overflowed the line and was cut at narrow widths.
    """
    markdown = Markdown(body_markdown(body), hyperlinks=False)
    _replace_images(markdown.parsed)
    return markdown


def _replace_images(tokens: Sequence[object]) -> None:
    """Swap each inline image token for italic ``[image: ALT]`` text, ending its line."""
    for token in tokens:
        if not isinstance(token, Token) or not token.children:
            continue
        children: list[Token] = []
        previous_image = False
        for child in token.children:
            if child.type == "image":
                label = child.content or str(child.attrs.get("src", "")).rsplit("/", 1)[-1]
                if children and children[-1].type not in ("softbreak", "hardbreak"):
                    children.append(Token("hardbreak", "br", 0))
                children.append(Token("em_open", "em", 1))
                children.append(Token("text", "", 0, content=f"[image: {label}]"))
                children.append(Token("em_close", "em", -1))
                previous_image = True
                continue
            if previous_image and child.type == "softbreak":
                child = Token("hardbreak", "br", 0)
            elif previous_image and child.type == "text" and child.content.strip():
                children.append(Token("hardbreak", "br", 0))
            previous_image = False
            children.append(child)
        token.children = children
