//! Quotations in story text, with their speakers: the quote stage of the pipeline.
//!
//! `extract` finds every quoted span (`marks`), decides whether it is a quotation at all (a
//! one- or two-word scare quote with no cue, a title or a nickname is not), whether it is a
//! whole quoted sentence (`direct`) or a fragment inside the reporter's sentence (`partial`),
//! and the words at its cue (`speaker`). Sentences that report speech without marks ("One
//! official said the United States was looking into ...") are a third kind, `indirect`. Then
//! every quote, in text order, gets its canonical speaker: a pronoun goes to the person who
//! last spoke or last opened a sentence, "they" and "one of them" to the group that last
//! spoke, "the group" to the organisation last named, "the official" to the role that
//! introduced it; a quote with no cue inherits the last speaker when it is a paragraph of its
//! own or follows that speaker in its paragraph. Offsets are in Unicode scalar values into
//! the text given. This module does no I/O; storing quotes and the review commands build on
//! it.
//!
//! Time is linear in the text (n log n at worst), whatever its shape (issue 9): paragraph
//! breaks, sentence ends, people and role phrases are found once and looked up by binary
//! search or hash; what earlier quotes said is kept as running state, never re-read; and a
//! sentence is read for its speaker at most `SENTENCE_WINDOW` bytes back, as a reader would
//! (no news sentence is longer; a paragraph of words without a full stop is no sentence).

pub mod eval;
pub mod lexicon;
pub mod marks;
pub mod ranker;
pub mod segment;
pub mod speaker;

use std::borrow::Cow;
use std::sync::OnceLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

/// What kind of quotation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A whole quoted sentence or more.
    Direct,
    /// A quoted fragment inside the reporter's sentence.
    Partial,
    /// Reported speech without quote marks.
    Indirect,
}

/// One quotation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quote {
    pub text: String,
    /// Offsets (Unicode scalar values) of `text` in the story text.
    pub start: usize,
    pub end: usize,
    pub kind: Kind,
    /// The canonical speaker: a full name, or a role phrase as written.
    pub speaker: Option<String>,
    /// The speaker as the cue has it ("Pompeo", "he", "the official").
    pub speaker_as_written: Option<String>,
    pub cue: Option<String>,
}

/// Words before a quote that make it a title, not a quotation.
const TITLE_WORDS: &[&str] = &[
    "book",
    "film",
    "movie",
    "novel",
    "programme",
    "program",
    "show",
    "series",
    "song",
    "album",
    "newspaper",
    "magazine",
    "documentary",
    "play",
    "titled",
    "entitled",
    "dubbed",
    "called",
    "nicknamed",
    "known as",
    "so-called",
    "slogan",
];

/// How much of a sentence before a quote or a cue is read for its speaker, in bytes: news
/// sentences run to a few hundred characters (the annotated texts to 312), so this cuts only
/// text that is no sentence at all (a paragraph of words without a full stop), which would
/// otherwise make every quote in it read the whole paragraph.
const SENTENCE_WINDOW: usize = 1000;

/// The longest speaker, as written or canonical, in bytes: no name or role phrase is longer
/// (the annotated texts' longest is 74).
const MAX_SPEAKER: usize = 300;

/// The text with what the per-quote look-ups need, found once: chars and their byte offsets,
/// paragraph breaks, sentence ends and line starts, so that a quote's paragraph or sentence is a
/// binary search away instead of a scan back over the text.
struct Doc<'a> {
    text: &'a str,
    chars: Vec<char>,
    /// The byte offset of every char, and the text's length at the end.
    byte_at: Vec<usize>,
    /// The paragraph breaks (`segment::paragraph_breaks`) in char offsets: where a paragraph
    /// ends (its newline) and where the next one starts.
    breaks: Vec<(usize, usize)>,
    /// The byte ranges of headlines that are paragraphs of their own: never speakers.
    headlines: Vec<(usize, usize)>,
    /// Byte offsets just after a '.', '?' or '!' that ends a sentence (`segment::ends_sentence`):
    /// where `sentence_lead` cuts.
    cuts: Vec<usize>,
    /// Byte offsets of every '\n'.
    newlines: Vec<usize>,
}

impl<'a> Doc<'a> {
    fn new(text: &'a str) -> Doc<'a> {
        let chars: Vec<char> = text.chars().collect();
        let byte_at: Vec<usize> = text
            .char_indices()
            .map(|(b, _)| b)
            .chain(std::iter::once(text.len()))
            .collect();
        let char_of = |b: usize| byte_at.partition_point(|&x| x < b);
        let byte_breaks = segment::paragraph_breaks(text);
        let headlines = segment::headlines(text, &byte_breaks);
        let breaks = byte_breaks
            .iter()
            .map(|b| (char_of(b.end), char_of(b.start)))
            .collect();
        let cuts = text
            .match_indices(['.', '?', '!'])
            .filter(|&(i, _)| segment::ends_sentence(text, i))
            .map(|(i, _)| i + 1)
            .collect();
        let newlines = text.match_indices('\n').map(|(i, _)| i).collect();
        Doc {
            text,
            chars,
            byte_at,
            breaks,
            headlines,
            cuts,
            newlines,
        }
    }

    /// `text` between two char offsets.
    fn slice(&self, a: usize, b: usize) -> &'a str {
        &self.text[self.byte_at[a]..self.byte_at[b]]
    }

    /// The char offset where the paragraph holding char `at` starts (after its break).
    fn paragraph_start(&self, at: usize) -> usize {
        let k = self.breaks.partition_point(|&(_, start)| start <= at);
        k.checked_sub(1).map_or(0, |j| self.breaks[j].1)
    }

    /// The char offset where the paragraph holding char `from` ends (its break's newline, or
    /// the end).
    fn paragraph_end(&self, from: usize) -> usize {
        let k = self.breaks.partition_point(|&(end, _)| end < from);
        self.breaks.get(k).map_or(self.chars.len(), |&(end, _)| end)
    }

    /// The paragraph before the one starting at char `start`: its start and end.
    fn previous_paragraph(&self, start: usize) -> Option<(usize, usize)> {
        let k = self.breaks.partition_point(|&(_, s)| s < start);
        let &(end, s) = self.breaks.get(k)?;
        (s == start).then(|| (self.paragraph_start(end), end))
    }

    /// The byte offset where `sentence_lead(&text[from..to])` starts: after the last sentence
    /// end in it.
    fn sentence_start(&self, from: usize, to: usize) -> usize {
        let k = self.cuts.partition_point(|&c| c < to);
        if let Some(&c) = k.checked_sub(1).map(|j| &self.cuts[j]) {
            if c >= from + 2 {
                return c;
            }
        }
        // A sentence end first in the lead has nothing before it to be a capital.
        let bytes = self.text.as_bytes();
        if from + 1 < to && matches!(bytes[from], b'.' | b'?' | b'!') && bytes[from + 1] == b' ' {
            return from + 1;
        }
        from
    }

    /// `sentence_lead(&text[from..to])`, at most its last `SENTENCE_WINDOW` bytes: a longer
    /// one is cut at the start of a word.
    fn sentence(&self, from: usize, to: usize) -> &'a str {
        let start = self.sentence_start(from, to);
        if to - start <= SENTENCE_WINDOW {
            return &self.text[start..to];
        }
        let mut w = to - SENTENCE_WINDOW;
        while !self.text.is_char_boundary(w) {
            w += 1;
        }
        let rest = &self.text[w..to];
        let cut = rest
            .char_indices()
            .find(|(_, c)| c.is_whitespace())
            .map_or(0, |(i, c)| i + c.len_utf8());
        &rest[cut..]
    }

    /// The byte offset where the line holding byte `at` starts.
    fn line_start(&self, at: usize) -> usize {
        let k = self.newlines.partition_point(|&i| i < at);
        k.checked_sub(1).map_or(0, |j| self.newlines[j] + 1)
    }
}

/// `s` without whitespace at its end, lower-cased, at most its last `n` chars of it: what
/// `s.to_lowercase().trim_end()` ends with, for any ASCII ending of up to `n` chars.
fn lower_end(s: &str, n: usize) -> String {
    let t = s.trim_end();
    let from = t
        .char_indices()
        .rev()
        .nth(n.saturating_sub(1))
        .map_or(0, |(i, _)| i);
    t[from..].to_lowercase()
}

/// Words that headlines and titles write in lower case ("Guardians of the Galaxy").
const TITLE_SMALL_WORDS: &[&str] = &[
    "a", "an", "the", "and", "or", "nor", "but", "of", "to", "in", "on", "at", "for", "by", "with",
    "from", "as", "vs", "into", "over", "per", "via", "is", "be", "are", "it", "o'", "para", "de",
    "la", "el", "del",
];

/// How many capitalised words `inner` has when it is written in Title Case: every word opens
/// with a capital or a digit or is one that titles write in lower case (`TITLE_SMALL_WORDS`);
/// None when it is not.
fn title_case_words(inner: &str) -> Option<usize> {
    let mut capitals = 0;
    for w in inner.split_whitespace() {
        let bare = w.trim_matches(|c: char| !c.is_alphanumeric());
        let Some(first) = bare.chars().next() else {
            continue;
        };
        if first.is_uppercase() {
            capitals += 1;
        } else if !first.is_numeric() && !TITLE_SMALL_WORDS.contains(&bare) {
            return None;
        }
    }
    Some(capitals)
}

