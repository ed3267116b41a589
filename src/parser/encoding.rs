//! Character encodings: feed bytes to UTF-8 text, before feed-rs sees them.
//!
//! The order is RFC 7303's: a byte order mark wins, then the charset parameter of the HTTP
//! Content-Type, then the `encoding` of the XML declaration, then UTF-8 (windows-1252 when
//! nothing is declared and the bytes are not valid UTF-8). feed-rs only knows the
//! XML declaration, so we decode here and rewrite the declaration to say UTF-8. Labels are
//! resolved by encoding_rs as the WHATWG Encoding Standard says ("latin1" and "iso-8859-1" both
//! mean windows-1252, as every browser reads them). Bytes that are not valid in the chosen
//! encoding become U+FFFD; decoding never fails.

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};

/// Feed text in UTF-8 and the encoding it was read as.
pub struct Decoded {
    pub text: String,
    pub encoding: &'static Encoding,
}

/// Decodes a feed body; `content_type` is the HTTP header, if there was one.
pub fn decode(bytes: &[u8], content_type: Option<&str>) -> Decoded {
    let (encoding, skip) = if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        (enc, bom_len)
    } else if let Some(enc) = content_type.and_then(charset_param) {
        (enc, 0)
    } else if let Some(enc) = xml_declared(bytes) {
        (enc, 0)
    } else if std::str::from_utf8(bytes).is_err() {
        // Nothing declared and not UTF-8: what such feeds almost always are in practice
        // (and what feedparser and browsers fall back to).
        (WINDOWS_1252, 0)
    } else {
        (UTF_8, 0)
    };
    let (text, _had_errors) = encoding.decode_without_bom_handling(&bytes[skip..]);
    let text = rewrite_declaration(text.into_owned());
    Decoded { text, encoding }
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
    let enc = Encoding::for_label(value.as_bytes())?;
    // A UTF-16 label without a BOM cannot describe these ASCII-compatible bytes; encoding_rs
    // marks such encodings by an output encoding other than themselves.
    (enc.output_encoding() == enc).then_some(enc)
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

/// Replaces the XML declaration, which may name another encoding, with one that names none
/// (so UTF-8), because the text is UTF-8 now.
fn rewrite_declaration(text: String) -> String {
    if !text.starts_with("<?xml") {
        return text;
    }
    match text.find("?>") {
        Some(end) if text[..end].contains("encoding") => {
            let mut out = String::with_capacity(text.len());
            out.push_str("<?xml version=\"1.0\"?>");
            out.push_str(&text[end + 2..]);
            out
        }
        _ => text,
    }
}

/// Decodes an HTML page: BOM, then the HTTP charset, then a `<meta charset>` or
/// `<meta http-equiv="Content-Type">` in the first 1024 bytes, then UTF-8 (windows-1252 when
/// the bytes are not valid UTF-8), as browsers do.
pub fn decode_html(bytes: &[u8], content_type: Option<&str>) -> String {
    let (encoding, skip) = if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        (enc, bom_len)
    } else if let Some(enc) = content_type.and_then(charset_param) {
        (enc, 0)
    } else if let Some(enc) = meta_charset(bytes) {
        (enc, 0)
    } else if std::str::from_utf8(bytes).is_err() {
        (WINDOWS_1252, 0)
    } else {
        (UTF_8, 0)
    };
    let (text, _) = encoding.decode_without_bom_handling(&bytes[skip..]);
    text.into_owned()
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
            return Some(if enc.output_encoding() == enc {
                enc
            } else {
                UTF_8
            });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn undeclared_non_utf8_is_windows_1252_and_declared_errors_do_not_fail() {
        let d = decode(b"<a>caf\xe9</a>", Some("text/xml"));
        assert_eq!(d.text, "<a>caf\u{e9}</a>");
        let d = decode(b"<a>\xff</a>", Some("text/xml; charset=utf-8"));
        assert_eq!(d.text, "<a>\u{fffd}</a>");
    }
}
