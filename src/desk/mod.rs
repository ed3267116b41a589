//! The desk: `quotewire serve`, a local web page for the author's daily review of candidate
//! quotations and (later pages) the editor's check of a post.
//!
//! One process serves server-rendered pages (maud: every value rendered is escaped) and one
//! small script of our own for the keyboard. Every request passes `guard` (Host, token,
//! CSRF, Origin checks; security headers with a per-response nonce). The database is opened
//! per burst of requests and let go soon after (`db`), so the cron job's `fetch` goes on.
//! Pages: `queue` (the review queue, decisions, citations), `story` (the story reader),
//! `accepted` (the accepted citations as one block, CSV and JSON Lines), `check` (the
//! editor's check of a post), `feeds` (each feed's health, "fetch now"). What this is not: a second
//! implementation of the review: decisions, listings and citations are `crate::review`'s.

mod accepted;
mod check;
pub mod db;
mod feeds;
mod guard;
mod layout;
mod queue;
mod story;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

use crate::config::Config;
use crate::store::{Db, StoreError};

pub use guard::{random_hex, TOKEN_COOKIE};

/// The largest request body the desk reads (an uploaded post).
pub const MAX_BODY: usize = 2 * 1024 * 1024;

/// What the desk serves from, set up once by `quotewire serve`.
pub struct Options {
    pub db: Db,
    pub lock_wait: Duration,
    /// feeds.toml, for outlet names and the feeds page; None when there is none.
    pub config: Option<Config>,
    /// The address the desk listens on; its Host values are the only ones answered when no
    /// token is set.
    pub listen: SocketAddr,
    /// The access token, required when listening beyond loopback.
    pub token: Option<String>,
    /// The folder of posts the check offers to pick from (and may record).
    pub posts_dir: Option<PathBuf>,
}

/// The desk's state, shared by every request.
pub struct Desk {
    pub db: db::Shared,
    pub token: Option<String>,
    /// The token every state-changing request carries (in the form's action or a header).
    pub csrf: String,
    /// The Host header values answered; empty for any (when a token guards the desk).
    pub hosts: Vec<String>,
    pub config: Option<Config>,
    /// Outlet id → the name citations print.
    pub outlet_names: HashMap<String, String>,
    pub posts_dir: Option<PathBuf>,
    /// Where the store is (for "fetch now").
    pub location: Db,
    pub lock_wait: Duration,
    /// What the last "fetch now" said (started, done, failed).
    pub pass: std::sync::Mutex<Option<String>>,
}

impl Desk {
    pub fn new(opts: Options) -> Desk {
        let port = opts.listen.port();
        let hosts = if opts.token.is_some() {
            Vec::new()
        } else {
            let mut h = vec![opts.listen.to_string()];
            if opts.listen.ip().is_loopback() {
                h.extend([
                    format!("localhost:{port}"),
                    format!("127.0.0.1:{port}"),
                    format!("[::1]:{port}"),
                ]);
            }
            h
        };
        let outlet_names = opts
            .config
            .iter()
            .flat_map(|c| c.outlets.iter())
            .map(|o| (o.id.clone(), o.name.clone()))
            .collect();
        Desk {
            db: db::Shared::new(opts.db.clone(), opts.lock_wait),
            location: opts.db,
            lock_wait: opts.lock_wait,
            pass: std::sync::Mutex::new(None),
            token: opts.token,
            csrf: random_hex(),
            hosts,
            config: opts.config,
            outlet_names,
            posts_dir: opts.posts_dir,
        }
    }

    /// The name citations give an outlet: feeds.toml's, else its id.
    pub fn outlet_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.outlet_names.get(id).map_or(id, String::as_str)
    }
}

/// The desk's routes, behind the guard.
pub fn router(desk: Arc<Desk>) -> Router {
    Router::new()
        .route("/", get(queue::page))
        .route("/quotes/status", post(queue::decide))
        .route("/quotes/{id}/cite", get(queue::cite))
        .route("/reviewed", post(queue::reviewed))
        .route("/story/{id}", get(story::page))
        .route("/feeds", get(feeds::page))
        .route("/feeds/fetch", post(feeds::fetch))
        .route("/check", get(check::page).post(check::upload))
        .route("/check/record", post(check::record))
        .route("/accepted", get(accepted::page))
        .route("/accepted.csv", get(accepted::csv))
        .route("/accepted.jsonl", get(accepted::jsonl))
        .route("/searches", post(queue::save_search))
        .route("/searches/delete", post(queue::delete_search))
        .route("/assets/desk.js", get(layout::script))
        .route("/assets/desk.css", get(layout::style))
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(
            desk.clone(),
            guard::guard,
        ))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(desk)
}

async fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "no such page on the desk",
    )
        .into_response()
}

/// Why a request could not be answered.
#[derive(Debug, thiserror::Error)]
pub enum DeskError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    NotFound(String),
    #[error("the desk's worker stopped: {0}")]
    Join(String),
}

impl IntoResponse for DeskError {
    fn into_response(self) -> Response {
        let status = match &self {
            DeskError::Store(StoreError::Locked { .. }) => StatusCode::SERVICE_UNAVAILABLE,
            DeskError::BadRequest(_) => StatusCode::BAD_REQUEST,
            DeskError::NotFound(_) => StatusCode::NOT_FOUND,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        if status == StatusCode::INTERNAL_SERVER_ERROR {
            tracing::error!("{self}");
        }
        (
            status,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            self.to_string(),
        )
            .into_response()
    }
}

/// Runs `work` on the database off the async threads.
pub async fn with_store<T: Send + 'static>(
    desk: &Arc<Desk>,
    work: impl FnOnce(&crate::store::Store) -> Result<T, DeskError> + Send + 'static,
) -> Result<T, DeskError> {
    let desk = desk.clone();
    tokio::task::spawn_blocking(move || {
        let mut out = None;
        let run = desk.db.with(|s| {
            out = Some(work(s));
            Ok(())
        });
        match (run, out) {
            (Err(e), _) => Err(DeskError::Store(e)),
            (Ok(()), Some(r)) => r,
            (Ok(()), None) => Err(DeskError::Join("no result".into())),
        }
    })
    .await
    .map_err(|e| DeskError::Join(e.to_string()))?
}

/// Lets go of the database a few times a second when it is idle or held too long
/// (`db::Shared::tick`), until the task is aborted.
pub fn keep_tidy(desk: Arc<Desk>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_millis(100));
        loop {
            every.tick().await;
            let d = desk.clone();
            // Closing flushes: off the async threads.
            let _ = tokio::task::spawn_blocking(move || d.db.tick()).await;
        }
    })
}

/// Serves the desk on `listener` until `shutdown` resolves, then lets go of the database.
pub async fn serve(
    listener: tokio::net::TcpListener,
    desk: Arc<Desk>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let tidy = keep_tidy(desk.clone());
    let served = axum::serve(listener, router(desk.clone()))
        .with_graceful_shutdown(shutdown)
        .await;
    tidy.abort();
    let d = desk.clone();
    let _ = tokio::task::spawn_blocking(move || d.db.release()).await;
    served
}
