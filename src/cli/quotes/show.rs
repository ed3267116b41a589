//! `quotewire quotes show ID`: one quotation with its story, speaker, cue, review state and the
//! passage it sits in.

use std::process::ExitCode;

use anyhow::Result;
use quotewire::review::cite;

use super::super::{output, Globals};
use super::QuoteJson;

#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  quotewire quotes show 3f2a9c0d11e4b7a2\n  quotewire quotes show 3f2a9c --json"
)]
pub struct Args {
    /// A quotation id as `quotewire quotes` lists it (the first 6 or more digits are enough)
    #[arg(value_name = "ID")]
    id: String,
    /// Print one JSON object
    #[arg(long)]
    json: bool,
}

pub fn run(globals: &Globals, args: Args) -> Result<ExitCode> {
    let store = globals.open_store("quotes show")?;
    let f = match super::find_all(&store, std::slice::from_ref(&args.id))? {
        Ok(mut f) => f.remove(0),
        Err(code) => return Ok(code),
    };
    let text = store.text(&f.story)?.unwrap_or_default();
    let used_in = store.quote_uses(&f.quote.id)?;
    store.close()?;
    let q = &f.quote.quote;
    let passage = cite::passage(&text, q.start, q.end);
    if args.json {
        #[derive(serde::Serialize)]
        struct ShowJson<'a> {
            #[serde(flatten)]
            quote: QuoteJson<'a>,
            passage: &'a [String],
            /// Posts whose passages `verify --record` traced to this quotation.
            used_in: &'a [quotewire::store::Use],
        }
        output::json_line(&ShowJson {
            quote: QuoteJson::new(&f.story, &f.quote, f.status),
            passage: &passage,
            used_in: &used_in,
        })?;
        return Ok(ExitCode::SUCCESS);
    }
    let dash = |o: Option<&str>| o.unwrap_or("-").to_string();
    println!("{}", q.text.replace('\n', " "));
    println!("id:         {}", f.quote.id);
    println!("status:     {}", f.status.as_str());
    println!("kind:       {}", super::kind(q.kind));
    println!(
        "speaker:    {}{}",
        dash(q.speaker.as_deref()),
        q.speaker_as_written
            .as_deref()
            .filter(|w| Some(*w) != q.speaker.as_deref())
            .map(|w| format!(" (written: {w})"))
            .unwrap_or_default()
    );
    println!("cue:        {}", dash(q.cue.as_deref()));
    println!(
        "story:      {} {} [{}]",
        output::short_time(f.story.published),
        f.story.title.as_deref().unwrap_or("(untitled)"),
        f.story.id
    );
    println!("outlet:     {}", f.story.outlet);
    println!("url:        {}", dash(f.story.url.as_deref()));
    println!("characters: {}..{} of the story text", q.start, q.end);
    for u in &used_in {
        println!("used in:    {} line {} ({})", u.post, u.line, u.status);
    }
    println!();
    for p in &passage {
        println!("    {p}");
    }
    Ok(ExitCode::SUCCESS)
}
