//! Story pages end to end: a feed on the test server links to article fixtures; `fetch` fetches
//! the pages, extracts them, and each story holds the right text, or the feed's with the reason.
//! Also the extraction quality floor over every article fixture, against its gold files, and
//! over the real pages of `../shared/corpora/zyte-dev` where that corpus is present.

mod support;

use serde_json::Value;
use support::{fixture, outlet_with_pages, Home, Server};

fn story_by_title<'a>(stories: &'a [Value], prefix: &str) -> &'a Value {
    stories
        .iter()
        .find(|s| s["title"].as_str().is_some_and(|t| t.starts_with(prefix)))
        .unwrap_or_else(|| panic!("no story titled {prefix:?}"))
}

fn gold_text(name: &str) -> String {
    std::fs::read_to_string(fixture(&format!("articles/{name}.gold.txt")))
        .unwrap()
        .trim()
        .to_string()
}

#[test]
fn pages_are_fetched_once_and_their_text_kept_or_the_feeds_with_a_reason() {
    let srv = Server::start();
    let home = Home::new();
    home.write_config(&outlet_with_pages(
        "wire",
        &["wire.example"],
        &[srv.url("/f/articles.xml")],
    ));

    let (code, report) = home.fetch_all();
    assert_eq!(code, 0, "page failures do not fail the run: {report}");
    assert_eq!(report["stories_new"], 9, "{report}");
    assert_eq!(report["articles_fetched"], 7, "{report}");
    assert_eq!(report["articles_short"], 1, "{report}");
    assert_eq!(report["articles_failed"], 2, "{report}");

    let stories = home.stories(&[]);
    // A full page: its text, its date, its wire service.
    let kirkuk = story_by_title(&stories, "U.S. civilian contractor killed");
    assert_eq!(kirkuk["text_source"], "article");
    assert_eq!(
        kirkuk["published"], "2019-12-27T19:58:00Z",
        "the page's own date wins"
    );
    assert_eq!(kirkuk["published_from"], "article");
    assert_eq!(kirkuk["wire_source"], "Reuters");
    let id = kirkuk["id"].as_str().unwrap();
    let shown = support::json_lines(&home.run(&["stories", "show", id, "--json"]));
    assert_eq!(
        shown[0]["text"].as_str().unwrap(),
        gold_text("a01-reuters-jsonld")
    );
    assert_eq!(shown[0]["article"]["authors"][0], "Karwan Jalal");

    // A paywalled page that gives less than the feed: the feed's text, and why.
    let marines = story_by_title(&stories, "Marines head to Baghdad embassy");
    assert_eq!(marines["text_source"], "feed");
    let note = marines["text_note"].as_str().unwrap();
    assert!(note.contains("paywalled"), "{note}");

    // A missing page and a refused address: the feed's text, and why; no retry for either.
    let gone = story_by_title(&stories, "A page that is not there");
    assert_eq!(gone["text_source"], "feed");
    assert!(
        gone["text_note"].as_str().unwrap().contains("HTTP 404"),
        "{gone}"
    );
    let private = story_by_title(&stories, "A link to an address nobody configured");
    assert!(
        private["text_note"].as_str().unwrap().contains("refused"),
        "{private}"
    );

    // Syndicated copies are linked to the earliest story of their group, whatever the order
    // the pages came in.
    let by_url = |suffix: &str| {
        stories
            .iter()
            .find(|s| s["url"].as_str().unwrap().ends_with(suffix))
            .unwrap_or_else(|| panic!("no story at {suffix}"))
            .clone()
    };
    let oilfield = by_url("/a/a04-reuters-oilfield.html");
    let daily_star = by_url("/a/a05-dailystar-copy.html");
    assert_eq!(daily_star["copy_of"], oilfield["id"]);
    assert_eq!(oilfield["copies"][0], daily_star["id"]);
    assert!(oilfield["copy_of"].is_null());
    let embassy = by_url("/a/b05-reuters-embassy.html");
    let msn = by_url("/a/b06-msn-copy-reuters.html");
    assert_eq!(msn["copy_of"], embassy["id"], "{msn}");
    assert_eq!(embassy["copies"].as_array().unwrap().len(), 1, "{embassy}");
    assert!(kirkuk["copy_of"].is_null() && kirkuk["copies"].as_array().unwrap().is_empty());
    let (_, out, _) = home.run_text(&["stories", "show", msn["id"].as_str().unwrap()]);
    assert!(
        out.contains(&format!("copy of:    {}", embassy["id"].as_str().unwrap())),
        "{out}"
    );

    // The human view says the same.
    let (code, out, _) = home.run_text(&["stories", "show", gone["id"].as_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(out.contains("HTTP 404"), "{out}");
    assert!(out.contains("Its page was taken down"), "{out}");

    // The feed unchanged: no page is fetched again, and nothing is retried.
    let (code, again) = home.fetch_all();
    assert_eq!(code, 0);
    assert_eq!(again["articles_fetched"], 0, "{again}");
    assert_eq!(again["articles_failed"], 0, "{again}");
    assert_eq!(srv.hits("/a/a01-reuters-jsonld.html"), 1);
    assert_eq!(srv.hits("/status/404"), 1);
}

#[test]
fn an_outlet_can_turn_pages_off() {
    let srv = Server::start();
    let home = Home::new();
    home.write_config(&support::outlet(
        "wire",
        &["wire.example"],
        &[srv.url("/f/articles.xml")],
    ));
    let (_, report) = home.fetch_all();
    assert_eq!(report["articles_fetched"], 0);
    assert_eq!(srv.hits("/a/a01-reuters-jsonld.html"), 0);
    let stories = home.stories(&[]);
    let kirkuk = story_by_title(&stories, "U.S. civilian contractor killed");
    assert_eq!(kirkuk["text_source"], "feed");
    assert!(kirkuk["text_note"]
        .as_str()
        .unwrap()
        .contains("fetch_articles = false"));
}

#[test]
fn a_thin_page_is_read_from_the_amp_version_that_names_it() {
    let srv = Server::start();
    // A thin page whose AMP link is an address nobody configured: refused, the page kept.
    srv.put(
        "private-amp",
        "text/html",
        format!(
            "<html><head><link rel=amphtml href=\"http://127.0.0.2:{}/a/c01-app-shell.amp.html\">\
             </head><body><article><p>The Fao desalination plant will open a year late, the \
             ministry said.</p></article></body></html>",
            srv.addr.port()
        ),
    );
    let home = Home::new();
    home.write_config(&outlet_with_pages(
        "ledger",
        &["ledger.example"],
        &[srv.url("/f/amp.xml")],
    ));
    let (code, report) = home.fetch_all();
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["articles_fetched"], 4, "{report}");
    let stories = home.stories(&[]);
    let fao = story_by_title(&stories, "Desalination plant at Fao");
    assert_eq!(fao["text_source"], "article", "{fao}");
    assert!(fao["text_note"].is_null(), "{fao}");

    // An app shell: its text is the AMP version's, without AMP's furniture; its metadata is
    // the page's own, and the note says where the text came from.
    let shell = story_by_title(&stories, "Basra water board");
    assert_eq!(shell["text_source"], "article", "{shell}");
    let note = shell["text_note"].as_str().unwrap_or_default();
    assert!(
        note.contains("AMP version") && note.contains("/a/c01-app-shell.amp.html"),
        "{shell}"
    );
    assert_eq!(shell["published"], "2026-08-14T07:30:00Z", "{shell}");
    let id = shell["id"].as_str().unwrap();
    let shown = support::json_lines(&home.run(&["stories", "show", id, "--json"]));
    assert_eq!(
        shown[0]["text"].as_str().unwrap(),
        gold_text("c01-app-shell")
    );
    assert_eq!(shown[0]["article"]["authors"][0], "Layla Haddad");

    // A teaser whose AMP link names another story's version: the teaser, and no note.
    let teaser = story_by_title(&stories, "Port of Umm Qasr");
    assert_eq!(teaser["text_source"], "article", "{teaser}");
    assert!(teaser["text_note"].is_null(), "{teaser}");
    let id = teaser["id"].as_str().unwrap();
    let shown = support::json_lines(&home.run(&["stories", "show", id, "--json"]));
    let text = shown[0]["text"].as_str().unwrap();
    assert!(
        text.starts_with("Umm Qasr unloaded") && !text.contains("Basra"),
        "{text}"
    );
    assert_eq!(
        srv.hits("/a/c01-app-shell.amp.html"),
        2,
        "asked once by each thin page"
    );

    // A page with its own text never asks for its AMP version.
    let full = story_by_title(&stories, "Night flights resume");
    assert_eq!(full["text_source"], "article");
    assert_eq!(srv.hits("/a/c03-full-with-amp.amp.html"), 0);

    // Nothing changed: nothing is fetched again, the AMP versions neither.
    let (_, again) = home.fetch_all();
    assert_eq!(again["articles_fetched"], 0, "{again}");
    assert_eq!(srv.hits("/a/c01-app-shell.amp.html"), 2);
}

/// Word 4-gram precision and recall of `ours` against `gold`.
fn overlap(ours: &str, gold: &str) -> (f64, f64) {
    use std::collections::HashMap;
    fn grams(t: &str) -> HashMap<Vec<&str>, usize> {
        let w: Vec<&str> = t.split_whitespace().collect();
        let mut m: HashMap<Vec<&str>, usize> = HashMap::new();
        for g in w.windows(4) {
            *m.entry(g.to_vec()).or_default() += 1;
        }
        m
    }
    let (a, b) = (grams(ours), grams(gold));
    let common: usize = a
        .iter()
        .map(|(g, n)| (*n).min(*b.get(g).unwrap_or(&0)))
        .sum();
    let total = |m: &HashMap<Vec<&str>, usize>| m.values().sum::<usize>().max(1) as f64;
    (common as f64 / total(&a), common as f64 / total(&b))
}

#[test]
fn extraction_quality_over_the_article_fixtures() {
    let home = Home::new();
    home.write_config("");
    let mut names: Vec<String> = std::fs::read_dir(fixture("articles"))
        .unwrap()
        .filter_map(|e| {
            let n = e.unwrap().file_name().into_string().unwrap();
            n.strip_suffix(".gold.json").map(str::to_string)
        })
        .collect();
    names.sort();
    assert!(names.len() >= 15, "at least 15 article fixtures");
    let (mut f1_sum, mut dates_right, mut meta_right, mut meta_total) = (0.0, 0, 0, 0);
    let mut report = String::new();
    for name in &names {
        let gold: Value = serde_json::from_str(
            &std::fs::read_to_string(fixture(&format!("articles/{name}.gold.json"))).unwrap(),
        )
        .unwrap();
        let page = fixture(&format!("articles/{name}.html"));
        let url = gold["url"].as_str().unwrap();
        let out = home.run(&[
            "article",
            "extract",
            page.to_str().unwrap(),
            "--url",
            url,
            "--json",
        ]);
        let got: Value = serde_json::from_slice(&out.stdout).unwrap();
        let (p, r) = overlap(got["text"].as_str().unwrap(), &gold_text(name));
        let f1 = if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        };
        f1_sum += f1;
        let day = |v: &Value| v.as_str().map(|s| s[..10].to_string());
        if day(&got["published"]) == day(&gold["published"]) {
            dates_right += 1;
        }
        for field in [
            "title",
            "authors",
            "published",
            "modified",
            "canonical_url",
            "site_name",
            "language",
            "paywalled",
        ] {
            meta_total += 1;
            if got[field] == gold[field] {
                meta_right += 1;
            } else {
                report += &format!("{name}: {field} {} (gold {})\n", got[field], gold[field]);
            }
        }
        report += &format!("{name}: P {p:.3} R {r:.3} F1 {f1:.3}\n");
    }
    let n = names.len() as f64;
    let (f1, dates, meta) = (
        f1_sum / n,
        dates_right as f64 / n,
        meta_right as f64 / meta_total as f64,
    );
    println!("{report}mean F1 {f1:.3}, published date right {dates:.3}, metadata {meta:.3}");
    // Floors just under what is measured (bench/RESULTS.md): 1.000, 1.000, 1.000.
    assert!(f1 >= 0.98, "mean text F1 {f1:.3}\n{report}");
    assert!(dates >= 0.95, "published dates right {dates:.3}\n{report}");
    assert!(meta >= 0.97, "metadata accuracy {meta:.3}\n{report}");
}

