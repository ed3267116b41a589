//! Tests of the assembly in `mod.rs`: passages, claims and days from all three formats, and
//! odd input. The sample post itself is tested in `tests/post_parse.rs`.

use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

const TODAY: fn() -> NaiveDate = || d(2026, 12, 3);

fn plain(text: &str, date: Option<NaiveDate>) -> Post {
    parse_as_of(text, Format::Plain, date, TODAY()).unwrap()
}

const PLAIN: &str = "Iraq Weekly Update: December 27th to January 2nd

This week marks a turning point for US and Iraqi relations.

January 27th

According to Reuters

One official said the United States was looking into it.

Throughout the day, according to

In Diwaniya, an activist died of injuries.
Several people were injured in Karbala.

December 31st

U.S. Secretary of State Mike Pompeo said he was disappointed. “The Europeans haven’t been as helpful as I wish,” Pompeo told Fox News.
";

#[test]
fn plain_passages_claims_and_days() {
    let post = plain(PLAIN, Some(d(2020, 1, 3)));
    assert_eq!(
        post.title.as_deref(),
        Some("Iraq Weekly Update: December 27th to January 2nd")
    );
    assert_eq!(post.date, Some(d(2020, 1, 3)));
    assert_eq!(post.date_from, Some(DateFrom::Argument));
    assert_eq!(post.range, Some((d(2019, 12, 27), d(2020, 1, 2))));
    let kinds: Vec<_> = post.passages.iter().map(|p| (p.marked, p.line)).collect();
    assert_eq!(
        kinds,
        vec![
            (Marked::Unmarked, 3),
            (Marked::Block, 9),
            (Marked::Unmarked, 11),
            (Marked::Block, 13),
            (Marked::Unmarked, 18),
            (Marked::Inline, 18),
        ]
    );
    // The lead-in "Throughout the day, according to" is checked as the author's words too.
    let mut p = post.passages.clone();
    assert_eq!(p.remove(2).text, "Throughout the day, according to");
    assert_eq!(p[0].day, None);
    assert_eq!(p[1].claimed.outlet.as_deref(), Some("Reuters"));
    assert_eq!(p[1].day, Some(d(2020, 1, 27)));
    assert_eq!(
        p[1].heading,
        Some(Heading {
            text: "January 27th".into(),
            line: 5,
            has_year: false,
        })
    );
    assert!(p[2].claimed.dangling);
    assert_eq!(p[2].claimed.outlet, None);
    assert_eq!(
        p[2].text,
        "In Diwaniya, an activist died of injuries.\nSeveral people were injured in Karbala."
    );
    assert_eq!(p[3].day, Some(d(2019, 12, 31)));
    assert_eq!(
        p[4].text,
        "The Europeans haven’t been as helpful as I wish,"
    );
    assert_eq!(p[4].claimed.speaker.as_deref(), Some("Pompeo"));
}

/// Kinds, texts and claimed outlets of a Markdown post's passages.
fn md(text: &str) -> Vec<Passage> {
    parse_as_of(text, Format::Markdown, Some(d(2020, 1, 3)), TODAY())
        .unwrap()
        .passages
}

#[test]
fn a_paragraph_that_quotes_is_checked_whatever_attribution_it_carries() {
    for para in [
        "According to Reuters, a spokesman said \"the coalition is totally unaware of any rocket attack\".",
        "A spokesman said \"the coalition is totally unaware of any rocket attack\", according to Reuters.",
        "Reuters reported that a spokesman said \"the coalition is totally unaware of any rocket attack\".",
    ] {
        // Followed by a block quote from elsewhere, with no lead-in of its own.
        let post = format!("{para}\n\n> Five rockets landed inside the base on Tuesday night.\n");
        let p = md(&post);
        let inline: Vec<&Passage> = p.iter().filter(|p| p.marked == Marked::Inline).collect();
        assert_eq!(inline.len(), 1, "{para}: {p:#?}");
        assert_eq!(
            inline[0].text,
            "the coalition is totally unaware of any rocket attack"
        );
        assert_eq!(inline[0].claimed.outlet.as_deref(), Some("Reuters"), "{para}");
        let block = p.iter().find(|p| p.marked == Marked::Block).unwrap();
        assert_eq!(block.claimed.outlet, None, "not lent: {para}");
        assert!(block.claimed.context.is_empty(), "{para}");
    }
}

