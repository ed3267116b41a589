//! Scoring quote extraction against annotated text: span precision, recall and F1 by token
//! overlap, and speaker accuracy on the matched quotes.
//!
//! A predicted quote matches a gold one when the words they share cover at least `threshold`
//! of the gold span's words: 0.8 is "strict", 0.3 "lenient". Each gold quote is matched at most
//! once. Speakers are compared after case and white space are folded; both unknown counts as
//! right. Used by the evaluation test and bench; no I/O.
//!
//! PolNeAR (issue 11, `benches/polnear.rs`) comes as BRAT standoff files: `read_brat` reads
//! their `T` spans (discontinuous ones too) and `E` events, `brat_direct_quotes` takes as gold
//! the Content spans that open with a quote mark, with the event's Source as speaker. There a
//! speaker is right when it shares a content word (no stop word, pronoun or title such as Mr)
//! with the Source or, for a pronoun Source, with its referent; PolNeAR does not annotate
//! referents, so the referent is approximated by the nearest Source before it in the text that
//! is not a pronoun (it errs after a change of speaker, and when that Source is another phrase
//! for the same person: "the governor" where the extractor names him). Offsets are chars.

use serde::Deserialize;

use super::{Kind, Quote};

/// A gold annotation: the fields of `fixtures/quotes/*.quotes.json` this scorer reads.
#[derive(Debug, Clone, Deserialize)]
pub struct Gold {
    pub start: usize,
    pub end: usize,
    pub speaker: Option<String>,
    pub kind: String,
}

/// Counts over one or more texts.
#[derive(Debug, Default, Clone, Copy)]
pub struct Counts {
    pub gold: usize,
    pub predicted: usize,
    pub matched_gold: usize,
    pub matched_predicted: usize,
    pub speaker_right: usize,
}

impl Counts {
    pub fn add(&mut self, o: Counts) {
        self.gold += o.gold;
        self.predicted += o.predicted;
        self.matched_gold += o.matched_gold;
        self.matched_predicted += o.matched_predicted;
        self.speaker_right += o.speaker_right;
    }

    pub fn precision(&self) -> f64 {
        ratio(self.matched_predicted, self.predicted)
    }

