//! Timestamp parsing for ticket exports.
//!
//! Help-desk exports write time in a dozen ways; a support lead should not
//! have to reformat a file before analysing it. [`parse_timestamp`] accepts
//! the forms seen in Zendesk, Freshdesk, Jira, Kaggle/pandas dumps, Twitter
//! and spreadsheet exports, and returns `None` for anything else so the
//! caller can reject the row with the offending value.
//!
//! Naive times (no offset) are read in the caller's time zone. Around DST
//! changes: an ambiguous local time (the repeated hour in autumn) takes the
//! **earliest** instant; a nonexistent local time (the skipped hour in spring)
//! is **shifted forward** by the gap (02:30 on a spring-forward night reads as
//! 03:30 local), the same as reading it with the offset in force just before
//! the change.

use chrono::{
    DateTime, Duration, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, Offset, TimeZone, Utc,
};
use chrono_tz::Tz;

/// The order of day and month in all-numeric dates (`04/03/2024`).
///
/// `YYYY-MM-DD` is unambiguous; `DD/MM/YYYY` vs `MM/DD/YYYY` is not, and is
/// decided per column (see `docs/ingest.md`), or given with `--date-order`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DateOrder {
    /// Day first (`04/03/2024` = 4 March): Europe, UK, most of the world.
    Dmy,
    /// Month first (`04/03/2024` = April 3): the US.
    Mdy,
}

/// Formats with an explicit offset, tried in order (after `Z`/` UTC` become `+00:00`).
const OFFSET_FORMATS: &[&str] = &[
    "%Y-%m-%dT%H:%M:%S%.f%#z",
    "%Y-%m-%d %H:%M:%S%.f%#z",
    "%Y-%m-%d %H:%M:%S%.f %#z",
    "%Y-%m-%dT%H:%M%#z",
    "%Y-%m-%d %H:%M%#z",
];

/// ISO-like naive date-times.
const ISO_NAIVE: &[&str] = &[
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
];

/// Slash forms: `YYYY/MM/DD` and US `MM/DD/YYYY` (spreadsheet exports).
const SLASH_NAIVE: &[&str] = &[
    "%Y/%m/%d %H:%M:%S%.f",
    "%Y/%m/%d %H:%M",
    "%m/%d/%Y %H:%M:%S%.f",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M %p",
];

/// European dotted forms `DD.MM.YYYY`.
const DOT_NAIVE: &[&str] = &["%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M"];

/// Date-only forms (read as local midnight).
const DATES: &[&str] = &["%Y-%m-%d", "%Y/%m/%d", "%m/%d/%Y", "%d.%m.%Y"];

/// Parse one timestamp; naive values are local times in `tz`.
///
/// Accepted: RFC 3339 (`Z` or offset, `T` or space), `YYYY-MM-DD HH:MM[:SS[.frac]]`
/// (with or without `T`, optional trailing offset or ` UTC`), date only
/// (midnight), Unix epoch seconds (9–11 digits, optional fraction) or
/// milliseconds (13 digits), Twitter's `Tue Oct 31 22:10:47 +0000 2017`,
/// `YYYY/MM/DD HH:MM[:SS]`, US `MM/DD/YYYY HH:MM[:SS][ AM|PM]` and
/// `DD.MM.YYYY [HH:MM[:SS]]`.
pub fn parse_timestamp(s: &str, tz: Tz) -> Option<DateTime<Utc>> {
    let s = s.trim();
    let first = *s.as_bytes().first()?;
    if first.is_ascii_alphabetic() {
        return DateTime::parse_from_str(s, "%a %b %d %H:%M:%S %z %Y")
            .ok()
            .map(|d| d.with_timezone(&Utc));
    }
    if let Some(t) = parse_epoch(s) {
        return Some(t);
    }
    if s.contains('/') {
        return parse_naive(s, SLASH_NAIVE, tz);
    }
    if s.as_bytes().get(2) == Some(&b'.') {
        return parse_naive(s, DOT_NAIVE, tz);
    }
    if let Some(t) = parse_with_offset(s) {
        return Some(t);
    }
    parse_naive(s, ISO_NAIVE, tz)
}

