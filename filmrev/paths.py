"""Where a library lives, and the files that belong to it.

The library file is chosen by ``--db PATH`` > ``$FILMREV_DB`` > the platformdirs
user data dir (``…/filmrev/library.json``). Everything else is keyed to the
*real* path of that file (symlinks resolved), so two libraries never share state:

- ``library.json.lock``: the lock file (``fcntl.flock``) beside the library;
- ``library.json.d/``: backups, drafts and the derived index (mode 0700).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ENV_DB = "FILMREV_DB"


def default_library_path() -> Path:
    """``<user data dir>/filmrev/library.json`` (e.g. ``~/.local/share/filmrev/library.json``)."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("filmrev", appauthor=False)) / "library.json"


@dataclass(frozen=True)
class LibraryPaths:
    """The library file as the user gave it, its resolved form, and its companions."""

    given: Path
    file: Path

    @property
    def display(self) -> str:
        """The path as the user gave it, plus the resolved one when it differs."""
        if self.given == self.file or self.given.absolute() == self.file:
            return str(self.given)
        return f"{self.given} (-> {self.file})"

    @property
    def lock(self) -> Path:
        return self.file.with_name(self.file.name + ".lock")

    @property
    def data_dir(self) -> Path:
        return self.file.with_name(self.file.name + ".d")

    @property
    def backups(self) -> Path:
        return self.data_dir / "backups"

    @property
    def drafts(self) -> Path:
        return self.data_dir / "drafts"

    @property
    def index(self) -> Path:
        return self.data_dir / "index.sqlite"


def resolve_library(db_option: str | os.PathLike[str] | None = None) -> LibraryPaths:
    """Resolve the library location from the option, the environment, or the default."""
    raw = db_option if db_option not in (None, "") else os.environ.get(ENV_DB) or None
    given = Path(raw).expanduser() if raw is not None else default_library_path()
    return LibraryPaths(given=given, file=given.resolve())
