//! Verifying a post: every passage traced to the stored story it came from, with how closely it
//! follows the source (`find`), whether the post names the right outlet, files it under the
//! right day and names the right speaker (`checks`).
//!
//! Reading the post is `post`'s; finding text in the store is `search`'s. This module joins
//! them and says what holds. It reads the store and writes nothing.
//!
//! A post is untrusted, so the work is bounded by its size: at most
//! `limits::MAX_POST_PASSAGES` passages are checked (the report's `limits` says so, with the
//! words limit the post reader applied), a passage asked again is answered from the run's
//! cache, the stories short passages are also tried against are a bounded few, and every
//! alignment is linear in its passage (`find`).

pub mod checks;
pub mod credit;
pub mod find;
pub mod sides;
pub mod years;

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::config::Config;
use crate::post::{Limit, Marked, Passage, Post, SpeakerFrom};
use crate::store::{Store, StoreError};
use crate::story::Story;
use checks::{Attribution, DateFinding};
use find::{Cache, Difference, Status};

/// A source story as the report shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Source {
    pub story_id: String,
    pub url: Option<String>,
    pub outlet: String,
    pub title: Option<String>,
    pub published: DateTime<Utc>,
}

impl From<&Story> for Source {
    fn from(s: &Story) -> Source {
        Source {
            story_id: s.id.clone(),
            url: s.url.clone(),
            outlet: s.outlet.clone(),
            title: s.title.clone(),
            published: s.published,
        }
    }
}

/// A speaker the post names who is not the stored quotation's.
#[derive(Debug, Clone, Serialize)]
pub struct SpeakerFinding {
    pub claimed: String,
    pub stored: String,
    pub quote_id: String,
}

/// One thing wrong with a passage (or a warning about it): a stable `code` a script can match
/// and a message a person reads.
///
/// Codes: `not_found`, `minor` (the same words but for marks, case or a typo), `altered`,
/// `copied_unmarked`, `wrong_outlet`, `missing_attribution`, `dangling`, `wrong_link`,
/// `wrong_speaker`, `date_after_day`; warnings: `date_gap`, `outlet_choice`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub code: &'static str,
    pub message: String,
}

impl Problem {
    pub fn new(code: &'static str, message: impl Into<String>) -> Problem {
        Problem {
            code,
            message: message.into(),
        }
    }
}

/// What verify found for one passage.
#[derive(Debug, Clone, Serialize)]
pub struct PassageReport {
    pub text: String,
    /// 1-based line in the post.
    pub line: usize,
    /// `block`, `inline` or `unmarked`.
    pub marked: &'static str,
    pub day: Option<NaiveDate>,
    pub heading: Option<String>,
    pub status: Status,
    pub source: Option<Source>,
    /// Where the passage sits in the source's text, in chars.
    pub span: Option<(usize, usize)>,
    /// The source's words over that span, as the source has them: what the differences'
    /// `source_at` ranges point into (their `post_at` ranges point into `text`).
    pub source_text: Option<String>,
    /// The source's syndication group, original first (empty when it has no copies).
    pub copies: Vec<Source>,
    /// The outlet the post names, as written, and its id in feeds.toml.
    pub claimed_outlet: Option<String>,
    pub claimed_outlet_id: Option<String>,
    /// The link the post gives for the passage.
    pub link: Option<String>,
    pub attribution: Attribution,
    pub differences: Vec<Difference>,
    pub date: Option<DateFinding>,
    pub speaker: Option<SpeakerFinding>,
    /// Stored quotations the passage covers.
    pub quotes: Vec<String>,
    /// What is wrong, one each; empty when the passage verifies. Any problem makes `verify`
    /// exit 1.
    pub problems: Vec<Problem>,
    /// What the editor may want to look at but is not wrong: kept apart from `problems`, and
    /// no reason to exit 1.
    pub warnings: Vec<Problem>,
}

impl PassageReport {
    /// An unmarked paragraph not found in any source: the author's own words, nothing to check.
    pub fn is_own_words(&self) -> bool {
        self.marked == "unmarked" && self.source.is_none()
    }
}

