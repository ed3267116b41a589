//! One side of a verified passage (the post's words or the source's) cut into pieces, each
//! marked the same, added, dropped or changed against the other side, from the differences'
//! byte ranges. The terminal report (`quotewire verify`) and the desk's check draw them.
//!
//! Not for: deciding what differs (`verify::find` does).

/// How a stretch of one side's text stands against the other side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Same,
    /// In the post, not the source.
    Added,
    /// In the source, not the post.
    Dropped,
    /// Different words (or marks, or case, or order) on the two sides.
    Changed,
}

/// One difference as the two lines need it: its kind (`added`, `dropped`, `changed`, `typo`,
/// `punctuation`, `reordered`) and its byte ranges in the post's text and the source's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Diff<'a> {
    pub kind: &'a str,
    pub post_at: Option<(usize, usize)>,
    pub source_at: Option<(usize, usize)>,
}

/// Which line a text is shown on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Post,
    Source,
}

/// One side's text cut into marked pieces. Ranges that are empty, out of the text, not on
/// character boundaries, or overlapping one already taken are left out.
pub fn pieces<'t>(text: &'t str, diffs: &[Diff], side: Side) -> Vec<(&'t str, Mark)> {
    let mut ranges: Vec<(usize, usize, Mark)> = diffs
        .iter()
        .filter_map(|d| {
            let (at, own) = match side {
                Side::Post => (d.post_at, "added"),
                Side::Source => (d.source_at, "dropped"),
            };
            let (start, end) = at?;
            let valid = start < end
                && end <= text.len()
                && text.is_char_boundary(start)
                && text.is_char_boundary(end);
            let mark = match (d.kind, side) {
                (k, Side::Post) if k == own => Mark::Added,
                (k, Side::Source) if k == own => Mark::Dropped,
                _ => Mark::Changed,
            };
            valid.then_some((start, end, mark))
        })
        .collect();
    ranges.sort_by_key(|r| (r.0, r.1));
    let mut out = Vec::with_capacity(ranges.len() * 2 + 1);
    let mut at = 0;
    for (start, end, mark) in ranges {
        if start < at {
            continue;
        }
        if start > at {
            out.push((&text[at..start], Mark::Same));
        }
        out.push((&text[start..end], mark));
        at = end;
    }
    if at < text.len() {
        out.push((&text[at..], Mark::Same));
    }
    out
}
