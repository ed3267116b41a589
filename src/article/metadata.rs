//! Article metadata: JSON-LD first, then OpenGraph and meta tags, then the page itself.
//!
//! JSON-LD is the most deliberate statement a publisher makes (NewsArticle,
//! ReportageNewsArticle, LiveBlogPosting and friends, also inside `@graph`); OpenGraph and
//! `<meta>` tags come next; visible dates, bylines and the URL's own date are the last resort.
//! Nothing here fails: what cannot be read is `None`.

use std::collections::HashMap;
use std::sync::OnceLock;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use dom_query::Document;
use regex::Regex;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

use super::prefilter;

/// Metadata read from a page.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PageMeta {
    pub title: Option<String>,
    pub authors: Vec<String>,
    pub published: Option<DateTime<Utc>>,
    pub modified: Option<DateTime<Utc>>,
    pub canonical_url: Option<String>,
    pub site_name: Option<String>,
    pub language: Option<String>,
    /// The page says (JSON-LD `isAccessibleForFree: false`, or a paywall marker) that part of
    /// the article is for subscribers only.
    pub paywalled: bool,
}

const ARTICLE_TYPES: &[&str] = &[
    "NewsArticle",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
    "BackgroundNewsArticle",
    "OpinionNewsArticle",
    "LiveBlogPosting",
    "Article",
    "BlogPosting",
    "Report",
];

/// What a page says of itself besides its text.
pub struct Read {
    pub meta: PageMeta,
    /// The wire service a byline or provider names ("Reuters", "Associated Press"); such a
    /// byline is not counted among the authors.
    pub wire_byline: Option<String>,
    /// JSON-LD's `articleBody`: the words of the body, to choose the page's container by
    /// (`candidates`).
    pub ld_body: Option<String>,
    /// The page's AMP version (`<link rel=amphtml>`), an absolute http(s) address other than
    /// the page's own (see `super::amp`).
    pub amp_url: Option<String>,
}

