//! `quotewire fetch` end to end: a real HTTP server on 127.0.0.1 serves the fixtures, the real
//! binary fetches them into a real sled database in a temporary folder, and each test asserts
//! what was stored (or not) through `stories --json` and `feeds --json`.

mod support;

use serde_json::Value;
use support::{outlet, Home, Server};

fn by_title<'a>(stories: &'a [Value], title: &str) -> &'a Value {
    stories
        .iter()
        .find(|s| s["title"] == title)
        .unwrap_or_else(|| panic!("no story titled {title:?} in {stories:#?}"))
}

fn count_outlet(stories: &[Value], outlet: &str) -> usize {
    stories.iter().filter(|s| s["outlet"] == outlet).count()
}

#[test]
fn every_format_and_encoding_is_stored_right() {
    let srv = Server::start();
    let home = Home::new();
    let mut cfg = String::new();
    cfg += &outlet("aljazeera", &["aljazeera.com"], &[srv.url("/f/rss2.xml")]);
    cfg += &outlet("antiwar", &["antiwar.com"], &[srv.url("/f/rss1.xml")]);
    cfg += &outlet(
        "defensepost",
        &["thedefensepost.com"],
        &[srv.url("/f/atom.xml")],
    );
    cfg += &outlet(
        "middleeasteye",
        &["middleeasteye.net"],
        &[srv.url("/f/jsonfeed.json")],
    );
    cfg += &outlet("newarab", &["newarab.com"], &[srv.url("/f/win1252.xml")]);
    cfg += &outlet(
        "xinhua",
        &["news.cn"],
        &[srv.url("/f/win1252-noprolog.xml?charset=windows-1252")],
    );
    cfg += &outlet(
        "militarytimes",
        &["militarytimes.com"],
        &[srv.url("/f/entities.xml")],
    );
    home.write_config(&cfg);

    let (code, report) = home.fetch_all();
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["feeds_changed"], 7, "{report}");
    assert_eq!(report["feeds_failed"], 0, "{report}");
    assert_eq!(report["stories_new"], 5 + 3 + 4 + 3 + 3 + 2 + 2, "{report}");

    let stories = home.stories(&[]);
    assert_eq!(stories.len(), 22);
    for (outlet, n) in [
        ("aljazeera", 5),
        ("antiwar", 3),
        ("defensepost", 4),
        ("middleeasteye", 3),
        ("newarab", 3),
        ("xinhua", 2),
        ("militarytimes", 2),
    ] {
        assert_eq!(count_outlet(&stories, outlet), n, "stories of {outlet}");
    }

    // Tracking parameters and the fragment are gone from the stored URL.
    let strikes = by_title(
        &stories,
        "US air strikes hit Kataib Hezbollah bases in Iraq and Syria",
    );
    assert_eq!(
        strikes["url"],
        "https://www.aljazeera.com/news/2019/12/29/us-air-strikes-hit-kataib-hezbollah-bases-in-iraq-and-syria"
    );
    assert_eq!(strikes["published"], "2019-12-29T22:15:00Z");
    assert!(
        strikes["content_length"].as_u64().unwrap() > 100,
        "content:encoded kept"
    );

    // Atom: relative links resolved against xml:base, including an entry's own xml:base.
    let soleimani = by_title(
        &stories,
        "US strike at Baghdad airport kills Quds Force chief Soleimani and militia leader Muhandis",
    );
    assert_eq!(
        soleimani["url"],
        "https://www.thedefensepost.com/2020/01/03/us-strike-baghdad-airport-soleimani-muhandis/"
    );

    // windows-1252 by XML prolog, and by HTTP charset alone.
    by_title(
        &stories,
        "Baghdad\u{2019}s caf\u{e9} crowds watch embassy standoff \u{2014} \u{201c}This is not over\u{201d}",
    );
    by_title(
        &stories,
        "Baghdad residents voice \u{201c}anxiety\u{201d} after airport strike; caf\u{e9} trade slows",
    );

    // HTML entities and bare ampersands in a feed that is not well-formed XML.
    let marines = by_title(&stories, "Marines & Army reinforce Baghdad embassy");
    assert_eq!(
        marines["url"],
        "https://www.militarytimes.com/news/your-military/2020/01/01/marines-and-army-reinforce-baghdad-embassy/?id=12&ref=rss"
    );
    by_title(
        &stories,
        "K1 base attack\u{a0}\u{2014} Pentagon communiqu\u{e9} confirms contractor\u{2019}s death",
    );

    // JSON Feed dates with an offset come out in UTC.
    let mee = by_title(
        &stories,
        "Iraq: US strike near Baghdad airport kills Soleimani and Muhandis",
    );
    assert_eq!(mee["published"], "2020-01-03T02:05:00Z");

    // --outlet and --since use the indexes and filter right.
    let aj = home.stories(&["--outlet", "aljazeera"]);
    assert_eq!(aj.len(), 5);
    assert!(aj.iter().all(|s| s["outlet"] == "aljazeera"));
    let recent = home.stories(&["--since", "2020-01-01"]);
    assert!(!recent.is_empty());
    assert!(recent
        .iter()
        .all(|s| s["published"].as_str().unwrap() >= "2020-01-01"));
    let newest_first: Vec<&str> = stories
        .iter()
        .map(|s| s["published"].as_str().unwrap())
        .collect();
    let mut sorted = newest_first.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(newest_first, sorted);
}

