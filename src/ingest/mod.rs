//! One fetch pass: due feeds → HTTP → parse → stories in sled, then each new or changed
//! story's page → extracted text. What `quotewire fetch` runs. `feed` holds the feed half,
//! `article` the page half; this file runs them and owns the database while it writes.
//!
//! The pass holds the database only while it reads or writes, never while it waits on the
//! network alone: it opens it to read which feeds are due and closes it; while the fetches run
//! it opens it when enough results wait to be written, and closes it when no result has come
//! for a moment, or after a couple of seconds at a stretch so that a waiting process gets its
//! turn. The author's `quotes` or `verify` can run in between. Writing is idempotent (stories
//! merge by id), so a second pass that overlaps this one can duplicate nothing; the `fetch`
//! command additionally lets only one pass run at a time on a directory (see `cli::fetch`); on
//! PostgreSQL passes claim their feeds instead (`worker::claimed_pass`).
//!
//! One feed's failure never stops the others; each outcome is recorded in that feed's state.
//! An interrupted pass (Ctrl-C) still stores everything fetched before the interrupt; a second
//! Ctrl-C quits at once. `run` needs tokio's multi-threaded runtime (writes block their worker
//! with `block_in_place` while the fetches go on on the others).

mod article;
mod feed;
pub mod links;
mod prepare;
pub mod worker;

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde::Serialize;
use tokio::task::JoinSet;
use url::Url;

use crate::config::{Config, FeedConfig};
use crate::fetcher::{AddressPolicy, FeedState, HttpClient, HttpError, Validators};
use crate::review;
use crate::search;
use crate::store::{ArticleJob, Db, Store, StoreError};
use prepare::PreparedTexts;

/// What keeps a second fetch pass from running on the same store.
pub enum RunLock {
    /// `DIR/fetch.lock`, locked while the file is open.
    File(std::fs::File),
    /// PostgreSQL needs no lock: passes there claim their feeds (`worker::claimed_pass`), so
    /// any number run at once and each feed goes to one of them.
    Claims,
}

/// The per-store fetch lock, so that one pass runs at a time on a directory: held while the
/// `RunLock` lives; `None` if another pass holds it.
pub fn run_lock(db: &Db) -> Result<Option<RunLock>, StoreError> {
    match db {
        Db::Dir(dir) => Ok(file_lock(dir)?.map(RunLock::File)),
        Db::Url(_) => Ok(Some(RunLock::Claims)),
    }
}

/// The `fetch` command's pass on either backend: on a directory one process's pass over the
/// selected feeds (under the run lock), on PostgreSQL the same pass by claims, so that it
/// shares the feeds with the workers and other passes running at once.
pub async fn fetch_pass(
    config: &Config,
    db: &Db,
    opts: PassOptions<'_>,
    select: &(dyn Fn(&FeedConfig) -> bool + Sync),
) -> Result<PassReport, PassError> {
    match db {
        Db::Dir(_) => run_selected(config, db, opts, select).await,
        Db::Url(url) => worker::claimed_pass(config, db, url, opts, select).await,
    }
}

fn file_lock(db_dir: &Path) -> Result<Option<std::fs::File>, StoreError> {
    let path = db_dir.join("fetch.lock");
    std::fs::create_dir_all(db_dir)
        .map_err(|e| StoreError::Io(format!("cannot create {}: {e}", db_dir.display())))?;
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| StoreError::Io(format!("cannot open {}: {e}", path.display())))?;
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(std::fs::TryLockError::WouldBlock) => Ok(None),
        Err(std::fs::TryLockError::Error(e)) => Err(StoreError::Io(format!(
            "cannot lock {}: {e}",
            path.display()
        ))),
    }
}

/// How a pass runs.
pub struct PassOptions<'a> {
    /// Take every enabled feed, due or not.
    pub all: bool,
    /// How long to wait for the database if another process holds it.
    pub lock_wait: Duration,
    /// Told once when the database is busy, with who holds it.
    pub on_wait: &'a mut dyn FnMut(&str),
    /// Told after each feed finishes: (done, total).
    pub on_progress: &'a (dyn Fn(usize, usize) + Sync),
}

