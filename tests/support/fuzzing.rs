//! The fuzzing harness's runner, shared by `tests/fuzz.rs`, `tests/hostile.rs` and
//! `benches/fuzz.rs`: the four targets (the entry points of untrusted input), what each
//! output must satisfy, where failing inputs are written, and the supervision of a child
//! process that runs the inputs.
//!
//! Every input runs inside `quotewire::limits::contain`, as the program runs it: a panic comes
//! back as `Contained::Panicked` and is a failure. A stack overflow or an abort ends the
//! process, so inputs run in a child process (the test or bench binary re-invoked) that prints
//! `QWFUZZ begin I` before input I and `QWFUZZ end I ...` after it; the parent sees which
//! input was running when the child died, records it, writes it out (it makes it again from
//! its index: inputs are deterministic) and starts a new child at the next input.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use quotewire::limits::{self, contain, Contained};
use quotewire::post::Format;

use crate::mutate::{self, Mutant, Rng, Scale, Seed, Syntax};

/// The base URL feeds and pages are read under.
pub const BASE: &str = "https://example.com/feeds/fuzz";

/// The seed of the bounded run in `cargo test` (tests/fuzz.rs).
pub const TEST_SEED: u64 = 0x5eed_0009_0008_0001;

/// The environment variable that makes a test binary a child: its value is the first index.
pub const CHILD_ENV: &str = "QW_FUZZ_CHILD";

/// The entry points of untrusted input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    /// `parser::parse`, then `story::identity` and `story::url::story_id` for every entry.
    Feed,
    /// `article::extract`, then `review::extract_bounded` on the page's text (as ingest does).
    Page,
    /// `review::extract_bounded` on a text (quotations within the limits, as ingest and
    /// `quotes extract` find them).
    Quotes,
    /// `post::parse` (Markdown, HTML, plain text).
    Post,
}

impl Target {
    pub const ALL: [Target; 4] = [Target::Feed, Target::Page, Target::Quotes, Target::Post];

    pub fn name(self) -> &'static str {
        match self {
            Target::Feed => "feed",
            Target::Page => "page",
            Target::Quotes => "quotes",
            Target::Post => "post",
        }
    }

    pub fn from_name(name: &str) -> Option<Target> {
        Target::ALL.into_iter().find(|t| t.name() == name)
    }

    /// What `contain` calls it in messages.
    pub fn what(self) -> &'static str {
        match self {
            Target::Feed => "feed parser",
            Target::Page => "article extractor",
            Target::Quotes => "quote extractor",
            Target::Post => "post reader",
        }
    }

    /// The fixtures this target's mutants are made from.
    pub fn seeds(self) -> Vec<Seed> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let pick = |dir: &str, ok: &dyn Fn(&str) -> bool| -> Vec<Seed> {
            let mut paths: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
                .unwrap_or_else(|e| panic!("fixtures/{dir}: {e}"))
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(ok))
                .collect();
            paths.sort();
            paths.iter().map(|p| Seed::read(p)).collect()
        };
        let mut seeds = Vec::new();
        match self {
            Target::Feed => {
                seeds.extend(pick("feeds", &|n| {
                    n.ends_with(".xml") || n.ends_with(".json") || n.ends_with(".html")
                }));
            }
            Target::Page => {
                seeds.extend(pick("articles", &|n| n.ends_with(".html")));
                seeds.extend(pick("feeds", &|n| n.ends_with(".html")));
            }
            Target::Quotes => {
                seeds.extend(pick("quotes", &|n| n.ends_with(".txt")));
                seeds.extend(pick("quotes-heldout", &|n| n.ends_with(".txt")));
                seeds.extend(pick("articles", &|n| n.ends_with(".gold.txt")));
                // Raw pages as text too: a text can hold anything a page does.
                seeds.extend(pick("articles", &|n| {
                    n.starts_with("a0") && n.ends_with(".html")
                }));
            }
            Target::Post => {
                seeds.extend(pick("posts", &|n| {
                    n.ends_with(".md") || n.ends_with(".txt")
                }));
                seeds.extend(pick("articles", &|n| {
                    n.starts_with("b0") && n.ends_with(".html")
                }));
            }
        }
        assert!(!seeds.is_empty(), "no seeds for {}", self.name());
        seeds
    }
}

