"""Tables at 40, 60, 80 and 120 columns: what a user must still see (names, counts, tags)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from filmrev.backups import list_backups
from filmrev.paths import resolve_library
from tests.conftest import Runner

WIDTHS = ("40", "60", "80", "120")
LONG_TAG = "You’ve Touched Me in a Good Way"


def _seed(cli: Runner) -> None:
    for title, year, rating, tags in (
        ("Portrait of a Lady on Fire", "2019", "4.5", ["French", "Period Piece", LONG_TAG]),
        ("Rust and Bone", "2012", "4.5", [LONG_TAG, "French"]),
        ("Amour", "2012", "5", [LONG_TAG]),
    ):
        args = ["add", title, "--year", year, "--rating", rating, "--watched", "2024-03-09"]
        for tag in tags:
            args += ["--tag", tag]
        assert cli(*args).code == 0


@pytest.mark.parametrize("width", WIDTHS)
def test_backups_never_cut_the_name_nor_wrap_the_size(
    cli: Runner, isolated_library: Path, width: str
) -> None:
    _seed(cli)
    assert cli("backup").code == 0
    cli("tag", "rename", "French", "Français")  # a second backup, reason tag-rename
    names = [path.name for path in list_backups(resolve_library(isolated_library))]
    assert len(names) == 2
    result = cli("backups", env={"COLUMNS": width})
    assert result.code == 0
    lines = result.out.splitlines()
    for name in names:
        assert any(name in line for line in lines), (width, result.out)  # whole, on one line
    sizes = re.findall(r"\d+\.\d KB", result.out)
    assert len(sizes) == 2  # "43.1 KB" never split over two lines
    assert "…" not in result.out
    for line in lines:
        assert len(line) <= int(width) or any(name in line for name in names)


@pytest.mark.parametrize("width", WIDTHS)
def test_stats_bars_fit_the_width_and_counts_stay_visible(cli: Runner, width: str) -> None:
    _seed(cli)
    result = cli("stats", env={"COLUMNS": width})
    assert result.code == 0
    lines = result.out.splitlines()
    assert all(len(line) <= int(width) for line in lines), result.out
    top_tags = lines[lines.index("Top tags") + 1 :]
    counts = [line.rsplit(" ", 1)[-1] for line in top_tags if line.strip()][:2]
    assert counts == ["3", "2"], result.out  # the long tag's count is on screen
    ratings = lines[lines.index("Ratings") + 1 : lines.index("Ratings") + 11]
    assert ratings[-1].endswith(" 1") and ratings[-2].endswith(" 2")  # 5.0: one, 4.5: two
    if int(width) >= 80:
        assert "█" * 30 in result.out  # wide terminals keep the full 30-column bar


@pytest.mark.parametrize("width", WIDTHS)
def test_list_keeps_tags_before_the_slug_and_never_cuts_a_slug(cli: Runner, width: str) -> None:
    _seed(cli)
    result = cli("list", env={"COLUMNS": width})
    assert result.code == 0
    lines = result.out.splitlines()
    assert all(len(line) <= int(width) for line in lines), result.out
    header = lines[0].split()
    assert "ID" in header and "Rating" in header
    if int(width) >= 60:
        assert "Tags" in header, result.out  # tags are kept before the slug
    if "Slug" in header:
        for slug in ("portrait-of-a-lady-on-fire-2019", "rust-and-bone-2012", "amour-2012"):
            assert slug in result.out  # a slug is shown whole or not at all
    if int(width) >= 120:
        assert "Slug" in header and "Watched" in header
        assert "You’ve Touched Me in a Good" in result.out
