"""``stats`` and ``people`` on a terminal: summary lines, bar charts, the people table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich.bar import Bar
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from filmrev.terminal import clean, stars

#: The longest bar of ``stats``; narrower terminals get shorter bars, never less than this.
BAR_WIDTH = 30
MIN_BAR_WIDTH = 8


def bars(
    counts: Mapping[str, int],
    labels: Mapping[str, str] | None = None,
    *,
    names: bool = False,
    width: int = 80,
) -> RenderableType:
    """A bar a row: label, bar (longest = the top count), count, fitted to ``width``.

    The bar shrinks first (from 30 columns), then long names are cut with "…", so the
    counts always stay on screen.
    """
    rows = [((labels or {}).get(key, key), count) for key, count in counts.items()]
    label_width = max((len(label) for label, _ in rows), default=0)
    count_width = max((len(str(count)) for _, count in rows), default=1)
    bar_width = max(MIN_BAR_WIDTH, min(BAR_WIDTH, width - label_width - count_width - 2))
    label_width = max(1, min(label_width, width - bar_width - count_width - 2))
    table = Table.grid(padding=(0, 1))
    table.add_column(
        justify="left" if names else "right",
        no_wrap=True,
        overflow="ellipsis",
        width=label_width,
    )
    table.add_column(width=bar_width, no_wrap=True)
    table.add_column(justify="right", no_wrap=True, width=count_width)
    top = max(counts.values(), default=0) or 1
    for label, count in rows:
        table.add_row(
            Text(label),
            Bar(size=top, begin=0, end=count, width=bar_width, color="yellow"),
            str(count),
        )
    return table


def stats_view(
    stats: dict[str, Any], year: int | None, watched_year: int | None, width: int = 80
) -> RenderableType:
    """Summary lines, rating histogram (half-star bars), years, decades, top tags and people."""
    summary = Table.grid(padding=(0, 2))
    summary.add_column(style="bold")
    summary.add_column()
    scope = f" of films from {year}" if year is not None else ""
    if watched_year is not None:
        scope += f" watched in {watched_year}"
    summary.add_row("Reviews", f"{stats['reviews']:,}{scope}")
    summary.add_row("Words", f"{stats['words']:,}")
    average = stats["average_rating"]
    summary.add_row("Average rating", f"{average:.2f}" if average is not None else "–")
    summary.add_row("Longest", Text(clean(stats["longest"] or "–")))
    parts: list[RenderableType] = [summary]

    def section(title: str, body: RenderableType) -> None:
        parts.extend([Text(""), Text(title, style="bold underline"), body])

    labels = {key: f"{stars(float(key)):<5} {key}" for key in stats["ratings"]}
    section("Ratings", bars(stats["ratings"], labels, width=width))
    if stats["by_year_watched"]:
        section("By year watched", bars(stats["by_year_watched"], width=width))
    if stats["by_decade"]:
        section("By release decade", bars(stats["by_decade"], width=width))
    for title, key, name in (("Top tags", "top_tags", "tag"), ("Top people", "top_people", "name")):
        if stats[key]:
            rows = {clean(entry[name]): entry["count"] for entry in stats[key]}
            section(title, bars(rows, names=True, width=width))
    return Group(*parts)


def people_table(rows: Sequence[tuple[str, int, Sequence[str]]]) -> Table:
    """``people``: name, number of reviews, roles (as :func:`filmrev.stats.people_counts`)."""
    table = Table(box=None, header_style="bold", pad_edge=False)
    table.add_column("Name")
    table.add_column("Reviews", justify="right")
    table.add_column("Roles", style="dim")
    for name, count, roles in rows:
        table.add_row(Text(clean(name)), str(count), Text(clean(", ".join(roles))))
    return table
