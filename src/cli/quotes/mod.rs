//! `quotewire quotes`: the author's review of the quotations in stored stories, and the
//! `extract`, `accept`, `reject`, `cite` and `show` subcommands, one file each.

mod cite;
mod extract;
mod list;
mod review;
mod show;

use std::process::ExitCode;

use anyhow::Result;
use quotewire::quotes::Kind;
use quotewire::review::Status;

use super::Globals;

#[derive(clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
#[command(after_help = "Examples:
  quotewire quotes                            the candidates since yesterday
  quotewire quotes --since 2019-12-27 --outlet reuters --speaker esper
  quotewire quotes accept 3f2a9c 81be07
  quotewire quotes cite 3f2a9c --format markdown >> post.md")]
pub struct Args {
    #[command(subcommand)]
    command: Option<Sub>,
    #[command(flatten)]
    list: list::ListArgs,
}

#[derive(clap::Subcommand)]
enum Sub {
    /// Mark quotations as ones to use
    Accept(review::Args),
    /// Mark quotations as not to use (`quotes` still lists them with --status rejected)
    Reject(review::Args),
    /// Forget a review decision: the quotations are candidates again
    Reset(review::Args),
    /// Write ready-made citations for quotations, in the post's convention
    Cite(cite::Args),
    /// Show one quotation: its story, speaker, cue, review state and passage
    Show(show::Args),
    /// Show the quotations quotewire finds in a text file or saved HTML page (no database)
    Extract(extract::ExtractArgs),
}

pub fn run(globals: &Globals, args: Args) -> Result<ExitCode> {
    match args.command {
        None => list::run(globals, args.list),
        Some(Sub::Accept(a)) => review::run(globals, a, Status::Accepted),
        Some(Sub::Reject(a)) => review::run(globals, a, Status::Rejected),
        Some(Sub::Reset(a)) => review::run(globals, a, Status::Candidate),
        Some(Sub::Cite(a)) => cite::run(globals, a),
        Some(Sub::Show(a)) => show::run(globals, a),
        Some(Sub::Extract(a)) => extract::run(a),
    }
}

/// A kind as the human output names it.
fn kind(k: Kind) -> &'static str {
    match k {
        Kind::Direct => "direct",
        Kind::Partial => "partial",
        Kind::Indirect => "indirect",
    }
}

/// Status as the command line spells it.
#[derive(Clone, Copy, clap::ValueEnum)]
enum StatusArg {
    Candidate,
    Accepted,
    Rejected,
}

impl From<StatusArg> for Status {
    fn from(s: StatusArg) -> Status {
        match s {
            StatusArg::Candidate => Status::Candidate,
            StatusArg::Accepted => Status::Accepted,
            StatusArg::Rejected => Status::Rejected,
        }
    }
}

/// Resolves every id before anything is changed, so a typo changes nothing. On a bad id, says
/// why on stderr and gives the exit code: 1 for an id no quotation has, 2 for one too short.
fn find_all(
    store: &quotewire::store::Store,
    ids: &[String],
) -> Result<Result<Vec<quotewire::review::Found>, ExitCode>> {
    use quotewire::review::IdError;
    let mut found = Vec::new();
    let mut code = None;
    for id in ids {
        match quotewire::review::find(store, id) {
            Ok(f) => found.push(f),
            Err(IdError::Store(e)) => return Err(e.into()),
            Err(e) => {
                eprintln!("error: {e}");
                let c = if matches!(e, IdError::TooShort(_)) {
                    2
                } else {
                    1
                };
                code = Some(code.map_or(c, |old: u8| old.max(c)));
            }
        }
    }
    Ok(match code {
        Some(c) => Err(ExitCode::from(c)),
        None => Ok(found),
    })
}

/// The JSON form of a quotation with its story, the same in every `quotes` command.
#[derive(serde::Serialize)]
struct QuoteJson<'a> {
    id: &'a str,
    status: Status,
    #[serde(flatten)]
    quote: &'a quotewire::quotes::Quote,
    story_id: &'a str,
    outlet: &'a str,
    url: Option<&'a str>,
    title: Option<&'a str>,
    published: String,
}

impl<'a> QuoteJson<'a> {
    fn new(
        story: &'a quotewire::story::Story,
        quote: &'a quotewire::review::StoredQuote,
        status: Status,
    ) -> Self {
        QuoteJson {
            id: &quote.id,
            status,
            quote: &quote.quote,
            story_id: &story.id,
            outlet: &story.outlet,
            url: story.url.as_deref(),
            title: story.title.as_deref(),
            published: super::output::rfc3339(story.published),
        }
    }
}