#[test]
fn second_pass_is_conditional_and_duplicates_nothing() {
    let srv = Server::start();
    let home = Home::new();
    home.write_config(&outlet(
        "aljazeera",
        &["aljazeera.com"],
        &[srv.url("/f/rss2.xml")],
    ));

    let (code, first) = home.fetch_all();
    assert_eq!(code, 0);
    assert_eq!(first["stories_new"], 5);
    let (code, second) = home.fetch_all();
    assert_eq!(code, 0);
    assert_eq!(second["feeds_not_modified"], 1, "{second}");
    assert_eq!(second["stories_new"], 0);
    assert_eq!(
        srv.conditional_hits("/f/rss2.xml"),
        1,
        "the second GET sent If-None-Match"
    );
    assert_eq!(home.stories(&[]).len(), 5);

    // Without --all nothing is due yet: no request is made.
    let (code, out, _) = home.run_text(&["fetch"]);
    assert_eq!(code, 0);
    assert!(out.contains("fetched 0 of 1 feed (1 not due)"), "{out}");
    assert_eq!(srv.hits("/f/rss2.xml"), 2);

    let feeds = home.feeds();
    assert_eq!(feeds[0]["status"], "ok");
    assert_eq!(feeds[0]["http_status"], 304);
    assert!(feeds[0]["next_due"].as_str().unwrap() > feeds[0]["last_attempt"].as_str().unwrap());
}

#[test]
fn unchanged_body_without_validators_is_not_parsed_again() {
    let srv = Server::start();
    let home = Home::new();
    home.write_config(&outlet(
        "bbc",
        &["bbc.co.uk"],
        &[srv.url("/noetag/guids.xml")],
    ));
    let (_, first) = home.fetch_all();
    assert_eq!(first["feeds_changed"], 1);
    let (_, second) = home.fetch_all();
    assert_eq!(second["feeds_unchanged"], 1, "{second}");
    assert_eq!(second["stories_unchanged"], 0, "no entries were looked at");
}

#[test]
fn an_updated_item_updates_its_story() {
    let srv = Server::start();
    srv.swap("aj", "rss2.xml");
    let home = Home::new();
    home.write_config(&outlet(
        "aljazeera",
        &["aljazeera.com"],
        &[srv.url("/swap/aj")],
    ));
    home.fetch_all();
    let before = home.stories(&[]);
    let old = by_title(
        &before,
        "Iraq's Nasiriya oilfield resumes output after protest shutdown",
    )
    .clone();

    srv.swap("aj", "rss2-updated.xml");
    let (code, report) = home.fetch_all();
    assert_eq!(code, 0);
    assert_eq!(report["stories_new"], 1, "{report}");
    assert_eq!(report["stories_updated"], 1, "{report}");
    assert_eq!(report["stories_unchanged"], 4, "{report}");

    let after = home.stories(&[]);
    assert_eq!(after.len(), 6, "an update never duplicates");
    let new = by_title(
        &after,
        "Iraq's Nasiriya oilfield back at full output as protesters lift blockade",
    );
    assert_eq!(new["id"], old["id"]);
    assert_eq!(new["first_seen"], old["first_seen"]);
    assert!(new["content_length"].as_u64() > old["content_length"].as_u64());
}

