use super::*;
use crate::period::Period;
use crate::report::{ChurnOutcome, RunInfo};
use crate::ticket::{Prediction, Sentiment, ThemeRef, Ticket};
use chrono::{TimeZone, Utc};

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
        channel: Some(if i.is_multiple_of(4) { "chat" } else { "email" }.into()),
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
        heads: Vec::new(),
    });
    t.theme = Some(ThemeRef {
        id: 0,
        label: IMG_XSS.into(),
        distance: 0.1,
    });
    t
}

/// A run over `tickets` with every stage's result, ticket-derived text
/// set to markup wherever a string reaches the page.
pub(crate) fn evil_analysis(tickets: &[EnrichedTicket]) -> Analysis {
    use crate::churn::{AtRisk, ChurnEval};
    use crate::themes::{Example, Keyword, SentimentMix, Theme, ThemeReport, TrendRow, Trending};
    let evil = format!("{SCRIPT_XSS}{IMG_XSS}");
    let kpis = crate::kpi::compute(
        tickets,
        &crate::kpi::KpiOptions {
            period: Some(Period::Week),
            by: vec!["agent".into(), "channel".into(), "topic".into()],
            // Saturday of 2025-W25, the last creation day: W25 is partial.
            as_of: Some(Utc.with_ymd_and_hms(2025, 6, 21, 12, 0, 0).unwrap()),
            ..Default::default()
        },
    );
    let mut run = RunInfo {
        input: format!("Report {SCRIPT_XSS}"),
        model_name: evil.clone(),
        model_sha256: "ab12".into(),
        stage_seconds: vec![("ingest+classify".into(), 0.5)],
        ..Default::default()
    };
    run.rows.insert("read".into(), 40);
    let theme = Theme {
        id: 0,
        label: evil.clone(),
        auto_label: evil.clone(),
        seed: None,
        kind: crate::themes::ThemeKind::Issue,
        kind_evidence: String::new(),
        emerging: false,
        sub_themes: Vec::new(),
        keywords: vec![Keyword {
            term: evil.clone(),
            weight: 1.0,
        }],
        size: 40,
        share: 1.0,
        mean_distance: 0.1,
        examples: vec![Example {
            id: evil.clone(),
            text: evil.clone(),
            distance: 0.1,
        }],
        top_topic: None,
        top_topic_share: None,
        taxonomy_mix: Vec::new(),
        sentiment: SentimentMix {
            negative: 0.3,
            neutral: 0.3,
            positive: 0.4,
            predicted: 40,
        },
        frt_median_minutes: None,
        csat_rate: None,
        csat_responses: 0,
        trend: Vec::new(),
    };
    let themes = ThemeReport {
        themes: vec![theme],
        assignments: Vec::new(),
        trends: vec![TrendRow {
            theme: 0,
            label: evil.clone(),
            period: "2025-W23".into(),
            count: 3,
            share: None,
            negative_share: None,
            growth: None,
            z: None,
            p: None,
        }],
        trending: vec![Trending {
            theme: 0,
            label: evil.clone(),
            recent: ("2025-W24".into(), "2025-W25".into()),
            recent_count: 20,
            baseline_count: 3,
            recent_rate: 10.0,
            baseline_rate: 3.0,
            recent_share: 0.4,
            baseline_share: 0.2,
            growth: 1.5,
            count_growth: 3.0,
            baseline_periods: 8,
            z: 2.5,
            p: 0.004,
            negative_share_recent: None,
            negative_share_baseline: None,
        }],
        trending_conversation: Vec::new(),
        k_selection: Default::default(),
        period: Period::Week,
        within_negative: false,
        clustered: 40,
        unmatched_seeds: Vec::new(),
        theme_model: None,
    };
    let mut eval = ChurnEval::default();
    eval.holdout.model.roc_auc = Some(0.8);
    eval.holdout.baseline.roc_auc = Some(0.6);
    let at_risk = vec![AtRisk {
        customer_id: evil.clone(),
        churn_risk: 0.9,
        risk_band: evil.clone(),
        top_factors: vec![evil.clone()],
        tickets_90d: 2,
        last_contact: None,
        last_sentiment: None,
        plan: Some(evil.clone()),
        mrr: Some(100.0),
        expected_mrr_at_risk: Some(90.0),
    }];
    Analysis {
        run,
        kpis,
        themes: Some(themes),
        churn: ChurnOutcome::Trained {
            eval: Box::new(eval),
            at_risk,
        },
        taxonomy: Some(evil_taxonomy(&evil)),
        timezone: chrono_tz::UTC,
        dated: true,
    }
}

