//! Helpers shared by the integration tests that drive the `ticketlens`
//! binary: where the repository and the tiny test model are, and how to run
//! the binary. Each test crate uses a subset, hence `allow(dead_code)`.
#![allow(dead_code)]

use assert_cmd::Command;
use std::path::{Path, PathBuf};
use std::process::Output;

/// The repository root (fixtures, models).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The tiny test model directory, as a `--model` argument.
pub fn tiny() -> String {
    root().join("fixtures/models/tiny").display().to_string()
}

/// The tiny test model plus a third head, `urgency` (low, normal, high),
/// assembled in `dir/model` (the fixture keeps only what differs from
/// the tiny model: its graph and `ticketlens.json`).
pub fn urgency_model(dir: &Path) -> PathBuf {
    let model = dir.join("model");
    std::fs::create_dir_all(&model).expect("model dir");
    let models = root().join("fixtures/models");
    for (from, name) in [
        ("tiny-urgency", "model.onnx"),
        ("tiny-urgency", "ticketlens.json"),
        ("tiny", "tokenizer.json"),
    ] {
        std::fs::copy(models.join(from).join(name), model.join(name)).expect("copy model file");
    }
    model
}

/// A file under `fixtures/`, as an argument.
pub fn fixture(name: &str) -> String {
    root().join("fixtures").join(name).display().to_string()
}

/// The built `ticketlens` binary.
pub fn bin() -> Command {
    Command::cargo_bin("ticketlens").expect("binary")
}

/// A finished run's stderr as text.
pub fn stderr_of(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `ticketlens classify INPUT --model <tiny> -o OUT`, run to completion.
pub fn classify_tiny(input: &Path, out: &Path) -> Output {
    bin()
        .args([
            "classify",
            input.to_str().expect("utf-8 path"),
            "--model",
            &tiny(),
            "-o",
        ])
        .arg(out)
        .output()
        .expect("run ticketlens")
}

/// The fixtures' tickets with only the `keep` columns, written to
/// `dir/name` (an export shaped like another desk's: no status columns, a
/// conversation log …). The first `stray` rows are moved years back
/// (2019–2021), like the stray test tickets real exports carry. The
/// fixtures' deliberately broken rows are left out.
pub fn reshape_fixtures(dir: &Path, name: &str, keep: &[&str], stray: usize) -> PathBuf {
    let mut r = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(root().join("fixtures/tickets.csv"))
        .expect("fixtures");
    let headers = r.headers().expect("header").clone();
    let idx: Vec<usize> = keep
        .iter()
        .map(|k| {
            headers
                .iter()
                .position(|h| h == *k)
                .expect("fixture column")
        })
        .collect();
    let created = keep.iter().position(|k| *k == "created_at");
    let path = dir.join(name);
    let mut w = csv::Writer::from_path(&path).expect("write reshaped fixtures");
    w.write_record(keep).expect("write");
    let records = r
        .records()
        .filter_map(|x| x.ok())
        .filter(|x| x.len() == headers.len());
    for (n, rec) in records.enumerate() {
        let mut row: Vec<String> = idx.iter().map(|&i| rec[i].to_string()).collect();
        if let (true, Some(c)) = (n < stray, created) {
            row[c] = format!("{}-03-0{}T10:00:00Z", 2019 + n % 3, 1 + n % 7);
        }
        w.write_record(&row).expect("write");
    }
    w.flush().expect("flush");
    path
}

/// A CSV file's header and rows, as strings.
pub fn csv_rows(p: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    let header = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows = r
        .records()
        .map(|x| x.unwrap().iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}
