//! Tests for the synthetic world.

use chrono::{DateTime, TimeZone, Utc};

use super::truth::{auc, kpi_truth, quantile, SURGE_KEYWORDS};
use super::*;

fn small() -> SynthConfig {
    SynthConfig {
        seed: 7,
        tickets: 600,
        customers: 90,
        ..Default::default()
    }
}

fn csv_bytes(w: &World) -> Vec<u8> {
    let mut out = Vec::new();
    w.write_tickets_csv(&mut out).unwrap();
    out
}

/// Physical lines of a byte buffer (without their `\n`).
fn lines(bytes: &[u8]) -> Vec<&[u8]> {
    let mut v: Vec<&[u8]> = bytes.split(|b| *b == b'\n').collect();
    if v.last().is_some_and(|l| l.is_empty()) {
        v.pop();
    }
    v
}

#[test]
fn default_config_matches_the_committed_fixtures() {
    let c = SynthConfig::default();
    assert_eq!(
        (c.seed, c.tickets, c.customers, c.months),
        (42, 2000, 300, 6)
    );
    assert_eq!(c.start, NaiveDate::from_ymd_opt(2025, 5, 1).unwrap());
    assert!(c.surge && c.broken_rows && c.hostile_rows);
}

#[test]
fn same_config_gives_identical_bytes() {
    let a = generate(&small());
    let b = generate(&small());
    assert_eq!(csv_bytes(&a), csv_bytes(&b));
    let ja = serde_json::to_string(&a.ground_truth()).unwrap();
    assert_eq!(ja, serde_json::to_string(&b.ground_truth()).unwrap());
    let da = tempfile::tempdir().unwrap();
    let db = tempfile::tempdir().unwrap();
    a.write(da.path()).unwrap();
    b.write(db.path()).unwrap();
    for f in [
        "tickets.csv",
        "customers.csv",
        "customers_truth.csv",
        "ground_truth.json",
    ] {
        assert_eq!(
            std::fs::read(da.path().join(f)).unwrap(),
            std::fs::read(db.path().join(f)).unwrap(),
            "{f}"
        );
    }
    let c = generate(&SynthConfig { seed: 8, ..small() });
    assert_ne!(csv_bytes(&a), csv_bytes(&c));
}

#[test]
fn row_counts_match_the_config() {
    let w = generate(&small());
    assert_eq!(w.tickets().len(), 600);
    assert_eq!(w.customers().len(), 90);
    assert_eq!(w.broken_rows().len(), 8);
    let bytes = csv_bytes(&w);
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(&bytes[..]);
    let records: Vec<csv::ByteRecord> = rdr.byte_records().map(|r| r.unwrap()).collect();
    assert_eq!(records.len(), 608);
    assert_eq!(records.iter().filter(|r| r.len() == 19).count(), 606);
    let g = w.ground_truth();
    assert_eq!(g.tickets_csv_lines, lines(&bytes).len() as u64);
    assert_eq!(g.valid_tickets, 600);
    assert_eq!(g.labels.len(), 600);
}

#[test]
fn every_row_sits_at_its_recorded_line() {
    let w = generate(&small());
    let bytes = csv_bytes(&w);
    let ls = lines(&bytes);
    assert!(ls[0].starts_with(b"ticket_id,customer_id,created_at,"));
    for b in w.broken_rows() {
        let mut l = ls[b.line as usize - 1].to_vec();
        l.push(b'\n');
        assert_eq!(l, b.bytes, "broken row {} at line {}", b.id, b.line);
    }
    for t in w.tickets() {
        assert!(
            ls[t.line as usize - 1].starts_with(format!("{},", t.id).as_bytes()),
            "{} at {}",
            t.id,
            t.line
        );
    }
    // The file as a whole is not UTF-8, because of exactly one row.
    assert!(std::str::from_utf8(&bytes).is_err());
    let bad: Vec<_> = ls
        .iter()
        .filter(|l| std::str::from_utf8(l).is_err())
        .collect();
    assert_eq!(bad.len(), 1);
    let kinds: Vec<&str> = w.broken_rows().iter().map(|b| b.kind.as_str()).collect();
    for k in [
        "column_count",
        "bad_created_at",
        "missing_created_at",
        "empty_text",
        "invalid_utf8",
        "bad_csat",
    ] {
        assert!(kinds.contains(&k), "{k}");
    }
    assert!(kinds.contains(&"csat_out_of_range"));
}

