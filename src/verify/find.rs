//! Finding one passage's source: the passage cut at its omission marks, candidate stories from
//! the passage index (and, for passages too short for the index's guarantee, the stories the
//! caller suggests), word alignment with each, the best kept and judged.

use std::collections::HashMap;
use std::sync::OnceLock;

use regex::Regex;
use serde::Serialize;

use crate::search::align::{align, Alignment, Op};
use crate::search::index;
use crate::search::segments::Segments;
use crate::search::words::{words, Word};
use crate::store::{Store, StoreError};
use crate::story::Story;

/// How closely a passage follows its source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The source's words and punctuation, modulo quote marks, dashes and white space.
    Verbatim,
    /// The same words but for punctuation, case or one-letter typos.
    Minor,
    /// Words changed, added, dropped or reordered.
    Altered,
    NotFound,
}

/// One word-level difference, post against source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Difference {
    /// `typo`, `changed`, `added` (in the post, not the source), `dropped` (in the source, not
    /// the post), or `punctuation` (the words agree; marks or case do not).
    pub kind: &'static str,
    pub post: Option<String>,
    pub source: Option<String>,
}

/// A passage prepared for matching.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub text: String,
    pub words: Vec<Word>,
    /// Word indexes before which the passage marks an omission.
    pub gaps: Vec<usize>,
    /// The passage's pieces between omission marks, as written.
    pub pieces: Vec<String>,
}

fn omission() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    // "[...]", "[…]", "...", "…", "[the US]" (an editor's insertion stands for source words).
    RE.get_or_init(|| {
        Regex::new(r"\[\s*(?:\.\s*\.\s*\.|…)\s*\]|\.\s?\.\s?\.|…|\[[^\]\n]{0,60}\]")
            .expect("valid regex")
    })
}

/// Cuts a passage at its omission marks and into words (offsets into `text`).
pub fn prepare(text: &str) -> Prepared {
    let mut blanked = String::with_capacity(text.len());
    let mut pieces = Vec::new();
    let mut marks = Vec::new(); // char offsets of the omission marks
    let mut at = 0;
    for m in omission().find_iter(text) {
        pieces.push(&text[at..m.start()]);
        blanked.push_str(&text[at..m.start()]);
        marks.push(blanked.chars().count());
        blanked.extend(std::iter::repeat_n(' ', m.as_str().chars().count()));
        at = m.end();
    }
    pieces.push(&text[at..]);
    blanked.push_str(&text[at..]);
    let all = words(&blanked);
    let mut gaps: Vec<usize> = marks
        .iter()
        .map(|&c| all.iter().take_while(|w| w.start < c).count())
        .collect();
    gaps.dedup();
    Prepared {
        text: text.to_string(),
        words: all,
        gaps,
        pieces: pieces
            .into_iter()
            .filter(|p| p.chars().any(char::is_alphanumeric))
            .map(str::to_string)
            .collect(),
    }
}

/// A story's text and words, loaded once per verify run.
pub struct Loaded {
    pub story: Story,
    pub text: String,
    pub words: Vec<Word>,
}

/// The passage index and the stories loaded for one run.
pub struct Cache {
    segments: Segments,
    stories: HashMap<String, Option<Loaded>>,
}

impl Cache {
    pub fn new(segments: Segments) -> Cache {
        Cache {
            segments,
            stories: HashMap::new(),
        }
    }

    pub fn get(&mut self, store: &Store, id: &str) -> Result<Option<&Loaded>, StoreError> {
        if !self.stories.contains_key(id) {
            let loaded = match store.story(id)? {
                Some(story) => {
                    let text = store.text(&story)?.unwrap_or_default();
                    let words = words(&text);
                    Some(Loaded { story, text, words })
                }
                None => None,
            };
            self.stories.insert(id.to_string(), loaded);
        }
        Ok(self.stories.get(id).and_then(|l| l.as_ref()))
    }
}

