//! Ground truth: what each pipeline stage should find in the synthetic data.
//!
//! Everything here is computed from the in-memory records (never by
//! re-parsing the CSV), over valid tickets only, so a bug in ingest cannot
//! hide itself by agreeing with its own output.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, SecondsFormat, Utc};
use serde::Serialize;

use super::{BrokenKind, SynthConfig, SynthTicket, TextKind, Topic, World};
use ticketlens::period::Period;
use ticketlens::Sentiment;

/// Words every surge ticket's text contains (case-insensitive) — except
/// `tracking`, which most but not all contain.
pub const SURGE_KEYWORDS: [&str; 4] = ["delivered", "never arrived", "parcel", "tracking"];

/// What the hostile tickets carry, by hostile index.
const HOSTILE_PAYLOADS: [&str; 5] = [
    "<script>alert(1)</script> in body",
    "\"><img src=x onerror=alert(1)> in subject and body",
    "subject starts with =HYPERLINK(\"http://x\",\"click\")",
    "subject starts with @SUM(1+1)",
    "emoji and non-ASCII text (é, ü, 中文)",
];

/// Everything a test or benchmark may check against.
#[derive(Debug, Clone, Serialize)]
pub struct GroundTruth {
    /// Generator name and version of the format.
    pub generator: &'static str,
    /// The config that produced the data.
    pub config: SynthConfig,
    /// First instant of the data window.
    pub data_start: String,
    /// End of the data window (exclusive).
    pub data_end: String,
    /// Export instant: the last created_at among valid tickets.
    pub as_of: String,
    /// Physical lines in tickets.csv, header included.
    pub tickets_csv_lines: u64,
    /// Valid tickets (the rows ingest should accept).
    pub valid_tickets: usize,
    /// Rows ingest should reject, in file order.
    pub rejects: Vec<RejectTruth>,
    /// Valid tickets with hostile text.
    pub hostile: Vec<HostileTruth>,
    /// The planted complaint surge, if any.
    pub surge: Option<SurgeTruth>,
    /// KPI values over the valid tickets at `as_of`.
    pub kpi: KpiTruth,
    /// Churn world summary.
    pub churn: ChurnTruth,
    /// ticket_id → [topic, sentiment].
    pub labels: BTreeMap<String, (&'static str, &'static str)>,
}

/// One row ingest must reject.
#[derive(Debug, Clone, Serialize)]
pub struct RejectTruth {
    /// 1-based physical line (header = 1).
    pub line: u64,
    /// Value of its first field.
    pub ticket_id: String,
    /// Expected reject reason.
    pub kind: BrokenKind,
    /// What is wrong with it.
    pub detail: &'static str,
}

/// One valid ticket carrying a hostile payload.
#[derive(Debug, Clone, Serialize)]
pub struct HostileTruth {
    /// Ticket id.
    pub ticket_id: String,
    /// 1-based physical line where its record starts.
    pub line: u64,
    /// What the text carries.
    pub payload: &'static str,
}

/// The planted surge.
#[derive(Debug, Clone, Serialize)]
pub struct SurgeTruth {
    /// Topic label of the surging complaint.
    pub topic: &'static str,
    /// Its sentiment.
    pub sentiment: &'static str,
    /// The recurring problem, in words.
    pub description: &'static str,
    /// Words a theme label or keyword list should surface.
    pub keywords: Vec<&'static str>,
    /// First surge day (a Monday).
    pub start: NaiveDate,
    /// ISO week key of the first surge week.
    pub first_week: String,
    /// All surge week keys.
    pub weeks: Vec<String>,
    /// Surge tickets planted on top of the baseline.
    pub planted_tickets: usize,
    /// DELIVERY-negative tickets per 7 days before the surge (full weeks only).
    pub baseline_weekly_rate: f64,
    /// DELIVERY-negative tickets per 7 days during the surge.
    pub surge_weekly_rate: f64,
    /// `surge_weekly_rate / baseline_weekly_rate`.
    pub ratio: f64,
    /// DELIVERY-negative tickets per ISO week (every week of the data).
    pub weekly_delivery_negative: BTreeMap<String, usize>,
}

