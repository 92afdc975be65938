"""Static-site export: a Markdown file per review and a ranked-list page, kept in sync.

Profiles (``export --format markdown --out DIR --profile ...``):

- ``plain``: ``DIR/<slug>.md`` with every field but ``body`` as front matter (the
  import format) and ``DIR/index.md``, the ranked list.
- ``jekyll``: ``DIR/_posts/YYYY-MM-DD-<slug>.md`` for published reviews and
  ``DIR/_drafts/<slug>.md`` for drafts (Jekyll shows drafts only with
  ``--drafts``); front matter ``layout``, ``title``, ``date``, ``categories``,
  ``tags``, then the filmrev fields, and ``render_with_liquid: false`` so a
  ``{{`` in a review is text. ``date`` is ``published``, else ``watched``, else
  the day of ``created``; filmrev's ``published`` is written as ``published_on``
  (Jekyll reserves ``published``). The ranked list is ``DIR/ranked/index.md``.
  ``permalinks="keep"`` serves each post at the path of its ``url`` and lists the
  ones that had to move in ``DIR/_redirects``.
- ``hugo``: ``DIR/content/reviews/<slug>.md`` with ``title``, ``date``, ``draft``,
  ``tags``, ``slug`` and the other fields under ``params``, shortcode syntax in
  the body escaped; the ranked list is ``DIR/content/ranked/index.md``.

The ranked page links only to pages the generator builds (published, not dated in
the future), with link text the typographers leave alone (:mod:`site_text`).

``jsonld`` adds a schema.org ``Review`` of a ``Movie`` as a JSON string in the
front-matter field ``jsonld`` (Hugo: ``params.jsonld``), ready for a
``<script type="application/ld+json">`` in a layout.

``DIR/.filmrev-manifest.json`` records, for every file filmrev wrote, the SHA-256
of its content and a fingerprint of what it was made from. A re-export renders
and rewrites only files whose review changed, removes files it wrote for reviews
that are gone, and never overwrites a file it did not write, or one edited
since, unless ``force``: it stops before writing anything and names them. It never
deletes one, ``force`` or not: a file is removed only when its name is one filmrev
writes, its content is a filmrev file and its hash is the one recorded (a planted or
copied manifest proves nothing alone). Files are written atomically, through
directory descriptors opened with ``O_NOFOLLOW`` (:mod:`filmrev.exporters.outdir`),
so never through a symbolic link and always inside DIR, even when a directory is
swapped for a link mid-export: names come from slugs alone (ASCII, ≤ 200 bytes,
unique, never ``index`` or a Windows device name).
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import orjson
import yaml

from filmrev import frontmatter
from filmrev.errors import FilmrevError, StorageError, ValidationError
from filmrev.exporters.outdir import LeavesDirectory, OutputDirectory
from filmrev.exporters.site_text import escape_hugo_shortcodes, exact_link_text, permalink_path
from filmrev.filemode import new_file_mode
from filmrev.model import SLUG_PATTERN, WINDOWS_DEVICE_NAMES, Review
from filmrev.terminal import rating_label

PROFILES = ("plain", "jekyll", "hugo")
PERMALINKS = ("default", "keep")
MANIFEST = ".filmrev-manifest.json"
MANIFEST_FORMAT = "filmrev-manifest"
#: Bump when the rendering changes, so every file is rendered again once.
RENDER_VERSION = 2
MAX_NAME_BYTES = 200
SHOWN_CONFLICTS = 10
_LINK_TEXT_SPECIALS = re.compile(r"([\\`*_\[\]<>#|])")


class ExportConflict(FilmrevError):
    """Files in the output directory that filmrev did not write (or that were edited)."""


@dataclass(frozen=True)
class SiteFile:
    """One file to export: where, a fingerprint of its inputs, how to render it."""

    path: str
    fingerprint: str
    render: Callable[[], bytes]


@dataclass
class SiteReport:
    """What an export did."""

    directory: Path
    reviews: int
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    #: Files a manifest named that are not filmrev's (edited, foreign): left in place.
    kept: list[str] = field(default_factory=list)


# --- what goes into the files -------------------------------------------------------------------


def post_date(review: Review) -> str:
    """``published``, else ``watched``, else the day of ``created``."""
    return review.published or review.watched or review.created[:10]


def review_jsonld(review: Review, author: str | None = None) -> str:
    """A schema.org ``Review`` of a ``Movie`` as compact JSON, safe inside ``<script>``.

    ``author`` is the configured critic (``filmrev config set author``); the review's
    dates are ``published``, else ``watched`` (never the time it was imported), and
    the hook line (``tagline``) is its ``description``.
    """
    movie: dict[str, Any] = {"@type": "Movie", "name": review.title}
    if review.year is not None:
        movie["dateCreated"] = str(review.year)
    if review.director:
        movie["director"] = {"@type": "Person", "name": review.director}
    imdb = review.sources.get("imdb")
    if imdb:
        movie["sameAs"] = f"https://www.imdb.com/title/{imdb}/"
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Review",
        "name": review.display_title,
        "itemReviewed": movie,
    }
    if author:
        data["author"] = {"@type": "Person", "name": author}
    if review.rating is not None:
        data["reviewRating"] = {
            "@type": "Rating",
            "ratingValue": review.rating,
            "bestRating": 5,
            "worstRating": 0.5,
        }
    when = review.published or review.watched
    if when:
        data["datePublished"] = when
        data["dateCreated"] = when
    if review.tagline:
        data["description"] = review.tagline
    if review.url:
        data["url"] = review.url
    text = orjson.dumps(data).decode("utf-8")
    # "<", ">" and "&" only occur inside JSON strings, where \\u escapes mean the same.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@dataclass(frozen=True)
class SiteOptions:
    """How a site export renders: profile, JSON-LD, the author, permalinks, the day."""

    profile: str = "plain"
    jsonld: bool = False
    author: str | None = None
    #: ``default`` (the generator's own URLs) or ``keep`` (Jekyll: the old ``url`` paths).
    permalinks: str = "default"
    #: Posts dated after this day are not built by Jekyll/Hugo by default: no link to them.
    today: str = field(default_factory=lambda: date.today().isoformat())
    #: Jekyll/Hugo: one year-in-review post per year with a film seen (:mod:`site_year`).
    year_posts: bool = False
    #: Documents of the ``lists`` table (the year posts name the lists updated that year).
    lists_table: Mapping[int, Mapping[str, Any]] = field(default_factory=dict)


def builds(review: Review, options: SiteOptions) -> bool:
    """Whether Jekyll/Hugo build this review's page by default (published, not in the future)."""
    return review.status == "published" and post_date(review) <= options.today


