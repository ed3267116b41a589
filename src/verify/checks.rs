//! What is checked once a passage's source is known: whether the post names the right outlet,
//! whether the day it files the passage under agrees with the source's date, and whether the
//! speaker it names is the stored quotation's.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Serialize;

use crate::config::Config;
use crate::post::Claim;
use crate::story::Story;

/// Whether the post names the outlet a passage came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Attribution {
    /// The outlet named published the source or a copy of it.
    Ok,
    /// Another outlet is named.
    WrongOutlet,
    /// No outlet is named.
    Missing,
    /// "according to" with nothing after it.
    Dangling,
    /// The passage was not found, so the outlet named cannot be checked.
    Unchecked,
}

/// The outlet ids that published a group of stories (an original and its copies), with the
/// wire services their pages name.
pub fn group_outlets(group: &[Story], config: &Config) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    let mut add = |id: &str| {
        if !ids.iter().any(|i| i == id) {
            ids.push(id.to_string());
        }
    };
    for s in group {
        add(&s.outlet);
        for o in &s.outlets {
            add(o);
        }
        let wire = s.article.as_ref().and_then(|a| a.wire_source.as_deref());
        if let Some(o) = wire.and_then(|w| config.outlet_named(w)) {
            add(&o.id);
        }
    }
    ids
}

/// The attribution of a passage whose source group is published by `outlets` (`None`: not
/// found), when the post credits the outlets `credited` (ids, in the order the post names
/// them: `credit::Credits::credited`). Returns the finding and the id of the outlet the post
/// is taken to credit: the first credited that published the source, else the first credited.
pub fn attribution(
    claim: &Claim,
    credited: &[String],
    outlets: Option<&[String]>,
) -> (Attribution, Option<String>) {
    let published = |ids: &[String]| credited.iter().find(|c| ids.contains(c)).cloned();
    if credited.is_empty() {
        // No configured outlet is named: an outlet feeds.toml does not know, or none at all.
        let finding = if claim.dangling {
            Attribution::Dangling
        } else if claim.outlet.is_none() && claim.links.is_empty() {
            Attribution::Missing
        } else if outlets.is_none() {
            Attribution::Unchecked
        } else {
            Attribution::WrongOutlet
        };
        return (finding, None);
    }
    match outlets {
        None => (Attribution::Unchecked, credited.first().cloned()),
        Some(ids) => match published(ids) {
            Some(id) => (Attribution::Ok, Some(id)),
            None => (Attribution::WrongOutlet, credited.first().cloned()),
        },
    }
}

/// A finding about dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DateFinding {
    /// `error` or `warning`.
    pub level: &'static str,
    pub message: String,
    pub day: NaiveDate,
    pub published: NaiveDate,
}

/// Checks the day a passage is filed under against its source's publication time. A source
/// published after that day anywhere on Earth (after 23:59 at UTC−12) is an error; a day more
/// than one day from the source's UTC date is a warning.
pub fn dates(day: NaiveDate, heading: &str, published: DateTime<Utc>) -> Option<DateFinding> {
    let pub_day = published.date_naive();
    let end_of_day_anywhere = day
        .and_hms_opt(23, 59, 59)
        .map(|t| t.and_utc() + Duration::hours(12))?;
    if published > end_of_day_anywhere {
        return Some(DateFinding {
            level: "error",
            message: format!(
                "filed under {heading} ({day}), but the source was published later, on {pub_day}"
            ),
            day,
            published: pub_day,
        });
    }
    let apart = (day - pub_day).num_days().abs();
    (apart > 1).then(|| DateFinding {
        level: "warning",
        message: format!(
            "filed under {heading} ({day}), but the source was published on {pub_day}, {apart} days earlier"
        ),
        day,
        published: pub_day,
    })
}

/// Whether two ways of naming a person agree: one contains the other's last word ("Sistani"
/// and "Grand Ayatollah Ali al-Sistani").
pub fn same_speaker(a: &str, b: &str) -> bool {
    let fold = crate::review::fold;
    let (a, b) = (fold(a), fold(b));
    let last = |s: &str| s.rsplit(' ').next().unwrap_or("").to_string();
    let words = |s: &str| s.split(' ').map(str::to_string).collect::<Vec<_>>();
    !a.is_empty()
        && !b.is_empty()
        && (words(&a).contains(&last(&b)) || words(&b).contains(&last(&a)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn date_findings() {
        let t = |s: &str| {
            Utc.from_utc_datetime(
                &chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap(),
            )
        };
        assert_eq!(
            dates(d("2019-12-27"), "December 27th", t("2019-12-27 19:58")),
            None
        );
        // The next morning in UTC is still the 27th in the Americas.
        assert_eq!(
            dates(d("2019-12-27"), "December 27th", t("2019-12-28 03:00")),
            None
        );
        let late = dates(d("2019-12-27"), "December 27th", t("2019-12-29 10:00")).unwrap();
        assert_eq!(late.level, "error");
        let month = dates(d("2020-01-27"), "January 27th", t("2019-12-27 19:58")).unwrap();
        assert_eq!(month.level, "warning");
        assert!(month.message.contains("2019-12-27"), "{}", month.message);
        assert!(month.message.contains("31 days"), "{}", month.message);
        assert_eq!(
            dates(d("2019-12-28"), "December 28th", t("2019-12-27 19:58")),
            None
        );
    }

    #[test]
    fn speakers() {
        assert!(same_speaker("Sistani", "Grand Ayatollah Ali al-Sistani"));
        assert!(same_speaker("Mike Pompeo", "Pompeo"));
        assert!(!same_speaker("Sistani", "Mike Pompeo"));
    }
}
