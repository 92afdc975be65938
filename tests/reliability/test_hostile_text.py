"""Hostile text: user text is never markup and never reaches a terminal raw, and every byte
of it survives the data formats (json list, export → import) exactly.

Rendered views (panels, tables, tag and rank lists, search, stats, messages) strip
escape sequences, C0/C1 controls and bidi overrides and show brackets literally. Data
formats keep everything.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest

from filmrev.transaction import writing
from tests.conftest import Runner
from tests.reliability.helpers import TERMINAL_UNSAFE, paths_of, reviews_on_disk

MARKUP = ["[bold red]x[/]", "[/etc/passwd]", "[link=file:///etc/passwd]click[/link]", "[red]"]
ESCAPES = [
    "\x1b[2J\x1b[H",  # clear screen
    "\x1b]0;pwned\x07",  # OSC: set window title
    "\x1b]8;;file:///etc/passwd\x1b\\here\x1b]8;;\x1b\\",  # OSC 8 hyperlink
    "\x1b[31mred\x1b[0m",
    "\x1bP1$r\x1b\\",  # DCS
    "\x9b31m",  # 8-bit CSI
]
CONTROLS = ["bell\x07", "back\x08space", "del\x7f", "nul\x00", "c1\x85\x90\x9f", "cr\rline"]
BIDI = ["\u202eevil\u202c", "\u2066isolate\u2069", "\u200fmark\u061c"]
UNICODE = [
    "👩‍👩‍👧‍👦 family",
    "🏳️‍🌈 flag",
    "e\u0301\u0308 combining",
    "Z̴̡̛a̸l̷g̵o̶",
    "Amélie — “quotes” ’ and ½",
]
HOSTILE = MARKUP + ESCAPES + CONTROLS + BIDI + UNICODE
#: Markup that must show literally (its brackets and all) in rendered views.
LITERAL = ["[bold red]x[/]", "[/etc/passwd]", "[link=file:///etc/passwd]click[/link]"]


def _hostile_library(library: Path) -> None:
    """One review per hostile string, the string in title, tags, people, tagline and body."""
    with writing(paths_of(library)) as lib:
        for number, text in enumerate(HOSTILE, start=1):
            lib.add(
                {
                    "title": f"T{number} {text} end",
                    "tags": [f"{text} tag", "plain"],
                    "director": f"D {text}",
                    "cast": [f"C {text}"],
                    "crew": {"composer": [f"M {text}"]},
                    "tagline": f"Hook {text}",
                    "body": f"# Head {text}\n\nBody {text}\n\n> quote {text}\n\n- item {text}\n",
                    "rating": 4.5,
                },
                rank=number,
            )


def _assert_terminal_safe(output: str, where: str) -> None:
    bad = TERMINAL_UNSAFE.search(output)
    assert bad is None, (
        f"{where}: {bad.group()!r} at {bad.start()}: {output[bad.start() - 40 :][:80]!r}"
    )


RENDERED = [
    ("list",),
    ("list", "--tag", "plain"),
    ("rank",),
    ("tag", "list"),
    ("search", "Body"),
    ("stats",),
    ("people",),
    ("backups",),
]


def test_rendered_views_show_markup_literally_and_strip_escapes(
    run_in: Runner,
    library: Path,
    monkeypatch: pytest.MonkeyPatch,
    figures: Callable[[str], None],
) -> None:
    _hostile_library(library)
    monkeypatch.setenv("COLUMNS", "400")
    outputs = {}
    for args in RENDERED + [("show", str(number)) for number in range(1, len(HOSTILE) + 1)]:
        result = run_in(*args)
        assert result.code == 0, f"{args}: {result.err}"
        _assert_terminal_safe(result.out + result.err, " ".join(args))
        outputs[args] = result.out
    everything = "".join(outputs.values())
    for markup in LITERAL:
        assert f"T{HOSTILE.index(markup) + 1} {markup} end" in outputs[("list",)]
        assert f"Hook {markup}" in outputs[("show", str(HOSTILE.index(markup) + 1))]
    assert "👩‍👩‍👧‍👦 family" in everything and "e\u0301\u0308 combining" in everything
    assert "pwned" in everything  # the text of an OSC stays visible, its escape does not
    figures(
        f"hostile text: {len(HOSTILE)} hostile strings x {len(RENDERED) + 1} rendered views: "
        "no escape, control or bidi character reached the terminal; markup shown literally"
    )


def test_with_colour_forced_the_only_escapes_are_rich_own_styles(
    cli: Runner, library: Path
) -> None:
    _hostile_library(library)
    env = {"COLUMNS": "300", "FORCE_COLOR": "1", "NO_COLOR": "", "TERM": "xterm-256color"}
    for args in [("list",), ("show", "2"), ("show", "6"), ("rank",)]:
        result = cli(*args, env=env)
        assert result.code == 0, result.err
        assert "\x1b[" in result.out, "colour was not forced; the test would prove nothing"
        # Rich emits SGR sequences only: ESC [ digits;... m. Nothing else may appear.
        leftover = re.sub(r"\x1b\[[0-9;]*m", "", result.out)
        _assert_terminal_safe(leftover, f"{args} with colour")
        assert "\x1b]" not in result.out


def test_messages_strip_escapes_from_user_text(cli: Runner, library: Path) -> None:
    _hostile_library(library)
    for args in [
        ("show", "\x1b]0;pwned\x07nothing"),
        ("delete", "\x1b[2Jx"),
        ("list", "--sort", "\x1b[2J"),
        ("tag", "rename", "\x1b[31mnone\u202e", "x"),
        ("edit", "1", "--year", "\x1b[2J20x2"),
    ]:
        result = cli(*args)
        assert result.code in (1, 2), args
        _assert_terminal_safe(result.err, " ".join(args))


def test_every_byte_survives_json_list_and_the_store(cli: Runner, library: Path) -> None:
    _hostile_library(library)
    listed = cli("list", "--format", "json", "--sort", "title")
    assert listed.code == 0
    docs = {doc["id"]: doc for doc in orjson.loads(listed.out)}
    for review in reviews_on_disk(library):
        assert docs[review.id] == review.to_doc()
        number = review.id
        text = HOSTILE[number - 1]
        assert review.tagline == f"Hook {text}"
        assert review.body == f"# Head {text}\n\nBody {text}\n\n> quote {text}\n\n- item {text}\n"
        assert docs[number]["tags"] == [f"{text} tag", "plain"]
    for number in (HOSTILE.index("nul\x00") + 1, HOSTILE.index("\x9b31m") + 1):
        plain = cli("show", str(number), "--plain")
        assert plain.code == 0
        assert f"Body {HOSTILE[number - 1]}" in plain.out  # data formats: byte-exact


def _export_import_round_trip(cli: Runner, library: Path, tmp_path: Path) -> None:
    exported = tmp_path / "export.json"
    result = cli("export", "--format", "json", "--out", str(exported))
    assert result.code == 0, result.err
    copy = tmp_path / "copy" / "library.json"
    imported = cli("import", str(exported), env={"FILMREV_DB": str(copy)})
    assert imported.code == 0, imported.err
    again = tmp_path / "again.json"
    assert cli("export", "--out", str(again), env={"FILMREV_DB": str(copy)}).code == 0
    assert again.read_bytes() == exported.read_bytes()
    assert reviews_on_disk(copy) == reviews_on_disk(library)


def test_hostile_text_round_trips_byte_exact_through_export_and_import(
    cli: Runner, library: Path, tmp_path: Path
) -> None:
    _hostile_library(library)
    _export_import_round_trip(cli, library, tmp_path)


def test_a_1_mb_body_and_10000_tags(
    cli: Runner, library: Path, tmp_path: Path, figures: Callable[[str], None]
) -> None:
    paragraph = "".join(HOSTILE) + " Stéphanie’s “whale” — [bold]not bold[/bold]\n\n"
    body = (paragraph * (1_000_000 // len(paragraph.encode()) + 1)).encode()[:1_000_000]
    body = body.decode("utf-8", "ignore").encode()
    tags = [f"tag {number} {HOSTILE[number % len(HOSTILE)]}" for number in range(10_000)]
    with writing(paths_of(library)) as lib:
        lib.add({"title": "Big body", "body": body.decode()})
        lib.add({"title": "Many tags", "tags": tags})
    started = time.monotonic()
    for args in [("show", "1"), ("show", "2"), ("list",), ("tag", "list")]:
        result = cli(*args, env={"COLUMNS": "120"})
        assert result.code == 0, result.err
        _assert_terminal_safe(result.out + result.err, " ".join(args))
    rendered = time.monotonic() - started
    plain = cli("show", "1", "--plain")
    assert plain.out.encode().endswith(body)
    [big, many] = reviews_on_disk(library)
    assert big.body.encode() == body and len(body) >= 999_990
    assert list(many.tags) == [tag.strip() for tag in tags]
    if cli("export", "--help").code == 0:
        _export_import_round_trip(cli, library, tmp_path)
    figures(
        f"hostile text: a {len(body):,}-byte body and 10,000 tags rendered in {rendered:.1f} s "
        "(show x2, list, tag list) and round-tripped byte-exact"
    )
