//! `analyze`: every stage, one command, one output directory.
//!
//! ingest → classify → themes → KPIs → churn → enriched tickets, JSON/CSV
//! tables, `report.html`, `run.json` and a terminal summary. Every file is
//! written atomically, so an interrupted run never leaves a report that
//! looks complete.

use super::classify::{classify_all, StageCounts};
use super::progress::Progress;
use super::run_info::{sha256_file, RunInfo};
use crate::churn::{self, ChurnOptions, CustomerTable};
use crate::error::{Error, Result};
use crate::ingest::{IngestOptions, InputSource, RejectsWriter};
use crate::kpi::{self, KpiOptions};
use crate::model::Classifier;
use crate::report::enriched::{EnrichedWriter, OutputFormat};
use crate::themes::{self, ThemeOptions};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Everything `analyze` needs.
pub struct AnalyzeOptions {
    /// Ticket export.
    pub input: InputSource,
    /// Column mapping etc.
    pub ingest: IngestOptions,
    /// Output directory (created if missing).
    pub out_dir: PathBuf,
    /// Customers table (enables churn training when it has labels).
    pub customers: Option<PathBuf>,
    /// Column overrides for the customers table.
    pub customers_map: Vec<(String, String)>,
    /// A saved churn model to score with (when the customers table has no labels).
    pub churn_model: Option<PathBuf>,
    /// KPI options.
    pub kpi: KpiOptions,
    /// Theme options.
    pub themes: ThemeOptions,
    /// Churn options.
    pub churn: ChurnOptions,
    /// No progress bars.
    pub quiet: bool,
    /// Fail when rows are rejected.
    pub strict: bool,
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
}

fn timed<T>(
    stages: &mut Vec<(String, f64)>,
    name: &str,
    f: impl FnOnce() -> Result<T>,
) -> Result<T> {
    let t = Instant::now();
    let out = f()?;
    stages.push((name.to_string(), t.elapsed().as_secs_f64()));
    Ok(out)
}

