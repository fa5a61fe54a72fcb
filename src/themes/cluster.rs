//! The clustering pipeline: canonical order → micro-clusters (k-means) →
//! neighbourhood smoothing ([`smooth`]) → micro-clusters of the smoothed
//! rows → Ward merge → choose k (silhouette among the cuts without a giant
//! generic theme) → refinement → every row gets a theme.
//!
//! Each row joins the nearest micro-cluster centre and takes that
//! micro-cluster's theme (or, refined, the nearest refined centre); its
//! theme distance is the cosine distance of its own embedding to the theme
//! centre (the normalised mean of the theme's rows). Over-clustering
//! then merging is what lifts quality above plain k-means (NMI 0.79 vs 0.76
//! on BANKING77, see docs/themes.md): k-means alone cuts large intents
//! in two and glues small ones together; Ward on the micro-clusters does not.
//!
//! Determinism: rows are first sorted by a content key (ticket id, text hash,
//! embedding hash), and every sample and seed is drawn from that canonical
//! order with a seeded RNG, so the same tickets in any input order, with any
//! number of threads, give the same themes.

use super::kmeans::{self, dot, normalize, Rows};
use super::refine;
use super::select::{self, KScore, KSelection};
use super::smooth;
use super::ThemeOptions;
use crate::error::ThemesError;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;

/// Rows used to fit the micro-clusters (all rows are then assigned).
pub const FIT_SAMPLE: usize = 12_000;
/// Most micro-clusters.
pub const MICRO_MAX: usize = 400;
/// Lloyd iterations for the micro-clusters.
pub const MAX_ITER: usize = 25;

/// Lloyd iterations refitting the micro-clusters on the smoothed rows,
/// started from the raw fit (boundaries keep shifting a little on smoothed
/// rows, so it runs to this limit; more iterations did not raise NMI).
pub const REFIT_ITER: usize = 10;

/// Groups of the finer Ward cut per theme, on average: the sub-themes.
pub const SUB_PER_THEME: usize = 3;

