#!/usr/bin/env python3
"""The side-by-side table of bench/extract.sh for real pages (a corpus such as
../shared/corpora/zyte-dev): per tool, mean precision, recall and F1 over the pages, pages under
F1 0.8, median and p99 of the per-page median times, the largest peak heap, and the pages whose
peak heap passed 10 x the page's size plus 50 MB; then issue 15's targets for quotewire.

Usage: corpus_table.py ROWS.jsonl...   (the JSON Lines of benches/extract.rs and
trafilatura_bench.py, run with EXTRACT_BENCH_CORPUS)
"""

import json
import math
import statistics
import sys

LABEL = {
    "quotewire": "quotewire",
    "dom_smoothie": "dom_smoothie alone",
    "trafilatura-rs": "trafilatura-rs (the port)",
    "trafilatura-rs-pruned": "the port after quotewire's pruning",
    "trafilatura-py": "Python trafilatura",
}


def p99(xs):
    xs = sorted(xs)
    return xs[max(1, math.ceil(0.99 * len(xs))) - 1]


def over_budget(r):
    return r.get("peak_heap_bytes", 0) > 10 * r["bytes"] + 50_000_000


def main(paths):
    rows = {}
    for path in paths:
        with open(path) as f:
            for row in map(json.loads, filter(str.strip, f)):
                rows.setdefault(row["tool"], {})[row["fixture"]] = row
    pages = sorted(rows["quotewire"])
    print(f"{len(pages)} pages, word 4-gram scores as the benchmark computes them; time is "
          "the median of each page's timed calls, in process.")
    print()
    print("| tool | mean precision | mean recall | mean F1 | pages F1 < 0.8 | median ms "
          "| p99 ms | peak heap, most | pages over 10× size + 50 MB |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for tool, label in LABEL.items():
        rs = [rows[tool][p] for p in pages if p in rows.get(tool, {})]
        if not rs:
            continue
        ms = [r["median_ms"] for r in rs]
        peak = max(r.get("peak_heap_bytes", 0) for r in rs)
        print(f"| {label} | {statistics.mean(r['precision'] for r in rs):.3f} "
              f"| {statistics.mean(r['recall'] for r in rs):.3f} "
              f"| {statistics.mean(r['f1'] for r in rs):.3f} "
              f"| {sum(r['f1'] < 0.8 for r in rs)}/{len(rs)} "
              f"| {statistics.median(ms):.2f} | {p99(ms):.2f} | {peak / 1e6:.1f} MB "
              f"| {sum(map(over_budget, rs))} |")
    qw = [rows["quotewire"][p] for p in pages]
    f1 = statistics.mean(r["f1"] for r in qw)
    ms = [r["median_ms"] for r in qw]
    verdict = lambda ok: "met" if ok else "NOT MET"
    over = sum(map(over_budget, qw))
    print()
    print("Targets (issue 15, quotewire on these pages):")
    print(f"- mean F1 ≥ 0.975: {f1:.3f}, {verdict(f1 >= 0.975)}")
    print(f"- median ≤ 3 ms: {statistics.median(ms):.2f} ms, "
          f"{verdict(statistics.median(ms) <= 3)}; p99 ≤ 20 ms: {p99(ms):.2f} ms, "
          f"{verdict(p99(ms) <= 20)}")
    print(f"- peak memory ≤ 10 × page + 50 MB on every page: {over} over, {verdict(over == 0)}")
    worst = [f"{p[:12]} {rows['quotewire'][p]['f1']:.3f}" for p in pages
             if rows["quotewire"][p]["f1"] < 0.8]
    print(f"- pages under F1 0.8 for quotewire: {', '.join(worst) or 'none'}")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        sys.exit(2)
    main(sys.argv[1:])
