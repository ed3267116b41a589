//! The mutation engine of the fuzzing harness, shared by `tests/fuzz.rs` (a bounded run in
//! `cargo test`) and `benches/fuzz.rs` (the long run, with the large shapes).
//!
//! Every mutant is a pure function of (run seed, target, index): `Rng::for_input` seeds a
//! splitmix64 generator from the three, so one input can be made again from its name alone
//! (the bench and the tests regenerate the input that killed a child process that way). The
//! seeds are the project's own fixtures; the fragments and paragraphs inserted below are
//! written for this harness. Nothing here depends on quotewire: the engine knows bytes and a
//! document's syntax, not the parsers.

#![allow(dead_code)]

use std::path::Path;

/// A small, fast, seedable generator (splitmix64). Not for cryptography; for reproducibility.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The generator of input `index` of `target` in the run seeded with `seed`.
    pub fn for_input(seed: u64, target: &str, index: usize) -> Rng {
        let mut h = seed ^ 0x6a09_e667_f3bc_c908;
        for b in target.bytes() {
            h = mix(h ^ u64::from(b));
        }
        Rng(mix(h ^ (index as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix(self.0)
    }

    /// Uniform in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }

    /// True once in `n` times.
    pub fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// A size in `lo..=hi`, spread evenly over orders of magnitude (as many small as large).
    pub fn size(&mut self, lo: usize, hi: usize) -> usize {
        if hi <= lo {
            return lo;
        }
        let (a, b) = ((lo.max(1) as f64).ln(), (hi as f64).ln());
        let unit = (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        ((a + (b - a) * unit).exp().round() as usize).clamp(lo, hi)
    }
}

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The syntax of a seed document: where mutations put things and how they spell them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// RSS or Atom.
    Xml,
    /// JSON Feed.
    Json,
    /// An HTML page (an article, the HTML page among the feeds, a post in HTML).
    Html,
    /// Plain text: quote texts, gold texts, a plain-text post.
    Text,
    Markdown,
}

impl Syntax {
    pub fn of(path: &Path) -> Syntax {
        match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
            "xml" | "rss" | "atom" => Syntax::Xml,
            "json" => Syntax::Json,
            "html" | "htm" => Syntax::Html,
            "md" | "markdown" => Syntax::Markdown,
            _ => Syntax::Text,
        }
    }

    pub fn ext(self) -> &'static str {
        match self {
            Syntax::Xml => "xml",
            Syntax::Json => "json",
            Syntax::Html => "html",
            Syntax::Text => "txt",
            Syntax::Markdown => "md",
        }
    }
}

/// One fixture that mutants are made from.
#[derive(Debug, Clone)]
pub struct Seed {
    /// The file name without its extension ("rss2", "a01-reuters-jsonld.gold").
    pub name: String,
    pub syntax: Syntax,
    pub bytes: Vec<u8>,
}

impl Seed {
    pub fn read(path: &Path) -> Seed {
        let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let file = path.file_name().and_then(|n| n.to_str()).unwrap_or("seed");
        let name = file.rsplit_once('.').map_or(file, |(stem, _)| stem);
        Seed {
            name: name.to_string(),
            syntax: Syntax::of(path),
            bytes,
        }
    }
}

/// How big the shapes get. `Test` keeps a debug build of `cargo test` quick; `Bench` reaches
/// the sizes hostile servers send (10 MB lines, 100,000-deep nesting, 50,000 entries).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    Test,
    Bench,
}

/// The ranges one class draws its size from; `big` is the far end the bench reaches.
struct Sizes {
    depth: (usize, usize),
    repeat: (usize, usize),
    line: (usize, usize),
    attribute: (usize, usize),
    attributes: (usize, usize),
    entries: (usize, usize),
    paragraphs: (usize, usize),
}

const TEST_SIZES: Sizes = Sizes {
    depth: (100, 5_000),
    repeat: (2, 1_000),
    line: (1_000, 32_000),
    attribute: (1_000, 100_000),
    attributes: (100, 5_000),
    entries: (10, 2_000),
    paragraphs: (20, 2_000),
};

const BENCH_SIZES: Sizes = Sizes {
    depth: (100, 20_000),
    repeat: (2, 2_000),
    line: (4_096, 1_000_000),
    attribute: (4_096, 200_000),
    attributes: (100, 10_000),
    entries: (10, 5_000),
    paragraphs: (20, 5_000),
};