/// One input for a target: bytes and how they were served.
#[derive(Debug, Clone)]
pub struct Input {
    /// A file name, unique in a run.
    pub name: String,
    /// The mutation class ("nest"), or "hostile" for a regression case.
    pub class: String,
    pub bytes: Vec<u8>,
    /// The HTTP Content-Type (feeds, pages).
    pub content_type: Option<String>,
    /// How a post is read.
    pub format: Format,
    /// What was done to make it, for the report.
    pub detail: String,
}

impl Input {
    /// The text a text-taking entry point gets: the bytes read as UTF-8, bad bytes replaced,
    /// as the program reads a post file or a stored text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }
}

const FEED_TYPES: &[Option<&str>] = &[
    None,
    None,
    Some("application/rss+xml"),
    Some("application/atom+xml"),
    Some("text/xml; charset=utf-8"),
    Some("text/xml; charset=shift_jis"),
    Some("application/json"),
    Some("application/feed+json"),
    Some("text/html"),
    Some("application/xml; charset=\"windows-1252\""),
];

const PAGE_TYPES: &[Option<&str>] = &[
    None,
    Some("text/html"),
    Some("text/html; charset=utf-8"),
    Some("text/html; charset=windows-1252"),
    Some("text/html; charset=shift_jis"),
    Some("application/xhtml+xml"),
];

/// Input `index` of `target` in the run seeded with `seed`: a mutant of its fixtures, served
/// with a Content-Type (or read as a format) chosen from the same seed.
pub fn mutated(target: Target, seeds: &[Seed], seed: u64, index: usize, scale: Scale) -> Input {
    let m: Mutant = mutate::mutant(seeds, target.name(), seed, index, scale);
    let mut rng = Rng::for_input(seed ^ 0x5bd1_e995, target.name(), index);
    let content_type = match (target, m.header_charset) {
        (Target::Feed, Some(cs)) => Some(format!("application/xml; charset={cs}")),
        (Target::Page, Some(cs)) => Some(format!("text/html; charset={cs}")),
        (Target::Feed, None) => rng.pick(FEED_TYPES).map(str::to_string),
        (Target::Page, None) => rng.pick(PAGE_TYPES).map(str::to_string),
        _ => None,
    };
    let format = if rng.one_in(8) {
        *rng.pick(&[Format::Markdown, Format::Html, Format::Plain])
    } else {
        match m.syntax {
            Syntax::Markdown => Format::Markdown,
            Syntax::Html | Syntax::Xml => Format::Html,
            Syntax::Text | Syntax::Json => Format::Plain,
        }
    };
    Input {
        name: m.name,
        class: m.class.name().to_string(),
        bytes: m.bytes,
        content_type,
        format,
        detail: m.detail,
    }
}

/// What one input gave.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// The parse gave something (a feed with entries, a page's text, a quotation, a post's
    /// passages): damage the program survived with a result.
    pub useful: bool,
    /// Why the input failed: a panic, an output that breaks a rule, a limit not kept.
    pub failure: Option<String>,
    /// What came out, in a few words ("12 entries", "Err: not a feed").
    pub summary: String,
    /// The output as JSON-ish facts a regression case can check: (name, value).
    pub facts: Vec<(&'static str, String)>,
}

fn contained<T: Send + 'static>(
    what: &'static str,
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, String> {
    contain(what, None, f).map_err(|e| match e {
        Contained::Panicked { what, message } => format!("{what} panicked: {message}"),
        other => format!("{what}: {other}"),
    })
}

