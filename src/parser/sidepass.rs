//! The fields feed-rs drops, read in one streaming pass beside it.
//!
//! feed-rs reads the elements of the vocabularies it models and ignores the rest. Feeds put a
//! title, a date or a link in others: Dublin Core (`dc:title`, `dc:date`), DC Terms
//! (`dcterms:issued`, `created`, `modified`), Media RSS (`media:title`, also inside
//! `media:group` and `media:content`), Atom 0.3 (`issued`, `created`, `modified`, `tagline`,
//! content in `escaped`, `base64` or `xml` mode), and RSS 2.0's `isPermaLink`, which says
//! whether a guid is the item's address. This pass reads the (bounded, not yet normalised)
//! document with quick-xml's namespace-resolving reader, knows elements by namespace (through
//! `forms::canonical`, so any prefix and any alias of a namespace will do) and local name, and
//! collects per entry and for the feed the candidates of each field. `mod.rs` uses them only
//! where feed-rs found nothing, in a fixed fallback order.
//!
//! It keeps within the limits: the document has been bounded (`xml_bounds`), text kept per
//! field is cut, and a document it cannot read gives `None`, so the side fields are simply not
//! used. This module does not decide which value wins (see `mod.rs`).

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;

use super::forms::{canonical, ATOM, ATOM03, DC, DCTERMS, MEDIA, RSS};
use crate::limits::{MAX_DEPTH, MAX_ENTRIES, MAX_TEXT};

/// Bytes kept of a title or date candidate's raw text.
const MAX_FIELD: usize = 16 * 1024;

/// What the side-pass found for the feed or for one entry.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct SideFields {
    /// `dc:title`, else `dcterms:title` (plain text, entities decoded).
    pub dc_title: Option<String>,
    /// The first `media:title` at any depth.
    pub media_title: Option<String>,
    /// The best-ranked publication date (see `published_rank`).
    pub published: Option<DateTime<Utc>>,
    /// The best-ranked modification date.
    pub updated: Option<DateTime<Utc>>,
    /// Whether the RSS guid is the item's address (`None`: no guid).
    pub guid_permalink: Option<bool>,
    /// Atom 0.3 content and summary, decoded: (text, is it HTML).
    pub content: Option<(String, bool)>,
    pub summary: Option<(String, bool)>,
    /// Atom 0.3 `tagline`.
    pub subtitle: Option<String>,
    published_rank: u8,
    updated_rank: u8,
}

/// The side fields of a document: the feed's, and its entries' in document order.
#[derive(Debug, Default)]
pub struct Side {
    pub feed: SideFields,
    pub entries: Vec<SideFields>,
}

/// Vocabularies this pass reads elements of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Vocab {
    Rss,
    Atom,
    Atom03,
    Dc,
    DcTerms,
    Media,
    Other,
}

fn vocab(ns: &ResolveResult<'_>) -> Vocab {
    let uri = match ns {
        // RSS 0.9x/2.0 elements have no namespace.
        ResolveResult::Unbound => return Vocab::Rss,
        ResolveResult::Bound(n) => n.as_ref(),
        ResolveResult::Unknown(_) => return Vocab::Other,
    };
    if uri == ATOM03 {
        return Vocab::Atom03;
    }
    match canonical(uri.trim()) {
        RSS => Vocab::Rss,
        ATOM => Vocab::Atom,
        DC => Vocab::Dc,
        DCTERMS => Vocab::DcTerms,
        MEDIA => Vocab::Media,
        _ => Vocab::Other,
    }
}

/// What an element is to this pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    DcTitle,
    MediaTitle,
    /// A publication date of this rank (lower wins).
    Published(u8),
    Updated(u8),
    Guid,
    /// Atom 0.3 content / summary.
    Content {
        summary: bool,
    },
    Tagline,
}

