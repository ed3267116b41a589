//! The main text of an article page, as paragraphs.
//!
//! First the page's clutter goes: scripts, navigation, footers, asides (pull quotes live
//! there), figures and captions, social-media embeds other than tweets (an embedded tweet is
//! part of the body in the public benchmark's gold, and keeping it gains 0.004 F1 on its real
//! pages: bench/RESULTS.md §12); then, when they hold little text or
//! mostly links, elements whose class names share bars, cookie banners, related links and the
//! like; then paragraphs that are mostly link text (a link to elsewhere, not text); then the
//! outlet's own `drop` selectors. Then the outlet's `body` selector, if it
//! matches, names the body; otherwise dom_smoothie's Readability finds it. (Alone, the
//! trafilatura port extracts better than dom_smoothie; behind this module's pruning the two
//! are equal within 0.002 F1 on the fixtures, and dom_smoothie is 2.5× faster and works on the
//! already-parsed document: bench/RESULTS.md, section 3.) Last, paragraphs that
//! are not text are removed: the headline repeated, a byline, a lone date, a label ("Tags",
//! "Related: …"), and a short
//! paragraph repeating a longer one (a pull quote that escaped the first step). Blockquotes
//! inside the body are article text and stay.

use std::collections::HashSet;
use std::sync::OnceLock;

use dom_query::Document;
use regex::Regex;
use url::Url;

use super::Rules;
use super::{candidates, prefilter};
use crate::parser::html_to_text;

/// What is never article text, by its element or an explicit embed marker.
const DROP: &str = "script, style, noscript, template, iframe, object, embed, button, \
    form[role=search], form[class*=search], form[class*=newsletter], \
    select, input, textarea, svg, canvas, nav, footer, aside, figure, figcaption, \
    header[role=banner], body > header, .site-header, \
    amp-social-share, amp-ad, amp-analytics, amp-sidebar, amp-iframe, \
    .instagram-media, .tiktok-embed, .fb-post, .social-embed, \
    blockquote[class*=instagram], [role=complementary], \
    [aria-hidden=true], [hidden], [itemprop=alternativeHeadline]";

/// What is usually not article text, by a class or id naming it. Such names also turn up on
/// containers ("category-news" on a WordPress article), so these go only when they hold little
/// text, or mostly link text (see `clutter`). Matched in any case: "newsCaption" and
/// "relatedArticles" are as common as "caption" and "related-articles".
const DROP_IF_SMALL: &str = "[class*=cookie i], [id*=cookie i], [class*=consent i], [class*=share i], \
    [class*=social i], [class*=newsletter i], [class*=related i], [class*=recommend i], \
    [class*=read-more i], [class*=advert i], [class*=promo i], [class*=pull-quote i], \
    [class*=pullquote i], [class*=subscribe i], [class*=breadcrumb i], [class*=comments i], \
    [class*=caption i], [class*=credit i], [class*=standfirst i], [class*=excerpt i], \
    [class*=category i], [class*=kicker i], [class*=eyebrow i], [class*=support i], [class*=donate i], \
    [class*=trust-principles i], header [class*=summary i], [class*=header i] [class*=summary i], \
    [class*=subhead i], [class*=heading-des i], [class*=-dek i], [class*=dek- i], \
    [class~=bio i], [class*=author-details i], [class|=cta i]";

/// A card shown on hover (a person's latest stories beside their name, a term's definition):
/// gone like `DROP_IF_SMALL`, except the link hovered and an element wrapping it with its card
/// (`hover_cards`): the name in the sentence stays, the card beside it goes.
const HOVER: &str =
    "[class*=tooltip i], [class*=hovercard i], [class*=popover i], [class*=rollover i]";

/// For every node of a document (by id), the non-space characters of its text and of the
/// text of the links inside it, counted in one pass from the leaves up: asking each matched
/// element for its text instead would cost its whole subtree per match, quadratic in depth.
pub(super) struct TextCounts {
    index: std::collections::HashMap<dom_query::NodeId, usize>,
    chars: Vec<usize>,
    links: Vec<usize>,
}

impl TextCounts {
    pub(super) fn of(doc: &Document) -> TextCounts {
        // Document order: every node comes before its descendants, so in reverse every
        // node's count is complete before it is added to its parent's.
        let nodes: Vec<dom_query::NodeRef<'_>> = doc.root().descendants_it().collect();
        let mut counts = TextCounts {
            index: nodes.iter().enumerate().map(|(i, n)| (n.id, i)).collect(),
            chars: vec![0; nodes.len()],
            links: vec![0; nodes.len()],
        };
        for (i, node) in nodes.iter().enumerate().rev() {
            if node.is_text() {
                counts.chars[i] += node.text().chars().filter(|c| !c.is_whitespace()).count();
            } else if is_link(node) {
                counts.links[i] += counts.chars[i];
            }
            if let Some(&p) = node.parent().and_then(|p| counts.index.get(&p.id)) {
                counts.chars[p] += counts.chars[i];
                counts.links[p] += counts.links[i];
            }
        }
        counts
    }

