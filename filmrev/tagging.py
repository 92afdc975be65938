"""Tag arithmetic over reviews: counts, rename/merge, one spelling per tag (pure).

Two tags are the same tag when :func:`filmrev.folding.fold` makes them equal (case,
accents, ``’`` vs ``'``, inner spacing); the library keeps the first-seen spelling.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence

from filmrev.errors import NotFoundError
from filmrev.folding import fold
from filmrev.model import Review, parse_tags


def tag_counts(reviews: Iterable[Review]) -> list[tuple[str, int]]:
    """``(tag, count)`` most used first, then A→Z; look-alike spellings count as one."""
    counts: Counter[str] = Counter()
    spelling: dict[str, str] = {}
    for review in reviews:
        for tag in review.tags:
            key = fold(tag)
            spelling.setdefault(key, tag)
            counts[key] += 1
    return sorted(
        ((spelling[key], n) for key, n in counts.items()), key=lambda p: (-p[1], p[0].casefold())
    )


def rename_tag(reviews: Sequence[Review], old: str, new: str) -> list[Review]:
    """The reviews that change when tag ``old`` becomes ``new`` (merging where ``new`` exists)."""
    (new_tag,) = parse_tags([new])
    old_key = fold(old)
    changed: list[Review] = []
    for review in reviews:
        if old_key not in {fold(tag) for tag in review.tags}:
            continue
        tags = [new_tag if fold(tag) == old_key else tag for tag in review.tags]
        renamed = review.evolve(tags=list(parse_tags(tags)))
        if renamed.tags != review.tags:
            changed.append(renamed)
    if not changed and not any(old_key == fold(tag) for review in reviews for tag in review.tags):
        raise NotFoundError(f"no review has the tag {old!r}")
    return changed


def has_tag(name: str) -> Callable[[Iterable[str]], bool]:
    """A test of a review's tags: does one of them fold to ``name``'s fold? (For
    ``Library.summaries_where("tags", ...)``; each distinct tag is folded once.)"""
    key = fold(name)
    folded: dict[str, str] = {}

    def test(tags: Iterable[str]) -> bool:
        for tag in tags:
            value = folded.get(tag)
            if value is None:
                value = folded[tag] = fold(tag)
            if value == key:
                return True
        return False

    return test


def spellings(reviews: Iterable[Review]) -> dict[str, str]:
    """Folded tag → the library's spelling of it: the first seen, by review id."""
    spelling: dict[str, str] = {}
    for review in sorted(reviews, key=lambda review: review.id):
        for tag in review.tags:
            spelling.setdefault(fold(tag), tag)
    return spelling


def canonical_tags(tags: Iterable[str], spelling: Mapping[str, str]) -> list[str]:
    """``tags`` spelled as the library already spells them (``You've`` → ``You’ve``)."""
    return [spelling.get(fold(tag), tag) for tag in parse_tags(list(tags))]


def lookalikes(reviews: Iterable[Review]) -> list[list[str]]:
    """Groups of different spellings of one tag, the library's spelling first."""
    groups: dict[str, list[str]] = {}
    for review in sorted(reviews, key=lambda review: review.id):
        for tag in review.tags:
            group = groups.setdefault(fold(tag), [])
            if tag not in group:
                group.append(tag)
    return [group for group in groups.values() if len(group) > 1]


def merge_lookalikes(reviews: Sequence[Review]) -> list[Review]:
    """The reviews that change when every tag takes the library's spelling."""
    spelling = spellings(reviews)
    changed: list[Review] = []
    for review in reviews:
        tags = canonical_tags(review.tags, spelling)
        if tuple(tags) != review.tags:
            changed.append(review.evolve(tags=tags))
    return changed
