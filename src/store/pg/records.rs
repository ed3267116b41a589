//! The store's records on PostgreSQL: `PgRecords` implements the store traits (`records`)
//! over the tables of migration 3, so every command runs on it as on sled.
//!
//! The store's interface is synchronous (sled is), and tokio-postgres is asynchronous. A
//! `PgRecords` owns a small runtime of its own on which the pool's connections live; each
//! operation is one task there, and the caller waits for its answer on a channel. That works
//! from plain threads and from inside another runtime alike (a fetch pass calls the store
//! from its tasks), which `block_on` would not.
//!
//! Each operation is one statement or one transaction, so what one writes is all there or
//! not at all, and several processes may read and write at once. Records are kept as jsonb
//! beside the columns that index them (ids, dates, outlets, hosts).

use std::future::Future;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use tokio_postgres::types::Json;
use tokio_postgres::Row;

use super::{PgError, PgStore};
use crate::fetcher::FeedState;
use crate::search::segments::Posting;
use crate::store::records::{
    Backend, FetchRecords, IndexRecords, PassageLookup, StoryRecords, WithText,
};
use crate::store::{ArticleJob, StoreError, StoryQuery};
use crate::story::Story;

/// Connections each process keeps at most.
const MAX_CONNECTIONS: usize = 4;
/// `meta` key present while the passage index needs a rebuild.
const REINDEX: &str = "reindex";

struct Inner {
    store: PgStore,
    rt: Option<tokio::runtime::Runtime>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        // Dropping a runtime inside another one's task panics; this one only holds
        // connections, which may go at once.
        if let Some(rt) = self.rt.take() {
            rt.shutdown_background();
        }
    }
}

/// A quotewire store on PostgreSQL (team mode).
#[derive(Clone)]
pub struct PgRecords {
    inner: Arc<Inner>,
}

/// Runs `work` on `rt` and waits for its answer.
fn wait_for<T, Fut>(rt: &tokio::runtime::Runtime, work: Fut) -> Result<T, StoreError>
where
    T: Send + 'static,
    Fut: Future<Output = Result<T, PgError>> + Send + 'static,
{
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    rt.spawn(async move {
        let _ = tx.send(work.await);
    });
    rx.recv()
        .map_err(|_| StoreError::Io("the PostgreSQL connection task stopped".into()))?
        .map_err(StoreError::from)
}

fn story_hex(bits: i64) -> String {
    format!("{:016x}", bits as u64)
}

/// The first id after every id that starts with `prefix` (ids are hex, `~` sorts after).
fn prefix_end(prefix: &str) -> String {
    format!("{prefix}~")
}

/// The earliest time PostgreSQL's timestamptz keeps is 4713 BC, later than chrono's: a story
/// dated before 4000 BC (only a hostile feed dates one so) is indexed as of then; its record
/// keeps the date it has.
fn pg_time(t: DateTime<Utc>) -> DateTime<Utc> {
    t.max(earliest())
}

fn earliest() -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp(-188_395_027_200, 0).unwrap_or(DateTime::<Utc>::UNIX_EPOCH)
}

fn host_of(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
        .unwrap_or_default()
}

/// The stores this process has connected to, by URL: opening one again (a fetch pass opens
/// the store for each round of writes, the desk for each burst of requests, a worker for
/// each round) reuses its pool instead of connecting and checking the schema again.
static OPEN: std::sync::Mutex<Vec<(String, PgRecords)>> = std::sync::Mutex::new(Vec::new());