/// Whether `lead` ends with a word that says what the quote in Title Case after it is: words
/// written, chanted or shouted ("a sign that read “...”", "chanting “...”").
fn after_words_of_saying(lead: &str) -> bool {
    let before = lead.trim_end();
    let before = &before[before.floor_char_boundary(before.len().saturating_sub(20))..];
    let last = before
        .trim_end_matches([',', ':'])
        .split_whitespace()
        .next_back()
        .unwrap_or("")
        .to_lowercase();
    matches!(
        last.as_str(),
        "read"
            | "reads"
            | "reading"
            | "chant"
            | "chants"
            | "chanted"
            | "chanting"
            | "shout"
            | "shouted"
            | "shouting"
            | "yelled"
            | "yelling"
            | "cried"
            | "sang"
            | "singing"
            | "saying"
            | "says"
            | "said"
    )
}

/// Nouns before "of" that say a title follows: host of “...”, the co-author of ''...''.
const WORK_ROLES: &[&str] = &[
    "host",
    "hosts",
    "star",
    "stars",
    "author",
    "co-author",
    "creator",
    "creators",
    "producer",
    "director",
    "cast",
    "episode",
    "season",
    "edition",
    "anchor",
    "fans",
    "premiere",
    "finale",
    "writer",
    "publisher",
    "editor",
    "sequel",
    "remake",
    "version",
    "chapter",
    "title",
];

/// Words that, set before a title's quote marks, say it names a work, a show or a slogan
/// (besides `TITLE_WORDS`): the podcast “...”, his memoir, ''...''.
const WORK_WORDS: &[&str] = &[
    "podcast",
    "autobiography",
    "memoir",
    "column",
    "sitcom",
    "musical",
    "opera",
    "anthem",
    "hashtag",
    "motto",
    "tagline",
    "classic",
    "hit",
    "bestseller",
    "best-seller",
    "named",
    "segment",
    "broadcast",
    "episode",
    "special",
    "blog",
    "newsletter",
    "channel",
    "book",
    "novel",
    "commentary",
    "essay",
    "editorial",
    "op-ed",
    "headline",
    "film",
    "movie",
    "documentary",
    "song",
    "album",
    "poem",
    "play",
    "show",
    "series",
];

/// Nouns right after a title's closing mark that it modifies: the “...” star, a “...” hat.
const WORK_NOUNS: &[&str] = &[
    "star",
    "stars",
    "actor",
    "actress",
    "host",
    "hosts",
    "show",
    "program",
    "programme",
    "broadcast",
    "broadcasts",
    "series",
    "episode",
    "segment",
    "hat",
    "hats",
    "sign",
    "signs",
    "shirt",
    "shirts",
    "t-shirt",
    "t-shirts",
    "slogan",
    "page",
    "movement",
    "podcast",
    "album",
    "song",
    "book",
    "film",
    "movie",
    "franchise",
    "creator",
    "author",
    "anchor",
    "singer",
    "director",
    "producer",
    "writer",
    "cast",
    "tour",
    "banner",
    "banners",
    "sticker",
    "stickers",
    "chant",
    "chants",
    "logo",
    "caucus",
    "pac",
    "theme",
    "speech",
    "campaign",
    "bill",
    "act",
    "plan",
    "actors",
    "fans",
    "co-star",
    "premiere",
    "finale",
    "season",
];

/// Whether the words around a Title Case quote say it names a work, a show or a slogan: a
/// capitalised possessive before it (CNN’s “...”, ABC's ''...''), a role "of" (host of “...”),
/// a word for a work, with or without a comma (his memoir, ''...''); or after it a noun it
/// modifies (the “...” star), its author or outlet (“...,” by Ann Marsh; ''...,'' on HBO), or
/// a verb of works (was written by, aired, premiered, starring). `lead` is the paragraph up to
/// the opening mark, `tail` the paragraph after the closing one; only their ends near the
/// quote are read.
fn names_a_work(lead: &str, tail: &str) -> bool {
    let before = lead.trim_end();
    let before = &before[before.floor_char_boundary(before.len().saturating_sub(60))..];
    let before = before.trim_end_matches([',', ':']).trim_end();
    let mut words = before.split_whitespace().rev();
    let last = words.next().unwrap_or("");
    let prev = words.next().unwrap_or("");
    let possessive = last.ends_with("’s") || last.ends_with("'s");
    if possessive && last.starts_with(char::is_uppercase) {
        return true;
    }
    let lower = last.to_lowercase();
    if WORK_WORDS.contains(&lower.as_str())
        || (lower == "of" && WORK_ROLES.contains(&prev.to_lowercase().as_str()))
    {
        return true;
    }
    let after = tail.get(..tail.floor_char_boundary(60)).unwrap_or(tail);
    let after = after
        .trim_start()
        .trim_start_matches([',', ')'])
        .trim_start();
    let next: String = after
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '-')
        .collect::<String>()
        .to_lowercase();
    if WORK_NOUNS.contains(&next.as_str())
        && after[next.len()..].starts_with(|c: char| c.is_whitespace() || ".,;:".contains(c))
    {
        return true;
    }
    let by_someone = after
        .strip_prefix("by ")
        .is_some_and(|r| r.starts_with(char::is_uppercase));
    let on_outlet = after.strip_prefix("on ").is_some_and(|r| {
        r.starts_with(char::is_uppercase) && !DAYS.iter().any(|d| r.starts_with(d))
    });
    by_someone
        || on_outlet
        || [
            "was written by",
            "written by",
            "was published",
            "published in",
            "starring",
            "airs ",
            "aired ",
            "premiered",
            "premieres",
            "was released",
            "directed by",
        ]
        .iter()
        .any(|w| after.starts_with(w))
}

/// The days of the week and months: "on Monday" after a quote says when, not where it aired.
const DAYS: [&str; 19] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "Jan",
    "Feb",
    "March",
    "April",
    "May",
    "June",
    "July",
    "Aug",
    "Sept",
    "Oct",
    "Nov",
    "Dec",
];

/// `text` with the capitalised words that are cues of the lexicon in lower case but the
/// first (a headline's “Clinton Says”), so that the speaker patterns, which read cues in lower
/// case and names by their capitals, find them. Only ASCII words change, so offsets hold.
fn cues_lowered(text: &str) -> Cow<'_, str> {
    let mut out: Option<String> = None;
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut first = true;
    while i < bytes.len() {
        if !bytes[i].is_ascii_alphabetic() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
            i += 1;
        }
        // A word ends at a space or punctuation, not in the middle of a non-ASCII one.
        let whole = (start == 0 || !text[..start].ends_with(char::is_alphanumeric))
            && !text[i..].starts_with(char::is_alphanumeric);
        let word = &text[start..i];
        if whole && !first && bytes[start].is_ascii_uppercase() && lexicon::is_cue(word) {
            out.get_or_insert_with(|| text.to_string())[start..i].make_ascii_lowercase();
        }
        first = false;
    }
    out.map_or(Cow::Borrowed(text), Cow::Owned)
}

/// Words that open a sentence before its subject ("After Baghdad, ...", "As Exxon ..."): a
/// capitalised run that starts with one is no organisation's name.
const SENTENCE_OPENERS: &[&str] = &[
    "after",
    "before",
    "during",
    "since",
    "under",
    "for",
    "but",
    "and",
    "as",
    "when",
    "while",
    "if",
    "though",
    "although",
    "amid",
    "despite",
    "across",
    "near",
    "over",
    "into",
    "through",
    "about",
    "against",
    "between",
    "without",
    "within",
    "until",
    "like",
    "yet",
    "so",
    "still",
    "meanwhile",
    "because",
    "unlike",
    "outside",
    "inside",
    "beyond",
    "following",
];

/// Prepositions before a title in quote marks: on “Fox and Friends”, in “The Atlantic”.
const PREPOSITIONS: &[&str] = &["on", "in", "at", "from", "of", "by", "to", "with"];

/// Every quotation in `text`, in order, each speaker the rules' or, where the model
/// prefers another candidate, the model's (`ranker`).
pub fn extract(text: &str) -> Vec<Quote> {
    extract_with(text, ranker::model())
}

