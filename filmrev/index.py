"""The derived SQLite index beside the library: summaries for lists, FTS5 for search.

``library.json.d/index.sqlite`` (stdlib ``sqlite3``) is a cache, never the source
of truth. It holds:

- ``reviews``: one row per review, its document without the body (JSON) plus the
  default-order sort key, for ``list``, ``rank``, ``tag list``, ``people``, REF
  completion and ``show``'s REF lookup;
- ``texts`` and ``fts``: the searchable text (title, tags, people, tagline, body)
  and an FTS5 index over it, tokenizer ``unicode61 remove_diacritics 2``. What is
  indexed is the text folded by :func:`filmrev.folding.fold` (case, accents, ß,
  curly quotes), and so is the query; ``texts`` keeps the original text, so FTS5's
  ``snippet()`` cuts its excerpts from what the critic wrote (``fts`` is an
  external-content table over ``texts``; folding keeps the token count);
- ``state``: which library file it describes: the library's id (meta ``library``)
  and the SHA-256 of the TinyDB file's bytes.

It is trusted only while it describes the file as it is: the same content hash.
Anything else (missing, stale, truncated, not SQLite, another library's, an older
index format) and it is rebuilt from the library, under the library lock; a reader
that cannot take the lock at once (a write is running) builds it in memory for the
one command. A write updates only the rows of the reviews it touched, in the same
command after the commit; a failure there is a warning and removes the index.

Where the Python's SQLite lacks FTS5, search scans the reviews instead (one note
on stderr).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import sqlite3
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import orjson

from filmrev.folding import fold
from filmrev.model import Comment, Image, Review, Viewing
from filmrev.paths import LibraryPaths
from filmrev.search import query_terms

if TYPE_CHECKING:
    from filmrev.search import Hit
    from filmrev.store import Library

# 4: title_key folded by filmrev.folding.fold (quotes, dashes, width, spacing).
INDEX_VERSION = 4
FILE_MODE = 0o600
DIR_MODE = 0o700
#: How long a reader waits for an index another process holds locked before rebuilding it.
READ_TIMEOUT = 1.0
#: A rebuild longer than this says so on stderr.
SLOW_REBUILD = 1.0
#: FTS5 column weights for bm25: title, tags, people, tagline, body.
WEIGHTS = (10.0, 6.0, 6.0, 3.0, 1.0)
COLUMNS = {"title": ("title",), "tags": ("tags",), "people": ("people",),
           "body": ("tagline", "body")}  # fmt: skip
SNIPPET_TOKENS = 32
START, END = "\x02", "\x03"

_SCHEMA = """
CREATE TABLE state(key TEXT PRIMARY KEY, value);
CREATE TABLE reviews(
    id INTEGER PRIMARY KEY, slug TEXT NOT NULL, doc BLOB NOT NULL, body_sha TEXT,
    grp INTEGER NOT NULL, grp_key REAL NOT NULL, title_key TEXT NOT NULL);
CREATE INDEX reviews_slug ON reviews(slug);
CREATE INDEX reviews_order ON reviews(grp, grp_key, title_key, id);
CREATE TABLE texts(id INTEGER PRIMARY KEY, title, tags, people, tagline, body);
"""
_FTS = (
    "CREATE VIRTUAL TABLE fts USING fts5(title, tags, people, tagline, body, "
    "content='texts', content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
)


def has_fts5() -> bool:
    """Whether this Python's SQLite has FTS5."""
    try:
        connection = sqlite3.connect(":memory:")
        try:
            connection.execute("CREATE VIRTUAL TABLE t USING fts5(a)")
        finally:
            connection.close()
    except sqlite3.Error:
        return False
    return True


_FTS_AVAILABLE: bool | None = None


def fts_available() -> bool:
    global _FTS_AVAILABLE
    if _FTS_AVAILABLE is None:
        _FTS_AVAILABLE = os.environ.get("FILMREV_NO_FTS5") != "1" and has_fts5()
    return _FTS_AVAILABLE


