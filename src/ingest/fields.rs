//! Ticket fields and the header spellings that map onto them.
//!
//! Exports from Zendesk, Freshdesk, Jira, Kaggle datasets and home-grown
//! tools name the same thing differently (`Created at`, `Created time`,
//! `Created`, `created_at`). Headers are normalised (lower-case, only letters
//! and digits) and compared with a per-field alias list ordered from most to
//! least specific, so `--map` is only needed for unusual exports.

/// A ticket field an input column can be mapped to (`--map FIELD=COLUMN`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    /// Ticket id.
    TicketId,
    /// Customer / requester / account.
    CustomerId,
    /// Creation time.
    CreatedAt,
    /// First response: timestamp or duration.
    FirstResponse,
    /// Resolution: timestamp or duration.
    Resolved,
    /// Status text.
    Status,
    /// Channel.
    Channel,
    /// Priority.
    Priority,
    /// Assigned agent.
    Agent,
    /// Team / group / tier.
    Team,
    /// Escalated flag.
    Escalated,
    /// Reopen count.
    Reopens,
    /// Agent reply count.
    Replies,
    /// CSAT 1–5.
    Csat,
    /// NPS 0–10.
    Nps,
    /// Customer effort 1–7.
    Ces,
    /// Subject line.
    Subject,
    /// Body / description.
    Body,
    /// Tags / labels.
    Tags,
}

impl Field {
    /// Every field, in display order.
    pub const ALL: [Field; 19] = [
        Field::TicketId,
        Field::CustomerId,
        Field::CreatedAt,
        Field::FirstResponse,
        Field::Resolved,
        Field::Status,
        Field::Channel,
        Field::Priority,
        Field::Agent,
        Field::Team,
        Field::Escalated,
        Field::Reopens,
        Field::Replies,
        Field::Csat,
        Field::Nps,
        Field::Ces,
        Field::Subject,
        Field::Body,
        Field::Tags,
    ];

