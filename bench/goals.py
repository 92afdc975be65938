"""The goal table of the storage redesign (issue 11), measured as whole processes.

    python bench/goals.py 10000 [--runs 7] [--work bench/out/goals] [--python PY]

Builds (once) a library of N reviews from ``bench/make_corpus.py N`` with
``filmrev import``, then times each command of the goal table as a whole process
(``PY -m filmrev``; median of ``--runs`` runs after one warm-up) and its peak RSS
(``os.wait4``), and prints a Markdown table with each median as a ratio to
``filmrev --version`` measured in the same run. Hyperfine is not needed.

Write commands run on a copy of the library; each run adds to or edits that copy,
so its size grows by a few reviews over the runs (negligible at 10k).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def timed(command: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall time (s) and peak RSS (KiB) of one process.

    The RSS comes from ``/usr/bin/time -f %M`` (a small parent: the rusage of a child
    forked from this script would count this script's own memory at the fork).
    """
    started = time.perf_counter()
    completed = subprocess.run(
        ["/usr/bin/time", "-f", "rss %M", *command], env=env, stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False,
    )  # fmt: skip
    elapsed = time.perf_counter() - started
    err = completed.stderr.decode("utf-8", "replace")
    if completed.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({completed.returncode}): {err}")
    rss = int(err.strip().splitlines()[-1].split()[-1])
    return elapsed, rss


