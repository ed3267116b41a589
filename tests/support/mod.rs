//! Test support: a real HTTP server on 127.0.0.1 serving `fixtures/`, and a quotewire home
//! (config and database in a temporary folder) that runs the real binary.
#![allow(dead_code)]

pub mod pg;
pub mod server;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

pub use server::Server;

/// A temporary config + database, and the built binary.
pub struct Home {
    pub dir: tempfile::TempDir,
}

impl Home {
    pub fn new() -> Home {
        Home {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn config_path(&self) -> PathBuf {
        self.dir.path().join("feeds.toml")
    }

    pub fn db_path(&self) -> PathBuf {
        self.dir.path().join("db")
    }

    pub fn write_config(&self, toml: &str) {
        std::fs::write(self.config_path(), toml).expect("write config");
    }

    /// Runs `quotewire --config C --db D ARGS...`.
    pub fn run(&self, args: &[&str]) -> Output {
        run_in(self.dir.path(), &self.config_path(), &self.db_path(), args)
    }

    /// Runs and returns (exit code, stdout, stderr).
    pub fn run_text(&self, args: &[&str]) -> (i32, String, String) {
        let out = self.run(args);
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// `fetch --all --json`: (exit code, report).
    pub fn fetch_all(&self) -> (i32, Value) {
        let (code, out, err) = self.run_text(&["fetch", "--all", "--json"]);
        let report = serde_json::from_str(out.trim())
            .unwrap_or_else(|e| panic!("fetch report is not JSON ({e}): {out}\nstderr: {err}"));
        (code, report)
    }

    /// Every stored story, via `stories --json`.
    pub fn stories(&self, extra: &[&str]) -> Vec<Value> {
        let mut args = vec!["stories", "--json"];
        args.extend_from_slice(extra);
        json_lines(&self.run(&args))
    }

    /// Every feed's state, via `feeds --json`.
    pub fn feeds(&self) -> Vec<Value> {
        json_lines(&self.run(&["feeds", "--json"]))
    }
}

pub fn run_in(cwd: &Path, config: &Path, db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_quotewire"))
        .current_dir(cwd)
        .arg("--config")
        .arg(config)
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("QUOTEWIRE_CONFIG")
        .env_remove("QUOTEWIRE_DB")
        .env_remove("QUOTEWIRE_LOCK_WAIT")
        .env("RUST_LOG", "warn")
        .output()
        .expect("run quotewire")
}

pub fn json_lines(out: &Output) -> Vec<Value> {
    assert!(
        out.status.success(),
        "command failed: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

/// One `[[outlet]]` table of feeds.toml. Its stories' pages are not fetched: the feed fixtures
/// link to real outlets' addresses, which tests must not reach (see `outlet_with_pages`).
pub fn outlet(id: &str, domains: &[&str], feeds: &[String]) -> String {
    outlet_table(id, domains, feeds, false)
}

/// One `[[outlet]]` whose stories' pages are fetched.
pub fn outlet_with_pages(id: &str, domains: &[&str], feeds: &[String]) -> String {
    outlet_table(id, domains, feeds, true)
}

fn outlet_table(id: &str, domains: &[&str], feeds: &[String], pages: bool) -> String {
    let domains: Vec<String> = domains.iter().map(|d| format!("{d:?}")).collect();
    let feeds: Vec<String> = feeds.iter().map(|f| format!("{f:?}")).collect();
    format!(
        "[[outlet]]\nid = \"{id}\"\nname = \"{id}\"\ndomains = [{}]\nfeeds = [{}]\nfetch_articles = {pages}\n\n",
        domains.join(", "),
        feeds.join(", ")
    )
}

/// The path of a fixture file.
pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel)
}

/// The sample's outlets as the shipped feeds.toml names them, fed from the test server (the
/// same feeds.toml `quotewire demo` writes for its own server).
pub fn sample_outlets(srv: &Server) -> String {
    quotewire::demo::config_text(srv.url("").as_str()).expect("the shipped feeds.toml loads")
}

/// A feed item whose title and text carry markup that must never run or load: a script in
/// the title, and in the text an `onerror=` image and a pixel on the test server, both as
/// literal text (double-escaped) and as the feed's own markup.
pub fn hostile_feed(srv: &Server) -> String {
    let pixel = srv.url("/made/pixel.gif");
    format!(
        r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Hostile</title><link>http://hostile.example/</link><description>x</description>
<item><title>&lt;script&gt;document.title='pwned'&lt;/script&gt; Minister speaks</title><link>http://hostile.example/a1</link><pubDate>Fri, 03 Jan 2020 10:00:00 GMT</pubDate>
<description>&lt;p&gt;“We will never allow &amp;lt;img src=x onerror=alert(1)&amp;gt; this &amp;lt;img src="{pixel}"&amp;gt;,” the minister said. &lt;img src="{pixel}"&gt;&lt;script&gt;alert(2)&lt;/script&gt;&lt;/p&gt;</description></item>
</channel></rss>"#
    )
}

/// The sample outlets and the hostile feed, fetched into a fresh home.
pub struct DeskHome {
    pub srv: Server,
    pub home: Home,
}

pub fn desk_home() -> DeskHome {
    let srv = Server::start();
    srv.put("hostile.xml", "application/rss+xml", hostile_feed(&srv));
    let home = Home::new();
    let config = format!(
        "{}[[outlet]]\nid = \"hostile\"\nname = \"Hostile Wire\"\ndomains = [\"hostile.example\"]\nfeeds = [{:?}]\n",
        sample_outlets(&srv),
        srv.url("/made/hostile.xml")
    );
    home.write_config(&config);
    let (code, report) = home.fetch_all();
    assert_eq!(code, 0, "{report}");
    DeskHome { srv, home }
}
