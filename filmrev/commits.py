"""How many library commits this process has made (the library file's ``os.replace`` done).

:func:`filmrev.storage.atomic_write` counts them; on Ctrl-C the CLI compares the count
with the one from before the command, to say truthfully whether the change was saved.
A module of its own so the CLI can ask without importing the storage layer (TinyDB).
"""

from __future__ import annotations

_made = 0


def made() -> int:
    """Library commits made so far by this process."""
    return _made


def count_one() -> None:
    """Record one commit (called right after the ``os.replace``, Ctrl-C held back)."""
    global _made
    _made += 1
