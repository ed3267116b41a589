//! `quotewire demo`: a first run that works anywhere, with no network and no set-up.
//!
//! Serves the sample outlets bundled in the binary (`quotewire::demo`) on 127.0.0.1, writes a
//! feeds.toml for them into a scratch folder, and runs the real commands against it, each
//! shown as the user would type it: `fetch --all`, `quotes` for the newest day, and `verify`
//! of the sample post (which was written with mistakes for verify to catch). Then it says how
//! to point quotewire at real feeds. The scratch folder goes away at the end unless `--keep`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Parser;
use quotewire::store::{Store, StoryQuery};

use super::{execute, Cli, Globals};

#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  quotewire demo\n  quotewire demo --keep /tmp/qw-demo    # then: quotewire --config /tmp/qw-demo/feeds.toml --db /tmp/qw-demo/db serve\n\nThe demo uses its own scratch feeds.toml and database: --config and --db do not apply."
)]
pub struct Args {
    /// Keep the demo's feeds.toml and database in DIR (created; must hold no database yet)
    #[arg(long, value_name = "DIR")]
    keep: Option<PathBuf>,
}

pub fn run(globals: &Globals, args: Args) -> Result<ExitCode> {
    let started = Instant::now();
    let scratch;
    let dir: PathBuf = match &args.keep {
        Some(d) => {
            if Store::exists(&d.join("db")) {
                anyhow::bail!(
                    "{} already holds a demo database\n  fix: give an empty or new folder to --keep",
                    d.display()
                );
            }
            std::fs::create_dir_all(d).with_context(|| format!("cannot create {}", d.display()))?;
            d.clone()
        }
        None => {
            scratch = tempfile::Builder::new()
                .prefix("quotewire-demo-")
                .tempdir()
                .context("cannot make a scratch folder for the demo")?;
            scratch.path().to_path_buf()
        }
    };
    let config = dir.join("feeds.toml");
    let db = dir.join("db");
    let post = dir.join("sample-post.md");

    let rt = super::runtime()?;
    let listener = rt
        .block_on(tokio::net::TcpListener::bind(quotewire::demo::listen_addr()))
        .context("cannot listen on 127.0.0.1 for the demo's sample outlets")?;
    let port = listener.local_addr()?.port();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = rt.spawn(quotewire::demo::serve(listener, async {
        let _ = stopped.await;
    }));
    let base = format!("http://127.0.0.1:{port}");
    std::fs::write(&config, quotewire::demo::config_text(&base)?)
        .with_context(|| format!("cannot write {}", config.display()))?;
    std::fs::write(&post, quotewire::demo::sample_post(port))
        .with_context(|| format!("cannot write {}", post.display()))?;

    let outlets = quotewire::demo::outlet_ids().count();
    println!("quotewire demo: {outlets} sample outlets served from this program on {base}, no network needed.");
    println!("Scratch feeds.toml and database: {}", dir.display());
    println!(
        "Each step is a real command; here it runs with --config {} --db {}.",
        rel(&config, &dir),
        rel(&db, &dir)
    );

    let step = |args: &[&str]| -> Result<ExitCode> {
        println!();
        println!("$ quotewire {}", args.join(" "));
        let mut argv: Vec<String> = vec![
            "quotewire".into(),
            "--config".into(),
            config.display().to_string(),
            "--db".into(),
            db.display().to_string(),
            "--lock-wait".into(),
            globals.lock_wait.as_secs().to_string(),
        ];
        argv.extend(args.iter().map(|a| a.to_string()));
        execute(Cli::try_parse_from(argv)?)
    };

    let fetched = step(&["fetch", "--all"])?;
    if fetched != ExitCode::SUCCESS {
        let _ = stop.send(());
        anyhow::bail!("the demo's fetch did not succeed (see above); this is a bug in quotewire or its build: please report it");
    }
    let newest_day = {
        let store = Store::open(&db, "demo", globals.lock_wait, &mut |_| {})?;
        let newest = store.stories(&StoryQuery {
            limit: Some(1),
            ..Default::default()
        })?;
        store.close()?;
        newest
            .first()
            .map(|s| s.published.format("%Y-%m-%d").to_string())
            .context("the demo's fetch stored no story")?
    };
    step(&["quotes", "--since", &newest_day])?;
    let post_arg = post.display().to_string();
    // The sample post has mistakes on purpose: verify's exit 1 is what it is for.
    step(&["verify", "--problems-only", &post_arg])?;

    let _ = stop.send(());
    let _ = rt.block_on(server);
    println!();
    println!(
        "The demo took {:.1} s. verify found the mistakes the sample post was written with.",
        started.elapsed().as_secs_f64()
    );
    match &args.keep {
        Some(d) => println!(
            "Kept in {}: try `quotewire --config {c} --db {b} quotes --since all` or `... serve`.",
            d.display(),
            c = config.display(),
            b = db.display()
        ),
        None => println!("The scratch folder is removed now (`quotewire demo --keep DIR` keeps it to look around)."),
    }
    println!();
    println!("To point quotewire at real feeds:");
    println!(
        "  1. a feeds.toml: the repository's feeds.toml lists the sample outlets' real feeds;"
    );
    println!(
        "     put it at ./feeds.toml or ~/.config/quotewire/feeds.toml (or pass --config FILE);"
    );
    println!("     `quotewire feeds add URL` adds a feed, `quotewire feeds import FILE.opml` a reader's list;");
    println!("  2. `quotewire fetch` (from cron every few minutes: `*/10 * * * * quotewire fetch --quiet`);");
    println!(
        "  3. `quotewire quotes`, `quotewire serve` (the desk) and `quotewire verify post.md`."
    );
    Ok(ExitCode::SUCCESS)
}

/// `path` relative to `dir` when inside it, for a shorter line.
fn rel(path: &Path, dir: &Path) -> String {
    path.strip_prefix(dir)
        .map(|p| format!("DIR/{}", p.display()))
        .unwrap_or_else(|_| path.display().to_string())
}
