//! The post reader on the sample post: `fixtures/posts/sample.txt` (the seed post as copied,
//! links lost) and `fixtures/posts/sample.md` (the same post in Markdown, with front matter,
//! day headings, block quotes and links to the article fixtures). What `verify` should then
//! find for each passage is in `fixtures/posts/README.md`.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use quotewire::config::Config;
use quotewire::post::{parse, parse_as_of, DateFrom, Format, Marked, Passage, Post};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn path(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn read(name: &str) -> String {
    std::fs::read_to_string(path(&format!("fixtures/posts/{name}"))).unwrap()
}

/// sample.txt with the post date given as `--date` would give it.
fn txt() -> Post {
    parse(&read("sample.txt"), Format::Plain, Some(d(2020, 1, 3))).unwrap()
}

/// sample.md with the test server's port filled in, as the verify test will do.
fn md() -> Post {
    let text = read("sample.md").replace("PORT", "8080");
    parse(&text, Format::Markdown, None).unwrap()
}

fn blocks(post: &Post) -> Vec<&Passage> {
    post.passages
        .iter()
        .filter(|p| p.marked == Marked::Block)
        .collect()
}

fn find<'a>(post: &'a Post, start: &str) -> &'a Passage {
    post.passages
        .iter()
        .find(|p| p.text.starts_with(start))
        .unwrap_or_else(|| panic!("no passage starts with {start:?}"))
}

/// The outlets named for the block passages, in order (dangling lead-ins name none).
const OUTLETS: [&str; 18] = [
    "Reuters",
    "Aljazeera",
    "Daily Star",
    "AP",
    "Defense Post",
    "Reuters",
    "MSN",
    "Xinhuanet",
    "Middle East Eye",
    "Reuters",
    "Reuters",
    "Reuters",
    "The New Arab",
    "Reuters",
    "MSN",
    "Reuters",
    "AFP",
    "Reuters",
];

fn check_common(post: &Post) {
    assert_eq!(
        post.title.as_deref(),
        Some("Iraq Weekly Update: December 27th to January 2nd")
    );
    assert_eq!(post.date, Some(d(2020, 1, 3)));
    assert_eq!(post.range, Some((d(2019, 12, 27), d(2020, 1, 2))));

    // 27 lead-in lines, each followed by its quotation.
    let blocks = blocks(post);
    assert_eq!(blocks.len(), 27);
    // Nine of them end "according to" with the outlet's link text lost.
    let dangling: Vec<_> = blocks.iter().filter(|p| p.claimed.dangling).collect();
    assert_eq!(dangling.len(), 9);
    assert!(dangling.iter().all(|p| p.claimed.outlet.is_none()));
    let outlets: Vec<&str> = blocks
        .iter()
        .filter_map(|p| p.claimed.outlet.as_deref())
        .collect();
    assert_eq!(outlets, OUTLETS);

    // Days: the post's "January 27th"-"30th" headings resolve to January (the events were in
    // December; verify reports that), "December 31st" to 2019 and "January 1st"/"2nd" to 2020.
    let reuters = find(post, "One official said the United States");
    assert_eq!(reuters.day, Some(d(2020, 1, 27)));
    assert_eq!(reuters.heading.as_ref().unwrap().text, "January 27th");
    assert_eq!(reuters.claimed.outlet.as_deref(), Some("Reuters"));
    assert_eq!(find(post, "The incident marks").day, Some(d(2020, 1, 28)));
    assert_eq!(
        find(post, "Maj. Gen. Raad Mahmoud").day,
        Some(d(2020, 1, 29))
    );
    assert_eq!(
        find(post, "“The blood of the martyrs").day,
        Some(d(2020, 1, 30))
    );
    assert_eq!(
        find(post, "Iraqi protesters, some dressed").day,
        Some(d(2019, 12, 31))
    );
    assert_eq!(
        find(post, "\"Due to militia attacks").day,
        Some(d(2020, 1, 1))
    );
    assert_eq!(
        find(post, "On Thursday, more than a dozen").day,
        Some(d(2020, 1, 2))
    );
    // Before the first day heading there is no day.
    assert_eq!(find(post, "I am sorry this post").day, None);

    // The Diwaniya and Karbala lines are one passage after a dangling lead-in.
    let antiwar = find(post, "In Diwaniya");
    assert_eq!(antiwar.marked, Marked::Block);
    assert!(antiwar.claimed.dangling);
    assert_eq!(
        antiwar.text,
        "In Diwaniya, an activist died of injuries he received in a bombing in mid-December. Protesters responded to Saeer Tayyib’s death by setting buildings on fire.\nSeveral people were injured in Karbala when clashes broke out between demonstrators and unknown assailants."
    );

    // The Defense Post passage says "Reuters reported" inside the quote; the lead-in wins.
    let dp = find(post, "“The blood of the martyrs");
    assert_eq!(dp.claimed.outlet.as_deref(), Some("Defense Post"));
    assert_eq!(dp.claimed.speaker.as_deref(), Some("Jamal Jaafar Ibrahimi"));
    assert!(dp.text.ends_with("Reuters reported on December 3."));
    assert_eq!(
        find(post, "“The Iraqi authorities alone")
            .claimed
            .speaker
            .as_deref(),
        Some("Sistani")
    );

    // Unmarked paragraphs that came from a source, and the quoted spans in them.
    let pompeo = find(post, "U.S. Secretary of State Mike Pompeo");
    assert_eq!(pompeo.marked, Marked::Unmarked);
    let inline: Vec<_> = post
        .passages
        .iter()
        .filter(|p| p.marked == Marked::Inline)
        .collect();
    assert_eq!(inline.len(), 2);
    assert!(inline.iter().all(|p| p.line == pompeo.line));
    assert_eq!(
        inline[0].text,
        "The Europeans haven’t been as helpful as I wish that they could be,"
    );
    assert_eq!(inline[0].claimed.speaker.as_deref(), Some("Pompeo"));
    let guterres = find(post, "U.N. Secretary-General Antonio Guterres");
    assert_eq!(guterres.marked, Marked::Unmarked);
    assert_eq!(guterres.day, Some(d(2020, 1, 2)));

    // Lead-in lines, headings, the list of earlier posts and short lines are not passages.
    for not in [
        "According to",
        "Throughout the day",
        "January 27th",
        "November",
        "Pompeo chimed in.",
        "Take care.",
        "Reuters reports",
    ] {
        assert!(
            post.passages.iter().all(|p| !p.text.starts_with(not)),
            "{not}"
        );
    }
}

