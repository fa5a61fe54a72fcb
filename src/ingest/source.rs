//! Raw records from CSV or JSON, one at a time.
//!
//! This layer knows nothing about tickets: it opens the input, detects the
//! character encoding ([`super::decode`]), the format and the delimiter from
//! a small bounded prefix, and yields each record's cells as strings in
//! header order (or a [`Reject`] for a record that cannot be read). Memory
//! stays bounded by the longest record, so multi-gigabyte exports stream
//! through.
//!
//! CSV structure handled here: rows that omit trailing empty fields are
//! padded; extra cells that are all empty (and empty trailing header cells)
//! are dropped; line numbers are physical lines (CRLF and blank lines
//! included); a quote left open that swallows the following rows is reported
//! and those rows are read again. JSON: JSON lines, a JSON array (also inside
//! a `{"tickets": [...]}` wrapper) or pretty-printed objects, flattened to
//! dotted keys ([`super::json`]).

use super::columnar::{self, ColumnarInput, ColumnarRows};
use super::csv_layout::{self, CsvRows, RowKind};
use super::decode::{self, DecodeReader};
use super::fields::Field;
use super::json::{self, Flat, Layout, Piece, Splitter};
use super::mapping::ColumnMapping;
use super::values::parse_tags;
use super::vendor_codes::{CellCodes, Vendor};
use super::{InputFormat, InputSource, Reject};
use crate::error::{Error, Result, Setting};
use csv::ByteRecord;
use serde_json::Value;
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Cursor, Read};
use std::path::Path;

/// The most bytes looked at before the first record to detect the format.
const PEEK_LIMIT: u64 = 1 << 20;
/// Bytes of decoded text looked at for the JSON layout (wrapper object).
const PEEK_MIN: usize = 4096;
/// Read buffer size.
const BUF_SIZE: usize = 1 << 20;
/// JSON objects read ahead to collect the column names (keys of the first
/// objects, not only the first one: a key may be null or missing there).
const JSON_SAMPLE: usize = 1_000;
/// ... or this many bytes of them, whichever comes first.
const JSON_SAMPLE_BYTES: usize = 4 << 20;
/// Most JSON keys remembered as checked for a late ticket field (bounds
/// memory when every record brings new keys).
const MAX_KNOWN_KEYS: usize = 100_000;

type Input = Box<dyn BufRead + Send>;

/// One record's cells (valid UTF-8), in header order; JSON records may carry
/// extra cells after the header for keys that `--map` named by name, and
/// every record carries the combined cells of repeated columns last.
#[derive(Debug)]
pub(crate) struct Record {
    /// 1-based physical line where the record starts.
    pub line: u64,
    /// Cells.
    pub values: Vec<String>,
}

/// What one step of a [`RecordSource`] yields.
pub(crate) enum Item {
    Record(Record),
    Reject(Reject),
}

/// Counts the line breaks the CSV parser reads, so a record's line number is
/// the physical line of its first byte. (The `csv` crate reports a record's
/// position before the line breaks it skips: one too low after a CRLF or a
/// blank line.)
struct LineTap<R> {
    inner: R,
    offset: u64,
    /// Offsets of `\r` (false) and `\n` (true) read but not yet passed.
    breaks: VecDeque<(u64, bool)>,
    /// Lines consumed before the parser started (Excel's `sep=;` line).
    line_base: u64,
    /// The last non-whitespace byte read so far: at the end of the input, a
    /// `"` there means the last quoted cell was closed.
    last_non_space: Option<u8>,
}

impl<R: Read> Read for LineTap<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        for i in memchr::memchr2_iter(b'\n', b'\r', &buf[..n]) {
            self.breaks
                .push_back((self.offset + i as u64, buf[i] == b'\n'));
        }
        self.offset += n as u64;
        if let Some(&b) = buf[..n].iter().rev().find(|b| !b.is_ascii_whitespace()) {
            self.last_non_space = Some(b);
        }
        Ok(n)
    }
}

impl<R> LineTap<R> {
    /// The line of the first byte of a record the parser reported at `pos`:
    /// its line plus the `\n`s of the line breaks skipped from there.
    fn start_line(&mut self, pos: &csv::Position) -> u64 {
        let (mut line, mut at) = (pos.line(), pos.byte());
        while let Some(&(o, lf)) = self.breaks.front() {
            if o > at {
                break;
            }
            if o == at {
                line += u64::from(lf);
                at += 1;
            }
            self.breaks.pop_front();
        }
        line + self.line_base
    }
}

enum Kind {
    Csv {
        rdr: Box<csv::Reader<LineTap<Input>>>,
        rec: ByteRecord,
        delimiter: u8,
        /// A record read ahead (with its line) to learn whether the one
        /// before it was the last: see [`CsvCtx::open_quote`].
        ahead: Option<(u64, ByteRecord)>,
        /// Repeated headers and a footer, skipped.
        rows: CsvRows,
    },
    Json(Box<JsonState>),
    Columnar(Box<ColumnarRows>),
}

/// A JSON value read but not yet yielded.
enum JsonItem {
    Obj { line: u64, flat: Flat, raw: String },
    Reject(Reject),
}

struct JsonState {
    rdr: Input,
    layout: Layout,
    splitter: Splitter,
    buf: Vec<u8>,
    /// Current line (JSON lines layout).
    line: u64,
    /// Objects read ahead while collecting the keys.
    pending: VecDeque<JsonItem>,
    /// The text of the value just yielded (for the rejects file).
    last_raw: String,
    /// Which `--map` keys read by name occurred at least once (keys the
    /// mapping chose itself start as seen: they may never occur).
    seen: Vec<bool>,
    /// Keys named like a ticket field that first occur after the sample
    /// the column names came from (so nothing reads them): how many
    /// records hold one, and the first (key, line).
    late: (u64, Option<(String, u64, Field)>),
    /// The column names and keys read by name, to spot late keys.
    known: std::collections::HashSet<String>,
    /// Fields the mapping found no column for: only their keys are late.
    unmapped: Vec<Field>,
    /// Objects the column names were taken from.
    sampled: usize,
    /// Column names that were null (or `{}`) in every one of them.
    null_keys: Vec<String>,
    /// The vendor whose numeric codes (Freshdesk's priority 1 = low) are
    /// read as names.
    vendor: Vendor,
}

/// A stream of raw records with their header.
pub(crate) struct RecordSource {
    kind: Kind,
    headers: Vec<String>,
    /// JSON keys read by name that are not among the sampled keys.
    extra_keys: Vec<String>,
    /// `path` or `<stdin>`, for messages.
    label: String,
    /// Repeated columns combined into one cell each, appended in this order.
    merges: Vec<(Field, Vec<usize>)>,
    /// JSON: mapped keys (cell index, field, key), checked for nested objects.
    mapped: Vec<(usize, Field, String)>,
    /// Items ready to yield (a swallowed row re-read yields several).
    queue: VecDeque<Item>,
    /// CSV and Parquet: the columns holding a vendor's numeric codes
    /// (JSON records are translated as they are flattened).
    cell_codes: Option<CellCodes>,
    /// Notes from opening: the encoding when it was guessed, title lines
    /// skipped above a CSV header.
    notices: Vec<String>,
    done: bool,
}

