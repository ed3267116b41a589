//! Who said it: cues, speakers and the people a text mentions.
//!
//! A cue is a verb of saying ("said", "told", "added", "according to", "was quoted as saying").
//! The speaker is the name, pronoun or role phrase the cue attaches to: after a closing mark
//! (`,” said X` / `,” X said`), or before an opening one (`X said: “`). "X told Reuters" makes X
//! the speaker, never Reuters. Pronouns go to the nearest person named before them; a surname
//! goes to the full name it was first written with ("Pompeo" → "Mike Pompeo").

use std::sync::OnceLock;

use regex::Regex;

/// The cue verbs, longest first so that "said in a statement" wins over "said".
const CUES: &str = r"was quoted as saying|were quoted as saying|said in a statement|told reporters|according to|said|says|told|added|adds|stated|declared|warned|wrote|tweeted|asked|explained|insisted|noted|argued|continued|replied|announced|stressed|urged|vowed|claimed|acknowledged|conceded|complained|recalled|predicted|cautioned|concluded|remarked";

const NAME: &str =
    r"(?:[A-Z][\p{L}’'.-]+(?:\s+(?:al-|bin\s+|de\s+|van\s+|von\s+|el-)?[A-Z][\p{L}’'.-]+){0,4})";
const ROLE: &str = r"(?:(?:(?:US|U\.S\.|Iraqi|Iranian|American|Western|Israeli|Saudi|Syrian|Turkish)\s+(?:[\p{L}]+\s+)?officials?)|(?i:a|an|one|two|three|several|some|the|another|other)\s+(?:[\p{L}.-]+\s+){0,5}?(?:official|officials|spokesman|spokeswoman|spokesperson|source|sources|diplomat|diplomats|minister|commander|officer|analyst|analysts|resident|residents|witness|witnesses|protester|protesters|activist|activists|lawmaker|lawmakers|envoy|aide|aides|leader|leaders|adviser|statement|ministry|military|group|president|premier|government|embassy|police|army|mission|coalition|people\s+familiar\s+with\s+the\s+matter))";
const PRONOUN: &str = r"(?:he|she|they|He|She|They)";

fn re(
    cell: &'static OnceLock<Option<Regex>>,
    pattern: impl FnOnce() -> String,
) -> Option<&'static Regex> {
    cell.get_or_init(|| Regex::new(&pattern()).ok()).as_ref()
}

/// A speaker and its cue found next to a quote.
#[derive(Debug, Clone, PartialEq)]
pub struct Attribution {
    pub as_written: String,
    pub cue: String,
}

/// `,” said X` or `,” X said` right after a closing mark (the text from the mark on).
pub fn after(text: &str) -> Option<Attribution> {
    static A: OnceLock<Option<Regex>> = OnceLock::new();
    let r = re(&A, || {
        format!(
            r"^[\s,”\x22»]*(?:(?P<cue1>{CUES})\s+(?P<who1>{ROLE}|{NAME}|{PRONOUN})|(?P<who2>{ROLE}|{NAME}|{PRONOUN})(?:,[^,.“”\x22]{{1,80}},)?\s+(?:(?:also|later|then|had|has)\s+)?(?P<cue2>{CUES}))"
        )
    })?;
    let c = r.captures(text)?;
    let who = c.name("who1").or(c.name("who2"))?.as_str();
    let cue = c.name("cue1").or(c.name("cue2"))?.as_str();
    Some(Attribution {
        as_written: trim_name(who),
        cue: cue.to_lowercase(),
    })
}

/// `X said: “` or `according to X, “` before an opening mark (the sentence up to the mark).
pub fn before(text: &str) -> Option<Attribution> {
    static B: OnceLock<Option<Regex>> = OnceLock::new();
    let r = re(&B, || {
        format!(
            r"(?:(?P<who>{ROLE}|{NAME}|{PRONOUN})(?:,[^,.“”\x22]{{1,80}},)?\s+(?:(?:also|later|then)\s+)?(?P<cue>{CUES})(?:\s+reporters|\s+(?:the\s+|The\s+)?(?:[A-Z][\p{{L}}.]+\s*){{1,4}})?(?:\s+(?:on|late on|early on|in)\s+[A-Z]?[\p{{L}}]+)?\s*(?:that\s*)?[:,]?\s*|according\s+to\s+(?P<who3>{ROLE}|{NAME})\s*,?\s*)$"
        )
    })?;
    let c = r.captures(text)?;
    let who = c.name("who").or(c.name("who3"))?.as_str();
    let cue = c.name("cue").map_or("according to", |m| m.as_str());
    Some(Attribution {
        as_written: trim_name(who),
        cue: cue.to_lowercase(),
    })
}

