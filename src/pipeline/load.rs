//! The one way a command gets enriched tickets, and the one reject policy.
//!
//! Every command that needs tickets in memory (`analyze`, `themes`,
//! `themes fit`, `churn train`, `churn score`, `taxonomy train`/`suggest`)
//! calls [`load_tickets`] (or [`open_input`] then [`Opened::load`], to check
//! the header in between): it opens the input, enriches every accepted row
//! the way [`Enrich`] says, writes every rejected row to the rejects file
//! (atomically, header only when none), and returns the tickets with the
//! data-quality block of the read. The reject rule (`--strict`,
//! `--max-reject-rate`) is applied by [`Loaded::check_rejects`], which a
//! command runs once its outputs are written (so a failed run still leaves
//! its results and rejects to look at), or before a costly step that must
//! not run on a bad read (`taxonomy train`). The streaming commands (`kpi`,
//! `classify`) write through the same [`RejectOutput`].
//!
//! Before this module each command had its own copy of that sequence, and
//! the copies drifted (a command that kept its rejects in memory only, one
//! that ignored `--strict`).

use super::classify::{
    classify_reader, classify_tickets, ClassifiedSet, StageCounts, EMPTY_AFTER_CLEANING,
};
use super::progress::Progress;
use crate::embeddings::Embeddings;
use crate::error::{Error, Result};
use crate::ingest::conversations::{read_conversations, ConversationOptions, ThreadStats};
use crate::ingest::{
    self, DataQuality, Field, IngestOptions, InputSource, Reject, RejectPolicy, RejectsWriter, Row,
    TicketReader,
};
use crate::model::Classifier;
use crate::text::clean_ticket;
use crate::ticket::{EnrichedColumns, EnrichedTicket};
use std::path::PathBuf;
use std::time::Instant;

/// How accepted rows get their model outputs.
#[derive(Clone, Copy)]
pub enum Enrich<'a> {
    /// The tickets as read: no model outputs, no texts, no embeddings.
    Raw,
    /// Read the predictions, taxonomy label, language and theme that
    /// `classify`/`analyze` wrote as columns (none where a column is
    /// absent); no model runs and no embeddings are produced.
    ReadBack,
    /// Run the model over every ticket: predictions, detected language,
    /// embeddings. An input without any text column (allowed only with
    /// [`Open::Partial`]) is read without the model.
    Classify {
        /// The model.
        classifier: &'a Classifier,
        /// Where progress is shown.
        progress: &'a Progress,
    },
}

/// Which columns must be in the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Open {
    /// As [`IngestOptions`] says (`require_text`, `require_created_at`).
    AsRequired,
    /// Text and creation time are required when the file has a column for
    /// them and optional when it has none: the stages that need them are
    /// skipped (see [`open_partial`]).
    Partial,
    /// Text as [`IngestOptions`] says; the creation time required when the
    /// file has a column for it and optional when it has none (`themes fit`:
    /// the rows `analyze` keeps, and a clear error without text).
    TimeOptional,
}

/// Where rejected rows go and when they fail the run.
#[derive(Debug, Clone)]
pub struct RejectOutput {
    /// The rejects file (CSV: line, reason, raw record).
    pub path: PathBuf,
    /// `--strict` / `--max-reject-rate`.
    pub policy: RejectPolicy,
}

impl RejectOutput {
    /// The rejects file, opened for writing (replaced atomically by
    /// [`RejectOutput::finish`]).
    pub fn writer(&self) -> Result<RejectsWriter> {
        RejectsWriter::new(&self.path)
    }

    /// Close the rejects file and return the data-quality block of a read
    /// of `read` records of which `used` were used, with the reader's
    /// `warnings`, under this policy.
    pub fn finish(
        &self,
        writer: RejectsWriter,
        read: u64,
        used: u64,
        warnings: Vec<String>,
    ) -> Result<DataQuality> {
        let summary = writer.finish_with_summary()?;
        Ok(
            DataQuality::from_summary(read, used, &summary, warnings, &self.policy)
                .with_rejects_file(&self.path),
        )
    }

