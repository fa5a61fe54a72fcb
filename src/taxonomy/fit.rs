//! Learning a taxonomy from labelled tickets: params → validated params →
//! fit → [`Taxonomy`], with k-fold cross-validation for the evaluation.
//!
//! The scorer is a linfa logistic regression on the standardised embedding
//! (multinomial for one label per ticket, one-vs-rest for several): on
//! BANKING77 this linear head over the model's embedding reaches what a
//! fine-tuned BERT does, and trains in seconds.

use std::collections::BTreeMap;

use linfa::prelude::*;
use linfa_logistic::{LogisticRegression, MultiLogisticRegression};
use ndarray::{Array1, Array2};
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;

use super::eval::Evaluation;
use super::model::{Taxonomy, TaxonomyKind, Training, FORMAT};
use crate::error::{Error, Result, Setting, TaxonomyError};

/// [`TaxonomyError::Labels`]: the labels cannot train a taxonomy.
pub(super) fn labels_error(message: String) -> Error {
    TaxonomyError::Labels(message).into()
}

/// (ticket index, label probabilities) of one fold's held-out tickets.
type FoldPredictions = Vec<(usize, Vec<f32>)>;

/// Candidate multi-label thresholds: 0.25, 0.30, … 0.75. Not lower: the
/// F1-best threshold of a label the model barely separates can be 0.05,
/// which tags most tickets with it; not higher, symmetrically.
const THRESHOLD_GRID: std::ops::RangeInclusive<u32> = 5..=15;

/// Label small labels are merged into ([`SmallLabels::Other`]).
pub const OTHER: &str = "other";

/// Labelled tickets as the model embedded them.
#[derive(Debug, Clone, Copy)]
pub struct LabelledSet<'a> {
    /// Row-major embeddings, `labels.len()` × `dim`.
    pub embeddings: &'a [f32],
    /// Embedding dimension.
    pub dim: usize,
    /// The label(s) of each ticket (never empty: unlabelled rows are
    /// skipped by the caller, who counts them).
    pub labels: &'a [Vec<String>],
}

/// What to do with labels that have fewer than `min_examples` tickets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SmallLabels {
    /// Merge them into one `other` label (default): a rare tag is still
    /// told apart from the rest, and the taxonomy says which were merged.
    #[default]
    Other,
    /// Refuse to train, naming them (label them more first).
    Refuse,
}

/// How to learn a taxonomy. Check with [`TrainParams::check`].
#[derive(Debug, Clone, PartialEq)]
pub struct TrainParams {
    /// Output column name.
    pub name: String,
    /// Several labels per ticket (one-vs-rest) instead of exactly one.
    pub multi_label: bool,
    /// Fewest tickets a label needs (default 5: one per fold).
    pub min_examples: usize,
    /// What happens to labels below `min_examples`.
    pub small_labels: SmallLabels,
    /// Cross-validation folds (0 = no evaluation; else ≥ 2; default 5).
    pub folds: usize,
    /// L2 penalty of the logistic regression (linfa's `alpha`: the loss is
    /// the summed log loss + α/2 ‖W‖² over features standardised and scaled
    /// to unit norm; default 0.05, best of 0.0125–0.25 on BANKING77, all
    /// within 0.3 points).
    pub alpha: f64,
    /// Most L-BFGS iterations (default 50: on BANKING77 cross-validated
    /// accuracy is within 0.1 point of 100 iterations at half the time).
    pub max_iterations: u64,
    /// Seed of the fold split.
    pub seed: u64,
}

impl Default for TrainParams {
    fn default() -> Self {
        TrainParams {
            name: "category".into(),
            multi_label: false,
            min_examples: 5,
            small_labels: SmallLabels::Other,
            folds: 5,
            alpha: 0.05,
            max_iterations: 50,
            seed: 42,
        }
    }
}

/// [`TrainParams`] that passed [`TrainParams::check`].
#[derive(Debug, Clone, PartialEq)]
pub struct ValidTrainParams(TrainParams);

