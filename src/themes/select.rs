//! Merging micro-clusters into themes (Ward) and choosing k (silhouette).
//!
//! k-means with a few hundred micro-clusters is followed by Ward
//! agglomeration of the micro-cluster centres, which yields every cut
//! 1…K₀ at once. Each candidate cut in the range is scored by the mean
//! cosine silhouette of a seeded sub-sample (≤ [`SILHOUETTE_POINTS`] rows)
//! measured against a seeded sample (≤ [`SELECT_SAMPLE`] rows); the
//! similarity block is computed once and reused for every candidate, so
//! trying many k costs almost nothing.
//!
//! Readability comes before the silhouette: a cut whose largest theme holds
//! more than [`GIANT_SHARE`] of the tickets while that theme's own finer
//! groups (the sub-theme cut of the same Ward tree) are at least as distinct
//! from each other as the themes are (silhouette) has a *giant generic*
//! theme, a grab-bag that
//! swallows distinct issues. On diffuse data (short, varied IT tickets) the
//! silhouette alone peaks at the smallest k and gives such themes; k is then
//! chosen among the cuts without one. A large theme that is tight in itself
//! (one real issue behind a fifth of the tickets) is kept.

#[cfg(test)]
use super::kmeans;
use super::kmeans::{dot, Rows};
use rayon::prelude::*;
use serde::Serialize;

/// Rows used to fit each candidate k.
pub const SELECT_SAMPLE: usize = 2500;
/// Rows whose silhouette is averaged.
pub const SILHOUETTE_POINTS: usize = 1000;
/// Most candidate k values scored (a geometric grid over the range).
pub const CANDIDATES: usize = 40;

/// A theme above this share of the tickets is *giant* (then checked for
/// finer structure, see the module docs).
pub const GIANT_SHARE: f64 = 0.2;
/// How k was chosen, for the report.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct KSelection {
    /// `"silhouette"` (automatic), `"fixed"` (`k` given) or `"trivial"` (too few rows).
    pub method: String,
    /// Range searched (inclusive).
    pub range: (usize, usize),
    /// Candidates tried with their mean silhouette (cosine), in k order.
    pub candidates: Vec<KScore>,
    /// Rows in the selection sample.
    pub sample_size: usize,
    /// Number of themes.
    pub chosen: usize,
    /// Micro-clusters fitted by k-means before the Ward merge.
    pub micro_clusters: usize,
    /// Whether linfa's KMeans refined the theme centres (then every ticket
    /// joined its nearest refined centre; otherwise its micro-cluster's theme).
    pub refined: bool,
}

/// One candidate k and its score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KScore {
    /// Number of clusters.
    pub k: usize,
    /// Mean silhouette (cosine distance) on the scoring sub-sample.
    pub silhouette: f64,
    /// Share of the selection sample in the largest theme (0–1).
    pub largest_share: f64,
    /// The largest theme is a giant generic one (above `GIANT_SHARE`, 20 %, its
    /// finer groups as distinct as the themes): the cut is passed over when
    /// another has none.
    pub giant_generic: bool,
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

/// Mean silhouette of the first `points` sample rows that are in a group,
/// given every sample row's group (`None`: left out, neither scored nor a
/// neighbour) and the precomputed `points × sample` cosine similarities.
/// A row alone in its group scores 0.
fn silhouette(sim: &[f32], labels: &[Option<usize>], points: usize, k: usize) -> f64 {
    let m = labels.len();
    let mut sizes = vec![0usize; k];
    labels.iter().flatten().for_each(|&l| sizes[l] += 1);
    let scores: Vec<f64> = (0..points.min(m))
        .into_par_iter()
        .filter_map(|i| {
            let own = labels[i]?;
            let mut sum = vec![0f64; k];
            let row = &sim[i * m..(i + 1) * m];
            for (j, &s) in row.iter().enumerate() {
                if let (true, Some(l)) = (j != i, labels[j]) {
                    sum[l] += 1.0 - s as f64;
                }
            }
            if sizes[own] <= 1 {
                return Some(0.0);
            }
            let a = sum[own] / (sizes[own] - 1) as f64;
            let b = (0..k)
                .filter(|&c| c != own && sizes[c] > 0)
                .map(|c| sum[c] / sizes[c] as f64)
                .fold(f64::INFINITY, f64::min);
            let d = a.max(b);
            Some(if b.is_finite() && d > 0.0 {
                (b - a) / d
            } else {
                0.0
            })
        })
        .collect();
    if scores.is_empty() {
        return 0.0;
    }
    scores.iter().sum::<f64>() / scores.len() as f64
}

