//! Builds `data/cues.tsv` (the cue lexicon) and `data/gender.tsv` (first names with the gender
//! their pronouns show) from the PolNeAR train split (issue 11): `cargo bench --bench
//! build_lexicon`. Reads `../shared/corpora/polnear/train/` beside the repository (or
//! `QW_POLNEAR_DIR`), never dev or test; one annotation file per text (the first in sorted
//! order, as `benches/polnear.rs` scores). Output is sorted and depends on the corpus only (and
//! the date in the header). Without the corpus it says so and exits 0.
//!
//! Cues: every Cue span, lower-cased, punctuation stripped, auxiliaries and adverbs before it
//! ("has said", "also told") and time words, objects and "that" after it ("said Tuesday",
//! "told him") dropped; a span with a quote mark or a negation in it is no cue. A one-word cue
//! is grouped with the other forms of its verb (`lexicon::lemma_candidates`, the lemma whose
//! forms the train text has most of); a verb is kept when its forms are Cue spans at least
//! `MIN_COUNT` times, at least `MIN_SPEECH_SHARE` of them report speech (the Content is a
//! quotation, comes before the cue, or is a that-clause or follows a colon), and it is a verb
//! (an irregular one, or its -ed or -ing form is in the text). All its forms go in
//! (`lexicon::inflections`), but a form the train text has `MIN_TEXT` times or more and that is
//! a cue in fewer than `MIN_CUE_RATIO` of them ("states", "note") is left out. Phrases (several
//! words) are kept on the same three figures, with the first word inflected when it is a verb.
//! The cues `speaker.rs` listed by hand and issue 11's list (`SEEDS`) are kept whatever their
//! figures.
//!
//! Genders: a first name gets a vote from every pronoun Source ("he", "she") whose nearest
//! earlier non-pronoun Source names a person, and from every "Mr."/"Ms."/"Mrs." before a
//! surname; the first name is the one written before that surname in the text ("Donald" for
//! "Trump"), and a surname with two first names in a text ("Bill" and "Hillary Clinton") gives
//! none. Each text gives its majority; a name is kept when `MIN_NAME_TEXTS` texts or more vote
//! for it and `MIN_NAME_SHARE` of them agree.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use quotewire::quotes::eval::{self, BratSpan};
use quotewire::quotes::lexicon;

/// Least number of Cue spans of a verb (all its forms) or a phrase.
const MIN_COUNT: u32 = 3;
/// Least share of a cue's spans whose Content is reported speech.
const MIN_SPEECH_SHARE: f64 = 0.4;
/// A form seen at least `MIN_TEXT` times in the train text must be a cue in at least
/// `MIN_CUE_RATIO` of them.
const MIN_TEXT: u32 = 5;
const MIN_CUE_RATIO: f64 = 0.2;
/// Least number of texts voting for a first name's gender, and the least share that agree.
const MIN_NAME_TEXTS: u32 = 2;
const MIN_NAME_SHARE: f64 = 0.8;

/// Kept whatever the train figures say: the cues `speaker.rs` listed by hand before the
/// lexicon, and the speech verbs issue 11 names as missing.
const SEEDS: &[&str] = &[
    // speaker.rs, before the lexicon
    "was quoted as saying",
    "were quoted as saying",
    "said in a statement",
    "told reporters",
    "according to",
    "said",
    "says",
    "told",
    "added",
    "adds",
    "stated",
    "declared",
    "warned",
    "wrote",
    "tweeted",
    "asked",
    "explained",
    "insisted",
    "noted",
    "argued",
    "continued",
    "replied",
    "announced",
    "stressed",
    "urged",
    "vowed",
    "claimed",
    "acknowledged",
    "conceded",
    "complained",
    "recalled",
    "predicted",
    "cautioned",
    "concluded",
    "remarked",
    // issue 11
    "responded",
    "saying",
    "telling",
    "writes",
    "recalls",
    "asks",
    "advises",
    "suggests",
    "reiterated",
    "exclaimed",
    "shouted",
    "chimed in",
    "went on to say",
    "emailed",
];

/// Words that are no cue alone: prepositions, pronouns, determiners, auxiliaries,
/// conjunctions.
const FUNCTION_WORDS: &[&str] = &[
    "a", "about", "after", "against", "all", "among", "an", "and", "are", "as", "at", "be", "been",
    "before", "being", "but", "by", "can", "could", "did", "do", "does", "for", "from", "had",
    "has", "have", "he", "her", "here", "him", "his", "i", "if", "in", "into", "is", "it", "its",
    "like", "may", "me", "might", "must", "my", "no", "not", "of", "on", "or", "our", "over",
    "per", "she", "should", "so", "than", "that", "the", "their", "them", "there", "these", "they",
    "this", "those", "through", "to", "under", "upon", "us", "via", "was", "we", "were", "what",
    "when", "where", "which", "while", "who", "will", "with", "would", "you", "your",
];

