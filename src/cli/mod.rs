//! Command-line parsing, global options, logging and exit codes.
//!
//! Exit codes, the same for every command: 0 clean; 1 ran but found problems (a feed failed);
//! 2 could not run (usage, bad config, database held too long). Human output goes to stdout,
//! logs to stderr (RUST_LOG), progress bars to stderr and only on a terminal. One file per
//! command.

mod article;
mod completions;
mod demo;
mod feed_inspect;
mod feeds;
mod fetch;
mod man;
mod migrate;
mod output;
mod quotes;
mod serve;
mod stories;
mod verify;
mod when;
mod worker;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use quotewire::config::Config;
use quotewire::store::{Db, Store};

/// Fetch wire coverage into a local store, and check the quotes in a news digest against it.
#[derive(Parser)]
#[command(name = "quotewire", version, about, long_about = None)]
#[command(
    after_help = "Exit codes: 0 clean, 1 ran but found problems, 2 could not run.\nLogs: RUST_LOG=info (or debug) on stderr."
)]
pub(crate) struct Cli {
    /// The feeds file [default: ./feeds.toml, else $XDG_CONFIG_HOME/quotewire/feeds.toml]
    #[arg(
        long,
        global = true,
        env = "QUOTEWIRE_CONFIG",
        value_name = "FILE",
        help_heading = "Global options"
    )]
    config: Option<PathBuf>,

    /// The database: a directory, or a PostgreSQL URL for team mode (postgres://USER@HOST/DB,
    /// postgresql:///DB?host=/run/postgresql) [default: $XDG_DATA_HOME/quotewire, i.e.
    /// ~/.local/share/quotewire]
    #[arg(
        long,
        global = true,
        env = "QUOTEWIRE_DB",
        value_name = "DIR|URL",
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
pub(crate) enum Command {
    /// Fetch the feeds that are due and store their stories (the cron job's command)
    Fetch(fetch::Args),
    /// List stored stories, newest first
    Stories(stories::Args),
    /// Each configured feed's health; add, import, export, remove, enable, disable, revive feeds
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
    /// A first run: sample outlets served locally, fetched, quoted and verified, no network
    Demo(demo::Args),
    /// Team mode: claim due feeds from a PostgreSQL store shared with other workers, fetch them
    Worker(worker::Args),
    /// Copy a whole store into an empty one (a directory into PostgreSQL for team mode)
    Migrate(migrate::Args),
    /// Print a shell completion script (bash, zsh or fish)
    Completions(completions::Args),
    /// Print the manual page (roff), or write one per command into a folder
    Man(man::Args),
}

#[derive(Subcommand)]
pub(crate) enum ArticleCommand {
    /// Show the text and metadata quotewire extracts from a saved HTML page
    Extract(article::Args),
}

