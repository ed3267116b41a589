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
//! (`claim_article_jobs`), each by one pass. `fetch` on PostgreSQL is the same rounds over the
//! selected feeds, each taken once (`claimed_pass`), so it runs beside workers.
//!
//! What this is not: the scheduler of a single process (sled's `fetch` decides due-ness from
//! each `FeedState`); here the queue's `next_due` decides, and the pass takes every feed it was
//! handed.

use std::cell::RefCell;
use std::collections::HashSet;
use std::time::Duration;

use chrono::Utc;
use futures_util::stream::{FuturesUnordered, StreamExt};

use super::{run_selected, FeedFailure, PassError, PassOptions, PassReport};
use crate::config::{Config, FeedConfig};
use crate::fetcher::FeedState;
use crate::store::pg::{ClaimFilter, FeedRow, PgError, PgStore};
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
    /// The feeds claimed, by configured URL.
    pub claimed: Vec<String>,
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

/// Which feeds the rounds of a drain may claim.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Only these feeds, and each once: a round takes the feeds it claims out of the set
    /// (`fetch`, whose pass ends when the set is empty or nothing in it is claimable).
    /// `None`: any feed, as often as it falls due (a worker).
    pub only: Option<HashSet<String>>,
    /// Due or not (`fetch --all`).
    pub all: bool,
}

/// One round: claim, fetch, complete. `None` when nothing was claimable.
pub async fn round(
    config: &Config,
    db: &Db,
    queue: &PgStore,
    opts: &WorkerOptions,
    selection: &RefCell<Selection>,
    on_wait: &mut dyn FnMut(&str),
) -> Result<Option<Round>, PassError> {
    let filter = {
        let s = selection.borrow();
        if s.only.as_ref().is_some_and(HashSet::is_empty) {
            return Ok(None);
        }
        ClaimFilter {
            only: s.only.as_ref().map(|o| o.iter().cloned().collect()),
            ignore_schedule: s.all,
        }
    };
    let started = std::time::Instant::now();
    let claims = queue
        .claim_due(
            &opts.name,
            opts.batch,
            config.fetch.per_host,
            opts.lease,
            &filter,
        )
        .await?;
    if claims.is_empty() {
        return Ok(None);
    }
    if let Some(only) = selection.borrow_mut().only.as_mut() {
        for c in &claims {
            only.remove(&c.url);
        }
    }
    let claimed_in = started.elapsed();
    let held: HashSet<String> = claims.iter().map(|c| c.url.clone()).collect();
    let pass = PassOptions {
        all: true,
        lock_wait: opts.lock_wait,
        on_wait,
        on_progress: &|_, _| {},
    };
    let report = run_selected(config, db, pass, &|f| held.contains(f.url.as_str())).await?;
    let passed_in = started.elapsed();
    let mut round = Round {
        claimed: claims.iter().map(|c| c.url.clone()).collect(),
        ..Default::default()
    };
    let store = crate::store::Store::open_db(db, "worker", opts.lock_wait, &mut |_| {})?;
    let now = Utc::now();
    let min = chrono::Duration::from_std(config.fetch.min_interval)
        .unwrap_or(chrono::Duration::minutes(5));
    let mut done = Vec::with_capacity(claims.len());
    for claim in &claims {
        let state = store.feed_state(&claim.url)?;
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
        done.push((claim.url.clone(), next));
    }
    let completed = queue.complete_many(&opts.name, &done).await?;
    round.completed = completed.len();
    round.lost = claims.len() - completed.len();
    for claim in claims.iter().filter(|c| !completed.contains(&c.url)) {
        tracing::warn!(
            "the lease on {} ran out before the pass ended; another worker may fetch it again",
            claim.url
        );
    }
    store.close()?;
    tracing::debug!(
        "round of {}: claimed at {:?}, pass done at {:?}, completed at {:?}",
        claims.len(),
        claimed_in,
        passed_in,
        started.elapsed()
    );
    round.report = report;
    Ok(Some(round))
}

