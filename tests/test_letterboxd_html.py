"""Letterboxd review text: HTML ↔ Markdown, doctor --fix, 1 MB parts, lists, title matching."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest

from filmrev.exporters.letterboxd import letterboxd_files
from filmrev.importers.common import title_key
from filmrev.model import Review
from filmrev.review_html import html_to_markdown, markdown_to_html
from tests.conftest import Runner

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "letterboxd"
EXTERNAL = Path(os.environ.get("EXTERNAL_DATA", ROOT.parent / "shared" / "external-data"))
AGUITOV = EXTERNAL / "letterboxd" / "aguitov-2026-06"
EXTRATONE = EXTERNAL / "letterboxd" / "extratone-2024-04-27"
MCANOUIL = EXTERNAL / "imdb" / "mcanouil-imdb-ratings-2023-07-30.csv"
needs_external = pytest.mark.skipif(
    not AGUITOV.is_dir(), reason=f"the real exports are not at {EXTERNAL} (set EXTERNAL_DATA)"
)


def test_html_subset_becomes_markdown() -> None:
    html = (
        "<p>It&#39;s <i>quiet</i>, <em>slow</em>, <b>bold</b>, <strong>strong</strong>"
        "<br>and <a href='https://boxd.it/x'>linked</a>.</p><blockquote>A quote.</blockquote>"
    )
    assert html_to_markdown(html) == (
        "It's *quiet*, *slow*, **bold**, **strong**\\\nand [linked](https://boxd.it/x).\n\n"
        "> A quote.\n"
    )


def test_letterboxd_unbalanced_blockquote_is_closed_by_the_second_opener() -> None:
    text = '<blockquote>“What is this?”<blockquote>\n\nThe answer.\n\n<a href="u">2022</a>'
    assert html_to_markdown(text) == "> “What is this?”\n\nThe answer.\n\n[2022](u)\n"
    left_open = "<blockquote>Quoted.\n\nMine."
    assert html_to_markdown(left_open) == "> Quoted.\n\nMine.\n"


def test_unbalanced_and_loose_inline_tags_become_real_emphasis() -> None:
    text = "como <i>culpable<i> o <i>Almut </i>y <b>fin"
    assert html_to_markdown(text) == "como *culpable* o *Almut* y **fin**\n"


def test_plain_text_is_kept_exactly() -> None:
    assert html_to_markdown("No *HTML* here  \n\nat all") == "No *HTML* here  \n\nat all"


def test_markdown_becomes_the_allowed_html_only() -> None:
    text = (
        "# Head\n\nA *b* **c** [d](https://e.example)\n\n> q\n\n- one\n- two\n\n<script>x</script>"
    )
    assert markdown_to_html(text) == (
        '<strong>Head</strong>\n\nA <em>b</em> <strong>c</strong> <a href="https://e.example">d</a>\n\n'
        "<blockquote>q</blockquote>\n\n- one\n- two"
    )


def _import(cli: Runner, *args: str) -> None:
    result = cli("import", *args)
    assert result.code == 0, result.err


def _docs(cli: Runner) -> dict[str, dict[str, object]]:
    return {doc["slug"]: doc for doc in json.loads(cli("list", "-f", "json").out)}


@needs_external
def test_real_export_imports_as_markdown_with_no_text_lost(cli: Runner) -> None:
    _import(cli, str(AGUITOV))
    docs = _docs(cli)
    bodies = [str(doc["body"]) for doc in docs.values() if doc["body"]]
    assert len(bodies) == 913
    assert not any("<blockquote" in body or "<a href" in body for body in bodies)
    quoted = [body for body in bodies if body.startswith("> ")]
    assert len(quoted) > 500  # 601 reviews had an unbalanced <blockquote>
    with (AGUITOV / "reviews.csv").open(encoding="utf-8", newline="") as handle:
        first = next(csv.DictReader(handle))
    words = [w for w in html_to_markdown(first["Review"]).split() if w.isalpha()]
    assert all(any(w in body for body in bodies) for w in words[:20])


@needs_external
def test_real_export_out_and_back_in_gives_the_same_letterboxd_csv(
    cli: Runner, tmp_path: Path
) -> None:
    _import(cli, str(AGUITOV))
    first = tmp_path / "first.csv"
    assert cli("export", "--format", "letterboxd", "--out", str(first)).code == 0
    other = {"FILMREV_DB": str(tmp_path / "other.json")}
    assert cli("import", str(first), env=other).code == 0
    second = tmp_path / "second.csv"
    assert cli("export", "--format", "letterboxd", "--out", str(second), env=other).code == 0
    assert second.read_bytes() == first.read_bytes()


def test_doctor_fix_converts_letterboxd_html_with_a_backup(
    cli: Runner, tmp_path: Path, isolated_library: Path
) -> None:
    review = {
        "id": 1, "slug": "jaws-1975", "title": "Jaws", "year": 1975,
        "body": "<blockquote>Smile.<blockquote>\n\n<i>Great</i> film.",
        "sources": {"letterboxd": "https://boxd.it/abc"},
        "created": "2024-01-01T00:00:00.000000Z", "updated": "2024-01-01T00:00:00.000000Z",
    }  # fmt: skip
    document = {"format": "filmrev", "version": 1, "schema": 1, "reviews": [review]}
    source = tmp_path / "old.json"
    source.write_text(json.dumps(document), encoding="utf-8")
    _import(cli, str(source))
    check = cli("doctor")
    assert check.code == 3 and "review html" in check.out + check.err
    fixed = cli("doctor", "--fix")
    assert fixed.code == 0, fixed.out + fixed.err
    assert _docs(cli)["jaws-1975"]["body"] == "> Smile.\n\n*Great* film.\n"
    backups = list((isolated_library.parent / "library.json.d" / "backups").iterdir())
    assert any("doctor-fix" in path.name for path in backups)
    assert cli("doctor").code == 0


def test_export_writes_html_and_link_back(cli: Runner) -> None:
    assert cli("add", "Amour", "--year", "2012", "--body", "A *quiet* film.\n\nTwo.",
               "--url", "https://blog.example/amour/").code == 0  # fmt: skip
    plain = cli("export", "--format", "letterboxd")
    row = next(csv.DictReader(io.StringIO(plain.out, newline="")))
    assert row["Review"] == "A <em>quiet</em> film.\n\nTwo."
    linked = cli("export", "--format", "letterboxd", "--link-back")
    row = next(csv.DictReader(io.StringIO(linked.out, newline="")))
    assert row["Review"].endswith(
        '\n\nOriginally published at <a href="https://blog.example/amour/">'
        "https://blog.example/amour/</a>"
    )
    assert cli("export", "--format", "json", "--link-back").code == 2


def test_exports_over_1_mb_are_split_with_the_header_repeated(cli: Runner, tmp_path: Path) -> None:
    body = tmp_path / "long.md"
    body.write_text(("word " * 80_000).strip() + "\n", encoding="utf-8")  # ~400 KB
    for title in ("One", "Two", "Three"):
        assert cli("add", title, "--body-file", str(body), "--watched", "2024-01-01").code == 0
    out = tmp_path / "letterboxd.csv"
    result = cli("export", "--format", "letterboxd", "--out", str(out))
    assert result.code == 0, result.err
    parts = sorted(tmp_path.glob("letterboxd-*.csv"))
    assert [path.name for path in parts] == ["letterboxd-1.csv", "letterboxd-2.csv"]
    assert not out.exists() and "in 2 files" in result.err
    titles = []
    csv.field_size_limit(10_000_000)
    for path in parts:
        data = path.read_bytes()
        assert len(data) <= 1_000_000
        assert data.startswith(b"Title,Year,Rating,WatchedDate,Rewatch,Tags,Review,Directors")
        titles += [row["Title"] for row in csv.DictReader(io.StringIO(data.decode(), newline=""))]
    assert sorted(titles) == ["One", "Three", "Two"]


def test_split_never_cuts_a_film_in_two() -> None:
    stamp = "2024-01-01T00:00:00.000000Z"
    films = [
        Review.from_doc({"id": n, "slug": f"f-{n}", "title": f"F{n}", "body": "x" * 300,
                         "created": stamp, "watched": "2024-01-02"})
        for n in range(1, 8)
    ]  # fmt: skip
    parts = letterboxd_files(films, limit=1000)
    assert len(parts) > 1
    assert all(part.startswith("Title,Year") and len(part.encode()) <= 1000 for part in parts)
    assert (
        "".join(part.split("\r\n", 1)[1] for part in parts)
        == letterboxd_files(films, limit=None)[0].split("\r\n", 1)[1]
    )


def test_ranked_list_does_not_change_created(cli: Runner, tmp_path: Path) -> None:
    _import(cli, str(FIXTURE))
    plain = {slug: doc["created"] for slug, doc in _docs(cli).items()}
    other = {"FILMREV_DB": str(tmp_path / "ranked.json")}
    result = cli("import", str(FIXTURE), "--ranked-list", "All-Time Top", env=other)
    assert result.code == 0, result.err
    ranked = json.loads(cli("list", "-f", "json", env=other).out)
    assert any(doc["rank"] for doc in ranked)
    for doc in ranked:
        if doc["slug"] in plain:
            assert doc["created"] == plain[doc["slug"]]
        else:  # only on the list: not the list's date either
            assert not str(doc["created"]).startswith("2024-06-01")


def test_title_key_ignores_punctuation_and_typography() -> None:
    assert title_key("Mission: Impossible – Fallout") == title_key("Mission: Impossible - Fallout")
    assert title_key("Hit & Run") == title_key("Hit and Run")
    assert title_key("Monsters vs Aliens") == title_key("Monsters vs. Aliens")
    assert title_key("Birds of Prey (and the Fantabulous Emancipation of One Harley Quinn)") == (
        title_key("Birds of Prey and the Fantabulous Emancipation of One Harley Quinn")
    )
    assert title_key("Amélie") == title_key("AMELIE") and title_key("!!!") == "!!!"
    assert title_key("Up") != title_key("Us")


@needs_external
def test_real_letterboxd_and_imdb_exports_make_no_duplicates(cli: Runner) -> None:
    _import(cli, str(EXTRATONE))
    letterboxd = len(_docs(cli))
    result = cli("import", str(MCANOUIL))
    assert result.code == 0, result.err
    assert "198 updated" in result.err  # was 193 (5 shared films added a second time)
    docs = json.loads(cli("list", "-f", "json").out)
    keys = [(title_key(str(doc["title"])), doc["year"]) for doc in docs]
    assert len(keys) == len(set(keys))
    assert letterboxd == 408
