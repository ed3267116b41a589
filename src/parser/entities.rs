//! Repairs the entity mistakes real feeds make before an XML parser sees them.
//!
//! XML knows five named entities; feeds written by HTML tools use `&nbsp;`, `&mdash;` and
//! friends, and leave bare `&` in titles and links. A strict parser stops at the first one and
//! the whole feed is lost. Outside CDATA sections and comments, a known HTML entity becomes a
//! numeric character reference and any other `&` that does not start a valid reference becomes
//! `&amp;`. The HTML entity table is html-escape's (the WHATWG list).

use std::borrow::Cow;

const XML_ENTITIES: &[&str] = &["amp", "lt", "gt", "quot", "apos"];

/// Returns the text with entities repaired; borrowed when nothing needed a change.
pub fn repair(xml: &str) -> Cow<'_, str> {
    let bytes = xml.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0; // bytes of `xml` already in `out`
    let mut i = 0;
    while let Some(off) = xml[i..].find(['&', '<']) {
        let at = i + off;
        if bytes[at] == b'<' {
            i = skip_section(xml, at, "<![CDATA[", "]]>")
                .or_else(|| skip_section(xml, at, "<!--", "-->"))
                .unwrap_or(at + 1);
            continue;
        }
        let (replacement, consumed) = match reference_at(&xml[at..]) {
            Reference::Valid => {
                i = at + 1;
                continue;
            }
            Reference::Html(chars, len) => (chars, len),
            Reference::Bare => ("&amp;".to_string(), 1),
        };
        let o = out.get_or_insert_with(|| String::with_capacity(xml.len() + 64));
        o.push_str(&xml[copied..at]);
        o.push_str(&replacement);
        copied = at + consumed;
        i = copied;
    }
    match out {
        None => Cow::Borrowed(xml),
        Some(mut o) => {
            o.push_str(&xml[copied..]);
            Cow::Owned(o)
        }
    }
}

/// If a section starting with `open` begins at `at`, the index just past its `close`.
fn skip_section(xml: &str, at: usize, open: &str, close: &str) -> Option<usize> {
    if !xml[at..].starts_with(open) {
        return None;
    }
    let body = at + open.len();
    Some(
        xml[body..]
            .find(close)
            .map_or(xml.len(), |e| body + e + close.len()),
    )
}

enum Reference {
    /// A character reference or one of XML's five entities: leave it.
    Valid,
    /// An HTML entity: its numeric references and the length of the original.
    Html(String, usize),
    /// An ampersand that starts no reference.
    Bare,
}

fn reference_at(s: &str) -> Reference {
    // s starts with '&'
    let Some(semi) = s[1..].find(';').map(|p| p + 1).filter(|p| *p <= 40) else {
        return Reference::Bare;
    };
    let name = &s[1..semi];
    if let Some(num) = name.strip_prefix('#') {
        let ok = match num.strip_prefix(['x', 'X']) {
            Some(hex) => !hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit()),
            None => !num.is_empty() && num.chars().all(|c| c.is_ascii_digit()),
        };
        return if ok {
            Reference::Valid
        } else {
            Reference::Bare
        };
    }
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Reference::Bare;
    }
    if XML_ENTITIES.contains(&name) {
        return Reference::Valid;
    }
    let entity = &s[..=semi];
    let decoded = html_escape::decode_html_entities(entity);
    if decoded == entity {
        return Reference::Bare;
    }
    let numeric = decoded
        .chars()
        .map(|c| format!("&#{};", c as u32))
        .collect();
    Reference::Html(numeric, semi + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repairs_html_entities_and_bare_ampersands() {
        assert_eq!(
            repair("<t>A&nbsp;B &mdash; Marines & Army &amp; &#38; &#x26;</t>"),
            "<t>A&#160;B &#8212; Marines &amp; Army &amp; &#38; &#x26;</t>"
        );
        assert_eq!(repair("<l>?id=12&ref=rss</l>"), "<l>?id=12&amp;ref=rss</l>");
        assert_eq!(repair("&bogus; &#xZZ;"), "&amp;bogus; &amp;#xZZ;");
    }

    #[test]
    fn leaves_cdata_comments_and_clean_text_alone() {
        let s = "<a><![CDATA[Tom & Jerry &nbsp;]]><!-- & --></a>";
        assert!(matches!(repair(s), Cow::Borrowed(_)));
        assert_eq!(repair("<a>&lt;b&gt;</a>"), "<a>&lt;b&gt;</a>");
        // An unterminated CDATA section does not loop or panic.
        assert_eq!(repair("<![CDATA[ & "), "<![CDATA[ & ");
    }
}
