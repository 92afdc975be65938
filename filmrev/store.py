"""The library: reviews, ranks and comparisons in one TinyDB file; bodies in the body store.

Usable from Python without the CLI (``filmrev.api`` is the friendlier face)::

    from filmrev.paths import resolve_library
    from filmrev.store import Library
    from filmrev.transaction import writing

    paths = resolve_library("library.json")
    with writing(paths) as library:          # locked; one read, one atomic write
        review = library.add({"title": "Rust and Bone", "year": 2012})
    print(Library.load(paths).get(review.id))  # a read needs no lock

File layout (schema 2)::

    {"meta": {"1": {"schema": 2, "next_id": 12, "generation": 40, "library": "<uuid hex>"}},
     "reviews": {"1": {<review object, but "body": {"sha256", "bytes", "words"}>,
                       "history": [{"sha256", "bytes", "words", "saved"}, ...]}, ...},
     "comparisons": {"1": {"winner": 3, "loser": 7, "tie": false, "at": "..."}, ...}}

Bodies live in ``library.json.d/bodies/`` (:mod:`filmrev.bodies`) and are written,
durably, before the commit (the ``os.replace`` of this file) that refers to them.
Schema 1 (bodies inline) is migrated on the first write, after a backup.

Ids are never reused: ``next_id`` only grows (TinyDB alone would reuse the
highest id after a delete).
"""

from __future__ import annotations

import dataclasses
import hashlib
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from typing import Any

from tinydb import TinyDB
from tinydb.table import Document

from filmrev import ranking
from filmrev.bodies import BodyError, BodyStore, body_ref
from filmrev.errors import CorruptLibraryError, InvariantError, ValidationError
from filmrev.model import (
    SCHEMA_VERSION,
    Review,
    make_slug,
    now_utc,
    parse_title,
    parse_year,
    slug_clashes,
)
from filmrev.paths import LibraryPaths
from filmrev.storage import (
    RawDoc,
    TransactionStorage,
    atomic_write,
    load_json,
    parse_library_bytes,
    read_file_bytes,
    serialise,
    split_tables,
)

META = "meta"
REVIEWS = "reviews"
COMPARISONS = "comparisons"
META_ID = 1


def _migrate_0_to_1(tables: dict[str, Any]) -> dict[str, Any]:
    """A file without a meta table (a bare TinyDB file): add one, counting on from its top id."""
    reviews = tables.get(REVIEWS, {})
    highest = max((int(key) for key in reviews if key.isdigit()), default=0)
    tables[META] = {str(META_ID): {"schema": 1, "next_id": highest + 1, "generation": 0}}
    return tables


def _migrate_1_to_2(tables: dict[str, Any]) -> dict[str, Any]:
    """Bodies move out of the file into the body store: each becomes a reference; the
    fields added with schema 2 are filled in.

    The text rides along under ``"text"`` until :class:`Library` takes it as a pending
    body (written to the store before the first commit of the new file).
    """
    for doc in tables.get(REVIEWS, {}).values():
        if isinstance(doc, dict) and "body" in doc and not isinstance(doc["body"], dict):
            text = doc["body"]
            if text is None:
                text = ""
            if isinstance(text, str):
                doc["body"] = {**body_meta(text), "text": text}
        if isinstance(doc, dict):
            _add_fields_of_schema_2(doc)
    record = tables.get(META, {}).get(str(META_ID))
    if isinstance(record, dict):
        record["schema"] = 2
    return tables


def _add_fields_of_schema_2(doc: dict[str, Any]) -> None:
    """The fields schema 2 added (WordPress import), at their empty values."""
    doc.setdefault("categories", [])
    doc.setdefault("comments", [])
    if isinstance(doc.get("sources"), dict):
        doc["sources"].setdefault("wordpress", None)
    for image in doc.get("images") or []:
        if isinstance(image, dict):
            image.setdefault("featured", False)


#: Named migrations, keyed by the schema version they upgrade from.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {
    0: _migrate_0_to_1,
    1: _migrate_1_to_2,
}


