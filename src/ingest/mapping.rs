//! Resolving input columns to ticket fields (`--map`, `--text-column`, aliases).

use super::durations::{header_words, Unit};
use super::fields::{find_column, match_alias, normalize_header, tried, Field};
use crate::error::{Error, IngestError, Result, Setting};

/// What the resolver needs to know about the job.
pub(crate) struct MappingRequest<'a> {
    pub map: &'a [(String, String)],
    pub text_columns: &'a [String],
    pub require_created_at: bool,
    /// Fail when no subject/body/text column exists (not for `kpi`).
    pub require_text: bool,
    /// `path` or `<stdin>`.
    pub label: &'a str,
    /// JSONL: `--map` may name keys missing from the first object.
    pub allow_extra: bool,
    /// JSON: sampled keys that were null (or `{}`) in every sampled record.
    pub null_keys: &'a [String],
}

/// Stems of wall-clock duration headers that carry their unit as a suffix:
/// `Time to close (ms)`, `first_reply_time_sec`, `Resolution time (in
/// minutes)`, `First response (min)`. Business-hours columns never match
/// (their header ends in `business hours`, which is not a unit suffix).
fn duration_stems(field: Field) -> &'static [&'static str] {
    match field {
        Field::FirstResponse => &[
            "first response time",
            "first response",
            "first reply time",
            "first reply",
            "reply time",
            "time to first response",
            "time to first reply",
            "time to first agent reply",
            "first response duration",
            "initial response time",
        ],
        Field::Resolved => &[
            "resolution time",
            "resolution",
            "full resolution time",
            "first resolution time",
            "resolution duration",
            "time to resolution",
            "time to resolve",
            "time to close",
            "close time",
        ],
        Field::HandleTime => &[
            "handle time",
            "handling time",
            "agent work time",
            "work time",
            "time spent",
            "total time spent",
            "time tracked",
            "time worked",
            "talk time",
        ],
        _ => &[],
    }
}

/// A header's words with a trailing unit (and an `in` before it) removed,
/// if it ends in a unit: `Time to close (ms)` → `time to close`.
fn unit_stem(header: &str) -> Option<String> {
    let lower = header.to_ascii_lowercase();
    let mut words = header_words(&lower);
    if words.last().is_none_or(|w| Unit::parse(w).is_none()) {
        return None;
    }
    words.pop();
    if words.last() == Some(&"in") {
        words.pop();
    }
    Some(words.join(" "))
}

/// The first unclaimed column whose header is a duration stem of `field`
/// followed by a unit (the unit is then read by [`duration_scale`]).
fn match_unit_suffixed(headers: &[String], field: Field, taken: &[bool]) -> Option<usize> {
    let stems: Vec<Option<String>> = headers.iter().map(|h| unit_stem(h)).collect();
    duration_stems(field).iter().find_map(|stem| {
        (0..headers.len()).find(|&i| !taken[i] && stems[i].as_deref() == Some(*stem))
    })
}

/// Objects that hold a JSON record's fields: Jira's `fields`
/// (`fields.created`), JSON:API's `attributes` (Kustomer, Zendesk Sell:
/// `attributes.createdAt`), HubSpot's `properties` (`properties.subject`).
const CONTAINERS: &[&str] = &["fields.", "attributes.", "properties."];

/// Objects that wrap a whole ticket in an envelope: a webhook's
/// `{"event": …, "timestamp": …, "ticket": {…}}`, Zendesk's show response
/// `{"ticket": {…}}`, Freshdesk v1's `{"helpdesk_ticket": {…}}`, Intercom's
/// notification `{"data": {"item": {…}}}`. Most specific first.
const ENVELOPES: &[&str] = &[
    "data.item.",
    "data.ticket.",
    "payload.ticket.",
    "ticket.",
    "helpdesk_ticket.",
    "data.object.",
    "data.",
    "payload.",
    "object.",
];

/// Whether `key` is a spelling of `field` (its own name or an alias).
fn names_field(key: &str, field: Field) -> bool {
    let norm = [normalize_header(key)];
    field.own_names().contains(&key)
        || match_alias(&norm, field.aliases(), &[false]).is_some()
        || match_alias(&norm, field.json_aliases(), &[false]).is_some()
}

