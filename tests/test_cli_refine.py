"""``rank refine``, ``rank score``, cycles in ``rank check``, skip and ``rank place --again``
as a user runs them: exit code, stdout, stderr and the library file on disk."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from filmrev.paths import resolve_library
from filmrev.transaction import writing
from tests.conftest import Runner
from tests.test_cli_rank import FOUR, PLAIN_AFTERSUN, SLUGS4, build, comparisons, ranked_slugs

AT = "2026-11-01T10:00:00Z"
AMOUR, RUST, PARIS, HOLY = 1, 2, 3, 4  # ids of FOUR, in rank order


def answers(*pairs: tuple[int, int], at: str = AT) -> None:
    """Store answers (winner, loser) as `rank place` would have."""
    with writing(resolve_library()) as library:
        library.add_comparisons(
            {"winner": winner, "loser": loser, "tie": False, "at": at} for winner, loser in pairs
        )


def holy_motors_beats_the_middle() -> None:
    """FOUR, plus answers saying Holy Motors (#4) beats Rust and Bone and Paris, Texas."""
    build(FOUR)
    answers((HOLY, RUST), (HOLY, RUST), (HOLY, PARIS), (HOLY, PARIS), (AMOUR, HOLY))


# --- rank refine ------------------------------------------------------------------------------


def test_refine_dry_run_shows_the_moves_and_changes_nothing(
    cli: Runner, isolated_library: Path
) -> None:
    holy_motors_beats_the_middle()
    before = isolated_library.read_bytes()
    result = cli("rank", "refine", "--dry-run")
    assert result.code == 0, result.err
    assert [line.split() for line in result.out.splitlines()] == [
        ["Move", "Film", "Rating", "Answers", "for", "against"],
        ["#4", "→", "#2", "Holy", "Motors", "(2012)", "★★★½", "3.5", "4", "0"],
        ["#2", "→", "#3", "Rust", "and", "Bone", "(2012)", "★★★★½", "4.5", "2", "0"],
        ["#3", "→", "#4", "Paris,", "Texas", "(1984)", "★★★★", "4.0", "2", "0"],
    ]
    assert result.err == "dry run: 3 films would move; nothing changed\n"
    assert "Which is better?" not in result.err  # a dry run asks nothing
    assert isolated_library.read_bytes() == before
    data = json.loads(cli("rank", "refine", "--dry-run", "--format", "json").out)
    assert [(m["film"]["slug"], m["from"], m["to"]) for m in data] == [
        ("holy-motors-2012", 4, 2),
        ("rust-and-bone-2012", 2, 3),
        ("paris-texas-1984", 3, 4),
    ]
    assert (data[0]["answers_for"], data[0]["answers_against"]) == (4, 0)


def test_refine_without_a_terminal_needs_yes(cli: Runner, isolated_library: Path) -> None:
    holy_motors_beats_the_middle()
    before = isolated_library.read_bytes()
    result = cli("rank", "refine", stdin="1\n1\n")
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        "filmrev: error: rank refine moves films only when confirmed: give --yes without a "
        "terminal (or --dry-run to only see the moves); nothing changed\n"
    )
    assert isolated_library.read_bytes() == before


