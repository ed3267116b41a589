//! The review queue, the desk's home page: candidate quotations since the author's "reviewed up
//! to" mark (or any query), grouped by story, syndicated copies of one wire story folded into
//! one card; decisions, citations, the mark and saved searches.
//!
//! Decisions go through `review::decide`, so one applies to the quotation in every copy. A
//! form posts without a script and comes back to the page; the script posts the same form
//! and updates the card in place, keeping the undo stack itself.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use chrono::{DateTime, Utc};
use maud::{html, Markup};
use serde::{Deserialize, Serialize};

use super::guard::Nonce;
use super::{layout, with_store, Desk, DeskError};
use crate::quotes::Kind;
use crate::review::cite::{self, Format};
use crate::review::{self, query, Listed, Status};
use crate::store::{SavedSearch, Store};
use crate::story::Story;

/// How long before the mark a story may have been published and still come new after it.
pub const MARK_LOOKBACK_DAYS: i64 = 7;

/// The query the queue shows when none is given.
pub const DEFAULT_QUERY: &str = "status:candidate";

#[derive(Debug, Default, Deserialize)]
pub struct QueueParams {
    /// A query (`review::query`); `DEFAULT_QUERY` when absent.
    q: Option<String>,
}

/// One quotation's row in a card: the original's quotation and its copies' ids.
struct Row {
    id: String,
    status: Status,
    kind: Kind,
    speaker: Option<String>,
    cue: Option<String>,
    /// The paragraph around the quotation, in three parts: before, the quotation, after.
    paragraph: (String, String, String),
    /// How many stories carry it (the original and its copies that have it).
    carried_by: usize,
}

/// One card: a story and the syndicated copies folded into it.
struct Card {
    story: Story,
    /// (outlet id, link, story id) of the story and of each copy.
    outlets: Vec<(String, Option<String>, String)>,
    dateline: Option<String>,
    rows: Vec<Row>,
}

/// What the queue page shows.
struct Queue {
    query: String,
    error: Option<String>,
    since: Option<DateTime<Utc>>,
    mark: Option<DateTime<Utc>>,
    cards: Vec<Card>,
    searches: Vec<(SavedSearch, usize)>,
}

/// The chars of `text` from the start of the paragraph holding `start` to the end of the one
/// holding `end`, split around `start..end`.
fn in_paragraph(chars: &[char], start: usize, end: usize) -> (String, String, String) {
    let (from, to) = cite::paragraph_bounds(chars, start, end);
    let start = start.clamp(from, to);
    let end = end.clamp(start, to);
    let part = |a: usize, b: usize| chars[a..b].iter().collect::<String>();
    (part(from, start), part(start, end), part(end, to))
}

/// The dateline a wire story opens with ("BAGHDAD (Reuters) —"), if it has one.
fn dateline(text: &str) -> Option<String> {
    let first = text.lines().find(|l| !l.trim().is_empty())?;
    let head = &first[..first.floor_char_boundary(90)];
    let cut = [" — ", " – ", " - ", " -- "]
        .iter()
        .filter_map(|d| head.find(d))
        .min()?;
    let place = head[..cut].trim();
    let word = place.split_whitespace().next()?;
    let letters: Vec<char> = word.chars().filter(|c| c.is_alphabetic()).collect();
    (letters.len() >= 3 && letters.iter().all(|c| c.is_uppercase())).then(|| place.to_string())
}

