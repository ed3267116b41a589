//! `verify`'s human report of one post: by day heading, each passage's status, the post's words
//! above the source's (`sides`), the story, the outlet named, problems (`✗`) apart from
//! warnings (`!`), and a summary; whether to colour it (`--color`, NO_COLOR, a terminal).
//!
//! Not for: reading posts (`read`), JSON (the report's own serialisation), exit codes.

use std::ffi::OsStr;

use anstyle::{AnsiColor, Style};
use quotewire::post::Limit;
use quotewire::verify::{find::Status, PassageReport, Report};
use quotewire::words::plural;

use super::super::output;
use super::sides::{self, Diff, Side};

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorArg {
    /// Colour when stdout is a terminal and NO_COLOR is unset or empty
    #[default]
    Auto,
    /// Always colour, even through a pipe or with NO_COLOR set
    Always,
    /// Never colour
    Never,
}

/// Whether to colour: `always` wins over NO_COLOR; `auto` colours a terminal unless NO_COLOR
/// is set to something (no-color.org) or TERM is `dumb`.
pub fn use_color(
    choice: ColorArg,
    terminal: bool,
    no_color: Option<&OsStr>,
    term: Option<&OsStr>,
) -> bool {
    match choice {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => {
            terminal && no_color.is_none_or(|v| v.is_empty()) && term.is_none_or(|t| t != "dumb")
        }
    }
}

/// How the report is shown.
pub struct View {
    pub color: bool,
    /// Wrap the post's and source's words at this many columns (a terminal); `None` prints
    /// them whole, one line each.
    pub width: Option<usize>,
    /// Show only the passages with problems (and the summary).
    pub problems_only: bool,
}

impl View {
    fn paint(&self, style: Style, s: &str) -> String {
        if self.color {
            format!("{}{s}{}", style.render(), style.render_reset())
        } else {
            s.to_string()
        }
    }
}

fn fg(c: AnsiColor) -> Style {
    Style::new().fg_color(Some(c.into()))
}

/// The label column of a passage's lines: "      post:   ".
const LABEL: usize = 14;

/// Prints the report of one post. `encoding` is the one it was read in, `mixed` when it is
/// UTF-8 with some bytes that are not.
pub fn print(report: &Report, name: &str, encoding: &str, mixed: bool, view: &View) {
    let bold = Style::new().bold();
    println!(
        "{}",
        view.paint(
            bold,
            &format!(
                "{name}: {}{}",
                report.title.as_deref().unwrap_or("(untitled)"),
                report.date.map(|d| format!(", {d}")).unwrap_or_default()
            )
        )
    );
    if mixed {
        println!("  (read as UTF-8; some of its bytes are not UTF-8 and were read by detection)");
    } else if encoding != "UTF-8" {
        println!("  (read as {encoding}: the post is not in UTF-8)");
    }
    if report.year_guessed {
        println!(
            "  (the post gives no year: the days' years are guessed; pass --date YYYY-MM-DD or a front-matter date)"
        );
    } else if report.year_from == "sources" {
        println!(
            "  (the post gives no year: the days' years are inferred from the sources; --date YYYY-MM-DD or a front-matter date sets it)"
        );
    }
    for limit in &report.limits {
        println!(
            "  {} {}",
            view.paint(fg(AnsiColor::Red), "✗"),
            limit_message(limit)
        );
    }
    let mut heading: Option<&str> = None;
    let (mut own, mut ok, mut hidden) = (0, 0, 0);
    for p in &report.passages {
        if p.is_own_words() {
            own += 1;
            continue;
        }
        if p.problems.is_empty() {
            ok += 1;
            if view.problems_only {
                hidden += 1;
                continue;
            }
        }
        if p.heading.as_deref() != heading {
            heading = p.heading.as_deref();
            println!();
            println!(
                "{}",
                view.paint(
                    bold,
                    &format!(
                        "{}{}",
                        heading.unwrap_or("(before the first day heading)"),
                        p.day.map(|d| format!(" ({d})")).unwrap_or_default()
                    )
                )
            );
        }
        print_passage(p, view);
    }
    let checked = report.passages.len() - own;
    println!();
    println!(
        "{} checked: {ok} {}, {} {}; {} of the author's own words; {}",
        plural(checked, "passage", "passages"),
        if ok == 1 { "verifies" } else { "verify" },
        checked - ok,
        if checked - ok == 1 {
            "does not"
        } else {
            "do not"
        },
        plural(own, "paragraph", "paragraphs"),
        plural(report.problems(), "problem", "problems")
    );
    if hidden > 0 {
        println!(
            "({} without problems not shown: --problems-only)",
            plural(hidden, "passage", "passages")
        );
    }
    if !report.limits.is_empty() {
        println!("the post was not fully checked:");
        for limit in &report.limits {
            println!("  {}", limit_message(limit));
        }
    }
}

