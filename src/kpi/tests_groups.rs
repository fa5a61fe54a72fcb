//! Hand-computed tests for grouping, periods, headline figures, business
//! blocks and the written files.

use chrono_tz::Tz;

use super::tests::{as_of, close, run, t};
use super::*;
use crate::Sentiment;

#[test]
fn periods_bucket_in_the_report_time_zone() {
    // Sunday 2025-03-09 23:30 UTC is Monday 00:30 in Berlin (CET, +1).
    let tickets = || vec![t("2025-03-09T23:30:00Z"), t("2025-03-09T12:00:00Z")];
    let utc = KpiOptions {
        period: Some(Period::Week),
        ..KpiOptions::default()
    };
    let r = run(tickets(), &utc);
    assert_eq!(r.periods.keys().collect::<Vec<_>>(), ["2025-W10"]);
    let berlin = KpiOptions {
        timezone: Tz::Europe__Berlin,
        ..utc.clone()
    };
    let r = run(tickets(), &berlin);
    assert_eq!(
        r.periods.keys().collect::<Vec<_>>(),
        ["2025-W10", "2025-W11"]
    );
    assert_eq!(
        (r.periods["2025-W10"].tickets, r.periods["2025-W11"].tickets),
        (1, 1)
    );
    let day = KpiOptions {
        period: Some(Period::Day),
        ..berlin
    };
    let r = run(tickets(), &day);
    assert_eq!(
        r.periods.keys().collect::<Vec<_>>(),
        ["2025-03-09", "2025-03-10"]
    );
}

#[test]
fn periods_include_empty_buckets_up_to_as_of() {
    let opts = KpiOptions {
        period: Some(Period::Week),
        ..as_of("2025-03-25T00:00:00Z")
    };
    let r = run(
        vec![
            t("2025-03-04T10:00:00Z").frt(5.0),
            t("2025-03-18T10:00:00Z"),
        ],
        &opts,
    );
    assert_eq!(
        r.periods.keys().collect::<Vec<_>>(),
        ["2025-W10", "2025-W11", "2025-W12", "2025-W13"]
    );
    let empty = &r.periods["2025-W11"];
    assert_eq!(
        (
            empty.tickets,
            empty.share,
            empty.first_response_minutes.median
        ),
        (0, Some(0.0), None)
    );
    assert_eq!(r.periods["2025-W10"].share, Some(0.5));
}

#[test]
fn groups_single_dimensions_and_combined_table() {
    let c = "2025-03-03T08:00:00Z";
    let tickets = vec![
        t(c).channel("email").prio("high").frt(10.0),
        t(c).channel("email").prio("low").frt(30.0),
        t(c).channel("chat").prio("high").frt(2.0).res(1.0),
        t(c).prio("high"),
    ];
    let opts = KpiOptions {
        by: vec!["channel".into(), "priority".into()],
        ..as_of("2025-03-04T00:00:00Z")
    };
    opts.validate().unwrap();
    let r = run(tickets, &opts);
    assert_eq!(r.by.len(), 2);
    let (dim, ch) = &r.by[0];
    assert_eq!(dim, "channel");
    assert_eq!(ch.keys().collect::<Vec<_>>(), ["(none)", "chat", "email"]);
    assert_eq!((ch["email"].tickets, ch["email"].share), (2, Some(0.5)));
    assert_eq!(ch["email"].first_response_minutes.median, Some(20.0));
    assert_eq!((ch["chat"].handled, ch["chat"].resolved), (1, Some(1)));
    let (_, pr) = &r.by[1];
    assert_eq!(pr["high"].tickets, 3);
    // One table per dimension, rows = that dimension's groups (no period).
    let names: Vec<String> = r.table_files().into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["kpis_by_channel.csv", "kpis_by_priority.csv"]);
    let rows = |tb: &KpiTable| -> Vec<(Vec<String>, u64)> {
        tb.rows
            .iter()
            .map(|row| (row.values.clone(), row.block.tickets))
            .collect()
    };
    let v = |x: &[&str]| x.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        rows(&r.tables[1]),
        vec![(v(&["high"]), 3), (v(&["low"]), 1)]
    );
    assert_eq!(r.tables[0].rows[2].block, ch["email"]);
    assert!(!r.options.cross);

    // With `cross`: also the combined table (none)×high, chat×high,
    // email×high, email×low, sorted.
    let r = run(
        vec![
            t(c).channel("email").prio("high").frt(10.0),
            t(c).channel("email").prio("low").frt(30.0),
            t(c).channel("chat").prio("high").frt(2.0).res(1.0),
            t(c).prio("high"),
        ],
        &KpiOptions {
            cross: true,
            ..opts
        },
    );
    let (name, cross) = r.table_files().pop().unwrap();
    assert_eq!(name, "kpis_by_channel_priority.csv");
    assert_eq!(
        rows(cross),
        vec![
            (v(&["(none)", "high"]), 1),
            (v(&["chat", "high"]), 1),
            (v(&["email", "high"]), 1),
            (v(&["email", "low"]), 1)
        ]
    );
    assert_eq!(r.tables.len(), 3);
}

