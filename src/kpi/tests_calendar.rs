//! Business-hours calendar: parsing, DST, holidays, against a brute-force
//! minute-by-minute count.

use std::io::Write;

use chrono::{DateTime, Datelike, Duration, Timelike, Utc};
use chrono_tz::Tz;

use super::BusinessCalendar;

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn mins(cal: &BusinessCalendar, a: &str, b: &str) -> f64 {
    cal.business_minutes(at(a), at(b))
}

#[test]
fn weekday_hours_and_weekends() {
    let cal = BusinessCalendar::parse("Mon-Fri 09:00-17:00 Europe/Berlin", None).unwrap();
    // Mon 2025-03-03 10:00 CET = 09:00 UTC → 12:00 CET = 11:00 UTC: 120 min.
    assert_eq!(
        mins(&cal, "2025-03-03T09:00:00Z", "2025-03-03T11:00:00Z"),
        120.0
    );
    // Fri 16:00 CET → Mon 10:00 CET: 60 + 60.
    assert_eq!(
        mins(&cal, "2025-03-07T15:00:00Z", "2025-03-10T09:00:00Z"),
        120.0
    );
    // Entirely in a weekend, reversed and empty spans.
    assert_eq!(
        mins(&cal, "2025-03-08T10:00:00Z", "2025-03-09T10:00:00Z"),
        0.0
    );
    assert_eq!(
        mins(&cal, "2025-03-10T10:00:00Z", "2025-03-03T10:00:00Z"),
        0.0
    );
    // Two full weeks Mon 00:00 → Mon 00:00 local: 10 days × 8 h.
    assert_eq!(
        mins(&cal, "2025-03-02T23:00:00Z", "2025-03-16T23:00:00Z"),
        10.0 * 480.0
    );
}

#[test]
fn spans_across_the_spring_dst_change_in_berlin() {
    // Last Sunday of March 2025 = 30 March: 02:00 CET → 03:00 CEST.
    let cal = BusinessCalendar::parse("Mon-Fri 09:00-17:00 Europe/Berlin", None).unwrap();
    // Fri 28 16:00 CET (15:00 UTC) → Mon 31 10:00 CEST (08:00 UTC): 60 + 60,
    // although the wall-clock span is 65 h, not 66.
    assert_eq!(
        mins(&cal, "2025-03-28T15:00:00Z", "2025-03-31T08:00:00Z"),
        120.0
    );
    // Mon 31 09:00 CEST is 07:00 UTC (not 08:00): 07:00–08:00 UTC is open.
    assert_eq!(
        mins(&cal, "2025-03-31T07:00:00Z", "2025-03-31T08:00:00Z"),
        60.0
    );
    assert_eq!(
        mins(&cal, "2025-03-24T07:00:00Z", "2025-03-24T08:00:00Z"),
        0.0
    );
    // Always-open calendar: the DST Sunday has 23 hours.
    let all = BusinessCalendar::parse("Mon-Sun 00:00-24:00 Europe/Berlin", None).unwrap();
    assert_eq!(
        mins(&all, "2025-03-29T23:00:00Z", "2025-03-30T22:00:00Z"),
        23.0 * 60.0
    );
    // A window over the gap: 01:00 CET (00:00 UTC) → 04:00 CEST (02:00 UTC) = 2 h.
    let night = BusinessCalendar::parse("Sun 01:00-04:00 Europe/Berlin", None).unwrap();
    assert_eq!(
        mins(&night, "2025-03-29T00:00:00Z", "2025-03-31T00:00:00Z"),
        120.0
    );
    // Autumn: 26 Oct 2025, 03:00 CEST → 02:00 CET; 01:00–04:00 local = 4 h.
    assert_eq!(
        mins(&night, "2025-10-25T00:00:00Z", "2025-10-27T00:00:00Z"),
        240.0
    );
}

#[test]
fn holidays_file_with_comments() {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    writeln!(
        f,
        "# German holidays\n2025-04-18  # Good Friday\n\n2025-04-21"
    )
    .unwrap();
    let cal = BusinessCalendar::parse("Mon-Fri 09:00-17:00 Europe/Berlin", Some(f.path())).unwrap();
    assert_eq!(cal.holiday_count(), 2);
    // Thu 17 Apr 16:00 CEST → Tue 22 Apr 10:00 CEST: Thu 1 h + Tue 1 h (Fri, Mon off).
    assert_eq!(
        mins(&cal, "2025-04-17T14:00:00Z", "2025-04-22T08:00:00Z"),
        120.0
    );
    let mut bad = tempfile::NamedTempFile::new().unwrap();
    writeln!(bad, "2025-01-01\n2025-13-01").unwrap();
    let e = BusinessCalendar::parse("Mon-Fri 09:00-17:00", Some(bad.path()))
        .unwrap_err()
        .to_string();
    assert!(
        e.ends_with(":2: `2025-13-01` is not a YYYY-MM-DD holiday date"),
        "{e}"
    );
}