impl TrainParams {
    /// Validate: a column-safe name, folds 0 or ≥ 2, α > 0, at least one
    /// example per label and one iteration.
    pub fn check(self) -> Result<ValidTrainParams> {
        let opt = |o: Setting, m: String| Err(Error::option(o, m));
        if self.name.trim().is_empty() || self.name.contains([',', '"', '\n']) {
            return opt(
                Setting::TaxonomyName,
                format!("`{}` is not a usable column name", self.name),
            );
        }
        if self.folds == 1 {
            return opt(
                Setting::Folds,
                "use 0 (no cross-validation) or 2 or more".into(),
            );
        }
        if !(self.alpha.is_finite() && self.alpha > 0.0) {
            return opt(Setting::Alpha, format!("{} is not > 0", self.alpha));
        }
        if self.min_examples == 0 || self.max_iterations == 0 {
            return opt(Setting::MinExamples, "must be at least 1".into());
        }
        Ok(ValidTrainParams(self))
    }
}

impl ValidTrainParams {
    /// The parameters.
    pub fn params(&self) -> &TrainParams {
        &self.0
    }

    /// Learn the taxonomy of `set` (embedded by the model `model_sha256`),
    /// cross-validating first when `folds > 0`.
    ///
    /// Errors (one line each): no examples, fewer than two labels after
    /// merging small ones (a label column with one class), small labels
    /// with [`SmallLabels::Refuse`], embeddings of the wrong size, a
    /// multi-label label on every ticket.
    pub fn fit(
        &self,
        set: &LabelledSet<'_>,
        model_sha256: &str,
        source: &str,
        unlabelled: usize,
    ) -> Result<Taxonomy> {
        let p = &self.0;
        let n = set.labels.len();
        if n == 0 {
            return Err(labels_error(
                "no labelled tickets: the label column is empty on every row".into(),
            ));
        }
        if set.embeddings.len() != n * set.dim {
            return Err(TaxonomyError::Embeddings {
                values: set.embeddings.len(),
                texts: n,
                dim: set.dim,
            }
            .into());
        }
        let (labels, targets, merged) = self.label_sets(set.labels)?;
        let (mean, scale) = standardisation(set.embeddings, set.dim);
        let x = features(set.embeddings, set.dim, &mean, &scale);
        // More folds than tickets would leave folds empty: at most one
        // ticket per fold (the evaluation says how many were used).
        let folds = p.folds.min(n);
        // Multi-label thresholds are tuned on the out-of-fold
        // probabilities (each label's best F1); without cross-validation
        // they stay 0.5.
        let (evaluation, thresholds) = if folds >= 2 {
            let probs = self.cross_validate(&x, &targets, &labels, folds)?;
            let thresholds = if p.multi_label {
                tune_thresholds(&probs, &targets, labels.len())
            } else {
                Vec::new()
            };
            let pred = predict(&probs, &thresholds, p.multi_label);
            (
                Some(Evaluation::compute(&targets, &pred, &labels, folds)),
                thresholds,
            )
        } else {
            (None, Vec::new())
        };
        let all: Vec<usize> = (0..n).collect();
        let (weights, intercepts) = self.fit_rows(&x, &targets, labels.len(), &all)?;
        let t = Taxonomy {
            model_sha256: model_sha256.into(),
            mean,
            scale,
            training: Training {
                examples: n,
                unlabelled,
                merged_into_other: merged,
                created: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                source: source.into(),
            },
            evaluation,
            ..self.taxonomy(labels, weights, intercepts, set.dim)
        };
        let t = if thresholds.is_empty() {
            t
        } else {
            Taxonomy { thresholds, ..t }
        };
        t.validate()?;
        Ok(t)
    }

