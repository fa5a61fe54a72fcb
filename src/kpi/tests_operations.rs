//! Hand-computed tables for handle time, resolution rate, time to
//! escalation, cost, customer, churn and peak-hour KPIs (the expected
//! values are worked out in the comments).

use std::sync::Arc;

use chrono::Duration;

use super::tests::{as_of, at, close, run, t, B};
use super::*;
use crate::ingest::customers::{CustomerRow, CustomerTable};
use crate::period::Period;
use crate::Sentiment;

impl B {
    fn handle(mut self, minutes: f64) -> Self {
        self.0.ticket.handle_minutes = Some(minutes);
        self
    }
    fn escalated_after(mut self, hours: f64) -> Self {
        self.0.ticket.escalated = Some(true);
        self.0.ticket.escalated_at =
            Some(self.created() + Duration::seconds((hours * 3600.0) as i64));
        self
    }
    fn customer(mut self, c: &str) -> Self {
        self.0.ticket.customer_id = Some(c.into());
        self
    }
    fn agent(mut self, a: &str) -> Self {
        self.0.ticket.agent = Some(a.into());
        self
    }
}

fn customer(id: &str, plan: &str, churned: Option<bool>) -> CustomerRow {
    CustomerRow {
        customer_id: id.into(),
        plan: Some(plan.into()),
        churned,
        ..CustomerRow::default()
    }
}

#[test]
fn handle_time_aht_and_missing_values() {
    // Handle minutes [10, 20, 60] and one ticket without: AHT = 30,
    // median 20, p90 = 20 + 0.8·40 = 52, total 90.
    let c = "2025-03-03T08:00:00Z";
    let r = run(
        vec![
            t(c).handle(10.0),
            t(c).handle(60.0),
            t(c).handle(20.0),
            t(c),
        ],
        &as_of("2025-03-04T00:00:00Z"),
    );
    let h = &r.overall.handle_minutes;
    assert_eq!((h.count, h.mean, h.median), (3, Some(30.0), Some(20.0)));
    assert!(close(h.p90, 52.0));
    assert_eq!(r.overall.handle_minutes_total, Some(90.0));
    // No handle time anywhere: null, never 0.
    let r = run(vec![t(c)], &as_of("2025-03-04T00:00:00Z"));
    assert_eq!(r.overall.handle_minutes.mean, None);
    assert_eq!(r.overall.handle_minutes_total, None);
    assert_eq!(r.overall.cost_per_ticket, None);
}

#[test]
fn resolution_rate_per_period_counts_resolutions_until_as_of() {
    // Week 10: 3 tickets, 2 resolved (one of them only in week 11) → 2/3.
    // Week 11: 2 tickets, 1 resolved, 1 open → 1/2. Overall 3/5.
    // A ticket resolved after as_of is open: week 11's second ticket.
    let opts = KpiOptions {
        period: Some(Period::Week),
        ..as_of("2025-03-12T00:00:00Z")
    };
    let r = run(
        vec![
            t("2025-03-03T08:00:00Z").res(2.0),
            t("2025-03-04T08:00:00Z").res(150.0),
            t("2025-03-05T08:00:00Z").status("open"),
            t("2025-03-10T08:00:00Z").res(1.0),
            t("2025-03-11T08:00:00Z").res(48.0),
        ],
        &opts,
    );
    assert!(close(r.overall.resolution_rate, 0.6));
    assert!(close(r.periods["2025-W10"].resolution_rate, 2.0 / 3.0));
    assert!(close(r.periods["2025-W11"].resolution_rate, 0.5));
    // Without any resolution information: null.
    let r = run(vec![t("2025-03-03T08:00:00Z")], &opts);
    assert_eq!(r.overall.resolution_rate, None);
}

