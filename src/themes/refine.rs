//! Refining the themes' centres with `linfa-clustering`'s KMeans.
//!
//! The Ward cut of the micro-clusters gives good theme *shapes*, but a theme
//! built from whole micro-clusters inherits their boundaries: a micro-cluster
//! that straddles two intents goes entirely to one theme. A few Lloyd steps of
//! linfa's KMeans, started from the Ward theme centres
//! ([`KMeansInit::Precomputed`]), move each boundary to where the rows are,
//! and every ticket then joins its nearest refined centre (the issue's
//! "nearest centroid" rule).
//!
//! Why only here, and on a sample: linfa's distance loop is scalar and its
//! k-means++ is O(n·k²·d), about 25× slower than the crate's vectorised loop
//! on 384-d rows (`benches/themes.rs` times both). Seeded from precomputed
//! centres, with k ≤ 150 themes, at most [`REFINE_SAMPLE`] rows and
//! `max_iter` iterations, the cost is bounded whatever the input size.
//!
//! Determinism: with precomputed centres linfa draws nothing from its
//! (seeded) RNG; its assignment step is parallel per row and its centre
//! update is a sequential fold in row order, so the result does not depend on
//! the number of threads (tested in `themes::tests`).

use super::kmeans::{normalize, Rows};
use linfa::traits::Fit;
use linfa::DatasetBase;
use linfa_clustering::{KMeans, KMeansInit};
use ndarray::Array2;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// Most rows the refinement runs on (a seeded sample of the fit sample).
pub const REFINE_SAMPLE: usize = 5000;
/// Convergence: stop when the centres moved less than this (Euclidean, all centres).
pub const REFINE_TOLERANCE: f32 = 1e-4;

/// Refine `centres` (k unit rows) with linfa's KMeans on `sample`, at most
/// `max_iter` Lloyd iterations; the refined centres come back re-normalised
/// (spherical k-means: nearest centre = smallest cosine distance).
///
/// Returns `None` when linfa rejects the problem (no rows, k = 0,
/// `max_iter` = 0): the caller keeps the Ward centres.
pub(crate) fn refine(
    sample: Rows<'_>,
    centres: &[f32],
    seed: u64,
    max_iter: usize,
) -> Option<Vec<f32>> {
    let dim = sample.dim;
    let (m, k) = (sample.len(), centres.len().checked_div(dim).unwrap_or(0));
    if m == 0 || k == 0 || max_iter == 0 {
        return None;
    }
    let x = Array2::from_shape_vec((m, dim), sample.data[..m * dim].to_vec()).ok()?;
    let init = Array2::from_shape_vec((k, dim), centres[..k * dim].to_vec()).ok()?;
    let model = KMeans::params_with_rng(k, Xoshiro256PlusPlus::seed_from_u64(seed))
        .n_runs(1)
        .max_n_iterations(max_iter as u64)
        .tolerance(REFINE_TOLERANCE)
        .init_method(KMeansInit::Precomputed(init))
        .fit(&DatasetBase::from(x))
        .ok()?;
    let mut out: Vec<f32> = model.centroids().iter().copied().collect();
    if out.len() != k * dim || out.iter().any(|v| !v.is_finite()) {
        return None;
    }
    out.chunks_mut(dim).for_each(normalize);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refinement_moves_a_misplaced_centre_onto_its_group() {
        // Two groups around the x and y axes; the start centres are skewed.
        let mut data = Vec::new();
        for i in 0..20 {
            let e = (i % 5) as f32 * 0.02;
            let mut v = if i % 2 == 0 {
                [1.0, e, 0.0]
            } else {
                [e, 1.0, 0.0]
            };
            normalize(&mut v);
            data.extend_from_slice(&v);
        }
        let mut start = vec![1.0, 0.6, 0.0, 0.3, 1.0, 0.0];
        start.chunks_mut(3).for_each(normalize);
        let rows = Rows {
            data: &data,
            dim: 3,
        };
        let c = refine(rows, &start, 1, 20).unwrap();
        assert!(c[0] > 0.99 && c[1] < 0.1, "{c:?}");
        assert!(c[4] > 0.99 && c[3] < 0.1, "{c:?}");
        assert_eq!(refine(rows, &start, 1, 20), Some(c));
        assert_eq!(refine(rows, &start, 1, 0), None);
    }
}
