//! Reporting periods (`--period day|week|month`).
//!
//! Weeks are ISO weeks (Monday start, `2025-W07`), so week keys sort
//! correctly as strings and match what spreadsheets call "ISO week".

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// A calendar bucket size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Period {
    /// Calendar day (`2025-06-01`).
    Day,
    /// ISO week (`2025-W23`).
    Week,
    /// Calendar month (`2025-06`).
    Month,
}

impl Period {
    /// The bucket key of an instant, in the given time zone.
    pub fn key(self, at: DateTime<Utc>, tz: Tz) -> String {
        let d = at.with_timezone(&tz).date_naive();
        self.key_of_date(d)
    }

    /// The bucket key of a calendar date.
    pub fn key_of_date(self, d: NaiveDate) -> String {
        match self {
            Period::Day => d.format("%Y-%m-%d").to_string(),
            Period::Week => {
                let w = d.iso_week();
                format!("{}-W{:02}", w.year(), w.week())
            }
            Period::Month => d.format("%Y-%m").to_string(),
        }
    }

    /// First day of the bucket that contains `d`.
    pub fn start_of(self, d: NaiveDate) -> NaiveDate {
        match self {
            Period::Day => d,
            Period::Week => d - Duration::days(d.weekday().num_days_from_monday() as i64),
            Period::Month => d.with_day(1).expect("day 1 exists"),
        }
    }

    /// First day of the next bucket after the one starting at `start`.
    pub fn next_start(self, start: NaiveDate) -> NaiveDate {
        match self {
            Period::Day => start + Duration::days(1),
            Period::Week => start + Duration::days(7),
            Period::Month => {
                let (y, m) = if start.month() == 12 {
                    (start.year() + 1, 1)
                } else {
                    (start.year(), start.month() + 1)
                };
                NaiveDate::from_ymd_opt(y, m, 1).expect("valid month")
            }
        }
    }

    /// Every bucket key from the one containing `first` to the one containing
    /// `last`, in order, including empty buckets (so trends see zeros).
    pub fn range(self, first: NaiveDate, last: NaiveDate) -> Vec<String> {
        let mut out = Vec::new();
        let mut s = self.start_of(first);
        while s <= last {
            out.push(self.key_of_date(s));
            s = self.next_start(s);
        }
        out
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Period::Day => "day",
            Period::Week => "week",
            Period::Month => "month",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_week_keys_cross_year_boundaries() {
        let d = NaiveDate::from_ymd_opt(2024, 12, 30).unwrap(); // Monday of 2025-W01
        assert_eq!(Period::Week.key_of_date(d), "2025-W01");
        assert_eq!(Period::Month.key_of_date(d), "2024-12");
    }

    #[test]
    fn range_includes_empty_buckets() {
        let a = NaiveDate::from_ymd_opt(2025, 1, 15).unwrap();
        let b = NaiveDate::from_ymd_opt(2025, 4, 2).unwrap();
        assert_eq!(
            Period::Month.range(a, b),
            vec!["2025-01", "2025-02", "2025-03", "2025-04"]
        );
    }
}
