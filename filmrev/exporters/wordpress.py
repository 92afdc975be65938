"""``export --format wordpress``: a WXR 1.2 file for WordPress's importer (Tools → Import).

One ``<item>`` per review: title ``Title (Year)``, ``wp:post_name`` = slug,
``wp:status`` publish/draft, dates, the tagline as excerpt, tags and categories by
display name, approved comments with their parents, and filmrev's own fields as
``filmrev_*`` post meta (rating, rank, year, director, watched, and the images and
links lists as JSON, which an import of this file takes back as they are).

The body becomes Gutenberg blocks, so posts open in the block editor: paragraphs,
headings, lists, quotes, code, separators, images with figcaptions, ``wp:embed``
for a YouTube/Vimeo link on a line of its own, and ``<!--more-->``. Every text
goes into CDATA with ``]]>`` split; characters XML 1.0 cannot hold are dropped.

Dates: ``post_date_gmt`` is ``created`` (UTC). filmrev keeps no time zone, so
``post_date`` is the same wall time, except that a published review's local date
is its ``published`` day (WordPress shows that date; an import reads it back).
Drafts get WordPress's floating ``0000-00-00 00:00:00`` GMT date.
"""

from __future__ import annotations

import getpass
import json
import re
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any
from urllib.parse import urlparse
from xml.sax.saxutils import escape, quoteattr

from filmrev.errors import FilmrevError, ValidationError
from filmrev.html_markdown import MORE_LINE, is_video_url
from filmrev.model import Comment, Review, parse_optional_url, parse_year

WXR_VERSION = "1.2"
_NO_DATE = "0000-00-00 00:00:00"
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_WP_DATE = "%Y-%m-%d %H:%M:%S"


def cdata(text: str) -> str:
    """``<![CDATA[…]]>`` that survives any text: ``]]>`` is split across two sections."""
    text = _NOT_XML.sub("", text)
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def term_slug(name: str) -> str:
    """The slug WordPress would give a term: ASCII, lowercase, dashes; quotes dropped."""
    from slugify import slugify

    slug = str(slugify(re.sub(r"['’‘`]", "", name)))
    return slug or re.sub(r"\s+", "-", name.strip().lower())


def site_from_urls(reviews: Sequence[Review]) -> str | None:
    """``https://host`` most of the reviews' ``url``s share, or None."""
    hosts = Counter(
        f"{parsed.scheme}://{parsed.netloc}"
        for parsed in (urlparse(review.url) for review in reviews if review.url)
        if parsed.netloc
    )
    return hosts.most_common(1)[0][0] if hosts else None


def _parse_created(review: Review) -> datetime:
    moment = datetime.fromisoformat(review.created.replace("Z", "+00:00"))
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def post_dates(review: Review) -> tuple[str, str]:
    """``(wp:post_date, wp:post_date_gmt)`` for a review (see the module notes)."""
    created = _parse_created(review)
    if review.status != "published":
        return created.strftime(_WP_DATE), _NO_DATE
    local = created
    if review.published and review.published != created.date().isoformat():
        day = datetime.fromisoformat(review.published)
        local = created.replace(year=day.year, month=day.month, day=day.day)
    return local.strftime(_WP_DATE), created.strftime(_WP_DATE)


def _comment_dates(comment: Comment, fallback: datetime) -> tuple[str, str]:
    if comment.date is None:
        text = fallback.strftime(_WP_DATE)
        return text, text
    moment = datetime.fromisoformat(comment.date.replace("Z", "+00:00"))
    local = moment.replace(tzinfo=None).strftime(_WP_DATE)
    if moment.tzinfo is None:
        return local, local
    return local, moment.astimezone(UTC).replace(tzinfo=None).strftime(_WP_DATE)


# --- Markdown → Gutenberg blocks -------------------------------------------------------------


def _markdown() -> Any:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True})


def _block(name: str, inner: str, attributes: dict[str, Any] | None = None) -> str:
    attrs = f" {block_json(attributes)}" if attributes else ""
    return f"<!-- wp:{name}{attrs} -->\n{inner.strip()}\n<!-- /wp:{name} -->"


def block_json(attributes: dict[str, Any]) -> str:
    """Block attributes as WordPress writes them: compact, and safe inside an HTML comment."""
    text = json.dumps(attributes, ensure_ascii=False, separators=(",", ":"))
    for char, code in (("--", "\\u002d\\u002d"), ("<", "\\u003c"), (">", "\\u003e")):
        text = text.replace(char, code)
    return text.replace("&", "\\u0026")


