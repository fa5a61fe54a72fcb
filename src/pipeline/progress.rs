//! Progress display on stderr (rows/s, ETA) — only when stderr is a terminal.
//!
//! Piped or redirected runs (CI, cron, `2> log`) stay quiet so logs are not
//! filled with carriage-return noise; `--quiet` silences it everywhere.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::Duration;

/// `{rate}` in a template: whole rows per second (indicatif's `{per_sec}`
/// prints four decimals).
fn rate(state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write) {
    let _ = write!(w, "{:.0} rows/s", state.per_sec());
}

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
                        "{prefix:>10} [{bar:30}] {pos}/{len} rows  {rate}  ETA {eta}",
                    )
                    .expect("valid template")
                    .with_key("rate", rate)
                    .progress_chars("=> "),
                );
                b
            }
            None => {
                let b = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
                b.set_style(
                    ProgressStyle::with_template(
                        "{prefix:>10} {spinner} {pos} rows  {rate}  {elapsed}",
                    )
                    .expect("valid template")
                    .with_key("rate", rate),
                );
                b
            }
        };
        bar.set_prefix(stage.to_string());
        bar.enable_steady_tick(Duration::from_millis(200));
        Progress { bar }
    }

    /// Whether a bar would be shown (so callers only pay for a row count
    /// when someone will see the ETA).
    pub fn visible(quiet: bool) -> bool {
        !quiet && std::io::stderr().is_terminal()
    }

    /// A bar over the rows of `source`: counts them first (ingest runs about
    /// a thousand times faster than inference, so the pre-pass costs ~0.1 %)
    /// when the bar is visible and the input is a file; stdin gets a spinner.
    pub fn for_input(
        stage: &str,
        source: &crate::ingest::InputSource,
        opts: &crate::ingest::IngestOptions,
        quiet: bool,
    ) -> Self {
        if !Self::visible(quiet) {
            return Self::hidden();
        }
        // The counting pass must not report the mapping a second time.
        let counting = crate::ingest::IngestOptions {
            on_mapping: None,
            ..opts.clone()
        };
        let total = match source {
            crate::ingest::InputSource::Path(_) => crate::ingest::open(source, &counting)
                .ok()
                .map(|r| r.count() as u64),
            crate::ingest::InputSource::Stdin | crate::ingest::InputSource::Memory { .. } => None,
        };
        Self::new(stage, total, quiet)
    }

    /// A spinner for a stage that works on `rows` rows at once (themes, KPIs,
    /// churn): those stages have no row-by-row loop to report from, so they
    /// show what they are doing and for how long, and [`Progress::finish_stage`]
    /// leaves one line with the stage's rows/s behind.
    pub fn stage(stage: &str, rows: u64, quiet: bool) -> Self {
        if !Self::visible(quiet) {
            return Self::hidden();
        }
        let b = ProgressBar::with_draw_target(Some(rows), ProgressDrawTarget::stderr());
        b.set_style(
            ProgressStyle::with_template("{prefix:>10} {spinner} {len} rows  {elapsed}")
                .expect("valid template"),
        );
        b.set_prefix(stage.to_string());
        b.enable_steady_tick(Duration::from_millis(200));
        Progress { bar: b }
    }

    /// Finish a [`Progress::stage`] spinner, leaving `stage: N rows in S s (R rows/s)`.
    pub fn finish_stage(&self) {
        if self.bar.is_hidden() {
            return;
        }
        let rows = self.bar.length().unwrap_or(0);
        let secs = self.bar.elapsed().as_secs_f64();
        let rate = if secs > 0.0 { rows as f64 / secs } else { 0.0 };
        self.bar.finish_and_clear();
        eprintln!(
            "{:>10}: {rows} rows in {secs:.1} s ({rate:.0} rows/s)",
            self.bar.prefix()
        );
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
