//! `analyze`: every stage, one command, one output directory.
//!
//! ingest → classify → themes → KPIs → churn → enriched tickets, JSON/CSV
//! tables, `report.html`, `run.json` and a terminal summary. Every file is
//! written atomically, and the outputs of an earlier run in the same
//! directory are removed first (report.html and run.json before anything
//! else), so an interrupted run never leaves a report that looks complete
//! and a rerun never shows an earlier run's at-risk list or churn numbers.
//!
//! A partial export still gets every stage that does not need what it
//! lacks: without a text column there is no classification and no themes
//! (KPIs and churn run, churn without text features); without a creation
//! time there are no periods, trends or churn (classification, KPIs and
//! themes run). What was skipped is said on stderr, in `run.json`
//! (`skipped`) and in the report. Rejected rows never stop the run: the
//! outputs are written and carry a data-quality block; the caller applies
//! the reject policy ([`AnalyzeOptions::policy`]) afterwards.

use super::classify::StageCounts;
use super::load::{
    load_conversations, load_tickets, Enrich, LoadOptions, Loaded, Open, RejectOutput,
};
use super::progress::Progress;
use super::run_info::{sha256_file, RunInfo};
use crate::churn::{self, ChurnOptions, CustomerTable};
use crate::error::{Error, PipelineError, Result, Setting};
use crate::ingest::conversations::ConversationOptions;
use crate::ingest::{DataQuality, IngestOptions, InputSource, RejectPolicy};
use crate::io::file_name;
use crate::kpi::{self, KpiOptions};
use crate::model::Classifier;
use crate::report::enriched::{EnrichedWriter, OutputFormat};
use crate::report::{Analysis, ChurnOutcome};
use crate::themes::{self, ThemeOptions};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Everything `analyze` needs.
pub struct AnalyzeOptions {
    /// Ticket export, or a conversation log with [`AnalyzeOptions::conversations`].
    pub input: InputSource,
    /// Read `input` as a conversation log (one row per message) and rebuild
    /// tickets from its threads first (`--conversations`; see
    /// [`super::load::load_conversations`]); kpis.json gets the
    /// `conversations` block. `None`: a ticket export.
    pub conversations: Option<ConversationOptions>,
    /// Column mapping etc. (`require_text` and `require_created_at` are
    /// decided by `analyze`: see [`super::load::open_partial`]).
    pub ingest: IngestOptions,
    /// Output directory (created if missing).
    pub out_dir: PathBuf,
    /// Format of `tickets_enriched.<csv|jsonl|parquet>`. Parquet holds the
    /// embeddings as its `embedding` column; `embeddings.npy` is then not
    /// written.
    pub tickets_format: OutputFormat,
    /// Customers table (enables churn training when it has labels).
    pub customers: Option<PathBuf>,
    /// Column overrides for the customers table.
    pub customers_map: Vec<(String, String)>,
    /// A saved churn model to score with (when the customers table has no labels).
    pub churn_model: Option<PathBuf>,
    /// KPI options.
    pub kpi: KpiOptions,
    /// A team taxonomy (`--taxonomy`): every classified ticket gets its
    /// label (columns `<NAME>`, `<NAME>_confidence` in
    /// tickets_enriched.csv) and `<NAME>` joins the KPI dimensions, so the
    /// report shows the taxonomy's mix and its KPIs.
    pub taxonomy: Option<crate::taxonomy::Taxonomy>,
    /// A saved theme model (`--theme-model`): tickets are assigned to its
    /// themes (same ids and labels as when fitted) instead of discovering
    /// new ones; emerging themes are reported apart.
    pub theme_model: Option<themes::ThemeModel>,
    /// Theme options.
    pub themes: ThemeOptions,
    /// Churn options.
    pub churn: ChurnOptions,
    /// No progress bars.
    pub quiet: bool,
    /// When rejected rows fail the run (`--strict`, `--max-reject-rate`):
    /// recorded in the data-quality block; the caller applies it with
    /// [`RejectPolicy::check`] once [`analyze`] has written everything.
    pub policy: RejectPolicy,
    /// Options as given on the command line (recorded in run.json).
    pub options_json: serde_json::Value,
}

