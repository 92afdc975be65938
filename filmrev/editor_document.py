"""The review as the editor shows it: Markdown with commented YAML front matter.

:func:`render_document` fills the template (or an existing review) into the text
the user edits; :func:`parse_document` reads it back into fields and a rank, or
raises :class:`Invalid` with one message per problem, which the editor loop puts
back into the file as ``# error: …`` comment lines (:func:`with_errors`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from filmrev.errors import ValidationError

#: Fields of the document: every field but id, created, updated (slug only when editing).
GENERATED = ("id", "created", "updated")
ERROR_PREFIX = "# error: "

DEFAULT_TEMPLATE = """\
---
# Write the review below the closing '---' line, in Markdown.
# Save and quit to keep it. To stop, quit without saving (or empty the file):
# the text stays in `filmrev drafts`. Lines starting with '#' up here are
# comments; leave a field empty to skip it.
title:
original_title:
year:             # release year, e.g. 2012
rating:           # 0.5 to 5 in half steps, e.g. 4.5
rank:             # all-time rank: the film goes there, the others shift down
tags: []          # e.g. [French, "Gritty, Grittness"] (quote a tag with a comma)
director:
cast: []          # e.g. [Marion Cotillard, Matthias Schoenaerts]
crew: {}          # role: names, e.g. {composer: [Alexandre Desplat]}
tagline:          # the one-line hook
watched:          # date watched, YYYY-MM-DD
links: []         # URLs, e.g. the trailer
status: draft     # draft or published
published:        # date published, YYYY-MM-DD
url:              # the post's canonical URL
---

"""


class Invalid(Exception):
    """The document has problems; each becomes a ``# error:`` line."""

    def __init__(self, errors: Sequence[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = [" ".join(error.split()) for error in errors]


# --- the document -----------------------------------------------------------------------

_KEY_LINE = re.compile(r"^(?P<key>[A-Za-z_][A-Za-z0-9_]*)\s*:(?P<rest>(?:\s.*)?)$")
_COMMENT_START = re.compile(r"\s#\s|\s#$")
SURROGATE = re.compile("[\udc80-\udcff]")


def yaml_value(value: Any) -> str:
    """A value as one line of YAML (flow style); None is empty."""
    import yaml

    if value is None:
        return ""
    if isinstance(value, str) and any(char in value for char in "\n\r\t"):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, tuple):
        value = list(value)
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=float("inf"))
    return text.removesuffix("\n...\n").rstrip("\n")


def _split_value_comment(rest: str) -> tuple[str, str]:
    """``"  4.5   # stars"`` → ``("4.5", "   # stars")``, keeping a '#' inside a quoted value."""
    import yaml

    for match in _COMMENT_START.finditer(rest):
        value = rest[: match.start()]
        try:
            yaml.safe_load(value or "~")
        except yaml.YAMLError:
            continue
        return value.strip(), rest[match.start() :]
    return rest.strip(), ""


