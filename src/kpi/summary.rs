//! Terminal summary of the overall KPIs.

use comfy_table::Table;

use super::block::KpiBlock;
use super::report::KpiReport;
use super::FcrDefinition;

fn num(v: Option<f64>, unit: &str) -> String {
    match v {
        Some(v) => format!("{v:.1} {unit}").trim_end().to_string(),
        None => "—".to_string(),
    }
}

fn pct(v: Option<f64>) -> String {
    v.map_or("—".to_string(), |v| format!("{:.1} %", v * 100.0))
}

/// `(KPI, value, basis)` rows of a block, in reading order.
pub(crate) fn rows(b: &KpiBlock, fcr: FcrDefinition) -> Vec<[String; 3]> {
    let n = |c: u64, what: &str| format!("{c} {what}");
    let mut rows = vec![
        ["Tickets".into(), b.tickets.to_string(), String::new()],
        [
            "Backlog (open at as-of)".into(),
            b.backlog.map_or("—".to_string(), |v| v.to_string()),
            match (b.resolved, b.terminal) {
                (Some(r), Some(c)) if c > 0 => {
                    format!("{r} resolved, {c} closed unresolved (cancelled/merged/spam…)")
                }
                (Some(r), _) => n(r, "resolved"),
                (None, _) => "no status or resolution data".to_string(),
            },
        ],
        [
            "First response median / p90".into(),
            format!(
                "{} / {}",
                num(b.first_response_minutes.median, "min"),
                num(b.first_response_minutes.p90, "min")
            ),
            n(b.first_response_minutes.count, "answered"),
        ],
        [
            "Resolution median / p90".into(),
            format!(
                "{} / {}",
                num(b.resolution_hours.median, "h"),
                num(b.resolution_hours.p90, "h")
            ),
            n(b.resolution_hours.count, "resolved with time"),
        ],
    ];
    if let (Some(f), Some(r)) = (
        &b.first_response_business_minutes,
        &b.resolution_business_hours,
    ) {
        rows.push([
            "Business-hours FRT / resolution median".into(),
            format!("{} / {}", num(f.median, "min"), num(r.median, "h")),
            String::new(),
        ]);
    }
    rows.extend([
        [
            "CSAT (4–5 of 5, or good)".into(),
            pct(b.csat_rate),
            n(b.csat_responses, "answers"),
        ],
        ["NPS".into(), num(b.nps, ""), n(b.nps_responses, "answers")],
        [
            "CES mean".into(),
            num(b.ces_mean, ""),
            n(b.ces_responses, "answers"),
        ],
        [
            "Escalation rate".into(),
            pct(b.escalation_rate),
            n(b.escalated, "escalated"),
        ],
        [
            "Reopen rate".into(),
            pct(b.reopen_rate),
            n(b.reopened, "reopened"),
        ],
        [
            "First-contact resolution".into(),
            pct(b.fcr_rate),
            match fcr {
                FcrDefinition::OneTouch => "one-touch: ≤ 1 reply, not reopened".to_string(),
                FcrDefinition::OneReply => "one-reply: exactly 1 reply, not reopened".to_string(),
            },
        ],
        [
            "SLA breach (first response)".into(),
            pct(b.sla_breach_rate),
            format!("{} of {}", b.sla_breached, b.sla_eligible),
        ],
    ]);
    if let Some(s) = &b.sla_resolution {
        rows.push([
            "SLA breach (resolution)".into(),
            pct(s.breach_rate),
            format!("{} of {}", s.breached, s.eligible),
        ]);
    }
    rows.push([
        "Negative tickets".into(),
        pct(b.negative_share),
        n(b.predictions, "classified"),
    ]);
    rows
}

impl KpiReport {
    /// The overall KPIs as a three-column terminal table (KPI, value, basis).
    pub fn summary_table(&self) -> Table {
        let mut t = Table::new();
        let as_of = self.as_of.map_or("—".to_string(), |a| {
            a.format("%Y-%m-%d %H:%M UTC").to_string()
        });
        t.set_header(vec![
            "KPI".to_string(),
            format!("Value (as of {as_of})"),
            "Basis".to_string(),
        ]);
        for r in rows(&self.overall, self.options.fcr_definition) {
            t.add_row(r.to_vec());
        }
        for r in self.extra_rows() {
            t.add_row(r.to_vec());
        }
        t
    }

    /// Rows for what only some exports or options give (handle time,
    /// escalation times, resolution rate, cost, customers); none when absent.
    fn extra_rows(&self) -> Vec<[String; 3]> {
        let o = &self.overall;
        let mut rows = Vec::new();
        if let Some(r) = o.resolution_rate {
            rows.push([
                "Resolution rate".into(),
                pct(Some(r)),
                format!("{} of {} resolved", o.resolved.unwrap_or(0), o.tickets),
            ]);
        }
        if o.handle_minutes.count > 0 {
            rows.push([
                "Average handle time (AHT)".into(),
                num(o.handle_minutes.mean, "min"),
                format!("{} tickets with handle time", o.handle_minutes.count),
            ]);
        }
        if o.time_to_escalation_hours.count > 0 {
            rows.push([
                "Time to escalation median".into(),
                num(o.time_to_escalation_hours.median, "h"),
                format!("{} escalated with a time", o.time_to_escalation_hours.count),
            ]);
        }
        if let Some(c) = &self.cost {
            let cur = c.currency.as_deref().unwrap_or("");
            let money = |v: Option<f64>| {
                v.map_or("—".to_string(), |v| {
                    format!("{v:.2} {cur}").trim_end().to_string()
                })
            };
            rows.push([
                "Cost per ticket / resolution".into(),
                format!(
                    "{} / {}",
                    money(c.cost_per_ticket),
                    money(c.cost_per_resolution)
                ),
                match c.basis {
                    super::CostBasis::SupportCost(_) => {
                        "support cost / tickets, resolved".to_string()
                    }
                    super::CostBasis::CostPerAgentHour(_) => {
                        "cost per agent hour × handle time".to_string()
                    }
                },
            ]);
        }
        if let Some(t) = o.tickets_per_customer {
            rows.push([
                "Tickets per customer".into(),
                format!("{t:.2}"),
                format!("{} customers with tickets", o.customers.unwrap_or(0)),
            ]);
        }
        if let Some(c) = &self.customers {
            rows.push([
                "Contact rate".into(),
                pct(c.contact_rate),
                format!("{} of {} customers", c.customers_with_tickets, c.customers),
            ]);
            rows.push([
                "Churn / retention rate".into(),
                format!(
                    "{} / {}",
                    pct(c.overall.churn_rate),
                    pct(c.overall.retention_rate)
                ),
                format!(
                    "{} of {} labelled churned",
                    c.overall.churned, c.overall.labelled
                ),
            ]);
        }
        rows
    }
}
