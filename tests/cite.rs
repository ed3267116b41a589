//! `quotes cite` end to end: the test server serves Gulf Wire's feed (`fixtures/cite/`), whose
//! links reach the pages through a tracking redirect, a plain redirect and tracking parameters;
//! `fetch` stores them; citations of the stored quotations are appended to a post one at a time,
//! as a user does with `quotewire quotes cite ID >> post.md`, and `verify` checks the post.

mod support;

use std::path::Path;

use serde_json::Value;
use support::{fixture, json_lines, Home, Server};

/// The pages of `fixtures/cite/`, served under `/made/NAME`.
const PAGES: &[&str] = &["harbour-m.html", "subsidy.html", "water.html"];

/// Serves the feed and its pages and fetches them into a new home.
fn setup() -> (Server, Home) {
    let srv = Server::start();
    for page in PAGES {
        let body = std::fs::read(fixture(&format!("cite/{page}"))).expect("fixture page");
        srv.put(page, "text/html; charset=utf-8", body);
    }
    let feed = std::fs::read(fixture("cite/feed.xml")).expect("fixture feed");
    srv.put("gulfwire.xml", "application/rss+xml", feed);
    let home = Home::new();
    home.write_config(&format!(
        "[[outlet]]\nid = \"gulfwire\"\nname = \"Gulf Wire\"\ndomains = [\"127.0.0.1\"]\nfeeds = [{:?}]\n",
        srv.url("/made/gulfwire.xml")
    ));
    let (code, report) = home.fetch_all();
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["stories_new"], 3, "{report}");
    assert_eq!(report["articles_fetched"], 3, "{report}");
    (srv, home)
}

fn quotes(home: &Home) -> Vec<Value> {
    json_lines(&home.run(&["quotes", "--since", "all", "--json"]))
}

fn verify(home: &Home, post: &Path) -> (i32, Value) {
    let (code, out, err) = home.run_text(&["verify", post.to_str().unwrap(), "--json"]);
    let report = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}"));
    (code, report)
}

fn append(post: &Path, text: &str) {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(post)
        .expect("open post");
    f.write_all(text.as_bytes()).expect("append");
}

/// `quotes cite ARGS...`: (exit code, stdout, stderr).
fn cite(home: &Home, args: &[&str]) -> (i32, String, String) {
    let mut all = vec!["quotes", "cite"];
    all.extend_from_slice(args);
    home.run_text(&all)
}

fn ids(quotes: &[Value]) -> Vec<&str> {
    quotes.iter().map(|q| q["id"].as_str().unwrap()).collect()
}

/// The passage `quotes show` gives for a quotation: its paragraphs, as `verify` joins a block's.
fn passage(home: &Home, id: &str) -> String {
    let shown = json_lines(&home.run(&["quotes", "show", id, "--json"]));
    let paragraphs: Vec<&str> = shown[0]["passage"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    paragraphs.join("\n")
}

/// Writes a post's head, appends each quotation's citation in `format` one call at a time,
/// checks that one call with every id writes the same, and verifies the post: exit 0, and one
/// block per citation, in order, each its quotation's passage word for word, credited to the
/// right outlet, with no problem anywhere in the post.
fn appended_post_verifies(home: &Home, file: &str, head: &str, format: &str) {
    let quotes = quotes(home);
    let ids = ids(&quotes);
    assert!(ids.len() >= 10, "{quotes:#?}");
    let post = home.dir.path().join(file);
    std::fs::write(&post, head).unwrap();
    let mut appended = String::new();
    for id in &ids {
        let (code, out, err) = cite(home, &[id, "--format", format]);
        assert_eq!(code, 0, "{err}");
        assert!(err.is_empty(), "no warning for a candidate: {err}");
        assert!(
            out.ends_with("\n\n") && !out.ends_with("\n\n\n"),
            "a citation ends with one blank line: {out:?}"
        );
        append(&post, &out);
        appended += &out;
    }
    let mut all = ids.clone();
    all.extend(["--format", format]);
    let (code, out, _) = cite(home, &all);
    assert_eq!(code, 0);
    assert_eq!(
        out, appended,
        "several ids in one call write what one call each does"
    );

    let (code, report) = verify(home, &post);
    let text = std::fs::read_to_string(&post).unwrap();
    assert_eq!(code, 0, "{text}\n{report:#}");
    let passages = report["passages"].as_array().unwrap();
    for p in passages {
        assert_eq!(p["problems"], Value::Array(vec![]), "{text}\n{p:#}");
    }
    let blocks: Vec<&Value> = passages.iter().filter(|p| p["marked"] == "block").collect();
    assert_eq!(
        blocks.len(),
        ids.len(),
        "one block per citation:\n{text}\n{report:#}"
    );
    for (block, id) in blocks.iter().zip(&ids) {
        assert_eq!(block["text"], passage(home, id).as_str(), "{block:#}");
        assert_eq!(block["status"], "verbatim", "{block:#}");
        assert_eq!(block["attribution"], "ok", "{block:#}");
        assert_eq!(block["claimed_outlet_id"], "gulfwire", "{block:#}");
        assert_eq!(block["day"], "2020-01-02", "{block:#}");
        assert!(
            block["quotes"].as_array().unwrap().iter().any(|q| q == id),
            "the block covers its quotation {id}: {block:#}"
        );
    }
}

#[test]
fn citations_appended_one_at_a_time_verify_clean_as_markdown() {
    let (_srv, home) = setup();
    appended_post_verifies(
        &home,
        "post.md",
        "---\ntitle: Gulf digest\ndate: 2020-01-03\n---\n\n## January 2\n\n",
        "markdown",
    );
}

#[test]
fn citations_appended_one_at_a_time_verify_clean_as_text_and_html() {
    let (_srv, home) = setup();
    appended_post_verifies(
        &home,
        "post.txt",
        "---\ntitle: Gulf digest\ndate: 2020-01-03\n---\n\nJanuary 2\n\n",
        "text",
    );
    appended_post_verifies(
        &home,
        "post.html",
        "<!DOCTYPE html>\n<html><head><title>Gulf digest</title>\n<meta property=\"article:published_time\" content=\"2020-01-03\">\n</head><body>\n<h2>January 2</h2>\n\n",
        "html",
    );
}

/// The quotation whose words start with `start`.
fn by_text<'a>(quotes: &'a [Value], start: &str) -> &'a Value {
    quotes
        .iter()
        .find(|q| q["text"].as_str().is_some_and(|t| t.starts_with(start)))
        .unwrap_or_else(|| panic!("no quotation starting {start:?}"))
}