/// Reads the metadata of a parsed page.
pub fn read(doc: &Document, url: Option<&Url>) -> Read {
    let ld = json_ld_article(doc);
    let ld = ld.as_ref();
    let metas = meta_tags(doc);
    let meta = |keys: &[&str]| -> Option<String> {
        keys.iter()
            .find_map(|k| metas.get(*k).and_then(|v| v.first()).cloned())
            .filter(|s| !s.is_empty())
    };
    let ld_str = |key: &str| ld.and_then(|v| v.get(key)).and_then(as_text);

    let title = ld_str("headline")
        .or_else(|| meta(&["og:title", "twitter:title"]))
        .or_else(|| first_text(doc, "article h1, main h1, h1"))
        .or_else(|| first_text(doc, "title").map(|t| strip_site_suffix(&t)));

    let mut authors = ld
        .and_then(|v| v.get("author"))
        .map(names)
        .unwrap_or_default();
    if authors.is_empty() {
        if let Some(a) = meta(&[
            "author",
            "article:author",
            "parsely-author",
            "sailthru.author",
        ])
        .filter(|a| !a.starts_with("http"))
        {
            authors = split_names(&a);
        }
    }
    if authors.is_empty() {
        if let Some(b) = first_text(doc, "[rel=author], [itemprop=author], [class*=author-name], [class*=byline], .article-author, .author") {
            authors = split_names(&b);
        }
    }

    let published = ld_str("datePublished")
        .and_then(|s| parse_date(&s))
        .or_else(|| {
            meta(&[
                "article:published_time",
                "og:published_time",
                "datepublished",
                "pubdate",
                "publishdate",
                "publish-date",
                "date",
                "dc.date",
                "dc.date.issued",
                "dcterms.created",
                "sailthru.date",
                "parsely-pub-date",
                "citation_publication_date",
            ])
            .and_then(|s| parse_date(&s))
        })
        .or_else(|| ld_date_anywhere(doc))
        .or_else(|| time_element(doc))
        .or_else(|| text_date(&doc.select("body").text()))
        .or_else(|| url.and_then(url_date));
    let modified = ld_str("dateModified")
        .and_then(|s| parse_date(&s))
        .or_else(|| {
            meta(&[
                "article:modified_time",
                "og:updated_time",
                "datemodified",
                "last-modified",
            ])
            .and_then(|s| parse_date(&s))
        });

    // The page's own links to itself and to its AMP version, in one walk of the page.
    let links = prefilter::select(doc, "link[rel=canonical], link[rel~=amphtml]");
    let link = |rel: &str| {
        links
            .iter()
            .find(|l| {
                l.attr("rel")
                    .is_some_and(|r| r.split_ascii_whitespace().any(|v| v == rel))
            })
            .and_then(|l| l.attr("href"))
            .map(|h| h.to_string())
    };
    let canonical_url = link("canonical")
        .or_else(|| ld.and_then(main_entity_url))
        .or_else(|| meta(&["og:url"]))
        .and_then(|h| absolute(&h, url));

    let site_name = meta(&["og:site_name", "application-name"]).or_else(|| {
        ld.and_then(|v| v.get("publisher"))
            .and_then(|p| p.get("name"))
            .and_then(as_text)
    });

    let language = doc
        .root()
        .element_children()
        .into_iter()
        .find(|n| n.has_name("html"))
        .and_then(|h| h.attr("lang"))
        .map(|l| l.to_string())
        .or_else(|| meta(&["content-language", "og:locale"]))
        .or_else(|| ld_str("inLanguage"))
        .and_then(|l| {
            let primary = l
                .split(['-', '_'])
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            (!primary.is_empty()).then_some(primary)
        });

    let free = ld.and_then(|v| v.get("isAccessibleForFree"));
    let paywalled = matches!(free, Some(Value::Bool(false)))
        || free
            .and_then(Value::as_str)
            .is_some_and(|s| s.eq_ignore_ascii_case("false"))
        || meta(&["article:content_tier"]).is_some_and(|t| t == "locked" || t == "metered");

    let provider = ld
        .and_then(|v| v.get("provider").or_else(|| v.get("sourceOrganization")))
        .and_then(as_text);
    let wire_byline = authors
        .iter()
        .chain(provider.iter())
        .find_map(|a| wire_name(a));
    authors.retain(|a| wire_name(a).is_none());

    let meta = PageMeta {
        title: title.map(|t| collapse(&t)),
        authors,
        published,
        modified,
        canonical_url,
        site_name,
        language,
        paywalled,
    };
    let ld_body = ld
        .and_then(|v| v.get("articleBody"))
        .and_then(Value::as_str)
        .map(str::to_string);
    let amp_url = link("amphtml")
        .and_then(|h| absolute(&h, url))
        .filter(|h| h.starts_with("http://") || h.starts_with("https://"))
        .filter(|h| url.is_none_or(|u| u.as_str() != h));
    Read {
        meta,
        wire_byline,
        ld_body,
        amp_url,
    }
}

/// The canonical name of a wire service mentioned by `s`.
pub fn wire_name(s: &str) -> Option<String> {
    let s = s.trim();
    // Longer than any name below: not one (and not lower-cased to find out, as every
    // paragraph of a page is asked).
    if s.len() > 24 {
        return None;
    }
    let l = s.to_ascii_lowercase();
    let name = match l.as_str() {
        "reuters" | "thomson reuters" => "Reuters",
        "ap" | "associated press" | "the associated press" => "AP",
        "afp" | "agence france-presse" | "agence france presse" => "AFP",
        "xinhua" => "Xinhua",
        "anadolu" | "anadolu agency" => "Anadolu",
        _ => return None,
    };
    Some(name.to_string())
}

/// The first article-typed object in the page's JSON-LD blocks, looking inside arrays and
/// `@graph`.
fn json_ld_article(doc: &Document) -> Option<Value> {
    for script in prefilter::select(doc, "script[type='application/ld+json']") {
        let raw = script.text();
        let raw = raw.trim().trim_end_matches(';');
        let Some(value) = serde_json::from_str::<Value>(raw)
            .ok()
            .or_else(|| serde_json::from_str::<Value>(&repair_json(raw)).ok())
        else {
            continue;
        };
        if let Some(found) = find_article(&value) {
            return Some(found.clone());
        }
    }
    None
}

