//! The publisher's own article body, where the page says which it is: the text of JSON-LD's
//! `articleBody` names the words, and one of the page's containers (`<article>`, `<div>`,
//! `<section>`, `<main>`, `<td>` of about that size) holds them with their paragraphs. A
//! container whose words agree with `articleBody` is the body, and the Readability search is
//! not needed. (A lone `[itemprop=articleBody]` taken without JSON-LD to agree with was
//! tried: two pages up, two down, mean F1 lower; bench/RESULTS.md §12.2.)
//!
//! The JSON-LD text itself is never the output: it often runs the paragraphs together, may be a
//! teaser of a paywalled story, or a summary. It only chooses among the page's own elements, and
//! a container that disagrees with it (by `AGREE`) is not taken: `text::main_text` falls back to
//! Readability. What this is not: a scorer of containers on pages without `articleBody`.

use std::collections::HashMap;

use dom_query::Document;

use super::text::TextCounts;
use crate::parser::html_to_text;

/// Elements that hold a body: a container among these, whatever its class.
const CONTAINERS: &[&str] = &["article", "div", "section", "main", "td"];

/// How well a container's words must agree with `articleBody` (F1 of their word counts) to be
/// taken for the body (bench/RESULTS.md §12.2).
const AGREE: f64 = 0.9;

/// Fewer words than this in `articleBody` say too little to choose by (a teaser, a summary).
const MIN_WORDS: usize = 50;

/// The containers tried at most, those nearest `articleBody`'s size first: a page of a
/// thousand nested wrappers costs a few conversions to text, not a thousand.
const MAX_TRIED: usize = 8;

/// The text of the container that agrees best with `ld_body`, if one agrees by `AGREE`. Only
/// containers whose text is about `articleBody`'s size are tried (from 0.8 to 1.6 times its
/// characters, by `counts`).
pub fn publisher_body(doc: &Document, counts: &TextCounts, ld_body: &str) -> Option<String> {
    let ld_text;
    let ld_body = if ld_body.contains('<') || ld_body.contains('&') {
        ld_text = html_to_text(ld_body);
        ld_text.as_str()
    } else {
        ld_body
    };
    let wanted = bag(ld_body);
    let total: usize = wanted.values().sum();
    if total < MIN_WORDS {
        return None;
    }
    let size = ld_body.chars().filter(|c| !c.is_whitespace()).count();
    let (low, high) = (size * 4 / 5, size * 8 / 5);
    let mut near: Vec<(usize, dom_query::NodeRef<'_>)> = doc
        .root()
        .descendants_it()
        .filter(|n| {
            n.is_element()
                && n.node_name()
                    .is_some_and(|name| CONTAINERS.contains(&name.as_ref()))
        })
        .filter_map(|n| {
            let chars = counts.chars_of(&n)?;
            (low..=high)
                .contains(&chars)
                .then(|| (chars.abs_diff(size), n))
        })
        .collect();
    near.sort_by_key(|(d, _)| *d);
    let mut best: Option<(f64, String)> = None;
    for (_, node) in near.into_iter().take(MAX_TRIED) {
        let text = html_to_text(&dom_query::Selection::from(node).html());
        let score = agreement(&wanted, total, &text);
        if score >= AGREE && best.as_ref().is_none_or(|(b, _)| score > *b) {
            best = Some((score, text));
        }
    }
    best.map(|(_, text)| text)
}

/// A text's words, lower case, with their counts.
fn bag(text: &str) -> HashMap<String, usize> {
    let mut words = HashMap::new();
    for w in words_of(text) {
        *words.entry(w).or_insert(0) += 1;
    }
    words
}

fn words_of(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

/// F1 of `text`'s word counts against `wanted`'s (`total` words).
fn agreement(wanted: &HashMap<String, usize>, total: usize, text: &str) -> f64 {
    let found = bag(text);
    let got: usize = found.values().sum();
    if got == 0 {
        return 0.0;
    }
    let shared: usize = found
        .iter()
        .map(|(w, n)| (*n).min(wanted.get(w).copied().unwrap_or(0)))
        .sum();
    let (p, r) = (shared as f64 / got as f64, shared as f64 / total as f64);
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str = "The council met on Friday to vote on the new bridge, which has cost the \
        town more than any project in its history. Members argued for most of the afternoon \
        about the price of steel, the delays of the last two years and the contractor's claims. \
        The treasurer said the town would not sign a blank cheque. The vote passed by a single \
        voice after the mayor spoke.";

    fn page(article: &str) -> Document {
        Document::from(format!(
            "<html><body><div class=rail>Most read: the weather, the match, the markets</div>\
             <article>{article}</article></body></html>"
        ))
    }

    #[test]
    fn a_container_that_agrees_is_the_body_with_its_paragraphs() {
        let (a, b) = BODY.split_at(BODY.find(" The treasurer").unwrap());
        let doc = page(&format!("<p>{a}</p><p>{}</p>", b.trim()));
        let text = publisher_body(&doc, &TextCounts::of(&doc), BODY).expect("the article agrees");
        assert_eq!(text.split("\n\n").count(), 2, "{text}");
        assert!(!text.contains("Most read"));
    }

    #[test]
    fn a_teaser_or_a_disagreeing_container_chooses_nothing() {
        let doc = page(&format!("<p>{BODY}</p>"));
        assert!(
            publisher_body(&doc, &TextCounts::of(&doc), "The council met on Friday.").is_none()
        );
        let other = page(
            "<p>Prices of steel rose again this week, traders said, as mills cut output \
            and buyers waited for the figures due on Monday from the ministry.</p>",
        );
        assert!(publisher_body(&other, &TextCounts::of(&other), BODY).is_none());
    }
}
