//! Finding one passage's source: the passage cut at its omission marks, candidate stories from
//! the passage index (and, for passages too short for the index's guarantee, the stories the
//! caller suggests), word alignment with each, the best kept and judged.

use std::collections::HashMap;
use std::sync::OnceLock;

use regex::Regex;
use serde::Serialize;

use crate::search::align::{align, Alignment, Op};
use crate::search::index;
use crate::search::words::{words, Word};
use crate::store::{PassageLookup, Store, StoreError};
use crate::story::Story;

/// How closely a passage follows its source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The source's words and punctuation, modulo quote marks, dashes and white space.
    Verbatim,
    /// The same words but for punctuation, case or one-letter typos.
    Minor,
    /// Words changed, added, dropped or reordered.
    Altered,
    NotFound,
}

/// One word-level difference, post against source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Difference {
    /// `typo`, `changed`, `added` (in the post, not the source), `dropped` (in the source, not
    /// the post), or `punctuation` (the words agree; marks or case do not).
    pub kind: &'static str,
    pub post: Option<String>,
    pub source: Option<String>,
    /// Where the post's words are: a byte range in the passage's text (for `dropped`, an empty
    /// range where the source's words would go).
    pub post_at: Option<(usize, usize)>,
    /// Where the source's words are: a byte range in the matched source text
    /// ([`Placed::source_bytes`]; for `added`, an empty range where the post's words would go).
    pub source_at: Option<(usize, usize)>,
}

impl Difference {
    /// Moves the ranges by `post` bytes in the passage and `source` bytes in the source text
    /// (a part of a passage placed alone, rebased into the whole).
    fn shifted(mut self, post: usize, source: usize) -> Difference {
        self.post_at = self.post_at.map(|(a, b)| (a + post, b + post));
        self.source_at = self.source_at.map(|(a, b)| (a + source, b + source));
        self
    }
}

/// A passage prepared for matching.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub text: String,
    pub words: Vec<Word>,
    /// Word indexes before which the passage marks an omission (ascending, distinct).
    pub gaps: Vec<usize>,
    /// The passage's pieces between omission marks, as written.
    pub pieces: Vec<String>,
    /// The words of each of `pieces`: `start..end` word indexes.
    pub piece_words: Vec<(usize, usize)>,
    /// Each word's byte range in `text`.
    pub bytes: Vec<(usize, usize)>,
}

fn omission() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    // "[...]", "[…]", "...", "…", "[the US]" (an editor's insertion stands for source words).
    RE.get_or_init(|| {
        Regex::new(r"\[\s*(?:\.\s*\.\s*\.|…)\s*\]|\.\s?\.\s?\.|…|\[[^\]\n]{0,60}\]")
            .expect("valid regex")
    })
}

/// Cuts a passage at its omission marks and into words (offsets into `text`). Linear in the
/// passage, however many marks it has.
pub fn prepare(text: &str) -> Prepared {
    let mut blanked = String::with_capacity(text.len());
    // Each piece as written, and its chars in the text: start..end.
    let mut raw: Vec<(&str, usize, usize)> = Vec::new();
    let mut chars = 0; // chars of `blanked` so far
    let mut at = 0;
    for m in omission().find_iter(text) {
        let piece = &text[at..m.start()];
        let piece_chars = piece.chars().count();
        raw.push((piece, chars, chars + piece_chars));
        blanked.push_str(piece);
        let mark_chars = m.as_str().chars().count();
        blanked.extend(std::iter::repeat_n(' ', mark_chars));
        chars += piece_chars + mark_chars;
        at = m.end();
    }
    let last = &text[at..];
    raw.push((last, chars, chars + last.chars().count()));
    blanked.push_str(last);
    let all = words(&blanked);
    // A gap before the first word that starts at or after each mark (the marks' starts are
    // the pieces' ends, ascending).
    let mut gaps = Vec::with_capacity(raw.len());
    let mut w = 0;
    for &(_, _, mark) in &raw[..raw.len() - 1] {
        while all.get(w).is_some_and(|word| word.start < mark) {
            w += 1;
        }
        gaps.push(w);
    }
    gaps.dedup();
    let mut pieces = Vec::new();
    let mut piece_words = Vec::new();
    let mut w = 0;
    for (piece, from, to) in raw {
        while all.get(w).is_some_and(|word| word.start < from) {
            w += 1;
        }
        let first = w;
        while all.get(w).is_some_and(|word| word.start < to) {
            w += 1;
        }
        if piece.chars().any(char::is_alphanumeric) {
            pieces.push(piece.to_string());
            piece_words.push((first, w));
        }
    }
    let bytes = byte_ranges(text, &all);
    Prepared {
        text: text.to_string(),
        words: all,
        gaps,
        pieces,
        piece_words,
        bytes,
    }
}

/// The byte range in `text` of each word (whose offsets are in chars, ascending).
fn byte_ranges(text: &str, words: &[Word]) -> Vec<(usize, usize)> {
    // Byte offset of char `c`, for ascending `c`: one pass over the text for all words.
    let mut it = text
        .char_indices()
        .map(|(b, _)| b)
        .chain(std::iter::once(text.len()));
    let mut char_at = 0;
    let mut byte_at = it.next().unwrap_or(text.len());
    let mut byte_of = |c: usize| {
        while char_at < c {
            byte_at = it.next().unwrap_or(text.len());
            char_at += 1;
        }
        byte_at
    };
    words
        .iter()
        .map(|w| {
            let start = byte_of(w.start);
            (start, byte_of(w.end))
        })
        .collect()
}

