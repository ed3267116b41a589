//! The author's review: each story's quotations as stored, their ids, their review state, and
//! the listing the `quotes` command prints.
//!
//! Quotations are extracted (`crate::quotes`) whenever a story's text changes, at ingest, and
//! kept per story in text order (`StoryQuotes`). A quotation's id is a hash of its story and its
//! normalised words, not of its place, so it stays the same when the story is extracted again
//! (a page's text replacing the feed's, a better extractor): the review state, kept apart under
//! that id, is never lost to a re-fetch. Citations are in `cite`. The sled trees are in
//! `crate::store::quotes`.

pub mod cite;
pub mod query;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::limits::{cut_text, MAX_QUOTES, MAX_QUOTE_TEXT};
use crate::quotes::{self, Quote};
use crate::store::Store;
use crate::store::{StoreError, StoryQuery};
use crate::story::Story;

/// The version of the stored extraction: stories extracted by an older one are extracted again
/// when next read. Raise it whenever `quotes::extract` changes what it finds.
pub const EXTRACTION_VERSION: u32 = 7;

/// A story's quotations, in text order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StoryQuotes {
    /// `EXTRACTION_VERSION` when they were extracted.
    pub version: u32,
    /// xxh3 of the text they were extracted from.
    pub text_hash: u64,
    pub quotes: Vec<StoredQuote>,
    /// What was cut to stay within quotewire's limits, if anything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limits: Option<String>,
}

/// One quotation as stored: its id and what the extractor found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredQuote {
    pub id: String,
    #[serde(flatten)]
    pub quote: Quote,
}

/// Where the author stands on a quotation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Not reviewed yet.
    #[default]
    Candidate,
    Accepted,
    Rejected,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Candidate => "candidate",
            Status::Accepted => "accepted",
            Status::Rejected => "rejected",
        }
    }
}

/// A review decision, kept under the quotation's id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Review {
    pub status: Status,
    pub story: String,
    pub at: DateTime<Utc>,
}

