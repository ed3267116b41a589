//! Word-level alignment of a passage with a story's text: where in the story the passage sits,
//! and how its words differ (the same, a one-letter typo, changed, added, dropped).
//!
//! A semi-global edit distance: the passage must be used whole, the story's words before and
//! after it are free. A one-letter typo (one letter added, dropped, replaced, or two neighbours
//! swapped: "likley") costs half a changed word, so the aligner prefers to read it as the same
//! word. The work is passage length × the story window's length, one byte of memory per
//! cell; `align` refuses tables of more than `MAX_CELLS` cells, whoever calls it, and
//! `verify::find` keeps the windows small (a long passage is aligned piece by piece).

use super::words::Word;

/// One step of an alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// Passage word `p` is story word `s`.
    Same { p: usize, s: usize },
    /// Passage word `p` is story word `s` with one letter wrong.
    Typo { p: usize, s: usize },
    /// Passage word `p` stands where story word `s` is.
    Changed { p: usize, s: usize },
    /// Passage word `p` is not in the story.
    Added { p: usize },
    /// Story word `s` is missing from the passage.
    Dropped { s: usize },
    /// Story word `s` is left out where the passage marks an omission ("...", "[the US]").
    Elided { s: usize },
}

/// A passage placed in a story.
#[derive(Debug, Clone, PartialEq)]
pub struct Alignment {
    pub ops: Vec<Op>,
    /// The story's words the passage covers: `first..last` (word indexes, end exclusive).
    pub first: usize,
    pub last: usize,
    /// Passage words that are the same or a typo of their story word.
    pub matched: usize,
}

impl Alignment {
    /// Share of the passage's words found in place.
    pub fn coverage(&self, passage_len: usize) -> f64 {
        if passage_len == 0 {
            0.0
        } else {
            self.matched as f64 / passage_len as f64
        }
    }
}

/// Whether two different words are one letter apart (Damerau: one insertion, deletion,
/// substitution, or swap of neighbours). Digits never count as typos: 3 and 30 differ. Called
/// for every cell of the alignment, so it allocates nothing and gives up early.
pub fn one_letter_apart(a: &str, b: &str) -> bool {
    let (la, lb) = (a.len(), b.len());
    if la.abs_diff(lb) > 4 || la < 3 || lb < 3 {
        return false; // (byte lengths: one letter is at most four bytes)
    }
    // One edit of a word of three letters or more leaves its first or its last letter alone,
    // so one of their bytes agrees: most pairs of words stop here.
    let (ab, bb) = (a.as_bytes(), b.as_bytes());
    if ab[0] != bb[0] && ab[la - 1] != bb[lb - 1] {
        return false;
    }
    if a.bytes().chain(b.bytes()).any(|c| c.is_ascii_digit()) {
        return false;
    }
    let (ca, cb) = (a.chars().count(), b.chars().count());
    if ca < 3 || cb < 3 {
        return false;
    }
    match ca as isize - cb as isize {
        0 => {
            // One substitution, or one swap of neighbours.
            let mut diffs = 0;
            let mut first: Option<(char, char)> = None;
            let mut swapped = false;
            let mut prev: Option<(char, char)> = None;
            for (x, y) in a.chars().zip(b.chars()) {
                if x != y {
                    diffs += 1;
                    if diffs == 1 {
                        first = Some((x, y));
                    } else if diffs == 2 {
                        swapped = prev == first && first == Some((y, x));
                    } else {
                        return false;
                    }
                }
                prev = Some((x, y));
            }
            diffs == 1 || (diffs == 2 && swapped)
        }
        1 => one_inserted(b, a),
        -1 => one_inserted(a, b),
        _ => false,
    }
}

/// Whether `long` is `short` with one letter inserted.
fn one_inserted(short: &str, long: &str) -> bool {
    let mut s = short.chars().peekable();
    let mut skipped = false;
    for c in long.chars() {
        if s.peek() == Some(&c) {
            s.next();
        } else if skipped {
            return false;
        } else {
            skipped = true;
        }
    }
    s.peek().is_none()
}

/// The largest table `align` builds (passage words × window words; one byte a cell, plus two
/// rows of costs): 8 MB.
pub const MAX_CELLS: usize = 8_000_000;

const SAME: u32 = 0;
const TYPO: u32 = 1;
const CHANGE: u32 = 2;
const GAP: u32 = 2;