/// A story's text and words, loaded once per verify run.
pub struct Loaded {
    pub story: Story,
    pub text: String,
    pub words: Vec<Word>,
    /// Each word's byte range in `text`.
    bytes: Vec<(usize, usize)>,
    /// Where the text's trigrams start (word indexes), by hash; common-word trigrams are not
    /// kept (as in the index).
    grams: HashMap<u64, Vec<u32>>,
    /// The hashes of its words of `CONTENT_CHARS` letters or more.
    vocabulary: std::collections::HashSet<u64>,
}

impl Loaded {
    fn new(story: Story, text: String) -> Loaded {
        let words = words(&text);
        let bytes = byte_ranges(&text, &words);
        let mut grams: HashMap<u64, Vec<u32>> = HashMap::new();
        for (i, h) in index::trigrams(&words).into_iter().enumerate() {
            if let (Some(h), Ok(i)) = (h, u32::try_from(i)) {
                grams.entry(h).or_default().push(i);
            }
        }
        let vocabulary = words
            .iter()
            .filter(|w| is_content(w))
            .map(|w| w.hash)
            .collect();
        Loaded {
            story,
            text,
            words,
            bytes,
            grams,
            vocabulary,
        }
    }

    /// Where trigram `h` starts in the text, if it is there at most `MAX_HITS` times (a
    /// trigram repeated all over a story says nothing about where a passage sits).
    fn hits(&self, h: u64) -> &[u32] {
        match self.grams.get(&h) {
            Some(v) if v.len() <= MAX_HITS => v,
            _ => &[],
        }
    }

    /// Story word `i` as written.
    fn surface(&self, i: usize) -> String {
        self.bytes
            .get(i)
            .and_then(|&(a, b)| self.text.get(a..b))
            .unwrap_or("")
            .to_string()
    }

    /// The text from story word `first` to story word `last` (inclusive, both cut to the
    /// story's last word) as written.
    fn span(&self, first: usize, last: usize) -> &str {
        let (a, b) = self.byte_span(first, last);
        self.text.get(a..b).unwrap_or("")
    }

    /// A byte range widened over the marks that cling to its first and last words (an
    /// opening quote mark, a closing one, the full stop), so that the source's words read as
    /// the source prints them.
    fn with_marks(&self, (a, b): (usize, usize)) -> (usize, usize) {
        let clings = |c: char| !c.is_whitespace() && !c.is_alphanumeric();
        let before = self.text.get(..a).unwrap_or("");
        let start = before.trim_end_matches(clings).len();
        let after = self.text.get(b..).unwrap_or("");
        let end = b + (after.len() - after.trim_start_matches(clings).len());
        (start, end)
    }

    /// The byte range of [`Self::span`].
    fn byte_span(&self, first: usize, last: usize) -> (usize, usize) {
        let end = self.bytes.len().saturating_sub(1);
        let a = self.bytes.get(first.min(end)).map_or(0, |r| r.0);
        let b = self.bytes.get(last.min(end)).map_or(a, |r| r.1);
        (a, b.max(a))
    }
}

/// A word this long or longer is a content word ("Iraq", "said"), not "of" or "the".
const CONTENT_CHARS: usize = 4;

fn is_content(w: &Word) -> bool {
    w.norm.chars().nth(CONTENT_CHARS - 1).is_some()
}

/// What `find` gave for one passage, kept for the rest of the run: a post that repeats a
/// passage costs one search.
type FindKey = (String, Vec<String>, Option<String>);

/// The passage index and the stories loaded for one run.
pub struct Cache {
    index: Box<dyn PassageLookup + Send>,
    /// What the index said of each hash asked so far (`prefetch`).
    known: HashMap<u64, Option<Vec<String>>>,
    stories: HashMap<String, Option<Loaded>>,
    found: HashMap<FindKey, Option<Placed>>,
}

impl Cache {
    pub fn new(index: Box<dyn PassageLookup + Send>) -> Cache {
        Cache {
            index,
            known: HashMap::new(),
            stories: HashMap::new(),
            found: HashMap::new(),
        }
    }

    /// Asks the index about every hash of `hashes` not asked yet, in one lookup: `verify`
    /// gives all of a post's passages at the start (one round trip on PostgreSQL, not one a
    /// passage), and each search its own.
    pub fn prefetch(&mut self, hashes: &[u64]) -> Result<(), StoreError> {
        let mut unknown: Vec<u64> = hashes
            .iter()
            .copied()
            .filter(|h| !self.known.contains_key(h))
            .collect();
        unknown.sort_unstable();
        unknown.dedup();
        if unknown.is_empty() {
            return Ok(());
        }
        let found = self.index.lookup_many(&unknown, index::MAX_POSTINGS)?;
        self.known.extend(unknown.into_iter().zip(found));
        Ok(())
    }