#[test]
fn the_same_story_in_two_outlets_feeds_is_one_story() {
    let srv = Server::start();
    let home = Home::new();
    let mut cfg = outlet("antiwar", &["antiwar.com"], &[srv.url("/f/outlet-a.xml")]);
    cfg += &outlet(
        "middleeasteye",
        &["middleeasteye.net"],
        &[srv.url("/f/outlet-b.xml")],
    );
    home.write_config(&cfg);
    let (code, report) = home.fetch_all();
    assert_eq!(code, 0);
    assert_eq!(report["stories_new"], 3, "{report}");
    let stories = home.stories(&[]);
    assert_eq!(stories.len(), 3);
    let shared = stories
        .iter()
        .find(|s| {
            s["url"] == "https://www.middleeasteye.net/news/us-embassy-baghdad-protesters-storm"
        })
        .expect("shared story");
    // The outlet is the one that owns the URL's host, whichever feed came first.
    assert_eq!(shared["outlet"], "middleeasteye");
    let outlets: Vec<&str> = shared["outlets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(outlets, ["middleeasteye", "antiwar"]);
    assert_eq!(shared["feeds"].as_array().unwrap().len(), 2);
}

#[test]
fn missing_and_duplicated_guids_give_stable_stories() {
    let srv = Server::start();
    srv.swap("bbc", "guids.xml");
    let home = Home::new();
    home.write_config(&outlet("bbc", &["bbc.co.uk"], &[srv.url("/swap/bbc")]));
    let (_, first) = home.fetch_all();
    assert_eq!(first["stories_new"], 5, "{first}");
    let stories = home.stories(&[]);
    // Two items sharing a guid but with different links are two stories.
    by_title(
        &stories,
        "US strikes Iran-backed militia bases in Iraq and Syria",
    );
    by_title(&stories, "Iraq condemns US air strikes on Kataib Hezbollah");
    // A permalink guid stands in for a missing link.
    let embassy = by_title(
        &stories,
        "US embassy in Baghdad attacked by militia supporters",
    );
    assert_eq!(
        embassy["url"],
        "https://www.bbc.co.uk/news/world-middle-east-50962225"
    );
    // An item with neither guid nor link is kept, without a URL, under a stable key.
    let linkless = by_title(
        &stories,
        "Qasem Soleimani: US kills top Iranian general in Baghdad air strike",
    );
    assert!(linkless["url"].is_null());

    // The feed changes and changes back, so the same document is parsed a second time: no
    // entry may come out as a new story (feed-rs would invent a fresh random id each parse).
    srv.swap("bbc", "rss2.xml");
    home.fetch_all();
    srv.swap("bbc", "guids.xml");
    let (_, again) = home.fetch_all();
    assert_eq!(again["feeds_changed"], 1, "{again}");
    assert_eq!(again["stories_new"], 0, "{again}");
    assert_eq!(again["stories_unchanged"], 5, "{again}");
    assert_eq!(home.stories(&[]).len(), 10);
    let again_linkless = by_title(
        &home.stories(&[]),
        "Qasem Soleimani: US kills top Iranian general in Baghdad air strike",
    )
    .clone();
    assert_eq!(again_linkless["id"], linkless["id"]);
}

#[test]
fn failures_are_isolated_reported_and_backed_off() {
    let srv = Server::start();
    let home = Home::new();
    let cfg = format!(
        "[fetch]\ntimeout = \"1s\"\nmax_body = \"256 KiB\"\n\n{}{}",
        outlet("aljazeera", &["aljazeera.com"], &[srv.url("/f/rss2.xml")]),
        outlet(
            "broken",
            &["broken.example"],
            &[
                srv.url("/status/500"),
                srv.url("/status/429"),
                srv.url("/slow/rss1.xml"),
                srv.url("/big"),
                srv.url("/loop/a"),
                srv.url("/f/not-a-feed.html"),
                srv.url("/status/410"),
                srv.url("/private"),
            ],
        )
    );
    home.write_config(&cfg);
    let (code, report) = home.fetch_all();
    assert_eq!(code, 1, "a failed feed makes exit 1: {report}");
    assert_eq!(report["feeds_changed"], 1);
    assert_eq!(report["feeds_failed"], 8);
    assert_eq!(
        report["stories_new"], 5,
        "the good feed is stored regardless"
    );
    assert_eq!(home.stories(&[]).len(), 5);

    let feeds = home.feeds();
    let feed = |suffix: &str| {
        feeds
            .iter()
            .find(|f| f["url"].as_str().unwrap().ends_with(suffix))
            .unwrap_or_else(|| panic!("no feed {suffix}"))
            .clone()
    };
    let error = |suffix: &str| feed(suffix)["last_result"].as_str().unwrap().to_string();
    assert!(error("/status/500").contains("HTTP 500"));
    assert!(
        error("/slow/rss1.xml").contains("timed out"),
        "{}",
        error("/slow/rss1.xml")
    );
    assert!(error("/big").contains("larger than"), "{}", error("/big"));
    assert!(
        error("/loop/a").contains("redirect loop"),
        "{}",
        error("/loop/a")
    );
    assert!(error("/f/not-a-feed.html").contains("HTML page"));
    assert!(
        error("/f/not-a-feed.html").contains("/xml/rss/all.xml"),
        "the advertised feed is named"
    );
    assert!(
        error("/private").contains("refused"),
        "{}",
        error("/private")
    );
    for f in &feeds {
        if f["outlet"] == "broken" {
            assert_eq!(f["error_count"], 1, "{f}");
        }
    }
    assert_eq!(feed("/status/410")["status"], "gone");

    // 429's Retry-After of 120 s is honoured.
    let f429 = feed("/status/429");
    let attempt =
        chrono::DateTime::parse_from_rfc3339(f429["last_attempt"].as_str().unwrap()).unwrap();
    let due = chrono::DateTime::parse_from_rfc3339(f429["next_due"].as_str().unwrap()).unwrap();
    assert!(due - attempt >= chrono::Duration::seconds(119), "{f429}");

    // Backoff: a plain fetch right after takes none of the failed feeds, and never the gone one.
    let (code, out, _) = home.run_text(&["fetch"]);
    assert_eq!(
        code, 1,
        "failing feeds keep the exit code up while not due: {out}"
    );
    assert!(out.contains("fetched 0 of 9 feeds"), "{out}");
    assert_eq!(out.matches("still failing").count(), 8, "{out}");
    assert!(out.contains("1 gone"), "{out}");
    assert_eq!(srv.hits("/status/500"), 1);
    // A second --all fetch counts the errors up, and still skips the gone feed.
    home.fetch_all();
    assert_eq!(srv.hits("/status/410"), 1);
    let feeds = home.feeds();
    let f500 = feeds
        .iter()
        .find(|f| f["url"].as_str().unwrap().ends_with("/status/500"))
        .unwrap();
    assert_eq!(f500["error_count"], 2);
}

#[test]
fn a_permanent_redirect_is_remembered() {
    let srv = Server::start();
    let home = Home::new();
    home.write_config(&outlet(
        "aljazeera",
        &["aljazeera.com"],
        &[srv.url("/moved/rss2.xml")],
    ));
    let (code, report) = home.fetch_all();
    assert_eq!(code, 0);
    assert_eq!(report["moved"][0][1], srv.url("/f/rss2.xml"), "{report}");
    home.fetch_all();
    assert_eq!(
        srv.hits("/moved/rss2.xml"),
        1,
        "the second pass went to the new URL"
    );
    assert_eq!(srv.hits("/f/rss2.xml"), 2);
    assert_eq!(home.feeds()[0]["moved_to"], srv.url("/f/rss2.xml"));
}

#[test]
fn a_storys_byline_and_update_come_from_its_page() {
    let srv = Server::start();
    let home = Home::new();
    home.write_config(&support::sample_outlets(&srv));
    let (code, report) = home.fetch_all();
    assert_eq!(code, 0, "{report}");
    let stories = home.stories(&[]);
    let story = stories
        .iter()
        .find(|s| {
            s["url"]
                .as_str()
                .is_some_and(|u| u.ends_with("/a01-reuters-jsonld.html"))
        })
        .expect("the a01 story");
    // The feed item names no author and no update; the page's JSON-LD names both.
    assert_eq!(
        story["authors"],
        serde_json::json!(["Karwan Jalal", "Peter Lindqvist"]),
        "{story}"
    );
    assert_eq!(story["published"], "2019-12-27T19:58:00Z", "{story}");
    assert_eq!(story["updated"], "2019-12-27T23:41:00Z", "{story}");
    // A page whose byline is a wire service names no author of its own.
    let copy = stories
        .iter()
        .find(|s| {
            s["url"]
                .as_str()
                .is_some_and(|u| u.ends_with("/a09-msn-copy-ap.html"))
        })
        .expect("the a09 story");
    assert_eq!(copy["authors"], serde_json::json!([]), "{copy}");
}
