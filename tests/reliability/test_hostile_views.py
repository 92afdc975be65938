"""Every rendered view of every command, fed hostile user text, sends nothing raw to a terminal.

Titles, tags, people, taglines, bodies, comparison dates (as an old import stored them,
unchecked), draft titles and import files all carry escape sequences (OSC 52 clipboard
writes, screen clears), C0/C1 controls and bidi overrides. Tables and panels must strip
them all (newline and tab aside); the data formats (json, csv, markdown) keep every byte.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest

from filmrev import drafts
from filmrev.transaction import writing
from tests.conftest import Runner
from tests.reliability.helpers import paths_of, reviews_on_disk

OSC52 = "\x1b]52;c;cHduZWQ=\x07"
CLEAR = "\x1b[2J\x1b[3J\x1bc"
HOSTILE = [
    OSC52,
    CLEAR,
    "\x1b[31mred\x1b[0m",
    "\x9b2J",
    "\x07\x00\x08\x0b\x0c\x0d\x1b\x7f\x85\x9b",
    "\u202eevil\u202c\u2066iso\u2069\u200f",
]
#: Anything a terminal acts on: every C0 control but newline and tab, DEL, C1, bidi controls.
UNSAFE = set(
    [chr(code) for code in range(0x20) if chr(code) not in "\n\t"]
    + [chr(code) for code in range(0x7F, 0xA0)]
    + [
        "\u061c",
        "\u200e",
        "\u200f",
        *map(chr, range(0x202A, 0x202F)),
        *map(chr, range(0x2066, 0x206A)),
    ]
)


def _unsafe_in(text: str) -> list[str]:
    return sorted({repr(char) for char in text if char in UNSAFE})


def _hostile_library(library: Path) -> None:
    with writing(paths_of(library)) as lib:
        for number, text in enumerate(HOSTILE, start=1):
            lib.add(
                {
                    "title": f"Film{number} {text} end",
                    "original_title": f"Orig {text}",
                    "year": 2000 + number,
                    "rating": 1.0 + number % 5,  # contradicts the ranks below: rank check reports
                    "tags": [f"tag {text}", "shared"],
                    "director": f"Dir {text}",
                    "cast": [f"Cast {text}"],
                    "crew": {f"role{text}": [f"Crew {text}"]},
                    "tagline": f"Hook {text}",
                    "body": f"# Head {text}\n\nBody word{text} words\n\n- item {text}\n",
                    "watched": f"2024-01-0{number}",
                    "links": [f"https://example.org/{number}?q={text}"],
                },
                rank=number,
            )
        # Comparisons as an unchecked import stored them: escapes in the date, lower film won.
        lib.add_comparisons(
            {"winner": number + 1, "loser": number, "tie": False, "at": f"{text}2024-05-01T10:00"}
            for number, text in enumerate(HOSTILE[:-1], start=1)
        )
    paths = paths_of(library)
    draft = drafts.create(paths, "add", f"---\ntitle: Draft {OSC52}{CLEAR} t\n---\n\nb\n")
    assert draft.title is not None


def _import_file(tmp_path: Path) -> Path:
    """A JSON export holding the hostile reviews under new titles (for an import dry run)."""
    docs = [review.to_doc() for review in reviews_on_disk(tmp_path / "lib" / "library.json")]
    for doc in docs:
        doc["title"] = "New " + doc["title"]
        doc["slug"] = "new-" + doc["slug"]
        doc["id"] += 100
    export = {"format": "filmrev", "version": 1, "schema": 1, "reviews": docs, "comparisons": []}
    path = tmp_path / "incoming.json"
    path.write_bytes(orjson.dumps(export))
    return path


def _views(tmp_path: Path) -> list[tuple[str, ...]]:
    shows = [("show", str(number)) for number in range(1, len(HOSTILE) + 1)]
    histories = [("rank", "history", str(number)) for number in range(1, len(HOSTILE) + 1)]
    return [
        ("list",),
        ("list", "--tag", "shared", "--sort", "title"),
        *shows,
        ("rank",),
        ("rank", "--tag", "shared"),
        ("rank", "check"),
        *histories,
        ("tag", "list"),
        ("people",),
        ("stats",),
        ("year", "2024"),
        ("search", "Body"),
        ("search", "word"),
        ("backups",),
        ("drafts", "list"),
        ("doctor",),
        ("import", "--dry-run", str(_import_file(tmp_path))),
    ]


def test_every_view_strips_escapes_controls_and_bidi_from_user_text(
    run_in: Runner,
    library: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    figures: Callable[[str], None],
) -> None:
    _hostile_library(library)
    assert run_in("backup").code == 0
    monkeypatch.setenv("COLUMNS", "300")
    views = _views(tmp_path)
    leaks = {}
    for args in views:
        result = run_in(*args)
        assert result.code in (0, 3), f"{args}: {result.err}"
        found = _unsafe_in(result.out + result.err)
        if found:
            leaks[" ".join(args)] = found
    assert not leaks, f"raw terminal controls reached the terminal: {leaks}"
    history = run_in("rank", "history", "2").out
    assert "2024-05-01" in history and "Film1" in history  # the text stays, only escapes go
    figures(
        f"hostile views: {len(HOSTILE)} hostile strings in titles, tags, people, dates and "
        f"drafts x {len(views)} rendered views: no escape, C0/C1 control or bidi override shown"
    )


def test_data_formats_keep_every_byte(run_in: Runner, library: Path, tmp_path: Path) -> None:
    _hostile_library(library)
    stored = {review.id: review for review in reviews_on_disk(library)}
    listed = run_in("list", "--format", "json")
    assert listed.code == 0
    assert {doc["id"]: doc for doc in orjson.loads(listed.out)} == {
        review_id: review.to_doc() for review_id, review in stored.items()
    }
    table = run_in("list", "--format", "csv")
    assert table.code == 0
    rows = list(csv.DictReader(io.StringIO(table.out, newline="")))
    assert [row["title"] for row in rows] == [stored[int(row["id"])].title for row in rows]
    for review_id, review in stored.items():
        plain = run_in("show", str(review_id), "--format", "markdown")
        assert plain.code == 0
        assert plain.out.endswith(review.body)
        assert HOSTILE[review_id - 1] in plain.out
    history = run_in("rank", "history", "2", "--format", "json")
    assert orjson.loads(history.out)[0]["at"].startswith(HOSTILE[0])