#[test]
fn spec_variants_and_errors() {
    let c = BusinessCalendar::parse("Mon,Wed,Fri 08:30-16:00 America/New_York", None).unwrap();
    assert_eq!(c.timezone(), Tz::America__New_York);
    // Wed 2025-03-05 08:30 EST = 13:30 UTC; Tue is closed.
    assert_eq!(
        mins(&c, "2025-03-04T13:00:00Z", "2025-03-05T14:30:00Z"),
        60.0
    );
    let split =
        BusinessCalendar::parse("Mon-Thu 09:00-12:00,13:00-17:00; Fri 09:00-15:00 UTC", None)
            .unwrap();
    assert_eq!(
        mins(&split, "2025-03-03T00:00:00Z", "2025-03-04T00:00:00Z"),
        420.0
    );
    assert_eq!(
        mins(&split, "2025-03-07T00:00:00Z", "2025-03-08T00:00:00Z"),
        360.0
    );
    let wrap = BusinessCalendar::parse("Sun-Thu 08:00-16:00 Asia/Jerusalem", None).unwrap();
    assert_eq!(
        mins(&wrap, "2025-03-07T00:00:00Z", "2025-03-08T00:00:00Z"),
        0.0
    ); // Friday
    let utc = BusinessCalendar::parse("Mon-Fri 09:00-17:00", None).unwrap();
    assert_eq!(utc.timezone(), Tz::UTC);
    for bad in [
        "Mon-Fri 09:00-17:00 Mars/Olympus",
        "Mon-Fri 17:00-09:00 UTC",
        "Mon-Fri UTC",
        "09:00-17:00 UTC",
        "Funday 09:00-17:00",
        "Mon-Fri 9-17",
        "Mon-Fri 09:00-25:00",
        "",
    ] {
        let e = BusinessCalendar::parse(bad, None).unwrap_err().to_string();
        assert!(e.starts_with("invalid `business_hours`:"), "{bad}: {e}");
    }
}

/// Count open minutes one by one in local time (independent of the cache).
fn brute(tz: Tz, start: DateTime<Utc>, end: DateTime<Utc>, open: impl Fn(u32, u32) -> bool) -> f64 {
    let mut n = 0;
    let mut m = start;
    while m < end {
        let l = m.with_timezone(&tz);
        if open(
            l.weekday().num_days_from_monday(),
            l.hour() * 60 + l.minute(),
        ) {
            n += 1;
        }
        m += Duration::minutes(1);
    }
    n as f64
}

#[test]
fn agrees_with_brute_force_over_months_and_dst() {
    let cal = BusinessCalendar::parse(
        "Mon-Fri 08:00-12:00,13:00-18:30 Sat 10:00-14:00 America/New_York",
        None,
    )
    .unwrap();
    let open = |wd: u32, m: u32| match wd {
        0..=4 => (480..720).contains(&m) || (780..1110).contains(&m),
        5 => (600..840).contains(&m),
        _ => false,
    };
    let tz = Tz::America__New_York;
    // Spans over the US spring (9 Mar 2025) and autumn (2 Nov 2025) changes,
    // queried out of order so the cache grows both ways.
    for (a, b) in [
        ("2025-03-01T10:07:00Z", "2025-03-20T22:13:00Z"),
        ("2025-10-20T13:00:00Z", "2025-11-12T01:59:00Z"),
        ("2025-01-02T00:00:00Z", "2025-01-02T17:45:00Z"),
        ("2024-12-25T05:00:00Z", "2025-02-03T14:00:00Z"),
    ] {
        assert_eq!(mins(&cal, a, b), brute(tz, at(a), at(b), open), "{a} → {b}");
    }
}

#[test]
fn kpis_in_business_time_across_both_berlin_dst_changes() {
    use super::tests::{as_of, run, t};
    // Calendar Mon-Fri 09:00-17:00 Europe/Berlin.
    // A: created Fri 2025-03-28 16:00 CET (15:00Z), answered Mon 03-31
    //    10:00 CEST (08:00Z), resolved Tue 04-01 12:00 CEST (10:00Z). Clocks
    //    jump on Sun 03-30, so the wall-clock spans are 65 h (3900 min) and
    //    91 h; business: Fri 60 + Mon 60 = 120 min; Fri 1 h + Mon 8 h + Tue
    //    3 h = 12 h.
    // B: created Fri 2025-10-24 15:00 CEST (13:00Z), answered Mon 10-27
    //    09:30 CET (08:30Z), clocks fall back on Sun 10-26: wall 67.5 h
    //    (4050 min); business: Fri 120 + Mon 30 = 150 min.
    let cal = BusinessCalendar::parse("Mon-Fri 09:00-17:00 Europe/Berlin", None).unwrap();
    let tickets = vec![
        t("2025-03-28T15:00:00Z").frt(3900.0).res(91.0),
        t("2025-10-24T13:00:00Z").frt(4050.0),
    ];
    let opts = super::KpiOptions {
        business_hours: Some(cal),
        ..as_of("2025-11-01T00:00:00Z")
    };
    let r = run(tickets, &opts);
    let o = &r.overall;
    assert_eq!(o.first_response_minutes.median, Some(3975.0));
    let bfrt = o.first_response_business_minutes.as_ref().unwrap();
    assert_eq!(
        (bfrt.count, bfrt.mean, bfrt.median),
        (2, Some(135.0), Some(135.0))
    );
    assert_eq!(o.resolution_hours.median, Some(91.0));
    let bres = o.resolution_business_hours.as_ref().unwrap();
    assert_eq!((bres.count, bres.median), (1, Some(12.0)));
    // Without a calendar the business blocks are absent, not zero.
    let plain = run(
        vec![t("2025-03-28T15:00:00Z").frt(3900.0)],
        &as_of("2025-11-01T00:00:00Z"),
    );
    assert!(plain.overall.first_response_business_minutes.is_none());
}
