//! Team mode's PostgreSQL store on a real, throw-away cluster (`support::pg`): the schema is
//! created and migrated once and a newer one refused; four workers claiming due feeds at the
//! same time never share one and never exceed the per-host limit together; a server's
//! Retry-After heard by one worker holds for all; a worker that dies holding a lease loses
//! nothing, and its late report changes nothing.

mod support;

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use quotewire::store::pg::{ClaimFilter, FeedRow, PgError, PgStore, SCHEMA_LATEST};
use support::pg::Cluster;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .expect("runtime")
}

fn feeds(n: usize, hosts: usize) -> Vec<FeedRow> {
    (0..n)
        .map(|i| FeedRow {
            url: format!("http://host{}.example/feed/{i}.xml", i % hosts),
            outlet: format!("outlet{}", i % hosts),
            host: format!("host{}.example", i % hosts),
            enabled: true,
        })
        .collect()
}

#[test]
fn the_schema_is_made_once_and_a_newer_one_refused() {
    let Some(cluster) = Cluster::start() else {
        return;
    };
    let url = cluster.create_db("schema");
    let rt = runtime();
    rt.block_on(async {
        let store = PgStore::connect(&url, 2)
            .await
            .expect("connect and migrate");
        assert_eq!(store.schema_version().await.unwrap(), SCHEMA_LATEST);
        // Two more processes starting at once: the advisory lock lets one migrate; both see
        // the same version and nothing is applied twice.
        let (a, b) = tokio::join!(PgStore::connect(&url, 1), PgStore::connect(&url, 1));
        assert_eq!(a.unwrap().schema_version().await.unwrap(), SCHEMA_LATEST);
        assert_eq!(b.unwrap().schema_version().await.unwrap(), SCHEMA_LATEST);

        let (client, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
            .await
            .expect("plain connection");
        tokio::spawn(conn);
        let applied: i64 = client
            .query_one("SELECT count(*) FROM quotewire_schema", &[])
            .await
            .unwrap()
            .get(0);
        assert_eq!(applied, i64::from(SCHEMA_LATEST));
        client
            .execute("INSERT INTO quotewire_schema (version) VALUES (999)", &[])
            .await
            .unwrap();
        match PgStore::connect(&url, 1).await {
            Err(e @ PgError::TooNew { found: 999, .. }) => {
                assert!(e.to_string().contains("fix:"), "{e}")
            }
            Err(e) => panic!("expected TooNew, got {e}"),
            Ok(_) => panic!("a newer schema must be refused"),
        }
    });
}

#[test]
fn a_bad_url_and_an_absent_server_are_errors_with_a_fix() {
    let rt = runtime();
    rt.block_on(async {
        let e = PgStore::connect("postgresql://u@/db?host=/nonexistent/quotewire&port=1", 1)
            .await
            .err()
            .expect("no server there");
        assert!(matches!(e, PgError::Connect { .. }), "{e}");
        assert!(e.to_string().contains("fix:"), "{e}");
        let e = PgStore::connect("postgresql://u:secret@host:notaport/db", 1)
            .await
            .err()
            .expect("not a URL");
        assert!(e.to_string().contains("fix:"), "{e}");
        assert!(
            !e.to_string().contains("secret"),
            "passwords stay out of messages: {e}"
        );
    });
}

#[test]
fn four_workers_share_the_feeds_without_overlap_or_too_many_per_host() {
    let Some(cluster) = Cluster::start() else {
        return;
    };
    let url = cluster.create_db("claims");
    let rt = runtime();
    const PER_HOST: usize = 2;
    rt.block_on(async {
        let setup = PgStore::connect(&url, 2).await.expect("connect");
        setup.sync_feeds(&feeds(1000, 20)).await.expect("feeds");
        // Requests "in flight" per host across the four workers, and the most seen at once:
        // a claimed feed counts from its claim to its completion.
        let in_flight: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
        let most = Arc::new(AtomicUsize::new(0));
        let mut workers = Vec::new();
        for w in 0..4 {
            let (url, in_flight, most) = (url.clone(), in_flight.clone(), most.clone());
            workers.push(tokio::spawn(async move {
                let store = PgStore::connect(&url, 2).await.expect("worker connects");
                let name = format!("worker-{w}");
                let mut got = Vec::new();
                loop {
                    let claims = store
                        .claim_due(
                            &name,
                            25,
                            PER_HOST,
                            Duration::from_secs(60),
                            &ClaimFilter::default(),
                        )
                        .await
                        .expect("claim");
                    if claims.is_empty() {
                        if store.due_count().await.expect("count") == 0 {
                            break;
                        }
                        tokio::time::sleep(Duration::from_millis(2)).await;
                        continue;
                    }
                    for c in &claims {
                        let mut m = in_flight.lock().unwrap();
                        let n = m.entry(c.host.clone()).or_default();
                        *n += 1;
                        most.fetch_max(*n, Ordering::SeqCst);
                    }
                    for c in claims {
                        tokio::time::sleep(Duration::from_micros(300)).await;
                        *in_flight.lock().unwrap().get_mut(&c.host).unwrap() -= 1;
                        let later = Utc::now() + chrono::Duration::days(1);
                        assert!(store
                            .complete(&name, &c.url, later)
                            .await
                            .expect("complete"));
                        got.push(c.url);
                    }
                }
                got
            }));
        }
        let mut all = Vec::new();
        let mut busy = 0;
        for w in workers {
            let got = w.await.expect("worker");
            busy += usize::from(!got.is_empty());
            all.extend(got);
        }
        let distinct: HashSet<&String> = all.iter().collect();
        assert_eq!(all.len(), 1000, "every feed claimed once");
        assert_eq!(distinct.len(), 1000, "no feed claimed twice");
        assert!(busy >= 2, "the work was shared ({busy} workers got some)");
        let most = most.load(Ordering::SeqCst);
        assert!(
            most <= PER_HOST,
            "{most} in flight on one host, limit {PER_HOST}"
        );
        assert_eq!(
            most, PER_HOST,
            "the limit was reached, so the check meant something"
        );
        let counts = setup.fetch_counts().await.expect("counts");
        assert!(
            counts.iter().all(|(_, n)| *n == 1),
            "each fetched exactly once"
        );
        // Nothing is due now: a further claim finds nothing.
        let again = claim(
            &setup,
            "late",
            PER_HOST,
            Duration::from_secs(60),
            &ClaimFilter::default(),
        )
        .await;
        assert!(again.is_empty());
    });
}

#[test]
fn a_servers_retry_after_holds_for_every_worker() {
    let Some(cluster) = Cluster::start() else {
        return;
    };
    let url = cluster.create_db("retry");
    let rt = runtime();
    rt.block_on(async {
        let a = PgStore::connect(&url, 1).await.expect("connect");
        let b = PgStore::connect(&url, 1).await.expect("connect");
        a.sync_feeds(&feeds(6, 2)).await.expect("feeds");
        // Worker a heard "Retry-After: 600" from host0; worker b must not go there either.
        a.hold_host("host0.example", Utc::now() + chrono::Duration::minutes(10))
            .await
            .expect("hold");
        let got = claim(
            &b,
            "b",
            10,
            Duration::from_secs(60),
            &ClaimFilter::default(),
        )
        .await;
        assert_eq!(got.len(), 3, "{got:?}");
        assert!(got.iter().all(|c| c.host == "host1.example"), "{got:?}");
        // An earlier Retry-After does not shorten the wait.
        a.hold_host("host0.example", Utc::now())
            .await
            .expect("hold");
        assert!(claim(
            &b,
            "b",
            10,
            Duration::from_secs(60),
            &ClaimFilter::default()
        )
        .await
        .is_empty());
    });
}

#[test]
fn a_lease_that_runs_out_passes_the_feed_to_another_worker() {
    let Some(cluster) = Cluster::start() else {
        return;
    };
    let url = cluster.create_db("leases");
    let rt = runtime();
    rt.block_on(async {
        let store = PgStore::connect(&url, 2).await.expect("connect");
        store.sync_feeds(&feeds(10, 2)).await.expect("feeds");
        // Worker A claims everything and dies: it never reports.
        let held = claim(
            &store,
            "a",
            100,
            Duration::from_millis(800),
            &ClaimFilter::default(),
        )
        .await;
        assert_eq!(held.len(), 10);
        // While the lease holds, nobody else gets those feeds.
        let none = claim(
            &store,
            "b",
            100,
            Duration::from_secs(60),
            &ClaimFilter::default(),
        )
        .await;
        assert!(none.is_empty(), "{none:?}");
        tokio::time::sleep(Duration::from_millis(1_000)).await;
        let taken = claim(
            &store,
            "b",
            100,
            Duration::from_secs(60),
            &ClaimFilter::default(),
        )
        .await;
        assert_eq!(taken.len(), 10, "the expired leases go to b");
        let later = Utc::now() + chrono::Duration::hours(1);
        for c in &taken {
            assert!(store.complete("b", &c.url, later).await.unwrap());
        }
        // A's late report finds its lease gone and changes nothing.
        assert!(!store.complete("a", &held[0].url, Utc::now()).await.unwrap());
        let counts = store.fetch_counts().await.unwrap();
        assert!(counts.iter().all(|(_, n)| *n == 1), "{counts:?}");
        // Re-syncing the configuration keeps the schedule: nothing becomes due again.
        store.sync_feeds(&feeds(10, 2)).await.unwrap();
        assert!(claim(
            &store,
            "c",
            100,
            Duration::from_secs(60),
            &ClaimFilter::default()
        )
        .await
        .is_empty());
    });
}

/// A claim of up to 100 feeds.
async fn claim(
    store: &PgStore,
    worker: &str,
    per_host: usize,
    lease: Duration,
    filter: &ClaimFilter,
) -> Vec<quotewire::store::pg::Claim> {
    store
        .claim_due(worker, 100, per_host, lease, filter)
        .await
        .expect("claim")
}

#[test]
fn a_sync_of_an_unchanged_feed_list_reads_and_locks_nothing() {
    let Some(cluster) = Cluster::start() else {
        return;
    };
    let url = cluster.create_db("sync");
    let rt = runtime();
    rt.block_on(async {
        let store = PgStore::connect(&url, 2).await.expect("connect");
        let first = feeds(10, 2);
        store.sync_feeds(&first).await.expect("feeds");
        assert_eq!(store.due_count().await.unwrap(), 10);
        // A changed list is applied: two new feeds, one taken out.
        let mut second = first.clone();
        second.extend(feeds(12, 2).into_iter().skip(10));
        second.remove(0);
        store.sync_feeds(&second).await.expect("feeds");
        assert_eq!(store.due_count().await.unwrap(), 11);
        // Another process holds the sync lock (the constant of `sync_feeds`).
        let (other, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
            .await
            .expect("connect");
        tokio::spawn(conn);
        other
            .execute("SELECT pg_advisory_lock(8176130613894643712)", &[])
            .await
            .expect("lock");
        // The same list again: done at once, the lock not waited for.
        tokio::time::timeout(Duration::from_secs(10), store.sync_feeds(&second))
            .await
            .expect("an unchanged list does not wait for the lock")
            .expect("sync");
        // A changed one waits for its turn, then is applied.
        let third = feeds(12, 2);
        let changed = tokio::spawn({
            let store = store.clone();
            async move { store.sync_feeds(&third).await }
        });
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(!changed.is_finished(), "a changed list waits for the lock");
        other
            .execute("SELECT pg_advisory_unlock(8176130613894643712)", &[])
            .await
            .expect("unlock");
        changed.await.expect("task").expect("sync");
        assert_eq!(store.due_count().await.unwrap(), 12);
    });
}

#[test]
fn a_claim_takes_only_the_feeds_its_filter_names() {
    let Some(cluster) = Cluster::start() else {
        return;
    };
    let url = cluster.create_db("filter");
    let rt = runtime();
    rt.block_on(async {
        let store = PgStore::connect(&url, 2).await.expect("connect");
        let all = feeds(6, 2);
        store.sync_feeds(&all).await.expect("feeds");
        let two: Vec<String> = all.iter().take(2).map(|f| f.url.clone()).collect();
        let only = ClaimFilter {
            only: Some(two.clone()),
            ignore_schedule: false,
        };
        let got = claim(&store, "a", 100, Duration::from_secs(60), &only).await;
        let mut urls: Vec<String> = got.iter().map(|c| c.url.clone()).collect();
        urls.sort();
        assert_eq!(urls, two);
        let later = Utc::now() + chrono::Duration::hours(1);
        for c in &got {
            assert!(store.complete("a", &c.url, later).await.unwrap());
        }
        // Done and not due: the schedule keeps them, unless the filter ignores it (--all).
        assert!(claim(&store, "a", 100, Duration::from_secs(60), &only)
            .await
            .is_empty());
        let again = ClaimFilter {
            ignore_schedule: true,
            ..only
        };
        let got = claim(&store, "a", 100, Duration::from_secs(60), &again).await;
        assert_eq!(got.len(), 2, "{got:?}");
        // A lease still counts with the schedule ignored: nobody else gets them meanwhile.
        assert!(claim(&store, "b", 100, Duration::from_secs(60), &again)
            .await
            .is_empty());
        let leases = store.leases().await.unwrap();
        assert_eq!(leases.len(), 2);
        assert!(leases.values().all(|w| w == "a"), "{leases:?}");
        // The other four were never touched.
        let rest = claim(
            &store,
            "b",
            100,
            Duration::from_secs(60),
            &ClaimFilter::default(),
        )
        .await;
        assert_eq!(rest.len(), 4);
        assert!(rest.iter().all(|c| !two.contains(&c.url)), "{rest:?}");
    });
}

#[test]
fn a_claim_passes_over_hosts_whose_limit_is_taken() {
    let Some(cluster) = Cluster::start() else {
        return;
    };
    let url = cluster.create_db("full_hosts");
    let rt = runtime();
    rt.block_on(async {
        let store = PgStore::connect(&url, 2).await.expect("connect");
        store.sync_feeds(&feeds(6, 2)).await.expect("feeds");
        let lease = Duration::from_secs(60);
        let one = |w: &'static str| {
            let store = &store;
            async move {
                store
                    .claim_due(w, 1, 1, lease, &ClaimFilter::default())
                    .await
                    .expect("claim")
            }
        };
        let a = one("a").await;
        assert_eq!(a.len(), 1);
        // a's host has its one slot taken: b gets a feed of the other host, not nothing.
        let b = one("b").await;
        assert_eq!(b.len(), 1, "a claim of one found nothing");
        assert_ne!(a[0].host, b[0].host);
        assert!(one("c").await.is_empty(), "both hosts are full");
        let later = Utc::now() + chrono::Duration::hours(1);
        let done = store
            .complete_many("a", &[(a[0].url.clone(), later), (b[0].url.clone(), later)])
            .await
            .expect("complete");
        assert_eq!(done.len(), 1, "a completes its own feed only: {done:?}");
        assert!(done.contains(&a[0].url));
        assert_eq!(one("c").await.len(), 1, "a's host is free again");
    });
}

#[test]
fn claims_go_round_the_hosts_one_feed_of_each_before_a_second() {
    let Some(cluster) = Cluster::start() else {
        return;
    };
    let url = cluster.create_db("round");
    let rt = runtime();
    rt.block_on(async {
        let store = PgStore::connect(&url, 2).await.expect("connect");
        // 4 hosts, 4 due feeds each; 2 requests at a time allowed on each.
        store.sync_feeds(&feeds(16, 4)).await.expect("feeds");
        let lease = Duration::from_secs(60);
        let take = |w: &'static str, n: usize| {
            let store = &store;
            async move {
                let got = store
                    .claim_due(w, n, 2, lease, &ClaimFilter::default())
                    .await
                    .expect("claim");
                let hosts: HashSet<String> = got.iter().map(|c| c.host.clone()).collect();
                assert_eq!(hosts.len(), got.len(), "one feed per host first: {got:?}");
                hosts
            }
        };
        let a = take("a", 2).await;
        assert_eq!(a.len(), 2);
        // a's two hosts still have a free slot each, but the next claim goes to the two
        // hosts not claimed yet.
        let b = take("b", 2).await;
        assert_eq!(b.len(), 2);
        assert!(a.is_disjoint(&b), "{a:?} then {b:?}");
        // Then every host gets its second request, one each.
        assert_eq!(take("c", 4).await.len(), 4);
        assert!(take("d", 4).await.is_empty(), "every host at its limit");
    });
}

#[test]
fn a_postgres_url_is_not_taken_for_a_directory() {
    let home = support::Home::new();
    home.write_config(&support::outlet("x", &["x.example"], &[]));
    for cmd in [&["fetch"][..], &["stories"][..]] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_quotewire"))
            .current_dir(home.dir.path())
            .arg("--config")
            .arg(home.config_path())
            .args(["--db", "postgres://editor:pw@db.example/quotewire"])
            .args(cmd)
            .output()
            .expect("run");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains("PostgreSQL") && err.contains("fix:"), "{err}");
        assert!(!err.contains("pw@"), "the password is not printed: {err}");
    }
    assert!(
        !home.dir.path().join("postgres:").exists(),
        "no directory made from the URL"
    );
}