impl PgRecords {
    /// Inserts or replaces a page job, setting its lease columns on conflict by `lease`.
    fn upsert_job(&self, job: &ArticleJob, lease: &'static str) -> Result<(), StoreError> {
        let job = job.clone();
        self.run(move |pg| async move {
            let c = pg.client().await?;
            let failures = job.failures.min(i32::MAX as u32) as i32;
            let due = pg_time(job.due);
            c.execute(
                &c.prepare_cached(&format!(
                    "WITH known AS (INSERT INTO hosts (host) VALUES ($4) ON CONFLICT DO NOTHING)
                     INSERT INTO page_jobs (story, url, outlet, host, due, failures)
                     VALUES ($1, $2, $3, $4, $5, $6)
                     ON CONFLICT (story) DO UPDATE SET url = EXCLUDED.url,
                         outlet = EXCLUDED.outlet, host = EXCLUDED.host, due = EXCLUDED.due,
                         failures = EXCLUDED.failures, {lease}"
                ))
                .await?,
                &[
                    &job.story,
                    &job.url,
                    &job.outlet,
                    &host_of(&job.url),
                    &due,
                    &failures,
                ],
            )
            .await?;
            Ok(())
        })
    }

    /// The store at `url`, connected once per process (see `OPEN`).
    pub fn open(url: &str, command: &str) -> Result<PgRecords, StoreError> {
        let mut open = OPEN.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, records)) = open.iter().find(|(u, _)| u == url) {
            return Ok(records.clone());
        }
        let records = PgRecords::connect(url, command)?;
        open.push((url.to_string(), records.clone()));
        Ok(records)
    }

    /// Connects to the database `url` names, creating or migrating its schema.
    pub fn connect(url: &str, command: &str) -> Result<PgRecords, StoreError> {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("quotewire-pg")
            .enable_all()
            .build()
            .map_err(|e| StoreError::Io(format!("cannot start the PostgreSQL runtime: {e}")))?;
        let (url, command) = (url.to_string(), command.to_string());
        let connected = wait_for(&rt, async move {
            PgStore::connect_as(&url, MAX_CONNECTIONS, &command).await
        });
        let store = match connected {
            Ok(store) => store,
            Err(e) => {
                // As `Inner`'s drop: the caller may be another runtime's task.
                rt.shutdown_background();
                return Err(e);
            }
        };
        Ok(PgRecords {
            inner: Arc::new(Inner {
                store,
                rt: Some(rt),
            }),
        })
    }

    /// The asynchronous store beneath (for the workers' claims).
    pub fn pg(&self) -> &PgStore {
        &self.inner.store
    }

    /// The jsonb record `sql` selects by one key, decoded.
    pub(crate) fn record<T>(&self, sql: &'static str, key: &str) -> Result<Option<T>, StoreError>
    where
        T: DeserializeOwned + Send + 'static,
    {
        let key = key.to_string();
        self.run(move |pg| async move {
            let c = pg.client().await?;
            match c.query_opt(&c.prepare_cached(sql).await?, &[&key]).await? {
                Some(r) => Ok(Some(r.try_get::<_, Json<T>>(0)?.0)),
                None => Ok(None),
            }
        })
    }

    /// Every row `sql` selects (it takes no parameter), each made by `row`.
    pub(crate) fn rows<T: Send + 'static>(
        &self,
        sql: &'static str,
        row: fn(&Row) -> Result<T, PgError>,
    ) -> Result<Vec<T>, StoreError> {
        self.run(move |pg| async move {
            let c = pg.client().await?;
            c.query(&c.prepare_cached(sql).await?, &[])
                .await?
                .iter()
                .map(row)
                .collect()
        })
    }

    /// Runs `sql` with one text key (a delete, an insert of a key alone).
    pub(crate) fn execute(&self, sql: &'static str, key: &str) -> Result<(), StoreError> {
        let key = key.to_string();
        self.run(move |pg| async move {
            let c = pg.client().await?;
            c.execute(&c.prepare_cached(sql).await?, &[&key]).await?;
            Ok(())
        })
    }

    /// Runs one operation on a connection of the pool and waits for it.
    pub(crate) fn run<T, F, Fut>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(PgStore) -> Fut + Send + 'static,
        Fut: Future<Output = Result<T, PgError>> + Send + 'static,
    {
        let store = self.inner.store.clone();
        match &self.inner.rt {
            Some(rt) => wait_for(rt, async move { work(store).await }),
            None => Err(StoreError::Io("the PostgreSQL store is closed".into())),
        }
    }
}

