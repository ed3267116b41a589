//! Output plumbing shared by the commands: logging, JSON Lines, terminals and progress.

use std::io::{IsTerminal, Write};

use anyhow::Result;
use chrono::{DateTime, Utc};
use serde::Serialize;

/// Logs go to stderr, filtered by RUST_LOG (default: warnings and errors); coloured only on a
/// terminal and without NO_COLOR, so a cron log holds no escape codes.
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(colour_allowed(std::io::stderr().is_terminal()))
        .with_target(false)
        .try_init();
}

/// Whether output to a stream may be coloured: it is a terminal and NO_COLOR is unset or
/// empty (https://no-color.org).
pub fn colour_allowed(terminal: bool) -> bool {
    terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

pub use quotewire::words::plural;

/// Writes one JSON object as a line on stdout.
pub fn json_line<T: Serialize>(value: &T) -> Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer(&mut out, value)?;
    out.write_all(b"\n")?;
    Ok(())
}

/// Said once when the database is busy; only on a terminal (cron gets the log line).
pub fn waiting_notice(holder: &str) {
    if std::io::stderr().is_terminal() {
        eprintln!("waiting for the database: it is held by {holder} (Ctrl-C to give up)");
    } else {
        tracing::info!("waiting for the database, held by {holder}");
    }
}

/// A progress bar on stderr if it is a terminal; hidden otherwise.
pub fn progress(len: u64, what: &str) -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len);
    let style = indicatif::ProgressStyle::with_template(&format!(
        "{{spinner}} {what} {{pos}}/{{len}} [{{bar:30}}] {{elapsed}}"
    ))
    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    bar.set_style(style);
    bar
}

/// "2019-12-28 14:05" in UTC.
pub fn short_time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M").to_string()
}

/// RFC 3339 in UTC with seconds, the form every --json output uses.
pub fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
