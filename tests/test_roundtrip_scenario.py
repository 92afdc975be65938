"""Stories across formats: a Jekyll site kept in step with the library; Letterboxd out, in."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

from tests.conftest import Runner

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data" / "reviews"
LETTERBOXD = ROOT / "tests" / "fixtures" / "letterboxd"


def test_a_jekyll_site_is_regenerated_from_the_library(
    cli: Runner, tmp_path: Path, isolated_library: Path
) -> None:
    assert cli("import", str(DATA)).code == 0
    blog = tmp_path / "blog"
    blog.mkdir()
    (blog / "_config.yml").write_text("title: Reviews\n", encoding="utf-8")
    (blog / "about.md").write_text("---\nlayout: page\n---\nMe.\n", encoding="utf-8")
    export = ("export", "-f", "markdown", "-o", str(blog), "--profile", "jekyll")
    first = cli(*export)
    assert first.code == 0, first.err
    assert first.err == f"exported 10 reviews to {blog}: 11 files written, 0 unchanged, 0 removed\n"
    posts = blog / "_posts"
    amelie = posts / "2023-01-03-amelie-2001.md"
    stamp = os.stat(amelie).st_mtime_ns

    assert cli("edit", "la-haine-1995", "--tagline", "Jusqu’ici tout va bien.").code == 0
    assert cli("delete", "taxi-driver-1976", "--yes").code == 0
    assert cli("add", "Cléo from 5 to 7", "--year", "1962", "--rank", "1").code == 0
    (posts / "2024-02-04-amour-2012.md").unlink()  # lost by accident
    second = cli(*export)
    assert second.code == 0, second.err
    # The new film, the ranked page and the six ranked films (each moved down one rank,
    # la-haine edited too, amour restored) are written; three unranked films are not.
    assert second.err == f"exported 10 reviews to {blog}: 8 files written, 3 unchanged, 1 removed\n"
    assert os.stat(amelie).st_mtime_ns == stamp
    assert not (posts / "2023-10-08-taxi-driver-1976.md").exists()
    assert (posts / "2024-02-04-amour-2012.md").exists()
    assert "Jusqu’ici tout va bien." in (posts / "2023-06-25-la-haine-1995.md").read_text("utf-8")
    new_post = next((blog / "_drafts").glob("cleo-from-5-to-7-1962.md"))
    assert new_post.read_text(encoding="utf-8").startswith("---\nlayout: post\ntitle: Cléo")
    assert (blog / "about.md").read_text(encoding="utf-8") == "---\nlayout: page\n---\nMe.\n"
    ranked = (blog / "ranked" / "index.md").read_text(encoding="utf-8")
    assert "1. Cléo from 5 to 7 (1962)\n2. [Vertigo (1958)]" in ranked  # a draft: no link

    rebuilt = tmp_path / "rebuilt.json"
    result = cli("--db", str(rebuilt), "import", str(blog))  # the manifest lists the reviews
    assert result.code == 0, result.err
    assert result.err == (
        f"{blog}: 1 other .md files are not in its export manifest and were not read "
        "(import them by path)\nimported 10 reviews: 10 added, 0 updated, 0 unchanged\n"
    )
    assert cli("--db", str(rebuilt), "export").out == cli("export").out


def test_letterboxd_out_and_back_in(cli: Runner, tmp_path: Path) -> None:
    archive = tmp_path / "letterboxd.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in sorted(LETTERBOXD.rglob("*.csv")):
            zipped.write(path, path.relative_to(LETTERBOXD).as_posix())
    assert cli("import", str(archive)).code == 0
    first = cli("export", "--format", "letterboxd")
    assert first.code == 0, first.err
    assert first.out.startswith(
        "Title,Year,Rating,WatchedDate,Rewatch,Tags,Review,Directors,LetterboxdURI\r\n"
    )
    out = tmp_path / "for-letterboxd.csv"
    out.write_text(first.out, encoding="utf-8", newline="")
    other = ("--db", str(tmp_path / "other.json"))
    result = cli(*other, "import", str(out))
    assert result.code == 0, result.err
    assert result.err == "imported 6 reviews: 6 added, 0 updated, 0 unchanged\n"
    assert cli(*other, "export", "--format", "letterboxd").out == first.out
    again = cli(*other, "import", str(out))
    assert again.err == "imported 6 reviews: 0 added, 0 updated, 6 unchanged\n"
