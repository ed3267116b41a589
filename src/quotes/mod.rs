//! Quotations in story text, with their speakers: the quote stage of the pipeline.
//!
//! `extract` finds every quoted span (`marks`), decides whether it is a quotation at all (a
//! one- or two-word scare quote with no cue, a title or a nickname is not), whether it is a
//! whole quoted sentence (`direct`) or a fragment inside the reporter's sentence (`partial`),
//! and who said it (`speaker`). Sentences that report speech without marks ("One official said
//! the United States was looking into ...") are a third kind, `indirect`. Offsets are in Unicode
//! scalar values into the text given. This module does no I/O; storing quotes and the review
//! commands build on it.

pub mod eval;
pub mod marks;
pub mod speaker;

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

/// Every quotation in `text`, in order.
pub fn extract(text: &str) -> Vec<Quote> {
    let chars: Vec<char> = text.chars().collect();
    let people = speaker::people(text);
    // Byte offsets of char indices, for slicing `text`.
    let byte_at: Vec<usize> = text
        .char_indices()
        .map(|(b, _)| b)
        .chain(std::iter::once(text.len()))
        .collect();
    let slice = |a: usize, b: usize| &text[byte_at[a]..byte_at[b]];

    let mut quotes: Vec<Quote> = Vec::new();
    let mut last_speaker: Option<(Option<String>, Option<String>)> = None;
    // Where the last attributed quote closed (bytes).
    let mut last_spoke_at = 0usize;
    // The paragraph of the last attributed quote.
    let mut last_para: Option<usize> = None;
    for span in marks::spans(&chars) {
        let inner = slice(span.start, span.end);
        let words = inner.split_whitespace().count();
        let para_start = paragraph_start(&chars, span.open);
        let lead = slice(para_start, span.open);
        let after_end = span.close.map_or(span.end, |c| c + 1);
        let para_end = paragraph_end(&chars, after_end);
        let tail = slice(after_end, para_end);
        let lead_lower = lead.to_lowercase();
        if TITLE_WORDS
            .iter()
            .any(|w| lead_lower.trim_end().ends_with(w))
        {
            continue;
        }
        // A title after a preposition: on “Fox and Friends”, in “The Atlantic”.
        let after_preposition = ["on", "in", "at", "from", "of", "by", "to"]
            .iter()
            .any(|p| lead_lower.trim_end().ends_with(&format!(" {p}")));
        let title_case = inner
            .split_whitespace()
            .filter(|w| w.chars().count() > 3)
            .all(|w| w.starts_with(char::is_uppercase));
        if after_preposition && title_case && words <= 6 {
            continue;
        }
        // A nickname between two parts of a name: Qassem "the Shadow Commander" Soleimani.
        if lead.trim_end().ends_with(|c: char| c.is_alphabetic())
            && lead
                .split_whitespace()
                .last()
                .is_some_and(|w| w.starts_with(char::is_uppercase))
            && tail.trim_start().starts_with(char::is_uppercase)
            && !inner.trim_end().ends_with([',', '.', '?', '!'])
            && words <= 4
        {
            continue;
        }
        let found = speaker::after(tail)
            .or_else(|| speaker::before(sentence_lead(lead)))
            .or_else(|| speaker::colon_lead(sentence_lead(lead)))
            .or_else(|| speaker::partial(sentence_lead(lead)))
            .or_else(|| {
                // A quote opening a paragraph after a lead-in: "... Merkel told reporters:"
                if !lead.trim().is_empty() || para_start < 2 {
                    return None;
                }
                let prev = slice(paragraph_start(&chars, para_start - 2), para_start).trim_end();
                prev.ends_with(':')
                    .then(|| {
                        speaker::before(sentence_lead(prev))
                            .or_else(|| speaker::colon_lead(sentence_lead(prev)))
                    })
                    .flatten()
            });
        let starts_sentence = sentence_lead(lead).trim().is_empty()
            || lead.trim_end().ends_with(':')
            || found
                .as_ref()
                .is_some_and(|_| lead.trim_end().ends_with(','));
        if found.is_none() && words <= 2 {
            continue; // a scare quote
        }
        let kind = if starts_sentence
            && (words >= 4 || inner.trim_end().ends_with(['.', ',', '?', '!']))
        {
            Kind::Direct
        } else {
            Kind::Partial
        };
        let (spk, as_written, cue) = match &found {
            Some(a) => {
                // A pronoun is the last speaker, unless someone was named since that quote;
                // then, and when nobody has spoken yet, it is the nearest name.
                let pronoun = matches!(a.as_written.to_lowercase().as_str(), "he" | "she" | "they");
                let named_since = people
                    .iter()
                    .any(|(p, _)| *p > last_spoke_at && *p < byte_at[span.open]);
                let canon = match (&last_speaker, pronoun && !named_since) {
                    (Some((Some(s), _)), true) => Some(s.clone()),
                    _ => earlier_role(&a.as_written, &quotes)
                        .or_else(|| {
                            let end = byte_at[span.open];
                            let from = text.floor_char_boundary(end.saturating_sub(1500));
                            speaker::earlier_role_in(&a.as_written, &text[from..end])
                        })
                        .or_else(|| speaker::canonical(&a.as_written, byte_at[span.open], &people)),
                };
                (canon, Some(a.as_written.clone()), Some(a.cue.clone()))
            }
            None => {
                // A cue-less quote paragraph inherits the last speaker; so does a quote after
                // a colon lead-in in the paragraph before.
                // So does a quote that follows the speaker's quote in the same paragraph.
                let whole_paragraph = (lead.trim().is_empty() && tail.trim().is_empty())
                    || last_para == Some(para_start);
                match (&last_speaker, whole_paragraph) {
                    (Some((s, w)), true) => (s.clone(), w.clone(), None),
                    _ => (None, None, None),
                }
            }
        };
        if spk.is_some() {
            last_speaker = Some((spk.clone(), as_written.clone()));
            last_spoke_at = byte_at[para_end];
            last_para = Some(para_start);
        }
        quotes.push(Quote {
            text: inner.to_string(),
            start: span.start,
            end: span.end,
            kind,
            speaker: spk,
            speaker_as_written: as_written,
            cue,
        });
    }
    quotes.extend(indirect(text, &byte_at, &people, &quotes));
    quotes.sort_by_key(|q| q.start);
    quotes
}