/// Unix epoch seconds (9–11 integer digits, optional fraction: 1973-03-03
/// to 5138) or milliseconds (13 digits). Shorter numbers are not taken as
/// epochs: 8 digits is more likely a `YYYYMMDD` date or an id than 1970.
fn parse_epoch(s: &str) -> Option<DateTime<Utc>> {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    match int.len() {
        9..=11 => {
            let secs: i64 = int.parse().ok()?;
            let nanos = if frac.is_empty() {
                0
            } else {
                let digits: String = frac.chars().chain(std::iter::repeat('0')).take(9).collect();
                digits.parse::<u32>().ok()?
            };
            DateTime::from_timestamp(secs, nanos)
        }
        13 if frac.is_empty() => DateTime::from_timestamp_millis(int.parse().ok()?),
        _ => None,
    }
}

/// Forms that carry their own offset (RFC 3339, pandas `+00:00`, `Z`, ` UTC`).
fn parse_with_offset(s: &str) -> Option<DateTime<Utc>> {
    let normalised;
    let s = if let Some(rest) = s.strip_suffix('Z').or_else(|| s.strip_suffix('z')) {
        normalised = format!("{rest}+00:00");
        normalised.as_str()
    } else if let Some(rest) = s.strip_suffix(" UTC").or_else(|| s.strip_suffix(" GMT")) {
        normalised = format!("{}+00:00", rest.trim_end());
        normalised.as_str()
    } else {
        s
    };
    if !has_offset_suffix(s) {
        return None;
    }
    OFFSET_FORMATS
        .iter()
        .find_map(|f| DateTime::<FixedOffset>::parse_from_str(s, f).ok())
        .map(|d| d.with_timezone(&Utc))
}

/// Cheap check that the value ends in `+hh[:mm]`/`-hh[:mm]` after the time, so
/// naive values skip the offset formats.
fn has_offset_suffix(s: &str) -> bool {
    let Some(t) = s.find(['T', ' ']) else {
        return false;
    };
    s[t..].contains(['+', '-'])
}

/// Naive date-time or date-only in `tz`.
fn parse_naive(s: &str, formats: &[&str], tz: Tz) -> Option<DateTime<Utc>> {
    let naive = formats
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
        .or_else(|| {
            DATES
                .iter()
                .find_map(|f| NaiveDate::parse_from_str(s, f).ok())
                .map(|d| d.and_time(Default::default()))
        })?;
    Some(localize(naive, tz))
}

