//! Citation verification at scale (issue 5): a store of generated stories, the passage index
//! built over it, and a 60-passage post verified against it.
//!
//! 1. Generates `QW_BENCH_STORIES` stories (default 100,000) of news-like text (400 words on
//!    average, words drawn from a Zipf distribution over a 30,000-word vocabulary whose top
//!    ranks are real English function words) and writes them to a sled store in a temporary
//!    folder (records, texts and their quotations, as ingest stores them; not timed as
//!    indexing).
//! 2. Indexes every story's text (`search::index::Pending`, a segment per 1,000 stories),
//!    timed: stories per second, and the index's size per story (postings, and the growth of
//!    the database directory on disk).
//! 3. Verifies a generated 60-passage Markdown post: 36 passages copied verbatim, 8 with a
//!    one-letter typo, 6 with an omission marked "...", 4 with a word changed, and 6 not in the
//!    store, each under a day heading with an "According to" line. Timed with the database
//!    already open, five runs; prints each run and the statuses found.
//!
//! `cargo bench --bench verify`; targets: verify ≤ 250 ms, indexing ≥ 5,000 stories/s.
//! `QW_BENCH_BACKENDS=sled,pg` runs the same generated stores on both backends, one after the
//! other in one run (PostgreSQL on a throw-away cluster; skipped without one); `pg` alone is
//! team mode's target: a 60-passage post against 1,000,000 stories in 250 ms.
//! `QW_BENCH_WAIT_FILE=F` holds the timed verify until the file F exists (a long build timed on
//! a quiet machine); `QW_PG_SERVER_OPTIONS` adds server settings to the throw-away cluster.

#[path = "../tests/support/pg.rs"]
mod pg;

use std::time::{Duration, Instant};

use quotewire::config::Config;
use quotewire::store::{Db, Store};
use quotewire::story::{DateSource, Story, TextInfo, TextSource};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const FUNCTION_WORDS: &[&str] = &[
    "the",
    "of",
    "to",
    "and",
    "a",
    "in",
    "said",
    "that",
    "for",
    "on",
    "is",
    "was",
    "with",
    "he",
    "it",
    "as",
    "at",
    "by",
    "from",
    "his",
    "an",
    "have",
    "has",
    "but",
    "they",
    "not",
    "be",
    "are",
    "this",
    "who",
    "were",
    "their",
    "which",
    "after",
    "had",
    "its",
    "been",
    "would",
    "also",
    "will",
    "we",
    "or",
    "more",
    "than",
    "one",
    "about",
    "two",
    "over",
    "against",
    "officials",
    "government",
    "forces",
    "militia",
    "attack",
    "embassy",
    "protesters",
];

struct Vocabulary {
    words: Vec<String>,
    /// Cumulative Zipf weights.
    cumulative: Vec<f64>,
}

impl Vocabulary {
    fn new(rng: &mut StdRng, size: usize) -> Vocabulary {
        let syllables = [
            "ka", "ri", "mo", "ta", "sel", "bar", "qu", "dan", "el", "io", "nu", "ras", "ham",
            "vi", "lo", "zen", "tor", "mi", "sha", "ab", "dul", "ter", "pol", "ix",
        ];
        let mut words: Vec<String> = FUNCTION_WORDS.iter().map(|w| w.to_string()).collect();
        let mut seen: std::collections::HashSet<String> = words.iter().cloned().collect();
        while words.len() < size {
            let n = rng.random_range(2..=4);
            let w: String = (0..n)
                .map(|_| syllables[rng.random_range(0..syllables.len())])
                .collect();
            if seen.insert(w.clone()) {
                words.push(w);
            }
        }
        let mut total = 0.0;
        let cumulative = (1..=size)
            .map(|r| {
                total += 1.0 / r as f64;
                total
            })
            .collect();
        Vocabulary { words, cumulative }
    }

    fn word(&self, rng: &mut StdRng) -> &str {
        let total = *self.cumulative.last().unwrap_or(&1.0);
        let x = rng.random::<f64>() * total;
        let i = self.cumulative.partition_point(|&c| c < x);
        &self.words[i.min(self.words.len() - 1)]
    }