/// `extract` with another speaker model; an empty one leaves the rules' speakers (what the
/// model is trained on).
pub fn extract_with(text: &str, model: &ranker::Model) -> Vec<Quote> {
    let doc = Doc::new(text);
    let chars = &doc.chars;
    let byte_at = &doc.byte_at;
    let people = speaker::people_outside(text, &doc.headlines);
    let slice = |a: usize, b: usize| doc.slice(a, b);
    // The longest ending tested: one of TITLE_WORDS, or a space and a preposition (chars).
    let ending_chars = TITLE_WORDS
        .iter()
        .chain(PREPOSITIONS)
        .map(|w| w.chars().count() + 1)
        .max()
        .unwrap_or(0);
    // Where the last whitespace char before `ws_upto` is (byte offsets), advanced as the
    // quotes go: the leads' ends only move forward.
    let mut ws_upto = 0;
    let mut last_ws: Option<(usize, usize)> = None;

    let mut pending: Vec<Pending> = Vec::new();
    let spans = marks::spans_in(chars, &doc.breaks);
    let is_single = |span: &marks::Span| {
        matches!(chars[span.open], '‘' | '\'') && chars.get(span.open + 1) != Some(&'\'')
    };
    // A text that quotes in double marks uses single ones in its body for words it holds at
    // a distance (its mission of ‘advise and assist’), not for quotations.
    let double_style = spans.iter().any(|s| !is_single(s));
    for span in spans {
        let inner = slice(span.start, span.end);
        let words = inner.split_whitespace().count();
        let para_start = doc.paragraph_start(span.open);
        let lead = slice(para_start, span.open);
        let (lead_from, open_b) = (byte_at[para_start], byte_at[span.open]);
        let after_end = span.after;
        let para_end = doc.paragraph_end(after_end);
        let tail = slice(after_end, para_end);
        // Only the lead's end is read here: its last words, lower-cased.
        let lead_trimmed = lead.trim_end();
        let lead_blank = lead_trimmed.is_empty();
        let lead_lower = lower_end(lead, ending_chars);
        if TITLE_WORDS.iter().any(|w| lead_lower.ends_with(w)) {
            continue;
        }
        // A headline writes every word in Title Case, quotes too: there the tests of Title
        // Case below tell nothing.
        let in_headline = {
            let k = doc.headlines.partition_point(|&(_, end)| end <= open_b);
            doc.headlines
                .get(k)
                .is_some_and(|&(start, _)| start <= open_b)
        };
        if double_style && !in_headline && is_single(&span) {
            continue;
        }
        // A title after a preposition: on “Fox and Friends”, in “The Atlantic”.
        let after_preposition = PREPOSITIONS
            .iter()
            .any(|p| lead_lower.strip_suffix(p).is_some_and(|r| r.ends_with(' ')));
        let title_case = inner
            .split_whitespace()
            .filter(|w| w.chars().count() > 3)
            .all(|w| w.starts_with(char::is_uppercase));
        if after_preposition && title_case && words <= 6 && !in_headline {
            continue;
        }
        // A title of a work or show, a slogan: by the words around it (`names_a_work`).
        let title_words = title_case_words(inner);
        if title_words.is_some_and(|n| n >= 1) && words <= 10 && names_a_work(lead, tail) {
            continue;
        }
        // A nickname between two parts of a name: Qassem "the Shadow Commander" Soleimani.
        if !in_headline
            && lead_trimmed.ends_with(|c: char| c.is_alphabetic())
            && tail.trim_start().starts_with(char::is_uppercase)
            && !inner.trim_end().ends_with([',', '.', '?', '!'])
            && words <= 4
        {
            // The lead's last word starts after the last whitespace before its end.
            let word_end = lead_from + lead_trimmed.len();
            if word_end < ws_upto {
                (ws_upto, last_ws) = (lead_from, None);
            }
            for (i, c) in text[ws_upto..word_end].char_indices() {
                if c.is_whitespace() {
                    last_ws = Some((ws_upto + i, c.len_utf8()));
                }
            }
            ws_upto = word_end;
            let word_start = last_ws
                .filter(|&(i, _)| i >= lead_from)
                .map_or(lead_from, |(i, len)| i + len);
            if text[word_start..].starts_with(char::is_uppercase) {
                continue;
            }
        }
        // A cue after the quote follows its punctuation: `“...,” he said`, `“...”, he said`;
        // a quote that runs on into the sentence (`an “imminent” threat, ...`) has none there.
        // A quote whose inner quote closes with it ends with that quote's punctuation:
        // `“... the ‘wrong choice,’” she said`.
        let punctuated = inner
            .trim_end()
            .trim_end_matches(['’', '\'', '‘'])
            .ends_with([',', '.', '?', '!', '…'])
            || tail
                .trim_start()
                .starts_with([',', '.', '?', '!', '—', '–', '―']);
        let sentence = doc.sentence(lead_from, open_b);
        // A headline capitalises its cues too: “Clinton Says ‘...’”, “‘...’, Noah Says”.
        let (sentence, tail) = if in_headline {
            (cues_lowered(sentence), cues_lowered(tail))
        } else {
            (Cow::Borrowed(sentence), Cow::Borrowed(tail))
        };
        let (sentence, tail) = (sentence.as_ref(), tail.as_ref());
        // The sentence lead is blank when nothing but whitespace follows its start; then it
        // names no speaker either.
        let sentence_blank =
            doc.sentence_start(lead_from, open_b) >= lead_from + lead_trimmed.len();
        let found = punctuated
            .then(|| fits(speaker::after(tail)).or_else(|| fits(speaker::dash(tail))))
            .flatten()
            .or_else(|| {
                (!sentence_blank)
                    .then(|| {
                        fits(speaker::before(sentence))
                            .or_else(|| fits(speaker::colon_lead(sentence)))
                            .or_else(|| fits(speaker::partial(sentence)))
                    })
                    .flatten()
            })
            .or_else(|| {
                // A quote that opens its sentence and runs on into it: the cue at the
                // sentence's end, `“...” of the plan, Smith said.`
                (sentence_blank && !punctuated)
                    .then(|| run_on(&doc, byte_at[after_end], byte_at[para_end]))
                    .flatten()
            })
            .or_else(|| {
                // A quote opening a paragraph after a lead-in: "... Merkel told reporters:"
                if !lead_blank {
                    return None;
                }
                let (prev_start, prev_end) = doc.previous_paragraph(para_start)?;
                let prev = slice(prev_start, prev_end).trim_end();
                prev.ends_with(':')
                    .then(|| {
                        let from = byte_at[prev_start];
                        let s = doc.sentence(from, from + prev.len());
                        fits(speaker::before(s))
                            .or_else(|| fits(speaker::colon_lead(s)))
                            .or_else(|| {
                                fits(lead_in_person(
                                    text,
                                    from + prev.len() - s.len(),
                                    s,
                                    &people,
                                ))
                            })
                    })
                    .flatten()
            })
            .or_else(|| {
                // "... Pompeo named two militia leaders in a tweet, writing: “"
                sentence
                    .trim_end()
                    .ends_with(':')
                    .then(|| {
                        fits(lead_in_person(
                            text,
                            open_b - sentence.len(),
                            sentence,
                            &people,
                        ))
                    })
                    .flatten()
            });
        let starts_sentence = sentence_blank
            || lead_trimmed.ends_with(':')
            || found.as_ref().is_some_and(|_| lead_trimmed.ends_with(','));
        if found.is_none() && words <= 2 {
            continue; // a scare quote
        }
        // Single marks as the outer ones are the mark of headlines, crossheads and pull
        // quotes as often as of quotations: with no cue and no colon before, none.
        let single = is_single(&span);
        if single && found.is_none() && !lead_trimmed.ends_with(':') {
            continue;
        }
        // A heading that is nothing but a quoted phrase, with no cue: a crosshead or a
        // pull quote, which repeats words the text gives with their speaker.
        if found.is_none() && in_headline && lead_blank && tail.trim().trim_matches('.').is_empty()
        {
            continue;
        }
        // A name in Title Case inside the reporter's sentence, with no cue: a title, a
        // slogan or a nickname ("the “Gang of Eight,” which ...", "his ''Feel the Bern'' wave").
        // A headline's `Name: ‘...’` is the headline form of a quotation, though.
        if found.is_none()
            && !sentence_blank
            && !(in_headline && lead_trimmed.ends_with(':'))
            && title_words.is_some_and(|n| n >= 2)
            && words <= 8
            && !after_words_of_saying(lead)
        {
            continue;
        }
        let kind = if starts_sentence
            && (words >= 4 || inner.trim_end().ends_with(['.', ',', '?', '!']))
        {
            Kind::Direct
        } else {
            Kind::Partial
        };
        pending.push(Pending {
            quote: Quote {
                text: inner.to_string(),
                start: span.start,
                end: span.end,
                kind,
                speaker: None,
                speaker_as_written: None,
                cue: None,
            },
            who: found.map(|a| (a.as_written, a.cue)),
            at: open_b,
            para: para_start,
            whole_paragraph: lead_blank && tail.trim_start().is_empty(),
        });
    }
    let marked: Vec<Quote> = pending.iter().map(|p| p.quote.clone()).collect();
    for (q, who, at) in indirect(&doc, &marked) {
        let para = doc.paragraph_start(q.start);
        pending.push(Pending {
            quote: q,
            who: Some(who),
            at,
            para,
            whole_paragraph: false,
        });
    }
    pending.sort_by_key(|p| p.quote.start);
    let quoted: Vec<(usize, usize)> = marked
        .iter()
        .map(|q| (byte_at[q.start], byte_at[q.end]))
        .collect();
    let subjects = speaker::sentence_subjects(text, &people, &quoted);
    let mut out = resolve(text, pending, &people, &subjects);
    ranker::choose(text, &mut out, &people, model);
    out
}

