//! Reading a post: the digest a user wants to check, turned into the passages `verify` will
//! trace to their sources.
//!
//! `parse` takes the post's text (Markdown, HTML or plain text, as copied out of a blog
//! editor) and returns its title, its date and its passages in document order. Each passage
//! carries the line it starts on, how the post sets it off (block quote, quoted span, or not at
//! all), the day heading it is filed under, and what the post claims about its source (the
//! outlet named in an "According to Reuters" lead-in, a link, a speaker, or a dangling
//! "according to" with nothing after it).
//!
//! This module does not read files, touch the network or the store, and does not judge
//! anything: whether a passage is verbatim, whether the named outlet is right or whether a day
//! heading is wrong is for `verify`. It only reports what the post says, as written. The one
//! exception is [`Claim::resolve`], a small helper that maps the outlet named to a
//! `feeds.toml` outlet.
//!
//! Files: `markdown.rs`, `html.rs` and `plain.rs` read one format each into [`Block`]s;
//! `front.rs` reads front matter; `dates.rs` parses the post date, the title's date range and
//! day headings; `attribution.rs` finds lead-ins, outlets and speakers; `spans.rs` finds
//! quoted spans inside a paragraph. This file assembles the blocks into passages.
//!
//! Posts are untrusted input, so reading one is bounded whatever its shape: nothing here
//! recurses over the document (nesting deeper than `limits::MAX_DEPTH` is flattened into the
//! enclosing block, its text kept), every step is linear or near-linear in the post's size,
//! and only the first `limits::MAX_POST_WORDS` words (and `MAX_MARKUP` line breaks and marks:
//! a parser's cost is per mark, not per byte) are read; `Post::limits` says so when the post
//! has more.

mod attribution;
pub(crate) mod dates;
pub mod decode;
mod front;
mod html;
mod markdown;
mod plain;
mod spans;

use std::path::Path;
use std::sync::Arc;

use chrono::NaiveDate;
use serde::Serialize;
use url::Url;

use crate::config::{Config, Outlet};

/// The largest post `parse` accepts, in bytes. Real posts are a few tens of kilobytes.
pub const MAX_POST_BYTES: usize = 16 * 1024 * 1024;

/// Markdown's bytes that pulldown-cmark may make a node of (inline marks, entities, line
/// breaks, list and quote markers), and the most of them read: pulldown-cmark is linear but
/// keeps some 60 bytes a node, so a post made of nothing else (16 MB of `[`) would take a
/// gigabyte and seconds. Prose has one in 30 bytes; 1,000,000 is a thousand pages of it, far
/// beyond `limits::MAX_POST_WORDS`. In plain text only line breaks count.
const MARKDOWN_MARKUP: &[u8] = b"\\*_~`&[]!<>\n.)-+";
const PLAIN_MARKUP: &[u8] = b"\n";
pub const MAX_MARKUP: usize = 1_000_000;

/// Links kept of one paragraph (a post of 200,000 links keeps a few per paragraph).
pub(crate) const MAX_PARA_LINKS: usize = 8;

/// The passages shorter than this many words are not worth tracing (and quoted spans shorter
/// than this are usually scare quotes: 'Iranian Linked').
pub const MIN_WORDS: usize = 4;

/// How the post file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Markdown,
    Html,
    Plain,
}

impl Format {
    /// From the file extension: `.md`/`.markdown` → Markdown, `.html`/`.htm` → HTML, anything
    /// else (including `.txt` and no extension) → plain text. Case-insensitive.
    pub fn from_path(path: &Path) -> Format {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(|e| e.to_ascii_lowercase());
        match ext.as_deref() {
            Some("md" | "markdown" | "mdown" | "mkd") => Format::Markdown,
            Some("html" | "htm" | "xhtml") => Format::Html,
            _ => Format::Plain,
        }
    }
}

