//! Per-period aggregates computed from the enriched tickets.
//!
//! The charts need a few numbers per period (volume, backlog, CSAT, sentiment
//! mix) and a few histograms, never per-ticket rows, so the report stays
//! small and renders fast for 100k+ tickets: one pass, a binary search per
//! ticket to find its period, no string formatting per ticket.

use crate::period::Period;
use crate::ticket::{EnrichedTicket, Sentiment};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use std::collections::BTreeMap;

/// First-response histogram bin edges in minutes (log-ish), last bin open.
pub const FRT_EDGES: [f64; 10] = [
    5.0, 15.0, 30.0, 60.0, 120.0, 240.0, 480.0, 1440.0, 2880.0, 4320.0,
];
/// Labels of the FRT bins (one more than edges).
pub const FRT_LABELS: [&str; 11] = [
    "0–5m", "5–15m", "15–30m", "30m–1h", "1–2h", "2–4h", "4–8h", "8–24h", "1–2d", "2–3d", "3d+",
];
/// Resolution histogram bin edges in hours (log-ish), last bin open.
pub const RES_EDGES: [f64; 9] = [1.0, 4.0, 8.0, 24.0, 48.0, 72.0, 168.0, 336.0, 672.0];
/// Labels of the resolution bins.
pub const RES_LABELS: [&str; 10] = [
    "0–1h", "1–4h", "4–8h", "8–24h", "1–2d", "2–3d", "3–7d", "1–2w", "2–4w", "4w+",
];

/// Longest span drawn, in days (20 years); see [`compute`].
pub const MAX_SPAN_DAYS: i64 = 7305;

/// Everything the time-series charts draw.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Series {
    /// Period keys, oldest first, including empty periods.
    pub keys: Vec<String>,
    /// Tickets created per period.
    pub created: Vec<u64>,
    /// Tickets open at the end of each period.
    pub backlog: Vec<u64>,
    /// CSAT answers per period and how many were 4 or 5.
    pub csat: Vec<(u64, u64)>,
    /// Negative, neutral, positive predictions per period.
    pub sentiment: Vec<[u64; 3]>,
    /// Tickets per predicted topic, most frequent first.
    pub topics: Vec<(String, u64)>,
    /// Tickets per channel, most frequent first (no channel → "unknown").
    pub channels: Vec<(String, u64)>,
    /// FRT histogram counts (bins of [`FRT_LABELS`]).
    pub frt_hist: Vec<u64>,
    /// Resolution-time histogram counts (bins of [`RES_LABELS`]).
    pub res_hist: Vec<u64>,
    /// Last local calendar date with a ticket.
    pub last_date: Option<NaiveDate>,
    /// Whether the last period is complete (the data reaches its last day).
    pub last_complete: bool,
}

fn bin(edges: &[f64], x: f64) -> usize {
    edges.partition_point(|e| *e <= x)
}

/// When a ticket stopped being open: `resolved_at`, else creation plus the
/// resolution duration; a ticket that is resolved (or closed unresolved:
/// cancelled, merged, spam …) without any time counts as closed when
/// created (it never shows in a backlog); `None` = open.
fn resolved_at(t: &EnrichedTicket) -> Option<DateTime<Utc>> {
    let tk = &t.ticket;
    if let Some(at) = tk.resolved_at {
        return Some(at.max(tk.created_at));
    }
    if let Some(h) = tk.resolution_hours.filter(|h| h.is_finite() && *h >= 0.0) {
        return Some(tk.created_at + Duration::seconds((h * 3600.0).min(1e11) as i64));
    }
    (tk.state() != crate::ticket::TicketState::Open).then_some(tk.created_at)
}

