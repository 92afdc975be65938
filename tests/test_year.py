"""``year``: the numbers of a year of watching, as a table (60–120 columns), JSON and a post."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from filmrev.errors import ValidationError
from filmrev.model import Review
from filmrev.paths import resolve_library
from filmrev.transaction import writing
from filmrev.year import films_seen, period, year_document
from tests.conftest import Runner

STAMP = "2026-01-01T00:00:00.000000Z"
WIDTHS = ("60", "80", "120")
LONG_TITLE = "The Assassination of Jesse James by the Coward Robert Ford"


def review(review_id: int, **fields: Any) -> Review:
    doc = {"id": review_id, "slug": f"film-{review_id}", "title": f"Film {review_id}"}
    return Review.from_doc({**doc, "created": STAMP, **fields})


def viewing(date: str | None, **fields: Any) -> dict[str, Any]:
    return {"date": date, "rating": None, "rewatch": False, **fields}


# --- the pure numbers ---------------------------------------------------------------------


def test_a_film_is_seen_by_its_viewings_else_by_its_watched_date() -> None:
    reviews = [
        review(1, watched="2024-03-01"),  # no diary: watched counts
        review(2, watched="2024-03-01", viewings=[viewing("2023-05-01")]),  # diary wins
        review(3, viewings=[viewing("2023-12-31"), viewing("2024-01-01", rewatch=True)]),
        review(4, viewings=[viewing(None)], watched="2024-06-30"),  # undated viewing only
        review(5, watched="2025-01-01"),
    ]
    seen = {film.review.id: film for film in films_seen(reviews, period(2024))}
    assert sorted(seen) == [1, 3, 4]
    assert seen[1].first_viewing and not seen[3].first_viewing
    again = review(6, viewings=[viewing("2024-02-01"), viewing("2023-02-01")])  # not marked
    assert not films_seen([again], period(2024))[0].first_viewing
    assert [film.review.id for film in films_seen(reviews, period(2024, "1"))] == [1, 3, 4]
    assert films_seen(reviews, period("2024", 2)) == []
    assert (period(2024, 1).start, period(2024, 1).end) == ("2024-01-01", "2024-06-30")


def test_the_document_counts_first_viewings_rewatches_months_and_where() -> None:
    reviews = [
        review(
            1,
            year=2012,
            rating=4.5,
            rank=2,
            director="Jacques Audiard",
            tags=["French"],
            viewings=[
                viewing("2024-01-10", medium="cinema", **{"with": ["Ana Lopez"]}),
                viewing("2024-11-02", rewatch=True, medium="disc", **{"with": ["ana lópez"]}),
            ],
        ),
        review(
            2,
            year=1984,
            director="jacques audiard",
            tags=["french"],
            viewings=[viewing("2024-01-20", rating=3.5, rewatch=True, medium="festival")],
        ),
        review(3, year=2001, rating=5.0, watched="2024-02-02"),
        review(4, year=1999, rating=5.0, rank=1, viewings=[viewing("2024-12-31", medium="tv")]),
        review(5, title="Older", rating=5.0, viewings=[viewing("2023-01-01")]),
    ]
    words = {1: 120, 2: 30, 3: 500, 4: 0}
    lists: dict[int, dict[str, Any]] = {
        1: {
            "name": "Best of 2024",
            "slug": "best-of-2024",
            "updated": "2024-12-30T10:00:00Z",
            "entries": [{"review_id": 1}, {"review_id": 4}],
        },
        2: {"name": "Old list", "slug": "old", "updated": "2023-01-01T00:00:00Z", "entries": []},
    }
    document = year_document(reviews, period(2024), words=words, lists=lists, top=3)
    assert document["films"] == 4 and document["first_viewings"] == 3
    assert document["rewatches"] == 1 and document["viewings"] == 5
    assert document["rewatch_viewings"] == 2
    # Ranked films first by rank, then rating (3.5 is a viewing's rating), then title.
    assert [entry["id"] for entry in document["top"]] == [4, 1, 3]
    assert [entry["position"] for entry in document["top"]] == [1, 2, 3]
    assert document["by_month"]["2024-01"] == 2 and document["by_month"]["2024-12"] == 1
    assert len(document["by_month"]) == 12
    assert document["ratings"]["5.0"] == 2 and document["ratings"]["3.5"] == 1
    assert document["by_decade"] == {"1980s": 1, "1990s": 1, "2000s": 1, "2010s": 1}
    assert document["where"] == {"cinema": 2, "home": 2, "other": 0, "unknown": 1}
    assert document["top_directors"] == [{"name": "Jacques Audiard", "count": 2}]
    assert document["top_tags"] == [{"tag": "French", "count": 2}]
    assert document["watched_with"] == [{"name": "Ana Lopez", "count": 1}]  # one film
    assert document["longest"]["id"] == 3 and document["longest"]["words"] == 500
    assert document["words"] == 650
    assert [entry["id"] for entry in document["rewatched"]] == [1, 2]  # 2 viewings, then 1
    assert document["lists"] == [
        {
            "name": "Best of 2024",
            "slug": "best-of-2024",
            "entries": 2,
            "ranked": False,
            "updated": "2024-12-30",
        },
    ]
    half = year_document(reviews, period(2024, 2), words=words)
    assert half["films"] == 2 and list(half["by_month"]) == [f"2024-{m:02d}" for m in range(7, 13)]
    assert half["where"] == {"cinema": 0, "home": 2, "other": 0, "unknown": 0}


@pytest.mark.parametrize("year, half", [("20x4", None), ("1500", None), ("2024", "3")])
def test_a_bad_year_or_half_is_a_validation_error(year: str, half: str | None) -> None:
    with pytest.raises(ValidationError):
        period(year, half)


# --- the command --------------------------------------------------------------------------


def _seed(library: Path, *, hostile: str | None = None) -> None:
    films: list[dict[str, Any]] = [
        {
            "title": LONG_TITLE,
            "year": 2007,
            "rating": 5.0,
            "director": "Andrew Dominik",
            "tags": ["Western", "Slow Burn"],
            "tagline": "A hook line.",
            "url": "https://blog.example/2024/jesse-james/",
            "body": "word " * 300,
            "viewings": [
                viewing("2024-03-09", medium="cinema", venue="Rio"),
                viewing("2024-09-01", rewatch=True, medium="streaming"),
            ],
        },
        {
            "title": "Rust and Bone",
            "year": 2012,
            "rating": 4.5,
            "director": "Jacques Audiard",
            "tags": ["French", "Slow burn"],
            "cast": ["Marion Cotillard"],
            "body": "short text",
            "viewings": [viewing("2024-03-20", medium="disc", **{"with": ["Sam"]})],
        },
        {"title": "Amour", "year": 2012, "rating": 4.0, "watched": "2024-11-11"},
        {"title": "Last Year", "year": 2001, "rating": 3.0, "viewings": [viewing("2023-05-05")]},
    ]
    if hostile is not None:
        films.append(
            {
                "title": hostile,
                "year": 2020,
                "rating": 5.0,
                "tagline": f"Hook {hostile}",
                "director": f"D {hostile}",
                "tags": [f"{hostile} tag"],
                "viewings": [viewing("2024-05-05")],
            }
        )
    with writing(resolve_library(library)) as lib:
        for rank, fields in enumerate(films, 1):
            lib.add(fields, rank=rank)
        lib.replace_table_docs(
            "lists",
            {
                1: {
                    "name": "Best of 2024",
                    "slug": "best-of-2024",
                    "description": None,
                    "ranked": True,
                    "created": "2024-01-02T00:00:00.000000Z",
                    "updated": "2024-12-30T00:00:00.000000Z",
                    "sources": {"letterboxd": None},
                    "entries": [
                        {"review_id": 1, "title": LONG_TITLE, "year": 2007, "note": None},
                        {"review_id": None, "title": "Unseen", "year": 2024, "note": None},
                    ],
                },
            },
        )


@pytest.mark.parametrize("width", WIDTHS)
def test_the_table_fits_the_width_and_shows_the_numbers(
    cli: Runner, isolated_library: Path, width: str
) -> None:
    _seed(isolated_library)
    result = cli("year", "2024", env={"COLUMNS": width})
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert all(len(line) <= int(width) for line in lines), result.out
    assert lines[0] == "2024 in film"
    assert "3 (3 first viewings, 0 rewatches)" in result.out  # Amour: watched date, no diary
    assert "Viewings        4 (1 rewatch)" in result.out
    assert "1 cinema · 2 home · 1 not recorded" in result.out
    assert "Rust and Bone (2012)" in result.out and "Last Year" not in result.out
    assert "Jesse James" in result.out and "Robert Ford (2007)" in result.out  # wrapped, whole
    months = lines[lines.index("By month") + 1 : lines.index("By month") + 13]
    assert [line.split()[0] for line in months][:3] == ["Jan", "Feb", "Mar"]
    assert months[2].endswith(" 2") and months[10].endswith(" 1")  # March: 2, November: 1
    tags = lines[lines.index("Tags") + 1 :]
    assert tags[0].startswith("Slow Burn") and tags[0].endswith(" 2")  # folded, first spelling
    assert "Best of 2024" in result.out and "2 films" in result.out
    rewatched = lines[lines.index("Rewatched") + 1 :]
    assert "2 viewings" in "".join(rewatched[:3]), result.out
    if int(width) >= 80:
        assert "█" * 30 in result.out


def test_half_year_and_top(cli: Runner, isolated_library: Path) -> None:
    _seed(isolated_library)
    result = cli("year", "2024", "--half", "2", "--top", "1", "--format", "json")
    assert result.code == 0, result.err
    document = json.loads(result.out)
    assert (document["from"], document["to"]) == ("2024-07-01", "2024-12-31")
    assert [entry["title"] for entry in document["top"]] == [LONG_TITLE]
    assert document["films"] == 2 and document["lists"][0]["entries"] == 2
    table = cli("year", "2024", "--half", "1")
    assert table.code == 0 and table.out.startswith("January–June 2024 in film\n")


def test_json_is_a_stable_document(cli: Runner, isolated_library: Path) -> None:
    _seed(isolated_library)
    result = cli("year", "2024", "-f", "json")
    assert result.code == 0 and result.err == ""
    document = json.loads(result.out)
    assert list(document)[:3] == ["format", "version", "year"]
    assert document["format"] == "filmrev-year" and document["version"] == 1
    assert document["longest"]["title"] == LONG_TITLE and document["longest"]["words"] == 300
    assert document["top"][0]["url"] == "https://blog.example/2024/jesse-james/"
    assert cli("year", "2024", "-f", "json").out == result.out


def test_markdown_is_a_post_with_links_hooks_numbers_and_lists(
    cli: Runner, isolated_library: Path
) -> None:
    _seed(isolated_library)
    result = cli("year", "2024", "--format", "markdown")
    assert result.code == 0 and result.err == ""
    post = result.out
    assert post.startswith("# My 2024 in film\n\nI saw 3 films in 2024: 3 for the first time")
    assert (
        f"1. [{LONG_TITLE} (2007)](https://blog.example/2024/jesse-james/) — ★★★★★ 5.0  \n"
        "   *A hook line.*\n"
    ) in post
    assert "2. [Rust and Bone (2012)](rust-and-bone-2012) — ★★★★½ 4.5\n" in post  # the slug
    assert "- **Films:** 3 (3 first viewings, 0 rewatches)\n" in post
    assert "| Mar | 2 |\n" in post and "- **Busiest month:** March (2 viewings)\n" in post
    assert (
        f"## Rewatched\n\n- [{LONG_TITLE} (2007)](https://blog.example/2024/jesse-james/), "
        "2 viewings\n\n"
    ) in post
    assert "## Lists updated in 2024\n\n- **Best of 2024** (2 films)\n" in post


HOSTILE = "<script>alert(1)</script> **bold** [x](javascript:1) \x1b[2J\u202eevil\nnext"


def test_hostile_titles_stay_inert_in_the_table_and_the_post(
    cli: Runner, isolated_library: Path
) -> None:
    _seed(isolated_library, hostile=HOSTILE)
    table = cli("year", "2024", env={"COLUMNS": "200"})
    assert table.code == 0, table.err
    assert "\x1b" not in table.out and "\u202e" not in table.out
    assert "<script>alert(1)</script> **bold** [x](javascript:1)" in table.out  # literal
    post = cli("year", "2024", "-f", "markdown").out
    assert "\x1b" not in post and "\u202e" not in post and "<script>" not in post
    assert r"\<script\>alert(1)\</script\> \*\*bold\*\* \[x\](javascript:1) evil next" in post
    assert "\nnext" not in post  # a newline in a title cannot break the list
    document = json.loads(cli("year", "2024", "-f", "json").out)
    assert HOSTILE.strip() in [entry["title"] for entry in document["top"]]  # byte-exact


def test_a_year_with_nothing_says_so_on_stderr(cli: Runner, isolated_library: Path) -> None:
    _seed(isolated_library)
    for args in (("year", "1999"), ("year", "1999", "-f", "markdown")):
        result = cli(*args)
        assert (result.code, result.out) == (0, "")
        assert result.err == "no film seen in 1999: no viewing (or watched date) in that time\n"
    document = cli("year", "1999", "-f", "json")
    assert document.code == 0 and json.loads(document.out)["films"] == 0


def test_an_empty_library_has_no_year(cli: Runner) -> None:
    result = cli("year", "2024")
    assert (result.code, result.out) == (0, "") and "no film seen in 2024" in result.err


@pytest.mark.parametrize(
    "args, code, message",
    [
        (("year", "twenty"), 1, "year must be a whole number"),
        (("year", "2024", "--half", "3"), 1, "half must be 1 (January–June) or 2"),
        (("year", "2024", "--top", "0"), 2, "--top"),
        (("year", "2024", "--format", "csv"), 2, "--format"),
    ],
)
def test_bad_arguments(cli: Runner, args: tuple[str, ...], code: int, message: str) -> None:
    result = cli(*args)
    assert result.code == code and result.out == ""
    assert message in result.err
    if code == 1:
        assert len(result.err.splitlines()) == 1


def test_help_has_an_example(cli: Runner) -> None:
    result = cli("year", "--help")
    assert result.code == 0 and "Example: filmrev year 2024" in result.out


def test_an_unranked_top_says_how_it_was_ordered(cli: Runner, isolated_library: Path) -> None:
    with writing(resolve_library(isolated_library)) as lib:
        for title in ("Zodiac", "Amour", "Heat"):
            lib.add({"title": title, "rating": 4.0, "watched": "2024-05-01"})
    result = cli("year", "2024", "--top", "2")
    assert result.code == 0
    header = result.out.splitlines()[result.out.splitlines().index("Top 2") + 1]
    assert header.split() == ["#", "Film", "Rating"]  # no column of dashes
    assert result.out.index("Amour") < result.out.index("Heat") and "Zodiac" not in result.out
    assert result.err.startswith("none of the top 2 is ranked, so they go by rating, then title")
