//! The churn section: customers most at risk and the model's holdout
//! evaluation against its baseline (or the reason churn did not run).

use super::format::{count, fixed, pct, truncate, NA};
use super::table::{Cell, Table};
use crate::churn::{revenue_at_risk, AtRisk};
use crate::report::ChurnOutcome;
use serde::Serialize;

/// Most at-risk customers listed.
pub const MAX_AT_RISK: usize = 25;

/// At-risk customers plus the churn model's evaluation.
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct Churn {
    /// Why churn results are missing.
    pub unavailable: Option<String>,
    /// Top customers by risk.
    pub at_risk: Table,
    /// Revenue at risk ([`revenue_line`]); empty without MRR.
    pub revenue: String,
    /// Holdout metrics, model vs baseline.
    pub evaluation: Table,
    /// Cross-validation line, e.g. "5-fold cross-validated ROC AUC 0.856 ±
    /// 0.074 (baseline 0.790 ± 0.089)".
    pub cv: String,
    /// The evaluation's one-line verdict (does the model beat the baseline?).
    pub verdict: String,
}

const METRICS: [(&str, bool); 5] = [
    ("ROC AUC (higher is better)", true),
    ("PR AUC (higher is better)", true),
    ("Brier score (lower is better)", false),
    ("Precision in top 10% (higher is better)", true),
    ("Recall in top 10% (higher is better)", true),
];

/// Build the churn section from the churn stage's outcome.
pub fn churn(outcome: &ChurnOutcome) -> Churn {
    let (rows, eval) = match outcome {
        ChurnOutcome::Skipped { reason } => {
            return Churn {
                unavailable: Some(format!("not available: {reason}")),
                ..Default::default()
            }
        }
        ChurnOutcome::Trained { eval, at_risk } => (at_risk.as_slice(), Some(eval.as_ref())),
        ChurnOutcome::Scored { at_risk, .. } => (at_risk.as_slice(), None),
    };
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
            "Expected MRR at risk#",
        ],
    );
    // The stage sorts riskiest first; keep that order.
    if rows.len() > MAX_AT_RISK {
        t.caption
            .push_str(&format!(" (top {MAX_AT_RISK} of {})", rows.len()));
    }
    t.rows = rows
        .iter()
        .take(MAX_AT_RISK)
        .map(|r| {
            let band = r.risk_band.to_ascii_lowercase();
            let (band_class, band_rank) = match band.as_str() {
                "high" => ("band-high", Some(3.0)),
                "medium" => ("band-medium", Some(2.0)),
                "low" => ("band-low", Some(1.0)),
                _ => ("", None),
            };
            let s = |v: Option<String>| Cell::text(truncate(&v.unwrap_or_else(|| NA.into()), 60));
            let tickets = Some(f64::from(r.tickets_90d));
            vec![
                s(Some(r.customer_id.clone())),
                Cell::num(pct(Some(r.churn_risk)), Some(r.churn_risk)),
                Cell::num(band, band_rank).class(band_class),
                Cell::text(truncate(&r.top_factors.join("; "), 160)),
                Cell::num(count(tickets), tickets),
                s(r.last_contact.map(|d| d.to_string())),
                s(r.last_sentiment.clone()),
                s(r.plan.clone()),
                Cell::num(fixed(r.mrr, 0), r.mrr),
                Cell::num(fixed(r.expected_mrr_at_risk, 0), r.expected_mrr_at_risk),
            ]
        })
        .collect();
    let revenue = revenue_line(rows);
    let mut ev = Table::new(
        "Churn model evaluation (holdout)",
        &["Metric", "Model#", "Baseline#"],
    );
    let mut cv = String::new();
    let mut verdict = String::new();
    if let Some(e) = eval {
        let (m, b) = (&e.holdout.model, &e.holdout.baseline);
        let pairs = [
            (m.roc_auc, b.roc_auc),
            (m.pr_auc, b.pr_auc),
            (m.brier, b.brier),
            (m.top10_precision, b.top10_precision),
            (m.top10_recall, b.top10_recall),
        ];
        for ((name, higher), (m, b)) in METRICS.into_iter().zip(pairs) {
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
        if e.holdout.test > 0 {
            ev.caption = format!(
                "Churn model evaluation ({} held-out customers, {} churned)",
                count(Some(e.holdout.test as f64)),
                count(Some(e.holdout.test_churned as f64))
            );
        }
        let mean_sd = |s: &crate::churn::MetricsSummary| {
            s.roc_auc
                .as_ref()
                .map(|x| format!("{:.3} ± {:.3}", x.mean, x.sd))
        };
        if let Some(m) = mean_sd(&e.cross_validation.model) {
            let folds = e.cross_validation.folds;
            cv = if folds > 0 {
                format!("{folds}-fold cross-validated ROC AUC {m}")
            } else {
                format!("cross-validated ROC AUC {m}")
            };
            if let Some(b) = mean_sd(&e.cross_validation.baseline) {
                cv.push_str(&format!(" (baseline {b})"));
            }
        }
        verdict = e.verdict.clone();
    }
    let unavailable = match (outcome, rows.is_empty()) {
        (_, true) => Some("no at-risk list: no customer could be scored".to_string()),
        (ChurnOutcome::Scored { model, .. }, _) => Some(format!(
            "no model evaluation: the customers were scored with the saved model {model}, evaluated where it was trained"
        )),
        _ => None,
    };
    Churn {
        unavailable,
        at_risk: t,
        revenue,
        evaluation: ev,
        cv,
        verdict,
    }
}

