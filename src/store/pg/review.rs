//! The author's review, recorded posts and the desk's records on PostgreSQL.
//!
//! A decision is one transaction: the standing decision is replaced and the decision appended
//! to `review_log`. Two editors deciding the same quotation at once take turns (a transaction
//! advisory lock on the quote id): the later decision stands, both are in the log, and the log's
//! order is the order in which they stood.

use chrono::{DateTime, Utc};
use tokio_postgres::types::Json;

use super::PgRecords;
use crate::review::{Review, Status, StoryQuotes};
use crate::store::records::{
    DeskRecords, PostRecord, PostRecords, ReviewRecords, SavedSearch, Use,
};
use crate::store::StoreError;

impl ReviewRecords for PgRecords {
    fn story_quotes(&self, story: &str) -> Result<Option<StoryQuotes>, StoreError> {
        self.record("SELECT record FROM quotes WHERE story = $1", story)
    }

    fn put_story_quotes(
        &self,
        story: &str,
        old: Option<&StoryQuotes>,
        new: &StoryQuotes,
    ) -> Result<(), StoreError> {
        self.put_story_quotes_many(&[(story.to_string(), old.cloned(), new.clone())])
    }

    fn story_quotes_many(
        &self,
        stories: &[String],
    ) -> Result<Vec<Option<StoryQuotes>>, StoreError> {
        let wanted = stories.to_vec();
        let mut found: std::collections::HashMap<String, StoryQuotes> =
            self.run(move |pg| async move {
                let c = pg.client().await?;
                let rows = c
                    .query(
                        &c.prepare_cached("SELECT story, record FROM quotes WHERE story = ANY($1)")
                            .await?,
                        &[&wanted],
                    )
                    .await?;
                rows.iter()
                    .map(|r| Ok((r.try_get(0)?, r.try_get::<_, Json<StoryQuotes>>(1)?.0)))
                    .collect()
            })?;
        Ok(stories.iter().map(|s| found.remove(s)).collect())
    }