/// The dev half of a public extraction benchmark, beside the project (`../shared/corpora/
/// zyte-dev`, or `QUOTEWIRE_ZYTE_DEV`): never committed, so this floor runs where it is there.
#[test]
fn extraction_quality_over_real_pages_saved_by_others() {
    let dir = std::env::var_os("QUOTEWIRE_ZYTE_DEV")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora/zyte-dev")
        });
    let Ok(truth) = std::fs::read(dir.join("ground-truth.json")) else {
        eprintln!(
            "skipped: no benchmark corpus at {} (set QUOTEWIRE_ZYTE_DEV=DIR to run this floor)",
            dir.display()
        );
        return;
    };
    let truth: std::collections::BTreeMap<String, Value> =
        serde_json::from_slice(&truth).expect("ground-truth.json");
    assert!(truth.len() >= 90, "the dev half has 93 pages");
    let rules = quotewire::article::Rules::default();
    let (mut f1_sum, mut report) = (0.0, String::new());
    for (id, gold) in &truth {
        let bytes = std::fs::read(dir.join("html").join(format!("{id}.html"))).expect("page");
        let url = gold["url"].as_str().and_then(|u| url::Url::parse(u).ok());
        let text = quotewire::article::extract(&bytes, None, url.as_ref(), &rules).text();
        let (p, r) = overlap(&text, gold["articleBody"].as_str().unwrap_or_default());
        let f1 = if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        };
        f1_sum += f1;
        if f1 < 0.8 {
            report += &format!("{}: P {p:.3} R {r:.3} F1 {f1:.3}\n", &id[..12]);
        }
    }
    let f1 = f1_sum / truth.len() as f64;
    println!("{report}mean F1 {f1:.3} over {} pages", truth.len());
    // Just under what is measured (bench/RESULTS.md §12.5): 0.9795.
    assert!(
        f1 >= 0.978,
        "mean text F1 {f1:.3} on the real pages\n{report}"
    );
}
