"""Pure ranking logic: ranks are exactly 1..K, no two reviews share one.

The ranked list is ``order: list[int]``, review ids best first, so a review's rank is its
index + 1. Every function returns a new list and leaves its argument alone. Nothing here does
I/O: the CLI asks the questions of :func:`place` and writes the text of :func:`check`'s
problems; the store saves the result.

>>> insert_at([7, 3, 9], 5, 2)
[7, 5, 3, 9]
>>> move([7, 5, 3, 9], 9, above=5)
[7, 9, 5, 3]
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Literal, Protocol, TypeVar, get_args

from filmrev.errors import Cancelled, ValidationError

Answer = Literal["1", "2", "=", "s", "u", "q"]
"""An answer in ``rank place``: ``1`` the film being placed is better, ``2`` the other film is
better, ``=`` a tie, ``s`` skip (too hard to call: ask about another film, record nothing),
``u`` undo the last answer, ``q`` quit."""

ANSWERS: tuple[Answer, ...] = get_args(Answer)
ANSWER_ALIASES: Mapping[str, Answer] = {"a": "1", "b": "2"}


@dataclass(frozen=True)
class Comparison:
    """One answer of ``rank place``: ``winner`` was judged better than ``loser``.

    For a tie, ``winner`` is the film being placed and ``loser`` the other film. ``weight``
    is how much the answer counts in :func:`fit` (1; less for an answer given before a
    rewatch, see ``rank place --again``).
    """

    winner: int
    loser: int
    tie: bool = False
    weight: float = 1.0


class ComparisonLike(Protocol):
    """Anything with the fields of :class:`Comparison` (a stored comparison, say)."""

    @property
    def winner(self) -> int: ...

    @property
    def loser(self) -> int: ...

    @property
    def tie(self) -> bool: ...


@dataclass(frozen=True)
class Placement:
    """The outcome of :func:`place`: the new order, the film's rank, the answers kept."""

    order: list[int]
    position: int
    comparisons: list[Comparison]


@dataclass(frozen=True)
class Problem:
    """A contradiction found by :func:`check`; the CLI words it.

    ``higher`` is the review ranked higher (smaller rank number), ``lower`` the one ranked
    below it. ``rating``: ``higher`` has a strictly lower rating than ``lower``.
    ``comparison``: the latest comparison of the pair says ``lower`` beat ``higher``.
    """

    kind: Literal["rating", "comparison"]
    higher: int
    lower: int


# --- editing the order ----------------------------------------------------------------------


def remove(order: Sequence[int], review_id: int) -> list[int]:
    """Return ``order`` without ``review_id`` (unchanged copy if it is not ranked)."""
    return [ranked for ranked in order if ranked != review_id]


def insert_at(order: Sequence[int], review_id: int, pos: int) -> list[int]:
    """Return ``order`` with ``review_id`` at rank ``pos``, shifting the others down.

    A review already ranked is moved, so ``pos`` runs 1..K for it and 1..K+1 for a new one.

    >>> insert_at([1, 2, 3], 3, 1)
    [3, 1, 2]
    """
    rest = remove(order, review_id)
    limit = len(rest) + 1
    if not 1 <= pos <= limit:
        raise ValidationError(f"rank must be 1 to {limit} (got {pos})")
    rest.insert(pos - 1, review_id)
    return rest


def move(
    order: Sequence[int],
    review_id: int,
    *,
    above: int | None = None,
    below: int | None = None,
    to: int | None = None,
    up: int | None = None,
    down: int | None = None,
) -> list[int]:
    """Return ``order`` with the ranked ``review_id`` moved by exactly one option.

    ``above``/``below`` another ranked review puts it right before/after that review;
    ``to`` is :func:`insert_at`; ``up``/``down`` N (≥ 1) moves it N places, clamped at the
    top and bottom of the list rather than refused.

    >>> move([1, 2, 3, 4], 4, up=10)
    [4, 1, 2, 3]
    """
    options = {"above": above, "below": below, "to": to, "up": up, "down": down}
    given = [name for name, value in options.items() if value is not None]
    if len(given) != 1:
        got = f" (got {', '.join(given)})" if given else ""
        raise ValidationError(f"give exactly one of above, below, to, up or down{got}")
    index = _index_of(order, review_id)
    rest = remove(order, review_id)
    if to is not None:
        return insert_at(order, review_id, to)
    if above is not None:
        target = _index_of_other(rest, review_id, above)
    elif below is not None:
        target = _index_of_other(rest, review_id, below) + 1
    elif up is not None:
        target = max(0, index - _steps("up", up))
    else:
        target = min(len(rest), index + _steps("down", down or 0))
    rest.insert(target, review_id)
    return rest