/// Runs `input` through `target` inside `contain` and checks what came out.
pub fn run(target: Target, input: &Input) -> Outcome {
    let mut out = Outcome::default();
    let mut problems = Vec::new();
    match target {
        Target::Feed => feed(input, &mut out, &mut problems),
        Target::Page => page(input, &mut out, &mut problems),
        Target::Quotes => {
            let text = input.text();
            match contained("quote extractor", {
                let text = text.clone();
                // As the program does: the text within MAX_QUOTE_TEXT, MAX_QUOTES kept.
                move || quotewire::review::extract_bounded(&text).0
            }) {
                Ok(quotes) => {
                    check_quotes(&text, &quotes, "", &mut problems);
                    out.useful = !quotes.is_empty();
                    out.summary = format!("{} quotations", quotes.len());
                    out.facts.push(("quotes", quotes.len().to_string()));
                }
                Err(e) => problems.push(e),
            }
        }
        Target::Post => post(input, &mut out, &mut problems),
    }
    if !problems.is_empty() {
        problems.truncate(5);
        out.failure = Some(problems.join("; "));
    }
    out
}

fn feed(input: &Input, out: &mut Outcome, problems: &mut Vec<String>) {
    let (bytes, ct) = (input.bytes.clone(), input.content_type.clone());
    let parsed = contained("feed parser", move || {
        let base = url::Url::parse(BASE).ok();
        quotewire::parser::parse(&bytes, ct.as_deref(), base.as_ref())
    });
    let feed = match parsed {
        Err(e) => return problems.push(e),
        Ok(Err(e)) => {
            out.summary = format!("Err: {e}");
            out.facts.push(("error", e.to_string()));
            out.facts.push(("entries", "0".to_string()));
            return;
        }
        Ok(Ok(feed)) => feed,
    };
    out.useful = !feed.entries.is_empty();
    out.summary = format!("{} entries ({})", feed.entries.len(), feed.encoding);
    out.facts.push(("entries", feed.entries.len().to_string()));
    out.facts.push(("encoding", feed.encoding.to_string()));
    if feed.entries.len() > limits::MAX_ENTRIES {
        problems.push(format!(
            "limit: {} entries, over MAX_ENTRIES ({})",
            feed.entries.len(),
            limits::MAX_ENTRIES
        ));
    }
    for (i, e) in feed.entries.iter().enumerate().take(3) {
        for (name, value) in [
            ("title", &e.title),
            ("summary", &e.summary),
            ("content", &e.content),
        ] {
            if let Some(v) = value {
                out.facts.push((name, v.clone()));
            }
        }
        if i == 0 {
            if let Some(l) = &e.link {
                out.facts.push(("link", l.clone()));
            }
        }
    }
    for (i, e) in feed.entries.iter().enumerate() {
        if let Some(link) = &e.link {
            if url::Url::parse(link).is_err() {
                problems.push(format!("entry {i}: link {link:?} is not an absolute URL"));
            }
        }
    }
    let entries = feed.entries;
    let ids = contained("story identity", move || {
        entries
            .iter()
            .map(|e| {
                let has_name = e.id.is_some() || e.title.is_some();
                let id = quotewire::story::identity(e, BASE)
                    .map(|(key, _)| quotewire::story::url::story_id(&key));
                (has_name, id)
            })
            .collect::<Vec<_>>()
    });
    match ids {
        Err(e) => problems.push(e),
        Ok(ids) => {
            for (i, (has_name, id)) in ids.into_iter().enumerate() {
                match id {
                    Some(id) if !is_story_id(&id) => {
                        problems.push(format!("entry {i}: story id {id:?} is not 16 hex digits"))
                    }
                    None if has_name => {
                        problems.push(format!("entry {i} has a guid or title but no identity"))
                    }
                    _ => {}
                }
            }
        }
    }
}

