//! Ingest: CSV/JSONL → typed [`crate::Ticket`] rows, with rejects.
//!
//! [`open`] returns a [`TicketReader`], a streaming iterator of [`Row`]s:
//! each input record becomes either a typed ticket or a [`Reject`] that says
//! which line and why, so nothing is dropped silently. Header spellings of
//! the common help desks are recognised ([`Field::aliases`]); `--map`
//! overrides them. Conversation logs (one row per message) are rebuilt into
//! tickets by [`conversations`]. See `docs/ingest.md` for the formats.

mod columnar;
pub mod conversations;
mod convert;
mod csv_layout;
pub(crate) mod customers;
mod decode;
mod durations;
mod fields;
mod infer;
mod json;
mod labels;
mod mapping;
pub(crate) mod quality;
mod reader;
mod rejects;
mod source;
pub mod time;
mod values;
mod vendor_codes;
mod versions;

#[cfg(test)]
mod tests;

pub use crate::error::IngestError;
pub use durations::Unit;
pub use fields::{find_column, normalize_header, Field};
pub use mapping::{ColumnMapping, MappedColumn, MatchedBy};
pub use quality::{DataQuality, RejectGroup, RejectPolicy, RejectSummary};
pub use reader::TicketReader;
pub use rejects::RejectsWriter;
pub(crate) use source::encode_cells;
pub use values::parse_tags as split_tags;

use crate::error::Result;
use crate::ticket::Ticket;
use std::path::PathBuf;

/// Where the input comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputSource {
    /// A file.
    Path(PathBuf),
    /// Standard input (`-` on the command line).
    Stdin,
    /// Bytes in memory (an Arrow IPC stream from the Python package, or
    /// any format a file may hold), named `label` in messages.
    Memory {
        /// What messages call the input.
        label: String,
        /// The bytes.
        bytes: bytes::Bytes,
    },
}

impl InputSource {
    /// `-` means stdin, anything else a path.
    pub fn from_arg(arg: &str) -> Self {
        if arg == "-" {
            InputSource::Stdin
        } else {
            InputSource::Path(PathBuf::from(arg))
        }
    }

    /// How messages name the input: the path as given, `<stdin>`, or the
    /// in-memory input's label.
    pub fn label(&self) -> String {
        match self {
            InputSource::Path(p) => p.display().to_string(),
            InputSource::Stdin => "<stdin>".to_string(),
            InputSource::Memory { label, .. } => label.clone(),
        }
    }
}

/// Input format. When not given, a file that starts with Parquet's magic
/// bytes `PAR1` (or is named `.parquet`/`.pq`/`.parq`) is Parquet, one that
/// starts like Arrow IPC (or is named `.arrow`/`.arrows`/`.feather`/`.ipc`)
/// is Arrow,
/// `.jsonl`/`.ndjson`/`.json` mean JSON, `.csv`/`.tsv`/`.txt` mean CSV, and
/// otherwise (stdin, other extensions) a first non-space character `{` or
/// `[` means JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    /// Delimited text with a header row.
    Csv,
    /// JSON: one object per line, a JSON array of objects (also inside a
    /// `{"tickets": [...]}` wrapper) or pretty-printed objects; nested
    /// objects are flattened to dotted keys.
    Jsonl,
    /// Apache Parquet (`.parquet`, or a file that starts with `PAR1`):
    /// typed columns rendered as cells, struct members as dotted names,
    /// vector columns skipped (see docs/ingest.md, "Parquet and Arrow").
    Parquet,
    /// Arrow IPC, the stream or the file format (Feather v2; `.arrow`,
    /// `.arrows`, `.feather`): read like Parquet.
    ArrowIpc,
}

/// The scale a CSAT survey is answered on. CSAT is the share of answers
/// in the top two boxes of five (4 and 5: "satisfied"), the top-two-box
/// convention of CSAT surveys.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CsatScale {
    /// Decided from the column's sampled answers ([`CsatScale::of_answers`]:
    /// 1–5, or 0–10 / 0–100 when enough answers are above 5 / 10; a
    /// warning says which when it is not 1–5).
    #[default]
    Auto,
    /// 1–5 (stars, the usual): answers read as they are.
    OneToFive,
    /// 1–3 (three faces: unhappy, neutral, happy): read as 1, 3 and 5 on
    /// the 1–5 scale, so only "happy" counts as satisfied. A text rating
    /// `good`/`bad` is 3/1 here.
    OneToThree,
    /// 0–10 (also 1–10 surveys): read linearly onto 1–5 (`1 + 0.4 x`), so 8,
    /// 9 and 10 count as satisfied.
    ZeroToTen,
    /// 0–100 (a percentage, `%` allowed): read linearly onto 1–5, so 75 and
    /// above count as satisfied.
    ZeroToHundred,
}

impl CsatScale {
    /// The valid answers: `(lowest, highest)` (`Auto`: 1–5, the scale
    /// assumed before the answers are seen).
    pub fn range(self) -> (f64, f64) {
        match self {
            CsatScale::Auto | CsatScale::OneToFive => (1.0, 5.0),
            CsatScale::OneToThree => (1.0, 3.0),
            CsatScale::ZeroToTen => (0.0, 10.0),
            CsatScale::ZeroToHundred => (0.0, 100.0),
        }
    }

