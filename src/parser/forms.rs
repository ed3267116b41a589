//! Feed forms normalised before feed-rs reads them: old and alias namespaces, and RSS versions.
//!
//! feed-rs knows one namespace URI per vocabulary and dispatches on the root element and its
//! `version`, so a feed written in an older or alternative form of a vocabulary it knows reads
//! as nothing. This pre-pass rewrites only start tags:
//!
//! - every namespace declaration whose URI is a known alias (`ALIASES`: Atom 0.3, RSS 0.90's
//!   Netscape namespace, the Userland and Harvard RSS 2.0 namespaces, Dublin Core 1.0, Media
//!   RSS without its slash…) is given the canonical URI, wherever it is declared;
//! - an `<rss>` root gets `version="2.0"` whatever it said (0.91 to 0.94, 2.01, nothing): the
//!   RSS 2.0 reader is a superset of the others, and a reader of RSS should not refuse a feed
//!   for the number in its root;
//! - in an Atom 0.3 document, a text construct's `mode` becomes the Atom 1.0 `type` that reads
//!   the same way (escaped HTML `html`, inline XML `xhtml`, anything else `text`); the side-pass
//!   (`sidepass`) decodes base64 and inline-XML content itself.
//!
//! Which vocabularies the document declares is reported (`Declared`), so the side-pass runs
//! only when it can find something. A document the scan cannot read is passed on unchanged.
//! This module does not map fields (see `sidepass` and `mod.rs`).

use std::borrow::Cow;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

pub const ATOM: &str = "http://www.w3.org/2005/Atom";
pub const ATOM03: &str = "http://purl.org/atom/ns#";
/// The namespace feed-rs reads RSS elements in (RSS 1.0's); RSS 2.0 has none.
pub const RSS: &str = "http://purl.org/rss/1.0/";
pub const DC: &str = "http://purl.org/dc/elements/1.1/";
pub const DCTERMS: &str = "http://purl.org/dc/terms/";
pub const MEDIA: &str = "http://search.yahoo.com/mrss/";

/// Namespace URIs written in the wild for a vocabulary feed-rs knows under another, and the
/// URI it knows. Atom 0.3 is not an alias in the strict sense: its elements that differ from
/// Atom 1.0 (`issued`, `modified`, `created`, `tagline`, content modes) are read by the
/// side-pass, which sees the document before this rewrite.
const ALIASES: &[(&str, &str)] = &[
    (ATOM03, ATOM),
    ("http://www.w3.org/2005/Atom/", ATOM),
    ("https://www.w3.org/2005/Atom", ATOM),
    ("http://my.netscape.com/rdf/simple/0.9/", RSS),
    ("http://backend.userland.com/rss2", RSS),
    ("http://backend.userland.com/rss", RSS),
    ("http://blogs.law.harvard.edu/tech/rss", RSS),
    ("http://purl.org/rss/1.0", RSS),
    ("http://purl.org/dc/elements/1.0/", DC),
    ("http://purl.org/dc/elements/1.1", DC),
    ("http://search.yahoo.com/mrss", MEDIA),
    ("http://video.search.yahoo.com/mrss", MEDIA),
    ("http://video.search.yahoo.com/mrss/", MEDIA),
    ("http://tools.search.yahoo.com/mrss/", MEDIA),
    ("http://purl.org/dc/terms", DCTERMS),
];

/// The canonical URI of a namespace (itself when it is no known alias).
pub fn canonical(ns: &str) -> &str {
    ALIASES
        .iter()
        .find(|(alias, _)| *alias == ns)
        .map_or(ns, |(_, c)| c)
}

/// Vocabularies the document declares that feed-rs does not read (or not fully).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Declared {
    pub atom03: bool,
    pub dcterms: bool,
}

/// The document as feed-rs should see it, and what it declares.
#[derive(Debug)]
pub struct Normalised<'a> {
    pub xml: Cow<'a, str>,
    pub declared: Declared,
}

/// Normalises a (bounded) feed document; see the module documentation.
pub fn normalise(text: &str) -> Normalised<'_> {
    let (aliased, declared) = scan_declarations(text);
    let root_fix = rss_root_needs_version(text);
    if !aliased && !root_fix {
        return Normalised {
            xml: Cow::Borrowed(text),
            declared,
        };
    }
    let xml = rewrite(text, declared.atom03).map_or(Cow::Borrowed(text), Cow::Owned);
    Normalised { xml, declared }
}

