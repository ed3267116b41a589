//! Who said it, when the rules are not sure: a quote's speaker chosen among the people,
//! pronouns and role phrases near it by a small linear model.
//!
//! The rules (`speaker`, `resolve`) read the cue next to a quote and are kept where they are
//! certain. Real news writes cues the rules do not parse ("Vitter demanded.", `” ― Name`,
//! "Rep. X (R-Fla.) said", "tweeting, “"), so every quote also gets candidates: each run of
//! capitalised words, each pronoun (resolved to the nearest earlier person of its gender) and
//! each role phrase within the paragraph before it, the quote's own paragraph and the one
//! after, with features of where it stands (side of the quote, sentences and words away, a cue
//! right after or before it, first in its sentence, after a preposition, a possessive, an
//! organisation word), what it is (name, pronoun, role; a person the text names in full; how
//! often it is named), and what the rules said (the rules' speaker, whether they found a cue,
//! the speaker of the quote before). The model's weights are `data/speaker_model.tsv`, trained
//! on PolNeAR's train split by an averaged perceptron (`cargo bench --bench train_speakers`,
//! see ARCHITECTURE.md); the highest-scoring candidate wins.
//!
//! This module does no I/O and keeps `extract` linear: the text is tokenised once and each
//! quote reads a bounded window of tokens around it.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::speaker::{self, People};
use super::{lexicon, Kind, Quote};
use crate::post::dates;

/// Words read before a quote for candidates, and after it.
const LEFT: usize = 90;
const RIGHT: usize = 45;

/// The committed weights (`name<TAB>weight` lines, `#` comments).
const MODEL: &str = include_str!("../../data/speaker_model.tsv");

/// A feature: a tag and a small value, hashed for the weight table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Feature {
    pub tag: &'static str,
    pub value: u32,
}

impl Feature {
    fn key(&self) -> u64 {
        key(self.tag, self.value)
    }

    /// The name written in the model file: `tag=value`.
    pub fn name(&self) -> String {
        format!("{}={}", self.tag, self.value)
    }
}

fn key(tag: &str, value: u32) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in tag.bytes().chain(value.to_le_bytes()) {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The model: feature key → weight.
#[derive(Debug, Default, Clone)]
pub struct Model {
    weights: HashMap<u64, f32>,
}

impl Model {
    /// Reads `name<TAB>weight` lines (`tag=value` names); other lines are skipped.
    pub fn parse(s: &str) -> Model {
        let mut weights = HashMap::new();
        for line in s.lines().filter(|l| !l.starts_with('#')) {
            let Some((name, w)) = line.split_once('\t') else {
                continue;
            };
            let Some((tag, value)) = name.rsplit_once('=') else {
                continue;
            };
            if let (Ok(v), Ok(w)) = (value.parse::<u32>(), w.trim().parse::<f32>()) {
                weights.insert(key(tag, v), w);
            }
        }
        Model { weights }
    }

    pub fn from_weights(weights: HashMap<u64, f32>) -> Model {
        Model { weights }
    }

    pub fn is_empty(&self) -> bool {
        self.weights.is_empty()
    }

    pub fn score(&self, features: &[Feature]) -> f32 {
        features
            .iter()
            .map(|f| self.weights.get(&f.key()).copied().unwrap_or(0.0))
            .sum()
    }
}

/// The committed model, read once.
pub fn model() -> &'static Model {
    static M: OnceLock<Model> = OnceLock::new();
    M.get_or_init(|| Model::parse(MODEL))
}

/// The feature key of a name as the model file writes it, for training.
pub fn feature_key(f: &Feature) -> u64 {
    f.key()
}

/// One possible speaker of a quote.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// The speaker it gives: a full name, a pronoun's referent, a role phrase.
    pub speaker: String,
    pub as_written: String,
    /// The candidate is a pronoun's referent.
    pub pronoun: bool,
    pub features: Vec<Feature>,
}

/// How many earlier people a pronoun may refer to are candidates.
const REFERENTS: usize = 3;

#[derive(Debug, Clone, Copy, PartialEq)]
enum TokKind {
    Word,
    Punct,
}

#[derive(Debug, Clone, Copy)]
struct Tok {
    a: usize,
    b: usize,
    kind: TokKind,
    sent: u32,
    para: u32,
    quoted: bool,
}

/// Abbreviations whose full stop does not end a sentence or a name.
fn is_abbreviation(w: &str) -> bool {
    const A: &[&str] = &[
        "Mr", "Mrs", "Ms", "Dr", "Sen", "Rep", "Gov", "Gen", "Lt", "Col", "Sgt", "Capt", "Maj",
        "Adm", "Rev", "Prof", "St", "Jr", "Sr", "Inc", "Ltd", "Co", "Corp", "Bros", "Jan", "Feb",
        "Mar", "Apr", "Aug", "Sept", "Sep", "Oct", "Nov", "Dec", "Mt", "Ft", "No", "vs", "Pres",
        "Atty", "Supt", "Del", "Sens", "Reps",
    ];
    A.contains(&w) || (w.chars().count() == 1 && w.starts_with(char::is_uppercase))
}

