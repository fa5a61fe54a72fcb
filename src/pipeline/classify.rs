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

use super::progress::Progress;
use crate::embeddings::{Embeddings, NpyStreamWriter};
use crate::error::{Error, Result};
use crate::ingest::{self, IngestOptions, InputSource, Reject, RejectsWriter, Row, TicketReader};
use crate::model::{Classified, Classifier, Prepared};
use crate::report::enriched::{EnrichedWriter, OutputFormat};
use crate::text::clean_text;
use crate::ticket::{EnrichedTicket, Ticket};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Rows per chunk: large enough for good batches and dedup, small enough
/// that memory stays flat.
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
    /// Distinct texts actually inferred.
    pub unique_texts: u64,
    /// Real (unpadded) tokens inferred.
    pub tokens: u64,
    /// Wall-clock seconds of the stage.
    pub seconds: f64,
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

    /// The one-line summary printed after a run.
    pub fn summary_line(&self) -> String {
        format!(
            "{} rows read, {} written, {} rejected ({} unique texts, {:.1}s, {:.0} rows/s)",
            self.read,
            self.written,
            self.rejected,
            self.unique_texts,
            self.seconds,
            self.rows_per_s()
        )
    }
}

/// Read, clean and classify `source`, calling `on_chunk` for each classified
/// chunk (in input order) and `on_reject` for each rejected row.
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
    let (tx, rx) = std::sync::mpsc::sync_channel::<Result<Chunk>>(1);
    let (rej_tx, rej_rx) = std::sync::mpsc::channel::<Reject>();

    std::thread::scope(|scope| -> Result<()> {
        scope.spawn(move || {
            let mut reader = reader;
            let mut tickets = Vec::with_capacity(chunk_rows);
            let mut texts = Vec::with_capacity(chunk_rows);
            let flush = |tickets: &mut Vec<Ticket>, texts: &mut Vec<String>| -> Result<Chunk> {
                let prepared = classifier.prepare(texts)?;
                Ok(Chunk { tickets: std::mem::take(tickets), texts: std::mem::take(texts), prepared })
            };
            loop {
                match reader.next() {
                    None => break,
                    Some(Err(e)) => {
                        let _ = tx.send(Err(e));
                        return;
                    }
                    Some(Ok(Row::Rejected(r))) => {
                        if rej_tx.send(r).is_err() {
                            return;
                        }
                    }
                    Some(Ok(Row::Ticket(t))) => {
                        let text = clean_text(&t.text());
                        if text.is_empty() {
                            let raw = t.raw.join(",");
                            let r = Reject {
                                line: t.line,
                                reason: "empty text after cleaning (only markup, quoted history or signature)".into(),
                                raw,
                            };
                            if rej_tx.send(r).is_err() {
                                return;
                            }
                            continue;
                        }
                        tickets.push(t);
                        texts.push(text);
                        if tickets.len() >= chunk_rows && tx.send(flush(&mut tickets, &mut texts)).is_err() {
                            return;
                        }
                    }
                }
            }
            if !tickets.is_empty() {
                let _ = tx.send(flush(&mut tickets, &mut texts));
            }
        });

        let drain_rejects = |counts: &mut StageCounts,
                             on_reject: &mut dyn FnMut(&Reject) -> Result<()>|
         -> Result<()> {
            for r in rej_rx.try_iter() {
                counts.rejected += 1;
                counts.read += 1;
                on_reject(&r)?;
            }
            Ok(())
        };
        for chunk in rx.iter() {
            let chunk = chunk?;
            drain_rejects(&mut counts, &mut on_reject)?;
            counts.tokens += chunk.prepared.tokens as u64;
            let n = chunk.tickets.len() as u64;
            let out = classifier.run(chunk.prepared)?;
            counts.unique_texts += out.unique_texts as u64;
            counts.read += n;
            counts.written += n;
            on_chunk(chunk.tickets, chunk.texts, out)?;
            progress.set(counts.read);
        }
        // The reader thread has ended (channel closed): collect the last rejects.
        drain_rejects(&mut counts, &mut on_reject)?;
        Ok(())
    })?;
    counts.seconds = started.elapsed().as_secs_f64();
    Ok(counts)
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
    /// Rejects file.
    pub rejects: PathBuf,
    /// Rows per chunk.
    pub chunk_rows: usize,
    /// Fail (non-zero exit) when any row is rejected.
    pub strict: bool,
}

/// The default rejects path for an output: `<output>.rejects.csv`.
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

/// Run `classify`: stream tickets through the model into an enriched file.
pub fn run_classify(
    job: &ClassifyJob,
    classifier: &Classifier,
    progress: &Progress,
) -> Result<StageCounts> {
    let mut rejects = RejectsWriter::new(&job.rejects)?;
    let mut npy = match &job.embeddings {
        Some(p) => Some(NpyStreamWriter::create(
            p,
            classifier.config().embedding.dim,
        )?),
        None => None,
    };
    let reader = ingest::open(&job.input, &job.ingest)?;
    let mut writer =
        EnrichedWriter::create(job.output.as_deref(), job.format, reader.headers(), false)?;
    let counts = classify_stream(
        reader,
        classifier,
        job.chunk_rows,
        progress,
        |r| rejects.write(r),
        |tickets, _texts, out| {
            let w = &mut writer;
            let Classified {
                predictions,
                embeddings,
                ..
            } = out;
            for (t, p) in tickets.into_iter().zip(predictions) {
                w.write(&EnrichedTicket {
                    ticket: t,
                    prediction: Some(p),
                    theme: None,
                })?;
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
    let rejected = rejects.finish()?;
    if job.strict && rejected > 0 {
        return Err(Error::Strict {
            rejected,
            rejects: job.rejects.display().to_string(),
        });
    }
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

/// Classify a whole input into memory (for `analyze`).
pub fn classify_all(
    source: &InputSource,
    opts: &IngestOptions,
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
    let reader = ingest::open(source, opts)?;
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
            for (t, p) in tickets.into_iter().zip(out.predictions) {
                set.tickets.push(EnrichedTicket {
                    ticket: t,
                    prediction: Some(p),
                    theme: None,
                });
            }
            set.texts.extend(texts);
            set.embeddings.data.extend_from_slice(&out.embeddings.data);
            Ok(())
        },
    )?;
    set.counts = counts;
    set.headers = headers;
    set.rejects = rejects;
    Ok(set)
}
