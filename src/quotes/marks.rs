//! Quoted spans: where quote marks open and close in a text.
//!
//! Handles “curly”, "straight", « guillemets », „low-high“ and ''two apostrophes'' (the
//! typewriter convention some publishers keep) marks, single marks nested in
//! double ones, apostrophes that are not marks (Iraq’s, don't, ’90s), and a quotation that runs
//! over several paragraphs (each paragraph opens with a mark, only the last one closes). Two
//! conventions beside the American one: ‘single’ or 'single' marks as the outer ones (British
//! style, and headlines everywhere), which must close in their paragraph; and a paragraph that
//! opens with a closing mark (”...”), a slip common enough in web copy. Works on a slice of
//! chars so that offsets are in Unicode scalar values.

/// A quoted span: `start..end` are the characters inside the marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    /// The opening mark's position.
    pub open: usize,
    /// The closing mark's position, if the quote closes.
    pub close: Option<usize>,
    /// Just after the closing mark (a mark may be two chars: ''), or `end` when unclosed.
    pub after: usize,
}

/// Whether two apostrophes stand at `i` as one double mark ('').
fn double_apostrophe(chars: &[char], i: usize) -> bool {
    chars.get(i) == Some(&'\'') && chars.get(i + 1) == Some(&'\'')
}

/// How many chars the opening mark at `i` takes.
fn mark_len(chars: &[char], i: usize) -> usize {
    if double_apostrophe(chars, i) {
        2
    } else {
        1
    }
}

fn closer_for(open: char) -> &'static [char] {
    match open {
        '“' | '”' => &['”', '"'],
        '"' => &['"', '”'],
        '«' => &['»'],
        '„' => &['“', '”'],
        _ => &[],
    }
}

/// Whether the mark at `i` is the first thing on its line (spaces aside).
fn opens_line(chars: &[char], i: usize) -> bool {
    chars[..i]
        .iter()
        .rev()
        .find(|c| !matches!(c, ' ' | '\t'))
        .is_none_or(|&c| c == '\n')
}

/// Elisions written with a leading apostrophe, which open no quote: 'em, 'til, rock 'n' roll.
const ELISIONS: &[&str] = &[
    "em", "til", "tis", "twas", "cause", "n", "bout", "round", "s", "d", "ll", "re", "ve",
];

/// Whether the single mark at `i` (‘ or ') opens a quote: it stands at a word's start and a
/// letter follows that does not begin an elision ('em, 'til) or a year ('90s).
fn is_single_opening(chars: &[char], i: usize) -> bool {
    let before = i.checked_sub(1).map(|j| chars[j]);
    if !before.is_none_or(|b| b.is_whitespace() || "([—–-/:".contains(b)) {
        return false;
    }
    if !chars.get(i + 1).is_some_and(|a| a.is_alphabetic()) {
        return false;
    }
    let word: String = chars[i + 1..]
        .iter()
        .take_while(|c| c.is_alphabetic())
        .flat_map(|c| c.to_lowercase())
        .collect();
    !ELISIONS.contains(&word.as_str())
}

/// Whether the single mark at `i` (’ or ') can close a quote: it follows a word or its
/// punctuation and is not an apostrophe inside a word (don’t, Iraq’s).
fn is_single_closing(chars: &[char], i: usize) -> bool {
    let before = i.checked_sub(1).map(|j| chars[j]);
    let after = chars.get(i + 1).copied();
    before.is_some_and(|b| !b.is_whitespace()) && !after.is_some_and(|a| a.is_alphanumeric())
}

/// The marks that can close a single quote, and the line ends that stop one, found in one
/// pass so that each opening mark finds its close by binary search (a line of ten million
/// opening marks costs no more than one).
struct SingleClosers {
    /// Marks that can close (`is_single_closing`), but not plural possessives.
    plain: Vec<usize>,
    /// `s’` before a space (`the parents’ schools`): a close only when no plain one comes first.
    possessive: Vec<usize>,
    newlines: Vec<usize>,
}

impl SingleClosers {
    fn new(chars: &[char]) -> SingleClosers {
        let mut found = SingleClosers {
            plain: Vec::new(),
            possessive: Vec::new(),
            newlines: Vec::new(),
        };
        for (j, &c) in chars.iter().enumerate() {
            if c == '\n' {
                found.newlines.push(j);
            } else if matches!(c, '’' | '\'') && is_single_closing(chars, j) {
                if chars[j - 1] == 's' && chars.get(j + 1) == Some(&' ') && j + 2 < chars.len() {
                    found.possessive.push(j);
                } else {
                    found.plain.push(j);
                }
            }
        }
        found
    }