/// A parsed post.
#[derive(Debug, Clone, PartialEq)]
pub struct Post {
    /// Front matter `title`, else the first `<h1>`/`#` heading (or HTML `<title>`), else (plain
    /// text) a short first line such as "Iraq Weekly Update: December 27th to January 2nd".
    pub title: Option<String>,
    /// The post's date: front matter `date` (or HTML `article:published_time` / `<time>`), else
    /// the `date` argument, else the last day of the title's range (see [`DateFrom::Title`]).
    pub date: Option<NaiveDate>,
    /// Where `date` came from.
    pub date_from: Option<DateFrom>,
    /// The days the title says the post covers ("December 27th to January 2nd"), with years
    /// resolved: the most recent such range that starts on or before the post date (or, with
    /// no date at all, on or before today).
    pub range: Option<(NaiveDate, NaiveDate)>,
    /// The post says its year: a date in front matter or metadata, `--date`, or a year in the
    /// title's range. When it does not, the day headings' years are a guess (the most recent
    /// such range, or the nearest such day, not after today) that `verify` replaces with the
    /// year the sources agree with.
    pub year_known: bool,
    pub passages: Vec<Passage>,
    /// The limits that applied while reading: `words` when the post has more than
    /// `limits::MAX_POST_WORDS` words, `markup` when it has more than `MAX_MARKUP` line breaks
    /// and marks (the text after them is not read); for HTML, `nesting`, `elements` and `text`
    /// when `parser::html_bounds` cut the page. Empty for real posts.
    pub limits: Vec<Limit>,
}

/// A limit that applied to one post: which (`words`, `markup`, `passages`; for HTML `nesting`,
/// `elements`, `text`), the most allowed, and how many the post has (for `nesting`: how many
/// tags stood deeper than the most allowed levels and were flattened; for `text`: bytes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Limit {
    pub limit: &'static str,
    pub max: usize,
    pub found: usize,
}

/// Where [`Post::date`] came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateFrom {
    /// Front matter `date:`, or the HTML page's own metadata.
    Document,
    /// The `date` argument (`--date`), used because the document has no date.
    Argument,
    /// Neither: the end of the title's range, with the year guessed as the most recent such
    /// range not after today. `verify` should say the year was guessed.
    Title,
}

/// One passage of the post that `verify` will look for in the sources.
#[derive(Debug, Clone, PartialEq)]
pub struct Passage {
    /// The passage as the reader sees it: markup removed and each line trimmed (HTML also
    /// collapses whitespace; Markdown turns soft line breaks into spaces). The paragraphs of one
    /// block quote, and in plain text the lines of one paragraph, are joined with `\n`; a
    /// source usually has them as separate paragraphs.
    pub text: String,
    /// 1-based line in the post file where the passage starts (front matter lines count).
    pub line: usize,
    pub marked: Marked,
    /// The day heading the passage is filed under, with the year resolved from the title's
    /// range (the candidate nearest to the range) or the post date. `None` before the first day
    /// heading or after a heading that is not a date.
    pub day: Option<NaiveDate>,
    /// That heading as written, for messages.
    pub heading: Option<Heading>,
    pub claimed: Claim,
}

/// A day heading as written ("January 27th") and its line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub text: String,
    pub line: usize,
    /// The heading writes its year ("27 December 2019"): it is not inferred.
    pub has_year: bool,
}

/// How the post sets a passage off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marked {
    /// A block quote (Markdown `>`, HTML `<blockquote>`), or in plain text the paragraph after
    /// an "According to X" lead-in line.
    Block,
    /// A quoted span of at least [`MIN_WORDS`] words inside a paragraph that is not a block
    /// quote. Its paragraph is reported as well, as `Unmarked`, just before it.
    Inline,
    /// Any other paragraph of at least [`MIN_WORDS`] words: the author's own words, or text
    /// copied without marks.
    Unmarked,
}

/// What the post says about where a passage comes from, as written.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Claim {
    /// The outlet named: "Reuters", "Al Jazeera", "Daily Star", "AP". From the lead-in ("According
    /// to Reuters", "according to the Defense Post", "Reuters reports …", "the AP reported") or,
    /// for a paragraph that is not a quotation, the paragraph itself. A lower-case leading
    /// "the" is dropped; a capital "The" ("The New Arab") is kept.
    pub outlet: Option<String>,
    /// The first absolute http(s) link in the lead-in, else in the passage.
    pub link: Option<Url>,
    /// Every link of the lead-in and of the passage's own paragraph, in order (the first few
    /// of each).
    pub links: Vec<Url>,
    /// The lead-in says "according to" with nothing after it (and has no link).
    pub dangling: bool,
    /// The person the post names for the quote: "Sistani said" after the quote, a lead-in "A
    /// State Department Official Said, according to …", "According to Reuters, Mike Pompeo
    /// said:", "Trump tweeted". Capitalised names only; pronouns ("he said") give `None`.
    pub speaker: Option<String>,
    /// Whose words name the speaker: the post's own (a lead-in, the sentence around an inline
    /// quote) or the quoted passage's (", Sistani said." inside a block quote).
    pub speaker_from: Option<SpeakerFrom>,
    /// The post's own text that makes the claim: the lead-in, and for a passage inside a
    /// paragraph that paragraph. An outlet named anywhere in it, however the sentence puts it
    /// ("…, Gulf Post says.", "spoke to Wire Wire by phone"), is credited by `verify`.
    /// Shared, not copied: a paragraph of a thousand quoted spans is held once.
    pub context: Vec<Arc<str>>,
}