    pub fn recall(&self) -> f64 {
        ratio(self.matched_gold, self.gold)
    }

    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }

    /// Right speakers among matched gold quotes.
    pub fn speaker_accuracy(&self) -> f64 {
        ratio(self.speaker_right, self.matched_gold)
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// Word ranges (in chars) of a text.
fn words(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.chars().enumerate() {
        match (c.is_whitespace(), start) {
            (false, None) => start = Some(i),
            (true, Some(s)) => {
                out.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, text.chars().count()));
    }
    out
}

fn inside(words: &[(usize, usize)], start: usize, end: usize) -> Vec<usize> {
    words
        .iter()
        .enumerate()
        .filter(|(_, (a, b))| *a < end && start < *b)
        .map(|(i, _)| i)
        .collect()
}

fn fold(s: &Option<String>) -> Option<String> {
    s.as_ref().map(|x| {
        x.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    })
}

/// Scores the quotes found in `text` against its gold annotations.
pub fn score(text: &str, gold: &[Gold], found: &[Quote], threshold: f64) -> Counts {
    let w = words(text);
    let gold_words: Vec<Vec<usize>> = gold.iter().map(|g| inside(&w, g.start, g.end)).collect();
    let found_words: Vec<Vec<usize>> = found.iter().map(|q| inside(&w, q.start, q.end)).collect();
    let covers = |g: &[usize], f: &[usize]| {
        !g.is_empty() && {
            let shared = g.iter().filter(|i| f.contains(i)).count();
            shared as f64 >= threshold * g.len() as f64
        }
    };
    let mut c = Counts {
        gold: gold.len(),
        predicted: found.len(),
        ..Default::default()
    };
    let mut used = vec![false; found.len()];
    for (gi, g) in gold.iter().enumerate() {
        let best = (0..found.len())
            .filter(|&fi| !used[fi] && covers(&gold_words[gi], &found_words[fi]))
            .max_by_key(|&fi| {
                gold_words[gi]
                    .iter()
                    .filter(|i| found_words[fi].contains(i))
                    .count()
            });
        if let Some(fi) = best {
            used[fi] = true;
            c.matched_gold += 1;
            if fold(&g.speaker) == fold(&found[fi].speaker) {
                c.speaker_right += 1;
            }
        }
    }
    c.matched_predicted = (0..found.len())
        .filter(|&fi| used[fi] || gold_words.iter().any(|g| covers(g, &found_words[fi])))
        .count();
    c
}

// ---------------------------------------------------------------------------------------------
// BRAT standoff gold (PolNeAR): direct quotes are Content spans that begin with a quote mark.
// ---------------------------------------------------------------------------------------------

/// A span of a BRAT `T` line: its label and its fragments (`a b;c d`), in chars of the text.
#[derive(Debug, Clone, PartialEq)]
pub struct BratSpan {
    pub label: String,
    pub frags: Vec<(usize, usize)>,
}

/// A BRAT `E` line: the event's label (`Attribution`, `Attribution-no-source`) and its roles
/// (`Source`, `Cue`, `Content`, `Content2`) with the ids of their spans.
#[derive(Debug, Clone, PartialEq)]
pub struct BratEvent {
    pub label: String,
    pub roles: Vec<(String, String)>,
}

/// The `T` and `E` lines of a BRAT `.ann` file. Other lines (`#` notes, the continuation lines
/// of span texts that hold a line break) are skipped; the span texts are not read, the
/// offsets are.
pub fn read_brat(ann: &str) -> (Vec<(String, BratSpan)>, Vec<BratEvent>) {
    let (mut spans, mut events) = (Vec::new(), Vec::new());
    for line in ann.lines() {
        let mut cols = line.split('\t');
        let (Some(id), Some(body)) = (cols.next(), cols.next()) else {
            continue;
        };
        let digits = |p: &str| {
            id.strip_prefix(p)
                .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
        };
        if digits("T") {
            let Some((label, offsets)) = body.split_once(' ') else {
                continue;
            };
            let frags: Option<Vec<(usize, usize)>> = offsets
                .split(';')
                .map(|f| {
                    let (a, b) = f.trim().split_once(' ')?;
                    Some((a.parse().ok()?, b.parse().ok()?))
                })
                .collect();
            if let Some(mut frags) = frags.filter(|f| !f.is_empty()) {
                frags.sort();
                spans.push((
                    id.to_string(),
                    BratSpan {
                        label: label.to_string(),
                        frags,
                    },
                ));
            }
        } else if digits("E") {
            let mut parts = body.split_whitespace().filter_map(|p| p.split_once(':'));
            let Some((label, _)) = parts.next() else {
                continue;
            };
            events.push(BratEvent {
                label: label.to_string(),
                roles: parts.map(|(r, t)| (r.to_string(), t.to_string())).collect(),
            });
        }
    }
    (spans, events)
}

/// The quote mark a gold quote opens with, as classes for the per-class table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mark {
    /// `“` (or a stray `”` or `„`).
    Curly,
    /// `"`.
    Straight,
    /// Two apostrophes or backticks: `''`, ` `` `.
    Doubled,
    /// One single mark: `‘`, `'`, `’`, `` ` ``.
    Single,
    /// `«` or `‹`.
    Guillemet,
}

/// The quote mark `s` opens with, after leading white space.
pub fn opening_mark(s: &str) -> Option<Mark> {
    let mut c = s.chars().skip_while(|c| c.is_whitespace());
    let first = c.next()?;
    let second = c.next();
    match first {
        '“' | '”' | '„' => Some(Mark::Curly),
        '"' => Some(Mark::Straight),
        '\'' | '`' if matches!(second, Some('\'' | '`')) => Some(Mark::Doubled),
        '‘' | '’' | '\'' | '`' => Some(Mark::Single),
        '«' | '»' | '‹' | '›' => Some(Mark::Guillemet),
        _ => None,
    }
}

