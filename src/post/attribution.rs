//! What a post says about where a passage comes from: lead-in lines ("According to Reuters",
//! "…, according to the Defense Post.", "Reuters reports …", "Throughout the day, according
//! to"), outlets named inside a paragraph ("…, Reuters reported on December 3.") and speakers
//! ("…,” Sistani said.").
//!
//! Names are kept as written; mapping them to `feeds.toml` outlets is `Claim::resolve`'s job
//! (in `mod.rs`), and judging them is `verify`'s. Links are not seen here: the format readers
//! collect them and `mod.rs` attaches them.

use super::Claim;

/// Longest lead-in line, in words (and bytes: a longer line is not cut into words at all).
/// Longer paragraphs are prose even if they say "according to".
const MAX_LEAD_WORDS: usize = 60;
const MAX_LEAD_BYTES: usize = 8 * 1024;
/// Longest outlet or speaker name, in words.
const MAX_NAME_WORDS: usize = 6;
/// Closing quote marks of one paragraph tried for a speaker after them: the speaker of a
/// paragraph is named after one of its first quotes, and a paragraph of a million marks must
/// not cost a million searches.
const MAX_SPEAKER_MARKS: usize = 64;

const SPEECH_VERBS: [&str; 15] = [
    "said",
    "says",
    "say",
    "told",
    "tells",
    "tweeted",
    "wrote",
    "writes",
    "added",
    "adds",
    "stated",
    "declared",
    "warned",
    "explained",
    "insisted",
];
/// How far before an inline quote its speech verb may stand ("Pompeo said the move was “…”").
const BEFORE_QUOTE_WORDS: usize = 6;
/// Capitalised words after "said" that are no speaker ("…,” said Monday").
const WHEN: [&str; 19] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];
const REPORT_VERBS: [&str; 4] = ["reported", "reports", "reporting", "report"];
const PRONOUNS: [&str; 9] = ["he", "she", "they", "it", "we", "i", "you", "this", "that"];
/// Lower-case words allowed inside a name between capitalised ones ("Department of State").
const CONNECTORS: [&str; 5] = ["of", "and", "&", "de", "for"];

/// A word and its core: the word without surrounding punctuation and quote marks.
struct Word<'a> {
    core: &'a str,
    /// Punctuation after the core ends a name: `Reuters,` `Jazeera:` `Eye.` (but not `U.S.`).
    ends: bool,
}

fn words(text: &str) -> Vec<Word<'_>> {
    words_upto(text, usize::MAX)
}

/// The first `max` words of `text` (fewer, since tokens of only punctuation are no words).
fn words_upto(text: &str, max: usize) -> Vec<Word<'_>> {
    text.split_whitespace()
        .take(max)
        .map(|raw| {
            let lead = raw.trim_start_matches(|c: char| !c.is_alphanumeric());
            let core = lead.trim_end_matches(|c: char| !c.is_alphanumeric());
            let tail = lead.get(core.len()..).unwrap_or("");
            let abbreviation = tail == "." && core.len() <= 3 && core.contains('.');
            let (core, ends) = if abbreviation {
                (lead, false)
            } else {
                (core, !tail.is_empty())
            };
            Word { core, ends }
        })
        .filter(|w| !w.core.is_empty())
        .collect()
}

fn capitalised(w: &str) -> bool {
    w.chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
}

fn is_any(w: &str, list: &[&str]) -> bool {
    list.iter().any(|v| w.eq_ignore_ascii_case(v))
}

