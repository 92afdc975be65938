"""Reading Letterboxd: the export zip as downloaded, its folder, or single CSV files.

Export files and their headers (Letterboxd's "Export your data")::

    diary.csv    Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date
    reviews.csv  Date,Name,Year,Letterboxd URI,Rating,Rewatch,Review,Tags,Watched Date
    ratings.csv  Date,Name,Year,Letterboxd URI,Rating
    watched.csv  Date,Name,Year,Letterboxd URI
    lists/<name>.csv  "Letterboxd list export v7", a list header block, then
                      Position,Name,Year,URL,Description

Each list file also becomes a named list (:mod:`filmrev.importers.letterboxd_lists`);
``--ranked-list NAME`` ranks the films by one of them as well.
``watchlist.csv`` (films not yet seen) goes to the watchlist
(:mod:`filmrev.importers.letterboxd_watchlist`); likes, comments and the
``deleted/`` and ``orphaned/`` folders are not imported. A CSV in Letterboxd's *import*
format (``Title,Year,Rating,WatchedDate,Rewatch,Tags,Review,Directors`` with
``LetterboxdURI``/``imdbID``/``tmdbID``, as ``export --format letterboxd``
writes) is read too, so a Letterboxd round-trip goes through filmrev.

Rows of one film are merged into one review: rows are grouped by a shared URI
(diary and review URIs name one diary entry, ratings and watched URIs the film)
or by casefolded title + year. Diary rows become ``viewings``; the rating is
``ratings.csv``'s, else the latest viewing's; tags are the union; review texts
become the body (several reviews of one film are joined, oldest first, with a
``* * *`` line between them); ``created`` is the earliest logged date.
Review text is Letterboxd's small HTML subset and becomes Markdown
(:func:`filmrev.review_html.html_to_markdown`).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from filmrev.errors import ValidationError
from filmrev.importers.common import (
    MAX_INPUT_BYTES,
    SOURCE_LETTERBOXD,
    Batch,
    Incoming,
    NoProgress,
    Problems,
    Progress,
    check_input_file,
    checked,
    day_stamp,
    read_input,
    title_key,
    tracked,
)
from filmrev.importers.csvfiles import Row, Table, decode, first_record, raw_rows, table
from filmrev.importers.letterboxd_lists import read_list, unreadable_list_note
from filmrev.model import Review, Viewing, now_utc, parse_date, parse_rating, parse_tags, parse_year
from filmrev.review_html import html_to_markdown

DIARY = "diary"
REVIEWS = "reviews"
RATINGS = "ratings"
WATCHED = "watched"
WATCHLIST = "watchlist"
LIST = "list"
IMPORT = "import"

EXPORT_FILES = {
    "diary.csv": DIARY,
    "reviews.csv": REVIEWS,
    "ratings.csv": RATINGS,
    "watched.csv": WATCHED,
    "watchlist.csv": WATCHLIST,
}
IMPORT_COLUMNS = frozenset(
    {
        "Title",
        "Year",
        "Rating",
        "Rating10",
        "WatchedDate",
        "Rewatch",
        "Tags",
        "Review",
        "Directors",
        "LetterboxdURI",
        "imdbID",
        "tmdbID",
    }
)
IMPORT_KEYS = frozenset({"Title", "LetterboxdURI", "imdbID", "tmdbID"})
LIST_MARK = "Letterboxd list export"
REVIEW_SEPARATOR = "\n\n* * *\n\n"
#: A zip may hold at most this many entries, and its CSVs at most MAX_INPUT_BYTES in all.
MAX_MEMBERS = 10_000
#: Where a film's URI is most likely the film's own (not a diary entry's), best first.
URI_PREFERENCE = (WATCHED, RATINGS, LIST, DIARY, REVIEWS, IMPORT)
TRUE_WORDS = frozenset({"yes", "true", "1", "y"})
FALSE_WORDS = frozenset({"", "no", "false", "0", "n"})


def kind_of_header(header: list[str], filename: str = "") -> str | None:
    """Which Letterboxd file a header (first CSV record) belongs to, or None."""
    if header and header[0].startswith(LIST_MARK):
        return LIST
    columns = set(header)
    if {"Name", "Watched Date", "Review"} <= columns:
        return REVIEWS
    if {"Name", "Watched Date"} <= columns:
        return DIARY
    if {"Name", "Letterboxd URI", "Rating"} <= columns:
        return RATINGS
    if {"Date", "Name", "Letterboxd URI"} <= columns:
        return WATCHLIST if Path(filename).name == "watchlist.csv" else WATCHED
    if columns & IMPORT_KEYS and columns <= IMPORT_COLUMNS:
        return IMPORT
    return None


@dataclass(frozen=True)
class SourceFile:
    """One CSV of the export: its name for messages, its place in the export, its bytes."""

    name: str
    member: str
    data: bytes


@dataclass
class Entry:
    """One validated row of any Letterboxd file."""

    origin: str
    kind: str
    order: int
    name: str
    year: int | None = None
    uri: str | None = None
    date: str | None = None
    rating: float | None = None
    rewatch: bool = False
    tags: tuple[str, ...] = ()
    watched: str | None = None
    review: str = ""
    position: int | None = None
    directors: str | None = None
    imdb: str | None = None
    tmdb: str | None = None


@dataclass
class LetterboxdList:
    name: str
    member: str
    date: str | None
    entries: list[Entry] = field(default_factory=list)


# --- finding the files ------------------------------------------------------------------------


def _wanted_member(member: str) -> bool:
    if member in EXPORT_FILES:
        return True
    parts = member.split("/")
    return len(parts) == 2 and parts[0] == "lists" and parts[1].endswith(".csv")


def _unsafe_member(name: str) -> bool:
    """A member name that would leave the folder it is extracted to (zip slip)."""
    parts = name.replace("\\", "/").split("/")
    return name.startswith(("/", "\\")) or ".." in parts or (len(name) > 1 and name[1] == ":")


def _zip_files(path: Path, problems: Problems) -> list[SourceFile]:
    """The wanted CSVs of a zip, their declared and actual sizes checked before use.

    A zip bomb is refused before anything is inflated: more than :data:`MAX_MEMBERS`
    entries, or wanted members declaring more than :data:`MAX_INPUT_BYTES` in all; and
    each member is inflated in chunks that stop at its declared size, so a member that
    lies about its size cannot inflate further.
    """
    try:
        check_input_file(path)  # a regular file, and not over the input limit
        archive = zipfile.ZipFile(path)
    except ValidationError as error:
        problems.add(f"{path}", error.message)
        return []
    except (OSError, zipfile.BadZipFile) as error:
        problems.add(f"{path}", f"cannot open the zip: {error}")
        return []
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_MEMBERS:
            problems.add(f"{path}", f"holds {len(entries):,} entries; a Letterboxd export has few")
            return []
        unsafe = [info.filename for info in entries if _unsafe_member(info.filename)]
        if unsafe:
            problems.add(
                f"{path}", f"holds a member named {unsafe[0]!r} outside its folder; not read"
            )
            return []
        infos = [info for info in entries if not info.is_dir()]
        names = [info.filename for info in infos]
        prefix = ""
        tops = {name.split("/", 1)[0] for name in names}
        if len(tops) == 1 and all("/" in name for name in names):
            prefix = next(iter(tops)) + "/"  # the export zipped with its folder
        wanted = [info for info in infos if _wanted_member(info.filename[len(prefix) :])]
        declared = sum(info.file_size for info in wanted)
        if declared > MAX_INPUT_BYTES:
            problems.add(
                f"{path}",
                f"its CSVs would inflate to {declared:,} bytes; imports read at most "
                f"{MAX_INPUT_BYTES:,} (a zip bomb, or not a Letterboxd export)",
            )
            return []
        files: list[SourceFile] = []
        for info in wanted:
            member = info.filename[len(prefix) :]
            try:
                data = _inflate(archive, info)
            except (OSError, zipfile.BadZipFile, ValidationError) as error:
                reason = error.message if isinstance(error, ValidationError) else str(error)
                problems.add(f"{path}:{member}", f"cannot read from the zip: {reason}")
                continue
            files.append(SourceFile(f"{path}:{member}", member, data))
    return sorted(files, key=lambda source: source.member)


def _inflate(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A member's bytes, read in chunks and never past its declared size."""
    chunks: list[bytes] = []
    total = 0
    with archive.open(info) as member:
        while chunk := member.read(1 << 20):
            total += len(chunk)
            if total > info.file_size:
                raise ValidationError(f"inflates past its declared {info.file_size:,} bytes")
            chunks.append(chunk)
    return b"".join(chunks)