    /// One transaction of three statements, whatever the number of stories: the quotations,
    /// the ids that went, the ids that are.
    fn put_story_quotes_many(
        &self,
        writes: &[(String, Option<StoryQuotes>, StoryQuotes)],
    ) -> Result<(), StoreError> {
        let (mut stories, mut records) = (Vec::new(), Vec::new());
        let (mut gone, mut gone_story) = (Vec::new(), Vec::new());
        let (mut ids, mut id_story) = (Vec::new(), Vec::new());
        let mut seen = std::collections::HashSet::new();
        // A story twice in the batch: its last write stands, as it would written one by one.
        for (story, old, new) in writes.iter().rev() {
            if !seen.insert(story.as_str()) {
                continue;
            }
            stories.push(story.clone());
            records
                .push(serde_json::to_value(new).map_err(|e| StoreError::Corrupt(e.to_string()))?);
            for q in old
                .as_ref()
                .map(|o| o.quotes.as_slice())
                .unwrap_or_default()
            {
                if !new.quotes.iter().any(|n| n.id == q.id) {
                    gone.push(q.id.clone());
                    gone_story.push(story.clone());
                }
            }
            for q in &new.quotes {
                ids.push(q.id.clone());
                id_story.push(story.clone());
            }
        }
        self.run(move |pg| async move {
            let mut c = pg.client().await?;
            let tx = c.transaction().await?;
            tx.execute(
                &tx.prepare_cached("INSERT INTO quotes (story, record)
                 SELECT * FROM unnest($1::text[], $2::jsonb[])
                 ON CONFLICT (story) DO UPDATE SET record = EXCLUDED.record").await?,
                &[&stories, &records],
            )
            .await?;
            if !gone.is_empty() {
                tx.execute(
                    &tx.prepare_cached("DELETE FROM quote_ids q USING unnest($1::text[], $2::text[]) AS g(quote, story)
                     WHERE q.quote = g.quote AND q.story = g.story").await?,
                    &[&gone, &gone_story],
                )
                .await?;
            }
            if !ids.is_empty() {
                tx.execute(
                    &tx.prepare_cached("INSERT INTO quote_ids (quote, story)
                     SELECT DISTINCT ON (quote) * FROM unnest($1::text[], $2::text[]) AS n(quote, story)
                     ON CONFLICT (quote) DO UPDATE SET story = EXCLUDED.story").await?,
                    &[&ids, &id_story],
                )
                .await?;
            }
            tx.commit().await?;
            Ok(())
        })
    }

    fn quote_ids_with_prefix(
        &self,
        prefix: &str,
        limit: usize,
    ) -> Result<Vec<(String, String)>, StoreError> {
        let (lo, hi, limit) = (prefix.to_string(), format!("{prefix}~"), limit as i64);
        self.run(move |pg| async move {
            let c = pg.client().await?;
            let rows = c
                .query(
                    &c.prepare_cached(
                        "SELECT quote, story FROM quote_ids WHERE quote >= $1 AND quote < $2
                     ORDER BY quote LIMIT $3",
                    )
                    .await?,
                    &[&lo, &hi, &limit],
                )
                .await?;
            rows.iter()
                .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
                .collect()
        })
    }

    fn review(&self, quote: &str) -> Result<Option<Review>, StoreError> {
        self.record("SELECT record FROM reviews WHERE quote = $1", quote)
    }

    fn put_review(&self, quote: &str, review: &Review) -> Result<(), StoreError> {
        let (quote, review) = (quote.to_string(), review.clone());
        self.run(move |pg| async move {
            let mut c = pg.client().await?;
            let tx = c.transaction().await?;
            // Decisions on one quotation take turns, so the log's order is the order in which
            // they stood: the last logged is the one standing.
            tx.execute(
                &tx.prepare_cached("SELECT pg_advisory_xact_lock(hashtext($1))")
                    .await?,
                &[&quote],
            )
            .await?;
            tx.execute(
                &tx.prepare_cached("INSERT INTO review_log (quote, record) VALUES ($1, $2)")
                    .await?,
                &[&quote, &Json(&review)],
            )
            .await?;
            if review.status == Status::Candidate {
                tx.execute(
                    &tx.prepare_cached("DELETE FROM reviews WHERE quote = $1")
                        .await?,
                    &[&quote],
                )
                .await?;
            } else {
                tx.execute(
                    &tx.prepare_cached(
                        "INSERT INTO reviews (quote, record) VALUES ($1, $2)
                     ON CONFLICT (quote) DO UPDATE SET record = EXCLUDED.record",
                    )
                    .await?,
                    &[&quote, &Json(&review)],
                )
                .await?;
            }
            tx.commit().await?;
            Ok(())
        })
    }

    fn reviews(&self) -> Result<Vec<(String, Review)>, StoreError> {
        self.rows("SELECT quote, record FROM reviews ORDER BY quote", |r| {
            Ok((r.try_get(0)?, r.try_get::<_, Json<Review>>(1)?.0))
        })
    }

    fn review_log(&self, quote: &str) -> Result<Vec<Review>, StoreError> {
        let quote = quote.to_string();
        self.run(move |pg| async move {
            let c = pg.client().await?;
            let rows = c
                .query(
                    &c.prepare_cached(
                        "SELECT record FROM review_log WHERE quote = $1 ORDER BY seq",
                    )
                    .await?,
                    &[&quote],
                )
                .await?;
            rows.iter()
                .map(|r| Ok(r.try_get::<_, Json<Review>>(0)?.0))
                .collect()
        })
    }
}

impl PostRecords for PgRecords {
    fn uses(&self, kind: u8, id: &str) -> Result<Vec<Use>, StoreError> {
        let id = id.to_string();
        self.run(move |pg| async move {
            let c = pg.client().await?;
            let rows = c
                .query(
                    &c.prepare_cached(
                        "SELECT post, line, status FROM uses WHERE kind = $1 AND id = $2
                     ORDER BY post, line",
                    )
                    .await?,
                    &[&(kind as i8), &id],
                )
                .await?;
            rows.iter()
                .map(|r| {
                    Ok(Use {
                        post: r.try_get(0)?,
                        line: r.try_get::<_, i32>(1)?.max(0) as usize,
                        status: r.try_get(2)?,
                    })
                })
                .collect()
        })
    }

    fn record_post(&self, record: &PostRecord) -> Result<(), StoreError> {
        let record = record.clone();
        self.run(move |pg| async move {
            let mut c = pg.client().await?;
            let tx = c.transaction().await?;
            tx.execute(
                &tx.prepare_cached("DELETE FROM uses WHERE post = $1")
                    .await?,
                &[&record.path],
            )
            .await?;
            let put = tx
                .prepare(
                    "INSERT INTO uses (kind, id, post, line, status) VALUES ($1, $2, $3, $4, $5)
                     ON CONFLICT DO NOTHING",
                )
                .await?;
            for l in &record.links {
                let line = l.line.min(i32::MAX as usize) as i32;
                let kinds =
                    std::iter::once((b's', &l.story)).chain(l.quotes.iter().map(|q| (b'q', q)));
                for (kind, id) in kinds {
                    tx.execute(&put, &[&(kind as i8), id, &record.path, &line, &l.status])
                        .await?;
                }
            }
            tx.execute(
                &tx.prepare_cached(
                    "INSERT INTO posts (path, record) VALUES ($1, $2)
                 ON CONFLICT (path) DO UPDATE SET record = EXCLUDED.record",
                )
                .await?,
                &[&record.path, &Json(&record)],
            )
            .await?;
            tx.commit().await?;
            Ok(())
        })
    }

    fn posts(&self) -> Result<Vec<PostRecord>, StoreError> {
        self.rows("SELECT record FROM posts ORDER BY path", |r| {
            Ok(r.try_get::<_, Json<PostRecord>>(0)?.0)
        })
    }
}

impl PgRecords {
    fn desk_put(&self, key: &'static str, value: serde_json::Value) -> Result<(), StoreError> {
        self.run(move |pg| async move {
            let c = pg.client().await?;
            c.execute(
                &c.prepare_cached(
                    "INSERT INTO desk (key, value) VALUES ($1, $2)
                 ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                )
                .await?,
                &[&key, &value],
            )
            .await?;
            Ok(())
        })
    }
}

fn json<T: serde::Serialize>(value: &T) -> Result<serde_json::Value, StoreError> {
    serde_json::to_value(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}

impl DeskRecords for PgRecords {
    fn reviewed_up_to(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        self.record("SELECT value FROM desk WHERE key = $1", "reviewed_up_to")
    }

    fn set_reviewed_up_to(&self, at: DateTime<Utc>) -> Result<(), StoreError> {
        self.desk_put("reviewed_up_to", json(&at)?)
    }

    fn saved_searches(&self) -> Result<Vec<SavedSearch>, StoreError> {
        Ok(self
            .record("SELECT value FROM desk WHERE key = $1", "saved_searches")?
            .unwrap_or_default())
    }

    fn set_saved_searches(&self, searches: &[SavedSearch]) -> Result<(), StoreError> {
        self.desk_put("saved_searches", json(&searches)?)
    }
}
