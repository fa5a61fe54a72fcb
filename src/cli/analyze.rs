//! `ticketlens analyze`.

use super::common::{print_quality, InputArgs, ModelArgs};
use super::kpi_args::KpiArgs;
use super::themes_args::ThemeArgs;
use anyhow::Result;
use clap::Args;
use std::path::PathBuf;
use ticketlens::pipeline::analyze::{analyze, AnalyzeOptions};
use ticketlens::report::enriched::OutputFormat;

/// Run every stage on a ticket export: classify → themes and trends → KPIs →
/// churn → report.
///
/// Writes into DIR: tickets_enriched.csv (or .jsonl/.parquet: --format), rejects.csv, embeddings.npy,
/// kpis.json + kpis_by_<dims>.csv, themes.json + trends.csv +
/// ticket_themes.csv, at_risk.csv + churn_eval.json + churn_model.json (when
/// churn can run), run.json and report.html (self-contained; open it in any
/// browser, offline). Every file is written atomically; these files from an
/// earlier run in DIR are removed first, so nothing stale is left beside the
/// new report. If churn training fails on the data (one class only, too few
/// customers) the run goes on without it and says why.
///
/// A file without a text column still gets KPIs and churn (no classification,
/// no themes); one without a creation-time column gets classification, KPIs and
/// themes without periods, trends or churn. What was skipped is said on stderr,
/// in run.json and in the report. Rejected rows are summarised by reason on
/// stderr, in kpis.json, run.json and the report; more than --max-reject-rate
/// (default 5 %) of the rows rejected, or any with --strict, exits with code 3
/// after writing every output.
///
/// `run.json`'s `options` are these arguments as given (paths as file
/// names), serialised, plus the period the run used.
#[derive(Debug, Args, serde::Serialize)]
pub struct AnalyzeArgs {
    #[command(flatten)]
    #[serde(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    #[serde(flatten)]
    pub model: ModelArgs,
    #[command(flatten)]
    #[serde(flatten)]
    pub kpi: KpiArgs,
    #[command(flatten)]
    #[serde(flatten)]
    pub themes: ThemeArgs,
    /// Output directory (created if missing). `--by` defaults to channel,priority,topic,language
    /// here (language is always added: the report's language note needs it).
    #[arg(long, value_name = "DIR")]
    #[serde(serialize_with = "super::ser::file_name")]
    pub out: PathBuf,
    /// Customers table (customer_id, churned, plan, mrr, signup_date …): trains the churn model when it has labels.
    #[arg(long, value_name = "FILE")]
    #[serde(serialize_with = "super::ser::opt_file_name")]
    pub customers: Option<PathBuf>,
    /// Map a customers-table field to a column, e.g. `--customers-map churned="Is Lost"` (repeatable).
    #[arg(long = "customers-map", value_name = "FIELD=COLUMN")]
    pub customers_map: Vec<String>,
    /// Score customers with a saved churn model (from `churn train` or an earlier analyze). Used only when --customers has no `churned` labels (or training on them fails); the terminal says which model scored.
    #[arg(long = "churn-model", value_name = "FILE")]
    #[serde(serialize_with = "super::ser::opt_file_name")]
    pub churn_model: Option<PathBuf>,
    /// A team taxonomy (from `taxonomy train` or `from-names`): tickets_enriched.csv gets the
    /// columns `<NAME>`, `<NAME>_confidence`, and `<NAME>` joins the --by dimensions (the
    /// report's taxonomy mix and KPIs by label).
    #[arg(long, value_name = "FILE")]
    #[serde(serialize_with = "super::ser::opt_file_name")]
    pub taxonomy: Option<PathBuf>,
    /// A saved theme model (`themes fit`): tickets join its themes (same ids and labels as when
    /// it was fitted) instead of new ones, tickets of a new kind show up as emerging themes,
    /// and churn gets theme-mix features (labels are stable then).
    #[arg(long = "theme-model", value_name = "FILE")]
    #[serde(serialize_with = "super::ser::opt_file_name")]
    pub theme_model: Option<PathBuf>,
    /// Format of the enriched tickets (default csv): `tickets_enriched.csv`, `.jsonl`, or
    /// `.parquet`, which holds the embeddings as its `embedding` column (no embeddings.npy then).
    #[arg(long, value_enum, value_name = "FORMAT")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<OutputFormat>,
    /// Read a conversation/message log (one row per message, e.g. the Customer Support on
    /// Twitter layout or Intercom conversation parts) and rebuild tickets from its threads
    /// first, as `kpi --conversations` does: every stage then runs on those tickets (a ticket's
    /// text is its customer's messages), kpis.json gets a `conversations` block, and rows read
    /// count messages. --map then takes message fields (message_id conversation_id parent_id
    /// author author_name inbound role timestamp text kind).
    #[arg(long, conflicts_with_all = super::common::TICKET_ONLY)]
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub conversations: bool,
    /// With --conversations: company messages whose author id or author name matches this
    /// regular expression are automated (bot acknowledgements, auto-replies) and never count as
    /// a first response, e.g. `(?i)^(operator|auto-?reply)$`.
    #[arg(
        long = "bot-author",
        value_name = "PATTERN",
        requires = "conversations"
    )]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bot_author: Option<String>,
    /// No progress display and no terminal summary.
    #[arg(short, long)]
    #[serde(skip)]
    pub quiet: bool,
}

