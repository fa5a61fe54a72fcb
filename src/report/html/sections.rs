//! The report's data sections built from the analysis outputs' JSON:
//! KPIs by dimension, themes, at-risk customers, churn evaluation, run info.
//!
//! Each builder returns either content or a "not available: <reason>" note,
//! never an error: a missing or reshaped input must not lose the rest of the
//! report.

use super::charts::sparkline;
use super::format::{count, fixed, hours, minutes, pct, truncate, NA};
use super::json::{as_num, as_text, num, path, pick, string_list, text};
use super::table::{Cell, Table};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// Most themes listed in the themes table.
pub const MAX_THEMES: usize = 40;
/// Most trending theme cards (each with up to 3 examples).
pub const MAX_TRENDING: usize = 8;
/// Most at-risk customers listed.
pub const MAX_AT_RISK: usize = 25;
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

/// An example ticket under a theme.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Example {
    /// Ticket id.
    pub id: String,
    /// Text, shortened.
    pub text: String,
}

/// A trending theme card.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ThemeCard {
    /// Theme id as text.
    pub id: String,
    /// Label.
    pub label: String,
    /// Top keywords.
    pub keywords: Vec<String>,
    /// Tickets in the theme.
    pub size: String,
    /// Growth vs previous period(s), as shown.
    pub growth: String,
    /// Raw growth for colouring (`up`, `down`, ``).
    pub direction: &'static str,
    /// z-score and p-value line.
    pub significance: String,
    /// Tickets in the last period.
    pub last_count: String,
    /// Negative share.
    pub negative_share: String,
    /// Inline SVG sparkline (numbers only; safe to insert).
    pub sparkline: String,
    /// Up to 3 examples.
    pub examples: Vec<Example>,
}

/// Themes section: trending cards plus a table of all themes.
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct Themes {
    /// Set when the section cannot be shown.
    pub unavailable: Option<String>,
    /// Trending theme cards.
    pub trending: Vec<ThemeCard>,
    /// All themes (largest first).
    pub table: Table,
}

const ID: &[&str] = &["id", "theme_id", "theme"];
const LABEL: &[&str] = &["label", "theme_label", "name"];
const GROWTH: &[&str] = &["growth", "growth_rate", "trend.growth"];
const NEG: &[&str] = &[
    "negative_share",
    "sentiment_mix.negative",
    "sentiment.negative",
    "sentiment_mix.negative_share",
];

fn growth_text(g: Option<f64>) -> (String, &'static str) {
    match g {
        Some(g) => (
            super::format::signed(g * 100.0, 0, "%"),
            if g > 0.0 {
                "up"
            } else if g < 0.0 {
                "down"
            } else {
                ""
            },
        ),
        None => (NA.into(), ""),
    }
}

/// Counts per period per theme id from trends.csv rows, ordered by period.
fn trend_counts(trends: &[Value]) -> BTreeMap<String, Vec<(String, f64)>> {
    let mut out: BTreeMap<String, Vec<(String, f64)>> = BTreeMap::new();
    for r in trends {
        let (Some(id), Some(p)) = (text(r, ID), text(r, &["period"])) else {
            continue;
        };
        out.entry(id)
            .or_default()
            .push((p, num(r, &["count", "tickets"]).unwrap_or(0.0)));
    }
    for v in out.values_mut() {
        v.sort_by(|a, b| a.0.cmp(&b.0));
    }
    out
}