/// What a pass did.
#[derive(Debug, Default, Clone, Serialize)]
pub struct PassReport {
    pub feeds_configured: usize,
    pub feeds_due: usize,
    pub feeds_changed: usize,
    pub feeds_not_modified: usize,
    pub feeds_unchanged: usize,
    pub feeds_failed: usize,
    pub feeds_gone: usize,
    pub feeds_disabled: usize,
    /// Feeds `--all` left alone because their server asked to wait (Retry-After).
    pub feeds_waiting: usize,
    /// Team mode: feeds left alone because another process (a worker, another fetch) holds
    /// their claim.
    pub feeds_elsewhere: usize,
    pub stories_new: usize,
    pub stories_updated: usize,
    pub stories_unchanged: usize,
    /// Entries with nothing to identify them by (no link, guid or title).
    pub entries_skipped: usize,
    pub failures: Vec<FeedFailure>,
    /// Whether the machine looked offline: every feed fetched this pass failed because its
    /// host name did not resolve.
    pub offline: bool,
    /// Configured, enabled feeds not fetched this pass that are failing (their last fetch
    /// failed) or gone, with their last error: a cron wrapper hears of them on every pass.
    pub still_failing: Vec<FeedFailure>,
    /// Feeds that moved permanently: (configured URL, new URL).
    pub moved: Vec<(String, String)>,
    pub interrupted: bool,
    /// Story pages fetched and extracted.
    pub articles_fetched: usize,
    /// Pages fetched that gave less text than the feed (the story keeps the feed's text).
    pub articles_short: usize,
    /// Pages that could not be had this time.
    pub articles_failed: usize,
    /// Pages whose extraction failed or was given up (a parser panic, or past the deadline):
    /// problems with quotewire or the page, which make the pass exit 1.
    pub pages_broken: Vec<FeedFailure>,
    /// Feeds and pages cut to quotewire's limits: (URL, what was cut).
    pub limited: Vec<(String, String)>,
}

impl PassReport {
    /// Adds another pass's report to this one (the rounds of a claimed pass). The feed
    /// counts of selection (`feeds_configured`, `_due`, `_gone`, `_disabled`, `_waiting`,
    /// `_elsewhere`), `still_failing` and `offline` are the caller's to set.
    pub fn absorb(&mut self, other: PassReport) {
        self.feeds_changed += other.feeds_changed;
        self.feeds_not_modified += other.feeds_not_modified;
        self.feeds_unchanged += other.feeds_unchanged;
        self.feeds_failed += other.feeds_failed;
        self.stories_new += other.stories_new;
        self.stories_updated += other.stories_updated;
        self.stories_unchanged += other.stories_unchanged;
        self.entries_skipped += other.entries_skipped;
        self.failures.extend(other.failures);
        self.moved.extend(other.moved);
        self.interrupted |= other.interrupted;
        self.articles_fetched += other.articles_fetched;
        self.articles_short += other.articles_short;
        self.articles_failed += other.articles_failed;
        self.pages_broken.extend(other.pages_broken);
        self.limited.extend(other.limited);
    }
}

