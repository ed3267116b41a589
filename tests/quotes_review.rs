//! The author's review end to end: `fetch` extracts each story's quotations, `quotes` lists
//! them, `accept` and `reject` record decisions that survive the story being fetched and
//! extracted again (its page's text replacing the feed's), and `cite` writes citations.

mod support;

use serde_json::Value;
use support::{json_lines, outlet, outlet_with_pages, Home, Server};

fn quotes(home: &Home, extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["quotes", "--since", "all", "--json"];
    args.extend_from_slice(extra);
    let out = home.run(&args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    json_lines(&out)
}

fn by_text<'a>(quotes: &'a [Value], start: &str) -> &'a Value {
    quotes
        .iter()
        .find(|q| q["text"].as_str().is_some_and(|t| t.starts_with(start)))
        .unwrap_or_else(|| panic!("no quotation starting {start:?} in {quotes:#?}"))
}

#[test]
fn review_survives_a_page_replacing_the_teaser_and_citations_follow_the_post_style() {
    let srv = Server::start();
    srv.swap("teaser", "quotes-teaser.xml");
    let home = Home::new();
    let feed = srv.url("/swap/teaser");

    // First fetch: the feed's teaser is the story's text.
    home.write_config(&outlet(
        "wire",
        &["wire.example"],
        std::slice::from_ref(&feed),
    ));
    let (code, _) = home.fetch_all();
    assert_eq!(code, 0);
    let first = quotes(&home, &[]);
    assert_eq!(first.len(), 2, "{first:#?}");
    let direct = by_text(&first, "The coalition is aware");
    assert_eq!(direct["kind"], "direct");
    assert_eq!(direct["speaker"], "a coalition spokesman");
    assert_eq!(direct["status"], "candidate");
    assert_eq!(direct["outlet"], "wire");
    let indirect = by_text(&first, "the United States was looking into");
    assert_eq!(indirect["kind"], "indirect");
    let (direct_id, indirect_id) = (
        direct["id"].as_str().unwrap().to_string(),
        indirect["id"].as_str().unwrap().to_string(),
    );
    assert_eq!(direct_id.len(), 16);
    let first_start = direct["start"].as_u64().unwrap();

    // A mistyped id among good ones changes nothing.
    let (code, _, err) = home.run_text(&["quotes", "accept", &direct_id, "0123456789abcdef"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("no quotation has the id 0123456789abcdef"),
        "{err}"
    );
    assert!(quotes(&home, &["--status", "accepted"]).is_empty());
    let (code, _, err) = home.run_text(&["quotes", "accept", "abc"]);
    assert_eq!(code, 2, "an id too short to be one is a usage error");
    assert!(err.contains("at least 6"), "{err}");

    // Accept by a prefix, reject by the full id.
    let (code, out, _) = home.run_text(&["quotes", "accept", &direct_id[..8]]);
    assert_eq!(code, 0);
    assert!(out.contains("accepted"), "{out}");
    let (code, _, _) = home.run_text(&["quotes", "reject", &indirect_id]);
    assert_eq!(code, 0);
    let accepted = quotes(&home, &["--status", "accepted"]);
    assert_eq!(accepted.len(), 1);
    assert_eq!(accepted[0]["id"], direct_id.as_str());

    // Second fetch: the teaser changed, and the page is now fetched; its text replaces the
    // teaser, with curly quote marks and more quotations. The ids and decisions hold.
    srv.swap("teaser", "quotes-teaser-updated.xml");
    home.write_config(&outlet_with_pages("wire", &["wire.example"], &[feed]));
    let (code, report) = home.fetch_all();
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["articles_fetched"], 1, "{report}");
    let second = quotes(&home, &[]);
    let direct = by_text(&second, "The coalition is aware");
    assert_eq!(direct["id"], direct_id.as_str());
    assert_eq!(direct["status"], "accepted");
    assert_ne!(
        direct["start"].as_u64().unwrap(),
        first_start,
        "offsets point into the page's text now"
    );
    let indirect = by_text(&second, "the United States was looking into");
    assert_eq!(indirect["id"], indirect_id.as_str());
    assert_eq!(indirect["status"], "rejected");
    let story = &home.stories(&[])[0];
    assert_eq!(story["text_source"], "article", "{story}");

    // Filters.
    assert_eq!(quotes(&home, &["--speaker", "COALITION spokes"]).len(), 1);
    assert_eq!(quotes(&home, &["--search", "\"ATTACK on k1 base"]).len(), 1);
    assert_eq!(quotes(&home, &["--outlet", "wire"]).len(), second.len());
    let (code, _, err) = home.run_text(&["quotes", "--since", "all", "--outlet", "other"]);
    assert_eq!(
        code, 2,
        "an unknown outlet id is a mistake, not an empty list"
    );
    assert!(err.contains("known ids: wire"), "{err}");
    assert_eq!(
        quotes(&home, &["--status", "candidate"]).len(),
        second.len() - 2
    );
    assert_eq!(quotes(&home, &["--status", "rejected"]).len(), 1);
    let (code, out, err) = home.run_text(&["quotes"]);
    assert_eq!(code, 0, "nothing since yesterday is not a problem");
    assert!(out.is_empty());
    assert!(err.contains("--since all"), "{err}");

    // Human listing: grouped under the story, with ids and states.
    let (_, out, _) = home.run_text(&["quotes", "--since", "2019-12-27"]);
    assert!(out.contains("U.S. civilian contractor killed"), "{out}");
    assert!(out.contains(&format!("{direct_id}  accepted")), "{out}");

    // Citations: the post's "According to" line linking the page's canonical address, then
    // the passage word for word, then a blank line.
    let shown =
        json_lines(&home.run(&["stories", "show", story["id"].as_str().unwrap(), "--json"]));
    let canonical = shown[0]["article"]["canonical_url"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(direct["url"], canonical.as_str());
    let url = canonical.as_str();
    let (code, md, _) = home.run_text(&["quotes", "cite", &direct_id]);
    assert_eq!(code, 0);
    assert_eq!(
        md,
        format!("According to [wire]({url}):\n\n> “The coalition is aware of a rocket attack on K1 base in Kirkuk province,” a coalition spokesman said in a statement, adding that Iraqi security forces were leading the response and the investigation.\n\n")
    );
    let (_, html, _) = home.run_text(&["quotes", "cite", &direct_id, "--format", "html"]);
    assert!(
        html.starts_with(&format!(
            "<p>According to <a href=\"{url}\">wire</a>:</p>\n<blockquote>\n<p>“The coalition"
        )),
        "{html}"
    );
    let (_, text, _) = home.run_text(&["quotes", "cite", &indirect_id, "--format", "text"]);
    assert!(
        text.starts_with(&format!("According to wire ({url}):\n\nOne official said")),
        "{text}"
    );
    let cites = json_lines(&home.run(&["quotes", "cite", &direct_id, &indirect_id, "--json"]));
    assert_eq!(cites.len(), 2);
    assert_eq!(cites[1]["id"], indirect_id.as_str());

    // One quotation in full.
    let shown = json_lines(&home.run(&["quotes", "show", &direct_id, "--json"]));
    assert_eq!(shown[0]["status"], "accepted");
    assert_eq!(shown[0]["cue"], "said in a statement");
    assert!(shown[0]["passage"][0]
        .as_str()
        .unwrap()
        .ends_with("leading the response and the investigation."));

    // Back to a candidate.
    let (code, _, _) = home.run_text(&["quotes", "reset", &direct_id]);
    assert_eq!(code, 0);
    assert!(quotes(&home, &["--status", "accepted"]).is_empty());
}
