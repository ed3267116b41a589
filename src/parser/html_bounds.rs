//! HTML bounded before any HTML parser sees it: nesting, element count, attributes.
//!
//! html5ever, under both scraper and dom_query, is quadratic in nesting depth (every block
//! start tag looks down the stack of open elements) and in the attributes of one tag (each
//! new attribute is compared with all before it), and every later walk of the tree recurses
//! by depth. So untrusted HTML passes through `bound` first: one linear scan of the source that
//! models the parser's stack of open elements closely enough, and rewrites the source so that
//!
//! - no element nests deeper than `limits::MAX_DEPTH`: deeper tags are dropped and their text
//!   kept in the enclosing element (a block's tag becomes a space, so words stay apart);
//!   mere wrappers (`div`, `span`, unknown elements...) are flattened 64 levels earlier, so
//!   what a deep chain of them wraps keeps its own structure;
//! - at most `limits::MAX_ELEMENTS` elements are kept; later tags are dropped, text kept;
//! - an element keeps at most `limits::MAX_ATTRIBUTES` attributes of at most
//!   `limits::MAX_ATTRIBUTE_BYTES` each, and a document `limits::MAX_PAGE_ATTRIBUTES` bytes of
//!   them; a document keeps `limits::MAX_PAGE_TEXT` bytes of text (entities are slow to
//!   decode, about a microsecond each, so a page of nothing but entities must stay short);
//!   scripts and styles, which are not decoded, do not count;
//! - comments, processing instructions and bogus markup, which no stage reads, are dropped;
//!   NUL bytes are dropped; a `<` that opens no tag is written `&lt;`; stray end tags go;
//! - a run of text longer than a few kilobytes is split by a `<wbr>` (no text, no break) at
//!   a space or an entity, so no text node is long enough for a later stage to be slow on;
//! - the output has the input's line breaks, on the same lines (what is dropped leaves its
//!   line breaks behind), so a reader of the output can give the input's line numbers.
//!
//! The model is conservative: every implied close it applies (a `<p>` closing an open `p`, an
//! `</x>` closing what the parser would close) is one the HTML standard's tree builder also
//! applies, and where it cannot tell cheaply it assumes the element stays open. So the parsed
//! tree is never deeper than the model thinks, and on real pages, which nest a few dozen
//! levels, nothing but comments changes. Raw text (`script`, `style`, `textarea`, `title`...)
//! is copied as it is, except by `bound_text`, which leaves script and style code out (article
//! pages: nothing after the parse reads it but JSON-LD, which it keeps). This module does not decode entities or charsets and builds no tree.

use rustc_hash::FxHashMap as HashMap;

use crate::limits::{
    MAX_ATTRIBUTES, MAX_ATTRIBUTE_BYTES, MAX_DEPTH, MAX_ELEMENTS, MAX_PAGE_ATTRIBUTES,
    MAX_PAGE_TEXT,
};

/// HTML within the limits, and what was cut to get there.
#[derive(Debug)]
pub struct Bounded {
    pub html: String,
    pub cuts: Cuts,
}

/// Counts of what `bound` dropped; all zero for ordinary pages.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Cuts {
    /// Start tags dropped because they would have nested deeper than `MAX_DEPTH`.
    pub too_deep: usize,
    /// Start tags dropped after `MAX_ELEMENTS` elements.
    pub too_many: usize,
    /// Attributes dropped (over `MAX_ATTRIBUTES` on an element, over `MAX_ATTRIBUTE_BYTES`,
    /// or after `MAX_PAGE_ATTRIBUTES` bytes of them in the document).
    pub attributes: usize,
    /// Bytes of text dropped after `MAX_PAGE_TEXT`.
    pub text: usize,
}

impl Cuts {
    pub fn any(&self) -> bool {
        self.too_deep + self.too_many + self.attributes + self.text > 0
    }

    /// A sentence for a note or a log line, if anything was cut.
    pub fn describe(&self) -> Option<String> {
        let mut parts = Vec::new();
        if self.too_deep > 0 {
            parts.push(format!(
                "{} tags nested deeper than {MAX_DEPTH} levels flattened",
                self.too_deep
            ));
        }
        if self.too_many > 0 {
            parts.push(format!(
                "{} tags beyond {MAX_ELEMENTS} elements dropped",
                self.too_many
            ));
        }
        if self.attributes > 0 {
            parts.push(format!("{} oversized attributes dropped", self.attributes));
        }
        if self.text > 0 {
            parts.push(format!(
                "{} bytes of text after the first {MAX_PAGE_TEXT} dropped",
                self.text
            ));
        }
        (!parts.is_empty()).then(|| parts.join("; "))
    }
}

/// Text runs longer than this get a `<wbr>` at their next space or entity: html5ever's
/// serializer looks for the next `<` or `>` afresh after every `&` it escapes, so one text
/// node of a megabyte full of `&` took seconds to write out.
const TEXT_RUN: usize = 4096;

/// How far down the stack an implied close looks; past it, the element is taken to stay
/// open (the conservative answer), so that no tag costs more than this.
const LOOK: usize = 64;

/// Bounds `html` (see the module documentation).
pub fn bound(html: &str) -> Bounded {
    bound_as(html, false)
}

/// `bound`, for a reader of the page's text and data: the code inside `<script>` and
/// `<style>` is left out (the elements stay, empty), except JSON-LD (`type` containing
/// `ld+json`), which metadata reads. On real article pages that code is about half the
/// bytes, and the parser's time goes with them (bench/RESULTS.md §12).
pub fn bound_text(html: &str) -> Bounded {
    bound_as(html, true)
}

fn bound_as(html: &str, drop_code: bool) -> Bounded {
    let mut b = Bounder {
        drop_code,
        src: html.as_bytes(),
        text_src: html,
        out: String::with_capacity(html.len() + 64),
        stack: Vec::new(),
        open: HashMap::default(),
        elements: 0,
        text_bytes: 0,
        run: 0,
        attribute_bytes: 0,
        cuts: Cuts::default(),
        body_closed: false,
        head_closed: false,
        html_closed: false,
    };
    b.run();
    Bounded {
        html: b.out,
        cuts: b.cuts,
    }
}