/// The envelope whose object holds a ticket (an id key, and a creation
/// time or a status: `ticket.id` with `ticket.created_at`), when the
/// records' own top-level keys hold none (an event's `timestamp`, `id`
/// and `event` are the envelope's). Its keys are the ticket's and are
/// matched before the envelope's. A ticket record that merely holds a
/// nested object with an id (Intercom's linked `ticket`, an associated
/// `object`, a custom `data` blob) has its own creation time or status at
/// the top, and is no envelope. Returns each header under the envelope
/// without the prefix (others empty).
fn envelope_keys(headers: &[String]) -> Option<Vec<String>> {
    let top_is_ticket = headers.iter().filter(|h| !h.contains('.')).any(|h| {
        names_field(h, Field::Status) || (names_field(h, Field::CreatedAt) && !is_event_time(h))
    });
    if top_is_ticket {
        return None;
    }
    let prefix = ENVELOPES.iter().find(|p| {
        let inner: Vec<&str> = headers.iter().filter_map(|h| h.strip_prefix(**p)).collect();
        let has_id = ["id", "display_id", "ticket_id", "number", "key"]
            .iter()
            .any(|k| inner.contains(k));
        has_id
            && inner
                .iter()
                .any(|k| names_field(k, Field::CreatedAt) || names_field(k, Field::Status))
    })?;
    Some(
        headers
            .iter()
            .map(|h| h.strip_prefix(prefix).unwrap_or_default().to_string())
            .collect(),
    )
}

/// An event's own times at the top of a webhook envelope: when it was
/// sent, never when the ticket was created.
const EVENT_TIMES: [&str; 6] = [
    "timestamp",
    "time",
    "event_time",
    "occurred_at",
    "sent_at",
    "delivered_at",
];

/// Whether a top-level key is an envelope's event time.
fn is_event_time(header: &str) -> bool {
    !header.contains('.') && EVENT_TIMES.contains(&header.to_lowercase().as_str())
}

/// The fields a container's keys are matched for: text and labels, whose
/// values read the same in any API. Not durations (Jira's `timespent` is
/// seconds, not the minutes a bare "Time spent" means), scores (Kustomer's
/// `satisfaction` is 0 when unrated) or priorities (Kustomer numbers 5 as
/// urgent): those come only from [`Field::json_aliases`].
const CONTAINED: &[Field] = &[
    Field::CreatedAt,
    Field::CustomerId,
    Field::Status,
    Field::ResolutionCode,
    Field::Channel,
    Field::Agent,
    Field::Team,
    Field::Subject,
    Field::Body,
    Field::Tags,
];

/// The first JSON alias path (`fields.resolution.name`) one of whose
/// parents (`fields.resolution`) is among `null_keys`: a nested object that
/// was null (or empty) in every sampled record, as it is on the newest
/// tickets of a page (unresolved, unassigned, unrated), and holds the
/// field's value in later ones. A parent that held anything else (Zendesk's
/// `fields` list, Freshdesk's numeric `source`) is not that object.
fn under_null_parent<'a>(null_keys: &[String], aliases: &[&'a str]) -> Option<&'a str> {
    aliases.iter().copied().find(|a| {
        a.match_indices('.')
            .any(|(i, _)| null_keys.iter().any(|h| h == &a[..i]))
    })
}

/// Jira's CSV export (an `Issue key` column) writes its time tracking
/// (`Time Spent`) in seconds, where a bare "Time spent" elsewhere means
/// minutes.
fn jira_time_spent(norm_headers: &[String], header: &str) -> bool {
    norm_headers.iter().any(|h| h == "issuekey")
        && normalize_header(header) == "timespent"
        && Unit::from_header(header).is_none()
}

