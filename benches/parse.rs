//! Parse throughput: how many MB/s of feed bytes quotewire turns into story identities.
//!
//! For each file, one run is quotewire's "parse and normalise" step of a fetch:
//! `parser::parse(bytes, None, None)`, then for every entry `story::identity` (with the feed
//! URL `https://bench.example/feed`) and `story::url::story_id` of its key. Each file is run
//! at least 3 times and until at least 1 s of run time has been spent (after one untimed
//! warm-up run, which also checks the file parses). MB means 10^6 bytes.
//!
//! Usage: `cargo bench --bench parse [-- FILE...]`. Without files it reads
//! `fixtures/feeds/*.xml` and `*.json`, plus the file named by `QUOTEWIRE_BENCH_FEED` if set
//! (bench/run.sh puts a 5,000-item feed from bench/gen_feed.py there).
//!
//! Output: JSON Lines on stdout, one object per file, with the fields of
//! bench/feedparser_bench.py plus `"tool": "quotewire"`:
//! `{"tool", "file", "bytes", "runs", "seconds_per_run", "mb_per_s", "entries"}`.
//! A file that does not parse gets `{"tool", "file", "bytes", "error"}` instead, and a note on
//! stderr; it is skipped, not timed.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use quotewire::parser;
use quotewire::story;
use serde::Serialize;

const MIN_RUNS: u32 = 3;
const MIN_TIME: Duration = Duration::from_secs(1);
const FEED_URL: &str = "https://bench.example/feed";

/// One run: parse, then identity and story id of every entry. Returns the entry count.
fn parse_and_normalise(bytes: &[u8]) -> Result<usize, parser::ParseError> {
    let feed = parser::parse(black_box(bytes), None, None)?;
    for entry in &feed.entries {
        if let Some((key, url)) = story::identity(entry, FEED_URL) {
            black_box(story::url::story_id(&key));
            black_box(url);
        }
    }
    Ok(black_box(feed).entries.len())
}

/// Files named on the command line, else the fixtures and `QUOTEWIRE_BENCH_FEED`.
fn files() -> std::io::Result<Vec<PathBuf>> {
    // `cargo bench` passes `--bench` (and any filter flags) to a harness-less bench.
    let named: Vec<PathBuf> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .map(PathBuf::from)
        .collect();
    if !named.is_empty() {
        return Ok(named);
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/feeds");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    files.retain(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("xml" | "json")));
    files.sort();
    if let Some(generated) = std::env::var_os("QUOTEWIRE_BENCH_FEED") {
        files.push(PathBuf::from(generated));
    }
    Ok(files)
}

/// One line of output, in feedparser_bench.py's field order.
#[derive(Serialize)]
struct Row {
    tool: &'static str,
    file: String,
    bytes: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    runs: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    seconds_per_run: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mb_per_s: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    entries: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

fn bench_one(path: &Path) -> std::io::Result<Row> {
    let bytes = std::fs::read(path)?;
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    if let Err(e) = parse_and_normalise(&bytes) {
        eprintln!("parse bench: skipping {}: {e}", path.display());
        return Ok(Row {
            tool: "quotewire",
            file: name,
            bytes: bytes.len(),
            runs: None,
            seconds_per_run: None,
            mb_per_s: None,
            entries: None,
            error: Some(e.to_string()),
        });
    }
    let mut runs = 0u32;
    let mut total = Duration::ZERO;
    let mut entries = 0;
    while runs < MIN_RUNS || total < MIN_TIME {
        let t0 = Instant::now();
        entries = parse_and_normalise(&bytes).expect("parsed in the warm-up run");
        total += t0.elapsed();
        runs += 1;
    }
    let per_run = total.as_secs_f64() / f64::from(runs);
    Ok(Row {
        tool: "quotewire",
        file: name,
        bytes: bytes.len(),
        runs: Some(runs),
        seconds_per_run: Some(per_run),
        mb_per_s: Some(bytes.len() as f64 / 1e6 / per_run),
        entries: Some(entries),
        error: None,
    })
}

fn main() -> ExitCode {
    let files = match files() {
        Ok(f) => f,
        Err(e) => {
            eprintln!("parse bench: cannot list the fixtures: {e}");
            return ExitCode::from(2);
        }
    };
    let mut status = ExitCode::SUCCESS;
    for path in &files {
        match bench_one(path) {
            Ok(row) => match serde_json::to_string(&row) {
                Ok(line) => println!("{line}"),
                Err(e) => {
                    eprintln!("parse bench: {e}");
                    status = ExitCode::FAILURE;
                }
            },
            Err(e) => {
                eprintln!("parse bench: cannot read {}: {e}", path.display());
                status = ExitCode::FAILURE;
            }
        }
    }
    status
}
