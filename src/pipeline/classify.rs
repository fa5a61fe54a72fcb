//! The classify stage as a streaming pipeline.
//!
//! ```text
//! reader thread: ingest → clean → tokenize/plan (chunk k+1)
//! main thread:               inference (chunk k) → write rows, embeddings
//! ```
//!
//! Chunks bound memory (a 5 GB export streams through), and the reader
//! thread overlaps parsing, cleaning and tokenization with inference. Every
//! input row ends up written or in the rejects file.

use super::load::RejectOutput;
use super::progress::Progress;
use crate::embeddings::{Embeddings, NpyStreamWriter};
use crate::error::Result;
use crate::ingest::{
    self, DataQuality, IngestOptions, InputSource, Reject, RejectGroup, Row, TicketReader,
};
use crate::model::{Classified, Classifier, PredictionCache, Prepared, DEFAULT_CACHE_ENTRIES};
use crate::report::enriched::{EnrichedWriter, OutputFormat};
use crate::taxonomy::Taxonomy;
use crate::text::clean_ticket;
use crate::ticket::{EnrichedTicket, Ticket};
use std::path::{Path, PathBuf};
use std::sync::mpsc::SyncSender;
use std::time::Instant;

/// Rows per chunk: large enough for good length-sorted batches and for
/// reading and tokenizing to overlap inference, small enough that memory
/// stays flat. Measured: 2048-row chunks cost 20 % of short-text throughput
/// against 8192 (`cargo bench --bench classify`). Duplicates across chunks
/// are caught by the cache.
pub const DEFAULT_CHUNK_ROWS: usize = 8192;

/// One chunk of accepted tickets with their cleaned texts, ready to infer.
struct Chunk {
    tickets: Vec<Ticket>,
    texts: Vec<String>,
    prepared: Prepared,
}

/// Counts for the summary line and `run.json`.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct StageCounts {
    /// Input rows read (accepted + rejected).
    pub read: u64,
    /// Rows classified and passed on.
    pub written: u64,
    /// Rows sent to the rejects file.
    pub rejected: u64,
    /// Rows not read: other versions of a ticket listed more than once
    /// ([`crate::ingest::IngestStats::superseded`]); not in `read`.
    #[serde(skip_serializing_if = "is_zero")]
    pub superseded: u64,
    /// Distinct texts (each counted once per run).
    pub unique_texts: u64,
    /// Of those, texts the persistent inference cache already held (not
    /// inferred again).
    pub cached_texts: u64,
    /// Real (unpadded) tokens inferred.
    pub tokens: u64,
    /// Wall-clock seconds of the stage.
    pub seconds: f64,
    /// The reader's data-quality warnings about the input as a whole
    /// ([`TicketReader::warnings`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// The rejects grouped by reason, filled by whoever wrote the rejects
    /// file ([`classify_to_files`] does).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reject_groups: Vec<RejectGroup>,
    /// A message log was read (`--conversations`): `read` and `rejected`
    /// count messages (rows), `written` the tickets rebuilt from them.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub messages: bool,
}

impl StageCounts {
    /// Rows per second over the stage.
    pub fn rows_per_s(&self) -> f64 {
        if self.seconds > 0.0 {
            self.read as f64 / self.seconds
        } else {
            0.0
        }
    }

    /// The data-quality block of this read under the rejects' policy,
    /// naming their file.
    pub fn quality(&self, rejects: &RejectOutput) -> DataQuality {
        DataQuality::new(
            self.read,
            self.written,
            self.rejected,
            self.reject_groups.clone(),
            self.warnings.clone(),
            &rejects.policy,
        )
        .with_superseded(self.superseded)
        .with_rejects_file(&rejects.path)
    }

