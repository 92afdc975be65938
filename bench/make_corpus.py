"""Deterministic benchmark corpora: N film reviews in filmrev's JSON export format.

    python bench/make_corpus.py 10000 --out bench/out/corpus-10000.json \
        --jrnl bench/out/jrnl-10000.txt

The same seed and N always give byte-identical files. Each review looks like a
prolific critic's: a ~5 KB Markdown body (headings, emphasis, lists, quotes) with
curly quotes, accents and em dashes; tags drawn from a pool that holds commas and
apostrophes; a half-star rating for most; ranks exactly 1..K on a tenth of them;
director, cast and crew; watched dates, viewings, sources, created/updated
timestamps. Slugs are unique and valid (``filmrev.model.parse_slug``), and every
review is validated with ``Review.from_doc`` before it is written.

One word, :data:`SEARCH_WORD`, occurs in about 2 % of the bodies so ``search``
benchmarks have a small, stable hit list.

``--jrnl PATH`` also writes the same reviews as a jrnl 4 plain-text journal
(``[YYYY-MM-DD HH:MM] Title (Year)`` then the body; tags become ``@tags``), the
format jrnl itself writes for an unencrypted journal with ``timeformat:
"%Y-%m-%d %H:%M"``.
"""

from __future__ import annotations

import argparse
import random
import sys
import unicodedata
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
from slugify import slugify

from filmrev.model import SLUG_MAX, Review, parse_slug

SEED = 20261125
SEARCH_WORD = "zoetrope"
RANKED_SHARE = 10  # one review in RANKED_SHARE is ranked
BODY_TARGET = 4600  # characters (≈ bytes) per body, roughly