#[test]
fn a_lead_in_names_its_speaker_and_link_anywhere() {
    let p = md("According to [Reuters](https://www.reuters.com/a), Mike Pompeo said:\n\n> We will not allow it to happen again here.\n");
    let block = p.iter().find(|p| p.marked == Marked::Block).unwrap();
    assert_eq!(block.claimed.outlet.as_deref(), Some("Reuters"));
    assert_eq!(block.claimed.speaker.as_deref(), Some("Mike Pompeo"));
    assert_eq!(block.claimed.speaker_from, Some(SpeakerFrom::Post));
    assert_eq!(
        block.claimed.link.as_ref().and_then(|u| u.host_str()),
        Some("www.reuters.com")
    );
    let p = md("Ali Rahimi told [Wire Wire](https://wire.example/b):\n\n> We will not allow it to happen again here.\n");
    let block = p.iter().find(|p| p.marked == Marked::Block).unwrap();
    assert_eq!(block.claimed.speaker.as_deref(), Some("Ali Rahimi"));
    assert_eq!(
        block.claimed.context,
        [std::sync::Arc::from("Ali Rahimi told Wire Wire:")]
    );
    // The speaker named inside the quotation is the quotation's own word.
    let p = md("According to Reuters:\n\n> \"We will not allow it,\" Sistani said.\n");
    let block = p.iter().find(|p| p.marked == Marked::Block).unwrap();
    assert_eq!(block.claimed.speaker.as_deref(), Some("Sistani"));
    assert_eq!(block.claimed.speaker_from, Some(SpeakerFrom::Passage));
}

#[test]
fn a_lead_in_shaped_paragraph_that_introduces_nothing_is_prose() {
    let p = md("Prices rose, according to Reuters.\n\nMy own words follow here in a paragraph.\n");
    assert_eq!(p.len(), 2);
    assert_eq!(p[0].claimed.outlet.as_deref(), Some("Reuters"));
    assert_eq!(p[1].claimed.outlet, None, "nothing lent");
}

#[test]
fn dates_front_matter_then_argument_then_title() {
    let md = "---\ndate: 2020-01-03\n---\n# Update: December 27th to January 2nd\n\ntext of four words\n";
    let post = parse_as_of(md, Format::Markdown, Some(d(2021, 5, 5)), TODAY()).unwrap();
    assert_eq!(post.date, Some(d(2020, 1, 3)));
    assert_eq!(post.date_from, Some(DateFrom::Document));
    assert_eq!(post.range, Some((d(2019, 12, 27), d(2020, 1, 2))));

    // No date anywhere: the most recent such range not after today.
    let post = plain(PLAIN, None);
    assert_eq!(post.date_from, Some(DateFrom::Title));
    assert_eq!(post.range, Some((d(2025, 12, 27), d(2026, 1, 2))));
    assert_eq!(post.date, Some(d(2026, 1, 2)));
    assert_eq!(post.passages[1].day, Some(d(2026, 1, 27)));

    let post = plain("Just some words here, no title.\n", None);
    assert_eq!((post.date, post.date_from, post.range), (None, None, None));
}

