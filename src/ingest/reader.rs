//! [`TicketReader`]: the streaming iterator the pipeline consumes.

use super::convert::Converter;
use super::mapping::{resolve, ColumnMapping, MappingRequest};
use super::source::{encode_cells, Item, RecordSource};
use super::{IngestOptions, IngestStats, InputSource, Reject, Row};
use crate::error::Result;

/// Reads one record at a time and yields typed tickets or rejects.
///
/// Memory is bounded by the longest record, whatever the file size. The
/// iterator yields `Err` only for fatal I/O errors, after which it ends.
pub struct TicketReader {
    source: RecordSource,
    converter: Converter,
    stats: IngestStats,
    /// Data-quality notices about the input as a whole (e.g. a date column
    /// whose day/month order was assumed), for the summary and `run.json`.
    warnings: Vec<String>,
    done: bool,
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
    pub(crate) fn new(source: &InputSource, opts: &IngestOptions) -> Result<Self> {
        let mut source = RecordSource::open(source, opts.format, opts.delimiter)?;
        let req = MappingRequest {
            map: &opts.map,
            text_columns: &opts.text_columns,
            require_created_at: opts.require_created_at,
            require_text: opts.require_text,
            label: source.label(),
            allow_extra: source.is_jsonl(),
        };
        let (mapping, extra) = resolve(source.headers(), &req)?;
        source.set_extra_keys(extra);
        if let Some(show) = opts.on_mapping {
            show(&mapping);
        }
        let converter = Converter {
            mapping,
            tz: opts.timezone,
            require_created_at: opts.require_created_at,
            require_text: opts.require_text,
            n_headers: source.headers().len(),
        };
        Ok(TicketReader {
            source,
            converter,
            stats: IngestStats::default(),
            warnings: Vec::new(),
            done: false,
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
        match (self.source.last_json_line(), self.source.delimiter()) {
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
        let item = match self.source.next_item() {
            None => {
                self.done = true;
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
            Item::Reject(r) => Row::Rejected(r),
            Item::Record(rec) => {
                let line = rec.line;
                match self.converter.convert(line, rec.values) {
                    Ok(t) => Row::Ticket(t),
                    Err((reason, values)) => {
                        let raw = self.raw_record(&values);
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
