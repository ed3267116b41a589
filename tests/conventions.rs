//! The command line's conventions, end to end with the real binary: story ids by unique
//! prefix, `--limit 0`, unknown outlet ids named, binary and URL input refused with a fix,
//! read-only commands that create no database at a mistyped `--db`, completions and the man
//! page.

mod support;

use support::{fixture, outlet, Home, Server};

fn fetched_home() -> (Server, Home) {
    let srv = Server::start();
    let home = Home::new();
    home.write_config(&format!(
        "{}{}",
        outlet("aljazeera", &["aljazeera.com"], &[srv.url("/f/rss2.xml")]),
        outlet("antiwar", &["antiwar.com"], &[srv.url("/f/rss1.xml")]),
    ));
    let (code, report) = home.fetch_all();
    assert_eq!(code, 0, "{report}");
    (srv, home)
}

#[test]
fn story_ids_take_unique_prefixes() {
    let (_srv, home) = fetched_home();
    let stories = home.stories(&[]);
    let ids: Vec<&str> = stories.iter().filter_map(|s| s["id"].as_str()).collect();
    assert!(ids.len() >= 2);
    // The shortest prefix of the first id that no other id shares (at least 6 digits).
    let id = ids[0];
    let n = (6..=id.len())
        .find(|&n| ids.iter().filter(|o| o.starts_with(&id[..n])).count() == 1)
        .expect("ids are distinct");
    let shown = support::json_lines(&home.run(&["stories", "show", &id[..n], "--json"]));
    assert_eq!(shown[0]["id"], id);
    // Upper case is the same id.
    let upper = id[..n].to_ascii_uppercase();
    let shown = support::json_lines(&home.run(&["stories", "show", &upper, "--json"]));
    assert_eq!(shown[0]["id"], id);

    let (code, _, err) = home.run_text(&["stories", "show", "abc"]);
    assert_eq!(code, 1);
    assert!(err.contains("at least 6"), "{err}");
    let (code, _, err) = home.run_text(&["stories", "show", "ffffffffffffffff"]);
    assert_eq!(code, 1);
    assert!(err.contains("no story has the id"), "{err}");
}

#[test]
fn limit_zero_prints_nothing_and_unknown_outlets_are_named() {
    let (_srv, home) = fetched_home();
    let (code, out, err) = home.run_text(&["stories", "--limit", "0"]);
    assert_eq!((code, out.as_str(), err.as_str()), (0, "", ""));
    let (code, out, _) = home.run_text(&["stories", "--limit", "1", "--json"]);
    assert_eq!(code, 0);
    assert_eq!(out.lines().count(), 1);

    for args in [
        &["stories", "--outlet", "AlJazeera"][..],
        &["quotes", "--outlet", "reuters", "--since", "all"],
        &["quotes", "--query", "outlet:nosuch", "--since", "all"],
    ] {
        let (code, out, err) = home.run_text(args);
        assert_eq!(code, 2, "{args:?}: {out}");
        assert!(
            err.contains("known ids: aljazeera, antiwar"),
            "{args:?}: {err}"
        );
    }
    let (_, _, err) = home.run_text(&["stories", "--outlet", "AlJazeera"]);
    assert!(
        err.contains("did you mean aljazeera"),
        "a name is matched: {err}"
    );
    let (code, out, _) = home.run_text(&["stories", "--outlet", "antiwar", "--json"]);
    assert_eq!(code, 0);
    assert!(!out.is_empty());
}

#[test]
fn binary_input_and_urls_are_refused_with_a_fix() {
    let home = Home::new();
    let gz = home.dir.path().join("page.html.gz");
    std::fs::write(&gz, b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03<html>").unwrap();
    let png = home.dir.path().join("feed.xml");
    std::fs::write(&png, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR").unwrap();
    let nul = home.dir.path().join("odd.txt");
    std::fs::write(&nul, b"text then \x00\x01\x02 binary").unwrap();
    let gz = gz.to_str().unwrap();
    let png = png.to_str().unwrap();
    let nul = nul.to_str().unwrap();
    for (args, says) in [
        (vec!["article", "extract", gz], "gzip-compressed"),
        (vec!["quotes", "extract", nul], "binary data"),
        (vec!["feed", "inspect", png], "a PNG image"),
    ] {
        let (code, _, err) = home.run_text(&args);
        assert_eq!(code, 2, "{args:?}");
        assert!(
            err.contains(says) && err.contains("fix:"),
            "{args:?}: {err}"
        );
    }
    for cmd in [&["article", "extract"][..], &["quotes", "extract"]] {
        let mut args = cmd.to_vec();
        args.push("https://www.example.com/news/story.html");
        let (code, _, err) = home.run_text(&args);
        assert_eq!(code, 2);
        assert!(
            err.contains("is a URL") && err.contains("curl -o"),
            "{args:?}: {err}"
        );
    }
    // Text still goes through.
    let (code, out, _) = home.run_text(&[
        "quotes",
        "extract",
        fixture("posts/sample.txt").to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn read_only_commands_create_no_database_at_a_mistyped_path() {
    let (_srv, home) = fetched_home();
    let typo = home.dir.path().join("dbb");
    let post = fixture("posts/sample.md");
    let post = post.to_str().unwrap();
    for args in [
        &["stories"][..],
        &["stories", "show", "0123456789abcdef"],
        &["quotes", "--since", "all"],
        &["quotes", "show", "0123456789"],
        &["verify", post],
        &["serve", "--listen", "127.0.0.1:0"],
    ] {
        let out = support::run_in(home.dir.path(), &home.config_path(), &typo, args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains("no quotewire database at") && err.contains("dbb"),
            "{args:?}: {err}"
        );
        assert!(!typo.exists(), "{args:?} created {}", typo.display());
    }
}

#[test]
fn completions_and_the_man_page_cover_the_commands() {
    let home = Home::new();
    for shell in ["bash", "zsh", "fish"] {
        let (code, out, err) = home.run_text(&["completions", shell]);
        assert_eq!(code, 0, "{shell}: {err}");
        for word in ["fetch", "verify", "stories", "config"] {
            assert!(out.contains(word), "{shell} completion lacks {word}");
        }
    }
    let (code, _, _) = home.run_text(&["completions", "tcsh"]);
    assert_eq!(code, 2, "an unknown shell is a usage error");
    let (code, out, _) = home.run_text(&["man"]);
    assert_eq!(code, 0);
    assert!(
        out.starts_with(".ie") || out.contains(".TH quotewire 1"),
        "{out}"
    );
    assert!(out.contains("fetch"));
    let dir = home.dir.path().join("man1");
    let (code, _, err) = home.run_text(&["man", "--dir", dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    for page in ["quotewire.1", "quotewire-fetch.1", "quotewire-verify.1"] {
        let text = std::fs::read_to_string(dir.join(page)).unwrap_or_default();
        assert!(text.contains(".TH"), "{page}");
    }
}
