"""Ranking as a user runs it: exit code, stdout, stderr and the library file on disk."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from filmrev import ranking
from filmrev.model import Review
from filmrev.paths import resolve_library
from filmrev.storage import serialise
from filmrev.transaction import writing
from tests.conftest import Runner

Film = dict[str, Any]


def build(films: Sequence[Film]) -> dict[str, int]:
    """Add films to the test library in one transaction; a film's ``rank`` inserts and shifts.

    Returns slug → id.
    """
    ids: dict[str, int] = {}
    with writing(resolve_library()) as library:
        for film in films:
            fields = {key: value for key, value in film.items() if key != "rank"}
            review = library.add(fields, rank=film.get("rank"))
            ids[review.slug] = review.id
    return ids


def tables(library_file: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(library_file.read_text("utf-8"))
    return loaded


def ranks(library_file: Path) -> dict[str, int | None]:
    """slug → rank, as stored."""
    return {doc["slug"]: doc["rank"] for doc in tables(library_file)["reviews"].values()}


def ranked_slugs(library_file: Path) -> list[str]:
    """The stored ranked list, best first; asserts ranks are exactly 1..K."""
    held = {slug: rank for slug, rank in ranks(library_file).items() if rank is not None}
    assert sorted(held.values()) == list(range(1, len(held) + 1))
    return sorted(held, key=lambda slug: held[slug])


def comparisons(library_file: Path) -> list[dict[str, Any]]:
    table = tables(library_file).get("comparisons", {})
    return [table[key] for key in sorted(table, key=int)]


def questions_asked(stderr: str) -> int:
    return stderr.count("Which is better?")


FOUR = [
    {"title": "Amour", "year": 2012, "rating": 5.0, "rank": 1, "tagline": "Love, at the end."},
    {"title": "Rust and Bone", "year": 2012, "rating": 4.5, "rank": 2},
    {"title": "Paris, Texas", "year": 1984, "rating": 4.0, "rank": 3},
    {"title": "Holy Motors", "year": 2012, "rating": 3.5, "rank": 4},
]
AFTERSUN: Film = {
    "title": "Aftersun",
    "year": 2022,
    "rating": 4.5,
    "tagline": "Memory is a \x1b[31mbeautiful\x1b[0m liar",
}
# Unrated, so `rank place` asks plain binary-insertion questions (no opening bracket).
PLAIN_AFTERSUN: Film = {key: value for key, value in AFTERSUN.items() if key != "rating"}
SLUGS4 = ["amour-2012", "rust-and-bone-2012", "paris-texas-1984", "holy-motors-2012"]


# --- rank place: the whole job by answers only --------------------------------------------


def test_rank_50_films_by_answering_questions_only(cli: Runner, isolated_library: Path) -> None:
    """Place 50 films one by one through piped answers from a truthful oracle.

    The questions are deterministic (binary insertion over the stored order, opening within
    ±0.5★), so the test computes the oracle's answers by replaying :func:`ranking.place`
    with the ratings on the order read from
    the file, pipes them in (with junk lines after, which must be ignored), and checks the
    questions shown, the stored comparisons and the final order.
    """
    shuffle = random.Random(2012)
    hidden = [f"film-{n:02d}" for n in range(1, 51)]
    shuffle.shuffle(hidden)  # the critic's true order, best first
    best_first = {slug: index for index, slug in enumerate(hidden)}
    films = [
        # Ratings agree with the hidden order, so `rank check` must be clean at the end.
        {"title": f"Film {n:02d}", "rating": 5.0 - (best_first[f"film-{n:02d}"] // 5) * 0.5}
        for n in range(1, 51)
    ]
    ids = build(films)
    slug_of = {review_id: slug for slug, review_id in ids.items()}
    ratings: dict[int, float | None] = {
        review_id: 5.0 - (best_first[slug] // 5) * 0.5 for slug, review_id in ids.items()
    }
    arrival = list(ids)
    shuffle.shuffle(arrival)
    total_answers = 0
    for count, slug in enumerate(arrival):
        order = [ids[ranked] for ranked in ranked_slugs(isolated_library)]
        answers: list[str] = []

        def oracle(candidate: int, other: int, answers: list[str] = answers) -> str:
            better = best_first[slug_of[candidate]] < best_first[slug_of[other]]
            answers.append("1" if better else "2")
            return answers[-1]

        expected = ranking.place(order, ids[slug], oracle, ratings)
        stdin = "".join(f"{answer}\n" for answer in answers) + "extra\nq\n"
        result = cli("rank", "place", slug, stdin=stdin)
        assert result.code == 0, result.err
        assert result.out == ""
        window = ranking.rating_window(order, ratings, ratings[ids[slug]])
        assert questions_asked(result.err) == len(answers) <= ranking.max_questions(count, window)
        assert result.err.endswith(f"at #{expected.position} of {count + 1}\n")
        total_answers += len(answers)
    assert ranked_slugs(isolated_library) == hidden
    stored = comparisons(isolated_library)
    assert len(stored) == total_answers
    for comparison in stored:
        assert comparison["tie"] is False
        assert best_first[slug_of[comparison["winner"]]] < best_first[slug_of[comparison["loser"]]]
        assert comparison["at"].endswith("Z")
    check = cli("rank", "check")
    assert (check.code, check.out) == (0, "")
    assert "ranking is consistent (50 ranked films" in check.err


def test_question_shows_both_films_cleaned_on_stderr(cli: Runner, isolated_library: Path) -> None:
    build([*FOUR, AFTERSUN])
    # Aftersun (4.5★) is asked first about the films rated 4.0 to 5.0 (#1 to #3): 2
    # questions among them, and 1 more if it belongs below them.
    result = cli("rank", "place", "aftersun-2022", stdin="1\n2\n")
    assert result.code == 0, result.err
    assert result.out == ""
    assert result.err.splitlines()[:7] == [
        "",
        "Which is better?  (question 1 of at most 3)",
        "  1  Aftersun (2022)  ★★★★½ 4.5",
        "     Memory is a beautiful liar",
        "  2  Rust and Bone (2012)  ★★★★½ 4.5  #2",
        "1/a = film 1 is better · 2/b = film 2 is better · = same · s skip · u undo · q quit",
        "> 1",
    ]
    assert "  2  Amour (2012)  ★★★★★ 5.0  #1\n     Love, at the end.\n" in result.err
    assert "\x1b" not in result.err
    assert result.err.endswith("placed Aftersun (2022) at #2 of 5\n")
    assert ranked_slugs(isolated_library) == [
        "amour-2012", "aftersun-2022", "rust-and-bone-2012", "paris-texas-1984", "holy-motors-2012"
    ]  # fmt: skip
    winners = [(c["winner"], c["loser"], c["tie"]) for c in comparisons(isolated_library)]
    assert winners == [(5, 2, False), (1, 5, False)]


def test_place_into_an_empty_ranking_asks_nothing(cli: Runner, isolated_library: Path) -> None:
    build([AFTERSUN])
    result = cli("rank", "place", "aftersun-2022")
    assert (result.code, result.out) == (0, "")
    assert questions_asked(result.err) == 0
    assert result.err == "placed Aftersun (2022) at #1 of 1\n"
    assert ranked_slugs(isolated_library) == ["aftersun-2022"]
    assert comparisons(isolated_library) == []


def test_replacing_the_only_ranked_film_writes_nothing(cli: Runner, isolated_library: Path) -> None:
    build([{**AFTERSUN, "rank": 1}])
    before = isolated_library.read_bytes()
    result = cli("rank", "place", "aftersun-2022")
    assert (result.code, result.out, result.err) == (0, "", "Aftersun (2022) stays at #1 of 1\n")
    assert isolated_library.read_bytes() == before


def test_answers_accept_a_b_case_and_spaces(cli: Runner, isolated_library: Path) -> None:
    build([*FOUR, PLAIN_AFTERSUN])
    result = cli("rank", "place", "5", stdin=" A \nb\n")
    assert result.code == 0, result.err
    assert ranked_slugs(isolated_library)[2] == "aftersun-2022"


def test_tie_puts_the_film_just_below_and_is_stored(cli: Runner, isolated_library: Path) -> None:
    build([*FOUR, PLAIN_AFTERSUN])
    # Better than Paris, Texas (#3), the same as Rust and Bone (#2): just below it, at #3.
    result = cli("rank", "place", "aftersun-2022", stdin="1\n=\n")
    assert result.code == 0, result.err
    assert questions_asked(result.err) == 2
    assert ranked_slugs(isolated_library)[:3] == [
        "amour-2012",
        "rust-and-bone-2012",
        "aftersun-2022",
    ]
    assert [(c["winner"], c["loser"], c["tie"]) for c in comparisons(isolated_library)] == [
        (5, 3, False),
        (5, 2, True),
    ]
    history = cli("rank", "history", "aftersun-2022", "--format", "json")
    assert [entry["result"] for entry in json.loads(history.out)] == ["won", "tie"]


def test_undo_asks_again_and_forgets_the_undone_answer(cli: Runner, isolated_library: Path) -> None:
    build([*FOUR, PLAIN_AFTERSUN])
    # 1 (better than Paris, Texas) → asked about Rust and Bone; undo → Paris, Texas again;
    # 2 → then Holy Motors; 1 → placed at #4.
    result = cli("rank", "place", "aftersun-2022", stdin="1\nu\n2\n1\n")
    assert result.code == 0, result.err
    assert questions_asked(result.err) == 4
    assert "(question 2 of at most 3)" in result.err
    assert result.err.count("  2  Paris, Texas (1984)") == 2
    assert ranked_slugs(isolated_library)[3] == "aftersun-2022"
    assert [(c["winner"], c["loser"]) for c in comparisons(isolated_library)] == [(3, 5), (5, 4)]


def test_undo_before_any_answer_repeats_the_question(cli: Runner, isolated_library: Path) -> None:
    build([*FOUR, PLAIN_AFTERSUN])
    result = cli("rank", "place", "aftersun-2022", stdin="u\n1\n1\n2\n")
    assert result.code == 0, result.err
    assert result.err.count("(question 1 of at most 3)") == 2
    assert ranked_slugs(isolated_library)[1] == "aftersun-2022"


def test_replacing_a_ranked_film_moves_it(cli: Runner, isolated_library: Path) -> None:
    build(FOUR)
    # Holy Motors (3.5★) is asked first about Paris, Texas (4.0★, the only film within
    # ±0.5★); better than it, it gallops up: better than Rust and Bone, worse than Amour.
    result = cli("rank", "place", "holy-motors-2012", stdin="1\n1\n2\n")
    assert result.code == 0, result.err
    assert "  1  Holy Motors (2012)  ★★★½ 3.5  #4" in result.err
    asked = [line.split("  ")[2] for line in result.err.splitlines() if line.startswith("  2  ")]
    assert asked == ["Paris, Texas (1984)", "Rust and Bone (2012)", "Amour (2012)"]
    assert result.err.endswith("moved Holy Motors (2012) from #4 to #2 of 4\n")
    assert ranked_slugs(isolated_library) == [
        "amour-2012", "holy-motors-2012", "rust-and-bone-2012", "paris-texas-1984"
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        ("q\n", "placement quit; nothing changed"),
        ("1\nq\n", "placement quit; nothing changed"),
        ("", "no more answers on stdin (end of input); nothing changed"),
        ("2\n", "no more answers on stdin (end of input); nothing changed"),
        ("x\n", "unknown answer 'x'; answer 1, 2, =, s, u or q; nothing changed"),
        ("\n", "unknown answer ''; answer 1, 2, =, s, u or q; nothing changed"),
        ("1\n3\n", "unknown answer '3'; answer 1, 2, =, s, u or q; nothing changed"),
    ],
)
def test_quit_eof_or_unknown_answer_changes_nothing(
    cli: Runner, isolated_library: Path, stdin: str, message: str
) -> None:
    build([*FOUR, AFTERSUN])
    before = isolated_library.read_bytes()
    result = cli("rank", "place", "aftersun-2022", stdin=stdin)
    assert result.code == 1
    assert result.out == ""
    assert result.err.splitlines()[-1] == f"filmrev: error: {message}"
    assert "Traceback" not in result.err
    assert isolated_library.read_bytes() == before


def test_place_refuses_an_inexact_ref_without_a_terminal(
    cli: Runner, isolated_library: Path
) -> None:
    build([*FOUR, AFTERSUN])
    before = isolated_library.read_bytes()
    result = cli("rank", "place", "aftersun", stdin="1\n1\n")
    assert result.code == 1
    assert "'aftersun' is not an id or exact slug (closest: aftersun-2022)" in result.err
    assert questions_asked(result.err) == 0
    assert isolated_library.read_bytes() == before


def test_place_refuses_a_broken_library_before_asking(cli: Runner, isolated_library: Path) -> None:
    build(FOUR)
    raw = tables(isolated_library)
    raw["reviews"]["2"]["rank"] = 1  # two films at #1, #2 missing
    isolated_library.write_bytes(serialise(raw))
    before = isolated_library.read_bytes()
    result = cli("rank", "place", "holy-motors-2012", stdin="1\n1\n")
    assert result.code == 1
    assert questions_asked(result.err) == 0
    assert "rank 1 is shared by reviews 1, 2" in result.err and "doctor --fix" in result.err
    assert isolated_library.read_bytes() == before


def test_place_asks_without_the_lock_and_refuses_a_changed_ranking(
    cli: Runner, isolated_library: Path
) -> None:
    """Another command may write while the questions wait; the placement then refuses."""
    build([*FOUR, AFTERSUN])
    process = subprocess.Popen(
        [sys.executable, "-m", "filmrev", "rank", "place", "aftersun-2022"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "FILMREV_LOCK_TIMEOUT": "2"},
    )
    assert process.stderr is not None and process.stdin is not None
    waited = b""
    while b"1/a = film 1 is better" not in waited:  # the first question is on screen
        line = process.stderr.readline()
        assert line, "rank place ended before asking"
        waited += line
    # Without waiting for the lock: it must be free while the question waits.
    moved = cli("rank", "move", "holy-motors-2012", "--to", "1", env={"FILMREV_LOCK_TIMEOUT": "0"})
    assert moved.code == 0, moved.err
    after_move = isolated_library.read_bytes()
    out, err = process.communicate(b"1\n1\n2\n", timeout=60)
    assert process.returncode == 1
    assert out == b""
    assert err.decode().splitlines()[-1] == (
        "filmrev: error: the ranking changed while you were answering; nothing changed; "
        "run `filmrev rank place aftersun-2022` again"
    )
    assert isolated_library.read_bytes() == after_move


# --- rank move / set / clear / delete -------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "order", "message"),
    [
        (
            ("--above", "amour-2012"),
            ["holy-motors-2012", "amour-2012", "rust-and-bone-2012", "paris-texas-1984"],
            "moved Holy Motors (2012) from #4 to #1",
        ),
        (
            ("--below", "1"),
            ["amour-2012", "holy-motors-2012", "rust-and-bone-2012", "paris-texas-1984"],
            "moved Holy Motors (2012) from #4 to #2",
        ),
        (
            ("--to", "3"),
            ["amour-2012", "rust-and-bone-2012", "holy-motors-2012", "paris-texas-1984"],
            "moved Holy Motors (2012) from #4 to #3",
        ),
        (
            ("--up", "2"),
            ["amour-2012", "holy-motors-2012", "rust-and-bone-2012", "paris-texas-1984"],
            "moved Holy Motors (2012) from #4 to #2",
        ),
        (
            ("--up", "99"),
            ["holy-motors-2012", "amour-2012", "rust-and-bone-2012", "paris-texas-1984"],
            "moved Holy Motors (2012) from #4 to #1",
        ),
    ],
)
def test_move_variants(
    cli: Runner, isolated_library: Path, options: tuple[str, ...], order: list[str], message: str
) -> None:
    build(FOUR)
    result = cli("rank", "move", "holy-motors-2012", *options)
    assert (result.code, result.out, result.err) == (0, "", message + "\n")
    assert ranked_slugs(isolated_library) == order


def test_move_down_clamps_at_the_bottom_and_only_touches_the_moved_film(
    cli: Runner, isolated_library: Path
) -> None:
    build(FOUR)
    before = {doc["slug"]: doc["updated"] for doc in tables(isolated_library)["reviews"].values()}
    result = cli("rank", "move", "amour-2012", "--down", "10")
    assert result.code == 0, result.err
    assert ranked_slugs(isolated_library) == [*SLUGS4[1:], "amour-2012"]
    after = {doc["slug"]: doc["updated"] for doc in tables(isolated_library)["reviews"].values()}
    assert [slug for slug in SLUGS4 if after[slug] != before[slug]] == ["amour-2012"]


def test_move_to_the_same_place_writes_nothing(cli: Runner, isolated_library: Path) -> None:
    build(FOUR)
    before = isolated_library.read_bytes()
    result = cli("rank", "move", "amour-2012", "--up", "1")
    assert (result.code, result.err) == (0, "Amour (2012) stays at #1\n")
    assert isolated_library.read_bytes() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("aftersun-2022", "--up", "1"), "aftersun-2022 is not ranked; rank it with"),
        (("amour-2012", "--above", "aftersun-2022"), "aftersun-2022 is not ranked"),
        (("amour-2012", "--below", "amour-2012"), "cannot move amour-2012 relative to itself"),
        (("amour-2012", "--to", "5"), "rank must be 1 to 4 (got 5)"),
        (("amour-2012", "--to", "0"), "rank must be a whole number ≥ 1 (got 0)"),
        (("amour-2012", "--up", "0"), "--up must be a whole number ≥ 1 (got '0')"),
        (("amour-2012", "--down", "two"), "--down must be a whole number ≥ 1 (got 'two')"),
        (("nope-1999", "--up", "1"), "no review matches 'nope-1999'"),
        (("amour", "--up", "1"), "'amour' is not an id or exact slug (closest: amour-2012)"),
    ],
)
def test_move_errors_exit_1_and_change_nothing(
    cli: Runner, isolated_library: Path, args: tuple[str, ...], message: str
) -> None:
    build([*FOUR, AFTERSUN])
    before = isolated_library.read_bytes()
    result = cli("rank", "move", *args)
    assert result.code == 1, result
    assert message in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert isolated_library.read_bytes() == before


@pytest.mark.parametrize(
    "options", [(), ("--up", "1", "--down", "1"), ("--to", "1", "--above", "amour-2012")]
)
def test_move_needs_exactly_one_option(
    cli: Runner, isolated_library: Path, options: tuple[str, ...]
) -> None:
    build(FOUR)
    before = isolated_library.read_bytes()
    result = cli("rank", "move", "holy-motors-2012", *options)
    assert result.code == 2
    assert "give exactly one of --above, --below, --to, --up or --down" in result.err
    assert isolated_library.read_bytes() == before


def test_set_clear_and_delete_keep_ranks_1_to_k(cli: Runner, isolated_library: Path) -> None:
    build([*FOUR, AFTERSUN])
    result = cli("rank", "set", "aftersun-2022", "2")
    assert (result.code, result.err) == (0, "ranked Aftersun (2022) at #2\n")
    assert ranked_slugs(isolated_library) == [SLUGS4[0], "aftersun-2022", *SLUGS4[1:]]
    result = cli("rank", "set", "aftersun-2022", "5")
    assert (result.code, result.err) == (0, "moved Aftersun (2022) from #2 to #5\n")
    assert ranked_slugs(isolated_library) == [*SLUGS4, "aftersun-2022"]
    result = cli("rank", "clear", "rust-and-bone-2012")
    assert (result.code, result.err) == (0, "Rust and Bone (2012) is not ranked (was #2)\n")
    assert ranked_slugs(isolated_library) == [
        "amour-2012", "paris-texas-1984", "holy-motors-2012", "aftersun-2022"
    ]  # fmt: skip
    assert ranks(isolated_library)["rust-and-bone-2012"] is None
    assert cli("rank", "place", "rust-and-bone-2012", stdin="1\n2\n").code == 0
    assert len(comparisons(isolated_library)) == 2
    result = cli("delete", "rust-and-bone-2012", "--yes")
    assert result.code == 0, result.err
    assert ranked_slugs(isolated_library) == [
        "amour-2012", "paris-texas-1984", "holy-motors-2012", "aftersun-2022"
    ]  # fmt: skip
    assert comparisons(isolated_library) == []  # its answers went with it
    result = cli("delete", "amour-2012", "--yes")
    assert result.code == 0, result.err
    assert ranked_slugs(isolated_library) == [
        "paris-texas-1984",
        "holy-motors-2012",
        "aftersun-2022",
    ]


def _ten_thousand_films(library_file: Path) -> None:
    """A 10,000-film library, all ranked, written directly (building it by `add` is slow)."""
    stamp = "2026-01-01T00:00:00.000000Z"
    reviews = {
        str(n): Review(
            id=n,
            slug=f"film-{n}",
            title=f"Film {n}",
            year=1950 + n % 70,
            rating=0.5 + (n % 10) / 2,
            rank=n,
            created=stamp,
            updated=stamp,
        ).to_doc()
        for n in range(1, 10_001)
    }
    meta = {"1": {"schema": 1, "next_id": 10_001, "generation": 0}}
    library_file.parent.mkdir(parents=True, exist_ok=True)
    library_file.write_bytes(serialise({"meta": meta, "reviews": reviews}))


@pytest.mark.parametrize(
    ("args", "first_three"),
    [
        (["rank", "move", "film-10000", "--to", "1"], ["film-10000", "film-1", "film-2"]),
        (["rank", "move", "film-1", "--below", "film-10000"], ["film-2", "film-3", "film-4"]),
        (["rank", "set", "film-9000", "2"], ["film-1", "film-9000", "film-2"]),
    ],
)
def test_move_and_set_on_10000_films_take_one_write(
    isolated_library: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    first_three: list[str],
) -> None:
    from filmrev.cli import run

    _ten_thousand_films(isolated_library)
    replaced: list[str] = []
    real_replace: Callable[..., None] = os.replace

    def counting_replace(source: Any, target: Any, **kwargs: Any) -> None:
        replaced.append(str(target))
        real_replace(source, target, **kwargs)

    monkeypatch.setattr(os, "replace", counting_replace)
    assert run(args) == 0, capsys.readouterr().err
    # One atomic write of the library, not one per shifted film (derived files such as a
    # search index may follow the commit; they are not the library).
    assert [target for target in replaced if target == str(isolated_library)] == [
        str(isolated_library)
    ]
    order = ranked_slugs(isolated_library)
    assert len(order) == 10_000 and order[:3] == first_three


# --- rank list: filters keep the global rank and add a position ------------------------------


def top_of_2012() -> list[Film]:
    """Twelve 2012 films ranked among films of other years (every third film is not 2012)."""
    films: list[Film] = []
    for n in range(1, 19):
        year = 2012 if n % 3 else 2011
        films.append({"title": f"Film {n}", "year": year, "rating": 4.0, "rank": n})
    films.append({"title": "Unranked", "year": 2012, "rating": 5.0})
    return films


def test_top_10_of_2012_as_markdown(cli: Runner, isolated_library: Path) -> None:
    build(top_of_2012())
    result = cli("rank", "--year", "2012", "--limit", "10", "--format", "markdown")
    assert (result.code, result.err) == (0, "")
    wanted = [1, 2, 4, 5, 7, 8, 10, 11, 13, 14]
    assert result.out == "".join(
        f"{position}. Film {n} (2012) — ★★★★ 4.0\n" for position, n in enumerate(wanted, 1)
    )


def test_unfiltered_markdown_has_a_heading(cli: Runner, isolated_library: Path) -> None:
    build(FOUR)
    result = cli("rank", "list", "--format", "markdown", "--limit", "2")
    assert result.out == (
        "## My all-time ranking\n\n"
        "1. Amour (2012) — ★★★★★ 5.0\n"
        "2. Rust and Bone (2012) — ★★★★½ 4.5\n"
    )


def test_filtered_json_keeps_rank_and_adds_position(cli: Runner, isolated_library: Path) -> None:
    build(top_of_2012())
    result = cli("rank", "list", "--year", "2012", "--limit", "3", "--format", "json")
    assert result.code == 0
    films = json.loads(result.out)
    assert [(film["slug"], film["rank"], film["position"]) for film in films] == [
        ("film-1-2012", 1, 1),
        ("film-2-2012", 2, 2),
        ("film-4-2012", 4, 3),
    ]


def test_filtered_table_shows_position_and_rank(cli: Runner, isolated_library: Path) -> None:
    build(
        [{**film, "tags": ["French"] if film["title"] != "Paris, Texas" else []} for film in FOUR]
    )
    result = cli("rank", "--tag", "french")
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0].split()[:4] == ["#", "Rank", "ID", "Title"]
    assert lines[3].split()[:4] == ["3", "4", "4", "Holy"]


def test_no_match_is_a_note_on_stderr(cli: Runner, isolated_library: Path) -> None:
    build(FOUR)
    result = cli("rank", "--year", "1999", "--format", "markdown")
    assert (result.code, result.out, result.err) == (0, "", "no ranked films match\n")
    result = cli("rank", "--year", "1999", "--format", "json")
    assert (result.code, result.out) == (0, "[]\n")


def test_list_options_before_a_subcommand_are_a_usage_error(cli: Runner) -> None:
    result = cli("rank", "--format", "json", "check")
    assert result.code == 2
    assert "go after the subcommand (`filmrev rank check ...`)" in result.err


# --- rank check -----------------------------------------------------------------------------


def test_check_is_quiet_and_exit_0_when_consistent(cli: Runner, isolated_library: Path) -> None:
    build(FOUR)
    result = cli("rank", "check")
    assert (result.code, result.out) == (0, "")
    assert result.err == "ranking is consistent (4 ranked films, 0 comparisons)\n"
    result = cli("rank", "check", "--format", "json")
    assert (result.code, result.out) == (0, "[]\n")


def test_check_finds_a_planted_rating_contradiction(cli: Runner, isolated_library: Path) -> None:
    build([*FOUR, {**AFTERSUN, "rank": 5}])
    result = cli("rank", "check")
    assert result.code == 3
    assert result.out == (
        "#4 Holy Motors (2012) ★★★½ 3.5 is ranked above #5 Aftersun (2022) ★★★★½ 4.5\n"
    )
    assert result.err == (
        "filmrev: error: rank check found 1 problem (1 rank/rating, 0 with a stored answer)\n"
    )
    problems = json.loads(cli("rank", "check", "--format", "json").out)
    assert problems == [
        {
            "kind": "rating",
            "higher": {
                "id": 4, "slug": "holy-motors-2012", "title": "Holy Motors", "year": 2012,
                "rank": 4, "rating": 3.5,
            },
            "lower": {
                "id": 5, "slug": "aftersun-2022", "title": "Aftersun", "year": 2022,
                "rank": 5, "rating": 4.5,
            },
        }
    ]  # fmt: skip


def test_check_finds_an_answer_the_order_contradicts(cli: Runner, isolated_library: Path) -> None:
    build([{**film, "rating": None} for film in FOUR])
    # Paris, Texas (#3) judged better than Rust and Bone (#2) and worse than Amour: now #2.
    assert cli("rank", "place", "paris-texas-1984", stdin="1\n2\n").code == 0
    assert cli("rank", "check").code == 0
    assert cli("rank", "move", "paris-texas-1984", "--down", "1").code == 0
    result = cli("rank", "check")
    assert result.code == 3
    day = comparisons(isolated_library)[0]["at"][:10]
    assert result.out == (
        "#2 Rust and Bone (2012) is ranked above #3 Paris, Texas (1984), "
        f"but on {day} you judged Paris, Texas (1984) better\n"
    )
    entry = json.loads(cli("rank", "check", "--format", "json").out)[0]
    assert entry["kind"] == "comparison"
    assert (entry["higher"]["slug"], entry["lower"]["slug"]) == (SLUGS4[1], SLUGS4[2])
    assert entry["comparison"]["winner"] == 3 and entry["comparison"]["loser"] == 2


def test_a_later_answer_overrules_an_earlier_one(cli: Runner, isolated_library: Path) -> None:
    build([{**film, "rating": None} for film in FOUR])
    assert cli("rank", "place", "paris-texas-1984", stdin="1\n2\n").code == 0  # now #2
    assert cli("rank", "place", "paris-texas-1984", stdin="2\n1\n").code == 0  # back to #3
    assert ranked_slugs(isolated_library) == SLUGS4
    assert cli("rank", "check").code == 0


# --- rank history ---------------------------------------------------------------------------


def test_history_lists_comparisons_oldest_first(cli: Runner, isolated_library: Path) -> None:
    build([*FOUR, PLAIN_AFTERSUN])
    assert cli("rank", "place", "aftersun-2022", stdin="2\n1\n").code == 0
    assert cli("rank", "place", "holy-motors-2012", stdin="2\n=\n").code == 0
    result = cli("rank", "history", "aftersun-2022")
    assert result.code == 0 and result.err == ""
    lines = [line.split() for line in result.out.splitlines()]
    assert lines[0] == ["When", "(UTC)", "Result", "Against", "Rank", "Rating"]
    assert [line[2:4] for line in lines[1:]] == [
        ["lost", "Paris,"],
        ["won", "Holy"],
        ["tie", "Holy"],
    ]
    entries = json.loads(cli("rank", "history", "aftersun", "--format", "json").out)
    assert [(e["result"], e["against"]["slug"]) for e in entries] == [
        ("lost", "paris-texas-1984"),
        ("won", "holy-motors-2012"),
        ("tie", "holy-motors-2012"),
    ]
    assert all(e["at"].endswith("Z") for e in entries)
    holy = json.loads(cli("rank", "history", "holy-motors-2012", "--format", "json").out)
    assert [(e["result"], e["against"]["slug"]) for e in holy] == [
        ("lost", "aftersun-2022"),
        ("lost", "paris-texas-1984"),
        ("tie", "aftersun-2022"),
    ]


def test_history_of_an_unplaced_film_is_a_note(cli: Runner, isolated_library: Path) -> None:
    build([*FOUR, AFTERSUN])
    result = cli("rank", "history", "aftersun-2022")
    assert (result.code, result.out) == (0, "")
    assert "no comparisons for Aftersun (2022) yet" in result.err
    assert cli("rank", "history", "aftersun-2022", "-f", "json").out == "[]\n"
    missing = cli("rank", "history", "vertigo")
    assert missing.code == 1 and "no review matches 'vertigo'" in missing.err


# --- help -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command", ["list", "set", "clear", "move", "place", "check", "history", None]
)
def test_every_rank_command_has_help_with_an_example(cli: Runner, command: str | None) -> None:
    result = cli("rank", *([command] if command else []), "--help")
    assert result.code == 0
    example = [line for line in result.out.splitlines() if "Example:" in line]
    assert len(example) == 1 and "filmrev rank" in example[0]
