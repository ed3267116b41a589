//! Who said it: cues, speakers and the people a text mentions.
//!
//! A cue is a verb of saying ("said", "told", "added", "according to", "was quoted as saying"),
//! from the cue lexicon (`lexicon`, built from the PolNeAR train split); one that opens a
//! sentence may be capitalised ("Said Trump: “...”").
//! The speaker is the subject the cue attaches to: after a closing mark (`,” said X` / `,” X
//! said`), or before an opening one (`X said: “`), taken as the whole noun phrase of the
//! sentence (`subject`): an introductory phrase and asides are dropped, of a name and a role in
//! apposition the name wins ("His spokesman, Stephane Dujarric," → "Stephane Dujarric"), a
//! role phrase is kept as written ("a senior U.S. military officer in Baghdad"). "X told
//! Reuters" makes X the speaker, never Reuters. `canonical` turns a surname or a titled name
//! into the full name it was first written with ("Mr Gantz" → "Benny Gantz", "caretaker Prime
//! Minister Adel Abdul Mahdi" → "Adel Abdul Mahdi"); `sentence_subjects` lists the people who
//! open sentences, for pronouns to resolve to; `Roles::earlier` takes "the official" back to
//! the role phrase that introduced it. `People` and `Roles` index a text's names and role
//! phrases once, so that a look-up never reads every mention before it.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::OnceLock;

use regex::Regex;

use super::lexicon;

/// The cues of the lexicon (`lexicon::cue_alternation`), longest first so that "said in a
/// statement" wins over "said".
fn cues() -> &'static str {
    static C: OnceLock<String> = OnceLock::new();
    C.get_or_init(lexicon::cue_alternation)
}

/// The cues but the present participles ("saying", "writing"), for `partial`: a participle
/// heads no clause of its own ("SANA quoted a military source as saying the army was
/// «cleansing»"), so the sentence's subject is not its speaker.
fn finite_cues() -> &'static str {
    static C: OnceLock<String> = OnceLock::new();
    C.get_or_init(|| {
        lexicon::cue_alternation_where(|c| {
            c.kind == lexicon::CueKind::Phrase || !c.text.ends_with("ing")
        })
    })
}

/// The cues capitalised, for one that opens a sentence: "Said Trump: “...”".
fn capitalised_cues() -> &'static str {
    static C: OnceLock<String> = OnceLock::new();
    C.get_or_init(lexicon::capitalised_cue_alternation)
}

const NAME: &str =
    r"(?:[A-Z][\p{L}’'.-]+(?:\s+(?:al-|bin\s+|de\s+|van\s+|von\s+|el-)?[A-Z][\p{L}’'.-]+){0,4})";
const ROLE: &str = r"(?:(?:(?:US|U\.S\.|Iraqi|Iranian|American|Western|Israeli|Saudi|Syrian|Turkish)\s+(?:[\p{L}]+\s+)?officials?)|(?i:a|an|one|two|three|several|some|the|another|other)\s+(?:[\p{L}.-]+\s+){0,5}?(?:official|officials|spokesman|spokeswoman|spokesperson|source|sources|diplomat|diplomats|minister|commander|officer|analyst|analysts|resident|residents|witness|witnesses|protester|protesters|activist|activists|lawmaker|lawmakers|envoy|aide|aides|leader|leaders|adviser|statement|ministry|military|group|president|premier|government|embassy|police|army|mission|coalition|people\s+familiar\s+with\s+the\s+matter))";
const PRONOUN: &str = r"(?:he|she|they|He|She|They)";

fn re(
    cell: &'static OnceLock<Option<Regex>>,
    pattern: impl FnOnce() -> String,
) -> Option<&'static Regex> {
    // A lazy DFA cache big enough for the Unicode classes, so that it does not thrash.
    cell.get_or_init(|| {
        regex::RegexBuilder::new(&pattern())
            .dfa_size_limit(32 << 20)
            .build()
            .ok()
    })
    .as_ref()
}

/// A speaker and its cue found next to a quote.
#[derive(Debug, Clone, PartialEq)]
pub struct Attribution {
    pub as_written: String,
    pub cue: String,
}

/// `,” said X` or `,” X said` right after a closing mark (the text from the mark on); the cue
/// right after the mark may open a sentence: `.” Said X.`
pub fn after(text: &str) -> Option<Attribution> {
    static A: OnceLock<Option<Regex>> = OnceLock::new();
    let r = re(&A, || {
        let (cues, caps) = (cues(), capitalised_cues());
        format!(
            r"^[\s,”\x22»“]*(?:(?P<cue1>{cues}|{caps})\s+(?P<who1>[^\n“”\x22«»„]+)|(?P<who2>[^!?\n“”\x22«»„]{{1,250}}?)\s+(?:(?:also|later|then|had|has)\s+)?(?P<cue2>{cues})(?-u:\b))"
        )
    })?;
    let c = r.captures(text)?;
    let (who, cue) = if let (Some(w), Some(k)) = (c.name("who1"), c.name("cue1")) {
        (subject_after(w.as_str())?, k.as_str())
    } else {
        let w = c.name("who2")?.as_str();
        let k = c.name("cue2")?.as_str();
        if sentence_end(w) < w.len() {
            return None;
        }
        let last = w.split_whitespace().last().unwrap_or("");
        let who = if matches!(last, "he" | "she" | "they" | "He" | "She" | "They") {
            last.to_string()
        } else {
            subject(w)?
        };
        (who, k)
    };
    Some(Attribution {
        as_written: trim_name(&who),
        cue: cue.to_lowercase(),
    })
}

/// A dash and a name closing the paragraph after a quote, as reader roundups and epigraphs
/// attribute: `“...” ― Dana Whitfield`, `“...” — Jorge Peña, 41, Tucson` (the text from the
/// mark to the paragraph's end). The name is the first part before a comma; the cue is "—".
pub fn dash(text: &str) -> Option<Attribution> {
    let t = text.trim();
    let rest = t
        .strip_prefix(['―', '—', '–'])
        .or_else(|| t.strip_prefix("--"))?;
    let rest = rest.trim_start();
    if rest.len() > 120 || rest.contains(['\n', '“', '”', '"', '«', '»', '„']) {
        return None;
    }
    let name = rest.split(',').next()?.trim().trim_end_matches('.');
    let words = name.split_whitespace().count();
    ((2..=6).contains(&words) && names_someone(name) && is_name_like(name)).then(|| Attribution {
        as_written: trim_name(name),
        cue: "—".into(),
    })
}

/// `X said: “` or `according to X, “` before an opening mark (the sentence up to the mark), or
/// a capitalised cue opening the sentence: `Said X: “`.
pub fn before(text: &str) -> Option<Attribution> {
    static B: OnceLock<Option<Regex>> = OnceLock::new();
    let r = re(&B, || {
        let (cues, caps) = (cues(), capitalised_cues());
        format!(
            r"(?:(?:(?P<who>{ROLE}|{NAME}|{PRONOUN})(?:,[^,.“”\x22]{{1,80}},)?\s+)?(?:(?:also|later|then)\s+)?(?-u:\b)(?P<cue>{cues})(?:\s+reporters|\s+(?:the\s+|The\s+)?(?:[A-Z][\p{{L}}.]+\s*){{1,4}})?(?:\s+(?:on|late on|early on|in)\s+[A-Z]?[\p{{L}}]+)?\s*(?:that\s*)?[:,]?\s*|according\s+to\s+(?P<who3>{ROLE}|{NAME})\s*,?\s*|^[\s“”\x22]*(?P<cap>{caps})\s+(?P<who4>{ROLE}|{NAME})\s*[:,]?\s*)$"
        )
    })?;
    let c = r.captures(text)?;
    if let Some(w) = c.name("who3") {
        return Some(Attribution {
            as_written: trim_name(w.as_str()),
            cue: "according to".into(),
        });
    }
    // A capitalised cue opening the sentence: "Said Trump: “", "According to the ministry, “".
    if let (Some(k), Some(w)) = (c.name("cap"), c.name("who4")) {
        return Some(Attribution {
            as_written: trim_name(w.as_str()),
            cue: k.as_str().to_lowercase(),
        });
    }
    let k = c.name("cue")?;
    let (prefix, cue) = (&text[..k.start()], k.as_str().to_lowercase());
    if prefix.trim_end().ends_with(" as") {
        return None; // "X was quoted by his office as saying:" is `colon_lead`'s
    }
    // A participle hangs on the clause before it, whose subject is its speaker: "..., Spicer
    // said, adding: “".
    if cue.ends_with("ing") && !cue.contains(' ') {
        if let Some(a) = partial(prefix) {
            return Some(Attribution { cue, ..a });
        }
    }
    let who = resolve_subject(c.name("who").map(|m| m.as_str()), prefix)?;
    Some(Attribution {
        as_written: trim_name(&who),
        cue,
    })
}