#[test]
fn per_dimension_tables_have_a_period_column() {
    // W10: email ×2 (one answered in 10 min), chat ×1; W11: email ×1.
    let tickets = vec![
        t("2025-03-03T08:00:00Z").channel("email").frt(10.0),
        t("2025-03-04T08:00:00Z").channel("email"),
        t("2025-03-05T08:00:00Z").channel("chat"),
        t("2025-03-11T08:00:00Z").channel("email"),
    ];
    let opts = KpiOptions {
        by: vec!["channel".into()],
        period: Some(Period::Week),
        ..as_of("2025-03-12T00:00:00Z")
    };
    let r = run(tickets, &opts);
    let names: Vec<String> = r.table_files().into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["kpis_by_channel.csv", "kpis_by_period.csv"]);
    let got: Vec<(String, String, u64, Option<f64>)> = r.tables[0]
        .rows
        .iter()
        .map(|row| {
            (
                row.values[0].clone(),
                row.period.clone().unwrap(),
                row.block.tickets,
                row.block.share,
            )
        })
        .collect();
    let s = |a: &str| a.to_string();
    assert_eq!(
        got,
        vec![
            (s("chat"), s("2025-W10"), 1, Some(1.0 / 3.0)),
            (s("email"), s("2025-W10"), 2, Some(2.0 / 3.0)),
            (s("email"), s("2025-W11"), 1, Some(1.0)),
        ]
    );
    assert_eq!(
        r.tables[0].rows[1].block.first_response_minutes.median,
        Some(10.0)
    );
    let periods: Vec<(Option<String>, u64)> = r.tables[1]
        .rows
        .iter()
        .map(|row| (row.period.clone(), row.block.tickets))
        .collect();
    assert_eq!(
        periods,
        vec![(Some(s("2025-W10")), 3), (Some(s("2025-W11")), 1)]
    );
}

#[test]
fn sentiment_split_and_channel_mix() {
    let c = "2025-03-03T08:00:00Z";
    let tickets = vec![
        t(c).frt(10.0)
            .csat(2.0)
            .pred(Sentiment::Negative, 0.9)
            .channel("email"),
        t(c).frt(30.0)
            .csat(5.0)
            .pred(Sentiment::Negative, 0.7)
            .channel("email"),
        t(c).frt(5.0)
            .csat(5.0)
            .pred(Sentiment::Positive, 0.1)
            .channel("Self-Service"),
        t(c).frt(100.0).channel("chat"),
        t(c),
    ];
    let r = run(tickets, &as_of("2025-03-04T00:00:00Z"));
    let o = &r.overall;
    assert_eq!(o.predictions, 3);
    assert!(close(o.negative_share, 2.0 / 3.0));
    let expected = (0.9f32 as f64 + 0.7f32 as f64 + 0.1f32 as f64) / 3.0;
    assert!(close(o.mean_p_negative, expected));
    let bs = o.by_sentiment.as_ref().unwrap();
    assert_eq!(
        (
            bs["negative"].tickets,
            bs["negative"].first_response_minutes_median
        ),
        (2, Some(20.0))
    );
    assert_eq!(bs["negative"].csat_rate, Some(0.5));
    assert_eq!((bs["neutral"].tickets, bs["neutral"].csat_rate), (0, None));
    assert_eq!(
        (bs["positive"].csat_rate, bs["positive"].csat_responses),
        (Some(1.0), 1)
    );
    // Channel mix over the 4 tickets with a channel.
    let mix = o.channel_mix.as_ref().unwrap();
    assert_eq!(
        (mix["email"], mix["chat"], mix["Self-Service"]),
        (0.5, 0.25, 0.25)
    );
    assert_eq!(o.self_service_share, Some(0.25));
    assert!(
        is_self_service("help_center")
            && is_self_service(" Help Centre ")
            && !is_self_service("web form")
    );
}

#[test]
fn headline_compares_the_last_two_periods() {
    // W10: FRT 10, 30 → median 20; W11: FRT 40 → 40. as_of in W11.
    // Backlog at Monday W11 00:00: W10 tickets still open then = 2 (one is
    // resolved on Tuesday W11, the other never); at as_of: 1 of W10 + 1 of W11.
    let tickets = vec![
        t("2025-03-04T10:00:00Z").frt(10.0),
        t("2025-03-05T10:00:00Z").frt(30.0).res(6.0 * 24.0),
        t("2025-03-12T10:00:00Z").frt(40.0),
    ];
    let opts = KpiOptions {
        period: Some(Period::Week),
        ..as_of("2025-03-13T00:00:00Z")
    };
    let r = run(tickets, &opts);
    let h = r.headline(true);
    let frt = h
        .iter()
        .find(|x| x.key == "first_response_minutes.median")
        .unwrap();
    assert_eq!(
        (frt.value, frt.previous, frt.change),
        (Some(40.0), Some(20.0), Some(20.0))
    );
    let backlog = h.iter().find(|x| x.key == "backlog").unwrap();
    assert_eq!(
        (backlog.value, backlog.previous, backlog.change),
        (Some(2.0), Some(2.0), Some(0.0))
    );
    assert_eq!(h.len(), 7);
    let flat = r.headline(false);
    let frt = flat
        .iter()
        .find(|x| x.key == "first_response_minutes.median")
        .unwrap();
    assert_eq!(
        (frt.value, frt.previous, frt.change),
        (Some(30.0), None, None)
    );
}

