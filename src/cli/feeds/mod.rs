//! `quotewire feeds`: the listing (no subcommand), and managing feeds.toml without an editor:
//! `add`, `import`, `export`, `remove`, `enable`, `disable`, `revive`. One command per file;
//! the editing itself is `quotewire::config_edit`, OPML is `quotewire::opml`.

mod add;
mod edit;
mod export;
mod import;
mod list;
mod revive;

use std::process::ExitCode;

use anyhow::Result;
use quotewire::config::{Config, FeedConfig};

use super::Globals;

#[derive(clap::Args)]
#[command(
    args_conflicts_with_subcommands = true,
    after_help = "Examples:\n  quotewire feeds\n  quotewire feeds --check                 # exit 1 when an enabled feed is failing or gone\n  quotewire feeds --json | jq 'select(.error_count > 0)'\n  quotewire feeds add https://www.aljazeera.com/\n  quotewire feeds import subscriptions.opml --dry-run\n  quotewire feeds export --output feeds.opml\n  quotewire feeds disable https://english.news.cn/rss/worldrss.xml\n  quotewire feeds revive https://example.com/feed.xml"
)]
pub struct Args {
    #[command(subcommand)]
    command: Option<Sub>,
    #[command(flatten)]
    list: list::ListArgs,
}

#[derive(clap::Subcommand)]
enum Sub {
    /// Add a feed: fetched and parsed first (an HTML page's advertised feed is followed)
    Add(add::Args),
    /// Add the feeds of an OPML file (a feed reader's export) to feeds.toml
    Import(import::Args),
    /// Write every configured feed as OPML 2.0, grouped by outlet
    Export(export::Args),
    /// Remove a feed from feeds.toml (its stories stay in the database)
    #[command(
        after_help = "Examples:\n  quotewire feeds remove https://www.newarab.com/rss\n\nExit codes: 0 removed, 2 no such feed (the nearest configured URLs are named)."
    )]
    Remove(edit::Args),
    /// Enable a feed in feeds.toml
    #[command(
        after_help = "Examples:\n  quotewire feeds enable https://english.news.cn/rss/worldrss.xml\n\nExit codes: 0 enabled (or already), 2 no such feed."
    )]
    Enable(edit::Args),
    /// Disable a feed in feeds.toml (kept, not fetched)
    #[command(
        after_help = "Examples:\n  quotewire feeds disable https://english.news.cn/rss/worldrss.xml\n\nExit codes: 0 disabled (or already), 2 no such feed."
    )]
    Disable(edit::Args),
    /// Forget that a feed is gone (HTTP 410) or failing, so the next fetch tries it
    Revive(revive::Args),
}

pub fn run(globals: &Globals, args: Args) -> Result<ExitCode> {
    match args.command {
        None => list::run(globals, args.list),
        Some(Sub::Add(a)) => add::run(globals, a),
        Some(Sub::Import(a)) => import::run(globals, a),
        Some(Sub::Export(a)) => export::run(globals, a),
        Some(Sub::Remove(a)) => edit::run(globals, a, edit::Action::Remove),
        Some(Sub::Enable(a)) => edit::run(globals, a, edit::Action::Enable),
        Some(Sub::Disable(a)) => edit::run(globals, a, edit::Action::Disable),
        Some(Sub::Revive(a)) => revive::run(globals, a),
    }
}

/// The configured feed with this URL, or an error naming the nearest configured URLs.
pub fn find_feed<'c>(config: &'c Config, url: &str) -> Result<&'c FeedConfig> {
    if let Some(f) = config.feed(url) {
        return Ok(f);
    }
    let near = config.closest_feeds(url, 3);
    let near = if near.is_empty() {
        "  (feeds.toml lists no feeds)".to_string()
    } else {
        near.iter()
            .map(|u| format!("  {u}"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    anyhow::bail!(
        "{}: no feed has the URL {url}\n  the nearest configured URLs:\n{near}\n  fix: give the URL exactly as feeds.toml (or `quotewire feeds`) lists it",
        config.path.display()
    )
}

/// An outlet id feeds.toml knows, or an error naming those it does.
pub fn known_outlet(config: &Config, id: &str) -> Result<()> {
    if config.outlet(id).is_some() {
        return Ok(());
    }
    let hint = config
        .outlet_named(id)
        .map(|o| format!(" (did you mean {}?)", o.id))
        .unwrap_or_default();
    anyhow::bail!(
        "{}: no outlet has the id {id:?}{hint}\n  known ids: {}\n  fix: give one of those (outlet ids, not names)",
        config.path.display(),
        config.outlet_ids()
    )
}
