//! `ticketlens classify`.

use super::common::{print_quality, InputArgs, ModelArgs};
use anyhow::Result;
use clap::Args;
use std::path::PathBuf;
use ticketlens::pipeline::classify::{
    classify_to_files, default_rejects_path, ClassifyJob, DEFAULT_CHUNK_ROWS,
};
use ticketlens::pipeline::load::RejectOutput;
use ticketlens::pipeline::progress::Progress;
use ticketlens::report::enriched::OutputFormat;

/// Add sentiment and topic columns to every ticket; write embeddings to a side file.
///
/// Output = all input columns + sentiment, sentiment_confidence, p_negative,
/// p_neutral, p_positive, topic, topic_confidence, then `<head>,
/// <head>_confidence` for each extra head a custom model declares (named
/// `<head>_predicted` when the input has its own `<head>` column), then
/// language (and a taxonomy's pair with --taxonomy). Rejected rows go to
/// `<OUTPUT>.rejects.csv` with their line number, raw row and reason (the
/// file is always written, header only when nothing was rejected). A summary
/// line on stderr gives rows read / written / rejected, then the rejects
/// grouped by reason; more than --max-reject-rate (default 5 %) rejected
/// rows, or any with --strict, exit with code 3 after the outputs are written.
#[derive(Debug, Args)]
pub struct ClassifyArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub model: ModelArgs,
    /// Output file (default: stdout; `-` is stdout too).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Output format (default: from the output extension, else csv). Parquet holds the
    /// embeddings as its `embedding` column (fixed-size list of float32) instead of a side file.
    #[arg(long, value_enum)]
    pub format: Option<OutputFormat>,
    /// Embeddings side file (.npy, f32, one row per output row). Default: `<OUTPUT>.embeddings.npy`
    /// when writing CSV or JSONL to a file; none for Parquet.
    #[arg(long, value_name = "FILE")]
    pub embeddings: Option<PathBuf>,
    /// Do not write embeddings (no side file, no `embedding` column).
    #[arg(long, conflicts_with = "embeddings")]
    pub no_embeddings: bool,
    /// Rejects file (default: `<OUTPUT>.rejects.csv`, or ./ticketlens.rejects.csv for stdout).
    #[arg(long, value_name = "FILE")]
    pub rejects: Option<PathBuf>,
    /// A team taxonomy (from `taxonomy train` or `taxonomy from-names`): adds the columns
    /// `<NAME>` and `<NAME>_confidence` (multi-label: labels joined with `;`).
    #[arg(long, value_name = "FILE")]
    pub taxonomy: Option<PathBuf>,
    /// No progress display.
    #[arg(short, long)]
    pub quiet: bool,
}

pub fn run(mut a: ClassifyArgs) -> Result<()> {
    // `-o -` is stdout, as `-` is stdin: never a file named "-".
    if a.output.as_deref() == Some(std::path::Path::new("-")) {
        a.output = None;
    }
    let ingest = a.input.options(false)?;
    let classifier = a.model.load()?;
    let format = a.format.unwrap_or_else(|| {
        a.output
            .as_deref()
            .map(OutputFormat::from_path)
            .unwrap_or(OutputFormat::Csv)
    });
    let parquet = format == OutputFormat::Parquet;
    let embeddings = if a.no_embeddings {
        None
    } else if parquet {
        a.embeddings.clone()
    } else {
        a.embeddings.clone().or_else(|| {
            a.output.as_ref().map(|o| {
                let mut s = o.as_os_str().to_owned();
                s.push(".embeddings.npy");
                PathBuf::from(s)
            })
        })
    };
    let job = ClassifyJob {
        input: a.input.source(),
        ingest,
        rejects: RejectOutput {
            path: a
                .rejects
                .clone()
                .unwrap_or_else(|| default_rejects_path(a.output.as_deref())),
            policy: a.input.rejects.policy()?,
        },
        output: a.output.clone(),
        format,
        embeddings,
        embeddings_column: parquet && !a.no_embeddings,
        chunk_rows: DEFAULT_CHUNK_ROWS,
        taxonomy: match &a.taxonomy {
            Some(p) => Some(ticketlens::taxonomy::Taxonomy::load(p)?),
            None => None,
        },
    };
    let progress = Progress::for_input("classify", &job.input, &job.ingest, a.quiet);
    let counts = classify_to_files(&job, &classifier, &progress);
    progress.finish();
    let counts = counts?;
    if !a.quiet {
        eprintln!("classify: {}", counts.summary_line());
    }
    // Even with --quiet: the rejects change what the output means.
    print_quality("classify", &job.quality(&counts));
    // After the summary, so a failing run still says what it read and why.
    job.check_rejects(&counts)?;
    Ok(())
}