/// The subject before a cue: a pronoun right before it stands; otherwise the whole subject
/// phrase of the sentence (`subject`), or the name the cue pattern found.
fn resolve_subject(adjacent: Option<&str>, prefix: &str) -> Option<String> {
    let last = prefix.split_whitespace().last().unwrap_or("");
    if matches!(last, "he" | "she" | "they" | "He" | "She" | "They") {
        return Some(last.to_string());
    }
    if adjacent.is_some_and(|w| matches!(w, "he" | "she" | "they" | "He" | "She" | "They")) {
        return adjacent.map(str::to_string);
    }
    // The subject of a clause the cue is in: "... so heated that Gov. Ann Marsh said".
    if let Some(w) = adjacent {
        let before = prefix.trim_end().strip_suffix(w.trim()).unwrap_or("");
        let word = before.split_whitespace().next_back().unwrap_or("");
        if !before.is_empty()
            && before.ends_with(char::is_whitespace)
            && matches!(
                word,
                "that" | "when" | "as" | "after" | "while" | "because" | "so"
            )
            && w.starts_with(char::is_uppercase)
        {
            return Some(w.to_string());
        }
    }
    subject(prefix).or_else(|| adjacent.map(str::to_string))
}

/// The speaker of a partial quote whose sentence names one before it: "US officials called
/// it a “defensive action”", "Zarif denounced the strikes as “an act of aggression”".
pub fn partial(lead: &str) -> Option<Attribution> {
    static P: OnceLock<Option<Regex>> = OnceLock::new();
    let r = re(&P, || {
        let cues = finite_cues();
        format!(
            r"(?:(?i:according\s+to)\s+(?P<who2>{ROLE}|{NAME}),|(?P<who>{ROLE}|{NAME}|{PRONOUN}),?\s+(?:(?:has|have|had|also)\s+)?(?P<cue>called|calls|calling|described|describes|denounced|denounces|dismissed|condemned|threatened|accused|branded|brands|termed|labelled|labeled|{cues})(?-u:\b))[^.!?“”\x22]*$"
        )
    })?;
    if let Some(c) = r.captures(lead) {
        if let Some(w) = c.name("who2") {
            return Some(Attribution {
                as_written: trim_name(w.as_str()),
                cue: "according to".into(),
            });
        }
        if let (Some(w), Some(k)) = (c.name("who"), c.name("cue")) {
            if let Some(who) = resolve_subject(Some(w.as_str()), &lead[..k.start()]) {
                return Some(Attribution {
                    as_written: trim_name(&who),
                    cue: k.as_str().to_lowercase(),
                });
            }
        }
    }
    // Any cue whose subject opens the sentence: "Muqtada al-Sadr, whose bloc is the largest
    // in parliament, dismissed the vote as “a weak response”".
    static G: OnceLock<Option<Regex>> = OnceLock::new();
    let g = re(&G, || {
        let cues = finite_cues();
        format!(
            r"(?-u:\b)(?:called|calling|described|denounced|dismissed|condemned|threatened|accused|branded|termed|{cues})(?-u:\b)"
        )
    })?;
    g.find_iter(lead).take(PARTIAL_CUES).find_map(|k| {
        let who = resolve_subject(None, &lead[..k.start()])?;
        (who.split_whitespace().count() <= 8).then(|| Attribution {
            as_written: trim_name(&who),
            cue: k.as_str().to_lowercase(),
        })
    })
}

/// How many cue verbs of a sentence `partial` tries for a subject (a sentence of news copy has
/// one or two before a quote; a bound keeps a run of cue words from costing a subject each).
const PARTIAL_CUES: usize = 8;

/// A lead-in ending in a colon, whatever the listener: "X told lawmakers:", "X was quoted by
/// the Global Times as saying:", "She told colleagues:".
pub fn colon_lead(lead: &str) -> Option<Attribution> {
    static C: OnceLock<Option<Regex>> = OnceLock::new();
    let r = re(&C, || {
        let cues = cues();
        format!(
            r"(?:(?P<who>{ROLE}|{NAME}|{PRONOUN})(?:,[^,.“”\x22]{{1,80}},)?\s+)?(?:(?:also|later|then)\s+)?(?-u:\b)(?P<cue>{cues}|was\s+quoted\s+by\s+[^:“”\x22]{{1,60}}?\s+as\s+saying)(?-u:\b)[^“”\x22«»„.]{{0,80}}:\s*$"
        )
    })?;
    let c = r.captures(lead)?;
    let k = c.name("cue")?;
    let cue = k.as_str().to_lowercase();
    let cue = if cue.starts_with("was quoted") {
        "was quoted as saying".to_string()
    } else {
        cue
    };
    let who = resolve_subject(c.name("who").map(|m| m.as_str()), &lead[..k.start()])?;
    Some(Attribution {
        as_written: trim_name(&who),
        cue,
    })
}

/// The role phrases a text uses ("a senior U.S. defense official", "the U.S.-led coalition"),
/// with their byte offsets, in text order (`Roles` indexes them).
pub fn role_mentions(text: &str) -> Vec<(usize, String)> {
    static R: OnceLock<Option<Regex>> = OnceLock::new();
    let Some(r) = re(&R, || ROLE.to_string()) else {
        return Vec::new();
    };
    r.find_iter(text)
        .map(|m| {
            let part = last_sentence_part(m.as_str());
            (m.end() - part.len(), part.trim().to_string())
        })
        .collect()
}

/// A text's role phrases (`role_mentions`) by head noun, so that `Roles::earlier` finds the one
/// before a place by binary search instead of reading every mention before it.
#[derive(Debug, Default)]
pub struct Roles {
    /// Head noun → the phrases not opening with "the" (offset, phrase), in text order.
    plain: HashMap<String, Vec<(usize, String)>>,
    /// Head noun → word count → the phrases opening with "the", in text order.
    definite: HashMap<String, BTreeMap<usize, Vec<(usize, String)>>>,
}

impl Roles {
    /// The role phrases of `text`.
    pub fn new(text: &str) -> Roles {
        Roles::from_mentions(role_mentions(text))
    }

    /// `mentions` in text order, as `role_mentions` gives them.
    pub fn from_mentions(mentions: Vec<(usize, String)>) -> Roles {
        let mut roles = Roles::default();
        for (p, m) in mentions {
            let l = m.to_lowercase();
            let noun = head_noun(&l);
            if l.starts_with("the ") {
                roles
                    .definite
                    .entry(noun)
                    .or_default()
                    .entry(l.split_whitespace().count())
                    .or_default()
                    .push((p, m));
            } else {
                roles.plain.entry(noun).or_default().push((p, m));
            }
        }
        roles
    }

    /// "the official" whose role the text introduced before `at`: the last role phrase
    /// ("a senior U.S. defense official") with the same noun; "the coalition" is "the
    /// U.S.-led coalition" written before (a phrase with "the" counts only when it is longer).
    pub fn earlier(&self, as_written: &str, at: usize) -> Option<String> {
        let words = as_written.split_whitespace().count();
        let noun = head_noun(as_written.to_lowercase().strip_prefix("the ")?);
        fn last_before(list: &[(usize, String)], at: usize) -> Option<&(usize, String)> {
            let k = list.partition_point(|(p, _)| *p < at);
            k.checked_sub(1).map(|i| &list[i])
        }
        let plain = self.plain.get(&noun).and_then(|l| last_before(l, at));
        let definite = self.definite.get(&noun).and_then(|by_words| {
            by_words
                .range(words + 1..)
                .filter_map(|(_, l)| last_before(l, at))
                .max_by_key(|(p, _)| *p)
        });
        [plain, definite]
            .into_iter()
            .flatten()
            .max_by_key(|(p, _)| *p)
            .map(|(_, m)| m.clone())
    }
}

/// "the official" whose role the text introduced before `at` (`Roles::earlier`).
pub fn earlier_role(as_written: &str, mentions: &[(usize, String)], at: usize) -> Option<String> {
    Roles::from_mentions(mentions.to_vec()).earlier(as_written, at)
}