    /// A taxonomy of these params over already-standardised features
    /// (no mean/scale, no model, training or evaluation yet).
    fn taxonomy(
        &self,
        labels: Vec<String>,
        weights: Vec<Vec<f32>>,
        intercepts: Vec<f32>,
        dim: usize,
    ) -> Taxonomy {
        let p = &self.0;
        let (kind, thresholds) = if p.multi_label {
            (TaxonomyKind::MultiLabel, vec![0.5; labels.len()])
        } else {
            (TaxonomyKind::Multiclass, Vec::new())
        };
        Taxonomy {
            format: FORMAT.into(),
            name: p.name.clone(),
            kind,
            labels,
            other_label: None,
            model_sha256: String::new(),
            embedding_dim: dim,
            mean: Vec::new(),
            scale: Vec::new(),
            weights,
            intercepts,
            thresholds,
            temperature: 1.0,
            training: Training::default(),
            evaluation: None,
        }
    }

    /// The final label list (sorted) and each ticket's label indices,
    /// with small labels merged or refused.
    #[allow(clippy::type_complexity)]
    fn label_sets(
        &self,
        raw: &[Vec<String>],
    ) -> Result<(Vec<String>, Vec<Vec<usize>>, Vec<String>)> {
        let p = &self.0;
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for set in raw {
            for l in set {
                *counts.entry(l.as_str()).or_default() += 1;
            }
        }
        let small: Vec<String> = counts
            .iter()
            .filter(|(_, &c)| c < p.min_examples)
            .map(|(l, _)| l.to_string())
            .collect();
        if !small.is_empty() && p.small_labels == SmallLabels::Refuse {
            return Err(labels_error(format!(
                "{} label(s) have fewer than {} examples: {} (label more tickets, or merge them into `{OTHER}`)",
                small.len(),
                p.min_examples,
                preview(&small)
            )));
        }
        let map = |l: &str| -> String {
            if small.iter().any(|s| s == l) {
                OTHER.to_string()
            } else {
                l.to_string()
            }
        };
        let mapped: Vec<Vec<String>> = raw
            .iter()
            .map(|set| {
                let mut v: Vec<String> = set.iter().map(|l| map(l)).collect();
                v.sort();
                v.dedup();
                v
            })
            .collect();
        let mut labels: Vec<String> = mapped.iter().flatten().cloned().collect();
        labels.sort();
        labels.dedup();
        if p.multi_label {
            if labels.is_empty() {
                return Err(labels_error("no labels in the label column".into()));
            }
            if let Some(l) = labels.iter().find(|l| mapped.iter().all(|s| s.contains(l))) {
                return Err(labels_error(format!(
                    "label `{l}` is on every ticket: nothing to tell it apart from"
                )));
            }
        } else if labels.len() < 2 {
            return Err(labels_error(format!(
                "the label column has one class (`{}`): a taxonomy needs at least two labels",
                labels.first().map_or("", String::as_str)
            )));
        }
        let index: BTreeMap<&str, usize> = labels
            .iter()
            .enumerate()
            .map(|(i, l)| (l.as_str(), i))
            .collect();
        let targets = mapped
            .iter()
            .map(|s| s.iter().map(|l| index[l.as_str()]).collect())
            .collect();
        Ok((labels.clone(), targets, small))
    }

