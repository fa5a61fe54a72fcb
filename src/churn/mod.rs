//! Per-customer churn risk from ticket history.
//!
//! Success managers want a ranked list of customers to call this week, and
//! why. This module turns enriched tickets (plus an optional customers table
//! with plan, MRR, signup date and known churn labels) into:
//!
//! - [`build_features`]: one row of leakage-safe features per customer as of a
//!   prediction date (only tickets created up to `as_of` count);
//! - [`train`]: an L2 logistic regression (`linfa-logistic`) with a held-out
//!   split and k-fold cross-validation next to a ticket-count baseline
//!   ([`ChurnEval`], written to `churn_eval.json`);
//! - [`score`]: every customer's risk, band and top three reasons
//!   ([`AtRisk`], written to `at_risk.csv` by [`write_at_risk`]).
//!
//! Definitions of every feature, the missing-value rules, the threshold and
//! band rules are in `docs/churn.md`.

mod eval;
mod features;
mod metrics;
mod model;
mod score;
pub(crate) mod spec;
mod train;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_inputs;

use chrono::{DateTime, Utc};

use crate::kpi::SlaTargets;

pub use crate::error::ChurnError;
pub use crate::ingest::customers::{CustomerRow, CustomerTable};
pub use eval::RiskBands;
pub use eval::{ChurnEval, CvEval, HoldoutEval, HoldoutPrediction};
pub use features::{
    build_features, build_with_schema, CustomerInfo, FeatureMatrix, FeatureSchema,
    MAX_TAXONOMY_LABELS,
};
pub use metrics::{
    average_precision, best_f1_threshold, brier, roc_auc, stratified_folds, stratified_split,
    top_fraction, MeanSd, Metrics, MetricsSummary,
};
pub use model::{ChurnModel, MODEL_FORMAT};
pub use score::{
    absent_theme_columns, revenue_at_risk, score, write_at_risk, AtRisk, RevenueAtRisk,
};
pub use spec::sla_target_minutes;
pub use train::{train, BASELINE};

/// Training options.
#[derive(Debug, Clone, PartialEq)]
pub struct ChurnOptions {
    /// Prediction date; default: the last ticket's creation time.
    pub as_of: Option<DateTime<Utc>>,
    /// Seed for the held-out split and the folds.
    pub seed: u64,
    /// Share of labelled customers held out (stratified). Default 0.25.
    pub test_fraction: f64,
    /// Cross-validation folds (stratified). Default 5.
    pub folds: usize,
    /// L2 strength: the loss is `Σ log-loss + alpha/2 · ‖w‖²` over
    /// standardised features (linfa's convention; scikit-learn's `C = 1/alpha`).
    /// Default 10: a mild prior that keeps ~40 coefficients stable on a few
    /// hundred labelled customers and is negligible with tens of thousands.
    pub alpha: f64,
    /// Largest themes (by ticket count) that get a share column. Default 0
    /// (no theme columns): theme labels are recomputed on every run, so a
    /// saved model's theme columns would not match next week's themes (see
    /// docs/churn.md, "Theme mix"). Topic mix, from the classifier's fixed
    /// label set, is stable and always included, and so are the shares of
    /// a team taxonomy's labels when the tickets are tagged with one (at
    /// most [`MAX_TAXONOMY_LABELS`], fixed by the taxonomy file).
    pub max_theme_features: usize,
    /// First-response SLA targets for `sla_breaches`: the KPI engine's
    /// (`--sla`), stored in the model so scoring counts breaches the same way.
    pub sla: SlaTargets,
}

impl Default for ChurnOptions {
    fn default() -> Self {
        ChurnOptions {
            as_of: None,
            seed: 42,
            test_fraction: 0.25,
            folds: 5,
            alpha: 10.0,
            max_theme_features: 0,
            sla: SlaTargets::default(),
        }
    }
}
