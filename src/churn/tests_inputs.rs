//! Reasons given for a risk, id mismatches, SLA targets and the leakage of
//! outcomes known only after the prediction date.

use chrono::Duration;

use super::model::{missing_groups, Fitted};
use super::score::top_factors;
use super::tests::{at, hand_table, hand_tickets, sim, ticket, T};
use super::*;
use crate::kpi::{PriorityClass, SlaTargets};

/// A hand-made model: low CSAT and the free plan raise risk, the enterprise
/// plan and "no CSAT answers" lower it.
fn hand_fitted() -> (Vec<String>, Fitted) {
    let names: Vec<String> = ["csat_mean", "plan:enterprise", "plan:free"]
        .map(String::from)
        .to_vec();
    let groups = missing_groups(&names);
    let mut design_names = names.clone();
    design_names.extend(groups.iter().map(|(g, _)| format!("missing:{g}")));
    assert_eq!(design_names[3..], ["missing:csat", "missing:plan"]);
    let fitted = Fitted {
        fill: vec![4.0, 0.0, 0.0],
        groups,
        design_names,
        means: vec![4.0, 0.3, 0.5, 0.2, 0.1],
        sds: vec![1.0, 0.46, 0.5, 0.4, 0.3],
        coef: vec![-1.0, -1.0, 1.0, -0.5, -0.5],
        intercept: 0.0,
    };
    (names, fitted)
}

#[test]
fn off_flags_are_never_reasons() {
    let (names, fitted) = hand_fitted();
    let none = |_: &str| None;
    let reasons = |raw: &[f64]| {
        let mut z = Vec::new();
        fitted.predict_row(&names, raw, &mut z);
        top_factors(&fitted, raw, &z, &none)
    };
    // A free-plan customer who answered CSAT: the enterprise column (0) and
    // the CSAT indicator (0) have positive contributions but are not true.
    assert_eq!(reasons(&[2.0, 0.0, 1.0]), ["CSAT 2.0", "on the free plan"]);
    // An enterprise customer with good CSAT: nothing true raises the risk.
    assert!(reasons(&[5.0, 1.0, 0.0]).is_empty());
    // Unknown plan and no CSAT: only their indicators, which are on, but
    // with negative coefficients they lower the risk, so still no reason.
    assert!(reasons(&[f64::NAN, f64::NAN, f64::NAN]).is_empty());
    // With a positive coefficient an indicator that is on is a reason.
    let mut f2 = fitted.clone();
    f2.coef[3] = 2.0;
    let mut z = Vec::new();
    let raw = [f64::NAN, 0.0, 1.0];
    f2.predict_row(&names, &raw, &mut z);
    assert_eq!(
        top_factors(&f2, &raw, &z, &none),
        ["no CSAT answers", "on the free plan"]
    );
}

/// The customers table of `sim` with every id changed by `rename`.
fn renamed(n: usize, rename: &dyn Fn(usize, &str) -> String) -> CustomerTable {
    let (_, table) = sim(n, 5);
    let mut csv = String::from("customer_id,plan,churned\n");
    for (i, r) in table.rows.iter().enumerate() {
        let label = r.churned.map_or(String::new(), |c| (c as u8).to_string());
        csv.push_str(&format!(
            "{},{},{label}\n",
            rename(i, &r.customer_id),
            r.plan.clone().unwrap_or_default()
        ));
    }
    CustomerTable::from_reader(csv.as_bytes(), "c.csv", &[]).unwrap()
}

