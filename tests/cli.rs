//! The command-line contract: global options, exit codes, config errors, the database lock,
//! overlapping fetches and `feed inspect`.

mod support;

use std::time::{Duration, Instant};

use support::{fixture, outlet, Home, Server};

const MINIMAL: &str = r#"
[[outlet]]
id = "aljazeera"
name = "Al Jazeera"
domains = ["aljazeera.com"]
aliases = ["Aljazeera"]
feeds = ["https://www.aljazeera.com/xml/rss/all.xml"]
"#;

#[test]
fn a_bad_config_is_refused_with_file_line_and_fix() {
    let home = Home::new();
    for (text, line, says) in [
        (
            format!("{MINIMAL}colour = \"red\"\n"),
            8,
            "unknown field `colour`",
        ),
        (
            format!("{MINIMAL}\n[[outlet]]\nid = \"aljazeera\"\n"),
            10,
            "duplicate outlet id",
        ),
        (
            "[[outlet]]\nid = \"x\"\nfeeds = [\"ftp://x.example/f\"]\n".to_string(),
            3,
            "not http or https",
        ),
        (
            "[[outlet]]\nname = \"X\"\n".to_string(),
            1,
            "missing field `id`",
        ),
        ("[fetch]\nconcurrency = 0\n".to_string(), 2, "out of range"),
    ] {
        home.write_config(&text);
        let (code, _, err) = home.run_text(&["fetch"]);
        assert_eq!(code, 2, "{err}");
        let place = format!("{}:{line}:", home.config_path().display());
        assert!(err.contains(&place), "expected {place} in: {err}");
        assert!(err.contains(says), "expected {says:?} in: {err}");
        assert!(err.contains("fix:"), "{err}");
    }
}

#[test]
fn the_minimal_config_form_is_accepted() {
    let home = Home::new();
    home.write_config(MINIMAL);
    let (code, out, err) = home.run_text(&["feeds"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("https://www.aljazeera.com/xml/rss/all.xml"));
    assert!(out.contains("never fetched"));
}

#[test]
fn usage_errors_exit_2_and_help_exits_0() {
    let home = Home::new();
    home.write_config(MINIMAL);
    let (code, _, err) = home.run_text(&["fetch", "--bogus"]);
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = home.run_text(&["stories", "--since", "last tuesday"]);
    assert_eq!(code, 2);
    assert!(err.contains("fix:"), "{err}");
    let (code, out, _) = home.run_text(&["--help"]);
    assert_eq!(code, 0);
    for cmd in ["fetch", "stories", "feeds", "feed"] {
        assert!(out.contains(cmd), "{out}");
    }
}

#[test]
fn global_options_come_from_the_environment_too() {
    let srv = Server::start();
    let home = Home::new();
    home.write_config(&outlet(
        "aljazeera",
        &["aljazeera.com"],
        &[srv.url("/f/rss2.xml")],
    ));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_quotewire"))
        .args(["fetch", "--all"])
        .env("QUOTEWIRE_CONFIG", home.config_path())
        .env("QUOTEWIRE_DB", home.db_path())
        .current_dir(home.dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        home.db_path().join("sled").exists(),
        "the database went to QUOTEWIRE_DB"
    );
    assert_eq!(home.stories(&[]).len(), 5);
}

#[test]
fn a_held_database_is_waited_for_then_refused_with_exit_2() {
    let home = Home::new();
    home.write_config(MINIMAL);
    let store = quotewire::store::Store::open(&home.db_path(), "test", Duration::ZERO, &mut |_| {})
        .expect("open");
    let start = Instant::now();
    let (code, _, err) = home.run_text(&["--lock-wait", "1", "stories"]);
    assert_eq!(code, 2, "{err}");
    assert!(start.elapsed() >= Duration::from_secs(1), "it waited");
    assert!(err.contains("held by pid"), "{err}");
    assert!(err.contains("quotewire test"), "{err}");
    assert!(err.contains("--lock-wait"), "{err}");

    // Released while the second process waits: it goes on.
    let releaser = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(500));
        store.close().unwrap();
    });
    let (code, _, err) = home.run_text(&["--lock-wait", "10", "stories"]);
    releaser.join().unwrap();
    assert_eq!(code, 0, "{err}");
}