/// Dropped before a cue: "has said", "also told", "later wrote", "'s said".
const LEADING: &[&str] = &[
    "to",
    "also",
    "again",
    "already",
    "can",
    "could",
    "d",
    "did",
    "do",
    "does",
    "even",
    "first",
    "frequently",
    "had",
    "has",
    "have",
    "initially",
    "just",
    "later",
    "ll",
    "may",
    "might",
    "must",
    "now",
    "often",
    "once",
    "only",
    "previously",
    "privately",
    "publicly",
    "recently",
    "repeatedly",
    "reportedly",
    "s",
    "should",
    "simply",
    "since",
    "still",
    "then",
    "will",
    "would",
];

/// Dropped after a cue: "said Tuesday", "told him", "said that", "wrote recently".
const TRAILING: &[&str] = &[
    "again",
    "also",
    "earlier",
    "friday",
    "her",
    "him",
    "it",
    "later",
    "me",
    "monday",
    "now",
    "privately",
    "publicly",
    "recently",
    "repeatedly",
    "saturday",
    "sunday",
    "that",
    "them",
    "then",
    "thursday",
    "today",
    "tonight",
    "tuesday",
    "us",
    "wednesday",
    "yesterday",
    "you",
];

/// Dropped before a time word dropped: "said on Tuesday", "said late Monday".
const TIME_PREPOSITIONS: &[&str] = &["at", "early", "in", "last", "late", "on", "this"];

/// -ing words that are prepositions at the head of a phrase: not inflected.
const NOT_INFLECTED: &[&str] = &[
    "according",
    "based",
    "concerning",
    "following",
    "given",
    "including",
    "regarding",
];

/// The titles whose gender votes: "Mr. Trump", "Ms. Clinton".
const TITLES: &[&str] = &["Miss", "Mr", "Mrs", "Ms"];

/// Capitalised words that are titles or roles, not first names ("Sen. Ted Cruz").
const NOT_FIRST_NAMES: &[&str] = &[
    "Adm",
    "Ambassador",
    "Assemblyman",
    "Assemblywoman",
    "Attorney",
    "Capt",
    "Chairman",
    "Chairwoman",
    "Chief",
    "Col",
    "Commissioner",
    "Congressman",
    "Congresswoman",
    "Councilman",
    "Councilwoman",
    "Democrat",
    "Democratic",
    "Deputy",
    "Director",
    "Dr",
    "Former",
    "General",
    "Gen",
    "Gov",
    "Governor",
    "Judge",
    "Justice",
    "Lady",
    "Leader",
    "Lord",
    "Lt",
    "Madam",
    "Mayor",
    "Miss",
    "Mr",
    "Mrs",
    "Ms",
    "New",
    "North",
    "Pope",
    "President",
    "Prime",
    "Prof",
    "Professor",
    "Rep",
    "Republican",
    "Rev",
    "Sen",
    "Senator",
    "Sgt",
    "Sheriff",
    "Sir",
    "South",
    "Speaker",
    "United",
    "Vice",
    "West",
    "East",
    "White",
    "House",
    "Senate",
    "State",
];

/// Last words of a run of capitalised words that make it no person: "Syracuse University",
/// "Cook Political Report".
const ORGANISATIONS: &[&str] = &[
    "Administration",
    "Agency",
    "Airport",
    "Association",
    "Avenue",
    "Bank",
    "Board",
    "Bureau",
    "Campaign",
    "Center",
    "Centre",
    "Church",
    "City",
    "Club",
    "College",
    "Commission",
    "Committee",
    "Company",
    "Congress",
    "Corp",
    "Council",
    "County",
    "Court",
    "Department",
    "Foundation",
    "Group",
    "Herald",
    "Hospital",
    "Hotel",
    "House",
    "Inc",
    "Institute",
    "Journal",
    "Magazine",
    "Network",
    "News",
    "Party",
    "Post",
    "Press",
    "Project",
    "Report",
    "Review",
    "School",
    "Senate",
    "Service",
    "Society",
    "Square",
    "State",
    "Street",
    "Times",
    "Tower",
    "Tribune",
    "Union",
    "University",
];

/// Pronoun Sources that say a gender.
fn pronoun_gender(source: &str) -> Option<lexicon::Gender> {
    match source.trim().to_lowercase().as_str() {
        "he" | "him" | "his" | "himself" => Some(lexicon::Gender::Male),
        "she" | "her" | "hers" | "herself" => Some(lexicon::Gender::Female),
        _ => None,
    }
}

/// A word of a text: char offsets and the word as written (apostrophes as `'`).
struct Token {
    start: usize,
    end: usize,
    word: String,
}