/// Aligns `passage` with `story[from..to]`; `None` when either is empty or the table would
/// have more than `MAX_CELLS` cells. `gaps` are the passage word indexes before which the
/// passage marks an omission (ascending): story words may be left out there at no cost.
pub fn align(
    passage: &[Word],
    gaps: &[usize],
    story: &[Word],
    from: usize,
    to: usize,
) -> Option<Alignment> {
    let to = to.min(story.len());
    if passage.is_empty() || from >= to {
        return None;
    }
    let s = &story[from..to];
    let (n, m) = (passage.len(), s.len());
    let w = m + 1;
    if (n + 1).saturating_mul(w) > MAX_CELLS {
        return None;
    }
    // cost[i][j]: passage[..i] aligned, ending at story word j; row 0 is free (any start).
    // Only two rows of costs are kept; the moves are kept for every cell.
    let mut prev = vec![0u32; w];
    let mut cost = vec![0u32; w];
    let mut back = vec![0u8; (n + 1) * w];
    let free = |i: usize| i > 0 && i < n && gaps.binary_search(&i).is_ok();
    for i in 1..=n {
        let skip = if free(i) { 0 } else { GAP };
        cost[0] = i as u32 * GAP;
        back[i * w] = 2;
        let pw = &passage[i - 1];
        for j in 1..=m {
            let sw = &s[j - 1];
            let sub = if pw.hash == sw.hash && pw.norm == sw.norm {
                SAME
            } else if one_letter_apart(&pw.norm, &sw.norm) {
                TYPO
            } else {
                CHANGE
            };
            let diag = prev[j - 1] + sub;
            let up = prev[j] + GAP; // passage word added
            let left = cost[j - 1] + skip; // story word dropped
            let (c, b) = if diag <= up && diag <= left {
                (diag, 1)
            } else if up <= left {
                (up, 2)
            } else {
                (left, 3)
            };
            cost[j] = c;
            back[i * w + j] = b;
        }
        std::mem::swap(&mut prev, &mut cost);
    }
    // The best end: the least cost; on a tie the latest, so that a passage's last word is read
    // as changed ("3" for "30") rather than added. (`prev` is the last row now.)
    let end = (0..=m).min_by_key(|&j| (prev[j], std::cmp::Reverse(j)))?;
    let (mut i, mut j) = (n, end);
    let mut ops = Vec::new();
    while i > 0 {
        match back[i * w + j] {
            1 => {
                let (p, st) = (i - 1, from + j - 1);
                let (pw, sw) = (&passage[p], &story[st]);
                ops.push(if pw.norm == sw.norm {
                    Op::Same { p, s: st }
                } else if one_letter_apart(&pw.norm, &sw.norm) {
                    Op::Typo { p, s: st }
                } else {
                    Op::Changed { p, s: st }
                });
                i -= 1;
                j -= 1;
            }
            2 => {
                ops.push(Op::Added { p: i - 1 });
                i -= 1;
            }
            _ => {
                let s = from + j - 1;
                ops.push(if free(i) {
                    Op::Elided { s }
                } else {
                    Op::Dropped { s }
                });
                j -= 1;
            }
        }
    }
    ops.reverse();
    let story_words = ops.iter().filter_map(|o| match o {
        Op::Same { s, .. }
        | Op::Typo { s, .. }
        | Op::Changed { s, .. }
        | Op::Dropped { s }
        | Op::Elided { s } => Some(*s),
        Op::Added { .. } => None,
    });
    let first = story_words.clone().min().unwrap_or(from + j);
    let last = story_words.max().map_or(first, |s| s + 1);
    let matched = ops
        .iter()
        .filter(|o| matches!(o, Op::Same { .. } | Op::Typo { .. }))
        .count();
    Some(Alignment {
        ops,
        first,
        last,
        matched,
    })
}

#[cfg(test)]
mod tests {
    use super::super::words::words;
    use super::*;

    #[test]
    fn typos() {
        assert!(one_letter_apart("likley", "likely"));
        assert!(one_letter_apart("colours", "colors"));
        assert!(one_letter_apart("recieve", "receive"));
        assert!(!one_letter_apart("larger", "largest"));
        assert!(!one_letter_apart("3", "30"));
        assert!(!one_letter_apart("how", "may"));
    }

    #[test]
    fn finds_the_span_and_the_differences() {
        let story = words("Earlier text. The strike was the second larger attack this month, officials said. Later.");
        let passage = words("the second largest attack this month, officials said");
        let a = align(&passage, &[], &story, 0, story.len()).unwrap();
        assert_eq!(a.matched, 7);
        assert_eq!(story[a.first].norm, "the");
        assert_eq!(story[a.last - 1].norm, "said");
        assert!(a.ops.contains(&Op::Changed { p: 2, s: 7 }));
        let typo = words("the second lrager attack");
        let a = align(&typo, &[], &story, 0, story.len()).unwrap();
        assert_eq!(a.matched, 4);
        assert!(matches!(a.ops[2], Op::Typo { .. }));
        let dropped = words("the second attack this month");
        let a = align(&dropped, &[], &story, 0, story.len()).unwrap();
        assert!(a.ops.iter().any(|o| matches!(o, Op::Dropped { .. })));
        assert_eq!(a.matched, 5);
    }

    #[test]
    fn typo_prefilter_keeps_edits_at_either_end() {
        for (a, b) in [
            ("xcat", "cat"),
            ("cats", "cat"),
            ("bat", "cat"),
            ("cab", "cat"),
            ("act", "cat"),
            ("élan", "elan"),
            ("naïf", "naif"),
        ] {
            assert!(one_letter_apart(a, b), "{a} {b}");
            assert!(one_letter_apart(b, a), "{b} {a}");
        }
        assert!(!one_letter_apart("bad", "cat"));
    }

    #[test]
    fn a_table_too_large_is_refused() {
        let passage = words(&"word ".repeat(3000));
        let story = words(&"word ".repeat(3000));
        assert!(align(&passage, &[], &story, 0, story.len()).is_none());
        assert!(align(&passage[..100], &[], &story, 0, 1000).is_some());
    }

    #[test]
    fn empty_inputs() {
        assert!(align(&[], &[], &words("a b"), 0, 2).is_none());
        assert!(align(&words("a b"), &[], &[], 0, 0).is_none());
    }

    #[test]
    fn omissions_cost_nothing() {
        let story =
            words("The United States was looking into the possible involvement of the group.");
        // "[the US] ... looking into the involvement": words 0..2 bracketed away, a gap before
        // "involvement".
        let passage = words("was looking into the involvement of the group");
        let a = align(&passage, &[4], &story, 0, story.len()).unwrap();
        assert_eq!(a.matched, passage.len());
        assert!(a.ops.contains(&Op::Elided { s: 7 }));
        assert!(!a.ops.iter().any(|o| matches!(o, Op::Dropped { .. })));
    }
}