/// Mean / median / p90 of a duration sample.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats {
    /// Arithmetic mean.
    pub mean: Option<f64>,
    /// Median (linear interpolation).
    pub median: Option<f64>,
    /// 90th percentile (linear interpolation between closest ranks, numpy default).
    pub p90: Option<f64>,
    /// Sample size.
    pub count: usize,
}

/// KPI values, with the definitions stated in docs/synth.md.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KpiTruth {
    /// Valid tickets.
    pub tickets: usize,
    /// Status not solved/closed.
    pub backlog: usize,
    /// Solved/closed tickets.
    pub resolved: usize,
    /// created_at → first_response_at, minutes, over answered tickets.
    pub first_response_minutes: Stats,
    /// created_at → resolved_at, hours, over solved/closed tickets with resolved_at.
    pub resolution_hours: Stats,
    /// Share of CSAT answers ≥ 4.
    pub csat_rate: Option<f64>,
    /// CSAT answers.
    pub csat_responses: usize,
    /// % promoters (9–10) minus % detractors (0–6), in points.
    pub nps: Option<f64>,
    /// NPS answers.
    pub nps_responses: usize,
    /// Mean CES (1–7, 7 = very easy).
    pub ces_mean: Option<f64>,
    /// CES answers.
    pub ces_responses: usize,
    /// Escalated / all tickets.
    pub escalation_rate: Option<f64>,
    /// Resolved with reopens > 0 / resolved.
    pub reopen_rate: Option<f64>,
    /// Resolved with replies ≤ 1 and no reopen / resolved.
    pub fcr_rate: Option<f64>,
    /// Breached / eligible (see `sla_targets_minutes`).
    pub sla_breach_rate: Option<f64>,
    /// Answered after target, or unanswered and older than target at as_of.
    pub sla_breached: usize,
    /// Answered tickets plus unanswered tickets older than target at as_of.
    pub sla_eligible: usize,
    /// First-response targets by priority.
    pub sla_targets_minutes: BTreeMap<&'static str, i64>,
}

/// Churn world summary.
#[derive(Debug, Clone, Serialize)]
pub struct ChurnTruth {
    /// Prediction date: labels mean "churned after this instant".
    pub prediction_date: String,
    /// Customers.
    pub customers: usize,
    /// Customers labelled churned.
    pub churned: usize,
    /// churned / customers.
    pub churn_rate: Option<f64>,
    /// Mean true churn probability.
    pub mean_probability: Option<f64>,
    /// AUC of the true probability against the drawn labels: the ceiling a
    /// model can hope for.
    pub oracle_auc: Option<f64>,
}

