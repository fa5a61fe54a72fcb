//! Small sampling helpers on top of the rand 0.8 `Rng` trait.
//!
//! Kept local (Box–Muller instead of rand_distr) so the generator depends only
//! on crates the project already lists, and so every draw is explicit: the
//! number of RNG calls per ticket is what makes worlds reproducible.

use rand::Rng;

/// Standard normal draw (Box–Muller, one value per call for simplicity).
pub(super) fn normal<R: Rng>(rng: &mut R) -> f64 {
    let u1: f64 = rng.gen::<f64>().max(1e-300);
    let u2: f64 = rng.gen();
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

/// Log-normal draw with the given median and log-space sigma.
pub(super) fn lognormal<R: Rng>(rng: &mut R, median: f64, sigma: f64) -> f64 {
    median * (sigma * normal(rng)).exp()
}

/// True with probability `p` (clamped to 0..=1).
pub(super) fn chance<R: Rng>(rng: &mut R, p: f64) -> bool {
    rng.gen::<f64>() < p.clamp(0.0, 1.0)
}

/// Index drawn proportionally to `weights` (all zero → index 0).
pub(super) fn weighted<R: Rng>(rng: &mut R, weights: &[f64]) -> usize {
    let total: f64 = weights.iter().sum();
    if total <= 0.0 || weights.is_empty() {
        return 0;
    }
    let mut x = rng.gen::<f64>() * total;
    for (i, w) in weights.iter().enumerate() {
        if x < *w {
            return i;
        }
        x -= w;
    }
    weights.len() - 1
}

/// Uniform pick from a non-empty slice.
pub(super) fn pick<'a, R: Rng, T>(rng: &mut R, items: &'a [T]) -> &'a T {
    &items[rng.gen_range(0..items.len())]
}

/// Logistic function.
pub(super) fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// Fast repeated weighted sampling over many items: cumulative sums plus a
/// binary search, O(log n) per draw (customers can number 100k).
pub(super) struct Cumulative {
    cum: Vec<f64>,
}

impl Cumulative {
    /// Build from non-negative weights.
    pub(super) fn new(weights: &[f64]) -> Self {
        let mut acc = 0.0;
        let cum = weights
            .iter()
            .map(|w| {
                acc += w.max(0.0);
                acc
            })
            .collect();
        Cumulative { cum }
    }

    /// Draw an index (requires at least one item).
    pub(super) fn draw<R: Rng>(&self, rng: &mut R) -> usize {
        let total = self.cum.last().copied().unwrap_or(0.0);
        let x = rng.gen::<f64>() * total;
        self.cum
            .partition_point(|c| *c <= x)
            .min(self.cum.len().saturating_sub(1))
    }
}