#[test]
fn time_to_escalation_only_counts_escalations_by_as_of() {
    // Escalated after 2 h, 6 h and 30 h (the last after as_of: left out),
    // plus one escalated flag without a time: [2, 6] → mean 4.
    let c = "2025-03-03T08:00:00Z";
    let r = run(
        vec![
            t(c).escalated_after(2.0),
            t(c).escalated_after(6.0),
            t(c).escalated_after(30.0),
            t(c).esc(true),
            t(c).esc(false),
        ],
        &as_of("2025-03-04T08:00:00Z"),
    );
    let e = &r.overall.time_to_escalation_hours;
    assert_eq!((e.count, e.mean, e.median), (2, Some(4.0), Some(4.0)));
    assert_eq!(r.overall.escalated, 4);
}

#[test]
fn support_cost_is_split_over_tickets_and_resolutions_overall_only() {
    // 4 tickets, 2 resolved, cost 1000 → 250 per ticket, 500 per resolution.
    let c = "2025-03-03T08:00:00Z";
    let opts = KpiOptions {
        cost: Some(CostBasis::SupportCost(1000.0)),
        currency: Some("EUR".into()),
        by: vec!["channel".into()],
        ..as_of("2025-03-05T00:00:00Z")
    };
    let r = run(
        vec![
            t(c).res(1.0).channel("email"),
            t(c).res(2.0).channel("email"),
            t(c).status("open").channel("chat"),
            t(c).status("open").channel("chat"),
        ],
        &opts,
    );
    assert_eq!(r.overall.cost_per_ticket, Some(250.0));
    assert_eq!(r.overall.cost_per_resolution, Some(500.0));
    let cost = r.cost.as_ref().unwrap();
    assert_eq!(cost.total_cost, Some(1000.0));
    assert_eq!(cost.currency.as_deref(), Some("EUR"));
    // How a total splits over groups is unknown: null there.
    assert_eq!(r.by[0].1["email"].cost_per_ticket, None);
}

#[test]
fn cost_per_agent_hour_prices_every_group_by_handle_time() {
    // Rate 60/h. Email: handle 30 + 90 min, both resolved → per ticket
    // 60·1 h = 60, per resolution 60·2 h / 2 = 60. Chat: 15 min, open →
    // per ticket 15, no resolution → null.
    let c = "2025-03-03T08:00:00Z";
    let opts = KpiOptions {
        cost: Some(CostBasis::CostPerAgentHour(60.0)),
        by: vec!["channel".into()],
        ..as_of("2025-03-05T00:00:00Z")
    };
    let r = run(
        vec![
            t(c).res(1.0).channel("email").handle(30.0),
            t(c).res(2.0).channel("email").handle(90.0),
            t(c).status("open").channel("chat").handle(15.0),
        ],
        &opts,
    );
    let email = &r.by[0].1["email"];
    assert!(close(email.cost_per_ticket, 60.0));
    assert!(close(email.cost_per_resolution, 60.0));
    let chat = &r.by[0].1["chat"];
    assert!(close(chat.cost_per_ticket, 15.0));
    assert_eq!(chat.cost_per_resolution, None);
    // Overall: mean handle 45 min → 45; Σ 135 min = 135 over 2 → 67.5.
    assert!(close(r.overall.cost_per_ticket, 45.0));
    assert!(close(r.overall.cost_per_resolution, 67.5));
}