impl RecordSource {
    /// A source of `kind` with its header, nothing read yet.
    fn new(kind: Kind, headers: Vec<String>, label: String) -> Self {
        let cell_codes = match kind {
            Kind::Json(_) => None,
            _ => Vendor::detect(&headers).cell_codes(&headers),
        };
        RecordSource {
            cell_codes,
            kind,
            headers,
            extra_keys: Vec::new(),
            label,
            merges: Vec::new(),
            mapped: Vec::new(),
            queue: VecDeque::new(),
            notices: Vec::new(),
            done: false,
        }
    }

    /// Open the input, detect encoding, format and delimiter, and read the
    /// header. `encoding` is `--encoding` (a WHATWG label); an unknown label
    /// is an error.
    pub fn open(
        source: &InputSource,
        format: Option<InputFormat>,
        delimiter: Option<u8>,
        encoding: Option<&str>,
    ) -> Result<Self> {
        let forced = encoding.map(decode::encoding_for_label).transpose()?;
        let label = source.label();
        let (mut input, path): (Input, Option<&Path>) = match source {
            InputSource::Path(p) => {
                let f = std::fs::File::open(p).map_err(|e| Error::io(p, e))?;
                (Box::new(BufReader::with_capacity(BUF_SIZE, f)), Some(p))
            }
            InputSource::Stdin => (
                Box::new(BufReader::with_capacity(BUF_SIZE, std::io::stdin())),
                None,
            ),
            InputSource::Memory { bytes, .. } => (Box::new(Cursor::new(bytes.clone())), None),
        };
        let mut raw = Vec::new();
        (&mut input)
            .take(decode::DETECT_LIMIT as u64)
            .read_to_end(&mut raw)
            .map_err(|e| Error::io(&label, e))?;
        // A gzip-compressed export (`tickets.csv.gz`, an API dump piped
        // from `curl --compressed` without decoding): read through the
        // decoder, members one after another as `cat a.gz b.gz` joins them.
        if raw.starts_with(&[0x1f, 0x8b]) {
            let gz = flate2::read::MultiGzDecoder::new(
                Cursor::new(std::mem::take(&mut raw)).chain(input),
            );
            input = Box::new(BufReader::with_capacity(BUF_SIZE, gz));
            (&mut input)
                .take(decode::DETECT_LIMIT as u64)
                .read_to_end(&mut raw)
                .map_err(|e| Error::io(&label, e))?;
        }
        if let Some(what) = unreadable_container(&raw) {
            return Err(Error::Parse {
                path: label,
                line: 1,
                message: format!(
                    "the input is {what}, not an export ticketlens reads (CSV, JSON, JSONL, Parquet, Arrow): save or export it as CSV (or unzip it) and read that"
                ),
            });
        }
        // Parquet and Arrow are binary: no encoding, no sniffing of text.
        let columnar = match format {
            Some(f @ (InputFormat::Parquet | InputFormat::ArrowIpc)) => Some(f),
            Some(_) => None,
            // The magic bytes win over a misleading extension.
            None => sniff_binary(&raw).or(match path.and_then(format_from_extension) {
                Some(f @ (InputFormat::Parquet | InputFormat::ArrowIpc)) => Some(f),
                _ => None,
            }),
        };
        if let Some(f) = columnar {
            let input = match (path, source) {
                (Some(p), _) => {
                    ColumnarInput::File(std::fs::File::open(p).map_err(|e| Error::io(p, e))?)
                }
                (None, InputSource::Memory { bytes, .. }) => ColumnarInput::Bytes(bytes.clone()),
                (None, _) => ColumnarInput::read_all(Cursor::new(raw).chain(input), &label)?,
            };
            let rows = if f == InputFormat::Parquet {
                ColumnarRows::parquet(input, label.clone())?
            } else {
                ColumnarRows::arrow_ipc(input, label.clone())?
            };
            let headers = rows.headers().to_vec();
            return Ok(RecordSource::new(
                Kind::Columnar(Box::new(rows)),
                headers,
                label,
            ));
        }
        let whole = raw.len() < decode::DETECT_LIMIT;
        let det = decode::detect(&raw, whole, forced);
        let mut head = Cursor::new(raw);
        head.set_position(det.bom_len as u64);
        let bytes: Input = Box::new(head.chain(input));
        let text: Input = if det.is_utf8() {
            bytes
        } else {
            Box::new(DecodeReader::new(bytes, det.encoding))
        };
        let (input, prefix) = peek(text, &label)?;
        let format = format
            .or_else(|| path.and_then(format_from_extension))
            .unwrap_or_else(|| sniff_format(&prefix));
        let escape = format == InputFormat::Csv && csv_layout::backslash_escapes(&prefix);
        let mut src = match format {
            InputFormat::Csv => match excel_sep_line(&prefix) {
                // Excel's `sep=;` first line names the delimiter.
                Some((sep, len)) => {
                    let mut input = input;
                    skip_bytes(&mut input, len, &label)?;
                    open_csv(input, label, delimiter.unwrap_or(sep), 1, escape)?
                }
                None => match csv_layout::title_lines(&prefix) {
                    // A report's title above the header.
                    Some((len, lines, title)) => {
                        let mut input = input;
                        skip_bytes(&mut input, len, &label)?;
                        let delimiter =
                            delimiter.unwrap_or_else(|| sniff_delimiter(&prefix[len..]));
                        let note = if title.is_empty() {
                            format!(
                                "{label}: skipped {lines} blank line(s) above the header on line {}",
                                lines + 1
                            )
                        } else {
                            format!(
                                "{label}: skipped {lines} line(s) above the header on line {} (a report's title: '{}')",
                                lines + 1,
                                super::values::show(&title)
                            )
                        };
                        let mut src = open_csv(input, label, delimiter, lines, escape)?;
                        src.notices.push(note);
                        src
                    }
                    None => {
                        let delimiter = delimiter.unwrap_or_else(|| sniff_delimiter(&prefix));
                        open_csv(input, label, delimiter, 0, escape)?
                    }
                },
            },
            InputFormat::Jsonl => open_json(input, label, &prefix)?,
            InputFormat::Parquet | InputFormat::ArrowIpc => {
                unreachable!("columnar inputs are opened above")
            }
        };
        if escape {
            src.notices.push(format!(
                "{}: quotes inside quoted values are escaped with a backslash (\\\", as MySQL's INTO OUTFILE writes them): read so",
                src.label
            ));
        }
        if det.how == "guessed" {
            src.notices.push(format!(
                "{} is not UTF-8: read as {} (detected); pass {} NAME if characters look wrong",
                src.label,
                det.encoding.name(),
                Setting::Encoding
            ));
        }
        Ok(src)
    }

