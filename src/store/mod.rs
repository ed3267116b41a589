//! The sled database: stories, their indexes, and each feed's fetch state.
//!
//! Trees and key formats (ARCHITECTURE.md has the same table):
//!
//! | tree               | key                                   | value             |
//! |--------------------|---------------------------------------|-------------------|
//! | `meta`             | `schema`                              | schema version    |
//! | `stories`          | story id (16 hex digits)              | `Story`           |
//! | `stories_by_date`  | published (8 bytes) ++ id             | empty             |
//! | `stories_by_outlet`| outlet id ++ 0x00 ++ published ++ id  | empty             |
//! | `feeds`            | the feed URL as configured            | `FeedState`       |
//! | `story_text`       | story id                              | a page's text     |
//! | `article_jobs`     | story id                              | `ArticleJob`      |
//! | `unindexed`        | story id                              | empty             |
//! | `quotes`, `quote_ids`, `reviews` | see `quotes`            |                   |
//! | `posts`, `used_by` | see `posts`                           |                   |
//! | `desk`             | see `desk`                            |                   |
//!
//! "published" is seconds since the epoch, big-endian, sign bit flipped, so byte order is time
//! order. Values use the versioned encoding in `codec`. Stories are written before their index
//! entries, and queries check each index entry against its story, so a listing never shows a
//! missing or stale story.
//!
//! This module knows how to keep records, not what they mean: merging lives in `story`,
//! scheduling in `fetcher`.

pub mod codec;
mod desk;
mod lock;
pub mod pg;
mod posts;
mod quotes;

pub use desk::SavedSearch;
pub use posts::{PostLink, PostRecord, Use};

use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::fetcher::FeedState;
use crate::story::{Story, TextSource};

/// 3: the passage index lives in segment files (`search::segments`); 2 had it in a
/// `text_index` tree, 1 kept a syndication sample of page texts in `shingles`.
const SCHEMA_VERSION: u8 = 3;
/// `meta` key present while the passage index needs a rebuild.
const REINDEX: &str = "reindex";

/// Why the database could not be used.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the database {} is held by {holder}, and was still busy after {}s\n  fix: wait for that command to finish, or allow a longer wait with --lock-wait SECONDS (QUOTEWIRE_LOCK_WAIT)", dir.display(), waited.as_secs())]
    Locked {
        dir: PathBuf,
        holder: String,
        waited: Duration,
    },
    #[error("the database was written by a newer quotewire (record version {0})\n  fix: use that newer quotewire, or point --db at another directory")]
    TooNew(u8),
    #[error("a database record could not be read: {0}\n  fix: this is a bug or a damaged database; keep a copy of the directory and report it")]
    Corrupt(String),
    #[error("{0}")]
    Io(String),
    #[error("database error: {0}")]
    Sled(#[from] sled::Error),
}

/// An open database. Dropping it flushes nothing: call `close` (or `flush`) to be sure.
pub struct Store {
    db: sled::Db,
    stories: sled::Tree,
    by_date: sled::Tree,
    by_outlet: sled::Tree,
    feeds: sled::Tree,
    texts: sled::Tree,
    jobs: sled::Tree,
    unindexed: sled::Tree,
    meta: sled::Tree,
    dir: PathBuf,
    quotes: sled::Tree,
    quote_ids: sled::Tree,
    reviews: sled::Tree,
    posts: sled::Tree,
    used_by: sled::Tree,
    desk: sled::Tree,
    _lock: File,
}

/// A story whose page is to be fetched: queued when the story is new or changed, removed when
/// the page is had (or given up on), so a page interrupted by a crash is fetched next time.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ArticleJob {
    pub story: String,
    pub url: String,
    pub outlet: String,
    pub due: DateTime<Utc>,
    #[serde(default)]
    pub failures: u32,
}