fn is_mark(s: &str) -> bool {
    matches!(
        s,
        "“" | "”" | "\"" | "«" | "»" | "„" | "‘" | "’" | "'" | "''"
    )
}

/// The text's tokens: words (with their abbreviation stop, inner apostrophes, hyphens and
/// full stops) and single punctuation chars ('' as one), with sentence and paragraph numbers.
fn tokens(text: &str, quoted: &[(usize, usize)]) -> Vec<Tok> {
    let mut out: Vec<Tok> = Vec::new();
    let bytes = text.as_bytes();
    let mut it = text.char_indices().peekable();
    let (mut sent, mut para) = (0u32, 0u32);
    let mut newline = false;
    let mut q = 0;
    let mut end_pending = false;
    while let Some((i, c)) = it.next() {
        if c.is_whitespace() {
            if c == '\n' {
                newline = true;
            }
            continue;
        }
        let (a, kind) = (
            i,
            if c.is_alphanumeric() {
                TokKind::Word
            } else {
                TokKind::Punct
            },
        );
        let mut b = i + c.len_utf8();
        if kind == TokKind::Word {
            while let Some(&(j, d)) = it.peek() {
                let joins = matches!(d, '\'' | '’' | '-' | '.' | '&' | '/')
                    && text[j + d.len_utf8()..]
                        .chars()
                        .next()
                        .is_some_and(char::is_alphanumeric);
                if d.is_alphanumeric() || joins {
                    b = j + d.len_utf8();
                    it.next();
                } else {
                    break;
                }
            }
            // "Sen." and "U.S." keep their stop.
            if bytes.get(b) == Some(&b'.')
                && (is_abbreviation(&text[a..b]) || text[a..b].contains('.'))
            {
                b += 1;
                it.next();
            }
        } else if c == '\'' && bytes.get(i + 1) == Some(&b'\'') {
            b += 1;
            it.next();
        }
        if newline && !out.is_empty() {
            para += 1;
            sent += 1;
        }
        newline = false;
        let s = &text[a..b];
        // A sentence ends at . ! ? when the next word (past any marks) opens with a capital
        // or a digit.
        if end_pending && !is_mark(s) {
            if kind == TokKind::Word
                && s.starts_with(|ch: char| ch.is_uppercase() || ch.is_numeric())
            {
                sent += 1;
            }
            end_pending = false;
        }
        while q < quoted.len() && quoted[q].1 <= a {
            q += 1;
        }
        let inside = quoted.get(q).is_some_and(|&(x, _)| x <= a);
        out.push(Tok {
            a,
            b,
            kind,
            sent,
            para,
            quoted: inside,
        });
        if matches!(s, "." | "!" | "?") {
            end_pending = true;
        }
    }
    out
}

/// Words that open a sentence or a phrase but never a name.
fn is_function_word(w: &str) -> bool {
    const F: &[&str] = &[
        "the",
        "a",
        "an",
        "but",
        "and",
        "or",
        "when",
        "while",
        "in",
        "on",
        "at",
        "for",
        "if",
        "as",
        "after",
        "before",
        "this",
        "that",
        "these",
        "those",
        "it",
        "he",
        "she",
        "they",
        "we",
        "i",
        "his",
        "her",
        "their",
        "our",
        "my",
        "its",
        "so",
        "yet",
        "then",
        "there",
        "here",
        "what",
        "why",
        "how",
        "who",
        "where",
        "which",
        "with",
        "from",
        "by",
        "to",
        "of",
        "not",
        "no",
        "yes",
        "now",
        "still",
        "also",
        "even",
        "just",
        "only",
        "since",
        "until",
        "though",
        "although",
        "because",
        "once",
        "during",
        "under",
        "over",
        "about",
        "among",
        "despite",
        "like",
        "unlike",
        "according",
        "meanwhile",
        "however",
        "instead",
        "asked",
        "speaking",
        "editor’s",
        "editor's",
        "said",
        "says",
        "you",
        "your",
        "let",
        "all",
        "some",
        "many",
        "most",
        "more",
        "one",
        "two",
        "both",
        "each",
        "every",
        "any",
        "other",
        "another",
        "last",
        "next",
        "first",
        "sept",
        "oct",
        "nov",
        "dec",
        "jan",
        "feb",
        "aug",
        "p.m",
        "a.m",
        "ap",
        "update",
        "photo",
        "video",
        "watch",
        "read",
        "related",
        "advertisement",
        "getty",
    ];
    F.contains(&w) || dates::MONTHS.contains(&w) || dates::WEEKDAYS.contains(&w)
}

const PREPOSITIONS: &[&str] = &[
    "to", "of", "with", "for", "about", "against", "at", "on", "in", "from", "into", "over",
    "than", "like", "toward", "towards", "between", "among", "under", "behind", "after", "before",
    "without", "as",
];

