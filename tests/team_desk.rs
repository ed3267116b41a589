//! Two editors on one PostgreSQL store, each through a desk of their own (`desk::router`, as
//! two `quotewire serve` processes would be), deciding the same quotation at the same moment,
//! again and again: every decision is in the quotation's review log, the decision standing at
//! the end is the last one logged, and nothing waits on a lock.
//!
//! Then the same with two real `quotewire serve` processes on two ports and one database,
//! spoken to over HTTP: both answer at once, each sees the other's decisions, none is lost.

mod support;

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use quotewire::desk::{self, Desk};
use quotewire::review::Status;
use quotewire::store::{Db, Store};
use support::pg::Cluster;
use support::{Home, Server};
use tower::ServiceExt;

const ADDR: &str = "127.0.0.1:8340";

const FEED: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Wire</title><link>https://wire.example/</link><description>Wire</description>
<item><title>Port strike ends</title><link>https://wire.example/strike</link><guid>s-1</guid><pubDate>Fri, 27 Dec 2019 10:00:00 GMT</pubDate>
<description><![CDATA[<p>Dock workers returned on Friday after a week-long strike.</p><p>“We got what we came for, and the ships can sail again tonight,” union leader Marta Kovac told reporters at the gate.</p>]]></description></item>
</channel></rss>
"#;

fn desk_on(db: &Db, home: &Home) -> Arc<Desk> {
    let config = quotewire::config::Config::load(&home.config_path()).expect("config");
    Arc::new(Desk::new(desk::Options {
        db: db.clone(),
        lock_wait: Duration::from_secs(10),
        config: Some(config),
        listen: ADDR.parse().expect("address"),
        token: None,
        posts_dir: None,
    }))
}

fn decide(csrf: &str, id: &str, status: &str) -> Request<Body> {
    Request::post(format!("/quotes/status?csrf={csrf}"))
        .header(header::HOST, ADDR)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("ids={id}&status={status}")))
        .expect("request")
}

