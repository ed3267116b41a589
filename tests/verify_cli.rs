//! `verify` as the editor runs it, end to end with the real binary: posts in any encoding (a
//! windows-1252 and a UTF-16 twin verify as the UTF-8 one does, and say what they were read
//! in), files that are not posts refused, `-` for standard input, a post fetched by URL under
//! the address rules, several posts in one call, and the report: the post's words above the
//! source's with the differences marked, colour only when asked for or on a terminal,
//! `--problems-only`.
//!
//! One wire feed written here, served by the test server on 127.0.0.1 (which the config names,
//! so loopback is allowed for it and nothing else), fetched into a temporary database.

mod support;

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::Value;
use support::{Home, Server};

/// A wire story with a quotation (curly quotes, accents) and a sentence the post alters.
const FEED: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Wire</title><link>https://wire.example/</link><description>Wire stories</description>
<item><title>Storm closes the harbour café</title><link>https://wire.example/storm</link><guid>storm-1</guid><pubDate>Fri, 27 Dec 2019 10:00:00 GMT</pubDate>
<description><![CDATA[<p>The harbour café will stay closed until the storm passes, its owner said on Friday.</p><p>“We will reopen on Monday if the road to the port is cleared by then,” said Hélène Dubois, who has run the café for twenty years.</p><p>Officials said the coastal road remained blocked by fallen trees and that crews were working through the night to clear it.</p>]]></description></item>
</channel></rss>
"#;

/// The quotation, word for word.
const VERBATIM: &str = "“We will reopen on Monday if the road to the port is cleared by then,” said Hélène Dubois, who has run the café for twenty years.";

/// The post: the quotation verbatim, and the officials' sentence with "trees" made "rocks".
fn post() -> String {
    format!(
        "---\ndate: 2019-12-28\n---\n# Harbour week\n\n## December 27th\n\nAccording to Wire:\n\n> {VERBATIM}\n\nAccording to Wire:\n\n> Officials said the coastal road remained blocked by fallen rocks and that crews were working through the night to clear it.\n"
    )
}

fn setup() -> (Server, Home) {
    let srv = Server::start();
    srv.put("wire.xml", "application/rss+xml", FEED);
    let home = Home::new();
    home.write_config(&support::outlet(
        "wire",
        &["wire.example"],
        &[srv.url("/made/wire.xml")],
    ));
    let (code, report) = home.fetch_all();
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["stories_new"], 1, "{report}");
    (srv, home)
}

/// Runs `quotewire verify ARGS` with `stdin` piped in and `env` set: (exit code, stdout,
/// stderr).
fn run(home: &Home, args: &[&str], stdin: &[u8], env: &[(&str, &str)]) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_quotewire"))
        .current_dir(home.dir.path())
        .arg("--config")
        .arg(home.config_path())
        .arg("--db")
        .arg(home.db_path())
        .arg("verify")
        .args(args)
        .env_remove("NO_COLOR")
        .env("RUST_LOG", "warn")
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run quotewire");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin)
        .expect("write stdin");
    let out = child.wait_with_output().expect("wait");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn write(home: &Home, name: &str, bytes: &[u8]) -> String {
    let path = home.dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    path.display().to_string()
}