/// The best place for a passage in one story.
#[derive(Debug, Clone)]
pub struct Placed {
    pub story_id: String,
    /// Passage words found in place (the same, or with a typo).
    pub matched: usize,
    /// Char offsets of the matched words in the story's text.
    pub start: usize,
    pub end: usize,
    pub status: Status,
    pub differences: Vec<Difference>,
}

/// How many index candidates are aligned.
const CANDIDATES: usize = 6;
/// Passages longer than this are not aligned (a post's paragraph of 2,000 words is not a
/// quotation); `verify` tries its sentences when it is an unmarked paragraph.
const MAX_PASSAGE_WORDS: usize = 2000;
/// The most cells of an alignment table (5 bytes each).
const MAX_CELLS: usize = 8_000_000;

/// Finds where `p` comes from among the index's candidates and `extra` story ids; between
/// equal matches, a story of outlet `prefer`.
pub fn find(
    store: &Store,
    cache: &mut Cache,
    p: &Prepared,
    extra: &[String],
    prefer: Option<&str>,
) -> Result<Option<Placed>, StoreError> {
    if p.words.is_empty() {
        return Ok(None);
    }
    let query = index::query(&p.words);
    let mut ids: Vec<String> = index::candidates(&cache.segments, None, &query, None)
        .into_iter()
        .take(CANDIDATES)
        .map(|(id, _)| id)
        .collect();
    for id in extra {
        if !ids.contains(id) {
            ids.push(id.clone());
        }
    }
    let query_set: std::collections::HashSet<u64> = query.iter().copied().collect();
    type Rank = (
        usize,
        std::cmp::Reverse<usize>,
        bool,
        std::cmp::Reverse<chrono::DateTime<chrono::Utc>>,
    );
    let mut best: Option<(Placed, Rank)> = None;
    for id in ids {
        let Some(loaded) = cache.get(store, &id)? else {
            continue;
        };
        let Some(placed) = place(p, loaded, &query_set) else {
            continue;
        };
        // Equal matches (a syndicated copy): the outlet the post names, else the earliest.
        let rank = |p: &(Placed, usize), story: &Story| {
            (
                p.0.matched,
                std::cmp::Reverse(p.1),
                prefer.is_some_and(|o| story.outlet == o || story.outlets.iter().any(|x| x == o)),
                std::cmp::Reverse(story.published),
            )
        };
        let this = rank(&placed, &loaded.story);
        if best.as_ref().is_none_or(|(_, r)| this > *r) {
            best = Some((placed.0, this));
        }
    }
    Ok(best.map(|b| b.0).filter(|b| b.status != Status::NotFound))
}

fn cost(a: &Alignment) -> usize {
    a.ops
        .iter()
        .map(|o| match o {
            Op::Same { .. } | Op::Elided { .. } => 0,
            Op::Typo { .. } => 1,
            _ => 2,
        })
        .sum()
}

/// Aligns a passage with one story, near where their trigrams meet; with the alignment's cost.
fn place(
    p: &Prepared,
    loaded: &Loaded,
    query: &std::collections::HashSet<u64>,
) -> Option<(Placed, usize)> {
    let sw = &loaded.words;
    let n = p.words.len();
    // Where the story shares trigrams with the passage; align around them.
    let anchors: Vec<usize> = index::trigrams(sw)
        .iter()
        .enumerate()
        .filter(|(_, h)| h.is_some_and(|h| query.contains(&h)))
        .map(|(i, _)| i)
        .collect();
    let (mut from, mut to) = match (anchors.first(), anchors.last()) {
        (Some(&a), Some(&b)) => (a.saturating_sub(n + 8), (b + n + 8).min(sw.len())),
        _ => (0, sw.len()),
    };
    // Untrusted sizes: keep the alignment's table bounded, around the middle anchor.
    if n > MAX_PASSAGE_WORDS {
        return None;
    }
    if (to - from) * n > MAX_CELLS {
        let mid = anchors.get(anchors.len() / 2).copied().unwrap_or(0);
        from = mid.saturating_sub(n + 8);
        to = (mid + n + 8).min(sw.len());
        if (to - from) * n > MAX_CELLS {
            return None;
        }
    }
    let alignment = align(&p.words, &p.gaps, sw, from, to)?;
    let start = sw.get(alignment.first).map_or(0, |w| w.start);
    let end = sw
        .get(alignment.last.saturating_sub(1))
        .map_or(start, |w| w.end);
    let (status, differences) = judge(p, &alignment, loaded);
    Some((
        Placed {
            story_id: loaded.story.id.clone(),
            matched: alignment.matched,
            start,
            end,
            status,
            differences,
        },
        cost(&alignment),
    ))
}