fn rfc(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Linear-interpolation quantile of sorted data (numpy's default method);
/// the same primitive the KPI engine uses (its tests pin it to numpy).
pub use ticketlens::stats::quantile_sorted as quantile;

fn stats(mut v: Vec<f64>) -> Stats {
    v.sort_by(f64::total_cmp);
    let mean = (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64);
    Stats {
        mean,
        median: quantile(&v, 0.5),
        p90: quantile(&v, 0.9),
        count: v.len(),
    }
}

fn ratio(num: usize, den: usize) -> Option<f64> {
    (den > 0).then(|| num as f64 / den as f64)
}

/// KPI truths over `tickets` at `as_of`.
pub fn kpi_truth(tickets: &[SynthTicket], as_of: DateTime<Utc>) -> KpiTruth {
    let minutes = |a: DateTime<Utc>, b: DateTime<Utc>| (b - a).num_seconds() as f64 / 60.0;
    let frt: Vec<f64> = tickets
        .iter()
        .filter_map(|t| t.first_response_at.map(|f| minutes(t.created_at, f)))
        .collect();
    let resolved: Vec<&SynthTicket> = tickets.iter().filter(|t| t.status.is_resolved()).collect();
    let res: Vec<f64> = resolved
        .iter()
        .filter_map(|t| t.resolved_at.map(|r| minutes(t.created_at, r) / 60.0))
        .collect();
    let csat: Vec<u8> = tickets.iter().filter_map(|t| t.csat).collect();
    let nps: Vec<u8> = tickets.iter().filter_map(|t| t.nps).collect();
    let ces: Vec<u8> = tickets.iter().filter_map(|t| t.ces).collect();
    let (mut breached, mut eligible) = (0, 0);
    for t in tickets {
        let target = Duration::minutes(t.priority.sla_minutes());
        match t.first_response_at {
            Some(f) => {
                eligible += 1;
                breached += (f - t.created_at > target) as usize;
            }
            None if as_of - t.created_at > target => {
                eligible += 1;
                breached += 1;
            }
            None => {}
        }
    }
    let promoters = nps.iter().filter(|&&n| n >= 9).count();
    let detractors = nps.iter().filter(|&&n| n <= 6).count();
    KpiTruth {
        tickets: tickets.len(),
        backlog: tickets.len() - resolved.len(),
        resolved: resolved.len(),
        first_response_minutes: stats(frt),
        resolution_hours: stats(res),
        csat_rate: ratio(csat.iter().filter(|&&c| c >= 4).count(), csat.len()),
        csat_responses: csat.len(),
        nps: (!nps.is_empty())
            .then(|| 100.0 * (promoters as f64 - detractors as f64) / nps.len() as f64),
        nps_responses: nps.len(),
        ces_mean: (!ces.is_empty())
            .then(|| ces.iter().map(|&c| c as f64).sum::<f64>() / ces.len() as f64),
        ces_responses: ces.len(),
        escalation_rate: ratio(
            tickets.iter().filter(|t| t.escalated).count(),
            tickets.len(),
        ),
        reopen_rate: ratio(
            resolved.iter().filter(|t| t.reopens > 0).count(),
            resolved.len(),
        ),
        fcr_rate: ratio(
            resolved
                .iter()
                .filter(|t| t.replies <= 1 && t.reopens == 0)
                .count(),
            resolved.len(),
        ),
        sla_breach_rate: ratio(breached, eligible),
        sla_breached: breached,
        sla_eligible: eligible,
        sla_targets_minutes: [
            ("urgent", 60),
            ("high", 240),
            ("normal", 480),
            ("low", 1440),
        ]
        .into_iter()
        .collect(),
    }
}

/// Area under the ROC curve of `scores` against `labels` (Mann–Whitney,
/// ties counted half). `None` when one class is absent.
pub fn auc(scores: &[f64], labels: &[bool]) -> Option<f64> {
    let mut idx: Vec<usize> = (0..scores.len()).collect();
    idx.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    let (mut rank_sum, mut i) = (0.0, 0);
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && scores[idx[j + 1]] == scores[idx[i]] {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0 + 1.0;
        rank_sum += idx[i..=j].iter().filter(|&&k| labels[k]).count() as f64 * avg;
        i = j + 1;
    }
    let pos = labels.iter().filter(|&&l| l).count() as f64;
    let neg = labels.len() as f64 - pos;
    (pos > 0.0 && neg > 0.0).then(|| (rank_sum - pos * (pos + 1.0) / 2.0) / (pos * neg))
}

impl World {
    /// The ground truth of this world (what `write` saves as ground_truth.json).
    pub fn ground_truth(&self) -> GroundTruth {
        let tickets = self.tickets();
        let customers = self.customers();
        let probs: Vec<f64> = customers.iter().map(|c| c.churn_probability).collect();
        let labels: Vec<bool> = customers.iter().map(|c| c.churned).collect();
        let churned = labels.iter().filter(|&&l| l).count();
        let last_line = tickets.last().map(|t| t.line).unwrap_or(1);
        let lines = match (tickets.last(), self.broken_rows().last()) {
            (_, Some(b)) if b.line > last_line => b.line,
            (Some(t), _) => t.line + newlines(&self.text_of(t)),
            (None, _) => 1,
        };
        GroundTruth {
            generator: "ticketlens-synth/1",
            config: self.config().clone(),
            data_start: rfc(self.start()),
            data_end: rfc(self.end()),
            as_of: rfc(self.as_of()),
            tickets_csv_lines: lines,
            valid_tickets: tickets.len(),
            rejects: self
                .broken_rows()
                .iter()
                .map(|b| RejectTruth {
                    line: b.line,
                    ticket_id: b.id.clone(),
                    kind: b.kind,
                    detail: b.detail,
                })
                .collect(),
            hostile: tickets
                .iter()
                .filter_map(|t| match t.kind {
                    TextKind::Hostile(i) => Some(HostileTruth {
                        ticket_id: t.id.clone(),
                        line: t.line,
                        payload: HOSTILE_PAYLOADS[i as usize % HOSTILE_PAYLOADS.len()],
                    }),
                    _ => None,
                })
                .collect(),
            surge: self.surge_truth(),
            kpi: kpi_truth(tickets, self.as_of()),
            churn: ChurnTruth {
                prediction_date: rfc(self.as_of()),
                customers: customers.len(),
                churned,
                churn_rate: ratio(churned, customers.len()),
                mean_probability: (!probs.is_empty())
                    .then(|| probs.iter().sum::<f64>() / probs.len() as f64),
                oracle_auc: auc(&probs, &labels),
            },
            labels: tickets
                .iter()
                .map(|t| (t.id.clone(), (t.topic.as_str(), t.sentiment.as_str())))
                .collect(),
        }
    }

    fn surge_truth(&self) -> Option<SurgeTruth> {
        let s = self.surge_start?;
        let is_dn =
            |t: &&SynthTicket| t.topic == Topic::Delivery && t.sentiment == Sentiment::Negative;
        let first_monday = Period::Week
            .next_start(Period::Week.start_of(self.start().date_naive() - Duration::days(1)));
        let first_monday = first_monday
            .and_hms_opt(0, 0, 0)
            .expect("midnight")
            .and_utc();
        let count_in = |a: DateTime<Utc>, b: DateTime<Utc>| {
            self.tickets()
                .iter()
                .filter(is_dn)
                .filter(|t| t.created_at >= a && t.created_at < b)
                .count() as f64
        };
        let days =
            |a: DateTime<Utc>, b: DateTime<Utc>| ((b - a).num_minutes() as f64 / 1440.0).max(1.0);
        let base = 7.0 * count_in(first_monday, s) / days(first_monday, s);
        let surge = 7.0 * count_in(s, self.end()) / days(s, self.end());
        let last = self.end().date_naive() - Duration::days(1);
        let mut weekly: BTreeMap<String, usize> = Period::Week
            .range(self.start().date_naive(), last)
            .into_iter()
            .map(|k| (k, 0))
            .collect();
        for t in self.tickets().iter().filter(is_dn) {
            *weekly
                .entry(Period::Week.key_of_date(t.created_at.date_naive()))
                .or_default() += 1;
        }
        Some(SurgeTruth {
            topic: Topic::Delivery.as_str(),
            sentiment: Sentiment::Negative.as_str(),
            description: "parcels marked as delivered that never arrived",
            keywords: SURGE_KEYWORDS.to_vec(),
            start: s.date_naive(),
            first_week: Period::Week.key_of_date(s.date_naive()),
            weeks: Period::Week.range(s.date_naive(), last),
            planted_tickets: self
                .tickets()
                .iter()
                .filter(|t| t.kind == TextKind::Surge)
                .count(),
            baseline_weekly_rate: base,
            surge_weekly_rate: surge,
            ratio: if base > 0.0 {
                surge / base
            } else {
                f64::INFINITY
            },
            weekly_delivery_negative: weekly,
        })
    }
}

fn newlines((s, b): &(String, String)) -> u64 {
    (s.matches('\n').count() + b.matches('\n').count()) as u64
}