/// The words of a text: runs of letters and digits, with apostrophes and hyphens inside.
fn tokens(chars: &[char]) -> Vec<Token> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_alphanumeric() {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len()
            && (chars[i].is_alphanumeric()
                || (matches!(chars[i], '\'' | '’' | '-')
                    && chars.get(i + 1).is_some_and(|c| c.is_alphanumeric())))
        {
            i += 1;
        }
        let word = chars[start..i]
            .iter()
            .map(|&c| if c == '’' { '\'' } else { c })
            .collect();
        out.push(Token {
            start,
            end: i,
            word,
        });
    }
    out
}

fn slice(chars: &[char], (a, b): (usize, usize)) -> String {
    let b = b.min(chars.len());
    chars[a.min(b)..b].iter().collect()
}

fn span_text(chars: &[char], s: &BratSpan) -> String {
    s.frags
        .iter()
        .map(|&f| slice(chars, f))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A Cue span's words as the lexicon has them, or `None` when it is no cue of its own (a quote
/// mark or a negation in it, nothing but function words).
fn normalise_cue(span: &str) -> Option<Vec<String>> {
    if span.contains(['“', '”', '"', '«', '»', '„']) {
        return None;
    }
    let mut words: Vec<String> = Vec::new();
    for raw in span.split_whitespace() {
        if raw.starts_with(['‘', '\'', '`']) {
            return None; // a single quote mark
        }
        let w = raw
            .to_lowercase()
            .replace('’', "'")
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_string();
        if w.is_empty() {
            continue; // punctuation
        }
        if !w
            .chars()
            .all(|c| c.is_alphabetic() || c == '\'' || c == '-')
        {
            return None;
        }
        if w == "not" || w == "never" || w.ends_with("n't") {
            return None;
        }
        words.push(w);
    }
    // "has said", "to tell", "is telling" (a form of "be" before an -ing form only: "was
    // asked" is another cue).
    while words.len() > 1
        && (LEADING.contains(&words[0].as_str())
            || (matches!(words[0].as_str(), "is" | "are" | "was" | "were" | "been")
                && words[1].ends_with("ing")))
    {
        words.remove(0);
    }
    // "said Tuesday", "told him", and the preposition of a time word: "said on Tuesday".
    let mut dropped = false;
    while words.len() > 1 {
        let last = words.last().map_or("", String::as_str);
        if TRAILING.contains(&last) {
            dropped = true;
        } else if !(dropped && TIME_PREPOSITIONS.contains(&last)) {
            break;
        }
        words.pop();
    }
    if words.iter().all(|w| FUNCTION_WORDS.contains(&w.as_str())) {
        return None;
    }
    Some(words)
}

/// Whether a Content span reports speech for the cue at `cue` (char offsets): it opens with a
/// quote mark, comes before the cue, or is a that-clause or follows a colon.
fn reports_speech(chars: &[char], cue: (usize, usize), content: &BratSpan) -> bool {
    let (c0, c1) = (content.frags[0].0, content.frags.last().map_or(0, |f| f.1));
    let head = slice(chars, (c0, c0 + 6)).to_lowercase();
    if eval::opening_mark(&head).is_some() || c1 <= cue.0 {
        return true;
    }
    let gap = slice(chars, (cue.1, c0)).to_lowercase();
    head.trim_start().starts_with("that ")
        || gap.contains(':')
        || gap.split(|c: char| !c.is_alphabetic()).any(|w| w == "that")
}

/// The figures of one cue: Cue spans, those reporting speech.
#[derive(Default, Clone, Copy)]
struct Figures {
    cues: u32,
    speech: u32,
}

struct Corpus {
    /// Per text: its chars and its annotation file.
    texts: Vec<(Vec<char>, String)>,
    repository: String,
    commit: String,
    annotation_files: usize,
}

fn read_corpus(root: &Path) -> Option<Corpus> {
    let dir = root.join("train");
    let entries = std::fs::read_dir(dir.join("attributions")).ok()?;
    let mut anns: Vec<String> = entries
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".ann"))
        .collect();
    anns.sort();
    let annotation_files = anns.len();
    let mut first: BTreeMap<String, String> = BTreeMap::new();
    for a in &anns {
        let stem = a.strip_suffix(".ann").unwrap_or(a);
        let name = stem.rsplit_once('_').map_or(stem, |(n, _)| n).to_string();
        first.entry(name).or_insert_with(|| a.clone());
    }
    let mut texts = Vec::new();
    for (name, ann_file) in &first {
        let (Ok(text), Ok(ann)) = (
            std::fs::read_to_string(dir.join("text").join(format!("{name}.txt"))),
            std::fs::read_to_string(dir.join("attributions").join(ann_file)),
        ) else {
            eprintln!("a text or annotation file of train does not read; skipped");
            continue;
        };
        texts.push((text.chars().collect(), ann));
    }
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap_or_default();
    let re = regex::Regex::new(r"repository\s+(\S+)\s+at\s+commit\s+([0-9a-f]{40})").ok()?;
    let (repository, commit) = re
        .captures(&readme)
        .map(|c| (c[1].to_string(), c[2].to_string()))
        .unwrap_or_else(|| ("networkdynamics/PolNeAR".into(), "(unknown)".into()));
    Some(Corpus {
        texts,
        repository,
        commit,
        annotation_files,
    })
}

