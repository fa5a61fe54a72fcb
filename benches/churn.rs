//! Churn benchmark: 100k customers / 1M tickets, feature build + train
//! (held-out fit, 5 CV folds, final fit) + score, on seeded synthetic data.
//!
//! Run: `cargo bench --bench churn` (sizes: `CHURN_BENCH_CUSTOMERS`,
//! `CHURN_BENCH_TICKETS`). Prints wall-clock figures; asserts nothing.

use std::time::Instant;

use chrono::{Duration, TimeZone, Utc};
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use ticketlens::churn::{build_features, score, train, ChurnOptions, CustomerRow, CustomerTable};
use ticketlens::{EnrichedTicket, Prediction, Sentiment, ThemeRef, Ticket};

const TOPICS: [&str; 11] = [
    "ACCOUNT",
    "CANCELLATION_FEE",
    "CONTACT",
    "DELIVERY",
    "FEEDBACK",
    "INVOICE",
    "NEWSLETTER",
    "ORDER",
    "PAYMENT",
    "REFUND",
    "SHIPPING_ADDRESS",
];
const PRIORITIES: [&str; 4] = ["urgent", "high", "normal", "low"];
const PLANS: [&str; 4] = ["free", "starter", "pro", "enterprise"];

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Customers with a latent health; unhealthy ones write more, angrier tickets and churn more.
fn world(n_customers: usize, n_tickets: usize, seed: u64) -> (Vec<EnrichedTicket>, CustomerTable) {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let end = Utc.with_ymd_and_hms(2025, 6, 30, 0, 0, 0).unwrap();
    let health: Vec<f64> = (0..n_customers).map(|_| rng.gen_range(-2.0..2.0)).collect();
    let ids: Vec<String> = (0..n_customers).map(|i| format!("CUS-{i:06}")).collect();
    let weights: Vec<f64> = health.iter().map(|h| (-0.5 * h).exp()).collect();
    let total: f64 = weights.iter().sum();
    let mut tickets = Vec::with_capacity(n_tickets);
    for (c, w) in weights.iter().enumerate() {
        let k = (w / total * n_tickets as f64).round() as usize;
        let h = health[c];
        for _ in 0..k {
            let p_neg = 1.0 / (1.0 + (0.8 * h + rng.gen_range(-1.5..1.5)).exp());
            let created = end - Duration::minutes(rng.gen_range(0..365 * 24 * 60));
            let frt = rng.gen_range(5.0..900.0) * (1.0 - 0.2 * h).max(0.2);
            tickets.push(EnrichedTicket {
                taxonomy: None,
                language: None,
                ticket: Ticket {
                    line: tickets.len() as u64 + 2,
                    id: format!("T{}", tickets.len()),
                    customer_id: Some(ids[c].clone()),
                    created_at: created,
                    first_response_minutes: Some(frt),
                    resolution_hours: Some(rng.gen_range(0.5..96.0)),
                    priority: Some(PRIORITIES[rng.gen_range(0..4)].to_string()),
                    escalated: Some(rng.gen_bool(if h < -1.0 { 0.15 } else { 0.05 })),
                    reopens: Some(rng.gen_range(0..2)),
                    csat: rng
                        .gen_bool(0.4)
                        .then(|| (3.5 + h + rng.gen_range(-1.5..1.5)).round().clamp(1.0, 5.0)),
                    nps: rng.gen_bool(0.2).then(|| {
                        (7.0 + 2.0 * h + rng.gen_range(-2.0..2.0))
                            .round()
                            .clamp(0.0, 10.0)
                    }),
                    ces: rng
                        .gen_bool(0.3)
                        .then(|| (3.0 - h + rng.gen_range(-1.0..1.0)).round().clamp(1.0, 7.0)),
                    ..Default::default()
                },
                prediction: Some(Prediction {
                    sentiment: if p_neg > 0.5 {
                        Sentiment::Negative
                    } else {
                        Sentiment::Neutral
                    },
                    sentiment_confidence: 0.8,
                    p_negative: p_neg as f32,
                    p_neutral: (1.0 - p_neg) as f32,
                    p_positive: 0.0,
                    topic: TOPICS[if h < -1.0 && rng.gen_bool(0.3) {
                        1
                    } else {
                        rng.gen_range(0..11)
                    }]
                    .to_string(),
                    topic_confidence: 0.7,
                    heads: Vec::new(),
                }),
                theme: Some(ThemeRef {
                    id: rng.gen_range(0..30),
                    label: format!("theme {}", rng.gen_range(0..30)),
                    distance: 0.2,
                }),
            });
        }
    }
    let rows = (0..n_customers)
        .map(|c| {
            let z = -1.5 - 1.0 * health[c] + rng.gen_range(-0.5..0.5);
            CustomerRow {
                customer_id: ids[c].clone(),
                plan: Some(PLANS[rng.gen_range(0..4)].to_string()),
                mrr: Some(rng.gen_range(0.0..2000.0)),
                signup_date: Some(end - Duration::days(rng.gen_range(30..2000))),
                tenure_days: None,
                churned: rng
                    .gen_bool(0.9)
                    .then(|| rng.gen::<f64>() < 1.0 / (1.0 + (-z).exp())),
            }
        })
        .collect();
    (
        tickets,
        CustomerTable {
            rows,
            warnings: Vec::new(),
        },
    )
}

fn main() {
    let n_customers = env("CHURN_BENCH_CUSTOMERS", 100_000);
    let n_tickets = env("CHURN_BENCH_TICKETS", 1_000_000);
    let t0 = Instant::now();
    let (tickets, customers) = world(n_customers, n_tickets, 7);
    println!(
        "churn bench: {} customers, {} tickets, {} rayon threads (generated in {:.1} s)",
        customers.rows.len(),
        tickets.len(),
        rayon::current_num_threads(),
        t0.elapsed().as_secs_f64()
    );

    let t = Instant::now();
    let fm = build_features(&tickets, Some(&customers), None);
    let build_s = t.elapsed().as_secs_f64();
    println!(
        "  feature build:        {build_s:>6.2} s  ({} rows × {} features)",
        fm.values.len(),
        fm.names.len()
    );
    drop(fm);

    let t = Instant::now();
    let (model, eval) = train(&tickets, &customers, &ChurnOptions::default()).expect("train");
    let train_s = t.elapsed().as_secs_f64();
    println!(
        "  train (features + 7 fits): {train_s:>6.2} s  ({} labelled, {} inputs)",
        eval.labelled, eval.features
    );

    let t = Instant::now();
    let rows = score(&model, &tickets, Some(&customers), None).expect("score");
    let score_s = t.elapsed().as_secs_f64();
    println!(
        "  score (features + risk + factors): {score_s:>6.2} s  ({} customers)",
        rows.len()
    );
    println!(
        "  total build + train + score: {:.2} s",
        build_s + train_s + score_s
    );
    println!(
        "  train+score pipeline (train builds its own features): {:.2} s",
        train_s + score_s
    );
    println!("{eval}");
}
