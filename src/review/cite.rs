//! Citations in a digest's own convention: an "According to [Outlet](url)" line, then the
//! passage that holds the quotation as a block quote, copied word for word from the story so
//! that `verify` finds it verbatim.
//!
//! What a citation says is only what the store can back, so that the post it is pasted into
//! verifies clean:
//!
//! - **The link** is the page's own address (`link`): its canonical URL (`<link
//!   rel=canonical>`, JSON-LD, og:url, or the address a redirect led to, as stored in the
//!   story's article metadata), normalised like a story's URL; the story's URL only when the
//!   page named none, or named another outlet's page (a syndicated copy's canonical is its
//!   original's) or a site's front page. Never a feed's tracking or redirect link.
//! - **The speaker** is named in the lead line ("According to [Reuters](url), Mark Esper
//!   said:") only when the passage does not name them itself (`names`: the full name or role
//!   phrase, or a surname however it is written: "Esper", "Esper's", "Secretary Esper",
//!   "al-Sistani" for "Ali al-Sistani"), and only when every quotation the passage holds is that
//!   speaker's: the name is then the stored speaker, word for word.
//! - **Every citation ends with a blank line**, so that citations appended one at a time
//!   (`quotewire quotes cite ID >> post.md`) stay separate blocks: in Markdown a line after a
//!   block quote with no blank line between is folded into the quote, in plain text a
//!   paragraph runs on until a blank line. A plain-text passage of several paragraphs is
//!   written as consecutive lines, one paragraph, which a plain-text post reads as the one
//!   quotation after its "According to" line.
//! - **Markdown marks in the passage are escaped** (`*`, `_`, `[`, a line starting "1." ...), so
//!   that the post shows, and `verify` reads, the story's characters.
//!
//! This module formats; finding the quotation and its story is the caller's (`of_found` reads
//! what a found quotation's citation needs from the store).

use crate::config::Config;
use crate::quotes::Quote;
use crate::store::{Store, StoreError};
use crate::story::url::normalise_str;
use crate::story::Story;