def _warn(message: str) -> None:
    from filmrev.storage import warn

    warn(message)


# --- what goes into a row ------------------------------------------------------------


def summary_doc(review: Review) -> dict[str, Any]:
    """The review document without its body."""
    doc = review.to_doc()
    del doc["body"]
    return doc


def order_key(review: Review) -> tuple[int, float, str]:
    """The default list order (:func:`filmrev.query.default_order_key`) as a sortable key."""
    from filmrev.query import default_order_key

    return default_order_key(review)


def _texts(review: Review, body: str) -> tuple[str, str, str, str, str]:
    title = review.title + ("\n" + review.original_title if review.original_title else "")
    return (title, "\n".join(review.tags), "\n".join(review.people), review.tagline or "", body)


def _folded(texts: Sequence[str]) -> list[str]:
    """What FTS5 indexes: title, tags, people, tagline, body folded (one fold per text;
    tags and names one by one, so a phrase does not run from one into the next)."""
    title, tags, people, tagline, body = texts
    return [
        fold(title),
        "\n".join(map(fold, tags.split("\n"))),
        "\n".join(map(fold, people.split("\n"))),
        fold(tagline),
        fold(body),
    ]


def summary_review(doc: dict[str, Any]) -> Review:
    """A Review from a summary document, without re-validating (it came from a valid one)."""
    from filmrev.store import UNLOADED

    return Review(
        id=doc["id"],
        slug=doc["slug"],
        title=doc["title"],
        created=doc["created"],
        updated=doc["updated"],
        original_title=doc["original_title"],
        year=doc["year"],
        rating=doc["rating"],
        rank=doc["rank"],
        tags=tuple(doc["tags"]),
        director=doc["director"],
        cast=tuple(doc["cast"]),
        crew={role: tuple(names) for role, names in doc["crew"].items()},
        tagline=doc["tagline"],
        body=UNLOADED,
        watched=doc["watched"],
        links=tuple(doc["links"]),
        viewings=tuple(Viewing.from_doc(v) for v in doc["viewings"]),
        sources=doc["sources"],
        status=doc["status"],
        published=doc["published"],
        url=doc["url"],
        images=tuple(
            Image(src=i["src"], caption=i["caption"], featured=i["featured"]) for i in doc["images"]
        ),
        categories=tuple(doc["categories"]),
        comments=tuple(Comment(**c) for c in doc["comments"]),
    )


# --- building and updating -------------------------------------------------------------


def _connect(target: str, timeout: float = 5.0) -> sqlite3.Connection:
    connection = sqlite3.connect(target, timeout=timeout, isolation_level=None, uri=True)
    connection.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
    # A derived cache: no fsync. A killed process leaves a hot journal that SQLite rolls
    # back; the content hash in ``state`` decides whether the index is trusted at all.
    connection.execute("PRAGMA synchronous = OFF")
    return connection


def _put_rows(connection: sqlite3.Connection, library: Library, ids: Iterable[int]) -> None:
    """Insert (or replace) the rows of ``ids``; bodies are read one at a time."""
    from filmrev.errors import FilmrevError

    fts = fts_available()
    for review_id in ids:
        review = library.summary(review_id)
        if review is None:
            continue
        try:
            body = library.read_body(review_id)
        except FilmrevError:
            body = ""  # a damaged body: `show` and `doctor` name it; search skips its text
        group, group_key, title_key = order_key(review)
        connection.execute(
            "INSERT INTO reviews VALUES (?, ?, ?, ?, ?, ?, ?)",
            (review_id, review.slug, orjson.dumps(summary_doc(review)),
             (library.body_info(review_id) or {}).get("sha256"), group, group_key, title_key),
        )  # fmt: skip
        texts = _texts(review, body)
        connection.execute("INSERT INTO texts VALUES (?, ?, ?, ?, ?, ?)", (review_id, *texts))
        if fts:
            connection.execute(
                "INSERT INTO fts(rowid, title, tags, people, tagline, body) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (review_id, *_folded(texts)),
            )