def front_matter(
    review: Review,
    profile: str,
    jsonld: bool,
    *,
    author: str | None = None,
    permalink: str | None = None,
    redirect_from: str | None = None,
) -> dict[str, Any]:
    """The front-matter fields of one review file in a profile.

    Jekyll reserves ``published`` (``false`` or ``null`` there means "do not
    build"), so the Jekyll profile writes filmrev's date as ``published_on``.
    """
    doc = review.to_doc()
    del doc["body"]
    if profile == "jekyll":
        fields: dict[str, Any] = {
            "layout": "post",
            "title": doc.pop("title"),
            "date": post_date(review),
            "categories": ["reviews", *doc.pop("categories")],
            "tags": doc.pop("tags"),
        }
        if permalink:
            fields["permalink"] = permalink
        if redirect_from:
            fields["redirect_from"] = [redirect_from]
        published = doc.pop("published")
        for key, value in doc.items():
            fields[key] = value
            if key == "status":
                fields["published_on"] = published
        fields["render_with_liquid"] = False
    elif profile == "hugo":
        fields = {
            "title": doc.pop("title"),
            "date": post_date(review),
            "draft": review.status != "published",
            "tags": doc.pop("tags"),
            "slug": doc.pop("slug"),
            "params": doc,
        }
    else:
        fields = doc
    if jsonld:
        target = fields["params"] if profile == "hugo" else fields
        target["jsonld"] = review_jsonld(review, author)
    return fields


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def dump_document(fields: dict[str, Any], body: str) -> str:
    """:func:`filmrev.frontmatter.dump`, through libyaml where that gives the same text.

    libyaml's emitter is about ten times faster, which matters for a first export
    of thousands of reviews. It escapes characters beyond U+FFFF (emoji) where the
    pure-Python emitter writes them as they are, so those reviews take the slow path.
    """
    dumper = getattr(yaml, "CSafeDumper", None)
    if dumper is None or _ASTRAL.search(orjson.dumps(fields).decode("utf-8")):
        return frontmatter.dump(fields, body)
    front = yaml.dump(
        fields,
        Dumper=dumper,
        allow_unicode=True,
        sort_keys=False,
        width=2**31 - 1,
        default_flow_style=False,
    )
    return f"{frontmatter.DELIMITER}\n{front}{frontmatter.DELIMITER}\n\n{body}"