/// A quick look at every `xmlns` declaration in the raw text: whether one is an alias, and
/// which vocabularies are declared. A hit inside text is only a reason to look closer (the
/// rewrite reads real tags).
fn scan_declarations(text: &str) -> (bool, Declared) {
    let mut aliased = false;
    let mut declared = Declared::default();
    let mut rest = text;
    while let Some(at) = rest.find("xmlns") {
        rest = rest.get(at + 5..).unwrap_or("");
        let Some(value) = attribute_value_after(rest) else {
            continue;
        };
        let value = value.trim();
        aliased |= canonical(value) != value;
        declared.atom03 |= value == ATOM03;
        declared.dcterms |= canonical(value) == DCTERMS;
    }
    (aliased, declared)
}

/// The quoted value after an attribute name: `:prefix = "value"` or `="value"`.
fn attribute_value_after(s: &str) -> Option<&str> {
    let eq = s.find('=').filter(|&i| i <= 64)?;
    let name = s.get(..eq)?;
    if !(name.is_empty() || name.starts_with(':')) || name.contains(['<', '>', '"', '\'']) {
        return None;
    }
    let after = s.get(eq + 1..)?.trim_start();
    let quote = after.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let body = after.get(1..)?;
    let end = body.find(quote).filter(|&i| i <= 512)?;
    body.get(..end)
}

/// Whether the root element is `<rss>` with a version other than "2.0".
fn rss_root_needs_version(text: &str) -> bool {
    let mut reader = Reader::from_str(text);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) => {
                return e.name().as_ref() == "rss" && version(&e).as_deref() != Some("2.0");
            }
            Ok(Event::Eof) | Err(_) => return false,
            Ok(_) => {}
        }
    }
}

fn version(e: &BytesStart<'_>) -> Option<String> {
    e.try_get_attribute("version")
        .ok()
        .flatten()
        .map(|a| a.value.trim().to_string())
}

/// Rewrites the start tags that need it; `None` if the document cannot be read as XML.
fn rewrite(text: &str, atom03: bool) -> Option<String> {
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = false;
    let mut out = String::with_capacity(text.len() + 64);
    let mut copied = 0;
    let mut root = true;
    loop {
        let start = usize::try_from(reader.buffer_position()).ok()?;
        let event = reader.read_event().ok()?;
        let end = usize::try_from(reader.buffer_position()).ok()?;
        let (e, empty) = match event {
            Event::Eof => break,
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            _ => continue,
        };
        let is_root = std::mem::replace(&mut root, false);
        if let Some(tag) = rewritten_tag(&e, empty, is_root, atom03) {
            out.push_str(text.get(copied..start)?);
            out.push_str(&tag);
            copied = end;
        }
    }
    out.push_str(text.get(copied..)?);
    Some(out)
}

