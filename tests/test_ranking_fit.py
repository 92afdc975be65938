"""Ranking from every answer: the Bradley–Terry fit, cycles, the rating bracket and skip.

The measured figures (questions saved by the bracket, films misplaced by insertion alone and
after the refit) are asserted with a margin and printed, so ``pytest -s`` shows them; the
README quotes them (notes/readme-issue16.md).
"""

from __future__ import annotations

import math
import random
import statistics
from collections.abc import Callable, Sequence
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from filmrev.ranking import (
    Comparison,
    Move,
    cycles,
    doubtful_pairs,
    fit,
    max_questions,
    moves,
    place,
    prior_strengths,
    proposed_order,
    rating_window,
    remove,
)

Ask = Callable[[int, int], str]
STARS = [x / 2 for x in range(1, 11)]


def truthful(hidden: Sequence[int], asked: list[tuple[int, int]]) -> Ask:
    best_first = {review_id: index for index, review_id in enumerate(hidden)}

    def ask(candidate: int, other: int) -> str:
        asked.append((candidate, other))
        return "1" if best_first[candidate] < best_first[other] else "2"

    return ask


def noisy(hidden: Sequence[int], rng: random.Random, wrong: float) -> Ask:
    """Answers from a hidden order, each one wrong with probability ``wrong``."""
    best_first = {review_id: index for index, review_id in enumerate(hidden)}

    def ask(candidate: int, other: int) -> str:
        better = best_first[candidate] < best_first[other]
        if rng.random() < wrong:
            better = not better
        return "1" if better else "2"

    return ask


def kendall_distance(order: Sequence[int], hidden: Sequence[int]) -> int:
    """Pairs in the wrong relative order (0: identical)."""
    position = {review_id: index for index, review_id in enumerate(hidden)}
    seen = [position[review_id] for review_id in order]
    return sum(1 for i in range(len(seen)) for j in range(i + 1, len(seen)) if seen[i] > seen[j])


def mean_displacement(order: Sequence[int], hidden: Sequence[int]) -> float:
    position = {review_id: index for index, review_id in enumerate(hidden)}
    return statistics.mean(abs(index - position[f]) for index, f in enumerate(order))


# --- the fit ----------------------------------------------------------------------------------


def test_fit_puts_the_films_in_the_order_the_answers_give() -> None:
    # The current order is upside down; every answer says 4 > 3 > 2 > 1.
    answers = [Comparison(a, b) for a, b in [(4, 3), (3, 2), (2, 1), (4, 2), (3, 1), (4, 1)]]
    fitted = fit([1, 2, 3, 4], answers * 3)
    assert fitted.order == [4, 3, 2, 1]
    assert fitted.scores[4] == 100.0 and fitted.scores[1] == 0.0
    assert fitted.scores[4] > fitted.scores[3] > fitted.scores[2] > fitted.scores[1]


def test_fit_without_answers_keeps_the_order_and_follows_stars_weakly() -> None:
    assert fit([5, 6, 7], []).order == [5, 6, 7]
    # Adjacent films rated far apart: the stars swap them, nothing else moves.
    assert fit([5, 6, 7, 8], [], {6: 1.0, 7: 5.0}).order == [5, 7, 6, 8]
    # One answer outweighs the stars.
    assert fit([5, 6, 7, 8], [Comparison(6, 7)] * 2, {6: 1.0, 7: 5.0}).order == [5, 6, 7, 8]


def test_one_wrong_answer_is_outvoted_by_the_others() -> None:
    hidden = [1, 2, 3, 4, 5]
    truth = [Comparison(a, b) for i, a in enumerate(hidden) for b in hidden[i + 1 :]]
    # Binary insertion trusted a single "5 beats 1" and put 5 on top; every other pair was
    # answered twice, the right way.
    fitted = fit([5, 1, 2, 3, 4], [*truth, *truth, Comparison(5, 1)])
    assert fitted.order == hidden


