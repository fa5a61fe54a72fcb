//! One group's KPI values ([`KpiBlock`]) and how they are computed from the
//! engine's columnar records at the `as_of` instant.

use std::collections::BTreeMap;

use serde::Serialize;

use super::records::{flag, Records};
use super::sla::{PriorityClass, SlaTargets};
use super::FcrDefinition;
use crate::stats::{ratio, Stats};

/// A breach rate with its numerator and denominator.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SlaBlock {
    /// `breached / eligible`; null when nothing is eligible.
    pub breach_rate: Option<f64>,
    /// Tickets that missed the target.
    pub breached: u64,
    /// Tickets judged against the target.
    pub eligible: u64,
}

/// FRT and CSAT of the tickets with one predicted sentiment.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SentimentBlock {
    /// Tickets predicted with this sentiment.
    pub tickets: u64,
    /// Median first response (minutes) among them.
    pub first_response_minutes_median: Option<f64>,
    /// Answered tickets among them.
    pub first_response_count: u64,
    /// CSAT rate among them.
    pub csat_rate: Option<f64>,
    /// CSAT answers among them.
    pub csat_responses: u64,
}

/// Every KPI of one set of tickets (overall, a group, a period, a table
/// row). Definitions: docs/kpi.md. Rates are fractions in [0, 1]; a value
/// without data is `None` (JSON `null`), never 0.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct KpiBlock {
    /// Tickets created (in scope: created at or before `as_of`).
    pub tickets: u64,
    /// `tickets` / tickets of the enclosing set (overall for `by` groups and
    /// periods; the same period for table rows). Channel mix comes from
    /// `by=channel`'s shares.
    pub share: Option<f64>,
    /// Tickets handled (= `tickets`; with `by=agent` the agent's load).
    pub handled: u64,
    /// Tickets resolved at `as_of`; null when no ticket of the input has any
    /// resolution information (no status, resolved_at or resolution hours).
    pub resolved: Option<u64>,
    /// Tickets still open at `as_of`: neither resolved nor closed without
    /// resolution (`tickets − resolved − terminal`); null like `resolved`
    /// (an export without a status column says nothing about what is still
    /// open).
    pub backlog: Option<u64>,
    /// Tickets closed **without** a resolution at `as_of` (cancelled,
    /// merged, spam, duplicate, won't do, deleted, rejected, declined …:
    /// [`crate::ticket::TicketState::Terminal`]); null like `resolved`.
    /// They count in volume, never in the backlog, and never as resolutions.
    pub terminal: Option<u64>,
    /// Resolution rate: `resolved / tickets`, the share of the set's
    /// tickets resolved at `as_of` (for a period: tickets created in it and
    /// resolved by `as_of`); null like `resolved`.
    pub resolution_rate: Option<f64>,
    /// Wall-clock first response time of tickets answered by `as_of`.
    pub first_response_minutes: Stats,
    /// Wall-clock resolution time of tickets resolved by `as_of`.
    pub resolution_hours: Stats,
    /// Resolution time of resolved tickets never reopened (`reopens == 0`).
    pub first_resolution_hours: Stats,
    /// First response in business minutes (only with a business calendar).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_response_business_minutes: Option<Stats>,
    /// Resolution in business hours (only with a business calendar).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolution_business_hours: Option<Stats>,
    /// Agent handle (work) time per ticket in minutes, over the tickets
    /// with a handle-time value; `handle_minutes.mean` is the average
    /// handle time (AHT).
    pub handle_minutes: Stats,
    /// Σ handle minutes of the set (null without handle-time values): the
    /// agent time spent, for productivity and cost.
    pub handle_minutes_total: Option<f64>,
    /// Agent utilisation: handle time / paid time, with `--agent-hours N`
    /// (paid hours per agent per period). Only in `agent` groups (paid
    /// time = N × periods in the range) and agent × period rows (N); null
    /// elsewhere or without handle-time values.
    pub utilisation: Option<f64>,
    /// Cost per ticket: `--support-cost` / tickets (overall only), or
    /// `--cost-per-agent-hour` × mean handle hours (every set), in
    /// `cost.currency`; null without a cost option.
    pub cost_per_ticket: Option<f64>,
    /// Cost per resolution: the set's cost / `resolved` (support cost:
    /// overall only; per agent hour: rate × Σ handle hours); null without
    /// a cost option or resolutions.
    pub cost_per_resolution: Option<f64>,
    /// Share of CSAT answers that are ≥ 4.
    pub csat_rate: Option<f64>,
    /// Valid CSAT answers (1–5).
    pub csat_responses: u64,
    /// % promoters (≥ 9) − % detractors (≤ 6), −100..100.
    pub nps: Option<f64>,
    /// Valid NPS answers (0–10).
    pub nps_responses: u64,
    /// Mean customer effort score.
    pub ces_mean: Option<f64>,
    /// Valid CES answers (1–7).
    pub ces_responses: u64,
    /// Escalated / tickets with a known escalation flag.
    pub escalation_rate: Option<f64>,
    /// Escalated tickets.
    pub escalated: u64,
    /// Time to escalation, hours from creation to `escalated_at`, over
    /// tickets escalated by `as_of` (escalation times before creation are
    /// data errors, left out).
    pub time_to_escalation_hours: Stats,
    /// Distinct customers with a ticket in the set; null when no ticket
    /// has a customer id.
    pub customers: Option<u64>,
    /// Ticket load per customer: tickets with a customer id / `customers`.
    pub tickets_per_customer: Option<f64>,
    /// Resolved tickets with reopens > 0 / resolved tickets with a known reopen count.
    pub reopen_rate: Option<f64>,
    /// Resolved tickets reopened at least once.
    pub reopened: u64,
    /// First-contact resolution rate under the definition in
    /// `options.fcr_definition` ([`FcrDefinition`]): one-touch = resolved
    /// with replies ≤ 1 and no reopen / resolved with both known; one-reply
    /// = resolved with exactly 1 reply and no reopen / resolved with ≥ 1
    /// reply and both known.
    pub fcr_rate: Option<f64>,
    /// First-response SLA breaches / eligible.
    pub sla_breach_rate: Option<f64>,
    /// First-response SLA breaches.
    pub sla_breached: u64,
    /// Tickets judged against a first-response target.
    pub sla_eligible: u64,
    /// Resolution SLA (only when resolution targets are configured).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sla_resolution: Option<SlaBlock>,
    /// Share of tickets with a prediction whose sentiment is negative.
    pub negative_share: Option<f64>,
    /// Share of tickets with a prediction whose sentiment is neutral.
    pub neutral_share: Option<f64>,
    /// Share of tickets with a prediction whose sentiment is positive.
    pub positive_share: Option<f64>,
    /// Tickets with a model prediction.
    pub predictions: u64,
    /// Mean P(negative) over tickets with a prediction.
    pub mean_p_negative: Option<f64>,
    /// Share of tickets with a channel whose channel is self-service.
    pub self_service_share: Option<f64>,
    /// Channel → share of tickets with a channel (overall block only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel_mix: Option<BTreeMap<String, f64>>,
    /// Sentiment → FRT median and CSAT (overall block only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by_sentiment: Option<BTreeMap<String, SentimentBlock>>,
}

