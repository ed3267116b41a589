//! The editor's check: a post (picked from the posts folder, uploaded, or pasted) run through
//! `verify`, each passage shown beside the source's words with the differences marked, its
//! attribution, link, speaker and date findings, a link to the stored source; `n`/`p` step
//! through the problems; "record" does what `verify --record` does for a post of the folder.
//!
//! Reading and verifying are `post`'s and `verify`'s; this page only draws their report.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::extract::{Multipart, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use chrono::NaiveDate;
use maud::{html, Markup};
use serde::Deserialize;

use super::guard::Nonce;
use super::{layout, with_store, Desk, DeskError};
use crate::limits;
use crate::post::{self, decode, Format, MAX_POST_BYTES};
use crate::verify::sides::{pieces, Diff, Mark, Side};
use crate::verify::{self, PassageReport, Report};

/// The post files the folder offers: names only, sorted, no sub-folders, no hidden files.
fn folder_posts(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| !n.starts_with('.'))
        .filter(|n| {
            let lower = n.to_ascii_lowercase();
            [".md", ".markdown", ".txt", ".html", ".htm"]
                .iter()
                .any(|x| lower.ends_with(x))
        })
        .collect();
    out.sort();
    out
}

/// A file of the posts folder by its name, only if the folder lists it (no paths).
fn folder_file(desk: &Desk, name: &str) -> Result<PathBuf, DeskError> {
    let dir = desk.posts_dir.as_ref().ok_or_else(|| {
        DeskError::BadRequest(
            "no posts folder: start the desk with --posts DIR to pick posts from it".into(),
        )
    })?;
    if !folder_posts(dir).iter().any(|n| n == name) {
        return Err(DeskError::NotFound(format!(
            "the posts folder has no post called {name:?}"
        )));
    }
    Ok(dir.join(name))
}

/// A post as given: its bytes, a name to show, its format, and the key `record` uses.
struct Given {
    name: String,
    bytes: Vec<u8>,
    format: Format,
    record_key: Option<String>,
    date: Option<NaiveDate>,
}

fn parse_date(s: Option<&str>) -> Result<Option<NaiveDate>, DeskError> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(d) => NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| {
                DeskError::BadRequest(format!(
                    "cannot read the date {d:?}: write it as 2020-01-03"
                ))
            }),
    }
}

fn format_named(name: &str, fallback: Format) -> Format {
    match name {
        "markdown" => Format::Markdown,
        "html" => Format::Html,
        "text" => Format::Plain,
        _ => fallback,
    }
}

/// Reads, verifies and (when asked, for a folder post) records the post.
async fn run(
    desk: &Arc<Desk>,
    given: Given,
    record: bool,
) -> Result<(Given, Report, Option<usize>), DeskError> {
    let config = desk.config.clone().ok_or_else(|| {
        DeskError::BadRequest(
            "the check needs feeds.toml: start the desk with --config FILE".into(),
        )
    })?;
    let decoded = decode::decode(&given.bytes, given.format, None)
        .map_err(|e| DeskError::BadRequest(format!("{}: {e}", given.name)))?;
    let (format, date) = (given.format, given.date);
    let parsed = limits::contain("post reader", None, move || {
        post::parse(&decoded.text, format, date)
    })
    .map_err(|e| DeskError::BadRequest(format!("{}: {e}", given.name)))?
    .map_err(|e| DeskError::BadRequest(format!("{}: {e}", given.name)))?;
    let key = given.record_key.clone();
    let (report, recorded) = with_store(desk, move |store| {
        let report = verify::verify(store, &config, &parsed)?;
        let recorded = match (record, key) {
            (true, Some(k)) => Some(verify::record(store, &k, &report)?),
            _ => None,
        };
        Ok((report, recorded))
    })
    .await?;
    Ok((given, report, recorded))
}

#[derive(Debug, Default, Deserialize)]
pub struct Params {
    /// A post of the posts folder, by name.
    file: Option<String>,
    date: Option<String>,
    /// Set after a record: how many passages were recorded.
    recorded: Option<usize>,
}

/// `GET /check`: the ways to give a post; `GET /check?file=NAME`: that post's check.
pub async fn page(
    State(desk): State<Arc<Desk>>,
    Extension(nonce): Extension<Nonce>,
    Query(p): Query<Params>,
) -> Result<Html<String>, DeskError> {
    let body = match &p.file {
        None => choose(&desk),
        Some(name) => {
            let given = folder_given(&desk, name, p.date.as_deref())?;
            let (given, report, _) = run(&desk, given, false).await?;
            render(&desk, &given, &report, p.recorded)
        }
    };
    Ok(Html(
        layout::page(&nonce, "Check a post", "Check a post", body).into_string(),
    ))
}

