//! A real HTTP server on 127.0.0.1 for tests, serving `fixtures/feeds/` with the behaviours
//! feeds show in the wild. Routes:
//!
//! - `/f/FILE` the fixture, with ETag and Last-Modified, 304 on a matching If-None-Match;
//!   `?charset=X` adds a charset to the Content-Type
//! - `/noetag/FILE` the fixture without validators
//! - `/swap/NAME` whatever fixture the test set for NAME with `Server::swap`
//! - `/status/CODE` that status; 429 and 503 carry `Retry-After: 120`
//! - `/slow/FILE` the fixture after 3 seconds
//! - `/stall/FILE` the first request answered after 20 seconds (for a test that ends the
//!   fetch first), later ones at once
//! - `/big` 2 MiB streamed without a Content-Length
//! - `/loop/a` and `/loop/b` redirect to each other
//! - `/moved/FILE` 301 to `/f/FILE`
//! - `/private` 302 to 127.0.0.2, an address no test config names
//! - `/a/FILE` an article page from `fixtures/articles/`, as text/html without a charset
//! - `/made/NAME` the body the test gave for NAME with `Server::put`
//! - `/redirect?to=URL` 302 to URL
//!
//! Every request is counted by path (with query) and If-None-Match presence.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Path as UrlPath, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

#[derive(Default)]
struct Shared {
    hits: HashMap<String, usize>,
    conditional_hits: HashMap<String, usize>,
    swaps: HashMap<String, String>,
    made: HashMap<String, (String, Vec<u8>)>,
}

type AppState = Arc<Mutex<Shared>>;

/// A running server; stops when dropped (its runtime thread ends with the test process).
pub struct Server {
    pub addr: SocketAddr,
    state: AppState,
}

impl Server {
    pub fn start() -> Server {
        let state: AppState = Arc::default();
        let app = Router::new()
            .route("/f/{file}", get(fixture))
            .route("/noetag/{file}", get(fixture_plain))
            .route("/swap/{name}", get(swapped))
            .route("/status/{code}", get(status))
            .route("/slow/{file}", get(slow))
            .route("/stall/{file}", get(stall))
            .route("/big", get(big))
            .route("/loop/{which}", get(redirect_loop))
            .route("/moved/{file}", get(moved))
            .route("/private", get(private))
            .route("/a/{file}", get(article_page))
            .route("/made/{name}", get(made))
            .route("/redirect", get(redirect))
            .layer(axum::middleware::from_fn_with_state(state.clone(), count))
            .with_state(state.clone());
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("bind");
                tx.send(listener.local_addr().expect("addr")).expect("send");
                axum::serve(listener, app).await.expect("serve");
            });
        });
        let addr = rx.recv().expect("server address");
        Server { addr, state }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// Requests seen for a path (with its query).
    pub fn hits(&self, path: &str) -> usize {
        self.state
            .lock()
            .unwrap()
            .hits
            .get(path)
            .copied()
            .unwrap_or(0)
    }

    /// Requests for a path that carried If-None-Match.
    pub fn conditional_hits(&self, path: &str) -> usize {
        let s = self.state.lock().unwrap();
        s.conditional_hits.get(path).copied().unwrap_or(0)
    }

    /// Makes `/swap/NAME` serve `fixtures/feeds/FILE`.
    pub fn swap(&self, name: &str, file: &str) {
        let mut s = self.state.lock().unwrap();
        s.swaps.insert(name.to_string(), file.to_string());
    }

    /// Makes `/made/NAME` serve `body` as `content_type` (a feed or page the test writes).
    pub fn put(&self, name: &str, content_type: &str, body: impl Into<Vec<u8>>) {
        let mut s = self.state.lock().unwrap();
        s.made
            .insert(name.to_string(), (content_type.to_string(), body.into()));
    }
}

async fn count(
    State(state): State<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let key = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    {
        let mut s = state.lock().unwrap();
        *s.hits.entry(key.clone()).or_default() += 1;
        if req.headers().contains_key(header::IF_NONE_MATCH) {
            *s.conditional_hits.entry(key).or_default() += 1;
        }
    }
    next.run(req).await
}

fn read_fixture(file: &str) -> Option<Vec<u8>> {
    read_from("feeds", file)
}

fn read_from(dir: &str, file: &str) -> Option<Vec<u8>> {
    if file.contains("..") || file.contains('/') {
        return None;
    }
    std::fs::read(super::fixture(dir).join(file)).ok()
}

