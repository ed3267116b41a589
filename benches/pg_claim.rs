//! Team mode's claim throughput on a throw-away PostgreSQL cluster (issue 14's target: at
//! least 1,000 feeds claimed per second): `QW_FEEDS` due feeds (20,000) on `QW_HOSTS` hosts
//! (2,000), `QW_WORKERS` workers (4) each claiming batches of 100 with `per_host` 2 and
//! completing what they claimed, until nothing is due. Prints feeds/s for the claims alone
//! and for claim plus complete (each batch completed in one statement), and checks that no feed was done twice. Needs Debian's
//! postgresql (initdb, pg_ctl); says so and exits 0 without it.

#[path = "../tests/support/pg.rs"]
mod pg;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use chrono::Utc;
use quotewire::store::pg::{ClaimFilter, FeedRow, PgStore};

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let feeds = env_usize("QW_FEEDS", 20_000);
    let hosts = env_usize("QW_HOSTS", 2_000);
    let workers = env_usize("QW_WORKERS", 4);
    let Some(cluster) = pg::Cluster::start() else {
        return;
    };
    let url = cluster.create_db("bench");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers.max(2))
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let setup = PgStore::connect(&url, 2).await.expect("connect");
        let rows: Vec<FeedRow> = (0..feeds)
            .map(|i| FeedRow {
                url: format!("http://h{}.example/f/{i}.xml", i % hosts),
                outlet: format!("o{}", i % hosts),
                host: format!("h{}.example", i % hosts),
                enabled: true,
            })
            .collect();
        let t = Instant::now();
        setup.sync_feeds(&rows).await.expect("sync");
        println!("sync of {feeds} feeds: {:.2} s", t.elapsed().as_secs_f64());
        // What every worker's start pays when feeds.toml did not change.
        let t = Instant::now();
        setup.sync_feeds(&rows).await.expect("sync");
        println!(
            "the same {feeds} feeds synced again: {:.1} ms",
            t.elapsed().as_secs_f64() * 1000.0
        );
        let mut changed = rows.clone();
        changed[0].enabled = false;
        let t = Instant::now();
        setup.sync_feeds(&changed).await.expect("sync");
        setup.sync_feeds(&rows).await.expect("sync");
        println!(
            "one feed changed and back, two syncs: {:.1} ms",
            t.elapsed().as_secs_f64() * 1000.0
        );

        let started = Instant::now();
        let mut tasks = Vec::new();
        for w in 0..workers {
            let url = url.clone();
            tasks.push(tokio::spawn(async move {
                let store = PgStore::connect(&url, 1).await.expect("connect");
                let name = format!("w{w}");
                let (mut got, mut claiming) = (Vec::new(), Duration::ZERO);
                loop {
                    let t = Instant::now();
                    let claims = store
                        .claim_due(&name, 100, 2, Duration::from_secs(300), &ClaimFilter::default())
                        .await
                        .expect("claim");
                    claiming += t.elapsed();
                    if claims.is_empty() {
                        if store.due_count().await.expect("count") == 0 {
                            break;
                        }
                        continue;
                    }
                    // Completed in one statement, as a worker's write round does.
                    let later = Utc::now() + chrono::Duration::days(1);
                    let done: Vec<_> = claims.iter().map(|c| (c.url.clone(), later)).collect();
                    let completed = store.complete_many(&name, &done).await.expect("complete");
                    assert_eq!(completed.len(), done.len(), "every lease still held");
                    got.extend(claims.into_iter().map(|c| c.url));
                }
                (got, claiming)
            }));
        }
        let mut all = Vec::new();
        let mut claiming = Duration::ZERO;
        for t in tasks {
            let (got, c) = t.await.expect("worker");
            all.extend(got);
            claiming += c;
        }
        let wall = started.elapsed().as_secs_f64();
        let distinct: HashSet<&String> = all.iter().collect();
        println!(
            "{workers} workers, {feeds} feeds on {hosts} hosts, batches of 100, per_host 2: {:.2} s wall",
            wall
        );
        println!(
            "claim + complete: {:.0} feeds/s; claims alone: {:.0} feeds/s per worker-second of claiming, {:.0} feeds/s over {workers} workers (target: >= 1,000)",
            all.len() as f64 / wall,
            all.len() as f64 / claiming.as_secs_f64(),
            all.len() as f64 / claiming.as_secs_f64() * workers as f64,
        );
        println!(
            "done {} times, {} distinct, double fetches: {}",
            all.len(),
            distinct.len(),
            all.len() - distinct.len()
        );
        if all.len() != feeds || distinct.len() != feeds {
            eprintln!("MISCOUNT: every feed must be done exactly once");
            std::process::exit(1);
        }
    });
}
