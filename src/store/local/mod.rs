//! The local backend: a sled database in a directory, held by one process at a time (`lock`).
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
//! | `quotes`, `quote_ids`, `reviews`, `review_log` | see `quotes` |                 |
//! | `posts`, `used_by` | see `posts`                           |                   |
//! | `desk`             | see `desk`                            |                   |
//!
//! "published" is seconds since the epoch, big-endian, sign bit flipped, so byte order is time
//! order. Values use the versioned encoding in `codec`. Stories are written before their index
//! entries, and queries check each index entry against its story, so a listing never shows a
//! missing or stale story. The passage index lives beside the trees, in segment files
//! (`search::segments`).

pub mod codec;
mod desk;
mod lock;
mod posts;
mod quotes;

use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::records::{Backend, FetchRecords, IndexRecords, PassageLookup, StoryRecords};
use super::{ArticleJob, StoreError, StoryQuery};
use crate::fetcher::FeedState;
use crate::search::segments::{Posting, Segments};
use crate::story::Story;

/// 3: the passage index lives in segment files (`search::segments`); 2 had it in a
/// `text_index` tree, 1 kept a syndication sample of page texts in `shingles`.
const SCHEMA_VERSION: u8 = 3;
/// `meta` key present while the passage index needs a rebuild.
const REINDEX: &str = "reindex";

/// An open sled database. Dropping it flushes nothing: `Store::close` flushes.
pub struct SledStore {
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
    review_log: sled::Tree,
    posts: sled::Tree,
    used_by: sled::Tree,
    desk: sled::Tree,
    _lock: File,
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

fn get<T: serde::de::DeserializeOwned>(
    tree: &sled::Tree,
    key: impl AsRef<[u8]>,
) -> Result<Option<T>, StoreError> {
    tree.get(key)?.map(|v| codec::decode(&v)).transpose()
}

fn keys(tree: &sled::Tree) -> Result<Vec<String>, StoreError> {
    tree.iter()
        .keys()
        .map(|k| Ok(String::from_utf8_lossy(&k?).into_owned()))
        .collect()
}

impl SledStore {
    /// Opens (creating if needed) the database in `dir`, waiting up to `wait` for another
    /// process to let go of it. `command` is recorded for whoever waits on us.
    pub fn open(
        dir: &Path,
        command: &str,
        wait: Duration,
        on_wait: &mut dyn FnMut(&str),
    ) -> Result<SledStore, StoreError> {
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
        Ok(SledStore {
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
            review_log: db.open_tree("review_log")?,
            posts: db.open_tree("posts")?,
            used_by: db.open_tree("used_by")?,
            desk: db.open_tree("desk")?,
            db,
            _lock: lock,
        })
    }

