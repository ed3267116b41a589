//! Every command on PostgreSQL as on sled, end to end with the real binary: the same feeds
//! fetched into a sled directory and into a throw-away PostgreSQL database (`support::pg`)
//! give the same stories, quotations, review decisions, citations, verify reports and
//! recorded uses; a second `fetch` while one runs on PostgreSQL does nothing; `--db` with a
//! URL that reaches no server is exit 2 with the fix.

mod support;

use std::process::Output;

use serde_json::Value;
use support::pg::Cluster;
use support::{Home, Server};

const FEED: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Wire</title><link>https://wire.example/</link><description>Wire stories</description>
<item><title>Harbour road to reopen</title><link>https://wire.example/harbour</link><guid>h-1</guid><pubDate>Fri, 27 Dec 2019 10:00:00 GMT</pubDate>
<description><![CDATA[<p>The coastal road will reopen on Monday, officials said.</p><p>“We will reopen on Monday if the road to the port is cleared by then,” said Hélène Dubois, who has run the harbour café for twenty years.</p><p>Crews worked through the night to clear fallen trees from the road.</p>]]></description></item>
<item><title>Council approves the budget</title><link>https://wire.example/budget</link><guid>b-1</guid><pubDate>Fri, 27 Dec 2019 14:00:00 GMT</pubDate>
<description><![CDATA[<p>The council approved next year's budget on Friday after a long debate.</p><p>“This budget keeps every library open and every bus running,” Mayor Tomas Berg told reporters after the vote.</p>]]></description></item>
</channel></rss>
"#;

fn post() -> String {
    "# Harbour week\n\n## December 27th\n\nAccording to Wire:\n\n> “We will reopen on Monday if the road to the port is cleared by then,” said Hélène Dubois, who has run the harbour café for twenty years.\n\nAccording to Wire:\n\n> “This budget keeps every bridge open and every bus running,” Mayor Tomas Berg told reporters after the vote.\n".to_string()
}

/// Runs `quotewire --db DB ARGS` in `home`.
fn run(home: &Home, db: &str, args: &[&str]) -> Output {
    support::run_in(
        home.dir.path(),
        &home.config_path(),
        std::path::Path::new(db),
        args,
    )
}

fn lines(out: &Output) -> Vec<Value> {
    support::json_lines(out)
}

/// What a backend gives for the same work, with what differs by run (times, paths) left out.
fn session(home: &Home, db: &str) -> Vec<Value> {
    let mut seen = Vec::new();
    let fetch = run(home, db, &["fetch", "--all", "--json"]);
    assert_eq!(
        fetch.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&fetch.stderr)
    );
    let report: Value = serde_json::from_slice(&fetch.stdout).expect("fetch report");
    assert_eq!(report["stories_new"], 2, "{report}");
    // A second pass finds nothing new and duplicates nothing.
    let again: Value =
        serde_json::from_slice(&run(home, db, &["fetch", "--all", "--json"]).stdout).unwrap();
    assert_eq!(again["stories_new"], 0, "{again}");

    let stories = lines(&run(home, db, &["stories", "--since", "all", "--json"]));
    assert_eq!(stories.len(), 2);
    for s in &stories {
        seen.push(serde_json::json!([
            s["id"],
            s["title"],
            s["outlet"],
            s["published"]
        ]));
    }
    let quotes = lines(&run(home, db, &["quotes", "--since", "all", "--json"]));
    assert!(quotes.len() >= 2, "{quotes:?}");
    for q in &quotes {
        seen.push(serde_json::json!([
            q["id"],
            q["text"],
            q["speaker"],
            q["status"]
        ]));
    }
    let first = quotes[0]["id"].as_str().expect("quote id").to_string();
    let accept = run(home, db, &["quotes", "accept", &first[..8]]);
    assert!(
        accept.status.success(),
        "{}",
        String::from_utf8_lossy(&accept.stderr)
    );
    let accepted = lines(&run(
        home,
        db,
        &["quotes", "--since", "all", "--status", "accepted", "--json"],
    ));
    assert_eq!(accepted.len(), 1);
    assert_eq!(accepted[0]["id"], first.as_str());
    let cite = run(home, db, &["quotes", "cite", &first]);
    assert!(
        cite.status.success(),
        "{}",
        String::from_utf8_lossy(&cite.stderr)
    );
    seen.push(Value::String(
        String::from_utf8_lossy(&cite.stdout).into_owned(),
    ));

    let post_path = home.dir.path().join("week.md");
    std::fs::write(&post_path, post()).unwrap();
    let verify = run(
        home,
        db,
        &["verify", "--record", "--json", post_path.to_str().unwrap()],
    );
    assert_eq!(
        verify.status.code(),
        Some(1),
        "the altered quotation is a problem: {}",
        String::from_utf8_lossy(&verify.stdout)
    );
    for p in lines_any(&verify) {
        if let Some(passages) = p["passages"].as_array() {
            for passage in passages {
                seen.push(serde_json::json!([
                    passage["status"],
                    passage["source"],
                    passage["differences"]
                ]));
            }
        }
    }
    let story = stories
        .iter()
        .find(|s| s["title"] == "Council approves the budget")
        .expect("budget story");
    let shown = lines(&run(
        home,
        db,
        &["stories", "show", story["id"].as_str().unwrap(), "--json"],
    ));
    let uses = shown[0]["used_in"].as_array().cloned().unwrap_or_default();
    assert_eq!(
        uses.len(),
        1,
        "the recorded post uses the story: {}",
        shown[0]
    );
    seen.push(serde_json::json!([uses[0]["line"], uses[0]["status"]]));
    seen
}

/// JSON lines whatever the exit code.
fn lines_any(out: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

fn home(srv: &Server) -> Home {
    let home = Home::new();
    home.write_config(&support::outlet(
        "wire",
        &["wire.example"],
        &[srv.url("/made/wire.xml")],
    ));
    home
}

#[test]
fn every_command_gives_on_postgresql_what_it_gives_on_sled() {
    let Some(cluster) = Cluster::start() else {
        return;
    };
    let srv = Server::start();
    srv.put("wire.xml", "application/rss+xml", FEED);
    let on_sled = {
        let home = home(&srv);
        let db = home.db_path();
        session(&home, db.to_str().unwrap())
    };
    let url = cluster.create_db("team_cli");
    let home = home(&srv);
    let on_pg = session(&home, &url);
    assert_eq!(on_sled, on_pg);
    // Nothing was written to a directory: the URL is not a path.
    assert!(!home.dir.path().join("postgresql:").exists());
    assert!(!home.dir.path().join("postgres:").exists());
}

#[test]
fn migrate_copies_a_sled_store_whole_and_checks_counts() {
    let Some(cluster) = Cluster::start() else {
        return;
    };
    let srv = Server::start();
    srv.put("wire.xml", "application/rss+xml", FEED);
    let home = home(&srv);
    let dir = home.db_path();
    let dir = dir.to_str().unwrap();
    let before = session(&home, dir);
    let url = cluster.create_db("migrated");
    let out = run(
        &home,
        dir,
        &["migrate", "--from", dir, "--to", &url, "--json"],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(report["source"]["stories"], 2, "{report}");
    assert_eq!(report["target"]["reviews"], 1, "{report}");
    assert_eq!(report["target"]["posts"], 1, "{report}");
    assert_eq!(report["indexed"], 2, "{report}");

    // The copy answers as the original does: decisions, uses, and verify through the
    // rebuilt passage index.
    let quotes = |db: &str| lines(&run(&home, db, &["quotes", "--since", "all", "--json"]));
    assert_eq!(quotes(dir), quotes(&url));
    let post_path = home.dir.path().join("week.md");
    let verify = |db: &str| {
        lines_any(&run(
            &home,
            db,
            &["verify", "--json", post_path.to_str().unwrap()],
        ))
        .iter()
        .flat_map(|r| r["passages"].as_array().cloned().unwrap_or_default())
        .map(|p| serde_json::json!([p["status"], p["source"]]))
        .collect::<Vec<_>>()
    };
    assert_eq!(verify(dir), verify(&url));
    assert!(!verify(&url).is_empty());
    assert!(!before.is_empty());

    // Into a store that holds stories: refused, nothing copied twice.
    let again = run(&home, dir, &["migrate", "--from", dir, "--to", &url]);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("empty store"));
}

#[test]
fn a_url_that_reaches_no_server_is_exit_2_with_the_fix() {
    let home = Home::new();
    home.write_config("");
    let dir = tempfile::tempdir().unwrap();
    let url = format!(
        "postgresql://nobody@/quotewire?host={}&connect_timeout=2",
        dir.path().display()
    );
    let out = run(&home, &url, &["stories"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot reach PostgreSQL"), "{err}");
    assert!(err.contains("fix:"), "{err}");
}
