//! The "Customers, cost and staffing" section: contact and churn rate,
//! handle time, time to escalation, cost per ticket, the customers who
//! contact most, churn next to the support experience, and the peak-hours
//! heatmap. Every value is read from the [`KpiReport`] written to kpis.json.

use serde::Serialize;

use super::format::{count, fixed, hours, minutes, pct, truncate};
use super::table::{Cell, Table};
use crate::kpi::{ChurnGroup, KpiReport, WEEKDAYS};

/// One figure of the section, with its kpis.json key.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Fact {
    /// What it is.
    pub label: &'static str,
    /// Displayed value.
    pub value: String,
    /// kpis.json path of the value (for tests and readers).
    pub key: &'static str,
    /// The value as computed.
    pub raw: f64,
}

/// One heatmap cell.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct HeatCell {
    /// Tickets created in the cell.
    pub count: u64,
    /// Background opacity 0–1 (share of the busiest cell).
    pub alpha: String,
    /// Hover text: weekday, hour, tickets, median first response.
    pub title: String,
    /// Dark background: light text.
    pub dark: bool,
}

/// The 7 × 24 peak-hours grid.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Heatmap {
    /// Hour labels 0–23.
    pub hours: Vec<String>,
    /// (weekday, cells) rows, Monday first.
    pub rows: Vec<(String, Vec<HeatCell>)>,
    /// What the grid shows and the busiest cells.
    pub caption: String,
}

/// The section's content.
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct Customers {
    /// Figures the export has data for.
    pub facts: Vec<Fact>,
    /// Most frequent contacts.
    pub top: Option<Table>,
    /// Churn by plan, by contact and next to the support experience.
    pub churn: Option<Table>,
    /// Peak hours.
    pub heatmap: Option<Heatmap>,
}

impl Customers {
    /// Nothing to show.
    pub fn is_empty(&self) -> bool {
        self.facts.is_empty()
            && self.top.is_none()
            && self.churn.is_none()
            && self.heatmap.is_none()
    }
}

/// Build the section from the KPI results.
pub fn customers(k: &KpiReport) -> Customers {
    let o = &k.overall;
    let mut facts = Vec::new();
    let mut fact = |label, key, raw: Option<f64>, show: fn(Option<f64>) -> String| {
        if let Some(r) = raw {
            facts.push(Fact {
                label,
                value: show(Some(r)),
                key,
                raw: r,
            });
        }
    };
    let c = k.customers.as_ref();
    fact(
        "Contact rate",
        "customers.contact_rate",
        c.and_then(|c| c.contact_rate),
        pct,
    );
    fact(
        "Tickets per customer",
        "overall.tickets_per_customer",
        o.tickets_per_customer,
        |v| fixed(v, 2),
    );
    fact(
        "Churn rate",
        "customers.overall.churn_rate",
        c.and_then(|c| c.overall.churn_rate),
        pct,
    );
    fact(
        "Retention rate",
        "customers.overall.retention_rate",
        c.and_then(|c| c.overall.retention_rate),
        pct,
    );
    fact(
        "Resolution rate",
        "overall.resolution_rate",
        o.resolution_rate,
        pct,
    );
    fact(
        "Average handle time",
        "overall.handle_minutes.mean",
        o.handle_minutes.mean,
        minutes,
    );
    fact(
        "Time to escalation (median)",
        "overall.time_to_escalation_hours.median",
        o.time_to_escalation_hours.median,
        hours,
    );
    let money = |v: Option<f64>| fixed(v, 2);
    fact(
        "Cost per ticket",
        "overall.cost_per_ticket",
        o.cost_per_ticket,
        money,
    );
    fact(
        "Cost per resolution",
        "overall.cost_per_resolution",
        o.cost_per_resolution,
        money,
    );
    if let Some(cur) = k.cost.as_ref().and_then(|c| c.currency.as_deref()) {
        for f in facts
            .iter_mut()
            .filter(|f| f.key.starts_with("overall.cost"))
        {
            f.value = format!("{} {}", f.value, cur);
        }
    }
    Customers {
        facts,
        top: top_table(k),
        churn: churn_table(k),
        heatmap: heatmap(k),
    }
}

