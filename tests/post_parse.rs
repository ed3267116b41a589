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

    // Headings, the list of earlier posts and short lines are not passages.
    for not in [
        "January 27th",
        "November",
        "Pompeo chimed in.",
        "Take care.",
    ] {
        assert!(
            post.passages.iter().all(|p| !p.text.starts_with(not)),
            "{not}"
        );
    }
    // Lead-in lines of four words or more are checked as the author's own words, nothing
    // else: the quotation after them is the block passage.
    for lead in ["According to", "Throughout the day", "Reuters reports"] {
        let found: Vec<_> = post
            .passages
            .iter()
            .filter(|p| p.text.starts_with(lead))
            .collect();
        assert!(!found.is_empty(), "{lead}");
        assert!(found.iter().all(|p| p.marked == Marked::Unmarked), "{lead}");
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
    // 47 passages, and the 26 lead-in lines of four words or more, checked as the author's.
    assert_eq!(post.passages.len(), 73);
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

// Hostile shapes (issue 9): each is read in bounded time and space, and what can be read of it
// is read. The sizes are moderate; `limits` names the caps.

/// A quotation of the sample, used as the text inside hostile shapes.
const Q: &str = "One official said the United States was looking into the possible involvement of Kataib Hezbollah.";

fn words_of(text: &str) -> usize {
    quotewire::search::words::count(text)
}

#[test]
fn a_block_quote_100000_deep_is_one_passage_of_its_innermost_text() {
    let post = parse(
        &format!("{} {Q}\n", ">".repeat(100_000)),
        Format::Markdown,
        None,
    )
    .unwrap();
    assert_eq!(post.passages.len(), 1, "{:?}", post.passages);
    assert_eq!(post.passages[0].text, Q);
    assert_eq!(post.passages[0].marked, Marked::Block);
    assert_eq!(post.passages[0].line, 1);
    assert!(post.limits.is_empty());
}

#[test]
fn lists_brackets_and_emphasis_100000_deep_keep_their_text() {
    let n = 100_000;
    let list = parse(&format!("{}{Q}\n", "- ".repeat(n)), Format::Markdown, None).unwrap();
    assert_eq!(list.passages.len(), 1);
    assert_eq!(list.passages[0].text, Q);
    let ordered = parse(&format!("{}{Q}\n", "1. ".repeat(n)), Format::Markdown, None).unwrap();
    assert_eq!(ordered.passages.len(), 1);
    assert_eq!(ordered.passages[0].text, Q);
    // (Markdown, the words its text has: all of the source's but a link's address.)
    for (md, words) in [
        (format!("{}{Q}\n", "[".repeat(n)), words_of(Q)),
        (
            format!(
                "{}{Q}{}(http://example.com/)\n",
                "[".repeat(n),
                "]".repeat(n)
            ),
            words_of(Q),
        ),
        (
            format!("{}{Q}{}\n", "*".repeat(n), "*".repeat(n)),
            words_of(Q),
        ),
        (
            format!("{}{Q}{}\n", "_".repeat(n), "_".repeat(n)),
            words_of(Q),
        ),
        (
            format!("{}{Q}\n", "*a ".repeat(n / 10)),
            words_of(Q) + n / 10,
        ),
    ] {
        let post = parse(&md, Format::Markdown, None).unwrap();
        assert_eq!(post.passages.len(), 1, "{}", &md[..20]);
        let text = &post.passages[0].text;
        assert!(
            text.contains(Q),
            "{}: {}",
            &md[..20],
            &text[text.len() - 200..]
        );
        assert_eq!(words_of(text), words, "{}: every word is kept", &md[..20]);
    }
}

#[test]
fn html_nested_deeper_than_the_limit_is_flattened_into_its_block() {
    // html5ever itself is quadratic in depth (`parser::html_bounds` flattens deep input
    // before it), so 1,500 levels: three times `limits::MAX_DEPTH`.
    let depth = 1_500;
    let html = format!(
        "<p>Before the quote, four words.</p>{}<p>{Q}</p><p>Second paragraph of the deep quote.</p>{}",
        "<div><blockquote>".repeat(depth),
        "</blockquote></div>".repeat(depth)
    );
    let post = parse(&html, Format::Html, None).unwrap();
    let texts: Vec<(Marked, &str)> = post
        .passages
        .iter()
        .map(|p| (p.marked, p.text.as_str()))
        .collect();
    let inner = format!("{Q} Second paragraph of the deep quote.");
    assert_eq!(
        texts,
        vec![
            (Marked::Unmarked, "Before the quote, four words."),
            (Marked::Block, inner.as_str()),
        ]
    );
}

#[test]
fn a_post_on_one_line_is_read_up_to_the_word_limit() {
    let once = format!("{Q} “Quoted words in the line,” Sistani said. ");
    let line = once.repeat(10_000);
    let found = words_of(&line);
    // The repetitions read whole: each has one quoted span.
    let whole = quotewire::limits::MAX_POST_WORDS / words_of(&once);
    assert!(found > quotewire::limits::MAX_POST_WORDS);
    for format in [Format::Plain, Format::Markdown, Format::Html] {
        let text = match format {
            Format::Html => format!("<p>{line}</p>"),
            _ => line.clone(),
        };
        let post = parse(&text, format, None).unwrap();
        let limit = post
            .limits
            .iter()
            .find(|l| l.limit == "words")
            .expect("words");
        assert_eq!(limit.max, quotewire::limits::MAX_POST_WORDS, "{format:?}");
        assert!(limit.found >= found, "{format:?}");
        let para = &post.passages[0];
        assert_eq!(para.marked, Marked::Unmarked);
        assert!(words_of(&para.text) <= quotewire::limits::MAX_POST_WORDS);
        assert!(words_of(&para.text) > quotewire::limits::MAX_POST_WORDS - 100);
        let inline = post.passages.iter().filter(|p| p.marked == Marked::Inline);
        // The repetitions read whole, and perhaps the start of the one the cut falls in.
        let count = inline.clone().count();
        assert!(count == whole || count == whole + 1, "{format:?}: {count}");
        assert!(inline
            .take(whole)
            .all(|p| p.text == "Quoted words in the line,"
                && p.claimed.speaker.as_deref() == Some("Sistani")));
    }
}

#[test]
fn sixty_thousand_tiny_paragraphs_are_read_up_to_the_word_limit() {
    let text: String = (0..60_000)
        .map(|i| format!("Para {i} here now.\n\n"))
        .collect();
    for format in [Format::Plain, Format::Markdown] {
        let post = parse(&text, format, None).unwrap();
        assert_eq!(post.passages.len(), 50_000, "{format:?}: 4 words each");
        assert_eq!(post.passages[49_999].text, "Para 49999 here now.");
        assert_eq!(post.passages[49_999].line, 99_999);
        assert_eq!(
            post.limits
                .iter()
                .map(|l| (l.limit, l.max, l.found))
                .collect::<Vec<_>>(),
            vec![("words", quotewire::limits::MAX_POST_WORDS, 240_000)]
        );
    }
}

#[test]
fn fifty_thousand_quote_marks() {
    for format in [Format::Plain, Format::Markdown, Format::Html] {
        let post = parse(&"“".repeat(50_000), format, None).unwrap();
        assert!(post.passages.is_empty(), "{format:?}: no words");
        let post = parse(&"\"".repeat(50_000), format, None).unwrap();
        assert!(post.passages.is_empty(), "{format:?}: no words");
    }
    let spans = "“four words in here” ".repeat(10_000);
    let post = parse(&spans, Format::Plain, None).unwrap();
    let inline: Vec<&str> = post
        .passages
        .iter()
        .filter(|p| p.marked == Marked::Inline)
        .map(|p| p.text.as_str())
        .collect();
    assert_eq!(inline.len(), 10_000);
    assert!(inline.iter().all(|t| *t == "four words in here"));
}

#[test]
fn thousands_of_day_headings_each_file_their_passage() {
    let md: String = (0..3_000)
        .map(|i| {
            format!(
                "## December {}th\n\nAccording to Reuters:\n\n> {Q} {i}\n\n",
                4 + i % 25
            )
        })
        .collect();
    let post = parse(
        &format!("---\ndate: 2020-01-03\n---\n{md}"),
        Format::Markdown,
        None,
    )
    .unwrap();
    let blocks = blocks(&post);
    assert_eq!(blocks.len(), 3_000);
    for (i, p) in blocks.iter().enumerate() {
        assert_eq!(p.day, Some(d(2019, 12, 4 + (i % 25) as u32)), "passage {i}");
        assert_eq!(
            p.heading.as_ref().map(|h| h.line),
            Some(4 + 6 * i),
            "passage {i}"
        );
        assert_eq!(p.claimed.outlet.as_deref(), Some("Reuters"));
    }
    let only: String = (0..50_000)
        .map(|i| format!("December {}th\n\n", 1 + i % 28))
        .collect();
    assert!(parse(&only, Format::Plain, None)
        .unwrap()
        .passages
        .is_empty());
}

#[test]
fn a_post_of_only_quote_lines() {
    for format in [Format::Plain, Format::Markdown] {
        let post = parse(&">\n".repeat(200_000), format, None).unwrap();
        assert!(post.passages.is_empty(), "{format:?}");
    }
    // 60,000 lines of four words: one block quote, read up to the word limit.
    let post = parse(
        &"> some words quoted here\n".repeat(60_000),
        Format::Markdown,
        None,
    )
    .unwrap();
    assert_eq!(post.passages.len(), 1);
    assert_eq!(
        words_of(&post.passages[0].text),
        quotewire::limits::MAX_POST_WORDS
    );
    assert_eq!(post.limits[0].found, 240_000);
}

#[test]
fn a_giant_front_matter_still_gives_its_title_and_date() {
    let keys: String = (0..200_000)
        .map(|i| format!("key{i}: value {i}\n"))
        .collect();
    let md = format!("---\n{keys}title: The big one\ndate: 2020-01-03\n---\n\n> {Q}\n");
    for format in [Format::Markdown, Format::Plain] {
        let post = parse(&md, format, None).unwrap();
        assert_eq!(post.title.as_deref(), Some("The big one"), "{format:?}");
        assert_eq!(post.date, Some(d(2020, 1, 3)), "{format:?}");
        assert_eq!(post.passages.len(), 1, "{format:?}");
        assert!(post.passages[0].text.ends_with("Kataib Hezbollah."));
        assert_eq!(post.passages[0].line, 200_006, "{format:?}");
        assert!(
            post.limits.is_empty(),
            "front matter words are not the post's"
        );
    }
}

#[test]
fn many_links_keep_the_first() {
    let md: String = (0..10_000)
        .map(|i| format!("[a link here](http://example.com/{i}) "))
        .collect();
    let post = parse(&md, Format::Markdown, None).unwrap();
    assert_eq!(post.passages.len(), 1);
    assert_eq!(
        post.passages[0].claimed.link.as_ref().map(|u| u.as_str()),
        Some("http://example.com/0")
    );
    let html: String = (0..10_000)
        .map(|i| format!("<a href=\"http://example.com/{i}\">a link here</a> "))
        .collect();
    let post = parse(&html, Format::Html, None).unwrap();
    assert_eq!(
        post.passages[0].claimed.link.as_ref().map(|u| u.as_str()),
        Some("http://example.com/0")
    );
}

#[test]
fn markup_without_words_is_read_up_to_the_markup_limit() {
    let max = quotewire::post::MAX_MARKUP;
    let md = format!("{Q}\n\n{}\n\n{Q}\n", "[".repeat(max + 10));
    let post = parse(&md, Format::Markdown, None).unwrap();
    assert_eq!(
        post.limits
            .iter()
            .map(|l| (l.limit, l.max))
            .collect::<Vec<_>>(),
        vec![("markup", max)]
    );
    assert_eq!(post.passages[0].text, Q, "the text before the cut is read");
    assert_eq!(
        post.passages.len(),
        1,
        "the cut is in the brackets: the last line is not read"
    );
    let plain = parse(&"-\n".repeat(max + 10), Format::Plain, None).unwrap();
    assert_eq!(plain.limits[0].limit, "markup");
    assert_eq!(plain.limits[0].found, max + 10);
}

#[test]
fn html_nested_past_the_limit_is_flattened_with_its_lines_and_said() {
    let n = 100_000;
    let html = format!(
        "<html><body>\n<h2>January 2nd</h2>\n<p>According to Reuters:</p>\n{}<blockquote>The innermost words of a very deep quotation.</blockquote>{}\n<p>After it, on the last line.</p>\n</body></html>",
        "<div>".repeat(n),
        "</div>".repeat(n)
    );
    let post = quotewire::post::parse(&html, quotewire::post::Format::Html, None).unwrap();
    let limit = post.limits.iter().find(|l| l.limit == "nesting");
    assert!(limit.is_some_and(|l| l.found > 0), "{:?}", post.limits);
    let passage = post
        .passages
        .iter()
        .find(|p| p.text.contains("innermost words"))
        .unwrap_or_else(|| panic!("{:#?}", post.passages));
    assert_eq!(passage.line, 4, "the quotation's line in the source");
}