/// A passage of several paragraphs: placed whole, and if that does not hold, paragraph by
/// paragraph (a post may quote paragraphs apart, out of order, or one twice).
pub fn find_passage(
    store: &Store,
    cache: &mut Cache,
    text: &str,
    extra: &[String],
    prefer: Option<&str>,
) -> Result<Option<Placed>, StoreError> {
    let whole = find(store, cache, &prepare(text), extra, prefer)?;
    let paragraphs: Vec<&str> = text
        .split('\n')
        .filter(|l| l.chars().any(char::is_alphanumeric))
        .collect();
    if paragraphs.len() < 2
        || whole
            .as_ref()
            .is_some_and(|w| matches!(w.status, Status::Verbatim | Status::Minor))
    {
        return Ok(whole);
    }
    let mut hint: Vec<String> = extra.to_vec();
    if let Some(w) = &whole {
        hint.insert(0, w.story_id.clone());
    }
    let mut parts = Vec::new();
    for para in &paragraphs {
        parts.push(find(store, cache, &prepare(para), &hint, prefer)?);
    }
    // The story most paragraphs come from.
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for p in parts.iter().flatten() {
        *counts.entry(p.story_id.as_str()).or_default() += p.matched;
    }
    let Some((&main, &matched)) = counts
        .iter()
        .max_by_key(|(id, m)| (**m, std::cmp::Reverse(**id)))
    else {
        return Ok(whole);
    };
    if whole.as_ref().is_some_and(|w| w.matched >= matched) {
        return Ok(whole);
    }
    let main = main.to_string();
    let mut placed = Placed {
        story_id: main.clone(),
        matched,
        start: usize::MAX,
        end: 0,
        status: Status::Verbatim,
        differences: Vec::new(),
    };
    let mut last_end: Option<usize> = None;
    for (para, part) in paragraphs.iter().zip(parts) {
        match part.filter(|p| p.story_id == main) {
            Some(p) => {
                placed.start = placed.start.min(p.start);
                placed.end = placed.end.max(p.end);
                placed.status = worse(placed.status, p.status);
                placed.differences.extend(p.differences);
                if last_end.is_some_and(|e| p.start < e) {
                    placed.status = Status::Altered;
                    placed.differences.push(Difference {
                        kind: "reordered",
                        post: Some(para.trim().to_string()),
                        source: None,
                    });
                }
                last_end = Some(p.end);
            }
            None => {
                placed.status = Status::Altered;
                placed.differences.push(Difference {
                    kind: "added",
                    post: Some(para.trim().to_string()),
                    source: None,
                });
            }
        }
    }
    Ok(Some(placed))
}

fn worse(a: Status, b: Status) -> Status {
    let rank = |s: Status| match s {
        Status::Verbatim => 0,
        Status::Minor => 1,
        Status::Altered => 2,
        Status::NotFound => 3,
    };
    if rank(b) > rank(a) {
        b
    } else {
        a
    }
}

