//! Support KPIs: timings, rates, groups and periods.
//!
//! Tickets stream through a [`KpiEngine`] (`push` each, `finish` once) into a
//! [`KpiReport`]: overall KPIs, each `by` dimension's groups, periods, and
//! tidy tables written as CSV (one per dimension × period, the periods, and
//! on request the combined groups × period). Every figure is
//! measured at one instant, `as_of` (default: the latest timestamp in the
//! data), so a report is reproducible from the export alone. Exact definitions:
//! docs/kpi.md.

mod block;
mod calendar;
mod cost;
mod customers;
mod distribution;
mod engine;
mod peak;
mod records;
mod report;
mod sla;
mod summary;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_calendar;
#[cfg(test)]
mod tests_groups;
#[cfg(test)]
mod tests_operations;
#[cfg(test)]
mod tests_states;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

pub use crate::stats::{quantile_sorted, Stats};
pub use crate::ticket::TicketState;
pub use block::{is_self_service, KpiBlock, SentimentBlock, SlaBlock};
pub use calendar::{BusinessCalendar, MAX_SPAN_DAYS};
pub use cost::{CostBasis, CostSummary};
pub use customers::{ChurnGroup, CustomerKpis, ExperienceSplit, TopCustomer, TOP_CUSTOMERS};
pub use distribution::{Distributions, Histogram, FRT_LABELS, RES_LABELS};
pub use engine::{KpiEngine, NONE_LABEL};
pub use peak::WEEKDAYS;
pub(crate) use report::flatten_values;
pub use report::{Headline, KpiReport, KpiTable, ReportOptions, TableRow};
pub use sla::{PriorityClass, SlaTargets};

use crate::error::Setting;
use crate::ingest::customers::CustomerTable;
use crate::period::Period;
use crate::{EnrichedTicket, Error, Result};

/// Dimension names accepted in `by` (those [`EnrichedTicket::dimension`] knows;
/// a taxonomy's name too, see [`KpiOptions::validate_with`]).
pub const DIMENSIONS: [&str; 16] = crate::ticket::FIELD_DIMENSIONS;

/// How to compute KPIs.
#[derive(Debug, Clone)]
pub struct KpiOptions {
    /// Measure at this instant; tickets created later are left out. Default:
    /// the latest timestamp in the data (max of `created_at`,
    /// `first_response_at` and `resolved_at`, durations added to
    /// `created_at`): the export instant, so a reply or resolution after the
    /// last new ticket still counts.
    pub as_of: Option<DateTime<Utc>>,
    /// First-response targets (`--sla`).
    pub sla: SlaTargets,
    /// Resolution targets (`--sla-resolution`), if any.
    pub sla_resolution: Option<SlaTargets>,
    /// Business calendar (`--business-hours`, `--holidays`): adds business
    /// FRT/resolution blocks.
    pub business_hours: Option<BusinessCalendar>,
    /// Grouping dimensions (`--by`).
    pub by: Vec<String>,
    /// Period bucket (`--period`), by `created_at` in `timezone`.
    pub period: Option<Period>,
    /// Report time zone (`--timezone`), for period bucketing.
    pub timezone: Tz,
    /// Also build the combined table (`--cross`): every combination of the
    /// `by` values × period in one CSV. Off by default because its row
    /// count is the product of the dimensions' sizes; the per-dimension
    /// tables answer the usual questions.
    pub cross: bool,
    /// Which first-contact resolution definition `fcr_rate` uses
    /// (`--fcr`; default one-touch).
    pub fcr: FcrDefinition,
    /// The input has no creation times (`analyze` on a file without a
    /// `created_at` column): there is no measuring instant, so `as_of` is
    /// reported as `null` (`as_of_source: "none"`) instead of a date made up
    /// from the placeholder creation time; states come from the status.
    pub undated: bool,
    /// The customers table (`--customers`): adds contact, churn and
    /// retention rate ([`CustomerKpis`]) and plan/churn to the top
    /// customers.
    pub customers: Option<Arc<CustomerTable>>,
    /// How tickets are priced (`--support-cost` or
    /// `--cost-per-agent-hour`); none: no cost figures.
    pub cost: Option<CostBasis>,
    /// Currency the cost amounts are in (`--currency`), echoed as given.
    pub currency: Option<String>,
    /// Paid hours per agent per period (`--agent-hours`): utilisation of
    /// the `agent` groups and agent × period rows. Needs a period.
    pub agent_hours: Option<f64>,
}

