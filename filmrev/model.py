"""The review model: one frozen dataclass, its validation, and its JSON document form.

Validation lives here. Every ``parse_*`` function takes what a user typed (a
string) or what a file held, and returns the stored value or raises
:class:`ValidationError` naming the field and what is allowed.

The document form (:meth:`Review.to_doc`) is the review object of
``list --format json`` and of the JSON export: every field is always present,
``null`` for a missing single value, ``[]`` for lists, ``{}`` for ``crew``.
"""

from __future__ import annotations

import math
import re
import reprlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlparse

from filmrev.errors import ValidationError

SCHEMA_VERSION = 2
MIN_YEAR = 1870
TITLE_MAX = 300
SLUG_MAX = 80
RESERVED_SLUGS = frozenset({"index"})
#: File names Windows (and SMB shares) cannot open, with any extension: never made as a
#: slug, never used as an export file name. Stored slugs that are one still open.
WINDOWS_DEVICE_NAMES = frozenset(
    {"con", "prn", "aux", "nul"} | {f"{port}{n}" for port in ("com", "lpt") for n in range(1, 10)}
)
STATUSES = ("draft", "published")
SOURCE_KEYS = ("letterboxd", "imdb", "tmdb", "wordpress")
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
#: Ids are 1..2**53 - 1: every JSON reader (JavaScript included) holds them exactly, and the
#: counter after the highest one still fits 64 bits.
MAX_ID = 2**53 - 1
#: Limits on what a review may hold (see README "Limits"): a body of at most 2,000,000
#: characters (a long review is ~60,000) and no "word" (run without spaces) over 100,000
#: characters, so search and display stay fast. Real text has long runs: Zalgo text in a
#: real Letterboxd export makes a 2,493-character "word", a WordPress post can embed an
#: image as a data: URI of tens of kilobytes.
BODY_MAX = 2_000_000
WORD_MAX = 100_000
#: Every other text value (tag, name, role, tagline, link, caption) holds at most TEXT_MAX
#: characters, and a list field (tags, cast, links, viewings, images) at most LIST_MAX items.
TEXT_MAX = 2_000
#: Addresses may be longer: a blog post's image can be a data: URI (WordPress import).
URL_MAX = WORD_MAX
URL_FIELDS = frozenset({"url", "links", "images"})
LIST_MAX = 10_000
# Anchored at a word's start, so the scan stays linear however the body is made.
_LONG_WORD = re.compile(rf"(?<!\S)\S{{{WORD_MAX + 1}}}\S*")


def max_year() -> int:
    """The latest release year accepted: five years from now."""
    return date.today().year + 5


