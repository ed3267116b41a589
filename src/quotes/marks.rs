//! Quoted spans: where quote marks open and close in a text.
//!
//! Handles “curly”, "straight", « guillemets », „low-high“ and ''two apostrophes'' (the
//! typewriter convention some publishers keep) marks, single marks nested in
//! double ones, apostrophes that are not marks (Iraq’s, don't, ’90s), and a quotation that runs
//! over several paragraphs (each paragraph opens with a mark, only the last one closes). Works
//! on a slice of chars so that offsets are in Unicode scalar values.

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
        '“' => &['”', '"'],
        '"' => &['"', '”'],
        '«' => &['»'],
        '„' => &['“', '”'],
        _ => &[],
    }
}

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
    let mut i = 0;
    while i < chars.len() {
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
        let mut start = open + mark_len(chars, open);
        while start < end && chars[start].is_whitespace() {
            start += 1;
        }
        let mut stop = end;
        while stop > start && chars[stop - 1].is_whitespace() {
            stop -= 1;
        }
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
    fn a_quote_over_paragraphs() {
        let t = "He said:\n\n“First part.\n\n“Second part.”\n\nNot quoted.";
        assert_eq!(texts(t), ["First part.\n\n“Second part."]);
        let t = "“Unclosed para.\n\nNext para is plain.";
        assert_eq!(texts(t), ["Unclosed para."]);
    }
}