/// A verified post.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub title: Option<String>,
    pub date: Option<NaiveDate>,
    /// The post gives no year and none could be inferred from the sources: the day headings'
    /// years were guessed (the most recent such range, or the nearest such day, not after
    /// today). `--date` or front matter fixes it.
    pub year_guessed: bool,
    /// Where the day headings' years come from: `post` (front matter, metadata, `--date` or a
    /// year in the title), `sources` (the post gives none: the year that puts the matched
    /// sources nearest their days), `guessed` (neither).
    pub year_from: &'static str,
    pub passages: Vec<PassageReport>,
    /// The limits that applied: `words` (the post reader read only the first
    /// `limits::MAX_POST_WORDS` words) and `passages` (only the first
    /// `limits::MAX_POST_PASSAGES` passages were checked). The post was then not fully
    /// checked, which counts as a problem.
    pub limits: Vec<Limit>,
}

impl Report {
    /// Problems found, each limit that applied counted as one (the post was not fully checked).
    pub fn problems(&self) -> usize {
        self.passages
            .iter()
            .map(|p| p.problems.len())
            .sum::<usize>()
            + self.limits.len()
    }
}

/// Unmarked paragraphs need more evidence than quotations before they count as copied.
const UNMARKED_MIN_WORDS: usize = 8;
/// How many of the stories found so far a short passage is also tried against (the latest
/// found).
const FOUND_HINTS: usize = 32;

/// Verifies the passages of `post` against the store: the first `limits::MAX_POST_PASSAGES`.
pub fn verify(store: &Store, config: &Config, post: &Post) -> Result<Report, StoreError> {
    crate::search::index::catch_up(store)?;
    let mut cache = Cache::new(store.passages()?);
    let mut limits = post.limits.clone();
    let max = crate::limits::MAX_POST_PASSAGES;
    let hashes: Vec<u64> = post
        .passages
        .iter()
        .take(max)
        .flat_map(|p| crate::search::index::query(&find::prepare(&p.text).words))
        .collect();
    cache.prefetch(&hashes)?;
    if post.passages.len() > max {
        limits.push(Limit {
            limit: "passages",
            max,
            found: post.passages.len(),
        });
    }
    // Stories found so far (the latest `FOUND_HINTS`): short passages, which the index may
    // miss, are tried against them.
    let mut found_ids: Vec<String> = Vec::new();
    let mut near: HashMap<(String, NaiveDate), Vec<String>> = HashMap::new();
    let mut shown = Shown::default();
    let credits = credit::Credits::new(config);
    let checked = &post.passages[..post.passages.len().min(max)];
    let mut found = Vec::with_capacity(checked.len());
    for p in checked {
        // The index finds any run of `WINDOW` words a passage shares with a story; a shorter
        // passage is also tried against the stories found so far and its outlet's stories of
        // its day. Not the author's paragraphs: they count as copied only with more words in
        // common than that.
        let short = crate::search::words::count(&p.text) < crate::search::index::WINDOW + 2
            && p.marked != Marked::Unmarked;
        let block = (p.marked == Marked::Block).then_some(p.text.as_str());
        let credited = credits.credited(&p.claimed, config, block);
        let named = credited.first().map(String::as_str);
        let extra = if short {
            let mut ids = found_ids.clone();
            if let (Some(outlet), Some(day)) = (named, p.day) {
                let key = (outlet.to_string(), day);
                if !near.contains_key(&key) {
                    near.insert(key.clone(), nearby(store, Some(outlet), Some(day))?);
                }
                ids.extend(near.get(&key).into_iter().flatten().cloned());
            }
            ids
        } else {
            Vec::new()
        };
        let mut placed = find::find_passage(store, &mut cache, &p.text, &extra, named)?;
        if p.marked == Marked::Unmarked {
            placed = copied(store, &mut cache, &p.text, placed, named)?;
        }
        if let Some(pl) = &placed {
            if !found_ids.contains(&pl.story_id) {
                found_ids.push(pl.story_id.clone());
                if found_ids.len() > FOUND_HINTS {
                    found_ids.remove(0);
                }
            }
        }
        found.push((credited, placed));
    }
    // With no year in the post, the years that put the sources nearest their days.
    let guessed = |p: &Passage| !post.year_known && p.heading.as_ref().is_some_and(|h| !h.has_year);
    let shift = if post.year_known {
        None
    } else {
        let mut pairs = Vec::new();
        for (p, (_, placed)) in checked.iter().zip(&found) {
            let (Some(day), Some(placed)) = (p.day.filter(|_| guessed(p)), placed) else {
                continue;
            };
            if let Some(l) = cache.get(store, &placed.story_id)? {
                pairs.push((day, l.story.published.date_naive()));
            }
        }
        years::infer(&pairs)
    };
    let mut passages = Vec::with_capacity(checked.len());
    for (p, (credited, placed)) in checked.iter().zip(found) {
        let day = match shift {
            Some(k) if guessed(p) => p.day.map(|d| years::shifted(d, k)),
            _ => p.day,
        };
        let ctx = Context {
            store,
            config,
            credited: &credited,
            day,
        };
        passages.push(report(&ctx, &mut cache, &mut shown, p, placed)?);
    }
    let year_from = match (post.year_known, shift) {
        (true, _) => "post",
        (false, Some(_)) => "sources",
        (false, None) => "guessed",
    };
    let date = match (post.date_from, shift) {
        (Some(crate::post::DateFrom::Title), Some(k)) => post.date.map(|d| years::shifted(d, k)),
        _ => post.date,
    };
    Ok(Report {
        title: post.title.clone(),
        date,
        year_guessed: year_from == "guessed" && checked.iter().any(|p| p.day.is_some()),
        year_from,
        passages,
        limits,
    })
}

