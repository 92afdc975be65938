"""Turning a REF (id, slug, or a title the user half remembers) into one review.

Order: all digits → id; exact slug; then, for read-only commands, a unique slug
prefix or a fuzzy title match. Destructive commands accept an id or exact slug;
a fuzzy match is only offered to them as a candidate to confirm.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from filmrev.errors import AmbiguousRefError, NotFoundError
from filmrev.folding import fold
from filmrev.model import Review

FUZZY_CUTOFF = 70.0
MAX_SUGGESTIONS = 5


@dataclass(frozen=True)
class Match:
    """A resolved reference; ``exact`` is False for a prefix or fuzzy match."""

    review: Review
    exact: bool


def _fuzzy(ref: str, reviews: Sequence[Review]) -> list[tuple[float, Review]]:
    from rapidfuzz import fuzz, process, utils

    choices = {review.id: fold(review.display_title) for review in reviews}
    by_id = {review.id: review for review in reviews}
    hits = process.extract(
        fold(ref),
        choices,
        scorer=fuzz.WRatio,
        processor=utils.default_process,
        score_cutoff=FUZZY_CUTOFF,
        limit=MAX_SUGGESTIONS,
    )
    return [(score, by_id[key]) for _, score, key in hits]


def suggestions(ref: str, reviews: Sequence[Review]) -> list[str]:
    """The closest slugs to an unknown reference, best first."""
    import difflib

    slugs = [review.slug for review in reviews]
    close = difflib.get_close_matches(ref.casefold(), slugs, n=MAX_SUGGESTIONS, cutoff=0.5)
    for _, review in _fuzzy(ref, reviews):
        if review.slug not in close:
            close.append(review.slug)
    return close[:MAX_SUGGESTIONS]


def _not_found(ref: str, reviews: Sequence[Review]) -> NotFoundError:
    close = suggestions(ref, reviews) if reviews else []
    hint = f"; did you mean: {', '.join(close)}?" if close else ""
    return NotFoundError(f"no review matches {ref!r}{hint}")


def _ambiguous(ref: str, candidates: Sequence[Review]) -> AmbiguousRefError:
    listed = ", ".join(f"{review.slug} ({review.id})" for review in candidates[:MAX_SUGGESTIONS])
    return AmbiguousRefError(f"{ref!r} matches several reviews: {listed}; use an id or a slug")


def resolve(ref: str, reviews: Sequence[Review], *, destructive: bool = False) -> Match:
    """Find the review ``ref`` names, or raise NotFoundError / AmbiguousRefError.

    For a destructive command a non-exact result is returned with ``exact=False``
    only when one fuzzy candidate stands out; the caller must confirm it.
    """
    text = ref.strip()
    if text.isdigit():
        wanted = int(text)
        for review in reviews:
            if review.id == wanted:
                return Match(review, exact=True)
        raise _not_found(text, reviews)
    for review in reviews:
        if review.slug == text:
            return Match(review, exact=True)
    if not destructive:
        prefixed = [review for review in reviews if review.slug.startswith(text.casefold())]
        if len(prefixed) == 1:
            return Match(prefixed[0], exact=False)
        if len(prefixed) > 1:
            raise _ambiguous(text, prefixed)
    hits = _fuzzy(text, reviews) if text else []
    if not hits:
        raise _not_found(text, reviews)
    best_score = hits[0][0]
    top = [review for score, review in hits if score >= best_score - 5]
    if len(top) > 1:
        raise _ambiguous(text, top)
    return Match(top[0], exact=False)
