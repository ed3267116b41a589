//! `quotewire quotes extract FILE`: the quotations in one file, with their speakers, so a user
//! can check quote extraction. Touches no database.

use std::process::ExitCode;

use anyhow::Result;
use quotewire::limits::{self, PARSE_DEADLINE};
use quotewire::{article, review};

use super::super::output;

#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  quotewire quotes extract story.txt\n  quotewire quotes extract saved-page.html --json"
)]
pub struct ExtractArgs {
    /// A plain-text story, or a saved HTML page (its article text is extracted first)
    #[arg(value_name = "FILE")]
    file: std::path::PathBuf,
    /// JSON Lines: one quotation per line, with text, start, end, speaker, cue and kind
    #[arg(long)]
    json: bool,
}

pub fn run(args: ExtractArgs) -> Result<ExitCode> {
    let bytes = super::super::read_input(
        &args.file,
        "save it first (`curl -o page.html URL`), then `quotewire quotes extract page.html`",
    )?;
    let is_html = args
        .file
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm"));
    // For a text file, offsets are into the file's own text; for a page, into its article text.
    let work = move || {
        let text = if is_html {
            article::extract(&bytes, None, None, &article::Rules::default()).text()
        } else {
            String::from_utf8_lossy(&bytes).into_owned()
        };
        review::extract_bounded(&text)
    };
    let (found, cut) = match limits::contain("quote extractor", Some(PARSE_DEADLINE), work) {
        Ok(done) => done,
        Err(e) => {
            eprintln!("{}: {e}", args.file.display());
            return Ok(ExitCode::from(1));
        }
    };
    if let Some(cut) = &cut {
        eprintln!("{}: cut to quotewire's limits: {cut}", args.file.display());
    }
    for q in &found {
        if args.json {
            output::json_line(q)?;
        } else {
            let who = q.speaker.as_deref().unwrap_or("(speaker unknown)");
            println!("{who} [{}, {}..{}]", super::kind(q.kind), q.start, q.end);
            println!("    {}", q.text.replace('\n', " "));
        }
    }
    if !args.json && found.is_empty() {
        eprintln!("no quotations found in {}", args.file.display());
    }
    Ok(ExitCode::SUCCESS)
}