def test_refine_asks_stores_every_answer_and_moves_in_one_write(
    isolated_library: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io

    from filmrev.cli import run

    holy_motors_beats_the_middle()
    stored_before = len(comparisons(isolated_library))
    replaced: list[str] = []
    real_replace: Callable[..., None] = os.replace

    def counting_replace(source: Any, target: Any, **kwargs: Any) -> None:
        replaced.append(str(target))
        real_replace(source, target, **kwargs)

    monkeypatch.setattr(os, "replace", counting_replace)
    monkeypatch.setattr("sys.stdin", io.StringIO("1\n2\n1\n1\nextra\n"))
    assert run(["rank", "refine", "--yes"]) == 0
    out, err = capsys.readouterr()
    assert [target for target in replaced if target == str(isolated_library)] == [
        str(isolated_library)
    ]
    # The most doubtful neighbours first: Rust and Bone v Paris, Texas (never compared).
    assert err.startswith(
        "\nWhich is better?  (question 1 of at most 5)\n"
        "  1  Rust and Bone (2012)  ★★★★½ 4.5  #2\n"
        "  2  Paris, Texas (1984)  ★★★★ 4.0  #3\n"
    )
    assert err.count("Which is better?") == 4  # then the fit was sure enough
    assert err.endswith("moved 2 films (4 new answers stored)\n")
    assert [line.split()[:3] for line in out.splitlines()[1:]] == [
        ["#4", "→", "#3"],
        ["#3", "→", "#4"],
    ]
    assert ranked_slugs(isolated_library) == [
        "amour-2012", "rust-and-bone-2012", "holy-motors-2012", "paris-texas-1984"
    ]  # fmt: skip
    stored = comparisons(isolated_library)
    assert len(stored) == stored_before + 4
    assert [(c["winner"], c["loser"]) for c in stored[stored_before:]] == [
        (RUST, PARIS),
        (RUST, HOLY),
        (HOLY, PARIS),
        (AMOUR, RUST),
    ]
    assert all(c["at"].endswith("Z") and c["tie"] is False for c in stored[stored_before:])


def test_refine_with_no_questions_applies_the_fit(cli: Runner, isolated_library: Path) -> None:
    holy_motors_beats_the_middle()
    stored_before = comparisons(isolated_library)
    result = cli("rank", "refine", "--questions", "0", "--yes")
    assert result.code == 0, result.err
    assert result.err == "moved 3 films (0 new answers stored)\n"
    assert ranked_slugs(isolated_library)[1] == "holy-motors-2012"
    assert comparisons(isolated_library) == stored_before
    again = cli("rank", "refine", "--questions", "0", "--yes")
    assert (again.code, again.out) == (0, "")
    assert again.err == (
        "nothing to move: your answers favour no other order clearly enough "
        "(4 ranked films, 5 answers)\n"
    )


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        ("q\n", "refine quit; nothing changed"),
        ("1\nq\n", "refine quit; nothing changed"),
        ("1\n", "no more answers on stdin (end of input); nothing changed"),
        ("x\n", "unknown answer 'x'; answer 1, 2, =, s, u or q; nothing changed"),
    ],
)
def test_refine_quit_or_eof_changes_nothing(
    cli: Runner, isolated_library: Path, stdin: str, message: str
) -> None:
    holy_motors_beats_the_middle()
    before = isolated_library.read_bytes()
    result = cli("rank", "refine", "--yes", stdin=stdin)
    assert (result.code, result.out) == (1, "")
    assert result.err.endswith(f"filmrev: error: {message}\n")
    assert isolated_library.read_bytes() == before


def test_refine_skip_and_undo(cli: Runner, isolated_library: Path) -> None:
    holy_motors_beats_the_middle()
    # s: skip Rust and Bone v Paris (nothing stored); 2 then undo it; then answers.
    result = cli("rank", "refine", "--yes", "--questions", "2", stdin="s\n2\nu\n1\n1\n")
    assert result.code == 0, result.err
    shown = [line for line in result.err.splitlines() if line.startswith("  1  ")]
    assert shown[0].startswith("  1  Rust and Bone") and not shown[1].startswith("  1  Rust")
    assert shown[3] == shown[1]  # u (given to the next question) asks that pair again
    stored = comparisons(isolated_library)
    assert len(stored) == 5 + 2
    assert {(c["winner"], c["loser"]) for c in stored[5:]} & {(RUST, PARIS), (PARIS, RUST)} == set()


def test_refine_with_too_few_films_is_a_note(cli: Runner, isolated_library: Path) -> None:
    build([FOUR[0]])
    result = cli("rank", "refine", "--yes")
    assert (result.code, result.out) == (0, "")
    assert result.err == "fewer than two ranked films: nothing to refine\n"


def test_refine_cleans_titles_in_the_moves(cli: Runner, isolated_library: Path) -> None:
    build([*FOUR[:3], {**FOUR[3], "title": "Holy \x1b[31mMotors\u202e"}])
    answers((HOLY, RUST), (HOLY, RUST), (HOLY, PARIS), (HOLY, PARIS))
    result = cli("rank", "refine", "--dry-run")
    assert "Holy Motors (2012)" in result.out
    assert "\x1b" not in result.out and "\u202e" not in result.out