/// "the official" after "one military official" spoke: the earlier speaker with that noun.
fn earlier_role(as_written: &str, before: &[Quote]) -> Option<String> {
    let lower = as_written.to_lowercase();
    let noun = lower
        .strip_prefix("the ")?
        .split_whitespace()
        .last()?
        .to_string();
    before
        .iter()
        .rev()
        .filter_map(|q| q.speaker.as_deref())
        .find(|s| {
            let s = s.to_lowercase();
            !s.starts_with("the ") && s.split_whitespace().last() == Some(noun.as_str())
        })
        .map(str::to_string)
}

fn paragraph_start(chars: &[char], at: usize) -> usize {
    (1..at)
        .rev()
        .find(|&i| chars[i] == '\n' && chars[i - 1] == '\n')
        .map_or(0, |i| i + 1)
}

fn paragraph_end(chars: &[char], from: usize) -> usize {
    (from..chars.len().saturating_sub(1))
        .find(|&i| chars[i] == '\n' && chars[i + 1] == '\n')
        .unwrap_or(chars.len())
}

/// The part of `lead` after the last sentence end.
fn sentence_lead(lead: &str) -> &str {
    let cut = lead
        .char_indices()
        .rev()
        .find(|(i, c)| {
            matches!(c, '.' | '?' | '!')
                && lead[i + c.len_utf8()..].starts_with(' ')
                && !lead[..*i].ends_with(|ch: char| ch.is_uppercase())
        })
        .map_or(0, |(i, c)| i + c.len_utf8());
    &lead[cut..]
}

