//! The CPU work a new text needs, done before the database is opened.
//!
//! Storing a story's text means indexing it (its passage-index fingerprints), finding its
//! quotations, and comparing it with possible copies (its shingles). All of that is pure
//! computation on the text, so a fetch task does it right after parsing, on the parser's
//! thread and inside the same limits, and the writer only looks the results up: the database
//! is held for writes, never for extraction, and one heavy page cannot shut readers out. A text
//! the writer did not see prepared (rare: a story whose text changes in a way no task foresaw)
//! is computed in place, within the same limits.

use std::collections::HashMap;

use xxhash_rust::xxh3::xxh3_64;

use crate::quotes::Quote;
use crate::review;
use crate::search;
use crate::story::syndication;

/// The results for one text.
#[derive(Debug, Clone, Default)]
pub struct Prepared {
    pub fingerprints: Vec<u64>,
    pub quotes: Vec<Quote>,
    /// What quote extraction cut, if anything.
    pub quote_limits: Option<String>,
    /// Only for a page's text, the only text compared with possible copies (empty for a
    /// feed's).
    pub shingles: std::collections::HashSet<u64>,
}

impl Prepared {
    /// The results for a text; with its shingles if `page`.
    pub fn of(text: &str, page: bool) -> Prepared {
        let (quotes, quote_limits) = review::extract_bounded(text);
        Prepared {
            fingerprints: search::index::fingerprints(text),
            quotes,
            quote_limits,
            shingles: if page {
                syndication::shingles(text)
            } else {
                Default::default()
            },
        }
    }
}

/// Prepared texts by the xxh3 of the text.
#[derive(Debug, Default)]
pub struct PreparedTexts {
    by_hash: HashMap<u64, Prepared>,
}

impl PreparedTexts {
    /// Prepares a feed entry's `text` unless it is empty or already prepared.
    pub fn add(&mut self, text: &str) {
        self.add_as(text, false);
    }

    /// Prepares a page's `text`, shingles included.
    pub fn add_page(&mut self, text: &str) {
        self.add_as(text, true);
    }

    fn add_as(&mut self, text: &str, page: bool) {
        if text.trim().is_empty() {
            return;
        }
        self.by_hash
            .entry(xxh3_64(text.as_bytes()))
            .or_insert_with(|| Prepared::of(text, page));
    }

    /// The results for `text`, computed now if no task did (shingles only if `page`).
    pub fn get(&mut self, text: &str, page: bool) -> &Prepared {
        let p = self
            .by_hash
            .entry(xxh3_64(text.as_bytes()))
            .or_insert_with(|| {
                tracing::debug!("a text was prepared while the database was held");
                Prepared::of(text, page)
            });
        if page && p.shingles.is_empty() {
            p.shingles = syndication::shingles(text);
        }
        p
    }
}
