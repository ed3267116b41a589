//! Team mode's fetch worker (`quotewire worker`): several of them, on one machine or many,
//! share the due feeds of one PostgreSQL store.
//!
//! A round claims a batch of due feeds with a lease (`store::pg::claim`: never one another
//! worker holds, never more than `per_host` leases running on a host across the cluster, none
//! on a host whose server asked to wait), runs an ordinary fetch pass over exactly those feeds
//! (`run_selected`, so parsing, merging, page jobs and the passage index are the pass's own),
//! then completes each feed with the next time its schedule says, and holds a host for every
//! worker when its server sent Retry-After. A worker killed mid-round completes nothing: its
//! leases run out and other workers take the feeds. Pages are claimed by the pass itself
//! (`claim_article_jobs`), each by one pass.
//!
//! What this is not: the scheduler of a single process (sled's `fetch` decides due-ness from
//! each `FeedState`); here the queue's `next_due` decides, and the pass takes every feed it was
//! handed.

use std::collections::HashSet;
use std::time::Duration;

use chrono::Utc;

use super::{run_selected, PassError, PassOptions, PassReport};
use crate::config::Config;
use crate::store::pg::{FeedRow, PgError, PgStore};
use crate::store::{Db, StoreError};

/// How a worker claims.
#[derive(Debug, Clone)]
pub struct WorkerOptions {
    /// The worker's name in the queue's leases (`leased_by`): unique per process.
    pub name: String,
    /// Feeds claimed per round.
    pub batch: usize,
    /// How long a claim is held; a worker that dies loses its feeds to others after this.
    pub lease: Duration,
    pub lock_wait: Duration,
}

/// What one round did.
#[derive(Debug, Default)]
pub struct Round {
    pub claimed: usize,
    /// Feeds completed (the lease still held when the pass ended).
    pub completed: usize,
    /// Feeds whose lease ran out before the pass ended (another worker may have them now).
    pub lost: usize,
    pub report: PassReport,
}

impl From<PgError> for PassError {
    fn from(e: PgError) -> Self {
        PassError::Store(StoreError::Pg(e))
    }
}

/// The queue's rows for the configured feeds.
pub fn feed_rows(config: &Config) -> Vec<FeedRow> {
    config
        .feeds()
        .map(|f| FeedRow {
            url: f.url.to_string(),
            outlet: f.outlet.clone(),
            host: f.url.host_str().unwrap_or_default().to_ascii_lowercase(),
            enabled: f.enabled,
        })
        .collect()
}

/// Makes the queue's feeds the configured ones (new ones due now).
pub async fn sync(queue: &PgStore, config: &Config) -> Result<(), PassError> {
    Ok(queue.sync_feeds(&feed_rows(config)).await?)
}

/// One round: claim, fetch, complete. `None` when nothing was due.
pub async fn round(
    config: &Config,
    db: &Db,
    queue: &PgStore,
    opts: &WorkerOptions,
    on_wait: &mut dyn FnMut(&str),
) -> Result<Option<Round>, PassError> {
    let claims = queue
        .claim_due(&opts.name, opts.batch, config.fetch.per_host, opts.lease)
        .await?;
    if claims.is_empty() {
        return Ok(None);
    }
    let held: HashSet<String> = claims.iter().map(|c| c.url.clone()).collect();
    let pass = PassOptions {
        all: true,
        lock_wait: opts.lock_wait,
        on_wait,
        on_progress: &|_, _| {},
    };
    let report = run_selected(config, db, pass, &|f| held.contains(f.url.as_str())).await?;
    let mut round = Round {
        claimed: claims.len(),
        ..Default::default()
    };
    let store = crate::store::Store::open_db(db, "worker", opts.lock_wait, &mut |_| {})?;
    let now = Utc::now();
    for claim in &claims {
        let state = store.feed_state(&claim.url)?;
        let min = chrono::Duration::from_std(config.fetch.min_interval)
            .unwrap_or(chrono::Duration::minutes(5));
        let next = match &state {
            Some(s) if s.gone => now + chrono::Duration::days(30),
            Some(s) => s.next_due.unwrap_or(now + min),
            None => now + min,
        };
        if let Some(until) = state.as_ref().and_then(|s| s.retry_not_before) {
            if until > now {
                queue.hold_host(&claim.host, until).await?;
            }
        }
        if queue.complete(&opts.name, &claim.url, next).await? {
            round.completed += 1;
        } else {
            round.lost += 1;
            tracing::warn!(
                "the lease on {} ran out before the pass ended; another worker may fetch it again",
                claim.url
            );
        }
    }
    store.close()?;
    round.report = report;
    Ok(Some(round))
}

/// A worker name unique to this process: host name, process id.
pub fn default_name() -> String {
    let host = std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "worker".into());
    format!("{host}:{}", std::process::id())
}
