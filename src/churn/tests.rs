//! Hand-computed feature values, leakage guard, training errors, save/load.

use chrono::{DateTime, Duration, TimeZone, Utc};
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use super::*;
use crate::{EnrichedTicket, Prediction, Sentiment, ThemeRef, Ticket};

pub(super) fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 0, 0, 0).unwrap()
}

pub(super) struct T {
    pub(super) customer: &'static str,
    pub(super) created: DateTime<Utc>,
    pub(super) priority: Option<&'static str>,
    pub(super) frt: Option<f64>,
    pub(super) res_hours: Option<f64>,
    pub(super) csat: Option<f64>,
    pub(super) nps: Option<f64>,
    pub(super) ces: Option<f64>,
    pub(super) escalated: bool,
    pub(super) reopens: Option<u32>,
    pub(super) pred: Option<(Sentiment, f32, &'static str)>,
    pub(super) theme: Option<&'static str>,
}

impl Default for T {
    fn default() -> Self {
        T {
            customer: "a",
            created: at(2025, 1, 1),
            priority: None,
            frt: None,
            res_hours: None,
            csat: None,
            nps: None,
            ces: None,
            escalated: false,
            reopens: None,
            pred: None,
            theme: None,
        }
    }
}

pub(super) fn ticket(id: usize, t: T) -> EnrichedTicket {
    EnrichedTicket {
        taxonomy: None,
        language: None,
        ticket: Ticket {
            id: id.to_string(),
            customer_id: Some(t.customer.to_string()),
            created_at: t.created,
            first_response_minutes: t.frt,
            resolved_at: t
                .res_hours
                .map(|h| t.created + Duration::seconds((h * 3600.0) as i64)),
            priority: t.priority.map(str::to_string),
            csat: t.csat,
            nps: t.nps,
            ces: t.ces,
            escalated: Some(t.escalated),
            reopens: t.reopens,
            ..Default::default()
        },
        prediction: t.pred.map(|(s, p, topic)| Prediction {
            sentiment: s,
            sentiment_confidence: 0.9,
            p_negative: p,
            p_neutral: 0.0,
            p_positive: 0.0,
            topic: topic.to_string(),
            topic_confidence: 0.9,
            heads: Vec::new(),
        }),
        theme: t.theme.map(|l| ThemeRef {
            id: 0,
            label: l.to_string(),
            distance: 0.1,
        }),
    }
}

pub(super) fn hand_tickets() -> Vec<EnrichedTicket> {
    use Sentiment::*;
    let v = vec![
        T {
            created: at(2025, 3, 1),
            priority: Some("High"),
            frt: Some(300.0),
            res_hours: Some(10.0),
            escalated: true,
            reopens: Some(1),
            csat: Some(2.0),
            nps: Some(3.0),
            ces: Some(5.0),
            pred: Some((Negative, 0.8, "REFUND")),
            theme: Some("billing"),
            ..T::default()
        },
        T {
            created: at(2025, 5, 15),
            priority: Some("urgent"),
            frt: Some(30.0),
            res_hours: Some(5.0),
            csat: Some(4.0),
            pred: Some((Neutral, 0.2, "ACCOUNT")),
            ..T::default()
        },
        T {
            created: at(2025, 6, 10),
            frt: Some(600.0),
            res_hours: Some(20.0),
            csat: Some(1.0),
            nps: Some(6.0),
            pred: Some((Negative, 0.9, "REFUND")),
            theme: Some("billing"),
            ..T::default()
        },
        // Resolved after as_of: its resolution, CSAT and reopens are not known yet.
        T {
            created: at(2025, 6, 25),
            priority: Some("low"),
            frt: Some(100.0),
            res_hours: Some(7.0 * 24.0),
            csat: Some(5.0),
            reopens: Some(4),
            pred: Some((Negative, 0.7, "CANCELLATION_FEE")),
            theme: Some("login"),
            ..T::default()
        },
        // Unanswered and open 12 h before as_of: past the normal 480-minute target.
        T {
            created: at(2025, 6, 29) + Duration::hours(12),
            ..T::default()
        },
    ];
    v.into_iter()
        .enumerate()
        .map(|(i, t)| ticket(i, t))
        .collect()
}

pub(super) fn hand_table() -> CustomerTable {
    let csv = "customer_id,plan,mrr,signup_date,churned\na,Pro,100,2025-01-01,yes\nb,basic,20,2024-06-30,no\n";
    CustomerTable::from_reader(csv.as_bytes(), "customers.csv", &[]).unwrap()
}

fn get(fm: &FeatureMatrix, id: &str, name: &str) -> f64 {
    let r = fm.customer_ids.iter().position(|c| c == id).unwrap();
    fm.values[r][fm.col(name).unwrap_or_else(|| panic!("no column {name}"))]
}

#[test]
fn features_by_hand() {
    let as_of = at(2025, 6, 30);
    let table = hand_table();
    // Theme columns are off by default (labels are not stable across runs); on here.
    let schema = FeatureSchema::from_data(
        &hand_tickets(),
        Some(&table),
        as_of,
        10,
        &crate::kpi::SlaTargets::default(),
    );
    let fm = build_with_schema(&hand_tickets(), Some(&table), as_of, &schema);
    assert_eq!(fm.customer_ids, ["a", "b"]);
    let expect = [
        ("tickets_all", 5.0),
        ("tickets_30d", 3.0),
        ("tickets_90d", 4.0),
        // Earlier window 2025-01-01 (signup) → 2025-05-31 = 150 days, 2 tickets: 0.4 per 30 days.
        ("ticket_rate_change", 3.0 - 0.4),
        ("neg_share", 0.75),
        ("p_negative_mean", 0.65),
        ("p_negative_last", 0.7),
        ("p_negative_trend", 0.6 - 0.8),
        ("neg_tickets_30d", 2.0),
        ("frt_mean_minutes", 257.5),
        ("frt_max_minutes", 600.0),
        ("resolution_mean_hours", 35.0 / 3.0),
        // high 300 > 240, normal (no priority) 600 > 480, and the unanswered
        // ticket (720 min > 480); urgent 30 and low 100 are within target.
        ("sla_breaches", 3.0),
        ("escalations", 1.0),
        ("reopens", 1.0),
        ("csat_mean", 7.0 / 3.0),
        ("csat_min", 1.0),
        ("nps_last", 6.0),
        ("ces_mean", 5.0),
        ("days_since_last_ticket", 0.5),
        ("mrr", 100.0),
        ("tenure_days", 180.0),
        ("topic_share:ACCOUNT", 0.25),
        ("topic_share:CANCELLATION_FEE", 0.25),
        ("topic_share:REFUND", 0.5),
        ("theme_share:billing", 2.0 / 3.0),
        ("theme_share:login", 1.0 / 3.0),
        ("plan:pro", 1.0),
        ("plan:basic", 0.0),
    ];
    for (name, want) in expect {
        let got = get(&fm, "a", name);
        assert!((got - want).abs() < 1e-6, "{name}: got {got}, want {want}");
    }
    assert_eq!(fm.names.len(), spec::BASE_FEATURES.len() + 3 + 2 + 2);
    // b has no tickets: zero counts, missing ticket features, table features present.
    assert_eq!(get(&fm, "b", "tickets_all"), 0.0);
    assert_eq!(get(&fm, "b", "ticket_rate_change"), 0.0);
    assert!(get(&fm, "b", "neg_share").is_nan());
    assert!(get(&fm, "b", "days_since_last_ticket").is_nan());
    assert!(get(&fm, "b", "csat_mean").is_nan());
    assert_eq!(get(&fm, "b", "plan:basic"), 1.0);
    assert_eq!(fm.info[0].tickets_90d, 4);
    assert_eq!(fm.info[0].last_sentiment, Some(Sentiment::Negative));
    let sla = crate::kpi::SlaTargets::default();
    assert_eq!(sla_target_minutes(Some("P1"), &sla), Some(60.0));
    assert_eq!(sla_target_minutes(Some("whatever"), &sla), Some(480.0));
}

fn same(a: &FeatureMatrix, b: &FeatureMatrix) -> bool {
    a.customer_ids == b.customer_ids
        && a.names == b.names
        && a.values
            .iter()
            .zip(&b.values)
            .all(|(x, y)| x.iter().zip(y).all(|(p, q)| p.to_bits() == q.to_bits()))
}

#[test]
fn tickets_after_as_of_change_nothing() {
    let as_of = at(2025, 6, 30);
    let table = hand_table();
    let base = hand_tickets();
    let mut more = base.clone();
    more.push(ticket(
        10,
        T {
            created: at(2025, 7, 1),
            frt: Some(5000.0),
            csat: Some(1.0),
            pred: Some((Sentiment::Negative, 0.99, "NEWTOPIC")),
            theme: Some("new theme"),
            ..T::default()
        },
    ));
    more.push(ticket(
        11,
        T {
            customer: "c",
            created: at(2025, 8, 1),
            ..T::default()
        },
    ));
    let a = build_features(&base, Some(&table), Some(as_of));
    let b = build_features(&more, Some(&table), Some(as_of));
    assert!(same(&a, &b));
    // The default as_of is the last ticket, so it moves; an explicit one does not.
    assert_ne!(build_features(&more, Some(&table), None).as_of, as_of);
}

/// A small world where churners have more, angrier, worse-served tickets.
pub(crate) fn sim(n: usize, seed: u64) -> (Vec<EnrichedTicket>, CustomerTable) {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let end = at(2025, 6, 30);
    let topics = ["ACCOUNT", "REFUND", "CANCELLATION_FEE", "DELIVERY"];
    let mut tickets = Vec::new();
    let mut csv = String::from("customer_id,plan,mrr,signup_date,churned\n");
    for c in 0..n {
        let r: f64 = rng.gen_range(-2.0..2.0);
        let churned = rng.gen::<f64>() < 1.0 / (1.0 + (-(2.0 * r - 1.5)).exp());
        let k = rng.gen_range(0..4) + if r > 0.0 { rng.gen_range(0..4) } else { 0 };
        for _ in 0..k {
            let p = (1.0 / (1.0 + (-(1.5 * r + rng.gen_range(-1.5..1.5))).exp())) as f32;
            let s = if p > 0.5 {
                Sentiment::Negative
            } else {
                Sentiment::Neutral
            };
            let topic = topics[if r > 1.0 && rng.gen::<bool>() {
                2
            } else {
                rng.gen_range(0..4)
            }];
            tickets.push(ticket(
                tickets.len(),
                T {
                    customer: Box::leak(format!("c{c:04}").into_boxed_str()),
                    created: end - Duration::hours(rng.gen_range(0..24 * 180)),
                    frt: Some(rng.gen_range(10.0..600.0) * (1.0 + r.max(0.0))),
                    res_hours: Some(rng.gen_range(1.0..48.0)),
                    csat: rng
                        .gen_bool(0.5)
                        .then(|| (3.5 - r + rng.gen_range(-1.0..1.0)).round().clamp(1.0, 5.0)),
                    pred: Some((s, p, topic)),
                    ..T::default()
                },
            ));
        }
        let plan = ["basic", "pro", "enterprise"][rng.gen_range(0..3)];
        let label = if rng.gen_bool(0.9) {
            (churned as u8).to_string()
        } else {
            String::new()
        };
        csv.push_str(&format!(
            "c{c:04},{plan},{},2024-0{}-01,{label}\n",
            rng.gen_range(10..500),
            rng.gen_range(1..10)
        ));
    }
    (
        tickets,
        CustomerTable::from_reader(csv.as_bytes(), "sim.csv", &[]).unwrap(),
    )
}

#[test]
fn trains_scores_and_round_trips() {
    let (tickets, table) = sim(600, 3);
    let (model, eval) = train(&tickets, &table, &ChurnOptions::default()).unwrap();
    let auc = eval.holdout.model.roc_auc.unwrap();
    let cv = eval.cross_validation.model.roc_auc.unwrap();
    assert!(auc > 0.75, "held-out AUC {auc}\n{eval}");
    assert!(cv.mean > 0.75 && cv.sd < 0.1, "cv {cv}\n{eval}");
    assert!(auc > eval.holdout.baseline.roc_auc.unwrap(), "{eval}");
    assert_eq!(eval.holdout.test + eval.holdout.train, eval.labelled);
    assert_eq!(eval.holdout_predictions.len(), eval.holdout.test);
    assert!(eval.bands.medium <= eval.bands.high);
    // Deterministic given the seed (apart from the training timestamp).
    let (again, _) = train(&tickets, &table, &ChurnOptions::default()).unwrap();
    assert_eq!(again.coefficients, model.coefficients);

    let rows = score(&model, &tickets, Some(&table), None).unwrap();
    assert_eq!(rows.len(), 600);
    assert!(rows.windows(2).all(|w| w[0].churn_risk >= w[1].churn_risk));
    assert!(rows
        .iter()
        .all(|r| (0.0..=1.0).contains(&r.churn_risk) && r.top_factors.len() <= 3));
    assert!(
        rows[0].risk_band == "high" && !rows[0].top_factors.is_empty(),
        "{:?}",
        rows[0]
    );

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("churn_model.json");
    model.save(&path).unwrap();
    let mut loaded = ChurnModel::load(&path).unwrap();
    assert!(
        loaded.evaluation.holdout_predictions.is_empty(),
        "held-out predictions are not saved"
    );
    loaded.evaluation.holdout_predictions = model.evaluation.holdout_predictions.clone();
    assert!(loaded == model, "model changed in a save/load round trip");
    assert_eq!(score(&loaded, &tickets, Some(&table), None).unwrap(), rows);

    let csv_path = dir.path().join("at_risk.csv");
    write_at_risk(&rows, &csv_path).unwrap();
    let text = std::fs::read_to_string(&csv_path).unwrap();
    assert!(text.starts_with("customer_id,churn_risk,risk_band,top_factors,tickets_90d,last_contact,last_sentiment,plan,mrr,expected_mrr_at_risk\n"));
    assert_eq!(text.lines().count(), 601);
    eval.write(&dir.path().join("churn_eval.json")).unwrap();
    assert!(eval.to_string().contains("ROC AUC"));
}

#[test]
fn bad_labels_are_clear_errors() {
    let (tickets, _) = sim(50, 1);
    let table = |labels: &dyn Fn(usize) -> &'static str| {
        let mut csv = String::from("customer_id,churned\n");
        for c in 0..50 {
            csv.push_str(&format!("c{c:04},{}\n", labels(c)));
        }
        CustomerTable::from_reader(csv.as_bytes(), "c.csv", &[]).unwrap()
    };
    let err = |t: &CustomerTable| {
        train(&tickets, t, &ChurnOptions::default())
            .unwrap_err()
            .to_string()
    };
    let e = err(&table(&|_| ""));
    assert!(e.contains("no churn labels"), "{e}");
    let e = err(&table(&|_| "no"));
    assert!(e.contains("all 50 labelled customers are retained"), "{e}");
    let e = err(&table(&|c| if c < 3 { "1" } else { "0" }));
    assert!(
        e.contains("too few labelled customers: 3 churned and 47 retained"),
        "{e}"
    );
    for e in [err(&table(&|_| "")), err(&table(&|_| "1"))] {
        assert_eq!(e.lines().count(), 1);
    }
    let bad = ChurnOptions {
        folds: 1,
        ..ChurnOptions::default()
    };
    assert!(train(
        &tickets,
        &table(&|c| if c % 2 == 0 { "1" } else { "0" }),
        &bad
    )
    .is_err());
}

#[test]
fn factors_are_words() {
    let other = |name: &str| (name == "csat_min").then_some(1.0);
    assert_eq!(
        spec::describe("neg_tickets_30d", 3.0, &other),
        "3 negative tickets in 30 days"
    );
    assert_eq!(spec::describe("csat_mean", 1.5, &other), "CSAT 1.5 (min 1)");
    assert_eq!(
        spec::describe("frt_mean_minutes", 840.0, &other),
        "first response 14.0 h on average"
    );
    assert_eq!(
        spec::describe("topic_share:REFUND", 0.4, &other),
        "40% of tickets about REFUND"
    );
    assert_eq!(
        spec::describe("missing:csat", 1.0, &other),
        "no CSAT answers"
    );
}