#[test]
fn citations_link_the_page_and_name_the_speaker_only_when_the_passage_does_not() {
    let (srv, home) = setup();
    let quotes = quotes(&home);
    let page = |name: &str| srv.url(&format!("/made/{name}"));
    // Each story's link: a redirect led to a mobile page naming its canonical; a redirect led
    // to a page naming none; a link with tracking parameters to a page naming itself by og:url.
    for (start, url) in [
        ("We will not reopen", page("harbour.html")),
        ("We owe the unions", page("subsidy.html")),
        ("The city has all the water", page("water.html")),
    ] {
        let q = by_text(&quotes, start);
        assert!(
            q["url"] != url.as_str(),
            "the story is known by its feed's link: {q}"
        );
        let cited = json_lines(&home.run(&["quotes", "cite", q["id"].as_str().unwrap(), "--json"]));
        assert_eq!(cited[0]["url"], url.as_str(), "{cited:#?}");
        let md = cited[0]["citation"].as_str().unwrap();
        assert!(
            md.starts_with(&format!("According to [Gulf Wire]({url})")),
            "{md}"
        );
    }
    for id in ids(&quotes) {
        let (_, md, _) = cite(&home, &[id]);
        let (_, text, _) = cite(&home, &[id, "--format", "text"]);
        for c in [&md, &text] {
            assert!(
                !c.contains("/redirect") && !c.contains("utm_") && !c.contains("-m.html"),
                "{c}"
            );
        }
    }

    // The speaker: named in the lead line exactly as stored, only when the passage does not
    // name them ("she said", "he said of Okafor’s order"); a surname, a title or a role phrase
    // in the passage is naming them.
    for (start, lead) in [
        ("Crews have been told", Some("Hana Okafor")),
        ("We stand by the decision", Some("Sami Lind")),
        ("It came in low", Some("Idris Bello")),
        ("Nobody is going to wake up", Some("Omar Nasser")),
        ("Tankers will keep running", Some("a utility spokeswoman")),
        ("We will not reopen", None),
        ("Every night the lanes", None),
        ("We were lucky", None),
        ("We have replaced the damaged pumps", None),
        ("The city has all the water", None),
        ("the cuts would be phased in", None),
        ("a stalling tactic", None),
    ] {
        let q = by_text(&quotes, start);
        let (_, md, _) = cite(&home, &[q["id"].as_str().unwrap()]);
        let first = md.lines().next().unwrap();
        match lead {
            Some(name) => {
                assert_eq!(q["speaker"], name);
                assert!(first.ends_with(&format!("), {name} said:")), "{first}");
            }
            None => assert!(first.ends_with("):"), "{first}"),
        }
    }
}

#[test]
fn citing_a_rejected_quotation_warns_and_still_cites() {
    let (_srv, home) = setup();
    let quotes = quotes(&home);
    let id = by_text(&quotes, "Crews have been told")["id"]
        .as_str()
        .unwrap();
    let other = by_text(&quotes, "We owe the unions")["id"]
        .as_str()
        .unwrap();
    let (_, before, _) = cite(&home, &[id]);
    let (code, _, _) = home.run_text(&["quotes", "reject", &id[..8]]);
    assert_eq!(code, 0);

    let (code, out, err) = cite(&home, &[other, &id[..8]]);
    assert_eq!(code, 0, "a warning is not a problem: {err}");
    assert!(
        out.ends_with(&before),
        "the citation is still written: {out}"
    );
    assert_eq!(err.matches("warning:").count(), 1, "{err}");
    assert!(err.contains(&format!("quotation {id}")), "{err}");
    assert!(err.contains("is rejected"), "{err}");
    assert!(
        err.contains(&format!("quotewire quotes reset {id}")),
        "{err}"
    );
    assert!(!err.contains(other), "{err}");
    let cited = json_lines(&home.run(&["quotes", "cite", id, other, "--json"]));
    assert_eq!(cited[0]["status"], "rejected");
    assert_eq!(cited[1]["status"], "candidate");

    // Reset as told: no warning any more.
    let (code, _, _) = home.run_text(&["quotes", "reset", id]);
    assert_eq!(code, 0);
    let (code, out, err) = cite(&home, &[id]);
    assert_eq!((code, out.as_str(), err.as_str()), (0, before.as_str(), ""));

    // An unknown id among good ones: nothing is written, exit 1.
    let (code, out, err) = cite(&home, &[id, "0123456789abcdef"]);
    assert_eq!(code, 1, "{err}");
    assert!(out.is_empty(), "{out}");
}
