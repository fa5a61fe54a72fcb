//! Evaluation metrics and seeded, stratified splits.
//!
//! Implemented here (not taken from a crate) so their exact definitions are
//! documented and unit-tested against hand-computed values: ROC AUC with
//! tied scores rank-averaged, average precision (sklearn's step-wise
//! definition, tied scores as one threshold), Brier score, and precision /
//! recall of the top 10 % by score.

use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::{Deserialize, Serialize};

/// Indices sorted by score, highest first (ties: lower index first, so results are deterministic).
fn order_desc(scores: &[f64]) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..scores.len()).collect();
    idx.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
    idx
}

/// ROC AUC: the probability that a random positive scores above a random
/// negative, ties counting one half (Mann–Whitney U with average ranks).
/// `None` when either class is absent.
pub fn roc_auc(scores: &[f64], labels: &[bool]) -> Option<f64> {
    let n_pos = labels.iter().filter(|&&l| l).count();
    let n_neg = labels.len() - n_pos;
    if n_pos == 0 || n_neg == 0 || scores.len() != labels.len() {
        return None;
    }
    let mut idx: Vec<usize> = (0..scores.len()).collect();
    idx.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    let mut rank_sum_pos = 0.0;
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && scores[idx[j + 1]] == scores[idx[i]] {
            j += 1;
        }
        // Ranks i+1 ..= j+1 share their average.
        let avg_rank = (i + j) as f64 / 2.0 + 1.0;
        rank_sum_pos += avg_rank * idx[i..=j].iter().filter(|&&k| labels[k]).count() as f64;
        i = j + 1;
    }
    let u = rank_sum_pos - (n_pos * (n_pos + 1)) as f64 / 2.0;
    Some(u / (n_pos as f64 * n_neg as f64))
}

/// Average precision (area under the precision–recall curve, step-wise):
/// `Σ (R_k − R_{k−1}) · P_k` over distinct score thresholds, highest first.
/// `None` when there are no positives.
pub fn average_precision(scores: &[f64], labels: &[bool]) -> Option<f64> {
    let n_pos = labels.iter().filter(|&&l| l).count();
    if n_pos == 0 || scores.len() != labels.len() {
        return None;
    }
    let idx = order_desc(scores);
    let (mut tp, mut seen, mut prev_recall, mut ap) = (0usize, 0usize, 0.0, 0.0);
    let mut i = 0;
    while i < idx.len() {
        let s = scores[idx[i]];
        while i < idx.len() && scores[idx[i]] == s {
            tp += labels[idx[i]] as usize;
            seen += 1;
            i += 1;
        }
        let recall = tp as f64 / n_pos as f64;
        ap += (recall - prev_recall) * tp as f64 / seen as f64;
        prev_recall = recall;
    }
    Some(ap)
}

/// Brier score: mean squared difference between probability and outcome (lower is better).
pub fn brier(probs: &[f64], labels: &[bool]) -> Option<f64> {
    if probs.is_empty() || probs.len() != labels.len() {
        return None;
    }
    let s: f64 = probs
        .iter()
        .zip(labels)
        .map(|(p, &l)| (p - l as u8 as f64).powi(2))
        .sum();
    Some(s / probs.len() as f64)
}

/// Precision and recall of the top `fraction` by score (at least one
/// customer; ties broken by input order). Recall is `None` without positives.
pub fn top_fraction(scores: &[f64], labels: &[bool], fraction: f64) -> (Option<f64>, Option<f64>) {
    if scores.is_empty() || scores.len() != labels.len() {
        return (None, None);
    }
    let k = ((scores.len() as f64 * fraction).ceil() as usize).clamp(1, scores.len());
    let hits = order_desc(scores)[..k]
        .iter()
        .filter(|&&i| labels[i])
        .count() as f64;
    let n_pos = labels.iter().filter(|&&l| l).count() as f64;
    (Some(hits / k as f64), (n_pos > 0.0).then(|| hits / n_pos))
}

/// The threshold `t` (a score value; positive means `score ≥ t`) with the
/// best F1, and that F1, precision and recall. Ties keep the higher threshold.
pub fn best_f1_threshold(scores: &[f64], labels: &[bool]) -> Option<(f64, f64, f64, f64)> {
    let n_pos = labels.iter().filter(|&&l| l).count();
    if n_pos == 0 || scores.len() != labels.len() {
        return None;
    }
    let idx = order_desc(scores);
    let (mut tp, mut seen) = (0usize, 0usize);
    let mut best: Option<(f64, f64, f64, f64)> = None;
    let mut i = 0;
    while i < idx.len() {
        let s = scores[idx[i]];
        while i < idx.len() && scores[idx[i]] == s {
            tp += labels[idx[i]] as usize;
            seen += 1;
            i += 1;
        }
        let p = tp as f64 / seen as f64;
        let r = tp as f64 / n_pos as f64;
        let f1 = if tp == 0 { 0.0 } else { 2.0 * p * r / (p + r) };
        if best.is_none_or(|b| f1 > b.1) {
            best = Some((s, f1, p, r));
        }
    }
    best
}

