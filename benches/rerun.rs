//! Re-runs reuse inference: `analyze` on the bundled fixtures twice with
//! the same (initially empty) persistent inference cache, then once with
//! `--no-cache`, each timed as a whole command (the built binary, so the
//! figures are what a user sees). Prints wall seconds, the speed-up of the
//! warm run and whether the outputs are identical.
//!
//! Run: `cargo bench --bench rerun` (add an input file and, optionally, a
//! customers file to time another export).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

fn analyze(input: &Path, customers: Option<&Path>, out: &Path, cache: Option<&Path>) -> f64 {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ticketlens"));
    cmd.arg("analyze")
        .arg(input)
        .arg("--out")
        .arg(out)
        .arg("-q");
    if let Some(c) = customers {
        cmd.arg("--customers").arg(c);
    }
    match cache {
        Some(dir) => cmd.arg("--cache").arg(dir),
        None => cmd.arg("--no-cache"),
    };
    let start = Instant::now();
    let res = cmd.output().expect("run ticketlens");
    assert!(
        res.status.success(),
        "analyze failed: {}",
        String::from_utf8_lossy(&res.stderr)
    );
    start.elapsed().as_secs_f64()
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let input = args
        .first()
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("fixtures/tickets.csv"));
    let customers = match args.get(1) {
        Some(c) => Some(PathBuf::from(c)),
        None if args.is_empty() => Some(root.join("fixtures/customers.csv")),
        None => None,
    };
    let tmp = tempfile::tempdir().unwrap();
    let cache = tmp.path().join("cache");
    let cold = analyze(
        &input,
        customers.as_deref(),
        &tmp.path().join("a"),
        Some(&cache),
    );
    let warm = analyze(
        &input,
        customers.as_deref(),
        &tmp.path().join("b"),
        Some(&cache),
    );
    let none = analyze(&input, customers.as_deref(), &tmp.path().join("c"), None);
    let same = ["tickets_enriched.csv", "themes.json", "embeddings.npy"]
        .iter()
        .all(|f| {
            std::fs::read(tmp.path().join("a").join(f)).ok()
                == std::fs::read(tmp.path().join("b").join(f)).ok()
        });
    println!(
        "rerun {}: first analyze {cold:.2} s (cache empty), second {warm:.2} s (cache warm): {:.1}x faster; without cache {none:.2} s; outputs identical: {same}",
        input.file_name().unwrap_or_default().to_string_lossy(),
        cold / warm
    );
}
