//! Per-customer features from ticket history as of a prediction date.
//!
//! Only tickets created at or before `as_of` count, and ticket outcomes that
//! become known later (resolution time, CSAT/NPS/CES, reopens of a ticket
//! resolved after `as_of`; a first response sent after `as_of`) are ignored,
//! so a feature never looks past the date it predicts from. The churn label
//! itself never feeds a feature.
//!
//! Cost is O(tickets): one pass groups ticket indices by customer, then each
//! customer's (usually short) list is sorted by time and reduced, in
//! parallel across customers.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, Utc};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::spec::{
    default_sla_minutes, sla_minutes, sla_target_minutes, BASE_FEATURES, PLAN_PREFIX,
    TAXONOMY_PREFIX, THEME_PREFIX, TOPIC_PREFIX,
};
use crate::ingest::customers::{CustomerRow, CustomerTable};
use crate::kpi::{PriorityClass, SlaTargets};
use crate::{EnrichedTicket, Sentiment};

/// Most plan one-hot columns kept (by number of customers), so a free-text
/// plan column cannot blow up the width.
const MAX_PLANS: usize = 20;

/// Most taxonomy share columns kept (the labels on most tickets), so a
/// taxonomy of hundreds of tags does not outnumber the customers.
pub const MAX_TAXONOMY_LABELS: usize = 20;

/// The data-dependent columns: which topics, themes and plans get a column.
/// Fixed at training time and stored in the model, so scoring builds exactly
/// the same columns whatever the new data contains.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureSchema {
    /// Topic labels (one share column each), sorted.
    pub topics: Vec<String>,
    /// Theme labels (largest themes first, at most `max_theme_features`).
    pub themes: Vec<String>,
    /// Plans (lower case; most common first, at most 20).
    pub plans: Vec<String>,
    /// Labels of the team's taxonomy (`--taxonomy`) that get a share
    /// column: the most frequent first, at most [`MAX_TAXONOMY_LABELS`];
    /// empty when the tickets carry no taxonomy labels. Unlike theme
    /// labels these are fixed by the taxonomy file, so a saved model's
    /// columns match next month's tickets labelled with the same file.
    #[serde(default)]
    pub taxonomy: Vec<String>,
    /// The taxonomy's name (its column), for messages.
    #[serde(default)]
    pub taxonomy_name: Option<String>,
    /// First-response SLA targets in minutes for urgent, high, normal, low
    /// (`None`: no target), the same targets the KPI engine uses (`--sla`).
    /// Stored so that scoring counts breaches exactly as training did.
    #[serde(default = "default_sla_minutes")]
    pub sla_minutes: [Option<f64>; 4],
}

impl Default for FeatureSchema {
    fn default() -> Self {
        FeatureSchema {
            topics: Vec::new(),
            themes: Vec::new(),
            plans: Vec::new(),
            taxonomy: Vec::new(),
            taxonomy_name: None,
            sla_minutes: default_sla_minutes(),
        }
    }
}

impl FeatureSchema {
    /// Derive the columns from the data as of `as_of`; `sla` are the
    /// first-response targets breaches are counted against.
    pub fn from_data(
        tickets: &[EnrichedTicket],
        customers: Option<&CustomerTable>,
        as_of: DateTime<Utc>,
        max_theme_features: usize,
        sla: &SlaTargets,
    ) -> Self {
        let mut topics: BTreeMap<&str, usize> = BTreeMap::new();
        let mut themes: BTreeMap<&str, usize> = BTreeMap::new();
        let mut taxonomy: BTreeMap<&str, usize> = BTreeMap::new();
        let mut taxonomy_name = None;
        for t in tickets
            .iter()
            .filter(|t| t.ticket.created_at <= as_of && customer_of(t).is_some())
        {
            if let Some(p) = &t.prediction {
                *topics.entry(p.topic.as_str()).or_default() += 1;
            }
            if let Some(th) = &t.theme {
                *themes.entry(th.label.as_str()).or_default() += 1;
            }
            if let Some(l) = &t.taxonomy {
                taxonomy_name.get_or_insert_with(|| l.name.to_string());
                for label in l.labels() {
                    *taxonomy.entry(label).or_default() += 1;
                }
            }
        }
        let mut plans: BTreeMap<&str, usize> = BTreeMap::new();
        for r in customers.map(|c| c.rows.as_slice()).unwrap_or_default() {
            if let Some(p) = &r.plan {
                *plans.entry(p.as_str()).or_default() += 1;
            }
        }
        FeatureSchema {
            topics: topics.keys().map(|s| s.to_string()).collect(),
            themes: top_by_count(themes, max_theme_features),
            plans: top_by_count(plans, MAX_PLANS),
            taxonomy: top_by_count(taxonomy, MAX_TAXONOMY_LABELS),
            taxonomy_name,
            sla_minutes: sla_minutes(sla),
        }
    }