    /// Removes `node` from the document and its counts from its ancestors', so that what is
    /// asked next (a paragraph's link share, a card's size) is about what is left: a
    /// paragraph that lost a hover card full of links (a politician's latest stories, by their
    /// name) is prose again, not a paragraph of links.
    pub(super) fn remove(&mut self, node: &dom_query::NodeRef<'_>) {
        if let Some(&i) = self.index.get(&node.id) {
            let (chars, links) = (self.chars[i], self.links[i]);
            let mut up = node.parent();
            while let Some(p) = up {
                if let Some(&j) = self.index.get(&p.id) {
                    self.chars[j] = self.chars[j].saturating_sub(chars);
                    self.links[j] = self.links[j].saturating_sub(links);
                }
                up = p.parent();
            }
        }
        node.remove_from_parent();
    }

    /// The non-space characters of a node's text, if the node was in the document counted.
    pub(super) fn chars_of(&self, node: &dom_query::NodeRef<'_>) -> Option<usize> {
        self.index.get(&node.id).map(|&i| self.chars[i])
    }

    /// Whether a paragraph is a link to elsewhere rather than text: at least
    /// `LINK_PARAGRAPH` percent of its characters are link text ("China furious at Macron
    /// [INSIGHT]" under "DON'T MISS", "Related: …"), unless it shows an address, which
    /// articles cite as text ("http://…", "www.…").
    fn link_paragraph(&self, node: &dom_query::NodeRef<'_>) -> bool {
        if node.node_name().is_none_or(|n| n.as_ref() != "p") {
            return false;
        }
        self.mostly_links(node)
    }

    /// Whether a list is one of links to elsewhere (related stories in the body, a tag
    /// list): at least `LINK_LIST` items, every one a link by `LINK_PARAGRAPH`. Two items
    /// are not enough: "Get it on Amazon / at Walmart" under a product is the review's text
    /// (bench/RESULTS.md §12.4).
    fn link_list(&self, node: &dom_query::NodeRef<'_>) -> bool {
        if node
            .node_name()
            .is_none_or(|n| !matches!(n.as_ref(), "ul" | "ol"))
        {
            return false;
        }
        let items: Vec<dom_query::NodeRef<'_>> = node
            .children_it(false)
            .filter(|c| c.node_name().is_some_and(|n| n.as_ref() == "li"))
            .collect();
        items.len() >= LINK_LIST && items.iter().all(|li| self.mostly_links(li))
    }

    /// At least `LINK_PARAGRAPH` percent of the node's characters are link text, and it shows
    /// no address.
    fn mostly_links(&self, node: &dom_query::NodeRef<'_>) -> bool {
        let Some(&i) = self.index.get(&node.id) else {
            return false;
        };
        let (text, links) = (self.chars[i], self.links[i]);
        if text == 0 || links * 100 < text * LINK_PARAGRAPH {
            return false;
        }
        let words = node.text();
        !(words.contains("http") || words.contains("www."))
    }

    /// Whether an element matched by a class name is clutter: little text, or mostly the
    /// text of links inside it.
    fn clutter(&self, node: &dom_query::NodeRef<'_>) -> bool {
        let Some(&i) = self.index.get(&node.id) else {
            return false;
        };
        let text = self.chars[i];
        if text < 600 {
            return true;
        }
        let own = if is_link(node) { text } else { 0 };
        let links = self.links[i].saturating_sub(own);
        links * 2 > text
    }
}

/// How much of a paragraph must be link text (percent of its characters) for it to go as a
/// link to elsewhere: on the real pages 80 gains on 9 pages and loses on 2 (bench/RESULTS.md
/// §12); 70 loses a third, 90 gains less.
const LINK_PARAGRAPH: usize = 80;

/// The fewest items a list of links must have to go as one (`TextCounts::link_list`).
const LINK_LIST: usize = 3;

/// The hover elements that are cards: not the link hovered, and not an element that holds
/// another hover element (a wrapper of the trigger and its card:
/// `<span class="rollover"><a class="rollover-link">Name</a><span class="rollover-card">…`).
fn hover_cards<'a>(doc: &'a Document) -> impl Iterator<Item = dom_query::NodeRef<'a>> {
    let hover = prefilter::select(doc, HOVER);
    let ids: HashSet<dom_query::NodeId> = hover.iter().map(|n| n.id).collect();
    let mut wrappers = HashSet::new();
    for node in hover.iter().filter(|n| !is_link(n)) {
        let mut up = node.parent();
        while let Some(p) = up {
            if ids.contains(&p.id) && !wrappers.insert(p.id) {
                break;
            }
            up = p.parent();
        }
    }
    hover
        .into_iter()
        .filter(move |n| !is_link(n) && !wrappers.contains(&n.id))
}

/// Whether a node is, or holds, the page's frame or its main content (`body`, `main`,
/// `article`): a class name such as "subType-unsubscribed" on `<body>` of a paywalled page
/// whose teaser is mostly links made the whole page look like clutter (zyte-dev pages, 0 words
/// out; bench/RESULTS.md §12).
fn holds_the_page(node: &dom_query::NodeRef<'_>) -> bool {
    let frame = |n: &dom_query::NodeRef<'_>| {
        n.node_name()
            .is_some_and(|name| matches!(name.as_ref(), "html" | "body" | "main" | "article"))
    };
    frame(node) || node.descendants_it().any(|d| d.is_element() && frame(&d))
}

