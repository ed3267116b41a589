//! Quoted spans inside one paragraph of a post: “curly”, "straight", ‘single’ and 'single'
//! quotes, with apostrophes (haven’t, Iraq's) told apart from closing marks.
//!
//! This is deliberately simpler than `crate::quotes::marks`, which reads news articles: a
//! post's spans only need to be found well enough to look them up. It does not decide who is
//! speaking (`attribution.rs`) or whether a span is long enough to trace (`mod.rs`). An
//! unclosed quote runs to the end of its line, the convention for quotations that run on into
//! the next paragraph; a new opening mark ends an unclosed one.

/// Byte offsets into the paragraph: the quoted text is `start..end`; `after` is just past the
/// closing mark (equal to `end` when the quote is unclosed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Span {
    pub start: usize,
    pub end: usize,
    pub after: usize,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// “ … ” (also „ and « »)
    Curly,
    /// " … "
    Straight,
    /// ‘ … ’
    CurlySingle,
    /// ' … '
    StraightSingle,
}

/// Every quoted span of `text`, in order. Nested quotes are part of the outer span. One pass
/// over the characters, nothing kept but the spans.
pub(super) fn quoted(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut open: Option<(Kind, usize)> = None;
    let close = |out: &mut Vec<Span>, start: usize, end: usize, after: usize| {
        if let Some(span) = trimmed(text, start, end, after) {
            out.push(span);
        }
    };
    let mut chars = text.char_indices().peekable();
    let mut prev: Option<char> = None;
    while let Some((at, c)) = chars.next() {
        let next_at = chars.peek().map_or(text.len(), |(n, _)| *n);
        let next = chars.peek().map(|(_, c)| *c);
        let word_after = next.is_some_and(|n| n.is_alphanumeric());
        let space_before = prev.is_none_or(|p| p.is_whitespace() || "([{—–-".contains(p));
        prev = Some(c);
        match (c, open) {
            ('\n', Some((_, start))) => {
                close(&mut out, start, at, at);
                open = None;
            }
            ('“' | '„' | '«', Some((Kind::Curly, start))) => {
                close(&mut out, start, at, at);
                open = Some((Kind::Curly, next_at));
            }
            ('“' | '„' | '«', None) => open = Some((Kind::Curly, next_at)),
            ('”' | '»', Some((Kind::Curly, start))) => {
                close(&mut out, start, at, next_at);
                open = None;
            }
            ('"', Some((Kind::Straight, start))) if !space_before || !word_after => {
                close(&mut out, start, at, next_at);
                open = None;
            }
            ('"', None) if next.is_some_and(|n| !n.is_whitespace()) => {
                open = Some((Kind::Straight, next_at))
            }
            ('‘', None) => open = Some((Kind::CurlySingle, next_at)),
            ('’', Some((Kind::CurlySingle, start))) if !word_after => {
                close(&mut out, start, at, next_at);
                open = None;
            }
            ('\'', None) if space_before && word_after => {
                open = Some((Kind::StraightSingle, next_at))
            }
            ('\'', Some((Kind::StraightSingle, _))) if space_before && word_after => {
                // 'a 'b': a new opening mark; the first one was an apostrophe or unbalanced.
                open = Some((Kind::StraightSingle, next_at));
            }
            ('\'', Some((Kind::StraightSingle, start))) if !word_after && !space_before => {
                close(&mut out, start, at, next_at);
                open = None;
            }
            _ => {}
        }
    }
    if let Some((_, start)) = open {
        close(&mut out, start, text.len(), text.len());
    }
    out
}

/// The span with surrounding whitespace removed, or `None` if nothing is left.
fn trimmed(text: &str, start: usize, end: usize, after: usize) -> Option<Span> {
    let inner = text.get(start..end)?;
    let lead = inner.len() - inner.trim_start().len();
    let body = inner.trim();
    if body.is_empty() {
        return None;
    }
    Some(Span {
        start: start + lead,
        end: start + lead + body.len(),
        after,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<&str> {
        quoted(text)
            .into_iter()
            .map(|s| &text[s.start..s.end])
            .collect()
    }

    #[test]
    fn curly_and_straight() {
        assert_eq!(
            texts("“The Europeans haven’t been helpful,” Pompeo told Fox. \"Yes it is,\" he said."),
            vec!["The Europeans haven’t been helpful,", "Yes it is,"]
        );
    }

    #[test]
    fn apostrophes_are_not_quotes() {
        assert_eq!(
            texts("Iraq's economy and OPEC's producers; rock 'n' roll"),
            vec!["n"]
        );
        assert_eq!(
            texts("on the claim that they were 'Iranian Linked', it has"),
            vec!["Iranian Linked"]
        );
        // Unbalanced: the second opening mark restarts the span.
        assert_eq!(
            texts("expressed 'disappointment in Iraq's condemnation to be 'Iran-Backed'"),
            vec!["Iran-Backed"]
        );
    }

    #[test]
    fn unclosed_runs_to_end_of_line_and_new_opening_ends_it() {
        let t = "called for “maximum restraint.\n“They took a strike,” he said. “We’re also";
        assert_eq!(
            texts(t),
            vec!["maximum restraint.", "They took a strike,", "We’re also"]
        );
        let s = quoted(t);
        assert_eq!(s[1].after, t.find(" he").unwrap());
    }

    #[test]
    fn odd_input() {
        for t in ["", "\"", "“", "'", "”“”“", "\"\"\"", "a'b'c", "é“ü", "“\n”"] {
            let _ = quoted(t);
        }
    }
}