def _folder_files(path: Path, problems: Problems) -> list[SourceFile]:
    candidates = [path / name for name in EXPORT_FILES]
    lists = path / "lists"
    if lists.is_dir():
        candidates.extend(sorted(lists.glob("*.csv")))
    files: list[SourceFile] = []
    for candidate in candidates:
        if not candidate.is_file():
            continue
        try:
            data = read_input(candidate)
        except ValidationError as error:
            problems.add(f"{candidate}", error.message)
            continue
        member = candidate.relative_to(path).as_posix()
        files.append(SourceFile(str(candidate), member, data))
    return files


def source_files(path: Path, problems: Problems) -> list[SourceFile]:
    """The CSV files of a Letterboxd export given as a zip, a folder or one CSV."""
    if path.is_dir():
        return _folder_files(path, problems)
    if zipfile.is_zipfile(path):
        return _zip_files(path, problems)
    try:
        data = read_input(path)
    except ValidationError as error:
        problems.add(f"{path}", error.message)
        return []
    return [SourceFile(str(path), path.name, data)]


# --- reading rows -----------------------------------------------------------------------------


def _tags(cell: str) -> tuple[str, ...]:
    return parse_tags(tag for tag in (part.strip() for part in cell.split(",")) if tag)


def _rewatch(cell: str) -> bool:
    word = cell.strip().casefold()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValidationError(f"Rewatch must be Yes, true or empty (got {cell!r})")