/// `--json` output: one object a line.
fn lines(out: &str) -> Vec<Value> {
    out.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

/// Each block passage's (status, first problem code or "").
fn statuses(report: &Value) -> Vec<(String, String)> {
    report["passages"]
        .as_array()
        .unwrap_or_else(|| panic!("no passages: {report}"))
        .iter()
        .filter(|p| p["marked"] == "block")
        .map(|p| {
            (
                p["status"].as_str().unwrap().to_string(),
                p["problems"][0]["code"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn utf16le_with_bom(text: &str) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    bytes
}

#[test]
fn a_post_in_windows_1252_or_utf16_verifies_as_its_utf8_twin_and_says_so() {
    let (_srv, home) = setup();
    let utf8 = write(&home, "post.md", post().as_bytes());
    let (code, out, err) = run(&home, &[&utf8, "--json"], b"", &[]);
    assert_eq!(code, 1, "{out}\n{err}");
    let report = &lines(&out)[0];
    assert_eq!(report["encoding"], "UTF-8");
    let expected = statuses(report);
    assert_eq!(
        expected,
        [
            ("verbatim".to_string(), String::new()),
            ("altered".to_string(), "altered".to_string())
        ],
        "{report}"
    );

    let text = post();
    let (cp1252, _, lossy) = encoding_rs::WINDOWS_1252.encode(&text);
    assert!(!lossy);
    assert!(std::str::from_utf8(&cp1252).is_err(), "not UTF-8");
    let twin = write(&home, "post-1252.md", &cp1252);
    let (code, out, err) = run(&home, &[&twin, "--json"], b"", &[]);
    assert_eq!(code, 1, "{out}\n{err}");
    let report = &lines(&out)[0];
    assert_eq!(report["encoding"], "windows-1252", "{report}");
    assert_eq!(statuses(report), expected, "{report}");
    assert!(
        report["passages"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["text"] == VERBATIM),
        "the accents and curly quotes are read as written: {report}"
    );
    let (_, human, _) = run(&home, &[&twin], b"", &[]);
    assert!(human.contains("read as windows-1252"), "{human}");
    let (_, human, _) = run(&home, &[&utf8], b"", &[]);
    assert!(
        !human.contains("read as"),
        "UTF-8 is not remarked on: {human}"
    );

    let wide = write(&home, "post-utf16.md", &utf16le_with_bom(&post()));
    let (code, out, err) = run(&home, &[&wide, "--json"], b"", &[]);
    assert_eq!(code, 1, "{out}\n{err}");
    let report = &lines(&out)[0];
    assert_eq!(report["encoding"], "UTF-16LE", "{report}");
    assert_eq!(statuses(report), expected, "{report}");
}

#[test]
fn a_file_that_is_not_a_post_is_refused_and_the_others_still_checked() {
    let (_srv, home) = setup();
    let png = write(
        &home,
        "chart.png",
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0\0\0\x01\0\x08\x06\0\0\0",
    );
    let (code, out, err) = run(&home, &[&png], b"", &[]);
    assert_eq!(code, 2, "{out}\n{err}");
    assert!(
        err.contains("chart.png") && err.contains("PNG image"),
        "{err}"
    );
    assert!(err.contains("fix:"), "says what to do: {err}");
    assert!(!out.contains("passages checked"), "no passages: {out}");

    let mut elf = b"\x7fELF\x02\x01\x01\0".to_vec();
    elf.extend(std::iter::repeat_n(0u8, 200));
    let elf = write(&home, "quotewire.txt", &elf);
    let nul = write(&home, "nul.md", b"# Title\n\nSome text\0with a NUL byte.\n");
    let noise: Vec<u8> = (0..4000u32).map(|i| (i * 7 % 32) as u8 + 1).collect();
    let noise = write(&home, "noise.txt", &noise);
    let good = write(&home, "post.md", post().as_bytes());
    let (code, out, err) = run(&home, &[&elf, &nul, &good, &noise, "--json"], b"", &[]);
    assert_eq!(code, 2, "the worst of the four: {out}\n{err}");
    let reports = lines(&out);
    assert_eq!(reports.len(), 4, "{out}");
    assert!(reports[0]["error"]
        .as_str()
        .unwrap()
        .contains("ELF executable"));
    assert!(
        reports[1]["error"].as_str().unwrap().contains("NUL"),
        "{}",
        reports[1]
    );
    assert!(
        reports[3]["error"]
            .as_str()
            .unwrap()
            .contains("control characters"),
        "{}",
        reports[3]
    );
    for (i, name) in [(0, "quotewire.txt"), (1, "nul.md"), (3, "noise.txt")] {
        assert!(reports[i]["post"].as_str().unwrap().ends_with(name));
        assert!(reports[i].get("passages").is_none(), "{}", reports[i]);
    }
    // The post after the failures is still checked.
    assert!(reports[2]["post"].as_str().unwrap().ends_with("post.md"));
    assert_eq!(statuses(&reports[2]).len(), 2, "{}", reports[2]);
}

#[test]
fn several_posts_give_one_json_line_each_and_the_worst_exit_code() {
    let (_srv, home) = setup();
    let altered = write(&home, "week.md", post().as_bytes());
    let clean = write(
        &home,
        "clean.txt",
        format!("Harbour week\n\nAccording to Wire\n\n{VERBATIM}\n").as_bytes(),
    );
    let (code, out, err) = run(&home, &[&clean, "--json"], b"", &[]);
    assert_eq!(code, 0, "{out}\n{err}");
    let (code, out, err) = run(&home, &[&clean, &altered, "--json"], b"", &[]);
    assert_eq!(code, 1, "{out}\n{err}");
    let reports = lines(&out);
    assert_eq!(reports.len(), 2, "{out}");
    assert!(reports[0]["post"].as_str().unwrap().ends_with("clean.txt"));
    assert!(reports[1]["post"].as_str().unwrap().ends_with("week.md"));
    assert_eq!(
        statuses(&reports[0]),
        [("verbatim".to_string(), String::new())]
    );
    assert_eq!(statuses(&reports[1]).len(), 2);

    let (code, human, _) = run(&home, &[&clean, &altered], b"", &[]);
    assert_eq!(code, 1);
    assert!(human.contains("clean.txt: Harbour week"), "{human}");
    assert!(human.contains("week.md: Harbour week"), "{human}");
    assert!(
        human.contains("2 posts: 1 verifies, 1 has problems, 0 could not be read"),
        "{human}"
    );
}

#[test]
fn standard_input_is_read_with_a_dash() {
    let (_srv, home) = setup();
    let (code, out, err) = run(&home, &["-", "--json"], post().as_bytes(), &[]);
    assert_eq!(code, 1, "{out}\n{err}");
    let report = &lines(&out)[0];
    assert_eq!(report["post"], "(standard input)");
    assert_eq!(statuses(report).len(), 2, "read as Markdown: {report}");
    // Plain text on standard input, as --format says.
    let text = format!("Harbour week\n\nAccording to Wire\n\n{VERBATIM}\n");
    let (code, out, err) = run(
        &home,
        &["-", "--format", "text", "--json", "--date", "2019-12-28"],
        text.as_bytes(),
        &[],
    );
    assert_eq!(code, 0, "{out}\n{err}");
    assert_eq!(
        statuses(&lines(&out)[0]),
        [("verbatim".to_string(), String::new())]
    );
    let (code, _, err) = run(&home, &["-", "--record"], b"", &[]);
    assert_eq!(code, 2);
    assert!(err.contains("--record") && err.contains("fix:"), "{err}");
}

#[test]
fn a_post_by_url_is_fetched_under_the_address_rules() {
    let (srv, home) = setup();
    srv.put("post.md", "text/markdown; charset=utf-8", post());
    let url = srv.url("/made/post.md");
    let (code, out, err) = run(&home, &[&url, "--json"], b"", &[]);
    assert_eq!(code, 1, "{out}\n{err}");
    let report = &lines(&out)[0];
    assert_eq!(report["post"], url.as_str());
    assert_eq!(statuses(report).len(), 2, "{report}");
    assert_eq!(srv.hits("/made/post.md"), 1);

    // The charset of the Content-Type, for a post served in windows-1252 as plain text.
    let text = format!("Harbour week\n\nAccording to Wire\n\n{VERBATIM}\n");
    let (cp1252, _, _) = encoding_rs::WINDOWS_1252.encode(&text);
    srv.put(
        "week",
        "text/plain; charset=windows-1252",
        cp1252.into_owned(),
    );
    let (code, out, err) = run(
        &home,
        &[&srv.url("/made/week"), "--json", "--date", "2019-12-28"],
        b"",
        &[],
    );
    assert_eq!(code, 0, "{out}\n{err}");
    let report = &lines(&out)[0];
    assert_eq!(report["encoding"], "windows-1252");
    assert_eq!(statuses(report), [("verbatim".to_string(), String::new())]);

    // 127.0.0.2 is loopback too, and no feed names it: never reached.
    let private = format!("http://127.0.0.2:{}/made/post.md", srv.addr.port());
    let (code, out, err) = run(&home, &[&private, &url, "--json"], b"", &[]);
    assert_eq!(code, 2, "{out}\n{err}");
    assert!(
        err.contains("127.0.0.2") && err.contains("refused"),
        "{err}"
    );
    assert!(err.contains("fix:"), "{err}");
    let reports = lines(&out);
    assert!(reports[0]["error"].as_str().unwrap().contains("refused"));
    assert_eq!(
        statuses(&reports[1]).len(),
        2,
        "the next post is still checked"
    );
    let (code, _, err) = run(&home, &["ftp://127.0.0.1/post.md"], b"", &[]);
    assert_eq!(code, 2);
    assert!(err.contains("only http and https"), "{err}");
}

#[test]
fn colour_only_when_asked_for_and_never_through_no_color_or_a_pipe() {
    let (_srv, home) = setup();
    let post = write(&home, "post.md", post().as_bytes());
    for (args, env) in [
        (vec![post.as_str()], vec![]),
        (vec![post.as_str()], vec![("NO_COLOR", "1")]),
        (vec![post.as_str(), "--color", "never"], vec![]),
        (vec![post.as_str(), "--color", "auto"], vec![]),
    ] {
        let (code, out, _) = run(&home, &args, b"", &env);
        assert_eq!(code, 1);
        assert!(out.contains("altered"), "{out}");
        assert!(!out.contains("\x1b["), "{args:?} {env:?}: {out:?}");
    }
    for env in [vec![], vec![("NO_COLOR", "1")]] {
        let (_, out, _) = run(&home, &[&post, "--color", "always"], b"", &env);
        assert!(out.contains("\x1b["), "{env:?}: {out}");
    }
    let (code, _, err) = run(&home, &[&post, "--color", "sometimes"], b"", &[]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn the_report_shows_the_post_and_the_source_whole_and_marks_the_differences() {
    let (_srv, home) = setup();
    let post = write(&home, "post.md", post().as_bytes());
    let (code, out, _) = run(&home, &[&post], b"", &[]);
    assert_eq!(code, 1);
    // Whole, not cut at 70 characters.
    assert!(
        out.contains(&format!("post:   {VERBATIM}")),
        "the passage whole: {out}"
    );
    let lines: Vec<&str> = out.lines().collect();
    let post_line = lines
        .iter()
        .position(|l| l.contains("post:") && l.contains("fallen"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(
        lines[post_line].contains("blocked by fallen [rocks] and that crews"),
        "{out}"
    );
    let source_line = lines[post_line + 1];
    assert!(source_line.trim_start().starts_with("source:"), "{out}");
    assert!(
        source_line.contains("blocked by fallen [trees] and that crews"),
        "the source's words: {out}"
    );
    assert!(out.contains("✗"), "{out}");

    let (code, only, _) = run(&home, &[&post, "--problems-only"], b"", &[]);
    assert_eq!(code, 1);
    assert!(!only.contains("reopen on Monday"), "{only}");
    assert!(only.contains("fallen [rocks]"), "{only}");
    assert!(
        only.contains("2 passages checked: 1 verifies, 1 does not"),
        "{only}"
    );
    assert!(
        only.contains("1 passage without problems not shown"),
        "{only}"
    );
}
