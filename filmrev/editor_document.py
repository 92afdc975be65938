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
tags:             # one per line below, as: - Gritty, Grittness
director:
cast:             # one per line below, as: - Marion Cotillard
crew:             # a role, then its names: composer: and below it - Alexandre Desplat
tagline:          # the one-line hook
watched:          # date watched, YYYY-MM-DD
links:            # one URL per line below, as: - https://www.youtube.com/watch?v=…
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


def yaml_block(key: str, value: Any) -> list[str]:
    """``key: value`` as YAML lines; a non-empty list or mapping in block style::

    tags:
    - Gritty, Grittness
    """
    import yaml

    if isinstance(value, tuple):
        value = list(value)
    if not isinstance(value, (list, dict)) or not value:
        rendered = yaml_value(value) if value not in ([], {}) else ""
        return [f"{key}: {rendered}" if rendered else f"{key}:"]
    text = yaml.safe_dump(
        {key: value},
        default_flow_style=False,
        allow_unicode=True,
        width=float("inf"),
        sort_keys=False,
    )
    return text.rstrip("\n").split("\n")


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
            start, *block = yaml_block(key, values[key])
            if comment:
                hash_column = len(line) - len(comment.lstrip())
                start += " " * max(1, hash_column - len(start)) + comment.lstrip()
            out.append(start)
            out.extend(block)
        else:
            out.append(line)
            out.extend(continuation)
        if after and key in after:
            extra, extra_comment = after[key]
            out.append(extra + extra_comment)
    for key, value in values.items():
        if key not in seen and value not in (None, "", [], {}, ()):
            out.extend(yaml_block(key, value))
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
    """The text with ``# error: …`` lines right after the opening ``---`` (old ones replaced).

    A ``(line N)`` in an error counts lines of the text without error lines; it is moved
    down by the lines inserted, so it names the line in the file the editor re-opens.
    """
    shift = len(errors)

    def moved(found: re.Match[str]) -> str:
        number = int(found.group(1))
        return f"(line {number + shift if number > 1 else number})"

    comments = "".join(f"{ERROR_PREFIX}{_YAML_LINE.sub(moved, error)}\n" for error in errors)
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


#: Fields holding one piece of text, which YAML may read as something else (1917, No, [REC]).
TEXT_FIELDS = ("title", "original_title", "director", "tagline", "url", "status")
#: Fields holding a list of texts.
LIST_FIELDS = ("tags", "cast", "links")
_YAML_LINE = re.compile(r"\(line (\d+)\)")


def _typed_lines(text: str) -> dict[str, str]:
    """``{key: the value as typed}`` for the ``key: value`` lines of the front matter."""
    split = _front_and_body(text)
    typed: dict[str, str] = {}
    for line in split[0] if split else []:
        match = _KEY_LINE.match(line)
        if match:
            value, _ = _split_value_comment(match["rest"])
            typed.setdefault(match["key"], value or match["rest"].strip())
    return typed


def _quote_hint(key: str, typed: str, what: str = "") -> str:
    """``put the title in quotes: title: '1917'``."""
    return f"put the {what or key.replace('_', ' ')} in quotes: {key}: {yaml_value(typed)}"


def _yaml_error_hint(text: str, message: str) -> str:
    """A YAML error on a ``key: value`` line (``title: 2001: A Space Odyssey``) with the fix."""
    found = _YAML_LINE.search(message)
    lines = text.split("\n")
    if found is None or not 0 < int(found.group(1)) <= len(lines):
        return message
    match = _KEY_LINE.match(lines[int(found.group(1)) - 1])
    if match is None or match["key"] not in TEXT_FIELDS or not match["rest"].strip():
        return message
    return f"{message}; {_quote_hint(match['key'], match['rest'].strip())}"


def _type_hints(fields: Mapping[str, Any], typed: Mapping[str, str]) -> list[str]:
    """How to fix text that YAML read as a number, yes/no, a date, a list or a comment."""
    hints: list[str] = []
    for key in TEXT_FIELDS:
        value = fields.get(key)
        shown = typed.get(key, "")
        if value is None and key == "title" and shown.startswith("#"):
            hints.append(f"title is required ('#' starts a comment); {_quote_hint(key, shown)}")
        elif value is not None and not isinstance(value, str) and shown:
            hints.append(f"{key} must be text; {_quote_hint(key, shown)}")
    for key in LIST_FIELDS:
        value = fields.get(key)
        item = key.removesuffix("s") if key != "cast" else "name"
        if isinstance(value, str):
            hints.append(f"{key} must be a list: one {item} per line below {key}:, as - {value}")
        elif isinstance(value, list):
            for entry in value:
                if entry is not None and not isinstance(entry, (str, dict, list)):
                    hints.append(
                        f"{key}: {entry!r} is not text; put the {item} in quotes: "
                        f"- {yaml_value(str(entry))}"
                    )
                    break
    return hints


def parse_document(text: str, *, slug_allowed: bool) -> tuple[dict[str, Any], int | None]:
    """The fields (with ``body``) and rank of an edited document, or :class:`Invalid`.

    ``# error:`` lines are ignored, so line numbers count as in the file without them.
    """
    from filmrev import frontmatter
    from filmrev.model import parse_rank

    if SURROGATE.search(text):
        raise Invalid(["the file is not valid UTF-8; save it as UTF-8"])
    text = strip_errors(text)
    try:
        front, body = frontmatter.split(text)
    except ValidationError as error:
        raise Invalid([_yaml_error_hint(text, error.message)]) from None
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
    hints = _type_hints(fields, _typed_lines(text))
    if hints:
        errors.extend(hints)  # instead of the model's "title must be text"
    elif fields.get("title") in (None, ""):
        errors.append("title is required")
    if not hints:
        errors.extend(field_errors(fields))
    if errors:
        raise Invalid(list(dict.fromkeys(errors)))
    position = parse_rank(fields.pop("rank", None))
    fields["body"] = body
    return fields, position
