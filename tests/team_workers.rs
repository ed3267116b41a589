//! Team mode's fetch workers end to end: real `quotewire worker` processes against one
//! throw-away PostgreSQL cluster (`support::pg`) and 1,000 feeds on 20 loopback hosts
//! (127.0.0.1 to 127.0.0.20, one server each, every answer 50 ms late). The servers count what
//! they are asked, and how many requests each host has in flight at once.
//!
//! - Four workers at once: every feed fetched once, every story stored once, never more than
//!   `per_host` requests in flight to one host across all of them.
//! - The same with the stories' pages on the feeds' hosts: every page fetched once, feeds and
//!   pages together within `per_host` on each host.
//! - `fetch` on PostgreSQL claims as a worker does: two fetches and a worker at once share the
//!   feeds, each fetched once; a later fetch finds nothing due; `fetch --all --outlet` takes
//!   that outlet's feeds once more and no others.
//! - A worker killed with SIGKILL mid-round: after its leases run out, the others do its feeds;
//!   every feed is completed exactly once.

mod support;

use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Path as UrlPath, State};
use axum::http::{header, HeaderMap};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use quotewire::store::pg::PgStore;
use support::pg::Cluster;
use support::Home;

const HOSTS: usize = 20;
const PER_HOST: usize = 2;

#[derive(Default)]
struct Seen {
    hits: HashMap<String, usize>,
    in_flight: HashMap<String, usize>,
    most_in_flight: HashMap<String, usize>,
    /// Requests in flight to all hosts, now and at most.
    all_in_flight: usize,
    most_all_in_flight: usize,
}

type Shared = Arc<(Mutex<Seen>, Duration)>;

/// Counts a request to `host` for `what` while `answer` runs, then answers.
async fn counted<T>(
    shared: &Shared,
    headers: &HeaderMap,
    what: &str,
    answer: impl FnOnce(&str) -> T,
) -> T {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("")
        .to_string();
    {
        let mut seen = shared.0.lock().unwrap();
        *seen.hits.entry(format!("{host}/{what}")).or_default() += 1;
        let now = {
            let n = seen.in_flight.entry(host.clone()).or_default();
            *n += 1;
            *n
        };
        let most = seen.most_in_flight.entry(host.clone()).or_default();
        *most = (*most).max(now);
        seen.all_in_flight += 1;
        seen.most_all_in_flight = seen.most_all_in_flight.max(seen.all_in_flight);
    }
    tokio::time::sleep(shared.1).await;
    {
        let mut seen = shared.0.lock().unwrap();
        *seen.in_flight.entry(host.clone()).or_default() -= 1;
        seen.all_in_flight -= 1;
    }
    answer(&host)
}

/// A small RSS feed, one story of its own, linked at `link` (`{id}` replaced).
fn rss(id: &str, link: &str) -> String {
    let link = link.replace("{id}", id);
    format!(
        r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {id}</title><link>https://wire.example/</link><description>d</description>
<item><title>Story {id}</title><link>{link}</link><guid>story-{id}</guid><pubDate>Fri, 27 Dec 2019 10:00:00 GMT</pubDate><description>The council met on Friday about item {id}.</description></item>
</channel></rss>"#
    )
}

/// What the servers answer, by the path's first part: `/feed/N.xml`, a feed whose story's page
/// is elsewhere (not fetched); `/paged/N.xml`, a feed whose story's page is on the same host;
/// `/page/N`, that page, with more text than its feed gives.
async fn answer(
    State(shared): State<Shared>,
    headers: HeaderMap,
    UrlPath((kind, name)): UrlPath<(String, String)>,
) -> impl IntoResponse {
    let what = if kind == "feed" {
        name.clone()
    } else {
        format!("{kind}/{name}")
    };
    let (kind, body) = counted(&shared, &headers, &what, |host| {
        let id = name.trim_end_matches(".xml");
        match kind.as_str() {
            "page" => (
                "text/html; charset=utf-8",
                format!(
                    "<!doctype html><html><head><title>Story {id}</title></head><body><article>\
                     <h1>Story {id}</h1><p>The council met on Friday about item {id}, and its \
                     members argued for most of the afternoon about the cost of the new \
                     bridge.</p><p>\"We will not sign a blank cheque,\" the council's treasurer \
                     said after the vote on item {id}, which passed by a single voice.</p>\
                     </article></body></html>"
                ),
            ),
            "paged" => (
                "application/rss+xml",
                rss(id, &format!("http://{host}/page/{{id}}")),
            ),
            _ => (
                "application/rss+xml",
                rss(id, "https://wire.example/story/{id}"),
            ),
        }
    })
    .await;
    ([(header::CONTENT_TYPE, kind)], body)
}

