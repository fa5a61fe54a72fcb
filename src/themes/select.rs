//! Choosing k (silhouette on a seeded sample) and merging near-duplicate clusters.
//!
//! Running k-means for every candidate k on all rows would dominate the run
//! time, so candidates are fitted on a seeded sample (≤ [`SELECT_SAMPLE`]
//! rows) and scored by the mean cosine silhouette of a sub-sample
//! (≤ [`SILHOUETTE_POINTS`] rows) measured against the whole sample. The
//! similarity block is computed once and reused for every candidate.

use super::kmeans::{self, dot, Rows};
use rayon::prelude::*;
use serde::Serialize;

/// Rows used to fit each candidate k.
pub const SELECT_SAMPLE: usize = 2500;
/// Rows whose silhouette is averaged.
pub const SILHOUETTE_POINTS: usize = 1000;
/// Number of candidate k values tried (geometric grid).
pub const CANDIDATES: usize = 8;

/// How k was chosen, for the report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KSelection {
    /// `"silhouette"` (automatic), `"fixed"` (`k` given) or `"trivial"` (too few rows).
    pub method: String,
    /// Range searched (inclusive).
    pub range: (usize, usize),
    /// Candidates tried with their mean silhouette (cosine), in k order.
    pub candidates: Vec<KScore>,
    /// Rows in the selection sample.
    pub sample_size: usize,
    /// k fitted.
    pub chosen: usize,
    /// Themes left after merging near-duplicate clusters.
    pub after_merge: usize,
}

/// One candidate k and its score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KScore {
    /// Number of clusters.
    pub k: usize,
    /// Mean silhouette (cosine distance) on the scoring sub-sample.
    pub silhouette: f64,
}

/// The default search range for `n` rows: `[max(2, k_hi/10), min(150, ⌈1.25·√n⌉)]`
/// (never more than n). More tickets support finer themes, but past ~150 a
/// theme list stops being readable.
pub fn default_range(n: usize) -> (usize, usize) {
    let hi = ((1.25 * (n as f64).sqrt()).ceil() as usize)
        .clamp(2, 150)
        .min(n.max(1));
    let lo = (hi / 10).max(2).min(hi);
    (lo, hi)
}

/// Up to [`CANDIDATES`] distinct k values spread geometrically over `[lo, hi]`.
pub fn grid(lo: usize, hi: usize) -> Vec<usize> {
    if hi <= lo {
        return vec![hi.max(1)];
    }
    let mut out: Vec<usize> = (0..CANDIDATES)
        .map(|i| {
            let t = i as f64 / (CANDIDATES - 1) as f64;
            ((lo as f64) * ((hi as f64) / (lo as f64)).powf(t)).round() as usize
        })
        .collect();
    out.dedup();
    out
}

/// Mean silhouette of `points` (indices into the sample) given labels of the
/// whole sample and the precomputed `points × sample` cosine similarities.
fn silhouette(sim: &[f32], m: usize, labels: &[usize], points: usize, k: usize) -> f64 {
    let mut sizes = vec![0usize; k];
    labels.iter().for_each(|&l| sizes[l] += 1);
    let total: f64 = (0..points)
        .into_par_iter()
        .map(|i| {
            let mut sum = vec![0f64; k];
            let row = &sim[i * m..(i + 1) * m];
            for (j, &s) in row.iter().enumerate() {
                if j != i {
                    sum[labels[j]] += 1.0 - s as f64;
                }
            }
            let own = labels[i];
            if sizes[own] <= 1 {
                return 0.0;
            }
            let a = sum[own] / (sizes[own] - 1) as f64;
            let b = (0..k)
                .filter(|&c| c != own && sizes[c] > 0)
                .map(|c| sum[c] / sizes[c] as f64)
                .fold(f64::INFINITY, f64::min);
            if !b.is_finite() {
                return 0.0;
            }
            let d = a.max(b);
            if d > 0.0 {
                (b - a) / d
            } else {
                0.0
            }
        })
        .collect::<Vec<f64>>()
        .iter()
        .sum();
    total / points.max(1) as f64
}