def measure(
    name: str, commands: list[list[str]], env: dict[str, str], runs: int
) -> tuple[str, float, int]:
    """Median wall time and max RSS over ``runs`` runs (commands cycle), after a warm-up."""
    timed(commands[0], env)
    times: list[float] = []
    peak = 0
    for number in range(runs):
        elapsed, rss = timed(commands[(number + 1) % len(commands)], env)
        times.append(elapsed)
        peak = max(peak, rss)
    return name, statistics.median(times), peak


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("size", type=int)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--work", type=Path, default=HERE / "out" / "goals")
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--only", default="", help="comma-separated row names")
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--adds", type=int, default=200)
    args = parser.parse_args()
    n = args.size
    work: Path = args.work
    work.mkdir(parents=True, exist_ok=True)
    # PYTHONDONTWRITEBYTECODE would make every run compile filmrev from source (~0.2 s
    # under load); an installed filmrev has its .pyc files.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("FILMREV_") and k != "PYTHONDONTWRITEBYTECODE"
    }
    env.update(NO_COLOR="1", COLUMNS="100", PAGER="cat", LC_ALL="C.UTF-8")
    fr = [args.python, "-m", "filmrev"]
    corpus = work / f"corpus-{n}.json"
    if not corpus.exists():
        subprocess.run([args.python, str(HERE / "make_corpus.py"), str(n), "--out", str(corpus)],
                       check=True)  # fmt: skip
    base = work / f"lib-{n}" / "library.json"
    rows: list[tuple[str, float, int]] = []
    only = {name for name in args.only.split(",") if name}

    def want(name: str) -> bool:
        return not only or name in only

    if not base.exists() or want("import"):
        shutil.rmtree(base.parent, ignore_errors=True)
        elapsed, rss = timed([*fr, "--db", str(base), "import", str(corpus)], env)
        rows.append((f"import of the {n} JSON export", elapsed, rss))
        timed([*fr, "--db", str(base), "list", "--limit", "1"], env)
    db = [*fr, "--db", str(base)]
    import orjson

    reviews = orjson.loads(corpus.read_bytes())["reviews"]
    slug = reviews[len(reviews) // 2]["slug"]
    ranked = sorted((r for r in reviews if r["rank"]), key=lambda r: r["rank"])
    middle_ranked = ranked[len(ranked) // 2]["slug"]

    rows.append(measure("filmrev --version", [[*fr, "--version"]], env, args.runs))
    reads = {
        "show REF": [[*db, "show", slug, "--no-pager"]],
        "list --limit 20": [[*db, "list", "--limit", "20"]],
        "rank": [[*db, "rank"]],
        "search zoetrope": [[*db, "search", "zoetrope"]],
        "list --search zoetrope": [[*db, "list", "--search", "zoetrope"]],
    }
    for name, commands in reads.items():
        if want(name):
            rows.append(measure(name, commands, env, args.runs))
    copy = work / f"copy-{n}"
    if any(want(name) for name in ("add", "edit --rating", "tag add", "rank move", "tag rename")):
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(base.parent, copy)
    cdb = [*fr, "--db", str(copy / "library.json")]
    writes = {
        "add": [[*cdb, "add", f"Bench {i}", "--year", "2020", "--rating", "4", "--body",
                 "A new review written in one go — “short” and sweet."]
                for i in range(args.runs + 1)],
        "edit --rating": [[*cdb, "edit", slug, "--rating", rating] for rating in ("3.5", "4")],
        "tag add": [[*cdb, "tag", "add", slug, f"bench-{i}"] for i in range(args.runs + 1)],
        "rank move": [[*cdb, "rank", "move", middle_ranked, direction, "1"]
                      for direction in ("--up", "--down")],
    }  # fmt: skip
    for name, commands in writes.items():
        if want(name):
            rows.append(measure(name, commands, env, args.runs))
    if want("tag rename"):
        # 1,000 reviews carry the tag "Bench Thousand" (set up in one write, untimed).
        setup = (
            "import sys\nfrom filmrev import Library\nlib = Library.open(sys.argv[1])\n"
            "ids = [r.id for r in lib.list(bodies=False, sort='title')][:1000]\n"
            "with lib.transaction() as tx:\n"
            "    for i in ids: tx.tag(i, add=['Bench Thousand'])\n"
        )
        subprocess.run([args.python, "-c", setup, str(copy / "library.json")], env=env, check=True)
        rename = [[*cdb, "tag", "rename", "Bench Thousand", "Bench Mille"],
                  [*cdb, "tag", "rename", "Bench Mille", "Bench Thousand"]]  # fmt: skip
        rows.append(measure("tag rename (1,000 reviews)", rename, env, args.runs))
    if want("export"):
        site = work / f"site-{n}"
        shutil.rmtree(site, ignore_errors=True)
        export = [*db, "export", "--format", "markdown", "--out", str(site), "--profile", "jekyll"]
        timed(export, env)  # the first, full export
        rows.append(measure("export --format markdown (unchanged, jekyll)", [export], env,
                            max(3, args.runs // 2)))  # fmt: skip
    if want("rss"):
        for name, command in {
            "list --format json": [*db, "list", "--format", "json"],
            "stats": [*db, "stats"],
        }.items():
            elapsed, rss = timed(command, env)
            rows.append((name, elapsed, rss))
    if want("writers"):
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(base.parent, copy)
        script = (
            "import sys\nfrom filmrev.cli import run\n"
            "for i in range(int(sys.argv[2])):\n"
            "    title = f'W{sys.argv[3]}-{i}'\n"
            "    assert run(['--db', sys.argv[1], 'add', title, '--body', 'x']) == 0\n"
        )
        started = time.perf_counter()
        procs = [
            subprocess.Popen(
                [args.python, "-c", script, str(copy / "library.json"), str(args.adds), str(w)],
                env=env,
                stdout=subprocess.DEVNULL,
            )
            for w in range(args.writers)
        ]
        codes = [proc.wait() for proc in procs]
        elapsed = time.perf_counter() - started
        listed = subprocess.run([*cdb, "list", "--format", "ids"], env=env, capture_output=True,
                                text=True, check=True).stdout.split()  # fmt: skip
        landed = len(listed) - n
        print(f"writers: {args.writers} x {args.adds} adds: exit codes {sorted(set(codes))}, "
              f"{landed} landed, {elapsed:.0f} s", file=sys.stderr)  # fmt: skip
        rows.append((f"{args.writers} x {args.adds} adds, {landed} landed", elapsed, 0))
    baseline = next((t for name, t, _ in rows if name == "filmrev --version"), None)
    print(f"| at {n} reviews | median ms | × --version | peak RSS MB |")
    print("|---|---|---|---|")
    for name, seconds, rss in rows:
        ratio = f"{seconds / baseline:.1f}×" if baseline else "–"
        print(f"| `{name}` | {seconds * 1000:.0f} | {ratio} | {rss / 1024:.0f} |")


if __name__ == "__main__":
    main()
