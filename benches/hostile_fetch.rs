//! A pathological fetch pass, and readers beside it: wall time and peak memory of
//! `quotewire fetch --all`, and how long readers wait for the database meanwhile.
//!
//! The bench serves, from an axum server on 127.0.0.1, four feeds: three good ones (20 items
//! each, linking to generated article pages of a few paragraphs) and one of 52,000 entries
//! (about 15 MB). One good feed also links to hostile pages: three pages of 10 MiB of `<`, one
//! of 100,000 nested `<div>`, one of 40,000 identical quote paragraphs and one of 10 MiB of
//! text on one line. It runs the release binary under `/usr/bin/time -f %M` (peak RSS), and
//! while it runs, a loop of readers, `quotewire --lock-wait 10 quotes --since all --json`, each
//! timed from start to exit. A reader's wait is its time beyond the median reader time once
//! the pass is over (the same command, no fetch beside it).
//!
//! Targets (issue "Hostile input"): readers never wait more than 2 s; peak memory of the pass
//! within 10 × its largest input + 100 MB for each parse that may run at once (one per core)
//! (MB = 10^6 bytes); every good story stored. `QW_READERS=0` runs the pass alone;
//! `QW_SHOW_LOG=1` prints its log. Exit 0
//! when the pass ran and was counted, whether or not the targets were met (the report says
//! which); 1 when the pass failed to store the good stories; 2 when it could not start.
//!
//! The binary is `$QUOTEWIRE_BIN`, else target/release/quotewire. Usage:
//! `cargo bench --bench hostile_fetch`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{Path as UrlPath, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

const MIB: usize = 1024 * 1024;
const GOOD_FEEDS: usize = 3;
const ITEMS: usize = 20;
const MAX_READER_WAIT: Duration = Duration::from_secs(2);

