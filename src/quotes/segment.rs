//! Paragraphs, headlines and sentence ends: where a text's paragraphs break and its sentences
//! end, for every part of the quote stage that must not read across one (quote marks, cues,
//! sentence subjects).
//!
//! A blank line (only white space on it) always breaks a paragraph. Many texts break
//! paragraphs with a single newline instead; one is a break when the line before it ends as a
//! paragraph does (a sentence end, a closing mark or bracket after one, a colon) or is a
//! heading (a Title Case headline, a short line such as a byline or a list number). A text
//! whose lines are wrapped at a fixed width (more lines run on into a lower-case word than end
//! a sentence) keeps its single newlines inside paragraphs. Offsets are bytes of the text; all
//! of it is one pass over the text.
//!
//! A full stop ends a sentence unless it ends an abbreviation (`ends_sentence`): the one list
//! of them is here. After a title or an initial ("Sen.", "Dr.", "E.") it never does; after an
//! abbreviation that may close a sentence ("Jr.", "Ltd.", "Calif.", "R-Ky.", "Sept.", "U.S.",
//! "p.m.") only when a word that opens sentences follows ("The", "He", a quote mark); and no
//! full stop does that a lower-case word, a digit or a comma or bracket follows ("Ltd. said",
//! "Sept. 11", "R-Ky., said", "(D-N.C.)").

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
/// closing marks or brackets (`.”`, `?'`, `.)`), with a closing bracket (a reference:
/// "[Gallup]", "(Reporting by ...)"), or with a quote and a dash and a name after it
/// (`“...” ― Jane Doe`).
fn ends_paragraph(line: &str) -> bool {
    let t = line.trim_end();
    if t.ends_with([')', ']']) {
        return true;
    }
    let tail = &t[t.floor_char_boundary(t.len().saturating_sub(80))..];
    if let Some(i) = tail.rfind(['”', '"']) {
        let after = tail[i..].trim_start_matches(['”', '"']).trim_start();
        if after.starts_with(['―', '—', '–']) && after.split_whitespace().count() <= 7 {
            return true;
        }
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

/// Abbreviations that stand before a name or a number: a full stop after one never ends a
/// sentence ("Sen. Ann Marsh", "St. Louis", "Roe v. Wade").
const BEFORE_NAMES: &[&str] = &[
    "Mr", "Mrs", "Ms", "Messrs", "Mmes", "Dr", "Drs", "Sen", "Sens", "Rep", "Reps", "Gov", "Govs",
    "Lt", "Gen", "Gens", "Col", "Maj", "Capt", "Sgt", "Cpl", "Pvt", "Adm", "Brig", "Cmdr", "Cdr",
    "Prof", "Rev", "Hon", "Pres", "Supt", "Det", "Insp", "Atty", "Msgr", "Fr", "Amb", "Sec", "Rt",
    "St", "Ste", "Mt", "Ft", "vs", "v",
];

/// Abbreviations that may close a sentence: after a name or a place ("Jr.", "Ltd.",
/// "Calif.", the state of a party tag "R-Ky."), months and the like. A full stop after one ends
/// a sentence only when a word that opens sentences follows (`OPENERS`); so does one after a
/// dotted abbreviation ("U.S.", "D.C.", "p.m.").
const AFTER_NAMES: &[&str] = &[
    // People and companies.
    "Jr", "Sr", "Ltd", "Inc", "Corp", "Co", "Cos", "Bros", "Plc", "PLC", "LLC", "Assn", "Dept",
    "Univ", "Esq", "al", "etc", // Months.
    "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec",
    // States, as the news writes them.
    "Ala", "Ariz", "Ark", "Calif", "Colo", "Conn", "Del", "Fla", "Ga", "Ill", "Ind", "Kan", "Kans",
    "Ky", "La", "Md", "Mass", "Mich", "Minn", "Miss", "Mo", "Mont", "Neb", "Nev", "Okla", "Ore",
    "Pa", "Penn", "Tenn", "Tex", "Va", "Vt", "Wash", "Wis", "Wyo",
    // Numbers and addresses.
    "No", "Nos", "Ave", "Blvd", "Rd",
];

/// Words that open sentences: after an abbreviation that may close a sentence, one of them
/// says it did ("... Acme Ltd. The company said").
const OPENERS: &[&str] = &[
    "The",
    "A",
    "An",
    "He",
    "She",
    "It",
    "They",
    "We",
    "I",
    "You",
    "His",
    "Her",
    "Its",
    "Their",
    "Our",
    "My",
    "This",
    "That",
    "These",
    "Those",
    "There",
    "Here",
    "In",
    "On",
    "At",
    "But",
    "And",
    "Or",
    "So",
    "Yet",
    "After",
    "Before",
    "When",
    "While",
    "As",
    "If",
    "For",
    "Some",
    "Many",
    "Most",
    "One",
    "No",
    "Not",
    "Now",
    "Then",
    "Still",
    "Also",
    "Last",
    "Next",
    "Both",
    "Each",
    "Every",
    "All",
    "Since",
    "Until",
    "Though",
    "Although",
    "However",
    "Meanwhile",
    "Earlier",
    "Later",
    "Today",
    "Why",
    "What",
    "Who",
    "How",
    "Where",
];

/// Whether the '.', '?' or '!' at byte `at` of `text` ends a sentence: white space follows it,
/// then no lower-case word, digit, comma or closing bracket, and a full stop is no
/// abbreviation's (see the module's doc). The end of the text ends one. Reads a few words on
/// either side, never more.
pub fn ends_sentence(text: &str, at: usize) -> bool {
    let Some(c) = text.get(at..).and_then(|t| t.chars().next()) else {
        return false;
    };
    if !matches!(c, '.' | '?' | '!') {
        return false;
    }
    let rest = &text[at + 1..];
    match rest.chars().next() {
        None => return true,
        Some(n) if !n.is_whitespace() => return false,
        Some(_) => {}
    }
    let next = rest.trim_start();
    let Some(first) = next.chars().next() else {
        return true;
    };
    if first.is_lowercase()
        || first.is_numeric()
        || matches!(first, ',' | ';' | ':' | ')' | ']' | '}' | '%')
    {
        return false;
    }
    if c != '.' {
        return true;
    }
    // The word before the full stop: its last 32 bytes at most, after white space or an
    // opening bracket or mark; a party tag's state after its hyphen ("R-Ky" → "Ky").
    let before = &text[text.floor_char_boundary(at.saturating_sub(32))..at];
    let word = before
        .rsplit(|ch: char| {
            ch.is_whitespace() || matches!(ch, '(' | '[' | '“' | '"' | '‘' | '«' | '„' | '/')
        })
        .next()
        .unwrap_or("");
    let word = word.rsplit('-').next().unwrap_or(word);
    if word.is_empty() {
        return true;
    }
    let mut letters = word.chars();
    let initial = letters.next().is_some_and(char::is_uppercase) && letters.next().is_none();
    if initial || BEFORE_NAMES.contains(&word) {
        return false;
    }
    if word.contains('.') || AFTER_NAMES.contains(&word) {
        if matches!(first, '“' | '"' | '‘' | '«' | '„' | '\'') {
            return true;
        }
        let opener: String = next
            .chars()
            .take(12)
            .take_while(|ch| ch.is_alphabetic())
            .collect();
        return OPENERS.contains(&opener.as_str());
    }
    true
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
        // A quote with a dash and a name after it ends one.
        assert_eq!(
            paragraphs("“Roads first.” ― Dana Whitfield\n“Buses too.” ― Omar Haddad"),
            [
                "“Roads first.” ― Dana Whitfield",
                "“Buses too.” ― Omar Haddad"
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

    /// Where `ends_sentence` cuts `text`.
    fn sentences(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        let mut from = 0;
        for (i, _) in text.match_indices(['.', '?', '!']) {
            if ends_sentence(text, i) {
                out.push(text[from..=i].trim());
                from = i + 1;
            }
        }
        if !text[from..].trim().is_empty() {
            out.push(text[from..].trim());
        }
        out
    }

    #[test]
    fn abbreviations_do_not_end_sentences() {
        assert_eq!(
            sentences(
                "Sen. Ann Marsh (D-Ore.) and Rep. Tom Vale, R-Ky., met Dr. Lee Chu. They spoke."
            ),
            [
                "Sen. Ann Marsh (D-Ore.) and Rep. Tom Vale, R-Ky., met Dr. Lee Chu.",
                "They spoke."
            ]
        );
        assert_eq!(
            sentences("Shares of Brightwater Ltd. rose after the Sept. 30 report by Maria E. Ortiz of the U.S. Treasury. The stock fell."),
            [
                "Shares of Brightwater Ltd. rose after the Sept. 30 report by Maria E. Ortiz of the U.S. Treasury.",
                "The stock fell."
            ]
        );
        // After an abbreviation that may close a sentence, a word that opens one says it did.
        assert_eq!(
            sentences("He works for Brightwater Ltd. The company said no. He moved to Dayton, Ohio, in the U.S. He left at 5 p.m. Tuesday."),
            [
                "He works for Brightwater Ltd.",
                "The company said no.",
                "He moved to Dayton, Ohio, in the U.S.",
                "He left at 5 p.m. Tuesday."
            ]
        );
        assert_eq!(
            sentences("Why? Nobody knew! It ended."),
            ["Why?", "Nobody knew!", "It ended."]
        );
        assert!(ends_sentence("It ended.", 8));
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