def _schema_of(tables: dict[str, Any], display: str) -> int:
    meta = tables.get(META)
    if not meta:
        return 0 if tables else SCHEMA_VERSION
    record = meta.get(str(META_ID))
    if not isinstance(record, dict):
        raise CorruptLibraryError(f"library {display}: meta table has no record 1")
    schema = record.get("schema")
    if not isinstance(schema, int) or isinstance(schema, bool) or schema < 1:
        raise CorruptLibraryError(f"library {display}: schema version {schema!r} is not valid")
    if schema > SCHEMA_VERSION:
        raise CorruptLibraryError(
            f"library {display} has schema {schema}, newer than this filmrev supports "
            f"({SCHEMA_VERSION}); upgrade filmrev"
        )
    next_id = record.get("next_id")
    if not isinstance(next_id, int) or isinstance(next_id, bool) or next_id < 1:
        raise CorruptLibraryError(f"library {display}: meta next_id {next_id!r} is not valid")
    return schema


def migrate(tables: dict[str, Any], display: str) -> tuple[dict[str, Any], bool]:
    """Upgrade ``tables`` to the current schema; returns (tables, whether anything ran)."""
    schema = _schema_of(tables, display)
    migrated = False
    while schema < SCHEMA_VERSION:
        tables = MIGRATIONS[schema](tables)
        schema += 1
        migrated = True
    return tables, migrated


class _Unloaded(str):
    """The body of a review summary: not read from the body store (yet)."""

    __slots__ = ()


#: The ``body`` of every summary (``Library.summaries``). Saving a review whose body is this
#: very object keeps its stored body: :meth:`Review.evolve` passes it through unchanged.
UNLOADED = _Unloaded("")


def body_meta(text: str) -> dict[str, Any]:
    """What the TinyDB file holds for a body: its hash, size and word count."""
    return {
        "sha256": body_ref(text),
        "bytes": len(text.encode("utf-8", "surrogatepass")),
        "words": len(text.split()),
    }


def _valid_body_meta(value: object) -> bool:
    return (
        isinstance(value, dict)
        and isinstance(value.get("sha256"), str)
        and len(value["sha256"]) == 64
        and isinstance(value.get("bytes"), int)
        and isinstance(value.get("words"), int)
    )


def parse_reviews(table: Mapping[str, Any], display: str) -> dict[int, Review]:
    """Validate every stored review; a bad one makes the whole library unreadable.

    Schema-2 documents hold the body by reference: the reviews come back as summaries
    (``body`` is :data:`UNLOADED`).
    """
    reviews: dict[int, Review] = {}
    for key, doc in table.items():
        if not isinstance(doc, dict):
            raise CorruptLibraryError(f"library {display}: review {key} is not a JSON object")
        fields = doc
        if "body" in doc and not isinstance(doc["body"], str):
            meta = doc["body"]
            if not _valid_body_meta(meta):
                raise CorruptLibraryError(
                    f"library {display}: review {key}: body must be a reference "
                    "{sha256, bytes, words}"
                )
            history = doc.get("history", [])
            if not isinstance(history, list) or not all(_valid_body_meta(h) for h in history):
                raise CorruptLibraryError(f"library {display}: review {key}: bad history")
            fields = {name: value for name, value in doc.items() if name != "history"}
            fields["body"] = UNLOADED
        try:
            review = Review.from_doc(fields, limits=False)
        except ValidationError as error:
            raise CorruptLibraryError(f"library {display}: review {key}: {error.message}") from None
        if str(review.id) != key:
            raise CorruptLibraryError(
                f"library {display}: review stored under id {key} says its id is {review.id}"
            )
        reviews[review.id] = review
    return reviews


def _problems(entries: Iterable[tuple[int, str, int | None]]) -> list[str]:
    listed = list(entries)
    problems = [
        f"slug {slug!r} is used by reviews {holder} and {other}"
        for slug, holder, other in slug_clashes((review_id, slug) for review_id, slug, _ in listed)
    ]
    problems.extend(ranking.validate_ranks({review_id: rank for review_id, _, rank in listed}))
    return problems


