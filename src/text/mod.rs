//! Text preparation: cleaning, language identification and
//! length-bucketed, token-budget batching.

pub(crate) mod batch;
pub(crate) mod clean;
pub(crate) mod language;

pub use clean::{clean_markup, clean_text, clean_ticket};