FIRST_NAMES = (
    "Marion",
    "Matthias",
    "Céline",
    "Stéphane",
    "Juliette",
    "Agnès",
    "Chloé",
    "Zoë",
    "Björn",
    "Søren",
    "Jürgen",
    "Małgorzata",
    "Núria",
    "José",
    "Iñaki",
    "François",
    "Hélène",
    "Andrés",
    "Ingrid",
    "Krzysztof",
    "Tilda",
    "Mads",
    "Isabelle",
    "Adèle",
    "Léa",
    "Noémie",
    "Pedro",
    "Ryūsuke",
    "Hirokazu",
    "Bong",
    "Apichatpong",
    "Lucrecia",
    "Kelly",
    "Céline",
    "Ana",
    "Joël",
)
LAST_NAMES = (
    "Cotillard",
    "Schoenaerts",
    "Sciamma",
    "Fontaine",
    "Welfling",
    "Varda",
    "Desplat",
    "Denis",
    "Kieślowski",
    "Almodóvar",
    "Haneke",
    "Bergman",
    "Østergaard",
    "Müller",
    "Núñez",
    "Ozon",
    "Huppert",
    "Exarchopoulos",
    "Binoche",
    "Reichardt",
    "Hamaguchi",
    "Kore-eda",
    "Joon-ho",
    "Weerasethakul",
    "Martel",
    "Audiard",
    "Carax",
    "Lavant",
    "Trintignant",
    "Riva",
    "Merlant",
    "Haenel",
    "D’Arcy",
    "O’Brien",
    "Żuławski",
    "Dreyer",
    "Tarkovsky",
    "Ozu",
    "Mizoguchi",
)
TITLE_WORDS = (
    "Rust",
    "Bone",
    "Holy",
    "Motors",
    "Portrait",
    "Lady",
    "Fire",
    "Amour",
    "Haine",
    "Vertigo",
    "Taxi",
    "Driver",
    "Aftersun",
    "Summer",
    "Winter",
    "Light",
    "Silence",
    "River",
    "Night",
    "Mirror",
    "Stalker",
    "Époque",
    "Été",
    "Cœur",
    "Nuit",
    "Ciel",
    "Mädchen",
    "Sombra",
    "Día",
    "Glass",
    "Stranger",
    "Paradise",
    "Cléo",
    "Salt",
    "Wind",
    "Garden",
    "Ashes",
    "Diamonds",
    "Tokyo",
    "Story",
    "Happy",
    "Together",
    "Blue",
    "Red",
    "White",
    "Days",
    "Heaven",
    "Harvest",
)
TAG_POOL = (
    "French",
    "Gritty, Grittness",
    "You’ve Touched Me in a Good Way",
    "Palme d’Or",
    "Bodies on Screen",
    "slow cinema",
    "Rewatch-worthy",
    "Cannes",
    "Criterion",
    "noir",
    "Coming of age",
    "Hitchcock’s heirs",
    "sea & sky",
    "Tears, Idle Tears",
    "New Wave",
    "Festival: Berlinale",
    "Best of the decade",
    "Hidden gem",
    "L’amour fou",
    "Japan",
    "Korea",
    "Mexico",
    "Denmark",
    "Mubi",
    "35mm",
    "Black & white",
    "Documentary",
    "Debut",
    "Score to die for",
    "Long takes",
    "Ensemble",
    "Road movie",
    "Desert",
    "Winter light",
    "Don’t watch alone",
    "Comfort film",
    "Grief",
    "Motherhood",
    "Cities at night",
    "Music",
)
VOCABULARY = (
    "the",
    "film",
    "camera",
    "light",
    "frame",
    "shot",
    "scene",
    "silence",
    "a",
    "of",
    "and",
    "in",
    "which",
    "her",
    "his",
    "their",
    "body",
    "water",
    "face",
    "hands",
    "sound",
    "score",
    "edit",
    "cut",
    "rhythm",
    "night",
    "morning",
    "city",
    "road",
    "sea",
    "memory",
    "grief",
    "desire",
    "tenderness",
    "violence",
    "mise-en-scène",
    "naïve",
    "café",
    "déjà",
    "vu",
    "rôle",
    "élan",
    "façade",
    "über",
    "señor",
    "jalapeño",
    "crème",
    "brûlée",
    "Zoë",
    "Björk",
    "is",
    "was",
    "never",
    "always",
    "almost",
    "quietly",
    "loudly",
    "slowly",
    "at",
    "once",
    "performance",
    "close-up",
    "tracking",
    "long",
    "take",
    "colour",
    "grain",
    "texture",
    "story",
    "plot",
    "ending",
    "beginning",
    "middle",
    "actor",
    "director",
    "cinematographer",
    "editor",
    "composer",
    "watching",
    "rewatch",
    "theatre",
    "audience",
    "screen",
    "festival",
)
PUNCTUATION_SPICE = ("—", "…", "“", "”", "‘", "’", "«", "»")
CREW_ROLES = ("composer", "cinematographer", "writer", "editor", "producer")