    /// Loads the stories of `ids` not loaded yet, with their texts, in one read of each kind
    /// (a passage's candidates: one round trip each on PostgreSQL, not one a story).
    pub fn load(&mut self, store: &Store, ids: &[String]) -> Result<(), StoreError> {
        let missing: Vec<String> = ids
            .iter()
            .filter(|id| !self.stories.contains_key(*id))
            .cloned()
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        let stories = store.stories_with_texts(&missing)?;
        for (id, story) in missing.into_iter().zip(stories) {
            let loaded = match story {
                Some((story, page)) => {
                    // As `Store::text` chooses: the page's text, or the story's own.
                    let text = if story.text.source == crate::story::TextSource::Article {
                        page
                    } else {
                        story.feed_text().map(str::to_string)
                    };
                    Some(Loaded::new(story, text.unwrap_or_default()))
                }
                None => None,
            };
            self.stories.insert(id, loaded);
        }
        Ok(())
    }

    pub fn get(&mut self, store: &Store, id: &str) -> Result<Option<&Loaded>, StoreError> {
        if !self.stories.contains_key(id) {
            let loaded = match store.story(id)? {
                Some(story) => {
                    let text = store.text(&story)?.unwrap_or_default();
                    Some(Loaded::new(story, text))
                }
                None => None,
            };
            self.stories.insert(id.to_string(), loaded);
        }
        Ok(self.stories.get(id).and_then(|l| l.as_ref()))
    }
}

/// The index's answers already had (`Cache::prefetch`), as a lookup.
struct Known<'a>(&'a HashMap<u64, Option<Vec<String>>>);

impl PassageLookup for Known<'_> {
    fn lookup_many(
        &self,
        hashes: &[u64],
        _cap: usize,
    ) -> Result<Vec<Option<Vec<String>>>, StoreError> {
        Ok(hashes
            .iter()
            .map(|h| self.0.get(h).cloned().unwrap_or(Some(Vec::new())))
            .collect())
    }
}

/// The best place for a passage in one story.
#[derive(Debug, Clone)]
pub struct Placed {
    pub story_id: String,
    /// Passage words found in place (the same, or with a typo).
    pub matched: usize,
    /// Char offsets of the matched words in the story's text.
    pub start: usize,
    pub end: usize,
    /// The same span as a byte range in the story's text: the source text the differences'
    /// `source_at` ranges point into.
    pub source_bytes: (usize, usize),
    pub status: Status,
    pub differences: Vec<Difference>,
}

impl Placed {
    /// The placement of a part of a passage that starts `offset` bytes into it, as a placement
    /// of the whole: the differences' passage ranges move by `offset`.
    pub fn within(mut self, offset: usize) -> Placed {
        self.differences = std::mem::take(&mut self.differences)
            .into_iter()
            .map(|d| d.shifted(offset, 0))
            .collect();
        self
    }
}

/// How many index candidates are aligned.
const CANDIDATES: usize = 6;
/// Passages longer than this are not aligned (a post's paragraph of 2,000 words is not a
/// quotation); `verify` tries its sentences when it is an unmarked paragraph.
const MAX_PASSAGE_WORDS: usize = 2000;
/// A trigram found more often than this in one story is no anchor: it says nothing about
/// where a passage sits.
const MAX_HITS: usize = 64;
/// An alignment of at most this many cells is made whole (every real quotation: 100 words in
/// a window of 2,500); a larger one, piece by piece, so that the work stays linear in the
/// passage's length whatever the story and the passage repeat.
const EXACT_CELLS: usize = 250_000;
/// Words of one piece of a passage aligned piece by piece.
const PIECE_WORDS: usize = 64;
/// The verbatim test compares each piece with the whole matched span while that costs at most
/// this many bytes, and each piece with its own span beyond.
const VERBATIM_WORK: usize = 4_000_000;

/// Finds where `p` comes from among the index's candidates and `extra` story ids; between
/// equal matches, a story of outlet `prefer`. The same question asked again in a run is
/// answered from the cache.
pub fn find(
    store: &Store,
    cache: &mut Cache,
    p: &Prepared,
    extra: &[String],
    prefer: Option<&str>,
) -> Result<Option<Placed>, StoreError> {
    if p.words.is_empty() {
        return Ok(None);
    }
    let key = (p.text.clone(), extra.to_vec(), prefer.map(str::to_string));
    if let Some(found) = cache.found.get(&key) {
        return Ok(found.clone());
    }
    let found = search(store, cache, p, extra, prefer)?;
    cache.found.insert(key, found.clone());
    Ok(found)
}

