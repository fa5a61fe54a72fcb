//! No silent partial reads, through the binary: every command prints the
//! rejects grouped by reason, more than `--max-reject-rate` (default 5 %)
//! rejected rows exit with code 3 after the outputs are written, and
//! kpis.json, run.json and report.html carry the data-quality block.
//! `analyze` on a file without a creation-time column runs what it can.

use super::common;

use common::{bin, stderr_of, tiny};
use std::path::{Path, PathBuf};

const SUBJECTS: [&str; 3] = [
    "Refund not received for my order",
    "Cannot log in because password reset fails",
    "App crashes when I open settings",
];

/// `n` tickets; the rows at the data indexes in `bad` get an unreadable CSAT
/// (so their reject is `bad csat number '<b>x</b>' in column 'csat'`, a value
/// with markup). Data row `i` is on line `i + 2`.
fn export(dir: &Path, n: usize, bad: &[usize], with_created: bool) -> PathBuf {
    let mut s = String::from(if with_created {
        "id,created_at,status,subject,body,csat\n"
    } else {
        "id,status,subject,body,csat\n"
    });
    for i in 0..n {
        let created = format!("2025-03-{:02}T{:02}:00:00Z,", 1 + i % 28, 8 + i % 10);
        let csat = if bad.contains(&i) {
            "<b>x</b>".to_string()
        } else {
            (1 + i % 5).to_string()
        };
        s.push_str(&format!(
            "T{i},{}{},{} {i},Please help with this ({i}),{csat}\n",
            if with_created { created.as_str() } else { "" },
            if i % 3 == 0 { "open" } else { "solved" },
            SUBJECTS[i % 3],
        ));
    }
    let p = dir.join("export.csv");
    std::fs::write(&p, s).unwrap();
    p
}

