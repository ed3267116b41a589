//! `quotewire feeds import FILE.opml`: a feed reader's subscription list into feeds.toml.
//! Nothing is fetched: the feeds are checked by the next `fetch` (or `feeds --check` after it).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use quotewire::config_edit::{self, FeedsFile, Outcome};
use serde::Serialize;

use crate::cli::output::plural;
use crate::cli::{output, problems, Globals};

#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  quotewire feeds import subscriptions.opml --dry-run   # show what would change\n  quotewire feeds import subscriptions.opml\n  quotewire feeds import lab.opml --allow-private       # a list of feeds on your own network\n  quotewire feeds import subscriptions.opml --json | jq 'select(.action == \"refused\")'\n\nEach feed goes to the outlet whose domains cover its site (htmlUrl) or its own host, else to a\nnew [[outlet]] named after the outline, with the OPML folders above it in a comment.\nExit codes: 0 every line added or already there, 1 some line refused (the rest is added),\n2 the file is no OPML or feeds.toml cannot be read or written."
)]
pub struct Args {
    /// The OPML file (OPML 1.0, 1.1 or 2.0, any declared encoding)
    #[arg(value_name = "FILE.opml")]
    file: PathBuf,
    /// Show what would be added, and write nothing
    #[arg(long)]
    dry_run: bool,
    /// Accept feeds on private or loopback addresses (quotewire then trusts those addresses)
    #[arg(long)]
    allow_private: bool,
    /// JSON Lines: one object per outline
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct LineJson<'a> {
    line: usize,
    url: &'a str,
    name: Option<&'a str>,
    action: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    outlet: Option<&'a str>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    new_outlet: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
}

pub fn run(globals: &Globals, args: Args) -> Result<ExitCode> {
    let shown = args.file.display().to_string();
    let bytes = crate::cli::read_input(
        &args.file,
        "save the OPML file first (a feed reader's \"export subscriptions\"), then give its path",
    )?;
    let opml = quotewire::opml::read(&bytes).map_err(|e| {
        anyhow::anyhow!(
            "{shown}: {e}\n  fix: give an OPML file (a feed reader's subscription export)"
        )
    })?;
    let mut file = FeedsFile::open(&globals.config_path()?)?;
    let lines = config_edit::import(&mut file, &opml, args.allow_private);
    if !args.dry_run {
        file.save()?;
    }
    let (mut added, mut new_outlets, mut skipped, mut refused) = (0, 0, 0, 0);
    for l in &lines {
        let (action, outlet, new_outlet, reason) = match &l.outcome {
            Outcome::Added { outlet, new_outlet } => {
                added += 1;
                new_outlets += usize::from(*new_outlet);
                ("added", Some(outlet.as_str()), *new_outlet, None)
            }
            Outcome::Skipped { reason, outlet } => {
                skipped += 1;
                ("skipped", outlet.as_deref(), false, Some(reason.as_str()))
            }
            Outcome::Refused { reason } => {
                refused += 1;
                ("refused", None, false, Some(reason.as_str()))
            }
        };
        if args.json {
            output::json_line(&LineJson {
                line: l.line,
                url: &l.url,
                name: l.name.as_deref(),
                action,
                outlet,
                new_outlet,
                reason,
            })?;
            continue;
        }
        let what = match (action, outlet, reason) {
            ("added", Some(o), _) if new_outlet => format!(
                "added {} to a new outlet {o} ({:?})",
                l.url,
                file.config().outlet(o).map_or("", |x| x.name.as_str())
            ),
            ("added", Some(o), _) => format!("added {} to outlet {o}", l.url),
            (_, _, Some(r)) => format!("{action} {}: {r}", l.url),
            _ => format!("{action} {}", l.url),
        };
        println!("{shown}:{}: {what}", l.line);
    }
    if !args.json {
        let written = if args.dry_run {
            "dry run: feeds.toml not changed".to_string()
        } else if added > 0 {
            format!("written to {}", file.path().display())
        } else {
            "feeds.toml unchanged".to_string()
        };
        println!(
            "{} ({}), {} already there, {} refused; {written}",
            plural(added, "feed added", "feeds added"),
            plural(new_outlets, "new outlet", "new outlets"),
            skipped,
            refused
        );
    }
    Ok(problems(refused > 0))
}
