"""Reading IMDb's ratings export (``ratings.csv`` from "Your ratings" → Export).

Header::

    Const,Your Rating,Date Rated,Title,Original Title,URL,Title Type,IMDb Rating,
    Runtime (mins),Year,Genres,Num Votes,Release Date,Directors

Each row is one film: ``title``, ``original_title`` (when it differs), ``year``,
``director`` (IMDb's ``Directors`` as written), ``sources.imdb`` (the ``tt`` id)
and ``rating``. IMDb rates 1–10 in whole steps; filmrev rates 0.5–5 in half
steps, so the rating is exactly ``Your Rating / 2`` (7 → 3.5, 10 → 5.0) and no
rounding is ever needed; a rating that is not a whole number 1–10 is an error.
``Date Rated`` becomes ``created``. Genres, runtimes, IMDb's own rating and vote
counts describe the film, not your review, and are not imported.

Only film-like title types are imported by default (``movie``, ``tvMovie``,
``video``, ``short`` and their spelled-out forms such as ``TV Movie``); series,
episodes, specials and games are counted and skipped unless ``all_types``.
An export made in another site language names the types in that language
(Italian ``Film``, ``Corto``, ``Serie TV``): the names of the languages IMDb
offers are known (:data:`LOCALISED_FILM_TYPES`, :data:`LOCALISED_OTHER_TYPES`),
and a type that is in neither list is imported as a film, with a note, rather
than dropped.

A file that is not UTF-8 but is valid Windows-1252 (a spreadsheet's re-save) is
read as Windows-1252, with a note saying so.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from filmrev.errors import ValidationError
from filmrev.folding import fold
from filmrev.importers.common import (
    SOURCE_IMDB,
    Batch,
    Incoming,
    NoProgress,
    Problems,
    Progress,
    checked,
    day_stamp,
    read_input,
    tracked,
)
from filmrev.importers.csvfiles import Row, read_table
from filmrev.model import Review, now_utc, parse_date, parse_year

REQUIRED_COLUMNS = ("Const", "Your Rating", "Title")
FILM_TYPES = frozenset({"movie", "tvmovie", "video", "short", "tvshort"})
OTHER_TYPES = frozenset(
    {"tvseries", "tvminiseries", "tvepisode", "tvspecial", "videogame", "podcastseries",
     "podcastepisode", "musicvideo"}
)  # fmt: skip
#: IMDb's film-like type names in its other site languages (de, es, fr, it, pt), as keys.
LOCALISED_FILM_TYPES = frozenset(
    {
        # it
        "film", "filmtv", "corto", "cortotv", "video",
        # de
        "fernsehfilm", "kurzfilm", "tvfilm", "fernsehkurzfilm",
        # es
        "pelicula", "peliculadetv", "peliculaparatv", "cortometraje", "cortometrajedetv",
        # fr
        "telefilm", "courtmetrage", "courtmetragetv",
        # pt
        "filme", "filmeparatv", "filmedetv", "curtametragem", "curtametragemdetv",
    }
)  # fmt: skip
#: ... and the names of series, episodes, specials and games.
LOCALISED_OTHER_TYPES = frozenset(
    {
        # it
        "serietv", "miniserietv", "episodiotv", "specialetv", "videogioco", "podcast",
        # de
        "fernsehserie", "minifernsehserie", "fernsehepisode", "fernsehspecial", "tvserie",
        "tvminiserie", "tvepisode", "tvspecial", "videospiel",
        # es
        "seriedetv", "miniseriedetv", "episodiodetv", "especialdetv", "videojuego",
        # fr
        "serietele", "miniserietele", "episodetele", "specialtele", "episodetv",
        "specialtv", "jeuvideo",
        # pt
        "minisseriedetv", "minisserie", "videogame", "jogoeletronico",
    }
)  # fmt: skip
CONST = re.compile(r"^tt[0-9]{5,12}$")


def looks_like_imdb(header: list[str]) -> bool:
    """Whether a CSV header is IMDb's ratings export (``Const,Your Rating,...``)."""
    return header[:2] == ["Const", "Your Rating"] or set(REQUIRED_COLUMNS) <= set(header)


def type_key(title_type: str) -> str:
    """``TV Movie`` and ``tvMovie`` → ``tvmovie``; ``Película de TV`` → ``peliculadetv``."""
    return re.sub(r"[\W_]", "", fold(title_type))


def is_film_type(title_type: str) -> bool | None:
    """True for a film-like type, False for series/episodes/games, None when unknown."""
    key = type_key(title_type)
    if key in FILM_TYPES or key in LOCALISED_FILM_TYPES:
        return True
    if key in OTHER_TYPES or key in LOCALISED_OTHER_TYPES:
        return False
    return None