impl StoryRecords for PgRecords {
    fn story(&self, id: &str) -> Result<Option<Story>, StoreError> {
        self.record("SELECT record FROM stories WHERE id = $1", id)
    }

    fn stories_by_id(&self, ids: &[String]) -> Result<Vec<Option<Story>>, StoreError> {
        let wanted = ids.to_vec();
        let mut found: std::collections::HashMap<String, Story> =
            self.run(move |pg| async move {
                let c = pg.client().await?;
                let rows = c
                    .query(
                        &c.prepare_cached("SELECT id, record FROM stories WHERE id = ANY($1)")
                            .await?,
                        &[&wanted],
                    )
                    .await?;
                rows.iter()
                    .map(|r| Ok((r.try_get(0)?, r.try_get::<_, Json<Story>>(1)?.0)))
                    .collect()
            })?;
        Ok(ids.iter().map(|id| found.remove(id)).collect())
    }

    fn story_ids_with_prefix(&self, prefix: &str, limit: usize) -> Result<Vec<String>, StoreError> {
        let (lo, hi, limit) = (prefix.to_string(), prefix_end(prefix), limit as i64);
        self.run(move |pg| async move {
            let c = pg.client().await?;
            let rows = c
                .query(
                    &c.prepare_cached(
                        "SELECT id FROM stories WHERE id >= $1 AND id < $2 ORDER BY id LIMIT $3",
                    )
                    .await?,
                    &[&lo, &hi, &limit],
                )
                .await?;
            rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
        })
    }

    /// One statement for the whole batch: a story is kept under its id, and its normalised
    /// key is unique, so a story two workers reach at once (through two feeds) is one row, the
    /// later write standing. A story twice in one batch is written once, its last version.
    fn put_stories(&self, writes: &[(Option<Story>, Story)]) -> Result<(), StoreError> {
        let mut last: Vec<&Story> = Vec::with_capacity(writes.len());
        for (_, s) in writes.iter().rev() {
            if !last.iter().any(|l| l.id == s.id) {
                last.push(s);
            }
        }
        let ids: Vec<String> = last.iter().map(|s| s.id.clone()).collect();
        let keys: Vec<String> = last.iter().map(|s| s.key.clone()).collect();
        let outlets: Vec<String> = last.iter().map(|s| s.outlet.clone()).collect();
        let published: Vec<DateTime<Utc>> = last.iter().map(|s| pg_time(s.published)).collect();
        let records: Vec<serde_json::Value> = last
            .iter()
            .map(|s| serde_json::to_value(s).map_err(|e| StoreError::Corrupt(e.to_string())))
            .collect::<Result<_, _>>()?;
        self.run(move |pg| async move {
            let c = pg.client().await?;
            c.execute(
                &c.prepare_cached("INSERT INTO stories (id, key, outlet, published, record)
                 SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::jsonb[])
                 ON CONFLICT (id) DO UPDATE SET key = EXCLUDED.key,
                     outlet = EXCLUDED.outlet, published = EXCLUDED.published,
                     record = EXCLUDED.record").await?,
                &[&ids, &keys, &outlets, &published, &records],
            )
            .await?;
            Ok(())
        })
    }

    fn stories(&self, q: &StoryQuery) -> Result<Vec<Story>, StoreError> {
        if q.limit == Some(0) {
            return Ok(Vec::new());
        }
        let since = pg_time(q.since.unwrap_or(DateTime::<Utc>::MIN_UTC));
        // Year 10,000: past any story, well inside PostgreSQL's range.
        let until = q.until.unwrap_or_else(|| {
            DateTime::<Utc>::from_timestamp(253_402_300_800, 0).unwrap_or(DateTime::<Utc>::MAX_UTC)
        });
        let outlet = q.outlet.clone();
        let limit = q.limit.map(|l| l as i64);
        self.run(move |pg| async move {
            let c = pg.client().await?;
            let rows = match &outlet {
                Some(o) => {
                    c.query(
                        &c.prepare_cached(
                            "SELECT record FROM stories
                             WHERE outlet = $1 AND published >= $2 AND published < $4
                             ORDER BY published DESC, id DESC LIMIT $3",
                        )
                        .await?,
                        &[o, &since, &limit, &until],
                    )
                    .await?
                }
                None => {
                    c.query(
                        &c.prepare_cached(
                            "SELECT record FROM stories WHERE published >= $1 AND published < $3
                             ORDER BY published DESC, id DESC LIMIT $2",
                        )
                        .await?,
                        &[&since, &limit, &until],
                    )
                    .await?
                }
            };
            rows.iter()
                .map(|r| Ok(r.try_get::<_, Json<Story>>(0)?.0))
                .collect()
        })
    }

