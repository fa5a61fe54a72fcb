//! `ticketlens classify` end to end through the binary, with the tiny model:
//! outputs, rejects, and every bad-input error being one line + non-zero exit.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn tiny() -> String {
    root().join("fixtures/models/tiny").display().to_string()
}

fn bin() -> Command {
    Command::cargo_bin("ticketlens").expect("binary")
}

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn data_rows(path: &Path) -> usize {
    let bytes = std::fs::read(path).unwrap();
    let mut r = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(bytes.as_slice());
    r.byte_records().count()
}

#[test]
fn classify_fixtures_keeps_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("enriched.csv");
    let input = root().join("fixtures/tickets.csv");
    let res = bin()
        .args([
            "classify",
            input.to_str().unwrap(),
            "--model",
            &tiny(),
            "-o",
            out.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(res.status.success(), "{}", stderr_of(&res));
    let err = stderr_of(&res);

    let mut rdr = csv::Reader::from_path(&out).unwrap();
    let headers: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
    for col in [
        "ticket_id",
        "body",
        "sentiment",
        "sentiment_confidence",
        "p_negative",
        "p_neutral",
        "p_positive",
        "topic",
        "topic_confidence",
    ] {
        assert!(
            headers.contains(&col.to_string()),
            "missing column {col} in {headers:?}"
        );
    }
    let written = rdr.records().count();
    let rejects = dir.path().join("enriched.csv.rejects.csv");
    let rejected = data_rows(&rejects);
    assert!(rejected > 0, "the fixtures contain broken rows");
    let total = data_rows(&input);
    assert_eq!(
        written + rejected,
        total,
        "every input row is written or rejected"
    );
    assert!(
        err.contains(&format!("{written} written"))
            && err.contains(&format!("{rejected} rejected")),
        "{err}"
    );

    // Rejects carry a 1-based line number and a reason.
    let mut rr = csv::Reader::from_path(&rejects).unwrap();
    assert_eq!(
        rr.headers().unwrap().iter().collect::<Vec<_>>(),
        vec!["line", "reason", "raw"]
    );
    for rec in rr.records() {
        let rec = rec.unwrap();
        assert!(rec[0].parse::<u64>().unwrap() >= 2);
        assert!(!rec[1].is_empty());
    }

    // Embeddings side file: one row per written row.
    let emb = ticketlens::embeddings::Embeddings::read_npy(
        &dir.path().join("enriched.csv.embeddings.npy"),
    )
    .unwrap();
    assert_eq!(emb.rows(), written);
    assert_eq!(emb.dim, 64);

    // Formula injection from ticket text is neutralised.
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(
        !text.contains(",=HYPERLINK"),
        "formula cell not neutralised"
    );
}

#[test]
fn strict_turns_rejects_into_failure() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o.csv");
    let res = bin()
        .args([
            "classify",
            "fixtures/tickets.csv",
            "--model",
            &tiny(),
            "--strict",
            "-o",
            out.to_str().unwrap(),
        ])
        .current_dir(root())
        .output()
        .unwrap();
    assert!(!res.status.success());
    let err = stderr_of(&res);
    assert_eq!(
        err.trim().lines().filter(|l| l.contains("error")).count(),
        1,
        "{err}"
    );
    assert!(err.contains("rejected"), "{err}");
}

#[test]
fn jsonl_output_and_stdin_input() {
    let csv = "id,subject,body\n1,Refund,Where is my refund?\n2,,\"Thanks, all good now\"\n";
    let res = bin()
        .args([
            "classify",
            "-",
            "--model",
            &tiny(),
            "--format",
            "jsonl",
            "--no-embeddings",
            "--rejects",
        ])
        .arg(tempfile::tempdir().unwrap().path().join("r.csv"))
        .write_stdin(csv)
        .output()
        .unwrap();
    assert!(res.status.success(), "{}", stderr_of(&res));
    let out = String::from_utf8(res.stdout).unwrap();
    let rows: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["id"], "1");
    assert!(rows[1]["p_negative"].as_f64().is_some());
}

#[test]
fn bad_inputs_give_one_line_errors() {
    let dir = tempfile::tempdir().unwrap();
    let no_text = dir.path().join("no_text.csv");
    std::fs::write(&no_text, "id,created_at\n1,2025-01-01\n").unwrap();
    type Case<'a> = (Vec<String>, Vec<(&'a str, &'a str)>, &'a str);
    let cases: Vec<Case> = vec![
        (
            vec![
                "classify".into(),
                no_text.display().to_string(),
                "--model".into(),
                tiny(),
            ],
            vec![],
            "missing required column",
        ),
        (
            vec![
                "classify".into(),
                "does/not/exist.csv".into(),
                "--model".into(),
                tiny(),
            ],
            vec![],
            "does/not/exist.csv",
        ),
        (
            vec![
                "classify".into(),
                "fixtures/tickets.csv".into(),
                "--model".into(),
                "no/such/model".into(),
            ],
            vec![],
            "model no/such/model",
        ),
        (
            vec![
                "classify".into(),
                "fixtures/tickets.csv".into(),
                "--model".into(),
                tiny(),
            ],
            vec![("ORT_DYLIB_PATH", "/nonexistent/libonnxruntime.so")],
            "ONNX Runtime",
        ),
        (
            vec![
                "classify".into(),
                "fixtures/tickets.csv".into(),
                "--model".into(),
                tiny(),
                "--map".into(),
                "nonsense=x".into(),
            ],
            vec![],
            "--map",
        ),
    ];
    for (args, env, want) in cases {
        let mut cmd = bin();
        cmd.args(&args).current_dir(root());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let res = cmd.output().unwrap();
        let err = stderr_of(&res);
        assert!(!res.status.success(), "{args:?} should fail");
        assert!(err.contains(want), "{args:?}: expected {want:?} in {err:?}");
        assert_eq!(
            err.trim().lines().count(),
            1,
            "{args:?}: not one line: {err:?}"
        );
        assert!(!err.contains("panicked"), "{err}");
    }
}
