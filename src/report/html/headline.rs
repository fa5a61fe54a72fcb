//! Headline KPIs: the last complete period against the one before.
//!
//! A partial period (the data stops mid-week) would always look like a drop
//! in volume and backlog, so the comparison uses the last *complete* period
//! of `kpis.json` → `periods`; the whole-range value from `overall` is shown
//! beside it.
//!
//! Backlog is the exception: `periods.<k>.backlog` counts the tickets
//! *created in* that period that are still open at as_of, which is not the
//! backlog. The card shows the tickets open at the end of the current period
//! against the end of the previous one, from the same series the volume and
//! backlog chart draws; "all periods" is the backlog at as_of.

use super::format::{count, fixed, hours, minutes, pct, signed, NA};
use super::json::num;
use super::series::Series;
use serde::Serialize;
use serde_json::Value;

/// How a KPI's value is displayed and compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Minutes, compared as relative change.
    Minutes,
    /// Hours, compared as relative change.
    Hours,
    /// 0–1 fraction, compared in percentage points.
    Rate,
    /// A score such as NPS, compared in points.
    Score,
    /// A count, compared as relative change.
    Count,
}

/// Which direction is good.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Better {
    /// Smaller is better (response times, breaches).
    Lower,
    /// Larger is better (CSAT, NPS).
    Higher,
    /// Neither (ticket volume).
    Neutral,
}

/// One headline KPI and where it may live in `kpis.json`.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    /// Card title.
    pub label: &'static str,
    /// Candidate key paths, first match wins.
    pub paths: &'static [&'static str],
    /// Display kind.
    pub kind: Kind,
    /// Good direction.
    pub better: Better,
    /// Per-period values come from the open-tickets series (end of each
    /// period), not from `periods` (see the module docs); `paths` then only
    /// applies to `overall`.
    pub open_at_period_end: bool,
}

/// The headline KPIs, in display order.
pub const SPECS: [Spec; 8] = [
    Spec {
        label: "Tickets",
        paths: &["tickets", "count", "volume"],
        kind: Kind::Count,
        better: Better::Neutral,
        open_at_period_end: false,
    },
    Spec {
        label: "First response (median)",
        paths: &[
            "first_response_minutes.median",
            "frt_minutes.median",
            "frt_median_minutes",
            "first_response_minutes",
        ],
        kind: Kind::Minutes,
        better: Better::Lower,
        open_at_period_end: false,
    },
    Spec {
        label: "Resolution (median)",
        paths: &[
            "resolution_hours.median",
            "resolution_median_hours",
            "resolution_hours",
        ],
        kind: Kind::Hours,
        better: Better::Lower,
        open_at_period_end: false,
    },
    Spec {
        label: "CSAT",
        paths: &["csat_rate", "csat"],
        kind: Kind::Rate,
        better: Better::Higher,
        open_at_period_end: false,
    },
    Spec {
        label: "NPS",
        paths: &["nps"],
        kind: Kind::Score,
        better: Better::Higher,
        open_at_period_end: false,
    },
    Spec {
        label: "Backlog",
        paths: &["backlog"],
        kind: Kind::Count,
        better: Better::Lower,
        open_at_period_end: true,
    },
    Spec {
        label: "SLA breaches",
        paths: &["sla_breach_rate", "sla.breach_rate"],
        kind: Kind::Rate,
        better: Better::Lower,
        open_at_period_end: false,
    },
    Spec {
        label: "Negative tickets",
        paths: &["negative_share", "sentiment.negative_share"],
        kind: Kind::Rate,
        better: Better::Lower,
        open_at_period_end: false,
    },
];

/// Format a KPI value for display.
pub fn show(kind: Kind, v: Option<f64>) -> String {
    match kind {
        Kind::Minutes => minutes(v),
        Kind::Hours => hours(v),
        Kind::Rate => pct(v),
        Kind::Score => fixed(v, 0),
        Kind::Count => count(v),
    }
}