def review_file(
    review: Review,
    profile: str,
    jsonld: bool,
    *,
    author: str | None = None,
    permalink: str | None = None,
    redirect_from: str | None = None,
) -> bytes:
    fields = front_matter(
        review, profile, jsonld, author=author, permalink=permalink, redirect_from=redirect_from
    )
    body = escape_hugo_shortcodes(review.body) if profile == "hugo" else review.body
    return dump_document(fields, body).encode("utf-8")


def _clip(name: str, limit: int) -> str:
    """At most ``limit`` bytes (names are ASCII, so bytes are characters)."""
    return name[:limit].rstrip("-") or "review"


def file_names(reviews: Sequence[Review], profile: str) -> dict[int, str]:
    """Review id → path inside DIR: from the slug only, ≤ 200 bytes, unique."""
    names: dict[int, str] = {}
    used: set[str] = set()
    for review in sorted(reviews, key=lambda review: review.id):
        stem = review.slug if SLUG_PATTERN.fullmatch(review.slug) else f"review-{review.id}"
        prefix = ""
        if profile == "jekyll" and review.status == "published":
            prefix = post_date(review) + "-"
        stem = _clip(stem, MAX_NAME_BYTES - len(prefix) - len(".md"))
        if prefix + stem in used or stem in ("index", "_index") or stem in WINDOWS_DEVICE_NAMES:
            suffix = f"-{review.id}"
            stem = _clip(stem, MAX_NAME_BYTES - len(prefix) - len(".md") - len(suffix)) + suffix
        used.add(prefix + stem)
        name = f"{prefix}{stem}.md"
        if profile == "jekyll":
            names[review.id] = ("_posts/" if prefix else "_drafts/") + name
        elif profile == "hugo":
            names[review.id] = "content/reviews/" + name
        else:
            names[review.id] = name
    return names


def _link_text(text: str, profile: str) -> str:
    if profile == "plain":
        return _LINK_TEXT_SPECIALS.sub(r"\\\1", " ".join(text.split()))
    return exact_link_text(text)


def ranked_page(
    reviews: Sequence[Review],
    names: dict[int, str],
    profile: str,
    options: SiteOptions | None = None,
) -> str:
    """The ranked list as a page, each title linking to its review.

    Only reviews the generator builds get a link (Jekyll's ``post_url`` and Hugo's
    ``relref`` fail the whole build on a missing page): drafts and posts dated in
    the future are plain text.
    """
    options = options or SiteOptions(profile=profile)
    ranked = sorted((review for review in reviews if review.rank is not None), key=_rank)
    lines: list[str] = []
    for review in ranked:
        text = _link_text(review.display_title, profile)
        name = names[review.id]
        if profile == "plain":
            item = f"[{text}]({name})"
        elif profile == "jekyll" and name.startswith("_posts/") and builds(review, options):
            item = f"[{text}]({{% post_url {name.removeprefix('_posts/')[:-3]} %}})"
        elif profile == "hugo" and builds(review, options):
            item = f'[{text}]({{{{< relref "/{name.removeprefix("content/")}" >}}}})'
        else:
            item = text  # no page to link to
        if review.rating is not None:
            item += f" — {rating_label(review.rating)}"
        lines.append(f"{review.rank}. {item}\n")
    listing = "".join(lines) or "No ranked films yet.\n"
    if profile == "plain":
        return f"# Ranked\n\n{listing}"
    front: dict[str, Any] = {"title": "Ranked"}
    if profile == "jekyll":
        front = {"layout": "page", "title": "Ranked", "permalink": "/ranked/"}
    return frontmatter.dump(front, listing)