/// Reported speech without marks: "<speaker>[, aside,] said [on Monday] [that] <clause>.",
/// "... told Reuters that <clause>.", "... was quoted as saying <clause>.", "According to
/// <speaker>, <clause>."
fn indirect(
    text: &str,
    byte_at: &[usize],
    people: &[(usize, String)],
    quoted: &[Quote],
) -> Vec<Quote> {
    static R: OnceLock<Option<Regex>> = OnceLock::new();
    static A: OnceLock<Option<Regex>> = OnceLock::new();
    let cue = R.get_or_init(|| {
        Regex::new(
            r"(?P<cue>\b(?:said|says|announced|warned|added|argued|insisted|acknowledged|told\s+(?:reporters|the\s+[A-Z][\p{L}]+(?:\s+[A-Z][\p{L}]+){0,2}|[A-Z][\p{L}]+(?:\s+[A-Z][\p{L}]+){0,2})|(?:was|were)\s+quoted\s+(?:by\s+[^,.“”]{1,60}?\s+)?as\s+saying))(?:\s+(?:in\s+a\s+statement|here|there|later|earlier))?(?:\s+(?:on|late\s+on|early\s+on|in|at)\s+[A-Z][\p{L}]+(?:\s+[A-Z][\p{L}]+)?)?(?:\s+that)?\s+(?P<clause>[^\s“”\x22«»,][^“”\x22«»\n]{10,}?)\.(?:\s|$)",
        )
        .ok()
    });
    let according = A.get_or_init(|| {
        Regex::new(r"(?:^|[.!?]\s+|\n)According\s+to\s+(?P<who>[^,]{3,80}),\s+(?P<clause>[^“”\x22«»\n]{10,}?)\.(?:\s|$)").ok()
    });
    let char_of = |b: usize| byte_at.partition_point(|&x| x < b);
    let mut out: Vec<Quote> = Vec::new();
    let push = |who: &str,
                who_at: usize,
                cue: &str,
                start_b: usize,
                end_b: usize,
                out: &mut Vec<Quote>| {
        let (start, end) = (char_of(start_b), char_of(end_b));
        if quoted
            .iter()
            .chain(out.iter())
            .any(|q| q.start < end && start < q.end)
        {
            return;
        }
        out.push(Quote {
            text: text[start_b..end_b].to_string(),
            start,
            end,
            kind: Kind::Indirect,
            speaker: speaker::canonical(who, who_at, people),
            speaker_as_written: Some(who.to_string()),
            cue: Some(cue.to_string()),
        });
    };
    if let Some(r) = according.as_ref() {
        for c in r.captures_iter(text) {
            if let (Some(w), Some(cl)) = (c.name("who"), c.name("clause")) {
                push(
                    w.as_str().trim(),
                    w.start(),
                    "according to",
                    cl.start(),
                    cl.end(),
                    &mut out,
                );
            }
        }
    }
    if let Some(r) = cue.as_ref() {
        for c in r.captures_iter(text) {
            let (Some(k), Some(cl)) = (c.name("cue"), c.name("clause")) else {
                continue;
            };
            // The subject: the sentence up to the cue, less an aside between commas.
            let sentence_start = text[..k.start()]
                .rfind(['.', '!', '?', '\n'])
                .map_or(0, |i| i + 1);
            let subject = text[sentence_start..k.start()].trim();
            if subject.contains(['“', '”', '"', '«', '»']) {
                continue;
            }
            let who = match subject.strip_suffix(',') {
                Some(s) => s.split(',').next().unwrap_or(s).trim(),
                None => subject,
            };
            let who = who
                .trim_start_matches("But ")
                .trim_start_matches("And ")
                .trim_end_matches(" also")
                .trim_end_matches(" later")
                .trim_end_matches(" has")
                .trim_end_matches(" had")
                .trim();
            let words = who.split_whitespace().count();
            if who.is_empty() || words > 10 || !who.starts_with(|ch: char| ch.is_uppercase()) {
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
            push(
                who,
                sentence_start,
                &cue_word,
                cl.start(),
                cl.end(),
                &mut out,
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn scare_quotes_and_nicknames_are_not_quotes() {
        let q = extract("The so-called “red line” held. Qassem “the Shadow Commander” Soleimani arrived. It was “unacceptable” for them.");
        assert!(q.is_empty(), "{q:#?}");
    }
}
