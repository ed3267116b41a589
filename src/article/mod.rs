//! Article pages to clean text and true metadata: the extraction stage.
//!
//! `extract` takes the bytes of one page (and its URL, if known) and returns an `Article`: the
//! main text as paragraphs, and title, authors, published and modified times, canonical URL, site
//! name, language, a paywall flag and the wire service named by a dateline. Metadata comes from
//! JSON-LD first, then OpenGraph and meta tags, then the page itself (see `metadata`); the main
//! text comes from dom_smoothie's Readability after the page's clutter is dropped (see `text`).
//! This module does no I/O: fetching pages belongs to the fetcher, storing them to the store.

pub mod metadata;
pub mod text;

pub use metadata::PageMeta;

use serde::{Deserialize, Serialize};
use url::Url;

use crate::parser::encoding;

/// What quotewire reads from one article page.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Article {
    #[serde(flatten)]
    pub meta: PageMeta,
    /// The main text: paragraphs, in page order.
    pub paragraphs: Vec<String>,
    /// The wire service a dateline such as "BAGHDAD (Reuters) -", or a wire byline, names.
    pub wire_source: Option<String>,
}

impl Article {
    /// The text with paragraphs separated by a blank line.
    pub fn text(&self) -> String {
        self.paragraphs.join("\n\n")
    }

    /// Characters of text, not counting paragraph breaks.
    pub fn text_len(&self) -> usize {
        self.paragraphs.iter().map(|p| p.chars().count()).sum()
    }
}

/// Per-outlet extraction overrides from feeds.toml, already validated.
#[derive(Debug, Clone, Default)]
pub struct Rules {
    /// Where the article body is; when it matches, Readability is not asked.
    pub body: Option<dom_query::Matcher>,
    /// What to remove before extraction, on top of the defaults.
    pub drop: Vec<dom_query::Matcher>,
}

/// Extracts an article from page bytes. `content_type` is the HTTP header, if any; `url` is
/// the page's address, used to resolve relative links and as a canonical fallback.
pub fn extract(
    bytes: &[u8],
    content_type: Option<&str>,
    url: Option<&Url>,
    rules: &Rules,
) -> Article {
    let html = encoding::decode_html(bytes, content_type);
    extract_str(&html, url, rules)
}

/// Extracts an article from page text already in UTF-8.
pub fn extract_str(html: &str, url: Option<&Url>, rules: &Rules) -> Article {
    let doc = dom_query::Document::from(html);
    let (meta, wire_byline) = metadata::read(&doc, url);
    let paragraphs = text::main_text(doc, url, rules, meta.title.as_deref());
    let wire_source = text::dateline_source(paragraphs.first().map(String::as_str)).or(wire_byline);
    Article {
        meta,
        paragraphs,
        wire_source,
    }
}
