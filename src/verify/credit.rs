//! Which outlets a post credits for a passage, read the way a person reads it: an outlet
//! named anywhere in the lead-in or in the passage's own paragraph, by its name or an alias
//! ("according to Reuters", "…, Gulf Post says.", "spoke to Wire Wire by phone", "in an
//! interview with Al Jazeera"), or by a link to its site.
//!
//! The names are those of `feeds.toml`, searched all at once (Aho-Corasick), so the cost is
//! linear in the text whatever the number of outlets. Whether the outlet credited published
//! the source is `checks::attribution`'s question; this module only says who is named.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::config::Config;
use crate::post::Claim;

/// The outlets' names and aliases, ready to be found in a post's text.
pub struct Credits {
    finder: Option<AhoCorasick>,
    /// The outlet id of each pattern.
    outlet_of: Vec<String>,
    /// The outlets named in each context text seen, by its address: the passages of one
    /// paragraph share it, and it is searched once.
    seen: RefCell<HashMap<usize, Vec<String>>>,
}

impl Credits {
    pub fn new(config: &Config) -> Credits {
        let mut patterns = Vec::new();
        let mut outlet_of = Vec::new();
        for o in &config.outlets {
            for name in std::iter::once(&o.name).chain(&o.aliases) {
                let name = name.trim();
                // "the AP" is found as "AP"; a lower-case leading "the" is not part of a name.
                let name = name.strip_prefix("the ").unwrap_or(name);
                if name.chars().filter(|c| c.is_alphanumeric()).count() >= 2 {
                    patterns.push(name.to_string());
                    outlet_of.push(o.id.clone());
                }
            }
        }
        let finder = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .build(&patterns)
            .ok();
        Credits {
            finder,
            outlet_of,
            seen: RefCell::default(),
        }
    }

    /// The outlet ids named in `text`, in the order they first appear. A name counts where it
    /// stands as a word of its own, written with a capital (a domain such as "antiwar.com" in
    /// any case).
    pub fn named_in(&self, text: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let Some(finder) = &self.finder else {
            return out;
        };
        for m in finder.find_iter(text) {
            let (a, b) = (m.start(), m.end());
            let before = text.get(..a).and_then(|t| t.chars().next_back());
            let after = text.get(b..).and_then(|t| t.chars().next());
            let found = text.get(a..b).unwrap_or("");
            let capital = found
                .chars()
                .next()
                .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
                || found.contains('.');
            let alone = !before.is_some_and(char::is_alphanumeric)
                && !after.is_some_and(char::is_alphanumeric);
            let Some(id) = self.outlet_of.get(m.pattern().as_usize()) else {
                continue;
            };
            if capital && alone && !out.contains(id) {
                out.push(id.clone());
            }
        }
        out
    }

    /// [`Self::named_in`] of a shared text, searched once however many passages share it.
    fn named_in_shared(&self, text: &Arc<str>) -> Vec<String> {
        let key = Arc::as_ptr(text) as *const u8 as usize;
        if let Some(ids) = self.seen.borrow().get(&key) {
            return ids.clone();
        }
        let ids = self.named_in(text);
        self.seen.borrow_mut().insert(key, ids.clone());
        ids
    }

    /// The outlets `claim` credits, in order: those named in its context (the lead-in, the
    /// paragraph), the one its lead-in names as written, those its links belong to; when it
    /// credits none and does not leave an "according to" dangling, those named in the passage
    /// itself (`passage`, for a block quote with no lead-in naming anyone: "…, the ministry
    /// told Reuters.").
    pub fn credited(&self, claim: &Claim, config: &Config, passage: Option<&str>) -> Vec<String> {
        let mut ids: Vec<String> = Vec::new();
        let mut add = |id: &str| {
            if !ids.iter().any(|i| i == id) {
                ids.push(id.to_string());
            }
        };
        for text in &claim.context {
            for id in self.named_in_shared(text) {
                add(&id);
            }
        }
        if let Some(o) = claim.named_outlet(config) {
            add(&o.id);
        }
        for link in &claim.links {
            if let Some(o) = link.host_str().and_then(|h| config.outlet_for_host(h)) {
                add(&o.id);
            }
        }
        if let Some(o) = claim
            .speaker
            .as_deref()
            .and_then(|s| config.outlet_named(s))
        {
            add(&o.id);
        }
        // A dangling "according to" is the post's own unfinished claim: the passage's words do
        // not finish it.
        let fallback = passage
            .filter(|_| !claim.dangling)
            .map(|text| self.named_in(text))
            .unwrap_or_default();
        if ids.is_empty() {
            ids = fallback;
        }
        ids
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        Config::parse(
            std::path::Path::new("feeds.toml"),
            r#"
[[outlet]]
id = "reuters"
name = "Reuters"
domains = ["reuters.com"]
feeds = []

[[outlet]]
id = "gulfpost"
name = "Gulf Post"
aliases = ["the Post"]
domains = ["gulfpost.example"]
feeds = []

[[outlet]]
id = "ap"
name = "Associated Press"
aliases = ["AP"]
domains = ["apnews.com"]
feeds = []
"#,
        )
        .expect("a config")
    }

    #[test]
    fn outlets_named_however_the_sentence_puts_it() {
        let c = Credits::new(&config());
        assert_eq!(c.named_in("Prices rose, Gulf Post says."), ["gulfpost"]);
        assert_eq!(
            c.named_in("Ali spoke to REUTERS by phone, and later to the AP."),
            ["reuters", "ap"]
        );
        assert_eq!(c.named_in("Reuters’ reporter said so."), ["reuters"]);
        assert!(c.named_in("a map of the gulf post office").is_empty());
        assert!(c
            .named_in("Reutersville is a town; CAPTAIN said")
            .is_empty());
    }

    #[test]
    fn a_claim_credits_its_context_links_and_name() {
        let cfg = config();
        let c = Credits::new(&cfg);
        let claim = Claim {
            context: vec![std::sync::Arc::from("A spokesman said so, the Post says.")],
            links: vec![url::Url::parse("https://www.reuters.com/x").expect("a url")],
            ..Claim::default()
        };
        assert_eq!(c.credited(&claim, &cfg, None), ["gulfpost", "reuters"]);
        let bare = Claim::default();
        assert_eq!(
            c.credited(&bare, &cfg, Some("… the minister told Reuters.")),
            ["reuters"]
        );
        assert!(c.credited(&bare, &cfg, None).is_empty());
    }
}
