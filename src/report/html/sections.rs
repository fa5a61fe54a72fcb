//! The report's data sections built from the run's typed results: KPIs by
//! dimension, data quality and run info here; themes and churn in their own
//! modules (re-exported).
//!
//! Each builder returns either content or a "not available: …" note,
//! never an error: a stage that did not run must not lose the rest of the
//! report.

use super::format::{count, fixed, hours, minutes, pct, truncate};
use super::table::{Cell, Table};
use crate::kpi::{KpiReport, NONE_LABEL};
use crate::report::RunInfo as Run;
use serde::Serialize;
use serde_json::Value;

pub use super::churn::{churn, Churn};
pub use super::themes::{themes, Themes};

/// Most groups per dimension table.
pub const MAX_GROUPS: usize = 30;

/// KPI tables per grouping dimension (channel and priority first). A
/// dimension the export has no values for (every ticket in "(none)") is
/// left out; the headline's "missing" line says so.
pub fn by_dimension(kpis: &KpiReport) -> Vec<Table> {
    let mut dims: Vec<&(String, _)> = kpis
        .by
        .iter()
        .filter(|(_, groups)| groups.keys().any(|g| g != NONE_LABEL))
        .collect();
    let rank = |d: &str| match d {
        "channel" => 0,
        "priority" => 1,
        _ => 2,
    };
    dims.sort_by_key(|(d, _)| rank(d));
    dims.into_iter()
        .take(6)
        .map(|(dim, groups)| {
            let mut t = Table::new(
                format!("KPIs by {dim}"),
                &[
                    dim,
                    "Tickets#",
                    "First response (median)#",
                    "Resolution (median)#",
                    "CSAT#",
                    "NPS#",
                    "SLA breaches#",
                    "Escalated#",
                    "Negative#",
                ],
            );
            let mut rows: Vec<(u64, Vec<Cell>)> = groups
                .iter()
                .map(|(g, b)| {
                    let rate = |x: Option<f64>| Cell::num(pct(x), x);
                    let tickets = Some(b.tickets as f64);
                    let frt = b.first_response_minutes.median;
                    let res = b.resolution_hours.median;
                    // A ticket without a language had too little text to tell.
                    let name = if dim == "language" && g == NONE_LABEL {
                        "too short to tell"
                    } else {
                        g.as_str()
                    };
                    let row = vec![
                        Cell::text(truncate(name, 60)),
                        Cell::num(count(tickets), tickets),
                        Cell::num(minutes(frt), frt),
                        Cell::num(hours(res), res),
                        rate(b.csat_rate),
                        Cell::num(fixed(b.nps, 0), b.nps),
                        rate(b.sla_breach_rate),
                        rate(b.escalation_rate),
                        rate(b.negative_share),
                    ];
                    (b.tickets, row)
                })
                .collect();
            rows.sort_by_key(|r| std::cmp::Reverse(r.0));
            if rows.len() > MAX_GROUPS {
                t.caption
                    .push_str(&format!(" (largest {MAX_GROUPS} of {})", rows.len()));
            }
            t.rows = rows.into_iter().take(MAX_GROUPS).map(|(_, r)| r).collect();
            t.drop_empty_columns();
            t
        })
        .collect()
}

/// One reason group in the report's data-quality box.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct QualityGroup {
    /// Rows in the group.
    pub count: String,
    /// The first reject's reason (untrusted: it quotes input values).
    pub example: String,
    /// The first line numbers, `2, 3, 7, …`.
    pub lines: String,
    /// What to try, when known.
    pub hint: String,
}

/// The data-quality box at the top of the report: prominent (`alert`)
/// when rows were rejected, the input raised warnings or stages were
/// skipped; a single small line when the read was clean.
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct Quality {
    /// Show the warning box.
    pub alert: bool,
    /// More rows rejected than the run's `--max-reject-rate` allows.
    pub over_limit: bool,
    /// `5,607 rows read, 5,599 used, 8 rejected (0.1 %)`.
    pub line: String,
    /// Reject groups, largest first (at most [`MAX_QUALITY_GROUPS`]).
    pub groups: Vec<QualityGroup>,
    /// Ingest warnings.
    pub warnings: Vec<String>,
    /// Stages skipped and why.
    pub skipped: Vec<String>,
    /// Where the rejected rows are.
    pub rejects_file: String,
}

/// Most reason groups listed in the report's box (the rest are in run.json).
pub const MAX_QUALITY_GROUPS: usize = 10;

