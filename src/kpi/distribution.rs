//! What the report's charts draw besides per-period blocks: the backlog at
//! the end of every period and the first-response / resolution histograms.
//!
//! They live in the KPI stage (and in kpis.json) so every number the report
//! shows comes from one computation: the last period's backlog equals
//! `overall.backlog`, and the histogram counts sum to the `count` of the
//! matching [`super::Stats`].

use serde::Serialize;

use super::block::state;
use super::records::{flag, Records};

/// First-response histogram bin edges in minutes (log-ish); the last bin
/// is open-ended.
pub const FRT_EDGES: [f64; 10] = [
    5.0, 15.0, 30.0, 60.0, 120.0, 240.0, 480.0, 1440.0, 2880.0, 4320.0,
];
/// Labels of the first-response bins (one more than the edges).
pub const FRT_LABELS: [&str; 11] = [
    "0–5m", "5–15m", "15–30m", "30m–1h", "1–2h", "2–4h", "4–8h", "8–24h", "1–2d", "2–3d", "3d+",
];
/// Resolution histogram bin edges in hours (log-ish); the last bin is
/// open-ended.
pub const RES_EDGES: [f64; 9] = [1.0, 4.0, 8.0, 24.0, 48.0, 72.0, 168.0, 336.0, 672.0];
/// Labels of the resolution bins.
pub const RES_LABELS: [&str; 10] = [
    "0–1h", "1–4h", "4–8h", "8–24h", "1–2d", "2–3d", "3–7d", "1–2w", "2–4w", "4w+",
];

/// Counts of values per bin: bin `i` holds `edges[i-1] <= x < edges[i]`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Histogram {
    /// Unit of the edges (`min` or `h`).
    pub unit: &'static str,
    /// Bin edges (one fewer than bins).
    pub edges: Vec<f64>,
    /// Bin labels.
    pub labels: Vec<&'static str>,
    /// Values per bin.
    pub counts: Vec<u64>,
}

impl Histogram {
    fn new(unit: &'static str, edges: &[f64], labels: &[&'static str]) -> Histogram {
        Histogram {
            unit,
            edges: edges.to_vec(),
            labels: labels.to_vec(),
            counts: vec![0; labels.len()],
        }
    }

    fn add(&mut self, x: f64) {
        let i = self.edges.partition_point(|e| *e <= x);
        self.counts[i] += 1;
    }

    /// Number of values counted.
    pub fn total(&self) -> u64 {
        self.counts.iter().sum()
    }
}

/// The overall distributions of the two duration KPIs, over exactly the
/// tickets their statistics use (answered by `as_of`; resolved by `as_of`
/// with a resolution time).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Distributions {
    /// Wall-clock first response time, minutes ([`FRT_LABELS`] bins).
    pub first_response_minutes: Histogram,
    /// Wall-clock resolution time, hours ([`RES_LABELS`] bins).
    pub resolution_hours: Histogram,
}

/// Histograms of the records' durations given their states at `as_of`.
pub(crate) fn distributions(r: &Records, states: &[u8]) -> Distributions {
    let mut d = Distributions {
        first_response_minutes: Histogram::new("min", &FRT_EDGES, &FRT_LABELS),
        resolution_hours: Histogram::new("h", &RES_EDGES, &RES_LABELS),
    };
    for (i, &st) in states.iter().enumerate() {
        if st & state::RESPONDED != 0 {
            d.first_response_minutes.add(r.frt[i]);
        }
        if st & state::RESOLVED != 0 && r.res[i].is_finite() {
            d.resolution_hours.add(r.res[i]);
        }
    }
    d
}

/// Tickets open at each instant of `xs` (ms): created at or before it and
/// neither resolved nor closed without resolution by it, with the same
/// rule (and 0.5 ms tolerance) as the states at `as_of`, so the value at
/// `as_of` equals `overall.backlog`. One sort, then a binary search per
/// instant: linear in tickets whatever the number of periods.
pub(crate) fn open_at(r: &Records, xs: &[i64]) -> Vec<u64> {
    let mut created = r.created.clone();
    created.sort_unstable();
    // A closed record has left the backlog at x when `key <= x`
    // (`res_ms <= x - c + 0.5`; without a resolution time, from creation).
    let mut closed: Vec<f64> = (0..r.len())
        .filter(|&i| r.flags[i] & (flag::RESOLVED | flag::TERMINAL) != 0)
        .map(|i| {
            let c = r.created[i] as f64;
            let res = r.res[i];
            if res.is_nan() {
                c
            } else {
                c + (res * 3_600_000.0).max(0.0) - 0.5
            }
        })
        .collect();
    closed.sort_unstable_by(f64::total_cmp);
    xs.iter()
        .map(|&x| {
            let made = created.partition_point(|&c| c <= x);
            let gone = closed.partition_point(|&k| k <= x as f64);
            made.saturating_sub(gone) as u64
        })
        .collect()
}