/// The citation of a quotation found in the store (`review::find`), with the link it gives:
/// the outlet named as feeds.toml names it (its id without a config), the page's own link,
/// the story's other quotations read for the lead line. Shared by `quotes cite` and the desk.
pub fn of_found(
    store: &Store,
    found: &super::Found,
    config: Option<&Config>,
) -> Result<Citation, StoreError> {
    let text = store.text(&found.story)?.unwrap_or_default();
    let quotes = super::refresh(store, &found.story.id, &text)?.quotes;
    let owner = |host: &str| {
        config
            .and_then(|c| c.outlet_for_host(host))
            .map(|o| o.id.clone())
    };
    let outlet = config
        .and_then(|c| c.outlet(&found.story.outlet))
        .map_or(found.story.outlet.as_str(), |o| o.name.as_str());
    let url = link(&found.story, owner);
    Ok(Citation::new(
        outlet,
        url.as_deref(),
        &text,
        &found.quote.quote,
        quotes.iter().map(|q| &q.quote),
    ))
}

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
    /// The citation of `quote` in `text`, the story text its offsets point into. `story_quotes`
    /// are the story's quotations (`quote` among them or not): the lead line names no speaker
    /// when the passage holds a quotation of someone else.
    pub fn new<'q>(
        outlet: &str,
        url: Option<&str>,
        text: &str,
        quote: &Quote,
        story_quotes: impl IntoIterator<Item = &'q Quote>,
    ) -> Citation {
        let (range, paragraphs) = passage_at(text, quote.start, quote.end);
        // The passage around the quotation's own words: "Iran" inside “Iran will respond,”
        // does not say who spoke.
        let around: String = text
            .chars()
            .skip(range.0)
            .take(range.1 - range.0)
            .enumerate()
            .map(|(i, c)| {
                let at = range.0 + i;
                if at >= quote.start && at < quote.end {
                    ' '
                } else {
                    c
                }
            })
            .collect();
        let speaker = quote
            .speaker
            .as_deref()
            .map(collapse)
            .filter(|s| !s.is_empty() && !is_pronoun(s))
            .filter(|s| !names(&around, s))
            .filter(|s| {
                // Another speaker's quotation in the same passage: naming this one in the lead
                // would attribute that one to them too.
                let mine = crate::review::fold(s);
                story_quotes
                    .into_iter()
                    .filter(|q| q.start < range.1 && q.end > range.0)
                    .filter_map(|q| q.speaker.as_deref())
                    .all(|other| crate::review::fold(other) == mine)
            });
        Citation {
            outlet: collapse(outlet),
            url: url.map(str::to_string),
            speaker,
            paragraphs,
        }
    }

    /// The citation as the post will hold it, ending with a blank line.
    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Markdown => {
                let name = markdown_text(&self.outlet);
                let outlet = match &self.url {
                    Some(u) => format!("[{name}]({})", markdown_url(u)),
                    None => name,
                };
                let said = self.said(markdown_text);
                let body: Vec<String> = self
                    .paragraphs
                    .iter()
                    .map(|p| format!("> {}", markdown_line(p)))
                    .collect();
                format!("According to {outlet}{said}:\n\n{}\n\n", body.join("\n>\n"))
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
                let said = self.said(|s| html_escape::encode_text(s).into_owned());
                let body: String = self
                    .paragraphs
                    .iter()
                    .map(|p| format!("<p>{}</p>\n", html_escape::encode_text(p)))
                    .collect();
                format!(
                    "<p>According to {outlet}{said}:</p>\n<blockquote>\n{body}</blockquote>\n\n"
                )
            }
            Format::Text => {
                let url = self
                    .url
                    .as_deref()
                    .map(|u| format!(" ({u})"))
                    .unwrap_or_default();
                let said = self.said(str::to_string);
                format!(
                    "According to {}{url}{said}:\n\n{}\n\n",
                    self.outlet,
                    self.paragraphs.join("\n")
                )
            }
        }
    }

    /// ", SPEAKER said" for the lead line, the speaker written by `escape`; empty when the lead
    /// names no speaker.
    fn said(&self, escape: impl Fn(&str) -> String) -> String {
        self.speaker
            .as_deref()
            .map(|s| format!(", {} said", escape(s)))
            .unwrap_or_default()
    }
}

/// The address a citation of `story` links: the page's canonical URL as stored in its article
/// metadata, normalised (no fragment, no tracking parameters), when it is the page's own;
/// else the story's URL. `owner` gives the id of the outlet that owns a host (feeds.toml's
/// `domains`), if any.
///
/// A canonical URL is the page's own unless it is a site's front page, or it is on another
/// outlet's host (a syndicated copy naming its original), or it is on a host no outlet owns
/// while the story's own host is its outlet's (a page naming some other site's page).
pub fn link(story: &Story, owner: impl Fn(&str) -> Option<String>) -> Option<String> {
    let canonical = story
        .article
        .as_ref()
        .and_then(|a| a.meta.canonical_url.as_deref())
        .and_then(normalise_str);
    let page = story.url.as_deref().and_then(normalise_str);
    let own = |c: &url::Url| {
        let Some(host) = c.host_str() else {
            return false;
        };
        if c.path() == "/" && c.query().is_none() {
            return false;
        }
        let page_host = page.as_ref().and_then(|p| p.host_str());
        if page_host.is_some_and(|p| same_site(p, host)) {
            return true;
        }
        match owner(host) {
            Some(o) => o == story.outlet,
            None => page_host.and_then(&owner).as_deref() != Some(story.outlet.as_str()),
        }
    };
    match canonical {
        Some(c) if own(&c) => Some(c.to_string()),
        _ => story.url.clone(),
    }
}

