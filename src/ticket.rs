//! The typed rows that flow through every stage.
//!
//! Ingest produces [`Ticket`]s; the model adds a [`Prediction`]; themes add a
//! [`ThemeRef`]. Analysis stages (KPI, themes, churn, report) all read
//! [`EnrichedTicket`], so adding a stage never means re-parsing input.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One support ticket, as read from the input and typed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Ticket {
    /// 1-based physical line number where the record starts in the input
    /// (the header is line 1 for CSV), so every output can point back to it.
    pub line: u64,
    /// Ticket id (falls back to the line number when the input has no id column).
    pub id: String,
    /// Customer / requester / account id.
    pub customer_id: Option<String>,
    /// When the ticket was created (UTC).
    pub created_at: DateTime<Utc>,
    /// First agent response time, if a timestamp column was given.
    pub first_response_at: Option<DateTime<Utc>>,
    /// First response in minutes, if a duration column was given instead.
    pub first_response_minutes: Option<f64>,
    /// When the ticket was solved/closed.
    pub resolved_at: Option<DateTime<Utc>>,
    /// Resolution time in hours, if a duration column was given instead.
    pub resolution_hours: Option<f64>,
    /// Status as written in the input (`open`, `Closed`, `Pending Customer Response`, …).
    pub status: Option<String>,
    /// How the ticket was closed, as written (Jira's `Resolution`: `Done`,
    /// `Duplicate`, `Won't Do`; ServiceNow's resolution code): see
    /// [`TicketState::of_resolution_code`].
    #[serde(default)]
    pub resolution_code: Option<String>,
    /// Channel (email, chat, phone, social, web, self-service …).
    pub channel: Option<String>,
    /// Priority (urgent/critical, high, normal/medium, low).
    pub priority: Option<String>,
    /// Assigned agent.
    pub agent: Option<String>,
    /// Team, group or support tier.
    pub team: Option<String>,
    /// Agent handle (work) time in minutes: the time agents spent on the
    /// ticket (Zendesk agent work time, Freshdesk time tracked, …).
    pub handle_minutes: Option<f64>,
    /// Whether the ticket was escalated.
    pub escalated: Option<bool>,
    /// When the ticket was escalated (UTC), if the export says.
    pub escalated_at: Option<DateTime<Utc>>,
    /// Number of times the ticket was reopened.
    pub reopens: Option<u32>,
    /// Number of agent replies.
    pub replies: Option<u32>,
    /// CSAT answer, 1–5.
    pub csat: Option<f64>,
    /// NPS answer, 0–10.
    pub nps: Option<f64>,
    /// Customer effort score, 1–7.
    pub ces: Option<f64>,
    /// Subject line.
    pub subject: Option<String>,
    /// Body / description.
    pub body: Option<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// The original record's values, in input column order (written back out
    /// unchanged in enriched outputs).
    #[serde(skip)]
    pub raw: Vec<String>,
}

impl Ticket {
    /// First response time in minutes: from the duration column when given,
    /// else `first_response_at - created_at`. Negative spans are treated as
    /// missing (they are data errors, not fast answers).
    pub fn frt_minutes(&self) -> Option<f64> {
        if let Some(m) = self.first_response_minutes {
            return (m >= 0.0).then_some(m);
        }
        let at = self.first_response_at?;
        let m = (at - self.created_at).num_seconds() as f64 / 60.0;
        (m >= 0.0).then_some(m)
    }

    /// Resolution time in hours, same rules as [`Ticket::frt_minutes`].
    pub fn resolution_hours(&self) -> Option<f64> {
        if let Some(h) = self.resolution_hours {
            return (h >= 0.0).then_some(h);
        }
        let at = self.resolved_at?;
        let h = (at - self.created_at).num_seconds() as f64 / 3600.0;
        (h >= 0.0).then_some(h)
    }

    /// The text fed to the model: subject and body joined.
    pub fn text(&self) -> String {
        match (&self.subject, &self.body) {
            (Some(s), Some(b)) if !s.is_empty() && !b.is_empty() => format!("{s}. {b}"),
            (Some(s), _) if !s.is_empty() => s.clone(),
            (_, Some(b)) => b.clone(),
            _ => String::new(),
        }
    }

    /// True when [`Ticket::state`] is [`TicketState::Resolved`] (kept for
    /// callers that only ask "is it solved?"; terminal tickets are not).
    pub fn is_resolved(&self) -> bool {
        self.state() == TicketState::Resolved
    }

    /// Where the ticket stands: open, resolved, or closed without a
    /// resolution (cancelled, merged, spam, …). See [`TicketState::of_status`]
    /// for the vocabulary; with no status or one that says neither, the
    /// resolution time decides (present → resolved, absent → open).
    ///
    /// An explicit open-like status wins over a resolution timestamp:
    /// exports keep the *first* `resolved_at` of a reopened ticket, and such
    /// a ticket is back in the queue, so it must count in the backlog.
    ///
    /// A closed ticket (or one without a status verdict) whose resolution
    /// code closes it without a fix (Jira `Closed` + `Duplicate`, `Done` +
    /// `Won't Do`) is terminal: Jira's workflows close every issue with the
    /// same status and put the verdict in the Resolution field. A ticket
    /// tagged `closed_by_merge` (Zendesk's mark of a merged ticket) is
    /// terminal whatever its status.
    pub fn state(&self) -> TicketState {
        // Zendesk closes a ticket merged into another with the tag
        // `closed_by_merge` and the status Closed: no resolution of its own.
        if self
            .tags
            .iter()
            .any(|t| t.eq_ignore_ascii_case("closed_by_merge"))
        {
            return TicketState::Terminal;
        }
        let has_time = self.resolved_at.is_some() || self.resolution_hours.is_some();
        let by_status = self.status.as_deref().and_then(TicketState::of_status);
        let unfixed = || {
            self.resolution_code
                .as_deref()
                .and_then(TicketState::of_resolution_code)
                == Some(TicketState::Terminal)
        };
        match by_status {
            Some(TicketState::Open) => TicketState::Open,
            Some(TicketState::Resolved) | None if unfixed() => TicketState::Terminal,
            Some(s) => s,
            None if has_time => TicketState::Resolved,
            None => TicketState::Open,
        }
    }
}

/// The KPI-relevant state of a ticket ([`Ticket::state`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TicketState {
    /// Still needs work: in the backlog.
    Open,
    /// Solved or closed with an answer: counts for resolution time,
    /// resolution SLA, reopen rate and first-contact resolution.
    Resolved,
    /// Closed without being resolved: cancelled, merged into another
    /// ticket, spam, duplicate, won't do/fix, deleted, rejected, declined,
    /// withdrawn, abandoned. Counted in volume, never in the backlog, never
    /// as a resolution (docs/kpi.md, "Ticket states").
    Terminal,
}