fn search(
    store: &Store,
    cache: &mut Cache,
    p: &Prepared,
    extra: &[String],
    prefer: Option<&str>,
) -> Result<Option<Placed>, StoreError> {
    let query = index::query(&p.words);
    cache.prefetch(&query)?;
    let mut ids: Vec<String> = index::candidates(&Known(&cache.known), None, &query, None)?
        .into_iter()
        .take(CANDIDATES)
        .map(|(id, _)| id)
        .collect();
    for id in extra {
        if !ids.contains(id) {
            ids.push(id.clone());
        }
    }
    type Rank = (
        usize,
        std::cmp::Reverse<usize>,
        bool,
        std::cmp::Reverse<chrono::DateTime<chrono::Utc>>,
    );
    let mut best: Option<(Placed, Rank)> = None;
    cache.load(store, &ids)?;
    for id in ids {
        let Some(loaded) = cache.get(store, &id)? else {
            continue;
        };
        let Some(placed) = place(p, loaded, &query) else {
            continue;
        };
        // Equal matches (a syndicated copy): the outlet the post names, else the earliest.
        let rank = |p: &(Placed, usize), story: &Story| {
            (
                p.0.matched,
                std::cmp::Reverse(p.1),
                prefer.is_some_and(|o| story.outlet == o || story.outlets.iter().any(|x| x == o)),
                std::cmp::Reverse(story.published),
            )
        };
        let this = rank(&placed, &loaded.story);
        if best.as_ref().is_none_or(|(_, r)| this > *r) {
            best = Some((placed.0, this));
        }
    }
    Ok(best.map(|b| b.0).filter(|b| b.status != Status::NotFound))
}

/// Where `text` stands in one story (`id`), if it is found there at all: whether a story the
/// post links holds the passage too.
pub fn place_in(
    store: &Store,
    cache: &mut Cache,
    text: &str,
    id: &str,
) -> Result<Option<Placed>, StoreError> {
    let p = prepare(text);
    let query = index::query(&p.words);
    let Some(loaded) = cache.get(store, id)? else {
        return Ok(None);
    };
    Ok(place(&p, loaded, &query)
        .map(|(placed, _)| placed)
        .filter(|placed| placed.status != Status::NotFound))
}

/// An alignment, and where a passage aligned piece by piece does not run on in the source:
/// the first word of each piece that starts before the piece ahead of it ends, or far after
/// it with no omission mark between them.
struct Fitted {
    alignment: Alignment,
    seams: Vec<(usize, usize)>,
}

fn cost(f: &Fitted) -> usize {
    f.alignment
        .ops
        .iter()
        .map(|o| match o {
            Op::Same { .. } | Op::Elided { .. } => 0,
            Op::Typo { .. } => 1,
            _ => 2,
        })
        .sum::<usize>()
        + 2 * f.seams.len()
}

/// Aligns a passage with one story, near where their trigrams meet; with the alignment's cost.
fn place(p: &Prepared, loaded: &Loaded, query: &[u64]) -> Option<(Placed, usize)> {
    let sw = &loaded.words;
    let n = p.words.len();
    if n > MAX_PASSAGE_WORDS || sw.is_empty() {
        return None;
    }
    // Where the story shares trigrams with the passage; align around them.
    let mut anchors: Vec<usize> = query
        .iter()
        .flat_map(|&h| loaded.hits(h))
        .map(|&i| i as usize)
        .collect();
    anchors.sort_unstable();
    let (from, to) = match (anchors.first(), anchors.last()) {
        (Some(&a), Some(&b)) => (a.saturating_sub(n + 8), (b + n + 8).min(sw.len())),
        _ => (0, sw.len()),
    };
    // No trigram in common (a short passage tried against a story the caller suggests): the
    // story must at least have one of its content words.
    if anchors.is_empty() {
        let content = p.words.iter().filter(|w| is_content(w));
        let mut content = content.peekable();
        if content.peek().is_some() && !content.any(|w| loaded.vocabulary.contains(&w.hash)) {
            return None;
        }
    }
    let fitted = if n.saturating_mul(to - from) <= EXACT_CELLS {
        Fitted {
            alignment: align(&p.words, &p.gaps, sw, from, to)?,
            seams: Vec::new(),
        }
    } else if anchors.is_empty() {
        // A long story the passage shares no trigram with: not its source.
        return None;
    } else {
        piecewise(p, loaded)?
    };
    let alignment = &fitted.alignment;
    let start = sw.get(alignment.first).map_or(0, |w| w.start);
    let end = sw
        .get(alignment.last.saturating_sub(1))
        .map_or(start, |w| w.end);
    let source_bytes =
        loaded.with_marks(loaded.byte_span(alignment.first, alignment.last.saturating_sub(1)));
    let (status, differences) = judge(p, &fitted, loaded, source_bytes.0);
    Some((
        Placed {
            story_id: loaded.story.id.clone(),
            matched: alignment.matched,
            start,
            end,
            source_bytes,
            status,
            differences,
        },
        cost(&fitted),
    ))
}

