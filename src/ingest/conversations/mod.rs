//! Conversation logs (one row per message) → tickets.
//!
//! Many teams have no ticket export, only a message log: a chat or social
//! inbox with one row per message. This module rebuilds tickets from such a
//! log so the KPI stage can measure first response and resolution anyway.
//!
//! Two layouts are recognised (header aliases, `--map` overrides):
//!
//! * **Reply links** (Customer Support on Twitter): a message id and the id of
//!   the message it answers (`tweet_id`, `in_response_to_tweet_id`). A thread
//!   is everything that leads back, through reply links, to a root message
//!   without a parent (or whose parent is not in the log). A thread rooted at
//!   a customer (inbound) message is a ticket; threads started by the company
//!   are not tickets (counted in [`ThreadStats::skipped_messages`]).
//! * **Conversation id**: a `conversation_id` (or thread/chat/session id)
//!   column. The ticket starts at the conversation's first customer message;
//!   company messages before it are proactive, not replies, and are skipped.
//!
//! The author of a message comes from an inbound flag (`inbound`:
//! true/false) or a role column (`role`/`author_type`, see [`Role::parse`]):
//! the **customer** (user, lead, contact, end-user …), a **company human**
//! (admin, teammate, agent …) or **company automation** (bot, operator,
//! system, automation, workflow …). `--bot-author PATTERN`
//! ([`ConversationOptions::bot_author`]) also marks company messages whose
//! author id or name matches as automated.
//!
//! Ticket fields: `created_at` = the root customer message's time;
//! `first_response_at` = the first company **human** message in the thread
//! at or after it; `replies` = number of company human messages; `agent` =
//! author of that first reply; `customer_id` = author of the root; `body` =
//! the customer messages' texts in time order, joined with newlines.
//! Automated messages (bot acknowledgements, auto-replies) are never a
//! first response nor a reply, and are ignored when deciding how a thread
//! ends. `resolved_at` is a **proxy**: the time of the last company human
//! message when the thread (bots aside) ends with one (the customer did not
//! come back), else `None` (open): a thread only a bot answered is open and
//! unanswered. Logs carry no real "solved" event, so read resolution KPIs
//! from logs as "time to last answer".
//!
//! Memory: unlike ticket exports, a log must be held in memory to link
//! replies to their roots (about the size of the log's text, plus an index).

mod threads;

pub use threads::ThreadStats;

use super::fields::{find_column, match_alias, normalize_header};
use super::source::{Item, RecordSource};
use super::time::parse_timestamp;
use super::values::{is_blank, show};
use super::{InputFormat, InputSource, Reject};
use crate::error::{Error, IngestError, Result, Setting};
use crate::ticket::Ticket;
use chrono::{DateTime, Utc};