def _embed_block(url: str) -> str:
    host = urlparse(url).netloc.lower()
    provider = "vimeo" if "vimeo" in host else "youtube"
    attributes = {"url": url, "type": "video", "providerNameSlug": provider, "responsive": True}
    inner = (
        f'<figure class="wp-block-embed is-type-video is-provider-{provider} '
        f'wp-block-embed-{provider}"><div class="wp-block-embed__wrapper">\n'
        f"{escape(url)}\n</div></figure>"
    )
    return _block("embed", inner, attributes)


def _image_block(src: str, alt: str, caption: str | None) -> str:
    figcaption = (
        f'<figcaption class="wp-element-caption">{escape(caption)}</figcaption>' if caption else ""
    )
    inner = (
        f'<figure class="wp-block-image"><img src={quoteattr(src)} alt={quoteattr(alt)}/>'
        f"{figcaption}</figure>"
    )
    return _block("image", inner)


def _lone_inline(tokens: list[Any]) -> tuple[str, str] | None:
    """``("image"|"video", …)`` when a paragraph holds only one image or one video link."""
    if len(tokens) != 3 or tokens[1].type != "inline":
        return None
    children = [
        child for child in tokens[1].children or [] if child.type != "text" or child.content.strip()
    ]
    if len(children) == 1 and children[0].type == "image":
        return "image", ""
    if len(children) == 1 and children[0].type == "text" and is_video_url(children[0].content):
        return "video", children[0].content.strip()
    if (
        len(children) == 3
        and children[0].type == "link_open"
        and children[1].type == "text"
        and children[2].type == "link_close"
    ):
        href = str(children[0].attrs.get("href", ""))
        if is_video_url(href) and children[1].content.strip() in (href, href.rstrip("/")):
            return "video", href
    return None


def markdown_blocks(body: str, captions: dict[str, str | None]) -> str:
    """A Markdown body as Gutenberg block markup; ``captions`` maps image src → caption."""
    md = _markdown()
    tokens = md.parse(body)
    blocks: list[str] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        end = index
        if token.nesting == 1:
            depth = 0
            for end in range(index, len(tokens)):
                depth += tokens[end].nesting
                if depth == 0:
                    break
        group = tokens[index : end + 1]
        index = end + 1
        rendered = md.renderer.render(group, md.options, {})
        kind = token.type
        if kind == "paragraph_open":
            lone = _lone_inline(group)
            if lone and lone[0] == "video":
                blocks.append(_embed_block(lone[1]))
            elif lone and lone[0] == "image":
                image = next(c for c in group[1].children or [] if c.type == "image")
                src = str(image.attrs.get("src", ""))
                alt = image.content
                blocks.append(_image_block(src, alt, captions.get(src)))
            else:
                blocks.append(_block("paragraph", rendered))
        elif kind == "heading_open":
            level = int(token.tag[1])
            blocks.append(_block("heading", rendered, None if level == 2 else {"level": level}))
        elif kind == "bullet_list_open":
            blocks.append(_block("list", rendered))
        elif kind == "ordered_list_open":
            blocks.append(_block("list", rendered, {"ordered": True}))
        elif kind == "blockquote_open":
            inner = rendered.replace("<blockquote>", '<blockquote class="wp-block-quote">', 1)
            blocks.append(_block("quote", inner))
        elif kind in ("fence", "code_block"):
            code = escape(token.content)
            blocks.append(_block("code", f'<pre class="wp-block-code"><code>{code}</code></pre>'))
        elif kind == "hr":
            hr = '<hr class="wp-block-separator has-alpha-channel-opacity"/>'
            blocks.append(_block("separator", hr))
        elif kind == "html_block" and token.content.strip() == MORE_LINE:
            blocks.append(_block("more", MORE_LINE))
        else:
            blocks.append(_block("html", rendered))
    return "\n\n".join(blocks)


# --- the file --------------------------------------------------------------------------------


def _meta(key: str, value: str) -> str:
    return (
        f"\t\t<wp:postmeta>\n\t\t\t<wp:meta_key>{cdata(key)}</wp:meta_key>\n"
        f"\t\t\t<wp:meta_value>{cdata(value)}</wp:meta_value>\n\t\t</wp:postmeta>\n"
    )


def _rating_text(rating: float) -> str:
    return f"{rating:g}"