/// Cosine similarities of the first `points` rows of `sample` with all rows
/// (`points × m`, row-major), computed once and reused for every candidate.
pub(crate) fn similarity_block(sample: Rows<'_>, points: usize) -> Vec<f32> {
    let m = sample.len();
    let mut sim = vec![0f32; points * m];
    sim.par_chunks_mut(m.max(1))
        .enumerate()
        .for_each(|(i, out)| {
            let x = sample.row(i);
            for (j, o) in out.iter_mut().enumerate() {
                *o = dot(x, sample.row(j));
            }
        });
    sim
}

/// Mean silhouette of the first `points` sample rows under `labels` (one per
/// sample row, `k` clusters), from a [`similarity_block`].
pub(crate) fn mean_silhouette(sim: &[f32], labels: &[usize], points: usize, k: usize) -> f64 {
    let labels: Vec<Option<usize>> = labels.iter().map(|&l| Some(l)).collect();
    silhouette(sim, &labels, points, k)
}

/// Largest theme's share of the sample and whether it is giant and generic.
///
/// `labels` and `fine` give every sample row's theme and its group in the
/// finer cut of the same Ward tree (nested in the themes); `sim` is the
/// [`similarity_block`] of the first `points` rows; `overall` is the cut's
/// mean silhouette. The giant theme is generic when its finer groups are at
/// least as distinct from each other as the themes are: the silhouette of
/// its scoring rows among its own finer groups reaches `overall`. Splitting
/// one tight issue gives pieces that are not distinct, and it stays whole.
pub(crate) fn giant_generic(
    sim: &[f32],
    labels: &[usize],
    fine: &[usize],
    points: usize,
    k: usize,
    overall: f64,
) -> (f64, bool) {
    let m = labels.len();
    debug_assert_eq!(fine.len(), m);
    if m == 0 || k == 0 {
        return (0.0, false);
    }
    let mut sizes = vec![0usize; k];
    labels.iter().for_each(|&l| sizes[l] += 1);
    let (giant, &size) = sizes
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(&a.0)))
        .expect("k > 0");
    let share = size as f64 / m as f64;
    if share <= GIANT_SHARE || size < 3 {
        return (share, false);
    }
    // The giant's rows relabelled by their finer group, dense ids.
    let mut dense = std::collections::HashMap::new();
    let inner: Vec<Option<usize>> = (0..m)
        .map(|j| {
            (labels[j] == giant).then(|| {
                let next = dense.len();
                *dense.entry(fine[j]).or_insert(next)
            })
        })
        .collect();
    let groups = dense.len();
    if groups < 2 || !inner[..points.min(m)].iter().any(Option::is_some) {
        return (share, false);
    }
    (share, silhouette(sim, &inner, points, groups) >= overall)
}

/// Best candidate: highest silhouette among the cuts without a giant
/// generic theme (all cuts when every one has one), ties to the smaller k.
pub fn best(scores: &[KScore]) -> Option<usize> {
    let readable = scores.iter().any(|s| !s.giant_generic);
    scores
        .iter()
        .filter(|s| !readable || !s.giant_generic)
        .fold(None::<&KScore>, |b, s| match b {
            Some(b) if b.silhouette >= s.silhouette => Some(b),
            _ => Some(s),
        })
        .map(|s| s.k)
}