/// The status of an alignment and its differences.
fn judge(p: &Prepared, a: &Alignment, loaded: &Loaded) -> (Status, Vec<Difference>) {
    let n = p.words.len();
    let coverage = a.coverage(n);
    if coverage < 0.5 || a.matched < n.min(4) {
        return (Status::NotFound, Vec::new());
    }
    let post_word = |i: usize| surface(&p.text, &p.words[i]);
    let source_word = |i: usize| surface(&loaded.text, &loaded.words[i]);
    let mut diffs: Vec<Difference> = Vec::new();
    let (mut typos, mut edits) = (0, 0);
    for op in &a.ops {
        let d = match *op {
            Op::Same { .. } | Op::Elided { .. } => continue,
            Op::Typo { p, s } => {
                typos += 1;
                ("typo", Some(post_word(p)), Some(source_word(s)))
            }
            Op::Changed { p, s } => {
                edits += 1;
                ("changed", Some(post_word(p)), Some(source_word(s)))
            }
            Op::Added { p } => {
                edits += 1;
                ("added", Some(post_word(p)), None)
            }
            Op::Dropped { s } => {
                edits += 1;
                ("dropped", None, Some(source_word(s)))
            }
        };
        // Runs of the same kind read as one difference: "[-a b c-]".
        if let Some(last) = diffs.last_mut() {
            if last.kind == d.0 && d.0 != "typo" && d.0 != "changed" {
                join(&mut last.post, d.1);
                join(&mut last.source, d.2);
                continue;
            }
        }
        diffs.push(Difference {
            kind: d.0,
            post: d.1,
            source: d.2,
        });
    }
    if edits > 0 || typos > (n / 20).max(1) {
        return (Status::Altered, diffs);
    }
    if typos > 0 {
        return (Status::Minor, diffs);
    }
    // The same words: are the marks the same too?
    let source_span: String = {
        let chars: Vec<char> = loaded.text.chars().collect();
        let (s, e) = (
            loaded.words[a.first].start,
            loaded.words[a.last.saturating_sub(1).max(a.first)].end,
        );
        chars[s.min(chars.len())..e.min(chars.len())]
            .iter()
            .collect()
    };
    let source_norm = marks_normalised(&source_span);
    let differing: Vec<&String> = p
        .pieces
        .iter()
        .filter(|piece| !source_norm.contains(&marks_normalised(piece)))
        .collect();
    if differing.is_empty() {
        (Status::Verbatim, diffs)
    } else {
        for piece in differing {
            diffs.push(Difference {
                kind: "punctuation",
                post: Some(piece.trim().to_string()),
                source: Some(source_span.trim().to_string()),
            });
        }
        (Status::Minor, diffs)
    }
}

fn join(into: &mut Option<String>, more: Option<String>) {
    if let Some(m) = more {
        match into {
            Some(s) => {
                s.push(' ');
                s.push_str(&m);
            }
            None => *into = Some(m),
        }
    }
}

/// A word as written in `text`.
fn surface(text: &str, w: &Word) -> String {
    text.chars().skip(w.start).take(w.end - w.start).collect()
}

/// Text for the verbatim test: quote marks dropped, dashes one kind, white space single, and
/// punctuation at either end (where the author cut) trimmed.
pub fn marks_normalised(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' | '“' | '”' | '„' | '‟' | '«' | '»' | '‘' | '’' | '\'' | '‚' | '‛' | 'ʼ' =>
                {}
            '–' | '—' | '‐' | '‑' | '‒' | '―' => out.push('-'),
            c if c.is_whitespace() => {
                if !out.ends_with(' ') {
                    out.push(' ');
                }
            }
            c => out.push(c),
        }
    }
    out.trim_matches(|c: char| !c.is_alphanumeric()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn omission_marks_cut_the_passage() {
        let p =
            prepare("“[The US] was looking ... into the involvement […] of the group,” he said");
        assert_eq!(p.words[0].norm, "was");
        assert_eq!(p.gaps, [0, 2, 5]);
        assert_eq!(p.pieces.len(), 3, "{:?}", p.pieces);
    }

    #[test]
    fn normalising_marks() {
        assert_eq!(
            marks_normalised("“It is a defensive  action — nothing more,”"),
            "It is a defensive action - nothing more"
        );
    }
}
