//! `quotewire feeds add URL`: one feed into feeds.toml, checked first. The URL is fetched with
//! quotewire's own client and address rules and parsed as `fetch` would; an HTML page's
//! advertised feed (`<link rel="alternate">`) is followed and added instead; anything that is
//! not a feed is refused with the reason, and feeds.toml is left as it was.

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Result;
use quotewire::config::FetchSettings;
use quotewire::config_edit::{self, FeedsFile, NewFeed, NewOutlet};
use quotewire::fetcher::{AddressPolicy, HttpClient, Validators};
use quotewire::limits::{self, PARSE_DEADLINE};
use quotewire::parser::{self, ParseError};
use url::Url;

use crate::cli::output::plural;
use crate::cli::Globals;

#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  quotewire feeds add https://www.aljazeera.com/xml/rss/all.xml\n  quotewire feeds add https://www.aljazeera.com/          # a page: the feed it advertises is added\n  quotewire feeds add https://news.example/rss --outlet bbc\n  quotewire feeds add https://wire.example/feed --name \"Example Wire\"\n  quotewire feeds add https://wire.example/feed --no-check  # offline: add without fetching\n\nThe feed goes to --outlet, else to the outlet whose domains cover its host or its site's,\nelse to a new [[outlet]] named after the feed's title (or --name).\nExit codes: 0 added (or already there), 1 the URL is no feed (nothing written), 2 could not run\n(not an http(s) URL, unknown --outlet, feeds.toml unreadable)."
)]
pub struct Args {
    /// The feed's URL, or a page that advertises one
    url: String,
    /// Add it to this outlet (an id from feeds.toml)
    #[arg(long, value_name = "ID")]
    outlet: Option<String>,
    /// The name of the new outlet, when one is made (default: the feed's title)
    #[arg(long)]
    name: Option<String>,
    /// Add the URL as given, without fetching it (offline)
    #[arg(long)]
    no_check: bool,
}

/// What the check found.
struct Checked {
    /// The feed's URL: the one given, or the one the page given advertises.
    url: Url,
    /// The page given, when it was HTML advertising `url`.
    page: Option<Url>,
    title: Option<String>,
    /// The feed's site (its `<link>`).
    site: Option<Url>,
    entries: usize,
}

pub fn run(globals: &Globals, args: Args) -> Result<ExitCode> {
    let mut file = FeedsFile::open(&globals.config_path()?)?;
    let given = config_edit::refuse_url(&args.url, true).map_err(|e| {
        anyhow::anyhow!("{e}\n  fix: give the feed's full address, for example https://www.aljazeera.com/xml/rss/all.xml")
    })?;
    if let Some(id) = &args.outlet {
        super::known_outlet(file.config(), id)?;
    }
    if let Some(f) = file.config().feed(given.as_str()) {
        println!(
            "{given} is already in {} (outlet {}); nothing changed",
            file.path().display(),
            f.outlet
        );
        return Ok(ExitCode::SUCCESS);
    }
    let checked = if args.no_check {
        Checked {
            url: given.clone(),
            page: None,
            title: None,
            site: None,
            entries: 0,
        }
    } else {
        match check(&given, &file.config().fetch) {
            Ok(c) => c,
            Err(why) => {
                eprintln!("{given}: {why}\n  nothing was added; `--no-check` adds a URL without fetching it");
                return Ok(ExitCode::from(1));
            }
        }
    };
    if let Some(f) = file.config().feed(checked.url.as_str()) {
        println!(
            "{given} advertises {}, which is already in {} (outlet {}); nothing changed",
            checked.url,
            file.path().display(),
            f.outlet
        );
        return Ok(ExitCode::SUCCESS);
    }
    let config = file.config();
    let site = checked.site.as_ref().or(checked.page.as_ref());
    let by_host = |u: &Url| u.host_str().and_then(|h| config.outlet_for_host(h));
    let existing = match &args.outlet {
        Some(id) => config.outlet(id),
        None => by_host(&checked.url).or_else(|| site.and_then(by_host)),
    };
    let (outlet, new) = match existing {
        Some(o) => (o.id.clone(), None),
        None => {
            let home = site.unwrap_or(&checked.url);
            let host = home.host_str().unwrap_or("").to_string();
            let name = args
                .name
                .clone()
                .or_else(|| checked.title.clone())
                .unwrap_or_else(|| host.trim_start_matches("www.").to_string());
            let id = config_edit::outlet_id(config, &name, &host);
            let new = NewOutlet {
                id: id.clone(),
                name,
                domains: config_edit::domain_of(home).into_iter().collect(),
                comment: None,
            };
            file.add_outlet(&new)?;
            (id, Some(new))
        }
    };
    file.add_feed(&outlet, &NewFeed::new(checked.url.clone()))?;
    file.save()?;

    if let Some(page) = &checked.page {
        println!(
            "{page} is an HTML page; it advertises the feed {}",
            checked.url
        );
    }
    let about = if args.no_check {
        "not fetched: --no-check".to_string()
    } else {
        format!(
            "{:?}, {}",
            checked.title.as_deref().unwrap_or("untitled"),
            plural(checked.entries, "entry", "entries")
        )
    };
    println!(
        "added {} ({about}) to outlet {outlet} in {}",
        checked.url,
        file.path().display()
    );
    if let Some(new) = new {
        println!(
            "  a new outlet: id {}, name {:?}, domains [{}]; edit feeds.toml to add aliases",
            new.id,
            new.name,
            new.domains.join(", ")
        );
    }
    if args.name.is_some() && existing_named(&outlet, &args, file.config()) {
        println!("  --name is for a new outlet; {outlet} keeps its name");
    }
    println!("  the next `quotewire fetch` fetches it");
    Ok(ExitCode::SUCCESS)
}

