"""Output that never leaves its folder, and never deletes what filmrev did not write.

- A directory inside the export folder swapped for a symbolic link in the middle of an
  export (after the check, between two writes) gets no file written through it, and a
  removal made after the swap deletes nothing outside. The swap happens in a wrapped
  ``os.replace`` (right after the first file is put in place), so no timing is involved.
- A manifest filmrev did not write (planted, copied from elsewhere) never makes
  ``export --force`` delete or silently overwrite a file filmrev did not write.
- A Markdown directory import does not follow symbolic links out of the folder.
- Windows device names are never slugs nor export file names.
- CSV export neutralises full-width ``＝`` and formulas after leading blanks.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from filmrev.model import Review
from filmrev.transaction import writing
from tests.conftest import Runner
from tests.reliability.helpers import paths_of, tree

DATA = Path(__file__).resolve().parents[2] / "data" / "reviews"


@pytest.fixture
def sample(run_in: Runner) -> None:
    result = run_in("import", str(DATA))
    assert result.code == 0, result.err


def swap_after_first_write(
    monkeypatch: pytest.MonkeyPatch, directory: Path, outside: Path
) -> Callable[[], bool]:
    """Wrap ``os.replace``: after the first ``.md`` file is put in place, replace
    ``directory`` by a symbolic link to ``outside`` (the real one moves aside, inside)."""
    real_replace = os.replace
    done = {"swapped": False}

    def replace(src: Any, dst: Any, *args: Any, **kwargs: Any) -> None:
        real_replace(src, dst, *args, **kwargs)
        if not done["swapped"] and str(dst).endswith(".md"):
            done["swapped"] = True
            os.rename(directory, directory.with_name(directory.name + ".moved"))
            os.symlink(outside, directory)

    monkeypatch.setattr(os, "replace", replace)
    return lambda: done["swapped"]


def test_a_directory_swapped_for_a_link_mid_export_gets_nothing_written_through_it(
    run_in: Runner, sample: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    site = tmp_path / "blog"
    (site / "_posts").mkdir(parents=True)
    swapped = swap_after_first_write(monkeypatch, site / "_posts", outside)
    result = run_in("export", "-f", "markdown", "-o", str(site), "--profile", "jekyll")
    assert swapped(), "the race harness never ran; the test would prove nothing"
    assert list(outside.iterdir()) == [], result.err
    assert "Traceback" not in result.err
    # Every post went into the directory that was opened (now moved aside, inside).
    assert len(list((site / "_posts.moved").iterdir())) >= 2


def test_a_removal_after_a_swap_deletes_nothing_outside(
    run_in: Runner, sample: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "blog"
    assert run_in("export", "-f", "markdown", "-o", str(site), "--profile", "jekyll").code == 0
    posts = sorted((site / "_posts").iterdir())
    victim = posts[0]
    # The attacker's copy: same name and content outside, so a hash check alone passes.
    outside = tmp_path / "outside"
    outside.mkdir()
    copied = victim.read_bytes()
    (outside / victim.name).write_bytes(copied)
    slug = victim.name[len("2024-01-01-") : -len(".md")]
    assert run_in("delete", slug, "--yes").code == 0  # its post is due for removal
    assert run_in("edit", "1", "--rating", "1").code == 0  # and one file due for a write
    swapped = swap_after_first_write(monkeypatch, site / "_posts", outside)
    result = run_in("export", "-f", "markdown", "-o", str(site), "--profile", "jekyll")
    assert swapped(), "the race harness never ran; the test would prove nothing"
    assert (outside / victim.name).exists(), result.err
    assert (outside / victim.name).read_bytes() == copied
    assert sorted(path.name for path in outside.iterdir()) == [victim.name]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_planted_manifest_never_gets_files_filmrev_did_not_write_deleted(
    cli: Runner, tmp_path: Path
) -> None:
    assert cli("add", "Vertigo", "--year", "1958", "--body", "Text.").code == 0
    site = tmp_path / "blog"
    (site / ".git").mkdir(parents=True)
    (site / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (site / "_config.yml").write_text("title: My reviews\n")
    (site / "notes.md").write_text("# My notes\n")
    (site / "_posts").mkdir()
    (site / "_posts" / "2020-01-01-mine.md").write_text("---\ntitle: Mine\n---\n\nMine.\n")
    planted = {
        name: {"sha256": _digest(site / name), "input": "x"}
        for name in ("_config.yml", ".git/HEAD", "notes.md", "_posts/2020-01-01-mine.md")
    }
    (site / ".filmrev-manifest.json").write_text(
        json.dumps({"format": "filmrev-manifest", "version": 1, "files": planted})
    )
    before = tree(site)
    for args in (["--profile", "jekyll", "--force"], ["--profile", "plain"]):
        result = cli("export", "-f", "markdown", "-o", str(site), *args)
        assert result.code == 0, result.err
        after = tree(site)
        for name in planted:
            assert after[name] == before[name]
        if "--force" in args:
            assert "0 removed" in result.err
            assert "left in place" in result.err and "_config.yml" in result.err


def test_a_planted_manifest_never_lets_a_foreign_file_be_overwritten(
    cli: Runner, tmp_path: Path
) -> None:
    assert cli("add", "Vertigo", "--year", "1958", "--body", "Text.").code == 0
    site = tmp_path / "site"
    site.mkdir()
    mine = site / "vertigo-1958.md"
    mine.write_text("my own notes about Vertigo\n")
    (site / ".filmrev-manifest.json").write_text(
        json.dumps(
            {
                "format": "filmrev-manifest",
                "version": 1,
                "files": {"vertigo-1958.md": {"sha256": _digest(mine), "input": "x"}},
            }
        )
    )
    result = cli("export", "-f", "markdown", "-o", str(site))
    assert result.code == 1
    assert "vertigo-1958.md" in result.err and "--force overwrites them" in result.err
    assert mine.read_text() == "my own notes about Vertigo\n"


def test_markdown_directory_import_does_not_follow_links_out_of_the_folder(
    cli: Runner, tmp_path: Path
) -> None:
    private = tmp_path / "private"
    private.mkdir()
    (private / "diary.md").write_text("---\ntitle: My private diary\n---\n\nSecret.\n")
    (private / "more").mkdir()
    (private / "more" / "also.md").write_text("---\ntitle: Also private\n---\n\nSecret.\n")
    folder = tmp_path / "reviews"
    folder.mkdir()
    (folder / "amour.md").write_text("---\ntitle: Amour\nyear: 2012\n---\n\nText.\n")
    (folder / "diary.md").symlink_to(private / "diary.md")
    (folder / "more").symlink_to(private / "more")
    result = cli("import", str(folder))
    assert result.code == 0, result.err
    titles = [doc["title"] for doc in json.loads(cli("list", "--format", "json").out)]
    assert titles == ["Amour"]
    assert "lead out of it through a symbolic link" in result.err


DEVICES = ["con", "nul", "aux", "prn", "com1", "com9", "lpt1", "lpt9"]


@pytest.mark.parametrize("name", DEVICES)
def test_windows_device_names_are_reserved_like_index(cli: Runner, name: str) -> None:
    made = cli("add", name.upper())
    assert made.code == 0, made.err
    assert made.out.strip() != name
    assert cli("add", "Amour").code == 0
    refused = cli("edit", "amour", "--slug", name)
    assert refused.code == 1
    assert "reserved" in refused.err


def test_a_stored_device_name_slug_is_not_an_export_file_name(
    cli: Runner, isolated_library: Path, tmp_path: Path
) -> None:
    with writing(paths_of(isolated_library)) as library:
        for number, slug in enumerate(("con", "lpt1"), start=1):
            library.put_reviews(
                [
                    Review.from_doc(
                        {
                            "id": number,
                            "slug": slug,
                            "title": slug.upper(),
                            "created": "2020-01-01T00:00:00Z",
                            "updated": "2020-01-01T00:00:00Z",
                        }
                    )
                ]
            )
    site = tmp_path / "site"
    assert cli("export", "-f", "markdown", "-o", str(site)).code == 0
    stems = {path.name.split(".")[0] for path in site.iterdir()}
    assert not stems & set(DEVICES)
    assert {"con-1", "lpt1-2"} <= stems


@pytest.mark.parametrize(
    ("option", "value", "column"),
    [
        ("--title", '＝HYPERLINK("http://x")', "title"),
        ("--title", "＠SUM(A1)", "title"),
        ("--body", "  =1+1", "body"),
        ("--body", "\n=1+1", "body"),
        ("--body", " \n@SUM(A1)", "body"),
        ("--body", " ＋1", "body"),
        ("--body", "\u3000－1", "body"),
    ],
    ids=[
        "fullwidth-equals",
        "fullwidth-at",
        "spaces",
        "newline",
        "space-newline-at",
        "fw-plus",
        "ideo",
    ],
)
def test_csv_export_neutralises_hidden_formula_starts(
    cli: Runner, option: str, value: str, column: str
) -> None:
    args = ["add", value] if option == "--title" else ["add", "Amour", option, value]
    assert cli(*args).code == 0
    result = cli("export", "--format", "csv")
    assert result.code == 0, result.err
    rows = list(csv.DictReader(io.StringIO(result.out)))
    assert rows[0][column] == "'" + value