/// What the report shows of a source story, looked up once per run: its syndication group
/// (original first) with the outlets that published it, and its stored quotations; and the
/// stories the post's links point to.
#[derive(Default)]
struct Shown {
    groups: HashMap<String, (Vec<Story>, Vec<String>)>,
    quotes: HashMap<String, crate::review::StoryQuotes>,
    linked: HashMap<String, Option<Story>>,
}

/// What one passage's report is made with.
struct Context<'a> {
    store: &'a Store,
    config: &'a Config,
    /// The outlets the post credits for the passage, in the order it names them.
    credited: &'a [String],
    /// The day the passage is filed under, its year inferred when the post gives none.
    day: Option<NaiveDate>,
}

/// Stories of the outlet a passage names, published within two days of its day: where a
/// passage too short for the index's guarantee is looked for as well.
fn nearby(
    store: &Store,
    outlet: Option<&str>,
    day: Option<NaiveDate>,
) -> Result<Vec<String>, StoreError> {
    let (Some(outlet), Some(day)) = (outlet, day) else {
        return Ok(Vec::new());
    };
    let Some(since) = (day - chrono::Days::new(2)).and_hms_opt(0, 0, 0) else {
        return Ok(Vec::new());
    };
    let until = since.and_utc() + chrono::Duration::days(5);
    Ok(store
        .stories(&crate::store::StoryQuery {
            since: Some(since.and_utc()),
            until: Some(until),
            outlet: Some(outlet.to_string()),
            limit: Some(200),
        })?
        .into_iter()
        .map(|s| s.id)
        .collect())
}

/// Whether a placement of the author's text shows copying: enough words, not altered.
fn strong(pl: &find::Placed) -> bool {
    pl.matched >= UNMARKED_MIN_WORDS && pl.status != Status::Altered
}