/// One open element of the model.
struct Open {
    name: Name,
    /// The name as written out, for the end tag the model writes when it closes it.
    written: Box<str>,
    /// In SVG or MathML, where `/>` closes an element and HTML's rules do not apply.
    foreign: bool,
}

/// A lower-case tag name: a known one by index, any other by hash.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum Name {
    Known(u8),
    Other(u64),
}

/// Tag names the model treats specially, by their index in this table.
const KNOWN: &[&str] = &[
    // 0..: elements without content
    "area",
    "base",
    "basefont",
    "bgsound",
    "br",
    "col",
    "embed",
    "frame",
    "hr",
    "img",
    "input",
    "keygen",
    "link",
    "meta",
    "param",
    "source",
    "track",
    "wbr",
    // 18..: raw text
    "script",
    "style",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "noscript",
    "textarea",
    "title",
    "plaintext",
    // 28..: the document's own
    "html",
    "head",
    "body",
    // 31..: blocks that close an open p
    "address",
    "article",
    "aside",
    "blockquote",
    "center",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "header",
    "hgroup",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "search",
    "section",
    "summary",
    "ul",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "pre",
    "listing",
    "form",
    "li",
    "dd",
    "dt",
    "table",
    // 69..: other special elements and scope boundaries
    "applet",
    "button",
    "caption",
    "colgroup",
    "marquee",
    "object",
    "select",
    "tbody",
    "td",
    "template",
    "tfoot",
    "th",
    "thead",
    "tr",
    "frameset",
    // 84..: formatting and phrasing
    "a",
    "nobr",
    "b",
    "big",
    "code",
    "em",
    "font",
    "i",
    "s",
    "small",
    "strike",
    "strong",
    "tt",
    "u",
    "span",
    "abbr",
    "cite",
    "q",
    "mark",
    "time",
    "label",
    "sub",
    "sup",
    "var",
    "kbd",
    "option",
    "optgroup",
    // 111..: foreign content
    "svg",
    "math",
    "foreignobject",
    "desc",
    "mi",
    "mo",
    "mn",
    "ms",
    "mtext",
    "annotation-xml",
];

/// A script or style that is code, not data: anything but JSON-LD.
fn is_code(name: Name, tag: &Tag, src: &[u8]) -> bool {
    if is(name, &["style"]) {
        return true;
    }
    is(name, &["script"])
        && !tag.attrs.iter().any(|(n, v)| {
            src[n.clone()].eq_ignore_ascii_case(b"type")
                && v.as_ref().is_some_and(|v| {
                    src[v.clone()]
                        .windows(7)
                        .any(|w| w.eq_ignore_ascii_case(b"ld+json"))
                })
        })
}

/// Line breaks in `bytes`.
fn lines_in(bytes: &[u8]) -> usize {
    if bytes.len() < 256 {
        // Most calls are one tag long, where a plain loop beats the vector search's set-up.
        bytes.iter().filter(|&&b| b == b'\n').count()
    } else {
        memchr::memchr_iter(b'\n', bytes).count()
    }
}

fn known(name: &str) -> Name {
    static INDEX: std::sync::OnceLock<HashMap<&'static str, u8>> = std::sync::OnceLock::new();
    let index = INDEX.get_or_init(|| {
        KNOWN
            .iter()
            .enumerate()
            .map(|(i, n)| (*n, i as u8))
            .collect()
    });
    match index.get(name) {
        Some(&i) => Name::Known(i),
        None => Name::Other(xxhash_rust::xxh3::xxh3_64(name.as_bytes())),
    }
}

fn id(name: &str) -> Name {
    known(name)
}

fn is(n: Name, names: &[&str]) -> bool {
    match n {
        Name::Known(i) => names.contains(&KNOWN[i as usize]),
        Name::Other(_) => false,
    }
}

fn is_void(n: Name) -> bool {
    matches!(n, Name::Known(i) if i < 18)
}

fn is_raw(n: Name) -> bool {
    matches!(n, Name::Known(i) if (18..28).contains(&i))
}

fn is_document(n: Name) -> bool {
    matches!(n, Name::Known(28..=30))
}

fn closes_p(n: Name) -> bool {
    matches!(n, Name::Known(i) if (31..69).contains(&i)) || is(n, &["plaintext", "xmp", "hr"])
}

/// The standard's "special" category (the HTML ones).
fn is_special(n: Name) -> bool {
    matches!(n, Name::Known(i) if i < 84)
}

fn is_heading(n: Name) -> bool {
    is(n, &["h1", "h2", "h3", "h4", "h5", "h6"])
}

/// Levels kept free for elements that mean something (a quotation, a paragraph, a heading, a
/// list) below a deep chain of mere wrappers: wrappers are flattened this much earlier, so a
/// block quote inside 100,000 nested `<div>` is still a block quote.
const HEADROOM: usize = 64;

/// The depth past which a start tag of `name` is flattened.
fn depth_limit(name: Name) -> usize {
    let wrapper = matches!(name, Name::Other(_))
        || is(
            name,
            &[
                "div", "span", "section", "article", "main", "aside", "header", "footer", "nav",
                "font", "center", "figure", "details", "hgroup", "search", "dialog", "label",
            ],
        );
    if wrapper {
        MAX_DEPTH - HEADROOM
    } else {
        MAX_DEPTH
    }
}

/// Elements whose dropped tag needs no line break to keep words apart.
fn is_phrasing(n: Name) -> bool {
    matches!(n, Name::Known(i) if (84..111).contains(&i))
}

