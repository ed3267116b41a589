//! Feed bytes to a `ParsedFeed`: the parse stage of the pipeline.
//!
//! Decodes the bytes to UTF-8 (see `encoding`), repairs HTML entities (see `entities`), bounds
//! the document (`xml_bounds`), rewrites old and alias forms into the ones feed-rs reads
//! (`forms`: Atom 0.3, RSS 0.90, Userland RSS, any `<rss>` version), hands the text to feed-rs
//! (RSS 0.9x/1.0/2.0, Atom, JSON Feed), reads what feed-rs drops in a side-pass when it can
//! matter (`sidepass`: Dublin Core and DC Terms titles and dates, Media RSS titles, Atom 0.3
//! dates and content modes, `isPermaLink`), and maps both to our model through one fallback
//! chain per field: absolute links, plain-text summaries and content, and a guid only when the
//! feed gave one. feed-rs invents a random id for an entry with neither id nor link; we turn
//! that off, because an id that changes on every parse would make a new story on every fetch.
//! This module does no I/O.

pub mod encoding;
pub mod entities;
pub mod forms;
pub mod html_bounds;
pub mod html_text;
pub mod sidepass;
pub mod xml_bounds;

use chrono::{DateTime, Utc};
use serde::Serialize;
use url::Url;

pub use html_text::html_to_text;

use crate::limits::{cut_text, MAX_ENTRIES, MAX_TEXT};

/// Characters kept of an entry's title, and of one author's or category's name.
pub const MAX_TITLE: usize = 2_000;
/// Authors and categories kept per entry.
pub const MAX_NAMES: usize = 50;
/// Bytes of a link; longer ones are no link.
pub const MAX_LINK: usize = 8 * 1024;

/// What quotewire reads from one feed document.
#[derive(Debug, Clone, Serialize)]
pub struct ParsedFeed {
    pub title: Option<String>,
    /// The RSS description, Atom subtitle or Atom 0.3 tagline, as plain text.
    pub subtitle: Option<String>,
    pub link: Option<String>,
    /// RSS `<ttl>`, in minutes.
    pub ttl: Option<u32>,
    /// The feed's own date (updated, else published).
    pub date: Option<DateTime<Utc>>,
    /// The encoding the bytes were read as.
    pub encoding: &'static str,
    /// Entries in document order.
    pub entries: Vec<ParsedEntry>,
    /// What was cut to stay within quotewire's limits, if anything: "51,000 entries beyond
    /// the first 1000 not read".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limits: Option<String>,
}

/// One item or entry.
#[derive(Debug, Clone, Serialize)]
pub struct ParsedEntry {
    /// The guid / id as the feed wrote it; `None` when it wrote none.
    pub id: Option<String>,
    pub title: Option<String>,
    /// The entry's link, absolute.
    pub link: Option<String>,
    /// The description or summary, as plain text.
    pub summary: Option<String>,
    /// `content:encoded` or Atom/JSON content, as plain text.
    pub content: Option<String>,
    pub published: Option<DateTime<Utc>>,
    pub updated: Option<DateTime<Utc>>,
    pub authors: Vec<String>,
    pub categories: Vec<String>,
    /// Whether a field was cut to the limits.
    #[serde(skip)]
    pub cut: bool,
}

/// Why bytes could not be read as a feed.
#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    #[error("this is an HTML page, not a feed{}", match .advertised { Some(u) => format!("; the page advertises a feed at {u}: put that URL in feeds.toml"), None => String::new() })]
    HtmlPage { advertised: Option<String> },
    #[error("not a feed: {0}")]
    Invalid(String),
}

