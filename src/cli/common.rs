//! Argument groups shared by several commands.

use anyhow::{Context, Result};
use clap::Args;
use serde::Serialize;
use std::path::PathBuf;
use ticketlens::ingest::conversations::ConversationOptions;
use ticketlens::ingest::time::DateOrder;
use ticketlens::ingest::{
    ColumnMapping, CsatScale, DataQuality, IngestOptions, InputFormat, InputSource, RejectPolicy,
};
use ticketlens::model::{Classifier, ClassifierOptions, ModelSource};
use ticketlens::pipeline::load::{LoadOptions, Open, RejectOutput};

/// How to read and map ticket rows: shared by [`InputArgs`] and the churn
/// commands, which name their ticket file differently.
#[derive(Debug, Clone, Args, Serialize)]
pub struct ReadArgs {
    /// Map a ticket field to an input column, e.g. `--map created_at="Opened On"` (repeatable).
    /// Fields: ticket_id customer_id created_at first_response resolved handle_time status
    /// resolution_code channel priority agent team escalated escalated_at reopens replies csat nps
    /// ces subject body tags spam deleted.
    #[arg(long = "map", value_name = "FIELD=COLUMN")]
    pub map: Vec<String>,
    /// Build the model text from these columns instead of subject + body (repeatable).
    #[arg(long = "text-column", value_name = "COLUMN")]
    pub text_columns: Vec<String>,
    /// Time zone of timestamps without an offset (IANA name; default: the zone of
    /// `--business-hours` when it names one, else UTC).
    #[arg(long, value_name = "TZ")]
    pub timezone: Option<String>,
    /// Input format (default: from the extension or the first byte).
    #[arg(long = "input-format", value_enum)]
    pub input_format: Option<InputFormatArg>,
    /// Field delimiter for CSV (default: sniffed from the header).
    #[arg(long, value_name = "CHAR")]
    pub delimiter: Option<char>,
    /// Character encoding of the input, e.g. utf-8, utf-16le, windows-1252, latin1
    /// (default: detected from the BOM and the bytes).
    #[arg(long, value_name = "NAME")]
    pub encoding: Option<String>,
    /// Day/month order of all-numeric dates like 04/03/2024 in columns whose values do not
    /// decide it (default: decided per column from its values, else like another date
    /// column that decided; if none does: month-first for `04/03/2024` with a warning,
    /// day-first for `04-03-2024` (with a warning) and `04.03.2024`).
    #[arg(long = "date-order", value_enum)]
    pub date_order: Option<DateOrderArg>,
    /// Parse a date column with this strftime format, e.g. `--date-format "Opened=%d %b %Y %H:%M"`
    /// (repeatable).
    #[arg(long = "date-format", value_name = "COLUMN=FORMAT")]
    pub date_formats: Vec<String>,
    /// Unit of plain numbers in a duration field, e.g. `--unit resolved=seconds` (units:
    /// seconds, minutes, hours, days; fields: first_response, resolved, handle_time; repeatable).
    #[arg(long = "unit", value_name = "FIELD=UNIT")]
    pub units: Vec<String>,
    /// Scale of the CSAT answers: auto (default: 1–5, or 0–10 / 0–100 when the answers go above
    /// 5 / 10), 5 (1–5), 3 (1–3, three faces: read as 1, 3, 5, so only the top answer counts as
    /// satisfied), 10 (0–10: 8 and above satisfied) or 100 (0–100: 75 and above).
    #[arg(long = "csat-scale", value_enum, default_value = "auto")]
    pub csat_scale: CsatScaleArg,
}

/// `--csat-scale` values.
#[derive(Debug, Clone, Copy, clap::ValueEnum, Serialize)]
pub enum CsatScaleArg {
    /// From the answers.
    #[value(name = "auto")]
    #[serde(rename = "auto")]
    Auto,
    /// 1–5.
    #[value(name = "5")]
    #[serde(rename = "5")]
    Five,
    /// 1–3.
    #[value(name = "3")]
    #[serde(rename = "3")]
    Three,
    /// 0–10.
    #[value(name = "10")]
    #[serde(rename = "10")]
    Ten,
    /// 0–100.
    #[value(name = "100")]
    #[serde(rename = "100")]
    Hundred,
}

/// `--date-order` values.
#[derive(Debug, Clone, Copy, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DateOrderArg {
    /// Day first: 04/03/2024 is 4 March.
    Dmy,
    /// Month first: 04/03/2024 is April 3.
    Mdy,
}

