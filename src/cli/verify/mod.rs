//! `quotewire verify POST...`: every passage of each post traced to its source, with what does
//! not hold: wording, outlet, day, speaker. The editor's command before publishing.
//!
//! Each post is read (`read`: a file, `-` or a URL, in whatever encoding it is in) and parsed
//! inside `limits::contain`, so that a bug the post reader hits on some odd post is an error
//! naming the post, not a crash. A post that cannot be read is reported (exit 2) and the others
//! are still checked. The human report is `report`'s; `--json` prints one object per post.
//!
//! Not for: finding or judging passages (`verify`), reading Markdown or HTML (`post`).

mod read;
mod report;
mod sides;

use std::io::IsTerminal;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use chrono::NaiveDate;
use quotewire::config::Config;
use quotewire::limits;
use quotewire::post::{self, Post};
use quotewire::verify::{self, Report};
use quotewire::words::plural;

use super::{output, Globals};
use read::{FormatArg, Input};
use report::{ColorArg, View};

#[derive(clap::Args)]
#[command(after_help = "Examples:
  quotewire verify post.md
  quotewire verify weekly-update.txt --date 2020-01-02
  quotewire verify https://blog.example.org/weekly-update
  pbpaste | quotewire verify - --problems-only
  quotewire verify *.md --json | jq 'select(.passages) | .post'

Marks without colour: {+added+} the post's words the source lacks, [-dropped-] the source's
words the post leaves out, [changed] words that differ (the post's above, the source's below).

Problem codes (--json): not_found, minor, altered, copied_unmarked, wrong_outlet,
missing_attribution, dangling, wrong_link, wrong_speaker, date_after_day; warnings, which never
set the exit code: date_gap, outlet_choice.

Exit codes: 0 every passage of every post verifies, 1 something does not, 2 a post or the
database could not be read (the other posts are still checked).")]
pub struct Args {
    /// The posts: files (Markdown .md, HTML .html, plain text otherwise), `-` for standard
    /// input, or http(s) URLs (fetched with the address rules of `--fetch`)
    #[arg(value_name = "POST", required = true)]
    posts: Vec<String>,
    /// How to read the posts [default: by extension; a URL by its Content-Type, then its
    /// extension; standard input as Markdown, or HTML when it starts like a page]
    #[arg(long, value_enum, value_name = "FORMAT")]
    format: Option<FormatArg>,
    /// The post's date, when its front matter has none: years of day headings come from it
    /// (without it, from a year in the title, else the year the matched sources agree with)
    #[arg(long, value_name = "YYYY-MM-DD")]
    date: Option<String>,
    /// First fetch the linked articles the store does not have (same politeness and address
    /// rules as `fetch`), store them, then verify
    #[arg(long)]
    fetch: bool,
    /// Keep the links from this post's passages to their stories and quotations, so that
    /// `stories show` and `quotes show` list the post (replaces the post's earlier record)
    #[arg(long)]
    record: bool,
    /// Print one JSON object per post, one a line, with `post`, `encoding` and the list
    /// `passages` (or `error` for a post that could not be read)
    #[arg(long)]
    json: bool,
    /// Colour the report: the differences, statuses, problems
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorArg::Auto)]
    color: ColorArg,
    /// Show only the passages with problems (and each post's summary); --json lists all
    #[arg(long)]
    problems_only: bool,
}

/// What became of one post.
enum Outcome {
    Unread,
    Problems,
    Clean,
}

pub fn run(globals: &Globals, args: Args) -> Result<ExitCode> {
    let date = args
        .date
        .as_deref()
        .map(|d| {
            NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d")
                .with_context(|| format!("cannot read --date {d:?}\n  fix: write it as 2020-01-02"))
        })
        .transpose()?;
    let stdin = args.posts.iter().filter(|p| *p == "-").count();
    if stdin > 1 {
        bail!("`-` (standard input) is given {stdin} times\n  fix: give it once");
    }
    if stdin == 1 && args.record {
        bail!(
            "--record keeps a post under its path or URL, and standard input has neither\n  fix: save the post to a file and verify that with --record"
        );
    }
    let config = globals.config()?;
    let terminal = std::io::stdout().is_terminal();
    let view = View {
        color: report::use_color(
            args.color,
            terminal,
            std::env::var_os("NO_COLOR").as_deref(),
            std::env::var_os("TERM").as_deref(),
        ),
        width: terminal.then(terminal_width),
        problems_only: args.problems_only,
    };
    let mut fetcher = read::Fetcher::new(&config);
    let mut outcomes = Vec::with_capacity(args.posts.len());
    for (i, arg) in args.posts.iter().enumerate() {
        if i > 0 && !args.json {
            println!();
        }
        let input = Input::from_arg(arg);
        let name = input.as_ref().map_or_else(|_| arg.clone(), Input::name);
        let read = input.and_then(|input| {
            let (text, post) = read_post(&input, &args, date, &mut fetcher)?;
            Ok((input, text, post))
        });
        let outcome = match read {
            Ok((input, text, post)) => {
                if check(globals, &config, &args, &view, &input, &text, &post)? {
                    Outcome::Problems
                } else {
                    Outcome::Clean
                }
            }
            Err(e) => {
                eprintln!("error: {e:#}");
                if args.json {
                    output::json_line(&serde_json::json!({
                        "post": name,
                        "error": format!("{e:#}"),
                    }))?;
                }
                Outcome::Unread
            }
        };
        outcomes.push(outcome);
    }
    let count = |f: fn(&Outcome) -> bool| outcomes.iter().filter(|o| f(o)).count();
    let unread = count(|o| matches!(o, Outcome::Unread));
    let problems = count(|o| matches!(o, Outcome::Problems));
    let good = outcomes.len() - problems - unread;
    if outcomes.len() > 1 && !args.json {
        println!();
        println!(
            "{}: {good} {}, {problems} {} problems, {unread} could not be read",
            plural(outcomes.len(), "post", "posts"),
            if good == 1 { "verifies" } else { "verify" },
            if problems == 1 { "has" } else { "have" }
        );
    }
    Ok(ExitCode::from(if unread > 0 {
        2
    } else if problems > 0 {
        1
    } else {
        0
    }))
}