/// Build the themes section from themes.json and trends.csv rows.
pub fn themes(themes: Option<&Value>, trends: &[Value]) -> Themes {
    let Some(doc) = themes else {
        return Themes {
            unavailable: Some("not available: no themes results (themes.json) for this run".into()),
            ..Default::default()
        };
    };
    let list: Vec<&Value> = pick(doc, &["themes"])
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    if list.is_empty() {
        return Themes {
            unavailable: Some("not available: themes.json lists no themes".into()),
            ..Default::default()
        };
    }
    let by_id: BTreeMap<String, &Value> = list
        .iter()
        .filter_map(|t| Some((text(t, ID)?, *t)))
        .collect();
    let counts = trend_counts(trends);
    let spark = |id: &str| {
        counts
            .get(id)
            .map(|c| sparkline(&c.iter().map(|x| x.1).collect::<Vec<_>>()))
            .unwrap_or_default()
    };
    // Trending order: themes.json → trending, else themes by growth.
    let mut trending: Vec<(&Value, Option<&Value>)> = pick(doc, &["trending"])
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|t| (t, text(t, ID).and_then(|id| by_id.get(&id).copied())))
                .collect()
        })
        .unwrap_or_default();
    if trending.is_empty() {
        let mut l: Vec<&Value> = list.clone();
        l.sort_by(|a, b| {
            num(b, GROWTH)
                .unwrap_or(f64::MIN)
                .total_cmp(&num(a, GROWTH).unwrap_or(f64::MIN))
        });
        trending = l
            .into_iter()
            .filter(|t| num(t, GROWTH).is_some_and(|g| g > 0.0))
            .map(|t| (t, Some(t)))
            .collect();
    }
    let cards = trending
        .into_iter()
        .take(MAX_TRENDING)
        .map(|(tr, theme)| {
            let both = |keys: &[&str]| text(tr, keys).or_else(|| theme.and_then(|t| text(t, keys)));
            let both_num =
                |keys: &[&str]| num(tr, keys).or_else(|| theme.and_then(|t| num(t, keys)));
            let id = both(ID).unwrap_or_default();
            let (growth, direction) = growth_text(both_num(GROWTH));
            let z = both_num(&["z", "z_score"]);
            let p = both_num(&["p", "p_value"]);
            let significance = match (z, p) {
                (Some(z), Some(p)) => format!(
                    "z = {z:.1}, p = {}",
                    if p < 0.001 {
                        "<0.001".into()
                    } else {
                        format!("{p:.3}")
                    }
                ),
                (Some(z), None) => format!("z = {z:.1}"),
                _ => String::new(),
            };
            let examples = theme
                .and_then(|t| path(t, "examples"))
                .and_then(Value::as_array)
                .map(|ex| {
                    ex.iter()
                        .take(3)
                        .filter_map(|e| {
                            let body = match e {
                                Value::Object(_) => text(e, &["text", "body", "subject"])?,
                                other => as_text(other)?,
                            };
                            Some(Example {
                                id: text(e, &["ticket_id", "id"]).unwrap_or_default(),
                                text: truncate(&body, 280),
                            })
                        })
                        .collect()
                })
                .unwrap_or_default();
            ThemeCard {
                label: truncate(&both(LABEL).unwrap_or_else(|| format!("theme {id}")), 80),
                keywords: keywords(theme.unwrap_or(tr)),
                size: count(both_num(&["size", "tickets", "count"])),
                growth,
                direction,
                significance,
                last_count: count(both_num(&[
                    "last_count",
                    "last",
                    "current_count",
                    "count_last",
                ])),
                negative_share: pct(both_num(NEG)),
                sparkline: spark(&id),
                examples,
                id,
            }
        })
        .collect();
    let mut table = Table::new(
        "All themes",
        &[
            "Theme",
            "Label",
            "Tickets#",
            "Negative#",
            "First response (median)#",
            "CSAT#",
            "Growth#",
            "Trend",
            "Keywords",
        ],
    );
    let mut rows: Vec<(f64, Vec<Cell>)> = list
        .iter()
        .map(|t| {
            let id = text(t, ID).unwrap_or_default();
            let size = num(t, &["size", "tickets", "count"]);
            let neg = num(t, NEG);
            let frt = num(
                t,
                &[
                    "kpis.first_response_minutes.median",
                    "kpi.frt_median_minutes",
                    "frt_median_minutes",
                    "kpis.frt_median_minutes",
                    "kpi.first_response_minutes.median",
                ],
            );
            let csat = num(t, &["kpis.csat_rate", "kpi.csat_rate", "csat_rate"]);
            let g = num(t, GROWTH);
            let (gtext, dir) = growth_text(g);
            let row = vec![
                Cell::num(id.clone(), as_num(&Value::String(id.clone()))),
                Cell::text(truncate(&text(t, LABEL).unwrap_or_default(), 80)),
                Cell::num(count(size), size),
                Cell::num(pct(neg), neg),
                Cell::num(minutes(frt), frt),
                Cell::num(pct(csat), csat),
                Cell::num(gtext, g).class(if dir == "up" { "bad" } else { "" }),
                Cell::svg(spark(&id)),
                Cell::text(keywords(t).join(", ")),
            ];
            (size.unwrap_or(0.0), row)
        })
        .collect();
    rows.sort_by(|a, b| b.0.total_cmp(&a.0));
    if rows.len() > MAX_THEMES {
        table
            .caption
            .push_str(&format!(" (largest {MAX_THEMES} of {})", rows.len()));
    }
    table.rows = rows.into_iter().take(MAX_THEMES).map(|(_, r)| r).collect();
    Themes {
        unavailable: None,
        trending: cards,
        table,
    }
}

