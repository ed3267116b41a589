//! Hostile input that once failed, kept as regression cases: every
//! `fixtures/hostile/NAME.recipe` (see its README.md) runs through its parser inside
//! `limits::contain`, as the program runs it. None may panic or abort, every output must pass
//! the fuzzing harness's checks (`tests/support/fuzzing.rs`), and each case's `expect` lines
//! must hold (the UTF-16 feed parses to its one entry, the 100,000-deep page still gives its
//! text, a post with NUL bytes is refused as binary...).
//!
//! The cases of one parser run in a child process of this test binary, so a stack overflow
//! fails that parser's test and names the case. A failing case's input is written to
//! `target/fuzz-failures/hostile-NAME.EXT` with a `.why` file. Nothing here is timed.

#[path = "support/fuzzing.rs"]
mod fuzzing;
#[path = "support/mutate.rs"]
mod mutate;
#[path = "support/recipe.rs"]
mod recipe;

use fuzzing::Target;

fn cases_of(target: Target) -> Vec<recipe::Case> {
    recipe::all()
        .into_iter()
        .filter(|c| c.target == target)
        .collect()
}

fn hostile(target: Target, test_name: &str) {
    let cases = cases_of(target);
    assert!(!cases.is_empty(), "no hostile cases for {}", target.name());
    let make = |i: usize| cases[i].input.clone();
    let judge = |i: usize, out: &fuzzing::Outcome| recipe::unmet(&cases[i], out);
    let Some((records, report)) =
        fuzzing::run_in_test(target, test_name, cases.len(), &make, &judge)
    else {
        return;
    };
    assert_eq!(records.len(), cases.len(), "every case ran");
    assert!(
        report.is_empty(),
        "{} of {} hostile {} cases failed (inputs and .why files in {}):\n{}",
        report.len(),
        cases.len(),
        target.name(),
        fuzzing::failures_dir().display(),
        report.join("\n")
    );
}

#[test]
fn hostile_feeds() {
    hostile(Target::Feed, "hostile_feeds");
}

#[test]
fn hostile_pages() {
    hostile(Target::Page, "hostile_pages");
}

#[test]
fn hostile_quote_texts() {
    hostile(Target::Quotes, "hostile_quote_texts");
}

#[test]
fn hostile_posts() {
    hostile(Target::Post, "hostile_posts");
}

/// README.md lists every case, and every case it lists exists.
#[test]
fn the_readme_lists_every_case() {
    let readme = std::fs::read_to_string(recipe::dir().join("README.md")).unwrap();
    let listed: std::collections::BTreeSet<String> = readme
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split_once(".recipe`"))
        .map(|(name, _)| name.to_string())
        .collect();
    let cases: std::collections::BTreeSet<String> =
        recipe::all().into_iter().map(|c| c.name).collect();
    assert_eq!(listed, cases, "README.md's table and the .recipe files");
}

/// The recipe language does what README.md says.
#[test]
fn recipes_expand_as_documented() {
    let c = recipe::parse(
        "t",
        "# a comment\ntarget feed\ncontent-type text/xml\nexpect at-least entries 1_000\n---\n\
         a{{repeat 3}}<{{repeat 2}}b{{end}}>{{end}}{{x ff 00}}{{nul}}{{lf}}z\n",
    )
    .unwrap();
    assert_eq!(c.target, Target::Feed);
    assert_eq!(c.input.content_type.as_deref(), Some("text/xml"));
    assert_eq!(c.input.bytes, b"a<bb><bb><bb>\xff\x00\x00\nz");
    assert_eq!(c.expect, [recipe::Expect::AtLeast("entries", 1000)]);
    let c = recipe::parse(
        "u",
        "target post\nformat markdown\nencode utf-16le-bom\n---\nhi",
    )
    .unwrap();
    assert_eq!(c.input.bytes, b"\xff\xfeh\x00i\x00");
    assert_eq!(c.input.format, quotewire::post::Format::Markdown);
    let c = recipe::parse("n", "target quotes\n---\n{{repeat 3}}a{{n}} {{end}}").unwrap();
    assert_eq!(c.input.bytes, b"a0 a1 a2 ");
    assert!(recipe::parse("v", "target feed\n---\n{{end}}").is_err());
    assert!(recipe::parse("v", "target feed\n---\n{{repeat 2}}a").is_err());
    assert!(recipe::parse("w", "target nothing\n---\n").is_err());
}
