//! The sled side of the author's review: each story's quotations, the index from a quotation's
//! id to its story, and review decisions. What the records mean is `crate::review`'s.
//!
//! | tree        | key                  | value                 |
//! |-------------|----------------------|-----------------------|
//! | `quotes`    | story id             | `review::StoryQuotes` |
//! | `quote_ids` | quote id (16 hex)    | story id              |
//! | `reviews`   | quote id             | `review::Review`      |
//!
//! Reviews are kept apart from the quotations so that extracting a story again never touches
//! them; a review whose quotation is gone stays, and applies again if the quotation returns.

use super::{codec, Store, StoreError};
use crate::review::{Review, StoryQuotes};

impl Store {
    pub fn story_quotes(&self, story: &str) -> Result<Option<StoryQuotes>, StoreError> {
        self.quotes
            .get(story.as_bytes())?
            .map(|v| codec::decode(&v))
            .transpose()
    }

    /// Replaces a story's quotations (`old` is what was stored) and their id index entries.
    /// The quotations are written first, so an interrupted write leaves at worst an id entry
    /// missing, which the next extraction of the story repairs.
    pub fn put_story_quotes(
        &self,
        story: &str,
        old: Option<&StoryQuotes>,
        new: &StoryQuotes,
    ) -> Result<(), StoreError> {
        self.quotes.insert(story.as_bytes(), codec::encode(new)?)?;
        let mut ids = sled::Batch::default();
        for q in old.map(|o| o.quotes.as_slice()).unwrap_or_default() {
            if !new.quotes.iter().any(|n| n.id == q.id) {
                ids.remove(q.id.as_bytes());
            }
        }
        for q in &new.quotes {
            ids.insert(q.id.as_bytes(), story.as_bytes());
        }
        self.quote_ids.apply_batch(ids)?;
        Ok(())
    }

    /// Up to `limit` (quote id, story id) pairs whose quote id starts with `prefix`.
    pub fn quote_ids_with_prefix(
        &self,
        prefix: &str,
        limit: usize,
    ) -> Result<Vec<(String, String)>, StoreError> {
        let mut out = Vec::new();
        for item in self.quote_ids.scan_prefix(prefix.as_bytes()).take(limit) {
            let (k, v) = item?;
            out.push((
                String::from_utf8_lossy(&k).into_owned(),
                String::from_utf8_lossy(&v).into_owned(),
            ));
        }
        Ok(out)
    }

    pub fn review(&self, quote: &str) -> Result<Option<Review>, StoreError> {
        self.reviews
            .get(quote.as_bytes())?
            .map(|v| codec::decode(&v))
            .transpose()
    }

    pub fn put_review(&self, quote: &str, review: &Review) -> Result<(), StoreError> {
        self.reviews
            .insert(quote.as_bytes(), codec::encode(review)?)?;
        Ok(())
    }

    pub fn remove_review(&self, quote: &str) -> Result<(), StoreError> {
        self.reviews.remove(quote.as_bytes())?;
        Ok(())
    }
}
