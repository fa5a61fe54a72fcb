//! `ticketlens kpi`.

use super::common::{print_quality, InputArgs};
use super::kpi_args::KpiArgs;
use anyhow::Result;
use clap::Args;
use std::path::PathBuf;
use ticketlens::pipeline::kpi::{run_kpi, KpiJob};
use ticketlens::pipeline::load::RejectOutput;

/// Support KPIs from a ticket export (or an enriched file from `classify`/`analyze`, whose
/// sentiment/topic/theme columns are read back): volume, backlog, first response, resolution,
/// CSAT, NPS, CES, escalation, reopen, first-contact resolution, SLA breach — overall, by
/// dimension and per period. Streams: memory stays flat on large exports.
///
/// Writes DIR/kpis.json and one DIR/kpis_by_<dim>.csv per --by dimension (plus
/// kpis_by_period.csv with --period, the combined table with --cross) and DIR/rejects.csv;
/// prints a summary table, then the rejects grouped by reason. kpis.json's `data_quality` block
/// says what the numbers were computed from. More than --max-reject-rate (default 5 %) of the
/// rows rejected, or any with --strict, exits with code 3 after writing the outputs.
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
    /// Twitter layout) and rebuild tickets from threads first; kpis.json gets a `conversations`
    /// block. --map then takes message fields (message_id conversation_id parent_id author
    /// author_name inbound role timestamp text kind). Author roles: customer (user, lead, contact…),
    /// company human (agent, admin, teammate…) and automation (bot, operator, system…), whose
    /// messages never count as a first response or a reply.
    #[arg(long, conflicts_with_all = super::common::TICKET_ONLY)]
    pub conversations: bool,
    /// Customers table (customer_id, churned, plan …): adds contact rate, churn and retention
    /// rate (overall, by plan, next to SLA breaches, negative and escalated tickets) to kpis.json.
    #[arg(long, value_name = "FILE")]
    pub customers: Option<PathBuf>,
    /// Map a customers-table field to a column, e.g. `--customers-map churned="Is Lost"` (repeatable).
    #[arg(
        long = "customers-map",
        value_name = "FIELD=COLUMN",
        requires = "customers"
    )]
    pub customers_map: Vec<String>,
    /// With --conversations: company messages whose author id or author name matches this
    /// regular expression are automated (bot acknowledgements, auto-replies), e.g.
    /// `(?i)^(operator|auto-?reply)$`.
    #[arg(
        long = "bot-author",
        value_name = "PATTERN",
        requires = "conversations"
    )]
    pub bot_author: Option<String>,
    /// No summary table.
    #[arg(short, long)]
    pub quiet: bool,
}

pub fn run(a: KpiCmdArgs) -> Result<()> {
    let rejects = RejectOutput {
        path: a.out.join("rejects.csv"),
        policy: a.input.rejects.policy()?,
    };
    let mut ingest = a.input.options(true)?;
    let given = a.input.read.timezone.as_deref();
    a.kpi.default_zone(given, &mut ingest, "kpi", a.quiet)?;
    let bot_author = super::common::bot_author(a.bot_author.as_deref())?;
    let kpi = a.kpi.options(ingest.timezone)?;
    let customers = match &a.customers {
        Some(path) => Some((
            path.clone(),
            super::common::parse_pairs(&a.customers_map, "--customers-map")?,
        )),
        None => None,
    };
    let conversations = a
        .conversations
        .then(|| super::common::conversation_options(&a.input, &ingest, bot_author));
    let done = run_kpi(KpiJob {
        source: a.input.source(),
        ingest,
        kpi,
        customers,
        conversations,
        out: a.out.clone(),
        rejects: rejects.clone(),
    })?;
    let report = &done.report;
    if !report.unknown_priorities.is_empty() {
        let n: u64 = report.unknown_priorities.iter().map(|(_, c)| c).sum();
        let shown: Vec<String> = report
            .unknown_priorities
            .iter()
            .take(5)
            .map(|(v, c)| format!("'{v}' ({c})"))
            .collect();
        eprintln!(
            "kpi: warning: {n} ticket(s) have a priority no SLA class is known for, counted as normal: {} (known: urgent/critical/highest/P1, high/major/P2, normal/medium/P3, low/minor/lowest/P4)",
            shown.join(", ")
        );
    }
    if !a.quiet {
        println!("{}", report.summary_table());
        let what = if a.conversations { "messages" } else { "rows" };
        // Message logs: say why read ≠ used + rejected.
        let skipped = report
            .conversations
            .as_ref()
            .map_or(0, |s| s.skipped_messages);
        let mut outside = if skipped > 0 {
            format!(", {skipped} outside any ticket (company-started, internal notes, events)")
        } else {
            String::new()
        };
        let superseded = done.quality.rows_superseded;
        if superseded > 0 {
            outside.push_str(&format!(
                " ({superseded} more rows repeated a ticket read from another row)"
            ));
        }
        eprintln!(
            "kpi: {} {what} read, {} used, {} rejected{outside}; wrote {} files to {}",
            done.read,
            done.used,
            done.quality.rows_rejected,
            done.files.len() + 1,
            a.out.display()
        );
    }
    // Even with --quiet: rejects change what the numbers mean.
    print_quality("kpi", &done.quality);
    rejects.check(&done.quality)?;
    Ok(())
}
