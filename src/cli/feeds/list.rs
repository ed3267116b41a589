//! `quotewire feeds [--check]`: each configured feed's last fetch, status, error count and next
//! due time. Works without a database (every feed is then "never fetched"), and creates none.

use std::process::ExitCode;

use anyhow::Result;
use chrono::Utc;
use quotewire::fetcher::FeedState;
use serde::Serialize;

use crate::cli::{output, problems, Globals};

#[derive(clap::Args)]
pub struct ListArgs {
    /// JSON Lines: one feed per line
    #[arg(long)]
    json: bool,
    /// Exit 1 when any enabled feed is failing or gone (a check for cron or CI)
    #[arg(long)]
    check: bool,
}

#[derive(Serialize)]
struct FeedJson<'a> {
    outlet: &'a str,
    url: &'a str,
    enabled: bool,
    title: Option<&'a str>,
    status: String,
    http_status: Option<u16>,
    last_attempt: Option<String>,
    last_success: Option<String>,
    last_result: Option<&'a str>,
    error_count: u32,
    next_due: Option<String>,
    moved_to: Option<&'a str>,
    gone: bool,
    entries: u32,
}

pub fn run(globals: &Globals, args: ListArgs) -> Result<ExitCode> {
    let config = globals.config()?;
    // Before the first fetch there is no database: every feed is "never fetched", and
    // listing them must not create one.
    let store = if globals.db_exists()? {
        Some(globals.open_store("feeds")?)
    } else {
        None
    };
    let mut rows = Vec::new();
    for feed in config.feeds() {
        let stored = match &store {
            Some(store) => store.feed_state(feed.url.as_str())?,
            None => None,
        };
        let state = stored.unwrap_or_else(|| FeedState::new(feed.url.as_str(), &feed.outlet));
        rows.push((feed, state));
    }
    drop(store);
    let now = Utc::now();
    if !args.json {
        println!(
            "{:<14} {:<13} {:>6}  {:<16}  {:<16}  URL",
            "OUTLET", "STATUS", "ERRORS", "LAST FETCH", "NEXT DUE"
        );
    }
    for (feed, s) in &rows {
        let st = s.health(feed.enabled).to_string();
        if args.json {
            output::json_line(&FeedJson {
                outlet: &feed.outlet,
                url: feed.url.as_str(),
                enabled: feed.enabled,
                title: s.title.as_deref(),
                status: st,
                http_status: s.last_status,
                last_attempt: s.last_attempt.map(output::rfc3339),
                last_success: s.last_success.map(output::rfc3339),
                last_result: s.last_result.as_deref(),
                error_count: s.error_count,
                next_due: s.next_due.map(output::rfc3339),
                moved_to: s.moved_to.as_deref(),
                gone: s.gone,
                entries: s.entries,
            })?;
            continue;
        }
        let last = s.last_attempt.map_or("-".into(), output::short_time);
        let next = match s.next_due {
            _ if s.gone || !feed.enabled => "-".into(),
            Some(t) if t > now => output::short_time(t),
            _ => "now".into(),
        };
        println!(
            "{:<14} {:<13} {:>6}  {:<16}  {:<16}  {}",
            feed.outlet, st, s.error_count, last, next, feed.url
        );
        if let Some(result) = &s.last_result {
            if s.error_count > 0 || s.gone {
                println!("{:14} last: {result}", "");
            }
        }
        if let Some(to) = &s.moved_to {
            println!("{:14} moved permanently to {to}: update feeds.toml", "");
        }
    }
    // Listing is not a check: problems are shown, and the command itself succeeded. With
    // --check, an enabled feed failing or gone is a problem; a disabled one is only shown.
    let failing = rows
        .iter()
        .any(|(feed, s)| feed.enabled && matches!(s.health(true), "failing" | "gone"));
    Ok(if args.check {
        problems(failing)
    } else {
        ExitCode::SUCCESS
    })
}
