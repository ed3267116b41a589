#!/usr/bin/env bash
# Runs quotewire's ingest benchmarks and prints what bench/RESULTS.md records:
#   1. parse throughput: quotewire (benches/parse.rs) and Python feedparser
#      (bench/feedparser_bench.py) on the same files in the same run, side by side;
#   2. fetch load: `quotewire fetch --all` twice over 1,000 slow local feeds
#      (benches/fetch_load.rs).
# Usage: bench/run.sh   (from anywhere; takes a few minutes, most of it the release build)
# Writes bench/out/ (gitignored): the generated 5,000-item feed, both tools' JSON Lines,
# the side-by-side table, and the fetch load report.
set -euo pipefail

cd "$(dirname "$0")/.."
out=bench/out
mkdir -p "$out"

echo "== machine"
echo "date:       $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "cpus:       $(nproc)"
echo "cpu:        $(lscpu | sed -n 's/^Model name: *//p' | head -n 1)"
echo "memory:     $(free -h | awk '/^Mem:/ {print $2}')"
echo "rustc:      $(rustc --version)"
echo "python:     $(python3 --version 2>&1)"
commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [ -n "$(git status --porcelain -- src Cargo.toml Cargo.lock 2>/dev/null)" ]; then
    commit="$commit (with uncommitted changes in src/ or Cargo.*)"
fi
echo "commit:     $commit"
echo "load:       $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min; other work on the machine skews the figures)"

if ! python3 -c 'import feedparser' 2>/dev/null; then
    echo "installing feedparser"
    PIP_ROOT_USER_ACTION=ignore python3 -m pip install --quiet feedparser
fi
echo "feedparser: $(python3 -c 'import feedparser; print(feedparser.__version__)')"

echo "== generating the 5,000-item feed"
big="$out/bench-5000.xml"
python3 bench/gen_feed.py "$big" 5000
echo "$big: $(wc -c <"$big") bytes"

echo "== building (release)"
cargo build --release

# quotewire reads the first 1,000 entries of a feed (limits::MAX_ENTRIES): on the 5,000-item
# feed the two tools do not parse the same, so a 1,000-item feed gives the like-for-like ratio.
python3 bench/gen_feed.py "$out/bench-1000.xml" 1000
files=(fixtures/feeds/*.xml fixtures/feeds/*.json "$out/bench-1000.xml" "$big")

# The two tools take turns file by file, so that a slow spell of the machine (a shared VM
# drifts by tens of per cent over a minute) hits both sides of a ratio alike.
echo "== parse: quotewire and feedparser, file by file"
cargo bench --bench parse --no-run
: >"$out/parse-quotewire.jsonl"
: >"$out/parse-feedparser.jsonl"
for f in "${files[@]}"; do
    cargo bench -q --bench parse -- "$f" | tee -a "$out/parse-quotewire.jsonl"
    python3 bench/feedparser_bench.py "$f" | tee -a "$out/parse-feedparser.jsonl"
done

echo "== parse: side by side (target: quotewire at least 20x feedparser)"
python3 - "$out/parse-quotewire.jsonl" "$out/parse-feedparser.jsonl" <<'EOF' | tee "$out/parse-table.md"
import json
import sys

TARGET = 20.0


def load(path):
    with open(path) as f:
        return {row["file"]: row for row in map(json.loads, filter(str.strip, f))}


qw, fp = load(sys.argv[1]), load(sys.argv[2])
print("| file | bytes | entries (qw / fp) | quotewire MB/s | feedparser MB/s | ratio | 20x target |")
print("|---|---:|---:|---:|---:|---:|---|")
totals = {"bytes": 0, "qw": 0.0, "fp": 0.0}
for name, q in qw.items():
    f = fp.get(name)
    if "error" in q:
        print(f"| {name} | {q['bytes']} | quotewire: parse error | – | – | – | skipped: {q['error']} |")
        continue
    if f is None:
        print(f"| {name} | {q['bytes']} | {q['entries']} / – | {q['mb_per_s']:.2f} | – | – | no feedparser row |")
        continue
    ratio = q["mb_per_s"] / f["mb_per_s"]
    if f["entries"] == 0 and q["entries"] > 0:
        verdict = "n/a: feedparser reads no entries"
    elif q["entries"] < f["entries"]:
        verdict = "n/a: quotewire reads only the first 1,000 entries"
    else:
        verdict = "met" if ratio >= TARGET else "NOT MET"
        if not name.startswith("bench-"):
            totals["bytes"] += q["bytes"]
            totals["qw"] += q["seconds_per_run"]
            totals["fp"] += f["seconds_per_run"]
    print(f"| {name} | {q['bytes']} | {q['entries']} / {f['entries']} | {q['mb_per_s']:.2f} "
          f"| {f['mb_per_s']:.2f} | {ratio:.1f}x | {verdict} |")
if totals["qw"] > 0:
    q_mb = totals["bytes"] / 1e6 / totals["qw"]
    f_mb = totals["bytes"] / 1e6 / totals["fp"]
    ratio = q_mb / f_mb
    print(f"| fixtures together (one run of each) | {totals['bytes']} | | {q_mb:.2f} | {f_mb:.2f} "
          f"| {ratio:.1f}x | {'met' if ratio >= TARGET else 'NOT MET'} |")
EOF

echo "== fetch load"
cargo bench --bench fetch_load | tee "$out/fetch_load.txt"

echo "== done; load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
