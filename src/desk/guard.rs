//! What every request to the desk passes before a handler sees it, and what every response
//! carries: the Host check (a page of another site cannot reach the desk by DNS rebinding),
//! the access token when the desk listens beyond loopback, the CSRF token and Origin /
//! Sec-Fetch-Site checks on state-changing requests, and the security headers with a fresh
//! script nonce. Handlers never repeat these checks; they read the nonce from the request.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use subtle::ConstantTimeEq;

use super::Desk;

/// The per-response nonce that the page's script and style tags carry.
#[derive(Debug, Clone)]
pub struct Nonce(pub String);

/// The cookie that carries the access token once a browser has given it.
pub const TOKEN_COOKIE: &str = "quotewire_token";

/// 16 random bytes as hex.
pub fn random_hex() -> String {
    rand::random::<[u8; 16]>()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether two secrets are equal, in time that does not depend on where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

fn refuse(status: StatusCode, why: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        why.to_string(),
    )
        .into_response()
}

/// A query string's value for `key` (percent-decoded), if present.
pub fn query_value(query: Option<&str>, key: &str) -> Option<String> {
    url::form_urlencoded::parse(query?.as_bytes())
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

fn cookie_value(headers: &HeaderMap, key: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v.to_string())
}

/// The middleware: checks, then the handler, then the headers.
pub async fn guard(State(desk): State<Arc<Desk>>, mut req: Request, next: Next) -> Response {
    let headers = req.headers().clone();
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if !desk.hosts.is_empty() && !desk.hosts.contains(&host) {
        return refuse(
            StatusCode::MISDIRECTED_REQUEST,
            "this desk answers only at its own address (the Host header names another)",
        );
    }
    if let Some(token) = &desk.token {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::to_string)
            .or_else(|| cookie_value(&headers, TOKEN_COOKIE));
        let in_query = query_value(req.uri().query(), "token");
        match (given, in_query) {
            (Some(g), _) if same_secret(&g, token) => {}
            (_, Some(q)) if req.method() == Method::GET && same_secret(&q, token) => {
                // A link with ?token=: keep it in a cookie and show the address without it.
                let mut resp = Redirect::to(req.uri().path()).into_response();
                let cookie = format!(
                    "{TOKEN_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=2592000"
                );
                if let Ok(v) = HeaderValue::from_str(&cookie) {
                    resp.headers_mut().insert(header::SET_COOKIE, v);
                }
                return secured(resp, None);
            }
            _ => {
                return secured(
                    refuse(
                        StatusCode::UNAUTHORIZED,
                        "this desk needs its token: open the address `quotewire serve` printed (it ends with ?token=...)",
                    ),
                    None,
                )
            }
        }
    }
    let changes_state = !matches!(*req.method(), Method::GET | Method::HEAD);
    if changes_state {
        if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
            if origin != format!("http://{host}") {
                return secured(
                    refuse(StatusCode::FORBIDDEN, "a request from another site's page"),
                    None,
                );
            }
        }
        if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
            if !matches!(site, "same-origin" | "none") {
                return secured(
                    refuse(StatusCode::FORBIDDEN, "a request from another site's page"),
                    None,
                );
            }
        }
        let csrf = headers
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
            .or_else(|| query_value(req.uri().query(), "csrf"));
        if !csrf.is_some_and(|c| same_secret(&c, &desk.csrf)) {
            return secured(
                refuse(
                    StatusCode::FORBIDDEN,
                    "the form's token is missing or stale: reload the page and try again",
                ),
                None,
            );
        }
    }
    let nonce = random_hex();
    req.extensions_mut().insert(Nonce(nonce.clone()));
    let resp = next.run(req).await;
    secured(resp, Some(&nonce))
}

/// The security headers every response carries.
fn secured(mut resp: Response, nonce: Option<&str>) -> Response {
    let scripts = nonce.map_or("'none'".to_string(), |n| format!("'nonce-{n}'"));
    let csp = format!(
        "default-src 'none'; script-src {scripts}; style-src {scripts}; img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    );
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&csp) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    resp
}
