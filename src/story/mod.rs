//! Stories: one per article, keyed by its normalised URL, merged from every feed that carries it.
//!
//! A feed entry becomes an `Observation`; `merge` folds it into the stored story (or starts
//! one) and says whether that was new, an update, or nothing new. Identity never comes from
//! anything random: a link is normalised (see `url`); an entry without a link is keyed by its
//! feed and guid, or failing that its feed, title and date. This module does no I/O.

pub mod syndication;
pub mod url;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::parser::ParsedEntry;

/// A story as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Story {
    pub id: String,
    /// What the id is the hash of: the normalised URL, or a `feed-item:` key for link-less items.
    pub key: String,
    /// The normalised URL, if the entry had a link.
    pub url: Option<String>,
    /// The outlet that published it: the owner of the URL's host by `domains`, else the outlet
    /// of the first feed that carried it.
    pub outlet: String,
    /// Every outlet whose feeds carried it, `outlet` first.
    pub outlets: Vec<String>,
    pub title: Option<String>,
    /// Publication time; see `published_from` for where it came from.
    pub published: DateTime<Utc>,
    pub published_from: DateSource,
    pub updated: Option<DateTime<Utc>>,
    #[serde(default)]
    pub authors: Vec<String>,
    #[serde(default)]
    pub categories: Vec<String>,
    pub summary: Option<String>,
    /// `content:encoded` (or Atom/JSON content) as text.
    pub content: Option<String>,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    /// One record per feed that carried it.
    pub sources: Vec<StorySource>,
    /// What fetching the story's page gave, if it was tried.
    #[serde(default)]
    pub article: Option<ArticleInfo>,
    /// Which text the story holds (the text itself is in the store's `story_text` tree).
    #[serde(default)]
    pub text: TextInfo,
    /// The original this story is a syndicated copy of (see `syndication`).
    #[serde(default)]
    pub copy_of: Option<String>,
    /// The syndicated copies of this story, when it is an original.
    #[serde(default)]
    pub copies: Vec<String>,
}

/// The outcome of fetching a story's page, and the page's metadata.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ArticleInfo {
    pub fetched: Option<DateTime<Utc>>,
    /// The last error, if the last try failed.
    pub error: Option<String>,
    /// Consecutive failed tries.
    pub failures: u32,
    #[serde(flatten)]
    pub meta: crate::article::PageMeta,
    pub wire_source: Option<String>,
    /// Characters of main text the page gave.
    pub text_len: usize,
}

/// Which text a story holds, and why.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TextInfo {
    pub source: TextSource,
    /// Characters.
    pub len: usize,
    /// Why this text and not the other: "the page gave 812 characters, the feed 2,430".
    pub note: Option<String>,
}

/// Where a story's text came from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextSource {
    /// No text yet.
    #[default]
    None,
    /// The article page, extracted.
    Article,
    /// The feed's content (or summary).
    Feed,
}

impl Story {
    /// The feed's text for this story: its content, else its summary.
    pub fn feed_text(&self) -> Option<&str> {
        self.content.as_deref().or(self.summary.as_deref())
    }
}

/// Chooses between the page's text and the feed's: the page, unless it is missing or shorter
/// than what the feed gave. Returns the text, its source, and a note saying why.
pub fn choose_text(
    feed_text: Option<&str>,
    article: Result<&crate::article::Article, &str>,
) -> (String, TextSource, Option<String>) {
    let feed_len = feed_text.map_or(0, |t| t.chars().count());
    let from_feed = |why: String| match feed_text {
        Some(t) if !t.trim().is_empty() => (t.to_string(), TextSource::Feed, Some(why)),
        _ => (
            String::new(),
            TextSource::None,
            Some(format!("{why}, and the feed has no text")),
        ),
    };
    match article {
        Ok(a) if a.text_len() > 0 && a.text_len() >= feed_len => {
            let from = a
                .text_from
                .as_ref()
                .map(|u| format!("the text is from the page's AMP version, {u}"));
            let cut = a
                .limits
                .as_ref()
                .map(|l| format!("the page was cut to quotewire's limits: {l}"));
            let note = match (from, cut) {
                (Some(f), Some(c)) => Some(format!("{f}; {c}")),
                (f, c) => f.or(c),
            };
            (a.text(), TextSource::Article, note)
        }
        Ok(a) => from_feed(format!(
            "the page gave {} characters of text{}, the feed {feed_len}",
            a.text_len(),
            if a.meta.paywalled { " (paywalled)" } else { "" }
        )),
        Err(why) => from_feed(why.to_string()),
    }
}