def _rating10(cell: str) -> float | None:
    text = cell.strip()
    if not text:
        return None
    if not text.isdigit() or not 1 <= int(text) <= 10:
        raise ValidationError(f"Rating10 must be a whole number from 1 to 10 (got {cell!r})")
    return int(text) / 2


def _optional(cell: str) -> str | None:
    return cell.strip() or None


class _Reader:
    """Validates rows into :class:`Entry` objects, collecting problems."""

    def __init__(self, problems: Problems) -> None:
        self.problems = problems
        self.order = 0

    def entry(self, source: Table, row: Row, kind: str, name_column: str) -> Entry | None:
        origin = source.origin(row.line)
        before = len(self.problems.lines)
        name = row.get(name_column).strip()
        if not name:
            self.problems.add(origin, f"{name_column} is empty")
        self.order += 1
        entry = Entry(origin=origin, kind=kind, order=self.order, name=name)
        entry.year = checked(origin, self.problems, parse_year, row.get("Year"))
        if kind == IMPORT:
            self._import_cells(entry, row)
        else:
            self._export_cells(entry, row, kind)
        return entry if len(self.problems.lines) == before else None

    def _export_cells(self, entry: Entry, row: Row, kind: str) -> None:
        origin, problems = entry.origin, self.problems
        entry.uri = _optional(row.get("Letterboxd URI") or row.get("URL"))
        entry.date = checked(origin, problems, parse_date, row.get("Date"), "Date")
        if kind in (DIARY, REVIEWS, RATINGS):
            entry.rating = checked(origin, problems, parse_rating, row.get("Rating"), "Rating")
        if kind in (DIARY, REVIEWS):
            entry.rewatch = bool(checked(origin, problems, _rewatch, row.get("Rewatch")))
            entry.tags = checked(origin, problems, _tags, row.get("Tags")) or ()
            entry.watched = checked(
                origin, problems, parse_date, row.get("Watched Date"), "Watched Date"
            )
        if kind == REVIEWS:
            entry.review = html_to_markdown(row.get("Review"))

    def _import_cells(self, entry: Entry, row: Row) -> None:
        origin, problems = entry.origin, self.problems
        rating = checked(origin, problems, parse_rating, row.get("Rating"), "Rating")
        if rating is None and row.get("Rating10").strip():
            rating = checked(origin, problems, _rating10, row.get("Rating10"))
        entry.rating = rating
        entry.rewatch = bool(checked(origin, problems, _rewatch, row.get("Rewatch")))
        entry.tags = checked(origin, problems, _tags, row.get("Tags")) or ()
        entry.watched = checked(origin, problems, parse_date, row.get("WatchedDate"), "WatchedDate")
        entry.review = html_to_markdown(row.get("Review"))
        entry.directors = _optional(row.get("Directors"))
        entry.uri = _optional(row.get("LetterboxdURI"))
        entry.imdb = _optional(row.get("imdbID"))
        entry.tmdb = _optional(row.get("tmdbID"))

    def list_file(self, source: SourceFile, text: str) -> LetterboxdList | None:
        records = raw_rows(text, source.name, self.problems)
        stem = Path(source.member).stem
        meta: dict[str, str] = {}
        start = None
        for index, (_, cells) in enumerate(records):
            first = cells[0].strip()
            if first == "Date" and "Name" in cells and index + 1 < len(records):
                meta = dict(zip((c.strip() for c in cells), records[index + 1][1], strict=False))
            if first == "Position":
                start = index
                break
        if start is None:
            self.problems.add(f"{source.name}:1", "no 'Position,Name,Year,URL' header in this list")
            return None
        listed = LetterboxdList(
            name=(meta.get("Name") or stem).strip(),
            member=source.member,
            date=checked(f"{source.name}:1", self.problems, parse_date, meta.get("Date"), "Date"),
        )
        entries = table(records, source.name, self.problems, start)
        for row in entries.rows:
            entry = self.entry(entries, row, LIST, "Name")
            position = row.get("Position").strip()
            if not position.isdigit() or int(position) < 1:
                self.problems.add(
                    entries.origin(row.line), f"Position must be ≥ 1 (got {position!r})"
                )
                continue
            if entry is not None:
                entry.position = int(position)
                entry.date = listed.date
                listed.entries.append(entry)
        return listed


