//! Paragraphs and headlines: where a text's paragraphs break, for every part of the quote stage
//! that must not read across one (quote marks, cues, sentence subjects).
//!
//! A blank line (only white space on it) always breaks a paragraph. Many texts break
//! paragraphs with a single newline instead; one is a break when the line before it ends as a
//! paragraph does (a sentence end, a closing mark or bracket after one, a colon) or is a
//! heading (a Title Case headline, a short line such as a byline or a list number). A text
//! whose lines are wrapped at a fixed width (more lines run on into a lower-case word than end
//! a sentence) keeps its single newlines inside paragraphs. Offsets are bytes of the text; all
//! of it is one pass over the text.

/// A paragraph break, in byte offsets: the paragraph before it ends at `end` (its first
/// newline), the next one starts at `start` (just after its last newline).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Break {
    pub end: usize,
    pub start: usize,
}

/// Words that a Title Case headline writes in lower case.
const SMALL_WORDS: &[&str] = &[
    "a", "an", "the", "and", "or", "nor", "but", "of", "to", "in", "on", "at", "for", "by", "with",
    "from", "as", "vs", "vs.", "v.", "into", "over", "per", "via", "up", "off", "out", "is", "be",
    "are", "it",
];

/// Most words a heading line has that is not Title Case (a byline, a list number, a name).
const SHORT_LINE_WORDS: usize = 4;

/// Whether a line is a Title Case headline ("Senator Says Plan Is Dead On Arrival"): three or
/// more capitalised words, every other word one that headlines write in lower case, and no
/// comma or semicolon at its end. A sentence full of names has a lower-case verb ("... met
/// Chinese Foreign Minister Wang Yi") and is none.
pub fn is_headline(line: &str) -> bool {
    let line = line.trim();
    if line.len() > 300 || line.ends_with([',', ';']) {
        return false;
    }
    let (mut words, mut capitals, mut others) = (0, 0, 0);
    for w in line.split_whitespace() {
        words += 1;
        let bare = w.trim_start_matches(|c: char| !c.is_alphanumeric());
        let Some(first) = bare.chars().next() else {
            continue;
        };
        if first.is_uppercase() || first.is_numeric() {
            capitals += usize::from(first.is_uppercase());
        } else if !SMALL_WORDS.contains(
            &bare
                .trim_end_matches([',', ':', '.'])
                .to_lowercase()
                .as_str(),
        ) {
            others += 1;
        }
    }
    (3..=30).contains(&words) && capitals >= 3 && others == 0
}

/// Whether a line ends as a paragraph does: with a sentence end or a colon, possibly inside
/// closing marks or brackets (`.”`, `?'`, `.)`), or with a closing bracket (a reference:
/// "[Gallup]", "(Reporting by ...)").
fn ends_paragraph(line: &str) -> bool {
    let t = line.trim_end();
    if t.ends_with([')', ']']) {
        return true;
    }
    let bare = t.trim_end_matches(['”', '’', '"', '\'', '»']);
    bare.ends_with(['.', '?', '!', '…', ':'])
}

/// Whether a line is a heading of its own: a headline, or a short line with no comma or
/// hyphen at its end (a byline, a list number, "Jane Doe, 52").
fn is_heading(line: &str) -> bool {
    let t = line.trim();
    is_headline(t)
        || (t.split_whitespace().count() <= SHORT_LINE_WORDS
            && !t.ends_with([',', ';', '-', '–', '—']))
}

