"""Planning an import against the library, then applying the plan in one transaction.

Matching (DECISIONS "Import"): a record is the same film as a review when they
share a source id (Letterboxd URI, IMDb or TMDb id), else the same ``id`` and
``created`` (filmrev's own exports), else the same casefolded title (or original
title) and year. Each review is matched at most once per import.

Updating: the auxiliary ``imports`` table keeps, per review an import created or
changed, the ``updated`` stamp it left and which source set the review's fields
(``source``; ``owners`` lists fields another source set later). A review whose
``updated`` no longer matches was edited in filmrev since: an import leaves it
alone unless ``overwrite``. For a review not edited since, a field is taken from
the import when it is empty, or when the same source set it (a newer export);
a field another source set first is kept ("the first source to set a field
wins"). External sources give only non-empty values; filmrev's own exports give
every field they hold. ``created`` of an imported film is its earliest source date.

New reviews keep their ids when they are free and were never used here (an
export imported into an empty library comes back with the same ids); other ids
are renumbered, and json comparisons follow the new ids. Ranks are placed the way
every rank change is: insert at the given rank and shift the others, keeping ranks
exactly 1..K (a rank past the end means the end), but never above a film the
import ranks higher. When the films an import ranks already stand in its order,
their ranks are left alone, so a re-import into a library where other films were
ranked since changes nothing.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import orjson

from filmrev.errors import ValidationError
from filmrev.folding import fold
from filmrev.importers.common import (
    SOURCE_FILMREV,
    Batch,
    Incoming,
    NoProgress,
    Problems,
    Progress,
    title_key,
    tracked,
)
from filmrev.model import Review, make_slug, now_utc

if TYPE_CHECKING:
    from filmrev.importers.list_import import ListPlan
    from filmrev.store import Library
    from filmrev.watchlist import Merge as WatchlistMerge

IMPORTS_TABLE = "imports"
ADD = "add"
UPDATE = "update"
UNCHANGED = "unchanged"
SKIP = "skip"
KINDS = (ADD, UPDATE, UNCHANGED, SKIP)


@dataclass
class Action:
    """What the import does with one record."""

    kind: str
    origin: str
    review: Review
    changed: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()
    note: str = ""
    imported_before: bool = True  # False: a review made in filmrev, never imported


@dataclass
class Plan:
    """Everything an import will write; :func:`apply_plan` writes it."""

    actions: list[Action] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)
    order: list[int] | None = None
    comparisons: list[dict[str, Any]] = field(default_factory=list)
    bookkeeping: dict[int, dict[str, Any]] | None = None
    notes: list[str] = field(default_factory=list)
    #: The watchlist after the import (None: the input has no watchlist).
    watchlist: WatchlistMerge | None = None
    #: Review id in the input (own exports) → id in the library after the import.
    id_map: dict[int, int] = field(default_factory=dict)
    #: The named lists the input carries (:mod:`filmrev.importers.list_import`).
    lists: ListPlan | None = None

    @property
    def changes(self) -> bool:
        return bool(
            self.reviews
            or self.order is not None
            or self.comparisons
            or self.bookkeeping is not None
            or (self.watchlist is not None and self.watchlist.changes)
            or (self.lists is not None and self.lists.changes)
        )

    def count(self, kind: str) -> int:
        return sum(1 for action in self.actions if action.kind == kind)


def _flat(fields: Mapping[str, Any]) -> dict[str, Any]:
    """``sources`` split into ``sources.letterboxd`` etc., so each id is a field of its own."""
    flat: dict[str, Any] = {}
    for name, value in fields.items():
        if name == "sources":
            for service, ident in value.items():
                flat[f"sources.{service}"] = ident
        else:
            flat[name] = value
    return flat


def _get(doc: Mapping[str, Any], name: str) -> Any:
    if name.startswith("sources."):
        return doc["sources"].get(name.removeprefix("sources."))
    return doc.get(name)


def _set(doc: dict[str, Any], name: str, value: Any) -> None:
    if name.startswith("sources."):
        doc["sources"] = {**doc["sources"], name.removeprefix("sources."): value}
    else:
        doc[name] = value


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _comparison_key(comparison: Mapping[str, Any]) -> bytes:
    return orjson.dumps(dict(comparison), option=orjson.OPT_SORT_KEYS)


def new_slug(title: str, year: int | None, review_id: int, taken: set[str]) -> str:
    """``make_slug`` without copying the whole taken set for the usual free slug."""
    slug = make_slug(title, year, (), review_id)
    return make_slug(title, year, taken, review_id) if slug in taken else slug


@dataclass
class _Merge:
    """The field-by-field outcome for a record matched to an existing review."""

    doc: dict[str, Any]
    changed: list[str]
    kept: list[str]
    edited: bool
    first: str
    owners: dict[str, str]
    rank_allowed: bool
    imported_before: bool = True


class _Planner:
    def __init__(self, library: Library, batch: Batch, overwrite: bool) -> None:
        self.library = library
        self.batch = batch
        self.overwrite = overwrite
        self.existing = {review.id: review for review in library.reviews()}
        self.bookkeeping = library.table_docs(IMPORTS_TABLE)
        self.problems = Problems()
        self.claimed: set[int] = set()
        self.by_source: dict[tuple[str, str], int] = {}
        self.by_title: dict[tuple[str, int | None], list[int]] = {}
        for review in self.existing.values():
            for service, ident in review.sources.items():
                if ident:
                    self.by_source.setdefault((service, ident), review.id)
            for name in {title_key(review.title), title_key(review.original_title or "")}:
                if name:
                    self.by_title.setdefault((name, review.year), []).append(review.id)
        self.taken = {review.slug for review in self.existing.values()}
        self.stamp = now_utc()

    # --- matching -------------------------------------------------------------------------

    def match(self, record: Incoming) -> int | None:
        sources = record.get("sources") or {}
        pairs = [(service, ident) for service, ident in sources.items() if ident]
        for pair in [*pairs, *record.match_ids]:
            found = self.by_source.get(pair)
            if found is not None and found not in self.claimed:
                return found
        if record.own_id is not None and record.created is not None:
            review = self.existing.get(record.own_id)
            if (
                review is not None
                and review.created == record.created
                and review.id not in self.claimed
            ):
                return review.id
        year = record.get("year")
        for name in (record.get("title"), record.get("original_title")):
            if not name:
                continue
            for candidate in self.by_title.get((title_key(name), year), ()):
                if candidate not in self.claimed:
                    return candidate
        return None

    # --- merging into an existing review --------------------------------------------------

    def merge(self, record: Incoming, current: Review) -> _Merge:
        doc = current.to_doc()
        record_keeping = self.bookkeeping.get(current.id)
        edited = record_keeping is None or record_keeping.get("updated") != current.updated
        first = str(record_keeping.get("source")) if record_keeping else record.source
        owners: dict[str, str] = dict(record_keeping.get("owners") or {}) if record_keeping else {}
        changed: list[str] = []
        kept: list[str] = []

        def owner(name: str, value: Any) -> str | None:
            return owners.get(name) or (None if _empty(value) else first)

        def take(name: str, value: Any) -> None:
            _set(doc, name, value)
            changed.append(name)
            if record.source == first:
                owners.pop(name, None)
            else:
                owners[name] = record.source

        for name, value in _flat(record.values()).items():
            now = _get(doc, name)
            if now == value:
                continue
            if name == "slug" and value in self.taken:
                kept.append(name)
            elif self.overwrite or (not edited and owner(name, now) in (None, record.source)):
                take(name, value)
                if name == "slug":
                    self.taken.add(value)
            else:
                kept.append(name)
        if (
            record.source != SOURCE_FILMREV
            and record.created is not None
            and record.created < current.created
            and (self.overwrite or not edited)
        ):
            take("created", record.created)  # a film's created is its earliest source date
        rank_owner = owner("rank", current.rank)
        rank_allowed = self.overwrite or (not edited and rank_owner in (None, record.source))
        return _Merge(
            doc, changed, kept, edited, first, owners, rank_allowed, record_keeping is not None
        )

    # --- new reviews ------------------------------------------------------------------------

    def new_review(self, record: Incoming, review_id: int, rank: int | None) -> Review | None:
        given_slug = record.get("slug")
        if isinstance(given_slug, str) and given_slug not in self.taken:
            slug = given_slug
        else:
            slug = new_slug(record.get("title"), record.get("year"), review_id, self.taken)
        self.taken.add(slug)
        if record.review is not None:
            return dataclasses.replace(record.review, id=review_id, slug=slug, rank=rank)
        created = record.created or self.stamp
        doc = {
            **record.fields,
            "id": review_id,
            "slug": slug,
            "rank": rank,
            "created": created,
            "updated": record.updated or created,
        }
        try:
            return Review.from_doc(doc)
        except ValidationError as error:
            self.problems.add(record.origin, error.message)
            return None

    # --- ranks ------------------------------------------------------------------------------

    def ranks(
        self,
        records: list[Incoming],
        ids: list[int],
        merges: dict[int, _Merge],
    ) -> tuple[list[int], set[int], set[int]]:
        """The new ranked order, the films it moved, and the films it unranked."""
        current_order = self.library.ranked_order()
        requests: list[tuple[int, int, int, bool]] = []
        unrank: set[int] = set()
        ranked_now = set(current_order)
        for index, record in enumerate(records):
            if not record.rank_given:
                continue
            review_id = ids[index]
            merged = merges.get(index)
            allowed = merged.rank_allowed if merged is not None else True
            if record.rank is None:
                if merged is not None and review_id in ranked_now:
                    if allowed:
                        unrank.add(review_id)
                    else:
                        merged.kept.append("rank")
                continue
            if merged is not None and not allowed and review_id not in ranked_now:
                merged.kept.append("rank")
            requests.append((record.rank, index, review_id, allowed))
        requests.sort()
        incoming = [review_id for _, _, review_id, _ in requests]
        allowed_ids = {review_id for _, _, review_id, allowed in requests if allowed}
        order = [review_id for review_id in current_order if review_id not in unrank]
        position = {review_id: index for index, review_id in enumerate(order)}
        placed = [review_id for review_id in incoming if review_id in allowed_ids]
        still = [review_id for review_id in placed if review_id in position]
        if sorted(still, key=position.__getitem__) == still:
            movers = [review_id for review_id in placed if review_id not in position]
        else:
            movers = placed
            moving = set(movers)
            order = [review_id for review_id in order if review_id not in moving]
        given = {review_id: rank for rank, _, review_id, _ in requests}
        return self._insert(order, incoming, given, movers), set(movers), unrank

    @staticmethod
    def _insert(
        order: list[int], incoming: list[int], given: dict[int, int], movers: list[int]
    ) -> list[int]:
        """Insert each mover, best first, at its given rank (others shift down), but
        never above the nearest film the import ranks above it.

        Ranks past the end mean the end. Keeping the position of the last insertion
        makes the usual case, an import into an empty library, linear.
        """
        result = list(order)
        placed = set(result)
        rank_of = {review_id: index for index, review_id in enumerate(incoming)}
        last: tuple[int, int] | None = None  # the mover inserted last, and where
        for review_id in movers:
            index = rank_of[review_id]
            above = next(
                (incoming[j] for j in range(index - 1, -1, -1) if incoming[j] in placed), None
            )
            floor = 0
            if above is not None:
                floor = last[1] + 1 if last and last[0] == above else result.index(above) + 1
            position = max(floor, min(given[review_id], len(result) + 1) - 1)
            result.insert(position, review_id)
            placed.add(review_id)
            last = (review_id, position)
        return result

    # --- the whole plan -----------------------------------------------------------------------

    def plan(self, progress: Progress) -> Plan:
        records = self.batch.records
        plan = Plan(notes=list(self.batch.notes))
        seen_own: dict[tuple[int, str], str] = {}
        matches: list[int | None] = []
        for record in tracked(records, progress, "matching"):
            if record.own_id is not None and record.created is not None:
                key = (record.own_id, record.created)
                if key in seen_own:
                    self.problems.add(
                        record.origin, f"the same review (id {key[0]}) as {seen_own[key]}"
                    )
                seen_own.setdefault(key, record.origin)
            found = self.match(record)
            if found is not None:
                self.claimed.add(found)
            matches.append(found)
        self.problems.raise_if_any(self.batch.label)

        ids = self._ids(records, matches, plan)
        plan.id_map = {
            record.own_id: review_id
            for record, review_id in zip(records, ids, strict=True)
            if record.own_id is not None
        }
        merges = {
            index: self.merge(record, self.existing[found])
            for index, (record, found) in enumerate(zip(records, matches, strict=True))
            if found is not None
        }
        order, moved, unranked = self.ranks(records, ids, merges)
        current_order = self.library.ranked_order()
        final_rank = {review_id: rank for rank, review_id in enumerate(order, start=1)}
        if order != current_order:
            plan.order = order
        created: dict[int, Review] = {}
        for index, record in enumerate(records):
            if matches[index] is None:
                review = self.new_review(record, ids[index], final_rank.get(ids[index]))
                if review is not None:
                    created[index] = review
        self.problems.raise_if_any(self.batch.label)
        bookkeeping = {
            review_id: dict(doc)
            for review_id, doc in self.bookkeeping.items()
            if review_id in self.existing
        }
        for index, record in enumerate(records):
            review_id = ids[index]
            if index in created:
                review = created[index]
                plan.reviews.append(review)
                bookkeeping[review_id] = {"updated": review.updated, "source": record.source}
                notes = []
                if record.own_id is not None and record.own_id != review_id:
                    notes.append(f"id {record.own_id} was taken: now id {review_id}")
                given_slug = record.get("slug")
                if given_slug is not None and given_slug != review.slug:
                    notes.append(f"slug {given_slug} was taken: now {review.slug}")
                plan.actions.append(Action(ADD, record.origin, review, note="; ".join(notes)))
                continue
            if index not in merges:
                continue  # an invalid new record (already reported)
            merged = merges[index]
            current = self.existing[review_id]
            rank = final_rank.get(review_id)
            if (review_id in moved or review_id in unranked) and rank != current.rank:
                merged.changed.append("rank")
            merged.doc["rank"] = rank
            if not merged.changed:
                kind = SKIP if merged.kept and merged.edited else UNCHANGED
                plan.actions.append(
                    Action(
                        kind,
                        record.origin,
                        current,
                        kept=tuple(merged.kept),
                        imported_before=merged.imported_before,
                    )
                )
                continue
            given_updated = record.source == SOURCE_FILMREV and record.updated is not None
            merged.doc["updated"] = record.updated if given_updated else self.stamp
            try:
                review = Review.from_doc(merged.doc)
            except ValidationError as error:
                self.problems.add(record.origin, error.message)
                continue
            plan.reviews.append(review)
            entry: dict[str, Any] = {"updated": review.updated, "source": merged.first}
            if merged.owners:
                entry["owners"] = dict(sorted(merged.owners.items()))
            bookkeeping[review_id] = entry
            plan.actions.append(
                Action(
                    UPDATE,
                    record.origin,
                    review,
                    changed=tuple(merged.changed),
                    kept=tuple(merged.kept),
                )
            )
        self.problems.raise_if_any(self.batch.label)
        if plan.reviews:
            plan.bookkeeping = bookkeeping  # entries of deleted reviews are dropped here too
        plan.comparisons = self._comparisons(records, ids)
        return plan

    def _ids(self, records: list[Incoming], matches: list[int | None], plan: Plan) -> list[int]:
        """Final ids: matched reviews' ids; an own id when free and never used; else the next."""
        next_id = int(self.library.meta["next_id"])
        ids = [found or 0 for found in matches]
        kept_ids: set[int] = set()
        for index, record in enumerate(records):
            own = record.own_id
            if (
                matches[index] is None
                and own is not None
                and own >= next_id
                and own not in kept_ids
            ):
                kept_ids.add(own)
                ids[index] = own
        counter = next_id
        for index in range(len(records)):
            if ids[index] == 0:
                while counter in kept_ids:
                    counter += 1
                ids[index] = counter
                counter += 1
        return ids

    def _comparisons(self, records: list[Incoming], ids: list[int]) -> list[dict[str, Any]]:
        """The export's comparisons under the final ids, less those already stored."""
        if not self.batch.comparisons:
            return []
        id_map: dict[int, int] = {}
        for record, review_id in zip(records, ids, strict=True):
            if record.own_id is not None:
                id_map.setdefault(record.own_id, review_id)
        stored = Counter(_comparison_key(doc) for doc in self.library.comparisons())
        added: list[dict[str, Any]] = []
        for comparison in self.batch.comparisons:
            mapped = dict(comparison)
            mapped["winner"] = id_map[comparison["winner"]]
            mapped["loser"] = id_map[comparison["loser"]]
            key = _comparison_key(mapped)
            if stored[key] > 0:
                stored[key] -= 1
            else:
                added.append(mapped)
        return added


