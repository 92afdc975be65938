"""The ``search`` results on a terminal: one block a hit, the snippet's hits highlighted."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.text import Text

from filmrev.readable import plain_snippet
from filmrev.terminal import clean, rating_label

if TYPE_CHECKING:
    from filmrev.search import Hit, Snippet


def snippet_text(snippet: Snippet) -> Text:
    """The snippet with its hits highlighted; user text is cleaned, never markup."""
    plain, spans = plain_snippet(snippet.text, snippet.spans)
    text = Text(style="dim")
    position = 0
    for start, end in spans:
        text.append(clean(plain[position:start]))
        text.append(clean(plain[start:end]), style="bold reverse")
        position = end
    text.append(clean(plain[position:]))
    return text


def search_results(hits: Sequence[Hit]) -> RenderableType:
    """One block a hit: number, title (year), stars, slug, then the snippet."""
    blocks: list[RenderableType] = []
    for number, hit in enumerate(hits, 1):
        review = hit.review
        line = Text(f"{number:>2}. ", style="bold")
        line.append(clean(review.display_title), style="bold")
        if review.rating is not None:
            line.append(f"  {rating_label(review.rating)}", style="yellow")
        line.append(f"  {review.slug}", style="dim")
        line.append(f"  [{', '.join(hit.fields)}]", style="cyan")
        blocks.append(line)
        if hit.snippet.text:
            blocks.append(Padding(snippet_text(hit.snippet), (0, 0, 0, 4), expand=False))
    return Group(*blocks)
