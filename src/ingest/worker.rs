//! Team mode's fetch worker (`quotewire worker`): several of them, on one machine or many,
//! share the due feeds of one PostgreSQL store.
//!
//! A worker's pass is an ordinary fetch pass (`run_feeds`: parsing, merging, page jobs and the
//! passage index are the pass's own) whose feeds come from the queue (`Claims`): whenever a
//! quarter of the configured concurrency is free it claims due feeds with a lease
//! (`store::pg::claim`: never one another worker holds, never more than `per_host` leases
//! running on a host across the cluster, none on a host whose server asked to wait), and as
//! soon as a feed's outcome is stored it completes it with the next time its schedule says
//! (holding the host for every worker when its server sent Retry-After), so the host's slot
//! goes back to the cluster at once. A worker killed mid-pass completes nothing it had not
//! stored: its leases run out and other workers take the feeds; an interrupted one gives
//! them back. Pages are claimed the same way (`claim_pages`, counted with the feeds against
//! `per_host`), whoever queued them; a page's job ends with its outcome stored (removed, or
//! queued for its next try unleased), and a page's Retry-After holds its host for every worker.
//! `fetch` on PostgreSQL is the same pass over the selected feeds, each taken once
//! (`claimed_pass`), so it runs beside workers.
//!
//! What this is not: the scheduler of a single process (sled's `fetch` decides due-ness from
//! each `FeedState`); here the queue's `next_due` decides, and the pass takes every feed it was
//! handed.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::{FeedFailure, PassError, PassOptions, PassReport, Stored, Work};
use crate::config::{Config, FeedConfig};
use crate::fetcher::FeedState;
use crate::search;
use crate::store::pg::{ClaimFilter, FeedRow, PgError, PgStore};
use crate::store::{ArticleJob, Db, Store, StoreError};

/// How a worker claims.
#[derive(Debug, Clone)]
pub struct WorkerOptions {
    /// The worker's name in the queue's leases (`leased_by`): unique per process.
    pub name: String,
    /// Feeds one claim takes, at most: a pass claims as many times as its free slots need
    /// (it keeps feeds.toml's `concurrency` in flight).
    pub batch: usize,
    /// How long a claim is held; a worker that dies loses its feeds to others after this.
    pub lease: Duration,
    pub lock_wait: Duration,
}

/// What one pass of a worker did.
#[derive(Debug, Default)]
pub struct Round {
    /// The feeds claimed and fetched, by configured URL.
    pub claimed: Vec<String>,
    /// Feeds completed (the lease still held when the feed was stored).
    pub completed: usize,
    /// Feeds whose lease ran out before they were stored (another worker may have them now).
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

/// The queue of the database `url`: the pool the pass's store uses as well (`PgRecords::open`
/// keeps one per database in a process), so that a worker connects and checks the schema once.
pub fn queue(url: &str, command: &str) -> Result<PgStore, PassError> {
    Ok(crate::store::pg::PgRecords::open(url, command)?
        .pg()
        .clone())
}

/// Makes the queue's feeds the configured ones (new ones due now).
pub async fn sync(queue: &PgStore, config: &Config) -> Result<(), PassError> {
    Ok(queue.sync_feeds(&feed_rows(config)).await?)
}

/// Which feeds a pass may claim.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Only these feeds, and each once: a claim takes the feeds it gets out of the set
    /// (`fetch`, whose pass ends when the set is empty or nothing in it is claimable).
    /// `None`: any feed, as often as it falls due (a worker).
    pub only: Option<HashSet<String>>,
    /// Due or not (`fetch --all`).
    pub all: bool,
}

/// How long after an empty page claim a pass that queued no page itself claims pages again
/// (pages other processes queue are claimed by them first, and by this pass after this).
const PAGES_RECHECK: Duration = Duration::from_secs(1);

/// A pass's feeds claimed from the queue as room frees (the pass's `Source`): each claim
/// takes at most `batch` of the selection, and each feed is completed as soon as its outcome
/// is stored, so its host's slot goes back to the cluster at once.
struct Claims<'a> {
    queue: &'a PgStore,
    store: &'a Store,
    opts: &'a WorkerOptions,
    per_host: usize,
    min_interval: chrono::Duration,
    /// The pass's feeds (their index in the pass's list, by URL).
    feeds: &'a [&'a FeedConfig],
    index: HashMap<String, usize>,
    selection: Selection,
    expected: usize,
    /// Claimed and not yet completed: the feed's index, its host.
    held: HashMap<usize, String>,
    /// Every feed claimed, by URL.
    claimed: HashSet<String>,
    /// Every page claimed, by story: a page is fetched at most once a pass.
    paged: HashSet<String>,
    /// When a page claim last came back empty, while this pass has queued no page since:
    /// the next page claim waits `PAGES_RECHECK` (a pass of feeds without article pages
    /// would otherwise pay a page claim at every take).
    no_pages_since: Option<std::time::Instant>,
    completed: usize,
    lost: usize,
    /// Time spent in the queue's statements: claims, completes (for the debug log).
    timing: [(usize, Duration); 2],
}

