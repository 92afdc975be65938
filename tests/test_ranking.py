"""Ranking logic: ranks stay exactly 1..K, binary insertion with undo, consistency checks."""

from __future__ import annotations

import random
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from filmrev.errors import Cancelled, ValidationError
from filmrev.paths import resolve_library
from filmrev.ranking import (
    Comparison,
    Placement,
    Problem,
    check,
    insert_at,
    max_questions,
    move,
    order_from_ranks,
    parse_answer,
    place,
    ranks_from_order,
    remove,
    validate_ranks,
)
from filmrev.store import Library
from filmrev.transaction import writing

Ask = Callable[[int, int], str]
REVIEW_IDS = st.integers(min_value=1, max_value=12)
STARS = st.sampled_from([x / 2 for x in range(1, 11)])
RATINGS = st.one_of(st.none(), STARS)


def assert_ranks_are_1_to_k(order: Sequence[int]) -> None:
    assert len(order) == len(set(order))
    ranks = ranks_from_order(order)
    assert sorted(ranks.values()) == list(range(1, len(order) + 1))
    assert validate_ranks(ranks) == []


def truthful(hidden: Sequence[int], asked: list[tuple[int, int]]) -> Ask:
    """An oracle that answers from a hidden best-first order and logs its questions."""
    best_first = {review_id: index for index, review_id in enumerate(hidden)}

    def ask(candidate: int, other: int) -> str:
        asked.append((candidate, other))
        return "1" if best_first[candidate] < best_first[other] else "2"

    return ask


def scripted(answers: Sequence[str], asked: list[tuple[int, int]], then: str | None = "1") -> Ask:
    """Answer from a script, then `then` forever (or fail the test when `then` is None)."""
    tape = iter(answers)

    def ask(candidate: int, other: int) -> str:
        asked.append((candidate, other))
        answer = next(tape, then)
        assert answer is not None, "place asked more questions than the script holds"
        return answer

    return ask


def never_asked(candidate: int, other: int) -> str:
    raise AssertionError(f"unexpected question {candidate} vs {other}")


# --- insert_at / remove / move ----------------------------------------------------------------


def test_insert_at_new_and_existing() -> None:
    assert insert_at([], 5, 1) == [5]
    assert insert_at([1, 2, 3], 9, 4) == [1, 2, 3, 9]
    assert insert_at([1, 2, 3], 9, 1) == [9, 1, 2, 3]
    assert insert_at([1, 2, 3], 1, 3) == [2, 3, 1]
    assert insert_at([1, 2, 3], 3, 2) == [1, 3, 2]