def test_fit_weighs_ties_weights_and_ignores_unranked_films() -> None:
    # A tie is half a win each way: equal films keep their current order.
    assert fit([2, 1], [Comparison(1, 2, tie=True)] * 5).order == [2, 1]
    # Old answers weighed down by a rewatch lose to a newer one.
    old = [Comparison(1, 2, weight=0.25)] * 3
    assert fit([1, 2], [*old, Comparison(2, 1), Comparison(2, 1)]).order == [2, 1]
    assert fit([1, 2], [*old, Comparison(2, 1, weight=0.0)]).order == [1, 2]
    # Answers about a film not in the order (unranked, deleted) are ignored.
    assert fit([1, 2], [Comparison(9, 1)] * 10).order == [1, 2]
    assert fit([], []).order == []
    assert fit([7], [Comparison(7, 7)]).scores == {7: 100.0}


def test_fit_is_a_fixed_point_of_the_likelihood() -> None:
    """At the optimum each film's expected wins equal its (weighted) wins, prior included."""
    rng = random.Random(16)
    order = list(range(1, 21))
    pairs = [rng.sample(order, 2) for _ in range(150)]
    answers = [Comparison(a, b, tie=rng.random() < 0.1) for a, b in pairs]
    ratings: dict[int, float | None] = {f: rng.choice(STARS) for f in order}
    fitted = fit(order, answers, ratings, tolerance=1e-10, max_iterations=100_000)
    strength = {f: math.exp(s) for f, s in fitted.strengths.items()}
    prior = {f: math.exp(s) for f, s in prior_strengths(order, ratings).items()}
    for film in order:
        observed = 0.5  # half of the virtual prior game
        expected = strength[film] / (strength[film] + prior[film])
        for answer in answers:
            if film not in (answer.winner, answer.loser) or answer.winner == answer.loser:
                continue
            other = answer.loser if answer.winner == film else answer.winner
            observed += 0.5 if answer.tie else float(answer.winner == film)
            expected += strength[film] / (strength[film] + strength[other])
        assert observed == pytest.approx(expected, abs=1e-6)


def test_moves_show_the_evidence_for_and_against() -> None:
    order = [1, 2, 3]
    answers = [Comparison(3, 1), Comparison(3, 1), Comparison(1, 3), Comparison(3, 2)]
    found = moves(order, [3, 1, 2], answers)
    assert found == [
        Move(3, before=3, after=1, agreeing=3, disagreeing=1),
        Move(1, before=1, after=2, agreeing=2, disagreeing=1),
        Move(2, before=2, after=3, agreeing=1, disagreeing=0),
    ]
    assert moves(order, order, answers) == []


def test_doubtful_pairs_put_contradicted_and_close_neighbours_first() -> None:
    answers = [Comparison(1, 2)] * 6 + [Comparison(3, 4), Comparison(4, 3), Comparison(3, 4)]
    fitted = fit([1, 2, 3, 4, 5], answers)
    doubts = doubtful_pairs(fitted, answers)
    assert (doubts[0].higher, doubts[0].lower, doubts[0].contradicted) == (3, 4, True)
    assert [d.contradicted for d in doubts[1:]] == [False] * 3
    assert doubts[-1].higher == 1 and doubts[-1].lower == 2  # six answers: the surest
    assert all(a.z <= b.z for a, b in pairwise(doubts[1:]))


def test_fit_of_500_films_is_quick_enough() -> None:
    rng = random.Random(500)
    hidden = list(range(500))
    order: list[int] = []
    answers: list[Comparison] = []
    for film in rng.sample(hidden, 500):
        placement = place(order, film, noisy(hidden, rng, 0.1))
        order, answers = placement.order, answers + placement.comparisons
    fitted = fit(order, answers)
    assert fitted.iterations < 5000  # converged, not stopped by the cap
    assert sorted(fitted.order) == hidden


# --- refit against insertion alone, on noisy answers ------------------------------------------