/// A message field and the log column it was read from
/// ([`ConversationLog::columns`]).
pub type MessageColumn = (&'static str, String);

/// How to read a message log.
#[derive(Debug, Clone)]
pub struct ConversationOptions {
    /// `--map field=Column` overrides; fields: message_id, conversation_id,
    /// parent_id, author, author_name, inbound, role, timestamp, text, kind.
    pub map: Vec<(String, String)>,
    /// Zone of timestamps without an offset.
    pub timezone: chrono_tz::Tz,
    /// Forced format; `None` = detect (as for tickets).
    pub format: Option<InputFormat>,
    /// CSV delimiter; `None` = sniff.
    pub delimiter: Option<u8>,
    /// `--encoding`: force a character encoding (a WHATWG label); `None` =
    /// detect, as for tickets.
    pub encoding: Option<String>,
    /// `--bot-author`: company messages whose author id or author name
    /// matches are automated (like a `bot` role), e.g. `(?i)operator|auto`.
    pub bot_author: Option<regex::Regex>,
    /// Called with the message columns (field, column) once they are
    /// resolved, before any message is read (`--explain-mapping`).
    pub on_columns: Option<fn(&[MessageColumn])>,
}

impl ConversationOptions {
    /// A message log read with a ticket export's options (mapping, time
    /// zone, format, delimiter, encoding), which the CLI shares between both.
    pub fn from_ingest(ingest: &super::IngestOptions, bot_author: Option<regex::Regex>) -> Self {
        ConversationOptions {
            map: ingest.map.clone(),
            timezone: ingest.timezone,
            format: ingest.format,
            delimiter: ingest.delimiter,
            encoding: ingest.encoding.clone(),
            bot_author,
            on_columns: None,
        }
    }
}

impl Default for ConversationOptions {
    fn default() -> Self {
        ConversationOptions {
            map: Vec::new(),
            timezone: chrono_tz::Tz::UTC,
            format: None,
            delimiter: None,
            encoding: None,
            bot_author: None,
            on_columns: None,
        }
    }
}

/// The result of [`read_conversations`].
#[derive(Debug, Clone, Default)]
pub struct ConversationLog {
    /// Which column each message field came from, for `--explain-mapping`.
    pub columns: Vec<(&'static str, String)>,
    /// One ticket per customer-started thread, in the order of their root message.
    pub tickets: Vec<Ticket>,
    /// Rows that could not be read as messages.
    pub rejects: Vec<Reject>,
    /// Counts and reply times.
    pub stats: ThreadStats,
    /// Messages in each ticket's thread (aligned with `tickets`).
    pub thread_messages: Vec<u32>,
    /// The log's CSV delimiter as read (`None` for JSON): a ticket's
    /// `raw` (its root message's cells) is written back with it.
    pub delimiter: Option<u8>,
}

/// A message field of the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MsgField {
    MessageId,
    ConversationId,
    ParentId,
    Author,
    AuthorName,
    Inbound,
    Role,
    Timestamp,
    Text,
    Kind,
}

const MSG_FIELDS: [MsgField; 10] = [
    MsgField::MessageId,
    MsgField::ConversationId,
    MsgField::ParentId,
    MsgField::Author,
    MsgField::AuthorName,
    MsgField::Inbound,
    MsgField::Role,
    MsgField::Timestamp,
    MsgField::Text,
    MsgField::Kind,
];

impl MsgField {
    fn as_str(self) -> &'static str {
        match self {
            MsgField::MessageId => "message_id",
            MsgField::ConversationId => "conversation_id",
            MsgField::ParentId => "parent_id",
            MsgField::Author => "author",
            MsgField::AuthorName => "author_name",
            MsgField::Inbound => "inbound",
            MsgField::Role => "role",
            MsgField::Timestamp => "timestamp",
            MsgField::Text => "text",
            MsgField::Kind => "kind",
        }
    }

    fn aliases(self) -> &'static [&'static str] {
        match self {
            MsgField::MessageId => &["message_id", "tweet_id", "msg_id", "Message ID", "id"],
            MsgField::ConversationId => &[
                "conversation_id",
                "thread_id",
                "chat_id",
                "session_id",
                "ticket_id",
                "case_id",
                "conversation",
                "thread",
            ],
            MsgField::ParentId => &[
                "in_response_to_tweet_id",
                "in_response_to",
                "in_reply_to_id",
                "in_reply_to",
                "parent_id",
                "reply_to_id",
                "reply_to",
                "parent",
            ],
            MsgField::Author => &[
                "author_id",
                "author",
                "sender_id",
                "sender",
                "from",
                "user_id",
                "user",
            ],
            MsgField::AuthorName => &[
                "author_name",
                "sender_name",
                "from_name",
                "user_name",
                "display_name",
                "name",
            ],
            MsgField::Inbound => &[
                "inbound",
                "is_inbound",
                "is_customer",
                "from_customer",
                "incoming",
            ],
            MsgField::Role => &[
                "role",
                "author_type",
                "sender_type",
                "author_role",
                "sender_role",
                "from_type",
                "user_type",
                "actor_type",
                "direction",
                "speaker",
            ],
            MsgField::Timestamp => &[
                "created_at",
                "timestamp",
                "sent_at",
                "time",
                "datetime",
                "date",
                "created",
            ],
            MsgField::Text => &["text", "message", "body", "content", "message_text"],
            MsgField::Kind => &[
                "part_type",
                "message_type",
                "thread_type",
                "event_type",
                "kind",
                "visibility",
                "public",
                "is_public",
                "type",
            ],
        }
    }

    fn parse(name: &str) -> Option<Self> {
        let n = name.trim().to_ascii_lowercase();
        MSG_FIELDS
            .into_iter()
            .find(|f| f.as_str() == n || f.aliases().first() == Some(&n.as_str()))
    }
}

