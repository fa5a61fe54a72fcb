//! Columnar per-ticket records: the ~70 bytes of each ticket the KPIs need.
//!
//! Medians and p90s need every value of a group anyway, and whether a ticket
//! counts as answered/resolved depends on `as_of`, which (when not given) is
//! the latest timestamp in the data and only known at the end. So the engine keeps one
//! compact record per ticket (never its text) and decides everything in
//! `finish`.

use std::collections::HashMap;

use crate::ticket::TicketState;
use crate::EnrichedTicket;

use super::calendar::BusinessCalendar;
use super::sla::PriorityClass;

/// Bits of [`Records::flags`].
pub(crate) mod flag {
    /// `Ticket::state()` is resolved (status solved/closed, or a
    /// resolution time and no status saying otherwise).
    pub const RESOLVED: u16 = 1;
    /// `escalated` is known.
    pub const ESC_KNOWN: u16 = 2;
    /// Escalated.
    pub const ESCALATED: u16 = 4;
    /// `reopens` is known.
    pub const REOPENS_KNOWN: u16 = 8;
    /// `reopens > 0`.
    pub const REOPENED: u16 = 16;
    /// `replies` is known.
    pub const REPLIES_KNOWN: u16 = 32;
    /// `replies <= 1`.
    pub const REPLIES_LE1: u16 = 64;
    /// A model prediction exists.
    pub const HAS_PREDICTION: u16 = 128;
    /// The ticket says anything about resolution: a non-blank status, a
    /// `resolved_at` or a resolution-hours value. When no ticket has this,
    /// backlog and resolved are unknowable (null), not "everything open".
    pub const RES_INFO: u16 = 256;
    /// `Ticket::state()` is terminal (cancelled, merged, spam, …).
    pub const TERMINAL: u16 = 512;
    /// `replies == 0` (with `REPLIES_KNOWN`).
    pub const REPLIES_ZERO: u16 = 1024;
}

/// Survey answer codes in [`Records::csat`] / [`Records::nps`].
pub(crate) mod survey {
    /// CSAT ≥ 4.
    pub const SATISFIED: u8 = 1;
    /// CSAT < 4.
    pub const UNSATISFIED: u8 = 2;
    /// NPS ≥ 9.
    pub const PROMOTER: u8 = 1;
    /// 6 < NPS < 9.
    pub const PASSIVE: u8 = 2;
    /// NPS ≤ 6.
    pub const DETRACTOR: u8 = 3;
}

/// Struct-of-arrays ticket records (`NaN` = missing for floats).
#[derive(Debug, Default)]
pub(crate) struct Records {
    /// created_at, UTC milliseconds.
    pub created: Vec<i64>,
    /// First response, minutes.
    pub frt: Vec<f64>,
    /// Resolution, hours.
    pub res: Vec<f64>,
    /// First response, business minutes (empty without a calendar).
    pub bfrt: Vec<f64>,
    /// Resolution, business hours (empty without a calendar).
    pub bres: Vec<f64>,
    /// CES answer (1–7).
    pub ces: Vec<f64>,
    /// Handle (agent work) time, minutes.
    pub handle: Vec<f64>,
    /// Time from creation to escalation, hours (`NaN` without an
    /// `escalated_at`, or one before creation).
    pub esc: Vec<f64>,
    /// Customer id ([`Records::NONE`] = no customer).
    pub customer: Vec<u32>,
    /// Local weekday × 24 + hour of creation (Monday 0), in the report
    /// time zone; [`Records::NO_CELL`] for undated input.
    pub cell: Vec<u8>,
    /// P(negative) (0 without a prediction).
    pub p_neg: Vec<f32>,
    /// [`flag`] bits.
    pub flags: Vec<u16>,
    /// [`survey`] CSAT code, 0 = none.
    pub csat: Vec<u8>,
    /// [`survey`] NPS code, 0 = none.
    pub nps: Vec<u8>,
    /// 0 none, 1 negative, 2 neutral, 3 positive.
    pub sentiment: Vec<u8>,
    /// [`PriorityClass`] index.
    pub prio: Vec<u8>,
    /// Channel id ([`Records::NONE`] = no channel).
    pub channel: Vec<u32>,
    /// Period id (empty without a period).
    pub period: Vec<u32>,
    /// Per `by` dimension: the group ids of each record.
    pub dims: Vec<Members>,
    /// Table rows (combined dimensions × period) of each record.
    pub combo: Members,
}

