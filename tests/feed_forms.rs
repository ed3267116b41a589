//! Every feed form of `fixtures/feeds/forms/` read right, end to end: each file is served by the
//! real loopback server, fetched by the real binary into a real database, and the stored
//! stories' titles, links and dates are compared with `expected.json`; `feed inspect --json`
//! is compared per file as well (feed title, and per entry title, link, published, updated).

mod support;

use serde_json::Value;
use support::{fixture, outlet, Home, Server};

fn expected() -> serde_json::Map<String, Value> {
    let text =
        std::fs::read_to_string(fixture("feeds/forms/expected.json")).expect("expected.json");
    match serde_json::from_str(&text).expect("expected.json is JSON") {
        Value::Object(m) => m,
        other => panic!("expected.json is not an object: {other}"),
    }
}

fn stored(e: &Value) -> bool {
    e.get("stored").and_then(Value::as_bool).unwrap_or(true)
}

#[test]
fn feed_inspect_reads_every_form_as_expected() {
    let home = Home::new();
    for (file, exp) in expected() {
        let path = fixture(&format!("feeds/forms/{file}"));
        let path = path.to_str().expect("utf-8 path");
        let (code, out, err) = home.run_text(&["feed", "inspect", "--json", path]);
        assert_eq!(code, 0, "{file}: {err}");
        let got: Value = serde_json::from_str(out.trim()).expect("inspect JSON");
        assert_eq!(got["feed"]["title"], exp["title"], "{file}: feed title");
        let want = exp["entries"].as_array().expect("entries");
        let have = got["entries"].as_array().expect("entries");
        assert_eq!(have.len(), want.len(), "{file}: entries {have:#?}");
        for (i, (w, h)) in want.iter().zip(have).enumerate() {
            for field in ["title", "link", "published", "updated"] {
                assert_eq!(h[field], w[field], "{file} #{}: {field}", i + 1);
            }
            if let Some(id) = w.get("id") {
                assert_eq!(&h["id"], id, "{file} #{}: id", i + 1);
            }
        }
        let skipped = want.iter().filter(|e| !stored(e)).count();
        if skipped > 0 {
            assert!(
                err.contains(&format!("{skipped} entr")) && err.contains("no link, guid or title"),
                "{file}: inspect says nothing of the entries fetch skips: {err:?}"
            );
        } else {
            assert!(!err.contains("no link, guid or title"), "{file}: {err}");
        }
    }
}

#[test]
fn fetch_stores_every_form_with_its_titles_links_and_dates() {
    let srv = Server::start();
    let home = Home::new();
    let expected = expected();
    let mut cfg = String::new();
    for (i, file) in expected.keys().enumerate() {
        let body = std::fs::read(fixture(&format!("feeds/forms/{file}"))).expect("fixture");
        srv.put(file, "application/xml", body);
        cfg += &outlet(
            &format!("form{i}"),
            &[&format!("form{i}.example")],
            &[srv.url(&format!("/made/{file}"))],
        );
    }
    home.write_config(&cfg);
    let (code, report) = home.fetch_all();
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["feeds_failed"], 0, "{report}");
    assert_eq!(report["feeds_changed"], expected.len(), "{report}");
    let all: Vec<&Value> = expected
        .values()
        .flat_map(|e| e["entries"].as_array().expect("entries"))
        .collect();
    let skipped = all.iter().filter(|e| !stored(e)).count();
    assert_eq!(
        skipped, 1,
        "the fixtures have one entry with nothing to know it by"
    );
    assert_eq!(report["entries_skipped"], skipped, "{report}");
    assert_eq!(report["stories_new"], all.len() - skipped, "{report}");

    let stories = home.stories(&[]);
    assert_eq!(stories.len(), all.len() - skipped);
    for (file, exp) in &expected {
        let title = exp["title"].as_str().expect("feed title");
        for (i, w) in exp["entries"]
            .as_array()
            .expect("entries")
            .iter()
            .enumerate()
        {
            if !stored(w) {
                continue;
            }
            let at = format!("{file} #{}", i + 1);
            let s = stories
                .iter()
                .find(|s| match (w["title"].as_str(), w["link"].as_str()) {
                    (Some(t), _) => s["title"] == t,
                    (None, Some(l)) => s["url"] == l,
                    (None, None) => false,
                })
                .unwrap_or_else(|| panic!("{at}: no story for {w}"));
            assert_eq!(s["title"], w["title"], "{at}: title");
            assert_eq!(s["url"], w["link"], "{at}: link");
            assert_eq!(s["updated"], w["updated"], "{at}: updated");
            match (w["published"].as_str(), w["updated"].as_str()) {
                (Some(p), _) => {
                    assert_eq!(s["published"], p, "{at}: published");
                    assert_eq!(s["published_from"], "entry", "{at}: {s}");
                }
                (None, Some(u)) => {
                    assert_eq!(s["published"], u, "{at}: dated by its update");
                    assert_eq!(s["published_from"], "entry_updated", "{at}: {s}");
                }
                (None, None) => assert_ne!(s["published_from"], "entry", "{at}: {s}"),
            }
            if let Some(text) = w.get("content_contains").and_then(Value::as_str) {
                let id = s["id"].as_str().expect("story id");
                let shown = support::json_lines(&home.run(&["stories", "show", id, "--json"]));
                let content = shown[0]["text"].as_str().unwrap_or("");
                assert!(content.contains(text), "{at}: text {content:?}");
            }
        }
        let feed = home
            .feeds()
            .into_iter()
            .find(|f| {
                f["url"]
                    .as_str()
                    .is_some_and(|u| u.ends_with(&format!("/made/{file}")))
            })
            .unwrap_or_else(|| panic!("no feed state for {file}"));
        assert_eq!(feed["title"], title, "{file}: feed title");
    }
}