/// Scope boundaries: an implied close never looks past these.
const SCOPE: &[&str] = &[
    "applet",
    "caption",
    "html",
    "table",
    "td",
    "th",
    "marquee",
    "object",
    "template",
    "mi",
    "mo",
    "mn",
    "ms",
    "mtext",
    "annotation-xml",
    "foreignobject",
    "desc",
    "title",
];

/// Start tags that leave SVG or MathML for HTML.
const BREAKOUT: &[&str] = &[
    "b",
    "big",
    "blockquote",
    "body",
    "br",
    "center",
    "code",
    "dd",
    "div",
    "dl",
    "dt",
    "em",
    "embed",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "hr",
    "i",
    "img",
    "li",
    "listing",
    "menu",
    "meta",
    "nobr",
    "ol",
    "p",
    "pre",
    "s",
    "small",
    "span",
    "strong",
    "strike",
    "sub",
    "sup",
    "table",
    "tt",
    "u",
    "ul",
];

/// Formatting elements whose attributes are dropped (`a` and `nobr` close an open one of
/// their own kind, so the parser never keeps more than one).
const FORMATTING: &[&str] = &[
    "b", "big", "code", "em", "font", "i", "s", "small", "strike", "strong", "tt", "u",
];

/// Where HTML resumes inside SVG or MathML.
fn is_integration_point(n: Name) -> bool {
    is(n, &["foreignobject", "desc", "title", "annotation-xml"])
}

/// A tag as scanned: where it ends, its name, its attributes' source ranges.
struct Tag {
    end: usize,
    name: String,
    self_closing: bool,
    /// (name range, the value's range including any quotes).
    attrs: Vec<(std::ops::Range<usize>, Option<std::ops::Range<usize>>)>,
    dropped_attrs: usize,
}

struct Bounder<'a> {
    /// Leave out script and style content (`bound_text`).
    drop_code: bool,
    src: &'a [u8],
    /// The same source as a str.
    text_src: &'a str,
    out: String,
    stack: Vec<Open>,
    /// How many of each name are on `stack`.
    open: HashMap<Name, usize>,
    elements: usize,
    /// Bytes of document text and of attributes written so far.
    text_bytes: usize,
    /// Bytes of text written since the last tag.
    run: usize,
    attribute_bytes: usize,
    cuts: Cuts,
    body_closed: bool,
    head_closed: bool,
    html_closed: bool,
}