    fn story_count(&self) -> Result<usize, StoreError> {
        self.run(|pg| async move {
            let c = pg.client().await?;
            let n: i64 = c
                .query_one(
                    &c.prepare_cached("SELECT count(*) FROM stories").await?,
                    &[],
                )
                .await?
                .try_get(0)?;
            Ok(n as usize)
        })
    }

    fn story_ids(&self) -> Result<Vec<String>, StoreError> {
        self.rows("SELECT id FROM stories ORDER BY id", |r| Ok(r.try_get(0)?))
    }

    fn page_text(&self, id: &str) -> Result<Option<String>, StoreError> {
        let id = id.to_string();
        self.run(move |pg| async move {
            let c = pg.client().await?;
            let row = c
                .query_opt(
                    &c.prepare_cached("SELECT text FROM story_text WHERE story = $1")
                        .await?,
                    &[&id],
                )
                .await?;
            Ok(match row {
                Some(r) => Some(r.try_get(0)?),
                None => None,
            })
        })
    }

    fn page_texts(&self, ids: &[String]) -> Result<Vec<Option<String>>, StoreError> {
        let wanted = ids.to_vec();
        let mut found: std::collections::HashMap<String, String> =
            self.run(move |pg| async move {
                let c = pg.client().await?;
                let rows = c
                    .query(
                        &c.prepare_cached(
                            "SELECT story, text FROM story_text WHERE story = ANY($1)",
                        )
                        .await?,
                        &[&wanted],
                    )
                    .await?;
                rows.iter()
                    .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
                    .collect()
            })?;
        Ok(ids.iter().map(|id| found.remove(id)).collect())
    }

    fn stories_with_texts(&self, ids: &[String]) -> Result<Vec<Option<WithText>>, StoreError> {
        let wanted = ids.to_vec();
        let mut found: std::collections::HashMap<String, WithText> =
            self.run(move |pg| async move {
                let c = pg.client().await?;
                let sql = "SELECT s.id, s.record, t.text FROM stories s
                           LEFT JOIN story_text t ON t.story = s.id WHERE s.id = ANY($1)";
                let rows = c.query(&c.prepare_cached(sql).await?, &[&wanted]).await?;
                rows.iter()
                    .map(|r| {
                        let story = r.try_get::<_, Json<Story>>(1)?.0;
                        Ok((r.try_get(0)?, (story, r.try_get(2)?)))
                    })
                    .collect()
            })?;
        Ok(ids.iter().map(|id| found.remove(id)).collect())
    }

    fn put_text(&self, id: &str, text: Option<&str>) -> Result<(), StoreError> {
        let (id, text) = (id.to_string(), text.map(str::to_string));
        self.run(move |pg| async move {
            let c = pg.client().await?;
            match text {
                Some(t) => {
                    c.execute(
                        &c.prepare_cached(
                            "INSERT INTO story_text (story, text) VALUES ($1, $2)
                         ON CONFLICT (story) DO UPDATE SET text = EXCLUDED.text",
                        )
                        .await?,
                        &[&id, &t],
                    )
                    .await?
                }
                None => {
                    c.execute(
                        &c.prepare_cached("DELETE FROM story_text WHERE story = $1")
                            .await?,
                        &[&id],
                    )
                    .await?
                }
            };
            Ok(())
        })
    }
}

