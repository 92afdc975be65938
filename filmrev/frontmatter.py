"""Markdown with YAML front matter: the review file format of exports, imports and the editor.

A file is ``---``, YAML (every field but ``body``, under the field names), ``---``,
one blank line, then the body byte for byte::

    ---
    title: Rust and Bone
    year: 2012
    ---

    What do a paraplegic whale trainer and a bare-knuckle boxer have in common?
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import yaml

from filmrev.errors import ValidationError

DELIMITER = "---"


class _Dumper(yaml.SafeDumper):
    """``safe_dump``, except that text holding U+0085 (NEL) is double-quoted.

    PyYAML's pure-Python emitter writes NEL raw inside a single-quoted scalar, where
    the loader folds it into a space; in double quotes it is escaped as ``\\N``.
    """


def _represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    style = '"' if "\x85" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(str, _represent_text)


def dump(fields: Mapping[str, Any], body: str) -> str:
    """Front matter from ``fields`` (in their order) and the body after one blank line."""
    front = yaml.dump(
        dict(fields),
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        width=float("inf"),
        default_flow_style=False,
    )
    return f"{DELIMITER}\n{front}{DELIMITER}\n\n{body}"


def split(text: str) -> tuple[dict[str, Any] | None, str]:
    """``(front matter, body)``; front matter is None when the text has none.

    The body is everything after the closing ``---`` line and one blank line,
    unchanged, so export → import is byte-exact.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    first, newline, rest = text.partition("\n")
    if first.rstrip("\r") != DELIMITER or not newline:
        return None, text
    lines = rest.split("\n")
    for index, line in enumerate(lines):
        if line.rstrip("\r") == DELIMITER:
            front_text = "\n".join(lines[:index])
            after = "\n".join(lines[index + 1 :])
            if after.startswith("\r\n"):
                after = after[2:]
            elif after.startswith("\n"):
                after = after[1:]
            return _load(front_text), after
    raise ValidationError("front matter has no closing '---' line")


def _load(front_text: str) -> dict[str, Any]:
    try:
        fields = yaml.safe_load(front_text) if front_text.strip() else {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise ValidationError(f"front matter is not valid YAML{where}: {problem}") from None
    if fields is None:
        return {}
    if not isinstance(fields, dict):
        raise ValidationError("front matter must be a mapping of field: value")
    return {str(key): value for key, value in fields.items()}
