//! Raw records from CSV or JSONL, one at a time.
//!
//! This layer knows nothing about tickets: it opens the input, detects the
//! format and delimiter from a small bounded prefix, and yields each record's
//! cells as strings in header order (or a [`Reject`] for a record that cannot
//! be read). Memory stays bounded by the longest record, so multi-gigabyte
//! exports stream through.

use super::{InputFormat, InputSource, Reject};
use crate::error::{Error, Result};
use csv::ByteRecord;
use serde_json::{Map, Value};
use std::io::{BufRead, BufReader, Cursor, Read};
use std::path::Path;

/// The most bytes looked at before the first record to detect the format.
const PEEK_LIMIT: u64 = 1 << 20;
/// Read buffer size.
const BUF_SIZE: usize = 1 << 20;

type Input = Box<dyn BufRead + Send>;

/// One record's cells (valid UTF-8), in header order; JSONL records may carry
/// extra cells after the header for keys that `--map` named by name.
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

enum Kind {
    Csv {
        rdr: Box<csv::Reader<Input>>,
        rec: ByteRecord,
        delimiter: u8,
    },
    Jsonl {
        rdr: Input,
        buf: Vec<u8>,
        line: u64,
        pending: Option<(u64, Map<String, Value>)>,
    },
}

/// A stream of raw records with their header.
pub(crate) struct RecordSource {
    kind: Kind,
    headers: Vec<String>,
    /// JSONL keys read by name that are not in the first object.
    extra_keys: Vec<String>,
    /// `path` or `<stdin>`, for messages.
    label: String,
}

impl RecordSource {
    /// Open the input, detect format and delimiter, and read the header.
    pub fn open(
        source: &InputSource,
        format: Option<InputFormat>,
        delimiter: Option<u8>,
    ) -> Result<Self> {
        let (input, label, path): (Input, String, Option<&Path>) = match source {
            InputSource::Path(p) => {
                let f = std::fs::File::open(p).map_err(|e| Error::io(p, e))?;
                (
                    Box::new(BufReader::with_capacity(BUF_SIZE, f)),
                    p.display().to_string(),
                    Some(p),
                )
            }
            InputSource::Stdin => (
                Box::new(BufReader::with_capacity(BUF_SIZE, std::io::stdin())),
                "<stdin>".to_string(),
                None,
            ),
        };
        let (input, prefix) = peek(input, &label)?;
        let format = format
            .or_else(|| path.and_then(format_from_extension))
            .unwrap_or_else(|| sniff_format(&prefix));
        match format {
            InputFormat::Csv => {
                let delimiter = delimiter.unwrap_or_else(|| sniff_delimiter(&prefix));
                open_csv(input, label, delimiter)
            }
            InputFormat::Jsonl => open_jsonl(input, label),
        }
    }

    /// Column names (CSV header, or the keys of the first JSON object).
    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    /// `path` or `<stdin>`.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// True for JSONL, where `--map` may name keys absent from the first object.
    pub fn is_jsonl(&self) -> bool {
        matches!(self.kind, Kind::Jsonl { .. })
    }

    /// Read these keys too (JSONL only), as cells after the header's.
    pub fn set_extra_keys(&mut self, keys: Vec<String>) {
        self.extra_keys = keys;
    }

    /// The delimiter in use (CSV), for encoding raw rejected records.
    pub fn delimiter(&self) -> Option<u8> {
        match &self.kind {
            Kind::Csv { delimiter, .. } => Some(*delimiter),
            Kind::Jsonl { .. } => None,
        }
    }

    /// The text of the JSONL line just read (for the rejects file).
    pub fn last_json_line(&self) -> Option<String> {
        match &self.kind {
            Kind::Jsonl { buf, .. } => Some(String::from_utf8_lossy(buf.trim_ascii()).into_owned()),
            Kind::Csv { .. } => None,
        }
    }

    /// The next record; `Err` only for fatal I/O errors.
    pub fn next_item(&mut self) -> Option<Result<Item>> {
        match &mut self.kind {
            Kind::Csv {
                rdr,
                rec,
                delimiter,
            } => match rdr.read_byte_record(rec) {
                Ok(false) => None,
                Ok(true) => Some(Ok(csv_item(rec, &self.headers, *delimiter))),
                Err(e) => Some(Err(Error::Csv {
                    context: format!("{}: reading CSV", self.label),
                    source: e,
                })),
            },
            Kind::Jsonl {
                rdr,
                buf,
                line,
                pending,
            } => {
                if let Some((l, obj)) = pending.take() {
                    return Some(Ok(Item::Record(json_record(
                        l,
                        &obj,
                        &self.headers,
                        &self.extra_keys,
                    ))));
                }
                loop {
                    buf.clear();
                    match rdr.read_until(b'\n', buf) {
                        Ok(0) => return None,
                        Ok(_) => {}
                        Err(e) => return Some(Err(Error::io(&self.label, e))),
                    }
                    *line += 1;
                    let trimmed = buf.trim_ascii();
                    if trimmed.is_empty() {
                        continue;
                    }
                    return Some(Ok(match parse_object(trimmed) {
                        Ok(obj) => {
                            Item::Record(json_record(*line, &obj, &self.headers, &self.extra_keys))
                        }
                        Err(reason) => Item::Reject(Reject {
                            line: *line,
                            reason,
                            raw: String::from_utf8_lossy(trimmed).into_owned(),
                        }),
                    }));
                }
            }
        }
    }
}