fn is_story_id(id: &str) -> bool {
    id.len() == 16 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn page(input: &Input, out: &mut Outcome, problems: &mut Vec<String>) {
    let (bytes, ct) = (input.bytes.clone(), input.content_type.clone());
    let article = contained("article extractor", move || {
        let url = url::Url::parse("https://example.com/news/2020/01/03/fuzzed-story").ok();
        quotewire::article::extract(
            &bytes,
            ct.as_deref(),
            url.as_ref(),
            &quotewire::article::Rules::default(),
        )
    });
    let article = match article {
        Ok(a) => a,
        Err(e) => return problems.push(e),
    };
    let text = article.text();
    out.useful = !text.trim().is_empty();
    out.summary = format!(
        "{} paragraphs, {} bytes of text",
        article.paragraphs.len(),
        text.len()
    );
    out.facts
        .push(("paragraphs", article.paragraphs.len().to_string()));
    out.facts.push(("text", text.clone()));
    if let Some(t) = &article.meta.title {
        out.facts.push(("title", t.clone()));
    }
    if text.len() > limits::MAX_TEXT {
        problems.push(format!(
            "limit: the page's text is {} bytes, over MAX_TEXT ({})",
            text.len(),
            limits::MAX_TEXT
        ));
    }
    let quotes = contained("quote extractor", {
        let text = text.clone();
        move || quotewire::review::extract_bounded(&text).0
    });
    match quotes {
        Ok(q) => {
            check_quotes(&text, &q, "in the page's text: ", problems);
            out.facts.push(("quotes", q.len().to_string()));
        }
        Err(e) => problems.push(format!("on the page's text: {e}")),
    }
}

/// Quotations must lie inside their text, in order, and say what the text says there.
fn check_quotes(
    text: &str,
    quotes: &[quotewire::quotes::Quote],
    context: &str,
    problems: &mut Vec<String>,
) {
    let chars: Vec<char> = text.chars().collect();
    if quotes.len() > limits::MAX_QUOTES {
        problems.push(format!(
            "{context}limit: {} quotations, over MAX_QUOTES ({})",
            quotes.len(),
            limits::MAX_QUOTES
        ));
    }
    let mut last = 0;
    for (i, q) in quotes.iter().enumerate() {
        if q.start > q.end || q.end > chars.len() {
            problems.push(format!(
                "{context}quotation {i}: offsets {}..{} outside the text's {} chars",
                q.start,
                q.end,
                chars.len()
            ));
            continue;
        }
        let at: String = chars[q.start..q.end].iter().collect();
        if at != q.text {
            problems.push(format!(
                "{context}quotation {i}: its text {:?} is not the text at {}..{} ({at:?})",
                clip(&q.text),
                q.start,
                q.end
            ));
        }
        if q.start < last {
            problems.push(format!(
                "{context}quotation {i} starts before the one before it"
            ));
        }
        last = q.start;
    }
}

fn post(input: &Input, out: &mut Outcome, problems: &mut Vec<String>) {
    let text = input.text();
    let format = input.format;
    let parsed = contained("post reader", {
        let text = text.clone();
        move || quotewire::post::parse(&text, format, None)
    });
    let post = match parsed {
        Err(e) => return problems.push(e),
        Ok(Err(e)) => {
            out.summary = format!("Err: {e}");
            out.facts.push(("error", e.to_string()));
            out.facts.push(("passages", "0".to_string()));
            return;
        }
        Ok(Ok(p)) => p,
    };
    if text.contains('\0') {
        problems.push("a text with NUL characters was read, not refused as binary".to_string());
    }
    out.useful = !post.passages.is_empty();
    out.summary = format!("{} passages", post.passages.len());
    out.facts
        .push(("passages", post.passages.len().to_string()));
    if let Some(t) = &post.title {
        out.facts.push(("title", t.clone()));
    }
    for p in post.passages.iter().take(3) {
        out.facts.push(("passage", p.text.clone()));
    }
    let lines = text.lines().count().max(1);
    for (i, p) in post.passages.iter().enumerate() {
        if p.line == 0 || p.line > lines + 1 {
            problems.push(format!(
                "passage {i}: line {} outside the post's {lines} lines",
                p.line
            ));
        }
        if p.text.trim().is_empty() {
            problems.push(format!("passage {i} (line {}) is empty", p.line));
        }
    }
}

fn clip(s: &str) -> String {
    if s.chars().count() <= 60 {
        s.to_string()
    } else {
        let head: String = s.chars().take(60).collect();
        format!("{head}…")
    }
}

/// Where failing inputs go: `target/fuzz-failures/` (or under `CARGO_TARGET_DIR`).
pub fn failures_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    let target = if target.is_relative() {
        Path::new(env!("CARGO_MANIFEST_DIR")).join(target)
    } else {
        target
    };
    target.join("fuzz-failures")
}

