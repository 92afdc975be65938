"""Year-in-review posts of the site export (``export --profile jekyll|hugo --year-posts``).

One post per year in which a film was seen (a dated viewing, or ``watched`` for a review
with no diary; see :mod:`filmrev.year`), the same post as ``year Y --format markdown``:

- Jekyll: ``_posts/year/YYYY-MM-DD-my-YYYY-in-film.md`` (category ``year-in-review``, so
  its URL never meets a review's, even one whose slug is ``my-2024-in-film``).
- Hugo: ``content/year/my-YYYY-in-film.md`` (``filmrev_year`` under ``params``).

The post's ``date`` is the last day a film was seen that year, never after today, so the
generator builds it at once (Jekyll and Hugo skip future posts). A top film links to its
review page when the generator builds that page (published, not dated in the future:
:func:`filmrev.exporters.site.builds`), else to its ``url``, else it is plain text;
``post_url`` and ``relref`` fail a whole build on a missing page. User text is escaped
with :func:`filmrev.exporters.site_text.exact_link_text` (Markdown, HTML, Liquid and Go
template specials, typographic replacements) after :func:`filmrev.terminal.clean`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from filmrev import frontmatter
from filmrev.errors import ValidationError
from filmrev.exporters.site_text import exact_link_text
from filmrev.exporters.year_post import link_destination, post_title, year_body
from filmrev.terminal import clean
from filmrev.year import Period, seen_years, sightings, year_document

if TYPE_CHECKING:
    from filmrev.exporters.site import SiteOptions
    from filmrev.model import Review

YEAR_POST_PROFILES = ("jekyll", "hugo")
CATEGORY = "year-in-review"
#: The front-matter key that marks a year post (and lets a re-export recognise its files).
MARKER = "filmrev_year"
_NAMES = re.compile(
    r"^_posts/year/[0-9]{4}-[0-9]{2}-[0-9]{2}-my-[0-9]{4}-in-film\.md$"
    r"|^content/year/my-[0-9]{4}-in-film\.md$"
)
_MARKED = re.compile(rb"^ *" + MARKER.encode() + rb": [0-9]{4}$", re.MULTILINE)


def is_year_post(relative: str, data: bytes) -> bool:
    """Whether a file named in the manifest is a year post filmrev writes (name and content)."""
    if not _NAMES.fullmatch(relative) or not data.startswith(b"---\n"):
        return False
    front = data[: data.find(b"\n---\n", 4) + 1]
    return bool(_MARKED.search(front))


def _site_text(text: str) -> str:
    return exact_link_text(clean(text))


def post_day(reviews: Sequence[Review], year: int, today: str) -> str:
    """The last day a film was seen in ``year``, at most ``today``."""
    span = Period(year)
    days = [sighting.date for review in reviews for sighting in sightings(review, span)]
    return min(max(days), today) if days else today


def year_post_files(
    reviews: Sequence[Review],
    names: Mapping[int, str],
    options: SiteOptions,
    lists: Mapping[int, Mapping[str, Any]] | None = None,
    *,
    builds: Callable[[Review], bool],
    words: Mapping[int, int] | None = None,
) -> list[tuple[str, str, bytes]]:
    """``(path, sha256, bytes)`` of one post per year with a film seen (Jekyll or Hugo).

    ``builds(review)``: whether the site export writes that review's page (a link to it
    resolves). ``words``: each review's word count (default: counted from its body).
    """
    profile = options.profile
    if profile not in YEAR_POST_PROFILES:
        raise ValidationError("--year-posts needs --profile jekyll or hugo")
    by_id = {review.id: review for review in reviews}
    if words is None:
        words = {review.id: review.word_count for review in reviews}

    def link(entry: Mapping[str, Any]) -> str | None:
        review = by_id.get(int(entry["id"]))
        name = names.get(int(entry["id"]))
        if review is not None and name is not None and builds(review):
            if profile == "jekyll" and name.startswith("_posts/"):
                return f"{{% post_url {name.removeprefix('_posts/')[:-3]} %}}"
            if profile == "hugo":
                return f'{{{{< relref "/{name.removeprefix("content/")}" >}}}}'
        return link_destination(entry["url"]) if entry.get("url") else None

    files: list[tuple[str, str, bytes]] = []
    for year in seen_years(reviews):
        document = year_document(reviews, Period(year), words=words, lists=lists)
        day = post_day(reviews, year, options.today)
        title = post_title(document)
        body = year_body(document, escape=_site_text, link=link)
        front: dict[str, Any]
        if profile == "jekyll":
            path = f"_posts/year/{day}-my-{year}-in-film.md"
            front = {"layout": "post", "title": title, "date": day, "categories": [CATEGORY]}
        else:
            path = f"content/year/my-{year}-in-film.md"
            front = {"title": title, "date": day, "draft": False, "params": {MARKER: year}}
        if profile == "jekyll":
            front[MARKER] = year
        content = frontmatter.dump(front, body).encode("utf-8")
        files.append((path, hashlib.sha256(content).hexdigest(), content))
    return files