/// Read up to the first non-blank line (bounded), strip a UTF-8 BOM, and
/// return the input with that prefix put back in front.
fn peek(mut input: Input, label: &str) -> Result<(Input, Vec<u8>)> {
    let mut prefix = Vec::new();
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
        if n == 0 || prefix[start..].iter().any(|b| !b.is_ascii_whitespace()) {
            break;
        }
    }
    if prefix.starts_with(b"\xEF\xBB\xBF") {
        prefix.drain(..3);
    }
    let head = prefix.clone();
    Ok((Box::new(Cursor::new(prefix).chain(input)), head))
}

/// `.jsonl`/`.ndjson`/`.json` → JSONL, `.csv`/`.tsv`/`.txt` → CSV.
fn format_from_extension(p: &Path) -> Option<InputFormat> {
    let ext = p.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "jsonl" | "ndjson" | "json" => Some(InputFormat::Jsonl),
        "csv" | "tsv" | "txt" | "psv" => Some(InputFormat::Csv),
        _ => None,
    }
}

/// JSONL when the first non-space byte is `{` (or `[`, to explain the error).
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

fn open_csv(input: Input, label: String, delimiter: u8) -> Result<RecordSource> {
    let mut rdr = Box::new(
        csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .flexible(true)
            .has_headers(false)
            .from_reader(input),
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
    let headers = rec
        .iter()
        .map(|h| String::from_utf8_lossy(h).trim().to_string())
        .collect();
    Ok(RecordSource {
        kind: Kind::Csv {
            rdr,
            rec,
            delimiter,
        },
        headers,
        extra_keys: Vec::new(),
        label,
    })
}

fn open_jsonl(mut input: Input, label: String) -> Result<RecordSource> {
    let mut buf = Vec::new();
    let mut line = 0u64;
    loop {
        buf.clear();
        let n = input
            .read_until(b'\n', &mut buf)
            .map_err(|e| Error::io(&label, e))?;
        if n == 0 {
            return Err(Error::Parse {
                path: label,
                line: line.max(1),
                message: "empty input: no JSON object".into(),
            });
        }
        line += 1;
        let t = buf.trim_ascii();
        if t.is_empty() {
            continue;
        }
        if t.starts_with(b"[") {
            return Err(Error::Parse {
                path: label,
                line,
                message: "a JSON array is not supported; write one JSON object per line (JSONL)"
                    .into(),
            });
        }
        let obj = parse_object(t).map_err(|m| Error::Parse {
            path: label.clone(),
            line,
            message: m,
        })?;
        let headers = obj.keys().cloned().collect();
        return Ok(RecordSource {
            kind: Kind::Jsonl {
                rdr: input,
                buf,
                line,
                pending: Some((line, obj)),
            },
            headers,
            extra_keys: Vec::new(),
            label,
        });
    }
}

/// Parse one JSONL line into an object, or a reject reason.
fn parse_object(bytes: &[u8]) -> std::result::Result<Map<String, Value>, String> {
    let text = std::str::from_utf8(bytes)
        .map_err(|e| format!("invalid UTF-8 at byte {}", e.valid_up_to()))?;
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(other) => Err(format!("expected a JSON object, got {}", json_kind(&other))),
        Err(e) => Err(format!("invalid JSON: {e}")),
    }
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

/// A JSON value as a cell: strings as-is, null as empty, nested values as JSON text.
fn json_cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn json_record(
    line: u64,
    obj: &Map<String, Value>,
    headers: &[String],
    extra: &[String],
) -> Record {
    let values = headers
        .iter()
        .chain(extra)
        .map(|k| obj.get(k).map(json_cell).unwrap_or_default())
        .collect();
    Record { line, values }
}

/// Check a CSV record: column count, UTF-8.
fn csv_item(rec: &ByteRecord, headers: &[String], delimiter: u8) -> Item {
    let line = rec.position().map(|p| p.line()).unwrap_or(0);
    if rec.len() != headers.len() {
        return Item::Reject(Reject {
            line,
            reason: format!(
                "wrong column count: expected {}, got {}",
                headers.len(),
                rec.len()
            ),
            raw: encode_record(rec, delimiter),
        });
    }
    let mut values = Vec::with_capacity(rec.len());
    for (i, cell) in rec.iter().enumerate() {
        match std::str::from_utf8(cell) {
            Ok(s) => values.push(s.to_string()),
            Err(e) => {
                return Item::Reject(Reject {
                    line,
                    reason: format!(
                        "invalid UTF-8 in column '{}' at byte {}",
                        headers[i],
                        e.valid_up_to()
                    ),
                    raw: encode_record(rec, delimiter),
                })
            }
        }
    }
    Item::Record(Record { line, values })
}

/// Re-encode a record as one CSV row (quoting as needed), lossily decoded,
/// so the raw text in the rejects file can be pasted back into the input.
pub(crate) fn encode_record(rec: &ByteRecord, delimiter: u8) -> String {
    let cells: Vec<String> = rec
        .iter()
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect();
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