impl Records {
    /// Id meaning "no value".
    pub const NONE: u32 = u32::MAX;
    /// [`Records::cell`] of a ticket without a known creation hour.
    pub const NO_CELL: u8 = u8::MAX;

    /// Number of records.
    pub fn len(&self) -> usize {
        self.created.len()
    }

    /// Append the KPI-relevant fields of one ticket (grouping ids are pushed
    /// by the engine, which also resolves `channel`, `customer` and the
    /// weekday-hour `cell`). Returns true when the ticket has a priority
    /// value no class is known for (it then counts as normal).
    pub fn push(
        &mut self,
        et: &EnrichedTicket,
        cal: Option<&BusinessCalendar>,
        channel: u32,
        customer: u32,
        cell: u8,
    ) -> bool {
        let t = &et.ticket;
        let created = t.created_at.timestamp_millis();
        let frt = t
            .frt_minutes()
            .filter(|v| v.is_finite())
            .unwrap_or(f64::NAN);
        let res = t
            .resolution_hours()
            .filter(|v| v.is_finite())
            .unwrap_or(f64::NAN);
        self.created.push(created);
        self.frt.push(frt);
        self.res.push(res);
        self.handle.push(
            t.handle_minutes
                .filter(|v| v.is_finite() && *v >= 0.0)
                .unwrap_or(f64::NAN),
        );
        // An escalation time on a ticket flagged *not* escalated is a
        // contradiction: the flag wins, as it does for the escalation rate.
        self.esc.push(
            t.escalated_at
                .filter(|_| t.escalated != Some(false))
                .map(|at| (at - t.created_at).num_milliseconds() as f64 / 3_600_000.0)
                .filter(|h| *h >= 0.0)
                .unwrap_or(f64::NAN),
        );
        self.customer.push(customer);
        self.cell.push(cell);
        if let Some(cal) = cal {
            let business = |span_ms: f64| -> f64 {
                if !span_ms.is_finite() || span_ms > 1e15 {
                    return f64::NAN;
                }
                match cal.business_ms(created, created.saturating_add(span_ms.round() as i64)) {
                    Some(ms) => ms as f64,
                    None => f64::NAN,
                }
            };
            self.bfrt.push(business(frt * 60_000.0) / 60_000.0);
            self.bres.push(business(res * 3_600_000.0) / 3_600_000.0);
        }
        let mut f = 0u16;
        match t.state() {
            TicketState::Resolved => f |= flag::RESOLVED,
            TicketState::Terminal => f |= flag::TERMINAL,
            TicketState::Open => {}
        }
        if t.status.as_deref().is_some_and(|s| !s.trim().is_empty())
            || t.resolved_at.is_some()
            || t.resolution_hours.is_some()
        {
            f |= flag::RES_INFO;
        }
        if let Some(e) = t.escalated {
            f |= flag::ESC_KNOWN | if e { flag::ESCALATED } else { 0 };
        }
        if let Some(r) = t.reopens {
            f |= flag::REOPENS_KNOWN | if r > 0 { flag::REOPENED } else { 0 };
        }
        if let Some(r) = t.replies {
            f |= flag::REPLIES_KNOWN | if r <= 1 { flag::REPLIES_LE1 } else { 0 };
            if r == 0 {
                f |= flag::REPLIES_ZERO;
            }
        }
        let (sentiment, p_neg) = match &et.prediction {
            Some(p) => {
                f |= flag::HAS_PREDICTION;
                let s = match p.sentiment {
                    crate::Sentiment::Negative => 1,
                    crate::Sentiment::Neutral => 2,
                    crate::Sentiment::Positive => 3,
                };
                (s, p.p_negative)
            }
            None => (0, 0.0),
        };
        self.flags.push(f);
        self.csat.push(match t.csat {
            Some(c) if (1.0..=5.0).contains(&c) => {
                if c >= 4.0 {
                    survey::SATISFIED
                } else {
                    survey::UNSATISFIED
                }
            }
            _ => 0,
        });
        self.nps.push(match t.nps {
            Some(n) if (0.0..=10.0).contains(&n) => {
                if n >= 9.0 {
                    survey::PROMOTER
                } else if n <= 6.0 {
                    survey::DETRACTOR
                } else {
                    survey::PASSIVE
                }
            }
            _ => 0,
        });
        self.ces.push(
            t.ces
                .filter(|c| (1.0..=7.0).contains(c))
                .unwrap_or(f64::NAN),
        );
        self.sentiment.push(sentiment);
        self.p_neg.push(if p_neg.is_finite() { p_neg } else { 0.0 });
        let priority = t.priority.as_deref().filter(|p| !p.trim().is_empty());
        let class = priority.and_then(PriorityClass::parse);
        self.prio.push(class.unwrap_or(PriorityClass::Normal) as u8);
        self.channel.push(channel);
        priority.is_some() && class.is_none()
    }
}