/// Whose words name a passage's speaker: see [`Claim::speaker_from`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpeakerFrom {
    /// The post's own words: a lead-in or the sentence around a quoted span.
    Post,
    /// The quoted words themselves (a block quote that ends ", Sistani said.").
    Passage,
}

impl Claim {
    /// The `feeds.toml` outlet the post names: by [`Self::named_outlet`], else by the link's
    /// host, else (for a lead-in like "Reuters said:", read as a speaker) by the speaker's name.
    pub fn resolve<'c>(&self, cfg: &'c Config) -> Option<&'c Outlet> {
        self.named_outlet(cfg)
            .or_else(|| self.linked_outlet(cfg))
            .or_else(|| {
                let speaker = self.speaker.as_deref()?;
                outlet_named(cfg, speaker)
            })
    }

    /// The outlet whose `name`, `aliases` or `id` equal [`Self::outlet`], ignoring case, a
    /// leading "the" and runs of whitespace; a name with a dot ("Antiwar.com") also matches
    /// by domain.
    pub fn named_outlet<'c>(&self, cfg: &'c Config) -> Option<&'c Outlet> {
        outlet_named(cfg, self.outlet.as_deref()?)
    }

    /// The outlet whose `domains` own the link's host.
    pub fn linked_outlet<'c>(&self, cfg: &'c Config) -> Option<&'c Outlet> {
        let host = self.link.as_ref()?.host_str()?;
        cfg.outlet_for_host(host)
    }
}

/// The outlet called `name` in `cfg`: see [`Config::outlet_named`].
pub fn outlet_named<'c>(cfg: &'c Config, name: &str) -> Option<&'c Outlet> {
    cfg.outlet_named(name)
}

/// Why a post could not be read.
#[derive(Debug, thiserror::Error)]
pub enum PostError {
    #[error("the post is {bytes} bytes; posts over {limit} bytes are not read")]
    TooLarge { bytes: usize, limit: usize },
    #[error("the post looks like a binary file (it contains NUL characters), not a text post")]
    Binary,
}

/// Reads a post. `date` is the `--date` option: used when the document itself gives no date
/// (front matter or HTML metadata wins). Years that cannot be known are guessed relative to
/// today; see [`parse_as_of`] to fix "today".
pub fn parse(text: &str, format: Format, date: Option<NaiveDate>) -> Result<Post, PostError> {
    parse_as_of(text, format, date, chrono::Utc::now().date_naive())
}

