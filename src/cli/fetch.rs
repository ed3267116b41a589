//! `quotewire fetch [--all] [--quiet] [--outlet ID]... [--feed URL]...`: the cron job's command.
//!
//! Only one fetch runs at a time on a database directory: a second one, started while the
//! first is still at work (a slow cron tick), says so and exits 0 having done nothing, since
//! the first one is doing its work. On PostgreSQL (team mode) passes claim their feeds as the
//! workers do (`ingest::worker::claimed_pass`), so any number run at once, beside workers,
//! and each feed is fetched by one of them; feeds another holds are counted apart. Every line of the summary starts with the time, so a cron log reads as a
//! diary. Exit codes: 1 when any configured feed is failing, whether it failed in this pass or
//! earlier and is not due yet (so a cron wrapper hears of it on every pass until it is fixed),
//! or a page broke the extractor (a panic, or past its deadline); a page merely not had this
//! time (404, a timeout) is retried later and is no failure of the run. 130 when the pass was
//! interrupted (Ctrl-C, SIGINT), after storing what it had.

use std::process::ExitCode;

use anyhow::{Context, Result};
use chrono::Utc;
use quotewire::ingest::{self, FeedFailure, PassOptions, PassReport};
use quotewire::store::Db;

use super::output::plural;
use super::{output, problems, Globals};

#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  quotewire fetch            # the feeds that are due (run it from cron every few minutes)\n  quotewire fetch --all      # every enabled feed, due or not\n  quotewire fetch --quiet    # cron: silent unless something needs attention\n  quotewire fetch --outlet aljazeera --outlet bbc   # only these outlets' feeds (the due ones)\n  quotewire fetch --all --feed https://www.newarab.com/rss\n  quotewire --db /tmp/qw fetch --json"
)]
pub struct Args {
    /// Fetch every enabled feed now, not only the due ones
    #[arg(long)]
    all: bool,
    /// Print nothing when all is well; only problems (for cron, whose mail then means work)
    #[arg(long, short)]
    quiet: bool,
    /// Print the run's report as one JSON object (whatever --quiet says)
    #[arg(long)]
    json: bool,
    /// Fetch only this outlet's feeds (repeatable; with --feed, either selects)
    #[arg(long, value_name = "ID")]
    outlet: Vec<String>,
    /// Fetch only this feed, by its URL in feeds.toml (repeatable)
    #[arg(long, value_name = "URL")]
    feed: Vec<String>,
}

pub fn run(globals: &Globals, args: Args) -> Result<ExitCode> {
    let config = globals.config()?;
    for id in &args.outlet {
        super::feeds::known_outlet(&config, id)?;
    }
    let mut chosen = Vec::new();
    for url in &args.feed {
        chosen.push(super::feeds::find_feed(&config, url)?.url.clone());
    }
    let select = |f: &quotewire::config::FeedConfig| {
        (args.outlet.is_empty() && chosen.is_empty())
            || args.outlet.contains(&f.outlet)
            || chosen.contains(&f.url)
    };
    let db = globals.db()?;
    if let Db::Dir(dir) = &db {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the database directory {}", dir.display()))?;
    }
    let Some(_run_lock) = ingest::run_lock(&db)? else {
        let msg = "another `quotewire fetch` is running on this database; this run did nothing (the other one is fetching)";
        if args.json {
            output::json_line(&serde_json::json!({"skipped": true, "reason": msg}))?;
        } else if !args.quiet {
            println!("{} {msg}", output::rfc3339(Utc::now()));
        }
        return Ok(ExitCode::SUCCESS);
    };

    let bar = output::progress(0, "fetching feeds");
    let progress = |done: usize, total: usize| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    };
    let mut on_wait = |holder: &str| {
        bar.suspend(|| output::waiting_notice(holder));
    };
    let opts = PassOptions {
        all: args.all,
        lock_wait: globals.lock_wait,
        on_wait: &mut on_wait,
        on_progress: &progress,
    };
    let report = super::runtime()?.block_on(ingest::fetch_pass(&config, &db, opts, &select))?;
    bar.finish_and_clear();

    if args.json {
        output::json_line(&report)?;
    } else {
        let at = output::rfc3339(Utc::now());
        for line in report_lines(&report, args.quiet) {
            println!("{at} {line}");
        }
    }
    if report.interrupted {
        return Ok(ExitCode::from(130));
    }
    Ok(problems(
        report.feeds_failed > 0
            || !report.still_failing.is_empty()
            || !report.pages_broken.is_empty(),
    ))
}