/// The cue at the end of the sentence that a quote runs on into, `from` (bytes) just after the
/// closing mark and `to` its paragraph's end: `“...” of the plan, Smith said.` One of the
/// sentence's last commas opens a speaker and its cue (`speaker::after`); a quote mark before
/// the sentence's end, or a sentence longer than `SENTENCE_WINDOW`, gives none.
fn run_on(doc: &Doc, from: usize, to: usize) -> Option<speaker::Attribution> {
    let k = doc.cuts.partition_point(|&c| c <= from);
    let end = doc.cuts.get(k).map_or(to, |&c| c.min(to));
    let rest = doc.text.get(from..end)?;
    if rest.len() > SENTENCE_WINDOW || rest.contains(['“', '”', '"', '«', '»', '„']) {
        return None;
    }
    rest.rmatch_indices(',')
        .take(3)
        .find_map(|(i, _)| fits(speaker::after(&rest[i..])))
}

/// An attribution whose speaker is no longer than `MAX_SPEAKER`: a longer one is none.
fn fits(a: Option<speaker::Attribution>) -> Option<speaker::Attribution> {
    a.filter(|a| a.as_written.len() <= MAX_SPEAKER)
}

/// A quote waiting for its speaker: the words at its cue, if any, and where it is.
struct Pending {
    quote: Quote,
    /// The speaker as written and the cue.
    who: Option<(String, String)>,
    /// Byte offset of the cue or the quote, for what was said before it.
    at: usize,
    /// The char offset of the quote's paragraph.
    para: usize,
    /// The quote is its paragraph, with no words around it.
    whole_paragraph: bool,
}

/// The first person a colon lead-in names: "Helima Croft, head of commodity strategy at RBC
/// Capital Markets, put it bluntly in a note to clients:". `at` is the byte offset of `lead`,
/// a sentence lead (`sentence_lead`).
fn lead_in_person(
    text: &str,
    at: usize,
    lead: &str,
    people: &speaker::People,
) -> Option<speaker::Attribution> {
    let s = sentence_lead(lead);
    let from = at + (lead.len() - s.len());
    let to = at + lead.len();
    let (p, name) = people.first_within(from, to)?;
    let after = text.get(p + name.len()..to).unwrap_or("");
    let cue = after
        .split_whitespace()
        .find(|w| w.starts_with(char::is_lowercase))
        .unwrap_or("said")
        .trim_end_matches([':', ','])
        .to_string();
    Some(speaker::Attribution {
        as_written: name.to_string(),
        cue,
    })
}

/// Gives every quote its speaker, in text order: the words at its cue made canonical (a
/// pronoun to the person last speaking or last opening a sentence, "the official" to the
/// role introduced, "one of them" to the group last speaking, a surname to the full name);
/// a quote with no cue inherits the last speaker when it is a paragraph of its own or
/// follows that speaker in the same paragraph. What came before is kept as running state
/// (the last speakers, by kind and by noun), never re-read.
fn resolve(
    text: &str,
    pending: Vec<Pending>,
    people: &speaker::People,
    subjects: &[(usize, String)],
) -> Vec<Quote> {
    let mut out: Vec<Quote> = Vec::with_capacity(pending.len());
    // The role phrases, found the first time a speaker needs them.
    let roles: std::cell::OnceCell<speaker::Roles> = std::cell::OnceCell::new();
    let mut last: Option<String> = None;
    let mut last_para: Option<usize> = None;
    // Speakers so far: the singular ones (byte offset, canonical), the last plural one, the
    // last organisation (a capitalised speaker who is not a person), and by head noun the last
    // speaker not written with "the" (for "the official" after "one military official").
    let mut singular: Vec<(usize, String)> = Vec::new();
    let mut last_plural: Option<String> = None;
    let mut last_org: Option<(usize, String)> = None;
    let mut by_noun: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    // Who is known to be a woman (true) or a man (false), from pronouns and titles.
    let mut gender: std::collections::HashMap<String, bool> = std::collections::HashMap::new();
    for p in pending {
        let mut q = p.quote;
        match p.who {
            Some((as_written, cue)) => {
                let lower = as_written.to_lowercase();
                let canon = match lower.as_str() {
                    "he" | "she" => {
                        // The nearest person who opened a sentence or spoke, skipping anyone
                        // a pronoun or title of the other gender went to.
                        let female = lower == "she";
                        let before = subjects.partition_point(|(s, _)| *s < p.at);
                        let mut near: Vec<(usize, &String)> = singular
                            .iter()
                            .rev()
                            .take(8)
                            .map(|(s, n)| (*s, n))
                            .chain(
                                subjects[..before]
                                    .iter()
                                    .rev()
                                    .take(8)
                                    .map(|(s, n)| (*s, n)),
                            )
                            .collect();
                        // Latest first; at the same place a speaker comes before a subject.
                        near.sort_by_key(|n| std::cmp::Reverse(n.0));
                        near.iter()
                            .find(|(_, n)| {
                                gender.get(*n).is_none_or(|g| *g == female) && could_be(n, female)
                            })
                            .map(|(_, n)| (*n).clone())
                            .or_else(|| speaker::canonical(&as_written, p.at, people))
                    }
                    "they" | "one of them" | "some of them" | "many of them" | "both of them" => {
                        last_plural.clone().or_else(|| Some(as_written.clone()))
                    }
                    _ => earlier_group(text, &as_written, p.at, last_org.as_ref(), people)
                        .or_else(|| earlier_role(&as_written, &by_noun))
                        .or_else(|| {
                            roles
                                .get_or_init(|| speaker::Roles::new(text))
                                .earlier(&as_written, p.at)
                        })
                        .or_else(|| speaker::canonical(&as_written, p.at, people)),
                };
                // Quotes without a cue inherit the speaker: a "name" of a long run of letters
                // would be copied into each of them.
                let canon = canon.filter(|c| c.len() <= MAX_SPEAKER);
                if let Some(c) = &canon {
                    if is_plural(c) {
                        last_plural = Some(c.clone());
                    } else {
                        singular.push((p.at, c.clone()));
                    }
                    // An organisation: a name ("Kataib Hezbollah") or a description whose head
                    // is an organisation's ("The U.S.-led coalition"), not a person's role
                    // ("One military official").
                    let head = c.rsplit(' ').next().unwrap_or("");
                    if c.starts_with(char::is_uppercase)
                        && !people.is_person(c)
                        && (head.starts_with(char::is_uppercase)
                            || ORGANISATION_NOUNS.contains(&head.to_lowercase().as_str()))
                    {
                        last_org = Some((p.at, c.clone()));
                    }
                    let title = as_written.split_whitespace().next().unwrap_or("");
                    let title = title.trim_end_matches('.');
                    if matches!(lower.as_str(), "he" | "she") {
                        gender.insert(c.clone(), lower == "she");
                    } else if title == "Mr" {
                        gender.insert(c.clone(), false);
                    } else if matches!(title, "Mrs" | "Ms" | "Miss") {
                        gender.insert(c.clone(), true);
                    }
                }
                q.speaker = canon;
                q.speaker_as_written = Some(as_written);
                q.cue = Some(cue);
            }
            None => {
                if p.whole_paragraph || last_para == Some(p.para) {
                    q.speaker = last.clone();
                }
            }
        }
        if q.speaker.is_some() {
            last = q.speaker.clone();
            last_para = Some(p.para);
        }
        if let Some(s) = &q.speaker {
            let l = s.to_lowercase();
            if !l.starts_with("the ") {
                by_noun.insert(speaker::head_noun(&l), s.clone());
            }
        }
        out.push(q);
    }
    out
}

/// Whether "he" (`female` false) or "she" may stand for speaker `n`: one person, not an
/// organisation or a group, whose first name (`lexicon`'s table) or title is not of the
/// other gender.
/// Whether a name opens with a title or a given name that says its gender ("Mr. Hale", "Ana
/// Lind"): a person's, not a company's ("Northwind Shipping Lines").
fn has_given_name(n: &str) -> bool {
    n.split_whitespace().next().is_some_and(|first| {
        lexicon::gender_of_title(first)
            .or_else(|| lexicon::gender_of_first_name(first))
            .is_some()
    })
}

fn could_be(n: &str, female: bool) -> bool {
    if is_plural(n) || n.split_whitespace().any(speaker::is_org_word) || ranker::no_noun_phrase(n) {
        return false;
    }
    let Some(first) = n.split_whitespace().next() else {
        return false;
    };
    let g = lexicon::gender_of_title(first).or_else(|| {
        n.contains(' ')
            .then(|| lexicon::gender_of_first_name(first))
            .flatten()
    });
    g.is_none_or(|g| (g == lexicon::Gender::Female) == female)
}

/// Whether a role phrase names more than one: "two Iraqi government officials", "Shipping
/// groups", "Two people familiar with the matter" (a name, "Kataib Hezbollah", is one).
fn is_plural(s: &str) -> bool {
    let lower = s.to_lowercase();
    let first = lower.split_whitespace().next().unwrap_or("");
    let described = s
        .split_whitespace()
        .any(|w| w.starts_with(char::is_lowercase));
    let head = speaker::head_noun(&lower);
    described
        && (matches!(
            first,
            "two" | "three" | "four" | "five" | "several" | "some" | "many" | "both" | "most"
        ) || matches!(
            head.as_str(),
            "people" | "men" | "women" | "police" | "staff"
        ) || (head.ends_with('s') && !head.ends_with("ss") && !is_possessive_word(&head)))
}

