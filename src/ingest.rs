//! One fetch pass: due feeds → HTTP → parse → stories in sled. What `quotewire fetch` runs.
//!
//! The pass holds the database only while it reads or writes, never while it waits on the
//! network alone: it opens it to read which feeds are due and closes it; while the fetches run
//! it opens it when enough results wait to be written, and closes it when no result has come
//! for a moment, or after a couple of seconds at a stretch so that a waiting process gets its
//! turn. The author's `quotes` or `verify` can run in between. Writing is idempotent (stories
//! merge by id), so a second pass that overlaps this one can duplicate nothing; the `fetch`
//! command additionally lets only one pass run at a time (see `cli::fetch`).
//!
//! One feed's failure never stops the others; each outcome is recorded in that feed's state.
//! An interrupted pass (Ctrl-C) still stores everything fetched before the interrupt; a second
//! Ctrl-C quits at once. `run` needs tokio's multi-threaded runtime (writes block their worker
//! with `block_in_place` while the fetches go on on the others).

use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};
use tokio::task::JoinSet;
use url::Url;

use crate::config::{Config, FeedConfig, FetchSettings};
use crate::fetcher::schedule::{backoff, learned_interval, next_interval};
use crate::fetcher::{AddressPolicy, FeedState, HttpClient, HttpError, Validators};
use crate::parser::{self, ParseError, ParsedFeed};
use crate::store::{Store, StoreError};
use crate::story::{self, Change, Observation};

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
    pub stories_new: usize,
    pub stories_updated: usize,
    pub stories_unchanged: usize,
    /// Entries with nothing to identify them by (no link, guid or title).
    pub entries_skipped: usize,
    pub failures: Vec<FeedFailure>,
    /// Feeds that moved permanently: (configured URL, new URL).
    pub moved: Vec<(String, String)>,
    pub interrupted: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct FeedFailure {
    pub url: String,
    pub outlet: String,
    pub error: String,
    pub next_try: Option<DateTime<Utc>>,
}

/// Why a pass could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum PassError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Http(#[from] HttpError),
}

/// The result of fetching one feed, before anything is stored.
enum Fetched {
    /// 304, or a 200 whose body hashes the same as last time.
    Same {
        status: u16,
        max_age: Option<Duration>,
    },
    Parsed {
        feed: Box<ParsedFeed>,
        body_hash: String,
        etag: Option<String>,
        last_modified: Option<String>,
        max_age: Option<Duration>,
        moved_to: Option<Url>,
    },
}