fn is_link(node: &dom_query::NodeRef<'_>) -> bool {
    node.is_element() && node.node_name().is_some_and(|n| n.as_ref() == "a")
}

/// The page's main text as paragraphs, and the non-space characters of the page's text
/// after the element list (what `lightly_pruned_text` could find at most). Consumes the
/// document (it is pruned in place). The outlet's `body` selector names the body if it
/// matches; else the publisher's container that agrees with JSON-LD's `articleBody`
/// (`ld_body`, see `candidates`); else Readability's.
pub fn main_text(
    doc: Document,
    url: Option<&Url>,
    rules: &Rules,
    title: Option<&str>,
    ld_body: Option<&str>,
) -> (Vec<String>, usize) {
    let available = prune(&doc, rules);
    let text = match &rules.body {
        Some(body) if doc.select_matcher(body).exists() => {
            html_to_text(&doc.select_matcher(body).html())
        }
        _ => ld_body
            .and_then(|b| candidates::publisher_body(&doc, &TextCounts::of(&doc), b))
            .unwrap_or_else(|| {
                html_to_text(
                    &readability_html(&doc, url)
                        .unwrap_or_else(|| doc.select("body").html().to_string()),
                )
            }),
    };
    let paragraphs: Vec<String> = text.split("\n\n").map(str::to_string).collect();
    (clean(paragraphs, title), available)
}

/// The page's text with only the element list (`DROP`) and the outlet's `drop` selectors
/// taken out before Readability: what `extract` falls back on when the pruned page gave a
/// thin text, in case a class-name or link rule took the body itself on a page unlike those
/// it was measured on.
pub fn lightly_pruned_text(
    html: &str,
    url: Option<&Url>,
    rules: &Rules,
    title: Option<&str>,
) -> Vec<String> {
    let doc = Document::from(html);
    for node in prefilter::select(&doc, DROP) {
        node.remove_from_parent();
    }
    for m in &rules.drop {
        doc.select_matcher(m).remove();
    }
    let text = html_to_text(&readability_html(&doc, url).unwrap_or_default());
    clean(text.split("\n\n").map(str::to_string).collect(), title)
}

/// Removes what is not article text from a page: the default clutter, the outlet's `drop`
/// selectors, and the headline's block. Returns the non-space characters of the page's text
/// after the element list (`DROP`), before the rest.
pub fn prune(doc: &Document, rules: &Rules) -> usize {
    for node in prefilter::select(doc, DROP) {
        node.remove_from_parent();
    }
    let mut counts = TextCounts::of(doc);
    let available = doc
        .root()
        .children()
        .iter()
        .filter_map(|n| counts.chars_of(n))
        .sum();
    let clutter: Vec<_> = prefilter::select(doc, DROP_IF_SMALL)
        .into_iter()
        .filter(|n| counts.clutter(n) && !holds_the_page(n))
        .chain(hover_cards(doc).filter(|n| counts.clutter(n) && !holds_the_page(n)))
        .collect();
    for node in clutter {
        counts.remove(&node);
    }
    let links: Vec<_> = prefilter::select(doc, "p, ul, ol")
        .into_iter()
        .filter(|n| counts.link_paragraph(n) || counts.link_list(n))
        .collect();
    for node in links {
        counts.remove(&node);
    }
    // A post's tag list ("Tags: a, b, c"), by the links' own `rel=tag` (the microformat
    // WordPress and most blog engines write): the element holding them, when it is mostly
    // their text. A tag link inside prose stays, with the prose.
    for a in prefilter::select(doc, "a[rel~=tag]") {
        if let Some(parent) = a.parent().filter(|p| p.is_element()) {
            if counts.mostly_links(&parent) && !holds_the_page(&parent) {
                counts.remove(&parent);
            }
        }
    }
    drop_story_cards(doc, &counts);
    for m in &rules.drop {
        doc.select_matcher(m).remove();
    }
    drop_headline_block(doc);
    available
}

/// Teasers of other stories: an `<article>` of under `CARD_CHARS` characters whose headline
/// is a link ("More from Digg" cards, a rail of related stories). The page's largest
/// `<article>` stays whatever it holds, so a blog's short post under a permalinked headline
/// is kept.
fn drop_story_cards(doc: &Document, counts: &TextCounts) {
    let nodes = prefilter::select(doc, "article");
    // Each card's headline is looked for in its subtree: past a few hundred `<article>`s
    // (nested, on a hostile page) that would grow with their square.
    if nodes.len() < 2 || nodes.len() > MAX_CARDS {
        return;
    }
    let size = |n: &dom_query::NodeRef<'_>| counts.index.get(&n.id).map_or(0, |&i| counts.chars[i]);
    let largest = nodes.iter().map(&size).max().unwrap_or(0);
    for node in &nodes {
        let chars = size(node);
        if chars >= CARD_CHARS || chars == largest {
            continue;
        }
        let linked_headline = dom_query::Selection::from(*node)
            .select("h2 a[href], h3 a[href], h4 a[href]")
            .iter()
            .any(|a| {
                a.attr("href")
                    .is_some_and(|h| !h.trim().is_empty() && !h.starts_with('#'))
            });
        if linked_headline {
            node.remove_from_parent();
        }
    }
}

