"""One page per named list in the static-site export, linking to the reviews' pages.

Where the pages go (names from the list's slug only, so always inside DIR):

- ``plain``: ``DIR/lists/<slug>.md`` (front matter ``title``), films linking to
  ``../<review file>``.
- ``jekyll``: ``DIR/lists/<slug>.md`` with ``layout: page`` and ``permalink:
  /lists/<slug>/``; films link with ``{% post_url %}``.
- ``hugo``: ``DIR/content/lists/<slug>.md``; films link with ``relref``, and Hugo's
  own section page ``/lists/`` lists the lists.

Every page's front matter holds ``filmrev_list: <slug>``, by which a re-export
knows the file is its own before removing the page of a deleted list. As on the
ranked page, only reviews the generator builds get a link (a link to a
draft or a future post would fail the build); other films are plain text. A ranked
list is numbered, the others bulleted; the description and each note follow as
Markdown, with Liquid braces (Jekyll) and shortcodes (Hugo) made text.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from filmrev import frontmatter
from filmrev.exporters.list_markdown import entry_lines, link_text
from filmrev.exporters.site_text import escape_hugo_shortcodes, exact_link_text
from filmrev.film_lists import FilmList, Resolved
from filmrev.model import Review

#: The file-name pattern of list pages, for the export's "is this file ours" check.
LIST_PAGE_NAMES = r"^(?:content/)?lists/[a-z0-9][a-z0-9-]*\.md$"


def list_page_path(profile: str, film_list: FilmList) -> str:
    return (
        f"content/lists/{film_list.slug}.md" if profile == "hugo" else f"lists/{film_list.slug}.md"
    )


def _text(text: str, profile: str) -> str:
    """Free text (description, notes) that the generator shows as written."""
    if profile == "jekyll":
        return text.replace("{", "&#123;").replace("}", "&#125;")
    if profile == "hugo":
        return escape_hugo_shortcodes(text)
    return text


def list_page(
    film_list: FilmList,
    entries: Sequence[Resolved],
    names: Mapping[int, str],
    profile: str,
    builds: Callable[[Review], bool],
) -> str:
    """The page of one list; ``names`` maps review id → its file in DIR, ``builds(review)``
    tells whether the generator builds that review's page."""

    def target(item: Resolved) -> str | None:
        review: Review | None = item.review
        if review is None or review.id not in names:
            return None
        name = names[review.id]
        if profile == "plain":
            return f"../{name}"
        if not builds(review):
            return None
        if profile == "jekyll":
            if not name.startswith("_posts/"):
                return None
            return f"{{% post_url {name.removeprefix('_posts/')[:-3]} %}}"
        return f'{{{{< relref "/{name.removeprefix("content/")}" >}}}}'

    safe = [
        dataclasses.replace(
            item,
            entry=dataclasses.replace(
                item.entry, note=_text(item.entry.note, profile) if item.entry.note else None
            ),
        )
        for item in entries
    ]
    escape = link_text if profile == "plain" else exact_link_text
    listing = entry_lines(film_list, safe, target, escape=escape) or "No films yet.\n"
    description = f"{_text(film_list.description, profile)}\n\n" if film_list.description else ""
    body = description + listing
    title = " ".join(film_list.name.split())
    front: dict[str, Any] = {"title": title}
    if profile == "jekyll":
        front = {"layout": "page", "title": title, "permalink": f"/lists/{film_list.slug}/"}
    front["filmrev_list"] = film_list.slug
    return frontmatter.dump(front, body)


def list_pages(
    lists: Sequence[FilmList],
    reviews: Sequence[Review],
    names: Mapping[int, str],
    profile: str,
    builds: Callable[[Review], bool],
) -> list[tuple[str, str, bytes]]:
    """``(path, fingerprint, content)`` of every list page."""
    from filmrev.film_lists import resolved

    by_id = {review.id: review for review in reviews}
    pages: list[tuple[str, str, bytes]] = []
    for film_list in lists:
        page = list_page(film_list, resolved(film_list, by_id), names, profile, builds)
        data = page.encode("utf-8")
        pages.append((list_page_path(profile, film_list), hashlib.sha256(data).hexdigest(), data))
    return pages


def looks_like_list_page(data: bytes) -> bool:
    """Whether a file's content is a list page filmrev writes (before removing it)."""
    return data.startswith(b"---\n") and b"\nfilmrev_list: " in data[:1000]