#[derive(Debug, thiserror::Error)]
enum FeedError {
    #[error(transparent)]
    Http(#[from] HttpError),
    #[error(transparent)]
    Parse(#[from] ParseError),
}

struct Outcome {
    index: usize,
    at: DateTime<Utc>,
    result: Result<Fetched, FeedError>,
}

/// Runs one pass over the configured feeds.
pub async fn run(
    config: &Config,
    db_dir: &Path,
    mut opts: PassOptions<'_>,
) -> Result<PassReport, PassError> {
    let now = Utc::now();
    let mut report = PassReport {
        feeds_configured: config.feeds().count(),
        ..Default::default()
    };

    // 1. Which feeds are due (database open briefly).
    let feeds: Vec<&FeedConfig> = config.feeds().collect();
    let mut states = Vec::with_capacity(feeds.len());
    {
        let store = Store::open(db_dir, "fetch", opts.lock_wait, opts.on_wait)?;
        for f in &feeds {
            let state = store
                .feed_state(f.url.as_str())?
                .unwrap_or_else(|| FeedState::new(f.url.as_str(), &f.outlet));
            states.push(state);
        }
        store.close()?;
    }
    let mut due = Vec::new();
    for (i, (f, s)) in feeds.iter().zip(&states).enumerate() {
        if !f.enabled {
            report.feeds_disabled += 1;
        } else if s.gone {
            report.feeds_gone += 1;
        } else if opts.all || s.is_due(now) {
            due.push(i);
        }
    }
    report.feeds_due = due.len();
    if due.is_empty() {
        return Ok(report);
    }

    // 2. The network work, database closed.
    let policy = AddressPolicy::new(feeds.iter().map(|f| &f.url));
    let client = Arc::new(HttpClient::new(&config.fetch, policy)?);
    let mut tasks = JoinSet::new();
    for &i in &due {
        let client = client.clone();
        let state = &states[i];
        let url = state
            .moved_to
            .as_deref()
            .and_then(|u| Url::parse(u).ok())
            .unwrap_or_else(|| feeds[i].url.clone());
        let validators = Validators {
            etag: state.etag.clone(),
            last_modified: state.last_modified.clone(),
        };
        let previous_hash = state.body_hash.clone();
        tasks.spawn(async move {
            let at = Utc::now();
            let result = fetch_one(&client, &url, &validators, previous_hash.as_deref()).await;
            Outcome {
                index: i,
                at,
                result,
            }
        });
    }
    // 3. Store results as they come back, holding the database only while results wait to
    // be written (see `Writer`).
    let total = due.len();
    let mut writer = Writer {
        config,
        db_dir,
        feeds: &feeds,
        states: &states,
        open: None,
        rest_until: None,
    };
    let mut pending = Vec::new();
    let mut done = 0;
    let interrupt = tokio::signal::ctrl_c();
    tokio::pin!(interrupt);
    loop {
        let idle = async {
            if writer.is_open() {
                tokio::time::sleep(IDLE_CLOSE).await
            } else {
                std::future::pending().await
            }
        };
        tokio::select! {
            next = tasks.join_next() => match next {
                Some(Ok(outcome)) => {
                    pending.push(outcome);
                    done += 1;
                    while let Some(more) = tasks.try_join_next() {
                        match more {
                            Ok(outcome) => {
                                pending.push(outcome);
                                done += 1;
                            }
                            Err(e) => tracing::error!("a fetch task failed: {e}"),
                        }
                    }
                    (opts.on_progress)(done, total);
                    if writer.wants(pending.len()) {
                        let round = std::mem::take(&mut pending);
                        tokio::task::block_in_place(|| writer.write(round, &mut report, &mut opts))?;
                    }
                }
                Some(Err(e)) => tracing::error!("a fetch task failed: {e}"),
                None => break,
            },
            _ = idle => tokio::task::block_in_place(|| writer.close())?,
            _ = &mut interrupt => {
                tracing::warn!("interrupted: storing the feeds fetched so far");
                tasks.abort_all();
                report.interrupted = true;
                // A second Ctrl-C quits at once: sled writes are atomic, so that loses the
                // results not yet written but damages nothing.
                tokio::spawn(async {
                    if tokio::signal::ctrl_c().await.is_ok() {
                        eprintln!("interrupted again: quitting; results not yet stored are lost");
                        std::process::exit(130);
                    }
                });
                break;
            }
        }
    }
    tokio::task::block_in_place(|| {
        if !pending.is_empty() {
            writer.write(pending, &mut report, &mut opts)?;
        }
        writer.close()
    })?;
    // Results were stored as they came; report failures in feeds.toml order.
    report
        .failures
        .sort_by_key(|f| feeds.iter().position(|c| c.url.as_str() == f.url));
    Ok(report)
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
/// come for a while, or when it has been held for `MAX_HOLD`.
struct Writer<'a> {
    config: &'a Config,
    db_dir: &'a Path,
    feeds: &'a [&'a FeedConfig],
    states: &'a [FeedState],
    open: Option<(Store, Instant)>,
    rest_until: Option<Instant>,
}

impl Writer<'_> {
    fn is_open(&self) -> bool {
        self.open.is_some()
    }

