//! One polite HTTP GET: conditional, size-capped, with redirects followed by hand.
//!
//! Politeness is here: a global and a per-host limit on requests in flight, timeouts, a body
//! cap (counted after decompression, so a small gzip bomb cannot fill memory), a User-Agent
//! that names quotewire, and ETag / Last-Modified validators. Redirects are followed here, not
//! by reqwest, so that every hop is checked against the address policy, loops are named as
//! such, and a chain of permanent redirects can be remembered as the feed's new address.
//! What to do with the answer (parse, schedule, back off) is the caller's business.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::StreamExt;
use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::StatusCode;
use tokio::sync::Semaphore;
use url::Url;

use super::guard::AddressPolicy;
use crate::config::{FetchSettings, RequestSettings};

const MAX_REDIRECTS: usize = 10;
const ACCEPT: &str = "application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml;q=0.9, application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5";

/// Validators from the previous fetch of the same URL.
#[derive(Debug, Clone, Default)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// A response worth looking at: 200-class, or 304 Not Modified (with an empty body).
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub final_url: Url,
    /// Set when every redirect on the way was permanent (301 or 308).
    pub moved_to: Option<Url>,
    pub content_type: Option<String>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// Cache-Control max-age.
    pub max_age: Option<Duration>,
    pub retry_after: Option<Duration>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn not_modified(&self) -> bool {
        self.status == 304
    }
}

/// Why a GET gave nothing usable.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("{0}")]
    Refused(String),
    #[error("timed out after {}s", .0.as_secs_f32())]
    Timeout(Duration),
    #[error("the body is larger than the {limit}-byte limit (max_body in feeds.toml)")]
    TooLarge { limit: u64 },
    #[error("redirect loop: {0} redirects back to an address already visited")]
    RedirectLoop(Url),
    #[error("more than {MAX_REDIRECTS} redirects")]
    TooManyRedirects,
    #[error("redirect without a usable Location header")]
    BadRedirect,
    #[error("HTTP {code}{}", match .retry_after { Some(d) => format!(" (Retry-After {}s)", d.as_secs()), None => String::new() })]
    Status {
        code: u16,
        retry_after: Option<Duration>,
    },
    /// The host name did not resolve (no DNS answer, or no network at all).
    #[error("cannot resolve {host}: {cause}")]
    Unresolved { host: String, cause: String },
    #[error("{0}")]
    Network(String),
}

/// The shared client with its politeness limits.
pub struct HttpClient {
    client: reqwest::Client,
    global: Arc<Semaphore>,
    hosts: Mutex<HashMap<String, Arc<Semaphore>>>,
    per_host: usize,
    max_body: u64,
    timeout: Duration,
    policy: AddressPolicy,
    /// Per-feed request settings by the URL first asked for (every hop of it uses them).
    requests: HashMap<String, RequestSettings>,
}