/// A post of the folder, keyed for `record` by its absolute path as `verify --record` keys it.
fn folder_given(desk: &Desk, name: &str, date: Option<&str>) -> Result<Given, DeskError> {
    let path = folder_file(desk, name)?;
    Ok(Given {
        name: name.to_string(),
        bytes: read_capped(&path)?,
        format: Format::from_path(&path),
        record_key: Some(
            std::fs::canonicalize(&path)
                .unwrap_or(path.clone())
                .display()
                .to_string(),
        ),
        date: parse_date(date)?,
    })
}

fn read_capped(path: &Path) -> Result<Vec<u8>, DeskError> {
    let len = std::fs::metadata(path)
        .map_err(|e| DeskError::NotFound(format!("{}: {e}", path.display())))?
        .len();
    if len > MAX_POST_BYTES as u64 {
        return Err(DeskError::BadRequest(format!(
            "the post is {len} bytes; posts over {MAX_POST_BYTES} bytes are not read"
        )));
    }
    std::fs::read(path).map_err(|e| DeskError::NotFound(format!("{}: {e}", path.display())))
}

/// `POST /check`: an uploaded or pasted post (multipart: `post` file or `text`, `format`,
/// `date`).
pub async fn upload(
    State(desk): State<Arc<Desk>>,
    Extension(nonce): Extension<Nonce>,
    mut form: Multipart,
) -> Result<Html<String>, DeskError> {
    let (mut file, mut text, mut format, mut date) = (None, None, String::new(), None);
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|e| DeskError::BadRequest(format!("the form could not be read: {e}")))?
    {
        let name = field.name().unwrap_or("").to_string();
        let filename = field.file_name().map(str::to_string);
        let bytes = field
            .bytes()
            .await
            .map_err(|e| DeskError::BadRequest(format!("the form could not be read: {e}")))?;
        match name.as_str() {
            "post" if !bytes.is_empty() => {
                file = Some((filename.unwrap_or_else(|| "upload".into()), bytes.to_vec()))
            }
            "text" if !bytes.trim_ascii().is_empty() => text = Some(bytes.to_vec()),
            "format" => format = String::from_utf8_lossy(&bytes).into_owned(),
            "date" => date = Some(String::from_utf8_lossy(&bytes).into_owned()),
            _ => {}
        }
    }
    let date = parse_date(date.as_deref())?;
    let given = match (file, text) {
        (Some((name, bytes)), _) => Given {
            format: format_named(&format, Format::from_path(Path::new(&name))),
            name,
            bytes,
            record_key: None,
            date,
        },
        (None, Some(bytes)) => Given {
            name: "the pasted post".into(),
            bytes,
            format: format_named(&format, Format::Markdown),
            record_key: None,
            date,
        },
        (None, None) => {
            return Err(DeskError::BadRequest(
                "give a post: choose a file or paste its text".into(),
            ))
        }
    };
    let (given, report, _) = run(&desk, given, false).await?;
    Ok(Html(
        layout::page(
            &nonce,
            "Check a post",
            "Check a post",
            render(&desk, &given, &report, None),
        )
        .into_string(),
    ))
}

#[derive(Debug, Deserialize)]
pub struct RecordForm {
    file: String,
    date: Option<String>,
}

/// `POST /check/record`: records a folder post's sources, as `verify --record`.
pub async fn record(
    State(desk): State<Arc<Desk>>,
    Form(f): Form<RecordForm>,
) -> Result<Response, DeskError> {
    let given = folder_given(&desk, &f.file, f.date.as_deref())?;
    let (_, _, recorded) = run(&desk, given, true).await?;
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    Ok(Redirect::to(&format!(
        "/check?file={}&date={}&recorded={}",
        enc(&f.file),
        enc(f.date.as_deref().unwrap_or("")),
        recorded.unwrap_or(0)
    ))
    .into_response())
}

/// The page that offers the three ways.
fn choose(desk: &Desk) -> Markup {
    let csrf = &desk.csrf;
    let files = desk.posts_dir.as_deref().map(folder_posts);
    html! {
        main.check {
            h1 { "Check a post" }
            @match &files {
                Some(files) if !files.is_empty() => {
                    h2 { "From the posts folder" }
                    ul.posts { @for f in files { li { a href={ "/check?file=" (url::form_urlencoded::byte_serialize(f.as_bytes()).collect::<String>()) } { (f) } } } }
                }
                Some(_) => { p { "The posts folder holds no .md, .txt or .html file." } }
                None => { p.hint { "Start the desk with " code { "--posts DIR" } " to pick posts from a folder (and record their sources)." } }
            }
            h2 { "Upload or paste" }
            form.upload method="post" action={ "/check?csrf=" (csrf) } enctype="multipart/form-data" {
                p { label { "A post file (Markdown, HTML or text) " input type="file" name="post" accept=".md,.markdown,.txt,.html,.htm"; } }
                p { label { "or its text " textarea name="text" rows="10" cols="80" {} } }
                p {
                    label { "Format " select name="format" {
                        option value="auto" { "from the file name (pasted: Markdown)" }
                        option value="markdown" { "Markdown" }
                        option value="html" { "HTML" }
                        option value="text" { "plain text" }
                    } }
                    " "
                    label { "Post's date, if it gives none " input type="date" name="date"; }
                }
                button type="submit" { "Check" }
            }
        }
    }
}

