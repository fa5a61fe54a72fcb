//! Progress display on stderr (rows/s, ETA) — only when stderr is a terminal.
//!
//! Piped or redirected runs (CI, cron, `2> log`) stay quiet so logs are not
//! filled with carriage-return noise; `--quiet` silences it everywhere.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::Duration;

/// A stage's progress bar (hidden when not wanted).
pub struct Progress {
    bar: ProgressBar,
}

impl Progress {
    /// A hidden bar (tests, `--quiet`, non-terminal stderr).
    pub fn hidden() -> Self {
        Progress {
            bar: ProgressBar::hidden(),
        }
    }

    /// A bar for `stage` over `total` rows (unknown total = spinner with rate).
    pub fn new(stage: &str, total: Option<u64>, quiet: bool) -> Self {
        if quiet || !std::io::stderr().is_terminal() {
            return Self::hidden();
        }
        let bar = match total {
            Some(n) => {
                let b = ProgressBar::with_draw_target(Some(n), ProgressDrawTarget::stderr());
                b.set_style(
                    ProgressStyle::with_template(
                        "{prefix:>10} [{bar:30}] {pos}/{len} rows  {per_sec}  ETA {eta}",
                    )
                    .expect("valid template")
                    .progress_chars("=> "),
                );
                b
            }
            None => {
                let b = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
                b.set_style(
                    ProgressStyle::with_template(
                        "{prefix:>10} {spinner} {pos} rows  {per_sec}  {elapsed}",
                    )
                    .expect("valid template"),
                );
                b
            }
        };
        bar.set_prefix(stage.to_string());
        bar.enable_steady_tick(Duration::from_millis(200));
        Progress { bar }
    }

    /// Set the number of rows done.
    pub fn set(&self, done: u64) {
        self.bar.set_position(done);
    }

    /// Finish and clear the line.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
