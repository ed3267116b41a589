//! The feeds page: each configured feed's health as `quotewire feeds` shows it, and "fetch
//! now", which runs one pass over every feed the servers allow (as `fetch --all`) on a thread
//! of its own. The pass takes `DIR/fetch.lock` like the cron job's, so the two never overlap;
//! it opens the database in rounds, as the cron job's does, so the desk answers meanwhile.

use std::sync::Arc;

use crate::words::plural;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Extension;
use chrono::Utc;
use maud::html;

use super::guard::Nonce;
use super::{layout, with_store, Desk, DeskError};
use crate::fetcher::FeedState;
use crate::ingest::{self, PassOptions};

/// `GET /feeds`.
pub async fn page(
    State(desk): State<Arc<Desk>>,
    Extension(nonce): Extension<Nonce>,
) -> Result<Html<String>, DeskError> {
    let config = desk.config.clone().ok_or_else(|| {
        DeskError::BadRequest(
            "the feeds page needs feeds.toml: start the desk with --config FILE".into(),
        )
    })?;
    let feeds: Vec<(String, String, bool)> = config
        .feeds()
        .map(|f| (f.url.to_string(), f.outlet.clone(), f.enabled))
        .collect();
    let rows = with_store(&desk, move |store| {
        let mut rows = Vec::with_capacity(feeds.len());
        for (url, outlet, enabled) in feeds {
            let state = store
                .feed_state(&url)?
                .unwrap_or_else(|| FeedState::new(&url, &outlet));
            rows.push((url, outlet, enabled, state));
        }
        Ok(rows)
    })
    .await?;
    let pass = desk.pass.lock().map(|p| p.clone()).unwrap_or_default();
    let now = Utc::now();
    let time = |t: Option<chrono::DateTime<Utc>>| {
        t.map_or("-".to_string(), |t| {
            t.format("%Y-%m-%d %H:%M UTC").to_string()
        })
    };
    let body = html! {
        main.feeds {
            h1 { "Feeds" }
            p.status-line {
                (rows.len()) " feeds · "
                (rows.iter().filter(|r| r.3.health(r.2) == "failing").count()) " failing · "
                (rows.iter().filter(|r| r.3.gone).count()) " gone"
            }
            @if let Some(p) = &pass { p.pass role="status" { (p) } }
            form.inline method="post" action={ "/feeds/fetch?csrf=" (desk.csrf) } {
                button type="submit" { "Fetch now" }
                " every feed the servers allow now, as " code { "quotewire fetch --all" }
            }
            table.feeds {
                thead { tr { th { "outlet" } th { "status" } th { "errors" } th { "last fetch" } th { "next due" } th { "entries" } th { "feed" } } }
                tbody {
                    @for (url, outlet, enabled, s) in &rows {
                        @let health = s.health(*enabled);
                        tr.(health.replace(' ', "-")) {
                            td { code { (outlet) } }
                            td { (health) @if let Some(code) = s.last_status { " (HTTP " (code) ")" } }
                            td { (s.error_count) }
                            td { (time(s.last_attempt)) }
                            td { @if s.gone || !enabled { "-" } @else if s.next_due.is_some_and(|t| t > now) { (time(s.next_due)) } @else { "now" } }
                            td { (s.entries) }
                            td {
                                (url)
                                @if let Some(t) = &s.title { br; span.title { (t) } }
                                @if let (Some(r), true) = (&s.last_result, s.error_count > 0 || s.gone) { br; span.bad { "last: " (r) } }
                                @if let Some(to) = &s.moved_to { br; span.bad { "moved permanently to " (to) ": update feeds.toml" } }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(Html(
        layout::page(&nonce, "Feeds", "Feeds", body).into_string(),
    ))
}

/// `POST /feeds/fetch`: starts a pass unless one runs.
pub async fn fetch(State(desk): State<Arc<Desk>>) -> Result<Response, DeskError> {
    let config = desk.config.clone().ok_or_else(|| {
        DeskError::BadRequest("fetching needs feeds.toml: start the desk with --config FILE".into())
    })?;
    let db = desk.location.clone();
    let lock_wait = desk.lock_wait;
    let Some(run_lock) = ingest::run_lock(&db)? else {
        set_pass(
            &desk,
            "A fetch is running already (the cron job's or this desk's).".into(),
        );
        return Ok(Redirect::to("/feeds").into_response());
    };
    set_pass(
        &desk,
        format!("Fetch started at {}.", Utc::now().format("%H:%M:%S UTC")),
    );
    let d = desk.clone();
    std::thread::spawn(move || {
        let _held = run_lock;
        let outcome = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| e.to_string())
            .and_then(|rt| {
                let mut on_wait = |_: &str| {};
                let opts = PassOptions {
                    all: true,
                    lock_wait,
                    on_wait: &mut on_wait,
                    on_progress: &|_, _| {},
                };
                rt.block_on(ingest::fetch_pass(&config, &db, opts, &|_| true))
                    .map_err(|e| e.to_string())
            });
        let said = match outcome {
            Ok(r) => format!(
                "Fetch done at {}: {} fetched ({} changed, {} failed), {}, {} fetched.",
                Utc::now().format("%H:%M:%S UTC"),
                plural(r.feeds_due, "feed", "feeds"),
                r.feeds_changed,
                r.feeds_failed,
                plural(r.stories_new, "new story", "new stories"),
                plural(r.articles_fetched, "page", "pages")
            ),
            Err(e) => format!("The fetch failed: {e}"),
        };
        set_pass(&d, said);
    });
    Ok(Redirect::to("/feeds").into_response())
}

fn set_pass(desk: &Desk, said: String) {
    if let Ok(mut p) = desk.pass.lock() {
        *p = Some(said);
    }
}