/// The head noun of a role phrase, lower-cased: the last word before a preposition or a
/// relative clause ("an aid worker in Idlib" → "worker", "two people familiar with the
/// matter" → "people").
pub fn head_noun(phrase: &str) -> String {
    let lower = phrase.to_lowercase();
    // Where the first of the cut words starts: each opens with a space.
    let cut = lower
        .match_indices(' ')
        .find(|(i, _)| {
            [
                " of ",
                " with ",
                " in ",
                " at ",
                " from ",
                " for ",
                " familiar ",
                " close ",
                " who ",
                " on ",
                " near ",
                " based ",
            ]
            .iter()
            .any(|w| lower[*i..].starts_with(w))
        })
        .map_or(lower.len(), |(i, _)| i);
    lower[..cut]
        .split_whitespace()
        .next_back()
        .unwrap_or("")
        .to_string()
}

/// `earlier_role` over the mentions in `before`.
pub fn earlier_role_in(as_written: &str, before: &str) -> Option<String> {
    earlier_role(as_written, &role_mentions(before), before.len())
}

/// Words that open an introductory phrase before the subject ("In a statement, he said") or
/// an aside after it (", who asked not to be named,"): such a comma-separated part is never
/// the speaker.
const NOT_SUBJECT: &[&str] = &[
    "in",
    "on",
    "at",
    "after",
    "before",
    "during",
    "since",
    "for",
    "from",
    "with",
    "without",
    "meanwhile",
    "however",
    "later",
    "earlier",
    "also",
    "asked",
    "speaking",
    "writing",
    "addressing",
    "briefing",
    "separately",
    "elsewhere",
    "but",
    "and",
    "yet",
    "still",
    "instead",
    "when",
    "while",
    "as",
    "although",
    "who",
    "whose",
    "which",
    "where",
    "whom",
    "that",
    "then",
    "according",
    "by",
    "under",
    "over",
    "referring",
    "adding",
    "noting",
    "saying",
    "citing",
    "head",
    "leader",
    "chief",
    "commander",
    "director",
    "spokesman",
    "spokeswoman",
    "of",
    "about",
    "to",
    "because",
    "if",
    "though",
    "unless",
    "until",
    "once",
    "despite",
    "amid",
    "among",
    "through",
];

/// Words that open a clause or a phrase of place or time, never a speaker's noun phrase:
/// "as Bush continued", "when Rubio thanked Miami", "of Carson".
const OPENS_CLAUSE: &[&str] = &[
    "as", "when", "while", "after", "before", "because", "if", "since", "until", "though",
    "although", "once", "unless", "whereas", "where", "of", "in", "on", "at", "for", "from",
    "with", "by", "under", "over", "during", "about", "to", "like", "that", "so",
];

/// Whether a phrase opens with a word of `OPENS_CLAUSE`.
fn opens_clause(seg: &str) -> bool {
    seg.split_whitespace()
        .next()
        .is_some_and(|w| OPENS_CLAUSE.contains(&w.to_lowercase().as_str()))
}

/// Determiners that open a role phrase ("a senior official", "two sources", "the group").
const DETERMINERS: &[&str] = &[
    "a", "an", "the", "one", "two", "three", "four", "several", "some", "many", "another", "other",
    "his", "her", "its", "their", "most", "few", "both",
];

/// Whether a comma-separated part can be a speaker: a name, a pronoun or a role phrase
/// (`role_before_name` too: "panel chairman Rep. Ann Marsh", "9/11 widow Lena Ruiz").
fn np_like(seg: &str) -> bool {
    let Some(first) = seg.split_whitespace().next() else {
        return false;
    };
    let lower = first.to_lowercase();
    if NOT_SUBJECT.contains(&lower.as_str()) {
        return false;
    }
    first.starts_with(char::is_uppercase)
        || DETERMINERS.contains(&lower.as_str())
        || matches!(lower.as_str(), "he" | "she" | "they")
        || role_before_name(seg)
}

/// Prepositions that open a phrase of place or time, never a speaker's.
const PLACE_WORDS: &[&str] = &[
    "inside",
    "outside",
    "near",
    "across",
    "into",
    "through",
    "toward",
    "towards",
    "against",
    "among",
    "about",
    "around",
    "behind",
    "beyond",
    "despite",
    "like",
    "unlike",
    "amid",
    "via",
    "per",
    "upon",
    "within",
    "throughout",
    "until",
    "than",
    "to",
    "of",
    "if",
    "because",
];

/// A role in lower case or with a number before a name: "panel chairman Rep. Ann Marsh",
/// "longtime aide Mia Cole", "9/11 widow Lena Ruiz", "36-year-old nurse Ana Ruiz". The
/// first word is no preposition, verb form or adverb, and two capitalised words end it.
fn role_before_name(seg: &str) -> bool {
    let words: Vec<&str> = seg.split_whitespace().collect();
    let Some(first) = words.first() else {
        return false;
    };
    let lower = first.to_lowercase();
    if !(first.starts_with(char::is_lowercase) || first.starts_with(char::is_numeric))
        || words.len() > 8
        || NOT_SUBJECT.contains(&lower.as_str())
        || PLACE_WORDS.contains(&lower.as_str())
        || lower.ends_with("ing")
        || lower.ends_with("ly")
        || (lower.ends_with("ed") && !lower.contains('-'))
    {
        return false;
    }
    let capitals = words
        .iter()
        .rev()
        .take_while(|w| w.starts_with(char::is_uppercase))
        .count();
    capitals >= 2
        && capitals < words.len()
        && !words[words.len() - capitals..]
            .iter()
            .any(|w| is_org_word(w))
}

/// A party and state tag in apposition: "R-Ky.", "D-N.C.", "I-Vt".
fn is_party_tag(seg: &str) -> bool {
    let t = seg.trim().trim_end_matches('.');
    let mut parts = t.splitn(2, '-');
    matches!(parts.next(), Some("R" | "D" | "I"))
        && parts.next().is_some_and(|st| {
            st.len() <= 8 && st.starts_with(char::is_uppercase) && !st.contains(' ')
        })
}