def _noisy_run(seed: int, *, films: int, wrong: float, with_stars: bool) -> tuple[float, ...]:
    """Insert ``films`` one by one with noisy answers; misplacement before and after the fit.

    Returns (Kendall distance of insertion, of the fitted order, of refine's order (only
    sure swaps), of refine's order after 10 questions about doubtful neighbours, mean
    displacement of insertion, of the fitted order, of refine's order).
    """
    rng = random.Random(seed)
    hidden = list(range(1, films + 1))
    # Stars follow the hidden order loosely (σ = 0.4★), rounded to half stars.
    ratings: dict[int, float | None] = {
        f: min(5.0, max(0.5, round((5 - 4.5 * (f - 1) / (films - 1) + rng.gauss(0, 0.4)) * 2) / 2))
        for f in hidden
    }
    ask = noisy(hidden, rng, wrong)
    order: list[int] = []
    answers: list[Comparison] = []
    for film in rng.sample(hidden, films):
        placement = place(order, film, ask, ratings if with_stars else None)
        order, answers = placement.order, answers + placement.comparisons
    prior = ratings if with_stars else None
    fitted = fit(order, answers, prior)
    refit, refined = fitted.order, proposed_order(order, fitted, answers)
    asked: set[frozenset[int]] = set()
    more = list(answers)
    for _ in range(10):
        fitted = fit(order, more, prior)
        doubts = doubtful_pairs(fitted, more, proposed_order(order, fitted, more))
        pair = next((d for d in doubts if frozenset((d.higher, d.lower)) not in asked), None)
        if pair is None:
            break
        asked.add(frozenset((pair.higher, pair.lower)))
        answer = ask(pair.higher, pair.lower)
        winner, loser = (pair.higher, pair.lower) if answer == "1" else (pair.lower, pair.higher)
        more.append(Comparison(winner, loser))
    asked_order = proposed_order(order, fit(order, more, prior), more)
    return (
        kendall_distance(order, hidden),
        kendall_distance(refit, hidden),
        kendall_distance(refined, hidden),
        kendall_distance(asked_order, hidden),
        mean_displacement(order, hidden),
        mean_displacement(refit, hidden),
        mean_displacement(refined, hidden),
    )


@pytest.mark.parametrize("with_stars", [False, True], ids=["plain", "stars"])
def test_refit_misplaces_fewer_films_than_insertion_alone(with_stars: bool) -> None:
    """80 films, each answer wrong with probability 0.15, 20 seeded runs.

    Plain: binary insertion without stars, fit without a star prior. Stars: bracketed
    insertion and a fit with the star prior.
    """
    runs = [_noisy_run(seed, films=80, wrong=0.15, with_stars=with_stars) for seed in range(20)]
    insertion, fitted, refined, asked, shift_insertion, shift_fitted, shift_refined = (
        statistics.mean(run[i] for run in runs) for i in range(7)
    )
    print(
        f"\n{'stars' if with_stars else 'plain'}: Kendall distance insertion {insertion:.1f}, "
        f"fitted order {fitted:.1f}, refine {refined:.1f}, refine after 10 questions "
        f"{asked:.1f}; mean displacement insertion {shift_insertion:.2f}, fitted order "
        f"{shift_fitted:.2f}, refine {shift_refined:.2f}"
    )
    assert fitted < 0.95 * insertion
    assert refined < insertion and shift_refined < shift_insertion
    assert asked < refined
    assert sum(run[2] <= run[0] for run in runs) >= 15  # refine rarely makes it worse


# --- cycles -----------------------------------------------------------------------------------


def _pairs(found: list[list[Comparison]]) -> list[list[tuple[int, int]]]:
    return [[(c.winner, c.loser) for c in cycle] for cycle in found]