    /// Weight rows and intercepts (one per label) fitted on rows `idx`.
    fn fit_rows(
        &self,
        x: &Array2<f32>,
        targets: &[Vec<usize>],
        k: usize,
        idx: &[usize],
    ) -> Result<(Vec<Vec<f32>>, Vec<f32>)> {
        let p = &self.0;
        let xs = x.select(ndarray::Axis(0), idx).mapv(f64::from);
        let d = x.ncols();
        if !p.multi_label {
            let y: Array1<usize> = idx.iter().map(|&i| targets[i][0]).collect();
            let fitted = MultiLogisticRegression::<f64>::default()
                .alpha(p.alpha)
                .max_iterations(p.max_iterations)
                .fit(&Dataset::new(xs, y))
                .map_err(|e| TaxonomyError::Fit(e.to_string()))?;
            // Labels missing from these rows (a cross-validation fold
            // without them) never win: a very low intercept.
            let mut weights = vec![vec![0.0f32; d]; k];
            let mut intercepts = vec![-1e4f32; k];
            let params = fitted.params();
            for (c, &label) in fitted.classes().iter().enumerate() {
                weights[label] = params.column(c).iter().map(|&w| w as f32).collect();
                intercepts[label] = fitted.intercept()[c] as f32;
            }
            return Ok((weights, intercepts));
        }
        let rows: Vec<Result<(Vec<f32>, f32)>> = (0..k)
            .into_par_iter()
            .map(|label| {
                let y: Array1<bool> = idx.iter().map(|&i| targets[i].contains(&label)).collect();
                if y.iter().all(|&b| b) || !y.iter().any(|&b| b) {
                    // One class in these rows: a constant answer.
                    let b = if y.iter().all(|&b| b) { 1e4 } else { -1e4 };
                    return Ok((vec![0.0; d], b));
                }
                let fitted = LogisticRegression::<f64>::default()
                    .alpha(p.alpha)
                    .max_iterations(p.max_iterations)
                    .fit(&Dataset::new(xs.clone(), y))
                    .map_err(|e| TaxonomyError::Fit(e.to_string()))?;
                // linfa orders the two classes; make the score P(label).
                let positive_is_true = fitted.labels().pos.class;
                let sign = if positive_is_true { 1.0 } else { -1.0 };
                Ok((
                    fitted.params().iter().map(|w| (sign * w) as f32).collect(),
                    (sign * fitted.intercept()) as f32,
                ))
            })
            .collect();
        let mut weights = Vec::with_capacity(k);
        let mut intercepts = Vec::with_capacity(k);
        for r in rows {
            let (w, b) = r?;
            weights.push(w);
            intercepts.push(b);
        }
        Ok((weights, intercepts))
    }

    /// Stratified k-fold: each ticket's label probabilities from the model
    /// fitted without its fold (`n` rows of `labels.len()`).
    fn cross_validate(
        &self,
        x: &Array2<f32>,
        targets: &[Vec<usize>],
        labels: &[String],
        k: usize,
    ) -> Result<Vec<Vec<f32>>> {
        let p = &self.0;
        let n = targets.len();
        // Stratify by the (first) label: shuffle each label's tickets and
        // deal them round-robin, so every fold has its share of each label.
        let mut by_label: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for (i, t) in targets.iter().enumerate() {
            by_label.entry(t[0]).or_default().push(i);
        }
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(p.seed);
        let mut fold = vec![0usize; n];
        let mut next = 0usize;
        for members in by_label.values_mut() {
            members.shuffle(&mut rng);
            for &i in members.iter() {
                fold[i] = next % k;
                next += 1;
            }
        }
        let results: Vec<Result<FoldPredictions>> = (0..k)
            .into_par_iter()
            .map(|f| {
                let train: Vec<usize> = (0..n).filter(|&i| fold[i] != f).collect();
                let test: Vec<usize> = (0..n).filter(|&i| fold[i] == f).collect();
                let (w, b) = self.fit_rows(x, targets, labels.len(), &train)?;
                // Scores the standardised rows as they are (no mean/scale).
                let t = self.taxonomy(labels.to_vec(), w, b, x.ncols());
                let scorer = t.scorer();
                Ok(test
                    .iter()
                    .map(|&i| {
                        let row = x.row(i);
                        let a = scorer.assign(row.as_slice().expect("standard layout"));
                        (i, a.probabilities)
                    })
                    .collect())
            })
            .collect();
        let mut probs = vec![Vec::new(); n];
        for r in results {
            for (i, p) in r? {
                probs[i] = p;
            }
        }
        Ok(probs)
    }
}

/// Predicted label sets from probabilities: the most probable label
/// (lowest index on ties, as the scorer), or for multi-label every label
/// at or above its threshold.
fn predict(probs: &[Vec<f32>], thresholds: &[f32], multi_label: bool) -> Vec<Vec<usize>> {
    probs
        .iter()
        .map(|p| {
            if multi_label {
                (0..p.len()).filter(|&l| p[l] >= thresholds[l]).collect()
            } else {
                let best = (0..p.len())
                    .reduce(|a, b| if p[b] > p[a] { b } else { a })
                    .unwrap_or(0);
                vec![best]
            }
        })
        .collect()
}