def _index_of_other(rest: Sequence[int], review_id: int, other: int) -> int:
    """Index of the review to move next to; it must be ranked and not the film itself."""
    if other == review_id:
        raise ValidationError(f"cannot move review {review_id} relative to itself")
    return _index_of(rest, other)


def _steps(option: str, steps: int) -> int:
    """Check a number of places to move up or down."""
    if steps < 1:
        raise ValidationError(f"{option} must be at least 1 (got {steps})")
    return steps


def _index_of(order: Sequence[int], review_id: int) -> int:
    """Index of a ranked review; ValidationError when it is not ranked."""
    try:
        return order.index(review_id)
    except ValueError:
        raise ValidationError(f"review {review_id} is not ranked") from None


# --- ranks as a mapping ---------------------------------------------------------------------


def ranks_from_order(order: Iterable[int]) -> dict[int, int]:
    """Map each review id to its rank (index + 1); a repeated id is a ValidationError.

    >>> ranks_from_order([7, 3])
    {7: 1, 3: 2}
    """
    ranks: dict[int, int] = {}
    for rank, review_id in enumerate(order, start=1):
        if review_id in ranks:
            raise ValidationError(f"review {review_id} is ranked twice")
        ranks[review_id] = rank
    return ranks


def order_from_ranks(ranks: Mapping[int, int | None]) -> list[int]:
    """The ranked ids (rank not None) sorted by rank, equal ranks by id; works on bad ranks too.

    >>> order_from_ranks({5: 2, 3: None, 9: 1})
    [9, 5]
    """
    ranked = [(rank, review_id) for review_id, rank in ranks.items() if rank is not None]
    return [review_id for _, review_id in sorted(ranked)]


def validate_ranks(ranks: Mapping[int, int | None]) -> list[str]:
    """Describe why the non-None ranks are not exactly 1..K; ``[]`` when they are.

    Reports ranks outside 1..K, shared ranks and missing ranks (consecutive gaps as ranges).

    >>> validate_ranks({1: 2, 2: 2, 3: None})
    ['rank 2 is shared by reviews 1, 2', 'rank 1 is missing']
    """
    holders: dict[int, list[int]] = {}
    for review_id, rank in ranks.items():
        if rank is not None:
            holders.setdefault(rank, []).append(review_id)
    count = sum(len(ids) for ids in holders.values())
    problems: list[str] = []
    for rank in sorted(holders):
        ids = sorted(holders[rank])
        if len(ids) > 1:
            problems.append(f"rank {rank} is shared by reviews {', '.join(map(str, ids))}")
        if not 1 <= rank <= count:
            problems.extend(f"review {i} has rank {rank}, outside 1 to {count}" for i in ids)
    missing = (rank for rank in range(1, count + 1) if rank not in holders)
    for first, last in _runs(missing):
        problems.append(
            f"rank {first} is missing" if first == last else f"ranks {first} to {last} are missing"
        )
    return problems


def _runs(numbers: Iterable[int]) -> Iterator[tuple[int, int]]:
    """Group ascending integers into (first, last) runs of consecutive values."""
    first = last = None
    for number in numbers:
        if last is not None and number == last + 1:
            last = number
            continue
        if first is not None and last is not None:
            yield first, last
        first = last = number
    if first is not None and last is not None:
        yield first, last


# --- binary insertion -----------------------------------------------------------------------


