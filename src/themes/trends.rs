//! Theme volume per period and "what is getting worse" ranking.
//!
//! **Trends are relative to volume.** A desk that grows, a migration, a
//! seasonal peak or an export that starts mid-month makes every theme's
//! *count* rise; what matters is whether a theme takes a larger **share** of
//! the tickets. So a theme's tickets in the recent window are tested against
//! its tickets in a baseline window of comparable periods (the
//! [`baseline_periods`] before it, leaving out periods with almost no data,
//! which would otherwise dilute the baseline), with the total volume of each
//! window as the exposure: conditional on the theme's total `n = x + y`, the
//! recent count is `Binomial(n, N₁ / (N₁ + N₀))` under "same share"
//! (`N₁`, `N₀` = all clustered tickets of the recent and baseline windows).
//! One-sided exact p-value `P(X ≥ x)`, z = (x − nπ₀) / √(nπ₀(1 − π₀)), and
//! the share ratio `((x + ½)/N₁) / ((y + ½)/N₀)` as `growth`. Shares need no
//! partial-period correction: a half-covered last week holds half of every
//! theme.
//!
//! The count growth (tickets per full period, recent vs baseline, with each
//! period's exposure = the fraction of its days the data covers) is
//! reported beside it as `count_growth`, so a reader sees both "more
//! tickets" and "a larger part of the tickets".

use crate::period::Period;
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use statrs::distribution::{Binomial, DiscreteCDF};

/// One theme in one period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrendRow {
    /// Theme id.
    pub theme: usize,
    /// Theme label.
    pub label: String,
    /// Period key (`2025-W07`, `2025-02`, `2025-02-14`).
    pub period: String,
    /// Tickets of the theme created in the period.
    pub count: u64,
    /// Share of the period's themed tickets (None when the period has none).
    pub share: Option<f64>,
    /// Share of the theme's tickets in the period predicted negative (None
    /// when none has a prediction).
    pub negative_share: Option<f64>,
    /// Share ratio of this period against the baseline periods before it
    /// (see the module docs; 0.5 added to both counts so it stays finite).
    pub growth: Option<f64>,
    /// z of this period's count against the baseline share.
    pub z: Option<f64>,
    /// One-sided p-value that the share went up.
    pub p: Option<f64>,
}

/// A theme that is growing now, for the ranked list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trending {
    /// Theme id.
    pub theme: usize,
    /// Theme label.
    pub label: String,
    /// Periods counted as "recent" (first and last key).
    pub recent: (String, String),
    /// Tickets in the recent periods.
    pub recent_count: u64,
    /// Tickets in the baseline periods.
    pub baseline_count: u64,
    /// Recent tickets per full period.
    pub recent_rate: f64,
    /// Baseline tickets per full period.
    pub baseline_rate: f64,
    /// Share of all clustered tickets in the recent periods.
    pub recent_share: f64,
    /// Share of all clustered tickets in the baseline periods.
    pub baseline_share: f64,
    /// Share ratio recent / baseline (0.5 added to both counts): what the
    /// list is ranked and tested by.
    pub growth: f64,
    /// Count ratio: recent tickets per full period / baseline tickets per
    /// full period (0.5 added to both counts).
    pub count_growth: f64,
    /// Baseline periods used (at most `baseline_periods`; sparse ones
    /// left out).
    pub baseline_periods: usize,
    /// z-score of the recent count under the baseline share.
    pub z: f64,
    /// One-sided exact p-value of the share test.
    pub p: f64,
    /// Negative share in the recent periods.
    pub negative_share_recent: Option<f64>,
    /// Negative share in the baseline periods.
    pub negative_share_baseline: Option<f64>,
}

/// How many trailing periods count as "recent": 2 weeks, 1 month, 7 days.
pub fn recent_periods(period: Period) -> usize {
    match period {
        Period::Day => 7,
        Period::Week => 2,
        Period::Month => 1,
    }
}

/// Periods before the recent window that form the baseline: about half a
/// year (26 weeks, 8 weeks of days, 12 months). Long enough that a surge
/// which began a few periods before the recent window is not most of its
/// own baseline, short enough to describe the desk as it is now. Shares are
/// pooled (tickets over tickets), so a quiet period weighs little.
pub fn baseline_periods(period: Period) -> usize {
    match period {
        Period::Day => 56,
        Period::Week => 26,
        Period::Month => 12,
    }
}

/// A baseline period with fewer clustered tickets than this fraction of
/// the median baseline period is left out (almost no data: a stray ticket
/// months before the export really starts).
pub const SPARSE_BASELINE: f64 = 0.1;

