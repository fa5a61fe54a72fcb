//! `ticketlens classify` on inputs larger than one pipeline chunk (8192
//! rows), through the binary with the tiny model: input order, row alignment
//! of the embeddings, cross-chunk deduplication, rejects with exact line
//! numbers and raw rows, and a prompt error (no hang) when the output breaks.

use super::common;

use common::{classify_tiny, tiny};
use std::collections::HashMap;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn bin() -> Command {
    Command::new(assert_cmd::cargo::cargo_bin("ticketlens"))
}

/// A ~20k-row export: 400 distinct texts repeated across all chunks, a
/// multi-line quoted body (so physical lines ≠ record numbers), and rejects
/// scattered through it. Returns the CSV and the expected rejects
/// `(line, reason prefix, ticket id)`.
fn big_csv(rows: usize) -> (String, Vec<(u64, &'static str, String)>) {
    let mut s = String::from("ticket_id,created_at,subject,body,csat\n");
    let mut line = 2u64;
    let mut rejects = Vec::new();
    for i in 0..rows {
        let id = format!("T{i:06}");
        let text = format!(
            "order {} {}",
            i % 400,
            [
                "never arrived",
                "refund please",
                "thanks a lot",
                "invoice wrong"
            ][i % 4]
        );
        let row = match i {
            700 => {
                rejects.push((line, "bad csat number 'abc'", id.clone()));
                format!("{id},2025-01-01,{text},body,abc\n")
            }
            9_000 => {
                rejects.push((line, "empty text after cleaning", id.clone()));
                format!("{id},2025-01-01,,<p>&nbsp;</p>,3\n")
            }
            12_345 => {
                rejects.push((line, "wrong column count: expected 5, got 6", id.clone()));
                format!("{id},2025-01-01,{text},body,3,extra\n")
            }
            15_000 => format!("{id},2025-01-01,{text},\"two\nlines\",4\n"),
            19_999 => {
                rejects.push((line, "bad created_at timestamp 'soon'", id.clone()));
                format!("{id},soon,{text},x,\n")
            }
            _ => format!("{id},2025-01-01,{text},,\n"),
        };
        line += row.matches('\n').count() as u64;
        s.push_str(&row);
    }
    (s, rejects)
}

fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let h = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|x| x.unwrap().iter().map(String::from).collect())
        .collect();
    (h, rows)
}

#[test]
fn multi_chunk_run_keeps_order_alignment_rejects_and_dedups_across_chunks() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("big.csv");
    let (csv_text, want_rejects) = big_csv(20_000);
    std::fs::write(&input, &csv_text).unwrap();
    let out = dir.path().join("out.csv");
    let res = classify_tiny(&input, &out);
    let err = String::from_utf8_lossy(&res.stderr).into_owned();
    assert!(res.status.success(), "{err}");
    // 401 distinct texts over 3 chunks: the cross-chunk cache infers each once.
    assert!(
        err.contains("20000 rows read, 19996 written, 4 rejected (401 unique texts"),
        "{err}"
    );

    let (h, rows) = read_csv(&out);
    let id = h.iter().position(|c| c == "ticket_id").unwrap();
    let subj = h.iter().position(|c| c == "subject").unwrap();
    let sent = h.iter().position(|c| c == "p_negative").unwrap();
    let bad: Vec<&String> = want_rejects.iter().map(|r| &r.2).collect();
    let want_ids: Vec<String> = (0..20_000)
        .map(|i| format!("T{i:06}"))
        .filter(|i| !bad.contains(&i))
        .collect();
    let got_ids: Vec<&str> = rows.iter().map(|r| r[id].as_str()).collect();
    assert_eq!(got_ids, want_ids, "rows out of order or lost");

    // Embeddings: one row per output row, aligned: rows with the same text
    // have bit-identical vectors (and scores), different texts differ.
    let emb =
        ticketlens::embeddings::Embeddings::read_npy(&dir.path().join("out.csv.embeddings.npy"))
            .unwrap();
    assert_eq!(emb.rows(), rows.len());
    let mut by_text: HashMap<String, (Vec<f32>, String)> = HashMap::new();
    for (i, r) in rows.iter().enumerate() {
        let text = if r[id] == "T015000" {
            format!("{} two lines", r[subj])
        } else {
            r[subj].clone()
        };
        let v = emb.row(i).to_vec();
        let first = by_text.entry(text).or_insert((v.clone(), r[sent].clone()));
        assert_eq!(first.0, v, "row {i} ({}): embedding misaligned", r[id]);
        assert_eq!(first.1, r[sent], "row {i}: duplicate scored differently");
    }
    assert_eq!(by_text.len(), 401);
    let mut distinct: Vec<&Vec<f32>> = by_text.values().map(|v| &v.0).collect();
    distinct.sort_by(|a, b| a.partial_cmp(b).unwrap());
    distinct.dedup();
    assert_eq!(distinct.len(), 401, "distinct texts share an embedding row");

    // Rejects: exact physical line, reason and the raw record.
    let (rh, rj) = read_csv(&dir.path().join("out.csv.rejects.csv"));
    assert_eq!(rh, ["line", "reason", "raw"]);
    assert_eq!(rj.len(), want_rejects.len());
    for (got, (line, reason, id)) in rj.iter().zip(&want_rejects) {
        assert_eq!(got[0], line.to_string(), "{got:?}");
        assert!(got[1].starts_with(reason), "{got:?} vs {reason}");
        let original = csv_text
            .lines()
            .nth(*line as usize - 1)
            .unwrap()
            .to_string();
        assert!(original.starts_with(id.as_str()));
        assert_eq!(got[2], original, "raw is the record as written");
    }

    // Same input, same bytes: batching and caching are deterministic.
    let out2 = dir.path().join("out2.csv");
    let res = bin()
        .args([
            "classify",
            input.to_str().unwrap(),
            "--model",
            &tiny(),
            "-q",
            "-o",
        ])
        .arg(&out2)
        .output()
        .unwrap();
    assert!(res.status.success());
    assert_eq!(std::fs::read(&out).unwrap(), std::fs::read(&out2).unwrap());
    assert_eq!(
        std::fs::read(dir.path().join("out.csv.embeddings.npy")).unwrap(),
        std::fs::read(dir.path().join("out2.csv.embeddings.npy")).unwrap()
    );
}

/// `classify big.csv | head`: the output breaks (EPIPE) while the reader
/// thread is blocked handing over the next chunk. The process must exit
/// promptly, and quietly with exit 0 (the reader had enough: not an error,
/// as for other Unix tools), in CSV and JSON lines output alike.
#[test]
fn broken_output_pipe_ends_promptly_and_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("big.csv");
    let mut s = String::from("id,body\n");
    for i in 0..60_000 {
        s.push_str(&format!("{i},parcel {} is late\n", i % 50));
    }
    std::fs::write(&input, s).unwrap();
    for format in ["csv", "jsonl"] {
        let mut child = bin()
            .args([
                "classify",
                input.to_str().unwrap(),
                "--model",
                &tiny(),
                "-q",
            ])
            .args(["--no-embeddings", "--format", format, "--rejects"])
            .arg(dir.path().join("r.csv"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take()); // like `| head` exiting at once
        let deadline = Instant::now() + Duration::from_secs(120);
        let status = loop {
            if let Some(st) = child.try_wait().unwrap() {
                break st;
            }
            if Instant::now() > deadline {
                child.kill().unwrap();
                panic!("classify hung after its output pipe closed");
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        let mut err = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        assert!(status.success(), "{format}: {status:?} {err}");
        assert!(err.trim().is_empty(), "{format}: {err}");
    }
}
