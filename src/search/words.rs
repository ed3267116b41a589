//! Words as the passage index and the aligner see them: runs of letters and digits, lower-cased,
//! with apostrophes inside a word dropped (so "Shi’ite" and "Shi'ite" are one word) and every
//! other mark a separator (so curly and straight quotes, dashes and white space never matter).
//! Each word keeps its place in the text, in chars, to report the exact span matched.

use xxhash_rust::xxh3::xxh3_64;

/// One word of a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// Lower case, apostrophes dropped.
    pub norm: String,
    pub hash: u64,
    /// Offsets in chars (Unicode scalar values) into the text.
    pub start: usize,
    pub end: usize,
}

/// `char::is_alphanumeric`, remembering the last answers for non-ASCII chars: outside ASCII
/// the answer is a search in Unicode's tables (two for a mark such as “), and a hostile text
/// repeats a few such chars millions of times.
struct Alnum([(char, bool); 16]);

impl Alnum {
    fn new() -> Alnum {
        Alnum([('\0', false); 16])
    }

    fn is(&mut self, c: char) -> bool {
        if c.is_ascii() {
            return c.is_ascii_alphanumeric();
        }
        let slot = &mut self.0[c as usize & 15];
        if slot.0 != c {
            *slot = (c, c.is_alphanumeric());
        }
        slot.1
    }
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | 'ʼ' | '‘')
}

/// The words of `text`, in order.
pub fn words(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut norm = String::new();
    let mut start = 0;
    let mut chars = text.chars().enumerate().peekable();
    let mut alnum = Alnum::new();
    while let Some((i, c)) = chars.next() {
        if alnum.is(c) {
            if norm.is_empty() {
                start = i;
            }
            norm.extend(c.to_lowercase());
        } else if is_apostrophe(c)
            && !norm.is_empty()
            && chars.peek().is_some_and(|(_, n)| alnum.is(*n))
        {
            // Inside a word: dropped.
        } else if !norm.is_empty() {
            let w = std::mem::take(&mut norm);
            out.push(Word {
                hash: xxh3_64(w.as_bytes()),
                norm: w,
                start,
                end: i,
            });
        }
        if chars.peek().is_none() && !norm.is_empty() {
            let w = std::mem::take(&mut norm);
            out.push(Word {
                hash: xxh3_64(w.as_bytes()),
                norm: w,
                start,
                end: i + 1,
            });
        }
    }
    out
}

/// How many words `text` has, as `words` would cut it, without building them.
pub fn count(text: &str) -> usize {
    ends(text).count()
}

/// The byte offset just past the `n`-th word of `text` (1-based), as `words` would cut it;
/// `None` when the text has fewer words. Where a reader cuts a text to `n` words.
pub fn end_of(text: &str, n: usize) -> Option<usize> {
    n.checked_sub(1).and_then(|k| ends(text).nth(k))
}

/// Whether `text` has a letter or digit (so a word).
pub fn has_word(text: &str) -> bool {
    let mut alnum = Alnum::new();
    text.chars().any(|c| alnum.is(c))
}

/// The byte offset just past each word of `text`, in order.
fn ends(text: &str) -> impl Iterator<Item = usize> + '_ {
    let mut chars = text.char_indices().peekable();
    let mut in_word = false;
    let mut alnum = Alnum::new();
    std::iter::from_fn(move || {
        while let Some((i, c)) = chars.next() {
            if alnum.is(c) {
                in_word = true;
            } else if is_apostrophe(c) && in_word && chars.peek().is_some_and(|(_, n)| alnum.is(*n))
            {
                // Inside a word.
            } else if in_word {
                in_word = false;
                return Some(i);
            }
        }
        if in_word {
            in_word = false;
            return Some(text.len());
        }
        None
    })
}

/// The hashes of `text`'s words, as `words` would give them, without building `Word`s.
pub fn hashes(text: &str) -> Vec<u64> {
    let mut out = Vec::with_capacity(text.len() / 6);
    let mut buf = String::with_capacity(32);
    let mut chars = text.chars().peekable();
    let mut alnum = Alnum::new();
    while let Some(c) = chars.next() {
        if c.is_ascii_alphanumeric() {
            buf.push(c.to_ascii_lowercase());
        } else if alnum.is(c) {
            buf.extend(c.to_lowercase());
        } else if is_apostrophe(c) && !buf.is_empty() && chars.peek().is_some_and(|n| alnum.is(*n))
        {
            // Inside a word: dropped.
        } else if !buf.is_empty() {
            out.push(xxh3_64(buf.as_bytes()));
            buf.clear();
        }
    }
    if !buf.is_empty() {
        out.push(xxh3_64(buf.as_bytes()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_and_apostrophes() {
        let w = words("“Shi’ite militia” — U.S.-backed, 10,000 men'");
        let n: Vec<&str> = w.iter().map(|w| w.norm.as_str()).collect();
        assert_eq!(
            n,
            ["shiite", "militia", "u", "s", "backed", "10", "000", "men"]
        );
        assert_eq!((w[0].start, w[0].end), (1, 8));
        assert_eq!(words("Shi'ite")[0].norm, "shiite");
        assert!(words(" … ").is_empty());
        assert_eq!(words("a")[0].end, 1);
        let text = "“Shi’ite militia” — U.S.-backed, 10,000 ÉLAN men'";
        let slow: Vec<u64> = words(text).iter().map(|w| w.hash).collect();
        assert_eq!(hashes(text), slow);
    }

    #[test]
    fn the_remembered_answers_are_unicode_s() {
        let mut alnum = Alnum::new();
        // Chars that share a slot (equal low bits) and repeat.
        for c in "“Ҕ”é日ߐ本\u{2010}\u{2030}a1 ".chars().cycle().take(500) {
            assert_eq!(alnum.is(c), c.is_alphanumeric(), "{c:?}");
        }
    }

    #[test]
    fn counting_and_cutting_agree_with_words() {
        for text in [
            "“Shi’ite militia” — U.S.-backed, 10,000 ÉLAN men'",
            "",
            " … ",
            "a",
            "one two",
            "it's 'quoted' ’",
        ] {
            let w = words(text);
            assert_eq!(count(text), w.len(), "{text:?}");
            for (k, word) in w.iter().enumerate() {
                let end = end_of(text, k + 1).expect("a word");
                assert_eq!(text[..end].chars().count(), word.end, "{text:?} word {k}");
            }
            assert_eq!(end_of(text, w.len() + 1), None);
        }
        assert_eq!(end_of("a b", 0), None);
    }
}
