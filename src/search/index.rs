//! The passage index: which stored stories contain a run of words, without a scan.
//!
//! A text's words are cut into trigrams (three consecutive words), each hashed. Trigrams made
//! only of very common words ("one of the") are skipped: they would name half the store. Of the
//! rest, the text keeps a winnowed selection (Schleimer, Wilkerson and Aiken, 2003): the
//! smallest hash in every window of `WINDOW` consecutive trigrams. Those are the text's
//! postings, kept in segment files (`segments`). The guarantee that makes this an index: a
//! passage that shares `WINDOW` consecutive trigrams (`WINDOW + 2` words) with a stored text
//! shares at least one posting with it, so looking up all of the passage's trigram hashes finds
//! the story. Shorter passages are still looked up, but may be missed; `verify` then tries the
//! stories found for the rest of the post.
//!
//! Every story's current text is indexed, whether it is its page's or its feed's; the same
//! lookup serves syndication (`story::syndication`). A fetch pass collects its postings in a
//! `Pending` set, which lookups during the pass also consult, and writes them as one segment;
//! the `unindexed` tree names the stories not yet in a segment, so a pass that dies before
//! writing loses nothing: the next one indexes them (`catch_up`).

use std::collections::{HashMap, HashSet};

use xxhash_rust::xxh3::xxh3_64;

use super::segments::{posting, Posting};
use super::words::Word;
use crate::store::{PassageLookup, Store, StoreError};

/// Trigrams per winnowing window: runs of `WINDOW + 2` words are always found.
pub const WINDOW: usize = 6;
/// A hash shared by more stories than this says nothing about which one a passage came from.
pub const MAX_POSTINGS: usize = 2000;

const STOP: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "from", "had", "has", "have",
    "he", "her", "his", "i", "in", "is", "it", "its", "not", "of", "on", "or", "said", "she",
    "that", "the", "their", "they", "this", "to", "was", "we", "were", "which", "who", "will",
    "with",
];

fn is_stop(w: &Word) -> bool {
    STOP.binary_search(&w.norm.as_str()).is_ok()
}

fn trigram(a: u64, b: u64, c: u64) -> u64 {
    let mut bytes = [0u8; 24];
    bytes[..8].copy_from_slice(&a.to_le_bytes());
    bytes[8..16].copy_from_slice(&b.to_le_bytes());
    bytes[16..].copy_from_slice(&c.to_le_bytes());
    xxh3_64(&bytes)
}

/// The hash of each trigram of `words` (by its first word's index), `None` for skipped ones.
pub fn trigrams(words: &[Word]) -> Vec<Option<u64>> {
    words
        .windows(3)
        .map(|t| (!t.iter().all(is_stop)).then(|| trigram(t[0].hash, t[1].hash, t[2].hash)))
        .collect()
}

/// The trigram hashes of a text, common-word trigrams skipped: `trigrams` without building
/// `Word`s, for indexing (the same hashes: `words::hashes` hashes words as `words` does).
fn text_trigrams(text: &str) -> Vec<u64> {
    static STOP_HASHES: std::sync::OnceLock<Vec<u64>> = std::sync::OnceLock::new();
    let stop = STOP_HASHES.get_or_init(|| {
        let mut v: Vec<u64> = STOP.iter().map(|w| xxh3_64(w.as_bytes())).collect();
        v.sort_unstable();
        v
    });
    let hashes = super::words::hashes(text);
    hashes
        .windows(3)
        .filter(|t| !t.iter().all(|h| stop.binary_search(h).is_ok()))
        .map(|t| trigram(t[0], t[1], t[2]))
        .collect()
}

/// The winnowed hashes of a text's trigrams: what the index keeps for it, sorted, distinct.
pub fn fingerprints(text: &str) -> Vec<u64> {
    let grams = text_trigrams(text);
    let mut picked = Vec::new();
    if grams.len() <= WINDOW {
        picked.extend(grams.iter().min());
    } else {
        let mut last: Option<usize> = None;
        for start in 0..=grams.len() - WINDOW {
            // The rightmost smallest hash of the window.
            let mut best = start;
            for i in start..start + WINDOW {
                if grams[i] <= grams[best] {
                    best = i;
                }
            }
            if last != Some(best) {
                picked.push(grams[best]);
                last = Some(best);
            }
        }
    }
    picked.sort_unstable();
    picked.dedup();
    picked
}

/// Every trigram hash of a passage, distinct: what a lookup asks the index for.
pub fn query(words: &[Word]) -> Vec<u64> {
    let set: HashSet<u64> = trigrams(words).into_iter().flatten().collect();
    let mut v: Vec<u64> = set.into_iter().collect();
    v.sort_unstable();
    v
}

/// Postings collected during a pass, not yet in a segment.
#[derive(Default)]
pub struct Pending {
    postings: Vec<Posting>,
    /// Lookup without an allocation per posting: the newest entry for each hash, and each
    /// entry's story (an index into `ids`) and the entry before it with the same hash.
    heads: HashMap<u64, u32>,
    entries: Vec<(u32, u32)>,
    ids: Vec<String>,
}

