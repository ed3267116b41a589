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

pub mod amp;
mod candidates;
pub mod metadata;
mod prefilter;
pub mod text;

pub use metadata::PageMeta;

use serde::{Deserialize, Serialize};
use url::Url;

use crate::limits::MAX_TEXT;
use crate::parser::{encoding, html_bounds};

/// Characters of text under which a page's text is thin: `extract` then also reads the page
/// with less pruned, and the article stage asks for its AMP version (`amp`). Under the shortest
/// article of the benchmark's dev half (369 characters, a paywall's teaser) plus a margin:
/// 2 of its 93 pages are under it (bench/RESULTS.md §12.5).
pub const THIN: usize = 500;

/// Characters of text in paragraphs.
fn chars(paragraphs: &[String]) -> usize {
    paragraphs.iter().map(|p| p.chars().count()).sum()
}

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
    /// The page's AMP version, if it links one (`<link rel=amphtml>`): what the article stage
    /// reads when this page's own text is thin (`amp`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amp_url: Option<String>,
    /// The page is itself an AMP document (`<html amp>` or `<html ⚡>`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub is_amp: bool,
    /// Where the text was read when not from the page itself: its AMP version's address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text_from: Option<String>,
}

impl Article {
    /// The text with paragraphs separated by a blank line.
    pub fn text(&self) -> String {
        self.paragraphs.join("\n\n")
    }

    /// Characters of text, not counting paragraph breaks.
    pub fn text_len(&self) -> usize {
        chars(&self.paragraphs)
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
    let metadata::Read {
        meta,
        wire_byline,
        ld_body,
        amp_url,
    } = metadata::read(&doc, url);
    let is_amp = doc
        .root()
        .element_children()
        .into_iter()
        .find(|n| n.has_name("html"))
        .is_some_and(|h| h.has_attr("amp") || h.has_attr("⚡"));
    let (mut paragraphs, available) =
        text::main_text(doc, url, rules, meta.title.as_deref(), ld_body.as_deref());
    // A thin text may be a short story, or a body the pruning took for clutter (a class name
    // such as "has-donate-banner" on a short story's container): the page read again with
    // only the element list dropped is taken if it gives twice as much. On the dev half it
    // is tried on 2 pages and taken on none (bench/RESULTS.md §12.5): it is there for pages
    // unlike them. It is not tried where the page, after the element list, holds too little
    // text for twice as much (non-space characters, at least 1.5 times ours): an app shell or
    // a page of empty elements is not parsed twice.
    let ours: usize = paragraphs
        .iter()
        .map(|p| p.chars().filter(|c| !c.is_whitespace()).count())
        .sum();
    if rules.body.is_none() && chars(&paragraphs) < THIN && available * 2 >= ours * 3 + 2 {
        let light = text::lightly_pruned_text(&bounded.html, url, rules, meta.title.as_deref());
        if chars(&light) >= chars(&paragraphs).max(1) * 2 {
            paragraphs = light;
        }
    }
    drop(bounded.html);
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
        amp_url,
        is_amp,
        text_from: None,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_story_in_a_container_named_like_clutter_is_not_lost() {
        // `donate` in the container's class, and under 600 characters: the class-name
        // pruning takes the whole story; the lightly pruned reading finds it.
        let html = r#"<html><head><title>Ferry service to Kharg resumes</title></head><body>
            <header><nav><a href="/">Home</a> <a href="/gulf">Gulf</a></nav></header>
            <main><h1>Ferry service to Kharg resumes</h1>
            <div class="story-body has-donate-banner">
            <p>The ferry between Bushehr and Kharg island ran again on Monday after a week of
            storms kept it in port, the operator said.</p>
            <p>"The first boat left at seven with two hundred passengers," a spokesman for the
            operator said. Islanders had relied on two navy boats for food and fuel.</p>
            </div></main><footer>© 2026 Gulf Ledger</footer></body></html>"#;
        let a = extract_str(html, None, &Rules::default());
        assert_eq!(a.paragraphs.len(), 2, "{:?}", a.paragraphs);
        assert!(a.paragraphs[0].starts_with("The ferry between Bushehr"));
        assert!(!a.text().contains("Gulf Ledger"));
    }
}
