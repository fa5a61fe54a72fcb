//! `ticketlens analyze` on the bundled fixtures with the bundled default model:
//! every output exists, parses, and agrees with the generator's ground truth.

use assert_cmd::Command;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn json(p: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())))
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn sha256(p: &Path) -> String {
    hex::encode(Sha256::digest(std::fs::read(p).unwrap()))
}

/// Every record of a CSV file; a record that does not parse fails the test.
fn csv_rows(p: &Path) -> (csv::StringRecord, Vec<csv::StringRecord>) {
    let mut r = csv::Reader::from_path(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    let headers = r.headers().unwrap().clone();
    let rows = r
        .records()
        .map(|x| x.unwrap_or_else(|e| panic!("{}: {e}", p.display())))
        .collect();
    (headers, rows)
}

/// The HTML between `start` and the next `end` (panics when missing).
fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let i = html
        .find(start)
        .unwrap_or_else(|| panic!("{start:?} not in report.html"));
    let rest = &html[i..];
    &rest[..rest.find(end).unwrap_or(rest.len())]
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
    // Per-dimension KPI tables (kpis_by_<dims>.csv) exist and parse.
    let by: Vec<PathBuf> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy();
            n.starts_with("kpis_by_") && n.ends_with(".csv")
        })
        .collect();
    assert!(!by.is_empty(), "no kpis_by_*.csv");
    for dim in ["channel", "priority", "topic", "period"] {
        let want = format!("kpis_by_{dim}.csv");
        assert!(
            by.iter()
                .any(|p| p.file_name().unwrap().to_string_lossy() == want),
            "no {want} among {by:?}"
        );
    }
    for p in &by {
        let (h, rows) = csv_rows(p);
        // kpis_by_<dim>.csv has a `<dim>` column (and `period`, with --period).
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        let dim = &name["kpis_by_".len()..name.len() - ".csv".len()];
        assert!(h.iter().any(|c| c == dim), "{}: {h:?}", p.display());
        assert!(!rows.is_empty(), "{} is empty", p.display());
    }
    // trends.csv parses and covers every theme in themes.json.
    let (th_h, trends) = csv_rows(&out.join("trends.csv"));
    assert_eq!(
        th_h.iter().collect::<Vec<_>>(),
        [
            "theme",
            "label",
            "period",
            "count",
            "share",
            "negative_share",
            "growth",
            "z",
            "p"
        ]
    );
    assert!(!trends.is_empty());
    for r in &trends {
        r[3].parse::<u64>()
            .unwrap_or_else(|e| panic!("count {:?}: {e}", &r[3]));
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
    // Hostile formula cells from the fixture are neutralised in the CSV.
    let (eh, erows) = csv_rows(&out.join("tickets_enriched.csv"));
    let col = |name: &str| eh.iter().position(|h| h == name).unwrap();
    let (id_c, subj_c) = (col("ticket_id"), col("subject"));
    let mut hostile_formulas = 0;
    for h in gt["hostile"].as_array().unwrap() {
        let payload = h["payload"].as_str().unwrap();
        if !payload.starts_with("subject starts with") {
            continue;
        }
        let id = h["ticket_id"].as_str().unwrap();
        let row = erows.iter().find(|r| &r[id_c] == id).unwrap();
        let subject = &row[subj_c];
        let lead = payload["subject starts with ".len()..]
            .chars()
            .next()
            .unwrap();
        assert!(
            subject.starts_with(&format!("'{lead}")),
            "{id}: subject {subject:?} is not neutralised"
        );
        hostile_formulas += 1;
    }
    assert_eq!(hostile_formulas, 2, "=HYPERLINK and @SUM rows");
    for r in &erows {
        for c in r.iter() {
            assert!(
                !(c.starts_with('=') || c.starts_with('@')),
                "formula cell {c:?} in tickets_enriched.csv"
            );
        }
    }
    let run = json(&out.join("run.json"));
    assert_eq!(
        run["input_sha256"].as_str().unwrap(),
        sha256(&root().join("fixtures/tickets.csv"))
    );
    assert_eq!(
        run["customers_sha256"].as_str().unwrap(),
        sha256(&root().join("fixtures/customers.csv"))
    );
    assert_eq!(run["churn_model_used"], "trained");
    assert_eq!(run["customers"]["in_table"], 300);
    let stages: Vec<&str> = run["stage_seconds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s[0].as_str().unwrap())
        .collect();
    assert_eq!(
        stages,
        [
            "ingest+classify",
            "themes",
            "kpi",
            "churn",
            "write",
            "report"
        ]
    );
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

    assert_eq!(run["customers"]["scored"].as_u64().unwrap(), at_risk as u64);

    // Untrusted text is escaped in the report: the fixture's payloads are
    // there, as text.
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(!html.contains("<script>alert(1)"));
    assert!(!html.contains("<img src=x"));
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;"),
        "escaped <script> text"
    );
    assert!(
        html.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "escaped <img> text"
    );
    let lower = html.to_ascii_lowercase();
    for scheme in ["http:", "https:", "//"] {
        for attr in ["src=\"", "src='", "href=\"", "href='", "url(", "@import"] {
            let bad = format!("{attr}{scheme}");
            assert!(!lower.contains(&bad), "external resource: {bad}");
        }
    }

    // The churn evaluation table shows churn_eval.json's holdout numbers.
    let ev = between(&html, "id=\"churn-eval\"", "</table>");
    for who in ["model", "baseline"] {
        for m in ["roc_auc", "pr_auc", "top10_precision"] {
            let v = ce["holdout"][who][m].as_f64().unwrap();
            assert!(
                ev.contains(&format!(">{v:.3}<")),
                "{who} {m} {v:.3} not in:\n{ev}"
            );
        }
    }
    let cv = ce["cross_validation"]["model"]["roc_auc"]["mean"]
        .as_f64()
        .unwrap();
    assert!(html.contains(&format!("cross-validated ROC AUC {cv:.3}")));

    // Theme cards: the top trending theme with its real growth and recent count.
    let cards = between(
        &html,
        "<div class=\"themes\">",
        "<div class=\"table-wrap\">",
    );
    let g = top["growth"].as_f64().unwrap();
    let shown = if g >= 2.0 {
        format!("×{g:.1}")
    } else {
        format!("{:+.0}%", (g - 1.0) * 100.0)
    };
    assert!(
        cards.contains(&format!("<span class=\"growth up\">{shown}</span>")),
        "growth {shown} missing:\n{}",
        &cards[..cards.len().min(1500)]
    );
    let recent = top["recent"].as_array().unwrap();
    assert!(cards.contains(&format!(
        "{} in {}–{}",
        top["recent_count"],
        recent[0].as_str().unwrap(),
        recent[1].as_str().unwrap()
    )));
    assert!(!cards.contains(" n/a in "), "a card lacks its recent count");
    // Run footer: stage timings and version from run.json.
    let footer = between(&html, "<footer id=\"run\"", "</footer>");
    // (The report is rendered once; its own timing is in run.json only.)
    assert!(footer.contains("ingest+classify"), "{footer}");
    assert!(footer.contains(env!("CARGO_PKG_VERSION")));

    // The terminal summary was printed.
    let stdout = String::from_utf8_lossy(&res.stdout);
    assert!(
        stdout.contains("Trending") || stdout.contains("trending"),
        "{stdout}"
    );
}

