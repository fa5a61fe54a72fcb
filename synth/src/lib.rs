//! `ticketlens-synth`: the seeded synthetic support world (the project's
//! fixtures, test ground truth and benchmark data) and the clustering
//! quality harness ([`eval`]: NMI, ARI, BANKING77). Test and bench support,
//! kept out of the product crate; `gen-fixtures` writes a world to disk.
//!
//! Real exports cannot be committed (they hold customer data) and never come
//! with the answers. This crate builds a small, fully known world instead:
//! customers with a hidden health that drives how often and how angrily they
//! write, tickets with true topic/sentiment and realistic timings, one planted
//! complaint surge, rows that ingest must reject, and rows with hostile text.
//! [`World::ground_truth`] states what every stage should find, computed from
//! the in-memory records (never by re-parsing the CSV), so tests of ingest,
//! KPIs, themes and churn can check themselves against it.
//!
//! Everything is a pure function of [`SynthConfig`]: the same config gives
//! byte-identical files. Ticket text is rendered on demand from a per-ticket
//! seed, so a million-ticket world stays small in memory and `write` streams.

#![warn(missing_docs)]

mod bank_a;
mod bank_b;
mod bank_c;
mod bank_common;
mod customers;
pub mod eval;
mod rng;
mod special;
mod text;
mod tickets;
mod truth;
mod write;

#[cfg(test)]
mod tests;

use chrono::{DateTime, NaiveDate, Utc};
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::Serialize;

pub use special::{BrokenKind, BrokenRow};
pub use truth::{ChurnTruth, GroundTruth, HostileTruth, KpiTruth, RejectTruth, Stats, SurgeTruth};

use ticketlens::Sentiment;

/// What to generate. The defaults give the committed fixtures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SynthConfig {
    /// RNG seed; the whole world is a function of the config.
    pub seed: u64,
    /// Valid tickets to generate (broken rows come on top of these).
    pub tickets: usize,
    /// Customers to generate (some file no tickets at all).
    pub customers: usize,
    /// First day of the data (UTC).
    pub start: NaiveDate,
    /// Length of the data window in calendar months.
    pub months: u32,
    /// Plant a DELIVERY complaint surge in the last four weeks.
    pub surge: bool,
    /// Append malformed rows that ingest must reject.
    pub broken_rows: bool,
    /// Include valid tickets whose text carries script/formula payloads.
    pub hostile_rows: bool,
}

impl Default for SynthConfig {
    fn default() -> Self {
        SynthConfig {
            seed: 42,
            tickets: 2000,
            customers: 300,
            start: NaiveDate::from_ymd_opt(2025, 5, 1).expect("valid date"),
            months: 6,
            surge: true,
            broken_rows: true,
            hostile_rows: true,
        }
    }
}

/// The eleven support topics, in the model's label order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Topic {
    /// Login, password, profile, account deletion.
    Account,
    /// Fees for ending a contract or subscription early.
    CancellationFee,
    /// Reaching a human, phone numbers, opening hours.
    Contact,
    /// Where the parcel is, late or lost deliveries.
    Delivery,
    /// Praise, complaints and suggestions about the service itself.
    Feedback,
    /// Invoices, receipts, billing documents.
    Invoice,
    /// Marketing e-mail subscriptions.
    Newsletter,
    /// Placing, changing and cancelling orders.
    Order,
    /// Payment methods, failed or double charges.
    Payment,
    /// Money back for returns and cancellations.
    Refund,
    /// Changing where an order is shipped.
    ShippingAddress,
}

impl Topic {
    /// Every topic, in label order.
    pub const ALL: [Topic; 11] = [
        Topic::Account,
        Topic::CancellationFee,
        Topic::Contact,
        Topic::Delivery,
        Topic::Feedback,
        Topic::Invoice,
        Topic::Newsletter,
        Topic::Order,
        Topic::Payment,
        Topic::Refund,
        Topic::ShippingAddress,
    ];

    /// The label as the model and the ground truth spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Topic::Account => "ACCOUNT",
            Topic::CancellationFee => "CANCELLATION_FEE",
            Topic::Contact => "CONTACT",
            Topic::Delivery => "DELIVERY",
            Topic::Feedback => "FEEDBACK",
            Topic::Invoice => "INVOICE",
            Topic::Newsletter => "NEWSLETTER",
            Topic::Order => "ORDER",
            Topic::Payment => "PAYMENT",
            Topic::Refund => "REFUND",
            Topic::ShippingAddress => "SHIPPING_ADDRESS",
        }
    }
}

/// Ticket priority; drives the first-response target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Priority {
    /// Target 60 minutes.
    Urgent,
    /// Target 240 minutes.
    High,
    /// Target 480 minutes.
    Normal,
    /// Target 1440 minutes.
    Low,
}

