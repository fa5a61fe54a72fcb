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
    assert_eq!((ch["chat"].handled, ch["chat"].resolved), (1, 1));
    let (_, pr) = &r.by[1];
    assert_eq!(pr["high"].tickets, 3);
    // Combined: (none)×high, chat×high, email×high, email×low, sorted.
    let rows: Vec<(Vec<String>, u64)> = r
        .table
        .iter()
        .map(|row| (row.values.clone(), row.block.tickets))
        .collect();
    let s = |a: &str, b: &str| vec![a.to_string(), b.to_string()];
    assert_eq!(
        rows,
        vec![
            (s("(none)", "high"), 1),
            (s("chat", "high"), 1),
            (s("email", "high"), 1),
            (s("email", "low"), 1)
        ]
    );
    assert_eq!(
        r.table_file_name().as_deref(),
        Some("kpis_by_channel_priority.csv")
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
        .starts_with("invalid --by: unknown dimension `colour`"));
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
            dir.path().join("kpis_by_channel.csv")
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
        "channel,period,tickets,share,handled,resolved,backlog,first_response_minutes_mean,"
    ));
    assert!(header.contains(",sla_breach_rate,sla_breached,sla_eligible,"));
    assert!(csv.contains("\"'=HYPERLINK(\"\"x\"\")\",2025-W10,1,0.5,"));
    assert!(lines.any(|l| l.starts_with("email,2025-W10,1,0.5,1,0,1,,,,0,")));
    // No leftover temp files.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
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