impl Claims<'_> {
    async fn complete(&mut self, done: Vec<(String, DateTime<Utc>)>) -> Result<(), PassError> {
        if done.is_empty() {
            return Ok(());
        }
        let started = std::time::Instant::now();
        let completed = self.queue.complete_many(&self.opts.name, &done).await?;
        self.timing[1].0 += 1;
        self.timing[1].1 += started.elapsed();
        self.completed += completed.len();
        for (url, _) in done.iter().filter(|(u, _)| !completed.contains(u)) {
            self.lost += 1;
            tracing::warn!(
                "the lease on {url} ran out before its fetch was stored; another worker may fetch it again"
            );
        }
        Ok(())
    }

    /// Gives back the leases of feeds claimed and never stored (an interrupted pass), and of
    /// pages not fetched.
    async fn release(&mut self) -> Result<(), PassError> {
        let urls: Vec<String> = self
            .held
            .drain()
            .map(|(i, _)| self.feeds[i].url.to_string())
            .collect();
        self.queue.release_many(&self.opts.name, &urls).await?;
        self.queue
            .release_pages(&self.opts.name, None, None)
            .await?;
        Ok(())
    }

    /// Claims up to `room` due pages; a page this pass fetched already (its story changed
    /// again since) goes back for the next pass, after the shortest interval.
    async fn take_pages(&mut self, room: usize) -> Result<Vec<ArticleJob>, PassError> {
        if room == 0
            || self
                .no_pages_since
                .is_some_and(|t| t.elapsed() < PAGES_RECHECK)
        {
            return Ok(Vec::new());
        }
        let started = std::time::Instant::now();
        let jobs = self
            .queue
            .claim_pages(
                &self.opts.name,
                room.min(self.opts.batch),
                self.per_host,
                self.opts.lease,
            )
            .await?;
        self.timing[0].0 += 1;
        self.timing[0].1 += started.elapsed();
        self.no_pages_since = jobs.is_empty().then(std::time::Instant::now);
        let (fresh, again): (Vec<ArticleJob>, Vec<ArticleJob>) = jobs
            .into_iter()
            .partition(|j| self.paged.insert(j.story.clone()));
        if !again.is_empty() {
            let stories: Vec<String> = again.into_iter().map(|j| j.story).collect();
            let later = Utc::now() + self.min_interval;
            self.queue
                .release_pages(&self.opts.name, Some(&stories), Some(later))
                .await?;
        }
        Ok(fresh)
    }
}

impl super::Source for Claims<'_> {
    async fn take(&mut self, room: usize) -> Result<Work, PassError> {
        // Pages first: the stories already stored wait for their text.
        let pages = self.take_pages(room).await?;
        let feeds = self.take_feeds(room - pages.len()).await?;
        Ok(Work { feeds, pages })
    }

    fn queued(&mut self, pages: Vec<ArticleJob>) -> Vec<ArticleJob> {
        // In the queue: this pass or another claims them.
        if !pages.is_empty() {
            self.no_pages_since = None;
        }
        Vec::new()
    }

    async fn stored(&mut self, stored: &Stored) -> Result<(), PassError> {
        let now = Utc::now();
        for (host, until) in &stored.holds {
            if *until > now {
                self.queue.hold_host(host, *until).await?;
            }
        }
        let mut done = Vec::with_capacity(stored.feeds.len());
        for (i, state) in &stored.feeds {
            let Some(host) = self.held.remove(i) else {
                continue;
            };
            let next = if state.gone {
                now + chrono::Duration::days(30)
            } else {
                state.next_due.unwrap_or(now + self.min_interval)
            };
            if let Some(until) = state.retry_not_before.filter(|&u| u > now) {
                self.queue.hold_host(&host, until).await?;
            }
            done.push((self.feeds[*i].url.to_string(), next));
        }
        self.complete(done).await
    }

    fn expected(&self) -> usize {
        self.expected
    }
}

