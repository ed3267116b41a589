//! The sled side of the author's review.
//!
//! | tree         | key                                  | value                 |
//! |--------------|--------------------------------------|-----------------------|
//! | `quotes`     | story id                             | `review::StoryQuotes` |
//! | `quote_ids`  | quote id (16 hex)                    | story id              |
//! | `reviews`    | quote id                             | `review::Review`      |
//! | `review_log` | quote id ++ 0x00 ++ sled id (8 bytes)| `review::Review`      |

use super::{codec, get, SledStore};
use crate::review::{Review, Status, StoryQuotes};
use crate::store::records::ReviewRecords;
use crate::store::StoreError;

impl ReviewRecords for SledStore {
    fn story_quotes(&self, story: &str) -> Result<Option<StoryQuotes>, StoreError> {
        get(&self.quotes, story)
    }

    /// The quotations are written first, so an interrupted write leaves at worst an id entry
    /// missing, which the next extraction of the story repairs.
    fn put_story_quotes(
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

    fn quote_ids_with_prefix(
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

    fn review(&self, quote: &str) -> Result<Option<Review>, StoreError> {
        get(&self.reviews, quote)
    }

    fn put_review(&self, quote: &str, review: &Review) -> Result<(), StoreError> {
        let mut key = quote.as_bytes().to_vec();
        key.push(0);
        key.extend_from_slice(&self.db.generate_id()?.to_be_bytes());
        self.review_log.insert(key, codec::encode(review)?)?;
        match review.status {
            Status::Candidate => self.reviews.remove(quote.as_bytes())?,
            _ => self
                .reviews
                .insert(quote.as_bytes(), codec::encode(review)?)?,
        };
        Ok(())
    }

    fn reviews(&self) -> Result<Vec<(String, Review)>, StoreError> {
        let mut out = Vec::new();
        for item in self.reviews.iter() {
            let (k, v) = item?;
            out.push((String::from_utf8_lossy(&k).into_owned(), codec::decode(&v)?));
        }
        Ok(out)
    }

    fn review_log(&self, quote: &str) -> Result<Vec<Review>, StoreError> {
        let mut prefix = quote.as_bytes().to_vec();
        prefix.push(0);
        let mut out = Vec::new();
        for item in self.review_log.scan_prefix(prefix) {
            let (_, v) = item?;
            out.push(codec::decode(&v)?);
        }
        Ok(out)
    }
}
