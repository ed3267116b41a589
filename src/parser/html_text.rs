//! HTML fragments from feeds (descriptions, `content:encoded`) to plain text.
//!
//! Paragraph-level elements become paragraphs separated by a blank line; white space inside a
//! paragraph is collapsed; scripts and styles are dropped. This is for feed content only:
//! whole article pages go through the article extractor, not through here.

use scraper::{ElementRef, Html, Node};

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
    let doc = Html::parse_fragment(html);
    let mut paragraphs = Vec::new();
    let mut current = String::new();
    walk(doc.root_element(), &mut current, &mut paragraphs);
    flush(&mut current, &mut paragraphs);
    paragraphs.join("\n\n")
}

fn walk(element: ElementRef<'_>, current: &mut String, paragraphs: &mut Vec<String>) {
    for child in element.children() {
        match child.value() {
            Node::Text(text) => current.push_str(text),
            Node::Element(e) => {
                let name = e.name();
                if SKIP.contains(&name) {
                    continue;
                }
                let block = BLOCKS.contains(&name);
                if block {
                    flush(current, paragraphs);
                }
                if let Some(child) = ElementRef::wrap(child) {
                    walk(child, current, paragraphs);
                }
                if block {
                    flush(current, paragraphs);
                }
            }
            _ => {}
        }
    }
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
}