pub fn run(mut a: AnalyzeArgs) -> Result<()> {
    let policy = a.input.rejects.policy()?;
    // Text and creation time are optional here: stages that need them are
    // skipped when the file has no such column (see `open_partial`).
    let mut ingest = a.input.options(false)?;
    let given = a.input.read.timezone.as_deref();
    a.kpi.default_zone(given, &mut ingest, "analyze", a.quiet)?;
    // The run's settings record the zone used.
    a.input.read.timezone = Some(ingest.timezone.name().to_string());
    let conversations = match a.conversations {
        true => Some(super::common::conversation_options(
            &a.input,
            &ingest,
            super::common::bot_author(a.bot_author.as_deref())?,
        )),
        false => None,
    };
    let mut kpi = a.kpi.options(ingest.timezone)?;
    let taxonomy = match &a.taxonomy {
        Some(p) => Some(ticketlens::taxonomy::Taxonomy::load(p)?),
        None => None,
    };
    let tax_name: Vec<&str> = taxonomy.iter().map(|t| t.name.as_str()).collect();
    // The model is loaded before the options are checked: its extra heads
    // (an `urgency` head …) are `--by` dimensions too.
    let classifier = a.model.load()?;
    let head_names = classifier.config().extra_head_names();
    let extra: Vec<&str> = tax_name
        .iter()
        .copied()
        .chain(head_names.iter().map(String::as_str))
        .collect();
    kpi.validate_with(&extra)?;
    // The report compares each headline KPI with the previous period, so
    // analyze always computes per-period KPIs (weekly unless told otherwise).
    let period = a.kpi.period.unwrap_or(ticketlens::period::Period::Week);
    kpi.period = Some(period);
    if kpi.by.is_empty() {
        // The report's "KPIs by group" section: channel, priority, topic
        // and language unless the user chose other dimensions.
        kpi.by = vec![
            "channel".into(),
            "priority".into(),
            "topic".into(),
            "language".into(),
        ];
    }
    if !kpi.by.iter().any(|d| d == "language") {
        kpi.by.push("language".into());
    }
    // A taxonomy and the model's extra heads are what the team asked to
    // see: always grouped by.
    for &name in &extra {
        if !kpi.by.iter().any(|d| d == name) {
            kpi.by.push(name.to_string());
        }
    }
    let themes = a.themes.options(period, ingest.timezone)?;
    let theme_model = match &a.theme_model {
        Some(p) => Some(ticketlens::themes::ThemeModel::load(p)?),
        None => None,
    };
    let churn = ticketlens::churn::ChurnOptions {
        as_of: kpi.as_of,
        seed: a.themes.seed,
        sla: kpi.sla,
        // A saved theme model's labels mean the same thing in every run,
        // so a churn model can use the theme mix (off otherwise: see
        // ChurnOptions::max_theme_features).
        max_theme_features: if theme_model.is_some() { 20 } else { 0 },
        ..Default::default()
    };
    let mut options_json = serde_json::to_value(&a)?;
    options_json["period"] = serde_json::json!(period);
    let customers_map = super::common::parse_pairs(&a.customers_map, "--customers-map")?;
    let opts = AnalyzeOptions {
        input: a.input.source(),
        conversations,
        ingest,
        out_dir: a.out.clone(),
        tickets_format: a.format.unwrap_or(OutputFormat::Csv),
        customers: a.customers.clone(),
        customers_map,
        churn_model: a.churn_model.clone(),
        kpi,
        taxonomy,
        theme_model,
        themes,
        churn,
        quiet: a.quiet,
        policy,
        options_json,
    };
    let summary = analyze(&opts, &classifier)?;
    // Notes (which churn model was used, why churn did not run) go to stderr
    // even with --quiet: they change what the outputs mean.
    for n in &summary.notes {
        eprintln!("analyze: note: {n}");
    }
    for s in &summary.skipped {
        eprintln!("analyze: skipped {s}");
    }
    if !a.quiet {
        println!("{}", summary.summary);
        eprintln!("analyze: {}", summary.counts.summary_line());
        eprintln!(
            "analyze: wrote {} files to {} (open {})",
            summary.files.len(),
            a.out.display(),
            a.out.join("report.html").display()
        );
    }
    print_quality("analyze", &summary.quality);
    policy.check(&summary.quality)?;
    Ok(())
}
