//! HTML fragments from feeds (descriptions, `content:encoded`) to plain text.
//!
//! Paragraph-level elements become paragraphs separated by a blank line; white space inside a
//! paragraph is collapsed; scripts and styles are dropped. The fragment is bounded first
//! (`html_bounds`) and walked without recursion, so no input can exhaust the stack. This is
//! for feed content (and the article extractor's chosen body): whole article pages go through
//! the article extractor, not through here.

use scraper::{Html, Node};

use super::html_bounds;

const BLOCKS: &[&str] = &[
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "table",
    "tr",
    "section",
    "article",
    "figure",
    "figcaption",
    "header",
    "footer",
    "hr",
    "dd",
    "dt",
];
const SKIP: &[&str] = &["script", "style", "noscript", "template", "iframe"];

/// Plain text of an HTML fragment, paragraphs separated by "\n\n".
pub fn html_to_text(html: &str) -> String {
    if !html.contains('<') && !html.contains('&') {
        return collapse(html);
    }
    let bounded = html_bounds::bound(html);
    let doc = Html::parse_fragment(&bounded.html);
    let mut paragraphs = Vec::new();
    let mut current = String::new();
    let is_block = |n: &Node| n.as_element().is_some_and(|e| BLOCKS.contains(&e.name()));
    // Depth first by first children, next siblings and parents: no recursion.
    let root = *doc.root_element();
    let mut next = root.first_child();
    'walk: while let Some(node) = next {
        let value = node.value();
        match value {
            Node::Text(text) => current.push_str(text),
            _ if is_block(value) => flush(&mut current, &mut paragraphs),
            _ => {}
        }
        let skip = value.as_element().is_some_and(|e| SKIP.contains(&e.name()));
        if let Some(child) = node.first_child().filter(|_| !skip) {
            next = Some(child);
            continue;
        }
        // Close `node`, then every ancestor it is the last descendant of.
        let mut at = node;
        loop {
            if is_block(at.value()) {
                flush(&mut current, &mut paragraphs);
            }
            if let Some(sibling) = at.next_sibling() {
                next = Some(sibling);
                continue 'walk;
            }
            match at.parent() {
                Some(parent) if parent != root => at = parent,
                _ => break 'walk,
            }
        }
    }
    flush(&mut current, &mut paragraphs);
    paragraphs.join("\n\n")
}

fn flush(current: &mut String, paragraphs: &mut Vec<String>) {
    let text = collapse(current);
    if !text.is_empty() {
        paragraphs.push(text);
    }
    current.clear();
}

/// Collapses runs of white space (but not no-break spaces) to one space and trims the ends.
fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    if s.is_ascii() {
        // The common case, byte by byte: ASCII white space is all there is to collapse.
        for word in s.split_ascii_whitespace() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
        }
        return out;
    }
    for word in s.split(|c: char| c.is_whitespace() && c != '\u{a0}') {
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_and_entities() {
        let t = html_to_text(
            "<p>“We will respond,” he said.</p>\n<p>Second &amp; last<br>line <script>x()</script></p>",
        );
        assert_eq!(t, "“We will respond,” he said.\n\nSecond & last\n\nline");
        assert_eq!(html_to_text("  plain   text "), "plain text");
    }

    #[test]
    fn deep_fragments_keep_their_text() {
        let n = 100_000;
        let html = format!("{}deep{}", "<div>".repeat(n), "</div>".repeat(n));
        assert_eq!(html_to_text(&html), "deep");
        let html = format!("<p>a</p>{}b", "<span>".repeat(n));
        assert_eq!(html_to_text(&html), "a\n\nb");
        assert_eq!(
            html_to_text("<p>x<script>var s = '<p>no</p>';</script>y</p>"),
            "xy"
        );
    }
}