def parse_answer(text: str) -> Answer:
    """Read one answer (surrounding space and case ignored; ``a``/``b`` mean ``1``/``2``)."""
    answer = text.strip().lower()
    answer = ANSWER_ALIASES.get(answer, answer)
    for known in ANSWERS:
        if answer == known:
            return known
    raise ValidationError(f"unknown answer {text!r}; answer 1, 2, =, s, u or q")


def max_questions(count: int, window: tuple[int, int] | None = None) -> int:
    """Most questions :func:`place` asks to place a film among ``count`` others.

    Plain binary insertion asks ⌈log2(K+1)⌉. With an opening ``window`` (see
    :func:`rating_window`) it asks ⌈log2(B+1)⌉ within the window's B films and, when the
    film belongs outside it, at most 2⌈log2(D+1)⌉ - 1 more to gallop over and search the D
    films beyond it on that side.
    """
    if window is None:
        return count.bit_length()
    low, high = window

    def beyond(films: int) -> int:
        return 2 * films.bit_length() - 1 if films else 0

    above, below = beyond(low), beyond(count - high)
    if high > low:
        return (high - low).bit_length() + max(above, below)
    # An empty window: one question above it first (if there is a film above), then either side.
    return max(above, (1 if low else 0) + below)


RATING_MARGIN = 0.5
"""``rank place`` compares first with the films rated within this many stars of the film."""


def rating_window(
    rest: Sequence[int],
    ratings: Mapping[int, float | None],
    rating: float | None,
    margin: float = RATING_MARGIN,
) -> tuple[int, int] | None:
    """The opening bracket of :func:`place`: the final indices the star rating suggests.

    ``(low, high)`` spans the ranked films (``rest``, best first) rated within ``margin`` of
    ``rating``, from the first to the last of them, so the film's index ``low..high`` is where
    they are. With no such film, the empty window between the films rated above and below.
    None for an unrated film or when no ranked film is rated.

    >>> rating_window([1, 2, 3, 4, 5], {1: 5.0, 2: 4.5, 3: 4.0, 4: 3.0, 5: 2.0}, 4.0)
    (1, 3)
    """
    if rating is None:
        return None
    near = [
        index
        for index, review_id in enumerate(rest)
        if (other := ratings.get(review_id)) is not None and abs(other - rating) <= margin
    ]
    if near:
        return near[0], near[-1] + 1
    above = [
        index
        for index, review_id in enumerate(rest)
        if (other := ratings.get(review_id)) is not None and other > rating
    ]
    if not above and all(ratings.get(review_id) is None for review_id in rest):
        return None
    gap = above[-1] + 1 if above else 0
    return gap, gap


# A probe is (index asked, low, high): any index in low..high-1 may stand in for it (skip).
# The search is sent (index answered, film is better) back.
_Search = Generator[tuple[int, int, int], tuple[int, bool], int]


def _search(count: int, window: tuple[int, int] | None) -> _Search:
    """The questions of a (bracketed) binary insertion among ``count`` films; returns the index.

    Binary search within the window first; if the answers push the film to an edge of the
    window that no answer has confirmed, gallop outwards (1, 2, 4, ... films further) and
    finish with a binary search of the gap found.
    """
    low, high = 0, count  # the final index lies in low..high
    start, stop = window if window is not None else (0, count)
    while start < stop:
        index, better = yield (start + stop) // 2, start, stop
        if better:
            stop = high = index
        else:
            start = low = index + 1
    position, step = start, 1
    while low < position:  # nothing says the film is worse than the one just above
        index, better = yield max(low, position - step), low, position
        if not better:
            low = index + 1
            break
        position = high = index
        step *= 2
    step = 1
    while position < high:  # nothing says the film is better than the one just below
        index, better = yield min(high - 1, position + step - 1), position, high
        if better:
            high = index
            break
        position = low = index + 1
        step *= 2
    while low < high:
        index, better = yield (low + high) // 2, low, high
        if better:
            high = index
        else:
            low = index + 1
    return low


