//! The store's operations as traits, one per kind of record, which each backend implements:
//! `local` (sled, one process) and `pg` (PostgreSQL, team mode). `Backend` is all of them;
//! `Store` holds one and hands its methods to callers, which never know which backend runs.
//!
//! What the records mean is the callers' (`story`, `fetcher`, `review`, `verify`, `desk`);
//! what is here is how they are kept and found. Every backend must behave alike:
//! `tests/store_backends.rs` runs the same suite against both.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{ArticleJob, StoreError, StoryQuery};
use crate::fetcher::FeedState;
use crate::review::{Review, StoryQuotes};
use crate::search::segments::Posting;
use crate::story::Story;

/// A story and the page text kept for it, if any.
pub type WithText = (Story, Option<String>);

/// Stories, the index by date and outlet, and the text of each story's page.
pub trait StoryRecords {
    fn story(&self, id: &str) -> Result<Option<Story>, StoreError>;
    /// `story` for each id, in order: one lookup for a whole feed's entries (one round trip
    /// on PostgreSQL).
    fn stories_by_id(&self, ids: &[String]) -> Result<Vec<Option<Story>>, StoreError> {
        ids.iter().map(|id| self.story(id)).collect()
    }
    /// Up to `limit` story ids that start with `prefix`, in id order.
    fn story_ids_with_prefix(&self, prefix: &str, limit: usize) -> Result<Vec<String>, StoreError>;
    /// Writes stories; each `old` is the version its story replaces (for the indexes).
    fn put_stories(&self, writes: &[(Option<Story>, Story)]) -> Result<(), StoreError>;
    /// Stories newest first (ties by id, highest first), by an index, never a full scan.
    fn stories(&self, q: &StoryQuery) -> Result<Vec<Story>, StoreError>;
    fn story_count(&self) -> Result<usize, StoreError>;
    /// Every story id, in id order (for rebuilding indexes and copying a store).
    fn story_ids(&self) -> Result<Vec<String>, StoreError>;
    /// The page's text kept for a story (`Store::text` says when the story's own text is it).
    fn page_text(&self, id: &str) -> Result<Option<String>, StoreError>;
    /// `page_text` for each id, in order.
    fn page_texts(&self, ids: &[String]) -> Result<Vec<Option<String>>, StoreError> {
        ids.iter().map(|id| self.page_text(id)).collect()
    }
    /// Each story with its kept page text, in order (`verify` loads its candidates so: one
    /// round trip on PostgreSQL).
    fn stories_with_texts(&self, ids: &[String]) -> Result<Vec<Option<WithText>>, StoreError> {
        let stories = self.stories_by_id(ids)?;
        let texts = self.page_texts(ids)?;
        Ok(stories
            .into_iter()
            .zip(texts)
            .map(|(s, t)| s.map(|s| (s, t)))
            .collect())
    }
    /// Keeps a page's text for a story; `None` when the story holds its feed's text.
    fn put_text(&self, id: &str, text: Option<&str>) -> Result<(), StoreError>;
}

/// Each feed's fetch state and the queue of article pages to fetch.
pub trait FetchRecords {
    fn feed_state(&self, url: &str) -> Result<Option<FeedState>, StoreError>;
    fn put_feed_state(&self, url: &str, state: &FeedState) -> Result<(), StoreError>;
    /// Every feed's state, by URL.
    fn feed_states(&self) -> Result<Vec<(String, FeedState)>, StoreError>;
    /// `put_feed_state` for several feeds (a write round of a pass's).
    fn put_feed_states(&self, states: &[(String, FeedState)]) -> Result<(), StoreError> {
        states
            .iter()
            .try_for_each(|(url, state)| self.put_feed_state(url, state))
    }
    /// The states of these feeds, in their order (`None` for a feed never stored).
    fn feed_states_of(&self, urls: &[String]) -> Result<Vec<Option<FeedState>>, StoreError> {
        urls.iter().map(|u| self.feed_state(u)).collect()
    }
    /// Article jobs due at `now`, oldest first.
    fn due_article_jobs(&self, now: DateTime<Utc>) -> Result<Vec<ArticleJob>, StoreError>;
    fn article_job(&self, story: &str) -> Result<Option<ArticleJob>, StoreError>;
    /// Queues a page. On a shared store the job waits for a pass's claim; one a pass holds
    /// keeps its lease.
    fn put_article_job(&self, job: &ArticleJob) -> Result<(), StoreError>;
    /// Queues the next try of a page the pass holding its job could not have: on a shared
    /// store the lease ends, so the host's slot goes back to the cluster.
    fn retry_article_job(&self, job: &ArticleJob) -> Result<(), StoreError> {
        self.put_article_job(job)
    }
    fn remove_article_job(&self, story: &str) -> Result<(), StoreError>;
}

/// Looking up the passage index: for each hash, the stories with a posting for it, or `None`
/// when more than `cap` have one (the hash says little: boilerplate, wire copy reprinted
/// everywhere), so that a lookup never reads or sends more than `cap + 1` postings a hash.
pub trait PassageLookup {
    fn lookup_many(
        &self,
        hashes: &[u64],
        cap: usize,
    ) -> Result<Vec<Option<Vec<String>>>, StoreError>;
}

