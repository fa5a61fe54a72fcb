//! A saved taxonomy (`taxonomy.json`) and how it labels an embedding.

use serde::{Deserialize, Serialize};

use super::eval::Evaluation;
use crate::error::{Error, Result, Setting, TaxonomyError};

/// Output column names a taxonomy may not take (the model's and the
/// themes' columns), besides the grouping dimensions.
const RESERVED: [&str; 9] = [
    "language_detected",
    "sentiment_confidence",
    "p_negative",
    "p_neutral",
    "p_positive",
    "topic_confidence",
    "theme_id",
    "theme_label",
    "theme_distance",
];

/// `format` of a taxonomy file this version reads and writes.
pub const FORMAT: &str = "ticketlens-taxonomy/1";

/// How the labels are scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaxonomyKind {
    /// One label per ticket: multinomial logistic regression (softmax over
    /// labels) on the standardised embedding.
    Multiclass,
    /// Any number of labels per ticket: one-vs-rest logistic regressions,
    /// each label assigned when its probability reaches its threshold.
    MultiLabel,
    /// Zero-shot from label names: cosine similarity to one prototype
    /// embedding per label, softmax with `temperature` for confidences.
    Prototypes,
}

/// What a taxonomy was trained on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Training {
    /// Labelled examples used.
    pub examples: usize,
    /// Rows skipped because their label cell was blank.
    pub unlabelled: usize,
    /// Labels with fewer than the minimum examples, merged into `other`.
    pub merged_into_other: Vec<String>,
    /// When it was built (UTC, RFC 3339).
    pub created: String,
    /// The input file (name only) or the names file.
    pub source: String,
}

/// A team's taxonomy: labels and a linear scorer over the model's
/// embedding. Built by [`super::TrainParams`] (from labelled tickets) or
/// [`super::from_names`] (zero-shot); saved as JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Taxonomy {
    /// [`FORMAT`].
    pub format: String,
    /// Output column name (`category` by default).
    pub name: String,
    /// Scoring.
    pub kind: TaxonomyKind,
    /// Labels, in weight-row order.
    pub labels: Vec<String>,
    /// Label given when nothing scores high enough (zero-shot below the
    /// similarity threshold), or the merged small labels; `None` when every
    /// ticket gets one of `labels`.
    pub other_label: Option<String>,
    /// sha256 of the model whose embedding this was trained on; applying
    /// it with another model is refused.
    pub model_sha256: String,
    /// Embedding dimension (the length of every weight row).
    pub embedding_dim: usize,
    /// Per-dimension mean subtracted before scoring (empty: none).
    pub mean: Vec<f32>,
    /// Per-dimension scale divided by before scoring (empty: none).
    pub scale: Vec<f32>,
    /// One weight row per label (`labels.len()` × `embedding_dim`).
    pub weights: Vec<Vec<f32>>,
    /// One intercept per label.
    pub intercepts: Vec<f32>,
    /// Multi-label: the probability each label needs. Prototypes: one
    /// value, the cosine similarity below which a ticket is `other_label`
    /// (when set). Multiclass: empty.
    pub thresholds: Vec<f32>,
    /// Prototypes: softmax temperature over cosine similarities.
    pub temperature: f32,
    /// What it was built from.
    pub training: Training,
    /// Cross-validated evaluation (trained taxonomies).
    pub evaluation: Option<Evaluation>,
}

/// A taxonomy's answer for one ticket.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    /// Label indices assigned (one for multiclass/prototypes; any number
    /// for multi-label, best first); empty = `other_label` (or none).
    pub labels: Vec<usize>,
    /// Probability of the best label (0–1).
    pub confidence: f32,
    /// Best minus second-best probability: how sure the choice is (low
    /// margins are the tickets worth labelling next).
    pub margin: f32,
    /// Probability per label (`labels.len()` of the taxonomy).
    pub probabilities: Vec<f32>,
}

