//! Stage orchestration shared by the CLI commands.

pub mod analyze;
pub mod churn;
pub mod classify;
pub mod kpi;
pub mod load;
pub mod progress;
pub mod run_info;
pub mod table;
pub mod taxonomy;
pub mod themes;

pub use crate::error::PipelineError;
