"""Views are pure functions: data in, a renderable out, no library, no clock, read as text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from filmrev.doctor import Report
from filmrev.paths import LibraryPaths
from filmrev.ranking import Move
from filmrev.views.doctor import report_view
from filmrev.views.drafts import DraftLine, age, drafts_table
from filmrev.views.rank import comparisons_table
from filmrev.views.refine import moves_table
from tests.test_render import render, review

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def test_draft_ages_count_up_to_the_given_now() -> None:
    assert age(NOW - timedelta(days=2, hours=5), NOW) == "2 d"
    assert age(NOW - timedelta(minutes=12, seconds=3), NOW) == "12 min"
    assert age(NOW + timedelta(seconds=30), NOW) == "0 s"  # a clock skew never goes negative
    assert age(None, NOW) == "?"
    line = DraftLine(1, "edit", "[bold]Amour[/]\x1b[31m", NOW - timedelta(hours=3), "/d/1.md")
    text = render(drafts_table([line, line._replace(id=2, title=None)], NOW))
    assert text.splitlines()[0].split() == ["ID", "Kind", "Title", "Age", "Path"]
    assert "[bold]Amour[/]  " in text and "\x1b" not in text  # user text is cleaned, literal
    assert "3 h" in text and "(no title)" in text


def test_rank_history_names_a_film_that_is_gone_and_adds_weights_only_when_needed() -> None:
    amour = review(id=3, title="Amour", year=2012, rank=2, rating=5.0)
    rows = [("2026-12-02T06:54:19Z", 3, "won", 1.0), (None, 9, "lost", 1.0)]
    text = render(comparisons_table(rows, {3: amour}))
    assert text.splitlines()[0].split() == ["When", "(UTC)", "Result", "Against", "Rank", "Rating"]
    assert "2026-12-02 06:54  won     Amour (2012)" in text
    assert "review 9" in text
    weighed = render(comparisons_table([(None, 3, "tie", 0.25)], {3: amour}))
    assert weighed.splitlines()[0].split()[-1] == "Weight" and "0.25" in weighed


def test_refine_moves_and_doctor_report_read_as_a_user_sees_them() -> None:
    amour = review(id=3, title="Amour", year=2012, rating=5.0)
    moves = render(moves_table([Move(3, 3, 2, 4, 1)], {3: amour}), width=60)
    assert "#3 → #2  Amour (2012)  ★★★★★ 5.0            4        1" in moves
    paths = LibraryPaths(Path("/films/library.json"), Path("/films/library.json"))
    report = Report(paths)
    report.add("ranks", "problem", "review 11 has rank 12, outside 1 to 8")
    text = render(report_view(report), width=60)
    assert text.splitlines()[0] == "Library /films/library.json"
    assert "ranks  problem  review 11 has rank 12, outside 1 to 8" in text
