//! A team's own tags: learn a taxonomy from tickets already tagged, or
//! from the tag names alone, and apply it to every ticket.
//!
//! The taxonomy is a linear scorer over the model's embedding
//! ([`Taxonomy`]): a linfa logistic regression trained on labelled tickets
//! ([`TrainParams`] → [`ValidTrainParams::fit`], cross-validated), or one
//! prototype per label name ([`from_names`], zero-shot). It is saved as
//! JSON with the sha256 of the model it belongs to, so applying it with
//! another model is an error instead of silent nonsense.

mod eval;
mod fit;
mod model;
mod names;
mod suggest;

pub use crate::error::TaxonomyError;
pub use eval::{ConfusedPair, Evaluation, LabelMetrics, MAX_CONFUSED};
pub use fit::{tune_thresholds, LabelledSet, SmallLabels, TrainParams, ValidTrainParams, OTHER};
pub use model::{Assignment, Scorer, Taxonomy, TaxonomyKind, Training, FORMAT};
pub use names::{from_names, parse_names, prototype_texts, NameSpec, NamesParams, TEMPERATURE};
pub use suggest::suggest;

#[cfg(test)]
mod tests;
