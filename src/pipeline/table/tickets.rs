//! An export read into a typed table of ticket fields (`read_export` in
//! Python).
//!
//! Why typed fields rather than the export's own columns: the point of
//! reading through ticketlens instead of `pd.read_csv` is what the ingest
//! decides (which column is the creation time, what time zone a naive
//! timestamp is in, `4.0` CSAT vs `Satisfied`, Jira's repeated `Labels`),
//! so the table carries those decisions: timestamps as UTC instants,
//! durations in the unit their name says, tags as lists. The column names
//! are the ingest's own field names, which it maps back automatically, so
//! the table can be handed to `classify` or `kpis` unchanged.

use crate::error::Result;
use crate::ingest::{self, Field, IngestOptions, InputSource, Reject, Row};
use crate::report::enriched_parquet::unique_names;
use crate::ticket::Ticket;
use arrow_array::builder::{
    BooleanBuilder, Float64Builder, Int64Builder, ListBuilder, StringBuilder,
    TimestampMicrosecondBuilder, UInt64Builder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{Field as ArrowField, Schema};
use chrono::{DateTime, Utc};
use std::sync::Arc;

/// An export as a typed table.
pub struct TicketTable {
    /// One row per accepted ticket, in input order. Columns:
    /// - `line` (`uint64`): where the row is in the export (CSV: the
    ///   physical line its record starts on, the header being line 1;
    ///   JSONL: the line; Parquet/Arrow: the 1-based row number), as in the
    ///   rejects;
    /// - `ticket_id` (string; the line number when the export has no id);
    /// - one column per field the export has, named as `--map` names it:
    ///   `customer_id`, `created_at`, `first_response_at` or
    ///   `first_response_minutes`, `resolved_at` or `resolution_hours`,
    ///   `handle_minutes`, `status`, `channel`, `priority`, `agent`, `team`,
    ///   `escalated` (bool), `escalated_at`, `reopens`, `replies` (int64),
    ///   `csat` (1–5), `nps` (0–10), `ces` (1–7) (float64), `subject`,
    ///   `body`, `tags` (`list<string>`). Timestamps are
    ///   `timestamp[us, UTC]`; naive ones were read in the ingest's time
    ///   zone. With `text_columns`, `body` holds their joined text;
    /// - the export's columns that no field uses, as strings (an empty
    ///   cell as null), under their own names (a name already taken gets
    ///   `.1`, `.2`, as in pandas).
    pub columns: RecordBatch,
    /// The rejected rows, with the line numbers and reasons the CLI gives.
    pub rejects: Vec<Reject>,
    /// Rows read (accepted + rejected).
    pub read: u64,
    /// The ingest's warnings (ambiguous dates, unknown values …).
    pub warnings: Vec<String>,
    /// `(field, input column)` for every mapped field, as
    /// `--explain-mapping` prints it.
    pub mapping: Vec<(String, String)>,
}

/// Read every row of `source` with `ingest` and return the accepted
/// tickets as typed columns ([`TicketTable::columns`]) with the rejects.
///
/// Errors: the input cannot be opened, lacks a required column or a row
/// cannot be read (one line, as the CLI's). Rejected rows are not errors.
pub fn read_table(source: &InputSource, ingest: &IngestOptions) -> Result<TicketTable> {
    let mut reader = ingest::open(source, ingest)?;
    let headers = reader.headers().to_vec();
    let map = reader.mapping().clone();
    let mut tickets = Vec::new();
    let mut rejects = Vec::new();
    let mut read = 0u64;
    for row in reader.by_ref() {
        read += 1;
        match row? {
            Row::Ticket(t) => tickets.push(t),
            Row::Rejected(r) => rejects.push(r),
        }
    }
    let extra: Vec<(usize, &str)> = map
        .unused_columns()
        .into_iter()
        .map(|i| (i, headers[i].as_str()))
        .collect();
    let columns = build(
        &tickets,
        // A spam/deleted mark is written into the status.
        |f| {
            (map.has(f) && (f != Field::Subject || map.text_columns.is_empty()))
                || (f == Field::Status && (map.has(Field::Spam) || map.has(Field::Deleted)))
        },
        &extra,
    )?;
    let mapping = map
        .columns()
        .iter()
        .map(|c| (c.field.as_str().to_string(), c.column.clone()))
        .chain(
            map.text_columns()
                .map(|c| ("text".to_string(), c.to_string())),
        )
        .collect();
    let warnings = reader.warnings().to_vec();
    Ok(TicketTable {
        columns,
        rejects,
        read,
        warnings,
        mapping,
    })
}

/// Read a message log (Intercom conversation parts, Twitter/X threads …)
/// and return the tickets it rebuilds (one per customer-started thread, as
/// `kpi --conversations` does) as [`TicketTable::columns`]: `line` (of the
/// thread's first message), `ticket_id` (the thread), `customer_id`,
/// `created_at`, `first_response_at`, `resolved_at`, `agent`, `replies`,
/// `body` (the customer's messages), those the log has. `read` counts
/// messages.
///
/// Errors: as [`crate::ingest::conversations::read_conversations`].
pub fn conversation_table(
    source: &InputSource,
    opts: &crate::ingest::conversations::ConversationOptions,
) -> Result<TicketTable> {
    let log = crate::ingest::conversations::read_conversations(source, opts)?;
    let t = &log.tickets;
    let any = |f: Field| match f {
        Field::CreatedAt => true,
        Field::CustomerId => t.iter().any(|t| t.customer_id.is_some()),
        Field::FirstResponse => t.iter().any(|t| t.first_response_at.is_some()),
        Field::Resolved => t.iter().any(|t| t.resolved_at.is_some()),
        Field::Agent => t.iter().any(|t| t.agent.is_some()),
        Field::Replies => t.iter().any(|t| t.replies.is_some()),
        Field::Body => t.iter().any(|t| t.body.is_some()),
        _ => false,
    };
    let columns = build(t, any, &[])?;
    Ok(TicketTable {
        columns,
        read: log.stats.messages + log.stats.rejected,
        rejects: log.rejects,
        warnings: Vec::new(),
        mapping: log
            .columns
            .iter()
            .map(|(f, c)| (f.to_string(), c.clone()))
            .collect(),
    })
}

/// The typed columns of `tickets`: the fields `has` says the input has,
/// then the `extra` input columns `(index in raw, name)` as strings.
fn build(
    tickets: &[Ticket],
    has: impl Fn(Field) -> bool,
    extra: &[(usize, &str)],
) -> Result<RecordBatch> {
    let mut cols = Columns::default();
    cols.uint("line", tickets.iter().map(|t| Some(t.line)));
    cols.text("ticket_id", tickets.iter().map(|t| Some(t.id.as_str())));
    if has(Field::CustomerId) {
        cols.text(
            "customer_id",
            tickets.iter().map(|t| cell(t.customer_id.as_ref())),
        );
    }
    if has(Field::CreatedAt) {
        cols.time("created_at", tickets.iter().map(|t| Some(t.created_at)));
    }
    if has(Field::FirstResponse) {
        both(
            &mut cols,
            tickets,
            ("first_response_at", |t| t.first_response_at),
            ("first_response_minutes", |t| t.first_response_minutes),
        );
    }
    if has(Field::Resolved) {
        both(
            &mut cols,
            tickets,
            ("resolved_at", |t| t.resolved_at),
            ("resolution_hours", |t| t.resolution_hours),
        );
    }
    if has(Field::HandleTime) {
        cols.real("handle_minutes", tickets.iter().map(|t| t.handle_minutes));
    }
    let strings: [(Field, &str, TextOf); 6] = [
        (Field::Status, "status", |t| t.status.as_ref()),
        (Field::ResolutionCode, "resolution_code", |t| {
            t.resolution_code.as_ref()
        }),
        (Field::Channel, "channel", |t| t.channel.as_ref()),
        (Field::Priority, "priority", |t| t.priority.as_ref()),
        (Field::Agent, "agent", |t| t.agent.as_ref()),
        (Field::Team, "team", |t| t.team.as_ref()),
    ];
    for (f, name, get) in strings {
        if has(f) {
            cols.text(name, tickets.iter().map(|t| cell(get(t))));
        }
    }
    if has(Field::Escalated) {
        let mut b = BooleanBuilder::with_capacity(tickets.len());
        tickets.iter().for_each(|t| b.append_option(t.escalated));
        cols.push("escalated", Arc::new(b.finish()));
    }
    if has(Field::EscalatedAt) {
        cols.time("escalated_at", tickets.iter().map(|t| t.escalated_at));
    }
    if has(Field::Reopens) {
        cols.int("reopens", tickets.iter().map(|t| t.reopens.map(i64::from)));
    }
    if has(Field::Replies) {
        cols.int("replies", tickets.iter().map(|t| t.replies.map(i64::from)));
    }
    let scores: [(Field, &str, NumberOf); 3] = [
        (Field::Csat, "csat", |t| t.csat),
        (Field::Nps, "nps", |t| t.nps),
        (Field::Ces, "ces", |t| t.ces),
    ];
    for (f, name, get) in scores {
        if has(f) {
            cols.real(name, tickets.iter().map(get));
        }
    }
    if has(Field::Subject) {
        cols.text("subject", tickets.iter().map(|t| cell(t.subject.as_ref())));
    }
    if has(Field::Body) {
        cols.text("body", tickets.iter().map(|t| cell(t.body.as_ref())));
    }
    if has(Field::Tags) {
        let mut b = ListBuilder::new(StringBuilder::new());
        for t in tickets {
            for tag in &t.tags {
                b.values().append_value(tag);
            }
            b.append(true);
        }
        cols.push("tags", Arc::new(b.finish()));
    }
    for &(i, h) in extra {
        let cells = tickets
            .iter()
            .map(|t| t.raw.get(i).map(String::as_str).filter(|s| !s.is_empty()));
        cols.text(h, cells);
    }
    cols.finish(tickets.len())
}

/// Reads a text field of a ticket.
type TextOf = fn(&Ticket) -> Option<&String>;
/// Reads a numeric field of a ticket.
type NumberOf = fn(&Ticket) -> Option<f64>;
/// Reads a timestamp field of a ticket.
type TimeOf = fn(&Ticket) -> Option<DateTime<Utc>>;

/// An optional text field as a cell (empty as null).
fn cell(s: Option<&String>) -> Option<&str> {
    s.map(String::as_str).filter(|s| !s.is_empty())
}

/// A field the export gives as a timestamp or as a duration (the value
/// decides, row by row): its timestamp column when any row has a
/// timestamp, its duration column when any row has a duration, so a
/// column never holds two units.
fn both(cols: &mut Columns, tickets: &[Ticket], at: (&str, TimeOf), span: (&str, NumberOf)) {
    let any_span = tickets.iter().any(|t| span.1(t).is_some());
    if !any_span || tickets.iter().any(|t| at.1(t).is_some()) {
        cols.time(at.0, tickets.iter().map(at.1));
    }
    if any_span {
        cols.real(span.0, tickets.iter().map(span.1));
    }
}

/// The columns being built, in order.
#[derive(Default)]
struct Columns {
    fields: Vec<ArrowField>,
    arrays: Vec<ArrayRef>,
}

impl Columns {
    fn push(&mut self, name: &str, array: ArrayRef) {
        self.fields
            .push(ArrowField::new(name, array.data_type().clone(), true));
        self.arrays.push(array);
    }

    fn text<'a>(&mut self, name: &str, cells: impl Iterator<Item = Option<&'a str>>) {
        let mut b = StringBuilder::new();
        cells.for_each(|c| b.append_option(c));
        self.push(name, Arc::new(b.finish()));
    }

    fn time(&mut self, name: &str, cells: impl Iterator<Item = Option<DateTime<Utc>>>) {
        let mut b = TimestampMicrosecondBuilder::new().with_timezone("UTC");
        cells.for_each(|c| b.append_option(c.map(|t| t.timestamp_micros())));
        self.push(name, Arc::new(b.finish()));
    }

    fn real(&mut self, name: &str, cells: impl Iterator<Item = Option<f64>>) {
        let mut b = Float64Builder::new();
        cells.for_each(|c| b.append_option(c));
        self.push(name, Arc::new(b.finish()));
    }

    fn int(&mut self, name: &str, cells: impl Iterator<Item = Option<i64>>) {
        let mut b = Int64Builder::new();
        cells.for_each(|c| b.append_option(c));
        self.push(name, Arc::new(b.finish()));
    }

    fn uint(&mut self, name: &str, cells: impl Iterator<Item = Option<u64>>) {
        let mut b = UInt64Builder::new();
        cells.for_each(|c| b.append_option(c));
        self.push(name, Arc::new(b.finish()));
    }

    /// The batch; a name already taken gets `.1`, `.2` … (pandas' rule,
    /// as the enriched Parquet names repeated columns).
    fn finish(self, rows: usize) -> Result<RecordBatch> {
        let names: Vec<String> = self.fields.iter().map(|f| f.name().clone()).collect();
        let fields: Vec<ArrowField> = self
            .fields
            .into_iter()
            .zip(unique_names(&names))
            .map(|(f, n)| f.with_name(n))
            .collect();
        let schema = Arc::new(Schema::new(fields));
        let opts = arrow_array::RecordBatchOptions::new().with_row_count(Some(rows));
        RecordBatch::try_new_with_options(schema, self.arrays, &opts)
            .map_err(|e| super::table_error("ticket table", e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The batch's column names, in order.
    fn column_names(batch: &RecordBatch) -> Vec<&str> {
        batch
            .schema_ref()
            .fields()
            .iter()
            .map(|f| f.name().as_str())
            .collect()
    }
    use arrow_array::Array;
    use arrow_schema::{DataType, TimeUnit};

    fn timestamp_type() -> DataType {
        DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()))
    }

    fn csv(text: &str) -> InputSource {
        InputSource::Memory {
            label: "<test>".into(),
            bytes: text.as_bytes().to_vec().into(),
        }
    }

    fn ipc(batch: &RecordBatch) -> InputSource {
        let mut buf = Vec::new();
        let mut w = arrow_ipc::writer::StreamWriter::try_new(&mut buf, &batch.schema()).unwrap();
        w.write(batch).unwrap();
        w.finish().unwrap();
        drop(w);
        InputSource::Memory {
            label: "<table>".into(),
            bytes: buf.into(),
        }
    }

    fn tickets(source: &InputSource, opts: &IngestOptions) -> Vec<Ticket> {
        ingest::open(source, opts)
            .unwrap()
            .filter_map(|r| match r.unwrap() {
                Row::Ticket(t) => Some(t),
                Row::Rejected(_) => None,
            })
            .collect()
    }

    /// Every typed field survives the trip export → table → ingest, so the
    /// table can be passed to `classify`/`kpis` as it is: on the fixtures
    /// and on every field case (Zendesk's JSON keeps leftover metric
    /// columns that must not take a field back from its typed column).
    #[test]
    fn table_reads_back_as_the_same_tickets() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut inputs = vec![root.join("fixtures/tickets.csv")];
        let mut field: Vec<_> = std::fs::read_dir(root.join("tests/data/field"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        field.sort();
        inputs.extend(field);
        let opts = IngestOptions {
            require_text: false,
            ..Default::default()
        };
        for path in inputs {
            let export = InputSource::Path(path.clone());
            let t = read_table(&export, &opts).unwrap();
            assert_eq!(t.read, t.columns.num_rows() as u64 + t.rejects.len() as u64);
            let first = tickets(&export, &opts);
            let again = tickets(&ipc(&t.columns), &opts);
            assert_eq!(first.len(), again.len(), "{}", path.display());
            for (a, b) in first.iter().zip(&again) {
                let strip = |t: &Ticket| Ticket {
                    line: 0,
                    raw: Vec::new(),
                    ..t.clone()
                };
                assert_eq!(strip(a), strip(b), "{} line {}", path.display(), a.line);
            }
        }
        let t = read_table(
            &InputSource::Path(root.join("fixtures/tickets.csv")),
            &IngestOptions::default(),
        )
        .unwrap();
        assert!(t.columns.num_rows() > 100);
        let names = column_names(&t.columns);
        assert_eq!(&names[..3], ["line", "ticket_id", "customer_id"]);
        let created = t.columns.column_by_name("created_at").unwrap();
        assert_eq!(created.data_type(), &timestamp_type());
        assert_eq!(created.null_count(), 0);
    }

    /// Field case 09 (Intercom conversation parts) as a table: the tickets
    /// `kpi --conversations` rebuilds, whose KPIs are the hand-computed ones.
    #[test]
    fn message_log_as_a_ticket_table() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let source = InputSource::Path(root.join("tests/data/field/intercom_parts.csv"));
        let t = conversation_table(&source, &Default::default()).unwrap();
        assert_eq!((t.read, t.rejects.len()), (15, 0));
        assert_eq!(t.columns.num_rows(), 5);
        let names = column_names(&t.columns);
        assert!(names.starts_with(&["line", "ticket_id", "customer_id", "created_at"]));
        assert!(names.contains(&"first_response_at") && names.contains(&"body"));
        let k = crate::pipeline::table::kpi_table(
            &ipc(&t.columns),
            &IngestOptions::default(),
            &Default::default(),
        )
        .unwrap();
        let o = &k.report.overall;
        assert_eq!(o.tickets, 5);
        assert_eq!(o.backlog, Some(1));
        assert_eq!(o.first_response_minutes.median, Some(37.5));
    }

    #[test]
    fn durations_tags_and_unused_columns() {
        let export = "Ticket ID,Created at,First reply time (min),Tags,CSAT,Product area,Body\n\
                      7,2025-03-01 10:00,30,\"billing, refund\",5,Checkout,card declined\n\
                      8,2025-03-01 11:00,,,,,\"=cmd\"\n\
                      9,not a date,5,,,,hello\n";
        let opts = IngestOptions {
            timezone: chrono_tz::Europe::Berlin,
            ..Default::default()
        };
        let t = read_table(&csv(export), &opts).unwrap();
        assert_eq!(t.read, 3);
        assert_eq!(t.rejects.len(), 1);
        assert_eq!(t.rejects[0].line, 4);
        let b = &t.columns;
        let names: Vec<&str> = b
            .schema_ref()
            .fields()
            .iter()
            .map(|f| f.name().as_str())
            .collect();
        assert_eq!(
            names,
            [
                "line",
                "ticket_id",
                "created_at",
                "first_response_minutes",
                "csat",
                "body",
                "tags",
                "Product area"
            ]
        );
        let created = b
            .column_by_name("created_at")
            .unwrap()
            .as_any()
            .downcast_ref::<arrow_array::TimestampMicrosecondArray>()
            .unwrap();
        // 10:00 in Berlin (UTC+1 in March) is 09:00 UTC.
        assert_eq!(
            created.value(0),
            "2025-03-01T09:00:00Z"
                .parse::<DateTime<Utc>>()
                .unwrap()
                .timestamp_micros()
        );
        let frt = b
            .column_by_name("first_response_minutes")
            .unwrap()
            .as_any()
            .downcast_ref::<arrow_array::Float64Array>()
            .unwrap();
        assert_eq!(frt.value(0), 30.0);
        assert!(frt.is_null(1));
        let tags = b
            .column_by_name("tags")
            .unwrap()
            .as_any()
            .downcast_ref::<arrow_array::ListArray>()
            .unwrap();
        assert_eq!(tags.value(0).len(), 2);
        assert_eq!(tags.value(1).len(), 0);
        let area = b.column_by_name("Product area").unwrap();
        assert_eq!(area.null_count(), 1);
        // The body is the text as written: formula guards are for CSV
        // files, not for in-memory tables.
        let body = b
            .column_by_name("body")
            .unwrap()
            .as_any()
            .downcast_ref::<arrow_array::StringArray>()
            .unwrap();
        assert_eq!(body.value(1), "=cmd");
        let again = tickets(&ipc(b), &IngestOptions::default());
        assert_eq!(again.len(), 2);
        assert_eq!(again[0].first_response_minutes, Some(30.0));
        assert_eq!(again[0].tags, ["billing", "refund"]);
    }
}
