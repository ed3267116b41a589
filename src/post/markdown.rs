//! Posts in Markdown (CommonMark, read with pulldown-cmark): front matter, headings,
//! paragraphs, list items and block quotes, with links kept and the rest of the markup
//! dropped.
//!
//! Each block quote (with everything nested in it) becomes one quoted paragraph whose
//! paragraphs are joined by `\n`; soft line breaks become spaces. Code blocks, raw HTML and
//! image alt text are skipped. Line numbers come from the parser's source offsets. This file
//! does not interpret the text (dates, lead-ins): that is `mod.rs`'s job.
//!
//! The walk is over pulldown-cmark's flat event stream (no recursion, and pulldown-cmark
//! itself is linear on deep nesting: `>`, `[`, `*` or `- ` 400,000 deep parse in well under a
//! second). Containers (block quotes, lists, items) nested deeper than `limits::MAX_DEPTH` are
//! flattened: their starts and ends are ignored, so their text joins the enclosing block.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use url::Url;

use super::{front, Block, Doc, LineIndex, Para};

pub(super) fn read(text: &str) -> Doc {
    let front = front::split(text);
    let mut doc = Doc {
        title: front.as_ref().and_then(|f| f.title.clone()),
        date: front.as_ref().and_then(|f| f.date),
        ..Doc::default()
    };
    let want_title = doc.title.is_none();
    let mut r = Reader {
        lines: LineIndex::new(text),
        blocks: Vec::new(),
        current: None,
        quote_depth: 0,
        depth: 0,
        flattened: 0,
        heading: false,
        skip: 0,
        title: None,
    };
    let options = Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS;
    for (event, range) in Parser::new_ext(text, options).into_offset_iter() {
        r.event(event, range.start);
    }
    r.flush();
    if want_title {
        doc.title = r.title.filter(|t| !t.is_empty());
    }
    doc.blocks = r.blocks;
    doc
}

struct Reader {
    lines: LineIndex,
    blocks: Vec<Block>,
    /// The paragraph, heading or block quote being collected.
    current: Option<Para>,
    quote_depth: usize,
    /// Containers open (block quotes, lists, items), up to `limits::MAX_DEPTH`.
    depth: usize,
    /// Containers open beyond that depth, whose starts and ends are ignored.
    flattened: usize,
    heading: bool,
    /// Inside something whose text is not read (code block, image, metadata block).
    skip: usize,
    /// The first level-1 heading.
    title: Option<String>,
}

impl Reader {
    fn event(&mut self, event: Event, at: usize) {
        let container = matches!(
            event,
            Event::Start(Tag::BlockQuote(_) | Tag::List(_) | Tag::Item)
        );
        if container {
            if self.depth >= crate::limits::MAX_DEPTH {
                self.flattened += 1;
                return;
            }
            self.depth += 1;
        } else if matches!(
            event,
            Event::End(TagEnd::BlockQuote(_) | TagEnd::List(_) | TagEnd::Item)
        ) {
            if self.flattened > 0 {
                self.flattened -= 1;
                return;
            }
            self.depth = self.depth.saturating_sub(1);
        }
        match event {
            Event::Start(Tag::BlockQuote(_)) => {
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
            }
            Event::End(TagEnd::BlockQuote(_)) => {
                self.quote_depth = self.quote_depth.saturating_sub(1);
                if self.quote_depth == 0 {
                    self.flush();
                }
            }
            Event::Start(Tag::Heading { level, .. }) => {
                self.boundary();
                if self.quote_depth == 0 {
                    self.heading = true;
                    if level == pulldown_cmark::HeadingLevel::H1 && self.title.is_none() {
                        self.title = Some(String::new());
                    }
                }
            }
            Event::End(TagEnd::Heading(level)) => {
                if self.quote_depth == 0 {
                    let text = self.current.take().map(|p| p.text).unwrap_or_default();
                    if level == pulldown_cmark::HeadingLevel::H1
                        && self.title.as_deref() == Some("")
                    {
                        self.title = Some(text.clone());
                    }
                    let line = self.lines.line(at);
                    self.blocks.push(Block::Heading { text, line });
                    self.heading = false;
                } else {
                    self.boundary();
                }
            }
            Event::Start(Tag::CodeBlock(_) | Tag::Image { .. } | Tag::MetadataBlock(_)) => {
                self.boundary();
                self.skip += 1;
            }
            Event::End(TagEnd::CodeBlock | TagEnd::Image | TagEnd::MetadataBlock(_)) => {
                self.skip = self.skip.saturating_sub(1);
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                // A paragraph's first few links are kept: a post of 200,000 links keeps a few.
                let full = self
                    .current
                    .as_ref()
                    .is_some_and(|p| p.links.len() >= super::MAX_PARA_LINKS);
                if !full {
                    if let Ok(url) = Url::parse(&dest_url) {
                        if matches!(url.scheme(), "http" | "https") {
                            self.para(at).links.push(url);
                        }
                    }
                }
            }
            Event::Start(
                Tag::Paragraph | Tag::Item | Tag::List(_) | Tag::HtmlBlock | Tag::Table(_),
            )
            | Event::End(
                TagEnd::Paragraph
                | TagEnd::Item
                | TagEnd::List(_)
                | TagEnd::HtmlBlock
                | TagEnd::TableRow
                | TagEnd::TableCell,
            ) => self.boundary(),
            Event::Text(t) | Event::Code(t) if self.skip == 0 => self.push(&t, at),
            Event::SoftBreak if self.skip == 0 => self.push(" ", at),
            Event::HardBreak if self.skip == 0 => self.push("\n", at),
            _ => {}
        }
    }

