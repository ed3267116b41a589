//! `quotewire fetch [--all]`: the cron job's command.
//!
//! Only one fetch runs at a time per database: a second one, started while the first is still
//! at work (a slow cron tick), says so and exits 0 having done nothing, since the first one is
//! doing its work. Exit 1 when any feed failed, or a page broke the extractor (a panic, or
//! past its deadline), so cron's mail says so; a page merely not had this time (404, a
//! timeout) is retried later and is no failure of the run.

use std::process::ExitCode;

use anyhow::{Context, Result};
use quotewire::ingest::{self, PassOptions, PassReport};

use super::{output, problems, Globals};

#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  quotewire fetch            # the feeds that are due (run it from cron every few minutes)\n  quotewire fetch --all      # every enabled feed, due or not\n  quotewire --db /tmp/qw fetch --json"
)]
pub struct Args {
    /// Fetch every enabled feed now, not only the due ones
    #[arg(long)]
    all: bool,
    /// Print the run's report as one JSON object
    #[arg(long)]
    json: bool,
}

pub fn run(globals: &Globals, args: Args) -> Result<ExitCode> {
    let config = globals.config()?;
    let db_dir = globals.db_dir()?;
    std::fs::create_dir_all(&db_dir)
        .with_context(|| format!("cannot create the database directory {}", db_dir.display()))?;
    let Some(_run_lock) = ingest::run_lock(&db_dir)? else {
        let msg = "another `quotewire fetch` is running on this database; this run did nothing (the other one is fetching)";
        if args.json {
            output::json_line(&serde_json::json!({"skipped": true, "reason": msg}))?;
        } else {
            println!("{msg}");
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
    let report = super::runtime()?.block_on(ingest::run(&config, &db_dir, opts))?;
    bar.finish_and_clear();

    if args.json {
        output::json_line(&report)?;
    } else {
        print_report(&report);
    }
    Ok(problems(
        report.feeds_failed > 0 || !report.pages_broken.is_empty(),
    ))
}

fn print_report(r: &PassReport) {
    let fetched = r.feeds_changed + r.feeds_not_modified + r.feeds_unchanged + r.feeds_failed;
    let mut skipped = Vec::new();
    let not_due =
        r.feeds_configured - r.feeds_due - r.feeds_gone - r.feeds_disabled - r.feeds_waiting;
    if not_due > 0 {
        skipped.push(format!("{not_due} not due"));
    }
    if r.feeds_gone > 0 {
        skipped.push(format!("{} gone", r.feeds_gone));
    }
    if r.feeds_disabled > 0 {
        skipped.push(format!("{} disabled", r.feeds_disabled));
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
    println!(
        "fetched {fetched} of {} feeds{skipped}: {} changed, {} not modified, {} unchanged, {} failed; stories: {} new, {} updated, {} unchanged",
        r.feeds_configured,
        r.feeds_changed,
        r.feeds_not_modified,
        r.feeds_unchanged,
        r.feeds_failed,
        r.stories_new,
        r.stories_updated,
        r.stories_unchanged
    );
    if r.articles_fetched + r.articles_failed > 0 {
        println!(
            "  pages: {} fetched ({} gave less text than the feed, which is kept), {} not had this time (see `stories show ID`)",
            r.articles_fetched, r.articles_short, r.articles_failed
        );
    }
    if r.entries_skipped > 0 {
        println!(
            "  {} entries had no link, guid or title and were skipped",
            r.entries_skipped
        );
    }
    for (from, to) in &r.moved {
        println!("  moved: {from} now redirects permanently to {to}; quotewire follows it — update feeds.toml");
    }
    for f in &r.failures {
        let next = f
            .next_try
            .map(|t| format!("; next try after {}", output::short_time(t)))
            .unwrap_or_default();
        println!("  failed: {} ({}): {}{next}", f.url, f.outlet, f.error);
    }
    for p in &r.pages_broken {
        println!("  page failed: {} ({}): {}", p.url, p.outlet, p.error);
    }
    for (url, cut) in &r.limited {
        println!("  cut to quotewire's limits: {url}: {cut}");
    }
    if r.interrupted {
        println!(
            "  interrupted: what was fetched before the interrupt is stored; the rest stays due"
        );
    }
}
