//! The article half of a pass: fetch a story's page, extract it, and choose the story's text.
//!
//! A story's page is fetched when the story is new and again when its feed entry changes,
//! through the same client as the feeds (concurrency per host, timeouts, size cap, the address
//! guard). A job for it waits in the store's `article_jobs` tree until the page is had, so an
//! interrupted pass fetches it next time; a failed page is tried again after a backoff, up to
//! `MAX_TRIES` times. Until then, and whenever the page yields less than the feed did, the story
//! holds the feed's text, with a note saying why.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use url::Url;

use super::PassReport;
use crate::article::{self, Article, Rules};
use crate::config::Config;
use crate::fetcher::schedule::backoff;
use crate::fetcher::{HttpClient, HttpError, Validators};
use crate::limits::{self, Contained, PARSE_DEADLINE};
use crate::search;
use crate::search::index::Pending;
use crate::store::{ArticleJob, Store, StoreError};
use crate::story::syndication::{self, COPY_THRESHOLD, MIN_SHINGLES};
use tokio::sync::Semaphore;

use super::prepare::{Prepared, PreparedTexts};
use crate::story::{self, ArticleInfo, DateSource, Story, TextInfo, TextSource};

/// Tries before a page is given up on.
pub const MAX_TRIES: u32 = 5;

pub(super) struct Outcome {
    pub job: ArticleJob,
    pub at: DateTime<Utc>,
    /// The page, and its text prepared for storing (see `prepare`).
    pub result: Result<(Article, PreparedTexts), PageError>,
}

