//! Hostile input never stops a fetch pass, end to end: the test server (127.0.0.1) serves
//! good feeds beside feeds and pages built to break parsers (100,000 levels of nesting, UTF-16
//! that says it is UTF-8, 50,000 entries, 40,000 quote paragraphs, a truncated deep
//! document). `quotewire fetch` must store every good story and what can be read of the
//! hostile ones (cut to the limits, and saying so), record the one feed that is no feed as
//! failed, exit 1, and let readers in while it works.

mod support;

use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use serde_json::Value;
use support::{outlet, outlet_with_pages, Home, Server};

const DEEP: usize = 100_000;

fn rss(title: &str, items: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel>\
         <title>{title}</title><link>https://hostile.example/</link>\
         <description>Written for quotewire's tests</description>\n{items}</channel></rss>\n"
    )
}

fn item(title: &str, link: &str, description: &str) -> String {
    format!(
        "<item><title>{title}</title><link>{link}</link>\
         <pubDate>Thu, 02 Jan 2020 10:00:00 GMT</pubDate>\
         <description>{description}</description></item>\n"
    )
}

fn by_title<'a>(stories: &'a [Value], title: &str) -> &'a Value {
    stories
        .iter()
        .find(|s| s["title"] == title)
        .unwrap_or_else(|| panic!("no story titled {title:?} among {} stories", stories.len()))
}

/// The hostile server: (feeds with pages, feeds without).
fn serve(srv: &Server) -> (Vec<String>, Vec<String>) {
    // A page nested 100,000 levels deep, with an article around it.
    let para = "Officials in Baghdad said on Thursday that the talks would resume next week, \
                after a pause that both sides blamed on the other.";
    let deep_page = format!(
        "<!DOCTYPE html><html><head><title>Deep page</title></head><body><article>\
         <h1>Deep page</h1><p>{para}</p>{}<p>The innermost paragraph is still read.</p>{}\
         <p>{para}</p></article></body></html>",
        "<div>".repeat(DEEP),
        "</div>".repeat(DEEP)
    );
    srv.put("deep-page.html", "text/html; charset=utf-8", deep_page);
    // A page of 40,000 identical quote paragraphs and no speaker.
    let quotes_page = format!(
        "<!DOCTYPE html><html><head><title>Quote page</title></head><body><article>{}\
         </article></body></html>",
        "<p>“We will not allow this to happen again and again.”</p>\n".repeat(40_000)
    );
    srv.put("quotes-page.html", "text/html; charset=utf-8", quotes_page);

    let pages = rss(
        "Pages desk",
        &[
            item(
                "A good page",
                &srv.url("/a/a01-reuters-jsonld.html"),
                "A teaser.",
            ),
            item("A deep page", &srv.url("/made/deep-page.html"), "A teaser."),
            item(
                "A page of quotes",
                &srv.url("/made/quotes-page.html"),
                "A teaser.",
            ),
        ]
        .concat(),
    );
    srv.put("pages.xml", "application/rss+xml", pages);

    // A feed whose second item's description nests 100,000 elements.
    let deep = format!("{}deep{}", "<x>".repeat(DEEP), "</x>".repeat(DEEP));
    let deep_feed = rss(
        "Deep feed",
        &[
            item(
                "Before the deep item",
                "https://hostile.example/a",
                "Plain.",
            ),
            format!(
                "<item><title>The deep item</title><link>https://hostile.example/b</link>\
                 <description>Its text.</description>{deep}</item>\n"
            ),
            item(
                "Escaped deep markup",
                "https://hostile.example/c",
                &format!("{}escaped text", "&lt;b&gt;".repeat(DEEP)),
            ),
        ]
        .concat(),
    );
    srv.put("deep.xml", "application/rss+xml", deep_feed);

    // UTF-16 without a byte order mark whose declaration says UTF-8: it panicked the parser.
    let utf16: Vec<u8> = rss(
        "Wide feed",
        &item(
            "Written in UTF-16",
            "https://hostile.example/wide",
            "Wide text.",
        ),
    )
    .encode_utf16()
    .flat_map(u16::to_le_bytes)
    .collect();
    srv.put("utf16.xml", "application/xml", utf16);

    // 50,000 entries.
    let many: String = (0..50_000)
        .map(|i| {
            item(
                &format!("Entry {i}"),
                &format!("https://hostile.example/e/{i}"),
                "x",
            )
        })
        .collect();
    srv.put("many.xml", "application/rss+xml", rss("Long feed", &many));

    // A truncated document nested 100,000 levels: no feed at all.
    srv.put(
        "broken.xml",
        "application/rss+xml",
        format!("<rss version=\"2.0\"><channel>{}", "<x>".repeat(DEEP)),
    );

    let with_pages = vec![srv.url("/made/pages.xml")];
    let without = vec![
        srv.url("/f/rss2.xml"),
        srv.url("/f/atom.xml"),
        srv.url("/made/deep.xml"),
        srv.url("/made/utf16.xml"),
        srv.url("/made/many.xml"),
        srv.url("/made/broken.xml"),
    ];
    (with_pages, without)
}

