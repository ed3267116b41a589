//! OPML subscription lists: reading a reader's export, writing quotewire's own.
//!
//! Reading takes OPML 1.0, 1.1 and 2.0 as readers really write them: a missing `version`,
//! attribute names in any case (`xmlUrl`, `xmlurl`, `XMLURL`), `text` or only `title` for a
//! name, folders nested to any depth (an outline with children and no `xmlUrl`), any declared
//! encoding (decoded by `parser::encoding`, as feeds are), HTML entities and bare `&` (repaired
//! by `parser::entities`, as feeds are), an empty `<body>`. Each feed outline comes out with its
//! line and the folders above it; outlines that cannot be a feed come out as refusals with the
//! reason. Whether a URL is acceptable for feeds.toml is `config_edit`'s business, not this
//! module's; it touches no file and no network.
//!
//! Writing produces OPML 2.0 with one folder per outlet. quotewire's own attributes, in the
//! `quotewire:` namespace, carry what OPML has no word for (the outlet id and domains, a
//! disabled feed, a fixed interval), so that export and import make a round trip.

use std::borrow::Cow;

use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, Event};
use quick_xml::{Reader, Writer, XmlVersion};

/// The namespace of quotewire's own outline attributes.
pub const NAMESPACE: &str = "https://github.com/quotewire/quotewire/opml";

/// A read OPML document.
#[derive(Debug, Clone, Default)]
pub struct Opml {
    /// The `version` attribute of `<opml>`, if any.
    pub version: Option<String>,
    /// `<head><title>`.
    pub title: Option<String>,
    /// The encoding the bytes were read in.
    pub encoding: &'static str,
    pub feeds: Vec<FeedOutline>,
    /// Outlines that cannot be a feed, with the reason.
    pub refused: Vec<Refusal>,
}

/// One outline with an `xmlUrl`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedOutline {
    /// 1-based line of the outline in the file.
    pub line: usize,
    /// `text`, else `title`.
    pub name: Option<String>,
    /// The `xmlUrl` as written (trimmed).
    pub xml_url: String,
    pub html_url: Option<String>,
    /// `type`, lower-cased (`rss`, `atom`, ...), if given.
    pub kind: Option<String>,
    /// The names of the folders above it, outermost first.
    pub folders: Vec<String>,
    /// quotewire's own attributes, when the file is a quotewire export.
    pub outlet: Option<String>,
    pub domains: Vec<String>,
    pub enabled: Option<bool>,
    pub interval: Option<String>,
}

/// An outline that is no feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub line: usize,
    /// The outline's name or URL, for the message.
    pub what: String,
    pub reason: String,
}

/// Why a file could not be read as OPML at all.
#[derive(Debug, thiserror::Error)]
pub enum OpmlError {
    #[error("line {line}: the XML is broken here ({message})")]
    Xml { line: usize, message: String },
    #[error("this is not an OPML file: its root element is <{0}>, not <opml>")]
    NotOpml(String),
    #[error("this is not an OPML file: it has no <opml> element")]
    Empty,
}

/// An outline being read: its attributes and whether it had child outlines.
struct Open {
    line: usize,
    attrs: Attrs,
    children: bool,
}

#[derive(Default)]
struct Attrs {
    text: Option<String>,
    title: Option<String>,
    xml_url: Option<String>,
    html_url: Option<String>,
    kind: Option<String>,
    outlet: Option<String>,
    domains: Option<String>,
    enabled: Option<String>,
    interval: Option<String>,
}

impl Attrs {
    fn read(e: &BytesStart<'_>) -> Result<Attrs, String> {
        let mut a = Attrs::default();
        for attr in e.attributes().with_checks(false) {
            let attr = attr.map_err(|e| e.to_string())?;
            let key = attr.key.as_ref().to_ascii_lowercase();
            let value = attr
                .normalized_value(XmlVersion::Implicit1_0)
                .map_err(|e| e.to_string())?
                .trim()
                .to_string();
            let value = (!value.is_empty()).then_some(value);
            // quotewire's attributes under whatever prefix the file binds to our namespace;
            // a reader that kept them kept the prefix too.
            let local = key.rsplit(':').next().unwrap_or(&key);
            let ours = key.contains(':') && !key.starts_with("xmlns");
            let slot = match (ours, local) {
                (false, "text") => &mut a.text,
                (false, "title") => &mut a.title,
                (false, "xmlurl") => &mut a.xml_url,
                (false, "htmlurl") => &mut a.html_url,
                (false, "type") => &mut a.kind,
                (true, "outlet") => &mut a.outlet,
                (true, "domains") => &mut a.domains,
                (true, "enabled") => &mut a.enabled,
                (true, "interval") => &mut a.interval,
                _ => continue,
            };
            *slot = value;
        }
        Ok(a)
    }

    fn name(&self) -> Option<String> {
        self.text.clone().or_else(|| self.title.clone())
    }
}