/// A gold direct quote of a BRAT text.
#[derive(Debug, Clone, PartialEq)]
pub struct DirectGold {
    /// The Content span's fragments, in chars of the text.
    pub frags: Vec<(usize, usize)>,
    pub mark: Mark,
    /// The event's Source as written (fragments joined by a space); None for
    /// `Attribution-no-source`.
    pub source: Option<String>,
    pub source_start: Option<usize>,
    /// For a pronoun Source, the nearest Source span before it in the text that is not a
    /// pronoun (an approximation of the person it refers to; PolNeAR does not annotate it).
    pub referent: Option<String>,
    /// The Cue span's first fragment.
    pub cue: Option<(usize, usize)>,
}

impl DirectGold {
    pub fn start(&self) -> usize {
        self.frags.first().map_or(0, |f| f.0)
    }
}

/// Pronouns a Source can be, which the scorer resolves to an earlier Source.
const PRONOUNS: &[&str] = &[
    "he",
    "she",
    "they",
    "him",
    "her",
    "them",
    "i",
    "we",
    "you",
    "it",
    "his",
    "hers",
    "their",
    "theirs",
    "its",
    "me",
    "us",
    "our",
    "my",
    "himself",
    "herself",
    "themselves",
    "who",
];

/// Words that say nothing of who a speaker is.
const STOP_WORDS: &[&str] = &[
    "the", "a", "an", "of", "and", "or", "for", "in", "on", "at", "to", "by", "with", "from", "as",
    "that", "this", "these", "those", "who", "which", "s", "one", "some", "many", "other",
    "others", "said", "says", "told", "also", "both", "all", "two", "three", "her", "his", "their",
    "its", "our", "own", "new", "former", "then", "now", "there", "not", "but", "is", "was", "are",
    "were", "has", "have", "had", "be", "been",
];

/// Titles before a name: not enough for two speakers to be the same person.
const TITLES: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "miss",
    "dr",
    "sen",
    "senator",
    "rep",
    "representative",
    "gov",
    "governor",
    "president",
    "pres",
    "vice",
    "gen",
    "general",
    "secretary",
    "sir",
    "lady",
    "lord",
    "rev",
    "prof",
    "professor",
    "judge",
    "justice",
    "mayor",
    "jr",
    "sr",
    "u.s",
    "us",
];