    /// The reject rule ([`RejectPolicy::check`]): with `--strict` any
    /// rejected row, otherwise more than `--max-reject-rate` of the rows,
    /// is an error naming the rejects file. Run it after writing the
    /// outputs, so a failed run still leaves them to look at.
    pub fn check(&self, quality: &DataQuality) -> Result<()> {
        self.policy.check(quality)
    }
}

/// What [`load_tickets`] reads.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// Where tickets come from.
    pub source: InputSource,
    /// Column mapping, time zone, format.
    pub ingest: IngestOptions,
    /// Which columns are required.
    pub open: Open,
    /// Where rejects go and the policy they are held to.
    pub rejects: RejectOutput,
}

/// Enriched tickets and the data-quality block of their read.
pub struct Loaded {
    /// Tickets, cleaned texts (empty without a text column), embeddings
    /// (empty with [`Enrich::ReadBack`]), input headers and stage counts.
    /// `set.rejects` is empty: they are in [`RejectOutput::path`].
    pub set: ClassifiedSet,
    /// Rows read, used and rejected, the rejects by reason, the reader's
    /// warnings, the rejects file.
    pub quality: DataQuality,
    /// The input has a text column (always true with [`Open::AsRequired`]
    /// when text is required).
    pub has_text: bool,
    /// The input has a creation-time column.
    pub has_time: bool,
    rejects: RejectOutput,
}

impl Loaded {
    /// [`RejectOutput::check`] on this read.
    pub fn check_rejects(&self) -> Result<()> {
        self.rejects.check(&self.quality)
    }
}

/// Open the input, enrich every accepted row as `enrich` says, write the
/// rejects and return the tickets in input order with the data quality.
///
/// Errors: the input cannot be opened or lacks a required column
/// ([`IngestError::MissingColumn`](crate::error::IngestError::MissingColumn)), a record cannot be read, inference or the
/// rejects file fails. Rejected rows are not errors.
pub fn load_tickets(opts: &LoadOptions, enrich: Enrich<'_>) -> Result<Loaded> {
    open_input(opts)?.load(enrich)
}

/// An opened input, before any row is read: its header can be checked
/// first ([`Opened::headers`]), so a wrong option fails before a long read.
pub struct Opened<'o> {
    reader: TicketReader,
    has_text: bool,
    has_time: bool,
    opts: &'o LoadOptions,
}

/// Open the input as `opts.open` says (the first step of [`load_tickets`]).
///
/// Errors: the input cannot be opened or lacks a required column.
pub fn open_input(opts: &LoadOptions) -> Result<Opened<'_>> {
    let (reader, has_text, has_time) = match opts.open {
        Open::Partial => open_partial(&opts.source, &opts.ingest, true)?,
        Open::TimeOptional => open_partial(&opts.source, &opts.ingest, false)?,
        Open::AsRequired => {
            let reader = ingest::open(&opts.source, &opts.ingest)?;
            let (t, c) = mapped(&reader);
            (reader, t, c)
        }
    };
    Ok(Opened {
        reader,
        has_text,
        has_time,
        opts,
    })
}

impl Opened<'_> {
    /// The input's column names.
    pub fn headers(&self) -> &[String] {
        self.reader.headers()
    }

    /// Read, enrich and write the rejects: the rest of [`load_tickets`].
    pub fn load(self, enrich: Enrich<'_>) -> Result<Loaded> {
        let Opened {
            reader,
            has_text,
            has_time,
            opts,
        } = self;
        load_opened(reader, has_text, has_time, opts, enrich)
    }
}

fn load_opened(
    reader: TicketReader,
    has_text: bool,
    has_time: bool,
    opts: &LoadOptions,
    enrich: Enrich<'_>,
) -> Result<Loaded> {
    let set = match enrich {
        Enrich::Classify {
            classifier,
            progress,
        } => {
            let set = if has_text {
                classify_reader(reader, classifier, progress)
            } else {
                read_rows(
                    reader,
                    false,
                    classifier.config().embedding.dim,
                    Some(progress),
                )
            };
            progress.finish();
            set?
        }
        Enrich::ReadBack => read_rows(reader, true, 0, None)?,
        Enrich::Raw => read_rows(reader, false, 0, None)?,
    };
    finish_load(set, has_text, has_time, opts)
}