impl FeedFailure {
    /// A failing or gone feed not fetched this pass, with its last error.
    pub fn still(f: &FeedConfig, s: &FeedState) -> FeedFailure {
        FeedFailure {
            url: f.url.to_string(),
            outlet: f.outlet.clone(),
            error: s
                .last_error
                .clone()
                .unwrap_or_else(|| "the last fetch failed".into()),
            next_try: (!s.gone).then_some(s.next_due).flatten(),
            unresolved: false,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct FeedFailure {
    pub url: String,
    pub outlet: String,
    pub error: String,
    pub next_try: Option<DateTime<Utc>>,
    /// The failure was a host name that did not resolve.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub unresolved: bool,
}

/// A finished fetch: a feed or a story's page.
enum Done {
    Feed(feed::Outcome),
    Article(article::Outcome),
}

/// Why a pass could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum PassError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Http(#[from] HttpError),
}

/// Everything that follows from a story's text changing from `old` to `new`: its postings in
/// the passage index (collected in `pending`) and its quotations, both computed before the
/// database was opened (`prepared`). Nothing when the text is the same.
fn text_changed(
    store: &Store,
    pending: &mut search::index::Pending,
    prepared: &mut PreparedTexts,
    id: &str,
    old: Option<&str>,
    new: &str,
) -> Result<(), StoreError> {
    texts_changed(
        store,
        pending,
        prepared,
        &[(id.to_string(), old.map(str::to_string), new.to_string())],
    )
}

/// `text_changed` for several stories (a feed's), with one store operation of each kind for
/// all of them: marked as not yet indexed, then their quotations read and replaced.
fn texts_changed(
    store: &Store,
    pending: &mut search::index::Pending,
    prepared: &mut PreparedTexts,
    changes: &[(String, Option<String>, String)],
) -> Result<(), StoreError> {
    let changes: Vec<&(String, Option<String>, String)> = changes
        .iter()
        .filter(|(_, old, new)| old.as_deref() != Some(new.as_str()))
        .collect();
    if changes.is_empty() {
        return Ok(());
    }
    let ids: Vec<String> = changes.iter().map(|(id, _, _)| id.clone()).collect();
    store.mark_unindexed_many(&ids)?;
    let mut found = Vec::with_capacity(changes.len());
    for (id, _, new) in &changes {
        let p = prepared.get(new, false);
        pending.add_marked(id, &p.fingerprints);
        found.push((
            id.as_str(),
            new.as_str(),
            p.quotes.clone(),
            p.quote_limits.clone(),
        ));
    }
    review::refresh_many(store, found)?;
    Ok(())
}

/// What may run at once of the CPU work on fetched bytes (parsing, extraction, preparing
/// texts): one task per core, so that a few heavy pages at a time cost a few pages' memory.
fn cpu_slots() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// Runs one pass over the configured feeds.
pub async fn run(config: &Config, db: &Db, opts: PassOptions<'_>) -> Result<PassReport, PassError> {
    run_selected(config, db, opts, &|_| true).await
}

/// Runs one pass over the configured feeds `select` takes (`fetch --outlet`, `--feed`); the
/// report counts those only. Addresses every configured feed names stay trusted.
pub async fn run_selected(
    config: &Config,
    db: &Db,
    opts: PassOptions<'_>,
    select: &(dyn Fn(&FeedConfig) -> bool + Sync),
) -> Result<PassReport, PassError> {
    let now = Utc::now();
    // 1. Which feeds are due (database open briefly).
    let feeds: Vec<&FeedConfig> = config.feeds().filter(|f| select(f)).collect();
    let mut report = PassReport {
        feeds_configured: feeds.len(),
        ..Default::default()
    };
    let mut states = Vec::with_capacity(feeds.len());
    let waiting_pages;
    {
        let store = Store::open_db(db, "fetch", opts.lock_wait, opts.on_wait)?;
        for f in &feeds {
            let state = store
                .feed_state(f.url.as_str())?
                .unwrap_or_else(|| FeedState::new(f.url.as_str(), &f.outlet));
            states.push(state);
        }
        waiting_pages = store.due_article_jobs(now)?;
        search::index::catch_up(&store)?;
        store.close()?;
    }
    let mut due = Vec::new();
    for (i, (f, s)) in feeds.iter().zip(&states).enumerate() {
        if !f.enabled {
            report.feeds_disabled += 1;
        } else if s.gone {
            report.feeds_gone += 1;
        } else if (opts.all && s.server_allows(now)) || s.is_due(now) {
            due.push(i);
        } else if opts.all {
            report.feeds_waiting += 1;
        }
    }
    report.feeds_due = due.len();
    for (i, (f, s)) in feeds.iter().zip(&states).enumerate() {
        if f.enabled && !due.contains(&i) && (s.gone || s.error_count > 0) {
            report.still_failing.push(FeedFailure::still(f, s));
        }
    }
    if due.is_empty() && waiting_pages.is_empty() {
        return Ok(report);
    }
    let mut source = Listed {
        expected: due.len(),
        work: Some(Work {
            feeds: due.iter().map(|&i| (i, states[i].clone())).collect(),
            pages: waiting_pages,
        }),
    };
    run_feeds(
        config,
        db,
        opts,
        (&feeds, &states),
        &mut source,
        &mut report,
    )
    .await?;
    Ok(report)
}

/// Feeds of a pass with their states: (index into the pass's feeds, state).
pub(crate) type FeedStates = Vec<(usize, FeedState)>;

/// What a source gives a pass to start: feeds, and the pages of stories.
#[derive(Default)]
pub(crate) struct Work {
    pub feeds: FeedStates,
    pub pages: Vec<ArticleJob>,
}

/// What a round of writes stored, for the source.
#[derive(Default)]
pub(crate) struct Stored {
    /// The feeds stored, with their new states.
    pub feeds: FeedStates,
    /// Hosts whose server asked to wait (a page's `Retry-After`), until when.
    pub holds: Vec<(String, DateTime<Utc>)>,
}

/// Where a pass's work comes from: all at once (`Listed`, a directory's pass), or a little at
/// a time from team mode's queue as fetches finish (`worker::Claims`).
pub(crate) trait Source {
    /// Work to start now, at most `room` fetches of it (a source may give fewer, or all it
    /// has): feeds, each an index into the pass's feeds with the state to fetch it from, and
    /// pages. Empty when none is to be had now; the pass asks again after its next write,
    /// and ends when nothing is in flight and none is to be had.
    fn take(&mut self, room: usize) -> impl std::future::Future<Output = Result<Work, PassError>>;
    /// Of the pages a round of writes queued, those the pass fetches at once (the others
    /// wait in the store for a claim).
    fn queued(&mut self, pages: Vec<ArticleJob>) -> Vec<ArticleJob>;
    /// A round of writes stored these.
    fn stored(
        &mut self,
        stored: &Stored,
    ) -> impl std::future::Future<Output = Result<(), PassError>>;
    /// How many feeds the pass expects to fetch in all (for its progress).
    fn expected(&self) -> usize;
}

/// The feeds a directory's pass found due and the pages waiting, all at once; the pages of
/// new stories as they are queued.
struct Listed {
    work: Option<Work>,
    expected: usize,
}

impl Source for Listed {
    async fn take(&mut self, _room: usize) -> Result<Work, PassError> {
        Ok(self.work.take().unwrap_or_default())
    }

    fn queued(&mut self, pages: Vec<ArticleJob>) -> Vec<ArticleJob> {
        pages
    }

    async fn stored(&mut self, _stored: &Stored) -> Result<(), PassError> {
        Ok(())
    }

    fn expected(&self) -> usize {
        self.expected
    }
}

/// The network half of a pass and its writes: fetches the feeds and pages `source` gives
/// (feeds as indices into `feeds`; `known` holds their states as the pass began, for their
/// moves, at least of those with their own request settings) and the pages of every new or
/// changed story it lets through, storing results as they come.
async fn run_feeds<S: Source>(
    config: &Config,
    db: &Db,
    mut opts: PassOptions<'_>,
    (feeds, known): (&[&FeedConfig], &[FeedState]),
    source: &mut S,
    report: &mut PassReport,
) -> Result<(), PassError> {
    // The network work, database closed.
    let policy = AddressPolicy::new(config.feeds().map(|f| &f.url));
    let mut client = HttpClient::new(&config.fetch, policy)?;
    for (f, state) in feeds.iter().zip(known) {
        client.set_request_settings(&f.url, &f.request);
        if let Some(moved) = state.moved_to.as_deref().and_then(|u| Url::parse(u).ok()) {
            client.set_request_settings(&moved, &f.request);
        }
    }
    let client = Arc::new(client);
    let cpu = Arc::new(tokio::sync::Semaphore::new(cpu_slots()));
    let concurrency = config.fetch.concurrency.max(1);
    let mut tasks = JoinSet::new();
    let spawn_feeds = |tasks: &mut JoinSet<Done>, start: Vec<(usize, FeedState)>| {
        let n = start.len();
        for (i, state) in start {
            let client = client.clone();
            let cpu = cpu.clone();
            let url = state
                .moved_to
                .as_deref()
                .and_then(|u| Url::parse(u).ok())
                .unwrap_or_else(|| feeds[i].url.clone());
            tasks.spawn(async move {
                let validators = Validators {
                    etag: state.etag.clone(),
                    last_modified: state.last_modified.clone(),
                };
                let at = Utc::now();
                let result =
                    feed::fetch_one(&client, &cpu, &url, &validators, state.body_hash.as_deref())
                        .await;
                Done::Feed(feed::Outcome {
                    index: i,
                    at,
                    result,
                    state,
                })
            });
        }
        n
    };
    // A page is fetched at most once a pass, even if its story changes in two feeds.
    let mut paged = std::collections::HashSet::new();
    let mut spawn_pages = |tasks: &mut JoinSet<Done>, jobs: Vec<ArticleJob>| {
        let mut n = 0;
        for job in jobs {
            if !paged.insert(job.story.clone()) {
                continue;
            }
            n += 1;
            let rules = config
                .outlet(&job.outlet)
                .map(|o| o.rules.clone())
                .unwrap_or_default();
            let client = client.clone();
            let cpu = cpu.clone();
            tasks
                .spawn(async move { Done::Article(article::fetch(client, cpu, job, rules).await) });
        }
        n
    };
    // Starts a source's work: (feeds, pages) begun.
    let mut spawn = |tasks: &mut JoinSet<Done>, work: Work| {
        (
            spawn_feeds(tasks, work.feeds),
            spawn_pages(tasks, work.pages),
        )
    };
    // Listening for Ctrl-C starts before the first fetch does, so an interrupt is never lost.
    let interrupt = interrupted();
    // Fetches running now, feeds and pages.
    let (first, pages) = spawn(&mut tasks, source.take(concurrency).await?);
    let mut in_flight = first + pages;
    let mut total = source.expected() + pages;
    // Store results as they come back, holding the database only while results wait to be
    // written (see `Writer`); the pages of new stories join the fetches in flight, and the
    // source's next feeds as room frees.
    let mut writer = Writer {
        config,
        db,
        feeds,
        open: None,
        rest_until: None,
        pending: Default::default(),
    };
    let mut pending = Vec::new();
    let mut done = 0;
    // Write rounds and the time they took (for the debug log).
    let mut writes = (0, Duration::ZERO);
    tokio::pin!(interrupt);
    loop {
        let idle = async {
            if writer.holds() {
                tokio::time::sleep(IDLE_CLOSE).await
            } else {
                std::future::pending().await
            }
        };
        tokio::select! {
            next = tasks.join_next() => {
                let before = pending.len();
                let last = match next {
                    Some(Ok(outcome)) => {
                        pending.push(outcome);
                        while let Some(more) = tasks.try_join_next() {
                            match more {
                                Ok(outcome) => pending.push(outcome),
                                Err(e) => tracing::error!("a fetch task failed: {e}"),
                            }
                        }
                        false
                    }
                    Some(Err(e)) => {
                        tracing::error!("a fetch task failed: {e}");
                        continue;
                    }
                    // Everything in flight is done: write what waits, then fetch the pages
                    // that queues and what the source has next, if anything.
                    None => true,
                };
                let joined = &pending[before..];
                in_flight = in_flight.saturating_sub(joined.len());
                if last {
                    // Nothing runs now, whatever a task that failed was fetching.
                    in_flight = 0;
                }
                done += joined.len();
                if !last {
                    (opts.on_progress)(done, total);
                }
                if last || writer.wants(pending.len()) {
                    // The slots these results freed are filled before the round is written,
                    // so they do not wait for the write; when everything is done the pass
                    // takes after the write, which gives the source these feeds' hosts back.
                    let quarter = concurrency.div_ceil(4);
                    let mut started = 0;
                    let mut filled = false;
                    let room = concurrency.saturating_sub(in_flight);
                    if !last && room >= quarter {
                        let (feeds, pages) = spawn(&mut tasks, source.take(room).await?);
                        in_flight += feeds + pages;
                        total = total.max(done + feeds) + pages;
                        started += feeds + pages;
                        filled = feeds + pages == room;
                    }
                    let round = std::mem::take(&mut pending);
                    let begun = Instant::now();
                    let (pages, stored) =
                        tokio::task::block_in_place(|| writer.write(round, report, &mut opts))?;
                    writes.0 += 1;
                    writes.1 += begun.elapsed();
                    tracing::trace!(
                        "wrote {} results in {:?}, {in_flight} in flight",
                        stored.feeds.len(),
                        begun.elapsed()
                    );
                    let pages = Work {
                        feeds: Vec::new(),
                        pages: source.queued(pages),
                    };
                    let (_, queued) = spawn(&mut tasks, pages);
                    in_flight += queued;
                    total += queued;
                    started += queued;
                    source.stored(&stored).await?;
                    let room = concurrency.saturating_sub(in_flight);
                    if last || (!filled && room >= quarter) {
                        let (feeds, pages) = spawn(&mut tasks, source.take(room).await?);
                        in_flight += feeds + pages;
                        total = total.max(done + feeds) + pages;
                        started += feeds + pages;
                    }
                    // Nothing runs and the source had nothing more after the write: done.
                    if in_flight == 0 && started == 0 {
                        break;
                    }
                }
            },
            _ = idle => tokio::task::block_in_place(|| writer.close())?,
            _ = &mut interrupt => {
                tracing::warn!("interrupted: storing the feeds fetched so far");
                tasks.abort_all();
                report.interrupted = true;
                // A second Ctrl-C quits at once: sled writes are atomic, so that loses the
                // results not yet written but damages nothing.
                let again = interrupted();
                tokio::spawn(async move {
                    again.await;
                    eprintln!("interrupted again: quitting; results not yet stored are lost");
                    std::process::exit(130);
                });
                break;
            }
        }
    }
    // After an interrupt, what is left; pages it queues stay queued for the next pass.
    let stored = tokio::task::block_in_place(|| {
        let mut stored = Stored::default();
        if !pending.is_empty() {
            stored = writer.write(pending, report, &mut opts)?.1;
        }
        writer.close()?;
        Ok::<_, PassError>(stored)
    })?;
    source.stored(&stored).await?;
    tracing::debug!("{} write rounds in {:?}", writes.0, writes.1);
    // Results were stored as they came; report failures in feeds.toml order.
    report
        .failures
        .sort_by_key(|f| feeds.iter().position(|c| c.url.as_str() == f.url));
    let fetched = report.feeds_changed
        + report.feeds_not_modified
        + report.feeds_unchanged
        + report.feeds_failed;
    report.offline =
        fetched > 0 && report.failures.iter().filter(|f| f.unresolved).count() == fetched;
    Ok(())
}

/// Resolves at the next Ctrl-C (SIGINT) after this call. tokio's `ctrl_c()` only starts
/// listening when first polled, so an interrupt that came between the call and the first poll
/// was lost; this listens from the moment it is called.
pub fn interrupted() -> impl std::future::Future<Output = ()> + Send {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let listener = signal(SignalKind::interrupt());
        async move {
            match listener {
                Ok(mut l) => {
                    if l.recv().await.is_none() {
                        std::future::pending::<()>().await
                    }
                }
                Err(e) => {
                    tracing::warn!("cannot listen for Ctrl-C: {e}");
                    std::future::pending::<()>().await
                }
            }
        }
    }
    #[cfg(not(unix))]
    {
        async {
            if tokio::signal::ctrl_c().await.is_err() {
                std::future::pending::<()>().await
            }
        }
    }
}

/// Results that make it worth opening the database for a round of writes.
const WRITE_ROUND: usize = 50;
/// The database is closed when no result has come for this long.
const IDLE_CLOSE: Duration = Duration::from_millis(250);
/// The longest the database is held at a stretch while results keep coming ...
const MAX_HOLD: Duration = Duration::from_secs(2);
/// ... before it is let go for this long, so that a waiting process gets its turn (waiters
/// try every 100 ms).
const REST: Duration = Duration::from_millis(300);

/// Writes outcomes to the database, opening it when results wait and closing it when none
/// come for a while, or when it has been held for `MAX_HOLD`. A store other processes use at
/// the same time (PostgreSQL) stays open for the pass and gets every result as it comes,
/// postings included.
struct Writer<'a> {
    config: &'a Config,
    db: &'a Db,
    feeds: &'a [&'a FeedConfig],
    open: Option<(Store, Instant)>,
    rest_until: Option<Instant>,
    /// Postings of texts written since the database was opened; written as a segment on close.
    pending: search::index::Pending,
}

