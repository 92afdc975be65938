"""Hostile input: every crafted file or path is refused with one clear line, fast, nothing written.

Classes covered (issue 18, "internal errors where a clear refusal belongs" and "data accepted
that should not be"): impossible dates, YAML alias bombs, deep nesting, zip bombs and
zip-slip names, ids out of range, FIFOs/devices/symlink loops as paths, repeated keys,
unchecked comparison records, repeated CSV columns, control characters in CSV cells.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest

from filmrev.model import MAX_ID
from tests.conftest import Result, Runner
from tests.reliability.helpers import reviews_on_disk, seed_library

LETTERBOXD_DIARY = "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date\n"
IMDB_HEADER = "Const,Your Rating,Date Rated,Title,URL,Title Type,Year,Directors\n"


def run_quick(*args: str, seconds: float = 30) -> Result:
    """The real CLI in a subprocess that must finish within ``seconds`` (a hang fails)."""
    completed = subprocess.run(
        [sys.executable, "-m", "filmrev", *args],
        input=b"",
        capture_output=True,
        timeout=seconds,
        check=False,
    )
    return Result(
        completed.returncode,
        completed.stdout.decode("utf-8", "replace"),
        completed.stderr.decode("utf-8", "replace"),
    )


def _refused(result: Result, *needles: str) -> None:
    """Exit 1, no traceback or internal error, and the message says what is wrong."""
    assert result.code == 1, (result.code, result.out, result.err)
    assert "internal error" not in result.err and "Traceback" not in result.err, result.err
    for needle in needles:
        assert needle in result.err, (needle, result.err)


def _export(tmp_path: Path, reviews: list[object], comparisons: list[object] | None = None) -> Path:
    path = tmp_path / "export.json"
    document = {"format": "filmrev", "version": 1, "schema": 1, "reviews": reviews}
    document["comparisons"] = comparisons or []
    path.write_bytes(orjson.dumps(document, option=orjson.OPT_INDENT_2))
    return path


def _review(review_id: int, **fields: object) -> dict[str, object]:
    doc: dict[str, object] = {
        "id": review_id,
        "slug": f"film-{review_id}",
        "title": f"Film {review_id}",
        "created": "2024-01-01T00:00:00.000000Z",
        "updated": "2024-01-01T00:00:00.000000Z",
    }
    doc.update(fields)
    return doc


# --- front matter ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "reason"),
    [("2024-02-30", "day is out of range"), ("2024-13-01", "month must be in 1..12")],
)
def test_an_impossible_date_in_front_matter_names_file_line_and_field(
    run_in: Runner, library: Path, tmp_path: Path, value: str, reason: str
) -> None:
    review = tmp_path / "bad.md"
    review.write_text(f"---\ntitle: Bad date\nyear: 2012\nwatched: {value}\n---\n\nbody\n")
    result = run_in("import", str(review))
    _refused(result, f"{review}:4:", f"watched: {value} is not a real date", reason)
    assert not library.exists()


def test_a_yaml_alias_bomb_is_refused_at_once(
    library: Path, tmp_path: Path, figures: Callable[[str], None]
) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for number in range(1, 10):
        name, previous = chr(ord("a") + number), chr(ord("a") + number - 1)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    bomb = tmp_path / "bomb.md"
    bomb.write_text("---\ntitle: Bomb\nwatched: *j\n" + "\n".join(lines) + "\n---\n\nb\n")
    started = time.monotonic()
    result = run_quick("import", str(bomb))
    elapsed = time.monotonic() - started
    _refused(result, "aliases (*name) are not allowed")
    assert not library.exists()
    figures(f"hostile input: a YAML alias bomb (9**10 nodes) refused in {elapsed:.1f} s")


def test_deep_and_repeated_front_matter_is_refused(run_in: Runner, tmp_path: Path) -> None:
    deep = tmp_path / "deep.md"
    deep.write_text("---\ntitle: Deep\ntags: " + "[" * 5000 + "]" * 5000 + "\n---\n\nb\n")
    _refused(run_in("import", str(deep)), f"{deep}:3:", "nested more than 16 levels")
    twice = tmp_path / "twice.md"
    twice.write_text("---\ntitle: One\nrating: 2\ntitle: Two\n---\n\nb\n")
    _refused(run_in("import", str(twice)), f"{twice}:4:", "key 'title' appears twice")


# --- JSON --------------------------------------------------------------------------------


def test_deeply_nested_json_is_refused(run_in: Runner, library: Path, tmp_path: Path) -> None:
    nested = "[" * 1000 + "]" * 1000
    path = tmp_path / "deep.json"
    path.write_text(
        '{"format": "filmrev", "version": 1, "schema": 1, "comparisons": [], "reviews": '
        f'[{{"id": 1, "slug": "a", "title": "A", "created": "2024-01-01T00:00:00Z", '
        f'"tags": {nested}}}]}}'
    )
    _refused(run_in("import", str(path)), "nested more than 16 levels")
    assert not library.exists()


def test_repeated_keys_in_a_json_export_are_refused_naming_the_key(
    run_in: Runner, library: Path, tmp_path: Path
) -> None:
    good = orjson.dumps(_review(1)).decode()
    top = tmp_path / "top.json"
    top.write_text(
        '{"format": "filmrev", "version": 1, "schema": 1, "comparisons": [],'
        f' "reviews": [{good}], "reviews": []}}'
    )
    _refused(run_in("import", str(top)), "key 'reviews' appears twice at the top level")
    inside = tmp_path / "inside.json"
    inside.write_text(
        '{"format": "filmrev", "version": 1, "schema": 1, "comparisons": [], "reviews": [\n'
        f"{good},\n"
        + good.replace('"title":"Film 1"', '"title":"One","title":"Two"')
        .replace('"id":1', '"id":2')
        .replace('"film-1"', '"film-2"')
        + "\n]}"
    )
    _refused(run_in("import", str(inside)), f"{inside}:3:", "key 'title' appears twice")
    nested = tmp_path / "nested.json"
    crew = '"crew": {"composer": ["A"], "composer": ["B"]}'
    nested.write_text(
        '{"format": "filmrev", "version": 1, "schema": 1, "comparisons": [], "reviews": ['
        + good[:-1]
        + ", "
        + crew
        + "}]}"
    )
    _refused(run_in("import", str(nested)), "key 'composer' appears twice")
    assert not library.exists()


@pytest.mark.parametrize(
    ("comparison", "reason"),
    [
        ({"winner": 1, "loser": 2, "at": "\x1b]52;c;cHduZWQ=\x07"}, "ISO 8601"),
        ({"winner": 1, "loser": 2, "at": "2024-02-30T10:00:00Z"}, "ISO 8601"),
        ({"winner": 1, "loser": 2, "evil": "\x1b[2J"}, "unknown field 'evil'"),
        ({"winner": 1, "loser": 9}, "loser 9 is not a review in this file"),
        ({"winner": 1, "loser": 1}, "with itself"),
        ({"winner": 1, "loser": 2, "tie": "yes"}, "tie must be true or false"),
    ],
)
def test_comparison_records_are_checked(
    run_in: Runner,
    library: Path,
    tmp_path: Path,
    comparison: dict[str, object],
    reason: str,
) -> None:
    path = _export(tmp_path, [_review(1), _review(2)], [comparison])
    result = run_in("import", str(path))
    _refused(result, reason)
    assert "\x1b" not in result.err
    assert not library.exists()


def test_a_good_comparison_still_imports(run_in: Runner, library: Path, tmp_path: Path) -> None:
    comparison = {"winner": 1, "loser": 2, "tie": False, "at": "2024-05-01T10:00:00.000000Z"}
    path = _export(tmp_path, [_review(1), _review(2)], [comparison])
    assert run_in("import", str(path)).code == 0
    assert run_in("rank", "history", "1", "--format", "json").out.count("2024-05-01") == 1


# --- ids ---------------------------------------------------------------------------------


@pytest.mark.parametrize("review_id", [2**63, 2**64 + 1, MAX_ID + 1, 0, -5])
def test_an_imported_id_out_of_range_is_refused(
    run_in: Runner, library: Path, tmp_path: Path, review_id: int
) -> None:
    path = _export(tmp_path, [_review(7)])
    path.write_text(path.read_text().replace('"id": 7', f'"id": {review_id}'))
    _refused(run_in("import", str(path)), f"id must be a whole number from 1 to {MAX_ID}")
    assert not library.exists()


def test_a_library_holding_an_id_out_of_range_is_flagged(run_in: Runner, library: Path) -> None:
    seed_library(library, 2)
    tables = orjson.loads(library.read_bytes())
    doc = tables["reviews"].pop("2")
    doc["id"] = 2**62
    tables["reviews"][str(2**62)] = doc
    library.write_bytes(orjson.dumps(tables))
    before = library.read_bytes()
    _refused(run_in("list"), f"id must be a whole number from 1 to {MAX_ID}")
    doctor = run_in("doctor")
    assert doctor.code != 0 and "id must be a whole number" in doctor.out + doctor.err
    assert run_in("add", "New").code == 1
    assert library.read_bytes() == before


def test_the_largest_id_still_imports(run_in: Runner, library: Path, tmp_path: Path) -> None:
    path = _export(tmp_path, [_review(MAX_ID)])
    result = run_in("import", str(path))
    assert result.code == 0, result.err
    added = run_in("add", "After")
    _refused(added, "id must be a whole number from 1 to")  # no id left: said plainly


# --- paths that are not regular files ------------------------------------------------------


@pytest.mark.parametrize("kind", ["fifo", "device", "loop"])
def test_a_library_path_that_is_not_a_regular_file_is_refused_without_hanging(
    tmp_path: Path, kind: str
) -> None:
    if kind == "fifo":
        path = tmp_path / "library.json"
        os.mkfifo(path)
        expected = "is a FIFO (named pipe), not a regular file"
    elif kind == "device":
        path = Path("/dev/zero")
        expected = "is a device or socket, not a regular file"
    else:
        path = tmp_path / "a.json"
        os.symlink(tmp_path / "b.json", path)
        os.symlink(path, tmp_path / "b.json")
        expected = "cannot resolve the path"
    for args in [("list",), ("show", "1"), ("doctor",), ("add", "X")]:
        _refused(run_quick("--db", str(path), *args), f"library {path}", expected)


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_an_import_path_that_is_not_a_regular_file_is_refused(
    run_in: Runner, library: Path, tmp_path: Path, kind: str
) -> None:
    if kind == "fifo":
        path = tmp_path / "diary.csv"
        os.mkfifo(path)
    else:
        path = Path("/dev/zero")
    for fmt in ("auto", "json", "letterboxd", "imdb", "markdown"):
        result = run_quick("--db", str(library), "import", "--format", fmt, str(path))
        _refused(result, str(path), "not a file or directory")
    assert not library.exists()


def test_a_markdown_folder_holding_a_fifo_reports_it(
    run_in: Runner, library: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "a.md").write_text("---\ntitle: A\n---\n\nbody\n")
    os.mkfifo(folder / "b.md")
    result = run_quick("--db", str(library), "import", str(folder))
    _refused(result, "b.md", "FIFO")
    assert not library.exists()


# --- zips --------------------------------------------------------------------------------


def test_a_zip_bomb_is_refused_before_inflating(
    library: Path, tmp_path: Path, figures: Callable[[str], None]
) -> None:
    path = tmp_path / "letterboxd.zip"
    block = b"\0" * (1 << 20)
    with (
        zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open("diary.csv", "w", force_zip64=True) as member,
    ):
        member.write(LETTERBOXD_DIARY.encode())
        for _ in range(300):
            member.write(block)
    assert path.stat().st_size < 2 << 20
    started = time.monotonic()
    result = run_quick("--db", str(library), "import", str(path))
    elapsed = time.monotonic() - started
    _refused(result, "would inflate to", "zip bomb")
    assert not library.exists()
    figures(
        f"hostile input: a {path.stat().st_size:,}-byte zip inflating to 300 MiB "
        f"refused in {elapsed:.1f} s"
    )


def test_a_zip_with_a_member_outside_its_folder_is_refused(
    run_in: Runner, library: Path, tmp_path: Path
) -> None:
    path = tmp_path / "letterboxd.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("diary.csv", LETTERBOXD_DIARY + "2024-01-01,Amour,2012,,4,,,2024-01-01\n")
        archive.writestr("../../evil.csv", "x")
    _refused(run_in("import", str(path)), "'../../evil.csv' outside its folder")
    assert not library.exists()


def test_a_zip_of_too_many_entries_is_refused(
    run_in: Runner, library: Path, tmp_path: Path
) -> None:
    path = tmp_path / "letterboxd.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("diary.csv", LETTERBOXD_DIARY + "2024-01-01,Amour,2012,,4,,,2024-01-01\n")
        for number in range(10_001):
            archive.writestr(f"lists/l{number}.csv", "")
    _refused(run_in("import", str(path)), "10,002 entries")
    assert not library.exists()


# --- CSV ---------------------------------------------------------------------------------


def test_repeated_csv_columns_are_refused(run_in: Runner, library: Path, tmp_path: Path) -> None:
    diary = tmp_path / "diary.csv"
    diary.write_text(
        "Date,Name,Year,Letterboxd URI,Rating,Rating,Rewatch,Tags,Watched Date\n"
        "2024-01-01,Amour,2012,,4,1,,,2024-01-01\n"
    )
    _refused(run_in("import", str(diary)), f"{diary}:1:", "column 'Rating' appears twice")
    ratings = tmp_path / "ratings.csv"
    ratings.write_text(
        "Const,Your Rating,Date Rated,Title,Title,URL,Title Type,Year\n"
        "tt1,8,2024-01-01,Amour,Other,,Movie,2012\n"
    )
    _refused(run_in("import", str(ratings)), "column 'Title' appears twice")
    assert not library.exists()


def test_control_characters_in_csv_cells_are_removed_with_a_note(
    run_in: Runner, library: Path, tmp_path: Path
) -> None:
    diary = tmp_path / "diary.csv"
    diary.write_text(
        LETTERBOXD_DIARY
        + "2024-01-01,Am\x00our\x07 \x1b]52;c;cHduZWQ=\x07x,2012,,4,,gri\x1b[2Jtty,2024-01-01\n"
    )
    result = run_in("import", str(diary))
    assert result.code == 0, result.err
    assert f"{diary}:2: removed 4 control characters or sequences" in result.err
    [amour] = reviews_on_disk(library)
    assert amour.title == "Amour x" and amour.tags == ("gritty",)
    ratings = tmp_path / "ratings.csv"
    ratings.write_text(
        IMDB_HEADER + "tt0000001,8,2024-01-01,Ca\x1b[2Jch\x9bé,,Movie,2005,Mi\x00ke\n"
    )
    result = run_in("import", str(ratings))
    assert result.code == 0, result.err
    assert "removed 3 control characters" in result.err
    titles = {review.title: review for review in reviews_on_disk(library)}
    assert titles["Caché"].director == "Mike"


def test_a_csv_cell_over_the_body_limit_is_refused(
    run_in: Runner, library: Path, tmp_path: Path
) -> None:
    reviews = tmp_path / "reviews.csv"
    reviews.write_text(
        "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Review,Tags,Watched Date\n"
        f'2024-01-01,Amour,2012,,4,,"{"word " * 420_000}",,2024-01-01\n'
    )
    _refused(run_in("import", str(reviews)), "a cell is longer than 2,000,000 characters")
    assert not library.exists()


# --- sizes -------------------------------------------------------------------------------


def test_an_import_file_over_the_size_limit_is_refused_without_reading_it(
    run_in: Runner, library: Path, tmp_path: Path
) -> None:
    path = tmp_path / "huge.json"
    with open(path, "wb") as handle:
        handle.write(b'{"format": "filmrev"')
        handle.truncate(300 << 20)  # sparse: nothing is really written
    _refused(run_in("import", "--format", "json", str(path)), "imports read at most 268,435,456")
    assert not library.exists()


def test_a_body_over_the_limit_is_refused_on_every_way_in(
    run_in: Runner, library: Path, tmp_path: Path
) -> None:
    seed_library(library, 1)
    before = library.read_bytes()
    big = tmp_path / "big.txt"
    big.write_text("word " * 400_001)
    _refused(run_in("add", "Big", "--body-file", str(big)), "the limit is 2,000,000")
    _refused(run_in("edit", "1", "--body-file", str(big)), "the limit is 2,000,000")
    giant = tmp_path / "giant.txt"
    giant.write_text("a fine film " + "x" * 100_005 + "\n")
    _refused(run_in("add", "Giant", "--body-file", str(giant)), "word of 100,005 characters")
    markdown = tmp_path / "big.md"
    markdown.write_text("---\ntitle: Big\n---\n\n" + "word " * 400_001)
    _refused(run_in("import", str(markdown)), "the limit is 2,000,000")
    export = _export(tmp_path, [_review(9, body="x" * 100_001)])
    _refused(run_in("import", str(export)), "word of 100,001 characters")
    assert library.read_bytes() == before


def test_a_stored_body_over_the_limit_still_opens_and_shows_capped(
    run_in: Runner, library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_library(library, 1)
    tables = orjson.loads(library.read_bytes())
    body = "A paragraph of a very long review.\n\n" * 100_000  # 3.6 MB, as an older filmrev kept
    tables["reviews"]["1"]["body"] = body
    library.write_bytes(orjson.dumps(tables))
    monkeypatch.setattr("filmrev.render.RENDER_MAX", 100_000)
    shown = run_in("show", "1")
    assert shown.code == 0, shown.err
    assert "more characters not shown" in shown.out and "--plain" in shown.out
    assert run_in("show", "1", "--plain").out.endswith(body)
    assert run_in("list").code == 0


def test_other_values_over_their_limits_are_refused(
    run_in: Runner, library: Path, tmp_path: Path
) -> None:
    _refused(run_in("add", "Long tag", "--tag", "t" * 2001), "tags: a value of 2,001 characters")
    _refused(run_in("add", "Long name", "--cast", "n" * 3000), "cast: a value of 3,000 characters")
    export = _export(tmp_path, [_review(3, tags=[f"t{n}" for n in range(10_001)])])
    _refused(run_in("import", str(export)), "tags holds 10,001 items; the limit is 10,000")
    assert not library.exists()


def test_a_deeply_nested_value_in_the_library_file_is_a_clear_error(
    run_in: Runner, library: Path
) -> None:
    seed_library(library, 1)
    raw = orjson.dumps(orjson.loads(library.read_bytes()))
    assert raw.count(b'"watched":null') == 1
    library.write_bytes(raw.replace(b'"watched":null', b'"watched":' + b"[" * 1000 + b"]" * 1000))
    before = library.read_bytes()
    _refused(run_in("list"), "watched must be a date as YYYY-MM-DD (got [[[[...]]]])")
    for args in [("add", "New"), ("doctor",)]:
        result = run_quick("--db", str(library), *args)
        assert result.code != 0 and "internal error" not in result.err, result.err
        assert "nests values hundreds of levels deep" in result.out + result.err
    assert library.read_bytes() == before


def test_many_rows_with_control_characters_get_one_summary_line(
    run_in: Runner, library: Path, tmp_path: Path
) -> None:
    diary = tmp_path / "diary.csv"
    rows = "".join(f"2024-01-01,Fi\x07lm {n},2012,,4,,,2024-01-01\n" for n in range(40))
    diary.write_text(LETTERBOXD_DIARY + rows)
    result = run_in("import", str(diary))
    assert result.code == 0, result.err
    assert result.err.count("removed 1 control character") == 5
    assert f"{diary}: control characters removed from 35 more rows" in result.err
    assert all("\x07" not in review.title for review in reviews_on_disk(library))
