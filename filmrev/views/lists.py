"""Rich views of named lists: the table of lists, and one list with its films."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from filmrev.film_lists import FilmList, Resolved
from filmrev.terminal import clean, rating_label


def lists_table(lists: Sequence[FilmList]) -> Table:
    """``Name, Films, Ranked, Updated, Slug``, one row per list."""
    table = Table(box=None, header_style="bold", pad_edge=False)
    table.add_column("Name", overflow="fold")
    table.add_column("Films", justify="right", no_wrap=True)
    table.add_column("Ranked", no_wrap=True)
    table.add_column("Updated", no_wrap=True)
    table.add_column("Slug", overflow="ellipsis", no_wrap=True, max_width=30)
    for film_list in lists:
        table.add_row(
            Text(clean(film_list.name)),
            str(len(film_list.entries)),
            "ranked" if film_list.ranked else "",
            film_list.updated[:10],
            Text(film_list.slug, style="dim"),
        )
    return table


def list_view(film_list: FilmList, entries: Sequence[Resolved]) -> RenderableType:
    """The list's name and description, then its films (numbered when it is ranked)."""
    kind = "ranked" if film_list.ranked else "unranked"
    count = len(entries)
    head = Text(clean(film_list.name), style="bold")
    head.append(f"  {count} film{'s' if count != 1 else ''}, {kind}", style="dim")
    parts: list[RenderableType] = [head]
    if film_list.description:
        parts.append(Text(clean(film_list.description, multiline=True)))
    if not entries:
        parts.append(Text("No films yet: `filmrev lists add NAME REF`", style="dim"))
        return Group(*parts)
    table = Table(box=None, header_style="bold", pad_edge=False)
    table.add_column("#" if film_list.ranked else "", justify="right", no_wrap=True)
    table.add_column("Film", overflow="fold", ratio=3)
    table.add_column("Rating", no_wrap=True)
    table.add_column("Review", overflow="fold", ratio=2)
    table.add_column("Note", overflow="fold", ratio=3)
    for item in entries:
        review = item.review
        table.add_row(
            str(item.position) if film_list.ranked else "•",
            Text(clean(item.display_title)),
            rating_label(review.rating) if review is not None else "",
            Text(review.slug) if review is not None else Text("no review yet", style="dim"),
            Text(clean(item.entry.note or "")),
        )
    parts.append(Text(""))
    parts.append(table)
    return Group(*parts)
