//! The desk's figures (issue 12): the review page for 1,000 candidates (server time, through
//! the router), an accept answered over loopback HTTP, the database opens a burst of requests
//! costs, and the desk's memory when idle.
//!
//! `cargo bench --bench desk`. Builds a database of 250 stories with four quotations each
//! (1,000 candidates) in a temporary folder, then times each request `QW_ROUNDS` times (20)
//! and prints the median and the worst. Memory is the process's resident set (VmRSS) after
//! the desk has answered and let go of the database.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{header, Request};
use chrono::{TimeZone, Utc};
use quotewire::desk::{self, Desk};
use quotewire::review;
use quotewire::store::Store;
use quotewire::story::{DateSource, Story, TextInfo, TextSource};
use tower::ServiceExt;

fn story(i: usize) -> Story {
    let t = Utc
        .timestamp_opt(1_578_000_000 + i as i64 * 60, 0)
        .single()
        .unwrap_or_default();
    let content = (0..4)
        .map(|k| {
            format!(
                "“Measure {k} of plan {i} will hold through the winter, whatever the markets do,” said Minister Ana Lind{k} at a briefing in the capital."
            )
        })
        .collect::<Vec<_>>()
        .join("\n\n");
    Story {
        id: format!("{i:016x}"),
        key: format!("https://bench.example/{i}"),
        url: Some(format!("https://bench.example/{i}")),
        outlet: "bench".into(),
        outlets: vec!["bench".into()],
        title: Some(format!("Story {i}")),
        published: t,
        published_from: DateSource::Entry,
        updated: None,
        authors: vec![],
        categories: vec![],
        summary: None,
        content: Some(content.clone()),
        first_seen: t,
        last_seen: t,
        sources: vec![],
        article: None,
        text: TextInfo {
            source: TextSource::Feed,
            len: content.chars().count(),
            note: None,
        },
        copy_of: None,
        copies: vec![],
    }
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

fn summary(name: &str, mut times: Vec<Duration>) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{name}: median {:.1} ms, worst {:.1} ms ({} rounds)",
        ms(times[times.len() / 2]),
        ms(times[times.len() - 1]),
        times.len()
    );
}

