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
//! against the end of the previous one, from kpis.json's
//! `backlog_at_period_end` (the curve the volume and backlog chart draws);
//! "all periods" is `overall.backlog`, the backlog at as_of.
//!
//! Every value comes from the [`KpiReport`] that is written to kpis.json;
//! nothing is recomputed from the tickets.

use super::format::{count, fixed, hours, minutes, pct, signed, NA};
use crate::kpi::{KpiBlock, KpiReport, NONE_LABEL};
use serde::Serialize;

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

/// One headline KPI: its kpis.json key and how to read it from a block.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    /// Card title.
    pub label: &'static str,
    /// Key path in kpis.json (`overall.<key>`, `periods.<period>.<key>`).
    pub key: &'static str,
    /// Display kind.
    pub kind: Kind,
    /// Good direction.
    pub better: Better,
    /// The value of one block.
    pub get: fn(&KpiBlock) -> Option<f64>,
}

fn stat(s: &crate::kpi::Stats) -> Option<f64> {
    s.median.filter(|_| s.count > 0)
}

/// The headline KPIs, in display order: volume and negative share first
/// (every export with text has them), then what the export may lack.
pub const SPECS: [Spec; 9] = [
    Spec {
        label: "Tickets",
        key: "tickets",
        kind: Kind::Count,
        better: Better::Neutral,
        get: |b| Some(b.tickets as f64),
    },
    Spec {
        label: "Negative tickets",
        key: "negative_share",
        kind: Kind::Rate,
        better: Better::Lower,
        get: |b| b.negative_share,
    },
    Spec {
        label: "First response (median)",
        key: "first_response_minutes.median",
        kind: Kind::Minutes,
        better: Better::Lower,
        get: |b| stat(&b.first_response_minutes),
    },
    Spec {
        label: "Resolution (median)",
        key: "resolution_hours.median",
        kind: Kind::Hours,
        better: Better::Lower,
        get: |b| stat(&b.resolution_hours),
    },
    Spec {
        label: "CSAT",
        key: "csat_rate",
        kind: Kind::Rate,
        better: Better::Higher,
        get: |b| b.csat_rate,
    },
    Spec {
        label: "NPS",
        key: "nps",
        kind: Kind::Score,
        better: Better::Higher,
        get: |b| b.nps,
    },
    Spec {
        label: "Backlog",
        key: "backlog",
        kind: Kind::Count,
        better: Better::Lower,
        get: |b| b.backlog.map(|x| x as f64),
    },
    Spec {
        label: "Handle time (AHT)",
        key: "handle_minutes.mean",
        kind: Kind::Minutes,
        better: Better::Lower,
        get: |b| b.handle_minutes.mean.filter(|_| b.handle_minutes.count > 0),
    },
    Spec {
        label: "SLA breaches",
        key: "sla_breach_rate",
        kind: Kind::Rate,
        better: Better::Lower,
        get: |b| b.sla_breach_rate,
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
    /// kpis.json key of the value ([`Spec::key`]).
    pub key: &'static str,
    /// The value as computed (for the page's `data-` attributes, so a test
    /// can compare the page with kpis.json).
    pub raw: Option<f64>,
    /// The whole-range value as computed.
    pub raw_overall: Option<f64>,
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
    /// The cards, in [`SPECS`] order; KPIs the export has no data for
    /// are left out (see `missing`).
    pub cards: Vec<Card>,
    /// What the export lacks and what it would add, one item each
    /// ("no status or resolution columns: backlog and resolution time").
    pub missing: Vec<String>,
    /// The language mix and, when some tickets are not in English, that
    /// the model's outputs on them are unreliable (empty without a
    /// `language` dimension in kpis.json).
    pub languages: String,
}

/// Pick current and previous period keys from `periods`, leaving out the
/// last one when kpis.json says it is incomplete.
pub fn choose_periods(kpis: &KpiReport) -> (Option<String>, Option<String>, Option<String>) {
    let mut keys: Vec<String> = kpis.periods.keys().cloned().collect();
    let mut dropped = None;
    if kpis.last_period_complete == Some(false) && keys.len() > 1 {
        dropped = keys.pop();
    }
    let cur = keys.pop();
    (cur, keys.pop(), dropped)
}

/// What the export lacks, judged from the KPI results: one item per kind
/// of missing column, with the numbers it would add.
pub fn missing(kpis: &KpiReport) -> Vec<String> {
    let o = &kpis.overall;
    let mut out = Vec::new();
    if o.backlog.is_none() {
        out.push("no status or resolution columns: backlog and resolution time".to_string());
    } else if o.resolution_hours.count == 0 {
        out.push("no resolution times: resolution time".to_string());
    }
    if o.first_response_minutes.count == 0 {
        out.push("no first-response times: first response time and SLA breaches".to_string());
    }
    match (o.csat_responses, o.nps_responses) {
        (0, 0) => out.push("no satisfaction survey columns: CSAT and NPS".to_string()),
        (0, _) => out.push("no CSAT answers: CSAT".to_string()),
        (_, 0) => out.push("no NPS answers: NPS".to_string()),
        _ => {}
    }
    let only_none = |dim: &str| {
        kpis.by
            .iter()
            .find(|(d, _)| d == dim)
            .is_some_and(|(_, g)| g.keys().all(|k| k == NONE_LABEL))
    };
    if o.channel_mix.as_ref().is_none_or(|m| m.is_empty()) {
        out.push("no channel column: channel mix and KPIs by channel".to_string());
    }
    if only_none("priority") {
        out.push(
            "no priority column: KPIs by priority (SLA targets use the normal class)".to_string(),
        );
    }
    out
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

/// Build the headline cards from the KPI results.
pub fn build(kpis: &KpiReport) -> Headline {
    let (cur, prev, dropped) = choose_periods(kpis);
    let mut note = match (&cur, &prev) {
        (Some(c), Some(p)) => format!("{c} compared with {p}"),
        (Some(c), None) => format!("{c} (no earlier period to compare with)"),
        _ => "whole range (no per-period KPIs)".into(),
    };
    if let Some(d) = dropped {
        note.push_str(&format!("; {d} is incomplete and left out"));
    }
    let block = |k: &Option<String>| k.as_ref().and_then(|k| kpis.periods.get(k));
    let (cur_b, prev_b) = (block(&cur), block(&prev));
    // Backlog per period is the curve's value at the period's end (see
    // the module docs), not `periods.<k>.backlog`.
    let open_at = |k: &Option<String>| {
        k.as_ref()
            .and_then(|k| kpis.backlog_at_period_end.get(k))
            .map(|&b| b as f64)
    };
    let cards = SPECS
        .iter()
        .filter_map(|s| {
            let o = (s.get)(&kpis.overall);
            // A KPI the export has no data for at all is left out.
            o?;
            let (c, p) = match (s.key, cur_b) {
                ("backlog", Some(_)) => (open_at(&cur), open_at(&prev)),
                (_, Some(cb)) => ((s.get)(cb), prev_b.and_then(|b| (s.get)(b))),
                (_, None) => (o, None),
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
            Some(Card {
                label: s.label.into(),
                key: s.key,
                raw: c,
                raw_overall: o,
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
            })
        })
        .collect();
    Headline {
        current: cur,
        previous: prev,
        note,
        cards,
        missing: missing(kpis),
        languages: languages(kpis),
    }
}

/// "Languages: en 91%, de 5% …" from kpis.json's `by.language` groups,
/// with the share too short to tell, and a warning when some tickets are
/// not in English: the model was trained on English text.
pub fn languages(kpis: &KpiReport) -> String {
    if !kpis.by.iter().any(|(d, _)| d == "language") {
        return String::new();
    }
    let total = kpis.overall.tickets as f64;
    // Largest first, without "(none)" (too short to tell).
    let known = super::group_sizes(kpis, "language");
    if total == 0.0 {
        return String::new();
    }
    if known.is_empty() {
        // Without text (no model ran) there is nothing to say.
        return if kpis.overall.predictions > 0 {
            "Languages: too short to tell for every ticket (sentiment and topic assume English)."
                .into()
        } else {
            String::new()
        };
    }
    let share = |n: u64| super::format::pct(Some(n as f64 / total));
    let told: u64 = known.iter().map(|(_, n)| n).sum();
    let mut parts: Vec<String> = known
        .iter()
        .take(6)
        .map(|(l, n)| format!("{l} {}", share(*n)))
        .collect();
    if known.len() > 6 {
        let rest: u64 = known[6..].iter().map(|(_, n)| n).sum();
        parts.push(format!(
            "{} other languages {}",
            known.len() - 6,
            share(rest)
        ));
    }
    let mut s = format!("Languages: {}", parts.join(", "));
    let unknown = kpis.overall.tickets.saturating_sub(told);
    if unknown > 0 {
        s.push_str(&format!(" ({} too short to tell)", share(unknown)));
    }
    s.push('.');
    let other: u64 = known
        .iter()
        .filter(|(l, _)| l != "en")
        .map(|(_, n)| n)
        .sum();
    // Below 1 % the warning would mostly repeat the detector's own rare
    // mistakes, and it changes no aggregate; the mix above still lists them.
    if other as f64 >= 0.01 * total {
        s.push_str(&format!(
            " The model was trained on English: sentiment, topic, themes and taxonomy labels of the {} of tickets in another language are unreliable.",
            share(other)
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kpi::Stats;

    fn block(tickets: u64, frt: f64, csat: f64, nps: f64) -> KpiBlock {
        KpiBlock {
            tickets,
            first_response_minutes: Stats {
                median: Some(frt),
                count: tickets,
                ..Default::default()
            },
            csat_rate: Some(csat),
            csat_responses: 10,
            nps: Some(nps),
            nps_responses: 10,
            ..Default::default()
        }
    }

    fn kpis(last_complete: bool) -> KpiReport {
        let mut k = crate::kpi::compute(std::iter::empty(), &Default::default());
        k.overall = block(300, 50.0, 0.8, 10.0);
        k.overall.backlog = Some(33);
        k.overall.channel_mix = Some([("email".to_string(), 1.0)].into_iter().collect());
        for (key, b, open) in [
            ("2025-W22", block(100, 60.0, 0.75, 12.0), 40),
            ("2025-W23", block(120, 45.0, 0.80, 5.0), 30),
            ("2025-W24", block(80, 40.0, 0.9, 30.0), 33),
        ] {
            k.periods.insert(key.into(), b);
            k.backlog_at_period_end.insert(key.into(), open);
        }
        k.last_period_complete = Some(last_complete);
        k
    }

    #[test]
    fn incomplete_last_period_is_left_out() {
        let h = build(&kpis(false));
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
        assert_eq!(
            (f.key, f.raw, f.raw_overall),
            ("first_response_minutes.median", Some(45.0), Some(50.0))
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
        // Open at the end of W23 vs W22 (the curve), not `periods.*.backlog`.
        let b = card("Backlog");
        assert_eq!(
            (
                b.value.as_str(),
                b.previous.as_str(),
                b.delta.as_str(),
                b.trend,
                b.overall.as_str()
            ),
            ("30", "40", "−25.0%", "better", "33")
        );
        assert_eq!(f.overall, "50 min");
        // No data at all: no card, and the missing line says what is absent.
        assert!(h
            .cards
            .iter()
            .all(|c| c.label != "SLA breaches" && c.label != "Resolution (median)"));
        assert!(!h.missing.iter().any(|m| m.contains("status")));
        assert!(h
            .missing
            .iter()
            .any(|m| m.starts_with("no resolution times")));
    }

    #[test]
    fn complete_last_period_is_used_and_absent_columns_are_listed() {
        let h = build(&kpis(true));
        assert_eq!(h.current.as_deref(), Some("2025-W24"));
        let mut bare = crate::kpi::compute(std::iter::empty(), &Default::default());
        bare.overall.tickets = 15;
        let h = build(&bare);
        let labels: Vec<&str> = h.cards.iter().map(|c| c.label.as_str()).collect();
        assert_eq!(
            labels,
            ["Tickets"],
            "no backlog card without status columns"
        );
        assert_eq!(h.note, "whole range (no per-period KPIs)");
        assert_eq!(
            h.missing,
            [
                "no status or resolution columns: backlog and resolution time",
                "no first-response times: first response time and SLA breaches",
                "no satisfaction survey columns: CSAT and NPS",
                "no channel column: channel mix and KPIs by channel",
            ]
        );
    }
}
