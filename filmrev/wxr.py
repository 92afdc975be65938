"""Reading WordPress eXtended RSS (WXR 1.0–1.2), safely, from a file or a WordPress.com zip.

Parsing goes through defusedxml with DTDs forbidden: a WXR file never has one, and
every entity attack (billion laughs, external entities, network fetches) needs one,
so such a file is refused with one line. A zip is checked before anything is read:
member names must be plain relative paths (no ``..``, no absolute names), and the
XML inside may not unpack to more than :data:`MAX_XML_BYTES` (counted while reading,
so a lying header does not help a zip bomb).

The result is plain data (:class:`Export`, :class:`Item`, :class:`WxrComment`) in
export order; what becomes a review is decided by :mod:`filmrev.importers.wordpress`.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from filmrev.errors import ValidationError

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

#: The most XML one import reads (a file, or all parts of a zip together): 512 MiB.
MAX_XML_BYTES = 512 << 20
#: A zip member that unpacks to more than this many times its packed size is refused.
MAX_RATIO = 200
WXR_NAMESPACE = "http://wordpress.org/export/"
SHORT_NAMES = {
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://wellformedweb.org/CommentAPI/": "wfw",
}


@dataclass
class WxrComment:
    comment_id: int
    author: str
    author_url: str
    date: str
    date_gmt: str
    content: str
    approved: str
    comment_type: str
    parent: int


@dataclass
class Term:
    """A ``<category>`` of an item: taxonomy (``post_tag``, ``category``), slug, display name."""

    domain: str
    nicename: str
    name: str


@dataclass
class Item:
    post_id: int
    post_type: str
    title: str
    link: str
    guid: str
    creator: str
    content: str
    excerpt: str
    post_date: str
    post_date_gmt: str
    post_modified_gmt: str
    post_name: str
    status: str
    parent: int
    attachment_url: str
    terms: list[Term] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    comments: list[WxrComment] = field(default_factory=list)
    #: Where the item came from, for messages: ``blog.xml`` or ``blog.zip:part.001.xml``.
    origin: str = ""


@dataclass
class Export:
    """One blog: the channel header (of the first part) and every item of every part."""

    title: str = ""
    link: str = ""
    base_site_url: str = ""
    wxr_version: str = ""
    authors: dict[str, str] = field(default_factory=dict)  # login → display name
    items: list[Item] = field(default_factory=list)


def _local(tag: str) -> str:
    """``{http://wordpress.org/export/1.2/}post_id`` → ``wp:post_id`` (any WXR version)."""
    if not tag.startswith("{"):
        return tag
    uri, _, name = tag[1:].partition("}")
    if uri.startswith(WXR_NAMESPACE):
        prefix = "excerpt" if uri.rstrip("/").endswith("excerpt") else "wp"
        return f"{prefix}:{name}"
    short = SHORT_NAMES.get(uri)
    return f"{short}:{name}" if short else name


def _children(element: Element) -> dict[str, list[Element]]:
    found: dict[str, list[Element]] = {}
    for child in element:
        found.setdefault(_local(child.tag), []).append(child)
    return found


def _text(found: dict[str, list[Element]], name: str) -> str:
    elements = found.get(name)
    if not elements:
        return ""
    return elements[0].text or ""


def _int(text: str) -> int:
    text = text.strip()
    return int(text) if text.isdigit() else 0


def _comment(element: Element) -> WxrComment:
    found = _children(element)
    return WxrComment(
        comment_id=_int(_text(found, "wp:comment_id")),
        author=_text(found, "wp:comment_author"),
        author_url=_text(found, "wp:comment_author_url").strip(),
        date=_text(found, "wp:comment_date").strip(),
        date_gmt=_text(found, "wp:comment_date_gmt").strip(),
        content=_text(found, "wp:comment_content"),
        approved=_text(found, "wp:comment_approved").strip(),
        comment_type=_text(found, "wp:comment_type").strip() or "comment",
        parent=_int(_text(found, "wp:comment_parent")),
    )


def _item(element: Element, origin: str) -> Item:
    found = _children(element)
    meta: dict[str, str] = {}
    for entry in found.get("wp:postmeta", []):
        pair = _children(entry)
        meta.setdefault(_text(pair, "wp:meta_key"), _text(pair, "wp:meta_value"))
    terms = [
        Term(
            domain=term.get("domain", ""),
            nicename=term.get("nicename", ""),
            name=(term.text or "").strip(),
        )
        for term in found.get("category", [])
    ]
    return Item(
        post_id=_int(_text(found, "wp:post_id")),
        post_type=_text(found, "wp:post_type").strip(),
        title=_text(found, "title"),
        link=_text(found, "link").strip(),
        guid=_text(found, "guid").strip(),
        creator=_text(found, "dc:creator").strip(),
        content=_text(found, "content:encoded"),
        excerpt=_text(found, "excerpt:encoded"),
        post_date=_text(found, "wp:post_date").strip(),
        post_date_gmt=_text(found, "wp:post_date_gmt").strip(),
        post_modified_gmt=_text(found, "wp:post_modified_gmt").strip(),
        post_name=_text(found, "wp:post_name").strip(),
        status=_text(found, "wp:status").strip(),
        parent=_int(_text(found, "wp:post_parent")),
        attachment_url=_text(found, "wp:attachment_url").strip(),
        terms=terms,
        meta=meta,
        comments=[_comment(comment) for comment in found.get("wp:comment", [])],
        origin=origin,
    )


def parse_document(data: bytes, origin: str, export: Export) -> None:
    """Parse one WXR document into ``export`` (the first document sets the channel fields)."""
    import defusedxml.ElementTree as SafeET
    from defusedxml import DefusedXmlException

    try:
        root = SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True)
    except DefusedXmlException:
        raise ValidationError(
            f"{origin}: refused: the XML declares a DTD or entities "
            "(a WordPress export never does; this is how entity attacks work)"
        ) from None
    except SafeET.ParseError as error:
        raise ValidationError(f"{origin}: not well-formed XML ({error})") from None
    channel = root.find("channel")
    if root.tag != "rss" or channel is None:
        raise ValidationError(f"{origin}: not a WordPress export (no <rss><channel>)")
    found = _children(channel)
    if "wp:wxr_version" not in found and "wp:base_site_url" not in found:
        raise ValidationError(f"{origin}: an RSS feed, not a WordPress export (no wp:wxr_version)")
    if not export.wxr_version:
        export.title = _text(found, "title").strip()
        export.link = _text(found, "link").strip()
        export.base_site_url = _text(found, "wp:base_site_url").strip()
        export.wxr_version = _text(found, "wp:wxr_version").strip() or "1.0"
    for author in found.get("wp:author", []):
        pair = _children(author)
        login = _text(pair, "wp:author_login").strip()
        if login:
            export.authors.setdefault(login, _text(pair, "wp:author_display_name").strip())
    export.items.extend(_item(item, origin) for item in found.get("item", []))


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int, label: str) -> bytes:
    if info.compress_size and info.file_size / info.compress_size > MAX_RATIO:
        raise ValidationError(
            f"{label}: refused: {info.filename} unpacks to {info.file_size} bytes from "
            f"{info.compress_size} (a zip bomb?)"
        )
    chunks: list[bytes] = []
    total = 0
    with archive.open(info) as handle:
        while chunk := handle.read(1 << 20):
            total += len(chunk)
            if total > budget:
                raise ValidationError(
                    f"{label}: refused: the XML in the zip unpacks to more than "
                    f"{MAX_XML_BYTES >> 20} MiB (a zip bomb?)"
                )
            chunks.append(chunk)
    return b"".join(chunks)