#[test]
fn hostile_rows_are_present_and_valid() {
    let w = generate(&small());
    let text = String::from_utf8_lossy(&csv_bytes(&w)).into_owned();
    assert!(text.contains("<script>alert(1)</script>"));
    assert!(text.contains("\"\"><img src=x onerror=alert(1)>"));
    assert!(text.contains(",\"=HYPERLINK(\"\"http://x\"\",\"\"click\"\") refund status\","));
    assert!(text.contains(",@SUM(1+1) on my invoice,"));
    assert!(
        text.contains("中文") && text.contains('é') && text.contains('ü') && text.contains('🎉')
    );
    let g = w.ground_truth();
    assert_eq!(g.hostile.len(), 5);
    for h in &g.hostile {
        assert!(
            g.labels.contains_key(&h.ticket_id),
            "hostile tickets are valid tickets"
        );
    }
    let off = generate(&SynthConfig {
        hostile_rows: false,
        broken_rows: false,
        ..small()
    });
    assert!(!String::from_utf8(csv_bytes(&off))
        .unwrap()
        .contains("<script>"));
    assert!(off.broken_rows().is_empty());
}

#[test]
fn surge_is_visible_in_weekly_counts() {
    let w = generate(&SynthConfig::default());
    let s = w.ground_truth().surge.expect("surge on");
    assert_eq!(s.first_week, "2025-W41");
    assert_eq!(s.weeks, ["2025-W41", "2025-W42", "2025-W43", "2025-W44"]);
    assert!(s.ratio > 3.5 && s.ratio < 6.5, "ratio {}", s.ratio);
    let surge_min = s
        .weeks
        .iter()
        .map(|k| s.weekly_delivery_negative[k])
        .min()
        .unwrap();
    let before: Vec<usize> = s
        .weekly_delivery_negative
        .iter()
        .filter(|(k, _)| k.as_str() < "2025-W41")
        .map(|(_, v)| *v)
        .collect();
    let before_mean = before.iter().sum::<usize>() as f64 / before.len() as f64;
    assert!(
        surge_min as f64 > 2.5 * before_mean,
        "{surge_min} vs {before_mean}"
    );
    for t in w.tickets().iter().filter(|t| t.kind == TextKind::Surge) {
        let (subj, body) = w.text_of(t);
        let text = format!("{subj} {body}").to_lowercase();
        for k in &SURGE_KEYWORDS[..3] {
            assert!(text.contains(k), "{k} missing in {text}");
        }
        assert!(t.created_at.date_naive() >= s.start);
    }
    let none = generate(&SynthConfig {
        surge: false,
        ..small()
    });
    assert!(none.ground_truth().surge.is_none());
    assert!(none.tickets().iter().all(|t| t.kind != TextKind::Surge));
}

fn at(d: u32, h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 6, d, h, m, 0).unwrap()
}

#[allow(clippy::too_many_arguments)]
fn hand(
    created: DateTime<Utc>,
    priority: Priority,
    fr: Option<DateTime<Utc>>,
    resolved: Option<DateTime<Utc>>,
    status: Status,
    replies: u32,
    reopens: u32,
    escalated: bool,
    survey: (Option<u8>, Option<u8>, Option<u8>),
) -> SynthTicket {
    SynthTicket {
        id: String::new(),
        line: 0,
        customer: 0,
        created_at: created,
        first_response_at: fr,
        resolved_at: resolved,
        status,
        channel: "email",
        priority,
        agent: None,
        team: "Tier 1",
        escalated,
        reopens,
        replies,
        csat: survey.0,
        nps: survey.1,
        ces: survey.2,
        tags: Vec::new(),
        topic: Topic::Order,
        sentiment: Sentiment::Neutral,
        kind: TextKind::Normal,
        text_seed: 0,
    }
}

