//! `feeds.toml`: the outlets a user follows, their feeds, and the fetch settings.
//!
//! This module reads and validates the file and nothing else. Every error names the file, the
//! line and column, and the fix, because the person reading it is editing that file by hand.
//! It does not know about the network or the database.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use toml::Spanned;
use url::Url;

/// The User-Agent sent when feeds.toml does not set one.
pub const DEFAULT_USER_AGENT: &str = concat!(
    "quotewire/",
    env!("CARGO_PKG_VERSION"),
    " (+https://github.com/quotewire/quotewire)"
);

/// A validated feeds.toml.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where it was read from, for messages.
    pub path: PathBuf,
    pub fetch: FetchSettings,
    pub outlets: Vec<Outlet>,
}

/// The `[fetch]` section, with defaults filled in.
#[derive(Debug, Clone)]
pub struct FetchSettings {
    pub concurrency: usize,
    pub per_host: usize,
    pub timeout: Duration,
    pub connect_timeout: Duration,
    pub max_body: u64,
    pub user_agent: String,
    pub interval: Duration,
    pub min_interval: Duration,
    pub max_interval: Duration,
}

impl Default for FetchSettings {
    fn default() -> Self {
        FetchSettings {
            concurrency: 16,
            per_host: 2,
            timeout: Duration::from_secs(20),
            connect_timeout: Duration::from_secs(10),
            max_body: 15 * 1024 * 1024,
            user_agent: DEFAULT_USER_AGENT.to_string(),
            interval: Duration::from_secs(30 * 60),
            min_interval: Duration::from_secs(5 * 60),
            max_interval: Duration::from_secs(24 * 3600),
        }
    }
}

/// One `[[outlet]]`.
#[derive(Debug, Clone)]
pub struct Outlet {
    pub id: String,
    pub name: String,
    /// Lower-case registrable domains; a host matches a domain or any subdomain of it.
    pub domains: Vec<String>,
    pub aliases: Vec<String>,
    pub feeds: Vec<FeedConfig>,
    /// Fetch each new story's page for its full text (default true).
    pub fetch_articles: bool,
    /// Extraction overrides: `body_selector` and `drop_selectors`.
    pub rules: crate::article::Rules,
}

impl Outlet {
    /// Whether `host` belongs to this outlet by its `domains`.
    pub fn owns_host(&self, host: &str) -> bool {
        let host = host.trim_end_matches('.');
        self.domains.iter().any(|d| {
            host.len() >= d.len()
                && host.is_char_boundary(host.len() - d.len())
                && host[host.len() - d.len()..].eq_ignore_ascii_case(d)
                && (host.len() == d.len() || host.as_bytes()[host.len() - d.len() - 1] == b'.')
        })
    }
}

/// One feed of an outlet.
#[derive(Debug, Clone)]
pub struct FeedConfig {
    /// The URL as configured: the feed's identity in the database.
    pub url: Url,
    /// The id of the outlet it belongs to.
    pub outlet: String,
    /// A fixed interval that replaces the learned one.
    pub interval: Option<Duration>,
    pub enabled: bool,
    /// Request settings for this feed's own fetches (not its stories' pages).
    pub request: RequestSettings,
}

/// A feed's own request settings: `user_agent`, `headers` and `timeout` in its table form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestSettings {
    /// Replaces `[fetch] user_agent` for this feed.
    pub user_agent: Option<String>,
    /// Extra request headers (names as written; never hop-by-hop ones, Host, or the
    /// validators and encodings quotewire sends itself).
    pub headers: Vec<(String, String)>,
    /// Replaces `[fetch] timeout` for this feed.
    pub timeout: Option<Duration>,
}

impl RequestSettings {
    pub fn is_default(&self) -> bool {
        *self == RequestSettings::default()
    }
}

