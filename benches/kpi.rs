//! KPI engine throughput: 1M synthetic tickets streamed through `KpiEngine`
//! with `by = channel, priority, agent` and weekly periods: the default
//! per-dimension tables (`plain`), plus the combined cross-product table
//! (`cross`), and that with a business-hours calendar (`business`). Prints
//! tickets/s and peak RSS (VmHWM). Tickets carry handle time, escalation
//! times and one of 50,000 customer ids, and `plain` prices them with
//! `--cost-per-agent-hour`, so every KPI of `KpiBlock` is computed.
//!
//! Run: `cargo bench --bench kpi` (add `-- 200000` for another size, or a
//! mode name to run only that configuration).
//! Each configuration runs in a child process so its peak RSS is its own.

use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use ticketlens::kpi::{BusinessCalendar, KpiEngine, KpiOptions, KpiReport};
use ticketlens::period::Period;
use ticketlens::{EnrichedTicket, Prediction, Sentiment, Ticket};

const CHANNELS: [&str; 6] = ["email", "chat", "phone", "social", "web", "self-service"];
const PRIORITIES: [&str; 4] = ["urgent", "high", "normal", "low"];

/// Fill `et` with the `i`-th synthetic ticket (seeded, deterministic).
fn fill(
    rng: &mut Xoshiro256PlusPlus,
    et: &mut EnrichedTicket,
    start: DateTime<Utc>,
    agents: &[String],
) {
    let t = &mut et.ticket;
    t.created_at = start + Duration::seconds(rng.gen_range(0..365 * 86_400));
    let frt = -rng.gen::<f64>().max(1e-9).ln() * 240.0;
    let res = frt / 60.0 + -rng.gen::<f64>().max(1e-9).ln() * 30.0;
    let answered = rng.gen_bool(0.97);
    t.first_response_at = answered.then(|| t.created_at + Duration::seconds((frt * 60.0) as i64));
    let resolved = answered && rng.gen_bool(0.9);
    t.resolved_at = resolved.then(|| t.created_at + Duration::seconds((res * 3600.0) as i64));
    t.status = Some(if resolved { "solved" } else { "open" }.to_string());
    t.channel = Some(CHANNELS[rng.gen_range(0..CHANNELS.len())].to_string());
    t.priority = Some(PRIORITIES[rng.gen_range(0..4)].to_string());
    t.agent = Some(agents[rng.gen_range(0..agents.len())].clone());
    t.escalated = Some(rng.gen_bool(0.08));
    // Escalation times, handle time and a customer (one of 50,000) on every
    // ticket, so the customer and workload KPIs are part of the figure.
    t.escalated_at = (t.escalated == Some(true))
        .then(|| t.created_at + Duration::seconds(rng.gen_range(600..86_400)));
    t.handle_minutes = rng
        .gen_bool(0.85)
        .then(|| -rng.gen::<f64>().max(1e-9).ln() * 12.0);
    let customer = rng.gen_range(0..50_000u32);
    match &mut t.customer_id {
        Some(c) => {
            c.clear();
            use std::fmt::Write;
            let _ = write!(c, "C{customer:05}");
        }
        None => t.customer_id = Some(format!("C{customer:05}")),
    }
    t.reopens = Some(if rng.gen_bool(0.1) {
        rng.gen_range(1..4)
    } else {
        0
    });
    t.replies = Some(rng.gen_range(0..6));
    t.csat = rng.gen_bool(0.45).then(|| rng.gen_range(1..=5) as f64);
    t.nps = rng.gen_bool(0.2).then(|| rng.gen_range(0..=10) as f64);
    t.ces = rng.gen_bool(0.15).then(|| rng.gen_range(1..=7) as f64);
    let p_neg: f32 = rng.gen();
    et.prediction = Some(Prediction {
        sentiment: if p_neg > 0.6 {
            Sentiment::Negative
        } else if p_neg < 0.2 {
            Sentiment::Positive
        } else {
            Sentiment::Neutral
        },
        sentiment_confidence: 0.8,
        p_negative: p_neg,
        p_neutral: 0.0,
        p_positive: 0.0,
        topic: "billing".to_string(),
        topic_confidence: 0.9,
        heads: Vec::new(),
    });
}

