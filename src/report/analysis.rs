//! What the output layer consumes: one run's typed results.
//!
//! `analyze` builds an [`Analysis`] from the stages' own result types and
//! hands it to the writers (JSON, CSV), the HTML report and the terminal
//! summary, so every number shown anywhere comes from the same value and a
//! renamed field is a compile error, not an "n/a".

use crate::churn::{AtRisk, ChurnEval};
use crate::kpi::KpiReport;
use crate::themes::ThemeReport;
use chrono_tz::Tz;
use serde::Serialize;
use std::collections::BTreeMap;

/// Provenance and timings of one `analyze` run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RunInfo {
    /// ticketlens version.
    pub ticketlens_version: String,
    /// ONNX Runtime library and version.
    pub onnxruntime: Option<crate::model::runtime::RuntimeInfo>,
    /// Model name.
    pub model_name: String,
    /// Model origin (`<bundled>` or a directory).
    pub model_origin: String,
    /// sha256 of `model.onnx`.
    pub model_sha256: String,
    /// Input file name (the directory part stays out of the outputs: it
    /// can carry a user name; `input_sha256` identifies the file).
    pub input: String,
    /// sha256 of the input file (`null` for stdin).
    pub input_sha256: Option<String>,
    /// Row counts: read, written, rejected.
    pub rows: BTreeMap<String, u64>,
    /// Customers table given with `--customers`, by file name (churn
    /// numbers depend on it).
    pub customers_file: Option<String>,
    /// sha256 of the customers table, so a changed file can be told apart.
    pub customers_sha256: Option<String>,
    /// Saved churn model given with `--churn-model`, by file name.
    pub churn_model_file: Option<String>,
    /// sha256 of that saved churn model.
    pub churn_model_sha256: Option<String>,
    /// Which churn model scored the customers: `trained`, `saved` or `none`.
    pub churn_model_used: String,
    /// Customer counts: `in_table` and `labelled` (customers file), `scored`
    /// (rows in at_risk.csv); empty when churn did not run.
    pub customers: BTreeMap<String, u64>,
    /// Seconds per stage, in run order.
    pub stage_seconds: Vec<(String, f64)>,
    /// Options used, as given.
    pub options: serde_json::Value,
    /// Notes (e.g. why churn did not run).
    pub notes: Vec<String>,
    /// Stages skipped because the input lacks a text or creation-time
    /// column, each with why.
    pub skipped: Vec<String>,
    /// Rows read, used and rejected (by reason), ingest warnings and the
    /// reject policy: what the numbers were computed from.
    pub data_quality: Option<crate::ingest::DataQuality>,
    /// When the run finished (UTC, RFC 3339).
    pub finished_at: String,
}

/// What the churn stage did.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum ChurnOutcome {
    /// A model was trained on the customers' labels, evaluated and used to
    /// score them.
    Trained {
        /// Held-out and cross-validated evaluation (churn_eval.json).
        eval: Box<ChurnEval>,
        /// Scored customers, riskiest first (at_risk.csv).
        at_risk: Vec<AtRisk>,
    },
    /// A saved model (`--churn-model`) scored the customers; it was
    /// evaluated where it was trained.
    Scored {
        /// The model's file name.
        model: String,
        /// Scored customers, riskiest first (at_risk.csv).
        at_risk: Vec<AtRisk>,
    },
    /// No customer was scored.
    Skipped {
        /// Why (no customers file, no labels and no saved model, training
        /// failed on the data, no creation times …).
        reason: String,
    },
}

impl ChurnOutcome {
    /// The scored customers (empty when skipped).
    pub fn at_risk(&self) -> &[AtRisk] {
        match self {
            ChurnOutcome::Trained { at_risk, .. } | ChurnOutcome::Scored { at_risk, .. } => at_risk,
            ChurnOutcome::Skipped { .. } => &[],
        }
    }

    /// The evaluation, when a model was trained in this run.
    pub fn eval(&self) -> Option<&ChurnEval> {
        match self {
            ChurnOutcome::Trained { eval, .. } => Some(eval),
            _ => None,
        }
    }
}

/// One run's results, as the report and the terminal summary read them.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// Provenance, row counts, data quality, skipped stages, notes, timings.
    pub run: RunInfo,
    /// KPIs (kpis.json).
    pub kpis: KpiReport,
    /// Themes and trends (themes.json, trends.csv); `None` without text.
    pub themes: Option<ThemeReport>,
    /// Churn outcome (at_risk.csv, churn_eval.json).
    pub churn: ChurnOutcome,
    /// The team taxonomy the tickets were labelled with (`--taxonomy`),
    /// named like its column; `None` without one.
    pub taxonomy: Option<crate::taxonomy::Taxonomy>,
    /// Time zone periods are cut in.
    pub timezone: Tz,
    /// Whether the tickets have creation times (`false`: the charts over
    /// time and the trends are left out).
    pub dated: bool,
}