    /// The one-line summary printed after a run.
    pub fn summary_line(&self) -> String {
        let cached = if self.cached_texts > 0 {
            format!(", {} from the inference cache", self.cached_texts)
        } else {
            String::new()
        };
        let (read, written) = match self.messages {
            true => ("messages read", "tickets rebuilt and written"),
            false => ("rows read", "written"),
        };
        let superseded = match self.superseded {
            0 => String::new(),
            n => format!(" ({n} more rows repeated a ticket read from another row)"),
        };
        format!(
            "{} {read}, {} {written}, {} rejected{superseded} ({} unique texts{cached}, {:.1}s, {:.0} rows/s)",
            self.read,
            self.written,
            self.rejected,
            self.unique_texts,
            self.seconds,
            self.rows_per_s()
        )
    }
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// Rejects are passed to the consumer in batches of at most this many, so
/// a file where every row is rejected streams with bounded memory too.
const REJECT_BATCH: usize = 1024;

/// Reason of a ticket whose text is empty once cleaned.
pub const EMPTY_AFTER_CLEANING: &str =
    "empty text after cleaning (only markup, quoted history or signature)";

/// What the reader thread sends, in input order.
enum Msg {
    /// Rows rejected since the previous message.
    Rejects(Vec<Reject>),
    /// A chunk of accepted tickets, or a fatal read error.
    Chunk(Result<Chunk>),
    /// The reader's warnings and the rows it skipped as superseded, sent
    /// once the input is read.
    Warnings(Vec<String>, u64),
}

/// Read, clean and classify `source`, calling `on_chunk` for each classified
/// chunk (in input order) and `on_reject` for each rejected row.
///
/// Texts already inferred in an earlier chunk come from a bounded cache
/// ([`DEFAULT_CACHE_ENTRIES`] texts), bit-identical to their first inference.
///
/// If a callback or inference fails, the error is returned promptly: the
/// channel's receiver is dropped with the consumer, which ends the reader
/// thread even when it is blocked sending the next chunk.
pub fn classify_stream(
    reader: TicketReader,
    classifier: &Classifier,
    chunk_rows: usize,
    progress: &Progress,
    mut on_reject: impl FnMut(&Reject) -> Result<()>,
    mut on_chunk: impl FnMut(Vec<Ticket>, Vec<String>, Classified) -> Result<()>,
) -> Result<StageCounts> {
    let started = Instant::now();
    let mut counts = StageCounts::default();
    let mut cache = PredictionCache::new(DEFAULT_CACHE_ENTRIES);
    std::thread::scope(|scope| -> Result<()> {
        // Both ends live inside the scope: returning early (an error below)
        // drops `rx`, so a reader blocked in `send` wakes up with an error
        // and ends, and the scope can join it instead of hanging.
        let (tx, rx) = std::sync::mpsc::sync_channel::<Msg>(1);
        scope.spawn(move || read_chunks(reader, classifier, chunk_rows.max(1), tx));
        for msg in rx {
            match msg {
                Msg::Rejects(rejects) => {
                    for r in &rejects {
                        counts.rejected += 1;
                        counts.read += 1;
                        on_reject(r)?;
                    }
                }
                Msg::Chunk(chunk) => {
                    let chunk = chunk?;
                    let n = chunk.tickets.len() as u64;
                    let base = counts.read;
                    let out = infer_chunk(
                        classifier,
                        chunk.prepared,
                        &mut cache,
                        progress,
                        base,
                        n,
                        &mut counts,
                    )?;
                    counts.read += n;
                    counts.written += n;
                    on_chunk(chunk.tickets, chunk.texts, out)?;
                }
                Msg::Warnings(w, superseded) => {
                    counts.warnings = w;
                    counts.superseded = superseded;
                }
            }
            progress.set(counts.read);
        }
        Ok(())
    })?;
    counts.seconds = started.elapsed().as_secs_f64();
    Ok(counts)
}

/// Infer one prepared chunk of `n` texts through the in-run `cache`,
/// moving `progress` within the chunk (`base` rows done before it, plus the
/// inferred fraction of this chunk), and add its inference counts (tokens,
/// unique and cached texts) to `counts`.
fn infer_chunk(
    classifier: &Classifier,
    prepared: Prepared,
    cache: &mut PredictionCache,
    progress: &Progress,
    base: u64,
    n: u64,
    counts: &mut StageCounts,
) -> Result<Classified> {
    let out = classifier.run_cached_progress(prepared, cache, &|done, total| {
        progress.set(base + (n * done as u64) / total.max(1) as u64)
    })?;
    counts.tokens += out.tokens as u64;
    counts.unique_texts += out.unique_texts as u64;
    counts.cached_texts += out.from_cache as u64;
    Ok(out)
}

/// The reader thread: ingest, clean, and prepare chunks; rejects are sent
/// in bounded batches ahead of the chunk that follows them. Returns when
/// the input ends, on a read error (sent on), or when the consumer is gone.
fn read_chunks(
    mut reader: TicketReader,
    classifier: &Classifier,
    chunk_rows: usize,
    tx: SyncSender<Msg>,
) {
    let mut tickets = Vec::with_capacity(chunk_rows);
    let mut texts = Vec::with_capacity(chunk_rows);
    let mut rejects = Vec::new();
    let send_rejects = |rejects: &mut Vec<Reject>| -> bool {
        rejects.is_empty() || tx.send(Msg::Rejects(std::mem::take(rejects))).is_ok()
    };
    let send_chunk = |tickets: &mut Vec<Ticket>, texts: &mut Vec<String>| -> bool {
        let chunk = classifier.prepare(texts).map(|prepared| Chunk {
            tickets: std::mem::take(tickets),
            texts: std::mem::take(texts),
            prepared,
        });
        tx.send(Msg::Chunk(chunk)).is_ok()
    };
    while let Some(row) = reader.next() {
        match row {
            Err(e) => {
                if send_rejects(&mut rejects) {
                    let _ = tx.send(Msg::Chunk(Err(e)));
                }
                return;
            }
            Ok(Row::Rejected(r)) => rejects.push(r),
            Ok(Row::Ticket(t)) => {
                let text = clean_ticket(&t);
                if text.is_empty() {
                    rejects.push(Reject {
                        line: t.line,
                        reason: EMPTY_AFTER_CLEANING.into(),
                        raw: reader.raw_record(&t.raw),
                    });
                } else {
                    tickets.push(t);
                    texts.push(text);
                }
            }
        }
        if rejects.len() >= REJECT_BATCH && !send_rejects(&mut rejects) {
            return;
        }
        if tickets.len() >= chunk_rows
            && !(send_rejects(&mut rejects) && send_chunk(&mut tickets, &mut texts))
        {
            return;
        }
    }
    if send_rejects(&mut rejects)
        && (tickets.is_empty() || send_chunk(&mut tickets, &mut texts))
        && !reader.warnings().is_empty()
    {
        let superseded = reader.stats().superseded;
        let _ = tx.send(Msg::Warnings(reader.warnings().to_vec(), superseded));
    }
}

/// Options of `ticketlens classify`.
#[derive(Debug, Clone)]
pub struct ClassifyJob {
    /// Where tickets come from.
    pub input: InputSource,
    /// Column mapping, time zone, format.
    pub ingest: IngestOptions,
    /// Output file (`None` = stdout).
    pub output: Option<PathBuf>,
    /// Output format.
    pub format: OutputFormat,
    /// Embeddings side file (`None` = not written).
    pub embeddings: Option<PathBuf>,
    /// Write each row's embedding into the output itself, as its
    /// `embedding` column (Parquet only; CSV and JSONL ignore it).
    pub embeddings_column: bool,
    /// Rejects file and the policy they are held to (`--strict`,
    /// `--max-reject-rate`): applied by [`run_classify`] /
    /// [`ClassifyJob::check_rejects`].
    pub rejects: RejectOutput,
    /// Rows per chunk.
    pub chunk_rows: usize,
    /// A team taxonomy to label every ticket with (`--taxonomy`): adds the
    /// columns `<NAME>`, `<NAME>_confidence`. Checked against the model
    /// before anything is read.
    pub taxonomy: Option<Taxonomy>,
}

/// The default rejects path for an output: `<output>.rejects.csv`, or
/// `./ticketlens.rejects.csv` when the output is stdout.
pub fn default_rejects_path(output: Option<&Path>) -> PathBuf {
    match output {
        Some(p) => {
            let mut s = p.as_os_str().to_owned();
            s.push(".rejects.csv");
            PathBuf::from(s)
        }
        None => PathBuf::from("ticketlens.rejects.csv"),
    }
}

impl ClassifyJob {
    /// The data-quality block of a finished run.
    pub fn quality(&self, counts: &StageCounts) -> DataQuality {
        counts.quality(&self.rejects)
    }

