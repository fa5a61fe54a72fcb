//! The `themes` jobs: discover (or assign to a saved model) the themes of a
//! classified file, and fit a theme model on an export.

use crate::embeddings::Embeddings;
use crate::error::{Error, PipelineError, Result};
use crate::model::Classifier;
use crate::pipeline::load::{load_tickets, Enrich, LoadOptions, Loaded};
use crate::pipeline::progress::Progress;
use crate::themes::{self, ThemeModel, ThemeOptions, ThemeReport};
use std::path::{Path, PathBuf};

/// What a themes run reads and where it writes.
pub struct ThemesJob<'a> {
    /// The enriched file written by `classify`/`analyze` (its predictions are
    /// read back) and where its rejects go.
    pub load: LoadOptions,
    /// The embeddings written with it (same row order).
    pub embeddings: &'a Path,
    /// Clustering, trend and keyword options.
    pub options: ThemeOptions,
    /// Assign to these saved themes instead of discovering new ones.
    pub theme_model: Option<&'a ThemeModel>,
    /// Output directory (created if missing).
    pub out: PathBuf,
}

/// What a themes run found and wrote.
pub struct ThemesOutcome {
    /// Themes, trends, the k selection.
    pub report: ThemeReport,
    /// `themes.json`, `trends.csv`, `ticket_themes.csv`.
    pub files: Vec<PathBuf>,
    /// The tickets read (their quality block; [`Loaded::check_rejects`]
    /// applies the reject policy).
    pub loaded: Loaded,
}

/// Themes of a classified file: read it back (predictions only: an earlier
/// run's theme, taxonomy and language columns are not this run's), check
/// the embeddings have one row per ticket, discover or assign, write.
/// `on_loaded` sees the read (its data-quality block) as soon as it is done,
/// before anything can fail on what it left. The reject policy is not
/// applied here.
///
/// Errors: the input cannot be read, the embeddings file cannot be read or
/// has another row count, clustering fails (prefixed `themes:`), an output
/// cannot be written.
pub fn run_themes(job: ThemesJob<'_>, on_loaded: impl FnOnce(&Loaded)) -> Result<ThemesOutcome> {
    let emb = Embeddings::read_npy(job.embeddings)?;
    std::fs::create_dir_all(&job.out).map_err(|e| Error::io(&job.out, e))?;
    let mut loaded = load_tickets(&job.load, Enrich::ReadBack)?;
    on_loaded(&loaded);
    for t in &mut loaded.set.tickets {
        t.theme = None;
        t.taxonomy = None;
        t.language = None;
    }
    let (tickets, texts) = (&loaded.set.tickets, &loaded.set.texts);
    if emb.rows() != tickets.len() {
        return Err(PipelineError::EmbeddingsFile {
            path: job.embeddings.display().to_string(),
            rows: emb.rows(),
            tickets: tickets.len(),
        }
        .into());
    }
    let report = match job.theme_model {
        Some(m) => m.assign(tickets, texts, &emb, &job.options),
        None => themes::discover(tickets, texts, &emb, &job.options),
    }?;
    let files = report.write(tickets, &job.out)?;
    Ok(ThemesOutcome {
        report,
        files,
        loaded,
    })
}

/// Fit a theme model on an export: run the model over every ticket,
/// discover themes, and describe them for later assignment (`source` names
/// the input in the model). `on_loaded` sees the read as soon as it is
/// done. The reject policy is not applied here.
///
/// Errors: the input cannot be read, the model fails, clustering fails
/// (prefixed `themes:`).
pub fn fit_themes(
    load: &LoadOptions,
    classifier: &Classifier,
    options: &ThemeOptions,
    progress: &Progress,
    source: &str,
    on_loaded: impl FnOnce(&Loaded),
) -> Result<(ThemeModel, Loaded)> {
    let loaded = load_tickets(
        load,
        Enrich::Classify {
            classifier,
            progress,
        },
    )?;
    on_loaded(&loaded);
    let set = &loaded.set;
    let report = themes::discover(&set.tickets, &set.texts, &set.embeddings, options)?;
    let model =
        ThemeModel::from_report(&report, &set.embeddings, classifier.model_sha256(), source)?;
    Ok((model, loaded))
}