    /// Column names (CSV header, or the dotted keys of the first JSON objects).
    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    /// `path` or `<stdin>`.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// Data-quality notes from opening the input: the encoding when it was
    /// not UTF-8 and not forced, title lines skipped above a CSV header.
    pub fn notices(&self) -> &[String] {
        &self.notices
    }

    /// True for JSON, where `--map` may name keys absent from the first objects.
    pub fn is_jsonl(&self) -> bool {
        matches!(self.kind, Kind::Json(_))
    }

    /// JSON: the column names that were null (or `{}`) in every sampled
    /// record; empty for other formats.
    pub fn null_keys(&self) -> &[String] {
        match &self.kind {
            Kind::Json(st) => &st.null_keys,
            _ => &[],
        }
    }

    /// Read these keys too (JSON only), as cells after the header's.
    pub fn set_extra_keys(&mut self, keys: Vec<String>) {
        if let Kind::Json(st) = &mut self.kind {
            st.seen = vec![false; keys.len()];
        }
        self.extra_keys = keys;
    }

    /// Prepare for a resolved mapping: read its JSON keys by name, combine
    /// its repeated columns, check its JSON keys for nested objects.
    pub fn configure(&mut self, mapping: &ColumnMapping, extra: Vec<String>) {
        self.set_extra_keys(extra);
        self.merges = mapping
            .merges()
            .into_iter()
            .map(|(_, f, sources)| (f, sources))
            .collect();
        if self.is_jsonl() {
            let keys: Vec<&String> = self.headers.iter().chain(&self.extra_keys).collect();
            self.mapped = mapping
                .columns()
                .iter()
                .filter_map(|c| keys.get(c.index).map(|k| (c.index, c.field, (*k).clone())))
                .collect();
        }
        if let Kind::Json(st) = &mut self.kind {
            let first = self.headers.len();
            for c in mapping.columns() {
                if c.index >= first && c.how != super::mapping::MatchedBy::Mapping {
                    if let Some(s) = st.seen.get_mut(c.index - first) {
                        *s = true;
                    }
                }
            }
            st.known = self
                .headers
                .iter()
                .chain(&self.extra_keys)
                .cloned()
                .collect();
            st.unmapped = Field::ALL
                .iter()
                .copied()
                .filter(|f| !mapping.has(*f))
                .collect();
        }
    }

    /// CSV: warnings about rows that were not data (the header repeated
    /// where files were joined, a report's footer), once the input is read.
    pub fn layout_warnings(&self) -> Vec<String> {
        match &self.kind {
            Kind::Csv { rows, .. } => rows.warnings(&self.label),
            _ => Vec::new(),
        }
    }

    /// JSON: a warning when the input ended inside the ticket array (after
    /// a whole record, but before the array's `]`): the file may be cut off.
    pub fn unclosed_warning(&self) -> Option<String> {
        let Kind::Json(st) = &self.kind else {
            return None;
        };
        let line = st.splitter.unclosed()?;
        Some(format!(
            "{} ends at line {line} inside the ticket array, before its closing `]`: the file may be cut off (a download or copy that stopped early), so tickets after the last whole one may be missing",
            self.label
        ))
    }

    /// JSON: a warning when keys named like a ticket field first occurred
    /// after the records the column names were taken from, so they were
    /// not read (a CSAT that no early ticket had).
    pub fn late_keys_warning(&self) -> Option<String> {
        let Kind::Json(st) = &self.kind else {
            return None;
        };
        let (key, line, field) = st.late.1.as_ref()?;
        Some(format!(
            "{} record(s) hold keys first seen after the first {} records the columns were taken from, so they were not read (first: '{key}' at line {line}, a {field} key); read it with {} {field}={key}",
            st.late.0,
            st.sampled,
            Setting::Map
        ))
    }

    /// The delimiter in use (CSV), for encoding raw rejected records.
    pub fn delimiter(&self) -> Option<u8> {
        match &self.kind {
            Kind::Csv { delimiter, .. } => Some(*delimiter),
            Kind::Json(_) | Kind::Columnar(_) => None,
        }
    }

    /// The text of the JSON value just read (for the rejects file).
    pub fn last_json_line(&self) -> Option<String> {
        match &self.kind {
            Kind::Json(st) => Some(st.last_raw.clone()),
            Kind::Csv { .. } | Kind::Columnar(_) => None,
        }
    }

    /// The next record; `Err` for fatal I/O errors, and at the end for a
    /// `--map` key that never occurred in the input.
    pub fn next_item(&mut self) -> Option<Result<Item>> {
        loop {
            if let Some(item) = self.queue.pop_front() {
                return Some(Ok(self.combine(item)));
            }
            if self.done {
                return None;
            }
            if let Err(e) = self.fill() {
                self.done = true;
                return Some(Err(e));
            }
        }
    }

    /// Name a vendor's numeric codes, and append the combined cells of
    /// repeated columns.
    fn combine(&self, mut item: Item) -> Item {
        if let (Item::Record(rec), Some(codes)) = (&mut item, &self.cell_codes) {
            codes.translate(&mut rec.values);
        }
        match item {
            Item::Record(mut rec) if !self.merges.is_empty() => {
                for (field, sources) in &self.merges {
                    let cells = sources
                        .iter()
                        .filter_map(|&i| rec.values.get(i))
                        .map(|s| s.trim())
                        .filter(|s| !s.is_empty());
                    let v = match field {
                        Field::Tags => cells
                            .flat_map(parse_tags)
                            .fold(Vec::<String>::new(), |mut acc, t| {
                                if !acc.contains(&t) {
                                    acc.push(t);
                                }
                                acc
                            })
                            .join(json::LIST_SEP),
                        Field::Subject | Field::Body => cells.collect::<Vec<_>>().join("\n\n"),
                        Field::CreatedAt
                        | Field::FirstResponse
                        | Field::Resolved
                        | Field::EscalatedAt => {
                            super::mapping::join_date_and_clock(&cells.collect::<Vec<_>>())
                        }
                        _ => cells.map(str::to_string).next().unwrap_or_default(),
                    };
                    rec.values.push(v);
                }
                Item::Record(rec)
            }
            other => other,
        }
    }

