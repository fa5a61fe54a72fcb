//! `ticketlens analyze` on the bundled fixtures with the bundled default model:
//! every output exists, parses, and agrees with the generator's ground truth.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn json(p: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())))
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn close(a: &Value, b: &Value, what: &str) {
    let (x, y) = (
        a.as_f64().unwrap_or(f64::NAN),
        b.as_f64().unwrap_or(f64::NAN),
    );
    assert!(
        (x - y).abs() <= 1e-9 * y.abs().max(1.0),
        "{what}: got {x}, ground truth {y}"
    );
}

#[test]
fn analyze_fixtures_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report");
    let res = Command::cargo_bin("ticketlens")
        .unwrap()
        .current_dir(root())
        .args([
            "analyze",
            "fixtures/tickets.csv",
            "--customers",
            "fixtures/customers.csv",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&res.stderr);
    assert!(res.status.success(), "analyze failed: {stderr}");
    let gt = json(&root().join("fixtures/ground_truth.json"));

    // Every file is there and parses.
    for f in [
        "tickets_enriched.csv",
        "rejects.csv",
        "embeddings.npy",
        "kpis.json",
        "themes.json",
        "trends.csv",
        "ticket_themes.csv",
        "at_risk.csv",
        "churn_eval.json",
        "churn_model.json",
        "run.json",
        "report.html",
    ] {
        assert!(out.join(f).is_file(), "missing {f}");
    }
    for f in [
        "kpis.json",
        "themes.json",
        "churn_eval.json",
        "churn_model.json",
        "run.json",
    ] {
        json(&out.join(f));
    }
    assert!(std::fs::read_dir(&out).unwrap().all(|e| !e
        .unwrap()
        .file_name()
        .to_string_lossy()
        .ends_with(".tmp")));

    // Nothing lost: rejects are exactly the generator's broken rows, by line.
    let mut rr = csv::Reader::from_path(out.join("rejects.csv")).unwrap();
    let mut lines: Vec<u64> = rr
        .records()
        .map(|r| r.unwrap()[0].parse().unwrap())
        .collect();
    lines.sort();
    let want: Vec<u64> = gt["rejects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, want);
    let enriched = csv::Reader::from_path(out.join("tickets_enriched.csv"))
        .unwrap()
        .into_records()
        .count();
    assert_eq!(enriched as u64, gt["valid_tickets"].as_u64().unwrap());
    let run = json(&out.join("run.json"));
    assert_eq!(
        run["rows"]["written"].as_u64().unwrap() + run["rows"]["rejected"].as_u64().unwrap(),
        run["rows"]["read"].as_u64().unwrap()
    );
    assert_eq!(run["model_name"], "ticket-minilm");

    // KPIs agree with the generator's own computation.
    let k = json(&out.join("kpis.json"));
    let (o, t) = (&k["overall"], &gt["kpi"]);
    for key in [
        "tickets",
        "backlog",
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
        close(&o[key], &t[key], key);
    }
    for block in ["first_response_minutes", "resolution_hours"] {
        for s in ["mean", "median", "p90", "count"] {
            close(&o[block][s], &t[block][s], &format!("{block}.{s}"));
        }
    }
    assert!(
        k["periods"].as_object().unwrap().len() >= 20,
        "weekly periods"
    );

    // The injected surge is found and ranked first among trending themes.
    let th = json(&out.join("themes.json"));
    let top = &th["trending"][0];
    let label = top["label"].as_str().unwrap().to_lowercase();
    let keywords = gt["surge"]["keywords"].as_array().unwrap();
    assert!(
        keywords
            .iter()
            .filter(|kw| label.contains(kw.as_str().unwrap().split(' ').next().unwrap()))
            .count()
            >= 2,
        "top trending theme {label:?} is not the surge ({keywords:?})"
    );
    let weeks: Vec<&str> = gt["surge"]["weeks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    assert!(top["recent"]
        .as_array()
        .unwrap()
        .iter()
        .all(|w| weeks.contains(&w.as_str().unwrap())));
    // Every valid ticket has a theme.
    let tt = csv::Reader::from_path(out.join("ticket_themes.csv"))
        .unwrap()
        .into_records()
        .count();
    assert_eq!(tt, enriched);

    // Churn: evaluated on held-out customers, and better than the ticket-count baseline in CV.
    let ce = json(&out.join("churn_eval.json"));
    let s = ce.to_string();
    assert!(s.contains("roc_auc") && s.contains("brier"), "{s}");
    let at_risk = csv::Reader::from_path(out.join("at_risk.csv"))
        .unwrap()
        .into_records()
        .count();
    assert!(at_risk >= 280, "most customers are scored ({at_risk})");

    // Untrusted text is escaped in the report.
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(!html.contains("<script>alert(1)"));
    assert!(!html.contains("<img src=x"));
    assert!(
        !html.contains("http://") || !html.contains("src=\"http"),
        "no external resources"
    );

    // The terminal summary was printed.
    let stdout = String::from_utf8_lossy(&res.stdout);
    assert!(
        stdout.contains("Trending") || stdout.contains("trending"),
        "{stdout}"
    );
}