/// Cue words: said, told, asked ... the lexicon's (`data/cues.tsv`) single words and the
/// first words of its phrases ("according" of "according to").
fn is_cue(w: &str) -> bool {
    static FIRST: OnceLock<std::collections::HashSet<&'static str>> = OnceLock::new();
    FIRST
        .get_or_init(|| {
            lexicon::cues()
                .iter()
                .filter_map(|c| c.text.split_whitespace().next())
                .collect()
        })
        .contains(w)
}

/// Person nouns (and the things that speak for people) a role phrase ends with.
fn is_role_noun(w: &str) -> bool {
    const N: &[&str] = &[
        "official",
        "officials",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "aide",
        "aides",
        "adviser",
        "advisor",
        "analyst",
        "analysts",
        "source",
        "sources",
        "narrator",
        "reader",
        "readers",
        "friend",
        "father",
        "mother",
        "critic",
        "critics",
        "candidate",
        "nominee",
        "senator",
        "governor",
        "lawmaker",
        "lawmakers",
        "director",
        "chairman",
        "chairwoman",
        "leader",
        "leaders",
        "secretary",
        "ambassador",
        "campaign",
        "statement",
        "letter",
        "article",
        "report",
        "ad",
        "piece",
        "memo",
        "committee",
        "group",
        "company",
        "witness",
        "resident",
        "residents",
        "voter",
        "voters",
        "supporter",
        "supporters",
        "officer",
        "agent",
        "lawyer",
        "attorney",
        "expert",
        "experts",
        "economist",
        "economists",
        "professor",
        "researcher",
        "researchers",
        "scientist",
        "judge",
        "prosecutor",
        "mayor",
        "manager",
        "chief",
        "executive",
        "founder",
        "member",
        "members",
        "people",
        "man",
        "woman",
        "men",
        "women",
        "president",
        "democrats",
        "republicans",
        "protesters",
        "activists",
        "organizers",
        "veteran",
        "student",
        "teacher",
        "parent",
        "parents",
        "mom",
        "dad",
        "wife",
        "husband",
        "son",
        "daughter",
        "sister",
        "brother",
        "widow",
        "host",
    ];
    N.contains(&w)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mention {
    Name,
    He,
    She,
    They,
    FirstPerson,
    Role,
}

/// A mention found in the text: tokens `from..to`.
#[derive(Debug, Clone)]
struct Found {
    from: usize,
    to: usize,
    kind: Mention,
    text: String,
}

/// Every mention in `toks` outside quotes: capitalised runs (less the function words and
/// titles they open with), pronouns, role phrases.
fn mentions(text: &str, toks: &[Tok]) -> Vec<Found> {
    let word = |t: &Tok| &text[t.a..t.b];
    let cap = |t: &Tok| t.kind == TokKind::Word && word(t).starts_with(|c: char| c.is_uppercase());
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        if t.quoted || t.kind != TokKind::Word {
            i += 1;
            continue;
        }
        let w = word(t);
        let lower = w.to_lowercase();
        if cap(t) {
            let mut j = i;
            while j < toks.len()
                && !toks[j].quoted
                && toks[j].para == t.para
                && (cap(&toks[j])
                    || (j > i
                        && j + 1 < toks.len()
                        && cap(&toks[j + 1])
                        && matches!(
                            word(&toks[j]),
                            "de" | "van" | "von" | "bin" | "al" | "da" | "del" | "la" | "le"
                        )))
            {
                j += 1;
            }
            let mut from = i;
            while from < j && is_function_word(&word(&toks[from]).to_lowercase()) {
                from += 1;
            }
            if from < j {
                let mut s = text[toks[from].a..toks[j - 1].b].to_string();
                for suffix in ["’s", "'s"] {
                    if let Some(x) = s.strip_suffix(suffix) {
                        s = x.to_string();
                    }
                }
                out.push(Found {
                    from,
                    to: j,
                    kind: Mention::Name,
                    text: s,
                });
            }
            // A pronoun opening a sentence is one too.
            if from > i {
                push_pronoun(&mut out, i, &lower, w);
            }
            i = j.max(i + 1);
            continue;
        }
        if push_pronoun(&mut out, i, &lower, w) {
        } else if is_role_noun(&lower) {
            // A role phrase: back over lower-case words to a determiner or a capital.
            let mut from = i;
            let mut k = i;
            while k > 0 && i - k < 6 {
                let p = &toks[k - 1];
                if p.quoted || p.kind != TokKind::Word || p.sent != t.sent {
                    break;
                }
                let pw = word(p).to_lowercase();
                if PREPOSITIONS.contains(&pw.as_str()) || is_cue(&pw) {
                    break;
                }
                k -= 1;
                if matches!(
                    pw.as_str(),
                    "the"
                        | "a"
                        | "an"
                        | "one"
                        | "another"
                        | "some"
                        | "two"
                        | "three"
                        | "several"
                        | "many"
                ) {
                    from = k;
                    break;
                }
                from = k;
            }
            out.push(Found {
                from,
                to: i + 1,
                kind: Mention::Role,
                text: text[toks[from].a..t.b].to_string(),
            });
        }
        i += 1;
    }
    out
}

