//! Fetch work shared by several workers: which configured feeds exist, and the claim of due
//! ones with a lease.
//!
//! A claim is one transaction. It first locks the `hosts` rows that have due feeds,
//! `FOR UPDATE SKIP LOCKED` (a host another worker is claiming on is skipped, not waited for),
//! leaving out hosts whose server asked to wait (`retry_not_before`) and hosts whose `per_host`
//! leases are all running (they would give the claim nothing). Then, in one `UPDATE`,
//! it leases the due, unleased feeds of those hosts, at most `per_host` minus the host's
//! leases still running. Holding the host row while counting is what makes the per-host
//! limit hold across every worker of the cluster; leasing in the same statement that selects
//! is what makes a feed go to one worker only (a select-then-update would hand most of them
//! out twice). A lease that runs out (its worker was killed mid-fetch) makes the feed
//! claimable again; the late worker's `complete` then finds the lease gone and changes
//! nothing.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio_postgres::types::Json;

use super::{PgError, PgStore};
use crate::store::ArticleJob;

/// The requests running on host `h.host` across the cluster: its feeds and its pages under a
/// lease that has not run out. Both claims count both, under the host's row lock.
const RUNNING: &str =
    "((SELECT count(*) FROM feeds g WHERE g.host = h.host AND g.lease_until > now())
  + (SELECT count(*) FROM page_jobs q WHERE q.host = h.host AND q.lease_until > now()))";

/// What a claim leases: rows of `table`, by `key`, the earliest `due` first; `wanted` gives
/// the condition on a row (its alias, the number of its first parameter) besides being
/// unleased, and `returning` the columns handed back (prefixed `t.`, `t.host` among them).
struct Queue {
    table: &'static str,
    key: &'static str,
    due: &'static str,
    wanted: fn(&str, usize) -> String,
    returning: &'static str,
}

const FEEDS: Queue = Queue {
    table: "feeds",
    key: "url",
    due: "next_due",
    // $n: the filter's URLs (or NULL), $n+1: due or not.
    wanted: |t, n| {
        format!(
            "{t}.enabled AND NOT {t}.gone AND (${b} OR {t}.next_due <= now())
             AND (${n}::text[] IS NULL OR {t}.url IN (SELECT unnest(${n}::text[])))",
            b = n + 1
        )
    },
    returning: "t.url, t.outlet, t.host, t.lease_until",
};

const PAGES: Queue = Queue {
    table: "page_jobs",
    key: "story",
    due: "due",
    wanted: |t, _| format!("{t}.due <= now()"),
    returning: "t.story, t.url, t.outlet, t.due, t.failures, t.host",
};

/// One claim, in one transaction of two statements:
///
/// 1. locks, `SKIP LOCKED`, up to `limit` hosts that have wanted, unleased rows, whose server
///    did not ask to wait, and whose running requests are under `per_host`, the hosts least
///    recently claimed first;
/// 2. leases to `worker`, in one `UPDATE`, up to `limit` of those hosts' rows, at most
///    `per_host` less what runs on each host: each host's earliest due first, and one row of
///    every host (in statement 1's order) before a second of any. The running requests are
///    counted again here: statement 1's snapshot may predate the commit of the claim that
///    held a host's row just before it, this statement's comes after it. The hosts that got
///    rows are marked claimed now (`last_claimed`), so the next claim begins with others: the
///    cluster's slots go round every host with due work rather than draining hosts in name
///    order and ending on the last few at `per_host` each.
///
/// `extra`: the parameters of `queue.wanted`.
async fn claim(
    pg: &PgStore,
    queue: &Queue,
    (worker, limit, per_host, lease): (&str, usize, usize, Duration),
    extra: &[&(dyn tokio_postgres::types::ToSql + Sync)],
) -> Result<Vec<tokio_postgres::Row>, PgError> {
    let Queue {
        table, key, due, ..
    } = queue;
    let unleased = |t: &str| format!("({t}.lease_until IS NULL OR {t}.lease_until <= now())");
    let mut client = pg.client().await?;
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let per_host = i64::try_from(per_host.max(1)).unwrap_or(i64::MAX);
    let secs = lease.as_secs_f64();
    let tx = client.transaction().await?;
    let lock = format!(
        "SELECT h.host FROM hosts h
         WHERE (h.retry_not_before IS NULL OR h.retry_not_before <= now())
           AND EXISTS (SELECT 1 FROM {table} w WHERE w.host = h.host AND {} AND {})
           AND {RUNNING} < $2
         ORDER BY h.last_claimed NULLS FIRST, h.host
         LIMIT $1
         FOR UPDATE OF h SKIP LOCKED",
        (queue.wanted)("w", 3),
        unleased("w"),
    );
    let params: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> = [&limit as _, &per_host as _]
        .into_iter()
        .chain(extra.iter().copied())
        .collect();
    let hosts: Vec<String> = tx
        .query(&tx.prepare_cached(&lock).await?, &params)
        .await?
        .iter()
        .map(|r| r.try_get(0))
        .collect::<Result<_, _>>()?;
    if hosts.is_empty() {
        tx.commit().await?;
        return Ok(Vec::new());
    }
    let pick = format!(
        "WITH leased AS (
         UPDATE {table} t
         SET lease_until = now() + make_interval(secs => $4), leased_by = $3
         FROM (SELECT c.{key} FROM unnest($1::text[]) WITH ORDINALITY AS h(host, rank)
               CROSS JOIN LATERAL (
                   SELECT c.{key}, c.{due}, row_number() OVER (ORDER BY c.{due}, c.{key}) AS n
                   FROM {table} c
                   WHERE c.host = h.host AND {} AND {}
                   ORDER BY c.{due}, c.{key}
                   LIMIT $5) c
               WHERE c.n <= $5 - {RUNNING}
               ORDER BY c.n, h.rank
               LIMIT $2) pick
         WHERE t.{key} = pick.{key}
         RETURNING {}),
         round AS (UPDATE hosts h SET last_claimed = clock_timestamp()
                   WHERE h.host IN (SELECT l.host FROM leased l))
         SELECT * FROM leased",
        (queue.wanted)("c", 6),
        unleased("c"),
        queue.returning,
    );
    let params: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> = [
        &hosts as _,
        &limit as _,
        &worker as _,
        &secs as _,
        &per_host as _,
    ]
    .into_iter()
    .chain(extra.iter().copied())
    .collect();
    let rows = tx.query(&tx.prepare_cached(&pick).await?, &params).await?;
    tx.commit().await?;
    Ok(rows)
}