/// For an Atom 0.3 element with a `mode` or `type` (a text construct; `link`'s type is its
/// target's), the Atom 1.0 type that reads the same: mode `escaped` (HTML) is `html`, mode
/// `xml` (the default) of an HTML type is `xhtml`, anything else is `text`.
fn atom03_type(e: &BytesStart<'_>) -> Option<&'static str> {
    if e.local_name().as_ref() == "link" {
        return None;
    }
    let attr = |n: &str| {
        e.try_get_attribute(n)
            .ok()
            .flatten()
            .map(|a| a.value.trim().to_ascii_lowercase())
    };
    let (mode, ty) = (attr("mode"), attr("type"));
    if mode.is_none() && ty.is_none() {
        return None;
    }
    let html = ty.as_deref().is_some_and(|t| t.contains("html"));
    Some(match (mode.as_deref().unwrap_or("xml"), html) {
        ("escaped", true) => "html",
        ("xml", true) => "xhtml",
        _ => "text",
    })
}

/// The tag rewritten, or `None` when it is fine as it is.
fn rewritten_tag(e: &BytesStart<'_>, empty: bool, root: bool, atom03: bool) -> Option<String> {
    let rss_root = root && e.name().as_ref() == "rss";
    let mut changed = rss_root && version(e).as_deref() != Some("2.0");
    // An Atom 0.3 text construct: its Atom 1.0 type, from its mode and type.
    let construct = atom03.then(|| atom03_type(e)).flatten();
    changed |= construct.is_some();
    let mut attrs: Vec<(String, String)> = Vec::new();
    for a in e.attributes().with_checks(false).flatten() {
        let key = a.key.as_ref().to_string();
        let mut value = a.value.to_string();
        if key == "xmlns" || key.starts_with("xmlns:") {
            let c = canonical(value.trim());
            if c != value {
                value = c.to_string();
                changed = true;
            }
        }
        let skip = (rss_root && key == "version") || (construct.is_some() && key == "type");
        if !skip {
            attrs.push((key, value));
        }
    }
    if !changed {
        return None;
    }
    if rss_root {
        attrs.push(("version".into(), "2.0".into()));
    }
    if let Some(ty) = construct {
        attrs.push(("type".into(), ty.into()));
    }
    let mut tag = format!("<{}", e.name().as_ref());
    for (k, v) in attrs {
        // The value is as it was written (escaped); only its quotes are chosen again.
        let q = if v.contains('"') { '\'' } else { '"' };
        tag.push_str(&format!(" {k}={q}{v}{q}"));
    }
    tag.push_str(if empty { "/>" } else { ">" });
    Some(tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_are_rewritten_wherever_declared() {
        let x = r#"<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://my.netscape.com/rdf/simple/0.9/"><item><m:title xmlns:m='http://search.yahoo.com/mrss'>a</m:title></item></rdf:RDF>"#;
        let n = normalise(x);
        assert!(
            n.xml.contains(r#"xmlns="http://purl.org/rss/1.0/""#),
            "{}",
            n.xml
        );
        assert!(n
            .xml
            .contains(r#"xmlns:m="http://search.yahoo.com/mrss/">a</m:title>"#));
        assert!(n.xml.contains("rdf-syntax-ns#"));
        assert_eq!(n.declared, Declared::default());
    }

    #[test]
    fn rss_roots_get_version_2_and_others_are_untouched() {
        for root in [
            "<rss>",
            "<rss version=\"0.91\">",
            "<rss version='2.01' a=\"b\">",
        ] {
            let x = format!("<?xml version=\"1.0\"?>\n{root}<channel/></rss>");
            let n = normalise(&x);
            assert!(n.xml.contains("version=\"2.0\">"), "{}", n.xml);
            assert_eq!(n.xml.matches("version=").count(), 2, "{}", n.xml);
        }
        let fine = "<rss version=\"2.0\"><channel><title>x</title></channel></rss>";
        assert!(matches!(normalise(fine).xml, Cow::Borrowed(_)));
        // An element named rss below the root is not the root.
        let nested = "<feed xmlns=\"http://www.w3.org/2005/Atom\"><rss/></feed>";
        assert!(matches!(normalise(nested).xml, Cow::Borrowed(_)));
    }

    #[test]
    fn atom03_modes_become_types_and_is_declared() {
        let x = r#"<feed version="0.3" xmlns="http://purl.org/atom/ns#"><title mode="escaped" type="text/html">A &amp;amp; B</title><entry><content type="application/xhtml+xml" mode="xml"><div/></content><content mode="base64" type="text/html">PHA+</content><summary type="text/plain">s</summary><link rel="x" type="text/html" href="h"/></entry></feed>"#;
        let n = normalise(x);
        assert!(n.declared.atom03);
        assert!(
            n.xml
                .contains(r#"<title mode="escaped" type="html">A &amp;amp; B</title>"#),
            "{}",
            n.xml
        );
        assert!(n.xml.contains(r#"<content mode="xml" type="xhtml"><div/>"#));
        assert!(n.xml.contains(r#"<content mode="base64" type="text">PHA+"#));
        assert!(
            n.xml.contains(
                r#"<summary type="text">s</summary><link rel="x" type="text/html" href="h"/>"#
            ),
            "{}",
            n.xml
        );
        assert!(n.xml.contains(ATOM));
    }

    #[test]
    fn xmlns_in_text_and_broken_documents_do_no_harm() {
        let x = "<rss version=\"2.0\"><channel><description>see xmlns=\"http://purl.org/atom/ns#\"</description></channel></rss>";
        let n = normalise(x);
        assert_eq!(n.xml, x);
        let broken = "<rss><channel><item></rss";
        let _ = normalise(broken);
        assert_eq!(canonical("http://example.com/ns"), "http://example.com/ns");
    }
}