/// One card.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Card {
    /// Title.
    pub label: String,
    /// Value in the current period (or overall when there are no periods).
    pub value: String,
    /// Value in the previous period.
    pub previous: String,
    /// Change, e.g. "+2.1 pp" or "−12.0%"; empty when not comparable.
    pub delta: String,
    /// `better`, `worse`, `flat` or `none` (drives colour).
    pub trend: &'static str,
    /// ▲, ▼ or empty.
    pub arrow: &'static str,
    /// Whole-range value.
    pub overall: String,
}

/// The headline block.
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct Headline {
    /// Current period key.
    pub current: Option<String>,
    /// Previous period key.
    pub previous: Option<String>,
    /// A sentence about what is compared (or why nothing is).
    pub note: String,
    /// The cards, in [`SPECS`] order.
    pub cards: Vec<Card>,
}

/// Pick current and previous period keys from `periods`, leaving out the
/// last one when the tickets show it is incomplete.
pub fn choose_periods(
    periods: Option<&Value>,
    series: &Series,
) -> (Option<String>, Option<String>, Option<String>) {
    let mut keys: Vec<String> = periods
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    keys.sort();
    let mut dropped = None;
    if !series.last_complete && keys.last().is_some_and(|k| series.keys.last() == Some(k)) {
        dropped = keys.pop();
    }
    let cur = keys.pop();
    (cur, keys.pop(), dropped)
}

fn delta(kind: Kind, cur: f64, prev: f64) -> Option<(f64, String)> {
    match kind {
        Kind::Rate => {
            let d = (cur - prev) * 100.0;
            Some((d, signed(d, 1, " pp")))
        }
        Kind::Score => Some((cur - prev, signed(cur - prev, 1, " pts"))),
        _ if prev.abs() < 1e-12 => (cur.abs() < 1e-12).then(|| (0.0, "±0.0%".into())),
        _ => {
            let d = (cur - prev) / prev.abs() * 100.0;
            Some((d, signed(d, 1, "%")))
        }
    }
}