def now_utc() -> str:
    """The current time as ISO 8601 UTC with microseconds, e.g. ``2026-11-25T20:29:00.123456Z``."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# --- field parsers -----------------------------------------------------------


_SHORT_REPR = reprlib.Repr()
_SHORT_REPR.maxlevel = 3
_SHORT_REPR.maxstring = 80
_SHORT_REPR.maxother = 80


def shown(value: object) -> str:
    """``repr`` for a message: short, and safe for values nested 1,000 levels deep.

    >>> shown([[[[[1]]]]])
    '[[[[...]]]]'
    """
    return _SHORT_REPR.repr(value)


def parse_id(value: object, field_name: str = "id") -> int:
    """A review id: a whole number from 1 to :data:`MAX_ID`."""
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_ID:
        shown = repr(value) if not isinstance(value, str) else repr(value[:40])
        raise ValidationError(
            f"{field_name} must be a whole number from 1 to {MAX_ID} (got {shown})"
        )
    return value


def check_body_limits(body: str) -> str:
    """``body``, or ValidationError when it is over :data:`BODY_MAX` or holds a giant word."""
    if len(body) > BODY_MAX:
        raise ValidationError(
            f'body is {len(body):,} characters; the limit is {BODY_MAX:,} (see README "Limits")'
        )
    long_word = _LONG_WORD.search(body)
    if long_word is not None:
        line = body.count("\n", 0, long_word.start()) + 1
        raise ValidationError(
            f"body line {line} holds a word of {len(long_word.group()):,} characters without a "
            f"space; the limit is {WORD_MAX:,}"
        )
    return body


def check_value_limits(review: Review) -> Review:
    """``review``, or ValidationError naming the field whose text or list is over its limit."""
    lists: dict[str, tuple[object, ...]] = {
        "tags": review.tags,
        "cast": review.cast,
        "links": review.links,
        "viewings": review.viewings,
        "images": review.images,
        "crew": tuple(review.crew),
    }
    for name, items in lists.items():
        if len(items) > LIST_MAX:
            raise ValidationError(f"{name} holds {len(items):,} items; the limit is {LIST_MAX:,}")
    texts: list[tuple[str, str | None]] = [
        ("original_title", review.original_title),
        ("director", review.director),
        ("tagline", review.tagline),
        ("url", review.url),
        *(("tags", tag) for tag in review.tags),
        *(("cast", name) for name in review.cast),
        *(("links", link) for link in review.links),
        *((f"crew[{role[:40]}]", role) for role in review.crew),
        *((f"crew[{role[:40]}]", name) for role, names in review.crew.items() for name in names),
        *(("images", image.src) for image in review.images),
        *(("images", image.caption) for image in review.images),
        *(("viewings[].venue", viewing.venue) for viewing in review.viewings),
        *(("viewings[].note", viewing.note) for viewing in review.viewings),
        *(("viewings[].with", name) for viewing in review.viewings for name in viewing.companions),
    ]
    for name, text in texts:
        limit = URL_MAX if name in URL_FIELDS else TEXT_MAX
        if text is not None and len(text) > limit:
            raise ValidationError(
                f"{name}: a value of {len(text):,} characters; the limit is {limit:,}"
            )
    return review


def parse_title(value: object, field_name: str = "title") -> str:
    """Trimmed title of 1–300 characters."""
    if not isinstance(value, str):
        raise ValidationError(f"{field_name} must be text")
    title = value.strip()
    if not 1 <= len(title) <= TITLE_MAX:
        raise ValidationError(f"{field_name} must be 1–{TITLE_MAX} characters (got {len(title)})")
    return title


def parse_optional_text(value: object, field_name: str) -> str | None:
    """Trimmed text, or None when empty."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValidationError(f"{field_name} must be text")
    text = value.strip()
    return text or None


def parse_year(value: object) -> int | None:
    """Release year, an integer in 1870..(this year + 5)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValidationError(f"year must be a whole number from {MIN_YEAR} to {max_year()}")
    if isinstance(value, str):
        text = value.strip()
        if not re.fullmatch(r"[0-9]{1,4}", text):
            raise ValidationError(
                f"year must be a whole number from {MIN_YEAR} to {max_year()} (got {shown(value)})"
            )
        year = int(text)
    elif isinstance(value, int):
        year = value
    else:
        raise ValidationError(f"year must be a whole number from {MIN_YEAR} to {max_year()}")
    if not MIN_YEAR <= year <= max_year():
        raise ValidationError(f"year must be from {MIN_YEAR} to {max_year()} (got {year})")
    return year


def parse_rating(value: object, field_name: str = "rating") -> float | None:
    """Star rating 0.5–5.0 in half steps; stored as a float (``4.0``)."""
    allowed = f"{field_name} must be 0.5 to 5 in steps of 0.5"
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValidationError(allowed)
    if isinstance(value, str):
        try:
            rating = float(value.strip())
        except ValueError:
            raise ValidationError(f"{allowed} (got {shown(value)})") from None
    elif isinstance(value, (int, float)):
        rating = float(value)
    else:
        raise ValidationError(allowed)
    if not math.isfinite(rating) or not 0.5 <= rating <= 5.0 or (rating * 2) % 1 != 0:
        raise ValidationError(f"{allowed} (got {shown(value)})")
    return rating


def parse_rank(value: object) -> int | None:
    """Personal rank, a whole number ≥ 1 (range against the list is checked by ranking)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValidationError("rank must be a whole number ≥ 1")
    if isinstance(value, str):
        text = value.strip().lstrip("#")
        if not text.isdigit():
            raise ValidationError(f"rank must be a whole number ≥ 1 (got {shown(value)})")
        rank = int(text)
    elif isinstance(value, int):
        rank = value
    else:
        raise ValidationError("rank must be a whole number ≥ 1")
    if rank < 1:
        raise ValidationError(f"rank must be a whole number ≥ 1 (got {rank})")
    return rank