# --- merging rows into films ----------------------------------------------------------------


class _Groups:
    """Union-find over entries: one group per film."""

    def __init__(self) -> None:
        self.parent: dict[int, int] = {}
        self.keys: dict[tuple[str, ...], int] = {}

    def find(self, item: int) -> int:
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def add(self, item: int, keys: list[tuple[str, ...]]) -> None:
        self.parent.setdefault(item, item)
        for key in keys:
            other = self.keys.setdefault(key, item)
            if other != item:
                self.parent[self.find(item)] = self.find(other)


def _keys(entry: Entry) -> list[tuple[str, ...]]:
    keys: list[tuple[str, ...]] = [("title", title_key(entry.name), str(entry.year))]
    if entry.uri:
        keys.append(("uri", entry.uri))
    if entry.imdb:
        keys.append(("imdb", entry.imdb))
    if entry.tmdb:
        keys.append(("tmdb", entry.tmdb))
    return keys


def _film_fields(entries: list[Entry]) -> dict[str, Any]:
    """The review fields of one film's export rows (diary, reviews, ratings, watched, list)."""
    diary = [entry for entry in entries if entry.kind == DIARY]
    reviews = [entry for entry in entries if entry.kind == REVIEWS]
    diary_uris = {entry.uri for entry in diary if entry.uri}
    watches = diary + [
        entry for entry in reviews if entry.watched and not (entry.uri and entry.uri in diary_uris)
    ]
    watches.sort(key=lambda entry: (entry.watched is None, entry.watched or "", entry.order))
    fields: dict[str, Any] = {}
    if watches:
        fields["viewings"] = [
            Viewing(entry.watched, entry.rating, entry.rewatch).to_doc() for entry in watches
        ]
    rated = [entry.rating for entry in entries if entry.kind == RATINGS and entry.rating]
    rated = rated or [entry.rating for entry in watches if entry.rating is not None]
    rated = rated or [entry.rating for entry in reviews if entry.rating is not None]
    if rated:
        fields["rating"] = rated[-1]
    written = sorted(
        (entry for entry in reviews if entry.review.strip()),
        key=lambda entry: (entry.watched or entry.date or "", entry.order),
    )
    if written:
        fields["body"] = REVIEW_SEPARATOR.join(entry.review for entry in written)
    watched = [entry.watched for entry in written if entry.watched]
    watched = watched or [entry.watched for entry in watches if entry.watched]
    if watched:
        fields["watched"] = watched[-1]
    tags = [tag for entry in watches + reviews for tag in entry.tags]
    if tags:
        fields["tags"] = list(parse_tags(tags))
    for kind in URI_PREFERENCE:
        uri = next((entry.uri for entry in entries if entry.kind == kind and entry.uri), None)
        if uri:
            fields["sources"] = {"letterboxd": uri}
            break
    return fields