/// A taxonomy whose label names and source carry markup.
fn evil_taxonomy(evil: &str) -> crate::taxonomy::Taxonomy {
    use crate::taxonomy::*;
    Taxonomy {
        format: FORMAT.into(),
        name: "category".into(),
        kind: TaxonomyKind::Multiclass,
        labels: vec![evil.to_string(), "billing".into()],
        other_label: None,
        model_sha256: String::new(),
        embedding_dim: 1,
        mean: Vec::new(),
        scale: Vec::new(),
        weights: vec![vec![1.0], vec![-1.0]],
        intercepts: vec![0.0, 0.0],
        thresholds: Vec::new(),
        temperature: 1.0,
        training: Training {
            examples: 10,
            source: evil.to_string(),
            ..Default::default()
        },
        evaluation: Some(Evaluation {
            folds: 5,
            examples: 10,
            accuracy: 0.8,
            macro_f1: 0.8,
            labels: Vec::new(),
            confused: vec![ConfusedPair {
                actual: evil.to_string(),
                predicted: "billing".into(),
                count: 2,
            }],
        }),
    }
}

/// A run with no tickets and nothing but KPIs.
fn empty_analysis() -> Analysis {
    Analysis {
        run: RunInfo::default(),
        kpis: crate::kpi::compute(std::iter::empty(), &Default::default()),
        themes: None,
        churn: ChurnOutcome::Skipped {
            reason: "churn: no --customers file given".into(),
        },
        taxonomy: None,
        timezone: chrono_tz::UTC,
        dated: true,
    }
}

#[test]
fn untrusted_text_is_escaped_everywhere() {
    let tickets: Vec<EnrichedTicket> = (0..40).map(ticket).collect();
    let html = render(&evil_analysis(&tickets), &tickets).unwrap();
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
    let html = render(&empty_analysis(), &[]).unwrap();
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
    let html = render(&empty_analysis(), &[]).unwrap();
    assert!(html.contains("not available: themes need a text column"));
    assert!(html.contains("not available: churn: no --customers file given"));
    assert!(html.contains("not available: the export has no data to chart"));
    assert!(html.contains("Not in this export: no status or resolution columns"));
}

#[test]
fn headline_and_charts_use_the_kpi_results() {
    let tickets: Vec<EnrichedTicket> = (0..40).map(ticket).collect();
    let a = evil_analysis(&tickets);
    let html = render(&a, &tickets).unwrap();
    // Data ends 2025-06-21 (Saturday of W25) → W25 incomplete, W24 vs W23.
    assert!(html.contains("2025-W24 compared with 2025-W23; 2025-W25 is incomplete and left out"));
    let k = &a.kpis;
    let (w23, w24) = (&k.periods["2025-W23"], &k.periods["2025-W24"]);
    let card = |key: &str| {
        let start = html
            .find(&format!("data-kpi=\"{key}\""))
            .unwrap_or_else(|| panic!("no {key} card"));
        let rest = &html[start..];
        let value = rest.split("data-value=\"").nth(1).unwrap();
        value[..value.find('"').unwrap()].parse::<f64>().unwrap()
    };
    assert_eq!(card("tickets"), w24.tickets as f64);
    assert_eq!(card("csat_rate"), w24.csat_rate.unwrap());
    assert_eq!(card("backlog"), k.backlog_at_period_end["2025-W24"] as f64);
    assert_ne!(w23.csat_rate, w24.csat_rate, "a real comparison");
    let frt = &k.overall.first_response_minutes;
    assert!(html.contains(&format!(
        "Median {}, 90th percentile {}.",
        format::minutes(frt.median),
        format::minutes(frt.p90)
    )));
    // Volume+backlog, CSAT, sentiment, FRT, resolution, topic, channel.
    assert_eq!(html.matches("<svg class=\"chart\"").count(), 7);
    // The band is markup, not `high`: only the expected revenue counts it.
    assert!(html.contains("Revenue at risk: 0 MRR with high-risk and 0 with medium-risk customers; expected MRR at risk 90 "));
}