/// Headers a feed's `headers` table may not set, and why.
const RESERVED_HEADERS: &[(&str, &str)] = &[
    ("host", "the Host header names the server of the URL itself"),
    (
        "connection",
        "it is a hop-by-hop header the HTTP client manages",
    ),
    (
        "keep-alive",
        "it is a hop-by-hop header the HTTP client manages",
    ),
    (
        "proxy-connection",
        "it is a hop-by-hop header the HTTP client manages",
    ),
    ("proxy-authenticate", "it is a hop-by-hop header"),
    ("proxy-authorization", "it is a hop-by-hop header"),
    ("te", "it is a hop-by-hop header the HTTP client manages"),
    (
        "trailer",
        "it is a hop-by-hop header the HTTP client manages",
    ),
    (
        "transfer-encoding",
        "it is a hop-by-hop header the HTTP client manages",
    ),
    (
        "upgrade",
        "it is a hop-by-hop header the HTTP client manages",
    ),
    ("content-length", "a GET has no body"),
    (
        "accept-encoding",
        "quotewire decompresses what it asks for and sets it itself",
    ),
    (
        "if-none-match",
        "quotewire sends the feed's validators itself",
    ),
    (
        "if-modified-since",
        "quotewire sends the feed's validators itself",
    ),
    ("user-agent", "use the feed's `user_agent` key"),
];

impl Config {
    /// Every configured feed, in file order.
    pub fn feeds(&self) -> impl Iterator<Item = &FeedConfig> {
        self.outlets.iter().flat_map(|o| o.feeds.iter())
    }

    pub fn outlet(&self, id: &str) -> Option<&Outlet> {
        self.outlets.iter().find(|o| o.id == id)
    }

    /// The configured feed with this URL (compared as parsed URLs, so `HTTP://Host/f`
    /// finds `http://host/f`).
    pub fn feed(&self, url: &str) -> Option<&FeedConfig> {
        let parsed = Url::parse(url.trim()).ok();
        self.feeds().find(|f| match &parsed {
            Some(u) => f.url == *u,
            None => f.url.as_str() == url.trim(),
        })
    }

    /// Up to `n` configured feed URLs nearest to `url`, nearest first: for "did you mean".
    pub fn closest_feeds(&self, url: &str, n: usize) -> Vec<&str> {
        let mut scored: Vec<(f64, &str)> = self
            .feeds()
            .map(|f| {
                (
                    strsim::normalized_levenshtein(url, f.url.as_str()),
                    f.url.as_str(),
                )
            })
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        scored.into_iter().take(n).map(|(_, u)| u).collect()
    }

    /// The outlet ids, in file order, joined for a message ("none" when there are none).
    pub fn outlet_ids(&self) -> String {
        if self.outlets.is_empty() {
            return "none".into();
        }
        let ids: Vec<&str> = self.outlets.iter().map(|o| o.id.as_str()).collect();
        ids.join(", ")
    }

    /// The outlet whose `domains` cover `host`, if any.
    pub fn outlet_for_host(&self, host: &str) -> Option<&Outlet> {
        self.outlets.iter().find(|o| o.owns_host(host))
    }

    /// The outlet called `name`: its `name`, an alias or its id, ignoring case, runs of white
    /// space and a leading "the"; a name with a dot ("Antiwar.com") also matches by domain.
    pub fn outlet_named(&self, name: &str) -> Option<&Outlet> {
        fn norm(name: &str) -> String {
            let words: Vec<String> = name.split_whitespace().map(str::to_lowercase).collect();
            let skip = usize::from(words.len() > 1 && words[0] == "the");
            words[skip..].join(" ")
        }
        let want = norm(name);
        if want.is_empty() {
            return None;
        }
        self.outlets
            .iter()
            .find(|o| {
                norm(&o.name) == want
                    || norm(&o.id) == want
                    || o.aliases.iter().any(|a| norm(a) == want)
            })
            .or_else(|| {
                let host = name.trim().trim_end_matches('.');
                (host.contains('.') && !host.contains(char::is_whitespace))
                    .then(|| self.outlet_for_host(host))
                    .flatten()
            })
    }