type Bodies = Arc<HashMap<String, (&'static str, Bytes)>>;

async fn serve(State(bodies): State<Bodies>, UrlPath(name): UrlPath<String>) -> Response {
    match bodies.get(&name) {
        Some((ct, body)) => {
            (StatusCode::OK, [(header::CONTENT_TYPE, *ct)], body.clone()).into_response()
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

fn item(title: &str, link: &str) -> String {
    format!(
        "<item><title>{title}</title><link>{link}</link>\
         <pubDate>Thu, 02 Jan 2020 10:00:00 GMT</pubDate><description>A teaser.</description></item>\n"
    )
}

fn rss(title: &str, items: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>{title}</title>\
         <link>https://bench.example/</link>{items}</channel></rss>"
    )
}

fn page(n: usize) -> String {
    let paras: String = (0..8)
        .map(|p| {
            format!(
                "<p>“Talks in round {n} went on until late on Thursday and will resume in part {p},” \
                 a spokesman for the ministry said, adding that officials from both sides had \
                 agreed to meet again next week in Baghdad.</p>"
            )
        })
        .collect();
    format!("<!DOCTYPE html><html><head><title>Story {n}</title></head><body><article><h1>Story {n}</h1>{paras}</article></body></html>")
}

/// Every body the server holds, by name, and the size of the largest.
fn bodies(base: &str) -> (HashMap<String, (&'static str, Bytes)>, usize) {
    let mut b: HashMap<String, (&'static str, Bytes)> = HashMap::new();
    let html = "text/html; charset=utf-8";
    let xml = "application/rss+xml";
    let hostile: Vec<(&str, String)> = vec![
        ("lt-1.html", "<".repeat(10 * MIB)),
        ("lt-2.html", "<".repeat(10 * MIB)),
        ("lt-3.html", "<".repeat(10 * MIB)),
        (
            "nested.html",
            format!(
                "<html><body>{}x{}</body></html>",
                "<div>".repeat(100_000),
                "</div>".repeat(100_000)
            ),
        ),
        (
            "quotes.html",
            format!(
                "<html><body><article>{}</article></body></html>",
                "<p>“We will not allow this to happen again and again.”</p>\n".repeat(40_000)
            ),
        ),
        (
            "one-line.html",
            format!(
                "<html><body><p>{}</p></body></html>",
                "word said “yes” he ".repeat(10 * MIB / 19)
            ),
        ),
    ];
    let mut largest = 0;
    for f in 0..GOOD_FEEDS {
        let mut items = String::new();
        for i in 0..ITEMS {
            let name = format!("p{f}-{i}.html");
            items += &item(&format!("Good story {f}-{i}"), &format!("{base}/{name}"));
            b.insert(name, (html, Bytes::from(page(f * ITEMS + i))));
        }
        if f == 0 {
            for (name, _) in &hostile {
                items += &item(&format!("Hostile {name}"), &format!("{base}/{name}"));
            }
        }
        b.insert(
            format!("good-{f}.xml"),
            (xml, Bytes::from(rss(&format!("Good {f}"), &items))),
        );
    }
    for (name, body) in hostile {
        largest = largest.max(body.len());
        b.insert(name.to_string(), (html, Bytes::from(body)));
    }
    let many: String = (0..52_000)
        .map(|i| {
            format!(
                "<item><title>Entry {i} about the talks in Baghdad and what was said there</title>\
                 <link>https://bench.example/e/{i}</link><guid>e{i}</guid>\
                 <description>&lt;p&gt;A teaser for entry {i}, a few words about the talks.&lt;/p&gt;</description></item>\n"
            )
        })
        .collect();
    let many = rss("Long feed", &many);
    largest = largest.max(many.len());
    b.insert("many.xml".into(), (xml, Bytes::from(many)));
    (b, largest)
}

fn binary() -> PathBuf {
    std::env::var_os("QUOTEWIRE_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/quotewire"))
}

/// Runs one reader; its wall time and exit code.
fn reader(bin: &Path, config: &Path, db: &Path) -> (Duration, i32) {
    let start = Instant::now();
    let out = Command::new(bin)
        .arg("--config")
        .arg(config)
        .arg("--db")
        .arg(db)
        .args(["--lock-wait", "10", "quotes", "--since", "all", "--json"])
        .output();
    let code = out.map_or(-1, |o| o.status.code().unwrap_or(-1));
    (start.elapsed(), code)
}

fn main() -> ExitCode {
    let bin = binary();
    if !bin.exists() {
        eprintln!(
            "no binary at {}: run `cargo build --release` first, or set QUOTEWIRE_BIN",
            bin.display()
        );
        return ExitCode::from(2);
    }
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cannot start a runtime: {e}");
            return ExitCode::from(2);
        }
    };
    let listener = match rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("cannot listen: {e}");
            return ExitCode::from(2);
        }
    };
    let addr = listener
        .local_addr()
        .expect("a bound listener has an address");
    let base = format!("http://{addr}/b");
    let (bodies, largest) = bodies(&base);
    let bodies: Bodies = Arc::new(bodies);
    let app = Router::new()
        .route("/b/{name}", get(serve))
        .with_state(bodies);
    rt.spawn(async move {
        let _ = axum::serve(listener, app).await;
    });

    let dir = tempfile::tempdir().expect("temp dir");
    let config = dir.path().join("feeds.toml");
    let db = dir.path().join("db");
    let feeds: Vec<String> = (0..GOOD_FEEDS)
        .map(|f| format!("\"{base}/good-{f}.xml\""))
        .collect();
    // The long feed's entries link to a name that does not resolve here: their pages are not
    // fetched (this measures the feed, not 1,000 DNS failures).
    let toml = format!(
        "[fetch]\nmax_body = \"15 MiB\"\n\n[[outlet]]\nid = \"bench\"\nname = \"Bench\"\ndomains = [\"bench.local\"]\nfeeds = [{}]\nfetch_articles = true\n\n\
         [[outlet]]\nid = \"long\"\nname = \"Long\"\ndomains = [\"bench.example\"]\nfeeds = [\"{base}/many.xml\"]\nfetch_articles = false\n",
        feeds.join(", ")
    );
    std::fs::write(&config, toml).expect("write feeds.toml");

    // The pass, under /usr/bin/time for its peak RSS, with readers beside it.
    let with_readers = std::env::var("QW_READERS").map_or(true, |v| v != "0");
    let done = Arc::new(AtomicBool::new(!with_readers));
    let waits: Arc<Mutex<Vec<(Duration, i32)>>> = Arc::default();
    let readers = {
        let (done, waits, bin, config, db) = (
            done.clone(),
            waits.clone(),
            bin.clone(),
            config.clone(),
            db.clone(),
        );
        std::thread::spawn(move || {
            while !done.load(Ordering::SeqCst) {
                if db.exists() {
                    let r = reader(&bin, &config, &db);
                    waits.lock().expect("waits").push(r);
                } else {
                    std::thread::sleep(Duration::from_millis(20));
                }
            }
        })
    };
    let start = Instant::now();
    let out = Command::new("/usr/bin/time")
        .args(["-f", "%M"])
        .arg(&bin)
        .arg("--config")
        .arg(&config)
        .arg("--db")
        .arg(&db)
        .args(["fetch", "--all", "--json"])
        .env(
            "RUST_LOG",
            std::env::var("RUST_LOG").unwrap_or_else(|_| "warn".into()),
        )
        .output();
    let wall = start.elapsed();
    done.store(true, Ordering::SeqCst);
    let _ = readers.join();
    let out = match out {
        Ok(o) => o,
        Err(e) => {
            eprintln!("cannot run /usr/bin/time: {e}");
            return ExitCode::from(2);
        }
    };
    let stderr = String::from_utf8_lossy(&out.stderr);
    if std::env::var_os("QW_SHOW_LOG").is_some() {
        eprintln!("{stderr}");
    }
    let rss_kb: f64 = stderr
        .lines()
        .last()
        .and_then(|l| l.trim().parse().ok())
        .unwrap_or(f64::NAN);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();

    // Readers alone, for the baseline.
    let mut alone: Vec<Duration> = (0..5).map(|_| reader(&bin, &config, &db).0).collect();
    alone.sort();
    let baseline = alone[alone.len() / 2];
    let waits = waits.lock().expect("waits").clone();
    let worst = waits.iter().map(|(d, _)| *d).max().unwrap_or_default();
    let gave_up = waits.iter().filter(|(_, c)| *c == 2).count();
    let worst_wait = worst.saturating_sub(baseline);

    let stored = report["stories_new"].as_u64().unwrap_or(0);
    let want = (GOOD_FEEDS * ITEMS + 6 + 1000) as u64;
    let rss_mb = rss_kb * 1024.0 / 1e6;
    // At most one parse per core runs at a time (`ingest`'s CPU slots): the bound is that
    // many of the largest input's.
    let slots = std::thread::available_parallelism().map_or(2, |n| n.get());
    let bound_mb = 10.0 * (slots * largest) as f64 / 1e6 + 100.0;
    println!(
        "## Readers beside a pathological fetch ({})",
        chrono::Utc::now().format("%Y-%m-%d")
    );
    println!();
    println!("| measure | value | target |");
    println!("|---|---|---|");
    println!("| fetch wall time | {:.2} s | |", wall.as_secs_f64());
    println!(
        "| fetch exit code | {} | |",
        out.status.code().unwrap_or(-1)
    );
    println!("| stories stored | {stored} | {want} |");
    println!(
        "| pages cut to the limits | {} | |",
        report["limited"].as_array().map_or(0, Vec::len)
    );
    println!(
        "| pages broken (panic, deadline) | {} | 0 |",
        report["pages_broken"].as_array().map_or(0, Vec::len)
    );
    println!(
        "| fetch peak RSS | {rss_mb:.0} MB | ≤ {bound_mb:.0} MB (10 × {slots} parses × {:.1} MB + 100) |",
        largest as f64 / 1e6
    );
    println!("| readers run during the pass | {} | |", waits.len());
    println!("| readers that gave up (exit 2) | {gave_up} | 0 |");
    println!(
        "| reader alone (median of 5) | {:.3} s | |",
        baseline.as_secs_f64()
    );
    println!(
        "| slowest reader during the pass | {:.3} s | |",
        worst.as_secs_f64()
    );
    println!(
        "| longest wait for the database | {:.3} s | ≤ {} s {} |",
        worst_wait.as_secs_f64(),
        MAX_READER_WAIT.as_secs(),
        if worst_wait <= MAX_READER_WAIT {
            "met"
        } else {
            "NOT met"
        }
    );
    if stored < want {
        eprintln!(
            "the pass stored {stored} stories, {want} expected: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}
