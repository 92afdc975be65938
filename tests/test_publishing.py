"""The publishing workflow (publish, unpublish, add/edit flags) and ``filmrev config``."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import Runner


def reviews(cli: Runner) -> dict[str, dict[str, object]]:
    result = cli("list", "--format", "json")
    assert result.code == 0, result.err
    return {doc["slug"]: doc for doc in json.loads(result.out)}


def test_add_and_edit_take_status_published_url_and_original_title(cli: Runner) -> None:
    added = cli(
        "add", "Amour", "--year", "2012", "--body", "x", "--status", "published",
        "--published", "2024-05-01", "--url", "https://blog.example/amour/",
        "--original-title", "Amour (Liebe)",
    )  # fmt: skip
    assert added.code == 0, added.err
    doc = reviews(cli)["amour-2012"]
    assert (doc["status"], doc["published"]) == ("published", "2024-05-01")
    assert (doc["url"], doc["original_title"]) == ("https://blog.example/amour/", "Amour (Liebe)")
    edited = cli("edit", "amour-2012", "--status", "draft", "--url", "https://new.example/a")
    assert edited.code == 0, edited.err
    doc = reviews(cli)["amour-2012"]
    assert (doc["status"], doc["url"]) == ("draft", "https://new.example/a")
    bad = cli("edit", "amour-2012", "--status", "live")
    assert bad.code == 1 and bad.err.count("\n") == 1 and "status" in bad.err


def test_publish_sets_status_and_date_default_today_unpublish_keeps_date(cli: Runner) -> None:
    assert cli("add", "Up", "--year", "2009", "--body", "y").code == 0
    result = cli("publish", "up-2009")
    assert (result.code, result.out) == (0, "up-2009\n")
    assert result.err == "published 1 review\n"
    doc = reviews(cli)["up-2009"]
    assert (doc["status"], doc["published"]) == ("published", date.today().isoformat())
    dated = cli("publish", "up-2009", "--date", "2020-02-29")
    assert dated.code == 0 and reviews(cli)["up-2009"]["published"] == "2020-02-29"
    again = cli("publish", "up-2009")  # keeps its date: nothing to do
    assert (again.code, again.out, again.err) == (0, "", "published 0 reviews (1 already were)\n")
    off = cli("unpublish", "up-2009")
    assert (off.code, off.out) == (0, "up-2009\n")
    doc = reviews(cli)["up-2009"]
    assert (doc["status"], doc["published"]) == ("draft", "2020-02-29")


def test_publish_bulk_all_rated_and_list_filters(cli: Runner) -> None:
    for title, rating, tag in (("A", "4", "French"), ("B", None, "French"), ("C", "3", "Other")):
        extra = ["--rating", rating] if rating else []
        assert cli("add", title, "--body", "t", "--tag", tag, *extra).code == 0
    rated = cli("publish", "--all-rated", "--tag", "french", "--date", "2024-01-01")
    assert (rated.code, rated.out) == (0, "a\n")
    every = cli("publish", "--all-rated")
    assert (every.code, every.out) == (0, "c\n")
    assert every.err == "published 1 review (1 already were)\n"
    tagged = cli("unpublish", "--tag", "French")
    assert (tagged.code, tagged.out) == (0, "a\n")
    statuses = {slug: doc["status"] for slug, doc in reviews(cli).items()}
    assert statuses == {"a": "draft", "b": "draft", "c": "published"}


def test_publish_usage_errors_change_nothing(cli: Runner, isolated_library: Path) -> None:
    assert cli("add", "A", "--body", "t").code == 0
    before = isolated_library.read_bytes()
    nothing = cli("publish")
    assert nothing.code == 2 and "give REF" in nothing.err
    both = cli("publish", "a", "--all-rated")
    assert both.code == 2 and "not both" in both.err
    bad_date = cli("publish", "a", "--date", "yesterday")
    assert bad_date.code == 1 and bad_date.err.startswith("filmrev: error: --date")
    unknown = cli("publish", "zzz")
    assert unknown.code == 1
    assert isolated_library.read_bytes() == before


def test_config_set_get_list_unset_in_the_config_dir(cli: Runner, tmp_path: Path) -> None:
    config_dir = tmp_path / "cfg"
    env = {"FILMREV_CONFIG_DIR": str(config_dir)}
    assert cli("config", "get", "author", env=env).code == 1
    assert cli("config", "set", "author", "Ana Díaz", env=env).code == 0
    assert json.loads((config_dir / "config.json").read_text("utf-8")) == {"author": "Ana Díaz"}
    got = cli("config", "get", "author", env=env)
    assert (got.code, got.out) == (0, "Ana Díaz\n")
    listed = cli("config", "list", env=env)
    assert (listed.code, listed.out) == (0, "author=Ana Díaz\n")
    unknown = cli("config", "set", "autor", "x", env=env)
    assert unknown.code == 1
    assert unknown.err == "filmrev: error: unknown setting 'autor'; settings are: author\n"
    assert cli("config", "unset", "author", env=env).code == 0
    assert json.loads((config_dir / "config.json").read_text("utf-8")) == {}
    assert cli("config", "get", "author", env=env).code == 1


def test_config_get_from_python(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from filmrev import config

    monkeypatch.setenv("FILMREV_CONFIG_DIR", str(tmp_path / "c"))
    assert config.get("author") is None
    config.set_value("author", "  Ana   Díaz ")
    assert config.get("author") == "Ana Díaz"
    assert config.get("nonsense") is None