/// The advisory lock key under which `sync_feeds` runs: "qwsync".
const SYNC_LOCK: i64 = 0x7177_7379_6e63_0000;

/// The digest of the feed rows last synced (`sync_feeds`).
const SYNCED: &str = "SELECT value FROM meta WHERE key = 'feeds_synced'";

/// A digest of feed rows, whatever their order: SHA-256 over each row's fields, sorted.
fn rows_digest(feeds: &[FeedRow]) -> String {
    use sha2::{Digest, Sha256};
    let mut rows: Vec<&FeedRow> = feeds.iter().collect();
    rows.sort_by(|a, b| a.url.cmp(&b.url));
    let mut hash = Sha256::new();
    for r in rows {
        for field in [r.url.as_str(), r.outlet.as_str(), r.host.as_str()] {
            hash.update(field.len().to_le_bytes());
            hash.update(field.as_bytes());
        }
        hash.update([u8::from(r.enabled)]);
    }
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// A configured feed as the queue knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedRow {
    pub url: String,
    pub outlet: String,
    pub host: String,
    pub enabled: bool,
}

/// Which due feeds a claim may take.
#[derive(Debug, Clone, Default)]
pub struct ClaimFilter {
    /// Only these feeds (by configured URL); `None` takes any.
    pub only: Option<Vec<String>>,
    /// Take them whether due or not (`fetch --all`); leases, gone and disabled feeds and
    /// held hosts still count.
    pub ignore_schedule: bool,
}

/// A feed a worker holds until `lease_until`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    pub url: String,
    pub outlet: String,
    pub host: String,
    pub lease_until: DateTime<Utc>,
}

