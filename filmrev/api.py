"""The Python API: ``from filmrev import Library, Review``.

Reading needs no lock; writing happens inside ``with library.transaction() as tx:``,
which holds the library lock, and commits everything at once on a clean exit (an
exception discards it all)::

    from filmrev import Library

    library = Library.open("library.json")           # or Library.open(): $FILMREV_DB, default
    with library.transaction() as tx:
        amour = tx.add("Amour", year=2012, rating=5, tags=["Haneke"], body="Georges and Anne.")
        tx.rank(amour, 1)
    print(library.get("amour-2012").rating)           # 5.0
    print([hit.review.slug for hit in library.search("georges")])
"""

from __future__ import annotations

import builtins
import contextlib
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from filmrev.errors import NotFoundError, ValidationError
from filmrev.folding import fold
from filmrev.model import Review
from filmrev.paths import LibraryPaths, resolve_library
from filmrev.search import FIELDS, Hit
from filmrev.store import Library as Store
from filmrev.transaction import writing

Ref = int | str | Review


def _ref_text(ref: Ref) -> str:
    if isinstance(ref, Review):
        return str(ref.id)
    return str(ref)


class Library:
    """A filmrev library on disk (the TinyDB file and its companions)."""

    def __init__(self, paths: LibraryPaths) -> None:
        self.paths = paths

    @classmethod
    def open(cls, path: str | os.PathLike[str] | None = None) -> Library:
        """The library at ``path`` (else ``$FILMREV_DB``, else the platform default)."""
        return cls(resolve_library(path))

    @property
    def path(self) -> str:
        return str(self.paths.file)

    def _store(self) -> Store:
        return Store.load(self.paths)

    # --- reading -----------------------------------------------------------------------

    def get(self, ref: Ref) -> Review:
        """The review with this id or exact slug (with its body); NotFoundError if none."""
        store = self._store()
        found = _exact(store, _ref_text(ref))
        if found is None:
            raise NotFoundError(f"no review {_ref_text(ref)!r}")
        return found

    def find(self, ref: Ref) -> Review:
        """As ``filmrev show`` resolves REF: id, slug, slug prefix or a fuzzy title match."""
        from filmrev.index import find_review

        return find_review(self.paths, _ref_text(ref))

    def list(
        self,
        *,
        tag: str | Sequence[str] = (),
        year: int | None = None,
        min_rating: float | None = None,
        person: str | None = None,
        watched_year: int | None = None,
        search: str | None = None,
        sort: str | None = None,
        reverse: bool = False,
        limit: int | None = None,
        bodies: bool = True,
    ) -> builtins.list[Review]:
        """Reviews as ``filmrev list`` filters and orders them (``bodies=False``: no bodies)."""
        from filmrev import index
        from filmrev.query import default_order, filter_reviews, sort_reviews

        pool = index.load_summaries(self.paths)
        if search:
            found = index.matching_ids(self.paths, search, FIELDS)
            if found is None:
                pool = list(self._store().iter_reviews())
            else:
                pool = [review for review in pool if review.id in found]
                search = None
        reviews = filter_reviews(
            pool,
            tags=[tag] if isinstance(tag, str) else list(tag),
            year=year,
            min_rating=min_rating,
            search=search,
            person=person,
            watched_year=watched_year,
        )
        if sort is None:
            ordered = default_order(reviews)
            if reverse:
                ordered.reverse()
        else:
            ordered = sort_reviews(reviews, sort, reverse=reverse)
        if limit is not None:
            ordered = ordered[:limit]
        if bodies:
            store = self._store()
            ordered = [store.get(review.id) or review for review in ordered]
        return ordered

    def __iter__(self) -> Iterator[Review]:
        """Every review with its body, by id, one body in memory at a time."""
        return self._store().iter_reviews()

    def __len__(self) -> int:
        from filmrev import index

        return len(index.load_summaries(self.paths))

    def search(
        self, query: str, fields: Iterable[str] = FIELDS, limit: int | None = None
    ) -> builtins.list[Hit]:
        """Hits best first, as ``filmrev search`` (each with ``review``, ``score``, ``snippet``)."""
        from filmrev import index

        hits, _ = index.search(self.paths, query, tuple(fields), limit)
        return hits

    def ranked(self) -> builtins.list[Review]:
        """Ranked films, best first (without bodies)."""
        from filmrev import index

        ranked = [review for review in index.load_summaries(self.paths) if review.rank]
        return sorted(ranked, key=lambda review: review.rank or 0)

    def history(self, ref: Ref) -> builtins.list[dict[str, Any]]:
        """Earlier versions of a review's body, oldest first (see ``filmrev history``)."""
        from filmrev.history import versions

        store = self._store()
        review = _exact_or_error(store, _ref_text(ref))
        return [version.to_doc() for version in versions(store, review.id)]

    # --- writing -----------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """Lock the library; commit every change on a clean exit, none on an exception."""
        with writing(self.paths) as store:
            yield Transaction(store)