    /// Whether `waiting` results should be written now.
    fn wants(&self, waiting: usize) -> bool {
        let rested = self.rest_until.is_none_or(|t| Instant::now() >= t);
        waiting > 0 && (self.is_open() || (waiting >= WRITE_ROUND && rested))
    }

    fn write(
        &mut self,
        outcomes: Vec<Outcome>,
        report: &mut PassReport,
        opts: &mut PassOptions<'_>,
    ) -> Result<(), PassError> {
        if self.open.is_none() {
            let store = Store::open(self.db_dir, "fetch", opts.lock_wait, opts.on_wait)?;
            self.open = Some((store, Instant::now()));
        }
        if let Some((store, _)) = &self.open {
            for outcome in outcomes {
                let feed = self.feeds[outcome.index];
                // Re-read: another process may have written this feed's state meanwhile.
                let state = store
                    .feed_state(feed.url.as_str())?
                    .unwrap_or_else(|| self.states[outcome.index].clone());
                apply(store, self.config, feed, state, outcome, report)?;
            }
        }
        if self
            .open
            .as_ref()
            .is_some_and(|(_, at)| at.elapsed() >= MAX_HOLD)
        {
            self.close()?;
            self.rest_until = Some(Instant::now() + REST);
        }
        Ok(())
    }

    fn close(&mut self) -> Result<(), PassError> {
        if let Some((store, at)) = self.open.take() {
            store.close()?;
            tracing::debug!("database held for {:?}", at.elapsed());
        }
        Ok(())
    }
}

