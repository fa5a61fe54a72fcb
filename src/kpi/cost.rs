//! Cost per ticket and per resolution (`--support-cost`,
//! `--cost-per-agent-hour`).
//!
//! Two ways support teams price a ticket (the standard "cost per ticket"
//! KPI): the total cost of the support operation over the analysed range
//! divided by the tickets (or resolutions) in it, or the loaded cost of an
//! agent hour times the handle time the tickets took. The first needs no
//! handle-time column but only says something about the whole range; the
//! second prices every group and period.

use serde::Serialize;

use crate::stats::ratio;

/// How tickets are priced.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "basis", content = "amount")]
pub enum CostBasis {
    /// `--support-cost AMOUNT`: the total cost of support over the analysed
    /// range (salaries, tools, overhead). Cost per ticket = amount /
    /// tickets, per resolution = amount / resolved, overall only (how a
    /// total splits over groups or periods is not known).
    SupportCost(f64),
    /// `--cost-per-agent-hour AMOUNT`: cost of one hour of agent handle
    /// time. Cost per ticket = amount × mean handle hours of the set, per
    /// resolution = amount × Σ handle hours / resolved, in every block.
    CostPerAgentHour(f64),
}

impl CostBasis {
    /// The amount the user gave.
    pub fn amount(self) -> f64 {
        match self {
            CostBasis::SupportCost(a) | CostBasis::CostPerAgentHour(a) => a,
        }
    }
}

/// The `cost` object of kpis.json: what the overall cost figures were
/// computed from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CostSummary {
    /// The basis and the amount given.
    #[serde(flatten)]
    pub basis: CostBasis,
    /// Currency the amounts are in (`--currency`), as the user wrote it.
    pub currency: Option<String>,
    /// Cost of the analysed tickets: the support cost, or amount × Σ
    /// handle hours (null without handle-time values).
    pub total_cost: Option<f64>,
    /// `total_cost / tickets`, or amount × mean handle hours.
    pub cost_per_ticket: Option<f64>,
    /// `total_cost / resolved` (null without resolutions).
    pub cost_per_resolution: Option<f64>,
}

impl CostSummary {
    /// The overall figures of `basis` for a set with `tickets` tickets,
    /// `resolved` resolutions and `handle_total` handle minutes (the cost
    /// per agent hour figures are those [`super::KpiBlock`] already holds;
    /// they are recomputed here from the same inputs).
    pub(crate) fn new(
        basis: CostBasis,
        currency: Option<String>,
        tickets: u64,
        resolved: Option<u64>,
        handle: &crate::stats::Stats,
        handle_total: Option<f64>,
    ) -> CostSummary {
        let (total_cost, cost_per_ticket) = match basis {
            CostBasis::SupportCost(a) => (Some(a), ratio(1, tickets).map(|r| a * r)),
            CostBasis::CostPerAgentHour(a) => (
                handle_total.map(|m| a * m / 60.0),
                handle.mean.map(|m| a * m / 60.0),
            ),
        };
        let cost_per_resolution = match (total_cost, resolved) {
            (Some(c), Some(n)) if n > 0 => Some(c / n as f64),
            _ => None,
        };
        CostSummary {
            basis,
            currency,
            total_cost,
            cost_per_ticket,
            cost_per_resolution,
        }
    }
}