fn code_of<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn marked(text: &str, p: &PassageReport, side: Side) -> Markup {
    let diffs: Vec<Diff> = p
        .differences
        .iter()
        .map(|d| Diff {
            kind: d.kind,
            post_at: d.post_at,
            source_at: d.source_at,
        })
        .collect();
    html! {
        @for (piece, mark) in pieces(text, &diffs, side) {
            @match mark {
                Mark::Same => (piece),
                Mark::Added => ins { (piece) },
                Mark::Dropped => del { (piece) },
                Mark::Changed => mark.changed { (piece) },
            }
        }
    }
}

/// The report: a summary and one section per passage, problems first to step to.
fn render(desk: &Desk, given: &Given, report: &Report, recorded: Option<usize>) -> Markup {
    let problems = report.problems();
    let checked: Vec<&PassageReport> = report
        .passages
        .iter()
        .filter(|p| !p.is_own_words())
        .collect();
    html! {
        main.check data-problems=(problems) {
            h1 { "Check: " (given.name) }
            p.summary {
                @if let Some(t) = &report.title { strong { (t) } " · " }
                @if let Some(d) = report.date { "dated " (d) " · " }
                "years from " (report.year_from) " · "
                (checked.len()) " passages checked · "
                @if problems == 0 { span.ok { "no problems" } }
                @else { span.bad { (problems) " " (if problems == 1 { "problem" } else { "problems" }) } " (n / p step through them)" }
            }
            @for l in &report.limits { p.error { "Not fully checked: only " (l.max) " " (l.limit) " of " (l.found) " were read." } }
            @if let Some(n) = recorded { p.ok { "Recorded " (n) " passages' sources: stories and quotations now list this post." } }
            @if let Some(key) = &given.record_key {
                @if recorded.is_none() {
                    form.inline method="post" action={ "/check/record?csrf=" (desk.csrf) } {
                        input type="hidden" name="file" value=(given.name);
                        @if let Some(d) = given.date { input type="hidden" name="date" value=(d.to_string()); }
                        button type="submit" title=(key) { "Record the sources (verify --record)" }
                    }
                }
            }
            @for (i, p) in checked.iter().enumerate() {
                section.passage.(if p.problems.is_empty() { "fine" } else { "problem" }) id={ "p-" (i) } tabindex="-1" {
                    p.place {
                        "line " (p.line) " · " (p.marked) " · "
                        span.status { (code_of(&p.status)) }
                        @if let Some(d) = p.day { " · filed under " (d) }
                    }
                    div.sides {
                        div.post { span.label { "post" } (marked(&p.text, p, Side::Post)) }
                        @if let Some(src) = &p.source_text {
                            div.source { span.label { "source" } (marked(src, p, Side::Source)) }
                        }
                    }
                    @if let Some(s) = &p.source {
                        p.source-line {
                            "source: "
                            a href={ "/story/" (s.story_id) } { (desk.outlet_name(&s.outlet)) ", " (s.published.format("%Y-%m-%d %H:%M UTC")) }
                            @if let Some(t) = &s.title { " — " (t) }
                            @if let Some(u) = &s.url { " · " a href=(u) rel="noreferrer noopener" { "the page" } }
                            @if p.copies.len() > 1 { " · also " (p.copies.len() - 1) " syndicated copies" }
                        }
                    }
                    ul.findings {
                        li { "attribution: " (code_of(&p.attribution))
                            @if let Some(c) = &p.claimed_outlet { " (the post names " (c) ")" } }
                        @if let Some(l) = &p.link { li { "link: " (l) } }
                        @if let Some(s) = &p.speaker { li { "speaker: the post names " (s.claimed) ", the source " (s.stored) } }
                        @if let Some(d) = &p.date { li { "date (" (d.level) "): " (d.message) } }
                        @for pr in &p.problems { li.bad { code { (pr.code) } " " (pr.message) } }
                        @for w in &p.warnings { li.warn { code { (w.code) } " " (w.message) } }
                    }
                }
            }
        }
    }
}
