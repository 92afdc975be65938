"""User settings: a small JSON file in the platformdirs config dir.

The file is ``<config dir>/config.json`` where the config dir is
``$FILMREV_CONFIG_DIR`` if set, else ``platformdirs.user_config_dir("filmrev")``
(e.g. ``~/.config/filmrev``). Tests point ``FILMREV_CONFIG_DIR`` at a temp dir.

Only known keys are accepted (:data:`KEYS`), so a typo is an error, not a
silently ignored setting. Other modules read a value with :func:`get`::

    from filmrev import config
    author = config.get("author")  # str | None
"""

from __future__ import annotations

import os
from pathlib import Path

import orjson

from filmrev.errors import StorageError, ValidationError

ENV_CONFIG_DIR = "FILMREV_CONFIG_DIR"
CONFIG_FILE = "config.json"

#: Known settings and what they mean (shown by ``config list`` and the errors).
KEYS: dict[str, str] = {
    "author": "your name as a critic: JSON-LD author, site and WordPress exports",
}


def config_dir() -> Path:
    """``$FILMREV_CONFIG_DIR``, else the platformdirs user config dir of filmrev."""
    override = os.environ.get(ENV_CONFIG_DIR)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir("filmrev", appauthor=False))


def config_path() -> Path:
    return config_dir() / CONFIG_FILE


def _check_key(key: str) -> str:
    if key not in KEYS:
        raise ValidationError(f"unknown setting {key!r}; settings are: {', '.join(KEYS)}")
    return key


def load() -> dict[str, str]:
    """Every setting that is set; {} when there is no config file."""
    path = config_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as error:
        raise StorageError(f"cannot read {path}: {error.strerror or error}") from None
    try:
        document = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise StorageError(f"{path} is not valid JSON; fix or delete it") from None
    if not isinstance(document, dict):
        raise StorageError(f"{path} must hold a JSON object")
    return {key: value for key, value in document.items() if key in KEYS and isinstance(value, str)}


def get(key: str) -> str | None:
    """The value of a setting, or None when it is not set (or unknown)."""
    if key not in KEYS:
        return None
    return load().get(key)


def _save(settings: dict[str, str]) -> None:
    from filmrev.storage import atomic_write

    path = config_path()
    data = orjson.dumps(dict(sorted(settings.items())), option=orjson.OPT_INDENT_2) + b"\n"
    atomic_write(path, data, commit=False)  # creates the directory; not a library commit


def set_value(key: str, value: str) -> None:
    """Set a known setting to a non-empty value."""
    _check_key(key)
    text = " ".join(value.split())
    if not text:
        raise ValidationError(f"{key} must not be empty (`filmrev config unset {key}` removes it)")
    settings = load()
    settings[key] = text
    _save(settings)


def unset(key: str) -> bool:
    """Remove a setting; False when it was not set."""
    _check_key(key)
    settings = load()
    if key not in settings:
        return False
    del settings[key]
    _save(settings)
    return True


def require_known(key: str) -> str:
    """``key`` when it is a known setting, else a ValidationError naming the settings."""
    return _check_key(key)
