//! `--since WHEN`: a date, a date and time, or a span back from now (`review::query` reads
//! it; this is the command line's name for it).

use anyhow::Result;
use chrono::{DateTime, Utc};

/// Parses "2019-12-27", "2019-12-27T10:00:00Z", "36h", "2d", "today" or "yesterday"; "all"
/// is no bound (`None`), the same in every command that takes `--since`.
pub fn parse_since(s: &str, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>> {
    let s = s.trim();
    if s.eq_ignore_ascii_case("all") {
        return Ok(None);
    }
    quotewire::review::query::parse_when(s, now)
        .map(Some)
        .map_err(|e| {
            anyhow::anyhow!(e
                .to_string()
                .replacen("cannot read the time", "cannot read --since", 1)
                .replacen("today or yesterday", "today, yesterday or all", 1))
        })
}
