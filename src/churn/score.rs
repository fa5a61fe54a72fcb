//! Scoring: a ranked list of customers with their risk, band and the three
//! features pushing their risk up most, said in words a success manager can
//! act on ("CSAT 1.5 (min 1)", "first response 14.0 h on average").

use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};
use rayon::prelude::*;
use serde::Serialize;

use super::features::{build_with_schema, default_as_of};
use super::model::{ChurnModel, Fitted};
use super::spec::{describe, is_binary, MISSING_PREFIX, TAXONOMY_PREFIX, THEME_PREFIX};
use super::CustomerTable;
use crate::error::ChurnError;
use crate::io::safe_csv::neutralize;
use crate::{EnrichedTicket, Error, Result};

/// Number of factors reported per customer.
const TOP_FACTORS: usize = 3;

/// One scored customer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AtRisk {
    /// Customer id.
    pub customer_id: String,
    /// P(churn), 0–1.
    pub churn_risk: f64,
    /// `high` (≥ the model's threshold), `medium` (≥ base rate or half the threshold), `low`.
    pub risk_band: String,
    /// Up to three features raising the risk most (coefficient × standardised value > 0), in words.
    pub top_factors: Vec<String>,
    /// Tickets in the 90 days up to as_of.
    pub tickets_90d: u32,
    /// Date of the last ticket up to as_of.
    pub last_contact: Option<NaiveDate>,
    /// Sentiment of that ticket (`negative`/`neutral`/`positive`), when the model ran.
    pub last_sentiment: Option<String>,
    /// Plan from the customers table.
    pub plan: Option<String>,
    /// MRR from the customers table (or its ARR / 12).
    pub mrr: Option<f64>,
    /// Expected monthly revenue lost: `mrr × churn_risk` (null without MRR).
    pub expected_mrr_at_risk: Option<f64>,
}

/// Revenue at risk over the scored customers that have an MRR.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct RevenueAtRisk {
    /// Customers with an MRR.
    pub customers_with_mrr: usize,
    /// MRR of the high-risk customers.
    pub high_mrr: f64,
    /// MRR of the medium-risk customers.
    pub medium_mrr: f64,
    /// Σ MRR × churn risk over every customer with an MRR (the sum of
    /// at_risk.csv's `expected_mrr_at_risk`).
    pub expected_mrr: f64,
    /// Σ MRR over every customer with an MRR.
    pub total_mrr: f64,
}

/// Revenue at risk of scored customers; `None` when no customer has an
/// MRR (the customers table has no MRR or ARR column).
pub fn revenue_at_risk(rows: &[AtRisk]) -> Option<RevenueAtRisk> {
    let mut r = RevenueAtRisk::default();
    for row in rows {
        let Some(mrr) = row.mrr else { continue };
        r.customers_with_mrr += 1;
        r.total_mrr += mrr;
        r.expected_mrr += row.expected_mrr_at_risk.unwrap_or(0.0);
        match row.risk_band.as_str() {
            "high" => r.high_mrr += mrr,
            "medium" => r.medium_mrr += mrr,
            _ => {}
        }
    }
    (r.customers_with_mrr > 0).then_some(r)
}

