"""Reading a WordPress export (WXR file or WordPress.com zip) into reviews.

Items of type ``post`` whose title ends in a film year, ``Rust and Bone (2012)``,
become reviews (``--all-posts``: every post, the whole title, no year). Pages,
attachments, menu items and other types are counted and skipped, as is trash.

Per post: title and year from the title (entities decoded); slug from
``wp:post_name`` (URL-decoded) where it is a valid slug; ``url`` from ``<link>``;
``publish`` → ``published`` (dated by the local post date), any other status →
``draft``; ``created`` from ``post_date_gmt`` (the local date when the GMT date is
unset, as for drafts); tags and categories by display name (``Uncategorized``
dropped); the excerpt → ``tagline``; the body converted by
:mod:`filmrev.html_markdown`; images (the featured one marked) and embeds
(→ ``links``); approved reader comments. ``sources.wordpress`` is the item's
``guid`` (else site URL + ``?p=`` id), so a re-import matches the same reviews.

Hints (a rank ``#3`` in image captions, a rating ``4.5/5``, ``★★★★½`` or
``4.5 stars`` in the text) are reported and only set with ``apply_hints``.
filmrev's own export carries ``filmrev_*`` post meta (rating, rank, year, director,
watched, images, links); those values are taken as they are.
"""

from __future__ import annotations

import contextlib
import html
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from filmrev.errors import ValidationError
from filmrev.folding import fold
from filmrev.html_markdown import comment_markdown, html_to_markdown
from filmrev.importers.common import Batch, Incoming, NoProgress, Problems, Progress, tracked
from filmrev.model import (
    make_slug,
    parse_date,
    parse_optional_url,
    parse_rank,
    parse_rating,
    parse_slug,
    parse_year,
)
from filmrev.wxr import Item, WxrComment, read_export

SOURCE_WORDPRESS = "wordpress"
META_PREFIX = "filmrev_"
DROPPED_CATEGORIES = frozenset({"uncategorized"})
_TITLE_YEAR_RE = re.compile(r"^(.*?\S)\s*\((\d{4})\)\s*$", re.DOTALL)
_RANK_HINT_RE = re.compile(r"(?:^|\s)#(\d{1,5})\b")
_RATING_HINT_RES = (
    # Not part of a date or a longer number: "3/5/2016" and "4.5/50" are no ratings.
    re.compile(r"(?<![\d./])([0-5](?:\.[05])?)\s*(?:/|out of)\s*5(?!\d|\.\d|/)"),
    re.compile(r"(?<![\d.])([0-5](?:\.[05])?)\s+stars?\b", re.IGNORECASE),
)
_STARS_RE = re.compile(r"(★{1,5})(½)?|(½)")
_NO_DATE = "0000-00-00 00:00:00"
_WP_DATE = "%Y-%m-%d %H:%M:%S"
#: How the summary names skipped item types: (one, many).
TYPE_NOUNS = {
    "attachment": ("attachment", "attachments"),
    "page": ("page", "pages"),
    "nav_menu_item": ("menu item", "menu items"),
}


@dataclass
class PostReport:
    """What one post brought besides its fields: hints and unconverted shortcodes."""

    slug_or_title: str
    rank_hint: int | None = None
    rating_hint: float | None = None
    shortcodes: list[str] = field(default_factory=list)


def split_title(title: str) -> tuple[str, int | None]:
    """``Rust and Bone (2012)`` → ``("Rust and Bone", 2012)``; ``(title, None)`` without a year."""
    match = _TITLE_YEAR_RE.match(title)
    if match:
        try:
            year = parse_year(match.group(2))
        except ValidationError:
            year = None
        if year is not None:
            return match.group(1).strip(), year
    return title.strip(), None


def _wp_datetime(text: str) -> datetime | None:
    if not text or text.startswith("0000"):
        return None
    try:
        return datetime.strptime(text.strip(), _WP_DATE)
    except ValueError:
        return None


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000000Z")


def local_iso(local: str, gmt: str) -> str | None:
    """A WordPress local time with its UTC offset: ``2016-05-12T18:07:44-07:00``.

    The offset is the difference between the local and GMT columns; without a GMT
    value the time is given without an offset.
    """
    moment = _wp_datetime(local)
    if moment is None:
        return None
    utc = _wp_datetime(gmt)
    if utc is None:
        return moment.isoformat()
    minutes = round((moment - utc).total_seconds() / 60)
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"{moment.isoformat()}{sign}{hours:02d}:{rest:02d}"