    /// The reject rule ([`RejectOutput::check`]): with `--strict` any
    /// rejected row, otherwise more than `--max-reject-rate` of the rows, is
    /// an error naming the rejects file. Separate from [`classify_to_files`]
    /// so the CLI can print the run's summary before failing.
    pub fn check_rejects(&self, counts: &StageCounts) -> Result<()> {
        self.rejects.check(&self.quality(counts))
    }
}

/// Run `classify`: stream tickets through the model into an enriched file,
/// then apply [`ClassifyJob::check_rejects`].
pub fn run_classify(
    job: &ClassifyJob,
    classifier: &Classifier,
    progress: &Progress,
) -> Result<StageCounts> {
    let counts = classify_to_files(job, classifier, progress)?;
    job.check_rejects(&counts)?;
    Ok(counts)
}

/// Stream tickets through the model into the enriched output, the
/// embeddings side file and the rejects file (always written, header only
/// when nothing was rejected). The reject policy is not applied here.
///
/// The input is opened first: a run that cannot read its input (or lacks a
/// required column) fails before any output is touched, so an earlier run's
/// files stay as they were. Files are replaced atomically when complete.
pub fn classify_to_files(
    job: &ClassifyJob,
    classifier: &Classifier,
    progress: &Progress,
) -> Result<StageCounts> {
    if let Some(t) = &job.taxonomy {
        t.check_classifier(classifier.config())?;
    }
    let reader = ingest::open(&job.input, &job.ingest)?;
    let mut rejects = job.rejects.writer()?;
    let mut npy = match &job.embeddings {
        Some(p) => Some(NpyStreamWriter::create(
            p,
            classifier.config().embedding.dim,
        )?),
        None => None,
    };
    let mut writer = EnrichedWriter::create_with_taxonomy(
        job.output.as_deref(),
        job.format,
        reader.headers(),
        &classifier.config().extra_head_names(),
        false,
        job.taxonomy.as_ref().map(|t| t.name.as_str()),
    )?;
    if job.embeddings_column {
        writer = writer.with_embeddings(classifier.config().embedding.dim);
    }
    let scorer = job.taxonomy.as_ref().map(Taxonomy::scorer);
    let mut counts = classify_stream(
        reader,
        classifier,
        job.chunk_rows,
        progress,
        |r| rejects.write(r),
        |tickets, texts, out| {
            let w = &mut writer;
            let mut langs = crate::text::language::detect_all(&texts).into_iter();
            let Classified {
                predictions,
                embeddings,
                ..
            } = out;
            let mut labels = match &scorer {
                Some(s) => {
                    use rayon::prelude::*;
                    (0..embeddings.rows())
                        .into_par_iter()
                        .map(|i| Some(s.label(embeddings.row(i))))
                        .collect()
                }
                None => vec![None; tickets.len()],
            }
            .into_iter();
            let held = w.holds_embeddings();
            for (i, (t, p)) in tickets.into_iter().zip(predictions).enumerate() {
                let ticket = EnrichedTicket {
                    taxonomy: labels.next().flatten(),
                    language: langs.next().flatten(),
                    ticket: t,
                    prediction: Some(p),
                    theme: None,
                };
                w.write_embedded(&ticket, held.then(|| embeddings.row(i)))?;
            }
            if let Some(n) = npy.as_mut() {
                n.write(&embeddings)?;
            }
            Ok(())
        },
    )?;
    writer.finish()?;
    if let Some(n) = npy {
        n.finish()?;
    }
    counts.reject_groups = rejects.finish_with_summary()?.groups();
    Ok(counts)
}

/// Everything `analyze` needs in memory after classification.
pub struct ClassifiedSet {
    /// Tickets with predictions, in input order.
    pub tickets: Vec<EnrichedTicket>,
    /// Cleaned texts, same order.
    pub texts: Vec<String>,
    /// Embeddings, same order.
    pub embeddings: Embeddings,
    /// Input column names.
    pub headers: Vec<String>,
    /// Counts.
    pub counts: StageCounts,
    /// The rejected rows.
    pub rejects: Vec<Reject>,
}

impl ClassifiedSet {
    /// Append one classified chunk: tickets with their predictions and
    /// detected language, their texts and embeddings.
    fn push_classified(&mut self, tickets: Vec<Ticket>, texts: Vec<String>, out: Classified) {
        let mut langs = crate::text::language::detect_all(&texts).into_iter();
        for (t, p) in tickets.into_iter().zip(out.predictions) {
            self.tickets.push(EnrichedTicket {
                taxonomy: None,
                language: langs.next().flatten(),
                ticket: t,
                prediction: Some(p),
                theme: None,
            });
        }
        self.texts.extend(texts);
        self.embeddings.data.extend_from_slice(&out.embeddings.data);
    }

