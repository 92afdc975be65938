"""Importing named lists (Letterboxd ``lists/*.csv``, filmrev's JSON export) after the reviews.

The reviews of an import are planned first (:mod:`filmrev.importers.merge`); the
lists are planned against the library as that plan leaves it, so an entry links to
a review the same import adds. An entry links to a review by, in order: the review
id a filmrev export gives (renumbered as the import renumbers), the Letterboxd URI,
the folded title + year; else it is a film with no review.

A list is the same list as a stored one when they share the Letterboxd list URL,
else the same folded name. A matched list is left alone when it reads the same
(re-import: a no-op), updated when its stored ``updated`` is not newer than the
incoming one (not edited in filmrev since), and kept, with a note, when it was
edited in filmrev since (``--overwrite`` replaces it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from filmrev import film_lists
from filmrev.errors import ValidationError
from filmrev.film_lists import FilmList, ListEntry
from filmrev.folding import fold
from filmrev.importers.common import Problems, title_key
from filmrev.model import Review

if TYPE_CHECKING:
    from filmrev.store import Library


@dataclass
class IncomingEntry:
    """One film of an incoming list, as the file gives it."""

    title: str
    year: int | None = None
    note: str | None = None
    uri: str | None = None
    #: filmrev JSON: the review id in the exported library.
    own_review_id: int | None = None


@dataclass
class IncomingList:
    """One list as a file gives it; ``own`` holds a filmrev export's stored fields."""

    origin: str
    name: str
    created: str
    updated: str
    description: str | None = None
    ranked: bool = False
    letterboxd: str | None = None
    entries: list[IncomingEntry] = field(default_factory=list)
    own_id: int | None = None
    slug: str | None = None


@dataclass
class ListPlan:
    """The lists an import adds and updates; ``lists`` is the whole table afterwards."""

    lists: list[FilmList]
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def changes(self) -> bool:
        return bool(self.added or self.updated)

    def summary(self) -> str:
        line = f"lists: {self.added} added, {self.updated} updated, {self.unchanged} unchanged"
        if self.kept:
            line += f", {self.kept} kept (edited in filmrev; --overwrite replaces them)"
        return line


class _Linker:
    """Finds the review of an incoming entry among the reviews after the import."""

    def __init__(self, reviews: Iterable[Review], id_map: Mapping[int, int]) -> None:
        self.reviews = {review.id: review for review in reviews}
        self.id_map = id_map
        self.by_uri: dict[str, int] = {}
        self.by_title: dict[tuple[str, int | None], list[int]] = {}
        for review in self.reviews.values():
            uri = review.sources.get("letterboxd")
            if uri:
                self.by_uri.setdefault(uri, review.id)
            for name in {title_key(review.title), title_key(review.original_title or "")}:
                if name:
                    self.by_title.setdefault((name, review.year), []).append(review.id)

    def entry(self, incoming: IncomingEntry) -> ListEntry:
        review_id: int | None = None
        if incoming.own_review_id is not None:
            review_id = self.id_map.get(incoming.own_review_id)
        if review_id is None and incoming.uri:
            review_id = self.by_uri.get(incoming.uri)
        if review_id is None:
            found = self.by_title.get((title_key(incoming.title), incoming.year), [])
            review_id = found[0] if len(found) == 1 else None
        if review_id is not None and review_id in self.reviews:
            review = self.reviews[review_id]
            if incoming.own_review_id is not None:  # an own export: the entry as it was stored
                return ListEntry(review_id, incoming.title, incoming.year, incoming.note)
            return ListEntry(review_id, review.title, review.year, incoming.note)
        return ListEntry(None, incoming.title, incoming.year, incoming.note)


def _entries(incoming: IncomingList, linker: _Linker, notes: list[str]) -> tuple[ListEntry, ...]:
    entries: list[ListEntry] = []
    for item in incoming.entries:
        entry = linker.entry(item)
        if any(film_lists.same_film(entry, other) for other in entries):
            notes.append(f"{incoming.origin}: {entry.display_title} is listed twice; kept once")
            continue
        entries.append(entry)
    return tuple(entries)


def _same_content(one: FilmList, other: FilmList) -> bool:
    keys = ("name", "description", "ranked", "entries", "sources")
    first, second = one.to_doc(), other.to_doc()
    return all(first[key] == second[key] for key in keys)


