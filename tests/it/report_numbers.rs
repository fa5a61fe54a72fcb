//! Every headline number of report.html equals its kpis.json value, on
//! exports shaped like real ones: the fixtures; the same tickets without
//! status and resolution columns; without channel and priority; and a
//! conversation-style export (id, author, time, text) with stray tickets
//! years before the rest. A KPI kpis.json has no value for has no card, and
//! the report says what the export lacks. Revenue at risk matches
//! at_risk.csv.

use super::common;

use common::{bin, reshape_fixtures as reshape, root, tiny};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn json(p: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

struct Run {
    html: String,
    kpis: Value,
    out: PathBuf,
}

fn analyze(input: &Path, out: &Path, extra: &[&str]) -> Run {
    let res = bin()
        .current_dir(root())
        .arg("analyze")
        .arg(input)
        .args(["--model", &tiny(), "-q", "--out"])
        .arg(out)
        .args(extra)
        .output()
        .unwrap();
    assert!(
        res.status.success(),
        "analyze {}: {}",
        input.display(),
        String::from_utf8_lossy(&res.stderr)
    );
    Run {
        html: std::fs::read_to_string(out.join("report.html")).unwrap(),
        kpis: json(&out.join("kpis.json")),
        out: out.to_path_buf(),
    }
}

/// The headline cards: (kpi key, period, value, overall) from the page's
/// `data-` attributes.
fn cards(html: &str) -> Vec<(String, String, Option<f64>, Option<f64>)> {
    let attr = |tag: &str, name: &str| -> String {
        let start = tag.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        tag[start..start + tag[start..].find('"').unwrap()].to_string()
    };
    let num = |s: String| (!s.is_empty()).then(|| s.parse::<f64>().unwrap());
    html.match_indices("data-kpi=\"")
        .map(|(i, _)| {
            let tag = &html[i..i + html[i..].find('>').unwrap()];
            (
                attr(tag, "data-kpi"),
                attr(tag, "data-period"),
                num(attr(tag, "data-value")),
                num(attr(tag, "data-overall")),
            )
        })
        .collect()
}

/// The customer, cost and staffing figures: (kpis.json path, value).
fn facts(html: &str) -> Vec<(String, f64)> {
    html.match_indices("data-fact=\"")
        .map(|(i, m)| {
            let rest = &html[i + m.len()..];
            let key = &rest[..rest.find('"').unwrap()];
            let v = rest.split("data-fact-value=\"").nth(1).unwrap();
            (key.to_string(), v[..v.find('"').unwrap()].parse().unwrap())
        })
        .collect()
}

fn path<'v>(v: &'v Value, dotted: &str) -> &'v Value {
    dotted.split('.').fold(v, |v, k| &v[k])
}

/// Each card equals kpis.json; a headline KPI that kpis.json has no value
/// for has no card. Returns the keys shown.
fn check_headline(run: &Run) -> Vec<String> {
    let k = &run.kpis;
    let shown = cards(&run.html);
    assert!(!shown.is_empty(), "no headline cards");
    let close = |a: Option<f64>, b: &Value, what: &str| {
        let b = b.as_f64();
        match (a, b) {
            (Some(a), Some(b)) => assert!(
                (a - b).abs() <= 1e-9 * b.abs().max(1.0),
                "{what}: page {a}, kpis.json {b}"
            ),
            _ => assert_eq!(a, b, "{what}"),
        }
    };
    for (key, period, value, overall) in &shown {
        close(
            *overall,
            path(&k["overall"], key),
            &format!("overall {key}"),
        );
        if period.is_empty() {
            close(*value, path(&k["overall"], key), key);
        } else if key == "backlog" {
            close(
                *value,
                &k["backlog_at_period_end"][period],
                &format!("{key} at end of {period}"),
            );
        } else {
            close(
                *value,
                path(&k["periods"][period], key),
                &format!("{key} in {period}"),
            );
        }
    }
    let keys: Vec<String> = shown.iter().map(|c| c.0.clone()).collect();
    for key in [
        "tickets",
        "negative_share",
        "first_response_minutes.median",
        "resolution_hours.median",
        "csat_rate",
        "nps",
        "backlog",
        "sla_breach_rate",
        "handle_minutes.mean",
    ] {
        if path(&k["overall"], key).is_null() {
            assert!(
                !keys.iter().any(|s| s == key),
                "card {key} shown though kpis.json has null"
            );
        } else {
            assert!(
                keys.iter().any(|s| s == key),
                "card {key} missing though kpis.json has it"
            );
        }
    }
    keys
}