def rating_hints(text: str) -> list[float]:
    """Ratings a text states: ``4.5/5``, ``4 out of 5``, ``★★★★½``, ``4.5 stars``."""
    found: list[float] = []
    for pattern in _RATING_HINT_RES:
        for match in pattern.finditer(text):
            found.append(float(match.group(1)))
    for match in _STARS_RE.finditer(text):
        value = len(match.group(1) or "") + (0.5 if (match.group(2) or match.group(3)) else 0)
        found.append(float(value))
    valid: list[float] = []
    for value in found:
        try:
            rating = parse_rating(value)
        except ValidationError:
            continue
        if rating is not None and rating not in valid:
            valid.append(rating)
    return valid


def _comments(item: Item, skipped: Counter[str]) -> list[dict[str, Any]]:
    """Approved reader comments as documents; replies to skipped comments move up a level."""
    by_id = {comment.comment_id: comment for comment in item.comments}
    kept: dict[int, WxrComment] = {}
    for comment in item.comments:
        if comment.comment_type not in ("", "comment"):
            skipped[comment.comment_type] += 1
        elif comment.approved != "1":
            reason = {"0": "pending", "spam": "spam", "trash": "trashed"}.get(
                comment.approved, comment.approved or "unapproved"
            )
            skipped[reason] += 1
        elif comment.comment_id < 1 or not comment_markdown(comment.content):
            skipped["empty"] += 1
        else:
            kept[comment.comment_id] = comment

    def parent_of(comment: WxrComment) -> int | None:
        seen: set[int] = set()
        parent = comment.parent
        while parent and parent not in kept and parent in by_id and parent not in seen:
            seen.add(parent)
            parent = by_id[parent].parent
        return parent if parent in kept else None

    ordered = sorted(
        kept.values(),
        key=lambda c: (
            _wp_datetime(c.date_gmt) or _wp_datetime(c.date) or datetime.min,
            c.comment_id,
        ),
    )
    emitted: list[WxrComment] = []
    done: set[int] = set()
    pending = ordered
    while pending:
        waiting = []
        for comment in pending:
            parent = parent_of(comment)
            if parent is None or parent in done:
                emitted.append(comment)
                done.add(comment.comment_id)
            else:
                waiting.append(comment)
        if len(waiting) == len(pending):  # a reply cycle: break it at the top level
            emitted.extend(waiting)
            done.update(comment.comment_id for comment in waiting)
            break
        pending = waiting
    docs: list[dict[str, Any]] = []
    placed: set[int] = set()
    for comment in emitted:
        parent = parent_of(comment)
        try:
            author_url = parse_optional_url(comment.author_url or None, "author_url")
        except ValidationError:
            author_url = None
        docs.append(
            {
                "id": comment.comment_id,
                "parent": parent if parent in placed else None,
                "author": html.unescape(comment.author).strip() or None,
                "author_url": author_url,
                "date": local_iso(comment.date, comment.date_gmt),
                "text": comment_markdown(comment.content),
            }
        )
        placed.add(comment.comment_id)
    return docs


def _terms(item: Item, domain: str) -> list[str]:
    names: list[str] = []
    for term in item.terms:
        # WXR 1.0 wrote categories without a domain and tags with domain="tag".
        given = {"": "category", "tag": "post_tag"}.get(term.domain, term.domain)
        if given != domain:
            continue
        name = html.unescape(term.name).strip()
        if domain == "category" and fold(name) in DROPPED_CATEGORIES:
            continue
        if name and fold(name) not in {fold(n) for n in names}:
            names.append(name)
    return names


def _plain(text: str) -> str | None:
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"\s+", " ", html.unescape(text)).strip()
    return text or None


def _json_meta(item: Item, key: str) -> Any:
    value = item.meta.get(META_PREFIX + key)
    if value is None:
        return None
    try:
        return json.loads(value)
    except ValueError:
        return None


