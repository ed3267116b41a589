//! The long fuzzing run: hostile input at full size, through the four entry points of
//! untrusted input, with time and peak heap per input.
//!
//! The same engine as `tests/fuzz.rs` (`tests/support/mutate.rs`, `tests/support/fuzzing.rs`),
//! at bench scale: besides the shapes the test makes, one input in ten of the classes that
//! have one is made at its large shape (a 10 MB line without a break, 100,000-deep nesting,
//! a 1 MB attribute, 100,000 attributes, 50,000 feed entries, 40,000 quotation paragraphs, a
//! slice repeated 5,000 times).
//!
//! Each target (feed, page, quotes, post) runs in child processes of this binary
//! (`--child TARGET FROM RUNS SEED`), one input at a time inside `limits::contain`, as the
//! program runs it. A child that dies (a stack overflow, an abort, an allocation failure) is
//! replaced by a new one that goes on after the input it died on, so aborts are counted, not
//! fatal; a child whose input runs longer than `QW_FUZZ_HANG` seconds is killed and counted as
//! a hang. Each child's address space is capped at `QW_FUZZ_MEM_GB` (8 GiB) so one input
//! cannot take the machine's memory; hitting the cap aborts the child, which counts as an
//! abort.
//!
//! Peak heap: a counting global allocator in this binary; before each input its peak is reset
//! to the bytes in use, and after it the peak above that is the input's peak heap (the
//! contained thread's and everything else's in the child, which is idle meanwhile). The bound
//! is 10 × input size + 100 MB.
//!
//! Per target it reports runs, inputs that gave a result, panics, aborts, hangs, outputs that
//! break a rule or a limit, inputs over 2 s, inputs over the memory bound, the slowest input and
//! the heaviest by peak / bound, then a table per mutation class, as markdown for
//! bench/RESULTS.md. Every failing input (any of those) is written to `target/fuzz-failures/`
//! with a `.why` file saying how to reproduce it.
//!
//! Usage:
//!   cargo bench --bench fuzz                      # all four targets, 3,000 inputs each
//!   cargo bench --bench fuzz -- feed page         # some targets
//!   QW_FUZZ_RUNS=500 QW_FUZZ_SEED=7 cargo bench --bench fuzz
//!   cargo bench --bench fuzz -- --file feed target/fuzz-failures/NAME [--content-type CT]
//!                                               [--format markdown|html|plain]
//!   cargo bench --bench fuzz -- --write quotes 234 [--test] [--seed S]
//!                                    # make input 234 again (of tests/fuzz.rs with --test)
//!   cargo bench --bench fuzz -- --hostile [SUBSTRING...]
//!                                    # fixtures/hostile/ cases, timed, with peak heap
//! Environment: QW_FUZZ_RUNS (3000), QW_FUZZ_SEED (decimal or 0x hex), QW_FUZZ_HANG (30 s),
//! QW_FUZZ_MEM_GB (8).

#[path = "../tests/support/fuzzing.rs"]
mod fuzzing;
#[path = "../tests/support/mutate.rs"]
mod mutate;
#[path = "../tests/support/recipe.rs"]
mod recipe;

use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::BTreeMap;
use std::process::{Command, ExitCode};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use fuzzing::{Input, Record, Target, Verdict};
use mutate::Scale;
use quotewire::post::Format;

/// Counts heap bytes in use and their peak.
struct Counting;

static IN_USE: AtomicU64 = AtomicU64::new(0);
static PEAK: AtomicU64 = AtomicU64::new(0);
static BASE: AtomicU64 = AtomicU64::new(0);

