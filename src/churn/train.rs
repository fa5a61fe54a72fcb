//! Training with honest evaluation.
//!
//! 1. Features for every customer as of `as_of`; the labelled ones are the training set.
//! 2. Held-out split (stratified, seeded, 25 %): preprocessing and weights are
//!    fitted on the 75 % only, scored on the 25 %, next to the baseline.
//! 3. Stratified k-fold cross-validation on all labelled customers (mean ± sd),
//!    whose out-of-fold predictions also choose the threshold (best F1).
//! 4. The final model is refitted on all labelled customers.
//!
//! The held-out fit and the k fold fits are independent and run in parallel.

use chrono::Utc;
use rayon::prelude::*;

use super::eval::{ChurnEval, CvEval, HoldoutEval, HoldoutPrediction, RiskBands};
use super::features::{build_with_schema, default_as_of, FeatureMatrix, FeatureSchema};
use super::metrics::{
    best_f1_threshold, stratified_folds, stratified_split, Metrics, MetricsSummary,
};
use super::model::{ChurnModel, Fitted, MODEL_FORMAT};
use super::{ChurnOptions, CustomerTable};
use crate::error::{ChurnError, Setting};
use crate::{EnrichedTicket, Error, Result};

/// Name of the baseline score in reports.
pub const BASELINE: &str = "tickets_90d (baseline)";

/// Check options before any work.
fn validate(opts: &ChurnOptions) -> Result<()> {
    if !(opts.test_fraction > 0.0 && opts.test_fraction < 1.0) {
        return Err(Error::option(
            Setting::TestFraction,
            format!("{} is not between 0 and 1", opts.test_fraction),
        ));
    }
    if opts.folds < 2 {
        return Err(Error::option(
            Setting::Folds,
            format!("{} folds; cross-validation needs at least 2", opts.folds),
        ));
    }
    if !(opts.alpha.is_finite() && opts.alpha >= 0.0) {
        return Err(Error::option(
            Setting::Alpha,
            format!("{} is not a non-negative number", opts.alpha),
        ));
    }
    Ok(())
}