/// Adds token `i` as a pronoun mention when it is one.
fn push_pronoun(out: &mut Vec<Found>, i: usize, lower: &str, w: &str) -> bool {
    let Some(kind) = pronoun(lower) else {
        return false;
    };
    out.push(Found {
        from: i,
        to: i + 1,
        kind,
        text: w.to_string(),
    });
    true
}

fn pronoun(lower: &str) -> Option<Mention> {
    Some(match lower {
        "he" => Mention::He,
        "she" => Mention::She,
        "they" => Mention::They,
        "i" | "we" => Mention::FirstPerson,
        _ => return None,
    })
}

fn bucket(d: usize) -> u32 {
    match d {
        0 => 0,
        1 => 1,
        2 => 2,
        3 => 3,
        4..=6 => 4,
        7..=12 => 5,
        13..=25 => 6,
        _ => 7,
    }
}

/// A name's gender as the text or the name table tells it: a title before it (Mr, Ms), or
/// its first name.
fn gender_of(name: &str, titled: &HashMap<&str, lexicon::Gender>) -> Option<lexicon::Gender> {
    let last = name.split_whitespace().next_back()?;
    if let Some(g) = titled.get(last) {
        return Some(*g);
    }
    let mut words = name.split_whitespace();
    let first = words.next()?;
    if let Some(g) = lexicon::gender_of_title(first) {
        return Some(g);
    }
    words.next()?;
    lexicon::gender_of_first_name(first)
}

/// The candidates of every quote in `quotes` (as the rules gave them, in text order), in
/// that order; indirect quotes get none. `byte_at` maps char offsets to byte offsets.
pub fn candidates(text: &str, quotes: &[Quote], people: &People) -> Vec<Vec<Candidate>> {
    candidates_of(text, quotes, people, |q| q.kind != Kind::Indirect)
}