#[test]
fn unknown_customer_ids_fail_and_partial_mismatch_warns() {
    let (tickets, _) = sim(200, 5);
    // Wrong column mapped: no id matches.
    let wrong = renamed(200, &|i, _| format!("ACME-{i}"));
    let e = train(&tickets, &wrong, &ChurnOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("none of the 200 customer ids in the customers file matches"),
        "{e}"
    );
    assert_eq!(e.lines().count(), 1);
    // Tickets without customer ids at all.
    let mut anonymous = tickets.clone();
    anonymous
        .iter_mut()
        .for_each(|t| t.ticket.customer_id = None);
    let (_, table) = sim(200, 5);
    let e = train(&anonymous, &table, &ChurnOptions::default())
        .unwrap_err()
        .to_string();
    assert!(e.contains("has a customer id"), "{e}");
    // A tenth renamed: trains, with counts in the warnings.
    let partial = renamed(200, &|i, id| {
        if i % 10 == 0 {
            format!("X{id}")
        } else {
            id.to_string()
        }
    });
    let (_, eval) = train(&tickets, &partial, &ChurnOptions::default()).unwrap();
    let w = eval.warnings.join("\n");
    assert!(
        w.contains(" of 200 customer(s) in the customers file have no tickets"),
        "{w}"
    );
    assert!(
        w.contains("ticket customer id(s) are not in the customers file"),
        "{w}"
    );
}

#[test]
fn sla_targets_come_from_the_options_and_travel_with_the_model() {
    let as_of = at(2025, 6, 30);
    let tickets = hand_tickets();
    let table = hand_table();
    let breaches = |sla: &SlaTargets| {
        let schema = FeatureSchema::from_data(&tickets, Some(&table), as_of, 0, sla);
        let fm = build_with_schema(&tickets, Some(&table), as_of, &schema);
        fm.values[0][fm.col("sla_breaches").unwrap()]
    };
    assert_eq!(breaches(&SlaTargets::default()), 3.0);
    // Normal target 12 h: the 600-minute response and the 720-minute-old
    // unanswered ticket are within it now; high (300 > 240) still breaches.
    let lax = SlaTargets::default().with(PriorityClass::Normal, Some(720.0));
    assert_eq!(breaches(&lax), 1.0);
    // No target for high: that ticket leaves the count too.
    assert_eq!(breaches(&lax.with(PriorityClass::High, None)), 0.0);
    let schema = FeatureSchema::from_data(&tickets, Some(&table), as_of, 0, &lax);
    let json = serde_json::to_string(&schema).unwrap();
    let back: FeatureSchema = serde_json::from_str(&json).unwrap();
    assert_eq!(back.sla(), lax);
}

#[test]
fn escalations_and_tenure_stop_at_as_of() {
    let as_of = at(2025, 6, 30);
    let mut tickets = hand_tickets();
    // Escalated, but resolved (and so possibly escalated) after as_of.
    tickets.push(ticket(
        20,
        T {
            created: as_of - Duration::days(1),
            res_hours: Some(72.0),
            escalated: true,
            ..T::default()
        },
    ));
    // A later ticket sets the export date 40 days after as_of.
    tickets.push(ticket(
        21,
        T {
            customer: "z",
            created: as_of + Duration::days(40),
            ..T::default()
        },
    ));
    let csv = "customer_id,tenure_days,churned\na,100,1\nb,30,0\n";
    let table = CustomerTable::from_reader(csv.as_bytes(), "c.csv", &[]).unwrap();
    let fm = build_features(&tickets, Some(&table), Some(as_of));
    let get = |id: &str, name: &str| {
        let r = fm.customer_ids.iter().position(|c| c == id).unwrap();
        fm.values[r][fm.col(name).unwrap()]
    };
    assert_eq!(get("a", "escalations"), 1.0);
    assert_eq!(get("a", "tenure_days"), 60.0);
    assert_eq!(get("b", "tenure_days"), 0.0);
}

