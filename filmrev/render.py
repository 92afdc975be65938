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

from filmrev.model import BODY_MAX, Review
from filmrev.terminal import clean, rating_label

#: The most of a body ``show`` renders (Rich Markdown costs seconds a megabyte).
RENDER_MAX = BODY_MAX


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

        body = review.body
        if len(body) > RENDER_MAX:
            # Only a library an older filmrev wrote holds a body over the limit: show as much
            # as a body may hold, so `show` takes seconds, not minutes.
            cut = body.rfind("\n", 0, RENDER_MAX)
            body = body[: cut if cut > 0 else RENDER_MAX]
        parts.append(Markdown(clean(body, multiline=True), hyperlinks=False))
        if len(body) < len(review.body):
            rest = len(review.body) - len(body)
            parts.append(
                Text(
                    f"… {rest:,} more characters not shown; "
                    f"`filmrev show {review.slug} --plain` prints the whole body",
                    style="dim",
                )
            )
    title = Text(clean(review.display_title), style="bold")
    subtitle = Text(f"{review.slug} · id {review.id}", style="dim")
    return Panel(Group(*parts), title=title, subtitle=subtitle, title_align="left", padding=(1, 2))


def reviews_table(
    reviews: Sequence[Review], *, positions: Sequence[int] | None = None, width: int = 100
) -> Table:
    """One line a review: rank (or filtered position), id, title, year, rating, watched, tags, slug.

    With ``positions`` (a filtered ranking), ``#`` is the position and a ``Rank`` column keeps
    the global rank. Columns are fitted to ``width``: tags are cut with "…" (down to 12
    characters), and on narrow terminals Watched, then Tags, then Slug are left out (the
    ID column is always there to copy as a REF); only the title wraps.
    """
    rows = []
    for index, review in enumerate(reviews):
        rank = str(review.rank) if review.rank is not None else ""
        numbers = [str(positions[index]), rank] if positions is not None else [rank]
        rows.append(
            [
                *numbers,
                str(review.id),
                clean(review.title),
                str(review.year or ""),
                rating_label(review.rating),
                review.watched or "",
                clean(" · ".join(review.tags)),
                review.slug,
            ]
        )
    headers = ["#", *(["Rank"] if positions is not None else []), "ID", "Title", "Year"]
    headers += ["Rating", "Watched", "Tags", "Slug"]
    natural = [
        max([len(header), *(len(row[column]) for row in rows)])
        for column, header in enumerate(headers)
    ]
    widths = dict(zip(headers, natural, strict=True))
    natural_tags = widths["Tags"] = min(widths["Tags"], 40)
    gap = 2
    optional = ["Watched", "Tags", "Slug"]
    shown = list(headers)

    def title_room() -> int:
        others = sum(widths[h] for h in shown if h != "Title")
        return width - others - gap * (len(shown) - 1)

    wanted_title = min(widths["Title"], 20)
    if title_room() < wanted_title:  # first give the tags less room, then leave columns out
        widths["Tags"] = max(12, widths["Tags"] - (wanted_title - title_room()))
    while title_room() < wanted_title and optional:
        shown.remove(optional.pop(0))
    spare = title_room() - widths["Title"]
    if "Tags" in shown and spare > 0:  # hand back what the whole title does not need
        widths["Tags"] = min(natural_tags, widths["Tags"] + spare)
    table = Table(box=None, header_style="bold", pad_edge=False, padding=(0, gap, 0, 0))
    styles = {"#": "magenta", "Rank": "magenta", "ID": "dim", "Rating": "yellow"}
    styles.update({"Watched": "dim", "Tags": "cyan", "Slug": "dim"})
    for header in shown:
        if header == "Title":
            table.add_column(header, max_width=max(title_room(), 8), overflow="fold")
        else:
            table.add_column(
                header,
                style=styles.get(header, ""),
                justify="right" if header in ("#", "Rank", "ID", "Year") else "left",
                no_wrap=True,
                overflow="ellipsis",
                width=widths[header],
            )
    for row in rows:
        cells = dict(zip(headers, row, strict=True))
        table.add_row(*(Text(cells[header]) for header in shown))
    return table


def counts_table(rows: Sequence[tuple[str, int]], heading: str) -> Table:
    """A two-column table of names and counts (tags, people)."""
    table = Table(box=None, header_style="bold", pad_edge=False)
    table.add_column(heading)
    table.add_column("Reviews", justify="right")
    for name, count in rows:
        table.add_row(Text(clean(name)), str(count))
    return table
