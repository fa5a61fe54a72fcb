//! When tickets arrive, what they are about, and how support handled them.
//!
//! Volume per customer follows the latent health (unhappy customers write
//! more, and more so towards the end of the window); topic and sentiment
//! follow health too. Timings are log-normal with medians set by priority,
//! channel and team, a bit slower for angry tickets, and clipped at the
//! export instant so recent tickets are still open or unanswered.

use chrono::{DateTime, Datelike, Duration, NaiveTime, Timelike, Utc, Weekday};
use rand::Rng;

use super::rng::{chance, lognormal, normal, pick, weighted, Cumulative};
use super::{Plan, Priority, Status, SynthConfig, SynthCustomer, SynthTicket, TextKind, Topic};
use ticketlens::Sentiment;

/// Base topic weights, in [`Topic::ALL`] order.
const TOPIC_WEIGHTS: [f64; 11] = [10.0, 5.0, 7.0, 13.0, 7.0, 9.0, 4.0, 14.0, 10.0, 9.0, 7.0];
/// Base (P(negative), P(positive)) per topic, in [`Topic::ALL`] order.
const SENTIMENT_BASE: [(f64, f64); 11] = [
    (0.28, 0.15),
    (0.48, 0.10),
    (0.20, 0.18),
    (0.36, 0.17),
    (0.25, 0.40),
    (0.22, 0.16),
    (0.16, 0.18),
    (0.26, 0.18),
    (0.33, 0.14),
    (0.40, 0.15),
    (0.18, 0.18),
];
/// Share of tickets per hour of day (UTC), business-hours heavy.
const HOUR_WEIGHTS: [f64; 24] = [
    1.0, 0.7, 0.5, 0.4, 0.4, 0.6, 1.2, 2.5, 4.5, 6.0, 6.5, 6.2, 5.5, 6.0, 6.3, 6.0, 5.2, 4.2, 3.2,
    2.6, 2.2, 1.9, 1.6, 1.3,
];
/// Channels and their shares.
const CHANNELS: [(&str, f64); 6] = [
    ("email", 38.0),
    ("chat", 22.0),
    ("web", 16.0),
    ("phone", 10.0),
    ("social", 6.0),
    ("self-service", 8.0),
];
const TIER1: [&str; 6] = [
    "Maya Patel",
    "Lucas Meyer",
    "Aisha Bello",
    "Tom Nguyen",
    "Sofia Rossi",
    "Daniel Kim",
];
const TIER2: [&str; 3] = ["Grace Okafor", "Henrik Larsen", "Priya Raman"];
const BILLING: [&str; 3] = ["Omar Haddad", "Elena Petrova", "Chris Walker"];
/// Hostile tickets planted when `hostile_rows` is on (see `text::hostile`).
pub(super) const HOSTILE: [(Topic, Sentiment); 5] = [
    (Topic::Order, Sentiment::Neutral),
    (Topic::Account, Sentiment::Negative),
    (Topic::Refund, Sentiment::Neutral),
    (Topic::Invoice, Sentiment::Neutral),
    (Topic::Delivery, Sentiment::Positive),
];
/// Surge length and strength: DELIVERY-negative volume in the surge weeks is
/// about `1 + SURGE_EXTRA` times its baseline.
const SURGE_DAYS: i64 = 28;
const SURGE_EXTRA: f64 = 3.0;

/// Arrival plan: tickets with customer, time, topic, sentiment and text seed.
pub(super) struct ArrivalPlan {
    pub tickets: Vec<SynthTicket>,
    pub surge_start: Option<DateTime<Utc>>,
}

fn risk(c: &SynthCustomer) -> f64 {
    (-c.health).max(0.0)
}

/// Relative ticket rate of a customer over the window, and the slope of its
/// rise (rate ∝ 1 + slope·u for u in 0..1 over its active span).
fn rate(c: &SynthCustomer, start: DateTime<Utc>, end: DateTime<Utc>) -> (f64, f64) {
    let slope = 1.8 * (-c.health - 0.3).max(0.0);
    let active_from = c.signup_date.and_time(NaiveTime::MIN).and_utc().max(start);
    let frac = ((end - active_from).num_minutes() as f64
        / (end - start).num_minutes().max(1) as f64)
        .clamp(0.0, 1.0);
    let plan = match c.plan {
        Plan::Free => 0.6,
        Plan::Starter => 1.0,
        Plan::Pro => 1.4,
        Plan::Enterprise => 2.2,
    };
    (
        plan * (-0.45 * c.health).exp() * frac * (1.0 + slope / 2.0),
        slope,
    )
}

