"""The one matcher: accent/case folding, every word, relevance, snippets, speed."""

from __future__ import annotations

import json
from typing import Any

from filmrev.model import Review
from filmrev.search import Matcher, fold, make_snippet, matches, search
from tests.conftest import Runner

STAMP = "2026-01-01T00:00:00.000000Z"


def review(review_id: int, title: str, body: str = "", **fields: Any) -> Review:
    doc = {"id": review_id, "slug": f"film-{review_id}", "title": title, "created": STAMP}
    return Review.from_doc({**doc, "body": body, **fields})


def test_fold_ignores_case_and_accents() -> None:
    assert fold("Stéphanie") == "stephanie"
    assert fold("AMÉLIE") == "amelie"
    assert fold("Straße") == "strasse"
    assert fold("Kieślowski") == "kieslowski"
    assert fold("e\u0301") == "e"  # decomposed accent


def test_every_word_must_match_in_some_field() -> None:
    rust = review(
        1,
        "Rust and Bone",
        "Stéphanie trains killer whales.",
        cast=["Marion Cotillard"],
        tags=["Gritty, Grittness"],
    )
    assert matches(rust, "stephanie")
    assert matches(rust, "STÉPHANIE cotillard gritty")
    assert not matches(rust, "stephanie paris")
    assert matches(rust, "")
    assert not Matcher("whales", ["title", "tags"]).match(rust)
    assert Matcher("whales", ["body"]).match(rust)


def test_title_tags_people_outrank_the_body() -> None:
    in_body = review(1, "Amour", "A whale, a whale, a whale appears.")
    in_title = review(2, "The Whale")
    in_tags = review(3, "Moby", tags=["whale"])
    order = [hit.review.id for hit in search([in_body, in_title, in_tags], "whale")]
    assert order == [2, 3, 1]
    (hit,) = search([in_body], "whale")
    assert hit.fields == ("body",)


def test_snippet_is_short_around_the_first_hit_and_highlighted() -> None:
    body = ("Filler words go here. " * 30) + "Then Stéphanie   loses\nher legs. " + "More. " * 60
    rust = review(1, "Rust and Bone", body)
    snippet = make_snippet(rust, ["stephanie", "legs"])
    assert len(snippet.text) <= 210
    assert snippet.text.startswith("…") and snippet.text.endswith("…")
    highlighted = [snippet.text[start:end] for start, end in snippet.spans]
    assert highlighted == ["Stéphanie", "legs"]
    assert "loses her" in snippet.text  # whitespace collapsed


def test_snippet_without_body_hit_starts_the_body() -> None:
    (hit,) = search([review(1, "Amour", "Georges and Anne.")], "amour")
    assert hit.snippet.text == "Georges and Anne." and hit.snippet.spans == ()


def test_list_search_uses_the_same_matcher(cli: Runner) -> None:
    assert cli("add", "Amélie", "--year", "2001", "--body", "Montmartre.").code == 0
    assert cli("add", "Amour", "--year", "2012", "--cast", "Stéphanie").code == 0
    listed = cli("list", "--search", "AMELIE", "--format", "ids")
    assert listed.out == "1\n"
    assert cli("list", "--search", "stephanie", "--format", "ids").out == "2\n"


def test_search_cli_table_json_and_no_hits(cli: Runner, isolated_library: Any) -> None:
    body = "Stéphanie trains killer whales at Marineland in Antibes."
    assert cli("add", "Rust and Bone", "--year", "2012", "--body", body).code == 0
    assert cli("add", "Whale Rider", "--year", "2002", "--body", "Paikea.").code == 0
    table = cli("search", "whale")
    assert table.code == 0
    assert table.out.index("Whale Rider") < table.out.index("Rust and Bone")
    assert "Stéphanie trains killer whales" in table.out
    data = cli("search", "stephanie", "--format", "json")
    (hit,) = json.loads(data.out)
    assert hit["slug"] == "rust-and-bone-2012" and hit["fields"] == ["body"]
    start, end = hit["highlights"][0]
    assert hit["snippet"][start:end] == "Stéphanie"
    before = isolated_library.read_bytes()
    none = cli("search", "zzz")
    assert (none.code, none.out, none.err.strip()) == (0, "", "no review matches 'zzz'")
    assert cli("search", "zzz", "--format", "json").out.strip() == "[]"
    bad = cli("search", "whale", "--in", "plot")
    assert bad.code == 2 and "unknown field 'plot'" in bad.err
    limited = cli("search", "whale", "--limit", "1")
    assert "showing 1 of 2 matches" in limited.err
    assert isolated_library.read_bytes() == before


def test_search_output_is_never_markup(cli: Runner) -> None:
    assert cli("add", "[bold red]x[/]", "--body", "evil \x1b[31mred[/] whale").code == 0
    out = cli("search", "whale").out
    assert "[bold red]x[/]" in out and "\x1b" not in out


# --- speed ------------------------------------------------------------------------------


def test_semantics_through_the_index_phrases_apostrophes_and_straße(cli: Runner) -> None:
    body = "Georges says l’amour is “not enough”; the Straße is empty. Killer whales."
    assert cli("add", "Amour", "--year", "2012", "--body", body, "--tag", "Déjà vu").code == 0
    assert cli("add", "Other", "--year", "2000", "--body", "enough is not said").code == 0

    def found(*query: str) -> list[str]:
        result = cli("search", *query, "--format", "json")
        assert result.code == 0, result.err
        return [hit["slug"] for hit in json.loads(result.out)]

    assert found("l'amour") == ["amour-2012"]  # straight matches curly
    assert found("strasse") == ["amour-2012"]
    assert found('"not enough"') == ["amour-2012"]  # a phrase: the words in a row
    assert sorted(found("not", "enough")) == ["amour-2012", "other-2000"]
    assert found("deja", "--in", "tags") == ["amour-2012"]
    assert found("whale", "--in", "body") == ["amour-2012"]  # a word's start finds it
    assert found("deja", "--in", "body") == []


def test_without_fts5_search_scans_with_a_note(cli: Runner) -> None:
    body = "Stéphanie trains killer whales."
    assert cli("add", "Rust and Bone", "--year", "2012", "--body", body).code == 0
    no_fts = {"FILMREV_NO_FTS5": "1"}
    result = cli("search", "stephanie", env=no_fts)
    assert result.code == 0 and "Rust and Bone" in result.out
    assert result.err == "filmrev: note: this Python's SQLite has no FTS5; searching by a scan\n"
    listed = cli("list", "--search", "WHALES", "--format", "ids", env=no_fts)
    assert listed.code == 0 and listed.out == "1\n"
