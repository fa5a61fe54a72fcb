//! Which periods the charts over time draw, and their values.
//!
//! An export is often mostly one dense stretch plus a few stray tickets
//! years earlier (a test ticket, a migrated archive, a clock error). Drawn
//! as is, the real data is a sliver at the right edge of a four-year axis.
//! So the axis covers the dense range: periods are dropped from either end
//! while they are sparse (fewer tickets than a tenth of the period that
//! holds the median ticket) and together hold at most [`SPARSE_SHARE`] of the tickets; one
//! line says what was left out. Per-period rates are not drawn for periods
//! with too few observations to mean anything.

use crate::kpi::{KpiBlock, KpiReport};

/// Most tickets (as a share of all) the charts may leave out at the ends.
pub const SPARSE_SHARE: f64 = 0.01;
/// A period's CSAT rate is drawn only with at least this many answers.
pub const MIN_CSAT_ANSWERS: u64 = 5;
/// A period's sentiment mix is drawn only with at least this many
/// classified tickets.
pub const MIN_PREDICTIONS: u64 = 10;

/// The charted periods of a KPI report (oldest first).
#[derive(Debug, Clone, Default)]
pub struct Timeline<'a> {
    /// Period keys drawn.
    pub keys: Vec<String>,
    /// Their KPI blocks (`kpis.json` → `periods`).
    pub blocks: Vec<&'a KpiBlock>,
    /// Tickets in the periods left out before the first drawn one.
    pub before: u64,
    /// Tickets in the periods left out after the last drawn one.
    pub after: u64,
}

