//! `quotewire feeds export [--output FILE]`: every configured feed as OPML 2.0, one folder per
//! outlet, for a feed reader or another quotewire (`feeds import` reads it back as it was).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use quotewire::opml::{self, ExportFeed, ExportOutlet};

use crate::cli::Globals;

#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  quotewire feeds export > feeds.opml\n  quotewire feeds export --output ~/feeds.opml\n  quotewire --config other.toml feeds import feeds.opml   # the same feeds in another feeds.toml"
)]
pub struct Args {
    /// Write the OPML to FILE instead of standard output
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
}

pub fn run(globals: &Globals, args: Args) -> Result<ExitCode> {
    let config = globals.config()?;
    // Feed titles come from the database when there is one; none is created.
    let mut titles = std::collections::HashMap::new();
    if globals.db_exists()? {
        let store = globals.open_store("feeds export")?;
        for f in config.feeds() {
            if let Some(title) = store.feed_state(f.url.as_str())?.and_then(|s| s.title) {
                titles.insert(f.url.to_string(), title);
            }
        }
        store.close()?;
    }
    let outlets: Vec<ExportOutlet<'_>> = config
        .outlets
        .iter()
        .map(|o| ExportOutlet {
            id: &o.id,
            name: &o.name,
            domains: &o.domains,
            feeds: o
                .feeds
                .iter()
                .map(|f| ExportFeed {
                    url: f.url.as_str(),
                    title: titles.get(f.url.as_str()).map(String::as_str),
                    enabled: f.enabled,
                    interval: f
                        .interval
                        .map(|d| humantime::format_duration(d).to_string()),
                })
                .collect(),
        })
        .collect();
    let text = opml::write(
        "quotewire feeds",
        &chrono::Utc::now().to_rfc2822(),
        &outlets,
    );
    match &args.output {
        Some(path) => std::fs::write(path, text)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => {
            use std::io::Write;
            std::io::stdout()
                .write_all(text.as_bytes())
                .context("cannot write to standard output")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