/// One server on each of 127.0.0.1 .. 127.0.0.HOSTS; returns their addresses.
fn servers(shared: Shared) -> Vec<std::net::SocketAddr> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            let mut addrs = Vec::new();
            for i in 1..=HOSTS {
                let listener = tokio::net::TcpListener::bind(format!("127.0.0.{i}:0"))
                    .await
                    .expect("bind a loopback address");
                addrs.push(listener.local_addr().expect("addr"));
                let app = Router::new()
                    .route("/{kind}/{name}", get(answer))
                    .with_state(shared.clone());
                tokio::spawn(async move { axum::serve(listener, app).await });
            }
            tx.send(addrs).expect("send");
            std::future::pending::<()>().await;
        });
    });
    rx.recv().expect("server addresses")
}

/// feeds.toml: one outlet per host, `feeds` feeds spread over the hosts.
fn config(addrs: &[std::net::SocketAddr], feeds: usize) -> String {
    config_of(addrs, feeds, false)
}

/// `config`, the stories' pages fetched from the feeds' hosts if `pages`.
fn config_of(addrs: &[std::net::SocketAddr], feeds: usize, pages: bool) -> String {
    let mut toml = format!("[fetch]\nper_host = {PER_HOST}\nconcurrency = 16\n\n");
    for (h, addr) in addrs.iter().enumerate() {
        let urls: Vec<String> = (0..feeds)
            .filter(|i| i % addrs.len() == h)
            .map(|i| {
                if pages {
                    format!("http://{addr}/paged/{i}.xml")
                } else {
                    format!("http://{addr}/feed/{i}.xml")
                }
            })
            .collect();
        let (id, domain) = (format!("host{h}"), format!("host{h}.example"));
        toml.push_str(&if pages {
            support::outlet_with_pages(&id, &[&domain], &urls)
        } else {
            support::outlet(&id, &[&domain], &urls)
        });
    }
    toml
}

fn worker(home: &Home, url: &str, extra: &[&str]) -> Child {
    let args: Vec<&str> = std::iter::once("worker")
        .chain(extra.iter().copied())
        .collect();
    spawn(home, url, &args)
}

/// `quotewire --config … --db URL ARGS…`, started.
fn spawn(home: &Home, url: &str, args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_quotewire"))
        .current_dir(home.dir.path())
        .arg("--config")
        .arg(home.config_path())
        .arg("--db")
        .arg(url)
        .args(args)
        .env_remove("QUOTEWIRE_CONFIG")
        .env_remove("QUOTEWIRE_DB")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start a worker")
}

fn finish(child: Child) -> (i32, String) {
    let out = child.wait_with_output().expect("worker ends");
    (
        out.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

fn completions(url: &str) -> Vec<(String, i64)> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(async {
            let pg = PgStore::connect(url, 1).await.expect("connect");
            pg.fetch_counts().await.expect("counts")
        })
}

fn story_count(home: &Home, url: &str) -> usize {
    let out = support::run_in(
        home.dir.path(),
        &home.config_path(),
        std::path::Path::new(url),
        &["stories", "--since", "all", "--json"],
    );
    support::json_lines(&out).len()
}

#[test]
fn four_workers_fetch_every_feed_once_within_the_per_host_limit() {
    let Some(cluster) = Cluster::start() else {
        return;
    };
    let shared: Shared = Arc::new((Mutex::default(), Duration::from_millis(50)));
    let addrs = servers(shared.clone());
    let home = Home::new();
    home.write_config(&config(&addrs, 1000));
    let url = cluster.create_db("workers");
    let started = Instant::now();
    let workers: Vec<Child> = (0..4)
        .map(|i| {
            worker(
                &home,
                &url,
                &[
                    "--once",
                    "--batch",
                    "20",
                    "--name",
                    &format!("w{i}"),
                    "--json",
                ],
            )
        })
        .collect();
    for w in workers {
        let (code, said) = finish(w);
        assert_eq!(code, 0, "{said}");
    }
    let wall = started.elapsed();
    let seen = shared.0.lock().unwrap();
    assert_eq!(seen.hits.len(), 1000, "every feed asked for");
    let twice: Vec<_> = seen.hits.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "fetched more than once: {twice:?}");
    let most = seen.most_in_flight.values().copied().max().unwrap_or(0);
    assert!(most <= PER_HOST, "{most} requests in flight to one host");
    assert_eq!(
        most, PER_HOST,
        "the limit is reached, so the workers share the hosts"
    );
    drop(seen);
    let done = completions(&url);
    assert_eq!(done.len(), 1000);
    assert!(
        done.iter().all(|(_, n)| *n == 1),
        "each feed completed once"
    );
    assert_eq!(story_count(&home, &url), 1000, "each story stored once");
    eprintln!("1,000 feeds, 4 workers: {wall:?}");
}