impl HttpClient {
    pub fn new(settings: &FetchSettings, policy: AddressPolicy) -> Result<HttpClient, HttpError> {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_static(ACCEPT));
        let client = reqwest::Client::builder()
            .user_agent(settings.user_agent.clone())
            .default_headers(headers)
            .redirect(reqwest::redirect::Policy::none())
            .dns_resolver(policy.resolver())
            .timeout(settings.timeout)
            .connect_timeout(settings.connect_timeout)
            .pool_max_idle_per_host(settings.per_host)
            .gzip(true)
            .brotli(true)
            .deflate(true)
            .build()
            .map_err(|e| HttpError::Network(format!("cannot build the HTTP client: {e}")))?;
        Ok(HttpClient {
            client,
            global: Arc::new(Semaphore::new(settings.concurrency)),
            hosts: Mutex::new(HashMap::new()),
            per_host: settings.per_host,
            max_body: settings.max_body,
            timeout: settings.timeout,
            policy,
            requests: HashMap::new(),
        })
    }

    /// Registers a feed's own request settings (`user_agent`, `headers`, `timeout` in
    /// feeds.toml) for GETs of `url`, including every redirect hop they follow.
    pub fn set_request_settings(&mut self, url: &Url, settings: &RequestSettings) {
        if !settings.is_default() {
            self.requests.insert(url.to_string(), settings.clone());
        }
    }

    fn host_limit(&self, url: &Url) -> Arc<Semaphore> {
        let host = url.host_str().unwrap_or("").to_ascii_lowercase();
        let mut hosts = self.hosts.lock().unwrap_or_else(|p| p.into_inner());
        hosts
            .entry(host)
            .or_insert_with(|| Arc::new(Semaphore::new(self.per_host)))
            .clone()
    }

    /// GETs `url`, sending `validators`, following redirects.
    pub async fn get(&self, url: &Url, validators: &Validators) -> Result<Response, HttpError> {
        let host = self.host_limit(url);
        let _host_permit = host
            .acquire_owned()
            .await
            .map_err(|_| HttpError::Network("shutting down".into()))?;
        let _permit = self
            .global
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| HttpError::Network("shutting down".into()))?;

        let own = self.requests.get(url.as_str());
        let timeout = own.and_then(|o| o.timeout).unwrap_or(self.timeout);
        let mut current = url.clone();
        let mut seen = HashSet::from([current.to_string()]);
        let mut all_permanent = true;
        for _ in 0..=MAX_REDIRECTS {
            self.policy
                .check_url(&current)
                .map_err(HttpError::Refused)?;
            let mut req = self.client.get(current.clone()).timeout(timeout);
            if let Some(own) = own {
                if let Some(ua) = &own.user_agent {
                    req = req.header(header::USER_AGENT, ua);
                }
                for (name, value) in &own.headers {
                    req = req.header(name.as_str(), value.as_str());
                }
            }
            if let Some(etag) = &validators.etag {
                req = req.header(header::IF_NONE_MATCH, etag);
            }
            if let Some(lm) = &validators.last_modified {
                req = req.header(header::IF_MODIFIED_SINCE, lm);
            }
            let resp = req
                .send()
                .await
                .map_err(|e| self.network_error(e, timeout))?;
            let status = resp.status();
            if status.is_redirection() && status != StatusCode::NOT_MODIFIED {
                let next = resp
                    .headers()
                    .get(header::LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|loc| current.join(loc).ok())
                    .ok_or(HttpError::BadRedirect)?;
                all_permanent &= matches!(
                    status,
                    StatusCode::MOVED_PERMANENTLY | StatusCode::PERMANENT_REDIRECT
                );
                if !seen.insert(next.to_string()) {
                    return Err(HttpError::RedirectLoop(next));
                }
                tracing::debug!("{current} redirects ({status}) to {next}");
                current = next;
                continue;
            }
            let headers = resp.headers().clone();
            let text = |name: header::HeaderName| {
                headers
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string)
            };
            let retry_after = text(header::RETRY_AFTER).and_then(|v| parse_retry_after(&v));
            if !(status.is_success() || status == StatusCode::NOT_MODIFIED) {
                return Err(HttpError::Status {
                    code: status.as_u16(),
                    retry_after,
                });
            }
            let body = if status == StatusCode::NOT_MODIFIED {
                Vec::new()
            } else {
                self.read_capped(resp, timeout).await?
            };
            let moved_to = (all_permanent && current != *url).then(|| current.clone());
            return Ok(Response {
                status: status.as_u16(),
                final_url: current,
                moved_to,
                content_type: text(header::CONTENT_TYPE),
                etag: text(header::ETAG),
                last_modified: text(header::LAST_MODIFIED),
                max_age: text(header::CACHE_CONTROL).and_then(|v| parse_max_age(&v)),
                retry_after,
                body,
            });
        }
        Err(HttpError::TooManyRedirects)
    }

    async fn read_capped(
        &self,
        resp: reqwest::Response,
        timeout: Duration,
    ) -> Result<Vec<u8>, HttpError> {
        let limit = self.max_body;
        if resp.content_length().is_some_and(|n| n > limit) {
            return Err(HttpError::TooLarge { limit });
        }
        let mut body = Vec::new();
        let mut stream = resp.bytes_stream();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| self.network_error(e, timeout))?;
            if body.len() as u64 + chunk.len() as u64 > limit {
                return Err(HttpError::TooLarge { limit });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }

    fn network_error(&self, e: reqwest::Error, timeout: Duration) -> HttpError {
        if e.is_timeout() {
            return HttpError::Timeout(timeout);
        }
        // reqwest's Display hides the cause ("error sending request for url"); the innermost
        // error of the chain says what happened.
        let mut chain = vec![e.to_string()];
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            chain.push(s.to_string());
            source = s.source();
        }
        let cause = chain.last().cloned().unwrap_or_default();
        if cause.starts_with("refused ") {
            return HttpError::Refused(cause);
        }
        let host = e
            .url()
            .and_then(|u| u.host_str())
            .unwrap_or("the server")
            .to_string();
        if chain.iter().any(|c| c.starts_with("dns error")) {
            return HttpError::Unresolved { host, cause };
        }
        let msg = if e.is_connect() {
            format!("cannot connect to {host}: {cause}")
        } else {
            chain.join(": ")
        };
        HttpError::Network(msg)
    }
}

/// Retry-After: delay-seconds or an HTTP date.
pub fn parse_retry_after(v: &str) -> Option<Duration> {
    let v = v.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(v).ok()?;
    Some(
        when.duration_since(std::time::SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// Cache-Control max-age (or s-maxage), unless no-store / no-cache.
pub fn parse_max_age(v: &str) -> Option<Duration> {
    let mut age = None;
    for directive in v.split(',') {
        let d = directive.trim().to_ascii_lowercase();
        if d == "no-store" || d == "no-cache" {
            return None;
        }
        if let Some(n) = d.strip_prefix("max-age=") {
            age = n
                .trim_matches('"')
                .parse::<u64>()
                .ok()
                .map(Duration::from_secs);
        }
    }
    age
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_parsing() {
        assert_eq!(parse_retry_after("120"), Some(Duration::from_secs(120)));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon"), None);
        assert_eq!(
            parse_max_age("public, max-age=600"),
            Some(Duration::from_secs(600))
        );
        assert_eq!(parse_max_age("no-cache, max-age=600"), None);
    }
}