/// The most characters (not spaces) a story card holds.
const CARD_CHARS: usize = 600;
/// Pages with more `<article>` elements than this are left as they are.
const MAX_CARDS: usize = 300;

/// dom_smoothie's Readability over the pruned page. Its `parse` tries the strict policy and
/// then looser ones until one finds enough text, cloning the page for every attempt; the
/// strict attempt alone is made first here, without that clone, and the full `parse` only
/// when it finds less than the threshold (the same choice `parse` makes; 0.1 ms a page).
fn readability_html(doc: &Document, url: Option<&Url>) -> Option<String> {
    let cfg = dom_smoothie::Config {
        // Keep short paragraphs of text such as one-line quotes.
        char_threshold: 200,
        // The pruning removed every script, JSON-LD too (`metadata` read it before).
        disable_json_ld: true,
        ..Default::default()
    };
    let threshold = cfg.char_threshold;
    let reader = |cfg| {
        dom_smoothie::Readability::with_document(doc.clone(), url.map(Url::as_str), Some(cfg)).ok()
    };
    let strict = reader(cfg.clone())?
        .parse_with_policy(dom_smoothie::ParsePolicy::Strict)
        .ok()
        .filter(|a| {
            a.text_content
                .split_whitespace()
                .map(|w| w.chars().count())
                .sum::<usize>()
                >= threshold
        });
    let article = match strict {
        Some(a) => a,
        None => reader(cfg)?.parse().ok()?,
    };
    let html = article.content.to_string();
    (!html.trim().is_empty()).then_some(html)
}

/// Removes the block that holds the headline when it stands apart from the body: the
/// headline's parent, if it holds little text besides it (a standfirst, a category label,
/// dates, a byline). On a page whose headline sits among the body's paragraphs only the
/// headline goes.
fn drop_headline_block(doc: &Document) {
    let Some(h1) = prefilter::select(doc, "article h1, main h1, h1")
        .first()
        .copied()
    else {
        return;
    };
    let Some(parent) = h1.parent() else {
        return;
    };
    let is_page = |n: &dom_query::NodeRef<'_>| {
        n.node_name()
            .is_some_and(|name| matches!(name.as_ref(), "body" | "html" | "article" | "main"))
    };
    let others = parent.text().chars().filter(|c| !c.is_whitespace()).count()
        - h1.text().chars().filter(|c| !c.is_whitespace()).count();
    if !is_page(&parent) && others < 500 {
        parent.remove_from_parent();
    } else {
        h1.remove_from_parent();
    }
}

/// Removes paragraphs that are not article text: the headline repeated, bylines, lone dates,
/// credits, and a short paragraph that repeats a longer one.
pub fn clean(paragraphs: Vec<String>, title: Option<&str>) -> Vec<String> {
    let title = title.map(normal);
    let (kept, normals): (Vec<String>, Vec<String>) = paragraphs
        .into_iter()
        .filter(|p| !p.trim().is_empty())
        .map(|p| {
            let n = normal(&p);
            (p, n)
        })
        .filter(|(p, n)| title.as_ref() != Some(n) && !is_furniture(p))
        .unzip();
    let repeated = repeats(&normals);
    let mut kept: Vec<String> = kept
        .into_iter()
        .zip(repeated)
        .filter_map(|(p, r)| (!r).then_some(p))
        .collect();
    trim_ends(&mut kept);
    kept
}

/// Paragraphs at either end of a text that frame it rather than belong to it: the author's
/// bio ("Jane Roe is a freelance writer living in …"), a disclosure ("This post may contain
/// affiliate links …"), a contributor credit ("Sam Lee contributed reporting from Hong
/// Kong.") and a contact line ("Write to Jo Park at jo@example.com", a lone address). Only at
/// the ends, a few at most: in the middle of an article such a sentence is the article's.
fn trim_ends(kept: &mut Vec<String>) {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    let Some(re) = RE
        .get_or_init(|| {
            lazy_dfa(
                r"^((\p{Lu}[\p{L}'’.-]+\s){1,3}is an?\s.{0,60}(?-u:\b)(writer|journalist|reporter|editor|correspondent|native|author|contributor|columnist|freelancer|blogger)(?-u:\b)|(?i:this (post|article|page|review) (may )?contains? (affiliate|sponsored|referral))|(?i:.{0,300}(?-u:\b)contributed (reporting|to this (report|story|article))(?-u:\b).{0,100})|(?i:(write to|reach|contact|email|follow) (the )?(him|her|them|reporters?|writers?|authors?|\p{Lu}\p{L}+ \p{Lu}\p{L}+)(?-u:\b).{0,200}(@|twitter\.com/).{0,200})|[\w.+-]+@[\w-]+(\.[\w-]+)+\s*$|(https?://)?(www\.)?twitter\.com/\w+/?\s*$)",
            )
            .ok()
        })
        .as_ref()
    else {
        return;
    };
    let framing = |p: &String| p.len() < 600 && re.is_match(p.trim());
    for _ in 0..2 {
        if kept.len() > 2 && kept.last().is_some_and(framing) {
            kept.pop();
        }
        if kept.len() > 2 && kept.first().is_some_and(framing) {
            kept.remove(0);
        }
    }
}