/// The baseline periods for a window starting at period `cut`: up to
/// `len` before it, without sparse ones.
fn baseline(total: &[u64], cut: usize, len: usize) -> Vec<usize> {
    let cand: Vec<usize> = (cut.saturating_sub(len)..cut).collect();
    let mut vols: Vec<u64> = cand.iter().map(|&p| total[p]).collect();
    vols.sort_unstable();
    let median = vols.get(vols.len() / 2).copied().unwrap_or(0) as f64;
    cand.into_iter()
        .filter(|&p| total[p] > 0 && total[p] as f64 >= SPARSE_BASELINE * median)
        .collect()
}

/// `(growth, z, p)` of `x` events over exposure `e1` against `y` over `e0`.
pub fn rate_test(x: u64, e1: f64, y: u64, e0: f64) -> Option<(f64, f64, f64)> {
    if e1 <= 0.0 || e0 <= 0.0 {
        return None;
    }
    let growth = ((x as f64 + 0.5) / e1) / ((y as f64 + 0.5) / e0);
    let n = x + y;
    if n == 0 {
        return Some((growth, 0.0, 1.0));
    }
    let pi = e1 / (e1 + e0);
    let var = n as f64 * pi * (1.0 - pi);
    let z = if var > 0.0 {
        (x as f64 - n as f64 * pi) / var.sqrt()
    } else {
        0.0
    };
    let p = if x == 0 {
        1.0
    } else {
        Binomial::new(pi, n)
            .map(|b| b.sf(x - 1))
            .unwrap_or(f64::NAN)
    };
    Some((growth, z, p.clamp(0.0, 1.0)))
}

/// One clustered ticket as the trend stage sees it.
pub(crate) struct Event {
    pub theme: usize,
    pub at: DateTime<Utc>,
    /// Some(true) when predicted negative, None without a prediction.
    pub negative: Option<bool>,
}

/// Settings of the trend stage.
pub(crate) struct TrendSettings<'a> {
    pub period: Period,
    pub tz: Tz,
    /// Data span (local dates, inclusive), from all input tickets.
    pub span: (NaiveDate, NaiveDate),
    pub labels: &'a [String],
    pub min_count: u64,
    pub alpha: f64,
}

fn ratio(a: u64, b: u64) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

