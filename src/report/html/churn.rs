//! The churn section: customers most at risk and the model's holdout
//! evaluation against its baseline (or the reason churn did not run).

use super::format::{count, fixed, pct, truncate, NA};
use super::json::{num, path, string_list, text};
use super::table::{Cell, Table};
use serde::Serialize;
use serde_json::Value;

/// Most at-risk customers listed.
pub const MAX_AT_RISK: usize = 25;

/// At-risk customers plus the churn model's evaluation.
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct Churn {
    /// Why churn results are missing.
    pub unavailable: Option<String>,
    /// Top customers by risk.
    pub at_risk: Table,
    /// Holdout metrics, model vs baseline.
    pub evaluation: Table,
    /// Cross-validation line, e.g. "5-fold cross-validated ROC AUC 0.856 ±
    /// 0.074 (baseline 0.790 ± 0.089)".
    pub cv: String,
    /// The evaluation's one-line verdict (does the model beat the baseline?).
    pub verdict: String,
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
    let mut verdict = String::new();
    if let Some(e) = eval {
        // churn_eval.json (src/churn/eval.rs): holdout.{model,baseline}.<metric>
        // and cross_validation.{folds,model,baseline}.<metric>.{mean,sd}.
        let model = path(e, "holdout.model");
        let baseline = path(e, "holdout.baseline");
        for (key, name, higher) in METRICS {
            let m = model.and_then(|v| num(v, &[key]));
            let b = baseline.and_then(|v| num(v, &[key]));
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
        let held = num(e, &["holdout.test"]);
        let churned = num(e, &["holdout.test_churned"]);
        if let (Some(n), Some(c)) = (held, churned) {
            ev.caption = format!(
                "Churn model evaluation ({} held-out customers, {} churned)",
                count(Some(n)),
                count(Some(c))
            );
        }
        let mean_sd = |who: &str| {
            let key = format!("cross_validation.{who}.roc_auc");
            let m = num(e, &[format!("{key}.mean").as_str()])?;
            let sd = num(e, &[format!("{key}.sd").as_str()]);
            Some(match sd {
                Some(sd) => format!("{m:.3} ± {sd:.3}"),
                None => format!("{m:.3}"),
            })
        };
        if let Some(m) = mean_sd("model") {
            let folds = num(e, &["cross_validation.folds"])
                .map(|k| format!("{k:.0}-fold "))
                .unwrap_or_default();
            cv = format!("{folds}cross-validated ROC AUC {m}");
            if let Some(b) = mean_sd("baseline") {
                cv.push_str(&format!(" (baseline {b})"));
            }
        }
        verdict = text(e, &["verdict"]).unwrap_or_default();
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
        verdict,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::churn::{ChurnEval, MeanSd, Metrics, MetricsSummary};
    use serde_json::json;

    /// churn_eval.json as the churn stage writes it (its own types, so a
    /// schema change there breaks this test instead of the report).
    fn real_eval() -> Value {
        let mut e = ChurnEval::default();
        e.holdout.test = 76;
        e.holdout.test_churned = 15;
        e.holdout.model = Metrics {
            roc_auc: Some(0.81),
            brier: Some(0.2),
            ..Default::default()
        };
        e.holdout.baseline = Metrics {
            roc_auc: Some(0.6),
            brier: Some(0.15),
            ..Default::default()
        };
        e.cross_validation.folds = 5;
        e.cross_validation.model = MetricsSummary {
            roc_auc: Some(MeanSd {
                mean: 0.8,
                sd: 0.02,
            }),
            ..Default::default()
        };
        e.cross_validation.baseline = MetricsSummary {
            roc_auc: Some(MeanSd {
                mean: 0.7,
                sd: 0.05,
            }),
            ..Default::default()
        };
        e.verdict = "Model beats the baseline.".into();
        serde_json::to_value(&e).unwrap()
    }

    #[test]
    fn churn_sorts_by_risk_and_compares_with_baseline() {
        let rows = vec![
            json!({"customer_id": "a", "churn_risk": "0.2", "risk_band": "low", "top_factors": "x; y"}),
            json!({"customer_id": "b", "churn_risk": 0.9, "risk_band": "high", "top_factors": ["many tickets"]}),
        ];
        let ev = real_eval();
        let c = churn(&rows, Some(&ev), None);
        assert!(c.unavailable.is_none());
        assert_eq!(c.at_risk.rows[0][0].text, "b");
        assert_eq!(c.at_risk.rows[0][2].class, "band-high");
        assert_eq!(c.at_risk.rows[1][3].text, "x; y");
        assert_eq!(c.evaluation.rows.len(), 2);
        assert_eq!(c.evaluation.rows[0][1].text, "0.810");
        assert_eq!(c.evaluation.rows[0][2].text, "0.600");
        assert_eq!(c.evaluation.rows[0][1].class, "good");
        assert_eq!(
            c.evaluation.rows[1][1].class, "bad",
            "higher Brier is worse"
        );
        assert!(c
            .evaluation
            .caption
            .contains("76 held-out customers, 15 churned"));
        assert_eq!(
            c.cv,
            "5-fold cross-validated ROC AUC 0.800 ± 0.020 (baseline 0.700 ± 0.050)"
        );
        assert_eq!(c.verdict, "Model beats the baseline.");
        let none = churn(&[], None, Some("churn: no --customers file given"));
        assert_eq!(
            none.unavailable.as_deref(),
            Some("not available: churn: no --customers file given")
        );
    }
}