fn is_possessive_word(w: &str) -> bool {
    w.ends_with("’s") || w.ends_with("'s")
}

/// The nouns with which a text names again an organisation it has named ("the company said",
/// "the newspaper reported"): `earlier_group` gives them the organisation last named.
const ORGANISATION_NOUNS: &[&str] = &[
    "group",
    "movement",
    "militia",
    "organisation",
    "organization",
    "party",
    "alliance",
    "coalition",
    "company",
    "firm",
    "bank",
    "agency",
    "newspaper",
    "paper",
    "magazine",
    "network",
    "broadcaster",
    "channel",
    "station",
    "website",
    "union",
    "council",
    "committee",
    "ministry",
    "department",
    "commission",
    "institute",
    "foundation",
    "association",
    "university",
];

/// "the group" after an organisation opened a sentence ("Kataib Hezbollah, one of the most
/// hardline factions, went further.") or spoke (`spoken`, the last organisation to speak):
/// that organisation. Only the 600 bytes before `at` are read for an opener.
fn earlier_group(
    text: &str,
    as_written: &str,
    at: usize,
    spoken: Option<&(usize, String)>,
    people: &speaker::People,
) -> Option<String> {
    static R: OnceLock<Option<Regex>> = OnceLock::new();
    let lower = as_written.to_lowercase();
    let noun = lower.strip_prefix("the ")?;
    if !ORGANISATION_NOUNS.contains(&noun) {
        return None;
    }
    let from = text.floor_char_boundary(at.saturating_sub(600));
    let opener = R
        .get_or_init(|| {
            Regex::new(r"(?:^|\n|[.!?]\s+)(?P<org>(?:The\s+)?[A-Z][\p{L}-]+(?:\s+(?:al-|of\s+)?[A-Z][\p{L}-]+){0,4})(?:,|\s+[a-z])")
                .ok()
        })
        .as_ref()
        .and_then(|r| {
            // The organisation is the match less what may come before it (a line or sentence
            // end: no letters) and after it (a comma, or a space and a lower-case letter), so
            // no capture groups need resolving.
            r.find_iter(&text[from..at])
                .map(|m| {
                    let t = m.as_str();
                    let org = t.trim_start_matches(|c: char| {
                        matches!(c, '.' | '!' | '?') || c.is_whitespace()
                    });
                    let start = from + m.start() + (t.len() - org.len());
                    let org = match org.strip_suffix(',') {
                        Some(o) => o,
                        None => {
                            let last = org.chars().next_back().map_or(0, char::len_utf8);
                            org[..org.len() - last].trim_end()
                        }
                    };
                    (start, org.to_string())
                })
                // "The Iraqi" opening "The Iraqi militia said" is no name; "The Washington
                // Post" is.
                .filter(|(_, n)| {
                    let first = n.split(' ').next().unwrap_or("").to_lowercase();
                    let a_person = people.is_person(n) && has_given_name(n);
                    let opener = PREPOSITIONS.contains(&first.as_str())
                        || SENTENCE_OPENERS.contains(&first.as_str());
                    n.strip_prefix("The ").unwrap_or(n).contains(' ') && !a_person && !opener
                })
                .last()
        });
    match (opener, spoken) {
        (Some(a), Some(b)) => Some(if a.0 > b.0 { a.1 } else { b.1.clone() }),
        (a, b) => a.or(b.cloned()).map(|x| x.1),
    }
}

/// "the official" after "one military official" spoke: the last speaker with that head noun
/// not written with "the" (`by_noun`).
fn earlier_role(
    as_written: &str,
    by_noun: &std::collections::HashMap<String, String>,
) -> Option<String> {
    let lower = as_written.to_lowercase();
    let noun = speaker::head_noun(lower.strip_prefix("the ")?);
    by_noun.get(&noun).cloned()
}

/// The part of `lead` after the last sentence end (`segment::ends_sentence`).
fn sentence_lead(lead: &str) -> &str {
    let cut = lead
        .rmatch_indices(['.', '?', '!'])
        .find(|&(i, _)| i + 1 < lead.len() && segment::ends_sentence(lead, i))
        .map_or(0, |(i, _)| i + 1);
    &lead[cut..]
}

/// Reported speech without marks: "<speaker>[, aside,] said [on Monday] [that] <clause>.",
/// "... told Reuters that <clause>.", "... was quoted as saying <clause>.", "According to
/// <speaker>, <clause>."
fn indirect(doc: &Doc, quoted: &[Quote]) -> Vec<(Quote, (String, String), usize)> {
    let (text, byte_at) = (doc.text, &doc.byte_at);
    static R: OnceLock<Option<Regex>> = OnceLock::new();
    static A: OnceLock<Option<Regex>> = OnceLock::new();
    let cue = R.get_or_init(|| {
        // A lazy DFA big enough for the pattern's Unicode classes, so its cache does not
        // thrash on long texts.
        regex::RegexBuilder::new(CUE_PATTERN)
            .dfa_size_limit(32 << 20)
            .build()
            .ok()
    });
    let according = A.get_or_init(|| {
        Regex::new(r"(?:^|[.!?]\s+|\n)According\s+to\s+(?P<who>[^,]{3,80}),(?:\s+(?:a|an|the)\s[^,“”\x22«»\n]{3,80},)?\s+(?P<clause>[^“”\x22«»\n]{10,}?(?:[^A-Z.\s]|[A-Za-z][A-Z]))\.(?:\s|$)").ok()
    });
    let char_of = |b: usize| byte_at.partition_point(|&x| x < b);
    // A match that opens after a full stop ending no sentence ("Sen. ") opens mid-sentence.
    let mid_sentence =
        |at: usize| text[at..].starts_with(['.', '!', '?']) && !segment::ends_sentence(text, at);
    // Where a clause that the patterns end at a full stop ends: past an abbreviation's ("...
    // backed by Sen. Ann Marsh."), at its sentence's end, when no quote mark or line break
    // comes first.
    let clause_end = |end: usize| -> Option<usize> {
        if segment::ends_sentence(text, end) {
            return Some(end);
        }
        let k = doc.cuts.partition_point(|&c| c <= end + 1);
        let stop = doc.cuts.get(k)? - 1;
        (stop - end <= SENTENCE_WINDOW
            && !text[end..stop].contains(['“', '”', '"', '«', '»', '„', '\n']))
        .then_some(stop)
    };
    let mut out: Vec<(Quote, (String, String), usize)> = Vec::new();
    // Every span taken so far, marked or not, by start: they never overlap and none is empty,
    // so a new one overlaps one iff the last to start before its end ends after its start.
    let mut taken: std::collections::BTreeMap<usize, usize> =
        quoted.iter().map(|q| (q.start, q.end)).collect();
    let mut push = |who: &str,
                    who_at: usize,
                    cue: &str,
                    start_b: usize,
                    end_b: usize,
                    out: &mut Vec<(Quote, (String, String), usize)>| {
        if who.len() > MAX_SPEAKER {
            return;
        }
        let (start, end) = (char_of(start_b), char_of(end_b));
        if taken
            .range(..end)
            .next_back()
            .is_some_and(|(_, &e)| start < e)
        {
            return;
        }
        taken.insert(start, end);
        out.push((
            Quote {
                text: text[start_b..end_b].to_string(),
                start,
                end,
                kind: Kind::Indirect,
                speaker: None,
                speaker_as_written: None,
                cue: None,
            },
            (who.to_string(), cue.to_string()),
            who_at,
        ));
    };
    if let Some(r) = according.as_ref() {
        for c in r.captures_iter(text) {
            if c.get(0).is_some_and(|m| mid_sentence(m.start())) {
                continue;
            }
            if let (Some(w), Some(cl)) = (c.name("who"), c.name("clause")) {
                let Some(end) = clause_end(cl.end()) else {
                    continue;
                };
                // "According to data from the U.S. Energy Information Administration".
                let who = w.as_str().trim();
                let who = who.strip_prefix("data from ").unwrap_or(who);
                push(who, w.start(), "according to", cl.start(), end, &mut out);
            }
        }
    }
    // "<clause>, <speaker> said." and "<clause>, according to <speaker>.": the attribution
    // after the reported clause, as wire copy writes it.
    static T: OnceLock<Option<Regex>> = OnceLock::new();
    let trailing = T.get_or_init(|| Regex::new(TRAILING_PATTERN).ok());
    if let Some(r) = trailing.as_ref() {
        for c in r.captures_iter(text) {
            if c.get(0).is_some_and(|m| mid_sentence(m.start())) {
                continue;
            }
            let (Some(cl), Some(w)) = (c.name("clause"), c.name("who").or(c.name("who2"))) else {
                continue;
            };
            let cue_word = match c.name("cue") {
                Some(k) => k.as_str().split_whitespace().next().unwrap_or("said"),
                None => "according to",
            };
            // A dateline is not part of the clause: "KIRKUK, Iraq (Reuters) - A U.S. ...".
            let mut from = cl.start();
            let head = &text[cl.start()..cl.end()];
            for dash in [") - ", ") — ", ") – ", ": "] {
                if let Some(i) = head.find(dash) {
                    if i < 40 && head[..i].chars().filter(|ch| ch.is_uppercase()).count() >= 3 {
                        from = cl.start() + i + dash.len();
                        break;
                    }
                }
            }
            let who = w.as_str().trim();
            if who.split_whitespace().count() > 8 || who.contains(" and said") {
                continue;
            }
            push(who, w.start(), cue_word, from, cl.end(), &mut out);
        }
    }
    if let Some(r) = cue.as_ref() {
        for c in r.captures_iter(text) {
            let (Some(k), Some(cl)) = (c.name("cue"), c.name("clause")) else {
                continue;
            };
            // The subject: the sentence up to the cue (`speaker::subject`); a sentence lead
            // longer than SENTENCE_WINDOW is no sentence, and has none.
            let line = doc.line_start(k.start());
            if k.start() - doc.sentence_start(line, k.start()) > SENTENCE_WINDOW {
                continue;
            }
            let lead = doc.sentence(line, k.start());
            if lead.contains(['“', '”', '"', '«', '»', '„']) {
                continue;
            }
            let Some(who) = speaker::subject(lead) else {
                continue;
            };
            if !who.starts_with(|ch: char| ch.is_uppercase())
                && !lead.trim_start().starts_with(|ch: char| ch.is_uppercase())
            {
                continue;
            }
            let cue_word = k
                .as_str()
                .split_whitespace()
                .next()
                .unwrap_or("said")
                .to_lowercase();
            let cue_word = if cue_word == "was" || cue_word == "were" {
                "was quoted as saying".to_string()
            } else {
                cue_word
            };
            // "said in a statement." is where, not what: no clause.
            let clause = cl.as_str();
            if clause.starts_with("in a") && clause.split_whitespace().count() <= 5 {
                continue;
            }
            let Some(end) = clause_end(cl.end()) else {
                continue;
            };
            push(&who, k.start(), &cue_word, cl.start(), end, &mut out);
        }
    }
    out
}