fn grew(by: usize) {
    let now = IN_USE.fetch_add(by as u64, Ordering::Relaxed) + by as u64;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

fn shrank(by: usize) {
    IN_USE.fetch_sub(by as u64, Ordering::Relaxed);
}

// SAFETY: every call is passed on to the system allocator unchanged; only counters are kept.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract for `alloc` is passed on.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract for `dealloc` is passed on.
        unsafe { System.dealloc(ptr, layout) };
        shrank(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller's contract for `realloc` is passed on.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size > layout.size() {
                grew(new_size - layout.size());
            } else {
                shrank(layout.size() - new_size);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn reset_peak() {
    let now = IN_USE.load(Ordering::Relaxed);
    BASE.store(now, Ordering::Relaxed);
    PEAK.store(now, Ordering::Relaxed);
}

fn peak_above_base() -> u64 {
    PEAK.load(Ordering::Relaxed)
        .saturating_sub(BASE.load(Ordering::Relaxed))
}

const METER: fuzzing::Meter = fuzzing::Meter {
    reset: reset_peak,
    peak: peak_above_base,
};

const DEFAULT_RUNS: usize = 3_000;
const DEFAULT_SEED: u64 = 0x0009_0008_f022_2026;
const SLOW: f64 = 2.0;
const MB: f64 = 1e6;

fn memory_bound(bytes: usize) -> u64 {
    10 * bytes as u64 + 100_000_000
}

fn env_num(name: &str) -> Option<u64> {
    let v = std::env::var(name).ok()?;
    let v = v.trim();
    match v.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => v.parse().ok(),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("--child") => child(&args[1..]),
        Some("--file") => file(&args[1..]),
        Some("--write") => write(&args[1..]),
        Some("--hostile-child") => hostile_child(&args[1..]),
        Some("--hostile") => hostile(&args[1..]),
        _ => parent(&args),
    }
}

fn make(target: Target, seeds: &[mutate::Seed], seed: u64, i: usize) -> Input {
    fuzzing::mutated(target, seeds, seed, i, Scale::Bench)
}

fn child(args: &[String]) -> ExitCode {
    let (Some(target), Some(from), Some(runs), Some(seed)) = (
        args.first().and_then(|t| Target::from_name(t)),
        args.get(1).and_then(|s| s.parse().ok()),
        args.get(2).and_then(|s| s.parse().ok()),
        args.get(3).and_then(|s| s.parse().ok()),
    ) else {
        eprintln!("usage: --child TARGET FROM RUNS SEED");
        return ExitCode::from(2);
    };
    cap_memory();
    let seeds = target.seeds();
    fuzzing::child(
        target,
        from,
        runs,
        &|i| make(target, &seeds, seed, i),
        &fuzzing::no_judge,
        Some(&METER),
    );
    ExitCode::SUCCESS
}

/// Caps the child's address space, so that one input cannot take the machine's memory.
fn cap_memory() {
    #[cfg(unix)]
    {
        let gb = env_num("QW_FUZZ_MEM_GB").unwrap_or(8);
        let bytes = gb.saturating_mul(1 << 30) as libc::rlim_t;
        let limit = libc::rlimit {
            rlim_cur: bytes,
            rlim_max: bytes,
        };
        // SAFETY: setrlimit reads the struct it is given and nothing else.
        let r = unsafe { libc::setrlimit(libc::RLIMIT_AS, &limit) };
        if r != 0 {
            eprintln!("cannot cap the child's memory at {gb} GiB");
        }
    }
}

/// `--file TARGET PATH [--content-type CT] [--format F]`: one input, as a failure's `.why`
/// file says to reproduce it.
fn file(args: &[String]) -> ExitCode {
    let (Some(target), Some(path)) = (args.first().and_then(|t| Target::from_name(t)), args.get(1))
    else {
        eprintln!("usage: --file feed|page|quotes|post PATH [--content-type CT] [--format markdown|html|plain]");
        return ExitCode::from(2);
    };
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{path}: {e}");
            return ExitCode::from(2);
        }
    };
    let option = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let format = match option("--format").as_deref() {
        Some("markdown") => Format::Markdown,
        Some("html") => Format::Html,
        Some("plain") => Format::Plain,
        _ => Format::from_path(std::path::Path::new(path)),
    };
    let input = Input {
        name: path.clone(),
        class: "file".to_string(),
        bytes,
        content_type: option("--content-type"),
        format,
        detail: String::new(),
    };
    reset_peak();
    let start = Instant::now();
    let out = fuzzing::run(target, &input);
    let secs = start.elapsed().as_secs_f64();
    let peak = peak_above_base();
    println!(
        "{}: {} bytes, {secs:.3} s, peak heap {:.1} MB (bound {:.1} MB): {}",
        target.name(),
        input.bytes.len(),
        peak as f64 / MB,
        memory_bound(input.bytes.len()) as f64 / MB,
        out.summary
    );
    let mut failures: Vec<String> = out.failure.into_iter().collect();
    if secs > SLOW {
        failures.push(format!("over {SLOW} s"));
    }
    if peak > memory_bound(input.bytes.len()) {
        failures.push("peak heap over the bound".to_string());
    }
    if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        println!("FAILED: {}", failures.join("; "));
        ExitCode::FAILURE
    }
}