fn topic_weights(c: &SynthCustomer, u: f64) -> [f64; 11] {
    let mut w = TOPIC_WEIGHTS;
    let boost = (0.35 * risk(c) * (0.5 + u)).exp();
    for t in [Topic::Account, Topic::CancellationFee, Topic::Refund] {
        w[t as usize] *= boost;
    }
    w
}

fn sentiment_probs(c: &SynthCustomer, topic: Topic, u: f64) -> [f64; 3] {
    let (pn, pp) = SENTIMENT_BASE[topic as usize];
    let pu = 1.0 - pn - pp;
    let ln = (pn / pu).ln() - 0.4 * c.health + 0.4 * risk(c) * u;
    let lp = (pp / pu).ln() + 0.35 * c.health;
    let (en, ep) = (ln.exp(), lp.exp());
    let z = 1.0 + en + ep;
    [en / z, 1.0 / z, ep / z]
}

/// Random instant on the date of `t` with a business-hours time of day;
/// weekends are thinned to ~45 % by redrawing (bounded retries).
fn shape_time<R: Rng>(rng: &mut R, mut draw: impl FnMut(&mut R) -> DateTime<Utc>) -> DateTime<Utc> {
    let mut t = draw(rng);
    for _ in 0..8 {
        let weekend = matches!(t.weekday(), Weekday::Sat | Weekday::Sun);
        if !weekend || rng.gen::<f64>() < 0.45 {
            break;
        }
        t = draw(rng);
    }
    let hour = weighted(rng, &HOUR_WEIGHTS) as u32;
    let minute = rng.gen_range(0..60);
    t.date_naive()
        .and_hms_opt(hour, minute, 0)
        .expect("valid time")
        .and_utc()
}

