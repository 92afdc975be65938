"""In-process search scan over a generated corpus (the figure behind `filmrev search`).

Usage: python bench/search_scan.py [COUNT]   (default 10000)

Times ``filmrev.search.search`` over COUNT reviews of ~5 KB, best of 3, for a
query with no hit (a full scan), common words, and two words; prints one line each.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_corpus import generate

from filmrev.model import Review
from filmrev.search import FIELDS, search

QUERIES = ("zzzz", "stephanie", "whale boxer", "cotillard")


def best_of(runs: int, action: Callable[[], object]) -> float:
    """The fastest of ``runs`` wall-clock timings, in seconds."""
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        timings.append(time.perf_counter() - start)
    return min(timings)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    count = int(args[0]) if args else 10_000
    reviews = [Review.from_doc(doc) for doc in generate(count)]
    megabytes = sum(len(review.body.encode()) for review in reviews) / 1e6
    print(f"{count} reviews, {megabytes:.1f} MB of bodies")
    for query in QUERIES:

        def scan(text: str = query) -> object:
            return search(reviews, text, FIELDS, limit=20)

        seconds = best_of(3, scan)
        print(f"search {query!r}: {seconds * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