def plan_lists(
    library: Library,
    incoming: Sequence[IncomingList],
    reviews_after: Iterable[Review],
    id_map: Mapping[int, int],
    *,
    overwrite: bool = False,
) -> ListPlan:
    """What importing ``incoming`` does to the library's lists (nothing is written)."""
    lists = film_lists.load_lists(library)
    plan = ListPlan(lists=list(lists))
    linker = _Linker(reviews_after, id_map)
    for item in incoming:
        entries = _entries(item, linker, plan.notes)
        match = _match(plan.lists, item)
        if match is None:
            plan.lists.append(_new(plan.lists, item, entries))
            plan.added += 1
            continue
        proposed = match.evolve(
            name=match.name if fold(match.name) == fold(item.name) else item.name,
            description=item.description,
            ranked=item.ranked,
            entries=entries,
            sources={"letterboxd": item.letterboxd or match.sources.get("letterboxd")},
        )
        if _same_content(match, proposed):
            plan.unchanged += 1
            continue
        if match.updated > item.updated and not overwrite:
            plan.kept += 1
            plan.notes.append(
                f"kept list {match.name!r}: edited in filmrev since it was imported "
                "(--overwrite replaces it)"
            )
            continue
        try:
            film_lists.rename_list(plan.lists, match, proposed.name, stamp=item.updated)
        except ValidationError:
            proposed = proposed.evolve(name=match.name)
        plan.lists = film_lists.replace(plan.lists, proposed.evolve(updated=item.updated))
        plan.updated += 1
    return plan


def _match(lists: Sequence[FilmList], item: IncomingList) -> FilmList | None:
    if item.letterboxd:
        for film_list in lists:
            if film_list.sources.get("letterboxd") == item.letterboxd:
                return film_list
    for film_list in lists:
        if fold(film_list.name) == fold(item.name):
            theirs = film_list.sources.get("letterboxd")
            if item.letterboxd and theirs and theirs != item.letterboxd:
                continue  # two Letterboxd lists of one name: not the same list
            return film_list
    return None


def _new(lists: Sequence[FilmList], item: IncomingList, entries: Sequence[ListEntry]) -> FilmList:
    taken_ids = {film_list.id for film_list in lists}
    list_id = item.own_id if item.own_id is not None and item.own_id not in taken_ids else None
    name = item.name
    names = {fold(film_list.name) for film_list in lists}
    counter = 2
    while fold(name) in names:  # two Letterboxd lists of one name
        name = f"{item.name} ({counter})"
        counter += 1
    created = film_lists.new_list(
        lists,
        name,
        stamp=item.created,
        ranked=item.ranked,
        description=item.description,
        letterboxd=item.letterboxd,
        list_id=list_id,
    )
    slugs = {film_list.slug for film_list in lists}
    if item.slug is not None and item.slug not in slugs:
        created = created.evolve(slug=item.slug)
    return created.evolve(entries=tuple(entries), updated=item.updated)


def apply_lists(library: Library, plan: ListPlan) -> None:
    """Write the planned lists (inside the import's transaction)."""
    if plan.changes:
        film_lists.save_lists(library, plan.lists)


def reviews_after(library: Library, planned: Iterable[Review]) -> list[Review]:
    """The library's reviews as an import plan leaves them (summaries are enough)."""
    by_id: dict[int, Any] = {review.id: review for review in library.summaries()}
    by_id.update((review.id, review) for review in planned)
    return list(by_id.values())


def lists_from_export(
    value: object, review_ids: set[int], name: str, problems: Problems
) -> list[IncomingList]:
    """The ``"lists"`` of a filmrev JSON export, validated (entries name reviews of the file)."""
    if not isinstance(value, list):
        problems.add(f"{name}:1", '"lists" must be a list of list objects')
        return []
    incoming: list[IncomingList] = []
    for number, doc in enumerate(value, start=1):
        list_id = doc.get("id") if isinstance(doc, dict) else None
        if not isinstance(list_id, int) or isinstance(list_id, bool) or list_id < 1:
            problems.add(f"{name}:1", f"list #{number}: id must be a whole number ≥ 1")
            continue
        try:
            film_list = FilmList.from_doc(list_id, doc)
        except ValidationError as error:
            problems.add(f"{name}:1", error.message)
            continue
        strangers = [
            entry.review_id
            for entry in film_list.entries
            if entry.review_id is not None and entry.review_id not in review_ids
        ]
        if strangers:
            problems.add(
                f"{name}:1", f"list {list_id}: review {strangers[0]} is not a review in this file"
            )
            continue
        incoming.append(
            IncomingList(
                origin=f"{name}: list {list_id}",
                name=film_list.name,
                created=film_list.created,
                updated=film_list.updated,
                description=film_list.description,
                ranked=film_list.ranked,
                letterboxd=film_list.sources.get("letterboxd"),
                entries=[
                    IncomingEntry(entry.title, entry.year, entry.note, None, entry.review_id)
                    for entry in film_list.entries
                ],
                own_id=film_list.id,
                slug=film_list.slug,
            )
        )
    return incoming