    /// The scale of a CSAT column from its numeric answers (`Auto`'s rule):
    /// 0–100 when at least 2 answers and a quarter of them are above 10,
    /// with 3 distinct values there and none above 100; else 0–10 when the
    /// same holds above 5 with 2 distinct values, the highest 8 or more and
    /// none above 10; else 1–5. A stray `9`, a survey's "don't know" code
    /// `9`, typos `44`/`55` or a 1–7 Likert scale stay rejects (a loud
    /// stop) instead of turning every 5 into a 3.
    pub fn of_answers(answers: &[f64]) -> CsatScale {
        let above = |t: f64| answers.iter().filter(|&&x| x > t).count();
        // Distinct whole answers above `t`: a survey code (`9` = don't
        // know) or a typo repeats one value.
        let distinct = |t: f64| {
            let mut v: Vec<i64> = answers
                .iter()
                .filter(|&&x| x > t)
                .map(|x| x.round() as i64)
                .collect();
            v.sort_unstable();
            v.dedup();
            v.len()
        };
        let max = answers.iter().copied().fold(0.0, f64::max);
        let decides = |t: f64, top: f64, kinds: usize| {
            let n = above(t);
            n >= 2 && n * 4 >= answers.len() && above(top) == 0 && distinct(t) >= kinds
        };
        if decides(10.0, 100.0, 3) {
            CsatScale::ZeroToHundred
        } else if decides(5.0, 10.0, 2) && max >= 8.0 {
            CsatScale::ZeroToTen
        } else {
            CsatScale::OneToFive
        }
    }

    /// The scale as messages write it (`1–5`, `0–10`).
    pub fn label(self) -> &'static str {
        match self {
            CsatScale::Auto | CsatScale::OneToFive => "1–5",
            CsatScale::OneToThree => "1–3",
            CsatScale::ZeroToTen => "0–10",
            CsatScale::ZeroToHundred => "0–100",
        }
    }

    /// An answer on this scale as a score on 1–5 (linear: 1 → 1, top → 5).
    pub fn to_five(self, answer: f64) -> f64 {
        let (lo, hi) = self.range();
        1.0 + (answer - lo) * 4.0 / (hi - lo)
    }
}

/// How to read and map the input.
#[derive(Debug, Clone)]
pub struct IngestOptions {
    /// `--map field=Column` overrides (field names: [`Field::as_str`]).
    pub map: Vec<(String, String)>,
    /// `--text-column` (repeatable): when set, the model text is these columns
    /// joined with `". "`, stored in `Ticket.body` (subject `None`).
    pub text_columns: Vec<String>,
    /// Zone of timestamps without an offset.
    pub timezone: chrono_tz::Tz,
    /// Forced format; `None` = detect.
    pub format: Option<InputFormat>,
    /// CSV delimiter; `None` = sniff from the header line among `,` `;` tab `|`.
    pub delimiter: Option<u8>,
    /// Fail when no creation-time column is found (KPI/analyze need it;
    /// classify does not, and then `created_at` is the Unix epoch).
    pub require_created_at: bool,
    /// Fail when no text column is found (the model needs text; `kpi` does
    /// not, and then tickets carry no text).
    pub require_text: bool,
    /// `--encoding`: force a character encoding (a WHATWG label such as
    /// `utf-8`, `utf-16le`, `windows-1252`, `latin1`); `None` = detect.
    pub encoding: Option<String>,
    /// `--date-order`: how to read all-numeric dates (`04/03/2024`) in a
    /// column whose values never decide the order; `None` = the stated
    /// default, with a warning.
    pub date_order: Option<time::DateOrder>,
    /// `--date-format COLUMN=FORMAT` (strftime) per input column.
    pub date_formats: Vec<(String, String)>,
    /// `--unit FIELD=UNIT`: the unit of plain numbers in a duration field
    /// (first_response, resolved), overriding what the header says.
    pub units: Vec<(String, String)>,
    /// `--csat-scale`: the scale CSAT answers are on.
    pub csat_scale: CsatScale,
    /// Called with the column mapping each time an input is opened with
    /// these options (`--explain-mapping` prints it). A hook rather than a
    /// separate "open and print" step because stdin can only be read once:
    /// the mapping shown must come from the reader that reads the rows.
    pub on_mapping: Option<fn(&ColumnMapping)>,
}

impl Default for IngestOptions {
    fn default() -> Self {
        IngestOptions {
            map: Vec::new(),
            text_columns: Vec::new(),
            timezone: chrono_tz::Tz::UTC,
            format: None,
            delimiter: None,
            require_created_at: false,
            require_text: true,
            encoding: None,
            date_order: None,
            date_formats: Vec::new(),
            units: Vec::new(),
            csat_scale: CsatScale::default(),
            on_mapping: None,
        }
    }
}

/// A row that could not become a ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reject {
    /// 1-based physical line where the record starts (the CSV header is line 1).
    pub line: u64,
    /// One line saying why, naming the column and value.
    pub reason: String,
    /// The record as read (CSV re-encoded with its delimiter, or the JSONL line).
    pub raw: String,
}

/// One input record's outcome.
///
/// Tickets are the common case, so they are not boxed (boxing would cost an
/// allocation per row to shrink the rare reject).
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Row {
    /// A typed ticket.
    Ticket(Ticket),
    /// A rejected record.
    Rejected(Reject),
}

/// Counts of an ingest run (`read == accepted + rejected`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct IngestStats {
    /// Records read (header, blank lines and superseded records excluded).
    pub read: u64,
    /// Records that became tickets.
    pub accepted: u64,
    /// Records rejected.
    pub rejected: u64,
    /// Records skipped as earlier versions of a ticket whose id is listed
    /// again further on (the last row of each ticket is read; see the
    /// reader's warning). Not in `read`.
    pub superseded: u64,
}

/// Open an input: detect format and delimiter, read the header and map the
/// columns. Fails (before reading any row) on a missing required column or
/// a bad `--map`/`--text-column`.
pub fn open(source: &InputSource, opts: &IngestOptions) -> Result<TicketReader> {
    TicketReader::new(source, opts)
}