const NONE: u32 = u32::MAX;

impl Pending {
    /// Takes in a story's new text: its postings, and a note in the store that it awaits a
    /// segment. Returns the text's fingerprints.
    pub fn add(&mut self, store: &Store, id: &str, text: &str) -> Result<Vec<u64>, StoreError> {
        let prints = fingerprints(text);
        self.add_fingerprints(store, id, &prints)?;
        Ok(prints)
    }

    /// `add` with the text's fingerprints already computed (`fingerprints`).
    pub fn add_fingerprints(
        &mut self,
        store: &Store,
        id: &str,
        prints: &[u64],
    ) -> Result<(), StoreError> {
        store.mark_unindexed(id)?;
        self.add_marked(id, prints);
        Ok(())
    }

    /// `add_fingerprints` for a story the caller has already marked unindexed in the store
    /// (`Store::mark_unindexed_many`, a feed's stories at once).
    pub fn add_marked(&mut self, id: &str, prints: &[u64]) {
        let story = self.ids.len() as u32;
        self.ids.push(id.to_string());
        for &h in prints {
            if let Some(p) = posting(h, id) {
                self.postings.push(p);
            }
            let entry = self.entries.len() as u32;
            let before = self.heads.insert(h, entry).unwrap_or(NONE);
            self.entries.push((story, before));
        }
    }

    /// Stories of this pass with a posting for `hash`.
    fn lookup(&self, hash: u64) -> impl Iterator<Item = &str> + '_ {
        let mut at = self.heads.get(&hash).copied().unwrap_or(NONE);
        std::iter::from_fn(move || {
            let (story, before) = *self.entries.get(at as usize)?;
            at = before;
            self.ids.get(story as usize).map(String::as_str)
        })
    }

    /// Writes the postings as a segment and clears them.
    pub fn flush(&mut self, store: &Store) -> Result<(), StoreError> {
        if self.ids.is_empty() {
            return Ok(());
        }
        store.add_postings(std::mem::take(&mut self.postings))?;
        store.indexed(&self.ids)?;
        self.heads.clear();
        self.entries.clear();
        self.ids.clear();
        Ok(())
    }
}

/// Indexes the stories the store says are not in a segment (a pass that died before writing
/// its segment, or a database from before segments). Returns how many.
pub fn catch_up(store: &Store) -> Result<usize, StoreError> {
    if store.needs_reindex()? {
        for id in store.story_ids()? {
            store.mark_unindexed(&id)?;
        }
        store.reindexed()?;
    }
    let ids = store.unindexed()?;
    if ids.is_empty() {
        return Ok(0);
    }
    let mut pending = Pending::default();
    for id in &ids {
        let Some(story) = store.story(id)? else {
            continue;
        };
        let text = store.text(&story)?.unwrap_or_default();
        pending.add(store, id, &text)?;
    }
    pending.flush(store)?;
    store.indexed(&ids)?;
    tracing::info!("indexed {} stories' texts", ids.len());
    Ok(ids.len())
}

/// Stories sharing postings with `hashes` (in the segments, and in `pending` if given), with
/// how many, most first (ties by id). Hashes with more than `MAX_POSTINGS` stories are ignored.
pub fn candidates(
    index: &dyn PassageLookup,
    pending: Option<&Pending>,
    hashes: &[u64],
    except: Option<&str>,
) -> Result<Vec<(String, usize)>, StoreError> {
    let mut hits: HashMap<String, usize> = HashMap::new();
    let found = index.lookup_many(hashes, MAX_POSTINGS)?;
    for (h, ids) in hashes.iter().zip(found) {
        // More than MAX_POSTINGS stories in the index alone: the hash says little.
        let Some(mut ids) = ids else {
            continue;
        };
        if let Some(p) = pending {
            for id in p.lookup(*h) {
                if !ids.iter().any(|i| i == id) {
                    ids.push(id.to_string());
                }
            }
        }
        if ids.len() > MAX_POSTINGS {
            continue;
        }
        for id in ids {
            if Some(id.as_str()) != except {
                *hits.entry(id).or_default() += 1;
            }
        }
    }
    let mut out: Vec<(String, usize)> = hits.into_iter().collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_list_is_sorted() {
        assert!(STOP.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn any_run_of_window_plus_two_words_shares_a_fingerprint() {
        let text = "Protesters broke into the Nasiriya oilfield in southern Iraq on Saturday and forced employees to cut off power to the field, shutting it down, an oil official said, in the first such incident since mass protests began in October against the government.";
        let fp = fingerprints(text);
        let w = super::super::words::words(text);
        for start in 0..=w.len() - (WINDOW + 2) {
            let run = &w[start..start + WINDOW + 2];
            let q = query(run);
            assert!(
                q.iter().any(|h| fp.binary_search(h).is_ok()),
                "run at word {start} not found"
            );
        }
        assert!(fp.len() < trigrams(&w).len(), "winnowing keeps fewer");
        let slow: Vec<u64> = trigrams(&w).into_iter().flatten().collect();
        assert_eq!(
            text_trigrams(text),
            slow,
            "the fast path hashes as the slow one"
        );
    }
}