/// The lower-cased words of `s`, punctuation trimmed (possessive `'s` dropped).
fn plain_words(s: &str) -> Vec<String> {
    s.split(|c: char| c.is_whitespace() || c == '-' || c == '/')
        .map(|w| {
            let w = w.trim_matches(|c: char| !c.is_alphanumeric());
            let w = w
                .strip_suffix("'s")
                .or_else(|| w.strip_suffix("’s"))
                .unwrap_or(w);
            w.trim_end_matches('.').to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

/// Whether a Source is a pronoun ("he", "She", "they themselves").
pub fn is_pronoun(source: &str) -> bool {
    let w = plain_words(source);
    !w.is_empty() && w.iter().all(|w| PRONOUNS.contains(&w.as_str()))
}

/// The words of a speaker that name who it is: not stop words, pronouns or titles; titles
/// are kept when nothing else is left ("the president").
fn content_words(s: &str) -> Vec<String> {
    let w: Vec<String> = plain_words(s)
        .into_iter()
        .filter(|w| !STOP_WORDS.contains(&w.as_str()) && !PRONOUNS.contains(&w.as_str()))
        .collect();
    let named: Vec<String> = w
        .iter()
        .filter(|w| !TITLES.contains(&w.as_str()))
        .cloned()
        .collect();
    if named.is_empty() {
        w
    } else {
        named
    }
}

/// Whether a predicted speaker names the gold Source: they share a content word.
pub fn same_speaker(predicted: &str, gold: &str) -> bool {
    let g = content_words(gold);
    content_words(predicted).iter().any(|w| g.contains(w))
}

/// Whether a Source can be the one person "he" or "she" refers to: not a thing that speaks
/// ("the statement", "a Donald Trump tweet", "the article"), not a plural ("environmentalists",
/// "Delegates", "human rights groups"), not a relative pronoun or "said" (an annotation slip).
fn may_be_one_person(source: &str) -> bool {
    const THINGS: &[&str] = &[
        "statement",
        "article",
        "tweet",
        "tweets",
        "report",
        "piece",
        "letter",
        "ad",
        "memo",
        "email",
        "post",
        "story",
        "rules",
        "study",
        "survey",
        "poll",
        "video",
        "book",
        "said",
        "which",
        "that",
        "filing",
        "document",
        "documents",
        "finding",
        "analysis",
        "someone",
    ];
    let words = plain_words(source);
    // The head: the last word before an apposition or a prepositional phrase.
    let head_part = source.split(',').next().unwrap_or(source);
    let head_words = plain_words(head_part);
    let cut = head_words
        .iter()
        .position(|w| {
            matches!(
                w.as_str(),
                "of" | "for" | "at" | "in" | "from" | "with" | "who"
            )
        })
        .unwrap_or(head_words.len());
    let Some(head) = head_words[..cut].last() else {
        return false;
    };
    let named = source_class(Some(source)) == SourceClass::Name
        && source
            .split_whitespace()
            .skip(1)
            .any(|w| w.starts_with(char::is_uppercase));
    if words.iter().any(|w| THINGS.contains(&w.as_str())) && !named {
        return false;
    }
    if THINGS.contains(&head.as_str()) {
        return false;
    }
    let plural = head.ends_with('s')
        && !head.ends_with("ss")
        && !head.ends_with("us")
        && !named
        && head.len() > 3;
    !plural
}

/// What kind of speaker a Source is, for the per-class table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SourceClass {
    /// No Source (`Attribution-no-source`).
    None,
    Pronoun,
    /// A capitalised word past the first ("Hillary Clinton", "the Clinton campaign").
    Name,
    /// Anything else ("a spokesman", "officials", "the campaign").
    Role,
}

pub fn source_class(source: Option<&str>) -> SourceClass {
    let Some(s) = source else {
        return SourceClass::None;
    };
    if is_pronoun(s) {
        return SourceClass::Pronoun;
    }
    let mut words = s.split_whitespace();
    let first = words.next().unwrap_or("");
    let capital = |w: &str| w.chars().next().is_some_and(char::is_uppercase);
    let first_name = capital(first)
        && !matches!(
            first.to_lowercase().as_str(),
            "the" | "a" | "an" | "one" | "some" | "many" | "two" | "three" | "several"
        );
    if first_name || words.any(capital) {
        SourceClass::Name
    } else {
        SourceClass::Role
    }
}

fn slice(chars: &[char], (a, b): (usize, usize)) -> String {
    chars[a.min(chars.len())..b.min(chars.len())]
        .iter()
        .collect()
}

/// The gold direct quotes of a BRAT text: every `Content` (and `Content2`) span of an event
/// whose text begins with a quote mark, with the event's Source and Cue. A span named by
/// several events counts once (the first event's Source).
pub fn brat_direct_quotes(text: &str, ann: &str) -> Vec<DirectGold> {
    let chars: Vec<char> = text.chars().collect();
    let (spans, events) = read_brat(ann);
    let by_id: std::collections::HashMap<&str, &BratSpan> =
        spans.iter().map(|(id, s)| (id.as_str(), s)).collect();
    let span_text = |s: &BratSpan| {
        s.frags
            .iter()
            .map(|&f| slice(&chars, f))
            .collect::<Vec<_>>()
            .join(" ")
    };
    // Every Source in text order, for the pronouns' referents.
    let mut sources: Vec<(usize, String)> = spans
        .iter()
        .filter(|(_, s)| s.label == "Source")
        .map(|(_, s)| (s.frags[0].0, span_text(s)))
        .collect();
    sources.sort();
    let mut out: Vec<DirectGold> = Vec::new();
    for e in &events {
        let role = |r: &str| {
            e.roles
                .iter()
                .find(|(name, _)| name == r)
                .and_then(|(_, id)| by_id.get(id.as_str()).copied())
        };
        let source = role("Source");
        let source_text = source.map(span_text);
        let source_start = source.map(|s| s.frags[0].0);
        let referent = match (&source_text, source_start) {
            (Some(t), Some(at)) if is_pronoun(t) => {
                let singular = matches!(t.to_lowercase().trim(), "he" | "she" | "him" | "her");
                sources
                    .iter()
                    .rev()
                    .find(|(s, r)| *s < at && !is_pronoun(r) && (!singular || may_be_one_person(r)))
                    .map(|(_, t)| t.clone())
            }
            _ => None,
        };
        let cue = role("Cue").map(|c| c.frags[0]);
        for r in ["Content", "Content2"] {
            let Some(content) = role(r) else { continue };
            let Some(mark) = opening_mark(&slice(&chars, content.frags[0])) else {
                continue;
            };
            if out.iter().any(|g| g.frags == content.frags) {
                continue;
            }
            out.push(DirectGold {
                frags: content.frags.clone(),
                mark,
                source: source_text.clone(),
                source_start,
                referent: referent.clone(),
                cue,
            });
        }
    }
    out.sort_by_key(|g| g.start());
    out
}

/// The outer bounds of every Content span that is not a direct quote (reported speech, and
/// content that opens with the reporter's words: `that it was "a disaster"`). A quote found
/// inside one that matches no gold quote is a quoted fragment of attributed speech, not a
/// false direct quote; `score_brat` leaves it out.
pub fn brat_other_contents(text: &str, ann: &str) -> Vec<(usize, usize)> {
    let chars: Vec<char> = text.chars().collect();
    read_brat(ann)
        .0
        .into_iter()
        .filter(|(_, s)| s.label.starts_with("Content"))
        .filter(|(_, s)| opening_mark(&slice(&chars, s.frags[0])).is_none())
        .map(|(_, s)| (s.frags[0].0, s.frags[s.frags.len() - 1].1))
        .collect()
}

/// Counts of a BRAT text: the spans, and the speakers of the matched quotes with a Source.
#[derive(Debug, Default, Clone, Copy)]
pub struct BratCounts {
    pub spans: Counts,
    /// Matched gold quotes that have a Source (the speaker accuracy's denominator).
    pub with_source: usize,
}

impl BratCounts {
    pub fn add(&mut self, o: BratCounts) {
        self.spans.add(o.spans);
        self.with_source += o.with_source;
    }

    /// Right speakers among matched gold quotes with a Source.
    pub fn speaker_accuracy(&self) -> f64 {
        ratio(self.spans.speaker_right, self.with_source)
    }
}

/// What became of one gold quote.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Outcome {
    /// The predicted quote that matched it (the one sharing most words).
    pub matched: Option<usize>,
    /// For a matched quote with a Source: whether the speaker is right.
    pub speaker_right: Option<bool>,
}

/// Scores quotes found in `text` against its BRAT gold direct quotes. Predictions of kind
/// `indirect` are left out (neither matched nor false positives), and so are those that match
/// no gold quote and lie inside one of `neutral` (`brat_other_contents`). A gold quote is matched when
/// the predicted quotes that share words with it and match no earlier gold quote together cover
/// `threshold` of its words (a Content span split around its cue, `“A,” he said, “B.”`, is
/// found as two quotes); the speaker is that of the one sharing most words, right when it
/// shares a content word with the Source or, for a pronoun Source, with its referent
/// (`DirectGold::referent`). Returns the counts, each gold quote's outcome, and whether each
/// prediction counted as matched (None for indirect ones).
pub fn score_brat(
    text: &str,
    gold: &[DirectGold],
    found: &[Quote],
    neutral: &[(usize, usize)],
    threshold: f64,
) -> (BratCounts, Vec<Outcome>, Vec<Option<bool>>) {
    let w = words(text);
    let counted: Vec<bool> = found.iter().map(|q| q.kind != Kind::Indirect).collect();
    let gold_words: Vec<Vec<usize>> = gold
        .iter()
        .map(|g| {
            let mut v: Vec<usize> = g
                .frags
                .iter()
                .flat_map(|&(a, b)| inside(&w, a, b))
                .collect();
            v.dedup();
            v
        })
        .collect();
    let found_words: Vec<Vec<usize>> = found.iter().map(|q| inside(&w, q.start, q.end)).collect();
    let shared = |g: &[usize], f: &[usize]| g.iter().filter(|i| f.contains(i)).count();
    let mut c = BratCounts::default();
    c.spans.gold = gold.len();
    let mut used = vec![false; found.len()];
    let mut outcomes = Vec::with_capacity(gold.len());
    for (gi, g) in gold.iter().enumerate() {
        let gw = &gold_words[gi];
        let touching: Vec<usize> = (0..found.len())
            .filter(|&fi| counted[fi] && !used[fi] && shared(gw, &found_words[fi]) > 0)
            .collect();
        let covered = gw
            .iter()
            .filter(|i| touching.iter().any(|&fi| found_words[fi].contains(i)))
            .count();
        let mut o = Outcome {
            matched: None,
            speaker_right: None,
        };
        if !gw.is_empty() && covered as f64 >= threshold * gw.len() as f64 {
            let best = *touching
                .iter()
                .max_by_key(|&&fi| shared(gw, &found_words[fi]))
                .expect("words covered");
            for &fi in &touching {
                used[fi] = true;
            }
            c.spans.matched_gold += 1;
            o.matched = Some(best);
            if let Some(source) = &g.source {
                c.with_source += 1;
                let who = g.referent.as_deref().unwrap_or(source);
                let right = found[best]
                    .speaker
                    .as_deref()
                    .is_some_and(|p| same_speaker(p, who));
                if right {
                    c.spans.speaker_right += 1;
                }
                o.speaker_right = Some(right);
            }
        }
        outcomes.push(o);
    }
    let within = |q: &Quote| neutral.iter().any(|&(a, b)| a <= q.start && q.end <= b);
    let matched: Vec<Option<bool>> = (0..found.len())
        .map(|fi| (counted[fi] && (used[fi] || !within(&found[fi]))).then_some(used[fi]))
        .collect();
    c.spans.predicted = matched.iter().filter(|m| m.is_some()).count();
    c.spans.matched_predicted = matched.iter().filter(|m| **m == Some(true)).count();
    (c, outcomes, matched)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quotes::{extract, Kind};

    #[test]
    fn strict_and_lenient_matching() {
        let text = "“We will respond to this attack,” Pompeo said.";
        let found = extract(text);
        let gold = [Gold {
            start: 1,
            end: 31,
            speaker: Some("Pompeo".into()),
            kind: "direct".into(),
        }];
        let c = score(text, &gold, &found, 0.8);
        assert_eq!(
            (c.matched_gold, c.matched_predicted, c.speaker_right),
            (1, 1, 1)
        );
        assert_eq!(c.f1(), 1.0);
        let half = [Quote {
            text: String::new(),
            start: 1,
            end: 13,
            kind: Kind::Partial,
            speaker: None,
            speaker_as_written: None,
            cue: None,
        }];
        assert_eq!(score(text, &gold, &half, 0.8).matched_gold, 0);
        assert_eq!(score(text, &gold, &half, 0.3).matched_gold, 1);
    }

    /// A BRAT text written for this test (not corpus data): a discontinuous Content span
    /// split around its cue, a pronoun Source, a no-source attribution, reported speech with a
    /// quoted fragment, and an annotator note and a continuation line to skip.
    #[test]
    fn brat_reader_and_scorer() {
        let text = "“We will win,” Ana Ruiz said. “The vote is ours.”\n\n\
                    “It is over,” she said, “and we know it.”\n\n\
                    Critics said it was “a stunt.”\n\n\
                    “Nobody asked,” a sign read.";
        let at = |s: &str| text.find(s).map(|b| text[..b].chars().count()).unwrap();
        let end = |s: &str| at(s) + s.chars().count();
        let span = |id: &str, label: &str, frags: &[&str]| {
            let f: Vec<String> = frags
                .iter()
                .map(|s| format!("{} {}", at(s), end(s)))
                .collect();
            format!("{id}\t{label} {}\t{}\n", f.join(";"), frags.join(" "))
        };
        let mut ann = String::new();
        ann += &span("T1", "Source", &["Ana Ruiz"]);
        ann += &span("T2", "Cue", &["said. “The"]);
        ann += &span("T3", "Content", &["“We will win,”"]);
        ann += "E1\tAttribution:T4 Source:T1 Cue:T2 Content:T3 \n";
        ann += "#1\tAnnotatorNotes T3\ta note\nsecond line of a span text\n";
        ann += &span("T5", "Source", &["she"]);
        ann += &span("T6", "Cue", &["said, “and"]);
        ann += &span("T7", "Content", &["“It is over,”", "“and we know it.”"]);
        ann += "E2\tAttribution:T8 Cue:T6 Content:T7 Source:T5\n";
        ann += &span("T9", "Source", &["Critics"]);
        ann += &span("T10", "Content", &["it was “a stunt.”"]);
        ann += "E3\tAttribution:T11 Source:T9 Cue:T12 Content:T10\n";
        ann += &span("T13", "Content", &["“Nobody asked,”"]);
        ann += "E4\tAttribution-no-source:T14 Content:T13\n";

        let (spans, events) = read_brat(&ann);
        assert_eq!(spans.len(), 9);
        assert_eq!(spans[5].1.frags.len(), 2);
        assert_eq!(events[3].label, "Attribution-no-source");
        let gold = brat_direct_quotes(text, &ann);
        assert_eq!(gold.len(), 3, "{gold:?}");
        assert_eq!(gold[0].source.as_deref(), Some("Ana Ruiz"));
        assert_eq!(gold[1].source.as_deref(), Some("she"));
        assert_eq!(gold[1].referent.as_deref(), Some("Ana Ruiz"));
        assert_eq!(gold[2].source, None);
        assert_eq!(gold[0].mark, Mark::Curly);
        let neutral = brat_other_contents(text, &ann);
        assert_eq!(neutral, vec![(at("it was"), end("stunt.”"))]);

        let q = |s: &str, kind: Kind, speaker: Option<&str>| Quote {
            text: String::new(),
            start: at(s) + 1,
            end: end(s) - 1,
            kind,
            speaker: speaker.map(str::to_string),
            speaker_as_written: None,
            cue: None,
        };
        let found = [
            q("“We will win,”", Kind::Direct, Some("Ruiz")),
            // An unannotated quote: a false positive.
            q("“The vote is ours.”", Kind::Direct, Some("Ruiz")),
            // Split around the cue: the two together cover the gold span.
            q("“It is over,”", Kind::Direct, Some("Mr. Ruiz")),
            q("“and we know it.”", Kind::Direct, Some("Ana Ruiz")),
            // Inside reported speech: left out.
            q("“a stunt.”", Kind::Partial, Some("Critics")),
            q("“Nobody asked,”", Kind::Direct, None),
        ];
        let (c, outcomes, matched) = score_brat(text, &gold, &found, &neutral, 0.8);
        assert_eq!((c.spans.gold, c.spans.predicted), (3, 5));
        assert_eq!((c.spans.matched_gold, c.spans.matched_predicted), (3, 4));
        assert_eq!((c.spans.speaker_right, c.with_source), (2, 2));
        assert_eq!(matched[4], None);
        assert_eq!(outcomes[2].speaker_right, None);
        // "Mr." is a title, not a name: "Mr. Smith" is not Ana Ruiz.
        assert!(!same_speaker("Mr. Smith", "Mr. Ruiz"));
        assert!(same_speaker("Ms. Ruiz", "Ana Ruiz"));
        assert_eq!(source_class(Some("the campaign")), SourceClass::Role);
        assert_eq!(
            source_class(Some("the Clinton campaign")),
            SourceClass::Name
        );
        assert_eq!(source_class(Some("They")), SourceClass::Pronoun);
        assert_eq!(opening_mark(" ''Yes,'' he said"), Some(Mark::Doubled));
        assert_eq!(opening_mark("that it was"), None);
        // Indirect predictions are never counted.
        let indirect = [q("“Nobody asked,”", Kind::Indirect, None)];
        let (c, _, _) = score_brat(text, &gold, &indirect, &[], 0.3);
        assert_eq!((c.spans.predicted, c.spans.matched_gold), (0, 0));
    }
}