impl Bounder<'_> {
    fn run(&mut self) {
        let src = self.src;
        let mut i = 0;
        while i < src.len() {
            let Some(lt) = src
                .get(i..)
                .and_then(|rest| memchr::memchr2(b'<', 0, rest))
                .map(|p| p + i)
            else {
                self.body_text(i, src.len());
                break;
            };
            self.body_text(i, lt);
            if src[lt] == 0 {
                i = lt + 1;
                continue;
            }
            let written = self.out.len();
            i = self.markup(lt);
            if self.out[written..].contains('<') {
                // A tag ends the run of text.
                self.run = 0;
            }
            self.keep_lines(&src[lt..i.min(src.len())], written);
        }
    }

    /// Writes the line breaks of `source` (just read) that what was written for it since
    /// `written` lacks, so that the output has the input's lines (the post reader gives line
    /// numbers): inside the last tag written if there is one, else as white space.
    fn keep_lines(&mut self, source: &[u8], written: usize) {
        let had = lines_in(source);
        if had == 0 {
            return;
        }
        let wrote = lines_in(&self.out.as_bytes()[written..]);
        if had <= wrote {
            return;
        }
        let breaks = "\n".repeat(had - wrote);
        let out = &self.out[written..];
        if out.ends_with('>') {
            // Before `>`, or before `/>` (a `/` must touch its `>` to close the element).
            let at = self.out.len() - if out.ends_with("/>") { 2 } else { 1 };
            self.out.insert_str(at, &breaks);
        } else {
            self.out.push_str(&breaks);
        }
    }

    /// Copies document text, NUL bytes dropped, within `MAX_PAGE_TEXT` bytes in all.
    fn text(&mut self, from: usize, to: usize) {
        self.budgeted(from, to, false);
    }

    /// `text` for the text of the document's body, which is also split into runs of about
    /// `TEXT_RUN` bytes (see there).
    fn body_text(&mut self, from: usize, to: usize) {
        self.budgeted(from, to, true);
    }

    fn budgeted(&mut self, from: usize, to: usize, split: bool) {
        let room = MAX_PAGE_TEXT.saturating_sub(self.text_bytes);
        let mut end = to.min(from + room);
        // Back to the start of a character (not a UTF-8 continuation byte).
        while end < to && end > from && (self.src[end] & 0xc0) == 0x80 {
            end -= 1;
        }
        self.cuts.text += to - end;
        self.text_bytes += end - from;
        if split {
            self.split_runs(from, end);
        } else {
            self.raw(from, end);
        }
        let lines = lines_in(&self.src[end..to]);
        self.out.push_str(&"\n".repeat(lines));
    }

    /// Copies text, writing a `<wbr>` (which adds no text) at the first space or entity after
    /// every `TEXT_RUN` bytes since the last tag.
    fn split_runs(&mut self, from: usize, to: usize) {
        let mut at = from;
        while at < to {
            let want = TEXT_RUN.saturating_sub(self.run);
            let split = (at + want < to)
                .then(|| {
                    find(&self.src[..to], at + want, |b| {
                        b == b'&' || b.is_ascii_whitespace()
                    })
                })
                .flatten();
            match split {
                Some(k) => {
                    self.raw(at, k);
                    self.out.push_str("<wbr>");
                    self.run = 0;
                    at = k;
                }
                None => {
                    self.run += to - at;
                    self.raw(at, to);
                    at = to;
                }
            }
        }
    }

    /// Copies source text as it is, NUL bytes dropped (raw text: scripts, styles).
    fn raw(&mut self, from: usize, to: usize) {
        let mut start = from;
        for k in memchr::memchr_iter(0, &self.src[from..to]) {
            self.push_src(start, from + k);
            start = from + k + 1;
        }
        self.push_src(start, to);
    }

    fn push_src(&mut self, from: usize, to: usize) {
        if from < to {
            // Both ends are at ASCII bytes or the source's ends, so at char boundaries.
            if let Some(s) = self.text_src.get(from..to) {
                self.out.push_str(s);
            }
        }
    }

    /// Handles the markup at `lt` (a `<`); returns where scanning resumes.
    fn markup(&mut self, lt: usize) -> usize {
        let src = self.src;
        let next = src.get(lt + 1).copied();
        match next {
            Some(b'!') => {
                if src[lt..].starts_with(b"<!--") {
                    return comment_end(src, lt + 4);
                }
                if self.in_foreign() && src[lt..].starts_with(b"<![CDATA[") {
                    let end = find_seq(src, lt + 9, b"]]>").map_or(src.len(), |e| e + 3);
                    self.text(lt, end);
                    return end;
                }
                let end = find(src, lt, |b| b == b'>').map_or(src.len(), |e| e + 1);
                if src[lt + 2..end].len() >= 7
                    && src[lt + 2..lt + 9].eq_ignore_ascii_case(b"doctype")
                {
                    self.text(lt, end);
                }
                end
            }
            Some(b'?') => find(src, lt, |b| b == b'>').map_or(src.len(), |e| e + 1),
            Some(b'/') => match src.get(lt + 2) {
                Some(c) if c.is_ascii_alphabetic() => match scan_tag(src, lt + 2) {
                    Some(tag) => {
                        self.end_tag(&tag);
                        tag.end
                    }
                    None => src.len(),
                },
                Some(b'>') => lt + 3,
                Some(_) => find(src, lt, |b| b == b'>').map_or(src.len(), |e| e + 1),
                None => src.len(),
            },
            Some(c) if c.is_ascii_alphabetic() => match scan_tag(src, lt + 1) {
                Some(tag) => self.start_tag(lt, tag),
                // A tag cut off by the end of the input is no tag (as in the standard).
                None => src.len(),
            },
            _ => {
                if self.text_bytes + 4 <= MAX_PAGE_TEXT {
                    self.out.push_str("&lt;");
                    self.text_bytes += 4;
                } else {
                    self.cuts.text += 1;
                }
                lt + 1
            }
        }
    }

    fn in_foreign(&self) -> bool {
        self.stack
            .last()
            .is_some_and(|o| o.foreign && !is_integration_point(o.name))
    }

    fn start_tag(&mut self, lt: usize, tag: Tag) -> usize {
        let name = id(&tag.name);
        let foreign = self.in_foreign();
        if foreign && is(name, BREAKOUT) {
            while self
                .stack
                .last()
                .is_some_and(|o| o.foreign && !is_integration_point(o.name))
            {
                self.pop();
            }
        }
        let foreign = self.in_foreign() || is(name, &["svg", "math"]);
        if !foreign {
            self.implied_closes(name);
        }
        let raw = !foreign && is_raw(name);
        // Where a raw-text element's content ends, and where its end tag ends.
        let raw_end = raw.then(|| raw_text_end(self.src, tag.end, &tag.name));
        let pushes = !(is_void(name) || is_document(name) || (foreign && tag.self_closing));
        // The table sections and rows the parser inserts around a row or cell.
        let implied: &[&str] = match self.stack.last() {
            Some(o) if !foreign && is(o.name, &["table"]) && is(name, &["tr"]) => &["tbody"],
            Some(o) if !foreign && is(o.name, &["table"]) && is(name, &["td", "th"]) => {
                &["tbody", "tr"]
            }
            Some(o)
                if !foreign
                    && is(o.name, &["tbody", "thead", "tfoot"])
                    && is(name, &["td", "th"]) =>
            {
                &["tr"]
            }
            _ => &[],
        };
        let keep = if self.elements >= MAX_ELEMENTS {
            self.cuts.too_many += 1;
            false
        } else if pushes && self.stack.len() + implied.len() >= depth_limit(name) {
            self.cuts.too_deep += 1;
            false
        } else {
            true
        };
        if !keep {
            if !is_phrasing(name) {
                self.out.push(' ');
            }
            // A dropped script or style takes its content with it; no text is lost that was
            // text (a title's or textarea's is, which no stage needs).
            return raw_end.map_or(tag.end, |(_, after)| after);
        }
        for &n in implied {
            self.out.push('<');
            self.out.push_str(n);
            self.out.push('>');
            self.push(id(n), n, false);
        }
        if !is_document(name) {
            self.elements += 1;
        }
        self.write_tag(lt, &tag);
        if let Some((content_end, after)) = raw_end {
            // A title's and a textarea's entities are decoded: they count as text.
            if is(name, &["title", "textarea"]) {
                self.text(tag.end, content_end);
            } else if !(self.drop_code && is_code(name, &tag, self.src)) {
                self.raw(tag.end, content_end);
            }
            if content_end < self.src.len() {
                self.out.push_str("</");
                self.out.push_str(&tag.name);
                self.out.push('>');
            }
            return after;
        }
        if pushes {
            if is(name, &["plaintext"]) {
                // Everything after is text.
                self.text(tag.end, self.src.len());
                return self.src.len();
            }
            self.push(name, &tag.name, foreign);
        }
        tag.end
    }

    /// The closes the tree builder applies when a start tag of `name` arrives.
    fn implied_closes(&mut self, name: Name) {
        if closes_p(name) {
            self.close_in_scope(id("p"), &["button"]);
        }
        if is_heading(name) && self.stack.last().is_some_and(|o| is_heading(o.name)) {
            self.pop();
        }
        if is(name, &["li"]) {
            self.close_list_item(&["li"]);
        } else if is(name, &["dd", "dt"]) {
            self.close_list_item(&["dd", "dt"]);
        } else if is(name, &["a", "nobr"]) {
            // A second `a` ends the first, when nothing special stands between them.
            self.close_ordinary(name);
        } else if is(name, &["button"]) {
            self.close_in_scope(name, &[]);
        } else if is(name, &["option"]) {
            if self.stack.last().is_some_and(|o| is(o.name, &["option"])) {
                self.pop();
            }
        } else if is(name, &["optgroup"]) {
            for n in ["option", "optgroup"] {
                if self.stack.last().is_some_and(|o| is(o.name, &[n])) {
                    self.pop();
                }
            }
        } else if is(name, &["tr"]) {
            self.close_table_part(&["tr"], &["table", "template", "html"]);
        } else if is(name, &["td", "th"]) {
            self.close_table_part(&["td", "th"], &["tr", "table", "template", "html"]);
        } else if is(name, &["tbody", "thead", "tfoot"]) {
            self.close_table_part(&["tbody", "thead", "tfoot"], &["table", "template", "html"]);
        }
    }

    /// `li`, `dd` and `dt`: an open one of `names` is closed when only non-special elements,
    /// or `address`, `div` and `p`, stand above it.
    fn close_list_item(&mut self, names: &[&str]) {
        for k in (0..self.stack.len()).rev().take(LOOK) {
            let n = self.stack[k].name;
            if is(n, names) {
                self.pop_to(k);
                return;
            }
            if is_special(n) && !is(n, &["address", "div", "p"]) {
                return;
            }
        }
    }

    /// Closes the nearest open `name` if it is in scope (no boundary of `SCOPE` or `extra`
    /// above it).
    fn close_in_scope(&mut self, name: Name, extra: &[&str]) -> bool {
        self.close_nearest(name, |o| {
            is(o.name, SCOPE) || is(o.name, extra) || o.foreign
        })
    }

    /// Closes the nearest open `name` if no special element stands above it (the standard's
    /// "any other end tag").
    fn close_ordinary(&mut self, name: Name) -> bool {
        self.close_nearest(name, |o| is_special(o.name))
    }

    /// Closes the nearest open `name` unless an element for which `stops` holds stands above
    /// it (or it is more than `LOOK` down). Returns whether it closed.
    fn close_nearest(&mut self, name: Name, stops: impl Fn(&Open) -> bool) -> bool {
        if self.open.get(&name).copied().unwrap_or(0) == 0 {
            return false;
        }
        for k in (0..self.stack.len()).rev().take(LOOK) {
            if self.stack[k].name == name {
                self.pop_to(k);
                return true;
            }
            if stops(&self.stack[k]) {
                return false;
            }
        }
        false
    }

    fn close_table_part(&mut self, names: &[&str], stop: &[&str]) {
        for k in (0..self.stack.len()).rev().take(LOOK) {
            let n = self.stack[k].name;
            if is(n, names) {
                self.pop_to(k);
                return;
            }
            if is(n, stop) {
                return;
            }
        }
    }

    fn end_tag(&mut self, tag: &Tag) {
        let name = id(&tag.name);
        if is_document(name) {
            // `</body>` and `</html>` close nothing early; once each is enough.
            let seen = if is(name, &["body"]) {
                &mut self.body_closed
            } else if is(name, &["head"]) {
                &mut self.head_closed
            } else {
                &mut self.html_closed
            };
            if !*seen {
                *seen = true;
                self.out.push_str("</");
                self.out.push_str(&tag.name);
                self.out.push('>');
            }
            return;
        }
        // A close the model makes writes the end tags (`pop`); one it does not make is
        // dropped, so the parser does not make it either.
        let foreign_top = self.stack.last().is_some_and(|o| o.foreign);
        if foreign_top {
            // In SVG or MathML an end tag closes the nearest element of its name.
            self.close_foreign(name);
        } else if is(name, &["p"]) {
            if !self.close_in_scope(name, &["button"]) && self.elements < MAX_ELEMENTS {
                // `</p>` with no open p makes an empty paragraph: a paragraph break.
                self.out.push_str("<p></p>");
                self.elements += 1;
            }
        } else if is(name, &["br"]) {
            // `</br>` is read as `<br>`.
            if self.elements < MAX_ELEMENTS {
                self.out.push_str("<br>");
                self.elements += 1;
            }
        } else if is(name, &["li"]) {
            self.close_in_scope(name, &["ol", "ul"]);
        } else if is(name, &["table", "tbody", "thead", "tfoot", "tr"]) {
            // Table scope: only the table (for its parts), a template and the root stop.
            let stop: &[&str] = if is(name, &["table"]) {
                &["template", "html"]
            } else {
                &["table", "template", "html"]
            };
            self.close_table_part(&[&tag.name], stop);
        } else if is(name, &["td", "th"]) {
            self.close_table_part(&[&tag.name], &["tr", "table", "template", "html"]);
        } else if is_special(name) {
            self.close_in_scope(name, &[]);
        } else {
            self.close_ordinary(name);
        }
    }

    fn close_foreign(&mut self, name: Name) -> bool {
        for k in (0..self.stack.len()).rev().take(LOOK) {
            if self.stack[k].name == name {
                self.pop_to(k);
                return true;
            }
            if !self.stack[k].foreign {
                break;
            }
        }
        // Not foreign after all: the HTML rules.
        if is_special(name) {
            self.close_in_scope(name, &[])
        } else {
            self.close_ordinary(name)
        }
    }

    fn push(&mut self, name: Name, written: &str, foreign: bool) {
        self.stack.push(Open {
            name,
            written: written.into(),
            foreign,
        });
        *self.open.entry(name).or_default() += 1;
    }

    /// Closes the current element, writing its end tag: every close the model makes is
    /// written out, so the parser closes exactly what the model closes and keeps no
    /// formatting element open behind the model's back (see `bound`).
    fn pop(&mut self) {
        if let Some(o) = self.stack.pop() {
            if let Some(c) = self.open.get_mut(&o.name) {
                *c = c.saturating_sub(1);
            }
            self.out.push_str("</");
            self.out.push_str(&o.written);
            self.out.push('>');
        }
    }

    /// Pops the element at `k` and everything above it.
    fn pop_to(&mut self, k: usize) {
        while self.stack.len() > k {
            self.pop();
        }
    }

    /// Writes a kept tag: its name, its attributes within the limits, as in the source.
    /// Formatting elements (`b`, `i`, `font`...) lose their attributes: the parser keeps a
    /// list of them to re-open in later paragraphs, and caps it at three identical entries
    /// each, so without attributes the list stays short whatever the input does.
    fn write_tag(&mut self, _lt: usize, tag: &Tag) {
        self.cuts.attributes += tag.dropped_attrs;
        self.out.push('<');
        self.out.push_str(&tag.name);
        let plain = is(id(&tag.name), FORMATTING);
        let mut seen: Vec<&[u8]> = Vec::new();
        let mut last_unquoted = false;
        for (name, value) in tag.attrs.iter().filter(|_| !plain) {
            let n = &self.src[name.clone()];
            // The first of duplicate attributes wins, as in the standard.
            if seen.iter().any(|s| s.eq_ignore_ascii_case(n)) {
                continue;
            }
            seen.push(n);
            let size = name.len() + value.as_ref().map_or(0, |v| v.len());
            if self.attribute_bytes + size > MAX_PAGE_ATTRIBUTES {
                self.cuts.attributes += 1;
                continue;
            }
            self.attribute_bytes += size;
            self.out.push(' ');
            self.push_src(name.start, name.end);
            last_unquoted = false;
            if let Some(v) = value {
                self.out.push('=');
                self.push_src(v.start, v.end);
                last_unquoted = !matches!(self.src.get(v.start), Some(b'"' | b'\''));
            }
        }
        if tag.self_closing {
            // After an unquoted value a `/` would join the value.
            self.out.push_str(if last_unquoted { " /" } else { "/" });
        }
        self.out.push('>');
    }
}

