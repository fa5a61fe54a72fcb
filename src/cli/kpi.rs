//! `ticketlens kpi`.

use super::common::InputArgs;
use super::kpi_args::KpiArgs;
use anyhow::Result;
use clap::Args;
use std::path::PathBuf;
use ticketlens::ingest::{self, RejectsWriter, Row};
use ticketlens::kpi::KpiEngine;
use ticketlens::EnrichedTicket;

/// Support KPIs from a ticket export (or an enriched file from `classify`):
/// volume, backlog, first response, resolution, CSAT, NPS, CES, escalation,
/// reopen, first-contact resolution, SLA breach — overall, by dimension and
/// per period. Streams: memory stays flat on large exports.
///
/// Writes DIR/kpis.json and DIR/kpis_by_<dims>.csv; prints a summary table.
/// Definitions: README, "KPI definitions".
#[derive(Debug, Args)]
pub struct KpiCmdArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub kpi: KpiArgs,
    /// Output directory (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Read a conversation/message log (one row per message, e.g. the Customer Support on
    /// Twitter layout) and rebuild tickets from threads first.
    #[arg(long)]
    pub conversations: bool,
    /// No summary table.
    #[arg(short, long)]
    pub quiet: bool,
}

pub fn run(a: KpiCmdArgs) -> Result<()> {
    let ingest_opts = a.input.options(true)?;
    let opts = a.kpi.options(ingest_opts.timezone)?;
    opts.validate()?;
    std::fs::create_dir_all(&a.out).map_err(|e| ticketlens::Error::io(&a.out, e))?;
    let mut rejects = RejectsWriter::new(a.out.join("rejects.csv"))?;
    let mut engine = KpiEngine::new(opts);
    let (mut read, mut kept) = (0u64, 0u64);
    if a.conversations {
        let log =
            ingest::conversations::read_conversations(&a.input.source(), &Default::default())?;
        for r in &log.rejects {
            rejects.write(r)?;
        }
        read += log.rejects.len() as u64;
        for t in log.tickets {
            engine.push(&EnrichedTicket::new(t));
            kept += 1;
            read += 1;
        }
        if !a.quiet {
            eprintln!("kpi: {}", serde_json::to_string(&log.stats)?);
        }
    } else {
        for row in ingest::open(&a.input.source(), &ingest_opts)? {
            read += 1;
            match row? {
                Row::Ticket(t) => {
                    kept += 1;
                    engine.push(&EnrichedTicket::new(t));
                }
                Row::Rejected(r) => rejects.write(&r)?,
            }
        }
    }
    let rejected = rejects.finish()?;
    let report = engine.finish();
    let files = report.write(&a.out)?;
    if !a.quiet {
        println!("{}", report.summary_table());
        eprintln!(
            "kpi: {read} rows read, {kept} used, {rejected} rejected; wrote {} files to {}",
            files.len() + 1,
            a.out.display()
        );
    }
    if a.input.strict && rejected > 0 {
        anyhow::bail!(
            "{rejected} row(s) rejected (see {}); --strict turns rejects into a failure",
            a.out.join("rejects.csv").display()
        );
    }
    Ok(())
}