/// The passage index (`search::index`) and which stories' texts are not in it yet.
pub trait IndexRecords {
    /// Notes that a story's text changed and is not yet in the passage index.
    fn mark_unindexed(&self, id: &str) -> Result<(), StoreError>;
    fn mark_unindexed_many(&self, ids: &[String]) -> Result<(), StoreError> {
        ids.iter().try_for_each(|id| self.mark_unindexed(id))
    }
    /// Stories whose text is not yet in the passage index.
    fn unindexed(&self) -> Result<Vec<String>, StoreError>;
    /// Notes that these stories' texts are in the index now.
    fn indexed(&self, ids: &[String]) -> Result<(), StoreError>;
    /// Whether the index must be rebuilt from every story's text; `reindexed` clears it.
    fn needs_reindex(&self) -> Result<bool, StoreError>;
    fn reindexed(&self) -> Result<(), StoreError>;
    /// Adds postings (hash ++ story id); a posting already there is kept once.
    fn add_postings(&self, postings: Vec<Posting>) -> Result<(), StoreError>;
    /// A handle for lookups, kept for a whole run (`verify` makes thousands).
    fn passages(&self) -> Result<Box<dyn PassageLookup + Send>, StoreError>;
}

/// The author's review: each story's quotations, quotation ids, decisions and their log.
///
/// Decisions are kept apart from the quotations so that extracting a story again never
/// touches them; a decision whose quotation is gone stays, and applies again if it returns.
pub trait ReviewRecords {
    fn story_quotes(&self, story: &str) -> Result<Option<StoryQuotes>, StoreError>;
    /// `story_quotes` for each story, in order.
    fn story_quotes_many(
        &self,
        stories: &[String],
    ) -> Result<Vec<Option<StoryQuotes>>, StoreError> {
        stories.iter().map(|s| self.story_quotes(s)).collect()
    }
    /// `put_story_quotes` for each (story, old, new).
    fn put_story_quotes_many(
        &self,
        writes: &[(String, Option<StoryQuotes>, StoryQuotes)],
    ) -> Result<(), StoreError> {
        writes
            .iter()
            .try_for_each(|(story, old, new)| self.put_story_quotes(story, old.as_ref(), new))
    }
    /// Replaces a story's quotations (`old` is what was stored) and their id entries.
    fn put_story_quotes(
        &self,
        story: &str,
        old: Option<&StoryQuotes>,
        new: &StoryQuotes,
    ) -> Result<(), StoreError>;
    /// Up to `limit` (quote id, story id) pairs whose quote id starts with `prefix`.
    fn quote_ids_with_prefix(
        &self,
        prefix: &str,
        limit: usize,
    ) -> Result<Vec<(String, String)>, StoreError>;
    fn review(&self, quote: &str) -> Result<Option<Review>, StoreError>;
    /// Records a decision, the last one standing; `Candidate` forgets the one before. Every
    /// decision is also appended to the quotation's review log, so none is lost when two
    /// editors decide the same quotation.
    fn put_review(&self, quote: &str, review: &Review) -> Result<(), StoreError>;
    /// Every standing decision, by quote id.
    fn reviews(&self) -> Result<Vec<(String, Review)>, StoreError>;
    /// Every decision ever made on a quotation, oldest first.
    fn review_log(&self, quote: &str) -> Result<Vec<Review>, StoreError>;
}

/// What one recorded post links to.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PostRecord {
    pub path: String,
    pub title: Option<String>,
    pub recorded: Option<DateTime<Utc>>,
    pub links: Vec<PostLink>,
}

/// One passage's link to its source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PostLink {
    pub line: usize,
    pub story: String,
    pub quotes: Vec<String>,
    /// `verbatim`, `minor` or `altered`.
    pub status: String,
}

/// A use of a story or quotation by a post, as `stories show` and `quotes show` list it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Use {
    pub post: String,
    pub line: usize,
    pub status: String,
}

/// `verify --record`: which posts use which stories and quotations. Recording a post again
/// replaces what it recorded before, so a passage removed from the post stops being listed.
pub trait PostRecords {
    fn record_post(&self, record: &PostRecord) -> Result<(), StoreError>;
    /// The posts that use a story (`b's'`) or a quotation (`b'q'`) with this id.
    fn uses(&self, kind: u8, id: &str) -> Result<Vec<Use>, StoreError>;
    fn story_uses(&self, story: &str) -> Result<Vec<Use>, StoreError> {
        self.uses(b's', story)
    }
    fn quote_uses(&self, quote: &str) -> Result<Vec<Use>, StoreError> {
        self.uses(b'q', quote)
    }
    /// Every recorded post, by path.
    fn posts(&self) -> Result<Vec<PostRecord>, StoreError>;
}

/// A search the author keeps in the desk's sidebar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedSearch {
    pub name: String,
    /// In the query language of `review::query`.
    pub query: String,
}

/// The desk's own records (`quotewire serve`).
pub trait DeskRecords {
    /// The time the author last said "reviewed up to here": the queue shows stories first
    /// seen after it.
    fn reviewed_up_to(&self) -> Result<Option<DateTime<Utc>>, StoreError>;
    fn set_reviewed_up_to(&self, at: DateTime<Utc>) -> Result<(), StoreError>;
    fn saved_searches(&self) -> Result<Vec<SavedSearch>, StoreError>;
    fn set_saved_searches(&self, searches: &[SavedSearch]) -> Result<(), StoreError>;
}

/// A whole store: every kind of record, and what differs between backends.
pub trait Backend:
    StoryRecords + FetchRecords + IndexRecords + ReviewRecords + PostRecords + DeskRecords + Send + Sync
{
    /// Makes every write so far durable (PostgreSQL commits each write: nothing to do).
    fn flush(&self) -> Result<(), StoreError>;
    /// Whether other processes may use the store at the same time (PostgreSQL), so that a
    /// holder need not let go of it for them (the desk does, on sled).
    fn shared(&self) -> bool;
}