    /// Whether `dir` holds a quotewire database.
    pub fn exists(dir: &Path) -> bool {
        dir.join("sled").join("conf").is_file()
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

impl StoryRecords for SledStore {
    fn story(&self, id: &str) -> Result<Option<Story>, StoreError> {
        get(&self.stories, id)
    }

    fn story_ids_with_prefix(&self, prefix: &str, limit: usize) -> Result<Vec<String>, StoreError> {
        let mut out = Vec::new();
        for item in self.stories.scan_prefix(prefix.as_bytes()).take(limit) {
            let (k, _) = item?;
            out.push(String::from_utf8_lossy(&k).into_owned());
        }
        Ok(out)
    }

    /// Three sled batches, each atomic: the stories first, then the two indexes. A crash
    /// between them can leave an index entry missing or stale, never a story lost; queries
    /// skip stale entries (see `stories`), and the next write of that story repairs its entries.
    fn put_stories(&self, writes: &[(Option<Story>, Story)]) -> Result<(), StoreError> {
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

    fn stories(&self, q: &StoryQuery) -> Result<Vec<Story>, StoreError> {
        let since = q.since.map(time_key).unwrap_or([0; 8]);
        // The end of the range: the prefix and `until`'s key (every key of an earlier second
        // sorts below it), or past every key of the prefix.
        let until = q.until.map_or(vec![0xff; 9], |t| time_key(t).to_vec());
        let (tree, prefix_len, range) = match &q.outlet {
            Some(outlet) => {
                let mut lo = outlet.as_bytes().to_vec();
                lo.push(0);
                let mut hi = lo.clone();
                hi.extend_from_slice(&until);
                lo.extend_from_slice(&since);
                (&self.by_outlet, outlet.len() + 1, (lo, hi))
            }
            None => (&self.by_date, 0, (since.to_vec(), until)),
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

    fn story_count(&self) -> Result<usize, StoreError> {
        Ok(self.stories.len())
    }

    fn story_ids(&self) -> Result<Vec<String>, StoreError> {
        keys(&self.stories)
    }

    fn page_text(&self, id: &str) -> Result<Option<String>, StoreError> {
        get(&self.texts, id)
    }

    fn put_text(&self, id: &str, text: Option<&str>) -> Result<(), StoreError> {
        match text {
            Some(t) => self.texts.insert(id.as_bytes(), codec::encode(&t)?)?,
            None => self.texts.remove(id.as_bytes())?,
        };
        Ok(())
    }
}

impl FetchRecords for SledStore {
    fn feed_state(&self, url: &str) -> Result<Option<FeedState>, StoreError> {
        get(&self.feeds, url)
    }

    fn put_feed_state(&self, url: &str, state: &FeedState) -> Result<(), StoreError> {
        self.feeds.insert(url.as_bytes(), codec::encode(state)?)?;
        Ok(())
    }

    fn feed_states(&self) -> Result<Vec<(String, FeedState)>, StoreError> {
        let mut out = Vec::new();
        for item in self.feeds.iter() {
            let (k, v) = item?;
            out.push((String::from_utf8_lossy(&k).into_owned(), codec::decode(&v)?));
        }
        Ok(out)
    }

    fn due_article_jobs(&self, now: DateTime<Utc>) -> Result<Vec<ArticleJob>, StoreError> {
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

    fn article_job(&self, story: &str) -> Result<Option<ArticleJob>, StoreError> {
        get(&self.jobs, story)
    }

    fn put_article_job(&self, job: &ArticleJob) -> Result<(), StoreError> {
        self.jobs
            .insert(job.story.as_bytes(), codec::encode(job)?)?;
        Ok(())
    }

    fn remove_article_job(&self, story: &str) -> Result<(), StoreError> {
        self.jobs.remove(story.as_bytes())?;
        Ok(())
    }
}

impl IndexRecords for SledStore {
    fn mark_unindexed(&self, id: &str) -> Result<(), StoreError> {
        self.unindexed.insert(id.as_bytes(), &[])?;
        Ok(())
    }

    fn unindexed(&self) -> Result<Vec<String>, StoreError> {
        keys(&self.unindexed)
    }

    fn indexed(&self, ids: &[String]) -> Result<(), StoreError> {
        let mut batch = sled::Batch::default();
        for id in ids {
            batch.remove(id.as_bytes());
        }
        self.unindexed.apply_batch(batch)?;
        Ok(())
    }

    fn needs_reindex(&self) -> Result<bool, StoreError> {
        Ok(self.meta.get(REINDEX)?.is_some())
    }

    fn reindexed(&self) -> Result<(), StoreError> {
        self.meta.remove(REINDEX)?;
        Ok(())
    }

    fn add_postings(&self, postings: Vec<Posting>) -> Result<(), StoreError> {
        Segments::open(&self.dir)?.add(postings)
    }

    fn passages(&self) -> Result<Box<dyn PassageLookup + Send>, StoreError> {
        Ok(Box::new(Segments::open(&self.dir)?))
    }
}

impl Backend for SledStore {
    fn flush(&self) -> Result<(), StoreError> {
        self.db.flush()?;
        Ok(())
    }

    fn shared(&self) -> bool {
        false
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

    fn open(dir: &Path) -> SledStore {
        SledStore::open(dir, "test", Duration::ZERO, &mut |_| {}).unwrap()
    }

    #[test]
    fn a_stale_index_entry_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let store = open(dir.path());
        let a = story("aaaaaaaaaaaaaaaa", "x", 100);
        let b = story("bbbbbbbbbbbbbbbb", "y", -50);
        store
            .put_stories(&[(None, a.clone()), (None, b.clone())])
            .unwrap();
        let mut a2 = a.clone();
        a2.published = Utc.timestamp_opt(200, 0).unwrap();
        a2.outlet = "y".into();
        store.put_stories(&[(Some(a.clone()), a2.clone())]).unwrap();

        // A stale entry, as an interrupted write could leave, is not listed.
        store.by_date.insert(date_key(&a), &[]).unwrap();
        store.by_outlet.insert(outlet_key(&a), &[]).unwrap();
        assert_eq!(store.stories(&StoryQuery::default()).unwrap().len(), 2);
        let x = StoryQuery {
            outlet: Some("x".into()),
            ..Default::default()
        };
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
        let store = open(dir.path());
        assert!(!store.needs_reindex().unwrap());
        store.flush().unwrap();
        drop(store);
        {
            let db = sled::open(dir.path().join("sled")).unwrap();
            db.open_tree("meta")
                .unwrap()
                .insert("schema", &[1])
                .unwrap();
            db.open_tree("shingles").unwrap().insert("x", &[]).unwrap();
            db.flush().unwrap();
        }
        let store = open(dir.path());
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