    /// Reads and validates a feeds.toml.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Config::parse(path, &text)
    }

    /// Validates feeds.toml text; `path` is used in messages only.
    pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
        let at = |span: std::ops::Range<usize>, message: String, fix: String| {
            let (line, column) = line_col(text, span.start);
            ConfigError::Invalid {
                path: path.to_path_buf(),
                line,
                column,
                message,
                fix,
            }
        };
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let span = e.span().unwrap_or(0..0);
            let message = e.message().trim().to_string();
            let fix = fix_for_toml_error(&message);
            at(span, message, fix)
        })?;

        let fetch = raw.fetch.map(|f| f.into_settings()).unwrap_or_default();
        if fetch.min_interval > fetch.max_interval {
            return Err(at(
                0..0,
                "[fetch] min_interval is longer than max_interval".into(),
                "make min_interval shorter than max_interval (defaults: 5m and 24h)".into(),
            ));
        }

        let mut outlets = Vec::new();
        let mut ids: HashMap<String, usize> = HashMap::new();
        let mut feed_urls: HashMap<String, String> = HashMap::new();
        for raw_outlet in raw.outlet {
            let id_span = raw_outlet.id.span();
            let id = raw_outlet.id.into_inner();
            if id.is_empty()
                || !id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
            {
                return Err(at(
                    id_span,
                    format!("outlet id {id:?} is not a plain identifier"),
                    "use lower-case letters, digits, '-' or '_', for example id = \"aljazeera\""
                        .into(),
                ));
            }
            if let Some(first_line) = ids.get(&id) {
                return Err(at(
                    id_span,
                    format!("duplicate outlet id {id:?} (first used on line {first_line})"),
                    "give each [[outlet]] its own id, or merge the two entries".into(),
                ));
            }
            ids.insert(id.clone(), line_col(text, id_span.start).0);

            let mut domains = Vec::new();
            for d in raw_outlet.domains {
                let span = d.span();
                let d = d
                    .into_inner()
                    .trim()
                    .trim_end_matches('.')
                    .to_ascii_lowercase();
                if d.is_empty() || d.contains('/') || d.contains(':') || d.contains(' ') {
                    return Err(at(
                        span,
                        format!("{d:?} is not a domain name"),
                        "write bare domains such as \"aljazeera.com\", without scheme or path"
                            .into(),
                    ));
                }
                domains.push(d);
            }

            let mut feeds = Vec::new();
            for feed in raw_outlet.feeds {
                let span = feed.span();
                let feed = feed.into_inner().0;
                let url = Url::parse(feed.url.trim()).map_err(|e| {
                    at(
                        span.clone(),
                        format!("feed URL {:?} is not a valid URL: {e}", feed.url),
                        "write the full address, for example \"https://www.aljazeera.com/xml/rss/all.xml\"".into(),
                    )
                })?;
                if url.scheme() != "http" && url.scheme() != "https" {
                    return Err(at(
                        span,
                        format!("feed URL {url} is not http or https"),
                        "quotewire fetches feeds over http:// and https:// only".into(),
                    ));
                }
                if url.host_str().is_none() {
                    return Err(at(
                        span,
                        format!("feed URL {url} has no host"),
                        "write the full address including the host name".into(),
                    ));
                }
                if let Some(other) = feed_urls.insert(url.to_string(), id.clone()) {
                    return Err(at(
                        span,
                        format!("feed {url} is listed twice (also under outlet {other:?})"),
                        "list each feed URL once; a story found in two outlets' feeds is recorded for both anyway".into(),
                    ));
                }
                let request = request_settings(&feed, &url)
                    .map_err(|(message, fix)| at(span.clone(), message, fix))?;
                feeds.push(FeedConfig {
                    url,
                    outlet: id.clone(),
                    interval: feed.interval.map(|d| d.0),
                    enabled: feed.enabled.unwrap_or(true),
                    request,
                });
            }

            let selector = |s: Spanned<String>| {
                let span = s.span();
                let s = s.into_inner();
                dom_query::Matcher::new(&s).map_err(|_| {
                    at(
                        span,
                        format!("{s:?} is not a CSS selector quotewire can use"),
                        "write a CSS selector such as \"article .body\" or \"div.related, aside\""
                            .into(),
                    )
                })
            };
            let rules = crate::article::Rules {
                body: raw_outlet.body_selector.map(selector).transpose()?,
                drop: raw_outlet
                    .drop_selectors
                    .into_iter()
                    .map(selector)
                    .collect::<Result<_, _>>()?,
            };
            outlets.push(Outlet {
                name: raw_outlet.name.unwrap_or_else(|| id.clone()),
                id,
                domains,
                aliases: raw_outlet.aliases,
                feeds,
                fetch_articles: raw_outlet.fetch_articles.unwrap_or(true),
                rules,
            });
        }

        Ok(Config {
            path: path.to_path_buf(),
            fetch,
            outlets,
        })
    }
}