/// How many paragraphs before and after a short one `clean` looks for a longer one it repeats.
const REPEAT_WINDOW: usize = 200;
/// Paragraphs shorter than this (normalised bytes) may be repeats of a longer one.
const REPEAT_SHORT: usize = 300;

/// Which paragraphs repeat another: a short paragraph found inside a longer one near it (a
/// pull quote). Near: within `REPEAT_WINDOW` paragraphs, which is every paragraph of any real
/// article and keeps a page of 40,000 paragraphs linear. Longer: by more than 20 bytes. Each
/// short paragraph's searcher is built once for all its neighbours (`memchr::memmem`).
fn repeats(normals: &[String]) -> Vec<bool> {
    let mut out = vec![false; normals.len()];
    let longer = |i: usize, j: usize| normals[j].len() > normals[i].len() + 20;
    for (i, me) in normals.iter().enumerate() {
        if me.len() >= REPEAT_SHORT {
            continue;
        }
        // An empty needle (a row of asterisks normalises to nothing) is inside any paragraph.
        let finder = memchr::memmem::Finder::new(me.as_bytes());
        let lo = i.saturating_sub(REPEAT_WINDOW);
        let hi = (i + REPEAT_WINDOW + 1).min(normals.len());
        out[i] = (lo..hi)
            .any(|j| j != i && longer(i, j) && finder.find(normals[j].as_bytes()).is_some());
    }
    out
}

/// Lower-case letters and digits only, for comparisons that ignore marks and case.
fn normal(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut gap = false;
    for c in s.chars() {
        if c.is_alphanumeric() {
            if gap && !out.is_empty() {
                out.push(' ');
            }
            gap = false;
            if c.is_ascii() {
                out.push(c.to_ascii_lowercase());
            } else {
                out.extend(c.to_lowercase());
            }
        } else if c.is_whitespace() {
            gap = true;
        }
    }
    out
}

/// A regex whose lazy DFA can run. The patterns of `clean` put Unicode classes under bounded
/// repeats (`[\w.'’ -]{2,60}`, `.{0,300}`), which makes NFAs too large for the lazy DFA's
/// default cache, and a Unicode `\b` makes it give up at the first non-ASCII byte; either way
/// the paragraph went to the backtracker, at about 30,000 instructions a paragraph (a
/// twentieth of extraction: bench/RESULTS.md §12.3). So: a larger cache, and word boundaries
/// written `(?-u:\b)` (ASCII), which is what they meant beside English words.
fn lazy_dfa(pattern: &str) -> Result<Regex, regex::Error> {
    regex::RegexBuilder::new(pattern)
        .dfa_size_limit(32 << 20)
        .build()
}

/// Bylines, lone dates and site furniture that survive as paragraphs.
fn is_furniture(p: &str) -> bool {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    let Some(re) = RE
        .get_or_init(|| {
            lazy_dfa(
                r"(?i)^(by\s+[\w.'’ -]{2,60}(,\s*[\w.'’ -]+)*|(published|updated|posted|last updated)(?-u:\b).{0,60}|(((mon|tues|wednes|thurs|fri|satur|sun)day|\p{L}+-feira|lunedì|martedì|mercoledì|giovedì|venerdì|sabato|domenica|lunes|martes|miércoles|jueves|viernes|sábado|domingo),?\s*)?((jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|gen|ene|fev|abr|mag|mai|giu|lug|ago|set|ott|out|okt|dic|dez|déc|avr|juil|août)\p{L}*\.?\s+\d{1,2}(st|nd|rd|th)?|\d{1,2}(st|nd|rd|th)?\.?\s+(de\s+)?(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|gen|ene|fev|abr|mag|mai|giu|lug|ago|set|ott|out|okt|dic|dez|déc|avr|juil|août)\p{L}*\.?(\s+de)?),?\s*\d{4}.{0,60}|read more.{0,80}|follow us.{0,40}|sign up.{0,80}|photo:.{0,120}|source:.{0,60}|issued on:.{0,80}|our standards:.{0,80}|\d{1,2}/\d{1,2}/\d{2,4}.{0,30}|\d+ min(ute)?s? read)$",
            )
            .ok()
        })
        .as_ref()
    else {
        return false;
    };
    let p = p.trim();
    (p.len() < 160 && re.is_match(p))
        || (p.len() < 240 && is_label(p))
        || (p.len() < 400 && is_signoff(p))
        || super::metadata::wire_name(p).is_some()
}

