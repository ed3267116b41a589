#!/usr/bin/env bash
# Runs the article-extraction benchmark and prints what bench/RESULTS.md section 3 records:
# word 4-gram F1 against gold and median time per page of quotewire's extractor, of the
# trafilatura port (crate trafilatura), of dom_smoothie alone (benches/extract.rs) and of
# Python trafilatura (bench/trafilatura_bench.py), over fixtures/articles/*.html, side by
# side, with metadata accuracy and the verdict on the targets (quotewire: mean F1 >= 0.95,
# published date right on >= 95 % of pages, median <= 10 ms per page).
# Then the same tools on real pages saved by others, when the corpus is there
# (EXTRACT_CORPUS, default ../shared/corpora/zyte-dev): bench/corpus_table.py's table of mean
# precision, recall, F1, pages under F1 0.8, median and p99 ms, peak heap, and issue 15's targets.
# Usage: bench/extract.sh   (from anywhere; a few minutes after the release build)
# Writes bench/out/ (gitignored): both sides' JSON Lines, the Rust bench's own tables, the
# side-by-side table, and each tool's text per page in bench/out/extract/.
set -euo pipefail

cd "$(dirname "$0")/.."
out=bench/out
mkdir -p "$out/extract"

echo "== machine"
echo "date:        $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "cpus:        $(nproc)"
echo "cpu:         $(lscpu | sed -n 's/^Model name: *//p' | head -n 1)"
echo "rustc:       $(rustc --version)"
echo "python:      $(python3 --version 2>&1)"
commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [ -n "$(git status --porcelain -- src Cargo.toml Cargo.lock benches 2>/dev/null)" ]; then
    commit="$commit (with uncommitted changes in src/, benches/ or Cargo.*)"
fi
echo "commit:      $commit"
echo "load:        $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min)"

# lxml 5.2 and later moved lxml.html.clean, which trafilatura's jusText needs, to
# lxml_html_clean: a bare `pip install trafilatura` can leave it unimportable.
if ! python3 -c 'import trafilatura' 2>/dev/null; then
    echo "installing trafilatura"
    PIP_ROOT_USER_ACTION=ignore python3 -m pip install --quiet trafilatura lxml_html_clean
fi
echo "trafilatura: $(python3 -c 'import trafilatura; print(trafilatura.__version__)') (Python)," \
    "$(sed -n '/^name = "trafilatura"$/{n;s/^version = "\(.*\)"$/\1/p;}' Cargo.lock | head -n 1) (crate)"
echo "dom_smoothie: $(sed -n '/^name = "dom_smoothie"$/{n;s/^version = "\(.*\)"$/\1/p;}' Cargo.lock | head -n 1) (crate)"

echo "== building (release)"
cargo bench --bench extract --no-run

