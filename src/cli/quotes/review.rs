//! `quotewire quotes accept|reject|reset ID...`: the author's decisions on quotations. Every id
//! is checked before anything is written, so a mistyped one changes nothing.

use std::process::ExitCode;

use anyhow::Result;
use quotewire::review::{self, Status};

use super::super::{output, Globals};
use super::QuoteJson;

#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  quotewire quotes accept 3f2a9c0d11e4b7a2 81be07\n  quotewire quotes reject 81be07 --json"
)]
pub struct Args {
    /// Quotation ids as `quotewire quotes` lists them (the first 6 or more digits are enough)
    #[arg(value_name = "ID", required = true)]
    ids: Vec<String>,
    /// JSON Lines: each quotation as it now stands
    #[arg(long)]
    json: bool,
}

pub fn run(globals: &Globals, args: Args, status: Status) -> Result<ExitCode> {
    let store = globals.open_store(&format!("quotes {}", status.as_str()))?;
    let found = match super::find_all(&store, &args.ids)? {
        Ok(f) => f,
        Err(code) => return Ok(code),
    };
    for f in &found {
        review::set_status(&store, f, status)?;
    }
    store.close()?;
    for f in &found {
        if args.json {
            output::json_line(&QuoteJson::new(&f.story, &f.quote, status))?;
        } else {
            let was = if f.status == status { " (already)" } else { "" };
            println!(
                "{}  {}{was}  {}",
                f.quote.id,
                status.as_str(),
                f.quote.quote.text.replace('\n', " ")
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
