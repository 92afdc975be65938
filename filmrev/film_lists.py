"""Named lists of films ("Best of 2012", "Festival 2024"): dataclasses and pure operations.

A list lives in the TinyDB table ``lists`` (doc id = list id, from 1)::

    {"name": "Best of 2012", "slug": "best-of-2012", "description": null, "ranked": true,
     "created": TS, "updated": TS, "sources": {"letterboxd": null},
     "entries": [{"review_id": 3, "title": "Holy Motors", "year": 2012, "note": null}, ...]}

Entries are in list order; ``review_id`` null is a film with no review yet. An entry
keeps the film's title and year even when it names a review, so a list still reads
right after that review is deleted (the entry becomes a film-only one).

Every function here is pure: it takes lists and returns new ones; the commands do the
reading and writing (:mod:`filmrev.commands.lists`)::

    >>> films = new_list([], "Best of 2012", ranked=True, stamp="2026-01-01T00:00:00.000000Z")
    >>> films.slug
    'best-of-2012'
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from filmrev.errors import CorruptLibraryError, NotFoundError, ValidationError
from filmrev.folding import fold
from filmrev.model import (
    BODY_MAX,
    LIST_MAX,
    SLUG_MAX,
    Review,
    parse_optional_url,
    parse_slug,
    parse_timestamp,
    parse_title,
    parse_year,
    shown,
    unique_slug,
)

if TYPE_CHECKING:
    from filmrev.store import Library

TABLE = "lists"
#: A list's description and an entry's note are prose, like a review body (Letterboxd's
#: list notes run to thousands of characters): the body limit applies to each.
DESCRIPTION_MAX = BODY_MAX
NOTE_MAX = BODY_MAX
MAX_SUGGESTIONS = 3
_FILM_YEAR = re.compile(r"^(?P<title>.*\S)\s*\((?P<year>\d{4})\)\s*$")


@dataclass(frozen=True)
class ListEntry:
    """One film of a list: a review (``review_id``) or a film with no review yet."""

    review_id: int | None
    title: str
    year: int | None = None
    note: str | None = None

    def to_doc(self) -> dict[str, Any]:
        return {
            "review_id": self.review_id,
            "title": self.title,
            "year": self.year,
            "note": self.note,
        }

    @classmethod
    def from_doc(cls, doc: object, where: str = "entry") -> ListEntry:
        if not isinstance(doc, dict):
            raise ValidationError(f"{where} must be an object")
        unknown = sorted(set(doc) - {"review_id", "title", "year", "note"})
        if unknown:
            raise ValidationError(f"{where} has unknown field {unknown[0]!r}")
        review_id = doc.get("review_id")
        if review_id is not None and (
            not isinstance(review_id, int) or isinstance(review_id, bool) or review_id < 1
        ):
            raise ValidationError(f"{where}: review_id must be a review id or null")
        return cls(
            review_id=review_id,
            title=parse_title(doc.get("title"), f"{where} title"),
            year=parse_year(doc.get("year")),
            note=parse_note(doc.get("note"), f"{where} note"),
        )

    @property
    def display_title(self) -> str:
        return f"{self.title} ({self.year})" if self.year else self.title


@dataclass(frozen=True)
class FilmList:
    """A named list: ordered (``ranked``: numbered 1..n) or not, with its entries."""

    id: int
    name: str
    slug: str
    created: str
    updated: str
    description: str | None = None
    ranked: bool = False
    sources: dict[str, str | None] = field(default_factory=lambda: {"letterboxd": None})
    entries: tuple[ListEntry, ...] = ()

    def to_doc(self) -> dict[str, Any]:
        """The stored document (the id is the TinyDB doc id, not a field)."""
        return {
            "name": self.name,
            "slug": self.slug,
            "description": self.description,
            "ranked": self.ranked,
            "created": self.created,
            "updated": self.updated,
            "sources": dict(self.sources),
            "entries": [entry.to_doc() for entry in self.entries],
        }

    def to_json(self) -> dict[str, Any]:
        """The list as ``lists show --format json`` and the JSON export give it (with id)."""
        return {"id": self.id, **self.to_doc()}

    @classmethod
    def from_doc(cls, list_id: int, doc: object) -> FilmList:
        where = f"list {list_id}"
        if not isinstance(doc, dict):
            raise ValidationError(f"{where} must be an object")
        unknown = sorted(set(doc) - {*_FIELDS, "id"})
        if unknown:
            raise ValidationError(f"{where} has unknown field {unknown[0]!r}")
        ranked = doc.get("ranked", False)
        if not isinstance(ranked, bool):
            raise ValidationError(f"{where}: ranked must be true or false")
        entries = doc.get("entries", [])
        if not isinstance(entries, list):
            raise ValidationError(f"{where}: entries must be a list")
        if len(entries) > LIST_MAX:
            raise ValidationError(
                f"{where} holds {len(entries):,} entries; the limit is {LIST_MAX:,}"
            )
        sources = doc.get("sources") or {}
        if not isinstance(sources, dict) or set(sources) - {"letterboxd"}:
            raise ValidationError(f"{where}: sources must be {{'letterboxd': URL or null}}")
        parsed = tuple(
            ListEntry.from_doc(entry, f"{where} entry {number}")
            for number, entry in enumerate(entries, start=1)
        )
        film_list = cls(
            id=list_id,
            name=parse_list_name(doc.get("name")),
            slug=parse_slug(doc.get("slug")),
            created=parse_timestamp(doc.get("created"), f"{where} created"),
            updated=parse_timestamp(doc.get("updated"), f"{where} updated"),
            description=parse_description(doc.get("description")),
            ranked=ranked,
            sources={
                "letterboxd": parse_optional_url(sources.get("letterboxd"), f"{where} source")
            },
            entries=parsed,
        )
        duplicate = _duplicate(film_list.entries)
        if duplicate is not None:
            raise ValidationError(f"{where} holds {duplicate.display_title} twice")
        return film_list

    def evolve(self, **changes: Any) -> FilmList:
        return dataclasses.replace(self, **changes)


_FIELDS = ("name", "slug", "description", "ranked", "created", "updated", "sources", "entries")


# --- parsing ----------------------------------------------------------------------------------


def parse_list_name(value: object) -> str:
    """A list name: trimmed, runs of spaces made one, 1–300 characters."""
    if not isinstance(value, str):
        raise ValidationError("list name must be text")
    return parse_title(" ".join(value.split()), "list name")


def parse_description(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValidationError("list description must be text")
    text = value.strip()
    if len(text) > DESCRIPTION_MAX:
        raise ValidationError(
            f"list description is {len(text):,} characters; the limit is {DESCRIPTION_MAX:,}"
        )
    return text or None


def parse_note(value: object, field_name: str = "note") -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValidationError(f"{field_name} must be text")
    text = value.strip()
    if len(text) > NOTE_MAX:
        raise ValidationError(
            f"{field_name} is {len(text):,} characters; the limit is {NOTE_MAX:,}"
        )
    return text or None


def parse_film(text: str) -> tuple[str, int | None]:
    """``"Holy Motors (2012)"`` → ``("Holy Motors", 2012)``; no year in brackets: None."""
    match = _FILM_YEAR.match(text.strip())
    if match is None:
        return parse_title(text, "film title"), None
    return parse_title(match["title"], "film title"), parse_year(match["year"])


def lists_from_docs(docs: Mapping[int, object]) -> list[FilmList]:
    """Every stored list, validated, by id."""
    return [FilmList.from_doc(list_id, docs[list_id]) for list_id in sorted(docs)]


def docs_of(lists: Iterable[FilmList]) -> dict[int, dict[str, Any]]:
    return {film_list.id: film_list.to_doc() for film_list in lists}


def load_lists(library: Library) -> list[FilmList]:
    """The library's lists (a missing table is no lists)."""
    try:
        return lists_from_docs(library.table_docs(TABLE))
    except ValidationError as error:
        raise CorruptLibraryError(f"library {library.paths.display}: {error.message}") from None