/// Per-period rows (every theme × every period, empty periods included) and
/// the ranked trending list.
pub(crate) fn compute(events: &[Event], s: &TrendSettings<'_>) -> (Vec<TrendRow>, Vec<Trending>) {
    let keys = s.period.range(s.span.0, s.span.1);
    let np = keys.len();
    let k = s.labels.len();
    // Exposure: covered days / days in the period.
    let mut exposure = Vec::with_capacity(np);
    let mut start = s.period.start_of(s.span.0);
    for _ in 0..np {
        let next = s.period.next_start(start);
        let len = (next - start).num_days() as f64;
        let lo = start.max(s.span.0);
        let hi = (next - chrono::Duration::days(1)).min(s.span.1);
        exposure.push(((hi - lo).num_days() + 1).max(0) as f64 / len);
        start = next;
    }
    let index: std::collections::HashMap<&str, usize> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| (k.as_str(), i))
        .collect();
    let mut count = vec![vec![0u64; np]; k];
    let mut neg = vec![vec![0u64; np]; k];
    let mut judged = vec![vec![0u64; np]; k];
    let mut total = vec![0u64; np];
    for e in events {
        let Some(&p) = index.get(s.period.key(e.at, s.tz).as_str()) else {
            continue;
        };
        count[e.theme][p] += 1;
        total[p] += 1;
        if let Some(n) = e.negative {
            judged[e.theme][p] += 1;
            neg[e.theme][p] += n as u64;
        }
    }
    let mut rows = Vec::with_capacity(k * np);
    let blen = baseline_periods(s.period);
    let bases: Vec<Vec<usize>> = (0..np).map(|p| baseline(&total, p, blen)).collect();
    for t in 0..k {
        for p in 0..np {
            let base = &bases[p];
            let y: u64 = base.iter().map(|&b| count[t][b]).sum();
            let n0: u64 = base.iter().map(|&b| total[b]).sum();
            let test = if base.is_empty() || total[p] == 0 {
                None
            } else {
                rate_test(count[t][p], total[p] as f64, y, n0 as f64)
            };
            rows.push(TrendRow {
                theme: t,
                label: s.labels[t].clone(),
                period: keys[p].clone(),
                count: count[t][p],
                share: ratio(count[t][p], total[p]),
                negative_share: ratio(neg[t][p], judged[t][p]),
                growth: test.map(|v| v.0),
                z: test.map(|v| v.1),
                p: test.map(|v| v.2),
            });
        }
    }
    let l = recent_periods(s.period);
    let mut trending = Vec::new();
    let base = if np > l {
        baseline(&total, np - l, blen)
    } else {
        Vec::new()
    };
    if !base.is_empty() {
        let cut = np - l;
        let e1: f64 = exposure[cut..].iter().sum();
        let e0: f64 = base.iter().map(|&b| exposure[b]).sum();
        let n1: u64 = total[cut..].iter().sum();
        let n0: u64 = base.iter().map(|&b| total[b]).sum();
        for t in 0..k {
            let x: u64 = count[t][cut..].iter().sum();
            let y: u64 = base.iter().map(|&b| count[t][b]).sum();
            let Some((growth, z, p)) = rate_test(x, n1 as f64, y, n0 as f64) else {
                continue;
            };
            let count_growth = rate_test(x, e1, y, e0).map_or(f64::NAN, |v| v.0);
            if x < s.min_count || growth <= 1.0 || p >= s.alpha {
                continue;
            }
            trending.push(Trending {
                theme: t,
                label: s.labels[t].clone(),
                recent: (keys[cut].clone(), keys[np - 1].clone()),
                recent_count: x,
                baseline_count: y,
                recent_rate: x as f64 / e1,
                baseline_rate: y as f64 / e0,
                recent_share: x as f64 / n1.max(1) as f64,
                baseline_share: y as f64 / n0.max(1) as f64,
                growth,
                count_growth,
                baseline_periods: base.len(),
                z,
                p,
                negative_share_recent: ratio(
                    neg[t][cut..].iter().sum(),
                    judged[t][cut..].iter().sum(),
                ),
                negative_share_baseline: ratio(
                    base.iter().map(|&b| neg[t][b]).sum(),
                    base.iter().map(|&b| judged[t][b]).sum(),
                ),
            });
        }
    }
    trending.sort_by(|a, b| b.z.total_cmp(&a.z).then(a.theme.cmp(&b.theme)));
    (rows, trending)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn rate_test_matches_hand_values() {
        // x=6 over 2 periods vs y=8 over 8: π0 = 0.2, n = 14, mean 2.8, var 2.24.
        let (g, z, p) = rate_test(6, 2.0, 8, 8.0).unwrap();
        assert!((g - (6.5 / 2.0) / (8.5 / 8.0)).abs() < 1e-12);
        assert!((z - 3.2 / 2.24f64.sqrt()).abs() < 1e-12);
        // P(Bin(14, 0.2) ≥ 6) = 0.0439 (hand-summed pmf: 1 − P(≤5) = 1 − 0.956146).
        assert!((p - 0.043_854).abs() < 1e-5, "{p}");
        assert!(rate_test(1, 0.0, 1, 1.0).is_none());
    }

    fn day(d: u32) -> DateTime<Utc> {
        // 2025-01-06 is a Monday.
        Utc.with_ymd_and_hms(2025, 1, 6, 12, 0, 0).unwrap() + chrono::Duration::days(d as i64)
    }

    #[test]
    fn surge_ranks_first_and_tiny_theme_does_not_trend() {
        // 10 full weeks. Theme 0: 30/week then 90/week in the last 2 weeks.
        // Theme 1: steady 30/week. Theme 2: 1/week then 3/week.
        let mut ev = Vec::new();
        for w in 0..10u32 {
            let (a, c) = if w >= 8 { (90, 3) } else { (30, 1) };
            for (theme, n) in [(0, a), (1, 30), (2, c)] {
                for i in 0..n {
                    ev.push(Event {
                        theme,
                        at: day(w * 7 + i % 7),
                        negative: Some(i % 2 == 0),
                    });
                }
            }
        }
        let labels = vec!["a".to_string(), "b".into(), "c".into()];
        let s = TrendSettings {
            period: Period::Week,
            tz: chrono_tz::UTC,
            span: (day(0).date_naive(), day(69).date_naive()),
            labels: &labels,
            min_count: 10,
            alpha: 0.01,
        };
        let (rows, trending) = compute(&ev, &s);
        assert_eq!(rows.len(), 3 * 10);
        assert_eq!(trending.len(), 1);
        assert_eq!(trending[0].theme, 0);
        assert_eq!(trending[0].recent_count, 180);
        assert_eq!(
            trending[0].recent,
            ("2025-W10".to_string(), "2025-W11".to_string())
        );
        assert!((trending[0].baseline_rate - 30.0).abs() < 1e-9);
        // Per-period row of theme 0 in week 9: 90 vs 8 weeks × 30.
        let r = rows
            .iter()
            .find(|r| r.theme == 0 && r.period == "2025-W10")
            .unwrap();
        assert_eq!(r.count, 90);
        assert!((r.share.unwrap() - 90.0 / 123.0).abs() < 1e-12);
        // Share test of W10 against the 8 weeks before: x = 90 of 123,
        // y = 240 of 488: share ratio (90.5/123)/(240.5/488).
        let g = (90.5 / 123.0) / (240.5 / 488.0);
        assert!((r.growth.unwrap() - g).abs() < 1e-12);
        assert!(r.p.unwrap() < 0.01);
        let t = &trending[0];
        assert!((t.recent_share - 180.0 / 246.0).abs() < 1e-12);
        assert!((t.baseline_share - 240.0 / 488.0).abs() < 1e-12);
        assert_eq!(t.baseline_periods, 8);
        assert!((t.count_growth - (180.5 / 2.0) / (240.5 / 8.0)).abs() < 1e-9);
    }

    #[test]
    fn partial_last_week_is_scaled_not_read_as_a_drop() {
        // 4 full weeks at 14/week, then 2 days (Mon–Tue) of week 5 with 4 tickets.
        let mut ev = Vec::new();
        for d in 0..28u32 {
            for _ in 0..2 {
                ev.push(Event {
                    theme: 0,
                    at: day(d),
                    negative: None,
                });
            }
        }
        for d in 28..30u32 {
            for _ in 0..2 {
                ev.push(Event {
                    theme: 0,
                    at: day(d),
                    negative: None,
                });
            }
        }
        let labels = vec!["a".to_string()];
        let s = TrendSettings {
            period: Period::Week,
            tz: chrono_tz::UTC,
            span: (day(0).date_naive(), day(29).date_naive()),
            labels: &labels,
            min_count: 1,
            alpha: 0.3,
        };
        let (rows, trending) = compute(&ev, &s);
        let last = rows.last().unwrap();
        assert_eq!(last.count, 4);
        // One theme holds every ticket: its share is 1 in a partial week
        // as in a full one, so no rise (growth (4.5/4)/(56.5/56) ≈ 1.1).
        assert!((last.growth.unwrap() - (4.5 / 4.0) / (56.5 / 56.0)).abs() < 1e-9);
        assert!(last.negative_share.is_none());
        assert!(trending.is_empty());
    }

    /// Events for `weeks` full weeks: `per_week(w, theme)` tickets each.
    fn weekly(weeks: u32, themes: usize, per_week: impl Fn(u32, usize) -> u32) -> Vec<Event> {
        let mut ev = Vec::new();
        for w in 0..weeks {
            for theme in 0..themes {
                for i in 0..per_week(w, theme) {
                    ev.push(Event {
                        theme,
                        at: day(w * 7 + i % 7),
                        negative: Some(true),
                    });
                }
            }
        }
        ev
    }

    fn settings(labels: &[String], weeks: u32) -> TrendSettings<'_> {
        TrendSettings {
            period: Period::Week,
            tz: chrono_tz::UTC,
            span: (day(0).date_naive(), day(weeks * 7 - 1).date_naive()),
            labels,
            min_count: 10,
            alpha: 0.01,
        }
    }

    #[test]
    fn a_growing_desk_is_not_a_trend_but_a_larger_share_is() {
        // 12 weeks whose volume rises 16× (10 → 160 tickets per theme and
        // week), 5 themes with equal, unchanging shares: counts grow for
        // every theme, shares do not, so nothing trends.
        let labels: Vec<String> = (0..5).map(|i| format!("t{i}")).collect();
        let volume = |w: u32| 10 + (150 * w) / 11;
        let ev = weekly(12, 5, |w, _| volume(w));
        let (_, trending) = compute(&ev, &settings(&labels, 12));
        assert!(trending.is_empty(), "{trending:?}");
        // Theme 3's share triples in the last two weeks: it, and only it, trends.
        let ev = weekly(12, 5, |w, t| {
            if t == 3 && w >= 10 {
                3 * volume(w)
            } else {
                volume(w)
            }
        });
        let (_, trending) = compute(&ev, &settings(&labels, 12));
        assert_eq!(trending.len(), 1, "{trending:?}");
        assert_eq!(trending[0].theme, 3);
        assert!(trending[0].growth > 2.0 && trending[0].count_growth > trending[0].growth);
    }

    #[test]
    fn stray_early_weeks_do_not_dilute_the_baseline() {
        // Weeks 0–5 hold a ticket or two (a test ticket, an early stray),
        // weeks 6–11 ~100 per theme with equal shares: the baseline is the
        // busy weeks, so no theme "grows ×30".
        let labels: Vec<String> = (0..3).map(|i| format!("t{i}")).collect();
        let ev = weekly(12, 3, |w, t| if w < 6 { u32::from(t == 0) } else { 100 });
        let (_, trending) = compute(&ev, &settings(&labels, 12));
        assert!(trending.is_empty(), "{trending:?}");
        assert_eq!(
            baseline(&[1, 0, 1, 0, 1, 0, 300, 300, 300, 300], 10, 8),
            [6, 7, 8, 9]
        );
    }
}