#[test]
fn a_second_fetch_while_one_runs_does_nothing_and_says_so() {
    let srv = Server::start();
    let home = Home::new();
    home.write_config(&outlet(
        "aljazeera",
        &["aljazeera.com"],
        &[srv.url("/f/rss2.xml")],
    ));
    std::fs::create_dir_all(home.db_path()).unwrap();
    let held = std::fs::File::create(home.db_path().join("fetch.lock")).unwrap();
    held.lock().unwrap();
    let (code, out, _) = home.run_text(&["fetch"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("another `quotewire fetch` is running"),
        "{out}"
    );
    assert_eq!(srv.hits("/f/rss2.xml"), 0);
    drop(held);
    let (code, out, _) = home.run_text(&["fetch"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("5 new"), "{out}");
}

#[test]
fn two_fetches_at_once_never_duplicate() {
    let srv = Server::start();
    let home = Home::new();
    home.write_config(&outlet(
        "aljazeera",
        &["aljazeera.com"],
        &[srv.url("/slow/rss2.xml"), srv.url("/f/guids.xml")],
    ));
    let a = std::thread::scope(|s| {
        let a = s.spawn(|| home.run_text(&["fetch", "--all"]));
        std::thread::sleep(Duration::from_millis(300));
        let b = home.run_text(&["fetch", "--all"]);
        assert_eq!(b.0, 0, "{b:?}");
        a.join().unwrap()
    });
    assert_eq!(a.0, 0, "{a:?}");
    assert_eq!(home.stories(&[]).len(), 10);
}

#[test]
fn feed_inspect_prints_the_documented_json() {
    let home = Home::new();
    home.write_config(MINIMAL);
    let path = fixture("feeds/atom.xml");
    let (code, out, err) = home.run_text(&["feed", "inspect", path.to_str().unwrap(), "--json"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.lines().count(), 1, "one object");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["feed"]["title"], "The Defense Post");
    assert_eq!(v["feed"]["link"], "https://www.thedefensepost.com/");
    let entries = v["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 4);
    for key in ["title", "link", "id", "summary", "published", "updated"] {
        assert!(entries[0].get(key).is_some(), "entries have {key}");
    }
    assert_eq!(
        entries[0]["id"],
        "tag:thedefensepost.com,2020-01-03:post-101874"
    );
    assert_eq!(entries[0]["published"], "2020-01-03T01:10:00Z");

    // Over HTTP, with the HTTP charset applied.
    let srv = Server::start();
    let url = srv.url("/f/win1252-noprolog.xml?charset=windows-1252");
    let (code, out, err) = home.run_text(&["feed", "inspect", &url, "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["feed"]["title"], "Xinhua \u{2013} Middle East");

    // Not a feed: exit 1 with the reason.
    let html = fixture("feeds/not-a-feed.html");
    let (code, _, err) = home.run_text(&["feed", "inspect", html.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(err.contains("HTML page"), "{err}");
    // No such file: could not run.
    let (code, _, err) = home.run_text(&["feed", "inspect", "/nonexistent/feed.xml"]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn the_database_is_free_while_a_fetch_waits_on_the_network() {
    let srv = Server::start();
    let home = Home::new();
    home.write_config(&outlet(
        "aljazeera",
        &["aljazeera.com"],
        &[srv.url("/slow/rss2.xml"), srv.url("/f/guids.xml")],
    ));
    std::thread::scope(|s| {
        let fetch = s.spawn(|| home.run_text(&["fetch"]));
        // The fast feed is in and the slow one (3 s) is not: no waiting allowed, and still the
        // author's command gets the database.
        std::thread::sleep(Duration::from_millis(1200));
        let (code, _, err) = home.run_text(&["--lock-wait", "0", "stories"]);
        assert_eq!(code, 0, "the database was held during network work: {err}");
        let (code, out, _) = fetch.join().unwrap();
        assert_eq!(code, 0, "{out}");
        assert!(out.contains("10 new"), "{out}");
    });
}

#[test]
fn quotes_extract_prints_offsets_into_the_text() {
    let home = Home::new();
    home.write_config(MINIMAL);
    let text = "Secretary of State Mike Pompeo spoke on Monday.\n\n“They took a strike at an American facility,” Pompeo said.\n\nOne official said the United States was looking into the possible involvement of Kataib Hezbollah.\n";
    let path = home.dir.path().join("story.txt");
    std::fs::write(&path, text).unwrap();
    let lines =
        support::json_lines(&home.run(&["quotes", "extract", path.to_str().unwrap(), "--json"]));
    assert_eq!(lines.len(), 2, "{lines:#?}");
    let chars: Vec<char> = text.chars().collect();
    for q in &lines {
        let (s, e) = (
            q["start"].as_u64().unwrap() as usize,
            q["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(
            chars[s..e].iter().collect::<String>(),
            q["text"].as_str().unwrap()
        );
        for key in ["speaker", "cue", "kind"] {
            assert!(q.get(key).is_some(), "{key} in {q}");
        }
    }
    assert_eq!(lines[0]["speaker"], "Mike Pompeo");
    assert_eq!(lines[0]["kind"], "direct");
    assert_eq!(lines[1]["kind"], "indirect");
}