/// The words of a quotation as its id sees them: case, quote marks, dashes and white space
/// do not count, so typography that differs between a feed and a page keeps the id.
fn id_words(text: &str) -> String {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The id of the `nth` (from 0) quotation of `story` with these words: 16 hex digits.
pub fn quote_id(story: &str, text: &str, nth: usize) -> String {
    let mut h = Sha256::new();
    h.update(story.as_bytes());
    h.update([0]);
    h.update(id_words(text).as_bytes());
    h.update([0]);
    h.update(nth.to_le_bytes());
    h.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The quotations of a text within the limits: those of its first `MAX_QUOTE_TEXT` bytes (cut
/// at a paragraph break), at most `MAX_QUOTES` of them; and a note of what was cut, if
/// anything. Offsets stay offsets into `text`.
pub fn extract_bounded(text: &str) -> (Vec<Quote>, Option<String>) {
    let mut notes = Vec::new();
    let mut head = std::borrow::Cow::Borrowed(text);
    if text.len() > MAX_QUOTE_TEXT {
        let mut cut = text.to_string();
        cut_text(&mut cut, MAX_QUOTE_TEXT);
        notes.push(format!(
            "quotations looked for in the first {} of {} bytes",
            cut.len(),
            text.len()
        ));
        head = cut.into();
    }
    let mut found = quotes::extract(&head);
    if found.len() > MAX_QUOTES {
        notes.push(format!(
            "{} quotations found, the first {MAX_QUOTES} kept",
            found.len()
        ));
        found.truncate(MAX_QUOTES);
    }
    (found, (!notes.is_empty()).then(|| notes.join("; ")))
}

/// Extracts a story's quotations and gives each its id.
pub fn extract(story: &str, text: &str) -> StoryQuotes {
    let (found, limits) = extract_bounded(text);
    with_ids(story, text, found, limits)
}

/// A story's quotations as stored: each found quotation with its id.
pub fn with_ids(story: &str, text: &str, found: Vec<Quote>, limits: Option<String>) -> StoryQuotes {
    let mut seen: std::collections::HashMap<String, usize> = Default::default();
    let quotes = found
        .into_iter()
        .map(|quote| {
            let n = seen.entry(id_words(&quote.text)).or_default();
            let id = quote_id(story, &quote.text, *n);
            *n += 1;
            StoredQuote { id, quote }
        })
        .collect();
    StoryQuotes {
        version: EXTRACTION_VERSION,
        text_hash: xxhash_rust::xxh3::xxh3_64(text.as_bytes()),
        quotes,
        limits,
    }
}

/// Brings a story's stored quotations up to date with `text`, its current text; extracts only
/// when the text or the extractor changed. Returns them.
pub fn refresh(store: &Store, story: &str, text: &str) -> Result<StoryQuotes, StoreError> {
    refresh_with(store, story, text, None)
}

/// `refresh`, with the text's quotations already found (by `extract_bounded`, before the
/// database was opened) if `found` is given.
pub fn refresh_with(
    store: &Store,
    story: &str,
    text: &str,
    found: Option<(Vec<Quote>, Option<String>)>,
) -> Result<StoryQuotes, StoreError> {
    let old = store.story_quotes(story)?;
    if let Some(old) = &old {
        if old.version == EXTRACTION_VERSION
            && old.text_hash == xxhash_rust::xxh3::xxh3_64(text.as_bytes())
        {
            return Ok(old.clone());
        }
    }
    let (found, limits) = found.unwrap_or_else(|| extract_bounded(text));
    let new = with_ids(story, text, found, limits);
    store.put_story_quotes(story, old.as_ref(), &new)?;
    Ok(new)
}

/// `refresh_with` for several stories, each (story, text, quotations found, limits), with one
/// read and one write of the store for all of them.
pub fn refresh_many(
    store: &Store,
    texts: Vec<(&str, &str, Vec<Quote>, Option<String>)>,
) -> Result<(), StoreError> {
    let ids: Vec<String> = texts.iter().map(|(id, ..)| id.to_string()).collect();
    let olds = store.story_quotes_many(&ids)?;
    let mut writes = Vec::new();
    for ((story, text, found, limits), old) in texts.into_iter().zip(olds) {
        let current = old.as_ref().is_some_and(|o| {
            o.version == EXTRACTION_VERSION
                && o.text_hash == xxhash_rust::xxh3::xxh3_64(text.as_bytes())
        });
        if !current {
            let new = with_ids(story, text, found, limits);
            writes.push((story.to_string(), old, new));
        }
    }
    if writes.is_empty() {
        return Ok(());
    }
    store.put_story_quotes_many(&writes)
}

/// The quotations of a stored story, extracted now if they never were or are out of date.
pub fn of_story(store: &Store, story: &Story) -> Result<StoryQuotes, StoreError> {
    let text = store.text(story)?.unwrap_or_default();
    refresh(store, &story.id, &text)
}

/// Which quotations to list.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    pub stories: StoryQuery,
    /// Part of the speaker's name, as written or in full; any case.
    pub speaker: Option<String>,
    /// Words or phrases the quotation's text must all contain; any case, punctuation ignored.
    pub search: Vec<String>,
    /// Only quotations in these states (all when empty).
    pub status: Vec<Status>,
    /// Only stories quotewire first saw at or after this time (the desk's "reviewed up to"
    /// mark: a story published before the mark but fetched after it is still new to review).
    pub first_seen_since: Option<DateTime<Utc>>,
}

/// One quotation in a listing, with its review state.
#[derive(Debug, Clone)]
pub struct Listed {
    pub quote: StoredQuote,
    pub status: Status,
}

/// Quotations by story, newest story first, each story's in text order; stories with none
/// left after filtering are not listed.
pub fn list(store: &Store, filter: &Filter) -> Result<Vec<(Story, Vec<Listed>)>, StoreError> {
    let speaker = filter.speaker.as_deref().map(fold);
    let search: Vec<String> = filter.search.iter().map(|s| fold(s)).collect();
    let mut out = Vec::new();
    for story in store.stories(&filter.stories)? {
        if filter
            .first_seen_since
            .is_some_and(|t| story.first_seen < t)
        {
            continue;
        }
        let mut listed = Vec::new();
        for q in of_story(store, &story)?.quotes {
            if let Some(want) = &speaker {
                let names = [&q.quote.speaker, &q.quote.speaker_as_written];
                if !names.iter().any(|n| {
                    n.as_deref()
                        .is_some_and(|n| fold(n).contains(want.as_str()))
                }) {
                    continue;
                }
            }
            if !search.is_empty() {
                let text = fold(&q.quote.text);
                if !search.iter().all(|s| text.contains(s.as_str())) {
                    continue;
                }
            }
            let status = store.review(&q.id)?.map(|r| r.status).unwrap_or_default();
            if !filter.status.is_empty() && !filter.status.contains(&status) {
                continue;
            }
            listed.push(Listed { quote: q, status });
        }
        if !listed.is_empty() {
            out.push((story, listed));
        }
    }
    Ok(out)
}

/// Lower-case words and single spaces, for matching what a user types: punctuation and quote
/// marks do not count.
pub fn fold(s: &str) -> String {
    id_words(s)
}

/// A quotation found by its id.
#[derive(Debug, Clone)]
pub struct Found {
    pub story: Story,
    pub quote: StoredQuote,
    pub status: Status,
}

/// Why an id given on the command line names no single quotation.
#[derive(Debug, thiserror::Error)]
pub enum IdError {
    #[error("no quotation has the id {0}\n  fix: use an id `quotewire quotes` lists (16 hex digits; the first 6 or more are enough)")]
    Unknown(String),
    #[error("{0} is the start of more than one quotation's id\n  fix: give more of its digits")]
    Ambiguous(String),
    #[error("{0} is too short to be a quotation id\n  fix: give at least 6 of its hex digits")]
    TooShort(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The shortest prefix of an id the command line accepts.
pub const MIN_ID_PREFIX: usize = 6;

/// Finds a quotation by its id or a unique prefix of it (at least `MIN_ID_PREFIX` digits).
pub fn find(store: &Store, id: &str) -> Result<Found, IdError> {
    let id = id.trim().to_ascii_lowercase();
    if id.len() < MIN_ID_PREFIX || !id.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(IdError::TooShort(id));
    }
    let matches = store.quote_ids_with_prefix(&id, 2)?;
    let (full, story_id) = match matches.as_slice() {
        [] => return Err(IdError::Unknown(id)),
        [one] => one.clone(),
        _ => return Err(IdError::Ambiguous(id)),
    };
    let stale = || IdError::Unknown(full.clone());
    let story = store.story(&story_id)?.ok_or_else(stale)?;
    let quote = of_story(store, &story)?
        .quotes
        .into_iter()
        .find(|q| q.id == full)
        .ok_or_else(stale)?;
    let status = store.review(&full)?.map(|r| r.status).unwrap_or_default();
    Ok(Found {
        story,
        quote,
        status,
    })
}

/// Records a review decision (`Candidate` forgets an earlier one; the log keeps both).
pub fn set_status(store: &Store, found: &Found, status: Status) -> Result<(), StoreError> {
    store.put_review(
        &found.quote.id,
        &Review {
            status,
            story: found.story.id.clone(),
            at: Utc::now(),
        },
    )
}

/// The stories that carry the same article as `story`: its original (when it is a syndicated
/// copy) and every copy of that original, `story` itself excluded.
pub fn family(store: &Store, story: &Story) -> Result<Vec<Story>, StoreError> {
    let original = match &story.copy_of {
        Some(o) => store.story(o)?,
        None => Some(story.clone()),
    };
    let Some(original) = original else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for id in std::iter::once(&original.id).chain(&original.copies) {
        if *id == story.id {
            continue;
        }
        if let Some(s) = store.story(id)? {
            out.push(s);
        }
    }
    Ok(out)
}

/// Records a decision on a quotation and on the same quotation (the same words) in every
/// other story of its family (`family`: the syndicated copies of one wire story), so the
/// author decides once. Returns the ids decided, the given one first.
pub fn decide(store: &Store, found: &Found, status: Status) -> Result<Vec<String>, StoreError> {
    set_status(store, found, status)?;
    let mut ids = vec![found.quote.id.clone()];
    let words = fold(&found.quote.quote.text);
    for story in family(store, &found.story)? {
        for quote in of_story(store, &story)?.quotes {
            if fold(&quote.quote.text) == words {
                ids.push(quote.id.clone());
                let copy = Found {
                    story: story.clone(),
                    quote,
                    status,
                };
                set_status(store, &copy, status)?;
            }
        }
    }
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_ignore_typography_and_place() {
        let a = quote_id("s1", "“We will respond,” he said", 0);
        let b = quote_id("s1", "\"we  will respond\" -- he said", 0);
        assert_eq!(a, b);
        assert_eq!(a.len(), 16);
        assert_ne!(a, quote_id("s2", "“We will respond,” he said", 0));
        assert_ne!(a, quote_id("s1", "“We will respond,” he said", 1));
    }

    #[test]
    fn repeated_quotes_get_distinct_ids() {
        let text = "“We will not leave Iraq,” he said.\n\n“We will not leave Iraq,” she said.";
        let q = extract("s", text);
        assert_eq!(q.quotes.len(), 2);
        let ids: std::collections::HashSet<_> = q.quotes.iter().map(|q| &q.id).collect();
        assert_eq!(ids.len(), q.quotes.len());
    }

    #[test]
    fn quotations_are_capped_and_the_cap_said() {
        let para = "“We will not allow this to happen again,” the spokesman said.";
        let text = vec![para; MAX_QUOTES + 10].join("\n\n");
        let (found, note) = extract_bounded(&text);
        assert_eq!(found.len(), MAX_QUOTES);
        assert!(note
            .unwrap()
            .contains(&format!("the first {MAX_QUOTES} kept")));
        let long = format!("{text}\n\n{}", "word ".repeat(MAX_QUOTE_TEXT / 5));
        let (_, note) = extract_bounded(&long);
        assert!(note.unwrap().contains("quotations looked for in the first"));
        assert_eq!(extract_bounded(para).1, None);
    }

    #[test]
    fn fold_matches_what_users_type() {
        assert_eq!(fold("“Defensive  Action,”"), "defensive action");
        assert!(fold("said it was a “defensive action”").contains(&fold("\"defensive action")));
    }
}
