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
#[command(args_conflicts_with_subcommands = true)]
pub struct Args {
    #[command(subcommand)]
    command: Option<Sub>,
    /// Only stories published at or after WHEN: 2019-12-27, 2019-12-27T10:00:00Z, 36h, 2d, today, yesterday, all
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

#[derive(clap::Subcommand)]
enum Sub {
    /// Show one story: metadata, where its text came from, its feeds, and the text
    Show(ShowArgs),
}

#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  quotewire stories show 5d0c2e1f3a4b5c6d\n  quotewire stories show 5d0c2e1f3a4b5c6d --json | jq -r .text"
)]
struct ShowArgs {
    /// The story id (16 hex digits, as `stories` lists them; the first 6 or more are enough)
    id: String,
    /// Print one JSON object
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
    text_source: quotewire::story::TextSource,
    text_length: usize,
    text_note: Option<&'a str>,
    wire_source: Option<&'a str>,
    copy_of: Option<&'a str>,
    copies: &'a [String],
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
            text_source: s.text.source,
            text_length: s.text.len,
            text_note: s.text.note.as_deref(),
            wire_source: s.article.as_ref().and_then(|a| a.wire_source.as_deref()),
            copy_of: s.copy_of.as_deref(),
            copies: &s.copies,
            first_seen: output::rfc3339(s.first_seen),
            last_seen: output::rfc3339(s.last_seen),
            feeds: s.sources.iter().map(|f| f.feed.as_str()).collect(),
        }
    }
}

pub fn run(globals: &Globals, args: Args) -> Result<ExitCode> {
    if let Some(Sub::Show(show)) = args.command {
        return run_show(globals, show);
    }
    let since = args
        .since
        .as_deref()
        .map(|s| when::parse_since(s, Utc::now()))
        .transpose()?
        .flatten();
    if let Some(id) = &args.outlet {
        globals.check_outlet(id)?;
    }
    let store = globals.open_store("stories")?;
    let stories = store.stories(&StoryQuery {
        since,
        outlet: args.outlet.clone(),
        limit: args.limit,
        ..Default::default()
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
    if !args.json && stories.is_empty() && args.limit != Some(0) {
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

fn run_show(globals: &Globals, args: ShowArgs) -> Result<ExitCode> {
    let store = globals.open_store("stories show")?;
    let s = match store.find_story(&args.id) {
        Ok(s) => s,
        Err(e @ quotewire::store::StoryIdError::Store(_)) => return Err(e.into()),
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(ExitCode::from(1));
        }
    };
    let text = store.text(&s)?;
    let used_in = store.story_uses(&s.id)?;
    drop(store);
    let text = text.unwrap_or_default();
    if args.json {
        #[derive(Serialize)]
        struct ShowJson<'a> {
            #[serde(flatten)]
            story: StoryJson<'a>,
            sources: &'a [quotewire::story::StorySource],
            article: Option<&'a quotewire::story::ArticleInfo>,
            /// Posts whose passages `verify --record` traced to this story.
            used_in: &'a [quotewire::store::Use],
            text: &'a str,
        }
        output::json_line(&ShowJson {
            story: StoryJson::from(&s),
            sources: &s.sources,
            article: s.article.as_ref(),
            used_in: &used_in,
            text: &text,
        })?;
        return Ok(ExitCode::SUCCESS);
    }
    let dash = |o: Option<&str>| o.unwrap_or("-").to_string();
    println!("{}", s.title.as_deref().unwrap_or("(untitled)"));
    println!("id:         {}", s.id);
    println!("url:        {}", dash(s.url.as_deref()));
    println!(
        "outlet:     {} (carried by: {})",
        s.outlet,
        s.outlets.join(", ")
    );
    println!(
        "published:  {} (from {:?})",
        output::rfc3339(s.published),
        s.published_from
    );
    if let Some(u) = s.updated.filter(|u| *u != s.published) {
        println!("updated:    {}", output::rfc3339(u));
    }
    if !s.authors.is_empty() {
        println!("authors:    {}", s.authors.join(", "));
    }
    for f in &s.sources {
        println!(
            "feed:       {} ({}), first seen {}",
            f.feed,
            f.outlet,
            output::short_time(f.first_seen)
        );
    }
    if let Some(a) = &s.article {
        match (&a.error, a.fetched) {
            (Some(e), _) => println!("page:       not had ({} tries): {e}", a.failures),
            (None, Some(t)) => println!(
                "page:       fetched {}; {} characters{}{}",
                output::short_time(t),
                a.text_len,
                a.wire_source
                    .as_deref()
                    .map(|w| format!("; wire: {w}"))
                    .unwrap_or_default(),
                if a.meta.paywalled { "; paywalled" } else { "" }
            ),
            _ => {}
        }
        if let Some(c) = &a.meta.canonical_url {
            println!("canonical:  {c}");
        }
    }
    if let Some(original) = &s.copy_of {
        println!("copy of:    {original} (the earliest published of the same text)");
    }
    for c in &s.copies {
        println!("copy:       {c}");
    }
    println!(
        "text:       {:?}, {} characters{}",
        s.text.source,
        s.text.len,
        s.text
            .note
            .as_deref()
            .map(|n| format!(" ({n})"))
            .unwrap_or_default()
    );
    for u in &used_in {
        println!("used in:    {} line {} ({})", u.post, u.line, u.status);
    }
    println!();
    println!("{text}");
    Ok(ExitCode::SUCCESS)
}