/// Ward agglomeration of weighted unit centres: the merge order, as pairs
/// `(kept, absorbed)` of centre indices, until one cluster is left. The merge
/// cost of two clusters is `wᵢwⱼ/(wᵢ+wⱼ)·‖cᵢ − cⱼ‖²` (the increase in
/// within-cluster sum of squares), so merging micro-clusters this way
/// approximates Ward clustering of the rows themselves at a fraction of the cost.
pub(crate) fn ward(centres: Rows<'_>, weights: &[f64]) -> Vec<(usize, usize)> {
    let k = centres.len();
    let dim = centres.dim;
    let mut c: Vec<f64> = centres.data.iter().map(|&v| v as f64).collect();
    let mut w = weights.to_vec();
    let mut active: Vec<bool> = vec![true; k];
    let cost = |c: &[f64], w: &[f64], a: usize, b: usize| -> f64 {
        let d2: f64 = c[a * dim..(a + 1) * dim]
            .iter()
            .zip(&c[b * dim..(b + 1) * dim])
            .map(|(x, y)| (x - y) * (x - y))
            .sum();
        w[a] * w[b] / (w[a] + w[b]).max(f64::MIN_POSITIVE) * d2
    };
    let mut d = vec![f64::INFINITY; k * k];
    let rows: Vec<Vec<f64>> = (0..k)
        .into_par_iter()
        .map(|a| {
            (0..k)
                .map(|b| {
                    if b > a {
                        cost(&c, &w, a, b)
                    } else {
                        f64::INFINITY
                    }
                })
                .collect()
        })
        .collect();
    for (a, r) in rows.into_iter().enumerate() {
        d[a * k..(a + 1) * k].copy_from_slice(&r);
    }
    let mut merges = Vec::with_capacity(k.saturating_sub(1));
    for _ in 1..k {
        let mut best = (f64::INFINITY, usize::MAX, usize::MAX);
        for a in (0..k).filter(|&a| active[a]) {
            for b in a + 1..k {
                if active[b] && d[a * k + b] < best.0 {
                    best = (d[a * k + b], a, b);
                }
            }
        }
        let (_, a, b) = best;
        if a == usize::MAX {
            break;
        }
        let (wa, wb) = (w[a], w[b]);
        for i in 0..dim {
            c[a * dim + i] =
                (c[a * dim + i] * wa + c[b * dim + i] * wb) / (wa + wb).max(f64::MIN_POSITIVE);
        }
        w[a] = wa + wb;
        active[b] = false;
        for x in (0..k).filter(|&x| active[x] && x != a) {
            let v = cost(&c, &w, a, x);
            let (lo, hi) = (a.min(x), a.max(x));
            d[lo * k + hi] = v;
        }
        merges.push((a, b));
    }
    merges
}

