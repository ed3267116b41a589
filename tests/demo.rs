//! `quotewire demo` end to end with the real binary: no feeds.toml, no database, no network;
//! it fetches the bundled outlets, shows quotes and a verify of the sample post, and leaves
//! nothing behind unless `--keep`.

mod support;

use std::process::Command;

use support::Home;

fn demo(home: &Home, extra: &[&str]) -> (i32, String, String) {
    // No --config and no --db: the demo brings its own, and must not touch the user's.
    let out = Command::new(env!("CARGO_BIN_EXE_quotewire"))
        .arg("demo")
        .args(extra)
        .current_dir(home.dir.path())
        .env("HOME", home.dir.path())
        .env("XDG_DATA_HOME", home.dir.path().join("data"))
        .env("XDG_CONFIG_HOME", home.dir.path().join("config"))
        .env_remove("QUOTEWIRE_CONFIG")
        .env_remove("QUOTEWIRE_DB")
        .env("NO_COLOR", "1")
        .output()
        .expect("run quotewire demo");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_demo_fetches_quotes_and_verifies_with_no_setup() {
    let home = Home::new();
    let (code, out, err) = demo(&home, &[]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("$ quotewire fetch --all"), "{out}");
    assert!(out.contains("fetched 12 of 12 feeds"), "{out}");
    assert!(out.contains("0 failed"), "{out}");
    // Quotes of the newest day, with speakers.
    assert!(out.contains("$ quotewire quotes --since"), "{out}");
    assert!(out.contains("Mike Pompeo"), "{out}");
    // The sample post's planted mistakes are caught and its good passages traced.
    assert!(out.contains("altered: \"larger\" for \"largest\""), "{out}");
    assert!(out.contains("passages checked:"), "{out}");
    assert!(out.contains("quotewire feeds add URL"), "{out}");
    // The scratch folder it named is gone, and nothing was created in the user's places.
    let scratch = out
        .lines()
        .find_map(|l| l.strip_prefix("Scratch feeds.toml and database: "))
        .expect("the demo names its scratch folder");
    assert!(!std::path::Path::new(scratch.trim()).exists(), "{scratch}");
    assert!(!home.dir.path().join("data").exists());
    assert!(!home.dir.path().join("feeds.toml").exists());
}

#[test]
fn demo_keep_leaves_a_store_the_other_commands_open() {
    let home = Home::new();
    let kept = home.dir.path().join("kept");
    let kept_arg = kept.to_string_lossy().into_owned();
    let (code, out, err) = demo(&home, &["--keep", &kept_arg]);
    assert_eq!(code, 0, "{out}\n{err}");
    let config = kept.join("feeds.toml");
    let db = kept.join("db");
    let listed = support::run_in(home.dir.path(), &config, &db, &["stories", "--json"]);
    assert_eq!(listed.status.code(), Some(0));
    assert_eq!(support::json_lines(&listed).len(), 18);
    // A second demo into the same folder refuses rather than mixing two runs.
    let (code, _, err) = demo(&home, &["--keep", &kept_arg]);
    assert_eq!(code, 2);
    assert!(err.contains("fix:"), "{err}");
}
