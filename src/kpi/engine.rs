//! The streaming KPI engine: `push` tickets one by one, `finish` once.

use std::collections::{BTreeMap, HashMap};

/// Hash maps keyed per ticket (dates, combinations, group × period pairs):
/// foldhash, since SipHash's DoS resistance buys nothing for a local file.
type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use rayon::prelude::*;

use super::block::{is_self_service, BlockCtx, KpiBlock, SentimentBlock};
use super::calendar::local_instant;
use super::cost::{CostBasis, CostSummary};
use super::customers::{contacts, customer_kpis, top_customers, Knowable};
use super::distribution::{distributions, open_at};
use super::peak::PeakHours;
use super::records::{flag, members_bucket, Interner, Members, Records};
use super::report::{KpiReport, KpiTable, ReportOptions, TableRow};
use super::KpiOptions;
use crate::ticket::Dimension;
use crate::EnrichedTicket;

/// Group value used for tickets without a value for a `by` dimension.
pub const NONE_LABEL: &str = "(none)";

/// Distinct unrecognised priority values remembered (more are not listed).
const MAX_UNKNOWN_PRIORITIES: usize = 50;

/// Streaming KPI computation: memory is one compact record per ticket
/// (~70–90 bytes, never the text), so a million tickets fit comfortably.
pub struct KpiEngine {
    opts: KpiOptions,
    recs: Records,
    channels: Interner,
    customers: Interner,
    dims: Vec<Interner>,
    period_keys: Interner,
    period_of_date: FastMap<NaiveDate, u32>,
    dates: Option<(NaiveDate, NaiveDate)>,
    combos: FastMap<Box<[u32]>, u32>,
    combo_keys: Vec<Box<[u32]>>,
    scratch: Vec<u32>,
    /// Per `by` dimension: the current ticket's group ids (cross table).
    values: Vec<Vec<u32>>,
    /// The `by` dimensions, parsed once.
    parsed: Vec<Dimension>,
    /// Priority values no class is known for → tickets (counted as normal).
    unknown_priorities: HashMap<String, u64>,
    excluded: u64,
}

impl KpiEngine {
    /// An engine for these options (see [`KpiOptions::validate`] for
    /// checking `by` names first).
    pub fn new(opts: KpiOptions) -> KpiEngine {
        let ndims = opts.by.len();
        let parsed: Vec<Dimension> = opts.by.iter().map(|d| Dimension::parse(d)).collect();
        let members = |m: bool| {
            if m {
                Members::multi()
            } else {
                Members::default()
            }
        };
        KpiEngine {
            recs: Records {
                dims: parsed
                    .iter()
                    .map(|d| members(d.is_multi_valued()))
                    .collect(),
                combo: members(parsed.iter().any(Dimension::is_multi_valued)),
                ..Records::default()
            },
            values: vec![Vec::new(); ndims],
            parsed,
            unknown_priorities: HashMap::new(),
            dims: (0..ndims).map(|_| Interner::default()).collect(),
            opts,
            channels: Interner::default(),
            customers: Interner::default(),
            period_keys: Interner::default(),
            period_of_date: FastMap::default(),
            dates: None,
            combos: FastMap::default(),
            combo_keys: Vec::new(),
            scratch: Vec::new(),
            excluded: 0,
        }
    }

