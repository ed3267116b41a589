//! Scoring quote extraction against annotated text: span precision, recall and F1 by token
//! overlap, and speaker accuracy on the matched quotes.
//!
//! A predicted quote matches a gold one when the words they share cover at least `threshold`
//! of the gold span's words: 0.8 is "strict", 0.3 "lenient". Each gold quote is matched at most
//! once. Speakers are compared after case and white space are folded; both unknown counts as
//! right. Used by the evaluation test and bench; no I/O.

use serde::Deserialize;

use super::Quote;

/// A gold annotation: the fields of `fixtures/quotes/*.quotes.json` this scorer reads.
#[derive(Debug, Clone, Deserialize)]
pub struct Gold {
    pub start: usize,
    pub end: usize,
    pub speaker: Option<String>,
    pub kind: String,
}

/// Counts over one or more texts.
#[derive(Debug, Default, Clone, Copy)]
pub struct Counts {
    pub gold: usize,
    pub predicted: usize,
    pub matched_gold: usize,
    pub matched_predicted: usize,
    pub speaker_right: usize,
}

impl Counts {
    pub fn add(&mut self, o: Counts) {
        self.gold += o.gold;
        self.predicted += o.predicted;
        self.matched_gold += o.matched_gold;
        self.matched_predicted += o.matched_predicted;
        self.speaker_right += o.speaker_right;
    }

    pub fn precision(&self) -> f64 {
        ratio(self.matched_predicted, self.predicted)
    }

    pub fn recall(&self) -> f64 {
        ratio(self.matched_gold, self.gold)
    }

    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }

    /// Right speakers among matched gold quotes.
    pub fn speaker_accuracy(&self) -> f64 {
        ratio(self.speaker_right, self.matched_gold)
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// Word ranges (in chars) of a text.
fn words(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.chars().enumerate() {
        match (c.is_whitespace(), start) {
            (false, None) => start = Some(i),
            (true, Some(s)) => {
                out.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, text.chars().count()));
    }
    out
}

fn inside(words: &[(usize, usize)], start: usize, end: usize) -> Vec<usize> {
    words
        .iter()
        .enumerate()
        .filter(|(_, (a, b))| *a < end && start < *b)
        .map(|(i, _)| i)
        .collect()
}

fn fold(s: &Option<String>) -> Option<String> {
    s.as_ref().map(|x| {
        x.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    })
}

/// Scores the quotes found in `text` against its gold annotations.
pub fn score(text: &str, gold: &[Gold], found: &[Quote], threshold: f64) -> Counts {
    let w = words(text);
    let gold_words: Vec<Vec<usize>> = gold.iter().map(|g| inside(&w, g.start, g.end)).collect();
    let found_words: Vec<Vec<usize>> = found.iter().map(|q| inside(&w, q.start, q.end)).collect();
    let covers = |g: &[usize], f: &[usize]| {
        !g.is_empty() && {
            let shared = g.iter().filter(|i| f.contains(i)).count();
            shared as f64 >= threshold * g.len() as f64
        }
    };
    let mut c = Counts {
        gold: gold.len(),
        predicted: found.len(),
        ..Default::default()
    };
    let mut used = vec![false; found.len()];
    for (gi, g) in gold.iter().enumerate() {
        let best = (0..found.len())
            .filter(|&fi| !used[fi] && covers(&gold_words[gi], &found_words[fi]))
            .max_by_key(|&fi| {
                gold_words[gi]
                    .iter()
                    .filter(|i| found_words[fi].contains(i))
                    .count()
            });
        if let Some(fi) = best {
            used[fi] = true;
            c.matched_gold += 1;
            if fold(&g.speaker) == fold(&found[fi].speaker) {
                c.speaker_right += 1;
            }
        }
    }
    c.matched_predicted = (0..found.len())
        .filter(|&fi| used[fi] || gold_words.iter().any(|g| covers(g, &found_words[fi])))
        .count();
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quotes::{extract, Kind};

    #[test]
    fn strict_and_lenient_matching() {
        let text = "“We will respond to this attack,” Pompeo said.";
        let found = extract(text);
        let gold = [Gold {
            start: 1,
            end: 31,
            speaker: Some("Pompeo".into()),
            kind: "direct".into(),
        }];
        let c = score(text, &gold, &found, 0.8);
        assert_eq!(
            (c.matched_gold, c.matched_predicted, c.speaker_right),
            (1, 1, 1)
        );
        assert_eq!(c.f1(), 1.0);
        let half = [Quote {
            text: String::new(),
            start: 1,
            end: 13,
            kind: Kind::Partial,
            speaker: None,
            speaker_as_written: None,
            cue: None,
        }];
        assert_eq!(score(text, &gold, &half, 0.8).matched_gold, 0);
        assert_eq!(score(text, &gold, &half, 0.3).matched_gold, 1);
    }
}
