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

/// `(total cost, cost per ticket, cost per resolution)` of a set under
/// `basis`: the one computation behind the blocks' figures (per agent
/// hour) and the `cost` summary.
pub(crate) fn figures(
    basis: CostBasis,
    b: &super::KpiBlock,
) -> (Option<f64>, Option<f64>, Option<f64>) {
    let (total, per_ticket) = match basis {
        CostBasis::SupportCost(a) => (Some(a), ratio(1, b.tickets).map(|r| a * r)),
        CostBasis::CostPerAgentHour(a) => (
            b.handle_minutes_total.map(|m| a * m / 60.0),
            b.handle_minutes.mean.map(|m| a * m / 60.0),
        ),
    };
    let per_resolution = match (total, b.resolved) {
        (Some(c), Some(n)) if n > 0 => Some(c / n as f64),
        _ => None,
    };
    (total, per_ticket, per_resolution)
}

impl CostSummary {
    /// The figures of `basis` for the set `b` (the overall block).
    pub(crate) fn new(
        basis: CostBasis,
        currency: Option<String>,
        b: &super::KpiBlock,
    ) -> CostSummary {
        let (total_cost, cost_per_ticket, cost_per_resolution) = figures(basis, b);
        CostSummary {
            basis,
            currency,
            total_cost,
            cost_per_ticket,
            cost_per_resolution,
        }
    }
}