impl Writer<'_> {
    /// Whether the writer holds a store that others wait for (sled's), to let go when idle.
    fn holds(&self) -> bool {
        self.open.as_ref().is_some_and(|(s, _)| !s.shared())
    }

    fn shared(&self) -> bool {
        matches!(self.db, Db::Url(_))
    }

    /// Whether `waiting` results should be written now.
    fn wants(&self, waiting: usize) -> bool {
        let rested = self.rest_until.is_none_or(|t| Instant::now() >= t);
        waiting > 0 && (self.shared() || self.open.is_some() || (waiting >= WRITE_ROUND && rested))
    }

    /// Writes a round of results; returns the pages of new or changed stories, to fetch, and
    /// what it stored.
    fn write(
        &mut self,
        outcomes: Vec<Done>,
        report: &mut PassReport,
        opts: &mut PassOptions<'_>,
    ) -> Result<(Vec<ArticleJob>, Stored), PassError> {
        let mut pages = Vec::new();
        let mut stored = Stored::default();
        if outcomes.is_empty() {
            return Ok((pages, stored));
        }
        if self.open.is_none() {
            let store = Store::open_db(self.db, "fetch", opts.lock_wait, opts.on_wait)?;
            self.open = Some((store, Instant::now()));
        }
        if let Some((store, _)) = &self.open {
            // Re-read: another process may have written these feeds' states meanwhile.
            let urls: Vec<String> = outcomes
                .iter()
                .filter_map(|d| match d {
                    Done::Feed(o) => Some(self.feeds[o.index].url.to_string()),
                    Done::Article(_) => None,
                })
                .collect();
            let mut current = store.feed_states_of(&urls)?.into_iter();
            for done in outcomes {
                match done {
                    Done::Feed(outcome) => {
                        let index = outcome.index;
                        let feed = self.feeds[index];
                        let state = match current.next().flatten() {
                            Some(state) => state,
                            None => outcome.state.clone(),
                        };
                        let (jobs, state) = feed::apply(
                            store,
                            &mut self.pending,
                            self.config,
                            feed,
                            state,
                            outcome,
                            report,
                        )?;
                        pages.extend(jobs);
                        stored.feeds.push((index, state));
                    }
                    Done::Article(outcome) => {
                        let host = outcome.host();
                        let wait =
                            article::apply(store, &mut self.pending, self.config, outcome, report)?;
                        if let Some(until) = wait {
                            stored.holds.push((host, until));
                        }
                    }
                }
            }
            let states: Vec<(String, FeedState)> = stored
                .feeds
                .iter()
                .map(|(i, state)| (self.feeds[*i].url.to_string(), state.clone()))
                .collect();
            store.put_feed_states(&states)?;
            if store.shared() {
                self.pending.flush(store)?;
            }
        }
        if self
            .open
            .as_ref()
            .is_some_and(|(s, at)| !s.shared() && at.elapsed() >= MAX_HOLD)
        {
            self.close()?;
            self.rest_until = Some(Instant::now() + REST);
        }
        Ok((pages, stored))
    }

    fn close(&mut self) -> Result<(), PassError> {
        if let Some((store, at)) = self.open.take() {
            self.pending.flush(&store)?;
            store.close()?;
            tracing::debug!("database held for {:?}", at.elapsed());
        }
        Ok(())
    }
}