/// `s` without its short bracketed asides: "Rep. Ann Marsh (D-Ore.)" → "Rep. Ann Marsh". An
/// opening bracket with no closing one in the next 40 chars stays.
fn without_brackets(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains('(') {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('(') {
        let close = rest[i..]
            .char_indices()
            .take(40)
            .find(|&(_, c)| c == ')')
            .map(|(j, _)| i + j);
        match close {
            Some(j) => {
                out.push_str(rest[..i].trim_end());
                rest = &rest[j + 1..];
            }
            None => {
                out.push_str(&rest[..=i]);
                rest = &rest[i + 1..];
            }
        }
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

/// Whether a part names someone ("Li Shaoxian", "Pentagon spokesman Jonathan Hoffman",
/// "Khazali") rather than describing them ("a researcher at ...", "Iran’s envoy").
fn names_someone(seg: &str) -> bool {
    let tokens: Vec<&str> = seg.split_whitespace().collect();
    let Some(last) = tokens.last() else {
        return false;
    };
    let capital = last.starts_with(char::is_uppercase)
        || ["al-", "el-"].iter().any(|p| {
            last.strip_prefix(p)
                .is_some_and(|r| r.starts_with(char::is_uppercase))
        });
    if !capital || is_possessive(last) {
        return false;
    }
    let first = tokens[0].to_lowercase();
    !DETERMINERS.contains(&first.as_str()) || tokens.len() == 1
}

fn is_possessive(t: &str) -> bool {
    t.ends_with("’s") || t.ends_with("'s") || t.ends_with("s’") || t.ends_with("s'")
}

/// Cuts a role phrase before a verb that slipped in: "Shipping groups welcomed the escorts
/// but" → "Shipping groups".
fn cut_at_verb(seg: &str) -> &str {
    let tokens: Vec<(usize, &str)> = seg
        .split_whitespace()
        .map(|t| (t.as_ptr() as usize - seg.as_ptr() as usize, t))
        .collect();
    for w in tokens.windows(2).skip(1) {
        let (at, word) = w[0];
        if word.len() > 3
            && word.ends_with("ed")
            && word.starts_with(char::is_lowercase)
            && !word.contains('-')
            && DETERMINERS.contains(&w[1].1.to_lowercase().as_str())
        {
            return seg[..at].trim_end();
        }
    }
    for conj in [" but", " and then", " and"] {
        if let Some(s) = seg.strip_suffix(conj) {
            return s.trim_end();
        }
    }
    seg
}

/// The speaker as written in the words before a cue verb, from the start of the sentence:
/// an introductory phrase ("In a letter to the speaker, he") and asides (", who asked not to
/// be named,") are dropped; of a name and a role in apposition the name is the speaker ("His
/// spokesman, Stephane Dujarric," → "Stephane Dujarric"); of two role phrases, the second
/// ("A second official, a Marine officer familiar with the planning,"); a dateline ("BEIRUT
/// (AFP) - ") is not part of it.
pub fn subject(prefix: &str) -> Option<String> {
    let mut p = prefix.trim();
    // After the last quote mark, two apostrophes ('') among them.
    let mark = p.rfind(['“', '”', '"', '«', '»', '„']);
    if let Some(i) = mark.max(p.rfind("''")) {
        p = p[i..].trim_start_matches(['“', '”', '"', '«', '»', '„', '\'', ',', ' ']);
    }
    for dash in [") - ", ") — ", ") – ", ") -- "] {
        // Only a dash in the first 40 bytes counts, so only they are searched.
        let head = &p[..p.floor_char_boundary(39 + dash.len())];
        if let Some(i) = head.find(dash) {
            p = &p[i + dash.len()..];
        }
    }
    for lead in ["But ", "And ", "Yet ", "So "] {
        p = p.strip_prefix(lead).unwrap_or(p);
    }
    let bare = without_brackets(p);
    let p: &str = &bare;
    let appositive = p.ends_with(',');
    let mut p = p.trim_end_matches(',').trim();
    for adverb in [
        " also",
        " later",
        " has",
        " had",
        " have",
        " then",
        " previously",
        " again",
    ] {
        p = p.strip_suffix(adverb).unwrap_or(p);
    }
    let segs: Vec<&str> = p
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    let last = *segs.last()?;
    let pick = if !appositive {
        last
    } else {
        // Parts after the first that open with a lowercase non-determiner word are asides.
        let cands: Vec<&str> = segs.iter().copied().filter(|s| np_like(s)).collect();
        match cands.iter().find(|s| names_someone(s)) {
            Some(n) => n,
            None => {
                let roles: Vec<&str> = cands
                    .iter()
                    .copied()
                    .filter(|s| {
                        s.split_whitespace()
                            .next()
                            .is_some_and(|f| DETERMINERS.contains(&f.to_lowercase().as_str()))
                    })
                    .collect();
                match roles.as_slice() {
                    [.., a, b] if b.starts_with(['a', 'A']) && !a.starts_with(['t', 'T']) => b,
                    _ => *cands.first()?,
                }
            }
        }
    };
    let pick = named_in_aside(&segs).unwrap_or(pick);
    let pick = pick
        .strip_prefix("and ")
        .or_else(|| pick.strip_prefix("but "))
        .unwrap_or(pick);
    // "He said the scrutiny was legitimate, then added:": a pronoun takes no modifiers.
    if let Some(first) = pick.split_whitespace().next() {
        if matches!(first, "He" | "She" | "They" | "he" | "she" | "they") {
            return Some(first.to_string());
        }
    }
    let pick = strip_place(cut_at_verb(cut_relative(pick)));
    if pick.is_empty()
        || pick.split_whitespace().count() > 12
        || !(np_like(pick) || names_someone(pick))
        || opens_clause(pick)
    {
        return None;
    }
    Some(trim_name(pick))
}

/// A role phrase without its relative clause: "a Kurdish lawmaker who boycotted the session"
/// → "a Kurdish lawmaker".
fn cut_relative(seg: &str) -> &str {
    seg.match_indices(' ')
        .find(|(i, _)| {
            [" who ", " which ", " whose ", " that "]
                .iter()
                .any(|w| seg[*i..].starts_with(w))
        })
        .map_or(seg, |(i, _)| seg[..i].trim_end())
}

/// A name given in an aside: "One student, who gave her name only as Maryam," → "Maryam".
fn named_in_aside<'a>(segs: &[&'a str]) -> Option<&'a str> {
    segs.iter().skip(1).find_map(|s| {
        let i = s.find(" name ").or_else(|| s.find("nom de guerre"))?;
        let tail = &s[i..];
        let at = tail.find(" as ").map(|j| j + 4)?;
        let name = tail[at..].trim();
        (names_someone(name) && is_name_like(name)).then_some(name)
    })
}

/// "Rep. Elissa Slotkin of Michigan" → "Rep. Elissa Slotkin"; an organisation keeps its "of"
/// ("The Union of Greek Shipowners").
fn strip_place(seg: &str) -> &str {
    let Some(i) = seg.find(" of ") else {
        return seg;
    };
    let head = &seg[..i];
    let tokens: Vec<&str> = head.split_whitespace().collect();
    let skip = tokens.iter().take_while(|t| is_title(t)).count();
    let name = &tokens[skip..];
    if name.len() >= 2
        && name
            .iter()
            .all(|t| t.starts_with(char::is_uppercase) || t.starts_with("al-"))
        && !name.iter().any(|t| is_org_word(t))
        && !tokens[0].eq_ignore_ascii_case("the")
    {
        head
    } else {
        seg
    }
}

/// The speaker as written after a cue verb ("said a militia commander who gave only his nom
/// de guerre, Abu Ali,"): the words up to the end of the sentence or the next quote mark,
/// with the same apposition rules as `subject`.
pub fn subject_after(rest: &str) -> Option<String> {
    let end = sentence_end(rest);
    let bare = without_brackets(&rest[..end]);
    let part = bare.trim();
    if part.is_empty() {
        return None;
    }
    // A part ends before a clause: "said Hook when asked about ...".
    let cut = |s: &'_ str, words: &[&str]| -> usize {
        words
            .iter()
            .filter_map(|w| s.find(w))
            .min()
            .unwrap_or(s.len())
    };
    let segs: Vec<&str> = part
        .split(',')
        .map(str::trim)
        .filter(|s| !is_party_tag(s))
        .map(|s| &s[..cut(s, &[" when ", " while ", " after ", " as "])])
        .collect();
    let first = *segs.first()?;
    if !np_like(first) {
        return None;
    }
    // "said the official, adding ..." / "said Hook in an interview": a name ends before "in".
    let named = segs
        .iter()
        .take(3)
        .copied()
        .filter(|s| np_like(s))
        .map(|s| &s[..cut(s, &[" in ", " on "])])
        .find(|s| names_someone(s) && is_name_like(s));
    let pick = named.unwrap_or(first);
    let pick = strip_place(cut_at_verb(cut_relative(pick)));
    (pick.split_whitespace().count() <= 12).then(|| trim_name(pick))
}

/// Where the sentence that `s` starts in ends: a full stop that is not an abbreviation's
/// ("U.S."), or a quote mark.
fn sentence_end(s: &str) -> usize {
    sentence_end_within(s, usize::MAX)
}

/// `sentence_end`, with the sentence cut at the `titles + 1`-th full stop that ends no
/// sentence ("Mr.", "Gen.", "U.S.", `segment::ends_sentence`), so that a run of abbreviations
/// is not one endless sentence. A full stop that ends `s` ends no sentence in it ("IG Ltd."
/// before its cue).
fn sentence_end_within(s: &str, titles: usize) -> usize {
    let mut passed = 0;
    for (i, c) in s.char_indices() {
        match c {
            '“' | '”' | '"' | '«' | '»' | '„' | '\n' | '!' | '?' | ';' | ':' => return i,
            '.' if i + 1 < s.len() => {
                if super::segment::ends_sentence(s, i) || passed == titles {
                    return i;
                }
                passed += 1;
            }
            _ => {}
        }
    }
    s.len()
}

/// How many abbreviations with a full stop ("Mr.", "Gen.", "U.S.") a sentence read for its
/// subject may run over ("U.S. Army Maj. Gen. Ann Marsh ..."): real sentences have a few.
const SUBJECT_TITLES: usize = 12;

/// The people who open sentences (their subjects), as canonical names with byte offsets, for
/// pronouns to resolve to: "Zarif briefed Wang ... He said" makes "he" Zarif, not Wang.
/// Sentences inside a quote (`quoted`, byte ranges) are skipped, and so are sentences whose
/// subject is a pronoun (the person they refer to stays the subject).
///
/// `quoted` is in text order and its ranges do not overlap (as `marks::spans` gives them). The
/// subjects come in text order of where they are named.
pub fn sentence_subjects(
    text: &str,
    people: &People,
    quoted: &[(usize, usize)],
) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    if people.mentions.is_empty() {
        return out; // a subject is always someone the text names
    }
    let mut at_start = true;
    let mut prev = ' ';
    // The first quoted range that does not end before the current char.
    let mut q = 0;
    for (i, c) in text.char_indices() {
        if c == '\n' {
            at_start = true;
        } else if at_start && !c.is_whitespace() {
            at_start = false;
            while q < quoted.len() && quoted[q].1 <= i {
                q += 1;
            }
            let inside = quoted.get(q).is_some_and(|&(a, _)| a <= i);
            if c.is_uppercase() && !inside {
                if let Some(s) = sentence_subject(text, i, people) {
                    out.push(s);
                }
            }
        } else if matches!(prev, '.' | '!' | '?')
            && c == ' '
            && super::segment::ends_sentence(text, i - 1)
        {
            at_start = true;
        }
        prev = c;
    }
    // A subject named in apposition can lie past the next sentence opening ("Gen. ..."); a
    // stable sort keeps the order otherwise.
    out.sort_by_key(|s| s.0);
    out
}