/// Aligns a long passage (or one whose trigrams are spread over a long stretch of the story)
/// piece by piece: cut at its omission marks and every `PIECE_WORDS` words, each piece aligned
/// in a window of about twice its length where most of its trigrams say it starts (a piece
/// with none goes on from the piece before). The work is linear in the passage.
fn piecewise(p: &Prepared, loaded: &Loaded) -> Option<Fitted> {
    let n = p.words.len();
    let sw = &loaded.words;
    let grams = index::trigrams(&p.words);
    let mut pieces = Vec::new();
    let mut gaps = p.gaps.iter().copied().peekable();
    let mut a = 0;
    while a < n {
        while gaps.next_if(|&g| g <= a).is_some() {}
        let b = gaps
            .peek()
            .copied()
            .map_or(n, |g| g.min(n))
            .min(a + PIECE_WORDS);
        pieces.push((a, b));
        a = b;
    }
    let mut ops = Vec::new();
    let mut seams = Vec::new();
    let (mut first, mut last, mut matched) = (usize::MAX, 0, 0);
    // The story words the piece before covered: first..last.
    let mut before: Option<(usize, usize)> = None;
    for (a, b) in pieces {
        let len = b - a;
        let mut votes: Vec<usize> = Vec::new();
        for k in a..b.saturating_sub(2) {
            if let Some(Some(h)) = grams.get(k) {
                votes.extend(
                    loaded
                        .hits(*h)
                        .iter()
                        .filter_map(|&at| (at as usize).checked_sub(k - a)),
                );
            }
        }
        let marked = p.gaps.binary_search(&a).is_ok();
        let start = if votes.is_empty() {
            before.map(|(_, end)| end)
        } else {
            Some(densest(&mut votes, len))
        };
        let slack = len / 4 + 8;
        let piece = start.and_then(|start| {
            let from = start.saturating_sub(slack);
            let to = (start + len + slack).min(sw.len());
            align(&p.words[a..b], &[], sw, from, to)
        });
        let Some(piece) = piece.filter(|al| al.matched > 0) else {
            ops.extend((a..b).map(|p| Op::Added { p }));
            continue;
        };
        if let Some((_, end)) = before {
            if piece.first < end || (!marked && piece.first > end + PIECE_WORDS) {
                seams.push((a, b));
            } else if !marked {
                ops.extend((end..piece.first).map(|s| Op::Dropped { s }));
            }
        }
        ops.extend(piece.ops.iter().map(|op| match *op {
            Op::Same { p, s } => Op::Same { p: p + a, s },
            Op::Typo { p, s } => Op::Typo { p: p + a, s },
            Op::Changed { p, s } => Op::Changed { p: p + a, s },
            Op::Added { p } => Op::Added { p: p + a },
            other => other,
        }));
        first = first.min(piece.first);
        last = last.max(piece.last);
        matched += piece.matched;
        before = Some((piece.first, piece.last));
    }
    (matched > 0).then_some(Fitted {
        alignment: Alignment {
            ops,
            first,
            last,
            matched,
        },
        seams,
    })
}

/// The start most votes agree on (within a quarter of the piece's length): the median of the
/// densest cluster.
fn densest(votes: &mut [usize], len: usize) -> usize {
    votes.sort_unstable();
    let width = len / 4 + 1;
    let (mut best, mut best_count, mut lo) = (0, 0, 0);
    for hi in 0..votes.len() {
        while votes[hi] - votes[lo] > width {
            lo += 1;
        }
        if hi + 1 - lo > best_count {
            best_count = hi + 1 - lo;
            best = lo;
        }
    }
    votes[best + best_count / 2]
}

/// A passage of several paragraphs: placed whole, and if that does not hold, paragraph by
/// paragraph (a post may quote paragraphs apart, out of order, or one twice).
pub fn find_passage(
    store: &Store,
    cache: &mut Cache,
    text: &str,
    extra: &[String],
    prefer: Option<&str>,
) -> Result<Option<Placed>, StoreError> {
    let whole = find(store, cache, &prepare(text), extra, prefer)?;
    let paragraphs: Vec<&str> = text
        .split('\n')
        .filter(|l| l.chars().any(char::is_alphanumeric))
        .collect();
    if paragraphs.len() < 2
        || whole
            .as_ref()
            .is_some_and(|w| matches!(w.status, Status::Verbatim | Status::Minor))
    {
        return Ok(whole);
    }
    let mut hint: Vec<String> = extra.to_vec();
    if let Some(w) = &whole {
        hint.insert(0, w.story_id.clone());
    }
    let mut parts = Vec::new();
    for para in &paragraphs {
        parts.push(find(store, cache, &prepare(para), &hint, prefer)?);
    }
    // The story most paragraphs come from.
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for p in parts.iter().flatten() {
        *counts.entry(p.story_id.as_str()).or_default() += p.matched;
    }
    let Some((&main, &matched)) = counts
        .iter()
        .max_by_key(|(id, m)| (**m, std::cmp::Reverse(**id)))
    else {
        return Ok(whole);
    };
    if whole.as_ref().is_some_and(|w| w.matched >= matched) {
        return Ok(whole);
    }
    let main = main.to_string();
    let parts: Vec<Option<Placed>> = parts
        .into_iter()
        .map(|p| p.filter(|p| p.story_id == main))
        .collect();
    // The source text of the whole: from the first to the last of its paragraphs' spans.
    let source_bytes = parts.iter().flatten().fold((usize::MAX, 0), |(a, b), p| {
        (a.min(p.source_bytes.0), b.max(p.source_bytes.1))
    });
    let mut placed = Placed {
        story_id: main.clone(),
        matched,
        start: usize::MAX,
        end: 0,
        source_bytes,
        status: Status::Verbatim,
        differences: Vec::new(),
    };
    let mut last_end: Option<usize> = None;
    for (para, part) in paragraphs.iter().zip(parts) {
        let range = within(text, para.trim());
        let offset = range.map_or(0, |r| r.0);
        match part {
            Some(p) => {
                placed.start = placed.start.min(p.start);
                placed.end = placed.end.max(p.end);
                placed.status = worse(placed.status, p.status);
                let source_shift = p.source_bytes.0.saturating_sub(source_bytes.0);
                placed.differences.extend(
                    p.differences
                        .into_iter()
                        .map(|d| d.shifted(offset, source_shift)),
                );
                if last_end.is_some_and(|e| p.start < e) {
                    placed.status = Status::Altered;
                    placed.differences.push(Difference {
                        kind: "reordered",
                        post: Some(para.trim().to_string()),
                        source: None,
                        post_at: range,
                        source_at: None,
                    });
                }
                last_end = Some(p.end);
            }
            None => {
                placed.status = Status::Altered;
                placed.differences.push(Difference {
                    kind: "added",
                    post: Some(para.trim().to_string()),
                    source: None,
                    post_at: range,
                    source_at: None,
                });
            }
        }
    }
    Ok(Some(placed))
}

