"""``log`` and ``diary`` (issue 15, Diary): viewings on real library files."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Runner
from tests.test_cli_core import stored

TODAY = date.today().isoformat()


def viewings(library: Path, slug: str) -> list[dict[str, Any]]:
    found = stored(library)[slug]["viewings"]
    assert isinstance(found, list)
    return found


def _add(cli: Runner, title: str, year: str, *extra: str) -> None:
    result = cli("add", title, "--year", year, *extra)
    assert result.code == 0, result.err


def _seed(cli: Runner) -> None:
    _add(cli, "Amour", "2012", "--rating", "5", "--watched", "2024-01-21", "--body", "Text.")
    _add(cli, "Aftersun", "2022", "--rating", "4.5", "--body", "Text.")
    _add(cli, "Vertigo", "1958", "--body", "")  # not written yet


# --- log -------------------------------------------------------------------------------


def test_log_stores_every_detail_and_says_one_line(cli: Runner, isolated_library: Path) -> None:
    _seed(cli)
    result = cli(
        "log", "amour-2012", "--date", "2024-11-22", "--rating", "4", "--rewatch",
        "--venue", "Curzon Soho", "--medium", "Cinema", "--with", "Anna", "--with", "Ben",
        "--note", "Front row.",
    )  # fmt: skip
    assert result.code == 0, result.err
    assert result.out == ""
    assert result.err == "logged Amour (2012) on 2024-11-22 (rewatch)\n"
    review = stored(isolated_library)["amour-2012"]
    assert review["viewings"] == [
        # the watched date of `add` was a viewing: kept, with the review's rating
        {"date": "2024-01-21", "rating": 5.0, "rewatch": False},
        {
            "date": "2024-11-22",
            "rating": 4.0,
            "rewatch": True,
            "venue": "Curzon Soho",
            "medium": "cinema",
            "note": "Front row.",
            "with": ["Anna", "Ben"],
        },
    ]
    assert review["watched"] == "2024-01-21"  # the text is about that viewing, not the rewatch
    assert review["rating"] == 5.0  # the review's rating is the review's
    assert review["body"] == "Text."


def test_log_defaults_to_today_and_sets_an_empty_rating(
    cli: Runner, isolated_library: Path
) -> None:
    _seed(cli)
    result = cli("log", "aftersun-2022", "--rating", "4")
    assert result.code == 0, result.err
    assert result.err == f"logged Aftersun (2022) on {TODAY}\n"
    review = stored(isolated_library)["aftersun-2022"]
    assert review["viewings"] == [{"date": TODAY, "rating": 4.0, "rewatch": False}]
    assert review["watched"] == TODAY
    assert review["rating"] == 4.5  # it had one
    result = cli("log", "3", "--date", "today", "--rating", "3.5")
    assert result.code == 0, result.err
    assert stored(isolated_library)["vertigo-1958"]["rating"] == 3.5  # it had none


def test_a_written_review_keeps_its_watched_date(cli: Runner, isolated_library: Path) -> None:
    _seed(cli)
    assert cli("log", "aftersun-2022", "--date", "2023-01-01").code == 0
    assert cli("log", "aftersun-2022", "--date", "2024-01-01", "--rewatch").code == 0
    review = stored(isolated_library)["aftersun-2022"]
    assert review["watched"] == "2023-01-01"  # it was empty: the first viewing set it
    assert [viewing["date"] for viewing in viewings(isolated_library, "aftersun-2022")] == [
        "2023-01-01",
        "2024-01-01",
    ]


def test_log_never_moves_a_watched_date_set_to_an_earlier_viewing(
    cli: Runner, isolated_library: Path
) -> None:
    _seed(cli)
    for day in ("2020-05-01", "2023-02-02"):
        assert cli("log", "vertigo-1958", "--date", day).code == 0
    # no text yet: watched follows the latest viewing
    assert stored(isolated_library)["vertigo-1958"]["watched"] == "2023-02-02"
    assert cli("edit", "vertigo-1958", "--watched", "2020-05-01").code == 0  # by hand
    assert cli("log", "vertigo-1958", "--date", "2024-06-06").code == 0
    review = stored(isolated_library)["vertigo-1958"]
    assert review["watched"] == "2020-05-01"
    assert [viewing["date"] for viewing in viewings(isolated_library, "vertigo-1958")] == [
        "2020-05-01",
        "2023-02-02",
        "2024-06-06",
    ]
    assert cli("log", "vertigo-1958", "--date", "2019-01-01").code == 0  # in date order
    dates = [v["date"] for v in viewings(isolated_library, "vertigo-1958")]
    assert dates == sorted(dates)


@pytest.mark.parametrize(
    ("args", "message", "code"),
    [
        (("log", "amour-2012", "--date", "2024-13-01"), "--date must be a date as YYYY-MM-DD", 1),
        (("log", "amour-2012", "--rating", "6"), "rating must be 0.5 to 5", 1),
        (("log", "amour-2012", "--medium", "vhs"), "medium must be one of cinema, streaming", 1),
        (("log", "nope-1999"), "nope-1999", 1),
        (("log", "amour-2012", "--year", "2012"), "--year applies to --new", 2),
        (("log", "amour-2012", "--new", "Amour"), "give the review's REF, or --new TITLE", 2),
        (("log", "--new", "Tabu"), "--new needs --year", 2),
    ],
)
def test_log_refuses_bad_input_and_changes_nothing(
    cli: Runner, isolated_library: Path, args: tuple[str, ...], message: str, code: int
) -> None:
    _seed(cli)
    before = isolated_library.read_bytes()
    result = cli(*args)
    assert result.code == code
    assert message in result.err
    assert isolated_library.read_bytes() == before


def test_log_refuses_a_future_date_unless_forced(cli: Runner, isolated_library: Path) -> None:
    _seed(cli)
    before = isolated_library.read_bytes()
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    result = cli("log", "amour-2012", "--date", tomorrow)
    assert result.code == 1
    assert f"viewing date {tomorrow} is in the future" in result.err
    assert "--force accepts it" in result.err
    assert isolated_library.read_bytes() == before
    result = cli("log", "amour-2012", "--date", tomorrow, "--force")
    assert result.code == 0, result.err
    assert "warning: viewing date" in result.err


def test_log_refuses_the_same_viewing_twice_unless_forced(
    cli: Runner, isolated_library: Path
) -> None:
    _seed(cli)
    assert cli("log", "vertigo-1958", "--date", "2024-02-02", "--venue", "BFI").code == 0
    before = isolated_library.read_bytes()
    again = cli("log", "vertigo-1958", "--date", "2024-02-02", "--venue", "BFI")
    assert again.code == 1
    assert "already has this viewing on 2024-02-02; --force logs it again" in again.err
    assert isolated_library.read_bytes() == before
    assert cli("log", "vertigo-1958", "--date", "2024-02-02", "--venue", "BFI", "--force").code == 0
    assert len(viewings(isolated_library, "vertigo-1958")) == 2


def test_log_with_a_fuzzy_ref_refuses_without_a_terminal(
    cli: Runner, isolated_library: Path
) -> None:
    _seed(cli)
    before = isolated_library.read_bytes()
    result = cli("log", "amour", "--date", "2024-11-22")
    assert result.code == 1
    assert "'amour' is not an id or exact slug (closest: amour-2012); nothing changed" in result.err
    assert isolated_library.read_bytes() == before


def test_log_new_makes_a_bare_review(cli: Runner, isolated_library: Path) -> None:
    _seed(cli)
    result = cli(
        "log", "--new", "All We Imagine as Light", "--year", "2024", "--date", "2024-10-03",
        "--rating", "4", "--medium", "cinema",
    )  # fmt: skip
    assert result.code == 0, result.err
    assert result.err == (
        "logged All We Imagine as Light (2024) on 2024-10-03: "
        "new review all-we-imagine-as-light-2024\n"
    )
    review = stored(isolated_library)["all-we-imagine-as-light-2024"]
    assert review["viewings"] == [
        {"date": "2024-10-03", "rating": 4.0, "rewatch": False, "medium": "cinema"}
    ]
    assert (review["watched"], review["rating"], review["body"]) == ("2024-10-03", 4.0, "")


def test_log_new_refuses_a_film_in_the_library_unless_forced(
    cli: Runner, isolated_library: Path
) -> None:
    _seed(cli)
    before = isolated_library.read_bytes()
    result = cli("log", "--new", "amour", "--year", "2012")
    assert result.code == 1
    assert "Amour (2012) is already in the library as amour-2012" in result.err
    assert isolated_library.read_bytes() == before
    forced = cli("log", "--new", "amour", "--year", "2012", "--force")
    assert forced.code == 0, forced.err
    assert "new review amour-2012-2" in forced.err
    assert "warning: Amour (2012) is already in the library" in forced.err


# --- diary -----------------------------------------------------------------------------


def _log_some(cli: Runner) -> None:
    _seed(cli)
    for args in (
        ("amour-2012", "--date", "2024-11-22", "--rewatch", "--medium", "cinema",
         "--venue", "Curzon Soho", "--with", "Anna"),
        ("vertigo-1958", "--date", "2024-11-22", "--rating", "5", "--medium", "disc"),
        ("aftersun-2022", "--date", "2024-10-05", "--medium", "streaming"),
        ("vertigo-1958", "--date", "2023-03-03"),
    ):  # fmt: skip
        assert cli("log", *args).code == 0


def test_diary_json_lists_every_viewing_newest_first_ties_by_title(cli: Runner) -> None:
    _log_some(cli)
    result = cli("diary", "--format", "json")
    assert result.code == 0, result.err
    rows = json.loads(result.out)
    assert [(row["date"], row["slug"]) for row in rows] == [
        ("2024-11-22", "amour-2012"),
        ("2024-11-22", "vertigo-1958"),
        ("2024-10-05", "aftersun-2022"),
        ("2024-01-21", "amour-2012"),
        ("2023-03-03", "vertigo-1958"),
    ]
    assert rows[0] == {
        "date": "2024-11-22",
        "id": 1,
        "slug": "amour-2012",
        "title": "Amour",
        "year": 2012,
        "rating": None,
        "rewatch": True,
        "medium": "cinema",
        "venue": "Curzon Soho",
        "with": ["Anna"],
        "note": None,
    }


def test_diary_a_watched_date_without_viewings_is_a_viewing(cli: Runner) -> None:
    _add(cli, "Amour", "2012", "--rating", "5", "--watched", "2024-01-21")
    rows = json.loads(cli("diary", "--format", "json").out)
    assert [(row["date"], row["rating"]) for row in rows] == [("2024-01-21", 5.0)]


@pytest.mark.parametrize(
    ("args", "dates"),
    [
        (("--year", "2024"), ["2024-11-22", "2024-11-22", "2024-10-05", "2024-01-21"]),
        (("--month", "2024-11"), ["2024-11-22", "2024-11-22"]),
        (("--from", "2024-10-01", "--to", "2024-10-31"), ["2024-10-05"]),
        (("--to", "2024-01-21"), ["2024-01-21", "2023-03-03"]),
        (("--year", "2024", "--from", "2024-10-06"), ["2024-11-22", "2024-11-22"]),
    ],
)
def test_diary_filters_by_viewing_date(
    cli: Runner, args: tuple[str, ...], dates: list[str]
) -> None:
    _log_some(cli)
    result = cli("diary", *args, "--format", "json")
    assert result.code == 0, result.err
    assert [row["date"] for row in json.loads(result.out)] == dates


def test_diary_refuses_a_bad_month_and_an_empty_range(cli: Runner) -> None:
    assert "--month must be YYYY-MM" in cli("diary", "--month", "2024-13").err
    result = cli("diary", "--from", "2024-05-01", "--to", "2024-04-01")
    assert result.code == 1
    assert "no day is both on or after 2024-05-01 and on or before 2024-04-01" in result.err


def test_diary_empty_is_a_note_and_exit_0(cli: Runner) -> None:
    result = cli("diary")
    assert (result.code, result.out, result.err) == (0, "", "no viewings in the diary yet\n")
    _log_some(cli)
    result = cli("diary", "--year", "1999")
    assert (result.code, result.out, result.err) == (0, "", "no viewings in that period\n")
    assert cli("diary", "--year", "1999", "--format", "json").out == "[]\n"


def test_diary_csv_and_markdown_are_data(cli: Runner) -> None:
    _log_some(cli)
    assert cli("edit", "amour-2012", "--url", "https://blog.example/amour").code == 0
    rows = list(csv.DictReader(io.StringIO(cli("diary", "--format", "csv").out)))
    assert rows[0]["slug"] == "amour-2012" and rows[0]["with"] == '["Anna"]'
    assert rows[0]["rewatch"] == "true" and rows[1]["rating"] == "5.0"
    markdown = cli("diary", "--month", "2024-11", "--format", "markdown")
    assert markdown.code == 0 and markdown.err == ""
    assert markdown.out.splitlines() == [
        "| Date | Film | Rating | Rewatch | Medium | Venue | With |",
        "|---|---|---|---|---|---|---|",
        "| 2024-11-22 | [Amour (2012)](https://blog.example/amour) |  | rewatch | cinema "
        "| Curzon Soho | Anna |",
        "| 2024-11-22 | Vertigo (1958) | ★★★★★ 5.0 |  | disc |  |  |",
    ]


@pytest.mark.parametrize("width", ["40", "60", "80", "120"])
def test_diary_table_fits_the_width_and_keeps_every_detail(cli: Runner, width: str) -> None:
    _log_some(cli)
    result = cli("diary", env={"COLUMNS": width})
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert all(len(line) <= int(width) for line in lines), result.out
    assert lines[0].split()[:3] == ["Date", "Film", "Rating"]
    assert sum("2024-11-22" in line for line in lines) == 2  # a date is never cut
    for text in ("Curzon Soho", "Anna", "rewatch", "streaming", "★★★★★ 5.0"):
        assert text in result.out, (width, result.out)
    if int(width) >= 120:
        assert lines[0].split() == ["Date", "Film", "Rating", "Rewatch", "Medium", "Venue", "With"]


def test_show_lists_viewings_with_their_details(cli: Runner) -> None:
    _log_some(cli)
    assert cli("log", "amour-2012", "--date", "2024-12-01", "--note", "Alone, at home.").code == 0
    result = cli("show", "amour-2012", "--no-pager")
    assert result.code == 0, result.err
    lines = [line.strip("│ ").rstrip() for line in result.out.splitlines()]
    start = lines.index("Viewings:")
    assert lines[start + 1 : start + 4] == [
        "2024-01-21 ★★★★★ 5.0",
        "2024-11-22 (rewatch) · cinema · Curzon Soho · with Anna",
        "2024-12-01 — Alone, at home.",
    ]


# --- the diary details in every lossless format ----------------------------------------


def _detailed(cli: Runner) -> None:
    _seed(cli)
    result = cli(
        "log", "amour-2012", "--date", "2024-11-22", "--rating", "4", "--rewatch",
        "--venue", "Curzon Soho", "--medium", "cinema", "--with", "Anna", "--with", "Ben",
        "--note", "Front row: \"too close\".",
    )  # fmt: skip
    assert result.code == 0, result.err


def _viewings_json(cli: Runner, env: dict[str, str] | None = None) -> Any:
    result = cli("show", "amour-2012", "--format", "json", env=env)
    assert result.code == 0, result.err
    return json.loads(result.out)["viewings"]


@pytest.mark.parametrize("export_format", ["json", "markdown"])
def test_viewing_details_round_trip_through_json_and_markdown(
    cli: Runner, tmp_path: Path, export_format: str
) -> None:
    _detailed(cli)
    wanted = _viewings_json(cli)
    assert wanted[1]["with"] == ["Anna", "Ben"]
    target = tmp_path / ("export.json" if export_format == "json" else "site")
    result = cli("export", "--format", export_format, "--out", str(target))
    assert result.code == 0, result.err
    fresh = {"FILMREV_DB": str(tmp_path / "fresh" / "library.json")}
    imported = cli("import", str(target), env=fresh)
    assert imported.code == 0, imported.err
    assert _viewings_json(cli, fresh) == wanted


def test_markdown_front_matter_carries_the_details(cli: Runner) -> None:
    _detailed(cli)
    document = cli("show", "amour-2012", "--plain").out
    for line in ("venue: Curzon Soho", "medium: cinema", "- Anna", "note: 'Front row:"):
        assert line in document, document


def test_letterboxd_export_keeps_date_rating_and_rewatch_of_each_viewing(cli: Runner) -> None:
    _detailed(cli)
    rows = list(csv.DictReader(io.StringIO(cli("export", "--format", "letterboxd").out)))
    amour = [row for row in rows if row["Title"] == "Amour"]
    assert [(r["WatchedDate"], r["Rating"], r["Rewatch"]) for r in amour] == [
        ("2024-01-21", "5", ""),
        ("2024-11-22", "4", "true"),
        ("", "5", ""),  # the film's own rating, differing from the latest viewing's
    ]
    assert "Curzon" not in cli("export", "--format", "letterboxd").out  # no column for it


def test_every_new_command_has_help_with_an_example(cli: Runner) -> None:
    for command in (["log"], ["diary"], ["watchlist"], ["watchlist", "add"],
                    ["watchlist", "remove"], ["watchlist", "list"]):  # fmt: skip
        result = cli(*command, "--help")
        assert result.code == 0, command
        assert "Example" in result.out, command
