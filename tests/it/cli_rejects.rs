//! The rejects file through the binary, with the tiny model: every reject
//! reason of the fixtures with its exact line and raw row, the "empty text
//! after cleaning" reject, the always-written atomic file, and `--strict`.

use super::common;

use common::{bin, classify_tiny, root, stderr_of, tiny};

#[test]
fn fixture_rejects_have_exact_line_reason_and_raw() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o.csv");
    let res = bin()
        .args(["classify", "fixtures/tickets.csv", "--model", &tiny(), "-q"])
        .args(["--no-embeddings", "-o", out.to_str().unwrap()])
        .current_dir(root())
        .output()
        .unwrap();
    assert!(res.status.success(), "{}", stderr_of(&res));
    let truth: serde_json::Value =
        serde_json::from_slice(&std::fs::read(root().join("fixtures/ground_truth.json")).unwrap())
            .unwrap();
    let mut rr = csv::Reader::from_path(dir.path().join("o.csv.rejects.csv")).unwrap();
    let got: Vec<csv::StringRecord> = rr.records().map(|r| r.unwrap()).collect();
    // classify does not require created_at, so a blank one is not a reject.
    let want: Vec<(u64, &str, &str)> = truth["rejects"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["kind"] != "missing_created_at")
        .map(|r| {
            let reason = match r["kind"].as_str().unwrap() {
                "column_count" => "wrong column count: expected 19, got ",
                "bad_created_at" => "bad created_at timestamp 'not-a-date' in column 'created_at'",
                "bad_csat" => "bad csat number 'abc' in column 'csat'",
                "empty_text" => "empty text: column(s) 'subject', 'body' blank",
                "invalid_utf8" => "invalid UTF-8 in column 'body' at byte ",
                "csat_out_of_range" => "csat value 9 in column 'csat' outside 1–5",
                k => panic!("unknown reject kind {k}"),
            };
            (
                r["line"].as_u64().unwrap(),
                reason,
                r["ticket_id"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(got.len(), want.len(), "{got:?}");
    for (g, (line, reason, id)) in got.iter().zip(&want) {
        assert_eq!(g[0], line.to_string(), "{g:?}");
        assert!(
            g[1].starts_with(reason),
            "line {line}: {:?} vs {reason:?}",
            &g[1]
        );
        assert!(
            g[2].starts_with(&format!("{id},")),
            "raw of line {line}: {:?}",
            &g[2]
        );
    }
}

#[test]
fn empty_after_cleaning_reject_keeps_the_raw_record() {
    let dir = tempfile::tempdir().unwrap();
    // CSV with `;`: raw is the record re-encoded with its own delimiter and quoting.
    let csv_in = dir.path().join("t.csv");
    std::fs::write(
        &csv_in,
        "id;subject;body\n1;Refund;where is it\n2;;\"<p>&nbsp;</p>\n> old; quoted\"\n",
    )
    .unwrap();
    // JSONL: raw is the original line.
    let jsonl_in = dir.path().join("t.jsonl");
    let line2 = r#"{"id": 2, "body": "<div></div>", "extra": [1, 2]}"#;
    std::fs::write(
        &jsonl_in,
        format!("{{\"id\": 1, \"body\": \"hello\"}}\n{line2}\n"),
    )
    .unwrap();
    for (input, line, raw) in [
        (&csv_in, "3", "2;;\"<p>&nbsp;</p>\n> old; quoted\""),
        (&jsonl_in, "2", line2),
    ] {
        let rejects = dir.path().join("r.csv");
        let res = bin()
            .args([
                "classify",
                input.to_str().unwrap(),
                "--model",
                &tiny(),
                "-q",
            ])
            .args(["--no-embeddings", "--rejects", rejects.to_str().unwrap()])
            // 1 of 2 rows rejected on purpose.
            .args(["--max-reject-rate", "100"])
            .output()
            .unwrap();
        assert!(res.status.success(), "{}", stderr_of(&res));
        assert_eq!(String::from_utf8_lossy(&res.stdout).lines().count(), 2);
        let mut rr = csv::Reader::from_path(&rejects).unwrap();
        let recs: Vec<csv::StringRecord> = rr.records().map(|r| r.unwrap()).collect();
        assert_eq!(recs.len(), 1, "{recs:?}");
        assert_eq!(&recs[0][0], line);
        assert!(
            recs[0][1].starts_with("empty text after cleaning"),
            "{recs:?}"
        );
        assert_eq!(&recs[0][2], raw);
    }
}

#[test]
fn clean_run_writes_header_only_rejects_and_failed_run_keeps_old_one() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("t.csv");
    std::fs::write(&input, "id,body\n1,hello there\n").unwrap();
    let rejects = dir.path().join("o.csv.rejects.csv");
    std::fs::write(&rejects, "old").unwrap();
    let out = dir.path().join("o.csv");
    // The input cannot be opened: nothing is touched.
    let res = bin()
        .args(["classify", "no/such/input.csv", "--model", &tiny(), "-o"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(!res.status.success());
    assert_eq!(std::fs::read_to_string(&rejects).unwrap(), "old");
    let res = classify_tiny(&input, &out);
    assert!(res.status.success(), "{}", stderr_of(&res));
    assert_eq!(
        std::fs::read_to_string(&rejects).unwrap(),
        "line,reason,raw\n"
    );
}

#[test]
fn strict_prints_the_summary_before_failing() {
    let dir = tempfile::tempdir().unwrap();
    let res = bin()
        .args([
            "classify",
            "fixtures/tickets.csv",
            "--model",
            &tiny(),
            "--strict",
        ])
        .args(["--no-embeddings", "-o"])
        .arg(dir.path().join("o.csv"))
        .current_dir(root())
        .output()
        .unwrap();
    // Exit code 3: the outputs were written, but rows were rejected.
    assert_eq!(res.status.code(), Some(3));
    let err = stderr_of(&res);
    let lines: Vec<&str> = err.trim().lines().collect();
    assert!(
        lines[0].starts_with("classify: ") && lines[0].contains(" rows read, "),
        "{err}"
    );
    // Then the rejects grouped by reason, then the one-line error.
    assert!(
        lines[1].starts_with("classify: ") && lines[1].contains(" rows rejected ("),
        "{err}"
    );
    assert!(
        lines.iter().any(|l| l.contains("× wrong column count")),
        "{err}"
    );
    let last = lines.last().unwrap();
    assert!(
        last.starts_with("ticketlens: error: ") && last.contains("--strict"),
        "{err}"
    );
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.starts_with("ticketlens:"))
            .count(),
        1
    );
}
