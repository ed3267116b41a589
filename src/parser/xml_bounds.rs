//! A feed's XML bounded before feed-rs reads it: entries per feed and nesting depth.
//!
//! feed-rs builds every entry of a document in memory and refuses a document nested deeper than
//! 65,535 levels as a whole. So the decoded text is scanned once with quick-xml (the reader
//! feed-rs itself uses, streaming, no tree) and rewritten by cutting source ranges:
//!
//! - after `limits::MAX_ENTRIES` entries (`item` or `entry` elements near the root), the rest
//!   of the document is cut and the open elements closed, so the first entries, the newest in
//!   practice, are read and memory stays bounded;
//! - an element that would nest deeper than `limits::MAX_DEPTH` is cut with its content, so the
//!   rest of the feed is still read.
//!
//! A document the scan cannot read (not well-formed) is passed on unchanged: feed-rs says
//! what is wrong with it. This module does not decode or repair anything (see `encoding`,
//! `entities`).

use std::borrow::Cow;

use quick_xml::events::Event;
use quick_xml::Reader;

use crate::limits::{MAX_DEPTH, MAX_ENTRIES};

/// A feed document within the limits, and what was cut.
#[derive(Debug)]
pub struct BoundedXml<'a> {
    pub xml: Cow<'a, str>,
    /// Entries after the first `MAX_ENTRIES`, cut.
    pub entries_cut: usize,
    /// Elements cut because they nested deeper than `MAX_DEPTH`.
    pub too_deep: usize,
}

impl BoundedXml<'_> {
    /// A sentence saying what was cut, if anything.
    pub fn describe(&self) -> Option<String> {
        let mut parts = Vec::new();
        if self.entries_cut > 0 {
            parts.push(format!(
                "{} entries beyond the first {MAX_ENTRIES} not read",
                self.entries_cut
            ));
        }
        if self.too_deep > 0 {
            parts.push(format!(
                "{} elements nested deeper than {MAX_DEPTH} levels cut",
                self.too_deep
            ));
        }
        (!parts.is_empty()).then(|| parts.join("; "))
    }
}

/// Bounds a decoded feed document (see the module documentation).
pub fn bound(text: &str) -> BoundedXml<'_> {
    match scan(text) {
        Some(b) => b,
        None => BoundedXml {
            xml: Cow::Borrowed(text),
            entries_cut: 0,
            too_deep: 0,
        },
    }
}

/// Entries are `item` or `entry` elements this near the root (rss > channel > item is 3).
const ENTRY_DEPTH: usize = 4;

fn scan(text: &str) -> Option<BoundedXml<'_>> {
    let mut reader = Reader::from_str(text);
    // Mismatched end names are feed-rs's to judge; the scan only counts.
    reader.config_mut().check_end_names = false;
    // Names of the open elements, as written (for the end tags a cut needs).
    let mut open: Vec<String> = Vec::new();
    // Source ranges cut so far, in order; and the deep element being cut, if any.
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    let mut deep: Option<(usize, usize)> = None; // (start, nesting inside it)
    let mut entries = 0;
    let mut too_deep = 0;
    // Where the entries beyond the limit start, and the elements open there.
    let mut stop: Option<(usize, Vec<String>)> = None;
    loop {
        let start = usize::try_from(reader.buffer_position()).ok()?;
        let event = reader.read_event().ok()?;
        let end = usize::try_from(reader.buffer_position()).ok()?;
        match event {
            Event::Eof => break,
            Event::Start(e) => {
                if let Some((_, n)) = deep.as_mut() {
                    *n += 1;
                    continue;
                }
                let name = e.name().0.to_string();
                count_entry(&name, start, &open, &mut entries, &mut stop);
                if open.len() >= MAX_DEPTH {
                    deep = Some((start, 0));
                } else {
                    open.push(name);
                }
            }
            Event::Empty(e) => {
                if deep.is_some() {
                    continue;
                }
                let name = e.name().0.to_string();
                count_entry(&name, start, &open, &mut entries, &mut stop);
                if open.len() >= MAX_DEPTH {
                    too_deep += 1;
                    if stop.is_none() {
                        cuts.push((start, end));
                    }
                }
            }
            Event::End(_) => match deep.as_mut() {
                Some((_, n)) if *n > 0 => *n -= 1,
                Some((from, _)) => {
                    too_deep += 1;
                    if stop.is_none() {
                        cuts.push((*from, end));
                    }
                    deep = None;
                }
                None => {
                    open.pop();
                }
            },
            _ => {}
        }
    }
    if cuts.is_empty() && stop.is_none() {
        return Some(BoundedXml {
            xml: Cow::Borrowed(text),
            entries_cut: 0,
            too_deep,
        });
    }
    let until = stop.as_ref().map_or(text.len(), |(at, _)| *at);
    let mut out = String::with_capacity(until + 256);
    let mut at = 0;
    for (from, to) in cuts.into_iter().filter(|(from, _)| *from < until) {
        out.push_str(text.get(at..from)?);
        at = to.min(until);
    }
    out.push_str(text.get(at..until)?);
    if let Some((_, still_open)) = stop {
        for name in still_open.iter().rev() {
            out.push_str("</");
            out.push_str(name);
            out.push('>');
        }
    }
    Some(BoundedXml {
        xml: Cow::Owned(out),
        entries_cut: entries.saturating_sub(MAX_ENTRIES),
        too_deep,
    })
}