/// "Revenue at risk: …" over the scored customers with an MRR, or empty.
pub fn revenue_line(rows: &[AtRisk]) -> String {
    let Some(r) = revenue_at_risk(rows) else {
        return String::new();
    };
    let money = |x: f64| count(Some(x.round()));
    format!(
        "Revenue at risk: {} MRR with high-risk and {} with medium-risk customers; expected MRR at risk {} (Σ MRR × churn risk over {} customers with an MRR, of {} MRR in all).",
        money(r.high_mrr),
        money(r.medium_mrr),
        money(r.expected_mrr),
        count(Some(r.customers_with_mrr as f64)),
        money(r.total_mrr)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::churn::{ChurnEval, MeanSd, Metrics, MetricsSummary};

    fn real_eval() -> ChurnEval {
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
        e
    }

    pub(crate) fn customer(id: &str, risk: f64, band: &str, mrr: Option<f64>) -> AtRisk {
        AtRisk {
            customer_id: id.into(),
            churn_risk: risk,
            risk_band: band.into(),
            top_factors: vec!["many tickets".into()],
            tickets_90d: 3,
            last_contact: None,
            last_sentiment: None,
            plan: None,
            mrr,
            expected_mrr_at_risk: mrr.map(|m| m * risk),
        }
    }

    #[test]
    fn churn_lists_customers_revenue_and_compares_with_baseline() {
        let rows = vec![
            customer("b", 0.9, "high", Some(100.0)),
            customer("c", 0.5, "medium", Some(40.0)),
            customer("a", 0.2, "low", None),
        ];
        let out = ChurnOutcome::Trained {
            eval: Box::new(real_eval()),
            at_risk: rows,
        };
        let c = churn(&out);
        assert!(c.unavailable.is_none());
        assert_eq!(c.at_risk.rows[0][0].text, "b");
        assert_eq!(c.at_risk.rows[0][2].class, "band-high");
        assert_eq!(c.at_risk.rows[0][9].text, "90");
        // 100 high, 40 medium; expected 0.9·100 + 0.5·40 = 110 over 2.
        assert_eq!(
            c.revenue,
            "Revenue at risk: 100 MRR with high-risk and 40 with medium-risk customers; expected MRR at risk 110 (Σ MRR × churn risk over 2 customers with an MRR, of 140 MRR in all)."
        );
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
        let none = churn(&ChurnOutcome::Skipped {
            reason: "churn: no --customers file given".into(),
        });
        assert_eq!(
            none.unavailable.as_deref(),
            Some("not available: churn: no --customers file given")
        );
        let scored = churn(&ChurnOutcome::Scored {
            model: "m.json".into(),
            at_risk: vec![customer("a", 0.2, "low", None)],
        });
        assert!(scored.revenue.is_empty(), "no MRR, no revenue line");
        assert!(scored.unavailable.unwrap().contains("saved model m.json"));
    }
}