/// The two first-contact resolution definitions support teams use
/// (`--fcr`). Both count only **resolved** tickets (never open or terminal
/// ones: a merged duplicate or a spam ticket is no first-contact
/// resolution) whose `replies` and `reopens` are known, and need
/// `reopens == 0` in the numerator.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FcrDefinition {
    /// Zendesk Explore's one-touch resolution: fewer than 2 agent replies
    /// (`replies ≤ 1`, so a ticket solved without any reply counts) over
    /// all resolved tickets. The default.
    #[default]
    OneTouch,
    /// Help Scout's "resolved with exactly one reply": `replies == 1` over
    /// resolved tickets with at least one reply (tickets solved without any
    /// reply are in neither numerator nor denominator).
    OneReply,
}

impl FcrDefinition {
    /// `one-touch` or `one-reply` (as in `--fcr` and kpis.json).
    pub fn as_str(self) -> &'static str {
        match self {
            FcrDefinition::OneTouch => "one-touch",
            FcrDefinition::OneReply => "one-reply",
        }
    }
}

impl Default for KpiOptions {
    fn default() -> Self {
        KpiOptions {
            as_of: None,
            sla: SlaTargets::default(),
            sla_resolution: None,
            business_hours: None,
            by: Vec::new(),
            period: None,
            timezone: Tz::UTC,
            cross: false,
            fcr: FcrDefinition::OneTouch,
            undated: false,
            customers: None,
            cost: None,
            currency: None,
            agent_hours: None,
        }
    }
}

impl KpiOptions {
    /// Check `by` (known dimension names, no duplicates), the cost amount
    /// (finite, ≥ 0) and `agent_hours` (> 0, with a period). The CLI calls
    /// this before reading the input, so a typo fails fast.
    pub fn validate(&self) -> Result<()> {
        self.validate_with(&[])
    }

    /// [`KpiOptions::validate`] that also accepts the dimensions `extra`:
    /// a team taxonomy's name (`--by category` after `--taxonomy`, or on a
    /// file enriched with one).
    pub fn validate_with(&self, extra: &[&str]) -> Result<()> {
        if let Some(c) = self.cost {
            let flag = match c {
                CostBasis::SupportCost(_) => Setting::SupportCost,
                CostBasis::CostPerAgentHour(_) => Setting::CostPerAgentHour,
            };
            if !(c.amount().is_finite() && c.amount() >= 0.0) {
                return Err(Error::option(
                    flag,
                    format!("{} is not an amount ≥ 0", c.amount()),
                ));
            }
        }
        if let Some(h) = self.agent_hours {
            if !(h.is_finite() && h > 0.0) {
                return Err(Error::option(
                    Setting::AgentHours,
                    format!("{h} is not a number of hours > 0"),
                ));
            }
            if self.period.is_none() {
                return Err(Error::option(
                    Setting::AgentHours,
                    format!(
                        "paid hours are per agent per period: add {} day|week|month",
                        Setting::Period
                    ),
                ));
            }
        }
        for (i, d) in self.by.iter().enumerate() {
            if crate::ticket::Dimension::field(d).is_none() && !extra.contains(&d.as_str()) {
                let mut known: Vec<&str> = DIMENSIONS.to_vec();
                known.extend(extra);
                return Err(Error::option(
                    Setting::By,
                    format!(
                        "unknown dimension `{d}` (known: {}; a taxonomy's name once one is applied)",
                        known.join(", ")
                    ),
                ));
            }
            if self.by[..i].contains(d) {
                return Err(Error::option(
                    Setting::By,
                    format!("dimension `{d}` given twice"),
                ));
            }
        }
        Ok(())
    }
}

/// Compute every KPI of `tickets` in one pass (a convenience over [`KpiEngine`]).
pub fn compute<'a>(
    tickets: impl IntoIterator<Item = &'a EnrichedTicket>,
    opts: &KpiOptions,
) -> KpiReport {
    let mut engine = KpiEngine::new(opts.clone());
    for t in tickets {
        engine.push(t);
    }
    engine.finish()
}
