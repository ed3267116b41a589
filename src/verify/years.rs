//! The year of a post that does not say it: day headings such as "May 12th" under a title with
//! no year, no front-matter date and no `--date`. The year is the one that puts the matched
//! sources nearest their day headings, so a post about May 2025 checked in December 2026 is
//! read as May 2025, not as 365 days off.
//!
//! This only picks a shift of whole years for the headings the post reader resolved by
//! guessing; it does not read dates (`post::dates`) or judge them (`checks::dates`).

use chrono::{Datelike, NaiveDate};

/// How far back (and forward) from the guessed year a post's year is looked for.
const YEARS_BACK: i32 = 50;
const YEARS_AHEAD: i32 = 2;
/// A passage far from its heading in every year (a source quoted weeks later, a wrong match)
/// weighs no more than this many days, so that one outlier does not choose the year.
const MAX_WEIGHT: i64 = 400;

/// `day` moved by `years` (29 February to 28 February where the year has none).
pub fn shifted(day: NaiveDate, years: i32) -> NaiveDate {
    let year = day.year() + years;
    day.with_year(year)
        .or_else(|| NaiveDate::from_ymd_opt(year, day.month(), 28))
        .unwrap_or(day)
}

/// The shift in years, applied to every guessed day, that puts the sources nearest their
/// days: `pairs` are (a passage's guessed day, its source's publication day). `None` when no
/// passage was placed; between equal totals the smallest shift.
pub fn infer(pairs: &[(NaiveDate, NaiveDate)]) -> Option<i32> {
    if pairs.is_empty() {
        return None;
    }
    let cost = |k: i32| -> i64 {
        pairs
            .iter()
            .map(|&(day, published)| {
                (shifted(day, k) - published)
                    .num_days()
                    .abs()
                    .min(MAX_WEIGHT)
            })
            .sum()
    };
    (-YEARS_BACK..=YEARS_AHEAD).min_by_key(|&k| (cost(k), k.abs()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("a date")
    }

    #[test]
    fn the_year_the_sources_agree_with() {
        // Guessed as 2027 (the nearest May 12th to December 2026); the sources are of 2025.
        let pairs = [
            (d(2027, 5, 12), d(2025, 5, 12)),
            (d(2027, 5, 13), d(2025, 5, 12)),
            (d(2027, 5, 14), d(2025, 5, 14)),
        ];
        assert_eq!(infer(&pairs), Some(-2));
        // A range over the new year moves as one.
        let pairs = [
            (d(2026, 12, 30), d(2019, 12, 30)),
            (d(2027, 1, 2), d(2020, 1, 2)),
        ];
        assert_eq!(infer(&pairs), Some(-7));
        // One stray source does not outvote the rest.
        let pairs = [
            (d(2026, 5, 12), d(2025, 5, 12)),
            (d(2026, 5, 12), d(2025, 5, 13)),
            (d(2026, 5, 12), d(2019, 1, 1)),
        ];
        assert_eq!(infer(&pairs), Some(-1));
        assert_eq!(infer(&[]), None);
        assert_eq!(infer(&[(d(2026, 5, 12), d(2026, 5, 12))]), Some(0));
    }

    #[test]
    fn leap_days() {
        assert_eq!(shifted(d(2024, 2, 29), -1), d(2023, 2, 28));
        assert_eq!(shifted(d(2024, 2, 29), -4), d(2020, 2, 29));
    }
}
