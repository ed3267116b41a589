//! Fetch work shared by several workers: which configured feeds exist, and the claim of due
//! ones with a lease.
//!
//! A claim is one statement: the due, unleased feeds are selected `FOR UPDATE SKIP LOCKED`
//! and leased in the same `UPDATE`, so two workers claiming at the same instant never get the
//! same feed (a select-then-update would hand most of them out twice). A lease that runs out
//! (its worker was killed mid-fetch) makes the feed claimable again; the late worker's
//! `complete` then finds the lease gone and changes nothing. Per-host limits across workers
//! are not here yet.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::{PgError, PgStore};

/// A configured feed as the queue knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedRow {
    pub url: String,
    pub outlet: String,
    pub host: String,
    pub enabled: bool,
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
    pub async fn sync_feeds(&self, feeds: &[FeedRow]) -> Result<(), PgError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let stmt = tx
            .prepare(
                "INSERT INTO feeds (url, outlet, host, enabled) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (url) DO UPDATE
                 SET outlet = EXCLUDED.outlet, host = EXCLUDED.host, enabled = EXCLUDED.enabled",
            )
            .await?;
        for f in feeds {
            tx.execute(&stmt, &[&f.url, &f.outlet, &f.host, &f.enabled])
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Claims up to `limit` due feeds for `worker`, leased for `lease`.
    pub async fn claim_due(
        &self,
        worker: &str,
        limit: usize,
        lease: Duration,
    ) -> Result<Vec<Claim>, PgError> {
        let client = self.client().await?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let secs = lease.as_secs_f64();
        let rows = client
            .query(
                "UPDATE feeds f
                 SET lease_until = now() + make_interval(secs => $3), leased_by = $2
                 FROM (SELECT url FROM feeds
                       WHERE enabled AND NOT gone AND next_due <= now()
                         AND (lease_until IS NULL OR lease_until <= now())
                       ORDER BY next_due, url
                       LIMIT $1
                       FOR UPDATE SKIP LOCKED) due
                 WHERE f.url = due.url
                 RETURNING f.url, f.outlet, f.host, f.lease_until",
                &[&limit, &worker, &secs],
            )
            .await?;
        Ok(rows
            .iter()
            .map(|r| Claim {
                url: r.get(0),
                outlet: r.get(1),
                host: r.get(2),
                lease_until: r.get(3),
            })
            .collect())
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
        let n = client
            .execute(
                "UPDATE feeds SET next_due = $3, lease_until = NULL, leased_by = NULL,
                                  fetches = fetches + 1
                 WHERE url = $1 AND leased_by = $2 AND lease_until > now()",
                &[&url, &worker, &next_due],
            )
            .await?;
        Ok(n == 1)
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