/// `analyze` with the tiny test model (fast), in `out`.
fn analyze_tiny(out: &Path, extra: &[&str]) -> (String, String) {
    let res = Command::cargo_bin("ticketlens")
        .unwrap()
        .current_dir(root())
        .args([
            "analyze",
            "fixtures/tickets.csv",
            "--model",
            "fixtures/models/tiny",
            "-q",
            "--out",
        ])
        .arg(out)
        .args(extra)
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&res.stdout).into_owned(),
        String::from_utf8_lossy(&res.stderr).into_owned(),
    );
    assert!(res.status.success(), "analyze {extra:?} failed: {stderr}");
    (stdout, stderr)
}

#[test]
fn reruns_leave_nothing_stale_and_churn_problems_are_notes() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report");
    analyze_tiny(&out, &["--customers", "fixtures/customers.csv"]);
    assert!(out.join("at_risk.csv").is_file() && out.join("churn_eval.json").is_file());
    let model = dir.path().join("model.json");
    std::fs::copy(out.join("churn_model.json"), &model).unwrap();
    std::fs::write(out.join("kpis_by_agent.csv"), "agent\nold\n").unwrap();
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    std::fs::write(out.join(".ticketlens-killed.tmp"), "half").unwrap();

    // Rerun without customers: no at-risk list or evaluation from the first run.
    let (_, err) = analyze_tiny(&out, &[]);
    for gone in [
        "at_risk.csv",
        "churn_eval.json",
        "churn_model.json",
        "kpis_by_agent.csv",
        ".ticketlens-killed.tmp",
    ] {
        assert!(!out.join(gone).exists(), "stale {gone} left behind");
    }
    assert!(
        out.join("notes.txt").is_file(),
        "files analyze does not write are kept"
    );
    assert!(err.contains("note: churn: no --customers file"), "{err}");
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("not available: churn: no --customers file"));
    assert!(!html.contains("id=\"at-risk\""), "old at-risk table shown");

    // One class only: training fails, the run goes on and says why.
    let one_class = dir.path().join("one_class.csv");
    let text = std::fs::read_to_string(root().join("fixtures/customers.csv")).unwrap();
    let fixed: String = text
        .lines()
        .enumerate()
        .map(|(i, l)| match (i, l.rsplit_once(',')) {
            (0, _) | (_, None) => format!("{l}\n"),
            (_, Some((head, _))) => format!("{head},0\n"),
        })
        .collect();
    std::fs::write(&one_class, fixed).unwrap();
    let oc = one_class.to_str().unwrap();
    let (_, err) = analyze_tiny(&out, &["--customers", oc]);
    assert!(err.contains("note: churn: training failed"), "{err}");
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("churn: training failed"));
    assert!(out.join("kpis.json").is_file() && out.join("themes.json").is_file());
    assert!(!out.join("at_risk.csv").exists());

    // ... and with a saved model it falls back to scoring with that one.
    let m = model.to_str().unwrap();
    let (_, err) = analyze_tiny(&out, &["--customers", oc, "--churn-model", m]);
    assert!(err.contains("scored with the saved model"), "{err}");
    assert!(out.join("at_risk.csv").is_file());
    let run = json(&out.join("run.json"));
    assert_eq!(run["churn_model_used"], "saved");
    assert_eq!(run["churn_model_sha256"].as_str().unwrap(), sha256(&model));
    assert_eq!(
        run["customers_sha256"].as_str().unwrap(),
        sha256(&one_class)
    );

    // Labels and --churn-model: the trained model is used, and the terminal says so.
    let (_, err) = analyze_tiny(
        &out,
        &["--customers", "fixtures/customers.csv", "--churn-model", m],
    );
    assert!(err.contains("was not used"), "{err}");
    assert_eq!(json(&out.join("run.json"))["churn_model_used"], "trained");
}