#: Builds a review from a stored document of a validated file, without checking it again.
Summary = Callable[[dict[str, Any]], Review]

#: The fields a :class:`RawDoc` knows without being parsed.
_RAW_FIELDS = frozenset(("slug", "rank", "year", "tags"))


class _Reviews(MutableMapping[int, Review]):
    """Review summaries by id, built from the stored documents on first use.

    Used for a file whose content the index has already validated (same SHA-256): a
    single-review command then builds one Review, not 10,000. Slugs and ranks are read
    from the documents without building anything. ``summary`` builds one review from
    its document without validating it again (``filmrev.index.summary_review``).
    """

    def __init__(
        self,
        docs: dict[int, Any],
        built: dict[int, Review],
        summary: Summary | None = None,
        parse: Callable[[int], dict[str, Any]] | None = None,
    ) -> None:
        #: Not built yet (disjoint from _built): a document, or a :class:`RawDoc` (its line
        #: in the file, unparsed) that ``parse`` turns into one.
        self._docs = docs
        self._built = built
        self._summary = summary
        self._parse = parse or (lambda review_id: {})

    def __getitem__(self, review_id: int) -> Review:
        review = self._built.get(review_id)
        if review is None:
            doc = self._docs[review_id]  # KeyError: no such review
            assert self._summary is not None  # docs are only given with their builder
            if isinstance(doc, RawDoc):
                doc = self._parse(review_id)
            review = self._summary(doc)
            del self._docs[review_id]
            self._built[review_id] = review
        return review

    def __setitem__(self, review_id: int, review: Review) -> None:
        self._docs.pop(review_id, None)
        self._built[review_id] = review

    def __delitem__(self, review_id: int) -> None:
        if self._built.pop(review_id, None) is None:
            del self._docs[review_id]

    def __contains__(self, review_id: object) -> bool:
        return review_id in self._built or review_id in self._docs

    def __iter__(self) -> Iterator[int]:
        yield from list(self._built)
        yield from list(self._docs)

    def __len__(self) -> int:
        return len(self._built) + len(self._docs)

    def field_values(self, name: str) -> Iterator[tuple[int, Any]]:
        """``(id, value of field name)`` of every review, building nothing (lists may be
        tuples)."""
        for review_id, review in self._built.items():
            yield review_id, getattr(review, name)
        for review_id, doc in self._docs.items():
            if isinstance(doc, RawDoc):
                if name in _RAW_FIELDS:
                    yield review_id, getattr(doc, name)
                    continue
                doc = self._parse(review_id)
            yield review_id, doc[name]

    def slug_rank(self) -> Iterator[tuple[int, str, int | None]]:
        """``(id, slug, rank)`` of every review, building nothing."""
        for review_id, review in self._built.items():
            yield review_id, review.slug, review.rank
        for review_id, doc in self._docs.items():
            if isinstance(doc, RawDoc):
                yield review_id, doc.slug, doc.rank
            else:
                yield review_id, doc["slug"], doc["rank"]