/// 1-based line of a byte offset.
fn line_at(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    text.as_bytes()[..offset]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Reads an OPML file's bytes.
pub fn read(bytes: &[u8]) -> Result<Opml, OpmlError> {
    let decoded = crate::parser::encoding::decode(bytes, None);
    let repaired: Cow<'_, str> = crate::parser::entities::repair(&decoded.text);
    let text: &str = &repaired;
    let mut opml = Opml {
        encoding: decoded.name,
        ..Default::default()
    };
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = false;
    let mut stack: Vec<Open> = Vec::new();
    let mut seen_root = false;
    let mut title_from: Option<usize> = None;
    loop {
        let start = reader.buffer_position() as usize;
        let event = reader.read_event().map_err(|e| OpmlError::Xml {
            line: line_at(text, reader.error_position() as usize),
            message: e.to_string(),
        })?;
        // The line of the tag itself, not of the white space before it.
        let rest = text.get(start..).unwrap_or("");
        let line = line_at(text, start + (rest.len() - rest.trim_start().len()));
        match event {
            Event::Start(e) | Event::Empty(e) if !seen_root => {
                let name = e.local_name().as_ref().to_string();
                if !name.eq_ignore_ascii_case("opml") {
                    return Err(OpmlError::NotOpml(name));
                }
                seen_root = true;
                for attr in e.attributes().with_checks(false).flatten() {
                    if attr.key.as_ref().eq_ignore_ascii_case("version") {
                        opml.version = attr
                            .normalized_value(XmlVersion::Implicit1_0)
                            .ok()
                            .map(|v| v.trim().to_string());
                    }
                }
            }
            Event::Start(e) => {
                let name = e.local_name();
                if name.as_ref().eq_ignore_ascii_case("outline") {
                    if let Some(parent) = stack.last_mut() {
                        parent.children = true;
                    }
                    let attrs =
                        Attrs::read(&e).map_err(|message| OpmlError::Xml { line, message })?;
                    stack.push(Open {
                        line,
                        attrs,
                        children: false,
                    });
                } else if name.as_ref().eq_ignore_ascii_case("title") && stack.is_empty() {
                    title_from = Some(reader.buffer_position() as usize);
                }
            }
            Event::Empty(e) if e.local_name().as_ref().eq_ignore_ascii_case("outline") => {
                if let Some(parent) = stack.last_mut() {
                    parent.children = true;
                }
                let attrs = Attrs::read(&e).map_err(|message| OpmlError::Xml { line, message })?;
                finish(&mut opml, &stack, line, attrs, false);
            }
            Event::End(e) => {
                if e.local_name().as_ref().eq_ignore_ascii_case("outline") {
                    if let Some(open) = stack.pop() {
                        finish(&mut opml, &stack, open.line, open.attrs, open.children);
                    }
                } else if e.local_name().as_ref().eq_ignore_ascii_case("title") {
                    // The title's raw text, entities and all, unescaped at once.
                    if let Some(raw) = title_from.take().and_then(|from| text.get(from..start)) {
                        let raw = raw.trim();
                        let title = quick_xml::escape::unescape(raw)
                            .map(|u| u.into_owned())
                            .unwrap_or_else(|_| raw.to_string());
                        opml.title = (!title.is_empty()).then_some(title);
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !seen_root {
        return Err(OpmlError::Empty);
    }
    Ok(opml)
}

/// Files an outline that ended: a feed, a folder (ignored itself), or a refusal.
fn finish(opml: &mut Opml, stack: &[Open], line: usize, attrs: Attrs, children: bool) {
    let folders: Vec<String> = stack
        .iter()
        .filter(|o| o.attrs.xml_url.is_none())
        .filter_map(|o| o.attrs.name())
        .collect();
    let kind = attrs.kind.as_deref().map(str::to_ascii_lowercase);
    match attrs.xml_url.clone() {
        Some(xml_url) => opml.feeds.push(FeedOutline {
            line,
            name: attrs.name(),
            xml_url,
            html_url: attrs.html_url.clone(),
            kind,
            folders,
            outlet: attrs.outlet.clone(),
            domains: attrs
                .domains
                .as_deref()
                .map(|d| d.split_whitespace().map(str::to_string).collect())
                .unwrap_or_default(),
            enabled: attrs
                .enabled
                .as_deref()
                .map(|v| !v.eq_ignore_ascii_case("false")),
            interval: attrs.interval.clone(),
        }),
        // A folder, or an empty one: nothing to add and nothing wrong.
        None if children || (kind.is_none() && attrs.html_url.is_none()) => {}
        None => opml.refused.push(Refusal {
            line,
            what: attrs
                .name()
                .or(attrs.html_url.clone())
                .unwrap_or_else(|| "(an unnamed outline)".into()),
            reason: match kind.as_deref() {
                Some("rss") | Some("atom") | None => "it has no xmlUrl (the feed's address)".into(),
                Some(other) => format!("it is of type {other:?} with no xmlUrl, not a feed"),
            },
        }),
    }
}

/// One outlet's folder in an export.
pub struct ExportOutlet<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub domains: &'a [String],
    pub feeds: Vec<ExportFeed<'a>>,
}

/// One feed in an export.
pub struct ExportFeed<'a> {
    pub url: &'a str,
    /// The feed's own title, when a fetch has seen it.
    pub title: Option<&'a str>,
    pub enabled: bool,
    pub interval: Option<String>,
}

/// Writes OPML 2.0: one folder per outlet, one outline per feed.
pub fn write(title: &str, created: &str, outlets: &[ExportOutlet<'_>]) -> String {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    // Writing to a Vec cannot fail.
    let mut put = |e: Event<'_>| {
        let _ = w.write_event(e);
    };
    put(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
    let mut root = BytesStart::new("opml");
    root.push_attribute(("version", "2.0"));
    root.push_attribute(("xmlns:quotewire", NAMESPACE));
    put(Event::Start(root));
    put(Event::Start(BytesStart::new("head")));
    put(Event::Start(BytesStart::new("title")));
    put(Event::Text(quick_xml::events::BytesText::new(title)));
    put(Event::End(BytesEnd::new("title")));
    put(Event::Start(BytesStart::new("dateCreated")));
    put(Event::Text(quick_xml::events::BytesText::new(created)));
    put(Event::End(BytesEnd::new("dateCreated")));
    put(Event::End(BytesEnd::new("head")));
    put(Event::Start(BytesStart::new("body")));
    for o in outlets.iter().filter(|o| !o.feeds.is_empty()) {
        let mut folder = BytesStart::new("outline");
        folder.push_attribute(("text", o.name));
        folder.push_attribute(("title", o.name));
        put(Event::Start(folder));
        let domains = o.domains.join(" ");
        let html_url = o.domains.first().map(|d| format!("https://{d}/"));
        for f in &o.feeds {
            let mut e = BytesStart::new("outline");
            e.push_attribute(("type", "rss"));
            e.push_attribute(("text", o.name));
            e.push_attribute(("title", f.title.unwrap_or(o.name)));
            e.push_attribute(("xmlUrl", f.url));
            if let Some(h) = &html_url {
                e.push_attribute(("htmlUrl", h.as_str()));
            }
            e.push_attribute(("quotewire:outlet", o.id));
            if !domains.is_empty() {
                e.push_attribute(("quotewire:domains", domains.as_str()));
            }
            if !f.enabled {
                e.push_attribute(("quotewire:enabled", "false"));
            }
            if let Some(i) = &f.interval {
                e.push_attribute(("quotewire:interval", i.as_str()));
            }
            put(Event::Empty(e));
        }
        put(Event::End(BytesEnd::new("outline")));
    }
    put(Event::End(BytesEnd::new("body")));
    put(Event::End(BytesEnd::new("opml")));
    let mut text = String::from_utf8(w.into_inner()).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_case_and_names() {
        let o = read(
            br#"<?xml version="1.0"?>
<opml><head><title>Mine &amp; yours</title></head><body>
<outline text="News"><outline TEXT="World">
  <outline XMLURL="https://a.example/feed" type="RSS" title="A"/>
</outline></outline>
<outline title="Only title" xmlurl="https://b.example/rss"/>
<outline text="Empty folder"/>
<outline text="Link" type="link" htmlUrl="https://c.example/"/>
</body></opml>"#,
        )
        .unwrap();
        assert_eq!(o.title.as_deref(), Some("Mine & yours"));
        assert_eq!(o.version, None);
        assert_eq!(o.feeds.len(), 2);
        assert_eq!(o.feeds[0].folders, ["News", "World"]);
        assert_eq!(o.feeds[0].line, 4);
        assert_eq!(o.feeds[0].kind.as_deref(), Some("rss"));
        assert_eq!(o.feeds[0].name.as_deref(), Some("A"));
        assert_eq!(o.feeds[1].name.as_deref(), Some("Only title"));
        assert_eq!(o.refused.len(), 1, "{:?}", o.refused);
        assert_eq!(o.refused[0].line, 8);
    }

    #[test]
    fn export_reads_back() {
        let domains = vec!["a.example".to_string()];
        let text = write(
            "t",
            "now",
            &[ExportOutlet {
                id: "a-1",
                name: "A & B <wire>",
                domains: &domains,
                feeds: vec![ExportFeed {
                    url: "https://a.example/f?x=1&y=2",
                    title: None,
                    enabled: false,
                    interval: Some("1h".into()),
                }],
            }],
        );
        let o = read(text.as_bytes()).unwrap();
        assert_eq!(o.version.as_deref(), Some("2.0"));
        let f = &o.feeds[0];
        assert_eq!(f.xml_url, "https://a.example/f?x=1&y=2");
        assert_eq!(f.name.as_deref(), Some("A & B <wire>"));
        assert_eq!(f.outlet.as_deref(), Some("a-1"));
        assert_eq!(f.domains, ["a.example"]);
        assert_eq!(f.enabled, Some(false));
        assert_eq!(f.interval.as_deref(), Some("1h"));
    }

    #[test]
    fn not_opml_is_named() {
        assert!(matches!(read(b"<rss></rss>"), Err(OpmlError::NotOpml(n)) if n == "rss"));
        assert!(matches!(read(b""), Err(OpmlError::Empty)));
        assert!(matches!(
            read(b"<opml><body><outline"),
            Err(OpmlError::Xml { .. })
        ));
    }
}
