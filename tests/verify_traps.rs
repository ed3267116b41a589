//! Issue 10's acceptance test: `verify` never passes what it should not. A post of traps
//! (`fixtures/traps/traps.md`, its plain-text copy `traps.txt` and that copy's windows-1252 twin
//! `traps-1252.txt`), each trap asserted by the problem codes it must give and nothing else:
//! self-attributed paragraphs, copied text ending "according to Reuters", an outlet lent to the
//! next paragraph, speakers named wrongly in every form, a link to the wrong story and one to a
//! syndicated copy, lead-ins that name their outlet with "says", "spoke to" or in an earlier
//! sentence; then a post whose year only its sources give, citations appended by `quotes cite`
//! one at a time, and a binary file.
//!
//! The sources are invented stories (`fixtures/traps/*.html`, written by
//! `fixtures/traps/make_traps.py`), served by the test server under `/made/` with one feed per
//! outlet, fetched with `fetch --all`. `fixtures/traps/README.md` has the table this follows.
//! The assertions are on codes, statuses, sources and fields, never on wording.

mod support;

use std::collections::BTreeSet;
use std::path::PathBuf;

use quotewire::config::Config;
use serde_json::Value;
use support::{fixture, Home, Server};

/// The stories of `fixtures/traps/`: page name and the outlet it is stored under.
const STORIES: &[(&str, &str)] = &[
    ("r1-strait-talks", "reuters"),
    ("r2-port-strike", "reuters"),
    ("r3-ferry-buoy", "reuters"),
    ("aj1-patrol-boats", "aljazeera"),
    ("g1-trawlers-idle", "gulfpost"),
    ("g2-ferry-copy", "gulfpost"),
    ("w1-harbour-pilot", "wirewire"),
];

/// The post's date (front matter of `traps.md`; `--date` for every form).
const DATE: &str = "2025-05-17";

/// Puts the pages and feeds of `fixtures/traps/` on the server, under `/made/NAME`.
fn serve(srv: &Server) {
    for entry in std::fs::read_dir(fixture("traps")).expect("fixtures/traps") {
        let path = entry.expect("entry").path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        let content_type = if name.ends_with(".html") {
            "text/html; charset=utf-8"
        } else if name.starts_with("feed-") && name.ends_with(".xml") {
            "application/rss+xml"
        } else {
            continue;
        };
        srv.put(&name, content_type, std::fs::read(&path).expect("read"));
    }
}

