//! The store: stories, their texts and indexes, each feed's fetch state, the author's review,
//! recorded posts and the desk's records, behind one interface with two backends.
//!
//! `records` states the operations as traits; `local` keeps them in a sled directory (one
//! process at a time, the default) and `pg` in PostgreSQL (team mode: several workers and
//! editors at once). `Store` is what callers hold: it opens the backend `--db` names and
//! hands its methods on (`Deref`), adding the few operations built from them. Where each
//! backend keeps what is in ARCHITECTURE.md ("Storage layouts").
//!
//! This module knows how to keep records, not what they mean: merging lives in `story`,
//! scheduling in `fetcher`, review in `review`.

pub mod copy;
pub mod local;
pub mod pg;
pub mod records;

pub use local::codec;
pub use records::{Backend, PassageLookup, PostLink, PostRecord, SavedSearch, Use};

use std::ffi::OsStr;
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::fetcher::FeedState;
use crate::story::{Story, TextSource};

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
    #[error(transparent)]
    Pg(#[from] pg::PgError),
}

/// Where the store is: a sled directory, or a PostgreSQL database by its libpq URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Db {
    Dir(PathBuf),
    Url(String),
}

impl Db {
    /// `--db` as given: a `postgres://` or `postgresql://` URL, else a directory.
    pub fn parse(db: &OsStr) -> Db {
        let text = db.to_string_lossy();
        if pg::is_url(&text) {
            Db::Url(text.trim().to_string())
        } else {
            Db::Dir(PathBuf::from(db))
        }
    }

    /// For messages: the directory, or the URL without its password.
    pub fn shown(&self) -> String {
        match self {
            Db::Dir(d) => d.display().to_string(),
            Db::Url(u) => pg::redacted(u),
        }
    }

    /// Whether a store is there. A PostgreSQL database is taken to be (connecting says if
    /// not, and sets up the schema in a database that has none).
    pub fn exists(&self) -> bool {
        match self {
            Db::Dir(d) => local::SledStore::exists(d),
            Db::Url(_) => true,
        }
    }
}

/// An open store. Dropping it flushes nothing: call `close` (or `flush`) to be sure.
pub struct Store {
    backend: Box<dyn Backend>,
}

impl Deref for Store {
    type Target = dyn Backend;

    fn deref(&self) -> &Self::Target {
        &*self.backend
    }
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
    /// Published before this (exclusive).
    pub until: Option<DateTime<Utc>>,
    pub outlet: Option<String>,
    pub limit: Option<usize>,
}

impl Store {
    /// Opens (creating if needed) the sled database in `dir`, waiting up to `wait` for
    /// another process to let go of it. `command` is recorded for whoever waits on us.
    pub fn open(
        dir: &Path,
        command: &str,
        wait: Duration,
        on_wait: &mut dyn FnMut(&str),
    ) -> Result<Store, StoreError> {
        Ok(Store {
            backend: Box::new(local::SledStore::open(dir, command, wait, on_wait)?),
        })
    }

    /// Opens the store `db` names: a sled directory as `open` does, or a PostgreSQL database
    /// (connecting, and creating or migrating its schema).
    pub fn open_db(
        db: &Db,
        command: &str,
        wait: Duration,
        on_wait: &mut dyn FnMut(&str),
    ) -> Result<Store, StoreError> {
        match db {
            Db::Dir(dir) => Store::open(dir, command, wait, on_wait),
            Db::Url(url) => Ok(Store {
                backend: Box::new(pg::PgRecords::open(url, command)?),
            }),
        }
    }

    /// Whether `dir` holds a quotewire sled database (read-only commands open nothing else,
    /// so a mistyped `--db` creates nothing).
    pub fn exists(dir: &Path) -> bool {
        local::SledStore::exists(dir)
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

    /// A story's text: its page's, kept apart (`page_text`), or else its feed's, which the
    /// story record holds already (see `Story::text` for which).
    pub fn text(&self, story: &Story) -> Result<Option<String>, StoreError> {
        if story.text.source != TextSource::Article {
            return Ok(story.feed_text().map(str::to_string));
        }
        self.page_text(&story.id)
    }

    /// Flushes and lets go of the database (and, on sled, its lock).
    pub fn close(self) -> Result<(), StoreError> {
        self.flush()
    }
}
