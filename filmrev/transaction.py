"""A locked read-modify-write of one library: the store, its derived index, its backups.

:mod:`filmrev.store` knows the TinyDB file and the body store and nothing above them;
:mod:`filmrev.index` is derived from the store, and :mod:`filmrev.backups` copies it.
A write transaction ties the three together, so it lives above all of them::

    from filmrev.paths import resolve_library
    from filmrev.transaction import writing

    with writing(resolve_library("library.json")) as library:  # locked; one atomic write
        library.add({"title": "Rust and Bone", "year": 2012})
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from filmrev.index import summary_review, updater, validated_sha
from filmrev.paths import LibraryPaths
from filmrev.readonly import refuse_if_read_only
from filmrev.storage import exclusive_lock
from filmrev.store import Library, refuse_if_broken


@contextlib.contextmanager
def writing(paths: LibraryPaths, *, repair: bool = False) -> Iterator[Library]:
    """A locked read-modify-write: yields the library, commits on a clean exit.

    An exception (or Ctrl-C) inside the block discards every change. A library
    that breaks an invariant refuses writes unless ``repair`` (``doctor --fix``).
    A read-only library (file or folder) refuses before anything is touched.
    The index is brought up to date after the commit (``Library.after_commit``).
    """
    refuse_if_read_only(paths)
    with exclusive_lock(paths.lock, paths.display):
        library = Library.load(
            paths, exact=True, validated=validated_sha(paths), summary=summary_review
        )

        library.after_commit.append(updater(library))
        if not repair:
            refuse_if_broken(library)
        migrated = library.dirty  # only a schema migration makes a fresh load dirty
        yield library
        if migrated:
            from filmrev.backups import backup_before  # only once, for a migration

            backup_before(library, "migrate")  # the file as the older schema wrote it
        library.commit()
