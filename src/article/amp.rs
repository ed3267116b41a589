//! A page's AMP version as a second candidate for its text. Where a page gives little text
//! (an app shell that draws the story with script, a consent wall, a teaser before a script
//! loads the rest), the AMP document it links with `<link rel=amphtml>` often holds the whole
//! story as plain markup: AMP allows no script of the publisher's own, so what it shows is in
//! the HTML. This module says when that document is worth a second request (`wanted`) and
//! whether its text replaces the page's (`take`); the article stage does the fetching
//! (`ingest::article`).
//!
//! The rule, and why: a page is thin under `super::THIN` characters of text; a page with more
//! text keeps it, with no second request (bench/RESULTS.md §12.5 counts how many real pages
//! would ask). The AMP document must name the page as its canonical one (the pairing the AMP
//! format requires of both documents), so a link to another story or a home page is never
//! taken; and it must give at least `LONGER` times the page's text, so a short story whose AMP
//! version only adds furniture keeps its own. What this is not: a reader of AMP caches or AMP stories.

use url::Url;

use super::{Article, THIN};
use crate::story::url::normalise;

/// How many times the page's text the AMP version's must be to replace it.
const LONGER: usize = 2;

/// The AMP version to fetch for `page`, read from `url`: its address when the page links
/// one, is not itself AMP, and is thin.
pub fn wanted(page: &Article) -> Option<Url> {
    if page.is_amp || page.text_len() >= THIN {
        return None;
    }
    let amp = Url::parse(page.amp_url.as_deref()?).ok()?;
    matches!(amp.scheme(), "http" | "https").then_some(amp)
}

/// Replaces `page`'s text with `amp`'s when `amp` names the page (`url`, or the page's own
/// canonical address) as its canonical one and gives at least `LONGER` times its text. The
/// page's metadata stays; what it lacks is taken from the AMP version. Returns whether the
/// text was taken.
pub fn take(page: &mut Article, amp: Article, url: &Url) -> bool {
    let named = |link: &str| Url::parse(link).ok().map(|u| key(&u));
    let Some(amp_canonical) = amp.meta.canonical_url.as_deref().and_then(named) else {
        return false;
    };
    let pairs = amp_canonical == key(url)
        || page.meta.canonical_url.as_deref().and_then(named) == Some(amp_canonical);
    if !pairs || amp.text_len() < page.text_len().max(1) * LONGER {
        return false;
    }
    let Article {
        meta,
        paragraphs,
        wire_source,
        limits,
        ..
    } = amp;
    page.paragraphs = paragraphs;
    page.text_from = page.amp_url.clone();
    page.wire_source = page.wire_source.take().or(wire_source);
    page.limits = match (page.limits.take(), limits) {
        (Some(a), Some(b)) => Some(format!("{a}; its AMP version: {b}")),
        (a, b) => a.or(b.map(|b| format!("its AMP version: {b}"))),
    };
    let own = &mut page.meta;
    own.title = own.title.take().or(meta.title);
    if own.authors.is_empty() {
        own.authors = meta.authors;
    }
    own.published = own.published.or(meta.published);
    own.modified = own.modified.or(meta.modified);
    own.site_name = own.site_name.take().or(meta.site_name);
    own.language = own.language.take().or(meta.language);
    own.paywalled |= meta.paywalled;
    true
}

/// A URL as the pairing compares it: normalised as story identities are, with one trailing
/// slash of the path not counted.
fn key(url: &Url) -> String {
    let url = normalise(url);
    let s = url.as_str();
    match url.query() {
        None => s.strip_suffix('/').unwrap_or(s).to_string(),
        Some(_) => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::{extract_str, Rules};

    const STORY: &str =
        "<p>The river rose above its banks on Tuesday night, and by morning the low \
        streets of the old town stood under a metre of water.</p><p>Volunteers filled sandbags at \
        the school until the early hours, the mayor said, and the army sent two boats to carry \
        people from the flats beside the bridge.</p><p>Forecasters expect the water to fall by \
        the weekend, though more rain is due in the hills.</p><p>Shopkeepers on the market street \
        said the water had come faster than in the floods of four years ago, and that they had \
        had no warning from the council before it reached their doors.</p>";

    fn page(body: &str, links: &str) -> Article {
        let html =
            format!("<html><head>{links}</head><body><article>{body}</article></body></html>");
        let url = Url::parse("https://news.example/2026/12/08/flood").unwrap();
        extract_str(&html, Some(&url), &Rules::default())
    }

    fn amp_doc(canonical: &str) -> Article {
        let html = format!(
            "<html amp><head><link rel=canonical href=\"{canonical}\"></head>\
             <body><article><h1>Flood</h1>{STORY}<amp-ad>An advertisement</amp-ad></article></body></html>"
        );
        let url = Url::parse("https://news.example/amp/2026/12/08/flood").unwrap();
        extract_str(&html, Some(&url), &Rules::default())
    }

    #[test]
    fn a_thin_page_takes_the_text_of_the_amp_version_that_names_it() {
        let url = Url::parse("https://news.example/2026/12/08/flood?utm_source=feed").unwrap();
        let mut shell = page(
            "<div id=app>Loading…</div>",
            "<link rel=amphtml href=\"/amp/2026/12/08/flood\">",
        );
        let amp = wanted(&shell).expect("a thin page asks for its AMP version");
        assert_eq!(amp.as_str(), "https://news.example/amp/2026/12/08/flood");
        let doc = amp_doc("https://news.example/2026/12/08/flood/");
        assert!(doc.is_amp);
        assert!(take(&mut shell, doc, &url));
        assert_eq!(shell.paragraphs.len(), 4, "{:?}", shell.paragraphs);
        assert!(!shell.text().contains("advertisement"));
        assert_eq!(shell.text_from.as_deref(), Some(amp.as_str()));
    }

    #[test]
    fn the_amp_version_of_another_page_or_a_full_page_is_not_taken() {
        let url = Url::parse("https://news.example/2026/12/08/flood").unwrap();
        let links = "<link rel=amphtml href=\"https://news.example/amp/2026/12/08/flood\">";
        let mut shell = page("<div id=app>Loading…</div>", links);
        assert!(!take(&mut shell, amp_doc("https://news.example/"), &url));
        assert!(shell.text_from.is_none());
        let full = page(STORY, links);
        assert!(wanted(&full).is_none(), "a page with its story keeps it");
        // An AMP page is not asked for another.
        assert!(wanted(&amp_doc("https://news.example/2026/12/08/flood")).is_none());
    }
}
