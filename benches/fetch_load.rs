//! Fetch load: wall time and peak memory of `quotewire fetch --all` over 1,000 slow feeds.
//!
//! The bench process serves 1,000 distinct RSS feeds (20 items each, generated in memory) from
//! an axum server listening on 100 loopback addresses, 127.0.1.1 to 127.0.1.100, one port.
//! Ten feeds live on each address, so quotewire's `per_host` limit does not cap the pass.
//! Every response, 200 or 304, is delayed by 50 ms; each feed has an `ETag`, and a matching
//! `If-None-Match` gets 304 Not Modified.
//!
//! It writes a feeds.toml (`concurrency = 32`, `per_host = 2`, `timeout = "30s"`, one outlet
//! per address, `fetch_articles = false`: this measures the feed stage, not story pages) into a
//! temporary directory and runs the release binary twice as a child,
//! under `/usr/bin/time -f "%M %U %S"` for its peak RSS and CPU time (beside which the machine's
//! busy time from `/proc/stat` shows what the database server and the rest took):
//! `quotewire --config T/feeds.toml --db T/db fetch --all`. Pass 1 finds 1,000 new feeds,
//! pass 2 gets 1,000 × 304. Each pass must exit 0 and report 1,000 feeds fetched.
//!
//! The ideal wall time is 1,000 × 50 ms ÷ 32 = 1.5625 s. Targets (issue "Ingest"): each pass
//! within 1.5 × ideal, the all-304 pass faster than the first, peak RSS under 150 MB
//! (MB = 10^6 bytes). Exit 0 when both passes ran correctly, whether or not the targets were
//! met (the report says which); 1 when a pass failed or miscounted; 2 when it could not start.
//!
//! Where PostgreSQL's server programs are installed (team mode, `QW_FETCH_LOAD_PG=0` skips
//! it): the same two passes on a throw-away cluster, then 4 `worker --once` processes started
//! together on a fresh database (all new), then the same 4 again once every feed is made due
//! (all 304: the queue's own cost, with no stories to store). The 4-worker ideal is 1,000 ×
//! 50 ms ÷ 128 slots = 0.39 s. `QW_PG_STATEMENTS=1`, with
//! `QW_PG_SERVER_OPTIONS="-c shared_preload_libraries=pg_stat_statements"`, prints the server's
//! time by statement over the all-304 run. For each crew the server's side is printed too:
//! when its first request came, how many were in flight on average from the first to the
//! last answer, and the tail (from the moment half the hosts had had their last answer).
//! `QW_FETCH_LOAD_LOG=DIR` writes every pass's requests (host, came, answered) to `DIR`.
//!
//! The binary is `$QUOTEWIRE_BIN`, else the `quotewire` that cargo built for this bench
//! (target/release/quotewire). Usage: `cargo bench --bench fetch_load`.

#[path = "../tests/support/pg.rs"]
mod pg;

