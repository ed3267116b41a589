//! Pages a post links to that the store does not have (`verify --fetch`): fetched with the same
//! client, politeness and address rules as a fetch pass, extracted, and stored as stories like
//! any other, so the next `verify` finds them too. Only hosts that feeds.toml names may be
//! private or loopback addresses; a post cannot make quotewire reach anything else.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use serde::Serialize;
use tokio::task::JoinSet;
use url::Url;

use super::{article, text_changed, PassError};
use crate::config::Config;
use crate::fetcher::{AddressPolicy, HttpClient};
use crate::store::{Db, Store};
use crate::story::{self, ArticleInfo, DateSource, Story, TextInfo, TextSource};

/// What fetching a post's links did.
#[derive(Debug, Default, Serialize)]
pub struct LinksReport {
    /// Links whose story the store already had.
    pub known: usize,
    /// Pages fetched and stored.
    pub fetched: Vec<String>,
    /// Links that could not be had, with why.
    pub failed: Vec<(String, String)>,
}

/// Fetches and stores the pages of `links` the store lacks.
pub async fn fetch(
    config: &Config,
    db: &Db,
    links: &[Url],
    lock_wait: Duration,
    on_wait: &mut dyn FnMut(&str),
) -> Result<LinksReport, PassError> {
    let mut report = LinksReport::default();
    let mut wanted: Vec<(String, Url)> = Vec::new();
    {
        let store = Store::open_db(db, "verify --fetch", lock_wait, on_wait)?;
        for link in links {
            let Some(url) = story::url::normalise_str(link.as_str()) else {
                report
                    .failed
                    .push((link.to_string(), "not an http(s) link".into()));
                continue;
            };
            let id = story::url::story_id(url.as_str());
            if store.story(&id)?.is_some() {
                report.known += 1;
            } else if !wanted.iter().any(|(i, _)| *i == id) {
                wanted.push((id, url));
            }
        }
        store.close()?;
    }
    if wanted.is_empty() {
        return Ok(report);
    }
    let policy = AddressPolicy::new(config.feeds().map(|f| &f.url));
    let client = Arc::new(HttpClient::new(&config.fetch, policy)?);
    let mut tasks = JoinSet::new();
    for (id, url) in wanted {
        let rules = url
            .host_str()
            .and_then(|h| config.outlet_for_host(h))
            .map(|o| o.rules.clone())
            .unwrap_or_default();
        let client = client.clone();
        tasks.spawn(async move {
            let result = article::fetch_page(&client, None, url.as_str(), rules, true).await;
            (id, url, result)
        });
    }
    let mut pages = Vec::new();
    while let Some(done) = tasks.join_next().await {
        match done {
            Ok((_, url, Err(e))) => report.failed.push((url.to_string(), e.to_string())),
            Ok((id, url, Ok((page, prepared)))) => pages.push((id, url, page, prepared)),
            Err(e) => tracing::error!("a page task failed: {e}"),
        }
    }
    let store = Store::open_db(db, "verify --fetch", lock_wait, on_wait)?;
    let mut pending = crate::search::index::Pending::default();
    for (id, url, page, mut prepared) in pages {
        let text = page.text();
        if text.trim().is_empty() {
            report
                .failed
                .push((url.to_string(), "the page has no article text".into()));
            continue;
        }
        let mut story = story_of_page(config, id, &url, page, &text);
        store.put_text(&story.id, Some(&text))?;
        text_changed(&store, &mut pending, &mut prepared, &story.id, None, &text)?;
        article::link_copies(&store, &pending, &mut story, prepared.get(&text, true))?;
        store.put_stories(&[(None, story)])?;
        report.fetched.push(url.to_string());
    }
    pending.flush(&store)?;
    store.close()?;
    Ok(report)
}

/// The outlet a page belongs to: the owner of its host, else of its canonical URL's host, else
/// the outlet its site name is; else the host itself.
fn outlet_of(config: &Config, url: &Url, page: &crate::article::Article) -> String {
    let owner = |u: &Url| {
        u.host_str()
            .and_then(|h| config.outlet_for_host(h))
            .map(|o| o.id.clone())
    };
    owner(url)
        .or_else(|| {
            page.meta
                .canonical_url
                .as_deref()
                .and_then(|c| Url::parse(c).ok())
                .and_then(|c| owner(&c))
        })
        .or_else(|| {
            page.meta
                .site_name
                .as_deref()
                .and_then(|n| config.outlet_named(n))
                .map(|o| o.id.clone())
        })
        .unwrap_or_else(|| url.host_str().unwrap_or("unknown").to_string())
}

fn story_of_page(
    config: &Config,
    id: String,
    url: &Url,
    page: crate::article::Article,
    text: &str,
) -> Story {
    let now = Utc::now();
    let outlet = outlet_of(config, url, &page);
    let (published, published_from) = match page.meta.published {
        Some(p) => (p, DateSource::Article),
        None => (now, DateSource::FirstSeen),
    };
    Story {
        id,
        key: url.to_string(),
        url: Some(url.to_string()),
        outlets: vec![outlet.clone()],
        outlet,
        title: page.meta.title.clone(),
        published,
        published_from,
        updated: page.meta.modified,
        authors: page.meta.authors.clone(),
        categories: Vec::new(),
        summary: None,
        content: None,
        first_seen: now,
        last_seen: now,
        sources: Vec::new(),
        text: TextInfo {
            source: TextSource::Article,
            len: text.chars().count(),
            note: Some("fetched because a post links to it (verify --fetch)".into()),
        },
        article: Some(ArticleInfo {
            fetched: Some(now),
            error: None,
            failures: 0,
            text_len: page.text_len(),
            wire_source: page.wire_source.clone(),
            meta: page.meta,
        }),
        copy_of: None,
        copies: Vec::new(),
    }
}