def _stand_in(proposed: int, low: int, high: int, skipped: set[int]) -> int:
    """The index to ask instead of skipped ones: the nearest to ``proposed`` in low..high-1."""
    for distance in range(1, high - low + 1):
        for index in (proposed + distance, proposed - distance):
            if low <= index < high and index not in skipped:
                return index
    skipped.clear()  # every film in range was skipped: start again with the first one
    return proposed


def _replay(
    rest: Sequence[int], review_id: int, window: tuple[int, int] | None, inputs: Sequence[str]
) -> tuple[int | None, int, list[Comparison]]:
    """Run the search on the kept ``inputs``: (index to ask next or None, position, answers)."""
    search = _search(len(rest), window)
    comparisons: list[Comparison] = []
    try:
        proposed, low, high = next(search)
        asked, skipped = proposed, set[int]()
        for given in inputs:
            other = rest[asked]
            if given == "s":
                skipped.add(asked)
                asked = _stand_in(proposed, low, high, skipped)
                continue
            if given == "=":
                comparisons.append(Comparison(review_id, other, tie=True))
                return None, asked + 1, comparisons
            better = given == "1"
            comparisons.append(
                Comparison(review_id, other) if better else Comparison(other, review_id)
            )
            proposed, low, high = search.send((asked, better))
            asked, skipped = proposed, set()
    except StopIteration as done:
        return None, int(done.value), comparisons
    return asked, -1, comparisons


def place(
    order: Sequence[int],
    review_id: int,
    ask: Callable[[int, int], str],
    ratings: Mapping[int, float | None] | None = None,
) -> Placement:
    """Find ``review_id``'s rank by binary insertion, asking ``ask(review_id, other_id)``.

    A film already ranked is taken out and placed again. With ``ratings``, the first
    questions are about the films rated within ±0.5★ of the film (:func:`rating_window`),
    which saves questions on a long list whose order follows the stars. Answers are read by
    :func:`parse_answer`: ``1`` the film is better than the other, ``2`` worse, ``=`` a tie
    (the film goes just below the other and no more questions are asked), ``s`` skips (the
    next question is about a neighbouring film; nothing is recorded), ``u`` undoes the last
    answer or skip (with none to undo, the same question is asked again), ``q`` raises
    :class:`Cancelled`. At most :func:`max_questions` answers are kept; the search ends with
    the last one, so the CLI confirms the result if it wants a final chance to undo.
    """
    rest = remove(order, review_id)
    window = None
    if ratings is not None:
        window = rating_window(rest, ratings, ratings.get(review_id))
    inputs: list[str] = []
    while True:
        asked, position, comparisons = _replay(rest, review_id, window, inputs)
        if asked is None:
            break
        answer = parse_answer(ask(review_id, rest[asked]))
        if answer == "q":
            raise Cancelled("placement quit; nothing changed")
        if answer == "u":
            if inputs:
                inputs.pop()
            continue
        inputs.append(answer)
    placed = list(rest)
    placed.insert(position, review_id)
    return Placement(order=placed, position=position + 1, comparisons=comparisons)


# --- consistency check ----------------------------------------------------------------------


def check(
    order: Sequence[int],
    ratings: Mapping[int, float | None],
    comparisons: Iterable[ComparisonLike],
) -> list[Problem]:
    """Find where the ranking contradicts ratings or stored comparisons; O(n + m).

    ``rating`` problems come first, in rank order of ``lower``: for each rated film, the
    *nearest* film ranked above it with a strictly lower rating, if any. So every film that
    is outranked by a worse-rated one is reported once, and the output stays at most one line
    per film instead of every offending pair. Unrated films are skipped.

    ``comparison`` problems follow, by rank of ``higher`` then ``lower``: for each unordered
    pair, only the latest comparison counts (``comparisons`` is in chronological order); it
    is a problem when it is not a tie, both films are ranked, and its winner is ranked below
    its loser.
    """
    return _rating_problems(order, ratings) + _comparison_problems(order, comparisons)