use std::fmt::Write as _;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{Path as UrlPath, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::{TimeZone, Utc};
use tokio::net::TcpListener;
use tokio::sync::watch;

const FEEDS: usize = 1000;
const HOSTS: usize = 100;
const FEEDS_PER_HOST: usize = FEEDS / HOSTS;
const ITEMS: usize = 20;
const DELAY: Duration = Duration::from_millis(50);
const CONCURRENCY: usize = 32;
const PER_HOST: usize = 2;
/// Targets from the issue.
const MAX_RATIO: f64 = 1.5;
const MAX_RSS_MB: f64 = 150.0;

/// The address of host `h` (0-based): 127.0.1.(h + 1).
fn host_addr(h: usize) -> Ipv4Addr {
    Ipv4Addr::new(127, 0, 1, u8::try_from(h + 1).expect("at most 254 hosts"))
}

/// One served feed.
struct Feed {
    body: Bytes,
    etag: String,
    host: usize,
}

/// The server's feeds and what it saw.
struct Server {
    feeds: Vec<Feed>,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    host_in_flight: Vec<AtomicUsize>,
    max_host_in_flight: AtomicUsize,
    ok: AtomicUsize,
    not_modified: AtomicUsize,
    /// When the server started; the clock for `last_response_ns`.
    epoch: Instant,
    /// When the latest response was sent, in ns after `epoch`.
    last_response_ns: AtomicU64,
    /// Every request of the pass: its host, when it came and when it was answered (ns after
    /// `epoch`).
    log: std::sync::Mutex<Vec<(usize, u64, u64)>>,
    /// Passes whose log was taken.
    passes: AtomicUsize,
}

/// Requests counted by the server during one pass.
#[derive(Debug, Clone, Copy)]
struct ServerStats {
    ok: usize,
    not_modified: usize,
    max_in_flight: usize,
    max_host_in_flight: usize,
    /// When the last response went out.
    last_response: Instant,
    /// How full the slots were: see `Timeline`.
    timeline: Timeline,
}

/// The requests of one pass over time, from the server's side.
#[derive(Debug, Clone, Copy, Default)]
struct Timeline {
    /// From the first request to the last response, s.
    span: f64,
    /// Requests in flight on average over the span.
    mean_in_flight: f64,
    /// From the moment half the hosts had had their last answer to the last response, s:
    /// the tail spent on the other half, at most `per_host` at a time on each (a schedule
    /// that spreads its slots over every host has them all finish together).
    tail: f64,
    /// Hosts still asked in that tail.
    tail_hosts: usize,
    /// When the first request came, ns after the server's `epoch`.
    first_ns: u64,
}

impl Timeline {
    fn of(log: &[(usize, u64, u64)]) -> Timeline {
        let (Some(first), Some(last)) =
            (log.iter().map(|r| r.1).min(), log.iter().map(|r| r.2).max())
        else {
            return Timeline::default();
        };
        let span_ns = last.saturating_sub(first).max(1);
        let busy_ns: u64 = log.iter().map(|r| r.2.saturating_sub(r.1)).sum();
        let mut finished: Vec<(u64, usize)> = (0..HOSTS)
            .filter_map(|h| {
                log.iter()
                    .filter(|r| r.0 == h)
                    .map(|r| r.2)
                    .max()
                    .map(|end| (end, h))
            })
            .collect();
        finished.sort_unstable();
        let half = finished.len() / 2;
        let tail_start = finished.get(half).map_or(last, |f| f.0);
        let tail_hosts = finished.len() - half;
        Timeline {
            span: span_ns as f64 / 1e9,
            mean_in_flight: busy_ns as f64 / span_ns as f64,
            tail: last.saturating_sub(tail_start) as f64 / 1e9,
            tail_hosts,
            first_ns: first,
        }
    }
}

impl Server {
    fn take_stats(&self) -> ServerStats {
        let ns = self.last_response_ns.load(Ordering::SeqCst);
        let log = std::mem::take(&mut *self.log.lock().unwrap_or_else(|e| e.into_inner()));
        // QW_FETCH_LOAD_LOG=DIR: each pass's requests (host, came, answered; ns) as a file.
        if let Some(dir) = std::env::var_os("QW_FETCH_LOAD_LOG") {
            let n = self.passes.fetch_add(1, Ordering::SeqCst);
            let lines: String = log
                .iter()
                .map(|(h, a, b)| format!("{h} {a} {b}\n"))
                .collect();
            let _ = std::fs::write(Path::new(&dir).join(format!("pass{n}.txt")), lines);
        }
        ServerStats {
            timeline: Timeline::of(&log),
            last_response: self.epoch + Duration::from_nanos(ns),
            ok: self.ok.swap(0, Ordering::SeqCst),
            not_modified: self.not_modified.swap(0, Ordering::SeqCst),
            max_in_flight: self.max_in_flight.swap(0, Ordering::SeqCst),
            max_host_in_flight: self.max_host_in_flight.swap(0, Ordering::SeqCst),
        }
    }
}

/// Counts a request in flight until dropped.
struct InFlight<'a> {
    server: &'a Server,
    host: usize,
    came_ns: u64,
}

impl<'a> InFlight<'a> {
    fn enter(server: &'a Server, host: usize) -> Self {
        let n = server.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        server.max_in_flight.fetch_max(n, Ordering::SeqCst);
        let h = server.host_in_flight[host].fetch_add(1, Ordering::SeqCst) + 1;
        server.max_host_in_flight.fetch_max(h, Ordering::SeqCst);
        let came_ns = u64::try_from(server.epoch.elapsed().as_nanos()).unwrap_or(u64::MAX);
        InFlight {
            server,
            host,
            came_ns,
        }
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        let ns = u64::try_from(self.server.epoch.elapsed().as_nanos()).unwrap_or(u64::MAX);
        self.server.last_response_ns.fetch_max(ns, Ordering::SeqCst);
        if let Ok(mut log) = self.server.log.lock() {
            log.push((self.host, self.came_ns, ns));
        }
        self.server.in_flight.fetch_sub(1, Ordering::SeqCst);
        self.server.host_in_flight[self.host].fetch_sub(1, Ordering::SeqCst);
    }
}

/// `GET /feeds/{n}.xml`: feed n after 50 ms, or 304 if the client has its ETag.
async fn serve_feed(
    State(server): State<Arc<Server>>,
    UrlPath(file): UrlPath<String>,
    headers: HeaderMap,
) -> Response {
    let index = file
        .strip_suffix(".xml")
        .and_then(|n| n.parse::<usize>().ok())
        .filter(|&n| n < server.feeds.len());
    let Some(index) = index else {
        tokio::time::sleep(DELAY).await;
        return StatusCode::NOT_FOUND.into_response();
    };
    let feed = &server.feeds[index];
    let _in_flight = InFlight::enter(&server, feed.host);
    tokio::time::sleep(DELAY).await;
    let etag = feed.etag.as_str();
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == etag.as_bytes());
    if fresh {
        server.not_modified.fetch_add(1, Ordering::SeqCst);
        (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response()
    } else {
        server.ok.fetch_add(1, Ordering::SeqCst);
        (
            StatusCode::OK,
            [
                (header::CONTENT_TYPE, "application/rss+xml; charset=utf-8"),
                (header::ETAG, etag),
            ],
            feed.body.clone(),
        )
            .into_response()
    }
}

