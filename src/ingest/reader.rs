//! [`TicketReader`]: the streaming iterator the pipeline consumes.

use super::convert::{column_value, ColumnPlans, Converter};
use super::durations::{parse_number, two_part_clock, NumberStyle, Unit};
use super::fields::{find_column, normalize_header, Field};
use super::infer::{
    assumed_unit, check_durations, check_future, handle_clock_reading, infer_time_columns,
    ColumnSample, SAMPLE_ROWS,
};
use super::mapping::{
    apply_units, column_not_found, column_unit, field_unit, resolve, ColumnMapping, MappingRequest,
};
use super::source::{encode_cells, Item, RecordSource};
use super::time::check_format;
use super::values::{
    is_blank, is_no_time, is_placeholder_date, parse_tags, parse_time_or_span, TimeOrSpan,
};
use super::versions::{updated_column, IdLines, LastRows, RecordAt, RepeatedIds, RowShape};
use super::{IngestOptions, IngestStats, InputSource, Reject, Row};
use crate::error::{Error, IngestError, Result, Setting};
use chrono::{DateTime, Utc};
use std::collections::VecDeque;
use std::hash::{BuildHasher, Hash, Hasher};

/// The time fields whose format is inferred per column.
const TIME_FIELDS: [Field; 4] = [
    Field::CreatedAt,
    Field::FirstResponse,
    Field::Resolved,
    Field::EscalatedAt,
];

/// Reads one record at a time and yields typed tickets or rejects.
///
/// On opening, it reads a sample of up to 10,000 records ahead and decides
/// each time column's format from it (day/month order, Excel serials,
/// decimal commas; see `docs/ingest.md`), then yields the sample and the
/// rest of the input in order, parsing every value with its column's plan.
/// Memory is bounded by the sample and the longest record, whatever the
/// file size. The iterator yields `Err` only for fatal I/O errors, after
/// which it ends.
pub struct TicketReader {
    source: RecordSource,
    converter: Converter,
    stats: IngestStats,
    /// Data-quality notices about the input as a whole (e.g. a date column
    /// whose day/month order was assumed), for the summary and `run.json`.
    warnings: Vec<String>,
    done: bool,
    /// Records read ahead for inference, yielded first (with their JSONL line).
    ahead: VecDeque<(Result<Item>, Option<String>)>,
    /// The JSONL line of the record just yielded from `ahead`.
    current_line: Option<String>,
    /// The ids listed more than once and the line of each one's last row,
    /// from a first pass over the input (`None`: no id repeats, or
    /// standard input, which cannot be read twice).
    last_rows: Option<LastRows>,
    /// Records read so far (their position, for [`LastRows`]).
    records: u64,
    /// Ticket ids read so far, for the warning when no first pass was
    /// possible.
    ids: RepeatedIds,
    /// Tickets answered or resolved before they were created.
    spans: NegativeSpans,
    /// CSAT answers read, and the highest.
    csat: (u64, f64),
    /// Placeholder dates read as blank, per time field.
    placeholders: PlaceholderDates,
    /// Status values no state is known for.
    statuses: UnknownStatuses,
    /// Label spellings, so that `sam park` is `Sam Park`.
    labels: super::labels::LabelSpellings,
}

/// Status values that say neither open, resolved nor closed without a fix
/// ([`crate::ticket::TicketState::of_status`]): such a ticket's state falls back
/// to its resolution time (resolved with one, else open), so a status
/// vocabulary the tool does not know (another language, a custom workflow)
/// would quietly move finished tickets into the backlog. The reader names
/// the values and how many tickets hold them.
#[derive(Default)]
struct UnknownStatuses {
    /// Value → tickets, at most [`UnknownStatuses::MAX`] distinct values.
    values: std::collections::HashMap<String, u64>,
    /// Values already found to name a state, at most
    /// [`UnknownStatuses::MAX`]: a status column holds a handful of values,
    /// so most rows skip `of_status` (a lower-cased copy and a word split).
    known: std::collections::HashSet<String>,
    tickets: u64,
}