/// Reads, decodes and parses one post.
fn read_post(
    input: &Input,
    args: &Args,
    date: Option<NaiveDate>,
    fetcher: &mut read::Fetcher,
) -> Result<(read::Text, Post)> {
    let name = input.name();
    let mut text = read::read(input, args.format, fetcher)
        .with_context(|| format!("cannot read the post {name}"))?;
    let (body, format) = (std::mem::take(&mut text.text), text.format);
    let post = limits::contain("post reader", None, move || {
        post::parse(&body, format, date)
    })
    .with_context(|| format!("cannot read the post {name}"))?
    .with_context(|| format!("cannot read the post {name}"))?;
    Ok((text, post))
}

/// Verifies one post read, prints its report; whether it has problems.
fn check(
    globals: &Globals,
    config: &Config,
    args: &Args,
    view: &View,
    input: &Input,
    text: &read::Text,
    post: &Post,
) -> Result<bool> {
    let fetched = if args.fetch {
        let mut links: Vec<url::Url> = Vec::new();
        // The links of the passages that will be checked.
        for p in post.passages.iter().take(limits::MAX_POST_PASSAGES) {
            if let Some(l) = &p.claimed.link {
                if !links.contains(l) {
                    links.push(l.clone());
                }
            }
        }
        let db = globals.db()?;
        let report = super::runtime()?.block_on(quotewire::ingest::links::fetch(
            config,
            &db,
            &links,
            globals.lock_wait,
            &mut output::waiting_notice,
        ))?;
        if !args.json {
            eprintln!(
                "linked pages: {} fetched and stored, {} already stored, {} not had",
                report.fetched.len(),
                report.known,
                report.failed.len()
            );
            for (url, why) in &report.failed {
                eprintln!("  {url}: {why}");
            }
        }
        Some(report)
    } else {
        None
    };
    let store = globals.open_store("verify")?;
    let report = verify::verify(&store, config, post)?;
    let recorded = match (args.record, input.record_key()) {
        (true, Some(key)) => Some(verify::record(&store, &key, &report)?),
        _ => None,
    };
    store.close()?;
    if let (Some(n), false) = (recorded, args.json) {
        eprintln!(
            "recorded the sources of {} for `stories show` and `quotes show`",
            plural(n, "passage", "passages")
        );
    }
    let name = input.name();
    if args.json {
        #[derive(serde::Serialize)]
        struct Json<'a> {
            post: &'a str,
            encoding: &'a str,
            #[serde(skip_serializing_if = "std::ops::Not::not")]
            encoding_mixed: bool,
            #[serde(flatten)]
            report: &'a Report,
            #[serde(skip_serializing_if = "Option::is_none")]
            fetched: Option<&'a quotewire::ingest::links::LinksReport>,
        }
        output::json_line(&Json {
            post: &name,
            encoding: text.encoding,
            encoding_mixed: text.mixed,
            report: &report,
            fetched: fetched.as_ref(),
        })?;
    } else {
        report::print(&report, &name, text.encoding, text.mixed, view);
        let unfetched = report
            .passages
            .iter()
            .any(|p| p.source.is_none() && p.marked != "unmarked" && p.link.is_some());
        if unfetched && !args.fetch {
            println!("hint: passages with a link were not found; `quotewire verify --fetch` fetches the linked articles first");
        }
    }
    Ok(report.problems() > 0)
}

/// The terminal's width in columns: COLUMNS, else the terminal's own, else 100.
fn terminal_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse().ok())
        .filter(|&c: &usize| c > 0)
        .or_else(tty_columns)
        .unwrap_or(100)
}

#[cfg(unix)]
fn tty_columns() -> Option<usize> {
    // SAFETY: TIOCGWINSZ writes one `winsize` into the struct given, which lives on the stack
    // for the call; on failure it writes nothing and returns -1.
    let mut size: libc::winsize = unsafe { std::mem::zeroed() };
    let ok = unsafe { libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, &mut size) } == 0;
    (ok && size.ws_col > 0).then_some(usize::from(size.ws_col))
}

#[cfg(not(unix))]
fn tty_columns() -> Option<usize> {
    None
}
