//! `quotewire migrate --from DIR --to URL`: copy a whole store into another, empty one (sled
//! to PostgreSQL for team mode, or back), then compare what each holds. What is copied and
//! how is `store::copy`'s; this is the command-line edge.

use std::ffi::OsString;
use std::process::ExitCode;

use anyhow::{bail, Result};
use quotewire::store::copy::{self, Counts};
use quotewire::store::{Db, Store};

use super::{output, Globals};

#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  quotewire migrate --from ~/.local/share/quotewire --to postgresql:///quotewire?host=/run/postgresql\n  quotewire migrate --from postgres://desk@db.example/quotewire --to ./copy --json\n\nThe target must hold no story yet. The passage index is rebuilt in the target from the copied texts.\nExit codes: 0 copied and every count agrees, 1 copied but a count differs, 2 could not copy."
)]
pub struct Args {
    /// The store to copy: a database directory or a PostgreSQL URL
    #[arg(long, value_name = "DIR|URL")]
    from: OsString,
    /// The empty store to copy into: a PostgreSQL URL (the database must exist) or a directory
    #[arg(long, value_name = "URL|DIR")]
    to: OsString,
    /// One JSON object: each side's counts, and how many stories were indexed
    #[arg(long)]
    json: bool,
}

/// One line of the table: what is counted, and where in `Counts`.
type Row = (&'static str, fn(&Counts) -> usize);

const ROWS: &[Row] = &[
    ("stories", |c| c.stories),
    ("page texts", |c| c.page_texts),
    ("feed states", |c| c.feed_states),
    ("page jobs", |c| c.page_jobs),
    ("stories with quotations", |c| c.quoted_stories),
    ("review decisions", |c| c.reviews),
    ("review log entries", |c| c.review_log),
    ("recorded posts", |c| c.posts),
    ("saved searches", |c| c.saved_searches),
];

pub fn run(globals: &Globals, args: Args) -> Result<ExitCode> {
    let (from, to) = (Db::parse(&args.from), Db::parse(&args.to));
    if from == to {
        bail!("--from and --to are the same store\n  fix: copy into another database or directory");
    }
    if !from.exists() {
        bail!(
            "no quotewire database at {}\n  fix: give --from the directory `fetch` wrote (see --db in the README)",
            from.shown()
        );
    }
    let mut wait = |holder: &str| output::waiting_notice(holder);
    let source = Store::open_db(&from, "migrate", globals.lock_wait, &mut wait)?;
    let target = Store::open_db(&to, "migrate", globals.lock_wait, &mut wait)?;
    let bar = output::progress(0, "copying stories");
    let report = copy::copy(&source, &target, &mut |done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    })?;
    bar.finish_and_clear();
    source.close()?;
    target.close()?;
    if args.json {
        output::json_line(&report)?;
    } else {
        println!("{:<26} {:>10} {:>10}", "", "from", "to");
        for (name, of) in ROWS {
            let (a, b) = (of(&report.source), of(&report.target));
            let mark = if a == b { "" } else { "  differs" };
            println!("{name:<26} {a:>10} {b:>10}{mark}");
        }
        println!("{} stories indexed in {}", report.indexed, to.shown());
    }
    if report.complete() {
        Ok(ExitCode::SUCCESS)
    } else {
        if !args.json {
            eprintln!("a count differs: the copy is not whole\n  fix: look for errors above (RUST_LOG=info), then migrate again into a new, empty store");
        }
        Ok(ExitCode::from(1))
    }
}