def test_cycles_are_found_with_their_answers() -> None:
    answers = [Comparison(3, 1), Comparison(1, 2), Comparison(2, 3), Comparison(1, 4)]
    found = cycles(answers)
    assert _pairs(found) == [[(1, 2), (2, 3), (3, 1)]]
    assert found[0][0] is answers[1]  # the stored answers themselves


def test_no_cycle_in_consistent_answers_ties_or_overruled_answers() -> None:
    assert cycles([Comparison(1, 2), Comparison(2, 3), Comparison(1, 3)]) == []
    assert cycles([Comparison(1, 2), Comparison(2, 3), Comparison(3, 1, tie=True)]) == []
    # The latest answer of a pair overrules the earlier one, which made the cycle.
    assert cycles([Comparison(1, 2), Comparison(2, 3), Comparison(3, 1), Comparison(1, 3)]) == []
    assert cycles([Comparison(1, 2), Comparison(2, 1)]) == []


def test_every_answer_on_a_cycle_is_reported() -> None:
    # Two triangles sharing film 1, and a 4-cycle elsewhere.
    pairs = [(1, 2), (2, 3), (3, 1), (1, 4), (4, 5), (5, 1), (6, 7), (7, 8), (8, 9), (9, 6)]
    found = cycles([Comparison(a, b) for a, b in pairs])
    assert _pairs(found) == [
        [(1, 2), (2, 3), (3, 1)],
        [(1, 4), (4, 5), (5, 1)],
        [(6, 7), (7, 8), (8, 9), (9, 6)],
    ]
    assert len(cycles([Comparison(a, b) for a, b in pairs], limit=1)) == 1


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(st.integers(1, 7), st.integers(1, 7), st.booleans()), max_size=30),
)
def test_cycles_are_real_and_found_exactly_when_no_order_fits(
    raw: list[tuple[int, int, bool]],
) -> None:
    answers = [Comparison(a, b, tie) for a, b, tie in raw]
    latest: dict[frozenset[int], Comparison] = {}
    for answer in answers:
        if answer.winner != answer.loser:
            latest[frozenset((answer.winner, answer.loser))] = answer
    edges = {(c.winner, c.loser) for c in latest.values() if not c.tie}
    found = cycles(answers)
    for cycle in found:
        for this, following in zip(cycle, cycle[1:] + cycle[:1], strict=True):
            assert this.loser == following.winner
            assert (this.winner, this.loser) in edges
    # A topological order exists exactly when there is no cycle.
    remaining, graph_edges = {f for e in edges for f in e}, set(edges)
    while True:
        sources = [f for f in remaining if not any(b == f for _, b in graph_edges)]
        if not sources:
            break
        remaining -= set(sources)
        graph_edges = {(a, b) for a, b in graph_edges if a in remaining}
    assert (found == []) == (not remaining)


# --- the rating bracket -----------------------------------------------------------------------


def test_rating_window_spans_the_films_within_half_a_star() -> None:
    rest = [1, 2, 3, 4, 5]
    ratings: dict[int, float | None] = {1: 5.0, 2: 4.5, 3: 4.0, 4: 3.0, 5: 2.0}
    assert rating_window(rest, ratings, 4.0) == (1, 3)
    assert rating_window(rest, ratings, 5.0) == (0, 2)
    assert rating_window(rest, ratings, 1.0) == (5, 5)  # below everyone: the empty gap
    assert rating_window(rest, {**ratings, 3: None}, 3.5) == (3, 4)
    assert rating_window(rest, ratings, None) is None
    assert rating_window(rest, {}, 4.0) is None


def test_bracket_asks_first_within_the_stars_then_gallops() -> None:
    rest = list(range(1, 11))  # ratings fall half a star per film, 5.0 .. 0.5
    ratings: dict[int, float | None] = {f: 5.5 - f / 2 for f in rest}
    ratings[99] = 3.0  # films 4..6 (3.5, 3.0, 2.5) are within ±0.5★
    asked: list[tuple[int, int]] = []
    hidden = [1, 99, *rest[1:]]  # but it is really the second best
    placement = place(rest, 99, truthful(hidden, asked), ratings)
    assert placement.order == hidden
    assert [other for _, other in asked][:2] == [5, 4]  # the window first
    assert [other for _, other in asked][2:] == [3, 1, 2]  # gallop 1, 2 up, then bisect
    window = rating_window(rest, ratings, 3.0)
    assert len(asked) <= max_questions(10, window)


