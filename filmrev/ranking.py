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

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, get_args

from filmrev.errors import Cancelled, ValidationError

Answer = Literal["1", "2", "=", "u", "q"]
"""An answer in ``rank place``: ``1`` the film being placed is better, ``2`` the other film is
better, ``=`` a tie, ``u`` undo the last answer, ``q`` quit."""

ANSWERS: tuple[Answer, ...] = get_args(Answer)
ANSWER_ALIASES: Mapping[str, Answer] = {"a": "1", "b": "2"}


@dataclass(frozen=True)
class Comparison:
    """One answer of ``rank place``: ``winner`` was judged better than ``loser``.

    For a tie, ``winner`` is the film being placed and ``loser`` the other film.
    """

    winner: int
    loser: int
    tie: bool = False


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


def normalise_ranks(ranks: Mapping[int, int | None]) -> dict[int, int]:
    """Renumber the ranked ids 1..K keeping their relative order (ties broken by id).

    Unranked ids (None) are left out. Used by ``doctor --fix``.

    >>> normalise_ranks({4: 3, 2: 3, 8: 10, 1: None})
    {2: 1, 4: 2, 8: 3}
    """
    return ranks_from_order(order_from_ranks(ranks))


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
    raise ValidationError(f"unknown answer {text!r}; answer 1, 2, =, u or q")


def max_questions(count: int) -> int:
    """Most questions :func:`place` asks to place a film among ``count`` others: ⌈log2(K+1)⌉."""
    return count.bit_length()


def place(order: Sequence[int], review_id: int, ask: Callable[[int, int], str]) -> Placement:
    """Find ``review_id``'s rank by binary insertion, asking ``ask(review_id, other_id)``.

    A film already ranked is taken out and placed again. Answers are read by
    :func:`parse_answer`: ``1`` the film is better than the other, ``2`` worse, ``=`` a tie
    (the film goes just below the other and no more questions are asked), ``u`` undoes the
    last answer (with none to undo, the same question is asked again), ``q`` raises
    :class:`Cancelled`. At most :func:`max_questions` answers are kept; the search ends with
    the last one, so the CLI confirms the result if it wants a final chance to undo.
    """
    rest = remove(order, review_id)
    low, high = 0, len(rest)  # the film's final index lies in low..high
    history: list[tuple[int, int]] = []  # (low, high) before each kept answer
    comparisons: list[Comparison] = []
    while low < high:
        middle = (low + high) // 2
        other = rest[middle]
        answer = parse_answer(ask(review_id, other))
        if answer == "q":
            raise Cancelled("placement quit; nothing changed")
        if answer == "u":
            if history:
                low, high = history.pop()
                comparisons.pop()
            continue
        history.append((low, high))
        if answer == "1":
            comparisons.append(Comparison(review_id, other))
            high = middle
        elif answer == "2":
            comparisons.append(Comparison(other, review_id))
            low = middle + 1
        else:
            comparisons.append(Comparison(review_id, other, tie=True))
            low = high = middle + 1
    rest.insert(low, review_id)
    return Placement(order=rest, position=low + 1, comparisons=comparisons)


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