fn keywords(t: &Value) -> Vec<String> {
    path(t, "keywords")
        .map(|k| string_list(k, &["term", "keyword", "word"]))
        .unwrap_or_default()
        .into_iter()
        .take(8)
        .map(|k| truncate(&k, 40))
        .collect()
}

/// At-risk customers plus the churn model's evaluation.
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct Churn {
    /// Why churn results are missing.
    pub unavailable: Option<String>,
    /// Top customers by risk.
    pub at_risk: Table,
    /// Holdout metrics, model vs baseline.
    pub evaluation: Table,
    /// Cross-validation line, e.g. "5-fold ROC AUC 0.81 ± 0.02".
    pub cv: String,
}

const METRICS: [(&str, &str, bool); 5] = [
    ("roc_auc", "ROC AUC (higher is better)", true),
    ("pr_auc", "PR AUC (higher is better)", true),
    ("brier", "Brier score (lower is better)", false),
    (
        "top10_precision",
        "Precision in top 10% (higher is better)",
        true,
    ),
    ("top10_recall", "Recall in top 10% (higher is better)", true),
];

/// Build the churn section.
pub fn churn(at_risk: &[Value], eval: Option<&Value>, note: Option<&str>) -> Churn {
    if at_risk.is_empty() && eval.is_none() {
        let reason = note.map(str::to_string).unwrap_or_else(|| {
            "no churn results (at_risk.csv, churn_eval.json) for this run".into()
        });
        return Churn {
            unavailable: Some(format!("not available: {reason}")),
            ..Default::default()
        };
    }
    let mut t = Table::new(
        "Customers most at risk",
        &[
            "Customer",
            "Risk#",
            "Band",
            "Top factors",
            "Tickets (90 d)#",
            "Last contact",
            "Last sentiment",
            "Plan",
            "MRR#",
        ],
    );
    let mut rows: Vec<(f64, &Value)> = at_risk
        .iter()
        .map(|r| (num(r, &["churn_risk", "risk"]).unwrap_or(f64::MIN), r))
        .collect();
    rows.sort_by(|a, b| b.0.total_cmp(&a.0));
    if rows.len() > MAX_AT_RISK {
        t.caption
            .push_str(&format!(" (top {MAX_AT_RISK} of {})", rows.len()));
    }
    t.rows = rows
        .into_iter()
        .take(MAX_AT_RISK)
        .map(|(_, r)| {
            let risk = num(r, &["churn_risk", "risk"]);
            let band = text(r, &["risk_band", "band"])
                .unwrap_or_else(|| NA.into())
                .to_ascii_lowercase();
            let band_class = match band.as_str() {
                "high" => "band-high",
                "medium" => "band-medium",
                "low" => "band-low",
                _ => "",
            };
            let band_rank = match band.as_str() {
                "high" => Some(3.0),
                "medium" => Some(2.0),
                "low" => Some(1.0),
                _ => None,
            };
            let factors = path(r, "top_factors")
                .map(|f| string_list(f, &["factor", "name", "label"]))
                .unwrap_or_default();
            let tickets = num(r, &["tickets_90d", "tickets"]);
            let mrr = num(r, &["mrr"]);
            let s = |k: &[&str]| Cell::text(truncate(&text(r, k).unwrap_or_else(|| NA.into()), 60));
            vec![
                s(&["customer_id", "customer"]),
                Cell::num(pct(risk), risk),
                Cell::num(band, band_rank).class(band_class),
                Cell::text(truncate(&factors.join("; "), 160)),
                Cell::num(count(tickets), tickets),
                s(&["last_contact"]),
                s(&["last_sentiment"]),
                s(&["plan"]),
                Cell::num(fixed(mrr, 0), mrr),
            ]
        })
        .collect();
    let mut ev = Table::new(
        "Churn model evaluation (holdout)",
        &["Metric", "Model#", "Baseline#"],
    );
    let mut cv = String::new();
    if let Some(e) = eval {
        let holdout = pick(e, &["holdout", "test"]).unwrap_or(e);
        let baseline = pick(e, &["baseline", "holdout.baseline"]);
        for (key, name, higher) in METRICS {
            let m = num(holdout, &[key]);
            let b = baseline.and_then(|b| num(b, &[key]));
            if m.is_none() && b.is_none() {
                continue;
            }
            let class = match (m, b) {
                (Some(m), Some(b)) if (m > b) == higher && (m - b).abs() > 1e-12 => "good",
                (Some(m), Some(b)) if (m - b).abs() > 1e-12 => "bad",
                _ => "",
            };
            ev.rows.push(vec![
                Cell::text(name),
                Cell::num(fixed(m, 3), m).class(class),
                Cell::num(fixed(b, 3), b),
            ]);
        }
        if let Some(c) = pick(e, &["cv", "cross_validation"]) {
            let mean = num(c, &["roc_auc.mean", "roc_auc_mean", "auc_mean"]);
            let sd = num(
                c,
                &[
                    "roc_auc.sd",
                    "roc_auc_sd",
                    "roc_auc.std",
                    "roc_auc_std",
                    "auc_sd",
                ],
            );
            let folds = num(c, &["folds", "k"])
                .map(|k| format!("{k:.0}-fold "))
                .unwrap_or_default();
            if let Some(mean) = mean {
                cv = format!("{folds}cross-validated ROC AUC {mean:.3}");
                if let Some(sd) = sd {
                    cv.push_str(&format!(" ± {sd:.3}"));
                }
            }
        }
    }
    let unavailable = match (at_risk.is_empty(), eval.is_none()) {
        (true, _) => Some(format!(
            "no at-risk list: {}",
            note.unwrap_or("at_risk.csv is empty")
        )),
        (_, true) => Some(format!(
            "no model evaluation: {}",
            note.unwrap_or("churn_eval.json is missing")
        )),
        _ => None,
    };
    Churn {
        unavailable,
        at_risk: t,
        evaluation: ev,
        cv,
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

/// Build the run footer from run.json.
pub fn run_info(run: &Value) -> RunInfo {
    let mut highlights = Vec::new();
    let mut add = |key: &str, paths: &[&str], f: &dyn Fn(&Value) -> Option<String>| {
        if let Some(v) = pick(run, paths).and_then(f) {
            highlights.push(Fact {
                key: key.into(),
                value: truncate(&v, 120),
            });
        }
    };
    add("Model", &["model.name", "model_name", "model"], &as_text);
    add("Model sha256", &["model.sha256", "model_sha256"], &as_text);
    add("Input sha256", &["input.sha256", "input_sha256"], &as_text);
    add(
        "Rows read",
        &["rows.read", "counts.read", "rows_read"],
        &|v| as_num(v).map(|x| count(Some(x))),
    );
    add(
        "Rows written",
        &["rows.written", "counts.written", "rows_written"],
        &|v| as_num(v).map(|x| count(Some(x))),
    );
    add(
        "Rows rejected",
        &["rows.rejected", "counts.rejected", "rows_rejected"],
        &|v| as_num(v).map(|x| count(Some(x))),
    );
    add("ticketlens", &["versions.ticketlens", "version"], &as_text);
    let timings = pick(run, &["timings", "timings_s", "timing"])
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| {
                    let secs = as_num(v).or_else(|| num(v, &["seconds", "secs", "s"]))?;
                    Some(Fact {
                        key: truncate(k, 40),
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
    ("Backlog", "tickets not yet resolved at the end of the period."),
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
    ("Theme growth", "change of a theme's tickets in the last period against its recent average; z and p test whether the rise is more than noise."),
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

    #[test]
    fn themes_join_trending_and_trends() {
        let doc = json!({
            "themes": [
                {"id": 0, "label": "refund delays", "size": 40, "keywords": [{"term": "refund", "weight": 0.5}], "negative_share": 0.7,
                 "examples": [{"ticket_id": "T1", "text": "where is my refund"}, {"ticket_id": "T2", "text": "b"}, {"ticket_id": "T3", "text": "c"}, {"ticket_id": "T4", "text": "d"}]},
                {"id": 1, "label": "login", "size": 60}
            ],
            "trending": [{"theme_id": 0, "growth": 1.5, "z": 3.2, "p": 0.0004}]
        });
        let trends = vec![
            json!({"theme": "0", "period": "2025-W02", "count": "4"}),
            json!({"theme": "0", "period": "2025-W01", "count": "1"}),
        ];
        let t = themes(Some(&doc), &trends);
        assert_eq!(t.trending.len(), 1);
        let c = &t.trending[0];
        assert_eq!(
            (c.label.as_str(), c.growth.as_str(), c.direction),
            ("refund delays", "+150%", "up")
        );
        assert_eq!(c.significance, "z = 3.2, p = <0.001");
        assert_eq!(c.examples.len(), 3);
        assert_eq!(c.negative_share, "70.0%");
        assert!(
            c.sparkline.contains("points=\"3.0,19.5 117.0,3.0\""),
            "{}",
            c.sparkline
        );
        assert_eq!(t.table.rows[0][1].text, "login");
        assert!(themes(None, &[]).unavailable.is_some());
    }

    #[test]
    fn churn_sorts_by_risk_and_compares_with_baseline() {
        let rows = vec![
            json!({"customer_id": "a", "churn_risk": "0.2", "risk_band": "low", "top_factors": "x; y"}),
            json!({"customer_id": "b", "churn_risk": 0.9, "risk_band": "high", "top_factors": ["many tickets"]}),
        ];
        let ev = json!({"holdout": {"roc_auc": 0.81, "brier": 0.2}, "baseline": {"roc_auc": 0.6, "brier": 0.15}, "cv": {"roc_auc": {"mean": 0.8, "sd": 0.02}, "folds": 5}});
        let c = churn(&rows, Some(&ev), None);
        assert!(c.unavailable.is_none());
        assert_eq!(c.at_risk.rows[0][0].text, "b");
        assert_eq!(c.at_risk.rows[0][2].class, "band-high");
        assert_eq!(c.at_risk.rows[1][3].text, "x; y");
        assert_eq!(c.evaluation.rows.len(), 2);
        assert_eq!(c.evaluation.rows[0][1].class, "good");
        assert_eq!(
            c.evaluation.rows[1][1].class, "bad",
            "higher Brier is worse"
        );
        assert_eq!(c.cv, "5-fold cross-validated ROC AUC 0.800 ± 0.020");
        let none = churn(&[], None, Some("churn: no --customers file given"));
        assert_eq!(
            none.unavailable.as_deref(),
            Some("not available: churn: no --customers file given")
        );
    }

    #[test]
    fn run_info_highlights_and_flattens() {
        let run = json!({"model": {"name": "ticket-minilm", "sha256": "abc"}, "rows": {"read": 1200, "rejected": 3}, "timings": {"classify": 1.234}, "options": {"period": "week"}});
        let r = run_info(&run);
        assert_eq!(
            r.highlights[0],
            Fact {
                key: "Model".into(),
                value: "ticket-minilm".into()
            }
        );
        assert!(r.highlights.contains(&Fact {
            key: "Rows read".into(),
            value: "1,200".into()
        }));
        assert_eq!(r.timings[0].value, "1.23 s");
        assert!(r.all.contains(&Fact {
            key: "options.period".into(),
            value: "week".into()
        }));
    }
}