def _comment_xml(comment: Comment, fallback: datetime) -> str:
    local, gmt = _comment_dates(comment, fallback)
    return (
        "\t\t<wp:comment>\n"
        f"\t\t\t<wp:comment_id>{comment.id}</wp:comment_id>\n"
        f"\t\t\t<wp:comment_author>{cdata(comment.author or '')}</wp:comment_author>\n"
        "\t\t\t<wp:comment_author_email><![CDATA[]]></wp:comment_author_email>\n"
        f"\t\t\t<wp:comment_author_url>{escape(comment.author_url or '')}"
        "</wp:comment_author_url>\n"
        "\t\t\t<wp:comment_author_IP><![CDATA[]]></wp:comment_author_IP>\n"
        f"\t\t\t<wp:comment_date>{cdata(local)}</wp:comment_date>\n"
        f"\t\t\t<wp:comment_date_gmt>{cdata(gmt)}</wp:comment_date_gmt>\n"
        f"\t\t\t<wp:comment_content>{cdata(comment.text)}</wp:comment_content>\n"
        "\t\t\t<wp:comment_approved><![CDATA[1]]></wp:comment_approved>\n"
        "\t\t\t<wp:comment_type><![CDATA[comment]]></wp:comment_type>\n"
        f"\t\t\t<wp:comment_parent>{comment.parent or 0}</wp:comment_parent>\n"
        "\t\t\t<wp:comment_user_id>0</wp:comment_user_id>\n"
        "\t\t</wp:comment>\n"
    )


def _item(review: Review, site: str, login: str) -> str:
    post_date, post_date_gmt = post_dates(review)
    created = _parse_created(review)
    updated = datetime.fromisoformat(review.updated.replace("Z", "+00:00")).astimezone(UTC)
    guid = review.sources.get("wordpress") or f"{site}/?p={review.id}"
    link = review.url or f"{site}/?p={review.id}"
    title = f"{review.title} ({review.year})" if review.year else review.title
    captions = {image.src: image.caption for image in review.images}
    lines = [
        "\t<item>\n",
        f"\t\t<title>{cdata(title)}</title>\n",
        f"\t\t<link>{escape(link)}</link>\n",
        f"\t\t<pubDate>{format_datetime(created.replace(tzinfo=UTC))}</pubDate>\n",
        f"\t\t<dc:creator>{cdata(login)}</dc:creator>\n",
        f'\t\t<guid isPermaLink="false">{escape(guid)}</guid>\n',
        "\t\t<description></description>\n",
        f"\t\t<content:encoded>{cdata(markdown_blocks(review.body, captions))}</content:encoded>\n",
        f"\t\t<excerpt:encoded>{cdata(review.tagline or '')}</excerpt:encoded>\n",
        f"\t\t<wp:post_id>{review.id}</wp:post_id>\n",
        f"\t\t<wp:post_date>{cdata(post_date)}</wp:post_date>\n",
        f"\t\t<wp:post_date_gmt>{cdata(post_date_gmt)}</wp:post_date_gmt>\n",
        f"\t\t<wp:post_modified>{cdata(updated.strftime(_WP_DATE))}</wp:post_modified>\n",
        f"\t\t<wp:post_modified_gmt>{cdata(updated.strftime(_WP_DATE))}</wp:post_modified_gmt>\n",
        "\t\t<wp:comment_status><![CDATA[open]]></wp:comment_status>\n",
        "\t\t<wp:ping_status><![CDATA[open]]></wp:ping_status>\n",
        f"\t\t<wp:post_name>{cdata(review.slug)}</wp:post_name>\n",
        f"\t\t<wp:status>{cdata('publish' if review.status == 'published' else 'draft')}"
        "</wp:status>\n",
        "\t\t<wp:post_parent>0</wp:post_parent>\n",
        "\t\t<wp:menu_order>0</wp:menu_order>\n",
        "\t\t<wp:post_type><![CDATA[post]]></wp:post_type>\n",
        "\t\t<wp:post_password><![CDATA[]]></wp:post_password>\n",
        "\t\t<wp:is_sticky>0</wp:is_sticky>\n",
    ]
    for domain, names in (("category", review.categories), ("post_tag", review.tags)):
        for name in names:
            lines.append(
                f"\t\t<category domain={quoteattr(domain)} nicename={quoteattr(term_slug(name))}>"
                f"{cdata(name)}</category>\n"
            )
    if review.rating is not None:
        lines.append(_meta("filmrev_rating", _rating_text(review.rating)))
    if review.rank is not None:
        lines.append(_meta("filmrev_rank", str(review.rank)))
    if review.year is not None:
        lines.append(_meta("filmrev_year", str(review.year)))
    if review.director:
        lines.append(_meta("filmrev_director", review.director))
    if review.watched:
        lines.append(_meta("filmrev_watched", review.watched))
    if review.images:
        images = [image.to_doc() for image in review.images]
        lines.append(_meta("filmrev_images", json.dumps(images, ensure_ascii=False)))
    if review.links:
        lines.append(_meta("filmrev_links", json.dumps(list(review.links), ensure_ascii=False)))
    lines.extend(_comment_xml(comment, created) for comment in review.comments)
    lines.append("\t</item>\n")
    return "".join(lines)


