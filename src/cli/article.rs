//! `quotewire article extract FILE.html`: what quotewire reads from one saved article page, so
//! a user can check extraction. Touches no database and no network.

use std::process::ExitCode;

use anyhow::Result;
use quotewire::article::{self, Article, Rules};
use quotewire::limits::{self, PARSE_DEADLINE};
use serde::Serialize;
use url::Url;

use super::{output, Globals};

#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  quotewire article extract saved-page.html\n  quotewire article extract page.html --url https://www.reuters.com/article/x --json"
)]
pub struct Args {
    /// A saved HTML page
    #[arg(value_name = "FILE.html")]
    file: std::path::PathBuf,
    /// The page's address: resolves relative links, and picks the outlet's rules from feeds.toml
    #[arg(long, value_name = "URL")]
    url: Option<Url>,
    /// Print one JSON object
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct ArticleJson<'a> {
    title: Option<&'a str>,
    text: String,
    published: Option<String>,
    modified: Option<String>,
    authors: &'a [String],
    canonical_url: Option<&'a str>,
    site_name: Option<&'a str>,
    language: Option<&'a str>,
    paywalled: bool,
    wire_source: Option<&'a str>,
    text_length: usize,
    /// What was cut to stay within quotewire's limits.
    limits: Option<&'a str>,
    /// The page's AMP version (`<link rel=amphtml>`), which `fetch` reads when this page's
    /// own text is thin.
    amp_url: Option<&'a str>,
}

pub fn run(globals: &Globals, args: Args) -> Result<ExitCode> {
    let bytes = super::read_input(
        &args.file,
        "save the page first (`curl -o page.html URL`), then `quotewire article extract page.html --url URL`",
    )?;
    // The outlet's extraction rules apply when the URL belongs to a configured outlet; a
    // missing feeds.toml is no reason not to extract.
    let rules = match (&args.url, globals.config()) {
        (Some(url), Ok(config)) => url
            .host_str()
            .and_then(|h| config.outlet_for_host(h))
            .map(|o| o.rules.clone())
            .unwrap_or_default(),
        _ => Rules::default(),
    };
    let url = args.url.clone();
    let a = match limits::contain("article extractor", Some(PARSE_DEADLINE), move || {
        article::extract(&bytes, None, url.as_ref(), &rules)
    }) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{}: {e}", args.file.display());
            return Ok(ExitCode::from(1));
        }
    };
    if let Some(cut) = &a.limits {
        eprintln!("{}: cut to quotewire's limits: {cut}", args.file.display());
    }
    if args.json {
        output::json_line(&to_json(&a))?;
    } else {
        print_human(&a);
    }
    Ok(ExitCode::SUCCESS)
}

fn to_json(a: &Article) -> ArticleJson<'_> {
    ArticleJson {
        title: a.meta.title.as_deref(),
        text: a.text(),
        published: a.meta.published.map(output::rfc3339),
        modified: a.meta.modified.map(output::rfc3339),
        authors: &a.meta.authors,
        canonical_url: a.meta.canonical_url.as_deref(),
        site_name: a.meta.site_name.as_deref(),
        language: a.meta.language.as_deref(),
        paywalled: a.meta.paywalled,
        wire_source: a.wire_source.as_deref(),
        text_length: a.text_len(),
        limits: a.limits.as_deref(),
        amp_url: a.amp_url.as_deref(),
    }
}

fn print_human(a: &Article) {
    let or_dash = |s: Option<&str>| s.unwrap_or("-").to_string();
    println!("title:      {}", or_dash(a.meta.title.as_deref()));
    println!(
        "authors:    {}",
        if a.meta.authors.is_empty() {
            "-".into()
        } else {
            a.meta.authors.join(", ")
        }
    );
    println!(
        "published:  {}",
        a.meta.published.map_or("-".into(), output::rfc3339)
    );
    println!(
        "modified:   {}",
        a.meta.modified.map_or("-".into(), output::rfc3339)
    );
    println!("canonical:  {}", or_dash(a.meta.canonical_url.as_deref()));
    println!("site:       {}", or_dash(a.meta.site_name.as_deref()));
    println!("language:   {}", or_dash(a.meta.language.as_deref()));
    println!("wire:       {}", or_dash(a.wire_source.as_deref()));
    if a.meta.paywalled {
        println!("paywall:    yes (only the free part is here)");
    }
    if let Some(amp) = &a.amp_url {
        let thin = if article::amp::wanted(a).is_some() {
            " (this page's text is thin: `fetch` reads that version)"
        } else {
            ""
        };
        println!("amp:        {amp}{thin}");
    }
    println!(
        "text:       {}, {}",
        quotewire::words::plural(a.paragraphs.len(), "paragraph", "paragraphs"),
        quotewire::words::plural(a.text_len(), "character", "characters")
    );
    println!();
    println!("{}", a.text());
}
