//! Arguments of `ticketlens churn train|score`.
//!
//! The churn commands are spelled as in the churn issue:
//! `churn train --tickets T --customers C --model-out churn_model.json` and
//! `churn score --tickets T --model churn_model.json -o at_risk.csv`. So they
//! cannot flatten the shared [`InputArgs`]/[`ModelArgs`]: there the ticket
//! file is positional and `--model` is the classifier's directory. Here the
//! ticket file is `--tickets` (a positional file is still accepted), `--model`
//! of `churn score` is the churn model, and the classifier directory is
//! `--classifier-model`. The reading options are the shared [`ReadArgs`], and
//! both groups convert to the shared structs, so ingest and the classifier
//! behave exactly as in the other commands.

use super::common::{InputArgs, ModelArgs, ReadArgs, RejectArgs};
use anyhow::{bail, Result};
use clap::Args;
use std::path::PathBuf;

/// Where the tickets come from and how to read them.
#[derive(Debug, Clone, Args)]
pub struct TicketArgs {
    /// Ticket export (raw or enriched), CSV, JSONL, Parquet or Arrow; `-` reads stdin. Same as `--tickets`.
    #[arg(value_name = "TICKETS")]
    pub input: Option<String>,
    /// Ticket export (raw or enriched), CSV, JSONL, Parquet or Arrow; `-` reads stdin.
    #[arg(long = "tickets", value_name = "FILE")]
    pub tickets: Option<String>,
    /// How to read the rows (mapping, text columns, time zone, format).
    #[command(flatten)]
    pub read: ReadArgs,
    /// When rejected ticket rows fail the run.
    #[command(flatten)]
    pub rejects: RejectArgs,
}

impl TicketArgs {
    /// The shared input arguments; exactly one of `--tickets` and the
    /// positional file must be given.
    pub fn input_args(&self) -> Result<InputArgs> {
        let input = match (&self.tickets, &self.input) {
            (Some(t), None) | (None, Some(t)) => t.clone(),
            (Some(_), Some(_)) => {
                bail!("give the ticket file once: either --tickets FILE or a positional FILE, not both")
            }
            (None, None) => bail!("no ticket file: give --tickets FILE"),
        };
        Ok(InputArgs {
            input,
            read: self.read.clone(),
            explain_mapping: false,
            rejects: self.rejects.clone(),
        })
    }
}

/// The classifier that adds sentiment and topic to each ticket.
#[derive(Debug, Clone, Args)]
pub struct ClassifierArgs {
    /// Classifier model directory (model.onnx, tokenizer.json, ticketlens.json); default: the bundled ticket-minilm.
    #[arg(long = "classifier-model", value_name = "DIR")]
    pub classifier_model: Option<PathBuf>,
    /// Padded tokens per inference batch.
    #[arg(long, default_value_t = 4096, value_name = "N")]
    pub batch_tokens: usize,
    /// CPU threads for inference (0 = all cores).
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub threads: usize,
    /// Concurrent ONNX Runtime sessions sharing those threads (0 = auto).
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub sessions: usize,
    /// Directory of the persistent inference cache (default:
    /// $TICKETLENS_CACHE_DIR, else ~/.cache/ticketlens/inference), so
    /// `churn score` after `churn train` on the same tickets infers nothing
    /// again.
    #[arg(long, value_name = "DIR")]
    pub cache: Option<PathBuf>,
    /// Infer every text, without reading or writing the inference cache.
    #[arg(long, conflicts_with = "cache")]
    pub no_cache: bool,
}

impl ClassifierArgs {
    /// The shared model arguments.
    pub fn model_args(&self) -> ModelArgs {
        ModelArgs {
            model: self.classifier_model.clone(),
            batch_tokens: self.batch_tokens,
            batch_rows: None,
            threads: self.threads,
            sessions: self.sessions,
            cache: self.cache.clone(),
            no_cache: self.no_cache,
        }
    }
}
