//! Summary statistics of a duration sample (mean, median, p90, count).
//!
//! Quantiles use linear interpolation between closest ranks — numpy's default
//! (`method="linear"`) and what spreadsheets call `PERCENTILE.INC` — so a
//! support lead can reproduce every figure in a spreadsheet.

use serde::{Deserialize, Serialize};

/// Mean / median / p90 of a sample; all `None` (JSON `null`) when empty.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Stats {
    /// Arithmetic mean.
    pub mean: Option<f64>,
    /// Median (the 0.5 quantile, linear interpolation).
    pub median: Option<f64>,
    /// 90th percentile (linear interpolation between closest ranks).
    pub p90: Option<f64>,
    /// Sample size.
    pub count: u64,
}

impl Stats {
    /// Statistics of `values` (reordered in place; non-finite values must
    /// already have been filtered out by the caller).
    pub fn of(values: &mut [f64]) -> Stats {
        if values.is_empty() {
            return Stats::default();
        }
        let n = values.len();
        let mean = values.iter().sum::<f64>() / n as f64;
        let mid = 0.5 * (n - 1) as f64;
        let median = at_position(values, mid);
        // Selecting the median leaves the upper order statistics at
        // `lo..`: the 90th percentile is among them, so select there only.
        let lo = mid.floor() as usize;
        let p90 = at_position(&mut values[lo..], 0.9 * (n - 1) as f64 - lo as f64);
        Stats {
            mean: Some(mean),
            median: Some(median),
            p90: Some(p90),
            count: n as u64,
        }
    }
}

/// Linear-interpolation quantile of sorted data (numpy's default method).
pub fn quantile_sorted(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let pos = q.clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    Some(sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64))
}

/// Same as [`quantile_sorted`] on unsorted data, by selection (O(n)): the
/// slice is reordered. Selection instead of sorting keeps 1M-ticket groups
/// cheap.
pub fn quantile_mut(values: &mut [f64], q: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let pos = q.clamp(0.0, 1.0) * (values.len() - 1) as f64;
    Some(at_position(values, pos))
}

/// The value at fractional sorted position `pos` (0 ≤ pos ≤ len − 1),
/// interpolated linearly between its neighbours; reorders `values` so that
/// the element at `floor(pos)` is in place with smaller ones before it.
fn at_position(values: &mut [f64], pos: f64) -> f64 {
    let pos = pos.clamp(0.0, (values.len() - 1) as f64);
    let lo = pos.floor() as usize;
    let frac = pos - lo as f64;
    let (_, lo_v, right) = values.select_nth_unstable_by(lo, f64::total_cmp);
    let lo_v = *lo_v;
    if frac == 0.0 || right.is_empty() {
        return lo_v;
    }
    let hi_v = right.iter().copied().fold(f64::INFINITY, f64::min);
    lo_v + (hi_v - lo_v) * frac
}

/// The median of `values` (the mean of the two middle values for an even
/// count; reordered in place); `None` when empty. Non-finite values must be
/// filtered out by the caller.
pub fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let (mid, odd) = (values.len() / 2, values.len() % 2 == 1);
    let (below, m, _) = values.select_nth_unstable_by(mid, f64::total_cmp);
    let m = *m;
    Some(if odd {
        m
    } else {
        let lower = below.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        (lower + m) / 2.0
    })
}

/// The arithmetic mean; `None` when empty.
pub fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

/// `num / den`, or `None` when the denominator is zero (absent data is
/// never reported as a 0 % rate).
pub fn ratio(num: u64, den: u64) -> Option<f64> {
    (den > 0).then(|| num as f64 / den as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_mean_by_hand() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&mut []), None);
        assert_eq!(mean(&[1.0, 2.0, 6.0]), Some(3.0));
        assert_eq!(mean(&[]), None);
    }

    #[test]
    fn quantiles_match_numpy_linear() {
        // numpy.percentile([1, 2, 3, 4], [50, 90]) == [2.5, 3.7]
        let mut v = vec![4.0, 1.0, 3.0, 2.0];
        let s = Stats::of(&mut v);
        assert_eq!(s.mean, Some(2.5));
        assert_eq!(s.median, Some(2.5));
        assert!((s.p90.unwrap() - 3.7).abs() < 1e-12);
        assert_eq!(s.count, 4);
    }

    #[test]
    fn ties_and_single_values() {
        // numpy.percentile([5, 5, 5, 10], [50, 90]) == [5, 8.5]
        let mut v = vec![5.0, 10.0, 5.0, 5.0];
        let s = Stats::of(&mut v);
        assert_eq!(s.median, Some(5.0));
        assert!((s.p90.unwrap() - 8.5).abs() < 1e-12);
        let mut one = vec![7.0];
        let s = Stats::of(&mut one);
        assert_eq!(
            (s.mean, s.median, s.p90, s.count),
            (Some(7.0), Some(7.0), Some(7.0), 1)
        );
    }

    #[test]
    fn empty_sample_is_all_null() {
        let s = Stats::of(&mut []);
        assert_eq!(
            s,
            Stats {
                mean: None,
                median: None,
                p90: None,
                count: 0
            }
        );
        assert_eq!(
            serde_json::to_string(&s).unwrap(),
            r#"{"mean":null,"median":null,"p90":null,"count":0}"#
        );
        assert_eq!(ratio(0, 0), None);
        assert_eq!(ratio(0, 3), Some(0.0));
    }

    #[test]
    fn selection_agrees_with_sorting() {
        let mut v: Vec<f64> = (0..1001)
            .map(|i| ((i * 7919) % 1009) as f64 / 3.0)
            .collect();
        let mut sorted = v.clone();
        sorted.sort_by(f64::total_cmp);
        for q in [0.0, 0.1, 0.5, 0.9, 0.99, 1.0] {
            assert_eq!(quantile_mut(&mut v, q), quantile_sorted(&sorted, q));
        }
    }
}