    /// Read the next record(s) into the queue; sets `done` at the end.
    fn fill(&mut self) -> Result<()> {
        match &mut self.kind {
            Kind::Csv {
                rdr,
                rec,
                delimiter,
                ahead,
                rows,
            } => {
                let csv_err = |e| Error::Csv {
                    context: format!("{}: reading CSV", self.label),
                    source: e,
                };
                let line = match ahead.take() {
                    Some((line, next)) => {
                        *rec = next;
                        line
                    }
                    None => match rdr.read_byte_record(rec) {
                        Ok(false) => {
                            rows.finish();
                            self.done = true;
                            return Ok(());
                        }
                        Ok(true) => record_line(rdr, rec),
                        Err(e) => return Err(csv_err(e)),
                    },
                };
                let ctx = CsvCtx {
                    headers: &self.headers,
                    delimiter: *delimiter,
                };
                match rows.classify(line, rec, &self.headers) {
                    RowKind::Skip => return Ok(()),
                    RowKind::OtherHeader(message) => {
                        return Err(Error::Parse {
                            path: self.label.clone(),
                            line,
                            message,
                        })
                    }
                    RowKind::Data(held) => {
                        for (held_line, held_rec) in held {
                            ctx.items(held_line, &held_rec, &mut self.queue);
                        }
                    }
                }
                match ctx.open_quote(rec) {
                    Some((col, OpenQuote::Certain)) => {
                        ctx.reread_swallowed(line, rec, col, &mut self.queue)
                    }
                    // A cell that ends in a line break only ran to the end of
                    // the input if no record follows it: read one ahead.
                    Some((col, OpenQuote::IfLast)) => {
                        let mut next = ByteRecord::new();
                        match rdr.read_byte_record(&mut next) {
                            // The input ends with a closing quote: the cell
                            // was closed (a body ending in a line break).
                            Ok(false) if rdr.get_ref().last_non_space == Some(b'"') => {
                                ctx.items(line, rec, &mut self.queue)
                            }
                            Ok(false) => ctx.reread_swallowed(line, rec, col, &mut self.queue),
                            Ok(true) => {
                                let next_line = record_line(rdr, &next);
                                ctx.items(line, rec, &mut self.queue);
                                *ahead = Some((next_line, next));
                            }
                            Err(e) => {
                                ctx.items(line, rec, &mut self.queue);
                                return Err(csv_err(e));
                            }
                        }
                    }
                    None => ctx.items(line, rec, &mut self.queue),
                }
            }
            Kind::Columnar(rows) => match rows.next_record()? {
                Some(rec) => self.queue.push_back(Item::Record(rec)),
                None => self.done = true,
            },
            Kind::Json(st) => {
                let item = match st.pending.pop_front() {
                    Some(it) => Some(it),
                    None => read_json(st, &self.label)?,
                };
                match item {
                    None => {
                        self.done = true;
                        if let Some(k) = st.seen.iter().position(|s| !s) {
                            return Err(Error::option(
                                Setting::Map,
                                format!(
                                    "'{}' never occurs in {}: no object has that key or dotted path",
                                    self.extra_keys[k], self.label
                                ),
                            ));
                        }
                    }
                    Some(JsonItem::Reject(r)) => {
                        st.last_raw = r.raw.clone();
                        self.queue.push_back(Item::Reject(r));
                    }
                    Some(JsonItem::Obj {
                        line,
                        mut flat,
                        raw,
                    }) => {
                        st.vendor.translate(&mut flat);
                        for (k, key) in self.extra_keys.iter().enumerate() {
                            if flat.contains_key(key) {
                                st.seen[k] = true;
                            }
                        }
                        if !st.unmapped.is_empty() {
                            let mut late = None;
                            for (k, v) in &flat {
                                if v.is_null() || st.known.contains(k) {
                                    continue;
                                }
                                let field = super::fields::field_named(k);
                                if let Some(f) = field.filter(|f| st.unmapped.contains(f)) {
                                    late.get_or_insert((k, f));
                                } else if st.known.len() < MAX_KNOWN_KEYS {
                                    // Checked once: custom fields and the like.
                                    st.known.insert(k.clone());
                                }
                            }
                            if let Some((k, f)) = late {
                                st.late.0 += 1;
                                st.late.1.get_or_insert_with(|| (k.clone(), line, f));
                            }
                        }
                        let item = match nested_object(&flat, &self.mapped) {
                            Some(reason) => Item::Reject(Reject {
                                line,
                                reason,
                                raw: raw.clone(),
                            }),
                            None => Item::Record(Record {
                                line,
                                values: self
                                    .headers
                                    .iter()
                                    .chain(&self.extra_keys)
                                    .map(|k| flat.get(k).map(json::cell).unwrap_or_default())
                                    .collect(),
                            }),
                        };
                        st.last_raw = raw;
                        self.queue.push_back(item);
                    }
                }
            }
        }
        Ok(())
    }
}

/// A mapped key that holds a nested object in this record: the reject reason.
fn nested_object(flat: &Flat, mapped: &[(usize, Field, String)]) -> Option<String> {
    mapped.iter().find_map(|(_, field, key)| {
        if flat.contains_key(key) {
            return None;
        }
        let kids = json::children(flat, key);
        let first = kids.first()?;
        Some(format!(
            "nested object in key '{key}' where a {field} value is expected (map one of its fields with a dotted path, e.g. {map} {field}={first})",
            map = Setting::Map
        ))
    })
}

/// Read up to the first non-blank line and at least [`PEEK_MIN`] bytes
/// (bounded), strip a UTF-8 BOM, and return the input with that prefix put
/// back in front.
fn peek(mut input: Input, label: &str) -> Result<(Input, Vec<u8>)> {
    let mut prefix = Vec::new();
    let mut seen_text = false;
    loop {
        let start = prefix.len();
        let room = PEEK_LIMIT.saturating_sub(start as u64);
        if room == 0 {
            break;
        }
        let n = (&mut input)
            .take(room)
            .read_until(b'\n', &mut prefix)
            .map_err(|e| Error::io(label, e))?;
        seen_text |= prefix[start..].iter().any(|b| !b.is_ascii_whitespace());
        if n == 0 || (seen_text && prefix.len() >= PEEK_MIN) {
            break;
        }
    }
    if prefix.starts_with(b"\xEF\xBB\xBF") {
        prefix.drain(..3);
    }
    let head = prefix.clone();
    Ok((Box::new(Cursor::new(prefix).chain(input)), head))
}

/// `.jsonl`/`.ndjson`/`.json` → JSON, `.csv`/`.tsv`/`.txt` → CSV.
fn format_from_extension(p: &Path) -> Option<InputFormat> {
    let mut ext = p.extension()?.to_str()?.to_ascii_lowercase();
    // `tickets.csv.gz`: the name before the compression's.
    if ext == "gz" {
        ext = Path::new(p.file_stem()?)
            .extension()?
            .to_str()?
            .to_ascii_lowercase();
    }
    match ext.as_str() {
        "jsonl" | "ndjson" | "json" => Some(InputFormat::Jsonl),
        "csv" | "tsv" | "txt" | "psv" => Some(InputFormat::Csv),
        "parquet" | "pq" | "parq" => Some(InputFormat::Parquet),
        "arrow" | "arrows" | "feather" | "ipc" => Some(InputFormat::ArrowIpc),
        _ => None,
    }
}