pub(super) fn job_of(r: &tokio_postgres::Row) -> Result<ArticleJob, PgError> {
    Ok(ArticleJob {
        story: r.try_get(0)?,
        url: r.try_get(1)?,
        outlet: r.try_get(2)?,
        due: r.try_get(3)?,
        failures: r.try_get::<_, i32>(4)?.max(0) as u32,
    })
}

const JOB_COLUMNS: &str = "story, url, outlet, due, failures";

impl FetchRecords for PgRecords {
    fn feed_state(&self, url: &str) -> Result<Option<FeedState>, StoreError> {
        self.record("SELECT state FROM feed_states WHERE url = $1", url)
    }

    /// The workers' queue follows the state in the same transaction: a gone feed (HTTP 410)
    /// is never claimed again, and a state due now with no lease running on the feed (what
    /// `feeds revive` writes) makes it due in the queue too.
    fn put_feed_state(&self, url: &str, state: &FeedState) -> Result<(), StoreError> {
        let (url, state) = (url.to_string(), state.clone());
        let due_now = !state.gone && state.next_due.is_none();
        self.run(move |pg| async move {
            let mut c = pg.client().await?;
            let tx = c.transaction().await?;
            tx.execute(
                &tx.prepare_cached(
                    "INSERT INTO feed_states (url, state) VALUES ($1, $2)
                     ON CONFLICT (url) DO UPDATE SET state = EXCLUDED.state",
                )
                .await?,
                &[&url, &Json(&state)],
            )
            .await?;
            tx.execute(
                &tx.prepare_cached(
                    "UPDATE feeds SET gone = $2,
                         next_due = CASE WHEN $3 AND (lease_until IS NULL OR lease_until <= now())
                                         THEN now() ELSE next_due END
                     WHERE url = $1",
                )
                .await?,
                &[&url, &state.gone, &due_now],
            )
            .await?;
            tx.commit().await?;
            Ok(())
        })
    }

    /// `put_feed_state` for several feeds: two statements in one transaction, whatever
    /// their number.
    fn put_feed_states(&self, states: &[(String, FeedState)]) -> Result<(), StoreError> {
        if states.is_empty() {
            return Ok(());
        }
        let urls: Vec<String> = states.iter().map(|(u, _)| u.clone()).collect();
        let records: Vec<Json<FeedState>> = states.iter().map(|(_, s)| Json(s.clone())).collect();
        let gone: Vec<bool> = states.iter().map(|(_, s)| s.gone).collect();
        let due_now: Vec<bool> = states
            .iter()
            .map(|(_, s)| !s.gone && s.next_due.is_none())
            .collect();
        self.run(move |pg| async move {
            let mut c = pg.client().await?;
            let tx = c.transaction().await?;
            tx.execute(
                &tx.prepare_cached(
                    "INSERT INTO feed_states (url, state)
                     SELECT * FROM unnest($1::text[], $2::jsonb[])
                     ON CONFLICT (url) DO UPDATE SET state = EXCLUDED.state",
                )
                .await?,
                &[&urls, &records],
            )
            .await?;
            tx.execute(
                &tx.prepare_cached(
                    "UPDATE feeds f SET gone = d.gone,
                         next_due = CASE WHEN d.due_now
                                              AND (f.lease_until IS NULL OR f.lease_until <= now())
                                         THEN now() ELSE f.next_due END
                     FROM unnest($1::text[], $2::bool[], $3::bool[]) AS d(url, gone, due_now)
                     WHERE f.url = d.url",
                )
                .await?,
                &[&urls, &gone, &due_now],
            )
            .await?;
            tx.commit().await?;
            Ok(())
        })
    }

    fn feed_states(&self) -> Result<Vec<(String, FeedState)>, StoreError> {
        self.rows("SELECT url, state FROM feed_states ORDER BY url", |r| {
            Ok((r.try_get(0)?, r.try_get::<_, Json<FeedState>>(1)?.0))
        })
    }

