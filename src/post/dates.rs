//! Dates as posts write them: day headings ("December 27th", "Monday, December 30", "Jan 2",
//! "27 December 2019", "2019-12-27"), the range in a title ("December 27th to January 2nd",
//! "November 8th to 14th") and front matter values ("2020-01-03", "2020-01-03T10:00:00Z").
//!
//! Parsing is by month names and ordinals only; every date is built and compared with chrono.
//! Resolving a yearless date picks a year (see `resolve_range`, `resolve_day`). This file does
//! not decide whether a heading is wrong: the post's "January 27th" for a 27 December event
//! resolves to January, and `verify` compares it with the source.

use chrono::{Datelike, NaiveDate};

/// A date as written, perhaps without a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct MonthDay {
    pub month: u32,
    pub day: u32,
    pub year: Option<i32>,
}

pub(crate) const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

pub(crate) const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

const RANGE_WORDS: [&str; 8] = ["to", "-", "through", "thru", "until", "till", "and", "&"];

/// A line of more words or bytes than this is not a date or a date range ("Wednesday,
/// December 25th, 2019 to Thursday, January 2nd, 2020" has ten words, 62 bytes): such lines
/// are not cut into tokens at all, so that asking whether a long paragraph is a date costs
/// nothing.
const MAX_DATE_WORDS: usize = 16;
const MAX_DATE_BYTES: usize = 256;

fn too_long(text: &str) -> bool {
    text.len() > MAX_DATE_BYTES || text.split_whitespace().nth(MAX_DATE_WORDS).is_some()
}

