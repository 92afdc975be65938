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
#: Front matter nests three levels (``crew: role: [names]``); deeper input is refused, so a
#: crafted file cannot exhaust the recursion limit of the YAML composer.
MAX_DEPTH = 16


class _Refused(yaml.MarkedYAMLError):
    """Front matter that is valid YAML but not allowed here (aliases, depth, repeats, dates)."""

    problem_field = False


class _Loader(yaml.SafeLoader):
    """``safe_load`` that refuses aliases, deep nesting, repeated keys and impossible dates.

    Aliases (``*name``) are refused outright: a review has no use for them, and a
    "billion laughs" document of nested aliases expands exponentially.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
            raise _Refused(None, None, "aliases (*name) are not allowed in front matter", mark)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
                raise _Refused(None, None, f"nested more than {MAX_DEPTH} levels deep", mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key is not None and key in seen:
                raise _Refused(None, None, f"key {key!r} appears twice", key_node.start_mark)
            seen.add(key)
        try:
            return dict(super().construct_mapping(node, deep=deep))
        except _Refused as error:
            # Name the field whose value was refused: ``watched: 2024-02-30 is not a real date``.
            for key_node, value_node in node.value:
                if value_node.start_mark is error.problem_mark and not error.problem_field:
                    error.problem_field = True
                    error.problem = f"{key_node.value}: {error.problem}"
            raise

    def construct_yaml_timestamp(self, node: Any) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as error:
            raise _Refused(
                None, None, f"{node.value} is not a real date ({error})", node.start_mark
            ) from None


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)


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
        fields = yaml.load(front_text, Loader=_Loader) if front_text.strip() else {}
    except _Refused as error:
        mark = error.problem_mark
        where = f" (line {mark.line + 2})" if mark is not None else ""
        raise ValidationError(f"front matter{where}: {error.problem}") from None
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