impl PgStore {
    /// Makes the queue's feeds those configured: new ones are due now, known ones keep their
    /// schedule and take the configured outlet and enabled flag.
    ///
    /// Only rows that differ are written, under an advisory lock so that syncs take turns:
    /// every worker syncs when it starts, and rewriting rows that other workers' claims are
    /// leasing at that moment would deadlock with them (a claim locks its feeds in its own
    /// order). Feeds are never deleted: one taken out of feeds.toml is marked disabled.
    ///
    /// The digest of the rows last synced is kept in `meta` (`feeds_synced`): when it is this
    /// list's, nothing is read or locked. Workers started from cron every few minutes with an
    /// unchanged feeds.toml would otherwise each read every feed under the lock, in turn.
    pub async fn sync_feeds(&self, feeds: &[FeedRow]) -> Result<(), PgError> {
        let digest = Json(rows_digest(feeds));
        let mut client = self.client().await?;
        let synced = client
            .query_opt(&client.prepare_cached(SYNCED).await?, &[])
            .await?
            .map(|r| r.try_get::<_, Json<String>>(0))
            .transpose()?;
        if synced.is_some_and(|s| s.0 == digest.0) {
            return Ok(());
        }
        let tx = client.transaction().await?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&SYNC_LOCK])
            .await?;
        let mut known: HashMap<String, FeedRow> = HashMap::new();
        for r in tx
            .query("SELECT url, outlet, host, enabled FROM feeds", &[])
            .await?
        {
            let row = FeedRow {
                url: r.try_get(0)?,
                outlet: r.try_get(1)?,
                host: r.try_get(2)?,
                enabled: r.try_get(3)?,
            };
            known.insert(row.url.clone(), row);
        }
        let hosts: HashSet<String> = tx
            .query("SELECT host FROM hosts", &[])
            .await?
            .iter()
            .map(|r| r.try_get(0))
            .collect::<Result<_, _>>()?;
        let insert = tx
            .prepare(
                "INSERT INTO feeds (url, outlet, host, enabled) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (url) DO NOTHING",
            )
            .await?;
        let update = tx
            .prepare("UPDATE feeds SET outlet = $2, host = $3, enabled = $4 WHERE url = $1")
            .await?;
        let add_host = tx
            .prepare("INSERT INTO hosts (host) VALUES ($1) ON CONFLICT DO NOTHING")
            .await?;
        let mut added_hosts = HashSet::new();
        let configured: HashSet<&str> = feeds.iter().map(|f| f.url.as_str()).collect();
        for f in feeds {
            if !hosts.contains(&f.host) && added_hosts.insert(f.host.clone()) {
                tx.execute(&add_host, &[&f.host]).await?;
            }
            let params: [&(dyn tokio_postgres::types::ToSql + Sync); 4] =
                [&f.url, &f.outlet, &f.host, &f.enabled];
            match known.get(&f.url) {
                None => {
                    tx.execute(&insert, &params).await?;
                }
                Some(k) if k != f => {
                    tx.execute(&update, &params).await?;
                }
                Some(_) => {}
            }
        }
        for (url, k) in &known {
            if k.enabled && !configured.contains(url.as_str()) {
                tx.execute("UPDATE feeds SET enabled = false WHERE url = $1", &[url])
                    .await?;
            }
        }
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ('feeds_synced', $1)
             ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            &[&digest],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Claims up to `limit` due feeds for `worker` that `filter` lets through, leased for
    /// `lease`, never more than `per_host` requests running on one host across all workers
    /// (feeds and pages under a lease, `RUNNING`; see `claim`).
    /// The filter's URLs are asked `IN (SELECT unnest(..))`, which the server answers from a
    /// hash built once a statement: `= ANY(array)` compared each feed with every URL in a
    /// generic plan (16 ms a claim of a 1,000-feed selection, bench/RESULTS.md §11.5).
    pub async fn claim_due(
        &self,
        worker: &str,
        limit: usize,
        per_host: usize,
        lease: Duration,
        filter: &ClaimFilter,
    ) -> Result<Vec<Claim>, PgError> {
        let rows = claim(
            self,
            &FEEDS,
            (worker, limit, per_host, lease),
            &[&filter.only, &filter.ignore_schedule],
        )
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Claim {
                    url: r.try_get(0)?,
                    outlet: r.try_get(1)?,
                    host: r.try_get(2)?,
                    lease_until: r.try_get(3)?,
                })
            })
            .collect()
    }

    /// Claims up to `limit` due page jobs for `worker`, leased for `lease`, under the same
    /// per-host count as the feeds' (`claim_due`): feeds and pages together never have more
    /// than `per_host` requests running on one host across the cluster.
    pub async fn claim_pages(
        &self,
        worker: &str,
        limit: usize,
        per_host: usize,
        lease: Duration,
    ) -> Result<Vec<ArticleJob>, PgError> {
        let rows = claim(self, &PAGES, (worker, limit, per_host, lease), &[]).await?;
        let mut jobs: Vec<ArticleJob> = rows
            .iter()
            .map(super::records::job_of)
            .collect::<Result<_, _>>()?;
        jobs.sort_by(|a, b| a.due.cmp(&b.due).then_with(|| a.story.cmp(&b.story)));
        Ok(jobs)
    }

    /// Gives back the page jobs `worker` still holds, of `stories` only if given (a pass that
    /// ends, or a page it fetched already): they are due again at once, or not before
    /// `not_before` if given.
    pub async fn release_pages(
        &self,
        worker: &str,
        stories: Option<&[String]>,
        not_before: Option<DateTime<Utc>>,
    ) -> Result<u64, PgError> {
        let client = self.client().await?;
        let sql = "UPDATE page_jobs SET lease_until = NULL, leased_by = NULL,
                                      due = GREATEST(due, COALESCE($3, due))
                 WHERE leased_by = $1 AND lease_until IS NOT NULL
                   AND ($2::text[] IS NULL OR story = ANY($2))";
        Ok(client
            .execute(
                &client.prepare_cached(sql).await?,
                &[&worker, &stories, &not_before],
            )
            .await?)
    }

    /// A server's `Retry-After`: no worker claims a feed of `host` before `until`.
    pub async fn hold_host(&self, host: &str, until: DateTime<Utc>) -> Result<(), PgError> {
        let client = self.client().await?;
        let sql = "INSERT INTO hosts (host, retry_not_before) VALUES ($1, $2)
                 ON CONFLICT (host) DO UPDATE
                 SET retry_not_before = GREATEST(hosts.retry_not_before, EXCLUDED.retry_not_before)";
        client
            .execute(&client.prepare_cached(sql).await?, &[&host, &until])
            .await?;
        Ok(())
    }

    /// `complete` for several feeds in one statement: returns the URLs whose lease the worker
    /// still held (the others changed nothing).
    pub async fn complete_many(
        &self,
        worker: &str,
        done: &[(String, DateTime<Utc>)],
    ) -> Result<HashSet<String>, PgError> {
        let client = self.client().await?;
        let sql = "UPDATE feeds f SET next_due = d.next_due, lease_until = NULL, leased_by = NULL,
                                    fetches = fetches + 1
                 FROM unnest($2::text[], $3::timestamptz[]) AS d(url, next_due)
                 WHERE f.url = d.url AND f.leased_by = $1 AND f.lease_until > now()
                 RETURNING f.url";
        let urls: Vec<&str> = done.iter().map(|(u, _)| u.as_str()).collect();
        let next: Vec<DateTime<Utc>> = done.iter().map(|(_, t)| *t).collect();
        let rows = client
            .query(&client.prepare_cached(sql).await?, &[&worker, &urls, &next])
            .await?;
        Ok(rows
            .iter()
            .map(|r| r.try_get(0))
            .collect::<Result<_, _>>()?)
    }

    /// Gives back `worker`'s leases on `urls` unfetched (an interrupted pass): the feeds stay
    /// due, for the next worker to take at once rather than after the lease.
    pub async fn release_many(&self, worker: &str, urls: &[String]) -> Result<u64, PgError> {
        if urls.is_empty() {
            return Ok(0);
        }
        let client = self.client().await?;
        let sql = "UPDATE feeds SET lease_until = NULL, leased_by = NULL
                 WHERE url = ANY($2) AND leased_by = $1";
        Ok(client
            .execute(&client.prepare_cached(sql).await?, &[&worker, &urls])
            .await?)
    }

    /// Records that `worker` fetched `url` and schedules it for `next_due`. Returns false,
    /// changing nothing, when the worker no longer holds the lease (it ran out and another
    /// worker took the feed).
    pub async fn complete(
        &self,
        worker: &str,
        url: &str,
        next_due: DateTime<Utc>,
    ) -> Result<bool, PgError> {
        let client = self.client().await?;
        let sql = "UPDATE feeds SET next_due = $3, lease_until = NULL, leased_by = NULL,
                                  fetches = fetches + 1
                 WHERE url = $1 AND leased_by = $2 AND lease_until > now()";
        let n = client
            .execute(
                &client.prepare_cached(sql).await?,
                &[&url, &worker, &next_due],
            )
            .await?;
        Ok(n == 1)
    }

    /// The leases running now: (feed URL, the worker holding it).
    pub async fn leases(&self) -> Result<HashMap<String, String>, PgError> {
        let client = self.client().await?;
        let sql =
            "SELECT url, leased_by FROM feeds WHERE lease_until > now() AND leased_by IS NOT NULL";
        let rows = client
            .query(&client.prepare_cached(sql).await?, &[])
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect()
    }

    /// Feeds due and not yet done, claimed or not: 0 means a pass has nothing left.
    pub async fn due_count(&self) -> Result<i64, PgError> {
        let client = self.client().await?;
        let sql = "SELECT count(*) FROM feeds WHERE enabled AND NOT gone AND next_due <= now()";
        let row = client
            .query_one(&client.prepare_cached(sql).await?, &[])
            .await?;
        Ok(row.get(0))
    }

    /// How many times each feed was completed: (url, fetches), by URL.
    pub async fn fetch_counts(&self) -> Result<Vec<(String, i64)>, PgError> {
        let client = self.client().await?;
        let rows = client
            .query("SELECT url, fetches FROM feeds ORDER BY url", &[])
            .await?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
    }
}