/// Rebuild tickets from a conversation log (one row per message: the
/// Customer Support on Twitter layout, Intercom conversation parts …; see
/// [`ingest::conversations`]) and classify them: the `analyze
/// --conversations` counterpart of [`load_tickets`] with
/// [`Enrich::Classify`]. Returns the tickets with the thread statistics
/// (the `conversations` block of kpis.json, over the log as read).
///
/// The data-quality block counts messages, as `kpi --conversations` does:
/// read = messages + rejected rows, used = messages of the threads kept.
/// A thread whose customer text is empty after cleaning cannot be
/// classified: it is rejected at its root message's row (written as read),
/// and its messages are not used. `set.counts` reads messages and writes
/// tickets ([`StageCounts::messages`]). Every ticket has a text and a
/// creation time (a message's timestamp is required).
///
/// Errors: the log cannot be read or lacks a message column
/// ([`IngestError::MissingColumn`](crate::error::IngestError::MissingColumn)), inference fails, the rejects file cannot be
/// written.
pub fn load_conversations(
    opts: &LoadOptions,
    conversations: &ConversationOptions,
    classifier: &Classifier,
    progress: &Progress,
) -> Result<(Loaded, ThreadStats)> {
    let log = read_conversations(&opts.source, conversations)?;
    let delimiter = log.delimiter.unwrap_or(b',');
    let mut rejects = log.rejects;
    let (mut tickets, mut texts) = (Vec::new(), Vec::new());
    let mut unused = 0u64;
    for (t, messages) in log.tickets.into_iter().zip(&log.thread_messages) {
        let text = clean_ticket(&t);
        if text.is_empty() {
            rejects.push(Reject {
                line: t.line,
                reason: EMPTY_AFTER_CLEANING.into(),
                raw: ingest::encode_cells(&t.raw, delimiter),
            });
            unused += u64::from(*messages);
        } else {
            let mut t = t;
            t.raw = thread_row(&t);
            tickets.push(t);
            texts.push(text);
        }
    }
    rejects.sort_by_key(|r| r.line);
    let set = classify_tickets(tickets, texts, classifier, progress);
    progress.finish();
    let mut set = set?;
    let s = &log.stats;
    set.counts.read = s.messages + s.rejected;
    set.counts.written = s.messages - s.skipped_messages - unused;
    set.counts.rejected = rejects.len() as u64;
    set.headers = THREAD_COLUMNS.iter().map(|c| c.to_string()).collect();
    set.rejects = rejects;
    let mut loaded = finish_load(set, true, true, opts)?;
    // The quality block counted messages used; the stage wrote tickets.
    loaded.set.counts.written = loaded.set.tickets.len() as u64;
    loaded.set.counts.messages = true;
    Ok((loaded, log.stats))
}

/// The columns of a ticket rebuilt from a thread, as enriched outputs
/// write it: one row per ticket (not the root message's row), named as the
/// ticket fields, so the enriched file reads back as a ticket export.
const THREAD_COLUMNS: [&str; 8] = [
    "ticket_id",
    "customer_id",
    "created_at",
    "first_response_at",
    "resolved_at",
    "agent",
    "replies",
    "body",
];

/// A rebuilt ticket's [`THREAD_COLUMNS`] values (times in RFC 3339, UTC).
fn thread_row(t: &crate::ticket::Ticket) -> Vec<String> {
    let time = |at: Option<chrono::DateTime<chrono::Utc>>| {
        at.map_or(String::new(), |a| {
            a.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        })
    };
    vec![
        t.id.clone(),
        t.customer_id.clone().unwrap_or_default(),
        time(Some(t.created_at)),
        time(t.first_response_at),
        time(t.resolved_at),
        t.agent.clone().unwrap_or_default(),
        t.replies.map_or(String::new(), |r| r.to_string()),
        t.body.clone().unwrap_or_default(),
    ]
}

