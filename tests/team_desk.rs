//! Two editors on one PostgreSQL store, each through a desk of their own (`desk::router`, as
//! two `quotewire serve` processes would be), deciding the same quotation at the same moment,
//! again and again: every decision is in the quotation's review log, the decision standing at
//! the end is the last one logged, and nothing waits on a lock.

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

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_editors_deciding_one_quotation_lose_nothing() {
    let Some(cluster) = Cluster::start() else {
        return;
    };
    let srv = Server::start();
    srv.put("wire.xml", "application/rss+xml", FEED);
    let home = Home::new();
    home.write_config(&support::outlet(
        "wire",
        &["wire.example"],
        &[srv.url("/made/wire.xml")],
    ));
    let url = cluster.create_db("two_editors");
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