/// JSON-LD as templates often write it, repaired where the mistake is common and its meaning
/// plain: a comma before a closing bracket (`["a", "b", ]`), and raw line breaks or tabs
/// inside strings (turned to spaces). 2 of the 4 JSON-LD blocks that do not parse on the
/// benchmark's dev pages parse after it (bench/RESULTS.md §12.5).
fn repair_json(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let (mut in_string, mut escaped) = (false, false);
    for (i, c) in raw.char_indices() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                c if c.is_control() => {
                    out.push(' ');
                    continue;
                }
                _ => {}
            }
        } else if c == '"' {
            in_string = true;
        } else if c == ',' {
            let rest = raw[i + 1..].trim_start();
            if rest.starts_with(']') || rest.starts_with('}') {
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// The first `datePublished` written in any JSON-LD block of the page, read from its text:
/// for the pages whose JSON-LD names no article (a `WebPage` node carries the date) or does
/// not parse even repaired (an unescaped quote inside a string).
fn ld_date_anywhere(doc: &Document) -> Option<DateTime<Utc>> {
    static DATE: OnceLock<Option<Regex>> = OnceLock::new();
    let re = DATE
        .get_or_init(|| Regex::new(r#""datePublished"\s*:\s*"([^"]{8,40})""#).ok())
        .as_ref()?;
    prefilter::select(doc, "script[type='application/ld+json']")
        .iter()
        .find_map(|script| {
            let raw = script.text();
            re.captures_iter(&raw)
                .find_map(|c| c.get(1).and_then(|m| parse_date(m.as_str())))
        })
}

fn find_article(v: &Value) -> Option<&Value> {
    match v {
        Value::Array(items) => items.iter().find_map(find_article),
        Value::Object(map) => {
            if is_article_type(map.get("@type")) {
                return Some(v);
            }
            map.get("@graph").and_then(find_article)
        }
        _ => None,
    }
}

fn is_article_type(t: Option<&Value>) -> bool {
    match t {
        Some(Value::String(s)) => ARTICLE_TYPES.contains(&s.as_str()),
        Some(Value::Array(a)) => a.iter().any(|x| is_article_type(Some(x))),
        _ => false,
    }
}

fn as_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Value::Array(a) => a.first().and_then(as_text),
        Value::Object(m) => m.get("name").or_else(|| m.get("@value")).and_then(as_text),
        _ => None,
    }
}

/// Author names from a JSON-LD `author`: a string, an object with `name`, or a list of either.
fn names(v: &Value) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let items: Vec<&Value> = match v {
        Value::Array(a) => a.iter().collect(),
        other => vec![other],
    };
    for item in items {
        if let Some(name) = as_text(item) {
            for n in split_names(&name) {
                if !out.contains(&n) {
                    out.push(n);
                }
            }
        }
    }
    out
}

/// "By Ahmed Rasheed and John Davison" → ["Ahmed Rasheed", "John Davison"].
fn split_names(s: &str) -> Vec<String> {
    let s = collapse(s);
    let s = s
        .strip_prefix("By ")
        .or_else(|| s.strip_prefix("by "))
        .or_else(|| s.strip_prefix("BY "))
        .unwrap_or(&s);
    s.split([',', ';', '|'])
        .flat_map(|p| p.split(" and "))
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty() && p.len() < 80)
        .collect()
}

fn main_entity_url(v: &Value) -> Option<String> {
    match v.get("mainEntityOfPage") {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Object(m)) => m.get("@id").or_else(|| m.get("url")).and_then(as_text),
        _ => v.get("url").and_then(as_text),
    }
}

/// Every `<meta>` content by lower-cased `property`, `name` or `itemprop`.
fn meta_tags(doc: &Document) -> HashMap<String, Vec<String>> {
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    for m in prefilter::select(doc, "meta") {
        let Some(content) = m.attr("content") else {
            continue;
        };
        for key_attr in ["property", "name", "itemprop", "http-equiv"] {
            if let Some(key) = m.attr(key_attr) {
                out.entry(key.to_ascii_lowercase())
                    .or_default()
                    .push(content.trim().to_string());
            }
        }
    }
    out
}

fn first_text(doc: &Document, selector: &'static str) -> Option<String> {
    prefilter::select(doc, selector)
        .iter()
        .map(|n| collapse(&n.text()))
        .find(|t| !t.is_empty())
}

fn time_element(doc: &Document) -> Option<DateTime<Utc>> {
    prefilter::select(doc, "article time[datetime], time[datetime]")
        .iter()
        .find_map(|t| t.attr("datetime").and_then(|d| parse_date(&d)))
}

