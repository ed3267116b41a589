//! Hostile regression cases: `fixtures/hostile/NAME.recipe`, small text files that make an
//! input (some of them megabytes) and say what the program must do with it. The format is
//! described in `fixtures/hostile/README.md`:
//!
//! ```text
//! # comment lines
//! target page                      feed | page | quotes | post
//! content-type text/html           optional: the HTTP Content-Type (feeds, pages)
//! format markdown                  optional: markdown | html | plain (posts)
//! encode utf-16le                  optional: utf-16le | utf-16be | utf-16le-bom |
//!                                            utf-16be-bom | windows-1252
//! expect text-contains deep text   any number of expectations
//! ---
//! the body: taken as written, with {{repeat N}}...{{end}} (nestable; {{n}} inside is the
//! iteration, from 0), {{x FF FE}} for raw bytes, {{nul}}, {{lf}}; the newline that ends the
//! file is not part of it
//! ```

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use quotewire::post::Format;

use crate::fuzzing::{Input, Outcome, Target};

/// One regression case.
#[derive(Debug, Clone)]
pub struct Case {
    pub name: String,
    pub target: Target,
    pub input: Input,
    pub expect: Vec<Expect>,
}

/// What the outcome must show, besides no panic, no abort and sane output.
#[derive(Debug, Clone, PartialEq)]
pub enum Expect {
    /// A result: a feed with entries, a page's text, a quotation, a post's passages.
    Useful,
    /// The parse refused the input with an error whose message contains this.
    ErrorContains(String),
    /// A number fact ("entries", "quotes", "passages", "paragraphs") compared.
    Equals(&'static str, usize),
    AtLeast(&'static str, usize),
    AtMost(&'static str, usize),
    /// Some text fact (a title, an entry's summary or content, a page's text, a passage)
    /// contains this.
    TextContains(String),
    /// The feed was read in this encoding (encoding_rs's name: "UTF-16LE").
    Encoding(String),
}

pub fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/hostile")
}

/// Every case in `fixtures/hostile/`, by name.
pub fn all() -> Vec<Case> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir())
        .unwrap_or_else(|e| panic!("fixtures/hostile: {e}"))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "recipe"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())))
        .collect()
}

pub fn read(path: &Path) -> Result<Case, String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let name = path
        .file_stem()
        .and_then(|s| s.to_str())
        .ok_or("no name")?
        .to_string();
    parse(&name, &text)
}

pub fn parse(name: &str, text: &str) -> Result<Case, String> {
    let (head, body) = text
        .split_once("\n---\n")
        .ok_or("no `---` line before the body")?;
    let body = body.strip_suffix('\n').unwrap_or(body);
    let mut target = None;
    let mut content_type = None;
    let mut format = None;
    let mut encode = None;
    let mut expect = Vec::new();
    for (n, line) in head.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, value) = line.split_once(' ').unwrap_or((line, ""));
        let value = value.trim();
        match key {
            "target" => target = Some(Target::from_name(value).ok_or("unknown target")?),
            "content-type" => content_type = Some(value.to_string()),
            "format" => {
                format = Some(match value {
                    "markdown" => Format::Markdown,
                    "html" => Format::Html,
                    "plain" => Format::Plain,
                    _ => return Err(format!("line {}: unknown format {value}", n + 1)),
                })
            }
            "encode" => encode = Some(value.to_string()),
            "expect" => {
                expect.push(expectation(value).map_err(|e| format!("line {}: {e}", n + 1))?)
            }
            _ => return Err(format!("line {}: unknown key {key}", n + 1)),
        }
    }
    let target = target.ok_or("no `target` line")?;
    let mut bytes = Vec::new();
    if expand(body, &mut bytes, None)?.is_some() {
        return Err("`{{end}}` without `{{repeat}}`".to_string());
    }
    let bytes = match encode.as_deref() {
        None => bytes,
        Some(e) => encoded(&bytes, e)?,
    };
    let ext = match (target, format) {
        (Target::Feed, _) if bytes.trim_ascii_start().starts_with(b"{") => "json",
        (Target::Feed, _) => "xml",
        (Target::Page, _) | (Target::Post, Some(Format::Html)) => "html",
        (Target::Post, Some(Format::Markdown)) => "md",
        _ => "txt",
    };
    let input = Input {
        name: format!("hostile-{name}.{ext}"),
        class: "hostile".to_string(),
        bytes,
        content_type,
        format: format.unwrap_or(Format::Plain),
        detail: format!("fixtures/hostile/{name}.recipe"),
    };
    Ok(Case {
        name: name.to_string(),
        target,
        input,
        expect,
    })
}