def _rank(review: Review) -> int:
    return review.rank or 0


def ranked_page_path(profile: str) -> str:
    return {"plain": "index.md", "jekyll": "ranked/index.md", "hugo": "content/ranked/index.md"}[
        profile
    ]


def _fingerprint(
    options: SiteOptions, review: Review, *extra: str | None, body_sha: str | None = None
) -> str:
    """What a review's file is made from: the options, the review, its body's hash.

    The body enters by its SHA-256 (the body store's name for it), so a caller holding
    reviews without bodies (``body_refs``) fingerprints them without reading one.
    """
    from filmrev.bodies import body_ref

    head = f"{RENDER_VERSION}\0{options.profile}\0{options.jsonld}\0{options.author}\0"
    digest = hashlib.sha256((head + "\0".join(str(part) for part in extra)).encode())
    doc = review.to_doc()
    doc["body"] = body_sha or body_ref(review.body)
    digest.update(orjson.dumps(doc))
    return digest.hexdigest()


def plan_permalinks(
    reviews: Sequence[Review], options: SiteOptions
) -> tuple[dict[int, str], list[tuple[str, str]]]:
    """``--permalinks keep`` (Jekyll): review id → permalink, and (old, new) redirects.

    A post keeps the path of its ``url`` when Jekyll can serve it there and no other
    post or page claims it; every other post gets ``/reviews/<slug>/``, and when it
    had a ``url``, a redirect from the old path (or URL) to the new one.
    """
    if options.profile != "jekyll" or options.permalinks != "keep":
        return {}, []
    taken = {"/ranked/", "/ranked"}
    permalinks: dict[int, str] = {}
    redirects: list[tuple[str, str]] = []
    ordered = sorted(reviews, key=lambda review: review.id)
    for review in ordered:
        path = permalink_path(review.url)
        if path is not None and path.rstrip("/") not in {t.rstrip("/") for t in taken}:
            permalinks[review.id] = path
            taken.add(path)
    for review in ordered:
        if review.id in permalinks:
            continue
        stem = review.slug if SLUG_PATTERN.fullmatch(review.slug) else f"review-{review.id}"
        path = f"/reviews/{stem}/"
        if path in taken:
            path = f"/reviews/{stem}-{review.id}/"
        permalinks[review.id] = path
        taken.add(path)
        if review.url:
            redirects.append((review.url, path))
    return permalinks, redirects


REDIRECTS_PATH = "_redirects"


def redirects_file(redirects: list[tuple[str, str]]) -> str:
    """Old URL → new path, one ``FROM TO 301`` line each (Netlify's ``_redirects`` format)."""
    lines = ["# filmrev: old post URLs that could not be kept, and where the post is now\n"]
    lines.extend(f"{old} {new} 301\n" for old, new in redirects)
    return "".join(lines)


