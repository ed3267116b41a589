//! Article extraction: text quality (word 4-gram precision, recall and F1 against gold) and
//! time per page of quotewire's extractor, of the trafilatura port and of dom_smoothie alone.
//!
//! For each `fixtures/articles/NAME.html` the page is decoded once, as quotewire decodes it
//! (`parser::encoding::decode_html`: a05 is windows-1252), and given to three extractors:
//!
//! * `quotewire`: `article::extract(bytes, None, Some(url), &Rules::default())`, then
//!   `.text()`. Its time includes the decoding, which is part of that call.
//! * `trafilatura-rs` (crate `trafilatura` 0.6): `trafilatura::extract(html,
//!   &Options::default())`, then `content_text`. That text joins paragraphs with a space, so the
//!   variant `trafilatura-rs-html` turns `content_html` into paragraphs with
//!   `parser::html_to_text` instead (its time includes that step).
//! * `dom_smoothie`: `Readability::new(html, Some(url), None)` then `parse()`, its `content`
//!   through `parser::html_to_text`, without quotewire's clutter removal or cleaning.
//!
//! The URL is the gold `url` of `NAME.gold.json`; the gold text is `NAME.gold.txt`.
//!
//! Text score: both texts are split on white space (so paragraph breaks only separate
//! words), and each is taken as the multiset of its word 4-grams. The overlap is the size of
//! the multiset intersection; precision = overlap / 4-grams of the output, recall = overlap /
//! 4-grams of the gold, F1 their harmonic mean (0 when the output is empty).
//! bench/trafilatura_bench.py uses the same definition for Python trafilatura.
//!
//! Time: one untimed warm-up call, then at least 30 timed calls and at least 0.2 s per
//! (tool, page), each result through `std::hint::black_box`; the median is reported. The tools
//! take turns page by page, so a slow spell of the machine hits them alike.
//!
//! Metadata: quotewire's fields are checked against the gold JSON (title after white-space
//! collapse, authors as a list, published to the UTC day and to the minute, modified to the
//! minute, canonical URL, site name, language, paywall flag, wire source); trafilatura-rs's
//! title, authors (its `author` split on "; "), date (a day, compared with the gold published
//! UTC day), site name, URL and language likewise.
//!
//! Pages from elsewhere: with `EXTRACT_BENCH_CORPUS=DIR` the pages are a benchmark corpus laid
//! out as `../shared/corpora/zyte-dev` is (`ground-truth.json`: id → `articleBody`, `url`;
//! `html/ID.html`), scored on text alone. Besides F1 and time, each (tool, page) reports the
//! peak heap of one call (a counting allocator, on only for that untimed call), and the
//! averages give pages under F1 0.8, p99 of the per-page medians, and the pages whose peak
//! heap passed 10× the page plus 50 MB.
//!
//! Usage: `cargo bench --bench extract [-- SUBSTRING...]` (only fixtures whose name contains
//! one of the substrings). With `EXTRACT_BENCH_DUMP=DIR` each tool's text is also written to
//! `DIR/FIXTURE.TOOL.txt`, to see what was kept or lost. Output on stdout: a table per
//! fixture, averages and metadata accuracy, and one JSON object per (tool, fixture) on a line
//! of its own (the lines that start with `{`), for bench/extract.sh to collect.

use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::HashMap;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, Utc};
use quotewire::article::{self, Article, Rules};
use quotewire::parser::{encoding, html_to_text};
use serde_json::{json, Value};
use url::Url;

/// The heap, counted while `COUNTING` is on: the peak of bytes allocated during one call of
/// an extractor (its warm-up call), beside the page's size. Off during the timed calls, where
/// the count would cost every allocation two atomic operations.
struct CountingAlloc;

static COUNTING: AtomicBool = AtomicBool::new(false);
static HEAP: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() && COUNTING.load(Ordering::Relaxed) {
            let now = HEAP.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        if COUNTING.load(Ordering::Relaxed) {
            // Memory allocated before counting began may be freed during it: saturate at 0.
            let _ = HEAP.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |h| {
                Some(h.saturating_sub(layout.size()))
            });
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() && COUNTING.load(Ordering::Relaxed) {
            if new_size > layout.size() {
                let grow = new_size - layout.size();
                let now = HEAP.fetch_add(grow, Ordering::Relaxed) + grow;
                PEAK.fetch_max(now, Ordering::Relaxed);
            } else {
                let shrink = layout.size() - new_size;
                let _ = HEAP.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |h| {
                    Some(h.saturating_sub(shrink))
                });
            }
        }
        p
    }
}