/// The summary, one line per item; with `quiet`, the problems only.
fn report_lines(r: &PassReport, quiet: bool) -> Vec<String> {
    let mut lines = Vec::new();
    let fetched = r.feeds_changed + r.feeds_not_modified + r.feeds_unchanged + r.feeds_failed;
    if !quiet {
        lines.push(summary_line(r, fetched));
        if r.articles_fetched + r.articles_failed > 0 {
            lines.push(format!(
                "  pages: {} ({} gave less text than the feed, which is kept), {} not had this time (see `stories show ID`)",
                plural(r.articles_fetched, "fetched", "fetched"),
                r.articles_short,
                r.articles_failed
            ));
        }
        if r.entries_skipped > 0 {
            lines.push(format!(
                "  {} had no link, guid or title and {} skipped",
                plural(r.entries_skipped, "entry", "entries"),
                if r.entries_skipped == 1 {
                    "was"
                } else {
                    "were"
                }
            ));
        }
    }
    for (from, to) in &r.moved {
        lines.push(format!("  moved: {from} now redirects permanently to {to}; quotewire follows it — update feeds.toml"));
    }
    if r.offline {
        let first = r.failures.first().map(|f| f.error.as_str()).unwrap_or("");
        lines.push(format!(
            "  the machine looks offline: no host name resolved for any of the {} fetched ({first}); nothing was fetched, the next pass tries again",
            plural(fetched, "feed", "feeds")
        ));
    } else {
        for f in &r.failures {
            lines.push(format!(
                "  failed: {} ({}): {}{}",
                f.url,
                f.outlet,
                f.error,
                next_try(f)
            ));
        }
    }
    for f in &r.still_failing {
        lines.push(format!(
            "  still failing (not due this pass): {} ({}): {}{}",
            f.url,
            f.outlet,
            f.error,
            next_try(f)
        ));
    }
    for p in &r.pages_broken {
        lines.push(format!(
            "  page failed: {} ({}): {}",
            p.url, p.outlet, p.error
        ));
    }
    if !quiet {
        for (url, cut) in &r.limited {
            lines.push(format!("  cut to quotewire's limits: {url}: {cut}"));
        }
    }
    if r.interrupted {
        lines.push(
            "  interrupted: what was fetched before the interrupt is stored; the rest stays due"
                .into(),
        );
    }
    if quiet && !lines.is_empty() {
        lines.insert(0, summary_line(r, fetched));
    }
    lines
}

fn next_try(f: &FeedFailure) -> String {
    f.next_try
        .map(|t| format!("; next try after {}", output::short_time(t)))
        .unwrap_or_default()
}

/// "fetched 3 of 4 feeds (1 not due): ...".
fn summary_line(r: &PassReport, fetched: usize) -> String {
    let mut skipped = Vec::new();
    let not_due = r.feeds_configured.saturating_sub(
        r.feeds_due + r.feeds_gone + r.feeds_disabled + r.feeds_waiting + r.feeds_elsewhere,
    );
    if not_due > 0 {
        skipped.push(format!("{not_due} not due"));
    }
    if r.feeds_gone > 0 {
        skipped.push(format!("{} gone", r.feeds_gone));
    }
    if r.feeds_disabled > 0 {
        skipped.push(format!("{} disabled", r.feeds_disabled));
    }
    if r.feeds_elsewhere > 0 {
        skipped.push(format!(
            "{} being fetched by another worker",
            r.feeds_elsewhere
        ));
    }
    if r.feeds_waiting > 0 {
        skipped.push(format!(
            "{} whose server asked to wait (Retry-After)",
            r.feeds_waiting
        ));
    }
    let skipped = if skipped.is_empty() {
        String::new()
    } else {
        format!(" ({})", skipped.join(", "))
    };
    format!(
        "fetched {fetched} of {}{skipped}: {} changed, {} not modified, {} unchanged, {} failed; stories: {} new, {} updated, {} unchanged",
        plural(r.feeds_configured, "feed", "feeds"),
        r.feeds_changed,
        r.feeds_not_modified,
        r.feeds_unchanged,
        r.feeds_failed,
        r.stories_new,
        r.stories_updated,
        r.stories_unchanged
    )
}