impl TicketState {
    /// The state a status value names, or `None` when it names none (custom
    /// workflow names such as `Tier 2`: the resolution time decides).
    ///
    /// The status is lower-cased, `-` `_` `/` `(` `)` `,` `:` read as
    /// spaces, apostrophes dropped. Then, in this order:
    /// * a **terminal** word anywhere (`cancelled`/`canceled`, `merged`,
    ///   `spam`, `duplicate`, `deleted`, `rejected`, `declined`,
    ///   `withdrawn`, `abandoned`, `won't do`, `won't fix`/`wontfix`), so
    ///   `Closed - Duplicate` is terminal;
    /// * a status starting with solved/closed/resolved/done/complete(d)/
    ///   fixed → resolved;
    /// * a status starting with open/new/pending/hold/on hold/reopen(ed)/
    ///   in progress/work in progress/waiting/awaiting/assigned/active/
    ///   escalated/snoozed/to do/working/triage/acknowledged/investigating/
    ///   in review/under review/unresolved → open (whole words: `newsletter`
    ///   is not `new`).
    ///
    /// Also terminal: `invalid` as the whole status or after a closing
    /// word (`Resolved - Invalid`). Before the last two: ServiceNow's `Closed Incomplete` and `Closed
    /// Skipped` are terminal; `reopen(ed)` anywhere is open (`Solved -
    /// Reopened`); `pending`/`awaiting` followed by close/closed/closure/
    /// resolved/solved is resolved (solved, waiting for the customer to
    /// confirm); an `auto` prefix is dropped (`Auto-closed`, `autoresolved`).
    pub fn of_status(status: &str) -> Option<TicketState> {
        let s: String = status
            .trim()
            .to_lowercase()
            .chars()
            .filter(|c| *c != '\'' && *c != '’')
            .map(|c| {
                if matches!(c, '-' | '_' | '/' | '(' | ')' | ',' | ':' | '.') {
                    ' '
                } else {
                    c
                }
            })
            .collect();
        let words: Vec<&str> = s.split_whitespace().collect();
        if words.is_empty() {
            return None;
        }
        let s = words.join(" ");
        // Trengo's junk state `INVALID`, Bugzilla's `RESOLVED INVALID`: the
        // whole status, or the verdict after a closing word (`Waiting -
        // invalid address` is still open).
        if words.last() == Some(&"invalid")
            && (words.len() == 1
                || matches!(
                    words[0],
                    "closed" | "resolved" | "done" | "solved" | "rejected"
                ))
        {
            return Some(TicketState::Terminal);
        }
        const TERMINAL: [&str; 25] = [
            "cancelled",
            "canceled",
            "merged",
            "spam",
            "duplicate",
            "deleted",
            "rejected",
            "declined",
            "withdrawn",
            "abandoned",
            "wontfix",
            "wontdo",
            // German, French, Spanish, Portuguese, Dutch, Italian.
            "storniert",
            "abgebrochen",
            "abgelehnt",
            "annulé",
            "annule",
            "rejeté",
            "cancelado",
            "cancelada",
            "anulado",
            "rechazado",
            "geannuleerd",
            "annullato",
            "zusammengeführt",
        ];
        let has_pair = |a: &str, b: &str| words.windows(2).any(|w| w[0] == a && w[1] == b);
        // OTRS / Znuny: a ticket taken out of the queues. Only the whole
        // status: "Malware removed" as a resolution code is a fix.
        if s == "removed" {
            return Some(TicketState::Terminal);
        }
        if words.iter().any(|w| TERMINAL.contains(w))
            || has_pair("wont", "do")
            || has_pair("wont", "fix")
            // ServiceNow's request states: closed without being fulfilled.
            || has_pair("closed", "incomplete")
            || has_pair("closed", "skipped")
        {
            return Some(TicketState::Terminal);
        }
        // Reopened after a solve (`Solved - Reopened`) is open again; a
        // bare `reopen` elsewhere is about reopening (`Closed - Reopen not
        // allowed`), and the status still starts with its state.
        if words.contains(&"reopened") {
            return Some(TicketState::Open);
        }
        // Solved, awaiting the customer's confirmation or the auto-close.
        let closing = ["close", "closed", "closure", "resolved", "solved"];
        // The same in localized exports, in any order (`Pendiente de
        // cierre`, `Cierre pendiente`, `En attente de fermeture`, `Warten
        // auf Schließung`, `In attesa di chiusura`, `Aguardando
        // fechamento`, `In afwachting van sluiting`).
        const WAITING: [&str; 11] = [
            "warten",
            "wartet",
            "wartend",
            "attente",
            "pendiente",
            "pendente",
            "aguardando",
            "afwachting",
            "wacht",
            "attesa",
            "espera",
        ];
        const CLOSURE: [&str; 13] = [
            "schließung",
            "schliessung",
            "abschluss",
            "fermeture",
            "clôture",
            "cloture",
            "cierre",
            "fechamento",
            "encerramento",
            "sluiting",
            "afsluiting",
            "chiusura",
            "encerrar",
        ];
        let any = |list: &[&str]| words.iter().any(|w| list.contains(w));
        if ["pending", "awaiting"]
            .iter()
            .any(|a| closing.iter().any(|c| has_pair(a, c)))
            // OTRS's `pending auto close+` / `pending auto close-`.
            || s.starts_with("pending auto close")
            || (any(&WAITING) && any(&CLOSURE))
        {
            return Some(TicketState::Resolved);
        }
        // Closed by automation (`Auto-closed`, `Auto resolved`, `autoclosed`).
        let s = match s.strip_prefix("auto") {
            Some(rest)
                if [
                    "closed",
                    " closed",
                    "resolved",
                    " resolved",
                    "solved",
                    " solved",
                ]
                .iter()
                .any(|k| rest == *k || rest.starts_with(&format!("{k} "))) =>
            {
                rest.trim_start().to_string()
            }
            _ => s,
        };
        let starts = |list: &[&str]| {
            list.iter()
                .any(|k| s == *k || s.starts_with(&format!("{k} ")))
        };
        if starts(&[
            "solved",
            "closed",
            "resolved",
            "done",
            "complete",
            "completed",
            "fixed",
            // Front's done state.
            "archived",
            // The same in the languages help desks localize exports to
            // (Zendesk's and Freshdesk's German, French, Spanish,
            // Portuguese, Dutch and Italian status names).
            "gelöst",
            "geloest",
            "geschlossen",
            "erledigt",
            "abgeschlossen",
            "behoben",
            "résolu",
            "resolu",
            "résolue",
            "fermé",
            "ferme",
            "fermée",
            "clos",
            "clôturé",
            "cloturé",
            "terminé",
            "resuelto",
            "resuelta",
            "cerrado",
            "cerrada",
            "solucionado",
            "solucionada",
            "completado",
            "finalizado",
            "resolvido",
            "resolvida",
            "fechado",
            "fechada",
            "concluído",
            "concluido",
            "opgelost",
            "gesloten",
            "afgesloten",
            "voltooid",
            "risolto",
            "risolta",
            "chiuso",
            "chiusa",
            "completato",
        ]) {
            return Some(TicketState::Resolved);
        }
        if starts(&[
            "open",
            "opened",
            "new",
            "pending",
            "hold",
            "on hold",
            "reopen",
            "reopened",
            "re open",
            "re opened",
            "in progress",
            "work in progress",
            "waiting",
            "awaiting",
            "assigned",
            "active",
            "escalated",
            "snoozed",
            "to do",
            "todo",
            "working",
            "triage",
            "acknowledged",
            "investigating",
            "in review",
            "under review",
            "unresolved",
            // LiveAgent (answered: waiting for the customer, as osTicket's
            // `Answered`), GLPI, Front.
            "chatting",
            "calling",
            "answered",
            "postponed",
            "processing",
            "unassigned",
            "under investigation",
            // German, French, Spanish, Portuguese, Dutch, Italian.
            "neu",
            "offen",
            "wartend",
            "warten",
            "ausstehend",
            "angehalten",
            "in bearbeitung",
            "zurückgestellt",
            "nouveau",
            "nouvelle",
            "ouvert",
            "ouverte",
            "en attente",
            "en pause",
            "en cours",
            "nuevo",
            "nueva",
            "abierto",
            "abierta",
            "pendiente",
            "en espera",
            "en curso",
            "en progreso",
            "novo",
            "nova",
            "aberto",
            "aberta",
            "pendente",
            "em espera",
            "em andamento",
            "em progresso",
            "em aberto",
            "nieuw",
            "in afwachting",
            "in de wacht",
            "in behandeling",
            "wachtend",
            "nuovo",
            "aperto",
            "in attesa",
            "in sospeso",
            "in corso",
            "in lavorazione",
        ]) {
            return Some(TicketState::Open);
        }
        None
    }