/// A name starting at `ws[i]`: capitalised words (a lower-case "the" first is skipped and
/// dropped), up to punctuation, a speech or report verb, or a lower-case word. Returns the
/// name and the index after it.
fn name_at(ws: &[Word], mut i: usize) -> Option<(String, usize)> {
    if ws.get(i).is_some_and(|w| w.core == "the" && !w.ends) {
        i += 1;
    }
    let mut name: Vec<&str> = Vec::new();
    while let Some(w) = ws.get(i) {
        if name.len() >= MAX_NAME_WORDS || is_any(w.core, &SPEECH_VERBS) {
            break;
        }
        if is_any(w.core, &REPORT_VERBS) {
            break;
        }
        let connector = !name.is_empty()
            && CONNECTORS.contains(&w.core)
            && !w.ends
            && ws.get(i + 1).is_some_and(|n| capitalised(n.core));
        if !(capitalised(w.core) || connector) {
            break;
        }
        name.push(w.core);
        i += 1;
        if w.ends {
            break;
        }
    }
    let first = name.first()?;
    if PRONOUNS.iter().any(|p| first.eq_ignore_ascii_case(p)) && name.len() == 1 {
        return None;
    }
    Some((name.join(" "), i))
}

/// Indices `i` where `ws[i] ws[i+1]` is "according to".
fn according(ws: &[Word]) -> Vec<usize> {
    (0..ws.len().saturating_sub(1))
        .filter(|&i| {
            ws[i].core.eq_ignore_ascii_case("according")
                && !ws[i].ends
                && ws[i + 1].core.eq_ignore_ascii_case("to")
        })
        .collect()
}

/// The claim of a lead-in line, or `None` if `text` does not read as one. A lead-in starts with
/// "According to X", ends with "according to X" (X alone, then punctuation) or "according to"
/// with nothing after it (dangling), starts with "X reports"/"X reported", or ends with a colon.
pub(super) fn lead(text: &str) -> Option<Claim> {
    if text.len() > MAX_LEAD_BYTES {
        return None;
    }
    let text = text.trim();
    let ws = words(text);
    if ws.is_empty() || ws.len() > MAX_LEAD_WORDS || text.contains('\n') {
        return None;
    }
    let mut claim = Claim {
        speaker: lead_speaker(&ws),
        ..Claim::default()
    };
    let acc = according(&ws);
    if acc.first() == Some(&0) {
        claim.outlet = name_at(&ws, 2).map(|(n, _)| n);
        claim.dangling = ws.len() == 2;
        return Some(claim);
    }
    if let Some(&i) = acc.last() {
        if i + 2 == ws.len() {
            claim.dangling = true;
            return Some(claim);
        }
        if let Some((name, end)) = name_at(&ws, i + 2) {
            if end == ws.len() {
                claim.outlet = Some(name);
                return Some(claim);
            }
        }
    }
    if let Some((name, end)) = name_at(&ws, 0) {
        if ws.get(end).is_some_and(|w| is_any(w.core, &REPORT_VERBS)) {
            claim.outlet = Some(name);
            return Some(claim);
        }
    }
    if text.ends_with(':') {
        let own = in_text(text);
        claim.outlet = own.outlet;
        return Some(claim);
    }
    None
}

/// "A State Department Official Said, according to …", "Sistani said:", "According to
/// Reuters, Mike Pompeo said:", "Pompeo told Fox News:" → the name just before the lead-in's
/// first speech verb that has one.
fn lead_speaker(ws: &[Word]) -> Option<String> {
    (1..ws.len())
        .filter(|&i| is_any(ws[i].core, &SPEECH_VERBS))
        .find_map(|i| name_before(ws, i))
}

/// The claim of a paragraph that introduces a quotation without being shaped like a lead-in
/// ("The strikes were condemned, Reuters says." before a block quote): the outlet it names
/// for itself, and the speaker named before a speech verb in its last sentence ("…. Later,
/// Sistani told the crowd:").
pub(super) fn introducing(text: &str) -> Claim {
    let mut claim = in_text(text);
    let last = last_sentence(text);
    let ws = words_upto(last, MAX_LEAD_WORDS);
    claim.speaker = lead_speaker(&ws);
    claim
}

