"""Corrupt libraries: every read and write command refuses with exit 1, names the file and
what is wrong, prints no traceback, and leaves the file byte-for-byte as it was.

``doctor`` reports the same problem with exit 3 and never writes; ``doctor --fix`` does
not touch a file it cannot read either.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest

from filmrev.model import SCHEMA_VERSION
from tests.conftest import Runner
from tests.reliability.helpers import seed_library, temps_left, tree


def _doc(library: Path) -> dict[str, Any]:
    seed_library(library, 3)
    document: dict[str, Any] = orjson.loads(library.read_bytes())
    return document


def _dumps(document: Any) -> bytes:
    return orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n"


def _with_review(change: Callable[[dict[str, Any]], None]) -> Callable[[Path], bytes]:
    def build(library: Path) -> bytes:
        document = _doc(library)
        change(document["reviews"]["1"])
        return _dumps(document)

    return build


def _truncated(library: Path) -> bytes:
    return _dumps(_doc(library))[:-200]


def _latin1(library: Path) -> bytes:
    document = _doc(library)
    document["reviews"]["1"]["title"] = "Amélie"
    return _dumps(document).decode("utf-8").encode("latin-1", "replace")


def _duplicate_review(library: Path) -> bytes:
    raw = _dumps(_doc(library)).decode()
    # The same id twice in the reviews table: orjson would keep the second silently.
    first = raw.index('    "1": {', raw.index('"reviews"'))
    end = raw.index("\n    }", first) + len("\n    }")
    return (raw[:end] + ",\n" + raw[first:end] + raw[end:]).encode()


def _duplicate_field(library: Path) -> bytes:
    raw = _dumps(_doc(library)).decode()
    return raw.replace(
        '"title": "Film 1",', '"title": "Film 1",\n      "title": "Other",', 1
    ).encode()


def _newer_schema(library: Path) -> bytes:
    document = _doc(library)
    document["meta"]["1"]["schema"] = SCHEMA_VERSION + 1
    return _dumps(document)


def _nan(library: Path) -> bytes:
    return _dumps(_doc(library)).replace(b'"rating": 3.5', b'"rating": NaN', 1)


def _deep(library: Path) -> bytes:
    return b'{"reviews": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"


#: name → (file bytes built from a valid library, words the message must contain)
CASES: dict[str, tuple[Callable[[Path], bytes], str]] = {
    "truncated": (_truncated, "is cut short (truncated after"),
    "empty": (lambda lib: b"", "is empty (0 bytes)"),
    "nul-filled": (lambda lib: b"\x00" * 4096, "holds only NUL bytes"),
    "bom": (lambda lib: b"\xef\xbb\xbf" + _dumps(_doc(lib)), "starts with a byte-order mark"),
    "latin-1": (_latin1, "is not UTF-8 text (byte 0xe9"),
    "json-list": (lambda lib: b"[]\n", "must hold a JSON object, not a list"),
    "json-string": (lambda lib: b'"library"\n', "must hold a JSON object, not a string"),
    "nan": (_nan, "is not valid JSON"),
    "binary-garbage": (lambda lib: bytes(range(256)) * 4, "is not UTF-8 text"),
    "deep-nesting": (_deep, "is not valid JSON"),
    "table-not-object": (lambda lib: b'{"reviews": []}', "table 'reviews' must be a JSON object"),
    "review-not-object": (
        lambda lib: b'{"reviews": {"1": "Amour"}}',
        "review 1 is not a JSON object",
    ),
    "wrong-type-year": (_with_review(lambda r: r.update(year="nineteen")), "year must be"),
    "wrong-type-title": (_with_review(lambda r: r.update(title=5)), "title must be text"),
    "wrong-type-tags": (_with_review(lambda r: r.update(tags="a, b")), "tags must be a list"),
    "wrong-type-rating": (_with_review(lambda r: r.update(rating=7)), "rating must be 0.5 to 5"),
    "wrong-type-id": (_with_review(lambda r: r.update(id="1")), "id must be a whole number"),
    "unknown-field": (_with_review(lambda r: r.update(colour="red")), "unknown field 'colour'"),
    "id-mismatch": (_with_review(lambda r: r.update(id=2)), "says its id is 2"),
    "duplicate-id": (_duplicate_review, "holds id 1 twice in one object"),
    "newer-schema": (
        _newer_schema,
        f"has schema {SCHEMA_VERSION + 1}, newer than this filmrev supports ({SCHEMA_VERSION})",
    ),
    "bad-next-id": (
        lambda lib: _dumps({**_doc(lib), "meta": {"1": {"schema": 1, "next_id": "x"}}}),
        "meta next_id 'x' is not valid",
    ),
}

READS = [("list",), ("show", "1"), ("list", "--format", "json"), ("tag", "list"), ("rank",)]
WRITES = [
    ("add", "Amour", "--year", "2012"),
    ("edit", "1", "--rating", "4"),
    ("delete", "1", "--yes"),
    ("tag", "rename", "Gritty, Grittness", "Gritty"),
    ("rank", "set", "1", "1"),
]


def _corrupt(library: Path, case: str) -> bytes:
    """A fresh directory holding only the library file (and the bodies it refers to),
    corrupted as ``case`` says."""
    if library.parent.exists():
        shutil.rmtree(library.parent)
    build, _ = CASES[case]
    raw = build(library)
    bodies = library.parent / (library.name + ".d") / "bodies"
    kept = library.parent.with_name("kept-bodies")
    if bodies.is_dir():
        shutil.move(bodies, kept)
    if library.parent.exists():
        shutil.rmtree(library.parent)
    library.parent.mkdir(parents=True)
    if kept.is_dir():
        (library.parent / (library.name + ".d")).mkdir(mode=0o700)
        shutil.move(kept, bodies)
    library.write_bytes(raw)
    return raw


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_command_refuses_a_corrupt_library_and_leaves_it_alone(
    library: Path, run_in: Runner, case: str, figures: Callable[[str], None]
) -> None:
    raw = _corrupt(library, case)
    _, words = CASES[case]
    for args in READS + WRITES:
        result = run_in(*args)
        where = f"{case}: filmrev {' '.join(args)}"
        assert result.code == 1, f"{where}: exit {result.code}: {result.err}"
        assert result.out == "", where
        assert result.err.startswith(f"filmrev: error: library {library}"), f"{where}: {result.err}"
        assert words in result.err, f"{where}: {result.err}"
        assert result.err.count("\n") == 1 and "Traceback" not in result.err, where
        assert library.read_bytes() == raw, where
        assert temps_left(library) == [], where
    assert not (library.parent / "library.json.d" / "backups").exists()
    if case == sorted(CASES)[-1]:
        figures(
            f"corrupt files: {len(CASES)} kinds x {len(READS + WRITES)} commands: "
            "all exit 1 with path and reason, file unchanged"
        )


def test_a_duplicate_field_inside_a_review_blocks_writes(library: Path, run_in: Runner) -> None:
    """orjson keeps the last of two keys; a write would drop the other, so writes refuse.

    Reads show the last value (checking every object on every read would cost a second
    parse); ``doctor`` reports it."""
    CASES["duplicate-field"] = (_duplicate_field, "holds key 'title' twice")
    try:
        raw = _corrupt(library, "duplicate-field")
    finally:
        del CASES["duplicate-field"]
    for args in WRITES:
        result = run_in(*args)
        assert result.code == 1, args
        assert "holds key 'title' twice in one object" in result.err
        assert library.read_bytes() == raw
    shown = run_in("show", "1", "--format", "json")
    assert shown.code == 0 and '"title": "Other"' in shown.out
    doctor = run_in("doctor", "--format", "json")
    assert doctor.code == 3
    assert "holds key 'title' twice" in orjson.loads(doctor.out)["checks"][0]["detail"]
    assert library.read_bytes() == raw


@pytest.mark.parametrize("case", ["truncated", "duplicate-id", "newer-schema"])
def test_doctor_reports_an_unreadable_library_with_exit_3_and_never_writes_it(
    library: Path, run_in: Runner, case: str
) -> None:
    raw = _corrupt(library, case)
    files = tree(library.parent)
    for args in (("doctor",), ("doctor", "--fix"), ("doctor", "--format", "json")):
        result = run_in(*args)
        assert result.code == 3, result.err
        assert result.err.startswith(f"filmrev: error: 1 problem(s) in {library}: file: ")
        assert library.read_bytes() == raw
    report = orjson.loads(run_in("doctor", "--format", "json").out)
    assert report["healthy"] is False
    [problem] = [check for check in report["checks"] if check["status"] == "problem"]
    assert problem["check"] == "file"
    assert CASES[case][1] in problem["detail"]
    assert "doctor will not write it" in problem["detail"]
    assert tree(library.parent) == files  # not even a lock file or a backup appeared


def test_corrupt_library_through_the_real_cli_has_no_traceback(cli: Runner, library: Path) -> None:
    for case in ("truncated", "duplicate-id", "latin-1"):
        raw = _corrupt(library, case)
        for args in (("list",), ("add", "Amour")):
            result = cli(*args)
            assert result.code == 1
            assert result.out == ""
            assert result.err.startswith(f"filmrev: error: library {library}")
            assert "Traceback" not in result.err and result.err.count("\n") == 1
            assert library.read_bytes() == raw


def test_a_directory_where_the_library_should_be(library: Path, run_in: Runner) -> None:
    library.mkdir(parents=True)
    for args in (("list",), ("add", "Amour")):
        result = run_in(*args)
        assert result.code == 1
        assert result.err == f"filmrev: error: library {library} is a directory, not a file\n"
    assert library.is_dir() and not any(library.iterdir())
