//! Outputs: enriched CSV, JSON, HTML report, terminal summary (atomic
//! files and the CSV formula guard live in [`crate::io`]).

mod analysis;
pub mod enriched;
pub(crate) mod enriched_parquet;
pub(crate) mod html;
pub(crate) mod summary;

pub use crate::error::OutputError;
pub use analysis::{Analysis, ChurnOutcome, RunInfo};
