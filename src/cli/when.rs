//! `--since WHEN`: a date, a date and time, or a span back from now.

use anyhow::{bail, Result};
use chrono::{DateTime, NaiveDate, Utc};

/// Parses "2019-12-27", "2019-12-27T10:00:00Z", "36h", "2d", "today" or "yesterday".
pub fn parse_since(s: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>> {
    let s = s.trim();
    let midnight = |d: NaiveDate| d.and_hms_opt(0, 0, 0).map(|t| t.and_utc());
    match s {
        "today" => return midnight(now.date_naive()).ok_or_else(|| anyhow::anyhow!("bad date")),
        "yesterday" => {
            return midnight(now.date_naive() - chrono::Days::new(1))
                .ok_or_else(|| anyhow::anyhow!("bad date"))
        }
        _ => {}
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        if let Some(t) = midnight(d) {
            return Ok(t);
        }
    }
    if let Ok(span) = humantime::parse_duration(s) {
        if let Ok(span) = chrono::Duration::from_std(span) {
            return Ok(now - span);
        }
    }
    bail!("cannot read --since {s:?}\n  fix: write a date (2019-12-27), a time (2019-12-27T10:00:00Z), a span back from now (36h, 2d), today or yesterday")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        let now = DateTime::parse_from_rfc3339("2020-01-03T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            parse_since("2019-12-27", now).unwrap().to_rfc3339(),
            "2019-12-27T00:00:00+00:00"
        );
        assert_eq!(
            parse_since("2d", now).unwrap().to_rfc3339(),
            "2020-01-01T12:00:00+00:00"
        );
        assert_eq!(
            parse_since("yesterday", now).unwrap().to_rfc3339(),
            "2020-01-02T00:00:00+00:00"
        );
        assert!(parse_since("last week", now).is_err());
    }
}