/// A database `name` on the cluster with the wire's story fetched: its feed server, the
/// home, the database URL and the story's quotation.
fn fetched(cluster: &Cluster, name: &str) -> (Server, Home, String, String) {
    let srv = Server::start();
    srv.put("wire.xml", "application/rss+xml", FEED);
    let home = Home::new();
    home.write_config(&support::outlet(
        "wire",
        &["wire.example"],
        &[srv.url("/made/wire.xml")],
    ));
    let url = cluster.create_db(name);
    let fetch = support::run_in(
        home.dir.path(),
        &home.config_path(),
        std::path::Path::new(&url),
        &["fetch", "--all"],
    );
    assert!(
        fetch.status.success(),
        "{}",
        String::from_utf8_lossy(&fetch.stderr)
    );
    let quotes = support::json_lines(&support::run_in(
        home.dir.path(),
        &home.config_path(),
        std::path::Path::new(&url),
        &["quotes", "--since", "all", "--json"],
    ));
    let id = quotes[0]["id"].as_str().expect("a quotation").to_string();
    (srv, home, url, id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_editors_deciding_one_quotation_lose_nothing() {
    let Some(cluster) = Cluster::start() else {
        return;
    };
    let (_srv, home, url, id) = fetched(&cluster, "two_editors");

    let db = Db::Url(url.clone());
    let (ana, ben) = (desk_on(&db, &home), desk_on(&db, &home));
    let (ana_router, ben_router) = (desk::router(ana.clone()), desk::router(ben.clone()));
    const ROUNDS: usize = 15;
    for round in 0..ROUNDS {
        let (a, b) = if round % 2 == 0 {
            ("accepted", "rejected")
        } else {
            ("rejected", "accepted")
        };
        let (ra, rb) = tokio::join!(
            ana_router.clone().oneshot(decide(&ana.csrf, &id, a)),
            ben_router.clone().oneshot(decide(&ben.csrf, &id, b)),
        );
        assert_eq!(ra.expect("response").status(), StatusCode::SEE_OTHER);
        assert_eq!(rb.expect("response").status(), StatusCode::SEE_OTHER);
    }

    let store = Store::open_db(&db, "test", Duration::ZERO, &mut |_| {}).expect("open");
    let log = store.review_log(&id).expect("log");
    assert_eq!(log.len(), 2 * ROUNDS, "every decision is logged");
    let accepted = log.iter().filter(|r| r.status == Status::Accepted).count();
    assert_eq!(accepted, ROUNDS, "both editors' decisions, none lost");
    let standing = store
        .review(&id)
        .expect("review")
        .expect("a decision stands");
    assert_eq!(
        Some(&standing),
        log.last(),
        "the last decision logged is the one that stands"
    );
    // What the CLI shows is that decision.
    let shown = support::json_lines(&support::run_in(
        home.dir.path(),
        &home.config_path(),
        std::path::Path::new(&url),
        &["quotes", "--since", "all", "--json"],
    ));
    let q = shown
        .iter()
        .find(|q| q["id"] == id.as_str())
        .expect("listed");
    assert_eq!(q["status"], standing.status.as_str());
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A `quotewire serve` process; killed when dropped.
struct Serve(std::process::Child, String);

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn serve(home: &Home, url: &str) -> Serve {
    let addr = format!("127.0.0.1:{}", free_port());
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_quotewire"))
        .current_dir(home.dir.path())
        .arg("--config")
        .arg(home.config_path())
        .arg("--db")
        .arg(url)
        .args(["serve", "--listen", &addr])
        .env_remove("QUOTEWIRE_CONFIG")
        .env_remove("QUOTEWIRE_DB")
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start serve");
    Serve(child, format!("http://{addr}"))
}

/// The review page of a desk once it answers, and the CSRF token on it.
async fn page(http: &reqwest::Client, desk: &Serve) -> (String, String) {
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(r) = http.get(format!("{}/?q=since%3Aall", desk.1)).send().await {
            assert_eq!(r.status(), StatusCode::OK);
            let html = r.text().await.expect("body");
            let csrf = html
                .split("data-csrf=\"")
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .expect("the page carries its CSRF token")
                .to_string();
            return (html, csrf);
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{} never answered",
            desk.1
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_serve_processes_share_one_store() {
    let Some(cluster) = Cluster::start() else {
        return;
    };
    let (_srv, home, url, id) = fetched(&cluster, "two_serves");

    let (ana, ben) = (serve(&home, &url), serve(&home, &url));
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let ((ana_page, ana_csrf), (ben_page, ben_csrf)) =
        tokio::join!(page(&http, &ana), page(&http, &ben));
    assert_ne!(ana_csrf, ben_csrf, "each process has its own token");
    for html in [&ana_page, &ben_page] {
        assert!(html.contains(&format!("data-id=\"{id}\"")), "both list it");
    }
    let decide = |desk: &Serve, csrf: &str, status: &str| {
        http.post(format!("{}/quotes/status?csrf={csrf}", desk.1))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(format!("ids={id}&status={status}"))
            .send()
    };
    const ROUNDS: usize = 10;
    for round in 0..ROUNDS {
        let (a, b) = if round % 2 == 0 {
            ("accepted", "rejected")
        } else {
            ("rejected", "accepted")
        };
        let (ra, rb) = tokio::join!(decide(&ana, &ana_csrf, a), decide(&ben, &ben_csrf, b));
        assert_eq!(ra.expect("ana's answer").status(), StatusCode::SEE_OTHER);
        assert_eq!(rb.expect("ben's answer").status(), StatusCode::SEE_OTHER);
    }
    // One desk's token is no good on the other.
    let wrong = decide(&ana, &ben_csrf, "accepted").await.expect("answer");
    assert_eq!(wrong.status(), StatusCode::FORBIDDEN);
    // Ana has the last word; Ben's desk shows it at once.
    let last = decide(&ana, &ana_csrf, "accepted").await.expect("answer");
    assert_eq!(last.status(), StatusCode::SEE_OTHER);
    let (ben_page, _) = page(&http, &ben).await;
    assert!(
        ben_page.contains(&format!("data-id=\"{id}\" data-status=\"accepted\"")),
        "Ben sees Ana's decision"
    );
    drop((ana, ben));

    let db = Db::Url(url.clone());
    let store = Store::open_db(&db, "test", Duration::ZERO, &mut |_| {}).expect("open");
    let log = store.review_log(&id).expect("log");
    assert_eq!(log.len(), 2 * ROUNDS + 1, "every decision is logged");
    let accepted = log.iter().filter(|r| r.status == Status::Accepted).count();
    assert_eq!(accepted, ROUNDS + 1, "both editors' decisions, none lost");
    let standing = store.review(&id).expect("review").expect("a decision");
    assert_eq!(standing.status, Status::Accepted);
    assert_eq!(Some(&standing), log.last());
}
