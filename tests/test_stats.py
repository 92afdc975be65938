"""``stats`` and ``people``: figures of a body of work, and ``list --person``."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from filmrev.model import Review
from filmrev.stats import compute, people_counts

Runner = Callable[..., Any]  # the ``cli`` fixture of conftest.py
STAMP = "2026-01-01T00:00:00.000000Z"
KEYS = {
    "reviews",
    "words",
    "average_rating",
    "ratings",
    "by_year_watched",
    "by_decade",
    "top_tags",
    "top_people",
    "longest",
}


def review(review_id: int, **fields: Any) -> Review:
    doc = {"id": review_id, "slug": f"film-{review_id}", "title": "x", "created": STAMP}
    return Review.from_doc({**doc, **fields})


def test_empty_library() -> None:
    stats = compute([])
    assert set(stats) == KEYS
    assert stats["reviews"] == 0 and stats["average_rating"] is None and stats["longest"] is None
    assert list(stats["ratings"]) == [
        "0.5",
        "1.0",
        "1.5",
        "2.0",
        "2.5",
        "3.0",
        "3.5",
        "4.0",
        "4.5",
        "5.0",
    ]


def test_figures_and_year_filter() -> None:
    reviews = [
        review(
            1,
            year=2012,
            rating=4.5,
            watched="2024-05-01",
            tags=["French"],
            body="a b c",
            director="Jacques Audiard",
            cast=["Marion Cotillard"],
        ),
        review(
            2,
            year=1984,
            rating=4.0,
            watched="2023-01-02",
            tags=["french", "Road"],
            body="one two three four",
            cast=["Marion Cotillard"],
        ),
        review(
            3,
            year=2001,
            viewings=[{"date": "2024-02-02", "rating": 3.0, "rewatch": False}],
            crew={"composer": ["Yann Tiersen"]},
        ),
    ]
    stats = compute(reviews)
    assert stats["reviews"] == 3 and stats["words"] == 7
    assert stats["average_rating"] == 4.25
    assert stats["ratings"]["4.5"] == 1 and stats["ratings"]["3.0"] == 0
    assert stats["by_year_watched"] == {"2023": 1, "2024": 2}
    assert stats["by_decade"] == {"1980s": 1, "2000s": 1, "2010s": 1}
    assert stats["top_tags"][0] == {"tag": "French", "count": 2}
    assert stats["top_people"][0] == {"name": "Marion Cotillard", "count": 2}
    assert stats["longest"] == "film-2"
    watched = compute(reviews, watched_year=2024)
    assert watched["reviews"] == 2 and watched["by_year_watched"] == {"2024": 2}
    released = compute(reviews, year=2012)
    assert released["reviews"] == 1 and released["by_decade"] == {"2010s": 1}


def test_people_counts_fold_accents_and_keep_roles() -> None:
    reviews = [
        review(1, director="Agnès Varda", cast=["Agnès Varda"]),
        review(2, director="agnes varda"),
    ]
    assert people_counts(reviews) == [("Agnès Varda", 2, ["director", "cast"])]


@pytest.fixture
def library(cli: Runner) -> None:
    for args in (
        [
            "Rust and Bone",
            "--year",
            "2012",
            "--rating",
            "4.5",
            "--watched",
            "2024-05-03",
            "--director",
            "Jacques Audiard",
            "--cast",
            "Marion Cotillard",
            "--tag",
            "French",
        ],
        [
            "La Vie en Rose",
            "--year",
            "2007",
            "--rating",
            "4",
            "--watched",
            "2023-03-01",
            "--cast",
            "Marion Cotillard",
            "--crew",
            "composer=Christopher Gunning",
        ],
        [
            "Amour",
            "--year",
            "2012",
            "--rating",
            "5",
            "--watched",
            "2024-01-09",
            "--body",
            "Georges and Anne, at the end of a long life together.",
        ],
    ):
        assert cli("add", *args).code == 0


def test_stats_cli(cli: Runner, library: None) -> None:
    data = json.loads(cli("stats", "--format", "json").out)
    assert set(data) == KEYS and data["reviews"] == 3 and data["longest"] == "amour-2012"
    year = json.loads(cli("stats", "--watched-year", "2024", "--format", "json").out)
    assert year["reviews"] == 2
    released = json.loads(cli("stats", "--year", "2012", "--format", "json").out)
    assert released["reviews"] == 2 and released["by_decade"] == {"2010s": 2}
    table = cli("stats", "--watched-year", "2024")
    assert table.code == 0
    assert "Reviews" in table.out and "2 watched in 2024" in table.out
    assert "★★★★½ 4.5 █" in table.out  # a rating bar
    bad = cli("stats", "--year", "20x4")
    assert bad.code == 1 and "year must be" in bad.err


def test_people_and_list_person(cli: Runner, library: None) -> None:
    table = cli("people")
    assert table.code == 0
    first = table.out.splitlines()[1]
    assert first.split()[:3] == ["Marion", "Cotillard", "2"]
    data = json.loads(cli("people", "--format", "json").out)
    assert data[0] == {"name": "Marion Cotillard", "reviews": 2, "roles": ["cast"]}
    assert {"name": "Christopher Gunning", "reviews": 1, "roles": ["composer"]} in data
    listed = cli("list", "--person", "marion cotillard", "--format", "ids")
    assert sorted(listed.out.split()) == ["1", "2"]
    assert cli("list", "--person", "Christopher Gunning", "--format", "ids").out == "2\n"
    assert cli("list", "--person", "Jacques", "--format", "ids").out == ""
