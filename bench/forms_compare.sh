#!/usr/bin/env bash
# One run, three parsers taking turns file by file: quotewire (benches/parse.rs), Python
# feedparser 6.0.14, feedparser-rs 0.7.2 (sanitising off; /tmp/fp-compare).
set -euo pipefail
# Needs the scratch crate /tmp/fp-compare (feedparser-rs =0.7.2, default features off; not a
# dependency of quotewire) built with cargo build --release; table: see bench/RESULTS.md §1.1.
cd /work/wt-forms
out=bench/out; mkdir -p $out
python3 bench/gen_feed.py $out/bench-1000.xml 1000 >/dev/null
python3 bench/gen_feed.py $out/bench-5000.xml 5000 >/dev/null
: > $out/p3-qw.jsonl; : > $out/p3-fp.jsonl; : > $out/p3-fprs.jsonl
for f in fixtures/feeds/*.xml fixtures/feeds/*.json fixtures/feeds/forms/*.xml $out/bench-1000.xml $out/bench-5000.xml; do
  cargo bench -q --bench parse -- "$f" >> $out/p3-qw.jsonl
  python3 bench/feedparser_bench.py "$f" >> $out/p3-fp.jsonl
  /tmp/fp-compare/target/release/fp-compare time "$f" >> $out/p3-fprs.jsonl
done