#[test]
fn four_workers_fetch_every_page_once_with_the_feeds_within_the_per_host_limit() {
    let Some(cluster) = Cluster::start() else {
        return;
    };
    let shared: Shared = Arc::new((Mutex::default(), Duration::from_millis(50)));
    let addrs = servers(shared.clone());
    let home = Home::new();
    home.write_config(&config_of(&addrs, 200, true));
    let url = cluster.create_db("pages");
    let workers: Vec<Child> = (0..4)
        .map(|i| {
            worker(
                &home,
                &url,
                &[
                    "--once",
                    "--batch",
                    "8",
                    "--name",
                    &format!("p{i}"),
                    "--json",
                ],
            )
        })
        .collect();
    let mut fetched = 0;
    for w in workers {
        let (code, said) = finish(w);
        assert_eq!(code, 0, "{said}");
        for line in said.lines().filter(|l| l.starts_with('{')) {
            let round: serde_json::Value = serde_json::from_str(line).expect("json line");
            fetched += round["report"]["articles_fetched"].as_u64().unwrap();
        }
    }
    let seen = shared.0.lock().unwrap();
    let asked = |kind: &str| seen.hits.iter().filter(|(k, _)| k.contains(kind)).count();
    assert_eq!(asked("/paged/"), 200, "every feed asked for");
    assert_eq!(asked("/page/"), 200, "every story's page asked for");
    let twice: Vec<_> = seen.hits.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "asked more than once: {twice:?}");
    let most = seen.most_in_flight.values().copied().max().unwrap_or(0);
    assert!(
        most <= PER_HOST,
        "{most} requests (feeds and pages) in flight to one host"
    );
    drop(seen);
    assert_eq!(fetched, 200, "the workers say they fetched every page");
    let stories = {
        let out = support::run_in(
            home.dir.path(),
            &home.config_path(),
            std::path::Path::new(&url),
            &["stories", "--since", "all", "--json"],
        );
        support::json_lines(&out)
    };
    assert_eq!(stories.len(), 200, "each story stored once");
    let from_page = stories
        .iter()
        .filter(|s| s["text_source"] == "article")
        .count();
    assert_eq!(
        from_page,
        200,
        "every story has its page's text: {:?}",
        stories.first()
    );
}

#[test]
fn a_worker_claims_until_its_concurrency_is_in_flight() {
    let Some(cluster) = Cluster::start() else {
        return;
    };
    let shared: Shared = Arc::new((Mutex::default(), Duration::from_millis(100)));
    let addrs = servers(shared.clone());
    let home = Home::new();
    // concurrency 16, on 20 hosts of 2 requests each: claims of 2 at a time fill 16 slots.
    home.write_config(&config(&addrs, 100));
    let url = cluster.create_db("fill");
    let w = worker(&home, &url, &["--once", "--batch", "2", "--name", "w"]);
    let (code, said) = finish(w);
    assert_eq!(code, 0, "{said}");
    let seen = shared.0.lock().unwrap();
    assert_eq!(seen.hits.len(), 100, "every feed asked for");
    assert!(
        seen.most_all_in_flight >= 12,
        "claims of 2 kept only {} of 16 slots busy",
        seen.most_all_in_flight
    );
    assert!(seen.most_all_in_flight <= 16, "over the concurrency");
}