#[test]
fn data_quality_box_is_prominent_escaped_and_a_line_when_clean() {
    let tickets: Vec<EnrichedTicket> = (0..40).map(ticket).collect();
    let mut r = evil_analysis(&tickets);
    r.run.skipped = vec![format!("themes: {SCRIPT_XSS}")];
    r.run.data_quality = Some(crate::ingest::DataQuality {
        rows_read: 50,
        rows_used: 40,
        rows_rejected: 10,
        rows_superseded: 3,
        rejected_share: 0.2,
        max_reject_rate: 0.05,
        rejects_file: Some("/home/someone/out/rejects.csv".into()),
        rejects_summary: vec![crate::ingest::RejectGroup {
            reason: "bad csat number '…' in column 'CSAT'".into(),
            count: 10,
            first_lines: vec![2, 3, 4, 5, 6],
            example: format!("bad csat number '{SCRIPT_XSS}' in column 'CSAT'"),
            hint: Some("check the column mapping".into()),
        }],
        warnings: vec![format!("column 'Created': {IMG_XSS}")],
    });
    let html = render(&r, &tickets).unwrap();
    assert!(!html.contains("/home/someone"), "rejects file by name only");
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
    r.run.data_quality.as_mut().unwrap().max_reject_rate = 0.5;
    let html = render(&r, &tickets).unwrap();
    assert!(html.contains("class=\"dq-alert\""));
    assert!(!html.contains("more than the run allows"));
    assert!(html.contains(
        "50 rows read, 40 used, 10 rejected (20.0%); 3 more rows repeated a ticket read from another row"
    ));

    // Clean: one small line.
    r.run.skipped.clear();
    r.run.data_quality = Some(crate::ingest::DataQuality {
        rows_read: 40,
        rows_used: 40,
        max_reject_rate: 0.05,
        ..Default::default()
    });
    let html = render(&r, &tickets).unwrap();
    assert!(!html.contains("dq-alert\""));
    assert!(html.contains(
        "<p class=\"dq-clean\" id=\"data-quality\">Data quality: 40 rows read, 40 used, 0 rejected (0.0%).</p>"
    ));
}

#[test]
fn without_creation_times_the_charts_over_time_are_left_out() {
    let tickets: Vec<EnrichedTicket> = (0..40).map(ticket).collect();
    let mut r = evil_analysis(&tickets);
    r.dated = false;
    let html = render(&r, &tickets).unwrap();
    assert!(!html.contains("Volume and backlog"));
    assert!(html.contains("no creation times"));
    // The distributions and mixes are still drawn.
    assert_eq!(html.matches("<svg class=\"chart\"").count(), 4);
}

#[test]
fn write_creates_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("report.html");
    write(&empty_analysis(), &[], &p).unwrap();
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
    let inputs = evil_analysis(&tickets);
    let start = std::time::Instant::now();
    let html = render(&inputs, &tickets).unwrap();
    println!(
        "render: {} tickets → {} KiB in {:.1} ms",
        tickets.len(),
        html.len() / 1024,
        start.elapsed().as_secs_f64() * 1e3
    );
}
