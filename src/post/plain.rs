//! Posts as plain text, the way they come out of a blog editor's "copy": no marks, links only
//! where written out ("According to Reuters (https://…):"), paragraphs separated by blank
//! lines.
//!
//! The title is a short first line; a line that is only a date is a day heading; everything
//! else is a paragraph (consecutive lines are one paragraph, kept as lines joined by `\n`). A
//! paragraph whose first line is a lead-in ("According to Reuters") is split after it, so that
//! the lines after it become the quotation. Deciding what a lead-in is and what follows it
//! happens in `mod.rs` and `attribution.rs`, not here.

use super::{attribution, dates, front, Block, Doc, Para};

/// A first line longer than this (in words or bytes) is prose, not a title.
const MAX_TITLE_WORDS: usize = 20;
const MAX_TITLE_BYTES: usize = 400;

pub(super) fn read(text: &str) -> Doc {
    let front = front::split(text);
    let body_start = front.as_ref().map_or(0, |f| f.body);
    let mut doc = Doc {
        title: front.as_ref().and_then(|f| f.title.clone()),
        date: front.as_ref().and_then(|f| f.date),
        lead_marks_quote: true,
        ..Doc::default()
    };
    let first_line = text
        .get(..body_start)
        .map_or(0, |h| h.matches('\n').count())
        + 1;
    let body = text.get(body_start..).unwrap_or("");

    let mut paragraphs: Vec<Vec<(usize, &str)>> = Vec::new();
    let mut current = Vec::new();
    for (i, line) in body.split('\n').enumerate() {
        let line = line.trim();
        if line.is_empty() {
            if !current.is_empty() {
                paragraphs.push(std::mem::take(&mut current));
            }
        } else {
            current.push((first_line + i, line));
        }
    }
    if !current.is_empty() {
        paragraphs.push(current);
    }

    let mut rest = paragraphs.as_slice();
    if doc.title.is_none() {
        if let Some((first, tail)) = rest.split_first() {
            if let [(_, line)] = first.as_slice() {
                if is_title(line) {
                    doc.title = Some((*line).to_string());
                    rest = tail;
                }
            }
        }
    }
    for lines in rest {
        match lines.as_slice() {
            [(line, text)] if dates::day_only(text).is_some() => doc.blocks.push(Block::Heading {
                text: (*text).to_string(),
                line: *line,
            }),
            [(line, text), more @ ..] if !more.is_empty() && attribution::lead(text).is_some() => {
                doc.blocks.push(Block::Para(paragraph(&[(*line, text)])));
                doc.blocks.push(Block::Para(paragraph(more)));
            }
            all => doc.blocks.push(Block::Para(paragraph(all))),
        }
    }
    doc
}

fn is_title(line: &str) -> bool {
    if line.len() > MAX_TITLE_BYTES {
        return false;
    }
    let words = line.split_whitespace().count();
    words <= MAX_TITLE_WORDS
        && !line.ends_with(['.', '!', '?', ',', ';'])
        && dates::day_only(line).is_none()
        && attribution::lead(line).is_none()
}

fn paragraph(lines: &[(usize, &str)]) -> Para {
    let mut para = Para {
        line: lines.first().map_or(1, |(l, _)| *l),
        ..Para::default()
    };
    for (line, text) in lines {
        if !para.text.is_empty() {
            para.text.push('\n');
        }
        para.lines.push((para.text.len(), *line));
        para.text.push_str(text);
        for link in bare_links(text) {
            if para.links.len() < super::MAX_PARA_LINKS {
                para.links.push(link);
            }
        }
    }
    para
}

/// The http(s) links written out in a line: "https://…", "(https://…):", "<https://…>".
fn bare_links(line: &str) -> impl Iterator<Item = url::Url> + '_ {
    line.split(|c: char| c.is_whitespace() || matches!(c, '(' | '<' | '['))
        .filter(|w| w.starts_with("http://") || w.starts_with("https://"))
        .filter_map(|w| {
            let w = w.trim_end_matches(|c: char| {
                matches!(
                    c,
                    ')' | '>' | ']' | '.' | ',' | ':' | ';' | '!' | '?' | '"' | '\'' | '”' | '’'
                )
            });
            url::Url::parse(w).ok()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_headings_and_split_lead() {
        let doc = read("Weekly: Dec 27 to Jan 2\r\n\r\nJan 1\r\n\r\nAccording to Reuters:\r\nThe quote, line one.\r\nLine two.\r\n");
        assert_eq!(doc.title.as_deref(), Some("Weekly: Dec 27 to Jan 2"));
        assert!(matches!(&doc.blocks[0], Block::Heading { text, line: 3 } if text == "Jan 1"));
        let Block::Para(lead) = &doc.blocks[1] else {
            panic!("{:?}", doc.blocks)
        };
        assert_eq!(
            (lead.text.as_str(), lead.line),
            ("According to Reuters:", 5)
        );
        let Block::Para(quote) = &doc.blocks[2] else {
            panic!("{:?}", doc.blocks)
        };
        assert_eq!(quote.text, "The quote, line one.\nLine two.");
        assert_eq!(quote.line, 6);
        assert_eq!(quote.line_at(quote.text.find("Line two").unwrap()), 7);
    }

    #[test]
    fn links_written_out_are_links() {
        let doc = read("According to Reuters (https://www.reuters.com/a?id=1):\nThe quote. See <http://b.example/x>, or https://c.example.\n");
        let Block::Para(lead) = &doc.blocks[0] else {
            panic!("{:?}", doc.blocks)
        };
        let links: Vec<&str> = lead.links.iter().map(url::Url::as_str).collect();
        assert_eq!(links, ["https://www.reuters.com/a?id=1"]);
        let Block::Para(quote) = &doc.blocks[1] else {
            panic!("{:?}", doc.blocks)
        };
        let links: Vec<&str> = quote.links.iter().map(url::Url::as_str).collect();
        assert_eq!(links, ["http://b.example/x", "https://c.example/"]);
    }

    #[test]
    fn front_matter_lines_count() {
        let doc =
            read("---\ndate: 2020-01-03\n---\nA long first sentence of the post, not a title.\n");
        assert_eq!(doc.title, None);
        assert!(matches!(&doc.blocks[0], Block::Para(p) if p.line == 4));
    }
}