#[test]
fn a_worker_killed_mid_round_loses_nothing() {
    let Some(cluster) = Cluster::start() else {
        return;
    };
    let shared: Shared = Arc::new((Mutex::default(), Duration::from_millis(300)));
    let addrs = servers(shared.clone());
    let home = Home::new();
    home.write_config(&config(&addrs, 200));
    let url = cluster.create_db("killed");
    let lease = 4;
    let mut doomed = worker(
        &home,
        &url,
        &[
            "--batch",
            "40",
            "--lease",
            &lease.to_string(),
            "--name",
            "doomed",
        ],
    );
    // Kill it once it is fetching.
    let deadline = Instant::now() + Duration::from_secs(60);
    while shared.0.lock().unwrap().hits.len() < 5 {
        assert!(
            Instant::now() < deadline,
            "the worker never started fetching"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    doomed.kill().expect("SIGKILL");
    let _ = doomed.wait();
    let asked_before: usize = shared.0.lock().unwrap().hits.len();
    assert!(asked_before < 200, "killed mid-round, not after");
    // Its leases run out; then three workers do what is left, its feeds included.
    std::thread::sleep(Duration::from_secs(lease + 1));
    let workers: Vec<Child> = (0..3)
        .map(|i| worker(&home, &url, &["--once", "--name", &format!("w{i}")]))
        .collect();
    for w in workers {
        let (code, said) = finish(w);
        assert_eq!(code, 0, "{said}");
    }
    let done = completions(&url);
    assert_eq!(done.len(), 200);
    let not_once: Vec<_> = done.iter().filter(|(_, n)| *n != 1).collect();
    assert!(
        not_once.is_empty(),
        "completed other than once: {not_once:?}"
    );
    assert_eq!(story_count(&home, &url), 200, "each story stored once");
    let seen = shared.0.lock().unwrap();
    assert_eq!(seen.hits.len(), 200);
    assert!(
        seen.hits.values().all(|n| *n <= 2),
        "a feed is asked again only if the killed worker had asked for it"
    );
}

#[test]
fn fetches_and_a_worker_at_once_share_the_feeds() {
    let Some(cluster) = Cluster::start() else {
        return;
    };
    let shared: Shared = Arc::new((Mutex::default(), Duration::from_millis(100)));
    let addrs = servers(shared.clone());
    let home = Home::new();
    home.write_config(&config(&addrs, 300));
    let url = cluster.create_db("fetches");
    let started: Vec<Child> = vec![
        spawn(&home, &url, &["fetch", "--json"]),
        spawn(&home, &url, &["fetch", "--json"]),
        worker(&home, &url, &["--once", "--json", "--name", "w"]),
    ];
    let mut taken = 0;
    let mut fetch_reports = Vec::new();
    for (i, child) in started.into_iter().enumerate() {
        let out = child.wait_with_output().expect("ends");
        let said = String::from_utf8_lossy(&out.stdout).to_string();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{said}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        if i < 2 {
            let report: serde_json::Value = serde_json::from_str(said.trim()).expect("one object");
            assert_eq!(report["feeds_configured"], 300, "{report}");
            taken += report["feeds_due"].as_u64().unwrap();
            fetch_reports.push(report);
        } else {
            for line in said.lines() {
                let round: serde_json::Value = serde_json::from_str(line).expect("json line");
                taken += round["claimed"].as_u64().unwrap();
            }
        }
    }
    assert_eq!(
        taken, 300,
        "the feeds split between them: {fetch_reports:?}"
    );
    {
        let seen = shared.0.lock().unwrap();
        assert_eq!(seen.hits.len(), 300);
        let twice: Vec<_> = seen.hits.iter().filter(|(_, n)| **n > 1).collect();
        assert!(twice.is_empty(), "fetched more than once: {twice:?}");
        let most = seen.most_in_flight.values().copied().max().unwrap_or(0);
        assert!(most <= PER_HOST, "{most} requests in flight to one host");
    }
    assert!(completions(&url).iter().all(|(_, n)| *n == 1));
    assert_eq!(story_count(&home, &url), 300, "each story stored once");

    // Nothing is due now: a fetch says so and asks for nothing.
    let out = spawn(&home, &url, &["fetch", "--json"])
        .wait_with_output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(report["feeds_due"], 0, "{report}");
    assert_eq!(shared.0.lock().unwrap().hits.values().sum::<usize>(), 300);

    // --all with a selection: that outlet's 15 feeds, each once more, and no others.
    let out = spawn(
        &home,
        &url,
        &["fetch", "--all", "--outlet", "host3", "--json"],
    )
    .wait_with_output()
    .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(report["feeds_configured"], 15, "{report}");
    assert_eq!(report["feeds_due"], 15, "{report}");
    let seen = shared.0.lock().unwrap();
    let again: Vec<&String> = seen
        .hits
        .iter()
        .filter(|(_, n)| **n == 2)
        .map(|(k, _)| k)
        .collect();
    assert_eq!(again.len(), 15, "{again:?}");
    let host3 = addrs[3].to_string();
    assert!(again.iter().all(|k| k.starts_with(&host3)), "{again:?}");
}
