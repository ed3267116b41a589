//! Posts saved as HTML (a blog page, or an editor's HTML export), read with scraper.
//!
//! Headings `<h1>`–`<h6>`, paragraph-level elements (`<p>`, `<li>`, text directly inside a
//! `<div>`) and `<blockquote>`s (one quoted paragraph each, its paragraphs joined by `\n`)
//! become blocks; links are kept; scripts, styles and forms are dropped. The title is the
//! first `<h1>` (else `<title>`), the date `article:published_time` or a `<meta name=date>`
//! (else the first `<time datetime>`).
//!
//! html5ever keeps no source positions, so a block's line is found by counting start tags: the
//! n-th `<p>` element is the n-th `<p` in the source (comments and script bodies skipped).
//! That is exact for hand-written and exported posts and approximate when the parser had to
//! invent elements. A quoted span gets its paragraph's line. This file does not interpret the
//! text; that is `mod.rs`'s job.
//!
//! The walk over the tree is iterative (an explicit stack) and elements nested deeper than
//! `limits::MAX_DEPTH` are flattened: they neither open nor close a block, so their text joins
//! the enclosing one. The source is bounded before html5ever sees it (`parser::html_bounds`:
//! nesting, elements, attributes, text), which keeps the source's line breaks where they were,
//! so the lines counted in the bounded source are the post's.

use std::collections::HashMap;

use scraper::{Html, Node};
use url::Url;

use super::{dates, Block, Doc, LineIndex, Para};
use crate::parser::html_bounds;

const BLOCKS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "main",
    "header",
    "footer",
    "aside",
    "nav",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "table",
    "tr",
    "td",
    "th",
    "figure",
    "figcaption",
    "pre",
    "hr",
    "address",
    "details",
    "summary",
    "form",
    "fieldset",
    "body",
    "html",
];
const SKIP: &[&str] = &[
    "script", "style", "noscript", "template", "iframe", "svg", "canvas", "select", "textarea",
    "button", "head",
];
const HEADINGS: &[&str] = &["h1", "h2", "h3", "h4", "h5", "h6"];
/// Elements whose content the tag counter must not look into.
const RAW_TEXT: &[&str] = &["script", "style", "textarea", "title", "xmp"];

/// Reads an HTML post, bounded first (`parser::html_bounds`, which keeps the source's lines):
/// the blocks, and what the bounds cut.
pub(super) fn read(text: &str) -> (Doc, html_bounds::Cuts) {
    let bounded = html_bounds::bound(text);
    let text = bounded.html.as_str();
    let html = Html::parse_document(text);
    let lines = LineIndex::new(text);
    let tags = tag_offsets(text);
    let mut r = Reader {
        line: 1,
        ..Reader::default()
    };
    let mut seen: HashMap<String, usize> = HashMap::new();
    // (node id, element name) of the open elements, innermost last. An explicit stack, not
    // recursion: a post nested a hundred thousand levels deep must not overflow the stack.
    // Elements deeper than `MAX_DEPTH` are kept on it (to know when they close) without a
    // name: they are flattened, neither opening nor closing anything.
    let mut stack: Vec<(_, Option<String>)> = Vec::new();
    let close = |r: &mut Reader, name: Option<String>| {
        if let Some(name) = name {
            r.close(&name);
        }
    };
    for node in html.tree.root().descendants() {
        let parent = node.parent().map(|p| p.id());
        while stack.last().is_some_and(|(id, _)| Some(*id) != parent) {
            if let Some((_, name)) = stack.pop() {
                close(&mut r, name);
            }
        }
        match node.value() {
            Node::Element(e) => {
                let name = e.name().to_ascii_lowercase();
                let n = seen.entry(name.clone()).or_default();
                let line = tags
                    .get(&name)
                    .and_then(|v| v.get(*n))
                    .map(|&at| lines.line(at));
                *n += 1;
                if stack.len() < crate::limits::MAX_DEPTH {
                    r.open(&name, e, line);
                    stack.push((node.id(), Some(name)));
                } else {
                    r.flattened(&name, line);
                    stack.push((node.id(), None));
                }
            }
            Node::Text(t) => r.text(t),
            _ => {}
        }
    }
    while let Some((_, name)) = stack.pop() {
        close(&mut r, name);
    }
    r.flush();
    let title_tag = r.title_tag.as_deref().map(tidy);
    let doc = Doc {
        title: r.h1.filter(|t| !t.is_empty()).or(title_tag),
        date: r.meta_date.or(r.time_date),
        blocks: r.blocks,
        lead_marks_quote: false,
    };
    (doc, bounded.cuts)
}

#[derive(Default)]
struct Reader {
    blocks: Vec<Block>,
    current: Option<Para>,
    quote_depth: usize,
    skip: usize,
    heading: Option<String>,
    line: usize,
    h1: Option<String>,
    title_tag: Option<String>,
    in_title: bool,
    meta_date: Option<chrono::NaiveDate>,
    time_date: Option<chrono::NaiveDate>,
}