/// "<headline> | Reuters" or "<headline> - Al Jazeera" → "<headline>".
fn strip_site_suffix(title: &str) -> String {
    for sep in [" | ", " - ", " – ", " — "] {
        if let Some((head, _)) = title.rsplit_once(sep) {
            if head.len() > 10 {
                return head.trim().to_string();
            }
        }
    }
    title.trim().to_string()
}

fn absolute(href: &str, base: Option<&Url>) -> Option<String> {
    match Url::parse(href.trim()) {
        Ok(u) => Some(u.to_string()),
        Err(_) => base
            .and_then(|b| b.join(href.trim()).ok())
            .map(String::from),
    }
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Parses the date forms pages use: RFC 3339 and its relatives, with or without a zone (UTC
/// assumed), a bare date (midnight UTC), and RFC 2822.
pub fn parse_date(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d.with_timezone(&Utc));
    }
    for f in [
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%dT%H:%M%z",
        "%Y-%m-%d %H:%M:%S%.f%z",
        "%Y-%m-%d %H:%M:%S %z",
    ] {
        if let Ok(d) = DateTime::parse_from_str(s, f) {
            return Some(d.with_timezone(&Utc));
        }
    }
    for f in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(d) = NaiveDateTime::parse_from_str(s, f) {
            return Some(d.and_utc());
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(s.get(..10).unwrap_or(s), "%Y-%m-%d") {
        return d.and_hms_opt(0, 0, 0).map(|t| t.and_utc());
    }
    DateTime::parse_from_rfc2822(s)
        .ok()
        .map(|d| d.with_timezone(&Utc))
}

/// A date written out in the page, "December 27, 2019" or "27 December 2019", with a time
/// ("10:05 AM", "13:20 GMT") if one follows; the first one wins.
fn text_date(text: &str) -> Option<DateTime<Utc>> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    let re = RE
        .get_or_init(|| {
            Regex::new(
                r"(?i)(?-u:\b)(?:(?P<m1>jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+(?P<d1>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y1>(?:19|20)\d\d)|(?P<d2>\d{1,2})(?:st|nd|rd|th)?\s+(?P<m2>jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,?\s+(?P<y2>(?:19|20)\d\d))(?:[\s,|-]+(?:at\s+)?(?P<h>\d{1,2}):(?P<mi>\d\d)\s*(?P<ap>[ap]\.?m\.?)?)?",
            )
            .ok()
        })
        .as_ref()?;
    let head: String = text.chars().take(5000).collect();
    let c = re.captures(&head)?;
    let month = c
        .name("m1")
        .or_else(|| c.name("m2"))?
        .as_str()
        .to_ascii_lowercase();
    let months = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let m = months.iter().position(|x| month.starts_with(x))? as u32 + 1;
    let d: u32 = c
        .name("d1")
        .or_else(|| c.name("d2"))?
        .as_str()
        .parse()
        .ok()?;
    let y: i32 = c
        .name("y1")
        .or_else(|| c.name("y2"))?
        .as_str()
        .parse()
        .ok()?;
    let mut h: u32 = c
        .name("h")
        .and_then(|x| x.as_str().parse().ok())
        .unwrap_or(0);
    let mi: u32 = c
        .name("mi")
        .and_then(|x| x.as_str().parse().ok())
        .unwrap_or(0);
    if let Some(ap) = c.name("ap") {
        let pm = ap.as_str().to_ascii_lowercase().starts_with('p');
        h = (h % 12) + if pm { 12 } else { 0 };
    }
    NaiveDate::from_ymd_opt(y, m, d)?
        .and_hms_opt(h, mi, 0)
        .map(|t| t.and_utc())
}