/// Why a story id given on the command line names no story.
#[derive(Debug, thiserror::Error)]
pub enum StoryIdError {
    #[error("no story has the id {0}\n  fix: use an id `quotewire stories` shows in brackets (16 hex digits; the first 6 or more are enough)")]
    Unknown(String),
    #[error("{0} is the start of more than one story's id\n  fix: give more of its digits")]
    Ambiguous(String),
    #[error("{0:?} is not a story id\n  fix: give at least 6 of the hex digits `quotewire stories` shows in brackets")]
    TooShort(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Which stories to list.
#[derive(Debug, Default, Clone)]
pub struct StoryQuery {
    pub since: Option<DateTime<Utc>>,
    pub outlet: Option<String>,
    pub limit: Option<usize>,
}

fn time_key(t: DateTime<Utc>) -> [u8; 8] {
    ((t.timestamp() as u64) ^ (1 << 63)).to_be_bytes()
}

fn date_key(s: &Story) -> Vec<u8> {
    let mut k = time_key(s.published).to_vec();
    k.extend_from_slice(s.id.as_bytes());
    k
}

fn outlet_key(s: &Story) -> Vec<u8> {
    let mut k = s.outlet.as_bytes().to_vec();
    k.push(0);
    k.extend_from_slice(&date_key(s));
    k
}

impl Store {
    /// Opens (creating if needed) the database in `dir`, waiting up to `wait` for another
    /// process to let go of it. `command` is recorded for whoever waits on us.
    pub fn open(
        dir: &Path,
        command: &str,
        wait: Duration,
        on_wait: &mut dyn FnMut(&str),
    ) -> Result<Store, StoreError> {
        std::fs::create_dir_all(dir).map_err(|e| {
            StoreError::Io(format!(
                "cannot create the database directory {}: {e}\n  fix: choose a writable place with --db DIR or QUOTEWIRE_DB",
                dir.display()
            ))
        })?;
        let lock = lock::acquire(dir, command, wait, on_wait)?;
        let db = sled::Config::new()
            .path(dir.join("sled"))
            .cache_capacity(64 * 1024 * 1024)
            .open()?;
        let meta = db.open_tree("meta")?;
        match meta.get("schema")?.as_deref() {
            Some([v]) if *v > SCHEMA_VERSION => return Err(StoreError::TooNew(*v)),
            Some([1 | 2]) => {
                // The passage index was kept in sled: rebuilt into segments on first use.
                db.drop_tree("shingles")?;
                db.drop_tree("text_index")?;
                meta.insert(REINDEX, &[1])?;
                meta.insert("schema", &[SCHEMA_VERSION])?;
            }
            Some(_) => {}
            None => {
                meta.insert("schema", &[SCHEMA_VERSION])?;
            }
        }
        Ok(Store {
            stories: db.open_tree("stories")?,
            by_date: db.open_tree("stories_by_date")?,
            by_outlet: db.open_tree("stories_by_outlet")?,
            feeds: db.open_tree("feeds")?,
            texts: db.open_tree("story_text")?,
            jobs: db.open_tree("article_jobs")?,
            unindexed: db.open_tree("unindexed")?,
            meta,
            dir: dir.to_path_buf(),
            quotes: db.open_tree("quotes")?,
            quote_ids: db.open_tree("quote_ids")?,
            reviews: db.open_tree("reviews")?,
            posts: db.open_tree("posts")?,
            used_by: db.open_tree("used_by")?,
            desk: db.open_tree("desk")?,
            db,
            _lock: lock,
        })
    }

    /// Whether `dir` holds a quotewire database (read-only commands open nothing else, so a
    /// mistyped `--db` creates nothing).
    pub fn exists(dir: &Path) -> bool {
        dir.join("sled").join("conf").is_file()
    }

    /// The story with this id, or the one story whose id starts with it (at least
    /// `review::MIN_ID_PREFIX` hex digits, as quotation ids take).
    pub fn find_story(&self, id: &str) -> Result<Story, StoryIdError> {
        let id = id.trim().to_ascii_lowercase();
        if id.len() < crate::review::MIN_ID_PREFIX || !id.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(StoryIdError::TooShort(id));
        }
        let ids = self.story_ids_with_prefix(&id, 2)?;
        match ids.as_slice() {
            [one] => self
                .story(one)?
                .ok_or_else(|| StoryIdError::Unknown(id.clone())),
            [] => Err(StoryIdError::Unknown(id)),
            _ => Err(StoryIdError::Ambiguous(id)),
        }
    }

    /// Up to `limit` story ids that start with `prefix`.
    pub fn story_ids_with_prefix(
        &self,
        prefix: &str,
        limit: usize,
    ) -> Result<Vec<String>, StoreError> {
        let mut out = Vec::new();
        for item in self.stories.scan_prefix(prefix.as_bytes()).take(limit) {
            let (k, _) = item?;
            out.push(String::from_utf8_lossy(&k).into_owned());
        }
        Ok(out)
    }

    pub fn story(&self, id: &str) -> Result<Option<Story>, StoreError> {
        self.stories
            .get(id.as_bytes())?
            .map(|v| codec::decode(&v))
            .transpose()
    }

    /// Writes stories and their index entries; each `old` is the version its story replaces.
    ///
    /// Three sled batches, each atomic: the stories first, then the two indexes. A crash
    /// between them can leave an index entry missing or stale, never a story lost; queries
    /// skip stale entries (see `stories`), and the next write of that story repairs its entries.
    pub fn put_stories(&self, writes: &[(Option<Story>, Story)]) -> Result<(), StoreError> {
        let mut stories = sled::Batch::default();
        let mut by_date = sled::Batch::default();
        let mut by_outlet = sled::Batch::default();
        for (old, new) in writes {
            let (new_date, new_outlet) = (date_key(new), outlet_key(new));
            if let Some(old) = old {
                let (old_date, old_outlet) = (date_key(old), outlet_key(old));
                if old_date != new_date {
                    by_date.remove(old_date);
                }
                if old_outlet != new_outlet {
                    by_outlet.remove(old_outlet);
                }
            }
            stories.insert(new.id.as_bytes(), codec::encode(new)?);
            by_date.insert(new_date, &[]);
            by_outlet.insert(new_outlet, &[]);
        }
        self.stories.apply_batch(stories)?;
        self.by_date.apply_batch(by_date)?;
        self.by_outlet.apply_batch(by_outlet)?;
        Ok(())
    }

    /// Stories newest first, by the date or the outlet index (never a full scan).
    pub fn stories(&self, q: &StoryQuery) -> Result<Vec<Story>, StoreError> {
        let since = q.since.map(time_key).unwrap_or([0; 8]);
        let (tree, prefix_len, range) = match &q.outlet {
            Some(outlet) => {
                let mut lo = outlet.as_bytes().to_vec();
                lo.push(0);
                let mut hi = lo.clone();
                hi.push(0xff);
                lo.extend_from_slice(&since);
                (&self.by_outlet, outlet.len() + 1, (lo, hi))
            }
            None => (&self.by_date, 0, (since.to_vec(), vec![0xff; 9])),
        };
        let mut out = Vec::new();
        if q.limit == Some(0) {
            return Ok(out);
        }
        for item in tree.range(range.0..range.1).rev() {
            let (key, _) = item?;
            let id = std::str::from_utf8(&key[prefix_len + 8..])
                .map_err(|e| StoreError::Corrupt(e.to_string()))?;
            match self.story(id)? {
                // An entry left behind by an interrupted write no longer matches its story.
                Some(s)
                    if key[prefix_len..] == date_key(&s)[..]
                        && q.outlet.as_deref().is_none_or(|o| o == s.outlet) =>
                {
                    out.push(s)
                }
                Some(_) => tracing::debug!("skipping a stale index entry for story {id}"),
                None => tracing::warn!("index names story {id}, which is missing"),
            }
            if q.limit.is_some_and(|l| out.len() >= l) {
                break;
            }
        }
        Ok(out)
    }

    pub fn story_count(&self) -> usize {
        self.stories.len()
    }

    pub fn feed_state(&self, url: &str) -> Result<Option<FeedState>, StoreError> {
        self.feeds
            .get(url.as_bytes())?
            .map(|v| codec::decode(&v))
            .transpose()
    }

    pub fn put_feed_state(&self, url: &str, state: &FeedState) -> Result<(), StoreError> {
        self.feeds.insert(url.as_bytes(), codec::encode(state)?)?;
        Ok(())
    }

    /// `feeds revive`: forgets that a feed is gone (HTTP 410) or failing, so that the next
    /// fetch takes it. Its validators, learned interval and history of successes stay, and so
    /// does a server's Retry-After. Returns the state before, or `None` for a feed never stored.
    pub fn revive_feed(&self, url: &str) -> Result<Option<FeedState>, StoreError> {
        let Some(before) = self.feed_state(url)? else {
            return Ok(None);
        };
        let mut state = before.clone();
        state.gone = false;
        state.error_count = 0;
        state.last_error = None;
        state.next_due = None;
        state.last_result = Some("revived by `quotewire feeds revive`; not fetched since".into());
        self.put_feed_state(url, &state)?;
        self.flush()?;
        Ok(Some(before))
    }

    /// A story's text: its page's, kept in `story_text`, or else its feed's, which the story
    /// record holds already (see `Story::text` for which).
    pub fn text(&self, story: &Story) -> Result<Option<String>, StoreError> {
        if story.text.source != TextSource::Article {
            return Ok(story.feed_text().map(str::to_string));
        }
        self.texts
            .get(story.id.as_bytes())?
            .map(|v| codec::decode(&v))
            .transpose()
    }

    /// Keeps a page's text for a story; `None` when the story holds its feed's text.
    pub fn put_text(&self, id: &str, text: Option<&str>) -> Result<(), StoreError> {
        match text {
            Some(t) => self.texts.insert(id.as_bytes(), codec::encode(&t)?)?,
            None => self.texts.remove(id.as_bytes())?,
        };
        Ok(())
    }

    /// Article jobs due at `now`, oldest first.
    pub fn due_article_jobs(&self, now: DateTime<Utc>) -> Result<Vec<ArticleJob>, StoreError> {
        let mut due = Vec::new();
        for item in self.jobs.iter() {
            let (_, v) = item?;
            let job: ArticleJob = codec::decode(&v)?;
            if job.due <= now {
                due.push(job);
            }
        }
        due.sort_by_key(|j| j.due);
        Ok(due)
    }

    pub fn article_job(&self, story: &str) -> Result<Option<ArticleJob>, StoreError> {
        self.jobs
            .get(story.as_bytes())?
            .map(|v| codec::decode(&v))
            .transpose()
    }

    pub fn put_article_job(&self, job: &ArticleJob) -> Result<(), StoreError> {
        self.jobs
            .insert(job.story.as_bytes(), codec::encode(job)?)?;
        Ok(())
    }

    pub fn remove_article_job(&self, story: &str) -> Result<(), StoreError> {
        self.jobs.remove(story.as_bytes())?;
        Ok(())
    }

    /// Notes that a story's text changed and is not yet in the passage index's segments.
    pub fn mark_unindexed(&self, id: &str) -> Result<(), StoreError> {
        self.unindexed.insert(id.as_bytes(), &[])?;
        Ok(())
    }

    /// Stories whose text is not yet in the passage index's segments.
    pub fn unindexed(&self) -> Result<Vec<String>, StoreError> {
        self.unindexed
            .iter()
            .keys()
            .map(|k| Ok(String::from_utf8_lossy(&k?).into_owned()))
            .collect()
    }

    /// Notes that these stories' texts are in the segments now.
    pub fn indexed(&self, ids: &[String]) -> Result<(), StoreError> {
        let mut batch = sled::Batch::default();
        for id in ids {
            batch.remove(id.as_bytes());
        }
        self.unindexed.apply_batch(batch)?;
        Ok(())
    }

    /// The database directory (the passage index's segments live in `index/` inside it).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Whether the passage index must be rebuilt from every story's text (a database written
    /// before it existed); `search::index::catch_up` does it and calls `reindexed`.
    pub fn needs_reindex(&self) -> Result<bool, StoreError> {
        Ok(self.meta.get(REINDEX)?.is_some())
    }

    pub fn reindexed(&self) -> Result<(), StoreError> {
        self.meta.remove(REINDEX)?;
        Ok(())
    }

    /// Every story id, in id order (for rebuilding indexes).
    pub fn story_ids(&self) -> impl Iterator<Item = Result<String, StoreError>> + '_ {
        self.stories.iter().keys().map(|k| {
            k.map(|k| String::from_utf8_lossy(&k).into_owned())
                .map_err(StoreError::from)
        })
    }

