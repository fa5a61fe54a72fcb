//! Per-column inference at reader level: day/month order, 12-hour clocks,
//! Excel serials, `--date-format`, decimal commas, text durations, units,
//! plausibility. Field cases 02, 04 and 06 (tests/data/field/) with their
//! hand-computed values.

use super::*;
use crate::ingest::time::DateOrder;

fn field_case(name: &str) -> Vec<u8> {
    let p = format!("{}/tests/data/field/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

fn hours(t: &Ticket) -> Option<f64> {
    t.resolution_hours().map(|h| (h * 100.0).round() / 100.0)
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2.0
    }
}

#[test]
fn field_case_02_zendesk_day_first_dashes() {
    let opts = IngestOptions {
        text_columns: vec!["Manual Tagging of Categories [list]".into()],
        ..kpi_opts()
    };
    let (rows, stats, r) = read_all(".csv", &field_case("zendesk_dayfirst_excel.csv"), &opts);
    assert_eq!(
        (stats.read, stats.rejected),
        (10, 0),
        "{:?}",
        rejects(&rows)
    );
    let ts = tickets(&rows);
    // 08-04-2023 20:52 is 8 April: `24-04-2023` decides the column.
    assert_eq!(ts[0].created_at, utc("2023-04-08T20:52:00Z"));
    assert_eq!(ts[0].resolved_at, Some(utc("2023-04-10T10:28:00Z")));
    let mut res: Vec<f64> = ts.iter().filter_map(|t| hours(t)).collect();
    res.sort_by(f64::total_cmp);
    assert_eq!(res, [2.02, 6.02, 14.77, 21.22, 22.23, 37.6, 44.9, 690.25]);
    assert!((median(res) - 21.725).abs() < 1e-9);
    // The only first-reply column is business time: mapped, with a warning.
    assert_eq!(
        mapped(&r, Field::FirstResponse).as_deref(),
        Some("First reply time in minutes within business hours")
    );
    let frt: Vec<f64> = ts.iter().filter_map(|t| t.first_response_minutes).collect();
    assert_eq!(frt.len(), 10);
    assert!(
        r.warnings().iter().any(|w| w
            .contains("'First reply time in minutes within business hours'")
            && w.contains("business")),
        "{:?}",
        r.warnings()
    );
    // No date-order warning: the columns decided.
    assert!(!r.warnings().iter().any(|w| w.contains("`date_order`")));
}

#[test]
fn field_case_04_jira_dates_and_twelve_hour_clock() {
    let (rows, stats, r) = read_all(".csv", &field_case("jira_export.csv"), &kpi_opts());
    assert_eq!((stats.read, stats.rejected), (9, 0), "{:?}", rejects(&rows));
    let ts = tickets(&rows);
    assert_eq!(ts[0].id, "SUP-101");
    assert_eq!(ts[0].created_at, utc("2024-03-05T10:12:00Z"));
    // 12:05 PM is noon, 12:10 AM ten past midnight.
    assert_eq!(ts[7].created_at, utc("2024-03-12T12:05:00Z"));
    assert_eq!(ts[8].created_at, utc("2024-03-13T00:10:00Z"));
    let mut res: Vec<f64> = ts.iter().filter_map(|t| hours(t)).collect();
    res.sort_by(f64::total_cmp);
    assert_eq!(res, [0.5, 0.5, 1.0, 3.5, 6.47, 21.58]);
    assert_eq!(median(res), 2.25);
    let as_of = ts
        .iter()
        .flat_map(|t| [Some(t.created_at), t.resolved_at])
        .flatten()
        .max();
    assert_eq!(as_of, Some(utc("2024-03-13T01:10:00Z")));
    assert_eq!(mapped(&r, Field::Resolved).as_deref(), Some("Resolved"));
    assert!(r.warnings().is_empty(), "{:?}", r.warnings());
}

#[test]
fn field_case_06_decimal_commas_and_dotted_dates() {
    let (rows, stats, r) = read_all(
        ".csv",
        &field_case("excel_de_decimal_comma.csv"),
        &kpi_opts(),
    );
    assert_eq!((stats.read, stats.rejected), (8, 0), "{:?}", rejects(&rows));
    let ts = tickets(&rows);
    assert_eq!(ts[0].created_at, utc("2024-03-04T09:00:00Z"));
    assert_eq!(ts[0].first_response_minutes, Some(90.0));
    assert_eq!(ts[1].first_response_minutes, Some(15.0));
    assert_eq!(ts[1].resolution_hours, Some(26.5));
    let mut frt: Vec<f64> = ts
        .iter()
        .filter_map(|t| t.first_response_minutes)
        .map(|m| (m * 1e6).round() / 1e6)
        .collect();
    frt.sort_by(f64::total_cmp);
    assert_eq!(frt, [6.0, 15.0, 30.0, 90.0, 150.0, 480.0, 1485.0]);
    assert_eq!(median(frt), 90.0);
    let res: Vec<f64> = ts.iter().filter_map(|t| t.resolution_hours).collect();
    assert_eq!(median(res), 6.25);
    let as_of = ts
        .iter()
        .flat_map(|t| {
            let end = t
                .resolution_hours
                .map(|h| t.created_at + chrono::Duration::seconds((h * 3600.0) as i64));
            [Some(t.created_at), end]
        })
        .flatten()
        .max();
    assert_eq!(as_of, Some(utc("2024-03-08T09:30:00Z")));
    let csat: Vec<f64> = ts.iter().filter_map(|t| t.csat).collect();
    assert_eq!(csat, [4.0, 2.0, 5.0, 3.0, 5.0]);
    assert!(r.warnings().is_empty(), "{:?}", r.warnings());
}

/// A UK export whose dates never decide: read month-first for `/`, with a
/// warning naming the column and the option; `--date-order dmy` fixes it.
#[test]
fn undecided_slash_dates_warn_and_date_order_fixes_them() {
    let data = "Case Number,Subject,Date/Time Opened,Date/Time Closed\n\
                1,A,04/03/2024 09:00,05/03/2024 09:00\n\
                2,B,06/03/2024 10:00,\n";
    let (rows, _, r) = read_all(".csv", data.as_bytes(), &kpi_opts());
    let ts = tickets(&rows);
    assert_eq!(ts[0].created_at, utc("2024-04-03T09:00:00Z"));
    let w = r.warnings().join("\n");
    assert!(w.contains("column 'Date/Time Opened'"), "{w}");
    assert!(w.contains("'04/03/2024 09:00'"), "{w}");
    assert!(w.contains("`date_order` dmy"), "{w}");
    assert!(w.contains("month-first"), "{w}");

    let opts = IngestOptions {
        date_order: Some(DateOrder::Dmy),
        ..kpi_opts()
    };
    let (rows, _, r) = read_all(".csv", data.as_bytes(), &opts);
    let ts = tickets(&rows);
    assert_eq!(ts[0].created_at, utc("2024-03-04T09:00:00Z"));
    assert_eq!(ts[0].resolution_hours(), Some(24.0));
    assert!(r.warnings().is_empty(), "{:?}", r.warnings());
}

/// One value with a first field > 12 decides the whole column, and a
/// sibling time column that never decides follows it.
#[test]
fn one_value_decides_and_siblings_follow() {
    let data = "id,subject,created_at,resolved_at\n\
                1,A,04/03/2024 09:00,04/03/2024 10:00\n\
                2,B,13/03/2024 10:00,\n";
    let (rows, _, r) = read_all(".csv", data.as_bytes(), &kpi_opts());
    let ts = tickets(&rows);
    assert_eq!(ts[0].created_at, utc("2024-03-04T09:00:00Z"));
    assert_eq!(ts[0].resolved_at, Some(utc("2024-03-04T10:00:00Z")));
    assert_eq!(ts[1].created_at, utc("2024-03-13T10:00:00Z"));
    assert!(r.warnings().is_empty(), "{:?}", r.warnings());
}

/// Never two orders in one column: the minority is rejected with a hint.
#[test]
fn contradicting_values_are_rejected_with_a_hint() {
    let data = "id,subject,created_at\n\
                1,A,13/03/2024\n\
                2,B,14/03/2024\n\
                3,C,03/15/2024\n\
                4,D,05/03/2024\n";
    let (rows, _, _) = read_all(".csv", data.as_bytes(), &kpi_opts());
    let ts = tickets(&rows);
    assert_eq!(ts.len(), 3);
    assert_eq!(ts[2].created_at, utc("2024-03-05T00:00:00Z"));
    let rj = rejects(&rows);
    assert_eq!(rj.len(), 1);
    assert_eq!(rj[0].0, 4);
    assert!(
        rj[0].1.starts_with("bad created_at timestamp '03/15/2024' in column 'created_at' (month-first only, but the column was read day-first"),
        "{}",
        rj[0].1
    );
}

/// A value past the sample that contradicts the assumed default is a
/// reject whose reason says what to pass.
#[test]
fn contradiction_after_the_sample_names_the_option() {
    let mut data = String::from("id,subject,created_at\n");
    for i in 0..crate::ingest::infer::SAMPLE_ROWS {
        data.push_str(&format!("{i},s,01/02/2024 10:00\n"));
    }
    data.push_str("x,s,13/02/2024 10:00\n");
    let (rows, stats, r) = read_all(".csv", data.as_bytes(), &kpi_opts());
    assert_eq!(stats.rejected, 1);
    let rj = rejects(&rows);
    assert!(rj[0].1.contains("day-first only"), "{}", rj[0].1);
    assert!(rj[0].1.ends_with("pass `date_order` dmy)"), "{}", rj[0].1);
    // `01/02` reads either way only when day ≠ month… here 01 vs 02 does.
    assert!(r.warnings()[0].contains("column 'created_at'"));
}

#[test]
fn excel_serial_columns() {
    let data = "id,subject,created_at,resolved_at\n1,A,45000.25,45000.5\n2,B,45001,\n";
    let (rows, stats, r) = read_all(".csv", data.as_bytes(), &kpi_opts());
    assert_eq!(stats.rejected, 0);
    let ts = tickets(&rows);
    assert_eq!(ts[0].created_at, utc("2023-03-15T06:00:00Z"));
    assert_eq!(ts[0].resolved_at, Some(utc("2023-03-15T12:00:00Z")));
    assert!(r.warnings().iter().any(|w| w.contains("serial")));
    // Numbers in a duration column whose header names a unit stay durations.
    let data = "id,subject,created_at,first_response_minutes\n1,A,45000,30000\n";
    let (rows, _, _) = read_all(".csv", data.as_bytes(), &kpi_opts());
    let t = tickets(&rows)[0];
    assert_eq!(t.created_at, utc("2023-03-15T00:00:00Z"));
    assert_eq!(t.first_response_minutes, Some(30000.0));
}

#[test]
fn date_format_option() {
    let data = "id,subject,opened\n1,A,2024|03|05 10h12\n2,B,junk\n";
    let opts = IngestOptions {
        map: vec![("created_at".into(), "opened".into())],
        date_formats: vec![("Opened".into(), "%Y|%m|%d %Hh%M".into())],
        ..kpi_opts()
    };
    let (rows, _, _) = read_all(".csv", data.as_bytes(), &opts);
    assert_eq!(tickets(&rows)[0].created_at, utc("2024-03-05T10:12:00Z"));
    assert_eq!(
        rejects(&rows)[0].1,
        "bad created_at timestamp 'junk' in column 'opened' (expected `date_formats` '%Y|%m|%d %Hh%M')"
    );
    // Errors: unknown column, a column that is not a time, a bad format.
    let e = open_err(
        ".csv",
        data.as_bytes(),
        &IngestOptions {
            date_formats: vec![("nope".into(), "%Y".into())],
            ..opts.clone()
        },
    );
    assert!(
        e.to_string()
            .starts_with("invalid `date_formats`: column `nope` not found"),
        "{e}"
    );
    let e = open_err(
        ".csv",
        data.as_bytes(),
        &IngestOptions {
            date_formats: vec![("subject".into(), "%Y".into())],
            ..opts.clone()
        },
    );
    assert!(e.to_string().contains("is not read as a time"), "{e}");
    let e = open_err(
        ".csv",
        data.as_bytes(),
        &IngestOptions {
            date_formats: vec![("opened".into(), "%Q".into())],
            ..opts.clone()
        },
    );
    assert!(e.to_string().contains("bad strftime format '%Q'"), "{e}");
}

#[test]
fn text_durations_and_neither_values() {
    let data = "id,subject,created_at,First response time,Resolution time\n\
                1,A,2024-01-01 00:00,1h 23m,1 Day 2 Hours 30 Minutes\n\
                2,B,2024-01-01 00:00,PT45M,26:15:00\n\
                3,C,2024-01-01 00:00,soon,2d 4h\n";
    let (rows, _, _) = read_all(".csv", data.as_bytes(), &kpi_opts());
    let ts = tickets(&rows);
    assert_eq!(ts[0].first_response_minutes, Some(83.0));
    assert_eq!(ts[0].resolution_hours, Some(26.5));
    assert_eq!(ts[1].first_response_minutes, Some(45.0));
    assert_eq!(ts[1].resolution_hours, Some(26.25));
    assert_eq!(
        rejects(&rows),
        vec![(
            4,
            "bad first_response value 'soon' in column 'First response time' (expected a duration or a timestamp)".to_string()
        )]
    );
}

#[test]
fn units_from_headers_and_the_unit_option() {
    let data = "id,subject,created_at,reply_time_sec,calendar_stc\n1,A,2024-01-01,90,7200\n";
    let opts = IngestOptions {
        map: vec![
            ("first_response".into(), "reply_time_sec".into()),
            ("resolved".into(), "calendar_stc".into()),
        ],
        units: vec![("resolved".into(), "seconds".into())],
        ..kpi_opts()
    };
    let (rows, _, _) = read_all(".csv", data.as_bytes(), &opts);
    let t = tickets(&rows)[0];
    assert_eq!(t.first_response_minutes, Some(1.5));
    assert!((t.resolution_hours.unwrap() - 2.0).abs() < 1e-9);
    // `units` errors are one line each.
    for (units, want) in [
        (("csat", "seconds"), "is not a duration field"),
        (("resolved", "fortnights"), "unknown unit `fortnights`"),
    ] {
        let e = open_err(
            ".csv",
            data.as_bytes(),
            &IngestOptions {
                units: vec![(units.0.into(), units.1.into())],
                ..opts.clone()
            },
        );
        assert!(e.to_string().contains(want), "{e}");
    }
    let e = open_err(
        ".csv",
        b"id,subject,created_at\n1,A,2024-01-01\n",
        &IngestOptions {
            units: vec![("resolved".into(), "hours".into())],
            ..kpi_opts()
        },
    );
    assert!(
        e.to_string().contains("field `resolved` has no column"),
        "{e}"
    );
}

/// Oracle's `RR/MM/DD` (a Japanese NLS setting): `24/03/01` is 2024-03-01.
/// Read day first, a month of tickets would spread over 2001–2020 with no
/// warning; the first field staying one number decides year first, for
/// every time column, with a warning. `01/03/24` stays day/month first.
#[test]
fn two_digit_years_first_are_read_as_years() {
    let data = "number,opened_at,resolved_at,subject\n\
                INC1,24/03/01 09:00:00,24/03/02 12:00:00,a\n\
                INC2,24/03/04 10:00:00,24/03/06 10:00:00,b\n\
                INC3,24/03/15 11:00:00,,c\n\
                INC4,24/03/20 08:00:00,24/03/20 09:00:00,d\n";
    let (rows, stats, r) = read_all(".csv", data.as_bytes(), &kpi_opts());
    assert_eq!(stats.rejected, 0, "{rows:?}");
    let t = tickets(&rows);
    assert_eq!(t[0].created_at, utc("2024-03-01T09:00:00Z"));
    assert_eq!(t[1].resolved_at, Some(utc("2024-03-06T10:00:00Z")));
    let w = r.warnings().join("\n");
    assert!(w.contains("column 'opened_at': dates with a two-digit year such as '24/03/01 09:00:00' read year first (2024-03-01;"), "{w}");
    assert!(w.contains("column 'resolved_at': dates with a two-digit year such as '24/03/02 12:00:00' read year first (2024-03-02; Oracle's RR/MM/DD, Japanese and Chinese exports): as in column 'opened_at'"), "{w}");
    // Day first with the year last: nothing changes.
    let dmy = "id,created,subject\n1,01/03/24 09:00,a\n2,15/03/24 09:00,b\n3,28/02/24 09:00,c\n4,20/03/24 09:00,d\n";
    let (rows, _, r) = read_all(".csv", dmy.as_bytes(), &kpi_opts());
    assert_eq!(tickets(&rows)[1].created_at, utc("2024-03-15T09:00:00Z"));
    assert!(
        !r.warnings().iter().any(|w| w.contains("year first")),
        "{:?}",
        r.warnings()
    );
}

/// A handle-time column without a unit (`Talk time` of a call log, in
/// seconds): minutes unless said otherwise, so a median of hours of agent
/// work a ticket names seconds (a warning when unusual, a stop past 6 h);
/// a typical column only gets the unit said.
#[test]
fn unlabelled_handle_time_in_seconds_is_caught() {
    let rows = |xs: &[u32]| {
        let mut d = String::from("id,subject,created_at,Talk time\n");
        for (i, x) in xs.iter().enumerate() {
            d.push_str(&format!("{i},s,2024-03-01 09:00,{x}\n"));
        }
        d
    };
    let msg = open_err(
        ".csv",
        rows(&[245, 610, 180, 420, 900]).as_bytes(),
        &kpi_opts(),
    )
    .to_string();
    assert!(
        msg.ends_with("column 'Talk time' names no unit, and read as minutes its median handle time is 7.0 h; the numbers look like seconds (median 7.0 min): pass `units` handle_time=seconds, or `units` handle_time=minutes if they are minutes"),
        "{msg}"
    );
    let (_, _, r) = read_all(".csv", rows(&[150, 200, 180, 240]).as_bytes(), &kpi_opts());
    let w = r.warnings().join("\n");
    assert!(w.contains("column 'Talk time' names no unit: its numbers are read as minutes (median 3.2 h), an unusual handle time; if they are seconds (median 3.2 min), pass `units` handle_time=seconds"), "{w}");
    let (rows_, _, r) = read_all(".csv", rows(&[4, 12, 7, 9]).as_bytes(), &kpi_opts());
    let w = r.warnings().join("\n");
    assert!(
        w.contains(
            "column 'Talk time' names no unit: its numbers are read as minutes (median 8.0 min)"
        ),
        "{w}"
    );
    assert_eq!(tickets(&rows_)[0].handle_minutes, Some(4.0));
    let opts = IngestOptions {
        units: vec![("handle_time".into(), "seconds".into())],
        ..kpi_opts()
    };
    let (rows_, _, r) = read_all(".csv", rows(&[245, 610, 180, 420, 900]).as_bytes(), &opts);
    assert!(
        !r.warnings().iter().any(|w| w.contains("Talk time")),
        "{:?}",
        r.warnings()
    );
    assert_eq!(tickets(&rows_)[3].handle_minutes, Some(7.0));
}

/// A duration column whose header names no unit: the unit read is said in
/// a warning, and when the median read that way is unusual (minutes read as
/// hours: a resolution median of 35 days) and another unit fits, the run
/// stops and names both units.
#[test]
fn assumed_units_are_said_and_unusual_medians_stop() {
    let mut data = String::from("id,subject,created_at,First response time,Resolution time\n");
    for (i, (frt, res)) in [(20, 600), (45, 840), (30, 1200), (60, 720), (15, 900)]
        .iter()
        .enumerate()
    {
        data.push_str(&format!("{i},s,2024-03-0{} 09:00,{frt},{res}\n", i + 1));
    }
    // Unusual (35 days): read, with a warning that names minutes.
    let (_, _, r) = read_all(".csv", data.as_bytes(), &kpi_opts());
    let w = r.warnings().join("\n");
    assert!(
        w.contains("column 'Resolution time' names no unit: its numbers are read as hours (median 35.0 days), an unusual resolution time; if they are minutes (median 14.0 h), pass `units` resolved=minutes"),
        "{w}"
    );
    // Far off (150 days): a stop that names both units.
    let far = data
        .replace(",600\n", ",3600\n")
        .replace(",840\n", ",3360\n")
        .replace(",1200\n", ",4200\n")
        .replace(",720\n", ",5040\n")
        .replace(",900\n", ",3000\n");
    let msg = open_err(".csv", far.as_bytes(), &kpi_opts()).to_string();
    assert!(
        msg.ends_with(
            "column 'Resolution time' names no unit, and read as hours its median resolution time is 150.0 days; the numbers look like minutes (median 2.5 days): pass `units` resolved=minutes, or `units` resolved=hours if they are hours"
        ),
        "{msg}"
    );
    let opts = IngestOptions {
        units: vec![("resolved".into(), "minutes".into())],
        ..kpi_opts()
    };
    let (rows, _, r) = read_all(".csv", data.as_bytes(), &opts);
    let hours: Vec<f64> = tickets(&rows)
        .iter()
        .map(|t| t.resolution_hours().unwrap())
        .collect();
    assert_eq!(hours, [10.0, 14.0, 20.0, 12.0, 15.0]);
    // First response stays in minutes, and the warning says so.
    let w = r.warnings().join("\n");
    assert!(
        w.contains("column 'First response time' names no unit: its numbers are read as minutes (median 30 min)"),
        "{w}"
    );
    assert!(!w.contains("'Resolution time' names no unit"), "{w}");
    // Hours in an unlabelled first response column: half a minute is an
    // unusual first response time, and the warning says hours fit.
    let data = "id,subject,created_at,First response time\n1,s,2024-03-01,0.5\n2,s,2024-03-01,0.25\n3,s,2024-03-01,1.5\n";
    let (_, _, r) = read_all(".csv", data.as_bytes(), &kpi_opts());
    let w = r.warnings().join("\n");
    assert!(
        w.contains("if they are hours (median 30 min), pass `units` first_response=hours"),
        "{w}"
    );
}

/// Seconds mapped as a resolution (read as hours) would give a median of
/// years: the run stops and says which unit the numbers look like.
#[test]
fn implausible_units_stop_the_run() {
    let mut data = String::from("id,subject,created_at,calendar_stc\n");
    for (i, secs) in [36_000, 41_040, 90_000].iter().enumerate() {
        data.push_str(&format!("{i},s,2024-01-01,{secs}\n"));
    }
    let opts = IngestOptions {
        map: vec![("resolved".into(), "calendar_stc".into())],
        ..kpi_opts()
    };
    let e = open_err(".csv", data.as_bytes(), &opts);
    let msg = e.to_string();
    assert!(
        msg.ends_with(
            "column 'calendar_stc': median resolution 4.7 years if read as hours: the numbers look like seconds; pass `units` resolved=seconds"
        ),
        "{msg}"
    );
    // With the unit given, it reads.
    let opts = IngestOptions {
        units: vec![("resolved".into(), "seconds".into())],
        ..opts
    };
    let (rows, _, _) = read_all(".csv", data.as_bytes(), &opts);
    let h = tickets(&rows)[1].resolution_hours.unwrap();
    assert!((h - 11.4).abs() < 1e-9, "{h}");

    // Milliseconds as first response minutes: months.
    let data = "id,subject,created_at,first_response_minutes\n1,s,2024-01-01,5400000\n";
    let msg = open_err(".csv", data.as_bytes(), &kpi_opts()).to_string();
    assert!(
        msg.contains("median first response 10.3 years if read as minutes: the numbers look like milliseconds; pass `units` first_response=milliseconds"),
        "{msg}"
    );
}

#[test]
fn dates_years_in_the_future_stop_the_run() {
    let data = "id,subject,created_at\n1,s,2024-01-01\n2,s,01/01/2190\n";
    let msg = open_err(".csv", data.as_bytes(), &kpi_opts()).to_string();
    assert!(
        msg.contains(
            "column 'created_at': value '01/01/2190' reads as 2190-01-01, years after today"
        ),
        "{msg}"
    );
}

/// Rows read ahead for inference keep their order, line numbers and, for
/// JSONL, their raw line in rejects.
#[test]
fn sampled_rows_keep_order_and_raw_lines() {
    let data = "{\"id\":\"1\",\"subject\":\"a\",\"created_at\":\"2024-01-01\"}\n\
                {\"id\":\"2\",\"subject\":\"b\",\"created_at\":\"nope\"}\n\
                {\"id\":\"3\",\"subject\":\"c\",\"created_at\":\"2024-01-03\"}\n";
    let f = write_tmp(".jsonl", data.as_bytes());
    let reader = open(&InputSource::Path(f.path().to_path_buf()), &kpi_opts()).unwrap();
    let rows: Vec<Row> = reader.map(|r| r.unwrap()).collect();
    let ids: Vec<String> = rows
        .iter()
        .map(|r| match r {
            Row::Ticket(t) => t.id.clone(),
            Row::Rejected(x) => format!("rej{}:{}", x.line, x.raw),
        })
        .collect();
    assert_eq!(
        ids,
        [
            "1".to_string(),
            "rej2:{\"id\":\"2\",\"subject\":\"b\",\"created_at\":\"nope\"}".to_string(),
            "3".to_string()
        ]
    );
}

/// Arbitrary short strings over the characters dates, clocks, numbers and
/// durations are made of never panic any value parser.
#[test]
fn value_parsers_never_panic_on_arbitrary_text() {
    use crate::ingest::durations::{parse_duration_minutes, parse_number, NumberStyle};
    use crate::ingest::time::{
        day_month_shape, parse_excel_serial, parse_timestamp_ordered, parse_with_format,
    };
    use rand::{Rng, SeedableRng};
    const ALPHABET: &[char] = &[
        '0', '1', '2', '3', '9', '/', '-', '.', ':', ' ', ',', 'A', 'P', 'M', 'T', 'Z', 'H', 'D',
        'S', 'W', 'a', 'p', 'm', 'h', 's', 'd', '+', 'é', 'M', 'a', 'r', 'n', 'd',
    ];
    let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(10);
    let tz = chrono_tz::Tz::UTC;
    for _ in 0..50_000 {
        let n = rng.gen_range(0..24);
        let s: String = (0..n)
            .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())])
            .collect();
        for order in [None, Some(DateOrder::Dmy), Some(DateOrder::Mdy)] {
            let _ = parse_timestamp_ordered(&s, tz, order);
        }
        let _ = parse_duration_minutes(&s);
        let _ = parse_number(&s, NumberStyle::Dot);
        let _ = parse_number(&s, NumberStyle::Comma);
        let _ = parse_excel_serial(&s, tz);
        let _ = parse_with_format(&s, "%d/%m/%Y %H:%M", tz);
        if let Some(shape) = day_month_shape(&s) {
            assert!(shape.date_len <= s.len(), "{s:?}");
        }
    }
}

