"""Text that static-site generators would misread: escaping for Jekyll and Hugo.

- Hugo runs shortcodes (``{{< name >}}``, ``{{% name %}}``) wherever they occur in
  a page's content, code blocks included. :func:`escape_hugo_shortcodes` turns each
  into Hugo's own comment form (``{{</* name */>}}``), which Hugo prints as the
  original text; an opener without a closer is broken up with an entity.
- kramdown (Jekyll) and Goldmark's typographer (Hugo) replace ``"x"``, ``'``,
  ``--``, ``...`` and ``<<``/``>>`` with curly quotes, dashes and ellipses.
  :func:`exact_link_text` writes those characters as HTML entities, which neither
  replaces, so a title shows exactly as it is stored.
- :func:`permalink_path` decides whether an old post URL (``url``) can be kept
  as a Jekyll ``permalink``.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_SHORTCODE = re.compile(
    r"\{\{(?:<(?!/\*)((?:(?!\{\{).)*?)>|%(?!/\*)((?:(?!\{\{).)*?)%)\}\}", re.DOTALL
)
_OPENER = re.compile(r"\{\{([<%])(?!/\*)")
_TYPOGRAPHIC = re.compile(r"\.\.\.|--+|<<|>>|[\"']")
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]#|])")
_ENTITIES = {'"': "&quot;", "'": "&#39;", "<": "&lt;", ">": "&gt;", "-": "&#45;", ".": "&#46;"}
_PERMALINK_SAFE = re.compile(r"^/[A-Za-z0-9._~%/+-]*$")


def escape_hugo_shortcodes(body: str) -> str:
    """``{{< youtube abc >}}`` → ``{{</* youtube abc */>}}`` (Hugo shows the original)."""

    def comment(match: re.Match[str]) -> str:
        if match.group(1) is not None:
            return "{{</*" + match.group(1) + "*/>}}"
        return "{{%/*" + match.group(2) + "*/%}}"

    escaped = _SHORTCODE.sub(comment, body)
    # An opener with no closer would make Hugo fail ("unterminated shortcode").
    return _OPENER.sub(lambda match: "{{" + ("&lt;" if match.group(1) == "<" else "&#37;"), escaped)


def exact_link_text(text: str) -> str:
    """Link text for a Jekyll or Hugo page that renders exactly as ``text``.

    Markdown specials get a backslash, ``&``, braces (Liquid, Go templates), ``<``/``>``
    and every character a typographer would replace become entities.
    """
    text = _MARKDOWN_SPECIALS.sub(r"\\\1", " ".join(text.split())).replace("&", "&amp;")
    text = text.replace("{", "&#123;").replace("}", "&#125;")
    text = _TYPOGRAPHIC.sub(lambda m: "".join(_ENTITIES[c] for c in m.group(0)), text)
    return text.replace("<", "&lt;").replace(">", "&gt;")


def permalink_path(url: str | None) -> str | None:
    """The path of an old post URL when Jekyll can serve a page there, else None.

    Kept: an absolute http(s) URL (or a path) with a path other than ``/``, no
    query and no fragment (``?p=123`` WordPress links cannot be a file name).
    """
    if not url:
        return None
    parts = urlsplit(url)
    if parts.query or parts.fragment or parts.scheme not in ("", "http", "https"):
        return None
    path = parts.path
    if not path.startswith("/") or path == "/" or not _PERMALINK_SAFE.match(path):
        return None
    if "/../" in path + "/" or "/./" in path + "/" or "//" in path:
        return None
    return path
