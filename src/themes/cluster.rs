//! The clustering pipeline: canonical order → k selection → fit → merge →
//! assign every row.
//!
//! Determinism: rows are first sorted by a content key (ticket id, text hash,
//! embedding hash), and every sample and seed is drawn from that canonical
//! order with a seeded RNG, so the same tickets in any input order, with any
//! number of threads, give the same themes.

use super::kmeans::{self, assign, normalize, Rows};
use super::select::{self, KScore, KSelection};
use super::ThemeOptions;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// Rows used to fit the centres; all rows are then assigned to them and the
/// centres refined once on all rows.
pub const FIT_SAMPLE: usize = 25_000;
/// Lloyd iterations on the fit sample.
pub const MAX_ITER: usize = 60;

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

/// Result of clustering the selected rows.
pub(crate) struct Clustering {
    /// Theme of each row (indexed like the `rows` given), themes numbered by
    /// size desc then centre.
    pub labels: Vec<usize>,
    /// Cosine similarity of each row to its theme centre.
    pub sims: Vec<f32>,
    /// How k was chosen.
    pub selection: KSelection,
}

/// Cluster `data` (row-major, `dim` wide); `keys[i]` is row i's content key.
pub(crate) fn cluster(
    data: &[f32],
    dim: usize,
    keys: &[(&str, u64, u64)],
    opts: &ThemeOptions,
) -> Clustering {
    let n = keys.len();
    // Canonical order.
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| keys[a].cmp(&keys[b]));
    let mut canon = Vec::with_capacity(n * dim);
    for &i in &order {
        canon.extend_from_slice(&data[i * dim..(i + 1) * dim]);
    }
    let rows = Rows { data: &canon, dim };
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(opts.seed);
    let sample_rows = |m: usize, rng: &mut Xoshiro256PlusPlus| -> Vec<f32> {
        let idx = if m >= n {
            (0..n).collect()
        } else {
            rand::seq::index::sample(rng, n, m).into_vec()
        };
        let mut out = Vec::with_capacity(idx.len() * dim);
        idx.iter().for_each(|&i| out.extend_from_slice(rows.row(i)));
        out
    };

    // 1. k.
    let (range, candidates, method, sel_size) = if let Some(k) = opts.k {
        let k = k.clamp(1, n.max(1));
        ((k, k), Vec::<KScore>::new(), "fixed", 0)
    } else {
        let (lo, hi) = opts.k_range.unwrap_or_else(|| select::default_range(n));
        let (lo, hi) = (lo.clamp(1, n.max(1)), hi.clamp(1, n.max(1)));
        let (lo, hi) = (lo.min(hi), hi.max(lo));
        if hi < 2 || n < 3 {
            ((1, 1), Vec::new(), "trivial", 0)
        } else {
            let sel = sample_rows(select::SELECT_SAMPLE, &mut rng);
            let sel_rows = Rows { data: &sel, dim };
            let scores =
                select::score_candidates(sel_rows, &select::grid(lo.max(2), hi), opts.seed);
            ((lo, hi), scores, "silhouette", sel_rows.len())
        }
    };
    let k = match method {
        "silhouette" => select::best(&candidates).unwrap_or(range.1),
        _ => range.1,
    };

    // 2. Fit on a sample (all rows when small).
    let fit_data = if n > FIT_SAMPLE {
        sample_rows(FIT_SAMPLE, &mut rng)
    } else {
        canon.clone()
    };
    let fit = kmeans::fit(
        Rows {
            data: &fit_data,
            dim,
        },
        k,
        opts.seed,
        MAX_ITER,
    );
    let mut centres = fit.centres;

    // 3. Merge near-duplicate centres (weighted by fitted sizes).
    let k_fit = centres.len() / dim.max(1);
    let map = select::merge_map(
        Rows {
            data: &centres,
            dim,
        },
        opts.merge_cosine,
    );
    let k_merged = map.iter().max().map_or(0, |m| m + 1);
    if k_merged < k_fit {
        let mut sizes = vec![0f64; k_fit];
        fit.labels.iter().for_each(|&l| sizes[l] += 1.0);
        let mut merged = vec![0f32; k_merged * dim];
        for c in 0..k_fit {
            let dst = &mut merged[map[c] * dim..(map[c] + 1) * dim];
            dst.iter_mut()
                .zip(&centres[c * dim..(c + 1) * dim])
                .for_each(|(d, s)| *d += s * sizes[c] as f32);
        }
        merged.chunks_mut(dim).for_each(normalize);
        centres = merged;
    }

    // 4. Assign all rows; when the fit used a sample, refine the centres once
    //    on all rows and assign again.
    let mut a = assign(
        rows,
        Rows {
            data: &centres,
            dim,
        },
    );
    if n > fit_data.len() / dim.max(1) {
        let kc = centres.len() / dim;
        let mut sums = vec![0f64; kc * dim];
        let mut counts = vec![0usize; kc];
        for (i, (l, _)) in a.iter().enumerate() {
            counts[*l] += 1;
            sums[l * dim..(l + 1) * dim]
                .iter_mut()
                .zip(rows.row(i))
                .for_each(|(s, x)| *s += *x as f64);
        }
        for c in 0..kc {
            if counts[c] > 0 {
                let dst = &mut centres[c * dim..(c + 1) * dim];
                dst.iter_mut()
                    .zip(&sums[c * dim..(c + 1) * dim])
                    .for_each(|(d, s)| *d = *s as f32);
                normalize(dst);
            }
        }
        a = assign(
            rows,
            Rows {
                data: &centres,
                dim,
            },
        );
    }

    // 5. Drop empty centres; number themes by size desc, then centre values.
    let kc = centres.len() / dim.max(1);
    let mut sizes = vec![0usize; kc];
    a.iter().for_each(|(l, _)| sizes[*l] += 1);
    let mut ids: Vec<usize> = (0..kc).filter(|&c| sizes[c] > 0).collect();
    let centre = |c: usize| &centres[c * dim..(c + 1) * dim];
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
    let mut new_id = vec![usize::MAX; kc];
    ids.iter()
        .enumerate()
        .for_each(|(new, &old)| new_id[old] = new);

    // Back to the caller's row order.
    let mut labels = vec![0usize; n];
    let mut sims = vec![0f32; n];
    for (pos, &orig) in order.iter().enumerate() {
        labels[orig] = new_id[a[pos].0];
        sims[orig] = a[pos].1.clamp(-1.0, 1.0);
    }
    Clustering {
        labels,
        sims,
        selection: KSelection {
            method: method.to_string(),
            range,
            candidates,
            sample_size: sel_size,
            chosen: k,
            after_merge: ids.len(),
        },
    }
}
