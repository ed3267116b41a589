//! `quotewire worker`: a fetch worker of team mode. Several run at once, on one machine or
//! many, against one PostgreSQL store; each claims due feeds, fetches them and hands them
//! back (`ingest::worker`). This is the command-line edge: the loop, its pauses, its output.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::{bail, Result};
use chrono::Utc;
use quotewire::ingest::worker::{self, Round, WorkerOptions};
use quotewire::store::Db;

use super::{output, problems, Globals};

#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  quotewire --db postgres://desk@db.example/quotewire worker\n  */5 * * * * quotewire --db postgresql:///quotewire?host=/run/postgresql worker --once --quiet\n\nNeeds a PostgreSQL --db (team mode); on a database directory run `quotewire fetch`.\nExit codes: 0 clean, 1 a feed failed, 2 could not run, 130 interrupted."
)]
pub struct Args {
    /// Take what is due until nothing is, then exit (for cron); without it the worker runs
    /// until stopped, waiting for feeds to fall due
    #[arg(long)]
    once: bool,
    /// Feeds one claim takes, at most; the worker claims again until feeds.toml's
    /// `concurrency` are in flight
    #[arg(long, default_value_t = 20, value_name = "N")]
    batch: usize,
    /// How long a claim is held; a worker that dies loses its feeds to the others after this
    #[arg(long, default_value_t = 300, value_name = "SECONDS")]
    lease: u64,
    /// How long to wait between looks when nothing is due
    #[arg(long, default_value_t = 10, value_name = "SECONDS")]
    poll: u64,
    /// This worker's name in the queue [default: HOSTNAME:PID]
    #[arg(long, value_name = "NAME")]
    name: Option<String>,
    /// Problems only (failed feeds)
    #[arg(long)]
    quiet: bool,
    /// JSON Lines: one object per pass (claimed, completed, lost, and the pass's report)
    #[arg(long)]
    json: bool,
}

pub fn run(globals: &Globals, args: Args) -> Result<ExitCode> {
    let mut config = globals.config()?;
    let db = globals.db()?;
    let Db::Url(url) = &db else {
        bail!(
            "`worker` shares feeds between processes through PostgreSQL, and --db {} is a directory\n  fix: run `quotewire fetch` from cron on a directory, or give --db a postgres:// URL (see \"Team mode\" in the README)",
            db.shown()
        );
    };
    if args.batch == 0 {
        bail!("--batch 0 would claim nothing\n  fix: give --batch 1 or more");
    }
    let opts = WorkerOptions {
        name: args.name.clone().unwrap_or_else(worker::default_name),
        batch: args.batch,
        lease: Duration::from_secs(args.lease.max(1)),
        lock_wait: globals.lock_wait,
    };
    super::runtime()?.block_on(async {
        let queue = worker::queue(url, "worker")?;
        tracing::debug!("connected to the queue");
        worker::sync(&queue, &config).await?;
        tracing::debug!("feeds.toml synced with the queue");
        let mut failed = false;
        let interrupt = quotewire::ingest::interrupted();
        tokio::pin!(interrupt);
        loop {
            let round = worker::pass(&config, &db, &queue, &opts).await?;
            let r = &round.report;
            failed |= r.feeds_failed > 0 || !r.pages_broken.is_empty();
            let stop = r.interrupted;
            if !round.claimed.is_empty() || r.articles_fetched > 0 {
                say(&args, &opts.name, &round)?;
            }
            if stop {
                return Ok(ExitCode::from(130));
            }
            if args.once {
                break;
            }
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_secs(args.poll.max(1))) => {}
                _ = &mut interrupt => return Ok(ExitCode::from(130)),
            }
            // feeds.toml may have changed meanwhile: the queue and the passes follow it.
            config = globals.config()?;
            worker::sync(&queue, &config).await?;
        }
        Ok(problems(failed))
    })
}

/// A pass's line (or JSON object).
fn say(args: &Args, name: &str, round: &Round) -> Result<()> {
    let r = &round.report;
    if args.json {
        output::json_line(&serde_json::json!({
            "worker": name,
            "claimed": round.claimed.len(),
            "completed": round.completed,
            "lost": round.lost,
            "report": r,
        }))?;
    } else if !args.quiet || r.feeds_failed > 0 {
        println!(
            "{} {name}: claimed {}, completed {}{}; {} new, {} updated stories; {} failed",
            output::rfc3339(Utc::now()),
            round.claimed.len(),
            round.completed,
            if round.lost > 0 {
                format!(" ({} leases ran out first)", round.lost)
            } else {
                String::new()
            },
            r.stories_new,
            r.stories_updated,
            r.feeds_failed
        );
        for f in &r.failures {
            println!("  failed: {} — {}", f.url, f.error);
        }
    }
    Ok(())
}
