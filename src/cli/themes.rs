//! `ticketlens themes`.

use super::common::{print_quality, InputArgs};
use super::themes_args::ThemeArgs;
use anyhow::{Context, Result};
use clap::Args;
use std::path::PathBuf;
use ticketlens::embeddings::Embeddings;
use ticketlens::ingest::{self, DataQuality, RejectsWriter, Row};
use ticketlens::period::Period;
use ticketlens::text::clean_ticket;
use ticketlens::ticket::EnrichedColumns;
use ticketlens::EnrichedTicket;

/// Root-cause themes and trending complaints from classified tickets.
///
/// INPUT is an enriched file written by `classify` (its sentiment/topic
/// columns are read back), EMBEDDINGS the `.npy` side file written with it
/// (same row order). Writes DIR/themes.json, DIR/trends.csv,
/// DIR/ticket_themes.csv and DIR/rejects.csv. More than --max-reject-rate
/// (default 5 %) of the rows rejected, or any with --strict, exits with code 3
/// after writing the outputs.
#[derive(Debug, Args)]
pub struct ThemesCmdArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub themes: ThemeArgs,
    /// Embeddings (.npy, f32) in the input's row order, as written by `classify`.
    #[arg(long, value_name = "FILE")]
    pub embeddings: PathBuf,
    /// Trend period.
    #[arg(long, value_enum, default_value = "week")]
    pub period: Period,
    /// Output directory (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

pub fn run(a: ThemesCmdArgs) -> Result<()> {
    let policy = a.input.rejects.policy()?;
    let ingest_opts = a.input.options(true)?;
    let opts = a.themes.options(a.period, ingest_opts.timezone)?;
    let emb = Embeddings::read_npy(&a.embeddings)?;
    std::fs::create_dir_all(&a.out).map_err(|e| ticketlens::Error::io(&a.out, e))?;
    let mut reader = ingest::open(&a.input.source(), &ingest_opts)?;
    let columns = EnrichedColumns::new(reader.headers());
    let mut rejects = RejectsWriter::new(a.out.join("rejects.csv"))?;
    let (mut tickets, mut texts) = (Vec::new(), Vec::new());
    let mut read = 0u64;
    for row in reader.by_ref() {
        read += 1;
        match row? {
            Row::Ticket(t) => {
                let prediction = columns.prediction(&t.raw);
                texts.push(clean_ticket(&t));
                tickets.push(EnrichedTicket {
                    taxonomy: None,
                    language: None,
                    ticket: t,
                    prediction,
                    theme: None,
                });
            }
            Row::Rejected(r) => rejects.write(&r)?,
        }
    }
    let rejects_path = rejects.path().to_path_buf();
    let summary = rejects.finish_with_summary()?;
    let quality = DataQuality::from_summary(
        read,
        tickets.len() as u64,
        &summary,
        reader.warnings().to_vec(),
        &policy,
    )
    .with_rejects_file(&rejects_path);
    print_quality("themes", &quality);
    anyhow::ensure!(
        emb.rows() == tickets.len(),
        "{} has {} rows but {} tickets were read: pass the embeddings written with this file by `classify`",
        a.embeddings.display(),
        emb.rows(),
        tickets.len()
    );
    let report = ticketlens::themes::discover(&tickets, &texts, &emb, &opts).context("themes")?;
    let files = report.write(&tickets, &a.out)?;
    eprintln!(
        "themes: {} themes over {} tickets; wrote {} files to {}",
        report.themes.len(),
        tickets.len(),
        files.len(),
        a.out.display()
    );
    for t in report.trending.iter().take(5) {
        eprintln!("  trending: {}", serde_json::to_string(t)?);
    }
    policy.check(&quality)?;
    Ok(())
}