/// Where an unmarked paragraph (placed as `whole`) was copied from, if it was: the whole
/// paragraph, else the source's words inside it with the author's words around them left
/// out ("…, according to Reuters."), else one of its sentences, the same way.
fn copied(
    store: &Store,
    cache: &mut Cache,
    text: &str,
    whole: Option<find::Placed>,
    named: Option<&str>,
) -> Result<Option<find::Placed>, StoreError> {
    if let Some(pl) = whole.as_ref().filter(|pl| strong(pl)) {
        return Ok(Some(pl.clone()));
    }
    let mut parts = vec![text];
    parts.extend(
        sentences(text)
            .into_iter()
            .filter(|s| s.len() < text.trim().len()),
    );
    for (i, part) in parts.into_iter().enumerate() {
        let placed = if i == 0 {
            whole.clone()
        } else {
            find::find(store, cache, &find::prepare(part), &[], named)?
        };
        let Some(placed) = placed else {
            continue;
        };
        let offset = (part.as_ptr() as usize).saturating_sub(text.as_ptr() as usize);
        if i > 0 && strong(&placed) && !quoted(text, offset, offset + part.len()) {
            return Ok(Some(placed.within(offset)));
        }
        if let Some((a, b)) = core(part, &placed) {
            let Some(inner) = part.get(a..b) else {
                continue;
            };
            if quoted(text, offset + a, offset + b) {
                continue;
            }
            if let Some(pl) = find::find(store, cache, &find::prepare(inner), &[], named)? {
                if strong(&pl) {
                    return Ok(Some(pl.within(offset + a)));
                }
            }
        }
    }
    Ok(None)
}

/// Whether `text[a..b]` is set in quote marks (in it or just around it): then it is an
/// inline quotation, checked as such, not text copied without marks.
fn quoted(text: &str, a: usize, b: usize) -> bool {
    const OPEN: &[char] = &['“', '"', '‘', '\'', '«', '„'];
    const CLOSE: &[char] = &['”', '"', '’', '\'', '»'];
    let cut = |c: char| c.is_whitespace() || matches!(c, ',' | '.' | ';' | ':' | '!' | '?');
    let (Some(before), Some(inner), Some(after)) = (text.get(..a), text.get(a..b), text.get(b..))
    else {
        return false;
    };
    let inner = inner.trim_matches(cut);
    let opens = inner.starts_with(OPEN) || before.trim_end().ends_with(OPEN);
    let closes = inner.ends_with(CLOSE) || after.trim_start_matches(cut).starts_with(CLOSE);
    opens && closes
}

/// The part of `text` between the words an alteration only added or changed at its start
/// and its end (the author's "As Reuters reported," or ", according to Reuters.", which the
/// alignment may also read as changed for the source's next words), when those are its only
/// word differences.
fn core(text: &str, placed: &find::Placed) -> Option<(usize, usize)> {
    if placed.status != Status::Altered {
        return None;
    }
    let edge = |d: &&Difference| matches!(d.kind, "added" | "changed");
    let mut diffs: Vec<(&Difference, (usize, usize))> = placed
        .differences
        .iter()
        .filter(edge)
        .filter_map(|d| Some((d, d.post_at?)))
        .collect();
    diffs.sort_by_key(|(_, at)| *at);
    let wordless = |s: Option<&str>| s.is_some_and(|s| !s.chars().any(char::is_alphanumeric));
    let (mut a, mut b) = (0, text.len());
    let mut inner = 0;
    // From the start, then from the end, while the differences touch the edge.
    let mut rest = diffs.as_slice();
    while let Some(((_, (x, y)), tail)) = rest.split_first() {
        if !wordless(text.get(a..*x)) {
            break;
        }
        a = *y;
        rest = tail;
    }
    while let Some(((_, (x, y)), head)) = rest.split_last() {
        if !wordless(text.get(*y..b)) {
            break;
        }
        b = *x;
        rest = head;
    }
    inner += rest.len();
    let other = placed
        .differences
        .iter()
        .any(|d| !matches!(d.kind, "added" | "changed" | "typo" | "punctuation"));
    (inner == 0 && !other && a < b && (a > 0 || b < text.len())).then_some((a, b))
}

/// The sentences of a paragraph with at least `UNMARKED_MIN_WORDS` words.
fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    // The two chars after the current one.
    let mut ahead = text.chars().skip(1);
    let (mut next, mut after) = (ahead.next(), ahead.next());
    while let Some((i, c)) = chars.next() {
        let next_upper = after.is_some_and(|n| n.is_uppercase() || n == '"' || n == '“');
        let ends = matches!(c, '.' | '!' | '?') && next == Some(' ') && next_upper;
        if ends || chars.peek().is_none() {
            let end = i + c.len_utf8();
            out.push(&text[start..end]);
            start = end;
        }
        (next, after) = (after, ahead.next());
    }
    out.into_iter()
        .map(str::trim)
        .filter(|s| s.split_whitespace().count() >= UNMARKED_MIN_WORDS)
        .collect()
}