def _rating_problems(order: Sequence[int], ratings: Mapping[int, float | None]) -> list[Problem]:
    """Nearest higher-ranked film with a strictly lower rating, per film (a monotonic stack)."""
    problems: list[Problem] = []
    # Ratings strictly increasing from bottom to top: a film popped here has a rating >= the
    # current one, so it can never be the nearest strictly lower rating for a later film.
    stack: list[tuple[float, int]] = []
    for review_id in order:
        rating = ratings.get(review_id)
        if rating is None:
            continue
        while stack and stack[-1][0] >= rating:
            stack.pop()
        if stack:
            problems.append(Problem("rating", higher=stack[-1][1], lower=review_id))
        stack.append((rating, review_id))
    return problems


def _comparison_problems(
    order: Sequence[int], comparisons: Iterable[ComparisonLike]
) -> list[Problem]:
    """Latest non-tie comparison per pair whose winner is ranked below its loser."""
    latest: dict[tuple[int, int], ComparisonLike] = {}
    for comparison in comparisons:
        winner, loser = comparison.winner, comparison.loser
        if winner != loser:
            latest[(min(winner, loser), max(winner, loser))] = comparison
    ranks = ranks_from_order(order)
    found: list[tuple[int, int, Problem]] = []
    for comparison in latest.values():
        winner_rank = ranks.get(comparison.winner)
        loser_rank = ranks.get(comparison.loser)
        if comparison.tie or winner_rank is None or loser_rank is None:
            continue
        if winner_rank > loser_rank:
            problem = Problem("comparison", higher=comparison.loser, lower=comparison.winner)
            found.append((loser_rank, winner_rank, problem))
    found.sort(key=lambda entry: entry[:2])
    return [problem for _, _, problem in found]


# --- preference cycles ------------------------------------------------------------------------


AnyComparison = TypeVar("AnyComparison", bound=ComparisonLike)


def latest_answers(comparisons: Iterable[AnyComparison]) -> list[AnyComparison]:
    """The latest comparison of each unordered pair (``comparisons`` oldest first), in order."""
    latest: dict[tuple[int, int], tuple[int, AnyComparison]] = {}
    for index, comparison in enumerate(comparisons):
        winner, loser = comparison.winner, comparison.loser
        if winner != loser:
            latest[(min(winner, loser), max(winner, loser))] = (index, comparison)
    return [comparison for _, comparison in sorted(latest.values(), key=lambda entry: entry[0])]


def cycles(comparisons: Iterable[AnyComparison], limit: int = 50) -> list[list[AnyComparison]]:
    """Preference cycles (A > B > C > A) in the latest non-tie answer of each pair.

    Each cycle is the list of answers that form it, ``cycle[i].loser == cycle[i+1].winner``
    and the last loser is the first winner; it starts with its answer of the smallest winner
    id. Every answer that lies on some cycle is on at least one reported cycle: for each
    such answer in turn the shortest cycle through it is reported (unless already reported)
    and the answer is then set aside, so at most one cycle per answer and ``limit`` in all.

    >>> [[(c.winner, c.loser) for c in cycle] for cycle in cycles(
    ...     [Comparison(1, 2), Comparison(2, 3), Comparison(3, 1), Comparison(1, 4)])]
    [[(1, 2), (2, 3), (3, 1)]]
    """
    edges: dict[int, dict[int, AnyComparison]] = {}
    for comparison in latest_answers(comparisons):
        if not comparison.tie:
            edges.setdefault(comparison.winner, {})[comparison.loser] = comparison
    found: list[list[AnyComparison]] = []
    seen: set[tuple[tuple[int, int], ...]] = set()
    for winner in sorted(edges):
        for loser in sorted(edges.get(winner, {})):
            if len(found) >= limit:
                return found
            path = _shortest_path(edges, loser, winner)
            if path is None:
                continue
            films = [winner, *path]
            cycle = [edges[a][b] for a, b in pairwise(films)]
            first = min(range(len(cycle)), key=lambda i: cycle[i].winner)
            cycle = cycle[first:] + cycle[:first]
            key = tuple((c.winner, c.loser) for c in cycle)
            if key not in seen:
                seen.add(key)
                found.append(cycle)
            del edges[winner][loser]  # later cycles need not go through this answer again
    return found