/// The queue's filter: the query's, and, when the query names no time, the stories first seen
/// since the mark (else those published since yesterday).
pub(super) fn filter_for(
    q: &str,
    mark: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<review::Filter, query::QueryError> {
    let parsed = query::parse(q, now)?;
    let mut filter = parsed.filter;
    if !parsed.has_since {
        match mark {
            // New since the mark: first seen after it, published at most a week before it (a
            // feed that lags, or one added since, still brings its stories).
            Some(m) => {
                filter.stories.since = Some(m - chrono::Duration::days(MARK_LOOKBACK_DAYS));
                filter.first_seen_since = Some(m);
            }
            None => filter.stories.since = Some(query::parse_when("yesterday", now)?),
        }
    }
    Ok(filter)
}

/// Folds the listing into cards: a copy whose original is listed joins its card, its
/// quotations matched to the original's by their words.
fn cards(store: &Store, listed: Vec<(Story, Vec<Listed>)>) -> Result<Vec<Card>, DeskError> {
    let ids: HashMap<String, usize> = listed
        .iter()
        .enumerate()
        .map(|(i, (s, _))| (s.id.clone(), i))
        .collect();
    let folded = |s: &Story| s.copy_of.as_ref().is_some_and(|o| ids.contains_key(o));
    let mut out: Vec<Card> = Vec::new();
    let mut card_of: HashMap<String, usize> = HashMap::new();
    let mut copies = Vec::new();
    for (story, quotes) in listed {
        if folded(&story) {
            copies.push((story, quotes));
            continue;
        }
        let text = store.text(&story)?.unwrap_or_default();
        let chars: Vec<char> = text.chars().collect();
        let rows = quotes
            .into_iter()
            .map(|l| row(l, &chars))
            .collect::<Vec<_>>();
        card_of.insert(story.id.clone(), out.len());
        out.push(Card {
            outlets: vec![(story.outlet.clone(), story.url.clone(), story.id.clone())],
            dateline: dateline(&text),
            rows,
            story,
        });
    }
    for (copy, quotes) in copies {
        let Some(&k) = copy.copy_of.as_ref().and_then(|o| card_of.get(o)) else {
            continue;
        };
        let text = store.text(&copy)?.unwrap_or_default();
        let chars: Vec<char> = text.chars().collect();
        let card = &mut out[k];
        card.outlets
            .push((copy.outlet.clone(), copy.url.clone(), copy.id.clone()));
        for l in quotes {
            let words = review::fold(&l.quote.quote.text);
            let same = card
                .rows
                .iter_mut()
                .find(|r| review::fold(&r.paragraph.1) == words);
            match same {
                Some(r) => r.carried_by += 1,
                None => card.rows.push(row(l, &chars)),
            }
        }
    }
    Ok(out)
}

fn row(l: Listed, chars: &[char]) -> Row {
    let q = l.quote.quote;
    Row {
        id: l.quote.id,
        status: l.status,
        kind: q.kind,
        paragraph: in_paragraph(chars, q.start, q.end),
        speaker: q.speaker,
        cue: q.cue,
        carried_by: 1,
    }
}

/// `GET /?q=QUERY`: the queue.
pub async fn page(
    State(desk): State<Arc<Desk>>,
    Extension(nonce): Extension<Nonce>,
    Query(params): Query<QueueParams>,
) -> Result<Html<String>, DeskError> {
    let q = params.q.unwrap_or_else(|| DEFAULT_QUERY.to_string());
    let now = Utc::now();
    let queue = {
        let q = q.clone();
        with_store(&desk, move |store| {
            let mark = store.reviewed_up_to()?;
            let saved = store.saved_searches()?;
            let mut searches = Vec::with_capacity(saved.len());
            for s in saved {
                let n = match filter_for(&s.query, mark, now) {
                    Ok(f) => review::list(store, &f)?.iter().map(|(_, l)| l.len()).sum(),
                    Err(_) => 0,
                };
                searches.push((s, n));
            }
            let (filter, error) = match filter_for(&q, mark, now) {
                Ok(f) => (Some(f), None),
                Err(e) => (None, Some(e.to_string())),
            };
            let cards = match &filter {
                Some(f) => cards(store, review::list(store, f)?)?,
                None => Vec::new(),
            };
            Ok(Queue {
                since: filter.and_then(|f| f.first_seen_since.or(f.stories.since)),
                query: q,
                error,
                mark,
                cards,
                searches,
            })
        })
        .await?
    };
    let title = format!("Review: {}", queue.query);
    Ok(Html(
        layout::page(&nonce, &title, "Review", render(&desk, &queue)).into_string(),
    ))
}

fn kind_name(k: Kind) -> &'static str {
    match k {
        Kind::Direct => "direct",
        Kind::Partial => "partial",
        Kind::Indirect => "indirect",
    }
}

