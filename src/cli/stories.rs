//! `quotewire stories`: stored stories, newest first.

use std::process::ExitCode;

use anyhow::Result;
use chrono::Utc;
use quotewire::store::StoryQuery;
use quotewire::story::Story;
use serde::Serialize;

use super::{output, when, Globals};

#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  quotewire stories --since 2d\n  quotewire stories --since 2019-12-27 --outlet aljazeera\n  quotewire stories --json | jq -r .title"
)]
pub struct Args {
    /// Only stories published at or after WHEN: 2019-12-27, 2019-12-27T10:00:00Z, 36h, 2d, today, yesterday
    #[arg(long, value_name = "WHEN")]
    since: Option<String>,
    /// Only stories of this outlet (its id in feeds.toml)
    #[arg(long, value_name = "ID")]
    outlet: Option<String>,
    /// At most N stories
    #[arg(long, value_name = "N")]
    limit: Option<usize>,
    /// JSON Lines: one story per line
    #[arg(long)]
    json: bool,
}

/// The JSON form of a story.
#[derive(Serialize)]
struct StoryJson<'a> {
    id: &'a str,
    outlet: &'a str,
    outlets: &'a [String],
    url: Option<&'a str>,
    title: Option<&'a str>,
    published: Option<String>,
    published_from: quotewire::story::DateSource,
    updated: Option<String>,
    authors: &'a [String],
    categories: &'a [String],
    summary: Option<&'a str>,
    content_length: usize,
    first_seen: String,
    last_seen: String,
    feeds: Vec<&'a str>,
}

impl<'a> From<&'a Story> for StoryJson<'a> {
    fn from(s: &'a Story) -> Self {
        StoryJson {
            id: &s.id,
            outlet: &s.outlet,
            outlets: &s.outlets,
            url: s.url.as_deref(),
            title: s.title.as_deref(),
            published: Some(output::rfc3339(s.published)),
            published_from: s.published_from,
            updated: s.updated.map(output::rfc3339),
            authors: &s.authors,
            categories: &s.categories,
            summary: s.summary.as_deref(),
            content_length: s.content.as_deref().map_or(0, |c| c.chars().count()),
            first_seen: output::rfc3339(s.first_seen),
            last_seen: output::rfc3339(s.last_seen),
            feeds: s.sources.iter().map(|f| f.feed.as_str()).collect(),
        }
    }
}

pub fn run(globals: &Globals, args: Args) -> Result<ExitCode> {
    let since = args
        .since
        .as_deref()
        .map(|s| when::parse_since(s, Utc::now()))
        .transpose()?;
    let store = globals.open_store("stories")?;
    let stories = store.stories(&StoryQuery {
        since,
        outlet: args.outlet.clone(),
        limit: args.limit,
    })?;
    drop(store);
    for s in &stories {
        if args.json {
            output::json_line(&StoryJson::from(s))?;
        } else {
            let date = output::short_time(s.published);
            let approx = if s.published_from == quotewire::story::DateSource::FirstSeen {
                "~"
            } else {
                " "
            };
            println!(
                "{date}{approx} {:<14} {}",
                s.outlet,
                s.title.as_deref().unwrap_or("(untitled)")
            );
            println!(
                "{:18} {}  [{}]",
                "",
                s.url.as_deref().unwrap_or("(no link)"),
                s.id
            );
        }
    }
    if !args.json && stories.is_empty() {
        eprintln!(
            "no stories{}; run `quotewire fetch` to collect some",
            match (&args.since, &args.outlet) {
                (None, None) => String::new(),
                _ => " match".into(),
            }
        );
    }
    Ok(ExitCode::SUCCESS)
}
