"""Property tests: random libraries survive export → import exactly.

- json → import into an empty library → json: the same bytes (ids, slugs, ranks,
  timestamps, comparisons);
- Markdown (every site profile, with and without JSON-LD) → import → the same reviews;
- Letterboxd CSV → import → Letterboxd CSV: the same bytes, i.e. every field
  Letterboxd has survives (tags without commas: a comma splits a tag there;
  bodies are Markdown prose, as the Review column is HTML: filmrev.review_html).

Reviews are built in-process (no subprocess per example) with hostile text: Rich
markup, ANSI escapes, control and bidi characters, ``---`` lines, YAML-looking
titles, emoji, empty and huge bodies, optional fields missing.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from filmrev.exporters.json_export import library_json
from filmrev.exporters.letterboxd import letterboxd_csv
from filmrev.exporters.site import export_site
from filmrev.importers.common import clean_cell
from filmrev.importers.merge import apply_plan, plan_import
from filmrev.importers.sources import read_source
from filmrev.model import Image, Review, Viewing, max_year
from filmrev.paths import LibraryPaths, resolve_library
from filmrev.store import Library
from filmrev.transaction import writing

HOSTILE = [
    "[bold red]x[/]",
    "[/etc/passwd]",
    "\x1b[31mred\x1b[0m",
    "\x1b]8;;http://evil\x07link\x1b]8;;\x07",
    "\u202eevil\u202c",
    "a\x00b\x07c\x7f\x85d",
    "---",
    "\n---\n",
    "title: x",
    "# heading",
    "'single' \"double\"",
    "key: value: more",
    "{{ liquid }} {% raw %}",
    "- dash",
    "?question",
    "&anchor *alias !tag",
    "null",
    "2024-01-01",
    "1e3",
    "yes",
    "🎬 Amélie — “quotes” ’",
    "Gritty, Grittness",
    "\t tab",
    "\r\n crlf \r",
    "\u2028\u2029",
    "\ufeffbom",
]
HUGE_BODY = "Stéphanie’s “whale” — [bold]x[/bold]\n---\n\n" * 6000  # ~300 KB

any_text = st.text(st.characters(codec="utf-8"), max_size=40)
hostile_text = st.one_of(
    st.sampled_from(HOSTILE), any_text, st.lists(st.sampled_from(HOSTILE)).map("".join)
)


def stripped(strategy: st.SearchStrategy[str], limit: int = 300) -> st.SearchStrategy[str]:
    return strategy.map(str.strip).filter(lambda text: 0 < len(text) <= limit)


names = stripped(hostile_text)
optional_text = st.none() | names
days = st.dates(date(1900, 1, 1), date(2030, 12, 31)).map(date.isoformat)
stamps = st.datetimes(datetime(2000, 1, 1), datetime(2035, 1, 1)).map(
    lambda moment: moment.replace(tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
)
ratings = st.none() | st.integers(1, 10).map(lambda half: half / 2)
# Letterboxd's Review column is HTML, so a body goes Markdown → HTML → Markdown: prose
# with emphasis and links survives exactly; control characters and spacing do not.
prose_word = st.from_regex(r"[A-Za-zÀ-ÿ’“”]{1,10}[,.!?]?", fullmatch=True) | st.sampled_from(
    ["*seen*", "**twice**", "[link](https://boxd.it/x)", "Amélie", "—"]
)
prose = st.lists(
    st.lists(prose_word, min_size=1, max_size=8).map(" ".join), min_size=1, max_size=3
).map("\n\n".join)
urls = st.sampled_from(
    [
        "https://example.org/a",
        "http://x.example/trailer?v=1&t=2",
        "https://en.wikipedia.org/wiki/%C3%89",
    ]
)
slug_words = st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,3}", fullmatch=True)
ids = st.sampled_from(["https://boxd.it/29Qk", "tt0052357", "12345"])


def _csv_clean(text: str) -> bool:
    return clean_cell(text)[1] == 0


@st.composite
def reviews(draw: st.DrawFn, letterboxd: bool = False) -> list[Review]:
    """A list of valid reviews with unique ids and slugs and ranks exactly 1..K."""
    count = draw(st.integers(0, 5))
    review_ids = draw(st.lists(st.integers(1, 500), min_size=count, max_size=count, unique=True))
    title_strategy = names
    tag_strategy = stripped(hostile_text)
    director_strategy = optional_text
    body_strategy = st.one_of(st.just(""), hostile_text, st.just(HUGE_BODY))
    if letterboxd:
        tag_strategy = tag_strategy.filter(lambda tag: "," not in tag)
        # CSV importers remove control characters from other services' cells (issue 18).
        title_strategy = title_strategy.filter(_csv_clean)
        tag_strategy = tag_strategy.filter(_csv_clean)
        director_strategy = director_strategy.filter(lambda text: text is None or _csv_clean(text))
        # The Review column is HTML (issue 13): prose survives Markdown -> HTML -> Markdown.
        body_strategy = st.one_of(st.just(""), prose)
    titles = draw(st.lists(title_strategy, min_size=count, max_size=count, unique_by=str.casefold))
    result: list[Review] = []
    for review_id, title in zip(review_ids, titles, strict=True):
        service_ids: dict[str, Any] = {}
        for service in ("letterboxd", "imdb", "tmdb"):
            if draw(st.booleans()):
                service_ids[service] = f"{draw(ids)}-{review_id}"
        created = draw(stamps)
        doc: dict[str, Any] = {
            "id": review_id,
            "slug": f"{draw(slug_words)}-{review_id}",
            "title": title,
            "original_title": draw(optional_text),
            "year": draw(st.none() | st.integers(1870, max_year())),
            "rating": draw(ratings),
            "tags": draw(st.lists(tag_strategy, max_size=4, unique_by=str.casefold)),
            "director": draw(director_strategy),
            "cast": draw(st.lists(names, max_size=3)),
            "crew": draw(
                st.dictionaries(names, st.lists(names, min_size=1, max_size=2), max_size=2)
            ),
            "tagline": draw(optional_text),
            "body": draw(body_strategy),
            "watched": draw(st.none() | days),
            "links": draw(st.lists(urls, max_size=2)),
            "viewings": [
                Viewing(day, rating, rewatch).to_doc()
                for day, rating, rewatch in draw(
                    st.lists(st.tuples(st.none() | days, ratings, st.booleans()), max_size=3)
                )
            ],
            "sources": service_ids,
            "status": draw(st.sampled_from(["draft", "published"])),
            "published": draw(st.none() | days),
            "url": draw(st.none() | urls),
            "images": [
                Image(src, caption).to_doc()
                for src, caption in draw(st.lists(st.tuples(urls, optional_text), max_size=2))
            ],
            "categories": draw(st.lists(tag_strategy, max_size=2, unique_by=str.casefold)),
            "comments": [
                {
                    "id": number,
                    "parent": draw(st.none() | st.sampled_from(range(1, number)))
                    if number > 1
                    else None,
                    "author": draw(optional_text),
                    "author_url": draw(st.none() | urls),
                    "date": draw(st.none() | st.just("2016-05-12T18:07:44-07:00")),
                    "text": draw(hostile_text.filter(str.strip)),
                }
                for number in range(1, draw(st.integers(0, 3)) + 1)
            ],
            "created": created,
            "updated": draw(st.just(created) | stamps),
        }
        if letterboxd and draw(st.booleans()) and doc["viewings"]:
            doc["watched"] = draw(st.sampled_from(doc["viewings"]))["date"]
        result.append(Review.from_doc(doc))
    ranked = draw(st.permutations([review.id for review in result]))[: draw(st.integers(0, count))]
    rank_of = {review_id: rank for rank, review_id in enumerate(ranked, start=1)}
    return [review.evolve(rank=rank_of.get(review.id)) for review in result]


def comparisons_for(data: st.DataObject, library_reviews: list[Review]) -> list[dict[str, Any]]:
    if len(library_reviews) < 2:
        return []
    pairs = st.permutations([review.id for review in library_reviews]).map(lambda ids: ids[:2])
    return [
        {"winner": pair[0], "loser": pair[1], "tie": tie, "at": at}
        for pair, tie, at in data.draw(
            st.lists(st.tuples(pairs, st.booleans(), stamps), max_size=3)
        )
    ]


def build(folder: Path, name: str, items: list[Review], comparisons: Any = ()) -> LibraryPaths:
    paths = resolve_library(folder / name)
    with writing(paths) as library:
        library.put_reviews(items)
        library.add_comparisons(comparisons)
    return paths


def import_into(paths: LibraryPaths, source: Path, fmt: str = "auto") -> None:
    batch = read_source(source, fmt)
    with writing(paths) as library:
        apply_plan(library, plan_import(library, batch))


def export_json(paths: LibraryPaths) -> str:
    library = Library.load(paths)
    return library_json(library.reviews(), library.comparisons())


PROPERTY = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def in_temp(test: Callable[[Path], None]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        test(Path(folder))


@PROPERTY
@given(st.data())
def test_json_export_import_export_is_identical(data: st.DataObject) -> None:
    items = data.draw(reviews())
    comparisons = comparisons_for(data, items)

    def check(folder: Path) -> None:
        original = build(folder, "a.json", items, comparisons)
        first = export_json(original)
        (folder / "export.json").write_text(first, encoding="utf-8")
        copy = resolve_library(folder / "b.json")
        import_into(copy, folder / "export.json")
        assert export_json(copy) == first
        before = copy.file.read_bytes() if copy.file.exists() else None
        import_into(copy, folder / "export.json")  # again: nothing changes
        assert (copy.file.read_bytes() if copy.file.exists() else None) == before

    in_temp(check)


@PROPERTY
@given(st.data(), st.sampled_from(["plain", "jekyll", "hugo"]), st.booleans())
def test_markdown_export_import_is_identical(
    data: st.DataObject, profile: str, jsonld: bool
) -> None:
    items = data.draw(reviews())

    def check(folder: Path) -> None:
        original = build(folder, "a.json", items)
        site = folder / "site"
        export_site(Library.load(original).reviews(), site, profile=profile, jsonld=jsonld)
        copy = resolve_library(folder / "b.json")
        import_into(copy, site, "markdown")
        assert Library.load(copy).reviews() == Library.load(original).reviews()
        assert export_json(copy) == export_json(original)  # byte for byte

    in_temp(check)


@PROPERTY
@given(st.data())
def test_letterboxd_export_import_export_keeps_every_letterboxd_field(
    data: st.DataObject,
) -> None:
    items = data.draw(reviews(letterboxd=True))

    def check(folder: Path) -> None:
        original = build(folder, "a.json", items)
        first = letterboxd_csv(Library.load(original).reviews())
        exported = folder / "letterboxd.csv"
        exported.write_bytes(first.encode("utf-8"))
        copy = resolve_library(folder / "b.json")
        import_into(copy, exported, "letterboxd")
        assert letterboxd_csv(Library.load(copy).reviews()) == first

    in_temp(check)