/// Each label's threshold with the best F1 over out-of-fold probabilities
/// `probs` (grid 0.25–0.75; ties go to the value nearest 0.5, so a label
/// whose F1 is flat keeps the neutral default). A rare label's best
/// threshold is often well below 0.5: a one-vs-rest model trained on few
/// positives rarely gives them a probability above one half.
///
/// The figures of [`Evaluation`] use these thresholds on the same
/// out-of-fold scores, so they are slightly optimistic (one value per
/// label chosen from 11).
pub fn tune_thresholds(probs: &[Vec<f32>], targets: &[Vec<usize>], k: usize) -> Vec<f32> {
    (0..k)
        .map(|l| {
            let mut best = (f64::NEG_INFINITY, 0.5f32);
            for g in THRESHOLD_GRID {
                let th = g as f32 * 0.05;
                let (mut tp, mut fp, mut fneg) = (0u32, 0u32, 0u32);
                for (p, t) in probs.iter().zip(targets) {
                    match (p[l] >= th, t.contains(&l)) {
                        (true, true) => tp += 1,
                        (true, false) => fp += 1,
                        (false, true) => fneg += 1,
                        (false, false) => {}
                    }
                }
                let f1 = if tp == 0 {
                    0.0
                } else {
                    2.0 * f64::from(tp) / f64::from(2 * tp + fp + fneg)
                };
                let nearer = (th - 0.5).abs() < (best.1 - 0.5).abs();
                if f1 > best.0 + 1e-12 || ((f1 - best.0).abs() <= 1e-12 && nearer) {
                    best = (f1, th);
                }
            }
            best.1
        })
        .collect()
}

/// Per-dimension mean and standard deviation. A dimension that is
/// (nearly) constant over the tickets (the MiniLM embedding has three,
/// with deviations around 1e-33) gets scale 1: dividing its rounding noise
/// by its tiny deviation would turn noise into the largest feature.
fn standardisation(e: &[f32], dim: usize) -> (Vec<f32>, Vec<f32>) {
    let n = (e.len() / dim.max(1)).max(1) as f64;
    let mut mean = vec![0f64; dim];
    for row in e.chunks_exact(dim) {
        for (m, v) in mean.iter_mut().zip(row) {
            *m += f64::from(*v);
        }
    }
    mean.iter_mut().for_each(|m| *m /= n);
    let mut var = vec![0f64; dim];
    for row in e.chunks_exact(dim) {
        for ((s, v), m) in var.iter_mut().zip(row).zip(&mean) {
            let d = f64::from(*v) - m;
            *s += d * d;
        }
    }
    // Standardised vectors have norm ≈ √dim; dividing by √dim more brings
    // them back to unit length, the scale linfa's L-BFGS starts well from
    // (on BANKING77, plain standardisation made its line search stop far
    // from the optimum for some α: 0.85 instead of 0.92 cross-validated).
    let unit = (dim.max(1) as f64).sqrt();
    let scale = var
        .iter()
        .map(|s| {
            let sd = (s / n).sqrt();
            if sd < 1e-6 {
                unit as f32
            } else {
                (sd * unit) as f32
            }
        })
        .collect();
    (mean.iter().map(|m| *m as f32).collect(), scale)
}

/// The standardised embedding matrix (n × dim).
fn features(e: &[f32], dim: usize, mean: &[f32], scale: &[f32]) -> Array2<f32> {
    let n = e.len() / dim.max(1);
    Array2::from_shape_fn((n, dim), |(i, j)| (e[i * dim + j] - mean[j]) / scale[j])
}

fn preview(v: &[String]) -> String {
    let shown: Vec<&str> = v.iter().take(8).map(String::as_str).collect();
    if v.len() > shown.len() {
        format!("{} … ({} more)", shown.join(", "), v.len() - shown.len())
    } else {
        shown.join(", ")
    }
}