/// The field an element (vocabulary and local name) carries, if any.
fn field_of(v: Vocab, local: &str) -> Option<Field> {
    Some(match (v, local) {
        (Vocab::Dc | Vocab::DcTerms, "title") => Field::DcTitle,
        (Vocab::Media, "title") => Field::MediaTitle,
        (Vocab::Atom03, "issued") => Field::Published(0),
        (Vocab::DcTerms, "issued") => Field::Published(1),
        (Vocab::DcTerms, "created") | (Vocab::Atom03, "created") => Field::Published(2),
        (Vocab::Dc, "date") | (Vocab::DcTerms, "date") => Field::Published(3),
        (Vocab::DcTerms, "available") => Field::Published(4),
        // Read here only when feed-rs could not: a date in a form its readers do not take
        // ("2019-12-30 18:00:00", W3C-DTF in an RSS pubDate).
        (Vocab::Rss, "pubDate") | (Vocab::Atom, "published") => Field::Published(5),
        (Vocab::Atom03, "modified") | (Vocab::DcTerms, "modified") => Field::Updated(0),
        (Vocab::Atom, "updated") => Field::Updated(1),
        (Vocab::Rss, "guid") => Field::Guid,
        (Vocab::Atom03, "content") => Field::Content { summary: false },
        (Vocab::Atom03, "summary") => Field::Content { summary: true },
        (Vocab::Atom03, "tagline") => Field::Tagline,
        _ => return None,
    })
}

/// An element being read for a field.
struct Open {
    field: Field,
    /// The stack depth of the element.
    depth: usize,
    /// Where its content starts in the text.
    from: usize,
    /// Atom 0.3 content: mode and whether the type is HTML.
    mode: Mode,
    html: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Xml,
    Escaped,
    Base64,
}

/// Reads the side fields of a feed document; `None` if it is not readable XML.
pub fn read(text: &str) -> Option<Side> {
    let mut reader = NsReader::from_str(text);
    reader.config_mut().check_end_names = false;
    let mut side = Side::default();
    // Local names of the open elements.
    let mut stack: Vec<String> = Vec::new();
    // The entry being read: its depth.
    let mut entry: Option<usize> = None;
    let mut open: Option<Open> = None;
    loop {
        let start = usize::try_from(reader.buffer_position()).ok()?;
        let (ns, event) = reader.read_resolved_event().ok()?;
        let v = vocab(&ns);
        let empty = matches!(event, Event::Empty(_));
        let end = usize::try_from(reader.buffer_position()).ok()?;
        match event {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => {
                if stack.len() >= MAX_DEPTH {
                    return None;
                }
                let local = e.local_name().as_ref().to_string();
                if entry.is_none() && is_entry(v, &local, &stack) {
                    if side.entries.len() >= MAX_ENTRIES {
                        break;
                    }
                    side.entries.push(SideFields::default());
                    if !empty {
                        entry = Some(stack.len());
                    }
                } else if open.is_none() {
                    let fields = match entry {
                        Some(_) => side.entries.last_mut(),
                        // The feed's own fields are its root's or channel's children.
                        None if feed_level(&stack) => Some(&mut side.feed),
                        None => None,
                    };
                    if let (Some(fields), Some(field)) = (fields, field_of(v, &local)) {
                        let attr = |name: &str| {
                            e.try_get_attribute(name)
                                .ok()
                                .flatten()
                                .map(|a| a.value.trim().to_string())
                        };
                        if field == Field::Guid {
                            let permalink =
                                attr("isPermaLink").is_none_or(|p| p.eq_ignore_ascii_case("true"));
                            fields.guid_permalink.get_or_insert(permalink);
                        }
                        if !empty {
                            let mode = match attr("mode").as_deref() {
                                Some("escaped") => Mode::Escaped,
                                Some("base64") => Mode::Base64,
                                _ => Mode::Xml,
                            };
                            let html = attr("type").is_some_and(|t| t.contains("html"));
                            open = Some(Open {
                                field,
                                depth: stack.len(),
                                from: end,
                                mode,
                                html,
                            });
                        }
                    }
                }
                if !empty {
                    stack.push(local);
                }
            }
            Event::End(_) => {
                stack.pop();
                if let Some(o) = open.as_ref().filter(|o| o.depth == stack.len()) {
                    let raw = text.get(o.from..start).unwrap_or("");
                    let fields = match entry {
                        Some(_) => side.entries.last_mut(),
                        None => Some(&mut side.feed),
                    };
                    if let Some(fields) = fields {
                        take(fields, o, raw);
                    }
                    open = None;
                }
                if entry == Some(stack.len()) {
                    entry = None;
                }
            }
            _ => {}
        }
    }
    Some(side)
}