#[test]
fn sample_txt() {
    let post = txt();
    check_common(&post);
    assert_eq!(post.date_from, Some(DateFrom::Argument));
    // 1-based lines of sample.txt.
    assert_eq!(find(&post, "One official said").line, 33);
    assert_eq!(find(&post, "In Diwaniya").line, 41);
    assert_eq!(find(&post, "Iraqi protesters, some dressed").line, 114);
    assert_eq!(find(&post, "U.S. Secretary of State Mike Pompeo").line, 181);
    assert_eq!(find(&post, "U.N. Secretary-General").line, 184);
    assert_eq!(
        find(&post, "One official said")
            .heading
            .as_ref()
            .unwrap()
            .line,
        27
    );
    assert!(blocks(&post).iter().all(|p| p.claimed.link.is_none()));
    // The web page's clutter at the end is copied too; it is the author's text to verify.
    assert_eq!(
        post.passages.last().map(|p| p.text.as_str()),
        Some("comments powered by Disqus")
    );
    assert_eq!(post.passages.len(), 47);
}

#[test]
fn sample_txt_without_a_date_guesses_the_most_recent_range() {
    let post = parse_as_of(&read("sample.txt"), Format::Plain, None, d(2026, 12, 3)).unwrap();
    assert_eq!(post.date_from, Some(DateFrom::Title));
    assert_eq!(post.range, Some((d(2025, 12, 27), d(2026, 1, 2))));
    assert_eq!(post.date, Some(d(2026, 1, 2)));
    assert_eq!(find(&post, "One official said").day, Some(d(2026, 1, 27)));
}

#[test]
fn sample_md() {
    let post = md();
    check_common(&post);
    assert_eq!(post.date_from, Some(DateFrom::Document));
    // 1-based lines of sample.md (front matter included).
    assert_eq!(find(&post, "One official said").line, 29);
    assert_eq!(find(&post, "In Diwaniya").line, 37);
    assert_eq!(find(&post, "Iraqi protesters, some dressed").line, 121);
    assert_eq!(find(&post, "U.S. Secretary of State Mike Pompeo").line, 197);
    assert_eq!(
        find(&post, "One official said")
            .heading
            .as_ref()
            .unwrap()
            .line,
        23
    );
    // Links to the article fixtures on the test server, where the seed had an outlet.
    let linked: Vec<String> = blocks(&post)
        .iter()
        .filter_map(|p| p.claimed.link.as_ref())
        .map(|u| u.path().trim_start_matches("/a/").to_string())
        .collect();
    assert_eq!(linked.len(), 15);
    assert_eq!(linked[0], "a01-reuters-jsonld.html");
    assert_eq!(
        find(&post, "The incident marks")
            .claimed
            .link
            .as_ref()
            .map(|u| u.as_str()),
        Some("http://127.0.0.1:8080/a/a05-dailystar-copy.html")
    );
    for name in &linked {
        assert!(
            path(&format!("fixtures/articles/{name}")).is_file(),
            "{name}"
        );
    }
    assert!(blocks(&post)
        .iter()
        .filter(|p| p.claimed.dangling)
        .all(|p| p.claimed.link.is_none()));
    // Without the port filled in, the links are not URLs; the post still parses.
    let raw = parse(&read("sample.md"), Format::Markdown, None).unwrap();
    assert!(raw.passages.iter().all(|p| p.claimed.link.is_none()));
    assert_eq!(blocks(&raw).len(), 27);
}

#[test]
fn md_and_txt_give_the_same_passages() {
    let (t, m) = (txt(), md());
    let texts = |p: &Post| -> Vec<(Marked, String, Option<NaiveDate>)> {
        p.passages
            .iter()
            .filter(|p| p.text != "comments powered by Disqus")
            .map(|p| (p.marked, p.text.clone(), p.day))
            .collect()
    };
    assert_eq!(texts(&t), texts(&m));
}

#[test]
fn named_outlets_resolve_in_feeds_toml() {
    let cfg = Config::load(&path("feeds.toml")).unwrap();
    let post = md();
    let ids: Vec<&str> = blocks(&post)
        .iter()
        .filter(|p| p.claimed.outlet.is_some())
        .map(|p| p.claimed.named_outlet(&cfg).map_or("?", |o| o.id.as_str()))
        .collect();
    assert_eq!(
        ids,
        [
            "reuters",
            "aljazeera",
            "dailystar",
            "ap",
            "defensepost",
            "reuters",
            "msn",
            "xinhua",
            "middleeasteye",
            "reuters",
            "reuters",
            "reuters",
            "newarab",
            "reuters",
            "msn",
            "reuters",
            "afp",
            "reuters",
        ]
    );
    // The links point at the test server, which no outlet owns; verify maps the page it
    // fetches (its canonical URL) instead.
    assert!(blocks(&post)
        .iter()
        .all(|p| p.claimed.linked_outlet(&cfg).is_none()));
}
