//! Character encodings: feed and page bytes to UTF-8 text, before feed-rs or the HTML parser
//! sees them.
//!
//! The order is RFC 7303's: a byte order mark wins, then the charset parameter of the HTTP
//! Content-Type, then the `encoding` of the XML declaration, then UTF-8. Before the labels, the
//! first bytes are read as the XML specification's Appendix F says: `3C 00 3F 00` and the like
//! are UTF-16 (or UTF-32) without a byte order mark, whatever a label claims, since no
//! ASCII-compatible document starts with NUL bytes. Labels are resolved by encoding_rs as the
//! WHATWG Encoding Standard says ("latin1" and "iso-8859-1" both mean windows-1252, as every
//! browser reads them); a label naming UTF-16 for bytes that are not is ignored.
//!
//! Bytes that are not valid in the encoding chosen are not replaced with U+FFFD: such a body is
//! decoded by detection (chardetng). A body meant as UTF-8 that holds valid multibyte UTF-8 and
//! some invalid bytes (windows-1252 quotes pasted into a UTF-8 feed) keeps its UTF-8 and reads
//! the invalid bytes in the single-byte encoding detection picks; any other invalid body is
//! decoded whole in the detected encoding. Only UTF-16 and UTF-32, which detection cannot
//! second-guess, still turn broken code units into U+FFFD. Decoding never fails.
//!
//! The text handed on never contains NUL (not allowed in XML 1.0), never starts with a byte order
//! mark, and carries no XML declaration naming an encoding: feed-rs switches its decoder when it
//! reads one, and doing so after its first bytes panics inside quick-xml.
//!
//! Not for: entities, markup, or anything past turning bytes into text.

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252};

/// Text in UTF-8 and the encoding it was read as.
pub struct Decoded {
    pub text: String,
    /// The encoding the bytes were read as. encoding_rs has no UTF-32 (the WHATWG standard has
    /// none): a UTF-32 body reports the UTF-16 of its byte order here, and its true name in
    /// `name`.
    pub encoding: &'static Encoding,
    /// The name of the encoding the bytes were read as.
    pub name: &'static str,
}

/// Decodes a feed body; `content_type` is the HTTP header, if there was one.
pub fn decode(bytes: &[u8], content_type: Option<&str>) -> Decoded {
    let mut decoded = decode_with(bytes, content_type, xml_declared);
    decoded.text = rewrite_declarations(decoded.text);
    decoded
}

/// Decodes an HTML page: BOM, then the HTTP charset, then a `<meta charset>` or
/// `<meta http-equiv="Content-Type">` in the first 1024 bytes, then UTF-8, as browsers do;
/// invalid bytes as in `decode`. Unlike a browser it reads UTF-16 without a BOM by its first
/// bytes: a page is only read here, never run.
pub fn decode_html(bytes: &[u8], content_type: Option<&str>) -> String {
    decode_document(bytes, content_type, true).text
}

/// Decodes a document that is not a feed (a post): as `decode_html` when `html`, else with no
/// label read from the document itself; with the encoding it was read as. No XML declaration
/// is rewritten.
pub fn decode_document(bytes: &[u8], content_type: Option<&str>, html: bool) -> Decoded {
    let in_document: fn(&[u8]) -> Option<&'static Encoding> =
        if html { meta_charset } else { |_| None };
    decode_with(bytes, content_type, in_document)
}

/// The common part of `decode` and `decode_html`: `in_document` finds the document's own label.
fn decode_with(
    bytes: &[u8],
    content_type: Option<&str>,
    in_document: fn(&[u8]) -> Option<&'static Encoding>,
) -> Decoded {
    let (text, encoding, name) = match signature(bytes) {
        Some((Signature::Utf32 { big_endian }, skip)) => {
            let (encoding, name) = if big_endian {
                (UTF_16BE, "UTF-32BE")
            } else {
                (UTF_16LE, "UTF-32LE")
            };
            (decode_utf32(&bytes[skip..], big_endian), encoding, name)
        }
        Some((Signature::Utf16(encoding), skip)) => {
            let (text, _) = encoding.decode_without_bom_handling(&bytes[skip..]);
            (text.into_owned(), encoding, encoding.name())
        }
        Some((Signature::Utf8Bom, skip)) => {
            let (text, encoding) = decode_labelled(&bytes[skip..], Some(UTF_8));
            (text, encoding, encoding.name())
        }
        None => {
            let label = content_type
                .and_then(charset_param)
                .filter(ascii_compatible)
                .or_else(|| in_document(bytes).filter(ascii_compatible));
            let (text, encoding) = decode_labelled(bytes, label);
            (text, encoding, encoding.name())
        }
    };
    Decoded {
        text: clean(text),
        encoding,
        name,
    }
}