/// Read a naive local time in `tz` (ambiguous → earliest, gap → shifted forward).
pub(crate) fn localize(naive: NaiveDateTime, tz: Tz) -> DateTime<Utc> {
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(t) => t.with_timezone(&Utc),
        LocalResult::Ambiguous(a, b) => a.min(b).with_timezone(&Utc),
        LocalResult::None => {
            // Use the offset in force before the gap: the wall time moves forward by the gap.
            let before = naive - Duration::hours(3);
            match tz.from_local_datetime(&before).earliest() {
                Some(b) => {
                    let offset = b.offset().fix();
                    (naive - Duration::seconds(offset.local_minus_utc() as i64)).and_utc()
                }
                None => naive.and_utc(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_timestamp;
    use chrono::{DateTime, Utc};
    use chrono_tz::Tz;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn p(s: &str) -> Option<DateTime<Utc>> {
        parse_timestamp(s, Tz::UTC)
    }

    #[test]
    fn rfc3339_and_offsets() {
        assert_eq!(p("2025-02-03T10:20:30Z"), Some(utc("2025-02-03T10:20:30Z")));
        assert_eq!(
            p("2025-02-03T10:20:30.250Z"),
            Some(utc("2025-02-03T10:20:30.250Z"))
        );
        assert_eq!(
            p("2025-02-03T10:20:30+02:00"),
            Some(utc("2025-02-03T08:20:30Z"))
        );
        assert_eq!(
            p("2025-02-03T10:20:30-0500"),
            Some(utc("2025-02-03T15:20:30Z"))
        );
        assert_eq!(
            p("2017-10-31 22:08:27+00:00"),
            Some(utc("2017-10-31T22:08:27Z"))
        );
        assert_eq!(
            p("2025-02-03 10:20:30 UTC"),
            Some(utc("2025-02-03T10:20:30Z"))
        );
        assert_eq!(
            p("2025-02-03T10:20+01:00"),
            Some(utc("2025-02-03T09:20:00Z"))
        );
    }

    #[test]
    fn naive_iso_forms() {
        assert_eq!(p("2025-02-03 10:20:30"), Some(utc("2025-02-03T10:20:30Z")));
        assert_eq!(p("2025-02-03T10:20:30"), Some(utc("2025-02-03T10:20:30Z")));
        assert_eq!(p("2025-02-03 10:20"), Some(utc("2025-02-03T10:20:00Z")));
        assert_eq!(p("2025-02-03T10:20"), Some(utc("2025-02-03T10:20:00Z")));
        assert_eq!(
            p("2025-02-03 10:20:30.5"),
            Some(utc("2025-02-03T10:20:30.5Z"))
        );
        assert_eq!(p("2025-02-03"), Some(utc("2025-02-03T00:00:00Z")));
    }

    #[test]
    fn epoch_forms() {
        assert_eq!(p("1509487847"), Some(utc("2017-10-31T22:10:47Z")));
        assert_eq!(p("1509487847123"), Some(utc("2017-10-31T22:10:47.123Z")));
        assert_eq!(p("1509487847.5"), Some(utc("2017-10-31T22:10:47.5Z")));
        assert_eq!(p("12345"), None);
        // 9 digits: before 2001-09-09; 11 digits: after 2286.
        assert_eq!(p("946684800"), Some(utc("2000-01-01T00:00:00Z")));
        assert_eq!(p("100000000"), Some(utc("1973-03-03T09:46:40Z")));
        assert_eq!(p("10000000000"), Some(utc("2286-11-20T17:46:40Z")));
        assert_eq!(p("20250101"), None, "8 digits is a date, not an epoch");
        assert_eq!(p("123456789012"), None);
    }

    #[test]
    fn twitter_form() {
        assert_eq!(
            p("Tue Oct 31 22:10:47 +0000 2017"),
            Some(utc("2017-10-31T22:10:47Z"))
        );
        assert_eq!(
            p("Tue Oct 31 22:10:47 +0100 2017"),
            Some(utc("2017-10-31T21:10:47Z"))
        );
    }

    #[test]
    fn slash_and_dot_forms() {
        assert_eq!(p("03/14/2024 14:05"), Some(utc("2024-03-14T14:05:00Z")));
        assert_eq!(p("3/14/2024 2:05:09"), Some(utc("2024-03-14T02:05:09Z")));
        assert_eq!(p("3/14/2024 2:05 PM"), Some(utc("2024-03-14T14:05:00Z")));
        assert_eq!(p("03/14/2024"), Some(utc("2024-03-14T00:00:00Z")));
        assert_eq!(p("2024/03/14 14:05:00"), Some(utc("2024-03-14T14:05:00Z")));
        assert_eq!(p("14.03.2024"), Some(utc("2024-03-14T00:00:00Z")));
        assert_eq!(p("14.03.2024 09:30"), Some(utc("2024-03-14T09:30:00Z")));
    }

    #[test]
    fn garbage_is_none() {
        for s in [
            "",
            "   ",
            "yesterday",
            "2025-13-01",
            "2025-02-30 10:00",
            "31/12/2024",
            "10:20",
            "N/A",
        ] {
            assert_eq!(p(s), None, "{s:?}");
        }
    }

    #[test]
    fn naive_times_use_the_zone_and_dst_rules() {
        let ny: Tz = "America/New_York".parse().unwrap();
        // Winter: UTC-5.
        assert_eq!(
            parse_timestamp("2025-01-15 09:00", ny),
            Some(utc("2025-01-15T14:00:00Z"))
        );
        // Spring forward 2025-03-09 02:00 → 03:00: 02:30 does not exist, shifted forward to 03:30 EDT.
        assert_eq!(
            parse_timestamp("2025-03-09 02:30", ny),
            Some(utc("2025-03-09T07:30:00Z"))
        );
        // Fall back 2025-11-02: 01:30 happens twice; the earliest is EDT (UTC-4).
        assert_eq!(
            parse_timestamp("2025-11-02 01:30", ny),
            Some(utc("2025-11-02T05:30:00Z"))
        );
        // Offsets in the value ignore the zone.
        assert_eq!(
            parse_timestamp("2025-01-15T09:00:00Z", ny),
            Some(utc("2025-01-15T09:00:00Z"))
        );
        // Epoch ignores the zone.
        assert_eq!(
            parse_timestamp("1509487847", ny),
            Some(utc("2017-10-31T22:10:47Z"))
        );
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        assert_eq!(
            parse_timestamp("14.03.2024 09:30", berlin),
            Some(utc("2024-03-14T08:30:00Z"))
        );
    }
}