/// Map each of `k0` centres to one of `k` clusters by replaying the first
/// `k0 − k` merges; clusters are numbered by their smallest centre index.
pub(crate) fn cut(k0: usize, merges: &[(usize, usize)], k: usize) -> Vec<usize> {
    let mut parent: Vec<usize> = (0..k0).collect();
    for &(a, b) in merges.iter().take(k0.saturating_sub(k)) {
        parent[b] = a;
    }
    let root = |mut i: usize| {
        while parent[i] != i {
            i = parent[i];
        }
        i
    };
    let mut id = vec![usize::MAX; k0];
    let mut next = 0;
    (0..k0)
        .map(|i| {
            let r = root(i);
            if id[r] == usize::MAX {
                id[r] = next;
                next += 1;
            }
            id[r]
        })
        .collect()
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
        // Three orthogonal groups of 6 points each, labelled with 2, 3 and 6 clusters.
        let mut data = Vec::new();
        for i in 0..18 {
            let mut v = [0.0f32; 3];
            v[i % 3] = 1.0;
            v[(i + 1) % 3] = 0.05 * (i / 3) as f32;
            kmeans::normalize(&mut v);
            data.extend_from_slice(&v);
        }
        let rows = Rows {
            data: &data,
            dim: 3,
        };
        let sim = similarity_block(rows, 18);
        let two: Vec<usize> = (0..18).map(|i| (i % 3).min(1)).collect();
        let three: Vec<usize> = (0..18).map(|i| i % 3).collect();
        let six: Vec<usize> = (0..18).map(|i| i % 3 + 3 * ((i / 3) % 2)).collect();
        let s2 = mean_silhouette(&sim, &two, 18, 2);
        let s3 = mean_silhouette(&sim, &three, 18, 3);
        let s6 = mean_silhouette(&sim, &six, 18, 6);
        assert!(s3 > s2 && s3 > s6, "{s2} {s3} {s6}");
        let scores = vec![
            KScore {
                k: 2,
                silhouette: s2,
                largest_share: 0.5,
                giant_generic: false,
            },
            KScore {
                k: 3,
                silhouette: s3,
                largest_share: 0.5,
                giant_generic: false,
            },
            KScore {
                k: 6,
                silhouette: s6,
                largest_share: 0.5,
                giant_generic: false,
            },
        ];
        assert_eq!(best(&scores), Some(3));
        // A cut with a giant generic theme is passed over, whatever its silhouette.
        let mut flagged = scores.clone();
        flagged[1].giant_generic = true;
        assert_eq!(best(&flagged), Some(2));
        flagged.iter_mut().for_each(|s| s.giant_generic = true);
        assert_eq!(best(&flagged), Some(3));
    }

    /// `per` rows around each of `centres` (row `i` belongs to centre
    /// `i % centres.len()`), each coordinate moved by a seeded uniform
    /// `±spread/2`, then normalised; with the centre index of every row.
    fn rows_around(
        centres: &[Vec<f32>],
        per: usize,
        spread: f32,
        seed: u64,
    ) -> (Vec<f32>, Vec<usize>) {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(seed);
        let (mut data, mut gold) = (Vec::new(), Vec::new());
        for i in 0..per * centres.len() {
            let g = i % centres.len();
            let mut v: Vec<f32> = centres[g]
                .iter()
                .map(|c| c + spread * (rng.gen::<f32>() - 0.5))
                .collect();
            kmeans::normalize(&mut v);
            data.extend_from_slice(&v);
            gold.push(g);
        }
        (data, gold)
    }

    #[test]
    fn a_grab_bag_theme_is_giant_generic_and_a_tight_one_is_not() {
        let dim = 16;
        let unit =
            |d: usize| -> Vec<f32> { (0..dim).map(|i| if i == d { 1.0 } else { 0.0 }).collect() };
        // Four distinct issues, each a tight group of 20 rows.
        let centres: Vec<Vec<f32>> = (0..4).map(unit).collect();
        let (data, gold) = rows_around(&centres, 20, 0.2, 7);
        let m = gold.len();
        let sim = similarity_block(Rows { data: &data, dim }, m);
        // One theme glues the first three issues together (75 % of the rows).
        let glued: Vec<usize> = gold.iter().map(|&g| usize::from(g == 3)).collect();
        let (share, generic) = giant_generic(
            &sim,
            &glued,
            &gold,
            m,
            2,
            mean_silhouette(&sim, &glued, m, 2),
        );
        assert!((share - 0.75).abs() < 1e-9 && generic, "{share} {generic}");
        // Each issue its own theme: the largest holds 25 %, tight in itself.
        let (share, generic) =
            giant_generic(&sim, &gold, &gold, m, 4, mean_silhouette(&sim, &gold, m, 4));
        assert!((share - 0.25).abs() < 1e-9 && !generic);
        // Two issues per theme (50 % each): the issues are as distinct as
        // the themes, so each theme is a grab-bag.
        let pairs: Vec<usize> = gold.iter().map(|&g| g / 2).collect();
        let overall = mean_silhouette(&sim, &pairs, m, 2);
        let (_, generic) = giant_generic(&sim, &pairs, &gold, m, 2, overall);
        assert!(generic);
        // A finer cut that halves each tight issue at random finds nothing
        // as distinct as the themes.
        let halves: Vec<usize> = (0..m).map(|i| 2 * gold[i] + (i / 4) % 2).collect();
        let overall = mean_silhouette(&sim, &gold, m, 4);
        let (_, generic) = giant_generic(&sim, &gold, &halves, m, 4, overall);
        assert!(!generic, "a tight issue split at random is not a grab-bag");
    }

    #[test]
    fn ward_merges_the_cheapest_pair_first_weighted_by_size() {
        // Centres on a line at 0, 1, 3 (as 1-d "unit" rows) with weights 1, 1, 10:
        // cost(0,1) = 1·1/2·1 = 0.5; cost(1,2) = 10/11·4 = 3.64; cost(0,2) = 10/11·9.
        let c = [0.0f32, 1.0, 3.0];
        let m = ward(Rows { data: &c, dim: 1 }, &[1.0, 1.0, 10.0]);
        assert_eq!(m, vec![(0, 1), (0, 2)]);
        assert_eq!(cut(3, &m, 3), vec![0, 1, 2]);
        assert_eq!(cut(3, &m, 2), vec![0, 0, 1]);
        assert_eq!(cut(3, &m, 1), vec![0, 0, 0]);
    }
}