/// `candidates`, for the quotes `wanted` lets through (the others get none).
fn candidates_of(
    text: &str,
    quotes: &[Quote],
    people: &People,
    wanted: impl Fn(&Quote) -> bool,
) -> Vec<Vec<Candidate>> {
    let byte_at: Vec<usize> = text
        .char_indices()
        .map(|(b, _)| b)
        .chain(std::iter::once(text.len()))
        .collect();
    let byte = |c: usize| byte_at.get(c).copied().unwrap_or(text.len());
    let quoted: Vec<(usize, usize)> = quotes
        .iter()
        .filter(|q| q.kind != Kind::Indirect)
        .map(|q| (byte(q.start), byte(q.end)))
        .collect();
    let toks = tokens(text, &quoted);
    let found = mentions(text, &toks);
    let word = |i: usize| &text[toks[i].a..toks[i].b];
    // Surnames titled Mr / Ms in the text; how often each name is mentioned.
    let mut titled: HashMap<&str, lexicon::Gender> = HashMap::new();
    let mut count: HashMap<&str, u32> = HashMap::new();
    for m in found.iter().filter(|m| m.kind == Mention::Name) {
        let mut w = m.text.split_whitespace();
        let (Some(t), Some(last)) = (w.next(), m.text.split_whitespace().next_back()) else {
            continue;
        };
        if let Some(g) = lexicon::gender_of_title(t) {
            titled.entry(last).or_insert(g);
        }
        *count.entry(last).or_default() += 1;
    }
    let surname_count = |name: &str| {
        name.split_whitespace()
            .next_back()
            .and_then(|l| count.get(l).copied())
            .unwrap_or(0)
    };
    // Canonical names, found when a window first needs them.
    let canon_cells: Vec<std::cell::OnceCell<Option<String>>> =
        found.iter().map(|_| std::cell::OnceCell::new()).collect();
    let canon = |i: usize| -> Option<&String> {
        canon_cells[i]
            .get_or_init(|| {
                let m = &found[i];
                (m.kind == Mention::Name)
                    .then(|| speaker::canonical(&m.text, toks[m.from].a, people))
                    .flatten()
            })
            .as_ref()
    };
    // A capitalised word opening a sentence that the text never names again nor names in
    // full ("Later", "Speaking") is no one.
    let weak = |i: usize| -> bool {
        let m = &found[i];
        m.kind == Mention::Name
            && m.to == m.from + 1
            && (m.from == 0
                || toks[m.from - 1].sent != toks[m.from].sent
                || is_mark(word(m.from - 1)))
            && surname_count(&m.text) < 2
            && canon(i).is_none_or(|c| !c.contains(' '))
    };
    // Where a mention stands in its sentence: first in it, after a preposition, a possessive,
    // a cue right after it.
    let mention_shape = |m: &Found| -> u32 {
        let t = &toks[m.from];
        let prev = m
            .from
            .checked_sub(1)
            .filter(|&k| toks[k].sent == t.sent)
            .map(|k| word(k).to_lowercase());
        let last = word(m.to - 1);
        let next_cue = toks
            .get(m.to)
            .is_some_and(|n| n.kind == TokKind::Word && is_cue(&text[n.a..n.b].to_lowercase()));
        u32::from(prev.is_none())
            | u32::from(prev.as_deref().is_some_and(|w| PREPOSITIONS.contains(&w))) << 1
            | u32::from(last.ends_with("’s") || last.ends_with("'s")) << 2
            | u32::from(next_cue) << 3
    };
    // Each quote's tokens: the first inside it and the first after it.
    let mut out = Vec::with_capacity(quotes.len());
    let mut prev_speaker: Option<&str> = None;
    for q in quotes {
        if q.kind == Kind::Indirect || !wanted(q) {
            prev_speaker = q.speaker.as_deref().or(prev_speaker);
            out.push(Vec::new());
            continue;
        }
        let (qa, qb) = (byte(q.start), byte(q.end));
        let ts = toks.partition_point(|t| t.b <= qa);
        let te = toks.partition_point(|t| t.a < qb);
        // The marks: the open one before `ts`, the close one at `te`.
        let open = ts.checked_sub(1).filter(|&i| is_mark(word(i)));
        let close = (te < toks.len() && is_mark(word(te))).then_some(te);
        let (open_sent, open_para) = open
            .or(ts.checked_sub(1))
            .map_or((0, 0), |i| (toks[i].sent, toks[i].para));
        let after = close.map_or(te, |c| c + 1);
        let (close_sent, close_para) = toks
            .get(after.saturating_sub(1))
            .map_or((u32::MAX, u32::MAX), |t| (t.sent, t.para));
        let first_of_para = open.is_none_or(|o| o == 0 || toks[o - 1].para != toks[o].para);
        let last_of_para = toks.get(after).is_none_or(|t| t.para != close_para);
        let lo = ts.saturating_sub(LEFT);
        let hi = (after + RIGHT).min(toks.len());
        let from_m = found.partition_point(|m| m.to <= lo);
        let mut cands: Vec<Candidate> = Vec::new();
        for (mi, m) in found.iter().enumerate().skip(from_m) {
            if m.from >= hi {
                break;
            }
            let left = m.to <= ts;
            let right = m.from >= after;
            if !left && !right || weak(mi) {
                continue;
            }
            let t = &toks[m.from];
            if left && t.para + 1 < open_para || right && t.para > close_para + 1 {
                continue;
            }
            let kind_v = m.kind as u32;
            // Side and sentence: 0 same sentence before, 1 sentence before, 2 paragraph
            // before; 3 same sentence after, 4 sentence after, 5 paragraph after.
            let pos = if left {
                if t.para < open_para {
                    2
                } else if t.sent == open_sent {
                    0
                } else {
                    1
                }
            } else if t.para > close_para {
                5
            } else if t.sent == close_sent {
                3
            } else {
                4
            };
            // Words between it and the quote, outside quotes; and whether a quote is between.
            let (gap_from, gap_to) = if left { (m.to, ts) } else { (after, m.from) };
            let mut words = 0;
            let mut crossed = false;
            for tk in &toks[gap_from..gap_to.max(gap_from)] {
                if tk.quoted {
                    crossed = true;
                } else if tk.kind == TokKind::Word {
                    words += 1;
                }
            }
            let d = bucket(words);
            // Words that belong to the quote being split (`“A,” he said, “B.”`) do not count
            // as crossing.
            // Cue right after it (skipping an apposition in commas) or right before it.
            let mut cue_after = 0u32;
            let mut k = m.to;
            let mut commas = 0;
            while k < toks.len() && k < m.to + 16 && !toks[k].quoted && toks[k].sent == t.sent {
                let w = word(k);
                if w == "," {
                    commas += 1;
                } else if toks[k].kind == TokKind::Word {
                    let lw = w.to_lowercase();
                    if is_cue(&lw) {
                        cue_after = if k == m.to {
                            1
                        } else if commas >= 2 || k - m.to <= 2 {
                            2
                        } else {
                            3
                        };
                        break;
                    }
                    if commas == 0 && k - m.to > 2 {
                        break;
                    }
                } else if is_mark(w) || w == ":" {
                    break;
                }
                k += 1;
            }
            let mut cue_before = 0u32;
            for back in 1..=4usize {
                let Some(k) = m.from.checked_sub(back) else {
                    break;
                };
                if toks[k].quoted || toks[k].sent != t.sent && back > 1 {
                    break;
                }
                let lw = word(k).to_lowercase();
                if is_cue(&lw) {
                    cue_before = back as u32;
                    break;
                }
                if toks[k].kind != TokKind::Word && lw != "," {
                    break;
                }
            }
            let prev_word = m
                .from
                .checked_sub(1)
                .filter(|&k| toks[k].sent == t.sent)
                .map(|k| word(k).to_lowercase());
            let first_in_sent = prev_word.is_none()
                || m.from
                    .checked_sub(1)
                    .is_some_and(|k| is_mark(word(k)) && toks[k].sent != t.sent);
            let after_comma = prev_word.as_deref() == Some(",");
            let after_dash = prev_word
                .as_deref()
                .is_some_and(|w| matches!(w, "—" | "―" | "–" | "-"));
            let after_prep = prev_word
                .as_deref()
                .is_some_and(|w| PREPOSITIONS.contains(&w));
            let after_by = prev_word.as_deref() == Some("by");
            let det = prev_word
                .as_deref()
                .is_some_and(|w| matches!(w, "the" | "a" | "an"));
            let last = &text[toks[m.to - 1].a..toks[m.to - 1].b];
            let possessive = last.ends_with("’s") || last.ends_with("'s");
            let next = toks.get(m.to).map(|t| &text[t.a..t.b]);
            let colon_next = toks[m.to..hi.max(m.to)]
                .iter()
                .take_while(|tk| tk.sent == t.sent && !tk.quoted)
                .any(|tk| &text[tk.a..tk.b] == ":");
            // What the mention stands for: one speaker, or for "he"/"she" the nearest earlier
            // people who may be meant, each with what is known of it.
            let mut whos: Vec<(String, [Feature; 3])> = Vec::new();
            let none = Feature {
                tag: "none",
                value: 0,
            };
            match m.kind {
                Mention::Name => {
                    let c = canon(mi).cloned().unwrap_or_else(|| m.text.clone());
                    let org = m.text.split_whitespace().any(speaker::is_org_word);
                    let person = people.is_person(&c);
                    let e = u32::from(org)
                        | u32::from(person) << 1
                        | u32::from(m.text.contains(' ')) << 2;
                    whos.push((
                        c,
                        [
                            Feature {
                                tag: "extra*kind",
                                value: e * 8 + kind_v,
                            },
                            none,
                            none,
                        ],
                    ));
                }
                Mention::He | Mention::She => {
                    let want = if m.kind == Mention::He {
                        lexicon::Gender::Male
                    } else {
                        lexicon::Gender::Female
                    };
                    for (pj, pm) in found[..mi].iter().enumerate().rev().take(60) {
                        if whos.len() == REFERENTS {
                            break;
                        }
                        if pm.kind != Mention::Name || weak(pj) {
                            continue;
                        }
                        let Some(c) = canon(pj) else { continue };
                        if c.split_whitespace().any(speaker::is_org_word)
                            || whos.iter().any(|(w, _)| w == c)
                        {
                            continue;
                        }
                        let known = people.is_person(c) || surname_count(c) >= 2;
                        let agrees = match gender_of(c, &titled) {
                            Some(g) if g == want => 1,
                            Some(_) => continue,
                            None => 2,
                        };
                        let rank = whos.len() as u32;
                        let sents = bucket((t.sent - toks[pm.from].sent) as usize);
                        let rs = mention_shape(pm);
                        let was_speaker =
                            u32::from(prev_speaker.is_some_and(|p| same_person(p, c)));
                        whos.push((
                            c.clone(),
                            [
                                Feature {
                                    tag: "ref*rank*agree",
                                    value: (rank * 4 + agrees) * 2 + u32::from(known),
                                },
                                Feature {
                                    tag: "ref*shape*rank",
                                    value: rs * 4 + rank,
                                },
                                Feature {
                                    tag: "ref*sents*prev",
                                    value: (sents * 2 + was_speaker) * 4 + rank,
                                },
                            ],
                        ));
                    }
                }
                Mention::They | Mention::FirstPerson | Mention::Role => {
                    whos.push((m.text.clone(), [none, none, none]));
                }
            }
            // A "name" of a long run of letters is none (`MAX_SPEAKER`).
            whos.retain(|(w, _)| w.len() <= super::MAX_SPEAKER);
            for (who, extra) in whos {
                let mut f: Vec<Feature> = Vec::with_capacity(36);

                let same_rule = q.speaker.as_deref().is_some_and(|s| same_person(s, &who));
                let same_prev = prev_speaker.is_some_and(|s| same_person(s, &who));
                let mentioned = surname_count(&who);
                let rule = u32::from(same_rule) | u32::from(q.cue.is_some()) << 1;
                let shape = u32::from(first_in_sent)
                    | u32::from(after_comma) << 1
                    | u32::from(after_dash) << 2
                    | u32::from(after_prep) << 3
                    | u32::from(after_by) << 4
                    | u32::from(det) << 5
                    | u32::from(possessive) << 6;
                let quote_shape = u32::from(first_of_para)
                    | u32::from(last_of_para) << 1
                    | u32::from(q.kind == Kind::Direct) << 2;
                let mut push = |tag: &'static str, value: u32| f.push(Feature { tag, value });
                push("bias", 0);
                push("kind", kind_v);
                push("pos", pos);
                push("kind*pos", kind_v * 8 + pos);
                push("pos*dist", pos * 8 + d);
                push("kind*pos*dist", (kind_v * 8 + pos) * 8 + d);
                push("cue_after*pos", cue_after * 8 + pos);
                push("cue_after*kind", cue_after * 8 + kind_v);
                push("cue_before*pos", cue_before * 8 + pos);
                push("cue_before*kind", cue_before * 8 + kind_v);
                push(
                    "cue*pos*dist",
                    ((cue_after.min(2) * 5 + cue_before.min(2)) * 8 + pos) * 8 + d.min(4),
                );
                push("crossed*pos", u32::from(crossed) * 8 + pos);
                push("shape*pos", shape * 8 + pos);
                for bit in 0..7 {
                    if shape & (1 << bit) != 0 {
                        push("shape_bit*kind", bit * 8 + kind_v);
                    }
                }
                push("rule", rule);
                push("rule*pos", rule * 8 + pos);
                push("rule*kind", rule * 8 + kind_v);
                push("prev*pos", u32::from(same_prev) * 8 + pos);
                push("prev*rule", u32::from(same_prev) * 4 + rule);
                push("mentioned", mentioned.min(6));
                push("qshape*pos", quote_shape * 8 + pos);
                push("colon*pos", u32::from(colon_next) * 8 + pos);
                push("next_comma*pos", u32::from(next == Some(",")) * 8 + pos);
                f.extend(extra.iter().filter(|x| x.tag != "none"));
                cands.push(Candidate {
                    speaker: who,
                    as_written: m.text.clone(),
                    pronoun: matches!(m.kind, Mention::He | Mention::She),
                    features: f,
                });
            }
        }
        // The rules' own speaker, when no mention near the quote gives it (an inherited one).
        if let Some(s) = &q.speaker {
            if !cands.iter().any(|c| same_person(&c.speaker, s)) {
                let rule = 1 | u32::from(q.cue.is_some()) << 1;
                let same_prev = prev_speaker.is_some_and(|p| same_person(p, s));
                cands.push(Candidate {
                    speaker: s.clone(),
                    as_written: q.speaker_as_written.clone().unwrap_or_else(|| s.clone()),
                    pronoun: false,
                    features: vec![
                        Feature {
                            tag: "bias",
                            value: 0,
                        },
                        Feature {
                            tag: "rule_only",
                            value: rule,
                        },
                        Feature {
                            tag: "prev*rule",
                            value: u32::from(same_prev) * 4 + rule,
                        },
                    ],
                });
            }
        }
        prev_speaker = q.speaker.as_deref().or(prev_speaker);
        out.push(cands);
    }
    out
}