    /// Paragraphs of sentences, about `words` words in all.
    fn text(&self, rng: &mut StdRng, words: usize) -> String {
        let mut out = String::new();
        let mut n = 0;
        while n < words {
            let sentences = rng.random_range(1..=3);
            for s in 0..sentences {
                let len = rng.random_range(8..=28);
                for i in 0..len {
                    let w = self.word(rng);
                    if i == 0 {
                        let mut c = w.chars();
                        if let Some(f) = c.next() {
                            out.extend(f.to_uppercase());
                            out.push_str(c.as_str());
                        }
                    } else {
                        out.push(' ');
                        out.push_str(w);
                    }
                    if i + 1 < len && rng.random_range(0..12) == 0 {
                        out.push(',');
                    }
                }
                out.push('.');
                if s + 1 < sentences {
                    out.push(' ');
                }
                n += len;
            }
            out.push_str("\n\n");
        }
        out.trim_end().to_string()
    }
}

fn story(i: usize, outlet: &str, published: chrono::DateTime<chrono::Utc>, len: usize) -> Story {
    let url = format!("https://{outlet}.example/news/{i}");
    Story {
        id: quotewire::story::url::story_id(&url),
        key: url.clone(),
        url: Some(url),
        outlet: outlet.to_string(),
        outlets: vec![outlet.to_string()],
        title: Some(format!("Generated story {i}")),
        published,
        published_from: DateSource::Article,
        updated: None,
        authors: vec![],
        categories: vec![],
        summary: None,
        content: None,
        first_seen: published,
        last_seen: published,
        sources: vec![],
        article: None,
        text: TextInfo {
            source: TextSource::Article,
            len,
            note: None,
        },
        copy_of: None,
        copies: vec![],
    }
}

/// The store's size: the sled directory's on disk, or the PostgreSQL database's.
fn size(db: &Db, dir: Option<&std::path::Path>) -> u64 {
    match (db, dir) {
        (_, Some(d)) => dir_size(d),
        (Db::Url(url), None) => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime")
            .block_on(async {
                let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls)
                    .await
                    .expect("connect");
                tokio::spawn(conn);
                let row = client
                    .query_one("SELECT pg_database_size(current_database())", &[])
                    .await
                    .expect("size");
                row.get::<_, i64>(0) as u64
            }),
        (Db::Dir(_), None) => 0,
    }
}

fn dir_size(path: &std::path::Path) -> u64 {
    let mut total = 0;
    if let Ok(entries) = std::fs::read_dir(path) {
        for e in entries.flatten() {
            let p = e.path();
            total += if p.is_dir() {
                dir_size(&p)
            } else {
                e.metadata().map(|m| m.len()).unwrap_or(0)
            };
        }
    }
    total
}

/// A passage of `words` consecutive words from `text`, starting at a sentence's start.
fn slice(text: &str, rng: &mut StdRng, words: usize) -> String {
    let all: Vec<&str> = text.split_whitespace().collect();
    let start = rng.random_range(0..all.len().saturating_sub(words).max(1));
    all[start..(start + words).min(all.len())].join(" ")
}

