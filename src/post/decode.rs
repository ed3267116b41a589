//! A post's bytes to text, before `post::parse` reads it: the encoding found as a browser
//! would (a byte order mark, the HTTP charset of a fetched post, an HTML post's `<meta
//! charset>`, else UTF-8, bytes invalid in it read by detection: `parser::encoding` does all
//! of that), and a file that is not text at all (an image, an archive, a program, bytes full
//! of NUL or control characters) refused with what it looks like.
//!
//! Not for: where the bytes come from (a file, standard input, a URL: the CLI's), or anything
//! past text (markup, passages: `post::parse`).

use crate::parser::encoding;

use super::{Format, MAX_POST_BYTES};

/// A post as text, and the encoding it was read in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    /// The encoding's name as the WHATWG standard spells it: `UTF-8`, `windows-1252`,
    /// `UTF-16LE`, ... (`UTF-32LE`/`BE` too, which the standard lacks).
    pub encoding: &'static str,
    /// Set when the post is mostly UTF-8 but some bytes are not (windows-1252 quotes pasted
    /// into a UTF-8 file): those were read in the single-byte encoding detection picked.
    pub mixed: bool,
}

impl Decoded {
    /// Whether the post was anything but clean UTF-8 (with or without a byte order mark).
    pub fn is_utf8(&self) -> bool {
        self.encoding == "UTF-8" && !self.mixed
    }
}

/// Why the bytes are not read as a post.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("it is {0}, not a text post")]
    NotText(&'static str),
    #[error("it is not text: it holds NUL bytes (the first at byte {at})")]
    Nul { at: usize },
    #[error(
        "it is not text: {count} of its {chars} characters are control characters (the first, U+{first:04X}, on line {line})"
    )]
    Control {
        count: usize,
        chars: usize,
        first: u32,
        line: usize,
    },
    #[error("the post is {bytes} bytes; posts over {limit} bytes are not read")]
    TooLarge { bytes: usize, limit: usize },
}

/// File signatures of what people hand `verify` by mistake, with what to call them.
const SIGNATURES: &[(&[u8], &str)] = &[
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\xFF\xD8\xFF", "a JPEG image"),
    (b"%PDF-", "a PDF document"),
    (b"{\\rtf", "an RTF document"),
    (
        b"PK\x03\x04",
        "a ZIP archive (a .docx or .odt document is one)",
    ),
    (
        b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
        "an old Microsoft Office document",
    ),
    (b"\x1F\x8B", "gzip-compressed data"),
    (b"\xFD7zXZ\x00", "xz-compressed data"),
    (b"\x28\xB5\x2F\xFD", "zstd-compressed data"),
    (b"7z\xBC\xAF\x27\x1C", "a 7-Zip archive"),
    (b"\x7FELF", "an ELF executable"),
    (b"\xCF\xFA\xED\xFE", "a Mach-O executable"),
    (b"\xCE\xFA\xED\xFE", "a Mach-O executable"),
    (
        b"\xCA\xFE\xBA\xBE",
        "a Mach-O executable or Java class file",
    ),
    (b"\x00asm", "a WebAssembly module"),
    (b"SQLite format 3\x00", "an SQLite database"),
];

/// More control characters than one in this many is not text.
const CONTROL_RATIO: usize = 50;

/// Decodes a post's bytes. `content_type` is the HTTP header of a fetched post; `format` says
/// whether an HTML `<meta charset>` counts.
pub fn decode(
    bytes: &[u8],
    format: Format,
    content_type: Option<&str>,
) -> Result<Decoded, DecodeError> {
    if bytes.len() > MAX_POST_BYTES {
        return Err(DecodeError::TooLarge {
            bytes: bytes.len(),
            limit: MAX_POST_BYTES,
        });
    }
    if let Some((_, what)) = SIGNATURES.iter().find(|(sig, _)| bytes.starts_with(sig)) {
        return Err(DecodeError::NotText(what));
    }
    let d = encoding::decode_document(bytes, content_type, format == Format::Html);
    // UTF-16 and UTF-32 are made of NUL bytes; the decoded text is checked below instead.
    let wide = d.name.starts_with("UTF-16") || d.name.starts_with("UTF-32");
    if !wide {
        if let Some(at) = memchr::memchr(0, bytes) {
            return Err(DecodeError::Nul { at });
        }
    }
    check_controls(&d.text)?;
    let mixed = d.name == "UTF-8" && std::str::from_utf8(strip_utf8_bom(bytes)).is_err();
    Ok(Decoded {
        text: d.text,
        encoding: d.name,
        mixed,
    })
}

fn strip_utf8_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// A character no text post holds: C0 controls but tab, line feed, form feed and carriage
/// return; DEL; C1 controls; and U+FFFD, what broken UTF-16 decodes to.
fn is_control(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0c')) || c == '\u{fffd}'
}

