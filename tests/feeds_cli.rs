//! `quotewire feeds` end to end with the real binary: OPML import of every dialect in
//! fixtures/opml/, export and import back, `feeds add` checked against the test server,
//! remove / enable / disable keeping every other byte of a commented feeds.toml, revive after a
//! 410, per-feed request settings as the server sees them, `fetch --outlet` / `--feed`, and
//! `feeds --check`'s exit codes.

mod support;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use quotewire::config::Config;
use serde_json::Value;
use support::{fixture, json_lines, outlet, Home, Server};

fn opml(name: &str) -> String {
    fixture(&format!("opml/{name}")).display().to_string()
}

/// A home with an empty feeds.toml.
fn empty_home() -> Home {
    let home = Home::new();
    home.write_config("");
    home
}

fn config(home: &Home) -> Config {
    Config::load(&home.config_path()).expect("feeds.toml stays valid")
}

/// (outlet, url) of every feed, as `feeds --json` lists them.
fn feed_pairs(home: &Home) -> Vec<(String, String)> {
    home.feeds()
        .iter()
        .map(|f| {
            (
                f["outlet"].as_str().unwrap_or("").to_string(),
                f["url"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(o, u)| (o.to_string(), u.to_string()))
        .collect()
}

fn import(home: &Home, file: &str) -> (i32, String, String) {
    home.run_text(&["feeds", "import", &opml(file)])
}

#[test]
fn opml_1_0_and_1_1_make_outlets_from_the_site_host() {
    let home = empty_home();
    let (code, out, err) = import(&home, "opml-1.0.opml");
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("2 feeds added (2 new outlets), 0 already there, 0 refused"),
        "{out}"
    );
    assert_eq!(
        feed_pairs(&home),
        pairs(&[
            ("harbour-gazette", "https://harbour-gazette.example/rss.xml"),
            ("valley-courier", "https://feeds.valley-courier.example/all"),
        ])
    );
    let c = config(&home);
    let valley = c.outlet("valley-courier").unwrap();
    assert_eq!(valley.name, "Valley Courier");
    // The site's host (htmlUrl), without www., not the feed host's.
    assert_eq!(valley.domains, ["valley-courier.example"]);
    assert_eq!(
        c.outlet("harbour-gazette").unwrap().domains,
        ["harbour-gazette.example"]
    );

    let (code, out, _) = import(&home, "opml-1.1.opml");
    assert_eq!(code, 0, "{out}");
    assert_eq!(feed_pairs(&home).len(), 3);
    assert_eq!(
        config(&home).outlet("northern-wire").unwrap().name,
        "Northern Wire"
    );
}

#[test]
fn opml_2_0_feeds_of_one_site_share_an_outlet() {
    let home = empty_home();
    let (code, out, err) = import(&home, "opml-2.0.opml");
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(
        feed_pairs(&home),
        pairs(&[
            ("coastal-times", "https://coastal-times.example/world.rss"),
            (
                "coastal-times",
                "https://coastal-times.example/business.rss"
            ),
            ("atom-desk", "https://atom-desk.example/atom.xml"),
        ])
    );
    // Without htmlUrl, the feed's own host is the domain.
    assert_eq!(
        config(&home).outlet("atom-desk").unwrap().domains,
        ["atom-desk.example"]
    );
}

#[test]
fn nested_folders_are_recorded_above_the_new_outlets() {
    let home = empty_home();
    let (code, out, err) = import(&home, "nested.opml");
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(
        feed_pairs(&home),
        pairs(&[
            ("globe-dispatch", "https://globe-dispatch.example/rss"),
            ("town-crier", "https://town-crier.example/feed"),
        ])
    );
    let text = std::fs::read_to_string(home.config_path()).unwrap();
    assert!(
        text.contains("# OPML folder: News / World\n[[outlet]]\nid = \"globe-dispatch\""),
        "{text}"
    );
    assert!(
        text.contains("# OPML folder: News / Local\n[[outlet]]\nid = \"town-crier\""),
        "{text}"
    );
    assert!(!text.contains("Empty folder"), "{text}");
}

#[test]
fn attribute_names_in_any_case() {
    let home = empty_home();
    let (code, out, err) = import(&home, "mixed-case.opml");
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(
        feed_pairs(&home),
        pairs(&[
            ("upper-wire", "https://upper-wire.example/rss"),
            ("lower-wire", "https://lower-wire.example/rss"),
            ("camel-wire", "https://camel-wire.example/rss"),
        ])
    );
    assert_eq!(
        config(&home).outlet("upper-wire").unwrap().name,
        "Upper Wire"
    );
}

#[test]
fn names_from_text_then_title_then_host_and_entities() {
    let home = empty_home();
    let (code, out, err) = import(&home, "names.opml");
    assert_eq!(code, 0, "{out}{err}");
    let c = config(&home);
    assert_eq!(
        c.outlet("text-only-herald").unwrap().name,
        "Text Only Herald"
    );
    assert_eq!(
        c.outlet("title-only-observer").unwrap().name,
        "Title Only Observer"
    );
    assert_eq!(
        c.outlet("nameless-example").unwrap().name,
        "nameless.example"
    );
    let fish = c.outlet("fish-chips-weekly").unwrap();
    assert_eq!(fish.name, "Fish & Chips Weekly");
    assert_eq!(
        fish.feeds[0].url.as_str(),
        "https://fish-and-chips.example/rss?a=1&b=2"
    );
}

#[test]
fn the_declared_latin1_encoding_is_read() {
    let home = empty_home();
    let (code, out, err) = import(&home, "latin1.opml");
    assert_eq!(code, 0, "{out}{err}");
    let c = config(&home);
    assert_eq!(
        c.outlet("le-journal-de-l-ete").unwrap().name,
        "Le Journal de l'Été"
    );
    // A named HTML entity in an OPML file is repaired as in feeds.
    assert_eq!(c.outlet("cafe-economique").unwrap().name, "Café économique");
}

#[test]
fn a_missing_version_and_an_empty_body_are_fine() {
    let home = empty_home();
    let (code, out, _) = import(&home, "no-version.opml");
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        feed_pairs(&home),
        pairs(&[("versionless-post", "https://versionless.example/rss")])
    );
    let before = std::fs::read_to_string(home.config_path()).unwrap();
    let (code, out, _) = import(&home, "empty-body.opml");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("0 feeds added"), "{out}");
    assert_eq!(std::fs::read_to_string(home.config_path()).unwrap(), before);
}