fn worse(a: Status, b: Status) -> Status {
    let rank = |s: Status| match s {
        Status::Verbatim => 0,
        Status::Minor => 1,
        Status::Altered => 2,
        Status::NotFound => 3,
    };
    if rank(b) > rank(a) {
        b
    } else {
        a
    }
}

/// The status of an alignment and its differences.
fn judge(p: &Prepared, fitted: &Fitted, loaded: &Loaded, base: usize) -> (Status, Vec<Difference>) {
    let a = &fitted.alignment;
    let n = p.words.len();
    let coverage = a.coverage(n);
    if coverage < 0.5 || a.matched < n.min(4) {
        return (Status::NotFound, Vec::new());
    }
    let post_word = |i: usize| p.surface(i, i).to_string();
    let source_word = |i: usize| loaded.surface(i);
    let post_at = |i: usize| p.bytes.get(i).copied();
    let source_at = |i: usize| {
        loaded
            .bytes
            .get(i)
            .map(|&(x, y)| (x.saturating_sub(base), y.saturating_sub(base)))
    };
    let mut diffs: Vec<Difference> = Vec::new();
    let (mut typos, mut edits) = (0, 0);
    // Where the last post word and the last source word seen end: the insertion points of a
    // word dropped or added there. Whether the op before was a difference too.
    let (mut post_end, mut source_end, mut running) = (0, 0, false);
    for op in &a.ops {
        let (post, source) = match *op {
            Op::Same { p, s } | Op::Typo { p, s } | Op::Changed { p, s } => {
                (post_at(p), source_at(s))
            }
            Op::Added { p } => (post_at(p), None),
            Op::Dropped { s } | Op::Elided { s } => (None, source_at(s)),
        };
        let here_post = post.or(Some((post_end, post_end)));
        let here_source = source.or(Some((source_end, source_end)));
        post_end = post.map_or(post_end, |r| r.1);
        source_end = source.map_or(source_end, |r| r.1);
        let d = match *op {
            Op::Same { .. } | Op::Elided { .. } => {
                running = false;
                continue;
            }
            Op::Typo { p, s } => {
                typos += 1;
                ("typo", Some(post_word(p)), Some(source_word(s)))
            }
            Op::Changed { p, s } => {
                edits += 1;
                ("changed", Some(post_word(p)), Some(source_word(s)))
            }
            Op::Added { p } => {
                edits += 1;
                ("added", Some(post_word(p)), None)
            }
            Op::Dropped { s } => {
                edits += 1;
                ("dropped", None, Some(source_word(s)))
            }
        };
        // Runs of the same kind read as one difference: "[-a b c-]".
        if let Some(last) = diffs.last_mut().filter(|_| running) {
            if last.kind == d.0 && d.0 != "typo" && d.0 != "changed" {
                join(&mut last.post, d.1);
                join(&mut last.source, d.2);
                last.post_at = span_of(last.post_at, here_post);
                last.source_at = span_of(last.source_at, here_source);
                continue;
            }
        }
        running = true;
        diffs.push(Difference {
            kind: d.0,
            post: d.1,
            source: d.2,
            post_at: here_post,
            source_at: here_source,
        });
    }
    for &(from, to) in &fitted.seams {
        edits += 1;
        diffs.push(Difference {
            kind: "reordered",
            post: Some(p.surface(from, to - 1).to_string()),
            source: None,
            post_at: span_of(post_at(from), post_at(to - 1)),
            source_at: None,
        });
    }
    if edits > 0 || typos > (n / 20).max(1) {
        return (Status::Altered, diffs);
    }
    if typos > 0 {
        return (Status::Minor, diffs);
    }
    // The same words: are the marks the same too?
    let source_span = loaded.span(a.first, a.last.saturating_sub(1).max(a.first));
    let differing: Vec<(usize, &str)> = if p.pieces.len().saturating_mul(source_span.len())
        <= VERBATIM_WORK
    {
        let source_norm = marks_normalised(source_span);
        p.pieces
            .iter()
            .enumerate()
            .filter(|(_, piece)| !source_norm.contains(&marks_normalised(piece)))
            .map(|(i, _)| (i, source_span))
            .collect()
    } else {
        // Many pieces in a long span: each piece against its own words' span (and two
        // words either side), so that the test stays linear.
        let mut at = vec![None; n];
        for op in &a.ops {
            if let Op::Same { p, s } = *op {
                if let Some(slot) = at.get_mut(p) {
                    *slot = Some(s);
                }
            }
        }
        p.pieces
            .iter()
            .zip(&p.piece_words)
            .enumerate()
            .filter_map(|(i, (piece, &(from, to)))| {
                let placed = at.get(from..to).unwrap_or(&[]).iter().flatten();
                let first = placed.clone().min()?;
                let last = placed.max()?;
                let span = loaded.span(first.saturating_sub(2), last + 2);
                (!marks_normalised(span).contains(&marks_normalised(piece))).then_some((i, span))
            })
            .collect()
    };
    if differing.is_empty() {
        (Status::Verbatim, diffs)
    } else {
        let source_text = loaded.text.as_str();
        for (i, span) in differing {
            let piece = p.pieces.get(i).map_or("", |s| s.trim());
            let words = p.piece_words.get(i).copied().unwrap_or((0, 0));
            diffs.push(Difference {
                kind: "punctuation",
                post: Some(piece.to_string()),
                source: Some(span.trim().to_string()),
                post_at: span_of(post_at(words.0), post_at(words.1.saturating_sub(1))),
                source_at: within(source_text, span.trim())
                    .map(|(x, y)| (x.saturating_sub(base), y.saturating_sub(base))),
            });
        }
        (Status::Minor, diffs)
    }
}

