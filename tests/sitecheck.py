"""Build an exported site with the real Jekyll or Hugo and check every internal link.

Used by tests (skipped with a reason when the binary is absent) and by hand::

    python -m tests.sitecheck jekyll DIR      # or: hugo DIR
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

JEKYLL = shutil.which("jekyll")
HUGO = shutil.which("hugo")
needs_jekyll = pytest.mark.skipif(
    JEKYLL is None, reason="jekyll is not installed (apt-get install jekyll); CI has none"
)
needs_hugo = pytest.mark.skipif(
    HUGO is None, reason="hugo is not installed (apt-get install hugo); CI has none"
)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)


def build(tool: str, site: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """``jekyll build`` or ``hugo`` in ``site``; output in ``site/_site`` or ``site/public``."""
    command = ["jekyll", "build", *extra] if tool == "jekyll" else ["hugo", *extra]
    env = {**os.environ, "JEKYLL_ENV": "production"}
    return subprocess.run(
        command, cwd=site, capture_output=True, text=True, timeout=300, env=env, check=False
    )


def complaints(result: subprocess.CompletedProcess[str]) -> list[str]:
    """Lines of the build's output that warn or fail (no --quiet: it hides warnings)."""
    words = ("warn", "error", "deprecat", "fail")
    text = result.stdout + result.stderr
    return [line for line in text.splitlines() if any(w in line.lower() for w in words)]


def output_dir(tool: str, site: Path) -> Path:
    return site / ("_site" if tool == "jekyll" else "public")


def broken_links(root: Path) -> tuple[int, list[str]]:
    """(internal links checked, the ones that lead to no file) over every HTML page."""
    checked = 0
    broken: list[str] = []
    for page in sorted(root.rglob("*.html")):
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for link in parser.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith(("#", "mailto:")):
                continue
            checked += 1
            path = unquote(parts.path)
            base = root if path.startswith("/") else page.parent
            target = (base / path.lstrip("/")).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file() and not target.with_suffix(".html").is_file():
                broken.append(f"{page.relative_to(root)} -> {link}")
    return checked, broken


def checked_build(tool: str, site: Path, *extra: str) -> Path:
    """Build ``site`` with the real ``tool``; assert a clean build and no broken link."""
    result = build(tool, site, *extra)
    assert result.returncode == 0, result.stdout + result.stderr
    assert complaints(result) == []
    checked, broken = broken_links(output_dir(tool, site))
    assert checked > 0 and broken == []
    return output_dir(tool, site)


def main(argv: list[str]) -> int:
    tool, site = argv[0], Path(argv[1])
    result = build(tool, site, *argv[2:])
    sys.stdout.write(result.stdout + result.stderr)
    sys.stdout.flush()
    checked, broken = broken_links(output_dir(tool, site))
    pages = len(list(output_dir(tool, site).rglob("*.html")))
    print(
        f"{tool}: exit {result.returncode}, {pages} pages, {checked} internal links, "
        f"{len(broken)} broken"
    )
    for line in broken:
        print("  broken:", line)
    problems = complaints(result)
    print(f"{len(problems)} warning or error lines")
    return 1 if result.returncode or broken or problems else 0


class _Anchors(HTMLParser):
    """The text of every ``<a>`` of a page, entities decoded."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._open = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._open = True
            self.texts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._open = False

    def handle_data(self, data: str) -> None:
        if self._open:
            self.texts[-1] += data


def anchor_texts(page: Path) -> list[str]:
    parser = _Anchors()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.texts


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