impl Priority {
    /// Label as written in the CSV.
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Urgent => "urgent",
            Priority::High => "high",
            Priority::Normal => "normal",
            Priority::Low => "low",
        }
    }

    /// First-response SLA target in minutes (the ground-truth definition).
    pub fn sla_minutes(self) -> i64 {
        match self {
            Priority::Urgent => 60,
            Priority::High => 240,
            Priority::Normal => 480,
            Priority::Low => 1440,
        }
    }
}

/// Ticket status at the export instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    /// Waiting on support.
    Open,
    /// Waiting on the customer.
    Pending,
    /// Resolved recently.
    Solved,
    /// Resolved and auto-closed.
    Closed,
}

impl Status {
    /// Label as written in the CSV.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Pending => "pending",
            Status::Solved => "solved",
            Status::Closed => "closed",
        }
    }

    /// Solved or closed: the ground truth's definition of "resolved".
    pub fn is_resolved(self) -> bool {
        matches!(self, Status::Solved | Status::Closed)
    }
}

/// Customer plan; drives ticket volume, MRR and baseline churn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Plan {
    /// No revenue, highest churn.
    Free,
    /// Small paid plan.
    Starter,
    /// Mid-size paid plan.
    Pro,
    /// Large accounts, lowest churn.
    Enterprise,
}

impl Plan {
    /// Label as written in the CSV.
    pub fn as_str(self) -> &'static str {
        match self {
            Plan::Free => "free",
            Plan::Starter => "starter",
            Plan::Pro => "pro",
            Plan::Enterprise => "enterprise",
        }
    }
}

/// Which text a ticket carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextKind {
    /// Composed from the topic × sentiment phrase banks.
    Normal,
    /// The planted surge complaint (distinctive phrase bank).
    Surge,
    /// One of the fixed hostile-text tickets (index into the hostile list).
    Hostile(u8),
}

/// One generated (valid) ticket with its hidden truths.
#[derive(Debug, Clone)]
pub struct SynthTicket {
    /// Ticket id (`T-000001`, in created_at order).
    pub id: String,
    /// 1-based physical line where the record starts in tickets.csv.
    pub line: u64,
    /// Index into [`World::customers`].
    pub customer: usize,
    /// Creation instant (whole minutes, UTC).
    pub created_at: DateTime<Utc>,
    /// First agent reply, if any before the export.
    pub first_response_at: Option<DateTime<Utc>>,
    /// Resolution instant, if resolved (rarely blank on closed tickets).
    pub resolved_at: Option<DateTime<Utc>>,
    /// Status at the export instant.
    pub status: Status,
    /// Contact channel.
    pub channel: &'static str,
    /// Priority.
    pub priority: Priority,
    /// Assigned agent (blank on some unanswered tickets).
    pub agent: Option<&'static str>,
    /// Team: `Tier 1`, `Tier 2` or `Billing`.
    pub team: &'static str,
    /// Whether the ticket was escalated.
    pub escalated: bool,
    /// Times reopened (0..=3).
    pub reopens: u32,
    /// Agent replies (0 only when unanswered, else 1..=8).
    pub replies: u32,
    /// CSAT answer 1–5.
    pub csat: Option<u8>,
    /// NPS answer 0–10.
    pub nps: Option<u8>,
    /// Customer effort score 1–7 (7 = very easy).
    pub ces: Option<u8>,
    /// Tags (written `;`-separated).
    pub tags: Vec<&'static str>,
    /// True topic.
    pub topic: Topic,
    /// True sentiment.
    pub sentiment: Sentiment,
    /// Which text generator renders the subject/body.
    pub kind: TextKind,
    /// Seed of the text renderer.
    pub(crate) text_seed: u64,
}

/// One generated customer with its hidden churn truth.
#[derive(Debug, Clone)]
pub struct SynthCustomer {
    /// Customer id (`CUS-00001`).
    pub id: String,
    /// Plan.
    pub plan: Plan,
    /// Signup date (before the end of the data).
    pub signup_date: NaiveDate,
    /// Monthly recurring revenue.
    pub mrr: f64,
    /// Latent health (standard normal; low = unhappy). Never written to CSV.
    pub health: f64,
    /// True probability of churning after the prediction date.
    pub churn_probability: f64,
    /// Churn label drawn from `churn_probability`.
    pub churned: bool,
    /// Index of the contact's name in the name bank (for signatures).
    pub(crate) contact: usize,
    /// Index of the company name in the company bank.
    pub(crate) company: usize,
}

/// A generated world: tickets, customers, broken rows and the truths.
#[derive(Debug, Clone)]
pub struct World {
    cfg: SynthConfig,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    as_of: DateTime<Utc>,
    surge_start: Option<DateTime<Utc>>,
    tickets: Vec<SynthTicket>,
    customers: Vec<SynthCustomer>,
    broken: Vec<BrokenRow>,
}