/// A small deterministic generator, so every feed's text differs but runs repeat.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn pick<'a>(&mut self, words: &[&'a str]) -> &'a str {
        words[(self.next() % words.len() as u64) as usize]
    }
}

const PLACES: &[&str] = &[
    "Baghdad", "Kirkuk", "Nasiriya", "Basra", "Karbala", "Najaf", "Mosul", "Erbil",
];
const SUBJECTS: &[&str] = &[
    "officials",
    "witnesses",
    "protesters",
    "diplomats",
    "analysts",
    "residents",
];
const VERBS: &[&str] = &[
    "described",
    "reported",
    "disputed",
    "confirmed",
    "questioned",
    "welcomed",
];
const OBJECTS: &[&str] = &[
    "the overnight strikes",
    "the new curfew",
    "the oilfield shutdown",
    "the embassy standoff",
    "the talks on troop levels",
    "the rocket attack",
];
const QUOTES: &[&str] = &[
    "We have waited too long for anyone to listen to us",
    "Nobody knows what will happen tomorrow",
    "The situation is under control, but we ask everyone to stay calm",
    "We will stay here until our demands are met",
];

fn sentence(rng: &mut Rng) -> String {
    format!(
        "In {}, {} {} {} on {} day of the week.",
        rng.pick(PLACES),
        rng.pick(SUBJECTS),
        rng.pick(VERBS),
        rng.pick(OBJECTS),
        ["the first", "the second", "the third", "the last"][(rng.next() % 4) as usize],
    )
}

/// RSS 2.0 text of feed `i` (on host `host`), with `ITEMS` items.
fn feed_xml(i: usize, host: usize) -> String {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ (i as u64 + 1).wrapping_mul(0x1000_0000_01b3));
    let domain = format!("www.news{}.example", host + 1);
    let newest = Utc
        .with_ymd_and_hms(2020, 1, 3, 12, 0, 0)
        .single()
        .expect("a valid date");
    let mut xml = String::with_capacity(16 * 1024);
    xml.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    xml.push_str(
        "<rss version=\"2.0\" \
         xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n<channel>\n",
    );
    let _ = writeln!(xml, "<title>Bench outlet {} feed {i}</title>", host + 1);
    let _ = writeln!(xml, "<link>https://{domain}/section/{i}/</link>");
    xml.push_str(
        "<description>Generated feed for the fetch load benchmark.</description>\n<ttl>30</ttl>\n",
    );
    for j in 0..ITEMS {
        let place = rng.pick(PLACES);
        let object = rng.pick(OBJECTS);
        let when = newest - chrono::Duration::minutes((j * 47 + i % 60) as i64);
        let _ = write!(
            xml,
            "<item>\n<title>{place}: {} {} {object} (feed {i}, item {j})</title>\n\
             <link>https://{domain}/news/{i}/{j}-{}</link>\n\
             <guid isPermaLink=\"false\">bench-{i}-{j}</guid>\n\
             <pubDate>{}</pubDate>\n<dc:creator>Reporter {}</dc:creator>\n\
             <category>{place}</category>\n<description>{}</description>\n\
             <content:encoded><![CDATA[<p>{} {}</p>\n\
             <p>\"{},\" said a resident of {place}.</p>\n<p>{}</p>]]></content:encoded>\n</item>\n",
            rng.pick(SUBJECTS),
            rng.pick(VERBS),
            place.to_ascii_lowercase(),
            when.to_rfc2822(),
            rng.next() % 50,
            sentence(&mut rng),
            sentence(&mut rng),
            sentence(&mut rng),
            rng.pick(QUOTES),
            sentence(&mut rng),
        );
    }
    xml.push_str("</channel>\n</rss>\n");
    xml
}

fn make_server() -> Server {
    let feeds = (0..FEEDS)
        .map(|i| {
            let host = i / FEEDS_PER_HOST;
            Feed {
                body: Bytes::from(feed_xml(i, host)),
                etag: format!("\"feed-{i}-v1\""),
                host,
            }
        })
        .collect();
    Server {
        feeds,
        in_flight: AtomicUsize::new(0),
        max_in_flight: AtomicUsize::new(0),
        host_in_flight: (0..HOSTS).map(|_| AtomicUsize::new(0)).collect(),
        max_host_in_flight: AtomicUsize::new(0),
        ok: AtomicUsize::new(0),
        not_modified: AtomicUsize::new(0),
        epoch: Instant::now(),
        last_response_ns: AtomicU64::new(0),
        log: std::sync::Mutex::new(Vec::new()),
        passes: AtomicUsize::new(0),
    }
}