/// FNV-1a 64-bit hash (stable across platforms and releases, unlike `std`'s).
pub fn fnv64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= *b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Hash of an embedding row's bit pattern.
pub fn row_hash(row: &[f32]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for v in row {
        for b in v.to_bits().to_le_bytes() {
            h ^= b as u64;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// Rows farther than this from unit squared length are re-normalised.
const UNIT_TOLERANCE: f32 = 1e-4;

/// `data` (rows of width `dim`) with every row scaled to unit length.
/// Borrowed when every row already is (the model's own embeddings), so a
/// million rows are not copied for nothing. [`ThemesError::BadRow`] names
/// the first row that is not finite or is all zeros (it has no direction);
/// the caller adds its ticket id when it knows it.
pub(crate) fn unit_rows(
    data: &[f32],
    dim: usize,
) -> std::result::Result<std::borrow::Cow<'_, [f32]>, ThemesError> {
    let dim = dim.max(1);
    let norms: Vec<f32> = data.par_chunks(dim).map(|r| dot(r, r)).collect();
    let bad = |row, what| ThemesError::BadRow {
        row,
        ticket: None,
        what,
    };
    for (i, &q) in norms.iter().enumerate() {
        if !q.is_finite() || data[i * dim..(i + 1) * dim].iter().any(|v| !v.is_finite()) {
            return Err(bad(i, "not finite"));
        }
        if q == 0.0 {
            return Err(bad(i, "all zeros (no direction to cluster on)"));
        }
    }
    if norms.iter().all(|q| (q - 1.0).abs() <= UNIT_TOLERANCE) {
        return Ok(std::borrow::Cow::Borrowed(data));
    }
    let mut out = data.to_vec();
    out.par_chunks_mut(dim).for_each(normalize);
    Ok(std::borrow::Cow::Owned(out))
}

/// Number of micro-clusters for `n_fit` fitted rows when up to `hi` themes
/// are wanted: about one per 25 rows, at least 2·hi, at most [`MICRO_MAX`]
/// (but never fewer than `hi`, nor more than the rows).
pub fn micro_k(n_fit: usize, hi: usize) -> usize {
    (n_fit / 25)
        .max(2 * hi)
        .min(MICRO_MAX)
        .max(hi)
        .min(n_fit)
        .max(1)
}

/// Result of clustering the selected rows.
pub(crate) struct Clustering {
    /// Theme of each row (indexed like the `keys` given), themes numbered by
    /// size desc then centre.
    pub labels: Vec<usize>,
    /// Cosine similarity of each row to its theme centre.
    pub sims: Vec<f32>,
    /// Each row's group in the finer Ward cut (3 × the themes): the
    /// sub-themes are these groups within each theme. All 0 when there is
    /// no finer structure to report (a saved theme model).
    pub sub_labels: Vec<usize>,
    /// How k was chosen.
    pub selection: KSelection,
}

/// Rows of `data` seen in canonical order without copying them
/// (a million 384-d rows are 1.5 GB).
struct Canon<'a> {
    data: &'a [f32],
    dim: usize,
    /// Canonical position → row of `data`.
    rows: Vec<usize>,
}

impl Canon<'_> {
    fn row(&self, pos: usize) -> &[f32] {
        let r = self.rows[pos];
        &self.data[r * self.dim..(r + 1) * self.dim]
    }

    /// `k × dim` centres: the normalised mean of the rows labelled `c`
    /// (`label(pos)` < `k`), summed in f64 in canonical order; all zeros
    /// for a label no row has.
    fn mean_centres(&self, k: usize, label: impl Fn(usize) -> usize) -> Vec<f32> {
        let dim = self.dim;
        let mut sums = vec![0f64; k * dim];
        for pos in 0..self.rows.len() {
            let t = label(pos);
            sums[t * dim..(t + 1) * dim]
                .iter_mut()
                .zip(self.row(pos))
                .for_each(|(s, x)| *s += *x as f64);
        }
        let mut centres: Vec<f32> = sums.iter().map(|&s| s as f32).collect();
        centres.chunks_mut(dim.max(1)).for_each(normalize);
        centres
    }
}