/// `--write TARGET INDEX... [--test] [--seed S]`: makes inputs again (of this bench's run, or
/// with `--test` of tests/fuzz.rs's) and writes them to `target/fuzz-failures/`.
fn write(args: &[String]) -> ExitCode {
    let Some(target) = args.first().and_then(|t| Target::from_name(t)) else {
        eprintln!("usage: --write feed|page|quotes|post INDEX... [--test] [--seed S]");
        return ExitCode::from(2);
    };
    let test = args.iter().any(|a| a == "--test");
    let seed = args
        .iter()
        .position(|a| a == "--seed")
        .and_then(|i| args.get(i + 1))
        .and_then(|s| match s.strip_prefix("0x") {
            Some(hex) => u64::from_str_radix(hex, 16).ok(),
            None => s.parse().ok(),
        })
        .unwrap_or(if test {
            fuzzing::TEST_SEED
        } else {
            env_num("QW_FUZZ_SEED").unwrap_or(DEFAULT_SEED)
        });
    let scale = if test { Scale::Test } else { Scale::Bench };
    let seeds = target.seeds();
    for i in args[1..].iter().filter_map(|a| a.parse::<usize>().ok()) {
        let input = fuzzing::mutated(target, &seeds, seed, i, scale);
        let path = fuzzing::write_failure(target, &input, "written by --write");
        println!(
            "{} ({} bytes): {}",
            path.display(),
            input.bytes.len(),
            input.detail
        );
    }
    ExitCode::SUCCESS
}

fn hostile_cases(target: Target) -> Vec<recipe::Case> {
    recipe::all()
        .into_iter()
        .filter(|c| c.target == target)
        .collect()
}

fn hostile_child(args: &[String]) -> ExitCode {
    let (Some(target), Some(from)) = (
        args.first().and_then(|t| Target::from_name(t)),
        args.get(1).and_then(|s| s.parse().ok()),
    ) else {
        eprintln!("usage: --hostile-child TARGET FROM");
        return ExitCode::from(2);
    };
    cap_memory();
    let cases = hostile_cases(target);
    fuzzing::child(
        target,
        from,
        cases.len(),
        &|i| cases[i].input.clone(),
        &|i, out| recipe::unmet(&cases[i], out),
        Some(&METER),
    );
    ExitCode::SUCCESS
}

