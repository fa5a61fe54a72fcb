//! The report's data sections built from the analysis outputs' JSON:
//! KPIs by dimension and run info here; themes and churn in their own
//! modules (re-exported).
//!
//! Each builder returns either content or a "not available: …" note,
//! never an error: a missing or reshaped input must not lose the rest of the
//! report.

use super::format::{count, fixed, hours, minutes, pct, truncate};
use super::json::{as_num, as_text, num, pick};
use super::table::{Cell, Table};
use serde::Serialize;
use serde_json::Value;

pub use super::churn::{churn, Churn, MAX_AT_RISK};
pub use super::themes::{themes, Example, ThemeCard, Themes, MAX_THEMES, MAX_TRENDING};

/// Most groups per dimension table.
pub const MAX_GROUPS: usize = 30;

const FRT: &[&str] = &[
    "first_response_minutes.median",
    "frt_minutes.median",
    "frt_median_minutes",
    "first_response_minutes",
];
const RES: &[&str] = &[
    "resolution_hours.median",
    "resolution_median_hours",
    "resolution_hours",
];

/// KPI tables per grouping dimension (channel and priority first).
pub fn by_dimension(kpis: Option<&Value>) -> Vec<Table> {
    let Some(by) = kpis.and_then(|k| k.get("by")).and_then(Value::as_object) else {
        return Vec::new();
    };
    let mut dims: Vec<&String> = by.keys().collect();
    let rank = |d: &str| match d {
        "channel" => 0,
        "priority" => 1,
        _ => 2,
    };
    dims.sort_by_key(|d| rank(d));
    dims.into_iter()
        .take(6)
        .filter_map(|dim| {
            let groups = by.get(dim)?.as_object()?;
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
            let mut rows: Vec<(f64, Vec<Cell>)> = groups
                .iter()
                .map(|(g, v)| {
                    let tickets = num(v, &["tickets", "count"]);
                    let rate = |k: &[&str]| {
                        let x = num(v, k);
                        Cell::num(pct(x), x)
                    };
                    let frt = num(v, FRT);
                    let res = num(v, RES);
                    let nps = num(v, &["nps"]);
                    let row = vec![
                        Cell::text(truncate(g, 60)),
                        Cell::num(count(tickets), tickets),
                        Cell::num(minutes(frt), frt),
                        Cell::num(hours(res), res),
                        rate(&["csat_rate"]),
                        Cell::num(fixed(nps, 0), nps),
                        rate(&["sla_breach_rate"]),
                        rate(&["escalation_rate"]),
                        rate(&["negative_share"]),
                    ];
                    (tickets.unwrap_or(0.0), row)
                })
                .collect();
            rows.sort_by(|a, b| b.0.total_cmp(&a.0));
            if rows.len() > MAX_GROUPS {
                t.caption
                    .push_str(&format!(" (largest {MAX_GROUPS} of {})", rows.len()));
            }
            t.rows = rows.into_iter().take(MAX_GROUPS).map(|(_, r)| r).collect();
            Some(t)
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

/// Build the data-quality box from run.json's `data_quality` block
/// (`ingest::DataQuality`) and `skipped` list.
pub fn quality(run: &Value) -> Quality {
    let texts = |v: Option<&Value>| -> Vec<String> {
        v.and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(|s| truncate(s, 300))
                    .collect()
            })
            .unwrap_or_default()
    };
    let skipped = texts(run.get("skipped"));
    let Some(dq) = run.get("data_quality").filter(|v| v.is_object()) else {
        return Quality {
            alert: !skipped.is_empty(),
            line: "not available: no data-quality block in run.json".into(),
            skipped,
            ..Default::default()
        };
    };
    let n = |k: &str| num(dq, &[k]);
    let rejected = n("rows_rejected").unwrap_or(0.0);
    let share = n("rejected_share");
    let line = format!(
        "{} rows read, {} used, {} rejected ({})",
        count(n("rows_read")),
        count(n("rows_used")),
        count(Some(rejected)),
        pct(share)
    );
    let groups: Vec<QualityGroup> = dq
        .get("rejects_summary")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .take(MAX_QUALITY_GROUPS)
                .map(|g| {
                    let c = num(g, &["count"]);
                    let lines: Vec<String> = g
                        .get("first_lines")
                        .and_then(Value::as_array)
                        .map(|l| {
                            l.iter()
                                .filter_map(Value::as_u64)
                                .map(|x| x.to_string())
                                .collect()
                        })
                        .unwrap_or_default();
                    let more = c.unwrap_or(0.0) > lines.len() as f64;
                    QualityGroup {
                        count: count(c),
                        example: truncate(
                            g.get("example").and_then(Value::as_str).unwrap_or(""),
                            300,
                        ),
                        lines: format!("{}{}", lines.join(", "), if more { ", …" } else { "" }),
                        hint: truncate(g.get("hint").and_then(Value::as_str).unwrap_or(""), 300),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let warnings = texts(dq.get("warnings"));
    let over_limit =
        rejected > 0.0 && matches!((share, n("max_reject_rate")), (Some(s), Some(m)) if s > m);
    Quality {
        alert: rejected > 0.0 || !warnings.is_empty() || !skipped.is_empty(),
        over_limit,
        line,
        groups,
        warnings,
        skipped,
        rejects_file: dq
            .get("rejects_file")
            .and_then(Value::as_str)
            .map(|s| truncate(s, 200))
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

/// Build the run footer from run.json (`pipeline::run_info::RunInfo`:
/// `model_name`, `model_sha256`, `input_sha256`, `rows.*`,
/// `ticketlens_version`, `stage_seconds` as `[name, seconds]` pairs).
pub fn run_info(run: &Value) -> RunInfo {
    let mut highlights = Vec::new();
    let mut add = |key: &str, path: &str, f: &dyn Fn(&Value) -> Option<String>| {
        if let Some(v) = pick(run, &[path]).and_then(f) {
            highlights.push(Fact {
                key: key.into(),
                value: truncate(&v, 120),
            });
        }
    };
    let n = |v: &Value| as_num(v).map(|x| count(Some(x)));
    add("Model", "model_name", &as_text);
    add("Model sha256", "model_sha256", &as_text);
    add("Input", "input", &as_text);
    add("Input sha256", "input_sha256", &as_text);
    add("Rows read", "rows.read", &n);
    add("Rows written", "rows.written", &n);
    add("Rows rejected", "rows.rejected", &n);
    add("Customers file", "customers_file", &as_text);
    add("Customers sha256", "customers_sha256", &as_text);
    add("Churn model", "churn_model_used", &as_text);
    add("Customers scored", "customers.scored", &n);
    add("ticketlens", "ticketlens_version", &as_text);
    let timings = pick(run, &["stage_seconds"])
        .and_then(Value::as_array)
        .map(|stages| {
            stages
                .iter()
                .filter_map(|st| {
                    let pair = st.as_array()?;
                    let secs = as_num(pair.get(1)?)?;
                    Some(Fact {
                        key: truncate(&as_text(pair.first()?)?, 40),
                        value: format!("{secs:.2} s"),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    let mut all = Vec::new();
    flatten("", run, &mut all);
    RunInfo {
        highlights,
        timings,
        all,
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
pub const DEFINITIONS: [(&str, &str); 14] = [
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
    ("Negative share", "share of tickets the model classifies as negative; mean p(negative) is its average probability."),
    ("Theme growth", "rate of a theme's tickets in the recent periods (last 2 weeks, 1 month or 7 days) over its rate before, adjusted for partial periods: +40% or ×2.5; z and p test whether the rise is more than noise."),
    ("Churn risk", "estimated probability a customer churns, from a model trained on ticket history; bands high/medium/low."),
];

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn dimension_tables_sort_by_volume() {
        let k = json!({"by": {"priority": {"low": {"tickets": 5}}, "channel": {"email": {"tickets": 2, "csat_rate": 0.5}, "chat": {"tickets": 9}}}});
        let t = by_dimension(Some(&k));
        assert_eq!(t[0].caption, "KPIs by channel");
        assert_eq!(t[0].rows[0][0].text, "chat");
        assert_eq!(t[0].rows[1][4].text, "50.0%");
        assert_eq!(t[1].caption, "KPIs by priority");
        assert!(by_dimension(None).is_empty());
    }

    /// run.json as `analyze` writes it (the real struct, serialised).
    #[test]
    fn run_info_highlights_and_flattens() {
        let mut info = crate::pipeline::run_info::RunInfo {
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
        let r = run_info(&serde_json::to_value(&info).unwrap());
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
