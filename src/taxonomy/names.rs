//! Zero-shot taxonomies from label names (`taxonomy from-names`).
//!
//! A names file has one label per line, optionally followed by `:` and a
//! description or example phrases separated by `;`:
//!
//! ```text
//! # comments and blank lines are ignored
//! card_arrival: my card has not arrived; when will I get my card
//! Login / SSO: cannot sign in; single sign-on fails
//! refund
//! ```
//!
//! Each label's prototype is the mean of the unit-length embeddings of its
//! name (with `_` `-` read as spaces) and of each description or example,
//! normalised again; a ticket gets the label of the most similar prototype
//! (cosine similarity), or `other` below `--other-threshold`.

use super::fit::labels_error;
use super::model::{normalized, Taxonomy, TaxonomyKind, Training, FORMAT};
use crate::error::{Error, Result, Setting, TaxonomyError};

/// Label given below the similarity threshold.
pub const OTHER: &str = "other";

/// Default softmax temperature over cosine similarities: similarities of
/// sentence embeddings differ by a few hundredths between close labels, so
/// a small temperature turns them into usable confidences.
pub const TEMPERATURE: f32 = 0.05;

/// One label of a names file and the texts its prototype is built from.
#[derive(Debug, Clone, PartialEq)]
pub struct NameSpec {
    /// The label as written (the output value).
    pub label: String,
    /// The name read as words, then each description or example.
    pub texts: Vec<String>,
}

/// Parse a names file. Errors (with the line number): a line with an empty
/// label, a label given twice, fewer than two labels.
pub fn parse_names(text: &str) -> Result<Vec<NameSpec>> {
    let mut out: Vec<NameSpec> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim().trim_start_matches('\u{feff}');
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (label, rest) = match line.split_once(':') {
            Some((l, r)) => (l.trim(), r.trim()),
            None => (line, ""),
        };
        if label.is_empty() {
            return Err(labels_error(format!(
                "names file line {}: no label before `:`",
                i + 1
            )));
        }
        if out.iter().any(|s| s.label == label) {
            return Err(labels_error(format!(
                "names file line {}: label `{label}` given twice",
                i + 1
            )));
        }
        let mut texts = vec![humanise(label)];
        texts.extend(
            rest.split(';')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string),
        );
        out.push(NameSpec {
            label: label.to_string(),
            texts,
        });
    }
    if out.len() < 2 {
        return Err(labels_error(format!(
            "the names file has {} label(s): a taxonomy needs at least two",
            out.len()
        )));
    }
    Ok(out)
}

/// `card_arrival` → `card arrival`, `Login/SSO` → `Login / SSO`.
fn humanise(label: &str) -> String {
    label
        .replace(['_', '-'], " ")
        .replace('/', " / ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// How a zero-shot taxonomy assigns.
#[derive(Debug, Clone, PartialEq)]
pub struct NamesParams {
    /// Output column name.
    pub name: String,
    /// Cosine similarity below which a ticket is `other` (none: always
    /// the nearest label).
    pub other_threshold: Option<f32>,
    /// Softmax temperature for confidences ([`TEMPERATURE`]).
    pub temperature: f32,
}

impl Default for NamesParams {
    fn default() -> Self {
        NamesParams {
            name: "category".into(),
            other_threshold: None,
            temperature: TEMPERATURE,
        }
    }
}

/// The texts to embed for `specs`, in order (every spec's `texts`).
pub fn prototype_texts(specs: &[NameSpec]) -> Vec<String> {
    specs.iter().flat_map(|s| s.texts.iter().cloned()).collect()
}

/// Build the zero-shot taxonomy from the embeddings of
/// [`prototype_texts`] (row-major, `dim` wide), made by model
/// `model_sha256`.
pub fn from_names(
    specs: &[NameSpec],
    embeddings: &[f32],
    dim: usize,
    params: &NamesParams,
    model_sha256: &str,
    source: &str,
) -> Result<Taxonomy> {
    let n: usize = specs.iter().map(|s| s.texts.len()).sum();
    if embeddings.len() != n * dim || dim == 0 {
        return Err(TaxonomyError::Embeddings {
            values: embeddings.len(),
            texts: n,
            dim,
        }
        .into());
    }
    if let Some(t) = params.other_threshold {
        if !(-1.0..=1.0).contains(&t) {
            return Err(Error::option(
                Setting::OtherThreshold,
                format!("{t} is not a cosine similarity in [-1, 1]"),
            ));
        }
    }
    let mut rows = embeddings.chunks_exact(dim);
    let weights: Vec<Vec<f32>> = specs
        .iter()
        .map(|s| {
            let mut sum = vec![0f32; dim];
            for row in rows.by_ref().take(s.texts.len()) {
                for (a, b) in sum.iter_mut().zip(normalized(row)) {
                    *a += b;
                }
            }
            normalized(&sum)
        })
        .collect();
    let t = Taxonomy {
        format: FORMAT.into(),
        name: params.name.clone(),
        kind: TaxonomyKind::Prototypes,
        labels: specs.iter().map(|s| s.label.clone()).collect(),
        other_label: params.other_threshold.map(|_| OTHER.to_string()),
        model_sha256: model_sha256.into(),
        embedding_dim: dim,
        mean: Vec::new(),
        scale: Vec::new(),
        intercepts: vec![0.0; specs.len()],
        weights,
        thresholds: params.other_threshold.into_iter().collect(),
        temperature: params.temperature,
        training: Training {
            examples: 0,
            unlabelled: 0,
            merged_into_other: Vec::new(),
            created: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            source: source.into(),
        },
        evaluation: None,
    };
    t.validate()?;
    Ok(t)
}