# --- rank score / list --sort score ---------------------------------------------------------


def test_score_shows_the_model_score_in_rank_order(cli: Runner, isolated_library: Path) -> None:
    holy_motors_beats_the_middle()
    result = cli("rank", "score")
    assert result.code == 0 and result.err == ""
    rows = [line.split() for line in result.out.splitlines()]
    assert rows[0] == ["Rank", "Score", "Film", "Rating"]
    assert [row[0] for row in rows[1:]] == ["#1", "#2", "#3", "#4"]
    scores = [float(row[1]) for row in rows[1:]]
    assert scores[0] == 100.0 and min(scores) == 0.0
    assert scores[3] > scores[1]  # Holy Motors (#4) outscores Rust and Bone (#2)
    data = json.loads(cli("rank", "score", "--format", "json", "--limit", "2").out)
    assert [(d["slug"], d["score"]) for d in data] == [
        ("amour-2012", 100.0),
        ("rust-and-bone-2012", scores[1]),
    ]


def test_list_sort_score_puts_unranked_films_last(cli: Runner, isolated_library: Path) -> None:
    holy_motors_beats_the_middle()
    build([PLAIN_AFTERSUN])
    result = cli("list", "--sort", "score", "--format", "ids")
    assert result.code == 0, result.err
    assert result.out.split() == [str(AMOUR), str(HOLY), str(RUST), str(PARIS), "5"]
    flipped = cli("list", "--sort", "score", "--reverse", "--format", "ids")
    assert flipped.out.split() == [str(PARIS), str(RUST), str(HOLY), str(AMOUR), "5"]


def test_score_of_an_empty_ranking_is_a_note(cli: Runner, isolated_library: Path) -> None:
    result = cli("rank", "score")
    assert (result.code, result.out) == (0, "")
    assert "no ranked films" in result.err
    assert cli("rank", "score", "-f", "json").out == "[]\n"


# --- rank check: preference cycles ------------------------------------------------------------


def test_check_reports_a_cycle_with_its_answers(cli: Runner, isolated_library: Path) -> None:
    build(FOUR)
    answers((AMOUR, RUST), (RUST, PARIS), (PARIS, AMOUR), at="2026-11-02T09:00:00Z")
    result = cli("rank", "check")
    assert result.code == 3
    assert result.out.splitlines() == [
        "#1 Amour (2012) is ranked above #3 Paris, Texas (1984), but on 2026-11-02 you judged "
        "Paris, Texas (1984) better",
        "preference cycle: #1 Amour (2012) > #2 Rust and Bone (2012) > #3 Paris, Texas (1984) "
        "> #1 Amour (2012) (answers: Amour (2012) over Rust and Bone (2012) on 2026-11-02; "
        "Rust and Bone (2012) over Paris, Texas (1984) on 2026-11-02; "
        "Paris, Texas (1984) over Amour (2012) on 2026-11-02)",
    ]
    assert result.err == (
        "filmrev: error: rank check found 2 problems (0 rank/rating, 1 with a stored answer, "
        "1 preference cycle)\n"
    )
    data = json.loads(cli("rank", "check", "--format", "json").out)
    cycle = data[-1]
    assert cycle["kind"] == "cycle"
    assert [film["slug"] for film in cycle["films"]] == SLUGS4[:3]
    assert [(c["winner"], c["loser"]) for c in cycle["comparisons"]] == [
        (AMOUR, RUST),
        (RUST, PARIS),
        (PARIS, AMOUR),
    ]


def test_a_later_answer_breaks_the_cycle(cli: Runner, isolated_library: Path) -> None:
    build(FOUR)
    answers((AMOUR, RUST), (RUST, PARIS), (PARIS, AMOUR), (AMOUR, PARIS))
    result = cli("rank", "check")
    assert (result.code, result.out) == (0, "")


# --- rank place: skip and --again -----------------------------------------------------------