@pytest.mark.parametrize(
    ("order", "review_id", "pos", "message"),
    [
        ([1, 2, 3], 9, 5, "rank must be 1 to 4 (got 5)"),
        ([1, 2, 3], 9, 0, "rank must be 1 to 4 (got 0)"),
        ([1, 2, 3], 2, 4, "rank must be 1 to 3 (got 4)"),
        ([1, 2, 3], 2, -1, "rank must be 1 to 3 (got -1)"),
        ([], 7, 2, "rank must be 1 to 1 (got 2)"),
    ],
)
def test_insert_at_position_range(order: list[int], review_id: int, pos: int, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        insert_at(order, review_id, pos)
    assert caught.value.message == message


def test_remove() -> None:
    order = [4, 5, 6]
    assert remove(order, 5) == [4, 6]
    assert remove(order, 9) == [4, 5, 6]
    assert remove(order, 9) is not order
    assert order == [4, 5, 6]


def test_move_options() -> None:
    order = [1, 2, 3, 4, 5]
    assert move(order, 5, above=2) == [1, 5, 2, 3, 4]
    assert move(order, 1, below=4) == [2, 3, 4, 1, 5]
    assert move(order, 1, above=2) == [1, 2, 3, 4, 5]
    assert move(order, 3, to=1) == [3, 1, 2, 4, 5]
    assert move(order, 3, up=1) == [1, 3, 2, 4, 5]
    assert move(order, 3, down=2) == [1, 2, 4, 5, 3]
    assert order == [1, 2, 3, 4, 5]


def test_move_up_and_down_clamp_at_the_ends() -> None:
    assert move([1, 2, 3], 2, up=99) == [2, 1, 3]
    assert move([1, 2, 3], 2, down=99) == [1, 3, 2]
    assert move([1, 2, 3], 1, up=1) == [1, 2, 3]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({}, "give exactly one of above, below, to, up or down"),
        ({"up": 1, "to": 2}, "give exactly one of above, below, to, up or down (got to, up)"),
        ({"above": 9}, "review 9 is not ranked"),
        ({"below": 2}, "cannot move review 2 relative to itself"),
        ({"to": 4}, "rank must be 1 to 3 (got 4)"),
        ({"up": 0}, "up must be at least 1 (got 0)"),
        ({"down": -2}, "down must be at least 1 (got -2)"),
    ],
)
def test_move_errors(options: dict[str, int], message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        move([1, 2, 3], 2, **options)
    assert caught.value.message == message


def test_move_requires_a_ranked_film() -> None:
    with pytest.raises(ValidationError, match="review 7 is not ranked"):
        move([1, 2, 3], 7, to=1)


# --- random sequences keep the invariant -------------------------------------------------------


def _expected_move_error(order: list[int], review_id: int, option: str, value: int) -> bool:
    if review_id not in order:
        return True
    if option in ("above", "below"):
        return value not in order or value == review_id
    if option == "to":
        return not 1 <= value <= len(order)
    return value < 1


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_random_operations_keep_ranks_1_to_k(data: st.DataObject) -> None:
    order: list[int] = []
    for _ in range(data.draw(st.integers(0, 25), label="steps")):
        review_id = data.draw(REVIEW_IDS, label="review")
        operation = data.draw(st.sampled_from(["insert", "move", "remove", "place"]))
        given_list, before = order, list(order)
        ranked_after = review_id in before  # unchanged unless the operation succeeds in adding
        if operation == "insert":
            pos = data.draw(st.integers(-1, len(order) + 2), label="pos")
            if 1 <= pos <= len(remove(order, review_id)) + 1:
                order = insert_at(order, review_id, pos)
                assert order.index(review_id) == pos - 1
                ranked_after = True
            else:
                with pytest.raises(ValidationError, match="rank must be"):
                    insert_at(order, review_id, pos)
        elif operation == "remove":
            order = remove(order, review_id)
            ranked_after = False
        elif operation == "place":
            answers = data.draw(st.lists(st.sampled_from(["1", "2", "=", "u"]), max_size=8))
            placement = place(order, review_id, scripted(answers, []))
            order = placement.order
            assert order.index(review_id) == placement.position - 1
            ranked_after = True
        else:
            option = data.draw(st.sampled_from(["above", "below", "to", "up", "down"]))
            value = data.draw(REVIEW_IDS if option in ("above", "below") else st.integers(-1, 14))
            if _expected_move_error(order, review_id, option, value):
                with pytest.raises(ValidationError):
                    move(order, review_id, **{option: value})
            else:
                old_index = order.index(review_id)
                order = move(order, review_id, **{option: value})
                new_index = order.index(review_id)
                if option == "above":
                    assert order[new_index + 1] == value
                elif option == "below":
                    assert order[new_index - 1] == value
                elif option == "to":
                    assert new_index == value - 1
                elif option == "up":
                    assert new_index == max(0, old_index - value)
                else:
                    assert new_index == min(len(order) - 1, old_index + value)
        assert given_list == before  # never changed in place
        assert_ranks_are_1_to_k(order)
        assert (review_id in order) == ranked_after
        assert remove(order, review_id) == remove(before, review_id)  # others keep their order


# --- binary insertion -----------------------------------------------------------------------


def test_place_into_empty_order_asks_nothing() -> None:
    assert place([], 5, never_asked) == Placement(order=[5], position=1, comparisons=[])


@settings(max_examples=150, deadline=None)
@given(
    hidden=st.lists(st.integers(1, 10_000), unique=True, min_size=1, max_size=70),
    pick=st.integers(0, 69),
)
def test_place_with_truthful_oracle(hidden: list[int], pick: int) -> None:
    film = hidden[pick % len(hidden)]
    others = remove(hidden, film)
    asked: list[tuple[int, int]] = []
    placement = place(others, film, truthful(hidden, asked))
    assert placement.order == hidden
    assert placement.position == hidden.index(film) + 1
    assert len(asked) <= max_questions(len(others))
    assert len(placement.comparisons) == len(asked)
    for comparison in placement.comparisons:
        assert not comparison.tie
        assert hidden.index(comparison.winner) < hidden.index(comparison.loser)


@settings(max_examples=100, deadline=None)
@given(hidden=st.permutations(range(1, 51)), arrival=st.permutations(range(1, 51)))
def test_placing_50_films_one_by_one_gives_the_oracle_order(
    hidden: list[int], arrival: list[int]
) -> None:
    order: list[int] = []
    for film in arrival:
        asked: list[tuple[int, int]] = []
        order = place(order, film, truthful(hidden, asked)).order
        assert len(asked) <= max_questions(len(order) - 1)
    assert order == hidden


@settings(max_examples=50, deadline=None)
@given(hidden=st.permutations(range(1, 31)), pick=st.integers(1, 30), start=st.integers(1, 30))
def test_replacing_a_ranked_film_moves_it_where_it_belongs(
    hidden: list[int], pick: int, start: int
) -> None:
    misplaced = insert_at(hidden, pick, start)
    assert place(misplaced, pick, truthful(hidden, [])).order == hidden


def test_max_questions_is_ceil_log2_of_k_plus_1() -> None:
    assert [max_questions(k) for k in range(9)] == [0, 1, 2, 2, 3, 3, 3, 3, 4]


def test_tie_places_just_below_and_stops_asking() -> None:
    asked: list[tuple[int, int]] = []
    placement = place([1, 2, 3, 4, 5], 9, scripted(["="], asked, then=None))
    assert asked == [(9, 3)]
    assert placement == Placement(
        order=[1, 2, 3, 9, 4, 5], position=4, comparisons=[Comparison(9, 3, tie=True)]
    )


def test_tie_after_other_answers() -> None:
    asked: list[tuple[int, int]] = []
    placement = place([1, 2, 3, 4, 5], 9, scripted(["2", "="], asked, then=None))
    assert asked == [(9, 3), (9, 5)]
    assert placement.order == [1, 2, 3, 4, 5, 9]
    assert placement.comparisons == [Comparison(3, 9), Comparison(9, 5, tie=True)]


def test_undo_asks_the_previous_question_again() -> None:
    asked: list[tuple[int, int]] = []
    placement = place(
        [10, 20, 30, 40, 50, 60, 70], 99, scripted(["2", "u", "1", "1", "2"], asked, then=None)
    )
    assert asked == [(99, 40), (99, 60), (99, 40), (99, 20), (99, 10)]
    assert placement.order == [10, 99, 20, 30, 40, 50, 60, 70]
    assert placement.comparisons == [Comparison(99, 40), Comparison(99, 20), Comparison(10, 99)]


def test_undo_with_nothing_to_undo_asks_the_same_question() -> None:
    asked: list[tuple[int, int]] = []
    placement = place([10, 20, 30], 99, scripted(["u", "u", "1", "1"], asked, then=None))
    assert asked == [(99, 20), (99, 20), (99, 20), (99, 10)]
    assert placement.order == [99, 10, 20, 30]


def _without_undone(answers: Sequence[str]) -> list[str]:
    kept: list[str] = []
    for answer in answers:
        if answer != "u":
            kept.append(answer)
        elif kept:
            kept.pop()
    return kept


@settings(max_examples=200, deadline=None)
@given(
    size=st.integers(0, 40),
    script=st.lists(st.sampled_from(["1", "2", "a", "b", "u", "u", "="]), max_size=25),
)
def test_undo_matches_the_script_without_undone_answers(size: int, script: list[str]) -> None:
    order = list(range(1, size + 1))
    consumed: list[str] = []

    def recording(candidate: int, other: int) -> str:
        answer = script[len(consumed)] if len(consumed) < len(script) else "2"
        consumed.append(answer)
        return answer

    with_undo = place(order, 99, recording)
    kept = _without_undone(consumed)
    asked: list[tuple[int, int]] = []
    assert place(order, 99, scripted(kept, asked, then=None)) == with_undo
    assert len(asked) == len(kept) == len(with_undo.comparisons) <= max_questions(size)


@pytest.mark.parametrize("script", [["q"], ["1", "q"], ["2", "u", "q"]])
def test_quit_raises_cancelled_and_changes_nothing(script: list[str]) -> None:
    order = [1, 2, 3, 4, 5, 6, 7]
    with pytest.raises(Cancelled, match="placement quit; nothing changed"):
        place(order, 9, scripted(script, [], then=None))
    assert order == [1, 2, 3, 4, 5, 6, 7]


def test_answers_accept_aliases_case_and_spaces() -> None:
    assert [parse_answer(text) for text in ["1", "a", " A\n", "b", "B", "2", "=", "U", "q"]] == [
        "1",
        "1",
        "1",
        "2",
        "2",
        "2",
        "=",
        "u",
        "q",
    ]
    assert place([1, 2, 3], 9, scripted(["b", "A"], [], then=None)).order == [1, 2, 9, 3]


@pytest.mark.parametrize("text", ["", "x", "12", "yes", "0"])
def test_unknown_answer_is_a_validation_error(text: str) -> None:
    with pytest.raises(ValidationError, match="unknown answer"):
        place([1, 2, 3], 9, scripted([text], [], then=None))


# --- check ------------------------------------------------------------------------------------


class StoredComparison(NamedTuple):
    winner: int
    loser: int
    tie: bool


def test_check_consistent_data_is_clean() -> None:
    order = [3, 1, 2, 4]
    ratings: dict[int, float | None] = {3: 5.0, 1: 4.5, 2: None, 4: 4.5}
    comparisons = [Comparison(3, 1), Comparison(2, 4), Comparison(4, 1, tie=True)]
    assert check(order, ratings, comparisons) == []


def test_check_finds_a_planted_rating_contradiction() -> None:
    order = [1, 2, 3, 4]
    ratings: dict[int, float | None] = {1: 5.0, 2: 3.0, 3: 4.0, 4: 2.0}
    assert check(order, ratings, []) == [Problem("rating", higher=2, lower=3)]


def test_check_reports_the_nearest_offending_film_once_per_film() -> None:
    order = [1, 2, 3, 4]
    ratings: dict[int, float | None] = {1: 2.0, 2: 3.0, 3: None, 4: 4.0}
    assert check(order, ratings, []) == [
        Problem("rating", higher=1, lower=2),
        Problem("rating", higher=2, lower=4),
    ]


def test_check_finds_a_contradicted_comparison() -> None:
    order = [1, 2, 3]
    comparisons = [StoredComparison(3, 1, False), StoredComparison(2, 9, False)]
    assert check(order, {}, comparisons) == [Problem("comparison", higher=1, lower=3)]


def test_check_uses_only_the_latest_comparison_of_a_pair() -> None:
    order = [1, 2]
    assert check(order, {}, [Comparison(2, 1), Comparison(1, 2)]) == []
    assert check(order, {}, [Comparison(2, 1), Comparison(2, 1, tie=True)]) == []
    assert check(order, {}, [Comparison(1, 2), Comparison(2, 1)]) == [
        Problem("comparison", higher=1, lower=2)
    ]


@settings(max_examples=150, deadline=None)
@given(hidden=st.permutations(range(1, 21)), data=st.data())
def test_check_is_clean_for_consistent_data(hidden: list[int], data: st.DataObject) -> None:
    order = hidden[: data.draw(st.integers(0, 20), label="ranked")]
    drawn = sorted(data.draw(st.lists(STARS, min_size=len(order), max_size=len(order))))
    ratings: dict[int, float | None] = dict(zip(order, reversed(drawn), strict=True))
    for review_id in data.draw(st.lists(st.sampled_from(hidden), max_size=5)):
        ratings[review_id] = None if review_id in order else 9.0
    pairs = data.draw(st.lists(st.tuples(st.sampled_from(hidden), st.sampled_from(hidden))))
    ties = data.draw(st.lists(st.booleans(), min_size=len(pairs), max_size=len(pairs)))
    comparisons = [
        # Truthful for ranked pairs; anything goes for a pair with an unranked film.
        Comparison(a, b, tie)
        if a not in order or b not in order or order.index(a) < order.index(b)
        else Comparison(b, a, tie)
        for (a, b), tie in zip(pairs, ties, strict=True)
    ]
    assert check(order, ratings, comparisons) == []


@settings(max_examples=200, deadline=None)
@given(order=st.permutations(range(1, 16)), data=st.data())
def test_check_matches_a_brute_force_reading(order: list[int], data: st.DataObject) -> None:
    ranked = order[: data.draw(st.integers(0, 15), label="ranked")]
    ratings = dict(zip(order, data.draw(st.lists(RATINGS, min_size=15, max_size=15)), strict=True))
    comparisons = data.draw(
        st.lists(
            st.builds(Comparison, st.sampled_from(order), st.sampled_from(order), st.booleans())
        )
    )

    expected_ratings = []
    for j, lower in enumerate(ranked):
        above = [
            higher
            for higher in ranked[:j]
            if ratings[higher] is not None
            and ratings[lower] is not None
            and ratings[higher] < ratings[lower]  # type: ignore[operator]
        ]
        if above:
            expected_ratings.append(Problem("rating", higher=above[-1], lower=lower))

    expected_comparisons = []
    for i, higher in enumerate(ranked):
        for lower in ranked[i + 1 :]:
            of_pair = [c for c in comparisons if {c.winner, c.loser} == {higher, lower}]
            if of_pair and not of_pair[-1].tie and of_pair[-1].winner == lower:
                expected_comparisons.append(Problem("comparison", higher=higher, lower=lower))

    assert check(ranked, ratings, comparisons) == expected_ratings + expected_comparisons


def test_check_runs_on_10000_films() -> None:
    rng = random.Random(2024)
    order = list(range(1, 10_001))
    rng.shuffle(order)
    ratings: dict[int, float | None] = {
        review_id: rng.choice([None, *[x / 2 for x in range(1, 11)]]) for review_id in order
    }
    comparisons = [
        Comparison(rng.randint(1, 10_000), rng.randint(1, 10_000), rng.random() < 0.1)
        for _ in range(30_000)
    ]
    problems = check(order, ratings, comparisons)
    assert len(problems) <= 10_000 + 30_000
    assert check(order, dict.fromkeys(order, 3.0), []) == []


# --- validate_ranks / renumbering -------------------------------------------------------------


def test_validate_ranks_accepts_1_to_k_with_unranked_films() -> None:
    assert validate_ranks({}) == []
    assert validate_ranks({5: 2, 6: None, 7: 1}) == []


def test_validate_ranks_reports_duplicates_gaps_and_out_of_range() -> None:
    assert validate_ranks({1: 1, 2: 1, 3: 3}) == [
        "rank 1 is shared by reviews 1, 2",
        "rank 2 is missing",
    ]
    assert validate_ranks({1: 0, 2: 1, 3: 2}) == [
        "review 1 has rank 0, outside 1 to 3",
        "rank 3 is missing",
    ]
    assert validate_ranks({1: 1, 2: 6, 3: 7, 4: 8}) == [
        "review 2 has rank 6, outside 1 to 4",
        "review 3 has rank 7, outside 1 to 4",
        "review 4 has rank 8, outside 1 to 4",
        "ranks 2 to 4 are missing",
    ]


def test_renumbering_keeps_relative_order_and_breaks_ties_by_id() -> None:
    # What `doctor --fix` does with broken ranks: order_from_ranks, then ranks 1..K.
    ranks: dict[int, int | None] = {10: 5, 4: 5, 7: 0, 8: None, 2: 40}
    assert ranks_from_order(order_from_ranks(ranks)) == {7: 1, 4: 2, 10: 3, 2: 4}
    assert order_from_ranks(ranks) == [7, 4, 10, 2]


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.integers(1, 30), st.one_of(st.none(), st.integers(-3, 40))))
def test_renumbering_always_validates(ranks: dict[int, int | None]) -> None:
    fixed = ranks_from_order(order_from_ranks(ranks))
    assert validate_ranks(dict(fixed)) == []
    assert set(fixed) == {review_id for review_id, rank in ranks.items() if rank is not None}
    if not validate_ranks(ranks):
        assert fixed == {review_id: rank for review_id, rank in ranks.items() if rank is not None}