/// A label or pointer standing as a paragraph, a colon after it or not: "Advert", "Tags:",
/// "Home", "Skip to content", "DON'T MISS", "Related: …", "See also: …", a reading time
/// ("Tempo de leitura: 2 minutos"),
/// an image's caption ending in its credit ("… (credit: NASA/Jude Guidry)"), a comments
/// pointer ("Comments", "Leave a reply"), a view counter ("2.289", "letture"), a slideshow's
/// script notice; or a shortcode its site left unrendered ("[button link=…]Send us …[/button]").
fn is_label(p: &str) -> bool {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    RE.get_or_init(|| {
        lazy_dfa(
            r"(?i)^(\d+ comments?|tell us what you think.{0,10}|((image|photo|picture|slide|foto|bild|imagem|imagen)\s+)?\d{1,3}\s*(of|/|de|di|von)\s*/?\s*\d{0,3}|\d[\d.,]*( (views|reads))?|(related|see more|see also|also read|read also|more|watch)\s*:.{0,200}|(reading time|tempo de leitura|tiempo de lectura|temps de lecture|lesezeit)\s*:?.{0,30}|.{0,300}\((image |photo )?credits?:[^)]{0,80}\)):?$",
        )
        .ok()
    })
    .as_ref()
    .is_some_and(|re| re.is_match(p))
        || is_shortcode(p)
        || labels().contains(normal(p).as_str())
}

/// The label lexicon (`data/labels.txt`), in `normal` form.
fn labels() -> &'static HashSet<&'static str> {
    static LABELS: OnceLock<HashSet<&'static str>> = OnceLock::new();
    LABELS.get_or_init(|| {
        include_str!("../../data/labels.txt")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect()
    })
}

/// A paragraph that is one unrendered shortcode: `[name …]…[/name]` or `[name …]` alone.
fn is_shortcode(p: &str) -> bool {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"^\[([a-z_]+)(\s[^\]]*)?\](.{0,200}\[/[a-z_]+\])?$").ok())
        .as_ref()
        .is_some_and(|re| re.is_match(p))
}

/// A wire story's closing credits: "Reporting by X; Editing by Y".
fn is_signoff(p: &str) -> bool {
    [
        "reporting by ",
        "additional reporting by ",
        "writing by ",
        "editing by ",
        "compiled by ",
    ]
    .iter()
    .any(|s| {
        let p = p.strip_prefix('(').unwrap_or(p);
        p.get(..s.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(s))
    }) && !p.contains(". ")
}