/// A `Resolved` column of yes/no flags says whether a ticket is resolved,
/// not when: read as its status when the export has none (a `1` was a
/// one-hour resolution), with a warning, and never as a time.
#[test]
fn a_resolved_flag_column_is_a_status_not_a_time() {
    let mut data = String::from("id,created_at,subject,Resolved\n1,2024-03-01 09:00,a,1\n2,2024-03-01 10:00,b,0\n3,2024-03-01 11:00,c,\n");
    for i in 4..=10_000 {
        data.push_str(&format!("{i},2024-03-02 09:00,d,{}\n", i % 2));
    }
    // A time after the sampled flags is read as a time.
    data.push_str("10001,2024-03-02 09:00,e,2024-03-02 10:00\n");
    let (rows, _, r) = read_all(".csv", data.as_bytes(), &kpi_opts());
    let t = tickets(&rows);
    assert_eq!(t[0].resolution_hours, None);
    assert_eq!(t[0].status.as_deref(), Some("resolved"));
    assert_eq!(t[1].status.as_deref(), Some("open"));
    assert_eq!(t[2].status, None);
    assert_eq!(t[10_000].resolution_hours(), Some(1.0));
    // A single `1`: under a header that names a state it is the flag;
    // under one that names a time it is too little to tell (an hour).
    let few = "id,created_at,subject,Resolved\n1,2024-03-01 09:00,a,1\n";
    let (rows, _, _) = read_all(".csv", few.as_bytes(), &kpi_opts());
    assert_eq!(tickets(&rows)[0].status.as_deref(), Some("resolved"));
    let few = "id,created_at,subject,Resolved at\n1,2024-03-01 09:00,a,1\n";
    let (rows, _, _) = read_all(".csv", few.as_bytes(), &kpi_opts());
    assert_eq!(tickets(&rows)[0].status, None);
    assert!(
        r.warnings()
            .iter()
            .any(|w| w.contains("column 'Resolved' holds yes/no values, not times")),
        "{:?}",
        r.warnings()
    );
    // A status column wins; durations of 0 and 1 hours among others stay durations.
    let with_status = format!(
        "id,created_at,subject,Status,Resolved\n{}",
        "1,2024-03-01 09:00,a,Pending,true\n".repeat(10)
    );
    let (rows, _, _) = read_all(".csv", with_status.as_bytes(), &kpi_opts());
    assert_eq!(tickets(&rows)[0].status.as_deref(), Some("Pending"));
    let hours = "id,created_at,subject,Resolution time (in hrs)\n1,2024-03-01 09:00,a,1\n2,2024-03-01 09:00,b,0\n";
    let (rows, _, _) = read_all(".csv", hours.as_bytes(), &kpi_opts());
    assert_eq!(tickets(&rows)[0].resolution_hours, Some(1.0));
}

