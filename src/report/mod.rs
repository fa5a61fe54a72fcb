//! Outputs: enriched CSV, JSON, HTML report, terminal summary.