/// Per-record state at `as_of`.
pub(crate) mod state {
    /// Answered by `as_of`.
    pub const RESPONDED: u8 = 1;
    /// Resolved by `as_of`.
    pub const RESOLVED: u8 = 2;
    /// Closed without resolution (terminal status) by `as_of`.
    pub const TERMINAL: u8 = 4;
}

/// Everything needed to turn a set of record indices into a [`KpiBlock`].
pub(crate) struct BlockCtx<'a> {
    pub recs: &'a Records,
    /// [`state`] bits per record.
    pub state: Vec<u8>,
    /// The measuring instant (ms); `i64::MAX` for undated input.
    pub as_of: i64,
    /// The input has no creation times ([`crate::kpi::KpiOptions::undated`]):
    /// ticket ages are unknown, so an unanswered ticket is never judged
    /// against an SLA target.
    pub undated: bool,
    pub sla: SlaTargets,
    pub sla_resolution: Option<SlaTargets>,
    /// False when no ticket has first-response data at all (SLA is unknowable).
    pub sla_enabled: bool,
    /// False when no ticket has resolution-time data at all.
    pub sla_resolution_enabled: bool,
    /// False when no ticket says anything about resolution (backlog unknown).
    pub resolution_known: bool,
    pub business: bool,
    /// Which first-contact resolution definition `fcr_rate` uses.
    pub fcr: FcrDefinition,
    /// Per channel id: is it a self-service channel.
    pub self_service: Vec<bool>,
    /// `--cost-per-agent-hour`: cost of one hour of handle time.
    pub cost_per_agent_hour: Option<f64>,
    /// Distinct customer ids (the range of [`Records::customer`]).
    pub n_customers: usize,
}