#[test]
fn agent_utilisation_is_handle_time_over_paid_hours() {
    // Two weeks, 10 paid hours per agent per week. Ana: 300 min in W10,
    // 120 in W11 → rows 0.5 and 0.2; overall 7 h / 20 h = 0.35.
    // Unassigned tickets get none.
    let opts = KpiOptions {
        period: Some(Period::Week),
        by: vec!["agent".into()],
        agent_hours: Some(10.0),
        ..as_of("2025-03-12T00:00:00Z")
    };
    opts.validate().unwrap();
    let r = run(
        vec![
            t("2025-03-03T08:00:00Z").agent("ana").handle(200.0),
            t("2025-03-04T08:00:00Z").agent("ana").handle(100.0),
            t("2025-03-10T08:00:00Z").agent("ana").handle(120.0),
            t("2025-03-10T09:00:00Z").handle(50.0),
        ],
        &opts,
    );
    assert!(close(r.by[0].1["ana"].utilisation, 0.35));
    assert_eq!(r.by[0].1[NONE_LABEL].utilisation, None);
    let table = r.tables.iter().find(|t| t.dims == ["agent"]).unwrap();
    let rows: Vec<(String, Option<f64>)> = table
        .rows
        .iter()
        .filter(|r| r.values[0] == "ana")
        .map(|r| (r.period.clone().unwrap(), r.block.utilisation))
        .collect();
    assert_eq!(rows.len(), 2);
    assert!(close(rows[0].1, 0.5) && close(rows[1].1, 0.2));
    // Paid hours are per period: without one it is an error.
    let no_period = KpiOptions {
        agent_hours: Some(10.0),
        ..KpiOptions::default()
    };
    assert!(no_period.validate().is_err());
}

#[test]
fn contact_churn_and_retention_rates_from_the_customers_table() {
    // Table: 8 customers, 3 churned (c2, c4, c7); c8's label unknown.
    // Tickets from c1 ×2, c2, c4, c9 (not in the table).
    // contact rate = 3 of 8 (c1, c2, c4); churn rate = 3 / 7 labelled;
    // tickets per customer = 5 tickets / 4 distinct ids = 1.25.
    let table = CustomerTable {
        rows: vec![
            customer("c1", "pro", Some(false)),
            customer("c2", "pro", Some(true)),
            customer("c3", "basic", Some(false)),
            customer("c4", "basic", Some(true)),
            customer("c5", "basic", Some(false)),
            customer("c6", "pro", Some(false)),
            customer("c7", "basic", Some(true)),
            customer("c8", "basic", None),
        ],
        warnings: Vec::new(),
    };
    let c = "2025-03-03T08:00:00Z";
    let opts = KpiOptions {
        customers: Some(Arc::new(table)),
        ..as_of("2025-03-03T20:00:00Z")
    };
    // c2 waited 600 min (normal target 480): an SLA breach; c4 has a
    // negative ticket; c1 answered in time.
    let r = run(
        vec![
            t(c).customer("c1").frt(10.0).pred(Sentiment::Neutral, 0.1),
            t(c).customer("c1").frt(20.0).pred(Sentiment::Positive, 0.1),
            t(c).customer("c2").frt(600.0).pred(Sentiment::Neutral, 0.2),
            t(c).customer("c4").frt(5.0).pred(Sentiment::Negative, 0.9),
            t(c).customer("c9").frt(5.0).pred(Sentiment::Neutral, 0.2),
        ],
        &opts,
    );
    assert_eq!(r.overall.customers, Some(4));
    assert!(close(r.overall.tickets_per_customer, 1.25));
    let k = r.customers.as_ref().unwrap();
    assert_eq!((k.customers, k.customers_with_tickets), (8, 3));
    assert!(close(k.contact_rate, 0.375));
    assert_eq!(k.ticket_customers_not_in_table, 1);
    assert_eq!((k.overall.labelled, k.overall.churned), (7, 3));
    assert!(close(k.overall.churn_rate, 3.0 / 7.0));
    assert!(close(k.overall.retention_rate, 4.0 / 7.0));
    // Plans: pro 1 of 3 churned; basic 2 of 4 labelled (c8 unknown).
    assert!(close(k.by_plan["pro"].churn_rate, 1.0 / 3.0));
    assert!(close(k.by_plan["basic"].churn_rate, 0.5));
    assert_eq!(k.by_plan["basic"].customers, 5);
    // With tickets: c1 (kept), c2, c4 (churned) → 2/3; without: c3, c5,
    // c6, c7, c8 → 1 churned of 4 labelled.
    assert!(close(k.by_contact["with_tickets"].churn_rate, 2.0 / 3.0));
    assert!(close(k.by_contact["without_tickets"].churn_rate, 0.25));
    // SLA breach: with = {c2} → 1/1; without = {c1, c4} → 1/2.
    let sla = &k.by_experience["sla_breach"];
    assert!(close(sla.with.churn_rate, 1.0));
    assert!(close(sla.without.churn_rate, 0.5));
    let neg = &k.by_experience["negative_ticket"];
    assert_eq!((neg.with.customers, neg.without.customers), (1, 2));
    // No escalation column: that experience is left out.
    assert!(!k.by_experience.contains_key("escalated"));
    // Top customers: c1 first (2 tickets), then by id.
    let ids: Vec<&str> = r
        .top_customers
        .iter()
        .map(|c| c.customer_id.as_str())
        .collect();
    assert_eq!(ids, ["c1", "c2", "c4", "c9"]);
    assert_eq!(r.top_customers[1].sla_breached, 1);
    assert_eq!(r.top_customers[0].plan.as_deref(), Some("pro"));
    assert_eq!(r.top_customers[3].churned, None);
}