    fn feed_states_of(&self, urls: &[String]) -> Result<Vec<Option<FeedState>>, StoreError> {
        let wanted = urls.to_vec();
        let mut found: std::collections::HashMap<String, FeedState> =
            self.run(move |pg| async move {
                let c = pg.client().await?;
                let rows = c
                    .query(
                        &c.prepare_cached("SELECT url, state FROM feed_states WHERE url = ANY($1)")
                            .await?,
                        &[&wanted],
                    )
                    .await?;
                rows.iter()
                    .map(|r| Ok((r.try_get(0)?, r.try_get::<_, Json<FeedState>>(1)?.0)))
                    .collect()
            })?;
        Ok(urls.iter().map(|u| found.remove(u)).collect())
    }

    fn due_article_jobs(&self, now: DateTime<Utc>) -> Result<Vec<ArticleJob>, StoreError> {
        let now = pg_time(now);
        self.run(move |pg| async move {
            let c = pg.client().await?;
            let rows = c
                .query(
                    &c.prepare_cached(&format!(
                        "SELECT {JOB_COLUMNS} FROM page_jobs WHERE due <= $1 ORDER BY due, story"
                    ))
                    .await?,
                    &[&now],
                )
                .await?;
            rows.iter().map(job_of).collect()
        })
    }

    fn article_job(&self, story: &str) -> Result<Option<ArticleJob>, StoreError> {
        let story = story.to_string();
        self.run(move |pg| async move {
            let c = pg.client().await?;
            let row = c
                .query_opt(
                    &c.prepare_cached(&format!(
                        "SELECT {JOB_COLUMNS} FROM page_jobs WHERE story = $1"
                    ))
                    .await?,
                    &[&story],
                )
                .await?;
            row.as_ref().map(job_of).transpose()
        })
    }

    /// Into the queue unleased, for any pass's claim (`PgStore::claim_pages`), its host known
    /// to the claims; a job a pass holds keeps its lease (that pass fetches the page).
    fn put_article_job(&self, job: &ArticleJob) -> Result<(), StoreError> {
        self.upsert_job(
            job,
            "lease_until = page_jobs.lease_until, leased_by = page_jobs.leased_by",
        )
    }

    /// The holder's lease ends with it: the host's slot goes back to the cluster.
    fn retry_article_job(&self, job: &ArticleJob) -> Result<(), StoreError> {
        self.upsert_job(job, "lease_until = NULL, leased_by = NULL")
    }

    fn remove_article_job(&self, story: &str) -> Result<(), StoreError> {
        self.execute("DELETE FROM page_jobs WHERE story = $1", story)
    }
}

/// Lookups in the `postings` table: one statement for all the hashes asked, each read by the
/// primary key's B-tree for at most `cap + 1` postings; a hash with more comes back as NULL,
/// so a hash reprinted in a million stories costs `cap + 1` index entries and no rows sent.
struct PgPassages(PgRecords);

impl PassageLookup for PgPassages {
    fn lookup_many(
        &self,
        hashes: &[u64],
        cap: usize,
    ) -> Result<Vec<Option<Vec<String>>>, StoreError> {
        if hashes.is_empty() {
            return Ok(Vec::new());
        }
        let wanted: Vec<i64> = hashes.iter().map(|&h| h as i64).collect();
        let cap = cap as i64;
        let found: Vec<(i64, Option<Vec<i64>>)> = self.0.run(move |pg| async move {
            let c = pg.client().await?;
            let sql = "SELECT q.h, CASE WHEN cardinality(p.s) > $2::bigint THEN NULL ELSE p.s END
                       FROM unnest($1::bigint[]) AS q(h)
                       CROSS JOIN LATERAL (SELECT ARRAY(SELECT story FROM postings
                                                        WHERE hash = q.h
                                                        LIMIT $2::bigint + 1) AS s) AS p";
            let rows = c
                .query(&c.prepare_cached(sql).await?, &[&wanted, &cap])
                .await?;
            rows.iter()
                .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
                .collect()
        })?;
        let by_hash: std::collections::HashMap<i64, Option<Vec<i64>>> = found.into_iter().collect();
        Ok(hashes
            .iter()
            .map(|&h| match by_hash.get(&(h as i64)) {
                Some(Some(stories)) => Some(stories.iter().map(|&s| story_hex(s)).collect()),
                Some(None) => None,
                None => Some(Vec::new()),
            })
            .collect())
    }
}