#[derive(Subcommand)]
pub(crate) enum FeedCommand {
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
        Ok(Config::load(&self.config_path()?)?)
    }

    /// Where feeds.toml is: --config, QUOTEWIRE_CONFIG, ./feeds.toml or the XDG location.
    pub fn config_path(&self) -> Result<PathBuf> {
        Ok(match &self.config {
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
        })
    }

    /// Where the store is: --db / QUOTEWIRE_DB (a directory, or a `postgres://` URL), else
    /// the platform's data directory.
    pub fn db(&self) -> Result<Db> {
        match &self.db {
            Some(d) => Ok(Db::parse(d.as_os_str())),
            None => dirs::data_dir()
                .map(|d| Db::Dir(d.join("quotewire")))
                .context("cannot tell where the database should live (no home directory)\n  fix: pass --db DIR or set QUOTEWIRE_DB"),
        }
    }

    /// Whether the store exists (a PostgreSQL database is taken to).
    pub fn db_exists(&self) -> Result<bool> {
        Ok(self.db()?.exists())
    }

    /// Refuses an outlet id feeds.toml does not know, naming those it does. Without a
    /// readable feeds.toml there is nothing to check against, and the id is taken as given.
    pub fn check_outlet(&self, id: &str) -> Result<()> {
        let Ok(config) = self.config() else {
            return Ok(());
        };
        feeds::known_outlet(&config, id)
    }

    /// Opens an existing database, saying on a terminal that we wait if another process
    /// holds it. Only `fetch` creates a database: a mistyped `--db` here is an error, not a
    /// new empty store.
    pub fn open_store(&self, command: &str) -> Result<Store> {
        let db = self.db()?;
        if !db.exists() {
            anyhow::bail!(
                "no quotewire database at {}\n  fix: check --db / QUOTEWIRE_DB, or run `quotewire fetch` to create it there",
                db.shown()
            );
        }
        Ok(Store::open_db(
            &db,
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
    match execute(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// Runs one parsed command line: the global options, then the command. `demo` calls this
/// for each step it shows, so a step is exactly the command the user would type.
pub(crate) fn execute(cli: Cli) -> Result<ExitCode> {
    let globals = Globals {
        config: cli.config,
        db: cli.db,
        lock_wait: Duration::from_secs(cli.lock_wait),
    };
    match cli.command {
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
        Command::Demo(args) => demo::run(&globals, args),
        Command::Migrate(args) => migrate::run(&globals, args),
        Command::Worker(args) => worker::run(&globals, args),
        Command::Completions(args) => completions::run(args),
        Command::Man(args) => man::run(args),
    }
}

/// Reads a file a command takes as input (a saved page, a text, a feed), refusing a URL
/// given where a file is wanted (`hint` says what to do instead) and bytes that are no text.
pub fn read_input(path: &std::path::Path, hint: &str) -> Result<Vec<u8>> {
    let shown = path.display().to_string();
    if (shown.starts_with("http://") || shown.starts_with("https://")) && !path.exists() {
        anyhow::bail!("{shown} is a URL, and this command reads saved files only\n  fix: {hint}");
    }
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {shown}"))?;
    if let Some(what) = binary_kind(&bytes) {
        anyhow::bail!(
            "{shown} is {what}, not text or HTML\n  fix: give the saved page or text itself (a compressed file: decompress it first)"
        );
    }
    Ok(bytes)
}

/// What binary data looks like, if it does: a known file signature, else NUL bytes in its
/// first 8 KiB (which no text in an 8-bit encoding or UTF-8 has; UTF-16 and UTF-32 text, which
/// does, starts with a byte-order mark and passes).
fn binary_kind(bytes: &[u8]) -> Option<&'static str> {
    const SIGNATURES: &[(&[u8], &str)] = &[
        (b"\x1f\x8b", "gzip-compressed data"),
        (b"PK\x03\x04", "a ZIP archive"),
        (b"%PDF-", "a PDF document"),
        (b"\x89PNG", "a PNG image"),
        (b"\xff\xd8\xff", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"\x28\xb5\x2f\xfd", "zstd-compressed data"),
        (b"BZh", "bzip2-compressed data"),
        (b"\x7fELF", "a program"),
    ];
    if let Some((_, what)) = SIGNATURES.iter().find(|(sig, _)| bytes.starts_with(sig)) {
        return Some(what);
    }
    let bom = [&b"\xff\xfe"[..], b"\xfe\xff", b"\x00\x00\xfe\xff"];
    let head = &bytes[..bytes.len().min(8192)];
    (!bom.iter().any(|b| bytes.starts_with(b)) && head.contains(&0)).then_some("binary data")
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
    fn binary_input_is_named_and_text_passes() {
        assert_eq!(
            super::binary_kind(b"\x1f\x8b\x08\x00"),
            Some("gzip-compressed data")
        );
        assert_eq!(
            super::binary_kind(b"<html>\x00</html>"),
            Some("binary data")
        );
        assert_eq!(super::binary_kind("<p>caf\u{e9}</p>".as_bytes()), None);
        assert_eq!(
            super::binary_kind(b"\xff\xfe<\x00p\x00>\x00"),
            None,
            "UTF-16 with a BOM"
        );
        assert_eq!(super::binary_kind(b""), None);
    }

    #[test]
    fn the_command_line_is_well_formed() {
        super::Cli::command().debug_assert();
    }
}