/// A date in the URL's path: /2019/12/27/ or /20191227/.
fn url_date(url: &Url) -> Option<DateTime<Utc>> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    let re = RE
        .get_or_init(|| Regex::new(r"/((?:19|20)\d\d)[/-]?(\d\d)[/-]?(\d\d)(?:/|[^\d])").ok())
        .as_ref()?;
    let c = re.captures(url.path())?;
    NaiveDate::from_ymd_opt(c[1].parse().ok()?, c[2].parse().ok()?, c[3].parse().ok()?)?
        .and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_their_forms() {
        let d = |s| parse_date(s).map(|d| d.to_rfc3339());
        assert_eq!(
            d("2019-12-30T10:00:00+03:00").unwrap(),
            "2019-12-30T07:00:00+00:00"
        );
        assert_eq!(
            d("2019-12-30T10:00:00.000Z").unwrap(),
            "2019-12-30T10:00:00+00:00"
        );
        assert_eq!(d("2019-12-30 10:00").unwrap(), "2019-12-30T10:00:00+00:00");
        assert_eq!(d("2019-12-30").unwrap(), "2019-12-30T00:00:00+00:00");
        assert_eq!(
            d("Mon, 30 Dec 2019 10:00:00 GMT").unwrap(),
            "2019-12-30T10:00:00+00:00"
        );
        assert!(d("yesterday").is_none());
        let t = |s| text_date(s).map(|d| d.to_rfc3339());
        assert_eq!(
            t("Posted on December 27, 2019 at 4:15 pm by X").unwrap(),
            "2019-12-27T16:15:00+00:00"
        );
        assert_eq!(
            t("27 Dec 2019 | 13:20").unwrap(),
            "2019-12-27T13:20:00+00:00"
        );
        let u = Url::parse("https://news.antiwar.com/2019/12/27/x/").unwrap();
        assert_eq!(
            url_date(&u).unwrap().to_rfc3339(),
            "2019-12-27T00:00:00+00:00"
        );
    }

    #[test]
    fn json_ld_inside_graph_and_authors() {
        let html = r#"<html lang="en-GB"><head><script type="application/ld+json">
            {"@context":"https://schema.org","@graph":[{"@type":"WebPage","name":"x"},
             {"@type":["NewsArticle"],"headline":"Strikes","datePublished":"2019-12-29T21:00:00Z",
              "author":[{"@type":"Person","name":"By A. Writer"},"B. Writer and C. Writer"],
              "isAccessibleForFree":"False","publisher":{"name":"The Post"},
              "articleBody":"The strikes began at dawn."}]}
            </script></head><body></body></html>"#;
        let read = read(&Document::from(html), None);
        assert_eq!(read.ld_body.as_deref(), Some("The strikes began at dawn."));
        let m = read.meta;
        assert_eq!(m.title.as_deref(), Some("Strikes"));
        assert_eq!(m.authors, ["A. Writer", "B. Writer", "C. Writer"]);
        assert!(m.paywalled);
        assert_eq!(m.site_name.as_deref(), Some("The Post"));
        assert_eq!(m.language.as_deref(), Some("en"));
        assert_eq!(
            m.published.unwrap().to_rfc3339(),
            "2019-12-29T21:00:00+00:00"
        );
    }

    #[test]
    fn json_ld_as_templates_break_it() {
        // A trailing comma and a raw line break inside a string: repaired, then read.
        let html = "<html><head><script type=\"application/ld+json\">{\"@type\": \"NewsArticle\", \
            \"headline\": \"Plague\\ncases\", \"keywords\": [\"a\", \"b\", ], \
            \"datePublished\": \"2019-11-18T16:06:51-05:00\"}</script></head><body></body></html>"
            .replace("\\n", "\n");
        let m = read(&Document::from(html.as_str()), None).meta;
        assert_eq!(m.title.as_deref(), Some("Plague cases"));
        assert_eq!(
            m.published.unwrap().to_rfc3339(),
            "2019-11-18T21:06:51+00:00"
        );
        // An unescaped quote inside a string: no JSON parser reads it, the date is still
        // there to be found; so is a `WebPage` node's when no article is named.
        for ld in [
            r#"{"@type": "Article", "description": "the "Jewels" show", "datePublished": "2018-04-18"}"#,
            r#"{"@graph": [{"@type": "WebPage", "datePublished": "2018-04-18T14:39:09+02:00"}]}"#,
        ] {
            let html = format!(
                "<html><head><script type=\"application/ld+json\">{ld}</script></head><body></body></html>"
            );
            let m = read(&Document::from(html.as_str()), None).meta;
            assert_eq!(
                m.published.map(|d| d.date_naive().to_string()).as_deref(),
                Some("2018-04-18"),
                "{ld}"
            );
        }
    }
}