impl Outcome {
    /// The page's host, as the queue counts hosts (lower case).
    pub fn host(&self) -> String {
        Url::parse(&self.job.url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
            .unwrap_or_default()
    }
}

#[derive(Debug, thiserror::Error)]
pub(super) enum PageError {
    #[error(transparent)]
    Http(#[from] HttpError),
    #[error("not an HTML page ({0})")]
    NotHtml(String),
    /// The extractor panicked or ran past its deadline on this page.
    #[error(transparent)]
    Contained(#[from] Contained),
    #[error("{0}")]
    Other(String),
}

impl PageError {
    /// Whether trying again cannot help.
    fn permanent(&self) -> bool {
        match self {
            PageError::Http(HttpError::Status { code, .. }) => matches!(code, 404 | 410 | 451),
            PageError::Http(HttpError::Refused(_) | HttpError::TooLarge { .. }) => true,
            PageError::NotHtml(_) => true,
            // The same bytes would fail the same way.
            PageError::Contained(_) => true,
            _ => false,
        }
    }

    fn retry_after(&self) -> Option<std::time::Duration> {
        match self {
            PageError::Http(HttpError::Status { retry_after, .. }) => *retry_after,
            _ => None,
        }
    }
}

/// For a new or changed story: gives it the feed's text (unless it already holds its page's
/// text), and queues its page if the outlet fetches articles. Returns the queued job.
pub(super) fn plan(
    store: &Store,
    config: &Config,
    story: &mut Story,
    now: DateTime<Utc>,
) -> Result<Option<ArticleJob>, StoreError> {
    let fetching = config
        .outlet(&story.outlet)
        .is_none_or(|o| o.fetch_articles)
        && story.url.is_some();
    if story.text.source != TextSource::Article {
        let why = if fetching {
            "the page is not fetched yet"
        } else if story.url.is_none() {
            "the story has no link"
        } else {
            "fetch_articles = false for this outlet"
        };
        // The feed's text lives in the story record itself: nothing to write for it.
        let (text, source, note) = story::choose_text(story.feed_text(), Err(why));
        story.text = TextInfo {
            source,
            len: text.chars().count(),
            note,
        };
    }
    let Some(url) = story.url.clone().filter(|_| fetching) else {
        return Ok(None);
    };
    let job = ArticleJob {
        story: story.id.clone(),
        url,
        outlet: story.outlet.clone(),
        due: now,
        failures: store.article_job(&story.id)?.map_or(0, |j| j.failures),
    };
    store.put_article_job(&job)?;
    Ok(Some(job))
}

/// Fetches and extracts one story's page, and prepares its text.
pub(super) async fn fetch(
    client: Arc<HttpClient>,
    cpu: Arc<Semaphore>,
    job: ArticleJob,
    rules: Rules,
) -> Outcome {
    let at = Utc::now();
    let result = fetch_page(&client, Some(&cpu), &job.url, rules, true).await;
    Outcome { job, at, result }
}

/// Fetches and extracts a page inside the limits (`limits::contain`), one CPU slot of `cpu`
/// at a time if given; with its text prepared for storing if `prepare`. A thin page that links
/// an AMP version is read from that version when it pairs with the page (`article::amp`); a
/// failure to fetch the AMP version leaves the page as it was.
pub(super) async fn fetch_page(
    client: &HttpClient,
    cpu: Option<&Semaphore>,
    url: &str,
    rules: Rules,
    prepare: bool,
) -> Result<(Article, PreparedTexts), PageError> {
    let url = Url::parse(url).map_err(|e| PageError::Other(format!("bad URL: {e}")))?;
    let mut page = read_page(client, cpu, &url, rules.clone()).await?;
    if let Some(amp_url) = article::amp::wanted(&page) {
        match read_page(client, cpu, &amp_url, rules).await {
            Ok(amp) => {
                let (own, theirs) = (page.text_len(), amp.text_len());
                let taken = article::amp::take(&mut page, amp, &url);
                tracing::debug!(
                    "page {url}: {own} characters; its AMP version {amp_url}: {theirs}, {}",
                    if taken { "taken" } else { "not taken" }
                );
            }
            Err(e) => tracing::info!("page {url}: its AMP version {amp_url}: {e}"),
        }
    }
    let mut prepared = PreparedTexts::default();
    if prepare {
        let _slot = match cpu {
            Some(cpu) => cpu.acquire().await.ok(),
            None => None,
        };
        let text = page.text();
        prepared = limits::contain_async("article text", Some(PARSE_DEADLINE), move || {
            let mut prepared = PreparedTexts::default();
            prepared.add_page(&text);
            prepared
        })
        .await
        .inspect_err(|e| tracing::warn!("page {url}: {e}"))?;
    }
    Ok((page, prepared))
}

/// Fetches one page and extracts it, inside the limits, one CPU slot of `cpu` at a time.
async fn read_page(
    client: &HttpClient,
    cpu: Option<&Semaphore>,
    url: &Url,
    rules: Rules,
) -> Result<Article, PageError> {
    let resp = client.get(url, &Validators::default()).await?;
    if let Some(ct) = resp.content_type.as_deref() {
        let ct = ct.to_ascii_lowercase();
        if !(ct.contains("html") || ct.starts_with("text/plain")) {
            return Err(PageError::NotHtml(ct));
        }
    }
    let base = resp.final_url.clone();
    let redirected = &base != url;
    let _slot = match cpu {
        Some(cpu) => cpu.acquire().await.ok(),
        None => None,
    };
    let page = limits::contain_async("article extractor", Some(PARSE_DEADLINE), move || {
        let mut page = article::extract(
            &resp.body,
            resp.content_type.as_deref(),
            Some(&base),
            &rules,
        );
        // A page reached through redirects that names no canonical address is known by the
        // one the redirects led to, not by the link that led there (`quotes cite` links it).
        if redirected && page.meta.canonical_url.is_none() {
            page.meta.canonical_url = Some(base.to_string());
        }
        page
    })
    .await
    .inspect_err(|e| tracing::warn!("page {url}: {e}"))?;
    Ok(page)
}

/// Records a page's outcome in its story, and ends its job (or queues its next try). Returns
/// until when the page's server asked to wait (`Retry-After`), if it did.
pub(super) fn apply(
    store: &Store,
    pending: &mut Pending,
    config: &Config,
    outcome: Outcome,
    report: &mut PassReport,
) -> Result<Option<DateTime<Utc>>, StoreError> {
    let Outcome {
        mut job,
        at,
        result,
    } = outcome;
    let Some(mut story) = store.story(&job.story)? else {
        store.remove_article_job(&job.story)?;
        return Ok(None);
    };
    let mut wait = None;
    let old = story.clone();
    match result {
        Ok((page, mut prepared)) => {
            report.articles_fetched += 1;
            if let Some(cut) = &page.limits {
                tracing::warn!("page {}: {cut}", job.url);
                report.limited.push((job.url.clone(), cut.clone()));
            }
            let (text, source, note) = story::choose_text(story.feed_text(), Ok(&page));
            if source != TextSource::Article {
                report.articles_short += 1;
            }
            if let Some(p) = page.meta.published {
                story.published = p;
                story.published_from = DateSource::Article;
            }
            story::take_page_meta(&mut story, &page.meta);
            let old_text = store.text(&story)?;
            let kept = (source == TextSource::Article).then_some(text.as_str());
            store.put_text(&story.id, kept)?;
            super::text_changed(
                store,
                pending,
                &mut prepared,
                &story.id,
                old_text.as_deref(),
                &text,
            )?;
            link_copies(store, pending, &mut story, prepared.get(&text, true))?;
            story.text = TextInfo {
                source,
                len: text.chars().count(),
                note,
            };
            story.article = Some(ArticleInfo {
                fetched: Some(at),
                error: None,
                failures: 0,
                text_len: page.text_len(),
                meta: page.meta,
                wire_source: page.wire_source,
            });
            store.remove_article_job(&job.story)?;
        }
        Err(e) => {
            report.articles_failed += 1;
            let message = e.to_string();
            if matches!(e, PageError::Contained(_)) {
                report.pages_broken.push(super::FeedFailure {
                    url: job.url.clone(),
                    outlet: job.outlet.clone(),
                    error: message.clone(),
                    next_try: None,
                    unresolved: false,
                });
            }
            let mut info = story.article.take().unwrap_or_default();
            info.error = Some(message.clone());
            info.failures = job.failures + 1;
            story.article = Some(info);
            if story.text.source != TextSource::Article {
                story.text.note = Some(format!("the page could not be had: {message}"));
            }
            job.failures += 1;
            wait = e
                .retry_after()
                .and_then(|d| chrono::Duration::from_std(d).ok())
                .map(|d| at + d);
            if e.permanent() || job.failures >= MAX_TRIES {
                store.remove_article_job(&job.story)?;
            } else {
                job.due = at + backoff(job.failures, e.retry_after(), &config.fetch);
                store.retry_article_job(&job)?;
            }
            tracing::info!("page of story {} ({}): {message}", job.story, job.url);
        }
    }
    store.put_stories(&[(Some(old), story)])?;
    Ok(wait)
}

/// Links a story with the story its text is a syndicated copy of, if any: the earliest
/// published of the group is the original, the others its copies. The text must be in the
/// passage index already. Writes the other stories it changes; `story` itself is the caller's.
pub(super) fn link_copies(
    store: &Store,
    pending: &Pending,
    story: &mut Story,
    text: &Prepared,
) -> Result<(), StoreError> {
    let shingles = &text.shingles;
    if shingles.len() < MIN_SHINGLES {
        return Ok(());
    }
    let fingerprints = &text.fingerprints;
    let mut best: Option<(f64, Story)> = None;
    let index = store.passages()?;
    for (id, shared) in
        search::index::candidates(&*index, Some(pending), fingerprints, Some(&story.id))?
            .into_iter()
            .take(10)
    {
        if shared < 2 {
            break;
        }
        let Some(other) = store.story(&id)? else {
            continue;
        };
        let Some(other_text) = store.text(&other)? else {
            continue;
        };
        let score = syndication::containment(shingles, &syndication::shingles(&other_text));
        if score >= COPY_THRESHOLD && best.as_ref().is_none_or(|(b, _)| score > *b) {
            best = Some((score, other));
        }
    }
    let Some((_, other)) = best else {
        return Ok(());
    };
    // The group the other story belongs to, by its original.
    let root = match &other.copy_of {
        Some(r) => store.story(r)?.unwrap_or(other),
        None => other,
    };
    if story.copy_of.as_deref() == Some(root.id.as_str()) || root.id == story.id {
        return Ok(());
    }
    let earlier = |a: &Story, b: &Story| {
        (a.published, a.first_seen, &a.id) < (b.published, b.first_seen, &b.id)
    };
    let mut writes = Vec::new();
    if earlier(&root, story) {
        story.copy_of = Some(root.id.clone());
        let mut r = root.clone();
        if !r.copies.contains(&story.id) {
            r.copies.push(story.id.clone());
        }
        writes.push((Some(root), r));
    } else {
        // This story is the earliest: it becomes the original of the whole group.
        story.copy_of = None;
        let mut members = vec![root.id.clone()];
        members.extend(root.copies.iter().cloned());
        for id in &members {
            if let Some(m) = store.story(id)? {
                let mut changed = m.clone();
                changed.copy_of = Some(story.id.clone());
                changed.copies.clear();
                writes.push((Some(m), changed));
            }
            if !story.copies.contains(id) {
                story.copies.push(id.clone());
            }
        }
    }
    store.put_stories(&writes)
}
