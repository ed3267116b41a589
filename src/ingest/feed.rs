//! The feed half of a pass: fetch one feed, parse it, and fold its entries into stories.

use std::collections::HashSet;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use url::Url;

use super::{article, FeedFailure, PassReport};
use crate::config::{Config, FeedConfig, FetchSettings};
use crate::fetcher::schedule::{backoff, learned_interval, next_interval};
use crate::fetcher::{FeedState, HttpClient, HttpError, Validators};
use crate::limits::{self, Contained, PARSE_DEADLINE};
use crate::parser::{self, ParseError, ParsedFeed};
use tokio::sync::Semaphore;

use super::prepare::PreparedTexts;
use crate::search::index::Pending;
use crate::store::{ArticleJob, Store, StoreError};
use crate::story::{self, Change, Observation};

/// Backoff steps at most for a feed whose host name does not resolve: `min_interval × 4`
/// (20 minutes by default) between tries, however long the machine has been offline.
const UNRESOLVED_BACKOFF_STEPS: u32 = 3;

/// The result of fetching one feed, before anything is stored.
pub(super) enum Fetched {
    /// 304, or a 200 whose body hashes the same as last time.
    Same {
        status: u16,
        max_age: Option<Duration>,
    },
    Parsed {
        feed: Box<ParsedFeed>,
        /// The entries' texts, prepared for storing (see `prepare`).
        prepared: Box<PreparedTexts>,
        body_hash: String,
        etag: Option<String>,
        last_modified: Option<String>,
        max_age: Option<Duration>,
        moved_to: Option<Url>,
    },
}

