"""Build a filmrev library from a JSON export or a folder of Markdown reviews, in-process.

    python bench/build_library.py bench/out/corpus-1000.json bench/out/lib-1000/library.json
    python bench/build_library.py data/reviews bench/out/sample/library.json

``bench/run.sh`` uses ``filmrev import`` when the command exists and falls back
to this helper otherwise. It goes through the store API (``filmrev.transaction.writing``,
one locked transaction, one atomic write), so the file is exactly what filmrev
writes. The reviews are inserted as one batch (``Library.put_reviews``, one TinyDB
write), each built with ``Review.from_doc`` (the model's validation).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import orjson

from filmrev import frontmatter
from filmrev.model import Review
from filmrev.paths import resolve_library
from filmrev.store import Library
from filmrev.transaction import writing


def reviews_from_export(path: Path) -> list[Review]:
    document = orjson.loads(path.read_bytes())
    if document.get("format") != "filmrev":
        raise SystemExit(f"{path}: not a filmrev JSON export")
    return [Review.from_doc(doc) for doc in document["reviews"]]


def markdown_fields(folder: Path) -> list[dict[str, Any]]:
    """Front matter + body of each ``*.md`` (``index.md`` skipped), ranked films first by rank."""
    entries: list[dict[str, Any]] = []
    for path in sorted(folder.glob("*.md")):
        if path.name == "index.md":
            continue
        fields, body = frontmatter.split(path.read_text(encoding="utf-8"))
        entry = dict(fields or {})
        entry["body"] = body
        entry.setdefault("slug", path.stem)
        entries.append(entry)
    entries.sort(key=lambda entry: (entry.get("rank") is None, entry.get("rank") or 0))
    return entries


def insert_batch(library: Library, reviews: Sequence[Review]) -> None:
    """Insert validated reviews in one TinyDB write (what an import of N reviews should do)."""
    taken = library.slugs()
    for review in reviews:
        if review.slug in taken or library.get(review.id) is not None:
            raise SystemExit(f"review {review.id} ({review.slug}) is already in the library")
        taken.add(review.slug)
    library.put_reviews(reviews)


def build(source: Path, target: Path) -> int:
    paths = resolve_library(target)
    if paths.file.exists():
        raise SystemExit(f"{target} exists; remove it first")
    with writing(paths) as library:
        if source.is_dir():
            for fields in markdown_fields(source):
                rank = fields.pop("rank", None)
                slug = fields.pop("slug")
                review = library.add(fields, rank=rank)
                if review.slug != slug:
                    library.save(review.evolve(slug=slug), touch=False)
        else:
            insert_batch(library, reviews_from_export(source))
        count = len(library.reviews())
    return count


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 2:
        print("usage: build_library.py SOURCE(.json|dir) LIBRARY", file=sys.stderr)
        return 2
    count = build(Path(args[0]), Path(args[1]))
    print(f"{args[1]}: {count} reviews", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
