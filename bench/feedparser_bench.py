#!/usr/bin/env python3
"""Time feedparser on feed files, as a baseline for quotewire's own parser.

Usage: feedparser_bench.py FILE...

For each FILE the script reads its bytes once and then calls feedparser.parse(data)
repeatedly. It does at least 3 runs and keeps going until at least 1 second of
parse time has been spent. Then it prints one JSON object per file on stdout
(JSON Lines):

  {"file": NAME, "bytes": N, "runs": R, "seconds_per_run": S,
   "mb_per_s": N / 1e6 / S, "entries": K}

MB means 10^6 bytes. "entries" is len(result.entries) from the last run.
Progress and errors go to stderr.

This needs feedparser (pip install feedparser). The script installs nothing itself.
"""

import json
import os
import sys
import time

MIN_RUNS = 3
MIN_SECONDS = 1.0


def bench_one(feedparser, path):
    with open(path, "rb") as f:
        data = f.read()
    runs = 0
    total = 0.0
    result = None
    while runs < MIN_RUNS or total < MIN_SECONDS:
        t0 = time.perf_counter()
        result = feedparser.parse(data)
        total += time.perf_counter() - t0
        runs += 1
    per_run = total / runs
    return {
        "file": os.path.basename(path),
        "bytes": len(data),
        "runs": runs,
        "seconds_per_run": per_run,
        "mb_per_s": (len(data) / 1e6 / per_run) if per_run > 0 else None,
        "entries": len(result.entries),
    }


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    try:
        import feedparser
    except ImportError:
        print("feedparser_bench.py: the Python package 'feedparser' is not installed.\n"
              "Install it with:  pip install feedparser\n"
              "(or into a virtualenv: python3 -m venv .venv && .venv/bin/pip install feedparser)",
              file=sys.stderr)
        return 2
    status = 0
    for path in argv[1:]:
        try:
            row = bench_one(feedparser, path)
        except OSError as e:
            print(f"feedparser_bench.py: cannot read {path}: {e}", file=sys.stderr)
            status = 1
            continue
        print(json.dumps(row), flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