    /// Where the single quote opened at `open` closes, on its line and within `SINGLE_REACH`:
    /// the first plain closing mark, or else the first possessive one.
    fn close(&self, open: usize) -> Option<usize> {
        let next = |v: &[usize]| v.get(v.partition_point(|&j| j <= open)).copied();
        let limit = next(&self.newlines)
            .unwrap_or(usize::MAX)
            .min(open + SINGLE_REACH);
        next(&self.plain)
            .filter(|&j| j < limit)
            .or_else(|| next(&self.possessive).filter(|&j| j < limit))
    }
}

/// The farthest a single quote reaches for its closing mark (chars).
const SINGLE_REACH: usize = 2000;

fn is_opening(chars: &[char], i: usize) -> bool {
    let c = chars[i];
    if double_apostrophe(chars, i) {
        let before = i.checked_sub(1).map(|j| chars[j]);
        let after = chars.get(i + 2).copied();
        return before.is_none_or(|b| b.is_whitespace() || "([—–-/:".contains(b))
            && after.is_some_and(|a| !a.is_whitespace() && a != '\'');
    }
    match c {
        '“' | '«' | '„' => true,
        '"' => {
            let before = i.checked_sub(1).map(|j| chars[j]);
            let after = chars.get(i + 1).copied();
            before.is_none_or(|b| b.is_whitespace() || "([—–-/:".contains(b))
                && after.is_some_and(|a| !a.is_whitespace())
        }
        '”' => opens_line(chars, i) && chars.get(i + 1).is_some_and(|&a| a != '\n'),
        _ => false,
    }
}

/// Every top-level quoted span, in order.
pub fn spans(chars: &[char]) -> Vec<Span> {
    let text: String = chars.iter().collect();
    let byte_at: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
    let char_of = |b: usize| byte_at.partition_point(|&x| x < b);
    let breaks: Vec<(usize, usize)> = super::segment::paragraph_breaks(&text)
        .iter()
        .map(|b| (char_of(b.end), char_of(b.start)))
        .collect();
    spans_in(chars, &breaks)
}

/// Every top-level quoted span, in order, given the text's paragraph breaks in char offsets
/// (where a paragraph ends and where the next starts, `segment::paragraph_breaks`): a quote
/// goes on over a break only when the next paragraph opens with a mark again.
pub fn spans_in(chars: &[char], breaks: &[(usize, usize)]) -> Vec<Span> {
    let mut out = Vec::new();
    let mut singles: Option<SingleClosers> = None;
    let mut i = 0;
    while i < chars.len() {
        if matches!(chars[i], '‘' | '\'') && !double_apostrophe(chars, i) {
            let close = is_single_opening(chars, i)
                .then(|| {
                    singles
                        .get_or_insert_with(|| SingleClosers::new(chars))
                        .close(i)
                })
                .flatten();
            if let Some(close) = close {
                let (start, end) = trimmed(chars, i + 1, close);
                if end > start {
                    out.push(Span {
                        start,
                        end,
                        open: i,
                        close: Some(close),
                        after: close + 1,
                    });
                }
                i = close + 1;
            } else {
                i += 1;
            }
            continue;
        }
        if !is_opening(chars, i) {
            i += 1;
            continue;
        }
        let open = i;
        let apostrophes = double_apostrophe(chars, i);
        let closers = if apostrophes {
            &['"', '”'][..]
        } else {
            closer_for(chars[i])
        };
        let mut j = i + mark_len(chars, i);
        let mut close = None;
        let mut close_len = 1;
        while j < chars.len() {
            let c = chars[j];
            if apostrophes && double_apostrophe(chars, j) {
                // An inner single quote closing with it (three apostrophes): the last two of
                // the run close.
                let mut last = j;
                while chars.get(last + 2) == Some(&'\'') {
                    last += 1;
                }
                close = Some(last);
                close_len = 2;
                break;
            }
            if closers.contains(&c) {
                close = Some(j);
                break;
            }
            // A paragraph break: the quote goes on only if the next paragraph opens again.
            let at_break = if c == '\n' {
                let b = breaks.partition_point(|&(end, _)| end < j);
                breaks.get(b).filter(|&&(end, _)| end == j).copied()
            } else {
                None
            };
            if let Some((_, next)) = at_break {
                let mut k = next;
                while k < chars.len() && chars[k].is_whitespace() {
                    k += 1;
                }
                if k < chars.len() && is_opening(chars, k) {
                    j = k + 1;
                    continue;
                }
                break;
            }
            j += 1;
        }
        let end = close.unwrap_or(j);
        let (start, stop) = trimmed(chars, open + mark_len(chars, open), end);
        if stop > start {
            out.push(Span {
                start,
                end: stop,
                open,
                close,
                after: close.map_or(stop, |c| c + close_len),
            });
        }
        i = close.map_or(end, |c| c + close_len);
    }
    out
}