fn expectation(s: &str) -> Result<Expect, String> {
    let (what, arg) = s.split_once(' ').unwrap_or((s, ""));
    let number = |arg: &str| -> Result<(&'static str, usize), String> {
        let (fact, n) = arg.split_once(' ').ok_or("want FACT N")?;
        let fact = match fact {
            "entries" => "entries",
            "quotes" => "quotes",
            "passages" => "passages",
            "paragraphs" => "paragraphs",
            _ => return Err(format!("unknown fact {fact}")),
        };
        let n = n
            .trim()
            .replace('_', "")
            .parse()
            .map_err(|_| "not a number")?;
        Ok((fact, n))
    };
    Ok(match what {
        "useful" => Expect::Useful,
        "error-contains" => Expect::ErrorContains(arg.to_string()),
        "text-contains" => Expect::TextContains(arg.to_string()),
        "encoding" => Expect::Encoding(arg.to_string()),
        "equals" => {
            let (f, n) = number(arg)?;
            Expect::Equals(f, n)
        }
        "at-least" => {
            let (f, n) = number(arg)?;
            Expect::AtLeast(f, n)
        }
        "at-most" => {
            let (f, n) = number(arg)?;
            Expect::AtMost(f, n)
        }
        _ => return Err(format!("unknown expectation {what}")),
    })
}

/// Expands `s` into `out` up to an unmatched `{{end}}` and returns what follows it, or `None`
/// when `s` ran out first. `n` is the iteration of the enclosing repeat, for `{{n}}`.
fn expand<'a>(
    mut s: &'a str,
    out: &mut Vec<u8>,
    n: Option<usize>,
) -> Result<Option<&'a str>, String> {
    loop {
        let Some(at) = s.find("{{") else {
            out.extend_from_slice(s.as_bytes());
            return Ok(None);
        };
        out.extend_from_slice(&s.as_bytes()[..at]);
        let rest = &s[at + 2..];
        let close = rest.find("}}").ok_or("`{{` without `}}`")?;
        let directive = &rest[..close];
        s = &rest[close + 2..];
        let (word, arg) = directive.split_once(' ').unwrap_or((directive, ""));
        match word {
            "end" => return Ok(Some(s)),
            "repeat" => {
                let count: usize = arg
                    .trim()
                    .replace('_', "")
                    .parse()
                    .map_err(|_| format!("repeat {arg}: not a number"))?;
                let mut once = Vec::new();
                let after = expand(s, &mut once, Some(0))?
                    .ok_or_else(|| format!("`{{{{repeat {arg}}}}}` without `{{{{end}}}}`"))?;
                // The body as written, with its `{{end}}`.
                let body = &s[..s.len() - after.len()];
                if body.contains("{{n}}") {
                    for i in 0..count {
                        expand(body, out, Some(i))?;
                    }
                } else {
                    out.extend_from_slice(&once.repeat(count));
                }
                s = after;
            }
            "n" => {
                out.extend_from_slice(n.ok_or("`{{n}}` outside a repeat")?.to_string().as_bytes())
            }
            "x" => {
                for h in arg.split_whitespace() {
                    out.push(u8::from_str_radix(h, 16).map_err(|_| format!("x {h}: not hex"))?);
                }
            }
            "nul" => out.push(0),
            "lf" => out.push(b'\n'),
            _ => return Err(format!("unknown directive {{{{{directive}}}}}")),
        }
    }
}

fn encoded(bytes: &[u8], how: &str) -> Result<Vec<u8>, String> {
    let text = String::from_utf8_lossy(bytes);
    let utf16 = |le: bool, bom: bool| {
        let mut out = Vec::new();
        if bom {
            out.extend_from_slice(if le { b"\xff\xfe" } else { b"\xfe\xff" });
        }
        for u in text.encode_utf16() {
            out.extend_from_slice(&if le { u.to_le_bytes() } else { u.to_be_bytes() });
        }
        out
    };
    Ok(match how {
        "utf-16le" => utf16(true, false),
        "utf-16be" => utf16(false, false),
        "utf-16le-bom" => utf16(true, true),
        "utf-16be-bom" => utf16(false, true),
        "windows-1252" => encoding_rs::WINDOWS_1252.encode(&text).0.into_owned(),
        _ => return Err(format!("unknown encoding {how}")),
    })
}

/// The expectations `out` does not meet, in words.
pub fn unmet(case: &Case, out: &Outcome) -> Vec<String> {
    let number = |fact: &str| {
        out.facts
            .iter()
            .find(|(f, _)| *f == fact)
            .and_then(|(_, v)| v.parse::<usize>().ok())
    };
    let texts = || {
        out.facts
            .iter()
            .filter(|(f, _)| matches!(*f, "title" | "summary" | "content" | "text" | "passage"))
            .map(|(_, v)| v.as_str())
    };
    let mut missed = Vec::new();
    for e in &case.expect {
        let met = match e {
            Expect::Useful => out.useful,
            Expect::ErrorContains(s) => out
                .facts
                .iter()
                .any(|(f, v)| *f == "error" && v.contains(s.as_str())),
            Expect::Equals(f, n) => number(f) == Some(*n),
            Expect::AtLeast(f, n) => number(f).is_some_and(|v| v >= *n),
            Expect::AtMost(f, n) => number(f).is_some_and(|v| v <= *n),
            Expect::TextContains(s) => texts().any(|t| t.contains(s.as_str())),
            Expect::Encoding(s) => out
                .facts
                .iter()
                .any(|(f, v)| *f == "encoding" && v.eq_ignore_ascii_case(s)),
        };
        if !met {
            let got = if out.summary.is_empty() {
                "no result"
            } else {
                &out.summary
            };
            missed.push(format!("expected {e:?}, got {got}"));
        }
    }
    missed
}
