"""Validation lives in the model: each bad value names the field and what is allowed."""

from __future__ import annotations

from datetime import date

import pytest

from filmrev.errors import ValidationError
from filmrev.model import (
    Review,
    make_slug,
    now_utc,
    parse_crew_option,
    parse_date,
    parse_rating,
    parse_slug,
    parse_tags,
    parse_title,
    parse_year,
)


def review_doc(**fields: object) -> dict[str, object]:
    stamp = now_utc()
    return {"id": 1, "slug": "amour-2012", "title": "Amour", "created": stamp, **fields}


@pytest.mark.parametrize("value", ["7", "3.3", "0", "5.5", "-1", "nan", "inf", "four", True])
def test_bad_ratings_name_the_field(value: object) -> None:
    with pytest.raises(ValidationError, match=r"rating must be 0\.5 to 5 in steps of 0\.5"):
        parse_rating(value)


@pytest.mark.parametrize(("value", "expected"), [("4.5", 4.5), ("5", 5.0), (0.5, 0.5), ("", None)])
def test_ratings_are_half_steps_stored_as_floats(value: object, expected: float | None) -> None:
    assert parse_rating(value) == expected


@pytest.mark.parametrize("value", ["20x2", "1869", str(date.today().year + 6), "12345", "2012.0"])
def test_bad_years(value: str) -> None:
    with pytest.raises(ValidationError, match="year must be"):
        parse_year(value)


def test_year_bounds_are_1870_to_five_years_ahead() -> None:
    assert parse_year("1870") == 1870
    assert parse_year(str(date.today().year + 5)) == date.today().year + 5


@pytest.mark.parametrize("value", ["", "   ", "x" * 301])
def test_bad_titles(value: str) -> None:
    with pytest.raises(ValidationError, match="title must be 1–300 characters"):
        parse_title(value)


def test_title_is_trimmed() -> None:
    assert parse_title("  Rust and Bone \n") == "Rust and Bone"


def test_tags_are_trimmed_unique_case_insensitively_and_keep_commas() -> None:
    tags = parse_tags(
        [" Gritty, Grittness ", "gritty, grittness", "You’ve Touched Me in a Good Way"]
    )
    assert tags == ("Gritty, Grittness", "You’ve Touched Me in a Good Way")


def test_empty_tag_is_an_error() -> None:
    with pytest.raises(ValidationError, match="tag must not be empty"):
        parse_tags(["  "])


@pytest.mark.parametrize("value", ["2024-02-30", "24-03-09", "yesterday", "2024-3-9"])
def test_bad_dates(value: str) -> None:
    with pytest.raises(ValidationError, match="watched must be a date as YYYY-MM-DD"):
        parse_date(value, "watched")


def test_crew_option_needs_role_and_name() -> None:
    assert parse_crew_option("composer=Alexandre Desplat") == ("composer", "Alexandre Desplat")
    with pytest.raises(ValidationError, match="ROLE=NAME"):
        parse_crew_option("Alexandre Desplat")


def test_slugs_are_ascii_unique_and_bounded() -> None:
    assert make_slug("Amélie", 2001, [], 1) == "amelie-2001"
    assert make_slug("Amélie", 2001, ["amelie-2001"], 2) == "amelie-2001-2"
    assert make_slug("Amélie", 2001, ["amelie-2001", "amelie-2001-2"], 3) == "amelie-2001-3"
    assert make_slug("!!!", None, [], 7) == "review-7"
    assert make_slug("Index", None, [], 1) == "index-2"
    assert make_slug("1917", None, [], 1) == "film-1917"
    long_slug = make_slug("word " * 100, 2012, [], 1)
    assert len(long_slug) <= 80
    assert len(make_slug("word " * 100, 2012, [long_slug], 2)) <= 80


@pytest.mark.parametrize("value", ["Has Caps", "a--b", "123", "index", "x" * 81, "-a"])
def test_bad_slugs(value: str) -> None:
    with pytest.raises(ValidationError, match="slug"):
        parse_slug(value)


def test_document_form_has_every_field_with_empty_defaults() -> None:
    doc = Review.from_doc(review_doc()).to_doc()
    assert doc["tags"] == [] and doc["cast"] == [] and doc["links"] == []
    assert doc["crew"] == {} and doc["body"] == ""
    assert doc["rating"] is None and doc["rank"] is None and doc["year"] is None
    assert doc["status"] == "draft"
    assert doc["sources"] == {"letterboxd": None, "imdb": None, "tmdb": None, "wordpress": None}
    assert doc["categories"] == [] and doc["comments"] == []


def test_document_round_trips_exactly() -> None:
    doc = Review.from_doc(
        review_doc(
            year=2012,
            rating=4.5,
            tags=["Gritty, Grittness"],
            crew={"composer": ["Alexandre Desplat"]},
            viewings=[{"date": "2024-03-09", "rating": 4.5, "rewatch": False}],
            images=[{"src": "still.jpg", "caption": None}],
            body="“Curly” — Stéphanie\n",
        )
    ).to_doc()
    assert Review.from_doc(doc).to_doc() == doc


def test_unknown_field_is_reported() -> None:
    with pytest.raises(ValidationError, match="unknown field 'ratng'"):
        Review.from_doc(review_doc(ratng=4))


def test_wrong_types_are_reported() -> None:
    with pytest.raises(ValidationError, match="tags must be a list"):
        Review.from_doc(review_doc(tags="French"))
    with pytest.raises(ValidationError, match="id must be"):
        Review.from_doc(review_doc(id="1"))
