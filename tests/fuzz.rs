//! Hostile input never stops the pipeline: a bounded fuzzing run in `cargo test`.
//!
//! Each of the four entry points of untrusted input (feeds, pages, texts for quotations,
//! posts) gets a fixed number of mutants of the project's own fixtures
//! (`tests/support/mutate.rs`: byte flips, truncation, markup and quote marks inserted,
//! repeated slices, deep nesting plain and escaped, UTF-16 and other charsets declared wrong,
//! invalid UTF-8, windows-1252 bytes, NUL bytes, giant and numerous attributes, long lines,
//! many entries, thousands of quotation paragraphs, pieces of other fixtures), at sizes a debug
//! build runs quickly; `benches/fuzz.rs` runs the same engine longer, at full size.
//!
//! Every input runs inside `limits::contain` as the program runs it, and must not panic; its
//! output must make sense (story ids of 16 hex digits, links that parse, quotation offsets
//! inside their text and matching it, post lines inside the post, the limits of
//! `quotewire::limits` kept). The inputs of one target run in a child process of this test
//! binary, so a stack overflow or an abort fails that target's test and names the input
//! instead of killing every test. Each failing input is written to `target/fuzz-failures/`
//! (with a `.why` file beside it) and named in the failure message.
//!
//! The run is deterministic: `SEED` fixes every input, and nothing here is timed.

#[path = "support/fuzzing.rs"]
mod fuzzing;
#[path = "support/mutate.rs"]
mod mutate;

use fuzzing::{Target, Verdict};
use mutate::{Scale, CLASSES};

const SEED: u64 = fuzzing::TEST_SEED;

/// Runs `count` mutants of `target`'s fixtures; fails with the list of failing inputs.
/// Returns how many gave a useful result (in the parent; `None` in a child).
fn fuzz(target: Target, test_name: &str, count: usize) -> Option<usize> {
    let seeds = target.seeds();
    let make = |i: usize| fuzzing::mutated(target, &seeds, SEED, i, Scale::Test);
    let (records, report) =
        fuzzing::run_in_test(target, test_name, count, &make, &fuzzing::no_judge)?;
    assert_eq!(records.len(), count, "every input ran");
    assert!(
        report.is_empty(),
        "the {} failed on {} of {count} inputs (inputs and .why files in {}):\n{}",
        target.what(),
        report.len(),
        fuzzing::failures_dir().display(),
        report.join("\n")
    );
    Some(
        records
            .iter()
            .filter(|r| matches!(r.verdict, Verdict::Ran { useful: true, .. }))
            .count(),
    )
}

// Counts: a multiple of the 17 classes, so each class gets the same share.

#[test]
fn feeds() {
    let n = 17 * 24;
    if let Some(useful) = fuzz(Target::Feed, "feeds", n) {
        // Light damage is survivable: many mutants still parse to entries.
        assert!(
            useful >= n / 4,
            "only {useful} of {n} damaged feeds gave entries"
        );
    }
}

#[test]
fn pages() {
    let n = 17 * 8;
    if let Some(useful) = fuzz(Target::Page, "pages", n) {
        assert!(
            useful >= n / 2,
            "only {useful} of {n} damaged pages gave text"
        );
    }
}

#[test]
fn quote_texts() {
    let n = 17 * 20;
    if let Some(useful) = fuzz(Target::Quotes, "quote_texts", n) {
        assert!(
            useful >= n / 2,
            "only {useful} of {n} damaged texts gave quotations"
        );
    }
}

#[test]
fn posts() {
    let n = 17 * 12;
    if let Some(useful) = fuzz(Target::Post, "posts", n) {
        assert!(
            useful >= n / 2,
            "only {useful} of {n} damaged posts gave passages"
        );
    }
}

/// The supervision itself: a child that overflows its stack inside `contain` (input 1 of 4
/// here) is recorded as an abort of that input, with the overflow in its stderr, and a new
/// child goes on with the inputs after it.
#[test]
fn a_stack_overflow_is_an_abort_of_that_input_and_the_run_goes_on() {
    const NAME: &str = "a_stack_overflow_is_an_abort_of_that_input_and_the_run_goes_on";
    if let Ok(from) = std::env::var(fuzzing::CHILD_ENV) {
        #[allow(unconditional_recursion)]
        fn down(n: u64) -> u64 {
            let pad = std::hint::black_box([n; 64]);
            down(n + 1) + pad[3]
        }
        for i in from.parse().unwrap_or(0)..4 {
            println!("QWFUZZ begin {i} 10 input-{i}");
            if i == 1 {
                let _ = quotewire::limits::contain("test parser", None, || down(0));
            }
            println!("QWFUZZ end {i} 10 0.0 0 1 -");
        }
        println!("QWFUZZ done");
        return;
    }
    let exe = std::env::current_exe().unwrap();
    let spawn = |from: usize| {
        let mut c = std::process::Command::new(&exe);
        c.args([NAME, "--exact", "--nocapture", "--test-threads=1"])
            .env(fuzzing::CHILD_ENV, from.to_string());
        c
    };
    let records = fuzzing::supervise(4, &spawn, None, &mut |_| {});
    let indices: Vec<usize> = records.iter().map(|r| r.index).collect();
    assert_eq!(indices, [0, 1, 2, 3]);
    match &records[1].verdict {
        Verdict::Aborted(why) => assert!(why.contains("overflowed its stack"), "{why}"),
        other => panic!("input 1: {other:?}"),
    }
    assert_eq!(records[1].name, "input-1");
    for r in [&records[0], &records[2], &records[3]] {
        assert!(r.failure().is_none(), "{r:?}");
    }
}