/// One listener per host address, all on the same port (the first address picks it).
async fn bind_all() -> std::io::Result<(u16, Vec<TcpListener>)> {
    let mut last_error = None;
    for _attempt in 0..20 {
        let first = TcpListener::bind(SocketAddr::from((host_addr(0), 0))).await?;
        let port = first.local_addr()?.port();
        let mut listeners = vec![first];
        for h in 1..HOSTS {
            match TcpListener::bind(SocketAddr::from((host_addr(h), port))).await {
                Ok(l) => listeners.push(l),
                Err(e) => {
                    last_error = Some(e);
                    break;
                }
            }
        }
        if listeners.len() == HOSTS {
            return Ok((port, listeners));
        }
    }
    Err(last_error.unwrap_or_else(|| std::io::Error::other("no common port")))
}

fn feed_url(port: u16, i: usize) -> String {
    format!(
        "http://{}:{port}/feeds/{i}.xml",
        host_addr(i / FEEDS_PER_HOST)
    )
}

fn config_toml(port: u16) -> String {
    let mut toml = format!(
        "# Written by benches/fetch_load.rs.\n[fetch]\nconcurrency = {CONCURRENCY}\n\
         per_host = {PER_HOST}\ntimeout = \"30s\"\n"
    );
    for h in 0..HOSTS {
        let _ = write!(
            toml,
            "\n[[outlet]]\nid = \"h{}\"\nname = \"Bench host {}\"\n\
             domains = [\"news{}.example\"]\nfetch_articles = false\nfeeds = [\n",
            h + 1,
            h + 1,
            h + 1
        );
        for i in h * FEEDS_PER_HOST..(h + 1) * FEEDS_PER_HOST {
            let _ = writeln!(toml, "  \"{}\",", feed_url(port, i));
        }
        toml.push_str("]\n");
    }
    toml
}

/// The counts in quotewire's summary line:
/// "fetched F of C feeds: X changed, N not modified, U unchanged, E failed; stories: S new, ...".
#[derive(Debug, Default, Clone, Copy)]
struct Summary {
    fetched: usize,
    changed: usize,
    not_modified: usize,
    failed: usize,
    stories_new: usize,
    stories_updated: usize,
}

/// The number written just before `word` in `line`.
fn number_before(line: &str, word: &str) -> Option<usize> {
    let head = &line[..line.find(word)?];
    let start = head.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    head[start..].parse().ok()
}

/// The summary line, after the RFC 3339 time `fetch` starts each line with.
fn summary_line(stdout: &str) -> Option<&str> {
    stdout.lines().find_map(|l| {
        let (_, rest) = l.split_once(' ').filter(|(t, _)| t.contains('T'))?;
        rest.starts_with("fetched ").then_some(rest)
    })
}

fn parse_summary(stdout: &str) -> Option<Summary> {
    let line = summary_line(stdout)?;
    let (feeds, stories) = line.split_once("; stories:")?;
    Some(Summary {
        fetched: number_before(feeds, " of ")?,
        changed: number_before(feeds, " changed")?,
        not_modified: number_before(feeds, " not modified")?,
        failed: number_before(feeds, " failed")?,
        stories_new: number_before(stories, " new")?,
        stories_updated: number_before(stories, " updated")?,
    })
}

/// What one run of the binary did.
struct Pass {
    started: Instant,
    wall: Duration,
    peak_rss_kib: Option<u64>,
    /// The child's CPU time, user + system.
    cpu_s: Option<f64>,
    /// CPU time the whole machine spent busy meanwhile (the child, the PostgreSQL server, this
    /// bench's feed server, anything else running).
    machine_busy_s: Option<f64>,
    exit_ok: bool,
    stdout: String,
    stderr: String,
    summary: Option<Summary>,
}

fn run_pass(bin: &Path, dir: &Path, name: &str) -> std::io::Result<Pass> {
    run_on(
        bin,
        dir,
        name,
        dir.join("db").as_os_str(),
        &["fetch", "--all"],
    )
}

/// Runs `quotewire --config DIR/feeds.toml --db DB ARGS` under `/usr/bin/time`.
fn run_on(
    bin: &Path,
    dir: &Path,
    name: &str,
    db: &std::ffi::OsStr,
    command: &[&str],
) -> std::io::Result<Pass> {
    let time = Path::new("/usr/bin/time");
    let time_out = dir.join(format!("{name}.time"));
    let mut args: Vec<std::ffi::OsString> = vec![
        "--config".into(),
        dir.join("feeds.toml").into(),
        "--db".into(),
        db.into(),
    ];
    args.extend(command.iter().map(Into::into));
    let mut cmd = if time.exists() {
        let mut c = Command::new(time);
        c.arg("-f")
            .arg("%M %U %S")
            .arg("-o")
            .arg(&time_out)
            .arg(bin);
        c
    } else {
        eprintln!("fetch_load: /usr/bin/time is missing; peak RSS will not be measured");
        Command::new(bin)
    };
    cmd.args(args);
    let start = Instant::now();
    let busy_before = machine_busy();
    let out = cmd.output()?;
    let wall = start.elapsed();
    let machine_busy_s = machine_busy().zip(busy_before).map(|(a, b)| a - b);
    let timed: Vec<f64> = std::fs::read_to_string(&time_out)
        .ok()
        .and_then(|t| t.lines().last().map(str::to_string))
        .map(|l| {
            l.split_whitespace()
                .filter_map(|w| w.parse().ok())
                .collect()
        })
        .unwrap_or_default();
    let peak_rss_kib = timed.first().map(|k| *k as u64);
    let cpu_s = (timed.len() == 3).then(|| timed[1] + timed[2]);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    Ok(Pass {
        started: start,
        wall,
        peak_rss_kib,
        cpu_s,
        machine_busy_s,
        exit_ok: out.status.success(),
        summary: parse_summary(&stdout),
        stdout,
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    })
}