/// Generate a world from a config (pure and deterministic).
///
/// Degenerate configs are clamped rather than refused (at least one month, at
/// least one customer when there are tickets) so callers need no error path.
pub fn generate(cfg: &SynthConfig) -> World {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(cfg.seed);
    let months = cfg.months.max(1);
    let start = cfg
        .start
        .and_hms_opt(0, 0, 0)
        .expect("midnight exists")
        .and_utc();
    let end = cfg
        .start
        .checked_add_months(chrono::Months::new(months))
        .unwrap_or(cfg.start + chrono::Duration::days(30 * months as i64))
        .and_hms_opt(0, 0, 0)
        .expect("midnight exists")
        .and_utc();
    let n_customers = if cfg.tickets > 0 {
        cfg.customers.max(1)
    } else {
        cfg.customers
    };
    let mut customers = customers::generate(&mut rng, n_customers, start, end);
    let plan = tickets::plan(&mut rng, cfg, &customers, start, end);
    let mut tickets = plan.tickets;
    let as_of = tickets.iter().map(|t| t.created_at).max().unwrap_or(start);
    tickets::fill_timings(&mut rng, &mut tickets, &customers, as_of);
    customers::assign_churn(&mut rng, &mut customers, &tickets, end);
    let broken = if cfg.broken_rows && !customers.is_empty() {
        special::broken_rows(&mut rng, &tickets, &customers, start, end)
    } else {
        Vec::new()
    };
    let mut world = World {
        cfg: cfg.clone(),
        start,
        end,
        as_of,
        surge_start: plan.surge_start,
        tickets,
        customers,
        broken,
    };
    world.assign_lines();
    world
}

impl World {
    /// The config this world was generated from.
    pub fn config(&self) -> &SynthConfig {
        &self.cfg
    }

    /// Valid tickets, in created_at (= file) order.
    pub fn tickets(&self) -> &[SynthTicket] {
        &self.tickets
    }

    /// Customers, in id order.
    pub fn customers(&self) -> &[SynthCustomer] {
        &self.customers
    }

    /// Malformed rows, in file order, with their physical line numbers.
    pub fn broken_rows(&self) -> &[BrokenRow] {
        &self.broken
    }

    /// The export instant: the last created_at among valid tickets. KPIs and
    /// the churn prediction date refer to it.
    pub fn as_of(&self) -> DateTime<Utc> {
        self.as_of
    }

    /// First instant of the data window.
    pub fn start(&self) -> DateTime<Utc> {
        self.start
    }

    /// End of the data window (exclusive).
    pub fn end(&self) -> DateTime<Utc> {
        self.end
    }

    /// Subject and body of a ticket (rendered from its seed, deterministic).
    pub fn text_of(&self, t: &SynthTicket) -> (String, String) {
        text::render(t, &self.customers[t.customer])
    }

    /// Valid tickets as the typed rows ingest should produce, so analysis
    /// tests and benches can skip CSV parsing. `raw` is left empty.
    pub fn typed_tickets(&self) -> Vec<ticketlens::Ticket> {
        self.tickets
            .iter()
            .map(|t| {
                let (subject, body) = self.text_of(t);
                ticketlens::Ticket {
                    line: t.line,
                    id: t.id.clone(),
                    customer_id: Some(self.customers[t.customer].id.clone()),
                    created_at: t.created_at,
                    first_response_at: t.first_response_at,
                    first_response_minutes: None,
                    resolved_at: t.resolved_at,
                    resolution_hours: None,
                    status: Some(t.status.as_str().to_string()),
                    resolution_code: None,
                    channel: Some(t.channel.to_string()),
                    priority: Some(t.priority.as_str().to_string()),
                    agent: t.agent.map(str::to_string),
                    team: Some(t.team.to_string()),
                    handle_minutes: None,
                    escalated: Some(t.escalated),
                    escalated_at: None,
                    reopens: Some(t.reopens),
                    replies: Some(t.replies),
                    csat: t.csat.map(f64::from),
                    nps: t.nps.map(f64::from),
                    ces: t.ces.map(f64::from),
                    subject: Some(subject),
                    body: Some(body),
                    tags: t.tags.iter().map(|s| s.to_string()).collect(),
                    raw: Vec::new(),
                }
            })
            .collect()
    }

    /// Number the physical lines: header is line 1, a valid record spans one
    /// line per embedded newline plus one, a broken row is one line.
    fn assign_lines(&mut self) {
        use rayon::prelude::*;
        let customers = &self.customers;
        let spans: Vec<u64> = self
            .tickets
            .par_iter()
            .map(|t| {
                let (s, b) = text::render(t, &customers[t.customer]);
                1 + bytecount(&s) + bytecount(&b)
            })
            .collect();
        let mut line = 2u64;
        let mut next_broken = 0;
        for (i, t) in self.tickets.iter_mut().enumerate() {
            while next_broken < self.broken.len() && self.broken[next_broken].after == i {
                self.broken[next_broken].line = line;
                line += 1;
                next_broken += 1;
            }
            t.line = line;
            line += spans[i];
        }
        for b in &mut self.broken[next_broken..] {
            b.line = line;
            line += 1;
        }
    }
}

fn bytecount(s: &str) -> u64 {
    memchr::memchr_iter(b'\n', s.as_bytes()).count() as u64
}