fn sentence_subject(text: &str, at: usize, people: &People) -> Option<(usize, String)> {
    let rest = &text[at..];
    let end = sentence_end_within(rest, SUBJECT_TITLES).min(rest.len());
    let sentence = &rest[..end];
    let mut offset = 0;
    let mut segs = Vec::new();
    for seg in sentence.split(',') {
        segs.push((at + offset, seg));
        offset += seg.len() + 1;
    }
    let idx = segs.iter().position(|(_, s)| np_like(s.trim()))?;
    let (s0_at, s0) = segs[idx];
    let first = s0.split_whitespace().next()?;
    if matches!(first, "He" | "She" | "They" | "It") {
        return None;
    }
    let is_person = |n: &str| people.is_person(n);
    // The capitalised words the sentence opens with, less titles: "Salih", "President Barham
    // Salih", "Khazali".
    let run: Vec<&str> = s0
        .split_whitespace()
        .take_while(|t| t.starts_with(char::is_uppercase) || t.starts_with("al-") || *t == "bin")
        .collect();
    // Words that `canonical` cannot make a person's name (so it is not asked): more words
    // after the titles than the longest name has, unless a particle ("al-") opens them or the
    // run (`canonical` reads those from the end); or titles only, at least as many as the
    // longest name has words (no name opens with a title, or ends with that many).
    let titles = run.iter().take_while(|t| is_title(t)).count();
    let too_long = run.len() > titles + people.longest
        && run
            .first()
            .is_some_and(|t| t.starts_with(char::is_uppercase))
        && run
            .get(titles)
            .is_none_or(|t| t.starts_with(char::is_uppercase));
    let only_titles = titles == run.len() && run.len() > 1 && run.len() >= people.longest;
    if !run.is_empty() && !too_long && !only_titles {
        if let Some(c) = canonical(&run.join(" "), s0_at + s0.len(), people) {
            if is_person(&c) {
                return Some((s0_at, c));
            }
        }
    }
    // A name after a short role: "Pentagon spokesman Jonathan Hoffman"; or in apposition to
    // it: "Iraq’s caretaker prime minister, Adel Abdul Mahdi,".
    let within = |a: usize, b: usize| people.first_within(a, b).map(|(p, n)| (p, n.to_string()));
    if let Some((p, n)) = within(s0_at, s0_at + s0.len()) {
        let before = &text[s0_at..p];
        if before.split_whitespace().count() <= 5
            && !before
                .split_whitespace()
                .any(|w| w.ends_with("ed") && w.starts_with(char::is_lowercase))
        {
            return Some((p, n));
        }
    }
    if s0.split_whitespace().count() <= 6 {
        if let Some(&(a, s1)) = segs.get(idx + 1) {
            if names_someone(s1.trim()) {
                if let Some(found) = within(a, a + s1.len()) {
                    return Some(found);
                }
            }
        }
    }
    // After introductory phrases, a part that opens with a person and goes on with a verb:
    // "The day before, at a rally in Dayton, Ohio, Sen. Ann Marsh was blunt."
    for &(a, seg) in segs.iter().skip(idx + 1).take(3) {
        let t = seg.trim_start();
        let words: Vec<&str> = t.split_whitespace().collect();
        let run = words
            .iter()
            .take_while(|w| w.starts_with(char::is_uppercase))
            .count();
        let titles = words.iter().take_while(|w| is_title(w)).count();
        if run > titles
            && run < words.len()
            && run <= titles + people.longest
            && words[run].starts_with(char::is_lowercase)
        {
            let c = canonical(&words[..run].join(" "), a + seg.len(), people);
            if let Some(c) = c.filter(|c| is_person(c)) {
                return Some((a + (seg.len() - t.len()), c));
            }
        }
    }
    None
}

/// The part of a phrase after its last sentence or paragraph end: "the Anbar Operations
/// Command.\n\nThe coalition" → "The coalition".
fn last_sentence_part(s: &str) -> &str {
    let s = s.rsplit('\n').next().unwrap_or(s);
    s.rmatch_indices('.')
        .find(|&(i, _)| i + 1 < s.len() && super::segment::ends_sentence(s, i))
        .map_or(s, |(i, _)| s[i + 1..].trim_start())
}

fn trim_name(s: &str) -> String {
    s.trim().trim_end_matches([',', '.']).to_string()
}

/// The people a text names, as full names, in order of first mention: runs of two to four
/// capitalised words, with leading titles and sentence openers dropped ("Secretary of State
/// Mike Pompeo" gives "Mike Pompeo"), and runs naming places or organisations left out.
pub fn people(text: &str) -> People {
    let breaks = super::segment::paragraph_breaks(text);
    people_outside(text, &super::segment::headlines(text, &breaks))
}

/// `people`, with no name read from the byte ranges `headlines` (in text order): a Title Case
/// headline is a run of capitalised words ("Senator Ann Marsh Vows To Fight ...") that would
/// be taken for a name.
pub fn people_outside(text: &str, headlines: &[(usize, usize)]) -> People {
    let mut mentions = mentions_of_people(text);
    if !headlines.is_empty() {
        mentions.retain(|(at, _)| {
            let k = headlines.partition_point(|&(_, end)| end <= *at);
            headlines.get(k).is_none_or(|&(start, _)| *at < start)
        });
    }
    People::new(mentions)
}

/// The people mentions `people` indexes: byte offset and full name, in text order.
fn mentions_of_people(text: &str) -> Vec<(usize, String)> {
    static P: OnceLock<Option<Regex>> = OnceLock::new();
    let Some(r) = re(&P, || {
        r"(?-u:\b)[A-Z][\p{L}’'.-]+(?:[^\S\n]+(?:al-|bin[^\S\n]+|el-)?[A-Z](?:[\p{L}’'-]+|\.)){1,7}"
            .to_string()
    }) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for m in r.find_iter(text) {
        let mut tokens: Vec<&str> = m.as_str().split_whitespace().collect();
        // Inside a dotted abbreviation ("Former U.N. Ambassador ..."): the match that ends at
        // its first letter has no name at its end, the one after it none at its start.
        if text[..m.start()].ends_with('.') && !tokens.is_empty() {
            tokens.remove(0);
        }
        if text[m.end()..].starts_with(|c: char| !c.is_whitespace())
            && tokens
                .last()
                .is_some_and(|t| t.len() == 2 && t.ends_with('.'))
        {
            tokens.pop();
        }
        // "Florida Sen. Ann Marsh": a title before its full stop ends no name.
        if text[m.end()..].starts_with('.') {
            while tokens.last().is_some_and(|t| is_leading(t)) {
                tokens.pop();
            }
        }
        let skip = tokens
            .iter()
            .take_while(|t| is_title(t) || is_org_word(t))
            .count();
        let rest = &tokens[skip..];
        if rest.len() < 2 || rest.iter().any(|t| is_org_word(t)) {
            continue;
        }
        let offset = m.start() + m.as_str().find(rest[0]).unwrap_or(0);
        // "President Donald Trump’s ability": the name without its possessive.
        let name = rest.join(" ");
        let name = name
            .strip_suffix("’s")
            .or_else(|| name.strip_suffix("'s"))
            .unwrap_or(&name);
        out.push((offset, name.to_string()));
    }
    out
}

/// The people a text names (`people`), indexed for the look-ups speakers need: who is a
/// person, the mention before a place or within a range (binary search over offsets), and the
/// first full name with a given surname or ending (hash maps), so that no look-up reads every
/// mention.
#[derive(Debug, Default)]
pub struct People {
    /// Byte offset and full name, in text order (offsets increase).
    mentions: Vec<(usize, String)>,
    names: HashSet<String>,
    /// The words after a space in a name ("Abdul Mahdi" of "Adel Abdul Mahdi") → the index of
    /// the first mention whose name ends so.
    by_ending: HashMap<String, usize>,
    /// A word of a name, or what follows a hyphen in one ("Sadr" of "al-Sadr") → the index of
    /// the first mention with it.
    by_word: HashMap<String, usize>,
    /// The most words a name has.
    longest: usize,
}