    /// The verdict of a resolution code: [`TicketState::Terminal`] for a
    /// code of at most four words holding a closing without a fix:
    /// `Duplicate`, `Won't Do`, `Won't Fix`, `Cannot Reproduce`, `Not
    /// Reproducible`, `Incomplete`, `Declined`, `Rejected`, `Cancelled`,
    /// `Withdrawn`, `Abandoned`, `Obsolete`, `Spam`, `Merged`, `Deleted`
    /// (the terminal words of [`TicketState::of_status`], `WontDo` included),
    /// or ServiceNow's `Not Solved (…)` (so also `Closed - Duplicate`, `Duplicate
    /// Issue`, `Cancelled by customer`); otherwise [`TicketState::Resolved`]
    /// when [`TicketState::of_status`] reads it so (`Done`, `Fixed`, `Solved
    /// (Permanently)`) and `None` (Jira's `Unresolved` on open issues,
    /// anything else). A longer text is a resolution *note* (the Kaggle ticket
    /// table's prose `Resolution`), where "duplicate" tells nothing about the
    /// ticket's state; a short note can still read as a code ("Duplicate
    /// charge refunded" is terminal).
    pub fn of_resolution_code(code: &str) -> Option<TicketState> {
        // Beyond the terminal words of a status (`of_status`), the codes
        // that close an issue without a fix.
        const UNFIXED: [&[&str]; 6] = [
            &["cannot", "reproduce"],
            &["can", "not", "reproduce"],
            &["not", "reproducible"],
            &["not", "solved"],
            &["incomplete"],
            &["obsolete"],
        ];
        let norm = code.to_lowercase().replace(['\'', '’'], "");
        let words: Vec<&str> = norm
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        if words.len() > 4 {
            return None;
        }
        let has = |p: &[&str]| words.windows(p.len()).any(|w| w == p);
        match TicketState::of_status(&words.join(" ")) {
            Some(TicketState::Terminal) => Some(TicketState::Terminal),
            _ if UNFIXED.iter().any(|p| has(p)) => Some(TicketState::Terminal),
            Some(TicketState::Resolved) => Some(TicketState::Resolved),
            _ => None,
        }
    }
}

/// Sentiment classes, in the model's label order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sentiment {
    /// Complaints, frustration.
    Negative,
    /// Questions, requests.
    Neutral,
    /// Thanks, praise.
    Positive,
}

impl Sentiment {
    /// Lower-case label as written in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Sentiment::Negative => "negative",
            Sentiment::Neutral => "neutral",
            Sentiment::Positive => "positive",
        }
    }

    /// Parse a label (case-insensitive).
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "negative" | "neg" => Some(Sentiment::Negative),
            "neutral" | "neu" => Some(Sentiment::Neutral),
            "positive" | "pos" => Some(Sentiment::Positive),
            _ => None,
        }
    }
}

impl std::fmt::Display for Sentiment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the model says about one ticket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Prediction {
    /// Most likely sentiment.
    pub sentiment: Sentiment,
    /// Probability of that sentiment.
    pub sentiment_confidence: f32,
    /// P(negative).
    pub p_negative: f32,
    /// P(neutral).
    pub p_neutral: f32,
    /// P(positive).
    pub p_positive: f32,
    /// Most likely topic label (from the model's `ticketlens.json`).
    pub topic: String,
    /// Probability of that topic.
    pub topic_confidence: f32,
    /// The model's other heads (`ModelConfig::extra_heads` in the model
    /// stage, declared in its `ticketlens.json`), one label each, in that
    /// order; empty for a model with only sentiment and topic.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub heads: Vec<HeadLabel>,
}

/// The most likely label of one extra model head.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeadLabel {
    /// The head's name (`ticketlens.json`), which is also its `--by`
    /// dimension and output column.
    #[serde(skip)]
    pub name: std::sync::Arc<str>,
    /// The label (from the head's labels in `ticketlens.json`).
    pub label: String,
    /// Its softmax probability.
    pub confidence: f32,
}

/// A ticket's theme assignment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThemeRef {
    /// Theme id (0-based, stable for a given input and seed).
    pub id: usize,
    /// Short human label.
    pub label: String,
    /// Cosine distance to the theme centroid.
    pub distance: f32,
}