/// Counts an element named `name` starting at `start` if it is an entry; the first entry past
/// `MAX_ENTRIES` sets where the document is cut (and the elements open there).
fn count_entry(
    name: &str,
    start: usize,
    open: &[String],
    entries: &mut usize,
    stop: &mut Option<(usize, Vec<String>)>,
) {
    if is_entry(name) && open.len() < ENTRY_DEPTH {
        *entries += 1;
        if *entries > MAX_ENTRIES && stop.is_none() {
            *stop = Some((start, open.to_vec()));
        }
    }
}

fn is_entry(name: &str) -> bool {
    let local = name.rsplit(':').next().unwrap_or(name);
    local == "item" || local == "entry"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rss(items: usize) -> String {
        let items: String = (0..items)
            .map(|i| format!("<item><title>t{i}</title><link>https://e.com/{i}</link></item>\n"))
            .collect();
        format!("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>T</title>{items}</channel></rss>")
    }

    #[test]
    fn a_short_feed_is_untouched() {
        let x = rss(3);
        let b = bound(&x);
        assert!(matches!(b.xml, Cow::Borrowed(_)));
        assert_eq!(b.describe(), None);
    }

    #[test]
    fn entries_beyond_the_limit_are_cut_and_the_document_closed() {
        let x = rss(MAX_ENTRIES + 250);
        let b = bound(&x);
        assert_eq!(b.entries_cut, 250);
        assert!(
            b.xml.ends_with("</channel></rss>"),
            "{}",
            &b.xml[b.xml.len() - 60..]
        );
        let feed = feed_rs::parser::parse(b.xml.as_bytes()).unwrap();
        assert_eq!(feed.entries.len(), MAX_ENTRIES);
        assert!(b.describe().unwrap().contains("250 entries"));
        // Atom, with a prefix.
        let entries: String = (0..MAX_ENTRIES + 1)
            .map(|i| format!("<a:entry><a:id>{i}</a:id><a:title>t</a:title></a:entry>"))
            .collect();
        let atom = format!("<a:feed xmlns:a=\"http://www.w3.org/2005/Atom\"><a:title>T</a:title>{entries}</a:feed>");
        let b = bound(&atom);
        assert_eq!(b.entries_cut, 1);
        assert_eq!(
            feed_rs::parser::parse(b.xml.as_bytes())
                .unwrap()
                .entries
                .len(),
            MAX_ENTRIES
        );
    }

    #[test]
    fn deep_elements_are_cut_and_the_rest_read() {
        let n = 100_000;
        let deep = format!("{}deep{}", "<x>".repeat(n), "</x>".repeat(n));
        let x = rss(2).replace("<title>t1</title>", &format!("<title>t1</title>{deep}"));
        let b = bound(&x);
        assert_eq!(b.too_deep, 1);
        assert!(!b.xml.contains("deep"));
        let feed = feed_rs::parser::parse(b.xml.as_bytes()).unwrap();
        assert_eq!(feed.entries.len(), 2);
        assert_eq!(feed.entries[1].title.as_ref().unwrap().content, "t1");
    }

    #[test]
    fn malformed_documents_pass_unchanged() {
        let x = "<rss><channel><item></rss>";
        assert_eq!(bound(x).xml, x);
        let x = "{\"version\": \"https://jsonfeed.org/version/1\"}";
        assert_eq!(bound(x).xml, x);
    }
}