/// The first index at or after `from` whose byte satisfies `f`.
fn find(src: &[u8], from: usize, f: impl Fn(u8) -> bool) -> Option<usize> {
    src.get(from..)?
        .iter()
        .position(|&b| f(b))
        .map(|p| p + from)
}

fn find_seq(src: &[u8], from: usize, seq: &[u8]) -> Option<usize> {
    memchr::memmem::find(src.get(from..)?, seq).map(|p| p + from)
}

/// Where a comment whose text starts at `from` ends (after its `-->`), as the standard reads
/// it: `<!-->` and `<!--->` are empty comments, `--!>` also closes, the end of input ends it.
fn comment_end(src: &[u8], from: usize) -> usize {
    if src[from..].starts_with(b">") {
        return from + 1;
    }
    if src[from..].starts_with(b"->") {
        return from + 2;
    }
    let mut i = from;
    while let Some(p) = find(src, i, |b| b == b'-') {
        if src[p..].starts_with(b"-->") {
            return p + 3;
        }
        if src[p..].starts_with(b"--!>") {
            return p + 4;
        }
        i = p + 1;
    }
    src.len()
}

/// Where the raw text of a `name` element starting at `from` ends, and where its end tag
/// ends: at the first `</name` followed by white space, `/` or `>`.
fn raw_text_end(src: &[u8], from: usize, name: &str) -> (usize, usize) {
    if name == "plaintext" {
        return (src.len(), src.len());
    }
    let n = name.as_bytes();
    let mut i = from;
    while let Some(p) = find_seq(src, i, b"</") {
        let after = p + 2 + n.len();
        if src.len() >= after
            && src[p + 2..after].eq_ignore_ascii_case(n)
            && src
                .get(after)
                .is_none_or(|&b| b == b'>' || b == b'/' || b.is_ascii_whitespace())
        {
            let end = find(src, after, |b| b == b'>').map_or(src.len(), |e| e + 1);
            return (p, end);
        }
        i = p + 2;
    }
    (src.len(), src.len())
}