/// Token counts of the train text: lower-cased words, and n-grams of the phrases asked for.
struct TextCounts {
    words: HashMap<String, u32>,
    /// Lower-cased word → how often it is written capitalised.
    capitalised: HashMap<String, u32>,
}

fn count_words(corpus: &Corpus) -> TextCounts {
    let mut words: HashMap<String, u32> = HashMap::new();
    let mut capitalised: HashMap<String, u32> = HashMap::new();
    for (chars, _) in &corpus.texts {
        for t in tokens(chars) {
            let lower = t.word.to_lowercase();
            if t.word.starts_with(char::is_uppercase) {
                *capitalised.entry(lower.clone()).or_default() += 1;
            }
            *words.entry(lower).or_default() += 1;
        }
    }
    TextCounts { words, capitalised }
}

/// How often each phrase (lower-cased words) is in the train text.
fn count_phrases(corpus: &Corpus, phrases: &HashSet<Vec<String>>) -> HashMap<Vec<String>, u32> {
    let longest = phrases.iter().map(Vec::len).max().unwrap_or(0);
    let mut out: HashMap<Vec<String>, u32> = HashMap::new();
    for (chars, _) in &corpus.texts {
        let words: Vec<String> = tokens(chars)
            .into_iter()
            .map(|t| t.word.to_lowercase())
            .collect();
        for i in 0..words.len() {
            for n in 2..=longest.min(words.len() - i) {
                let w = &words[i..i + n];
                if phrases.contains(w) {
                    *out.entry(w.to_vec()).or_default() += 1;
                }
            }
        }
    }
    out
}

/// The lemma of a form: of its candidates, the one with the most inflected forms in the text,
/// then one ending in "e" ("use", not "us"), then the most frequent.
fn lemma(form: &str, counts: &HashMap<String, u32>) -> String {
    let seen = |w: &String| counts.get(w).copied().unwrap_or(0);
    let candidates = lexicon::lemma_candidates(form);
    let plausible: Vec<String> = candidates
        .iter()
        .filter(|l| plausible_lemma(l))
        .cloned()
        .collect();
    let pool = if plausible.is_empty() {
        candidates
    } else {
        plausible
    };
    pool.into_iter()
        .max_by_key(|l| {
            let forms = lexicon::inflections(l);
            let attested = forms.iter().skip(1).filter(|f| seen(f) > 0).count();
            let base = seen(l) > 0;
            (attested, base, std::cmp::Reverse(l.len()), l.clone())
        })
        .unwrap_or_else(|| form.to_string())
}

/// Whether a lemma candidate can be an English verb's lemma. The regular rules make the same
/// forms of "publish" and "publishe", "clarify" and "clarifie", "spot" and "spott", "praise"
/// and "prais", "argue" and "argu": the second of each is none. (Of "complain" and
/// "complaine", the shorter wins in `lemma`.)
fn plausible_lemma(l: &str) -> bool {
    let b = l.as_bytes();
    let n = b.len();
    if n < 2 || FUNCTION_WORDS.contains(&l) || !l.bytes().all(|c| c.is_ascii_lowercase()) {
        return false;
    }
    let vowel = |c: u8| b"aeiou".contains(&c);
    let doubled = |x: &[u8]| {
        let m = x.len();
        m >= 2 && x[m - 1] == x[m - 2] && !vowel(x[m - 1])
    };
    if let Some(x) = l.strip_suffix('e') {
        let xb = x.as_bytes();
        let bad_ending = ["sh", "ch", "ss", "x", "i", "y", "w"]
            .iter()
            .any(|e| x.ends_with(e));
        return x.len() <= 2 || (!bad_ending && !doubled(xb));
    }
    let doubled_ok = ["ll", "ss", "ff", "zz", "dd", "rr"]
        .iter()
        .any(|e| l.ends_with(e));
    let needs_e = [
        "c", "v", "j", "u", "iz", "yz", "dg", "rg", "lg", "is", "es", "os", "eas", "aus", "ous",
    ]
    .iter()
    .any(|e| l.ends_with(e));
    (!doubled(b) || doubled_ok) && !needs_e
}

/// Whether a lemma is a verb: irregular, or its -ed or -ing form is in the text.
fn is_verb(lemma: &str, counts: &HashMap<String, u32>) -> bool {
    lexicon::is_irregular(lemma)
        || lexicon::inflections(lemma)
            .iter()
            .skip(2)
            .any(|f| counts.get(f).copied().unwrap_or(0) > 0)
}

