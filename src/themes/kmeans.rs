//! Deterministic spherical k-means on L2-normalised rows.
//!
//! Why not call `linfa_clustering::KMeans` for the heavy lifting: its distance
//! loop is a scalar `Zip` fold (no SIMD) and its k-means++ recomputes every
//! distance for every new centre (O(n·k²·d)); on 384-d embeddings that is
//! several times slower than the dot-product loop below, which the compiler
//! vectorises (see `benches/themes.rs`, which times both). The algorithm is the
//! same Lloyd iteration; centres are re-normalised after each update (spherical
//! k-means) so "nearest centre" and "smallest cosine distance" agree.
//!
//! Determinism: every random choice comes from one seeded Xoshiro256++ stream
//! consumed in row order; parallel work is per row (no floating-point
//! reductions across threads), and centre sums are accumulated sequentially
//! in row order, so results do not depend on the number of threads.

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;

/// Dot product with 8 independent accumulators, so it vectorises.
#[inline]
pub(crate) fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0f32; 8];
    let ca = a.chunks_exact(8);
    let cb = b.chunks_exact(8);
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for i in 0..8 {
            acc[i] += x[i] * y[i];
        }
    }
    let mut s = (acc[0] + acc[4]) + (acc[1] + acc[5]) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
    for (x, y) in ra.iter().zip(rb) {
        s += x * y;
    }
    s
}

/// Scale a vector to unit length (left as is when it is all zeros).
pub(crate) fn normalize(v: &mut [f32]) {
    let n = dot(v, v).sqrt();
    if n > 0.0 {
        v.iter_mut().for_each(|x| *x /= n);
    }
}

/// A row-major matrix view: `rows × dim` values.
#[derive(Clone, Copy)]
pub(crate) struct Rows<'a> {
    pub data: &'a [f32],
    pub dim: usize,
}

impl<'a> Rows<'a> {
    pub fn len(&self) -> usize {
        self.data.len().checked_div(self.dim).unwrap_or(0)
    }
    pub fn row(&self, i: usize) -> &'a [f32] {
        &self.data[i * self.dim..(i + 1) * self.dim]
    }
}

/// Index and cosine similarity of the centre most similar to `x`
/// (ties go to the lower index).
#[inline]
pub(crate) fn nearest(x: &[f32], centres: Rows<'_>) -> (usize, f32) {
    let mut best = (0usize, f32::NEG_INFINITY);
    for c in 0..centres.len() {
        let s = dot(x, centres.row(c));
        if s > best.1 {
            best = (c, s);
        }
    }
    best
}

/// Assign every row to its nearest centre, in parallel: `(label, cosine similarity)`.
pub(crate) fn assign(rows: Rows<'_>, centres: Rows<'_>) -> Vec<(usize, f32)> {
    let dim = rows.dim;
    rows.data
        .par_chunks(dim)
        .map(|x| nearest(x, centres))
        .collect()
}

/// k-means++ seeding over the rows in their given (canonical) order.
pub(crate) fn kmeans_pp(rows: Rows<'_>, k: usize, rng: &mut Xoshiro256PlusPlus) -> Vec<f32> {
    let n = rows.len();
    let dim = rows.dim;
    let mut centres = Vec::with_capacity(k * dim);
    let first = rng.gen_range(0..n);
    centres.extend_from_slice(rows.row(first));
    // Squared Euclidean distance of unit vectors = 2 − 2·cos.
    let mut d2: Vec<f32> = rows
        .data
        .par_chunks(dim)
        .map(|x| (2.0 - 2.0 * dot(x, rows.row(first))).max(0.0))
        .collect();
    for _ in 1..k {
        let total: f64 = d2.iter().map(|&v| v as f64).sum();
        let pick = if total <= 0.0 {
            rng.gen_range(0..n)
        } else {
            let target = rng.gen::<f64>() * total;
            let mut acc = 0.0f64;
            let mut idx = n - 1;
            for (i, &v) in d2.iter().enumerate() {
                acc += v as f64;
                if acc > target {
                    idx = i;
                    break;
                }
            }
            idx
        };
        let c = rows.row(pick);
        centres.extend_from_slice(c);
        d2.par_iter_mut()
            .zip(rows.data.par_chunks(dim))
            .for_each(|(d, x)| {
                let nd = (2.0 - 2.0 * dot(x, c)).max(0.0);
                if nd < *d {
                    *d = nd;
                }
            });
    }
    centres
}

/// A fitted clustering of the rows it was fitted on.
pub(crate) struct Fit {
    /// `k × dim` unit-length centres.
    pub centres: Vec<f32>,
    /// Label of each fitted row.
    pub labels: Vec<usize>,
}

