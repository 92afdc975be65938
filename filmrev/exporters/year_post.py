"""The year in review as a ready-to-publish Markdown post: "My 2024 in film".

``year_markdown(document)`` (``year Y --format markdown``) is plain CommonMark (GFM
tables for months and ratings) with a ``#`` title line, so it pastes into any blog. The
site export (:mod:`filmrev.exporters.site_year`) renders the same post with its own
front matter, link targets and text escaping.

User text (titles, hook lines, names, tags, list names) is inert: escape sequences,
control and bidi-override characters are dropped (:func:`filmrev.terminal.clean`), runs
of white space (newlines too) become one space, and Markdown or HTML specials are
backslash-escaped, so a title such as ``<script>`` or ``**x**`` shows as typed. The post
is for publishing; ``--format json`` is the byte-exact form.

A top film links to its ``url`` when it has one, else to its slug (a relative link).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from filmrev.terminal import clean, rating_label, stars
from filmrev.year import MONTHS, Period

_SPECIALS = re.compile(r"([\\`*_\[\]<>#|!~])")
_ENTITY_LIKE = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_URL_UNSAFE = re.compile(r"[\x00-\x20()<>\x7f-\x9f]")
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
#: Rewatched films listed (the JSON document has them all).
SHOWN_REWATCHES = 10
WHERE_PHRASES = {
    "cinema": "at the cinema",
    "home": "at home",
    "other": "elsewhere",
    "unknown": "not recorded",
}

#: Inline text escaping (user text → Markdown that shows it as typed).
Escape = Callable[[str], str]
#: The link target of a film entry of the document, or None for no link.
Linker = Callable[[Mapping[str, Any]], str | None]


def inline_text(text: str) -> str:
    """``text`` as inline CommonMark that renders exactly as typed (one line, no HTML).

    >>> inline_text("<b>Bold</b> & **co** [1]")
    '\\\\<b\\\\>Bold\\\\</b\\\\> & \\\\*\\\\*co\\\\*\\\\* \\\\[1\\\\]'
    """
    flat = " ".join(clean(text).split())
    return _SPECIALS.sub(r"\\\1", _ENTITY_LIKE.sub("&amp;", flat))


def link_destination(target: str) -> str:
    """A link target with spaces, parentheses, angle brackets and controls percent-encoded."""
    return _URL_UNSAFE.sub(
        lambda match: "".join(f"%{b:02X}" for b in match.group().encode()), target
    )


def default_link(entry: Mapping[str, Any]) -> str | None:
    """The review's ``url``, else its slug."""
    return link_destination(str(entry.get("url") or entry["slug"]))


def post_title(document: Mapping[str, Any]) -> str:
    """``My 2024 in film``, ``My January–June 2024 in film``."""
    return f"My {Period(document['year'], document['half']).label} in film"


def _count(number: int, noun: str, plural: str | None = None) -> str:
    return f"{number:,} {noun if number == 1 else (plural or noun + 's')}"


def _film(entry: Mapping[str, Any], escape: Escape, link: Linker) -> str:
    title = str(entry["title"])
    if entry.get("year"):
        title += f" ({entry['year']})"
    text = escape(title)
    target = link(entry)
    return f"[{text}]({target})" if target else text


def _names(entries: Sequence[Mapping[str, Any]], key: str, escape: Escape) -> str:
    return "".join(f"- {escape(str(entry[key]))} ({entry['count']})\n" for entry in entries)