fn render(desk: &Desk, queue: &Queue) -> Markup {
    let csrf = desk.csrf.as_str();
    let back = format!(
        "/?q={}",
        url::form_urlencoded::byte_serialize(queue.query.as_bytes()).collect::<String>()
    );
    let count: usize = queue.cards.iter().map(|c| c.rows.len()).sum();
    html! {
        div.desk data-csrf=(csrf) {
            aside.sidebar {
                h2 { "Saved searches" }
                ul.searches {
                    li { a href="/" { "Candidates since the mark" } }
                    @for (s, n) in &queue.searches {
                        li {
                            a href={ "/?q=" (url::form_urlencoded::byte_serialize(s.query.as_bytes()).collect::<String>()) } title=(s.query) { (s.name) }
                            " " span.count { (n) }
                            form.inline method="post" action={ "/searches/delete?csrf=" (csrf) } {
                                input type="hidden" name="name" value=(s.name);
                                button.small type="submit" title="Forget this search" { "×" }
                            }
                        }
                    }
                }
                form.save method="post" action={ "/searches?csrf=" (csrf) } {
                    input type="hidden" name="query" value=(queue.query);
                    label { "Save this search as " input type="text" name="name" required maxlength="80"; }
                    button type="submit" { "Save" }
                }
            }
            main.queue {
                form.search method="get" action="/" role="search" {
                    input #q type="search" name="q" value=(queue.query) aria-label="Query"
                        placeholder="speaker:Sistani outlet:reuters \"embassy\"";
                    button type="submit" { "Search" }
                }
                p.status-line {
                    (count) " " (if count == 1 { "quotation" } else { "quotations" })
                    @if let Some(s) = queue.since { " in stories since " time datetime=(s.to_rfc3339()) { (s.format("%Y-%m-%d %H:%M UTC")) } }
                    @if let Some(m) = queue.mark { " · reviewed up to " (m.format("%Y-%m-%d %H:%M UTC")) }
                    form.inline method="post" action={ "/reviewed?csrf=" (csrf) } {
                        button.small type="submit" title="The queue will start from now" { "Mark all reviewed" }
                    }
                    label.format { "Citations as "
                        select #format {
                            option value="markdown" { "Markdown" }
                            option value="html" { "HTML" }
                            option value="text" { "text" }
                        }
                    }
                }
                @if let Some(e) = &queue.error { p.error role="alert" { (e) } }
                @let shown: Vec<&str> = queue.cards.iter().flat_map(|c| c.rows.iter()).filter(|r| r.status == Status::Candidate).map(|r| r.id.as_str()).collect();
                @if shown.len() > 1 {
                    form.bulk method="post" action={ "/quotes/status?csrf=" (csrf) } {
                        input type="hidden" name="ids" value=(shown.join(" "));
                        input type="hidden" name="back" value=(back);
                        "The " (shown.len()) " candidates shown: "
                        button type="submit" name="status" value="accepted" { "Accept all" }
                        " "
                        button type="submit" name="status" value="rejected" { "Reject all" }
                    }
                }
                @if queue.cards.is_empty() && queue.error.is_none() {
                    p.empty { "Nothing to review here. Widen the search, e.g. " code { "status:candidate since:2d" } "." }
                }
                @for card in &queue.cards {
                    section.story {
                        h2 { a href={ "/story/" (card.story.id) } { (card.story.title.as_deref().unwrap_or("(untitled)")) } }
                        p.meta {
                            time datetime=(card.story.published.to_rfc3339()) { (card.story.published.format("%Y-%m-%d %H:%M UTC")) }
                            @if let Some(d) = &card.dateline { " · " span.dateline { (d) } }
                            " · "
                            @for (i, (outlet, url, _)) in card.outlets.iter().enumerate() {
                                @if i > 0 { ", " }
                                @match url {
                                    Some(u) => a.outlet href=(u) rel="noreferrer noopener" { (desk.outlet_name(outlet)) },
                                    None => span.outlet { (desk.outlet_name(outlet)) },
                                }
                            }
                            @if card.outlets.len() > 1 { " " span.folded { "(" (card.outlets.len()) " outlets ran it)" } }
                        }
                        @for r in &card.rows {
                            article.card.(r.status.as_str()) id={ "q-" (r.id) } data-id=(r.id) data-status=(r.status.as_str()) tabindex="-1" {
                                blockquote {
                                    (r.paragraph.0) mark { (r.paragraph.1) } (r.paragraph.2)
                                }
                                p.who {
                                    span.speaker { (r.speaker.as_deref().unwrap_or("(speaker unknown)")) }
                                    @if let Some(c) = &r.cue { " " span.cue { (c) } }
                                    " · " span.kind { (kind_name(r.kind)) }
                                    @if r.carried_by > 1 { " · in " (r.carried_by) " stories" }
                                    " · " span.state { (r.status.as_str()) }
                                }
                                form.actions method="post" action={ "/quotes/status?csrf=" (csrf) } {
                                    input type="hidden" name="ids" value=(r.id);
                                    input type="hidden" name="back" value=(back);
                                    button type="submit" name="status" value="accepted" { "Accept" }
                                    button type="submit" name="status" value="rejected" { "Reject" }
                                    button type="submit" name="status" value="candidate" { "Reset" }
                                    " "
                                    a href={ "/quotes/" (r.id) "/cite?format=markdown" } { "Citation" }
                                    " "
                                    a.open href={ "/story/" (card.story.id) "#q-" (r.id) } { "Story" }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct DecideForm {
    /// Quotation ids (or unique prefixes), separated by spaces.
    ids: String,
    status: String,
    /// Where a form without a script returns to.
    back: Option<String>,
}

/// One decision as the script hears of it: enough to undo it.
#[derive(Debug, Serialize)]
pub struct Change {
    pub id: String,
    /// The state before.
    pub was: Status,
    /// Every id decided (the quotation in each syndicated copy).
    pub ids: Vec<String>,
}

fn parse_status(s: &str) -> Result<Status, DeskError> {
    match s {
        "accepted" => Ok(Status::Accepted),
        "rejected" => Ok(Status::Rejected),
        "candidate" => Ok(Status::Candidate),
        other => Err(DeskError::BadRequest(format!(
            "unknown status {other:?}: use accepted, rejected or candidate"
        ))),
    }
}

/// Where to send a form back to: a path on this desk, never another site.
fn safe_back(back: Option<&str>) -> &str {
    match back {
        Some(b) if b.starts_with('/') && !b.starts_with("//") && !b.contains('\\') => b,
        _ => "/",
    }
}

fn wants_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"))
}

/// `POST /quotes/status`: accept, reject or reset quotations (and their copies).
pub async fn decide(
    State(desk): State<Arc<Desk>>,
    headers: HeaderMap,
    Form(form): Form<DecideForm>,
) -> Result<Response, DeskError> {
    let status = parse_status(&form.status)?;
    let ids: Vec<String> = form.ids.split_whitespace().map(str::to_string).collect();
    if ids.is_empty() || ids.len() > 5000 {
        return Err(DeskError::BadRequest(
            "give between 1 and 5000 quotation ids".into(),
        ));
    }
    let changes = with_store(&desk, move |store| {
        let mut found = Vec::with_capacity(ids.len());
        for id in &ids {
            found.push(find(store, id)?);
        }
        let mut changes = Vec::with_capacity(found.len());
        for f in &found {
            changes.push(Change {
                id: f.quote.id.clone(),
                was: f.status,
                ids: review::decide(store, f, status)?,
            });
        }
        Ok(changes)
    })
    .await?;
    if wants_json(&headers) {
        let body = serde_json::json!({ "status": status, "changes": changes });
        return Ok((
            [(header::CONTENT_TYPE, "application/json")],
            body.to_string(),
        )
            .into_response());
    }
    Ok(Redirect::to(safe_back(form.back.as_deref())).into_response())
}

/// A quotation by its id, an unknown one a 404.
pub fn find(store: &Store, id: &str) -> Result<review::Found, DeskError> {
    review::find(store, id).map_err(|e| match e {
        review::IdError::Store(s) => DeskError::Store(s),
        other => DeskError::NotFound(other.to_string()),
    })
}

#[derive(Debug, Deserialize)]
pub struct CiteParams {
    format: Option<String>,
}

/// `GET /quotes/{id}/cite?format=markdown|html|text`: the citation, as `quotes cite` writes it.
pub async fn cite(
    State(desk): State<Arc<Desk>>,
    Path(id): Path<String>,
    Query(params): Query<CiteParams>,
) -> Result<Response, DeskError> {
    let format = match params.format.as_deref().unwrap_or("markdown") {
        "markdown" | "md" => Format::Markdown,
        "html" => Format::Html,
        "text" => Format::Text,
        other => {
            return Err(DeskError::BadRequest(format!(
                "unknown format {other:?}: use markdown, html or text"
            )))
        }
    };
    let d = desk.clone();
    let rendered = with_store(&desk, move |store| {
        let f = find(store, &id)?;
        Ok(cite::of_found(store, &f, d.config.as_ref())?.render(format))
    })
    .await?;
    Ok((
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        rendered,
    )
        .into_response())
}

/// `POST /reviewed`: the queue starts from now.
pub async fn reviewed(State(desk): State<Arc<Desk>>) -> Result<Response, DeskError> {
    with_store(&desk, |store| Ok(store.set_reviewed_up_to(Utc::now())?)).await?;
    Ok(Redirect::to("/").into_response())
}

#[derive(Debug, Deserialize)]
pub struct SaveForm {
    name: String,
    query: String,
}

/// `POST /searches`: keeps the query under a name (a name given again replaces its query).
pub async fn save_search(
    State(desk): State<Arc<Desk>>,
    Form(form): Form<SaveForm>,
) -> Result<Response, DeskError> {
    let name = form.name.trim().chars().take(80).collect::<String>();
    if name.is_empty() {
        return Err(DeskError::BadRequest("a saved search needs a name".into()));
    }
    query::parse(&form.query, Utc::now()).map_err(|e| DeskError::BadRequest(e.to_string()))?;
    let query = form.query.clone();
    with_store(&desk, move |store| {
        let mut all = store.saved_searches()?;
        let full = all.len() >= 200;
        match all.iter_mut().find(|s| s.name == name) {
            Some(s) => s.query = query,
            None if !full => all.push(SavedSearch { name, query }),
            None => {
                return Err(DeskError::BadRequest(
                    "200 saved searches at most: forget one first".into(),
                ))
            }
        }
        Ok(store.set_saved_searches(&all)?)
    })
    .await?;
    let back = format!(
        "/?q={}",
        url::form_urlencoded::byte_serialize(form.query.as_bytes()).collect::<String>()
    );
    Ok(Redirect::to(&back).into_response())
}

#[derive(Debug, Deserialize)]
pub struct DeleteForm {
    name: String,
}

/// `POST /searches/delete`: forgets a saved search.
pub async fn delete_search(
    State(desk): State<Arc<Desk>>,
    Form(form): Form<DeleteForm>,
) -> Result<Response, DeskError> {
    with_store(&desk, move |store| {
        let mut all = store.saved_searches()?;
        all.retain(|s| s.name != form.name);
        Ok(store.set_saved_searches(&all)?)
    })
    .await?;
    Ok(Redirect::to("/").into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_and_datelines() {
        let text: Vec<char> = "BAGHDAD (Reuters) — First.\n“We stay,” he said.\nLast."
            .chars()
            .collect();
        let (a, b, c) = in_paragraph(&text, 28, 36);
        assert_eq!(
            (a.as_str(), b.as_str(), c.as_str()),
            ("“", "We stay,", "” he said.")
        );
        assert_eq!(
            dateline("BAGHDAD (Reuters) — First.").as_deref(),
            Some("BAGHDAD (Reuters)")
        );
        assert_eq!(dateline("The minister said — later — no."), None);
        assert_eq!(safe_back(Some("//evil.example/")), "/");
        assert_eq!(safe_back(Some("/?q=x")), "/?q=x");
    }
}