impl People {
    /// `mentions` in text order: byte offsets and full names.
    pub fn new(mentions: Vec<(usize, String)>) -> People {
        let mut people = People::default();
        for (i, (_, name)) in mentions.iter().enumerate() {
            if people.names.contains(name) {
                continue; // an earlier mention of the name is indexed already
            }
            people.names.insert(name.clone());
            people.longest = people.longest.max(name.split_whitespace().count());
            for (at, _) in name.match_indices(' ') {
                people
                    .by_ending
                    .entry(name[at + 1..].to_string())
                    .or_insert(i);
            }
            for part in name.split_whitespace() {
                people.by_word.entry(part.to_string()).or_insert(i);
                for (at, _) in part.match_indices('-') {
                    people
                        .by_word
                        .entry(part[at + 1..].to_string())
                        .or_insert(i);
                }
            }
        }
        people.mentions = mentions;
        people
    }

    /// The mentions, in text order.
    pub fn mentions(&self) -> &[(usize, String)] {
        &self.mentions
    }

    /// Whether `name` is the full name of someone the text mentions.
    pub fn is_person(&self, name: &str) -> bool {
        self.names.contains(name)
    }

    /// The last mention before byte offset `at`.
    fn last_before(&self, at: usize) -> Option<&(usize, String)> {
        let k = self.mentions.partition_point(|(p, _)| *p < at);
        k.checked_sub(1).map(|i| &self.mentions[i])
    }

    /// The first mention at a byte offset in `from..to`.
    pub fn first_within(&self, from: usize, to: usize) -> Option<(usize, &str)> {
        let k = self.mentions.partition_point(|(p, _)| *p < from);
        self.mentions
            .get(k)
            .filter(|(p, _)| *p < to)
            .map(|(p, n)| (*p, n.as_str()))
    }

    /// The first name mentioned that is longer than `w` and ends with a space and `w`.
    fn ending_with(&self, w: &str) -> Option<&String> {
        self.by_ending.get(w).map(|&i| &self.mentions[i].1)
    }

    /// The first name mentioned with `w` as a word or after a hyphen in a word.
    fn with_word(&self, w: &str) -> Option<&String> {
        self.by_word.get(w).map(|&i| &self.mentions[i].1)
    }
}

/// Whether a token before a name is a title, a nationality, a possessive ("Iran’s") or the
/// end of the sentence before ("Twitter.").
fn is_title(t: &str) -> bool {
    let bare = t.trim_end_matches('.');
    is_leading(t)
        || (bare.len() < t.len() && is_leading(bare))
        || t.ends_with("’s")
        || t.ends_with("'s")
        || (t.ends_with('.') && bare.chars().count() > 3)
}

/// A set of short words, hashed with FNV-1a: the sets below are read for every word of every
/// name, where SipHash would cost more than the look-up (and no one chooses these keys).
type WordSet = HashSet<&'static str, std::hash::BuildHasherDefault<Fnv>>;

/// The FNV-1a hash, 64 bits.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl std::hash::Hasher for Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Whether `w` is one of `LEADING` (the list is long, and read for every word of every name).
fn is_leading(w: &str) -> bool {
    static S: OnceLock<WordSet> = OnceLock::new();
    S.get_or_init(|| LEADING.iter().copied().collect())
        .contains(w)
}

/// Whether `w` is one of `ORG_WORDS`.
pub fn is_org_word(w: &str) -> bool {
    static S: OnceLock<WordSet> = OnceLock::new();
    S.get_or_init(|| ORG_WORDS.iter().copied().collect())
        .contains(w)
}

/// Titles and sentence openers that come before a name.
const LEADING: &[&str] = &[
    "Secretary",
    "President",
    "Prime",
    "Minister",
    "Foreign",
    "Defense",
    "Defence",
    "Gen",
    "Maj",
    "Lt",
    "Col",
    "Brig",
    "Adm",
    "Sen",
    "Rep",
    "Gov",
    "Mr",
    "Mrs",
    "Ms",
    "Dr",
    "Sheikh",
    "Ayatollah",
    "Grand",
    "Leader",
    "Supreme",
    "Spokesman",
    "Spokeswoman",
    "Ambassador",
    "Envoy",
    "Speaker",
    "Cleric",
    "Commander",
    "Chief",
    "Deputy",
    "Caretaker",
    "Acting",
    "Interim",
    "Former",
    "Later",
    "But",
    "And",
    "When",
    "After",
    "While",
    "Iraqi",
    "Iranian",
    "US",
    "U.S.",
    "American",
    "Syrian",
    "Lebanese",
    "Saudi",
    "Shi’ite",
    "Shiite",
    "Sunni",
    "Kurdish",
    "Chancellor",
    "Colonel",
    "Major",
    "General",
    "Staff",
    "Sgt",
    "Sergeant",
    "Lieutenant",
    "Captain",
    "Capt",
    "House",
    "Minority",
    "Majority",
    "Canadian",
    "German",
    "Turkish",
    "French",
    "British",
    "Chinese",
    "Russian",
    "Ukrainian",
    "Israeli",
    "Qatari",
    "Egyptian",
    "Jordanian",
    "Emirati",
    "Kuwaiti",
    "Pakistani",
    "Indian",
    "European",
    "EU",
    "UN",
    "NATO",
    "Secretary-General",
    "Senator",
    "Congressman",
    "Congresswoman",
    "Representative",
    "Democrat",
    "Democratic",
    "Republican",
    "Vice",
    "Pope",
    "King",
    "Crown",
    "Emir",
    "Imam",
    "Sayyed",
    "Hojatoleslam",
    "Brigadier",
    "Admiral",
    "Commodore",
    "Cmdr",
    "Cdr",
    "Rear",
    "Vice-Admiral",
    "Marine",
    "Navy",
    "Air",
    "Lebanese",
    "Kurdistan",
    "Regional",
    "Parliament",
    "Parliamentary",
    "Interior",
    "Oil",
    "Finance",
    "Health",
    "Army",
    "Commandant",
    "Pentagon",
    "Press",
    "Spokesperson",
    "Ministry",
    // Offices and occupations that stand before names in any beat, not only this corpus's.
    "Justice",
    "Judge",
    "Magistrate",
    "Attorney",
    "Commissioner",
    "Trade",
    "Transport",
    "Economy",
    "Economic",
    "Labour",
    "Labor",
    "Agriculture",
    "Environment",
    "Energy",
    "Education",
    "Culture",
    "Governor",
    "Mayor",
    "Councillor",
    "Councilor",
    "Chairman",
    "Chairwoman",
    "Chair",
    "Director",
    "Director-General",
    "Executive",
    "CEO",
    "Officer",
    "Professor",
    "Prof",
    "Coach",
    "Manager",
    "Striker",
    "Midfielder",
    "Defender",
    "Goalkeeper",
    "Fisherman",
    "Farmer",
    "Economist",
    "Analyst",
    "Activist",
    "Lawmaker",
    "Legislator",
    "Bishop",
    "Cardinal",
    "Rabbi",
    "Reverend",
    "Rev",
    "Sir",
    "Dame",
    "Lord",
    "Lady",
    "Nurse",
    "Doctor",
    "Engineer",
    "Scientist",
    "Researcher",
    "Astronaut",
    "Pilot",
    "Founder",
    "Co-founder",
    "Treasurer",
    "Ombudsman",
    "Governor",
    "Mayor",
];

/// Words that mark a run of capitals as a place, an organisation or a date, not a person.
const ORG_WORDS: &[&str] = &[
    "United",
    "States",
    "State",
    "Department",
    "Ministry",
    "Council",
    "Hezbollah",
    "Iraq",
    "Iran",
    "Baghdad",
    "Washington",
    "Tehran",
    "Syria",
    "Force",
    "Forces",
    "Units",
    "Army",
    "Embassy",
    "News",
    "Press",
    "Agency",
    "Reuters",
    "Guard",
    "Guards",
    "Corps",
    "Gulf",
    "Zone",
    "Green",
    "House",
    "White",
    "Security",
    "Nations",
    "Union",
    "Party",
    "Alliance",
    "Brigade",
    "Brigades",
    "Command",
    "Central",
    "Pentagon",
    "Street",
    "Square",
    "Airport",
    "International",
    "Kataib",
    "Popular",
    "Mobilization",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "January",
    "December",
    "The",
    "A",
    "In",
    "On",
    "Associated",
    "Administration",
    "Agency",
    "Institute",
    "Organization",
    "Organisation",
    "Commission",
    "Committee",
    "Office",
    "Bank",
    "Company",
    "Corporation",
    "Fund",
    "Association",
    "University",
    "Observatory",
    "Markets",
    "Capital",
    "Times",
    "Chiefs",
    "Staff",
    "Assembly",
    "Network",
    "Group",
    "Movement",
    "Front",
    "Mission",
    "Navy",
    "Parliament",
    "Congress",
    "Senate",
    "Post",
    "Journal",
    "Channel",
    "Television",
];

