//! Syndicated copies: the same article under another outlet or URL.
//!
//! A text finds the stories that share runs of its words through the passage index
//! (`search::index`), without a scan. Each candidate's text and this one are then cut into
//! shingles (runs of five words, lower-cased, punctuation dropped), each hashed with xxh3, and a
//! candidate is a copy when the containment of the shorter text in the longer (shared shingles ÷
//! the shorter text's shingles) reaches `COPY_THRESHOLD`. On the article
//! fixtures, copies score 0.99 to 1.00 and unrelated stories at most 0.07, so the threshold sits
//! at 0.5. The earliest published story of a group is its original; the others are its copies.
//! A dateline that names a wire service ("(Reuters) -") is recorded by the article extractor.

use std::collections::HashSet;

use xxhash_rust::xxh3::xxh3_64;

/// Shared shingles ÷ the shorter text's shingles at which two texts are the same article.
pub const COPY_THRESHOLD: f64 = 0.5;
/// Texts with fewer shingles than this are too short to call anything a copy.
pub const MIN_SHINGLES: usize = 20;
const WORDS: usize = 5;

/// The hashed five-word shingles of a text, deduplicated.
pub fn shingles(text: &str) -> HashSet<u64> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    words
        .windows(WORDS)
        .map(|w| xxh3_64(w.join(" ").as_bytes()))
        .collect()
}

/// Containment of the smaller set in the larger.
pub fn containment(a: &HashSet<u64>, b: &HashSet<u64>) -> f64 {
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if small.is_empty() {
        return 0.0;
    }
    small.iter().filter(|h| large.contains(h)).count() as f64 / small.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_score_high_and_others_low() {
        let a = "NASIRIYA, Iraq (Reuters) - Protesters broke into the Nasiriya oilfield in southern Iraq on Saturday and forced employees to cut off power to the field, shutting it down, an oil official said. The incident marks the first time protesters have shut an entire oilfield.";
        let b = "NASIRIYA, Iraq: Protesters broke into the Nasiriya oilfield in southern Iraq on Saturday and forced employees to cut off power to the field, shutting it down, an oil official said. The incident marks the first time protesters have shut an entire oilfield.";
        let c = "Thousands of mourners gathered in Baghdad on Monday for the funerals of fighters killed in U.S. air strikes, as the militia's leaders vowed to respond to the attack on their bases.";
        let (sa, sb, sc) = (shingles(a), shingles(b), shingles(c));
        assert!(containment(&sa, &sb) > 0.9);
        assert!(containment(&sa, &sc) < 0.1);
        assert_eq!(shingles("Five words, no more."), HashSet::new());
    }
}
