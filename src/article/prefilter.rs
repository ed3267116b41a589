//! A cheap first test for a CSS selector list, so that the full matcher runs only on the few
//! elements that could match it.
//!
//! The pruning's lists (`text::DROP`, `text::DROP_IF_SMALL`, an outlet's `drop`) are tens of
//! selectors; matched the ordinary way, every element of a page is tried against every one of
//! them, and on real pages that was a fifth of extraction's time (bench/RESULTS.md §12). Every
//! selector's rightmost compound names something an element must have to match: a tag name,
//! a class, an attribute (and often a part of its value). `Prefilter` gathers those needs, one
//! automaton per attribute name, and `select` asks dom_query's matcher only about the
//! elements that meet one of them, so what is selected is exactly what the matcher selects.
//!
//! What this is not: a selector engine. It reads the selector text only to find necessary
//! conditions; a selector it cannot read that way (a leading `*` or pseudo-class) makes it
//! pass every element to the matcher.

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, OnceLock};

use aho_corasick::AhoCorasick;
use dom_query::{Document, Matcher, NodeRef};

/// A selector list compiled once: dom_query's matcher and its prefilter.
pub struct Selector {
    matcher: Matcher,
    prefilter: Prefilter,
}

impl Selector {
    /// The elements of `doc` the list matches, in document order (as `Document::select`).
    pub fn select<'a>(&self, doc: &'a Document) -> Vec<NodeRef<'a>> {
        self.prefilter.select(doc, &self.matcher)
    }
}

/// The compiled form of one of the program's own selector lists, built on first use and
/// kept for the process (one per distinct constant); `None` if it does not parse, which the
/// tests of its callers rule out.
pub fn compiled(css: &'static str) -> Option<&'static Selector> {
    static CACHE: OnceLock<Mutex<HashMap<&'static str, Option<&'static Selector>>>> =
        OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let mut cache = cache.lock().unwrap_or_else(|p| p.into_inner());
    *cache.entry(css).or_insert_with(|| {
        let matcher = Matcher::new(css).ok()?;
        let selector = Selector {
            matcher,
            prefilter: Prefilter::new(css),
        };
        Some(&*Box::leak(Box::new(selector)))
    })
}

/// `Document::select` with one of the program's own selector lists, through its prefilter.
pub fn select<'a>(doc: &'a Document, css: &'static str) -> Vec<NodeRef<'a>> {
    compiled(css).map(|s| s.select(doc)).unwrap_or_default()
}

/// The necessary conditions of one selector list.
pub struct Prefilter {
    /// Tag names (lower case) a matching element may have.
    names: HashSet<String>,
    /// Attribute names (lower case), each with the automaton of the value parts one of its
    /// selectors needs; a selector that needs the attribute but no value adds "".
    attrs: HashMap<String, AhoCorasick>,
    /// Some selector has no readable need: every element goes to the matcher.
    everything: bool,
}

/// What one selector's rightmost compound requires.
enum Need {
    Name(String),
    Attr(String, String),
}

impl Prefilter {
    /// The needs of a comma-separated selector list (one `Matcher::new` would accept).
    pub fn new(selectors: &str) -> Prefilter {
        let mut names = HashSet::new();
        let mut values: HashMap<String, Vec<String>> = HashMap::new();
        let mut everything = false;
        for selector in split_outside_brackets(selectors, |c| c == ',') {
            match need(selector) {
                Some(Need::Name(n)) => {
                    names.insert(n);
                }
                Some(Need::Attr(a, v)) => values.entry(a).or_default().push(v),
                None => everything = true,
            }
        }
        let mut attrs = HashMap::new();
        for (name, parts) in values {
            match AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .build(&parts)
            {
                Ok(ac) => {
                    attrs.insert(name, ac);
                }
                Err(_) => everything = true,
            }
        }
        Prefilter {
            names,
            attrs,
            everything,
        }
    }

    /// Whether `node` meets one of the needs (so the matcher should be asked).
    fn may_match(&self, node: &NodeRef<'_>) -> bool {
        if self.everything {
            return true;
        }
        let Some(el) = node.element_ref() else {
            return false;
        };
        if self.names.contains(&*el.name.local) {
            return true;
        }
        el.attrs.iter().any(|a| {
            self.attrs
                .get(&*a.name.local)
                .is_some_and(|ac| ac.is_match(&*a.value))
        })
    }

    /// The elements of `doc` that `matcher` (built from the same list) matches, in document
    /// order.
    pub fn select<'a>(&self, doc: &'a Document, matcher: &Matcher) -> Vec<NodeRef<'a>> {
        doc.root()
            .descendants_it()
            .filter(|n| n.is_element() && self.may_match(n) && n.is_match(matcher))
            .collect()
    }
}