async fn fetch_one(
    client: &HttpClient,
    url: &Url,
    validators: &Validators,
    previous_hash: Option<&str>,
) -> Result<Fetched, FeedError> {
    let resp = client.get(url, validators).await?;
    let body_hash = hex(&Sha256::digest(&resp.body));
    if resp.not_modified() || previous_hash == Some(body_hash.as_str()) {
        return Ok(Fetched::Same {
            status: resp.status,
            max_age: resp.max_age,
        });
    }
    let base = resp.final_url.clone();
    let content_type = resp.content_type.clone();
    let body = resp.body;
    let feed = tokio::task::spawn_blocking(move || {
        parser::parse(&body, content_type.as_deref(), Some(&base))
    })
    .await
    .map_err(|e| ParseError::Invalid(format!("the parser stopped: {e}")))??;
    Ok(Fetched::Parsed {
        feed: Box::new(feed),
        body_hash,
        etag: resp.etag,
        last_modified: resp.last_modified,
        max_age: resp.max_age,
        moved_to: resp.moved_to,
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Records one feed's outcome: its state, and its entries as stories.
fn apply(
    store: &Store,
    config: &Config,
    feed: &FeedConfig,
    mut state: FeedState,
    outcome: Outcome,
    report: &mut PassReport,
) -> Result<(), StoreError> {
    let settings = &config.fetch;
    let now = outcome.at;
    state.last_attempt = Some(now);
    state.outlet = feed.outlet.clone();
    match outcome.result {
        Ok(Fetched::Same { status, max_age }) => {
            if status == 304 {
                report.feeds_not_modified += 1;
                state.last_result = Some("not modified".into());
            } else {
                report.feeds_unchanged += 1;
                state.last_result = Some("unchanged".into());
            }
            state.last_status = Some(status);
            succeed(&mut state, feed, settings, now, max_age);
        }
        Ok(Fetched::Parsed {
            feed: parsed,
            body_hash,
            etag,
            last_modified,
            max_age,
            moved_to,
        }) => {
            let (new, updated, unchanged) =
                store_entries(store, config, feed, &parsed, now, report)?;
            report.feeds_changed += 1;
            report.stories_new += new;
            report.stories_updated += updated;
            report.stories_unchanged += unchanged;
            if let Some(to) = moved_to {
                report.moved.push((feed.url.to_string(), to.to_string()));
                state.moved_to = Some(to.to_string());
            }
            let dates: Vec<_> = parsed
                .entries
                .iter()
                .filter_map(|e| e.published.or(e.updated))
                .collect();
            state.learned_secs = learned_interval(&dates, now, settings).as_secs();
            state.ttl_minutes = parsed.ttl;
            state.etag = etag;
            state.last_modified = last_modified;
            state.body_hash = Some(body_hash);
            state.title = parsed.title.clone();
            state.entries = parsed.entries.len() as u32;
            state.last_status = Some(200);
            state.last_result = Some(format!(
                "{new} new, {updated} updated, {unchanged} unchanged"
            ));
            succeed(&mut state, feed, settings, now, max_age);
        }
        Err(e) => {
            report.feeds_failed += 1;
            state.error_count += 1;
            let (status, retry_after) = match &e {
                FeedError::Http(HttpError::Status { code, retry_after }) => {
                    (Some(*code), *retry_after)
                }
                _ => (None, None),
            };
            state.last_status = status;
            if status == Some(410) {
                state.gone = true;
            }
            let message = e.to_string();
            state.last_error = Some(message.clone());
            state.last_result = Some(format!("error: {message}"));
            let next = now + backoff(state.error_count, retry_after, settings);
            state.next_due = Some(next);
            report.failures.push(FeedFailure {
                url: feed.url.to_string(),
                outlet: feed.outlet.clone(),
                error: if state.gone {
                    format!("{message}: the feed is gone; it will not be fetched again — remove it from feeds.toml")
                } else {
                    message
                },
                next_try: (!state.gone).then_some(next),
            });
        }
    }
    store.put_feed_state(feed.url.as_str(), &state)
}

/// Marks a successful fetch and schedules the next one.
fn succeed(
    state: &mut FeedState,
    feed: &FeedConfig,
    settings: &FetchSettings,
    now: DateTime<Utc>,
    max_age: Option<Duration>,
) {
    state.last_success = Some(now);
    state.error_count = 0;
    state.last_error = None;
    let learned = match state.learned_secs {
        0 => settings.interval,
        secs => Duration::from_secs(secs),
    };
    let interval = next_interval(learned, feed.interval, state.ttl_minutes, max_age, settings);
    state.next_due = Some(now + interval);
}

/// Merges a parsed feed's entries into stories; returns (new, updated, unchanged).
fn store_entries(
    store: &Store,
    config: &Config,
    feed: &FeedConfig,
    parsed: &ParsedFeed,
    now: DateTime<Utc>,
    report: &mut PassReport,
) -> Result<(usize, usize, usize), StoreError> {
    let (mut new, mut updated, mut unchanged) = (0, 0, 0);
    let feed_url = feed.url.as_str();
    let mut seen_here = HashSet::new();
    let mut writes = Vec::with_capacity(parsed.entries.len());
    for entry in &parsed.entries {
        let Some((key, url)) = story::identity(entry, feed_url) else {
            report.entries_skipped += 1;
            continue;
        };
        let id = story::url::story_id(&key);
        // The same story twice in one document: the first (topmost) wins.
        if !seen_here.insert(id.clone()) {
            continue;
        }
        let host_owner = url
            .as_deref()
            .and_then(|u| Url::parse(u).ok())
            .and_then(|u| {
                u.host_str()
                    .and_then(|h| config.outlet_for_host(h))
                    .map(|o| o.id.clone())
            });
        let obs = Observation {
            feed: feed_url,
            outlet: &feed.outlet,
            host_owner: host_owner.as_deref(),
            feed_date: parsed.date,
            entry,
            seen: now,
        };
        let old = store.story(&id)?;
        let (merged, change) = story::merge(old.clone(), &key, url.as_deref(), &obs);
        writes.push((old, merged));
        match change {
            Change::New => new += 1,
            Change::Updated => updated += 1,
            Change::Unchanged => unchanged += 1,
        }
    }
    store.put_stories(&writes)?;
    Ok((new, updated, unchanged))
}