/// A `;`-separated file is a European spreadsheet's: `/` dates that no
/// value decides are day-first there, with the warning saying why.
#[test]
fn semicolon_files_read_undecided_slash_dates_day_first() {
    let data = "Id;Subject;Created time\n1;a;01/03/2024 09:00\n2;b;02/03/2024 10:00\n";
    let (rows, _, r) = read_all(".csv", data.as_bytes(), &kpi_opts());
    let created: Vec<String> = tickets(&rows)
        .iter()
        .map(|t| t.created_at.to_rfc3339())
        .collect();
    assert_eq!(
        created,
        ["2024-03-01T09:00:00+00:00", "2024-03-02T10:00:00+00:00"]
    );
    assert!(
        r.warnings()[0]
            .contains("read day-first (the default for '/' dates in a ';'-separated file"),
        "{:?}",
        r.warnings()
    );
    // A 12-hour clock is a US export's, `;` or not.
    let data = "Id;Subject;Created time\n1;a;01/03/2024 9:00 AM\n2;b;02/03/2024 10:00 AM\n";
    let (rows, _, _) = read_all(".csv", data.as_bytes(), &kpi_opts());
    assert_eq!(
        tickets(&rows)[0].created_at.to_rfc3339(),
        "2024-01-03T09:00:00+00:00"
    );
}