impl UnknownStatuses {
    /// Distinct values remembered (a free-text column must not grow this).
    const MAX: usize = 50;
    /// Values named in the warning.
    const SHOWN: usize = 5;

    fn add(&mut self, status: Option<&str>) {
        let Some(s) = status.map(str::trim).filter(|s| !s.is_empty()) else {
            return;
        };
        if self.known.contains(s) {
            return;
        }
        if let Some(n) = self.values.get_mut(s) {
            *n += 1;
            self.tickets += 1;
            return;
        }
        if crate::ticket::TicketState::of_status(s).is_some() {
            if self.known.len() < Self::MAX {
                self.known.insert(s.to_string());
            }
            return;
        }
        self.tickets += 1;
        if self.values.len() < Self::MAX {
            self.values.insert(s.to_string(), 1);
        }
    }

    fn warning(&self, column: Option<&str>) -> Option<String> {
        if self.tickets == 0 {
            return None;
        }
        let mut v: Vec<(&String, &u64)> = self.values.iter().collect();
        v.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
        let mut listed: Vec<String> = v
            .iter()
            .take(Self::SHOWN)
            .map(|(s, n)| format!("'{}' ({n})", super::values::show(s)))
            .collect();
        if v.len() > Self::SHOWN {
            listed.push("…".to_string());
        }
        Some(format!(
            "{} ticket(s) have a status that says neither open nor closed{}: {}; their state comes from the resolution time (resolved with one, else open), so check the backlog and resolution figures",
            self.tickets,
            column.map(|c| format!(" in column '{c}'")).unwrap_or_default(),
            listed.join(", ")
        ))
    }
}

/// Placeholder dates (`1900-01-01`, `0000-00-00`, `9999-12-31`) in the
/// first response, resolution and escalation columns, read as blank
/// ([`super::values::is_placeholder_date`]): a ticket "resolved" in 1900 is
/// an open one, so the reader says how many it read that way.
#[derive(Default)]
struct PlaceholderDates {
    /// Per field: values, and the first one's line and text.
    fields: Vec<(Field, u64, u64, String)>,
}

impl PlaceholderDates {
    /// Look at a record's time cells (created_at's are rejects, counted
    /// there); a `0` in a column of timestamps is one too.
    fn add(&mut self, mapping: &ColumnMapping, plans: &ColumnPlans, values: &[String], line: u64) {
        for f in [Field::FirstResponse, Field::Resolved, Field::EscalatedAt] {
            let Some(c) = mapping.get(f) else { continue };
            let v = column_value(values, c);
            if !is_no_time(plans.time(f), v) {
                continue;
            }
            match self.fields.iter_mut().find(|(g, ..)| *g == f) {
                Some(slot) => slot.1 += 1,
                None => self.fields.push((f, 1, line, v.trim().to_string())),
            }
        }
    }

    /// One warning per field that held any.
    fn warnings(&self, mapping: &ColumnMapping) -> Vec<String> {
        self.fields
            .iter()
            .map(|(f, n, line, v)| {
                let column = mapping.get(*f).map_or("", |c| c.column.as_str());
                format!(
                    "{n} value(s) in column '{column}' ({f}) are a placeholder date that databases write for \"no date\" (first at line {line}: '{}'): read as blank, so those tickets have no {f} time{}",
                    super::values::show(v),
                    if *f == Field::Resolved { " and count as open unless their status says otherwise" } else { "" }
                )
            })
            .collect()
    }
}

/// CSAT answers needed before "none is above 3" suggests a 1–3 scale.
const CSAT_SCALE_ANSWERS: u64 = 20;

/// The warning when a CSAT column holds many answers and none above 3: a
/// 1–3 survey (three faces) read on the 1–5 scale, where only 4 and 5
/// count as satisfied, would report a CSAT of 0 % without a word.
fn csat_scale_warning((answers, max): (u64, f64), column: Option<&str>) -> Option<String> {
    (answers >= CSAT_SCALE_ANSWERS && max <= 3.0).then(|| {
        let column = column.map(|c| format!(" (column '{c}')")).unwrap_or_default();
        format!(
            "all {answers} CSAT answers{column} are 3 or less: CSAT counts 4–5 of 5 as satisfied, so a survey on a 1–3 scale reads as 0 % satisfied; pass {} 3 if it is (1, 2, 3 are then read as 1, 3, 5)",
            Setting::CsatScale
        )
    })
}