/// Runs rounds side by side, `parallel` at a time, each with its own claim, until none finds
/// anything to claim; each finished round goes to `on_round`. A host's slots go back to the
/// queue as soon as one round is done with them. A round that found nothing stops the
/// refilling until another round ends; an interrupted round (Ctrl-C, which every running
/// round hears) stops it for good, and the drain waits for the running rounds to store what
/// they have.
pub async fn drain(
    config: &Config,
    db: &Db,
    queue: &PgStore,
    opts: &WorkerOptions,
    parallel: usize,
    selection: &RefCell<Selection>,
    on_round: &mut dyn FnMut(Round),
) -> Result<(), PassError> {
    let mut running = FuturesUnordered::new();
    let mut dry = false;
    let mut stopped = false;
    loop {
        while !dry && !stopped && running.len() < parallel.max(1) {
            running.push(async {
                let mut on_wait = |_: &str| {};
                round(config, db, queue, opts, selection, &mut on_wait).await
            });
        }
        let Some(done) = running.next().await else {
            return Ok(());
        };
        let Some(round) = done? else {
            dry = true;
            continue;
        };
        dry = false;
        stopped |= round.report.interrupted;
        on_round(round);
    }
}

/// `fetch` (and the desk's fetch) on PostgreSQL: one pass over the feeds `select` takes, by
/// the queue's claims as a worker would, so that passes, workers and desks running at once
/// never fetch a feed twice; each selected feed is taken at most once. The report reads as a
/// single pass's: feeds another process holds are counted apart (`feeds_elsewhere`), and the
/// failing feeds not fetched this time are in `still_failing`.
pub async fn claimed_pass(
    config: &Config,
    db: &Db,
    url: &str,
    opts: PassOptions<'_>,
    select: &(dyn Fn(&FeedConfig) -> bool + Sync),
) -> Result<PassReport, PassError> {
    let queue = PgStore::connect_as(url, 2, "fetch").await?;
    sync(&queue, config).await?;
    let feeds: Vec<&FeedConfig> = config.feeds().filter(|f| select(f)).collect();
    // Rounds as many feeds at once as the configured concurrency, in four claims.
    let parallel = 4;
    let worker = WorkerOptions {
        name: format!("fetch@{}", default_name()),
        batch: config.fetch.concurrency.div_ceil(parallel).max(1),
        lease: Duration::from_secs(300),
        lock_wait: opts.lock_wait,
    };
    let selection = RefCell::new(Selection {
        only: Some(
            feeds
                .iter()
                .filter(|f| f.enabled)
                .map(|f| f.url.to_string())
                .collect(),
        ),
        all: opts.all,
    });
    let total = if opts.all {
        feeds.len()
    } else {
        usize::try_from(queue.due_count().await?).unwrap_or(0)
    };
    let mut report = PassReport::default();
    let mut fetched = HashSet::new();
    let mut offline = true;
    let on_progress = opts.on_progress;
    drain(
        config,
        db,
        &queue,
        &worker,
        parallel,
        &selection,
        &mut |round| {
            fetched.extend(round.claimed);
            offline &= round.report.offline;
            report.absorb(round.report);
            on_progress(fetched.len(), total.max(fetched.len()));
        },
    )
    .await?;
    report.offline = offline && !fetched.is_empty();
    report.feeds_configured = feeds.len();
    report.feeds_due = fetched.len();
    let leases = queue.leases().await?;
    let store = crate::store::Store::open_db(db, "fetch", opts.lock_wait, opts.on_wait)?;
    for f in &feeds {
        let url = f.url.as_str();
        if !f.enabled {
            report.feeds_disabled += 1;
            continue;
        }
        if fetched.contains(url) {
            continue;
        }
        let state = store
            .feed_state(url)?
            .unwrap_or_else(|| FeedState::new(url, &f.outlet));
        if state.gone {
            report.feeds_gone += 1;
        } else if leases.contains_key(url) {
            report.feeds_elsewhere += 1;
        } else if opts.all {
            report.feeds_waiting += 1;
        }
        if state.gone || state.error_count > 0 {
            report.still_failing.push(FeedFailure::still(f, &state));
        }
    }
    store.close()?;
    Ok(report)
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