/// The large shapes: one bench input in `BIG_ONE_IN` is made at these sizes.
const BIG_SIZES: Sizes = Sizes {
    depth: (100_000, 100_000),
    repeat: (5_000, 5_000),
    line: (10_000_000, 10_000_000),
    attribute: (1_000_000, 1_000_000),
    attributes: (100_000, 100_000),
    entries: (50_000, 50_000),
    paragraphs: (40_000, 40_000),
};
pub const BIG_ONE_IN: usize = 10;

/// A kind of damage. Each input is made by one class (taken in turn, so every class is
/// exercised about equally), sometimes with a light second one on top.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Class {
    /// A few bytes set to random values or with one bit flipped.
    ByteFlip,
    /// The document cut at a random point.
    Truncate,
    /// Markup fragments, entities and quote marks inserted at random points.
    Insert,
    /// A slice of the document repeated up to thousands of times in place.
    Duplicate,
    /// Elements (or quote marks, `>` or list markers) opened tens of thousands deep.
    Nest,
    /// Nesting spelt as escaped markup (`&lt;b&gt;`), or inside CDATA, in an entry's text.
    EscapedNest,
    /// Re-encoded as UTF-16 (LE or BE, with or without a BOM); the declaration untouched.
    Utf16,
    /// Another charset declared (in the document or the Content-Type) than the bytes have.
    Charset,
    /// Byte sequences that are not UTF-8 inserted.
    InvalidUtf8,
    /// windows-1252 bytes inserted, or the whole document re-encoded as windows-1252.
    Windows1252,
    /// NUL bytes.
    Nul,
    /// One attribute value of up to 1 MB.
    GiantAttribute,
    /// Up to 100,000 attributes on one element.
    ManyAttributes,
    /// One line of up to 10 MB without a line break.
    LongLine,
    /// The document's unit (a feed entry, a page paragraph, a text paragraph) repeated up to
    /// 50,000 times.
    ManyEntries,
    /// Up to 40,000 identical paragraphs holding a quotation.
    QuoteParagraphs,
    /// A piece of another fixture (of any syntax) spliced in.
    Crossover,
}

pub const CLASSES: [Class; 17] = [
    Class::ByteFlip,
    Class::Truncate,
    Class::Insert,
    Class::Duplicate,
    Class::Nest,
    Class::EscapedNest,
    Class::Utf16,
    Class::Charset,
    Class::InvalidUtf8,
    Class::Windows1252,
    Class::Nul,
    Class::GiantAttribute,
    Class::ManyAttributes,
    Class::LongLine,
    Class::ManyEntries,
    Class::QuoteParagraphs,
    Class::Crossover,
];

impl Class {
    pub fn name(self) -> &'static str {
        match self {
            Class::ByteFlip => "byteflip",
            Class::Truncate => "truncate",
            Class::Insert => "insert",
            Class::Duplicate => "duplicate",
            Class::Nest => "nest",
            Class::EscapedNest => "escnest",
            Class::Utf16 => "utf16",
            Class::Charset => "charset",
            Class::InvalidUtf8 => "badutf8",
            Class::Windows1252 => "cp1252",
            Class::Nul => "nul",
            Class::GiantAttribute => "giantattr",
            Class::ManyAttributes => "manyattrs",
            Class::LongLine => "longline",
            Class::ManyEntries => "entries",
            Class::QuoteParagraphs => "quoteparas",
            Class::Crossover => "crossover",
        }
    }

    /// Whether the class has a large shape (the bench makes one in `BIG_ONE_IN` that big).
    fn has_big(self) -> bool {
        matches!(
            self,
            Class::Duplicate
                | Class::Nest
                | Class::EscapedNest
                | Class::GiantAttribute
                | Class::ManyAttributes
                | Class::LongLine
                | Class::ManyEntries
                | Class::QuoteParagraphs
        )
    }
}

/// One mutated input.
#[derive(Debug, Clone)]
pub struct Mutant {
    /// `TARGET-INDEX-CLASS[-big]-SEED.EXT` (the index after a `t` at test scale): unique in a
    /// run, and a file name.
    pub name: String,
    pub class: Class,
    pub big: bool,
    pub seed: String,
    pub syntax: Syntax,
    pub bytes: Vec<u8>,
    /// What was done, for the failure report ("depth 4000 of <div>", "cut at 1234").
    pub detail: String,
    /// A charset the HTTP header should declare, when the mutation wants one.
    pub header_charset: Option<&'static str>,
}

