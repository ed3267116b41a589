//! Copying a whole store into another, empty one (`quotewire migrate`): sled to PostgreSQL
//! when a desk outgrows one machine, or back. Everything is copied through the store
//! interface, so any backend copies to any other: stories, page texts, feed states, page jobs,
//! quotations, review decisions with their log, recorded posts and the desk's records. The
//! passage index is not copied but rebuilt from the copied texts in the target's own layout.
//! Then every count is compared, and a difference is reported, never hidden.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{Store, StoreError};

/// How many of each record each side holds after the copy.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub stories: usize,
    pub page_texts: usize,
    pub feed_states: usize,
    pub page_jobs: usize,
    pub quoted_stories: usize,
    pub reviews: usize,
    pub review_log: usize,
    pub posts: usize,
    pub saved_searches: usize,
}

/// What a copy did.
#[derive(Debug, Clone, Serialize)]
pub struct CopyReport {
    pub source: Counts,
    pub target: Counts,
    /// Stories whose texts went into the target's passage index.
    pub indexed: usize,
}

impl CopyReport {
    /// Whether the target holds what the source holds. The review log may hold more: a
    /// decision made before the log existed is logged once as it is copied.
    pub fn complete(&self) -> bool {
        let (s, t) = (&self.source, &self.target);
        t.review_log >= s.review_log
            && Counts {
                review_log: s.review_log,
                ..t.clone()
            } == *s
    }
}

/// Why a copy did not start.
#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    #[error("the target already holds {0} stories; migrate copies into an empty store only\n  fix: give --to a new database (createdb NAME) or an empty directory")]
    NotEmpty(usize),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Stories copied per write.
const BATCH: usize = 500;

fn far_future() -> DateTime<Utc> {
    DateTime::<Utc>::MAX_UTC
}

/// Counts what `store` holds.
pub fn counts(store: &Store) -> Result<Counts, StoreError> {
    let ids = store.story_ids()?;
    let mut c = Counts {
        stories: ids.len(),
        feed_states: store.feed_states()?.len(),
        page_jobs: store.due_article_jobs(far_future())?.len(),
        reviews: store.reviews()?.len(),
        posts: store.posts()?.len(),
        saved_searches: store.saved_searches()?.len(),
        ..Default::default()
    };
    for id in &ids {
        c.page_texts += usize::from(store.page_text(id)?.is_some());
        if let Some(q) = store.story_quotes(id)? {
            c.quoted_stories += 1;
            for quote in &q.quotes {
                c.review_log += store.review_log(&quote.id)?.len();
            }
        }
    }
    Ok(c)
}

/// Copies `from` into `to`, which must hold no story; `progress(done, total)` after each
/// batch of stories.
pub fn copy(
    from: &Store,
    to: &Store,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<CopyReport, CopyError> {
    let present = to.story_count()?;
    if present > 0 {
        return Err(CopyError::NotEmpty(present));
    }
    let ids = from.story_ids()?;
    let mut logged: Vec<String> = Vec::new();
    for (n, chunk) in ids.chunks(BATCH).enumerate() {
        let mut stories = Vec::with_capacity(chunk.len());
        for id in chunk {
            if let Some(s) = from.story(id)? {
                stories.push((None, s));
            }
        }
        to.put_stories(&stories)?;
        for id in chunk {
            if let Some(text) = from.page_text(id)? {
                to.put_text(id, Some(&text))?;
            }
            to.mark_unindexed(id)?;
            if let Some(q) = from.story_quotes(id)? {
                to.put_story_quotes(id, None, &q)?;
                logged.extend(q.quotes.iter().map(|q| q.id.clone()));
            }
        }
        progress((n * BATCH + chunk.len()).min(ids.len()), ids.len());
    }
    for (url, state) in from.feed_states()? {
        to.put_feed_state(&url, &state)?;
    }
    for job in from.due_article_jobs(far_future())? {
        to.put_article_job(&job)?;
    }
    // Decisions: each quotation's log replayed in order, so the target's standing decision
    // is the source's last; a decision with no log (a store from before the log) is copied
    // as one entry.
    let standing = from.reviews()?;
    for (quote, _) in &standing {
        if !logged.contains(quote) {
            logged.push(quote.clone());
        }
    }
    for quote in &logged {
        let log = from.review_log(quote)?;
        if log.is_empty() {
            if let Some((_, review)) = standing.iter().find(|(q, _)| q == quote) {
                to.put_review(quote, review)?;
            }
            continue;
        }
        for review in &log {
            to.put_review(quote, review)?;
        }
        if let Some((_, review)) = standing.iter().find(|(q, _)| q == quote) {
            if to.review(quote)?.as_ref() != Some(review) {
                to.put_review(quote, review)?;
            }
        }
    }
    for post in from.posts()? {
        to.record_post(&post)?;
    }
    if let Some(at) = from.reviewed_up_to()? {
        to.set_reviewed_up_to(at)?;
    }
    to.set_saved_searches(&from.saved_searches()?)?;
    let indexed = crate::search::index::catch_up(to)?;
    to.flush()?;
    Ok(CopyReport {
        source: counts(from)?,
        target: counts(to)?,
        indexed,
    })
}