def _front_and_body(text: str) -> tuple[list[str], str] | None:
    """Front-matter lines and body, split on the ``---`` lines (no YAML parsing)."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip("\r") != "---":
        return None
    for index in range(1, len(lines)):
        if lines[index].rstrip("\r") == "---":
            body = "\n".join(lines[index + 1 :])
            return lines[1:index], body.removeprefix("\n")
    return None


def render_document(
    template: str,
    values: Mapping[str, Any],
    body: str | None,
    *,
    header: Sequence[str] = (),
    after: Mapping[str, tuple[str, str]] | None = None,
) -> str:
    """Fill a template's front matter with ``values`` (comments kept); ``body`` replaces its body.

    ``after`` inserts extra lines: ``{"title": ("slug: x", "  # comment")}`` puts a slug
    line after the title. ``header`` comment lines go first. Keys in ``values`` that the
    template lacks are added at the end (when they hold something).
    """
    split = _front_and_body(template) or _front_and_body(DEFAULT_TEMPLATE)
    assert split is not None
    front, template_body = split
    out: list[str] = list(header)
    seen: set[str] = set()
    index = 0
    while index < len(front):
        line = front[index]
        match = _KEY_LINE.match(line)
        index += 1
        if not match:
            out.append(line)
            continue
        key = match["key"]
        continuation: list[str] = []
        while index < len(front) and (
            front[index][:1] in (" ", "\t", "-") and front[index].strip()
        ):
            continuation.append(front[index])
            index += 1
        if key in GENERATED:
            continue
        if key in values:
            seen.add(key)
            _, comment = _split_value_comment(match["rest"])
            rendered = yaml_value(values[key])
            start = f"{key}: {rendered}" if rendered else f"{key}:"
            if comment:
                hash_column = len(line) - len(comment.lstrip())
                start += " " * max(1, hash_column - len(start)) + comment.lstrip()
            out.append(start)
        else:
            out.append(line)
            out.extend(continuation)
        if after and key in after:
            extra, extra_comment = after[key]
            out.append(extra + extra_comment)
    for key, value in values.items():
        if key not in seen and value not in (None, "", [], {}, ()):
            out.append(f"{key}: {yaml_value(value)}")
    text_body = template_body if body is None else body
    return "---\n" + "".join(line + "\n" for line in out) + "---\n\n" + text_body


def strip_errors(text: str) -> str:
    """The text without ``# error:`` lines in its front matter."""
    split = _front_and_body(text)
    if split is None:
        return text
    lines = text.split("\n")
    end = len(split[0]) + 1
    kept = [line for line in lines[1:end] if not line.startswith(ERROR_PREFIX)]
    return "\n".join([lines[0], *kept, *lines[end:]])


def with_errors(text: str, errors: Sequence[str]) -> str:
    """The text with ``# error: …`` lines right after the opening ``---`` (old ones replaced)."""
    comments = "".join(f"{ERROR_PREFIX}{error}\n" for error in errors)
    text = strip_errors(text)
    if _front_and_body(text) is None:
        return f"---\n{comments}---\n\n{text}"
    first, _, rest = text.partition("\n")
    return f"{first}\n{comments}{rest}"


def field_errors(fields: Mapping[str, Any]) -> list[str]:
    """Every problem of the fields, one message each (the model stops at the first)."""
    from filmrev.model import Review, now_utc, parse_rank

    stamp = now_utc()
    base: dict[str, Any] = {"id": 1, "slug": "draft", "title": "draft", "created": stamp}
    errors: list[str] = []
    for key, value in fields.items():
        try:
            if key == "rank":
                parse_rank(value)
            else:
                Review.from_doc({**base, key: value})
        except ValidationError as error:
            errors.append(error.message)
    return errors


def parse_document(text: str, *, slug_allowed: bool) -> tuple[dict[str, Any], int | None]:
    """The fields (with ``body``) and rank of an edited document, or :class:`Invalid`."""
    from filmrev import frontmatter
    from filmrev.model import parse_rank

    if SURROGATE.search(text):
        raise Invalid(["the file is not valid UTF-8; save it as UTF-8"])
    try:
        front, body = frontmatter.split(text)
    except ValidationError as error:
        raise Invalid([error.message]) from None
    if front is None:
        raise Invalid(["the front matter is missing: the file must start with a '---' line"])
    fields = {key: value for key, value in front.items() if key not in GENERATED}
    errors: list[str] = []
    if "slug" in fields and not slug_allowed:
        errors.append(
            "slug: filmrev makes the slug of a new review; "
            "change it later with `filmrev edit REF --slug NEW` (remove this line)"
        )
        fields.pop("slug")
    if fields.get("title") in (None, ""):
        errors.append("title is required")
    errors.extend(field_errors(fields))
    if errors:
        raise Invalid(list(dict.fromkeys(errors)))
    position = parse_rank(fields.pop("rank", None))
    fields["body"] = body
    return fields, position