/// A ticket with everything the analysis stages may add.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EnrichedTicket {
    /// The typed input row.
    pub ticket: Ticket,
    /// Model output, when classification ran.
    pub prediction: Option<Prediction>,
    /// Theme, when themes ran.
    pub theme: Option<ThemeRef>,
    /// The team taxonomy's label, when one was applied (`--taxonomy`).
    pub taxonomy: Option<TaxonomyLabel>,
    /// ISO 639-1 code of the text's language (`en`, `de` …), when the text
    /// was long enough to tell (detected by `text::language`).
    pub language: Option<&'static str>,
}

/// The grouping dimensions that are ticket fields or model outputs (what
/// [`EnrichedTicket::dimension`] knows besides a taxonomy's name).
pub const FIELD_DIMENSIONS: [&str; 16] = [
    "channel",
    "priority",
    "agent",
    "team",
    "tier",
    "group",
    "status",
    "resolution_code",
    "customer",
    "customer_id",
    "topic",
    "sentiment",
    "theme",
    "tag",
    "tags",
    "language",
];

/// A grouping dimension (`--by`): a ticket field, a model output, or a team
/// taxonomy's label. A `--by` name is parsed once ([`Dimension::parse`]), so
/// the KPI engine's per-ticket lookups match a variant instead of comparing
/// strings, and a new dimension is a new variant the compiler points to in
/// every `match`. (No `clap::ValueEnum`: a taxonomy's name is open-ended;
/// the KPI options' `validate_with` checks `--by` names instead.)
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Dimension {
    /// `channel`.
    Channel,
    /// `priority`.
    Priority,
    /// `agent`.
    Agent,
    /// `team` (aliases `tier`, `group`).
    Team,
    /// `status`.
    Status,
    /// `resolution_code`: how a ticket was closed (Jira's resolution,
    /// ServiceNow's close code).
    ResolutionCode,
    /// `customer` (alias `customer_id`).
    Customer,
    /// `topic`: the model's topic head.
    Topic,
    /// `sentiment`: the model's sentiment head.
    Sentiment,
    /// `theme`: the theme's label.
    Theme,
    /// `tag` (alias `tags`): every distinct tag of a ticket.
    Tag,
    /// `language`: the detected ISO 639-1 code.
    Language,
    /// A team taxonomy's label, by the taxonomy's name (`--taxonomy`);
    /// multi-label values count under each label. The same name also finds
    /// a model's extra head (its [`HeadLabel`]) when the ticket has no
    /// taxonomy of that name: a taxonomy named like a head is refused.
    Taxonomy(std::sync::Arc<str>),
}

impl Dimension {
    /// The field dimension a name denotes (aliases included), `None` for
    /// any other name. Every name in [`FIELD_DIMENSIONS`] is one.
    pub fn field(name: &str) -> Option<Dimension> {
        use Dimension::*;
        Some(match name {
            "channel" => Channel,
            "priority" => Priority,
            "agent" => Agent,
            "team" | "tier" | "group" => Team,
            "status" => Status,
            "resolution_code" => ResolutionCode,
            "customer" | "customer_id" => Customer,
            "topic" => Topic,
            "sentiment" => Sentiment,
            "theme" => Theme,
            "tag" | "tags" => Tag,
            "language" => Language,
            _ => return None,
        })
    }

    /// The dimension a `--by` name denotes: a field, or else a taxonomy's
    /// name.
    pub fn parse(name: &str) -> Dimension {
        Self::field(name).unwrap_or_else(|| Dimension::Taxonomy(name.into()))
    }

    /// True for dimensions a ticket can have several values of (tags, and
    /// a taxonomy's `;`-joined multi-label values): grouped by them, a
    /// ticket counts once under each value.
    pub fn is_multi_valued(&self) -> bool {
        matches!(self, Dimension::Tag | Dimension::Taxonomy(_))
    }
}

/// A team taxonomy's label for one ticket (`--taxonomy`): written as the
/// columns `<NAME>` and `<NAME>_confidence`, and a grouping dimension named
/// `<NAME>` (`--by category`).
#[derive(Debug, Clone, PartialEq)]
pub struct TaxonomyLabel {
    /// The taxonomy's name (shared by every ticket of a run).
    pub name: std::sync::Arc<str>,
    /// The label (multi-label taxonomies: labels joined with `;`; empty
    /// when none reached its threshold).
    pub value: String,
    /// Probability of the best label (0–1).
    pub confidence: f32,
}

impl TaxonomyLabel {
    /// The labels of the value: multi-label values are `;`-joined; an
    /// empty value (no label above its threshold) has none.
    pub fn labels(&self) -> impl Iterator<Item = &str> {
        self.value
            .split(';')
            .map(str::trim)
            .filter(|l| !l.is_empty())
    }
}

impl EnrichedTicket {
    /// A ticket without model output.
    pub fn new(ticket: Ticket) -> Self {
        EnrichedTicket {
            ticket,
            prediction: None,
            theme: None,
            taxonomy: None,
            language: None,
        }
    }

    /// The value of a grouping dimension (`--by`), or `None` when absent.
    ///
    /// Known dimensions: channel, priority, agent, team (alias tier), status,
    /// customer, topic, sentiment, theme, tag (the **first** tag only; the
    /// KPI engine uses [`EnrichedTicket::dimension_values`], which gives
    /// every tag).
    pub fn dimension(&self, dim: &str) -> Option<String> {
        self.dimension_str(dim).map(std::borrow::Cow::into_owned)
    }