/// Train a churn model on the labelled customers and evaluate it.
pub fn train(
    tickets: &[EnrichedTicket],
    customers: &CustomerTable,
    opts: &ChurnOptions,
) -> Result<(ChurnModel, ChurnEval)> {
    validate(opts)?;
    let n_labels = customers.labelled();
    if n_labels == 0 {
        return Err(ChurnError::NoLabels.into());
    }
    let as_of = opts.as_of.unwrap_or_else(|| default_as_of(tickets));
    let schema = FeatureSchema::from_data(
        tickets,
        Some(customers),
        as_of,
        opts.max_theme_features,
        &opts.sla,
    );
    let fm = build_with_schema(tickets, Some(customers), as_of, &schema);

    check_ids_match(&fm, customers)?;

    let rows: Vec<usize> = (0..fm.customer_ids.len())
        .filter(|&i| fm.info[i].churned.is_some())
        .collect();
    let labels: Vec<bool> = rows
        .iter()
        .map(|&i| fm.info[i].churned == Some(true))
        .collect();
    let n_pos = labels.iter().filter(|&&l| l).count();
    let n_neg = labels.len() - n_pos;
    if n_pos == 0 || n_neg == 0 {
        let class = if n_pos == 0 {
            "retained (0)"
        } else {
            "churned (1)"
        };
        return Err(ChurnError::OneClass {
            customers: labels.len(),
            class,
        }
        .into());
    }
    let need = opts.folds.max(4);
    if n_pos < need || n_neg < need {
        return Err(ChurnError::TooFewLabelled {
            churned: n_pos,
            retained: n_neg,
            need,
            test_percent: opts.test_fraction * 100.0,
            folds: opts.folds,
        }
        .into());
    }

    let raw = |i: usize| fm.values[rows[i]].as_slice();
    let base_col = fm.col("tickets_90d").unwrap_or(0);
    let baseline: Vec<f64> = (0..rows.len()).map(|i| raw(i)[base_col]).collect();

    // Jobs: the held-out split, then each CV fold; each is (train idx, test idx).
    let (train_idx, test_idx) = stratified_split(&labels, opts.test_fraction, opts.seed);
    let folds = stratified_folds(&labels, opts.folds, opts.seed.wrapping_add(1));
    let mut jobs: Vec<(Vec<usize>, Vec<usize>)> = vec![(train_idx, test_idx)];
    for f in &folds {
        let mut in_fold = vec![false; rows.len()];
        f.iter().for_each(|&i| in_fold[i] = true);
        jobs.push((
            (0..rows.len()).filter(|&i| !in_fold[i]).collect(),
            f.clone(),
        ));
    }
    let results: Vec<Result<Vec<f64>>> = jobs
        .par_iter()
        .map(|(tr, te)| {
            let tr_rows: Vec<&[f64]> = tr.iter().map(|&i| raw(i)).collect();
            let tr_labels: Vec<bool> = tr.iter().map(|&i| labels[i]).collect();
            let fitted = Fitted::fit(&fm.names, &tr_rows, &tr_labels, opts.alpha)?;
            let mut buf = Vec::new();
            Ok(te
                .iter()
                .map(|&i| fitted.predict_row(&fm.names, raw(i), &mut buf))
                .collect())
        })
        .collect();
    let mut preds = Vec::with_capacity(results.len());
    for r in results {
        preds.push(r?);
    }

    let metrics_on = |idx: &[usize], scores: &[f64]| {
        let y: Vec<bool> = idx.iter().map(|&i| labels[i]).collect();
        let b: Vec<f64> = idx.iter().map(|&i| baseline[i]).collect();
        (
            Metrics::compute(scores, &y, true),
            Metrics::compute(&b, &y, false),
        )
    };
    let (test_idx, test_pred) = (&jobs[0].1, &preds[0]);
    let (hold_model, hold_base) = metrics_on(test_idx, test_pred);
    let holdout = HoldoutEval {
        test_fraction: opts.test_fraction,
        train: jobs[0].0.len(),
        test: test_idx.len(),
        test_churned: test_idx.iter().filter(|&&i| labels[i]).count(),
        model: hold_model,
        baseline: hold_base,
    };
    let holdout_predictions = test_idx
        .iter()
        .zip(test_pred)
        .map(|(&i, &risk)| HoldoutPrediction {
            customer_id: fm.customer_ids[rows[i]].clone(),
            churned: labels[i],
            risk,
            baseline: baseline[i],
        })
        .collect();

    let mut oof = vec![0.0; rows.len()];
    let (mut fold_model, mut fold_base) = (Vec::new(), Vec::new());
    for ((_, te), p) in jobs[1..].iter().zip(&preds[1..]) {
        te.iter().zip(p).for_each(|(&i, &s)| oof[i] = s);
        let (m, b) = metrics_on(te, p);
        fold_model.push(m);
        fold_base.push(b);
    }
    let (threshold, f1, precision, recall) =
        best_f1_threshold(&oof, &labels).unwrap_or((0.5, 0.0, 0.0, 0.0));
    let base_rate = n_pos as f64 / labels.len() as f64;
    let bands = RiskBands {
        high: threshold,
        medium: if base_rate < threshold {
            base_rate
        } else {
            threshold / 2.0
        },
    };

    let all_rows: Vec<&[f64]> = (0..rows.len()).map(raw).collect();
    let final_fit = Fitted::fit(&fm.names, &all_rows, &labels, opts.alpha)?;

    let eval = ChurnEval {
        as_of,
        seed: opts.seed,
        alpha: opts.alpha,
        customers: fm.customer_ids.len(),
        labelled: labels.len(),
        churned: n_pos,
        base_rate,
        features: final_fit.design_names.len(),
        baseline: BASELINE.into(),
        verdict: verdict(&holdout.model, &holdout.baseline),
        holdout,
        cross_validation: CvEval {
            folds: opts.folds,
            model: MetricsSummary::of(&fold_model),
            baseline: MetricsSummary::of(&fold_base),
        },
        threshold,
        threshold_rule: "max F1 on out-of-fold predictions".into(),
        threshold_f1: f1,
        threshold_precision: precision,
        threshold_recall: recall,
        bands,
        warnings: warnings(&fm, customers),
        holdout_predictions,
    };
    let model = ChurnModel {
        format_version: MODEL_FORMAT,
        feature_names: fm.names.clone(),
        schema,
        fill_values: final_fit.fill,
        missing_groups: final_fit.groups,
        design_names: final_fit.design_names,
        scaler_means: final_fit.means,
        scaler_sds: final_fit.sds,
        coefficients: final_fit.coef,
        intercept: final_fit.intercept,
        threshold,
        bands,
        trained_at: Utc::now(),
        as_of,
        evaluation: eval.clone(),
    };
    Ok((model, eval))
}