/// Score every customer (with tickets up to `as_of`, or in the table),
/// highest risk first (ties by customer id). `as_of` defaults to the last
/// ticket's creation time in `tickets`.
pub fn score(
    model: &ChurnModel,
    tickets: &[EnrichedTicket],
    customers: Option<&CustomerTable>,
    as_of: Option<DateTime<Utc>>,
) -> Result<Vec<AtRisk>> {
    let fitted = model.fitted()?;
    let as_of = as_of.unwrap_or_else(|| default_as_of(tickets));
    // A model with taxonomy columns on untagged tickets would read every
    // customer as "no tickets tagged": a silent shift of every score.
    if !model.schema.taxonomy.is_empty() && !tickets.iter().any(|t| t.taxonomy.is_some()) {
        return Err(ChurnError::Untagged {
            taxonomy: model
                .schema
                .taxonomy_name
                .clone()
                .unwrap_or_else(|| "?".into()),
        }
        .into());
    }
    let fm = build_with_schema(tickets, customers, as_of, &model.schema);
    if fm.names != model.feature_names {
        return Err(ChurnError::Features.into());
    }
    let mut rows: Vec<AtRisk> = (0..fm.customer_ids.len())
        .into_par_iter()
        .map_init(Vec::new, |buf, i| {
            let raw = &fm.values[i];
            let risk = fitted.predict_row(&fm.names, raw, buf);
            let other = |name: &str| fm.col(name).map(|j| raw[j]);
            let top_factors = top_factors(&fitted, raw, buf, &other);
            let info = &fm.info[i];
            AtRisk {
                customer_id: fm.customer_ids[i].clone(),
                churn_risk: risk,
                risk_band: model.bands.band(risk).to_string(),
                top_factors,
                tickets_90d: info.tickets_90d,
                last_contact: info.last_contact.map(|d| d.date_naive()),
                last_sentiment: info.last_sentiment.map(|s| s.to_string()),
                plan: info.plan.clone(),
                mrr: info.mrr,
                expected_mrr_at_risk: info.mrr.map(|m| m * risk),
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        b.churn_risk
            .total_cmp(&a.churn_risk)
            .then_with(|| a.customer_id.cmp(&b.customer_id))
    });
    Ok(rows)
}

/// Theme- and taxonomy-share columns of `model` whose label no ticket up to
/// `as_of` carries. Themes are matched by label, and labels are recomputed
/// on every run (a taxonomy's change when another taxonomy file tags the
/// tickets), so such columns read as a 0 % share for everyone: callers warn
/// (one line) instead of scoring silently with them. Empty for models
/// without theme columns (the default, see
/// [`super::ChurnOptions::max_theme_features`]) and without a taxonomy.
pub fn absent_theme_columns(
    model: &ChurnModel,
    tickets: &[EnrichedTicket],
    as_of: Option<DateTime<Utc>>,
) -> Vec<String> {
    let as_of = as_of.unwrap_or_else(|| default_as_of(tickets));
    let present: std::collections::HashSet<&str> = tickets
        .iter()
        .filter(|t| t.ticket.created_at <= as_of)
        .filter_map(|t| t.theme.as_ref().map(|th| th.label.as_str()))
        .collect();
    let tagged: std::collections::HashSet<&str> = tickets
        .iter()
        .filter(|t| t.ticket.created_at <= as_of)
        .filter_map(|t| t.taxonomy.as_ref())
        .flat_map(|l| l.labels())
        .collect();
    let themes = model
        .schema
        .themes
        .iter()
        .filter(|l| !present.contains(l.as_str()))
        .map(|l| format!("{THEME_PREFIX}{l}"));
    let taxonomy = model
        .schema
        .taxonomy
        .iter()
        .filter(|l| !tagged.contains(l.as_str()))
        .map(|l| format!("{TAXONOMY_PREFIX}{l}"));
    themes.chain(taxonomy).collect()
}

/// The [`TOP_FACTORS`] design columns pushing this customer's risk up most
/// (coefficient × standardised value > 0), in words. `z` is the
/// standardised design row from [`Fitted::predict_row`].
///
/// A positive contribution is not always a reason: a missing-value
/// indicator or a plan one-hot column that is **off** (0) can push risk up
/// when its coefficient is negative, and "on the enterprise plan" or "no
/// CSAT answers" would then be false. Such binary columns count only when
/// they are on (1). A missing raw value is explained by its indicator, not by
/// the neutral fill value.
pub(crate) fn top_factors(
    fitted: &Fitted,
    raw: &[f64],
    z: &[f64],
    other: &dyn Fn(&str) -> Option<f64>,
) -> Vec<String> {
    let n_raw = raw.len();
    let mut contrib: Vec<(usize, f64)> = z
        .iter()
        .enumerate()
        .map(|(j, z)| (j, fitted.coef[j] * z))
        .filter(|&(j, c)| {
            let name = &fitted.design_names[j];
            let on = || z[j] * fitted.sds[j] + fitted.means[j] > 0.5;
            c > 0.0 && (j >= n_raw || raw[j].is_finite()) && (!is_binary(name) || on())
        })
        .collect();
    contrib.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    contrib
        .iter()
        .take(TOP_FACTORS)
        .map(|&(j, _)| {
            let name = &fitted.design_names[j];
            if name.starts_with(MISSING_PREFIX) {
                describe(name, 1.0, other)
            } else {
                describe(name, raw[j], other)
            }
        })
        .collect()
}

/// Write `at_risk.csv`: customer_id, churn_risk, risk_band, top_factors
/// (`; `-separated), tickets_90d, last_contact, last_sentiment, plan, mrr,
/// expected_mrr_at_risk.
/// Text cells are formula-neutralised; the file appears atomically.
pub fn write_at_risk(rows: &[AtRisk], path: &Path) -> Result<()> {
    let ctx = || format!("{}: writing at-risk customers", path.display());
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "customer_id",
        "churn_risk",
        "risk_band",
        "top_factors",
        "tickets_90d",
        "last_contact",
        "last_sentiment",
        "plan",
        "mrr",
        "expected_mrr_at_risk",
    ])
    .map_err(|e| Error::Csv {
        context: ctx(),
        source: e,
    })?;
    for r in rows {
        let factors = r.top_factors.join("; ");
        w.write_record([
            neutralize(&r.customer_id).as_ref(),
            &format!("{:.4}", r.churn_risk),
            &r.risk_band,
            neutralize(&factors).as_ref(),
            &r.tickets_90d.to_string(),
            &r.last_contact.map(|d| d.to_string()).unwrap_or_default(),
            neutralize(r.last_sentiment.as_deref().unwrap_or_default()).as_ref(),
            neutralize(r.plan.as_deref().unwrap_or_default()).as_ref(),
            &r.mrr.map(|m| m.to_string()).unwrap_or_default(),
            &r.expected_mrr_at_risk
                .map(|m| format!("{m:.2}"))
                .unwrap_or_default(),
        ])
        .map_err(|e| Error::Csv {
            context: ctx(),
            source: e,
        })?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| Error::io(path, e.into_error()))?;
    crate::io::atomic::write_atomic(path, &bytes).map(|_| ())
}