def wordpress_wxr(reviews: Sequence[Review], *, site_url: str, author: str) -> str:
    """The WXR 1.2 document for ``reviews`` (in the order given)."""
    from slugify import slugify

    site = site_url.rstrip("/")
    login = str(slugify(author, separator="")) or "filmrev"
    host = urlparse(site).netloc or site
    categories = list(dict.fromkeys(name for review in reviews for name in review.categories))
    tags = list(dict.fromkeys(name for review in reviews for name in review.tags))
    out = [
        '<?xml version="1.0" encoding="UTF-8" ?>\n',
        "<!-- A WordPress eXtended RSS file written by filmrev "
        "(import it with Tools: Import: WordPress). -->\n",
        '<rss version="2.0"\n',
        '\txmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"\n',
        '\txmlns:content="http://purl.org/rss/1.0/modules/content/"\n',
        '\txmlns:wfw="http://wellformedweb.org/CommentAPI/"\n',
        '\txmlns:dc="http://purl.org/dc/elements/1.1/"\n',
        '\txmlns:wp="http://wordpress.org/export/1.2/"\n',
        ">\n<channel>\n",
        f"\t<title>{escape(host)}</title>\n",
        f"\t<link>{escape(site)}</link>\n",
        "\t<description></description>\n",
        "\t<language>en</language>\n",
        f"\t<wp:wxr_version>{WXR_VERSION}</wp:wxr_version>\n",
        f"\t<wp:base_site_url>{escape(site)}</wp:base_site_url>\n",
        f"\t<wp:base_blog_url>{escape(site)}</wp:base_blog_url>\n",
        "\t<wp:author><wp:author_id>1</wp:author_id>"
        f"<wp:author_login>{cdata(login)}</wp:author_login>"
        "<wp:author_email><![CDATA[]]></wp:author_email>"
        f"<wp:author_display_name>{cdata(author)}</wp:author_display_name>"
        "<wp:author_first_name><![CDATA[]]></wp:author_first_name>"
        "<wp:author_last_name><![CDATA[]]></wp:author_last_name></wp:author>\n",
    ]
    for number, name in enumerate(categories, start=1):
        out.append(
            f"\t<wp:category><wp:term_id>{number}</wp:term_id>"
            f"<wp:category_nicename>{cdata(term_slug(name))}</wp:category_nicename>"
            "<wp:category_parent><![CDATA[]]></wp:category_parent>"
            f"<wp:cat_name>{cdata(name)}</wp:cat_name></wp:category>\n"
        )
    for number, name in enumerate(tags, start=len(categories) + 1):
        out.append(
            f"\t<wp:tag><wp:term_id>{number}</wp:term_id>"
            f"<wp:tag_slug>{cdata(term_slug(name))}</wp:tag_slug>"
            f"<wp:tag_name>{cdata(name)}</wp:tag_name></wp:tag>\n"
        )
    out.append("\t<generator>filmrev</generator>\n")
    out.extend(_item(review, site, login) for review in reviews)
    out.append("</channel>\n</rss>\n")
    return "".join(out)


# --- choosing the reviews, the site and the author (export --format wordpress) ----------------


def default_author() -> str:
    """``config set author`` when the config module exists and has one, else the login name."""
    import importlib
    import importlib.util

    if importlib.util.find_spec("filmrev.config") is not None:
        config = importlib.import_module("filmrev.config")
        for getter in ("get_value", "get"):
            function = getattr(config, getter, None)
            if callable(function):
                try:
                    value = function("author")
                except (FilmrevError, KeyError, TypeError, ValueError, OSError):
                    value = None
                if isinstance(value, str) and value.strip():
                    return value.strip()
                break
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "filmrev"


def export_wordpress(
    reviews: Sequence[Review],
    *,
    site_url: str | None,
    author: str | None,
    tags: Sequence[str],
    year: str | None,
    status: str | None,
) -> str:
    """The WXR text for the reviews that pass the filters (the filters of ``list``)."""
    from filmrev.query import filter_reviews

    chosen = filter_reviews(reviews, tags=tags, year=parse_year(year) if year else None)
    if status is not None:
        chosen = [review for review in chosen if review.status == status]
    if site_url is not None:
        site = parse_optional_url(site_url, "--site-url")
    else:
        site = site_from_urls(chosen or reviews)
        if site is None:
            raise ValidationError(
                "no review has a url to take the blog's address from; give --site-url URL"
            )
    name = (author or "").strip() or default_author()
    return wordpress_wxr(chosen, site_url=site or "", author=name)