/// The metrics reported for one set of scores.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    /// ROC AUC (0.5 = random).
    pub roc_auc: Option<f64>,
    /// Average precision (random = the churn rate).
    pub pr_auc: Option<f64>,
    /// Brier score (only for probabilities; `null` for the baseline's raw counts).
    pub brier: Option<f64>,
    /// Share of churners among the top 10 % by score.
    pub top10_precision: Option<f64>,
    /// Share of all churners caught in the top 10 % by score.
    pub top10_recall: Option<f64>,
}

impl Metrics {
    /// Compute all metrics; `probabilities` says whether Brier makes sense.
    pub fn compute(scores: &[f64], labels: &[bool], probabilities: bool) -> Self {
        let (p, r) = top_fraction(scores, labels, 0.1);
        Metrics {
            roc_auc: roc_auc(scores, labels),
            pr_auc: average_precision(scores, labels),
            brier: if probabilities {
                brier(scores, labels)
            } else {
                None
            },
            top10_precision: p,
            top10_recall: r,
        }
    }
}

/// Mean and sample standard deviation over folds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct MeanSd {
    /// Mean over folds where the metric was defined.
    pub mean: f64,
    /// Sample standard deviation (0 with one fold).
    pub sd: f64,
}

impl MeanSd {
    /// Summarise defined values (`None` when none is defined).
    pub fn of(values: impl IntoIterator<Item = Option<f64>>) -> Option<Self> {
        let v: Vec<f64> = values.into_iter().flatten().collect();
        if v.is_empty() {
            return None;
        }
        let mean = v.iter().sum::<f64>() / v.len() as f64;
        let sd = if v.len() > 1 {
            (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (v.len() - 1) as f64).sqrt()
        } else {
            0.0
        };
        Some(MeanSd { mean, sd })
    }
}

impl std::fmt::Display for MeanSd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:.3} ± {:.3}", self.mean, self.sd)
    }
}

/// Per-metric mean ± sd across cross-validation folds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MetricsSummary {
    /// ROC AUC.
    pub roc_auc: Option<MeanSd>,
    /// Average precision.
    pub pr_auc: Option<MeanSd>,
    /// Brier score.
    pub brier: Option<MeanSd>,
    /// Top-10 % precision.
    pub top10_precision: Option<MeanSd>,
    /// Top-10 % recall.
    pub top10_recall: Option<MeanSd>,
}

impl MetricsSummary {
    /// Summarise per-fold metrics.
    pub fn of(folds: &[Metrics]) -> Self {
        MetricsSummary {
            roc_auc: MeanSd::of(folds.iter().map(|m| m.roc_auc)),
            pr_auc: MeanSd::of(folds.iter().map(|m| m.pr_auc)),
            brier: MeanSd::of(folds.iter().map(|m| m.brier)),
            top10_precision: MeanSd::of(folds.iter().map(|m| m.top10_precision)),
            top10_recall: MeanSd::of(folds.iter().map(|m| m.top10_recall)),
        }
    }
}

/// Seeded per-class shuffles of row indices (positives, negatives).
fn shuffled_classes(labels: &[bool], seed: u64) -> [Vec<usize>; 2] {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut pos: Vec<usize> = (0..labels.len()).filter(|&i| labels[i]).collect();
    let mut neg: Vec<usize> = (0..labels.len()).filter(|&i| !labels[i]).collect();
    pos.shuffle(&mut rng);
    neg.shuffle(&mut rng);
    [pos, neg]
}

/// Stratified, seeded train/test split: each class contributes
/// `round(n_class · test_fraction)` rows to the test side, clamped to keep at
/// least one row of each class on both sides. Returns sorted (train, test) indices.
pub fn stratified_split(
    labels: &[bool],
    test_fraction: f64,
    seed: u64,
) -> (Vec<usize>, Vec<usize>) {
    let (mut train, mut test) = (Vec::new(), Vec::new());
    for class in shuffled_classes(labels, seed) {
        let n = class.len();
        let k = ((n as f64 * test_fraction).round() as usize)
            .clamp(1.min(n), n.saturating_sub(1).max(1.min(n)));
        test.extend_from_slice(&class[..k.min(n)]);
        train.extend_from_slice(&class[k.min(n)..]);
    }
    train.sort_unstable();
    test.sort_unstable();
    (train, test)
}

