//! Customer KPIs: contact rate, ticket load, churn and retention rate, and
//! churn next to the support experience.
//!
//! The ticket side (who contacted, how often, with which experience) comes
//! from the records; the customer side (who exists, plan, churned) from the
//! customers table (`--customers`), matched on the trimmed customer id
//! exactly as churn scoring matches it.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::block::BlockCtx;
use super::records::{flag, Records};
use super::NONE_LABEL;
use crate::ingest::customers::CustomerTable;
use crate::stats::ratio;

/// Customers listed in [`super::KpiReport::top_customers`].
pub const TOP_CUSTOMERS: usize = 10;

/// Churn among a set of customers.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ChurnGroup {
    /// Customers in the set.
    pub customers: u64,
    /// Customers with a churn label (`churned` not blank).
    pub labelled: u64,
    /// Labelled customers who churned.
    pub churned: u64,
    /// Churn rate: `churned / labelled`; null without labels.
    pub churn_rate: Option<f64>,
    /// Retention rate: `1 − churn_rate`.
    pub retention_rate: Option<f64>,
}

impl ChurnGroup {
    fn add(&mut self, churned: Option<bool>) {
        self.customers += 1;
        if let Some(c) = churned {
            self.labelled += 1;
            self.churned += u64::from(c);
        }
    }

    fn finish(mut self) -> ChurnGroup {
        self.churn_rate = ratio(self.churned, self.labelled);
        self.retention_rate = self.churn_rate.map(|r| 1.0 - r);
        self
    }
}

/// Churn of the customers who had an experience in their tickets vs those
/// who contacted support without it (customers without tickets are in
/// neither: they are [`CustomerKpis::by_contact`]'s `without_tickets`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ExperienceSplit {
    /// Customers with at least one such ticket.
    pub with: ChurnGroup,
    /// Customers with tickets, none of them such.
    pub without: ChurnGroup,
}

/// One customer among the most frequent contacts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TopCustomer {
    /// Customer id as in the tickets.
    pub customer_id: String,
    /// Tickets in scope.
    pub tickets: u64,
    /// Share of all tickets with a customer id.
    pub share: f64,
    /// Tickets predicted negative / tickets with a prediction (null without).
    pub negative_share: Option<f64>,
    /// Escalated tickets.
    pub escalated: u64,
    /// Tickets that breached the first-response target.
    pub sla_breached: u64,
    /// Plan from the customers table.
    pub plan: Option<String>,
    /// Churn label from the customers table.
    pub churned: Option<bool>,
}

/// The `customers` object of kpis.json (only with a customers table).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CustomerKpis {
    /// Customers in the table.
    pub customers: u64,
    /// Customers of the table with at least one ticket in scope.
    pub customers_with_tickets: u64,
    /// Contact rate: `customers_with_tickets / customers` (the share of the
    /// customer base that contacted support in the range).
    pub contact_rate: Option<f64>,
    /// Distinct ticket customer ids that are not in the table (their
    /// tickets count in `tickets_per_customer`, not here).
    pub ticket_customers_not_in_table: u64,
    /// Churn over the whole table: churn rate = churned / labelled
    /// customers, retention rate = 1 − churn rate.
    pub overall: ChurnGroup,
    /// Churn by plan (the table's plan/tier/segment column; `(none)` for
    /// customers without one). Empty without a plan column.
    pub by_plan: BTreeMap<String, ChurnGroup>,
    /// Churn of customers with tickets vs without.
    pub by_contact: BTreeMap<String, ChurnGroup>,
    /// Churn next to the support experience, among customers with
    /// tickets: `sla_breach` (a first-response SLA breach), `negative_ticket`
    /// (a ticket predicted negative), `escalated` (an escalated ticket).
    /// An experience the export has no data for is left out.
    pub by_experience: BTreeMap<String, ExperienceSplit>,
}

/// What the records say about each ticket customer (indexed by the
/// engine's customer id).
#[derive(Debug, Clone, Default)]
pub(crate) struct Contact {
    tickets: u64,
    predictions: u64,
    negative: u64,
    escalated: u64,
    sla_breached: u64,
}

/// Per-customer ticket facts of every record with a customer id.
pub(crate) fn contacts(ctx: &BlockCtx<'_>, n_customers: usize) -> Vec<Contact> {
    let r = ctx.recs;
    let mut out = vec![Contact::default(); n_customers];
    for i in 0..r.len() {
        let c = r.customer[i];
        if c == Records::NONE {
            continue;
        }
        let e = &mut out[c as usize];
        e.tickets += 1;
        if r.flags[i] & flag::HAS_PREDICTION != 0 {
            e.predictions += 1;
            e.negative += u64::from(r.sentiment[i] == 1);
        }
        e.escalated += u64::from(r.flags[i] & flag::ESCALATED != 0);
        e.sla_breached += u64::from(ctx.frt_breach(i) == Some(true));
    }
    out
}

