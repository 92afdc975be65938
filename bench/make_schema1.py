"""A schema-1 library (bodies inline, as filmrev wrote it before the storage redesign)
from a schema-2 one, for timing the first write after an upgrade (the migration).

    python bench/make_schema1.py bench/out/goals/lib-10000/library.json /tmp/s1/library.json

Each body reference is replaced by the body's text, ``history`` and the fields schema 2
added (``categories``, ``comments``, ``sources.wordpress``, ``images[].featured``) are
dropped, the meta table says schema 1 and has no library id; indented, as schema 1 was.
"""

from __future__ import annotations

import sys
from pathlib import Path

import orjson

from filmrev.bodies import BodyStore


def main() -> None:
    source, target = Path(sys.argv[1]), Path(sys.argv[2])
    tables = orjson.loads(source.read_bytes())
    store = BodyStore(source.parent / (source.name + ".d"))
    for doc in tables["reviews"].values():
        doc["body"] = store.get(doc["body"]["sha256"])
        for name in ("history", "categories", "comments"):
            doc.pop(name, None)
        if isinstance(doc.get("sources"), dict):
            doc["sources"].pop("wordpress", None)
        for image in doc.get("images") or []:
            image.pop("featured", None)
    meta = tables["meta"]["1"]
    meta["schema"] = 1
    meta.pop("library", None)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(orjson.dumps(tables, option=orjson.OPT_INDENT_2) + b"\n")


if __name__ == "__main__":
    main()