impl Prepared {
    /// The passage from word `first` to word `last` (inclusive) as written.
    fn surface(&self, first: usize, last: usize) -> &str {
        let a = self.bytes.get(first).map_or(0, |r| r.0);
        let b = self.bytes.get(last).map_or(a, |r| r.1);
        self.text.get(a..b.max(a)).unwrap_or("")
    }
}

/// The range from the start of `a` to the end of `b`, either missing.
fn span_of(a: Option<(usize, usize)>, b: Option<(usize, usize)>) -> Option<(usize, usize)> {
    match (a, b) {
        (Some(a), Some(b)) => Some((a.0.min(b.0), a.1.max(b.1))),
        (a, b) => a.or(b),
    }
}

/// The byte range of `part` in `whole`, when `part` is a slice of it.
fn within(whole: &str, part: &str) -> Option<(usize, usize)> {
    let start = (part.as_ptr() as usize).checked_sub(whole.as_ptr() as usize)?;
    (start + part.len() <= whole.len()).then_some((start, start + part.len()))
}

fn join(into: &mut Option<String>, more: Option<String>) {
    if let Some(m) = more {
        match into {
            Some(s) => {
                s.push(' ');
                s.push_str(&m);
            }
            None => *into = Some(m),
        }
    }
}

/// Text for the verbatim test: quote marks dropped, dashes one kind, white space single, and
/// punctuation at either end (where the author cut) trimmed.
pub fn marks_normalised(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' | '“' | '”' | '„' | '‟' | '«' | '»' | '‘' | '’' | '\'' | '‚' | '‛' | 'ʼ' =>
                {}
            '–' | '—' | '‐' | '‑' | '‒' | '―' => out.push('-'),
            c if c.is_whitespace() => {
                if !out.ends_with(' ') {
                    out.push(' ');
                }
            }
            c => out.push(c),
        }
    }
    out.trim_matches(|c: char| !c.is_alphanumeric()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn omission_marks_cut_the_passage() {
        let p =
            prepare("“[The US] was looking ... into the involvement […] of the group,” he said");
        assert_eq!(p.words[0].norm, "was");
        assert_eq!(p.gaps, [0, 2, 5]);
        assert_eq!(p.pieces.len(), 3, "{:?}", p.pieces);
    }

    #[test]
    fn many_omission_marks_cut_in_one_pass() {
        let text = "alpha … ".repeat(20_000);
        let p = prepare(&text);
        assert_eq!(p.words.len(), 20_000);
        assert_eq!(p.gaps.len(), 20_000, "a gap after every word");
        assert_eq!(p.pieces.len(), 20_000);
        assert_eq!(p.piece_words[7], (7, 8));
        assert_eq!(p.surface(3, 3), "alpha");
    }

    /// A story whose words are all different ("w0 w1 ..., w1, w2."), so that every trigram
    /// names one place.
    fn story(words: usize) -> Loaded {
        let text: String = (0..words)
            .map(|i| format!("w{i}{}", if i % 10 == 9 { ". " } else { " " }))
            .collect();
        let story: Story = serde_json::from_value(serde_json::json!({
            "id": "0000000000000001", "key": "k", "url": null, "outlet": "o", "outlets": ["o"],
            "title": null, "published": "2020-01-01T00:00:00Z", "published_from": "entry",
            "updated": null, "summary": null, "content": null,
            "first_seen": "2020-01-01T00:00:00Z", "last_seen": "2020-01-01T00:00:00Z",
            "sources": []
        }))
        .expect("a story");
        Loaded::new(story, text.trim_end().to_string())
    }

    fn passage(loaded: &Loaded, from: usize, to: usize) -> String {
        loaded.span(from, to - 1).to_string()
    }

    fn placed(p: &str, loaded: &Loaded) -> Placed {
        let p = prepare(p);
        let query = index::query(&p.words);
        place(&p, loaded, &query).expect("placed").0
    }

    #[test]
    fn a_long_passage_is_aligned_piece_by_piece_and_verbatim_stays_verbatim() {
        let s = story(3000);
        let text = passage(&s, 1000, 2500);
        let p = prepare(&text);
        assert!(
            p.words.len() * p.words.len() > EXACT_CELLS,
            "too long to align whole"
        );
        let got = placed(&text, &s);
        assert_eq!(got.status, Status::Verbatim, "{:?}", got.differences);
        assert_eq!(got.matched, 1500);
        assert_eq!(
            (got.start, got.end),
            (s.words[1000].start, s.words[2499].end)
        );
    }

    #[test]
    fn piece_by_piece_a_change_and_a_word_dropped_at_a_seam_are_seen() {
        let s = story(3000);
        // w1100 changed; w1064 (where the second piece starts) left out.
        let text = passage(&s, 1000, 2000)
            .replace("w1100 ", "changed ")
            .replace(" w1064 ", " ");
        let got = placed(&text, &s);
        assert_eq!(got.status, Status::Altered);
        let kinds: Vec<(&str, Option<&str>, Option<&str>)> = got
            .differences
            .iter()
            .map(|d| (d.kind, d.post.as_deref(), d.source.as_deref()))
            .collect();
        assert!(
            kinds.contains(&("changed", Some("changed"), Some("w1100"))),
            "{kinds:?}"
        );
        assert!(
            kinds.contains(&("dropped", None, Some("w1064"))),
            "{kinds:?}"
        );
        assert_eq!(got.matched, 998);
    }

    #[test]
    fn differences_say_where_they_are_in_the_post_and_the_source() {
        let s = story(100);
        let text = passage(&s, 10, 40)
            .replace("w20 ", "changed ")
            .replace(" w30 ", " ")
            .replace("w35 ", "w35 extra ");
        let got = placed(&text, &s);
        let source = s.text.get(got.source_bytes.0..got.source_bytes.1).unwrap();
        assert!(
            source.starts_with("w10 ") && source.ends_with("w39."),
            "{source}"
        );
        let at = |d: &Difference| {
            let p = d.post_at.map(|(a, b)| &text[a..b]);
            let q = d.source_at.map(|(a, b)| &source[a..b]);
            (d.kind, p, q)
        };
        let all: Vec<_> = got.differences.iter().map(at).collect();
        assert!(
            all.contains(&("changed", Some("changed"), Some("w20"))),
            "{all:?}"
        );
        assert!(all.contains(&("dropped", Some(""), Some("w30"))), "{all:?}");
        assert!(all.contains(&("added", Some("extra"), Some(""))), "{all:?}");
        let dropped = got
            .differences
            .iter()
            .find(|d| d.kind == "dropped")
            .unwrap();
        let (a, _) = dropped.post_at.unwrap();
        assert!(
            text[..a].ends_with("w29"),
            "inserted after w29: {}",
            &text[..a]
        );
    }

    #[test]
    fn piece_by_piece_a_silent_jump_is_reordered_and_an_omission_is_not() {
        let s = story(5000);
        let spliced = format!("{} {}", passage(&s, 1000, 1300), passage(&s, 3000, 3300));
        let got = placed(&spliced, &s);
        assert_eq!(got.status, Status::Altered);
        assert!(got.differences.iter().any(|d| d.kind == "reordered"));
        let marked = format!("{} … {}", passage(&s, 1000, 1300), passage(&s, 3000, 3300));
        let got = placed(&marked, &s);
        assert_eq!(got.status, Status::Verbatim, "{:?}", got.differences);
        assert_eq!(got.matched, 600);
    }

    #[test]
    fn piece_by_piece_agrees_with_the_whole_alignment() {
        let s = story(800);
        let text = passage(&s, 100, 700).replace(" w400 ", " w401 w400 ");
        let p = prepare(&text);
        let whole = align(&p.words, &p.gaps, &s.words, 0, s.words.len()).expect("whole");
        let pieces = piecewise(&p, &s).expect("pieces");
        assert_eq!(pieces.alignment.matched, whole.matched);
        assert_eq!(
            (pieces.alignment.first, pieces.alignment.last),
            (whole.first, whole.last)
        );
        assert_eq!(cost(&pieces), 2, "one word added");
    }

    #[test]
    fn a_story_that_repeats_itself_gives_no_anchor_to_the_repeats() {
        let once: String = (0..50).map(|i| format!("r{i} ")).collect();
        let mut s = story(10);
        s = Loaded::new(s.story, once.repeat(100));
        let p = prepare(&once.repeat(3));
        let query = index::query(&p.words);
        // Every trigram is in the story 100 times: none is an anchor, and the story is too
        // long to align whole.
        assert!(query.iter().all(|h| s.hits(*h).is_empty()));
        assert!(place(&p, &s, &query).is_none());
        // One copy's worth is short enough to align with the whole story.
        let short = prepare(&once);
        let q = index::query(&short.words);
        let (pl, _) = place(&short, &s, &q).expect("aligned whole");
        assert_eq!((pl.matched, pl.status), (50, Status::Verbatim));
    }

    #[test]
    fn normalising_marks() {
        assert_eq!(
            marks_normalised("“It is a defensive  action — nothing more,”"),
            "It is a defensive action - nothing more"
        );
    }
}