/// Words of a date line: split on whitespace and commas, trailing `.` and `:` removed, lower
/// case. Dashes become words of their own.
fn tokens(text: &str) -> Vec<String> {
    let spaced = text.replace(['–', '—'], " - ");
    spaced
        .split(|c: char| c.is_whitespace() || c == ',')
        .map(|w| {
            w.trim_matches(|c: char| matches!(c, '.' | ':' | '*' | '_' | '(' | ')'))
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

fn month(word: &str) -> Option<u32> {
    if word.len() < 3 {
        return None;
    }
    let m = MONTHS
        .iter()
        .position(|m| *m == word || (m.starts_with(word) && (word.len() == 3 || word == "sept")))?;
    u32::try_from(m + 1).ok()
}

fn weekday(word: &str) -> bool {
    word.len() >= 3
        && WEEKDAYS
            .iter()
            .any(|d| *d == word || (d.starts_with(word) && word.len() <= 4))
}

fn day(word: &str) -> Option<u32> {
    let digits = word
        .strip_suffix("st")
        .or_else(|| word.strip_suffix("nd"))
        .or_else(|| word.strip_suffix("rd"))
        .or_else(|| word.strip_suffix("th"))
        .unwrap_or(word);
    if digits.is_empty() || digits.len() > 2 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok().filter(|d| (1..=31).contains(d))
}

fn year(word: &str) -> Option<i32> {
    if word.len() == 4 && word.bytes().all(|b| b.is_ascii_digit()) {
        word.parse().ok()
    } else {
        None
    }
}

/// Whether the month and day exist in some year (29 February does, in leap years).
fn valid(md: MonthDay) -> bool {
    NaiveDate::from_ymd_opt(md.year.unwrap_or(2000), md.month, md.day).is_some()
}

/// One date at `toks[i..]`: returns it and the number of words used.
fn date_at(toks: &[String], i: usize, month_hint: Option<u32>) -> Option<(MonthDay, usize)> {
    let w = |k: usize| toks.get(i + k).map(String::as_str);
    if let Some(d) = w(0).and_then(iso) {
        let md = MonthDay {
            month: d.month(),
            day: d.day(),
            year: Some(d.year()),
        };
        return Some((md, 1));
    }
    let (md, used) = if let (Some(m), Some(d)) = (w(0).and_then(month), w(1).and_then(day)) {
        (
            MonthDay {
                month: m,
                day: d,
                year: None,
            },
            2,
        )
    } else if let Some(d) = w(0).and_then(day) {
        match (w(1), w(2)) {
            (Some("of"), Some(m)) if month(m).is_some() => {
                let month = month(m)?;
                (
                    MonthDay {
                        month,
                        day: d,
                        year: None,
                    },
                    3,
                )
            }
            (Some(m), _) if month(m).is_some() => {
                let month = month(m)?;
                (
                    MonthDay {
                        month,
                        day: d,
                        year: None,
                    },
                    2,
                )
            }
            _ => (
                MonthDay {
                    month: month_hint?,
                    day: d,
                    year: None,
                },
                1,
            ),
        }
    } else {
        return None;
    };
    let (md, used) = match w(used).and_then(year) {
        Some(y) => (
            MonthDay {
                year: Some(y),
                ..md
            },
            used + 1,
        ),
        None => (md, used),
    };
    valid(md).then_some((md, used))
}

/// `2019-12-27`, alone or at the start of a timestamp.
fn iso(word: &str) -> Option<NaiveDate> {
    let head = word.get(..10)?;
    NaiveDate::parse_from_str(head, "%Y-%m-%d").ok()
}

/// A front matter or metadata date value: `2020-01-03`, `"2020-01-03 10:00"`,
/// `2020-01-03T10:00:00+03:00` (the date as written, not converted to UTC), or words such as
/// `January 3, 2020`.
pub(super) fn value(text: &str) -> Option<NaiveDate> {
    let t = text.trim().trim_matches(|c| c == '"' || c == '\'').trim();
    if let Some(d) = iso(t) {
        return Some(d);
    }
    let md = day_only(t)?;
    NaiveDate::from_ymd_opt(md.year?, md.month, md.day)
}

/// The date when `line` is only a date (an optional weekday, then the date).
pub(super) fn day_only(line: &str) -> Option<MonthDay> {
    if too_long(line) {
        return None;
    }
    let toks = tokens(line);
    let start = usize::from(toks.first().is_some_and(|w| weekday(w)));
    let (md, used) = date_at(&toks, start, None)?;
    (start + used == toks.len()).then_some(md)
}

/// A date range anywhere in the first kilobyte of `text` (a title): "December 27th to January
/// 2nd", "Nov 8 - 14, 2019".
pub(super) fn range_in(text: &str) -> Option<(MonthDay, MonthDay)> {
    let mut end = text.len().min(1024);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let toks = tokens(text.get(..end).unwrap_or(""));
    (0..toks.len()).find_map(|i| range_at(&toks, i).map(|(a, b, _)| (a, b)))
}

fn range_at(toks: &[String], i: usize) -> Option<(MonthDay, MonthDay, usize)> {
    let (from, used) = date_at(toks, i, None)?;
    let sep = toks.get(i + used)?;
    if !RANGE_WORDS.contains(&sep.as_str()) {
        return None;
    }
    let j = i + used + 1;
    let j = j + usize::from(toks.get(j).is_some_and(|w| weekday(w)));
    let (to, used2) = date_at(toks, j, Some(from.month))?;
    // "Nov 8 to 14, 2019": a year after the end date alone covers both.
    let from = match (from.year, to.year) {
        (None, Some(y)) if (from.month, from.day) <= (to.month, to.day) => MonthDay {
            year: Some(y),
            ..from
        },
        (None, Some(y)) => MonthDay {
            year: Some(y - 1),
            ..from
        },
        _ => from,
    };
    Some((from, to, j + used2))
}

/// Whether a paragraph is only a date or a date range (a list of earlier posts: "November 29th
/// to December 5th"), which is not a passage.
pub(super) fn is_date_line(text: &str) -> bool {
    if too_long(text) {
        return false;
    }
    if day_only(text).is_some() {
        return true;
    }
    let toks = tokens(text);
    let start = usize::from(toks.first().is_some_and(|w| weekday(w)));
    range_at(&toks, start).is_some_and(|(_, _, end)| end == toks.len())
}

/// Years for a title's range. Years written are used; otherwise the most recent range that
/// starts on or before `reference` (the post date, or today). A range that crosses New Year
/// ("December 27th to January 2nd") ends in the year after it starts.
pub(super) fn resolve_range(
    from: MonthDay,
    to: MonthDay,
    reference: NaiveDate,
) -> Option<(NaiveDate, NaiveDate)> {
    let crosses = (from.month, from.day) > (to.month, to.day);
    let build = |end_year: i32| {
        let end_year = to.year.unwrap_or(end_year);
        let start_year = from.year.unwrap_or(end_year - i32::from(crosses));
        let a = NaiveDate::from_ymd_opt(start_year, from.month, from.day)?;
        let b = NaiveDate::from_ymd_opt(end_year, to.month, to.day)?;
        (a <= b).then_some((a, b))
    };
    if let Some(y) = to.year {
        return build(y);
    }
    if let Some(y) = from.year {
        return build(y + i32::from(crosses));
    }
    let top = reference.year().checked_add(1)?;
    (0..9)
        .filter_map(|back| build(top - back))
        .find(|(a, _)| *a <= reference)
}

/// The full date of a day heading. With a range, the candidate year nearest to the range (0
/// inside it): "January 27th" under "December 27th to January 2nd" 2019/20 is 27 January 2020.
/// Without one, the candidate nearest to the post date. Ties go to the earlier date.
pub(super) fn resolve_day(
    md: MonthDay,
    range: Option<(NaiveDate, NaiveDate)>,
    post_date: Option<NaiveDate>,
) -> Option<NaiveDate> {
    if let Some(y) = md.year {
        return NaiveDate::from_ymd_opt(y, md.month, md.day);
    }
    let (lo, hi) = range.or_else(|| post_date.map(|d| (d, d)))?;
    let distance = |d: NaiveDate| {
        if d < lo {
            (lo - d).num_days()
        } else if d > hi {
            (d - hi).num_days()
        } else {
            0
        }
    };
    (lo.year() - 1..=hi.year() + 1)
        .filter_map(|y| NaiveDate::from_ymd_opt(y, md.month, md.day))
        .min_by_key(|d| (distance(*d), *d))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn md(month: u32, day: u32) -> MonthDay {
        MonthDay {
            month,
            day,
            year: None,
        }
    }

    #[test]
    fn day_headings() {
        assert_eq!(day_only("December 27th"), Some(md(12, 27)));
        assert_eq!(day_only("Monday, December 30"), Some(md(12, 30)));
        assert_eq!(day_only("Jan 2"), Some(md(1, 2)));
        assert_eq!(day_only("Jan. 2:"), Some(md(1, 2)));
        assert_eq!(day_only("27th of December"), Some(md(12, 27)));
        assert_eq!(
            day_only("27 December 2019"),
            Some(MonthDay {
                year: Some(2019),
                ..md(12, 27)
            })
        );
        assert_eq!(day_only("2019-12-27").map(|m| m.year), Some(Some(2019)));
        assert_eq!(day_only("**January 1st**"), Some(md(1, 1)));
        for not in [
            "December",
            "December 32nd",
            "February 30",
            "Take care.",
            "December 27th to January 2nd",
            "May the 4th",
            "On December 27th protesters",
            "",
        ] {
            assert_eq!(day_only(not), None, "{not}");
        }
    }

    #[test]
    fn title_ranges() {
        let (a, b) = range_in("Iraq Weekly Update: December 27th to January 2nd").unwrap();
        assert_eq!((a, b), (md(12, 27), md(1, 2)));
        assert_eq!(
            range_in("November 1 to \u{a0}7th"),
            Some((md(11, 1), md(11, 7)))
        );
        assert_eq!(range_in("Nov 8–14"), Some((md(11, 8), md(11, 14))));
        assert_eq!(range_in("Iraq Weekly Update"), None);
        assert!(is_date_line("November 29th to December 5th"));
        assert!(!is_date_line(
            "Protests from November 29th to December 5th grew"
        ));
        assert!(is_date_line(
            "Monday, December 30th, 2019 to Friday, January 3rd, 2020"
        ));
        let long = "December 27th ".repeat(10_000);
        assert!(!is_date_line(&long));
        assert_eq!(day_only(&long), None);
    }

    #[test]
    fn range_years() {
        let (a, b) = (md(12, 27), md(1, 2));
        assert_eq!(
            resolve_range(a, b, d(2020, 1, 3)),
            Some((d(2019, 12, 27), d(2020, 1, 2)))
        );
        // Written during the week.
        assert_eq!(
            resolve_range(a, b, d(2019, 12, 30)),
            Some((d(2019, 12, 27), d(2020, 1, 2)))
        );
        // No date at all: the most recent such range not after today.
        assert_eq!(
            resolve_range(a, b, d(2026, 12, 3)),
            Some((d(2025, 12, 27), d(2026, 1, 2)))
        );
        let with_year = MonthDay {
            year: Some(2020),
            ..b
        };
        assert_eq!(
            resolve_range(a, with_year, d(2026, 12, 3)),
            Some((d(2019, 12, 27), d(2020, 1, 2)))
        );
    }

    #[test]
    fn day_years() {
        let range = Some((d(2019, 12, 27), d(2020, 1, 2)));
        assert_eq!(resolve_day(md(1, 27), range, None), Some(d(2020, 1, 27)));
        assert_eq!(resolve_day(md(12, 31), range, None), Some(d(2019, 12, 31)));
        assert_eq!(resolve_day(md(1, 1), range, None), Some(d(2020, 1, 1)));
        assert_eq!(
            resolve_day(md(12, 30), None, Some(d(2020, 1, 3))),
            Some(d(2019, 12, 30))
        );
        assert_eq!(resolve_day(md(12, 30), None, None), None);
        assert_eq!(
            resolve_day(md(2, 29), None, Some(d(2021, 3, 1))),
            Some(d(2020, 2, 29))
        );
    }

    #[test]
    fn values() {
        assert_eq!(value("2020-01-03"), Some(d(2020, 1, 3)));
        assert_eq!(value("\"2020-01-03T10:00:00+03:00\""), Some(d(2020, 1, 3)));
        assert_eq!(value("January 3, 2020"), Some(d(2020, 1, 3)));
        assert_eq!(value("soon"), None);
        assert_eq!(value("2020-1é"), None);
    }
}