#[test]
fn kpi_truth_on_a_hand_checked_world() {
    use Priority::*;
    let tickets = [
        // 60 min FRT (target 480), resolved after 24 h, one-touch.
        hand(
            at(1, 9, 0),
            Normal,
            Some(at(1, 10, 0)),
            Some(at(2, 9, 0)),
            Status::Closed,
            1,
            0,
            false,
            (Some(5), Some(10), Some(6)),
        ),
        // 120 min FRT against a 60 min target: breach; 12 h, reopened, escalated.
        hand(
            at(2, 9, 0),
            Urgent,
            Some(at(2, 11, 0)),
            Some(at(2, 21, 0)),
            Status::Solved,
            3,
            1,
            true,
            (Some(2), Some(3), Some(2)),
        ),
        // Answered exactly at the 240 min target: not a breach. Unresolved.
        hand(
            at(3, 9, 0),
            High,
            Some(at(3, 13, 0)),
            None,
            Status::Pending,
            1,
            0,
            false,
            (None, Some(8), None),
        ),
        // Unanswered for 30 min of a 1440 min target: not yet eligible.
        hand(
            at(10, 11, 30),
            Low,
            None,
            None,
            Status::Open,
            0,
            0,
            false,
            (None, None, None),
        ),
        // Unanswered for 24 h of a 480 min target: breach.
        hand(
            at(9, 12, 0),
            Normal,
            None,
            None,
            Status::Open,
            0,
            0,
            false,
            (None, None, None),
        ),
    ];
    let k = kpi_truth(&tickets, at(10, 12, 0));
    assert_eq!((k.tickets, k.backlog, k.resolved), (5, 3, 2));
    // FRT sorted 60, 120, 240.
    assert_eq!(
        k.first_response_minutes,
        Stats {
            mean: Some(140.0),
            median: Some(120.0),
            p90: Some(216.0),
            count: 3
        }
    );
    // Resolution sorted 12, 24: p90 = 12 + 0.9·12.
    assert_eq!(k.resolution_hours.count, 2);
    assert_eq!(k.resolution_hours.mean, Some(18.0));
    assert_eq!(k.resolution_hours.median, Some(18.0));
    assert!((k.resolution_hours.p90.unwrap() - 22.8).abs() < 1e-9);
    assert_eq!((k.csat_rate, k.csat_responses), (Some(0.5), 2));
    assert_eq!((k.nps, k.nps_responses), (Some(0.0), 3));
    assert_eq!((k.ces_mean, k.ces_responses), (Some(4.0), 2));
    assert_eq!(k.escalation_rate, Some(0.2));
    assert_eq!(k.reopen_rate, Some(0.5));
    assert_eq!(k.fcr_rate, Some(0.5));
    assert_eq!(
        (k.sla_breached, k.sla_eligible, k.sla_breach_rate),
        (2, 4, Some(0.5))
    );

    let empty = kpi_truth(&[], at(10, 12, 0));
    assert_eq!(empty.first_response_minutes.mean, None);
    assert_eq!(empty.sla_breach_rate, None);
}

#[test]
fn quantile_and_auc_match_hand_values() {
    assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0], 0.5), Some(2.5));
    assert!((quantile(&[1.0, 2.0, 3.0, 4.0], 0.9).unwrap() - 3.7).abs() < 1e-12);
    assert_eq!(quantile(&[5.0], 0.9), Some(5.0));
    assert_eq!(quantile(&[], 0.9), None);
    assert_eq!(
        auc(&[0.1, 0.4, 0.35, 0.8], &[false, false, true, true]),
        Some(0.75)
    );
    assert_eq!(auc(&[0.5, 0.5], &[true, false]), Some(0.5));
    assert_eq!(auc(&[0.2, 0.3], &[true, true]), None);
}

#[test]
fn churn_world_is_learnable_but_not_trivial() {
    let w = generate(&SynthConfig::default());
    let c = w.ground_truth().churn;
    let rate = c.churn_rate.unwrap();
    assert!((0.15..=0.30).contains(&rate), "churn rate {rate}");
    let auc = c.oracle_auc.unwrap();
    assert!((0.78..=0.93).contains(&auc), "oracle AUC {auc}");
    // Churners wrote more negative tickets than stayers, on average.
    let mut neg = vec![0usize; w.customers().len()];
    for t in w
        .tickets()
        .iter()
        .filter(|t| t.sentiment == Sentiment::Negative)
    {
        neg[t.customer] += 1;
    }
    let mean = |churned: bool| {
        let v: Vec<usize> = w
            .customers()
            .iter()
            .enumerate()
            .filter(|(_, c)| c.churned == churned)
            .map(|(i, _)| neg[i])
            .collect();
        v.iter().sum::<usize>() as f64 / v.len() as f64
    };
    assert!(
        mean(true) > 1.5 * mean(false),
        "{} vs {}",
        mean(true),
        mean(false)
    );
}

