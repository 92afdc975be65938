"""``filmrev year Y`` in the terminal: the numbers of a year as Rich bars and tables.

Drawn from the document of :func:`filmrev.year.year_document`; every piece of user text
goes through :func:`filmrev.terminal.clean` into a ``Text`` (never markup). Fits 60 to 120
columns: bars shrink first, then long names are cut with "…"; counts stay on screen.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from filmrev.terminal import clean, rating_label, stars
from filmrev.views.stats import bars
from filmrev.year import Period, month_label

WHERE_LABELS = {"cinema": "cinema", "home": "home", "other": "other", "unknown": "not recorded"}


def _title(entry: Mapping[str, Any]) -> str:
    title = clean(str(entry["title"]))
    return f"{title} ({entry['year']})" if entry.get("year") else title


def _plural(number: int, noun: str, plural: str | None = None) -> str:
    return f"{number:,} {noun if number == 1 else (plural or noun + 's')}"


def _summary(document: Mapping[str, Any]) -> Table:
    summary = Table.grid(padding=(0, 2))
    summary.add_column(style="bold", no_wrap=True)
    summary.add_column()
    films = document["films"]
    summary.add_row(
        "Films",
        f"{films:,} ({_plural(document['first_viewings'], 'first viewing')}, "
        f"{_plural(document['rewatches'], 'rewatch', 'rewatches')})",
    )
    summary.add_row(
        "Viewings",
        f"{document['viewings']:,} "
        f"({_plural(document['rewatch_viewings'], 'rewatch', 'rewatches')})",
    )
    average = document["average_rating"]
    summary.add_row("Average rating", f"{average:.2f}" if average is not None else "–")
    where = document["where"]
    summary.add_row(
        "Where",
        " · ".join(f"{where[key]:,} {label}" for key, label in WHERE_LABELS.items() if where[key]),
    )
    summary.add_row("Words", f"{document['words']:,} in reviews of these films")
    longest = document["longest"]
    if longest is not None:
        line = Text(_title(longest))
        line.append(f", {_plural(longest['words'], 'word')}", style="dim")
        summary.add_row("Longest review", line)
    return summary


def top_table(entries: Sequence[Mapping[str, Any]]) -> Table:
    """Position, film, rating and all-time rank; the title column wraps, numbers never do."""
    ranked = any(entry["rank"] is not None for entry in entries)
    table = Table(box=None, header_style="bold", pad_edge=False, expand=False)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("Film", overflow="fold", ratio=1)
    table.add_column("Rating", no_wrap=True)
    if ranked:  # no column of dashes when none of them is ranked
        table.add_column("Rank", justify="right", no_wrap=True)
    for entry in entries:
        film = Text(_title(entry))
        if entry["rewatch"]:
            film.append(" ↻", style="dim")
        rank = entry["rank"]
        cells: list[RenderableType] = [
            str(entry["position"]),
            film,
            Text(rating_label(entry["rating"]), style="yellow"),
        ]
        if ranked:
            cells.append(f"#{rank}" if rank is not None else "–")
        table.add_row(*cells)
    return table


#: Rewatched films shown (the JSON document has them all).
SHOWN_REWATCHES = 10
SHOWN_LISTS = 10


def _rewatched(entries: Sequence[Mapping[str, Any]]) -> RenderableType:
    shown = entries[:SHOWN_REWATCHES]
    counted = any(entry["times"] > 1 for entry in shown)  # else no column of blanks
    table = Table(box=None, show_header=False, pad_edge=False)
    table.add_column(overflow="fold", ratio=1)
    if counted:
        table.add_column(justify="right", no_wrap=True)
    for entry in shown:
        times = entry["times"]
        cells = [Text(_title(entry))]
        if counted:
            cells.append(Text(_plural(times, "viewing") if times > 1 else ""))
        table.add_row(*cells)
    more = len(entries) - SHOWN_REWATCHES
    if more <= 0:
        return table
    return Group(table, Text(f"… and {more:,} more (--format json lists them all)", style="dim"))


def _lists(entries: Sequence[Mapping[str, Any]]) -> RenderableType:
    """The lists updated in the period, the first SHOWN_LISTS of them (as rewatches)."""
    table = Table(box=None, show_header=False, pad_edge=False)
    table.add_column(overflow="fold", ratio=1)
    table.add_column(justify="right", no_wrap=True)
    table.add_column(no_wrap=True, style="dim")
    for entry in entries[:SHOWN_LISTS]:
        table.add_row(
            Text(clean(entry["name"])), _plural(entry["entries"], "film"), entry["updated"]
        )
    more = len(entries) - SHOWN_LISTS
    if more <= 0:
        return table
    return Group(table, Text(f"… and {more:,} more (--format json lists them all)", style="dim"))


def year_view(document: Mapping[str, Any], width: int = 80) -> RenderableType:
    """The whole year: summary, top films, months, ratings, decades, names, rewatches, lists."""
    heading = Text(f"{Period(document['year'], document['half']).label} in film", style="bold")
    parts: list[RenderableType] = [heading, _summary(document)]

    def section(title: str, body: RenderableType) -> None:
        parts.extend([Text(""), Text(title, style="bold underline"), body])

    if document["top"]:
        section(f"Top {len(document['top'])}", top_table(document["top"]))
        if any(entry["rewatch"] for entry in document["top"]):
            parts.append(Text("↻ seen again (only rewatches this time)", style="dim"))
    months = {month_label(key): count for key, count in document["by_month"].items()}
    section("By month", bars(months, width=width))
    ratings = {f"{stars(float(key)):<5} {key}": n for key, n in document["ratings"].items()}
    section("Ratings", bars(ratings, width=width))
    if document["by_decade"]:
        section("Release decades", bars(document["by_decade"], width=width))
    for title, key, name in (
        ("Directors", "top_directors", "name"),
        ("Tags", "top_tags", "tag"),
        ("People", "top_people", "name"),
        ("Watched with", "watched_with", "name"),
    ):
        if document[key]:
            rows = {clean(entry[name]): entry["count"] for entry in document[key]}
            section(title, bars(rows, names=True, width=width))
    if document["rewatched"]:
        section("Rewatched", _rewatched(document["rewatched"]))
    if document["lists"]:
        section("Lists updated", _lists(document["lists"]))
    return Group(*parts)
