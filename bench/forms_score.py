#!/usr/bin/env python3
"""Scores a parser's reading of fixtures/feeds/forms/ against expected.json.

Usage: bench/forms_score.py OUTPUT.jsonl [--detail]
OUTPUT.jsonl holds one JSON object per fixture, shaped like `quotewire feed inspect --json`
plus a "file" key: {"file", "feed": {"title"}, "entries": [{"title", "link", "published",
"updated"}]} (dates RFC 3339 in UTC), or {"file", "error"} for a file the parser refused.
Per file it counts the fields read right: the feed title, and per expected entry its title,
link, published and updated (a missing entry gets all four wrong). Prints a markdown table
and the total. bench/forms_compare.sh makes the inputs for quotewire and feedparser-rs.
"""
import json
import os
import sys
from datetime import datetime, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
EXPECTED = os.path.join(HERE, "..", "fixtures", "feeds", "forms", "expected.json")
FIELDS = ("title", "link", "published", "updated")


def norm_date(s):
    if not s:
        return None
    d = datetime.fromisoformat(s.replace("Z", "+00:00"))
    return d.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def score(exp, got):
    """(right, total, misses) for one file."""
    misses = []
    if "error" in got:
        total = 1 + len(FIELDS) * len(exp["entries"])
        return 0, total, [f"refused: {got['error']}"]
    right, total = 0, 1
    if (got.get("feed") or {}).get("title") == exp["title"]:
        right += 1
    else:
        misses.append(f"feed title {got.get('feed', {}).get('title')!r}")
    entries = got.get("entries") or []
    for i, e in enumerate(exp["entries"]):
        g = entries[i] if i < len(entries) else {}
        for f in FIELDS:
            total += 1
            want, have = e[f], g.get(f)
            if f in ("published", "updated"):
                want, have = norm_date(want), norm_date(have)
            if want == have:
                right += 1
            else:
                misses.append(f"#{i + 1} {f} {have!r} (want {want!r})")
    if len(entries) != len(exp["entries"]):
        misses.append(f"{len(entries)} entries (want {len(exp['entries'])})")
    return right, total, misses


def main():
    expected = json.load(open(EXPECTED))
    got = {}
    for line in open(sys.argv[1]):
        if line.strip():
            row = json.loads(line)
            got[row["file"]] = row
    detail = "--detail" in sys.argv
    print("| file | fields right | misses |")
    print("|---|---:|---|")
    sum_right = sum_total = files_right = 0
    for name, exp in expected.items():
        right, total, misses = score(exp, got.get(name, {"error": "no output"}))
        sum_right += right
        sum_total += total
        files_right += right == total
        note = "; ".join(misses if detail else misses[:3]) + ("" if detail or len(misses) <= 3 else f"; +{len(misses) - 3} more")
        print(f"| {name} | {right}/{total} | {note} |")
    print(f"| **all {len(expected)} files** | **{sum_right}/{sum_total}** | {files_right} files wholly right |")


if __name__ == "__main__":
    main()