/// What a file is when it is a container ticketlens does not read, told by
/// its first bytes: a ZIP archive (an `.xlsx` workbook is one), a legacy
/// `.xls` workbook, XML or HTML (many "Excel" exports are an HTML table).
/// Read as text, each would fail on a missing column or a mangled header,
/// which says nothing about the cause.
fn unreadable_container(raw: &[u8]) -> Option<&'static str> {
    if raw.starts_with(b"PK\x03\x04") || raw.starts_with(b"PK\x05\x06") {
        return Some("a ZIP archive (an Excel .xlsx workbook or a zipped export)");
    }
    if raw.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Some("a legacy Excel .xls workbook");
    }
    let text = raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw);
    let start = text.iter().position(|b| !b.is_ascii_whitespace())?;
    let head: Vec<u8> = text[start..]
        .iter()
        .take(16)
        .map(u8::to_ascii_lowercase)
        .collect();
    if head.starts_with(b"<?xml") {
        return Some("XML");
    }
    if head.starts_with(b"<!doctype html")
        || head.starts_with(b"<html")
        || head.starts_with(b"<table")
    {
        return Some("an HTML page (an \"Excel\" export that is an HTML table?)");
    }
    None
}

/// Parquet or Arrow IPC by their first bytes.
fn sniff_binary(head: &[u8]) -> Option<InputFormat> {
    if head.starts_with(columnar::MAGIC) {
        Some(InputFormat::Parquet)
    } else if head.starts_with(columnar::ARROW_FILE_MAGIC)
        || head.starts_with(columnar::ARROW_STREAM_MARKER)
    {
        Some(InputFormat::ArrowIpc)
    } else {
        None
    }
}

/// JSON when the first non-space byte is `{` or `[`.
fn sniff_format(prefix: &[u8]) -> InputFormat {
    match prefix.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{' | b'[') => InputFormat::Jsonl,
        _ => InputFormat::Csv,
    }
}

/// The candidate (`,` `;` tab `|`) seen most often outside quotes in the
/// header line; ties go to the earlier candidate, none found → `,`.
pub(crate) fn sniff_delimiter(prefix: &[u8]) -> u8 {
    const CANDIDATES: [u8; 4] = [b',', b';', b'\t', b'|'];
    let line = prefix.trim_ascii_start();
    let mut counts = [0usize; 4];
    let mut quoted = false;
    for &b in line {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => break,
            _ if !quoted => {
                if let Some(i) = CANDIDATES.iter().position(|&c| c == b) {
                    counts[i] += 1;
                }
            }
            _ => {}
        }
    }
    let (best, n) = counts
        .iter()
        .enumerate()
        .fold((0, 0), |acc, (i, &n)| if n > acc.1 { (i, n) } else { acc });
    if n == 0 {
        b','
    } else {
        CANDIDATES[best]
    }
}

/// Excel's optional first line `sep=X`: the delimiter and the line's
/// length in bytes (line break included).
fn excel_sep_line(prefix: &[u8]) -> Option<(u8, usize)> {
    let head = prefix.get(..4)?;
    if !head.eq_ignore_ascii_case(b"sep=") {
        return None;
    }
    let sep = *prefix.get(4)?;
    let len = match prefix.get(5..)? {
        [b'\n', ..] => 6,
        [b'\r', b'\n', ..] => 7,
        _ => return None,
    };
    (sep.is_ascii_punctuation() || sep == b'\t').then_some((sep, len))
}

/// Open CSV whose header is on line `skipped + 1`.
///
/// `escape`: a backslash escapes the next character inside a quoted value
/// ([`csv_layout::backslash_escapes`]); doubled quotes still read as one.
fn open_csv(
    input: Input,
    label: String,
    delimiter: u8,
    skipped: u64,
    escape: bool,
) -> Result<RecordSource> {
    let tap = LineTap {
        inner: input,
        offset: 0,
        breaks: VecDeque::new(),
        line_base: skipped,
        last_non_space: None,
    };
    let mut rdr = Box::new(
        csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .escape(escape.then_some(b'\\'))
            .flexible(true)
            .has_headers(false)
            .from_reader(tap),
    );
    let mut rec = ByteRecord::new();
    let got = rdr.read_byte_record(&mut rec).map_err(|e| Error::Csv {
        context: format!("{label}: reading the CSV header"),
        source: e,
    })?;
    if !got {
        return Err(Error::Parse {
            path: label,
            line: 1,
            message: "empty input: no header row".into(),
        });
    }
    if let Some(p) = rec.position() {
        rdr.get_mut().start_line(p);
    }
    let header_breaks: u64 = rec
        .iter()
        .map(|c| memchr::memchr_iter(b'\n', c).count() as u64)
        .sum();
    let header_end = skipped + 1 + header_breaks;
    let mut headers: Vec<String> = rec
        .iter()
        .map(|h| decode::lossless_text(h).trim().to_string())
        .collect();
    // Excel writes empty header cells after the last named column.
    while headers.len() > 1 && headers.last().is_some_and(|h| h.is_empty()) {
        headers.pop();
    }
    Ok(RecordSource::new(
        Kind::Csv {
            rdr,
            rec,
            delimiter,
            ahead: None,
            rows: CsvRows::new(header_end),
        },
        headers,
        label,
    ))
}