#[test]
fn markdown_block_quote_takes_the_lead_in() {
    let md = "## January 1st\n\nConsular operations suspended, according to [Reuters](https://www.reuters.com/article/x).\n\n> \"Due to militia attacks at the U.S. Embassy compound, all public consular operations are suspended,\" it said.\n\nMy own view is that this matters a lot.\n\nCited from [the wire](https://apnews.com/article/y), the AP reported the \"five rockets landed inside the base\" today.\n";
    let post = parse_as_of(md, Format::Markdown, Some(d(2020, 1, 3)), TODAY()).unwrap();
    let mut p = post.passages.clone();
    // The lead-in is checked as the author's words, with its own claim.
    let lead = p.remove(0);
    assert_eq!((lead.marked, lead.line), (Marked::Unmarked, 3));
    assert_eq!(lead.claimed.outlet.as_deref(), Some("Reuters"));
    assert_eq!(p[0].marked, Marked::Block);
    assert_eq!(p[0].line, 5);
    assert_eq!(p[0].day, Some(d(2020, 1, 1)));
    assert_eq!(p[0].claimed.outlet.as_deref(), Some("Reuters"));
    assert_eq!(
        p[0].claimed.link.as_ref().map(Url::as_str),
        Some("https://www.reuters.com/article/x")
    );
    assert_eq!(p[1].marked, Marked::Unmarked);
    assert_eq!(p[1].claimed.outlet, None);
    assert!(p[1].claimed.links.is_empty());
    assert_eq!(p[2].marked, Marked::Unmarked);
    assert_eq!(p[2].claimed.outlet.as_deref(), Some("AP"));
    assert_eq!(p[3].marked, Marked::Inline);
    assert_eq!(p[3].text, "five rockets landed inside the base");
    assert_eq!(
        p[3].claimed.link.as_ref().and_then(|u| u.host_str()),
        Some("apnews.com")
    );
    assert_eq!(p.len(), 4);
}

#[test]
fn html_post() {
    let html = "<h1>Week of December 27th to January 2nd</h1>\n<h2>December 31st</h2>\n<p>Salih condemns it, according to Reuters.</p>\n<blockquote><p>“Peaceful protest is a right guaranteed and protected by the constitution.”</p></blockquote>\n";
    let post = parse_as_of(html, Format::Html, Some(d(2020, 1, 3)), TODAY()).unwrap();
    assert_eq!(post.passages.len(), 2);
    assert_eq!(post.passages[0].marked, Marked::Unmarked, "the lead-in");
    let p = &post.passages[1];
    assert_eq!(
        (p.marked, p.line, p.day),
        (Marked::Block, 4, Some(d(2019, 12, 31)))
    );
    assert_eq!(p.claimed.outlet.as_deref(), Some("Reuters"));
}

#[test]
fn resolve_names_links_and_speakers() {
    let cfg = Config::parse(
        Path::new("feeds.toml"),
        "[[outlet]]\nid = \"defensepost\"\nname = \"The Defense Post\"\ndomains = [\"thedefensepost.com\"]\naliases = [\"Defense Post\"]\n[[outlet]]\nid = \"reuters\"\nname = \"Reuters\"\ndomains = [\"reuters.com\"]\n",
    )
    .unwrap();
    let named = |o: &str| Claim {
        outlet: Some(o.to_string()),
        ..Claim::default()
    };
    let id = |c: &Claim| c.resolve(&cfg).map(|o| o.id.as_str());
    assert_eq!(id(&named("Defense Post")), Some("defensepost"));
    assert_eq!(id(&named("the  defense post")), Some("defensepost"));
    assert_eq!(id(&named("REUTERS")), Some("reuters"));
    assert_eq!(id(&named("reuters.com")), Some("reuters"));
    assert_eq!(id(&named("Daily Star")), None);
    let linked = Claim {
        link: Url::parse("https://www.reuters.com/a").ok(),
        ..Claim::default()
    };
    assert_eq!(id(&linked), Some("reuters"));
    let said = Claim {
        speaker: Some("Reuters".into()),
        ..Claim::default()
    };
    assert_eq!(id(&said), Some("reuters"));
}

#[test]
fn format_from_extension() {
    assert_eq!(Format::from_path(Path::new("a/post.MD")), Format::Markdown);
    assert_eq!(Format::from_path(Path::new("post.htm")), Format::Html);
    assert_eq!(Format::from_path(Path::new("post.txt")), Format::Plain);
    assert_eq!(Format::from_path(Path::new("post")), Format::Plain);
}