/// Where a story's `published` time came from, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateSource {
    /// The article page's own metadata (JSON-LD, OpenGraph, meta tags).
    Article,
    /// The entry's published date (pubDate, dc:date, Atom published).
    Entry,
    /// The entry's updated date.
    EntryUpdated,
    /// The feed's own date.
    Feed,
    /// When quotewire first saw it.
    FirstSeen,
}

/// A feed that carried a story.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StorySource {
    pub feed: String,
    pub outlet: String,
    pub guid: Option<String>,
    /// Hash of the entry's fields as last seen in this feed; a change means an update.
    pub fingerprint: String,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
}

/// One entry seen in one feed.
pub struct Observation<'a> {
    pub feed: &'a str,
    pub outlet: &'a str,
    /// The outlet owning the link's host, if any configured outlet does.
    pub host_owner: Option<&'a str>,
    pub feed_date: Option<DateTime<Utc>>,
    pub entry: &'a ParsedEntry,
    pub seen: DateTime<Utc>,
}

/// What a merge did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    New,
    Updated,
    Unchanged,
}

/// The identity of an entry: (key, normalised URL). `None` when the entry has nothing stable
/// to be known by (no link, no guid, no title).
pub fn identity(entry: &ParsedEntry, feed: &str) -> Option<(String, Option<String>)> {
    if let Some(u) = entry.link.as_deref().and_then(url::normalise_str) {
        let s = u.to_string();
        return Some((s.clone(), Some(s)));
    }
    if let Some(guid) = &entry.id {
        return Some((format!("feed-item:{feed} guid:{guid}"), None));
    }
    let title = entry.title.as_deref()?;
    let date = entry
        .published
        .or(entry.updated)
        .map(|d| d.to_rfc3339())
        .unwrap_or_default();
    Some((format!("feed-item:{feed} title:{title} date:{date}"), None))
}