def plan_import(
    library: Library,
    batch: Batch,
    *,
    overwrite: bool = False,
    progress: Progress | None = None,
) -> Plan:
    """Work out what importing ``batch`` into ``library`` adds, updates and skips.

    Raises :class:`~filmrev.importers.common.ImportFailed` when a record cannot be
    placed (e.g. the same review twice); the library is not touched.
    """
    plan = _Planner(library, batch, overwrite).plan(progress or NoProgress())
    if batch.watchlist:
        from filmrev import watchlist

        reviews = {review.id: review for review in library.summaries()}
        reviews.update((review.id, review) for review in plan.reviews)
        plan.watchlist = watchlist.merge(
            watchlist.entries(library), batch.watchlist, list(reviews.values())
        )
    if batch.lists:
        from filmrev.importers.list_import import plan_lists, reviews_after

        after = reviews_after(library, plan.reviews)
        plan.lists = plan_lists(library, batch.lists, after, plan.id_map, overwrite=overwrite)
        plan.notes.extend([*plan.lists.notes, plan.lists.summary()])
    return plan


def _library_spelling(library: Library, reviews: Sequence[Review]) -> list[Review]:
    """Imported tags spelled as the library (or the first imported review) spells them."""
    from filmrev.tagging import canonical_tags

    spelling = library.tag_spellings()
    spelled: list[Review] = []
    for review in reviews:
        tags = canonical_tags(review.tags, spelling)
        for tag in tags:
            spelling.setdefault(fold(tag), tag)
        spelled.append(review if tuple(tags) == review.tags else review.evolve(tags=tags))
    return spelled


def apply_plan(library: Library, plan: Plan) -> None:
    """Write a plan inside a :func:`filmrev.transaction.writing` transaction (one file write)."""
    library.put_reviews(_library_spelling(library, plan.reviews))
    if plan.order is not None:
        library.set_order(plan.order)
    if plan.comparisons:
        library.add_comparisons(plan.comparisons)
    if plan.bookkeeping is not None:
        library.replace_table_docs(IMPORTS_TABLE, plan.bookkeeping)
    if plan.watchlist is not None and plan.watchlist.changes:
        from filmrev import watchlist

        watchlist.store(library, plan.watchlist.watchlist)
    if plan.lists is not None:
        from filmrev.importers.list_import import apply_lists

        apply_lists(library, plan.lists)