/// What `analyze` produced.
pub struct AnalyzeSummary {
    /// Files written.
    pub files: Vec<PathBuf>,
    /// Terminal summary text.
    pub summary: String,
    /// Classification counts.
    pub counts: StageCounts,
    /// Notes about stages that fell back (e.g. which churn model scored
    /// the customers), also in run.json and the report.
    pub notes: Vec<String>,
    /// Stages skipped because the input lacks a text or a creation-time
    /// column, with why (also in run.json's `skipped` and the report).
    pub skipped: Vec<String>,
    /// Rows read, used, rejected by reason, ingest warnings (also in
    /// kpis.json, run.json and the report).
    pub quality: DataQuality,
}

/// Time one stage for run.json and, on a terminal, show it as it runs
/// (`rows` rows; `None` when the stage has its own progress bar).
fn timed<T>(
    stages: &mut Vec<(String, f64)>,
    name: &str,
    show: Option<(u64, bool)>,
    f: impl FnOnce() -> Result<T>,
) -> Result<T> {
    let spinner = show.map(|(rows, quiet)| Progress::stage(name, rows, quiet));
    let t = Instant::now();
    let out = f();
    if let Some(s) = &spinner {
        s.finish_stage();
    }
    let out = out?;
    stages.push((name.to_string(), t.elapsed().as_secs_f64()));
    Ok(out)
}

/// The files `analyze` writes (besides `kpis_by_<dims>.csv`), report and
/// run info first: they are removed in this order at the start of a run so
/// a run that stops half-way cannot look complete, and the report never
/// reads a file an earlier run left behind.
pub const OUTPUT_FILES: [&str; 14] = [
    "report.html",
    "run.json",
    "tickets_enriched.csv",
    "tickets_enriched.jsonl",
    "tickets_enriched.parquet",
    "rejects.csv",
    "embeddings.npy",
    "kpis.json",
    "themes.json",
    "trends.csv",
    "ticket_themes.csv",
    "at_risk.csv",
    "churn_eval.json",
    "churn_model.json",
];

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// Remove the outputs of an earlier run from `out` (and temp files of a run
/// that was killed before it could clean up), except files that are inputs
/// of this run (e.g. `--churn-model report/churn_model.json`).
/// Returns the names removed.
pub fn remove_previous_outputs(out: &Path, keep: &[&Path]) -> Result<Vec<String>> {
    let mut names: Vec<String> = OUTPUT_FILES.iter().map(|s| s.to_string()).collect();
    let entries = std::fs::read_dir(out).map_err(|e| Error::io(out, e))?;
    for e in entries {
        let e = e.map_err(|e| Error::io(out, e))?;
        let name = e.file_name().to_string_lossy().into_owned();
        // kpis_by_<dims>.csv, and temp files a killed run left behind.
        if (name.starts_with("kpis_by_") && name.ends_with(".csv"))
            || (name.starts_with(".ticketlens-") && name.ends_with(".tmp"))
        {
            names.push(name);
        }
    }
    let mut removed = Vec::new();
    for name in names {
        let p = out.join(&name);
        if !p.is_file() || keep.iter().any(|k| same_file(k, &p)) {
            continue;
        }
        std::fs::remove_file(&p).map_err(|e| Error::io(&p, e))?;
        removed.push(name);
    }
    Ok(removed)
}