fn top_table(k: &KpiReport) -> Option<Table> {
    if k.top_customers.len() < 2 {
        return None;
    }
    let mut t = Table::new(
        "The customers who contact most",
        &[
            "Customer",
            "Tickets#",
            "Share#",
            "Negative#",
            "Escalated#",
            "SLA breaches#",
            "Plan",
            "Churned",
        ],
    );
    for c in &k.top_customers {
        t.rows.push(vec![
            Cell::text(truncate(&c.customer_id, 60)),
            Cell::num(count(Some(c.tickets as f64)), Some(c.tickets as f64)),
            Cell::num(pct(Some(c.share)), Some(c.share)),
            Cell::num(pct(c.negative_share), c.negative_share),
            Cell::num(count(Some(c.escalated as f64)), Some(c.escalated as f64)),
            Cell::num(
                count(Some(c.sla_breached as f64)),
                Some(c.sla_breached as f64),
            ),
            Cell::text(c.plan.clone().unwrap_or_else(|| "n/a".into())),
            Cell::text(match c.churned {
                Some(true) => "yes",
                Some(false) => "no",
                None => "n/a",
            }),
        ]);
    }
    t.drop_empty_columns();
    Some(t)
}

fn churn_table(k: &KpiReport) -> Option<Table> {
    let c = k.customers.as_ref().filter(|c| c.overall.labelled > 0)?;
    let mut t = Table::new(
        "Churn and retention by plan and by support experience",
        &[
            "Set",
            "Group",
            "Customers#",
            "Churned#",
            "Churn rate#",
            "Retention rate#",
        ],
    );
    let mut row = |set: String, group: String, g: &ChurnGroup| {
        t.rows.push(vec![
            Cell::text(set),
            Cell::text(group),
            Cell::num(count(Some(g.customers as f64)), Some(g.customers as f64)),
            Cell::num(count(Some(g.churned as f64)), Some(g.churned as f64)),
            Cell::num(pct(g.churn_rate), g.churn_rate),
            Cell::num(pct(g.retention_rate), g.retention_rate),
        ]);
    };
    row("all".into(), "all customers".into(), &c.overall);
    for (plan, g) in &c.by_plan {
        row("plan".into(), plan.clone(), g);
    }
    for (name, g) in &c.by_contact {
        row("contact".into(), name.replace('_', " "), g);
    }
    for (name, s) in &c.by_experience {
        let what = name.replace('_', " ");
        row("experience".into(), format!("with {what}"), &s.with);
        row("experience".into(), format!("without {what}"), &s.without);
    }
    Some(t)
}

fn heatmap(k: &KpiReport) -> Option<Heatmap> {
    let v = k.volume_by_weekday_hour.as_ref()?;
    let max = v.iter().flatten().copied().max().unwrap_or(0);
    if max == 0 {
        return None;
    }
    let frt = k.first_response_minutes_median_by_weekday_hour.as_ref();
    let rows = v
        .iter()
        .enumerate()
        .map(|(d, hours_row)| {
            let cells = hours_row
                .iter()
                .enumerate()
                .map(|(h, &n)| {
                    let m = frt.and_then(|f| f[d][h]);
                    let frt_text = m
                        .map(|m| format!(", median first response {}", minutes(Some(m))))
                        .unwrap_or_default();
                    HeatCell {
                        count: n,
                        alpha: format!("{:.2}", n as f64 / max as f64),
                        dark: n as f64 / max as f64 > 0.55,
                        title: format!(
                            "{} {h:02}:00–{h:02}:59: {n} tickets{frt_text}",
                            WEEKDAYS[d]
                        ),
                    }
                })
                .collect();
            (WEEKDAYS[d].to_string(), cells)
        })
        .collect();
    let mut cells: Vec<(u64, usize, usize)> = v
        .iter()
        .enumerate()
        .flat_map(|(d, r)| r.iter().enumerate().map(move |(h, &n)| (n, d, h)))
        .collect();
    cells.sort_by(|a, b| b.0.cmp(&a.0).then((a.1, a.2).cmp(&(b.1, b.2))));
    let busiest: Vec<String> = cells
        .iter()
        .take(3)
        .filter(|c| c.0 > 0)
        .map(|&(n, d, h)| format!("{} {h:02}:00 ({n})", WEEKDAYS[d]))
        .collect();
    Some(Heatmap {
        hours: (0..24).map(|h| format!("{h:02}")).collect(),
        rows,
        caption: format!(
            "Tickets created per weekday and hour ({}), darker = more; hover a cell for its median first response. Busiest: {}.",
            k.options.timezone,
            busiest.join(", ")
        ),
    })
}