/// Build the headline cards.
pub fn build(kpis: Option<&Value>, series: &Series) -> Headline {
    let Some(kpis) = kpis else {
        return Headline {
            note: "not available: no KPI results (kpis.json) for this run".into(),
            ..Default::default()
        };
    };
    let periods = kpis.get("periods");
    let (cur, prev, dropped) = choose_periods(periods, series);
    let overall = kpis.get("overall").unwrap_or(&Value::Null);
    let at = |k: &Option<String>| k.as_ref().and_then(|k| periods.and_then(|p| p.get(k)));
    let (cur_v, prev_v) = (at(&cur), at(&prev));
    let mut note = match (&cur, &prev) {
        (Some(c), Some(p)) => format!("{c} compared with {p}"),
        (Some(c), None) => format!("{c} (no earlier period to compare with)"),
        _ => "whole range (no per-period KPIs)".into(),
    };
    if let Some(d) = dropped {
        note.push_str(&format!("; {d} is incomplete and left out"));
    }
    let open_at = |k: &Option<String>| {
        let i = series.keys.iter().position(|x| Some(x) == k.as_ref())?;
        series.backlog.get(i).map(|&b| b as f64)
    };
    let cards = SPECS
        .iter()
        .map(|s| {
            let o = num(overall, s.paths);
            let (c, p) = if s.open_at_period_end && cur.is_some() {
                (open_at(&cur), open_at(&prev))
            } else {
                let c = match cur_v {
                    Some(v) => num(v, s.paths),
                    None => o,
                };
                (c, prev_v.and_then(|v| num(v, s.paths)))
            };
            let (trend, arrow, delta) = match (c, p) {
                (Some(c), Some(p)) => match delta(s.kind, c, p) {
                    Some((d, text)) => {
                        let flat = text.starts_with('±');
                        let up = d > 0.0;
                        let trend = match (flat, s.better) {
                            (true, _) => "flat",
                            (_, Better::Neutral) => "none",
                            (_, Better::Lower) if up => "worse",
                            (_, Better::Higher) if !up => "worse",
                            _ => "better",
                        };
                        (
                            trend,
                            if flat {
                                ""
                            } else if up {
                                "▲"
                            } else {
                                "▼"
                            },
                            text,
                        )
                    }
                    None => ("none", if c > p { "▲" } else { "" }, "new".into()),
                },
                _ => ("none", "", String::new()),
            };
            Card {
                label: s.label.into(),
                value: show(s.kind, c),
                previous: if prev.is_some() {
                    show(s.kind, p)
                } else {
                    NA.into()
                },
                delta,
                trend,
                arrow,
                overall: show(s.kind, o),
            }
        })
        .collect();
    Headline {
        current: cur,
        previous: prev,
        note,
        cards,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn kpis() -> Value {
        json!({
            "overall": {"tickets": 300, "first_response_minutes": {"median": 50.0}, "csat_rate": 0.8, "nps": 10},
            "periods": {
                "2025-W22": {"tickets": 100, "first_response_minutes": {"median": 60.0}, "csat_rate": 0.75, "nps": 12, "backlog": 10},
                "2025-W23": {"tickets": 120, "first_response_minutes": {"median": 45.0}, "csat_rate": 0.80, "nps": 5, "backlog": 0},
                "2025-W24": {"tickets": 80, "first_response_minutes": {"median": 40.0}, "csat_rate": 0.9, "nps": 30}
            }
        })
    }

    #[test]
    fn incomplete_last_period_is_left_out() {
        let series = Series {
            keys: vec!["2025-W22".into(), "2025-W23".into(), "2025-W24".into()],
            backlog: vec![40, 30, 33],
            last_complete: false,
            ..Default::default()
        };
        let h = build(Some(&kpis()), &series);
        assert_eq!(h.current.as_deref(), Some("2025-W23"));
        assert_eq!(h.previous.as_deref(), Some("2025-W22"));
        assert!(h.note.contains("2025-W24 is incomplete"));
        let card = |l: &str| {
            h.cards
                .iter()
                .find(|c| c.label.starts_with(l))
                .unwrap()
                .clone()
        };
        let t = card("Tickets");
        assert_eq!(
            (t.value.as_str(), t.delta.as_str(), t.trend, t.arrow),
            ("120", "+20.0%", "none", "▲")
        );
        let f = card("First response");
        assert_eq!(
            (f.value.as_str(), f.delta.as_str(), f.trend),
            ("45 min", "−25.0%", "better")
        );
        let c = card("CSAT");
        assert_eq!(
            (c.value.as_str(), c.delta.as_str(), c.trend),
            ("80.0%", "+5.0 pp", "better")
        );
        let n = card("NPS");
        assert_eq!(
            (n.delta.as_str(), n.trend, n.arrow),
            ("−7.0 pts", "worse", "▼")
        );
        // Open at the end of W23 vs W22 (the series), not `periods.*.backlog`.
        let b = card("Backlog");
        assert_eq!(
            (
                b.value.as_str(),
                b.previous.as_str(),
                b.delta.as_str(),
                b.trend
            ),
            ("30", "40", "−25.0%", "better")
        );
        assert_eq!(card("SLA").value, "n/a");
        assert_eq!(f.overall, "50 min");
    }

    #[test]
    fn complete_last_period_is_used_and_missing_kpis_say_so() {
        let series = Series {
            keys: vec!["2025-W24".into()],
            last_complete: true,
            ..Default::default()
        };
        let h = build(Some(&kpis()), &series);
        assert_eq!(h.current.as_deref(), Some("2025-W24"));
        let h = build(None, &series);
        assert!(h.cards.is_empty() && h.note.starts_with("not available"));
    }
}
