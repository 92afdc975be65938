"""Where a library lives, and the files that belong to it.

The library file is chosen by ``--db PATH`` > ``$FILMREV_DB`` > the platformdirs
user data dir (``…/filmrev/library.json``). Everything else is keyed to the
*real* path of that file (symlinks resolved), so two libraries never share state:

- ``library.json.lock``: the lock file (``fcntl.flock``) beside the library;
- ``library.json.d/``: backups, drafts and the derived index (mode 0700).
"""

from __future__ import annotations

import os
import stat
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
    try:
        file = given.resolve()
    except (RuntimeError, OSError) as error:  # Python 3.11 raises RuntimeError on a loop
        from filmrev.errors import StorageError

        raise StorageError(f"library {given}: cannot resolve the path ({error})") from None
    refuse_special_file(file, str(given))
    return LibraryPaths(given=given, file=file)


def refuse_special_file(path: Path, display: str) -> None:
    """Refuse a library path that is a FIFO, a device or a socket (reading it would hang).

    A missing file (an empty library), a regular file and a directory (refused later with
    its own message) pass.
    """
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return
    if stat.S_ISFIFO(mode) or stat.S_ISCHR(mode) or stat.S_ISBLK(mode) or stat.S_ISSOCK(mode):
        from filmrev.errors import CorruptLibraryError

        kind = "a FIFO (named pipe)" if stat.S_ISFIFO(mode) else "a device or socket"
        raise CorruptLibraryError(
            f"library {display} is {kind}, not a regular file; not reading it"
        )
