//! URL normalisation: the identity of a story.
//!
//! Two links that a reader would call the same page map to one normalised URL: scheme and host
//! are lower-cased and a default port dropped (the `url` crate does that on parse), the fragment
//! goes, and tracking parameters (utm_*, fbclid, gclid and friends) are removed while the
//! remaining query is kept byte for byte and in order. The path is never touched: servers may
//! treat `/a` and `/a/` differently.

use sha2::{Digest, Sha256};
use url::Url;

/// Query keys that only track the reader; compared case-insensitively.
const TRACKING_KEYS: &[&str] = &[
    "fbclid",
    "gclid",
    "dclid",
    "gbraid",
    "wbraid",
    "msclkid",
    "yclid",
    "igshid",
    "mc_cid",
    "mc_eid",
    "_hsenc",
    "_hsmi",
    "mkt_tok",
    "ocid",
    "cmpid",
    "__twitter_impression",
    "at_medium",
    "at_campaign",
    "smid",
    "cid_source",
];

fn is_tracking(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    key.starts_with("utm_") || TRACKING_KEYS.contains(&key.as_str())
}

/// Normalises a URL for use as an identity.
pub fn normalise(url: &Url) -> Url {
    let mut url = url.clone();
    url.set_fragment(None);
    if let Some(query) = url.query() {
        let kept: Vec<&str> = query
            .split('&')
            .filter(|pair| {
                let key = pair.split('=').next().unwrap_or("");
                !pair.is_empty() && !is_tracking(key)
            })
            .collect();
        if kept.is_empty() {
            url.set_query(None);
        } else {
            let joined = kept.join("&");
            url.set_query(Some(&joined));
        }
    }
    url
}

/// Parses and normalises a link; `None` unless it is an absolute http(s) URL.
pub fn normalise_str(link: &str) -> Option<Url> {
    let url = Url::parse(link.trim()).ok()?;
    matches!(url.scheme(), "http" | "https").then(|| normalise(&url))
}

/// A story id: the first 16 hex digits of SHA-256 of the key (a normalised URL, or for an item
/// without a link, a key built from its feed and guid or title).
pub fn story_id(key: &str) -> String {
    let digest = Sha256::digest(key.as_bytes());
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> String {
        normalise_str(s).unwrap().to_string()
    }

    #[test]
    fn case_port_fragment_tracking() {
        assert_eq!(
            n("HTTPS://WWW.MiddleEastEye.net:443/news/a?utm_campaign=x&fbclid=abc#top"),
            "https://www.middleeasteye.net/news/a"
        );
        assert_eq!(
            n("http://Example.com:80/a?id=12&utm_source=rss&ref=x"),
            "http://example.com/a?id=12&ref=x"
        );
        assert_eq!(
            n("https://example.com:8443/a"),
            "https://example.com:8443/a"
        );
        // The path keeps its case and its trailing slash.
        assert_eq!(n("https://example.com/News/"), "https://example.com/News/");
        assert_eq!(
            story_id(&n("https://a.example/x#c")),
            story_id("https://a.example/x")
        );
        assert_eq!(story_id("https://a.example/x").len(), 16);
    }

    #[test]
    fn rejects_non_http() {
        assert!(normalise_str("mailto:a@b.c").is_none());
        assert!(normalise_str("tag:example.com,2019:1").is_none());
        assert!(normalise_str("/relative").is_none());
    }
}