/// Writes a failing input to `failures_dir()/NAME`, and beside it `NAME.why`: the target, how
/// it was served, what was done to it and why it failed. Returns the input's path.
pub fn write_failure(target: Target, input: &Input, why: &str) -> PathBuf {
    let dir = failures_dir();
    let path = dir.join(&input.name);
    let written = std::fs::create_dir_all(&dir)
        .and_then(|()| std::fs::write(&path, &input.bytes))
        .and_then(|()| {
            let mut f = std::fs::File::create(dir.join(format!("{}.why", input.name)))?;
            writeln!(f, "target: {} ({})", target.name(), target.what())?;
            writeln!(f, "content-type: {:?}", input.content_type)?;
            writeln!(f, "format: {:?}", input.format)?;
            writeln!(f, "class: {}", input.class)?;
            writeln!(f, "made by: {}", input.detail)?;
            writeln!(f, "bytes: {}", input.bytes.len())?;
            writeln!(f, "failure: {why}")?;
            writeln!(
                f,
                "reproduce: cargo bench --bench fuzz -- --file {} {}{}",
                target.name(),
                path.display(),
                match (target, input.content_type.as_deref()) {
                    (Target::Post, _) => format!(
                        " --format {}",
                        match input.format {
                            Format::Markdown => "markdown",
                            Format::Html => "html",
                            Format::Plain => "plain",
                        }
                    ),
                    (_, Some(c)) => format!(" --content-type '{c}'"),
                    (_, None) => String::new(),
                }
            )
        });
    if let Err(e) = written {
        eprintln!("cannot write {}: {e}", path.display());
    }
    path
}

/// How one input ended.
#[derive(Debug, Clone)]
pub enum Verdict {
    /// It ran; `failure` is why its output broke a rule, if it did.
    Ran {
        useful: bool,
        failure: Option<String>,
    },
    /// The process died during it (a stack overflow, an abort, a signal): the child's exit
    /// status and the end of its stderr.
    Aborted(String),
    /// It ran longer than the supervisor's hang limit and the child was killed.
    Hung(Duration),
}

/// One input's record.
#[derive(Debug, Clone)]
pub struct Record {
    pub index: usize,
    pub name: String,
    pub bytes: usize,
    pub seconds: f64,
    /// Peak heap bytes during the input, above what was allocated before it (0 when not
    /// measured).
    pub peak: u64,
    pub verdict: Verdict,
}

impl Record {
    pub fn failure(&self) -> Option<String> {
        match &self.verdict {
            Verdict::Ran { failure, .. } => failure.clone(),
            Verdict::Aborted(why) => Some(format!("the process died: {why}")),
            Verdict::Hung(d) => Some(format!("still running after {} s", d.as_secs())),
        }
    }
}

/// Failures of its own a caller finds in input I's outcome.
pub type Judge<'a> = dyn Fn(usize, &Outcome) -> Vec<String> + 'a;

/// No failures of its own.
pub fn no_judge(_: usize, _: &Outcome) -> Vec<String> {
    Vec::new()
}

/// Peak-heap measurement, for the bench (its global allocator); tests pass `None`.
pub struct Meter {
    pub reset: fn(),
    pub peak: fn() -> u64,
}