fn peak_rss_mib() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn run(label: &str, n: usize, opts: KpiOptions) -> KpiReport {
    let start: DateTime<Utc> = "2025-01-01T00:00:00Z".parse().expect("valid instant");
    let agents: Vec<String> = (0..200).map(|i| format!("agent-{i:03}")).collect();
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(42);
    let mut et = EnrichedTicket::new(Ticket::default());
    let t0 = Instant::now();
    let mut gen_time = std::time::Duration::ZERO;
    let mut engine = KpiEngine::new(opts);
    for _ in 0..n {
        let g = Instant::now();
        fill(&mut rng, &mut et, start, &agents);
        gen_time += g.elapsed();
        engine.push(&et);
    }
    let pushed = t0.elapsed() - gen_time;
    let f = Instant::now();
    let report = engine.finish();
    let finish = f.elapsed();
    let total = pushed + finish;
    println!(
        "{label:<28} {n} tickets: push {:.2} s + finish {:.2} s = {:.2} s → {:.0} tickets/s (generation {:.2} s excluded); peak RSS {} ; {} table rows",
        pushed.as_secs_f64(),
        finish.as_secs_f64(),
        total.as_secs_f64(),
        n as f64 / total.as_secs_f64(),
        gen_time.as_secs_f64(),
        peak_rss_mib().map_or("n/a".to_string(), |m| format!("{m:.0} MiB")),
        report.tables.iter().map(|t| t.rows.len()).sum::<usize>(),
    );
    report
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: usize = args
        .iter()
        .find_map(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let mode = args
        .iter()
        .find(|a| matches!(a.as_str(), "plain" | "cross" | "business"));
    let Some(mode) = mode else {
        // Run each configuration in its own process so peak RSS is its own
        // (freed heap is not always returned to the OS within a process).
        println!("rayon threads: {}", rayon::current_num_threads());
        let exe = std::env::current_exe().expect("own path");
        for mode in ["plain", "cross", "business"] {
            let status = std::process::Command::new(&exe)
                .args([mode, &n.to_string()])
                .status()
                .expect("re-run self");
            assert!(status.success(), "{mode} run failed");
        }
        return;
    };
    let base = KpiOptions {
        by: vec!["channel".into(), "priority".into(), "agent".into()],
        period: Some(Period::Week),
        cost: Some(ticketlens::kpi::CostBasis::CostPerAgentHour(40.0)),
        agent_hours: Some(38.0),
        ..KpiOptions::default()
    };
    if mode == "plain" || mode == "cross" {
        let (label, opts) = if mode == "plain" {
            ("by channel,priority,agent×week", base)
        } else {
            (
                "  + cross table",
                KpiOptions {
                    cross: true,
                    ..base
                },
            )
        };
        let r = run(label, n, opts);
        let o = &r.overall;
        println!(
            "  overall: FRT median {:.1} min, resolution median {:.1} h, CSAT {:.3}, SLA breach {:.3}, {} weeks",
            o.first_response_minutes.median.unwrap_or(f64::NAN),
            o.resolution_hours.median.unwrap_or(f64::NAN),
            o.csat_rate.unwrap_or(f64::NAN),
            o.sla_breach_rate.unwrap_or(f64::NAN),
            r.periods.len()
        );
    } else {
        let cal =
            BusinessCalendar::parse("Mon-Fri 09:00-17:00 Europe/Berlin", None).expect("valid spec");
        let r = run(
            "  + cross + business hours",
            n,
            KpiOptions {
                business_hours: Some(cal),
                cross: true,
                ..base
            },
        );
        let median = |s: &Option<ticketlens::kpi::Stats>| {
            s.as_ref().and_then(|s| s.median).unwrap_or(f64::NAN)
        };
        println!(
            "  overall: business FRT median {:.1} min, business resolution median {:.1} h",
            median(&r.overall.first_response_business_minutes),
            median(&r.overall.resolution_business_hours),
        );
    }
}