impl Taxonomy {
    /// Check the file's shape (format, sizes, finite numbers).
    pub fn validate(&self) -> Result<()> {
        let bad = |message: String| {
            Err(Error::from(TaxonomyError::Invalid {
                name: self.name.clone(),
                message,
            }))
        };
        if self.format != FORMAT {
            return bad(format!(
                "format `{}` is not {FORMAT} (written by another version?)",
                self.format
            ));
        }
        let (k, d) = (self.labels.len(), self.embedding_dim);
        if k == 0 {
            return bad("no labels".into());
        }
        if RESERVED.contains(&self.name.as_str())
            || crate::ticket::Dimension::field(&self.name).is_some()
        {
            return bad(format!(
                "the name `{}` is a built-in column or dimension: train it under another name ({})",
                self.name,
                Setting::TaxonomyName
            ));
        }
        if let Some(l) = self.labels.iter().find(|l| l.contains(';')) {
            return bad(format!(
                "label `{l}` contains `;`, which separates labels in the output: rename it"
            ));
        }
        let mut sorted: Vec<&String> = self.labels.iter().collect();
        sorted.sort();
        if let Some(w) = sorted.windows(2).find(|w| w[0] == w[1]) {
            return bad(format!("label `{}` is listed twice", w[0]));
        }
        if self.kind == TaxonomyKind::Prototypes
            && (self.temperature.is_nan() || self.temperature <= 0.0)
        {
            return bad(format!("temperature {} is not > 0", self.temperature));
        }
        if self.weights.len() != k || self.weights.iter().any(|w| w.len() != d) {
            return bad(format!("weights are not {k} rows × {d}"));
        }
        if self.intercepts.len() != k {
            return bad(format!(
                "{} intercepts for {k} labels",
                self.intercepts.len()
            ));
        }
        for (v, what) in [(&self.mean, "mean"), (&self.scale, "scale")] {
            if !v.is_empty() && v.len() != d {
                return bad(format!("{what} has {} values for dimension {d}", v.len()));
            }
        }
        if self.kind == TaxonomyKind::MultiLabel && self.thresholds.len() != k {
            return bad(format!(
                "{} thresholds for {k} labels",
                self.thresholds.len()
            ));
        }
        let finite = self
            .weights
            .iter()
            .flatten()
            .chain(&self.intercepts)
            .chain(&self.mean)
            .chain(&self.scale)
            .chain(&self.thresholds)
            .all(|x| x.is_finite());
        if !finite || self.scale.iter().any(|s| *s <= 0.0) {
            return bad("non-finite weights or a scale ≤ 0".into());
        }
        Ok(())
    }

    /// Read and validate a taxonomy file. Errors: unreadable, not JSON of
    /// this shape, or inconsistent sizes (one line each, naming the file).
    pub fn load(path: &std::path::Path) -> Result<Taxonomy> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let t: Taxonomy = serde_json::from_slice(&bytes).map_err(|e| Error::Json {
            context: format!("reading taxonomy {}", path.display()),
            source: e,
        })?;
        t.validate().map_err(|e| TaxonomyError::File {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        Ok(t)
    }

    /// Write it as pretty JSON, atomically.
    pub fn save(&self, path: &std::path::Path) -> Result<()> {
        let mut json = serde_json::to_vec_pretty(self).map_err(|e| Error::Json {
            context: format!("writing taxonomy {}", path.display()),
            source: e,
        })?;
        json.push(b'\n');
        crate::io::atomic::write_atomic(path, &json).map(|_| ())
    }

    /// Refuse to apply it to another model's embeddings: the weights mean
    /// nothing in another embedding space.
    pub fn check_model(&self, model_sha256: &str, dim: usize) -> Result<()> {
        if self.embedding_dim != dim || self.model_sha256 != model_sha256 {
            return Err(TaxonomyError::OtherModel {
                name: self.name.clone(),
                fitted: crate::io::short_sha(&self.model_sha256).to_string(),
                fitted_dim: self.embedding_dim,
                current: crate::io::short_sha(model_sha256).to_string(),
                dim,
            }
            .into());
        }
        Ok(())
    }

    /// [`Taxonomy::check_model`] against the model `config` describes, and
    /// refuse a taxonomy named like one of its extra heads: both would
    /// write the columns `<name>, <name>_confidence`.
    pub fn check_classifier(&self, config: &crate::model::ModelConfig) -> Result<()> {
        self.check_model(&config.model_sha256, config.embedding.dim)?;
        let head = config
            .extra_heads()
            .map(|h| &h.name)
            .find(|h| h.eq_ignore_ascii_case(&self.name));
        if let Some(h) = head {
            return Err(TaxonomyError::HeadClash {
                name: self.name.clone(),
                head: h.clone(),
            }
            .into());
        }
        Ok(())
    }

    /// Label one embedding (length `embedding_dim`). Builds a
    /// [`Scorer`] each call: for many tickets, build one with
    /// [`Taxonomy::scorer`] and reuse it.
    pub fn assign(&self, embedding: &[f32]) -> Assignment {
        self.scorer().assign(embedding)
    }

    /// The scorer for many tickets: the standardisation folded into the
    /// weights once (`w/scale`, `b − Σ w·mean/scale`), so labelling a
    /// ticket is one pass of dot products without allocating features.
    pub fn scorer(&self) -> Scorer<'_> {
        let d = self.embedding_dim;
        let mut weights = Vec::with_capacity(self.labels.len() * d);
        let mut intercepts = Vec::with_capacity(self.labels.len());
        for (w, b) in self.weights.iter().zip(&self.intercepts) {
            let mut b = *b;
            for (j, wj) in w.iter().enumerate() {
                let s = self.scale.get(j).copied().unwrap_or(1.0);
                let m = self.mean.get(j).copied().unwrap_or(0.0);
                weights.push(wj / s);
                b -= wj * m / s;
            }
            intercepts.push(b);
        }
        Scorer {
            taxonomy: self,
            name: std::sync::Arc::from(self.name.as_str()),
            weights,
            intercepts,
        }
    }