@settings(max_examples=200, deadline=None)
@given(
    hidden=st.permutations(range(1, 41)),
    pick=st.integers(0, 39),
    stars=st.lists(st.sampled_from([None, *STARS]), min_size=40, max_size=40),
)
def test_bracketed_placement_is_right_whatever_the_stars(
    hidden: list[int], pick: int, stars: list[float | None]
) -> None:
    film = hidden[pick]
    others = remove(hidden, film)
    ratings = dict(zip(range(1, 41), stars, strict=True))
    asked: list[tuple[int, int]] = []
    placement = place(others, film, truthful(hidden, asked), ratings)
    assert placement.order == hidden
    assert len(asked) == len(placement.comparisons)
    assert len(asked) <= max_questions(39, rating_window(others, ratings, ratings[film]))


def test_bracket_asks_fewer_questions_on_a_500_film_list() -> None:
    """Place 200 films into a 500-film list whose order follows the stars (rated from the
    hidden order with noise σ = 0.3★, half stars, all ten values used)."""
    rng = random.Random(500)
    hidden = list(range(1, 701))
    ratings: dict[int, float | None] = {
        f: min(5.0, max(0.5, round((5 - 4.5 * (f - 1) / 699 + rng.gauss(0, 0.3)) * 2) / 2))
        for f in hidden
    }
    newcomers = set(rng.sample(hidden, 200))
    listed = [f for f in hidden if f not in newcomers]
    plain: list[int] = []
    bracketed: list[int] = []
    for film in sorted(newcomers):
        expected = [f for f in hidden if f in set(listed) | {film}]
        for questions, stars in ((plain, None), (bracketed, ratings)):
            asked: list[tuple[int, int]] = []
            assert place(listed, film, truthful(hidden, asked), stars).order == expected
            questions.append(len(asked))
    print(
        f"\n500 films: plain binary insertion {statistics.mean(plain):.2f} questions "
        f"(max {max(plain)}), bracketed {statistics.mean(bracketed):.2f} (max {max(bracketed)})"
    )
    assert statistics.mean(bracketed) < statistics.mean(plain) - 0.75


# --- skip -------------------------------------------------------------------------------------


def test_skip_asks_about_a_neighbour_and_records_nothing() -> None:
    asked: list[tuple[int, int]] = []
    answers = iter(["s", "1", "1", "1", "1"])

    def ask(candidate: int, other: int) -> str:
        asked.append((candidate, other))
        return next(answers)

    placement = place([10, 20, 30, 40, 50, 60, 70], 99, ask)
    assert [other for _, other in asked] == [40, 50, 30, 20, 10]
    assert placement.order == [99, 10, 20, 30, 40, 50, 60, 70]
    assert placement.comparisons == [
        Comparison(99, 50),
        Comparison(99, 30),
        Comparison(99, 20),
        Comparison(99, 10),
    ]


def test_skipping_every_film_comes_back_to_the_first_and_undo_undoes_a_skip() -> None:
    asked: list[int] = []
    answers = iter(["s", "s", "1", "1"])  # [10, 20]: 20 first, skip → 10, skip → 20 again

    def ask(candidate: int, other: int) -> str:
        asked.append(other)
        return next(answers)

    assert place([10, 20], 99, ask).comparisons[0] == Comparison(99, 20)
    assert asked[:3] == [20, 10, 20]
    asked.clear()
    answers = iter(["s", "u", "2", "2"])
    assert place([10, 20, 30], 99, ask).order == [10, 20, 30, 99]
    assert asked == [20, 30, 20, 30]