/// The pieces of `s` between separators, ignoring separators inside `[...]`, quotes and
/// parentheses.
fn split_outside_brackets(s: &str, sep: impl Fn(char) -> bool) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut quote, mut start) = (0i32, None, 0);
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (Some(q), _) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '(') => depth += 1,
            (None, ']' | ')') => depth -= 1,
            (None, _) if depth == 0 && sep(c) => {
                out.push(&s[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out.into_iter()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect()
}

/// What the rightmost compound of one selector needs, read from its first simple selector.
fn need(selector: &str) -> Option<Need> {
    let compound = *split_outside_brackets(selector, |c| {
        c.is_whitespace() || matches!(c, '>' | '+' | '~')
    })
    .last()?;
    let ident_end = |s: &str| {
        s.find(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_'))
            .unwrap_or(s.len())
    };
    let first = compound.chars().next()?;
    if first.is_alphabetic() {
        let name = &compound[..ident_end(compound)];
        return Some(Need::Name(name.to_ascii_lowercase()));
    }
    let rest = &compound[1..];
    match first {
        '.' => Some(Need::Attr(
            "class".into(),
            rest[..ident_end(rest)].to_string(),
        )),
        '#' => Some(Need::Attr("id".into(), rest[..ident_end(rest)].to_string())),
        '[' => {
            let inner = &rest[..rest.find(']')?];
            let name_end = inner
                .find(|c: char| matches!(c, '=' | '*' | '^' | '$' | '~' | '|') || c.is_whitespace())
                .unwrap_or(inner.len());
            let name = inner[..name_end].trim().to_ascii_lowercase();
            let value = inner[name_end..]
                .split_once('=')
                .map(|(_, v)| v.trim())
                .unwrap_or("");
            // A case flag: the automaton ignores ASCII case anyway.
            let value = value
                .strip_suffix(" i")
                .or_else(|| value.strip_suffix(" s"))
                .map_or(value, str::trim_end);
            // Odd quoting: ask for the attribute alone.
            let value = match value.as_bytes().first() {
                Some(b'"' | b'\'') if value.len() >= 2 && value.ends_with(&value[..1]) => {
                    &value[1..value.len() - 1]
                }
                Some(b'"' | b'\'') => "",
                _ if value.contains(char::is_whitespace) => "",
                _ => value,
            };
            (!name.is_empty()).then(|| Need::Attr(name, value.to_string()))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The prefiltered selection is the matcher's own, on selectors of every form it reads
    /// and some it does not.
    #[test]
    fn selects_what_the_matcher_selects() {
        let html = r#"<html><body class="home"><header role="banner">Top</header>
            <div class="share-bar">Share</div><div id="cookie-notice">Cookies</div>
            <section><p class="Credit">Photo</p><span data-x='a b'>x</span></section>
            <aside>Side</aside><form class="site-search"><input></form>
            <ul><li class="item">one</li><li>two</li></ul></body></html>"#;
        let doc = Document::from(html);
        for list in [
            "aside, header[role=banner], body > header",
            "[class*=share], [id*=cookie], [class*=credit]",
            "form[class*=search] input, section [data-x='a b'], li.item",
            "[class*=CREDIT], ul > li:first-child",
            "[class*=CREDIT i], [id*=Cookie i]",
            "*:not(p), li + li",
        ] {
            let m = Matcher::new(list).unwrap();
            let want: Vec<_> = doc
                .select_matcher(&m)
                .nodes()
                .iter()
                .map(|n| n.id)
                .collect();
            let got: Vec<_> = Prefilter::new(list)
                .select(&doc, &m)
                .iter()
                .map(|n| n.id)
                .collect();
            assert!(!want.is_empty(), "{list} selects something");
            assert_eq!(got, want, "{list}");
        }
    }

    #[test]
    fn compiled_once_and_refused_when_invalid() {
        let a = compiled("p, [class*=x]").map(|s| s as *const Selector);
        assert!(a.is_some());
        assert_eq!(compiled("p, [class*=x]").map(|s| s as *const Selector), a);
        assert!(compiled("p[").is_none());
        let doc = Document::from("<p class=ax>a</p><div>b</div>");
        assert_eq!(select(&doc, "p, [class*=x]").len(), 1);
    }

    #[test]
    fn reads_the_needs_of_each_form() {
        let p = Prefilter::new("nav, .site-header, [aria-hidden=true], [hidden], x:hover");
        assert!(p.names.contains("nav") && p.names.contains("x"));
        assert!(p.attrs.contains_key("class") && p.attrs.contains_key("aria-hidden"));
        assert!(p.attrs.contains_key("hidden") && !p.everything);
        assert!(Prefilter::new(":root").everything);
    }
}