/// One message row.
#[derive(Debug, Clone)]
struct Message {
    line: u64,
    id: String,
    parent: Option<String>,
    conv: Option<String>,
    author: Option<String>,
    /// Written by the customer.
    inbound: bool,
    /// Written by company automation (bot role or `--bot-author`); only
    /// ever true for company messages.
    bot: bool,
    /// Not a message to the other side: an internal note or a bodiless
    /// workflow event ([`is_internal`]); left out of every thread.
    internal: bool,
    at: DateTime<Utc>,
    text: String,
    /// Kept for customer messages only (a ticket's `raw` is its root's row).
    raw: Option<Vec<String>>,
}

/// Read a message log and rebuild tickets (see the module docs).
pub fn read_conversations(
    source: &InputSource,
    opts: &ConversationOptions,
) -> Result<ConversationLog> {
    let mut src = RecordSource::open(
        source,
        opts.format,
        opts.delimiter,
        opts.encoding.as_deref(),
    )?;
    let cols = resolve(src.headers(), &opts.map, src.label())?;
    let mut log = ConversationLog {
        columns: cols.describe(src.headers()),
        delimiter: src.delimiter(),
        ..Default::default()
    };
    if let Some(show) = opts.on_columns {
        show(&log.columns);
    }
    let mut messages = Vec::new();
    let mut seen_ids = std::collections::HashMap::new();
    while let Some(item) = src.next_item() {
        let rec = match item? {
            Item::Reject(r) => {
                log.rejects.push(r);
                continue;
            }
            Item::Record(rec) => rec,
        };
        match cols.message(
            rec.line,
            rec.values,
            opts.timezone,
            src.headers(),
            opts.bot_author.as_ref(),
        ) {
            Ok(m) => {
                if cols.conv.is_none() {
                    if let Some(first) = seen_ids.insert(m.id.clone(), m.line) {
                        let reason = format!(
                            "duplicate message id '{}' (first seen on line {first})",
                            show(&m.id)
                        );
                        seen_ids.insert(m.id.clone(), first);
                        log.rejects.push(Reject {
                            line: m.line,
                            reason,
                            raw: m.raw_text(src.delimiter()),
                        });
                        continue;
                    }
                }
                messages.push(m);
            }
            Err((reason, values)) => {
                let raw = super::source::encode_cells(&values, src.delimiter().unwrap_or(b','));
                log.rejects.push(Reject {
                    line: rec.line,
                    reason,
                    raw,
                });
            }
        }
    }
    drop(seen_ids);
    log.stats.messages = messages.len() as u64;
    log.stats.rejected = log.rejects.len() as u64;
    let before = messages.len();
    messages.retain(|m| !m.internal);
    let internal = (before - messages.len()) as u64;
    if cols.conv.is_some() {
        threads::by_conversation(messages, &mut log);
    } else {
        threads::by_reply_links(messages, &mut log);
    }
    log.stats.internal_messages = internal;
    log.stats.skipped_messages += internal;
    Ok(log)
}

impl Message {
    fn raw_text(&self, delimiter: Option<u8>) -> String {
        match &self.raw {
            Some(v) => super::source::encode_cells(v, delimiter.unwrap_or(b',')),
            None => format!("(message {})", self.id),
        }
    }
}

/// Resolved column indices.
struct Columns {
    id: Option<usize>,
    conv: Option<usize>,
    parent: Option<usize>,
    author: Option<usize>,
    author_name: Option<usize>,
    kind: Option<usize>,
    inbound: Option<usize>,
    role: Option<usize>,
    timestamp: usize,
    text: Option<usize>,
}