/// Parses a feed. `content_type` is the HTTP Content-Type, if any; `base` resolves relative
/// links (the feed's URL).
pub fn parse(
    bytes: &[u8],
    content_type: Option<&str>,
    base: Option<&Url>,
) -> Result<ParsedFeed, ParseError> {
    let decoded = encoding::decode(bytes, content_type);
    let text = decoded.text.trim_start();
    let is_xml = text.starts_with('<');
    if is_xml && looks_like_html(text) {
        return Err(ParseError::HtmlPage {
            advertised: advertised_feed(text, base),
        });
    }
    let repaired = if is_xml {
        entities::repair(text)
    } else {
        text.into()
    };
    let mut limits = Vec::new();
    let bounded = if is_xml {
        let b = xml_bounds::bound(&repaired);
        limits.extend(b.describe());
        b.xml
    } else {
        repaired.as_ref().into()
    };
    let normalised = if is_xml {
        forms::normalise(&bounded)
    } else {
        forms::Normalised {
            xml: bounded.as_ref().into(),
            declared: forms::Declared::default(),
        }
    };
    let parser = feed_rs::parser::Builder::new()
        .base_uri(base.map(Url::as_str))
        .id_generator(|_, _, _| String::new())
        .build();
    let mut feed = parser
        .parse(normalised.xml.as_bytes())
        .map_err(|e| ParseError::Invalid(e.to_string()))?;
    let declared = normalised.declared;
    drop(normalised);
    let side = (is_xml && side_pass_can_help(&feed, declared))
        .then(|| sidepass::read(&bounded))
        .flatten();
    drop(bounded);
    // JSON Feed, which the XML scan does not see.
    if feed.entries.len() > MAX_ENTRIES {
        limits.push(format!(
            "{} entries beyond the first {MAX_ENTRIES} not read",
            feed.entries.len() - MAX_ENTRIES
        ));
        feed.entries.truncate(MAX_ENTRIES);
    }
    let mut parsed = map_feed(feed, side, base, decoded.name);
    if parsed.entries.iter().any(|e| e.cut) {
        limits.push(format!(
            "entry fields cut (titles at {MAX_TITLE} characters, texts at {MAX_TEXT} bytes)"
        ));
    }
    parsed.limits = (!limits.is_empty()).then(|| limits.join("; "));
    Ok(parsed)
}

/// Whether feed-rs left a gap the side-pass may fill: a document in a vocabulary feed-rs reads
/// only in part, or a feed or entry without a title, link or publication date.
fn side_pass_can_help(feed: &feed_rs::model::Feed, declared: forms::Declared) -> bool {
    declared.atom03
        || declared.dcterms
        || feed.title.is_none()
        || feed
            .entries
            .iter()
            .any(|e| e.title.is_none() || e.links.is_empty() || e.published.is_none())
}

fn map_feed(
    feed: feed_rs::model::Feed,
    side: Option<sidepass::Side>,
    base: Option<&Url>,
    encoding: &'static str,
) -> ParsedFeed {
    let (side_feed, side_entries) = match side {
        Some(s) => (s.feed, Some(s.entries)),
        None => (sidepass::SideFields::default(), None),
    };
    // The side fields are matched to feed-rs's entries by position: only when both read the
    // same number of entries.
    let side_entries = side_entries.filter(|s| s.len() == feed.entries.len());
    let rss = matches!(
        feed.feed_type,
        feed_rs::model::FeedType::RSS0 | feed_rs::model::FeedType::RSS2
    );
    let entries = match side_entries {
        Some(side) => feed
            .entries
            .into_iter()
            .zip(side)
            .map(|(e, s)| map_entry(e, Some(s), rss, base))
            .collect(),
        None => feed
            .entries
            .into_iter()
            .map(|e| map_entry(e, None, rss, base))
            .collect(),
    };
    ParsedFeed {
        title: feed
            .title
            .map(|t| text_of(&t))
            .filter(|s| !s.is_empty())
            .or_else(|| side_feed.dc_title.as_deref().map(plain)),
        subtitle: feed
            .description
            .map(|t| text_of(&t))
            .filter(|s| !s.is_empty())
            .or_else(|| side_feed.subtitle.as_deref().map(plain)),
        link: pick_link(&feed.links, base),
        ttl: feed.ttl,
        date: feed
            .updated
            .or(feed.published)
            .or(side_feed.updated)
            .or(side_feed.published),
        encoding,
        entries,
        limits: None,
    }
}

