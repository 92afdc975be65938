"""Exporters: one module per output format, each with one entry function.

:data:`EXPORTERS` is the registry: each format says once what it is called, how
``export --format`` describes it, and which function renders it. The ``--format``
choices and help, the option checks and the dispatch in ``filmrev.commands.io``
come from it. This module stays cheap to import (the CLI builds its choices at
start-up): every exporter module is imported only when its format is used.

Adding a format is one entry in :data:`EXPORTERS`::

    Exporter(
        "letterboxd-list",
        "letterboxd-list (a list to import on letterboxd.com/list/new)",  # --format help
        "a Letterboxd list",                                # "formatting 3 reviews as ..."
        render=_letterboxd_list,                            # ExportJob -> str
    )
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from filmrev.film_lists import FilmList
    from filmrev.model import Review


def _nothing() -> list[Any]:
    return []


@dataclass(frozen=True)
class ExportJob:
    """What an exporter is given: the reviews and the options of ``export``."""

    reviews: Sequence[Review]
    #: The stored comparisons (read only by the formats that carry them).
    comparisons: Callable[[], Iterable[Mapping[str, Any]]] = _nothing
    #: The watchlist's entries as documents (read only by the lossless JSON export).
    watchlist: Callable[[], Sequence[Mapping[str, Any]]] = _nothing
    #: The named lists (:class:`filmrev.film_lists.FilmList`), for the JSON export and
    #: ``letterboxd-list``.
    lists: Callable[[], Sequence[FilmList]] = _nothing
    #: ``export --format letterboxd-list NAME``: the list to export.
    list_name: str | None = None
    link_back: bool = False
    site_url: str | None = None
    author: str | None = None
    tags: Sequence[str] = ()
    year: str | None = None
    status: str | None = None


def _all_reviews(text: str, job: ExportJob) -> int:
    return len(job.reviews)


@dataclass(frozen=True)
class Exporter:
    """One output format of ``export``."""

    name: str
    #: Its phrase in the ``--format`` help.
    help: str
    #: What the progress line says it formats ("formatting 3 reviews as <label>").
    label: str
    #: The whole export as text, for stdout or one ``--out`` file.
    render: Callable[[ExportJob], str]
    #: With ``--out``: the export in numbered files of bounded size, instead of ``render``.
    parts: Callable[[ExportJob], list[str]] | None = None
    #: A note for stderr about the rendered text (None: nothing to say).
    advice: Callable[[str], str | None] | None = None
    #: How many reviews the text holds (for "exported N reviews to FILE").
    count: Callable[[str, ExportJob], int] = _all_reviews
    #: ``--out DIR`` writes a site directory (``filmrev.exporters.site``) instead.
    site: bool = False
    #: It exports one named list, given as ``export --format NAME LIST``.
    named: bool = False
    #: What ``count`` counts, in "exported N <noun>s to FILE".
    noun: str = "review"
    #: The format-only options of ``export`` it takes (``link_back``, ``site_url``, ...).
    options: frozenset[str] = field(default_factory=frozenset)


# --- the formats (entry functions import their module when called) ------------------------


def _named_list(job: ExportJob) -> FilmList:
    from filmrev.film_lists import find_list

    return find_list(job.lists(), job.list_name or "")


def _letterboxd_list(job: ExportJob) -> str:
    from filmrev.exporters.letterboxd_list import letterboxd_list_csv
    from filmrev.film_lists import resolved

    film_list = _named_list(job)
    return letterboxd_list_csv(film_list, resolved(film_list, {r.id: r for r in job.reviews}))


def _json(job: ExportJob) -> str:
    from filmrev.exporters.json_export import library_json

    return library_json(
        job.reviews,
        job.comparisons(),
        lists=[film_list.to_json() for film_list in job.lists()],
        watchlist=job.watchlist(),
    )


def _markdown(job: ExportJob) -> str:
    from filmrev.exporters.markdown import library_document

    return library_document(job.reviews)


def _csv(job: ExportJob) -> str:
    from filmrev.exporters.csv_table import reviews_csv

    return reviews_csv(job.reviews, neutralise_formulas=True)


def _letterboxd(job: ExportJob) -> str:
    from filmrev.exporters.letterboxd import letterboxd_csv

    return letterboxd_csv(job.reviews, link_back=job.link_back)


def _letterboxd_parts(job: ExportJob) -> list[str]:
    from filmrev.exporters.letterboxd import letterboxd_files

    return letterboxd_files(job.reviews, link_back=job.link_back)


def _letterboxd_advice(text: str) -> str | None:
    from filmrev.exporters.letterboxd import MAX_FILE_BYTES

    if len(text.encode("utf-8")) <= MAX_FILE_BYTES:
        return None
    return (
        "this CSV is over 1 MB, more than Letterboxd's importer takes; "
        "--out FILE.csv splits it into FILE-1.csv, FILE-2.csv, ..."
    )


def _wordpress(job: ExportJob) -> str:
    from filmrev.exporters.wordpress import export_wordpress

    return export_wordpress(
        job.reviews,
        site_url=job.site_url,
        author=job.author,
        tags=job.tags,
        year=job.year,
        status=job.status,
    )


#: Every export format, in the order ``--format`` lists them (the first is the default).
EXPORTERS: tuple[Exporter, ...] = (
    Exporter("json", "json (lossless)", "json", render=_json),
    Exporter("markdown", "markdown", "markdown", render=_markdown, site=True),
    Exporter("csv", "csv (spreadsheet)", "csv", render=_csv),
    Exporter(
        "letterboxd",
        "letterboxd (their import CSV)",
        "Letterboxd CSV",
        render=_letterboxd,
        parts=_letterboxd_parts,
        advice=_letterboxd_advice,
        options=frozenset({"link_back"}),
    ),
    Exporter(
        "letterboxd-list",
        "letterboxd-list NAME (one list, for their list importer)",
        "a Letterboxd list CSV",
        render=_letterboxd_list,
        count=lambda text, job: len(_named_list(job).entries),
        named=True,
        noun="film",
    ),
    Exporter(
        "wordpress",
        "wordpress (WXR for Tools → Import)",
        "WordPress WXR",
        render=_wordpress,
        count=lambda text, job: text.count("<item>"),
        options=frozenset({"site_url", "author", "tags", "year", "status"}),
    ),
)


def export_names() -> tuple[str, ...]:
    """The ``export --format`` names."""
    return tuple(exporter.name for exporter in EXPORTERS)


def exporter(name: str) -> Exporter:
    """The registered exporter called ``name`` (KeyError when there is none)."""
    for entry in EXPORTERS:
        if entry.name == name:
            return entry
    raise KeyError(name)


def format_help() -> str:
    """``json (lossless), markdown, ... or wordpress (...).``: the ``--format`` help."""
    phrases = [entry.help for entry in EXPORTERS]
    return ", ".join(phrases[:-1]) + " or " + phrases[-1] + "."