#[test]
fn theme_columns_missing_from_new_data_are_listed() {
    let (tickets, table) = sim(300, 9);
    let mut themed = tickets.clone();
    themed.iter_mut().enumerate().for_each(|(i, t)| {
        t.theme = Some(crate::ThemeRef {
            id: i % 2,
            label: ["refund / late", "login / password"][i % 2].into(),
            distance: 0.1,
        })
    });
    let opts = ChurnOptions {
        max_theme_features: 10,
        ..ChurnOptions::default()
    };
    let (model, _) = train(&themed, &table, &opts).unwrap();
    assert_eq!(model.schema.themes.len(), 2);
    assert!(absent_theme_columns(&model, &themed, None).is_empty());
    // Next run: the themes got other labels.
    let mut relabelled = themed.clone();
    relabelled
        .iter_mut()
        .for_each(|t| t.theme.as_mut().unwrap().label.push_str(" / card"));
    let mut absent = absent_theme_columns(&model, &relabelled, None);
    absent.sort();
    assert_eq!(
        absent,
        ["theme_share:login / password", "theme_share:refund / late"]
    );
    // Default options: no theme columns, nothing to go missing.
    let (plain, _) = train(&themed, &table, &ChurnOptions::default()).unwrap();
    assert!(plain.schema.themes.is_empty());
    assert!(absent_theme_columns(&plain, &relabelled, None).is_empty());
}

#[test]
fn taxonomy_label_shares_are_features_and_scoring_needs_the_same_tags() {
    let (tickets, table) = sim(300, 9);
    let name: std::sync::Arc<str> = "category".into();
    let mut tagged = tickets.clone();
    // Every third ticket is a billing;outage multi-label ticket, the rest login.
    tagged.iter_mut().enumerate().for_each(|(i, t)| {
        t.taxonomy = Some(crate::ticket::TaxonomyLabel {
            name: name.clone(),
            value: if i % 3 == 0 {
                "billing;outage"
            } else {
                "login"
            }
            .into(),
            confidence: 0.9,
        })
    });
    let (model, _) = train(&tagged, &table, &ChurnOptions::default()).unwrap();
    let mut labels = model.schema.taxonomy.clone();
    labels.sort();
    assert_eq!(labels, ["billing", "login", "outage"]);
    assert_eq!(model.schema.taxonomy_name.as_deref(), Some("category"));
    assert!(model
        .feature_names
        .iter()
        .any(|n| n == "taxonomy_share:billing"));
    // The shares, by hand for one customer: among its tagged tickets, a
    // multi-label ticket counts under each label.
    let fm = build_with_schema(&tagged, Some(&table), model.as_of, &model.schema);
    let row = (0..fm.customer_ids.len())
        .find(|&r| fm.values[r][fm.col("tickets_all").unwrap()] >= 3.0)
        .unwrap();
    let id = &fm.customer_ids[row];
    let mine: Vec<&crate::EnrichedTicket> = tagged
        .iter()
        .filter(|t| t.ticket.customer_id.as_deref() == Some(id.as_str()))
        .filter(|t| t.ticket.created_at <= fm.as_of)
        .collect();
    let billing = mine
        .iter()
        .filter(|t| t.taxonomy.as_ref().unwrap().value.contains("billing"))
        .count() as f64
        / mine.len() as f64;
    let got = fm.values[row][fm.col("taxonomy_share:billing").unwrap()];
    assert!((got - billing).abs() < 1e-12, "{got} vs {billing}");
    let login = fm.values[row][fm.col("taxonomy_share:login").unwrap()];
    assert!((got + login - 1.0).abs() < 1e-12);
    // Untagged tickets cannot be scored with it: a one-line error.
    let err = score(&model, &tickets, Some(&table), None)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("taxonomy `category`") && !err.contains('\n'),
        "{err}"
    );
    assert!(score(&model, &tagged, Some(&table), None).is_ok());
    // Another taxonomy's labels: its columns are listed as absent.
    let mut other = tagged.clone();
    other
        .iter_mut()
        .for_each(|t| t.taxonomy.as_mut().unwrap().value = "card".into());
    let mut absent = absent_theme_columns(&model, &other, None);
    absent.sort();
    assert_eq!(
        absent,
        [
            "taxonomy_share:billing",
            "taxonomy_share:login",
            "taxonomy_share:outage"
        ]
    );
}