/// [`parse`] with "today" given, for reproducible results (tests, re-runs of old posts).
pub fn parse_as_of(
    text: &str,
    format: Format,
    date: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<Post, PostError> {
    if text.len() > MAX_POST_BYTES {
        return Err(PostError::TooLarge {
            bytes: text.len(),
            limit: MAX_POST_BYTES,
        });
    }
    if text.contains('\0') {
        return Err(PostError::Binary);
    }
    let (text, mut limits) = match format {
        Format::Markdown => precut(text, MARKDOWN_MARKUP),
        Format::Plain => precut(text, PLAIN_MARKUP),
        Format::Html => (text, Vec::new()),
    };
    let mut doc = match format {
        Format::Markdown => markdown::read(text),
        Format::Html => {
            let (doc, cuts) = html::read(text);
            limits.extend(html_limits(&cuts));
            doc
        }
        Format::Plain => plain::read(text),
    };
    let limit = cap_words(&mut doc.blocks, crate::limits::MAX_POST_WORDS);
    if !limits.iter().any(|l| l.limit == "words") {
        limits.extend(limit);
    }
    let mut post = assemble(doc, date, today);
    post.limits = limits;
    Ok(post)
}

/// What `parser::html_bounds` cut of an HTML post, as limits.
fn html_limits(cuts: &crate::parser::html_bounds::Cuts) -> Vec<Limit> {
    use crate::limits::{MAX_DEPTH, MAX_ELEMENTS, MAX_PAGE_TEXT};
    [
        ("nesting", MAX_DEPTH, cuts.too_deep),
        ("elements", MAX_ELEMENTS, cuts.too_many),
        ("text", MAX_PAGE_TEXT, cuts.text),
    ]
    .into_iter()
    .filter(|(_, _, n)| *n > 0)
    .map(|(limit, max, n)| Limit {
        limit,
        max,
        found: match limit {
            "elements" => max + n,
            "text" => max + n,
            _ => n,
        },
    })
    .collect()
}

/// The part of a Markdown or plain-text post its reader is given: the front matter whole, then
/// the body up to its `limits::MAX_POST_WORDS`-th word (words of the source, links and marks
/// included) and its `MAX_MARKUP`-th byte of `markup`, whichever comes first, and on to the end
/// of that line if it is near. The limits that applied, with what the whole post has. (An HTML
/// post is bounded by `parser::html_bounds` and `cap_words`.)
fn precut<'t>(text: &'t str, markup: &[u8]) -> (&'t str, Vec<Limit>) {
    let body = front::split(text).map_or(0, |f| f.body);
    let rest = text.get(body..).unwrap_or("");
    let mut limits = Vec::new();
    let mut cut = rest.len();
    let max_words = crate::limits::MAX_POST_WORDS;
    if let Some(end) = crate::search::words::end_of(rest, max_words + 1) {
        let found = crate::search::words::count(rest);
        // Just before the first word over the limit.
        let over = crate::search::words::end_of(rest, max_words).unwrap_or(end);
        cut = cut.min(over);
        limits.push(Limit {
            limit: "words",
            max: max_words,
            found,
        });
    }
    let marks = rest.bytes().enumerate().filter(|(_, b)| markup.contains(b));
    if let Some((at, _)) = marks.clone().nth(MAX_MARKUP) {
        cut = cut.min(at);
        limits.push(Limit {
            limit: "markup",
            max: MAX_MARKUP,
            found: marks.count(),
        });
    }
    if cut == rest.len() {
        return (text, limits);
    }
    // On to the end of the line, if it is within a kilobyte (the cut is after an ASCII byte or
    // at a word's end: a char boundary).
    let keep = rest
        .get(cut..)
        .and_then(|tail| tail.get(..tail.len().min(1024)))
        .and_then(|near| near.find('\n'))
        .map_or(cut, |n| cut + n);
    (text.get(..body + keep).unwrap_or(text), limits)
}

/// Keeps the blocks' first `max` words (words as `verify` counts them: `search::words`): the
/// block where they run out is cut after its `max`-th word and later blocks are dropped.
/// Returns the limit, with every block's words counted, when it applied.
fn cap_words(blocks: &mut Vec<Block>, max: usize) -> Option<Limit> {
    let mut seen = 0;
    let mut keep = None;
    for (i, block) in blocks.iter_mut().enumerate() {
        let text = match block {
            Block::Heading { text, .. } => text,
            Block::Para(p) => &mut p.text,
        };
        let n = crate::search::words::count(text);
        if keep.is_none() && seen + n > max {
            if let Some(end) = crate::search::words::end_of(text, max - seen) {
                text.truncate(end);
                keep = Some(i + 1);
            } else {
                keep = Some(i);
            }
        }
        seen += n;
    }
    let keep = keep?;
    blocks.truncate(keep);
    if let Some(Block::Para(p)) = blocks.last_mut() {
        let len = p.text.len();
        p.lines.retain(|(at, _)| *at <= len);
    }
    Some(Limit {
        limit: "words",
        max,
        found: seen,
    })
}

/// What a format reader hands to the assembly: the document's own title and date, and its
/// blocks in order.
#[derive(Debug, Default)]
struct Doc {
    title: Option<String>,
    date: Option<NaiveDate>,
    blocks: Vec<Block>,
    /// Plain text: a paragraph after a lead-in line is the quotation (there is no other mark).
    lead_marks_quote: bool,
}