/// What the first bytes say about the encoding.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Signature {
    Utf8Bom,
    Utf16(&'static Encoding),
    Utf32 { big_endian: bool },
}

/// The encoding the first four bytes show, and how many of them are a byte order mark: the
/// marks, then Appendix F of the XML specification for documents without one. The first
/// character of an XML or JSON document is ASCII, so two non-NUL bytes with NULs between them
/// are UTF-16, and one with three NULs is UTF-32. UTF-32's mark is checked first: its
/// little-endian one begins like UTF-16's.
fn signature(bytes: &[u8]) -> Option<(Signature, usize)> {
    const TABLE: &[(&[u8], Signature, usize)] = &[
        (
            &[0x00, 0x00, 0xFE, 0xFF],
            Signature::Utf32 { big_endian: true },
            4,
        ),
        (
            &[0xFF, 0xFE, 0x00, 0x00],
            Signature::Utf32 { big_endian: false },
            4,
        ),
        (&[0xEF, 0xBB, 0xBF], Signature::Utf8Bom, 3),
        (&[0xFE, 0xFF], Signature::Utf16(UTF_16BE), 2),
        (&[0xFF, 0xFE], Signature::Utf16(UTF_16LE), 2),
    ];
    if let Some(&(_, sig, skip)) = TABLE.iter().find(|(mark, _, _)| bytes.starts_with(mark)) {
        return Some((sig, skip));
    }
    let sig = match *bytes.get(..4)? {
        [0, 0, 0, a] if a != 0 => Signature::Utf32 { big_endian: true },
        [a, 0, 0, 0] if a != 0 => Signature::Utf32 { big_endian: false },
        [0, a, 0, b] if a != 0 && b != 0 => Signature::Utf16(UTF_16BE),
        [a, 0, b, 0] if a != 0 && b != 0 => Signature::Utf16(UTF_16LE),
        _ => return None,
    };
    Some((sig, 0))
}

/// UTF-32 code units to text; a unit that is no character (or a short last one) is U+FFFD.
fn decode_utf32(bytes: &[u8], big_endian: bool) -> String {
    bytes
        .chunks(4)
        .map(|unit| {
            let unit: [u8; 4] = unit.try_into().unwrap_or([0xFF; 4]);
            let code = if big_endian {
                u32::from_be_bytes(unit)
            } else {
                u32::from_le_bytes(unit)
            };
            char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER)
        })
        .collect()
}

/// Decodes bytes that carry no signature in the encoding a label gave (UTF-8 when none did),
/// or, when they are not valid in it, by detection. Returns the encoding used.
fn decode_labelled(bytes: &[u8], label: Option<&'static Encoding>) -> (String, &'static Encoding) {
    let encoding = label.unwrap_or(UTF_8);
    if let Some(text) = encoding.decode_without_bom_handling_and_without_replacement(bytes) {
        return (text.into_owned(), encoding);
    }
    if encoding == UTF_8 && has_multibyte_utf8(bytes) {
        // Mostly UTF-8 with something else pasted in: keep the UTF-8 as it is.
        return (utf8_patched(bytes, single_byte_guess(bytes)), UTF_8);
    }
    let guess = guess(bytes, Utf8Detection::Allow);
    if let Some(text) = guess.decode_without_bom_handling_and_without_replacement(bytes) {
        return (text.into_owned(), guess);
    }
    if has_multibyte_utf8(bytes) {
        return (utf8_patched(bytes, single_byte_guess(bytes)), UTF_8);
    }
    // Every byte has a meaning in windows-1252 (the WHATWG index maps all 256).
    let (text, _) = WINDOWS_1252.decode_without_bom_handling(bytes);
    (text.into_owned(), WINDOWS_1252)
}