def _shortest_path(
    edges: Mapping[int, Mapping[int, object]], start: int, goal: int
) -> list[int] | None:
    """Films from ``start`` to ``goal`` along the edges (breadth first), or None."""
    previous: dict[int, int] = {start: start}
    frontier = [start]
    while frontier:
        following: list[int] = []
        for film in frontier:
            for beaten in sorted(edges.get(film, {})):
                if beaten in previous:
                    continue
                previous[beaten] = film
                if beaten == goal:
                    path = [goal]
                    while path[-1] != start:
                        path.append(previous[path[-1]])
                    return path[::-1]
                following.append(beaten)
        frontier = following
    return None


# --- Bradley–Terry fit ------------------------------------------------------------------------

PRIOR_WEIGHT = 1.0
"""How many answers' worth the prior (the current order and the stars) counts per film."""

PRIOR_SPREAD = 6.0
"""Log-strength between the prior's best and worst film (P(best beats worst) ≈ 0.998)."""

RATING_SHARE = 0.3
"""The star rating's share of a rated film's prior; the current order has the rest."""

OVER_RELAXATION = 1.5
"""Each MM step is stretched by this factor in log-strength (over-relaxation): the same
fixed point, reached in about two thirds of the sweeps on long insertion-built lists."""

AGAIN_WEIGHT = 0.25
"""``rank place --again``: the weight an answer keeps each time its film is re-placed."""


@dataclass(frozen=True)
class Fit:
    """A Bradley–Terry fit: log-strengths (higher is better) and the order they give.

    ``spread`` is each film's standard error (from the Fisher information), ``order`` the
    films best first (equal strengths keep the current order), ``scores`` 0–100 (best 100,
    worst 0, linear in log-strength).
    """

    strengths: dict[int, float]
    spread: dict[int, float]
    order: list[int]
    scores: dict[int, float]
    iterations: int


@dataclass(frozen=True)
class Move:
    """A film :func:`fit` would move: ``before`` → ``after`` ranks, with the evidence.

    ``agreeing``/``disagreeing``: the answers between this film and the films it changes
    places with that side with the new order / the current one.
    """

    review_id: int
    before: int
    after: int
    agreeing: int
    disagreeing: int


@dataclass(frozen=True)
class PairDoubt:
    """Neighbours in the fitted order, how sure the fit is (``z``) and if answers disagree."""

    higher: int
    lower: int
    z: float
    contradicted: bool
    answers: int = field(default=0)


def prior_strengths(order: Sequence[int], ratings: Mapping[int, float | None]) -> dict[int, float]:
    """The prior log-strength of each ranked film: its place in ``order`` and its stars.

    The order maps linearly to PRIOR_SPREAD/2 (best) .. -PRIOR_SPREAD/2 (worst); a rating
    maps 5★ → the top, ½★ → the bottom, and has RATING_SHARE of a rated film's prior.
    """
    count = len(order)
    half = PRIOR_SPREAD / 2
    prior: dict[int, float] = {}
    for index, review_id in enumerate(order):
        by_order = half - PRIOR_SPREAD * index / (count - 1) if count > 1 else 0.0
        rating = ratings.get(review_id)
        if rating is None:
            prior[review_id] = by_order
        else:
            by_rating = -half + PRIOR_SPREAD * (rating - 0.5) / 4.5
            prior[review_id] = (1 - RATING_SHARE) * by_order + RATING_SHARE * by_rating
    return prior