/// Build the data-quality box from the run's data-quality block and
/// skipped stages.
pub fn quality(run: &Run) -> Quality {
    let skipped: Vec<String> = run.skipped.iter().map(|s| truncate(s, 300)).collect();
    let Some(dq) = &run.data_quality else {
        return Quality {
            alert: !skipped.is_empty(),
            line: "not available: the run has no data-quality information".into(),
            skipped,
            ..Default::default()
        };
    };
    let rejected = dq.rows_rejected;
    let mut line = format!(
        "{} rows read, {} used, {} rejected ({})",
        count(Some(dq.rows_read as f64)),
        count(Some(dq.rows_used as f64)),
        count(Some(rejected as f64)),
        pct(Some(dq.rejected_share))
    );
    if dq.rows_superseded > 0 {
        line.push_str(&format!(
            "; {} more rows repeated a ticket read from another row",
            count(Some(dq.rows_superseded as f64))
        ));
    }
    let groups: Vec<QualityGroup> = dq
        .rejects_summary
        .iter()
        .take(MAX_QUALITY_GROUPS)
        .map(|g| {
            let lines: Vec<String> = g.first_lines.iter().map(|x| x.to_string()).collect();
            let more = g.count as usize > lines.len();
            QualityGroup {
                count: count(Some(g.count as f64)),
                example: truncate(&g.example, 300),
                lines: format!("{}{}", lines.join(", "), if more { ", …" } else { "" }),
                hint: truncate(g.hint.as_deref().unwrap_or(""), 300),
            }
        })
        .collect();
    let warnings: Vec<String> = dq.warnings.iter().map(|w| truncate(w, 300)).collect();
    let over_limit = rejected > 0 && dq.rejected_share > dq.max_reject_rate;
    Quality {
        alert: rejected > 0 || !warnings.is_empty() || !skipped.is_empty(),
        over_limit,
        line,
        groups,
        warnings,
        skipped,
        rejects_file: dq
            .rejects_file
            .as_deref()
            // By file name: it sits beside the report, and the full path
            // can carry a user name.
            .map(|s| truncate(&crate::io::file_name(std::path::Path::new(s)), 200))
            .unwrap_or_default(),
    }
}

/// One key/value line of the run footer.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Fact {
    /// Name.
    pub key: String,
    /// Value.
    pub value: String,
}

/// The run info footer: highlights first, then everything else flattened.
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct RunInfo {
    /// Model, hashes, row counts.
    pub highlights: Vec<Fact>,
    /// Stage timings.
    pub timings: Vec<Fact>,
    /// Every scalar in run.json, flattened (`options.period = week`).
    pub all: Vec<Fact>,
}

/// Build the run footer from the run info.
pub fn run_info(run: &Run) -> RunInfo {
    let mut highlights = Vec::new();
    let mut add = |key: &str, v: Option<String>| {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            highlights.push(Fact {
                key: key.into(),
                value: truncate(&v, 120),
            });
        }
    };
    let n = |k: &str| run.rows.get(k).map(|&x| count(Some(x as f64)));
    add("Model", Some(run.model_name.clone()));
    add("Model sha256", Some(run.model_sha256.clone()));
    add("Input", Some(run.input.clone()));
    add("Input sha256", run.input_sha256.clone());
    add("Rows read", n("read"));
    add("Rows written", n("written"));
    add("Messages read", n("messages_read"));
    add("Tickets written", n("tickets_written"));
    add("Rows rejected", n("rejected"));
    add("Customers file", run.customers_file.clone());
    add("Customers sha256", run.customers_sha256.clone());
    add("Churn model", Some(run.churn_model_used.clone()));
    add(
        "Customers scored",
        run.customers.get("scored").map(|&x| count(Some(x as f64))),
    );
    add("ticketlens", Some(run.ticketlens_version.clone()));
    let timings = run
        .stage_seconds
        .iter()
        .map(|(name, secs)| Fact {
            key: truncate(name, 40),
            value: format!("{secs:.2} s"),
        })
        .collect();
    let mut all = Vec::new();
    // Every field, flattened for display: the struct is the schema.
    if let Ok(v) = serde_json::to_value(run) {
        flatten("", &v, &mut all);
    }
    RunInfo {
        highlights,
        timings,
        all,
    }
}

fn as_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn flatten(prefix: &str, v: &Value, out: &mut Vec<Fact>) {
    if out.len() >= 80 {
        return;
    }
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, x, out);
            }
        }
        Value::Array(a) if a.iter().all(|x| !x.is_object() && !x.is_array()) => {
            let s: Vec<String> = a.iter().filter_map(as_text).collect();
            out.push(Fact {
                key: prefix.into(),
                value: truncate(&s.join(", "), 200),
            });
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate().take(10) {
                flatten(&format!("{prefix}[{i}]"), x, out);
            }
        }
        Value::Null => {}
        other => out.push(Fact {
            key: prefix.into(),
            value: truncate(&as_text(other).unwrap_or_default(), 200),
        }),
    }
}

/// One line per KPI for the "How these numbers are defined" section.
pub fn definitions() -> Vec<(&'static str, String)> {
    use crate::error::Setting::{AgentHours, CostPerAgentHour, SupportCost};
    let spelt = [AgentHours, SupportCost, CostPerAgentHour]
        .map(|s| (format!("{{{}}}", s.key()), s.to_string()));
    DEFINITIONS
        .iter()
        .map(|(name, text)| {
            let text = spelt
                .iter()
                .fold(text.to_string(), |t, (key, name)| t.replace(key, name));
            (*name, text)
        })
        .collect()
}