/// Score each candidate k on `sample` (rows in canonical, seeded-shuffled
/// order) and return the scores; the first [`SILHOUETTE_POINTS`] rows are the
/// scored points.
pub(crate) fn score_candidates(sample: Rows<'_>, ks: &[usize], seed: u64) -> Vec<KScore> {
    let m = sample.len();
    let points = m.min(SILHOUETTE_POINTS);
    let mut sim = vec![0f32; points * m];
    sim.par_chunks_mut(m.max(1))
        .enumerate()
        .for_each(|(i, out)| {
            let x = sample.row(i);
            for (j, o) in out.iter_mut().enumerate() {
                *o = dot(x, sample.row(j));
            }
        });
    ks.iter()
        .map(|&k| {
            let f = kmeans::fit(
                sample,
                k,
                seed ^ (k as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15),
                30,
            );
            let k_eff = f.centres.len() / sample.dim.max(1);
            KScore {
                k,
                silhouette: silhouette(&sim, m, &f.labels, points, k_eff),
            }
        })
        .collect()
}

/// Best candidate: highest silhouette, ties to the smaller k.
pub fn best(scores: &[KScore]) -> Option<usize> {
    scores
        .iter()
        .fold(None::<&KScore>, |b, s| match b {
            Some(b) if b.silhouette >= s.silhouette => Some(b),
            _ => Some(s),
        })
        .map(|s| s.k)
}

/// Merge clusters whose centres have cosine similarity above `threshold`
/// (single linkage over the centre graph). Returns a map old → new cluster
/// index, new indices numbered by their smallest old index.
pub(crate) fn merge_map(centres: Rows<'_>, threshold: f32) -> Vec<usize> {
    let k = centres.len();
    let mut parent: Vec<usize> = (0..k).collect();
    fn root(p: &mut [usize], mut i: usize) -> usize {
        while p[i] != i {
            p[i] = p[p[i]];
            i = p[i];
        }
        i
    }
    for a in 0..k {
        for b in a + 1..k {
            if dot(centres.row(a), centres.row(b)) > threshold {
                let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
                if ra != rb {
                    parent[ra.max(rb)] = ra.min(rb);
                }
            }
        }
    }
    let mut new_id = vec![usize::MAX; k];
    let mut next = 0;
    let mut out = vec![0; k];
    for i in 0..k {
        let r = root(&mut parent, i);
        if new_id[r] == usize::MAX {
            new_id[r] = next;
            next += 1;
        }
        out[i] = new_id[r];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_scales_with_data_size() {
        assert_eq!(default_range(10_000), (12, 125));
        assert_eq!(default_range(1_000_000), (15, 150));
        assert_eq!(default_range(9), (2, 4));
        assert_eq!(default_range(1), (1, 1));
    }

    #[test]
    fn grid_is_increasing_and_bounded() {
        let g = grid(12, 125);
        assert_eq!(g.first(), Some(&12));
        assert_eq!(g.last(), Some(&125));
        assert!(g.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(grid(3, 3), vec![3]);
    }

    #[test]
    fn silhouette_prefers_the_true_number_of_groups() {
        // Three orthogonal groups of 6 points each.
        let mut data = Vec::new();
        for i in 0..18 {
            let mut v = [0.0f32; 3];
            v[i % 3] = 1.0;
            v[(i + 1) % 3] = 0.05 * (i / 3) as f32;
            kmeans::normalize(&mut v);
            data.extend_from_slice(&v);
        }
        let scores = score_candidates(
            Rows {
                data: &data,
                dim: 3,
            },
            &[2, 3, 4, 6],
            1,
        );
        assert_eq!(best(&scores), Some(3), "{scores:?}");
    }

    #[test]
    fn merge_joins_only_near_duplicates() {
        let c = [1.0f32, 0.0, 0.999, 0.0447, 0.0, 1.0];
        let m = merge_map(Rows { data: &c, dim: 2 }, 0.99);
        assert_eq!(m, vec![0, 0, 1]);
    }
}
