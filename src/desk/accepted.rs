//! Accepted quotations out: the day's accepted citations as one block to paste (Markdown, HTML
//! or text), and the same quotations as CSV and JSON Lines downloads.
//!
//! Which quotations: the accepted ones among the stories a query selects (the queue's query
//! language; without `since:`, those published since yesterday), oldest story
//! first as a digest runs, each story's in text order; a syndicated copy's quotation that its
//! original also carries is given once, from the original.

use std::collections::HashSet;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use axum::Extension;
use chrono::Utc;
use maud::html;
use serde::{Deserialize, Serialize};

use super::guard::Nonce;
use super::queue::filter_for;
use super::{layout, with_store, Desk, DeskError};
use crate::review::cite::{self, Format};
use crate::review::{self, Found, Status};

#[derive(Debug, Default, Deserialize)]
pub struct Params {
    q: Option<String>,
    format: Option<String>,
}

/// One accepted quotation, as the downloads write it.
#[derive(Debug, Serialize)]
struct Row {
    id: String,
    story_id: String,
    published: String,
    outlet: String,
    url: Option<String>,
    speaker: Option<String>,
    kind: crate::quotes::Kind,
    text: String,
    citation: String,
}

fn format_of(p: &Params) -> Result<(Format, &'static str), DeskError> {
    match p.format.as_deref().unwrap_or("markdown") {
        "markdown" | "md" => Ok((Format::Markdown, "markdown")),
        "html" => Ok((Format::Html, "html")),
        "text" => Ok((Format::Text, "text")),
        other => Err(DeskError::BadRequest(format!(
            "unknown format {other:?}: use markdown, html or text"
        ))),
    }
}

/// The accepted quotations the query selects, with their citations in `format`.
async fn rows(desk: &Arc<Desk>, q: String, format: Format) -> Result<Vec<Row>, DeskError> {
    let d = desk.clone();
    with_store(desk, move |store| {
        // The day's accepted quotations do not end at the mark: the author marks the queue
        // reviewed, then takes the block.
        let mut filter =
            filter_for(&q, None, Utc::now()).map_err(|e| DeskError::BadRequest(e.to_string()))?;
        filter.status = vec![Status::Accepted];
        let mut listed = review::list(store, &filter)?;
        listed.reverse();
        // Originals before copies, so that a copy's quotation its original carries is dropped.
        listed.sort_by_key(|(s, _)| (s.published, s.copy_of.is_some()));
        let mut given: HashSet<(String, String)> = HashSet::new();
        let mut out = Vec::new();
        for (story, quotes) in listed {
            let family = story.copy_of.clone().unwrap_or_else(|| story.id.clone());
            for l in quotes {
                if !given.insert((family.clone(), review::fold(&l.quote.quote.text))) {
                    continue;
                }
                let found = Found {
                    story: story.clone(),
                    quote: l.quote,
                    status: l.status,
                };
                let citation = cite::of_found(store, &found, d.config.as_ref())?;
                out.push(Row {
                    id: found.quote.id.clone(),
                    story_id: story.id.clone(),
                    published: story.published.to_rfc3339(),
                    outlet: story.outlet.clone(),
                    url: citation.url.clone(),
                    speaker: found.quote.quote.speaker.clone(),
                    kind: found.quote.quote.kind,
                    text: found.quote.quote.text.clone(),
                    citation: citation.render(format),
                });
            }
        }
        Ok(out)
    })
    .await
}

fn query_of(p: &Params) -> String {
    p.q.clone().unwrap_or_default()
}

/// `GET /accepted?q=QUERY&format=F`: the block to paste.
pub async fn page(
    State(desk): State<Arc<Desk>>,
    Extension(nonce): Extension<Nonce>,
    Query(p): Query<Params>,
) -> Result<Html<String>, DeskError> {
    let (format, name) = format_of(&p)?;
    let q = query_of(&p);
    let rows = rows(&desk, q.clone(), format).await?;
    let block: String = rows.iter().map(|r| r.citation.as_str()).collect();
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let body = html! {
        main.accepted {
            h1 { "Accepted citations" }
            form.search method="get" action="/accepted" role="search" {
                input #q type="search" name="q" value=(q) aria-label="Query"
                    placeholder="since:yesterday outlet:reuters";
                input type="hidden" name="format" value=(name);
                button type="submit" { "Show" }
            }
            p.status-line {
                (rows.len()) " " (if rows.len() == 1 { "citation" } else { "citations" }) " · as "
                @for (f, label) in [("markdown", "Markdown"), ("html", "HTML"), ("text", "text")] {
                    @if f == name { strong { (label) } } @else { a href={ "/accepted?format=" (f) "&q=" (enc(&q)) } { (label) } }
                    " "
                }
                "· download "
                a href={ "/accepted.csv?q=" (enc(&q)) } download { "CSV" } " "
                a href={ "/accepted.jsonl?q=" (enc(&q)) "&format=" (name) } download { "JSON Lines" }
            }
            @if rows.is_empty() {
                p.empty { "No accepted quotations here yet: accept some on the review page, or widen the query (" code { "since:2d" } ")." }
            } @else {
                button #copy-block type="button" { "Copy the block" }
                textarea #block readonly rows="24" { (block) }
            }
        }
    };
    Ok(Html(
        layout::page(&nonce, "Accepted citations", "Accepted", body).into_string(),
    ))
}

/// `GET /accepted.csv?q=QUERY`: one row per quotation, the citation in Markdown.
pub async fn csv(
    State(desk): State<Arc<Desk>>,
    Query(p): Query<Params>,
) -> Result<Response, DeskError> {
    let rows = rows(&desk, query_of(&p), Format::Markdown).await?;
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in &rows {
        w.serialize(r)
            .map_err(|e| DeskError::BadRequest(format!("writing CSV: {e}")))?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| DeskError::BadRequest(format!("writing CSV: {e}")))?;
    Ok(download("text/csv; charset=utf-8", "accepted.csv", bytes))
}

/// `GET /accepted.jsonl?q=QUERY&format=F`: one JSON object per line.
pub async fn jsonl(
    State(desk): State<Arc<Desk>>,
    Query(p): Query<Params>,
) -> Result<Response, DeskError> {
    let (format, _) = format_of(&p)?;
    let rows = rows(&desk, query_of(&p), format).await?;
    let mut out = Vec::new();
    for r in &rows {
        let line = serde_json::to_string(r)
            .map_err(|e| DeskError::BadRequest(format!("writing JSON: {e}")))?;
        out.extend_from_slice(line.as_bytes());
        out.push(b'\n');
    }
    Ok(download("application/x-ndjson", "accepted.jsonl", out))
}

fn download(kind: &'static str, name: &str, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, kind.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}