# The scored fixtures: those with their gold beside them (set C's AMP pairs have none).
files=()
for f in fixtures/articles/*.html; do
    [ -e "${f%.html}.gold.json" ] && files+=("$f")
done
export EXTRACT_BENCH_DUMP="$out/extract"

echo "== Rust: quotewire, trafilatura-rs, dom_smoothie (benches/extract.rs)"
cargo bench -q --bench extract >"$out/extract-rust.txt"
grep '^{' "$out/extract-rust.txt" >"$out/extract-rust.jsonl"
grep -v '^{' "$out/extract-rust.txt"

echo "== Python trafilatura (bench/trafilatura_bench.py)"
python3 bench/trafilatura_bench.py "${files[@]}" >"$out/extract-python.jsonl"
echo "${#files[@]} pages, $(wc -l <"$out/extract-python.jsonl") rows"

echo "== side by side"
python3 - "$out/extract-rust.jsonl" "$out/extract-python.jsonl" <<'EOF' | tee "$out/extract-table.md"
import json
import statistics
import sys

F1_TARGET, DATE_TARGET, MS_TARGET = 0.95, 0.95, 10.0

rows = {}
for path in sys.argv[1:]:
    with open(path) as f:
        for row in map(json.loads, filter(str.strip, f)):
            rows.setdefault(row["tool"], {})[row["fixture"]] = row

fixtures = sorted(rows["quotewire"])
html_differs = any(
    abs(rows["trafilatura-rs"][fx]["f1"] - rows["trafilatura-rs-html"][fx]["f1"]) > 1e-9
    for fx in fixtures)
tools = ["quotewire", "trafilatura-rs"] + (["trafilatura-rs-html"] if html_differs else []) \
    + ["dom_smoothie", "trafilatura-py"]
label = {"quotewire": "quotewire", "trafilatura-rs": "trafilatura-rs",
         "trafilatura-rs-html": "trafilatura-rs (html)", "dom_smoothie": "dom_smoothie alone",
         "trafilatura-py": "Python trafilatura"}


def cell(tool, fx, key, fmt):
    row = rows.get(tool, {}).get(fx)
    if row is None:
        return "–"
    return fmt.format(row[key]) + (" (error)" if "error" in row else "")


print("Word 4-gram F1 against gold.txt, and median ms per page.")
print()
print("| fixture | " + " | ".join(f"F1 {label[t]}" for t in tools) + " | "
      + " | ".join(f"ms {label[t]}" for t in tools) + " |")
print("|---|" + "---:|" * (2 * len(tools)))
for fx in fixtures:
    print(f"| {fx} | " + " | ".join(cell(t, fx, "f1", "{:.3f}") for t in tools) + " | "
          + " | ".join(cell(t, fx, "median_ms", "{:.2f}") for t in tools) + " |")
if not html_differs:
    print()
    print("trafilatura-rs: content_html turned into paragraphs gives the same F1 as content_text "
          "on every page (content_text joins paragraphs with a space, so the words are the same).")

print()
print("| tool | mean precision | mean recall | mean F1 | pages F1 ≥ 0.95 | median ms per page | mean ms | slowest page ms |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
for t in tools:
    rs = [rows[t][fx] for fx in fixtures if fx in rows.get(t, {})]
    if not rs:
        continue
    ms = [r["median_ms"] for r in rs]
    print(f"| {label[t]} | {statistics.mean(r['precision'] for r in rs):.3f} "
          f"| {statistics.mean(r['recall'] for r in rs):.3f} "
          f"| {statistics.mean(r['f1'] for r in rs):.3f} "
          f"| {sum(r['f1'] >= 0.95 for r in rs)}/{len(rs)} "
          f"| {statistics.median(ms):.2f} | {statistics.mean(ms):.2f} | {max(ms):.2f} |")
py = [rows["trafilatura-py"][fx] for fx in fixtures if fx in rows.get("trafilatura-py", {})]
if py:
    print()
    print(f"Python trafilatura's extract() reads no metadata; extract_metadata() alone takes "
          f"a median {statistics.median(r['metadata_median_ms'] for r in py):.2f} ms per page more.")

print()
print("Metadata: pages right, per field.")
print()
meta_tools = [t for t in ("quotewire", "trafilatura-rs", "trafilatura-py") if t in rows]
fields = []
for t in meta_tools:
    for fx in fixtures:
        for k in rows[t].get(fx, {}).get("meta", {}):
            if k not in fields:
                fields.append(k)
print("| field | " + " | ".join(label[t] for t in meta_tools) + " |")
print("|---|" + "---:|" * len(meta_tools))
for k in fields:
    cells = []
    for t in meta_tools:
        got = [rows[t][fx]["meta"][k] for fx in fixtures
               if k in rows[t].get(fx, {}).get("meta", {})]
        cells.append(f"{sum(got)}/{len(fixtures)}" if got else "–")
    print(f"| {k} | " + " | ".join(cells) + " |")
print()
for t in meta_tools:
    for fx in fixtures:
        for k, v in rows[t].get(fx, {}).get("meta_wrong", {}).items():
            print(f"- {label[t]}, {fx}, {k}: got {json.dumps(v['got'], ensure_ascii=False)}, "
                  f"gold {json.dumps(v['want'], ensure_ascii=False)}")

qw = [rows["quotewire"][fx] for fx in fixtures]
f1 = statistics.mean(r["f1"] for r in qw)
dated = sum(r["meta"]["published_day"] for r in qw) / len(qw)
ms = statistics.median(r["median_ms"] for r in qw)
verdict = lambda ok: "met" if ok else "NOT MET"
print()
print("Targets (quotewire):")
print()
print(f"- mean F1 ≥ {F1_TARGET}: {f1:.3f}, {verdict(f1 >= F1_TARGET)}")
print(f"- published date right (UTC day) on ≥ {DATE_TARGET:.0%} of pages: {dated:.0%}, "
      f"{verdict(dated >= DATE_TARGET)}")
print(f"- median ≤ {MS_TARGET} ms per page: {ms:.2f} ms (slowest page "
      f"{max(r['median_ms'] for r in qw):.2f} ms), {verdict(ms <= MS_TARGET)}")
EOF

corpus="${EXTRACT_CORPUS:-../shared/corpora/zyte-dev}"
if [ -f "$corpus/ground-truth.json" ]; then
    echo "== real pages: $corpus (scores may be committed, pages may not: see its README)"
    EXTRACT_BENCH_CORPUS="$corpus" EXTRACT_BENCH_DUMP="$out/extract-corpus" \
        cargo bench -q --bench extract >"$out/corpus-rust.txt"
    grep '^{' "$out/corpus-rust.txt" >"$out/corpus-rust.jsonl"
    pages=("$corpus"/html/*.html)
    EXTRACT_BENCH_CORPUS="$corpus" EXTRACT_BENCH_DUMP="$out/extract-corpus" \
        python3 bench/trafilatura_bench.py "${pages[@]}" >"$out/corpus-python.jsonl"
    python3 bench/corpus_table.py "$out/corpus-rust.jsonl" "$out/corpus-python.jsonl" \
        | tee "$out/corpus-table.md"
else
    echo "== real pages: skipped ($corpus/ground-truth.json not found; set EXTRACT_CORPUS=DIR)"
fi

echo "== done; load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