impl Reader {
    fn open(&mut self, name: &str, e: &scraper::node::Element, line: Option<usize>) {
        if let Some(line) = line {
            self.line = line;
        }
        match name {
            "title" => self.in_title = true,
            "meta" => {
                let key = e
                    .attr("property")
                    .or_else(|| e.attr("name"))
                    .or_else(|| e.attr("itemprop"))
                    .unwrap_or("")
                    .to_ascii_lowercase();
                if matches!(
                    key.as_str(),
                    "article:published_time" | "date" | "datepublished" | "pubdate"
                ) && self.meta_date.is_none()
                {
                    self.meta_date = e.attr("content").and_then(dates::value);
                }
            }
            "time" if self.time_date.is_none() => {
                self.time_date = e.attr("datetime").and_then(dates::value);
            }
            _ => {}
        }
        if SKIP.contains(&name) {
            self.skip += 1;
            return;
        }
        if self.skip > 0 {
            return;
        }
        if name == "blockquote" {
            if self.quote_depth == 0 {
                self.flush();
                self.current = Some(Para {
                    quoted: true,
                    ..Para::default()
                });
            } else {
                self.separate();
            }
            self.quote_depth += 1;
        } else if HEADINGS.contains(&name) && self.quote_depth == 0 && self.heading.is_none() {
            self.flush();
            self.heading = Some(name.to_string());
        } else if name == "br" {
            self.push_raw("\n");
        } else if name == "a" {
            // A paragraph's first few links are kept: a post of 200,000 links keeps a few.
            if self
                .current
                .as_ref()
                .is_some_and(|p| p.links.len() >= super::MAX_PARA_LINKS)
            {
                return;
            }
            let url = e.attr("href").and_then(|h| Url::parse(h.trim()).ok());
            if let Some(url) = url.filter(|u| matches!(u.scheme(), "http" | "https")) {
                self.para().links.push(url);
            }
        } else if BLOCKS.contains(&name) || HEADINGS.contains(&name) {
            self.boundary();
        }
    }

    /// An element below `MAX_DEPTH`: no block starts or ends, but a block-level element still
    /// keeps its words apart from its neighbours'.
    fn flattened(&mut self, name: &str, line: Option<usize>) {
        if let Some(line) = line {
            self.line = line;
        }
        let block = BLOCKS.contains(&name) || HEADINGS.contains(&name);
        if self.skip == 0 && (block || name == "blockquote" || name == "br") {
            self.push_raw(" ");
        }
    }

    fn close(&mut self, name: &str) {
        if name == "title" {
            self.in_title = false;
        }
        if SKIP.contains(&name) {
            self.skip = self.skip.saturating_sub(1);
            return;
        }
        if self.skip > 0 {
            return;
        }
        if name == "blockquote" {
            self.quote_depth = self.quote_depth.saturating_sub(1);
            if self.quote_depth == 0 {
                self.flush();
            }
        } else if self.heading.as_deref() == Some(name) {
            self.heading = None;
            let p = self.current.take().unwrap_or_default();
            let text = tidy(&p.text);
            if name == "h1" && self.h1.is_none() {
                self.h1 = Some(text.clone());
            }
            let line = if p.line == 0 { self.line } else { p.line };
            self.blocks.push(Block::Heading { text, line });
        } else if BLOCKS.contains(&name) || HEADINGS.contains(&name) {
            self.boundary();
        }
    }

    fn text(&mut self, t: &str) {
        if self.in_title {
            // Tidied once at the end: a title of many text nodes (an SVG's) stays linear.
            self.title_tag.get_or_insert_with(String::new).push_str(t);
        }
        if self.skip == 0 {
            // Source line breaks are spaces; only <br> and block ends break lines.
            let spaced: String = t
                .chars()
                .map(|c| if c.is_whitespace() { ' ' } else { c })
                .collect();
            self.push_raw(&spaced);
        }
    }

    fn para(&mut self) -> &mut Para {
        let line = self.line;
        let p = self.current.get_or_insert_with(Para::default);
        if p.line == 0 {
            p.line = line;
        }
        p
    }

    fn push_raw(&mut self, t: &str) {
        if t.trim().is_empty() && self.current.as_ref().is_none_or(|p| p.text.is_empty()) {
            return;
        }
        let line = self.line;
        let p = self.para();
        if p.text.trim().is_empty() {
            p.line = line;
        }
        p.text.push_str(t);
    }

    fn boundary(&mut self) {
        if self.heading.is_some() {
            return;
        }
        if self.quote_depth == 0 {
            self.flush();
        } else {
            self.separate();
        }
    }

    fn separate(&mut self) {
        if let Some(p) = self.current.as_mut() {
            if !p.text.trim().is_empty() && !p.text.ends_with("\n\n") {
                p.text.push_str("\n\n");
            }
        }
    }

    fn flush(&mut self) {
        if let Some(mut p) = self.current.take() {
            p.text = tidy(&p.text);
            p.lines = vec![(0, p.line)];
            if !p.text.is_empty() {
                self.blocks.push(Block::Para(p));
            }
        }
    }
}

