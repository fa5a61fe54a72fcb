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
