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
//!
//! "published" is seconds since the epoch, big-endian, sign bit flipped, so byte order is time
//! order. Values use the versioned encoding in `codec`. A story and its two index entries are
//! written in one transaction, so the indexes never point at a missing or stale story.
//!
//! This module knows how to keep records, not what they mean: merging lives in `story`,
//! scheduling in `fetcher`.

pub mod codec;
mod lock;

use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use sled::transaction::{ConflictableTransactionError, TransactionError};
use sled::Transactional;

use crate::fetcher::FeedState;
use crate::story::Story;

const SCHEMA_VERSION: u8 = 1;

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
    _lock: File,
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
            db,
            _lock: lock,
        })
    }

    pub fn story(&self, id: &str) -> Result<Option<Story>, StoreError> {
        self.stories
            .get(id.as_bytes())?
            .map(|v| codec::decode(&v))
            .transpose()
    }

    /// Writes a story and its index entries; `old` is the version it replaces, if any.
    pub fn put_story(&self, old: Option<&Story>, new: &Story) -> Result<(), StoreError> {
        let value = codec::encode(new)?;
        let (old_date, old_outlet) = match old {
            Some(o) => (Some(date_key(o)), Some(outlet_key(o))),
            None => (None, None),
        };
        let (new_date, new_outlet) = (date_key(new), outlet_key(new));
        (&self.stories, &self.by_date, &self.by_outlet)
            .transaction(|(stories, by_date, by_outlet)| {
                if let Some(k) = &old_date {
                    if *k != new_date {
                        by_date.remove(k.as_slice())?;
                    }
                }
                if let Some(k) = &old_outlet {
                    if *k != new_outlet {
                        by_outlet.remove(k.as_slice())?;
                    }
                }
                stories.insert(new.id.as_bytes(), value.as_slice())?;
                by_date.insert(new_date.as_slice(), &[])?;
                by_outlet.insert(new_outlet.as_slice(), &[])?;
                Ok::<(), ConflictableTransactionError<StoreError>>(())
            })
            .map_err(|e| match e {
                TransactionError::Abort(e) => e,
                TransactionError::Storage(e) => StoreError::Sled(e),
            })
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
        for item in tree.range(range.0..range.1).rev() {
            let (key, _) = item?;
            let id = std::str::from_utf8(&key[prefix_len + 8..])
                .map_err(|e| StoreError::Corrupt(e.to_string()))?;
            match self.story(id)? {
                Some(s) => out.push(s),
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