thread_local! {
    /// Per-thread "seen in block number g" stamps, one per customer id, so
    /// counting a block's distinct customers is one pass instead of a sort
    /// (blocks are computed in parallel, each on one thread).
    static SEEN: std::cell::RefCell<(u32, Vec<u32>)> = const { std::cell::RefCell::new((0, Vec::new())) };
}

/// Distinct values among `ids` (each `< n`).
fn distinct_count(ids: &[u32], n: usize) -> u64 {
    SEEN.with(|cell| {
        let (gen, stamps) = &mut *cell.borrow_mut();
        if stamps.len() < n || *gen == u32::MAX {
            stamps.clear();
            stamps.resize(n, 0);
            *gen = 0;
        }
        *gen += 1;
        let g = *gen;
        let mut count = 0u64;
        for &c in ids {
            let s = &mut stamps[c as usize];
            if *s != g {
                *s = g;
                count += 1;
            }
        }
        count
    })
}

impl<'a> BlockCtx<'a> {
    /// Decide each record's state at `as_of` (tolerance 0.5 ms so a response
    /// exactly at `as_of` counts as answered despite float rounding).
    pub fn states(recs: &Records, as_of: i64) -> Vec<u8> {
        (0..recs.len())
            .map(|i| {
                let age = as_of.saturating_sub(recs.created[i]) as f64 + 0.5;
                let mut s = 0;
                let frt = recs.frt[i];
                if frt.is_finite() && frt * 60_000.0 <= age {
                    s |= state::RESPONDED;
                }
                // A resolved or terminal ticket is so from its resolution
                // time on (or always, without one); before that it is open.
                let res = recs.res[i];
                if res.is_nan() || res * 3_600_000.0 <= age {
                    if recs.flags[i] & flag::RESOLVED != 0 {
                        s |= state::RESOLVED;
                    } else if recs.flags[i] & flag::TERMINAL != 0 {
                        s |= state::TERMINAL;
                    }
                }
                s
            })
            .collect()
    }

    /// Whether record `i` breached its first-response target at `as_of`:
    /// `Some(breached)` when it is judged, `None` when it is not (no
    /// first-response data in the export, no target for its priority, or
    /// unanswered but not yet past the target, or closed as spam/merged/…
    /// without an answer: it owed none).
    pub fn frt_breach(&self, i: usize) -> Option<bool> {
        if !self.sla_enabled {
            return None;
        }
        let r = self.recs;
        let target = self.sla.minutes(PriorityClass::ALL[r.prio[i] as usize])?;
        let st = self.state[i];
        if st & state::RESPONDED != 0 {
            return Some(r.frt[i] > target);
        }
        let age_min = if self.undated {
            f64::NAN // unknown: never past a target
        } else {
            (self.as_of - r.created[i]) as f64 / 60_000.0
        };
        (st & state::TERMINAL == 0 && age_min > target).then_some(true)
    }