/// A reported clause with its attribution after it: "<clause>, two Iraqi security sources
/// said." / "..., a police officer in Kirkuk said." / "..., according to the ministry."
const TRAILING_PATTERN: &str = r"(?:^|[.!?]\s+|\n)(?P<clause>[A-Z][^“”\x22«»\n]{20,}?[\p{L}\d)%]),\s+(?:(?P<cue2>according\s+to)\s+(?P<who2>[^,“”\x22«»\n.]{3,60})|(?P<who>(?:[Aa]n?|[Tt]he|[Tt]wo|[Tt]hree|[Ss]everal|[Ss]ome|[Oo]ne|[Mm]any|U\.S\.|[A-Z][\p{L}’'-]+\.?)(?:\s+(?:U\.S\.|[\p{L}’'-]+\.?)){0,9}?)\s+(?P<cue>said|says|reported|added|told\s+(?:reporters|[A-Z][\p{L}]+)))(?:\s+(?:in\s+an?\s+(?:[A-Z][a-z]+day\s+)?(?:statement|email|tweet|post|interview)|on\s+[A-Z][a-z]+day|on\s+Twitter))*\.(?:\s|$)";

/// A cue of reported speech and the clause it reports.
const CUE_PATTERN: &str = r"(?P<cue>(?-u:\b)(?:said|says|announced|warned|added|argued|insisted|acknowledged|told\s+(?:reporters|the\s+[A-Z][\p{L}]+(?:\s+[A-Z][\p{L}]+){0,2}|[A-Z][\p{L}]+(?:\s+[A-Z][\p{L}]+){0,2})|(?:was|were)\s+quoted\s+(?:by\s+[^,.“”]{1,60}?\s+)?as\s+saying))(?:\s+(?:in\s+a\s+statement|here|there|later|earlier))?(?:\s+(?:on|late\s+on|early\s+on|in|at)\s+[A-Z][\p{L}]+(?:\s+[A-Z][\p{L}]+)?|\s+(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday))?(?:\s+that)?\s+(?P<clause>[^\s“”\x22«»,][^“”\x22«»\n]{10,}?(?:[^A-Z.\s]|[A-Za-z][A-Z]))\.(?:\s|$)";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribution_after_the_clause() {
        let text = "KIRKUK, Iraq (Reuters) - More than 30 rockets struck the K1 base shortly after sunset, two Iraqi security sources said.\n\nThe field was producing around 82,000 barrels per day, according to the oil ministry.\n\nThe militia said in a statement.";
        let q = extract(text);
        assert_eq!(q.len(), 2, "{q:#?}");
        assert!(
            q[0].text.starts_with("More than 30 rockets"),
            "the dateline is not part of it"
        );
        assert_eq!(q[0].kind, Kind::Indirect);
        assert_eq!(q[0].speaker.as_deref(), Some("two Iraqi security sources"));
        assert_eq!(q[1].cue.as_deref(), Some("according to"));
        assert!(q[1].text.ends_with("per day"));
    }

    #[test]
    fn the_sample_posts_kinds() {
        let text = "Secretary of State Michael Pompeo spoke on Monday.\n\n“They took a strike at an American facility,” Pompeo said Monday on “Fox and Friends.” US officials called it a “defensive action” to counter Iran.\n\nOne official said the United States was looking into the possible involvement of Kataib Hezbollah.\n\n“I think that they will retaliate,” one military official said, referring to Kataib Hezbollah.\n\n“And it will not be the last time.”";
        let q = extract(text);
        let find = |t: &str| {
            q.iter()
                .find(|x| x.text.starts_with(t))
                .unwrap_or_else(|| panic!("{t}: {q:#?}"))
        };
        let a = find("They took a strike");
        assert_eq!(a.kind, Kind::Direct);
        assert_eq!(a.speaker.as_deref(), Some("Michael Pompeo"));
        assert_eq!(a.speaker_as_written.as_deref(), Some("Pompeo"));
        assert!(
            !q.iter().any(|x| x.text.starts_with("Fox and Friends")),
            "a title is not a quote"
        );
        let p = find("defensive action");
        assert_eq!(p.kind, Kind::Partial);
        let i = find("the United States was looking into");
        assert_eq!(i.kind, Kind::Indirect);
        assert_eq!(i.speaker.as_deref(), Some("One official"));
        let m = find("I think that they will retaliate");
        assert_eq!(m.speaker.as_deref(), Some("one military official"));
        let inherit = find("And it will not be the last time");
        assert_eq!(inherit.speaker.as_deref(), Some("one military official"));
        let chars: Vec<char> = text.chars().collect();
        for x in &q {
            assert_eq!(chars[x.start..x.end].iter().collect::<String>(), x.text);
        }
    }

    fn speaker_of<'a>(q: &'a [Quote], start: &str) -> Option<&'a str> {
        q.iter()
            .find(|x| x.text.starts_with(start))
            .unwrap_or_else(|| panic!("{start}: {q:#?}"))
            .speaker
            .as_deref()
    }

    #[test]
    fn pronouns_after_a_change_of_speaker() {
        let text = "Iranian Foreign Minister Mohammad Javad Zarif met Chinese Foreign Minister Wang Yi on Tuesday. Wang Yi said China wanted calm.\n\nZarif briefed Wang on the situation. He said Iran did not seek to escalate tensions.\n\n“We will defend ourselves,” he said.";
        let q = extract(text);
        assert_eq!(
            speaker_of(&q, "Iran did not seek"),
            Some("Mohammad Javad Zarif")
        );
        assert_eq!(
            speaker_of(&q, "We will defend"),
            Some("Mohammad Javad Zarif")
        );
    }

    #[test]
    fn split_quotes_groups_and_cue_less_runs() {
        let text = "Turkish President Recep Tayyip Erdogan spoke on Sunday.\n\n\"Our soldiers are going there,\" Erdogan said, \"and they are moving now.\"\n\nKataib Hezbollah, one of the hardline factions, went further. \"Any soldier who stays will be treated as an occupier,\" the group said.\n\nTwo Iraqi officials told Reuters the march would be peaceful. \"Nobody wants a clash today,\" one of them said.\n\nArmy Gen. Mark Milley, the chairman of the Joint Chiefs of Staff, spoke next. He said the military was prepared for retaliation.\n\n\"We are postured to respond to anything.\"\n\n\"Our forces in the region are ready.\"";
        let q = extract(text);
        assert_eq!(speaker_of(&q, "Our soldiers"), Some("Recep Tayyip Erdogan"));
        assert_eq!(
            speaker_of(&q, "and they are moving"),
            Some("Recep Tayyip Erdogan")
        );
        assert_eq!(speaker_of(&q, "Any soldier"), Some("Kataib Hezbollah"));
        assert_eq!(speaker_of(&q, "Nobody wants"), Some("Two Iraqi officials"));
        assert_eq!(
            speaker_of(&q, "the military was prepared"),
            Some("Mark Milley")
        );
        assert_eq!(speaker_of(&q, "We are postured"), Some("Mark Milley"));
        assert_eq!(speaker_of(&q, "Our forces"), Some("Mark Milley"));
    }

    #[test]
    fn headlines_quote_in_single_marks_and_capitalise_cues() {
        let text = "Mayor Lund: ‘We Will Rebuild the Bridge’\n\nHarbour Town, Norway — The mayor spoke on Friday.\n\n'Nobody Will Be Left Behind,' Lund Says\n\nThe town council met later.";
        let q = extract(text);
        assert_eq!(speaker_of(&q, "We Will Rebuild"), Some("Lund"));
        assert_eq!(speaker_of(&q, "Nobody Will Be"), Some("Lund"));
    }

    #[test]
    fn single_marks_without_a_cue_and_crossheads_are_no_quotes() {
        // A text in double marks holds words at a distance in single ones; a heading that is
        // only a quoted phrase repeats words the text gives with their speaker.
        let text = "The ministry said its policy of ‘quiet support’ would continue, officials said.\n\n“Nobody leaves the harbour,” said Ana Lind, the port director.\n\n“Nobody Leaves the Harbour”\n\nShips waited outside.";
        let q = extract(text);
        assert!(q.iter().all(|x| x.text != "quiet support"), "{q:?}");
        assert_eq!(
            q.iter().filter(|x| x.text.starts_with("Nobody")).count(),
            1,
            "{q:?}"
        );
        // With no double marks anywhere, a cue-less phrase in single ones is no quote either.
        let q = extract("The plan, dubbed ‘Operation Lantern’ by staff, begins in May.");
        assert!(q.iter().all(|x| x.kind == Kind::Indirect), "{q:?}");
    }

    #[test]
    fn the_company_is_the_organisation_last_named() {
        let text = "Northwind Shipping Lines, the largest carrier on the route, cut sailings on Monday. “We cannot insure the cargo,” the company said.\n\nThe Harbour Gazette, which first reported the cuts, went further. “Three more carriers will follow,” the newspaper wrote.";
        let q = extract(text);
        assert_eq!(
            speaker_of(&q, "We cannot insure"),
            Some("Northwind Shipping Lines")
        );
        assert_eq!(
            speaker_of(&q, "Three more carriers"),
            Some("The Harbour Gazette")
        );
    }

    #[test]
    fn pronouns_agree_in_gender() {
        let text = "Helima Croft, head of strategy at a bank, spoke first. “Prices will rise,” she said.\n\nAhmed Karim, a trader in Dubai, disagreed. “They will fall,” he said. “Maybe not,” she said.";
        let q = extract(text);
        assert_eq!(speaker_of(&q, "Prices will rise"), Some("Helima Croft"));
        assert_eq!(speaker_of(&q, "They will fall"), Some("Ahmed Karim"));
        assert_eq!(speaker_of(&q, "Maybe not"), Some("Helima Croft"));
    }

    #[test]
    fn odd_text_does_not_panic() {
        for t in [
            "",
            "“",
            "”, said",
            "said: “",
            "According to , .",
            "X, , said that it.",
            "BEIRUT (AFP) -- , said: «»",
            "“a,” he said, “b” — she said; they said: „c“ … «d» one of them said the group said.",
            "É “Ünïcödé,” Ñame Šurname said. He said it was “fine”.\n\n“Yes.”",
        ] {
            let _ = extract(t);
        }
    }

    /// `unit` repeated to at least `size` bytes.
    fn repeated(unit: &str, size: usize) -> String {
        unit.repeat(size.div_ceil(unit.len()))
    }

    /// Words and quote marks drawn at random (a fixed linear congruential sequence), joined by
    /// spaces, with no line break: one paragraph of `size` bytes or a little more.
    fn random_words(size: usize) -> String {
        let words = [
            "the", "said", "\"quote", "now\"", "he", "told", "Reuters", "“Yes", "no”", ",", "and",
        ];
        let mut x: u64 = 1;
        let mut out = String::with_capacity(size + 16);
        while out.len() < size {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            out.push_str(words[(x >> 33) as usize % words.len()]);
            out.push(' ');
        }
        out
    }

    /// What must hold of any extraction: quotes in text order, not overlapping, each its
    /// offsets' text; with `in_paragraph`, none runs over a blank line.
    fn well_formed(text: &str, quotes: &[Quote], in_paragraph: bool) {
        let chars: Vec<char> = text.chars().collect();
        for (i, q) in quotes.iter().enumerate() {
            assert!(q.start < q.end && q.end <= chars.len(), "{q:?}");
            assert_eq!(chars[q.start..q.end].iter().collect::<String>(), q.text);
            if in_paragraph {
                assert!(!q.text.contains("\n\n"), "over a paragraph: {q:?}");
            }
            if i > 0 {
                assert!(quotes[i - 1].end <= q.start, "overlap: {q:?}");
            }
        }
    }

    #[test]
    fn forty_thousand_attributed_paragraphs() {
        // Every speaker look-up used to read all the text before it.
        let text =
            "“We will not allow this to happen again,” the spokesman said.\n\n".repeat(40_000);
        let q = extract(&text);
        assert_eq!(q.len(), 40_000);
        well_formed(&text, &q, true);
        assert!(q
            .iter()
            .all(|x| x.speaker.as_deref() == Some("the spokesman")
                && x.kind == Kind::Direct
                && x.cue.as_deref() == Some("said")
                && x.text == "We will not allow this to happen again,"));
    }

    #[test]
    fn a_long_paragraph_of_random_words_and_marks() {
        // No sentence end and no line break: every quote's sentence used to be the whole text
        // before it.
        let text = random_words(300_000);
        let q = extract(&text);
        assert!(q.len() > 3_000, "{}", q.len());
        well_formed(&text, &q, true);
        assert!(q.iter().filter(|x| x.speaker.is_some()).count() > 1_000);
        // A cue is read from the words next to the quote, never from far back.
        for x in q.iter().filter(|x| x.cue.is_some()) {
            let who = x.speaker_as_written.as_deref().unwrap_or("");
            assert!(
                matches!(who, "he" | "Reuters" | "Yes") || who.len() < 120,
                "{x:?}"
            );
        }
    }

    #[test]
    fn unbalanced_and_bare_quote_marks() {
        // An opening mark that never closes runs to its paragraph's end, once.
        let text = repeated("word “ more words here ", 200_000);
        let q = extract(&text);
        assert_eq!(q.len(), 1, "{:?}", q.first());
        well_formed(&text, &q, true);
        let text = "“This one is never closed.\n\nNext para is plain.\n\n".repeat(5_000);
        let q = extract(&text);
        assert_eq!(q.len(), 5_000);
        well_formed(&text, &q, true);
        assert!(q.iter().all(|x| x.text == "This one is never closed."));
        // Marks and nothing between them: nothing to quote.
        for unit in ["“”\"«»„‘’", "“", "\"", "\"a\" "] {
            let text = repeated(unit, 100_000);
            assert!(extract(&text).is_empty(), "{unit}");
        }
    }

    #[test]
    fn many_short_paragraphs_and_repeated_words() {
        for unit in [
            "Yes.\n\n",
            "He said.\n\n",
            "the ",
            "said ",
            "don’t it's Iraq’s ’90s ' ‘ ’ rock ’n’ roll ",
            "The Big Red House Of Cards Stands Tall ",
            "Mr. ",
            "Gen. Smith ",
            "\n",
            " ",
            "a, ",
        ] {
            let text = repeated(unit, 200_000);
            assert!(extract(&text).is_empty(), "{unit:?}");
        }
    }

    #[test]
    fn single_newline_paragraphs_and_abbreviations_repeated() {
        // 30,000 paragraphs at single newlines, each with a party tag in its speaker phrase.
        let text = "“Yes, we will,” Rep. Ann Dorsey (D-Ore.) said.\n".repeat(30_000);
        let q = extract(&text);
        assert_eq!(q.len(), 30_000);
        well_formed(&text, &q, true);
        assert!(q.iter().all(|x| x.speaker.as_deref() == Some("Ann Dorsey")));
        // Quotes that run on into their sentence, and dash attributions.
        let text =
            "''We admire it'' of the plan, Mr. Okafor said.\n“Roads first.” ― Dana Whitfield\n"
                .repeat(15_000);
        let q = extract(&text);
        assert_eq!(q.len(), 30_000);
        well_formed(&text, &q, true);
        assert!(q.iter().all(|x| x.speaker.is_some()));
        // Abbreviations, brackets and dashes with nothing to quote.
        for unit in [
            "Sen. (R-Ky. ",
            "( ",
            "— ",
            "\n \n",
            "U.S. Ltd. p.m. ",
            "Title Case Line\n",
        ] {
            let text = repeated(unit, 200_000);
            assert!(extract(&text).is_empty(), "{unit:?}");
        }
    }

    #[test]
    fn names_and_pronouns_repeated() {
        // 30,000 paragraphs: a pronoun goes to the one speaker, however many came before.
        let text = "“We will respond,” said Mike Pompeo.\n\n“Yes,” he said.\n\n".repeat(30_000);
        let q = extract(&text);
        assert_eq!(q.len(), 60_000);
        well_formed(&text, &q, true);
        assert!(q
            .iter()
            .all(|x| x.speaker.as_deref() == Some("Mike Pompeo")));
        // A surname goes to the full name, with the name written 20,000 times.
        let text = "“Yes,” Pompeo said. Mike Pompeo met Wang Yi. ".repeat(20_000);
        let q = extract(&text);
        assert_eq!(q.len(), 20_000);
        assert!(q.iter().all(|x| x.speaker.as_deref() == Some("Mike Pompeo")
            && x.speaker_as_written.as_deref() == Some("Pompeo")));
    }

    #[test]
    fn roles_and_groups_repeated() {
        // "the official" goes back to the role that spoke, "the group" to the organisation.
        let text = "Kataib Hezbollah, one of the factions, went further.\n\n“Yes,” a senior U.S. official said.\n\n“No,” the official said.\n\n“Maybe,” the group said.\n\n".repeat(10_000);
        let q = extract(&text);
        assert_eq!(q.len(), 30_000);
        well_formed(&text, &q, true);
        for x in q.chunks(3) {
            assert_eq!(x[0].speaker.as_deref(), Some("a senior U.S. official"));
            assert_eq!(x[1].speaker.as_deref(), Some("a senior U.S. official"));
            assert_eq!(x[2].speaker.as_deref(), Some("Kataib Hezbollah"));
        }
    }

    #[test]
    fn reported_speech_repeated() {
        let text = "One official said the United States was looking into it.\n\nAccording to the ministry, the field was producing around 82,000 barrels per day.\n\n".repeat(10_000);
        let q = extract(&text);
        assert_eq!(q.len(), 20_000);
        well_formed(&text, &q, true);
        assert!(q.iter().all(|x| x.kind == Kind::Indirect));
        assert!(q
            .chunks(2)
            .all(|x| x[0].speaker.as_deref() == Some("One official")
                && x[1].speaker.as_deref() == Some("the ministry")));
    }

    #[test]
    fn a_giant_name_is_not_copied_into_every_quote() {
        // Quotes without a cue inherit the last speaker: a 100 KB "name" is none.
        let name = format!("X{}", "x".repeat(100_000));
        let text = format!(
            "{name} Smith spoke.\n\n“Yes, we will,” he said.\n\n{}",
            "“And again we will respond.”\n\n".repeat(2_000)
        );
        let q = extract(&text);
        assert_eq!(q.len(), 2_001);
        well_formed(&text, &q, true);
        assert!(q.iter().all(|x| x.speaker.is_none()));
        assert_eq!(q[0].speaker_as_written.as_deref(), Some("he"));
    }

    #[test]
    fn deep_nesting_needs_no_deep_stack() {
        // 10,000 marks deep, then 10,000 closing: nothing recurses on the text's structure,
        // so a thread with a small stack (half a MiB) reads it.
        let depth = 10_000;
        let text = format!(
            "He said: {}{}",
            "“a ‘b ".repeat(depth),
            "c’ d” ".repeat(depth)
        );
        let q = std::thread::Builder::new()
            .stack_size(512 * 1024)
            .spawn(move || {
                let q = extract(&text);
                (text, q)
            })
            .expect("a thread")
            .join()
            .expect("no overflow");
        let (text, q) = q;
        well_formed(&text, &q, true);
        let first = q.first().expect("the outer quote");
        assert_eq!(first.start, "He said: “".chars().count());
        assert_eq!(first.speaker_as_written.as_deref(), Some("He"));
        assert_eq!(first.cue.as_deref(), Some("said"));
    }

    #[test]
    fn a_long_sentence_keeps_its_speaker() {
        // Below the window a sentence is read whole: its subject, 600 bytes before the quote,
        // is the speaker of the partial quote at its end.
        let sentence = |n: usize| {
            let middle = "and then the talks went on for many more hours ".repeat(n);
            format!("Smith said the {middle}which was “a very long day indeed”.")
        };
        let text = sentence(13);
        let q = extract(&text);
        assert_eq!(q.len(), 1, "{q:?}");
        assert_eq!(q[0].text, "a very long day indeed");
        assert_eq!(q[0].speaker.as_deref(), Some("Smith"));
        // Past it, a “sentence” of 2,000 bytes without a full stop is not read back to its
        // first words: the quote at its end has no cue.
        let text = sentence(42);
        let q = extract(&text);
        assert_eq!(q.len(), 1, "{q:?}");
        assert_eq!(q[0].text, "a very long day indeed");
        assert_eq!((q[0].speaker.as_deref(), q[0].cue.as_deref()), (None, None));
    }

    #[test]
    fn paragraphs_at_single_newlines() {
        // A text whose paragraphs break at single newlines: its Title Case headline names
        // nobody, and a cue in the next paragraph is not the quote's.
        let text = "Governor Ann Marsh Signs Water Bill Into Law\nGov. Ann Marsh signed the water bill on Friday.\n“It will cost farmers dearly,” Marsh said.\n“We will appeal the ruling.”\nThe growers’ union said it would study the law first.";
        let q = extract(text);
        assert_eq!(speaker_of(&q, "It will cost"), Some("Ann Marsh"));
        let appeal = q
            .iter()
            .find(|x| x.text.starts_with("We will appeal"))
            .unwrap_or_else(|| panic!("{q:#?}"));
        assert_eq!(appeal.cue, None, "{appeal:?}");
        assert_eq!(appeal.speaker.as_deref(), Some("Ann Marsh"));
    }

    #[test]
    fn abbreviations_end_no_sentence() {
        // The sentence of a partial quote runs on over "Dr." to its subject.
        let text = "Sen. Ann Marsh said the plan, which Dr. Lee Chu drafted, was “a gift to the big landlords”.";
        let q = extract(text);
        let gift = q
            .iter()
            .find(|x| x.text.starts_with("a gift to"))
            .unwrap_or_else(|| panic!("{q:#?}"));
        assert_eq!(
            (gift.speaker.as_deref(), gift.cue.as_deref()),
            (Some("Ann Marsh"), Some("said"))
        );
        // Nor does a company's "Ltd." inside the speaker phrase after the cue.
        let q =
            extract("“Rates will rise again,” said Brightwater Ltd. chief economist Dana Ruiz.");
        assert_eq!(speaker_of(&q, "Rates will rise"), Some("Dana Ruiz"));
    }

    #[test]
    fn nested_closes_and_quotes_that_run_on() {
        // The cue after a quote whose inner quote closes with it.
        let q = extract("“Parents ask me, ‘Why is the school still shut?’” Walden said.\n\n\"Voters tell me, 'It is about rent,'\" said Ana Ruiz, an organizer in Toledo.\n\n''They said, 'Not this year,''' Okafor said.");
        assert_eq!(speaker_of(&q, "Parents ask me"), Some("Walden"));
        assert_eq!(speaker_of(&q, "Voters tell me"), Some("Ana Ruiz"));
        assert_eq!(speaker_of(&q, "They said"), Some("Okafor"));
        // A quote that opens a sentence and runs on into it: the cue at its end.
        let q = extract("''We admire the ambition'' of the new budget plan, Mr. Okafor said.");
        assert_eq!(speaker_of(&q, "We admire"), Some("Okafor"));
    }

    #[test]
    fn dash_attributions_and_short_quotes_with_a_speaker() {
        let text = "Readers wrote in about the bus cuts.\n\n“We need better roads, not fewer buses.” ― Dana Whitfield\n\n\"Subpoenas matter,\" panel Chairman Rep. Tom Vale (R-Ohio) said after the hearing.";
        let q = extract(text);
        let roads = q
            .iter()
            .find(|x| x.text.starts_with("We need better roads"))
            .unwrap_or_else(|| panic!("{q:#?}"));
        assert_eq!(
            (roads.speaker.as_deref(), roads.cue.as_deref()),
            (Some("Dana Whitfield"), Some("—"))
        );
        // Two words with a cue are a quote, not a scare quote.
        assert_eq!(speaker_of(&q, "Subpoenas matter"), Some("Tom Vale"));
    }

    #[test]
    fn titles_of_works_shows_and_slogans_are_not_quotes() {
        let text = "Marsh told NBC’s “Meet the Voters” on Sunday that she would run.\n\nVale is the host of “Night Desk Live,” a late show.\n\nIn her memoir, ''A Long Road Home,'' she wrote about the farm.\n\nThe “Orange Grove” star backed her.\n\n“Harbor Lights,” by Lena Ruiz, sold well.\n\nRuiz joined the “Blue Dog Circle” in March.\n\nShe spoke in an interview with “Sunday Hour.”\n\nIn his 2009 book, “Save Early, Sleep Well,” Mr. Orr suggested a budget.\n\nAna Lind's commentary, “Keep Your Ferries, Lisbon,” is thoughtful.";
        let q = extract(text);
        assert!(
            q.iter().all(|x| x.kind == Kind::Indirect),
            "{:#?}",
            q.iter()
                .filter(|x| x.kind != Kind::Indirect)
                .collect::<Vec<_>>()
        );
        // Title Case with a cue is a quote.
        let q = extract(
            "“Vote For Change,” Marsh said.\n\nVale described the bill as “A Gift To Landlords”.",
        );
        assert_eq!(q.len(), 2, "{q:#?}");
    }

    #[test]
    fn scare_quotes_and_nicknames_are_not_quotes() {
        let q = extract("The so-called “red line” held. Qassem “the Shadow Commander” Soleimani arrived. It was “unacceptable” for them.");
        assert!(q.is_empty(), "{q:#?}");
    }
}
