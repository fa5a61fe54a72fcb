//! Outputs: enriched CSV, JSON, HTML report, terminal summary.

pub mod atomic;
pub mod enriched;
pub mod safe_csv;
