//! The fitted model: preprocessing (transform, fill, missing indicators,
//! standardisation) plus logistic-regression weights, saved as one JSON file
//! so that scoring next week reproduces this week's numbers exactly.

use std::path::Path;

use chrono::{DateTime, Utc};
use linfa::traits::Fit;
use linfa_logistic::LogisticRegression;
use ndarray::{Array1, Array2, ShapeBuilder};
use serde::{Deserialize, Serialize};

use super::eval::{ChurnEval, RiskBands};
use super::features::FeatureSchema;
use super::spec::{spec, Fill, MISSING_PREFIX};
use crate::error::ChurnError;
use crate::{Error, Result};

/// Version of the saved model format.
pub const MODEL_FORMAT: u32 = 1;

/// Everything needed to turn raw features into a probability.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChurnModel {
    /// Model file format version.
    pub format_version: u32,
    /// Raw feature names (the model's input columns).
    pub feature_names: Vec<String>,
    /// Which topics/themes/plans have columns.
    pub schema: FeatureSchema,
    /// Fill value per raw feature (in transformed space), from the training customers.
    pub fill_values: Vec<f64>,
    /// Missing-indicator groups: `(group, raw feature indices)`; the
    /// indicator is 1 when any of those features is missing.
    pub missing_groups: Vec<(String, Vec<usize>)>,
    /// Design column names: raw features then `missing:<group>` indicators.
    pub design_names: Vec<String>,
    /// Scaler means per design column.
    pub scaler_means: Vec<f64>,
    /// Scaler standard deviations per design column (1 where constant).
    pub scaler_sds: Vec<f64>,
    /// Logistic-regression coefficient per design column (on the standardised scale), for P(churn).
    pub coefficients: Vec<f64>,
    /// Intercept.
    pub intercept: f64,
    /// Classification threshold (F1-optimal on out-of-fold predictions).
    pub threshold: f64,
    /// Risk band cut points.
    pub bands: RiskBands,
    /// When the model was trained.
    pub trained_at: DateTime<Utc>,
    /// The prediction date of the training features.
    pub as_of: DateTime<Utc>,
    /// How well it did (held-out split and cross-validation).
    pub evaluation: ChurnEval,
}

/// Preprocessing and weights fitted on one set of rows (one CV fold, the
/// held-out split or the final model).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Fitted {
    pub fill: Vec<f64>,
    pub groups: Vec<(String, Vec<usize>)>,
    pub design_names: Vec<String>,
    pub means: Vec<f64>,
    pub sds: Vec<f64>,
    pub coef: Vec<f64>,
    pub intercept: f64,
}

/// Missing-indicator groups present among `names`, in first-appearance order.
pub(crate) fn missing_groups(names: &[String]) -> Vec<(String, Vec<usize>)> {
    let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
    for (i, n) in names.iter().enumerate() {
        if let Some(g) = spec(n).group {
            match groups.iter_mut().find(|(name, _)| name == g) {
                Some((_, v)) => v.push(i),
                None => groups.push((g.to_string(), vec![i])),
            }
        }
    }
    groups
}

/// Median of the finite values (NaN when none).
fn median(mut v: Vec<f64>) -> f64 {
    v.retain(|x| x.is_finite());
    crate::stats::median(&mut v).unwrap_or(f64::NAN)
}

/// Transform and fill one raw row, append indicators: the unscaled design row.
pub(crate) fn design_row(
    names: &[String],
    fill: &[f64],
    groups: &[(String, Vec<usize>)],
    raw: &[f64],
    out: &mut Vec<f64>,
) {
    out.clear();
    for (j, name) in names.iter().enumerate() {
        let x = spec(name).transform.apply(raw[j]);
        out.push(if x.is_finite() { x } else { fill[j] });
    }
    for (_, members) in groups {
        out.push(members.iter().any(|&j| !raw[j].is_finite()) as u8 as f64);
    }
}