def test_place_skip_asks_another_film_and_records_nothing(
    cli: Runner, isolated_library: Path
) -> None:
    build([*FOUR, PLAIN_AFTERSUN])
    # Paris, Texas (#3) first; skip → Holy Motors (#4); better → Rust and Bone; better → Amour.
    result = cli("rank", "place", "aftersun-2022", stdin="s\n1\n1\n1\n")
    assert result.code == 0, result.err
    asked = [line.split("  ")[2] for line in result.err.splitlines() if line.startswith("  2  ")]
    assert asked[:2] == ["Paris, Texas (1984)", "Holy Motors (2012)"]
    assert "(question 1 of at most 3)" in result.err.split("> s")[1]  # a skip is no answer
    stored = comparisons(isolated_library)
    assert PARIS not in {c["loser"] for c in stored} | {c["winner"] for c in stored}
    assert all(c["winner"] == 5 for c in stored)


def _place_holy_motors_twice(cli: Runner, *options: str) -> Any:
    build(FOUR)
    first = cli("rank", "place", "holy-motors-2012", stdin="2\n")  # worse than Paris, Texas
    assert first.code == 0, first.err
    answers((AMOUR, RUST))  # an answer about other films is left alone
    return cli("rank", "place", "holy-motors-2012", *options, stdin="1\n1\n1\n")


def test_place_again_weighs_older_answers_down(cli: Runner, isolated_library: Path) -> None:
    result = _place_holy_motors_twice(cli, "--again")
    assert result.code == 0, result.err
    assert result.err.endswith(
        "weighed down 1 older answer about Holy Motors (2012) (rewatch)\n"
        "moved Holy Motors (2012) from #4 to #1 of 4\n"
    )
    stored = comparisons(isolated_library)
    assert [(c["winner"], c["loser"], c.get("weight")) for c in stored] == [
        (PARIS, HOLY, 0.25),
        (AMOUR, RUST, None),
        (HOLY, PARIS, None),
        (HOLY, RUST, None),
        (HOLY, AMOUR, None),
    ]
    assert ranked_slugs(isolated_library)[0] == "holy-motors-2012"
    history = cli("rank", "history", "holy-motors-2012")
    assert history.out.splitlines()[0].split()[-1] == "Weight"
    assert [line.split()[-1] for line in history.out.splitlines()[1:]] == ["0.25", "1", "1", "1"]
    entries = json.loads(cli("rank", "history", "holy-motors-2012", "-f", "json").out)
    assert [entry["weight"] for entry in entries] == [0.25, 1.0, 1.0, 1.0]
    check = cli("rank", "check")
    assert check.code == 3  # the stars still disagree with the order
    assert "you judged" not in check.out  # the answer from before the rewatch does not


def test_check_leaves_out_answers_from_before_a_rewatch(
    cli: Runner, isolated_library: Path
) -> None:
    build(FOUR)
    answers((AMOUR, RUST), (RUST, PARIS), (PARIS, AMOUR))  # a cycle
    assert "preference cycle" in cli("rank", "check").out
    with writing(resolve_library()) as library:  # as `rank place --again amour-2012` leaves it
        library.replace_comparisons(
            {**doc, "weight": 0.25} if AMOUR in (doc["winner"], doc["loser"]) else doc
            for doc in library.comparisons()
        )
    result = cli("rank", "check")
    assert (result.code, result.out) == (0, "")


def test_place_forget_old_drops_older_answers(cli: Runner, isolated_library: Path) -> None:
    result = _place_holy_motors_twice(cli, "--forget-old")
    assert result.code == 0, result.err
    assert "dropped 1 older answer about Holy Motors (2012)\n" in result.err
    stored = comparisons(isolated_library)
    assert [(c["winner"], c["loser"]) for c in stored] == [
        (AMOUR, RUST),
        (HOLY, PARIS),
        (HOLY, RUST),
        (HOLY, AMOUR),
    ]


def test_place_again_quit_keeps_the_older_answers(cli: Runner, isolated_library: Path) -> None:
    build(FOUR)
    assert cli("rank", "place", "holy-motors-2012", stdin="2\n").code == 0
    before = isolated_library.read_bytes()
    result = cli("rank", "place", "holy-motors-2012", "--forget-old", stdin="q\n")
    assert result.code == 1
    assert isolated_library.read_bytes() == before


# --- help -------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["refine", "score"])
def test_new_commands_have_help_with_an_example(cli: Runner, command: str) -> None:
    result = cli("rank", command, "--help")
    assert result.code == 0
    assert any("Example: " in line and "filmrev rank" in line for line in result.out.splitlines())
