//! Stage orchestration shared by the CLI commands.

pub mod classify;
pub mod progress;