class Library:
    """One library: the TinyDB file (read once) and the body store beside it.

    Obtained read-only with :meth:`load`, or inside :func:`filmrev.transaction.writing`,
    which holds the lock and commits the changes with one atomic write. Reviews are kept as
    summaries (no body); :meth:`get` and :meth:`reviews` read bodies from the
    store as they are asked for.
    """

    def __init__(
        self,
        paths: LibraryPaths,
        tables: dict[str, Any],
        exists: bool,
        *,
        reviews: Mapping[int, Review] | None = None,
        bodies: BodyStore | None = None,
        summary: Summary | None = None,
    ) -> None:
        self.paths = paths
        self.exists = exists
        self.bodies = bodies if bodies is not None else BodyStore(paths.data_dir)
        self._db = TinyDB(tables, storage=TransactionStorage)
        self._storage: TransactionStorage = self._db.storage  # type: ignore[assignment]
        #: Bodies to write to the store before the next commit, by ref.
        self._pending: dict[str, str] = {}
        #: Bodies already read (or just saved), by review id.
        self._texts: dict[int, str] = {}
        raw_reviews = tables.get(REVIEWS, {})
        if summary is not None:  # a validated file: its documents are built as asked for
            docs = {int(key): doc for key, doc in raw_reviews.items()}
            self._reviews = _Reviews(docs, {}, summary, self._doc)
        else:
            parsed = (
                dict(reviews) if reviews is not None else parse_reviews(raw_reviews, paths.display)
            )
            self._reviews = _Reviews({}, parsed)
        for key, doc in raw_reviews.items():
            meta = doc.get("body") if isinstance(doc, dict) else None
            if isinstance(meta, dict) and "text" in meta:  # a migrated schema-1 body
                text = meta.pop("text")
                self._pending[meta["sha256"]] = text
                self._texts[int(key)] = text
        self.problems = _problems(self._reviews.slug_rank())
        highest = max(self._reviews, default=0)
        if int(self.meta.get("next_id", 1)) <= highest:
            # A new review would take an existing id and overwrite that review.
            self.problems.append(
                f"meta next_id {self.meta.get('next_id')} is not above the highest id {highest}"
            )
        self.after_commit: list[Callable[[Library], None]] = []
        #: Ids of reviews stored or deleted since the load (the index updates only these).
        self.touched: set[int] = set()
        #: The TinyDB file's bytes as loaded (None: no file), for the index's check.
        self.loaded_bytes: bytes | None = None
        self._loaded_sha: str | None = None

    @classmethod
    def load(
        cls,
        paths: LibraryPaths,
        *,
        exact: bool = False,
        validated: str | None = None,
        summary: Summary | None = None,
    ) -> Library:
        """Read and validate the library (missing file: an empty library).

        ``exact`` checks every JSON object for duplicate keys (done before any write).
        ``validated`` is the SHA-256 of a file content known to be valid (the index
        records it): a file with that hash is not validated again, review by review;
        ``summary`` builds its reviews from their documents (both come from the index,
        :func:`filmrev.index.load_library`; without ``summary`` the file is validated).
        """
        raw = read_file_bytes(paths.file, paths.display)
        if raw is None:
            return cls(paths, {}, exists=False)
        sha = hashlib.sha256(raw).hexdigest() if validated is not None else None
        if sha is not None and sha == validated and summary is not None:
            # Known valid: split into lines, review documents parsed only when needed.
            tables = split_tables(raw) or load_json(raw)
            record = tables.get(META, {}).get(str(META_ID), {})
            if record.get("schema") == SCHEMA_VERSION:  # an older one must be migrated
                library = cls(paths, tables, exists=True, summary=summary)
                library.loaded_bytes, library._loaded_sha = raw, sha
                return library
        tables, migrated = migrate(
            parse_library_bytes(raw, paths.display, exact=exact), paths.display
        )
        library = cls(paths, tables, exists=True)
        library.loaded_bytes = raw
        if migrated:
            library._storage.dirty = True
        return library

    # --- reading -------------------------------------------------------------------

    @property
    def meta(self) -> dict[str, Any]:
        record = self._db.table(META).get(doc_id=META_ID)
        if record is None:
            return {"schema": SCHEMA_VERSION, "next_id": 1, "generation": 0}
        return dict(record)

    @property
    def generation(self) -> int:
        """A counter bumped by every committed write."""
        return int(self.meta.get("generation", 0))

    def _doc(self, review_id: int) -> dict[str, Any]:
        table = self._storage.tables.get(REVIEWS, {})
        doc = table.get(str(review_id))
        if isinstance(doc, RawDoc):  # still its line in the file: parsed now, once
            doc = table[str(review_id)] = doc.parse()
        return doc if isinstance(doc, dict) else {}

    def body_info(self, review_id: int) -> dict[str, Any] | None:
        """``{"sha256", "bytes", "words"}`` of a review's current body, or None."""
        meta = self._doc(review_id).get("body")
        return dict(meta) if isinstance(meta, dict) else None

    def history(self, review_id: int) -> list[dict[str, Any]]:
        """Earlier bodies of a review, oldest first: ``{"sha256", "bytes", "words", "saved"}``."""
        history = self._doc(review_id).get("history", [])
        return [dict(entry) for entry in history] if isinstance(history, list) else []

    def body_text(self, ref: str) -> str:
        """A body by its hash (pending in this transaction, or from the store)."""
        if ref in self._pending:
            return self._pending[ref]
        return self.bodies.get(ref)

    def _body(self, review_id: int) -> str:
        text = self._texts.get(review_id)
        if text is not None:
            return text
        stored = self._doc(review_id).get("body")
        if isinstance(stored, str):  # held inline (a hand-made or older file): the text itself
            return stored
        meta = self.body_info(review_id)
        if meta is None:
            return ""
        try:
            return self.body_text(meta["sha256"])
        except BodyError as error:
            review = self._reviews[review_id]
            raise BodyError(
                f"review {review_id} ({review.slug}): {error.message}; "
                "run `filmrev doctor` (a backup may still hold this version)"
            ) from None

    @property
    def loaded_sha(self) -> str:
        """The SHA-256 of the file's bytes as loaded or last written (computed once)."""
        if self._loaded_sha is None:
            self._loaded_sha = hashlib.sha256(self.loaded_bytes or b"").hexdigest()
        return self._loaded_sha

    def read_body(self, review_id: int) -> str:
        """A review's current body (not kept in memory)."""
        return self._body(review_id)

    def _full(self, summary: Review, *, keep: bool = False) -> Review:
        text = self._body(summary.id)
        if keep:
            self._texts[summary.id] = text
        return dataclasses.replace(summary, body=text)

    def reviews(self) -> list[Review]:
        """All reviews with their bodies, by id (reads every body: prefer :meth:`iter_reviews`)."""
        return list(self.iter_reviews())

    def iter_reviews(self) -> Iterator[Review]:
        """All reviews with their bodies, by id, one body in memory at a time."""
        for review_id in sorted(self._reviews):
            yield self._full(self._reviews[review_id])

    def summaries(self) -> list[Review]:
        """All reviews by id without their bodies (``body`` is empty); safe to save back."""
        return [self._reviews[review_id] for review_id in sorted(self._reviews)]

    def get(self, review_id: int) -> Review | None:
        summary = self._reviews.get(review_id)
        return None if summary is None else self._full(summary, keep=True)

    def find_exact(self, ref: str) -> Review | None:
        """The review (with its body) whose id or exact slug is ``ref``, building no other."""
        text = ref.strip()
        if text.isdigit() and int(text) in self._reviews:
            return self.get(int(text))
        for review_id, slug, _ in self._reviews.slug_rank():
            if slug == text:
                return self.get(review_id)
        return None

    def summary(self, review_id: int) -> Review | None:
        """A review without its body (see :meth:`summaries`)."""
        return self._reviews.get(review_id)

    def summaries_where(self, name: str, keep: Callable[[Any], bool]) -> list[Review]:
        """Summaries (by id) of the reviews whose field ``name`` passes ``keep``; only those
        are built (``keep`` sees the stored value: a list or a tuple for list fields)."""
        ids = sorted(
            review_id for review_id, value in self._reviews.field_values(name) if keep(value)
        )
        return [self._reviews[review_id] for review_id in ids]

    def tag_spellings(self) -> dict[str, str]:
        """Folded tag → the library's spelling of it (``tagging.spellings`` of every review),
        building no Review."""
        from filmrev.folding import fold

        folded: dict[str, str] = {}
        spelling: dict[str, str] = {}
        for _, tags in sorted(self._reviews.field_values("tags"), key=lambda pair: pair[0]):
            for tag in tags:
                key = folded.get(tag)
                if key is None:
                    key = folded[tag] = fold(tag)
                spelling.setdefault(key, tag)
        return spelling

    def slugs(self) -> set[str]:
        return {slug for _, slug, _ in self._reviews.slug_rank()}

    def ranked_order(self) -> list[int]:
        """Ids of ranked films, best first."""
        ranked = [(rank, review_id) for review_id, _, rank in self._reviews.slug_rank() if rank]
        ranked.sort()
        return [review_id for _, review_id in ranked]

    def comparisons(self) -> list[dict[str, Any]]:
        """Stored head-to-head answers, oldest first."""
        table = self._db.table(COMPARISONS)
        return [dict(doc) for doc in sorted(table.all(), key=lambda doc: doc.doc_id)]

    def table_docs(self, name: str) -> dict[int, dict[str, Any]]:
        """Documents of an auxiliary table (e.g. import bookkeeping), by doc id."""
        return {doc.doc_id: dict(doc) for doc in self._db.table(name).all()}

    def stored_doc(self, review: Review) -> dict[str, Any]:
        """The document the TinyDB file holds for ``review`` (body by reference)."""
        doc = review.to_doc()
        current = self._doc(review.id)
        meta = current.get("body") if review.body is UNLOADED else body_meta(review.body)
        doc["body"] = dict(meta) if isinstance(meta, dict) else body_meta("")
        history = list(current.get("history", []))
        old = current.get("body")
        if isinstance(old, dict) and old.get("sha256") != doc["body"]["sha256"]:
            history.append(
                {
                    **{k: old[k] for k in ("sha256", "bytes", "words")},
                    "saved": current.get("updated"),
                }
            )
        if history:
            doc["history"] = history
        return doc

    # --- writing -------------------------------------------------------------------

    def set_next_id(self, next_id: int) -> None:
        """Set the id counter (``doctor --fix`` moves it above the highest id)."""
        self._set_meta(next_id=next_id)

    def _set_meta(self, **changes: Any) -> None:
        record = self.meta
        record.update(changes)
        self._db.table(META).upsert(Document(record, doc_id=META_ID))

    def _store(self, reviews: Iterable[Review]) -> None:
        """Write reviews into the TinyDB table and the parsed cache (one TinyDB write).

        A changed body goes to the pending bodies (written to the store at commit) and
        the one it replaces to the review's history.
        """
        batch = list(reviews)
        if not batch:
            return
        docs: dict[int, dict[str, Any]] = {}
        for review in batch:
            if review.body is UNLOADED and review.id not in self._reviews:
                raise ValidationError(f"review {review.id} has no body to store")
            doc = self.stored_doc(review)
            if review.body is not UNLOADED:
                self._pending.setdefault(doc["body"]["sha256"], review.body)
            docs[review.id] = doc
        # Straight into the table TinyDB holds (what its update/insert would do, without
        # copying the whole table once per call).
        table = self._storage.tables.setdefault(REVIEWS, {})
        for review_id, doc in docs.items():
            table[str(review_id)] = doc
        self._storage.dirty = True
        for review in batch:
            if review.body is UNLOADED:
                self._reviews[review.id] = review
            else:
                self._reviews[review.id] = dataclasses.replace(review, body=UNLOADED)
                self._texts[review.id] = review.body
            self.touched.add(review.id)

    def allocate_id(self) -> int:
        """The next never-used id (bumps the counter)."""
        review_id = int(self.meta["next_id"])
        self._set_meta(next_id=review_id + 1)
        return review_id

    def add(self, fields: Mapping[str, Any], rank: int | None = None) -> Review:
        """Add a review from user fields; assigns id, slug, created and updated."""
        review_id = int(self.meta["next_id"])
        doc = {key: value for key, value in fields.items() if key not in ("rank",)}
        doc["id"] = review_id
        doc.setdefault("title", "")
        title = parse_title(doc["title"])
        year = parse_year(doc.get("year"))
        taken = self.slugs()
        doc.setdefault("slug", make_slug(title, year, taken, review_id))
        stamp = now_utc()
        doc.setdefault("created", stamp)
        doc.setdefault("updated", stamp)
        review = Review.from_doc(doc)
        if review.slug in taken:
            raise ValidationError(f"slug {review.slug!r} is already used by another review")
        # Computed (and the position validated) before anything is stored.
        order = None if rank is None else ranking.insert_at(self.ranked_order(), review.id, rank)
        self.allocate_id()
        self._store([review])
        if order is not None:
            self.set_order(order)
        return self._full(self._reviews[review.id])

    def put_reviews(self, reviews: Iterable[Review]) -> None:
        """Insert or replace complete reviews exactly as given (imports), in one TinyDB write.

        Unlike :meth:`save`, one review at a time, this is O(N) for the whole batch.
        ``next_id`` moves past the highest id; slugs must stay unique. Ranks are stored
        as given: the caller follows with :meth:`set_order` so they stay 1..K.
        """
        batch = list(reviews)
        if not batch:
            return
        owners = {review_id: slug for review_id, slug, _ in self._reviews.slug_rank()}
        owners.update((review.id, review.slug) for review in batch)
        if len(set(owners.values())) != len(owners):
            slug, holder, other = slug_clashes(sorted(owners.items()))[0]
            raise ValidationError(f"slug {slug!r} would be used by reviews {holder} and {other}")
        highest = max(review.id for review in batch)
        if highest >= int(self.meta["next_id"]):
            self._set_meta(next_id=highest + 1)
        self._store(batch)

    def save(self, review: Review, *, touch: bool = True) -> Review:
        """Replace a stored review (same id); ``touch`` sets ``updated`` to now.

        Rank is not taken from ``review``: use :meth:`set_rank` so ranks stay 1..K.
        """
        current = self._reviews.get(review.id)
        if current is None:
            raise ValidationError(f"no review with id {review.id}")
        if review.slug != current.slug and review.slug in self.slugs():
            raise ValidationError(f"slug {review.slug!r} is already used by another review")
        changes: dict[str, Any] = {"rank": current.rank}
        if touch:
            changes["updated"] = now_utc()
        saved = review.evolve(**changes)
        self._store([saved])
        return saved if saved.body is not UNLOADED else self._full(self._reviews[saved.id])

    def delete(self, review_id: int) -> Review:
        """Delete a review; a ranked one leaves no gap. Its comparisons go with it."""
        review = self._reviews.get(review_id)
        if review is None:
            raise ValidationError(f"no review with id {review_id}")
        if review.rank is not None:
            self.set_order(ranking.remove(self.ranked_order(), review_id))
        review = self._full(review)
        del self._storage.tables[REVIEWS][str(review_id)]
        self._storage.dirty = True
        del self._reviews[review_id]
        self._texts.pop(review_id, None)
        self.touched.add(review_id)
        comparisons = self._db.table(COMPARISONS)
        stale = [
            doc.doc_id
            for doc in comparisons.all()
            if review_id in (doc.get("winner"), doc.get("loser"))
        ]
        if stale:
            comparisons.remove(doc_ids=stale)
        return review

    def set_order(self, order: list[int], touched: Iterable[int] = ()) -> None:
        """Make ``order`` the ranked list (best first); films not in it become unranked.

        One TinyDB write whatever the number of shifted films. ``updated`` changes
        only for ``touched`` ids (the film the user moved), not for films shifted.
        """
        if len(set(order)) != len(order):
            raise ValidationError("a film can hold only one rank")
        new_ranks = {review_id: position for position, review_id in enumerate(order, start=1)}
        touched_ids = set(touched)
        stamp = now_utc()
        changed: list[Review] = []
        moved = [
            review_id
            for review_id, _, rank in self._reviews.slug_rank()
            if new_ranks.get(review_id) != rank or review_id in touched_ids
        ]
        for review in [self._reviews[review_id] for review_id in moved]:
            rank = new_ranks.get(review.id)
            if rank != review.rank or review.id in touched_ids:
                changes: dict[str, Any] = {"rank": rank}
                if review.id in touched_ids:
                    changes["updated"] = stamp
                changed.append(review.evolve(**changes))
        unknown = set(new_ranks) - set(self._reviews)
        if unknown:
            raise ValidationError(f"no review with id {min(unknown)}")
        self._store(changed)

    def set_rank(self, review_id: int, position: int | None) -> None:
        """Insert a film at ``position`` (others shift), or unrank it with None."""
        order = self.ranked_order()
        if position is None:
            new_order = ranking.remove(order, review_id)
        else:
            new_order = ranking.insert_at(order, review_id, position)
        self.set_order(new_order, touched=[review_id])

    def add_comparisons(self, comparisons: Iterable[Mapping[str, Any]]) -> None:
        """Record head-to-head answers (winner, loser, tie, at)."""
        docs = [dict(comparison) for comparison in comparisons]
        if docs:
            self._db.table(COMPARISONS).insert_multiple(docs)

    def replace_comparisons(self, comparisons: Iterable[Mapping[str, Any]]) -> None:
        """Replace every stored comparison (imports, repairs)."""
        self._db.table(COMPARISONS).truncate()
        self.add_comparisons(comparisons)

    def replace_table_docs(self, name: str, docs: Mapping[int, Mapping[str, Any]]) -> None:
        """Replace an auxiliary table's documents."""
        table = self._db.table(name)
        table.truncate()
        table.insert_multiple(Document(dict(doc), doc_id=doc_id) for doc_id, doc in docs.items())

    def _referenced_pending(self) -> list[tuple[str, str]]:
        """Pending bodies the file about to be written refers to."""
        if not self._pending:
            return []
        wanted: set[str] = set()
        for doc in self._storage.tables.get(REVIEWS, {}).values():
            meta = doc.get("body") if isinstance(doc, dict) else None
            if isinstance(meta, dict) and meta.get("sha256") in self._pending:
                wanted.add(meta["sha256"])
        return [(ref, self._pending[ref]) for ref in sorted(wanted)]

    def mark_dirty(self) -> None:
        """Force a write at commit (e.g. a repair that changed nothing TinyDB tracks)."""
        self._storage.dirty = True

    @property
    def dirty(self) -> bool:
        return self._storage.dirty

    def tables(self) -> dict[str, Any]:
        """The raw tables as they will be written (every review document parsed)."""
        table = self._storage.tables.get(REVIEWS, {})
        for key, doc in table.items():
            if isinstance(doc, RawDoc):
                table[key] = doc.parse()
        return self._storage.tables

    def commit(self) -> bool:
        """Write the library once if anything changed; returns whether it wrote."""
        if not self._storage.dirty:
            return False
        changes: dict[str, Any] = {"schema": SCHEMA_VERSION, "generation": self.generation + 1}
        if not self.meta.get("library"):
            changes["library"] = uuid.uuid4().hex  # tells this library's index from another's
        self._set_meta(**changes)
        data = serialise(self._storage.tables)
        referenced = self._referenced_pending()
        # Bodies first, durable, then the one commit point: the TinyDB file's os.replace.
        self.bodies.put_many(referenced, self.paths.display)
        atomic_write(self.paths.file, data, self.paths.display)
        self._pending.clear()
        self.loaded_bytes, self._loaded_sha = data, None
        self._storage.dirty = False
        self.exists = True
        for hook in self.after_commit:
            hook(self)
        return True


def refuse_if_broken(library: Library) -> None:
    """Refuse to write a library that breaks an invariant (``doctor --fix`` repairs it)."""
    if library.problems:
        raise InvariantError(
            f"library {library.paths.display} has problems ({library.problems[0]}); "
            "refusing to write; run `filmrev doctor --fix`"
        )