def fit(
    order: Sequence[int],
    comparisons: Iterable[ComparisonLike],
    ratings: Mapping[int, float | None] | None = None,
    *,
    prior_weight: float = PRIOR_WEIGHT,
    tolerance: float = 1e-6,
    max_iterations: int = 5000,
) -> Fit:
    """Fit a Bradley–Terry model to the answers about the films of ``order``.

    P(i beats j) = p_i / (p_i + p_j). Each film also plays ``prior_weight`` virtual games
    (half won, half lost) against a phantom of its prior strength (:func:`prior_strengths`),
    which keeps the fit defined for films with few answers and pulls them weakly towards
    the current order and their stars. A tie counts as half a win each way; an answer with a
    ``weight`` (see :class:`Comparison`) counts that much. Fitted by Hunter's MM algorithm
    (2004), p_i ← W_i / Σ_j n_ij / (p_i + p_j), over-relaxed (OVER_RELAXATION), until no
    log-strength moves by ``tolerance``.
    Answers about films not in ``order`` are ignored.

    >>> fit([1, 2, 3], [Comparison(3, 1)] * 4 + [Comparison(3, 2)] * 4).order
    [3, 1, 2]
    """
    position = {review_id: index for index, review_id in enumerate(order)}
    prior = {k: math.exp(v) for k, v in prior_strengths(order, ratings or {}).items()}
    wins = {review_id: prior_weight / 2 for review_id in order}
    games: dict[int, dict[int, float]] = {review_id: {} for review_id in order}
    for comparison in comparisons:
        winner, loser = comparison.winner, comparison.loser
        if winner == loser or winner not in position or loser not in position:
            continue
        weight = float(getattr(comparison, "weight", 1.0))
        if weight <= 0:
            continue
        if comparison.tie:
            wins[winner] += weight / 2
            wins[loser] += weight / 2
        else:
            wins[winner] += weight
        games[winner][loser] = games[winner].get(loser, 0.0) + weight
        games[loser][winner] = games[loser].get(winner, 0.0) + weight
    strength = dict(prior)
    neighbours = {review_id: list(games[review_id].items()) for review_id in order}
    iterations = 0
    while iterations < max_iterations:
        iterations += 1
        change = 0.0
        for review_id in order:  # Gauss–Seidel: each update uses the newest strengths
            own = strength[review_id]
            total = prior_weight / (own + prior[review_id])
            for other, count in neighbours[review_id]:
                total += count / (own + strength[other])
            step = math.log(wins[review_id] / total / own)
            change = max(change, abs(step))
            strength[review_id] = own * math.exp(OVER_RELAXATION * step)
        if change < tolerance:
            break
    logs = {review_id: math.log(value) for review_id, value in strength.items()}
    spread: dict[int, float] = {}
    for review_id in order:
        own = strength[review_id]
        info = prior_weight * own * prior[review_id] / (own + prior[review_id]) ** 2
        for other, count in games[review_id].items():
            info += count * own * strength[other] / (own + strength[other]) ** 2
        spread[review_id] = 1 / math.sqrt(info)
    fitted = sorted(order, key=lambda review_id: (-logs[review_id], position[review_id]))
    return Fit(
        strengths=logs,
        spread=spread,
        order=fitted,
        scores=_scores(logs),
        iterations=iterations,
    )


def _scores(logs: Mapping[int, float]) -> dict[int, float]:
    """Log-strengths on 0–100 (best 100, worst 0), one decimal; 100 for a lone film."""
    if not logs:
        return {}
    best, worst = max(logs.values()), min(logs.values())
    width = best - worst
    return {
        review_id: round(100 * (value - worst) / width, 1) if width > 0 else 100.0
        for review_id, value in logs.items()
    }


MOVE_Z = 0.5
"""``rank refine`` swaps two neighbours only when the fit puts the lower one ahead by at
least this many standard errors: a film with few answers is not moved on a whim."""