fn json(p: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

fn kpi(input: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    bin()
        .arg("kpi")
        .arg(input)
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn kpi_over_the_limit_writes_outputs_then_exits_3_with_the_summary() {
    let dir = tempfile::tempdir().unwrap();
    let input = export(dir.path(), 20, &[3, 7], true);
    let out = dir.path().join("out");
    let res = kpi(&input, &out, &["-q"]);
    let err = stderr_of(&res);
    assert_eq!(res.status.code(), Some(3), "{err}");
    // Outputs are all there.
    let k = json(&out.join("kpis.json"));
    assert_eq!(k["overall"]["tickets"], 18, "{k}");
    let dq = &k["data_quality"];
    assert_eq!(dq["rows_read"], 20);
    assert_eq!(dq["rows_used"], 18);
    assert_eq!(dq["rows_rejected"], 2);
    assert_eq!(dq["rejected_share"], 0.1);
    assert_eq!(dq["max_reject_rate"], 0.05);
    let g = &dq["rejects_summary"][0];
    assert_eq!(g["reason"], "bad csat number '…' in column 'csat'");
    assert_eq!(g["count"], 2);
    assert_eq!(g["first_lines"], serde_json::json!([5, 9]));
    assert_eq!(g["example"], "bad csat number '<b>x</b>' in column 'csat'");
    assert!(out.join("rejects.csv").exists());
    // The summary, then the one-line error.
    let lines: Vec<&str> = err.trim().lines().collect();
    assert!(
        lines[0].starts_with("kpi: 2 of 20 rows rejected (10.0 %); all of them are in "),
        "{err}"
    );
    assert_eq!(
        lines[1],
        "kpi:   2 × bad csat number '<b>x</b>' in column 'csat' (lines 5, 9)"
    );
    assert!(lines[2].starts_with("kpi:       hint: "), "{err}");
    let last = lines.last().unwrap();
    assert!(
        last.starts_with(
            "ticketlens: error: 2 of 20 rows rejected (10.0 %), more than --max-reject-rate 5 %"
        ),
        "{err}"
    );
    assert!(last.contains("most often: bad csat number"), "{err}");

    // A higher limit accepts the same file.
    let res = kpi(&input, &out, &["-q", "--max-reject-rate", "10"]);
    assert!(res.status.success(), "{}", stderr_of(&res));
    assert!(stderr_of(&res).contains("2 of 20 rows rejected"));
    let res = kpi(&input, &out, &["-q", "--max-reject-rate", "101"]);
    assert_eq!(res.status.code(), Some(1));
    assert!(stderr_of(&res).contains("invalid --max-reject-rate"));
}

#[test]
fn kpi_at_the_limit_exits_0_with_the_summary_and_strict_fails() {
    let dir = tempfile::tempdir().unwrap();
    let input = export(dir.path(), 20, &[4], true);
    let out = dir.path().join("out");
    let res = kpi(&input, &out, &[]);
    let err = stderr_of(&res);
    assert!(res.status.success(), "{err}");
    assert!(err.contains("kpi: 1 of 20 rows rejected (5.0 %)"), "{err}");
    assert!(err.contains("(line 6)"), "{err}");
    assert_eq!(
        json(&out.join("kpis.json"))["data_quality"]["rows_rejected"],
        1
    );

    let res = kpi(&input, &out, &["--strict"]);
    assert_eq!(res.status.code(), Some(3));
    assert!(stderr_of(&res).contains("--strict"));

    // A clean file: no summary lines, and the block says so.
    let clean = export(dir.path(), 20, &[], true);
    let res = kpi(&clean, &out, &["-q"]);
    assert!(res.status.success());
    assert_eq!(stderr_of(&res), "");
    let dq = &json(&out.join("kpis.json"))["data_quality"];
    assert_eq!(dq["rows_rejected"], 0);
    assert_eq!(dq["rejects_summary"], serde_json::json!([]));
}

#[test]
fn classify_over_the_limit_writes_the_output_then_exits_3() {
    let dir = tempfile::tempdir().unwrap();
    let input = export(dir.path(), 20, &[0, 1, 2], true);
    let out = dir.path().join("o.csv");
    let res = bin()
        .arg("classify")
        .arg(&input)
        .args(["--model", &tiny(), "-q", "--no-embeddings", "-o"])
        .arg(&out)
        .output()
        .unwrap();
    let err = stderr_of(&res);
    assert_eq!(res.status.code(), Some(3), "{err}");
    let mut r = csv::Reader::from_path(&out).unwrap();
    assert_eq!(r.records().count(), 17);
    assert!(
        err.contains("classify: 3 of 20 rows rejected (15.0 %)"),
        "{err}"
    );
    assert!(err.contains("(lines 2, 3, 4)"), "{err}");
}

fn analyze(input: &Path, out: &Path) -> std::process::Output {
    bin()
        .arg("analyze")
        .arg(input)
        .args(["--model", &tiny(), "-q", "--themes", "3", "--out"])
        .arg(out)
        .output()
        .unwrap()
}

#[test]
fn analyze_carries_the_block_in_kpis_run_and_report() {
    let dir = tempfile::tempdir().unwrap();
    let input = export(dir.path(), 60, &[3, 7, 11, 30], true);
    let out = dir.path().join("out");
    let res = analyze(&input, &out);
    let err = stderr_of(&res);
    assert_eq!(res.status.code(), Some(3), "{err}");
    assert!(
        err.contains("analyze: 4 of 60 rows rejected (6.7 %)"),
        "{err}"
    );
    for f in ["kpis.json", "run.json"] {
        let v = json(&out.join(f));
        let dq = &v["data_quality"];
        assert_eq!(dq["rows_read"], 60, "{f}");
        assert_eq!(dq["rows_rejected"], 4, "{f}");
        assert_eq!(
            dq["rejects_summary"][0]["first_lines"],
            serde_json::json!([5, 9, 13, 32])
        );
    }
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("class=\"dq-alert bad\""));
    assert!(html.contains("60 rows read, 56 used, 4 rejected (6.7%)"));
    assert!(html.contains("bad csat number &#x27;&lt;b&gt;x&lt;&#x2f;b&gt;&#x27;"));
    assert!(!html.contains("<b>x</b>"));
}

#[test]
fn analyze_without_a_creation_time_runs_without_periods_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let input = export(dir.path(), 60, &[], false);
    let out = dir.path().join("out");
    let res = analyze(&input, &out);
    let err = stderr_of(&res);
    assert!(res.status.success(), "{err}");
    assert!(
        err.contains("analyze: skipped periods, trends and churn"),
        "{err}"
    );
    let k = json(&out.join("kpis.json"));
    assert_eq!(k["overall"]["tickets"], 60);
    assert_eq!(k["periods"], serde_json::json!({}));
    // No measuring instant is made up from the placeholder creation time.
    assert!(k["as_of"].is_null(), "as_of {}", k["as_of"]);
    assert_eq!(k["options"]["as_of_source"], "none");
    let themes = json(&out.join("themes.json"));
    assert!(!themes.to_string().contains("1970"), "themes dated 1970");
    let run = json(&out.join("run.json"));
    assert!(run["skipped"][0]
        .as_str()
        .unwrap()
        .contains("no creation-time column"));
    assert!(out.join("themes.json").exists());
    assert!(out.join("embeddings.npy").exists());
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(!html.contains("Volume and backlog"), "no chart over time");
    assert!(html.contains("Skipped periods, trends and churn"));
    assert!(!html.contains("1970"), "the report shows 1970 dates");
}

#[test]
fn analyze_without_text_runs_kpis_and_says_what_it_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("notext.csv");
    let mut s = String::from("id,created_at,status,channel,csat\n");
    for i in 0..30 {
        s.push_str(&format!(
            "T{i},2025-03-{:02}T09:00:00Z,{},email,{}\n",
            1 + i % 28,
            if i % 2 == 0 { "open" } else { "solved" },
            1 + i % 5
        ));
    }
    std::fs::write(&p, s).unwrap();
    let out = dir.path().join("out");
    let res = analyze(&p, &out);
    let err = stderr_of(&res);
    assert!(res.status.success(), "{err}");
    assert!(
        err.contains("analyze: skipped classification and themes"),
        "{err}"
    );
    assert_eq!(json(&out.join("kpis.json"))["overall"]["tickets"], 30);
    assert!(!out.join("themes.json").exists());
    assert!(!out.join("embeddings.npy").exists());
    let run = json(&out.join("run.json"));
    assert!(run["skipped"][0]
        .as_str()
        .unwrap()
        .contains("no text column"));
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("Skipped classification and themes"));
}
