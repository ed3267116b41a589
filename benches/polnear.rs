//! Quote extraction on PolNeAR (issue 11, part 1): news written by others, every attribution
//! annotated by hand. Reads `../shared/corpora/polnear/dev/` beside the repository (BRAT files,
//! `eval::brat_direct_quotes`); gold direct quotes are Content spans that begin with a quote
//! mark. Prints lenient (overlap ≥ 0.3) and strict (≥ 0.8) span P/R/F1, speaker accuracy on
//! matched quotes with a Source, and the misses by class with a few examples as offsets.
//!
//! `QW_POLNEAR_SPLIT=train` scores the train split instead (`dev` by default; the test split is
//! reserved and never read). `QW_POLNEAR_DIR` names another corpus folder. `QW_POLNEAR_TEXT=1`
//! prints the text of each example to the terminal (never commit it: the texts are
//! copyrighted). A text annotated by several annotators (`NAME_<annotator>.ann`) is scored on
//! the first of its files in sorted order. Without the corpus (CI) it says so and exits 0.

use std::collections::BTreeMap;
use std::path::PathBuf;

use quotewire::quotes::eval::{self, BratCounts, DirectGold, Mark, SourceClass};
use quotewire::quotes::{self, Kind, Quote};

/// Examples printed per class.
const EXAMPLES: usize = 5;

struct Table {
    counts: BTreeMap<String, usize>,
    examples: BTreeMap<String, Vec<String>>,
}

impl Table {
    fn new() -> Self {
        Table {
            counts: BTreeMap::new(),
            examples: BTreeMap::new(),
        }
    }

    fn add(&mut self, class: String, example: String) {
        *self.counts.entry(class.clone()).or_default() += 1;
        let e = self.examples.entry(class).or_default();
        if e.len() < EXAMPLES {
            e.push(example);
        }
    }

    fn print(&self, title: &str, total: usize) {
        println!();
        println!("| {title} | count | share | examples (text @ char offsets) |");
        println!("|---|---:|---:|---|");
        let mut rows: Vec<_> = self.counts.iter().collect();
        rows.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        for (class, n) in rows {
            println!(
                "| {class} | {n} | {:.2} | {} |",
                *n as f64 / total.max(1) as f64,
                self.examples[class].join("; ")
            );
        }
    }
}

fn mark_name(m: Mark) -> &'static str {
    match m {
        Mark::Curly => "“",
        Mark::Straight => "\"",
        Mark::Doubled => "''",
        Mark::Single => "‘ or '",
        Mark::Guillemet => "«",
    }
}

fn class_name(c: SourceClass) -> &'static str {
    match c {
        SourceClass::None => "no source",
        SourceClass::Pronoun => "pronoun",
        SourceClass::Name => "name",
        SourceClass::Role => "role phrase",
    }
}