def _sentence(rng: random.Random) -> str:
    words = rng.choices(VOCABULARY, k=rng.randint(8, 22))
    words[0] = words[0].capitalize()
    roll = rng.random()
    if roll < 0.15:
        middle = len(words) // 2
        words[middle] = f"“{words[middle]}”"
    elif roll < 0.25:
        words.insert(len(words) // 2, "—")
    elif roll < 0.3:
        words[-1] = f"*{words[-1]}*"
    elif roll < 0.33:
        words[1] = f"**{words[1]}**"
    elif roll < 0.36:
        words.append("— it’s the director’s best")
    end = rng.choice((".", ".", ".", "!", "?", "…"))
    return " ".join(words) + end


def _sentence_pool(rng: random.Random, size: int = 4000) -> list[str]:
    return [_sentence(rng) for _ in range(size)]


def _body(rng: random.Random, pool: Sequence[str], title: str, with_word: bool) -> str:
    """~5 KB of Markdown: paragraphs, a heading or two, a list, a quote."""
    parts: list[str] = []
    size = 0
    target = int(BODY_TARGET * rng.uniform(0.6, 1.4))
    paragraph_count = 0
    while size < target:
        paragraph_count += 1
        sentences = rng.choices(pool, k=rng.randint(3, 7))
        if paragraph_count == 1:
            sentences.insert(0, f"I watched *{title}* again last week.")
        paragraph = " ".join(sentences)
        if paragraph_count % 4 == 0:
            paragraph = (
                "## "
                + rng.choice(
                    ("The short version", "Scenes", "Why it lasts", "Sound", "Faces", "Coda")
                )
                + "\n\n"
                + paragraph
            )
        elif paragraph_count % 5 == 0:
            paragraph = "\n".join(f"- {line}" for line in rng.choices(pool, k=3))
        elif paragraph_count % 7 == 0:
            paragraph = "> " + rng.choice(pool)
        parts.append(paragraph)
        size += len(paragraph) + 2
    if with_word:
        position = rng.randrange(len(parts))
        parts[position] += f" Like a {SEARCH_WORD}, it spins stills into motion."
    return "\n\n".join(parts) + "\n"


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def _timestamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _title(rng: random.Random) -> str:
    words = rng.sample(TITLE_WORDS, rng.randint(1, 4))
    title = " ".join(words)
    roll = rng.random()
    if roll < 0.1:
        title = f"L’{title}"
    elif roll < 0.2:
        title = f"The {title}"
    elif roll < 0.25:
        title = f"{title}: Part {rng.randint(2, 4)}"
    return title


def _unique_slug(title: str, year: int, taken: set[str], review_id: int) -> str:
    """As ``filmrev.model.make_slug``, with a running set (make_slug copies ``taken``: O(N))."""
    base = slugify(f"{title} {year}", max_length=SLUG_MAX, word_boundary=True) or (
        f"review-{review_id}"
    )
    slug = base
    counter = 2
    while slug in taken or slug == "index":
        suffix = f"-{counter}"
        slug = base[: SLUG_MAX - len(suffix)].rstrip("-") + suffix
        counter += 1
    taken.add(slug)
    return parse_slug(slug)


def generate(count: int, seed: int = SEED) -> Iterator[dict[str, Any]]:
    """``count`` review documents (the ``Review.to_doc`` form), ids 1..count, validated."""
    rng = random.Random(seed)
    pool = _sentence_pool(rng)
    ranked_ids = sorted(rng.sample(range(1, count + 1), max(1, count // RANKED_SHARE)))
    rng.shuffle(ranked_ids)
    rank_of = {review_id: rank for rank, review_id in enumerate(ranked_ids, start=1)}
    taken: set[str] = set()
    epoch = datetime(2015, 1, 1, tzinfo=UTC)
    for review_id in range(1, count + 1):
        title = _title(rng)
        year = rng.randint(1920, 2024)
        rating = rng.randint(1, 10) / 2 if rng.random() < 0.9 else None
        created = epoch + timedelta(seconds=review_id * 9000 + rng.randint(0, 3000))
        watched = (created - timedelta(days=rng.randint(0, 20))).date()
        updated = created + timedelta(days=rng.randint(0, 400)) if rng.random() < 0.3 else created
        crew = {role: [_name(rng)] for role in rng.sample(CREW_ROLES, rng.randint(1, 4))}
        slug = _unique_slug(title, year, taken, review_id)
        published = rng.random() < 0.7
        doc: dict[str, Any] = {
            "id": review_id,
            "slug": slug,
            "title": title,
            "original_title": _title(rng) if rng.random() < 0.15 else None,
            "year": year,
            "rating": rating,
            "rank": rank_of.get(review_id),
            "tags": list(dict.fromkeys(rng.sample(TAG_POOL, rng.randint(0, 5)))),
            "director": _name(rng),
            "cast": list(dict.fromkeys(_name(rng) for _ in range(rng.randint(2, 6)))),
            "crew": crew,
            "tagline": rng.choice(pool)[:120].strip() if rng.random() < 0.5 else None,
            "body": _body(rng, pool, title, with_word=rng.random() < 0.02),
            "watched": watched.isoformat(),
            "links": [f"https://en.wikipedia.org/wiki/{slug}"] if rng.random() < 0.5 else [],
            "viewings": [
                {"date": watched.isoformat(), "rating": rating, "rewatch": rng.random() < 0.2}
            ],
            "sources": {
                "letterboxd": f"https://boxd.it/{review_id:x}" if rng.random() < 0.6 else None,
                "imdb": f"tt{1000000 + review_id}" if rng.random() < 0.5 else None,
                "tmdb": None,
                "wordpress": None,
            },
            "status": "published" if published else "draft",
            "published": (watched + timedelta(days=3)).isoformat() if published else None,
            "url": f"https://filmrev.example/reviews/{slug}" if published else None,
            "images": [],
            "categories": [],
            "comments": [],
            "created": _timestamp(created),
            "updated": _timestamp(updated),
        }
        review = Review.from_doc(doc)
        if review.to_doc() != doc:
            raise AssertionError(f"review {review_id} does not round-trip through Review")
        yield doc


def export_document(reviews: list[dict[str, Any]]) -> dict[str, Any]:
    """The JSON export wrapper (see ``filmrev.exporters.json_export.library_json``)."""
    return {"format": "filmrev", "version": 1, "schema": 1, "reviews": reviews, "comparisons": []}


def _jrnl_tag(tag: str) -> str:
    ascii_tag = unicodedata.normalize("NFKD", tag).encode("ascii", "ignore").decode()
    return "@" + "".join(char for char in ascii_tag.title() if char.isalnum())


def jrnl_journal(reviews: list[dict[str, Any]]) -> str:
    """The same reviews as a jrnl plain-text journal, oldest first (as jrnl writes it)."""
    entries: list[str] = []
    for doc in sorted(reviews, key=lambda doc: (doc["created"], doc["id"])):
        moment = datetime.strptime(doc["created"], "%Y-%m-%dT%H:%M:%S.%fZ")
        title = f"{doc['title']} ({doc['year']})"
        if doc["rating"] is not None:
            title += f" {doc['rating']:.1f} stars"
        tags = " ".join(_jrnl_tag(tag) for tag in doc["tags"])
        body = doc["body"].rstrip("\n")
        # jrnl reads a line starting with "[<date>]" as a new entry; bodies never do.
        entries.append(f"[{moment:%Y-%m-%d %H:%M}] {title}.\n{tags}\n{body}\n")
    return "\n".join(entries)


def jrnl_config(journal: Path) -> str:
    """A jrnl 4 config for an unencrypted plain-text journal, no colours, no editor."""
    return (
        "colors:\n  body: none\n  date: none\n  tags: none\n  title: none\n"
        "default_hour: 9\ndefault_minute: 0\neditor: ''\nencrypt: false\n"
        "highlight: false\nindent_character: '|'\n"
        f"journals:\n  default:\n    journal: {journal}\n"
        "linewrap: 79\ntagsymbols: '#@'\ntemplate: false\n"
        "timeformat: '%Y-%m-%d %H:%M'\nversion: '4.6'\n"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("count", type=int, help="number of reviews")
    parser.add_argument("--out", type=Path, required=True, help="JSON export file to write")
    parser.add_argument("--jrnl", type=Path, help="also write a jrnl journal (and .yaml config)")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    reviews = list(generate(args.count, args.seed))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(orjson.dumps(export_document(reviews), option=orjson.OPT_INDENT_2))
    if args.jrnl is not None:
        args.jrnl.parent.mkdir(parents=True, exist_ok=True)
        args.jrnl.write_text(jrnl_journal(reviews), encoding="utf-8")
        config = args.jrnl.with_suffix(".yaml")
        config.write_text(jrnl_config(args.jrnl.resolve()), encoding="utf-8")
    size = args.out.stat().st_size
    print(f"{args.out}: {len(reviews)} reviews, {size / 1e6:.1f} MB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
