//! The post's words above the source's, each with its differences marked: in colour on a
//! terminal, else in brackets (`{+added+}` on the post's line, `[-dropped-]` on the source's,
//! `[changed]` on both), white space collapsed, wrapped to a width or printed whole.
//!
//! Not for: deciding what differs (`verify::find` does, giving byte ranges on each side) or the
//! rest of the report (`report`).

use anstyle::{AnsiColor, Effects, Style};
pub use quotewire::verify::sides::{pieces, Diff, Mark, Side};

/// The brackets of a mark without colour.
fn brackets(mark: Mark) -> (&'static str, &'static str) {
    match mark {
        Mark::Same => ("", ""),
        Mark::Added => ("{+", "+}"),
        Mark::Dropped => ("[-", "-]"),
        Mark::Changed => ("[", "]"),
    }
}

/// The style of a mark in colour: what the post has that differs in red, what the source has
/// in green; added and dropped words underlined too.
fn style(mark: Mark, side: Side) -> Style {
    let color = |c: AnsiColor| Style::new().fg_color(Some(c.into()));
    let side_color = match side {
        Side::Post => AnsiColor::Red,
        Side::Source => AnsiColor::Green,
    };
    match mark {
        Mark::Same => Style::new(),
        Mark::Changed => color(side_color).effects(Effects::BOLD),
        Mark::Added | Mark::Dropped => {
            color(side_color).effects(Effects::BOLD | Effects::UNDERLINE)
        }
    }
}