/// The checks are right about good input: every fixture passes them unmutated, and gives
/// what it should (entries, text, quotations, passages).
#[test]
fn the_checks_pass_on_the_fixtures_themselves() {
    for target in Target::ALL {
        for seed in target.seeds() {
            let input = fuzzing::Input {
                name: seed.name.clone(),
                class: "none".to_string(),
                bytes: seed.bytes.clone(),
                content_type: None,
                format: match seed.syntax {
                    mutate::Syntax::Markdown => quotewire::post::Format::Markdown,
                    mutate::Syntax::Html => quotewire::post::Format::Html,
                    _ => quotewire::post::Format::Plain,
                },
                detail: String::new(),
            };
            let out = fuzzing::run(target, &input);
            assert_eq!(out.failure, None, "{} on {}", target.name(), seed.name);
            let must_be_useful = match target {
                Target::Feed => seed.syntax != mutate::Syntax::Html,
                Target::Page | Target::Post => true,
                Target::Quotes => seed.name.starts_with('q'),
            };
            assert!(
                out.useful || !must_be_useful,
                "{} on {} gave nothing: {}",
                target.name(),
                seed.name,
                out.summary
            );
        }
    }
}

/// The same index gives the same input, different indices different ones, and every class
/// changes what it is given.
#[test]
fn mutants_are_reproducible_and_every_class_does_something() {
    for target in Target::ALL {
        let seeds = target.seeds();
        let a = mutate::mutant(&seeds, target.name(), SEED, 5, Scale::Test);
        let b = mutate::mutant(&seeds, target.name(), SEED, 5, Scale::Test);
        assert_eq!((a.name.as_str(), &a.bytes), (b.name.as_str(), &b.bytes));
        let c = mutate::mutant(&seeds, target.name(), SEED + 1, 5, Scale::Test);
        assert_ne!(a.bytes, c.bytes, "another seed, another input");
        for (k, class) in CLASSES.iter().enumerate() {
            // Several tries per class: a truncation at the very end changes nothing.
            let changed = (0..6).any(|round| {
                let m = mutate::mutant(
                    &seeds,
                    target.name(),
                    SEED,
                    k + round * CLASSES.len(),
                    Scale::Test,
                );
                assert_eq!(m.class, *class);
                let from = seeds.iter().find(|s| s.name == m.seed).map(|s| &s.bytes);
                from != Some(&m.bytes) || m.class == mutate::Class::Charset
            });
            assert!(
                changed,
                "{} never changes a {} seed",
                class.name(),
                target.name()
            );
        }
    }
}

/// A few shapes are what the class says (the engine is tested, not only trusted).
#[test]
fn shapes_are_what_they_claim() {
    let seeds = Target::Feed.seeds();
    let mut saw = std::collections::BTreeSet::new();
    for i in 0..CLASSES.len() * 6 {
        let m = mutate::mutant(&seeds, "feed", SEED, i, Scale::Test);
        match m.class {
            mutate::Class::Utf16 if m.detail.ends_with("with BOM") => {
                assert!(
                    m.bytes.starts_with(b"\xff\xfe") || m.bytes.starts_with(b"\xfe\xff"),
                    "{}",
                    m.name
                );
                saw.insert("utf16");
            }
            mutate::Class::Nest | mutate::Class::EscapedNest => {
                let depth: usize = m
                    .detail
                    .split_whitespace()
                    .next()
                    .and_then(|d| d.parse().ok())
                    .unwrap_or(0);
                assert!(depth >= 100, "{}: {}", m.name, m.detail);
                saw.insert("nest");
            }
            mutate::Class::Nul if !m.detail.contains("every space") && !m.detail.contains(';') => {
                assert!(m.bytes.contains(&0), "{}", m.name);
                saw.insert("nul");
            }
            mutate::Class::InvalidUtf8 if !m.detail.contains(';') => {
                assert!(std::str::from_utf8(&m.bytes).is_err(), "{}", m.name);
                saw.insert("badutf8");
            }
            _ => {}
        }
    }
    assert_eq!(saw.len(), 4, "{saw:?}");
}