impl Claims<'_> {
    /// Claims up to `room` due feeds of the selection.
    async fn take_feeds(&mut self, room: usize) -> Result<super::FeedStates, PassError> {
        if room == 0 || self.selection.only.as_ref().is_some_and(HashSet::is_empty) {
            return Ok(Vec::new());
        }
        let filter = ClaimFilter {
            only: self
                .selection
                .only
                .as_ref()
                .map(|o| o.iter().cloned().collect()),
            ignore_schedule: self.selection.all,
        };
        // Claims of `batch` feeds each until the room is full or the queue has no more to
        // give: a pass whose concurrency is above the batch starts with every slot busy.
        let mut claims = Vec::new();
        while claims.len() < room {
            let want = (room - claims.len()).min(self.opts.batch);
            let started = std::time::Instant::now();
            let got = self
                .queue
                .claim_due(
                    &self.opts.name,
                    want,
                    self.per_host,
                    self.opts.lease,
                    &filter,
                )
                .await?;
            self.timing[0].0 += 1;
            self.timing[0].1 += started.elapsed();
            tracing::trace!(
                "claimed {} feeds of {want} wanted in {:?}",
                got.len(),
                started.elapsed()
            );
            let short = got.len() < want;
            claims.extend(got);
            if short {
                break;
            }
        }
        let urls: Vec<String> = claims.iter().map(|c| c.url.clone()).collect();
        if let Some(only) = self.selection.only.as_mut() {
            for url in &urls {
                only.remove(url);
            }
        }
        let states = self.store.feed_states_of(&urls)?;
        let now = Utc::now();
        let mut start = Vec::with_capacity(claims.len());
        let mut unfetched = Vec::new();
        for (claim, state) in claims.into_iter().zip(states) {
            let Some(&i) = self.index.get(&claim.url) else {
                // Not one of this pass's feeds (feeds.toml changed under a running worker):
                // back to the queue as it was.
                unfetched.push(claim.url);
                continue;
            };
            let state = state.unwrap_or_else(|| FeedState::new(&claim.url, &self.feeds[i].outlet));
            if !state.server_allows(now) {
                // The feed's server asked to wait (its Retry-After still runs): schedule it
                // for then, unfetched.
                let until = state.retry_not_before.unwrap_or(now + self.min_interval);
                self.queue.hold_host(&claim.host, until).await?;
                self.complete(vec![(claim.url, until)]).await?;
                continue;
            }
            self.claimed.insert(claim.url);
            self.held.insert(i, claim.host);
            start.push((i, state));
        }
        self.queue.release_many(&self.opts.name, &unfetched).await?;
        Ok(start)
    }
}

/// One pass by claims over `feeds` (the selection's, or all configured), the store open as
/// `store`: what `claimed_pass` and a worker's `pass` share. The leases of feeds claimed and
/// not stored (an interrupt) are given back.
#[allow(clippy::too_many_arguments)]
async fn claims_pass(
    config: &Config,
    db: &Db,
    (queue, store): (&PgStore, &Store),
    worker: &WorkerOptions,
    feeds: &[&FeedConfig],
    selection: Selection,
    expected: usize,
    opts: PassOptions<'_>,
) -> Result<Round, PassError> {
    // The pass needs a feed's state before its claim only for a feed with its own request
    // settings that moved (the settings go to its new address too): read those alone, not
    // every feed's at each poll of a worker.
    let own: Vec<String> = feeds
        .iter()
        .filter(|f| !f.request.is_default())
        .map(|f| f.url.to_string())
        .collect();
    let mut known: HashMap<String, FeedState> = own
        .iter()
        .cloned()
        .zip(store.feed_states_of(&own)?)
        .filter_map(|(url, state)| Some((url, state?)))
        .collect();
    let states: Vec<FeedState> = feeds
        .iter()
        .map(|f| {
            known
                .remove(f.url.as_str())
                .unwrap_or_else(|| FeedState::new(f.url.as_str(), &f.outlet))
        })
        .collect();
    search::index::catch_up(store)?;
    let mut claims = Claims {
        queue,
        store,
        opts: worker,
        per_host: config.fetch.per_host,
        min_interval: chrono::Duration::from_std(config.fetch.min_interval)
            .unwrap_or(chrono::Duration::minutes(5)),
        feeds,
        index: feeds
            .iter()
            .enumerate()
            .map(|(i, f)| (f.url.to_string(), i))
            .collect(),
        selection,
        expected,
        held: HashMap::new(),
        claimed: HashSet::new(),
        paged: HashSet::new(),
        no_pages_since: None,
        completed: 0,
        lost: 0,
        timing: Default::default(),
    };
    let mut report = PassReport::default();
    let ran = super::run_feeds(config, db, opts, (feeds, &states), &mut claims, &mut report).await;
    // Whatever happened, no lease is left running for nothing.
    claims.release().await?;
    let [(claimed, claiming), (completes, completing)] = claims.timing;
    tracing::debug!(
        "queue: {claimed} claims in {claiming:?}, {completes} completes in {completing:?}"
    );
    ran?;
    Ok(Round {
        claimed: claims.claimed.into_iter().collect(),
        completed: claims.completed,
        lost: claims.lost,
        report,
    })
}

