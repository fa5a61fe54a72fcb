//! Outputs: enriched CSV, JSON, HTML report, terminal summary.

pub mod safe_csv;