fn print_passage(p: &PassageReport, view: &View) {
    let (word, style) = match p.status {
        Status::Verbatim => ("verbatim", fg(AnsiColor::Green)),
        Status::Minor => ("minor", fg(AnsiColor::Yellow)),
        Status::Altered => ("altered", fg(AnsiColor::Red)),
        Status::NotFound => ("not found", fg(AnsiColor::Red)),
    };
    println!(
        "  line {:<4} {:<8} {}",
        p.line,
        p.marked,
        view.paint(style, word)
    );
    let diffs = diffs(p);
    let side = |label: &str, text: &str, which: Side| {
        let pieces = sides::pieces(text, &diffs, which);
        let lines = sides::render(&pieces, which, view.color, view.width, LABEL);
        let mut lines = lines.into_iter();
        println!("      {label:<8}{}", lines.next().unwrap_or_default());
        for line in lines {
            println!("{line}");
        }
    };
    side("post:", &p.text, Side::Post);
    if let Some(source) = &p.source_text {
        side("source:", source, Side::Source);
    }
    let unplaced: Vec<String> = p
        .differences
        .iter()
        .zip(&diffs)
        .filter(|(_, d)| d.post_at.is_none() && d.source_at.is_none())
        .map(|(d, _)| sides::inline(d.kind, d.post.as_deref(), d.source.as_deref()))
        .collect();
    if !unplaced.is_empty() {
        println!("      {:<8}{}", "differ:", unplaced.join(" "));
    }
    print_story(p);
    for problem in &p.problems {
        println!(
            "      {} {}",
            view.paint(fg(AnsiColor::Red), "✗"),
            problem.message
        );
    }
    for warning in &p.warnings {
        println!(
            "      {} {}",
            view.paint(fg(AnsiColor::Yellow), "!"),
            warning.message
        );
    }
    let speaker_told = p.problems.iter().any(|x| x.code == "wrong_speaker");
    if let (Some(s), false) = (&p.speaker, speaker_told) {
        println!(
            "      {} the post names {}; the stored quotation is {}'s ({})",
            view.paint(fg(AnsiColor::Yellow), "!"),
            s.claimed,
            s.stored,
            s.quote_id
        );
    }
}

/// The passage's differences with their places on the two lines.
fn diffs(p: &PassageReport) -> Vec<Diff<'_>> {
    p.differences
        .iter()
        .map(|d| Diff {
            kind: d.kind,
            post_at: d.post_at,
            source_at: d.source_at,
        })
        .collect()
}

fn print_story(p: &PassageReport) {
    let Some(s) = &p.source else {
        return;
    };
    println!(
        "      {:<8}{} {} {} [{}]",
        "story:",
        s.outlet,
        output::short_time(s.published),
        s.title.as_deref().unwrap_or("(untitled)"),
        s.story_id
    );
    if let Some(u) = &s.url {
        println!("{:LABEL$}{u}", "");
    }
    if p.copies.len() > 1 {
        let ids: Vec<String> = p
            .copies
            .iter()
            .map(|c| format!("{} {}", c.outlet, output::short_time(c.published)))
            .collect();
        println!("      {:<8}{} (original first)", "copies:", ids.join(", "));
    }
    println!(
        "      outlet named: {}",
        p.claimed_outlet.as_deref().unwrap_or("-")
    );
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_only_on_a_terminal_without_no_color_unless_always() {
        let s = |v: &'static str| Some(OsStr::new(v));
        assert!(use_color(ColorArg::Auto, true, None, s("xterm")));
        assert!(use_color(ColorArg::Auto, true, s(""), None));
        assert!(!use_color(ColorArg::Auto, true, s("1"), s("xterm")));
        assert!(!use_color(ColorArg::Auto, true, None, s("dumb")));
        assert!(!use_color(ColorArg::Auto, false, None, s("xterm")));
        assert!(use_color(ColorArg::Always, false, s("1"), None));
        assert!(!use_color(ColorArg::Never, true, None, s("xterm")));
    }
}
