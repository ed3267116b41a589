//! The story reader: one story's text with its quotations marked in their review states, its
//! metadata, its syndicated copies and the posts that used it (`verify --record`). Read-only.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::Html;
use axum::Extension;
use maud::{html, Markup};

use super::guard::Nonce;
use super::{layout, with_store, Desk, DeskError};
use crate::review::{self, Status};
use crate::store::Use;
use crate::story::Story;

/// One run of the text: plain, or a quotation (its id and state).
enum Run {
    Plain(String),
    Quote {
        id: String,
        status: Status,
        speaker: Option<String>,
        text: String,
    },
}

struct Reader {
    story: Story,
    runs: Vec<Run>,
    family: Vec<Story>,
    uses: Vec<Use>,
    quotes: usize,
}

/// The text cut into runs at the quotations' char offsets (in text order; one that overlaps
/// the one before is not marked).
fn runs(text: &str, quotes: Vec<(review::StoredQuote, Status)>) -> Vec<Run> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut at = 0;
    for (q, status) in quotes {
        let (start, end) = (q.quote.start.min(chars.len()), q.quote.end.min(chars.len()));
        if start < at || end <= start {
            continue;
        }
        out.push(Run::Plain(chars[at..start].iter().collect()));
        out.push(Run::Quote {
            id: q.id,
            status,
            speaker: q.quote.speaker,
            text: chars[start..end].iter().collect(),
        });
        at = end;
    }
    out.push(Run::Plain(chars[at..].iter().collect()));
    out
}

/// `GET /story/{id}`.
pub async fn page(
    State(desk): State<Arc<Desk>>,
    Extension(nonce): Extension<Nonce>,
    Path(id): Path<String>,
) -> Result<Html<String>, DeskError> {
    let reader = with_store(&desk, move |store| {
        let story = store
            .story(&id)?
            .ok_or_else(|| DeskError::NotFound(format!("no story has the id {id}")))?;
        let text = store.text(&story)?.unwrap_or_default();
        let stored = review::of_story(store, &story)?.quotes;
        let quotes = stored.len();
        let mut marked = Vec::with_capacity(quotes);
        for q in stored {
            let status = store.review(&q.id)?.map(|r| r.status).unwrap_or_default();
            marked.push((q, status));
        }
        Ok(Reader {
            runs: runs(&text, marked),
            family: review::family(store, &story)?,
            uses: store.story_uses(&story.id)?,
            quotes,
            story,
        })
    })
    .await?;
    let title = reader
        .story
        .title
        .clone()
        .unwrap_or_else(|| "(untitled)".into());
    Ok(Html(
        layout::page(&nonce, &title, "", render(&desk, &reader)).into_string(),
    ))
}

fn render(desk: &Desk, r: &Reader) -> Markup {
    let s = &r.story;
    html! {
        main.reader {
            h1 { (s.title.as_deref().unwrap_or("(untitled)")) }
            dl.meta {
                dt { "Outlet" } dd { (desk.outlet_name(&s.outlet)) " (" code { (s.outlet) } ")" }
                dt { "Published" } dd {
                    time datetime=(s.published.to_rfc3339()) { (s.published.format("%Y-%m-%d %H:%M UTC")) }
                    " (from " (format!("{:?}", s.published_from).to_lowercase()) ")"
                }
                @if let Some(u) = s.updated { dt { "Updated" } dd { (u.format("%Y-%m-%d %H:%M UTC")) } }
                @if !s.authors.is_empty() { dt { "By" } dd { (s.authors.join(", ")) } }
                @if let Some(u) = &s.url { dt { "Link" } dd { a href=(u) rel="noreferrer noopener" { (u) } } }
                dt { "Text" } dd {
                    (format!("{:?}", s.text.source).to_lowercase()) ", " (s.text.len) " characters"
                    @if let Some(n) = &s.text.note { " — " (n) }
                }
                dt { "Quotations" } dd { (r.quotes) }
                dt { "Story id" } dd { code { (s.id) } }
            }
            @if !r.family.is_empty() {
                h2 { "The same article elsewhere" }
                ul.family {
                    @for f in &r.family {
                        li {
                            a href={ "/story/" (f.id) } { (desk.outlet_name(&f.outlet)) }
                            " · " (f.published.format("%Y-%m-%d %H:%M UTC"))
                            @if f.copy_of.is_none() { " · the original" }
                        }
                    }
                }
            }
            @if !r.uses.is_empty() {
                h2 { "Used in posts" }
                ul.uses {
                    @for u in &r.uses { li { code { (u.post) } ", line " (u.line) ": " (u.status) } }
                }
            }
            h2 { "Text" }
            div.text {
                @for run in &r.runs {
                    @match run {
                        Run::Plain(t) => (t),
                        Run::Quote { id, status, speaker, text } => {
                            mark.(status.as_str()) id={ "q-" (id) }
                                title={ (status.as_str()) " · " (speaker.as_deref().unwrap_or("speaker unknown")) " · " (id) } { (text) }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quotes::{Kind, Quote};

    #[test]
    fn runs_mark_quotations_and_skip_overlaps() {
        let q = |id: &str, start, end| {
            (
                review::StoredQuote {
                    id: id.into(),
                    quote: Quote {
                        text: String::new(),
                        start,
                        end,
                        kind: Kind::Direct,
                        speaker: None,
                        speaker_as_written: None,
                        cue: None,
                    },
                },
                Status::Candidate,
            )
        };
        let r = runs("ab“cd” ef", vec![q("1", 3, 5), q("2", 4, 8), q("3", 7, 99)]);
        let marked: Vec<String> = r
            .iter()
            .filter_map(|r| match r {
                Run::Quote { text, .. } => Some(text.clone()),
                Run::Plain(_) => None,
            })
            .collect();
        assert_eq!(marked, ["cd", "ef"]);
    }
}