    /// [`EnrichedTicket::dimension`] without copying: borrowed from the
    /// ticket where it holds the text.
    pub fn dimension_str(&self, dim: &str) -> Option<std::borrow::Cow<'_, str>> {
        self.value_of(&Dimension::parse(dim))
    }

    /// The value of a parsed dimension, borrowed where the ticket holds the
    /// text (the KPI engine looks up every `by` value of every ticket, so
    /// the allocation per lookup counts); `None` when absent or blank.
    /// Tags: the first tag only (see [`EnrichedTicket::values_of`]).
    pub fn value_of(&self, dim: &Dimension) -> Option<std::borrow::Cow<'_, str>> {
        use std::borrow::Cow;
        let t = &self.ticket;
        fn borrowed(v: &Option<String>) -> Option<Cow<'_, str>> {
            v.as_deref().map(Cow::Borrowed)
        }
        match dim {
            Dimension::Channel => borrowed(&t.channel),
            Dimension::Priority => borrowed(&t.priority),
            Dimension::Agent => borrowed(&t.agent),
            Dimension::Team => borrowed(&t.team),
            Dimension::Status => borrowed(&t.status),
            Dimension::ResolutionCode => borrowed(&t.resolution_code),
            Dimension::Customer => borrowed(&t.customer_id),
            Dimension::Topic => self
                .prediction
                .as_ref()
                .map(|p| Cow::Borrowed(p.topic.as_str())),
            Dimension::Sentiment => self
                .prediction
                .as_ref()
                .map(|p| Cow::Owned(p.sentiment.to_string())),
            Dimension::Theme => self
                .theme
                .as_ref()
                .map(|th| Cow::Borrowed(th.label.as_str())),
            Dimension::Tag => t.tags.first().map(|s| Cow::Borrowed(s.as_str())),
            Dimension::Language => self.language.map(Cow::Borrowed),
            Dimension::Taxonomy(name) => self
                .taxonomy
                .as_ref()
                .filter(|x| x.name == *name)
                .map(|x| Cow::Borrowed(x.value.as_str()))
                .or_else(|| {
                    let p = self.prediction.as_ref()?;
                    let h = p.heads.iter().find(|h| h.name == *name)?;
                    Some(Cow::Borrowed(h.label.as_str()))
                }),
        }
        .filter(|v| !v.trim().is_empty())
    }

    /// True for dimensions a ticket can have several values of (`tag`,
    /// `tags`, and a taxonomy's name): see [`Dimension::is_multi_valued`].
    pub fn is_multi_valued(dim: &str) -> bool {
        Dimension::parse(dim).is_multi_valued()
    }

    /// Every value of a grouping dimension by name: see
    /// [`EnrichedTicket::values_of`].
    pub fn dimension_values(&self, dim: &str) -> Vec<String> {
        self.values_of(&Dimension::parse(dim))
    }

    /// Every value of a dimension: for tags each distinct non-blank tag in
    /// input order (a ticket tagged `a b a` gives `a`, `b`), for a taxonomy
    /// each of its `;`-joined labels, for the other dimensions
    /// [`EnrichedTicket::value_of`] as a list of zero or one value. Empty =
    /// no value (the `(none)` group).
    pub fn values_of(&self, dim: &Dimension) -> Vec<String> {
        if !dim.is_multi_valued() {
            return self
                .value_of(dim)
                .map(std::borrow::Cow::into_owned)
                .into_iter()
                .collect();
        }
        let taxonomy;
        let values: &[String] = if *dim == Dimension::Tag {
            &self.ticket.tags
        } else {
            taxonomy = self
                .value_of(dim)
                .map(|v| v.split(';').map(str::to_string).collect::<Vec<_>>())
                .unwrap_or_default();
            &taxonomy
        };
        let mut out: Vec<String> = Vec::with_capacity(values.len());
        for tag in values {
            let tag = tag.trim();
            if !tag.is_empty() && !out.iter().any(|t| t == tag) {
                out.push(tag.to_string());
            }
        }
        out
    }
}

/// A language code read back from a file (`en`, `EN`, `eng`), as the
/// static two-letter code `text::language::detect` writes; `None` for
/// anything that is no ISO 639 code. (Here rather than in `text`, so the
/// enriched-file reader below needs nothing from a layer above.)
pub fn parse_language_code(code: &str) -> Option<&'static str> {
    let c = code.trim().to_ascii_lowercase();
    let lang = match c.len() {
        2 => isolang::Language::from_639_1(&c),
        3 => isolang::Language::from_639_3(&c),
        _ => None,
    }?;
    lang.to_639_1().or_else(|| Some(lang.to_639_3()))
}

/// The detected-language column's name in an enriched file.
pub const LANGUAGE: &str = "language";
/// Its name when the input has a `language` column of its own (kept).
pub const LANGUAGE_DETECTED: &str = "language_detected";

/// The column the detected language is written to for an input with
/// `headers`: `language`, or `language_detected` when the input has its
/// own `language` column, in any case (a helpdesk's locale field). In an
/// enriched file (one with ticketlens's `p_negative` column) a plain
/// `language` column is ticketlens's own and is replaced, and a
/// `language_detected` one stays where the detection goes.
pub fn language_column(headers: &[String]) -> &'static str {
    let has = |h: &str| headers.iter().any(|x| x.trim().eq_ignore_ascii_case(h));
    let own_language = headers.iter().any(|x| x == LANGUAGE) && has("p_negative");
    if has(LANGUAGE_DETECTED) || (has(LANGUAGE) && !own_language) {
        LANGUAGE_DETECTED
    } else {
        LANGUAGE
    }
}

/// The label columns of a model's extra heads in an enriched header: the
/// `<name>, <name>_confidence` pairs written right after
/// `topic_confidence` (at `after`) and followed by the language column, as
/// `classify` writes them. They are not a taxonomy's pair, which comes
/// after the language column. A run of pairs that does not end at the
/// language column (an older or hand-edited file) is not taken for heads.
/// Returns each head column's name and position.
fn head_columns(headers: &[String], after: Option<usize>) -> Vec<(String, usize)> {
    let mut cols = Vec::new();
    let Some(mut i) = after.map(|a| a + 1) else {
        return cols;
    };
    while let (Some(name), Some(conf)) = (headers.get(i), headers.get(i + 1)) {
        if !conf
            .trim()
            .eq_ignore_ascii_case(&format!("{}_confidence", name.trim()))
        {
            break;
        }
        cols.push((name.trim().to_string(), i));
        i += 2;
    }
    let ends_at_language = headers.get(i).is_some_and(|h| {
        let h = h.trim();
        h.eq_ignore_ascii_case(LANGUAGE) || h.eq_ignore_ascii_case(LANGUAGE_DETECTED)
    });
    if ends_at_language {
        cols
    } else {
        Vec::new()
    }
}

/// Where the model's columns sit in the header of an enriched file (written
/// by `classify` or `analyze`: `sentiment, sentiment_confidence, p_negative,
/// p_neutral, p_positive, topic, topic_confidence` and, after themes,
/// `theme_id, theme_label, theme_distance`).
///
/// Later stages (`kpi`, `themes`) read such a file as a plain ticket export;
/// this turns its extra columns back into a [`Prediction`] and [`ThemeRef`],
/// so grouping by topic/sentiment/theme and the negative-share KPIs work
/// without re-running the model. Resolved once per file, then per row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EnrichedColumns {
    sentiment: Option<usize>,
    sentiment_confidence: Option<usize>,
    p_negative: Option<usize>,
    p_neutral: Option<usize>,
    p_positive: Option<usize>,
    topic: Option<usize>,
    topic_confidence: Option<usize>,
    theme_id: Option<usize>,
    theme_label: Option<usize>,
    theme_distance: Option<usize>,
    /// A taxonomy's `<NAME>` column (the one with a `<NAME>_confidence`
    /// beside it) and its confidence column.
    taxonomy: Option<(std::sync::Arc<str>, usize, usize)>,
    /// The model's extra heads: name and label column (the confidence is
    /// the next one), see [`head_columns`].
    heads: Vec<(std::sync::Arc<str>, usize)>,
    /// The detected language's column (see [`language_column`]).
    language: Option<usize>,
}