def decode_imdb(data: bytes) -> tuple[bytes, str | None]:
    """UTF-8 bytes of the file, and a note when it had to be read as Windows-1252."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            return data, None  # neither: the CSV reader reports the byte, with its line
        return text.encode("utf-8"), (
            "not UTF-8: read as Windows-1252 (a spreadsheet's encoding); if titles look "
            "wrong, save the file as 'CSV UTF-8' and import it again"
        )
    return data, None


def parse_imdb_rating(cell: str) -> float | None:
    """IMDb's 1–10 → filmrev's 0.5–5.0 (exactly half; 7 → 3.5)."""
    text = cell.strip()
    if not text:
        return None
    if not text.isdigit() or not 1 <= int(text) <= 10:
        raise ValidationError(f"Your Rating must be a whole number from 1 to 10 (got {cell!r})")
    return int(text) / 2


def _record(row: Row, origin: str, problems: Problems) -> Incoming | None:
    before = len(problems.lines)
    const = row.get("Const").strip()
    if not CONST.fullmatch(const):
        problems.add(origin, f"Const must be an IMDb id like tt0054215 (got {const!r})")
    title = row.get("Title").strip()
    if not title:
        problems.add(origin, "Title is empty")
    rating = checked(origin, problems, parse_imdb_rating, row.get("Your Rating"))
    rated = checked(origin, problems, parse_date, row.get("Date Rated"), "Date Rated")
    year = checked(origin, problems, parse_year, row.get("Year"))
    if len(problems.lines) != before:
        return None
    fields: dict[str, Any] = {"title": title, "sources": {"imdb": const}}
    original = row.get("Original Title").strip()
    if original and original != title:
        fields["original_title"] = original
    if year is not None:
        fields["year"] = year
    if rating is not None:
        fields["rating"] = rating
    director = row.get("Directors").strip()
    if director:
        fields["director"] = director
    stamp = now_utc()
    try:
        review = Review.from_doc(
            {**fields, "id": 1, "slug": "placeholder", "created": stamp, "updated": stamp}
        )
    except ValidationError as error:
        problems.add(origin, error.message)
        return None
    normalised = review.to_doc()
    clean = {key: normalised[key] for key in fields if key != "sources"}
    clean["sources"] = {"imdb": const}
    return Incoming(
        origin=origin,
        source=SOURCE_IMDB,
        fields=clean,
        created=day_stamp(rated) if rated else None,
        updated=day_stamp(rated) if rated else None,
    )


def read_imdb(path: Path, all_types: bool = False, progress: Progress | None = None) -> Batch:
    """Read and validate an IMDb ratings CSV."""
    progress = progress or NoProgress()
    problems = Problems()
    batch = Batch(format="imdb", label=str(path))
    data, encoding_note = decode_imdb(read_input(path))
    if encoding_note:
        batch.notes.append(f"{path}: {encoding_note}")
    source = read_table(data, str(path), problems)
    missing = [column for column in REQUIRED_COLUMNS if column not in source.header]
    if missing and not problems:
        problems.add(f"{path}:1", f"not an IMDb ratings export (no {', '.join(missing)} column)")
    problems.raise_if_any(str(path))
    skipped: dict[str, int] = {}
    unknown: dict[str, int] = {}
    seen: dict[str, str] = {}
    for row in tracked(source.rows, progress, "reading IMDb ratings"):
        origin = source.origin(row.line)
        title_type = row.get("Title Type").strip()
        film = is_film_type(title_type) if title_type else True
        if film is False and not all_types:
            skipped[title_type] = skipped.get(title_type, 0) + 1
            continue
        if film is None:
            unknown[title_type] = unknown.get(title_type, 0) + 1
        record = _record(row, origin, problems)
        if record is None:
            continue
        const = record.fields["sources"]["imdb"]
        if const in seen:
            problems.add(origin, f"{const} appears twice (also {seen[const]})")
            continue
        seen[const] = origin
        batch.records.append(record)
    problems.raise_if_any(str(path))
    batch.notes.extend(problems.notes)
    if skipped:
        counts = ", ".join(f"{count} {kind}" for kind, count in sorted(skipped.items()))
        batch.notes.append(f"skipped rows that are not films: {counts} (--all-types imports them)")
    if unknown:
        counts = ", ".join(f"{count} {kind}" for kind, count in sorted(unknown.items()))
        batch.notes.append(f"title types filmrev does not know, imported as films: {counts}")
    return batch
