//! Article pages to clean text and true metadata: the extraction stage.
//!
//! `extract` takes the bytes of one page (and its URL, if known) and returns an `Article`: the
//! main text as paragraphs, and title, authors, published and modified times, canonical URL, site
//! name, language, a paywall flag and the wire service named by a dateline. Metadata comes from
//! JSON-LD first, then OpenGraph and meta tags, then the page itself (see `metadata`); the main
//! text comes from dom_smoothie's Readability after the page's clutter is dropped (see `text`).
//! The page is bounded before it is parsed (`parser::html_bounds`: nesting, element count,
//! attributes) and its text cut at `limits::MAX_TEXT`; `Article::limits` says what was cut.
//! This module does no I/O: fetching pages belongs to the fetcher, storing them to the store.

mod candidates;
pub mod metadata;
mod prefilter;
pub mod text;

pub use metadata::PageMeta;

use serde::{Deserialize, Serialize};
use url::Url;

use crate::limits::MAX_TEXT;
use crate::parser::{encoding, html_bounds};

/// What quotewire reads from one article page.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Article {
    #[serde(flatten)]
    pub meta: PageMeta,
    /// The main text: paragraphs, in page order.
    pub paragraphs: Vec<String>,
    /// The wire service a dateline such as "BAGHDAD (Reuters) -", or a wire byline, names.
    pub wire_source: Option<String>,
    /// What of the page was cut to stay within quotewire's limits, if anything: "2,000 tags
    /// nested deeper than 512 levels flattened; text cut at 1048576 bytes".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limits: Option<String>,
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
    let bounded = html_bounds::bound_text(html);
    let doc = dom_query::Document::from(bounded.html.as_str());
    drop(bounded.html);
    let metadata::Read {
        meta,
        wire_byline,
        ld_body,
    } = metadata::read(&doc, url);
    let mut paragraphs =
        text::main_text(doc, url, rules, meta.title.as_deref(), ld_body.as_deref());
    let mut limits: Vec<String> = bounded.cuts.describe().into_iter().collect();
    if cut_paragraphs(&mut paragraphs, MAX_TEXT) {
        limits.push(format!("text cut at {MAX_TEXT} bytes"));
    }
    let wire_source = text::dateline_source(paragraphs.first().map(String::as_str)).or(wire_byline);
    Article {
        meta,
        paragraphs,
        wire_source,
        limits: (!limits.is_empty()).then(|| limits.join("; ")),
    }
}

/// Keeps the paragraphs that fit in `max` bytes of text (the first of them cut at a word if
/// it alone is longer). Returns whether any were cut.
fn cut_paragraphs(paragraphs: &mut Vec<String>, max: usize) -> bool {
    let mut total = 0;
    for (i, p) in paragraphs.iter_mut().enumerate() {
        let len = p.len() + if i > 0 { 2 } else { 0 };
        if total + len > max {
            if i == 0 {
                crate::limits::cut_text(p, max);
                paragraphs.truncate(1);
            } else {
                paragraphs.truncate(i);
            }
            return true;
        }
        total += len;
    }
    false
}