/// Tickets whose first response or resolution comes before their creation.
/// KPIs leave such a span out of the time figures (it is a data error, not
/// a fast answer), so a column read wrongly (minutes holding milliseconds
/// read as 2011 timestamps, two columns in different time zones) would
/// otherwise just thin the medians without a word: the reader counts them
/// per field and warns once the input is read. A date without a time on
/// the day of creation (a `Resolved` date column, read as midnight) is
/// counted apart, with its own cause in the warning.
#[derive(Default)]
struct NegativeSpans {
    /// Per field (first response, resolution): tickets, and the first one's
    /// line, creation and end as written in the message.
    fields: [(u64, Option<(u64, String)>); 2],
    /// Per field: tickets whose end is midnight of their creation day, and
    /// the first one's line.
    same_day_dates: [(u64, Option<u64>); 2],
}

impl NegativeSpans {
    /// Record an accepted ticket; `tz` is the zone naive times were read in.
    fn add(&mut self, t: &crate::Ticket, line: u64, tz: chrono_tz::Tz) {
        // `Some(None)`: a date on the creation day; `Some(Some(what))`: any
        // other span before creation.
        let before = |span: Option<f64>,
                      at: Option<DateTime<Utc>>,
                      what: &str,
                      unit: &str|
         -> Option<Option<String>> {
            match span {
                Some(v) => (v < 0.0).then(|| Some(format!("{what} after {v} {unit}"))),
                None => at.filter(|at| *at < t.created_at).map(|at| {
                    let (end, start) = (at.with_timezone(&tz), t.created_at.with_timezone(&tz));
                    let midnight = end.time() == chrono::NaiveTime::MIN;
                    (!midnight || end.date_naive() != start.date_naive()).then(|| {
                        format!(
                            "created {}, {what} {}",
                            t.created_at.to_rfc3339(),
                            at.to_rfc3339()
                        )
                    })
                }),
            }
        };
        let found = [
            before(
                t.first_response_minutes,
                t.first_response_at,
                "answered",
                "min",
            ),
            before(t.resolution_hours, t.resolved_at, "resolved", "h"),
        ];
        let slots = self.fields.iter_mut().zip(&mut self.same_day_dates);
        for ((slot, dates), f) in slots.zip(found) {
            match f {
                Some(Some(what)) => {
                    slot.0 += 1;
                    slot.1.get_or_insert((line, what));
                }
                Some(None) => {
                    dates.0 += 1;
                    dates.1.get_or_insert(line);
                }
                None => {}
            }
        }
    }

    /// The warnings (per field, at most one of each kind); `columns` names
    /// the columns read for first response and resolution.
    fn warnings(&self, columns: [Option<&str>; 2]) -> Vec<String> {
        let names = ["first response", "resolution"];
        let mut out = Vec::new();
        for (i, (name, column)) in names.into_iter().zip(columns).enumerate() {
            let column = column
                .map(|c| format!(" (column '{c}')"))
                .unwrap_or_default();
            if let (n, Some((line, what))) = &self.fields[i] {
                out.push(format!(
                    "{n} ticket(s) have a {name}{column} before their creation (first at line {line}: {what}): left out of the {name} time; if this is most tickets, the column is misread (a duration read as a timestamp: give its unit with {}; or its time zone differs from the creation time's)",
                    Setting::Unit
                ));
            }
            if let (n, Some(line)) = &self.same_day_dates[i] {
                out.push(format!(
                    "{n} ticket(s) have a {name}{column} on the day they were created, written as a date without a time (first at line {line}): read as midnight, it comes before the creation time, so these are left out of the {name} time; map a column with times if the export has one"
                ));
            }
        }
        out
    }
}

impl std::fmt::Debug for TicketReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TicketReader")
            .field("input", &self.source.label())
            .field("headers", &self.source.headers())
            .field("stats", &self.stats)
            .finish()
    }
}