/// Reuters and Al Jazeera as the shipped feeds.toml names them, and two outlets of our own,
/// each fed from its trap feed.
fn config(srv: &Server) -> String {
    let shipped =
        Config::load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("feeds.toml"))
            .expect("the shipped feeds.toml loads");
    let list = |v: &[String]| {
        v.iter()
            .map(|s| format!("{s:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut out = String::new();
    for id in ["reuters", "aljazeera"] {
        let o = shipped.outlet(id).expect("outlet in feeds.toml");
        out += &format!(
            "[[outlet]]\nid = {:?}\nname = {:?}\naliases = [{}]\ndomains = [{}]\nfeeds = [{:?}]\n\n",
            o.id,
            o.name,
            list(&o.aliases),
            list(&o.domains),
            srv.url(&format!("/made/feed-{id}.xml")),
        );
    }
    for (id, name, domain) in [
        ("gulfpost", "Gulf Post", "gulfpost.example"),
        ("wirewire", "Wire Wire", "wirewire.example"),
    ] {
        out += &format!(
            "[[outlet]]\nid = {id:?}\nname = {name:?}\ndomains = [{domain:?}]\nfeeds = [{:?}]\n\n",
            srv.url(&format!("/made/feed-{id}.xml")),
        );
    }
    out
}

/// The server, a home whose store holds the seven trap stories, and the server's port.
fn setup() -> (Server, Home, String) {
    let srv = Server::start();
    serve(&srv);
    let home = Home::new();
    home.write_config(&config(&srv));
    let (code, report) = home.fetch_all();
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["stories_new"], STORIES.len(), "{report}");
    assert_eq!(report["articles_fetched"], STORIES.len(), "{report}");
    let port = srv.addr.port().to_string();
    (srv, home, port)
}

/// The page name a story's URL ends with (`r1-strait-talks`), or "-".
fn page(url: &Value) -> String {
    url.as_str()
        .and_then(|u| u.rsplit('/').next())
        .map(|f| f.trim_end_matches(".html").to_string())
        .unwrap_or_else(|| "-".into())
}

/// The stored stories by page name.
fn stories(home: &Home) -> Vec<(String, Value)> {
    home.stories(&["--since", "2025-01-01"])
        .into_iter()
        .map(|s| (page(&s["url"]), s))
        .collect()
}

/// A post fixture with `PORT` replaced by the server's port (bytes, so that the windows-1252
/// twin stays windows-1252), written beside the config under the same name.
fn post(home: &Home, port: &str, name: &str) -> PathBuf {
    post_as(home, port, name, name)
}

/// [`post`], written under the name `as_name`.
fn post_as(home: &Home, port: &str, name: &str, as_name: &str) -> PathBuf {
    let bytes = std::fs::read(fixture(&format!("traps/{name}"))).expect("post fixture");
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(b"PORT") {
            out.extend_from_slice(port.as_bytes());
            i += 4;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    let path = home.config_path().with_file_name(as_name);
    std::fs::write(&path, out).expect("write post");
    path
}

/// `verify POST --json EXTRA...`: (exit code, report, stderr).
fn verify(home: &Home, post: &std::path::Path, extra: &[&str]) -> (i32, Value, String) {
    let mut args = vec!["verify", post.to_str().unwrap(), "--json"];
    args.extend_from_slice(extra);
    let (code, out, err) = home.run_text(&args);
    let report: Value = serde_json::from_str(out.trim()).unwrap_or_else(|e| {
        panic!(
            "verify {} gave no JSON report ({e}), exit {code}\nstdout: {out}\nstderr: {err}",
            post.display()
        )
    });
    (code, report, err)
}

fn passages(report: &Value) -> &Vec<Value> {
    report["passages"].as_array().expect("passages")
}

fn codes(list: &Value) -> BTreeSet<String> {
    list.as_array()
        .map(|a| {
            a.iter()
                .map(|p| p["code"].as_str().unwrap_or("?").to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// The 1-based line of the one line of `text` that contains `needle`.
fn line_of(text: &str, needle: &str, file: &str) -> u64 {
    let lines: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains(needle))
        .map(|(i, _)| i + 1)
        .collect();
    assert_eq!(
        lines.len(),
        1,
        "{file}: {needle:?} must be on exactly one line: {lines:?}"
    );
    lines[0] as u64
}

/// One trap of the post and what `verify` must say about it.
struct Trap {
    /// Its label in `fixtures/traps/README.md`.
    name: &'static str,
    /// Text on the passage's first line, in every form (that line is the passage's `line`).
    at: &'static str,
    /// Text the passage holds.
    text: &'static str,
    /// `block`, `inline` or `unmarked`.
    marked: &'static str,
    /// The statuses allowed.
    status: &'static [&'static str],
    /// Exactly these problem codes...
    problems: &'static [&'static str],
    /// ...and exactly these warning codes...
    warnings: &'static [&'static str],
    /// ...but these codes may come as well, as problems or warnings.
    may: &'static [&'static str],
    /// The source pages the passage may be traced to; empty: none (not found).
    source: &'static [&'static str],
    /// The `attribution` required, when it matters.
    attribution: Option<&'static str>,
    /// For a wrong speaker: (the name the post gives, the stored quotation's speaker), each a
    /// part of `speaker.claimed` and `speaker.stored`.
    speaker: Option<(&'static str, &'static str)>,
    /// The page the passage's `link` must point at.
    link: Option<&'static str>,
    /// Where plain text must differ: a block quote with no lead-in is a plain paragraph there,
    /// so copied without marks (marked, problems).
    plain: Option<(&'static str, &'static [&'static str])>,
}

const NONE: &[&str] = &[];
const VERBATIM: &[&str] = &["verbatim"];

const TRAPS: &[Trap] = &[
    Trap {
        name: "clean: a quotation quoted exactly, with its outlet",
        at: "for three centuries,” Deputy Foreign Minister",
        text: "“Our boats have fished these waters since before Bréval had a harbour — for three centuries,” Deputy Foreign Minister Tomas Varga said in a statement.",
        marked: "block",
        status: VERBATIM,
        problems: NONE,
        warnings: NONE,
        may: NONE,
        source: &["r1-strait-talks"],
        attribution: Some("ok"),
        speaker: None,
        link: None,
        plain: None,
    },
    Trap {
        name: "clean: \"Okafor told Reuters:\", the surname of the stored speaker",
        at: "and not a day before,” Foreign Minister Lena Okafor said.",
        text: "We are ready to sign once the maps are agreed",
        marked: "block",
        status: VERBATIM,
        problems: NONE,
        warnings: NONE,
        may: NONE,
        source: &["r1-strait-talks"],
        attribution: Some("ok"),
        speaker: None,
        link: None,
        plain: None,
    },
    Trap {
        name: "wrong speaker: the cite-style lead \"According to [Reuters](url), Tomas Varga said:\"",
        at: "“The fishermen deserve certainty",
        text: "The fishermen deserve certainty about where they may cast their nets",
        marked: "block",
        status: VERBATIM,
        problems: &["wrong_speaker"],
        warnings: NONE,
        may: NONE,
        source: &["r1-strait-talks"],
        attribution: Some("ok"),
        speaker: Some(("Varga", "Okafor")),
        link: None,
        plain: None,
    },
    Trap {
        name: "wrong speaker: NAME said \"…\" inline",
        at: "Lena Okafor said \"Our boats",
        text: "Our boats have fished these waters since before Bréval had a harbour",
        marked: "inline",
        status: VERBATIM,
        problems: &["wrong_speaker"],
        warnings: NONE,
        may: NONE,
        source: &["r1-strait-talks"],
        attribution: Some("ok"),
        speaker: Some(("Okafor", "Varga")),
        link: None,
        plain: None,
    },
    Trap {
        name: "wrong speaker: a bare \"Lena Okafor said:\" lead, and no outlet",
        at: "“Nobody loads a ship",
        text: "Nobody loads a ship for a company that has not paid us since March",
        marked: "block",
        status: VERBATIM,
        problems: &["missing_attribution", "wrong_speaker"],
        warnings: NONE,
        may: NONE,
        source: &["r2-port-strike"],
        attribution: Some("missing"),
        speaker: Some(("Okafor", "Haddad")),
        link: None,
        plain: None,
    },
    Trap {
        name: "wrong link: story B of Reuters linked over a passage of story A",
        at: "The two governments last met in January",
        text: "The two governments last met in January",
        marked: "block",
        status: VERBATIM,
        problems: &["wrong_link"],
        warnings: NONE,
        may: NONE,
        source: &["r1-strait-talks"],
        attribution: Some("ok"),
        speaker: None,
        link: Some("r2-port-strike"),
        plain: None,
    },
    Trap {
        name: "copied without marks, ending \"according to Reuters.\"",
        at: "Talks on the fishing line will resume",
        text: "Talks on the fishing line will resume in Port Anselm on May 19",
        marked: "unmarked",
        status: &["verbatim", "minor"],
        problems: &["copied_unmarked"],
        warnings: NONE,
        may: &["minor"],
        source: &["r1-strait-talks"],
        attribution: Some("ok"),
        speaker: None,
        link: None,
        plain: None,
    },
    Trap {
        name: "self-attributed, invented quote: \"According to Reuters, a spokesman said \"…\"\"",
        at: "the coalition is totally unaware",
        text: "the coalition is totally unaware of any rocket attack",
        marked: "inline",
        status: &["not_found"],
        problems: &["not_found"],
        warnings: NONE,
        may: NONE,
        source: NONE,
        attribution: None,
        speaker: None,
        link: None,
        plain: None,
    },
    Trap {
        name: "self-attributed, invented quote: \"…, according to Reuters.\"",
        at: "a provocation that no sailor will accept",
        text: "a provocation that no sailor will accept",
        marked: "inline",
        status: &["not_found"],
        problems: &["not_found"],
        warnings: NONE,
        may: NONE,
        source: NONE,
        attribution: None,
        speaker: None,
        link: None,
        plain: None,
    },
    Trap {
        name: "self-attributed, invented quote: \"Reuters reported that … \"…\"\"",
        at: "full compensation for every boat",
        text: "full compensation for every boat held at Port Anselm",
        marked: "inline",
        status: &["not_found"],
        problems: &["not_found"],
        warnings: NONE,
        may: NONE,
        source: NONE,
        attribution: None,
        speaker: None,
        link: None,
        plain: None,
    },
    Trap {
        name: "no lead-in after a self-attributed paragraph: its outlet is not lent",
        at: "The boats, which had shadowed Velmoran trawlers",
        text: "sailed back to the naval base at Tessel on Tuesday morning",
        marked: "block",
        status: VERBATIM,
        problems: &["missing_attribution"],
        warnings: NONE,
        may: NONE,
        source: &["aj1-patrol-boats"],
        attribution: Some("missing"),
        speaker: None,
        link: None,
        plain: Some(("unmarked", &["copied_unmarked", "missing_attribution"])),
    },
    Trap {
        name: "attribution: \"…, [Gulf Post](url) says.\"",
        at: "“Nobody wants to lose a net",
        text: "Nobody wants to lose a net, or a boat",
        marked: "block",
        status: VERBATIM,
        problems: NONE,
        warnings: NONE,
        may: NONE,
        source: &["g1-trawlers-idle"],
        attribution: Some("ok"),
        speaker: None,
        link: None,
        plain: None,
    },
    Trap {
        name: "attribution: \"according to [Al Jazeera](url)\" in an earlier sentence of the lead",
        at: "“Our sailors have done their duty",
        text: "Our sailors have done their duty, and now the diplomats must do theirs",
        marked: "block",
        status: VERBATIM,
        problems: NONE,
        warnings: NONE,
        may: NONE,
        source: &["aj1-patrol-boats"],
        attribution: Some("ok"),
        speaker: None,
        link: None,
        plain: None,
    },
    Trap {
        name: "link to a syndicated copy: [Reuters](Gulf Post's copy of the Reuters story)",
        at: "Kestria’s transport ministry said the buoys",
        text: "Kestria’s transport ministry said the buoys were a danger to shipping",
        marked: "block",
        status: VERBATIM,
        problems: NONE,
        warnings: NONE,
        may: &["outlet_choice"],
        source: &["r3-ferry-buoy", "g2-ferry-copy"],
        attribution: Some("ok"),
        speaker: None,
        link: Some("g2-ferry-copy"),
        plain: None,
    },
    Trap {
        name: "attribution: \"Mara Lind spoke to [Wire Wire](url) by phone.\"",
        at: "“Two of the buoys moved in the night",
        text: "Two of the buoys moved in the night",
        marked: "block",
        status: VERBATIM,
        problems: NONE,
        warnings: NONE,
        may: NONE,
        source: &["w1-harbour-pilot"],
        attribution: Some("ok"),
        speaker: None,
        link: None,
        plain: None,
    },
];

/// The stored stories as `stories --json` gives them, by page name: the wrong link's message
/// must name two of them.
type Known = Vec<(String, Value)>;

/// Checks `report` of the post `file` (its text, to find the lines) against `TRAPS`; returns
/// what is wrong, one line each.
fn check_traps(
    report: &Value,
    post_text: &str,
    file: &str,
    plain: bool,
    known: &Known,
) -> Vec<String> {
    let all = passages(report);
    let mut wrong = Vec::new();
    let mut claimed = vec![false; all.len()];
    for trap in TRAPS {
        let line = line_of(post_text, trap.at, file);
        let (marked, problems) = match (plain, trap.plain) {
            (true, Some((m, p))) => (m, p),
            _ => (trap.marked, trap.problems),
        };
        let found = all.iter().enumerate().find(|(_, p)| {
            p["line"] == line
                && p["marked"] == marked
                && p["text"].as_str().is_some_and(|t| t.contains(trap.text))
        });
        let Some((i, p)) = found else {
            let there: Vec<String> = all
                .iter()
                .filter(|p| p["line"] == line)
                .map(|p| format!("{} {:?} {}", p["marked"], codes(&p["problems"]), p["text"]))
                .collect();
            wrong.push(format!(
                "{file}:{line} {}: no {marked} passage holding {:?} (passages on that line: {there:?})",
                trap.name, trap.text
            ));
            continue;
        };
        claimed[i] = true;
        let mut bad = Vec::new();
        let status = p["status"].as_str().unwrap_or("?");
        if !trap.status.contains(&status) {
            bad.push(format!("status {status}, want one of {:?}", trap.status));
        }
        let may: BTreeSet<String> = trap.may.iter().map(|s| s.to_string()).collect();
        for (what, got, want) in [
            ("problems", codes(&p["problems"]), problems),
            ("warnings", codes(&p["warnings"]), trap.warnings),
        ] {
            let want: BTreeSet<String> = want.iter().map(|s| s.to_string()).collect();
            let missing: Vec<&String> = want.difference(&got).collect();
            let extra: Vec<&String> = got
                .difference(&want)
                .filter(|c| !may.contains(*c))
                .collect();
            if !missing.is_empty() || !extra.is_empty() {
                bad.push(format!(
                    "{what} {got:?}, want {want:?} (missing {missing:?}, not wanted {extra:?})"
                ));
            }
        }
        let source = page(&p["source"]["url"]);
        if trap.source.is_empty() {
            if !p["source"].is_null() {
                bad.push(format!("source {source}, want none"));
            }
        } else if !trap.source.contains(&source.as_str()) {
            bad.push(format!("source {source}, want one of {:?}", trap.source));
        }
        if let Some(a) = trap.attribution {
            if p["attribution"] != a {
                bad.push(format!("attribution {}, want {a}", p["attribution"]));
            }
        }
        if let Some((claimed_name, stored)) = trap.speaker {
            let s = &p["speaker"];
            let has = |k: &str, v: &str| s[k].as_str().is_some_and(|x| x.contains(v));
            if !has("claimed", claimed_name) || !has("stored", stored) {
                bad.push(format!(
                    "speaker {s}, want claimed ~{claimed_name:?}, stored ~{stored:?}"
                ));
            }
        }
        if let Some(link) = trap.link {
            if page(&p["link"]) != link {
                bad.push(format!("link {}, want the page {link}", p["link"]));
            }
        }
        if problems.contains(&"wrong_link") {
            // The problem names both stories: the one linked and the one the passage is from.
            let message = p["problems"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|q| q["code"] == "wrong_link")
                .and_then(|q| q["message"].as_str())
                .unwrap_or("");
            for name in [trap.link.unwrap_or(""), trap.source[0]] {
                let names = known.iter().find(|(n, _)| n == name).is_some_and(|(_, s)| {
                    ["id", "url", "title"]
                        .iter()
                        .any(|k| s[*k].as_str().is_some_and(|v| message.contains(v)))
                });
                if !names {
                    bad.push(format!(
                        "the wrong_link problem does not name {name}: {message:?}"
                    ));
                }
            }
        }
        if !bad.is_empty() {
            wrong.push(format!("{file}:{line} {}: {}", trap.name, bad.join("; ")));
        }
    }
    // Everything else is the author's own words, lead-ins included: no finding at all.
    for (p, _) in all.iter().zip(&claimed).filter(|(_, c)| !**c) {
        let (problems, warnings) = (codes(&p["problems"]), codes(&p["warnings"]));
        if !problems.is_empty() || !warnings.is_empty() {
            wrong.push(format!(
                "{file}:{} not a trap, but {problems:?} {warnings:?}: {} {}",
                p["line"], p["marked"], p["text"]
            ));
        }
    }
    wrong
}

/// Verifies one form of the trap post and checks every trap.
fn traps_in(name: &str, plain: bool) {
    let (_srv, home, port) = setup();
    let known = stories(&home);
    let path = post(&home, &port, name);
    let text = if name.ends_with("1252.txt") {
        // The twin's lines are the text's.
        std::fs::read_to_string(fixture("traps/traps.txt")).unwrap()
    } else {
        std::fs::read_to_string(&path).unwrap()
    };
    let (code, report, err) = verify(&home, &path, &["--date", DATE]);
    let mut wrong = check_traps(&report, &text, name, plain, &known);
    if code != 1 {
        wrong.push(format!(
            "exit {code}, want 1 (the post has problems): {err}"
        ));
    }
    assert!(
        wrong.is_empty(),
        "{name}: {} findings wrong ({} traps in the table):\n{}",
        wrong.len(),
        TRAPS.len(),
        wrong.join("\n")
    );
}

#[test]
fn the_trap_sources_are_stored_as_the_traps_need() {
    let (_srv, home, _) = setup();
    let stored = stories(&home);
    let by_name = |n: &str| {
        stored
            .iter()
            .find(|(name, _)| name == n)
            .map(|(_, s)| s.clone())
            .unwrap_or_else(|| panic!("no story {n}: {stored:?}"))
    };
    for &(name, outlet) in STORIES {
        let s = by_name(name);
        assert_eq!(s["outlet"], outlet, "{name}: {s}");
        assert_eq!(s["text_source"], "article", "{name}: {s}");
        assert!(
            s["published"].as_str().unwrap().starts_with("2025-05-1"),
            "{name}: {s}"
        );
    }
    // Two Reuters stories on one day, for the wrong link.
    let (r1, r2) = (by_name("r1-strait-talks"), by_name("r2-port-strike"));
    assert_eq!(
        r1["published"].as_str().unwrap()[..10],
        r2["published"].as_str().unwrap()[..10]
    );
    // The Gulf Post's page is a syndicated copy of the Reuters story, and credits Reuters.
    let (r3, g2) = (by_name("r3-ferry-buoy"), by_name("g2-ferry-copy"));
    assert_eq!(g2["copy_of"], r3["id"], "{g2}");
    assert_eq!(g2["wire_source"], "Reuters", "{g2}");

    // The speakers the wrong-speaker traps rely on, as the extractor stores them.
    let quotes = support::json_lines(&home.run(&["quotes", "--since", "all", "--json"]));
    let speaker = |start: &str| {
        quotes
            .iter()
            .find(|q| q["text"].as_str().unwrap().starts_with(start))
            .unwrap_or_else(|| panic!("no stored quotation {start:?}"))["speaker"]
            .clone()
    };
    assert_eq!(speaker("The fishermen deserve certainty"), "Lena Okafor");
    assert_eq!(speaker("Our boats have fished these waters"), "Tomas Varga");
    assert_eq!(speaker("We are ready to sign"), "Lena Okafor");
    assert_eq!(speaker("Nobody loads a ship"), "Noor Haddad");
    assert_eq!(speaker("Nobody wants to lose a net"), "Hélène Marchetti");
    assert_eq!(speaker("Two of the buoys moved"), "Mara Lind");
}

#[test]
fn every_trap_is_caught_in_markdown() {
    traps_in("traps.md", false);
}

#[test]
fn every_trap_is_caught_in_plain_text() {
    traps_in("traps.txt", true);
}

#[test]
fn every_trap_is_caught_in_windows_1252() {
    traps_in("traps-1252.txt", true);
}

/// What a report says of each passage, wording aside.
fn findings(report: &Value) -> Vec<String> {
    passages(report)
        .iter()
        .map(|p| {
            format!(
                "{} {} {} {} {} {:?} {:?} {}",
                p["line"],
                p["marked"],
                p["status"],
                page(&p["source"]["url"]),
                p["attribution"],
                codes(&p["problems"]),
                codes(&p["warnings"]),
                p["text"]
            )
        })
        .collect()
}

#[test]
fn the_windows_1252_twin_reads_as_the_text_and_says_so() {
    let (_srv, home, port) = setup();
    let (_, text, _) = verify(&home, &post(&home, &port, "traps.txt"), &["--date", DATE]);
    // Under a name that does not say "1252", for the check below.
    let twin = post_as(&home, &port, "traps-1252.txt", "twin.txt");
    let raw = std::fs::read(&twin).unwrap();
    assert!(
        std::str::from_utf8(&raw).is_err(),
        "the twin is windows-1252 bytes"
    );
    let (_, report, err) = verify(&home, &twin, &["--date", DATE]);
    let (a, b) = (findings(&text), findings(&report));
    let mut wrong: Vec<String> = a
        .iter()
        .zip(&b)
        .filter(|(x, y)| x != y)
        .map(|(x, y)| format!("text: {x}\n1252: {y}"))
        .collect();
    if a.len() != b.len() {
        wrong.push(format!(
            "{} passages as text, {} as windows-1252",
            a.len(),
            b.len()
        ));
    }
    // It says the post is not UTF-8: somewhere in the report (JSON, or the human report).
    let mut top = report.clone();
    top.as_object_mut().unwrap().remove("passages");
    let (_, out, human_err) = home.run_text(&["verify", twin.to_str().unwrap(), "--date", DATE]);
    let said = [top.to_string(), err, out, human_err]
        .iter()
        .any(|s| s.contains("1252"));
    if !said {
        wrong.push(format!(
            "the report does not say the post is windows-1252: {top}"
        ));
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// (text on the passage's line, the day it is filed under, problems, warnings).
const NO_YEAR: &[(&str, &str, &[&str], &[&str])] = &[
    (
        "Dock workers at Port Anselm walked off",
        "2025-05-12",
        NONE,
        NONE,
    ),
    ("The harbour’s fish market", "2025-05-13", NONE, NONE),
    // Published on the 15th: after its day, wherever the reader is.
    (
        "Lind said the pilots’ association",
        "2025-05-13",
        &["date_after_day"],
        NONE,
    ),
    // Published on the 12th: three days before its day, not a year and three days.
    (
        "Kestrian officials say the line",
        "2025-05-15",
        NONE,
        &["date_gap"],
    ),
];

#[test]
fn a_post_with_no_year_takes_it_from_its_sources() {
    let (_srv, home, port) = setup();
    let mut wrong = Vec::new();
    // Markdown whose title gives no range; plain text whose title gives one without a year.
    for name in ["noyear.md", "noyear-range.txt"] {
        let path = post(&home, &port, name);
        let text = std::fs::read_to_string(&path).unwrap();
        let (code, report, err) = verify(&home, &path, &[]);
        if report["year_from"] != "sources" {
            wrong.push(format!(
                "{name}: year_from {}, want \"sources\" (year_guessed {})",
                report["year_from"], report["year_guessed"]
            ));
        }
        let all = passages(&report);
        let mut claimed = vec![false; all.len()];
        for &(at, day, problems, warnings) in NO_YEAR {
            let line = line_of(&text, at, name);
            let Some((i, p)) = all
                .iter()
                .enumerate()
                .find(|(_, p)| p["line"] == line && p["marked"] == "block")
            else {
                wrong.push(format!("{name}:{line}: no block passage"));
                continue;
            };
            claimed[i] = true;
            let want = |c: &[&str]| c.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
            let got = (
                p["day"].as_str().unwrap_or("-").to_string(),
                p["status"].as_str().unwrap_or("?").to_string(),
                codes(&p["problems"]),
                codes(&p["warnings"]),
            );
            let expected = (
                day.to_string(),
                "verbatim".to_string(),
                want(problems),
                want(warnings),
            );
            if got != expected {
                wrong.push(format!(
                    "{name}:{line}: (day, status, problems, warnings) {got:?}, want {expected:?}; date {}",
                    p["date"]
                ));
            }
        }
        for (p, _) in all.iter().zip(&claimed).filter(|(_, c)| !**c) {
            if !codes(&p["problems"]).is_empty() || !codes(&p["warnings"]).is_empty() {
                wrong.push(format!("{name}:{}: unexpected findings: {p}", p["line"]));
            }
        }
        if code != 1 {
            wrong.push(format!(
                "{name}: exit {code}, want 1 (one passage is dated after its day): {err}"
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn citations_appended_one_at_a_time_verify_clean() {
    let (_srv, home, _) = setup();
    let quotes = support::json_lines(&home.run(&["quotes", "--since", "all", "--json"]));
    let id = |start: &str| {
        quotes
            .iter()
            .find(|q| q["text"].as_str().unwrap().starts_with(start))
            .unwrap_or_else(|| panic!("no stored quotation {start:?}"))["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    // "she told reporters": the lead line names her. "said Hélène Marchetti": it need not.
    let ids = [
        id("The fishermen deserve certainty"),
        id("Nobody wants to lose a net"),
    ];
    let mut wrong = Vec::new();
    for (name, format) in [("cited.md", "markdown"), ("cited.txt", "text")] {
        let path = home.config_path().with_file_name(name);
        let head = if format == "text" {
            "Cited this week\n\n"
        } else {
            "# Cited this week\n\n"
        };
        std::fs::write(
            &path,
            format!("{head}Two quotations the desk kept this week, cited by quotewire itself.\n\n"),
        )
        .unwrap();
        let mut cites = Vec::new();
        for id in &ids {
            // `quotewire quotes cite ID >> post`
            let (code, out, err) = home.run_text(&["quotes", "cite", id, "--format", format]);
            assert_eq!(code, 0, "quotes cite {id}: {err}");
            let mut f = std::fs::OpenOptions::new()
                .append(true)
                .open(&path)
                .unwrap();
            std::io::Write::write_all(&mut f, out.as_bytes()).unwrap();
            cites.push(out);
        }
        let first_line = |s: &str| s.lines().next().unwrap_or("").to_string();
        if !first_line(&cites[0]).contains("Lena Okafor") {
            wrong.push(format!(
                "{name}: the lead line does not name the speaker: {:?}",
                cites[0]
            ));
        }
        if first_line(&cites[1]).contains("Marchetti") {
            wrong.push(format!(
                "{name}: the passage names the speaker, the lead line need not: {:?}",
                cites[1]
            ));
        }
        for c in &cites {
            if c.contains("127.0.0.1") {
                wrong.push(format!("{name}: the citation links the feed's URL, not the page's canonical URL: {c:?}"));
            }
        }
        let (code, report, err) = verify(&home, &path, &[]);
        let all = passages(&report);
        let blocks: Vec<&Value> = all.iter().filter(|p| p["marked"] == "block").collect();
        if blocks.len() != 2 {
            wrong.push(format!(
                "{name}: {} block passages, want 2: {report}",
                blocks.len()
            ));
        }
        for p in all {
            let bad = !codes(&p["problems"]).is_empty()
                || !codes(&p["warnings"]).is_empty()
                || (p["marked"] == "block"
                    && (p["status"] != "verbatim" || p["attribution"] != "ok"));
            if bad {
                wrong.push(format!(
                    "{name}:{} {} {} {} {:?} {:?}: {}",
                    p["line"],
                    p["marked"],
                    p["status"],
                    p["attribution"],
                    codes(&p["problems"]),
                    codes(&p["warnings"]),
                    p["text"]
                ));
            }
        }
        if code != 0 {
            wrong.push(format!("{name}: exit {code}, want 0: {err}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn a_binary_file_is_refused() {
    let (_srv, home, port) = setup();
    // The store and the config are fine: a text post verifies (exit 0 or 1, not 2).
    let (code, _, err) = verify(&home, &post(&home, &port, "traps.md"), &[]);
    assert!(matches!(code, 0 | 1), "exit {code}: {err}");

    // A PNG image, and bytes with no NUL among them but a control character in every few.
    let png: Vec<u8> = [
        &b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89"[..],
        &b"\0\0\0\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\0\x05\0\x01\xff\x89\x99=\x1d"[..],
        &b"\0\0\0\0IEND\xaeB`\x82"[..],
    ]
    .concat();
    let mut state: u32 = 0x2545_f491;
    let garbage: Vec<u8> = (0..4096)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            (state % 255) as u8 + 1
        })
        .collect();
    assert!(!garbage.contains(&0));
    let mut wrong = Vec::new();
    for (name, bytes) in [
        ("photo.png", png),
        ("garbage.txt", garbage.clone()),
        ("garbage.md", garbage),
    ] {
        let path = home.config_path().with_file_name(name);
        std::fs::write(&path, bytes).unwrap();
        for json in [true, false] {
            let mut args = vec!["verify", path.to_str().unwrap()];
            if json {
                args.push("--json");
            }
            let (code, out, err) = home.run_text(&args);
            if code != 2 || err.contains("panicked") {
                wrong.push(format!(
                    "{name} (json {json}): exit {code}, want 2 (not a text post)\n  stdout: {}\n  stderr: {err}",
                    out.chars().take(300).collect::<String>()
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