#[derive(Debug)]
enum Block {
    Heading { text: String, line: usize },
    Para(Para),
}

/// A paragraph, or all paragraphs of one block quote (joined with `\n`).
#[derive(Debug, Default)]
struct Para {
    text: String,
    line: usize,
    quoted: bool,
    links: Vec<Url>,
    /// (byte offset in `text`, line in the file), ascending: where each piece of text came
    /// from, so that a quoted span inside the paragraph gets its own line.
    lines: Vec<(usize, usize)>,
}

impl Para {
    fn line_at(&self, offset: usize) -> usize {
        let i = self.lines.partition_point(|(at, _)| *at <= offset);
        i.checked_sub(1)
            .and_then(|i| self.lines.get(i))
            .map_or(self.line, |(_, line)| *line)
    }
}

/// 1-based line numbers of byte offsets in a text.
struct LineIndex(Vec<usize>);

impl LineIndex {
    fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex(starts)
    }

    fn line(&self, offset: usize) -> usize {
        match self.0.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i.max(1),
        }
    }
}

fn word_count(text: &str) -> usize {
    text.split_whitespace()
        .filter(|w| crate::search::words::has_word(w))
        .count()
}

/// Whether a paragraph is a quotation set off on its own: it opens with a quote mark and
/// that quoted span has at least [`MIN_WORDS`] words.
fn is_quoted_paragraph(text: &str) -> bool {
    let trimmed = text.trim_start();
    let lead = text.len() - trimmed.len();
    trimmed.starts_with(['“', '"', '‘', '\'', '«', '„'])
        && spans::quoted(text)
            .first()
            .is_some_and(|s| s.start <= lead + 4 && word_count(&text[s.start..s.end]) >= MIN_WORDS)
}

/// Whether a paragraph holds a quoted span of at least [`MIN_WORDS`] words.
fn has_long_quote(text: &str) -> bool {
    spans::quoted(text).iter().any(|s| {
        text.get(s.start..s.end)
            .is_some_and(|q| word_count(q) >= MIN_WORDS)
    })
}

/// Whether block `i` introduces what follows: it ends with a colon, or the next block is a
/// block quote or a quoted paragraph (in plain text, any paragraph: a lead-in line is the only
/// mark a quotation has there).
fn introduces(blocks: &[Block], i: usize, text: &str, lead_marks_quote: bool) -> bool {
    text.trim_end().ends_with(':')
        || matches!(blocks.get(i + 1), Some(Block::Para(_)) if lead_marks_quote)
        || quotation_follows(blocks, i)
}

/// Whether the block after `i` is a block quote or a quoted paragraph.
fn quotation_follows(blocks: &[Block], i: usize) -> bool {
    matches!(blocks.get(i + 1), Some(Block::Para(next)) if next.quoted || is_quoted_paragraph(&next.text))
}

impl Claim {
    /// The claim a paragraph makes for itself and the passages inside it, after what a
    /// lead-in lent it (`lent`, if any): the lead-in's outlet and speaker first.
    fn of_paragraph(lent: Option<Claim>, para: &Para) -> Claim {
        let own = attribution::in_text(&para.text);
        let mut claim = lent.unwrap_or_default();
        if claim.outlet.is_none() && !claim.dangling {
            claim.outlet = own.outlet;
        }
        claim.links.extend(para.links.iter().cloned());
        claim.link = claim.links.first().cloned();
        claim.context.push(Arc::from(para.text.as_str()));
        claim
    }
}