    /// The KPI block of the records `idx`.
    pub fn block(&self, idx: impl Iterator<Item = usize>) -> KpiBlock {
        let r = self.recs;
        let mut b = KpiBlock::default();
        let (mut frt, mut res, mut first_res, mut bfrt, mut bres) =
            (vec![], vec![], vec![], vec![], vec![]);
        let (mut handle, mut to_esc, mut customers) = (vec![], vec![], Vec::<u32>::new());
        let mut with_customer = 0u64;
        let (mut csat_ok, mut promoters, mut detractors) = (0u64, 0u64, 0u64);
        let (mut ces_sum, mut p_neg_sum) = (0.0f64, 0.0f64);
        let (mut reopen_den, mut fcr_num, mut fcr_den, mut esc_den, mut neg) =
            (0u64, 0u64, 0u64, 0u64, 0u64);
        let (mut with_channel, mut self_service) = (0u64, 0u64);
        let (mut neutral, mut positive) = (0u64, 0u64);
        let mut sla_res = SlaBlock::default();
        let (mut resolved_n, mut terminal_n) = (0u64, 0u64);
        for i in idx {
            b.tickets += 1;
            let st = self.state[i];
            let f = r.flags[i];
            let age_min = if self.undated {
                f64::NAN // unknown: every `age_min > target` is false
            } else {
                (self.as_of - r.created[i]) as f64 / 60_000.0
            };
            let resolved = st & state::RESOLVED != 0;
            let terminal = st & state::TERMINAL != 0;
            terminal_n += u64::from(terminal);
            let responded = st & state::RESPONDED != 0;
            if r.handle[i].is_finite() {
                handle.push(r.handle[i]);
            }
            let esc = r.esc[i];
            if esc.is_finite()
                && esc * 3_600_000.0 <= self.as_of.saturating_sub(r.created[i]) as f64 + 0.5
            {
                to_esc.push(esc);
            }
            if r.customer[i] != Records::NONE {
                with_customer += 1;
                customers.push(r.customer[i]);
            }
            if responded {
                frt.push(r.frt[i]);
                if self.business && r.bfrt[i].is_finite() {
                    bfrt.push(r.bfrt[i]);
                }
            }
            if resolved {
                resolved_n += 1;
                if r.res[i].is_finite() {
                    res.push(r.res[i]);
                    if f & flag::REOPENS_KNOWN != 0 && f & flag::REOPENED == 0 {
                        first_res.push(r.res[i]);
                    }
                    if self.business && r.bres[i].is_finite() {
                        bres.push(r.bres[i]);
                    }
                }
                if f & flag::REOPENS_KNOWN != 0 {
                    reopen_den += 1;
                    b.reopened += u64::from(f & flag::REOPENED != 0);
                    if f & flag::REPLIES_KNOWN != 0 {
                        // one-reply leaves tickets without any reply out
                        // of the denominator; with ≥ 1 reply, "≤ 1" is "= 1".
                        let counted = match self.fcr {
                            FcrDefinition::OneTouch => true,
                            FcrDefinition::OneReply => f & flag::REPLIES_ZERO == 0,
                        };
                        if counted {
                            fcr_den += 1;
                            fcr_num +=
                                u64::from(f & flag::REOPENED == 0 && f & flag::REPLIES_LE1 != 0);
                        }
                    }
                }
            }
            let class = PriorityClass::ALL[r.prio[i] as usize];
            if let Some(breached) = self.frt_breach(i) {
                b.sla_eligible += 1;
                b.sla_breached += u64::from(breached);
            }
            if let Some(targets) = self
                .sla_resolution
                .as_ref()
                .filter(|_| self.sla_resolution_enabled)
            {
                if let Some(target) = targets.minutes(class) {
                    if resolved {
                        if r.res[i].is_finite() {
                            sla_res.eligible += 1;
                            sla_res.breached += u64::from(r.res[i] * 60.0 > target);
                        }
                    } else if !terminal && age_min > target {
                        sla_res.eligible += 1;
                        sla_res.breached += 1;
                    }
                }
            }
            match r.csat[i] {
                1 => {
                    b.csat_responses += 1;
                    csat_ok += 1;
                }
                2 => b.csat_responses += 1,
                _ => {}
            }
            match r.nps[i] {
                1 => promoters += 1,
                3 => detractors += 1,
                _ => {}
            }
            b.nps_responses += u64::from(r.nps[i] != 0);
            if r.ces[i].is_finite() {
                b.ces_responses += 1;
                ces_sum += r.ces[i];
            }
            if f & flag::ESC_KNOWN != 0 {
                esc_den += 1;
                b.escalated += u64::from(f & flag::ESCALATED != 0);
            }
            if f & flag::HAS_PREDICTION != 0 {
                b.predictions += 1;
                neg += u64::from(r.sentiment[i] == 1);
                neutral += u64::from(r.sentiment[i] == 2);
                positive += u64::from(r.sentiment[i] == 3);
                p_neg_sum += f64::from(r.p_neg[i]);
            }
            let ch = r.channel[i];
            if ch != Records::NONE {
                with_channel += 1;
                self_service +=
                    u64::from(self.self_service.get(ch as usize).copied().unwrap_or(false));
            }
        }
        b.handled = b.tickets;
        if self.resolution_known {
            b.resolved = Some(resolved_n);
            b.terminal = Some(terminal_n);
            b.backlog = Some(b.tickets - resolved_n - terminal_n);
            b.resolution_rate = ratio(resolved_n, b.tickets);
        }
        b.handle_minutes_total = (!handle.is_empty()).then(|| handle.iter().sum());
        b.handle_minutes = Stats::of(&mut handle);
        b.time_to_escalation_hours = Stats::of(&mut to_esc);
        if with_customer > 0 {
            let distinct = distinct_count(&customers, self.n_customers);
            b.customers = Some(distinct);
            b.tickets_per_customer = ratio(with_customer, distinct);
        }
        if let Some(rate) = self.cost_per_agent_hour {
            let (_, per_ticket, per_resolution) =
                super::cost::figures(super::CostBasis::CostPerAgentHour(rate), &b);
            b.cost_per_ticket = per_ticket;
            b.cost_per_resolution = per_resolution;
        }
        b.first_response_minutes = Stats::of(&mut frt);
        b.resolution_hours = Stats::of(&mut res);
        b.first_resolution_hours = Stats::of(&mut first_res);
        if self.business {
            b.first_response_business_minutes = Some(Stats::of(&mut bfrt));
            b.resolution_business_hours = Some(Stats::of(&mut bres));
        }
        b.csat_rate = ratio(csat_ok, b.csat_responses);
        b.nps = (b.nps_responses > 0)
            .then(|| 100.0 * (promoters as f64 - detractors as f64) / b.nps_responses as f64);
        b.ces_mean = (b.ces_responses > 0).then(|| ces_sum / b.ces_responses as f64);
        b.escalation_rate = ratio(b.escalated, esc_den);
        b.reopen_rate = ratio(b.reopened, reopen_den);
        b.fcr_rate = ratio(fcr_num, fcr_den);
        b.sla_breach_rate = ratio(b.sla_breached, b.sla_eligible);
        if self.sla_resolution.is_some() {
            sla_res.breach_rate = ratio(sla_res.breached, sla_res.eligible);
            b.sla_resolution = Some(sla_res);
        }
        b.negative_share = ratio(neg, b.predictions);
        b.neutral_share = ratio(neutral, b.predictions);
        b.positive_share = ratio(positive, b.predictions);
        b.mean_p_negative = (b.predictions > 0).then(|| p_neg_sum / b.predictions as f64);
        b.self_service_share = ratio(self_service, with_channel);
        b
    }
}

/// Channel names counted as self-service (compared lower-case with `-`/`_`
/// read as spaces): the customer helped themselves instead of an agent. A
/// web form is a ticket submitted to agents, so it is *not* self-service.
pub fn is_self_service(channel: &str) -> bool {
    let norm: String = channel
        .trim()
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c == '-' || c == '_' { ' ' } else { c })
        .collect();
    let norm = norm.split_whitespace().collect::<Vec<_>>().join(" ");
    matches!(
        norm.as_str(),
        "self service"
            | "selfservice"
            | "help center"
            | "help centre"
            | "helpcenter"
            | "knowledge base"
            | "kb"
    )
}