/// Whether two speakers name the same one: a word of a name in common (titles aside), or the
/// same phrase.
fn same_person(a: &str, b: &str) -> bool {
    super::eval::same_speaker(a, b)
}

/// Which quotes the model decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// Those where the rules found no cue: a cue next to the quote is certain.
    NoCue,
    /// Those, and those whose cue's speaker is "he" or "she": then the model picks which
    /// earlier person is meant (or keeps the rules' choice).
    NoCueOrPronoun,
}

/// The gate `extract` uses (chosen on PolNeAR dev: RESULTS.md section 8).
pub const GATE: Gate = Gate::NoCue;

fn pronoun_cue(q: &Quote) -> bool {
    q.cue.is_some()
        && q.speaker_as_written
            .as_deref()
            .is_some_and(|s| matches!(s, "he" | "she" | "He" | "She"))
}

/// Words a noun phrase does not open with.
const OPENERS: &[&str] = &[
    "when", "while", "after", "before", "with", "without", "what", "why", "how", "where",
    "shortly", "soon", "if", "as", "because", "since", "until", "although", "though", "but", "and",
    "so", "then", "once", "during", "in", "on", "at", "for", "from", "by", "to", "of", "later",
    "earlier", "also", "even", "just", "only", "here", "there", "now", "maybe", "perhaps",
];