fn dir_size(path: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(path) else {
        return 0;
    };
    entries
        .filter_map(Result::ok)
        .map(|e| match e.metadata() {
            Ok(m) if m.is_dir() => dir_size(&e.path()),
            Ok(m) => m.len(),
            Err(_) => 0,
        })
        .sum()
}

fn binary() -> PathBuf {
    std::env::var_os("QUOTEWIRE_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_quotewire")))
}

fn mark(met: bool) -> &'static str {
    if met {
        "met"
    } else {
        "NOT MET"
    }
}

fn rss_mb(p: &Pass) -> Option<f64> {
    p.peak_rss_kib.map(|k| k as f64 * 1024.0 / 1e6)
}

/// Seconds of CPU time the machine has spent busy since boot (`/proc/stat`: all but idle and
/// iowait), `None` where there is no such file.
fn machine_busy() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let cpu: Vec<f64> = stat
        .lines()
        .next()?
        .split_whitespace()
        .skip(1)
        .filter_map(|w| w.parse().ok())
        .collect();
    let total: f64 = cpu.iter().take(8).sum();
    let idle = cpu.get(3)? + cpu.get(4)?;
    // USER_HZ is 100 on Linux whatever the kernel's tick.
    Some((total - idle) / 100.0)
}

/// "CPU: quotewire 2.9 s, the rest of the machine 9.1 s".
fn cpu_line(child: Option<f64>, machine: Option<f64>) -> String {
    match (child, machine) {
        (Some(c), Some(m)) => format!(
            "CPU: quotewire {c:.1} s, the rest of the machine {:.1} s (database server, feed server, others)",
            (m - c).max(0.0)
        ),
        (Some(c), None) => format!("CPU: quotewire {c:.1} s"),
        _ => "CPU: not measured".into(),
    }
}

fn describe(label: &str, p: &Pass, server: ServerStats, ideal: f64) -> String {
    let rss = rss_mb(p).map_or("unknown".to_string(), |m| format!("{m:.1} MB"));
    let network = network_secs(p, server);
    format!(
        "{label}: wall {:.3} s = {:.2} × ideal; peak RSS {rss}; exit {}\n  \
         server: {} × 200, {} × 304, at most {} in flight ({} per host); \
         last response {network:.3} s after the start, {:.3} s before the exit\n  \
         {}\n  \
         quotewire: {}",
        p.wall.as_secs_f64(),
        p.wall.as_secs_f64() / ideal,
        if p.exit_ok { "0" } else { "non-zero" },
        server.ok,
        server.not_modified,
        server.max_in_flight,
        server.max_host_in_flight,
        p.wall.as_secs_f64() - network,
        cpu_line(p.cpu_s, p.machine_busy_s),
        summary_line(&p.stdout).unwrap_or("(no summary line)"),
    )
}

/// Seconds from the start of the child to the server's last response.
fn network_secs(p: &Pass, server: ServerStats) -> f64 {
    server
        .last_response
        .saturating_duration_since(p.started)
        .as_secs_f64()
}

/// The problems with a pass, empty when it did what it should.
fn check(p: &Pass, want_changed: usize, want_not_modified: usize) -> Vec<String> {
    let mut problems = Vec::new();
    if std::env::var_os("RUST_LOG").is_some() {
        // Asked for quotewire's own logs (timings of its phases): show them.
        eprint!("{}", p.stderr);
    }
    if !p.exit_ok {
        problems.push("exit status was not 0".to_string());
    }
    match p.summary {
        None => problems.push("no \"fetched N of M feeds\" line in the output".to_string()),
        Some(s) => {
            if s.fetched != FEEDS || s.failed != 0 {
                problems.push(format!(
                    "fetched {} with {} failed, wanted {FEEDS} fetched",
                    s.fetched, s.failed
                ));
            }
            if s.changed != want_changed || s.not_modified != want_not_modified {
                problems.push(format!(
                    "{} changed and {} not modified, wanted {want_changed} and {want_not_modified}",
                    s.changed, s.not_modified
                ));
            }
        }
    }
    if !problems.is_empty() {
        problems.push(format!(
            "stdout:\n{}\nstderr:\n{}",
            p.stdout.trim_end(),
            p.stderr.trim_end()
        ));
    }
    problems
}

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("fetch_load: {e}");
            ExitCode::from(2)
        }
    }
}

