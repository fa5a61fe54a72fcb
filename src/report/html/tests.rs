use super::*;
use crate::ticket::{Prediction, Sentiment, ThemeRef, Ticket};
use chrono::{TimeZone, Utc};
use serde_json::json;

const SCRIPT_XSS: &str = "<script>alert(1)</script>";
const IMG_XSS: &str = "\"><img src=x onerror=alert(1)>";

fn ticket(i: u32) -> EnrichedTicket {
    let created = Utc.with_ymd_and_hms(2025, 6, 2 + i % 20, 9, 0, 0).unwrap();
    let mut t = EnrichedTicket::new(Ticket {
        line: u64::from(i) + 2,
        id: format!("T{i}"),
        created_at: created,
        first_response_minutes: Some(f64::from(i % 7) * 20.0),
        resolution_hours: (!i.is_multiple_of(3)).then_some(f64::from(i % 5) * 9.0),
        status: Some(
            if i.is_multiple_of(3) {
                "open"
            } else {
                "closed"
            }
            .into(),
        ),
        agent: Some(format!("{SCRIPT_XSS}{IMG_XSS}")),
        csat: Some(f64::from(1 + i % 5)),
        subject: Some(SCRIPT_XSS.into()),
        ..Default::default()
    });
    t.prediction = Some(Prediction {
        sentiment: [Sentiment::Negative, Sentiment::Neutral, Sentiment::Positive][(i % 3) as usize],
        sentiment_confidence: 0.8,
        p_negative: 0.3,
        p_neutral: 0.3,
        p_positive: 0.4,
        topic: if i.is_multiple_of(2) {
            format!("{SCRIPT_XSS}topic")
        } else {
            "BILLING".into()
        },
        topic_confidence: 0.6,
    });
    t.theme = Some(ThemeRef {
        id: 0,
        label: IMG_XSS.into(),
        distance: 0.1,
    });
    t
}

fn evil_inputs(tickets: &[EnrichedTicket]) -> ReportInputs<'_> {
    let mut r = ReportInputs::new(
        format!("Report {SCRIPT_XSS}"),
        tickets,
        Period::Week,
        chrono_tz::UTC,
    );
    let evil = format!("{SCRIPT_XSS}{IMG_XSS}");
    r.run = json!({"model": {"name": evil, "sha256": "ab12"}, "rows": {"read": 40, "written": 39, "rejected": 1}, "timings": {"classify": 0.5}});
    r.kpis = Some(json!({
        "overall": {"tickets": 40, "first_response_minutes": {"median": 61.0, "p90": 130.0}, "csat_rate": 0.6},
        "by": {"agent": {evil.clone(): {"tickets": 40}}, "channel": {"email": {"tickets": 40, "sla_breach_rate": 0.1}}},
        "periods": {"2025-W23": {"tickets": 14, "csat_rate": 0.5}, "2025-W24": {"tickets": 14, "csat_rate": 0.7}, "2025-W25": {"tickets": 12, "csat_rate": 0.1}}
    }));
    r.themes = Some(json!({
        "themes": [{"id": 0, "label": evil, "size": 40, "keywords": [{"term": evil, "weight": 1.0}],
                    "examples": [{"ticket_id": evil, "text": evil}]}],
        "trending": [{"theme_id": 0, "label": evil, "growth": 0.5}]
    }));
    r.trends = vec![json!({"theme": "0", "label": evil, "period": "2025-W23", "count": "3"})];
    r.at_risk = vec![
        json!({"customer_id": evil, "churn_risk": "0.9", "risk_band": evil, "top_factors": evil, "plan": evil}),
    ];
    r.churn_eval = Some(json!({"holdout": {"roc_auc": 0.8}, "baseline": {"roc_auc": 0.6}}));
    r
}

#[test]
fn untrusted_text_is_escaped_everywhere() {
    let tickets: Vec<EnrichedTicket> = (0..40).map(ticket).collect();
    let html = render(&evil_inputs(&tickets)).unwrap();
    assert!(!html.contains("<script>alert"), "raw script tag in output");
    assert!(!html.contains("<img src=x"), "raw img tag in output");
    assert!(!html.contains("<img"), "no img tags at all");
    assert_eq!(
        html.matches("<script").count(),
        1,
        "only the report's own script"
    );
    assert!(html.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"));
    assert!(html.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
    // The topic label in the SVG bar chart is sanitised, not markup.
    assert!(html.contains("‹script›alert(1)"), "sanitised chart label");
    // Sections are all there.
    for id in [
        "headline",
        "charts",
        "groups",
        "themes",
        "churn",
        "definitions",
        "run",
    ] {
        assert!(html.contains(&format!("id=\"{id}\"")), "section {id}");
    }
}

#[test]
fn csp_allows_exactly_the_report_script() {
    assert_eq!(
        sha256_base64(""),
        "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
    );
    let html = render(&ReportInputs::new("t", &[], Period::Month, chrono_tz::UTC)).unwrap();
    let csp = format!("script-src 'sha256-{}'", sha256_base64(SCRIPT));
    assert!(html.contains(&csp));
    assert!(html.contains(&format!("<script>{SCRIPT}</script>")));
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "no network references"
    );
}

#[test]
fn missing_results_say_why() {
    let mut r = ReportInputs::new("Empty", &[], Period::Week, chrono_tz::UTC);
    r.churn_note = Some("churn: no --customers file given".into());
    let html = render(&r).unwrap();
    assert!(html.contains("not available: no KPI results (kpis.json) for this run"));
    assert!(html.contains("not available: no themes results (themes.json) for this run"));
    assert!(html.contains("not available: churn: no --customers file given"));
    assert!(html.contains("not available: no tickets in this run"));
    assert!(html.contains("not available: no run information (run.json)"));
}

#[test]
fn headline_and_charts_use_the_data() {
    let tickets: Vec<EnrichedTicket> = (0..40).map(ticket).collect();
    let html = render(&evil_inputs(&tickets)).unwrap();
    // Data ends 2025-06-21 (Saturday of W25) → W25 incomplete, W24 vs W23.
    assert!(html.contains("2025-W24 compared with 2025-W23; 2025-W25 is incomplete and left out"));
    assert!(html.contains("+20.0 pp"), "CSAT 50% → 70%");
    assert!(html.contains("Median 1 h 01 min, 90th percentile 2 h 10 min."));
    assert_eq!(html.matches("<svg class=\"chart\"").count(), 7);
}

#[test]
fn write_creates_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("report.html");
    write(
        &ReportInputs::new("t", &[], Period::Day, chrono_tz::UTC),
        &p,
    )
    .unwrap();
    assert!(std::fs::read_to_string(&p)
        .unwrap()
        .starts_with("<!DOCTYPE html>"));
}

/// Speed figure, not an assertion: `cargo test --release --lib
/// report::html::tests::render_100k -- --ignored --nocapture`.
#[test]
#[ignore]
fn render_100k_prints_time() {
    let tickets: Vec<EnrichedTicket> = (0..100_000)
        .map(|i| {
            let mut t = ticket(i % 40);
            t.ticket.created_at += chrono::Duration::minutes(i64::from(i) * 3);
            t
        })
        .collect();
    let inputs = evil_inputs(&tickets);
    let start = std::time::Instant::now();
    let html = render(&inputs).unwrap();
    println!(
        "render: {} tickets → {} KiB in {:.1} ms",
        tickets.len(),
        html.len() / 1024,
        start.elapsed().as_secs_f64() * 1e3
    );
}