/// A yes/no resolution column is a flag with few values too when its values
/// are words or its header names a state; `0`/`1` under a time's header
/// needs 10 values before it is one.
#[test]
fn small_flag_columns() {
    use crate::ticket::TicketState;
    let states = |data: &str| -> Vec<TicketState> {
        let (rows, _, _) = read_all(".csv", data.as_bytes(), &kpi_opts());
        tickets(&rows).iter().map(|t| t.state()).collect()
    };
    let data =
        "Id,Subject,Created at,Resolved\n1,a,2024-03-01,1\n2,b,2024-03-01,0\n3,c,2024-03-01,1\n";
    assert_eq!(
        states(data),
        [
            TicketState::Resolved,
            TicketState::Open,
            TicketState::Resolved
        ]
    );
    let data = "Id,Subject,Created at,Resolved\n1,a,2024-03-01,Yes\n2,b,2024-03-01,No\n";
    assert_eq!(states(data), [TicketState::Resolved, TicketState::Open]);
    // `resolution_hours` holding 0 and 1 is durations.
    let data = "Id,Subject,Created at,resolution_hours\n1,a,2024-03-01,1\n2,b,2024-03-01,0\n";
    let (rows, _, _) = read_all(".csv", data.as_bytes(), &kpi_opts());
    assert_eq!(tickets(&rows)[0].resolution_hours, Some(1.0));
}
