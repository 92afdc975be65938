"""Rich renderables for reviews: panels, tables, stars.

Renderables are values: functions here return them and the caller prints.
User text always enters through :func:`clean` into ``Text`` (never a markup
string), so ``[bold red]x[/]`` shows literally, and escape, control and bidi
override characters never reach the terminal. Data formats (json, csv,
markdown) do not pass through here: they stay byte-exact.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from filmrev.model import Review
from filmrev.terminal import clean, rating_label


def _credit_lines(review: Review) -> list[Text]:
    lines: list[Text] = []

    def add(label: str, names: Sequence[str]) -> None:
        if names:
            line = Text(f"{label}: ", style="bold")
            line.append(clean(", ".join(names)))
            lines.append(line)

    add("Director", [review.director] if review.director else [])
    add("Cast", review.cast)
    for role, names in review.crew.items():
        add(clean(role).capitalize(), names)
    return lines


def review_panel(review: Review) -> Panel:
    """The full review: title, stars, rank, tags, credits, tagline and Markdown body."""
    parts: list[RenderableType] = []
    header = Text()
    header.append(rating_label(review.rating), style="yellow")
    if review.rank is not None:
        header.append("   ")
        header.append(f"#{review.rank}", style="bold magenta")
    if review.watched:
        header.append(f"   watched {review.watched}", style="dim")
    parts.append(header)
    if review.original_title:
        parts.append(Text(clean(review.original_title), style="italic dim"))
    if review.tagline:
        parts.append(Text(clean(review.tagline), style="italic"))
    if review.tags:
        tags = Text("Tags: ", style="bold")
        for index, tag in enumerate(review.tags):
            if index:
                tags.append(" · ", style="dim")
            tags.append(clean(tag), style="cyan")
        parts.append(tags)
    parts.extend(_credit_lines(review))
    for link in review.links:
        parts.append(Text(clean(link), style="blue underline"))
    if review.body.strip():
        parts.append(Text(""))
        # Imported here: rich.markdown (markdown-it, pygments) costs ~25 ms that list/rank skip.
        from rich.markdown import Markdown

        parts.append(Markdown(clean(review.body, multiline=True), hyperlinks=False))
    title = Text(clean(review.display_title), style="bold")
    subtitle = Text(f"{review.slug} · id {review.id}", style="dim")
    return Panel(Group(*parts), title=title, subtitle=subtitle, title_align="left", padding=(1, 2))


def reviews_table(reviews: Sequence[Review], *, positions: Sequence[int] | None = None) -> Table:
    """One row a review: rank (or filtered position), title, year, rating, watched, tags, slug.

    With ``positions`` (a filtered ranking), ``#`` is the position and a ``Rank`` column keeps
    the global rank.
    """
    table = Table(box=None, header_style="bold", pad_edge=False, expand=False)
    table.add_column("#", justify="right", style="magenta", no_wrap=True)
    if positions is not None:
        table.add_column("Rank", justify="right", style="magenta", no_wrap=True)
    table.add_column("ID", justify="right", style="dim", no_wrap=True)
    table.add_column("Title", ratio=3)
    table.add_column("Year", justify="right", no_wrap=True)
    table.add_column("Rating", style="yellow", no_wrap=True)
    table.add_column("Watched", no_wrap=True, style="dim")
    table.add_column("Tags", style="cyan", ratio=2)
    table.add_column("Slug", style="dim", overflow="fold")
    for index, review in enumerate(reviews):
        rank = str(review.rank) if review.rank is not None else ""
        numbers = [str(positions[index]), rank] if positions is not None else [rank]
        table.add_row(
            *numbers,
            str(review.id),
            Text(clean(review.title)),
            str(review.year or ""),
            rating_label(review.rating),
            review.watched or "",
            Text(clean(", ".join(review.tags))),
            review.slug,
        )
    return table


def counts_table(rows: Sequence[tuple[str, int]], heading: str) -> Table:
    """A two-column table of names and counts (tags, people)."""
    table = Table(box=None, header_style="bold", pad_edge=False)
    table.add_column(heading)
    table.add_column("Reviews", justify="right")
    for name, count in rows:
        table.add_row(Text(clean(name)), str(count))
    return table
