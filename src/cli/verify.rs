//! `quotewire verify POST`: every passage of a post traced to its source, with what does not
//! hold: wording, outlet, day, speaker. The editor's command before publishing.
//!
//! The post is read inside `limits::contain`, so that a bug the post reader hits on some odd
//! post is an error naming the file (exit 2), not a crash; the limits that applied (words read,
//! passages checked) are shown and make the exit code 1.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anstyle::{AnsiColor, Style};
use anyhow::{Context, Result};
use chrono::NaiveDate;
use quotewire::limits;
use quotewire::post::{self, Format, Limit};
use quotewire::verify::{self, find::Status, PassageReport, Report};

use super::{output, problems, Globals};

#[derive(clap::Args)]
#[command(after_help = "Examples:
  quotewire verify post.md
  quotewire verify weekly-update.txt --date 2020-01-02
  quotewire verify post.html --json | jq '.passages[] | select(.status != \"verbatim\")'

Exit codes: 0 every passage verifies, 1 something does not, 2 the post or database could not be read.")]
pub struct Args {
    /// The post: Markdown (.md), HTML (.html) or plain text (anything else)
    #[arg(value_name = "POST")]
    post: PathBuf,
    /// The post's date, when its front matter has none: years of day headings come from it
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
    /// Print one JSON object with the list `passages`
    #[arg(long)]
    json: bool,
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
    let bytes = std::fs::read(&args.post)
        .with_context(|| format!("cannot read the post {}", args.post.display()))?;
    let text = String::from_utf8(bytes)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    let format = Format::from_path(&args.post);
    let post = limits::contain("post reader", None, move || {
        post::parse(&text, format, date)
    })
    .with_context(|| format!("cannot read the post {}", args.post.display()))?
    .with_context(|| format!("cannot read the post {}", args.post.display()))?;
    let config = globals.config()?;
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
        let dir = globals.db_dir()?;
        let report = super::runtime()?.block_on(quotewire::ingest::links::fetch(
            &config,
            &dir,
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
    let report = verify::verify(&store, &config, &post)?;
    let recorded = if args.record {
        let path = std::fs::canonicalize(&args.post).unwrap_or_else(|_| args.post.clone());
        Some(verify::record(
            &store,
            &path.display().to_string(),
            &report,
        )?)
    } else {
        None
    };
    store.close()?;
    if let (Some(n), false) = (recorded, args.json) {
        eprintln!("recorded {n} passages' sources for `stories show` and `quotes show`");
    }
    if args.json {
        #[derive(serde::Serialize)]
        struct Json<'a> {
            #[serde(flatten)]
            report: &'a Report,
            #[serde(skip_serializing_if = "Option::is_none")]
            fetched: Option<&'a quotewire::ingest::links::LinksReport>,
        }
        output::json_line(&Json {
            report: &report,
            fetched: fetched.as_ref(),
        })?;
    } else {
        print_report(&report, &args.post.display().to_string());
        let unfetched = report
            .passages
            .iter()
            .any(|p| p.source.is_none() && p.marked != "unmarked" && p.link.is_some());
        if unfetched && !args.fetch {
            println!("hint: passages with a link were not found; `quotewire verify --fetch` fetches the linked articles first");
        }
    }
    Ok(problems(report.problems() > 0))
}

fn paint(style: Style, s: &str, color: bool) -> String {
    if color {
        format!("{}{s}{}", style.render(), style.render_reset())
    } else {
        s.to_string()
    }
}

fn print_report(report: &Report, name: &str) {
    let color = std::io::stdout().is_terminal();
    let bold = Style::new().bold();
    let fg = |c: AnsiColor| Style::new().fg_color(Some(c.into()));
    println!(
        "{}",
        paint(
            bold,
            &format!(
                "{name}: {}{}",
                report.title.as_deref().unwrap_or("(untitled)"),
                report.date.map(|d| format!(", {d}")).unwrap_or_default()
            ),
            color
        )
    );
    if report.year_guessed {
        println!(
            "  (the post gives no year: the days' years are guessed; pass --date YYYY-MM-DD or a front-matter date)"
        );
    }
    for limit in &report.limits {
        println!(
            "  {} {}",
            paint(fg(AnsiColor::Red), "✗", color),
            limit_message(limit)
        );
    }
    let mut heading: Option<&str> = None;
    let (mut own, mut ok) = (0, 0);
    for p in &report.passages {
        if p.is_own_words() {
            own += 1;
            continue;
        }
        if p.heading.as_deref() != heading {
            heading = p.heading.as_deref();
            println!();
            println!(
                "{}",
                paint(
                    bold,
                    &format!(
                        "{}{}",
                        heading.unwrap_or("(before the first day heading)"),
                        p.day.map(|d| format!(" ({d})")).unwrap_or_default()
                    ),
                    color
                )
            );
        }
        if p.problems.is_empty() {
            ok += 1;
        }
        let (word, style) = match p.status {
            Status::Verbatim => ("verbatim", fg(AnsiColor::Green)),
            Status::Minor => ("minor", fg(AnsiColor::Yellow)),
            Status::Altered => ("altered", fg(AnsiColor::Red)),
            Status::NotFound => ("not found", fg(AnsiColor::Red)),
        };
        println!(
            "  line {:<4} {:<8} {}  {}",
            p.line,
            p.marked,
            paint(style, &format!("{word:<9}"), color),
            excerpt(&p.text, 70)
        );
        print_source(p);
        for problem in &p.problems {
            println!(
                "      {} {}",
                paint(fg(AnsiColor::Red), "✗", color),
                problem.message
            );
        }
        for warning in &p.warnings {
            println!(
                "      {} {}",
                paint(fg(AnsiColor::Yellow), "!", color),
                warning.message
            );
        }
        if let Some(s) = &p.speaker {
            println!(
                "      {} the post names {}; the stored quotation is {}'s ({})",
                paint(fg(AnsiColor::Yellow), "!", color),
                s.claimed,
                s.stored,
                s.quote_id
            );
        }
    }
    let checked = report.passages.len() - own;
    println!();
    println!(
        "{checked} passages checked: {ok} verify, {} do not; {own} paragraphs of the author's own words; {} problems",
        checked - ok,
        report.problems()
    );
    if !report.limits.is_empty() {
        println!("the post was not fully checked:");
        for limit in &report.limits {
            println!("  {}", limit_message(limit));
        }
    }
}

/// "the post has 5300 passages; only the first 2000 were checked".
fn limit_message(limit: &Limit) -> String {
    match limit.limit {
        "words" => format!(
            "the post has {} words; only the first {} were read (limit: words)",
            limit.found, limit.max
        ),
        "markup" => format!(
            "the post has {} line breaks and marks; only the text up to the {}th was read (limit: markup)",
            limit.found, limit.max
        ),
        "passages" => format!(
            "the post has {} passages; only the first {} were checked (limit: passages)",
            limit.found, limit.max
        ),
        other => format!(
            "limit {other}: {} found, at most {} checked",
            limit.found, limit.max
        ),
    }
}

fn print_source(p: &PassageReport) {
    let Some(s) = &p.source else {
        return;
    };
    println!(
        "      source: {} {} {} [{}]",
        s.outlet,
        output::short_time(s.published),
        s.title.as_deref().unwrap_or("(untitled)"),
        s.story_id
    );
    if let Some(u) = &s.url {
        println!("              {u}");
    }
    if p.copies.len() > 1 {
        let ids: Vec<String> = p
            .copies
            .iter()
            .map(|c| format!("{} {}", c.outlet, output::short_time(c.published)))
            .collect();
        println!("      copies: {} (original first)", ids.join(", "));
    }
    println!(
        "      outlet named: {}",
        p.claimed_outlet.as_deref().unwrap_or("-")
    );
}

fn excerpt(s: &str, max: usize) -> String {
    let flat = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        flat
    } else {
        let cut: String = flat.chars().take(max).collect();
        format!("{cut}…")
    }
}