/// The wire service named by a dateline at the start of a paragraph: "BAGHDAD (Reuters) -",
/// "KIRKUK, Iraq (AP) —", "Baghdad (AFP) -".
pub fn dateline_source(first: Option<&str>) -> Option<String> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    let re = RE
        .get_or_init(|| {
            Regex::new(
                r"^[^()]{0,60}\((Reuters|AP|AFP|Xinhua|Anadolu|Bloomberg|UPI|dpa)\)\s*[-–—:]",
            )
            .ok()
        })
        .as_ref()?;
    let c = re.captures(first?.trim_start())?;
    super::metadata::wire_name(&c[1]).or_else(|| Some(c[1].to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The main text of a page with no outlet rules, title or JSON-LD.
    fn text_of(html: &str) -> Vec<String> {
        main_text(Document::from(html), None, &Rules::default(), None, None).0
    }
    use dom_query::Matcher;

    #[test]
    fn story_cards_go_and_a_short_post_stays() {
        let body = "The ferry service to the islands resumes on Monday after the storm damaged the harbour wall last week. ";
        let html = format!(
            r#"<html><body><article class="story"><h1>Ferries resume</h1><p>{body}{body}</p><p>{body}</p></article>
            <section><article class="card"><h3><a href="/other">Bridge tolls rise in spring</a></h3><p>Drivers will pay more from April, the operator said.</p></article>
            <article class="card"><h3><a href="/third">Rail strike called off</a></h3><p>Unions and the operator reached a deal late on Sunday.</p></article></section></body></html>"#
        );
        let p = text_of(&html);
        assert!(
            p.iter()
                .all(|p| !p.contains("Drivers") && !p.contains("Unions")),
            "{p:#?}"
        );
        assert!(p.iter().any(|p| p.contains("ferry service")), "{p:#?}");
        let post = r#"<html><body><article><h2><a href="/2019/05/ferries">Ferries resume</a></h2><p>The ferry service to the islands resumes on Monday after the storm.</p></article></body></html>"#;
        let p = text_of(post);
        assert!(p.iter().any(|p| p.contains("ferry service")), "{p:#?}");
    }

    #[test]
    fn counters_shortcodes_dates_hovercards_and_framing_go() {
        let body = "The council voted to close the old bridge to lorries from March, after engineers found cracks in two of its piers. ";
        let html = format!(
            r#"<html><body><article>
            <p>This post may contain affiliate links. See the disclosure page.</p>
            <p>3.118</p><p>letture</p><p>14 ago 2019</p><p>terça-feira, 3 de março de 2020 às 9:40</p>
            <p>{body}The mayor, <span class="name">Ana Lima<span class="person-hovercard">Ana Lima: twelve stories this month</span></span>, agreed.</p>
            <p>Repairs are expected to take eighteen months and cost the city about four million pounds, <span class="rollover-people"><a class="rollover-people-link" href="/p/1">Jo Park</a><span class="rollover-people-block"><span class="rollover-block"><a href="/s/1">Park backs the bridge plan after a long review of the costs</a> <a href="/s/2">Council row over lorries deepens as the vote nears</a> <a href="/s/3">Engineers warn of more cracks in the piers</a></span></span></span> said on Tuesday.</p>
            <p>[button link="/tips" size="big"]Send us your tip[/button]</p>
            <p>This slideshow requires JavaScript.</p><p>Leave a reply</p>
            <p>Sam Okoro is a freelance writer living in Leeds who covers transport.</p>
            </article></body></html>"#
        );
        let p = text_of(&html);
        assert_eq!(p.len(), 2, "{p:#?}");
        assert!(p[0].starts_with("The council voted"), "{p:#?}");
        assert!(p[1].starts_with("Repairs are expected"), "{p:#?}");
        assert!(
            p[1].ends_with("four million pounds, Jo Park said on Tuesday."),
            "{p:#?}"
        );
        assert!(p[0].ends_with("The mayor, Ana Lima, agreed."), "{p:#?}");
        // In the middle of an article, a sentence like a bio is the article's.
        let mid = vec![
            body.to_string(),
            "Sam Okoro is a freelance writer living in Leeds who covers transport.".to_string(),
            "The bridge reopens to cars on Friday.".to_string(),
        ];
        assert_eq!(clean(mid, None).len(), 3);
        assert!(!is_label("[ The Guardian ]") && !is_label("[CNET]"));
    }

    #[test]
    fn credits_contacts_and_gallery_counters_go() {
        let body = "The council voted on Tuesday to close the old bridge to cars from March.";
        let text = vec![
            "Image 1 of / 9".to_string(),
            body.to_string(),
            "Repairs will cost four million pounds, the treasurer said.".to_string(),
            "The bridge carried 9,000 cars a day.".to_string(),
            "Associated Press writers Sam Lee and Ana Lima contributed to this report.".to_string(),
            "jo.park@example.com".to_string(),
        ];
        let kept = clean(text, None);
        assert_eq!(kept.len(), 3, "{kept:#?}");
        assert_eq!(kept[0], body);
        assert!(is_signoff("(Reporting by Sam Lee; editing by Ana Lima)"));
        // In the middle a credit-like sentence is the article's, and so is a number pair.
        let mid = vec![
            body.to_string(),
            "Residents who contributed to this report's survey were thanked.".to_string(),
            "The vote was 7 of 9.".to_string(),
            "The bridge reopens to cars on Friday.".to_string(),
        ];
        assert_eq!(clean(mid, None).len(), 4);
    }

    #[test]
    fn the_label_lexicon_is_in_the_form_it_is_matched_in() {
        for label in labels() {
            assert_eq!(normal(label), *label, "data/labels.txt: {label:?}");
        }
        assert!(labels().len() >= 20);
        assert!(is_label("DON'T MISS:") && is_label("Share this article"));
        assert!(!is_label("Share prices fell") && !is_label("Home prices rose 4 per cent."));
    }

    #[test]
    fn link_paragraphs_labels_and_camel_case_clutter_go() {
        let body = "Officials said the talks would resume on Monday after a week of strikes. ";
        let html = format!(
            r#"<html><body><article><p>{body}{body}</p>
            <span class="newsCaption">Protesters marched on Sunday</span>
            <p><strong>DON'T MISS</strong></p>
            <p><a href="/a">Oil prices climb as talks between the producers stall again</a> [INSIGHT]</p>
            <p>Read the <a href="/r">full report</a> on the ministry's site, which gives the figures.</p>
            <p><a href="http://example.org/r">http://example.org/r</a></p>
            <p>Unions said the strikes would go on.</p><p>Related: Talks collapse in Vienna</p></article></body></html>"#
        );
        let p = text_of(&html);
        let all = p.join("\n");
        for gone in [
            "Protesters marched",
            "DON'T MISS",
            "Oil prices climb",
            "Related:",
        ] {
            assert!(!all.contains(gone), "{gone} kept: {p:#?}");
        }
        assert!(
            all.contains("full report") && all.contains("http://example.org/r"),
            "{p:#?}"
        );
        assert!(
            p[0].starts_with("Officials said") && all.contains("Unions said"),
            "{p:#?}"
        );
    }

    #[test]
    fn lists_of_links_and_tag_lists_go_and_short_ones_and_prose_stay() {
        let body = "The ferry service to the islands resumes on Monday after the storm damaged the harbour wall. ";
        let html = format!(
            r#"<html><body><article><p>{body}{body}</p>
            <ul><li><a href="/a">Bridge tolls rise in spring for every driver</a></li>
            <li><a href="/b">Rail strike called off after a late deal</a></li>
            <li><a href="/c">Harbour wall repairs to take a year</a></li></ul>
            <p>The new timetable, <a href="/tag/ferries" rel="tag">ferries</a> included, starts on Monday.</p>
            <ul><li><a href="/buy">Get the guide at the harbour shop for £4</a></li>
            <li><a href="/buy2">Get it online for £3</a></li></ul>
            <ul><li>Monday: <a href="/t1">the first crossing</a> leaves at six in the morning</li>
            <li>Tuesday</li><li>Wednesday</li></ul>
            <p>Tags: <strong><a href="/tag/a" rel="tag">ferry</a>, <a href="/tag/b" rel="tag">storm damage</a>, <a href="/tag/c" rel="tag">harbour</a></strong></p>
            </article></body></html>"#
        );
        let p = text_of(&html);
        let all = p.join("\n");
        for gone in ["Bridge tolls", "Rail strike", "storm damage,", "Tags"] {
            assert!(!all.contains(gone), "{gone} kept: {p:#?}");
        }
        for kept in [
            "ferries included",
            "Get the guide",
            "Get it online",
            "the first crossing",
        ] {
            assert!(all.contains(kept), "{kept} lost: {p:#?}");
        }
    }

    #[test]
    fn an_outlets_selectors_win() {
        let html = r#"<html><body><div class="wysiwyg"><p>Body one.</p><p>Body two.</p></div>
            <div class="more-on"><p>Not the article, however long it may be, and it is long enough to win.</p></div></body></html>"#;
        let rules = Rules {
            body: Matcher::new("div.wysiwyg").ok(),
            drop: vec![],
        };
        let p = main_text(Document::from(html), None, &rules, None, None).0;
        assert_eq!(p, ["Body one.", "Body two."]);
        let rules = Rules {
            body: None,
            drop: vec![Matcher::new(".wysiwyg").unwrap()],
        };
        let p = main_text(Document::from(html), None, &rules, None, None).0;
        assert!(!p.iter().any(|x| x.contains("Body one")), "{p:?}");
    }

    #[test]
    fn the_default_selectors_parse() {
        assert!(prefilter::compiled(DROP).is_some());
        assert!(prefilter::compiled(DROP_IF_SMALL).is_some());
    }

    #[test]
    fn a_container_named_like_clutter_keeps_its_text() {
        let para = "Kataib Hezbollah said 25 of its fighters were killed and more than 50 wounded in the strikes near al-Qaim, close to the Syrian border, and vowed to answer them. ";
        let html = format!(
            r#"<html><body><article class="post category-iraq support-us"><p>{para}</p><p>{para}</p><p>{para}</p><p>{para}</p><p>{para}</p></article>
            <div class="share-bar"><a href="/x">Share on X</a> <a href="/f">Facebook</a></div></body></html>"#
        );
        let p = text_of(&html);
        assert!(
            !p.is_empty() && p[0].starts_with("Kataib Hezbollah"),
            "{p:#?}"
        );
        assert!(!p.iter().any(|x| x.contains("Share on")));
    }

    #[test]
    fn clutter_goes_quotes_and_tweets_stay() {
        let html = r#"<html><body><header><nav>Home World</nav></header>
            <div class="cookie-banner">We use cookies</div>
            <article><h1>Militia vows revenge</h1><p class="byline">By Ahmed Rasheed</p>
            <p>BAGHDAD (Reuters) - Thousands of mourners gathered in Baghdad on Monday for the funerals of fighters killed in U.S. air strikes, as the militia's leaders vowed to respond.</p>
            <aside class="pull-quote">“Our response will be very tough”</aside>
            <p>“The blood of the martyrs will not be in vain and our response will be very tough on the American forces in Iraq,” he said on Sunday night in a statement.</p>
            <blockquote><p>The Iraqi authorities alone are entitled to deal with these practices and take the necessary measures.</p></blockquote>
            <blockquote class="twitter-tweet"><p>Breaking: strikes in Iraq</p></blockquote>
            <p>Washington said the strikes answered a rocket attack that killed a U.S. civilian contractor near Kirkuk on Friday.</p>
            </article><div class="related-links">Read more: Oil prices rise</div><footer>© 2019</footer></body></html>"#;
        let doc = Document::from(html);
        let p = main_text(
            doc,
            None,
            &Rules::default(),
            Some("Militia vows revenge"),
            None,
        )
        .0;
        assert_eq!(p.len(), 5, "{p:#?}");
        assert!(p[0].starts_with("BAGHDAD (Reuters) -"));
        assert!(p[2].starts_with("The Iraqi authorities alone"));
        // An embedded tweet is body text, in its place (as the public benchmark's gold has it).
        assert_eq!(p[3], "Breaking: strikes in Iraq");
        assert!(!p
            .iter()
            .any(|x| x.contains("cookies") || x.contains("By Ahmed") || x.contains("Read more")));
        assert_eq!(dateline_source(Some(&p[0])).as_deref(), Some("Reuters"));
        assert_eq!(
            dateline_source(Some("KIRKUK, Iraq (AP) — Rockets")).as_deref(),
            Some("AP")
        );
        assert_eq!(
            dateline_source(Some("He told Reuters (Reuters) nothing")),
            None
        );
    }
}
