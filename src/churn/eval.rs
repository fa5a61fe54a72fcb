//! The evaluation written to `churn_eval.json` and printed after training.
//!
//! Every number is measured on customers the scoring model did not see: a
//! stratified held-out split and stratified k-fold cross-validation, each
//! next to a naive baseline (tickets in the last 90 days as the score) on
//! exactly the same rows, so a reader can tell whether the model earns its
//! keep.

use std::fmt;
use std::path::Path;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::metrics::{MeanSd, Metrics, MetricsSummary};
use crate::{Error, Result};

/// Held-out split results.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HoldoutEval {
    /// Share of labelled customers held out.
    pub test_fraction: f64,
    /// Customers trained on.
    pub train: usize,
    /// Customers held out.
    pub test: usize,
    /// Churners among the held-out customers.
    pub test_churned: usize,
    /// Model metrics on the held-out customers.
    pub model: Metrics,
    /// Baseline metrics on the same customers.
    pub baseline: Metrics,
}

/// Cross-validation results (mean ± sd over folds).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CvEval {
    /// Number of folds.
    pub folds: usize,
    /// Model metrics.
    pub model: MetricsSummary,
    /// Baseline metrics.
    pub baseline: MetricsSummary,
}

/// One held-out customer's outcome and predicted risk (kept in memory for
/// callers, e.g. calibration plots; not written to JSON).
#[derive(Debug, Clone, PartialEq)]
pub struct HoldoutPrediction {
    /// Customer id.
    pub customer_id: String,
    /// Known label.
    pub churned: bool,
    /// Risk from the model trained without this customer.
    pub risk: f64,
    /// Baseline score (tickets in the last 90 days).
    pub baseline: f64,
}

/// Cut points of the risk bands: chosen by the evaluation (the F1-optimal
/// threshold, the base rate) and saved with the model, which applies them.
/// (Here, not in `model`, so the evaluation does not depend on the model
/// that embeds it.)
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct RiskBands {
    /// `risk ≥ high` → "high" (the F1-optimal threshold).
    pub high: f64,
    /// `medium ≤ risk < high` → "medium" (the churn base rate, or half the threshold when that is lower).
    pub medium: f64,
}

impl RiskBands {
    /// Band name of a risk.
    pub fn band(&self, risk: f64) -> &'static str {
        if risk >= self.high {
            "high"
        } else if risk >= self.medium {
            "medium"
        } else {
            "low"
        }
    }
}

/// The full evaluation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ChurnEval {
    /// Prediction date of the features.
    pub as_of: DateTime<Utc>,
    /// Random seed used for splits.
    pub seed: u64,
    /// L2 strength passed to the logistic regression.
    pub alpha: f64,
    /// Customers with features (tickets ∪ table).
    pub customers: usize,
    /// Customers with a known label (the training set).
    pub labelled: usize,
    /// Churners among them.
    pub churned: usize,
    /// Churn rate among labelled customers.
    pub base_rate: f64,
    /// Model input columns (raw features + missing indicators).
    pub features: usize,
    /// Name of the baseline score.
    pub baseline: String,
    /// Held-out split.
    pub holdout: HoldoutEval,
    /// Cross-validation.
    pub cross_validation: CvEval,
    /// Classification threshold and how it was chosen.
    pub threshold: f64,
    /// Rule used for the threshold.
    pub threshold_rule: String,
    /// F1 / precision / recall at the threshold on out-of-fold predictions.
    pub threshold_f1: f64,
    /// Precision at the threshold (out-of-fold).
    pub threshold_precision: f64,
    /// Recall at the threshold (out-of-fold).
    pub threshold_recall: f64,
    /// Risk band cut points.
    pub bands: RiskBands,
    /// One-line verdict: does the model beat the baseline?
    pub verdict: String,
    /// Data findings worth a look (ids in one file but not the other, duplicates…).
    pub warnings: Vec<String>,
    /// Held-out predictions (not serialised).
    #[serde(skip)]
    pub holdout_predictions: Vec<HoldoutPrediction>,
}

impl ChurnEval {
    /// Write as pretty JSON (atomic).
    pub fn write(&self, path: &Path) -> Result<()> {
        let json = serde_json::to_vec_pretty(self).map_err(|e| Error::Json {
            context: format!("{}: writing churn evaluation", path.display()),
            source: e,
        })?;
        crate::io::atomic::write_atomic(path, &json).map(|_| ())
    }
}

/// `0.812` or `n/a`.
fn opt(v: Option<f64>) -> String {
    v.map_or_else(|| "n/a".into(), |v| format!("{v:.3}"))
}

/// `0.812 ± 0.020` or `n/a`.
fn opt_sd(v: Option<MeanSd>) -> String {
    v.map_or_else(|| "n/a".into(), |v| v.to_string())
}

impl fmt::Display for ChurnEval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Churn model as of {}: {} labelled customers ({} churned, {:.1}%), {} model inputs, alpha {}",
            self.as_of.format("%Y-%m-%d %H:%M UTC"),
            self.labelled,
            self.churned,
            self.base_rate * 100.0,
            self.features,
            self.alpha
        )?;
        let h = &self.holdout;
        writeln!(
            f,
            "Held-out {:.0}% ({} customers, {} churned; seed {}):",
            h.test_fraction * 100.0,
            h.test,
            h.test_churned,
            self.seed
        )?;
        writeln!(
            f,
            "  {:<22} {:>8} {:>8} {:>8} {:>10} {:>10}",
            "", "ROC AUC", "PR AUC", "Brier", "top10% P", "top10% R"
        )?;
        for (name, m) in [("model", &h.model), (self.baseline.as_str(), &h.baseline)] {
            writeln!(
                f,
                "  {:<22} {:>8} {:>8} {:>8} {:>10} {:>10}",
                name,
                opt(m.roc_auc),
                opt(m.pr_auc),
                opt(m.brier),
                opt(m.top10_precision),
                opt(m.top10_recall)
            )?;
        }
        let cv = &self.cross_validation;
        writeln!(f, "{}-fold cross-validation (mean ± sd):", cv.folds)?;
        for (name, m) in [("model", &cv.model), (self.baseline.as_str(), &cv.baseline)] {
            writeln!(
                f,
                "  {:<22} ROC AUC {}  PR AUC {}  Brier {}  top10% P {}  R {}",
                name,
                opt_sd(m.roc_auc),
                opt_sd(m.pr_auc),
                opt_sd(m.brier),
                opt_sd(m.top10_precision),
                opt_sd(m.top10_recall)
            )?;
        }
        writeln!(
            f,
            "Threshold {:.3} ({}): F1 {:.3}, precision {:.3}, recall {:.3}; bands: high ≥ {:.3}, medium ≥ {:.3}",
            self.threshold,
            self.threshold_rule,
            self.threshold_f1,
            self.threshold_precision,
            self.threshold_recall,
            self.bands.high,
            self.bands.medium
        )?;
        write!(f, "{}", self.verdict)?;
        for w in &self.warnings {
            write!(f, "\nwarning: {w}")?;
        }
        Ok(())
    }
}