/// The unclaimed column that holds the other half of the timestamp field
/// `field` read from column `idx`, when an export splits date and time of
/// day (`Date Created` and `Time Created`, `Close Date` and `Close Time`):
/// the one whose header is the mapped one's with `date` read as `time`, or
/// `time` as `date` (`Created time`, a Freshdesk spelling of the whole
/// timestamp, beside `Created date`); with whether it is the date. The
/// cells are joined only where the date cell has no time of day and the
/// other is a clock ([`join_date_and_clock`]).
fn clock_column(
    field: Field,
    norm: &[String],
    idx: usize,
    taken: &[bool],
) -> Option<(usize, bool)> {
    if !matches!(
        field,
        Field::CreatedAt | Field::FirstResponse | Field::Resolved | Field::EscalatedAt
    ) {
        return None;
    }
    let mapped = norm.get(idx)?;
    let (date, clock, date_first) = match (mapped.contains("date"), mapped.contains("time")) {
        (true, false) => (mapped.clone(), mapped.replacen("date", "time", 1), false),
        (false, true) => (mapped.replacen("time", "date", 1), mapped.clone(), true),
        _ => return None,
    };
    let other = if date_first { &date } else { &clock };
    // `Resolution time`, `First response time` are durations, not clocks.
    if ["resolution", "response", "handle", "spent", "work"]
        .iter()
        .any(|d| clock.contains(d))
    {
        return None;
    }
    norm.iter()
        .enumerate()
        .position(|(j, h)| !taken[j] && h == other)
        .map(|j| (j, date_first))
}

/// A timestamp field's cell from its columns' cells (non-blank, in column
/// order): a date without a time of day and a clock after it (`2024-03-15`,
/// `09:00`) are joined, a date beside a whole timestamp is the timestamp,
/// a clock alone is blank; otherwise the first cell (repeated columns).
pub(crate) fn join_date_and_clock(cells: &[&str]) -> String {
    match cells {
        [date, clock, ..] if !date.contains(':') && is_clock(clock) => format!("{date} {clock}"),
        // A whole timestamp beats a bare date.
        [date, whole, ..]
            if !date.contains(':') && whole.contains(':') && whole.contains(['-', '/', '.']) =>
        {
            whole.to_string()
        }
        // A time of day without its date (the date cell blank) is no time.
        [clock] if is_clock(clock) => String::new(),
        [first, ..] => first.to_string(),
        [] => String::new(),
    }
}

/// `9:00`, `09:00:00.000`, `9:00 AM`: a time of day alone.
fn is_clock(s: &str) -> bool {
    let t = s.trim();
    let t = t
        .strip_suffix("AM")
        .or_else(|| t.strip_suffix("PM"))
        .or_else(|| t.strip_suffix("am"))
        .or_else(|| t.strip_suffix("pm"))
        .unwrap_or(t)
        .trim_end();
    let mut parts = t.split(':');
    let (Some(h), Some(m)) = (parts.next(), parts.next()) else {
        return false;
    };
    let digits = |p: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit())
    };
    let seconds_ok = parts.next().is_none_or(|sec| {
        let whole = sec.split(['.', ',']).next().unwrap_or("");
        digits(whole, 2..=2)
    });
    let below = |p: &str, top: u32| p.parse::<u32>().is_ok_and(|x| x < top);
    digits(h, 1..=2)
        && digits(m, 2..=2)
        && seconds_ok
        && parts.next().is_none()
        && below(h, 24)
        && below(m, 60)
}

/// A header without a trailing `(…)` or `[…]` group; the header itself when
/// there is none (or nothing before it).
fn without_qualifier(h: &str) -> &str {
    let t = h.trim_end();
    let open = match t.chars().last() {
        Some(')') => '(',
        Some(']') => '[',
        _ => return h,
    };
    match t.rfind(open) {
        Some(i) if !t[..i].trim().is_empty() => t[..i].trim_end(),
        _ => h,
    }
}

/// Jira's REST issues carry an internal numeric `id` and the issue `key`
/// people know and search for (`SUP-123`, what Jira's CSV calls "Issue
/// key"): in a record shaped like one (`self`, `key` and a `fields.`
/// container) the key is the ticket id.
fn jira_issue_key(headers: &[String], taken: &[bool]) -> Option<usize> {
    if !headers.iter().any(|h| h.starts_with("fields.")) || !headers.iter().any(|h| h == "self") {
        return None;
    }
    headers
        .iter()
        .position(|h| h == "key")
        .filter(|&i| !taken[i])
}