/// Decide how many tickets of each kind, who files them and when.
pub(super) fn plan<R: Rng>(
    rng: &mut R,
    cfg: &SynthConfig,
    customers: &[SynthCustomer],
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> ArrivalPlan {
    if cfg.tickets == 0 || customers.is_empty() {
        return ArrivalPlan {
            tickets: Vec::new(),
            surge_start: None,
        };
    }
    let rates: Vec<(f64, f64)> = customers.iter().map(|c| rate(c, start, end)).collect();
    let weights: Vec<f64> = rates.iter().map(|r| r.0).collect();
    let picker = Cumulative::new(&weights);
    let n_hostile = if cfg.hostile_rows {
        HOSTILE.len().min(cfg.tickets)
    } else {
        0
    };
    let window_days = (end - start).num_days();
    let surge_start = (cfg.surge && window_days >= 8 * 7).then(|| {
        let from = (end - Duration::days(SURGE_DAYS)).date_naive();
        let monday = from + Duration::days((7 - from.weekday().num_days_from_monday() as i64) % 7);
        monday.and_time(NaiveTime::MIN).and_utc()
    });
    let n_surge = match surge_start {
        Some(s) => {
            let total_w: f64 = weights.iter().sum();
            let p_dn: f64 = customers
                .iter()
                .zip(&weights)
                .map(|(c, w)| {
                    let tw = topic_weights(c, 0.5);
                    let pt = tw[Topic::Delivery as usize] / tw.iter().sum::<f64>();
                    w * pt * sentiment_probs(c, Topic::Delivery, 0.5)[0]
                })
                .sum::<f64>()
                / total_w.max(1e-12);
            let k = SURGE_EXTRA * p_dn * (end - s).num_days() as f64 / window_days as f64;
            let rest = (cfg.tickets - n_hostile) as f64;
            (rest - rest / (1.0 + k)).round() as usize
        }
        None => 0,
    };
    let n_base = cfg.tickets - n_hostile - n_surge;
    let span = (end - start).num_seconds();
    let mut out = Vec::with_capacity(cfg.tickets);
    for _ in 0..n_base {
        let ci = picker.draw(rng);
        let c = &customers[ci];
        let slope = rates[ci].1;
        let from = c.signup_date.and_time(NaiveTime::MIN).and_utc().max(start);
        let len = (end - from).num_seconds().max(60);
        let created = shape_time(rng, |r| {
            let y: f64 = r.gen();
            let u = if slope > 1e-9 {
                ((1.0 + 2.0 * slope * y * (1.0 + slope / 2.0)).sqrt() - 1.0) / slope
            } else {
                y
            };
            from + Duration::seconds((u.clamp(0.0, 1.0) * (len - 1) as f64) as i64)
        });
        let u = (created - start).num_seconds() as f64 / span as f64;
        let topic = Topic::ALL[weighted(rng, &topic_weights(c, u))];
        let sentiment = [Sentiment::Negative, Sentiment::Neutral, Sentiment::Positive]
            [weighted(rng, &sentiment_probs(c, topic, u))];
        out.push(blank(
            ci,
            created,
            topic,
            sentiment,
            TextKind::Normal,
            rng.gen(),
        ));
    }
    if let Some(s) = surge_start {
        let len = (end - s).num_seconds();
        for _ in 0..n_surge {
            let ci = picker.draw(rng);
            let created = shape_time(rng, |r| s + Duration::seconds(r.gen_range(0..len)));
            out.push(blank(
                ci,
                created,
                Topic::Delivery,
                Sentiment::Negative,
                TextKind::Surge,
                rng.gen(),
            ));
        }
    }
    for (i, (topic, sentiment)) in HOSTILE.iter().take(n_hostile).enumerate() {
        let ci = rng.gen_range(0..customers.len());
        let created = shape_time(rng, |r| {
            start + Duration::seconds(r.gen_range(span / 5..span * 4 / 5))
        });
        out.push(blank(
            ci,
            created,
            *topic,
            *sentiment,
            TextKind::Hostile(i as u8),
            rng.gen(),
        ));
    }
    out.sort_by_key(|t| t.created_at);
    let width = if cfg.tickets >= 1_000_000 { 7 } else { 6 };
    for (i, t) in out.iter_mut().enumerate() {
        t.id = format!("T-{:0width$}", i + 1);
    }
    ArrivalPlan {
        tickets: out,
        surge_start,
    }
}

fn blank(
    customer: usize,
    created_at: DateTime<Utc>,
    topic: Topic,
    sentiment: Sentiment,
    kind: TextKind,
    seed: u64,
) -> SynthTicket {
    SynthTicket {
        id: String::new(),
        line: 0,
        customer,
        created_at,
        first_response_at: None,
        resolved_at: None,
        status: Status::Open,
        channel: "email",
        priority: Priority::Normal,
        agent: None,
        team: "Tier 1",
        escalated: false,
        reopens: 0,
        replies: 0,
        csat: None,
        nps: None,
        ces: None,
        tags: Vec::new(),
        topic,
        sentiment,
        kind,
        text_seed: seed,
    }
}

fn minutes(m: f64) -> Duration {
    Duration::minutes(m.round().max(1.0) as i64)
}

/// Draw channel, priority, team, agent, timings, status and survey answers
/// for every ticket (in file order), clipping events at `as_of`.
pub(super) fn fill_timings<R: Rng>(
    rng: &mut R,
    tickets: &mut [SynthTicket],
    customers: &[SynthCustomer],
    as_of: DateTime<Utc>,
) {
    for t in tickets.iter_mut() {
        let c = &customers[t.customer];
        let risk = risk(c);
        let neg = t.sentiment == Sentiment::Negative;
        let senti = match t.sentiment {
            Sentiment::Negative => -1.0,
            Sentiment::Neutral => 0.0,
            Sentiment::Positive => 0.7,
        };
        let ch = weighted(rng, &CHANNELS.map(|c| c.1));
        t.channel = CHANNELS[ch].0;
        let mut pw = if c.plan == Plan::Enterprise {
            [0.12, 0.30, 0.48, 0.10]
        } else {
            [0.06, 0.20, 0.54, 0.20]
        };
        if neg {
            pw[0] *= 1.8;
            pw[1] *= 1.4;
        }
        t.priority = [
            Priority::Urgent,
            Priority::High,
            Priority::Normal,
            Priority::Low,
        ][weighted(rng, &pw)];
        let p_esc =
            0.03 + if t.priority == Priority::Urgent {
                0.15
            } else {
                0.0
            } + if t.priority == Priority::High {
                0.06
            } else {
                0.0
            } + if neg { 0.06 } else { 0.0 }
                + 0.04 * risk;
        t.escalated = chance(rng, p_esc);
        let billing = matches!(
            t.topic,
            Topic::Invoice | Topic::Payment | Topic::Refund | Topic::CancellationFee
        );
        let (team, agents): (&'static str, &[&'static str]) = if t.escalated {
            ("Tier 2", &TIER2)
        } else if billing && chance(rng, 0.8) {
            ("Billing", &BILLING)
        } else {
            ("Tier 1", &TIER1)
        };
        t.team = team;
        t.agent = Some(*pick(rng, agents));

        let frt_median = match t.priority {
            Priority::Urgent => 30.0,
            Priority::High => 100.0,
            Priority::Normal => 240.0,
            Priority::Low => 600.0,
        } * match t.channel {
            "chat" => 0.12,
            "phone" => 0.08,
            "social" => 0.7,
            "email" => 1.15,
            "self-service" => 1.5,
            _ => 1.0,
        } * match team {
            "Tier 2" => 1.25,
            "Billing" => 1.2,
            _ => 1.0,
        } * if neg { 1.25 } else { 1.0 }
            * (1.0 + 0.1 * risk);
        let frt = lognormal(rng, frt_median, 1.0);
        let lost = chance(
            rng,
            if matches!(t.channel, "social" | "web") {
                0.04
            } else {
                0.02
            },
        );
        let k = if chance(
            rng,
            0.05 + if neg { 0.07 } else { 0.0 }
                + 0.05 * risk
                + if t.escalated { 0.06 } else { 0.0 },
        ) {
            let mut k = 1;
            while k < 3 && chance(rng, 0.3) {
                k += 1;
            }
            k
        } else {
            0
        };
        let res_median = match t.priority {
            Priority::Urgent => 5.0,
            Priority::High => 16.0,
            Priority::Normal => 30.0,
            Priority::Low => 60.0,
        } * if team == "Tier 2" { 1.5 } else { 1.0 }
            * if t.escalated { 1.5 } else { 1.0 }
            * if neg { 1.3 } else { 1.0 }
            * (1.0 + 0.7 * k as f64);
        let res_minutes = (lognormal(rng, res_median, 0.9) * 60.0).max(frt + 5.0);
        let stuck = chance(rng, 0.04);
        let more_replies = if matches!(t.channel, "chat" | "phone" | "self-service") {
            0.3
        } else {
            0.45
        };
        let mut replies = 1u32;
        while replies < 8 && chance(rng, more_replies) {
            replies += 1;
        }
        let unassigned = chance(rng, 0.5);
        let closed_blank = chance(rng, 0.005);

        let fr = t.created_at + minutes(frt);
        let resolved = t.created_at + minutes(res_minutes);
        if lost || fr > as_of {
            t.status = Status::Open;
            if unassigned {
                t.agent = None;
            }
            t.tags = tags(rng, t, c);
            continue;
        }
        t.first_response_at = Some(fr);
        t.reopens = k;
        t.replies = (replies + k + 2 * t.escalated as u32).clamp(1, 8);
        if stuck || resolved > as_of {
            t.status = if k > 0 || chance(rng, 0.4) {
                Status::Open
            } else {
                Status::Pending
            };
        } else {
            t.status = if as_of - resolved > Duration::days(4) {
                Status::Closed
            } else {
                Status::Solved
            };
            t.resolved_at = (!(t.status == Status::Closed && closed_blank)).then_some(resolved);
            let slow = (frt / t.priority.sla_minutes() as f64)
                .max(0.1)
                .ln()
                .clamp(-1.0, 2.0);
            if chance(rng, 0.48) {
                let s = 4.7 + 1.0 * senti
                    - 0.35 * slow
                    - 0.4 * k as f64
                    - 0.3 * t.escalated as u8 as f64
                    + 0.25 * c.health
                    + 0.8 * normal(rng);
                t.csat = Some(s.round().clamp(1.0, 5.0) as u8);
            }
            if chance(rng, 0.24) {
                let s = 8.6 + 1.8 * senti + 0.6 * c.health - 0.5 * k as f64 + 1.5 * normal(rng);
                t.nps = Some(s.round().clamp(0.0, 10.0) as u8);
            }
            if chance(rng, 0.35) {
                let s = 5.3 + 0.9 * senti - 0.4 * k as f64 - 0.4 * t.escalated as u8 as f64
                    + normal(rng);
                t.ces = Some(s.round().clamp(1.0, 7.0) as u8);
            }
        }
        t.tags = tags(rng, t, c);
    }
}

fn tags<R: Rng>(rng: &mut R, t: &SynthTicket, c: &SynthCustomer) -> Vec<&'static str> {
    let mut tags = Vec::new();
    if chance(rng, 0.7) {
        tags.push(*pick(rng, super::bank_common::topic_tags(t.topic)));
    }
    if t.kind == TextKind::Surge && chance(rng, 0.35) {
        tags.push("carrier");
    }
    if t.escalated {
        tags.push("escalated");
    }
    if t.reopens > 0 {
        tags.push("reopened");
    }
    if c.plan == Plan::Enterprise {
        tags.push("vip");
    }
    if t.created_at.hour() >= 22 || t.created_at.hour() < 6 {
        tags.push("after-hours");
    }
    tags
}