def parse_date(value: object, field_name: str) -> str | None:
    """An ISO date ``YYYY-MM-DD`` (a ``date`` from YAML is accepted too)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            try:
                return date.fromisoformat(text).isoformat()
            except ValueError:
                pass
    raise ValidationError(f"{field_name} must be a date as YYYY-MM-DD (got {shown(value)})")


def parse_timestamp(value: object, field_name: str) -> str:
    """An ISO 8601 timestamp (as written by :func:`now_utc`, or any ISO form with a zone)."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, str):
        try:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            pass
        else:
            return value
    raise ValidationError(f"{field_name} must be an ISO 8601 timestamp (got {shown(value)})")


# Runs of spaces and tabs inside a tag become one space. Not every white space, as
# filmrev.folding.normalise_spacing does: a CR, NEL or other control character must
# survive storage byte for byte (tests/reliability/test_hostile_text.py); fold() still
# treats them as spaces when tags are compared.
_TAG_SPACES = re.compile(r"[ \t]+")


def parse_tags(values: Iterable[object]) -> tuple[str, ...]:
    """Tags with their spacing normalised, non-empty, unique by :func:`filmrev.folding.fold`.

    Tags differing only in case, accents, typography (``’`` ``'``) or inner spacing are one
    tag; the first spelling wins.
    """
    from filmrev.folding import fold

    tags: list[str] = []
    seen: set[str] = set()
    for value in values:
        if not isinstance(value, str):
            raise ValidationError(f"tags must be text (got {shown(value)})")
        tag = _TAG_SPACES.sub(" ", value.strip())
        if not tag:
            raise ValidationError("a tag must not be empty")
        key = fold(tag)
        if key not in seen:
            seen.add(key)
            tags.append(tag)
    return tuple(tags)


def parse_names(values: Iterable[object], field_name: str) -> tuple[str, ...]:
    """A list of people's names: trimmed, non-empty, in the order given."""
    names: list[str] = []
    for value in values:
        if not isinstance(value, str) or not value.strip():
            raise ValidationError(f"{field_name} must be a list of non-empty names")
        names.append(value.strip())
    return tuple(names)


def parse_crew_option(text: str) -> tuple[str, str]:
    """``ROLE=NAME`` from the command line, e.g. ``composer=Alexandre Desplat``."""
    role, sep, name = text.partition("=")
    if not sep or not role.strip() or not name.strip():
        raise ValidationError(
            f"crew must be ROLE=NAME, e.g. composer=Alexandre Desplat (got {text!r})"
        )
    return role.strip(), name.strip()