def _import_fields(entries: list[Entry]) -> dict[str, Any]:
    """The review fields of one film's rows in Letterboxd's import format.

    Dated rows are viewings; an undated row carries the film's own rating; the row
    with a review gives the body and the ``watched`` date. This is the inverse of
    :func:`filmrev.exporters.letterboxd.letterboxd_csv`.
    """
    rows = sorted(entries, key=lambda entry: entry.order)
    viewings = [Viewing(row.watched, row.rating, row.rewatch) for row in rows if row.watched]
    film_ratings = [row.rating for row in rows if not row.watched and row.rating is not None]
    viewing_ratings = [viewing.rating for viewing in viewings if viewing.rating is not None]
    fields: dict[str, Any] = {}
    if viewings:
        fields["viewings"] = [viewing.to_doc() for viewing in viewings]
    ratings = film_ratings or viewing_ratings
    if ratings:
        fields["rating"] = ratings[-1]
    written = [row for row in rows if row.review != ""]
    if written:
        fields["body"] = REVIEW_SEPARATOR.join(row.review for row in written)
        if written[0].watched:
            fields["watched"] = written[0].watched
    elif viewings:
        fields["watched"] = max(viewing.date for viewing in viewings if viewing.date)
    tags = [tag for row in rows for tag in row.tags]
    if tags:
        fields["tags"] = list(parse_tags(tags))
    director = next((row.directors for row in rows if row.directors), None)
    if director:
        fields["director"] = director
    sources = {
        "letterboxd": next((row.uri for row in rows if row.uri), None),
        "imdb": next((row.imdb for row in rows if row.imdb), None),
        "tmdb": next((row.tmdb for row in rows if row.tmdb), None),
    }
    given = {key: value for key, value in sources.items() if value}
    if given:
        fields["sources"] = given
    return fields


def _record(entries: list[Entry], rank: int | None, problems: Problems) -> Incoming | None:
    first = min(entries, key=lambda entry: entry.order)
    fields: dict[str, Any] = {"title": first.name}
    year = next((entry.year for entry in entries if entry.year is not None), None)
    if year is not None:
        fields["year"] = year
    if all(entry.kind == IMPORT for entry in entries):
        fields.update(_import_fields(entries))
    else:
        fields.update(_film_fields([entry for entry in entries if entry.kind != IMPORT]))
    stamp = now_utc()
    try:
        review = Review.from_doc(
            {**fields, "id": 1, "slug": "placeholder", "created": stamp, "updated": stamp}
        )
    except ValidationError as error:
        problems.add(first.origin, error.message)
        return None
    normalised = review.to_doc()
    clean_fields = {key: normalised[key] for key in fields if key != "sources"}
    if "sources" in fields:
        clean_fields["sources"] = {key: normalised["sources"][key] for key in fields["sources"]}
    # A list's date is when the list was made, not a date about the film.
    dates = sorted(entry.date for entry in entries if entry.date and entry.kind != LIST)
    uris = sorted({entry.uri for entry in entries if entry.uri})
    return Incoming(
        origin=first.origin,
        source=SOURCE_LETTERBOXD,
        fields=clean_fields,
        created=day_stamp(dates[0]) if dates else None,
        updated=day_stamp(dates[-1]) if dates else None,
        rank=rank,
        rank_given=rank is not None,
        match_ids=[("letterboxd", uri) for uri in uris],
    )


