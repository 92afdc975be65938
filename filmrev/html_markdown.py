"""WordPress post HTML → the Markdown a person would have written.

Order of work (each step uses what the markup meant before it is removed):

1. ``<!--more-->`` and embeds (``wp:embed`` blocks, ``[embed]``, ``[youtube]``,
   ``[vimeo]``, a bare YouTube/Vimeo URL on its own line) become placeholders;
   ``[caption]`` shortcodes become ``<figure>`` with ``<figcaption>``.
2. Classic-editor content (no ``<!-- wp:`` block comments) gets WordPress's
   ``wpautop`` paragraph rules: a blank line separates paragraphs, a single
   newline is a line break. Block comments are removed.
3. markdownify converts the HTML; images and figures are collected on the way
   (``![caption](src)``, the attachment's full-size URL when the id resolves).
4. Placeholders come back as a ``<!--more-->`` line and ``<URL>`` link lines.

Shortcodes that are not understood stay in the text as they were and are listed.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

MORE_LINE = "<!--more-->"
_TOKEN = "FILMREVPLACEHOLDER{}X"
_TOKEN_RE = re.compile(r"FILMREVPLACEHOLDER(\d+)X")
_MORE_RE = re.compile(r"<!--more(?:\s[^>]*)?-->")
_EMBED_BLOCK_RE = re.compile(
    r"<!-- wp:(?:core-)?embed(?:/[\w-]+)?\s+(\{.*?\})\s*-->"
    r".*?<!-- /wp:(?:core-)?embed(?:/[\w-]+)? -->",
    re.DOTALL,
)
VIDEO_URL_RE = re.compile(
    r"https?://(?:www\.|m\.)?(?:youtube\.com/(?:watch\?\S+|embed/\S+|shorts/\S+)"
    r"|youtu\.be/\S+|(?:player\.)?vimeo\.com/\S+)",
    re.IGNORECASE,
)
#: The classic-editor embeds in one pattern, so they are found in the order they appear.
_EMBEDS_RE = re.compile(
    r"\[embed[^\]]*\]\s*(?P<embed>\S+?)\s*\[/embed\]"
    r"|\[(?P<kind>youtube|vimeo)[=\s]\s*(?P<id>[^\]\s]+)[^\]]*\]"
    r"|^[ \t]*(?:<p>)?[ \t]*(?P<bare>" + VIDEO_URL_RE.pattern + r")[ \t]*(?:</p>)?[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)
_CAPTION_RE = re.compile(r"\[caption([^\]]*)\](.*?)\[/caption\]", re.DOTALL | re.IGNORECASE)
_BLOCK_COMMENT_RE = re.compile(r"<!--\s*/?wp:[^>]*?-->")
_ATTR_RE = re.compile(r'(\w+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\'|(\S+))')
_IMG_RE = re.compile(r"<a\b[^>]*>\s*(<img\b[^>]*>)\s*</a>|(<img\b[^>]*>)", re.IGNORECASE)
_SHORTCODE_RE = re.compile(r"\[(/?)([a-zA-Z][\w-]*)((?:\s[^\]]*)?)\]")
#: Shortcodes WordPress (core or Jetpack) registers: listed even without attributes.
KNOWN_SHORTCODES = frozenset(
    {
        "audio",
        "gallery",
        "playlist",
        "video",
        "wpvideo",
        "soundcloud",
        "gist",
        "googlemaps",
        "contact-form",
        "slideshow",
        "tweet",
        "instagram",
        "spotify",
        "dailymotion",
        "ted",
        "archives",
        "sitemap",
        "code",
        "sourcecode",
    }
)
_SIZE_SUFFIX_RE = re.compile(r"-\d+x\d+(?=\.\w+$)")
_BLOCK_TAGS = (
    "table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|"
    "map|area|blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend|section|article|"
    "aside|hgroup|header|footer|nav|figure|figcaption|details|menu|summary|iframe|script"
)
_STARTS_BLOCK_RE = re.compile(rf"^\s*</?(?:{_BLOCK_TAGS})\b", re.IGNORECASE)
_ENDS_BLOCK_RE = re.compile(rf"</?(?:{_BLOCK_TAGS})\b[^>]*>\s*$", re.IGNORECASE)


@dataclass
class BodyImage:
    src: str
    caption: str | None
    attachment_id: int | None


@dataclass
class Converted:
    """The Markdown body and what was found on the way."""

    markdown: str
    images: list[BodyImage] = field(default_factory=list)
    embeds: list[str] = field(default_factory=list)
    shortcodes: list[str] = field(default_factory=list)
    blocks: bool = False


def _attributes(text: str) -> dict[str, str]:
    return {
        match.group(1).lower(): html.unescape(next(g for g in match.groups()[1:] if g is not None))
        for match in _ATTR_RE.finditer(text)
    }


def is_video_url(url: str) -> bool:
    """A YouTube or Vimeo address (what WordPress turns into an embedded player)."""
    return VIDEO_URL_RE.fullmatch(url.strip()) is not None


def wpautop(text: str) -> str:
    """WordPress's paragraph rules for classic-editor content (the common cases).

    Text separated by a blank line becomes ``<p>`` paragraphs, a single newline inside
    a paragraph a ``<br />``; chunks that already are block-level HTML stay as they are,
    and ``<pre>`` is left alone.
    """
    kept: list[str] = []

    def keep_pre(match: re.Match[str]) -> str:
        kept.append(match.group(0))
        return f"\n\n{_TOKEN.format('PRE' + str(len(kept) - 1))}\n\n"

    text = re.sub(r"<pre\b.*?</pre>", keep_pre, text, flags=re.DOTALL | re.IGNORECASE)
    # Block tags on a line of their own separate paragraphs, as in WordPress.
    text = re.sub(rf"(<(?:{_BLOCK_TAGS})\b[^>]*>)", r"\n\n\1", text, flags=re.IGNORECASE)
    text = re.sub(rf"(</(?:{_BLOCK_TAGS})>)", r"\1\n\n", text, flags=re.IGNORECASE)
    paragraphs: list[str] = []
    for chunk in re.split(r"\n\s*\n", text):
        chunk = chunk.strip("\n")
        if not chunk.strip():
            continue
        if (
            _STARTS_BLOCK_RE.match(chunk)
            or _ENDS_BLOCK_RE.search(chunk)
            or "PLACEHOLDERPRE" in chunk
        ):
            paragraphs.append(chunk)
        else:
            paragraphs.append("<p>" + chunk.replace("\n", "<br />\n") + "</p>")
    result = "\n\n".join(paragraphs)
    for index, block in enumerate(kept):
        result = result.replace(_TOKEN.format("PRE" + str(index)), block)
    return result


def _converter_class() -> Any:
    from markdownify import ATX, MarkdownConverter

    class Converter(MarkdownConverter):
        def __init__(self, resolve: Any, found: list[BodyImage]) -> None:
            super().__init__(heading_style=ATX, bullets="-", escape_misc=False)
            self.resolve = resolve
            self.found = found

        def _image(self, img: Any, caption: str | None, attachment: int | None) -> str:
            src = str(img.get("src") or "").strip()
            if not src:
                return ""
            if attachment is None:
                for name in img.get("class") or []:
                    if name.startswith("wp-image-") and name[9:].isdigit():
                        attachment = int(name[9:])
            src = self.resolve(src, attachment)
            text = caption or str(img.get("alt") or "").strip()
            self.found.append(BodyImage(src, caption or None, attachment))
            label = re.sub(r"\s+", " ", text).replace("[", "\\[").replace("]", "\\]")
            target = f"<{src}>" if re.search(r"[\s()<>]", src) else src
            return f"![{label}]({target})"

        def convert_img(self, el: Any, text: str, parent_tags: set[str]) -> str:
            if "figure" in parent_tags:
                return ""
            return self._image(el, None, None)

        def convert_figcaption(self, el: Any, text: str, parent_tags: set[str]) -> str:
            return ""

        def convert_a(self, el: Any, text: str, parent_tags: set[str]) -> str:
            if el.find("img") is not None and not el.get_text(strip=True):
                return text  # a thumbnail linking to its full size: the image is enough
            convert_link: Any = super().convert_a  # type: ignore[misc]
            return str(convert_link(el, text, parent_tags))

        def convert_figure(self, el: Any, text: str, parent_tags: set[str]) -> str:
            img = el.find("img")
            if img is None:
                return text
            caption_el = el.find("figcaption")
            caption = caption_el.get_text(" ", strip=True) if caption_el is not None else ""
            attachment = el.get("data-attachment")
            ident = int(attachment) if attachment and str(attachment).isdigit() else None
            return "\n\n" + self._image(img, caption or None, ident) + "\n\n"

    return Converter


def html_to_markdown(
    content: str, attachments: Mapping[int, str] | None = None, *, classic: bool | None = None
) -> Converted:
    """Convert one post's ``content:encoded``; ``attachments`` maps attachment id → full URL."""
    from bs4 import BeautifulSoup

    attachments = attachments or {}
    urls = set(attachments.values())
    text = content.replace("\r\n", "\n").replace("\r", "\n")
    blocks = "<!-- wp:" in text if classic is None else not classic
    placeholders: list[str] = []
    embeds: list[str] = []

    def hold(markdown: str) -> str:
        placeholders.append(markdown)
        return f"\n\n{_TOKEN.format(len(placeholders) - 1)}\n\n"

    def embed(url: str) -> str:
        url = html.unescape(url.strip())
        if url not in embeds:
            embeds.append(url)
        return hold(f"<{url}>")

    def embed_block(match: re.Match[str]) -> str:
        try:
            attributes = json.loads(match.group(1))
        except ValueError:
            attributes = {}
        url = attributes.get("url") if isinstance(attributes, dict) else None
        return embed(url) if isinstance(url, str) and url else ""

    def classic_embed(match: re.Match[str]) -> str:
        if match.group("embed"):
            return embed(match.group("embed"))
        if match.group("kind"):
            return embed(_video_url(match.group("kind"), match.group("id")))
        return embed(match.group("bare"))

    text = _EMBED_BLOCK_RE.sub(embed_block, text)
    text = _MORE_RE.sub(lambda _: hold(MORE_LINE), text)
    text = _EMBEDS_RE.sub(classic_embed, text)
    text = _CAPTION_RE.sub(_caption_figure, text)
    text = _BLOCK_COMMENT_RE.sub("", text)
    shortcodes = _unconverted_shortcodes(text)
    if not blocks:
        text = wpautop(text)

    def resolve(src: str, attachment: int | None) -> str:
        if attachment is not None and attachment in attachments:
            return attachments[attachment]
        full = _SIZE_SUFFIX_RE.sub("", src)
        return full if full in urls else src

    found: list[BodyImage] = []
    converter = _converter_class()(resolve, found)
    markdown = str(converter.convert_soup(BeautifulSoup(text, "html.parser")))
    markdown = _TOKEN_RE.sub(lambda m: placeholders[int(m.group(1))], markdown)
    markdown = "\n".join(
        line if line.endswith("  ") else line.rstrip() for line in markdown.split("\n")
    )
    markdown = re.sub(r"\n{3,}", "\n\n", markdown).strip("\n")
    return Converted(
        markdown=markdown + "\n" if markdown else "",
        images=found,
        embeds=embeds,
        shortcodes=shortcodes,
        blocks=blocks,
    )