/// An entry: `item` or `entry` of a feed vocabulary, near the root (as `xml_bounds` counts).
fn is_entry(v: Vocab, local: &str, stack: &[String]) -> bool {
    matches!(v, Vocab::Rss | Vocab::Atom | Vocab::Atom03)
        && (local == "item" || local == "entry")
        && stack.len() < 4
}

/// Whether an element at this stack is a child of the feed's root or channel.
fn feed_level(stack: &[String]) -> bool {
    match stack.last().map(String::as_str) {
        Some("channel") => true,
        Some("feed") => stack.len() == 1,
        _ => false,
    }
}

/// Records one field's raw content.
fn take(fields: &mut SideFields, o: &Open, raw: &str) {
    let raw = cut(
        raw,
        if matches!(o.field, Field::Content { .. }) {
            MAX_TEXT * 2
        } else {
            MAX_FIELD
        },
    );
    match o.field {
        Field::DcTitle => set_text(&mut fields.dc_title, raw),
        Field::MediaTitle => set_text(&mut fields.media_title, raw),
        Field::Tagline => set_text(&mut fields.subtitle, raw),
        Field::Guid => {}
        Field::Published(rank) => {
            ranked(&mut fields.published, &mut fields.published_rank, rank, raw)
        }
        Field::Updated(rank) => ranked(&mut fields.updated, &mut fields.updated_rank, rank, raw),
        Field::Content { summary } => {
            let slot = if summary {
                &mut fields.summary
            } else {
                &mut fields.content
            };
            if slot.is_some() {
                return;
            }
            let body = match o.mode {
                // Inline XML: the markup as written is the content.
                Mode::Xml => (raw.to_string(), true),
                Mode::Escaped => (xml_text(raw), o.html),
                Mode::Base64 => {
                    let Some(bytes) = base64(&xml_text(raw)) else {
                        return;
                    };
                    (String::from_utf8_lossy(&bytes).into_owned(), o.html)
                }
            };
            *slot = Some(body);
        }
    }
}

/// Keeps the date in `raw` if it outranks the one kept (lower rank wins).
fn ranked(slot: &mut Option<DateTime<Utc>>, kept: &mut u8, rank: u8, raw: &str) {
    if slot.is_some() && rank >= *kept {
        return;
    }
    if let Some(d) = parse_date(&xml_text(raw)) {
        *slot = Some(d);
        *kept = rank;
    }
}

fn set_text(slot: &mut Option<String>, raw: &str) {
    if slot.is_none() {
        let t = xml_text(raw);
        let t = t.trim();
        if !t.is_empty() {
            *slot = Some(t.to_string());
        }
    }
}

/// At most `max` bytes of `s`, at a character boundary.
fn cut(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut at = max;
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    s.get(..at).unwrap_or("")
}

/// The character data of raw element content: CDATA sections as they are, the rest with
/// references decoded and any child tags dropped.
pub fn xml_text(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    loop {
        let (before, after) = match rest.find("<![CDATA[") {
            Some(at) => (rest.get(..at).unwrap_or(""), rest.get(at + 9..)),
            None => (rest, None),
        };
        out.push_str(&unescape_outside_tags(before));
        let Some(after) = after else { break };
        match after.find("]]>") {
            Some(end) => {
                out.push_str(after.get(..end).unwrap_or(""));
                rest = after.get(end + 3..).unwrap_or("");
            }
            None => {
                out.push_str(after);
                break;
            }
        }
    }
    out
}