/// The text after the paragraph's last sentence end (". " before a capital).
fn last_sentence(text: &str) -> &str {
    let trimmed = text.trim_end();
    let mut start = 0;
    let mut chars = trimmed.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if matches!(c, '.' | '!' | '?') && chars.peek().is_some_and(|(_, n)| *n == ' ') {
            let rest = trimmed.get(i + 2..).unwrap_or("");
            if rest.starts_with(|c: char| c.is_uppercase()) && !rest.trim().is_empty() {
                start = i + 2;
            }
        }
    }
    trimmed.get(start..).unwrap_or(trimmed)
}

/// The outlet and speaker a paragraph names for itself: "according to X" anywhere, else "X
/// reported" / "the AP reports".
pub(super) fn in_text(text: &str) -> Claim {
    let ws = words(text);
    let mut outlet = according(&ws)
        .into_iter()
        .find_map(|i| name_at(&ws, i + 2).map(|(n, _)| n));
    if outlet.is_none() {
        outlet = (1..ws.len())
            .filter(|&i| is_any(ws[i].core, &REPORT_VERBS))
            .find_map(|i| name_before(&ws, i));
    }
    Claim {
        outlet,
        speaker: speaker(text),
        ..Claim::default()
    }
}

/// The capitalised name that ends just before `ws[i]` (not across punctuation).
fn name_before(ws: &[Word], i: usize) -> Option<String> {
    let mut start = i;
    while start > 0 && i - start < MAX_NAME_WORDS {
        let w = &ws[start - 1];
        if w.ends || !capitalised(w.core) {
            break;
        }
        start -= 1;
    }
    if start == i {
        return None;
    }
    let (name, end) = name_at(ws, start)?;
    (end == i).then_some(name)
}

/// The first speaker named right after a closing quote in `text` ("…,” Sistani said."), among
/// its first `MAX_SPEAKER_MARKS` closing marks (of a run of marks, only the last counts).
pub(super) fn speaker(text: &str) -> Option<String> {
    let is_mark = |c: char| matches!(c, '”' | '"' | '»' | '“' | '«' | '\'' | '’' | '‘');
    text.char_indices()
        .filter(|(_, c)| matches!(c, '”' | '"' | '»'))
        .filter_map(|(at, c)| text.get(at + c.len_utf8()..))
        .filter(|rest| !rest.starts_with(is_mark))
        .take(MAX_SPEAKER_MARKS)
        .find_map(speaker_after)
}

/// The speaker of a quoted span `start..` whose closing mark ends at `after`: after it ("…,”
/// Pompeo told Fox News"), else just before it ("Sistani said: “…”").
pub(super) fn speaker_around(text: &str, start: usize, after: usize) -> Option<String> {
    text.get(after..)
        .and_then(speaker_after)
        .or_else(|| speaker_before(text.get(..start)?))
}

/// `Name said`, `Name, a title, said`, `Name was quoted` at the start of `rest`.
fn speaker_after(rest: &str) -> Option<String> {
    let head = rest
        .char_indices()
        .nth(400)
        .and_then(|(i, _)| rest.get(..i))
        .unwrap_or(rest);
    // A name (at most `MAX_NAME_WORDS`) and the verb within 12 words after it.
    let ws = words_upto(head, MAX_NAME_WORDS + 14);
    // The closing mark must be followed by the name, not a new sentence across a line.
    if rest.trim_start_matches([' ', ',']).starts_with('\n') {
        return None;
    }
    // "…,” said Hélène Marchetti", "…,” said spokesman John Kirby": the verb first, then the
    // name after at most a few lower-case words of its role, within the clause.
    if ws
        .first()
        .is_some_and(|w| is_any(w.core, &SPEECH_VERBS) && !w.ends)
    {
        for (k, w) in ws.iter().enumerate().skip(1).take(4) {
            if capitalised(w.core) {
                return name_at(&ws, k).map(|(name, _)| name).filter(|name| {
                    let first = name.split(' ').next().unwrap_or("");
                    let first = first.trim_end_matches("'s").trim_end_matches("’s");
                    !is_any(first, &WHEN)
                });
            }
            if w.ends {
                return None;
            }
        }
        return None;
    }
    let (name, end) = name_at(&ws, 0)?;
    let next = ws.get(end)?;
    if is_any(next.core, &SPEECH_VERBS)
        || (next.core == "was" && ws.get(end + 1).is_some_and(|w| w.core == "quoted"))
    {
        return Some(name);
    }
    // "Jamal Jaafar Ibrahimi, also known as Abu Mahdi al-Muhandis, said"
    let last = ws.get(end.checked_sub(1)?)?;
    if !last.ends {
        return None;
    }
    ws.iter()
        .skip(end)
        .take(12)
        .position(|w| is_any(w.core, &SPEECH_VERBS))
        .map(|_| name)
}