fn resolve(headers: &[String], map: &[(String, String)], label: &str) -> Result<Columns> {
    let mut taken = vec![false; headers.len()];
    let mut chosen: Vec<(MsgField, usize)> = Vec::new();
    for (fname, col) in map {
        let field = MsgField::parse(fname).ok_or_else(|| {
            let known: Vec<&str> = MSG_FIELDS.iter().map(|f| f.as_str()).collect();
            Error::option(
                Setting::Map,
                format!(
                    "unknown message field `{fname}`; fields are: {}",
                    known.join(" ")
                ),
            )
        })?;
        let idx = find_column(headers, col).ok_or_else(|| {
            Error::option(Setting::Map, format!("column `{col}` not found in {label}"))
        })?;
        taken[idx] = true;
        chosen.retain(|(f, _)| *f != field);
        chosen.push((field, idx));
    }
    let norm: Vec<String> = headers.iter().map(|h| normalize_header(h)).collect();
    for field in MSG_FIELDS {
        if chosen.iter().any(|(f, _)| *f == field) {
            continue;
        }
        if let Some(i) = match_alias(&norm, field.aliases(), &taken) {
            taken[i] = true;
            chosen.push((field, i));
        }
    }
    let get = |f: MsgField| chosen.iter().find(|(g, _)| *g == f).map(|(_, i)| *i);
    let missing = |field: &str, fields: &[MsgField]| -> Error {
        IngestError::MissingColumn {
            path: label.to_string(),
            field: field.to_string(),
            tried: fields
                .iter()
                .flat_map(|f| f.aliases().iter().copied())
                .collect::<Vec<_>>()
                .join(", "),
        }
        .into()
    };
    let timestamp =
        get(MsgField::Timestamp).ok_or_else(|| missing("timestamp", &[MsgField::Timestamp]))?;
    if get(MsgField::Inbound).is_none() && get(MsgField::Role).is_none() {
        return Err(missing("inbound", &[MsgField::Inbound, MsgField::Role]));
    }
    let conv = get(MsgField::ConversationId);
    if conv.is_none() && (get(MsgField::MessageId).is_none() || get(MsgField::ParentId).is_none()) {
        return Err(missing(
            "conversation_id",
            &[
                MsgField::ConversationId,
                MsgField::MessageId,
                MsgField::ParentId,
            ],
        ));
    }
    Ok(Columns {
        id: get(MsgField::MessageId),
        conv,
        parent: get(MsgField::ParentId),
        author: get(MsgField::Author),
        author_name: get(MsgField::AuthorName),
        kind: get(MsgField::Kind),
        inbound: get(MsgField::Inbound),
        role: get(MsgField::Role),
        timestamp,
        text: get(MsgField::Text),
    })
}

/// A vocabulary value compared loosely: trimmed, lower-case, without `-`,
/// `_` and spaces (`Auto-Reply`, `auto_reply` and `autoreply` are one).
fn squash(s: &str) -> String {
    s.trim()
        .to_lowercase()
        .chars()
        .filter(|c| !matches!(c, '-' | '_' | ' '))
        .collect()
}

/// True when a message-kind value (`part_type`, `message_type`, `public`
/// … column) says the row is not a message to the other side: an internal
/// note (`note`, `internal`, `private`, or `false` in a `public` column)
/// always; a workflow event (`assignment`, `open`, `close`, `snoozed`,
/// `unsnoozed`, `away_mode_assignment`, `participant_added`, `lineitem`,
/// `conversation_rating_changed`, `state_change`) only without text (an
/// Intercom `close` part with a body is a reply sent while closing). Other
/// kinds (`comment`, `message`, `reply`, `chat`, …) are messages.
pub fn is_internal(kind: &str, has_text: bool) -> bool {
    match squash(kind).as_str() {
        "note" | "notes" | "internal" | "internalnote" | "private" | "privatenote" | "false"
        | "no" | "0" => true,
        "assignment"
        | "assigned"
        | "open"
        | "opened"
        | "reopened"
        | "close"
        | "closed"
        | "snoozed"
        | "unsnoozed"
        | "timerunsnooze"
        | "awaymodeassignment"
        | "participantadded"
        | "participantremoved"
        | "lineitem"
        | "conversationratingchanged"
        | "statechange"
        | "statuschange" => !has_text,
        _ => false,
    }
}

/// Who wrote a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The customer (inbound).
    Customer,
    /// A person on the company side: their messages are replies.
    Agent,
    /// Company automation (bots, auto-replies, system messages): never a
    /// first response nor a reply.
    Bot,
}