#[test]
fn hostile_feeds_and_pages_never_stop_the_pass() {
    let srv = Server::start();
    let (with_pages, without) = serve(&srv);
    let home = Home::new();
    home.write_config(&format!(
        "{}{}",
        outlet_with_pages("pages", &["pages.example"], &with_pages),
        outlet("hostile", &["hostile.example"], &without)
    ));

    // Readers run beside the pass and must be let in within their --lock-wait.
    let done = Arc::new(AtomicBool::new(false));
    let reader = {
        let done = done.clone();
        let config = home.config_path();
        let db = home.db_path();
        std::thread::spawn(move || {
            let mut codes = Vec::new();
            while !done.load(Ordering::SeqCst) || codes.is_empty() {
                let out = Command::new(env!("CARGO_BIN_EXE_quotewire"))
                    .arg("--config")
                    .arg(&config)
                    .arg("--db")
                    .arg(&db)
                    .args(["--lock-wait", "10", "quotes", "--since", "all", "--json"])
                    .env("RUST_LOG", "warn")
                    .output()
                    .expect("run a reader");
                codes.push((
                    out.status.code().unwrap_or(-1),
                    String::from_utf8_lossy(&out.stderr).into_owned(),
                ));
            }
            codes
        })
    };
    let (code, report) = home.fetch_all();
    done.store(true, Ordering::SeqCst);
    let readers = reader.join().expect("reader thread");
    for (c, err) in &readers {
        // 0 once the database exists; a reader that came before the first write may find
        // none yet (exit 2 with "no database"), but none may give up waiting for the lock.
        assert!(
            *c == 0 || (*c == 2 && !err.contains("held")),
            "a reader was shut out ({c}): {err}"
        );
    }

    assert_eq!(code, 1, "the broken feed makes the pass exit 1: {report}");
    assert_eq!(report["feeds_failed"], 1, "{report}");
    assert_eq!(report["feeds_changed"], 6, "{report}");
    let failure = &report["failures"][0];
    assert!(
        failure["url"]
            .as_str()
            .unwrap_or_default()
            .ends_with("/made/broken.xml"),
        "{failure}"
    );

    let stories = home.stories(&[]);
    // Every good feed's stories, the readable part of every hostile one.
    for title in [
        "A good page",
        "A deep page",
        "A page of quotes",
        "Before the deep item",
        "The deep item",
        "Escaped deep markup",
        "Written in UTF-16",
        "Entry 0",
        "Entry 999",
    ] {
        by_title(&stories, title);
    }
    assert!(
        !stories.iter().any(|s| s["title"] == "Entry 1000"),
        "entries past the limit are not read"
    );
    let fixtures = stories.iter().filter(|s| s["outlet"] == "hostile").count();
    assert!(
        fixtures > 1000 + 4,
        "the fixture feeds' stories too: {fixtures}"
    );

    // The deep page's text, flattened, and the note that says so.
    let deep = by_title(&stories, "A deep page");
    assert_eq!(deep["text_source"], "article", "{deep}");
    let id = deep["id"].as_str().unwrap_or_default();
    let shown = support::json_lines(&home.run(&["stories", "show", id, "--json"]));
    let text = shown[0]["text"].as_str().unwrap_or_default();
    assert!(
        text.contains("The innermost paragraph is still read."),
        "{text}"
    );
    assert!(text.contains("Officials in Baghdad"), "{text}");
    let note = deep["text_note"].as_str().unwrap_or_default();
    assert!(note.contains("nested deeper than"), "{note}");

    // The quote page: stored, its quotations capped.
    let page = by_title(&stories, "A page of quotes");
    assert_eq!(page["text_source"], "article", "{page}");
    let id = page["id"].as_str().unwrap_or_default();
    let quotes = support::json_lines(&home.run(&["quotes", "--since", "all", "--json"]));
    let of_page = quotes.iter().filter(|q| q["story_id"] == id).count();
    assert!(of_page > 0 && of_page <= 1000, "{of_page} quotations kept");

    // The cuts are reported, and the feeds say what happened to each.
    let limited = report["limited"].as_array().cloned().unwrap_or_default();
    for (url, what) in [
        ("/made/many.xml", "49000 entries beyond the first 1000"),
        ("/made/deep.xml", "nested deeper than"),
        ("/made/deep-page.html", "nested deeper than"),
    ] {
        assert!(
            limited
                .iter()
                .any(|l| l[0].as_str().unwrap_or_default().ends_with(url)
                    && l[1].as_str().unwrap_or_default().contains(what)),
            "{url}: {limited:?}"
        );
    }
    let feeds = home.feeds();
    let state = |suffix: &str| {
        feeds
            .iter()
            .find(|f| f["url"].as_str().unwrap_or_default().ends_with(suffix))
            .unwrap_or_else(|| panic!("no state for {suffix}"))
            .clone()
    };
    let broken = state("/made/broken.xml");
    assert!(
        broken["last_result"]
            .as_str()
            .unwrap_or_default()
            .contains("not a feed"),
        "{broken}"
    );
    let many = state("/made/many.xml");
    assert_eq!(many["entries"], 1000, "{many}");
    assert!(
        many["last_result"]
            .as_str()
            .unwrap_or_default()
            .contains("limits"),
        "{many}"
    );
    let wide = state("/made/utf16.xml");
    assert_eq!(wide["error_count"], 0, "{wide}");
    assert_eq!(wide["entries"], 1, "{wide}");

    // A second pass changes nothing and loses nothing.
    let (code, again) = home.fetch_all();
    assert_eq!(code, 1, "{again}");
    assert_eq!(again["stories_new"], 0, "{again}");
    assert_eq!(home.stories(&[]).len(), stories.len());
}