/// Run every stage.
pub fn analyze(opts: &AnalyzeOptions, classifier: &Classifier) -> Result<AnalyzeSummary> {
    if let Some(t) = &opts.taxonomy {
        t.check_classifier(classifier.config())?;
    }
    if let Some(m) = &opts.theme_model {
        m.check_model(
            Some(classifier.model_sha256()),
            classifier.config().embedding.dim,
        )?;
    }
    let out = &opts.out_dir;
    std::fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
    let mut keep: Vec<&Path> = Vec::new();
    if let InputSource::Path(p) = &opts.input {
        keep.push(p);
    }
    keep.extend(opts.customers.as_deref());
    keep.extend(opts.churn_model.as_deref());
    remove_previous_outputs(out, &keep)?;
    let mut files: Vec<PathBuf> = Vec::new();
    let mut stages = Vec::new();
    let mut notes = Vec::new();

    // 1. ingest + classify (or only ingest, without text); rejects written
    let rejects_path = out.join("rejects.csv");
    let load = LoadOptions {
        source: opts.input.clone(),
        ingest: opts.ingest.clone(),
        open: Open::Partial,
        rejects: RejectOutput {
            path: rejects_path.clone(),
            policy: opts.policy,
        },
    };
    let (loaded, thread_stats) = match &opts.conversations {
        Some(conversations) => {
            // Threads are rebuilt before inference: no row count to show.
            let progress = Progress::new("classify", None, opts.quiet);
            let (loaded, stats) = timed(&mut stages, "ingest+classify", None, || {
                load_conversations(&load, conversations, classifier, &progress)
            })?;
            let plural =
                |n: u64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
            let empty = stats.threads - loaded.set.tickets.len() as u64;
            let empty = match empty {
                0 => String::new(),
                n => format!(
                    " ({} rejected: no text after cleaning)",
                    plural(n, "thread", "threads")
                ),
            };
            notes.push(format!(
                "conversations: {} rebuilt from {}{empty}; {} outside any customer-started thread (company-started, internal notes, events)",
                plural(stats.threads, "thread", "threads"),
                plural(stats.messages, "message", "messages"),
                plural(stats.skipped_messages, "message", "messages"),
            ));
            (loaded, Some(stats))
        }
        None => {
            let progress = Progress::for_input("classify", &opts.input, &opts.ingest, opts.quiet);
            let loaded = timed(&mut stages, "ingest+classify", None, || {
                load_tickets(
                    &load,
                    Enrich::Classify {
                        classifier,
                        progress: &progress,
                    },
                )
            })?;
            (loaded, None)
        }
    };
    let Loaded {
        mut set,
        quality,
        has_text,
        has_time,
        ..
    } = loaded;
    files.push(rejects_path.clone());
    let mut skipped = Vec::new();
    if !has_text {
        skipped.push(format!(
            "classification and themes: no text column (subject, body or {}); KPIs and churn run without sentiment and topic",
            Setting::TextColumn
        ));
    }
    if !has_time {
        skipped.push(format!(
            "periods, trends and churn: no creation-time column (map one with {} created_at=COLUMN); KPIs cover the whole file",
            Setting::Map
        ));
    }
    if !has_time {
        drop_timestamps(&mut set.tickets);
    }
    // Named like its column in tickets_enriched.csv (see ClassifiedSet::tag).
    let taxonomy = match &opts.taxonomy {
        Some(t) if has_text => Some(set.tag(t)),
        _ => None,
    };
    // The model's extra heads too: beside an input column of a head's
    // name the head is written as `<head>_predicted`, and grouped by that
    // name, so kpis.json and `kpi --by` on the enriched file agree.
    let head_renames = if has_text {
        set.name_heads_as_columns(&classifier.config().extra_head_names())
    } else {
        Vec::new()
    };
    if set.tickets.is_empty() {
        return Err(PipelineError::NoValidTickets {
            rejected: quality.rows_rejected,
            read: quality.rows_read,
            rejects: rejects_path.display().to_string(),
            top: quality.most_often(),
        }
        .into());
    }

    let n_rows = set.tickets.len() as u64;

    // 2. themes (assigns a theme to every ticket); trends need times
    let mut themes_out = None;
    if has_text {
        let mut theme_report =
            timed(
                &mut stages,
                "themes",
                Some((n_rows, opts.quiet)),
                || match &opts.theme_model {
                    Some(m) => m.assign(&set.tickets, &set.texts, &set.embeddings, &opts.themes),
                    None => {
                        themes::discover(&set.tickets, &set.texts, &set.embeddings, &opts.themes)
                    }
                },
            )?;
        if !has_time {
            theme_report.trends.clear();
            theme_report.trending.clear();
            theme_report.trending_conversation.clear();
            for theme in &mut theme_report.themes {
                theme.trend.clear();
            }
        }
        for (t, a) in set.tickets.iter_mut().zip(&theme_report.assignments) {
            t.theme = a.clone();
        }
        files.extend(theme_report.write(&set.tickets, out)?);
        themes_out = Some(theme_report);
    }

    // 3. KPIs (over the whole file, without periods, when there are no times)
    // The customers table serves the customer KPIs and churn alike.
    let customers = match &opts.customers {
        Some(p) => Some(std::sync::Arc::new(CustomerTable::read(
            p,
            &opts.customers_map,
        )?)),
        None => None,
    };
    let mut kpi_opts = opts.kpi.clone();
    kpi_opts.customers = customers.clone();
    if let (Some(given), Some(used)) = (&opts.taxonomy, &taxonomy) {
        for d in kpi_opts.by.iter_mut().filter(|d| **d == given.name) {
            d.clone_from(&used.name);
        }
    }
    for (head, column) in &head_renames {
        for d in kpi_opts.by.iter_mut().filter(|d| *d == head) {
            d.clone_from(column);
        }
    }
    if !has_time {
        kpi_opts.period = None;
        kpi_opts.undated = true;
    }
    if !has_text {
        // `topic` (analyze's default dimension) and a taxonomy come from
        // the model.
        let tax = opts.taxonomy.as_ref().map(|t| t.name.as_str());
        kpi_opts
            .by
            .retain(|d| d != "topic" && Some(d.as_str()) != tax);
    }
    let mut kpi_report = timed(&mut stages, "kpi", Some((n_rows, opts.quiet)), || {
        Ok(kpi::compute(set.tickets.iter(), &kpi_opts))
    })?;
    kpi_report.data_quality = Some(quality.clone());
    kpi_report.conversations = thread_stats;
    files.extend(kpi_report.write(out)?);

    // 4. churn (ticket history needs times)
    let churn_run = if has_time {
        timed(&mut stages, "churn", Some((n_rows, opts.quiet)), || {
            run_churn(opts, customers.as_deref(), &set.tickets, out, &mut notes)
        })?
    } else {
        ChurnRun {
            files: Vec::new(),
            used: "none",
            counts: Default::default(),
            outcome: ChurnOutcome::Skipped {
                reason: "churn: skipped: the input has no creation-time column".into(),
            },
        }
    };
    files.extend(churn_run.files.iter().cloned());

    // 5. enriched tickets + embeddings
    timed(&mut stages, "write", Some((n_rows, opts.quiet)), || {
        let ext = match opts.tickets_format {
            OutputFormat::Csv => "csv",
            OutputFormat::Jsonl => "jsonl",
            OutputFormat::Parquet => "parquet",
        };
        let p = out.join(format!("tickets_enriched.{ext}"));
        let tax = taxonomy.as_ref().map(|t| t.name.as_str());
        let mut w = EnrichedWriter::create_with_taxonomy(
            Some(&p),
            opts.tickets_format,
            &set.headers,
            &classifier.config().extra_head_names(),
            true,
            tax,
        )?;
        if has_text {
            w = w.with_embeddings(set.embeddings.dim);
        }
        let held = w.holds_embeddings();
        for (i, t) in set.tickets.iter().enumerate() {
            w.write_embedded(t, held.then(|| set.embeddings.row(i)))?;
        }
        w.finish()?;
        files.push(p);
        if has_text && !held {
            let e = out.join("embeddings.npy");
            set.embeddings.write_npy(&e)?;
            files.push(e);
        }
        Ok(())
    })?;

    // 6. run info, report.html, terminal summary, run.json. Inputs are
    // named by file name: a full path can carry a user name, and the
    // sha256 identifies the file.
    let sha = |p: &Option<PathBuf>| p.as_deref().map(sha256_file).transpose();
    let name = |p: &Option<PathBuf>| p.as_deref().map(file_name);
    let mut info = RunInfo {
        ticketlens_version: env!("CARGO_PKG_VERSION").to_string(),
        onnxruntime: crate::model::runtime::init().ok().map(|(i, _)| i.clone()),
        model_name: classifier.config().name.clone(),
        model_origin: classifier.origin().to_string(),
        model_sha256: classifier.model_sha256().to_string(),
        input: match &opts.input {
            InputSource::Path(p) => file_name(p),
            InputSource::Stdin => "<stdin>".into(),
            InputSource::Memory { label, .. } => label.clone(),
        },
        input_sha256: match &opts.input {
            InputSource::Path(p) => Some(sha256_file(p)?),
            InputSource::Stdin => None,
            InputSource::Memory { bytes, .. } => {
                use sha2::Digest;
                Some(hex::encode(sha2::Sha256::digest(bytes)))
            }
        },
        customers_file: name(&opts.customers),
        customers_sha256: sha(&opts.customers)?,
        churn_model_file: name(&opts.churn_model),
        churn_model_sha256: sha(&opts.churn_model)?,
        churn_model_used: churn_run.used.to_string(),
        customers: churn_run.counts.clone(),
        options: opts.options_json.clone(),
        notes: notes.clone(),
        skipped: skipped.clone(),
        data_quality: Some(quality.clone()),
        stage_seconds: stages.clone(),
        finished_at: chrono::Utc::now().to_rfc3339(),
        ..Default::default()
    };
    // A message log: rows read are messages, what was written tickets.
    let (read, written) = match set.counts.messages {
        true => ("messages_read", "tickets_written"),
        false => ("read", "written"),
    };
    info.rows.insert(read.into(), set.counts.read);
    info.rows.insert(written.into(), set.counts.written);
    info.rows.insert("rejected".into(), set.counts.rejected);
    if set.counts.superseded > 0 {
        info.rows.insert("superseded".into(), set.counts.superseded);
    }
    info.rows
        .insert("unique_texts".into(), set.counts.unique_texts);
    info.rows
        .insert("cached_texts".into(), set.counts.cached_texts);
    let mut analysis = Analysis {
        run: info,
        kpis: kpi_report,
        themes: themes_out,
        churn: churn_run.outcome,
        taxonomy,
        timezone: opts.kpi.timezone,
        dated: has_time,
    };

    // The report is rendered once, from the same values the files above
    // hold; its own timing is in run.json only.
    let t = Instant::now();
    let html = out.join("report.html");
    crate::report::html::write(&analysis, &set.tickets, &html)?;
    files.push(html);
    let summary = crate::report::summary::terminal_summary(&analysis);
    analysis
        .run
        .stage_seconds
        .push(("report".into(), t.elapsed().as_secs_f64()));

    let run_path = out.join("run.json");
    crate::io::atomic::write_json(&run_path, &analysis.run)?;
    files.push(run_path);
    Ok(AnalyzeSummary {
        files,
        summary,
        counts: set.counts,
        notes,
        skipped,
        quality,
    })
}