/// chardetng's guess for a whole body, with no top-level domain to go by. Only the lines that
/// hold a byte above ASCII are fed to it: a line of ASCII alone reads the same in every
/// candidate and carries no evidence, and a feed is mostly such lines (markup, URLs, dates),
/// so this keeps the evidence and drops most of the detector's work.
fn guess(bytes: &[u8], utf8: Utf8Detection) -> &'static Encoding {
    let mut detector = EncodingDetector::new(Iso2022JpDetection::Deny);
    let mut fed = false;
    for line in bytes.split(|&b| b == b'\n') {
        if !line.is_ascii() {
            detector.feed(line, false);
            detector.feed(b"\n", false);
            fed = true;
        }
    }
    if !fed {
        detector.feed(bytes, false);
    }
    detector.feed(&[], true);
    detector.guess(None, utf8)
}

/// Whether the bytes hold at least one valid UTF-8 sequence of more than one byte.
fn has_multibyte_utf8(bytes: &[u8]) -> bool {
    bytes.utf8_chunks().any(|chunk| !chunk.valid().is_ascii())
}

/// The single-byte encoding the bytes outside valid UTF-8 are most likely in: chardetng reads
/// the body with every valid multibyte UTF-8 sequence blanked out, so that only the foreign
/// bytes and their ASCII context count. windows-1252 when it guesses a multibyte encoding.
fn single_byte_guess(bytes: &[u8]) -> &'static Encoding {
    let mut sample = Vec::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        sample.extend(
            chunk
                .valid()
                .bytes()
                .map(|b| if b.is_ascii() { b } else { b' ' }),
        );
        sample.extend_from_slice(chunk.invalid());
    }
    let guess = guess(&sample, Utf8Detection::Deny);
    if guess.is_single_byte() {
        guess
    } else {
        WINDOWS_1252
    }
}

/// UTF-8 with its invalid bytes read in `fallback`, a single-byte encoding (in windows-1252
/// where `fallback` has no character for a byte).
fn utf8_patched(bytes: &[u8], fallback: &'static Encoding) -> String {
    let mut text = String::with_capacity(bytes.len() + bytes.len() / 8);
    for chunk in bytes.utf8_chunks() {
        text.push_str(chunk.valid());
        let invalid = chunk.invalid();
        match fallback.decode_without_bom_handling_and_without_replacement(invalid) {
            Some(patch) => text.push_str(&patch),
            None => text.push_str(&WINDOWS_1252.decode_without_bom_handling(invalid).0),
        }
    }
    text
}

/// Whether ASCII bytes mean ASCII in an encoding: not so for UTF-16, nor for the "replacement"
/// encoding that some labels name, which reads any body as one U+FFFD.
fn ascii_compatible(encoding: &&'static Encoding) -> bool {
    encoding.output_encoding() == *encoding
}

/// Drops NUL characters and any byte order marks at the start.
fn clean(text: String) -> String {
    let text = if text.contains('\0') {
        text.replace('\0', "")
    } else {
        text
    };
    if text.starts_with('\u{feff}') {
        text.trim_start_matches('\u{feff}').to_string()
    } else {
        text
    }
}

/// The encoding named by a Content-Type header's charset parameter.
pub fn charset_param(content_type: &str) -> Option<&'static Encoding> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        if !name.trim().eq_ignore_ascii_case("charset") {
            return None;
        }
        Encoding::for_label(value.trim().trim_matches('"').as_bytes())
    })
}

/// The encoding named in an XML declaration at the very start of an ASCII-compatible document.
fn xml_declared(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(512)];
    if !head.starts_with(b"<?xml") {
        return None;
    }
    let end = head.windows(2).position(|w| w == b"?>")?;
    let decl = std::str::from_utf8(&head[..end]).ok()?;
    let value = attribute(decl, "encoding")?;
    Encoding::for_label(value.as_bytes())
}