def _drop_rows(connection: sqlite3.Connection, ids: Iterable[int]) -> None:
    fts = fts_available()
    for review_id in ids:
        row = connection.execute(
            "SELECT title, tags, people, tagline, body FROM texts WHERE id = ?", (review_id,)
        ).fetchone()
        if row is None:
            continue
        if fts:
            connection.execute(
                "INSERT INTO fts(fts, rowid, title, tags, people, tagline, body) "
                "VALUES ('delete', ?, ?, ?, ?, ?, ?)",
                (review_id, *_folded(row)),
            )
        connection.execute("DELETE FROM texts WHERE id = ?", (review_id,))
        connection.execute("DELETE FROM reviews WHERE id = ?", (review_id,))


def _refresh_rows(connection: sqlite3.Connection, library: Library, ids: Iterable[int]) -> None:
    """Bring the rows of ``ids`` up to the library, doing only the work that changed.

    A review whose searchable texts did not change (a new rating, a rank shifted by
    ``rank move``) gets its summary row replaced and nothing else; one whose body did
    not change (a renamed tag) is re-indexed without reading its body file, and its
    body is folded once for the removal and the insertion. Folding a body is the
    costly part (~0.5 ms for 5 KB).
    """
    from filmrev.errors import FilmrevError

    fts = fts_available()
    for review_id in ids:
        review = library.summary(review_id)
        old = connection.execute(
            "SELECT r.body_sha, t.title, t.tags, t.people, t.tagline, t.body "
            "FROM reviews r JOIN texts t ON t.id = r.id WHERE r.id = ?",
            (review_id,),
        ).fetchone()
        if review is None or old is None:
            _drop_rows(connection, [review_id])
            _put_rows(connection, library, [review_id])
            continue
        sha = (library.body_info(review_id) or {}).get("sha256")
        if sha is not None and sha == old[0]:
            body = old[5]
        else:
            try:
                body = library.read_body(review_id)
            except FilmrevError:
                body = ""
        texts = _texts(review, body)
        group, group_key, title_key = order_key(review)
        connection.execute(
            "INSERT OR REPLACE INTO reviews VALUES (?, ?, ?, ?, ?, ?, ?)",
            (review_id, review.slug, orjson.dumps(summary_doc(review)), sha, group, group_key,
             title_key),
        )  # fmt: skip
        if texts == tuple(old[1:]):
            continue
        connection.execute(
            "UPDATE texts SET title = ?, tags = ?, people = ?, tagline = ?, body = ? WHERE id = ?",
            (*texts, review_id),
        )
        if fts:
            before = _folded(old[1:])
            after = _folded((*texts[:4], ""))
            after[4] = before[4] if body == old[5] else fold(body)
            connection.execute(
                "INSERT INTO fts(fts, rowid, title, tags, people, tagline, body) "
                "VALUES ('delete', ?, ?, ?, ?, ?, ?)",
                (review_id, *before),
            )
            connection.execute(
                "INSERT INTO fts(rowid, title, tags, people, tagline, body) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (review_id, *after),
            )


def _set_state(connection: sqlite3.Connection, library: Library) -> None:
    state = {
        "version": INDEX_VERSION,
        "library": str(library.meta.get("library", "")),
        "sha256": library.loaded_sha,
        "fts": int(fts_available()),
    }
    connection.executemany("INSERT OR REPLACE INTO state VALUES (?, ?)", state.items())


def _fill(connection: sqlite3.Connection, library: Library) -> None:
    connection.executescript(_SCHEMA)
    if fts_available():
        connection.execute(_FTS)
    connection.execute("BEGIN")
    _put_rows(connection, library, sorted(r.id for r in library.summaries()))
    _set_state(connection, library)
    connection.execute("COMMIT")


def build_in_memory(library: Library) -> sqlite3.Connection:
    """An index of ``library`` for this process only (the file could not be written)."""
    connection = _connect(":memory:")
    _fill(connection, library)
    return connection