    /// The stored first-response targets.
    pub fn sla(&self) -> SlaTargets {
        PriorityClass::ALL.iter().fold(SlaTargets::none(), |t, &c| {
            t.with(c, self.sla_minutes[c as usize])
        })
    }

    /// All column names, in order: base features, topics, themes,
    /// taxonomy labels, plans.
    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = BASE_FEATURES.iter().map(|s| s.to_string()).collect();
        names.extend(self.topics.iter().map(|t| format!("{TOPIC_PREFIX}{t}")));
        names.extend(self.themes.iter().map(|t| format!("{THEME_PREFIX}{t}")));
        names.extend(
            self.taxonomy
                .iter()
                .map(|t| format!("{TAXONOMY_PREFIX}{t}")),
        );
        names.extend(self.plans.iter().map(|p| format!("{PLAN_PREFIX}{p}")));
        names
    }
}

/// Keys with the largest counts first (ties by key), at most `k`.
fn top_by_count(counts: BTreeMap<&str, usize>, k: usize) -> Vec<String> {
    let mut v: Vec<(&str, usize)> = counts.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    v.into_iter().take(k).map(|(s, _)| s.to_string()).collect()
}

/// Facts about a customer shown next to the score (not model inputs).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CustomerInfo {
    /// Tickets created in the 90 days up to `as_of`.
    pub tickets_90d: u32,
    /// Creation time of the last ticket up to `as_of`.
    pub last_contact: Option<DateTime<Utc>>,
    /// Sentiment of that ticket, when the model ran.
    pub last_sentiment: Option<Sentiment>,
    /// Plan from the customers table.
    pub plan: Option<String>,
    /// MRR from the customers table.
    pub mrr: Option<f64>,
    /// Churn label from the customers table.
    pub churned: Option<bool>,
    /// Whether the customer is in the customers table.
    pub in_table: bool,
}

/// One row of features per customer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FeatureMatrix {
    /// Customer ids, sorted.
    pub customer_ids: Vec<String>,
    /// Column names (see docs/churn.md).
    pub names: Vec<String>,
    /// `values[row][col]`, raw (untransformed) values; `NaN` = missing.
    pub values: Vec<Vec<f64>>,
    /// Display facts per row.
    pub info: Vec<CustomerInfo>,
    /// The prediction date the features describe.
    pub as_of: DateTime<Utc>,
    /// The data-dependent columns.
    pub schema: FeatureSchema,
}

impl FeatureMatrix {
    /// Column index of a feature name.
    pub fn col(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }
}