fn unescape_outside_tags(s: &str) -> String {
    let mut text = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    match quick_xml::escape::unescape(&text) {
        Ok(u) => u.into_owned(),
        Err(_) => text,
    }
}

/// A date as feeds write it: RFC 3339 / W3C-DTF (also without seconds, without a zone, or a
/// date alone, read as UTC), or RFC 2822.
pub fn parse_date(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if s.is_empty() || s.len() > 64 {
        return None;
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d.to_utc());
    }
    if let Ok(d) = DateTime::parse_from_rfc2822(s) {
        return Some(d.to_utc());
    }
    let zoned = match s.strip_suffix(['Z', 'z']) {
        Some(head) => format!("{head}+00:00"),
        None => s.to_string(),
    };
    for f in [
        "%Y-%m-%dT%H:%M%:z",
        "%Y-%m-%dT%H:%M:%S%.f%:z",
        "%Y-%m-%d %H:%M:%S%:z",
    ] {
        if let Ok(d) = DateTime::parse_from_str(&zoned, f) {
            return Some(d.to_utc());
        }
    }
    for f in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
    ] {
        if let Ok(d) = NaiveDateTime::parse_from_str(s, f) {
            return Some(d.and_utc());
        }
    }
    let date = NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(&format!("{s}-01"), "%Y-%m-%d"))
        .ok()?;
    date.and_hms_opt(0, 0, 0).map(|d| d.and_utc())
}