#[test]
fn headline_numbers_equal_kpis_json_on_real_shaped_exports() {
    let dir = tempfile::tempdir().unwrap();

    // 1. The fixtures, with customers (MRR): every card, revenue at risk.
    let full = analyze(
        &root().join("fixtures/tickets.csv"),
        &dir.path().join("full"),
        &["--customers", "fixtures/customers.csv"],
    );
    let keys = check_headline(&full);
    assert_eq!(keys.len(), 8, "{keys:?}");
    // Customer figures: each equals kpis.json; the fixtures have a
    // customers table with churn labels and customer ids on every ticket.
    let shown = facts(&full.html);
    for (key, v) in &shown {
        let want = path(&full.kpis, key).as_f64().unwrap();
        assert!(
            (v - want).abs() <= 1e-9 * want.abs().max(1.0),
            "{key}: {v} vs {want}"
        );
    }
    for key in [
        "customers.contact_rate",
        "customers.overall.churn_rate",
        "overall.tickets_per_customer",
    ] {
        assert!(
            shown.iter().any(|(k, _)| k == key),
            "{key} not shown: {shown:?}"
        );
    }
    assert!(full.html.contains("id=\"peak-hours\""));
    assert!(full.html.contains("id=\"top-customers\""));
    assert!(
        !full.html.contains("id=\"missing\""),
        "the fixtures lack nothing"
    );
    assert!(full
        .html
        .contains("<title>ticketlens report — tickets.csv</title>"));
    let run = json(&full.out.join("run.json"));
    assert_eq!(run["input"], "tickets.csv");
    assert!(
        !full.html.contains(root().to_str().unwrap()),
        "a full path in the report"
    );
    // Revenue at risk: the page's expected MRR is at_risk.csv's sum.
    let mut r = csv::Reader::from_path(full.out.join("at_risk.csv")).unwrap();
    let col = r
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "expected_mrr_at_risk")
        .unwrap();
    let sum: f64 = r
        .records()
        .map(|x| x.unwrap()[col].parse::<f64>().unwrap_or(0.0))
        .sum();
    let line = full
        .html
        .split("expected MRR at risk ")
        .nth(1)
        .expect("revenue line");
    let shown: f64 = line[..line.find(' ').unwrap()]
        .replace(',', "")
        .parse()
        .unwrap();
    assert!(
        (shown - sum).abs() <= 1.0,
        "page {shown}, at_risk.csv {sum}"
    );

    // 2. No status or resolution columns: no backlog, no resolution time.
    let p = reshape(
        dir.path(),
        "nostatus.csv",
        &[
            "ticket_id",
            "customer_id",
            "created_at",
            "first_response_at",
            "channel",
            "priority",
            "csat",
            "subject",
            "body",
        ],
        0,
    );
    let nostatus = analyze(&p, &dir.path().join("nostatus"), &[]);
    assert!(nostatus.kpis["overall"]["backlog"].is_null());
    let keys = check_headline(&nostatus);
    assert!(!keys
        .iter()
        .any(|k| k == "backlog" || k == "resolution_hours.median"));
    assert!(nostatus.html.contains(
        "Not in this export: no status or resolution columns: backlog and resolution time"
    ));
    assert!(
        !nostatus.html.contains("Open at end of period"),
        "no backlog curve"
    );

    // 3. No channel or priority: no "(none)" tables, no channel mix.
    let p = reshape(
        dir.path(),
        "nochannel.csv",
        &[
            "ticket_id",
            "created_at",
            "first_response_at",
            "resolved_at",
            "status",
            "csat",
            "subject",
            "body",
        ],
        0,
    );
    let nochannel = analyze(&p, &dir.path().join("nochannel"), &[]);
    check_headline(&nochannel);
    for absent in [
        "<caption>KPIs by channel",
        "<caption>KPIs by priority",
        "<strong>Channel mix",
        "(none)",
    ] {
        assert!(
            !nochannel.html.contains(absent),
            "{absent} shown for an export without it"
        );
    }
    assert!(nochannel
        .html
        .contains("no channel column: channel mix and KPIs by channel"));
    assert!(nochannel.html.contains("no priority column"));

    // 4. Conversation-style: id, author, time, text; stray early tickets.
    let p = reshape(
        dir.path(),
        "tweets.csv",
        &["ticket_id", "customer_id", "created_at", "body"],
        5,
    );
    let tweets = analyze(&p, &dir.path().join("tweets"), &[]);
    let keys = check_headline(&tweets);
    assert_eq!(
        keys,
        ["tickets", "negative_share"],
        "only what a conversation export has"
    );
    for absent in [
        "(none)",
        "Open at end of period",
        "<strong>CSAT rate",
        "<strong>Channel mix",
    ] {
        assert!(!tweets.html.contains(absent), "{absent} shown");
    }
    assert!(tweets.html.contains(
        "Not in this export: no status or resolution columns: backlog and resolution time; no first-response times"
    ));
    // The stray tickets are summarised, not charted: the axis starts in 2025.
    let note = tweets
        .html
        .split("id=\"charts-note\">")
        .nth(1)
        .expect("charts note");
    assert!(
        note.starts_with("5 tickets before 2025-W"),
        "{}",
        &note[..note.len().min(200)]
    );
    let sub = tweets.html.split("class=\"sub\">").nth(1).unwrap();
    assert!(
        sub[..sub.find('<').unwrap()].contains(" · 2025-W"),
        "subtitle range {sub:.80}"
    );
}
