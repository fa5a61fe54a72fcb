//! Text preparation: cleaning and length-bucketed, token-budget batching.

pub mod batch;
pub mod clean;

pub use clean::{clean_markup, clean_text, clean_ticket};