/// The value of `name="..."` (or single-quoted) inside an XML declaration.
fn attribute<'a>(decl: &'a str, name: &str) -> Option<&'a str> {
    let at = decl.find(name)?;
    let rest = decl[at + name.len()..]
        .trim_start()
        .strip_prefix('=')?
        .trim_start();
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let rest = &rest[1..];
    rest.find(quote).map(|end| &rest[..end])
}

/// Makes the text's XML declarations name no encoding (so UTF-8, which the text is now): the
/// one at the start (after any white space, which is dropped) becomes `<?xml version="1.0"?>`,
/// and any later one that names an encoding, never well-formed, is dropped. quick-xml takes
/// `<?xml` followed by white space or `?>` for a declaration wherever it stands.
fn rewrite_declarations(text: String) -> String {
    let start = text.len() - text.trim_start().len();
    let mut out = String::with_capacity(text.len());
    let mut rest = &text[start..];
    let mut first = true;
    loop {
        let at = if first && is_declaration(rest) {
            Some(0)
        } else {
            rest.match_indices("<?xml")
                .map(|(i, _)| i)
                .find(|&i| is_declaration(&rest[i..]))
        };
        let Some(at) = at else {
            if first {
                return text;
            }
            out.push_str(rest);
            return out;
        };
        let Some(len) = rest[at..].find("?>").map(|end| end + 2) else {
            // Unclosed: quick-xml reports no declaration for it.
            out.push_str(rest);
            return out;
        };
        let decl = &rest[at..at + len];
        out.push_str(&rest[..at]);
        if !decl.contains("encoding") {
            out.push_str(decl);
        } else if first && at == 0 {
            out.push_str("<?xml version=\"1.0\"?>");
        }
        first = false;
        rest = &rest[at + len..];
    }
}

/// Whether `s` starts with what quick-xml reads as an XML declaration.
fn is_declaration(s: &str) -> bool {
    s.strip_prefix("<?xml").is_some_and(|after| {
        after.starts_with("?>") || after.starts_with(|c: char| c.is_ascii_whitespace())
    })
}