/// Open JSON: decide the layout from the decoded prefix, then read objects
/// ahead (at most [`JSON_SAMPLE`]) to collect the column names.
fn open_json(mut input: Input, label: String, prefix: &[u8]) -> Result<RecordSource> {
    if let Some(orient) = json::FrameOrient::detect(prefix) {
        let mut doc = Vec::new();
        input
            .read_to_end(&mut doc)
            .map_err(|e| Error::io(&label, e))?;
        if let Some(text) = frame_as_records(&doc, orient) {
            let head = text[..text.len().min(PEEK_MIN)].to_vec();
            let mut src = open_json(Box::new(Cursor::new(text)), label, &head)?;
            src.notices.push(format!(
                "{}: read as a pandas DataFrame written by to_json(orient=\"{}\"), one ticket per row; a reject's line is its 1-based row number",
                src.label,
                orient.name()
            ));
            return Ok(src);
        }
        input = Box::new(Cursor::new(doc));
    }
    // A page's counts and field schemas (Jira's `names`) can fill the
    // prefix before its records start, and a pretty-printed record's list
    // under a page key can run past it before the ticket fields that say
    // it is a record: look further, up to [`PAGE_LOOK_AHEAD`].
    let longer: std::sync::Arc<[u8]>;
    let undecided = match json::page_opening(prefix, &is_page_key) {
        json::Opening::Unknown => true,
        json::Opening::Page { whole, .. } => !whole,
        json::Opening::NotPage => false,
    };
    let prefix = if undecided && (prefix.len() as u64) < PAGE_LOOK_AHEAD {
        let mut head = Vec::new();
        (&mut input)
            .take(PAGE_LOOK_AHEAD)
            .read_to_end(&mut head)
            .map_err(|e| Error::io(&label, e))?;
        longer = head.into();
        input = Box::new(Cursor::new(longer.clone()).chain(input));
        &longer[..]
    } else {
        prefix
    };
    let first = prefix.iter().position(|b| !b.is_ascii_whitespace());
    let mut line = 1u64;
    let mut page = Vec::new();
    let layout = match first.map(|i| prefix[i]) {
        Some(b'[') => {
            line += skip_bytes(&mut input, first.unwrap_or(0) + 1, &label)?;
            Layout::Array
        }
        Some(b'{') => {
            let start = first.unwrap_or(0);
            let end = prefix[start..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(prefix.len(), |e| start + e);
            let line1 = prefix[start..end].trim_ascii();
            let parsed = parse_object(line1);
            if let Some((path, n)) = page_opening(prefix, end, parsed.as_ref().ok(), &label) {
                // An API page: pretty-printed, on one line as `curl` saves it,
                // or several joined (`}{`, one per line, one after another).
                line += skip_bytes(&mut input, n, &label)?;
                page = path;
                Layout::Array
            } else if parsed.is_ok() || (line1.len() > 1 && line1.ends_with(b"}")) {
                // A first line that is a whole object (even a broken one):
                // JSON lines.
                Layout::Lines
            } else {
                // A lone `{`: pretty-printed objects one after another.
                Layout::Concatenated
            }
        }
        _ => Layout::Lines,
    };
    let mut st = JsonState {
        rdr: input,
        layout,
        splitter: Splitter::new(layout, line).in_page(page.clone()),
        buf: Vec::new(),
        line: 0,
        pending: VecDeque::new(),
        last_raw: String::new(),
        seen: Vec::new(),
        late: (0, None),
        known: std::collections::HashSet::new(),
        unmapped: Vec::new(),
        sampled: 0,
        null_keys: Vec::new(),
        vendor: Vendor::None,
    };
    let mut headers: Vec<String> = Vec::new();
    let mut known = std::collections::HashSet::new();
    let mut valued = std::collections::HashSet::new();
    let (mut objects, mut bytes) = (0usize, 0usize);
    while objects < JSON_SAMPLE && bytes < JSON_SAMPLE_BYTES {
        let Some(item) = read_json(&mut st, &label)? else {
            break;
        };
        if let JsonItem::Obj { flat, raw, .. } = &item {
            objects += 1;
            bytes += raw.len();
            for (k, v) in flat {
                if known.insert(k.clone()) {
                    headers.push(k.clone());
                }
                if !v.is_null() && !valued.contains(k) {
                    valued.insert(k.clone());
                }
            }
        }
        st.pending.push_back(item);
    }
    // A key that is an object in some records and null (or absent) in
    // others — Zendesk's `assignee`, Help Scout's `closedBy` — is read by its
    // fields (`assignee.email`); mapping the bare key would reject every
    // record where it holds an object.
    let parents: std::collections::HashSet<String> = headers
        .iter()
        .flat_map(|h| h.match_indices('.').map(|(i, _)| h[..i].to_string()))
        .collect();
    headers.retain(|h| !parents.contains(h));
    st.sampled = objects;
    st.vendor = Vendor::detect(&headers);
    st.null_keys = headers
        .iter()
        .filter(|h| !valued.contains(*h))
        .cloned()
        .collect();
    if objects == 0 {
        let (line, message) = match st.pending.front() {
            Some(JsonItem::Reject(r)) => (r.line, r.reason.clone()),
            _ if layout == Layout::Array && !page.is_empty() => (
                line.max(1),
                format!("no tickets: the page's `{}` array is empty", page.join(".")),
            ),
            _ if layout == Layout::Array => {
                (line.max(1), "no tickets: the JSON array is empty".into())
            }
            _ => (line.max(1), "empty input: no JSON object".to_string()),
        };
        return Err(Error::Parse {
            path: label,
            line,
            message,
        });
    }
    Ok(RecordSource::new(Kind::Json(Box::new(st)), headers, label))
}

/// Keys under which helpdesk APIs return a page of records (Zendesk
/// `tickets`, ServiceNow `result`, Salesforce `records`, Jira `issues`,
/// Intercom `conversations`, OData's `value`, and the generic ones).
const PAGE_KEYS: &[&str] = &[
    "tickets",
    // Front.
    "_results",
    "conversations",
    "result",
    "results",
    "issues",
    "records",
    "data",
    "items",
    "requests",
    "cases",
    "incidents",
    "rows",
    "entries",
    "values",
    // OData (Dynamics 365, Microsoft Graph), Zendesk's ticket metrics.
    "value",
    "ticket_metrics",
];

/// How far [`open_json`] reads ahead to decide whether a JSON object is an
/// API page: a records array still open after this many bytes is a page's,
/// not a list inside one ticket.
const PAGE_LOOK_AHEAD: u64 = 16 << 20;

/// Whether a key names a page's records ([`PAGE_KEYS`]).
fn is_page_key(key: &str) -> bool {
    PAGE_KEYS.contains(&key)
}

/// Where the records of an API page sit (the path of keys to the array)
/// and start (the byte after its `[`), when the input is one: an object
/// with a page key ([`PAGE_KEYS`], or one under HAL's `_embedded`) holding
/// an array of objects (or an empty one), and counts, links, cursors and
/// schemas beside it ([`json::page_opening`]). A key that identifies a
/// ticket (its id, creation time, customer, subject or body) beside the
/// array makes it a record holding a list (`{"id": 7, "items": [{…}],
/// "created_at": …}`); an envelope's `status` (Kayako's HTTP 200), `type` or
/// `source` does not. A ticket that starts with some other list
/// (Freshdesk's `{"cc_emails":[],…}`) stays a record. When the first line
/// is a whole object (`first_line`, a page on one line as `curl` saves it),
/// every record in its array must be an object. In a file named `.jsonl` or
/// `.ndjson` only such a one-line page counts (raw API responses saved one
/// per line); a record there is never read as the start of a pretty page.
/// Later pages, however joined, are read by the splitter ([`json::Splitter`]).
fn page_opening(
    prefix: &[u8],
    end: usize,
    first_line: Option<&serde_json::Map<String, Value>>,
    label: &str,
) -> Option<(Vec<String>, usize)> {
    let lower = label.to_ascii_lowercase();
    let lower = lower.trim_end_matches(".gz");
    let lines_file = lower.ends_with(".jsonl") || lower.ends_with(".ndjson");
    if lines_file && first_line.is_none() {
        return None;
    }
    let json::Opening::Page {
        path, open, others, ..
    } = json::page_opening(prefix, &is_page_key)
    else {
        return None;
    };
    if lines_file && open > end {
        return None;
    }
    // Own names (and `id`) only: an envelope's `message`, `timestamp` or
    // `account` are header spellings of body, creation time and customer
    // too.
    let identifies = |k: &String| {
        let k = super::fields::normalize_header(k);
        [
            Field::TicketId,
            Field::CreatedAt,
            Field::CustomerId,
            Field::Subject,
            Field::Body,
        ]
        .iter()
        .flat_map(|f| f.own_names())
        .chain(&["id"])
        .any(|n| super::fields::normalize_header(n) == k)
    };
    if others.iter().any(identifies) {
        return None;
    }
    if let Some(obj) = first_line.filter(|_| open <= end) {
        let mut items = obj.get(&path[0]);
        for k in &path[1..] {
            items = items.and_then(|v| v.get(k));
        }
        let items = items.and_then(Value::as_array);
        if !items.is_some_and(|a| a.iter().all(Value::is_object)) {
            return None;
        }
    }
    Some((path, open))
}

/// Consume `n` bytes; returns how many `\n` they held.
fn skip_bytes(input: &mut Input, n: usize, label: &str) -> Result<u64> {
    let mut skipped = vec![0; n];
    input
        .read_exact(&mut skipped)
        .map_err(|e| Error::io(label, e))?;
    Ok(memchr::memchr_iter(b'\n', &skipped).count() as u64)
}

/// Read one JSON value (any layout); `None` at the end.
fn read_json(st: &mut JsonState, label: &str) -> Result<Option<JsonItem>> {
    if st.layout == Layout::Lines {
        loop {
            st.buf.clear();
            let n = st
                .rdr
                .read_until(b'\n', &mut st.buf)
                .map_err(|e| Error::io(label, e))?;
            if n == 0 {
                return Ok(None);
            }
            st.line += 1;
            let trimmed = st.buf.trim_ascii();
            if trimmed.is_empty() {
                continue;
            }
            return Ok(Some(json_item(st.line, trimmed, None)));
        }
    }
    let piece = st
        .splitter
        .next_value(&mut st.rdr, &mut st.buf)
        .map_err(|e| Error::io(label, e))?;
    Ok(match piece {
        None => None,
        Some(Piece::Value { line, end_line }) => {
            Some(json_item(line, st.buf.trim_ascii(), Some(end_line)))
        }
        // Fatal, not a reject: whatever follows (an API error body between
        // two pages, a truncated page) may hold any number of tickets, and a
        // run that counted it as one rejected row would pass.
        Some(Piece::Trailing { line }) => {
            return Err(Error::Parse {
                path: label.to_string(),
                line,
                message: "content after the ticket array is neither whitespace nor another page of the same shape (an array, or an object holding its records under the same key): fix or remove it to read the rest".to_string(),
            })
        }
        Some(Piece::Truncated { line, end_line }) => Some(JsonItem::Reject(Reject {
            line,
            reason: format!(
                "unterminated JSON value: the input ends inside the value that starts on line {line} (lines {line}–{end_line})"
            ),
            raw: decode::lossless_text(st.buf.trim_ascii()),
        })),
    })
}

fn json_item(line: u64, bytes: &[u8], end_line: Option<u64>) -> JsonItem {
    let raw = decode::lossless_text(bytes);
    match parse_object(bytes) {
        Ok(obj) => JsonItem::Obj {
            line,
            flat: json::flatten(obj),
            raw,
        },
        Err(mut reason) => {
            if let Some(end) = end_line.filter(|&e| e > line) {
                reason.push_str(&format!(" (value on lines {line}–{end})"));
            }
            JsonItem::Reject(Reject { line, reason, raw })
        }
    }
}

/// A DataFrame document as a JSON array with one record per line (so a
/// record's line is its row number); `None` when it is not laid out as
/// `orient` says (the document is then read as any other JSON).
fn frame_as_records(doc: &[u8], orient: json::FrameOrient) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(doc).ok()?;
    let records = orient.records(parse_value(text).ok()?)?;
    let mut out = b"[".to_vec();
    for (i, r) in records.into_iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(b",\n");
        }
        serde_json::to_writer(&mut out, &Value::Object(r)).ok()?;
    }
    out.push(b']');
    Some(out)
}

