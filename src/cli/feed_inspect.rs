//! `quotewire feed inspect FILE|URL`: what quotewire reads from one feed, for a user debugging
//! it. Touches no database. A URL is fetched with the same client as `fetch`.

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result};
use quotewire::fetcher::{AddressPolicy, HttpClient, Validators};
use quotewire::limits::{self, PARSE_DEADLINE};
use quotewire::parser::{self, ParsedFeed};
use serde::Serialize;
use url::Url;

use super::{output, Globals};

#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  quotewire feed inspect fixtures/feeds/rss2.xml\n  quotewire feed inspect https://www.aljazeera.com/xml/rss/all.xml --json"
)]
pub struct Args {
    /// A feed file, or an http(s) URL to fetch
    #[arg(value_name = "FILE|URL")]
    source: String,
    /// Print one JSON object: {"feed": {...}, "entries": [...]}
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct InspectJson<'a> {
    feed: FeedHead<'a>,
    entries: Vec<EntryJson<'a>>,
}

#[derive(Serialize)]
struct FeedHead<'a> {
    title: Option<&'a str>,
    link: Option<&'a str>,
    encoding: &'a str,
    ttl: Option<u32>,
    /// What was cut to stay within quotewire's limits.
    limits: Option<&'a str>,
}

#[derive(Serialize)]
struct EntryJson<'a> {
    title: Option<&'a str>,
    link: Option<&'a str>,
    id: Option<&'a str>,
    summary: Option<&'a str>,
    published: Option<String>,
    updated: Option<String>,
    authors: &'a [String],
    categories: &'a [String],
}

pub fn run(globals: &Globals, args: Args) -> Result<ExitCode> {
    let (bytes, content_type, base) = match Url::parse(&args.source) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => {
            let settings = globals.config().map(|c| c.fetch).unwrap_or_default();
            let policy = AddressPolicy::new([&url]);
            let client = Arc::new(HttpClient::new(&settings, policy)?);
            let resp = super::runtime()?
                .block_on(client.get(&url, &Validators::default()))
                .with_context(|| format!("cannot fetch {url}"))?;
            (resp.body, resp.content_type, Some(resp.final_url))
        }
        _ => {
            let bytes = super::read_input(
                std::path::Path::new(&args.source),
                "give an http:// or https:// URL, or the path of a saved feed",
            )?;
            (bytes, None, None)
        }
    };
    let parsed = limits::contain("feed parser", Some(PARSE_DEADLINE), move || {
        parser::parse(&bytes, content_type.as_deref(), base.as_ref())
    });
    let feed = match parsed {
        Ok(Ok(feed)) => feed,
        Ok(Err(e)) => {
            eprintln!("{}: {e}", args.source);
            return Ok(ExitCode::from(1));
        }
        Err(e) => {
            eprintln!("{}: {e}", args.source);
            return Ok(ExitCode::from(1));
        }
    };
    if let Some(cut) = &feed.limits {
        eprintln!("{}: cut to quotewire's limits: {cut}", args.source);
    }
    // `fetch` keeps an entry under its link, else its guid, else its title and date; one with
    // none of them cannot be told from the next and is skipped (and counted in its report).
    let unkeyed = feed
        .entries
        .iter()
        .filter(|e| quotewire::story::identity(e, "").is_none())
        .count();
    if unkeyed > 0 {
        eprintln!(
            "{}: {unkeyed} {} no link, guid or title; `fetch` skips {}",
            args.source,
            if unkeyed == 1 {
                "entry has"
            } else {
                "entries have"
            },
            if unkeyed == 1 { "it" } else { "them" }
        );
    }
    if args.json {
        output::json_line(&to_json(&feed))?;
    } else {
        print_human(&feed);
    }
    Ok(ExitCode::SUCCESS)
}

fn to_json(feed: &ParsedFeed) -> InspectJson<'_> {
    InspectJson {
        feed: FeedHead {
            title: feed.title.as_deref(),
            link: feed.link.as_deref(),
            encoding: feed.encoding,
            ttl: feed.ttl,
            limits: feed.limits.as_deref(),
        },
        entries: feed
            .entries
            .iter()
            .map(|e| EntryJson {
                title: e.title.as_deref(),
                link: e.link.as_deref(),
                id: e.id.as_deref(),
                summary: e.summary.as_deref(),
                published: e.published.map(output::rfc3339),
                updated: e.updated.map(output::rfc3339),
                authors: &e.authors,
                categories: &e.categories,
            })
            .collect(),
    }
}

fn print_human(feed: &ParsedFeed) {
    println!(
        "feed:     {}",
        feed.title.as_deref().unwrap_or("(untitled)")
    );
    println!("link:     {}", feed.link.as_deref().unwrap_or("-"));
    println!("encoding: {}", feed.encoding);
    if let Some(ttl) = feed.ttl {
        println!("ttl:      {ttl} minutes");
    }
    println!("entries:  {}", feed.entries.len());
    for (i, e) in feed.entries.iter().enumerate() {
        println!();
        println!(
            "{:>3}. {}",
            i + 1,
            e.title.as_deref().unwrap_or("(untitled)")
        );
        println!("     link:      {}", e.link.as_deref().unwrap_or("(none)"));
        println!("     id:        {}", e.id.as_deref().unwrap_or("(none)"));
        let date = |d: Option<chrono::DateTime<chrono::Utc>>| d.map_or("-".into(), output::rfc3339);
        println!("     published: {}", date(e.published));
        if e.updated.is_some() {
            println!("     updated:   {}", date(e.updated));
        }
        if !e.authors.is_empty() {
            println!("     authors:   {}", e.authors.join(", "));
        }
        if let Some(c) = &e.content {
            println!("     content:   {} characters", c.chars().count());
        }
    }
}