/// Spherical Lloyd iterations from a k-means++ start.
pub(crate) fn fit(rows: Rows<'_>, k: usize, seed: u64, max_iter: usize) -> Fit {
    let n = rows.len();
    let k = k.clamp(1, n.max(1));
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let centres = kmeans_pp(rows, k, &mut rng);
    fit_from(rows, centres, max_iter)
}

/// Spherical Lloyd iterations from the given `k × dim` unit `centres`
/// (`k` ≥ 1 and ≤ the rows).
pub(crate) fn fit_from(rows: Rows<'_>, mut centres: Vec<f32>, max_iter: usize) -> Fit {
    let n = rows.len();
    let dim = rows.dim;
    let k = centres.len() / dim.max(1);
    let mut labels = vec![usize::MAX; n];
    let mut inertia = f64::INFINITY;
    for _ in 0..max_iter.max(1) {
        let a = assign(
            rows,
            Rows {
                data: &centres,
                dim,
            },
        );
        let changed = a
            .iter()
            .zip(&labels)
            .filter(|((l, _), old)| l != *old)
            .count();
        labels.iter_mut().zip(&a).for_each(|(l, (nl, _))| *l = *nl);
        let new_inertia: f64 = a.iter().map(|(_, s)| (1.0 - *s as f64).max(0.0)).sum();
        // Update: sequential sums in row order (deterministic).
        let mut sums = vec![0f64; k * dim];
        let mut counts = vec![0usize; k];
        for (i, &l) in labels.iter().enumerate() {
            counts[l] += 1;
            let s = &mut sums[l * dim..(l + 1) * dim];
            s.iter_mut()
                .zip(rows.row(i))
                .for_each(|(s, x)| *s += *x as f64);
        }
        // Empty clusters take the rows farthest from their centres, one each.
        let empties: Vec<usize> = (0..k).filter(|&c| counts[c] == 0).collect();
        if !empties.is_empty() {
            let mut far: Vec<usize> = (0..n).collect();
            far.sort_by(|&x, &y| a[x].1.total_cmp(&a[y].1).then(x.cmp(&y)));
            for (c, &r) in empties.iter().zip(&far) {
                sums[c * dim..(c + 1) * dim]
                    .iter_mut()
                    .zip(rows.row(r))
                    .for_each(|(s, x)| *s = *x as f64);
                counts[*c] = 1;
            }
        }
        for c in 0..k {
            let dst = &mut centres[c * dim..(c + 1) * dim];
            dst.iter_mut()
                .zip(&sums[c * dim..(c + 1) * dim])
                .for_each(|(d, s)| *d = *s as f32);
            normalize(dst);
        }
        let converged =
            changed == 0 || (inertia - new_inertia).abs() <= 1e-5 * new_inertia.max(1e-12);
        inertia = new_inertia;
        if converged && empties.is_empty() {
            break;
        }
    }
    Fit { centres, labels }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blobs() -> Vec<f32> {
        // Two tight groups around the x and y axes.
        let mut v = Vec::new();
        for i in 0..10 {
            let e = i as f32 * 0.01;
            let mut a = [1.0, e, 0.0, 0.0];
            let mut b = [e, 1.0, 0.0, 0.0];
            normalize(&mut a);
            normalize(&mut b);
            v.extend_from_slice(&a);
            v.extend_from_slice(&b);
        }
        v
    }

    #[test]
    fn dot_matches_naive_on_odd_lengths() {
        let a: Vec<f32> = (0..19).map(|i| i as f32 * 0.5).collect();
        let b: Vec<f32> = (0..19).map(|i| 1.0 - i as f32 * 0.1).collect();
        let naive: f32 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
        assert!((dot(&a, &b) - naive).abs() < 1e-4);
    }

    #[test]
    fn two_blobs_are_separated_and_fit_is_repeatable() {
        let data = blobs();
        let rows = Rows {
            data: &data,
            dim: 4,
        };
        let f = fit(rows, 2, 7, 50);
        for i in 0..10 {
            assert_eq!(f.labels[2 * i], f.labels[0]);
            assert_eq!(f.labels[2 * i + 1], f.labels[1]);
        }
        assert_ne!(f.labels[0], f.labels[1]);
        let g = fit(rows, 2, 7, 50);
        assert_eq!(f.labels, g.labels);
        assert_eq!(f.centres, g.centres);
    }

    #[test]
    fn more_clusters_than_distinct_points_leaves_none_empty_and_no_panic() {
        let data = vec![1.0, 0.0, 1.0, 0.0, 1.0, 0.0];
        let f = fit(
            Rows {
                data: &data,
                dim: 2,
            },
            5,
            1,
            10,
        );
        assert_eq!(f.labels.len(), 3);
        assert_eq!(f.centres.len(), 3 * 2);
    }
}
