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
fn data_quality_box_is_prominent_escaped_and_a_line_when_clean() {
    let tickets: Vec<EnrichedTicket> = (0..40).map(ticket).collect();
    let mut r = evil_inputs(&tickets);
    r.run = json!({
        "skipped": [format!("themes: {SCRIPT_XSS}")],
        "data_quality": {
            "rows_read": 50, "rows_used": 40, "rows_rejected": 10, "rejected_share": 0.2,
            "max_reject_rate": 0.05, "rejects_file": "out/rejects.csv",
            "rejects_summary": [{
                "reason": "bad csat number '…' in column 'CSAT'", "count": 10,
                "first_lines": [2, 3, 4, 5, 6], "example": format!("bad csat number '{SCRIPT_XSS}' in column 'CSAT'"),
                "hint": "check the column mapping"
            }],
            "warnings": [format!("column 'Created': {IMG_XSS}")]
        }
    });
    let html = render(&r).unwrap();
    assert!(!html.contains("<script>alert"), "raw script tag in output");
    assert!(!html.contains("<img"), "no img tags at all");
    let start = html.find("id=\"data-quality\"").expect("data-quality box");
    // Near the top: before the headline KPIs.
    assert!(start < html.find("id=\"headline\"").unwrap());
    let dq = &html[start..html[start..].find("</section>").unwrap() + start];
    assert!(dq.contains("class=\"dq-alert bad\""), "{dq}");
    assert!(
        dq.contains("50 rows read, 40 used, 10 rejected (20.0%)"),
        "{dq}"
    );
    assert!(dq.contains("more than the run allows"), "{dq}");
    assert!(
        dq.contains("<strong>10 ×</strong> bad csat number &#x27;&lt;script&gt;"),
        "{dq}"
    );
    assert!(dq.contains("(lines 2, 3, 4, 5, 6, …)"), "{dq}");
    assert!(dq.contains("Hint: check the column mapping"), "{dq}");
    assert!(
        dq.contains("Warning: column &#x27;Created&#x27;: &quot;&gt;&lt;img"),
        "{dq}"
    );
    assert!(dq.contains("Skipped themes: &lt;script&gt;"), "{dq}");

    // Under the limit: still a box, not marked bad.
    r.run["data_quality"]["max_reject_rate"] = json!(0.5);
    let html = render(&r).unwrap();
    assert!(html.contains("class=\"dq-alert\""));
    assert!(!html.contains("more than the run allows"));

    // Clean: one small line.
    r.run = json!({"data_quality": {"rows_read": 40, "rows_used": 40, "rows_rejected": 0,
        "rejected_share": 0.0, "max_reject_rate": 0.05, "rejects_summary": [], "warnings": []}});
    let html = render(&r).unwrap();
    assert!(!html.contains("dq-alert\""));
    assert!(html.contains(
        "<p class=\"dq-clean\" id=\"data-quality\">Data quality: 40 rows read, 40 used, 0 rejected (0.0%).</p>"
    ));
}

#[test]
fn without_creation_times_the_charts_over_time_say_why() {
    let tickets: Vec<EnrichedTicket> = (0..40).map(ticket).collect();
    let mut r = evil_inputs(&tickets);
    r.has_time = false;
    let html = render(&r).unwrap();
    assert_eq!(
        html.matches("not available: the input has no creation-time column")
            .count(),
        3
    );
    assert!(html.contains("no creation times"));
    // The distributions and mixes are still drawn.
    assert_eq!(html.matches("<svg class=\"chart\"").count(), 4);
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