/// The charset a `<meta>` tag declares near the top of an HTML page.
fn meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(1024)];
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    let mut rest = head.as_str();
    while let Some(at) = rest.find("<meta") {
        rest = &rest[at + 5..];
        let tag = &rest[..rest.find('>').unwrap_or(rest.len())];
        if let Some(pos) = tag.find("charset") {
            let value = tag[pos + 7..].trim_start().strip_prefix('=')?.trim_start();
            let value = value.trim_start_matches(['"', '\'']);
            let end = value
                .find(|c: char| c == '"' || c == '\'' || c == ';' || c.is_whitespace() || c == '/')
                .unwrap_or(value.len());
            let enc = Encoding::for_label(&value.as_bytes()[..end])?;
            // A page that says UTF-16 in ASCII bytes is not UTF-16 (HTML standard).
            return Some(if ascii_compatible(&enc) { enc } else { UTF_8 });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const FEED: &str = "<rss version=\"2.0\"><channel><title>T</title><item><title>Caf\u{e9} \u{201c}ok\u{201d} \u{1f600}</title></item></channel></rss>";

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

    fn utf32(text: &str, big_endian: bool) -> Vec<u8> {
        text.chars()
            .flat_map(|c| {
                let c = u32::from(c);
                if big_endian {
                    c.to_be_bytes()
                } else {
                    c.to_le_bytes()
                }
            })
            .collect()
    }

    /// What every decoded text must be: no NUL, no leading BOM, no declaration naming an
    /// encoding.
    fn assert_safe(text: &str) {
        assert!(!text.contains('\0'), "NUL in {text:?}");
        assert!(
            !text.starts_with('\u{feff}'),
            "BOM at the start of {text:?}"
        );
        assert!(
            !text.contains("encoding="),
            "a declaration names an encoding: {text:?}"
        );
    }

    #[test]
    fn html_meta_charset() {
        let page = b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\"></head><body>\x93caf\xe9\x94</body></html>";
        assert!(decode_html(page, None).contains("\u{201c}caf\u{e9}\u{201d}"));
        let page = b"<meta charset='utf-8'><p>caf\xc3\xa9</p>";
        assert!(decode_html(page, Some("text/html")).contains("caf\u{e9}"));
    }

    #[test]
    fn prolog_windows_1252() {
        let bytes = b"<?xml version=\"1.0\" encoding=\"windows-1252\"?><rss><t>Iraq\x92s \x93caf\xe9\x94 \x80</t></rss>";
        let d = decode(bytes, None);
        assert_eq!(d.encoding.name(), "windows-1252");
        assert!(d
            .text
            .contains("Iraq\u{2019}s \u{201c}caf\u{e9}\u{201d} \u{20ac}"));
        assert!(d.text.starts_with("<?xml version=\"1.0\"?>"));
    }

    #[test]
    fn http_charset_beats_prolog_and_bom_beats_both() {
        let bytes = b"<?xml version=\"1.0\" encoding=\"utf-8\"?><a>caf\xe9</a>";
        let d = decode(bytes, Some("application/rss+xml; charset=\"windows-1252\""));
        assert!(d.text.contains("caf\u{e9}"));
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice("<a>café</a>".as_bytes());
        let d = decode(&bom, Some("text/xml; charset=windows-1252"));
        assert_eq!(d.text, "<a>café</a>");
    }

    #[test]
    fn undeclared_non_utf8_is_detected_and_declared_errors_are_not_replaced() {
        let d = decode(b"<a>caf\xe9</a>", Some("text/xml"));
        assert_eq!(d.text, "<a>caf\u{e9}</a>");
        assert_eq!(d.encoding, WINDOWS_1252);
        // Not valid UTF-8 though labelled so: read by detection, not as U+FFFD.
        let d = decode(b"<a>\xff</a>", Some("text/xml; charset=utf-8"));
        assert_eq!(d.text, "<a>\u{ff}</a>");
    }

    #[test]
    fn utf16_without_bom_is_read_by_its_first_bytes() {
        for big_endian in [false, true] {
            for decl in [
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
                "<?xml version=\"1.0\" encoding=\"UTF-16\"?>",
                "<?xml version='1.0'?>",
                "",
            ] {
                let bytes = utf16(&format!("{decl}{FEED}"), big_endian);
                for header in [None, Some("application/rss+xml; charset=utf-8")] {
                    let d = decode(&bytes, header);
                    let want = if big_endian { UTF_16BE } else { UTF_16LE };
                    assert_eq!(d.encoding, want, "{decl} {header:?}");
                    assert!(d.text.ends_with(FEED), "{decl}: {:?}", d.text);
                    assert_safe(&d.text);
                    if !decl.is_empty() {
                        assert!(d.text.starts_with("<?xml version="), "{:?}", d.text);
                    }
                }
            }
        }
        // Leading white space, and JSON: any two ASCII characters with NULs between.
        let d = decode(&utf16(" \n{\"version\": \"x\"}", false), None);
        assert_eq!(d.text, " \n{\"version\": \"x\"}");
        let d = decode(&utf16("\n<rss/>", true), None);
        assert_eq!(d.text, "\n<rss/>");
    }

    #[test]
    fn utf16_with_bom_and_broken_units() {
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(utf16(
            &format!("<?xml version=\"1.0\" encoding=\"utf-16\"?>{FEED}"),
            false,
        ));
        let d = decode(&bytes, Some("text/xml; charset=windows-1252"));
        assert_eq!(d.text, format!("<?xml version=\"1.0\"?>{FEED}"));
        // A lone surrogate and a dangling last byte: UTF-16 cannot be second-guessed.
        let mut bytes = utf16("<a>", false);
        bytes.extend([0x00, 0xD8, b'b', 0x00, b'<']);
        let d = decode(&bytes, None);
        assert_eq!(d.text, "<a>\u{fffd}b\u{fffd}");
    }

    #[test]
    fn utf32_with_and_without_bom() {
        for big_endian in [false, true] {
            let text = format!("<?xml version=\"1.0\" encoding=\"UTF-32\"?>{FEED}");
            let plain = utf32(&text, big_endian);
            let mut marked = utf32("\u{feff}", big_endian);
            marked.extend_from_slice(&plain);
            for bytes in [plain, marked] {
                let d = decode(&bytes, None);
                assert_eq!(d.name, if big_endian { "UTF-32BE" } else { "UTF-32LE" });
                assert_eq!(d.text, format!("<?xml version=\"1.0\"?>{FEED}"));
            }
        }
        // No character, and a short last unit.
        let mut bytes = utf32("<a>", false);
        bytes.extend([0x00, 0x00, 0x11, 0x00, b'b', 0, 0]);
        assert_eq!(decode(&bytes, None).text, "<a>\u{fffd}\u{fffd}");
    }

    #[test]
    fn no_nul_and_no_bom_reach_the_parser() {
        let d = decode(b"<rss>\0<a>x\0y</a></rss>", None);
        assert_eq!(d.text, "<rss><a>xy</a></rss>");
        let mut bytes = vec![0xFE, 0xFF];
        bytes.extend(utf16("\u{feff}\u{feff}<a/>", true));
        assert_eq!(decode(&bytes, None).text, "<a/>");
        let d = decode(b"\xef\xbb\xbf\xef\xbb\xbf<a/>", None);
        assert_eq!(d.text, "<a/>");
        assert_eq!(decode_html(b"<p>a\0b</p>", None), "<p>ab</p>");
    }

    #[test]
    fn declarations_that_name_an_encoding_are_rewritten_or_dropped() {
        let d = decode(b"  \n<?xml version='1.0' encoding='utf-16'?><a/>", None);
        assert_eq!(d.text, "<?xml version=\"1.0\"?><a/>");
        let bytes = b"<?xml version=\"1.0\"?><rss><?xml-stylesheet href=\"s.xsl\"?><a>x</a><?xml version=\"1.0\" encoding=\"windows-1252\"?><b/><?xml\tencoding=\"ascii\"?></rss>";
        let d = decode(bytes, None);
        assert_eq!(
            d.text,
            "<?xml version=\"1.0\"?><rss><?xml-stylesheet href=\"s.xsl\"?><a>x</a><b/></rss>"
        );
        // Nothing to rewrite: the text is as it came.
        assert_eq!(decode(b" <rss/>", None).text, " <rss/>");
        // An unclosed declaration stays: quick-xml sees none in it.
        assert_eq!(
            decode(b"<a/><?xml encoding='x'", None).text,
            "<a/><?xml encoding='x'"
        );
    }

    #[test]
    fn windows_1252_bytes_in_utf8_keep_the_utf8() {
        let mixed = b"<a>caf\xe9 \xe2\x80\x9cok\xe2\x80\x9d</a>";
        for (header, bytes) in [
            (Some("text/xml; charset=utf-8"), mixed.to_vec()),
            (
                None,
                [
                    b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>".as_slice(),
                    mixed,
                ]
                .concat(),
            ),
            (None, mixed.to_vec()),
        ] {
            let d = decode(&bytes, header);
            assert!(d.text.ends_with("<a>café “ok”</a>"), "{:?}", d.text);
            assert_eq!(d.encoding, UTF_8);
        }
        // Smart quotes pasted into a UTF-8 text.
        let d = decode(
            b"<p>Na\xc3\xafve \x93quoted\x94 and Iraq\x92s \xe2\x82\xac5</p>",
            Some("text/xml; charset=UTF-8"),
        );
        assert_eq!(d.text, "<p>Naïve “quoted” and Iraq’s €5</p>");
        let page = b"<meta charset=utf-8><p>caf\xc3\xa9 \x93ok\x94</p>";
        assert_eq!(
            decode_html(page, None),
            "<meta charset=utf-8><p>café “ok”</p>"
        );
    }

    #[test]
    fn a_body_wholly_invalid_in_its_label_is_decoded_by_detection() {
        // windows-1252 throughout, labelled UTF-8: no valid multibyte UTF-8 at all.
        let d = decode(
            b"<a>Iraq\x92s \x93caf\xe9\x94 na\xefve</a>",
            Some("text/xml; charset=utf-8"),
        );
        assert_eq!(d.text, "<a>Iraq’s “café” naïve</a>");
        assert_eq!(d.encoding, WINDOWS_1252);
        // Cyrillic in windows-1251, labelled UTF-8.
        let russian = "<p>Министерство иностранных дел России заявило в пятницу, что посол вызван для консультаций.</p>";
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(russian);
        let d = decode(&bytes, Some("text/html; charset=utf-8"));
        assert_eq!(d.encoding, encoding_rs::WINDOWS_1251);
        assert_eq!(d.text, russian);
        assert_eq!(
            decode_html(&bytes, Some("text/html; charset=utf-8")),
            russian
        );
        // Labelled Shift_JIS, but windows-1252 (0xE9 followed by a space is no Shift_JIS).
        let d = decode(
            b"<?xml version=\"1.0\" encoding=\"Shift_JIS\"?><a>caf\xe9 na\xefve \x93q\x94</a>",
            None,
        );
        assert_eq!(d.text, "<?xml version=\"1.0\"?><a>café naïve “q”</a>");
        assert_eq!(d.encoding, WINDOWS_1252);
    }

    #[test]
    fn labels_that_cannot_describe_the_bytes_are_ignored() {
        // UTF-16 named for ASCII bytes: by HTTP, by the declaration, by <meta>.
        let d = decode(b"<a>caf\xc3\xa9</a>", Some("text/xml; charset=utf-16"));
        assert_eq!((d.text.as_str(), d.encoding), ("<a>café</a>", UTF_8));
        let d = decode(
            b"<?xml version=\"1.0\" encoding=\"utf-16\"?><a>caf\xc3\xa9</a>",
            None,
        );
        assert_eq!(d.text, "<?xml version=\"1.0\"?><a>café</a>");
        assert_eq!(d.encoding, UTF_8);
        let page = b"<meta charset=utf-16><p>caf\xc3\xa9</p>";
        assert_eq!(decode_html(page, None), "<meta charset=utf-16><p>café</p>");
        // "iso-2022-kr" names the replacement encoding, which would read all as one U+FFFD.
        let d = decode(b"<a>ok</a>", Some("text/xml; charset=iso-2022-kr"));
        assert_eq!(d.text, "<a>ok</a>");
    }

    #[test]
    fn html_utf16_without_bom() {
        let page = "<html><body><p>Caf\u{e9} \u{201c}ok\u{201d}</p></body></html>";
        for big_endian in [false, true] {
            let text = decode_html(&utf16(page, big_endian), Some("text/html; charset=utf-8"));
            assert_eq!(text, page);
        }
    }

    #[test]
    fn arbitrary_bytes_decode_safely_and_without_replacement() {
        // A small linear congruential generator: the same bytes every run.
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) as u8
        };
        for round in 0..400 {
            let len = 4 + usize::from(next()) % 200;
            let mut bytes = b"<a>".to_vec();
            bytes.extend((0..len).map(|_| next()));
            // Half the rounds mostly ASCII, as real feeds are.
            if round % 2 == 0 {
                for b in bytes.iter_mut().skip(3) {
                    if *b > 0xC0 && *b % 3 != 0 {
                        *b &= 0x7F;
                    }
                }
            }
            let labels = [
                None,
                Some("text/xml; charset=utf-8"),
                Some("text/xml; charset=gbk"),
            ];
            let header = labels[round % labels.len()];
            let d = decode(&bytes, header);
            assert_safe(&d.text);
            let replaced_in_input = bytes.windows(3).any(|w| w == "\u{fffd}".as_bytes());
            assert!(
                replaced_in_input || !d.text.contains('\u{fffd}'),
                "U+FFFD from {bytes:?} ({header:?}, read as {})",
                d.name
            );
            let html = decode_html(&bytes, header);
            assert!(!html.contains('\0'));
        }
    }
}