impl TicketReader {
    /// Open the input for reading; a file or in-memory input with an id
    /// column is read once ahead for the ids listed more than once
    /// ([`super::versions`]), whose earlier rows are then skipped.
    pub(crate) fn new(source: &InputSource, opts: &IngestOptions) -> Result<Self> {
        let mut reader = Self::open_once(source, opts)?;
        // A file read twice must be a regular file: a pipe given as a path
        // (`/dev/stdin`, `<(…)`) would lose what the first pass read.
        let rereadable = match source {
            InputSource::Path(p) => std::fs::metadata(p).is_ok_and(|m| m.is_file()),
            InputSource::Memory { .. } => true,
            InputSource::Stdin => false,
        };
        if rereadable && reader.converter.mapping.has(Field::TicketId) {
            reader.ids.first_pass = true;
            let quiet = IngestOptions {
                on_mapping: None,
                ..opts.clone()
            };
            reader.last_rows = Self::open_once(source, &quiet)
                .ok()
                .and_then(Self::last_rows);
        }
        Ok(reader)
    }

    /// The first pass: every record's id, creation cell, update time and
    /// line, no other value converted. `None` when no ticket repeats or
    /// the input cannot be read to its end (the real read then reports the
    /// error).
    fn last_rows(self) -> Option<LastRows> {
        let TicketReader {
            mut source,
            converter,
            ahead,
            ..
        } = self;
        // The update time is read as the creation time's format is (the
        // same export writes both alike), else in any format.
        let updated = updated_column(source.headers())
            .filter(|&i| !converter.mapping.columns.iter().any(|c| c.index == i));
        let tz = converter.tz;
        let update_of = |values: &[String]| {
            let v = values.get(updated?)?.trim();
            let at = converter.plans.created.parse_at(v, tz).ok();
            at.or_else(|| super::time::parse_timestamp(v, tz))
                .map(|at| at.timestamp())
        };
        let update_name = updated.map(|i| source.headers()[i].clone());
        // With a tag column, what else each row holds: a report that
        // writes a ticket once per tag repeats every other cell.
        let tag_column = converter.mapping.get(Field::Tags).map(|c| c.index);
        let hasher = foldhash::fast::FixedState::default();
        let mut ids = IdLines::default();
        let mut ordinal = 0u64;
        let records = ahead
            .into_iter()
            .map(|(item, _)| item)
            .chain(std::iter::from_fn(move || source.next_item()));
        for item in records {
            match item {
                Ok(Item::Record(rec)) => {
                    let at = ordinal;
                    ordinal += 1;
                    if let Some(id) = converter.ticket_id(&rec.values) {
                        let created = converter.created_cell(&rec.values);
                        let shape = row_shape(&hasher, tag_column, &rec.values);
                        ids.add(id, created, update_of(&rec.values), at, shape);
                    }
                }
                Ok(Item::Reject(_)) => {}
                Err(_) => return None,
            }
        }
        ids.finish(update_name)
    }