class _Reader:
    def __init__(self, path: Path, all_posts: bool, apply_hints: bool) -> None:
        self.path = path
        self.all_posts = all_posts
        self.apply_hints = apply_hints
        self.export = read_export(path)
        self.problems = Problems()
        self.attachments = {
            item.post_id: item.attachment_url
            for item in self.export.items
            if item.post_type == "attachment" and item.attachment_url
        }
        self.attachment_captions = {
            item.post_id: _plain(item.excerpt)
            for item in self.export.items
            if item.post_type == "attachment"
        }
        self.site = (self.export.base_site_url or self.export.link).rstrip("/")

    def record(self, item: Item, report: PostReport, skipped: Counter[str]) -> Incoming | None:
        origin = f"{item.origin}: post {item.post_id}"
        title, year = split_title(html.unescape(item.title))
        own_year = item.meta.get(META_PREFIX + "year")
        if own_year and year is None:
            try:
                year = parse_year(own_year)
            except ValidationError as error:
                self.problems.add(origin, error.message)
        if not title:
            self.problems.add(origin, "the post has no title")
            return None
        converted = html_to_markdown(item.content, self.attachments)
        fields: dict[str, Any] = {
            "title": title,
            "year": year,
            "body": converted.markdown,
            "status": "published" if item.status == "publish" else "draft",
        }
        moment = _wp_datetime(item.post_date)
        if item.status == "publish" and moment is not None:
            fields["published"] = moment.date().isoformat()
        slug = unquote(item.post_name)
        try:
            fields["slug"] = parse_slug(slug) if slug else None
        except ValidationError:
            fields["slug"] = None
        if fields["slug"] is None:
            del fields["slug"]
        with contextlib.suppress(ValidationError):  # a link that is no URL is left out
            fields["url"] = parse_optional_url(item.link or None, "url")
        tags = _terms(item, "post_tag")
        categories = _terms(item, "category")
        if tags:
            fields["tags"] = tags
        if categories:
            fields["categories"] = categories
        tagline = _plain(item.excerpt)
        if tagline:
            fields["tagline"] = tagline
        fields["images"] = self.images(item, converted.images)
        links = list(converted.embeds)
        own_links = _json_meta(item, "links")
        if isinstance(own_links, list):  # filmrev's own export: the list as it was
            links = [link for link in own_links if isinstance(link, str)]
        if links:
            fields["links"] = list(dict.fromkeys(links))
        comments = _comments(item, skipped)
        if comments:
            fields["comments"] = comments
        guid = item.guid or (f"{self.site}/?p={item.post_id}" if item.post_id else "")
        if guid:
            fields["sources"] = {SOURCE_WORDPRESS: guid}
        rank: int | None = None
        rank_given = False
        for name in ("rating", "director", "watched"):
            value = item.meta.get(META_PREFIX + name)
            if not value:
                continue
            try:
                if name == "rating":
                    fields[name] = parse_rating(value)
                elif name == "watched":
                    fields[name] = parse_date(value, "watched")
                else:
                    fields[name] = value.strip()
            except ValidationError as error:
                self.problems.add(origin, f"{META_PREFIX}{name}: {error.message}")
        own_rank = item.meta.get(META_PREFIX + "rank")
        if own_rank:
            try:
                rank = parse_rank(own_rank)
                rank_given = rank is not None
            except ValidationError as error:
                self.problems.add(origin, f"{META_PREFIX}rank: {error.message}")
        # Hints: never applied unless asked.
        # (filmrev's own export says its rank and rating: no hints are needed then.)
        for image in fields["images"] if not rank_given else []:
            match = _RANK_HINT_RE.search(image["caption"] or "")
            if match and report.rank_hint is None:
                report.rank_hint = int(match.group(1))
        ratings = rating_hints(converted.markdown) if "rating" not in fields else []
        if ratings:
            report.rating_hint = ratings[0]
        report.shortcodes = converted.shortcodes
        if self.apply_hints:
            if report.rank_hint and not rank_given:
                rank, rank_given = report.rank_hint, True
            if report.rating_hint is not None and "rating" not in fields:
                fields["rating"] = report.rating_hint
        created = _wp_datetime(item.post_date_gmt) or moment
        return Incoming(
            origin=origin,
            source=SOURCE_WORDPRESS,
            fields=fields,
            created=_stamp(created) if created else None,
            rank=rank,
            rank_given=rank_given,
        )

    def images(self, item: Item, found: list[Any]) -> list[dict[str, Any]]:
        own = _json_meta(item, "images")
        if isinstance(own, list) and all(isinstance(image, dict) for image in own):
            return own
        images: list[dict[str, Any]] = []
        thumbnail = item.meta.get("_thumbnail_id", "").strip()
        featured_id = int(thumbnail) if thumbnail.isdigit() else None
        featured_url = self.attachments.get(featured_id) if featured_id is not None else None
        marked = False
        for image in found:
            is_featured = not marked and (
                (featured_id is not None and image.attachment_id == featured_id)
                or (featured_url is not None and image.src == featured_url)
            )
            marked = marked or is_featured
            images.append({"src": image.src, "caption": image.caption, "featured": is_featured})
        if featured_url and not marked:
            caption = self.attachment_captions.get(featured_id or 0)
            images.insert(0, {"src": featured_url, "caption": caption, "featured": True})
        return images

    def read(self, progress: Progress) -> Batch:
        batch = Batch(format="wordpress", label=str(self.path))
        other: Counter[str] = Counter()
        no_year: list[str] = []
        drafts: list[str] = []
        skipped_comments: Counter[str] = Counter()
        kept_comments = 0
        reports: list[PostReport] = []
        for item in tracked(self.export.items, progress, "reading posts"):
            if item.post_type != "post":
                other[item.post_type or "untyped"] += 1
                continue
            if item.status in ("trash", "auto-draft", "inherit"):
                other[f"{item.status} post"] += 1
                continue
            title, year = split_title(html.unescape(item.title))
            if year is None and not item.meta.get(META_PREFIX + "year") and not self.all_posts:
                no_year.append(title or f"post {item.post_id}")
                continue
            report = PostReport(slug_or_title=title)
            record = self.record(item, report, skipped_comments)
            if record is None:
                continue
            report.slug_or_title = record.fields.get("slug") or make_slug(
                record.fields["title"], record.fields["year"], (), item.post_id or 1
            )
            batch.records.append(record)
            kept_comments += len(record.fields.get("comments", []))
            reports.append(report)
            if item.status != "publish":
                drafts.append(f"{report.slug_or_title} ({item.status})")
        self.problems.raise_if_any(str(self.path))
        batch.notes.extend(self.summary(other, no_year, drafts, kept_comments, skipped_comments))
        batch.notes.extend(self.hint_lines(reports))
        return batch

    def summary(
        self,
        other: Counter[str],
        no_year: list[str],
        drafts: list[str],
        kept_comments: int,
        skipped_comments: Counter[str],
    ) -> list[str]:
        lines: list[str] = []
        if other:
            parts = []
            for kind, count in sorted(other.items()):
                one, many = TYPE_NOUNS.get(
                    kind, (kind.replace("_", " "), kind.replace("_", " ") + "s")
                )
                parts.append(f"{count} {one if count == 1 else many}")
            lines.append(f"skipped {', '.join(parts)} (not review posts)")
        if no_year:
            quoted = ", ".join(repr(title) for title in no_year[:5])
            more = f" and {len(no_year) - 5} more" if len(no_year) > 5 else ""
            noun = "post" if len(no_year) == 1 else "posts"
            lines.append(
                f"skipped {len(no_year)} {noun} without a film year in the title: "
                f"{quoted}{more} (--all-posts imports them)"
            )
        if drafts:
            lines.append(f"imported as draft (not published on the blog): {', '.join(drafts)}")
        if kept_comments or skipped_comments:
            line = f"{kept_comments} reader comment{'s' if kept_comments != 1 else ''}"
            if skipped_comments:
                detail = ", ".join(f"{n} {why}" for why, n in sorted(skipped_comments.items()))
                line += f"; skipped {detail}"
            lines.append(line)
        return lines

    def hint_lines(self, reports: list[PostReport]) -> list[str]:
        lines: list[str] = []
        apply = "set" if self.apply_hints else "not set; --apply-hints sets it"
        for report in reports:
            if report.rank_hint is not None:
                lines.append(
                    f"{report.slug_or_title}: hint: rank #{report.rank_hint} "
                    f"(in an image caption) — {apply}"
                )
            if report.rating_hint is not None:
                lines.append(
                    f"{report.slug_or_title}: hint: rating {report.rating_hint} "
                    f"(in the text) — {apply}"
                )
            for name in report.shortcodes:
                lines.append(f"{report.slug_or_title}: shortcode [{name}] kept as text")
        posts_by_code: dict[str, int] = Counter(
            name for report in reports for name in report.shortcodes
        )
        if posts_by_code:
            listed = ", ".join(
                f"[{name}] in {count} post{'s' if count != 1 else ''}"
                for name, count in sorted(posts_by_code.items())
            )
            lines.append(f"shortcodes not converted (kept as text): {listed}")
        return lines


def read_wordpress(
    path: Path,
    *,
    all_posts: bool = False,
    apply_hints: bool = False,
    progress: Progress | None = None,
) -> Batch:
    """Read a WXR file or WordPress.com export zip at ``path`` into a :class:`Batch`."""
    return _Reader(path, all_posts, apply_hints).read(progress or NoProgress())