/// Group memberships of one grouping column: `ids[j]` is a group of record
/// `recs[j]`, or of record `j` when `recs` is `None` (the usual case: one
/// value per record, no index stored). Multi-valued dimensions (tags) keep
/// `recs`, so a record can be in several groups.
#[derive(Debug, Default)]
pub(crate) struct Members {
    /// Group id per membership.
    pub ids: Vec<u32>,
    /// Record index per membership; `None` = `ids` is indexed by record.
    pub recs: Option<Vec<u32>>,
}

impl Members {
    /// Memberships that may hold several groups per record.
    pub fn multi() -> Members {
        Members {
            ids: Vec::new(),
            recs: Some(Vec::new()),
        }
    }

    /// Add record `rec` to group `id` (records must be added in order and,
    /// for single-valued columns, exactly once each).
    pub fn push(&mut self, rec: usize, id: u32) {
        self.ids.push(id);
        if let Some(r) = &mut self.recs {
            r.push(rec as u32);
        }
    }

    /// The record of membership `j`.
    pub fn record(&self, j: usize) -> usize {
        match &self.recs {
            Some(r) => r[j] as usize,
            None => j,
        }
    }
}

/// [`bucket`] of `ids`, mapping each position through `recs` (when given)
/// to its record index.
pub(crate) fn members_bucket(
    ids: &[u32],
    recs: Option<&[u32]>,
    groups: usize,
) -> (Vec<u32>, Vec<usize>) {
    let (mut order, offsets) = bucket(ids, groups);
    if let Some(r) = recs {
        for j in &mut order {
            *j = r[*j as usize];
        }
    }
    (order, offsets)
}

/// String ↔ dense id, so grouping works on `u32`s. Hashed with foldhash:
/// every ticket looks up its channel, customer and each `by` value, and
/// SipHash's DoS resistance buys nothing for a local file.
#[derive(Debug, Default)]
pub(crate) struct Interner {
    map: HashMap<String, u32, foldhash::fast::RandomState>,
    /// Names by id.
    pub names: Vec<String>,
}

impl Interner {
    /// The id of `name`, adding it when new.
    pub fn id(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.map.get(name) {
            return id;
        }
        let id = self.names.len() as u32;
        self.map.insert(name.to_string(), id);
        self.names.push(name.to_string());
        id
    }
}

/// Counting sort of record indices by group id: `order[offsets[g]..offsets[g + 1]]`
/// are group `g`'s records, in input order. Ids ≥ `groups` are skipped.
pub(crate) fn bucket(ids: &[u32], groups: usize) -> (Vec<u32>, Vec<usize>) {
    let mut offsets = vec![0usize; groups + 1];
    for &g in ids {
        if (g as usize) < groups {
            offsets[g as usize + 1] += 1;
        }
    }
    for g in 0..groups {
        offsets[g + 1] += offsets[g];
    }
    let mut next = offsets.clone();
    let mut order = vec![0u32; offsets[groups]];
    for (i, &g) in ids.iter().enumerate() {
        if (g as usize) < groups {
            order[next[g as usize]] = i as u32;
            next[g as usize] += 1;
        }
    }
    (order, offsets)
}