/// The trimmed, non-empty customer id of a ticket.
fn customer_of(t: &EnrichedTicket) -> Option<&str> {
    t.ticket
        .customer_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// Default prediction date: the last ticket's creation time (now when there are no tickets).
pub fn default_as_of(tickets: &[EnrichedTicket]) -> DateTime<Utc> {
    tickets
        .iter()
        .map(|t| t.ticket.created_at)
        .max()
        .unwrap_or_else(Utc::now)
}

/// Build the feature matrix for every customer with a ticket up to `as_of`
/// plus every customer in the table (those without tickets get zero counts
/// and missing ticket features). `as_of` defaults to the last ticket's
/// creation time. Columns and SLA targets: [`super::ChurnOptions`]'s defaults.
pub fn build_features(
    tickets: &[EnrichedTicket],
    customers: Option<&CustomerTable>,
    as_of: Option<DateTime<Utc>>,
) -> FeatureMatrix {
    let as_of = as_of.unwrap_or_else(|| default_as_of(tickets));
    let d = super::ChurnOptions::default();
    let schema = FeatureSchema::from_data(tickets, customers, as_of, d.max_theme_features, &d.sla);
    build_with_schema(tickets, customers, as_of, &schema)
}

/// Build the feature matrix with a fixed set of columns (used by training and scoring).
pub fn build_with_schema(
    tickets: &[EnrichedTicket],
    customers: Option<&CustomerTable>,
    as_of: DateTime<Utc>,
    schema: &FeatureSchema,
) -> FeatureMatrix {
    let mut by_customer: HashMap<&str, Vec<u32>> = HashMap::new();
    for (i, t) in tickets.iter().enumerate() {
        if t.ticket.created_at > as_of {
            continue;
        }
        if let Some(c) = customer_of(t) {
            by_customer.entry(c).or_default().push(i as u32);
        }
    }
    let table_index = customers.map(|c| c.index()).unwrap_or_default();
    let mut ids: Vec<&str> = by_customer
        .keys()
        .copied()
        .chain(table_index.keys().copied())
        .collect();
    ids.par_sort_unstable();
    ids.dedup();

    let names = schema.names();
    let ctx = Ctx {
        tickets,
        as_of,
        topic_idx: schema
            .topics
            .iter()
            .enumerate()
            .map(|(i, t)| (t.as_str(), i))
            .collect(),
        theme_idx: schema
            .themes
            .iter()
            .enumerate()
            .map(|(i, t)| (t.as_str(), i))
            .collect(),
        taxonomy_idx: schema
            .taxonomy
            .iter()
            .enumerate()
            .map(|(i, t)| (t.as_str(), i))
            .collect(),
        plan_idx: schema
            .plans
            .iter()
            .enumerate()
            .map(|(i, t)| (t.as_str(), i))
            .collect(),
        width: names.len(),
        sla: schema.sla(),
        data_end: tickets.iter().map(|t| t.ticket.created_at).max(),
        has_frt_data: tickets.iter().any(|t| t.ticket.frt_minutes().is_some()),
        topics_at: BASE_FEATURES.len(),
        themes_at: BASE_FEATURES.len() + schema.topics.len(),
        taxonomy_at: BASE_FEATURES.len() + schema.topics.len() + schema.themes.len(),
        plans_at: BASE_FEATURES.len()
            + schema.topics.len()
            + schema.themes.len()
            + schema.taxonomy.len(),
    };
    let empty: Vec<u32> = Vec::new();
    let rows: Vec<(Vec<f64>, CustomerInfo)> = ids
        .par_iter()
        .map(|id| {
            let idx = by_customer.get(id).unwrap_or(&empty);
            let row = table_index
                .get(id)
                .and_then(|&i| customers.map(|c| &c.rows[i]));
            ctx.row(idx, row)
        })
        .collect();
    let (values, info) = rows.into_iter().unzip();
    FeatureMatrix {
        customer_ids: ids.into_iter().map(str::to_string).collect(),
        names,
        values,
        info,
        as_of,
        schema: schema.clone(),
    }
}

/// Shared, read-only state of one build.
struct Ctx<'a> {
    tickets: &'a [EnrichedTicket],
    as_of: DateTime<Utc>,
    topic_idx: HashMap<&'a str, usize>,
    theme_idx: HashMap<&'a str, usize>,
    taxonomy_idx: HashMap<&'a str, usize>,
    plan_idx: HashMap<&'a str, usize>,
    width: usize,
    /// First-response targets.
    sla: SlaTargets,
    /// Last ticket creation time in the whole input: a proxy for when the
    /// export (and a customers table's `tenure_days`) was taken.
    data_end: Option<DateTime<Utc>>,
    has_frt_data: bool,
    topics_at: usize,
    themes_at: usize,
    taxonomy_at: usize,
    plans_at: usize,
}

/// Mean of a slice, NaN when empty.
fn mean(v: &[f64]) -> f64 {
    crate::stats::mean(v).unwrap_or(f64::NAN)
}