def site_files(
    reviews: Sequence[Review],
    profile: str,
    jsonld: bool,
    options: SiteOptions | None = None,
    lists: Sequence[Any] = (),
    *,
    full: Callable[[Review], Review] | None = None,
    body_refs: Mapping[int, str] | None = None,
    body_words: Mapping[int, int] | None = None,
) -> list[SiteFile]:
    """Every file of the export, rendered lazily (``lists``: named lists, a page each).

    ``reviews`` may come without bodies: then ``body_refs`` gives each one's body hash
    (for the fingerprint), ``body_words`` its word count (for the year posts) and ``full``
    the review with its body (for rendering).
    """
    if profile not in PROFILES:
        raise ValidationError(f"profile must be one of {', '.join(PROFILES)} (got {profile!r})")
    options = replace(options or SiteOptions(), profile=profile, jsonld=jsonld)
    if options.permalinks not in PERMALINKS:
        raise ValidationError(
            f"permalinks must be one of {', '.join(PERMALINKS)} (got {options.permalinks!r})"
        )
    if options.permalinks == "keep" and profile != "jekyll":
        raise ValidationError("--permalinks keep applies to --profile jekyll")
    names = file_names(reviews, profile)
    permalinks, redirects = plan_permalinks(reviews, options)
    moved = {new: old for old, new in redirects}
    files: list[SiteFile] = []
    for review in reviews:
        permalink = permalinks.get(review.id)
        redirect = moved.get(permalink or "")
        redirect_from = permalink_path(redirect) if redirect else None

        def render(
            review: Review = review,
            permalink: str | None = permalink,
            redirect_from: str | None = redirect_from,
        ) -> bytes:
            return review_file(
                full(review) if full is not None else review,
                profile,
                jsonld,
                author=options.author,
                permalink=permalink,
                redirect_from=redirect_from,
            )

        body_sha = body_refs.get(review.id) if body_refs is not None else None
        fingerprint = _fingerprint(options, review, permalink, redirect_from, body_sha=body_sha)
        files.append(SiteFile(names[review.id], fingerprint, render))
    page = ranked_page(reviews, names, profile, options).encode("utf-8")
    page_print = hashlib.sha256(page).hexdigest()
    files.append(SiteFile(ranked_page_path(profile), page_print, lambda: page))
    if lists:
        from filmrev.exporters.site_lists import list_pages

        pages = list_pages(lists, reviews, names, profile, lambda review: builds(review, options))
        for path, digest, data in pages:

            def page_bytes(data: bytes = data) -> bytes:
                return data

            files.append(SiteFile(path, digest, page_bytes))
    if options.year_posts:
        from filmrev.exporters.site_year import year_post_files

        posts = year_post_files(
            reviews,
            names,
            options,
            options.lists_table,
            builds=lambda review: builds(review, options),
            words=body_words,
        )
        for path, digest, data in posts:

            def post_bytes(data: bytes = data) -> bytes:
                return data

            files.append(SiteFile(path, digest, post_bytes))
    if redirects:
        listing = redirects_file(redirects).encode("utf-8")
        files.append(SiteFile(REDIRECTS_PATH, _sha256(listing), lambda: listing))
    return files