/// Decodes standard base64 (whitespace ignored, padding optional); `None` if it is not.
fn base64(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() / 4 * 3);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => break,
            c if c.is_ascii_whitespace() => continue,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Option<DateTime<Utc>> {
        Some(DateTime::parse_from_rfc3339(s).unwrap().to_utc())
    }

    #[test]
    fn dates_in_every_written_form() {
        assert_eq!(
            parse_date("2006-05-02T10:00:00+02:00"),
            d("2006-05-02T08:00:00Z")
        );
        assert_eq!(parse_date(" 2006-05-02T10:00Z "), d("2006-05-02T10:00:00Z"));
        assert_eq!(
            parse_date("2006-05-02T10:00+01:00"),
            d("2006-05-02T09:00:00Z")
        );
        assert_eq!(parse_date("2006-05-02T10:00:00"), d("2006-05-02T10:00:00Z"));
        assert_eq!(parse_date("2006-04-29"), d("2006-04-29T00:00:00Z"));
        assert_eq!(parse_date("2006-04"), d("2006-04-01T00:00:00Z"));
        assert_eq!(
            parse_date("Tue, 18 Jan 2005 15:10:00 -0500"),
            d("2005-01-18T20:10:00Z")
        );
        assert_eq!(parse_date("yesterday"), None);
        assert_eq!(parse_date(""), None);
        assert_eq!(parse_date(&"9".repeat(100)), None);
    }

    #[test]
    fn base64_and_text_decoding() {
        assert_eq!(base64("PHA+aGk8L3A+").unwrap(), b"<p>hi</p>");
        assert_eq!(base64("PHA+\n aGk8L3A+\n").unwrap(), b"<p>hi</p>");
        assert_eq!(base64("aGk=").unwrap(), b"hi");
        assert_eq!(base64("not base64!"), None);
        assert_eq!(
            xml_text("A &amp; B <![CDATA[<b>&amp;</b>]]>&#233;"),
            "A & B <b>&amp;</b>é"
        );
        assert_eq!(xml_text("<![CDATA[unterminated"), "unterminated");
        assert_eq!(xml_text("bad &bogus; stays"), "bad &bogus; stays");
    }

    #[test]
    fn dublin_core_media_and_guid_fields_by_namespace_not_prefix() {
        let x = r#"<rss version="2.0" xmlns:d="http://purl.org/dc/elements/1.1/" xmlns:t="http://purl.org/dc/terms/" xmlns:m="http://search.yahoo.com/mrss"><channel><d:title>Feed &amp; co</d:title>
<item><d:title>One</d:title><t:modified>2006-05-02</t:modified><t:created>2006-05-01</t:created><t:issued>2006-04-30</t:issued><guid>https://e.example/1</guid></item>
<item><m:group><m:title>Two</m:title></m:group><guid isPermaLink="false">x</guid></item>
<item><m:content url="u"><m:title>Three</m:title></m:content><x:title xmlns:x="urn:other">not this</x:title></item>
</channel></rss>"#;
        let s = read(x).unwrap();
        assert_eq!(s.feed.dc_title.as_deref(), Some("Feed & co"));
        assert_eq!(s.entries.len(), 3);
        let one = &s.entries[0];
        assert_eq!(one.dc_title.as_deref(), Some("One"));
        assert_eq!(
            one.published,
            d("2006-04-30T00:00:00Z"),
            "issued outranks created"
        );
        assert_eq!(one.updated, d("2006-05-02T00:00:00Z"));
        assert_eq!(one.guid_permalink, Some(true));
        assert_eq!(s.entries[1].media_title.as_deref(), Some("Two"));
        assert_eq!(s.entries[1].guid_permalink, Some(false));
        assert_eq!(s.entries[2].media_title.as_deref(), Some("Three"));
        assert_eq!(s.entries[2].dc_title, None);
        assert_eq!(s.entries[2].guid_permalink, None);
    }

    #[test]
    fn atom03_dates_and_content_modes() {
        let x = r#"<feed version="0.3" xmlns="http://purl.org/atom/ns#"><tagline>Sub</tagline><modified>2005-03-14T18:30:00Z</modified>
<entry><issued>2005-03-14T09:15:00-05:00</issued><created>2005-03-10T00:00:00Z</created><modified>2005-03-14T17:40:00Z</modified><content type="text/html" mode="escaped">&lt;p&gt;a&lt;/p&gt;</content></entry>
<entry><summary>s</summary><content type="text/html" mode="base64">PHA+aGk8L3A+</content></entry>
<entry><created>2005-03-12T11:00:00Z</created><content type="application/xhtml+xml"><div xmlns="http://www.w3.org/1999/xhtml"><p>x &amp; y</p></div></content></entry>
</feed>"#;
        let s = read(x).unwrap();
        assert_eq!(s.feed.subtitle.as_deref(), Some("Sub"));
        assert_eq!(s.feed.updated, d("2005-03-14T18:30:00Z"));
        let e = &s.entries;
        assert_eq!(e[0].published, d("2005-03-14T14:15:00Z"));
        assert_eq!(e[0].updated, d("2005-03-14T17:40:00Z"));
        assert_eq!(e[0].content, Some(("<p>a</p>".into(), true)));
        assert_eq!(e[1].content, Some(("<p>hi</p>".into(), true)));
        assert_eq!(e[1].summary, Some(("s".into(), true)));
        assert_eq!(e[2].published, d("2005-03-12T11:00:00Z"));
        let (xml, html) = e[2].content.clone().unwrap();
        assert!(html && xml.contains("<p>x &amp; y</p>"), "{xml}");
    }

    #[test]
    fn unreadable_or_deep_documents_give_none_not_a_panic() {
        assert!(read("<rss><channel><item></rss").is_none());
        let deep = format!("<rss>{}</rss>", "<x>".repeat(MAX_DEPTH + 10));
        assert!(read(&deep).is_none());
        assert!(read("").is_some_and(|s| s.entries.is_empty()));
    }
}