/// Whether `--name` was given but the feed went to an outlet that already had its name.
fn existing_named(outlet: &str, args: &Args, config: &quotewire::config::Config) -> bool {
    config
        .outlet(outlet)
        .is_some_and(|o| Some(&o.name) != args.name.as_ref())
}

/// Fetches and parses `url`; follows an HTML page's advertised feed once.
fn check(url: &Url, settings: &FetchSettings) -> Result<Checked, String> {
    let first = fetch_and_parse(url, url, settings)?;
    match first {
        Ok(feed) => Ok(found(url.clone(), None, feed)),
        Err(ParseError::HtmlPage { advertised: None }) => Err(
            "this is an HTML page, and it advertises no feed (no <link rel=\"alternate\" type=\"application/rss+xml\">); give the feed's own URL".into(),
        ),
        Err(ParseError::HtmlPage {
            advertised: Some(feed_url),
        }) => {
            let feed_url = Url::parse(&feed_url)
                .map_err(|e| format!("this HTML page advertises {feed_url:?}, which is no URL ({e})"))?;
            match fetch_and_parse(&feed_url, url, settings)
                .map_err(|e| format!("this HTML page advertises the feed {feed_url}, and {e}"))?
            {
                Ok(feed) => Ok(found(feed_url, Some(url.clone()), feed)),
                Err(e) => Err(format!(
                    "this HTML page advertises {feed_url}, which is not a feed either: {e}"
                )),
            }
        }
        Err(e) => Err(format!("this is not a feed: {e}")),
    }
}

fn found(url: Url, page: Option<Url>, feed: parser::ParsedFeed) -> Checked {
    Checked {
        site: feed
            .link
            .as_deref()
            .and_then(|l| Url::parse(l).ok())
            .filter(|l| matches!(l.scheme(), "http" | "https")),
        url,
        page,
        title: feed.title,
        entries: feed.entries.len(),
    }
}

/// One GET under the address rules (the URL the user gave is trusted, as a configured one
/// would be), then the feed parser as `fetch` runs it.
fn fetch_and_parse(
    url: &Url,
    trusted: &Url,
    settings: &FetchSettings,
) -> Result<Result<parser::ParsedFeed, ParseError>, String> {
    let client =
        HttpClient::new(settings, AddressPolicy::new([trusted])).map_err(|e| e.to_string())?;
    let client = Arc::new(client);
    let resp = crate::cli::runtime()
        .map_err(|e| e.to_string())?
        .block_on(client.get(url, &Validators::default()))
        .map_err(|e| format!("cannot fetch it: {e}"))?;
    let base = resp.final_url.clone();
    let content_type = resp.content_type.clone();
    limits::contain("feed parser", Some(PARSE_DEADLINE), move || {
        parser::parse(&resp.body, content_type.as_deref(), Some(&base))
    })
    .map_err(|e| format!("the feed parser gave up: {e}"))
}