async fn article_page(UrlPath(file): UrlPath<String>) -> Response {
    match read_from("articles", &file) {
        Some(body) => ([(header::CONTENT_TYPE, "text/html")], body).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

fn content_type(file: &str) -> &'static str {
    if file.ends_with(".json") {
        "application/feed+json"
    } else if file.ends_with(".html") {
        "text/html; charset=utf-8"
    } else {
        "application/rss+xml"
    }
}

fn etag_of(body: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let d = Sha256::digest(body);
    format!(
        "\"{}\"",
        d[..8]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    )
}

fn serve_file(
    file: &str,
    headers: &HeaderMap,
    validators: bool,
    charset: Option<&str>,
) -> Response {
    let Some(body) = read_fixture(file) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let ct = match charset {
        Some(cs) => format!("{}; charset={cs}", content_type(file)),
        None => content_type(file).to_string(),
    };
    if !validators {
        return ([(header::CONTENT_TYPE, ct)], body).into_response();
    }
    let etag = etag_of(&body);
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == etag);
    if matches {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
    }
    (
        [
            (header::CONTENT_TYPE, ct),
            (header::ETAG, etag),
            (
                header::LAST_MODIFIED,
                "Tue, 31 Dec 2019 12:00:00 GMT".to_string(),
            ),
        ],
        body,
    )
        .into_response()
}

async fn fixture(
    UrlPath(file): UrlPath<String>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    serve_file(&file, &headers, true, q.get("charset").map(String::as_str))
}

async fn fixture_plain(UrlPath(file): UrlPath<String>, headers: HeaderMap) -> Response {
    serve_file(&file, &headers, false, None)
}

async fn swapped(
    State(state): State<AppState>,
    UrlPath(name): UrlPath<String>,
    headers: HeaderMap,
) -> Response {
    let file = state.lock().unwrap().swaps.get(&name).cloned();
    match file {
        Some(f) => serve_file(&f, &headers, true, None),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn status(UrlPath(code): UrlPath<u16>) -> Response {
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::BAD_REQUEST);
    if code == 429 || code == 503 {
        (status, [(header::RETRY_AFTER, "120")], "slow down").into_response()
    } else {
        (status, "no").into_response()
    }
}

async fn slow(UrlPath(file): UrlPath<String>, headers: HeaderMap) -> Response {
    tokio::time::sleep(Duration::from_secs(3)).await;
    serve_file(&file, &headers, true, None)
}

async fn stall(
    State(state): State<AppState>,
    UrlPath(file): UrlPath<String>,
    headers: HeaderMap,
) -> Response {
    let first = state
        .lock()
        .unwrap()
        .hits
        .get(&format!("/stall/{file}"))
        .is_none_or(|n| *n <= 1);
    if first {
        tokio::time::sleep(Duration::from_secs(20)).await;
    }
    serve_file(&file, &headers, true, None)
}

async fn big() -> Response {
    let chunk = vec![b'x'; 64 * 1024];
    let chunks = (0..32).map(move |_| Ok::<_, std::io::Error>(chunk.clone()));
    let body = Body::from_stream(futures_util::stream::iter(chunks));
    ([(header::CONTENT_TYPE, "application/rss+xml")], body).into_response()
}

async fn redirect_loop(UrlPath(which): UrlPath<String>) -> Response {
    let to = if which == "a" { "/loop/b" } else { "/loop/a" };
    (StatusCode::FOUND, [(header::LOCATION, to)]).into_response()
}

async fn moved(UrlPath(file): UrlPath<String>) -> Response {
    (
        StatusCode::MOVED_PERMANENTLY,
        [(header::LOCATION, format!("/f/{file}"))],
    )
        .into_response()
}

async fn private(headers: HeaderMap) -> Response {
    let port = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.rsplit(':').next())
        .unwrap_or("80")
        .to_string();
    (
        StatusCode::FOUND,
        [(
            header::LOCATION,
            format!("http://127.0.0.2:{port}/f/rss2.xml"),
        )],
    )
        .into_response()
}

async fn made(State(state): State<AppState>, UrlPath(name): UrlPath<String>) -> Response {
    let made = state.lock().unwrap().made.get(&name).cloned();
    match made {
        Some((ct, body)) => ([(header::CONTENT_TYPE, ct)], body).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn redirect(Query(q): Query<HashMap<String, String>>) -> Response {
    match q.get("to") {
        Some(to) => (StatusCode::FOUND, [(header::LOCATION, to.clone())]).into_response(),
        None => StatusCode::BAD_REQUEST.into_response(),
    }
}