fn marked_name(m: Marked) -> &'static str {
    match m {
        Marked::Block => "block",
        Marked::Inline => "inline",
        Marked::Unmarked => "unmarked",
    }
}

fn report(
    ctx: &Context,
    cache: &mut Cache,
    shown: &mut Shown,
    p: &Passage,
    placed: Option<find::Placed>,
) -> Result<PassageReport, StoreError> {
    let (store, config) = (ctx.store, ctx.config);
    let mut r = PassageReport {
        text: p.text.clone(),
        line: p.line,
        marked: marked_name(p.marked),
        day: ctx.day,
        heading: p.heading.as_ref().map(|h| h.text.clone()),
        status: Status::NotFound,
        source: None,
        span: None,
        source_text: None,
        copies: Vec::new(),
        claimed_outlet: p.claimed.outlet.clone(),
        claimed_outlet_id: None,
        link: p.claimed.link.as_ref().map(|l| l.to_string()),
        attribution: Attribution::Unchecked,
        differences: Vec::new(),
        date: None,
        speaker: None,
        quotes: Vec::new(),
        problems: Vec::new(),
        warnings: Vec::new(),
    };
    let Some(placed) = placed else {
        let (attribution, named) = checks::attribution(&p.claimed, ctx.credited, None);
        r.claimed_outlet_id = named;
        if p.marked != Marked::Unmarked {
            r.attribution = attribution;
            r.problems
                .push(Problem::new("not_found", "not found in any stored story"));
            if attribution == Attribution::Dangling {
                r.problems
                    .push(Problem::new("dangling", "\"according to\" names no outlet"));
            }
        }
        return Ok(r);
    };
    let Some(story) = cache.get(store, &placed.story_id)?.map(|l| l.story.clone()) else {
        return Ok(r);
    };
    if !shown.groups.contains_key(&story.id) {
        // The syndication group, original first.
        let root = match &story.copy_of {
            Some(id) => store.story(id)?.unwrap_or_else(|| story.clone()),
            None => story.clone(),
        };
        let mut group = vec![root.clone()];
        for id in &root.copies {
            if let Some(s) = store.story(id)? {
                group.push(s);
            }
        }
        let outlets = checks::group_outlets(&group, config);
        shown.groups.insert(story.id.clone(), (group, outlets));
    }
    let Some((group, outlets)) = shown.groups.get(&story.id) else {
        return Ok(r);
    };
    if group.len() > 1 {
        r.copies = group.iter().map(Source::from).collect();
    }
    let (attribution, named) = checks::attribution(&p.claimed, ctx.credited, Some(outlets));
    r.status = placed.status;
    r.source = Some(Source::from(&story));
    r.span = Some((placed.start, placed.end));
    r.source_text = cache.get(store, &story.id)?.and_then(|l| {
        let (a, b) = placed.source_bytes;
        l.text.get(a..b).map(str::to_string)
    });
    r.differences = placed.differences.clone();
    r.claimed_outlet_id = named;
    r.attribution = attribution;

    match placed.status {
        Status::Verbatim => {}
        Status::Minor => r.problems.push(Problem::new(
            "minor",
            format!("not word for word: {}", summary(&r.differences)),
        )),
        Status::Altered => r.problems.push(Problem::new(
            "altered",
            format!("altered: {}", summary(&r.differences)),
        )),
        Status::NotFound => {}
    }
    if p.marked == Marked::Unmarked {
        r.problems.push(Problem::new(
            "copied_unmarked",
            "copied from the source without quote marks or a block quote",
        ));
    }
    let names = |ids: &[String]| {
        ids.iter()
            .map(|id| config.outlet(id).map_or(id.as_str(), |o| o.name.as_str()))
            .collect::<Vec<_>>()
            .join(" and ")
    };
    let published_by = names(outlets);
    match attribution {
        Attribution::Ok | Attribution::Unchecked => {}
        Attribution::WrongOutlet => {
            let named = if ctx.credited.is_empty() {
                p.claimed
                    .outlet
                    .clone()
                    .or_else(|| p.claimed.link.as_ref().map(|l| l.to_string()))
                    .unwrap_or_default()
            } else {
                names(ctx.credited)
            };
            r.problems.push(Problem::new(
                "wrong_outlet",
                format!("the post names {named}, but the source was published by {published_by}"),
            ))
        }
        Attribution::Missing => r.problems.push(Problem::new(
            "missing_attribution",
            format!("no outlet is named; the source is {published_by}"),
        )),
        Attribution::Dangling => r.problems.push(Problem::new(
            "dangling",
            format!("\"according to\" names no outlet; the source is {published_by}"),
        )),
    }
    if attribution == Attribution::Ok && ctx.credited.len() > 1 {
        if let Some(credited) = &r.claimed_outlet_id {
            let others: Vec<String> = ctx
                .credited
                .iter()
                .filter(|c| *c != credited)
                .cloned()
                .collect();
            r.warnings.push(Problem::new(
                "outlet_choice",
                format!(
                    "the post names {}; {} is taken as the source's outlet, as it published it ({} did not)",
                    names(ctx.credited),
                    names(std::slice::from_ref(credited)),
                    names(&others)
                ),
            ));
        }
    }
    if let Some(problem) = wrong_link(store, cache, &mut shown.linked, p, group, placed.status)? {
        r.problems.push(problem);
    }
    if let Some(day) = ctx.day {
        let heading = p.heading.as_ref().map_or("its day", |h| h.text.as_str());
        r.date = checks::dates(day, heading, story.published);
        if let Some(d) = &r.date {
            if d.level == "error" {
                r.problems
                    .push(Problem::new("date_after_day", d.message.clone()));
            } else {
                r.warnings.push(Problem::new("date_gap", d.message.clone()));
            }
        }
    }
    // The stored quotations the passage covers, and the speaker the post names.
    if !shown.quotes.contains_key(&story.id) {
        // The text is the one the passage was placed in, loaded already.
        let quotes = match cache.get(store, &story.id)?.map(|l| l.text.clone()) {
            Some(text) => crate::review::refresh(store, &story.id, &text)?,
            None => crate::review::of_story(store, &story)?,
        };
        shown.quotes.insert(story.id.clone(), quotes);
    }
    let quotes = shown
        .quotes
        .get(&story.id)
        .map_or(&[][..], |q| &q.quotes[..]);
    let covered: Vec<&crate::review::StoredQuote> = quotes
        .iter()
        .filter(|q| q.quote.start < placed.end && q.quote.end > placed.start)
        .collect();
    r.quotes = covered.iter().map(|q| q.id.clone()).collect();
    // The speaker the post names in its own words is checked; one named inside the quoted
    // words only where those words are not the source's.
    let claimed = p.claimed.speaker.as_deref().filter(|s| {
        config.outlet_named(s).is_none()
            && (p.claimed.speaker_from == Some(SpeakerFrom::Post)
                || placed.status == Status::Altered)
    });
    if let Some(claimed) = claimed {
        let speakers: Vec<(&str, &str)> = covered
            .iter()
            .filter_map(|q| Some((q.quote.speaker.as_deref()?, q.id.as_str())))
            .collect();
        let agrees = speakers
            .iter()
            .any(|(s, _)| checks::same_speaker(claimed, s));
        if let (false, Some(&(stored, id))) = (agrees, speakers.first()) {
            r.speaker = Some(SpeakerFinding {
                claimed: claimed.to_string(),
                stored: stored.to_string(),
                quote_id: id.to_string(),
            });
            r.problems.push(Problem::new(
                "wrong_speaker",
                format!(
                    "the post names {claimed} as the speaker, but in the source the words are {stored}'s (quote {id})"
                ),
            ));
        }
    }
    Ok(r)
}