/// Aggregate tickets per `period` in time zone `tz`.
pub fn compute(tickets: &[EnrichedTicket], period: Period, tz: Tz) -> Series {
    let mut s = Series {
        frt_hist: vec![0; FRT_LABELS.len()],
        res_hist: vec![0; RES_LABELS.len()],
        ..Default::default()
    };
    let local = |at: DateTime<Utc>| at.with_timezone(&tz).date_naive();
    let (Some(first), Some(last)) = (
        tickets.iter().map(|t| t.ticket.created_at).min(),
        tickets.iter().map(|t| t.ticket.created_at).max(),
    ) else {
        return s;
    };
    let (first, last) = (local(first), local(last));
    // A stray date decades away (a data error) must not make millions of
    // buckets: draw at most MAX_SPAN_DAYS; older tickets count in the first.
    let first = first.max(last - Duration::days(MAX_SPAN_DAYS));
    let mut starts = Vec::new();
    let mut d = period.start_of(first);
    while d <= last {
        starts.push(d);
        s.keys.push(period.key_of_date(d));
        d = period.next_start(d);
    }
    s.last_date = Some(last);
    s.last_complete = period.next_start(period.start_of(last)) - Duration::days(1) == last;
    let n = starts.len();
    let index = |d: NaiveDate| starts.partition_point(|s| *s <= d).saturating_sub(1);
    s.created = vec![0; n];
    s.csat = vec![(0, 0); n];
    s.sentiment = vec![[0; 3]; n];
    let mut diff = vec![0i64; n + 1];
    let mut topics: BTreeMap<&str, u64> = BTreeMap::new();
    let mut channels: BTreeMap<&str, u64> = BTreeMap::new();
    for t in tickets {
        let tk = &t.ticket;
        let ci = index(local(tk.created_at));
        s.created[ci] += 1;
        diff[ci] += 1;
        if let Some(at) = resolved_at(t) {
            let d = local(at);
            // Resolved after the last period's start date may still fall in it.
            let ri = if d > last && period.start_of(d) > starts[n - 1] {
                n
            } else {
                index(d)
            };
            diff[ri.max(ci)] -= 1;
        }
        let ch = tk
            .channel
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .unwrap_or("unknown");
        *channels.entry(ch).or_default() += 1;
        if let Some(c) = tk.csat.filter(|c| c.is_finite()) {
            s.csat[ci].0 += 1;
            s.csat[ci].1 += u64::from(c >= 4.0);
        }
        if let Some(p) = &t.prediction {
            let k = match p.sentiment {
                Sentiment::Negative => 0,
                Sentiment::Neutral => 1,
                Sentiment::Positive => 2,
            };
            s.sentiment[ci][k] += 1;
            *topics.entry(p.topic.as_str()).or_default() += 1;
        }
        if let Some(m) = tk.frt_minutes().filter(|m| m.is_finite()) {
            s.frt_hist[bin(&FRT_EDGES, m)] += 1;
        }
        if let Some(h) = tk.resolution_hours().filter(|h| h.is_finite()) {
            s.res_hist[bin(&RES_EDGES, h)] += 1;
        }
    }
    let mut open = 0i64;
    s.backlog = diff[..n]
        .iter()
        .map(|d| {
            open += d;
            open.max(0) as u64
        })
        .collect();
    s.topics = topics
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    s.topics
        .sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    s.channels = channels
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    s.channels
        .sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ticket::{Prediction, Ticket};
    use chrono::TimeZone;

    fn t(day: u32, resolved_day: Option<u32>, status: &str) -> EnrichedTicket {
        let at = |d: u32| Utc.with_ymd_and_hms(2025, 6, d, 12, 0, 0).unwrap();
        EnrichedTicket::new(Ticket {
            created_at: at(day),
            resolved_at: resolved_day.map(at),
            status: Some(status.into()),
            ..Default::default()
        })
    }

    #[test]
    fn volume_and_backlog_per_week() {
        // Weeks: 2025-W23 = Jun 2–8, W24 = Jun 9–15, W25 = Jun 16–22.
        let mut tickets = vec![
            t(2, Some(3), "closed"),   // W23, resolved within W23
            t(4, Some(10), "closed"),  // W23, open at end of W23, resolved W24
            t(5, None, "open"),        // W23, open forever
            t(11, Some(30), "solved"), // W24, resolved after the data's end
            t(16, None, "closed"),     // W25, resolved without a time
        ];
        tickets[0].ticket.csat = Some(5.0);
        tickets[1].ticket.csat = Some(2.0);
        tickets[1].prediction = Some(Prediction {
            sentiment: Sentiment::Negative,
            sentiment_confidence: 0.9,
            p_negative: 0.9,
            p_neutral: 0.05,
            p_positive: 0.05,
            topic: "BILLING".into(),
            topic_confidence: 0.7,
        });
        let s = compute(&tickets, Period::Week, chrono_tz::UTC);
        assert_eq!(s.keys, vec!["2025-W23", "2025-W24", "2025-W25"]);
        assert_eq!(s.created, vec![3, 1, 1]);
        assert_eq!(s.backlog, vec![2, 2, 2]);
        assert_eq!(s.csat, vec![(2, 1), (0, 0), (0, 0)]);
        assert_eq!(s.sentiment[0], [1, 0, 0]);
        assert_eq!(s.topics, vec![("BILLING".to_string(), 1)]);
        assert_eq!(s.channels, vec![("unknown".to_string(), 5)]);
        // Resolution hours: 24 h → "1–2d" (index 4), 144 h → "3–7d" (6), 456 h → "2–4w" (8).
        assert_eq!(s.res_hist[4], 1);
        assert_eq!(s.res_hist[6], 1);
        assert_eq!(s.res_hist[8], 1);
        assert!(!s.last_complete, "data ends on Monday of W25");
    }

    #[test]
    fn stray_old_dates_are_clamped_into_the_first_period() {
        let mut old = t(2, None, "closed");
        old.ticket.created_at = Utc.with_ymd_and_hms(1900, 1, 1, 0, 0, 0).unwrap();
        let s = compute(&[old, t(2, None, "closed")], Period::Day, chrono_tz::UTC);
        assert_eq!(s.keys.len() as i64, MAX_SPAN_DAYS + 1);
        assert_eq!(s.created[0], 1);
        assert_eq!(s.created.iter().sum::<u64>(), 2);
    }

    #[test]
    fn empty_input_has_no_periods() {
        let s = compute(&[], Period::Month, chrono_tz::UTC);
        assert!(s.keys.is_empty());
        assert_eq!(s.frt_hist.iter().sum::<u64>(), 0);
    }

    #[test]
    fn bins_are_left_closed() {
        assert_eq!(bin(&FRT_EDGES, 0.0), 0);
        assert_eq!(bin(&FRT_EDGES, 5.0), 1);
        assert_eq!(bin(&FRT_EDGES, 1e9), FRT_LABELS.len() - 1);
    }
}
