//! `quotewire feeds revive URL`: forget in the database that a feed is gone (HTTP 410) or
//! failing, so that the next `fetch` takes it. feeds.toml is not touched.

use std::process::ExitCode;

use anyhow::Result;

use crate::cli::Globals;

#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  quotewire feeds revive https://www.newarab.com/rss\n  quotewire feeds revive https://www.newarab.com/rss && quotewire fetch --feed https://www.newarab.com/rss\n\nExit codes: 0 revived (or nothing to revive), 2 no such feed or no database."
)]
pub struct Args {
    /// The feed's URL as feeds.toml lists it
    url: String,
}

pub fn run(globals: &Globals, args: Args) -> Result<ExitCode> {
    let config = globals.config()?;
    let feed = super::find_feed(&config, &args.url)?;
    let url = feed.url.as_str();
    if !globals.db_exists()? {
        println!("{url} has never been fetched (there is no database yet); nothing to revive");
        return Ok(ExitCode::SUCCESS);
    }
    let store = globals.open_store("feeds revive")?;
    let before = match store.feed_state(url)? {
        Some(s) if s.gone || s.error_count > 0 => store.revive_feed(url)?.unwrap_or(s),
        Some(_) => {
            println!("{url} is neither gone nor failing; nothing changed");
            return Ok(ExitCode::SUCCESS);
        }
        None => {
            println!("{url} has never been fetched; nothing to revive");
            return Ok(ExitCode::SUCCESS);
        }
    };
    store.close()?;
    let was = if before.gone {
        "gone (the server answered 410 Gone)".to_string()
    } else {
        format!("failing ({} consecutive errors)", before.error_count)
    };
    let last = before
        .last_error
        .as_deref()
        .map(|e| format!("; last error: {e}"))
        .unwrap_or_default();
    println!("revived {url}: it was {was}{last}");
    if feed.enabled {
        println!("  the next `quotewire fetch` tries it");
    } else {
        println!(
            "  note: it is disabled in {}; `quotewire feeds enable {url}` to fetch it again",
            config.path.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}