/// Odd input never panics, in any format.
#[test]
fn odd_input_never_panics() {
    let long_line = "word “quote ".repeat(20_000);
    let deep_quote = ">".repeat(5_000) + " text of many words here";
    // html5ever is quadratic in nesting depth (3,000 levels take seconds in a debug build), so
    // the depth here is modest; the point is that the walk over the tree is not recursive.
    let deep_html = "<div><blockquote>".repeat(500) + "deep text of words";
    let inputs: Vec<String> = vec![
        String::new(),
        "\n\n\n".into(),
        "# December 27th\n\n## January 2nd\n".into(),
        "December 27th\n\nJanuary 2nd\n".into(),
        "“unclosed quote that goes on and on\n\n\"another one with words".into(),
        "According to\r\n\r\nsome text of four words\r\n".into(),
        "line one\r\nline two\r\n\r\n> quote in crlf of words\r\n".into(),
        long_line,
        deep_quote,
        deep_html,
        "\u{1}\u{2}\u{7f}\u{feff}ÿþ\u{fffd}\u{fffd} binary-ish \u{1b}[0m text “ ’ ' \"".into(),
        "---\ndate: 2020-02-30\ntitle: 'x\n---\n".into(),
        "+++\n+++\n".into(),
        "<p>unclosed <blockquote><h2>January 27th<p>‘’“”".into(),
        "é".repeat(1000) + " according to " + &"ü".repeat(1000),
        "Title: February 29th to March 1st\n\nFebruary 29th\n\nsome text of four words\n".into(),
        "[link](http://[::1]:99999/) [x](javascript:alert(1)) <a href=\"http://\">".into(),
    ];
    for text in &inputs {
        for format in [Format::Plain, Format::Markdown, Format::Html] {
            let post = parse_as_of(text, format, None, TODAY()).unwrap();
            for p in &post.passages {
                assert!(p.line >= 1, "{format:?} {text:?}");
                assert!(!p.text.trim().is_empty());
            }
            let _ = parse(text, format, Some(d(2020, 1, 3))).unwrap();
        }
    }
    assert!(matches!(
        parse("a\0b", Format::Plain, None),
        Err(PostError::Binary)
    ));
}

/// Random mixtures of the pieces posts are made of, in every format: nothing panics and every
/// passage has a line inside the text.
#[test]
fn shuffled_pieces_never_panic() {
    const PIECES: &[&str] = &[
        "\n",
        "\n\n",
        "\r\n",
        " ",
        "\u{a0}",
        "> ",
        ">",
        "# ",
        "## ",
        "- ",
        "* ",
        "1. ",
        "---\n",
        "+++\n",
        "date: ",
        "2020-01-03",
        "title: ",
        "December 27th",
        "January 2nd",
        " to ",
        "–",
        "Monday, ",
        "According to",
        "according to",
        " Reuters",
        " the AP reports",
        ":",
        ",",
        ".",
        "“",
        "”",
        "\"",
        "'",
        "‘",
        "’",
        "…",
        "[Reuters](",
        "https://www.reuters.com/a",
        ")",
        "<p>",
        "</p>",
        "<blockquote>",
        "</blockquote>",
        "<h2>",
        "</h2>",
        "<a href=\"",
        "<!--",
        "-->",
        "<script>",
        "</script>",
        "<br>",
        "&amp;",
        "Sistani said",
        " he said",
        "é",
        "日本語",
        "\u{200b}",
        "\u{1f600}",
        "said,",
        "words of the passage go here",
        "```\n",
        "\t",
        "\\",
        "*",
        "_",
    ];
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..300 {
        let len = (next() % 80) as usize;
        let text: String = (0..len)
            .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
            .collect();
        let lines = text.matches('\n').count() + 1;
        for format in [Format::Plain, Format::Markdown, Format::Html] {
            let post = parse_as_of(&text, format, None, TODAY()).unwrap();
            for p in &post.passages {
                assert!(p.line >= 1 && p.line <= lines, "{format:?} {text:?} {p:?}");
            }
        }
    }
}

#[test]
fn plain_text_a_paragraph_before_a_quoted_paragraph_introduces_it() {
    let post = plain(
        "May 13th\n\nFishing crews stayed ashore on Tuesday, Gulf Post says.\n\n“Nobody wants to lose a net over a line on a map,” said Hélène Marchetti.\n",
        Some(d(2025, 5, 20)),
    );
    let kinds: Vec<_> = post.passages.iter().map(|p| p.marked).collect();
    assert_eq!(
        kinds,
        [Marked::Unmarked, Marked::Block],
        "{:#?}",
        post.passages
    );
    assert_eq!(
        post.passages[1].claimed.context,
        [std::sync::Arc::from(
            "Fishing crews stayed ashore on Tuesday, Gulf Post says."
        )]
    );
}
