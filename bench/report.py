"""Turn hyperfine JSON and peak-RSS figures from ``bench/run.sh`` into a Markdown report.

    python bench/report.py RESULTS_DIR VERSIONS_FILE SIZE...

Prints: the versions block, one table of whole-process timings (min / median / max,
milliseconds) with filmrev and jrnl side by side, a scaling table, peak RSS, and
the issue's goals with the measured ratios (medians) and met / not met.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import orjson


@dataclass(frozen=True)
class Timing:
    name: str
    minimum: float
    median: float
    maximum: float
    runs: int

    def cell(self) -> str:
        return f"{self.minimum:.0f} / **{self.median:.0f}** / {self.maximum:.0f}"


def load(results: Path, group: str) -> list[Timing]:
    path = results / f"{group}.json"
    if not path.exists():
        return []
    document = orjson.loads(path.read_bytes())
    return [
        Timing(
            name=str(entry["command"]),
            minimum=float(entry["min"]) * 1000,
            median=float(entry["median"]) * 1000,
            maximum=float(entry["max"]) * 1000,
            runs=len(entry["times"]),
        )
        for entry in document["results"]
    ]


def find(timings: Sequence[Timing], prefix: str) -> Timing | None:
    return next((timing for timing in timings if timing.name.startswith(prefix)), None)


def load_rss(results: Path) -> list[tuple[str, int]]:
    path = results / "rss.tsv"
    if not path.exists():
        return []
    rows: list[tuple[str, int]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        name, _, kib = line.partition("\t")
        if kib.strip().isdigit():
            rows.append((name, int(kib)))
    return rows


def size_label(size: int) -> str:
    return f"{size // 1000}k" if size % 1000 == 0 else str(size)


def ratio(numerator: Timing | None, denominator: Timing | None) -> float | None:
    if numerator is None or denominator is None or denominator.median == 0:
        return None
    return numerator.median / denominator.median


def goal_row(what: str, goal: str, value: float | None, limit: float, shown: str) -> str:
    if value is None:
        return f"| {what} | {goal} | n/a | not measured |"
    verdict = "**met**" if value <= limit else "**not met**"
    return f"| {what} | {goal} | {shown} | {verdict} |"


def main(argv: Sequence[str]) -> int:
    results, versions = Path(argv[0]), Path(argv[1])
    sizes = [int(size) for size in argv[2:]]
    lines: list[str] = ["# filmrev vs jrnl: whole-process timings", ""]
    lines += ["```", versions.read_text(encoding="utf-8").rstrip(), "```", ""]
    lines += [
        "Times in ms: min / **median** / max over repeated whole-process runs (hyperfine,",
        "warm page cache after warm-up runs). The ratio column is filmrev median / jrnl median.",
        "",
        "| size | command | filmrev | jrnl | ratio |",
        "|---|---|---|---|---|",
    ]
    startup = load(results, "startup")
    version = find(startup, "filmrev --version")
    jrnl_version = find(startup, "jrnl --version")
    for name in ("filmrev --version", "filmrev --help", "filmrev list (sample)"):
        timing = find(startup, name)
        if timing is not None:
            shown = ratio(timing, jrnl_version)
            lines.append(
                f"| – | `{name}` vs `jrnl --version` | {timing.cell()} | "
                f"{jrnl_version.cell() if jrnl_version else 'n/a'} | "
                f"{f'{shown:.2f}×' if shown is not None else ''} |"
            )
    by_size: dict[int, dict[str, list[Timing]]] = {}
    for size in sizes:
        groups = {
            group: load(results, f"{group}-{size}")
            for group in ("list", "show", "search", "add", "export")
        }
        by_size[size] = groups
        for group, timings in groups.items():
            ours = [timing for timing in timings if timing.name.startswith("filmrev")]
            theirs = [timing for timing in timings if timing.name.startswith("jrnl")]
            mine = ours[0] if ours else None
            other = theirs[0] if theirs else None
            label = " vs ".join(
                f"`{timing.name}`" for timing in (mine, other) if timing is not None
            )
            if mine is None and other is None:
                continue
            shown = ratio(mine, other)
            lines.append(
                f"| {size_label(size)} | {label or group} | "
                f"{mine.cell() if mine else 'n/a (command not available)'} | "
                f"{other.cell() if other else '–'} | "
                f"{f'{shown:.3f}×' if shown is not None else ''} |"
            )
    imports = sorted(results.glob("import-*.json"))
    for path in imports:
        for timing in load(results, path.stem):
            lines.append(f"| {path.stem[7:]} | `{timing.name}` | {timing.cell()} | – | |")

    if len(sizes) > 1:
        lines += ["", "## Scaling (filmrev medians, ms; per-review cost in µs)", ""]
        header = "| command | " + " | ".join(size_label(size) for size in sizes) + " |"
        lines += [header, "|---|" + "---|" * len(sizes)]
        for group in ("list", "show", "search", "add", "export"):
            cells: list[str] = []
            for size in sizes:
                ours = [t for t in by_size[size][group] if t.name.startswith("filmrev")]
                if ours:
                    above = ours[0].median - (version.median if version else 0)
                    cells.append(f"{ours[0].median:.0f} ({1000 * above / size:.1f} µs)")
                else:
                    cells.append("n/a")
            lines.append(f"| {group} | " + " | ".join(cells) + " |")
        lines += [
            "",
            "The µs figure is (median − `filmrev --version` median) / N: the cost a review adds.",
        ]

    rss_rows = load_rss(results)
    if rss_rows:
        lines += ["", "## Peak RSS (`/usr/bin/time -v`, one run)", ""]
        lines += ["| command | peak RSS |", "|---|---|"]
        lines += [f"| `{name}` | {kib / 1024:.0f} MB |" for name, kib in rss_rows]

    lines += ["", "## Goals (issue 7)", ""]
    lines += ["| command | goal | measured | verdict |", "|---|---|---|---|"]
    for name in ("filmrev --version", "filmrev --help", "filmrev list (sample)"):
        value = ratio(find(startup, name), jrnl_version)
        lines.append(
            goal_row(f"`{name}`", "≤ 1.0× `jrnl --version`", value, 1.0, f"{value or 0:.2f}×")
        )
    goal_size = 10000 if 10000 in by_size else sizes[-1]
    groups = by_size.get(goal_size, {})
    at = f"at {size_label(goal_size)}"

    def pair(group: str) -> tuple[Timing | None, Timing | None]:
        timings = groups.get(group, [])
        return find(timings, "filmrev"), find(timings, "jrnl")

    mine, other = pair("list")
    value = ratio(mine, other)
    lines.append(
        goal_row(f"`list` {at}", "≤ 0.12× `jrnl -n 20`", value, 0.12, f"{value or 0:.3f}×")
    )
    value = ratio(mine, version)
    lines.append(
        goal_row(f"`list` {at}", "≤ 1.5× `filmrev --version`", value, 1.5, f"{value or 0:.2f}×")
    )
    mine, _ = pair("show")
    value = ratio(mine, version)
    lines.append(
        goal_row(f"`show REF` {at}", "≤ 2× `filmrev --version`", value, 2.0, f"{value or 0:.2f}×")
    )
    mine, other = pair("search")
    value = ratio(mine, other)
    lines.append(
        goal_row(f"search {at}", "≤ 0.15× `jrnl -contains`", value, 0.15, f"{value or 0:.3f}×")
    )
    mine, other = pair("add")
    value = ratio(mine, other)
    lines.append(goal_row(f"`add` {at}", "≤ 0.05× jrnl add", value, 0.05, f"{value or 0:.3f}×"))
    mine, other = pair("export")
    value = ratio(mine, other)
    lines.append(
        goal_row(
            f"`export --format markdown` {at}, unchanged",
            "≤ 0.1× `jrnl --format markdown`",
            value,
            0.1,
            f"{value or 0:.3f}×",
        )
    )
    for path in imports:
        timing = next(iter(load(results, path.stem)), None)
        seconds = timing.median / 1000 if timing and timing.name.startswith("filmrev") else None
        lines.append(
            goal_row(
                f"`import` of {path.stem[7:]} json", "≤ 3 s", seconds, 3.0, f"{seconds or 0:.2f} s"
            )
        )
    read_rss = [
        kib
        for name, kib in rss_rows
        if name.startswith("filmrev")
        and not name.startswith("filmrev add")
        and name.endswith(f"@{goal_size}")
    ]
    peak = max(read_rss) / 1024 if read_rss else None
    lines.append(
        goal_row(f"peak RSS, read commands {at}", "≤ 150 MB", peak, 150, f"{peak or 0:.0f} MB")
    )
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