/// Whitespace collapsed inside each line (`<br>`, paragraph of a quote), empty lines dropped.
fn tidy(text: &str) -> String {
    text.split('\n')
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Byte offsets of the start tags in `src`, by lower-case element name, in source order.
fn tag_offsets(src: &str) -> HashMap<String, Vec<usize>> {
    let b = src.as_bytes();
    let mut out: HashMap<String, Vec<usize>> = HashMap::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'<' {
            i += 1;
            continue;
        }
        if b[i..].starts_with(b"<!--") {
            i = src
                .get(i + 4..)
                .and_then(|rest| rest.find("-->"))
                .map_or(b.len(), |e| i + 4 + e + 3);
            continue;
        }
        let name_len = b[i + 1..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric())
            .count();
        if name_len == 0 || !b[i + 1].is_ascii_alphabetic() {
            i += 1;
            continue;
        }
        // ASCII letters and digits: a char boundary on both sides.
        let name = src[i + 1..i + 1 + name_len].to_ascii_lowercase();
        out.entry(name.clone()).or_default().push(i);
        i += 1 + name_len;
        if RAW_TEXT.contains(&name.as_str()) {
            i = end_tag(b, i, name.as_bytes()).unwrap_or(b.len());
        }
    }
    out
}

/// Where `</name` (any case) next starts in `b` from `from`.
fn end_tag(b: &[u8], from: usize, name: &[u8]) -> Option<usize> {
    let mut at = from;
    loop {
        let lt = at + b.get(at..)?.iter().position(|&c| c == b'<')?;
        let tag = b.get(lt + 1..)?;
        if tag.first() == Some(&b'/')
            && tag
                .get(1..1 + name.len())
                .is_some_and(|n| n.eq_ignore_ascii_case(name))
        {
            return Some(lt);
        }
        at = lt + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_title_date_and_lines() {
        let html = "<!doctype html>\n<html><head><title>Site | Post</title>\n<meta property=\"article:published_time\" content=\"2020-01-03T09:00:00Z\">\n<script>var s = '<p>';</script></head>\n<body>\n<!-- <p> not this -->\n<h1>Iraq Weekly Update: December 27th to January 2nd</h1>\n<h2>January 27th</h2>\n<p>According to <a href=\"https://www.reuters.com/x\">Reuters</a></p>\n<blockquote>\n  <p>One official   said the\n  United States was looking.</p>\n  <p>Second paragraph here.</p>\n</blockquote>\n<div>Loose text in a div<br>second line</div>\n</body></html>";
        let (doc, _) = read(html);
        assert_eq!(
            doc.title.as_deref(),
            Some("Iraq Weekly Update: December 27th to January 2nd")
        );
        assert_eq!(doc.date, chrono::NaiveDate::from_ymd_opt(2020, 1, 3));
        assert!(
            matches!(&doc.blocks[1], Block::Heading { text, line: 8 } if text == "January 27th")
        );
        let Block::Para(lead) = &doc.blocks[2] else {
            panic!("{:?}", doc.blocks)
        };
        assert_eq!((lead.text.as_str(), lead.line), ("According to Reuters", 9));
        assert_eq!(lead.links[0].host_str(), Some("www.reuters.com"));
        let Block::Para(q) = &doc.blocks[3] else {
            panic!("{:?}", doc.blocks)
        };
        assert!(q.quoted);
        assert_eq!(
            q.text,
            "One official said the United States was looking.\nSecond paragraph here."
        );
        assert_eq!(q.line, 11);
        let Block::Para(div) = &doc.blocks[4] else {
            panic!("{:?}", doc.blocks)
        };
        assert_eq!(div.text, "Loose text in a div\nsecond line");
        assert_eq!(div.line, 15);
    }

    #[test]
    fn elements_deeper_than_the_limit_are_flattened() {
        let depth = crate::limits::MAX_DEPTH + 100;
        let html = format!(
            "<p>before</p>{}<p>inner one</p><p>inner two</p>{}<p>after</p>",
            "<blockquote>".repeat(depth),
            "</blockquote>".repeat(depth)
        );
        let (doc, _) = read(&html);
        let texts: Vec<(&str, bool)> = doc
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Para(p) => Some((p.text.as_str(), p.quoted)),
                Block::Heading { .. } => None,
            })
            .collect();
        // The paragraphs below the limit are one line: their boundaries are flattened away.
        assert_eq!(
            texts,
            vec![
                ("before", false),
                ("inner one inner two", true),
                ("after", false)
            ]
        );
    }

    #[test]
    fn a_title_of_many_text_nodes() {
        let html = format!("<svg><title>{}</title></svg>", "<b> x </b>".repeat(3));
        assert_eq!(read(&html).0.title.as_deref(), Some("x x x"));
    }

    #[test]
    fn tag_counter_is_safe() {
        for t in [
            "<",
            "<!--",
            "<p",
            "<script>",
            "é<é",
            "<1>",
            "<a\u{0}>",
            "<script></",
            "<P",
        ] {
            let _ = tag_offsets(t);
        }
        let tags = tag_offsets("<P>a<SCRIPT>var p = '<p>';</Script><p>b<!-- <p> -->");
        assert_eq!(tags["p"], [0, 35]);
        assert_eq!(tags["script"], [4]);
    }
}