/// `start..end` without the whitespace at either end.
fn trimmed(chars: &[char], mut start: usize, end: usize) -> (usize, usize) {
    while start < end && chars[start].is_whitespace() {
        start += 1;
    }
    let mut stop = end;
    while stop > start && chars[stop - 1].is_whitespace() {
        stop -= 1;
    }
    (start, stop)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<String> {
        let chars: Vec<char> = s.chars().collect();
        spans(&chars)
            .iter()
            .map(|sp| chars[sp.start..sp.end].iter().collect())
            .collect()
    }

    #[test]
    fn marks_of_every_kind() {
        assert_eq!(
            texts("He said: “We will respond.” Then “more”."),
            ["We will respond.", "more"]
        );
        assert_eq!(texts(r#"It's Iraq's "red line," he said."#), ["red line,"]);
        assert_eq!(
            texts("« Nous répondrons », a-t-il dit."),
            ["Nous répondrons"]
        );
        assert_eq!(texts("Er sagte: „Wir antworten.“"), ["Wir antworten."]);
        assert_eq!(
            texts("“This was a ‘defensive action’ by us,” he said."),
            ["This was a ‘defensive action’ by us,"]
        );
    }

    #[test]
    fn two_apostrophes_are_one_mark() {
        let t = "He said, ''We will not back down,'' and left. It's the Smiths' ''plan''.";
        let chars: Vec<char> = t.chars().collect();
        let found = spans(&chars);
        assert_eq!(texts(t), ["We will not back down,", "plan"]);
        let first = found[0];
        assert_eq!(chars[first.open], '\'');
        assert_eq!(first.start, first.open + 2);
        assert_eq!(
            chars[first.after..].iter().take(4).collect::<String>(),
            " and"
        );
        // An apostrophe then a quote mark is no double mark: the Smiths' "plan".
        assert_eq!(texts("the Smiths' \"plan\" went ahead"), ["plan"]);
    }

    #[test]
    fn an_inner_quote_closing_with_the_outer_one() {
        // Three apostrophes: the inner single quote's, then the outer double mark.
        let t = "''They told me, 'Not today,''' she said. Then ''more''.";
        let chars: Vec<char> = t.chars().collect();
        let found = spans(&chars);
        assert_eq!(texts(t), ["They told me, 'Not today,'", "more"]);
        assert_eq!(
            chars[found[0].after..].iter().take(9).collect::<String>(),
            " she said"
        );
        assert_eq!(
            texts("“We heard ‘never again,’” he said, “and ‘not now.’”"),
            ["We heard ‘never again,’", "and ‘not now.’"]
        );
    }

    #[test]
    fn single_marks_as_the_outer_ones() {
        assert_eq!(
            texts("Warren to CEO: ‘You Should Be Investigated.’\n\nMore."),
            ["You Should Be Investigated."]
        );
        assert_eq!(
            texts("Obama Sees 'Personal Insult' if Blacks Don't Rally"),
            ["Personal Insult"]
        );
        // Apostrophes inside words, elisions, years and a plural possessive close nothing.
        assert_eq!(
            texts("‘We don’t know the parents’ plans,’ she said of rock 'n' roll in the '90s."),
            ["We don’t know the parents’ plans,"]
        );
        assert_eq!(
            texts("It's the Smiths' house and 'em."),
            Vec::<String>::new()
        );
        // A single mark must close in its paragraph.
        assert_eq!(texts("‘Unclosed\n\nnext’ para"), Vec::<String>::new());
        // Inside double marks single ones stay part of the quote.
        assert_eq!(texts("“A ‘big’ day,” he said."), ["A ‘big’ day,"]);
    }

    #[test]
    fn a_paragraph_opening_with_a_closing_mark() {
        assert_eq!(
            texts("Intro.\n\n”He is ignorant of our culture.” ― Jane Roe\n”Next one.” ― Al"),
            ["He is ignorant of our culture.", "Next one."]
        );
        // A closing mark inside a line opens nothing.
        assert_eq!(texts("word” then “real”"), ["real"]);
    }

    #[test]
    fn a_quote_over_paragraphs() {
        let t = "He said:\n\n“First part.\n\n“Second part.”\n\nNot quoted.";
        assert_eq!(texts(t), ["First part.\n\n“Second part."]);
        let t = "“Unclosed para.\n\nNext para is plain.";
        assert_eq!(texts(t), ["Unclosed para."]);
    }
}