impl<'a> Timeline<'a> {
    /// The dense range of `k.periods` (see the module docs).
    pub fn dense(k: &'a KpiReport) -> Timeline<'a> {
        let all: Vec<(&String, &KpiBlock)> = k.periods.iter().collect();
        let total: u64 = all.iter().map(|(_, b)| b.tickets).sum();
        // The size of a typical period as the tickets see it: the period
        // holding the median ticket (a plain median of busy periods would
        // be a stray week's 1 when strays outnumber the real weeks).
        let mut sizes: Vec<u64> = all.iter().map(|(_, b)| b.tickets).collect();
        sizes.sort_unstable();
        let mut seen = 0u64;
        let median = sizes
            .iter()
            .copied()
            .find(|&n| {
                seen += n;
                seen * 2 >= total
            })
            .unwrap_or(0);
        let sparse = |n: u64| (n as f64) < median as f64 / 10.0;
        let budget = (total as f64 * SPARSE_SHARE).floor() as u64;
        let (mut lo, mut hi) = (0usize, all.len());
        let (mut before, mut after) = (0u64, 0u64);
        while hi - lo > 1 {
            let (first, last) = (all[lo].1.tickets, all[hi - 1].1.tickets);
            let dropped = before + after;
            // The sparser end first; stop when neither end may go.
            let front_ok = sparse(first) && dropped + first <= budget;
            let back_ok = sparse(last) && dropped + last <= budget;
            if front_ok && (!back_ok || first <= last) {
                before += first;
                lo += 1;
            } else if back_ok {
                after += last;
                hi -= 1;
            } else {
                break;
            }
        }
        let kept = &all[lo..hi];
        Timeline {
            keys: kept.iter().map(|(key, _)| (*key).clone()).collect(),
            blocks: kept.iter().map(|(_, b)| *b).collect(),
            before,
            after,
        }
    }

    /// One line on what the charts leave out (empty when nothing).
    pub fn note(&self) -> String {
        let n = |x: u64| crate::report::html::format::count(Some(x as f64));
        let mut parts = Vec::new();
        if let (true, Some(first)) = (self.before > 0, self.keys.first()) {
            parts.push(format!("{} tickets before {first}", n(self.before)));
        }
        if let (true, Some(last)) = (self.after > 0, self.keys.last()) {
            parts.push(format!("{} tickets after {last}", n(self.after)));
        }
        if parts.is_empty() {
            return String::new();
        }
        format!(
            "{} are not charted: they fall in sparse periods at the edges of the data (they are in every total).",
            parts.join(" and ")
        )
    }

    /// Tickets open at the end of each drawn period; `None` when the
    /// export says nothing about resolution.
    pub fn backlog(&self, k: &KpiReport) -> Option<Vec<f64>> {
        if k.backlog_at_period_end.is_empty() {
            return None;
        }
        Some(
            self.keys
                .iter()
                .map(|key| {
                    k.backlog_at_period_end
                        .get(key)
                        .map_or(f64::NAN, |&b| b as f64)
                })
                .collect(),
        )
    }

    /// CSAT rate per drawn period (NaN below [`MIN_CSAT_ANSWERS`]).
    pub fn csat(&self) -> Vec<f64> {
        self.blocks
            .iter()
            .map(|b| {
                b.csat_rate
                    .filter(|_| b.csat_responses >= MIN_CSAT_ANSWERS)
                    .unwrap_or(f64::NAN)
            })
            .collect()
    }

    /// Negative, neutral and positive shares per drawn period (NaN below
    /// [`MIN_PREDICTIONS`]).
    pub fn sentiment(&self) -> [Vec<f64>; 3] {
        let get = |f: fn(&KpiBlock) -> Option<f64>| -> Vec<f64> {
            self.blocks
                .iter()
                .map(|b| {
                    f(b).filter(|_| b.predictions >= MIN_PREDICTIONS)
                        .unwrap_or(f64::NAN)
                })
                .collect()
        };
        [
            get(|b| b.negative_share),
            get(|b| b.neutral_share),
            get(|b| b.positive_share),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(counts: &[u64]) -> KpiReport {
        let mut k = crate::kpi::compute(std::iter::empty(), &crate::kpi::KpiOptions::default());
        for (i, &n) in counts.iter().enumerate() {
            let b = KpiBlock {
                tickets: n,
                ..Default::default()
            };
            k.periods.insert(format!("2017-W{:02}", i + 1), b);
        }
        k
    }

    #[test]
    fn strays_that_outnumber_the_real_weeks_still_go() {
        // 20 weeks with one stray ticket each, then 8 real weeks: the
        // median busy week is a stray one, the median ticket's is not.
        let mut counts = vec![1; 20];
        counts.extend([1200, 1500, 1600, 1700, 1500, 1400, 1600, 1500]);
        let k = report(&counts);
        let t = Timeline::dense(&k);
        assert_eq!((t.keys.len(), t.before), (8, 20));
    }

    #[test]
    fn stray_early_periods_are_left_out_and_said() {
        // 3 stray tickets in W01–W03, a gap, then 1,000 a week: the stray
        // ones (0.2 %) go, the gap goes with them.
        let mut counts = vec![1, 1, 0, 1, 0, 0];
        counts.extend([900, 1000, 1100, 1000, 950]);
        let k = report(&counts);
        let t = Timeline::dense(&k);
        assert_eq!(t.keys.first().map(String::as_str), Some("2017-W07"));
        assert_eq!((t.before, t.after, t.keys.len()), (3, 0, 5));
        assert_eq!(
            t.note(),
            "3 tickets before 2017-W07 are not charted: they fall in sparse periods at the edges of the data (they are in every total)."
        );
    }

    #[test]
    fn a_partial_first_week_and_even_data_stay() {
        // A first week with 40 % of a usual week is not sparse.
        let k = report(&[400, 1000, 1000, 1000, 1000, 990]);
        let t = Timeline::dense(&k);
        assert_eq!((t.keys.len(), t.before, t.after), (6, 0, 0));
        assert!(t.note().is_empty());
        // Slow weeks that are not sparse stay.
        let k = report(&[300, 300, 1000, 1000, 1000]);
        assert_eq!(Timeline::dense(&k).keys.len(), 5);
        // At most 1 % of the tickets go: here one of three sparse weeks.
        let k = report(&[30, 30, 30, 1000, 1000, 1000]);
        let t = Timeline::dense(&k);
        assert_eq!((t.keys.len(), t.before), (5, 30));
    }

    #[test]
    fn rates_need_enough_observations() {
        let mut k = report(&[20, 20]);
        for (i, b) in k.periods.values_mut().enumerate() {
            b.csat_rate = Some(0.5);
            b.csat_responses = [4, 5][i];
            b.negative_share = Some(0.2);
            b.predictions = [20, 9][i];
        }
        let t = Timeline::dense(&k);
        let csat = t.csat();
        assert!(csat[0].is_nan() && csat[1] == 0.5);
        let [neg, _, _] = t.sentiment();
        assert!(neg[0] == 0.2 && neg[1].is_nan());
        assert!(t.backlog(&k).is_none());
    }
}
