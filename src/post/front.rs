//! Front matter at the top of a post: YAML between `---` lines or TOML between `+++` lines,
//! as static site generators (Jekyll, Hugo, Zola) write it.
//!
//! Only `title` and `date` (or `published`) are read, line by line, so that a front matter
//! block this module does not fully understand still gives its date. It is not a YAML or TOML
//! parser and does not report errors: a malformed value is ignored.

use chrono::NaiveDate;

#[derive(Debug, Default, PartialEq)]
pub(super) struct FrontMatter {
    pub title: Option<String>,
    pub date: Option<NaiveDate>,
    /// Byte offset of the first line after the closing delimiter.
    pub body: usize,
}

/// The front matter at the very start of `text` (after a BOM), if it is closed.
pub(super) fn split(text: &str) -> Option<FrontMatter> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let rest = text.get(start..)?;
    let first = rest.lines().next()?.trim_end();
    let (delim, sep) = match first {
        "---" => ("---", ':'),
        "+++" => ("+++", '='),
        _ => return None,
    };
    let mut offset = start + rest.find('\n')? + 1;
    let mut front = FrontMatter::default();
    loop {
        let tail = text.get(offset..)?;
        let line_len = tail.find('\n').map_or(tail.len(), |n| n + 1);
        let line = tail.get(..line_len)?.trim_end();
        offset += line_len;
        if line == delim || (delim == "---" && line == "...") {
            front.body = offset;
            return Some(front);
        }
        if line_len == 0 {
            return None;
        }
        let Some((key, value)) = line.split_once(sep) else {
            continue;
        };
        let value = unquote(value.trim());
        match key.trim().to_ascii_lowercase().as_str() {
            "title" if !value.is_empty() => front.title = Some(value.to_string()),
            "date" | "published" | "pubdate" if front.date.is_none() => {
                front.date = super::dates::value(value);
            }
            _ => {}
        }
    }
}

fn unquote(v: &str) -> &str {
    for q in ['"', '\''] {
        if let Some(inner) = v.strip_prefix(q).and_then(|v| v.strip_suffix(q)) {
            return inner;
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_and_toml() {
        let y = split("---\ntitle: \"A: b\"\ndate: 2020-01-03\n---\nbody").unwrap();
        assert_eq!(y.title.as_deref(), Some("A: b"));
        assert_eq!(y.date, NaiveDate::from_ymd_opt(2020, 1, 3));
        assert_eq!(
            y.body,
            "---\ntitle: \"A: b\"\ndate: 2020-01-03\n---\n".len()
        );
        let t = split("+++\r\ntitle = 'T'\r\ndate = 2020-01-03T10:00:00Z\r\n+++\r\n").unwrap();
        assert_eq!(t.title.as_deref(), Some("T"));
        assert_eq!(t.date, NaiveDate::from_ymd_opt(2020, 1, 3));
    }

    #[test]
    fn not_front_matter() {
        assert_eq!(split(""), None);
        assert_eq!(split("---\nunclosed: yes\n"), None);
        assert_eq!(split("text\n---\n"), None);
        assert_eq!(split("---"), None);
        assert!(split("\u{feff}---\ndate: bad\n---").is_some());
    }
}