def parse_crew(value: object) -> dict[str, tuple[str, ...]]:
    """Mapping role → names (a single name string is accepted for a role)."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ValidationError("crew must be a mapping of role to names")
    crew: dict[str, tuple[str, ...]] = {}
    for role, names in value.items():
        if not isinstance(role, str) or not role.strip():
            raise ValidationError("crew roles must be non-empty text")
        if isinstance(names, str):
            names = [names]
        if not isinstance(names, (list, tuple)):
            raise ValidationError(f"crew[{role}] must be a list of names")
        crew[role.strip()] = parse_names(names, f"crew[{role}]")
    return crew


def merge_crew(
    crew: Mapping[str, tuple[str, ...]], pairs: Iterable[tuple[str, str]]
) -> dict[str, tuple[str, ...]]:
    """Add ``(role, name)`` pairs to a crew mapping, keeping order and skipping repeats."""
    merged = {role: tuple(names) for role, names in crew.items()}
    for role, name in pairs:
        names = merged.get(role, ())
        if name not in names:
            merged[role] = (*names, name)
    return merged


def parse_link(value: object) -> str:
    """An absolute http(s) URL."""
    if not isinstance(value, str):
        raise ValidationError("link must be text")
    link = value.strip()
    parsed = urlparse(link)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ValidationError(f"link must be an http:// or https:// URL (got {shown(value)})")
    return link


def parse_optional_url(value: object, field_name: str) -> str | None:
    """An optional http(s) URL."""
    if value is None or value == "":
        return None
    try:
        return parse_link(value)
    except ValidationError:
        raise ValidationError(
            f"{field_name} must be an http:// or https:// URL (got {shown(value)})"
        ) from None


def parse_status(value: object) -> str:
    """``draft`` or ``published``."""
    if value is None or value == "":
        return "draft"
    if value not in STATUSES:
        raise ValidationError(f"status must be one of {', '.join(STATUSES)} (got {shown(value)})")
    return str(value)


def parse_slug(value: object) -> str:
    """A slug: lowercase ASCII words joined by ``-``, at most 80 characters, not all digits."""
    if not isinstance(value, str) or not SLUG_PATTERN.fullmatch(value) or len(value) > SLUG_MAX:
        raise ValidationError(
            "slug must be lowercase letters, digits and single dashes, "
            f"at most {SLUG_MAX} characters (got {shown(value)})"
        )
    if value.isdigit():
        raise ValidationError(f"slug must not be all digits (it would read as an id): {value!r}")
    if value in RESERVED_SLUGS:
        raise ValidationError(f"slug {value!r} is reserved")
    return value


def make_slug(title: str, year: int | None, taken: Iterable[str], review_id: int) -> str:
    """A new unique slug from title and year: ``rust-and-bone-2012``, then ``-2``, ``-3``.

    ASCII only (accents transliterated), at most 80 characters; ``review-<id>`` when the
    title has nothing sluggable; an all-digit slug gets a ``film-`` prefix so it cannot
    be read as an id; ``index`` is reserved.
    """
    from slugify import slugify

    base = slugify(f"{title} {year}" if year else title, max_length=SLUG_MAX, word_boundary=True)
    if not base:
        base = f"review-{review_id}"
    if base.isdigit():
        base = f"film-{base}"[:SLUG_MAX]
    return unique_slug(base, taken)


def slug_clashes(entries: Iterable[tuple[int, str]]) -> list[tuple[str, int, int]]:
    """THE duplicate-slug check: ``(slug, holder, other)`` for each ``(id, slug)`` whose slug
    an earlier entry (``holder``) already holds, in the order given."""
    holders: dict[str, int] = {}
    clashes: list[tuple[str, int, int]] = []
    for review_id, slug in entries:
        if slug in holders:
            clashes.append((slug, holders[slug], review_id))
        else:
            holders[slug] = review_id
    return clashes


def unique_slug(base: str, taken: Iterable[str]) -> str:
    """``base``, or ``base-2``, ``base-3``… (cut to fit 80 characters): the first not taken."""
    taken_set = set(taken) | RESERVED_SLUGS | WINDOWS_DEVICE_NAMES
    if base not in taken_set:
        return base
    counter = 2
    while True:
        suffix = f"-{counter}"
        candidate = base[: SLUG_MAX - len(suffix)].rstrip("-") + suffix
        if candidate not in taken_set:
            return candidate
        counter += 1


def _as_list(value: object, field_name: str) -> list[object]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    raise ValidationError(f"{field_name} must be a list")


# --- nested values -------------------------------------------------------------


MEDIA = ("cinema", "streaming", "disc", "tv", "festival", "other")


@dataclass(frozen=True)
class Viewing:
    """One watch of the film (a diary entry; a Letterboxd diary row)."""

    date: str | None = None
    rating: float | None = None
    rewatch: bool = False
    venue: str | None = None
    medium: str | None = None  # one of MEDIA
    companions: tuple[str, ...] = ()  # stored as "with"
    note: str | None = None

    def to_doc(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"date": self.date, "rating": self.rating, "rewatch": self.rewatch}
        # The diary details appear only when set, so exports of existing libraries don't change.
        details = {"venue": self.venue, "medium": self.medium, "note": self.note}
        doc.update((key, value) for key, value in details.items() if value is not None)
        if self.companions:
            doc["with"] = list(self.companions)
        return doc

    @classmethod
    def from_doc(cls, doc: object) -> Viewing:
        if not isinstance(doc, Mapping):
            raise ValidationError("viewings must be a list of {date, rating, rewatch, ...}")
        rewatch = doc.get("rewatch", False)
        if not isinstance(rewatch, bool):
            raise ValidationError("viewings[].rewatch must be true or false")
        return cls(
            date=parse_date(doc.get("date"), "viewings[].date"),
            rating=parse_rating(doc.get("rating"), "viewings[].rating"),
            rewatch=rewatch,
            venue=parse_optional_text(doc.get("venue"), "viewings[].venue"),
            medium=parse_medium(doc.get("medium")),
            companions=parse_names(
                _as_list(doc.get("with", []), "viewings[].with"), "viewings[].with"
            ),
            note=parse_optional_text(doc.get("note"), "viewings[].note"),
        )


def parse_medium(value: object) -> str | None:
    """``cinema|streaming|disc|tv|festival|other`` (case-insensitive), or None."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.strip().lower() in MEDIA:
        return value.strip().lower()
    raise ValidationError(
        f"viewings[].medium must be one of {', '.join(MEDIA)}, not {shown(value)}"
    )