/// Parse one JSON value into an object, or a reject reason.
fn parse_object(bytes: &[u8]) -> std::result::Result<serde_json::Map<String, Value>, String> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        format!(
            "invalid UTF-8 at byte {} (the file is not UTF-8 throughout: pass {} windows-1252, or the file's encoding)",
            e.valid_up_to(),
            Setting::Encoding
        )
    })?;
    match parse_value(text) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(other) => Err(format!("expected a JSON object, got {}", json_kind(&other))),
        Err(e) => Err(format!("invalid JSON: {e}")),
    }
}

/// One JSON value. Python's `json.dump` and pandas write a missing number
/// as a bare `NaN` (and infinities as `Infinity`), which JSON has no word
/// for: read as null rather than refused (the error is the text's own).
fn parse_value(text: &str) -> serde_json::Result<Value> {
    serde_json::from_str::<Value>(text).or_else(|e| match non_finite_as_null(text) {
        Some(fixed) => serde_json::from_str::<Value>(&fixed).map_err(|_| e),
        None => Err(e),
    })
}

/// `text` with every bare `NaN`, `Infinity` and `-Infinity` outside a
/// string replaced by `null`; `None` when there is none.
pub(crate) fn non_finite_as_null(text: &str) -> Option<String> {
    const WORDS: [&str; 3] = ["-Infinity", "Infinity", "NaN"];
    let bytes = text.as_bytes();
    let word_char = |c: Option<&u8>| c.is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_');
    let mut out = String::new();
    let (mut in_string, mut escaped) = (false, false);
    let (mut last, mut i) = (0, 0);
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
        } else if b == b'"' {
            in_string = true;
        } else if let Some(w) = WORDS.iter().find(|w| bytes[i..].starts_with(w.as_bytes())) {
            let before = i.checked_sub(1).and_then(|j| bytes.get(j));
            if !word_char(before) && !word_char(bytes.get(i + w.len())) {
                out.push_str(&text[last..i]);
                out.push_str("null");
                i += w.len();
                last = i;
                continue;
            }
        }
        i += 1;
    }
    (last > 0).then(|| {
        out.push_str(&text[last..]);
        out
    })
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// How sure [`CsvCtx::open_quote`] is that a quote was left open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OpenQuote {
    /// The record is malformed anyway.
    Certain,
    /// Only if the record is the input's last one.
    IfLast,
}

/// The physical line where a record just read starts.
fn record_line(rdr: &mut csv::Reader<LineTap<Input>>, rec: &ByteRecord) -> u64 {
    match rec.position() {
        Some(p) => rdr.get_mut().start_line(p),
        None => 0,
    }
}