/// Build the mapping. Returns it and the extra JSONL keys it reads by name.
///
/// Order: `--map` first (always wins, and its columns are not auto-claimed
/// by another field), then `--text-column`, then aliases for the rest.
pub(crate) fn resolve(
    headers: &[String],
    req: &MappingRequest<'_>,
) -> Result<(ColumnMapping, Vec<String>)> {
    let mut taken = vec![false; headers.len()];
    let mut extra: Vec<String> = Vec::new();
    let mut by_map: Vec<(Field, usize, String)> = Vec::new();

    for (fname, col) in req.map {
        let field = Field::parse(fname).ok_or_else(|| {
            let known: Vec<&str> = Field::ALL.iter().map(|f| f.as_str()).collect();
            Error::option(
                Setting::Map,
                format!("unknown field `{fname}`; fields are: {}", known.join(" ")),
            )
        })?;
        let idx = match find_column(headers, col) {
            Some(i) => {
                for j in repeated(headers, i) {
                    taken[j] = true;
                }
                i
            }
            None if req.allow_extra && is_object_path(headers, col) => {
                return Err(object_path_error(field, col, req.label, headers));
            }
            None if req.allow_extra && !col.trim().is_empty() => {
                let pos = extra.iter().position(|k| k == col).unwrap_or_else(|| {
                    extra.push(col.clone());
                    extra.len() - 1
                });
                headers.len() + pos
            }
            None => return Err(column_not_found(Setting::Map, col, req.label, headers)),
        };
        by_map.retain(|(f, _, _)| *f != field);
        let name = if idx < headers.len() {
            headers[idx].clone()
        } else {
            col.clone()
        };
        by_map.push((field, idx, name));
    }

    let mut text_columns = Vec::new();
    for col in req.text_columns {
        let idx = find_column(headers, col)
            .ok_or_else(|| column_not_found(Setting::TextColumn, col, req.label, headers))?;
        taken[idx] = true;
        text_columns.push((idx, headers[idx].clone()));
    }

    let norm: Vec<String> = headers.iter().map(|h| normalize_header(h)).collect();
    // A JSON record's own id is a top-level key: a nested `ticket.id`
    // (an Intercom conversation's linked ticket) or `conversation.id` is
    // another object's, though its name says "ticket id". Other fields
    // are read from nested objects by name (`customer.id`, `via.channel`).
    let norm_top: Vec<String> = norm
        .iter()
        .zip(headers)
        .map(|(n, h)| {
            if req.allow_extra && h.contains('.') {
                String::new()
            } else {
                n.clone()
            }
        })
        .collect();
    // Headers without a trailing qualifier (`Created (UTC)`, HubSpot's
    // `Time to first agent reply (HH:mm:ss)`), matched last; a unit in it
    // is still read from the whole header.
    let norm_bare: Vec<String> = headers
        .iter()
        .map(|h| normalize_header(without_qualifier(h)))
        .collect();
    // JSON records that keep their fields in one container object: their
    // keys inside it, matched like headers after every top-level key.
    let inner: Vec<String> = headers
        .iter()
        .map(|h| {
            let inner = CONTAINERS.iter().find_map(|c| h.strip_prefix(c));
            inner
                .filter(|_| req.allow_extra)
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    let norm_inner: Vec<String> = inner.iter().map(|h| normalize_header(h)).collect();
    let enveloped = envelope_keys(headers).filter(|_| req.allow_extra);
    // The event's delivery time is no field of the ticket: a ticket object
    // without a creation time is a missing column, not one created when
    // the webhook fired.
    // Only in a webhook's envelope, which names its event.
    let event = headers.iter().any(|h| {
        matches!(
            h.to_ascii_lowercase().as_str(),
            "event" | "event_type" | "type" | "topic" | "action" | "trigger" | "webhook_id"
        )
    });
    if enveloped.is_some() && event {
        for (i, h) in headers.iter().enumerate() {
            taken[i] |= is_event_time(h);
        }
    }
    // Jira Service Management's SLA columns in a Jira export (an `Issue
    // key` column): `Time to first response` and `Time to resolution` hold
    // the time *left* against the SLA's goal (`3h 30m`, negative once
    // breached), not the time the ticket took. Not mapped (`--map` still
    // can).
    if norm.iter().any(|h| h == "issuekey") {
        for (i, n) in norm.iter().enumerate() {
            taken[i] |= matches!(n.as_str(), "timetofirstresponse" | "timetoresolution");
        }
    }
    let norm_enveloped: Option<Vec<String>> = enveloped
        .as_ref()
        .map(|keys| keys.iter().map(|h| normalize_header(h)).collect());
    let in_envelope = |field: Field, taken: &[bool]| {
        let (keys, norm) = (enveloped.as_ref()?, norm_enveloped.as_ref()?);
        // Freshdesk v1's ticket number is its `display_id`.
        let display_id = (field == Field::TicketId)
            .then(|| (0..keys.len()).find(|&i| !taken[i] && keys[i] == "display_id"))
            .flatten();
        display_id
            .or_else(|| match_own_name(keys, field, taken))
            .or_else(|| match_alias(norm, field.json_aliases(), taken))
            .or_else(|| match_alias(norm, field.aliases(), taken))
            .or_else(|| match_unit_suffixed(keys, field, taken))
    };
    let mut columns = Vec::new();
    for field in Field::ALL {
        if !text_columns.is_empty() && matches!(field, Field::Subject | Field::Body) {
            continue;
        }
        let (idx, name, how) = if let Some((_, i, n)) = by_map.iter().find(|(f, _, _)| *f == field)
        {
            (*i, n.clone(), MatchedBy::Mapping)
        } else if let Some(i) = in_envelope(field, &taken)
            .or_else(|| match_own_name(headers, field, &taken))
            .or_else(|| {
                (field == Field::TicketId && req.allow_extra)
                    .then(|| jira_issue_key(headers, &taken))
                    .flatten()
            })
            .or_else(|| match_alias(&norm, field.json_aliases(), &taken))
            .or_else(|| {
                (field == Field::TicketId)
                    .then(|| match_alias(&norm_top, field.aliases(), &taken))
                    .flatten()
            })
            .or_else(|| match_alias(&norm, field.aliases(), &taken))
            .or_else(|| match_unit_suffixed(headers, field, &taken))
            .or_else(|| match_alias(&norm_bare, field.aliases(), &taken))
        {
            taken[i] = true;
            (i, headers[i].clone(), MatchedBy::Header)
        } else if let Some(path) = req
            .allow_extra
            .then(|| under_null_parent(req.null_keys, field.json_aliases()))
            .flatten()
        {
            // Read by name: the object holding it was null in every
            // sampled record (Jira's `fields.resolution` on open issues).
            // Before the container keys: `fields.resolution` itself would
            // match `resolution` there, and hold an object later.
            let pos = extra.iter().position(|k| k == path).unwrap_or_else(|| {
                extra.push(path.to_string());
                extra.len() - 1
            });
            (headers.len() + pos, path.to_string(), MatchedBy::Header)
        } else if let Some(i) = CONTAINED
            .contains(&field)
            .then(|| {
                match_own_name(&inner, field, &taken)
                    .or_else(|| match_alias(&norm_inner, field.aliases(), &taken))
            })
            .flatten()
        {
            taken[i] = true;
            (i, headers[i].clone(), MatchedBy::Header)
        } else {
            continue;
        };
        let mut sources = if idx < headers.len() {
            let same = repeated(headers, idx);
            for &j in &same {
                taken[j] = true;
            }
            same
        } else {
            Vec::new()
        };
        if let Some((j, date_first)) = clock_column(field, &norm, idx, &taken) {
            // `Date Created` beside `Time Created`: one cell, "date time".
            taken[j] = true;
            if date_first {
                sources.insert(0, j);
            } else {
                sources.push(j);
            }
        }
        let scale = if field == Field::HandleTime && jira_time_spent(&norm, &name) {
            Unit::Seconds.minutes() / field_unit(field).minutes()
        } else {
            duration_scale(field, &name)
        };
        columns.push(MappedColumn {
            field,
            index: idx,
            column: name,
            how,
            scale,
            sources,
        });
    }
    // Repeated columns are combined into one cell appended after the input's
    // cells (and after JSONL keys read by name).
    let first = headers.len() + extra.len();
    for (index, c) in (first..).zip(columns.iter_mut().filter(|c| c.sources.len() > 1)) {
        c.index = index;
    }
    let mapping = ColumnMapping {
        columns,
        text_columns,
        headers: headers.to_vec(),
    };

    if req.require_text && !mapping.has(Field::Subject) && !mapping.has(Field::Body) {
        return Err(IngestError::MissingColumn {
            path: req.label.to_string(),
            field: "body".into(),
            tried: format!(
                "{} (or use {})",
                tried(&[Field::Subject, Field::Body]),
                Setting::TextColumn
            ),
        }
        .into());
    }
    if req.require_created_at && !mapping.has(Field::CreatedAt) {
        return Err(IngestError::MissingColumn {
            path: req.label.to_string(),
            field: Field::CreatedAt.as_str().into(),
            tried: tried(&[Field::CreatedAt]),
        }
        .into());
    }
    Ok((mapping, extra))
}

/// Every column whose header is the same as column `idx`'s (trimmed,
/// case-insensitive), in order: Jira repeats `Labels` and `Comment`.
fn repeated(headers: &[String], idx: usize) -> Vec<usize> {
    let name = headers[idx].trim();
    headers
        .iter()
        .enumerate()
        .filter(|(_, h)| h.trim().eq_ignore_ascii_case(name))
        .map(|(j, _)| j)
        .collect()
}

/// True when `path` names a nested JSON object: flattened keys below it exist.
fn is_object_path(headers: &[String], path: &str) -> bool {
    let prefix = format!("{}.", path.trim());
    prefix.len() > 1 && headers.iter().any(|h| h.starts_with(&prefix))
}

/// `--map FIELD=PATH` where PATH is an object: name its leaves.
fn object_path_error(field: Field, path: &str, label: &str, headers: &[String]) -> Error {
    let prefix = format!("{}.", path.trim());
    let leaves: Vec<&str> = headers
        .iter()
        .filter(|h| h.starts_with(&prefix))
        .take(8)
        .map(String::as_str)
        .collect();
    Error::option(
        Setting::Map,
        format!(
            "'{}' is a nested object in {label}, not a value; map one of its fields with a dotted path, e.g. {} {field}={} (its fields: {})",
            path.trim(),
            Setting::Map,
            leaves[0],
            leaves.join(", ")
        ),
    )
}

pub(crate) fn column_not_found(
    option: Setting,
    col: &str,
    label: &str,
    headers: &[String],
) -> Error {
    const SHOW: usize = 40;
    let mut cols: Vec<String> = headers
        .iter()
        .take(SHOW)
        .map(|h| format!("\"{h}\""))
        .collect();
    if headers.len() > SHOW {
        cols.push(format!("… ({} more)", headers.len() - SHOW));
    }
    Error::option(
        option,
        format!(
            "column `{col}` not found in {label}; columns are: {}",
            cols.join(", ")
        ),
    )
}

/// How a field found its column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchedBy {
    /// The user mapped it ([`Setting::Map`]).
    Mapping,
    /// Its header is the field's name or a known alias.
    Header,
}

impl std::fmt::Display for MatchedBy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MatchedBy::Mapping => Setting::Map.fmt(f),
            MatchedBy::Header => f.write_str("auto"),
        }
    }
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
    /// Whether the user mapped the column or its header was recognised.
    pub how: MatchedBy,
    /// Multiplier from the column's numbers to the field's unit (minutes for
    /// first response, hours for resolution), derived from the header.
    pub scale: f64,
    /// The input columns read: one normally; several when the header repeats
    /// the name (Jira's `Labels`×3), combined into one cell at `index` (tags:
    /// the union; subject/body: the non-empty cells joined; other fields: the
    /// first non-empty cell); none for a JSON key read by name.
    pub sources: Vec<usize>,
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

    /// Fields read from repeated columns, by the index of their combined
    /// cell (ascending): `(index, field, source columns)`.
    pub(crate) fn merges(&self) -> Vec<(usize, Field, Vec<usize>)> {
        let mut m: Vec<_> = self
            .columns
            .iter()
            .filter(|c| c.sources.len() > 1)
            .map(|c| (c.index, c.field, c.sources.clone()))
            .collect();
        m.sort_by_key(|x| x.0);
        m
    }

    /// All mapped fields, in [`Field::ALL`] order.
    pub fn columns(&self) -> &[MappedColumn] {
        &self.columns
    }

    /// Indices of the input columns no field and no `--text-column`
    /// reads, in input order (kept as they are in enriched outputs).
    pub fn unused_columns(&self) -> Vec<usize> {
        let used: std::collections::HashSet<usize> = self
            .columns
            .iter()
            .flat_map(|c| c.sources.iter().copied())
            .chain(self.text_columns.iter().map(|(i, _)| *i))
            .collect();
        (0..self.headers.len())
            .filter(|i| !used.contains(i))
            .collect()
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
                    writeln!(
                        f,
                        "{:<16} {:<40} {}",
                        "text",
                        names.join(" + "),
                        Setting::TextColumn
                    )?;
                }
                continue;
            }
            match self.get(field) {
                Some(c) => {
                    let mut how = c.how.to_string();
                    if c.sources.is_empty() {
                        how.push_str(" (key not in the first objects; read by name)");
                    } else if c.sources.len() > 1 {
                        how.push_str(&format!(
                            " ({} columns of that name, combined)",
                            c.sources.len()
                        ));
                    }
                    if field.is_duration() && c.scale != 1.0 {
                        let unit = field_unit(field).as_str();
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
        let unused: Vec<String> = self
            .unused_columns()
            .into_iter()
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
    if x != 0.0 && x.abs() < 1e-3 {
        // Milliseconds → hours is 1/3,600,000: say it as a division.
        return format!("1/{}", trim_float(1.0 / x));
    }
    let s = format!("{x:.6}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The field's own unit: first response is stored in minutes, resolution in hours.
pub(crate) fn field_unit(field: Field) -> Unit {
    if field == Field::Resolved {
        Unit::Hours
    } else {
        Unit::Minutes
    }
}

/// The unit of a duration column's plain numbers: the one its header names
/// (see [`Unit::from_header`]), else the field's own unit.
pub(crate) fn column_unit(field: Field, header: &str) -> Unit {
    Unit::from_header(header).unwrap_or(field_unit(field))
}

/// The unit multiplier for a first-response, resolution or handle-time
/// column, from its header.
///
/// First response and handle time are stored in minutes (default unit when the header names
/// none), resolution in hours (same). Units in headers: `(in hrs)`, `in
/// hours`, `in minutes`, `_sec`, `(ms)`, `days`, … ([`Unit::from_header`]);
/// an explicit `in <unit>` wins over a unit word elsewhere (`First reply
/// time in minutes within business hours` is minutes).
pub(crate) fn duration_scale(field: Field, header: &str) -> f64 {
    if !field.is_duration() {
        return 1.0;
    }
    column_unit(field, header).minutes() / field_unit(field).minutes()
}

/// Apply `--unit FIELD=UNIT` overrides to the mapped duration columns.
///
/// Returns the unit of each overridden field. Errors: a field other than
/// first_response/resolved/handle_time, an unknown unit, or a field with no column.
pub(crate) fn apply_units(
    mapping: &mut ColumnMapping,
    units: &[(String, String)],
) -> Result<Vec<(Field, Unit)>> {
    let mut out = Vec::new();
    for (fname, uname) in units {
        let field = Field::parse(fname)
            .filter(|f| f.is_duration())
            .ok_or_else(|| {
                Error::option(
                    Setting::Unit,
                    format!(
                        "`{fname}` is not a duration field; fields are: first_response resolved handle_time"
                    ),
                )
            })?;
        let unit = Unit::parse(uname).ok_or_else(|| {
            let all: Vec<&str> = Unit::ALL.iter().map(|u| u.as_str()).collect();
            Error::option(
                Setting::Unit,
                format!("unknown unit `{uname}`; units are: {}", all.join(" ")),
            )
        })?;
        let col = mapping
            .columns
            .iter_mut()
            .find(|c| c.field == field)
            .ok_or_else(|| {
                Error::option(
                    Setting::Unit,
                    format!(
                        "field `{field}` has no column; map one with {} {field}=COLUMN",
                        Setting::Map
                    ),
                )
            })?;
        col.scale = unit.minutes() / field_unit(field).minutes();
        out.retain(|(f, _)| *f != field);
        out.push((field, unit));
    }
    Ok(out)
}

/// First unclaimed column named exactly as the field itself is in `--map`
/// and in ticketlens' own tables (`resolved_at`, `first_response_minutes`,
/// `csat` …: [`Field::own_names`]). It wins over every other spelling:
/// a table ticketlens wrote (Python's `read_export`) keeps the export's
/// unused columns beside the typed fields, and a leftover such as Zendesk's
/// `metric_set.full_resolution_time_in_minutes.calendar` must not take the
/// field back from `resolved_at` when the table is read again.
fn match_own_name(headers: &[String], field: Field, taken: &[bool]) -> Option<usize> {
    field
        .own_names()
        .iter()
        .find_map(|n| (0..headers.len()).find(|&i| !taken[i] && headers[i] == *n))
}