/// The [`TOP_CUSTOMERS`] customers with the most tickets (ties by id),
/// with plan and churn label when a table is given.
pub(crate) fn top_customers(
    contacts: &[Contact],
    names: &[String],
    table: Option<&CustomerTable>,
) -> Vec<TopCustomer> {
    let total: u64 = contacts.iter().map(|c| c.tickets).sum();
    let mut order: Vec<usize> = (0..contacts.len())
        .filter(|&i| contacts[i].tickets > 0)
        .collect();
    order.sort_by(|&a, &b| {
        contacts[b]
            .tickets
            .cmp(&contacts[a].tickets)
            .then_with(|| names[a].cmp(&names[b]))
    });
    order.truncate(TOP_CUSTOMERS);
    let rows: HashMap<&str, _> = table
        .map(|t| t.rows.iter().map(|r| (r.customer_id.as_str(), r)).collect())
        .unwrap_or_default();
    order
        .into_iter()
        .map(|i| {
            let c = &contacts[i];
            let row = rows.get(names[i].trim());
            TopCustomer {
                customer_id: names[i].clone(),
                tickets: c.tickets,
                share: c.tickets as f64 / total.max(1) as f64,
                negative_share: ratio(c.negative, c.predictions),
                escalated: c.escalated,
                sla_breached: c.sla_breached,
                plan: row.and_then(|r| r.plan.clone()),
                churned: row.and_then(|r| r.churned),
            }
        })
        .collect()
}

/// Which experiences the data can tell (`by_experience` keys).
pub(crate) struct Knowable {
    /// First-response SLA is judged (the export has first-response data).
    pub sla: bool,
    /// Tickets have sentiment predictions.
    pub sentiment: bool,
    /// Tickets have an escalation flag.
    pub escalation: bool,
}

/// One `by_experience` entry while it is counted: name, whether the data
/// can tell it, whether a customer had it, the split so far.
type Experience = (&'static str, bool, fn(&Contact) -> bool, ExperienceSplit);

/// The customer KPIs of `table` against the ticket contacts.
pub(crate) fn customer_kpis(
    table: &CustomerTable,
    contacts: &[Contact],
    names: &[String],
    knowable: Knowable,
) -> CustomerKpis {
    let by_id: HashMap<&str, &Contact> = names
        .iter()
        .map(|n| n.trim())
        .zip(contacts)
        .filter(|(_, c)| c.tickets > 0)
        .collect();
    let mut k = CustomerKpis::default();
    let mut overall = ChurnGroup::default();
    let mut plans: BTreeMap<String, ChurnGroup> = BTreeMap::new();
    let has_plan = table.rows.iter().any(|r| r.plan.is_some());
    let mut contact = [ChurnGroup::default(), ChurnGroup::default()];
    let mut exp: [Experience; 3] = [
        (
            "sla_breach",
            knowable.sla,
            |c| c.sla_breached > 0,
            Default::default(),
        ),
        (
            "negative_ticket",
            knowable.sentiment,
            |c| c.negative > 0,
            Default::default(),
        ),
        (
            "escalated",
            knowable.escalation,
            |c| c.escalated > 0,
            Default::default(),
        ),
    ];
    let mut matched = 0u64;
    for row in &table.rows {
        k.customers += 1;
        overall.add(row.churned);
        if has_plan {
            let plan = row.plan.clone().unwrap_or_else(|| NONE_LABEL.to_string());
            plans.entry(plan).or_default().add(row.churned);
        }
        match by_id.get(row.customer_id.trim()) {
            Some(c) => {
                matched += 1;
                contact[0].add(row.churned);
                for (_, known, had, split) in exp.iter_mut() {
                    if *known {
                        if had(c) {
                            split.with.add(row.churned);
                        } else {
                            split.without.add(row.churned);
                        }
                    }
                }
            }
            None => contact[1].add(row.churned),
        }
    }
    k.customers_with_tickets = matched;
    k.contact_rate = ratio(matched, k.customers);
    k.ticket_customers_not_in_table = by_id.len() as u64 - matched.min(by_id.len() as u64);
    k.overall = overall.finish();
    k.by_plan = plans.into_iter().map(|(p, g)| (p, g.finish())).collect();
    let [with, without] = contact;
    k.by_contact = [
        ("with_tickets".to_string(), with.finish()),
        ("without_tickets".to_string(), without.finish()),
    ]
    .into_iter()
    .collect();
    k.by_experience = exp
        .into_iter()
        .filter(|(_, known, _, _)| *known)
        .map(|(name, _, _, s)| {
            (
                name.to_string(),
                ExperienceSplit {
                    with: s.with.finish(),
                    without: s.without.finish(),
                },
            )
        })
        .collect();
    k
}