struct Row {
    cue: String,
    count: u32,
    kind: &'static str,
    origin: &'static str,
}

fn build_cues(corpus: &Corpus, text: &TextCounts) -> (Vec<Row>, String) {
    // Every Cue span, normalised.
    let mut figures: HashMap<Vec<String>, Figures> = HashMap::new();
    let mut spans_read = 0;
    for (chars, ann) in &corpus.texts {
        let (spans, events) = eval::read_brat(ann);
        let by_id: HashMap<&str, &BratSpan> =
            spans.iter().map(|(id, s)| (id.as_str(), s)).collect();
        let mut speech: HashMap<&str, bool> = HashMap::new();
        for e in &events {
            let role = |r: &str| e.roles.iter().find(|(n, _)| n == r).map(|(_, id)| id);
            let Some(cue_id) = role("Cue") else { continue };
            let Some(cue) = by_id.get(cue_id.as_str()) else {
                continue;
            };
            let bounds = (cue.frags[0].0, cue.frags.last().map_or(0, |f| f.1));
            let says = role("Content")
                .and_then(|id| by_id.get(id.as_str()))
                .is_some_and(|c| reports_speech(chars, bounds, c));
            *speech.entry(cue_id.as_str()).or_default() |= says;
        }
        for (id, says) in speech {
            let Some(cue) = by_id.get(id) else { continue };
            spans_read += 1;
            let Some(words) = normalise_cue(&span_text(chars, cue)) else {
                continue;
            };
            let f = figures.entry(words).or_default();
            f.cues += 1;
            f.speech += u32::from(says);
        }
    }
    let seen = |w: &str| text.words.get(w).copied().unwrap_or(0);
    let cue_figures = |w: &[String]| figures.get(w).copied().unwrap_or_default();
    let seed_set: HashSet<&str> = SEEDS.iter().copied().collect();
    let share = |f: Figures| f64::from(f.speech) / f64::from(f.cues.max(1));
    let often_not_a_cue = |cues: u32, in_text: u32| {
        in_text >= MIN_TEXT && f64::from(cues) < MIN_CUE_RATIO * f64::from(in_text)
    };

    // Verbs: the one-word cues by lemma.
    let mut by_lemma: BTreeMap<String, Figures> = BTreeMap::new();
    for (words, f) in &figures {
        if let [w] = words.as_slice() {
            let l = lemma(w, &text.words);
            let e = by_lemma.entry(l).or_default();
            e.cues += f.cues;
            e.speech += f.speech;
        }
    }
    let mut lemmas: BTreeSet<String> = by_lemma
        .iter()
        .filter(|(l, f)| {
            f.cues >= MIN_COUNT
                && share(**f) >= MIN_SPEECH_SHARE
                && !FUNCTION_WORDS.contains(&l.as_str())
                && is_verb(l, &text.words)
        })
        .map(|(l, _)| l.clone())
        .collect();
    for s in SEEDS.iter().filter(|s| !s.contains(' ')) {
        lemmas.insert(lemma(s, &text.words));
    }
    let mut rows: BTreeMap<String, Row> = BTreeMap::new();
    for l in &lemmas {
        for form in lexicon::inflections(l) {
            let count = cue_figures(std::slice::from_ref(&form)).cues;
            let seed = seed_set.contains(form.as_str());
            if FUNCTION_WORDS.contains(&form.as_str())
                || (!seed && often_not_a_cue(count, seen(&form)))
            {
                continue;
            }
            let origin = match (count, seed) {
                (0, true) => "seed",
                (0, false) => "inflection",
                _ => "train",
            };
            rows.entry(form.clone()).or_insert(Row {
                cue: form,
                count,
                kind: "verb",
                origin,
            });
        }
    }

    // Phrases, and their first word inflected.
    let mut phrases: BTreeSet<Vec<String>> = figures
        .iter()
        .filter(|(w, f)| {
            w.len() > 1
                && f.cues >= MIN_COUNT
                && share(**f) >= MIN_SPEECH_SHARE
                && !FUNCTION_WORDS.contains(&w[0].as_str())
        })
        .map(|(w, _)| w.clone())
        .collect();
    let seed_phrases: Vec<Vec<String>> = SEEDS
        .iter()
        .filter(|s| s.contains(' '))
        .map(|s| s.split(' ').map(str::to_string).collect())
        .collect();
    phrases.extend(seed_phrases.iter().cloned());
    let mut variants: BTreeSet<Vec<String>> = BTreeSet::new();
    for p in &phrases {
        variants.insert(p.clone());
        let head = &p[0];
        if NOT_INFLECTED.contains(&head.as_str()) || FUNCTION_WORDS.contains(&head.as_str()) {
            continue;
        }
        let l = lemma(head, &text.words);
        if !plausible_lemma(&l) || !is_verb(&l, &text.words) {
            continue;
        }
        for form in lexicon::inflections(&l) {
            let mut v = p.clone();
            v[0] = form;
            variants.insert(v);
        }
    }
    let in_text = count_phrases(corpus, &variants.iter().cloned().collect());
    for v in &variants {
        let count = cue_figures(v).cues;
        let seed = seed_phrases.contains(v);
        let n = in_text.get(v).copied().unwrap_or(0);
        if !seed && often_not_a_cue(count, n) {
            continue;
        }
        let cue = v.join(" ");
        let origin = match (count, seed) {
            (0, true) => "seed",
            (0, false) => "inflection",
            _ => "train",
        };
        rows.entry(cue.clone()).or_insert(Row {
            cue,
            count,
            kind: "phrase",
            origin,
        });
    }
    let mut rows: Vec<Row> = rows.into_values().collect();
    rows.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.cue.cmp(&b.cue)));
    let summary = format!(
        "{spans_read} Cue spans read, {} distinct after normalisation; {} verbs kept \
         ({} lemmas), {} phrases",
        figures.len(),
        rows.iter().filter(|r| r.kind == "verb").count(),
        lemmas.len(),
        rows.iter().filter(|r| r.kind == "phrase").count(),
    );
    (rows, summary)
}