    fn open_once(source: &InputSource, opts: &IngestOptions) -> Result<Self> {
        let mut source = RecordSource::open(
            source,
            opts.format,
            opts.delimiter,
            opts.encoding.as_deref(),
        )?;
        let req = MappingRequest {
            map: &opts.map,
            text_columns: &opts.text_columns,
            require_created_at: opts.require_created_at,
            require_text: opts.require_text,
            label: source.label(),
            allow_extra: source.is_jsonl(),
            null_keys: source.null_keys(),
        };
        let (mut mapping, extra) = resolve(source.headers(), &req)?;
        let units = apply_units(&mut mapping, &opts.units)?;
        source.configure(&mapping, extra);
        let customs = resolve_date_formats(
            &mapping,
            source.headers(),
            &opts.date_formats,
            source.label(),
        )?;
        if let Some(show) = opts.on_mapping {
            show(&mapping);
        }
        let mut ahead = VecDeque::new();
        while ahead.len() < SAMPLE_ROWS {
            let Some(item) = source.next_item() else {
                break;
            };
            let line = match &item {
                Ok(Item::Record(_)) => source.last_json_line(),
                _ => None,
            };
            let stop = item.is_err();
            ahead.push_back((item, line));
            if stop {
                break;
            }
        }
        let (plans, warnings) = plan_columns(
            &mapping,
            &ahead,
            opts,
            source.delimiter(),
            &customs,
            &units,
            source.label(),
        )?;
        let converter = Converter {
            mapping,
            tz: opts.timezone,
            require_created_at: opts.require_created_at,
            require_text: opts.require_text,
            n_headers: source.headers().len(),
            csat_scale: plans.csat_scale.unwrap_or(match opts.csat_scale {
                super::CsatScale::Auto => super::CsatScale::OneToFive,
                s => s,
            }),
            plans,
        };
        let warnings: Vec<String> = source.notices().iter().cloned().chain(warnings).collect();
        Ok(TicketReader {
            source,
            converter,
            stats: IngestStats::default(),
            warnings,
            done: false,
            ahead,
            current_line: None,
            last_rows: None,
            records: 0,
            ids: RepeatedIds::default(),
            spans: NegativeSpans::default(),
            placeholders: PlaceholderDates::default(),
            statuses: UnknownStatuses::default(),
            labels: Default::default(),
            csat: (0, f64::NEG_INFINITY),
        })
    }

    /// Input column names, in order (the CSV header or the first JSON object's keys).
    pub fn headers(&self) -> &[String] {
        self.source.headers()
    }

    /// How columns were mapped to fields (print it for `--explain-mapping`).
    pub fn mapping(&self) -> &ColumnMapping {
        &self.converter.mapping
    }

    /// The record just yielded, in the form every reject's `raw` takes:
    /// the JSONL line as read, or the CSV cells re-encoded with the input's
    /// delimiter (quoted where needed), so a fixed row can be pasted back.
    ///
    /// `cells` are that record's values (e.g. [`crate::Ticket::raw`]). Call
    /// it before the next `next()`: for JSONL it returns the current line.
    /// Later stages that reject a ticket (the classifier's "empty text after
    /// cleaning") use it so their rejects look like ingest's.
    pub fn raw_record(&self, cells: &[String]) -> String {
        let json = match &self.current_line {
            Some(l) => Some(l.clone()),
            None => self.source.last_json_line(),
        };
        match (json, self.source.delimiter()) {
            (Some(l), _) => l,
            (None, d) => {
                let n = cells.len().min(self.converter.n_headers);
                encode_cells(&cells[..n], d.unwrap_or(b','))
            }
        }
    }

    /// Data-quality warnings about the input as a whole (one line each,
    /// naming the column and the option that settles it).
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// Counts so far (final once the iterator is exhausted).
    pub fn stats(&self) -> IngestStats {
        self.stats
    }
}