fn assemble(doc: Doc, date_arg: Option<NaiveDate>, today: NaiveDate) -> Post {
    let (mut date, mut date_from) = match (doc.date, date_arg) {
        (Some(d), _) => (Some(d), Some(DateFrom::Document)),
        (None, Some(d)) => (Some(d), Some(DateFrom::Argument)),
        (None, None) => (None, None),
    };
    let written = doc.title.as_deref().and_then(dates::range_in);
    let year_known = date.is_some() || written.is_some_and(|(a, b)| a.year.or(b.year).is_some());
    let range = written.and_then(|(a, b)| dates::resolve_range(a, b, date.unwrap_or(today)));
    if date.is_none() {
        if let Some((_, end)) = range {
            date = Some(end);
            date_from = Some(DateFrom::Title);
        }
    }

    let mut passages = Vec::new();
    let mut day = None;
    let mut heading = None;
    let mut lead: Option<Claim> = None;
    let blocks = doc.blocks;
    for (i, block) in blocks.iter().enumerate() {
        let para = match block {
            Block::Heading { text, line } => {
                lead = None;
                match dates::day_only(text) {
                    Some(md) => {
                        day = dates::resolve_day(md, range, date.or(Some(today)));
                        heading = Some(Heading {
                            text: text.clone(),
                            line: *line,
                            has_year: md.year.is_some(),
                        });
                    }
                    None => {
                        day = None;
                        heading = None;
                    }
                }
                continue;
            }
            Block::Para(p) => p,
        };
        let mut push = |text: String, line: usize, marked: Marked, claimed: Claim| {
            passages.push(Passage {
                text,
                line,
                marked,
                day,
                heading: heading.clone(),
                claimed,
            })
        };
        // A lead-in: shaped like one, introducing what follows, and quoting nothing itself.
        // Its own sentences are still checked, as the author's words.
        if !para.quoted
            && introduces(&blocks, i, &para.text, doc.lead_marks_quote)
            && !has_long_quote(&para.text)
        {
            // Markdown and HTML mark the quotation, so what introduces it is a lead-in
            // whatever its shape; plain text has only the lead-in's shape to go by, or a
            // quoted paragraph after it.
            let claim = attribution::lead(&para.text).or_else(|| {
                (!doc.lead_marks_quote || quotation_follows(&blocks, i))
                    .then(|| attribution::introducing(&para.text))
            });
            if let Some(mut claim) = claim {
                claim.links = para.links.clone();
                claim.link = claim.links.first().cloned();
                claim.dangling &= claim.link.is_none();
                claim.context = vec![Arc::from(para.text.as_str())];
                if claim.speaker.is_some() {
                    claim.speaker_from = Some(SpeakerFrom::Post);
                }
                if word_count(&para.text) >= MIN_WORDS && !dates::is_date_line(&para.text) {
                    let mut own = claim.clone();
                    own.speaker = None;
                    own.speaker_from = None;
                    push(para.text.clone(), para.line, Marked::Unmarked, own);
                }
                lead = Some(claim);
                continue;
            }
        }
        let pending = lead.take();
        if para.quoted || (doc.lead_marks_quote && pending.is_some()) {
            let mut claimed = pending.unwrap_or_default();
            claimed.links.extend(para.links.iter().cloned());
            claimed.link = claimed.links.first().cloned();
            if claimed.speaker.is_none() {
                claimed.speaker = attribution::speaker(&para.text);
                claimed.speaker_from = claimed.speaker.as_ref().map(|_| SpeakerFrom::Passage);
            }
            if word_count(&para.text) > 0 {
                push(para.text.clone(), para.line, Marked::Block, claimed);
            }
            continue;
        }
        if word_count(&para.text) < MIN_WORDS || dates::is_date_line(&para.text) {
            continue;
        }
        let base = Claim::of_paragraph(pending, para);
        let mut claimed = base.clone();
        if claimed.speaker.is_none() {
            claimed.speaker = attribution::speaker(&para.text);
            claimed.speaker_from = claimed.speaker.as_ref().map(|_| SpeakerFrom::Post);
        }
        push(para.text.clone(), para.line, Marked::Unmarked, claimed);
        for span in spans::quoted(&para.text) {
            let Some(quote) = para.text.get(span.start..span.end) else {
                continue;
            };
            if word_count(quote) < MIN_WORDS {
                continue;
            }
            let mut claimed = base.clone();
            if claimed.speaker.is_none() {
                claimed.speaker = attribution::speaker_around(&para.text, span.start, span.after);
                claimed.speaker_from = claimed.speaker.as_ref().map(|_| SpeakerFrom::Post);
            }
            push(
                quote.to_string(),
                para.line_at(span.start),
                Marked::Inline,
                claimed,
            );
        }
    }
    Post {
        title: doc.title,
        date,
        date_from,
        range,
        year_known,
        passages,
        limits: Vec::new(),
    }
}

#[cfg(test)]
mod tests;