@dataclass(frozen=True)
class Image:
    """An image for the post: a source path or URL and an optional caption."""

    src: str
    caption: str | None = None
    #: The post's featured image (WordPress ``_thumbnail_id``); at most one per review.
    featured: bool = False

    def to_doc(self) -> dict[str, Any]:
        return {"src": self.src, "caption": self.caption, "featured": self.featured}

    @classmethod
    def from_doc(cls, doc: object) -> Image:
        if not isinstance(doc, Mapping) or not isinstance(doc.get("src"), str) or not doc["src"]:
            raise ValidationError("images must be a list of {src, caption, featured}")
        featured = doc.get("featured", False)
        if not isinstance(featured, bool):
            raise ValidationError("images[].featured must be true or false")
        return cls(
            src=doc["src"],
            caption=parse_optional_text(doc.get("caption"), "images[].caption"),
            featured=featured,
        )


@dataclass(frozen=True)
class Comment:
    """A reader comment (from a blog): ``parent`` is the id of the comment it replies to.

    ``date`` is ISO 8601, with the blog's UTC offset when known
    (``2016-05-12T18:07:44-07:00``); ``text`` is Markdown.
    """

    id: int
    text: str
    date: str | None = None
    parent: int | None = None
    author: str | None = None
    author_url: str | None = None

    def to_doc(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "parent": self.parent,
            "author": self.author,
            "author_url": self.author_url,
            "date": self.date,
            "text": self.text,
        }

    @classmethod
    def from_doc(cls, doc: object) -> Comment:
        shape = "comments must be a list of {id, parent, author, author_url, date, text}"
        if not isinstance(doc, Mapping):
            raise ValidationError(shape)
        unknown = set(doc) - {"id", "parent", "author", "author_url", "date", "text"}
        if unknown:
            raise ValidationError(f"{shape} (unknown key {sorted(unknown)[0]!r})")
        ident = doc.get("id")
        if not isinstance(ident, int) or isinstance(ident, bool) or ident < 1:
            raise ValidationError(f"comments[].id must be a whole number ≥ 1 (got {ident!r})")
        parent = doc.get("parent")
        if parent is not None and (
            not isinstance(parent, int) or isinstance(parent, bool) or parent < 1
        ):
            raise ValidationError(
                f"comments[].parent must be a comment id or null (got {parent!r})"
            )
        text = doc.get("text")
        if not isinstance(text, str) or not text.strip():
            raise ValidationError("comments[].text must be non-empty text")
        date = doc.get("date")
        if date is not None:
            if not isinstance(date, str):
                raise ValidationError("comments[].date must be an ISO 8601 date and time")
            try:
                datetime.fromisoformat(date.replace("Z", "+00:00"))
            except ValueError:
                raise ValidationError(
                    f"comments[].date must be an ISO 8601 date and time (got {date!r})"
                ) from None
        return cls(
            id=ident,
            parent=parent,
            author=parse_optional_text(doc.get("author"), "comments[].author"),
            author_url=parse_optional_url(doc.get("author_url"), "comments[].author_url"),
            date=date,
            text=text,
        )