fn speaker_before(before: &str) -> Option<String> {
    // Only the words just before the quote matter; a long paragraph must stay linear.
    let before = before
        .char_indices()
        .rev()
        .nth(300)
        .and_then(|(i, _)| before.get(i..))
        .unwrap_or(before);
    let trimmed = before.trim_end();
    let trimmed = trimmed
        .strip_suffix(['“', '"', '‘', '\''])
        .unwrap_or(trimmed);
    // "Sistani said: “…”", "Sistani said “…”", "Okafor told Reuters: “…”", "Pompeo said the
    // move was “…”": a speech verb among the last few words, within the sentence.
    let ws = words(trimmed);
    let verb = (ws.len().saturating_sub(BEFORE_QUOTE_WORDS)..ws.len())
        .rev()
        .take_while(|&i| i + 1 == ws.len() || !ws[i].ends)
        .find(|&i| is_any(ws[i].core, &SPEECH_VERBS))?;
    name_before(&ws, verb)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outlet(line: &str) -> Option<String> {
        lead(line).and_then(|c| c.outlet)
    }

    #[test]
    fn lead_ins_from_the_sample() {
        assert_eq!(outlet("According to Reuters").as_deref(), Some("Reuters"));
        assert_eq!(
            outlet("According to Aljazeera, protesters support President Salih's rejection")
                .as_deref(),
            Some("Aljazeera")
        );
        assert_eq!(
            outlet("according to Al Jazeera:").as_deref(),
            Some("Al Jazeera")
        );
        assert_eq!(
            outlet("A Top PMU leader vowed retaliation, according to the Defense Post.").as_deref(),
            Some("Defense Post")
        );
        assert_eq!(
            outlet("According to The New Arab, Trump calls on Iraq").as_deref(),
            Some("The New Arab")
        );
        assert_eq!(
            outlet("Reuters reports Sistani expressed is disapproval of the US airstrike.")
                .as_deref(),
            Some("Reuters")
        );
        assert_eq!(
            outlet("US officials, the AP reports").as_deref(),
            None,
            "a report verb mid-line is not a lead-in"
        );
        assert_eq!(outlet("the AP reports:").as_deref(), Some("AP"));
        assert_eq!(
            outlet("U.S. embassy in Baghdad suspends consular operations according to Reuters.")
                .as_deref(),
            Some("Reuters")
        );
        let mee =
            lead("A State Department Official Said, according to the Middle East Eye").unwrap();
        assert_eq!(mee.outlet.as_deref(), Some("Middle East Eye"));
        assert_eq!(mee.speaker.as_deref(), Some("A State Department Official"));
    }

    #[test]
    fn dangling() {
        for line in [
            "Throughout the day, according to",
            "US retaliated by launching airstrikes on 5 PMU bases \u{a0}that killed least 25, according to",
            "According to",
            "according to:",
            "according to …",
        ] {
            let c = lead(line).unwrap_or_else(|| panic!("{line}"));
            assert!(c.dangling, "{line}");
            assert_eq!(c.outlet, None, "{line}");
        }
        assert!(!lead("According to Reuters").unwrap().dangling);
    }

    #[test]
    fn not_lead_ins() {
        for para in [
            "Pompeo chimed in.",
            "The Pentagon says more troops can be deployed to Iraq if needed.",
            "Prices rose according to official figures published by the ministry on Monday.",
            "",
            "U.S. Secretary of State Mike Pompeo said he was disappointed.",
        ] {
            assert_eq!(lead(para), None, "{para}");
        }
    }

    #[test]
    fn outlets_in_text_and_speakers() {
        let t = "“The blood of the martyrs will not be in vain,” Jamal Jaafar Ibrahimi, also known as Abul Mahdi al-Muhandis, said Sunday night, Reuters reported on December 3.";
        let c = in_text(t);
        assert_eq!(c.outlet.as_deref(), Some("Reuters"));
        assert_eq!(c.speaker.as_deref(), Some("Jamal Jaafar Ibrahimi"));
        assert_eq!(
            speaker("“They are called upon do so and others,” Sistani said.").as_deref(),
            Some("Sistani")
        );
        assert_eq!(
            speaker("\"We expect Iraq to use its forces!\" Trump tweeted.").as_deref(),
            Some("Trump")
        );
        assert_eq!(speaker("“I think so,” he said."), None);
        assert_eq!(
            speaker("“Nobody wants that,” said Hélène Marchetti, a skipper.").as_deref(),
            Some("Hélène Marchetti")
        );
        assert_eq!(
            speaker("“We will see,” said spokesman John Kirby.").as_deref(),
            Some("John Kirby")
        );
        assert_eq!(
            speaker("“We will see,” said the official. Iraq then left."),
            None
        );
        assert_eq!(speaker("“We will see,” said Monday's statement."), None);
        assert_eq!(speaker("“I think so,” the official said."), None);
        assert_eq!(
            speaker("\"This claim cannot justify it,\" Rabiee was quoted as saying.").as_deref(),
            Some("Rabiee")
        );
        for (t, who) in [
            (
                "Okafor told Reuters: “We will not go back to sea.”",
                Some("Okafor"),
            ),
            (
                "Pompeo said the move was “a serious mistake by them”",
                Some("Pompeo"),
            ),
            (
                "Pompeo left. Officials later called it “a serious mistake by them”",
                None,
            ),
        ] {
            let start = t.find(['“']).unwrap() + '“'.len_utf8();
            assert_eq!(speaker_around(t, start, t.len()).as_deref(), who, "{t}");
        }
        let t = "Sistani said: “Iraq alone is entitled to deal with these practices.”";
        let start = t.find("Iraq").unwrap();
        assert_eq!(
            speaker_around(t, start, t.len()).as_deref(),
            Some("Sistani")
        );
    }

    #[test]
    fn many_quote_marks_cost_little_and_change_nothing() {
        let marks = "\"".repeat(200_000);
        assert_eq!(speaker(&marks), None);
        let t = format!("“Yes,”{marks} Sistani said.");
        assert_eq!(
            speaker(&t).as_deref(),
            Some("Sistani"),
            "the last of a run counts"
        );
        let many = "“a,” b. ".repeat(100) + "“We will,” Sistani said.";
        assert_eq!(speaker(&many), None, "past the first closing marks");
        let few = "“a,” b. ".repeat(10) + "“We will,” Sistani said.";
        assert_eq!(speaker(&few).as_deref(), Some("Sistani"));
    }

    #[test]
    fn a_paragraph_that_introduces_a_quotation() {
        let c = introducing("The strikes were condemned. Later, Ali Sistani told the crowd:");
        assert_eq!(c.speaker.as_deref(), Some("Ali Sistani"));
        let c = introducing("Pompeo said it was bad. The minister replied:");
        assert_eq!(c.speaker, None, "not from an earlier sentence");
        assert_eq!(last_sentence("One. Two three. Four"), "Four");
        assert_eq!(last_sentence("U.S. forces left"), "U.S. forces left");
    }

    #[test]
    fn odd_input() {
        for t in [
            "",
            "according",
            "to",
            "“",
            "”",
            "” said",
            "according to according to",
            "é” É said",
        ] {
            let _ = lead(t);
            let _ = in_text(t);
            let _ = speaker(t);
            let _ = speaker_around(t, 0, t.len());
        }
    }
}