#[test]
fn refused_lines_say_why_and_exit_1() {
    let home = empty_home();
    let out = home.run(&["feeds", "import", &opml("refused.opml"), "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let by_line = |n: u64| lines.iter().find(|l| l["line"] == n).unwrap().clone();
    assert_eq!(by_line(5)["action"], "added");
    assert_eq!(by_line(5)["outlet"], "good-wire");
    assert_eq!(by_line(5)["new_outlet"], true);
    for (n, why) in [
        (6, "not http or https"),
        (7, "no xmlUrl"),
        (8, "not a valid URL"),
        (9, "not http or https"),
        (10, "private or loopback"),
    ] {
        let l = by_line(n);
        assert_eq!(l["action"], "refused", "{l}");
        assert!(l["reason"].as_str().unwrap().contains(why), "{l}");
    }
    assert_eq!(by_line(11)["action"], "skipped");
    assert!(by_line(11)["reason"].as_str().unwrap().contains("line 5"));
    // The good line was written anyway.
    assert_eq!(
        feed_pairs(&home),
        pairs(&[("good-wire", "https://good-wire.example/rss")])
    );
    // --allow-private takes the router's feed.
    let (code, out, _) =
        home.run_text(&["feeds", "import", &opml("refused.opml"), "--allow-private"]);
    assert_eq!(code, 1, "{out}");
    assert!(config(&home).feed("http://192.168.1.1/rss").is_some());
}

#[test]
fn importing_twice_skips_everything_the_second_time() {
    let home = empty_home();
    let (code, _, _) = import(&home, "nested.opml");
    assert_eq!(code, 0);
    let after_first = std::fs::read_to_string(home.config_path()).unwrap();
    let out = home.run(&["feeds", "import", &opml("nested.opml"), "--json"]);
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 2);
    assert!(lines.iter().all(|l| l["action"] == "skipped"), "{lines:?}");
    assert_eq!(
        std::fs::read_to_string(home.config_path()).unwrap(),
        after_first
    );
}

#[test]
fn dry_run_writes_nothing() {
    let home = empty_home();
    let (code, out, _) = home.run_text(&["feeds", "import", &opml("opml-2.0.opml"), "--dry-run"]);
    assert_eq!(code, 0);
    assert!(out.contains("dry run"), "{out}");
    assert_eq!(std::fs::read_to_string(home.config_path()).unwrap(), "");
}

#[test]
fn export_then_import_gives_the_same_feeds() {
    let home = Home::new();
    home.write_config(
        r#"[[outlet]]
id = "harbour"
name = "Harbour Gazette & Co"
domains = ["harbour-gazette.example", "hg.example"]
feeds = [
  "https://harbour-gazette.example/world.rss",
  { url = "https://cdn.feeds.example/harbour/sport", interval = "2h" },
  { url = "https://harbour-gazette.example/old.rss", enabled = false },
]

[[outlet]]
id = "wire"
name = "Wire Service"
domains = ["wire-service.example"]
feeds = []

[[outlet]]
id = "valley"
name = "Valley Courier"
domains = ["valley-courier.example"]
feeds = ["https://valley-courier.example/rss?x=1&y=2"]
"#,
    );
    let exported = home.dir.path().join("out.opml");
    let (code, _, err) =
        home.run_text(&["feeds", "export", "--output", exported.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let (code, stdout, _) = home.run_text(&["feeds", "export"]);
    assert_eq!(code, 0);
    assert!(stdout.starts_with("<?xml"), "{stdout}");
    assert!(stdout.contains("<opml version=\"2.0\""), "{stdout}");

    let other = empty_home();
    let (code, out, err) = other.run_text(&["feeds", "import", exported.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    let (a, b) = (config(&home), config(&other));
    let summary = |c: &Config| -> BTreeSet<String> {
        c.feeds()
            .map(|f| format!("{} {} {} {:?}", f.outlet, f.url, f.enabled, f.interval))
            .collect()
    };
    assert_eq!(summary(&a), summary(&b));
    for id in ["harbour", "valley"] {
        let (x, y) = (a.outlet(id).unwrap(), b.outlet(id).unwrap());
        assert_eq!(x.name, y.name);
        assert_eq!(x.domains, y.domains);
    }
}

#[test]
fn add_checks_the_feed_and_follows_a_page_to_its_feed() {
    let srv = Server::start();
    let home = empty_home();
    let url = srv.url("/f/rss2.xml");
    let (code, out, err) = home.run_text(&["feeds", "add", &url]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("Al Jazeera – Middle East"), "{out}");
    assert!(out.contains("5 entries"), "{out}");
    // The feed's <link> host is the new outlet's domain.
    let c = config(&home);
    let f = c.feed(&url).unwrap();
    assert_eq!(c.outlet(&f.outlet).unwrap().domains, ["aljazeera.com"]);

    // A page that advertises a feed: the feed is added.
    srv.put(
        "home.html",
        "text/html",
        format!(
            "<!DOCTYPE html><html><head><title>Home</title><link rel=\"alternate\" type=\"application/rss+xml\" href=\"{}\"></head><body><p>Hello</p></body></html>",
            "/f/atom.xml"
        ),
    );
    let (code, out, err) = home.run_text(&[
        "feeds",
        "add",
        &srv.url("/made/home.html"),
        "--outlet",
        &f.outlet,
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("is an HTML page; it advertises the feed"),
        "{out}"
    );
    let atom = srv.url("/f/atom.xml");
    assert_eq!(config(&home).feed(&atom).unwrap().outlet, f.outlet);

    // Adding it again changes nothing.
    let before = std::fs::read_to_string(home.config_path()).unwrap();
    let (code, out, _) = home.run_text(&["feeds", "add", &atom]);
    assert_eq!(code, 0);
    assert!(out.contains("already in"), "{out}");

    // A page advertising a feed that is not there, and a 404: refused, nothing written.
    let (code, _, err) = home.run_text(&["feeds", "add", &srv.url("/f/not-a-feed.html")]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("advertises the feed"), "{err}");
    assert!(err.contains("HTTP 404"), "{err}");
    let (code, _, err) = home.run_text(&["feeds", "add", &srv.url("/status/404")]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("nothing was added"), "{err}");
    assert_eq!(std::fs::read_to_string(home.config_path()).unwrap(), before);

    // An unknown outlet id: exit 2, naming the known ones.
    let (code, _, err) = home.run_text(&[
        "feeds",
        "add",
        "https://x.example/f",
        "--outlet",
        "nope",
        "--no-check",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains(&format!("known ids: {}", f.outlet)), "{err}");
    // --no-check adds offline, with --name for the new outlet.
    let (code, out, err) = home.run_text(&[
        "feeds",
        "add",
        "https://x.example/f",
        "--no-check",
        "--name",
        "X Wire",
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(
        config(&home).outlet("x-wire").unwrap().domains,
        ["x.example"]
    );
}

/// Removes the first occurrence of `line` (with its newline) from `text`, which must hold it.
fn without(text: &str, line: &str) -> String {
    assert!(text.contains(line), "{line:?} not in\n{text}");
    text.replacen(line, "", 1)
}

#[test]
fn edits_keep_every_other_byte_of_a_commented_file() {
    let original = std::fs::read_to_string(fixture("opml/commented.feeds.toml")).unwrap();
    let home = Home::new();
    home.write_config(&original);
    let read = || std::fs::read_to_string(home.config_path()).unwrap();

    let (code, out, err) = home.run_text(&[
        "feeds",
        "remove",
        "https://harbour-gazette.example/world.rss",
    ]);
    assert_eq!(code, 0, "{out}{err}");
    let expect = without(
        &original,
        "  \"https://harbour-gazette.example/world.rss\",     # the main one\n",
    );
    assert_eq!(read(), expect);

    let (code, _, err) = home.run_text(&[
        "feeds",
        "disable",
        "https://harbour-gazette.example/business.rss",
    ]);
    assert_eq!(code, 0, "{err}");
    let disabled = expect.replace(
        "  \"https://harbour-gazette.example/business.rss\",\n",
        "  { url = \"https://harbour-gazette.example/business.rss\", enabled = false },\n",
    );
    assert_ne!(disabled, expect);
    assert_eq!(read(), disabled);
    assert!(
        !config(&home)
            .feed("https://harbour-gazette.example/business.rss")
            .unwrap()
            .enabled
    );

    let (code, _, _) = home.run_text(&[
        "feeds",
        "enable",
        "https://harbour-gazette.example/business.rss",
    ]);
    assert_eq!(code, 0);
    assert_eq!(read(), expect);

    let (code, _, err) = home.run_text(&[
        "feeds",
        "add",
        "https://harbour-gazette.example/local.rss",
        "--no-check",
    ]);
    assert_eq!(code, 0, "{err}");
    let added = expect.replace(
        "  { url = \"https://harbour-gazette.example/sport.rss\", interval = \"2h\" },  # slow\n",
        "  { url = \"https://harbour-gazette.example/sport.rss\", interval = \"2h\" },  # slow\n  \"https://harbour-gazette.example/local.rss\",\n",
    );
    assert_ne!(added, expect);
    assert_eq!(read(), added);

    let (code, _, _) = home.run_text(&[
        "feeds",
        "add",
        "https://wire-service.example/rss",
        "--no-check",
    ]);
    assert_eq!(code, 0);
    let added = added.replace(
        "domains = [\"wire-service.example\"]\nfeeds = []\n",
        "domains = [\"wire-service.example\"]\nfeeds = [\n  \"https://wire-service.example/rss\",\n]\n",
    );
    assert_eq!(read(), added);

    let (code, _, _) = home.run_text(&["feeds", "remove", "https://valley-courier.example/rss"]);
    assert_eq!(code, 0);
    let removed = added.replace(
        "[\"https://valley-courier.example/rss\", \"https://valley-courier.example/local.rss\"]",
        "[\"https://valley-courier.example/local.rss\"]",
    );
    assert_eq!(read(), removed);

    // An unknown URL: exit 2 with the nearest configured URLs; the file is untouched.
    let (code, _, err) =
        home.run_text(&["feeds", "remove", "https://valley-courier.example/locl.rss"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("nearest configured URLs:\n  https://valley-courier.example/local.rss"),
        "{err}"
    );
    assert_eq!(read(), removed);
}

#[test]
fn revive_clears_gone_so_the_next_fetch_tries_it() {
    let srv = Server::start();
    let home = Home::new();
    let gone = srv.url("/status/410");
    home.write_config(&outlet(
        "aj",
        &["aljazeera.com"],
        &[gone.clone(), srv.url("/f/rss2.xml")],
    ));
    let (code, _) = home.fetch_all();
    assert_eq!(code, 1);
    let state = |home: &Home| home.feeds().into_iter().find(|f| f["url"] == gone).unwrap();
    assert_eq!(state(&home)["status"], "gone");
    // A gone feed is skipped, even by --all.
    home.fetch_all();
    assert_eq!(srv.hits("/status/410"), 1);

    let (code, out, err) = home.run_text(&["feeds", "revive", &gone]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("it was gone"), "{out}");
    assert_eq!(state(&home)["gone"], false);
    assert_eq!(state(&home)["error_count"], 0);
    home.fetch_all();
    assert_eq!(
        srv.hits("/status/410"),
        2,
        "the revived feed is fetched again"
    );

    // Disabled in feeds.toml: revive says so.
    let (code, _, _) = home.run_text(&["feeds", "disable", &gone]);
    assert_eq!(code, 0);
    let (code, out, _) = home.run_text(&["feeds", "revive", &gone]);
    assert_eq!(code, 0);
    assert!(out.contains("disabled in"), "{out}");
    let (code, _, err) = home.run_text(&["feeds", "revive", &srv.url("/status/41")]);
    assert_eq!(code, 2);
    assert!(err.contains("/status/410"), "{err}");
}

/// A one-route HTTP server that records each request's header block and answers with a feed.
fn recording_server() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    let body = std::fs::read(fixture("feeds/rss2.xml")).expect("fixture");
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut head = String::new();
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                head.push_str(&line);
            }
            record.lock().unwrap().push(head.to_ascii_lowercase());
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(&body);
        }
    });
    (format!("http://{addr}"), seen)
}

#[test]
fn per_feed_user_agent_and_headers_reach_the_server() {
    let (base, seen) = recording_server();
    let home = Home::new();
    home.write_config(&format!(
        "[[outlet]]\nid = \"a\"\ndomains = [\"a.example\"]\nfetch_articles = false\nfeeds = [\n  {{ url = \"{base}/own\", user_agent = \"Mozilla/5.0 (compatible; test)\", headers = {{ \"Accept-Language\" = \"fr\", \"X-Token\" = \"t1\" }}, timeout = \"5s\" }},\n  \"{base}/plain\",\n]\n"
    ));
    let (code, report) = home.fetch_all();
    assert_eq!(code, 0, "{report}");
    let seen = seen.lock().unwrap().clone();
    let own = seen
        .iter()
        .find(|h| h.starts_with("get /own"))
        .expect("own fetched");
    let plain = seen
        .iter()
        .find(|h| h.starts_with("get /plain"))
        .expect("plain fetched");
    assert!(
        own.contains("user-agent: mozilla/5.0 (compatible; test)"),
        "{own}"
    );
    assert!(own.contains("accept-language: fr"), "{own}");
    assert!(own.contains("x-token: t1"), "{own}");
    assert!(plain.contains("user-agent: quotewire/"), "{plain}");
    assert!(!plain.contains("x-token"), "{plain}");

    // Host and hop-by-hop headers are refused with the file, line and fix.
    home.write_config(&format!(
        "[[outlet]]\nid = \"a\"\nfeeds = [\n  \"{base}/plain\",\n  {{ url = \"{base}/own\", headers = {{ Host = \"evil.example\" }} }},\n]\n"
    ));
    let (code, _, err) = home.run_text(&["feeds"]);
    assert_eq!(code, 2);
    assert!(err.contains("feeds.toml:5:"), "{err}");
    assert!(err.contains("\"Host\" may not be set"), "{err}");
    assert!(err.contains("fix:"), "{err}");
}

#[test]
fn fetch_outlet_and_feed_take_only_those() {
    let srv = Server::start();
    let home = Home::new();
    let mut cfg = outlet("aj", &["aljazeera.com"], &[srv.url("/f/rss2.xml")]);
    cfg += &outlet("antiwar", &["antiwar.com"], &[srv.url("/f/rss1.xml")]);
    cfg += &outlet("arab", &["newarab.com"], &[srv.url("/f/atom.xml")]);
    home.write_config(&cfg);

    let (code, out, err) = home.run_text(&["fetch", "--all", "--outlet", "antiwar"]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(
        (
            srv.hits("/f/rss1.xml"),
            srv.hits("/f/rss2.xml"),
            srv.hits("/f/atom.xml")
        ),
        (1, 0, 0)
    );
    assert!(out.contains("fetched 1 of 1 feed"), "{out}");

    let (code, _, _) = home.run_text(&[
        "fetch",
        "--all",
        "--feed",
        &srv.url("/f/atom.xml"),
        "--outlet",
        "aj",
    ]);
    assert_eq!(code, 0);
    assert_eq!(
        (
            srv.hits("/f/rss1.xml"),
            srv.hits("/f/rss2.xml"),
            srv.hits("/f/atom.xml")
        ),
        (1, 1, 1)
    );

    // Without --all, only the due ones: all three were just fetched.
    let (code, out, _) = home.run_text(&["fetch", "--outlet", "aj"]);
    assert_eq!(code, 0);
    assert_eq!(srv.hits("/f/rss2.xml"), 1, "{out}");

    let (code, _, err) = home.run_text(&["fetch", "--outlet", "bbc"]);
    assert_eq!(code, 2);
    assert!(err.contains("known ids: aj, antiwar, arab"), "{err}");
    let (code, _, err) = home.run_text(&["fetch", "--feed", &srv.url("/f/rss3.xml")]);
    assert_eq!(code, 2);
    assert!(err.contains(&srv.url("/f/rss")), "{err}");
}

#[test]
fn feeds_check_exits_1_only_for_an_enabled_feed_failing_or_gone() {
    let srv = Server::start();
    let home = Home::new();
    let bad = srv.url("/status/500");
    home.write_config(&outlet(
        "aj",
        &["aljazeera.com"],
        &[srv.url("/f/rss2.xml"), bad.clone()],
    ));
    // Before any fetch (no database): nothing is failing.
    let (code, _, err) = home.run_text(&["feeds", "--check"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        !home.db_path().exists(),
        "feeds --check creates no database"
    );
    let (code, _) = home.fetch_all();
    assert_eq!(code, 1);
    let (code, out, _) = home.run_text(&["feeds", "--check"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("failing"), "{out}");
    // Without --check the listing still exits 0.
    let (code, _, _) = home.run_text(&["feeds"]);
    assert_eq!(code, 0);
    // Disabled, the failing feed is only shown.
    let (code, _, _) = home.run_text(&["feeds", "disable", &bad]);
    assert_eq!(code, 0);
    let (code, out, _) = home.run_text(&["feeds", "--check"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("disabled"), "{out}");
    // --check and a subcommand do not mix.
    let (code, _, _) = home.run_text(&["feeds", "--check", "export"]);
    assert_eq!(code, 2);
}