/// `--hostile [SUBSTRING...]`: the regression cases of fixtures/hostile/, each in a child as
/// the fuzzing run does, with time and peak heap.
fn hostile(args: &[String]) -> ExitCode {
    let hang = Duration::from_secs(env_num("QW_FUZZ_HANG").unwrap_or(30));
    let exe = match std::env::current_exe() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("cannot find this binary: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("| case | bytes | seconds | peak heap MB | peak / bound | outcome |");
    println!("|---|---:|---:|---:|---:|---|");
    for target in Target::ALL {
        let cases = hostile_cases(target);
        let spawn = |from: usize| {
            let mut c = Command::new(&exe);
            c.args(["--hostile-child", target.name(), &from.to_string()]);
            c
        };
        // `cargo bench` adds `--bench`: options are not names.
        let names: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
        let wanted =
            |name: &str| names.is_empty() || names.iter().any(|a| name.contains(a.as_str()));
        if !cases.iter().any(|c| wanted(&c.input.name)) {
            continue;
        }
        let records = fuzzing::supervise(cases.len(), &spawn, Some(hang), &mut |r| {
            eprintln!("{} {:.2} s", r.name, r.seconds);
        });
        for r in records {
            let case = &cases[r.index];
            if !wanted(&case.input.name) {
                continue;
            }
            let mut outcome = r.failure().unwrap_or_else(|| "ok".to_string());
            if r.seconds > SLOW {
                outcome = format!("{outcome}; > 2 s");
            }
            if r.peak > memory_bound(case.input.bytes.len()) {
                outcome = format!("{outcome}; over the memory bound");
            }
            if outcome != "ok" {
                fuzzing::write_failure(target, &case.input, &outcome);
            }
            let seconds = match r.verdict {
                Verdict::Hung(_) => format!("> {}", hang.as_secs()),
                _ => format!("{:.2}", r.seconds),
            };
            println!(
                "| `{}` | {} | {seconds} | {:.1} | {:.2} | {} |",
                case.name,
                case.input.bytes.len(),
                r.peak as f64 / MB,
                r.peak as f64 / memory_bound(case.input.bytes.len()) as f64,
                outcome
                    .chars()
                    .take(200)
                    .collect::<String>()
                    .replace('|', "\\|")
            );
        }
    }
    ExitCode::SUCCESS
}

/// What one record counts as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Panic,
    Abort,
    Hang,
    BadOutput,
    Limit,
    Slow,
    Memory,
}

const KINDS: [Kind; 7] = [
    Kind::Panic,
    Kind::Abort,
    Kind::Hang,
    Kind::BadOutput,
    Kind::Limit,
    Kind::Slow,
    Kind::Memory,
];

impl Kind {
    fn label(self) -> &'static str {
        match self {
            Kind::Panic => "panics",
            Kind::Abort => "aborts",
            Kind::Hang => "hangs",
            Kind::BadOutput => "bad output",
            Kind::Limit => "over a limit",
            Kind::Slow => "> 2 s",
            Kind::Memory => "over memory bound",
        }
    }
}

fn kinds(r: &Record) -> Vec<Kind> {
    let mut k = Vec::new();
    match &r.verdict {
        Verdict::Aborted(_) => k.push(Kind::Abort),
        Verdict::Hung(_) => k.push(Kind::Hang),
        Verdict::Ran { failure, .. } => {
            if let Some(f) = failure {
                if f.contains(" panicked: ") {
                    k.push(Kind::Panic);
                } else if f.split("; ").all(|p| p.contains("limit: ")) {
                    k.push(Kind::Limit);
                } else {
                    k.push(Kind::BadOutput);
                }
            }
            if r.seconds > SLOW {
                k.push(Kind::Slow);
            }
            if r.peak > memory_bound(r.bytes) {
                k.push(Kind::Memory);
            }
        }
    }
    k
}

fn class_of(name: &str) -> String {
    // TARGET-INDEX-CLASS[-big]-SEED.EXT
    let mut parts = name.splitn(4, '-');
    let (_, _, class) = (parts.next(), parts.next(), parts.next().unwrap_or("?"));
    let big = parts.next().is_some_and(|rest| rest.starts_with("big-"));
    format!("{class}{}", if big { " (big)" } else { "" })
}

#[derive(Default)]
struct Tally {
    runs: usize,
    useful: usize,
    counts: BTreeMap<Kind, usize>,
    slowest: Option<(String, usize, f64)>,
    heaviest: Option<(String, usize, u64)>,
}

