//! The passage index: which stored stories contain a run of words, without a scan.
//!
//! A text's words are cut into trigrams (three consecutive words), each hashed. Trigrams made
//! only of very common words ("one of the") are skipped: they would name half the store. Of the
//! rest, the text keeps a winnowed selection (Schleimer, Wilkerson and Aiken, 2003): the
//! smallest hash in every window of `WINDOW` consecutive trigrams. The store indexes those
//! (`text_index` tree: hash ++ story id). The guarantee that makes this an index: a passage that
//! shares `WINDOW` consecutive trigrams (`WINDOW + 2` words) with a stored text shares at least
//! one indexed hash with it, so looking up all of the passage's trigram hashes finds the story.
//! Shorter passages are still looked up, but may be missed; `verify` then tries the stories
//! found for the rest of the post.
//!
//! Every story's current text is indexed, whether it is its page's or its feed's; the same
//! lookup serves syndication (`story::syndication`).

use std::collections::{HashMap, HashSet};

use xxhash_rust::xxh3::xxh3_64;

use super::words::{words, Word};
use crate::store::{Store, StoreError};

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

/// The hash of each trigram of `words` (by its first word's index), `None` for skipped ones.
pub fn trigrams(words: &[Word]) -> Vec<Option<u64>> {
    words
        .windows(3)
        .map(|t| {
            if t.iter().all(is_stop) {
                return None;
            }
            let mut bytes = [0u8; 24];
            for (i, w) in t.iter().enumerate() {
                bytes[i * 8..i * 8 + 8].copy_from_slice(&w.hash.to_le_bytes());
            }
            Some(xxh3_64(&bytes))
        })
        .collect()
}

/// The winnowed hashes of a text's trigrams: what the index keeps for it, sorted, distinct.
pub fn fingerprints(text: &str) -> Vec<u64> {
    let grams: Vec<u64> = trigrams(&words(text)).into_iter().flatten().collect();
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

/// Replaces a story's entries in the index: `old` is the text it was indexed under, if any.
pub fn update(store: &Store, id: &str, old: Option<&str>, new: &str) -> Result<(), StoreError> {
    let old = old.map(fingerprints).unwrap_or_default();
    let new = fingerprints(new);
    let gone: Vec<u64> = old
        .iter()
        .filter(|h| new.binary_search(h).is_err())
        .copied()
        .collect();
    let added: Vec<u64> = new
        .iter()
        .filter(|h| old.binary_search(h).is_err())
        .copied()
        .collect();
    store.index_text(id, &gone, &added)
}

/// Rebuilds the index from every story's text if the store asks for it (a database from before
/// the index). Returns how many stories were indexed.
pub fn catch_up(store: &Store) -> Result<usize, StoreError> {
    if !store.needs_reindex()? {
        return Ok(0);
    }
    let mut n = 0;
    for id in store.story_ids() {
        let id = id?;
        let Some(story) = store.story(&id)? else {
            continue;
        };
        if let Some(text) = store.text(&story)? {
            update(store, &id, None, &text)?;
            n += 1;
        }
    }
    store.reindexed()?;
    tracing::info!("rebuilt the passage index over {n} stories");
    Ok(n)
}

/// Stories sharing indexed hashes with `hashes`, with how many, most first (ties by id).
/// Hashes with more than `MAX_POSTINGS` stories are ignored.
pub fn candidates(
    store: &Store,
    hashes: &[u64],
    except: Option<&str>,
) -> Result<Vec<(String, usize)>, StoreError> {
    let mut hits: HashMap<String, usize> = HashMap::new();
    for h in hashes {
        let ids = store.stories_with_hash(*h, MAX_POSTINGS + 1)?;
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
        let w = words(text);
        for start in 0..=w.len() - (WINDOW + 2) {
            let run = &w[start..start + WINDOW + 2];
            let q = query(run);
            assert!(
                q.iter().any(|h| fp.binary_search(h).is_ok()),
                "run at word {start} not found"
            );
        }
        assert!(fp.len() < trigrams(&w).len(), "winnowing keeps fewer");
    }
}