impl Role {
    /// The role an inbound flag or author-role value names (any case; `-`,
    /// `_` and spaces alike), `None` when it names none:
    ///
    /// * customer: `true`/`yes`/`1`/`inbound`/`incoming`/`in`, `customer`,
    ///   `user`, `lead`, `contact`, `end-user`, `client`, `requester`,
    ///   `visitor`, `guest`;
    /// * company human: `false`/`no`/`0`/`outbound`/`outgoing`/`out`,
    ///   `agent`, `admin`, `teammate`, `team`, `support`, `staff`,
    ///   `assistant`, `brand`, `company`, `employee`, `human`, `owner`;
    /// * company automation: `bot`, `chatbot`, `operator` (Intercom's bot),
    ///   `system`, `automation`, `automated`, `workflow`, `auto-reply`,
    ///   `autoresponder`, `trigger`, `campaign`, `ai`.
    pub fn parse(s: &str) -> Option<Role> {
        match squash(s).as_str() {
            "true" | "yes" | "y" | "1" | "t" | "inbound" | "incoming" | "in" | "customer"
            | "user" | "lead" | "contact" | "client" | "enduser" | "requester" | "visitor"
            | "guest" => Some(Role::Customer),
            "false" | "no" | "n" | "0" | "f" | "outbound" | "outgoing" | "out" | "agent"
            | "admin" | "teammate" | "team" | "support" | "staff" | "assistant" | "brand"
            | "company" | "employee" | "human" | "owner" => Some(Role::Agent),
            "bot" | "chatbot" | "operator" | "system" | "automation" | "automated" | "workflow"
            | "autoreply" | "autoresponder" | "trigger" | "campaign" | "ai" => Some(Role::Bot),
            _ => None,
        }
    }
}

impl Columns {
    fn describe(&self, headers: &[String]) -> Vec<(&'static str, String)> {
        let pairs = [
            ("message_id", self.id),
            ("conversation_id", self.conv),
            ("parent_id", self.parent),
            ("author", self.author),
            ("author_name", self.author_name),
            ("kind", self.kind),
            ("inbound", self.inbound),
            ("role", self.role),
            ("timestamp", Some(self.timestamp)),
            ("text", self.text),
        ];
        pairs
            .into_iter()
            .filter_map(|(f, i)| i.map(|i| (f, headers[i].clone())))
            .collect()
    }

    fn message(
        &self,
        line: u64,
        values: Vec<String>,
        tz: chrono_tz::Tz,
        headers: &[String],
        bot_author: Option<&regex::Regex>,
    ) -> Result<Message, (String, Vec<String>)> {
        let cell = |i: Option<usize>| {
            i.and_then(|i| values.get(i))
                .map(|s| s.trim())
                .filter(|s| !s.is_empty())
        };
        let check = || -> Result<Message, String> {
            let ts_col = &headers[self.timestamp];
            let ts = values.get(self.timestamp).map_or("", String::as_str);
            if is_blank(ts) {
                return Err(format!("blank timestamp in column '{ts_col}'"));
            }
            let at = parse_timestamp(ts, tz)
                .ok_or_else(|| format!("bad timestamp '{}' in column '{ts_col}'", show(ts)))?;
            let dir_col = self.inbound.or(self.role).unwrap_or(0);
            let dir = values.get(dir_col).map_or("", String::as_str);
            let role = Role::parse(dir).ok_or_else(|| {
                format!(
                    "bad author role '{}' in column '{}' (expected true/false or customer/agent/bot)",
                    show(dir),
                    headers[dir_col]
                )
            })?;
            let author = cell(self.author);
            let bot = match role {
                Role::Customer => false,
                Role::Bot => true,
                Role::Agent => bot_author.is_some_and(|re| {
                    author.is_some_and(|a| re.is_match(a))
                        || cell(self.author_name).is_some_and(|a| re.is_match(a))
                }),
            };
            let id = match (cell(self.id), self.conv) {
                (Some(id), _) => id.to_string(),
                (None, Some(_)) => line.to_string(),
                (None, None) => {
                    return Err(format!(
                        "blank message id in column '{}'",
                        self.id.map_or("", |i| headers[i].as_str())
                    ))
                }
            };
            let conv = match self.conv {
                Some(c) => Some(
                    cell(Some(c))
                        .ok_or_else(|| format!("blank conversation id in column '{}'", headers[c]))?
                        .to_string(),
                ),
                None => None,
            };
            Ok(Message {
                line,
                id,
                parent: cell(self.parent).map(str::to_string),
                conv,
                author: author.map(str::to_string),
                inbound: role == Role::Customer,
                bot,
                internal: cell(self.kind)
                    .is_some_and(|k| is_internal(k, cell(self.text).is_some())),
                at,
                text: cell(self.text).unwrap_or("").to_string(),
                raw: None,
            })
        };
        match check() {
            Ok(mut m) => {
                if m.inbound {
                    m.raw = Some(values);
                }
                Ok(m)
            }
            Err(reason) => Err((reason, values)),
        }
    }
}

#[cfg(test)]
mod tests;
