"""Rich views of viewings: the ``diary`` table and the viewings of one review in ``show``.

User text enters through :func:`~filmrev.terminal.clean` into ``Text`` (never markup).
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from filmrev.diary import DiaryEntry
from filmrev.model import Review, Viewing
from filmrev.terminal import clean, rating_label

GAP = 2
#: The film column keeps at least this many characters; detail columns leave first.
FILM_MIN = 16
#: Detail columns, left out (and folded under the film) in this order when narrow.
OPTIONAL = ("With", "Venue", "Medium", "Rewatch")
#: ``show`` lists at most this many viewings, then "… N more".
SHOWN_VIEWINGS = 5


def _details(viewing: Viewing, columns: Sequence[str]) -> str:
    """The viewing's details named by ``columns``, joined with `` · ``."""
    return " · ".join(_detail_parts(viewing, columns))


def _packed(parts: Sequence[str], room: int) -> str:
    """``parts`` joined with `` · ``, a new line instead where a line would pass ``room``."""
    lines: list[str] = []
    for part in parts:
        if lines and len(lines[-1]) + 3 + len(part) <= room:
            lines[-1] += " · " + part
        else:
            lines.append(part)
    return "\n".join(lines)


def _detail_parts(viewing: Viewing, columns: Sequence[str]) -> list[str]:
    parts: list[str] = []
    if "Rewatch" in columns and viewing.rewatch:
        parts.append("rewatch")
    if "Medium" in columns and viewing.medium:
        parts.append(viewing.medium)
    if "Venue" in columns and viewing.venue:
        parts.append(clean(viewing.venue))
    if "With" in columns and viewing.companions:
        parts.append("with " + clean(", ".join(viewing.companions)))
    return parts


def _cells(entry: DiaryEntry) -> dict[str, str]:
    viewing = entry.viewing
    return {
        "Date": viewing.date or "undated",
        "Film": clean(entry.review.display_title),
        "Rating": rating_label(viewing.rating) if viewing.rating is not None else "",
        "Rewatch": "rewatch" if viewing.rewatch else "",
        "Medium": viewing.medium or "",
        "Venue": clean(viewing.venue or ""),
        "With": clean(", ".join(viewing.companions)),
    }


def diary_table(entries: Sequence[DiaryEntry], *, width: int = 100) -> Table:
    """One line a viewing: date, film, rating, rewatch, medium, venue, with.

    Fitted to ``width``: empty columns are left out; when the film would get fewer than
    :data:`FILM_MIN` characters, With, then Venue, Medium and Rewatch leave their column
    and are shown dimmed on a second line under the film, so nothing is lost at 40
    columns. A date is never cut and only the film wraps.
    """
    rows = [_cells(entry) for entry in entries]
    headers = ["Date", "Film", "Rating", *reversed(OPTIONAL)]
    shown = [h for h in headers if h in ("Date", "Film") or any(row[h] for row in rows)]
    natural = {h: max([len(h), *(len(row[h]) for row in rows)]) for h in headers}
    for header in ("Venue", "With"):
        natural[header] = min(natural[header], 30)

    def film_room() -> int:
        others = sum(natural[h] for h in shown if h != "Film")
        return width - others - GAP * (len(shown) - 1)

    folded: list[str] = []
    for header in OPTIONAL:
        if film_room() >= min(natural["Film"], FILM_MIN):
            break
        if header in shown:
            shown.remove(header)
            folded.append(header)
    table = Table(box=None, header_style="bold", pad_edge=False, padding=(0, GAP, 0, 0))
    for header in shown:
        if header == "Film":
            table.add_column(header, max_width=max(film_room(), 8), overflow="fold")
        else:
            table.add_column(
                header,
                style={"Date": "dim", "Rating": "yellow", "Rewatch": "magenta"}.get(header, ""),
                no_wrap=True,
                overflow="ellipsis",
                width=natural[header] if header not in ("Date", "Rating") else None,
            )
    for entry, row in zip(entries, rows, strict=True):
        film = Text(row["Film"])
        extra = _packed(_detail_parts(entry.viewing, folded), max(film_room(), 8))
        if extra:
            film.append("\n" + extra, style="dim")
        table.add_row(*(film if header == "Film" else Text(row[header]) for header in shown))
    return table


# --- show: a review's viewings ------------------------------------------------------------


def _has_details(viewing: Viewing) -> bool:
    return bool(viewing.venue or viewing.medium or viewing.companions or viewing.note)


def viewing_line(viewing: Viewing) -> Text:
    """``2024-11-22 ★★★★ 4.0 (rewatch) · cinema · Curzon Soho · with Anna — a note``."""
    line = Text(viewing.date or "undated")
    if viewing.rating is not None:
        line.append(f" {rating_label(viewing.rating)}", style="yellow")
    if viewing.rewatch:
        line.append(" (rewatch)", style="dim")
    details = _details(viewing, ("Medium", "Venue", "With"))
    if details:
        line.append(" · " + details)
    if viewing.note:
        line.append(" — ")
        line.append(clean(viewing.note), style="italic")
    return line


def viewings_view(review: Review) -> RenderableType | None:
    """The viewings for the ``show`` panel; None when they would only repeat its header.

    Viewings without details share one line
    (``Viewings: 2024-11-22 ★★★★ 4.0 · 2019-03-02 (rewatch)``); when any has a venue,
    medium, company or note, each gets a line of its own under ``Viewings:``.
    """
    viewings = list(review.viewings)
    if not viewings:
        return None
    if len(viewings) == 1:
        only = viewings[0]
        repeats = only.date == review.watched and only.rating == review.rating
        if repeats and not only.rewatch and not _has_details(only):
            return None
    more = len(viewings) - SHOWN_VIEWINGS
    if not any(_has_details(viewing) for viewing in viewings):
        line = Text("Viewings: ", style="bold")
        for index, viewing in enumerate(viewings[:SHOWN_VIEWINGS]):
            if index:
                line.append(" · ", style="dim")
            line.append_text(viewing_line(viewing))
        if more > 0:
            line.append(f" · … {more} more", style="dim")
        return line
    lines: list[RenderableType] = [Text("Viewings:", style="bold")]
    for viewing in viewings[:SHOWN_VIEWINGS]:
        lines.append(Padding(viewing_line(viewing), (0, 0, 0, 2)))  # wraps under itself
    if more > 0:
        lines.append(Text(f"  … {more} more", style="dim"))
    return Group(*lines)