    /// The paragraph being collected, started at `at` if there is none.
    fn para(&mut self, at: usize) -> &mut Para {
        let line = self.lines.line(at);
        let para = self.current.get_or_insert_with(Para::default);
        if para.line == 0 {
            para.line = line;
        }
        para
    }

    fn push(&mut self, text: &str, at: usize) {
        let line = self.lines.line(at);
        let para = self.para(at);
        let text = if para.text.is_empty() || para.text.ends_with('\n') {
            text.trim_start()
        } else {
            text
        };
        if text.is_empty() {
            return;
        }
        if para.text.trim().is_empty() {
            para.text.clear();
            para.line = line;
        }
        para.lines.push((para.text.len(), line));
        para.text.push_str(text);
    }

    /// The end of a block: outside a quote, the paragraph is done; inside one, a new
    /// paragraph of the quote starts.
    fn boundary(&mut self) {
        if self.quote_depth == 0 {
            if !self.heading {
                self.flush();
            }
        } else {
            self.separate();
        }
    }

    fn separate(&mut self) {
        if let Some(p) = self.current.as_mut() {
            let trimmed = p.text.trim_end().len();
            p.text.truncate(trimmed);
            if !p.text.is_empty() {
                p.text.push('\n');
            }
        }
    }

    fn flush(&mut self) {
        if let Some(mut p) = self.current.take() {
            let trimmed = p.text.trim_end().len();
            p.text.truncate(trimmed);
            if !p.text.is_empty() {
                self.blocks.push(Block::Para(p));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paras(doc: &Doc) -> Vec<(&str, usize, bool)> {
        doc.blocks
            .iter()
            .filter_map(|b| match b {
                Block::Para(p) => Some((p.text.as_str(), p.line, p.quoted)),
                Block::Heading { .. } => None,
            })
            .collect()
    }

    #[test]
    fn quotes_headings_links_and_lines() {
        let md = "---\ntitle: T\ndate: 2020-01-03\n---\n# Big title\n\n## December 27th\n\nAccording to [Reuters](https://www.reuters.com/a),\nwrapped.\n\n> First *para* of the quote.\n>\n> Second para.\n\n```\ncode is skipped\n```\n\n- item one is here\n";
        let doc = read(md);
        assert_eq!(doc.title.as_deref(), Some("T"));
        assert!(
            matches!(&doc.blocks[1], Block::Heading { text, line: 7 } if text == "December 27th")
        );
        assert_eq!(
            paras(&doc),
            vec![
                ("According to Reuters, wrapped.", 9, false),
                ("First para of the quote.\nSecond para.", 12, true),
                ("item one is here", 20, false),
            ]
        );
        let Block::Para(lead) = &doc.blocks[2] else {
            panic!()
        };
        assert_eq!(lead.links[0].as_str(), "https://www.reuters.com/a");
        let Block::Para(quote) = &doc.blocks[3] else {
            panic!()
        };
        assert_eq!(quote.line_at(quote.text.find("Second").unwrap()), 14);
    }

    #[test]
    fn containers_deeper_than_the_limit_are_flattened() {
        let depth = crate::limits::MAX_DEPTH + 50;
        let md = format!(
            "{}deep text here\n\n{}- item text\n",
            ">".repeat(depth),
            "- ".repeat(depth)
        );
        let doc = read(&md);
        assert_eq!(
            paras(&doc),
            vec![("deep text here", 1, true), ("item text", 3, false)]
        );
    }

    #[test]
    fn only_the_first_few_http_links_are_kept() {
        let doc = read("[a](https://a.example/) [b](https://b.example/) [c](ftp://c/)\n");
        let Block::Para(p) = &doc.blocks[0] else {
            panic!()
        };
        let hosts: Vec<_> = p.links.iter().map(|l| l.host_str()).collect();
        assert_eq!(hosts, [Some("a.example"), Some("b.example")]);
        let many = "[x](https://x.example/) ".repeat(1000);
        let doc = read(&many);
        let Block::Para(p) = &doc.blocks[0] else {
            panic!()
        };
        assert_eq!(p.links.len(), super::super::MAX_PARA_LINKS);
    }

    #[test]
    fn title_from_first_h1() {
        let doc = read("# The *Title*\n\ntext here\n");
        assert_eq!(doc.title.as_deref(), Some("The Title"));
    }
}