/// Fail when the customers table and the tickets share no customer id: a
/// wrong column mapping would otherwise train on "zero ticket activity" for
/// everyone and report a meaningless model. Partial overlap is a warning
/// (see [`warnings`]).
fn check_ids_match(fm: &FeatureMatrix, customers: &CustomerTable) -> Result<()> {
    let with_tickets = fm.info.iter().filter(|i| i.last_contact.is_some());
    let ticket_customers = with_tickets.clone().count();
    if ticket_customers == 0 {
        return Err(ChurnError::NoTicketCustomers {
            as_of: fm.as_of.format("%Y-%m-%d %H:%M").to_string(),
        }
        .into());
    }
    if with_tickets.clone().any(|i| i.in_table) {
        return Ok(());
    }
    let example = |pred: &dyn Fn(usize) -> bool| {
        (0..fm.customer_ids.len())
            .find(|&i| pred(i))
            .map_or(String::new(), |i| fm.customer_ids[i].clone())
    };
    Err(ChurnError::IdsDoNotMatch {
        customers: customers.rows.len(),
        ticket_customers,
        ticket_example: example(&|i| fm.info[i].last_contact.is_some()),
        table_example: example(&|i| fm.info[i].in_table),
    }
    .into())
}

/// One-line answer to "is the model worth it?".
fn verdict(model: &Metrics, base: &Metrics) -> String {
    match (model.roc_auc, base.roc_auc) {
        (Some(m), Some(b)) if m >= b + 0.02 => {
            format!("Model beats the ticket-count baseline on held-out customers (ROC AUC {m:.3} vs {b:.3}).")
        }
        (Some(m), Some(b)) if m > b - 0.02 => format!(
            "Model is about as good as the ticket-count baseline on held-out customers (ROC AUC {m:.3} vs {b:.3}): prefer the simpler score."
        ),
        (Some(m), Some(b)) => format!(
            "Model is WORSE than the ticket-count baseline on held-out customers (ROC AUC {m:.3} vs {b:.3}): do not use it."
        ),
        _ => "ROC AUC undefined on the held-out split.".into(),
    }
}

/// Id mismatches between the tickets and the customers table (warn-level, not errors).
fn warnings(fm: &FeatureMatrix, customers: &CustomerTable) -> Vec<String> {
    let mut w = customers.warnings.clone();
    let sample = |ids: Vec<&String>| {
        ids.iter()
            .take(3)
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let no_tickets: Vec<&String> = (0..fm.customer_ids.len())
        .filter(|&i| fm.info[i].in_table && fm.info[i].last_contact.is_none())
        .map(|i| &fm.customer_ids[i])
        .collect();
    if !no_tickets.is_empty() {
        w.push(format!(
            "{} of {} customer(s) in the customers file have no tickets up to as_of (trained/scored with zero ticket activity), e.g. {}",
            no_tickets.len(),
            customers.rows.len(),
            sample(no_tickets.clone())
        ));
    }
    let not_in_table: Vec<&String> = (0..fm.customer_ids.len())
        .filter(|&i| !fm.info[i].in_table)
        .map(|i| &fm.customer_ids[i])
        .collect();
    if !not_in_table.is_empty() {
        w.push(format!(
            "{} of {} ticket customer id(s) are not in the customers file (scored without plan/MRR/tenure, never trained on), e.g. {}",
            not_in_table.len(),
            fm.info.iter().filter(|i| i.last_contact.is_some()).count(),
            sample(not_in_table.clone())
        ));
    }
    w
}