impl Iterator for TicketReader {
    type Item = Result<Row>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let mut extra_tags = None;
        let item = loop {
            let next = match self.ahead.pop_front() {
                Some((item, line)) => {
                    self.current_line = line;
                    Some(item)
                }
                None => {
                    self.current_line = None;
                    self.source.next_item()
                }
            };
            // Another version of a ticket whose latest row is elsewhere is
            // skipped before its values are converted.
            if let (Some(Ok(Item::Record(rec))), Some(last)) = (&next, &mut self.last_rows) {
                let at = RecordAt {
                    ordinal: self.records,
                    line: rec.line,
                };
                self.records += 1;
                if let Some(id) = self.converter.ticket_id(&rec.values) {
                    let created = self.converter.created_cell(&rec.values);
                    if last.is_superseded(id, created, at) {
                        self.stats.superseded += 1;
                        continue;
                    }
                }
                extra_tags = last.take_extra_tags(at.ordinal);
            }
            break next;
        };
        let item = match item {
            None => {
                self.done = true;
                if let Some(last) = &self.last_rows {
                    self.warnings.extend(last.warning());
                }
                self.warnings.extend(self.ids.warning());
                self.warnings.extend(self.source.late_keys_warning());
                self.warnings.extend(self.source.unclosed_warning());
                self.warnings.extend(self.source.layout_warnings());
                let mapping = &self.converter.mapping;
                let column = |f| mapping.get(f).map(|c| c.column.as_str());
                let spans = self
                    .spans
                    .warnings([column(Field::FirstResponse), column(Field::Resolved)]);
                self.warnings.extend(spans);
                let placeholders = self.placeholders.warnings(&self.converter.mapping);
                self.warnings.extend(placeholders);
                self.warnings
                    .extend(self.statuses.warning(column(Field::Status)));
                self.warnings.extend(self.labels.warnings());
                if self.converter.csat_scale == super::CsatScale::OneToFive {
                    let csat = csat_scale_warning(self.csat, column(Field::Csat));
                    self.warnings.extend(csat);
                }
                return None;
            }
            Some(Err(e)) => {
                self.done = true;
                return Some(Err(e));
            }
            Some(Ok(item)) => item,
        };
        self.stats.read += 1;
        let row = match item {
            Item::Reject(r) => Row::Rejected(Reject {
                reason: one_line(r.reason),
                ..r
            }),
            Item::Record(rec) => {
                let line = rec.line;
                // Only ids from the id column count (a blank one is replaced
                // by the line number, which could equal another row's id).
                let keyed = self.converter.has_ticket_id(&rec.values);
                self.placeholders.add(
                    &self.converter.mapping,
                    &self.converter.plans,
                    &rec.values,
                    line,
                );
                match self.converter.convert(line, rec.values) {
                    Ok(mut t) => {
                        // The tags of the rows that repeat this one per tag.
                        for tag in extra_tags.iter().flatten().flat_map(|c| parse_tags(c)) {
                            if !t.tags.contains(&tag) {
                                t.tags.push(tag);
                            }
                        }
                        if keyed {
                            self.ids.add(&t.id, line);
                        }
                        self.labels.unify(&mut t);
                        self.spans.add(&t, line, self.converter.tz);
                        self.statuses.add(t.status.as_deref());
                        if let Some(c) = t.csat {
                            self.csat = (self.csat.0 + 1, self.csat.1.max(c));
                        }
                        Row::Ticket(t)
                    }
                    Err((reason, values)) => {
                        let raw = self.raw_record(&values);
                        let reason = one_line(reason);
                        Row::Rejected(Reject { line, reason, raw })
                    }
                }
            }
        };
        match &row {
            Row::Ticket(_) => self.stats.accepted += 1,
            Row::Rejected(_) => self.stats.rejected += 1,
        }
        Some(Ok(row))
    }
}

/// What a row holds besides its ticket key, with a tag column: a hash of
/// every other cell and the tag cell (see [`IdLines::add`]).
fn row_shape<'v>(
    hasher: &foldhash::fast::FixedState,
    tag_column: Option<usize>,
    values: &'v [String],
) -> Option<RowShape<'v>> {
    let i = tag_column?;
    let mut h = hasher.build_hasher();
    for (j, v) in values.iter().enumerate() {
        if j != i {
            v.hash(&mut h);
        }
    }
    Some(RowShape {
        rest: h.finish(),
        tags: values.get(i).map_or("", String::as_str),
    })
}