/// The paragraph breaks of `text`, in order.
pub fn paragraph_breaks(text: &str) -> Vec<Break> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    // Single newlines that may break a paragraph: the break, and whether the line before it
    // ends a paragraph; and how many run on into a lower-case word.
    let mut singles: Vec<(Break, bool)> = Vec::new();
    let mut run_on = 0;
    let mut line_start = 0;
    let mut i = 0;
    while let Some(k) = memchr::memchr(b'\n', &bytes[i..]) {
        let end = i + k;
        // The run of white space from this newline on, and the newlines in it.
        let mut last_newline = end;
        let mut newlines = 1;
        let mut j = end + 1;
        for (off, c) in text[end + 1..].char_indices() {
            if c == '\n' {
                newlines += 1;
                last_newline = end + 1 + off;
            } else if !c.is_whitespace() {
                break;
            }
            j = end + 1 + off + c.len_utf8();
        }
        let brk = Break {
            end,
            start: last_newline + 1,
        };
        if newlines >= 2 {
            out.push(brk);
        } else if j < text.len() {
            let line = &text[line_start..end];
            if !line.trim().is_empty() {
                let ends = ends_paragraph(line) || is_heading(line);
                if !ends && text[j..].starts_with(char::is_lowercase) {
                    run_on += 1;
                }
                singles.push((brk, ends));
            }
        }
        line_start = last_newline + 1;
        i = last_newline + 1;
    }
    let ending = singles.iter().filter(|(_, e)| *e).count();
    if ending == 0 || run_on > ending {
        return out; // no single newline breaks, or lines wrapped at a width
    }
    let mut all: Vec<Break> = out
        .into_iter()
        .chain(singles.into_iter().filter(|(_, e)| *e).map(|(b, _)| b))
        .collect();
    all.sort_by_key(|b| b.end);
    all
}

/// The byte ranges of the headlines that are paragraphs of their own (`is_headline`), given
/// the text's paragraph breaks: no speaker is read from them.
pub fn headlines(text: &str, breaks: &[Break]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut from = 0;
    for to in breaks
        .iter()
        .map(|b| (b.end, b.start))
        .chain(std::iter::once((text.len(), text.len())))
    {
        let para = &text[from..to.0];
        if !para.trim().contains('\n') && is_headline(para) {
            out.push((from, to.0));
        }
        from = to.1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paragraphs(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        let mut from = 0;
        for b in paragraph_breaks(text) {
            out.push(text[from..b.end].trim());
            from = b.start;
        }
        out.push(text[from..].trim());
        out
    }

    #[test]
    fn blank_lines_and_single_newlines() {
        assert_eq!(
            paragraphs("One para.\n\nTwo para.\n \t\nThree."),
            ["One para.", "Two para.", "Three."]
        );
        // Single newlines after sentence ends and headings break paragraphs.
        let text = "Mayor Vows To Fight Budget Cuts In Court\nThe mayor said on Monday she would sue.\n“We will win,” she said.\nBy Jane Roe\nThe council meets in June (a date not yet set)\nIt has not said more.";
        assert_eq!(
            paragraphs(text),
            [
                "Mayor Vows To Fight Budget Cuts In Court",
                "The mayor said on Monday she would sue.",
                "“We will win,” she said.",
                "By Jane Roe",
                "The council meets in June (a date not yet set)",
                "It has not said more."
            ]
        );
        // A line that runs on into a lower-case word does not end its paragraph.
        assert_eq!(
            paragraphs("The plan, which the council\nbacked, failed. It was late.\nThen more."),
            [
                "The plan, which the council\nbacked, failed. It was late.",
                "Then more."
            ]
        );
    }

    #[test]
    fn lines_wrapped_at_a_width_stay_one_paragraph() {
        let text = "The council voted on Monday to delay the plan for the new\nbridge until the spring.\nThe mayor said the delay would cost the city\nmoney, and her deputy agreed that the vote was a\nsetback.\n\nA second paragraph.";
        assert_eq!(paragraphs(text).len(), 2, "{:?}", paragraphs(text));
    }

    #[test]
    fn headlines_are_title_case_lines() {
        assert!(is_headline("Senator Says Plan Is Dead On Arrival."));
        assert!(is_headline("Governor Signs Bill To Raise the Minimum Wage"));
        assert!(!is_headline(
            "Secretary of State Ann Marsh met Foreign Minister Omar Haddad."
        ));
        assert!(!is_headline("The mayor said on Monday she would sue."));
        assert!(!is_headline("Ann Marsh"));
        let text = "Mayor Vows To Fight Budget Cuts\n\nMayor Ann Marsh spoke.";
        let found = headlines(text, &paragraph_breaks(text));
        assert_eq!(found, [(0, "Mayor Vows To Fight Budget Cuts".len())]);
    }
}