fn main() {
    let split = std::env::var("QW_POLNEAR_SPLIT").unwrap_or_else(|_| "dev".to_string());
    assert!(
        split != "test",
        "the test split is reserved: do not read it"
    );
    let root = std::env::var("QW_POLNEAR_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora/polnear")
        });
    let dir = root.join(&split);
    let Ok(entries) = std::fs::read_dir(dir.join("attributions")) else {
        println!(
            "PolNeAR not found at {}: nothing to score (the corpus is not in the repository)",
            dir.display()
        );
        return;
    };
    let show = std::env::var("QW_POLNEAR_TEXT").is_ok_and(|v| v == "1");
    let mut anns: Vec<String> = entries
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".ann"))
        .collect();
    anns.sort();
    // One annotator per text: the first of its files in sorted order.
    let mut texts: BTreeMap<String, String> = BTreeMap::new();
    for a in &anns {
        let stem = a.strip_suffix(".ann").unwrap();
        let name = stem.rsplit_once('_').map_or(stem, |(n, _)| n).to_string();
        texts.entry(name).or_insert_with(|| a.clone());
    }
    let (mut strict, mut lenient) = (BratCounts::default(), BratCounts::default());
    let (mut strict_all, mut lenient_all) = (BratCounts::default(), BratCounts::default());
    let (mut missed, mut wrong, mut false_pos) = (Table::new(), Table::new(), Table::new());
    let (mut by_mark, mut by_source) = (BTreeMap::new(), BTreeMap::new());
    let mut scored = 0;
    let mut bytes = 0;
    for (name, ann_file) in &texts {
        let Ok(text) = std::fs::read_to_string(dir.join("text").join(format!("{name}.txt"))) else {
            eprintln!("{name}: no text");
            continue;
        };
        let Ok(ann) = std::fs::read_to_string(dir.join("attributions").join(ann_file)) else {
            continue;
        };
        scored += 1;
        bytes += text.len();
        let chars: Vec<char> = text.chars().collect();
        let excerpt = |a: usize, b: usize| -> String {
            if !show {
                return String::new();
            }
            let s: String = chars[a.min(chars.len())..b.min(chars.len()).min(a + 80)]
                .iter()
                .collect();
            format!(" «{}»", s.replace(['\n', '|'], " "))
        };
        let gold = eval::brat_direct_quotes(&text, &ann);
        let found = quotes::extract(&text);
        let neutral = eval::brat_other_contents(&text, &ann);
        let (s, _, _) = eval::score_brat(&text, &gold, &found, &neutral, 0.8);
        let (l, outcomes, matched) = eval::score_brat(&text, &gold, &found, &neutral, 0.3);
        strict.add(s);
        lenient.add(l);
        // The same without leaving out quotes inside other Content spans.
        strict_all.add(eval::score_brat(&text, &gold, &found, &[], 0.8).0);
        lenient_all.add(eval::score_brat(&text, &gold, &found, &[], 0.3).0);
        for (g, o) in gold.iter().zip(&outcomes) {
            let (a, b) = (g.start(), g.frags.last().unwrap().1);
            let at = format!("{name} @{a}-{b}{}", excerpt(a, b));
            let class = eval::source_class(g.source.as_deref());
            let m = by_mark.entry(mark_name(g.mark)).or_insert((0, 0));
            m.0 += 1;
            let c = by_source.entry(class_name(class)).or_insert((0, 0, 0));
            c.0 += 1;
            match o.matched {
                None => {
                    m.1 += 1;
                    missed.add(format!("mark {}", mark_name(g.mark)), at.clone());
                    missed.add(format!("source {}", class_name(class)), at.clone());
                    if any_overlap(g, &found) {
                        missed.add("partly found (under 0.3)".into(), at);
                    } else {
                        missed.add("not found at all".into(), at);
                    }
                }
                Some(fi) => {
                    if o.speaker_right == Some(true) {
                        c.1 += 1;
                    }
                    if o.speaker_right != Some(false) {
                        continue;
                    }
                    c.2 += 1;
                    let q = &found[fi];
                    let at = if show {
                        format!(
                            "{at} (gold {:?}{}, predicted {:?})",
                            g.source.as_deref().unwrap_or(""),
                            g.referent
                                .as_ref()
                                .map_or(String::new(), |r| format!(" → {r:?}")),
                            q.speaker.as_deref()
                        )
                    } else {
                        at
                    };
                    wrong.add(format!("source {}", class_name(class)), at.clone());
                    wrong.add(
                        if q.speaker.is_none() {
                            "predicted no speaker".into()
                        } else {
                            "predicted another speaker".into()
                        },
                        at.clone(),
                    );
                    if q.cue.is_none() {
                        wrong.add("cue not found".into(), at.clone());
                    }
                    if class == SourceClass::Pronoun && g.referent.is_none() {
                        wrong.add("pronoun with no earlier Source".into(), at);
                    }
                }
            }
        }
        let contents = content_spans(&ann);
        for (q, m) in found.iter().zip(&matched) {
            if *m != Some(false) {
                continue;
            }
            let at = format!("{name} @{}-{}{}", q.start, q.end, excerpt(q.start, q.end));
            false_pos.add(
                format!(
                    "kind {}",
                    if q.kind == Kind::Direct {
                        "direct"
                    } else {
                        "partial"
                    }
                ),
                at.clone(),
            );
            if contents.iter().any(|&(a, b)| q.start < b && a < q.end) {
                false_pos.add("overlaps a Content span".into(), at);
            } else {
                false_pos.add("outside every Content span".into(), at);
            }
        }
    }
    println!(
        "PolNeAR {split}: {scored} texts ({} bytes), {} gold direct quotes, {} predicted (direct and partial; indirect ones and those inside other Content spans not counted)",
        bytes, lenient.spans.gold, lenient.spans.predicted
    );
    println!();
    println!("| measure | P | R | F1 | predicted right | gold found |");
    println!("|---|---:|---:|---:|---:|---:|");
    for (n, c) in [("lenient (≥ 0.3)", &lenient), ("strict (≥ 0.8)", &strict)] {
        println!(
            "| {n} | {:.3} | {:.3} | {:.4} | {}/{} | {}/{} |",
            c.spans.precision(),
            c.spans.recall(),
            c.spans.f1(),
            c.spans.matched_predicted,
            c.spans.predicted,
            c.spans.matched_gold,
            c.spans.gold
        );
    }
    println!();
    println!(
        "counting the {} quotes found inside Content spans that are not direct quotes as false positives: lenient P {:.3} F1 {:.3}, strict P {:.3} F1 {:.3}",
        lenient_all.spans.predicted - lenient.spans.predicted,
        lenient_all.spans.precision(),
        lenient_all.spans.f1(),
        strict_all.spans.precision(),
        strict_all.spans.f1()
    );
    println!();
    println!(
        "speaker accuracy (lenient matches with a Source): {:.3} ({}/{})",
        lenient.speaker_accuracy(),
        lenient.spans.speaker_right,
        lenient.with_source
    );
    println!();
    println!("| quote mark | gold | missed (lenient) |");
    println!("|---|---:|---:|");
    for (m, (n, miss)) in &by_mark {
        println!("| {m} | {n} | {miss} |");
    }
    println!();
    println!("| gold source | gold | speaker right | speaker wrong |");
    println!("|---|---:|---:|---:|");
    for (c, (n, right, bad)) in &by_source {
        println!("| {c} | {n} | {right} | {bad} |");
    }
    missed.print("missed gold quotes (lenient), by class", lenient.spans.gold);
    wrong.print(
        "wrong speakers, by class",
        lenient.with_source - lenient.spans.speaker_right,
    );
    false_pos.print(
        "false positives (lenient), by class",
        lenient.spans.predicted - lenient.spans.matched_predicted,
    );
}

/// Whether any direct or partial quote shares a char with the gold quote.
fn any_overlap(g: &DirectGold, found: &[Quote]) -> bool {
    found
        .iter()
        .any(|q| q.kind != Kind::Indirect && g.frags.iter().any(|&(a, b)| q.start < b && a < q.end))
}

/// The outer bounds of every Content span of an annotation.
fn content_spans(ann: &str) -> Vec<(usize, usize)> {
    eval::read_brat(ann)
        .0
        .into_iter()
        .filter(|(_, s)| s.label.starts_with("Content"))
        .map(|(_, s)| (s.frags[0].0, s.frags.last().unwrap().1))
        .collect()
}