    /// Add one ticket. Tickets created after an explicit `as_of` are counted
    /// in `tickets_excluded_after_as_of` and otherwise ignored.
    pub fn push(&mut self, et: &EnrichedTicket) {
        let t = &et.ticket;
        if self.opts.as_of.is_some_and(|a| t.created_at > a) {
            self.excluded += 1;
            return;
        }
        let channel = match t.channel.as_deref().filter(|c| !c.trim().is_empty()) {
            Some(c) => self.channels.id(c),
            None => Records::NONE,
        };
        let customer = match t.customer_id.as_deref().filter(|c| !c.trim().is_empty()) {
            Some(c) => self.customers.id(c),
            None => Records::NONE,
        };
        // Local creation time, once: the weekday-hour cell and the period.
        let local = (!self.opts.undated).then(|| t.created_at.with_timezone(&self.opts.timezone));
        let cell = local.map_or(Records::NO_CELL, |l| {
            (l.weekday().num_days_from_monday() * 24 + l.hour()) as u8
        });
        let rec = self.recs.len();
        let unknown_priority = self.recs.push(
            et,
            self.opts.business_hours.as_ref(),
            channel,
            customer,
            cell,
        );
        if unknown_priority {
            let p = t.priority.as_deref().unwrap_or("").trim();
            // Bounded: a free-text column must not grow this without end.
            if let Some(n) = self.unknown_priorities.get_mut(p) {
                *n += 1;
            } else if self.unknown_priorities.len() < MAX_UNKNOWN_PRIORITIES {
                self.unknown_priorities.insert(p.to_string(), 1);
            }
        }
        let cross = self.opts.cross && self.opts.by.len() >= 2;
        for (k, dim) in self.parsed.iter().enumerate() {
            let vals = &mut self.values[k];
            vals.clear();
            if dim.is_multi_valued() {
                // Every tag: the ticket counts once under each.
                for v in et.values_of(dim) {
                    vals.push(self.dims[k].id(&v));
                }
            } else if let Some(v) = et.value_of(dim) {
                vals.push(self.dims[k].id(&v));
            }
            if vals.is_empty() {
                vals.push(self.dims[k].id(NONE_LABEL));
            }
            for &id in vals.iter() {
                self.recs.dims[k].push(rec, id);
            }
        }
        let mut period_id = None;
        if let Some(p) = self.opts.period {
            let date = match local {
                Some(l) => l.date_naive(),
                None => t.created_at.with_timezone(&self.opts.timezone).date_naive(),
            };
            let keys = &mut self.period_keys;
            let id = *self
                .period_of_date
                .entry(date)
                .or_insert_with(|| keys.id(&p.key_of_date(date)));
            self.recs.period.push(id);
            period_id = Some(id);
            self.dates = Some(match self.dates {
                Some((lo, hi)) => (lo.min(date), hi.max(date)),
                None => (date, date),
            });
        }
        // The combined table only with `cross` and two or more dimensions
        // (with one it would repeat that dimension's own table). A ticket
        // with several tags is in one row per combination of its values.
        if cross {
            let ndims = self.values.len();
            let mut pos = vec![0usize; ndims];
            'combos: loop {
                self.scratch.clear();
                for (k, &p) in pos.iter().enumerate() {
                    self.scratch.push(self.values[k][p]);
                }
                self.scratch.extend(period_id);
                let id = match self.combos.get(self.scratch.as_slice()) {
                    Some(&id) => id,
                    None => {
                        let id = self.combo_keys.len() as u32;
                        let key: Box<[u32]> = self.scratch.clone().into_boxed_slice();
                        self.combos.insert(key.clone(), id);
                        self.combo_keys.push(key);
                        id
                    }
                };
                self.recs.combo.push(rec, id);
                // Next combination (an odometer over the dimensions' values).
                let mut k = ndims;
                loop {
                    if k == 0 {
                        break 'combos;
                    }
                    k -= 1;
                    pos[k] += 1;
                    if pos[k] < self.values[k].len() {
                        break;
                    }
                    pos[k] = 0;
                }
            }
        }
    }

    /// Tickets pushed and kept so far.
    pub fn len(&self) -> usize {
        self.recs.len()
    }

    /// True when no ticket was kept.
    pub fn is_empty(&self) -> bool {
        self.recs.len() == 0
    }

    /// Compute every KPI at `as_of` (the option, else the latest timestamp in
    /// the data: see [`KpiOptions::as_of`]).
    pub fn finish(self) -> KpiReport {
        let KpiEngine {
            opts,
            recs,
            channels,
            customers,
            dims,
            period_keys,
            dates,
            combo_keys,
            excluded,
            unknown_priorities,
            ..
        } = self;
        // (The interning hash maps are dropped here: only names are needed now.)
        let recs = &recs;
        let n = recs.len();
        let as_of_ms = opts
            .as_of
            .map(|a| a.timestamp_millis())
            .or_else(|| latest_timestamp(recs));
        // Undated input: every recorded response and resolution has
        // happened (states come from the data, not from an instant).
        let as_of = if opts.undated {
            i64::MAX
        } else {
            as_of_ms.unwrap_or(0)
        };
        let ctx = BlockCtx {
            recs,
            state: BlockCtx::states(recs, as_of),
            as_of,
            undated: opts.undated,
            sla: opts.sla,
            sla_resolution: opts.sla_resolution,
            sla_enabled: recs.frt.iter().any(|v| v.is_finite()),
            sla_resolution_enabled: recs.res.iter().any(|v| v.is_finite()),
            resolution_known: recs.flags.iter().any(|f| f & flag::RES_INFO != 0),
            business: opts.business_hours.is_some(),
            fcr: opts.fcr,
            self_service: channels.names.iter().map(|c| is_self_service(c)).collect(),
            n_customers: customers.names.len(),
            cost_per_agent_hour: match opts.cost {
                Some(CostBasis::CostPerAgentHour(rate)) => Some(rate),
                _ => None,
            },
        };

        let mut overall = ctx.block(0..n);
        overall.share = (overall.tickets > 0).then_some(1.0);
        overall.channel_mix = Some(channel_mix(recs, &channels));
        overall.by_sentiment = Some(
            [(1u8, "negative"), (2, "neutral"), (3, "positive")]
                .into_par_iter()
                .map(|(code, name)| {
                    let b = ctx.block((0..n).filter(|&i| recs.sentiment[i] == code));
                    let s = SentimentBlock {
                        tickets: b.tickets,
                        first_response_minutes_median: b.first_response_minutes.median,
                        first_response_count: b.first_response_minutes.count,
                        csat_rate: b.csat_rate,
                        csat_responses: b.csat_responses,
                    };
                    (name.to_string(), s)
                })
                .collect(),
        );
        let total = overall.tickets;
        let share = |tickets: u64, of: u64| (of > 0).then(|| tickets as f64 / of as f64);
        // Blocks of every group of one grouping column, in parallel; `make`
        // turns (group id, block) into the stored item. `ids[j]` is a group
        // of record `recs[j]` (of record `j` without `recs`).
        let grouped = |ids: &[u32],
                       recs: Option<&[u32]>,
                       groups: usize,
                       make: &(dyn Fn(usize, KpiBlock) -> TableRow + Sync)| {
            let (order, offsets) = members_bucket(ids, recs, groups);
            (0..groups)
                .into_par_iter()
                .map(|g| {
                    make(
                        g,
                        ctx.block(
                            order[offsets[g]..offsets[g + 1]]
                                .iter()
                                .map(|&i| i as usize),
                        ),
                    )
                })
                .collect::<Vec<TableRow>>()
        };
        let plain = |_: usize, block: KpiBlock| TableRow {
            values: Vec::new(),
            period: None,
            block,
        };

        let mut by = Vec::with_capacity(opts.by.len());
        for (k, dim) in opts.by.iter().enumerate() {
            let names = &dims[k].names;
            let map: BTreeMap<String, KpiBlock> = grouped(
                &recs.dims[k].ids,
                recs.dims[k].recs.as_deref(),
                names.len(),
                &plain,
            )
            .into_iter()
            .zip(names)
            .map(|(mut row, name)| {
                row.block.share = share(row.block.tickets, total);
                (name.clone(), row.block)
            })
            .collect();
            by.push((dim.clone(), map));
        }

        let mut periods = BTreeMap::new();
        let mut backlog_at_last_period_start = None;
        let mut backlog_at_period_end = BTreeMap::new();
        let mut last_period_complete = None;
        if let (Some(p), Some((first, last)), Some(as_of_dt)) = (
            opts.period,
            dates,
            as_of_ms.and_then(DateTime::<Utc>::from_timestamp_millis),
        ) {
            let as_of_date = as_of_dt.with_timezone(&opts.timezone).date_naive();
            let rows = grouped(&recs.period, None, period_keys.names.len(), &plain);
            let mut by_key: HashMap<&str, KpiBlock> = period_keys
                .names
                .iter()
                .map(String::as_str)
                .zip(rows.into_iter().map(|r| r.block))
                .collect();
            for key in p.range(first, last.max(as_of_date)) {
                let mut b = by_key
                    .remove(key.as_str())
                    .unwrap_or_else(|| ctx.block(std::iter::empty()));
                b.share = share(b.tickets, total);
                periods.insert(key, b);
            }
            if ctx.resolution_known {
                // End of each period: the last instant before the next one
                // starts, at most `as_of`.
                let mut keys = Vec::new();
                let mut ends = Vec::new();
                let mut s = p.start_of(first);
                while s <= last.max(as_of_date) {
                    let next = p.next_start(s);
                    let end = local_instant(opts.timezone, next, 0, false)
                        .map_or(as_of, |x| x.saturating_sub(1))
                        .min(as_of);
                    keys.push(p.key_of_date(s));
                    ends.push(end);
                    s = next;
                }
                backlog_at_period_end = keys.into_iter().zip(open_at(recs, &ends)).collect();
            }
            last_period_complete = Some(
                p.next_start(p.start_of(last.max(as_of_date))) - chrono::Duration::days(1)
                    == as_of_date.max(last),
            );
            let start = p.start_of(as_of_date);
            backlog_at_last_period_start = local_instant(opts.timezone, start, 0, false)
                .filter(|_| ctx.resolution_known)
                .map(|x| backlog_at(recs, x));
        }

        let ndims = opts.by.len();
        let mut tables = Vec::with_capacity(ndims + 2);
        let period_tickets = |pk: &str| periods.get(pk).map_or(0, |pb: &KpiBlock| pb.tickets);
        for (k, (dim, groups)) in by.iter().enumerate() {
            let names = &dims[k].names;
            let mut rows: Vec<TableRow> = if opts.period.is_some() {
                // Only the (value, period) pairs that occur: a sparse key,
                // so `by=customer --period day` stays linear in tickets.
                let mut pair_id: FastMap<u64, u32> = FastMap::default();
                let mut pairs: Vec<(u32, u32)> = Vec::new();
                let members = &recs.dims[k];
                let ids: Vec<u32> = members
                    .ids
                    .iter()
                    .enumerate()
                    .map(|(j, &d)| {
                        let p = recs.period[members.record(j)];
                        *pair_id
                            .entry(u64::from(d) << 32 | u64::from(p))
                            .or_insert_with(|| {
                                pairs.push((d, p));
                                (pairs.len() - 1) as u32
                            })
                    })
                    .collect();
                drop(pair_id);
                let row = |g: usize, mut block: KpiBlock| {
                    let (d, p) = pairs[g];
                    let pk = period_keys.names[p as usize].clone();
                    block.share = share(block.tickets, period_tickets(&pk));
                    TableRow {
                        values: vec![names[d as usize].clone()],
                        period: Some(pk),
                        block,
                    }
                };
                grouped(&ids, members.recs.as_deref(), pairs.len(), &row)
            } else {
                groups
                    .iter()
                    .map(|(name, block)| TableRow {
                        values: vec![name.clone()],
                        period: None,
                        block: block.clone(),
                    })
                    .collect()
            };
            rows.sort_by(|a, b| (&a.values, &a.period).cmp(&(&b.values, &b.period)));
            tables.push(KpiTable {
                dims: vec![dim.clone()],
                period: opts.period.is_some(),
                rows,
            });
        }
        if opts.period.is_some() {
            tables.push(KpiTable {
                dims: Vec::new(),
                period: true,
                rows: periods
                    .iter()
                    .map(|(pk, block)| TableRow {
                        values: Vec::new(),
                        period: Some(pk.clone()),
                        block: block.clone(),
                    })
                    .collect(),
            });
        }
        if !combo_keys.is_empty() {
            let table_row = |g: usize, mut block: KpiBlock| {
                let key = &combo_keys[g];
                let values: Vec<String> = (0..ndims)
                    .map(|k| dims[k].names[key[k] as usize].clone())
                    .collect();
                let period = opts
                    .period
                    .map(|_| period_keys.names[key[ndims] as usize].clone());
                let of = match &period {
                    Some(pk) => period_tickets(pk),
                    None => total,
                };
                block.share = share(block.tickets, of);
                TableRow {
                    values,
                    period,
                    block,
                }
            };
            let mut rows = grouped(
                &recs.combo.ids,
                recs.combo.recs.as_deref(),
                combo_keys.len(),
                &table_row,
            );
            rows.sort_by(|a, b| (&a.values, &a.period).cmp(&(&b.values, &b.period)));
            tables.push(KpiTable {
                dims: opts.by.clone(),
                period: opts.period.is_some(),
                rows,
            });
        }

        if let Some(h) = opts.agent_hours {
            // Paid time: N hours per agent per period; an agent's overall
            // group spans every period of the range.
            let n_periods = periods.len().max(1) as f64;
            let utilise = |b: &mut KpiBlock, paid_hours: f64| {
                b.utilisation = b.handle_minutes_total.map(|m| m / 60.0 / paid_hours);
            };
            for (dim, groups) in by.iter_mut() {
                if dim == "agent" {
                    for (name, b) in groups.iter_mut() {
                        if name != NONE_LABEL {
                            utilise(b, h * n_periods);
                        }
                    }
                }
            }
            for t in tables
                .iter_mut()
                .filter(|t| t.period && t.dims == ["agent"])
            {
                for row in t.rows.iter_mut().filter(|r| r.values[0] != NONE_LABEL) {
                    utilise(&mut row.block, h);
                }
            }
        }
        let cost = opts.cost.map(|basis| {
            let c = CostSummary::new(basis, opts.currency.clone(), &overall);
            if let CostBasis::SupportCost(_) = basis {
                overall.cost_per_ticket = c.cost_per_ticket;
                overall.cost_per_resolution = c.cost_per_resolution;
            }
            c
        });
        let peak = PeakHours::compute(&ctx);
        let contacts = contacts(&ctx, customers.names.len());
        let table = opts.customers.as_deref();
        let top_customers = top_customers(&contacts, &customers.names, table);
        let customer_kpis = table.map(|t| {
            let any = |bit: u16| recs.flags.iter().any(|f| f & bit != 0);
            let knowable = Knowable {
                sla: ctx.sla_enabled,
                sentiment: any(flag::HAS_PREDICTION),
                escalation: any(flag::ESC_KNOWN),
            };
            customer_kpis(t, &contacts, &customers.names, knowable)
        });

        KpiReport {
            as_of: as_of_ms
                .filter(|_| !opts.undated)
                .and_then(DateTime::<Utc>::from_timestamp_millis),
            options: ReportOptions::from_options(&opts),
            tickets_excluded_after_as_of: excluded,
            overall,
            by,
            periods,
            conversations: None,
            unknown_priorities: {
                let mut v: Vec<(String, u64)> = unknown_priorities.into_iter().collect();
                v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                v
            },
            data_quality: None,
            tables,
            backlog_at_last_period_start,
            backlog_at_period_end,
            last_period_complete,
            distributions: distributions(recs, &ctx.state),
            volume_by_weekday_hour: peak.as_ref().map(|p| p.volume.clone()),
            first_response_minutes_median_by_weekday_hour: peak
                .map(|p| p.first_response_minutes_median),
            cost,
            customers: customer_kpis,
            top_customers,
        }
    }
}