/// Whether a word written in a text is a first name candidate: capitalised, letters only, not
/// a title, and written lower-case in at most a tenth of its uses in train ("Will", "When" and
/// "House" are not).
fn name_like(word: &str, text: &TextCounts) -> bool {
    let mut c = word.chars();
    let lower = word.to_lowercase();
    c.next().is_some_and(char::is_uppercase)
        && word.chars().count() >= 2
        && c.all(|c| c.is_lowercase() || c == '-')
        && !NOT_FIRST_NAMES.contains(&word)
        && {
            let all = text.words.get(&lower).copied().unwrap_or(0);
            let cap = text.capitalised.get(&lower).copied().unwrap_or(0);
            (all - cap.min(all)) * 10 <= all
        }
}

/// A surname as written in a Source or after a title: a trailing "'s" dropped.
fn surname(word: &str) -> &str {
    word.strip_suffix("'s").unwrap_or(word)
}

/// Whether two words of a text have only spaces between them.
fn adjacent(chars: &[char], a: &Token, b: &Token) -> bool {
    b.start > a.end && chars[a.end..b.start].iter().all(|&c| c == ' ')
}

fn capitalised(t: &Token) -> bool {
    t.word.starts_with(char::is_uppercase)
}

/// The first name of the run of adjacent capitalised words that ends at `toks[end]`, when it
/// is a person's full name: titles and roles before it skipped ("President Barack Obama",
/// "Hillary Rodham Clinton" → "Barack", "Hillary"), and no first name when the run has one
/// word left or is an organisation ("the Washington Post", "The New York Times").
fn run_first_name<'t>(
    chars: &[char],
    toks: &'t [Token],
    end: usize,
    text: &TextCounts,
) -> Option<&'t str> {
    let mut start = end;
    while start > 0
        && capitalised(&toks[start - 1])
        && adjacent(chars, &toks[start - 1], &toks[start])
    {
        start -= 1;
    }
    let before = start.checked_sub(1).map(|b| &toks[b]);
    if before.is_some_and(|b| b.word == "the" && adjacent(chars, b, &toks[start])) {
        return None;
    }
    if ORGANISATIONS.contains(&surname(&toks[end].word)) {
        return None;
    }
    // After the last title or role of the run: "House Speaker Paul Ryan" → "Paul".
    let first = (start..end)
        .rev()
        .find(|&i| NOT_FIRST_NAMES.contains(&toks[i].word.as_str()))
        .map_or(start, |t| t + 1);
    (first < end && name_like(&toks[first].word, text)).then_some(toks[first].word.as_str())
}

/// Whether `toks[i]` ends a run of adjacent capitalised words.
fn ends_run(chars: &[char], toks: &[Token], i: usize) -> bool {
    capitalised(&toks[i])
        && toks
            .get(i + 1)
            .is_none_or(|n| !capitalised(n) || !adjacent(chars, &toks[i], n))
}