/// The canonical form of a speaker as written: a pronoun or surname becomes the full name of
/// the nearest fitting person mentioned before `at`; a role phrase stays as written.
pub fn canonical(as_written: &str, at: usize, people: &People) -> Option<String> {
    let w = as_written.trim();
    if w.is_empty() {
        return None;
    }
    if matches!(w, "he" | "she" | "they" | "He" | "She" | "They") {
        return people.last_before(at).map(|(_, n)| n.clone());
    }
    if !w.starts_with(|c: char| c.is_uppercase())
        || w.split_whitespace().count() > 1 && !is_name_like(w)
    {
        // "EU foreign policy chief Josep Borrell": the name at the end, when there is one.
        let tokens: Vec<&str> = w.split_whitespace().collect();
        let tail = tokens
            .iter()
            .rev()
            .take_while(|t| {
                (t.starts_with(char::is_uppercase) || t.starts_with("al-") || **t == "bin")
                    && !is_title(t)
                    && !is_org_word(t)
            })
            .count();
        let before_tail = tokens
            .len()
            .checked_sub(tail + 1)
            .and_then(|i| tokens.get(i))
            .copied()
            .unwrap_or("");
        // "a spokeswoman for President Helena Kask": the role is the speaker, not the name
        // it works for (the word before the name's titles is "for" or "of").
        let titles = tokens[..tokens.len() - tail]
            .iter()
            .rev()
            .take_while(|t| is_title(t))
            .count();
        let before_titles = tokens
            .len()
            .checked_sub(tail + titles + 1)
            .and_then(|i| tokens.get(i))
            .copied()
            .unwrap_or("");
        let works_for = titles > 0
            && matches!(before_titles, "of" | "for" | "to")
            && DETERMINERS.contains(&tokens[0].to_lowercase().as_str());
        if tail >= 2
            && tail < tokens.len()
            && !works_for
            && (before_tail.starts_with(char::is_lowercase)
                || is_title(before_tail)
                || is_org_word(before_tail))
            && !matches!(
                before_tail,
                "of" | "for" | "the" | "in" | "at" | "on" | "and" | "to" | "from"
            )
            && !tokens[tokens.len() - tail..].iter().any(|t| is_org_word(t))
        {
            return canonical(&tokens[tokens.len() - tail..].join(" "), at, people);
        }
        return Some(w.to_string());
    }
    if w.split_whitespace().count() > 1 {
        // Part of a name written in full before: "Abdul Mahdi" → "Adel Abdul Mahdi".
        if let Some(full) = people.ending_with(w) {
            return Some(full.clone());
        }
    }
    if w.split_whitespace().count() == 1 {
        // A surname (or given name): the full name first written with it.
        if let Some(full) = people.with_word(w) {
            return Some(full.clone());
        }
    }
    // A name written with its titles: "Caretaker Prime Minister Adel Abdul Mahdi".
    let tokens: Vec<&str> = w.split_whitespace().collect();
    let skip = tokens.iter().take_while(|t| is_title(t)).count();
    if skip > 0 && skip < tokens.len() {
        // "Mr Gantz" → "Gantz" → "Benny Gantz".
        return canonical(&tokens[skip..].join(" "), at, people);
    }
    Some(w.to_string())
}

