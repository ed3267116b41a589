//! `verify` end to end: the test server serves the article fixtures through one feed per outlet
//! (`fixtures/feeds/src-*.xml`), `fetch` stores them, and `verify` checks the sample post, as
//! plain text and as Markdown, passage by passage: wording, attribution and dates, including
//! the dangling "according to" lines, the typos and the month mix-up
//! (`fixtures/posts/README.md` has the table this follows).

mod support;

use std::collections::HashMap;

use serde_json::Value;
use support::{fixture, sample_outlets, Home, Server};

fn setup() -> (Server, Home) {
    let srv = Server::start();
    let home = Home::new();
    home.write_config(&sample_outlets(&srv));
    let (code, report) = home.fetch_all();
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["stories_new"], 18, "{report}");
    assert_eq!(report["articles_fetched"], 18, "{report}");
    (srv, home)
}

fn verify(home: &Home, post: &std::path::Path, extra: &[&str]) -> (i32, Value) {
    let post = post.to_str().unwrap();
    let mut args = vec!["verify", post, "--json"];
    args.extend_from_slice(extra);
    let (code, out, err) = home.run_text(&args);
    let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}"));
    (code, v)
}

/// Block passages by their line.
fn blocks(report: &Value) -> HashMap<u64, &Value> {
    report["passages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["marked"] == "block")
        .map(|p| (p["line"].as_u64().unwrap(), p))
        .collect()
}

/// (status, attribution, date level or "ok", source fixture or "-") of a passage.
fn row(p: &Value) -> (String, String, String, String) {
    let s = |v: &Value| v.as_str().unwrap_or("-").to_string();
    let source = p["source"]["url"]
        .as_str()
        .and_then(|u| u.rsplit('/').next())
        .map(|f| f.trim_end_matches(".html").to_string())
        .unwrap_or_else(|| "-".into());
    let date = p["date"]["level"].as_str().unwrap_or("ok").to_string();
    (s(&p["status"]), s(&p["attribution"]), date, source)
}

/// The expected findings: (txt line, md line, status, attribution, date, source fixture).
const EXPECTED: &[(u64, u64, &str, &str, &str, &str)] = &[
    (33, 29, "verbatim", "ok", "warning", "a01-reuters-jsonld"),
    (37, 33, "verbatim", "ok", "warning", "a02-aljazeera-og-only"),
    (
        41,
        37,
        "verbatim",
        "dangling",
        "warning",
        "a03-antiwar-nometa",
    ),
    // "second larger producer" for "largest": a word changed. a04 is the original, a05 the
    // Daily Star's copy, the outlet named.
    (48, 45, "altered", "ok", "warning", "a04-reuters-oilfield"),
    (54, 51, "not_found", "dangling", "ok", "-"),
    (58, 55, "verbatim", "ok", "warning", "a06-ap-amp"),
    (62, 59, "not_found", "dangling", "ok", "-"),
    // "Abul Mahdi" and "December 3." for "December 30.".
    (68, 65, "altered", "ok", "warning", "a07-defensepost-embed"),
    // "called upon do so": a word dropped.
    (72, 69, "altered", "ok", "warning", "a08-reuters-sistani"),
    (76, 73, "not_found", "unchecked", "ok", "-"),
    (81, 79, "verbatim", "ok", "warning", "b01-xinhua-jsonld"),
    // A sentence printed twice, and "colours" for "colors".
    (88, 87, "altered", "ok", "warning", "b02-mee-liveblog"),
    (97, 101, "verbatim", "ok", "warning", "a08-reuters-sistani"),
    (103, 109, "not_found", "unchecked", "ok", "-"),
    (108, 115, "not_found", "unchecked", "ok", "-"),
    (114, 121, "not_found", "dangling", "ok", "-"),
    (120, 127, "verbatim", "ok", "ok", "b04-newarab-og"),
    (
        126,
        135,
        "verbatim",
        "dangling",
        "ok",
        "b03-militarytimes-paywall",
    ),
    (132, 143, "verbatim", "ok", "ok", "b05-reuters-embassy"),
    (142, 155, "verbatim", "ok", "ok", "a09-msn-copy-ap"),
    (146, 159, "not_found", "dangling", "ok", "-"),
    (152, 165, "verbatim", "ok", "ok", "b07-reuters-consulate"),
    (156, 169, "not_found", "dangling", "ok", "-"),
    (161, 175, "not_found", "dangling", "ok", "-"),
    // France 24's page carries AFP copy: the post naming AFP is right.
    (167, 181, "verbatim", "ok", "ok", "b08-afp-france24"),
    // Published 11:20 UTC on 3 January, still 2 January in the Americas: no finding.
    (175, 189, "verbatim", "ok", "ok", "b09-reuters-khamenei"),
    (188, 203, "not_found", "dangling", "ok", "-"),
];

fn check(report: &Value, md: bool) {
    let blocks = blocks(report);
    let mut wrong = Vec::new();
    for &(txt, mdl, status, attribution, date, source) in EXPECTED {
        let line = if md { mdl } else { txt };
        let Some(p) = blocks.get(&line) else {
            wrong.push(format!("line {line}: no block passage"));
            continue;
        };
        let got = row(p);
        let want = (
            status.to_string(),
            attribution.to_string(),
            date.to_string(),
            source.to_string(),
        );
        // The Daily Star item: the original or the copy may be named as the source.
        let same_source =
            got.3 == want.3 || (want.3 == "a04-reuters-oilfield" && got.3 == "a05-dailystar-copy");
        if (got.0.as_str(), got.1.as_str(), got.2.as_str()) != (status, attribution, date)
            || !same_source
        {
            wrong.push(format!("line {line}: got {got:?}, want {want:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_sample_post_as_plain_text() {
    let (_srv, home) = setup();
    let post = fixture("posts/sample.txt");
    let (code, report) = verify(&home, &post, &["--date", "2020-01-03"]);
    assert_eq!(code, 1, "the sample has problems");
    assert_eq!(report["year_guessed"], false);
    check(&report, false);
    let blocks = blocks(&report);

    // The differences, word by word.
    let diffs = |line: u64| -> Vec<(String, String, String)> {
        blocks[&line]["differences"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                let s = |v: &Value| v.as_str().unwrap_or("").to_string();
                (s(&d["kind"]), s(&d["post"]), s(&d["source"]))
            })
            .collect()
    };
    let d68 = diffs(68);
    assert!(
        d68.contains(&("typo".into(), "Abul".into(), "Abu".into())),
        "{d68:?}"
    );
    assert!(
        d68.contains(&("changed".into(), "3".into(), "30".into())),
        "{d68:?}"
    );
    let d72 = diffs(72);
    assert!(
        d72.contains(&("dropped".into(), String::new(), "to".into())),
        "{d72:?}"
    );
    let d48 = diffs(48);
    assert!(
        d48.contains(&("changed".into(), "larger".into(), "largest".into())),
        "{d48:?}"
    );
    let d88 = diffs(88);
    assert!(d88.iter().any(|d| d.0 == "reordered"), "{d88:?}");
    assert!(
        d88.contains(&("typo".into(), "colours".into(), "colors".into())),
        "{d88:?}"
    );

    // The month mix-up names both dates.
    let msg = blocks[&33]["date"]["message"].as_str().unwrap();
    assert!(
        msg.contains("2020-01-27") && msg.contains("2019-12-27"),
        "{msg}"
    );

    // Syndication: the oilfield passage lists both stories, original first.
    let copies = blocks[&48]["copies"].as_array().unwrap();
    assert_eq!(copies.len(), 2);
    assert_eq!(copies[0]["outlet"], "reuters");
    assert_eq!(copies[1]["outlet"], "dailystar");

    // The Pompeo paragraph is copied without marks and names no outlet.
    let unmarked = report["passages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| {
            p["marked"] == "unmarked"
                && p["text"]
                    .as_str()
                    .unwrap()
                    .starts_with("U.S. Secretary of State Mike Pompeo")
        })
        .expect("the Pompeo paragraph");
    assert_eq!(unmarked["status"], "verbatim");
    assert_eq!(unmarked["attribution"], "missing");
    assert!(!unmarked["problems"].as_array().unwrap().is_empty());

    // The author's own sentences are found nowhere and are no problem.
    let own = report["passages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["marked"] == "unmarked" && p["status"] == "not_found")
        .count();
    assert!(own > 0);
    assert!(report["passages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["marked"] == "unmarked" && p["status"] == "not_found")
        .all(|p| p["problems"].as_array().unwrap().is_empty()));

    // The human report: by day, with the problems.
    let (code, out, _) = home.run_text(&["verify", post.to_str().unwrap(), "--date", "2020-01-03"]);
    assert_eq!(code, 1);
    assert!(out.contains("January 27th (2020-01-27)"), "{out}");
    assert!(out.contains("\"Abul\" for \"Abu\""), "{out}");
    assert!(out.contains("\"according to\" names no outlet"), "{out}");

    // --record: the story and its quotation list the post and the line that uses them.
    let (code, recorded) = verify(&home, &post, &["--date", "2020-01-03", "--record"]);
    assert_eq!(code, 1);
    let p33 = self::blocks(&recorded)[&33].clone();
    let story = p33["source"]["story_id"].as_str().unwrap();
    let quote = p33["quotes"][0]
        .as_str()
        .expect("the passage covers a stored quotation");
    let shown = support::json_lines(&home.run(&["stories", "show", story, "--json"]));
    let used = shown[0]["used_in"].as_array().unwrap();
    assert!(
        used.iter().any(|u| u["line"] == 33
            && u["status"] == "verbatim"
            && u["post"].as_str().unwrap().ends_with("sample.txt")),
        "{used:?}"
    );
    let q = support::json_lines(&home.run(&["quotes", "show", quote, "--json"]));
    assert!(q[0]["used_in"]
        .as_array()
        .unwrap()
        .iter()
        .any(|u| u["line"] == 33));

    // Recording a new version of the post replaces the old links.
    let copy = home.config_path().with_file_name("sample.txt");
    let text = std::fs::read_to_string(&post).unwrap();
    std::fs::write(&copy, &text).unwrap();
    verify(&home, &copy, &["--date", "2020-01-03", "--record"]);
    let count = |id: &str| {
        support::json_lines(&home.run(&["stories", "show", id, "--json"]))[0]["used_in"]
            .as_array()
            .unwrap()
            .len()
    };
    let before = count(story);
    let cut: String = text
        .lines()
        .map(|l| {
            if l.starts_with("One official said the United States") {
                "Nothing from the wires here, only the author's own words today."
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&copy, cut).unwrap();
    verify(&home, &copy, &["--date", "2020-01-03", "--record"]);
    assert_eq!(
        count(story),
        before - 1,
        "the edited post no longer uses the story"
    );
}

#[test]
fn the_sample_post_as_markdown() {
    let (srv, home) = setup();
    let port = srv
        .url("/")
        .split(':')
        .nth(2)
        .unwrap()
        .trim_end_matches('/')
        .to_string();
    let md = std::fs::read_to_string(fixture("posts/sample.md"))
        .unwrap()
        .replace("PORT", &port);
    let post = home.config_path().with_file_name("post.md");
    std::fs::write(&post, md).unwrap();
    let (code, report) = verify(&home, &post, &[]);
    assert_eq!(code, 1);
    assert_eq!(report["date"], "2020-01-03", "the front matter's date");
    check(&report, true);
}

#[test]
fn a_post_that_quotes_its_sources_exactly_verifies() {
    let (_srv, home) = setup();
    let post = home.config_path().with_file_name("clean.md");
    std::fs::write(
        &post,
        "---\ndate: 2019-12-31\n---\n# A clean week\n\n## December 27th\n\nAccording to Reuters:\n\n> One official said the United States was looking into the possible involvement of Kataib Hezbollah, an Iranian-backed Shi’ite Muslim militia group.\n\nWe will see what comes of it.\n",
    )
    .unwrap();
    let (code, report) = verify(&home, &post, &[]);
    let blocks = blocks(&report);
    assert_eq!(blocks.len(), 1, "{report}");
    let p = blocks.values().next().unwrap();
    assert_eq!(p["status"], "verbatim", "{p}");
    assert_eq!(p["attribution"], "ok", "{p}");
    assert_eq!(code, 0, "{report}");
}

#[test]
fn fetch_brings_in_the_linked_articles_and_refuses_private_addresses() {
    let srv = Server::start();
    let home = Home::new();
    home.write_config(&sample_outlets(&srv));
    let port = srv
        .url("/")
        .split(':')
        .nth(2)
        .unwrap()
        .trim_end_matches('/')
        .to_string();
    let md = std::fs::read_to_string(fixture("posts/sample.md"))
        .unwrap()
        .replace("PORT", &port)
        + "\n## January 2nd\n\nAccording to [a stranger](http://127.0.0.2:9/inside):\n\n> A page on an address nobody configured must never be fetched.\n";
    let post = home.config_path().with_file_name("post.md");
    std::fs::write(&post, md).unwrap();

    // No database yet: plain verify refuses (it never creates one) and says what to do.
    let (code, _, err) = home.run_text(&["verify", post.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no quotewire database"), "{err}");
    assert!(!home.db_path().exists());

    // An empty store: the linked passages are not found.
    home.write_config(&support::outlet("none", &["none.example"], &[]));
    assert_eq!(home.run_text(&["fetch"]).0, 0);
    home.write_config(&sample_outlets(&srv));
    let (_, before) = verify(&home, &post, &[]);
    assert_eq!(blocks(&before)[&29]["status"], "not_found");

    let (code, after) = verify(&home, &post, &["--fetch"]);
    assert_eq!(code, 1);
    let fetched = &after["fetched"];
    assert_eq!(
        fetched["fetched"].as_array().unwrap().len(),
        14,
        "{fetched}"
    );
    let failed = fetched["failed"].as_array().unwrap();
    assert_eq!(failed.len(), 1, "{fetched}");
    assert!(
        failed[0][1].as_str().unwrap().contains("refused"),
        "{fetched}"
    );
    let b = blocks(&after);
    // A linked page, stored under the outlet of its canonical URL.
    assert_eq!(
        row(b[&29]),
        (
            "verbatim".into(),
            "ok".into(),
            "warning".into(),
            "a01-reuters-jsonld".into()
        )
    );
    assert_eq!(b[&29]["source"]["outlet"], "reuters");
    // A dangling lead-in has no link to fetch.
    assert_eq!(b[&37]["status"], "not_found");
    assert_eq!(b[&37]["attribution"], "dangling");

    // A second run finds them stored and fetches nothing.
    let (_, again) = verify(&home, &post, &["--fetch"]);
    assert_eq!(again["fetched"]["known"], 14, "{}", again["fetched"]);
    assert!(again["fetched"]["fetched"].as_array().unwrap().is_empty());
}

#[test]
fn an_html_post_with_a_wrong_outlet_an_omission_and_a_copied_sentence() {
    let (_srv, home) = setup();
    let post = home.config_path().with_file_name("post.html");
    std::fs::write(
        &post,
        r#"<!doctype html><html><head><title>Week in Iraq</title>
<meta property="article:published_time" content="2020-01-03T08:00:00Z"></head><body>
<h1>Week in Iraq</h1>
<h2>December 27th</h2>
<p>According to Al Jazeera:</p>
<blockquote><p>One official said [the US] was looking into the possible involvement of Kataib Hezbollah &#8230; militia group.</p></blockquote>
<p>We think the week went badly. Iraqi police later found a launcher with unused rockets mounted on a pickup truck abandoned in a field about 10 km (6 miles) west of the base, a police officer in Kirkuk said.</p>
</body></html>"#,
    )
    .unwrap();
    let (code, report) = verify(&home, &post, &[]);
    assert_eq!(code, 1, "{report}");
    assert_eq!(report["date"], "2020-01-03");
    let passages = report["passages"].as_array().unwrap();
    let quote = passages
        .iter()
        .find(|p| p["marked"] == "block")
        .expect("the block quote");
    assert_eq!(
        quote["status"], "verbatim",
        "the bracket and the ellipsis are allowed: {quote}"
    );
    assert_eq!(quote["attribution"], "wrong_outlet", "{quote}");
    assert_eq!(quote["source"]["outlet"], "reuters");
    let copied = passages
        .iter()
        .find(|p| p["marked"] == "unmarked" && p["text"].as_str().unwrap().starts_with("We think"))
        .expect("the paragraph");
    assert_eq!(
        copied["status"], "verbatim",
        "its second sentence is copied: {copied}"
    );
    assert!(copied["problems"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["code"] == "copied_unmarked"));
}

#[test]
fn odd_posts_never_panic() {
    let (_srv, home) = setup();
    let source = std::fs::read_to_string(fixture("articles/a01-reuters-jsonld.gold.txt")).unwrap();
    let huge_paragraph = source.replace('\n', " ").repeat(60);
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty.md", Vec::new()),
        ("nul.txt", b"a\0b".to_vec()),
        ("huge.txt", huge_paragraph.clone().into_bytes()),
        (
            "huge-quote.md",
            format!("> {huge_paragraph}\n").into_bytes(),
        ),
        (
            "crlf.md",
            "## December 27th\r\n\r\nAccording to\r\n\r\n> \"unclosed [ ... … [the\r\n".into(),
        ),
        (
            "latin1.txt",
            vec![0xe9, 0x20, 0x93, 0x94, 0x85, b'.', b'\n'],
        ),
        ("brackets.md", "> [[[[...]]]] ... … [\n\n> ...\n".into()),
    ];
    for (name, bytes) in cases {
        let path = home.config_path().with_file_name(name);
        std::fs::write(&path, bytes).unwrap();
        let (code, _, err) =
            home.run_text(&["verify", path.to_str().unwrap(), "--date", "2020-01-03"]);
        assert!(matches!(code, 0..=2), "{name}: exit {code}: {err}");
        assert!(!err.contains("panicked"), "{name}: {err}");
    }
}

#[test]
fn a_speaker_the_source_does_not_give_is_pointed_out() {
    let (_srv, home) = setup();
    let post = home.config_path().with_file_name("speaker.md");
    std::fs::write(
        &post,
        "---\ndate: 2019-12-31\n---\n## December 30th\n\nAccording to Reuters:\n\n> “We will not allow Iraq to be turned into a battlefield,” Pompeo said.\n",
    )
    .unwrap();
    let (_, report) = verify(&home, &post, &[]);
    let p = &self::blocks(&report)[&8];
    assert_eq!(
        p["source"]["url"].as_str().unwrap().rsplit('/').next(),
        Some("a08-reuters-sistani.html")
    );
    assert_eq!(
        p["status"], "altered",
        "the source says \"he told a cabinet meeting\": {p}"
    );
    let speaker = &p["speaker"];
    assert_eq!(speaker["claimed"], "Pompeo", "{p}");
    assert_eq!(speaker["stored"], "Adel Abdul Mahdi", "{p}");
}

// Hostile posts (issue 9): checked as far as the limits allow, the limits said in `--json` and
// in the report, and exit 1 when one applied. The sizes are moderate.

/// The sample's Reuters quotation (a01), word for word.
const QUOTE: &str = "One official said the United States was looking into the possible involvement of Kataib Hezbollah, an Iranian-backed Shi’ite Muslim militia group.";

fn write(home: &Home, name: &str, text: &str) -> std::path::PathBuf {
    let path = home.config_path().with_file_name(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn limits(report: &Value) -> Vec<(String, u64, u64)> {
    report["limits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["limit"].as_str().unwrap().to_string(),
                l["max"].as_u64().unwrap(),
                l["found"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn source(p: &Value) -> &str {
    p["source"]["url"]
        .as_str()
        .and_then(|u| u.rsplit('/').next())
        .unwrap_or("-")
}

#[test]
fn a_quote_nested_100000_deep_is_one_passage_found_verbatim() {
    let (_srv, home) = setup();
    let md = format!(
        "---\ndate: 2019-12-31\n---\n## December 27th\n\nAccording to Reuters:\n\n{} {QUOTE}\n",
        ">".repeat(100_000)
    );
    let (code, report) = verify(&home, &write(&home, "deep.md", &md), &[]);
    let passages = report["passages"].as_array().unwrap();
    assert_eq!(passages.len(), 1, "{report}");
    let p = &passages[0];
    assert_eq!(p["text"], QUOTE);
    assert_eq!(p["marked"], "block");
    assert_eq!(
        (p["status"].as_str(), p["attribution"].as_str()),
        (Some("verbatim"), Some("ok"))
    );
    assert_eq!(source(p), "a01-reuters-jsonld.html");
    assert!(limits(&report).is_empty());
    assert_eq!(code, 0, "{report}");
}

#[test]
fn a_passage_repeated_10000_times_is_checked_up_to_the_passage_limit() {
    let (_srv, home) = setup();
    let max = quotewire::limits::MAX_POST_PASSAGES as u64;
    let once = format!("According to Reuters:\n\n> {QUOTE}\n\n");
    let head = "---\ndate: 2019-12-31\n---\n## December 27th\n\n";
    // Below the limits: nothing to say, exit 0.
    let (code, report) = verify(
        &home,
        &write(&home, "few.md", &format!("{head}{}", once.repeat(3))),
        &[],
    );
    assert!(limits(&report).is_empty());
    assert_eq!(code, 0, "{report}");

    let post = write(
        &home,
        "repeated.md",
        &format!("{head}{}", once.repeat(10_000)),
    );
    let (code, report) = verify(&home, &post, &[]);
    assert_eq!(code, 1, "not fully checked");
    let passages = report["passages"].as_array().unwrap();
    assert_eq!(passages.len() as u64, max);
    assert!(passages.iter().all(|p| p["status"] == "verbatim"
        && p["attribution"] == "ok"
        && p["problems"].as_array().unwrap().is_empty()
        && source(p) == "a01-reuters-jsonld.html"));
    let limits = limits(&report);
    let words = &limits[0];
    assert_eq!(
        (words.0.as_str(), words.1),
        ("words", quotewire::limits::MAX_POST_WORDS as u64)
    );
    let per = quotewire::search::words::count(&once) as u64;
    assert_eq!(words.2, 2 + 10_000 * per, "the words of the whole post");
    let passage = &limits[1];
    assert_eq!((passage.0.as_str(), passage.1), ("passages", max));
    assert!(
        passage.2 > max && passage.2 < 10_000,
        "those the words read: {}",
        passage.2
    );

    let (code, out, _) = home.run_text(&["verify", post.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(
        out.contains(&format!(
            "only the first {max} were checked (limit: passages)"
        )),
        "{out}"
    );
    assert!(out.contains("were read (limit: words)"), "{out}");
    assert!(out.contains("the post was not fully checked"), "{out}");
}

#[test]
fn long_quotations_are_aligned_piece_by_piece() {
    let (_srv, home) = setup();
    let source_text =
        std::fs::read_to_string(fixture("articles/a08-reuters-sistani.gold.txt")).unwrap();
    let paragraphs: Vec<&str> = source_text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .collect();
    let head = "---\ndate: 2019-12-31\n---\n## December 30th\n\nAccording to Reuters:\n\n";
    // The whole story, quoted: too long to align whole (380 words), verbatim piece by piece.
    let whole: String = paragraphs.iter().map(|p| format!("> {p}\n>\n")).collect();
    let (_, report) = verify(
        &home,
        &write(&home, "whole.md", &format!("{head}{whole}")),
        &[],
    );
    let p = &report["passages"][0];
    assert_eq!(p["status"], "verbatim", "{p}");
    assert_eq!(source(p), "a08-reuters-sistani.html");
    // One word changed in the middle.
    let changed = whole.replace("outrageous aggression", "outrageous attack");
    let (_, report) = verify(
        &home,
        &write(&home, "changed.md", &format!("{head}{changed}")),
        &[],
    );
    let p = &report["passages"][0];
    assert_eq!(p["status"], "altered", "{p}");
    let diffs = p["differences"].as_array().unwrap();
    assert!(
        diffs.iter().any(|d| d["kind"] == "changed"
            && d["post"] == "attack"
            && d["source"] == "aggression"),
        "{p}"
    );

    // A quotation of 100,000 words: the story's paragraphs over and over. Not one quotation
    // (too long to align), but its paragraphs are the story's, repeated.
    let words = quotewire::search::words::count(&whole);
    let huge = whole.repeat(100_000 / words + 1);
    let (code, report) = verify(
        &home,
        &write(&home, "huge.md", &format!("{head}{huge}")),
        &[],
    );
    assert_eq!(code, 1);
    let passages = report["passages"].as_array().unwrap();
    assert_eq!(passages.len(), 1);
    let p = &passages[0];
    assert_eq!(p["status"], "altered", "{}", p["status"]);
    assert_eq!(source(p), "a08-reuters-sistani.html");
    assert!(p["differences"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["kind"] == "reordered"));
    assert!(limits(&report).is_empty());
}

#[test]
fn a_post_over_the_word_and_markup_limits_says_so() {
    let (_srv, home) = setup();
    let max = quotewire::limits::MAX_POST_WORDS as u64;
    // One line of 210,000 words: read up to the limit.
    let post = write(&home, "words.txt", &"word ".repeat(210_000));
    let (code, report) = verify(&home, &post, &["--date", "2020-01-03"]);
    assert_eq!(code, 1, "{}", report["limits"]);
    assert_eq!(limits(&report), [("words".to_string(), max, 210_000)]);
    let (code, out, _) = home.run_text(&["verify", post.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(
        out.contains(&format!(
            "the post has 210000 words; only the first {max} were read"
        )),
        "{out}"
    );
    // A million and more marks with no words: the words before them are read.
    let marks = quotewire::post::MAX_MARKUP;
    let md = format!("{QUOTE}\n\n{}\n", "[".repeat(marks + 1));
    let (code, report) = verify(
        &home,
        &write(&home, "marks.md", &md),
        &["--date", "2020-01-03"],
    );
    assert_eq!(code, 1);
    let limits = limits(&report);
    assert_eq!(limits.len(), 1);
    assert_eq!(
        (limits[0].0.as_str(), limits[0].1),
        ("markup", marks as u64)
    );
    assert!(
        limits[0].2 > marks as u64,
        "the brackets and the quote's marks"
    );
    assert_eq!(report["passages"].as_array().unwrap().len(), 1);
    assert_eq!(report["passages"][0]["status"], "verbatim");
}

#[test]
fn a_post_without_a_year_takes_the_year_its_sources_agree_with() {
    let (_srv, home) = setup();
    // The plain-text sample gives its days and its title's range no year: without --date, the
    // guess from today's calendar is replaced by the sources' 2019–2020, and every finding is
    // as with the date given.
    let post = fixture("posts/sample.txt");
    let (code, report) = verify(&home, &post, &[]);
    assert_eq!(code, 1);
    assert_eq!(report["year_from"], "sources", "{}", report["year_from"]);
    assert_eq!(report["year_guessed"], false);
    assert_eq!(report["date"], "2020-01-02", "the end of the title's range");
    check(&report, false);
    let (_, out, _) = home.run_text(&["verify", post.to_str().unwrap()]);
    assert!(out.contains("inferred from the sources"), "{out}");
    // A post with day headings and no range in its title at all is checked by day too.
    let md = "# Notes\n\n## January 27th\n\nAccording to Reuters:\n\n> One official said the United States was looking into the possible involvement of Kataib Hezbollah, an Iranian-backed Shi’ite Muslim militia group.\n";
    let path = home.config_path().with_file_name("norange.md");
    std::fs::write(&path, md).unwrap();
    let (_, report) = verify(&home, &path, &[]);
    assert_eq!(report["year_from"], "sources");
    let p = &blocks(&report)[&7];
    assert_eq!(p["day"], "2020-01-27", "{p}");
    assert_eq!(p["date"]["level"], "warning", "a month off: {p}");
    assert_eq!(p["warnings"][0]["code"], "date_gap", "{p}");
}

/// A post under the sample's day headings, its links to the test server's pages.
fn traps_post(srv: &Server, home: &Home, name: &str, body: &str) -> std::path::PathBuf {
    let base = srv.url("/a/");
    let text = format!(
        "---\ndate: 2019-12-31\n---\n# Traps\n\n## December 30th\n\n{}",
        body.replace("BASE/", &base)
    );
    write(home, name, &text)
}

#[test]
fn links_speakers_and_outlets_named_in_the_post_are_checked() {
    let (srv, home) = setup();
    let sistani = "The Iraqi authorities alone are entitled to deal with these practices and take the necessary measures to prevent them.";
    let body = format!(
        "According to [Reuters](BASE/a01-reuters-jsonld.html), Mike Pompeo said:\n\n> “{sistani}”\n\n\
Ali Sistani told Reuters:\n\n> “{sistani}”\n\n\
In a sermon, Sistani said “{sistani}”, Reuters reported.\n\n\
The strikes were condemned, [Reuters](BASE/a08-reuters-sistani.html) says.\n\n> {QUOTE}\n\n\
The cleric spoke to [Reuters](BASE/a08-reuters-sistani.html) on Monday, and Al Jazeera carried it too:\n\n> “{sistani}”\n\n\
According to Reuters, a spokesman said \"the coalition is totally unaware of any rocket attack\".\n\n\
> {QUOTE}\n"
    );
    let post = traps_post(&srv, &home, "traps.md", &body);
    let (code, report) = verify(&home, &post, &[]);
    assert_eq!(code, 1);
    let passages = report["passages"].as_array().unwrap();
    let by_line = |line: u64| {
        passages
            .iter()
            .find(|p| p["line"] == line && p["marked"] != "unmarked")
            .unwrap_or_else(|| panic!("line {line}: {report}"))
    };
    let problems = |p: &Value| {
        p["problems"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["code"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    // The cite-style lead names the wrong speaker and links the wrong Reuters story.
    let p = by_line(10);
    assert_eq!(p["status"], "verbatim", "{p}");
    assert_eq!(problems(p), ["wrong_link", "wrong_speaker"], "{p}");
    assert_eq!(p["speaker"]["stored"], "Ali al-Sistani", "{p}");
    // "NAME told Reuters:" with the right speaker is clean.
    assert!(problems(by_line(14)).is_empty(), "{}", by_line(14));
    // "Sistani said “…”, Reuters reported.": inline, credited, clean.
    let inline = passages
        .iter()
        .find(|p| p["marked"] == "inline" && p["line"] == 16)
        .expect("the inline quote");
    assert!(problems(inline).is_empty(), "{inline}");
    assert_eq!(inline["attribution"], "ok");
    // ", [Reuters](url) says." credits Reuters; the link is to another Reuters story.
    let p = by_line(20);
    assert_eq!(p["attribution"], "ok", "{p}");
    assert_eq!(problems(p), ["wrong_link"], "{p}");
    // "spoke to [Reuters](url)" and a second outlet named: Reuters is credited, and why.
    let p = by_line(24);
    assert_eq!(p["attribution"], "ok", "{p}");
    assert!(problems(p).is_empty(), "{p}");
    assert_eq!(p["warnings"][0]["code"], "outlet_choice", "{p}");
    // A self-attributed paragraph's made-up quote is a passage (a01 has "The coalition is
    // aware of a rocket attack": altered); the paragraph lends its outlet to nothing.
    let invented = passages
        .iter()
        .find(|p| p["text"] == "the coalition is totally unaware of any rocket attack")
        .expect("the invented quote");
    assert_eq!(invented["marked"], "inline");
    assert_eq!(problems(invented), ["altered"]);
    let p = by_line(28);
    assert_eq!(p["attribution"], "missing", "{p}");
    assert_eq!(problems(p), ["missing_attribution"], "{p}");
}