def test_ranks_from_order_refuses_a_repeated_id() -> None:
    assert ranks_from_order([7, 3, 9]) == {7: 1, 3: 2, 9: 3}
    with pytest.raises(ValidationError, match="review 3 is ranked twice"):
        ranks_from_order([7, 3, 3])


# --- through the store, on a real file --------------------------------------------------------

STORE_OPERATIONS = ["add", "set", "move", "clear", "delete", "place"]


def positions(count: int) -> st.SearchStrategy[int]:
    """Mostly valid positions in a list of ``count``, sometimes just outside it."""
    return st.one_of(st.integers(1, max(1, count)), st.integers(0, count + 2))


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_store_operations_keep_ranks_1_to_k_on_disk(data: st.DataObject) -> None:
    """Any sequence of add/set/move/clear/delete/place, each its own transaction, keeps the
    stored ranks exactly 1..K; a refused operation leaves the file byte for byte unchanged."""
    with tempfile.TemporaryDirectory() as directory:
        paths = resolve_library(Path(directory) / "library.json")
        for step in range(data.draw(st.integers(1, 12), label="steps")):
            before = paths.file.read_bytes() if paths.file.exists() else None
            current = Library.load(paths)
            ids = [review.id for review in current.reviews()]
            count = len(current.ranked_order())
            operation = data.draw(st.sampled_from(STORE_OPERATIONS if ids else ["add"]))
            review_id = data.draw(st.sampled_from(ids)) if ids else 0
            try:
                with writing(paths) as library:
                    order = library.ranked_order()
                    if operation == "add":
                        rank = data.draw(st.one_of(st.none(), positions(count)))
                        library.add({"title": f"Film {step}"}, rank=rank)
                    elif operation == "set":
                        library.set_rank(review_id, data.draw(positions(count)))
                    elif operation == "clear":
                        library.set_rank(review_id, None)
                    elif operation == "delete":
                        library.delete(review_id)
                    elif operation == "move":
                        if order:
                            review_id = data.draw(st.sampled_from([*order, review_id]))
                        option = data.draw(st.sampled_from(["above", "below", "to", "up", "down"]))
                        value = data.draw(
                            st.sampled_from(ids)
                            if option in ("above", "below")
                            else positions(count)
                        )
                        new_order = move(order, review_id, **{option: value})
                        library.set_order(new_order, touched=[review_id])
                    else:
                        script = data.draw(st.lists(st.sampled_from(["1", "2", "=", "u"])))
                        placement = place(order, review_id, scripted(script, []))
                        library.add_comparisons(
                            {"winner": c.winner, "loser": c.loser, "tie": c.tie, "at": "x"}
                            for c in placement.comparisons
                        )
                        library.set_order(placement.order, touched=[review_id])
                event(f"{operation} done")
            except ValidationError:
                event(f"{operation} refused")
                after = paths.file.read_bytes() if paths.file.exists() else None
                assert after == before
            stored = Library.load(paths)
            assert stored.problems == []
            held = [review.rank for review in stored.reviews() if review.rank is not None]
            assert sorted(held) == list(range(1, len(held) + 1))
            known = {review.id for review in stored.reviews()}
            for comparison in stored.comparisons():
                assert {comparison["winner"], comparison["loser"]} <= known
