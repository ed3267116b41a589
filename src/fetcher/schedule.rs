//! When each feed is fetched next: its stored state, the learned interval, and backoff.
//!
//! The interval follows how often a feed really publishes, in the manner of Miniflux's
//! entry-frequency scheduler: a week divided by the number of entries dated in the past week,
//! clamped to [min_interval, max_interval] (5 minutes to 24 hours by default); a feed with no
//! entry in the past week is fetched every max_interval. A fixed per-feed `interval` replaces
//! the learned one. The feed's own hints then lengthen it: RSS `<ttl>` and Cache-Control
//! max-age. After an error the next try waits min_interval × 2^(errors−1), capped at
//! max_interval, with ±20 % jitter so that feeds failing together do not retry together, and
//! never less than a Retry-After the server sent.

use std::time::Duration;

use chrono::{DateTime, Utc};
use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::config::FetchSettings;

/// A feed's fetch state, stored in the `feeds` tree under its configured URL.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct FeedState {
    pub url: String,
    pub outlet: String,
    /// Where a chain of permanent redirects led; fetched instead of `url` from then on.
    pub moved_to: Option<String>,
    /// The server answered 410 Gone; the feed is no longer fetched.
    pub gone: bool,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// SHA-256 of the last body, to skip an unchanged feed whose server ignores validators.
    pub body_hash: Option<String>,
    pub title: Option<String>,
    pub last_attempt: Option<DateTime<Utc>>,
    pub last_success: Option<DateTime<Utc>>,
    pub last_status: Option<u16>,
    /// What the last attempt did, in words ("3 new, 1 updated", "not modified", an error).
    pub last_result: Option<String>,
    pub last_error: Option<String>,
    /// Consecutive failures; 0 after a success.
    pub error_count: u32,
    /// The interval learned from the entries' dates, in seconds (0: not learned yet).
    pub learned_secs: u64,
    /// RSS `<ttl>` in minutes, as last seen.
    pub ttl_minutes: Option<u32>,
    pub next_due: Option<DateTime<Utc>>,
    /// The server asked, by Retry-After, not to be asked again before this time. Unlike
    /// `next_due`, which `fetch --all` overrides, this holds for every fetch.
    pub retry_not_before: Option<DateTime<Utc>>,
    /// Entries in the last parsed document.
    pub entries: u32,
}

impl FeedState {
    /// The feed's health as `quotewire feeds` and the desk show it: `disabled`, `gone`,
    /// `never fetched`, `failing` or `ok`.
    pub fn health(&self, enabled: bool) -> &'static str {
        if !enabled {
            "disabled"
        } else if self.gone {
            "gone"
        } else if self.last_attempt.is_none() {
            "never fetched"
        } else if self.error_count > 0 {
            "failing"
        } else {
            "ok"
        }
    }

    pub fn new(url: &str, outlet: &str) -> Self {
        FeedState {
            url: url.to_string(),
            outlet: outlet.to_string(),
            ..Default::default()
        }
    }

    /// Whether a plain `fetch` should take this feed now.
    pub fn is_due(&self, now: DateTime<Utc>) -> bool {
        !self.gone && self.next_due.is_none_or(|d| d <= now) && self.server_allows(now)
    }

    /// Whether the server's last Retry-After, if any, has passed: `fetch --all` takes a feed
    /// only then.
    pub fn server_allows(&self, now: DateTime<Utc>) -> bool {
        self.retry_not_before.is_none_or(|t| t <= now)
    }
}

/// The interval learned from entry dates.
pub fn learned_interval(
    dates: &[DateTime<Utc>],
    now: DateTime<Utc>,
    s: &FetchSettings,
) -> Duration {
    if dates.is_empty() {
        return s.interval;
    }
    let week = chrono::Duration::days(7);
    let recent = dates
        .iter()
        .filter(|d| **d <= now && now - **d <= week)
        .count() as u64;
    if recent == 0 {
        return s.max_interval;
    }
    clamp(Duration::from_secs(7 * 24 * 3600 / recent), s)
}

/// The interval until the next fetch after a successful one.
pub fn next_interval(
    learned: Duration,
    fixed: Option<Duration>,
    ttl_minutes: Option<u32>,
    max_age: Option<Duration>,
    s: &FetchSettings,
) -> Duration {
    let mut interval = fixed.unwrap_or(learned);
    if let Some(ttl) = ttl_minutes {
        interval = interval.max(Duration::from_secs(u64::from(ttl) * 60));
    }
    if let Some(age) = max_age {
        interval = interval.max(age);
    }
    clamp(interval, s)
}

/// The wait after the `errors`-th consecutive failure.
pub fn backoff(errors: u32, retry_after: Option<Duration>, s: &FetchSettings) -> Duration {
    let exp = errors.saturating_sub(1).min(20);
    let base = s.min_interval.saturating_mul(1 << exp).min(s.max_interval);
    let jitter = rand::rng().random_range(0.8..1.2);
    let wait = base.mul_f64(jitter).min(s.max_interval);
    // Retry-After is honoured even past max_interval, up to a week.
    let honour = retry_after.map_or(Duration::ZERO, |r| r.min(Duration::from_secs(7 * 86400)));
    wait.max(honour)
}

fn clamp(d: Duration, s: &FetchSettings) -> Duration {
    d.clamp(s.min_interval, s.max_interval)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interval_follows_publishing_rate() {
        let s = FetchSettings::default();
        let now = Utc::now();
        let hourly: Vec<_> = (0..168).map(|h| now - chrono::Duration::hours(h)).collect();
        assert_eq!(
            learned_interval(&hourly, now, &s),
            Duration::from_secs(3600)
        );
        let busy: Vec<_> = (0..5000)
            .map(|m| now - chrono::Duration::minutes(m))
            .collect();
        assert_eq!(learned_interval(&busy, now, &s), s.min_interval);
        let old = vec![now - chrono::Duration::days(30)];
        assert_eq!(learned_interval(&old, now, &s), s.max_interval);
        assert_eq!(learned_interval(&[], now, &s), s.interval);
    }

    #[test]
    fn hints_and_backoff() {
        let s = FetchSettings::default();
        let hour = Duration::from_secs(3600);
        assert_eq!(next_interval(hour, None, Some(120), None, &s), 2 * hour);
        assert_eq!(
            next_interval(hour, None, None, Some(3 * hour), &s),
            3 * hour
        );
        assert_eq!(
            next_interval(hour, Some(10 * hour), None, None, &s),
            10 * hour
        );
        let b1 = backoff(1, None, &s);
        assert!(b1 >= s.min_interval.mul_f64(0.8) && b1 <= s.min_interval.mul_f64(1.2));
        assert!(backoff(30, None, &s) <= s.max_interval);
        assert!(backoff(1, Some(2 * hour), &s) >= 2 * hour);
    }
}