impl Fitted {
    /// Fit preprocessing on `rows` and a logistic regression on top.
    pub(crate) fn fit(
        names: &[String],
        rows: &[&[f64]],
        labels: &[bool],
        alpha: f64,
    ) -> Result<Self> {
        let n = rows.len();
        let fill: Vec<f64> = names
            .iter()
            .enumerate()
            .map(|(j, name)| {
                let s = spec(name);
                let m = match s.fill {
                    Fill::Zero => 0.0,
                    Fill::Median => median(rows.iter().map(|r| s.transform.apply(r[j])).collect()),
                };
                if m.is_finite() {
                    m
                } else {
                    0.0
                }
            })
            .collect();
        let groups = missing_groups(names);
        let mut design_names = names.to_vec();
        design_names.extend(groups.iter().map(|(g, _)| format!("{MISSING_PREFIX}{g}")));
        let width = design_names.len();
        // Column-major: linfa computes both X·w and Xᵀ·r per step; with
        // columns contiguous both are streaming passes (row-major makes Xᵀ·r
        // stride through the whole matrix once per column).
        let mut x = Array2::<f64>::zeros((n, width).f());
        let mut buf = Vec::with_capacity(width);
        for (i, r) in rows.iter().enumerate() {
            design_row(names, &fill, &groups, r, &mut buf);
            x.row_mut(i).assign(&ndarray::ArrayView1::from(&buf[..]));
        }
        let means: Vec<f64> = (0..width)
            .map(|j| x.column(j).sum() / n.max(1) as f64)
            .collect();
        let sds: Vec<f64> = (0..width)
            .map(|j| {
                let var = x
                    .column(j)
                    .iter()
                    .map(|v| (v - means[j]).powi(2))
                    .sum::<f64>()
                    / n.max(1) as f64;
                if var > 1e-12 {
                    var.sqrt()
                } else {
                    1.0
                }
            })
            .collect();
        for mut row in x.rows_mut() {
            for j in 0..width {
                row[j] = (row[j] - means[j]) / sds[j];
            }
        }
        let y: Array1<bool> = labels.iter().copied().collect();
        let ds = linfa::Dataset::new(x, y);
        let fitted = LogisticRegression::<f64>::default()
            .alpha(alpha)
            .max_iterations(200)
            // The loss is a sum over customers, so is its gradient: stop when
            // the mean gradient norm is below 1e-4.
            .gradient_tolerance(1e-4 * n.max(1) as f64)
            .fit(&ds)
            .map_err(|e| ChurnError::Regression(e.to_string()))?;
        // linfa labels the larger class "positive"; we want P(churned).
        let sign = if fitted.labels().pos.class { 1.0 } else { -1.0 };
        Ok(Fitted {
            fill,
            groups,
            design_names,
            means,
            sds,
            coef: fitted.params().iter().map(|c| c * sign).collect(),
            intercept: fitted.intercept() * sign,
        })
    }

    /// Standardised design row and P(churn) of one raw row.
    pub(crate) fn predict_row(&self, names: &[String], raw: &[f64], buf: &mut Vec<f64>) -> f64 {
        design_row(names, &self.fill, &self.groups, raw, buf);
        let mut z = self.intercept;
        for (j, v) in buf.iter_mut().enumerate() {
            *v = (*v - self.means[j]) / self.sds[j];
            z += self.coef[j] * *v;
        }
        sigmoid(z)
    }
}

/// Logistic function, stable for large |z|.
pub(crate) fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

impl ChurnModel {
    /// The fitted part as used for prediction.
    pub(crate) fn fitted(&self) -> Result<Fitted> {
        let w = self.design_names.len();
        let ok = self.fill_values.len() == self.feature_names.len()
            && self.scaler_means.len() == w
            && self.scaler_sds.len() == w
            && self.coefficients.len() == w
            && w == self.feature_names.len() + self.missing_groups.len()
            && self
                .missing_groups
                .iter()
                .all(|(_, m)| m.iter().all(|&j| j < self.feature_names.len()));
        if !ok {
            return Err(ChurnError::ModelFile {
                file: "churn model".into(),
                message: "inconsistent model file (column counts differ)".into(),
            }
            .into());
        }
        Ok(Fitted {
            fill: self.fill_values.clone(),
            groups: self.missing_groups.clone(),
            design_names: self.design_names.clone(),
            means: self.scaler_means.clone(),
            sds: self.scaler_sds.clone(),
            coef: self.coefficients.clone(),
            intercept: self.intercept,
        })
    }

    /// Write the model as pretty JSON (atomically: a temporary file renamed into place).
    pub fn save(&self, path: &Path) -> Result<()> {
        let json = serde_json::to_vec_pretty(self).map_err(|e| Error::Json {
            context: format!("{}: writing churn model", path.display()),
            source: e,
        })?;
        crate::io::atomic::write_atomic(path, &json).map(|_| ())
    }

    /// Read a model written by [`ChurnModel::save`].
    pub fn load(path: &Path) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let model: ChurnModel = serde_json::from_slice(&bytes).map_err(|e| Error::Json {
            context: format!("{}: reading churn model", path.display()),
            source: e,
        })?;
        if model.format_version != MODEL_FORMAT {
            return Err(ChurnError::ModelFile {
                file: path.display().to_string(),
                message: format!(
                    "churn model format {} is not supported (expected {MODEL_FORMAT})",
                    model.format_version
                ),
            }
            .into());
        }
        model.fitted()?;
        Ok(model)
    }
}
