"""Importing a Letterboxd export (zip, folder, single CSVs) and IMDb ratings from fixture files.

The fixtures in ``tests/fixtures`` follow the published header layouts and carry the
awkward cases: a BOM, CRLF line ends, quoted newlines, fields over the csv module's
128 KiB default limit, a watchlist, TV rows in the IMDb file.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Runner

FIXTURES = Path(__file__).resolve().parent / "fixtures"
LETTERBOXD = FIXTURES / "letterboxd"
IMDB = FIXTURES / "imdb" / "ratings.csv"


def make_zip(target: Path, folder: Path = LETTERBOXD, prefix: str = "") -> Path:
    """The export as Letterboxd's download gives it (optionally inside one top folder)."""
    with zipfile.ZipFile(target, "w") as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, prefix + path.relative_to(folder).as_posix())
    return target


def library(cli: Runner, *db: str) -> dict[str, dict[str, Any]]:
    exported = cli(*db, "export")
    assert exported.code == 0, exported.err
    return {review["slug"]: review for review in json.loads(exported.out)["reviews"]}


def test_fixtures_have_the_awkward_bytes() -> None:
    diary = (LETTERBOXD / "diary.csv").read_bytes()
    assert diary.startswith(b"\xef\xbb\xbfDate,Name,Year,Letterboxd URI,")
    assert b"\r\n" in diary
    csv.field_size_limit(1 << 24)
    text = (LETTERBOXD / "reviews.csv").read_text(encoding="utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]
    assert max(map(len, cells)) > 131072  # over the csv module's default field limit
    ratings = IMDB.read_bytes()
    assert ratings.startswith(b"\xef\xbb\xbfConst,Your Rating,Date Rated,Title,")
    assert b'"Drama,\nRomance"' in ratings  # a quoted newline


def test_letterboxd_zip(cli: Runner, tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "letterboxd-critic-2024-06-20-utc.zip")
    result = cli("import", str(archive), "--ranked-list", "All-Time Top")
    assert result.code == 0, result.err
    assert result.out == ""
    assert result.err == (
        "lists: 1 added, 0 updated, 0 unchanged\n"
        "watchlist: 1 added\n"  # watchlist.csv: films to see, not reviews
        "imported 6 reviews: 6 added, 0 updated, 0 unchanged\n"
    )
    films = library(cli)
    assert sorted(films) == [
        "aftersun-2022",
        "amour-2012",
        "paris-texas-1984",
        "portrait-of-a-lady-on-fire-2019",
        "rust-and-bone-2012",
        "vertigo-1958",
    ]
    vertigo = films["vertigo-1958"]
    assert vertigo["viewings"] == [
        {"date": "2023-11-02", "rating": 5.0, "rewatch": False},
        {"date": "2024-06-14", "rating": 4.5, "rewatch": True},
    ]
    assert vertigo["rating"] == 4.5  # ratings.csv: the current rating
    assert vertigo["watched"] == "2024-06-14"
    assert vertigo["tags"] == ["obsession", "hitchcock", "rewatch"]
    assert vertigo["sources"]["letterboxd"] == "https://boxd.it/29Qk"  # the film, not an entry
    assert vertigo["created"] == "2023-11-03T00:00:00.000000Z"  # the earliest logged date
    assert vertigo["rank"] == 1
    ranks = {slug: film["rank"] for slug, film in films.items() if film["rank"]}
    assert ranks == {"vertigo-1958": 1, "amour-2012": 2, "rust-and-bone-2012": 3,
                     "paris-texas-1984": 4}  # fmt: skip
    rust = films["rust-and-bone-2012"]
    review_text = (LETTERBOXD / "reviews.csv").read_bytes().decode("utf-8-sig")
    assert len(rust["body"]) > 131072
    assert rust["body"].startswith("I went in expecting a melodrama.\nI came out bruised")
    assert rust["body"] in review_text  # byte for byte, quoted newlines included
    aftersun = films["aftersun-2022"]
    assert aftersun["body"] == (
        "A package holiday, a camcorder, a question you can’t ask anymore.\r\n\r\n"
        '“Under Pressure” wrecked me, "quite" literally.'
    )
    portrait = films["portrait-of-a-lady-on-fire-2019"]  # only in watched.csv
    assert portrait["viewings"] == [] and portrait["rating"] is None
    assert portrait["sources"]["letterboxd"] == "https://boxd.it/kqPw"


def test_zip_folder_and_zip_with_a_top_folder_import_the_same(cli: Runner, tmp_path: Path) -> None:
    outputs = []
    sources = [
        make_zip(tmp_path / "a.zip"),
        make_zip(tmp_path / "b.zip", prefix="letterboxd-critic/"),
        LETTERBOXD,
    ]
    for number, source in enumerate(sources):
        db = ("--db", str(tmp_path / f"lib{number}.json"))
        assert cli(*db, "import", str(source)).code == 0
        films = library(cli, *db)
        for film in films.values():
            del film["created"], film["updated"]  # stamped at import where no date is known
        outputs.append(films)
    assert outputs[0] == outputs[1] == outputs[2]


def test_single_csv_files(cli: Runner) -> None:
    diary = cli("import", str(LETTERBOXD / "diary.csv"))
    assert diary.code == 0, diary.err
    assert diary.err == "imported 5 reviews: 5 added, 0 updated, 0 unchanged\n"
    ratings = cli("import", str(LETTERBOXD / "ratings.csv"))
    assert ratings.err == "imported 5 reviews: 0 added, 5 updated, 0 unchanged\n"
    films = library(cli)
    assert films["vertigo-1958"]["rating"] == 4.5  # from the diary: ratings.csv came second
    watchlist = cli("import", str(LETTERBOXD / "watchlist.csv"))
    assert watchlist.code == 0, watchlist.err
    assert watchlist.err == (
        "watchlist: 1 added\nimported 0 reviews: 0 added, 0 updated, 0 unchanged\n"
    )
    assert len(library(cli)) == 5  # a film to see is not a review


def test_unknown_ranked_list_names_the_lists(cli: Runner, tmp_path: Path) -> None:
    result = cli("import", str(LETTERBOXD), "--ranked-list", "Best of 2012")
    assert result.code == 1
    assert (
        f"{LETTERBOXD}: no Letterboxd list named 'Best of 2012' (lists: 'All-Time Top')"
        in result.err
    )
    by_file = cli("import", str(LETTERBOXD), "--ranked-list", "all-time-top")
    assert by_file.code == 0, by_file.err


def test_bad_rows_are_reported_with_file_and_line(
    cli: Runner, tmp_path: Path, isolated_library: Path
) -> None:
    folder = tmp_path / "export"
    shutil.copytree(LETTERBOXD, folder)
    diary = folder / "diary.csv"
    diary.write_bytes(
        diary.read_bytes()
        + b"2024-07-01,Amour,2012,https://boxd.it/x,7,,,2024-06-30\r\n"
        + b'2024-07-02,,2012,https://boxd.it/y,4,Maybe,,"2024-02-30"\r\n'
    )
    result = cli("import", str(folder))
    assert result.code == 1
    assert result.err.splitlines() == [
        f"{diary}:8: Rating must be 0.5 to 5 in steps of 0.5 (got '7')",
        f"{diary}:9: Name is empty",
        f"{diary}:9: Rewatch must be Yes, true or empty (got 'Maybe')",
        f"{diary}:9: Watched Date must be a date as YYYY-MM-DD (got '2024-02-30')",
        f"filmrev: error: 4 problems in {folder}; nothing was imported",
    ]
    assert not isolated_library.exists()


def test_imdb_ratings(cli: Runner) -> None:
    result = cli("import", str(IMDB))
    assert result.code == 0, result.err
    assert result.err == (
        "skipped rows that are not films: 1 TV Episode, 1 TV Series (--all-types imports them)\n"
        "imported 6 reviews: 6 added, 0 updated, 0 unchanged\n"
    )
    films = library(cli)
    assert {slug: film["rating"] for slug, film in films.items()} == {
        "vertigo-1958": 5.0,
        "amour-2012": 4.5,
        "rust-and-bone-2012": 4.0,
        "paris-texas-1984": 4.0,
        "taxi-driver-1976": 4.5,
        "the-conversation-1974": 3.5,
    }
    rust = films["rust-and-bone-2012"]
    assert rust["original_title"] == "De rouille et d'os"
    assert rust["director"] == "Jacques Audiard"
    assert rust["sources"] == {
        "letterboxd": None,
        "imdb": "tt2053425",
        "tmdb": None,
        "wordpress": None,
    }
    assert rust["created"] == "2024-03-12T00:00:00.000000Z"
    assert films["vertigo-1958"]["original_title"] is None  # the same as the title
    everything = cli("import", str(IMDB), "--all-types")
    assert everything.err == "imported 8 reviews: 2 added, 0 updated, 6 unchanged\n"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("tt0000001,11,2024-01-01,X,X,,movie,,,2000,,,,", "Your Rating must be a whole number"),
        ("tt0000001,7.5,2024-01-01,X,X,,movie,,,2000,,,,", "Your Rating must be a whole number"),
        ("nm0000001,7,2024-01-01,X,X,,movie,,,2000,,,,", "Const must be an IMDb id"),
        ("tt0052357,7,2024-01-01,X,X,,movie,,,2000,,,,", "tt0052357 appears twice (also"),
    ],
)
def test_bad_imdb_rows(
    cli: Runner, tmp_path: Path, isolated_library: Path, row: str, message: str
) -> None:
    path = tmp_path / "ratings.csv"
    path.write_bytes(IMDB.read_bytes() + row.encode() + b"\r\n")
    result = cli("import", str(path))
    assert result.code == 1
    assert f"{path}:11: {message}" in result.err
    assert not isolated_library.exists()