/// The speaker of a partial quote whose sentence names one before it: "US officials called
/// it a “defensive action”", "Zarif denounced the strikes as “an act of aggression”".
pub fn partial(lead: &str) -> Option<Attribution> {
    static P: OnceLock<Option<Regex>> = OnceLock::new();
    let r = re(&P, || {
        format!(
            r"(?:(?i:according\s+to)\s+(?P<who2>{ROLE}|{NAME}),|(?P<who>{ROLE}|{NAME}|{PRONOUN}),?\s+(?:(?:has|have|had|also)\s+)?(?P<cue>called|calls|described|describes|denounced|denounces|branded|brands|termed|labelled|labeled|{CUES}))\b[^.!?“”\x22]*$"
        )
    })?;
    let c = r.captures(lead)?;
    if let Some(w) = c.name("who2") {
        return Some(Attribution {
            as_written: trim_name(w.as_str()),
            cue: "according to".into(),
        });
    }
    Some(Attribution {
        as_written: trim_name(c.name("who")?.as_str()),
        cue: c.name("cue")?.as_str().to_lowercase(),
    })
}

/// A lead-in ending in a colon, whatever the listener: "X told lawmakers:", "X was quoted by
/// the Global Times as saying:", "She told colleagues:".
pub fn colon_lead(lead: &str) -> Option<Attribution> {
    static C: OnceLock<Option<Regex>> = OnceLock::new();
    let r = re(&C, || {
        format!(
            r"(?P<who>{ROLE}|{NAME}|{PRONOUN})(?:,[^,.“”\x22]{{1,80}},)?\s+(?:(?:also|later|then)\s+)?(?P<cue>{CUES}|was\s+quoted\s+by\s+[^:“”\x22]{{1,60}}?\s+as\s+saying)\b[^“”\x22«»„.]{{0,80}}:\s*$"
        )
    })?;
    let c = r.captures(lead)?;
    let cue = c.name("cue")?.as_str().to_lowercase();
    let cue = if cue.starts_with("was quoted") {
        "was quoted as saying".to_string()
    } else {
        cue
    };
    Some(Attribution {
        as_written: trim_name(c.name("who")?.as_str()),
        cue,
    })
}

/// "the official" whose role a text introduced before: the last "a senior U.S. defense
/// official" (or similar) in `before` with the same noun.
pub fn earlier_role_in(as_written: &str, before: &str) -> Option<String> {
    static R: OnceLock<Option<Regex>> = OnceLock::new();
    let noun = as_written
        .to_lowercase()
        .strip_prefix("the ")?
        .split_whitespace()
        .last()?
        .to_string();
    let r = re(&R, || ROLE.to_string())?;
    r.find_iter(before)
        .map(|m| m.as_str().trim().to_string())
        .filter(|m| {
            let l = m.to_lowercase();
            !l.starts_with("the ") && l.split_whitespace().last() == Some(noun.as_str())
        })
        .last()
}

fn trim_name(s: &str) -> String {
    s.trim().trim_end_matches([',', '.']).to_string()
}

