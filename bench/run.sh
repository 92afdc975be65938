#!/usr/bin/env bash
# filmrev benchmark suite: filmrev vs jrnl 4.x, whole-process timings with hyperfine.
#
#   bench/run.sh            1k, 10k and 50k reviews (about 15-25 minutes on 2 cores)
#   bench/run.sh --quick    1k only (under 2 minutes)
#   bench/run.sh --smoke    200 reviews, every command once, no jrnl, no hyperfine, no timing
#                           asserted (CI: catches breakage of the suite and of the commands)
#   bench/run.sh --src DIR  benchmark the filmrev package in DIR (e.g. an older checkout
#                           made with `git archive`) instead of the installed one
#
# Everything it makes goes to bench/out/ (git-ignored): corpora, libraries, the jrnl
# venv and journals, hyperfine JSON, and the report results-<mode>.md, which is printed.
# Needs: .venv with filmrev installed (or FILMREV_PYTHON), hyperfine and /usr/bin/time
# (Debian: apt-get install hyperfine time), and PyPI access once for jrnl.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
mode=full
src=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --quick) mode=quick ;;
        --smoke) mode=smoke ;;
        --full) mode=full ;;
        --src) src="$(cd "$2" && pwd)"; shift ;;
        -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
        *) echo "run.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
    esac
    shift
done

out="$here/out"
work="$out/$mode${src:+-src}"
python="${FILMREV_PYTHON:-$root/.venv/bin/python}"
[[ -x "$python" ]] || { echo "run.sh: no Python at $python (set FILMREV_PYTHON)" >&2; exit 1; }
if [[ "$mode" != smoke && -z "${FILMREV_PYTHON:-}" ]]; then
    # Time filmrev as users install it (a wheel, not the editable dev install, whose import
    # hook costs ~8 ms at every start): a venv of its own, refreshed from this tree each run.
    bench_venv="$out/.venv-filmrev"
    if [[ ! -x "$bench_venv/bin/python" ]]; then
        "$python" -m venv "$bench_venv"
        "$bench_venv/bin/pip" install -q "$root"
    fi
    "$bench_venv/bin/pip" install -q --no-deps --force-reinstall "$root" 2>/dev/null
    "$bench_venv/bin/pip" install -q orjson python-slugify 2>/dev/null # for bench/*.py
    python="$bench_venv/bin/python"