/// Input `index` of `target` in the run seeded with `seed`: a mutant of one of `seeds`.
pub fn mutant(seeds: &[Seed], target: &str, seed: u64, index: usize, scale: Scale) -> Mutant {
    let mut rng = Rng::for_input(seed, target, index);
    let class = CLASSES[index % CLASSES.len()];
    let from = rng.pick(seeds);
    let big = scale == Scale::Bench && class.has_big() && rng.one_in(BIG_ONE_IN);
    let sizes = match (scale, big) {
        (_, true) => &BIG_SIZES,
        (Scale::Test, false) => &TEST_SIZES,
        (Scale::Bench, false) => &BENCH_SIZES,
    };
    let mut m = Mutator {
        rng: &mut rng,
        sizes,
        syntax: from.syntax,
        bytes: from.bytes.clone(),
        detail: Vec::new(),
        header_charset: None,
    };
    m.apply(class, seeds);
    // A light second blow now and then: real damage rarely comes alone.
    if m.rng.one_in(4) {
        let extra = *m
            .rng
            .pick(&[Class::ByteFlip, Class::Insert, Class::Truncate, Class::Nul]);
        m.apply(extra, seeds);
    }
    let Mutator {
        bytes,
        detail,
        header_charset,
        ..
    } = m;
    Mutant {
        name: format!(
            "{target}-{}{index:05}-{}{}-{}.{}",
            if scale == Scale::Test { "t" } else { "" },
            class.name(),
            if big { "-big" } else { "" },
            from.name,
            from.syntax.ext()
        ),
        class,
        big,
        seed: from.name.clone(),
        syntax: from.syntax,
        bytes,
        detail: detail.join("; "),
        header_charset,
    }
}

/// Fragments inserted anywhere: markup openers and closers, entities good and bad, quote
/// marks, Markdown markers, odd characters.
const FRAGMENTS: &[&str] = &[
    "<",
    "</",
    ">",
    "<!--",
    "-->",
    "<![CDATA[",
    "]]>",
    "&",
    "&amp;",
    "&nbsp;",
    "&lt;",
    "&gt;",
    "&quot;",
    "&#0;",
    "&#x0;",
    "&#xD800;",
    "&#x110000;",
    "&#99999999999999999999;",
    "&#x;",
    "&bogus;",
    "&amp",
    "\u{201c}",
    "\u{201d}",
    "\u{2018}",
    "\u{2019}",
    "\u{ab}",
    "\u{bb}",
    "\u{201e}",
    "\"",
    "'",
    "\n>",
    "\n> > > ",
    "*",
    "**",
    "_",
    "[",
    "](",
    "![",
    "`",
    "```\n",
    "\n- ",
    "\n1. ",
    "\n# ",
    "\n---\n",
    "<p>",
    "</p>",
    "<div>",
    "</div>",
    "<br/>",
    "<script>",
    "</script>",
    "<style>",
    "<title>",
    "</title>",
    "<item>",
    "</item>",
    "<entry>",
    "<link>",
    "</link>",
    "<guid>",
    "<?xml version=\"1.0\"?>",
    "<!DOCTYPE x>",
    "<script type='application/ld+json'>{\"@graph\":[",
    "{\"@type\":\"NewsArticle\",\"datePublished\":\"",
    "]}",
    "<meta charset=\"utf-16\">",
    "<time datetime=\"9999-99-99\">",
    "<a href=\"http://[::1\">",
    "<a href=\"javascript:alert(1)\">",
    "\u{feff}",
    "\u{e9}",
    "\u{fffd}",
    "\u{200b}",
    "\u{301}",
    "\u{2028}",
    "\u{202e}",
    "\r",
    "\r\n",
    "\t",
    "\n\n",
    "\u{201c} said he: ",
    "\u{201c}\u{201e}\u{ab}\"\u{2019}\n\n\u{201c} said he: ",
    ", the minister said.",
    "BAGHDAD (Reuters) - ",
];