    /// The label text of an assignment: labels joined with `;` (multi-label),
    /// or `other_label` / empty when none.
    pub fn label_text(&self, a: &Assignment) -> String {
        if a.labels.is_empty() {
            return self.other_label.clone().unwrap_or_default();
        }
        a.labels
            .iter()
            .map(|&i| self.labels[i].as_str())
            .collect::<Vec<_>>()
            .join(";")
    }
}

/// A [`Taxonomy`] ready to label many embeddings ([`Taxonomy::scorer`]).
#[derive(Debug, Clone)]
pub struct Scorer<'a> {
    taxonomy: &'a Taxonomy,
    /// The taxonomy's name, shared by every label this scorer makes.
    name: std::sync::Arc<str>,
    /// Row-major `labels × embedding_dim`, standardisation folded in.
    weights: Vec<f32>,
    intercepts: Vec<f32>,
}

impl Scorer<'_> {
    /// Label one embedding (length `embedding_dim`).
    pub fn assign(&self, embedding: &[f32]) -> Assignment {
        let t = self.taxonomy;
        let d = t.embedding_dim;
        // Prototypes compare directions: cosine = w·e / |e| (w is unit).
        let norm = match t.kind {
            TaxonomyKind::Prototypes => {
                let n = dot(embedding, embedding).sqrt();
                if n > 0.0 {
                    n
                } else {
                    1.0
                }
            }
            _ => 1.0,
        };
        let scores: Vec<f32> = self
            .weights
            .chunks_exact(d)
            .zip(&self.intercepts)
            .map(|(w, b)| b + dot(w, embedding) / norm)
            .collect();
        let probabilities = match t.kind {
            TaxonomyKind::Multiclass => softmax(&scores, 1.0),
            TaxonomyKind::Prototypes => softmax(&scores, t.temperature.max(1e-6)),
            TaxonomyKind::MultiLabel => scores.iter().map(|s| sigmoid(*s)).collect(),
        };
        let mut order: Vec<usize> = (0..probabilities.len()).collect();
        order.sort_by(|&a, &b| {
            probabilities[b]
                .total_cmp(&probabilities[a])
                .then(a.cmp(&b))
        });
        let best = order[0];
        let confidence = probabilities[best];
        let margin = confidence - order.get(1).map_or(0.0, |&i| probabilities[i]);
        let labels = match t.kind {
            TaxonomyKind::Multiclass => vec![best],
            TaxonomyKind::MultiLabel => order
                .iter()
                .copied()
                .filter(|&i| probabilities[i] >= t.thresholds[i])
                .collect(),
            TaxonomyKind::Prototypes => match t.thresholds.first() {
                // The best label's raw cosine against the threshold.
                Some(&th) if scores[best] < th && t.other_label.is_some() => Vec::new(),
                _ => vec![best],
            },
        };
        Assignment {
            labels,
            confidence,
            margin,
            probabilities,
        }
    }

    /// The ticket's label and confidence for the enriched output.
    pub fn label(&self, embedding: &[f32]) -> crate::ticket::TaxonomyLabel {
        let a = self.assign(embedding);
        crate::ticket::TaxonomyLabel {
            name: self.name.clone(),
            value: self.taxonomy.label_text(&a),
            confidence: a.confidence,
        }
    }
}

pub(crate) fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// `v` scaled to unit length (zero stays zero).
pub(crate) fn normalized(v: &[f32]) -> Vec<f32> {
    let n = dot(v, v).sqrt();
    if n > 0.0 {
        v.iter().map(|x| x / n).collect()
    } else {
        v.to_vec()
    }
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

fn softmax(scores: &[f32], temperature: f32) -> Vec<f32> {
    let max = scores.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let e: Vec<f32> = scores
        .iter()
        .map(|s| ((s - max) / temperature).exp())
        .collect();
    let sum: f32 = e.iter().sum();
    e.iter().map(|x| x / sum).collect()
}