#[test]
fn timings_are_consistent_and_angry_tickets_are_slower() {
    let w = generate(&SynthConfig::default());
    for t in w.tickets() {
        assert!(t.created_at <= w.as_of());
        if let Some(f) = t.first_response_at {
            assert!(f > t.created_at && f <= w.as_of(), "{}", t.id);
            assert!((1..=8).contains(&t.replies));
        } else {
            assert_eq!(t.status, Status::Open);
            assert_eq!(t.replies, 0);
        }
        if let Some(r) = t.resolved_at {
            assert!(t.status.is_resolved() && r >= t.first_response_at.unwrap() && r <= w.as_of());
        }
        assert!(t.reopens <= 3);
    }
    let median_frt = |neg: bool| {
        let mut v: Vec<f64> = w
            .tickets()
            .iter()
            .filter(|t| (t.sentiment == Sentiment::Negative) == neg)
            .filter_map(|t| {
                t.first_response_at
                    .map(|f| (f - t.created_at).num_minutes() as f64)
            })
            .collect();
        v.sort_by(f64::total_cmp);
        quantile(&v, 0.5).unwrap()
    };
    assert!(median_frt(true) > median_frt(false));
    let csat = |neg: bool| {
        let v: Vec<f64> = w
            .tickets()
            .iter()
            .filter(|t| (t.sentiment == Sentiment::Negative) == neg)
            .filter_map(|t| t.csat.map(f64::from))
            .collect();
        v.iter().sum::<f64>() / v.len() as f64
    };
    assert!(csat(true) < csat(false) - 0.5);
    let blank = w.tickets().iter().filter(|t| t.csat.is_none()).count() as f64 / 2000.0;
    assert!((0.5..0.7).contains(&blank), "csat blank share {blank}");
}

#[test]
fn typed_tickets_mirror_the_records() {
    let w = generate(&small());
    let typed = w.typed_tickets();
    assert_eq!(typed.len(), w.tickets().len());
    let (t, s) = (&typed[10], &w.tickets()[10]);
    assert_eq!(
        (t.id.as_str(), t.line, t.created_at),
        (s.id.as_str(), s.line, s.created_at)
    );
    assert_eq!(
        t.frt_minutes(),
        s.first_response_at
            .map(|f| (f - s.created_at).num_minutes() as f64)
    );
    assert!(!t.text().is_empty());
}

#[test]
fn degenerate_configs_do_not_panic() {
    let w = generate(&SynthConfig {
        tickets: 0,
        customers: 0,
        months: 0,
        ..Default::default()
    });
    assert!(w.tickets().is_empty() && w.broken_rows().is_empty());
    assert_eq!(lines(&csv_bytes(&w)).len(), 1);
    assert_eq!(w.ground_truth().kpi.tickets, 0);
    let w = generate(&SynthConfig {
        tickets: 3,
        customers: 0,
        months: 1,
        ..Default::default()
    });
    assert_eq!(w.tickets().len(), 3);
    assert_eq!(w.customers().len(), 1);
    let bytes = csv_bytes(&w);
    for b in w.broken_rows() {
        assert_eq!(lines(&bytes)[b.line as usize - 1].len() + 1, b.bytes.len());
    }
}

/// The committed fixtures must be what the generator produces today;
/// regenerate with `cargo test -p ticketlens-synth -- --ignored regenerate_fixtures`.
#[test]
fn committed_fixtures_are_current() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures");
    let fresh = tempfile::tempdir().unwrap();
    generate(&SynthConfig::default())
        .write(fresh.path())
        .unwrap();
    for f in [
        "tickets.csv",
        "customers.csv",
        "customers_truth.csv",
        "ground_truth.json",
    ] {
        let committed = std::fs::read(dir.join(f)).unwrap();
        assert!(
            committed == std::fs::read(fresh.path().join(f)).unwrap(),
            "fixtures/{f} is stale: regenerate it"
        );
    }
    assert!(std::fs::metadata(dir.join("tickets.csv")).unwrap().len() < 2_000_000);
}

/// Regenerate the committed fixtures: `cargo test -p ticketlens-synth -- --ignored regenerate_fixtures`.
#[test]
#[ignore]
fn regenerate_fixtures() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures");
    generate(&SynthConfig::default()).write(&dir).unwrap();
}