/// An entity bomb for documents with a DOCTYPE-capable parser: each level ten of the last.
const ENTITY_BOMB: &str = "<!DOCTYPE rss [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\"><!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\"><!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">]>";

/// A paragraph holding a quotation, written for this harness.
const QUOTE_PARAGRAPH: &str = "\u{201c}We will not leave until the talks resume,\u{201d} the deputy minister said on Tuesday, adding that \u{2018}nothing\u{2019} had changed.";

/// Charset labels declared over bytes that are not in them (and some that no one supports).
const CHARSETS: &[&str] = &[
    "shift_jis",
    "utf-16",
    "utf-16be",
    "utf-16le",
    "iso-2022-jp",
    "iso-2022-kr",
    "x-user-defined",
    "windows-1252",
    "koi8-r",
    "gb18030",
    "euc-kr",
    "utf-7",
    "ebcdic-cp-us",
    "no-such-charset",
    "",
];

/// Byte sequences that are not UTF-8: stray continuation bytes, overlong forms, encoded
/// surrogates, code points past U+10FFFF, cut sequences, bytes never used.
const INVALID_UTF8: &[&[u8]] = &[
    b"\x80",
    b"\xbf",
    b"\xc0\x80",
    b"\xc1\xbf",
    b"\xe0\x80\x80",
    b"\xed\xa0\x80",
    b"\xed\xbf\xbf",
    b"\xf0\x80\x80\x80",
    b"\xf4\x90\x80\x80",
    b"\xf8\x88\x80\x80\x80",
    b"\xfe",
    b"\xff",
    b"\xe2\x80",
    b"\xc3",
    b"\xf0\x9f\x98",
];

struct Mutator<'a> {
    rng: &'a mut Rng,
    sizes: &'a Sizes,
    syntax: Syntax,
    bytes: Vec<u8>,
    detail: Vec<String>,
    header_charset: Option<&'static str>,
}

