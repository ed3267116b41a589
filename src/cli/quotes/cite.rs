//! `quotewire quotes cite ID...`: ready-made citations to paste into the post, in the order
//! given, in the post's convention (see `quotewire::review::cite`). Each ends with a blank
//! line, so `quotes cite ID >> post.md` may be run once per quotation. A rejected quotation is
//! still cited, with a warning on stderr; a warning does not change the exit code.

use std::process::ExitCode;

use anyhow::Result;
use quotewire::review::cite::{self, Format};
use quotewire::review::Status;

use super::super::{output, Globals};

#[derive(clap::Args)]
#[command(
    after_help = "Each citation ends with a blank line, so citations can be appended to a post one at a \
time and stay separate blocks. The link is the page's canonical address, never a feed's \
tracking or redirect link. The lead line names the speaker only when the passage does not.

A quotation you rejected is still cited, with a warning on stderr saying how to reset it.

Exit codes: 0 every citation written (warnings included); 1 an id that names no single \
quotation (nothing 
written); 2 could not run (an id too short, the database unreadable).

Examples:
  quotewire quotes cite 3f2a9c0d11e4b7a2
  quotewire quotes cite 3f2a9c 81be07 --format html
  quotewire quotes cite 3f2a9c >> post.md
  quotewire quotes cite $(quotewire quotes --status accepted --json | jq -r .id) >> post.md"
)]
pub struct Args {
    /// Quotation ids as `quotewire quotes` lists them (the first 6 or more digits are enough)
    #[arg(value_name = "ID", required = true)]
    ids: Vec<String>,
    /// How to write the citations
    #[arg(long, value_enum, default_value = "markdown")]
    format: FormatArg,
    /// JSON Lines: one object per citation, with the id, review status, story, outlet, the url
    /// linked and the citation text
    #[arg(long)]
    json: bool,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum FormatArg {
    Markdown,
    Html,
    Text,
}

pub fn run(globals: &Globals, args: Args) -> Result<ExitCode> {
    // Outlet names come from feeds.toml; without it the citation names the outlet's id.
    let config = match globals.config() {
        Ok(c) => Some(c),
        Err(e) => {
            tracing::warn!("citations will name outlets by id: {e:#}");
            None
        }
    };
    let format = match args.format {
        FormatArg::Markdown => Format::Markdown,
        FormatArg::Html => Format::Html,
        FormatArg::Text => Format::Text,
    };
    let store = globals.open_store("quotes cite")?;
    let found = match super::find_all(&store, &args.ids)? {
        Ok(f) => f,
        Err(code) => return Ok(code),
    };
    let mut citations = Vec::with_capacity(found.len());
    for f in &found {
        citations.push(cite::of_found(&store, f, config.as_ref())?);
    }
    store.close()?;
    for (f, citation) in found.iter().zip(&citations) {
        let url = citation.url.clone();
        let outlet = citation.outlet.as_str();
        if f.status == Status::Rejected {
            warn_rejected(f);
        }
        let rendered = citation.render(format);
        if args.json {
            #[derive(serde::Serialize)]
            struct CiteJson<'a> {
                id: &'a str,
                status: Status,
                story_id: &'a str,
                outlet: &'a str,
                url: Option<&'a str>,
                speaker: Option<&'a str>,
                published: String,
                citation: &'a str,
            }
            output::json_line(&CiteJson {
                id: &f.quote.id,
                status: f.status,
                story_id: &f.story.id,
                outlet,
                url: url.as_deref(),
                speaker: f.quote.quote.speaker.as_deref(),
                published: output::rfc3339(f.story.published),
                citation: &rendered,
            })?;
        } else {
            print!("{rendered}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Says on stderr that a rejected quotation is being cited, and how to take the rejection back.
fn warn_rejected(f: &quotewire::review::Found) {
    let q = &f.quote.quote;
    let mut words: String = q.text.chars().take(60).collect();
    if q.text.chars().count() > 60 {
        words.push('…');
    }
    let by = q
        .speaker
        .as_deref()
        .map(|s| format!(", {s}"))
        .unwrap_or_default();
    let id = &f.quote.id;
    eprintln!(
        "warning: quotation {id} (“{words}”{by}) is rejected; cited anyway\n  fix: if you mean to use it, `quotewire quotes reset {id}` makes it a candidate again (or `quotewire quotes accept {id}`); otherwise leave it out of the post"
    );
}
