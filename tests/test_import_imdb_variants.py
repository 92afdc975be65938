"""IMDb exports in another site language or another encoding: every film comes in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from filmrev.importers.imdb import is_film_type
from tests.conftest import Runner

HEADER = (
    "Const,Your Rating,Date Rated,Title,Original Title,URL,Title Type,IMDb Rating,"
    "Runtime (mins),Year,Genres,Num Votes,Release Date,Directors\n"
)


def row(const: str, title: str, kind: str, year: str = "2001") -> str:
    url = f"https://www.imdb.com/title/{const}"
    return (
        f"{const},8,2024-01-02,{title},{title},{url},{kind},7.5,90,{year},Drama,100,"
        f"{year}-01-01,Someone\n"
    )


def titles(cli: Runner) -> list[str]:
    result = cli("list", "-f", "json")
    assert result.code == 0, result.err
    return sorted(doc["title"] for doc in json.loads(result.out))


def test_italian_title_types_import_films_and_skip_series(cli: Runner, tmp_path: Path) -> None:
    source = tmp_path / "ratings.csv"
    source.write_text(
        HEADER
        + row("tt0000001", "Il film", "Film")
        + row("tt0000002", "Un corto", "Corto")
        + row("tt0000003", "Un video", "Video")
        + row("tt0000004", "Una serie", "Serie TV")
        + row("tt0000005", "Mini", "Mini serie TV")
        + row("tt0000006", "Episodio", "Episodio TV"),
        encoding="utf-8",
    )
    result = cli("import", str(source))
    assert result.code == 0, result.err
    assert titles(cli) == ["Il film", "Un corto", "Un video"]
    assert "1 Episodio TV, 1 Mini serie TV, 1 Serie TV" in result.err


@pytest.mark.parametrize(
    ("kind", "film"),
    [("Película", True), ("Película de TV", True), ("Court métrage", True), ("Kurzfilm", True),
     ("Filme", True), ("Série TV", False), ("Fernsehserie", False), ("TV Episode", False),
     ("tvShort", True), ("movie", True)],
)  # fmt: skip
def test_localised_type_names(kind: str, film: bool) -> None:
    assert is_film_type(kind) is film


def test_unknown_title_types_are_imported_with_a_note(cli: Runner, tmp_path: Path) -> None:
    source = tmp_path / "ratings.csv"
    source.write_text(HEADER + row("tt0000001", "Elokuva", "Elokuva"), encoding="utf-8")
    result = cli("import", str(source))
    assert result.code == 0, result.err
    assert titles(cli) == ["Elokuva"]
    assert "title types filmrev does not know, imported as films: 1 Elokuva" in result.err


def test_windows_1252_file_is_read_with_a_note(cli: Runner, tmp_path: Path) -> None:
    source = tmp_path / "ratings.csv"
    text = HEADER + row("tt0211915", "Amélie – Le fabuleux destin", "movie")
    source.write_bytes(text.encode("cp1252"))
    result = cli("import", str(source))
    assert result.code == 0, result.err
    assert titles(cli) == ["Amélie – Le fabuleux destin"]
    assert "read as Windows-1252" in result.err


def test_bytes_that_are_neither_utf8_nor_windows_1252_are_an_error(
    cli: Runner, tmp_path: Path, isolated_library: Path
) -> None:
    source = tmp_path / "ratings.csv"
    source.write_bytes((HEADER + row("tt0000001", "X", "movie")).encode() + b"tt1,\x81\x8d\n")
    result = cli("import", str(source))
    assert result.code == 1 and "not UTF-8" in result.err
    assert not isolated_library.exists()


EXTERNAL = Path(__file__).resolve().parent.parent.parent / "shared" / "external-data" / "imdb"


@pytest.mark.skipif(not EXTERNAL.is_dir(), reason=f"the real IMDb exports are not at {EXTERNAL}")
@pytest.mark.parametrize(
    ("name", "films"),
    [("aureliome-imdb-ratings-ai-2025-it.csv", 782), ("ronilaukkarinen-rollekino-2021.csv", 2944)],
)
def test_real_italian_and_windows_1252_exports(cli: Runner, name: str, films: int) -> None:
    result = cli("import", str(EXTERNAL / name))
    assert result.code == 0, result.err
    assert f"imported {films} reviews: {films} added" in result.err