fn check_controls(text: &str) -> Result<(), DecodeError> {
    let (mut count, mut chars, mut first) = (0, 0, None);
    for (at, c) in text.char_indices() {
        chars += 1;
        if is_control(c) {
            count += 1;
            first.get_or_insert((at, c));
        }
    }
    match first {
        Some((at, c)) if count * CONTROL_RATIO > chars => Err(DecodeError::Control {
            count,
            chars,
            first: u32::from(c),
            line: 1 + memchr::memchr_iter(b'\n', &text.as_bytes()[..at]).count(),
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POST: &str = "## December 27th\n\nAccording to Reuters:\n\n> The caf\u{e9} owner said \u{201c}we will reopen\u{201d} on Monday.\n";

    #[test]
    fn utf8_is_read_as_it_is() {
        let d = decode(POST.as_bytes(), Format::Markdown, None).unwrap();
        assert_eq!(d.text, POST);
        assert_eq!(d.encoding, "UTF-8");
        assert!(d.is_utf8());
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(POST.as_bytes());
        let d = decode(&bom, Format::Markdown, None).unwrap();
        assert_eq!((d.text.as_str(), d.is_utf8()), (POST, true));
    }

    #[test]
    fn windows_1252_is_detected() {
        let (bytes, _, lossy) = encoding_rs::WINDOWS_1252.encode(POST);
        assert!(!lossy);
        assert!(std::str::from_utf8(&bytes).is_err());
        let d = decode(&bytes, Format::Plain, None).unwrap();
        assert_eq!(d.text, POST);
        assert_eq!(d.encoding, "windows-1252");
        assert!(!d.is_utf8());
    }

    #[test]
    fn a_label_is_followed_http_first_then_meta() {
        let page = "<html><head><meta charset=\"windows-1252\"></head><body><p>caf\u{e9} \u{201c}x\u{201d}</p></body></html>";
        let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(page);
        let d = decode(&bytes, Format::Html, None).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (page, "windows-1252"));
        let (bytes, _, _) = encoding_rs::ISO_8859_15.encode("caf\u{e9} \u{20ac}");
        let d = decode(
            &bytes,
            Format::Plain,
            Some("text/plain; charset=iso-8859-15"),
        )
        .unwrap();
        assert_eq!(
            (d.text.as_str(), d.encoding),
            ("caf\u{e9} \u{20ac}", "ISO-8859-15")
        );
    }

    #[test]
    fn utf16_with_a_byte_order_mark() {
        for (bom, be) in [([0xFF, 0xFE], false), ([0xFE, 0xFF], true)] {
            let mut bytes = bom.to_vec();
            for u in POST.encode_utf16() {
                bytes.extend(if be { u.to_be_bytes() } else { u.to_le_bytes() });
            }
            let d = decode(&bytes, Format::Markdown, None).unwrap();
            assert_eq!(d.text, POST);
            assert_eq!(d.encoding, if be { "UTF-16BE" } else { "UTF-16LE" });
        }
    }

    #[test]
    fn mixed_utf8_says_so() {
        let mut bytes = "caf\u{e9} ".as_bytes().to_vec();
        bytes.extend_from_slice(b"\x93quoted\x94");
        let d = decode(&bytes, Format::Plain, None).unwrap();
        assert_eq!(d.text, "caf\u{e9} \u{201c}quoted\u{201d}");
        assert_eq!(d.encoding, "UTF-8");
        assert!(d.mixed && !d.is_utf8());
    }

    #[test]
    fn what_is_not_text_is_refused() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        assert_eq!(
            decode(&png, Format::Markdown, None),
            Err(DecodeError::NotText("a PNG image"))
        );
        let gz = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0];
        assert!(matches!(
            decode(&gz, Format::Plain, None),
            Err(DecodeError::NotText("gzip-compressed data"))
        ));
        assert!(matches!(
            decode(b"\x7FELF\x02\x01\x01", Format::Plain, None),
            Err(DecodeError::NotText("an ELF executable"))
        ));
        assert_eq!(
            decode(b"text\0more", Format::Plain, None),
            Err(DecodeError::Nul { at: 4 })
        );
        let controls: Vec<u8> = (0..200u8)
            .map(|i| if i % 10 == 0 { 1 } else { b'a' })
            .collect();
        assert!(matches!(
            decode(&controls, Format::Plain, None),
            Err(DecodeError::Control {
                count: 20,
                first: 1,
                line: 1,
                ..
            })
        ));
        // A stray control character in a real post is kept.
        let stray = format!("{POST}\x0b{}", "word ".repeat(20));
        assert!(decode(stray.as_bytes(), Format::Plain, None).is_ok());
        // Broken UTF-16 is U+FFFD throughout.
        let mut broken = vec![0xFF, 0xFE];
        broken.extend((0..100).flat_map(|_| [0x00, 0xD8]));
        assert!(matches!(
            decode(&broken, Format::Plain, None),
            Err(DecodeError::Control { .. })
        ));
    }
}