impl EnrichedColumns {
    /// Find the model columns in `headers` (names matched case-insensitively
    /// after trimming; absent columns are simply not read).
    pub fn new(headers: &[String]) -> Self {
        let pos = |name: &str| {
            headers
                .iter()
                .position(|h| h.trim().eq_ignore_ascii_case(name))
        };
        let heads = head_columns(headers, pos("topic_confidence"));
        EnrichedColumns {
            sentiment: pos("sentiment"),
            sentiment_confidence: pos("sentiment_confidence"),
            p_negative: pos("p_negative"),
            p_neutral: pos("p_neutral"),
            p_positive: pos("p_positive"),
            topic: pos("topic"),
            topic_confidence: pos("topic_confidence"),
            taxonomy: {
                // Neither an extra head's pair (by name, any case: an input
                // column may share a head's name) nor the model's own.
                let is_head = |name: &str| heads.iter().any(|(h, _)| h.eq_ignore_ascii_case(name));
                headers.iter().enumerate().find_map(|(i, h)| {
                    let name = h.trim().strip_suffix("_confidence")?;
                    let known = ["sentiment", "topic"].contains(&name);
                    if known || name.is_empty() || is_head(name) {
                        return None;
                    }
                    Some((std::sync::Arc::from(name), pos(name)?, i))
                })
            },
            heads: heads
                .into_iter()
                .map(|(name, i)| (std::sync::Arc::from(name.as_str()), i))
                .collect(),
            theme_id: pos("theme_id"),
            theme_label: pos("theme_label"),
            theme_distance: pos("theme_distance"),
            // `language_detected` beside an input's own `language`; a plain
            // `language` (exactly so spelt) only in a file whose
            // `p_negative` column shows ticketlens enriched it.
            language: pos(LANGUAGE_DETECTED).or_else(|| {
                headers
                    .iter()
                    .position(|h| h.trim() == LANGUAGE)
                    .filter(|_| pos("p_negative").is_some())
            }),
        }
    }