/// Without a creation-time column every ticket is dated the Unix epoch, so
/// durations from timestamps (`first_response_at − created_at`) would be
/// decades: keep only durations given as such. A ticket with a resolution
/// time but no status stays resolved (status `resolved`).
fn drop_timestamps(tickets: &mut [crate::EnrichedTicket]) {
    for t in tickets {
        let t = &mut t.ticket;
        t.first_response_at = None;
        if t.resolved_at.take().is_some() && t.status.is_none() {
            t.status = Some("resolved".into());
        }
    }
}

/// What the churn stage did.
struct ChurnRun {
    files: Vec<PathBuf>,
    /// `trained`, `saved` or `none`.
    used: &'static str,
    counts: std::collections::BTreeMap<String, u64>,
    outcome: ChurnOutcome,
}

/// Train (customers with labels) or load (`--churn-model`) a churn model and
/// score customers. Training that fails on the data (one class only, too few
/// customers) becomes a note and the run goes on: KPIs and themes are still
/// worth having. Unreadable files and invalid options stay errors.
fn run_churn(
    opts: &AnalyzeOptions,
    customers: Option<&CustomerTable>,
    tickets: &[crate::EnrichedTicket],
    out: &Path,
    notes: &mut Vec<String>,
) -> Result<ChurnRun> {
    let mut run = ChurnRun {
        files: Vec::new(),
        used: "none",
        counts: Default::default(),
        outcome: ChurnOutcome::Skipped {
            reason: String::new(),
        },
    };
    if let Some(c) = customers {
        run.counts.insert("in_table".into(), c.rows.len() as u64);
        run.counts.insert("labelled".into(), c.labelled() as u64);
    }
    let labelled = customers.filter(|c| c.labelled() > 0);
    let mut model = None;
    let mut evaluation = None;
    if let Some(c) = labelled {
        match churn::train(tickets, c, &opts.churn) {
            Ok((m, eval)) => {
                let mp = out.join("churn_model.json");
                m.save(&mp)?;
                run.files.push(mp);
                let ep = out.join("churn_eval.json");
                crate::io::atomic::write_json(&ep, &eval)?;
                run.files.push(ep);
                if let Some(given) = &opts.churn_model {
                    notes.push(format!(
                        "churn: trained a new model on the {} labelled customers; {} {} was not used (drop the `churned` column to score with it)",
                        c.labelled(),
                        Setting::ChurnModel,
                        given.display()
                    ));
                }
                run.used = "trained";
                model = Some(m);
                evaluation = Some(eval);
            }
            Err(Error::Churn(why)) => {
                notes.push(format!("churn: training failed: {why}"));
            }
            Err(e) => return Err(e),
        }
    }
    if model.is_none() {
        if let Some(mp) = &opts.churn_model {
            notes.push(format!(
                "churn: scored with the saved model {} (no evaluation: it was trained elsewhere)",
                mp.display()
            ));
            model = Some(churn::ChurnModel::load(mp)?);
            run.used = "saved";
        }
    }
    let Some(model) = model else {
        if labelled.is_none() {
            notes.push(if customers.is_some() {
                format!("churn: the customers file has no `churned` labels and no {} was given, so no churn model could be trained or applied", Setting::ChurnModel)
            } else {
                format!(
                    "churn: no {} file (with a `churned` column) and no {} given",
                    Setting::Customers,
                    Setting::ChurnModel
                )
            });
        }
        let reason = notes
            .iter()
            .filter(|n| n.starts_with("churn"))
            .cloned()
            .collect::<Vec<_>>()
            .join("; ");
        run.outcome = ChurnOutcome::Skipped { reason };
        return Ok(run);
    };
    // A saved model's theme or taxonomy columns that no ticket carries
    // read as 0 % for everyone: said, not hidden.
    let absent = churn::absent_theme_columns(&model, tickets, opts.churn.as_of);
    if !absent.is_empty() && evaluation.is_none() {
        notes.push(format!(
            "churn: the saved model's columns {} match no ticket here (scored as a 0% share)",
            absent.join(", ")
        ));
    }
    // Data the saved model cannot score (untagged tickets for a model
    // with taxonomy features) skips churn with the reason; the rest of the
    // run still writes its report.
    let rows = match churn::score(&model, tickets, customers, opts.churn.as_of) {
        Ok(rows) => rows,
        Err(Error::Churn(why)) if evaluation.is_none() => {
            let reason = format!("churn: not scored: {why}");
            notes.push(reason.clone());
            run.used = "none";
            run.outcome = ChurnOutcome::Skipped { reason };
            return Ok(run);
        }
        Err(e) => return Err(e),
    };
    let ap = out.join("at_risk.csv");
    churn::write_at_risk(&rows, &ap)?;
    run.files.push(ap);
    run.counts.insert("scored".into(), rows.len() as u64);
    run.outcome = match (evaluation, &opts.churn_model) {
        (Some(eval), _) => ChurnOutcome::Trained {
            eval: Box::new(eval),
            at_risk: rows,
        },
        (None, given) => ChurnOutcome::Scored {
            model: given.as_deref().map(file_name).unwrap_or_default(),
            at_risk: rows,
        },
    };
    Ok(run)
}