fn is_name_like(s: &str) -> bool {
    s.split_whitespace().all(|p| {
        p.starts_with(|c: char| c.is_uppercase())
            || p.starts_with("al-")
            || p.starts_with("el-")
            || matches!(p, "bin" | "de" | "van" | "von")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cues_after_and_before() {
        let a = after(" said Brian Hook, the State Department’s Iran envoy.").unwrap();
        assert_eq!(
            (a.as_written.as_str(), a.cue.as_str()),
            ("Brian Hook", "said")
        );
        let a = after(" Pompeo said Monday.").unwrap();
        assert_eq!(a.as_written, "Pompeo");
        let a = after(" one military official said, referring to Kataib Hezbollah.").unwrap();
        assert_eq!(a.as_written, "one military official");
        let a = after(" Rabiee was quoted as saying.").unwrap();
        assert_eq!(
            (a.as_written.as_str(), a.cue.as_str()),
            ("Rabiee", "was quoted as saying")
        );
        let b = before("Maj. Gen. Raad Mahmoud told The Associated Press: ").unwrap();
        assert_eq!(b.as_written, "Maj. Gen. Raad Mahmoud");
        let b = before("The president said in a statement: ").unwrap();
        assert_eq!(b.cue, "said in a statement");
        assert!(after(" and a long sentence follows.").is_none());
    }

    #[test]
    fn cues_of_the_lexicon() {
        let pair = |a: Option<Attribution>| a.map(|a| (a.as_written, a.cue));
        let p = |w: &str, c: &str| Some((w.to_string(), c.to_string()));
        // Speech verbs the hand-written list missed (issue 11).
        assert_eq!(pair(after(" Smith responded.")), p("Smith", "responded"));
        assert_eq!(pair(after(", she writes.")), p("she", "writes"));
        assert_eq!(pair(after(" asks the senator.")), p("the senator", "asks"));
        assert_eq!(
            pair(after(", the official went on to say.")),
            p("the official", "went on to say")
        );
        assert_eq!(
            pair(before("The senator shot back: ")),
            p("The senator", "shot back")
        );
        // A capitalised cue opening the sentence.
        assert_eq!(pair(before("Said Trump: ")), p("Trump", "said"));
        assert_eq!(
            pair(before("According to the ministry, ")),
            p("the ministry", "according to")
        );
        assert_eq!(
            pair(after(" Said one official.")),
            p("one official", "said")
        );
        // Lower case inside a sentence only: "Said" is a name too.
        assert!(before("He met Said Jalili: ").is_none_or(|a| a.as_written != "Jalili"));
        // A participle's speaker is the subject of the clause it hangs on.
        assert_eq!(
            pair(before(
                "Ryan and Trump will meet next week, Spicer said, adding, "
            )),
            p("Spicer", "adding")
        );
        // "as saying" after "quoted by X" is the colon lead's, with its subject.
        let lead = "Ukrainian President Volodymyr Zelensky was quoted by his office as saying: ";
        assert_eq!(before(lead), None);
        assert_eq!(
            colon_lead(lead).map(|a| a.cue).as_deref(),
            Some("was quoted as saying")
        );
        // A participle names no speaker of a partial quote in its own clause.
        let lead = "State news agency SANA quoted a military source as saying the army was ";
        assert!(partial(lead).is_none_or(|a| a.cue != "saying"));
    }

    #[test]
    fn speaker_phrases_after_a_quote() {
        let who = |t: &str| after(t).map(|a| a.as_written);
        // Party and state tags, in brackets or in apposition.
        assert_eq!(
            who(" Rep. Ann Dorsey (D-Ore.) said.").as_deref(),
            Some("Rep. Ann Dorsey")
        );
        assert_eq!(
            who(" said Sen. Carl Benning, D-Mont., on Friday.").as_deref(),
            Some("Sen. Carl Benning")
        );
        assert_eq!(
            who(" House Minority Whip Carl Benning, D-Mont., said Friday.").as_deref(),
            Some("House Minority Whip Carl Benning")
        );
        // A role in lower case or with a number before the name.
        assert_eq!(
            who(" committee Chairman Rep. Tom Vale (R-Ohio) said after the vote.").as_deref(),
            Some("committee Chairman Rep. Tom Vale")
        );
        assert_eq!(
            who(" said 9/11 survivor Lena Ruiz.").as_deref(),
            Some("9/11 survivor Lena Ruiz")
        );
        // A long apposition after the name, up to the cue.
        assert_eq!(
            who(" Maria T. Okafor, director of the Fiscal Policy Lab at the Center for Budget Studies and a lecturer at the Hume School of Public Affairs at Kent University, said.")
                .as_deref(),
            Some("Maria T. Okafor")
        );
        // No speaker from a place or a verb form before a name, nor from a clause.
        assert_eq!(subject_after("inside the Rose Garden Hall"), None);
        assert_eq!(who(" he paused, as Vale kept talking.").as_deref(), None);
        assert_eq!(
            who(" said Ann Marsh when asked about Tom Vale.").as_deref(),
            Some("Ann Marsh")
        );
        assert_eq!(
            subject("Of the mayor, Lena Ruiz, who backs Tom Vale,").as_deref(),
            Some("Lena Ruiz")
        );
        // The subject of the clause the cue is in.
        assert_eq!(
            before("The debate grew so loud that Ohio Gov. Ann Marsh said, ")
                .map(|a| a.as_written)
                .as_deref(),
            Some("Ohio Gov. Ann Marsh")
        );
        // A dash and a name at the paragraph's end.
        let d = dash(" ― Dana Whitfield").map(|a| (a.as_written, a.cue));
        assert_eq!(d, Some(("Dana Whitfield".into(), "—".into())));
        assert_eq!(
            dash(" — Jorge Peña, 41, Tucson")
                .map(|a| a.as_written)
                .as_deref(),
            Some("Jorge Peña")
        );
        assert!(dash(" — the campaign's slogan — was everywhere.").is_none());
    }

    #[test]
    fn subjects_with_asides_and_appositions() {
        let s = |p: &str| subject(p);
        assert_eq!(
            s("His spokesman, Stephane Dujarric,").as_deref(),
            Some("Stephane Dujarric")
        );
        assert_eq!(
            s("A second official, a Marine officer familiar with the planning,").as_deref(),
            Some("a Marine officer familiar with the planning")
        );
        assert_eq!(s("In a letter to the speaker, he").as_deref(), Some("he"));
        assert_eq!(
            s("He said the scrutiny was legitimate, then").as_deref(),
            Some("He")
        );
        assert_eq!(
            s("The Syrian Observatory for Human Rights, a Britain-based war monitor,").as_deref(),
            Some("The Syrian Observatory for Human Rights")
        );
        assert_eq!(
            s("BEIRUT (AFP) - The head of Lebanon's Hezbollah movement, Hassan Nasrallah,")
                .as_deref(),
            Some("Hassan Nasrallah")
        );
        assert_eq!(
            s("Shipping groups welcomed the escorts but").as_deref(),
            Some("Shipping groups")
        );
        assert_eq!(
            s("One student, who gave her name only as Maryam,").as_deref(),
            Some("Maryam")
        );
        assert_eq!(
            s("Rep. Elissa Slotkin of Michigan, a former CIA analyst who sponsored the measure,")
                .as_deref(),
            Some("Rep. Elissa Slotkin")
        );
        assert_eq!(s("“We will respond,” Erdogan").as_deref(), Some("Erdogan"));
        assert_eq!(
            subject_after("a militia commander who gave only his nom de guerre, Abu Ali, ")
                .as_deref(),
            Some("Abu Ali")
        );
        assert_eq!(
            subject_after("a Kurdish lawmaker who boycotted the session. Then").as_deref(),
            Some("a Kurdish lawmaker")
        );
        assert_eq!(
            subject_after("a senior U.S. official in Baghdad.").as_deref(),
            Some("a senior U.S. official in Baghdad")
        );
    }

    #[test]
    fn titles_possessives_and_sentence_subjects() {
        let text = "Israeli opposition leader Benny Gantz spoke. President Donald Trump’s ability \
                    was limited. Zarif met Wang Yi. Mohammad Javad Zarif briefed Wang on the talks.";
        let people = people(text);
        assert!(
            people.mentions().iter().any(|(_, n)| n == "Donald Trump"),
            "{people:?}"
        );
        let end = text.len();
        assert_eq!(
            canonical("Mr Gantz", end, &people).as_deref(),
            Some("Benny Gantz")
        );
        assert_eq!(
            canonical("Trump", end, &people).as_deref(),
            Some("Donald Trump")
        );
        assert_eq!(
            canonical("caretaker Prime Minister Adel Abdul Mahdi", end, &people).as_deref(),
            Some("Adel Abdul Mahdi")
        );
        assert_eq!(
            canonical("the U.S. Energy Information Administration", end, &people).as_deref(),
            Some("the U.S. Energy Information Administration")
        );
        let subjects = sentence_subjects(text, &people, &[]);
        assert_eq!(
            subjects.last().map(|(_, n)| n.as_str()),
            Some("Mohammad Javad Zarif")
        );
        let mentions = role_mentions("The U.S.-led coalition paused. Later, the coalition said");
        assert_eq!(
            earlier_role("The coalition", &mentions, 40).as_deref(),
            Some("The U.S.-led coalition")
        );
    }

    #[test]
    fn offices_before_names_and_roles_working_for_someone() {
        let text = "Trade Commissioner Lena Holmqvist spoke. Chief Justice Amina Wekesa ruled.";
        let people = people(text);
        assert_eq!(
            canonical("Holmqvist", 80, &people).as_deref(),
            Some("Lena Holmqvist")
        );
        assert_eq!(
            canonical("Chief Justice Amina Wekesa", 80, &people).as_deref(),
            Some("Amina Wekesa")
        );
        let people = super::people("President Helena Kask won.");
        assert_eq!(
            canonical("A spokeswoman for President Helena Kask", 40, &people).as_deref(),
            Some("A spokeswoman for President Helena Kask")
        );
    }

    #[test]
    fn indexed_look_ups_keep_their_order() {
        // The first full name written with a surname or an ending wins; a pronoun goes to the
        // last mention before it.
        let text = "Mike Pompeo met Sarah Pompeo and Adel Abdul Mahdi. Later Ali al-Sistani spoke.";
        let people = people(text);
        assert_eq!(
            canonical("Pompeo", text.len(), &people).as_deref(),
            Some("Mike Pompeo")
        );
        assert_eq!(
            canonical("Abdul Mahdi", text.len(), &people).as_deref(),
            Some("Adel Abdul Mahdi")
        );
        assert_eq!(
            canonical("Sistani", text.len(), &people).as_deref(),
            Some("Ali al-Sistani")
        );
        let at = text.find("and").unwrap_or(0);
        assert_eq!(
            canonical("he", at, &people).as_deref(),
            Some("Sarah Pompeo")
        );
        assert_eq!(
            people.first_within(at, text.len()).map(|(_, n)| n),
            Some("Adel Abdul Mahdi")
        );
        // The last role phrase with the noun before the place; one with "the" only when it
        // says more than the phrase looked up.
        let text = "A senior official spoke. The U.S.-led coalition paused. An army officer left. \
                    Later a junior official said the official was wrong.";
        let roles = Roles::new(text);
        let officer = text.find("An army").unwrap_or(0);
        assert_eq!(
            roles.earlier("the official", officer).as_deref(),
            Some("A senior official")
        );
        assert_eq!(
            roles.earlier("the official", text.len()).as_deref(),
            Some("a junior official")
        );
        assert_eq!(
            roles.earlier("The coalition", text.len()).as_deref(),
            Some("The U.S.-led coalition")
        );
        assert_eq!(roles.earlier("The U.S.-led coalition", text.len()), None);
        assert_eq!(roles.earlier("the officer", 0), None);
    }

    #[test]
    fn names_with_initials_and_abbreviations() {
        let text =
            "Florida Sen. Ann Marsh met Leonard E. Burke and Former U.N. Ambassador Tom Vale.";
        let people = people(text);
        let names: Vec<&str> = people.mentions().iter().map(|(_, n)| n.as_str()).collect();
        assert_eq!(names, ["Ann Marsh", "Leonard E. Burke", "Tom Vale"]);
        // A sentence opens after introductory phrases with its subject, over "Ohio.,".
        let text =
            "Tom Vale spoke. The day before, at a rally in Dayton, Ohio, Sen. Ann Marsh was blunt.";
        let people = super::people(text);
        let subjects = sentence_subjects(text, &people, &[]);
        assert_eq!(
            subjects.last().map(|(_, n)| n.as_str()),
            Some("Ann Marsh"),
            "{subjects:?}"
        );
        assert_eq!(
            subject("''Wind is cheap,'' Mr. Okafor").as_deref(),
            Some("Mr. Okafor")
        );
    }

    #[test]
    fn canonical_names() {
        let text = "Secretary of State Mike Pompeo spoke. Later Pompeo said it.";
        let people = people(text);
        assert_eq!(
            canonical("Pompeo", 50, &people).as_deref(),
            Some("Mike Pompeo")
        );
        assert_eq!(canonical("he", 50, &people).as_deref(), Some("Mike Pompeo"));
        assert_eq!(
            canonical("a State Department official", 50, &people).as_deref(),
            Some("a State Department official")
        );
        let people = super::people("Grand Ayatollah Ali al-Sistani spoke.");
        assert_eq!(
            canonical("Sistani", 40, &people).as_deref(),
            Some("Ali al-Sistani")
        );
        assert_eq!(
            canonical(
                "Caretaker Prime Minister Adel Abdul Mahdi",
                0,
                &People::default()
            )
            .as_deref(),
            Some("Adel Abdul Mahdi")
        );
    }
}