/// A reject reason as one line: a column name or value that holds a line
/// break or another control character (a quoted multi-line header cell) is
/// written escaped (`\n`), so rejects.csv and the summary keep one reason
/// per line.
fn one_line(reason: String) -> String {
    if !reason.contains(char::is_control) {
        return reason;
    }
    let mut out = String::with_capacity(reason.len() + 8);
    for c in reason.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// `--date-format COLUMN=FORMAT` → the time field each format applies to.
/// Errors: a bad strftime string, a column not in the input, or a column
/// that is not mapped to created_at, first_response, resolved or escalated_at.
fn resolve_date_formats(
    mapping: &ColumnMapping,
    headers: &[String],
    formats: &[(String, String)],
    label: &str,
) -> Result<Vec<(Field, String)>> {
    let mut out: Vec<(Field, String)> = Vec::new();
    for (col, fmt) in formats {
        check_format(fmt).map_err(|m| Error::option(Setting::DateFormat, m))?;
        let mapped: Vec<String> = TIME_FIELDS
            .iter()
            .filter_map(|f| mapping.get(*f).map(|c| c.column.clone()))
            .collect();
        let field = find_column(&mapped, col).and_then(|i| {
            TIME_FIELDS
                .into_iter()
                .find(|f| mapping.get(*f).is_some_and(|c| c.column == mapped[i]))
        });
        let field = match field {
            Some(f) => f,
            None if find_column(headers, col).is_some() => {
                return Err(Error::option(
                    Setting::DateFormat,
                    format!(
                        "column `{col}` is not read as a time (created_at, first_response, resolved or escalated_at); map it with {} created_at={col}",
                        Setting::Map
                    ),
                ))
            }
            None => return Err(column_not_found(Setting::DateFormat, col, label, headers)),
        };
        out.retain(|(f, _)| *f != field);
        out.push((field, fmt.clone()));
    }
    Ok(out)
}

/// Infer every typed column's plan from the records read ahead, collect the
/// warnings, and stop on an implausible reading (see `infer`).
fn plan_columns(
    mapping: &ColumnMapping,
    ahead: &VecDeque<(Result<Item>, Option<String>)>,
    opts: &IngestOptions,
    delimiter: Option<u8>,
    customs: &[(Field, String)],
    units: &[(Field, Unit)],
    label: &str,
) -> Result<(ColumnPlans, Vec<String>)> {
    let records: Vec<&[String]> = ahead
        .iter()
        .filter_map(|(item, _)| match item {
            Ok(Item::Record(r)) => Some(r.values.as_slice()),
            _ => None,
        })
        .collect();
    let samples: Vec<ColumnSample<'_>> = TIME_FIELDS
        .into_iter()
        .filter_map(|f| {
            let c = mapping.get(f)?;
            Some(ColumnSample {
                field: f,
                column: c.column.clone(),
                values: records
                    .iter()
                    .map(|v| column_value(v, c))
                    .filter(|v| !is_blank(v) && !is_placeholder_date(v))
                    .collect(),
                header_unit: Unit::from_header(&c.column).is_some()
                    || units.iter().any(|(u, _)| *u == f),
                scale: c.scale,
                custom: customs
                    .iter()
                    .find(|(cf, _)| *cf == f)
                    .map(|(_, s)| s.clone()),
            })
        })
        .collect();
    let tz = opts.timezone;
    let (time_plans, mut warnings) = infer_time_columns(&samples, opts.date_order, delimiter, tz);
    let mut plans = ColumnPlans::default();
    for (s, p) in samples.iter().zip(time_plans) {
        match s.field {
            Field::CreatedAt => plans.created = p,
            Field::FirstResponse => plans.first_response = p,
            Field::EscalatedAt => plans.escalated = p,
            _ => plans.resolved = p,
        }
    }
    for f in [
        Field::Csat,
        Field::Nps,
        Field::Ces,
        Field::Reopens,
        Field::Replies,
        Field::HandleTime,
    ] {
        if let Some(c) = mapping.get(f) {
            let style = NumberStyle::infer(records.iter().map(|v| column_value(v, c)), delimiter);
            plans.numbers.push((f, style));
        }
    }
    if opts.csat_scale == super::CsatScale::Auto {
        if let Some(c) = mapping.get(Field::Csat) {
            let style = plans.number_style(Field::Csat);
            let answers: Vec<f64> = records
                .iter()
                .filter_map(|v| {
                    let t = column_value(v, c).trim();
                    parse_number(t.strip_suffix('%').unwrap_or(t).trim_end(), style)
                })
                .collect();
            let max = answers.iter().copied().fold(0.0, f64::max);
            // Answers written as percentages (`100%`, `0%`: a thumbs
            // survey exported as a score) are on 0–100 however few values
            // they take.
            let percents = records
                .iter()
                .filter(|v| column_value(v, c).trim().ends_with('%'))
                .count();
            let scale = if percents > 0 && percents * 2 >= answers.len() {
                super::CsatScale::ZeroToHundred
            } else {
                super::CsatScale::of_answers(&answers)
            };
            if scale != super::CsatScale::OneToFive {
                warnings.push(format!(
                    "CSAT answers in column '{}' go up to {}: read on a {} scale (mapped linearly onto 1–5, so {} and above count as satisfied); pass {} 5 if they are not",
                    c.column,
                    max,
                    scale.label(),
                    if scale == super::CsatScale::ZeroToTen { "8" } else { "75" },
                    Setting::CsatScale
                ));
            }
            plans.csat_scale = Some(scale);
        }
    }
    for f in [Field::FirstResponse, Field::Resolved] {
        if let Some(c) = mapping.get(f) {
            if normalize_header(&c.column).contains("businesshours") {
                warnings.push(format!(
                    "column '{}' counts business hours only: {f} figures are business time, not wall-clock time",
                    c.column
                ));
            }
        }
    }
    // Plausibility, on the sample as it would be read.
    let now = Utc::now();
    let implausible = |message: String| IngestError::Implausible {
        input: label.to_string(),
        message,
    };
    // A handle-time column of plain numbers whose header names no unit
    // (`Talk time`, `Handle time`): minutes unless said otherwise, which a
    // call log's seconds are not.
    if let Some(c) = mapping.get(Field::HandleTime) {
        let given = units.iter().any(|(f, _)| *f == Field::HandleTime);
        if !given && c.scale == 1.0 && Unit::from_header(&c.column).is_none() {
            let style = plans.number_style(Field::HandleTime);
            let raw: Vec<f64> = records
                .iter()
                .filter_map(|v| parse_number(column_value(v, c).trim(), style))
                .collect();
            let unit = column_unit(Field::HandleTime, &c.column);
            let assumed = assumed_unit(Field::HandleTime, &c.column, unit, &raw);
            warnings.extend(assumed.map_err(implausible)?);
        }
        let clocks: Vec<(&str, f64)> = records
            .iter()
            .filter_map(|v| {
                let cell = column_value(v, c);
                two_part_clock(cell).map(|m| (cell.trim(), m))
            })
            .collect();
        let minutes: Vec<f64> = clocks.iter().map(|(_, m)| *m).collect();
        let example = clocks.first().map(|(cell, _)| *cell);
        let (mmss, warning) = handle_clock_reading(&c.column, &minutes, example);
        plans.handle_clock_mmss = mmss;
        warnings.extend(warning);
    }
    for s in &samples {
        let Some(c) = mapping.get(s.field) else {
            continue;
        };
        let plan = plans.time(s.field);
        if plan.flag {
            continue;
        }
        let (mut spans, mut raw) = (Vec::new(), Vec::new());
        let mut latest: Option<(DateTime<Utc>, &str)> = None;
        let mut note = |at: DateTime<Utc>, v| {
            if latest.is_none_or(|(l, _)| at > l) {
                latest = Some((at, v));
            }
        };
        for v in s.values.iter().copied() {
            if s.field == Field::CreatedAt {
                if let Ok(at) = plan.parse_at(v, tz) {
                    note(at, v);
                }
                continue;
            }
            match parse_time_or_span(s.field, &c.column, plan, v, c.scale, tz) {
                Ok(Some(TimeOrSpan::Span(x))) => {
                    spans.push(x * field_unit(s.field).minutes());
                    if let Some(n) = parse_number(v, plan.numbers) {
                        raw.push(n);
                    }
                }
                Ok(Some(TimeOrSpan::At(at))) => note(at, v),
                _ => {}
            }
        }
        if s.field != Field::CreatedAt {
            let unit = units
                .iter()
                .find(|(f, _)| *f == s.field)
                .map(|(_, u)| *u)
                .unwrap_or_else(|| column_unit(s.field, &c.column));
            let assumed = if s.header_unit {
                None
            } else {
                Some(assumed_unit(s.field, &c.column, unit, &raw))
            };
            check_durations(s.field, &c.column, unit, spans, raw).map_err(implausible)?;
            if let Some(assumed) = assumed {
                warnings.extend(assumed.map_err(implausible)?);
            }
        }
        check_future(&c.column, latest, now).map_err(implausible)?;
    }
    Ok((plans, warnings))
}
