//! The `kpi` job: an export (or a message log rebuilt into tickets) through
//! the streaming KPI engine to `kpis.json` and the `kpis_by_*.csv` tables,
//! every row counted as used or rejected.

use crate::error::{Error, Result};
use crate::ingest::conversations::{read_conversations, ConversationOptions, ThreadStats};
use crate::ingest::customers::CustomerTable;
use crate::ingest::{self, DataQuality, IngestOptions, InputSource, RejectsWriter, Row};
use crate::kpi::{KpiEngine, KpiOptions, KpiReport};
use crate::pipeline::load::RejectOutput;
use crate::ticket::EnrichedColumns;
use crate::EnrichedTicket;
use std::path::PathBuf;

/// What a KPI run reads and where it writes.
pub struct KpiJob {
    /// The export (a file or stdin).
    pub source: InputSource,
    /// How to read it; text is never required (KPIs read none).
    pub ingest: IngestOptions,
    /// Dimensions, period, SLA targets, calendar …
    pub kpi: KpiOptions,
    /// A customers table and its column mapping `(field, column)`: contact,
    /// churn and retention rates. Read once the input and the options are
    /// known to be good.
    pub customers: Option<(PathBuf, Vec<(String, String)>)>,
    /// `Some`: the source is a message log (one row per message), read
    /// with these options; tickets are rebuilt from its threads.
    pub conversations: Option<ConversationOptions>,
    /// Output directory (created if missing).
    pub out: PathBuf,
    /// The rejects file and the reject policy.
    pub rejects: RejectOutput,
}

/// What a KPI run found and wrote.
pub struct KpiOutcome {
    /// The report (what `kpis.json` holds, `data_quality` included).
    pub report: KpiReport,
    /// The files written: `kpis.json` and the tables.
    pub files: Vec<PathBuf>,
    /// Rows (messages, for a log) read, used and rejected, and the ingest's doubts.
    pub quality: DataQuality,
    /// Rows (messages) read.
    pub read: u64,
    /// Rows (messages inside tickets) used.
    pub used: u64,
}

/// Run a KPI job: read, compute, write `kpis.json`, the tables and the
/// rejects. The reject policy is *not* applied here (the caller reports
/// first, then calls [`RejectOutput::check`]).
///
/// Errors: the input cannot be opened or lacks a creation-time column, an
/// option is invalid (an unknown `--by` dimension …), an output cannot be
/// written.
pub fn run_kpi(job: KpiJob) -> Result<KpiOutcome> {
    let mut ingest_opts = job.ingest;
    // KPIs read no text: an export without a subject/body column is fine.
    ingest_opts.require_text = false;
    let mut opts = job.kpi;
    // A ticket export is opened first: a file enriched with a taxonomy
    // (`classify --taxonomy`) or by a model with extra heads makes their
    // names `--by` dimensions.
    let reader = if job.conversations.is_some() {
        opts.validate()?;
        None
    } else {
        let reader = ingest::open(&job.source, &ingest_opts)?;
        let columns = EnrichedColumns::new(reader.headers());
        let extra: Vec<&str> = columns
            .taxonomy_name()
            .into_iter()
            .chain(columns.head_names())
            .collect();
        opts.validate_with(&extra)?;
        Some((reader, columns))
    };
    if let Some((path, map)) = &job.customers {
        opts.customers = Some(std::sync::Arc::new(CustomerTable::read(path, map)?));
    }
    std::fs::create_dir_all(&job.out).map_err(|e| Error::io(&job.out, e))?;
    let mut rejects = job.rejects.writer()?;
    // `--by language` on a file without a detected-language column: the
    // language is detected from each ticket's text here (no model needed).
    let by_language = opts.by.iter().any(|d| d == "language");
    let mut engine = KpiEngine::new(opts);
    let (read, used, stats, warnings, superseded) = match (reader, &job.conversations) {
        (Some((reader, columns)), _) => {
            let detect = by_language && !columns.has_language();
            tickets(reader, &columns, detect, &mut engine, &mut rejects)?
        }
        (None, copts) => {
            let copts = copts.clone().unwrap_or_default();
            let log = read_conversations(&job.source, &copts)?;
            for r in &log.rejects {
                rejects.write(r)?;
            }
            for t in log.tickets {
                let mut e = EnrichedTicket::new(t);
                if by_language {
                    set_language(&mut e);
                }
                engine.push(&e);
            }
            let s = log.stats;
            let read = s.messages + s.rejected;
            (
                read,
                s.messages - s.skipped_messages,
                Some(s),
                Vec::new(),
                0,
            )
        }
    };
    let quality = job
        .rejects
        .finish(rejects, read, used, warnings)?
        .with_superseded(superseded);
    let mut report = engine.finish();
    report.conversations = stats;
    report.data_quality = Some(quality.clone());
    let files = report.write(&job.out)?;
    Ok(KpiOutcome {
        report,
        files,
        quality,
        read,
        used,
    })
}

/// The ticket's language from its cleaned text, as `classify` detects it
/// (for `--by language` on a file without a language column).
fn set_language(e: &mut EnrichedTicket) {
    let text = crate::text::clean_ticket(&e.ticket);
    e.language = crate::text::language::detect(&text);
}

/// Rows read, rows used, thread stats (message logs), ingest warnings,
/// rows superseded.
type Counts = (u64, u64, Option<ThreadStats>, Vec<String>, u64);

/// A ticket export (or enriched file): every row is a ticket or a reject.
fn tickets(
    mut reader: ingest::TicketReader,
    columns: &EnrichedColumns,
    detect_language: bool,
    engine: &mut KpiEngine,
    rejects: &mut RejectsWriter,
) -> Result<Counts> {
    let (mut read, mut used) = (0u64, 0u64);
    for row in reader.by_ref() {
        read += 1;
        match row? {
            Row::Ticket(t) => {
                used += 1;
                let mut e = columns.enrich(t);
                if detect_language {
                    set_language(&mut e);
                }
                engine.push(&e);
            }
            Row::Rejected(r) => rejects.write(&r)?,
        }
    }
    let superseded = reader.stats().superseded;
    Ok((read, used, None, reader.warnings().to_vec(), superseded))
}
