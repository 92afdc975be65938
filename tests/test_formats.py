"""The format registries: ``--format`` choices, detection and dispatch come from them."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from filmrev.exporters import EXPORTERS, format_help
from filmrev.importers import IMPORTERS, Probe, accepted, detect
from tests.conftest import Runner


def _choices(help_text: str) -> list[str]:
    line = next(line for line in help_text.splitlines() if "--format <" in line)
    return line.split("<", 1)[1].split(">", 1)[0].split("|")


def test_export_and_import_format_choices_are_the_registered_names(cli: Runner) -> None:
    exported = cli("export", "--help")
    assert _choices(exported.out) == [entry.name for entry in EXPORTERS]
    imported = cli("import", "--help")
    assert _choices(imported.out) == ["auto", *(entry.name for entry in IMPORTERS)]


def test_help_and_messages_are_built_from_the_entries() -> None:
    assert format_help() == (
        "json (lossless), markdown, csv (spreadsheet), letterboxd (their import CSV), "
        "letterboxd-list NAME (one list, for their list importer) "
        "or wordpress (WXR for Tools → Import)."
    )
    assert accepted() == (
        "a filmrev JSON export, Markdown review files (.md), a Letterboxd export "
        "(the zip, its folder or one of its CSVs), an IMDb ratings CSV or a WordPress "
        "export (.xml or WordPress.com zip)"
    )


def test_detection_follows_the_steps_of_the_rules(tmp_path: Path) -> None:
    files = {
        "export.json": '{"format": "filmrev"}',
        "post.txt": "---\ntitle: Amour\n---\n",
        "notes.md": "{ not json, but a .md name }",
        "ratings.csv": "Const,Your Rating,Date Rated,Title\n",
        "diary.csv": "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date\n",
        "blog.xml": "<?xml version='1.0'?><rss>",
    }
    found = {}
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        found[name] = detect(Probe(tmp_path / name))
    assert found == {
        "export.json": "json",
        "post.txt": "markdown",
        "notes.md": "markdown",
        "ratings.csv": "imdb",
        "diary.csv": "letterboxd",
        "blog.xml": "wordpress",
    }
    assert detect(Probe(tmp_path)) == "letterboxd"  # diary.csv beats the .md files


def test_a_new_exporter_is_one_registry_entry(tmp_path: Path) -> None:
    """An entry added to EXPORTERS is a --format choice and is dispatched, nothing else to do."""
    script = textwrap.dedent(
        """
        import sys
        import filmrev.exporters as registry

        def titles(job):
            return "".join(review.title + "\\n" for review in job.reviews)

        registry.EXPORTERS += (registry.Exporter("titles", "titles", "titles", render=titles),)
        from filmrev.cli import run

        sys.exit(run(sys.argv[1:]))
        """
    )
    library = tmp_path / "lib" / "library.json"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", script, "--db", str(library), *args],
            capture_output=True,
            text=True,
            check=False,
        )

    assert run("add", "Amour", "--year", "2012").returncode == 0
    listed = run("export", "--format", "titles")
    assert (listed.returncode, listed.stdout) == (0, "Amour\n"), listed.stderr
    shown = run("export", "--help")
    assert "titles" in _choices(shown.stdout)
    refused = run("export", "--format", "titles", "--link-back")
    assert refused.returncode == 2
    assert "--link-back applies to --format letterboxd" in refused.stderr


def test_export_json_still_carries_the_comparisons(cli: Runner) -> None:
    assert cli("add", "Amour", "--year", "2012", "--rank", "1").code == 0
    exported = cli("export")
    assert exported.code == 0
    document = json.loads(exported.out)
    assert document["format"] == "filmrev" and "comparisons" in document
