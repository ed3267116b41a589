#!/usr/bin/env python3
"""Text quality and time per page of Python trafilatura on article pages, as a baseline
for quotewire's extractor (benches/extract.rs measures the Rust tools the same way).

Usage: trafilatura_bench.py FILE...   (FILE = fixtures/articles/NAME.html)

For each FILE the gold is NAME.gold.txt (the main text) and NAME.gold.json (its "url" is
passed to trafilatura; title, authors and published are compared). The bytes are decoded
once: UTF-8 if they are valid UTF-8, else the charset a <meta> tag declares in the first
1024 bytes, else cp1252 (a05 is windows-1252).

Text: trafilatura.extract(html, url=url, output_format='txt', include_comments=False,
include_tables=False, favor_precision=False). Score: both texts are split on white space
and taken as multisets of word 4-grams; overlap = size of the multiset intersection;
precision = overlap / 4-grams of the output, recall = overlap / 4-grams of the gold, F1
their harmonic mean (0 when the output is empty). Python trafilatura joins paragraphs with
single newlines; splitting on white space makes that irrelevant.

Metadata: trafilatura.extract_metadata(html, default_url=url): title (white space
collapsed), author (split on "; ", compared with the gold authors list), date (a day,
compared with the UTC day of the gold published), sitename, url (against canonical_url).

Time: one untimed warm-up call, then at least 30 timed calls and at least 0.2 s; the median
is reported. "median_ms" times extract() alone, as called above (it reads no metadata);
"metadata_median_ms" times extract_metadata() alone.

Output: JSON Lines on stdout, one object per file, with the fields of benches/extract.rs:
  {"tool": "trafilatura-py", "fixture", "bytes", "gold_words", "out_words", "precision",
   "recall", "f1", "runs", "median_ms", "metadata_median_ms", "meta", "meta_wrong"}
With EXTRACT_BENCH_DUMP=DIR the extracted text is also written to
DIR/NAME.trafilatura-py.txt. Errors go to stderr.

With EXTRACT_BENCH_CORPUS=DIR (a corpus laid out as ../shared/corpora/zyte-dev is), each
FILE is DIR/html/ID.html and its gold is the entry ID of DIR/ground-truth.json ("articleBody",
"url"): text only, no metadata. "peak_heap_bytes" is tracemalloc's peak over one extract()
call: Python's own allocations, not lxml's C heap, so a floor rather than the whole.

This needs trafilatura (pip install trafilatura; with lxml 5.2 or later also
lxml_html_clean). The script installs nothing itself and exits 2 when it is missing.
"""

import json
import os
import re
import statistics
import sys
import time
import tracemalloc
from collections import Counter
from datetime import datetime, timezone

MIN_RUNS = 30
MIN_SECONDS = 0.2
TOOL = "trafilatura-py"


def grams(text):
    words = text.split()
    return len(words), Counter(tuple(words[i:i + 4]) for i in range(len(words) - 3))


def score(out, gold):
    out_words, o = grams(out)
    gold_words, g = grams(gold)
    overlap = sum((o & g).values())
    o_total, g_total = sum(o.values()), sum(g.values())
    precision = overlap / o_total if o_total else 0.0
    recall = overlap / g_total if g_total else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"gold_words": gold_words, "out_words": out_words,
            "precision": precision, "recall": recall, "f1": f1}


def median_ms(fn):
    fn()
    times = []
    start = time.perf_counter()
    while len(times) < MIN_RUNS or time.perf_counter() - start < MIN_SECONDS:
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return len(times), statistics.median(times) * 1e3


def decode(data):
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    head = data[:1024].decode("ascii", "replace").lower()
    m = re.search(r"charset\s*=\s*[\"']?([a-z0-9_.:-]+)", head)
    for label in ((m.group(1),) if m else ()) + ("cp1252",):
        try:
            return data.decode(label, "replace")
        except LookupError:
            continue
    return data.decode("cp1252", "replace")


def collapse(s):
    return " ".join(s.split()) if s else None


def utc_day(iso):
    if not iso:
        return None
    t = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    return t.astimezone(timezone.utc).strftime("%Y-%m-%d")


def check_meta(meta, gold):
    right, wrong = {}, {}

    def field(name, got, want):
        right[name] = got == want
        if got != want:
            wrong[name] = {"got": got, "want": want}

    field("title", collapse(meta.title), collapse(gold.get("title")))
    authors = [a.strip() for a in (meta.author or "").split("; ") if a.strip()]
    field("authors", authors, gold.get("authors") or [])
    field("published_day", (meta.date or None) and meta.date[:10], utc_day(gold.get("published")))
    field("canonical_url", meta.url or None, gold.get("canonical_url"))
    field("site_name", meta.sitename or None, gold.get("site_name"))
    return right, wrong


def bench_one(trafilatura, path, dump, truth):
    base = path[:-len(".html")] if path.endswith(".html") else path
    name = os.path.basename(base)
    with open(path, "rb") as f:
        data = f.read()
    if truth is not None:
        gold_text = truth[name].get("articleBody") or ""
        gold = {"url": truth[name].get("url")}
    else:
        with open(base + ".gold.txt", encoding="utf-8") as f:
            gold_text = f.read()
        with open(base + ".gold.json", encoding="utf-8") as f:
            gold = json.load(f)
    url = gold.get("url")
    html = decode(data)

    def run():
        return trafilatura.extract(html, url=url, output_format="txt", include_comments=False,
                                   include_tables=False, favor_precision=False)

    def run_meta():
        return trafilatura.extract_metadata(html, default_url=url)

    text = run() or ""
    tracemalloc.start()
    run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    runs, ms = median_ms(run)
    if truth is not None:
        meta_ms, right, wrong = None, None, None
    else:
        _, meta_ms = median_ms(run_meta)
        right, wrong = check_meta(run_meta(), gold)
    if dump:
        with open(os.path.join(dump, f"{name}.{TOOL}.txt"), "w", encoding="utf-8") as f:
            f.write(text)
    row = {"tool": TOOL, "fixture": name, "bytes": len(data)}
    row.update(score(text, gold_text))
    row.update({"runs": runs, "median_ms": ms, "peak_heap_bytes": peak})
    if right is not None:
        row.update({"metadata_median_ms": meta_ms, "meta": right, "meta_wrong": wrong})
    return row


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    try:
        import trafilatura
    except ImportError as e:
        print(f"trafilatura_bench.py: cannot import the Python package 'trafilatura': {e}\n"
              "Install it with:  pip install trafilatura lxml_html_clean\n"
              "(or into a virtualenv: python3 -m venv .venv && "
              ".venv/bin/pip install trafilatura lxml_html_clean)",
              file=sys.stderr)
        return 2
    dump = os.environ.get("EXTRACT_BENCH_DUMP")
    if dump:
        os.makedirs(dump, exist_ok=True)
    truth = None
    corpus = os.environ.get("EXTRACT_BENCH_CORPUS")
    if corpus:
        with open(os.path.join(corpus, "ground-truth.json"), encoding="utf-8") as f:
            truth = json.load(f)
    status = 0
    for path in argv[1:]:
        try:
            row = bench_one(trafilatura, path, dump, truth)
        except (OSError, ValueError, KeyError) as e:
            print(f"trafilatura_bench.py: {path}: {e}", file=sys.stderr)
            status = 1
            continue
        print(json.dumps(row, ensure_ascii=False), flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