def parse_comments(values: Iterable[object]) -> tuple[Comment, ...]:
    """Comments with unique ids, each reply after the comment it answers."""
    comments = tuple(Comment.from_doc(value) for value in values)
    seen: set[int] = set()
    for comment in comments:
        if comment.id in seen:
            raise ValidationError(f"comments: id {comment.id} appears twice")
        if comment.parent is not None and comment.parent not in seen:
            raise ValidationError(
                f"comments: comment {comment.id} replies to {comment.parent}, "
                "which is not an earlier comment"
            )
        seen.add(comment.id)
    return comments


def parse_images(values: Iterable[object]) -> tuple[Image, ...]:
    """Images, at most one of them featured."""
    images = tuple(Image.from_doc(value) for value in values)
    if sum(image.featured for image in images) > 1:
        raise ValidationError("images: at most one image can be featured")
    return images


def parse_sources(value: object) -> dict[str, str | None]:
    """Ids or URIs of the film on other services: ``{letterboxd, imdb, tmdb}``."""
    sources: dict[str, str | None] = dict.fromkeys(SOURCE_KEYS)
    if value is None:
        return sources
    if not isinstance(value, Mapping):
        raise ValidationError(f"sources must be a mapping with keys {', '.join(SOURCE_KEYS)}")
    for key, source in value.items():
        if key not in SOURCE_KEYS:
            raise ValidationError(
                f"sources may only have keys {', '.join(SOURCE_KEYS)} (got {shown(key)})"
            )
        if source is not None and not isinstance(source, (str, int)):
            raise ValidationError(f"sources.{key} must be text")
        sources[key] = None if source in (None, "") else str(source)
    return sources


# --- the review ----------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Review:
    """One review. Build it through :meth:`from_doc` (validating) or :meth:`evolve`."""

    # In document order (FIELD_ORDER is derived from it): keyword-only, so the fields
    # with defaults may come before ``created`` and ``updated``.
    id: int
    slug: str
    title: str
    original_title: str | None = None
    year: int | None = None
    rating: float | None = None
    rank: int | None = None
    tags: tuple[str, ...] = ()
    #: Blog categories by display name (WordPress), alongside tags.
    categories: tuple[str, ...] = ()
    director: str | None = None
    cast: tuple[str, ...] = ()
    crew: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    tagline: str | None = None
    body: str = ""
    watched: str | None = None
    links: tuple[str, ...] = ()
    viewings: tuple[Viewing, ...] = ()
    sources: Mapping[str, str | None] = field(default_factory=lambda: dict.fromkeys(SOURCE_KEYS))
    status: str = "draft"
    published: str | None = None
    url: str | None = None
    images: tuple[Image, ...] = ()
    comments: tuple[Comment, ...] = ()
    created: str
    updated: str

    def to_doc(self) -> dict[str, Any]:
        """The JSON review object, fields in :data:`FIELD_ORDER`."""
        doc = {name: getattr(self, name) for name in FIELD_ORDER}
        for name, convert in _TO_DOC.items():
            doc[name] = convert(doc[name])
        return doc

    @classmethod
    def from_doc(cls, doc: Mapping[str, Any], *, limits: bool = True) -> Review:
        """Validate a document (from the library, an import or the editor) into a Review.

        Unknown keys are an error, so a typo in front matter is reported, not dropped.
        ``limits=False`` (reading a stored library) skips the size limits of the body,
        so a library an older filmrev wrote still opens; every new value is checked.
        """
        unknown = set(doc) - set(FIELD_ORDER)
        if unknown:
            raise ValidationError(
                f"unknown field {sorted(unknown)[0]!r}; fields are: {', '.join(FIELD_ORDER)}"
            )
        review_id = parse_id(doc.get("id"))
        body = doc.get("body")
        if body is None:
            body = ""
        if not isinstance(body, str):
            raise ValidationError("body must be text")
        if limits:
            check_body_limits(body)
        created = parse_timestamp(doc.get("created"), "created")
        values: dict[str, Any] = {"id": review_id, "body": body, "created": created}
        for name in FIELD_ORDER:  # in this order, so the first bad field is the one named
            if name not in values:
                given = doc.get(name, created if name == "updated" else None)
                values[name] = _FROM_DOC[name](given)
        review = cls(**values)
        return check_value_limits(review) if limits else review

    def evolve(self, **changes: Any) -> Review:
        """A copy with ``changes`` applied and validated (``updated`` is not touched here)."""
        doc = self.to_doc()
        for name, value in changes.items():
            if name not in doc:
                raise ValidationError(f"unknown field {name!r}")
            doc[name] = value
        return Review.from_doc(doc)

    @property
    def display_title(self) -> str:
        """``Title (Year)`` or just ``Title``."""
        return f"{self.title} ({self.year})" if self.year else self.title

    @property
    def people(self) -> tuple[str, ...]:
        """Director, cast and crew names, in that order, without repeats."""
        names = [self.director] if self.director else []
        names.extend(self.cast)
        for crew_names in self.crew.values():
            names.extend(crew_names)
        return tuple(dict.fromkeys(names))

    @property
    def word_count(self) -> int:
        return len(self.body.split())