/// Stratified, seeded k-fold assignment: each class's shuffled rows are dealt
/// round-robin to folds. Returns the test indices of each fold (sorted).
pub fn stratified_folds(labels: &[bool], k: usize, seed: u64) -> Vec<Vec<usize>> {
    let k = k.max(1);
    let mut folds = vec![Vec::new(); k];
    let mut next = 0;
    for class in shuffled_classes(labels, seed) {
        for i in class {
            folds[next % k].push(i);
            next += 1;
        }
    }
    for f in &mut folds {
        f.sort_unstable();
    }
    folds
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-12)
    }

    #[test]
    fn auc_by_hand() {
        // sklearn's doc example: 3 of 4 positive/negative pairs ordered right.
        assert!(close(
            roc_auc(&[0.1, 0.4, 0.35, 0.8], &[false, false, true, true]),
            0.75
        ));
        // A tie between a positive and a negative counts one half: (1 + 0.5 + 1 + 1) / 4.
        assert!(close(
            roc_auc(&[0.2, 0.5, 0.5, 0.9], &[false, false, true, true]),
            0.875
        ));
        assert!(close(roc_auc(&[0.5; 4], &[false, true, false, true]), 0.5));
        assert!(close(roc_auc(&[3.0, 2.0, 1.0], &[true, false, false]), 1.0));
        assert!(close(roc_auc(&[1.0, 2.0, 3.0], &[true, false, false]), 0.0));
        assert_eq!(roc_auc(&[0.1, 0.2], &[true, true]), None);
    }

    #[test]
    fn average_precision_by_hand() {
        // Ranked: 0.8(+) 0.4(-) 0.35(+) 0.1(-): 0.5·1 + 0.5·(2/3) = 5/6.
        assert!(close(
            average_precision(&[0.1, 0.4, 0.35, 0.8], &[false, false, true, true]),
            5.0 / 6.0
        ));
        // All tied: one threshold, precision = prevalence.
        assert!(close(
            average_precision(&[1.0; 4], &[true, false, false, false]),
            0.25
        ));
        // Tie at the top between + and -: recall 1/2 at precision 1/2, then 2/3 at full recall... :
        // ranked groups {0.9: +,-} {0.5: +} → 0.5·0.5 + 0.5·(2/3).
        assert!(close(
            average_precision(&[0.9, 0.9, 0.5], &[true, false, true]),
            0.25 + 1.0 / 3.0
        ));
        assert_eq!(average_precision(&[0.3], &[false]), None);
    }

    #[test]
    fn brier_and_top_fraction_by_hand() {
        // (0.01 + 0.01 + 0.04 + 0.09) / 4
        assert!(close(
            brier(&[0.1, 0.9, 0.8, 0.3], &[false, true, true, false]),
            0.0375
        ));
        let scores: Vec<f64> = (0..20).map(f64::from).collect();
        let labels: Vec<bool> = (0..20).map(|i| i == 19 || i == 5 || i == 0).collect();
        // Top 10 % of 20 = 2 rows (scores 19, 18): one churner of two; 1 of 3 churners caught.
        let (p, r) = top_fraction(&scores, &labels, 0.1);
        assert!(close(p, 0.5));
        assert!(close(r, 1.0 / 3.0));
    }

    #[test]
    fn best_f1_by_hand() {
        // Thresholds: 0.9 → P1 R.5 F.667; 0.7 → P.5 R.5 F.5; 0.6 → P2/3 R1 F0.8; 0.1 → P.5 R1 F.667.
        let (t, f1, p, r) =
            best_f1_threshold(&[0.9, 0.7, 0.6, 0.1], &[true, false, true, false]).unwrap();
        assert_eq!(t, 0.6);
        assert!((f1 - 0.8).abs() < 1e-12 && (p - 2.0 / 3.0).abs() < 1e-12 && r == 1.0);
    }

    #[test]
    fn splits_are_stratified_and_seeded() {
        let labels: Vec<bool> = (0..100).map(|i| i % 5 == 0).collect();
        let (train, test) = stratified_split(&labels, 0.25, 7);
        assert_eq!(test.len(), 25);
        assert_eq!(test.iter().filter(|&&i| labels[i]).count(), 5);
        assert_eq!(train.len() + test.len(), 100);
        assert_eq!(
            stratified_split(&labels, 0.25, 7),
            (train.clone(), test.clone())
        );
        assert_ne!(stratified_split(&labels, 0.25, 8).1, test);
        let folds = stratified_folds(&labels, 5, 1);
        assert!(folds
            .iter()
            .all(|f| f.len() == 20 && f.iter().filter(|&&i| labels[i]).count() == 4));
        let mut all: Vec<usize> = folds.concat();
        all.sort_unstable();
        assert_eq!(all, (0..100).collect::<Vec<_>>());
        let m = MeanSd::of([Some(1.0), Some(3.0), None]).unwrap();
        assert_eq!((m.mean, m.sd), (2.0, 2f64.sqrt()));
    }
}
