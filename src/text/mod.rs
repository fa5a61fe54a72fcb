//! Text preparation: cleaning, language identification and
//! length-bucketed, token-budget batching.

pub mod batch;
pub mod clean;
pub mod language;

pub use clean::{clean_markup, clean_text, clean_ticket};