impl Ctx<'_> {
    /// Features of one customer from their ticket indices and table row.
    fn row(&self, idx: &[u32], cust: Option<&CustomerRow>) -> (Vec<f64>, CustomerInfo) {
        let as_of = self.as_of;
        let mut ts: Vec<&EnrichedTicket> = idx.iter().map(|&i| &self.tickets[i as usize]).collect();
        ts.sort_by(|a, b| {
            a.ticket
                .created_at
                .cmp(&b.ticket.created_at)
                .then_with(|| a.ticket.id.cmp(&b.ticket.id))
        });
        let d30 = as_of - Duration::days(30);
        let d90 = as_of - Duration::days(90);
        let n = ts.len() as f64;
        let n30 = ts.iter().filter(|t| t.ticket.created_at > d30).count() as f64;
        let n90 = ts.iter().filter(|t| t.ticket.created_at > d90).count();

        // Outcomes known by as_of: a ticket resolved after as_of has no
        // outcome yet (resolution time, surveys, reopens).
        let outcome_known = |t: &EnrichedTicket| match t.ticket.resolution_hours() {
            Some(h) => t.ticket.created_at + Duration::seconds((h * 3600.0) as i64) <= as_of,
            None => true,
        };

        let mut v = vec![f64::NAN; self.width];
        v[pos("tickets_all")] = n;
        v[pos("tickets_30d")] = n30;
        v[pos("tickets_90d")] = n90 as f64;

        // Ticket rate change: last 30 days vs the customer's earlier rate.
        let start = match (
            ts.first().map(|t| t.ticket.created_at),
            cust.and_then(|c| c.signup_date),
        ) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        if let Some(start) = start.filter(|s| *s < d30) {
            let earlier_days = ((d30 - start).num_seconds() as f64 / 86400.0).max(30.0);
            v[pos("ticket_rate_change")] = n30 - (n - n30) / earlier_days * 30.0;
        }

        // Sentiment from the model.
        let preds: Vec<(&EnrichedTicket, &crate::Prediction)> = ts
            .iter()
            .filter_map(|t| t.prediction.as_ref().map(|p| (*t, p)))
            .collect();
        if !preds.is_empty() {
            let pn: Vec<f64> = preds.iter().map(|(_, p)| p.p_negative as f64).collect();
            let neg = |p: &crate::Prediction| p.sentiment == Sentiment::Negative;
            v[pos("neg_share")] =
                preds.iter().filter(|(_, p)| neg(p)).count() as f64 / pn.len() as f64;
            v[pos("p_negative_mean")] = mean(&pn);
            v[pos("p_negative_last")] = pn[pn.len() - 1];
            if pn.len() >= 4 {
                let k = pn.len() - 3;
                v[pos("p_negative_trend")] = mean(&pn[k..]) - mean(&pn[..k]);
            }
            v[pos("neg_tickets_30d")] = preds
                .iter()
                .filter(|(t, p)| t.ticket.created_at > d30 && neg(p))
                .count() as f64;
            for (_, p) in &preds {
                if let Some(&j) = self.topic_idx.get(p.topic.as_str()) {
                    v[self.topics_at + j] = v[self.topics_at + j].max(0.0) + 1.0 / pn.len() as f64;
                }
            }
            for j in 0..self.topic_idx.len() {
                v[self.topics_at + j] = v[self.topics_at + j].max(0.0);
            }
        }

        // Themes (share among tickets that have a theme).
        let themed = ts.iter().filter(|t| t.theme.is_some()).count();
        if themed > 0 {
            for j in 0..self.theme_idx.len() {
                v[self.themes_at + j] = 0.0;
            }
            for t in &ts {
                if let Some(&j) = t
                    .theme
                    .as_ref()
                    .and_then(|th| self.theme_idx.get(th.label.as_str()))
                {
                    v[self.themes_at + j] += 1.0 / themed as f64;
                }
            }
        }

        // Taxonomy labels (share among tickets the taxonomy labelled; a
        // multi-label ticket counts under each of its labels).
        let tagged = ts.iter().filter(|t| t.taxonomy.is_some()).count();
        if tagged > 0 {
            for j in 0..self.taxonomy_idx.len() {
                v[self.taxonomy_at + j] = 0.0;
            }
            for l in ts.iter().filter_map(|t| t.taxonomy.as_ref()) {
                for label in l.labels() {
                    if let Some(&j) = self.taxonomy_idx.get(label) {
                        v[self.taxonomy_at + j] += 1.0 / tagged as f64;
                    }
                }
            }
        }

        // Service levels. A ticket still unanswered and unresolved at as_of
        // whose age exceeds its target is a breach already (counted only when
        // the data has response times at all, so a missing column is not
        // read as "never answered").
        let mut frts: Vec<f64> = Vec::new();
        let mut breaches = 0usize;
        for t in &ts {
            let target = sla_target_minutes(t.ticket.priority.as_deref(), &self.sla)
                .unwrap_or(f64::INFINITY);
            let answered = t
                .ticket
                .frt_minutes()
                .filter(|m| t.ticket.created_at + Duration::seconds((m * 60.0) as i64) <= as_of);
            match answered {
                Some(m) => {
                    frts.push(m);
                    breaches += (m > target) as usize;
                }
                None if self.has_frt_data => {
                    let resolved = t.ticket.resolution_hours().is_some() && outcome_known(t);
                    let age = (as_of - t.ticket.created_at).num_seconds() as f64 / 60.0;
                    breaches += (!resolved && age > target) as usize;
                }
                None => {}
            }
        }
        if !frts.is_empty() {
            v[pos("frt_mean_minutes")] = mean(&frts);
            v[pos("frt_max_minutes")] = frts.iter().copied().fold(f64::MIN, f64::max);
        }
        if !frts.is_empty() || (self.has_frt_data && !ts.is_empty()) {
            v[pos("sla_breaches")] = breaches as f64;
        }
        let known: Vec<&EnrichedTicket> = ts.iter().copied().filter(|t| outcome_known(t)).collect();
        let res: Vec<f64> = known
            .iter()
            .filter_map(|t| t.ticket.resolution_hours())
            .collect();
        v[pos("resolution_mean_hours")] = mean(&res);
        // Escalations, like reopens, only from tickets whose outcome is known
        // by as_of: the flag of a ticket resolved later may have been set later.
        v[pos("escalations")] = known
            .iter()
            .filter(|t| t.ticket.escalated == Some(true))
            .count() as f64;
        v[pos("reopens")] = known
            .iter()
            .filter_map(|t| t.ticket.reopens)
            .map(f64::from)
            .sum();

        // Surveys.
        let csat: Vec<f64> = known.iter().filter_map(|t| t.ticket.csat).collect();
        v[pos("csat_mean")] = mean(&csat);
        v[pos("csat_min")] = csat.iter().copied().reduce(f64::min).unwrap_or(f64::NAN);
        v[pos("nps_last")] = known
            .iter()
            .rev()
            .find_map(|t| t.ticket.nps)
            .unwrap_or(f64::NAN);
        let ces: Vec<f64> = known.iter().filter_map(|t| t.ticket.ces).collect();
        v[pos("ces_mean")] = mean(&ces);

        let last = ts.last();
        v[pos("days_since_last_ticket")] = last.map_or(f64::NAN, |t| {
            (as_of - t.ticket.created_at).num_seconds() as f64 / 86400.0
        });

        // Account facts.
        if let Some(c) = cust {
            v[pos("mrr")] = c.mrr.unwrap_or(f64::NAN);
            // A file's tenure_days is as of the export (taken to be the last
            // ticket's time), so it is moved back to as_of.
            let since_as_of = self.data_end.map_or(0.0, |e| {
                ((e - as_of).num_seconds() as f64 / 86400.0).max(0.0)
            });
            v[pos("tenure_days")] = match (c.signup_date, c.tenure_days) {
                (Some(s), _) => ((as_of - s).num_seconds() as f64 / 86400.0).max(0.0),
                (None, Some(d)) => (d - since_as_of).max(0.0),
                _ => f64::NAN,
            };
            if let Some(p) = &c.plan {
                for j in 0..self.plan_idx.len() {
                    v[self.plans_at + j] = 0.0;
                }
                if let Some(&j) = self.plan_idx.get(p.as_str()) {
                    v[self.plans_at + j] = 1.0;
                }
            }
        }

        let info = CustomerInfo {
            tickets_90d: n90 as u32,
            last_contact: last.map(|t| t.ticket.created_at),
            last_sentiment: preds.last().map(|(_, p)| p.sentiment),
            plan: cust.and_then(|c| c.plan.clone()),
            mrr: cust.and_then(|c| c.mrr),
            churned: cust.and_then(|c| c.churned),
            in_table: cust.is_some(),
        };
        (v, info)
    }
}

/// Column of a base feature (the list is a compile-time constant).
fn pos(name: &str) -> usize {
    BASE_FEATURES
        .iter()
        .position(|b| *b == name)
        .unwrap_or_else(|| unreachable!("unknown base feature {name}"))
}