def _exact(store: Store, text: str) -> Review | None:
    text = text.strip()
    if text.isdigit():
        return store.get(int(text))
    return store.find_exact(text)


def _exact_or_error(store: Store, text: str) -> Review:
    found = _exact(store, text)
    if found is None:
        raise NotFoundError(f"no review {text!r} (give an id or an exact slug)")
    return found


class Transaction:
    """Changes to one library, committed together (see :meth:`Library.transaction`).

    REFs are ids, exact slugs, or Review objects.
    """

    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, ref: Ref) -> Review:
        return _exact_or_error(self.store, _ref_text(ref))

    def add(
        self, title: str | Mapping[str, Any], *, rank: int | None = None, **fields: Any
    ) -> Review:
        """Add a review: ``tx.add("Amour", year=2012, rating=5)`` (or a mapping of fields)."""
        values = dict(title) if isinstance(title, Mapping) else {"title": title}
        values.update(fields)
        return self.store.add(values, rank=rank)

    def edit(self, ref: Ref, **changes: Any) -> Review:
        """Change fields of a review (``updated`` is set to now); returns the saved review."""
        review = self.get(ref)
        if "rank" in changes:
            self.rank(review, changes.pop("rank"))
            review = self.get(review.id)
        if not changes:
            return review
        return self.store.save(review.evolve(**changes))

    def delete(self, ref: Ref) -> Review:
        """Delete a review (a backup is made first, as ``filmrev delete`` does)."""
        from filmrev.backups import backup_before

        review = self.get(ref)
        backup_before(self.store, "delete")
        return self.store.delete(review.id)

    def tag(self, ref: Ref, add: Iterable[str] = (), remove: Iterable[str] = ()) -> Review:
        """Add and remove tags (compared folded: case, accents, quotes, dashes) on one review."""
        review = self.get(ref)
        gone = {fold(tag) for tag in remove}
        tags = [tag for tag in review.tags if fold(tag) not in gone]
        tags.extend(add)
        return self.store.save(review.evolve(tags=tags))

    def rename_tag(self, old: str, new: str) -> int:
        """Rename (or merge) a tag on every review; returns how many changed. One write."""
        from filmrev.backups import backup_before
        from filmrev.tagging import has_tag, rename_tag

        changed = rename_tag(self.store.summaries_where("tags", has_tag(old)), old, new)
        if changed:
            backup_before(self.store, "tag-rename")
            for review in changed:
                self.store.save(review)
        return len(changed)

    def rank(self, ref: Ref, position: int | None) -> Review:
        """Put a film at ``position`` (others shift), or unrank it with ``None``."""
        from filmrev import ranking

        review = self.get(ref)
        order = self.store.ranked_order()
        if position is None:
            new_order = ranking.remove(order, review.id)
        else:
            if not isinstance(position, int) or isinstance(position, bool):
                raise ValidationError(f"rank must be a whole number (got {position!r})")
            new_order = ranking.insert_at(order, review.id, position)
        self.store.set_order(new_order, touched=[review.id])
        return self.get(review.id)

    def move(self, ref: Ref, position: int) -> Review:
        """Move a ranked film to ``position``."""
        review = self.get(ref)
        if review.rank is None:
            raise ValidationError(f"{review.slug} is not ranked; rank it first")
        return self.rank(review, position)

    def clear_rank(self, ref: Ref) -> Review:
        return self.rank(ref, None)

    def place(self, ref: Ref, answer: Callable[[Review, Review], str]) -> Review:
        """Rank a film by binary insertion: ``answer(film, other)`` returns ``"1"`` (film is
        better), ``"2"`` (other is better), ``"="`` (tie) or ``"q"`` (quit: nothing changes).
        The answers are kept as comparisons."""
        from filmrev import ranking

        review = self.get(ref)

        def ask(candidate: int, other: int) -> str:
            first, second = self.store.summary(candidate), self.store.summary(other)
            assert first is not None and second is not None
            return answer(first, second)

        placement = ranking.place(self.store.ranked_order(), review.id, ask)
        self.store.set_order(placement.order, touched=[review.id])
        from filmrev.model import now_utc

        stamp = now_utc()
        self.store.add_comparisons(
            {"winner": c.winner, "loser": c.loser, "tie": c.tie, "at": stamp}
            for c in placement.comparisons
        )
        return self.get(review.id)
