//! The query language of the review: what `quotes --query` and the desk's search box and saved
//! searches read, turned into a `Filter`.
//!
//! A query is terms separated by spaces: `speaker:NAME`, `outlet:ID`, `status:STATE`,
//! `since:WHEN`, and words or "quoted phrases" that the quotation's text must contain (all of
//! them; any case, punctuation ignored). A value with spaces is quoted: `speaker:"Mark Esper"`.
//! `speaker:Sistani outlet:reuters "embassy"` is one. This module parses; listing is `list`.

use chrono::{DateTime, NaiveDate, Utc};

use super::{Filter, Status};

/// Why a query or a time could not be read; the message says how to write it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct QueryError(String);

/// What a query asks for: the filter, and the `since:` term as given (None when absent).
#[derive(Debug, Clone, Default)]
pub struct Query {
    pub filter: Filter,
    /// Whether the query named a time (`since:`), so that a caller's default does not apply.
    pub has_since: bool,
}

/// Reads a query, with `now` for relative times.
pub fn parse(query: &str, now: DateTime<Utc>) -> Result<Query, QueryError> {
    let mut out = Query::default();
    for (key, value) in terms(query)? {
        match key.as_deref() {
            None => {
                if !super::fold(&value).is_empty() {
                    out.filter.search.push(value);
                }
            }
            Some("speaker") => out.filter.speaker = Some(value),
            Some("outlet") => out.filter.stories.outlet = Some(value),
            Some("status") => {
                let status = match value.to_lowercase().as_str() {
                    "candidate" | "candidates" | "new" => Status::Candidate,
                    "accepted" | "accept" => Status::Accepted,
                    "rejected" | "reject" => Status::Rejected,
                    _ => {
                        return Err(QueryError(format!(
                        "unknown status {value:?} in the query\n  fix: write status:candidate, status:accepted or status:rejected"
                    )))
                    }
                };
                if !out.filter.status.contains(&status) {
                    out.filter.status.push(status);
                }
            }
            Some("since") => {
                out.has_since = true;
                out.filter.stories.since = match value.as_str() {
                    "all" => None,
                    v => Some(parse_when(v, now)?),
                };
            }
            Some(other) => {
                return Err(QueryError(format!(
                    "unknown term {other}: in the query\n  fix: use speaker:, outlet:, status: or since:, or quote the words (\"{other}:\") to search for them"
                )))
            }
        }
    }
    Ok(out)
}

/// The query's terms: (key, value) for `key:value`, (None, words) for words and phrases.
fn terms(query: &str) -> Result<Vec<(Option<String>, String)>, QueryError> {
    let mut out = Vec::new();
    let mut chars = query.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let Some(&first) = chars.peek() else { break };
        let mut key = None;
        if first != '"' {
            let mut word = String::new();
            while let Some(c) = chars.next_if(|c| !c.is_whitespace() && *c != ':' && *c != '"') {
                word.push(c);
            }
            let is_key = !word.is_empty() && word.chars().all(|c| c.is_ascii_alphabetic());
            if is_key && chars.next_if_eq(&':').is_some() {
                key = Some(word.to_lowercase());
            } else {
                // A plain word ("10:30"; a colon or a quote inside it belongs to it).
                while let Some(c) = chars.next_if(|c| !c.is_whitespace()) {
                    word.push(c);
                }
                out.push((None, word));
                continue;
            }
        }
        let value = if chars.next_if_eq(&'"').is_some() {
            let mut v = String::new();
            let mut closed = false;
            for c in chars.by_ref() {
                if c == '"' {
                    closed = true;
                    break;
                }
                v.push(c);
            }
            if !closed {
                return Err(QueryError(
                    "a quote mark in the query is never closed\n  fix: close the phrase with a second \""
                        .into(),
                ));
            }
            v
        } else {
            let mut v = String::new();
            while let Some(c) = chars.next_if(|c| !c.is_whitespace()) {
                v.push(c);
            }
            v
        };
        if let Some(k) = &key {
            if value.trim().is_empty() {
                return Err(QueryError(format!(
                    "{k}: has no value in the query\n  fix: write {k}:VALUE, quoted when it has spaces ({k}:\"two words\")"
                )));
            }
        }
        out.push((key, value));
    }
    Ok(out)
}

/// Reads a time: "2019-12-27", "2019-12-27T10:00:00Z", a span back from now ("36h", "2d"),
/// "today" or "yesterday" (midnight UTC).
pub fn parse_when(s: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, QueryError> {
    let s = s.trim();
    let midnight = |d: NaiveDate| d.and_hms_opt(0, 0, 0).map(|t| t.and_utc());
    let day = match s {
        "today" => Some(now.date_naive()),
        "yesterday" => now.date_naive().pred_opt(),
        _ => None,
    };
    let found = day
        .and_then(midnight)
        .or_else(|| {
            DateTime::parse_from_rfc3339(s)
                .ok()
                .map(|t| t.with_timezone(&Utc))
        })
        .or_else(|| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .ok()
                .and_then(midnight)
        })
        .or_else(|| {
            let span = humantime::parse_duration(s).ok()?;
            Some(now - chrono::Duration::from_std(span).ok()?)
        });
    found.ok_or_else(|| QueryError(format!(
        "cannot read the time {s:?}\n  fix: write a date (2019-12-27), a time (2019-12-27T10:00:00Z), a span back from now (36h, 2d), today or yesterday"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2020-01-03T12:00:00Z")
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default()
    }

    #[test]
    fn terms_phrases_and_words() {
        let q = parse(
            r#"speaker:Sistani outlet:reuters "the embassy" strike status:accepted"#,
            now(),
        )
        .unwrap();
        assert_eq!(q.filter.speaker.as_deref(), Some("Sistani"));
        assert_eq!(q.filter.stories.outlet.as_deref(), Some("reuters"));
        assert_eq!(q.filter.search, ["the embassy", "strike"]);
        assert_eq!(q.filter.status, [Status::Accepted]);
        assert!(!q.has_since);
        let q = parse(r#"speaker:"Mark Esper" since:2d"#, now()).unwrap();
        assert_eq!(q.filter.speaker.as_deref(), Some("Mark Esper"));
        assert_eq!(
            q.filter.stories.since.map(|t| t.to_rfc3339()).as_deref(),
            Some("2020-01-01T12:00:00+00:00")
        );
        assert!(parse("since:all", now())
            .unwrap()
            .filter
            .stories
            .since
            .is_none());
        // A colon inside a word, and a word of punctuation only.
        let q = parse("10:30 — ok", now()).unwrap();
        assert_eq!(q.filter.search, ["10:30", "ok"]);
    }

    #[test]
    fn errors_say_how_to_write_it() {
        for (bad, says) in [
            ("status:maybe", "status:candidate"),
            ("colour:red", "unknown term colour:"),
            ("\"unclosed", "never closed"),
            ("speaker:", "has no value"),
            ("since:last-week", "cannot read the time"),
        ] {
            let e = parse(bad, now()).unwrap_err().to_string();
            assert!(e.contains(says) && e.contains("fix:"), "{bad}: {e}");
        }
    }

    #[test]
    fn times() {
        assert_eq!(
            parse_when("2019-12-27", now()).unwrap().to_rfc3339(),
            "2019-12-27T00:00:00+00:00"
        );
        assert_eq!(
            parse_when("yesterday", now()).unwrap().to_rfc3339(),
            "2020-01-02T00:00:00+00:00"
        );
        assert!(parse_when("last week", now()).is_err());
    }
}