/// Cluster rows `sel` of `data` (row-major, `dim` wide); `keys[j]` is the
/// content key of row `sel[j]`. Labels and similarities come back per `j`.
pub(crate) fn cluster(
    data: &[f32],
    dim: usize,
    sel: &[usize],
    keys: &[(&str, u64, u64)],
    opts: &ThemeOptions,
) -> Clustering {
    let n = keys.len();
    // Canonical order.
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| keys[a].cmp(&keys[b]));
    let rows = Canon {
        data,
        dim,
        rows: order.iter().map(|&j| sel[j]).collect(),
    };
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(opts.seed);
    let mut sample_idx = |m: usize| -> Vec<usize> {
        if m >= n {
            (0..n).collect()
        } else {
            rand::seq::index::sample(&mut rng, n, m).into_vec()
        }
    };

    // Range of k.
    let clamp = |k: usize| k.clamp(1, n.max(1));
    let (method, (lo, hi)) = match opts.k {
        Some(k) => ("fixed", (clamp(k), clamp(k))),
        None => {
            let (lo, hi) = opts.k_range.unwrap_or_else(|| select::default_range(n));
            let (lo, hi) = (clamp(lo.min(hi)), clamp(hi.max(lo)));
            (if hi < 2 { "trivial" } else { "silhouette" }, (lo, hi))
        }
    };

    // 1. Micro-clusters on a sample, then every row to its nearest one.
    let fit_idx = sample_idx(FIT_SAMPLE);
    let mut fit_data = Vec::with_capacity(fit_idx.len() * dim);
    fit_idx
        .iter()
        .for_each(|&i| fit_data.extend_from_slice(rows.row(i)));
    let k0 = micro_k(fit_idx.len(), hi);
    let mut micro = kmeans::fit(
        Rows {
            data: &fit_data,
            dim,
        },
        k0,
        opts.seed,
        MAX_ITER,
    );
    // 1b. Neighbourhood smoothing (its neighbours are searched in the
    //     micro-clusters just fitted), then the micro-clusters again on the
    //     smoothed rows: from here on rows group by their smoothed vectors.
    let smoother = (opts.smoothing_rounds > 0 && n >= smooth::MIN_ROWS).then(|| {
        let row = |p: usize| rows.row(p);
        smooth::Smoother::new(
            n,
            dim,
            &row,
            &fit_idx,
            Rows {
                data: &micro.centres,
                dim,
            },
            &micro.labels,
            opts.smoothing_rounds,
        )
    });
    let smoothed = |p: usize| -> std::borrow::Cow<'_, [f32]> {
        match &smoother {
            Some(s) => {
                let mut v = vec![0f32; dim];
                s.row_into(p, rows.row(p), &mut v);
                std::borrow::Cow::Owned(v)
            }
            None => std::borrow::Cow::Borrowed(rows.row(p)),
        }
    };
    if smoother.is_some() {
        fit_data.clear();
        fit_idx
            .iter()
            .for_each(|&i| fit_data.extend_from_slice(&smoothed(i)));
        micro = kmeans::fit_from(
            Rows {
                data: &fit_data,
                dim,
            },
            std::mem::take(&mut micro.centres),
            REFIT_ITER,
        );
    }
    drop(fit_data);
    let k0 = micro.centres.len() / dim.max(1);
    let micro_rows = Rows {
        data: &micro.centres,
        dim,
    };
    let near: Vec<(usize, f32)> = (0..n)
        .into_par_iter()
        .map(|p| kmeans::nearest(&smoothed(p), micro_rows))
        .collect();
    let mut weights = vec![0f64; k0];
    near.iter().for_each(|(l, _)| weights[*l] += 1.0);
    // Ward over the non-empty micro-clusters only.
    let live: Vec<usize> = (0..k0).filter(|&c| weights[c] > 0.0).collect();
    let mut live_centres = Vec::with_capacity(live.len() * dim);
    live.iter()
        .for_each(|&c| live_centres.extend_from_slice(&micro.centres[c * dim..(c + 1) * dim]));
    let live_w: Vec<f64> = live.iter().map(|&c| weights[c]).collect();
    let merges = select::ward(
        Rows {
            data: &live_centres,
            dim,
        },
        &live_w,
    );
    let kl = live.len();
    let mut live_of = vec![usize::MAX; k0];
    live.iter().enumerate().for_each(|(j, &c)| live_of[c] = j);

    // 2. Choose k among the cuts.
    let (lo, hi) = (lo.min(kl), hi.min(kl));
    let mut candidates: Vec<KScore> = Vec::new();
    let mut sample_size = 0;
    let k = if method == "silhouette" && hi >= 2 {
        let sel_idx = sample_idx(select::SELECT_SAMPLE);
        let mut sel = Vec::with_capacity(sel_idx.len() * dim);
        // Scored on the tickets' own embeddings: on smoothed rows every
        // finer cut looks tighter, and k would climb to the top of the range.
        sel_idx
            .iter()
            .for_each(|&i| sel.extend_from_slice(rows.row(i)));
        let sel_rows = Rows { data: &sel, dim };
        sample_size = sel_rows.len();
        let points = sample_size.min(select::SILHOUETTE_POINTS);
        let sim = select::similarity_block(sel_rows, points);
        for k in select::grid(lo.max(2), hi) {
            let on_sample = |k: usize| -> Vec<usize> {
                let map = select::cut(kl, &merges, k);
                sel_idx.iter().map(|&i| map[live_of[near[i].0]]).collect()
            };
            let labels = on_sample(k);
            // The sub-theme cut of the same tree: is the largest theme a grab-bag?
            let fine = on_sample((SUB_PER_THEME * k).min(kl));
            let silhouette = select::mean_silhouette(&sim, &labels, points, k);
            let (largest_share, giant_generic) =
                select::giant_generic(&sim, &labels, &fine, points, k, silhouette);
            candidates.push(KScore {
                k,
                silhouette,
                largest_share,
                giant_generic,
            });
        }
        select::best(&candidates).unwrap_or(hi)
    } else {
        hi.max(1)
    };

    // 3. Themes: cut, centres from all member rows (their own embeddings:
    //    a theme's mean hardly moves under smoothing). The finer cut of the
    //    same Ward tree (3 × k groups) gives the sub-themes: nested in the
    //    themes' micro-clusters, so a theme's sub-themes split it.
    let map = select::cut(kl, &merges, k);
    let sub_map = select::cut(kl, &merges, (SUB_PER_THEME * k).min(kl));
    let micro_theme = |i: usize| map[live_of[near[i].0]];
    let centres = rows.mean_centres(k, micro_theme);

    // 4. linfa KMeans refines the theme centres on a seeded sample; every
    //    row then joins its nearest refined centre. Without refinement a row
    //    keeps its micro-cluster's theme.
    let refined = if opts.refine_iterations > 0 {
        let ref_idx = sample_idx(refine::REFINE_SAMPLE);
        let mut ref_data = Vec::with_capacity(ref_idx.len() * dim);
        ref_idx
            .iter()
            .for_each(|&i| ref_data.extend_from_slice(&smoothed(i)));
        refine::refine(
            Rows {
                data: &ref_data,
                dim,
            },
            &centres,
            opts.seed,
            opts.refine_iterations,
        )
    } else {
        None
    };
    let refined_used = refined.is_some();
    let theme_of: Vec<usize> = match refined {
        Some(c) => {
            let theme_rows = Rows { data: &c, dim };
            (0..n)
                .into_par_iter()
                .map(|p| kmeans::nearest(&smoothed(p), theme_rows).0)
                .collect()
        }
        None => (0..n).into_par_iter().map(micro_theme).collect(),
    };
    // 5. Final centres: the normalised mean of each theme's own rows; a
    //    row's similarity is to that centre (what saved theme models store).
    let centres = rows.mean_centres(k, |i| theme_of[i]);
    let assigned: Vec<(usize, f32)> = theme_of
        .par_iter()
        .enumerate()
        .map(|(p, &t)| (t, dot(rows.row(p), &centres[t * dim..(t + 1) * dim])))
        .collect();
    let mut sizes = vec![0usize; k];
    assigned.iter().for_each(|&(t, _)| sizes[t] += 1);
    let centre = |c: usize| &centres[c * dim..(c + 1) * dim];
    let mut ids: Vec<usize> = (0..k).filter(|&c| sizes[c] > 0).collect();
    ids.sort_by(|&x, &y| {
        sizes[y].cmp(&sizes[x]).then_with(|| {
            centre(x)
                .iter()
                .zip(centre(y))
                .map(|(p, q)| p.total_cmp(q))
                .find(|o| o.is_ne())
                .unwrap_or(std::cmp::Ordering::Equal)
        })
    });
    let mut new_id = vec![usize::MAX; k];
    ids.iter()
        .enumerate()
        .for_each(|(new, &old)| new_id[old] = new);

    // Back to the caller's row order.
    let mut labels = vec![0usize; n];
    let mut sims = vec![0f32; n];
    let mut sub_labels = vec![0usize; n];
    for (pos, &orig) in order.iter().enumerate() {
        let (t, s) = assigned[pos];
        labels[orig] = new_id[t];
        sims[orig] = s.clamp(-1.0, 1.0);
        sub_labels[orig] = sub_map[live_of[near[pos].0]];
    }
    Clustering {
        labels,
        sims,
        sub_labels,
        selection: KSelection {
            method: method.to_string(),
            range: (lo, hi),
            candidates,
            sample_size,
            chosen: ids.len(),
            micro_clusters: kl,
            refined: refined_used,
        },
    }
}
