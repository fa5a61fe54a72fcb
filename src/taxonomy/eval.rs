//! Cross-validated evaluation of a taxonomy: accuracy, macro-F1,
//! per-label precision/recall/support and the most confused pairs.

use serde::{Deserialize, Serialize};

use crate::stats::ratio;

/// Most confused pairs reported.
pub const MAX_CONFUSED: usize = 10;

/// One label's figures over the held-out predictions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabelMetrics {
    /// The label.
    pub label: String,
    /// Of the tickets predicted with it, the share that have it (null when
    /// never predicted).
    pub precision: Option<f64>,
    /// Of the tickets that have it, the share predicted with it.
    pub recall: Option<f64>,
    /// Harmonic mean of precision and recall (0 when either is 0 or null).
    pub f1: f64,
    /// Tickets that have it.
    pub support: u64,
}

/// A true label often predicted as another.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConfusedPair {
    /// The label the ticket has.
    pub actual: String,
    /// The label predicted instead.
    pub predicted: String,
    /// Tickets.
    pub count: u64,
}

/// Held-out figures of a taxonomy, from k-fold cross-validation (each
/// ticket predicted by the model trained without its fold).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    /// Folds.
    pub folds: usize,
    /// Tickets evaluated.
    pub examples: usize,
    /// Share predicted exactly right (multi-label: the exact label set).
    pub accuracy: f64,
    /// Unweighted mean of the labels' F1 (every label counts the same,
    /// however rare).
    pub macro_f1: f64,
    /// Per label, in label order.
    pub labels: Vec<LabelMetrics>,
    /// The most frequent (actual, predicted) mistakes, most first.
    pub confused: Vec<ConfusedPair>,
}

impl Evaluation {
    /// Figures of label sets `pred` against `truth` (label indices into
    /// `labels`; one per ticket for multiclass).
    pub fn compute(
        truth: &[Vec<usize>],
        pred: &[Vec<usize>],
        labels: &[String],
        folds: usize,
    ) -> Evaluation {
        let k = labels.len();
        let (mut tp, mut fp, mut fneg) = (vec![0u64; k], vec![0u64; k], vec![0u64; k]);
        let mut exact = 0u64;
        let mut confusion = std::collections::BTreeMap::<(usize, usize), u64>::new();
        for (t, p) in truth.iter().zip(pred) {
            let mut ts = t.clone();
            let mut ps = p.clone();
            ts.sort_unstable();
            ps.sort_unstable();
            exact += u64::from(ts == ps);
            for &l in &ps {
                if ts.contains(&l) {
                    tp[l] += 1;
                } else {
                    fp[l] += 1;
                }
            }
            for &l in &ts {
                if !ps.contains(&l) {
                    fneg[l] += 1;
                    for &q in ps.iter().filter(|q| !ts.contains(q)) {
                        *confusion.entry((l, q)).or_default() += 1;
                    }
                }
            }
        }
        let metrics: Vec<LabelMetrics> = (0..k)
            .map(|l| {
                let precision = ratio(tp[l], tp[l] + fp[l]);
                let recall = ratio(tp[l], tp[l] + fneg[l]);
                let f1 = match (precision, recall) {
                    (Some(p), Some(r)) if p + r > 0.0 => 2.0 * p * r / (p + r),
                    _ => 0.0,
                };
                LabelMetrics {
                    label: labels[l].clone(),
                    precision,
                    recall,
                    f1,
                    support: tp[l] + fneg[l],
                }
            })
            .collect();
        let present: Vec<&LabelMetrics> = metrics.iter().filter(|m| m.support > 0).collect();
        let macro_f1 = if present.is_empty() {
            0.0
        } else {
            present.iter().map(|m| m.f1).sum::<f64>() / present.len() as f64
        };
        let mut confused: Vec<ConfusedPair> = confusion
            .into_iter()
            .map(|((a, p), count)| ConfusedPair {
                actual: labels[a].clone(),
                predicted: labels[p].clone(),
                count,
            })
            .collect();
        confused.sort_by_key(|c| std::cmp::Reverse(c.count));
        confused.truncate(MAX_CONFUSED);
        Evaluation {
            folds,
            examples: truth.len(),
            accuracy: ratio(exact, truth.len() as u64).unwrap_or(0.0),
            macro_f1,
            labels: metrics,
            confused,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_computed_precision_recall_and_confusions() {
        // Truth a a b b c; predicted a b b b a.
        // a: tp 1, fp 1 (the c), fn 1 → P 0.5, R 0.5, F1 0.5.
        // b: tp 2, fp 1, fn 0 → P 2/3, R 1, F1 0.8. c: tp 0 → F1 0.
        // Accuracy 3/5; macro-F1 (0.5 + 0.8 + 0) / 3 = 0.4333….
        let labels: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
        let v = |x: &[usize]| x.iter().map(|&i| vec![i]).collect::<Vec<_>>();
        let e = Evaluation::compute(&v(&[0, 0, 1, 1, 2]), &v(&[0, 1, 1, 1, 0]), &labels, 5);
        assert!((e.accuracy - 0.6).abs() < 1e-12);
        assert!((e.labels[1].f1 - 0.8).abs() < 1e-12);
        assert_eq!(e.labels[2].precision, None);
        assert!((e.macro_f1 - 1.3 / 3.0).abs() < 1e-12);
        assert_eq!(e.confused.len(), 2);
        assert_eq!(e.confused[0].count, 1);
    }
}