#[derive(Debug, thiserror::Error)]
pub(super) enum FeedError {
    #[error(transparent)]
    Http(#[from] HttpError),
    #[error(transparent)]
    Parse(#[from] ParseError),
    #[error(transparent)]
    Contained(#[from] Contained),
}

pub(super) struct Outcome {
    pub index: usize,
    pub at: DateTime<Utc>,
    pub result: Result<Fetched, FeedError>,
    /// The feed's state the fetch started from (its validators).
    pub state: FeedState,
}

pub(super) async fn fetch_one(
    client: &HttpClient,
    cpu: &Semaphore,
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
    // The parse and the entries' texts, on a thread of their own within the limits; one CPU
    // slot at a time (the permit is let go when the task ends or gives up).
    let _slot = cpu.acquire().await.ok();
    let (feed, prepared) = limits::contain_async("feed parser", Some(PARSE_DEADLINE), move || {
        let feed = parser::parse(&body, content_type.as_deref(), Some(&base))?;
        drop(body);
        let mut prepared = PreparedTexts::default();
        for e in &feed.entries {
            if let Some(text) = e.content.as_deref().or(e.summary.as_deref()) {
                prepared.add(text);
            }
        }
        Ok::<_, ParseError>((feed, Box::new(prepared)))
    })
    .await
    .inspect_err(|e| tracing::warn!("feed {url}: {e}"))??;
    Ok(Fetched::Parsed {
        feed: Box::new(feed),
        prepared,
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

/// Records one feed's outcome: its entries as stories. Returns the stories whose pages are
/// to be fetched, and the feed's new state, for the caller to store (a round's at once).
#[allow(clippy::too_many_arguments)]
pub(super) fn apply(
    store: &Store,
    pending: &mut Pending,
    config: &Config,
    feed: &FeedConfig,
    mut state: FeedState,
    outcome: Outcome,
    report: &mut PassReport,
) -> Result<(Vec<ArticleJob>, FeedState), StoreError> {
    let settings = &config.fetch;
    let now = outcome.at;
    let mut jobs = Vec::new();
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
            mut prepared,
            body_hash,
            etag,
            last_modified,
            max_age,
            moved_to,
        }) => {
            let (new, updated, unchanged) = store_entries(
                store,
                (pending, &mut prepared),
                config,
                feed,
                &parsed,
                now,
                report,
                &mut jobs,
            )?;
            if let Some(cut) = &parsed.limits {
                tracing::warn!("feed {}: {cut}", feed.url);
                report.limited.push((feed.url.to_string(), cut.clone()));
            }
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
                "{new} new, {updated} updated, {unchanged} unchanged{}",
                parsed
                    .limits
                    .as_ref()
                    .map(|cut| format!(" (cut to quotewire's limits: {cut})"))
                    .unwrap_or_default()
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
            let unresolved = matches!(e, FeedError::Http(HttpError::Unresolved { .. }));
            // A name that does not resolve is most often a machine offline (a laptop asleep,
            // DNS down), not a server failing: the backoff stops growing after a few steps, so
            // the feeds are fetched soon after the machine is back, not hours later.
            let steps = if unresolved {
                state.error_count.min(UNRESOLVED_BACKOFF_STEPS)
            } else {
                state.error_count
            };
            let next = now + backoff(steps, retry_after, settings);
            state.next_due = Some(next);
            // What the server asked, as far as the backoff honours it (a week at most, so a
            // hostile header cannot overflow the date).
            state.retry_not_before = retry_after
                .and_then(|r| {
                    chrono::Duration::from_std(r.min(Duration::from_secs(7 * 86_400))).ok()
                })
                .map(|r| (now + r).min(next));
            report.failures.push(FeedFailure {
                url: feed.url.to_string(),
                outlet: feed.outlet.clone(),
                error: if state.gone {
                    format!("{message}: the feed is gone; it will not be fetched again — remove it from feeds.toml")
                } else {
                    message
                },
                next_try: (!state.gone).then_some(next),
                unresolved,
            });
        }
    }
    Ok((jobs, state))
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
    state.retry_not_before = None;
    let learned = match state.learned_secs {
        0 => settings.interval,
        secs => Duration::from_secs(secs),
    };
    let interval = next_interval(learned, feed.interval, state.ttl_minutes, max_age, settings);
    state.next_due = Some(now + interval);
}

/// Merges a parsed feed's entries into stories; returns (new, updated, unchanged).
#[allow(clippy::too_many_arguments)]
fn store_entries(
    store: &Store,
    (pending, prepared): (&mut Pending, &mut PreparedTexts),
    config: &Config,
    feed: &FeedConfig,
    parsed: &ParsedFeed,
    now: DateTime<Utc>,
    report: &mut PassReport,
    jobs: &mut Vec<ArticleJob>,
) -> Result<(usize, usize, usize), StoreError> {
    let (mut new, mut updated, mut unchanged) = (0, 0, 0);
    let feed_url = feed.url.as_str();
    let mut seen_here = HashSet::new();
    let mut writes = Vec::with_capacity(parsed.entries.len());
    let mut identified = Vec::with_capacity(parsed.entries.len());
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
        identified.push((entry, key, url, id));
    }
    // The stored versions of the feed's stories, in one lookup.
    let ids: Vec<String> = identified.iter().map(|(_, _, _, id)| id.clone()).collect();
    let stored = store.stories_by_id(&ids)?;
    for ((entry, key, url, _), old) in identified.into_iter().zip(stored) {
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
        let (mut merged, change) = story::merge(old.clone(), &key, url.as_deref(), &obs);
        if change != Change::Unchanged {
            if let Some(job) = article::plan(store, config, &mut merged, now)? {
                jobs.push(job);
            }
        }
        writes.push((old, merged));
        match change {
            Change::New => new += 1,
            Change::Updated => updated += 1,
            Change::Unchanged => unchanged += 1,
        }
    }
    store.put_stories(&writes)?;
    let mut changed = Vec::new();
    for (old, story) in &writes {
        if old.as_ref() == Some(story) {
            continue;
        }
        let old_text = old.as_ref().map(|o| store.text(o)).transpose()?.flatten();
        let new_text = store.text(story)?.unwrap_or_default();
        changed.push((story.id.clone(), old_text, new_text));
    }
    super::texts_changed(store, pending, prepared, &changed)?;
    Ok((new, updated, unchanged))
}
