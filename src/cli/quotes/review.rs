//! `quotewire quotes accept|reject|reset ID...`: the author's decisions on quotations. Every id
//! is checked before anything is written, so a mistyped one changes nothing. A decision
//! applies to the same quotation in every syndicated copy of its story too (`review::decide`).

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
    let mut copies = Vec::with_capacity(found.len());
    for f in &found {
        copies.push(review::decide(&store, f, status)?.len() - 1);
    }
    store.close()?;
    for (f, copies) in found.iter().zip(copies) {
        if args.json {
            output::json_line(&QuoteJson::new(&f.story, &f.quote, status))?;
        } else {
            let was = if f.status == status { " (already)" } else { "" };
            let also = match copies {
                0 => String::new(),
                1 => " (and in 1 syndicated copy)".to_string(),
                n => format!(" (and in {n} syndicated copies)"),
            };
            println!(
                "{}  {}{was}{also}  {}",
                f.quote.id,
                status.as_str(),
                f.quote.quote.text.replace('\n', " ")
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