def _video_url(kind: str, value: str) -> str:
    value = value.strip()
    if value.startswith(("http://", "https://")):
        return value
    if kind.lower() == "vimeo":
        return f"https://vimeo.com/{value}"
    return f"https://www.youtube.com/watch?v={value}"


def _caption_figure(match: re.Match[str]) -> str:
    """``[caption id="attachment_N" …]<img …/> Caption[/caption]`` → a ``<figure>``."""
    attributes = _attributes(match.group(1))
    inner = match.group(2)
    image = _IMG_RE.search(inner)
    if image is None:
        return inner
    img = image.group(1) or image.group(2)
    caption = (inner[: image.start()] + inner[image.end() :]).strip()
    if not caption:
        caption = html.escape(attributes.get("caption", ""))
    ident = attributes.get("id", "").removeprefix("attachment_")
    data = f' data-attachment="{ident}"' if ident.isdigit() else ""
    return f"\n\n<figure{data}>{img}<figcaption>{caption}</figcaption></figure>\n\n"


def _unconverted_shortcodes(text: str) -> list[str]:
    """Names of shortcodes left in the text (``gallery``), in order of first appearance."""
    names: list[str] = []
    closing = {match.group(2).lower() for match in _SHORTCODE_RE.finditer(text) if match.group(1)}
    for match in _SHORTCODE_RE.finditer(text):
        name = match.group(2).lower()
        looks_like = name in KNOWN_SHORTCODES or name in closing or "=" in match.group(3)
        if not match.group(1) and looks_like and name not in names:
            names.append(name)
    return names


def comment_markdown(content: str) -> str:
    """A reader comment as Markdown: plain text stays as typed; HTML is converted."""
    text = content.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not re.search(r"<[a-zA-Z/][^>]*>", text):
        return html.unescape(text)
    return html_to_markdown(text, classic=True).markdown.strip()