impl Tally {
    fn add(&mut self, r: &Record) {
        self.runs += 1;
        if matches!(r.verdict, Verdict::Ran { useful: true, .. }) {
            self.useful += 1;
        }
        for k in kinds(r) {
            *self.counts.entry(k).or_default() += 1;
        }
        if matches!(r.verdict, Verdict::Ran { .. }) {
            if self.slowest.as_ref().is_none_or(|s| r.seconds > s.2) {
                self.slowest = Some((r.name.clone(), r.bytes, r.seconds));
            }
            let ratio = |bytes: usize, peak: u64| peak as f64 / memory_bound(bytes) as f64;
            if self
                .heaviest
                .as_ref()
                .is_none_or(|h| ratio(r.bytes, r.peak) > ratio(h.1, h.2))
            {
                self.heaviest = Some((r.name.clone(), r.bytes, r.peak));
            }
        }
    }

    fn count(&self, k: Kind) -> usize {
        self.counts.get(&k).copied().unwrap_or(0)
    }
}

fn parent(args: &[String]) -> ExitCode {
    let runs = env_num("QW_FUZZ_RUNS").map_or(DEFAULT_RUNS, |n| n as usize);
    let seed = env_num("QW_FUZZ_SEED").unwrap_or(DEFAULT_SEED);
    let hang = Duration::from_secs(env_num("QW_FUZZ_HANG").unwrap_or(30));
    let wanted: Vec<Target> = args
        .iter()
        .filter(|a| !a.starts_with("--"))
        .filter_map(|a| Target::from_name(a))
        .collect();
    let targets = if wanted.is_empty() {
        Target::ALL.to_vec()
    } else {
        wanted
    };
    let exe = match std::env::current_exe() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("cannot find this binary: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "fuzz: {runs} inputs per target, seed {seed:#x}, hang limit {} s, {} classes, one in {} of the large classes at full size",
        hang.as_secs(),
        mutate::CLASSES.len(),
        mutate::BIG_ONE_IN
    );
    let started = Instant::now();
    let mut results = Vec::new();
    for target in targets {
        let t0 = Instant::now();
        let spawn = |from: usize| {
            let mut c = Command::new(&exe);
            c.args([
                "--child",
                target.name(),
                &from.to_string(),
                &runs.to_string(),
                &seed.to_string(),
            ]);
            c
        };
        let mut n = 0;
        let records = fuzzing::supervise(runs, &spawn, Some(hang), &mut |r| {
            n += 1;
            let k = kinds(r);
            if !k.is_empty() || n % 250 == 0 {
                eprintln!(
                    "[{} {n}/{runs} {:.0} s] {} ({} bytes, {:.2} s, {:.1} MB){}",
                    target.name(),
                    t0.elapsed().as_secs_f64(),
                    r.name,
                    r.bytes,
                    r.seconds,
                    r.peak as f64 / MB,
                    if k.is_empty() {
                        String::new()
                    } else {
                        format!(
                            ": {}",
                            k.iter().map(|k| k.label()).collect::<Vec<_>>().join(", ")
                        )
                    }
                );
            }
        });
        // Write out every failing input; the seeds make it again from its index.
        let seeds = target.seeds();
        let mut failed = Vec::new();
        for r in &records {
            let k = kinds(r);
            if k.is_empty() {
                continue;
            }
            let mut why = r.failure().unwrap_or_default();
            if r.seconds > SLOW && matches!(r.verdict, Verdict::Ran { .. }) {
                why = format!("{why}{}took {:.2} s", sep(&why), r.seconds);
            }
            if r.peak > memory_bound(r.bytes) {
                why = format!(
                    "{why}{}peak heap {:.1} MB over the bound {:.1} MB",
                    sep(&why),
                    r.peak as f64 / MB,
                    memory_bound(r.bytes) as f64 / MB
                );
            }
            let input = make(target, &seeds, seed, r.index);
            let path = fuzzing::write_failure(target, &input, &why);
            failed.push((r.clone(), k, why, path));
        }
        results.push((target, records, failed, t0.elapsed()));
    }
    report(&results, runs, seed, started.elapsed());
    ExitCode::SUCCESS
}

fn sep(s: &str) -> &'static str {
    if s.is_empty() {
        ""
    } else {
        "; "
    }
}

type Failed = (Record, Vec<Kind>, String, std::path::PathBuf);