/// How to read and map the ticket input.
#[derive(Debug, Clone, Args, Serialize)]
pub struct InputArgs {
    /// Ticket export: CSV (any delimiter), JSON/JSONL, Parquet or Arrow; `-` reads stdin.
    #[serde(serialize_with = "super::ser::file_name")]
    pub input: String,
    /// How to read the rows (mapping, text columns, time zone, format).
    #[command(flatten)]
    #[serde(flatten)]
    pub read: ReadArgs,
    /// Print how input columns were mapped to ticket fields.
    #[arg(long)]
    #[serde(skip)]
    pub explain_mapping: bool,
    /// When rejected rows fail the run (`--strict`, `--max-reject-rate`).
    #[command(flatten)]
    #[serde(flatten)]
    pub rejects: RejectArgs,
}

/// When rejected rows turn a run into a failure. Outputs are written either
/// way; the failure is exit code 3 after the rejects summary.
#[derive(Debug, Clone, Args, Serialize)]
pub struct RejectArgs {
    /// Exit with code 3 if any row is rejected (after writing the outputs).
    #[arg(long)]
    pub strict: bool,
    /// Exit with code 3 (after writing the outputs) when more than PCT percent of the rows are
    /// rejected (0–100; 100 never fails).
    #[arg(long = "max-reject-rate", value_name = "PCT", default_value_t = 5.0)]
    pub max_reject_rate: f64,
}

impl RejectArgs {
    /// The policy the run is held to.
    pub fn policy(&self) -> Result<RejectPolicy> {
        Ok(RejectPolicy::from_percent(
            self.strict,
            self.max_reject_rate,
        )?)
    }
}

/// Print the data-quality summary (rejects by reason, ingest warnings) on
/// stderr, each line prefixed with `cmd: `; nothing when the read was clean.
/// Printed even with `--quiet`: it changes what the outputs mean.
pub fn print_quality(cmd: &str, dq: &DataQuality) {
    for line in dq.summary_lines() {
        eprintln!("{cmd}: {line}");
    }
}

/// `--input-format` values.
#[derive(Debug, Clone, Copy, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum InputFormatArg {
    /// Comma/semicolon/tab separated.
    Csv,
    /// One JSON object per line.
    Jsonl,
    /// Apache Parquet.
    Parquet,
    /// Arrow IPC (stream or file format, Feather v2).
    Arrow,
}

impl InputArgs {
    /// What [`ticketlens::pipeline::load::load_tickets`] reads: this input
    /// with `ingest` options, rejects to `rejects` under `--strict` /
    /// `--max-reject-rate`.
    pub fn load_options(
        &self,
        ingest: IngestOptions,
        open: Open,
        rejects: std::path::PathBuf,
    ) -> Result<LoadOptions> {
        Ok(LoadOptions {
            source: self.source(),
            ingest,
            open,
            rejects: RejectOutput {
                path: rejects,
                policy: self.rejects.policy()?,
            },
        })
    }

    /// Where to read from.
    pub fn source(&self) -> InputSource {
        if self.input == "-" {
            InputSource::Stdin
        } else {
            InputSource::Path(PathBuf::from(&self.input))
        }
    }

    /// Ingest options; `require_created_at` for commands that need timings.
    pub fn options(&self, require_created_at: bool) -> Result<IngestOptions> {
        let map = parse_pairs(&self.read.map, "--map")?;
        let name = self.read.timezone.as_deref().unwrap_or("UTC");
        let timezone: chrono_tz::Tz = name.parse().map_err(|_| {
            anyhow::anyhow!("invalid --timezone `{name}`: not an IANA time zone name")
        })?;
        let delimiter = match self.read.delimiter {
            None => None,
            Some(c) if c.is_ascii() => Some(c as u8),
            Some(c) => anyhow::bail!("invalid --delimiter `{c}`: must be one ASCII character"),
        };
        Ok(IngestOptions {
            map,
            text_columns: self.read.text_columns.clone(),
            timezone,
            format: self.read.input_format.map(|f| match f {
                InputFormatArg::Csv => InputFormat::Csv,
                InputFormatArg::Jsonl => InputFormat::Jsonl,
                InputFormatArg::Parquet => InputFormat::Parquet,
                InputFormatArg::Arrow => InputFormat::ArrowIpc,
            }),
            delimiter,
            require_created_at,
            require_text: true,
            encoding: self.read.encoding.clone(),
            date_order: self.read.date_order.map(|o| match o {
                DateOrderArg::Dmy => DateOrder::Dmy,
                DateOrderArg::Mdy => DateOrder::Mdy,
            }),
            date_formats: parse_pairs(&self.read.date_formats, "--date-format")?,
            units: parse_pairs(&self.read.units, "--unit")?,
            csat_scale: match self.read.csat_scale {
                CsatScaleArg::Auto => CsatScale::Auto,
                CsatScaleArg::Five => CsatScale::OneToFive,
                CsatScaleArg::Three => CsatScale::OneToThree,
                CsatScaleArg::Ten => CsatScale::ZeroToTen,
                CsatScaleArg::Hundred => CsatScale::ZeroToHundred,
            },
            // Printed by the reader that reads the rows (stdin can be read once).
            on_mapping: self
                .explain_mapping
                .then_some(print_mapping as fn(&ColumnMapping)),
        })
    }
}

