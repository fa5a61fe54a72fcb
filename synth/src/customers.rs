//! Customers and the churn world.
//!
//! Each customer has a latent health (standard normal). Health drives ticket
//! volume, topic mix and anger (see `tickets`), and, together with plan,
//! tenure, the service the customer actually *experienced* and noise, the
//! true churn probability. The label is a Bernoulli draw from it, so the best
//! possible model (the oracle) has an AUC well below 1, and a model built on
//! ticket-derived features can get close to it.

use chrono::{DateTime, Duration, Utc};
use rand::Rng;

use super::rng::{normal, sigmoid};
use super::{bank_common, Plan, SynthCustomer, SynthTicket};
use ticketlens::Sentiment;

/// Target overall churn rate (mean true probability).
const CHURN_RATE: f64 = 0.22;

/// Draw `n` customers with plan, signup date, MRR and latent health.
pub(super) fn generate<R: Rng>(
    rng: &mut R,
    n: usize,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Vec<SynthCustomer> {
    let window_days = (end - start).num_days().max(31);
    (0..n)
        .map(|i| {
            let health = normal(rng);
            let plan = match super::rng::weighted(rng, &[0.35, 0.30, 0.25, 0.10]) {
                0 => Plan::Free,
                1 => Plan::Starter,
                2 => Plan::Pro,
                _ => Plan::Enterprise,
            };
            // 15 % signed up during the window (at least 30 days before its end),
            // the rest up to ~4 years before it.
            let signup = if rng.gen::<f64>() < 0.15 {
                start + Duration::days(rng.gen_range(0..window_days - 30))
            } else {
                let days = (super::rng::lognormal(rng, 300.0, 0.9) as i64).clamp(1, 1500);
                start - Duration::days(days)
            };
            let mrr = match plan {
                Plan::Free => 0.0,
                Plan::Starter => 29.0 * rng.gen_range(1..=3) as f64,
                Plan::Pro => 99.0 * rng.gen_range(1..=5) as f64,
                Plan::Enterprise => 10.0 * rng.gen_range(50..=500) as f64,
            };
            SynthCustomer {
                id: format!("CUS-{:05}", i + 1),
                plan,
                signup_date: signup.date_naive(),
                mrr,
                health,
                churn_probability: 0.0,
                churned: false,
                contact: rng.gen_range(0..bank_common::NAMES.len()),
                company: rng.gen_range(0..bank_common::COMPANIES.len()),
            }
        })
        .collect()
}

/// What a customer observably went through in the data window.
#[derive(Default, Clone)]
struct Experience {
    escalations: u32,
    reopens: u32,
    recent_negative: u32,
    slow: u32,
    csat_sum: f64,
    csat_n: u32,
}

/// Compute true churn probabilities and draw labels.
///
/// The logit mixes hidden health, plan, tenure and the observed service
/// experience; the intercept is solved by bisection so the mean probability
/// is [`CHURN_RATE`].
pub(super) fn assign_churn<R: Rng>(
    rng: &mut R,
    customers: &mut [SynthCustomer],
    tickets: &[SynthTicket],
    end: DateTime<Utc>,
) {
    let recent_from = end - Duration::days(60);
    let mut exp = vec![Experience::default(); customers.len()];
    for t in tickets {
        let e = &mut exp[t.customer];
        e.escalations += t.escalated as u32;
        e.reopens += t.reopens;
        if t.sentiment == Sentiment::Negative && t.created_at >= recent_from {
            e.recent_negative += 1;
        }
        let frt = t
            .first_response_at
            .map(|f| (f - t.created_at).num_minutes())
            .unwrap_or(i64::MAX);
        if frt > t.priority.sla_minutes() {
            e.slow += 1;
        }
        if let Some(c) = t.csat {
            e.csat_sum += c as f64;
            e.csat_n += 1;
        }
    }
    let end_date = end.date_naive();
    let base: Vec<f64> = customers
        .iter()
        .zip(&exp)
        .map(|(c, e)| {
            let plan = match c.plan {
                Plan::Free => 0.6,
                Plan::Starter => 0.2,
                Plan::Pro => -0.2,
                Plan::Enterprise => -0.8,
            };
            let tenure_years = (end_date - c.signup_date).num_days().max(0) as f64 / 365.25;
            let tenure = -0.45 * (1.0 + tenure_years).ln();
            let csat = if e.csat_n > 0 {
                0.3 * (4.0 - e.csat_sum / e.csat_n as f64)
            } else {
                0.0
            };
            let service = 0.2 * e.escalations.min(4) as f64
                + 0.15 * e.reopens.min(4) as f64
                + 0.3 * e.recent_negative.min(4) as f64
                + 0.1 * e.slow.min(4) as f64
                + csat;
            -0.75 * c.health + plan + tenure + service + 0.6 * normal(rng)
        })
        .collect();
    let (mut lo, mut hi) = (-12.0f64, 12.0f64);
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        let mean = base.iter().map(|z| sigmoid(z + mid)).sum::<f64>() / base.len().max(1) as f64;
        if mean < CHURN_RATE {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let intercept = 0.5 * (lo + hi);
    for (c, z) in customers.iter_mut().zip(base) {
        c.churn_probability = sigmoid(z + intercept);
        c.churned = rng.gen::<f64>() < c.churn_probability;
    }
}