def save_lists(library: Library, lists: Iterable[FilmList]) -> None:
    """Store ``lists`` as the whole table (inside :func:`filmrev.store.writing`)."""
    library.replace_table_docs(TABLE, docs_of(lists))


# --- finding ------------------------------------------------------------------------------------


def find_list(lists: Sequence[FilmList], name: str) -> FilmList:
    """The list called ``name`` (folded: case, accents, quotes, spacing), or its slug."""
    wanted = fold(name)
    for film_list in lists:
        if fold(film_list.name) == wanted:
            return film_list
    for film_list in lists:
        if film_list.slug == name.strip():
            return film_list
    raise NotFoundError(f"no list named {name!r}{_did_you_mean(lists, name)}")


def _did_you_mean(lists: Sequence[FilmList], name: str) -> str:
    if not lists:
        return "; there are no lists yet (`filmrev lists create NAME`)"
    by_fold = {fold(film_list.name): film_list.name for film_list in lists}
    close = difflib.get_close_matches(fold(name), list(by_fold), n=MAX_SUGGESTIONS, cutoff=0.5)
    wanted = fold(name)
    for folded in by_fold:  # "2012" finds "Best of 2012"
        if wanted and wanted in folded and folded not in close and len(close) < MAX_SUGGESTIONS:
            close.append(folded)
    if not close:
        return " (`filmrev lists` shows them)"
    return "; did you mean: " + ", ".join(repr(by_fold[folded]) for folded in close) + "?"


