//! Outputs: enriched CSV, JSON, HTML report, terminal summary.

mod analysis;
pub mod atomic;
pub mod enriched;
pub mod html;
pub mod safe_csv;
pub mod summary;

pub use analysis::{Analysis, ChurnOutcome, RunInfo};