/// The definitions, with the settings they name as `{key}` placeholders.
const DEFINITIONS: [(&str, &str); 21] = [
    ("Tickets", "tickets created in the period (by created time, in the report's time zone)."),
    ("Backlog", "tickets open (not yet resolved) at the end of the period; the headline compares the end of the last complete period with the end of the one before."),
    ("First response time (FRT)", "creation to the first agent reply; median and 90th percentile over tickets that have a reply."),
    ("Resolution time", "creation to resolved/closed, over resolved tickets only."),
    ("CSAT", "share of satisfaction answers that are 4 or 5 on a 1–5 scale."),
    ("NPS", "% promoters (9–10) minus % detractors (0–6), from −100 to 100."),
    ("CES", "mean customer effort score (1–7, lower is easier)."),
    ("Escalation rate", "share of tickets marked escalated."),
    ("Reopen rate", "share of resolved tickets reopened at least once."),
    ("First contact resolution", "share of resolved tickets solved with one agent reply and never reopened."),
    ("SLA breach rate", "share of tickets whose first response or resolution exceeded the target for their priority."),
    ("Resolution rate", "tickets resolved at the measuring instant over all tickets created (per period: created in it and resolved since)."),
    ("Average handle time (AHT)", "mean agent work time per ticket, over tickets with a handle-time value; utilisation is handle time over paid hours ({agent_hours})."),
    ("Time to escalation", "creation to the escalation time, over escalated tickets with one."),
    ("Cost per ticket", "{support_cost} divided by tickets (per resolution: by resolved tickets), or {cost_per_agent_hour} times handle time."),
    ("Contact rate", "customers of the customers table with at least one ticket over all customers in it; tickets per customer is tickets over distinct customers with tickets."),
    ("Churn and retention rate", "churned customers over customers with a churn label; retention is one minus churn."),
    ("Peak hours", "tickets created per weekday and hour of the day in the report's time zone."),
    ("Negative share", "share of tickets the model classifies as negative; mean p(negative) is its average probability."),
    ("Theme growth", "a theme's share of all tickets in the recent periods (last 2 weeks, 1 month or 7 days) over its share in up to half a year before (near-empty periods left out): +40% or ×2.5, so a desk that grows does not make every theme trend; the count growth is shown beside it; z and p test whether the rise is more than noise."),
    ("Churn risk", "estimated probability a customer churns, from a model trained on ticket history; bands high/medium/low."),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kpi::{KpiBlock, KpiOptions};
    use serde_json::json;

    #[test]
    fn dimension_tables_sort_by_volume_and_skip_absent_columns() {
        let mut k = crate::kpi::compute(std::iter::empty(), &KpiOptions::default());
        let block = |tickets: u64, csat: Option<f64>| KpiBlock {
            tickets,
            csat_rate: csat,
            ..Default::default()
        };
        k.by = vec![
            (
                "priority".into(),
                [("low".to_string(), block(5, None))].into_iter().collect(),
            ),
            (
                "channel".into(),
                [
                    ("email".to_string(), block(2, Some(0.5))),
                    ("chat".to_string(), block(9, None)),
                ]
                .into_iter()
                .collect(),
            ),
            (
                "topic".into(),
                [(NONE_LABEL.to_string(), block(11, None))]
                    .into_iter()
                    .collect(),
            ),
        ];
        let t = by_dimension(&k);
        assert_eq!(t.len(), 2, "a dimension that is all (none) is left out");
        assert_eq!(t[0].caption, "KPIs by channel");
        assert_eq!(t[0].rows[0][0].text, "chat");
        // Columns no group has a value for are left out.
        assert_eq!(t[0].headers, ["channel", "Tickets", "CSAT"]);
        assert_eq!(t[0].rows[1][2].text, "50.0%");
        assert_eq!(t[1].caption, "KPIs by priority");
    }

    #[test]
    fn run_info_highlights_and_flattens() {
        let mut info = Run {
            ticketlens_version: "9.9.9".into(),
            model_name: "ticket-minilm".into(),
            model_sha256: "abc".into(),
            input_sha256: Some("def".into()),
            stage_seconds: vec![("ingest+classify".into(), 1.234), ("report".into(), 0.02)],
            options: json!({"period": "week"}),
            ..Default::default()
        };
        info.rows.insert("read".into(), 1200);
        info.rows.insert("rejected".into(), 3);
        let r = run_info(&info);
        assert_eq!(
            r.highlights[0],
            Fact {
                key: "Model".into(),
                value: "ticket-minilm".into()
            }
        );
        for (k, v) in [
            ("Rows read", "1,200"),
            ("Input sha256", "def"),
            ("ticketlens", "9.9.9"),
        ] {
            assert!(
                r.highlights.contains(&Fact {
                    key: k.into(),
                    value: v.into()
                }),
                "{k}: {:?}",
                r.highlights
            );
        }
        assert_eq!(r.timings.len(), 2);
        assert_eq!(
            (r.timings[0].key.as_str(), r.timings[0].value.as_str()),
            ("ingest+classify", "1.23 s")
        );
        assert!(r.all.contains(&Fact {
            key: "options.period".into(),
            value: "week".into()
        }));
    }
}