/// Why a feeds.toml was refused.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{}: cannot read the config: {source}\n  fix: create it (the repository ships an example feeds.toml) or point --config / QUOTEWIRE_CONFIG at it", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}:{line}:{column}: {message}\n  fix: {fix}", path.display())]
    Invalid {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
        fix: String,
    },
}

/// A feed's `user_agent`, `headers` and `timeout`, checked: (message, fix) when refused.
fn request_settings(feed: &RawFeed, url: &Url) -> Result<RequestSettings, (String, String)> {
    if let Some(ua) = &feed.user_agent {
        if ua.trim().is_empty() || reqwest::header::HeaderValue::from_str(ua).is_err() {
            return Err((
                format!("feed {url}: user_agent {ua:?} cannot be sent as a header"),
                "write it on one line, in plain ASCII, for example user_agent = \"Mozilla/5.0 (compatible; quotewire)\"".into(),
            ));
        }
    }
    let mut headers = Vec::new();
    for (name, value) in &feed.headers {
        let lower = name.to_ascii_lowercase();
        if let Some((_, why)) = RESERVED_HEADERS.iter().find(|(h, _)| *h == lower) {
            return Err((
                format!("feed {url}: header {name:?} may not be set here: {why}"),
                "remove it from the feed's headers table".into(),
            ));
        }
        if reqwest::header::HeaderName::from_bytes(name.as_bytes()).is_err() {
            return Err((
                format!("feed {url}: {name:?} is not a header name"),
                "header names are letters, digits and '-', for example headers = { \"Accept-Language\" = \"en\" }".into(),
            ));
        }
        if reqwest::header::HeaderValue::from_str(value).is_err() {
            return Err((
                format!("feed {url}: the value of header {name:?} cannot be sent"),
                "write the value on one line, in plain ASCII".into(),
            ));
        }
        headers.push((name.clone(), value.clone()));
    }
    if feed.timeout.as_ref().is_some_and(|t| t.0.is_zero()) {
        return Err((
            format!("feed {url}: timeout is zero"),
            "give a duration such as \"45s\" or \"2m\", or remove the key to use [fetch] timeout"
                .into(),
        ));
    }
    Ok(RequestSettings {
        user_agent: feed.user_agent.clone(),
        headers,
        timeout: feed.timeout.as_ref().map(|t| t.0),
    })
}

/// 1-based line and column of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..text.floor_char_boundary(offset)];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