fn build_genders(corpus: &Corpus, text: &TextCounts) -> (Vec<(String, char, u32)>, String) {
    // Per first name: texts whose majority says male, female.
    let mut texts_for: BTreeMap<String, (u32, u32)> = BTreeMap::new();
    let (mut from_pronouns, mut from_titles) = (0, 0);
    for (chars, ann) in &corpus.texts {
        let toks = tokens(chars);
        // Surname → the first names written before it in this text.
        let mut first_names: HashMap<&str, BTreeSet<&str>> = HashMap::new();
        let titled_run = |i: usize| {
            // The run ending at `i` follows "Mr." or "Ms.": a surname, not a full name.
            let mut s = i;
            while s > 0 && capitalised(&toks[s - 1]) && adjacent(chars, &toks[s - 1], &toks[s]) {
                s -= 1;
            }
            s > 0 && TITLES.contains(&toks[s - 1].word.as_str())
        };
        for i in 0..toks.len() {
            if ends_run(chars, &toks, i) && !titled_run(i) {
                if let Some(f) = run_first_name(chars, &toks, i, text) {
                    first_names
                        .entry(surname(&toks[i].word))
                        .or_default()
                        .insert(f);
                }
            }
        }
        let only_first_name = |s: &str| {
            first_names
                .get(s)
                .filter(|f| f.len() == 1)
                .and_then(|f| f.first().copied())
        };
        let mut votes: BTreeMap<String, (u32, u32)> = BTreeMap::new();
        let mut vote = |name: &str, g: lexicon::Gender, counter: &mut u32| {
            let v = votes.entry(name.to_string()).or_default();
            match g {
                lexicon::Gender::Male => v.0 += 1,
                lexicon::Gender::Female => v.1 += 1,
            }
            *counter += 1;
        };
        // Titles: "Mr. Trump", "Ms. Wasserman Schultz": the first name written before the
        // surname elsewhere in the text.
        for (i, t) in toks.iter().enumerate() {
            if !TITLES.contains(&t.word.as_str()) {
                continue;
            }
            let Some(g) = lexicon::gender_of_title(&t.word) else {
                continue;
            };
            let titled = toks.get(i + 1).is_some_and(|n| {
                capitalised(n) && chars[t.end..n.start].iter().all(|&c| c == '.' || c == ' ')
            });
            if !titled {
                continue;
            }
            let end = (i + 1..toks.len())
                .find(|&e| ends_run(chars, &toks, e))
                .unwrap_or(i + 1);
            if let Some(first) = only_first_name(surname(&toks[end].word)) {
                vote(first, g, &mut from_titles);
            }
        }
        // Pronoun Sources: the first name of the nearest earlier non-pronoun Source, when
        // the nearest earlier person the text names before the pronoun has it too ("Tapper
        // asked Clinton ... she said" gives no vote).
        let mentions: Vec<(usize, &str)> = (0..toks.len())
            .filter(|&i| ends_run(chars, &toks, i))
            .filter_map(|i| {
                let first = only_first_name(surname(&toks[i].word))?;
                Some((toks[i].start, first))
            })
            .collect();
        let (spans, _) = eval::read_brat(ann);
        let mut sources: Vec<(usize, String)> = spans
            .iter()
            .filter(|(_, s)| s.label == "Source")
            .map(|(_, s)| (s.frags[0].0, span_text(chars, s)))
            .collect();
        sources.sort();
        for (i, (at, s)) in sources.iter().enumerate() {
            let Some(g) = pronoun_gender(s) else { continue };
            let Some((_, referent)) = sources[..i]
                .iter()
                .rev()
                .find(|(_, t)| !eval::is_pronoun(t))
            else {
                continue;
            };
            let rchars: Vec<char> = referent.chars().collect();
            let rt = tokens(&rchars);
            if rt
                .iter()
                .any(|t| lexicon::gender_of_title(&t.word).is_some())
            {
                continue; // counted with the titles
            }
            let Some(last) = rt.iter().rposition(capitalised) else {
                continue;
            };
            let first = if last > 0 && !ends_run(&rchars, &rt, last - 1) {
                run_first_name(&rchars, &rt, last, text)
            } else {
                only_first_name(surname(&rt[last].word))
            };
            let nearest = mentions
                .partition_point(|(m, _)| m < at)
                .checked_sub(1)
                .map(|m| mentions[m].1);
            if let Some(first) = first.filter(|f| nearest == Some(*f)) {
                vote(first, g, &mut from_pronouns);
            }
        }
        for (name, (m, f)) in votes {
            let e = texts_for.entry(name).or_default();
            if m > f {
                e.0 += 1;
            } else if f > m {
                e.1 += 1;
            }
        }
    }
    let mut rows: Vec<(String, char, u32)> = texts_for
        .iter()
        .filter_map(|(name, &(m, f))| {
            let (g, n) = if m >= f { ('m', m) } else { ('f', f) };
            let agree = f64::from(n) / f64::from((m + f).max(1));
            (n >= MIN_NAME_TEXTS && agree >= MIN_NAME_SHARE).then(|| (name.clone(), g, n))
        })
        .collect();
    rows.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
    let summary = format!(
        "{from_pronouns} votes from pronoun Sources, {from_titles} from titles; {} first names \
         voted for, {} kept ({} m, {} f)",
        texts_for.len(),
        rows.len(),
        rows.iter().filter(|r| r.1 == 'm').count(),
        rows.iter().filter(|r| r.1 == 'f').count(),
    );
    (rows, summary)
}