def list_slug(name: str, taken: Iterable[str], list_id: int) -> str:
    """``best-of-2012``, unique among the lists' slugs (``list-<id>`` if nothing sluggable)."""
    from slugify import slugify

    base = slugify(name, max_length=SLUG_MAX, word_boundary=True) or f"list-{list_id}"
    if base.isdigit():
        base = f"list-{base}"[:SLUG_MAX]
    return unique_slug(base, taken)


def next_id(lists: Sequence[FilmList]) -> int:
    return max((film_list.id for film_list in lists), default=0) + 1


def new_list(
    lists: Sequence[FilmList],
    name: str,
    *,
    stamp: str,
    ranked: bool = False,
    description: str | None = None,
    entries: Sequence[ListEntry] = (),
    letterboxd: str | None = None,
    list_id: int | None = None,
) -> FilmList:
    """A new list; its name must not be taken (folded) by another list."""
    clean_name = parse_list_name(name)
    _refuse_taken_name(lists, clean_name)
    chosen_id = list_id if list_id is not None else next_id(lists)
    film_list = FilmList(
        id=chosen_id,
        name=clean_name,
        slug=list_slug(clean_name, {other.slug for other in lists}, chosen_id),
        created=stamp,
        updated=stamp,
        description=parse_description(description),
        ranked=ranked,
        sources={"letterboxd": parse_optional_url(letterboxd, "Letterboxd list URL")},
    )
    return add_entries(film_list, entries, stamp=stamp) if entries else film_list


def _refuse_taken_name(lists: Sequence[FilmList], name: str, allowed: int | None = None) -> None:
    for other in lists:
        if other.id != allowed and fold(other.name) == fold(name):
            raise ValidationError(f"a list named {other.name!r} exists already")


def replace(lists: Sequence[FilmList], changed: FilmList) -> list[FilmList]:
    """``lists`` with ``changed`` in place of the list of the same id (or added)."""
    result = [changed if film_list.id == changed.id else film_list for film_list in lists]
    if all(film_list.id != changed.id for film_list in lists):
        result.append(changed)
    return result


def remove_list(lists: Sequence[FilmList], film_list: FilmList) -> list[FilmList]:
    return [other for other in lists if other.id != film_list.id]


# --- entries ----------------------------------------------------------------------------------


def same_film(one: ListEntry, other: ListEntry) -> bool:
    """Two entries of one film: the same review, or (one has no review) the same folded
    title and year, so a film added before its review was written is not listed twice."""
    if one.review_id is not None and other.review_id is not None:
        return one.review_id == other.review_id
    return fold(one.title) == fold(other.title) and one.year == other.year


def _duplicate(entries: Sequence[ListEntry]) -> ListEntry | None:
    """The first entry that names a film listed before it (see :func:`same_film`)."""
    seen_reviews: set[int] = set()
    linked_films: set[tuple[str, int | None]] = set()
    loose_films: set[tuple[str, int | None]] = set()
    for entry in entries:
        key = (fold(entry.title), entry.year)
        if entry.review_id is not None:
            if entry.review_id in seen_reviews or key in loose_films:
                return entry
            seen_reviews.add(entry.review_id)
            linked_films.add(key)
        else:
            if key in loose_films or key in linked_films:
                return entry
            loose_films.add(key)
    return None


def entry_for(review: Review, note: str | None = None) -> ListEntry:
    return ListEntry(review.id, review.title, review.year, note)


def check_position(position: int, size: int, what: str = "position") -> int:
    """``position`` must be in 1..size (``size`` is len+1 when adding)."""
    if not 1 <= position <= size:
        raise ValidationError(f"{what} must be from 1 to {size} (got {shown(position)})")
    return position