# --- the output directory -------------------------------------------------------------------


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _inside(root: str, path: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _safe_relative(relative: str) -> bool:
    parts = relative.split("/")
    return bool(relative) and not relative.startswith("/") and ".." not in parts and "" not in parts


def _check_parents(root: Path, relative: str, checked: set[str] | None = None) -> None:
    """Every directory on the way to ``relative`` must be a real directory inside ``root``.

    A symbolic link among them is refused, wherever it leads: the writes go through
    directory descriptors opened with ``O_NOFOLLOW`` (:mod:`filmrev.exporters.outdir`),
    so this check and the writes agree. The file itself is looked at with ``lstat``
    (see :func:`_disk`): a link there is foreign, and ``--force`` replaces the link,
    not what it points to.
    """
    parent = relative.rpartition("/")[0]
    if checked is not None and parent in checked:
        return
    current = root
    for part in parent.split("/") if parent else ():
        current = current / part
        if current.is_symlink():
            if not _inside(str(root), os.path.realpath(current)):
                raise ExportConflict(
                    f"{current} leads outside {root} through a symbolic link; "
                    "filmrev never writes outside the output directory"
                )
            raise ExportConflict(
                f"{current} is a symbolic link; filmrev writes only into real directories "
                f"inside {root}"
            )
        if os.path.lexists(current) and not current.is_dir():
            raise ExportConflict(f"{current} is not a directory; cannot write {relative} there")
    if checked is not None:
        checked.add(parent)


def _disk(path: Path) -> tuple[str, str | None]:
    """``(state, sha256)``: state is missing, file, link or other; the hash only for files."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return "missing", None
    except OSError as error:
        raise StorageError(f"cannot read {path}: {error.strerror or error}") from None
    if stat.S_ISLNK(info.st_mode):
        return "link", None
    if not stat.S_ISREG(info.st_mode):
        return "other", None
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError as error:
        raise StorageError(f"cannot read {path}: {error.strerror or error}") from None
    with os.fdopen(fd, "rb") as handle:
        return "file", _sha256(handle.read())


def _read_bytes(path: Path) -> bytes:
    """A regular file's bytes, never through a link (b"" when it cannot be read)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return b""
    with os.fdopen(fd, "rb") as handle:
        return handle.read() if stat.S_ISREG(os.fstat(fd).st_mode) else b""


def _load_manifest(root: Path) -> dict[str, dict[str, str]]:
    """``path → {sha256, input}`` of the files filmrev wrote; {} when there is none."""
    state, _ = _disk(root / MANIFEST)
    if state != "file":
        return {}
    try:
        document = orjson.loads((root / MANIFEST).read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return {}  # unreadable: every existing file counts as foreign, which is the safe side
    files = document.get("files") if isinstance(document, dict) else None
    if not isinstance(files, dict):
        return {}
    manifest: dict[str, dict[str, str]] = {}
    for relative, entry in files.items():
        if (
            isinstance(relative, str)
            and _safe_relative(relative)
            and isinstance(entry, dict)
            and isinstance(entry.get("sha256"), str)
        ):
            manifest[relative] = {"sha256": entry["sha256"], "input": str(entry.get("input", ""))}
    return manifest


#: Where each profile puts review files (``<slug>.md``) and its ranked page.
_OUTPUT_NAMES = re.compile(
    r"^(?:|_posts/|_drafts/|content/reviews/)[a-z0-9][a-z0-9-]*\.md$"
    r"|^(?:ranked/|content/ranked/)?index\.md$"
    r"|^(?:content/)?lists/[a-z0-9][a-z0-9-]*\.md$"
)
_FRONT_ID = re.compile(rb"^ *id: [0-9]+$", re.MULTILINE)
_FRONT_CREATED = re.compile(rb"^ *created: ", re.MULTILINE)


def _looks_like_ours(relative: str, data: bytes) -> bool:
    """Whether a file a manifest names could be one filmrev writes: its name and content.

    A manifest can be planted or copied from elsewhere, so a hash that matches is not
    enough to delete a file: ``_config.yml`` or ``.git/HEAD`` is never filmrev's.
    """
    from filmrev.exporters.site_year import is_year_post

    if is_year_post(relative, data):
        return True
    if not _OUTPUT_NAMES.fullmatch(relative):
        return False
    if relative.startswith(("lists/", "content/lists/")):
        from filmrev.exporters.site_lists import looks_like_list_page

        return looks_like_list_page(data)
    if relative.rpartition("/")[2] == "index.md":
        return data.startswith(b"# Ranked\n") or (
            data.startswith(b"---\n") and b"\ntitle: Ranked\n" in data[:300]
        )
    front = data[: data.find(b"\n---\n", 4) + 1] if data.startswith(b"---\n") else b""
    return bool(_FRONT_ID.search(front) and _FRONT_CREATED.search(front))


def _conflict_message(out: Path, conflicts: list[str]) -> str:
    shown = ", ".join(conflicts[:SHOWN_CONFLICTS])
    more = len(conflicts) - SHOWN_CONFLICTS
    if more > 0:
        shown += f" and {more} more"
    noun = "file was" if len(conflicts) == 1 else "files were"
    return (
        f"export to {out} stopped: {len(conflicts)} {noun} not written by filmrev or "
        f"edited since: {shown}; nothing was written (--force overwrites them)"
    )


def export_site(
    reviews: Sequence[Review],
    out: Path,
    *,
    profile: str = "plain",
    jsonld: bool = False,
    force: bool = False,
    options: SiteOptions | None = None,
    lists: Sequence[Any] = (),
    full: Callable[[Review], Review] | None = None,
    body_refs: Mapping[int, str] | None = None,
    body_words: Mapping[int, int] | None = None,
) -> SiteReport:
    """Bring directory ``out`` in line with ``reviews`` (see the module docstring;
    ``full``, ``body_refs`` and ``body_words`` as for :func:`site_files`)."""
    files = site_files(
        reviews,
        profile,
        jsonld,
        options,
        lists,
        full=full,
        body_refs=body_refs,
        body_words=body_words,
    )
    root = Path(os.path.realpath(out))
    if root.exists() and not root.is_dir():
        raise ValidationError(f"--out {out} is a file; a Markdown export writes a directory")
    report = SiteReport(directory=out, reviews=len(reviews))
    manifest = _load_manifest(root) if root.is_dir() else {}
    new_manifest: dict[str, dict[str, str]] = {}
    writes: list[tuple[str, bytes]] = []
    conflicts: list[str] = []
    planned = {site_file.path for site_file in files}
    directories: set[str] = set()
    for site_file in files:
        _check_parents(root, site_file.path, directories)
        state, on_disk = _disk(root / site_file.path)
        entry = manifest.get(site_file.path)
        if state == "other":
            raise ExportConflict(f"{root / site_file.path} is not a regular file; not touching it")
        ours = entry is not None and on_disk is not None and entry["sha256"] == on_disk
        if ours and entry is not None and entry["input"] == site_file.fingerprint:
            report.unchanged += 1
            new_manifest[site_file.path] = entry
            continue
        content = site_file.render()
        digest = _sha256(content)
        new_manifest[site_file.path] = {"sha256": digest, "input": site_file.fingerprint}
        if ours:  # a manifest proves nothing alone: the file must also be one filmrev writes
            ours = _looks_like_ours(site_file.path, _read_bytes(root / site_file.path))
        if state == "file" and digest == on_disk:
            report.unchanged += 1  # already what we would write: adopt it
        elif state == "missing" or ours or force:
            writes.append((site_file.path, content))
        else:
            conflicts.append(site_file.path)
    removals: list[tuple[str, str]] = []
    for relative, entry in manifest.items():
        if relative in planned:
            continue
        try:
            _check_parents(root, relative)
        except ExportConflict:
            continue  # a manifest entry that now leads elsewhere: forget it, touch nothing
        state, on_disk = _disk(root / relative)
        if state == "missing":
            continue
        looks_ours = state == "file" and _looks_like_ours(relative, _read_bytes(root / relative))
        if looks_ours and on_disk == entry["sha256"]:
            removals.append((relative, entry["sha256"]))
        elif looks_ours and not force:
            conflicts.append(relative)  # a file filmrev wrote, edited since: ask for --force
            new_manifest[relative] = entry
        else:
            report.kept.append(relative)  # not filmrev's (any more): left alone, forgotten
    if conflicts and not force:
        raise ExportConflict(_conflict_message(out, conflicts))

    mode = new_file_mode()
    with OutputDirectory(root) as directory:
        try:
            for relative, content in writes:
                directory.write(relative, content, mode, durable=True)
                report.written.append(relative)
            for relative, sha256 in removals:
                # Checked again through the descriptors: only if still unchanged, inside.
                if directory.remove_if_unchanged(relative, sha256):
                    report.removed.append(relative)
        except LeavesDirectory as error:
            raise ExportConflict(
                f"export to {out} stopped: {error.message}; "
                f"{len(report.written)} file(s) were written before"
            ) from None
        if report.written or report.removed:
            directory.sync()  # the files (and removals) are on disk before the manifest says so
        if new_manifest != manifest or directory.read_regular(MANIFEST) is None:
            document = {
                "format": MANIFEST_FORMAT,
                "version": 1,
                "profile": profile,
                "files": dict(sorted(new_manifest.items())),
            }
            directory.write(
                MANIFEST,
                orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n",
                mode,
                durable=True,
            )
            directory.sync()
    return report