/// What CSV record checks need to know.
struct CsvCtx<'a> {
    headers: &'a [String],
    delimiter: u8,
}

impl CsvCtx<'_> {
    fn column(&self, i: usize) -> String {
        match self.headers.get(i) {
            Some(h) if !h.is_empty() => h.clone(),
            _ => format!("#{}", i + 1),
        }
    }

    /// Check a CSV record (column count, UTF-8) and queue the record or its
    /// reject. (Open quotes are checked before, by [`CsvCtx::open_quote`].)
    fn items(&self, line: u64, rec: &ByteRecord, out: &mut VecDeque<Item>) {
        let n = self.headers.len();
        let mut len = rec.len();
        if len > n {
            if rec.iter().skip(n).all(|c| c.trim_ascii().is_empty()) {
                len = n;
            } else {
                out.push_back(Item::Reject(Reject {
                    line,
                    reason: format!("wrong column count: expected {n}, got {}", rec.len()),
                    raw: encode_record(rec, self.delimiter),
                }));
                return;
            }
        }
        let mut values = Vec::with_capacity(n);
        for (i, cell) in rec.iter().take(len).enumerate() {
            match std::str::from_utf8(cell) {
                Ok(s) => values.push(s.to_string()),
                Err(e) => {
                    out.push_back(Item::Reject(Reject {
                        line,
                        reason: format!(
                            "invalid UTF-8 in column '{}' at byte {} (the file is not UTF-8 throughout: pass {} windows-1252, or the file's encoding)",
                            self.column(i),
                            e.valid_up_to(),
                            Setting::Encoding
                        ),
                        raw: encode_record(rec, self.delimiter),
                    }));
                    return;
                }
            }
        }
        // Rows that omit trailing empty fields (Outlook and others write them).
        values.resize(n, String::new());
        out.push_back(Item::Record(Record { line, values }));
    }

    /// The column of a quoted cell that was never closed and swallowed the
    /// following rows: a cell with line breaks whose continuation lines look
    /// like rows (as many cells as the header, or nearly), in a record that
    /// is malformed anyway (wrong cell count: [`OpenQuote::Certain`]) or
    /// whose cell ends with a line break ([`OpenQuote::IfLast`]: it ran to
    /// the end of the input only if no record follows).
    fn open_quote(&self, rec: &ByteRecord) -> Option<(usize, OpenQuote)> {
        let n = self.headers.len();
        if n < 3 || memchr::memchr(b'\n', rec.as_slice()).is_none() {
            return None;
        }
        let min_cells = 3.max(n.div_ceil(2));
        rec.iter()
            .position(|cell| {
                if memchr::memchr(b'\n', cell).is_none() {
                    return false;
                }
                let ends_nl = cell
                    .rsplit(|&b| b == b'\n')
                    .next()
                    .is_some_and(|l| l.trim_ascii().is_empty());
                let row_like = cell.split(|&b| b == b'\n').skip(1).any(|l| {
                    let cells = memchr::memchr_iter(self.delimiter, l).count() + 1;
                    (min_cells..=n).contains(&cells)
                });
                row_like && (rec.len() != n || ends_nl)
            })
            .map(|col| {
                let sure = if rec.len() != n {
                    OpenQuote::Certain
                } else {
                    OpenQuote::IfLast
                };
                (col, sure)
            })
    }

    /// Reject the row whose quote never closed, and read the lines it
    /// swallowed again as rows.
    fn reread_swallowed(&self, line: u64, rec: &ByteRecord, col: usize, out: &mut VecDeque<Item>) {
        let d = self.delimiter;
        let cells: Vec<&[u8]> = rec.iter().collect();
        let before: u64 = cells[..col]
            .iter()
            .map(|c| memchr::memchr_iter(b'\n', c).count() as u64)
            .sum();
        let open_line = line + before;
        let segs: Vec<&[u8]> = cells[col].split(|&b| b == b'\n').collect();
        let last_line = open_line + segs.len() as u64 - 1;
        let mut first_text: Vec<String> = cells[..col]
            .iter()
            .map(|c| decode::lossless_text(c))
            .collect();
        first_text.push(String::new());
        let mut raw = encode_cells(&first_text, d);
        raw.push('"');
        raw.push_str(&decode::lossless_text(strip_cr(segs[0])));
        let swallowed_end = if segs.last().is_some_and(|l| l.trim_ascii().is_empty()) {
            last_line - 1
        } else {
            last_line
        };
        out.push_back(Item::Reject(Reject {
            line,
            reason: format!(
                "unterminated quote in column '{}': the quoted value opened on line {open_line} swallowed lines {}–{swallowed_end} (they are read again as rows; close the quote or double the stray '\"')",
                self.column(col),
                open_line + 1,
            ),
            raw,
        }));
        for (k, seg) in segs.iter().enumerate().skip(1) {
            let mut text = strip_cr(seg).to_vec();
            if k == segs.len() - 1 && col + 1 < cells.len() {
                // The line where the parser found a closing quote: the rest
                // of the record's cells belong to it.
                let rest: Vec<String> = cells[col + 1..]
                    .iter()
                    .map(|c| decode::lossless_text(c))
                    .collect();
                text.push(d);
                text.extend_from_slice(encode_cells(&rest, d).as_bytes());
            }
            if text.trim_ascii().is_empty() {
                continue;
            }
            let mut r = csv::ReaderBuilder::new()
                .delimiter(d)
                .flexible(true)
                .has_headers(false)
                .from_reader(&text[..]);
            let mut one = ByteRecord::new();
            let at = open_line + k as u64;
            match r.read_byte_record(&mut one) {
                Ok(true) => self.items(at, &one, out),
                _ => out.push_back(Item::Reject(Reject {
                    line: at,
                    reason: "unreadable line after an unterminated quote".into(),
                    raw: decode::lossless_text(&text),
                })),
            }
        }
    }
}

fn strip_cr(s: &[u8]) -> &[u8] {
    s.strip_suffix(b"\r").unwrap_or(s)
}

/// Re-encode a record as one CSV row (quoting as needed), so the raw text in
/// the rejects file can be pasted back into the input. Bytes that are not
/// UTF-8 are read as Windows-1252 (not U+FFFD), so the text stays faithful.
pub(crate) fn encode_record(rec: &ByteRecord, delimiter: u8) -> String {
    let cells: Vec<String> = rec.iter().map(decode::lossless_text).collect();
    encode_cells(&cells, delimiter)
}

/// Join cells with the delimiter, quoting cells that need it.
pub(crate) fn encode_cells(cells: &[String], delimiter: u8) -> String {
    let d = delimiter as char;
    let mut out = String::new();
    for (i, c) in cells.iter().enumerate() {
        if i > 0 {
            out.push(d);
        }
        if c.contains([d, '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&c.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(c);
        }
    }
    out
}