impl Mutator<'_> {
    fn apply(&mut self, class: Class, seeds: &[Seed]) {
        match class {
            Class::ByteFlip => self.byte_flip(),
            Class::Truncate => self.truncate(),
            Class::Insert => self.insert_fragments(),
            Class::Duplicate => self.duplicate(),
            Class::Nest => self.nest(),
            Class::EscapedNest => self.escaped_nest(),
            Class::Utf16 => self.utf16(),
            Class::Charset => self.charset(),
            Class::InvalidUtf8 => self.invalid_utf8(),
            Class::Windows1252 => self.windows_1252(),
            Class::Nul => self.nul(),
            Class::GiantAttribute => self.giant_attribute(),
            Class::ManyAttributes => self.many_attributes(),
            Class::LongLine => self.long_line(),
            Class::ManyEntries => self.many_entries(),
            Class::QuoteParagraphs => self.quote_paragraphs(),
            Class::Crossover => self.crossover(seeds),
        }
    }

    fn note(&mut self, s: String) {
        self.detail.push(s);
    }

    fn size(&mut self, range: (usize, usize)) -> usize {
        self.rng.size(range.0, range.1)
    }

    fn insert(&mut self, at: usize, what: &[u8]) {
        let at = at.min(self.bytes.len());
        self.bytes.splice(at..at, what.iter().copied());
    }

    /// A random byte position, anywhere.
    fn anywhere(&mut self) -> usize {
        self.rng.below(self.bytes.len() + 1)
    }

    /// A position where inserted content lands inside the document's structure: after a tag
    /// (markup), at the start of a line (text), inside a string value (JSON).
    fn inside(&mut self) -> usize {
        let wanted: &[u8] = match self.syntax {
            Syntax::Xml | Syntax::Html => b">",
            Syntax::Json => b"\": \"",
            Syntax::Text | Syntax::Markdown => b"\n",
        };
        let spots = find_all(&self.bytes, wanted);
        if spots.is_empty() {
            return self.anywhere();
        }
        // Skip the first few tags of a page or feed: those are the head.
        let skip = spots.len() / 4;
        let at = spots[skip + self.rng.below(spots.len() - skip)];
        at + wanted.len()
    }

    /// Where an entry's text begins: after `<description>`, `<summary ...>`,
    /// `<content:encoded>`, `<content ...>`, a page's `<p>` or a JSON `content_html` or
    /// `summary`; else `inside`. A CDATA opener there is stepped over.
    fn in_entry_text(&mut self) -> usize {
        let mut spots = Vec::new();
        for open in [
            &b"<description"[..],
            b"<summary",
            b"<content",
            b"<p>",
            b"\"content_html\": \"",
            b"\"summary\": \"",
        ] {
            for at in find_all(&self.bytes, open) {
                let mut end = if open.ends_with(b"\"") {
                    at + open.len()
                } else {
                    match self.bytes[at..].iter().position(|&b| b == b'>') {
                        Some(gt) => at + gt + 1,
                        None => continue,
                    }
                };
                if self.bytes[end..].starts_with(b"<![CDATA[") {
                    end += 9;
                }
                spots.push(end);
            }
        }
        if spots.is_empty() {
            self.inside()
        } else {
            *self.rng.pick(&spots)
        }
    }

    fn byte_flip(&mut self) {
        if self.bytes.is_empty() {
            self.bytes.push(self.rng.next_u64() as u8);
            return;
        }
        let n = 1 + self.rng.below(32);
        for _ in 0..n {
            let i = self.rng.below(self.bytes.len());
            if self.rng.one_in(2) {
                self.bytes[i] = self.rng.next_u64() as u8;
            } else {
                self.bytes[i] ^= 1 << self.rng.below(8);
            }
        }
        self.note(format!("{n} bytes changed"));
    }

    fn truncate(&mut self) {
        let at = self.anywhere();
        self.bytes.truncate(at);
        self.note(format!("cut at byte {at}"));
    }

    fn insert_fragments(&mut self) {
        let n = 1 + self.rng.below(8);
        for _ in 0..n {
            let fragment = if self.rng.one_in(40) {
                ENTITY_BOMB
            } else {
                self.rng.pick(FRAGMENTS)
            };
            let at = if self.rng.one_in(2) {
                self.inside()
            } else {
                self.anywhere()
            };
            self.insert(at, fragment.as_bytes());
        }
        self.note(format!("{n} fragments inserted"));
    }

    fn duplicate(&mut self) {
        if self.bytes.is_empty() {
            return;
        }
        let start = self.rng.below(self.bytes.len());
        let len = 1 + self.rng.below((self.bytes.len() - start).min(512));
        let times = self.size(self.sizes.repeat);
        let slice = self.bytes[start..start + len].to_vec();
        let repeated = slice.repeat(times);
        self.insert(start + len, &repeated);
        self.note(format!("{len} bytes at {start} repeated {times} times"));
    }

    fn nest(&mut self) {
        let depth = self.size(self.sizes.depth);
        // (opener, closer); an empty closer leaves the elements open.
        let shapes: &[(&str, &str)] = match self.syntax {
            Syntax::Xml => &[
                ("<x>", "</x>"),
                ("<div>", "</div>"),
                ("<x:y xmlns:x=\"u\">", "</x:y>"),
                ("<item>", "</item>"),
                ("<x>", ""),
            ],
            Syntax::Html => &[
                ("<span>", "</span>"),
                ("<div>", "</div>"),
                ("<x>", "</x>"),
                ("<blockquote>", "</blockquote>"),
                ("<div>", ""),
                ("<b><i>", ""),
                ("<table><tr><td>", ""),
                ("<ul><li>", ""),
                ("<p><span>", ""),
            ],
            Syntax::Json => &[("<div>", "</div>"), ("<span>", ""), ("[", "]")],
            Syntax::Text => &[
                ("\u{201c}", "\u{201d}"),
                ("\u{2018}", "\u{2019}"),
                ("\u{ab}", "\u{bb}"),
                ("\"", "\""),
                ("\u{201c}a \u{2018}b ", ""),
                ("> ", ""),
                ("(", ")"),
            ],
            Syntax::Markdown => &[
                (">", ""),
                ("> ", ""),
                ("- ", ""),
                ("1. ", ""),
                ("*", "*"),
                ("[", "](x)"),
                ("<div>", "</div>"),
                ("<blockquote>", ""),
            ],
        };
        let (open, close) = *self.rng.pick(shapes);
        let mut s = open.repeat(depth);
        s.push_str("The deepest text is still text.");
        s.push_str(&close.repeat(depth));
        let at = match self.syntax {
            Syntax::Json => self.in_entry_text(),
            _ => self.inside(),
        };
        self.insert(at, s.as_bytes());
        self.note(format!("{depth} deep of {open:?}{close:?} at {at}"));
    }

    fn escaped_nest(&mut self) {
        let depth = self.size(self.sizes.depth);
        let shapes: &[(&str, &str, &str, &str)] = &[
            ("", "&lt;b&gt;", "&lt;/b&gt;", ""),
            ("", "&lt;div&gt;", "", ""),
            ("", "&amp;lt;b&amp;gt;", "", ""),
            ("<![CDATA[", "<div>", "</div>", "]]>"),
            ("<![CDATA[", "<span>", "", "]]>"),
            ("", "&lt;blockquote&gt;", "&lt;/blockquote&gt;", ""),
        ];
        let (pre, open, close, post) = *self.rng.pick(shapes);
        let mut s = pre.to_string();
        s.push_str(&open.repeat(depth));
        s.push_str("Escaped depth is depth too.");
        s.push_str(&close.repeat(depth));
        s.push_str(post);
        let at = self.in_entry_text();
        self.insert(at, s.as_bytes());
        self.note(format!("{depth} deep of {open:?} at {at}"));
    }

    fn utf16(&mut self) {
        let text = String::from_utf8_lossy(&self.bytes).into_owned();
        let text = if self.rng.one_in(5) {
            // Say so, but with no BOM to tell the byte order.
            let t = text.replacen("encoding=\"UTF-8\"", "encoding=\"UTF-16\"", 1);
            t.replacen("encoding=\"utf-8\"", "encoding=\"utf-16\"", 1)
        } else {
            text
        };
        let le = self.rng.one_in(2);
        let bom = self.rng.one_in(2);
        let mut out = Vec::with_capacity(text.len() * 2 + 2);
        if bom {
            out.extend_from_slice(if le { b"\xff\xfe" } else { b"\xfe\xff" });
        }
        for unit in text.encode_utf16() {
            out.extend_from_slice(&if le {
                unit.to_le_bytes()
            } else {
                unit.to_be_bytes()
            });
        }
        if self.rng.one_in(6) && !out.is_empty() {
            // An odd number of bytes: half a code unit at the end.
            out.pop();
        }
        self.bytes = out;
        self.note(format!(
            "UTF-16{}{}",
            if le { "LE" } else { "BE" },
            if bom { " with BOM" } else { " without BOM" }
        ));
    }

    fn charset(&mut self) {
        let label = *self.rng.pick(CHARSETS);
        match (self.rng.below(3), self.syntax) {
            (0, _) | (_, Syntax::Json | Syntax::Text | Syntax::Markdown) => {
                self.header_charset = Some(label);
                self.note(format!("HTTP charset {label:?}"));
            }
            (_, Syntax::Xml) => {
                let decl = format!("<?xml version=\"1.0\" encoding=\"{label}\"?>");
                if self.bytes.starts_with(b"<?xml") {
                    let end = find_all(&self.bytes, b"?>").first().map_or(0, |e| e + 2);
                    self.bytes.splice(..end, decl.bytes());
                } else {
                    self.insert(0, decl.as_bytes());
                }
                self.note(format!("XML declaration says {label:?}"));
            }
            (_, Syntax::Html) => {
                let meta = format!("<meta charset=\"{label}\">");
                let at = find_all(&self.bytes, b"<head>")
                    .first()
                    .map_or(0, |h| h + 6);
                self.insert(at, meta.as_bytes());
                self.note(format!("<meta charset={label:?}>"));
            }
        }
    }

    fn invalid_utf8(&mut self) {
        let n = 1 + self.rng.below(16);
        for _ in 0..n {
            let seq = *self.rng.pick(INVALID_UTF8);
            let at = self.anywhere();
            self.insert(at, seq);
        }
        self.note(format!("{n} invalid sequences"));
    }

    fn windows_1252(&mut self) {
        if self.rng.one_in(3) {
            // The whole text in windows-1252, still declared (if at all) as UTF-8.
            let text = String::from_utf8_lossy(&self.bytes).into_owned();
            let (out, _, _) = encoding_rs::WINDOWS_1252.encode(&text);
            self.bytes = out.into_owned();
            self.note("re-encoded as windows-1252".to_string());
            return;
        }
        let n = 1 + self.rng.below(32);
        for _ in 0..n {
            let b = *self.rng.pick(&[
                0x91u8, 0x92, 0x93, 0x94, 0x85, 0x96, 0x97, 0x80, 0x9f, 0xe9, 0xa0,
            ]);
            let at = self.anywhere();
            self.insert(at, &[b]);
        }
        self.note(format!("{n} windows-1252 bytes"));
    }

    fn nul(&mut self) {
        match self.rng.below(3) {
            0 => {
                let n = 1 + self.rng.below(16);
                for _ in 0..n {
                    let at = self.anywhere();
                    self.insert(at, b"\0");
                }
                self.note(format!("{n} NUL bytes"));
            }
            1 => {
                let n = self.rng.size(1, 4096);
                let at = self.inside();
                self.insert(at, &vec![0; n]);
                self.note(format!("{n} NUL bytes at {at}"));
            }
            _ => {
                for b in self.bytes.iter_mut().filter(|b| **b == b' ') {
                    *b = 0;
                }
                self.note("every space a NUL".to_string());
            }
        }
    }

    /// Where to put an attribute: right after the name of a random start tag.
    fn tag_name_end(&mut self) -> Option<usize> {
        let starts: Vec<usize> = find_all(&self.bytes, b"<")
            .into_iter()
            .filter(|&i| self.bytes.get(i + 1).is_some_and(u8::is_ascii_alphabetic))
            .collect();
        if starts.is_empty() {
            return None;
        }
        let skip = starts.len() / 4;
        let at = starts[skip + self.rng.below(starts.len() - skip)] + 1;
        let name = self.bytes[at..]
            .iter()
            .position(|b| !(b.is_ascii_alphanumeric() || *b == b':' || *b == b'-'))
            .unwrap_or(self.bytes.len() - at);
        Some(at + name)
    }

    /// Puts ` ATTRS` on a start tag (markup), or a whole element carrying them (text, JSON).
    fn put_attributes(&mut self, attrs: &str) {
        match (self.syntax, self.tag_name_end()) {
            (Syntax::Xml | Syntax::Html, Some(at)) => {
                self.insert(at, attrs.as_bytes());
            }
            _ => {
                let element = format!("<span{attrs}>attributed</span>");
                let at = if self.syntax == Syntax::Json {
                    self.in_entry_text()
                } else {
                    self.inside()
                };
                self.insert(at, element.as_bytes());
            }
        }
    }

    fn giant_attribute(&mut self) {
        let n = self.size(self.sizes.attribute);
        let unit = *self
            .rng
            .pick(&["a", "&amp;", "x y ", "\u{201c}", "&#x41;", "%20"]);
        let value = unit.repeat(n / unit.len() + 1);
        let attrs = format!(" data-q=\"{value}\"");
        self.put_attributes(&attrs);
        self.note(format!(
            "one attribute of {} bytes of {unit:?}",
            value.len()
        ));
    }

    fn many_attributes(&mut self) {
        let n = self.size(self.sizes.attributes);
        let same = self.rng.one_in(3);
        let mut attrs = String::with_capacity(n * 10);
        for i in 0..n {
            if same {
                attrs.push_str(" a=\"1\"");
            } else {
                attrs.push_str(&format!(" a{i}=\"{i}\""));
            }
        }
        self.put_attributes(&attrs);
        self.note(format!(
            "{n} attributes{}",
            if same { ", all named a" } else { "" }
        ));
    }

    fn long_line(&mut self) {
        let n = self.size(self.sizes.line);
        let unit = *self.rng.pick(&[
            "word ",
            "x",
            "\u{201c}said\u{201d} he ",
            "&amp;",
            "Mr. A. B. said. ",
            "\u{e9}",
            "- ",
        ]);
        let line = unit.repeat(n / unit.len() + 1);
        if self.rng.one_in(4) {
            // The whole document on one line, then the filler.
            for b in self
                .bytes
                .iter_mut()
                .filter(|b| **b == b'\n' || **b == b'\r')
            {
                *b = b' ';
            }
        }
        let at = match self.syntax {
            Syntax::Json | Syntax::Xml => self.in_entry_text(),
            _ => self.inside(),
        };
        self.insert(at, line.as_bytes());
        self.note(format!(
            "a line of {} bytes of {unit:?} at {at}",
            line.len()
        ));
    }

    /// The document's repeating unit, as a byte range: an item or entry, a page's
    /// paragraph, a text's paragraph with the blank line after it.
    fn unit(&mut self) -> Option<(usize, usize)> {
        let pairs: &[(&[u8], &[u8])] = match self.syntax {
            Syntax::Xml => &[(b"<item", b"</item>"), (b"<entry", b"</entry>")],
            Syntax::Html => &[(b"<p", b"</p>"), (b"<li", b"</li>")],
            Syntax::Text | Syntax::Markdown => {
                let breaks = find_all(&self.bytes, b"\n\n");
                if breaks.len() < 2 {
                    return None;
                }
                let i = self.rng.below(breaks.len() - 1);
                return Some((breaks[i] + 2, breaks[i + 1] + 2));
            }
            Syntax::Json => return None,
        };
        for (open, close) in pairs {
            let starts: Vec<usize> = find_all(&self.bytes, open)
                .into_iter()
                .filter(|&s| {
                    matches!(
                        self.bytes.get(s + open.len()),
                        Some(b'>' | b' ' | b'\n' | b'\t' | b'\r')
                    )
                })
                .collect();
            if starts.is_empty() {
                continue;
            }
            let start = *self.rng.pick(&starts);
            if let Some(len) = find_all(&self.bytes[start..], close).first() {
                return Some((start, start + len + close.len()));
            }
        }
        None
    }

    fn many_entries(&mut self) {
        let n = self.size(self.sizes.entries);
        if self.syntax == Syntax::Json {
            if let Ok(mut doc) = serde_json::from_slice::<serde_json::Value>(&self.bytes) {
                if let Some(items) = doc.get_mut("items").and_then(|v| v.as_array_mut()) {
                    if let Some(first) = items.first().cloned() {
                        items.extend(std::iter::repeat_n(first, n));
                        if let Ok(out) = serde_json::to_vec(&doc) {
                            self.bytes = out;
                            self.note(format!("the first item repeated {n} times"));
                            return;
                        }
                    }
                }
            }
        }
        match self.unit() {
            Some((start, end)) => {
                let repeated = self.bytes[start..end].repeat(n);
                self.insert(end, &repeated);
                self.note(format!("bytes {start}..{end} repeated {n} times"));
            }
            None => {
                let para = format!("{QUOTE_PARAGRAPH}\n\n").repeat(n);
                let at = self.inside();
                self.insert(at, para.as_bytes());
                self.note(format!("no unit found: {n} quote paragraphs at {at}"));
            }
        }
    }

    fn quote_paragraphs(&mut self) {
        let n = self.size(self.sizes.paragraphs);
        let para = match self.syntax {
            Syntax::Xml => format!("&lt;p&gt;{QUOTE_PARAGRAPH}&lt;/p&gt;"),
            Syntax::Html => format!("<p>{QUOTE_PARAGRAPH}</p>\n"),
            Syntax::Json => format!("<p>{QUOTE_PARAGRAPH}</p>"),
            Syntax::Markdown => format!("> {QUOTE_PARAGRAPH}\n\n"),
            Syntax::Text => format!("{QUOTE_PARAGRAPH}\n\n"),
        };
        let at = match self.syntax {
            Syntax::Xml | Syntax::Json => self.in_entry_text(),
            _ => self.inside(),
        };
        self.insert(at, para.repeat(n).as_bytes());
        self.note(format!("{n} identical quote paragraphs at {at}"));
    }

    fn crossover(&mut self, seeds: &[Seed]) {
        let other = &self.rng.pick(seeds).bytes;
        if other.is_empty() {
            return;
        }
        let start = self.rng.below(other.len());
        let len = 1 + self.rng.below((other.len() - start).min(4096));
        let piece = other[start..start + len].to_vec();
        let at = self.anywhere();
        self.insert(at, &piece);
        self.note(format!("{len} bytes of another fixture at {at}"));
    }
}

/// Every position where `needle` starts in `hay`.
pub fn find_all(hay: &[u8], needle: &[u8]) -> Vec<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return Vec::new();
    }
    hay.windows(needle.len())
        .enumerate()
        .filter(|(_, w)| *w == needle)
        .map(|(i, _)| i)
        .collect()
}