def add_entries(
    film_list: FilmList,
    entries: Sequence[ListEntry],
    *,
    stamp: str,
    at: int | None = None,
) -> FilmList:
    """``entries`` inserted at position ``at`` (1-based; default: the end), in their order.

    A film already in the list, or given twice, is refused: nothing is added.
    """
    current = list(film_list.entries)
    for entry in entries:
        for other in current:
            if same_film(entry, other):
                raise ValidationError(
                    f"{other.display_title} is already in {film_list.name!r}; nothing was added"
                )
    twice = _duplicate(entries)
    if twice is not None:
        raise ValidationError(f"{twice.display_title} is given twice; nothing was added")
    index = len(current) if at is None else check_position(at, len(current) + 1, "--at") - 1
    updated = current[:index] + list(entries) + current[index:]
    if len(updated) > LIST_MAX:
        raise ValidationError(f"a list holds at most {LIST_MAX:,} films")
    return film_list.evolve(entries=tuple(updated), updated=stamp)


def entry_index(film_list: FilmList, ref: str, reviews: Mapping[int, Review]) -> int:
    """Which entry ``ref`` names: a review id or slug, or a film's title (with ``(YEAR)``).

    Only the list's own entries are searched, folded; 0-based index.
    """
    text = ref.strip()
    by_slug = {review.slug: review.id for review in reviews.values()}
    wanted_id = int(text) if text.isdigit() else by_slug.get(text)
    if wanted_id is not None:
        for index, entry in enumerate(film_list.entries):
            if entry.review_id == wanted_id:
                return index
    try:
        title, year = parse_film(text)
    except ValidationError:
        title, year = text, None
    hits = [
        index
        for index, entry in enumerate(film_list.entries)
        if fold(_current_title(entry, reviews)) == fold(title)
        and (year is None or _current_year(entry, reviews) == year)
    ]
    if len(hits) == 1:
        return hits[0]
    if len(hits) > 1:
        shown_films = ", ".join(film_list.entries[index].display_title for index in hits[:5])
        raise ValidationError(f"{ref!r} matches several films of the list: {shown_films}")
    raise NotFoundError(f"{ref!r} is not in the list {film_list.name!r}")


def _current_title(entry: ListEntry, reviews: Mapping[int, Review]) -> str:
    review = reviews.get(entry.review_id) if entry.review_id is not None else None
    return review.title if review is not None else entry.title


def _current_year(entry: ListEntry, reviews: Mapping[int, Review]) -> int | None:
    review = reviews.get(entry.review_id) if entry.review_id is not None else None
    return review.year if review is not None else entry.year


def remove_entry(film_list: FilmList, index: int, *, stamp: str) -> FilmList:
    entries = list(film_list.entries)
    del entries[index]
    return film_list.evolve(entries=tuple(entries), updated=stamp)


def move_entry(film_list: FilmList, index: int, to: int, *, stamp: str) -> FilmList:
    """The entry at ``index`` (0-based) moved to position ``to`` (1-based); others shift."""
    entries = list(film_list.entries)
    check_position(to, len(entries), "--to")
    entry = entries.pop(index)
    entries.insert(to - 1, entry)
    return film_list.evolve(entries=tuple(entries), updated=stamp)


def rename_list(
    lists: Sequence[FilmList], film_list: FilmList, new_name: str, *, stamp: str
) -> FilmList:
    """The list under a new name; the slug stays (published pages link to it)."""
    clean_name = parse_list_name(new_name)
    _refuse_taken_name(lists, clean_name, allowed=film_list.id)
    return film_list.evolve(name=clean_name, updated=stamp)


# --- reading a list with its reviews ------------------------------------------------------------


@dataclass(frozen=True)
class Resolved:
    """One entry with its review (None: a film with no review, or one deleted since)."""

    position: int
    entry: ListEntry
    review: Review | None

    @property
    def title(self) -> str:
        return self.review.title if self.review is not None else self.entry.title

    @property
    def year(self) -> int | None:
        return self.review.year if self.review is not None else self.entry.year

    @property
    def display_title(self) -> str:
        return f"{self.title} ({self.year})" if self.year else self.title


def resolved(film_list: FilmList, reviews: Mapping[int, Review]) -> list[Resolved]:
    """The entries in order, each with its review when that review still exists."""
    return [
        Resolved(
            position,
            entry,
            reviews.get(entry.review_id) if entry.review_id is not None else None,
        )
        for position, entry in enumerate(film_list.entries, start=1)
    ]


def from_ranking(ranked: Sequence[Review]) -> list[ListEntry]:
    """Entries for ranked reviews (already filtered and in rank order)."""
    return [entry_for(review) for review in ranked]


def review_for_film(title: str, year: int | None, reviews: Iterable[Review]) -> Review | None:
    """The one review of a film by folded title (or original title) and year."""
    wanted = fold(title)
    hits = [
        review
        for review in reviews
        if (year is None or review.year == year)
        and wanted in {fold(review.title), fold(review.original_title or "")}
    ]
    return hits[0] if len(hits) == 1 else None
