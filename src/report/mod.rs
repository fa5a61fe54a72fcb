//! Outputs: enriched CSV, JSON, HTML report, terminal summary.

pub mod atomic;
pub mod enriched;
pub mod html;
pub mod safe_csv;
pub mod summary;