/// The pieces as lines: white space collapsed to single spaces (a marked piece's edge spaces
/// stand outside its marks), marks as brackets or colours, and, given a `width`, words wrapped
/// so no line passes it after an `indent` of spaces (the first line's indent is the caller's).
pub fn render(
    pieces: &[(&str, Mark)],
    side: Side,
    color: bool,
    width: Option<usize>,
    indent: usize,
) -> Vec<String> {
    // Words, each a list of (text, mark) parts: a word may change mark inside ("likley,").
    let mut words: Vec<Vec<(String, Mark)>> = Vec::new();
    let mut space = true;
    for &(text, mark) in pieces {
        if text.is_empty() {
            continue;
        }
        let mut parts = text.split_whitespace().peekable();
        if text.starts_with(char::is_whitespace) {
            space = true;
        }
        let mut first = true;
        while let Some(part) = parts.next() {
            // Within one marked piece the words stay one run: its brackets open on the first
            // word and close on the last.
            let (open, close) = brackets(mark);
            let open = if first && !color { open } else { "" };
            let close = if parts.peek().is_none() && !color {
                close
            } else {
                ""
            };
            let part = (format!("{open}{part}{close}"), mark);
            match words.last_mut() {
                Some(word) if !space && first => word.push(part),
                _ => words.push(vec![part]),
            }
            first = false;
        }
        space = text.ends_with(char::is_whitespace);
    }
    let paint = |parts: &[(String, Mark)]| -> String {
        parts
            .iter()
            .map(|(s, mark)| {
                let st = style(*mark, side);
                if color && *mark != Mark::Same {
                    format!("{}{s}{}", st.render(), st.render_reset())
                } else {
                    s.clone()
                }
            })
            .collect()
    };
    let len = |parts: &[(String, Mark)]| parts.iter().map(|(s, _)| s.chars().count()).sum();
    let room = width.map(|w| w.saturating_sub(indent).max(20));
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0usize;
    for word in &words {
        let n: usize = len(word);
        if used > 0 && room.is_some_and(|room| used + 1 + n > room) {
            lines.push(std::mem::take(&mut line));
            used = 0;
        }
        if used > 0 {
            line.push(' ');
            used += 1;
        } else if !lines.is_empty() {
            line.push_str(&" ".repeat(indent));
        }
        line.push_str(&paint(word));
        used += n;
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// A difference with no place on either line, in one bracket: `[post→source]`, `{+added+}`
/// or `[-dropped-]`.
pub fn inline(kind: &str, post: Option<&str>, source: Option<&str>) -> String {
    let flat = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    match (kind, post, source) {
        ("added", Some(p), _) => format!("{{+{}+}}", flat(p)),
        ("dropped", _, Some(s)) => format!("[-{}-]", flat(s)),
        (_, p, s) => format!("[{}→{}]", flat(p.unwrap_or("")), flat(s.unwrap_or(""))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POST: &str = "The rockets hit the base, but there is no word on\n damage done, or how may casualties were inflicted.";
    const SOURCE: &str = "The rockets hit the base, but there is no word on damage done to the base, or how many casualties were inflicted.";

    fn at(text: &str, s: &str) -> (usize, usize) {
        let start = text.find(s).unwrap();
        (start, start + s.len())
    }

    fn diffs() -> Vec<Diff<'static>> {
        let drop_at = POST.find(", or").unwrap();
        vec![
            Diff {
                kind: "dropped",
                post_at: Some((drop_at, drop_at)),
                source_at: Some(at(SOURCE, " to the base")),
            },
            Diff {
                kind: "typo",
                post_at: Some(at(POST, "may")),
                source_at: Some(at(SOURCE, "many")),
            },
        ]
    }

    fn plain(text: &str, side: Side) -> String {
        render(&pieces(text, &diffs(), side), side, false, None, 0).join("\n")
    }

    #[test]
    fn brackets_without_colour() {
        assert_eq!(
            plain(POST, Side::Post),
            "The rockets hit the base, but there is no word on damage done, or how [may] casualties were inflicted."
        );
        assert_eq!(
            plain(SOURCE, Side::Source),
            "The rockets hit the base, but there is no word on damage done [-to the base-], or how [many] casualties were inflicted."
        );
        let added = [Diff {
            kind: "added",
            post_at: Some(at(POST, "no word")),
            source_at: None,
        }];
        let p = pieces(POST, &added, Side::Post);
        assert!(render(&p, Side::Post, false, None, 0)[0].contains("is {+no word+} on"));
    }

    #[test]
    fn colour_has_escapes_and_no_brackets() {
        let p = pieces(SOURCE, &diffs(), Side::Source);
        let line = render(&p, Side::Source, true, None, 0).join("");
        assert!(line.contains("\x1b["), "{line:?}");
        assert!(!line.contains("[-") && !line.contains("[many]"), "{line:?}");
        assert!(line.contains("many"));
    }

    #[test]
    fn bad_ranges_are_left_out() {
        let bad = [
            Diff {
                kind: "changed",
                post_at: Some((3, 400)),
                source_at: None,
            },
            Diff {
                kind: "changed",
                post_at: Some((1, 1)),
                source_at: None,
            },
            Diff {
                kind: "changed",
                post_at: Some((4, 11)),
                source_at: None,
            },
            Diff {
                kind: "changed",
                post_at: Some((6, 9)),
                source_at: None,
            },
        ];
        let p = pieces("The café rockets", &bad, Side::Post);
        // (6, 9) overlaps (4, 11), taken first; 400 is past the end.
        assert_eq!(
            p,
            vec![
                ("The ", Mark::Same),
                ("café r", Mark::Changed),
                ("ockets", Mark::Same)
            ]
        );
        let p = pieces(
            "café",
            &[Diff {
                kind: "changed",
                post_at: Some((0, 4)),
                source_at: None,
            }],
            Side::Post,
        );
        assert_eq!(p, vec![("café", Mark::Same)], "4 is inside é");
    }

    #[test]
    fn long_text_wraps_at_words_or_stays_whole() {
        let text = "word ".repeat(60);
        let p = pieces(&text, &[], Side::Post);
        let whole = render(&p, Side::Post, false, None, 10);
        assert_eq!(whole.len(), 1);
        assert_eq!(whole[0].len(), 60 * 5 - 1);
        let wrapped = render(&p, Side::Post, false, Some(50), 10);
        assert!(wrapped.len() > 5);
        assert!(wrapped[1].starts_with("          word"));
        assert!(wrapped.iter().all(|l| l.trim_start().len() <= 40));
    }

    #[test]
    fn a_difference_with_no_place_in_one_bracket() {
        assert_eq!(inline("changed", Some("Abul"), Some("Abu")), "[Abul→Abu]");
        assert_eq!(inline("added", Some("really"), None), "{+really+}");
        assert_eq!(inline("dropped", None, Some("the\nbase")), "[-the base-]");
    }
}