/// Run every stage.
pub fn analyze(opts: &AnalyzeOptions, classifier: &Classifier) -> Result<AnalyzeSummary> {
    let out = &opts.out_dir;
    std::fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
    let mut files: Vec<PathBuf> = Vec::new();
    let mut stages = Vec::new();
    let mut notes = Vec::new();

    // 1. ingest + classify
    let progress = Progress::for_input("classify", &opts.input, &opts.ingest, opts.quiet);
    let set = timed(&mut stages, "ingest+classify", || {
        classify_all(&opts.input, &opts.ingest, classifier, &progress)
    });
    progress.finish();
    let mut set = set?;
    let rejects_path = out.join("rejects.csv");
    let mut rw = RejectsWriter::new(&rejects_path)?;
    for r in &set.rejects {
        rw.write(r)?;
    }
    let rejected = rw.finish()?;
    files.push(rejects_path.clone());
    if opts.strict && rejected > 0 {
        return Err(Error::Strict {
            rejected,
            rejects: rejects_path.display().to_string(),
        });
    }
    if set.tickets.is_empty() {
        return Err(Error::Data(format!(
            "no valid tickets in the input ({} rows rejected, see {})",
            rejected,
            rejects_path.display()
        )));
    }

    // 2. themes (assigns a theme to every ticket)
    let theme_report = timed(&mut stages, "themes", || {
        themes::discover(&set.tickets, &set.texts, &set.embeddings, &opts.themes)
    })?;
    for (t, a) in set.tickets.iter_mut().zip(&theme_report.assignments) {
        t.theme = a.clone();
    }
    files.extend(theme_report.write(&set.tickets, out)?);

    // 3. KPIs
    let kpi_report = timed(&mut stages, "kpi", || {
        Ok(kpi::compute(set.tickets.iter(), &opts.kpi))
    })?;
    files.extend(kpi_report.write(out)?);

    // 4. churn
    let churn_result = timed(&mut stages, "churn", || {
        run_churn(opts, &set.tickets, out, &mut notes)
    })?;
    files.extend(churn_result);

    // 5. enriched tickets + embeddings
    timed(&mut stages, "write", || {
        let p = out.join("tickets_enriched.csv");
        let mut w = EnrichedWriter::create(Some(&p), OutputFormat::Csv, &set.headers, true)?;
        for t in &set.tickets {
            w.write(t)?;
        }
        w.finish()?;
        files.push(p);
        let e = out.join("embeddings.npy");
        set.embeddings.write_npy(&e)?;
        files.push(e);
        Ok(())
    })?;

    // 6. run.json
    let mut info = RunInfo {
        ticketlens_version: env!("CARGO_PKG_VERSION").to_string(),
        onnxruntime: crate::model::runtime::init().ok().map(|(i, _)| i.clone()),
        model_name: classifier.config().name.clone(),
        model_origin: classifier.origin().to_string(),
        model_sha256: classifier.model_sha256().to_string(),
        input: match &opts.input {
            InputSource::Path(p) => p.display().to_string(),
            InputSource::Stdin => "<stdin>".into(),
        },
        input_sha256: match &opts.input {
            InputSource::Path(p) => Some(sha256_file(p)?),
            InputSource::Stdin => None,
        },
        options: opts.options_json.clone(),
        notes: notes.clone(),
        stage_seconds: stages.clone(),
        finished_at: chrono::Utc::now().to_rfc3339(),
        ..Default::default()
    };
    info.rows.insert("read".into(), set.counts.read);
    info.rows.insert("written".into(), set.counts.written);
    info.rows.insert("rejected".into(), set.counts.rejected);
    info.rows
        .insert("unique_texts".into(), set.counts.unique_texts);
    let run_json = serde_json::to_value(&info).map_err(|e| Error::Json {
        context: "run.json".into(),
        source: e,
    })?;

    // 7. report.html + terminal summary
    let mut inputs = crate::report::html::ReportInputs::from_dir(
        out,
        format!("ticketlens report — {}", info.input),
        &set.tickets,
        opts.themes.period,
        opts.kpi.timezone,
    )?;
    inputs.run = run_json.clone();
    inputs.churn_note = notes.iter().find(|n| n.starts_with("churn")).cloned();
    let t = Instant::now();
    let html = out.join("report.html");
    crate::report::html::write(&inputs, &html)?;
    files.push(html);
    stages.push(("report".into(), t.elapsed().as_secs_f64()));
    let summary = crate::report::summary::terminal_summary(&inputs);

    info.stage_seconds = stages;
    let run_path = out.join("run.json");
    crate::report::atomic::write_json(&run_path, &info)?;
    files.push(run_path);
    Ok(AnalyzeSummary {
        files,
        summary,
        counts: set.counts,
    })
}

fn run_churn(
    opts: &AnalyzeOptions,
    tickets: &[crate::EnrichedTicket],
    out: &Path,
    notes: &mut Vec<String>,
) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let customers = match &opts.customers {
        Some(p) => Some(CustomerTable::read(p, &opts.customers_map)?),
        None => None,
    };
    let has_labels = customers.as_ref().is_some_and(|c| c.labelled() > 0);
    let model = if has_labels {
        let c = customers.as_ref().expect("checked");
        let (model, eval) = churn::train(tickets, c, &opts.churn)?;
        let mp = out.join("churn_model.json");
        model.save(&mp)?;
        files.push(mp);
        let ep = out.join("churn_eval.json");
        crate::report::atomic::write_json(&ep, &eval)?;
        files.push(ep);
        model
    } else if let Some(mp) = &opts.churn_model {
        notes.push(format!(
            "churn: scored with the saved model {}",
            mp.display()
        ));
        churn::ChurnModel::load(mp)?
    } else {
        notes.push(if customers.is_some() {
            "churn: the customers file has no `churned` labels and no --churn-model was given, so no churn model could be trained or applied".into()
        } else {
            "churn: no --customers file (with a `churned` column) and no --churn-model given".into()
        });
        return Ok(files);
    };
    let rows = churn::score(&model, tickets, customers.as_ref(), opts.churn.as_of)?;
    let ap = out.join("at_risk.csv");
    churn::write_at_risk(&rows, &ap)?;
    files.push(ap);
    Ok(files)
}
