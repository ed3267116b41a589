//! Encodings through the whole parse: UTF-16 and UTF-32 without a byte order mark (the cause of
//! the fuzzer's quick-xml panics), a declaration that comes late, and windows-1252 bytes in a
//! feed labelled UTF-8, each read by `quotewire::parser::parse` to the right entries.

use quotewire::parser::{parse, ParsedFeed};

const CHANNEL: &str = "<rss version=\"2.0\"><channel><title>T</title><item><title>Hello</title><link>http://e.com/a</link></item><item><title>Caf\u{e9} \u{201c}ok\u{201d}</title><link>http://e.com/b</link></item></channel></rss>";

fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    text.encode_utf16()
        .flat_map(|u| {
            if big_endian {
                u.to_be_bytes()
            } else {
                u.to_le_bytes()
            }
        })
        .collect()
}

fn parsed(bytes: &[u8], content_type: Option<&str>) -> ParsedFeed {
    parse(bytes, content_type, None).unwrap_or_else(|e| panic!("not parsed: {e}"))
}

fn assert_channel(feed: &ParsedFeed) {
    assert_eq!(feed.title.as_deref(), Some("T"));
    let titles: Vec<&str> = feed
        .entries
        .iter()
        .filter_map(|e| e.title.as_deref())
        .collect();
    assert_eq!(titles, ["Hello", "Caf\u{e9} \u{201c}ok\u{201d}"]);
    assert_eq!(feed.entries[0].link.as_deref(), Some("http://e.com/a"));
}

#[test]
fn utf16_without_bom_parses_whatever_the_declaration_says() {
    for big_endian in [false, true] {
        for decl in [
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
            "<?xml version=\"1.0\" encoding=\"UTF-16\"?>",
            "<?xml version=\"1.0\"?>",
            "",
        ] {
            let bytes = utf16(&format!("{decl}{CHANNEL}"), big_endian);
            for header in [None, Some("application/rss+xml; charset=utf-8")] {
                let feed = parsed(&bytes, header);
                assert_channel(&feed);
                let want = if big_endian { "UTF-16BE" } else { "UTF-16LE" };
                assert_eq!(feed.encoding, want, "{decl} {header:?}");
            }
        }
    }
}

#[test]
fn utf32_and_boms_parse() {
    let mut le32 = Vec::new();
    for c in format!("<?xml version=\"1.0\" encoding=\"UTF-32\"?>{CHANNEL}").chars() {
        le32.extend(u32::from(c).to_le_bytes());
    }
    assert_channel(&parsed(&le32, None));
    let mut marked = vec![0xFE, 0xFF];
    marked.extend(utf16(
        &format!("\u{feff}<?xml version=\"1.0\" encoding=\"utf-16\"?>{CHANNEL}"),
        true,
    ));
    assert_channel(&parsed(&marked, None));
}

#[test]
fn a_late_declaration_naming_an_encoding_cannot_switch_the_parser() {
    let filler = "<description>".to_string() + &"x".repeat(200) + "</description>";
    let text = CHANNEL.replace(
        "<item>",
        &format!("{filler}<?xml version=\"1.0\" encoding=\"windows-1252\"?><item>"),
    );
    assert_channel(&parsed(text.as_bytes(), None));
}

#[test]
fn windows_1252_in_a_feed_labelled_utf8_keeps_both() {
    let mut bytes =
        b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>T</title>"
            .to_vec();
    bytes.extend_from_slice(
        b"<item><title>caf\xe9 \xe2\x80\x9cok\xe2\x80\x9d</title><link>http://e.com/a</link>",
    );
    bytes.extend_from_slice(
        b"<description>Iraq\x92s \x93na\xc3\xafve\x94 plan</description></item></channel></rss>",
    );
    for header in [None, Some("application/rss+xml; charset=utf-8")] {
        let feed = parsed(&bytes, header);
        assert_eq!(feed.encoding, "UTF-8");
        let entry = &feed.entries[0];
        assert_eq!(entry.title.as_deref(), Some("café “ok”"));
        assert_eq!(entry.summary.as_deref(), Some("Iraq’s “naïve” plan"));
    }
}
