//! `quotewire quotes`: the quotations of stored stories for the author's review, grouped by
//! story, newest story first.

use std::process::ExitCode;

use anyhow::Result;
use chrono::Utc;
use quotewire::review::{self, Status};

use super::super::{output, when, Globals};
use super::{QuoteJson, StatusArg};

#[derive(clap::Args)]
pub struct ListArgs {
    /// Only stories published at or after WHEN: 2019-12-27, 36h, 2d, today, yesterday, or all
    #[arg(long, value_name = "WHEN", default_value = "yesterday")]
    since: String,
    /// Only stories of this outlet (its id in feeds.toml)
    #[arg(long, value_name = "ID")]
    outlet: Option<String>,
    /// Only quotations whose speaker's name contains NAME (any case): esper, "Mark Esper"
    #[arg(long, value_name = "NAME")]
    speaker: Option<String>,
    /// Only quotations whose text contains TEXT (any case; punctuation and quote marks ignored)
    #[arg(long, value_name = "TEXT")]
    search: Option<String>,
    /// Only quotations in this review state [default: all]
    #[arg(long, value_enum, value_name = "STATUS")]
    status: Option<StatusArg>,
    /// A query as the desk's search box reads it: speaker:NAME outlet:ID status:STATE
    /// since:WHEN and "words" the text must contain, e.g. 'speaker:Sistani outlet:reuters
    /// "embassy"'; its terms are added to the other options (a since: in it wins over --since)
    #[arg(long, value_name = "QUERY")]
    query: Option<String>,
    /// JSON Lines: one quotation per line, with its story's id, outlet, url, title and date
    #[arg(long)]
    json: bool,
}

pub fn run(globals: &Globals, args: ListArgs) -> Result<ExitCode> {
    let now = Utc::now();
    let query = match &args.query {
        Some(q) => review::query::parse(q, now).map_err(|e| anyhow::anyhow!("--query: {e}"))?,
        None => review::query::Query::default(),
    };
    let since = when::parse_since(&args.since, now)?;
    let mut filter = query.filter;
    if !query.has_since {
        filter.stories.since = since;
    }
    filter.stories.outlet = filter.stories.outlet.or(args.outlet.clone());
    filter.speaker = filter.speaker.or(args.speaker.clone());
    filter.search.extend(args.search.clone());
    filter.status.extend(
        args.status
            .map(Status::from)
            .filter(|s| !filter.status.contains(s)),
    );
    if let Some(id) = &filter.stories.outlet {
        globals.check_outlet(id)?;
    }
    let store = globals.open_store("quotes")?;
    let listed = review::list(&store, &filter)?;
    store.close()?;
    for (story, quotes) in &listed {
        if args.json {
            for q in quotes {
                output::json_line(&QuoteJson::new(story, &q.quote, q.status))?;
            }
            continue;
        }
        println!(
            "{} {:<12} {}",
            output::short_time(story.published),
            story.outlet,
            story.title.as_deref().unwrap_or("(untitled)")
        );
        println!(
            "{:17} {}  [story {}]",
            "",
            story.url.as_deref().unwrap_or("(no link)"),
            story.id
        );
        for q in quotes {
            let who = q
                .quote
                .quote
                .speaker
                .as_deref()
                .unwrap_or("(speaker unknown)");
            println!(
                "  {}  {:<9}  {:<8}  {who}",
                q.quote.id,
                q.status.as_str(),
                super::kind(q.quote.quote.kind)
            );
            println!("      {}", q.quote.quote.text.replace('\n', " "));
        }
        println!();
    }
    if !args.json && listed.is_empty() {
        eprintln!(
            "no quotations in stories since {}{}\n  hint: widen the search with --since 2d, --since 2019-12-27 or --since all",
            args.since,
            if args.outlet.is_some() || args.speaker.is_some() || args.search.is_some() || args.status.is_some() || args.query.is_some() {
                " that match"
            } else {
                ""
            }
        );
    }
    Ok(ExitCode::SUCCESS)
}