/// A worker's pass: claims any due feed as room frees until none is claimable.
pub async fn pass(
    config: &Config,
    db: &Db,
    queue: &PgStore,
    worker: &WorkerOptions,
) -> Result<Round, PassError> {
    let feeds: Vec<&FeedConfig> = config.feeds().collect();
    let store = Store::open_db(db, "worker", worker.lock_wait, &mut |_| {})?;
    let expected = usize::try_from(queue.due_count().await?).unwrap_or(0);
    tracing::debug!("store open, {expected} feeds due");
    let opts = PassOptions {
        all: false,
        lock_wait: worker.lock_wait,
        on_wait: &mut |_| {},
        on_progress: &|_, _| {},
    };
    let round = claims_pass(
        config,
        db,
        (queue, &store),
        worker,
        &feeds,
        Selection::default(),
        expected,
        opts,
    )
    .await?;
    store.close()?;
    Ok(round)
}

/// `fetch` (and the desk's fetch) on PostgreSQL: one pass over the feeds `select` takes, by
/// the queue's claims as a worker would, so that passes, workers and desks running at once
/// never fetch a feed twice; each selected feed is taken at most once. Claims are made as
/// room frees and each feed handed back as soon as it is stored, so the pass keeps the
/// configured concurrency in flight. The report reads as a single pass's: feeds another
/// process holds are counted apart (`feeds_elsewhere`), and the failing feeds not fetched
/// this time are in `still_failing`.
pub async fn claimed_pass(
    config: &Config,
    db: &Db,
    url: &str,
    opts: PassOptions<'_>,
    select: &(dyn Fn(&FeedConfig) -> bool + Sync),
) -> Result<PassReport, PassError> {
    let queue = queue(url, "fetch")?;
    sync(&queue, config).await?;
    let feeds: Vec<&FeedConfig> = config.feeds().filter(|f| select(f)).collect();
    let store = Store::open_db(db, "fetch", opts.lock_wait, &mut |_| {})?;
    let expected = if opts.all {
        feeds.iter().filter(|f| f.enabled).count()
    } else {
        usize::try_from(queue.due_count().await?).unwrap_or(0)
    };
    let worker = WorkerOptions {
        name: format!("fetch@{}", default_name()),
        batch: config.fetch.concurrency.max(1),
        lease: Duration::from_secs(300),
        lock_wait: opts.lock_wait,
    };
    let selection = Selection {
        only: Some(
            feeds
                .iter()
                .filter(|f| f.enabled)
                .map(|f| f.url.to_string())
                .collect(),
        ),
        all: opts.all,
    };
    let all = opts.all;
    let round = claims_pass(
        config,
        db,
        (&queue, &store),
        &worker,
        &feeds,
        selection,
        expected,
        opts,
    )
    .await?;
    let mut report = round.report;
    let fetched: HashSet<String> = round.claimed.into_iter().collect();
    report.feeds_configured = feeds.len();
    report.feeds_due = fetched.len();
    let leases = queue.leases().await?;
    let unfetched: Vec<&FeedConfig> = feeds
        .iter()
        .copied()
        .filter(|f| f.enabled && !fetched.contains(f.url.as_str()))
        .collect();
    let urls: Vec<String> = unfetched.iter().map(|f| f.url.to_string()).collect();
    report.feeds_disabled = feeds.iter().filter(|f| !f.enabled).count();
    for (f, state) in unfetched.iter().zip(store.feed_states_of(&urls)?) {
        let url = f.url.as_str();
        let state = state.unwrap_or_else(|| FeedState::new(url, &f.outlet));
        if state.gone {
            report.feeds_gone += 1;
        } else if leases.contains_key(url) {
            report.feeds_elsewhere += 1;
        } else if all {
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