fn header(what: &str, corpus: &Corpus, lines: &[String]) -> String {
    let date = chrono::Utc::now().format("%Y-%m-%d");
    let mut h = String::new();
    let _ = writeln!(h, "# quotewire {what}");
    let _ = writeln!(
        h,
        "# Built by `cargo bench --bench build_lexicon` (benches/build_lexicon.rs) on {date} from"
    );
    let _ = writeln!(
        h,
        "# the PolNeAR train split only ({} texts, the first of the {} annotation files of each),",
        corpus.texts.len(),
        corpus.annotation_files
    );
    let _ = writeln!(h, "# {} at commit {}", corpus.repository, corpus.commit);
    let _ = writeln!(
        h,
        "# (Newell, Margolin and Ruths, \"An Attribution Relations Corpus for Political News\", LREC 2018)."
    );
    let _ = writeln!(
        h,
        "# Caveat: PolNeAR is derived from copyrighted news and its repository states no data licence."
    );
    let _ = writeln!(
        h,
        "# This file holds only words and counts derived from it, no text, annotation or file name."
    );
    for l in lines {
        let _ = writeln!(h, "# {l}");
    }
    h
}

fn main() {
    let root = std::env::var("QW_POLNEAR_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora/polnear")
        });
    let Some(corpus) = read_corpus(&root).filter(|c| !c.texts.is_empty()) else {
        println!(
            "PolNeAR train not found at {}: data/cues.tsv and data/gender.tsv left as they are \
             (the corpus is not in the repository)",
            root.join("train").display()
        );
        return;
    };
    let started = std::time::Instant::now();
    let text = count_words(&corpus);
    let (cues, cue_summary) = build_cues(&corpus, &text);
    let (genders, gender_summary) = build_genders(&corpus, &text);

    let data = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data");
    if let Err(e) = std::fs::create_dir_all(&data) {
        eprintln!("cannot create {}: {e}", data.display());
        std::process::exit(1);
    }
    let mut out = header(
        "cue lexicon: the verbs and phrases of saying that src/quotes/speaker.rs looks for.",
        &corpus,
        &[
            format!("{cue_summary}."),
            "A Cue span is lower-cased, stripped of punctuation, of auxiliaries and adverbs before it".into(),
            "and of time words, object pronouns and \"that\" after it; one with a quote mark or a negation is none.".into(),
            format!(
                "Kept: a verb whose forms are Cue spans >= {MIN_COUNT} times, >= {MIN_SPEECH_SHARE} of them reporting speech"
            ),
            "(Content quoted, before the cue, a that-clause or after a colon), with all its inflections;".into(),
            format!(
                "a phrase on the same figures. A form seen >= {MIN_TEXT} times in the train text and a cue in < {MIN_CUE_RATIO}"
            ),
            "of them is left out. The cues speaker.rs listed by hand before the lexicon and those issue 11".into(),
            "names (SEEDS in the builder) are kept whatever their figures.".into(),
            "Columns: cue (lower case), count (Cue spans of train that are this cue; 0 = not seen as one),".into(),
            "kind (verb: one word; phrase: several), origin (train: seen as a cue; inflection: generated".into(),
            "from its lemma; seed: listed by hand).".into(),
        ],
    );
    for r in &cues {
        let _ = writeln!(out, "{}\t{}\t{}\t{}", r.cue, r.count, r.kind, r.origin);
    }
    let mut gout = header(
        "first-name gender table: which pronoun (he/she) a first name takes, for pronoun resolution.",
        &corpus,
        &[
            format!("{gender_summary}."),
            "Votes: a pronoun Source (he/him/his, she/her) for the first name of its nearest earlier non-pronoun".into(),
            "Source when the nearest person named before the pronoun has it too; a Mr/Ms/Mrs/Miss title".into(),
            "for the first name written before its surname in the same text".into(),
            "(no vote when a text has two first names for the surname). Each text gives its majority;".into(),
            format!(
                "kept: >= {MIN_NAME_TEXTS} texts and >= {MIN_NAME_SHARE} of them agreeing. A guess about usage, not about anyone."
            ),
            "Columns: name (as written), gender (m|f), count (texts that say so).".into(),
        ],
    );
    for (name, g, n) in &genders {
        let _ = writeln!(gout, "{name}\t{g}\t{n}");
    }
    for (file, body) in [("cues.tsv", &out), ("gender.tsv", &gout)] {
        let path = data.join(file);
        if let Err(e) = std::fs::write(&path, body) {
            eprintln!("cannot write {}: {e}", path.display());
            std::process::exit(1);
        }
    }
    println!("data/cues.tsv: {} cues ({cue_summary})", cues.len());
    println!(
        "data/gender.tsv: {} names ({gender_summary})",
        genders.len()
    );
    println!("built in {:.2} s", started.elapsed().as_secs_f64());
}