def year_body(
    document: Mapping[str, Any], *, escape: Escape = inline_text, link: Linker = default_link
) -> str:
    """The post without its title: intro, top films, the numbers, rewatches, lists."""
    label = Period(document["year"], document["half"]).label
    films, first, again = document["films"], document["first_viewings"], document["rewatches"]
    parts = [
        f"I saw {_count(films, 'film')} in {label}: {first:,} for the first time and "
        f"{again:,} again, in {_count(document['viewings'], 'viewing')}.\n"
    ]
    top = document["top"]
    if top:
        lines = [f"\n## Top {len(top)}\n\n"]
        for entry in top:
            item = f"{entry['position']}. {_film(entry, escape, link)}"
            if entry["rating"] is not None:
                item += f" — {rating_label(entry['rating'])}"
            tagline = entry.get("tagline")
            if tagline and escape(str(tagline)):
                indent = " " * (len(str(entry["position"])) + 2)
                item += f"  \n{indent}*{escape(str(tagline))}*"
            lines.append(item + "\n")
        parts.append("".join(lines))
    numbers = [
        f"- **Films:** {films:,} ({_count(first, 'first viewing')}, "
        f"{_count(again, 'rewatch', 'rewatches')})\n",
        f"- **Viewings:** {document['viewings']:,} "
        f"({_count(document['rewatch_viewings'], 'rewatch', 'rewatches')})\n",
    ]
    if document["average_rating"] is not None:
        numbers.append(f"- **Average rating:** {document['average_rating']:.2f}\n")
    where = document["where"]
    numbers.append(
        "- **Where:** "
        + ", ".join(
            f"{where[key]:,} {phrase}" for key, phrase in WHERE_PHRASES.items() if where[key]
        )
        + "\n"
    )
    months = document["by_month"]
    if any(months.values()):
        busiest = max(months, key=lambda key: (months[key], -int(key[5:7])))
        numbers.append(
            f"- **Busiest month:** {MONTH_NAMES[int(busiest[5:7]) - 1]} "
            f"({_count(months[busiest], 'viewing')})\n"
        )
    if document["words"]:
        numbers.append(f"- **Words written about them:** {document['words']:,}\n")
    longest = document["longest"]
    if longest is not None:
        numbers.append(
            f"- **Longest review:** {_film(longest, escape, link)} "
            f"({_count(longest['words'], 'word')})\n"
        )
    parts.append("\n## The numbers\n\n" + "".join(numbers))
    month_rows = "".join(
        f"| {MONTHS[int(key[5:7]) - 1]} | {count} |\n" for key, count in months.items()
    )
    parts.append(f"\n### By month\n\n| Month | Viewings |\n| --- | ---: |\n{month_rows}")
    rating_rows = "".join(
        f"| {stars(float(key))} {key} | {count} |\n"
        for key, count in reversed(document["ratings"].items())
        if count
    )
    if rating_rows:
        parts.append(f"\n### Ratings\n\n| Rating | Films |\n| --- | ---: |\n{rating_rows}")
    if document["by_decade"]:
        decades = "".join(f"- {decade}: {n}\n" for decade, n in document["by_decade"].items())
        parts.append(f"\n### Release decades\n\n{decades}")
    for title, key, name in (
        ("Directors", "top_directors", "name"),
        ("Tags", "top_tags", "tag"),
        ("People", "top_people", "name"),
        ("Watched with", "watched_with", "name"),
    ):
        if document[key]:
            parts.append(f"\n### {title}\n\n{_names(document[key], name, escape)}")
    rewatched = document["rewatched"]
    if rewatched:
        rows = "".join(
            f"- {_film(entry, escape, link)}"
            + (f", {_count(entry['times'], 'viewing')}" if entry["times"] > 1 else "")
            + "\n"
            for entry in rewatched[:SHOWN_REWATCHES]
        )
        if len(rewatched) > SHOWN_REWATCHES:
            rows += f"- … and {len(rewatched) - SHOWN_REWATCHES:,} more\n"
        parts.append(f"\n## Rewatched\n\n{rows}")
    if document["lists"]:
        rows = "".join(
            f"- **{escape(entry['name'])}** ({_count(entry['entries'], 'film')})\n"
            for entry in document["lists"]
        )
        parts.append(f"\n## Lists updated in {label}\n\n{rows}")
    return "".join(parts)


def year_markdown(document: Mapping[str, Any]) -> str:
    """The post for ``year Y --format markdown``: ``# My 2024 in film`` then the body."""
    return f"# {post_title(document)}\n\n{year_body(document)}"
