"""Rich renderables for reviews: panels, tables, stars.

Renderables are values: functions here return them and the caller prints.
User text always enters through :func:`clean` into ``Text`` (never a markup
string), so ``[bold red]x[/]`` shows literally, and escape, control and bidi
override characters never reach the terminal. Data formats (json, csv,
markdown) do not pass through here: they stay byte-exact.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.panel import Panel
from rich.segment import Segment
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


#: The body's reading width: a panel is at most this plus its border and padding.
READING_WIDTH = 100
PANEL_MARGIN = 6  # two border columns, two padding columns each side


def _publication_lines(review: Review) -> list[Text]:
    """Post URL and images, a line each (comments follow the body)."""
    lines: list[Text] = []
    if review.url:
        line = Text("Post: ", style="bold")
        line.append(clean(review.url), style="blue underline")
        lines.append(line)
    if review.images:
        line = Text("Images: ", style="bold")
        for index, image in enumerate(review.images):
            if index:
                line.append(" · ", style="dim")
            line.append(clean(image.src))
            if image.caption:
                line.append(f" ({clean(image.caption)})", style="italic")
        lines.append(line)
    return lines


def review_panel(review: Review) -> Panel:
    """The full review: title, stars, rank, status, tags, credits, viewings, images and body.

    The panel is at most :data:`READING_WIDTH` columns of text wide, so lines stay readable
    on a wide terminal; HTML in the body (Letterboxd) is shown as Markdown.
    """
    parts: list[RenderableType] = []
    header = Text()
    header.append(rating_label(review.rating), style="yellow")
    if review.rank is not None:
        header.append("   ")
        header.append(f"#{review.rank}", style="bold magenta")
    if review.watched:
        header.append(f"   watched {review.watched}", style="dim")
    if review.status == "published":
        header.append("   published", style="green")
        if review.published:
            header.append(f" {review.published}", style="green")
    else:
        header.append(f"   {clean(review.status)}", style="dim italic")
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
    from filmrev.views.diary import viewings_view

    viewings = viewings_view(review)
    if viewings is not None:
        parts.append(viewings)
    parts.extend(_publication_lines(review))
    if review.body.strip():
        # Imported here: rich.markdown (markdown-it, pygments) costs ~25 ms that list/rank skip.
        from filmrev.views.body import body_renderable

        body = review.body
        if len(body) > RENDER_MAX:
            # Only a library an older filmrev wrote holds a body over the limit: show as much
            # as a body may hold, so `show` takes seconds, not minutes.
            cut = body.rfind("\n", 0, RENDER_MAX)
            body = body[: cut if cut > 0 else RENDER_MAX]
        rendered = body_renderable(clean(body, multiline=True))
        if not (rendered.parsed and rendered.parsed[0].type == "blockquote_open"):
            parts.append(Text(""))  # Rich already puts a blank line before a leading quote
        parts.append(rendered)
        if len(body) < len(review.body):
            rest = len(review.body) - len(body)
            parts.append(
                Text(
                    f"… {rest:,} more characters not shown; "
                    f"`filmrev show {review.slug} --plain` prints the whole body",
                    style="dim",
                )
            )
    if review.comments:
        parts.extend(comment_lines(review))
    title = Text(clean(review.display_title), style="bold")
    subtitle = Text(f"{review.slug} · id {review.id}", style="dim")
    return Panel(
        Group(*parts),
        title=title,
        subtitle=subtitle,
        title_align="left",
        padding=(1, 2),
        width=READING_WIDTH + PANEL_MARGIN,
    )


def comment_lines(review: Review) -> list[RenderableType]:
    """``Comments (N)`` and each comment (author · date, then its text), replies indented."""
    from rich.padding import Padding

    depth: dict[int, int] = {}
    lines: list[RenderableType] = [Text(""), Text(f"Comments ({len(review.comments)})", "bold")]
    for comment in review.comments:
        level = depth[comment.parent] + 1 if comment.parent in depth else 0
        depth[comment.id] = level
        heading = Text(clean(comment.author or "Anonymous"), style="bold")
        if comment.date:
            heading.append(f" · {comment.date[:16].replace('T', ' ')}", style="dim")
        text = Text(clean(comment.text.strip(), multiline=True))
        lines.append(Padding(Group(heading, text), (1, 0, 0, 4 * level)))
    return lines


def reviews_table(
    reviews: Sequence[Review], *, positions: Sequence[int] | None = None, width: int = 100
) -> Table:
    """One line a review: rank (or filtered position), id, title, year, rating, watched, tags, slug.

    With ``positions`` (a filtered ranking), ``#`` is the position and a ``Rank`` column keeps
    the global rank. Columns are fitted to ``width``: tags are cut with "…" (down to 12
    characters), and on narrow terminals Watched, then Slug, then Tags are left out; only
    the title wraps. A slug is shown whole or not at all (a cut slug cannot be copied; the
    ID column is always there to copy as a REF).
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
    optional = ["Watched", "Slug", "Tags"]
    shown = list(headers)
    for empty in ("Watched", "Tags"):  # a column with nothing in it gives its room away
        if rows and not any(row[headers.index(empty)] for row in rows):
            shown.remove(empty)
            optional.remove(empty)

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


def backups_view(rows: Sequence[Sequence[str]], width: int) -> RenderableType:
    """Backups as ``#, Created (UTC), Reason, Reviews, Size, Name`` rows fitted to ``width``.

    The name is what ``restore`` needs, so it is never cut, and a size never wraps. When
    the whole table does not fit, Reason goes first (the name ends with it); when it still
    does not fit, each backup becomes two lines: ``N. NAME`` (whole, on a line of its own,
    even where the terminal must wrap it), then created, reason, reviews and size.
    """
    headers = ["#", "Created (UTC)", "Reason", "Reviews", "Size", "Name"]
    natural = [max([len(h), *(len(row[i]) for row in rows)]) for i, h in enumerate(headers)]
    gap = 2
    for shown in (headers, [h for h in headers if h != "Reason"]):
        needed = sum(natural[headers.index(h)] for h in shown) + gap * (len(shown) - 1)
        if needed <= width:
            table = Table(box=None, header_style="bold", pad_edge=False, padding=(0, gap, 0, 0))
            for header in shown:
                table.add_column(
                    header,
                    justify="right" if header in ("#", "Reviews", "Size") else "left",
                    style="dim" if header == "#" else "",
                    no_wrap=True,
                    width=natural[headers.index(header)],
                )
            for row in rows:
                cells = dict(zip(headers, row, strict=True))
                table.add_row(*(Text(clean(cells[header])) for header in shown))
            return table
    lines: list[RenderableType] = []
    for number, created, reason, reviews, size, name in rows:
        head = Text(f"{number}. ", style="dim")
        head.append(clean(name))
        lines.append(_Unwrapped(head))
        pieces = [f"{created} UTC", clean(reason), f"{reviews} reviews", size]
        packed = [pieces[0]]
        for piece in pieces[1:]:  # break between pieces, never inside "42.7 KB"
            if len(packed[-1]) + 3 + len(piece) <= width - 3:
                packed[-1] += " · " + piece
            else:
                packed.append(piece)
        lines.extend(Text("   " + line, style="dim") for line in packed)
    return Group(*lines)


class _Unwrapped:
    """A line printed whole even past the right edge (print it with ``crop=False``): the
    terminal wraps it, so it still copies as one line."""

    def __init__(self, text: Text) -> None:
        self.text = text

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from self.text.render(console)
        yield Segment.line()