def proposed_order(
    order: Sequence[int],
    fitted: Fit,
    comparisons: Iterable[ComparisonLike] = (),
    threshold: float = MOVE_Z,
) -> list[int]:
    """``order`` with neighbours swapped where the fit (and your own answer) favour it.

    Two neighbours swap when the lower film's log-strength exceeds the higher one's by
    more than ``threshold`` standard errors of their difference. When your latest answer
    about the two films themselves says the lower one is better, the fit only has to not
    be that sure of the opposite (the difference may be as low as minus ``threshold``
    standard errors): a fresh answer about two neighbours is not overruled by a shaky
    fit. Passes repeat until nothing swaps (at most one pass per film).

    >>> proposed_order([1, 2], fit([1, 2], [Comparison(2, 1)] * 6))
    [2, 1]
    >>> proposed_order([1, 2, 3], fit([1, 2, 3], [Comparison(3, 1)]))
    [1, 2, 3]
    >>> proposed_order([1, 2, 3], fit([1, 2, 3], [Comparison(3, 2)]), [Comparison(3, 2)])
    [1, 3, 2]
    """
    proposed = list(order)
    strengths, spread = fitted.strengths, fitted.spread
    said = {
        (c.winner, c.loser)
        for c in latest_answers(comparisons)
        if not c.tie and getattr(c, "weight", 1.0) >= 1.0  # not from before a rewatch
    }

    def swap(higher: int, lower: int) -> bool:
        margin = threshold * math.hypot(spread[higher], spread[lower])
        if (lower, higher) in said:
            margin = -margin
        return strengths[lower] - strengths[higher] > margin

    for _ in range(len(proposed)):
        swapped = False
        for index in range(len(proposed) - 1):
            higher, lower = proposed[index], proposed[index + 1]
            if swap(higher, lower):
                proposed[index], proposed[index + 1] = lower, higher
                swapped = True
        if not swapped:
            break
    return proposed


def moves(
    order: Sequence[int], proposed: Sequence[int], comparisons: Iterable[ComparisonLike]
) -> list[Move]:
    """The films whose rank differs between ``order`` and ``proposed``, in proposed order.

    Evidence: the non-tie answers between the film and each film it changes places with,
    counted as agreeing with ``proposed`` or with ``order`` (weights ignored: answers).
    """
    before = ranks_from_order(order)
    after = ranks_from_order(proposed)
    pairs: dict[frozenset[int], list[ComparisonLike]] = {}
    for comparison in comparisons:
        if not comparison.tie and comparison.winner != comparison.loser:
            pairs.setdefault(frozenset((comparison.winner, comparison.loser)), []).append(
                comparison
            )
    involving: dict[int, list[ComparisonLike]] = {}
    for answers in pairs.values():
        for comparison in answers:
            involving.setdefault(comparison.winner, []).append(comparison)
            involving.setdefault(comparison.loser, []).append(comparison)
    found: list[Move] = []
    for review_id in proposed:
        if before.get(review_id) == after[review_id]:
            continue
        agreeing = disagreeing = 0
        for comparison in involving.get(review_id, []):
            other = comparison.loser if comparison.winner == review_id else comparison.winner
            if other not in before or other not in after or review_id not in before:
                continue
            was_above = before[review_id] < before[other]
            now_above = after[review_id] < after[other]
            if was_above == now_above:
                continue  # the two keep their places relative to each other
            won = comparison.winner == review_id
            if won == now_above:
                agreeing += 1
            else:
                disagreeing += 1
        found.append(
            Move(review_id, before.get(review_id, 0), after[review_id], agreeing, disagreeing)
        )
    return found


def doubtful_pairs(
    fitted: Fit, comparisons: Iterable[ComparisonLike], order: Sequence[int] | None = None
) -> list[PairDoubt]:
    """Neighbouring pairs of ``order`` (default: the fitted order), most worth asking first.

    First the pairs whose direct answers disagree with each other or with the fitted
    order (contradicted), then by ``z``: the strength gap in standard errors (smallest first:
    the fit is least sure), fewer direct answers first on equal ``z``.
    """
    direct: dict[frozenset[int], list[ComparisonLike]] = {}
    for comparison in comparisons:
        if comparison.winner != comparison.loser:
            direct.setdefault(frozenset((comparison.winner, comparison.loser)), []).append(
                comparison
            )
    doubts: list[PairDoubt] = []
    for higher, lower in pairwise(fitted.order if order is None else order):
        answers = [c for c in direct.get(frozenset((higher, lower)), []) if not c.tie]
        winners = {c.winner for c in answers}
        contradicted = lower in winners
        gap = fitted.strengths[higher] - fitted.strengths[lower]
        error = math.hypot(fitted.spread[higher], fitted.spread[lower])
        doubts.append(PairDoubt(higher, lower, gap / error, contradicted, len(answers)))
    doubts.sort(key=lambda d: (not d.contradicted, round(d.z, 6), d.answers))
    return doubts