fn fix_for_toml_error(message: &str) -> String {
    if message.starts_with("unknown field") {
        "remove the key or correct its spelling; README.md, \"feeds.toml reference\", lists every key"
            .into()
    } else if let Some(rest) = message.strip_prefix("missing field `") {
        let field = rest.split('`').next().unwrap_or("");
        format!("add `{field} = ...` to this table; README.md, \"feeds.toml reference\", shows an example")
    } else if message.contains("duplicate key") {
        "each key may appear once per table; remove the repeated one".into()
    } else if message.contains("invalid type") {
        "check the value's type against README.md, \"feeds.toml reference\" (strings are quoted, lists use [ ])".into()
    } else {
        "check the TOML syntax near this point; README.md, \"feeds.toml reference\", has a full example".into()
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    fetch: Option<RawFetch>,
    #[serde(default)]
    outlet: Vec<RawOutlet>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFetch {
    concurrency: Option<Positive>,
    per_host: Option<Positive>,
    timeout: Option<Dur>,
    connect_timeout: Option<Dur>,
    max_body: Option<bytesize::ByteSize>,
    user_agent: Option<String>,
    interval: Option<Dur>,
    min_interval: Option<Dur>,
    max_interval: Option<Dur>,
}

impl RawFetch {
    fn into_settings(self) -> FetchSettings {
        let d = FetchSettings::default();
        FetchSettings {
            concurrency: self.concurrency.map_or(d.concurrency, |p| p.0),
            per_host: self.per_host.map_or(d.per_host, |p| p.0),
            timeout: self.timeout.map_or(d.timeout, |x| x.0),
            connect_timeout: self.connect_timeout.map_or(d.connect_timeout, |x| x.0),
            max_body: self.max_body.map_or(d.max_body, |b| b.as_u64()),
            user_agent: self.user_agent.unwrap_or(d.user_agent),
            interval: self.interval.map_or(d.interval, |x| x.0),
            min_interval: self.min_interval.map_or(d.min_interval, |x| x.0),
            max_interval: self.max_interval.map_or(d.max_interval, |x| x.0),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOutlet {
    id: Spanned<String>,
    name: Option<String>,
    #[serde(default)]
    domains: Vec<Spanned<String>>,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    feeds: Vec<Spanned<RawFeedEntry>>,
    fetch_articles: Option<bool>,
    body_selector: Option<Spanned<String>>,
    #[serde(default)]
    drop_selectors: Vec<Spanned<String>>,
}

/// A feed is either a URL string or a table `{ url = "...", interval = "1h", enabled = true }`
/// (with, optionally, `user_agent`, `headers` and `timeout`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFeed {
    url: String,
    interval: Option<Dur>,
    enabled: Option<bool>,
    user_agent: Option<String>,
    #[serde(default)]
    headers: std::collections::BTreeMap<String, String>,
    timeout: Option<Dur>,
}

/// A feed as written: a URL string, or the table form.
struct RawFeedEntry(RawFeed);

impl<'de> Deserialize<'de> for RawFeedEntry {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FeedVisitor;
        impl<'de> Visitor<'de> for FeedVisitor {
            type Value = RawFeed;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a feed URL string or a table { url = \"...\", interval = \"1h\" }")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawFeed, E> {
                Ok(RawFeed {
                    url: v.to_string(),
                    interval: None,
                    enabled: None,
                    user_agent: None,
                    headers: Default::default(),
                    timeout: None,
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawFeed, A::Error> {
                RawFeed::deserialize(de::value::MapAccessDeserializer::new(map))
            }
        }
        deserializer.deserialize_any(FeedVisitor).map(RawFeedEntry)
    }
}

/// A duration written as "30m", "2h", "45s" (humantime syntax).
struct Dur(Duration);

impl<'de> Deserialize<'de> for Dur {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        humantime::parse_duration(&s).map(Dur).map_err(|e| {
            de::Error::custom(format!(
                "invalid duration {s:?} ({e}); write it like \"30m\", \"2h\" or \"45s\""
            ))
        })
    }
}

/// A whole number of at least 1.
struct Positive(usize);

impl<'de> Deserialize<'de> for Positive {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let n = i64::deserialize(deserializer)?;
        if !(1..=10_000).contains(&n) {
            return Err(de::Error::custom(format!(
                "{n} is out of range; use a whole number from 1 to 10000"
            )));
        }
        Ok(Positive(n as usize))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(Path::new("feeds.toml"), text)
    }

    #[test]
    fn minimal_form_works() {
        let c = parse(
            r#"
[[outlet]]
id = "aljazeera"
name = "Al Jazeera"
domains = ["aljazeera.com"]
aliases = ["Aljazeera"]
feeds = ["https://www.aljazeera.com/xml/rss/all.xml"]
"#,
        )
        .unwrap();
        assert_eq!(c.outlets.len(), 1);
        assert_eq!(c.fetch.concurrency, 16);
        assert!(c.outlets[0].owns_host("www.aljazeera.com"));
        assert!(!c.outlets[0].owns_host("notaljazeera.com"));
        assert!(c.outlets[0].owns_host("AlJazeera.COM."));
        assert!(!c.outlets[0].owns_host("com"));
        assert_eq!(
            c.feeds().next().unwrap().url.as_str(),
            "https://www.aljazeera.com/xml/rss/all.xml"
        );
    }

    #[test]
    fn errors_name_line_and_fix() {
        let e =
            parse("[[outlet]]\nid = \"a\"\nfeeds = [\"https://a.example/f\"]\ndomain = [\"a\"]\n")
                .unwrap_err()
                .to_string();
        assert!(e.starts_with("feeds.toml:4:"), "{e}");
        assert!(e.contains("unknown field"), "{e}");
        assert!(e.contains("fix:"), "{e}");

        let e = parse("[[outlet]]\nid = \"a\"\n[[outlet]]\nid = \"a\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("feeds.toml:4:"), "{e}");
        assert!(e.contains("duplicate outlet id"), "{e}");

        let e = parse("[[outlet]]\nid = \"a\"\nfeeds = [\"not a url\"]\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("feeds.toml:3:"), "{e}");

        let e = parse("[[outlet]]\nname = \"A\"\n").unwrap_err().to_string();
        assert!(e.contains("missing field `id`"), "{e}");
        assert!(e.contains("add `id = ...`"), "{e}");
    }

    #[test]
    fn feed_table_form_and_durations() {
        let c = parse(
            "[fetch]\ntimeout = \"2s\"\nmax_body = \"1 MiB\"\n[[outlet]]\nid = \"a\"\nfeeds = [{ url = \"http://127.0.0.1:9/f\", interval = \"1h\", enabled = false }]\n",
        )
        .unwrap();
        let f = c.feeds().next().unwrap();
        assert_eq!(f.interval, Some(Duration::from_secs(3600)));
        assert!(!f.enabled);
        assert_eq!(c.fetch.timeout, Duration::from_secs(2));
        assert_eq!(c.fetch.max_body, 1024 * 1024);

        let c = parse(
            "[[outlet]]\nid = \"a\"\nfeeds = [{ url = \"https://a.example/f\", user_agent = \"UA/1\", headers = { \"X-A\" = \"1\" }, timeout = \"5s\" }]\n",
        )
        .unwrap();
        let r = &c.feeds().next().unwrap().request;
        assert_eq!(r.user_agent.as_deref(), Some("UA/1"));
        assert_eq!(r.headers, [("X-A".to_string(), "1".to_string())]);
        assert_eq!(r.timeout, Some(Duration::from_secs(5)));
        for bad in [
            "Transfer-Encoding",
            "connection",
            "If-None-Match",
            "Bad Name",
        ] {
            let e = parse(&format!(
                "[[outlet]]\nid = \"a\"\nfeeds = [\n  {{ url = \"https://a.example/f\", headers = {{ \"{bad}\" = \"x\" }} }},\n]\n"
            ))
            .unwrap_err()
            .to_string();
            assert!(e.starts_with("feeds.toml:4:"), "{e}");
            assert!(e.contains("fix:"), "{e}");
        }

        let e = parse("[fetch]\ntimeout = \"soon\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("invalid duration"), "{e}");
        assert!(e.starts_with("feeds.toml:2:"), "{e}");
    }
}