fn main() {
    let rounds: usize = std::env::var("QW_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let dir = tempfile::tempdir().expect("a temporary folder");
    let db = dir.path().join("db");
    {
        let store = Store::open(&db, "bench", Duration::ZERO, &mut |_| {}).expect("a database");
        let stories: Vec<(Option<Story>, Story)> = (0..250).map(|i| (None, story(i))).collect();
        store.put_stories(&stories).expect("stories");
        for (_, s) in &stories {
            let text = store.text(s).ok().flatten().unwrap_or_default();
            review::refresh(&store, &s.id, &text).expect("quotations");
        }
        store.close().expect("closed");
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    rt.block_on(async {
        let base_rss = rss_kib();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a port");
        let addr = listener.local_addr().expect("an address");
        let d = Arc::new(Desk::new(desk::Options {
            db: quotewire::store::Db::Dir(db.clone()),
            lock_wait: Duration::from_secs(10),
            config: None,
            listen: addr,
            token: None,
            posts_dir: None,
        }));
        let router = desk::router(d.clone());
        let tidy = desk::keep_tidy(d.clone());
        let get = || {
            Request::get("/?q=since%3Aall")
                .header(header::HOST, addr.to_string())
                .body(Body::empty())
                .expect("a request")
        };
        // The page: warm (the database open) and cold (opened for the request).
        let mut warm = Vec::new();
        let mut bytes = 0;
        for _ in 0..rounds {
            let t = Instant::now();
            let resp = router.clone().oneshot(get()).await.expect("a response");
            let body = axum::body::to_bytes(resp.into_body(), usize::MAX)
                .await
                .expect("a body");
            warm.push(t.elapsed());
            bytes = body.len();
        }
        let cards = String::from_utf8_lossy(
            &axum::body::to_bytes(
                router.clone().oneshot(get()).await.expect("a response").into_body(),
                usize::MAX,
            )
            .await
            .expect("a body"),
        )
        .matches("<article class=\"card")
        .count();
        println!("review page: {cards} candidates, {} KiB of HTML", bytes / 1024);
        summary("review page, 1,000 candidates, database open (server time)", warm);
        let mut cold = Vec::new();
        for _ in 0..rounds.min(8) {
            tokio::time::sleep(desk::db::LINGER + Duration::from_millis(300)).await;
            let t = Instant::now();
            let resp = router.clone().oneshot(get()).await.expect("a response");
            let _ = axum::body::to_bytes(resp.into_body(), usize::MAX).await;
            cold.push(t.elapsed());
        }
        summary("review page, database opened for the request", cold);

        // An accept over loopback HTTP, as the page's script sends it.
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(desk::serve(listener, d.clone(), async {
            let _ = stopped.await;
        }));
        let client = reqwest::Client::new();
        let ids: Vec<String> = {
            let d = d.clone();
            tokio::task::spawn_blocking(move || {
                d.db.with(|s| {
                    let f = review::Filter {
                        stories: quotewire::store::StoryQuery::default(),
                        ..Default::default()
                    };
                    Ok(review::list(s, &f)?
                        .into_iter()
                        .flat_map(|(_, l)| l.into_iter().map(|q| q.quote.id))
                        .collect())
                })
            })
            .await
            .expect("joined")
            .expect("ids")
        };
        let mut accepts = Vec::new();
        for id in ids.iter().take(rounds) {
            let t = Instant::now();
            let resp = client
                .post(format!("http://{addr}/quotes/status"))
                .header("x-csrf-token", &d.csrf)
                .header("accept", "application/json")
                .form(&[("ids", id.as_str()), ("status", "accepted")])
                .send()
                .await
                .expect("an answer");
            assert!(resp.status().is_success(), "{}", resp.status());
            let _ = resp.bytes().await;
            accepts.push(t.elapsed());
        }
        summary("accept over loopback HTTP", accepts);
        println!(
            "database opens for {} requests: {}",
            rounds * 2 + rounds.min(8) + 2,
            d.db.opens()
        );
        tokio::time::sleep(desk::db::LINGER + Duration::from_millis(500)).await;
        println!(
            "memory: {} MiB resident when idle after the requests ({} MiB before the desk started, the bench's own data included)",
            rss_kib() / 1024,
            base_rss / 1024
        );
        // Beside a fetch: another process's pattern of holds, as `ingest`'s writer makes
        // them (the database held up to its 2 s, let go for its 300 ms rest, again), while the
        // page is asked for every 50 ms. The wait a desk request sees is the figure.
        let holder = {
            let db = db.clone();
            std::thread::spawn(move || {
                let end = Instant::now() + Duration::from_secs(8);
                while Instant::now() < end {
                    if let Ok(s) = Store::open(&db, "fetch", Duration::from_secs(30), &mut |_| {}) {
                        std::thread::sleep(Duration::from_secs(2));
                        let _ = s.close();
                    }
                    std::thread::sleep(Duration::from_millis(300));
                }
            })
        };
        let mut beside = Vec::new();
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(7) {
            let t = Instant::now();
            let resp = client
                .get(format!("http://{addr}/?q=since%3Aall"))
                .send()
                .await
                .expect("an answer");
            let _ = resp.bytes().await;
            beside.push(t.elapsed());
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let _ = tokio::task::spawn_blocking(move || holder.join()).await;
        summary("review page while a fetch-like holder takes 2 s turns", beside);
        let _ = stop.send(());
        let _ = server.await;
        tidy.abort();
    });
    println!("quotewire serve, idle: {}", serve_idle_rss(&db));
}

/// The resident memory of a real `quotewire serve` on this database, idle after answering
/// the review page twice.
fn serve_idle_rss(db: &std::path::Path) -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or(18340);
    let mut child = match std::process::Command::new(env!("CARGO_BIN_EXE_quotewire"))
        .arg("--db")
        .arg(db)
        .args(["--config", "/nonexistent/feeds.toml", "serve", "--listen"])
        .arg(format!("127.0.0.1:{port}"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => return format!("could not start: {e}"),
    };
    let mut answered = 0;
    for _ in 0..100 {
        std::thread::sleep(Duration::from_millis(100));
        if http_ok(port) {
            answered += 1;
            if answered == 2 {
                break;
            }
        }
    }
    std::thread::sleep(Duration::from_secs(2));
    let rss = std::fs::read_to_string(format!("/proc/{}/status", child.id()))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .map(|l| l.trim_start_matches("VmRSS:").trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into());
    let _ = child.kill();
    let _ = child.wait();
    format!("{rss} resident ({answered} page loads answered)")
}

/// Whether a plain HTTP GET of the review page answers 200.
fn http_ok(port: u16) -> bool {
    use std::io::{Read, Write};
    let Ok(mut conn) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let req = format!(
        "GET /?q=since%3Aall HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    );
    let mut answer = Vec::new();
    conn.write_all(req.as_bytes()).is_ok()
        && conn.read_to_end(&mut answer).is_ok()
        && answer.starts_with(b"HTTP/1.1 200")
}
