//! Quote extraction: quality on the gold corpus (`fixtures/quotes/`) and throughput.
//!
//! Prints, per annotated text and in total, span precision / recall / F1 by token overlap
//! (strict ≥ 0.8 of the gold span, lenient ≥ 0.3) and speaker accuracy on the matched quotes,
//! then the extraction throughput in MB of text per second on one core (all the corpus texts,
//! repeated for at least two seconds). MB = 10^6 bytes. Targets (issue 4): strict F1 ≥ 0.90,
//! speaker accuracy ≥ 0.90, ≥ 5 MB/s. `QW_QUOTES_DIR=fixtures/quotes-heldout` scores the
//! held-out set instead (texts written after the rules, to estimate unseen text).
//!
//! `QW_QUOTES_HOSTILE=MB` then times extraction on hostile shapes of text (issue 9: random
//! words and marks without a line break, thousands of paragraphs, runs of titles, glued quotes
//! ...) at MB and at a tenth of it: linear time shows as a ratio near 10.

use std::path::Path;
use std::time::{Duration, Instant};

use quotewire::quotes::{self, eval};

fn main() {
    // Another annotated set, such as the held-out one: QW_QUOTES_DIR=fixtures/quotes-heldout.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(std::env::var("QW_QUOTES_DIR").unwrap_or_else(|_| "fixtures/quotes".to_string()));
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("fixtures/quotes")
        .filter_map(|e| {
            e.ok()?
                .file_name()
                .into_string()
                .ok()?
                .strip_suffix(".quotes.json")
                .map(str::to_string)
        })
        .collect();
    names.sort();
    let (mut strict, mut lenient) = (eval::Counts::default(), eval::Counts::default());
    let mut texts = Vec::new();
    println!("| text | gold | found | strict F1 | lenient F1 | speakers right |");
    println!("|---|---:|---:|---:|---:|---:|");
    for n in &names {
        // Article fixtures keep their text in NAME.gold.txt.
        let Ok(text) = std::fs::read_to_string(dir.join(format!("{n}.txt")))
            .or_else(|_| std::fs::read_to_string(dir.join(format!("{n}.gold.txt"))))
        else {
            continue;
        };
        let Ok(raw) = std::fs::read_to_string(dir.join(format!("{n}.quotes.json"))) else {
            continue;
        };
        let gold: Vec<eval::Gold> = match serde_json::from_str(&raw) {
            Ok(g) => g,
            Err(e) => {
                eprintln!("{n}: {e}");
                continue;
            }
        };
        let found = quotes::extract(&text);
        let (s, l) = (
            eval::score(&text, &gold, &found, 0.8),
            eval::score(&text, &gold, &found, 0.3),
        );
        println!(
            "| {n} | {} | {} | {:.3} | {:.3} | {}/{} |",
            s.gold,
            s.predicted,
            s.f1(),
            l.f1(),
            l.speaker_right,
            l.matched_gold
        );
        strict.add(s);
        lenient.add(l);
        texts.push(text);
    }
    println!();
    println!(
        "strict: P {:.3} R {:.3} F1 {:.3}",
        strict.precision(),
        strict.recall(),
        strict.f1()
    );
    println!(
        "lenient: P {:.3} R {:.3} F1 {:.3}",
        lenient.precision(),
        lenient.recall(),
        lenient.f1()
    );
    println!(
        "speaker accuracy (lenient matches): {:.3} ({}/{}); {} texts, {} gold quotes",
        lenient.speaker_accuracy(),
        lenient.speaker_right,
        lenient.matched_gold,
        texts.len(),
        strict.gold
    );
    let bytes: usize = texts.iter().map(String::len).sum();
    let start = Instant::now();
    let mut rounds = 0u64;
    while start.elapsed() < Duration::from_secs(2) || rounds < 3 {
        for t in &texts {
            std::hint::black_box(quotes::extract(std::hint::black_box(t)));
        }
        rounds += 1;
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "throughput: {:.2} MB/s ({} bytes × {rounds} rounds in {secs:.2} s, one core)",
        bytes as f64 * rounds as f64 / 1e6 / secs,
        bytes
    );
    if let Some(mb) = std::env::var("QW_QUOTES_HOSTILE")
        .ok()
        .and_then(|v| v.parse::<f64>().ok())
    {
        hostile((mb * 1e6) as usize);
    }
}

/// Seconds to extract each hostile shape at `size` bytes and at a tenth of it.
fn hostile(size: usize) {
    println!();
    println!(
        "| shape | {:.1} MB: s | quotes | {:.1} MB: s | ratio |",
        size as f64 / 1e6,
        size as f64 / 1e7
    );
    println!("|---|---:|---:|---:|---:|");
    for (name, unit) in SHAPES {
        let time = |n: usize| {
            let text = shape(name, unit, n);
            let start = Instant::now();
            let found = quotes::extract(std::hint::black_box(&text));
            (start.elapsed().as_secs_f64(), found.len())
        };
        let (small, _) = time(size / 10);
        let (big, found) = time(size);
        println!(
            "| {name} | {big:.3} | {found} | {small:.3} | {:.1} |",
            big / small.max(1e-9)
        );
    }
}

/// Hostile shapes: a unit repeated, or (`random`) words and marks drawn at random.
const SHAPES: &[(&str, &str)] = &[
    ("random words and marks, no line break", "random"),
    (
        "attributed paragraphs",
        "“We will not allow this to happen again,” the spokesman said.\n\n",
    ),
    (
        "paragraphs without a speaker",
        "“We will not allow this to happen again and again.”\n\n",
    ),
    ("unbalanced opening marks", "word “ more words here "),
    ("unbalanced straight marks", "he said \"yes and no "),
    ("only quote marks", "“”\"«»„‘’"),
    ("short paragraphs", "Yes.\n\n"),
    ("one word", "the "),
    ("apostrophes", "don’t it's Iraq’s ’90s ' ‘ ’ rock ’n’ roll "),
    ("nested marks", "“ ‘ "),
    ("a name repeated", "Benny Gantz "),
    (
        "names and pronouns",
        "“Yes,” she said. “No,” he said. Helima Croft spoke. Ahmed Karim spoke. ",
    ),
    (
        "capitalised words",
        "The Big Red House Of Cards Stands Tall ",
    ),
    ("a run of titles", "Mr. "),
    ("titles and names", "Gen. Smith "),
    ("glued quotes", "“a b c”X"),
    ("colon lead-ins", "Smith said:\n\n“Yes.”\n\n"),
    (
        "reported speech, no sentence end",
        "The official said the thing was in the US. ",
    ),
    (
        "group openers",
        "Kataib Hezbollah Xyz, went. “Yes,” the group said. ",
    ),
    (
        "roles",
        "“Yes,” a senior U.S. official said.\n\n“No,” the official said.\n\n",
    ),
];

/// `size` bytes (about) of the shape.
fn shape(name: &str, unit: &str, size: usize) -> String {
    let mut out = String::with_capacity(size + 64);
    if unit == "random" {
        let words = [
            "the", "said", "\"quote", "now\"", "he", "told", "Reuters", "“Yes", "no”", ",", "and",
        ];
        // A linear congruential generator: the same text every run.
        let mut x: u64 = name.len() as u64;
        while out.len() < size {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            out.push_str(words[(x >> 33) as usize % words.len()]);
            out.push(' ');
        }
    } else {
        while out.len() < size {
            out.push_str(unit);
        }
    }
    out
}