fn main() {
    let n: usize = std::env::var("QW_BENCH_STORIES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let backends = std::env::var("QW_BENCH_BACKENDS").unwrap_or_else(|_| "sled".into());
    for backend in backends.split(',').map(str::trim) {
        match backend {
            "sled" => {
                let dir = tempfile::tempdir().expect("temp dir");
                run(n, &Db::Dir(dir.path().to_path_buf()), Some(dir.path()));
            }
            "pg" | "postgresql" => {
                let Some(cluster) = pg::Cluster::start() else {
                    continue;
                };
                run(n, &Db::Url(cluster.create_db("verify_bench")), None);
            }
            other => eprintln!("verify bench: unknown backend {other:?} (sled, pg)"),
        }
    }
}

/// Steps 1 to 3 on one backend; `dir` is the sled directory, for its size on disk.
fn run(n: usize, db: &Db, dir: Option<&std::path::Path>) {
    println!(
        "backend: {}",
        match db {
            Db::Dir(_) => "sled".to_string(),
            Db::Url(_) => "PostgreSQL".to_string(),
        }
    );
    let outlets: Vec<String> = (0..10).map(|i| format!("outlet{i}")).collect();
    let mut toml = String::new();
    for o in &outlets {
        toml += &format!(
            "[[outlet]]\nid = \"{o}\"\nname = \"Outlet {o}\"\ndomains = [\"{o}.example\"]\nfeeds = [\"https://{o}.example/rss\"]\n\n"
        );
    }
    let config = Config::parse(std::path::Path::new("bench.toml"), &toml).expect("bench config");
    let mut rng = StdRng::seed_from_u64(20191227);
    let vocab = Vocabulary::new(&mut rng, 30_000);
    let store = Store::open_db(db, "bench", Duration::ZERO, &mut |_| {}).expect("store");
    let base = chrono::DateTime::parse_from_rfc3339("2019-12-01T00:00:00Z")
        .expect("date")
        .with_timezone(&chrono::Utc);

    // 1. Stories and texts.
    let t = Instant::now();
    let mut texts: Vec<(String, String)> = Vec::with_capacity(n);
    let mut bytes = 0usize;
    let mut batch = Vec::new();
    for i in 0..n {
        let words = rng.random_range(200..=600);
        let text = vocab.text(&mut rng, words);
        bytes += text.len();
        let published = base + chrono::Duration::minutes((i as i64) * 45 / 100);
        let s = story(
            i,
            &outlets[i % outlets.len()],
            published,
            text.chars().count(),
        );
        store.put_text(&s.id, Some(&text)).expect("text");
        // As ingest does: the story's quotations are extracted when its text is stored.
        quotewire::review::refresh(&store, &s.id, &text).expect("quotes");
        texts.push((s.id.clone(), text));
        batch.push((None, s));
        if batch.len() == 1000 {
            store.put_stories(&batch).expect("stories");
            batch.clear();
        }
    }
    store.put_stories(&batch).expect("stories");
    store.flush().expect("flush");
    let written = t.elapsed();
    let before = size(db, dir);
    println!(
        "stories: {n} generated and stored with their quotations in {:.1} s ({:.0} MB of text, {:.0} words a story on average)",
        written.as_secs_f64(),
        bytes as f64 / 1e6,
        bytes as f64 / n as f64 / 6.0
    );

    // 2. The passage index.
    let t = Instant::now();
    let mut keys = 0usize;
    let mut pending = quotewire::search::index::Pending::default();
    for (i, (id, text)) in texts.iter().enumerate() {
        keys += pending.add(&store, id, text).expect("index").len();
        // A fetch pass writes a segment each time it lets go of the database.
        if (i + 1) % 1000 == 0 {
            pending.flush(&store).expect("segment");
        }
    }
    pending.flush(&store).expect("segment");
    let indexing = t.elapsed();
    store.flush().expect("flush");
    let after = size(db, dir);
    println!(
        "indexing: {n} stories in {:.2} s = {:.0} stories/s; {:.1} postings a story; database grew {:.1} MB = {:.0} bytes a story (index segments: {:.1} MB)",
        indexing.as_secs_f64(),
        n as f64 / indexing.as_secs_f64(),
        keys as f64 / n as f64,
        (after.saturating_sub(before)) as f64 / 1e6,
        after.saturating_sub(before) as f64 / n as f64,
        dir.map_or(0, |d| dir_size(&d.join("index"))) as f64 / 1e6,
    );

    // 3. A 60-passage post.
    let mut post = String::from("---\ndate: 2019-12-31\n---\n# A generated week\n\n");
    let mut expected = Vec::new();
    for k in 0..60 {
        let i = rng.random_range(0..n);
        let (_, text) = &texts[i];
        let outlet = &outlets[i % outlets.len()];
        let day = (base + chrono::Duration::minutes((i as i64) * 45 / 100)).date_naive();
        let words = rng.random_range(15..=50);
        let (passage, kind) = match k % 10 {
            0..=5 => (slice(text, &mut rng, words), "verbatim"),
            6 if k < 50 => {
                // One letter swapped in a long word.
                let p = slice(text, &mut rng, words);
                let mut ws: Vec<String> = p.split(' ').map(str::to_string).collect();
                if let Some(w) = ws.iter_mut().skip(3).find(|w| w.len() >= 6 && w.is_ascii()) {
                    let mut b = w.clone().into_bytes();
                    b.swap(2, 3);
                    *w = String::from_utf8(b).unwrap_or_default();
                }
                (ws.join(" "), "minor")
            }
            6 => (vocab.text(&mut rng, words).replace('\n', " "), "not_found"),
            7 if k < 60 => {
                let a = slice(text, &mut rng, 60);
                let ws: Vec<&str> = a.split(' ').collect();
                (
                    format!("{} ... {}", ws[..15].join(" "), ws[30..].join(" ")),
                    "verbatim (omission)",
                )
            }
            8 => {
                let p = slice(text, &mut rng, words);
                let mut ws: Vec<&str> = p.split(' ').collect();
                let mid = ws.len() / 2;
                ws[mid] = "replaced";
                (ws.join(" "), "altered")
            }
            _ => (vocab.text(&mut rng, words).replace('\n', " "), "not_found"),
        };
        expected.push(kind);
        post += &format!(
            "## {}\n\nAccording to Outlet {outlet}:\n\n> {passage}\n\n",
            day.format("%B %-d")
        );
    }
    let parsed = quotewire::post::parse(&post, quotewire::post::Format::Markdown, None)
        .expect("the generated post parses");
    let blocks = parsed
        .passages
        .iter()
        .filter(|p| p.marked == quotewire::post::Marked::Block)
        .count();
    // QW_BENCH_WAIT_FILE: the timed part waits until that file exists, so a long build can be
    // timed on a quiet machine.
    if let Ok(f) = std::env::var("QW_BENCH_WAIT_FILE") {
        println!("waiting for {f} before the timed verify");
        while !std::path::Path::new(&f).exists() {
            std::thread::sleep(Duration::from_secs(5));
        }
    }
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..5 {
        let t = Instant::now();
        let report = quotewire::verify::verify(&store, &config, &parsed).expect("verify");
        times.push(t.elapsed());
        last = Some(report);
    }
    let report = last.expect("ran");
    // Of which: the passage index lookups alone, and loading the candidates.
    let index = store.passages().expect("index");
    let queries: Vec<Vec<u64>> = parsed
        .passages
        .iter()
        .map(|p| quotewire::search::index::query(&quotewire::search::words::words(&p.text)))
        .collect();
    let t = Instant::now();
    let mut candidates = Vec::new();
    for q in &queries {
        let found = index.lookup_many(q, 2000).expect("lookup");
        candidates.extend(found.into_iter().flatten().flatten().take(10));
    }
    let lookups = t.elapsed();
    let t = Instant::now();
    let all: Vec<u64> = queries.iter().flatten().copied().collect();
    let _ = index.lookup_many(&all, 2000).expect("lookup");
    let one_lookup = t.elapsed();
    candidates.sort();
    candidates.dedup();
    let t = Instant::now();
    for id in &candidates {
        if let Some(s) = store.story(id).expect("story") {
            let _ = store.text(&s).expect("text");
        }
    }
    let loads = t.elapsed();
    let t = Instant::now();
    let batch = store.stories_by_id(&candidates).expect("stories");
    let _ = store.page_texts(&candidates).expect("texts");
    let batched = t.elapsed();
    println!(
        "  of which: {} index lookups {:.0} ms (all in one: {:.0} ms); {} candidate stories loaded one by one {:.0} ms, all at once {:.0} ms ({} found)",
        queries.len(),
        lookups.as_secs_f64() * 1000.0,
        one_lookup.as_secs_f64() * 1000.0,
        candidates.len(),
        loads.as_secs_f64() * 1000.0,
        batched.as_secs_f64() * 1000.0,
        batch.iter().flatten().count()
    );
    let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
    for p in report.passages.iter().filter(|p| p.marked == "block") {
        let s = serde_json::to_value(p.status)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        *counts.entry(s).or_default() += 1;
    }
    let mut want: std::collections::BTreeMap<&str, usize> = Default::default();
    for k in &expected {
        *want.entry(k).or_default() += 1;
    }
    let ms: Vec<String> = times
        .iter()
        .map(|t| format!("{:.0}", t.as_secs_f64() * 1000.0))
        .collect();
    let mut sorted = times.clone();
    sorted.sort();
    println!(
        "verify: a post of {blocks} block passages ({} passages in all) against {n} stories: {} ms (runs: {}; median {:.0} ms)",
        report.passages.len(),
        ms[0],
        ms.join(", "),
        sorted[2].as_secs_f64() * 1000.0
    );
    println!("  statuses found: {counts:?}");
    println!("  generated as:   {want:?}");
    store.close().expect("close");
}