#[test]
fn business_hours_blocks() {
    // Mon–Fri 09–17 UTC. Created Fri 16:00, answered Mon 09:30 → 60 + 30 = 90
    // business minutes; resolved Mon 17:00 → 1 h + 8 h = 9 business hours.
    let cal = BusinessCalendar::parse("Mon-Fri 09:00-17:00 UTC", None).unwrap();
    let opts = KpiOptions {
        business_hours: Some(cal),
        ..as_of("2025-03-11T00:00:00Z")
    };
    let wall_frt = (2.0 * 24.0 + 17.5) * 60.0;
    let r = run(
        vec![t("2025-03-07T16:00:00Z").frt(wall_frt).res(73.0)],
        &opts,
    );
    let o = &r.overall;
    assert_eq!(o.first_response_minutes.median, Some(wall_frt));
    assert_eq!(
        o.first_response_business_minutes.as_ref().unwrap().median,
        Some(90.0)
    );
    assert_eq!(
        o.resolution_business_hours.as_ref().unwrap().median,
        Some(9.0)
    );
    assert_eq!(
        r.options.business_hours.as_deref(),
        Some("Mon-Fri 09:00-17:00 UTC")
    );
}

#[test]
fn validate_rejects_unknown_and_duplicate_dimensions() {
    let bad = KpiOptions {
        by: vec!["colour".into()],
        ..KpiOptions::default()
    };
    assert!(bad
        .validate()
        .unwrap_err()
        .to_string()
        .starts_with("invalid `by`: unknown dimension `colour`"));
    let dup = KpiOptions {
        by: vec!["agent".into(), "agent".into()],
        ..KpiOptions::default()
    };
    assert!(dup.validate().is_err());
}

#[test]
fn write_creates_json_and_neutralized_csv() {
    let dir = tempfile::tempdir().unwrap();
    let c = "2025-03-03T08:00:00Z";
    let tickets = vec![
        t(c).channel("=HYPERLINK(\"x\")").frt(5.0),
        t(c).channel("email").csat(5.0),
    ];
    let opts = KpiOptions {
        by: vec!["channel".into()],
        period: Some(Period::Week),
        ..as_of("2025-03-04T00:00:00Z")
    };
    let r = run(tickets, &opts);
    let paths = r.write(dir.path()).unwrap();
    assert_eq!(
        paths,
        vec![
            dir.path().join("kpis.json"),
            dir.path().join("kpis_by_channel.csv"),
            dir.path().join("kpis_by_period.csv")
        ]
    );
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&paths[0]).unwrap()).unwrap();
    for key in [
        "tickets",
        "backlog",
        "first_response_minutes",
        "resolution_hours",
        "csat_rate",
        "csat_responses",
        "nps",
        "nps_responses",
        "ces_mean",
        "escalation_rate",
        "reopen_rate",
        "fcr_rate",
        "sla_breach_rate",
    ] {
        assert!(json["overall"].get(key).is_some(), "{key}");
        assert!(json["by"]["channel"]["email"].get(key).is_some(), "{key}");
        assert!(json["periods"]["2025-W10"].get(key).is_some(), "{key}");
    }
    assert_eq!(json["overall"]["first_response_minutes"]["count"], 1);
    let csv = std::fs::read_to_string(&paths[1]).unwrap();
    let mut lines = csv.lines();
    let header = lines.next().unwrap();
    assert!(header.starts_with(
        "channel,period,tickets,share,handled,resolved,backlog,terminal,resolution_rate,first_response_minutes_mean,"
    ));
    assert!(header.contains(",sla_breach_rate,sla_breached,sla_eligible,"));
    assert!(csv.contains("\"'=HYPERLINK(\"\"x\"\")\",2025-W10,1,0.5,"));
    // No status or resolution data: resolved, backlog and terminal are empty cells.
    assert!(lines.any(|l| l.starts_with("email,2025-W10,1,0.5,1,,,,,,,,0,")));
    let by_period = std::fs::read_to_string(&paths[2]).unwrap();
    assert!(by_period.starts_with("period,tickets,share,"));
    assert!(by_period.contains("\n2025-W10,2,1.0,2,"));
    // No leftover temp files.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 3);
}

#[test]
fn summary_table_renders() {
    let r = run(
        vec![t("2025-03-03T08:00:00Z").frt(12.0).csat(5.0)],
        &KpiOptions::default(),
    );
    let s = r.summary_table().to_string();
    assert!(s.contains("First response median / p90") && s.contains("CSAT"));
}