/// Write `set.rejects` and close the read: the data-quality block of
/// `set.counts` (rows read and written), under `opts.rejects`' policy.
fn finish_load(
    mut set: ClassifiedSet,
    has_text: bool,
    has_time: bool,
    opts: &LoadOptions,
) -> Result<Loaded> {
    let mut w = opts.rejects.writer()?;
    for r in std::mem::take(&mut set.rejects) {
        w.write(&r)?;
    }
    let c = &set.counts;
    let quality = opts
        .rejects
        .finish(w, c.read, c.written, c.warnings.clone())?
        .with_superseded(c.superseded);
    set.counts.reject_groups = quality.rejects_summary.clone();
    Ok(Loaded {
        set,
        quality,
        has_text,
        has_time,
        rejects: opts.rejects.clone(),
    })
}

/// Whether the reader's mapping has a text column and a creation-time column.
fn mapped(reader: &TicketReader) -> (bool, bool) {
    let m = reader.mapping();
    let has_text = m.has(Field::Subject) || m.has(Field::Body) || m.text_columns().next().is_some();
    (has_text, m.has(Field::CreatedAt))
}

/// Every row of the input without the model; with `enrich`, the model
/// outputs are read back from an enriched file's columns and texts are
/// cleaned as `classify` cleans them (otherwise tickets get no outputs and
/// no texts). `embedding_dim` sizes the (empty) embeddings; `progress`
/// counts rows read.
pub(crate) fn read_rows(
    mut reader: TicketReader,
    enrich: bool,
    embedding_dim: usize,
    progress: Option<&Progress>,
) -> Result<ClassifiedSet> {
    let started = Instant::now();
    let columns = EnrichedColumns::new(reader.headers());
    let mut set = ClassifiedSet {
        tickets: Vec::new(),
        texts: Vec::new(),
        embeddings: Embeddings::new(embedding_dim),
        headers: reader.headers().to_vec(),
        counts: StageCounts::default(),
        rejects: Vec::new(),
    };
    for row in reader.by_ref() {
        set.counts.read += 1;
        match row? {
            Row::Ticket(t) if enrich => {
                set.counts.written += 1;
                set.texts.push(clean_ticket(&t));
                set.tickets.push(columns.enrich(t));
            }
            Row::Ticket(t) => {
                set.counts.written += 1;
                set.tickets.push(EnrichedTicket::new(t));
            }
            Row::Rejected(r) => {
                set.counts.rejected += 1;
                set.rejects.push(r);
            }
        }
        if let Some(p) = progress {
            p.set(set.counts.read);
        }
    }
    set.counts.warnings = reader.warnings().to_vec();
    set.counts.superseded = reader.stats().superseded;
    set.counts.seconds = started.elapsed().as_secs_f64();
    Ok(set)
}

/// Open the input for a command that needs no creation-time column (and,
/// with `text_optional`, no text column either: `analyze`): when the file
/// has no column for one (the [`IngestError::MissingColumn`](crate::error::IngestError::MissingColumn) error), it is opened
/// again without requiring it, and the stages that need it are skipped. A
/// present column stays required, so a row with a blank creation time is
/// still a reject. Standard input cannot be read twice, so there both stay
/// required. Without `text_optional`, text is required as `opts` says.
///
/// Returns the reader, whether it has text, whether it has creation times.
pub fn open_partial(
    source: &InputSource,
    opts: &IngestOptions,
    text_optional: bool,
) -> Result<(TicketReader, bool, bool)> {
    let mut o = opts.clone();
    if text_optional {
        o.require_text = true;
    }
    o.require_created_at = true;
    let reader = loop {
        match ingest::open(source, &o) {
            Err(Error::Ingest(crate::error::IngestError::MissingColumn { field, .. }))
                if matches!(source, InputSource::Path(_))
                    && ((field == "body" && o.require_text && text_optional)
                        || (field == "created_at" && o.require_created_at)) =>
            {
                if field == "body" {
                    o.require_text = false;
                } else {
                    o.require_created_at = false;
                }
            }
            r => break r?,
        }
    };
    let (has_text, has_time) = mapped(&reader);
    Ok((reader, has_text, has_time))
}