#[test]
fn no_customer_ids_means_null_load_and_no_top_customers() {
    let r = run(
        vec![t("2025-03-03T08:00:00Z")],
        &as_of("2025-03-04T00:00:00Z"),
    );
    assert_eq!(r.overall.customers, None);
    assert_eq!(r.overall.tickets_per_customer, None);
    assert!(r.top_customers.is_empty());
    assert!(r.customers.is_none());
}

#[test]
fn peak_hours_bucket_by_local_weekday_and_hour() {
    // 2025-03-03 is a Monday. 23:30 UTC is Tuesday 00:30 in Berlin (UTC+1);
    // 08:10 and 08:50 UTC are Monday 09:xx there.
    let opts = KpiOptions {
        timezone: chrono_tz::Europe::Berlin,
        ..as_of("2025-03-05T00:00:00Z")
    };
    let r = run(
        vec![
            t("2025-03-03T08:10:00Z").frt(10.0),
            t("2025-03-03T08:50:00Z").frt(30.0),
            t("2025-03-03T23:30:00Z"),
        ],
        &opts,
    );
    let v = r.volume_by_weekday_hour.as_ref().unwrap();
    assert_eq!((v.len(), v[0].len()), (7, 24));
    assert_eq!(v[0][9], 2);
    assert_eq!(v[1][0], 1);
    assert_eq!(v.iter().flatten().sum::<u64>(), 3);
    let m = r
        .first_response_minutes_median_by_weekday_hour
        .as_ref()
        .unwrap();
    assert_eq!(m[0][9], Some(20.0));
    assert_eq!(m[1][0], None);
    // Undated input: no grid.
    let undated = KpiOptions {
        undated: true,
        ..KpiOptions::default()
    };
    let r = run(vec![t("2025-03-03T08:10:00Z")], &undated);
    assert!(r.volume_by_weekday_hour.is_none());
    let _ = at("2025-03-03T00:00:00Z");
}

#[test]
fn a_taxonomy_name_is_a_multi_valued_dimension() {
    // Labels "billing", "billing;outage" and none: billing 2, outage 1,
    // (none) 1; the name is only accepted once a taxonomy is applied.
    let label = |v: &str| {
        Some(crate::ticket::TaxonomyLabel {
            name: Arc::from("category"),
            value: v.to_string(),
            confidence: 0.9,
        })
    };
    let c = "2025-03-03T08:00:00Z";
    let mut tickets = vec![t(c), t(c), t(c)];
    tickets[0].0.taxonomy = label("billing");
    tickets[1].0.taxonomy = label("billing;outage");
    let opts = KpiOptions {
        by: vec!["category".into()],
        ..as_of("2025-03-04T00:00:00Z")
    };
    assert!(opts.validate().is_err());
    opts.validate_with(&["category"]).unwrap();
    let r = run(tickets, &opts);
    let g = &r.by[0].1;
    assert_eq!(g["billing"].tickets, 2);
    assert_eq!(g["outage"].tickets, 1);
    assert_eq!(g[NONE_LABEL].tickets, 1);
}
