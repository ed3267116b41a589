//! Untrusted input never panics: every fixture, cut and corrupted in many ways, goes through
//! the parser and story identity. Deterministic (a fixed-seed generator), no timing.

use std::path::Path;

fn next(seed: &mut u64) -> u64 {
    // xorshift64*
    *seed ^= *seed >> 12;
    *seed ^= *seed << 25;
    *seed ^= *seed >> 27;
    seed.wrapping_mul(0x2545_f491_4f6c_dd1d)
}

#[test]
fn mangled_feeds_never_panic() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/feeds");
    let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
    let base = url::Url::parse("https://example.com/feed").unwrap();
    let mut parsed_some = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        for round in 0..200 {
            let mut b = bytes.clone();
            match round % 4 {
                0 => b.truncate((next(&mut seed) as usize) % (b.len() + 1)),
                1 => {
                    for _ in 0..8 {
                        let i = (next(&mut seed) as usize) % b.len();
                        b[i] = next(&mut seed) as u8;
                    }
                }
                2 => {
                    let i = (next(&mut seed) as usize) % b.len();
                    b.splice(i..i, b"&<![CDATA[&nbsp;<!--".iter().copied());
                }
                _ => {
                    let i = (next(&mut seed) as usize) % b.len();
                    b.splice(i..i, "\u{feff}é\u{2019}".bytes());
                }
            }
            let ct = [
                "text/xml; charset=shift_jis",
                "application/json",
                "text/html",
            ];
            let ct = (round % 5 < 3).then(|| ct[round % 3]);
            if let Ok(feed) = quotewire::parser::parse(&b, ct, Some(&base)) {
                parsed_some += 1;
                for e in &feed.entries {
                    if let Some((key, _)) = quotewire::story::identity(e, base.as_str()) {
                        assert_eq!(quotewire::story::url::story_id(&key).len(), 16);
                    }
                }
            }
        }
    }
    assert!(
        parsed_some > 100,
        "most light damage is survivable: {parsed_some}"
    );
}

#[test]
fn mangled_pages_and_texts_never_panic() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/articles");
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let base = url::Url::parse("https://example.com/a").unwrap();
    let rules = quotewire::article::Rules::default();
    let mut pages = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("html") {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        for round in 0..12 {
            let mut b = bytes.clone();
            match round % 4 {
                0 => b.truncate((next(&mut seed) as usize) % (b.len() + 1)),
                1 => {
                    for _ in 0..16 {
                        let i = (next(&mut seed) as usize) % b.len();
                        b[i] = next(&mut seed) as u8;
                    }
                }
                2 => {
                    let i = (next(&mut seed) as usize) % b.len();
                    b.splice(
                        i..i,
                        "<script type='application/ld+json'>{\"@graph\":[".bytes(),
                    );
                }
                _ => {
                    let i = (next(&mut seed) as usize) % b.len();
                    b.splice(i..i, "“„«\"’\n\n“ said he: ".bytes());
                }
            }
            let a = quotewire::article::extract(&b, Some("text/html"), Some(&base), &rules);
            let text = a.text();
            let chars = text.chars().count();
            for q in quotewire::quotes::extract(&text) {
                assert!(
                    q.start <= q.end && q.end <= chars,
                    "offsets inside the text"
                );
            }
            // The raw bytes as text, marks and all, must not panic the quote finder either.
            let _ = quotewire::quotes::extract(&String::from_utf8_lossy(&b));
            pages += 1;
        }
    }
    assert!(pages >= 15 * 12);
}