    /// Name the model's extra `heads` in every prediction as their columns
    /// in tickets_enriched.csv (`<head>_predicted` beside an input column
    /// of the head's name, see `taxonomy_column`). Returns the heads
    /// renamed, as (head, column).
    pub fn name_heads_as_columns(&mut self, heads: &[String]) -> Vec<(String, String)> {
        let renames: Vec<(String, std::sync::Arc<str>)> = heads
            .iter()
            .filter_map(|h| {
                let column = crate::report::enriched::taxonomy_column(&self.headers, h);
                (column != *h).then(|| (h.clone(), column.into()))
            })
            .collect();
        if !renames.is_empty() {
            for p in self
                .tickets
                .iter_mut()
                .filter_map(|t| t.prediction.as_mut())
            {
                for label in &mut p.heads {
                    if let Some((_, column)) = renames.iter().find(|(h, _)| **h == *label.name) {
                        label.name = column.clone();
                    }
                }
            }
        }
        renames
            .into_iter()
            .map(|(h, c)| (h, c.to_string()))
            .collect()
    }

    /// Label every ticket with a team taxonomy (from its embedding) and
    /// return the taxonomy as used: named like its column in
    /// tickets_enriched.csv (`<NAME>_predicted` when the input has its own
    /// `<NAME>` column), so KPIs, churn features, the report and the file
    /// agree.
    pub fn tag(&mut self, taxonomy: &Taxonomy) -> Taxonomy {
        use rayon::prelude::*;
        let mut t = taxonomy.clone();
        t.name = crate::report::enriched::taxonomy_column(&self.headers, &t.name);
        {
            let scorer = t.scorer();
            let e = &self.embeddings;
            self.tickets
                .par_iter_mut()
                .enumerate()
                .for_each(|(i, ticket)| ticket.taxonomy = Some(scorer.label(e.row(i))));
        }
        t
    }
}

/// Classify everything an opened reader yields into memory.
pub(crate) fn classify_reader(
    reader: TicketReader,
    classifier: &Classifier,
    progress: &Progress,
) -> Result<ClassifiedSet> {
    let mut set = ClassifiedSet {
        tickets: Vec::new(),
        texts: Vec::new(),
        embeddings: Embeddings::new(classifier.config().embedding.dim),
        headers: Vec::new(),
        counts: StageCounts::default(),
        rejects: Vec::new(),
    };
    let mut rejects = Vec::new();
    let headers = reader.headers().to_vec();
    let counts = classify_stream(
        reader,
        classifier,
        DEFAULT_CHUNK_ROWS,
        progress,
        |r| {
            rejects.push(r.clone());
            Ok(())
        },
        |tickets, texts, out| {
            set.push_classified(tickets, texts, out);
            Ok(())
        },
    )?;
    set.counts = counts;
    set.headers = headers;
    set.rejects = rejects;
    Ok(set)
}

/// Classify tickets already in memory (threads rebuilt from a conversation
/// log) in chunks of [`DEFAULT_CHUNK_ROWS`], with the same in-run cache and
/// outputs as [`classify_reader`]; `texts[i]` is `tickets[i]`'s cleaned
/// text. `set.counts` gets the inference counts only (rows read, written
/// and rejected are the caller's: a message log counts messages).
pub(crate) fn classify_tickets(
    tickets: Vec<Ticket>,
    texts: Vec<String>,
    classifier: &Classifier,
    progress: &Progress,
) -> Result<ClassifiedSet> {
    let started = Instant::now();
    let mut set = ClassifiedSet {
        tickets: Vec::with_capacity(tickets.len()),
        texts: Vec::with_capacity(texts.len()),
        embeddings: Embeddings::new(classifier.config().embedding.dim),
        headers: Vec::new(),
        counts: StageCounts::default(),
        rejects: Vec::new(),
    };
    let mut cache = PredictionCache::new(DEFAULT_CACHE_ENTRIES);
    let mut tickets = tickets.into_iter();
    let mut texts = texts.into_iter();
    loop {
        let chunk_texts: Vec<String> = texts.by_ref().take(DEFAULT_CHUNK_ROWS).collect();
        if chunk_texts.is_empty() {
            break;
        }
        let chunk_tickets: Vec<Ticket> = tickets.by_ref().take(chunk_texts.len()).collect();
        let (base, n) = (set.tickets.len() as u64, chunk_texts.len() as u64);
        let out = infer_chunk(
            classifier,
            classifier.prepare(&chunk_texts)?,
            &mut cache,
            progress,
            base,
            n,
            &mut set.counts,
        )?;
        set.push_classified(chunk_tickets, chunk_texts, out);
        progress.set(set.tickets.len() as u64);
    }
    set.counts.seconds = started.elapsed().as_secs_f64();
    Ok(set)
}