/// The child's side: runs inputs `from..count`, printing the protocol lines on stdout.
/// `judge` adds failures of its own to an outcome (a regression case's expectations).
pub fn child(
    target: Target,
    from: usize,
    count: usize,
    make: &dyn Fn(usize) -> Input,
    judge: &Judge<'_>,
    meter: Option<&Meter>,
) {
    let stdout = std::io::stdout();
    for i in from..count {
        let input = make(i);
        {
            let mut o = stdout.lock();
            let _ = writeln!(o, "QWFUZZ begin {i} {} {}", input.bytes.len(), input.name);
            let _ = o.flush();
        }
        if let Some(m) = meter {
            (m.reset)();
        }
        let start = Instant::now();
        let outcome = run(target, &input);
        let seconds = start.elapsed().as_secs_f64();
        let peak = meter.map_or(0, |m| (m.peak)());
        let failure = outcome
            .failure
            .iter()
            .cloned()
            .chain(judge(i, &outcome))
            .collect::<Vec<_>>()
            .join("; ")
            .replace(['\n', '\r'], " ");
        let failure = if failure.is_empty() {
            "-".to_string()
        } else {
            failure
        };
        let mut o = stdout.lock();
        let _ = writeln!(
            o,
            "QWFUZZ end {i} {} {seconds:.6} {peak} {} {failure}",
            input.bytes.len(),
            u8::from(outcome.useful)
        );
        let _ = o.flush();
    }
    let mut o = stdout.lock();
    let _ = writeln!(o, "QWFUZZ done");
    let _ = o.flush();
}

enum Line {
    Out(String),
    Eof,
}

/// The parent's side: runs inputs `0..count` in children made by `spawn(from)`, restarting
/// after a child dies or hangs. `hang`: kill a child whose input runs longer (the bench; tests
/// pass `None` and never time anything). `seen` is told of each record as it comes.
pub fn supervise(
    count: usize,
    spawn: &dyn Fn(usize) -> Command,
    hang: Option<Duration>,
    seen: &mut dyn FnMut(&Record),
) -> Vec<Record> {
    let mut records = Vec::new();
    let mut from = 0;
    while from < count {
        let mut cmd = spawn(from);
        cmd.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut proc = match cmd.spawn() {
            Ok(p) => p,
            Err(e) => panic!("cannot start a fuzzing child: {e}"),
        };
        let (tx, rx) = mpsc::channel();
        let stdout = proc.stdout.take();
        let reader = std::thread::spawn(move || {
            if let Some(out) = stdout {
                for line in BufReader::new(out).lines() {
                    match line {
                        Ok(l) => {
                            if tx.send(Line::Out(l)).is_err() {
                                return;
                            }
                        }
                        Err(_) => break,
                    }
                }
            }
            let _ = tx.send(Line::Eof);
        });
        let stderr = proc.stderr.take();
        let err_reader = std::thread::spawn(move || {
            let mut tail = Vec::new();
            if let Some(mut err) = stderr {
                let mut buf = [0u8; 8192];
                while let Ok(n) = err.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    tail.extend_from_slice(&buf[..n]);
                    if tail.len() > 16_384 {
                        tail.drain(..tail.len() - 8192);
                    }
                }
            }
            String::from_utf8_lossy(&tail).into_owned()
        });
        let mut in_flight: Option<(usize, usize, String, Instant)> = None;
        let mut done = false;
        let mut last = from;
        let mut hung = None;
        loop {
            let line = match (hang, &in_flight) {
                (Some(limit), Some((_, _, _, started))) => {
                    let left = limit.saturating_sub(started.elapsed());
                    match rx.recv_timeout(left) {
                        Ok(l) => l,
                        Err(mpsc::RecvTimeoutError::Timeout) => {
                            let _ = proc.kill();
                            hung = Some(limit);
                            break;
                        }
                        Err(mpsc::RecvTimeoutError::Disconnected) => Line::Eof,
                    }
                }
                _ => rx.recv().unwrap_or(Line::Eof),
            };
            let Line::Out(line) = line else { break };
            // libtest may print "test NAME ... " before the first line, on the same line.
            let Some(rest) = line.find("QWFUZZ ").map(|at| &line[at + 7..]) else {
                continue;
            };
            let mut parts = rest.splitn(7, ' ');
            match parts.next() {
                Some("begin") => {
                    let i = parts.next().and_then(|s| s.parse().ok()).unwrap_or(last);
                    let bytes = parts.next().and_then(|s| s.parse().ok()).unwrap_or(0);
                    let name = parts.next().unwrap_or("").to_string();
                    in_flight = Some((i, bytes, name, Instant::now()));
                }
                Some("end") => {
                    let num =
                        |s: Option<&str>| s.and_then(|s| s.parse::<f64>().ok()).unwrap_or(0.0);
                    let index = num(parts.next()) as usize;
                    let bytes = num(parts.next()) as usize;
                    let seconds = num(parts.next());
                    let peak = num(parts.next()) as u64;
                    let useful = parts.next() == Some("1");
                    let failure = parts.next().filter(|f| *f != "-").map(str::to_string);
                    let name = match &in_flight {
                        Some((i, _, name, _)) if *i == index => name.clone(),
                        _ => String::new(),
                    };
                    let r = Record {
                        index,
                        name,
                        bytes,
                        seconds,
                        peak,
                        verdict: Verdict::Ran { useful, failure },
                    };
                    seen(&r);
                    records.push(r);
                    in_flight = None;
                    last = index + 1;
                }
                Some("done") => done = true,
                _ => {}
            }
        }
        let status = proc.wait();
        drop(rx);
        let _ = reader.join();
        let tail = err_reader.join().unwrap_or_default();
        match in_flight {
            Some((index, bytes, name, started)) => {
                let verdict = match hung {
                    Some(limit) => Verdict::Hung(limit),
                    None => Verdict::Aborted(format!(
                        "{}; stderr ends: {}",
                        status.map_or_else(|e| e.to_string(), |s| s.to_string()),
                        last_lines(&tail, 6)
                    )),
                };
                let r = Record {
                    index,
                    name,
                    bytes,
                    seconds: started.elapsed().as_secs_f64(),
                    peak: 0,
                    verdict,
                };
                seen(&r);
                records.push(r);
                from = index + 1;
            }
            None if done => break,
            None => {
                // Died between inputs, or never started: nothing to blame, and no progress.
                panic!(
                    "a fuzzing child exited ({}) before input {last} began; stderr: {}",
                    status.map_or_else(|e| e.to_string(), |s| s.to_string()),
                    last_lines(&tail, 20)
                );
            }
        }
    }
    records
}

