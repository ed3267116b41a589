//! Command-line parsing, global options, logging and exit codes.
//!
//! Exit codes, the same for every command: 0 clean; 1 ran but found problems (a feed failed);
//! 2 could not run (usage, bad config, database held too long). Human output goes to stdout,
//! logs to stderr (RUST_LOG), progress bars to stderr and only on a terminal. One file per
//! command.

mod article;
mod feed_inspect;
mod feeds;
mod fetch;
mod output;
mod quotes;
mod serve;
mod stories;
mod verify;
mod when;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use quotewire::config::Config;
use quotewire::store::Store;

/// Fetch wire coverage into a local store, and check the quotes in a news digest against it.
#[derive(Parser)]
#[command(name = "quotewire", version, about, long_about = None)]
#[command(
    after_help = "Exit codes: 0 clean, 1 ran but found problems, 2 could not run.\nLogs: RUST_LOG=info (or debug) on stderr."
)]
struct Cli {
    /// The feeds file [default: ./feeds.toml, else $XDG_CONFIG_HOME/quotewire/feeds.toml]
    #[arg(
        long,
        global = true,
        env = "QUOTEWIRE_CONFIG",
        value_name = "FILE",
        help_heading = "Global options"
    )]
    config: Option<PathBuf>,

    /// The database directory [default: $XDG_DATA_HOME/quotewire, i.e. ~/.local/share/quotewire]
    #[arg(
        long,
        global = true,
        env = "QUOTEWIRE_DB",
        value_name = "DIR",
        help_heading = "Global options"
    )]
    db: Option<PathBuf>,

    /// How long to wait for a database another quotewire process holds
    #[arg(
        long,
        global = true,
        env = "QUOTEWIRE_LOCK_WAIT",
        value_name = "SECONDS",
        default_value_t = 120,
        help_heading = "Global options"
    )]
    lock_wait: u64,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Fetch the feeds that are due and store their stories (the cron job's command)
    Fetch(fetch::Args),
    /// List stored stories, newest first
    Stories(stories::Args),
    /// Show each configured feed's last fetch, status, error count and next due time
    Feeds(feeds::Args),
    /// Work with one feed outside the database
    Feed {
        #[command(subcommand)]
        command: FeedCommand,
    },
    /// Work with one article page outside the database
    Article {
        #[command(subcommand)]
        command: ArticleCommand,
    },
    /// Review the quotations in stored stories, and cite them
    Quotes(quotes::Args),
    /// Trace every passage of a post to its source and say what does not hold
    Verify(verify::Args),
    /// The desk: review quotations in a browser (http://127.0.0.1:8340/)
    Serve(serve::Args),
}

#[derive(Subcommand)]
enum ArticleCommand {
    /// Show the text and metadata quotewire extracts from a saved HTML page
    Extract(article::Args),
}

#[derive(Subcommand)]
enum FeedCommand {
    /// Show what quotewire reads from one feed file or URL, for debugging a feed
    Inspect(feed_inspect::Args),
}

/// Paths and limits every command shares.
pub struct Globals {
    config: Option<PathBuf>,
    db: Option<PathBuf>,
    lock_wait: Duration,
}

impl Globals {
    /// Loads feeds.toml from --config, QUOTEWIRE_CONFIG, ./feeds.toml or the XDG location.
    pub fn config(&self) -> Result<Config> {
        let path = match &self.config {
            Some(p) => p.clone(),
            None => {
                let local = PathBuf::from("feeds.toml");
                let xdg = dirs::config_dir().map(|d| d.join("quotewire").join("feeds.toml"));
                match xdg {
                    Some(x) if !local.exists() && x.exists() => x,
                    Some(x) if !local.exists() => anyhow::bail!(
                        "no feeds.toml here or at {}\n  fix: pass --config FILE (or set QUOTEWIRE_CONFIG), or copy the repository's feeds.toml to one of those places",
                        x.display()
                    ),
                    _ => local,
                }
            }
        };
        Ok(Config::load(&path)?)
    }

    pub fn db_dir(&self) -> Result<PathBuf> {
        match &self.db {
            Some(d) => Ok(d.clone()),
            None => dirs::data_dir()
                .map(|d| d.join("quotewire"))
                .context("cannot tell where the database should live (no home directory)\n  fix: pass --db DIR or set QUOTEWIRE_DB"),
        }
    }

    /// Opens the database, saying on a terminal that we wait if another process holds it.
    pub fn open_store(&self, command: &str) -> Result<Store> {
        let dir = self.db_dir()?;
        Ok(Store::open(
            &dir,
            command,
            self.lock_wait,
            &mut output::waiting_notice,
        )?)
    }
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    output::init_logging();
    let globals = Globals {
        config: cli.config,
        db: cli.db,
        lock_wait: Duration::from_secs(cli.lock_wait),
    };
    let result = match cli.command {
        Command::Fetch(args) => fetch::run(&globals, args),
        Command::Stories(args) => stories::run(&globals, args),
        Command::Feeds(args) => feeds::run(&globals, args),
        Command::Feed {
            command: FeedCommand::Inspect(args),
        } => feed_inspect::run(&globals, args),
        Command::Article {
            command: ArticleCommand::Extract(args),
        } => article::run(&globals, args),
        Command::Quotes(args) => quotes::run(&globals, args),
        Command::Verify(args) => verify::run(&globals, args),
        Command::Serve(args) => serve::run(&globals, args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// Exit code 0 or 1 for a command that ran.
pub fn problems(found: bool) -> ExitCode {
    if found {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// A tokio runtime for commands that touch the network.
pub fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        super::Cli::command().debug_assert();
    }
}