fn report(
    results: &[(Target, Vec<Record>, Vec<Failed>, Duration)],
    runs: usize,
    seed: u64,
    took: Duration,
) {
    println!();
    println!(
        "### Fuzzing: {runs} mutated inputs per parser (seed `{seed:#x}`, release build, {:.0} s)",
        took.as_secs_f64()
    );
    println!();
    println!("| parser | runs | gave a result | panics | aborts | hangs | bad output | over a limit | > 2 s | over memory bound | slowest finished input (bytes, s) | worst peak heap / bound (input, bytes, MB) | time |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---:|");
    for (target, records, _, took) in results {
        let mut t = Tally::default();
        records.iter().for_each(|r| t.add(r));
        let slowest = t.slowest.as_ref().map_or("–".to_string(), |(n, b, s)| {
            format!("`{n}` ({b}, {s:.2})")
        });
        let heaviest = t.heaviest.as_ref().map_or("–".to_string(), |(n, b, p)| {
            format!(
                "{:.2} (`{n}`, {b}, {:.1})",
                *p as f64 / memory_bound(*b) as f64,
                *p as f64 / MB
            )
        });
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {slowest} | {heaviest} | {:.0} s |",
            target.name(),
            t.runs,
            t.useful,
            t.count(Kind::Panic),
            t.count(Kind::Abort),
            t.count(Kind::Hang),
            t.count(Kind::BadOutput),
            t.count(Kind::Limit),
            t.count(Kind::Slow),
            t.count(Kind::Memory),
            took.as_secs_f64()
        );
    }
    println!();
    println!("By mutation class (only classes with a failure; failures of each kind, and the slowest input of the class in seconds):");
    println!();
    print!("| parser | class | runs |");
    for k in KINDS {
        print!(" {} |", k.label());
    }
    println!(" slowest s |");
    print!("|---|---|---:|");
    for _ in KINDS {
        print!("---:|");
    }
    println!("---:|");
    for (target, records, _, _) in results {
        let mut by_class: BTreeMap<String, Tally> = BTreeMap::new();
        for r in records {
            by_class.entry(class_of(&r.name)).or_default().add(r);
        }
        for (class, t) in by_class {
            if t.counts.is_empty() {
                continue;
            }
            print!("| {} | {class} | {} |", target.name(), t.runs);
            for k in KINDS {
                print!(" {} |", t.count(k));
            }
            println!(" {:.2} |", t.slowest.as_ref().map_or(0.0, |(_, _, s)| *s));
        }
    }
    println!();
    println!(
        "Failing inputs (written with a `.why` file each to {}):",
        fuzzing::failures_dir().display()
    );
    println!();
    for (target, _, failed, _) in results {
        if failed.is_empty() {
            println!("- {}: none", target.name());
            continue;
        }
        let mut by_reason: BTreeMap<String, Vec<&Failed>> = BTreeMap::new();
        for f in failed {
            by_reason.entry(reason_key(&f.2)).or_default().push(f);
        }
        println!("- {}: {} inputs", target.name(), failed.len());
        for (reason, fs) in by_reason {
            let names: Vec<String> = fs
                .iter()
                .take(4)
                .map(|f| {
                    format!(
                        "`{}` ({} bytes)",
                        f.3.file_name().and_then(|n| n.to_str()).unwrap_or("?"),
                        f.0.bytes
                    )
                })
                .collect();
            println!(
                "  - {} × {reason}: {}{}",
                fs.len(),
                names.join(", "),
                if fs.len() > 4 { ", …" } else { "" }
            );
        }
    }
}

/// A failure message with its numbers blanked, so that alike failures group together.
fn reason_key(why: &str) -> String {
    let mut out = String::new();
    let mut in_num = false;
    for c in why.chars().take(160) {
        if c.is_ascii_digit() || (in_num && c == '.') {
            if !in_num {
                out.push('N');
            }
            in_num = true;
        } else {
            in_num = false;
            out.push(c);
        }
    }
    out
}