impl IndexRecords for PgRecords {
    fn mark_unindexed(&self, id: &str) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO unindexed (story) VALUES ($1) ON CONFLICT DO NOTHING",
            id,
        )
    }

    fn mark_unindexed_many(&self, ids: &[String]) -> Result<(), StoreError> {
        let ids = ids.to_vec();
        self.run(move |pg| async move {
            let c = pg.client().await?;
            c.execute(
                &c.prepare_cached("INSERT INTO unindexed (story) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING").await?,
                &[&ids],
            )
            .await?;
            Ok(())
        })
    }

    fn unindexed(&self) -> Result<Vec<String>, StoreError> {
        self.rows("SELECT story FROM unindexed ORDER BY story", |r| {
            Ok(r.try_get(0)?)
        })
    }

    fn indexed(&self, ids: &[String]) -> Result<(), StoreError> {
        let ids = ids.to_vec();
        self.run(move |pg| async move {
            let c = pg.client().await?;
            c.execute(
                &c.prepare_cached("DELETE FROM unindexed WHERE story = ANY($1)")
                    .await?,
                &[&ids],
            )
            .await?;
            Ok(())
        })
    }

    fn needs_reindex(&self) -> Result<bool, StoreError> {
        let flag: Option<serde_json::Value> =
            self.record("SELECT value FROM meta WHERE key = $1", REINDEX)?;
        Ok(flag.is_some())
    }

    fn reindexed(&self) -> Result<(), StoreError> {
        self.execute("DELETE FROM meta WHERE key = $1", REINDEX)
    }

    /// In batches of `unnest` arrays: one statement per 10,000 postings.
    fn add_postings(&self, postings: Vec<Posting>) -> Result<(), StoreError> {
        let mut pairs: Vec<(i64, i64)> = postings
            .iter()
            .map(|p| {
                let (h, s) = p.split_at(8);
                let h = i64::from_be_bytes(h.try_into().unwrap_or_default());
                let s = i64::from_be_bytes(s.try_into().unwrap_or_default());
                (h, s)
            })
            .collect();
        pairs.sort_unstable();
        pairs.dedup();
        self.run(move |pg| async move {
            let mut c = pg.client().await?;
            let tx = c.transaction().await?;
            for chunk in pairs.chunks(10_000) {
                let (hashes, stories): (Vec<i64>, Vec<i64>) = chunk.iter().copied().unzip();
                tx.execute(
                    &tx.prepare_cached(
                        "INSERT INTO postings (hash, story)
                     SELECT * FROM unnest($1::bigint[], $2::bigint[]) ON CONFLICT DO NOTHING",
                    )
                    .await?,
                    &[&hashes, &stories],
                )
                .await?;
            }
            tx.commit().await?;
            Ok(())
        })
    }

    fn passages(&self) -> Result<Box<dyn PassageLookup + Send>, StoreError> {
        Ok(Box::new(PgPassages(self.clone())))
    }
}

impl Backend for PgRecords {
    fn flush(&self) -> Result<(), StoreError> {
        Ok(())
    }

    fn shared(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn story_ids_round_trip_through_bigint() {
        for id in ["0000000000000000", "ffffffffffffffff", "8000000000000001"] {
            let bits = u64::from_str_radix(id, 16).unwrap() as i64;
            assert_eq!(story_hex(bits), id);
        }
        assert!(prefix_end("abc").as_str() > "abcfffffffffffff");
        // -4000-01-01: inside PostgreSQL's range, and before any story a real feed dates.
        assert_eq!(earliest().format("%Y-%m-%d").to_string(), "-4000-01-01");
    }
}