/// `--explain-mapping`: the column mapping on stderr (stdout may be the data).
fn print_mapping(m: &ColumnMapping) {
    eprintln!("{m}");
}

/// Reading options of ticket exports that a message log has no use for
/// (its text and times are message fields): `--conversations` refuses them
/// rather than ignore them.
pub const TICKET_ONLY: [&str; 4] = ["text_columns", "date_formats", "units", "date_order"];

/// `--conversations`: a message log read with the export's options,
/// `--bot-author` and, with `--explain-mapping`, the message columns shown.
pub fn conversation_options(
    input: &InputArgs,
    ingest: &IngestOptions,
    bot_author: Option<regex::Regex>,
) -> ConversationOptions {
    ConversationOptions {
        on_columns: input.explain_mapping.then_some(print_message_columns),
        ..ConversationOptions::from_ingest(ingest, bot_author)
    }
}

/// `--explain-mapping` with `--conversations`: the message columns.
pub fn print_message_columns(columns: &[ticketlens::ingest::conversations::MessageColumn]) {
    for (field, column) in columns {
        eprintln!("{field:<16} <- {column}");
    }
}

/// `--bot-author PATTERN` as a regular expression.
pub fn bot_author(pattern: Option<&str>) -> Result<Option<regex::Regex>> {
    let Some(p) = pattern else { return Ok(None) };
    regex::Regex::new(p).map(Some).map_err(|e| {
        // regex's syntax errors span several lines; keep the reason.
        let e = e.to_string();
        let why = e.lines().last().unwrap_or("").trim_start_matches("error: ");
        anyhow::anyhow!("invalid --bot-author `{p}`: {why}")
    })
}

/// Parse repeated `FIELD=COLUMN` options.
pub fn parse_pairs(items: &[String], option: &str) -> Result<Vec<(String, String)>> {
    items
        .iter()
        .map(|m| {
            m.split_once('=')
                .map(|(f, c)| (f.trim().to_string(), c.trim().to_string()))
                .with_context(|| format!("invalid {option} `{m}`: expected FIELD=COLUMN"))
        })
        .collect()
}

/// Which model and how to run it.
#[derive(Debug, Clone, Args, Serialize)]
pub struct ModelArgs {
    /// Model directory with model.onnx, tokenizer.json, ticketlens.json (default: the bundled ticket-minilm).
    #[arg(long, value_name = "DIR")]
    #[serde(serialize_with = "super::ser::opt_file_name")]
    pub model: Option<PathBuf>,
    /// Padded tokens per inference batch.
    #[arg(long, default_value_t = 4096, value_name = "N")]
    pub batch_tokens: usize,
    /// Most texts per inference batch (default 128). `1` infers every text alone, so its result
    /// does not depend on the other texts of the run (the int8 model scales activations per
    /// batch; see the README, "Scaling past one machine"): repeatable across files, partitions
    /// and the Python package, at ~1.4× the time on short texts (none measured on long ones).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch_rows: Option<u32>,
    /// CPU threads for inference (0 = all cores).
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub threads: usize,
    /// Concurrent ONNX Runtime sessions sharing those threads (0 = auto).
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub sessions: usize,
    /// Directory of the persistent inference cache: texts inferred by an
    /// earlier run with the same model are not inferred again (default:
    /// $TICKETLENS_CACHE_DIR, else ~/.cache/ticketlens/inference).
    #[arg(long, value_name = "DIR")]
    #[serde(serialize_with = "super::ser::opt_file_name")]
    pub cache: Option<PathBuf>,
    /// Infer every text, without reading or writing the inference cache.
    #[arg(long, conflicts_with = "cache")]
    pub no_cache: bool,
}

impl ModelArgs {
    /// Load the classifier.
    pub fn load(&self) -> Result<Classifier> {
        let opts = ClassifierOptions {
            batch_tokens: self.batch_tokens.max(16),
            max_batch_rows: self
                .batch_rows
                .map_or(ClassifierOptions::default().max_batch_rows, |n| n as usize),
            threads: self.threads,
            sessions: self.sessions,
            cache_dir: if self.no_cache {
                None
            } else {
                self.cache
                    .clone()
                    .or_else(ticketlens::model::default_cache_dir)
            },
            ..Default::default()
        };
        Ok(Classifier::load(
            &ModelSource::from_option(self.model.as_deref()),
            opts,
        )?)
    }
}
