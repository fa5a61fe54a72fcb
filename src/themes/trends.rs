//! Theme volume per period and "what is getting worse" ranking.
//!
//! Counts are compared as Poisson rates with exposure: each period's exposure
//! is the fraction of its days covered by the data (first and last periods
//! are usually partial — data rarely starts on a Monday or ends on a Sunday),
//! so a half-covered last week is neither ignored nor mistaken for a drop.
//! Equal-rate test (conditional on the total `n = x + y`, the recent count
//! is `Binomial(n, E₁ / (E₁ + E₀))` under "no change"): one-sided exact
//! p-value `P(X ≥ x)`, and z = (x − nπ₀) / √(nπ₀(1 − π₀)).

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
    /// Exposure-adjusted rate ratio of this period against all earlier
    /// periods (0.5 added to both counts so it stays finite).
    pub growth: Option<f64>,
    /// z of this period's count against the earlier rate.
    pub z: Option<f64>,
    /// One-sided p-value that the rate went up.
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
    /// Rate ratio recent / baseline (0.5 added to both counts).
    pub growth: f64,
    /// z-score of the recent count.
    pub z: f64,
    /// One-sided exact p-value.
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
    for t in 0..k {
        let (mut y, mut e0) = (0u64, 0f64);
        for p in 0..np {
            let test = if p > 0 {
                rate_test(count[t][p], exposure[p], y, e0)
            } else {
                None
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
            y += count[t][p];
            e0 += exposure[p];
        }
    }
    let l = recent_periods(s.period);
    let mut trending = Vec::new();
    if np > l {
        let cut = np - l;
        let e1: f64 = exposure[cut..].iter().sum();
        let e0: f64 = exposure[..cut].iter().sum();
        for t in 0..k {
            let x: u64 = count[t][cut..].iter().sum();
            let y: u64 = count[t][..cut].iter().sum();
            let Some((growth, z, p)) = rate_test(x, e1, y, e0) else {
                continue;
            };
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
                growth,
                z,
                p,
                negative_share_recent: ratio(
                    neg[t][cut..].iter().sum(),
                    judged[t][cut..].iter().sum(),
                ),
                negative_share_baseline: ratio(
                    neg[t][..cut].iter().sum(),
                    judged[t][..cut].iter().sum(),
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
        assert!(r.p.unwrap() < 1e-10);
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
        // Exposure 2/7 → rate 14/week, same as baseline: growth ≈ 1.
        assert!((last.growth.unwrap() - (4.5 / (2.0 / 7.0)) / (56.5 / 4.0)).abs() < 1e-9);
        assert!(last.negative_share.is_none());
        assert!(trending.is_empty());
    }
}
