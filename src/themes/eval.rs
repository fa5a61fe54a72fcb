//! The clustering core as plain functions over embedding rows, for quality
//! harnesses that score themes against gold labels (the BANKING77
//! evaluation lives in the `ticketlens-synth` crate, outside the product).

use super::select::KSelection;
use super::ThemeOptions;
use super::{cluster, kmeans};
use crate::embeddings::Embeddings;
use crate::error::{Result, ThemesError};

/// Theme of every row of `emb` exactly as [`super::discover`] would cluster
/// them (canonical order by embedding content, default pipeline: micro
/// k-means → Ward → k chosen by silhouette → refinement), with how k was
/// chosen. Labels are dense ids `0..k`, numbered by theme size, one per row.
///
/// Errors: no rows, or a row that is not finite or is all zeros.
pub fn cluster_embeddings(
    emb: &Embeddings,
    opts: &ThemeOptions,
) -> Result<(Vec<usize>, KSelection)> {
    let n = emb.rows();
    if n == 0 {
        return Err(ThemesError::NoTickets.into());
    }
    let unit = cluster::unit_rows(&emb.data, emb.dim)?;
    let dim = emb.dim;
    let hashes: Vec<u64> = (0..n)
        .map(|i| cluster::row_hash(&unit[i * dim..(i + 1) * dim]))
        .collect();
    // Content key only: the row number is a tie-breaker for identical rows.
    let keys: Vec<(&str, u64, u64)> = (0..n).map(|i| ("", hashes[i], i as u64)).collect();
    let sel: Vec<usize> = (0..n).collect();
    let c = cluster::cluster(&unit, dim, &sel, &keys, opts);
    Ok((c.labels, c.selection))
}

/// Plain spherical k-means with `k` clusters on all rows (k-means++ start,
/// up to `max_iter` Lloyd iterations, seeded): the baseline the theme
/// pipeline is measured against. One label in `0..k` per row.
pub fn spherical_kmeans(emb: &Embeddings, k: usize, seed: u64, max_iter: usize) -> Vec<usize> {
    kmeans::fit(
        kmeans::Rows {
            data: &emb.data,
            dim: emb.dim,
        },
        k.max(1),
        seed,
        max_iter,
    )
    .labels
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cluster_embeddings_recovers_planted_groups() {
        let mut emb = Embeddings::new(4);
        let mut gold = Vec::new();
        for i in 0..60 {
            let g = i % 3;
            let mut v = [0.02 * (i % 5) as f32; 4];
            v[g] = 1.0;
            super::super::kmeans::normalize(&mut v);
            emb.push(&v);
            gold.push(g);
        }
        let (labels, sel) = cluster_embeddings(&emb, &ThemeOptions::default()).unwrap();
        assert_eq!(sel.chosen, 3, "{sel:?}");
        // Same partition as the planted groups, up to renaming.
        for i in 0..60 {
            for j in 0..60 {
                assert_eq!(labels[i] == labels[j], gold[i] == gold[j]);
            }
        }
        assert!(cluster_embeddings(&Embeddings::new(4), &ThemeOptions::default()).is_err());
    }
}