#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc;

/// The most heap `f` held at once, in bytes (what it allocated and had not freed).
fn peak_heap<T>(f: impl FnOnce() -> T) -> usize {
    HEAP.store(0, Ordering::Relaxed);
    PEAK.store(0, Ordering::Relaxed);
    COUNTING.store(true, Ordering::SeqCst);
    black_box(f());
    COUNTING.store(false, Ordering::SeqCst);
    PEAK.load(Ordering::Relaxed)
}

const MIN_RUNS: usize = 30;
const MIN_TIME: Duration = Duration::from_millis(200);
const TOOLS: [&str; 5] = [
    "quotewire",
    "trafilatura-rs",
    "trafilatura-rs-html",
    "dom_smoothie",
    "trafilatura-rs-pruned",
];

/// One fixture page and its gold.
struct Fixture {
    name: String,
    bytes: Vec<u8>,
    html: String,
    url: Url,
    gold_text: String,
    gold: Value,
}

/// Word 4-gram precision, recall and F1 of `out` against `gold`.
#[derive(Clone, Copy, Default)]
struct Score {
    precision: f64,
    recall: f64,
    f1: f64,
    out_words: usize,
    gold_words: usize,
}

fn grams(text: &str) -> (usize, HashMap<[&str; 4], usize>) {
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut counts = HashMap::new();
    for w in words.windows(4) {
        *counts.entry([w[0], w[1], w[2], w[3]]).or_insert(0) += 1;
    }
    (words.len(), counts)
}

fn score(out: &str, gold: &str) -> Score {
    let (out_words, o) = grams(out);
    let (gold_words, g) = grams(gold);
    let o_total: usize = o.values().sum();
    let g_total: usize = g.values().sum();
    let overlap: usize = o
        .iter()
        .map(|(k, n)| (*n).min(g.get(k).copied().unwrap_or(0)))
        .sum();
    let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    let precision = ratio(overlap, o_total);
    let recall = ratio(overlap, g_total);
    let f1 = if precision + recall == 0.0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    };
    Score {
        precision,
        recall,
        f1,
        out_words,
        gold_words,
    }
}

/// Timing of `f`: its median wall time in ms over the timed calls, their number, and the
/// peak heap of the warm-up call before them.
struct Timing {
    runs: usize,
    median_ms: f64,
    peak_bytes: usize,
}

fn median_ms<T>(mut f: impl FnMut() -> T) -> Timing {
    let peak_bytes = peak_heap(&mut f);
    let mut times = Vec::with_capacity(MIN_RUNS);
    let start = Instant::now();
    while times.len() < MIN_RUNS || start.elapsed() < MIN_TIME {
        let t0 = Instant::now();
        black_box(f());
        times.push(t0.elapsed());
    }
    times.sort_unstable();
    let n = times.len();
    let mid = if n % 2 == 1 {
        times[n / 2].as_secs_f64()
    } else {
        (times[n / 2 - 1] + times[n / 2]).as_secs_f64() / 2.0
    };
    Timing {
        runs: n,
        median_ms: mid * 1e3,
        peak_bytes,
    }
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A gold field as an optional string (`null` and absent are `None`).
fn gold_str<'a>(gold: &'a Value, key: &str) -> Option<&'a str> {
    gold.get(key).and_then(Value::as_str)
}

fn gold_time(gold: &Value, key: &str) -> Option<DateTime<Utc>> {
    gold_str(gold, key)
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|t| t.with_timezone(&Utc))
}

fn day(t: Option<DateTime<Utc>>) -> Option<String> {
    t.map(|t| t.format("%Y-%m-%d").to_string())
}

fn minute(t: Option<DateTime<Utc>>) -> Option<String> {
    t.map(|t| t.format("%Y-%m-%dT%H:%MZ").to_string())
}

