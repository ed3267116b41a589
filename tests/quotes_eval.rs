//! Quote extraction against the gold corpus in `fixtures/quotes/`: span precision, recall and
//! F1 by token overlap (strict ≥ 0.8 of the gold span, lenient ≥ 0.3) and speaker accuracy on
//! the matched quotes, with floors just under the figures measured (bench/RESULTS.md). The
//! figures are printed; `cargo bench --bench quotes` prints them per file, with throughput.

use std::path::Path;

use quotewire::quotes::{self, eval};

fn corpus() -> Vec<(String, String, Vec<eval::Gold>)> {
    corpus_in("fixtures/quotes")
}

fn corpus_in(rel: &str) -> Vec<(String, String, Vec<eval::Gold>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    let mut out = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| {
            let n = e.unwrap().file_name().into_string().unwrap();
            n.strip_suffix(".quotes.json").map(str::to_string)
        })
        .collect();
    names.sort();
    for n in names {
        // Article fixtures keep their text in NAME.gold.txt.
        let text = std::fs::read_to_string(dir.join(format!("{n}.txt")))
            .or_else(|_| std::fs::read_to_string(dir.join(format!("{n}.gold.txt"))))
            .unwrap();
        let gold: Vec<eval::Gold> = serde_json::from_str(
            &std::fs::read_to_string(dir.join(format!("{n}.quotes.json"))).unwrap(),
        )
        .unwrap_or_else(|e| panic!("{n}.quotes.json: {e}"));
        out.push((n, text, gold));
    }
    out
}

/// Strict (overlap ≥ 0.8) and lenient (≥ 0.3) counts of the extractor over a corpus.
fn score(corpus: &[(String, String, Vec<eval::Gold>)]) -> (eval::Counts, eval::Counts) {
    let (mut strict, mut lenient) = (eval::Counts::default(), eval::Counts::default());
    for (_, text, gold) in corpus {
        let found = quotes::extract(text);
        strict.add(eval::score(text, gold, &found, 0.8));
        lenient.add(eval::score(text, gold, &found, 0.3));
    }
    (strict, lenient)
}

#[test]
fn quote_extraction_on_the_gold_corpus() {
    let corpus = corpus();
    assert!(
        corpus.len() >= 40,
        "at least 40 annotated texts, found {}",
        corpus.len()
    );
    let (strict, lenient) = score(&corpus);
    assert!(
        strict.gold >= 250,
        "at least 250 annotated quotes, found {}",
        strict.gold
    );
    println!(
        "strict P {:.3} R {:.3} F1 {:.3}; lenient P {:.3} R {:.3} F1 {:.3}; speaker accuracy {:.3} ({} gold quotes)",
        strict.precision(),
        strict.recall(),
        strict.f1(),
        lenient.precision(),
        lenient.recall(),
        lenient.f1(),
        lenient.speaker_accuracy(),
        strict.gold
    );
    // Floors just under what is measured; raise them as extraction improves.
    assert!(
        strict.f1() >= FLOOR_STRICT_F1,
        "strict F1 {:.3}",
        strict.f1()
    );
    assert!(
        lenient.f1() >= FLOOR_LENIENT_F1,
        "lenient F1 {:.3}",
        lenient.f1()
    );
    assert!(
        lenient.speaker_accuracy() >= FLOOR_SPEAKER,
        "speaker accuracy {:.3}",
        lenient.speaker_accuracy()
    );
}

// Measured on 2026-12-03: strict F1 0.964 (P 0.982 R 0.947), lenient F1 0.964, speaker
// accuracy 0.994 (317 of 319 matched quotes).
const FLOOR_STRICT_F1: f64 = 0.95;
const FLOOR_LENIENT_F1: f64 = 0.95;
const FLOOR_SPEAKER: f64 = 0.98;

/// The held-out set (`fixtures/quotes-heldout/`): ten texts written on 2026-12-03 by someone
/// who had not read the extractor, scored once before any rule was changed for them (speaker
/// accuracy 0.802, strict F1 0.938) and after two general fixes they showed (titles of office
/// before names, "a spokeswoman for President X"): speaker accuracy 0.897.
#[test]
fn quote_extraction_on_the_held_out_set() {
    check_set("fixtures/quotes-heldout", 10, 0.92, 0.88);
}

/// The article fixtures' texts (`fixtures/articles/*.gold.txt`), annotated on 2026-12-03 by
/// someone who had not read the extractor (`fixtures/articles/QUOTES.md`): wire copy with many
/// attributions after the clause ("..., two Iraqi security sources said."). Measured: strict F1
/// 0.832 (P 0.943, R 0.745), speaker accuracy 0.902.
#[test]
fn quote_extraction_on_the_article_fixtures() {
    check_set("fixtures/articles", 18, 0.81, 0.88);
}

/// Scores one annotated set, prints the figures and holds it to its floors.
fn check_set(rel: &str, min_texts: usize, floor_strict_f1: f64, floor_speaker: f64) {
    let corpus = corpus_in(rel);
    assert!(corpus.len() >= min_texts, "{rel}: found {}", corpus.len());
    let (strict, lenient) = score(&corpus);
    println!(
        "{rel}: strict F1 {:.3}; lenient F1 {:.3}; speaker accuracy {:.3} ({} gold quotes)",
        strict.f1(),
        lenient.f1(),
        lenient.speaker_accuracy(),
        strict.gold
    );
    assert!(
        strict.f1() >= floor_strict_f1,
        "{rel}: strict F1 {:.3}",
        strict.f1()
    );
    assert!(
        lenient.speaker_accuracy() >= floor_speaker,
        "{rel}: speaker accuracy {:.3}",
        lenient.speaker_accuracy()
    );
}