/// Scans a tag whose name starts at `from` (just after `<` or `</`), to just after its `>`.
/// `None` if the input ends inside it.
fn scan_tag(src: &[u8], from: usize) -> Option<Tag> {
    let is_space = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | b'\x0c' | b'\r');
    let mut i = from;
    while i < src.len() && !is_space(src[i]) && src[i] != b'/' && src[i] != b'>' {
        i += 1;
    }
    let raw = &src[from..i];
    let name: String = if raw.iter().all(|&b| b.is_ascii() && b != 0) {
        // The usual case, without the decoding and the per-character lower-casing.
        raw.iter()
            .map(|&b| char::from(b.to_ascii_lowercase()))
            .collect()
    } else {
        String::from_utf8_lossy(raw)
            .chars()
            .filter(|&c| c != '\0')
            .flat_map(char::to_lowercase)
            .collect()
    };
    let mut tag = Tag {
        end: 0,
        name,
        self_closing: false,
        attrs: Vec::new(),
        dropped_attrs: 0,
    };
    loop {
        while i < src.len() && is_space(src[i]) {
            i += 1;
        }
        match src.get(i)? {
            b'>' => {
                tag.end = i + 1;
                return Some(tag);
            }
            b'/' => {
                if src.get(i + 1) == Some(&b'>') {
                    tag.self_closing = true;
                    tag.end = i + 2;
                    return Some(tag);
                }
                i += 1;
                continue;
            }
            _ => {}
        }
        // An attribute name: up to white space, `/`, `>` or `=` (a leading `=` belongs to it).
        let name_start = i;
        i += 1;
        while i < src.len() && !is_space(src[i]) && !matches!(src[i], b'/' | b'>' | b'=') {
            i += 1;
        }
        let name = name_start..i;
        while i < src.len() && is_space(src[i]) {
            i += 1;
        }
        let mut value = None;
        if src.get(i) == Some(&b'=') {
            i += 1;
            while i < src.len() && is_space(src[i]) {
                i += 1;
            }
            let v_start = i;
            match src.get(i)? {
                &q @ (b'"' | b'\'') => {
                    let close = src
                        .get(i + 1..)
                        .and_then(|rest| memchr::memchr(q, rest))
                        .map(|p| p + i + 1)?;
                    i = close + 1;
                }
                b'>' => {}
                _ => {
                    while i < src.len() && !is_space(src[i]) && src[i] != b'>' {
                        i += 1;
                    }
                }
            }
            value = Some(v_start..i);
        }
        let size = name.len() + value.as_ref().map_or(0, |v| v.len());
        let clean = memchr::memchr(0, &src[name.clone()]).is_none()
            && value
                .as_ref()
                .is_none_or(|v| memchr::memchr(0, &src[v.clone()]).is_none());
        if tag.attrs.len() < MAX_ATTRIBUTES && size <= MAX_ATTRIBUTE_BYTES && clean {
            tag.attrs.push((name, value));
        } else {
            tag.dropped_attrs += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(html: &str) -> String {
        bound(html).html
    }

    /// The deepest element nesting of a parsed document.
    fn depth(html: &str) -> usize {
        let doc = dom_query::Document::from(html);
        let mut max = 0;
        for node in doc.select("*").nodes() {
            let d = node.ancestors(None).len();
            max = max.max(d);
        }
        max
    }

    /// The parsed body of a document, serialised.
    fn parsed(html: &str) -> String {
        dom_query::Document::from(html)
            .select("html")
            .html()
            .to_string()
    }

    #[test]
    fn ordinary_pages_parse_to_the_same_tree() {
        let page = r#"<!DOCTYPE html><html><head><title>A &amp; B</title>
<script>if (a < b && c > d) { document.write("<p>x</p>") }</script>
<style>p > a { color: red }</style></head>
<body><article class="post" data-x='1 > 0'><p>One <b>bold</b> word.<p>Two
<ul><li>a<li>b</ul><img src="x.png" alt=""><br/><table><tr><td>c<td>d<tr><td>e</table>
<p>A <a href="/x">link <i>in</i></a> and <em>nested <strong>tags</strong></em> here.
<dl><dt>t<dd>d</dl><select><option>1<option>2</select><h2>H</h2><h3>I</h3>
<svg viewBox="0 0 1 1"><path d="M0 0"/><title>t</title></svg><div>x</div></article></body></html>"#;
        let bounded = bound(page);
        assert!(!bounded.cuts.any());
        assert_eq!(parsed(&bounded.html), parsed(page));
        assert_eq!(b("a<!-- a comment -->b"), "ab");
        // Misnested formatting is written nested; the text is the same.
        let misnested = "<p><em>misnested <strong>tags</em> here</strong>.</p>";
        let text = |h: &str| {
            dom_query::Document::from(h)
                .select("body")
                .text()
                .to_string()
        };
        assert_eq!(text(&b(misnested)), text(misnested));
    }

    #[test]
    fn nesting_is_bounded_and_text_kept() {
        for tag in ["div", "span", "b", "x-y", "blockquote", "table", "a", "svg"] {
            let n = 20_000;
            let html = format!(
                "<html><body>{}deep text{}</body></html>",
                format!("<{tag}>").repeat(n),
                format!("</{tag}>").repeat(n)
            );
            let bounded = bound(&html);
            assert!(bounded.cuts.too_deep > 0 || tag == "a", "{tag}");
            assert!(bounded.html.contains("deep text"), "{tag}");
            let d = depth(&bounded.html);
            assert!(d <= MAX_DEPTH + 4, "{tag}: parsed depth {d}");
        }
    }

    #[test]
    fn tricks_that_deepen_the_parsed_tree_are_modelled() {
        // Each of these grows the parser's stack while a naive counter would not.
        let tricks = [
            "<span><div></span>",
            "<b><p></b>",
            "<div/>",
            "<li><ul>",
            "<td><div></td>",
            "<p><button></p>",
            "<svg><foreignObject><div></svg>",
            "<select><div>",
            "<a><div></a>",
            "<table><tr><td><table></table>",
            "<a><div><a>",
            "<b><div></b>x",
            "<table><b><tr><td></table>",
            // html5ever re-opens a formatting element closed by its paragraph in every later
            // paragraph: with distinct attributes, 10,000 of these made 50 million elements.
            "<p><b id=N>x</p>",
            "<p><font color=N><i class=N>x</div></p>",
        ];
        for t in tricks {
            let reps: String = (0..3_000).map(|i| t.replace('N', &i.to_string())).collect();
            let html = format!("<body>{reps}x");
            let bounded = bound(&html);
            let d = depth(&bounded.html);
            assert!(d <= MAX_DEPTH + 8, "{t}: parsed depth {d}");
            let elements = dom_query::Document::from(bounded.html.as_str())
                .select("*")
                .length();
            let tags = html.matches('<').count();
            assert!(
                elements <= 2 * tags + 8,
                "{t}: {elements} elements from {tags} tags"
            );
            assert!(bounded.html.contains('x'));
        }
    }

    #[test]
    fn element_count_is_capped() {
        let html = format!("<body>{}", "<i>w</i> ".repeat(MAX_ELEMENTS + 500));
        let bounded = bound(&html);
        assert_eq!(bounded.cuts.too_many, 500);
        assert_eq!(bounded.html.matches("<i>").count(), MAX_ELEMENTS);
        assert_eq!(bounded.html.matches('w').count(), MAX_ELEMENTS + 500);
    }

    #[test]
    fn attributes_are_capped() {
        let many: String = (0..10_000).map(|i| format!(" a{i}=\"{i}\"")).collect();
        let huge = "x".repeat(MAX_ATTRIBUTE_BYTES + 1);
        let html = format!("<p{many}>one</p><p class=\"{huge}\" id=k>two</p>");
        let bounded = bound(&html);
        assert_eq!(bounded.cuts.attributes, 10_000 - MAX_ATTRIBUTES + 1);
        assert!(
            bounded.html.contains("<p id=k>two</p>"),
            "{}",
            &bounded.html[..200]
        );
        assert!(bounded.html.len() < 2_000);
    }

    #[test]
    fn stray_markup_is_made_harmless() {
        assert_eq!(b("a < b <<< c"), "a &lt; b &lt;&lt;&lt; c");
        assert_eq!(b("x\0y</>z</ p><?php ?>"), "xyz");
        assert_eq!(b("<p>a</div></span>b</p>"), "<p>ab</p>");
        assert_eq!(b("<p><b>x</p>y"), "<p><b>x</b></p>y");
        assert_eq!(b("<p>a<p>b"), "<p>a</p><p>b");
        assert_eq!(b("a</p>b"), "a<p></p>b");
        assert_eq!(b("<div class=\"unterminated"), "");
        assert_eq!(b("<!-->x<!--->y<!-- z --!>w<!-- open"), "xyw");
        assert_eq!(
            b("<script>a</scriptx></script>b"),
            "<script>a</scriptx></script>b"
        );
        assert_eq!(b("<title>a<b>c</title>"), "<title>a<b>c</title>");
        assert_eq!(b("<textarea>open"), "<textarea>open");
        assert_eq!(
            b("<svg><![CDATA[x<y]]></svg>"),
            "<svg><![CDATA[x<y]]></svg>"
        );
        assert_eq!(b("<![CDATA[x]]>y"), "y");
    }

    #[test]
    fn text_is_capped_but_scripts_are_not_counted() {
        let script = format!("<script>{}</script>", "x".repeat(MAX_PAGE_TEXT));
        let html = format!("{script}<p>{}</p><p>after</p>", "é".repeat(MAX_PAGE_TEXT));
        let bounded = bound(&html);
        assert!(bounded.cuts.text > 0);
        assert!(!bounded.html.contains("after"));
        assert!(bounded.html.contains(&script));
        assert!(bounded.html.len() < 2 * MAX_PAGE_TEXT + 100);
    }

    #[test]
    fn a_dropped_block_keeps_words_apart() {
        let html = format!(
            "<body>{}end.<p>Next</p>",
            "<blockquote>".repeat(MAX_DEPTH + 10)
        );
        let out = b(&html);
        assert!(out.contains("end. Next"), "{}", &out[out.len() - 40..]);
    }

    #[test]
    fn what_deep_wrappers_wrap_keeps_its_structure() {
        let n = 100_000;
        let html = format!(
            "<body>{}<blockquote><p>quoted</p></blockquote>{}",
            "<div>".repeat(n),
            "</div>".repeat(n)
        );
        let out = b(&html);
        assert!(
            out.contains("<blockquote><p>quoted</p></blockquote>"),
            "{}",
            &out[..200]
        );
        let doc = dom_query::Document::from(out.as_str());
        assert_eq!(doc.select("blockquote p").text().to_string(), "quoted");
    }

    #[test]
    fn long_text_runs_are_split_without_changing_the_text() {
        let text = "a &amp; b ".repeat(10_000);
        let html = format!("<p>{text}</p><title>{text}</title>");
        let out = b(&html);
        assert!(out.matches("<wbr>").count() >= 20, "{}", out.len());
        assert!(!out[out.find("<title>").unwrap_or(0)..].contains("<wbr>"));
        let parsed = dom_query::Document::from(out.as_str());
        let original = dom_query::Document::from(html.as_str());
        assert_eq!(parsed.select("p").text(), original.select("p").text());
        assert!(b("<p>short &amp; sweet</p>") == "<p>short &amp; sweet</p>");
    }

    #[test]
    fn lines_are_kept() {
        let html = "<p>one</p>\n<!-- a\ncomment -->\n<p\n class=x\n>two</p>\n</div\n>\n<br\n/>\n<span>three";
        let out = b(html);
        let lines = |s: &str| s.lines().position(|l| l.contains("three"));
        assert_eq!(lines(&out), lines(html), "{out}");
        assert_eq!(out.matches('\n').count(), html.matches('\n').count());
        let deep = format!("{}\nend", "<div\n>".repeat(MAX_DEPTH + 10));
        assert_eq!(
            lines(&b(&deep).replace("end", "three")),
            Some(MAX_DEPTH + 11)
        );
    }

    #[test]
    fn text_bound_leaves_out_code_and_keeps_data() {
        let html = "<head><script>var a = '<p>x</p>';\nrun();</script><style>p{}</style>\n\
            <SCRIPT Type=\"application/LD+JSON\">{\"@type\":\"NewsArticle\"}</SCRIPT></head>\n\
            <body><p>Text</p><script src=x.js></script><textarea>a&amp;b</textarea></body>";
        let out = bound_text(html).html;
        assert!(!out.contains("run()") && !out.contains("p{}"), "{out}");
        assert!(out.contains(r#"{"@type":"NewsArticle"}"#), "{out}");
        assert!(
            out.contains("<p>Text</p>") && out.contains("a&amp;b"),
            "{out}"
        );
        assert_eq!(
            out.matches('\n').count(),
            html.matches('\n').count(),
            "{out}"
        );
        // The plain bound keeps code as it is.
        assert!(bound(html).html.contains("run();"));
        let doc = dom_query::Document::from(out.as_str());
        assert_eq!(doc.select("script").length(), 3);
    }

    #[test]
    fn linear_on_hostile_shapes() {
        // These must simply finish; the fuzz bench measures the time.
        let shapes = [
            "<".repeat(1 << 20),
            "</a>".repeat(1 << 18),
            format!("<span>{}", "<div></span>".repeat(1 << 16)),
            format!("<a {}>", "b ".repeat(1 << 19)),
            "<!--".repeat(1 << 18),
            "<li>".repeat(1 << 18),
        ];
        for s in &shapes {
            let out = bound(s);
            assert!(out.html.len() <= s.len() * 4 + 64);
        }
    }
}