fi
bin="$(dirname "$python")"
results="$work/results"
mkdir -p "$results"
rm -f "$results"/*.json "$results"/*.tsv

# Benchmarks see only their own libraries, never the user's, and no colour or pager.
export NO_COLOR=1 COLUMNS=100 PAGER=cat LC_ALL=C.UTF-8
unset FILMREV_DB VISUAL EDITOR || true
if [[ -n "$src" ]]; then
    export PYTHONPATH="$src${PYTHONPATH:+:$PYTHONPATH}"
fi
filmrev="$bin/filmrev"
# `filmrev` as a user runs it: the console script of the venv.
fr() { "$filmrev" "$@"; }

has_command() { fr "$1" --help >/dev/null 2>&1; }

case "$mode" in
    smoke) sizes=(200) ;;
    quick) sizes=(1000) ;;
    full) sizes=(1000 10000 50000) ;;
esac

log() { printf '== %s\n' "$*" >&2; }
started="$(date -u '+%Y-%m-%d %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg)"

# --- corpora and libraries -----------------------------------------------------------

build_library() { # SOURCE TARGET_LIBRARY_FILE
    local source="$1" target="$2"
    rm -rf "$(dirname "$target")"
    mkdir -p "$(dirname "$target")"
    if has_command import; then
        fr --db "$target" import "$source" >/dev/null
    else
        "$python" "$here/build_library.py" "$source" "$target"
    fi
}

log "filmrev: $(fr --version) (${src:-installed}); import: $(has_command import && echo command || echo "bench/build_library.py fallback")"
for n in "${sizes[@]}"; do
    corpus="$out/corpus-$n.json"
    journal="$out/jrnl-$n/journal.txt"
    if [[ ! -s "$corpus" || ! -s "$journal" || "$here/make_corpus.py" -nt "$corpus" ]]; then
        log "corpus of $n reviews"
        "$python" "$here/make_corpus.py" "$n" --out "$corpus" --jrnl "$journal"
    fi
    log "library of $n reviews"
    build_library "$corpus" "$work/lib-$n/library.json"
    fr --db "$work/lib-$n/library.json" list --limit 1 >/dev/null # builds the index
done
build_library "$root/data/reviews" "$work/sample/library.json"

# --- smoke: each command once, exit codes only -----------------------------------------

if [[ "$mode" == smoke ]]; then
    lib="$work/lib-200/library.json"
    slug="$("$python" -c 'import orjson,sys; print(orjson.loads(open(sys.argv[1],"rb").read())["reviews"][99]["slug"])' "$out/corpus-200.json")"
    set -x
    fr --version >/dev/null
    fr --help >/dev/null
    fr --db "$work/sample/library.json" list >/dev/null
    fr --db "$lib" list --limit 20 >/dev/null
    fr --db "$lib" show "$slug" >/dev/null
    fr --db "$lib" list --search zoetrope >/dev/null
    if has_command search; then fr --db "$lib" search zoetrope >/dev/null; fi
    cp "$lib" "$work/add.json"
    fr --db "$work/add.json" add "Smoke Test" --year 2020 --rating 4 --body "text" >/dev/null
    [[ "$(fr --db "$work/add.json" list --format ids | wc -l)" == 201 ]]
    if has_command export; then
        fr --db "$lib" export --format markdown --out "$work/export-md" >/dev/null
        fr --db "$lib" export --format markdown --out "$work/export-md" >/dev/null
    fi
    if has_command import; then
        rm -rf "$work/import" && fr --db "$work/import/library.json" import "$out/corpus-200.json" >/dev/null
    fi
    "$python" "$here/make_corpus.py" 50 --out "$work/determinism.json" 2>/dev/null
    "$python" "$here/make_corpus.py" 50 --out "$work/determinism-2.json" 2>/dev/null
    cmp "$work/determinism.json" "$work/determinism-2.json"
    set +x
    echo "bench smoke: ok"
    exit 0
fi

# --- jrnl ------------------------------------------------------------------------------

command -v hyperfine >/dev/null || { echo "run.sh: needs hyperfine (apt-get install hyperfine)" >&2; exit 1; }
[[ -x /usr/bin/time ]] || { echo "run.sh: needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
jrnl_venv="$out/.venv-jrnl"
if [[ ! -x "$jrnl_venv/bin/jrnl" ]]; then
    log "installing jrnl 4.x into $jrnl_venv"
    "$python" -m venv "$jrnl_venv"
    "$jrnl_venv/bin/pip" install -q 'jrnl>=4,<5'
fi
jrnl="$jrnl_venv/bin/jrnl"
jr() { "$jrnl" --config-file "$1" "${@:2}"; }

# --- timing ----------------------------------------------------------------------------

# hyperfine NAME WARMUP RUNS [hyperfine args...]: JSON to results/NAME.json
bench() {
    local name="$1" warmup="$2" runs="$3"
    shift 3
    log "hyperfine $name"
    hyperfine --style basic --warmup "$warmup" --runs "$runs" --time-unit millisecond \
        --export-json "$results/$name.json" "$@" >&2
}

# rss NAME COMMAND...: peak RSS (KiB) of one run, appended to results/rss.tsv
rss() {
    local name="$1" kib
    shift
    /usr/bin/time -v -o "$results/.rss" "$@" >/dev/null 2>&1 || true
    kib="$(sed -n 's/^\s*Maximum resident set size (kbytes): //p' "$results/.rss")"
    printf '%s\t%s\n' "$name" "$kib" >>"$results/rss.tsv"
}

q() { printf '%q ' "$@"; } # a command line hyperfine runs through the shell

runs_for() { # SIZE -> "WARMUP RUNS" for filmrev-and-jrnl groups
    case "$1" in
        1000) echo "2 10" ;;
        10000) echo "2 10" ;;
        *) echo "1 5" ;;
    esac
}

sample="$work/sample/library.json"
cfg1="$out/jrnl-1000/journal.yaml"
bench startup 3 20 \
    -n "filmrev --version" "$(q "$filmrev" --version)" \
    -n "filmrev --help" "$(q "$filmrev" --help)" \
    -n "filmrev list (sample)" "$(q "$filmrev" --db "$sample" list)" \
    -n "jrnl --version" "$(q "$jrnl" --config-file "$cfg1" --version)"
rss "filmrev --version" "$filmrev" --version
rss "filmrev list (sample)" "$filmrev" --db "$sample" list
rss "jrnl --version" "$jrnl" --config-file "$cfg1" --version

search_cmd=(list --search zoetrope)
if has_command search; then search_cmd=(search zoetrope); fi
has_export=0
if has_command export; then has_export=1; fi

for n in "${sizes[@]}"; do
    lib="$work/lib-$n/library.json"
    cfg="$out/jrnl-$n/journal.yaml"
    read -r warmup runs <<<"$(runs_for "$n")"
    slug="$("$python" -c 'import orjson,sys; d=orjson.loads(open(sys.argv[1],"rb").read())["reviews"]; print(d[len(d)//2]["slug"])' "$out/corpus-$n.json")"

    bench "list-$n" "$warmup" "$runs" \
        -n "filmrev list --limit 20" "$(q "$filmrev" --db "$lib" list --limit 20)" \
        -n "jrnl -n 20" "$(q "$jrnl" --config-file "$cfg" -n 20)"
    bench "show-$n" "$warmup" "$runs" \
        -n "filmrev show REF" "$(q "$filmrev" --db "$lib" show "$slug")"
    bench "search-$n" "$warmup" "$runs" \
        -n "filmrev ${search_cmd[*]}" "$(q "$filmrev" --db "$lib" "${search_cmd[@]}")" \
        -n "jrnl -contains zoetrope" "$(q "$jrnl" --config-file "$cfg" -contains zoetrope)"

    # add: on a copy, restored before every run (--prepare), so each run adds to N reviews.
    addlib="$work/add-$n/library.json"
    addjournal="$work/add-$n/journal.txt"
    addcfg="$work/add-$n/journal.yaml"
    mkdir -p "$work/add-$n"
    "$python" -c 'import sys; sys.path.insert(0, sys.argv[3]); import make_corpus as m, pathlib as p; p.Path(sys.argv[1]).write_text(m.jrnl_config(p.Path(sys.argv[2])))' \
        "$addcfg" "$addjournal" "$here"
    body="A new review written in one go — “short” and sweet."
    # jrnl rewrites its whole journal per entry (minutes at 50k): fewer runs there.
    add_warmup="$warmup" add_runs="$runs"
    if [[ "$n" -ge 50000 ]]; then add_warmup=0 add_runs=2; fi
    # The copy gets its index built in --prepare (untimed), as a real library has one.
    bench "add-$n" "$add_warmup" "$add_runs" \
        -n "filmrev add" \
        --prepare "$(q cp "$lib" "$addlib"); $(q "$filmrev" --db "$addlib" list --limit 1) >/dev/null" \
        "$(q "$filmrev" --db "$addlib" add "Bench Film" --year 2020 --rating 4 --tag Bench --body "$body")" \
        -n "jrnl add one entry" --prepare "$(q cp "$out/jrnl-$n/journal.txt" "$addjournal")" \
        "$(q "$jrnl" --config-file "$addcfg" "Bench Film (2020) 4.0 stars. @Bench $body")"

    if [[ "$has_export" == 1 ]]; then
        exportdir="$work/export-$n"
        rm -rf "$exportdir"
        fr --db "$lib" export --format markdown --out "$exportdir" >/dev/null # first, full export
        bench "export-$n" "$warmup" "$runs" \
            -n "filmrev export --format markdown (unchanged)" \
            "$(q "$filmrev" --db "$lib" export --format markdown --out "$exportdir")" \
            -n "jrnl --format markdown" "$(q "$jrnl" --config-file "$cfg" --format markdown)"
    else
        bench "export-$n" "$warmup" "$runs" \
            -n "jrnl --format markdown" "$(q "$jrnl" --config-file "$cfg" --format markdown)"
    fi

    rss "filmrev list --limit 20 @$n" "$filmrev" --db "$lib" list --limit 20
    rss "filmrev show REF @$n" "$filmrev" --db "$lib" show "$slug"
    rss "filmrev ${search_cmd[*]} @$n" "$filmrev" --db "$lib" "${search_cmd[@]}"
    rss "filmrev list --format json @$n" "$filmrev" --db "$lib" list --format json
    if [[ "$has_export" == 1 ]]; then
        rss "filmrev export --format markdown @$n" "$filmrev" --db "$lib" export --format markdown --out "$exportdir"
    fi
    rss "filmrev add @$n" "$filmrev" --db "$addlib" add "RSS Film" --body x
    rss "jrnl -n 20 @$n" "$jrnl" --config-file "$cfg" -n 20
done

# import of a 10k JSON export (1k in --quick): into a fresh library each run.
import_n="${sizes[-1]}"
if [[ "$mode" == full ]]; then import_n=10000; fi
importdir="$work/import"
if has_command import; then
    bench "import-$import_n" 1 3 \
        -n "filmrev import (${import_n} json)" --prepare "$(q rm -rf "$importdir")" \
        "$(q "$filmrev" --db "$importdir/library.json" import "$out/corpus-$import_n.json")"
else
    bench "import-$import_n" 1 3 \
        -n "bench/build_library.py (${import_n} json; no import command yet)" \
        --prepare "$(q rm -rf "$importdir")" \
        "$(q "$python" "$here/build_library.py" "$out/corpus-$import_n.json" "$importdir/library.json")"
fi

# --- report ----------------------------------------------------------------------------

versions="$work/versions.txt"
{
    echo "started: $started; finished: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), $(free -g | awk '/^Mem:/ {print $2}') GiB RAM, $(uname -sr)"
    echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "python: $("$python" -c 'import sys; print(sys.version.split()[0])')"
    echo "filmrev: $(fr --version | awk '{print $2}') (${src:-$root})"
    echo "typer/rich/tinydb/orjson: $("$python" -c 'import importlib.metadata as m; print(" / ".join(m.version(p) for p in ("typer","rich","tinydb","orjson")))')"
    echo "jrnl: $("$jrnl" --version 2>/dev/null | head -1)"
    echo "hyperfine: $(hyperfine --version)"
    echo "search command: ${search_cmd[*]}; export command: $([[ $has_export == 1 ]] && echo yes || echo 'not available')"
} >"$versions"
report="$out/results-$mode${src:+-src}.md"
"$python" "$here/report.py" "$results" "$versions" "${sizes[@]}" >"$report"
cat "$report"