/// A link the post gives for a passage that points to a stored story other than the
/// passage's source and its copies: the reader who follows it will not find the words.
fn wrong_link(
    store: &Store,
    cache: &mut Cache,
    linked: &mut HashMap<String, Option<Story>>,
    passage: &Passage,
    group: &[Story],
    status: Status,
) -> Result<Option<Problem>, StoreError> {
    let claim = &passage.claimed;
    let rank = |s: Status| match s {
        Status::Verbatim | Status::Minor => 0,
        Status::Altered => 1,
        Status::NotFound => 2,
    };
    let in_group = |link: &url::Url| {
        let link = crate::story::url::normalise(link);
        let id = crate::story::url::story_id(link.as_str());
        group.iter().any(|s| {
            s.id == id
                || s.url.as_deref() == Some(link.as_str())
                || s.article
                    .as_ref()
                    .and_then(|a| a.meta.canonical_url.as_deref())
                    .and_then(crate::story::url::normalise_str)
                    .is_some_and(|c| c == link)
        })
    };
    if claim.links.iter().any(in_group) {
        return Ok(None);
    }
    for link in &claim.links {
        let id = crate::story::url::story_id(crate::story::url::normalise(link).as_str());
        if !linked.contains_key(&id) {
            let story = store.story(&id)?;
            linked.insert(id.clone(), story);
        }
        if let Some(Some(linked)) = linked.get(&id) {
            // The linked story holds the passage too (an update, a second story that repeats
            // it): the reader who follows the link finds the words.
            let there = find::place_in(store, cache, &passage.text, &linked.id)?;
            if there.is_some_and(|pl| rank(pl.status) <= rank(status)) {
                return Ok(None);
            }
            let source = group.first().map_or("the source", |s| {
                s.title.as_deref().unwrap_or(s.id.as_str())
            });
            return Ok(Some(Problem::new(
                "wrong_link",
                format!(
                    "the post links \"{}\" ({link}), but the passage is from \"{source}\"{}",
                    linked.title.as_deref().unwrap_or(linked.id.as_str()),
                    group
                        .first()
                        .and_then(|s| s.url.as_deref())
                        .map(|u| format!(" ({u})"))
                        .unwrap_or_default()
                ),
            )));
        }
    }
    Ok(None)
}