#: Field order of the document form (the dataclass's); also the order of YAML front matter.
FIELD_ORDER: tuple[str, ...] = tuple(review_field.name for review_field in fields(Review))

#: Fields ``edit --clear FIELD`` may reset to empty: all but identity, status and timestamps.
CLEARABLE = tuple(
    name
    for name in FIELD_ORDER
    if name not in ("id", "slug", "title", "status", "created", "updated")
)

#: How a field's value becomes JSON (the others are stored as they are).
_TO_DOC: dict[str, Callable[[Any], Any]] = {
    "tags": list,
    "categories": list,
    "cast": list,
    "crew": lambda crew: {role: list(names) for role, names in crew.items()},
    "links": list,
    "viewings": lambda viewings: [viewing.to_doc() for viewing in viewings],
    "sources": lambda sources: {key: sources.get(key) for key in SOURCE_KEYS},
    "images": lambda images: [image.to_doc() for image in images],
    "comments": lambda comments: [comment.to_doc() for comment in comments],
}

#: How :meth:`Review.from_doc` reads each field (``id``, ``body`` and ``created`` first).
_FROM_DOC: dict[str, Callable[[Any], Any]] = {
    "slug": parse_slug,
    "title": parse_title,
    "original_title": lambda value: parse_optional_text(value, "original_title"),
    "year": parse_year,
    "rating": parse_rating,
    "rank": parse_rank,
    "tags": lambda value: parse_tags(_as_list(value, "tags")),
    "categories": lambda value: parse_tags(_as_list(value, "categories")),
    "director": lambda value: parse_optional_text(value, "director"),
    "cast": lambda value: parse_names(_as_list(value, "cast"), "cast"),
    "crew": parse_crew,
    "tagline": lambda value: parse_optional_text(value, "tagline"),
    "watched": lambda value: parse_date(value, "watched"),
    "links": lambda value: tuple(parse_link(link) for link in _as_list(value, "links")),
    "viewings": lambda value: tuple(Viewing.from_doc(v) for v in _as_list(value, "viewings")),
    "sources": parse_sources,
    "status": parse_status,
    "published": lambda value: parse_date(value, "published"),
    "url": lambda value: parse_optional_url(value, "url"),
    "images": lambda value: parse_images(_as_list(value, "images")),
    "comments": lambda value: parse_comments(_as_list(value, "comments")),
    "updated": lambda value: parse_timestamp(value, "updated"),
}


def empty_value(field_name: str) -> Any:
    """The value ``edit --clear FIELD`` sets."""
    if field_name not in CLEARABLE:
        raise ValidationError(
            f"cannot clear {field_name!r}; clearable fields: {', '.join(CLEARABLE)}"
        )
    default = next(f for f in fields(Review) if f.name == field_name)
    if field_name in ("crew", "sources"):
        return {}
    if field_name == "body":
        return ""
    if isinstance(default.default, tuple):
        return []
    return None