def _choose_list(
    lists: list[LetterboxdList], wanted: str, problems: Problems, where: str
) -> LetterboxdList | None:
    folded = wanted.strip().casefold()
    for candidate in lists:
        names = {candidate.name.casefold(), Path(candidate.member).stem.casefold()}
        names.add(Path(candidate.member).name.casefold())
        if folded in names:
            return candidate
    known = ", ".join(sorted(repr(candidate.name) for candidate in lists)) or "none"
    problems.add(where, f"no Letterboxd list named {wanted!r} (lists: {known})")
    return None


def read_letterboxd(
    path: Path, ranked_list: str | None = None, progress: Progress | None = None
) -> Batch:
    """Read and validate a Letterboxd export (zip, folder or CSV) into one record per film."""
    progress = progress or NoProgress()
    problems = Problems()
    batch = Batch(format="letterboxd", label=str(path))
    files = source_files(path, problems)
    reader = _Reader(problems)
    entries: list[Entry] = []
    lists: list[LetterboxdList] = []
    kinds_seen: set[str] = set()
    for source in tracked(files, progress, "reading Letterboxd files"):
        text = decode(source.data, source.name, problems)
        if text is None:
            continue
        kind = kind_of_header(first_record(text), source.member)
        if kind is None:
            if source.member in EXPORT_FILES or len(files) == 1:
                problems.add(f"{source.name}:1", "not a Letterboxd CSV (unknown header)")
            elif source.member.startswith("lists/"):
                batch.notes.append(unreadable_list_note(source.name, text))
            continue
        if kind == WATCHLIST:  # films to see: the watchlist table, not reviews
            from filmrev.importers.letterboxd_watchlist import read_watchlist

            batch.watchlist.extend(read_watchlist(source.name, text, problems))
            kinds_seen.add(kind)
            continue
        kinds_seen.add(kind)
        if kind == LIST:
            listed = reader.list_file(source, text)
            if listed is not None:
                lists.append(listed)
                named = read_list(source.name, source.member, text, problems)
                if named is not None:
                    batch.lists.append(named)
            continue
        name_column = "Title" if kind == IMPORT else "Name"
        parsed = table(raw_rows(text, source.name, problems), source.name, problems)
        for row in parsed.rows:
            entry = reader.entry(parsed, row, kind, name_column)
            if entry is not None:
                entries.append(entry)
    if not kinds_seen and not problems and not batch.notes:
        problems.add(
            str(path),
            "no Letterboxd files here (diary.csv, reviews.csv, ratings.csv, "
            "watched.csv, lists/*.csv)",
        )
    if IMPORT in kinds_seen and len(kinds_seen) > 1:
        problems.add(
            str(path),
            "mixes Letterboxd's export files with an import-format CSV; import them apart",
        )
    ranked: LetterboxdList | None = None
    if ranked_list is not None:
        ranked = _choose_list(lists, ranked_list, problems, str(path))
    if ranked is not None:  # the list that ranks the films is a ranked list too
        for named in batch.lists:
            if named.origin.endswith(ranked.member):
                named.ranked = True
    problems.raise_if_any(str(path))

    ranks: dict[int, int] = {}
    if ranked is not None:
        for entry in sorted(ranked.entries, key=lambda entry: (entry.position or 0, entry.order)):
            entries.append(entry)
            ranks.setdefault(entry.order, entry.position or 0)
    groups = _Groups()
    for entry in entries:
        groups.add(entry.order, _keys(entry))
    members: dict[int, list[Entry]] = {}
    for entry in entries:
        members.setdefault(groups.find(entry.order), []).append(entry)
    films = list(members.values())
    films.sort(
        key=lambda film: (
            min((entry.date for entry in film if entry.date), default="9999-99-99"),
            min(entry.order for entry in film),
        )
    )
    for film in films:
        positions = [ranks[entry.order] for entry in film if entry.order in ranks]
        record = _record(film, min(positions) if positions else None, problems)
        if record is not None:
            batch.records.append(record)
    problems.raise_if_any(str(path))
    batch.notes.extend(problems.notes)
    return batch