    /// Makes every write so far durable.
    pub fn flush(&self) -> Result<(), StoreError> {
        self.db.flush()?;
        Ok(())
    }

    /// Flushes and lets go of the database (and its lock).
    pub fn close(self) -> Result<(), StoreError> {
        self.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::story::{DateSource, Story};
    use chrono::TimeZone;

    fn story(id: &str, outlet: &str, published: i64) -> Story {
        let t = Utc.timestamp_opt(published, 0).unwrap();
        Story {
            id: id.into(),
            key: format!("https://x.example/{id}"),
            url: None,
            outlet: outlet.into(),
            outlets: vec![outlet.into()],
            title: Some(id.into()),
            published: t,
            published_from: DateSource::Entry,
            updated: None,
            authors: vec![],
            categories: vec![],
            summary: None,
            content: None,
            first_seen: t,
            last_seen: t,
            sources: vec![],
            article: None,
            text: Default::default(),
            copy_of: None,
            copies: vec![],
        }
    }

    #[test]
    fn indexes_follow_changes_and_skip_stale_entries() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), "test", Duration::ZERO, &mut |_| {}).unwrap();
        let a = story("aaaaaaaaaaaaaaaa", "x", 100);
        let b = story("bbbbbbbbbbbbbbbb", "y", -50); // before 1970 sorts first
        store
            .put_stories(&[(None, a.clone()), (None, b.clone())])
            .unwrap();
        let all = store.stories(&StoryQuery::default()).unwrap();
        assert_eq!(
            all.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(),
            [&a.id, &b.id]
        );

        // The story moves in time and to another outlet: one entry each, at the new place.
        let mut a2 = a.clone();
        a2.published = Utc.timestamp_opt(200, 0).unwrap();
        a2.outlet = "y".into();
        store.put_stories(&[(Some(a.clone()), a2.clone())]).unwrap();
        assert_eq!(store.stories(&StoryQuery::default()).unwrap().len(), 2);
        let y = StoryQuery {
            outlet: Some("y".into()),
            ..Default::default()
        };
        assert_eq!(store.stories(&y).unwrap().len(), 2);
        let x = StoryQuery {
            outlet: Some("x".into()),
            ..Default::default()
        };
        assert!(store.stories(&x).unwrap().is_empty());

        // A stale entry, as an interrupted write could leave, is not listed.
        store.by_date.insert(date_key(&a), &[]).unwrap();
        store.by_outlet.insert(outlet_key(&a), &[]).unwrap();
        assert_eq!(store.stories(&StoryQuery::default()).unwrap().len(), 2);
        assert!(store.stories(&x).unwrap().is_empty());
        let since = StoryQuery {
            since: Some(Utc.timestamp_opt(150, 0).unwrap()),
            ..Default::default()
        };
        assert_eq!(store.stories(&since).unwrap().len(), 1);
    }

    #[test]
    fn an_older_database_is_marked_for_a_passage_index_rebuild() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), "test", Duration::ZERO, &mut |_| {}).unwrap();
        assert!(!store.needs_reindex().unwrap());
        store.close().unwrap();
        {
            let db = sled::open(dir.path().join("sled")).unwrap();
            db.open_tree("meta")
                .unwrap()
                .insert("schema", &[1])
                .unwrap();
            db.open_tree("shingles").unwrap().insert("x", &[]).unwrap();
            db.flush().unwrap();
        }
        let store = Store::open(dir.path(), "test", Duration::ZERO, &mut |_| {}).unwrap();
        assert!(store.needs_reindex().unwrap());
        assert!(!store
            .db
            .tree_names()
            .iter()
            .any(|n| n.as_ref() == b"shingles"));
        store.reindexed().unwrap();
        assert!(!store.needs_reindex().unwrap());
    }
}