/// Whether the model decides `q` under `gate`.
pub fn decides(q: &Quote, gate: Gate) -> bool {
    q.kind != Kind::Indirect
        && (q.cue.is_none() || misparsed(q) || gate == Gate::NoCueOrPronoun && pronoun_cue(q))
}

/// Whether the rules' speaker phrase is no noun phrase, so their parse failed: it opens with
/// a subordinator, a preposition or an adverb ("When Clinton", "shortly after Trump", "With
/// Democratic"), or it is "I" with more words ("I laughed").
fn misparsed(q: &Quote) -> bool {
    q.speaker_as_written.as_deref().is_some_and(no_noun_phrase)
}

/// Whether a speaker phrase of several words opens with a subordinator, a preposition or an
/// adverb, or with "I", or holds a quote mark or a dash: the words around a name, not a name.
pub(crate) fn no_noun_phrase(w: &str) -> bool {
    let mut words = w.split_whitespace();
    let first = words.next().unwrap_or("").to_lowercase();
    let more = words.next().is_some();
    more && (OPENERS.contains(&first.as_str())
        || first == "i"
        || w.contains("--")
        || w.contains(['“', '”', '"'])
        || w.contains("''"))
}

/// The candidate the model gives `q` (None: the rules' speaker stays).
pub fn pick(q: &Quote, cands: &[Candidate], model: &Model, gate: Gate) -> Option<usize> {
    if !decides(q, gate) {
        return None;
    }
    let only_referents = pronoun_cue(q);
    cands
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            !only_referents
                || c.pronoun
                || q.speaker
                    .as_deref()
                    .is_some_and(|s| same_person(s, &c.speaker))
        })
        .map(|(i, c)| (model.score(&c.features), i))
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, i)| i)
}

