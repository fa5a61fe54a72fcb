//! `ticketlens kpi`.

use super::common::{print_quality, InputArgs};
use super::kpi_args::KpiArgs;
use anyhow::Result;
use clap::Args;
use std::path::PathBuf;
use ticketlens::ingest::conversations::{read_conversations, ConversationOptions};
use ticketlens::ingest::customers::CustomerTable;
use ticketlens::ingest::{self, IngestOptions, RejectsWriter, Row};
use ticketlens::kpi::KpiEngine;
use ticketlens::pipeline::load::RejectOutput;
use ticketlens::ticket::EnrichedColumns;
use ticketlens::EnrichedTicket;

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
    #[arg(long)]
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
    let rejects_out = RejectOutput {
        path: a.out.join("rejects.csv"),
        policy: a.input.rejects.policy()?,
    };
    let mut ingest_opts = a.input.options(true)?;
    // KPIs read no text: an export without a subject/body column is fine.
    ingest_opts.require_text = false;
    let bot_author = match &a.bot_author {
        Some(p) => Some(regex::Regex::new(p).map_err(|e| {
            // regex's syntax errors span several lines; keep the reason.
            let e = e.to_string();
            let why = e.lines().last().unwrap_or("").trim_start_matches("error: ");
            anyhow::anyhow!("invalid --bot-author `{p}`: {why}")
        })?),
        None => None,
    };
    let mut opts = a.kpi.options(ingest_opts.timezone)?;
    // A ticket export is opened first: a file enriched with a taxonomy
    // (`classify --taxonomy`) makes its name a `--by` dimension.
    let reader = if a.conversations {
        opts.validate()?;
        None
    } else {
        let reader = ingest::open(&a.input.source(), &ingest_opts)?;
        let columns = EnrichedColumns::new(reader.headers());
        let extra: Vec<&str> = columns.taxonomy_name().into_iter().collect();
        opts.validate_with(&extra)?;
        Some((reader, columns))
    };
    if let Some(path) = &a.customers {
        let map = super::common::parse_pairs(&a.customers_map, "--customers-map")?;
        opts.customers = Some(std::sync::Arc::new(CustomerTable::read(path, &map)?));
    }
    std::fs::create_dir_all(&a.out).map_err(|e| ticketlens::Error::io(&a.out, e))?;
    let mut rejects = rejects_out.writer()?;
    // `--by language` on a file without a detected-language column: the
    // language is detected from each ticket's text here (no model needed).
    let by_language = opts.by.iter().any(|d| d == "language");
    let mut engine = KpiEngine::new(opts);
    let (read, kept, stats, warnings) = match reader {
        None => conversations(
            &a,
            &ingest_opts,
            bot_author,
            by_language,
            &mut engine,
            &mut rejects,
        )?,
        Some((reader, columns)) => {
            let detect = by_language && !columns.has_language();
            tickets(reader, &columns, detect, &mut engine, &mut rejects)?
        }
    };
    let quality = rejects_out.finish(rejects, read, kept, warnings)?;
    let rejected = quality.rows_rejected;
    let mut report = engine.finish();
    report.conversations = stats;
    report.data_quality = Some(quality.clone());
    let files = report.write(&a.out)?;
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
        let outside = if skipped > 0 {
            format!(", {skipped} outside any ticket (company-started, internal notes, events)")
        } else {
            String::new()
        };
        eprintln!(
            "kpi: {read} {what} read, {kept} used, {rejected} rejected{outside}; wrote {} files to {}",
            files.len() + 1,
            a.out.display()
        );
    }
    // Even with --quiet: rejects change what the numbers mean.
    print_quality("kpi", &quality);
    rejects_out.check(&quality)?;
    Ok(())
}

/// The ticket's language from its cleaned text, as `classify` detects it
/// (for `--by language` on a file without a language column).
fn set_language(e: &mut EnrichedTicket) {
    let text = ticketlens::text::clean_ticket(&e.ticket);
    e.language = ticketlens::text::language::detect(&text);
}

/// Rows read, rows used, thread stats (message logs), ingest warnings.
type Counts = (
    u64,
    u64,
    Option<ticketlens::ingest::conversations::ThreadStats>,
    Vec<String>,
);

/// A ticket export (or enriched file): every row is a ticket or a reject.
fn tickets(
    mut reader: ingest::TicketReader,
    columns: &EnrichedColumns,
    detect_language: bool,
    engine: &mut KpiEngine,
    rejects: &mut RejectsWriter,
) -> Result<Counts> {
    let (mut read, mut kept) = (0u64, 0u64);
    for row in reader.by_ref() {
        read += 1;
        match row? {
            Row::Ticket(t) => {
                kept += 1;
                let mut e = columns.enrich(t);
                if detect_language {
                    set_language(&mut e);
                }
                engine.push(&e);
            }
            Row::Rejected(r) => rejects.write(&r)?,
        }
    }
    Ok((read, kept, None, reader.warnings().to_vec()))
}

/// A message log: every message row is in a rebuilt ticket, skipped as
/// company-started (counted in the stats) or rejected; "read" counts
/// messages, "used" the messages inside tickets.
fn conversations(
    a: &KpiCmdArgs,
    opts: &IngestOptions,
    bot_author: Option<regex::Regex>,
    detect_language: bool,
    engine: &mut KpiEngine,
    rejects: &mut RejectsWriter,
) -> Result<Counts> {
    let copts = ConversationOptions {
        map: opts.map.clone(),
        timezone: opts.timezone,
        format: opts.format,
        delimiter: opts.delimiter,
        encoding: opts.encoding.clone(),
        bot_author,
    };
    let log = read_conversations(&a.input.source(), &copts)?;
    if a.input.explain_mapping {
        for (field, column) in &log.columns {
            eprintln!("{field:<16} <- {column}");
        }
    }
    for r in &log.rejects {
        rejects.write(r)?;
    }
    for t in log.tickets {
        let mut e = EnrichedTicket::new(t);
        if detect_language {
            set_language(&mut e);
        }
        engine.push(&e);
    }
    let s = log.stats;
    let read = s.messages + s.rejected;
    Ok((read, s.messages - s.skipped_messages, Some(s), Vec::new()))
}