    /// The name used in `--map` and in messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::TicketId => "ticket_id",
            Field::CustomerId => "customer_id",
            Field::CreatedAt => "created_at",
            Field::FirstResponse => "first_response",
            Field::Resolved => "resolved",
            Field::Status => "status",
            Field::Channel => "channel",
            Field::Priority => "priority",
            Field::Agent => "agent",
            Field::Team => "team",
            Field::Escalated => "escalated",
            Field::Reopens => "reopens",
            Field::Replies => "replies",
            Field::Csat => "csat",
            Field::Nps => "nps",
            Field::Ces => "ces",
            Field::Subject => "subject",
            Field::Body => "body",
            Field::Tags => "tags",
        }
    }

    /// Parse a `--map` field name; also accepts the `Ticket` member names
    /// `first_response_at`, `first_response_minutes`, `resolved_at` and
    /// `resolution_hours` (the value decides timestamp vs duration anyway).
    pub fn parse(name: &str) -> Option<Field> {
        let n = name.trim().to_ascii_lowercase();
        match n.as_str() {
            "first_response_at" | "first_response_minutes" | "frt" => {
                return Some(Field::FirstResponse)
            }
            "resolved_at" | "resolution_hours" | "resolution" => return Some(Field::Resolved),
            "id" => return Some(Field::TicketId),
            "customer" => return Some(Field::CustomerId),
            "group" | "tier" => return Some(Field::Team),
            "tag" => return Some(Field::Tags),
            _ => {}
        }
        Field::ALL.into_iter().find(|f| f.as_str() == n)
    }

    /// Header spellings recognised for this field, most specific first.
    /// Every spelling belongs to exactly one field (tested), so a column can
    /// never be claimed twice.
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            Field::TicketId => &[
                "ticket_id",
                "Ticket ID",
                "Ticket Number",
                "Ticket No",
                "Issue key",
                "Issue id",
                "Case ID",
                "Case Number",
                "Id",
                "Key",
                "Number",
            ],
            Field::CustomerId => &[
                "customer_id",
                "Customer ID",
                "Requester id",
                "Contact ID",
                "Account ID",
                "Client ID",
                "User ID",
                "Customer",
                "Requester",
                "Reporter",
                "Contact",
                "Account",
                "Client",
                "Customer Email",
                "Requester email",
                "Contact email",
                "Email",
                "Customer Name",
                "Requester name",
            ],
            Field::CreatedAt => &[
                "created_at",
                "Created time",
                "Created date",
                "Creation date",
                "Created on",
                "Created",
                "Opened at",
                "Opened on",
                "Opened",
                "Date opened",
                "Open date",
                "Submitted at",
                "Submitted",
                "Requested at",
                "Timestamp",
                "Date",
            ],
            Field::FirstResponse => &[
                "first_response_at",
                "first_response_minutes",
                "First response at",
                "First responded at",
                "First reply at",
                "First reply time in minutes",
                "First response time (in hrs)",
                "First response time in hours",
                "First response time in minutes",
                "First response time",
                "First reply time",
                "Time to first response",
                "First response",
                "First reply time in minutes within business hours",
                "Initial response time",
                "Response time",
            ],
            Field::Resolved => &[
                "resolved_at",
                "resolution_hours",
                "Resolved time",
                "Resolved date",
                "Resolved on",
                "Resolved",
                "Solved at",
                "Solved",
                "Closed at",
                "Closed time",
                "Closed date",
                "Closed on",
                "Resolution date",
                "Full resolution time in hours",
                "Resolution time (in hrs)",
                "Resolution time in hours",
                "Resolution time",
                "Time to resolution",
                "First resolution time in hours",
                "Full resolution time in minutes",
            ],
            Field::Status => &[
                "status",
                "Ticket Status",
                "Issue status",
                "Status name",
                "State",
            ],
            Field::Channel => &[
                "channel",
                "Ticket Channel",
                "Contact channel",
                "Channel name",
                "Via",
                "Source",
                "Medium",
                "Origin",
            ],
            Field::Priority => &[
                "priority",
                "Ticket Priority",
                "Issue priority",
                "Severity",
                "Urgency",
            ],
            Field::Agent => &[
                "agent",
                "Agent name",
                "Agent ID",
                "Assignee",
                "Assignee name",
                "Assignee id",
                "Assigned to",
                "Owner",
                "Responder",
                "Handled by",
            ],
            Field::Team => &[
                "team",
                "Team name",
                "Group",
                "Group name",
                "Assignment group",
                "Queue",
                "Department",
                "Support tier",
                "Tier",
                "Component/s",
                "Component",
            ],
            Field::Escalated => &["escalated", "Is escalated", "Was escalated", "Escalation"],
            Field::Reopens => &[
                "reopens",
                "Reopen count",
                "Times reopened",
                "Number of reopens",
                "Reopened count",
            ],
            Field::Replies => &[
                "Agent replies",
                "replies",
                "Reply count",
                "Number of replies",
                "Agent responses",
                "Responses",
            ],
            Field::Csat => &[
                "csat",
                "CSAT score",
                "Customer Satisfaction Rating",
                "Customer satisfaction",
                "Satisfaction Score",
                "Satisfaction rating",
                "Satisfaction",
                "CSAT rating",
                "Rating",
            ],
            Field::Nps => &[
                "nps",
                "NPS score",
                "Net promoter score",
                "Likelihood to recommend",
            ],
            Field::Ces => &[
                "ces",
                "CES score",
                "Customer effort score",
                "Effort score",
                "Effort",
            ],
            Field::Subject => &[
                "subject",
                "Ticket Subject",
                "Summary",
                "Issue summary",
                "Title",
            ],
            Field::Body => &[
                "body",
                "Ticket Description",
                "Description",
                "Issue description",
                "Text",
                "Message",
                "Content",
                "Comment",
                "Details",
                "Question",
            ],
            Field::Tags => &["tags", "Labels", "Tag", "Label", "Keywords"],
        }
    }
}

impl std::fmt::Display for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Normalise a header for matching: lower-case letters and digits only.
pub fn normalize_header(h: &str) -> String {
    h.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// One mapped field.
#[derive(Debug, Clone, PartialEq)]
pub struct MappedColumn {
    /// The ticket field.
    pub field: Field,
    /// Column index (for JSONL, indices past the header are keys read by name).
    pub index: usize,
    /// The column's name as written in the input.
    pub column: String,
    /// `auto` (recognised header) or `--map`.
    pub how: &'static str,
    /// Multiplier from the column's numbers to the field's unit (minutes for
    /// first response, hours for resolution), derived from the header.
    pub scale: f64,
}

/// How input columns map to ticket fields; printed by `--explain-mapping`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ColumnMapping {
    pub(crate) columns: Vec<MappedColumn>,
    /// `--text-column` columns (index, name); when set they replace subject/body.
    pub(crate) text_columns: Vec<(usize, String)>,
    /// Input columns, for the "not used" line.
    pub(crate) headers: Vec<String>,
}

impl ColumnMapping {
    /// True when the field has a column (body/subject count as mapped when
    /// `--text-column` is used).
    pub fn has(&self, field: Field) -> bool {
        if matches!(field, Field::Body) && !self.text_columns.is_empty() {
            return true;
        }
        self.get(field).is_some()
    }

    /// The column mapped to a field.
    pub fn get(&self, field: Field) -> Option<&MappedColumn> {
        self.columns.iter().find(|c| c.field == field)
    }

    /// All mapped fields, in [`Field::ALL`] order.
    pub fn columns(&self) -> &[MappedColumn] {
        &self.columns
    }

    /// The `--text-column` names, if any.
    pub fn text_columns(&self) -> impl Iterator<Item = &str> {
        self.text_columns.iter().map(|(_, n)| n.as_str())
    }
}

