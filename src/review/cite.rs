//! Citations in a digest's own convention: an "According to [Outlet](url)" line, then the
//! passage that holds the quotation as a block quote, copied word for word from the story so
//! that `verify` finds it verbatim. The speaker is named in the lead line when the passage
//! itself does not name them ("he said").
//!
//! This module formats; finding the quotation and its story is the caller's.

use crate::quotes::Quote;

/// The form a citation is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Markdown,
    Html,
    Text,
}

/// What a citation says.
#[derive(Debug, Clone)]
pub struct Citation {
    /// The outlet's name as the post should print it ("Reuters").
    pub outlet: String,
    pub url: Option<String>,
    /// The speaker to name in the lead line, if the passage does not name them.
    pub speaker: Option<String>,
    /// The passage's paragraphs, as in the story.
    pub paragraphs: Vec<String>,
}

impl Citation {
    /// The citation of `quote` in `text`, the story text its offsets point into.
    pub fn new(outlet: &str, url: Option<&str>, text: &str, quote: &Quote) -> Citation {
        let paragraphs = passage(text, quote.start, quote.end);
        let joined = paragraphs.join(" ");
        let speaker = quote
            .speaker
            .as_deref()
            .filter(|s| !names(&joined, s))
            .map(str::to_string);
        Citation {
            outlet: outlet.to_string(),
            url: url.map(str::to_string),
            speaker,
            paragraphs,
        }
    }

    pub fn render(&self, format: Format) -> String {
        let said = self
            .speaker
            .as_deref()
            .map(|s| format!(", {s} said"))
            .unwrap_or_default();
        match format {
            Format::Markdown => {
                let outlet = match &self.url {
                    Some(u) => format!(
                        "[{}]({})",
                        self.outlet.replace('[', "\\[").replace(']', "\\]"),
                        u.replace('(', "%28")
                            .replace(')', "%29")
                            .replace(' ', "%20")
                    ),
                    None => self.outlet.clone(),
                };
                let body: Vec<String> = self
                    .paragraphs
                    .iter()
                    .map(|p| format!("> {}", markdown_line(p)))
                    .collect();
                format!("According to {outlet}{said}:\n\n{}\n", body.join("\n>\n"))
            }
            Format::Html => {
                let name = html_escape::encode_text(&self.outlet);
                let outlet = match &self.url {
                    Some(u) => format!(
                        "<a href=\"{}\">{name}</a>",
                        html_escape::encode_double_quoted_attribute(u)
                    ),
                    None => name.into_owned(),
                };
                let said = html_escape::encode_text(&said);
                let body: String = self
                    .paragraphs
                    .iter()
                    .map(|p| format!("<p>{}</p>\n", html_escape::encode_text(p)))
                    .collect();
                format!("<p>According to {outlet}{said}:</p>\n<blockquote>\n{body}</blockquote>\n")
            }
            Format::Text => {
                let url = self
                    .url
                    .as_deref()
                    .map(|u| format!(" ({u})"))
                    .unwrap_or_default();
                format!(
                    "According to {}{url}{said}:\n\n{}\n",
                    self.outlet,
                    self.paragraphs.join("\n\n")
                )
            }
        }
    }
}

/// The paragraphs of `text` that chars `start..end` fall in, trimmed.
pub fn passage(text: &str, start: usize, end: usize) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    if start >= chars.len() {
        return Vec::new();
    }
    let end = end.clamp(start, chars.len());
    let from = chars[..start]
        .iter()
        .rposition(|&c| c == '\n')
        .map_or(0, |i| i + 1);
    let to = chars[end..]
        .iter()
        .position(|&c| c == '\n')
        .map_or(chars.len(), |i| end + i);
    chars[from..to]
        .iter()
        .collect::<String>()
        .split('\n')
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect()
}

/// Whether `passage` names `speaker`: the full form, or its last word (a surname) for a name.
fn names(passage: &str, speaker: &str) -> bool {
    if passage.contains(speaker) {
        return true;
    }
    let words: Vec<&str> = speaker.split_whitespace().collect();
    let is_name = words.len() >= 2 && words.iter().all(|w| w.starts_with(char::is_uppercase));
    is_name
        && words.last().is_some_and(|last| {
            passage
                .split(|c: char| !c.is_alphanumeric() && c != '-')
                .any(|w| w == *last)
        })
}

/// A paragraph as a Markdown line that reads as itself: a start Markdown would take for a
/// heading, list or quote is escaped.
fn markdown_line(p: &str) -> String {
    if p.starts_with(['#', '>', '-', '+', '*', '=']) {
        return format!("\\{p}");
    }
    // "1. " or "1) " would start an ordered list: escape the delimiter.
    let digits = p.chars().take_while(char::is_ascii_digit).count();
    if (1..=9).contains(&digits) && p[digits..].starts_with(['.', ')']) {
        return format!("{}\\{}", &p[..digits], &p[digits..]);
    }
    p.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quotes::Kind;

    fn quote(text: &str, whole: &str, speaker: Option<&str>) -> Quote {
        let start = whole.find(text).map_or(0, |b| whole[..b].chars().count());
        Quote {
            text: text.into(),
            start,
            end: start + text.chars().count(),
            kind: Kind::Direct,
            speaker: speaker.map(str::to_string),
            speaker_as_written: None,
            cue: None,
        }
    }

    const STORY: &str = "Intro line.\n\n“We will respond,” he said on Sunday.\n\nMark Esper said the strikes were “successful”.\n\nLast.";

    #[test]
    fn markdown_names_a_speaker_the_passage_does_not() {
        let q = quote("We will respond,", STORY, Some("Mark Esper"));
        let c = Citation::new("Reuters", Some("https://r.example/a(1)"), STORY, &q);
        assert_eq!(
            c.render(Format::Markdown),
            "According to [Reuters](https://r.example/a%281%29), Mark Esper said:\n\n> “We will respond,” he said on Sunday.\n"
        );
    }

    #[test]
    fn a_passage_that_names_the_speaker_needs_no_lead_name() {
        let q = quote("successful", STORY, Some("Mark Esper"));
        let c = Citation::new("Reuters", None, STORY, &q);
        assert_eq!(
            c.render(Format::Text),
            "According to Reuters:\n\nMark Esper said the strikes were “successful”.\n"
        );
    }

    #[test]
    fn html_is_escaped() {
        let q = quote("successful", STORY, None);
        let c = Citation::new("A & B", Some("https://x.example/?a=1&b=\"2\""), STORY, &q);
        let html = c.render(Format::Html);
        assert!(html.starts_with("<p>According to <a href=\"https://x.example/?a=1&amp;b=&quot;2&quot;\">A &amp; B</a>:</p>\n<blockquote>\n<p>"), "{html}");
    }

    #[test]
    fn passages_span_paragraphs_and_survive_bad_offsets() {
        let text = "a\n\n“One.\n\n“Two,” she said.\n\nz";
        let start = 3;
        let end = text.chars().count() - 3;
        assert_eq!(passage(text, start, end), ["“One.", "“Two,” she said."]);
        assert_eq!(passage(text, 999, 5), Vec::<String>::new());
    }

    #[test]
    fn markdown_escapes_block_starts() {
        assert_eq!(markdown_line("1. first"), "1\\. first");
        assert_eq!(markdown_line("- x"), "\\- x");
        assert_eq!(markdown_line("2019 was long."), "2019 was long.");
    }
}
