//! The cron job's view of `quotewire fetch`, end to end with the real binary: exit 1 while any
//! configured feed is failing (also on the passes where it is not due), `--quiet` silent when
//! all is well, the time at the start of every summary line, one "looks offline" line instead
//! of one per feed, exit 130 after an interrupt with what was fetched stored, and no terminal
//! escape codes in a log.

mod support;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::{outlet, Home, Server};

/// Whether every non-empty line starts with an RFC 3339 UTC time and a space.
fn every_line_timed(out: &str) -> bool {
    out.lines().filter(|l| !l.is_empty()).all(|l| {
        l.split_once(' ')
            .is_some_and(|(t, _)| chrono::DateTime::parse_from_rfc3339(t).is_ok())
    })
}

#[test]
fn a_failing_feed_keeps_the_exit_code_up_until_it_recovers() {
    let srv = Server::start();
    let home = Home::new();
    home.write_config(&outlet(
        "aljazeera",
        &["aljazeera.com"],
        &[srv.url("/f/rss2.xml"), srv.url("/swap/flaky")],
    ));
    srv.swap("flaky", "no-such-fixture.xml");

    let (code, out, _) = home.run_text(&["fetch"]);
    assert_eq!(code, 1, "{out}");
    assert!(every_line_timed(&out), "{out}");
    assert!(out.contains("failed: "), "{out}");

    // The failing feed is not due (backoff): the next pass fetches nothing, yet says so and
    // exits 1, so a cron wrapper that only looks at the exit code still hears of it.
    let (code, out, _) = home.run_text(&["fetch"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("fetched 0 of 2 feeds"), "{out}");
    assert!(out.contains("still failing"), "{out}");
    assert!(out.contains("/swap/flaky"), "{out}");
    assert_eq!(
        srv.hits("/swap/flaky"),
        1,
        "not fetched again while backing off"
    );

    // --quiet: the problem, with the summary line for context, and nothing else.
    let (code, out, _) = home.run_text(&["fetch", "--quiet"]);
    assert_eq!(code, 1);
    assert!(out.contains("still failing"), "{out}");
    assert!(!out.contains("pages:"), "{out}");

    // Repaired: the next --all pass succeeds; plain passes are then clean and --quiet silent.
    srv.swap("flaky", "rss1.xml");
    let (code, out, _) = home.run_text(&["fetch", "--all"]);
    assert_eq!(code, 0, "{out}");
    let (code, out, err) = home.run_text(&["fetch", "--quiet"]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(out, "", "--quiet prints nothing when all is well");
    let (code, out, _) = home.run_text(&["fetch"]);
    assert_eq!(code, 0);
    assert!(out.contains("fetched 0 of 2 feeds (2 not due)"), "{out}");
    assert!(every_line_timed(&out), "{out}");
}

#[test]
fn a_machine_that_resolves_nothing_is_said_to_look_offline_once() {
    let home = Home::new();
    // `.invalid` never resolves (RFC 2606), which is what an offline machine sees for every
    // name.
    let feeds: Vec<String> = (1..=6)
        .map(|i| format!("http://feed{i}.quotewire-test.invalid/rss.xml"))
        .collect();
    home.write_config(&outlet("nowhere", &["quotewire-test.invalid"], &feeds));
    let (code, out, err) = home.run_text(&["fetch"]);
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(out.matches("looks offline").count(), 1, "{out}");
    assert!(
        !out.contains("failed: "),
        "one line, not one per feed: {out}"
    );
    assert!(out.contains("6 feeds"), "{out}");
    assert!(every_line_timed(&out), "{out}");
    let (_, json, _) = home.run_text(&["fetch", "--all", "--json"]);
    let report: serde_json::Value = serde_json::from_str(json.trim()).expect("JSON report");
    assert_eq!(report["offline"], true, "{report}");
    // However many passes find the machine offline, the feeds are tried again within
    // min_interval × 4 (20 minutes, jitter included), not backed off for hours.
    for _ in 0..4 {
        home.run_text(&["fetch", "--all"]);
    }
    for feed in home.feeds() {
        assert!(feed["error_count"].as_u64().unwrap_or(0) >= 6, "{feed}");
        let next = chrono::DateTime::parse_from_rfc3339(feed["next_due"].as_str().unwrap_or(""))
            .expect("a next due time");
        let wait = next.signed_duration_since(chrono::Utc::now());
        assert!(wait <= chrono::Duration::minutes(25), "{feed}");
    }

    // One unresolvable feed beside a working one is a broken feed, not an offline machine.
    let srv = Server::start();
    let home = Home::new();
    home.write_config(&outlet(
        "mixed",
        &["aljazeera.com"],
        &[srv.url("/f/rss2.xml"), feeds[0].clone()],
    ));
    let (code, out, _) = home.run_text(&["fetch"]);
    assert_eq!(code, 1);
    assert!(!out.contains("looks offline"), "{out}");
    assert!(
        out.contains("failed: ") && out.contains("cannot resolve"),
        "{out}"
    );
}

#[cfg(unix)]
#[test]
fn an_interrupted_fetch_stores_what_it_had_and_exits_130() {
    let srv = Server::start();
    let home = Home::new();
    home.write_config(&format!(
        "[fetch]\ntimeout = \"30s\"\n\n{}{}",
        outlet("aljazeera", &["aljazeera.com"], &[srv.url("/f/rss2.xml")]),
        outlet(
            "antiwar",
            &["antiwar.com"],
            &[srv.url("/stall/rss1.xml"), srv.url("/stall/atom.xml")]
        ),
    ));
    let child = Command::new(env!("CARGO_BIN_EXE_quotewire"))
        .arg("--config")
        .arg(home.config_path())
        .arg("--db")
        .arg(home.db_path())
        .arg("fetch")
        .env("RUST_LOG", "warn")
        .env_remove("NO_COLOR")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start quotewire fetch");
    // Interrupt once the quick feed has been served and the slow ones are in flight.
    let started = Instant::now();
    while srv.hits("/f/rss2.xml") == 0 || srv.hits("/stall/rss1.xml") == 0 {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "fetch never started"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(300));
    let pid = i32::try_from(child.id()).expect("pid");
    // SAFETY: kill(2) on our own child's pid with SIGINT has no memory effects.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
    let out = child.wait_with_output().expect("wait for fetch");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stdout}{stderr}");
    assert!(stdout.contains("interrupted"), "{stdout}");
    assert!(every_line_timed(&stdout), "{stdout}");
    // The log on stderr is a pipe here: plain text, no escape codes.
    assert!(stderr.contains("interrupted"), "{stderr}");
    assert!(
        !stderr.contains('\u{1b}'),
        "escape codes in a log: {stderr:?}"
    );
    assert!(
        !stdout.contains('\u{1b}'),
        "escape codes in the summary: {stdout:?}"
    );

    let stories = home.stories(&[]);
    assert_eq!(stories.len(), 5, "the quick feed's stories were stored");
    assert!(stories.iter().all(|s| s["outlet"] == "aljazeera"));
    // The slow feeds stay due: the next pass takes them.
    let (code, out, _) = home.run_text(&["fetch"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("fetched 2 of 3 feeds"), "{out}");
}