impl std::fmt::Display for ColumnMapping {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "{:<16} {:<40} how", "field", "column")?;
        for field in Field::ALL {
            if !self.text_columns.is_empty() && matches!(field, Field::Subject | Field::Body) {
                if field == Field::Body {
                    let names: Vec<String> = self
                        .text_columns
                        .iter()
                        .map(|(_, n)| format!("\"{n}\""))
                        .collect();
                    writeln!(f, "{:<16} {:<40} --text-column", "text", names.join(" + "))?;
                }
                continue;
            }
            match self.get(field) {
                Some(c) => {
                    let mut how = c.how.to_string();
                    if c.index >= self.headers.len() {
                        how.push_str(" (key not in first object; read by name)");
                    }
                    if matches!(field, Field::FirstResponse | Field::Resolved) && c.scale != 1.0 {
                        let unit = if field == Field::FirstResponse {
                            "minutes"
                        } else {
                            "hours"
                        };
                        how.push_str(&format!(" (numbers × {} → {unit})", trim_float(c.scale)));
                    }
                    writeln!(
                        f,
                        "{:<16} {:<40} {how}",
                        field.as_str(),
                        format!("\"{}\"", c.column)
                    )?;
                }
                None => writeln!(f, "{:<16} {:<40} -", field.as_str(), "(not mapped)")?,
            }
        }
        let used: Vec<usize> = self
            .columns
            .iter()
            .map(|c| c.index)
            .chain(self.text_columns.iter().map(|(i, _)| *i))
            .collect();
        let unused: Vec<String> = (0..self.headers.len())
            .filter(|i| !used.contains(i))
            .map(|i| format!("\"{}\"", self.headers[i]))
            .collect();
        if !unused.is_empty() {
            write!(
                f,
                "not used (kept in enriched output): {}",
                unused.join(", ")
            )?;
        }
        Ok(())
    }
}

fn trim_float(x: f64) -> String {
    let s = format!("{x:.6}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The unit multiplier for a first-response or resolution column, from its header.
///
/// First response is stored in minutes (default unit when the header names
/// none), resolution in hours (same). `(in hrs)`, `in hours`, `in minutes`,
/// `seconds`, `days` are recognised; an explicit `in <unit>` wins over a unit
/// word elsewhere (`First reply time in minutes within business hours` is minutes).
pub(crate) fn duration_scale(field: Field, header: &str) -> f64 {
    let n = normalize_header(header);
    let unit_minutes = unit_in_minutes(&n);
    match (field, unit_minutes) {
        (Field::FirstResponse, Some(m)) => m,
        (Field::Resolved, Some(m)) => m / 60.0,
        _ => 1.0,
    }
}

/// Minutes per unit named in a normalised header, if any: the earliest
/// `in<unit>` wins, else the earliest bare unit word.
fn unit_in_minutes(n: &str) -> Option<f64> {
    const UNITS: &[(&str, f64)] = &[
        ("minutes", 1.0),
        ("mins", 1.0),
        ("hours", 60.0),
        ("hrs", 60.0),
        ("seconds", 1.0 / 60.0),
        ("secs", 1.0 / 60.0),
        ("days", 1440.0),
    ];
    let earliest = |prefix: &str| {
        UNITS
            .iter()
            .filter_map(|(w, m)| n.find(&format!("{prefix}{w}")).map(|p| (p, *m)))
            .min_by_key(|(p, _)| *p)
            .map(|(_, m)| m)
    };
    earliest("in").or_else(|| earliest(""))
}

/// Find a column by name: exact, then trimmed case-insensitive, then normalised.
pub(crate) fn find_column(headers: &[String], name: &str) -> Option<usize> {
    let name_t = name.trim();
    headers
        .iter()
        .position(|h| h == name)
        .or_else(|| {
            headers
                .iter()
                .position(|h| h.trim().eq_ignore_ascii_case(name_t))
        })
        .or_else(|| {
            let n = normalize_header(name_t);
            (!n.is_empty())
                .then(|| headers.iter().position(|h| normalize_header(h) == n))
                .flatten()
        })
}

/// First unclaimed column whose normalised header equals one of `aliases`
/// (earlier aliases win over later ones).
pub(crate) fn match_alias(
    norm_headers: &[String],
    aliases: &[&str],
    taken: &[bool],
) -> Option<usize> {
    aliases.iter().find_map(|a| {
        let a = normalize_header(a);
        norm_headers
            .iter()
            .enumerate()
            .position(|(i, h)| !taken[i] && *h == a)
    })
}

/// Spellings for an error message.
pub(crate) fn tried(fields: &[Field]) -> String {
    fields
        .iter()
        .flat_map(|f| f.aliases().iter().copied())
        .collect::<Vec<_>>()
        .join(", ")
}
