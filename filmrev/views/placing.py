"""The question ``rank place`` and ``rank refine`` ask: which of two films is better?"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.text import Text

from filmrev.terminal import clean, rating_label

if TYPE_CHECKING:
    from filmrev.model import Review


def question(placed: Review, compared: Review, help_line: str, number: int, total: int) -> Group:
    """``Which is better?  (question N of at most M)``, the two films, then the answer keys."""
    heading = Text("Which is better?", style="bold")
    heading.append(f"  (question {number} of at most {total})", style="dim")
    return Group(
        heading, film_lines("1", placed), film_lines("2", compared), Text(help_line, style="dim")
    )


def film_lines(number: str, review: Review) -> RenderableType:
    """``1  Rust and Bone (2012)  ★★★★½ 4.5  #3`` and the tagline below it."""
    line = Text(f"  {number}  ", style="bold cyan")
    line.append(clean(review.display_title), style="bold")
    line.append("  ")
    line.append(rating_label(review.rating) if review.rating is not None else "unrated")
    if review.rank is not None:
        line.append(f"  #{review.rank}", style="magenta")
    if not review.tagline:
        return line
    tagline = Text("     ")
    tagline.append(clean(review.tagline), style="italic")
    return Group(line, tagline)