    /// The detected language of one row (none when blank or not a code).
    pub fn language(&self, raw: &[String]) -> Option<&'static str> {
        raw.get(self.language?).and_then(|v| parse_language_code(v))
    }

    /// Whether the file has a detected-language column.
    pub fn has_language(&self) -> bool {
        self.language.is_some()
    }

    /// True when the file has neither a prediction nor a theme column set.
    pub fn is_empty(&self) -> bool {
        (self.sentiment.is_none() || self.p_negative.is_none() || self.topic.is_none())
            && self.theme_id.is_none()
    }

    /// The prediction of one row (`raw` in header order): needs a known
    /// sentiment label, a finite `p_negative` and a non-blank topic; the
    /// confidences default to 0 when missing. Rows classified before a
    /// failure (blank cells) give `None`, not a made-up prediction.
    pub fn prediction(&self, raw: &[String]) -> Option<Prediction> {
        let cell = |i: Option<usize>| {
            i.and_then(|i| raw.get(i))
                .map(|v| v.trim())
                .filter(|v| !v.is_empty())
        };
        let f = |i: Option<usize>| {
            cell(i)
                .and_then(|v| v.parse::<f32>().ok())
                .filter(|v| v.is_finite())
        };
        Some(Prediction {
            sentiment: Sentiment::parse(cell(self.sentiment)?)?,
            sentiment_confidence: f(self.sentiment_confidence).unwrap_or(0.0),
            p_negative: f(self.p_negative)?,
            p_neutral: f(self.p_neutral).unwrap_or(0.0),
            p_positive: f(self.p_positive).unwrap_or(0.0),
            topic: cell(self.topic)?.to_string(),
            topic_confidence: f(self.topic_confidence).unwrap_or(0.0),
            heads: self
                .heads
                .iter()
                .filter_map(|(name, i)| {
                    Some(HeadLabel {
                        name: name.clone(),
                        label: cell(Some(*i))?.to_string(),
                        confidence: f(Some(i + 1)).unwrap_or(0.0),
                    })
                })
                .collect(),
        })
    }

    /// The names of the model's extra heads whose columns the file has
    /// (each usable as a `--by` dimension).
    pub fn head_names(&self) -> impl Iterator<Item = &str> {
        self.heads.iter().map(|(n, _)| &**n)
    }

    /// The taxonomy column's name, when the file has one (an enriched file
    /// from `classify --taxonomy`): usable as a `--by` dimension.
    pub fn taxonomy_name(&self) -> Option<&str> {
        self.taxonomy.as_ref().map(|(n, _, _)| &**n)
    }

    /// The taxonomy label of one row (none when its cell is blank).
    pub fn taxonomy_label(&self, raw: &[String]) -> Option<TaxonomyLabel> {
        let (name, col, conf) = self.taxonomy.as_ref()?;
        let value = raw.get(*col).map(|v| v.trim()).filter(|v| !v.is_empty())?;
        Some(TaxonomyLabel {
            name: name.clone(),
            value: value.to_string(),
            confidence: raw
                .get(*conf)
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(f32::NAN),
        })
    }

    /// The theme of one row: needs a `theme_id`; the label defaults to the
    /// id, the distance to 0.
    pub fn theme(&self, raw: &[String]) -> Option<ThemeRef> {
        let cell = |i: Option<usize>| {
            i.and_then(|i| raw.get(i))
                .map(|v| v.trim())
                .filter(|v| !v.is_empty())
        };
        let id_text = cell(self.theme_id)?;
        let id = id_text.parse::<usize>().ok()?;
        Some(ThemeRef {
            id,
            label: cell(self.theme_label).unwrap_or(id_text).to_string(),
            distance: cell(self.theme_distance)
                .and_then(|v| v.parse::<f32>().ok())
                .unwrap_or(0.0),
        })
    }

    /// `ticket` with the prediction and theme read from its own `raw` values.
    pub fn enrich(&self, ticket: Ticket) -> EnrichedTicket {
        EnrichedTicket {
            prediction: self.prediction(&ticket.raw),
            theme: self.theme(&ticket.raw),
            taxonomy: self.taxonomy_label(&ticket.raw),
            language: self.language(&ticket.raw),
            ticket,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Zendesk's merged tickets: status Closed, tag `closed_by_merge`.
    #[test]
    fn closed_by_merge_is_terminal() {
        let mut t = Ticket {
            status: Some("Closed".into()),
            resolution_hours: Some(2.0),
            ..Ticket::default()
        };
        assert_eq!(t.state(), TicketState::Resolved);
        t.tags = vec!["vip".into(), "closed_by_merge".into()];
        assert_eq!(t.state(), TicketState::Terminal);
    }

    /// Zendesk's and Freshdesk's status names in the languages they
    /// localize exports to, and the other desks' words for the same states.
    #[test]
    fn localized_and_other_desks_statuses() {
        use TicketState::*;
        for (s, want) in [
            ("Gelöst", Resolved),
            ("Geschlossen", Resolved),
            ("Offen", Open),
            ("Wartend", Open),
            ("Neu", Open),
            ("Angehalten", Open),
            ("Résolu", Resolved),
            ("Fermé", Resolved),
            // Solved, waiting for the (auto-)close.
            ("Pendiente de cierre", Resolved),
            ("Cierre pendiente", Resolved),
            ("En attente de fermeture", Resolved),
            ("Warten auf Schließung", Resolved),
            ("In attesa di chiusura", Resolved),
            ("Aguardando fechamento", Resolved),
            ("In afwachting van sluiting", Resolved),
            ("Pendiente", Open),
            ("Clos", Resolved),
            ("Ouvert", Open),
            ("En attente", Open),
            ("Resuelto", Resolved),
            ("Cerrado", Resolved),
            ("Abierto", Open),
            ("Pendiente", Open),
            ("En espera", Open),
            ("Resolvido", Resolved),
            ("Fechado", Resolved),
            ("Aberto", Open),
            ("Pendente", Open),
            ("Opgelost", Resolved),
            ("Gesloten", Resolved),
            ("In afwachting", Open),
            ("Risolto", Resolved),
            ("Chiuso", Resolved),
            ("In attesa", Open),
            ("Storniert", Terminal),
            ("Annulé", Terminal),
            ("Cancelado", Terminal),
            ("removed", Terminal),
            ("pending auto close+", Resolved),
            ("Postponed", Open),
            ("Processing (assigned)", Open),
        ] {
            assert_eq!(TicketState::of_status(s), Some(want), "{s}");
        }
    }

    #[test]
    fn every_field_dimension_name_parses_to_a_field_and_others_to_a_taxonomy() {
        for name in FIELD_DIMENSIONS {
            let d = Dimension::field(name).unwrap_or_else(|| panic!("{name}"));
            assert_eq!(Dimension::parse(name), d);
            assert!(!matches!(d, Dimension::Taxonomy(_)));
        }
        assert_eq!(Dimension::parse("tier"), Dimension::Team);
        assert_eq!(Dimension::parse("tags"), Dimension::Tag);
        let c = Dimension::parse("category");
        assert_eq!(c, Dimension::Taxonomy("category".into()));
        assert!(c.is_multi_valued() && Dimension::Tag.is_multi_valued());
        assert!(!Dimension::Channel.is_multi_valued());
        let t = EnrichedTicket::new(Ticket {
            resolution_code: Some("Won't Do".into()),
            ..Default::default()
        });
        assert_eq!(t.dimension("resolution_code").as_deref(), Some("Won't Do"));
        assert_eq!(
            EnrichedTicket::new(Ticket::default()).dimension("resolution_code"),
            None
        );
    }

    fn ticket(status: Option<&str>, resolved: bool, hours: Option<f64>) -> Ticket {
        let created_at = "2025-03-01T10:00:00Z".parse().unwrap();
        Ticket {
            created_at,
            status: status.map(str::to_string),
            resolved_at: resolved.then(|| created_at + chrono::Duration::hours(5)),
            resolution_hours: hours,
            ..Default::default()
        }
    }

    #[test]
    fn open_like_status_wins_over_a_resolution_time() {
        for s in [
            "open",
            "Open",
            " NEW ",
            "pending",
            "Pending Customer Response",
            "on-hold",
            "On hold",
            "hold",
            "reopened",
            "Re-opened",
            "in_progress",
            "waiting on customer",
            "awaiting reply",
        ] {
            assert!(!ticket(Some(s), true, None).is_resolved(), "{s}");
            assert!(!ticket(Some(s), false, Some(3.0)).is_resolved(), "{s}");
            assert!(!ticket(Some(s), false, None).is_resolved(), "{s}");
        }
    }

    #[test]
    fn a_resolution_code_without_a_fix_makes_a_closed_ticket_terminal() {
        let with = |status: Option<&str>, code: &str| Ticket {
            resolution_code: Some(code.to_string()),
            ..ticket(status, true, None)
        };
        use TicketState::*;
        for code in [
            "Duplicate",
            "Won't Do",
            "Won’t Fix",
            "Cannot Reproduce",
            "Incomplete",
            "Declined",
            "Not Solved (Not Reproducible)",
            "Not Solved (Too Costly)",
        ] {
            assert_eq!(with(Some("Closed"), code).state(), Terminal, "{code}");
            assert_eq!(with(Some("Done"), code).state(), Terminal, "{code}");
            assert_eq!(with(None, code).state(), Terminal, "{code}");
            // An open status wins: the code is stale on a reopened issue.
            assert_eq!(with(Some("Reopened"), code).state(), Open, "{code}");
        }
        for code in [
            "Done",
            "Fixed",
            "Solved (Permanently)",
            "Unresolved",
            "Other",
        ] {
            assert_eq!(with(Some("Closed"), code).state(), Resolved, "{code}");
            assert_eq!(with(Some("In Progress"), code).state(), Open, "{code}");
        }
        assert_eq!(with(Some("Spam"), "Done").state(), Terminal);
        for code in [
            "Closed - Duplicate",
            "Duplicate Issue",
            "Won't fix - duplicate",
            "Cancelled by customer",
            "Not Reproducible",
        ] {
            assert_eq!(with(Some("Closed"), code).state(), Terminal, "{code}");
        }
        // A resolution note is not a verdict.
        let note = "Merged the duplicate address records and resent the invoice.";
        assert_eq!(with(Some("Closed"), note).state(), Resolved);
    }

    #[test]
    fn extra_head_columns_are_not_read_back_as_a_taxonomy() {
        let h = |cols: &str| cols.split(',').map(String::from).collect::<Vec<_>>();
        let base = "id,sentiment,sentiment_confidence,p_negative,p_neutral,p_positive,topic,topic_confidence,urgency,urgency_confidence,language";
        assert_eq!(EnrichedColumns::new(&h(base)).taxonomy_name(), None);
        let tagged = format!("{base},category,category_confidence");
        let c = EnrichedColumns::new(&h(&tagged));
        assert_eq!(c.taxonomy_name(), Some("category"));
        // The head is read back, and is a grouping dimension by its name.
        assert_eq!(c.head_names().collect::<Vec<_>>(), ["urgency"]);
        let row = h("7,negative,0.9,0.9,0.05,0.05,billing,0.8,high,0.7,en,refunds,0.6");
        let p = c.prediction(&row).unwrap();
        assert_eq!(
            (&*p.heads[0].name, p.heads[0].label.as_str()),
            ("urgency", "high")
        );
        assert!((p.heads[0].confidence - 0.7).abs() < 1e-6);
        let mut e = EnrichedTicket::new(Ticket::default());
        e.prediction = Some(p);
        assert_eq!(e.dimension("urgency").as_deref(), Some("high"));
        assert_eq!(e.dimension("category"), None);
        // Without heads, the pair after the language is the taxonomy, as before.
        let plain = "id,topic,topic_confidence,language,category,category_confidence";
        assert_eq!(
            EnrichedColumns::new(&h(plain)).taxonomy_name(),
            Some("category")
        );
        // A file without the language column: the pair after topic_confidence
        // is not taken for a head (it is the taxonomy of an older file).
        let old = "id,topic,topic_confidence,category,category_confidence";
        assert_eq!(
            EnrichedColumns::new(&h(old)).taxonomy_name(),
            Some("category")
        );
        // An input column sharing a head's name (any case) is not paired
        // with the head's confidence.
        let own = format!("id,Urgency,{}", &base[3..]);
        assert_eq!(EnrichedColumns::new(&h(&own)).taxonomy_name(), None);
    }

    #[test]
    fn solved_status_or_resolution_time_resolves() {
        for s in [
            "solved",
            "Closed",
            "resolved - fixed",
            "done",
            "Completed",
            "archived",
            "Auto-closed",
            "Auto resolved",
            "autoclosed",
            "Pending-Closed",
            "Pending closure",
            "Awaiting closure",
        ] {
            assert!(ticket(Some(s), false, None).is_resolved(), "{s}");
            assert!(ticket(Some(s), true, None).is_resolved(), "{s}");
        }
        // No status: the resolution time decides.
        assert!(ticket(None, true, None).is_resolved());
        assert!(ticket(None, false, Some(2.0)).is_resolved());
        assert!(!ticket(None, false, None).is_resolved());
        // A custom status that is neither defers to the resolution time.
        assert!(ticket(Some("Tier 2"), true, None).is_resolved());
        assert!(!ticket(Some("Tier 2"), false, None).is_resolved());
    }

    #[test]
    fn invalid_is_terminal_only_as_a_verdict() {
        assert_eq!(
            TicketState::of_status("INVALID"),
            Some(TicketState::Terminal)
        );
        assert_eq!(
            TicketState::of_status("Closed - Invalid"),
            Some(TicketState::Terminal)
        );
        assert_eq!(
            TicketState::of_status("Waiting - invalid address"),
            Some(TicketState::Open)
        );
    }

    #[test]
    fn terminal_states_are_neither_open_nor_resolved() {
        for s in [
            "Canceled",
            "cancelled",
            "Merged",
            "spam",
            "INVALID",
            "Resolved - Invalid",
            "Duplicate",
            "Won't Do",
            "Won\u{2019}t Fix",
            "wontfix",
            "Deleted",
            "Rejected",
            "Declined",
            "Closed - Duplicate",
            "Closed (Cancelled)",
            "Resolved: won't do",
            "Closed Incomplete",
            "Closed Skipped",
        ] {
            for (resolved, hours) in [(true, None), (false, Some(1.0)), (false, None)] {
                let t = ticket(Some(s), resolved, hours);
                assert_eq!(t.state(), TicketState::Terminal, "{s}");
                assert!(!t.is_resolved(), "{s}");
            }
        }
        // Words, not substrings: these are not terminal.
        assert_eq!(
            TicketState::of_status("Pending cancellation"),
            Some(TicketState::Open)
        );
        assert_eq!(TicketState::of_status("Newsletter"), None);
        for s in ["Solved-Reopened", "Closed (reopened)", "Reopened", "Reopen"] {
            assert_eq!(TicketState::of_status(s), Some(TicketState::Open), "{s}");
        }
        for s in [
            "Closed - Reopen not allowed",
            "Resolved (reopen window expired)",
        ] {
            assert_eq!(
                TicketState::of_status(s),
                Some(TicketState::Resolved),
                "{s}"
            );
        }
        assert_eq!(
            TicketState::of_status("Closed Complete"),
            Some(TicketState::Resolved)
        );
        assert_eq!(
            TicketState::of_status("Pending resolution"),
            Some(TicketState::Open)
        );
        assert_eq!(TicketState::of_status("Automation"), None);
        assert_eq!(
            TicketState::of_status("Closed"),
            Some(TicketState::Resolved)
        );
        assert_eq!(TicketState::of_status("  "), None);
        assert_eq!(
            TicketState::of_status("Waiting for support"),
            Some(TicketState::Open)
        );
        assert_eq!(TicketState::of_status("To Do"), Some(TicketState::Open));
    }

    #[test]
    fn enriched_columns_read_back() {
        let headers: Vec<String> = "id,Sentiment,p_negative,topic,theme_id,theme_label"
            .split(',')
            .map(str::to_string)
            .collect();
        let cols = EnrichedColumns::new(&headers);
        assert!(!cols.is_empty());
        let raw = |s: &str| s.split(',').map(str::to_string).collect::<Vec<_>>();
        let t = Ticket {
            raw: raw("1,negative,0.8,billing,3,refund delays"),
            ..Default::default()
        };
        let et = cols.enrich(t);
        let p = et.prediction.as_ref().unwrap();
        assert_eq!((p.sentiment, p.p_negative), (Sentiment::Negative, 0.8));
        assert_eq!(p.topic, "billing");
        assert_eq!(p.sentiment_confidence, 0.0);
        let th = et.theme.as_ref().unwrap();
        assert_eq!((th.id, th.label.as_str()), (3, "refund delays"));
        assert_eq!(et.dimension("theme").as_deref(), Some("refund delays"));
        // Blank or malformed cells: no made-up prediction or theme.
        assert!(cols.prediction(&raw("2,,0.5,billing,,")).is_none());
        assert!(cols.prediction(&raw("2,angry,0.5,billing,,")).is_none());
        assert!(cols.prediction(&raw("2,neutral,NaN,billing,,")).is_none());
        assert!(cols.theme(&raw("2,neutral,0.1,billing,x,y")).is_none());
        assert!(EnrichedColumns::new(&raw("id,subject")).is_empty());
    }
}