def test_letterboxd_and_imdb_of_the_same_films_make_no_duplicates(
    cli: Runner, tmp_path: Path, isolated_library: Path
) -> None:
    archive = make_zip(tmp_path / "letterboxd.zip")
    assert cli("import", str(archive), "--ranked-list", "All-Time Top").code == 0
    imdb = cli("import", str(IMDB))
    assert imdb.code == 0, imdb.err
    assert imdb.err.endswith("imported 6 reviews: 2 added, 4 updated, 0 unchanged\n")
    films = library(cli)
    assert len(films) == 8  # 6 from Letterboxd + Taxi Driver and The Conversation
    vertigo = films["vertigo-1958"]
    assert vertigo["rating"] == 4.5  # Letterboxd set it first; IMDb's 10 → 5.0 does not win
    assert vertigo["sources"] == {
        "letterboxd": "https://boxd.it/29Qk",
        "imdb": "tt0052357",
        "tmdb": None,
        "wordpress": None,
    }
    assert vertigo["director"] == "Alfred Hitchcock"  # filled in by IMDb
    assert films["rust-and-bone-2012"]["original_title"] == "De rouille et d'os"
    assert films["paris-texas-1984"]["created"] == "2023-08-15T00:00:00.000000Z"

    before = isolated_library.read_bytes()
    again_lb = cli("import", str(archive), "--ranked-list", "All-Time Top")
    assert again_lb.err.endswith("imported 6 reviews: 0 added, 0 updated, 6 unchanged\n")
    again_imdb = cli("import", str(IMDB))
    assert again_imdb.err.endswith("imported 6 reviews: 0 added, 0 updated, 6 unchanged\n")
    assert isolated_library.read_bytes() == before

    other = ("--db", str(tmp_path / "reverse.json"))  # the other order: same films
    assert cli(*other, "import", str(IMDB)).code == 0
    assert cli(*other, "import", str(archive)).code == 0
    assert sorted(library(cli, *other)) == sorted(films)


def test_newer_letterboxd_export_updates_what_changed(
    cli: Runner, tmp_path: Path, isolated_library: Path
) -> None:
    folder = tmp_path / "export"
    shutil.copytree(LETTERBOXD, folder)
    assert cli("import", str(folder)).code == 0
    diary = folder / "diary.csv"
    diary.write_bytes(
        diary.read_bytes() + b"2024-07-01,Amour,2012,https://boxd.it/9zZ,4.5,Yes,,2024-06-30\r\n"
    )
    ratings = folder / "ratings.csv"
    ratings.write_bytes(
        ratings.read_bytes().replace(
            b"Amour,2012,https://boxd.it/3dSm,5", b"Amour,2012,https://boxd.it/3dSm,4.5"
        )
    )
    result = cli("import", str(folder))
    assert result.err.endswith("imported 6 reviews: 0 added, 1 updated, 5 unchanged\n")
    amour = library(cli)["amour-2012"]
    assert amour["rating"] == 4.5
    assert [viewing["date"] for viewing in amour["viewings"]] == ["2024-01-21", "2024-06-30"]
    assert amour["watched"] == "2024-06-30"