def zip_members(path: Path) -> list[str]:
    """The ``.xml`` member names of a zip (for detection), or [] when it is not a zip."""
    try:
        with zipfile.ZipFile(path) as archive:
            return [name for name in archive.namelist() if name.lower().endswith(".xml")]
    except (zipfile.BadZipFile, OSError):
        return []


def read_export(path: Path, label: str | None = None) -> Export:
    """Read a WXR file, or every numbered ``.xml`` part of a WordPress.com export zip."""
    label = label or str(path)
    export = Export()
    if zipfile.is_zipfile(path):
        try:
            with zipfile.ZipFile(path) as archive:
                infos = archive.infolist()
                unsafe = [info.filename for info in infos if not _member_is_safe(info.filename)]
                if unsafe:
                    raise ValidationError(
                        f"{label}: refused: the zip holds a path outside its folder ({unsafe[0]!r})"
                    )
                parts = sorted(
                    (info for info in infos if info.filename.lower().endswith(".xml")),
                    key=lambda info: info.filename,
                )
                if not parts:
                    raise ValidationError(f"{label}: the zip holds no .xml WordPress export")
                budget = MAX_XML_BYTES
                for info in parts:
                    data = _read_member(archive, info, budget, label)
                    budget -= len(data)
                    parse_document(data, f"{label}:{info.filename}", export)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError) as error:
            raise ValidationError(f"{label}: cannot read the zip ({error})") from None
        except OSError as error:
            raise ValidationError(f"cannot read {label}: {error.strerror or error}") from None
        return export
    try:
        size = path.stat().st_size
        if size > MAX_XML_BYTES:
            raise ValidationError(f"{label}: refused: larger than {MAX_XML_BYTES >> 20} MiB")
        data = path.read_bytes()
    except OSError as error:
        raise ValidationError(f"cannot read {label}: {error.strerror or error}") from None
    parse_document(data, label, export)
    return export


def _member_is_safe(name: str) -> bool:
    """A zip member name that stays inside the folder it would be unpacked into."""
    normal = name.replace("\\", "/")
    if normal.startswith("/") or (len(normal) > 1 and normal[1] == ":"):
        return False
    return ".." not in PurePosixPath(normal).parts


def looks_like_wxr(head: str) -> bool:
    """The start of a file that is a WordPress export (RSS with the WXR namespace)."""
    return "<rss" in head and WXR_NAMESPACE in head
