"""Tag arithmetic over reviews: counts and rename/merge (pure)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from filmrev.errors import NotFoundError
from filmrev.model import Review, parse_tags


def tag_counts(reviews: Iterable[Review]) -> list[tuple[str, int]]:
    """``(tag, count)`` most used first, then A→Z; spellings differing in case count as one."""
    counts: Counter[str] = Counter()
    spelling: dict[str, str] = {}
    for review in reviews:
        for tag in review.tags:
            key = tag.casefold()
            spelling.setdefault(key, tag)
            counts[key] += 1
    return sorted(
        ((spelling[key], n) for key, n in counts.items()), key=lambda p: (-p[1], p[0].casefold())
    )


def rename_tag(reviews: Sequence[Review], old: str, new: str) -> list[Review]:
    """The reviews that change when tag ``old`` becomes ``new`` (merging where ``new`` exists)."""
    (new_tag,) = parse_tags([new])
    old_key = old.strip().casefold()
    changed: list[Review] = []
    for review in reviews:
        if old_key not in {tag.casefold() for tag in review.tags}:
            continue
        tags = [new_tag if tag.casefold() == old_key else tag for tag in review.tags]
        renamed = review.evolve(tags=list(parse_tags(tags)))
        if renamed.tags != review.tags:
            changed.append(renamed)
    if not changed and not any(
        old_key == tag.casefold() for review in reviews for tag in review.tags
    ):
        raise NotFoundError(f"no review has the tag {old!r}")
    return changed
