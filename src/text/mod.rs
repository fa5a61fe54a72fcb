//! Text preparation: cleaning and length-bucketed, token-budget batching.

pub mod batch;
pub mod clean;

pub use clean::clean_text;