/// The latest instant the data mentions (ms): the maximum over tickets of
/// `created_at`, `created_at + FRT` and `created_at + resolution`, i.e. the
/// export instant. A response or resolution after the last new ticket is
/// then inside the measured window instead of being ignored. `None` when
/// there are no tickets.
fn latest_timestamp(r: &Records) -> Option<i64> {
    let span = |c: i64, v: f64, unit_ms: f64| {
        let ms = v * unit_ms;
        // Non-finite or absurd spans (> ~100 years) are data errors, not
        // the export instant.
        (ms.is_finite() && ms < 3.2e12).then(|| c.saturating_add(ms.round() as i64))
    };
    (0..r.len())
        .map(|i| {
            let c = r.created[i];
            let f = span(c, r.frt[i], 60_000.0).unwrap_or(c);
            let s = span(c, r.res[i], 3_600_000.0).unwrap_or(c);
            let e = span(c, r.esc[i], 3_600_000.0).unwrap_or(c);
            c.max(f).max(s).max(e)
        })
        .max()
}

/// Channel → share of tickets that have a channel.
fn channel_mix(recs: &Records, channels: &Interner) -> BTreeMap<String, f64> {
    let mut counts = vec![0u64; channels.names.len()];
    for &c in &recs.channel {
        if let Some(x) = counts.get_mut(c as usize) {
            *x += 1;
        }
    }
    let total: u64 = counts.iter().sum();
    channels
        .names
        .iter()
        .zip(counts)
        .filter(|_| total > 0)
        .map(|(name, c)| (name.clone(), c as f64 / total as f64))
        .collect()
}

/// Tickets open at instant `x` (ms): created before it and neither resolved
/// nor closed without resolution (terminal) by it. Such tickets without a
/// resolution time count as closed.
fn backlog_at(r: &Records, x: i64) -> u64 {
    (0..r.len())
        .filter(|&i| {
            let c = r.created[i];
            if c >= x {
                return false;
            }
            // Resolved and terminal tickets alike leave the backlog at
            // their resolution time (at once without one).
            let closed = r.flags[i] & (flag::RESOLVED | flag::TERMINAL) != 0
                && (r.res[i].is_nan() || r.res[i] * 3_600_000.0 <= (x - c) as f64 + 0.5);
            !closed
        })
        .count() as u64
}