/// The people a text names, as full names, in order of first mention: runs of two to four
/// capitalised words, with leading titles and sentence openers dropped ("Secretary of State
/// Mike Pompeo" gives "Mike Pompeo"), and runs naming places or organisations left out.
pub fn people(text: &str) -> Vec<(usize, String)> {
    static P: OnceLock<Option<Regex>> = OnceLock::new();
    let Some(r) = re(&P, || {
        r"\b[A-Z][\p{L}’'.-]+(?:\s+(?:al-|bin\s+|el-)?[A-Z][\p{L}’'-]+){1,5}\b".to_string()
    }) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for m in r.find_iter(text) {
        let tokens: Vec<&str> = m.as_str().split_whitespace().collect();
        let skip = tokens
            .iter()
            .take_while(|t| is_title(t) || ORG_WORDS.contains(t))
            .count();
        let rest = &tokens[skip..];
        if rest.len() < 2 || rest.iter().any(|t| ORG_WORDS.contains(t)) {
            continue;
        }
        let offset = m.start() + m.as_str().find(rest[0]).unwrap_or(0);
        out.push((offset, rest.join(" ")));
    }
    out
}

/// Whether a token before a name is a title, a nationality, a possessive ("Iran’s") or the
/// end of the sentence before ("Twitter.").
fn is_title(t: &str) -> bool {
    let bare = t.trim_end_matches('.');
    LEADING.contains(&t)
        || LEADING.contains(&bare)
        || t.ends_with("’s")
        || t.ends_with("'s")
        || (t.ends_with('.') && bare.chars().count() > 3)
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
    "Prince",
    "Crown",
    "Emir",
    "Imam",
    "Sayyed",
    "Hojatoleslam",
    "Brigadier",
    "Admiral",
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
];

/// The canonical form of a speaker as written: a pronoun or surname becomes the full name of
/// the nearest fitting person mentioned before `at`; a role phrase stays as written.
pub fn canonical(as_written: &str, at: usize, people: &[(usize, String)]) -> Option<String> {
    let w = as_written.trim();
    if w.is_empty() {
        return None;
    }
    let lower = w.to_lowercase();
    let before: Vec<&String> = people
        .iter()
        .filter(|(p, _)| *p < at)
        .map(|(_, n)| n)
        .collect();
    if matches!(lower.as_str(), "he" | "she" | "they") {
        return before.last().map(|s| s.to_string());
    }
    if !w.starts_with(|c: char| c.is_uppercase())
        || w.split_whitespace().count() > 1 && !is_name_like(w)
    {
        // "EU foreign policy chief Josep Borrell": the name at the end, when there is one.
        let tokens: Vec<&str> = w.split_whitespace().collect();
        let tail = tokens
            .iter()
            .rev()
            .take_while(|t| t.starts_with(char::is_uppercase) && !is_title(t))
            .count();
        if tail >= 2
            && tail < tokens.len()
            && !tokens[tokens.len() - tail..]
                .iter()
                .any(|t| ORG_WORDS.contains(t))
        {
            return canonical(&tokens[tokens.len() - tail..].join(" "), at, people);
        }
        return Some(w.to_string());
    }
    if w.split_whitespace().count() > 1 {
        // Part of a name written in full before: "Abdul Mahdi" → "Adel Abdul Mahdi".
        if let Some(full) = people
            .iter()
            .map(|(_, n)| n)
            .find(|n| n.len() > w.len() && n.ends_with(&format!(" {w}")))
        {
            return Some(full.clone());
        }
    }
    if w.split_whitespace().count() == 1 {
        // A surname (or given name): the full name first written with it.
        if let Some(full) = people.iter().map(|(_, n)| n).find(|n| {
            n.split_whitespace()
                .any(|part| part == w || part.ends_with(&format!("-{w}")))
        }) {
            return Some(full.clone());
        }
    }
    // A name written with its titles: "Caretaker Prime Minister Adel Abdul Mahdi".
    let tokens: Vec<&str> = w.split_whitespace().collect();
    let skip = tokens.iter().take_while(|t| is_title(t)).count();
    if skip > 0 && tokens.len() - skip >= 2 {
        return Some(tokens[skip..].join(" "));
    }
    Some(w.to_string())
}

fn is_name_like(s: &str) -> bool {
    s.split_whitespace()
        .all(|p| p.starts_with(|c: char| c.is_uppercase()) || matches!(p, "al-" | "bin" | "de"))
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
            canonical("Caretaker Prime Minister Adel Abdul Mahdi", 0, &[]).as_deref(),
            Some("Adel Abdul Mahdi")
        );
    }
}