/// Field-by-field comparison: `right` maps field to whether it matched; `wrong` holds what
/// was found against what the gold says, for the fields that did not match.
#[derive(Default)]
struct MetaCheck {
    right: serde_json::Map<String, Value>,
    wrong: serde_json::Map<String, Value>,
}

impl MetaCheck {
    fn field<T: PartialEq + serde::Serialize>(&mut self, name: &str, got: T, want: T) {
        let ok = got == want;
        self.right.insert(name.to_string(), Value::Bool(ok));
        if !ok {
            self.wrong
                .insert(name.to_string(), json!({"got": got, "want": want}));
        }
    }
}

fn gold_authors(gold: &Value) -> Vec<String> {
    gold.get("authors")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

fn quotewire_meta(a: &Article, gold: &Value) -> MetaCheck {
    let page = &a.meta;
    let mut m = MetaCheck::default();
    m.field(
        "title",
        page.title.as_deref().map(collapse),
        gold_str(gold, "title").map(collapse),
    );
    m.field("authors", page.authors.clone(), gold_authors(gold));
    let published = gold_time(gold, "published");
    m.field("published_day", day(page.published), day(published));
    m.field(
        "published_minute",
        minute(page.published),
        minute(published),
    );
    let modified = gold_time(gold, "modified");
    m.field("modified_minute", minute(page.modified), minute(modified));
    m.field(
        "canonical_url",
        page.canonical_url.as_deref(),
        gold_str(gold, "canonical_url"),
    );
    m.field(
        "site_name",
        page.site_name.as_deref(),
        gold_str(gold, "site_name"),
    );
    m.field(
        "language",
        page.language.as_deref(),
        gold_str(gold, "language"),
    );
    m.field(
        "paywalled",
        page.paywalled,
        gold.get("paywalled")
            .and_then(Value::as_bool)
            .unwrap_or(false),
    );
    m.field(
        "wire_source",
        a.wire_source.as_deref(),
        gold_str(gold, "wire_source"),
    );
    m
}

fn some_nonempty(s: &str) -> Option<&str> {
    Some(s.trim()).filter(|s| !s.is_empty())
}

fn trafilatura_meta(t: &trafilatura::Metadata, gold: &Value) -> MetaCheck {
    let mut m = MetaCheck::default();
    m.field(
        "title",
        some_nonempty(&t.title).map(collapse),
        gold_str(gold, "title").map(collapse),
    );
    let authors: Vec<String> = t
        .author
        .split("; ")
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(str::to_string)
        .collect();
    m.field("authors", authors, gold_authors(gold));
    m.field(
        "published_day",
        t.date.map(|d: NaiveDate| d.format("%Y-%m-%d").to_string()),
        day(gold_time(gold, "published")),
    );
    m.field(
        "canonical_url",
        some_nonempty(&t.url),
        gold_str(gold, "canonical_url"),
    );
    m.field(
        "site_name",
        some_nonempty(&t.sitename),
        gold_str(gold, "site_name"),
    );
    m.field(
        "language",
        some_nonempty(&t.language),
        gold_str(gold, "language"),
    );
    m
}

/// One (tool, fixture) measurement.
struct Row {
    tool: &'static str,
    text: String,
    score: Score,
    timing: Timing,
    error: Option<String>,
    meta: Option<MetaCheck>,
}

impl Row {
    fn json(&self, fx: &Fixture) -> Value {
        let mut v = json!({
            "tool": self.tool,
            "fixture": fx.name,
            "bytes": fx.bytes.len(),
            "gold_words": self.score.gold_words,
            "out_words": self.score.out_words,
            "precision": self.score.precision,
            "recall": self.score.recall,
            "f1": self.score.f1,
            "runs": self.timing.runs,
            "median_ms": self.timing.median_ms,
            "peak_heap_bytes": self.timing.peak_bytes,
        });
        if let Some(e) = &self.error {
            v["error"] = json!(e);
        }
        if let Some(m) = &self.meta {
            v["meta"] = Value::Object(m.right.clone());
            v["meta_wrong"] = Value::Object(m.wrong.clone());
        }
        v
    }
}

fn run_quotewire(fx: &Fixture) -> Row {
    let rules = Rules::default();
    let run = || article::extract(&fx.bytes, None, Some(&fx.url), &rules);
    let a = run();
    let timing = median_ms(run);
    Row {
        tool: "quotewire",
        score: score(&a.text(), &fx.gold_text),
        text: a.text(),
        timing,
        error: None,
        meta: Some(quotewire_meta(&a, &fx.gold)),
    }
}

/// Both trafilatura-rs rows: `content_text`, and `content_html` as paragraphs.
fn run_trafilatura(fx: &Fixture) -> [Row; 2] {
    let opts = trafilatura::Options::default();
    let run = || trafilatura::extract(&fx.html, &opts);
    let as_paragraphs = |r: &trafilatura::ExtractResult| {
        if r.content_html.trim().is_empty() {
            r.content_text.clone()
        } else {
            html_to_text(&r.content_html)
        }
    };
    let result = run();
    let timing = median_ms(run);
    let timing_html = median_ms(|| run().map(|r| as_paragraphs(&r)));
    let (text, text_html, error, meta) = match &result {
        Ok(r) => (
            r.content_text.clone(),
            as_paragraphs(r),
            None,
            Some(trafilatura_meta(&r.metadata, &fx.gold)),
        ),
        Err(e) => (String::new(), String::new(), Some(e.to_string()), None),
    };
    [
        Row {
            tool: "trafilatura-rs",
            score: score(&text, &fx.gold_text),
            text,
            timing,
            error: error.clone(),
            meta,
        },
        Row {
            tool: "trafilatura-rs-html",
            score: score(&text_html, &fx.gold_text),
            text: text_html,
            timing: timing_html,
            error,
            meta: None,
        },
    ]
}

/// The trafilatura port in quotewire's place: the page pruned by quotewire
/// (`article::text::prune`), the port's `content_html` as paragraphs, then quotewire's
/// paragraph cleaning. The same pipeline as quotewire with the other base extractor.
fn run_trafilatura_pruned(fx: &Fixture) -> Row {
    let opts = trafilatura::Options::default();
    let rules = Rules::default();
    // The headline, which the cleaning drops if repeated, is read once outside the timing.
    let title = article::extract_str(&fx.html, Some(&fx.url), &rules)
        .meta
        .title;
    let run = || -> Result<String, String> {
        let doc = dom_query::Document::from(fx.html.as_str());
        article::text::prune(&doc, &rules);
        let pruned = doc.html().to_string();
        let r = trafilatura::extract(&pruned, &opts).map_err(|e| e.to_string())?;
        let paragraphs: Vec<String> = html_to_text(&r.content_html)
            .split("\n\n")
            .map(str::to_string)
            .collect();
        Ok(article::text::clean(paragraphs, title.as_deref()).join("\n\n"))
    };
    let result = run();
    let timing = median_ms(run);
    let (text, error) = match result {
        Ok(t) => (t, None),
        Err(e) => (String::new(), Some(e)),
    };
    Row {
        tool: "trafilatura-rs-pruned",
        score: score(&text, &fx.gold_text),
        text,
        timing,
        error,
        meta: None,
    }
}

fn run_dom_smoothie(fx: &Fixture) -> Row {
    let run = || -> Result<String, dom_smoothie::ReadabilityError> {
        let mut r = dom_smoothie::Readability::new(fx.html.as_str(), Some(fx.url.as_str()), None)?;
        Ok(html_to_text(&r.parse()?.content))
    };
    let result = run();
    let timing = median_ms(run);
    let (text, error) = match result {
        Ok(t) => (t, None),
        Err(e) => (String::new(), Some(e.to_string())),
    };
    Row {
        tool: "dom_smoothie",
        score: score(&text, &fx.gold_text),
        text,
        timing,
        error,
        meta: None,
    }
}

fn load(html_path: &Path) -> Result<Fixture, String> {
    let name = html_path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .ok_or("no file name")?;
    let sibling = |ext: &str| html_path.with_file_name(format!("{name}.{ext}"));
    let read = |p: &Path| std::fs::read(p).map_err(|e| format!("{}: {e}", p.display()));
    let bytes = read(html_path)?;
    let gold_text = String::from_utf8(read(&sibling("gold.txt"))?)
        .map_err(|e| format!("{name}.gold.txt: {e}"))?;
    let gold: Value = serde_json::from_slice(&read(&sibling("gold.json"))?)
        .map_err(|e| format!("{name}.gold.json: {e}"))?;
    let url = gold_str(&gold, "url")
        .and_then(|u| Url::parse(u).ok())
        .ok_or_else(|| format!("{name}.gold.json: no valid url"))?;
    let html = encoding::decode_html(&bytes, None);
    Ok(Fixture {
        name,
        bytes,
        html,
        url,
        gold_text,
        gold,
    })
}

/// The substrings the command line gives (`cargo bench` passes `--bench` to a harness-less
/// bench; other arguments filter).
fn filters() -> Vec<String> {
    std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect()
}

/// The pages of a benchmark corpus laid out as `zyte-dev` is: `DIR/ground-truth.json` (id →
/// `articleBody`, `url`) and `DIR/html/ID.html`. No metadata gold: their rows carry none.
fn corpus(dir: &Path) -> Result<Vec<Fixture>, String> {
    let truth_path = dir.join("ground-truth.json");
    let truth: HashMap<String, Value> = serde_json::from_slice(
        &std::fs::read(&truth_path).map_err(|e| format!("{}: {e}", truth_path.display()))?,
    )
    .map_err(|e| format!("{}: {e}", truth_path.display()))?;
    let filters = filters();
    let mut ids: Vec<&String> = truth
        .keys()
        .filter(|id| filters.is_empty() || filters.iter().any(|f| id.contains(f.as_str())))
        .collect();
    ids.sort();
    let mut pages = Vec::with_capacity(ids.len());
    for id in ids {
        let gold = &truth[id];
        let path = dir.join("html").join(format!("{id}.html"));
        let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let url = gold_str(gold, "url")
            .and_then(|u| Url::parse(u).ok())
            .ok_or_else(|| format!("{id}: no valid url in the ground truth"))?;
        let html = encoding::decode_html(&bytes, None);
        let published = reference_day(&html, &url);
        pages.push(Fixture {
            name: id.clone(),
            bytes,
            url,
            gold_text: gold_str(gold, "articleBody")
                .unwrap_or_default()
                .to_string(),
            gold: json!({ "url": gold["url"], "published": published }),
            html,
        });
    }
    Ok(pages)
}

/// A corpus page's published day where the page says it outside quotewire's reading: the
/// first JSON-LD `datePublished` (its UTC day when it has an offset, else its date as
/// written), else a date in the URL (`/2019/11/19/` or `2019-11-19`); as midnight UTC in RFC
/// 3339, the form the fixtures' gold has. A check of the share right, not a gold.
fn reference_day(html: &str, url: &Url) -> Option<String> {
    static LD: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    static IN_URL: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let ld = LD.get_or_init(|| {
        regex::Regex::new(r#""datePublished"\s*:\s*"([^"]{10,40})""#).expect("regex")
    });
    let in_url = IN_URL.get_or_init(|| {
        regex::Regex::new(r"(?:^|[/_-])((?:19|20)\d\d)[/-](\d\d)[/-](\d\d)(?:[/_.-]|$)")
            .expect("regex")
    });
    let day = if let Some(c) = ld.captures(html) {
        let raw = &c[1];
        match DateTime::parse_from_rfc3339(raw) {
            Ok(t) => t.with_timezone(&Utc).date_naive(),
            Err(_) => NaiveDate::parse_from_str(raw.get(..10)?, "%Y-%m-%d").ok()?,
        }
    } else {
        let c = in_url.captures(url.path())?;
        NaiveDate::from_ymd_opt(c[1].parse().ok()?, c[2].parse().ok()?, c[3].parse().ok()?)?
    };
    Some(format!("{day}T00:00:00Z"))
}

fn fixture_paths() -> std::io::Result<Vec<PathBuf>> {
    let filters = filters();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/articles");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    // A scored fixture has its gold beside it; pages without (set C's AMP pairs, which
    // tests/articles.rs runs through `fetch`) are not part of the extraction score.
    paths.retain(|p| {
        p.extension().is_some_and(|e| e == "html") && p.with_extension("gold.json").exists()
    });
    paths.retain(|p| {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        filters.is_empty() || filters.iter().any(|f| name.contains(f.as_str()))
    });
    paths.sort();
    Ok(paths)
}

fn mean(xs: impl Iterator<Item = f64>) -> f64 {
    let v: Vec<f64> = xs.collect();
    if v.is_empty() {
        0.0
    } else {
        v.iter().sum::<f64>() / v.len() as f64
    }
}

fn median(mut xs: Vec<f64>) -> f64 {
    if xs.is_empty() {
        return 0.0;
    }
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2.0
    }
}

/// The `q` quantile of `xs` (nearest rank).
fn quantile(mut xs: Vec<f64>, q: f64) -> f64 {
    if xs.is_empty() {
        return 0.0;
    }
    xs.sort_by(f64::total_cmp);
    let rank = ((q * xs.len() as f64).ceil() as usize).clamp(1, xs.len());
    xs[rank - 1]
}

fn print_summary(results: &[(Fixture, Vec<Row>)]) {
    println!();
    println!("== per fixture: word 4-gram F1 (median ms per page)");
    println!("| fixture | gold words | {} |", TOOLS.join(" | "));
    println!("|---|---:|{}", "---:|".repeat(TOOLS.len()));
    for (fx, rows) in results {
        let cells: Vec<String> = rows
            .iter()
            .map(|r| {
                let err = if r.error.is_some() { " (error)" } else { "" };
                format!("{:.3} ({:.2} ms){err}", r.score.f1, r.timing.median_ms)
            })
            .collect();
        let gold_words = rows.first().map_or(0, |r| r.score.gold_words);
        println!("| {} | {gold_words} | {} |", fx.name, cells.join(" | "));
    }

    println!();
    println!("== averages over {} pages", results.len());
    println!("| tool | mean precision | mean recall | mean F1 | pages F1 ≥ 0.95 | pages F1 < 0.8 | median ms per page | p99 ms | mean ms | peak heap, most | pages over 10× size + 50 MB | errors |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (i, tool) in TOOLS.iter().enumerate() {
        let rows: Vec<(&Fixture, &Row)> = results.iter().map(|(fx, rows)| (fx, &rows[i])).collect();
        let good = rows.iter().filter(|(_, r)| r.score.f1 >= 0.95).count();
        let poor = rows.iter().filter(|(_, r)| r.score.f1 < 0.8).count();
        let errors = rows.iter().filter(|(_, r)| r.error.is_some()).count();
        let times: Vec<f64> = rows.iter().map(|(_, r)| r.timing.median_ms).collect();
        let most = rows
            .iter()
            .map(|(_, r)| r.timing.peak_bytes)
            .max()
            .unwrap_or(0);
        let over = rows
            .iter()
            .filter(|(fx, r)| r.timing.peak_bytes > 10 * fx.bytes.len() + 50_000_000)
            .count();
        println!(
            "| {tool} | {:.3} | {:.3} | {:.3} | {good}/{n} | {poor}/{n} | {:.2} | {:.2} | {:.2} | {:.1} MB | {over} | {errors} |",
            mean(rows.iter().map(|(_, r)| r.score.precision)),
            mean(rows.iter().map(|(_, r)| r.score.recall)),
            mean(rows.iter().map(|(_, r)| r.score.f1)),
            median(times.clone()),
            quantile(times.clone(), 0.99),
            mean(times.into_iter()),
            most as f64 / 1e6,
            n = rows.len(),
        );
    }

    println!();
    println!("== metadata: pages right, per field");
    let mut fields: Vec<String> = Vec::new();
    for (_, rows) in results {
        for r in rows {
            for k in r.meta.iter().flat_map(|m| m.right.keys()) {
                if !fields.contains(k) {
                    fields.push(k.clone());
                }
            }
        }
    }
    let meta_tools: Vec<usize> = (0..TOOLS.len())
        .filter(|&i| results.iter().any(|(_, rows)| rows[i].meta.is_some()))
        .collect();
    let names: Vec<&str> = meta_tools.iter().map(|&i| TOOLS[i]).collect();
    println!("| field | {} |", names.join(" | "));
    println!("|---|{}", "---:|".repeat(names.len()));
    for field in &fields {
        let cells: Vec<String> = meta_tools
            .iter()
            .map(|&i| {
                let checked: Vec<bool> = results
                    .iter()
                    .filter_map(|(_, rows)| rows[i].meta.as_ref())
                    .filter_map(|m| m.right.get(field).and_then(Value::as_bool))
                    .collect();
                if checked.is_empty() {
                    "–".to_string()
                } else {
                    let right = checked.iter().filter(|&&b| b).count();
                    format!("{right}/{}", checked.len())
                }
            })
            .collect();
        println!("| {field} | {} |", cells.join(" | "));
    }
}

fn main() -> ExitCode {
    let corpus_dir = std::env::var_os("EXTRACT_BENCH_CORPUS").map(PathBuf::from);
    let pages: Vec<Result<Fixture, String>> = match &corpus_dir {
        Some(dir) => match corpus(dir) {
            Ok(pages) => pages.into_iter().map(Ok).collect(),
            Err(e) => {
                eprintln!("extract bench: {e}");
                return ExitCode::from(2);
            }
        },
        None => match fixture_paths() {
            Ok(p) => p.iter().map(|p| load(p)).collect(),
            Err(e) => {
                eprintln!("extract bench: cannot list fixtures/articles: {e}");
                return ExitCode::from(2);
            }
        },
    };
    if pages.is_empty() {
        eprintln!("extract bench: no page matches");
        return ExitCode::from(2);
    }
    let dump = std::env::var_os("EXTRACT_BENCH_DUMP").map(PathBuf::from);
    if let Some(dir) = &dump {
        if let Err(e) = std::fs::create_dir_all(dir) {
            eprintln!("extract bench: cannot create {}: {e}", dir.display());
            return ExitCode::FAILURE;
        }
    }
    let mut results = Vec::new();
    // Pages that link an AMP version, and those of them the article stage would fetch it for.
    let (mut amp_linked, mut amp_wanted) = (0, Vec::new());
    for page in pages {
        let fx = match page {
            Ok(f) => f,
            Err(e) => {
                eprintln!("extract bench: {e}");
                return ExitCode::FAILURE;
            }
        };
        let own = article::extract(&fx.bytes, None, Some(&fx.url), &Rules::default());
        amp_linked += usize::from(own.amp_url.is_some());
        if article::amp::wanted(&own).is_some() {
            amp_wanted.push(format!("{} ({} characters)", fx.name, own.text_len()));
        }
        let [traf, traf_html] = run_trafilatura(&fx);
        let mut rows = vec![
            run_quotewire(&fx),
            traf,
            traf_html,
            run_dom_smoothie(&fx),
            run_trafilatura_pruned(&fx),
        ];
        if corpus_dir.is_some() {
            // A corpus page's gold has its text and URL only: of the metadata, the published
            // day is checked where the page states it (`reference_day`).
            let dated = !fx.gold["published"].is_null();
            for r in &mut rows {
                r.meta = r.meta.take().filter(|_| dated).map(|m| MetaCheck {
                    right: m
                        .right
                        .into_iter()
                        .filter(|(k, _)| k == "published_day")
                        .collect(),
                    wrong: m
                        .wrong
                        .into_iter()
                        .filter(|(k, _)| k == "published_day")
                        .collect(),
                });
            }
        }
        for r in &rows {
            println!("{}", r.json(&fx));
            if let Some(dir) = &dump {
                let path = dir.join(format!("{}.{}.txt", fx.name, r.tool));
                if let Err(e) = std::fs::write(&path, &r.text) {
                    eprintln!("extract bench: cannot write {}: {e}", path.display());
                }
            }
        }
        results.push((fx, rows));
    }
    print_summary(&results);
    println!(
        "\n== AMP versions: {amp_linked} of {} pages link one; {} would have it fetched \
         (their text under {} characters){}{}",
        results.len(),
        amp_wanted.len(),
        article::THIN,
        if amp_wanted.is_empty() { "" } else { ": " },
        amp_wanted.join(", ")
    );
    ExitCode::SUCCESS
}
