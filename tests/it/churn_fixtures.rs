//! Churn model against the synthetic fixture world, whose true per-customer
//! churn probabilities are known (`fixtures/customers_truth.csv`).
//!
//! The tickets are read minimally here (no ingest, no model predictions), so
//! sentiment/topic features are missing and the model leans on service
//! levels, surveys, activity and account facts. The bar (the churn issue's
//! "close to the oracle and clearly above the ticket-count baseline"), on the
//! mean held-out ROC AUC over five seeded splits: within 0.06 of the oracle's
//! (the true probabilities ranked on the same customers) and at least 0.05
//! above the baseline. Measured (seeded, so deterministic): model 0.848,
//! oracle 0.889, baseline 0.750.
//!
//! Set `TICKETLENS_FIXTURES=DIR` to point at another fixture directory.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDateTime, Utc};
use ticketlens::churn::{roc_auc, score, train, ChurnOptions, CustomerTable};
use ticketlens::{EnrichedTicket, Ticket};

fn fixtures() -> PathBuf {
    std::env::var_os("TICKETLENS_FIXTURES").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures"),
        PathBuf::from,
    )
}

fn time(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    DateTime::parse_from_rfc3339(s)
        .map(|d| d.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S")
                .ok()
                .map(|d| d.and_utc())
        })
}

/// Just enough of ingest to build typed tickets from the fixture CSV. The
/// fixtures contain deliberately broken rows (ragged, non-UTF-8, bad dates):
/// those are skipped here, which is what ingest's rejects would do.
fn read_tickets(path: &Path) -> Vec<EnrichedTicket> {
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .expect("open tickets.csv");
    let headers = rdr.headers().expect("header").clone();
    let col = |name: &str| headers.iter().position(|h| h == name);
    let c = |name: &str| col(name).unwrap_or_else(|| panic!("tickets.csv lacks column {name}"));
    let (id, cust, created) = (c("ticket_id"), c("customer_id"), c("created_at"));
    let opt = |rec: &csv::StringRecord, name: &str| {
        col(name)
            .and_then(|i| rec.get(i))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    let num =
        |rec: &csv::StringRecord, name: &str| opt(rec, name).and_then(|v| v.parse::<f64>().ok());
    rdr.byte_records()
        .enumerate()
        .filter_map(|(i, rec)| {
            let rec = rec.ok()?;
            let fields: Vec<String> = rec
                .iter()
                .map(|f| String::from_utf8_lossy(f).into_owned())
                .collect();
            let rec = csv::StringRecord::from(fields);
            if rec.len() != headers.len() {
                return None;
            }
            let created_at = time(&rec[created])?;
            Some(EnrichedTicket::new(Ticket {
                line: i as u64 + 2,
                id: rec[id].to_string(),
                customer_id: Some(rec[cust].to_string()).filter(|s| !s.is_empty()),
                created_at,
                first_response_at: opt(&rec, "first_response_at").and_then(|s| time(&s)),
                resolved_at: opt(&rec, "resolved_at").and_then(|s| time(&s)),
                status: opt(&rec, "status"),
                channel: opt(&rec, "channel"),
                priority: opt(&rec, "priority"),
                agent: opt(&rec, "agent"),
                team: opt(&rec, "team"),
                escalated: opt(&rec, "escalated")
                    .map(|v| matches!(v.to_lowercase().as_str(), "true" | "1" | "yes")),
                reopens: num(&rec, "reopens").map(|v| v as u32),
                replies: num(&rec, "replies").map(|v| v as u32),
                csat: num(&rec, "csat"),
                nps: num(&rec, "nps"),
                ces: num(&rec, "ces"),
                subject: opt(&rec, "subject"),
                body: opt(&rec, "body"),
                ..Default::default()
            }))
        })
        .collect()
}

#[test]

fn churn_model_close_to_oracle_on_fixtures() {
    let dir = fixtures();
    let files = ["tickets.csv", "customers.csv", "customers_truth.csv"].map(|f| dir.join(f));
    if let Some(missing) = files.iter().find(|f| !f.exists()) {
        panic!(
            "fixture file {} does not exist yet: generate the fixtures first (synth)",
            missing.display()
        );
    }
    let tickets = read_tickets(&files[0]);
    let customers = CustomerTable::read(&files[1], &[]).expect("customers.csv");
    let mut truth_rdr = csv::Reader::from_path(&files[2]).expect("customers_truth.csv");
    let truth: HashMap<String, f64> = truth_rdr
        .records()
        .map(|r| {
            let r = r.expect("truth record");
            (
                r[0].to_string(),
                r[1].parse::<f64>().expect("churn_probability"),
            )
        })
        .collect();

    // 300 customers leave ~15 churners per held-out split, so one split's AUC
    // moves by ±0.05: average the comparison over five seeded splits.
    let (mut model_sum, mut oracle_sum, mut base_sum) = (0.0, 0.0, 0.0);
    let seeds = [42u64, 1, 2, 3, 4];
    let mut first = None;
    for seed in seeds {
        let (model, eval) = train(
            &tickets,
            &customers,
            &ChurnOptions {
                seed,
                ..ChurnOptions::default()
            },
        )
        .expect("train");
        let held = &eval.holdout_predictions;
        let labels: Vec<bool> = held.iter().map(|h| h.churned).collect();
        let oracle: Vec<f64> = held.iter().map(|h| truth[&h.customer_id]).collect();
        let oracle_auc = roc_auc(&oracle, &labels).expect("oracle AUC");
        let model_auc = eval.holdout.model.roc_auc.expect("model AUC");
        let base_auc = eval.holdout.baseline.roc_auc.expect("baseline AUC");
        println!("seed {seed}: held-out ROC AUC model {model_auc:.3}, oracle {oracle_auc:.3}, baseline {base_auc:.3}");
        model_sum += model_auc;
        oracle_sum += oracle_auc;
        base_sum += base_auc;
        first.get_or_insert((model, eval));
    }
    let n = seeds.len() as f64;
    let (model_auc, oracle_auc, base_auc) = (model_sum / n, oracle_sum / n, base_sum / n);
    let (model, eval) = first.expect("one run");
    println!("{eval}");
    println!("mean held-out ROC AUC: model {model_auc:.3}, oracle {oracle_auc:.3}, baseline {base_auc:.3}");
    assert!(
        model_auc >= oracle_auc - 0.06,
        "model AUC {model_auc:.3} is more than 0.06 below the oracle's {oracle_auc:.3}"
    );
    assert!(
        model_auc >= base_auc + 0.05,
        "model AUC {model_auc:.3} is not clearly (0.05) above the ticket-count baseline {base_auc:.3}"
    );

    let rows = score(&model, &tickets, Some(&customers), None).expect("score");
    assert_eq!(rows.len(), eval.customers);
    assert!(rows.iter().take(10).all(|r| !r.top_factors.is_empty()));
    for r in rows.iter().take(5) {
        println!(
            "{} {:.3} {} {:?}",
            r.customer_id, r.churn_risk, r.risk_band, r.top_factors
        );
    }
}