/// Plain text of a title-like value read by the side-pass (already entity-decoded once).
fn plain(s: &str) -> String {
    if s.contains('<') {
        html_to_text(s)
    } else {
        html_to_text(&s.replace('&', "&amp;"))
    }
}

/// Cuts a title or a name to `MAX_TITLE` characters; says whether it cut.
fn cut_chars(s: &mut String, cut: &mut bool) {
    if let Some((at, _)) = s.char_indices().nth(MAX_TITLE) {
        s.truncate(at);
        *cut = true;
    }
}

/// One entry, each field through its fallback chain: feed-rs's reading first, then what the
/// side-pass found (`side`, `None` when it did not run or could not be matched).
fn map_entry(
    e: feed_rs::model::Entry,
    side: Option<sidepass::SideFields>,
    rss: bool,
    base: Option<&Url>,
) -> ParsedEntry {
    let id = Some(e.id.trim().to_string()).filter(|s| !s.is_empty());
    // An RSS guid is the item's address unless it says isPermaLink="false" (RSS 2.0). Without
    // the side-pass we cannot tell, and take a guid that is a web address as one. An Atom id
    // is an identity, never a link.
    let guid_is_link = rss
        && side
            .as_ref()
            .is_none_or(|s| s.guid_permalink.unwrap_or(false));
    let link = pick_link(&e.links, base).or_else(|| {
        id.as_deref()
            .filter(|_| guid_is_link)
            .and_then(|g| Url::parse(g).ok())
            .filter(|u| matches!(u.scheme(), "http" | "https"))
            .map(String::from)
    });
    let side = side.unwrap_or_default();
    let content = match side.content {
        Some(c) => Some(side_text(c)),
        None => e.content.and_then(|c| {
            let body = c.body?;
            let html = c.content_type.to_string().contains("html") || body.contains('<');
            Some(if html { html_to_text(&body) } else { body })
        }),
    }
    .filter(|t| !t.trim().is_empty());
    let mut cut = false;
    let mut authors: Vec<String> = Vec::new();
    for name in e.authors.iter().filter_map(|p| p.name.as_deref()) {
        let mut name = name.trim().to_string();
        cut_chars(&mut name, &mut cut);
        if !name.is_empty() && authors.len() < MAX_NAMES && !authors.contains(&name) {
            authors.push(name);
        }
    }
    let mut categories: Vec<String> = Vec::new();
    for c in &e.categories {
        let mut term = c.label.as_deref().unwrap_or(&c.term).trim().to_string();
        cut_chars(&mut term, &mut cut);
        if !term.is_empty() && categories.len() < MAX_NAMES && !categories.contains(&term) {
            categories.push(term);
        }
    }
    let media_title = || {
        e.media
            .iter()
            .find_map(|m| m.title.as_ref())
            .map(text_of)
            .filter(|s| !s.is_empty())
    };
    let mut title = e
        .title
        .as_ref()
        .map(text_of)
        .filter(|s| !s.is_empty())
        .or_else(|| side.dc_title.as_deref().map(plain))
        .or_else(media_title)
        .or_else(|| side.media_title.as_deref().map(plain))
        .filter(|s| !s.is_empty());
    if let Some(t) = title.as_mut() {
        cut_chars(t, &mut cut);
    }
    let mut summary = match side.summary {
        Some(c) => Some(side_text(c)),
        None => e.summary.map(|t| text_of(&t)),
    }
    .filter(|s| !s.trim().is_empty());
    let mut content = content;
    for text in [summary.as_mut(), content.as_mut()].into_iter().flatten() {
        cut |= cut_text(text, MAX_TEXT);
    }
    ParsedEntry {
        id: id.filter(|i| i.len() <= MAX_LINK),
        title,
        link: link.filter(|l| l.len() <= MAX_LINK),
        summary,
        content,
        published: e.published.or(side.published),
        // feed-rs's RSS reader copies the publication date into `updated`: an item that says
        // nothing about an update was not updated.
        updated: e
            .updated
            .filter(|u| !(rss && Some(*u) == e.published))
            .or(side.updated),
        authors,
        categories,
        cut,
    }
}