/// Gives each quote the model's candidate (`pick`, under `GATE`); the others keep the rules'
/// speaker. An empty model changes nothing.
pub fn choose(text: &str, quotes: &mut [Quote], people: &People, model: &Model) {
    if model.is_empty() || !quotes.iter().any(|q| decides(q, GATE)) {
        return;
    }
    let cands = candidates_of(text, quotes, people, |q| decides(q, GATE));
    for (q, cs) in quotes.iter_mut().zip(cands) {
        if let Some(i) = pick(q, &cs, model, GATE) {
            let c = &cs[i];
            if q.speaker.as_deref() != Some(c.speaker.as_str()) {
                q.speaker = Some(c.speaker.clone());
                q.speaker_as_written = Some(c.as_written.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quotes::{extract, extract_with};

    #[test]
    fn abbreviations_keep_their_stop_and_the_sentence() {
        let text = "Sen. Dana Okafor (D-Ore.) spoke. Then U.S. officials left.";
        let toks = tokens(text, &[]);
        let words: Vec<&str> = toks.iter().map(|t| &text[t.a..t.b]).collect();
        assert_eq!(words[0], "Sen.");
        assert!(words.contains(&"U.S."));
        // "Sen." and "D-Ore." end no sentence; "spoke." does.
        assert_eq!(toks[0].sent, toks[5].sent, "{words:?}");
        let then = words.iter().position(|w| *w == "Then").unwrap();
        assert_eq!(toks[then].sent, toks[0].sent + 1);
    }

    #[test]
    fn a_pronoun_refers_back_to_a_person_of_its_gender() {
        let text = "Ms. Lena Varga met Tomas Reid on Monday.\n\n\
                    Later she spoke to the crowd, and there was “no turning back now” in it.";
        let people = speaker::people(text);
        let quotes = extract_with(text, &Model::default());
        let cands = candidates(text, &quotes, &people);
        let last = cands.last().unwrap();
        let referents: Vec<&str> = last
            .iter()
            .filter(|c| c.pronoun)
            .map(|c| c.speaker.as_str())
            .collect();
        // Nearest first; "Later" opens a sentence and names no one.
        assert_eq!(referents, ["Tomas Reid", "Lena Varga"]);
        // Of the other gender, he is left out.
        let text = text.replace("Tomas Reid", "Mr. Tomas Reid");
        let people = speaker::people(&text);
        let quotes = extract_with(&text, &Model::default());
        let cands = candidates(&text, &quotes, &people);
        let referents: Vec<&str> = cands
            .last()
            .unwrap()
            .iter()
            .filter(|c| c.pronoun)
            .map(|c| c.speaker.as_str())
            .collect();
        assert_eq!(referents, ["Lena Varga"]);
    }

    #[test]
    fn the_model_finds_speakers_the_rules_miss() {
        // A cue word the rules do not read; the dash attribution they do (`speaker::dash`).
        let text = "The council met on Tuesday.\n\n\
                    “We will not back down on the budget,” Senator Dana Okafor retorted.\n\n\
                    “Every family in this ward deserves a library.” ― Marco Bellini";
        let rules = extract_with(text, &Model::default());
        let model = extract(text);
        assert_eq!(rules.len(), 2);
        assert_eq!(model.len(), 2);
        assert!(
            rules[0].cue.is_none() && rules[0].speaker.is_none(),
            "{rules:?}"
        );
        assert_eq!(
            model[0].speaker.as_deref(),
            Some("Dana Okafor"),
            "{model:?}"
        );
        assert_eq!(
            model[1].speaker.as_deref(),
            Some("Marco Bellini"),
            "{model:?}"
        );
    }

    #[test]
    fn the_committed_model_loads() {
        let m = model();
        assert!(!m.is_empty());
        assert!(m
            .score(&[Feature {
                tag: "bias",
                value: 0
            }])
            .is_finite());
        let parsed = Model::parse("# comment\nkind=1\t0.5\nbroken line\npos=x\t1\n");
        assert_eq!(
            parsed.score(&[Feature {
                tag: "kind",
                value: 1
            }]),
            0.5
        );
        assert_eq!(parsed.weights.len(), 1);
    }
}