/// Whether two hosts are one site: equal but for a leading "www.", or one a subdomain of the
/// other.
fn same_site(a: &str, b: &str) -> bool {
    let strip = |h: &str| {
        let h = h.trim_end_matches('.').to_ascii_lowercase();
        h.strip_prefix("www.").map(str::to_string).unwrap_or(h)
    };
    let (a, b) = (strip(a), strip(b));
    a == b || a.ends_with(&format!(".{b}")) || b.ends_with(&format!(".{a}"))
}

/// The paragraphs of `text` that chars `start..end` fall in, trimmed.
pub fn passage(text: &str, start: usize, end: usize) -> Vec<String> {
    passage_at(text, start, end).1
}

/// The char range from the start of the line holding `start` to the end of the one holding
/// `end` (offsets clamped to `chars`).
pub fn paragraph_bounds(chars: &[char], start: usize, end: usize) -> (usize, usize) {
    let start = start.min(chars.len());
    let end = end.clamp(start, chars.len());
    let from = chars[..start]
        .iter()
        .rposition(|&c| c == '\n')
        .map_or(0, |i| i + 1);
    let to = chars[end..]
        .iter()
        .position(|&c| c == '\n')
        .map_or(chars.len(), |i| end + i);
    (from, to)
}

/// `passage`, with the char range of `text` the paragraphs cover.
fn passage_at(text: &str, start: usize, end: usize) -> ((usize, usize), Vec<String>) {
    let chars: Vec<char> = text.chars().collect();
    if start >= chars.len() {
        return ((start, start), Vec::new());
    }
    let (from, to) = paragraph_bounds(&chars, start, end);
    let paragraphs = chars[from..to]
        .iter()
        .collect::<String>()
        .split('\n')
        .map(collapse)
        .filter(|p| !p.is_empty())
        .collect();
    ((from, to), paragraphs)
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

const PRONOUNS: &[&str] = &[
    "he", "she", "they", "it", "we", "i", "you", "him", "her", "them",
];

fn is_pronoun(s: &str) -> bool {
    PRONOUNS.iter().any(|p| s.eq_ignore_ascii_case(p))
}

/// Articles and numbers a role phrase may start with ("a coalition spokesman").
const DETERMINERS: &[&str] = &["a", "an", "the", "one", "another"];

/// Name particles that may be written joined to a surname ("al-Sistani") or not at all
/// ("Sistani").
const PARTICLES: &[&str] = &["al", "el", "ad", "ash", "as", "ar", "an", "at", "az"];

/// Words after a surname that are not the surname ("Jr.", "III").
const SUFFIXES: &[&str] = &["jr", "sr", "ii", "iii", "iv"];

/// Words of a text for matching names: letters and digits, with hyphens inside a word kept
/// ("al-Sistani"); apostrophes, quote marks and other punctuation separate words, so a
/// possessive ("Esper’s") gives the name and an "s".
fn tokens(s: &str) -> Vec<&str> {
    s.split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .map(|w| w.trim_matches('-'))
        .filter(|w| !w.is_empty())
        .collect()
}

/// A name's word without a particle joined to it: "al-Sistani" → "Sistani".
fn without_particle(w: &str) -> &str {
    match w.split_once('-') {
        Some((p, rest))
            if !rest.is_empty() && PARTICLES.iter().any(|x| p.eq_ignore_ascii_case(x)) =>
        {
            rest
        }
        _ => w,
    }
}

/// Whether `passage` names `speaker`, so that the lead line need not: the speaker's words in a
/// row (any case; a role phrase's leading article does not count: "the coalition spokesman"
/// names "a coalition spokesman"), or, for a name (capitalised words, particles allowed), its
/// surname as a capitalised word of its own: "Esper said", "Esper's", "Defense Secretary
/// Esper", "Sistani" or "al-Sistani" for "Ali al-Sistani". A name elsewhere in a word does not
/// count ("Iran" in "Iranian"), nor a lower-case word ("price" for "Mark Price").
pub fn names(passage: &str, speaker: &str) -> bool {
    let text = tokens(passage);
    let mut who = tokens(speaker);
    if who.len() > 1
        && who
            .first()
            .is_some_and(|w| DETERMINERS.iter().any(|d| w.eq_ignore_ascii_case(d)))
    {
        who.remove(0);
    }
    if who.is_empty() {
        return false;
    }
    let lower = |ws: &[&str]| ws.iter().map(|w| w.to_lowercase()).collect::<Vec<_>>();
    let (text_l, who_l) = (lower(&text), lower(&who));
    if text_l.windows(who_l.len()).any(|w| w == who_l.as_slice()) {
        return true;
    }
    let capital = |w: &str| w.chars().next().is_some_and(char::is_uppercase);
    let is_name = who.iter().all(|w| {
        capital(without_particle(w))
            || PARTICLES.iter().any(|p| w.eq_ignore_ascii_case(p))
            || ["bin", "bint", "ibn", "de", "da", "van", "von", "der", "of"].contains(w)
    });
    if !is_name {
        return false;
    }
    let Some(surname) = who
        .iter()
        .rev()
        .find(|w| !SUFFIXES.iter().any(|s| w.eq_ignore_ascii_case(s)))
        .map(|w| without_particle(w))
    else {
        return false;
    };
    // A one-letter "surname" is an initial, not a name.
    if surname.chars().count() < 2 {
        return false;
    }
    text.iter()
        .map(|w| without_particle(w))
        .any(|w| w == surname || (w.chars().count() > 1 && w == surname.to_uppercase()))
}

/// Text as Markdown that reads as itself: the characters Markdown would take for emphasis,
/// code, links, HTML or an entity are escaped.
fn markdown_text(p: &str) -> String {
    let mut out = String::with_capacity(p.len() + 8);
    for (i, c) in p.char_indices() {
        let escape = match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '~' => true,
            // "&amp;" or "&#39;" would be read as the character they name.
            '&' => {
                let rest = &p[i + 1..];
                let name = rest
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '#'))
                    .unwrap_or(rest.len());
                name > 0 && rest[name..].starts_with(';')
            }
            _ => false,
        };
        if escape {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A paragraph as a Markdown line that reads as itself: its marks escaped (`markdown_text`),
/// and a start Markdown would take for a heading, list or quote escaped too.
fn markdown_line(p: &str) -> String {
    let p = markdown_text(p);
    if p.starts_with(['#', '>', '-', '+', '=']) {
        return format!("\\{p}");
    }
    // "1. " or "1) " would start an ordered list: escape the delimiter.
    let digits = p.chars().take_while(char::is_ascii_digit).count();
    if (1..=9).contains(&digits) && p[digits..].starts_with(['.', ')']) {
        return format!("{}\\{}", &p[..digits], &p[digits..]);
    }
    p
}

/// A URL as a Markdown link destination: the characters that would end it or break it are
/// percent-encoded.
fn markdown_url(u: &str) -> String {
    u.replace('(', "%28")
        .replace(')', "%29")
        .replace(' ', "%20")
        .replace('<', "%3C")
        .replace('>', "%3E")
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
        let c = Citation::new("Reuters", Some("https://r.example/a(1)"), STORY, &q, [&q]);
        assert_eq!(
            c.render(Format::Markdown),
            "According to [Reuters](https://r.example/a%281%29), Mark Esper said:\n\n> “We will respond,” he said on Sunday.\n\n"
        );
    }

    #[test]
    fn a_passage_that_names_the_speaker_needs_no_lead_name() {
        let q = quote("successful", STORY, Some("Mark Esper"));
        let c = Citation::new("Reuters", None, STORY, &q, [&q]);
        assert_eq!(
            c.render(Format::Text),
            "According to Reuters:\n\nMark Esper said the strikes were “successful”.\n\n"
        );
    }

    #[test]
    fn no_lead_name_over_another_speakers_quotation() {
        let text = "“We will respond,” he said. “So will we,” the minister said.";
        let a = quote("We will respond,", text, Some("Mark Esper"));
        let b = quote("So will we,", text, Some("a defence minister"));
        let c = Citation::new("Reuters", None, text, &a, [&a, &b]);
        assert_eq!(c.speaker, None);
        // A name inside the quotation's own words does not say who spoke.
        let iran = quote(
            "Iran will respond,",
            "“Iran will respond,” he said.",
            Some("Iran"),
        );
        let c = Citation::new("R", None, "“Iran will respond,” he said.", &iran, [&iran]);
        assert_eq!(c.speaker.as_deref(), Some("Iran"));
        // Pronouns are never named.
        let he = quote("We will respond,", text, Some("he"));
        assert_eq!(Citation::new("R", None, text, &he, [&he]).speaker, None);
        // The same speaker twice is still named, as stored.
        let a2 = quote("So will we,", text, Some("Mark  Esper"));
        let c = Citation::new("Reuters", None, text, &a, [&a, &a2]);
        assert_eq!(c.speaker.as_deref(), Some("Mark Esper"));
    }

    #[test]
    fn every_format_ends_with_a_blank_line() {
        let text = "a\n\n“One.\n\n“Two,” she said.\n\nz";
        let q = Quote {
            start: 3,
            end: text.chars().count() - 3,
            ..quote("One", text, Some("Ann Lee"))
        };
        let c = Citation::new("Wire", Some("https://w.example/a"), text, &q, [&q]);
        for f in [Format::Markdown, Format::Html, Format::Text] {
            let r = c.render(f);
            assert!(
                r.ends_with("\n\n") && !r.ends_with("\n\n\n"),
                "{f:?}: {r:?}"
            );
        }
        assert!(c
            .render(Format::Markdown)
            .ends_with("> “One.\n>\n> “Two,” she said.\n\n"));
        // Plain text: one paragraph of consecutive lines, read as the one quotation.
        assert!(c
            .render(Format::Text)
            .ends_with(":\n\n“One.\n“Two,” she said.\n\n"));
    }

    #[test]
    fn appended_citations_read_back_as_their_passages_in_every_format() {
        use crate::post::{self, Marked};
        let tricky = "1. *Not* the [pumps] <b>at all</b> & AT&amp;T_x_ `code` ~~ \\ said Ann Lee.";
        let text = format!("“We will respond,” he said.\n\n{tricky}\n\n# Heading-like line.");
        let a = quote("We will respond,", &text, Some("Mark Esper"));
        let b = quote("Not", &text, Some("Ann Lee"));
        let c = quote("Heading-like", &text, None);
        for (format, as_post) in [
            (Format::Markdown, post::Format::Markdown),
            (Format::Html, post::Format::Html),
            (Format::Text, post::Format::Plain),
        ] {
            let mut doc = String::new();
            for q in [&a, &b, &c, &a] {
                doc += &Citation::new("Wire", Some("https://w.example/a_(b)"), &text, q, [q])
                    .render(format);
            }
            let read = post::parse(&doc, as_post, None).expect("the post reads");
            let blocks: Vec<&str> = read
                .passages
                .iter()
                .filter(|p| p.marked == Marked::Block)
                .map(|p| p.text.as_str())
                .collect();
            assert_eq!(
                blocks,
                [
                    "“We will respond,” he said.",
                    tricky,
                    "# Heading-like line.",
                    "“We will respond,” he said."
                ],
                "{format:?}:\n{doc}"
            );
            for p in read.passages.iter().filter(|p| p.marked == Marked::Block) {
                assert_eq!(
                    p.claimed.outlet.as_deref(),
                    Some("Wire"),
                    "{format:?}: {p:?}"
                );
            }
        }
    }

    #[test]
    fn html_is_escaped() {
        let q = quote("successful", STORY, None);
        let c = Citation::new(
            "A & B",
            Some("https://x.example/?a=1&b=\"2\""),
            STORY,
            &q,
            [],
        );
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
    fn markdown_escapes_block_starts_and_marks() {
        assert_eq!(markdown_line("1. first"), "1\\. first");
        assert_eq!(markdown_line("- x"), "\\- x");
        assert_eq!(markdown_line("* x"), "\\* x");
        assert_eq!(markdown_line("2019 was long."), "2019 was long.");
        assert_eq!(
            markdown_line("a *b* [c] <d> AT&T &amp; x_y"),
            "a \\*b\\* \\[c\\] \\<d> AT&T \\&amp; x\\_y"
        );
    }

    #[test]
    fn names_surnames_titles_possessives_and_roles() {
        let esper = "Mark Esper";
        assert!(names("“No,” Esper said.", esper));
        assert!(names("Esper’s office said no.", esper));
        assert!(names("Esper's office said no.", esper));
        assert!(names("Defense Secretary Mark Esper said no.", esper));
        assert!(names("Secretary Esper said no.", esper));
        assert!(names("ESPER: no.", esper));
        assert!(!names("“No,” he said.", esper));
        assert!(!names("“No,” Espers said.", esper));
        assert!(!names("the price rose", "Mark Price"));
        assert!(names("Price said it rose", "Mark Price"));
        let sistani = "Ali al-Sistani";
        assert!(names("Sistani said", sistani));
        assert!(names("al-Sistani said", sistani));
        assert!(names("Grand Ayatollah Ali al-Sistani said", sistani));
        assert!(names("Iran said it would respond.", "Iran"));
        assert!(!names("Iranian officials said", "Iran"));
        assert!(names("Trump Jr. said", "Donald Trump Jr."));
        assert!(names("Abdul Mahdi said", "Adel Abdul Mahdi"));
        assert!(names("the Pentagon said", "the Pentagon"));
        // Role phrases: the phrase itself, any article, any case.
        let role = "a coalition spokesman";
        assert!(names("“Yes,” a coalition spokesman said.", role));
        assert!(names("The coalition spokesman said yes.", role));
        assert!(!names("“Yes,” the spokesman said.", role));
        assert!(!names("“Yes,” he said.", "a senior U.S. official"));
    }

    fn story(url: &str, outlet: &str, canonical: Option<&str>) -> Story {
        let json = serde_json::json!({
            "id": "0000000000000000", "key": url, "url": url, "outlet": outlet,
            "outlets": [outlet], "title": null, "published": "2020-01-02T00:00:00Z",
            "published_from": "entry", "updated": null, "summary": null, "content": null,
            "first_seen": "2020-01-02T00:00:00Z", "last_seen": "2020-01-02T00:00:00Z",
            "sources": [], "article": { "canonical_url": canonical },
        });
        serde_json::from_value(json).expect("a story")
    }

    #[test]
    fn links_the_canonical_page() {
        let owner = |h: &str| {
            if h.ends_with("wire.example") {
                Some("wire".to_string())
            } else if h.ends_with("other.example") {
                Some("other".to_string())
            } else {
                None
            }
        };
        let page = "https://wire.example/a";
        // (the story's URL, the page's canonical URL, the link cited)
        let cases = [
            // A tracking redirect's story: the canonical, tracking parameters dropped.
            (
                "https://t.example/r?id=9",
                Some("https://www.wire.example/news/a?utm_source=x#top"),
                "https://www.wire.example/news/a",
            ),
            // A redirector no outlet owns, to a page on a site no outlet owns: the page.
            (
                "https://t.example/r?id=9",
                Some("https://gulf.example/x"),
                "https://gulf.example/x",
            ),
            // The same site, another address.
            ("https://m.wire.example/a", Some(page), page),
            // A copy naming its original on another outlet's site, or on a site no outlet owns.
            (page, Some("https://other.example/a"), page),
            (page, Some("https://unknown.example/a"), page),
            // A front page is nobody's canonical; nor is a URL that is not http(s).
            (page, Some("https://wire.example/"), page),
            (page, Some("ftp://wire.example/a"), page),
            (page, None, page),
        ];
        for (url, canonical, cited) in cases {
            let s = story(url, "wire", canonical);
            assert_eq!(
                link(&s, owner).as_deref(),
                Some(cited),
                "{url} {canonical:?}"
            );
        }
    }
}