/// Plain text of content the side-pass decoded: (body, whether it is HTML).
fn side_text((body, html): (String, bool)) -> String {
    if html {
        html_to_text(&body)
    } else {
        body
    }
}

/// Plain text of a feed-rs Text, whether it was text or HTML.
fn text_of(t: &feed_rs::model::Text) -> String {
    let ct = t.content_type.to_string();
    if ct.contains("html") || t.content.contains('<') {
        html_to_text(&t.content)
    } else {
        html_to_text(&t.content.replace('<', "&lt;"))
    }
}

/// The entry's page: an `alternate` (or rel-less) link, made absolute against `base`.
fn pick_link(links: &[feed_rs::model::Link], base: Option<&Url>) -> Option<String> {
    let link = links
        .iter()
        .find(|l| matches!(l.rel.as_deref(), None | Some("alternate")))
        .or_else(|| links.first())?;
    let href = link.href.trim();
    if href.is_empty() {
        return None;
    }
    match Url::parse(href) {
        Ok(u) => Some(u.to_string()),
        Err(url::ParseError::RelativeUrlWithoutBase) => {
            base.and_then(|b| b.join(href).ok()).map(String::from)
        }
        Err(_) => None,
    }
}

fn looks_like_html(text: &str) -> bool {
    let head: String = text
        .chars()
        .take(1024)
        .collect::<String>()
        .to_ascii_lowercase();
    head.starts_with("<!doctype html") || head.contains("<html")
}

/// The first `<link rel="alternate">` of an RSS, Atom or JSON Feed type in an HTML page.
fn advertised_feed(html: &str, base: Option<&Url>) -> Option<String> {
    let doc = scraper::Html::parse_document(&html_bounds::bound(html).html);
    let sel = scraper::Selector::parse("link[rel~=alternate][href]").ok()?;
    doc.select(&sel).find_map(|l| {
        let ty = l.value().attr("type").unwrap_or("");
        if !(ty.contains("rss") || ty.contains("atom") || ty.contains("feed+json")) {
            return None;
        }
        let href = l.value().attr("href")?;
        match base {
            Some(b) => b.join(href).ok().map(String::from),
            None => Some(href.to_string()),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_without_id_or_link_gets_no_invented_id() {
        let xml = r#"<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
            <item><title>Only a title</title></item></channel></rss>"#;
        let a = parse(xml.as_bytes(), None, None).unwrap();
        let b = parse(xml.as_bytes(), None, None).unwrap();
        assert_eq!(a.entries[0].id, None);
        assert_eq!(a.entries[0].link, None);
        assert_eq!(b.entries[0].id, None);
    }

    #[test]
    fn html_page_names_its_feed() {
        let html = r#"<!DOCTYPE html><html><head><link rel="alternate" type="application/rss+xml" href="/xml/rss/all.xml"></head><body>x</body></html>"#;
        let base = Url::parse("https://www.aljazeera.com/").unwrap();
        let e = parse(html.as_bytes(), Some("text/html"), Some(&base)).unwrap_err();
        assert!(e
            .to_string()
            .contains("https://www.aljazeera.com/xml/rss/all.xml"));
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(parse(b"", None, None).is_err());
        assert!(parse(b"\xff\xfe\x00", None, None).is_err());
        // Truncated XML must not panic, whatever feed-rs makes of it.
        let _ = parse(b"<rss><channel><item>", None, None);
    }
}