fn fingerprint(e: &ParsedEntry) -> String {
    let mut h = Sha256::new();
    for part in [&e.title, &e.link, &e.summary, &e.content] {
        h.update(part.as_deref().unwrap_or("").as_bytes());
        h.update([0]);
    }
    // An entry with no update time hashes as updated when published: feed-rs once copied an
    // RSS pubDate into `updated`, and stories stored then must not all read as changed now.
    for d in [e.published, e.updated.or(e.published)] {
        h.update(d.map(|d| d.timestamp()).unwrap_or(i64::MIN).to_be_bytes());
    }
    for list in [&e.authors, &e.categories] {
        for s in list {
            h.update(s.as_bytes());
            h.update([1]);
        }
        h.update([0]);
    }
    h.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn best_date(o: &Observation<'_>) -> (DateTime<Utc>, DateSource) {
    if let Some(d) = o.entry.published {
        (d, DateSource::Entry)
    } else if let Some(d) = o.entry.updated {
        (d, DateSource::EntryUpdated)
    } else if let Some(d) = o.feed_date {
        (d, DateSource::Feed)
    } else {
        (o.seen, DateSource::FirstSeen)
    }
}

/// Folds an observation into the stored story (`None` if there is none yet) whose identity
/// is `(key, url)`.
pub fn merge(
    existing: Option<Story>,
    key: &str,
    url: Option<&str>,
    obs: &Observation<'_>,
) -> (Story, Change) {
    let e = obs.entry;
    let fp = fingerprint(e);
    let (date, from) = best_date(obs);
    let source = StorySource {
        feed: obs.feed.to_string(),
        outlet: obs.outlet.to_string(),
        guid: e.id.clone(),
        fingerprint: fp.clone(),
        first_seen: obs.seen,
        last_seen: obs.seen,
    };
    let Some(mut story) = existing else {
        let outlet = obs.host_owner.unwrap_or(obs.outlet).to_string();
        let mut outlets = vec![outlet.clone()];
        if obs.outlet != outlet {
            outlets.push(obs.outlet.to_string());
        }
        let story = Story {
            id: url::story_id(key),
            key: key.to_string(),
            url: url.map(str::to_string),
            outlet,
            outlets,
            title: e.title.clone(),
            published: date,
            published_from: from,
            updated: e.updated,
            authors: e.authors.clone(),
            categories: e.categories.clone(),
            summary: e.summary.clone(),
            content: e.content.clone(),
            first_seen: obs.seen,
            last_seen: obs.seen,
            sources: vec![source],
            article: None,
            text: TextInfo::default(),
            copy_of: None,
            copies: Vec::new(),
        };
        return (story, Change::New);
    };

    story.last_seen = story.last_seen.max(obs.seen);
    if !story.outlets.iter().any(|o| o == obs.outlet) {
        story.outlets.push(obs.outlet.to_string());
    }
    let changed = match story.sources.iter_mut().find(|s| s.feed == obs.feed) {
        Some(s) => {
            s.last_seen = s.last_seen.max(obs.seen);
            let changed = s.fingerprint != fp;
            s.fingerprint = fp;
            s.guid = e.id.clone().or(s.guid.take());
            changed
        }
        None => {
            story.sources.push(source);
            true
        }
    };
    if !changed {
        return (story, Change::Unchanged);
    }
    let before = story.clone();
    if e.title.is_some() {
        story.title = e.title.clone();
    }
    if e.summary.is_some() {
        story.summary = e.summary.clone();
    }
    if e.content.is_some() {
        story.content = e.content.clone();
    }
    story.updated = later_update(story.updated, e.updated, story.published);
    // A byline on the page is the publisher's own statement; the feed's names are a summary.
    let page_named = story
        .article
        .as_ref()
        .is_some_and(|a| !a.meta.authors.is_empty());
    if !e.authors.is_empty() && !page_named {
        story.authors = e.authors.clone();
    }
    for c in &e.categories {
        if !story.categories.contains(c) {
            story.categories.push(c.clone());
        }
    }
    if (from, date) < (story.published_from, story.published) {
        story.published = date;
        story.published_from = from;
    }
    // A second feed carrying the same text is a new source, not a new version of the story.
    let content_changed = Story {
        sources: before.sources.clone(),
        outlets: before.outlets.clone(),
        ..story.clone()
    } != before;
    let change = if content_changed {
        Change::Updated
    } else {
        Change::Unchanged
    };
    (story, change)
}

/// Takes a fetched page's byline and modification time into its story: the page's authors
/// replace the feed's (a wire byline such as "Reuters" is not among them: see
/// `article::metadata`), and its `dateModified` counts as an update when it is later than
/// what the story knew.
pub fn take_page_meta(story: &mut Story, meta: &crate::article::PageMeta) {
    if !meta.authors.is_empty() {
        story.authors = meta.authors.clone();
    }
    story.updated = later_update(story.updated, meta.modified, story.published);
}

/// The later of two update times, ignoring one earlier than the publication (a page whose
/// "modified" predates its "published" is stating no update).
fn later_update(
    known: Option<DateTime<Utc>>,
    new: Option<DateTime<Utc>>,
    published: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let new = new.filter(|n| *n >= published);
    match (known, new) {
        (Some(k), Some(n)) => Some(k.max(n)),
        (k, n) => k.or(n),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn entry(title: &str, link: Option<&str>, published: Option<i64>) -> ParsedEntry {
        ParsedEntry {
            id: None,
            title: Some(title.into()),
            link: link.map(Into::into),
            summary: None,
            content: None,
            published: published.map(|s| Utc.timestamp_opt(s, 0).unwrap()),
            updated: None,
            authors: vec![],
            categories: vec![],
            cut: false,
        }
    }

    fn obs<'a>(feed: &'a str, outlet: &'a str, e: &'a ParsedEntry, seen: i64) -> Observation<'a> {
        Observation {
            feed,
            outlet,
            host_owner: None,
            feed_date: None,
            entry: e,
            seen: Utc.timestamp_opt(seen, 0).unwrap(),
        }
    }

    #[test]
    fn same_entry_twice_is_unchanged_and_edit_is_update() {
        let e = entry("A", Some("https://x.example/a?utm_source=rss"), Some(100));
        let (key, url) = identity(&e, "f1").unwrap();
        assert_eq!(url.as_deref(), Some("https://x.example/a"));
        let (s, c) = merge(None, &key, url.as_deref(), &obs("f1", "x", &e, 1000));
        assert_eq!(c, Change::New);
        let (s, c) = merge(Some(s), &key, url.as_deref(), &obs("f1", "x", &e, 2000));
        assert_eq!(c, Change::Unchanged);
        assert_eq!(s.last_seen.timestamp(), 2000);
        let e2 = entry("A, corrected", Some("https://x.example/a"), Some(100));
        let (s, c) = merge(Some(s), &key, url.as_deref(), &obs("f1", "x", &e2, 3000));
        assert_eq!(c, Change::Updated);
        assert_eq!(s.title.as_deref(), Some("A, corrected"));
        assert_eq!(s.first_seen.timestamp(), 1000);
    }

    #[test]
    fn the_page_byline_and_update_hold_against_the_feed() {
        let mut e = entry("A", Some("https://x.example/a"), Some(100));
        e.authors = vec!["Feed Desk".into()];
        let (key, url) = identity(&e, "f1").unwrap();
        let (mut s, _) = merge(None, &key, url.as_deref(), &obs("f1", "x", &e, 1000));
        let at = |t: i64| Utc.timestamp_opt(t, 0).unwrap();
        let meta = crate::article::PageMeta {
            authors: vec!["Page Writer".into()],
            modified: Some(at(500)),
            ..Default::default()
        };
        s.article = Some(ArticleInfo {
            meta: meta.clone(),
            ..Default::default()
        });
        take_page_meta(&mut s, &meta);
        assert_eq!(s.authors, vec!["Page Writer".to_string()]);
        assert_eq!(s.updated, Some(at(500)));
        // The feed edits the entry: its names do not replace the page's byline, and an
        // update time older than the one known does not move it back.
        e.title = Some("A, corrected".into());
        e.updated = Some(at(300));
        let (s, c) = merge(Some(s), &key, url.as_deref(), &obs("f1", "x", &e, 2000));
        assert_eq!(c, Change::Updated);
        assert_eq!(s.authors, vec!["Page Writer".to_string()]);
        assert_eq!(s.updated, Some(at(500)));
        // A "modified" before the publication states no update.
        let mut t = s.clone();
        t.updated = None;
        take_page_meta(
            &mut t,
            &crate::article::PageMeta {
                modified: Some(at(50)),
                ..Default::default()
            },
        );
        assert_eq!(t.updated, None);
    }

    #[test]
    fn no_update_time_fingerprints_as_updated_when_published() {
        // Stories stored while the parser copied an RSS pubDate into `updated` keep their
        // fingerprint now that it does not: no burst of "updated" stories and page fetches.
        let old = ParsedEntry {
            updated: Some(Utc.timestamp_opt(100, 0).unwrap()),
            ..entry("A", Some("https://x.example/a"), Some(100))
        };
        let new = entry("A", Some("https://x.example/a"), Some(100));
        assert_eq!(fingerprint(&old), fingerprint(&new));
        let later = ParsedEntry {
            updated: Some(Utc.timestamp_opt(200, 0).unwrap()),
            ..new.clone()
        };
        assert_ne!(fingerprint(&later), fingerprint(&new));
    }

    #[test]
    fn second_feed_is_recorded_not_duplicated() {
        let e = entry("A", Some("https://x.example/a"), Some(100));
        let (key, url) = identity(&e, "f1").unwrap();
        let (s, _) = merge(None, &key, url.as_deref(), &obs("f1", "x", &e, 1000));
        let (s, c) = merge(Some(s), &key, url.as_deref(), &obs("f2", "y", &e, 1000));
        assert_eq!(c, Change::Unchanged);
        assert_eq!(s.sources.len(), 2);
        assert_eq!(s.outlets, vec!["x".to_string(), "y".to_string()]);
    }

    #[test]
    fn dates_fall_back_and_linkless_items_are_keyed_stably() {
        let e = entry("No link", None, None);
        let (k1, u) = identity(&e, "f1").unwrap();
        assert!(u.is_none());
        assert_eq!(identity(&e, "f1").unwrap().0, k1);
        assert_ne!(identity(&e, "f2").unwrap().0, k1);
        let (s, _) = merge(None, &k1, None, &obs("f1", "x", &e, 5000));
        assert_eq!(s.published_from, DateSource::FirstSeen);
        assert_eq!(s.published.timestamp(), 5000);
        let mut blank = entry("", None, None);
        blank.title = None;
        assert!(identity(&blank, "f1").is_none());
    }
}