fn last_lines(s: &str, n: usize) -> String {
    let lines: Vec<&str> = s.lines().filter(|l| !l.trim().is_empty()).collect();
    lines[lines.len().saturating_sub(n)..].join(" | ")
}

/// The test's side of a target: in a child (`CHILD_ENV` set), runs the inputs; in the parent,
/// supervises children of this test binary running only `test_name`, writes every failing
/// input to `failures_dir()`, and returns the records and the failure report (empty when
/// none failed).
pub fn run_in_test(
    target: Target,
    test_name: &str,
    count: usize,
    make: &dyn Fn(usize) -> Input,
    judge: &Judge<'_>,
) -> Option<(Vec<Record>, Vec<String>)> {
    if let Ok(from) = std::env::var(CHILD_ENV) {
        let from = from.parse().unwrap_or(0);
        child(target, from, count, make, judge, None);
        return None;
    }
    let exe = std::env::current_exe().unwrap_or_else(|e| panic!("the test binary: {e}"));
    let spawn = |from: usize| {
        let mut c = Command::new(&exe);
        c.args([test_name, "--exact", "--nocapture", "--test-threads=1"])
            .env(CHILD_ENV, from.to_string());
        c
    };
    let records = supervise(count, &spawn, None, &mut |_| {});
    let mut report = Vec::new();
    for r in &records {
        if let Some(why) = r.failure() {
            let input = make(r.index);
            let path = write_failure(target, &input, &why);
            let served = match target {
                Target::Post => format!("read as {:?}", input.format),
                Target::Feed | Target::Page => format!("Content-Type {:?}", input.content_type),
                Target::Quotes => "as text".to_string(),
            };
            report.push(format!(
                "{} ({} bytes, {served}): {why}\n    written to {}",
                input.name,
                input.bytes.len(),
                path.display()
            ));
        }
    }
    Some((records, report))
}