def rebuild(paths: LibraryPaths, library: Library) -> None:
    """Build the index file from ``library`` (call under the library lock): temp file, replace."""
    import tempfile

    directory = paths.index.parent
    if not directory.is_dir():
        os.makedirs(directory, mode=DIR_MODE, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(prefix=".index.", suffix=".tmp", dir=directory)
    os.close(fd)
    try:
        os.chmod(temp_name, FILE_MODE)
        connection = _connect(temp_name)
        try:
            _fill(connection, library)
        finally:
            connection.close()
        # A journal left by a killed update belongs to the old file, not to this one.
        with contextlib.suppress(FileNotFoundError):
            os.unlink(str(paths.index) + "-journal")
        os.replace(temp_name, paths.index)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise


def discard(paths: LibraryPaths) -> None:
    for suffix in ("", "-journal"):
        with contextlib.suppress(OSError):
            os.unlink(str(paths.index) + suffix)


def updater(library: Library) -> Callable[[Library], None]:
    """An ``after_commit`` hook for a write transaction that has just loaded ``library``.

    Called under the lock right after the load: it remembers the hash of the file as
    loaded, so the commit can update only the touched rows when the index described
    exactly that file (else it rebuilds the index in full).
    """
    before = library.loaded_sha

    def hook(committed: Library) -> None:
        after_commit(committed, before)

    return hook


def after_commit(library: Library, before: str | None = None) -> None:
    """``Library.after_commit`` hook: bring the index up to the file just written.

    Never raises: the commit already happened. A problem is a warning, and the index
    is removed (the next read rebuilds it).
    """
    paths = library.paths
    try:
        if before is not None and paths.index.is_file() and _update(library, before):
            return
        started = time.monotonic()
        rebuild(paths, library)
        _note_slow(started, library)
    # After the commit point nothing may fail the command: any problem is a warning.
    except Exception as error:  # noqa: BLE001
        _warn(f"could not index {paths.display}: {error}; it will be rebuilt on the next read")
        discard(paths)


def _update(library: Library, before: str) -> bool:
    """Update the touched rows in place; False when the index did not describe ``before``."""
    connection = _connect(str(library.paths.index))
    try:
        connection.execute("BEGIN IMMEDIATE")
        try:
            state = dict(connection.execute("SELECT key, value FROM state").fetchall())
        except sqlite3.DatabaseError:
            connection.execute("ROLLBACK")
            return False
        if (
            state.get("version") != INDEX_VERSION
            or state.get("sha256") != before
            or state.get("fts") != int(fts_available())
            or state.get("library") not in ("", str(library.meta.get("library", "")))
        ):
            connection.execute("ROLLBACK")
            return False
        _refresh_rows(connection, library, sorted(library.touched))
        _set_state(connection, library)
        connection.execute("COMMIT")
        return True
    except sqlite3.DatabaseError:
        return False
    finally:
        connection.close()


def _note_slow(started: float, library: Library) -> None:
    took = time.monotonic() - started
    if took > SLOW_REBUILD:
        print(
            f"filmrev: rebuilt the search index of {library.paths.display} "
            f"({len(library.summaries())} reviews) in {took:.1f} s",
            file=sys.stderr,
        )


# --- reading ---------------------------------------------------------------------------


def _state_of(connection: sqlite3.Connection) -> dict[str, Any]:
    return dict(connection.execute("SELECT key, value FROM state").fetchall())


def _is_current(connection: sqlite3.Connection, paths: LibraryPaths) -> bool:
    """Whether the index describes the library file as it is now (same content hash)."""
    state = _state_of(connection)
    if state.get("version") != INDEX_VERSION or state.get("fts") != int(fts_available()):
        return False
    try:
        raw = paths.file.read_bytes()
    except OSError:
        return False
    # The file is small (bodies live in the store): hashing it is a few ms at 50,000 reviews,
    # and unlike size + mtime + inode it cannot be fooled by an in-place rewrite.
    return hashlib.sha256(raw).hexdigest() == state.get("sha256")


@contextlib.contextmanager
def opened(paths: LibraryPaths) -> Iterator[sqlite3.Connection | None]:
    """A read connection to a current index of the library; None for a missing library.

    Inside the block the index cannot change (one read transaction).
    """
    if not paths.file.exists():
        from filmrev.storage import read_file_bytes

        read_file_bytes(paths.file, paths.display)  # a dangling link etc.: the library's error
        yield None
        return
    connection = _open_current(paths)
    try:
        yield connection
    finally:
        with contextlib.suppress(sqlite3.Error):
            connection.execute("COMMIT")
        connection.close()


def is_current(paths: LibraryPaths) -> bool:
    """Whether the index file describes the library as it is now (nothing is rebuilt)."""
    connection = _try_open(paths)
    if connection is None:
        return False
    connection.close()
    return True


def _try_open(paths: LibraryPaths) -> sqlite3.Connection | None:
    if not paths.index.is_file():
        return None
    try:
        connection = _connect(paths.index.as_uri() + "?mode=ro", timeout=READ_TIMEOUT)
    except sqlite3.Error:
        return None
    try:
        connection.execute("BEGIN")
        if _is_current(connection, paths):
            return connection
    except sqlite3.Error:
        pass
    connection.close()
    return None


def _open_current(paths: LibraryPaths) -> sqlite3.Connection:
    connection = _try_open(paths)
    if connection is not None:
        return connection
    from filmrev.errors import LockTimeoutError, StorageError
    from filmrev.storage import exclusive_lock
    from filmrev.store import Library

    started = time.monotonic()
    try:
        with exclusive_lock(paths.lock, paths.display, timeout=0):
            connection = _try_open(paths)  # another process may have rebuilt it meanwhile
            if connection is not None:
                return connection
            library = Library.load(paths)
            try:
                rebuild(paths, library)
            except (OSError, sqlite3.Error) as error:
                _warn(f"could not write the index {paths.index}: {error}")
            else:
                _note_slow(started, library)
                connection = _try_open(paths)
                if connection is not None:
                    return connection
    except (LockTimeoutError, StorageError):
        pass
    # A write is running (or the directory is read-only): index in memory, for this command.
    memory = build_in_memory(Library.load(paths))
    memory.execute("BEGIN")
    return memory


def _summaries(
    connection: sqlite3.Connection, where: str = "", args: Sequence[Any] = ()
) -> list[Review]:
    rows = connection.execute(f"SELECT doc FROM reviews {where}", args).fetchall()
    return [summary_review(orjson.loads(row[0])) for row in rows]


def load_summaries(paths: LibraryPaths) -> list[Review]:
    """Every review by id, bodies empty: what ``list``, ``rank`` and ``tag list`` need."""
    with opened(paths) as connection:
        return [] if connection is None else _summaries(connection, "ORDER BY id")


def summary_by_slug(paths: LibraryPaths, slug: str) -> Review | None:
    """The review (body empty) whose slug is exactly ``slug``, the lowest id if several."""
    with opened(paths) as connection:
        if connection is None:
            return None
        found = _summaries(connection, "WHERE slug = ? ORDER BY id LIMIT 1", (slug,))
    return found[0] if found else None


def ranked_summaries(paths: LibraryPaths) -> list[Review]:
    """Ranked films, best first, bodies empty (``rank``): only their rows are read."""
    with opened(paths) as connection:
        if connection is None:
            return []
        return _summaries(connection, "WHERE grp = 0 ORDER BY grp_key, id")


def summaries_of(paths: LibraryPaths, ids: Iterable[int]) -> list[Review]:
    """The summaries of ``ids`` (those that exist), by id."""
    wanted = sorted(set(ids))
    found: list[Review] = []
    with opened(paths) as connection:
        if connection is None:
            return []
        for start in range(0, len(wanted), 500):  # SQLite's limit on bound parameters
            chunk = wanted[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            found.extend(_summaries(connection, f"WHERE id IN ({marks}) ORDER BY id", chunk))
    return found


def first_in_default_order(paths: LibraryPaths, limit: int | None) -> list[Review]:
    """``list`` with no filter and no sort: the first ``limit`` reviews, bodies empty."""
    with opened(paths) as connection:
        if connection is None:
            return []
        return _summaries(
            connection,
            "ORDER BY grp, grp_key, title_key, id LIMIT ?",
            (-1 if limit is None else limit,),
        )


def find_review(paths: LibraryPaths, ref: str) -> Review:
    """The full review a REF names, resolved as for a read-only command (``show``).

    An id or exact slug is one row of the index; anything else is resolved over the
    summaries. The body comes from the store (hash checked): a damaged one is an error
    naming the review. The TinyDB file is not parsed at all.
    """
    import dataclasses

    from filmrev.bodies import BodyError, BodyStore
    from filmrev.errors import NotFoundError
    from filmrev.refs import resolve

    with opened(paths) as connection:
        if connection is None:
            return resolve(ref, []).review
        text = ref.strip()
        row = None
        if text.isdigit():
            row = connection.execute(
                "SELECT id, body_sha FROM reviews WHERE id = ?", (int(text),)
            ).fetchone()
        if row is None:
            row = connection.execute(
                "SELECT id, body_sha FROM reviews WHERE slug = ?", (text,)
            ).fetchone()
        if row is None:
            review_id = resolve(ref, _summaries(connection, "ORDER BY id")).review.id
            row = connection.execute(
                "SELECT id, body_sha FROM reviews WHERE id = ?", (review_id,)
            ).fetchone()
        review = _summaries(connection, "WHERE id = ?", (row[0],))[0]
    if row[1]:
        try:
            return dataclasses.replace(review, body=BodyStore(paths.data_dir).get(row[1]))
        except BodyError:
            pass
    # No reference: the body is inline (a schema-1 library not yet migrated, a hand-made
    # file), or the store does not hold it: the library says which, or raises the error
    # naming the review.
    full = load_library(paths).get(review.id)
    if full is None:  # pragma: no cover - the index matched the file
        raise NotFoundError(f"review {review.id} is not in the library")
    return full


def validated_sha(paths: LibraryPaths) -> str | None:
    """The SHA-256 of the library content the index was built from (validated), if any."""
    if not paths.index.is_file():
        return None
    try:
        connection = _connect(paths.index.as_uri() + "?mode=ro", timeout=READ_TIMEOUT)
        try:
            state = _state_of(connection)
        finally:
            connection.close()
    except sqlite3.Error:
        return None
    if state.get("version") != INDEX_VERSION or state.get("fts") != int(fts_available()):
        return None
    sha = state.get("sha256")
    return sha if isinstance(sha, str) else None


def load_library(paths: LibraryPaths) -> Library:
    """The library for a read-only command: the TinyDB file, bodies read when asked for.

    A file whose content the index has validated is not validated again.
    """
    from filmrev.store import Library

    return Library.load(paths, validated=validated_sha(paths), summary=summary_review)


# --- search ----------------------------------------------------------------------------


def fts_query(terms: Sequence[Sequence[str]], fields: Sequence[str]) -> str:
    """An FTS5 MATCH expression: every term, in one of the fields; the last token a prefix."""
    columns = " ".join(column for name in fields for column in COLUMNS[name])
    parts = ["{" + columns + '} : ("' + " ".join(tokens) + '" *)' for tokens in terms]
    return " AND ".join(parts)


def _fields_of(
    row: Sequence[Any], terms: Sequence[Sequence[str]], chosen: Sequence[str]
) -> tuple[str, ...]:
    """Which fields hold a term (for ``search --format json``)."""
    from filmrev.search import FIELDS

    found: list[str] = []
    texts = dict(zip(("title", "tags", "people", "tagline", "body"), _folded(row), strict=True))
    for name in FIELDS:
        if name not in chosen:
            continue
        columns = COLUMNS[name]
        for tokens in terms:
            pattern = re.compile(r"(?<!\w)" + r"\W+".join(map(re.escape, tokens)))
            if any(pattern.search(texts[column]) for column in columns):
                found.append(name)
                break
    return tuple(found)


def _snippet(marked: str, fallback: str) -> Any:
    from filmrev.search import Snippet

    text = marked if marked.strip(START + END + "…").strip() else fallback
    pieces: list[str] = []
    spans: list[tuple[int, int]] = []
    length = 0
    start: int | None = None
    previous_space = False
    for char in text:
        if char == START:
            start = length
            continue
        if char == END:
            if start is not None and length > start:
                spans.append((start, length))
            start = None
            continue
        if char.isspace():
            if previous_space or not pieces:
                continue
            char = " "
            previous_space = True
        else:
            previous_space = False
        pieces.append(char)
        length += 1
    return Snippet("".join(pieces).rstrip(), tuple(spans))


def search(
    paths: LibraryPaths, query: str, fields: Sequence[str], limit: int | None = None
) -> tuple[list[Hit], int]:
    """Hits for ``query`` best first (bm25, ties by title then id) and how many matched."""
    from filmrev.search import Hit, Snippet

    terms = query_terms(query)
    if not fts_available():
        return _scan(paths, query, fields, limit)
    if not terms:
        return [], 0
    expression = fts_query(terms, fields)
    with opened(paths) as connection:
        if connection is None:
            return [], 0
        total = connection.execute(
            "SELECT count(*) FROM fts WHERE fts MATCH ?", (expression,)
        ).fetchone()[0]
        rows = connection.execute(
            "SELECT r.doc, -bm25(fts, ?, ?, ?, ?, ?) AS score, "
            f"snippet(fts, 4, '{START}', '{END}', '…', {SNIPPET_TOKENS}), "
            "t.title, t.tags, t.people, t.tagline, t.body "
            "FROM fts JOIN reviews r ON r.id = fts.rowid JOIN texts t ON t.id = fts.rowid "
            "WHERE fts MATCH ? ORDER BY score DESC, r.title_key, r.id LIMIT ?",
            (*WEIGHTS, expression, -1 if limit is None else limit),
        ).fetchall()
    hits: list[Hit] = []
    for doc, score, marked, *texts in rows:
        review = summary_review(orjson.loads(doc))
        body, tagline = texts[4], texts[3]
        fallback = (body if body.strip() else tagline)[:200]
        snippet = _snippet(marked or "", fallback) if body.strip() else Snippet(tagline)
        hits.append(Hit(review, round(score, 3), _fields_of(texts, terms, fields), snippet))
    return hits, total


def _scan(
    paths: LibraryPaths, query: str, fields: Sequence[str], limit: int | None
) -> tuple[list[Hit], int]:
    """Search without FTS5: every review is read and matched (one note on stderr)."""
    from filmrev.search import search as scan_search
    from filmrev.store import Library

    print("filmrev: note: this Python's SQLite has no FTS5; searching by a scan", file=sys.stderr)
    every = scan_search(Library.load(paths).iter_reviews(), query, fields)
    return (every if limit is None else every[:limit]), len(every)


def matching_ids(paths: LibraryPaths, query: str, fields: Sequence[str]) -> set[int] | None:
    """Ids of the reviews ``query`` matches (``list --search``); None: no FTS5, scan instead."""
    if not fts_available():
        return None
    terms = query_terms(query)
    with opened(paths) as connection:
        if connection is None:
            return set()
        if not terms:
            return {row[0] for row in connection.execute("SELECT id FROM reviews")}
        rows = connection.execute(
            "SELECT rowid FROM fts WHERE fts MATCH ?", (fts_query(terms, fields),)
        )
        return {row[0] for row in rows}