fn excerpt(s: &str) -> String {
    let mut out: String = s.chars().take(50).collect();
    if s.chars().count() > 50 {
        out.push('…');
    }
    out
}

/// "\"likley\" for \"likely\"; left out \"to\"" for a problem line.
pub fn summary(diffs: &[Difference]) -> String {
    diffs
        .iter()
        .take(6)
        .map(|d| match (d.kind, &d.post, &d.source) {
            ("added", Some(p), _) if p.contains(' ') => {
                format!("not in the source: \"{}\"", excerpt(p))
            }
            ("added", Some(p), _) => format!("added \"{p}\""),
            ("dropped", _, Some(s)) => format!("left out \"{s}\""),
            ("punctuation", _, _) => "punctuation or case differs".to_string(),
            ("reordered", Some(p), _) => {
                format!("out of the source's order or repeated: \"{}\"", excerpt(p))
            }
            (_, Some(p), Some(s)) => format!("\"{p}\" for \"{s}\""),
            _ => d.kind.to_string(),
        })
        .collect::<Vec<_>>()
        .join("; ")
        + if diffs.len() > 6 { "; ..." } else { "" }
}

/// Keeps the links from a post's passages to their stories and quotations (`verify --record`),
/// replacing what the post recorded before. `path` names the post (absolute).
pub fn record(store: &Store, path: &str, report: &Report) -> Result<usize, StoreError> {
    let links: Vec<crate::store::PostLink> = report
        .passages
        .iter()
        .filter_map(|p| {
            let source = p.source.as_ref()?;
            Some(crate::store::PostLink {
                line: p.line,
                story: source.story_id.clone(),
                quotes: p.quotes.clone(),
                status: serde_json::to_value(p.status)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
            })
        })
        .collect();
    let n = links.len();
    store.record_post(&crate::store::PostRecord {
        path: path.to_string(),
        title: report.title.clone(),
        recorded: Some(Utc::now()),
        links,
    })?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_of_a_paragraph() {
        let p = "The author thinks this matters a great deal today. U.S. officials said the strikes were over and done with for now. Short one.";
        let s = sentences(p);
        assert_eq!(s.len(), 2, "{s:?}");
        assert!(s[1].starts_with("U.S. officials said"));
    }
}
