//! `quotewire quotes cite ID...`: ready-made citations to paste into the post, in the order
//! given, in the post's convention (see `quotewire::review::cite`).

use std::process::ExitCode;

use anyhow::Result;
use quotewire::review::cite::{Citation, Format};

use super::super::{output, Globals};

#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  quotewire quotes cite 3f2a9c0d11e4b7a2\n  quotewire quotes cite 3f2a9c 81be07 --format html\n  quotewire quotes cite $(quotewire quotes --status accepted --json | jq -r .id)"
)]
pub struct Args {
    /// Quotation ids as `quotewire quotes` lists them (the first 6 or more digits are enough)
    #[arg(value_name = "ID", required = true)]
    ids: Vec<String>,
    /// How to write the citations
    #[arg(long, value_enum, default_value = "markdown")]
    format: FormatArg,
    /// JSON Lines: one object per citation, with the id, story, outlet, url and citation text
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
    let mut texts = Vec::with_capacity(found.len());
    for f in &found {
        texts.push(store.text(&f.story)?.unwrap_or_default());
    }
    store.close()?;
    for (i, (f, text)) in found.iter().zip(&texts).enumerate() {
        let outlet = config
            .as_ref()
            .and_then(|c| c.outlet(&f.story.outlet))
            .map_or(f.story.outlet.as_str(), |o| o.name.as_str());
        let citation = Citation::new(outlet, f.story.url.as_deref(), text, &f.quote.quote);
        let rendered = citation.render(format);
        if args.json {
            #[derive(serde::Serialize)]
            struct CiteJson<'a> {
                id: &'a str,
                story_id: &'a str,
                outlet: &'a str,
                url: Option<&'a str>,
                speaker: Option<&'a str>,
                published: String,
                citation: &'a str,
            }
            output::json_line(&CiteJson {
                id: &f.quote.id,
                story_id: &f.story.id,
                outlet,
                url: f.story.url.as_deref(),
                speaker: f.quote.quote.speaker.as_deref(),
                published: output::rfc3339(f.story.published),
                citation: &rendered,
            })?;
        } else {
            if i > 0 {
                println!();
            }
            print!("{rendered}");
        }
    }
    Ok(ExitCode::SUCCESS)
}