/// Runs both passes; `Ok(false)` when a pass failed or miscounted.
fn run() -> Result<bool, Box<dyn std::error::Error>> {
    let bin = binary();
    if !bin.exists() {
        return Err(format!(
            "no quotewire binary at {}; run `cargo build --release` or set QUOTEWIRE_BIN",
            bin.display()
        )
        .into());
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;

    let server = Arc::new(make_server());
    let served_bytes: usize = server.feeds.iter().map(|f| f.body.len()).sum();
    let (port, listeners) = rt
        .block_on(bind_all())
        .map_err(|e| format!("cannot listen on 127.0.1.1-127.0.1.{HOSTS}: {e}"))?;
    let app = Router::new()
        .route("/feeds/{file}", get(serve_feed))
        .with_state(server.clone());
    let (stop, stopped) = watch::channel(false);
    let servers: Vec<_> = listeners
        .into_iter()
        .map(|listener| {
            let mut stopped = stopped.clone();
            let serve = axum::serve(listener, app.clone()).with_graceful_shutdown(async move {
                let _ = stopped.wait_for(|s| *s).await;
            });
            rt.spawn(async move { serve.await })
        })
        .collect();

    let dir = tempfile::Builder::new()
        .prefix("quotewire-fetch-load-")
        .tempdir()?;
    std::fs::write(dir.path().join("feeds.toml"), config_toml(port))?;

    let ideal = FEEDS as f64 * DELAY.as_secs_f64() / CONCURRENCY as f64;
    println!(
        "fetch load: {FEEDS} feeds ({ITEMS} items, {:.1} KB on average) on {HOSTS} loopback \
         hosts, port {port}; every response delayed {} ms",
        served_bytes as f64 / FEEDS as f64 / 1e3,
        DELAY.as_millis()
    );
    println!(
        "config: concurrency {CONCURRENCY}, per_host {PER_HOST}; \
         ideal wall = {FEEDS} × {} ms ÷ {CONCURRENCY} = {ideal:.4} s",
        DELAY.as_millis()
    );
    println!("binary: {}", bin.display());

    let pass1 = run_pass(&bin, dir.path(), "pass1")?;
    let stats1 = server.take_stats();
    let db_bytes = dir_size(&dir.path().join("db"));
    let pass2 = run_pass(&bin, dir.path(), "pass2")?;
    let stats2 = server.take_stats();
    let team = team_mode(&bin, dir.path(), &server)?;

    // Stop the servers and wait for them (bounded), then the runtime.
    let _ = stop.send(true);
    rt.block_on(async {
        for s in servers {
            let _ = tokio::time::timeout(Duration::from_secs(5), s).await;
        }
    });
    rt.shutdown_timeout(Duration::from_secs(1));

    println!("{}", describe("pass 1 (all new)", &pass1, stats1, ideal));
    println!("{}", describe("pass 2 (all 304)", &pass2, stats2, ideal));
    let stories = pass1.summary.map_or(0, |s| s.stories_new);
    println!(
        "stories: {stories} new in pass 1 (expected {}), {} new and {} updated in pass 2; \
         database {:.1} MB on disk after pass 1",
        FEEDS * ITEMS,
        pass2.summary.map_or(0, |s| s.stories_new),
        pass2.summary.map_or(0, |s| s.stories_updated),
        db_bytes as f64 / 1e6
    );

    let mut problems = check(&pass1, FEEDS, 0);
    problems.extend(check(&pass2, 0, FEEDS));
    if stories != FEEDS * ITEMS {
        problems.push(format!(
            "pass 1 stored {stories} new stories, wanted {}",
            FEEDS * ITEMS
        ));
    }
    if let Some(team) = &team {
        problems.extend(team.report(ideal));
    }
    for p in &problems {
        eprintln!("fetch_load: problem: {p}");
    }

    let (w1, w2) = (pass1.wall.as_secs_f64(), pass2.wall.as_secs_f64());
    let rss_ok = [&pass1, &pass2]
        .iter()
        .all(|p| rss_mb(p).is_some_and(|m| m < MAX_RSS_MB));
    println!(
        "targets: pass 1 ≤ {MAX_RATIO} × ideal: {} ({:.2}×); \
         pass 2 ≤ {MAX_RATIO} × ideal: {} ({:.2}×); \
         pass 2 faster than pass 1: {}; peak RSS < {MAX_RSS_MB} MB: {}",
        mark(w1 <= MAX_RATIO * ideal),
        w1 / ideal,
        mark(w2 <= MAX_RATIO * ideal),
        w2 / ideal,
        mark(w2 < w1),
        mark(rss_ok),
    );
    let json = serde_json::json!({
        "bench": "fetch_load",
        "team": team.as_ref().map(|t| t.json(ideal)),
        "feeds": FEEDS,
        "hosts": HOSTS,
        "items_per_feed": ITEMS,
        "delay_ms": DELAY.as_millis() as u64,
        "concurrency": CONCURRENCY,
        "per_host": PER_HOST,
        "ideal_s": ideal,
        "pass1_wall_s": w1,
        "pass1_ratio": w1 / ideal,
        "pass1_peak_rss_mb": rss_mb(&pass1),
        "pass1_max_in_flight": stats1.max_in_flight,
        "pass1_network_s": network_secs(&pass1, stats1),
        "pass2_wall_s": w2,
        "pass2_ratio": w2 / ideal,
        "pass2_peak_rss_mb": rss_mb(&pass2),
        "pass2_max_in_flight": stats2.max_in_flight,
        "pass2_network_s": network_secs(&pass2, stats2),
        "stories": stories,
        "db_mb": db_bytes as f64 / 1e6,
        "ok": problems.is_empty(),
    });
    println!("{json}");
    Ok(problems.is_empty())
}

/// The same feeds on PostgreSQL (team mode), in the same run: `fetch --all` twice, as above,
/// and then, into a fresh database, `WORKERS` `worker --once` processes started together,
/// twice: on all-new feeds, then (every feed made due again) on feeds that all answer 304.
struct Team {
    fetch1: (Pass, ServerStats),
    fetch2: (Pass, ServerStats),
    workers: Crew,
    again: Crew,
}

/// One run of `WORKERS` workers started together.
struct Crew {
    passes: Vec<Pass>,
    wall: Duration,
    /// From the start of the crew to the first request the server saw, s.
    first_request: f64,
    busy: Option<f64>,
    stats: ServerStats,
}

const WORKERS: usize = 4;

fn crew(bin: &Path, dir: &Path, server: &Server, url: &str, run: &str) -> std::io::Result<Crew> {
    let started = Instant::now();
    if std::env::var_os("RUST_LOG").is_some() {
        // Beside the workers' log lines, which have the same clock.
        eprintln!(
            "crew {run} starts at {}",
            chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
        );
    }
    let busy_before = machine_busy();
    let handles: Vec<_> = (0..WORKERS)
        .map(|w| {
            let (bin, dir, url) = (bin.to_path_buf(), dir.to_path_buf(), url.to_string());
            let name = format!("{run}{w}");
            std::thread::spawn(move || {
                run_on(
                    &bin,
                    &dir,
                    &name,
                    url.as_ref(),
                    &["worker", "--once", "--name", &name],
                )
            })
        })
        .collect();
    let mut passes = Vec::new();
    for h in handles {
        passes.push(
            h.join()
                .map_err(|_| std::io::Error::other("a worker thread panicked"))??,
        );
    }
    let wall = started.elapsed();
    let stats = server.take_stats();
    let first = server.epoch + Duration::from_nanos(stats.timeline.first_ns);
    Ok(Crew {
        first_request: first.saturating_duration_since(started).as_secs_f64(),
        wall,
        busy: machine_busy().zip(busy_before).map(|(a, b)| a - b),
        passes,
        stats,
    })
}

fn team_mode(bin: &Path, dir: &Path, server: &Server) -> std::io::Result<Option<Team>> {
    if std::env::var("QW_FETCH_LOAD_PG").is_ok_and(|v| v == "0") {
        println!("team mode: skipped (QW_FETCH_LOAD_PG=0)");
        return Ok(None);
    }
    let Some(cluster) = pg::Cluster::start() else {
        println!("team mode: skipped (no PostgreSQL here)");
        return Ok(None);
    };
    let url = cluster.create_db("fetch_load");
    let p1 = run_on(bin, dir, "pg1", url.as_ref(), &["fetch", "--all"])?;
    let s1 = server.take_stats();
    let p2 = run_on(bin, dir, "pg2", url.as_ref(), &["fetch", "--all"])?;
    let s2 = server.take_stats();
    let url = cluster.create_db("fetch_load_workers");
    // QW_PG_STATEMENTS=1 (with QW_PG_SERVER_OPTIONS="-c shared_preload_libraries=pg_stat_statements"):
    // the server's time by statement over the two crews' runs, printed at the end.
    let statements = std::env::var("QW_PG_STATEMENTS").is_ok_and(|v| v == "1");
    if statements {
        cluster.sql("fetch_load_workers", "CREATE EXTENSION pg_stat_statements");
    }
    let workers = crew(bin, dir, server, &url, "w")?;
    // Every feed due again (the workers have no `--all`): the second crew's pass is all 304s,
    // what the queue and the hosts' count cost when storing new stories does not dominate.
    cluster.sql("fetch_load_workers", "UPDATE feeds SET next_due = now()");
    if statements {
        cluster.sql("fetch_load_workers", "SELECT pg_stat_statements_reset()");
    }
    let again = crew(bin, dir, server, &url, "again")?;
    if statements {
        println!(
            "the server's time by statement, the all-304 crew:\n{}",
            cluster.sql(
                "fetch_load_workers",
                "SELECT calls, round(total_exec_time::numeric, 1) AS total_ms,
                        round(mean_exec_time::numeric, 3) AS mean_ms,
                        round(total_plan_time::numeric, 1) AS plan_ms,
                        left(regexp_replace(query, '\\s+', ' ', 'g'), 90) AS query
                 FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 20"
            )
        );
    }
    Ok(Some(Team {
        fetch1: (p1, s1),
        fetch2: (p2, s2),
        workers,
        again,
    }))
}

impl Team {
    /// The cluster's capacity for 4 workers: each worker's `concurrency`, capped by
    /// `per_host` on every host.
    fn workers_ideal() -> f64 {
        let slots = (WORKERS * CONCURRENCY).min(HOSTS * PER_HOST);
        FEEDS as f64 * DELAY.as_secs_f64() / slots as f64
    }

    /// Prints the figures; returns the problems.
    fn report(&self, ideal: f64) -> Vec<String> {
        println!(
            "{}",
            describe(
                "PostgreSQL fetch, pass 1 (all new)",
                &self.fetch1.0,
                self.fetch1.1,
                ideal
            )
        );
        println!(
            "{}",
            describe(
                "PostgreSQL fetch, pass 2 (all 304)",
                &self.fetch2.0,
                self.fetch2.1,
                ideal
            )
        );
        self.workers.print("all new", ideal);
        self.again.print("all 304", ideal);
        let mut problems = check(&self.fetch1.0, FEEDS, 0);
        problems.extend(check(&self.fetch2.0, 0, FEEDS));
        problems.extend(self.workers.check("all new", (FEEDS, 0)));
        problems.extend(self.again.check("all 304", (0, FEEDS)));
        problems
    }

    fn json(&self, ideal: f64) -> serde_json::Value {
        let (wall, again) = (
            self.workers.wall.as_secs_f64(),
            self.again.wall.as_secs_f64(),
        );
        serde_json::json!({
            "pg_pass1_wall_s": self.fetch1.0.wall.as_secs_f64(),
            "pg_pass1_ratio": self.fetch1.0.wall.as_secs_f64() / ideal,
            "pg_pass2_wall_s": self.fetch2.0.wall.as_secs_f64(),
            "pg_pass2_ratio": self.fetch2.0.wall.as_secs_f64() / ideal,
            "workers": WORKERS,
            "workers_wall_s": wall,
            "workers_ratio_single_ideal": wall / ideal,
            "workers_ideal_s": Self::workers_ideal(),
            "workers_ratio": wall / Self::workers_ideal(),
            "workers_requests": self.workers.stats.ok,
            "workers_max_host_in_flight": self.workers.stats.max_host_in_flight,
            "workers_304_wall_s": again,
            "workers_304_ratio": again / Self::workers_ideal(),
            "workers_304_max_host_in_flight": self.again.stats.max_host_in_flight,
            "pg_pass1_cpu_s": self.fetch1.0.cpu_s,
            "pg_pass1_machine_busy_s": self.fetch1.0.machine_busy_s,
            "workers_cpu_s": self.workers.cpu_s(),
            "workers_machine_busy_s": self.workers.busy,
            "workers_304_cpu_s": self.again.cpu_s(),
            "workers_304_machine_busy_s": self.again.busy,
        })
    }
}

impl Crew {
    fn cpu_s(&self) -> Option<f64> {
        self.passes.iter().map(|w| w.cpu_s).sum()
    }

    fn print(&self, what: &str, ideal: f64) {
        let wall = self.wall.as_secs_f64();
        let peak = self.passes.iter().filter_map(rss_mb).fold(0.0, f64::max);
        let s = self.stats;
        println!(
            "PostgreSQL, {WORKERS} workers (`worker --once`), {what}: wall {wall:.3} s = {:.2} × the single-pass ideal, \
             {:.2} × the {WORKERS}-worker ideal ({:.4} s); peak RSS {peak:.1} MB per worker\n  \
             server: {} × 200, {} × 304, at most {} in flight ({} per host)\n  \
             requests: the first {:.3} s after the start, first to last answer {:.3} s, \
             {:.1} in flight on average; the last {} hosts' tail {:.3} s, exit {:.3} s after the last\n  {}",
            wall / ideal,
            wall / Team::workers_ideal(),
            Team::workers_ideal(),
            s.ok,
            s.not_modified,
            s.max_in_flight,
            s.max_host_in_flight,
            self.first_request,
            s.timeline.span,
            s.timeline.mean_in_flight,
            s.timeline.tail_hosts,
            s.timeline.tail,
            wall - self.first_request - s.timeline.span,
            cpu_line(self.cpu_s(), self.busy),
        );
    }

    /// What went wrong, given the (200, 304) answers each feed should have had once.
    fn check(&self, what: &str, (ok, not_modified): (usize, usize)) -> Vec<String> {
        let s = self.stats;
        let mut problems = Vec::new();
        if std::env::var_os("RUST_LOG").is_some() {
            for (w, p) in self.passes.iter().enumerate() {
                eprintln!("{what}, worker {w}:\n{}", p.stderr);
            }
        }
        if (s.ok, s.not_modified) != (ok, not_modified) {
            problems.push(format!(
                "{what}: the workers had {} × 200 and {} × 304, wanted {ok} and {not_modified} (each feed once)",
                s.ok, s.not_modified
            ));
        }
        if s.max_host_in_flight > PER_HOST {
            problems.push(format!(
                "{what}: {} requests in flight to one host, over per_host",
                s.max_host_in_flight
            ));
        }
        if self.passes.iter().any(|w| !w.exit_ok) {
            problems.push(format!("{what}: a worker did not exit 0"));
        }
        problems
    }
}
