//! `ticketlens taxonomy train|from-names`.

use super::common::{print_quality, InputArgs, ModelArgs};
use anyhow::Result;
use clap::{Args, Subcommand};
use std::path::{Path, PathBuf};
use ticketlens::io::file_name;
use ticketlens::pipeline::classify::default_rejects_path;
use ticketlens::pipeline::load::{LoadOptions, Open};
use ticketlens::pipeline::taxonomy::{taxonomy_from_names, taxonomy_suggest, taxonomy_train};
use ticketlens::taxonomy::{NamesParams, SmallLabels, Taxonomy, TrainParams};

/// Your own tags: learn a taxonomy from tickets already labelled, or from the label names.
#[derive(Debug, Args)]
pub struct TaxonomyArgs {
    #[command(subcommand)]
    pub command: TaxonomyCommand,
}

/// `taxonomy` subcommands.
#[derive(Debug, Subcommand)]
pub enum TaxonomyCommand {
    /// Learn a taxonomy from an export whose label column is filled on some rows (rows without
    /// a label are skipped and counted): a logistic regression on the model's embedding,
    /// cross-validated (accuracy, macro-F1, per-label precision/recall, most confused pairs).
    Train(Box<TrainArgs>),
    /// A zero-shot taxonomy from a text file with one label per line, optionally
    /// `label: description; example phrase; …`: each ticket gets the label whose name and
    /// examples are most similar.
    FromNames(FromNamesArgs),
    /// The tickets worth labelling next: those the taxonomy is least sure about (smallest margin
    /// between its best and second-best label), spread over the predicted labels → a CSV with
    /// the ticket, its text and the two candidate labels, for a person to label.
    Suggest(Box<SuggestArgs>),
}

/// `taxonomy suggest`.
#[derive(Debug, Args)]
pub struct SuggestArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub model: ModelArgs,
    /// The taxonomy to improve.
    #[arg(long, value_name = "FILE")]
    pub taxonomy: PathBuf,
    /// Only rows whose COL is blank are candidates (default: every row).
    #[arg(long = "label-column", value_name = "COL")]
    pub label_column: Option<String>,
    /// How many tickets to suggest.
    #[arg(short = 'n', default_value_t = 50, value_name = "N")]
    pub n: usize,
    /// Output CSV (line, ticket_id, text, suggested label, confidence, margin, runner-up label).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: PathBuf,
}

/// `--small-labels` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SmallLabelsArg {
    /// Merge labels with fewer than --min-examples tickets into `other`.
    Other,
    /// Refuse to train, naming them.
    Refuse,
}

/// `taxonomy train`.
#[derive(Debug, Args)]
pub struct TrainArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub model: ModelArgs,
    /// The column holding each ticket's label (blank = unlabelled, skipped).
    #[arg(long = "label-column", value_name = "COL")]
    pub label_column: String,
    /// Name of the output column the taxonomy fills (`classify --taxonomy`).
    #[arg(long, default_value = "category", value_name = "NAME")]
    pub name: String,
    /// A cell may hold several labels (split like tags: `,` `;` `|`, else spaces); one-vs-rest
    /// models, each label assigned at or above its own threshold (its best cross-validated F1,
    /// 0.25–0.75; 0.5 with --folds 0).
    #[arg(long = "multi-label")]
    pub multi_label: bool,
    /// Fewest tickets a label needs.
    #[arg(long = "min-examples", default_value_t = 5, value_name = "N")]
    pub min_examples: usize,
    /// Labels with fewer tickets: merged into `other`, or refused.
    #[arg(long = "small-labels", value_enum, default_value_t = SmallLabelsArg::Other)]
    pub small_labels: SmallLabelsArg,
    /// Cross-validation folds (0 = skip the evaluation).
    #[arg(long, default_value_t = 5, value_name = "K")]
    pub folds: usize,
    /// L2 penalty of the logistic regression over unit-scaled standardised embeddings.
    #[arg(long, default_value_t = 0.05, value_name = "ALPHA")]
    pub alpha: f64,
    /// Most L-BFGS iterations per fit.
    #[arg(long = "max-iterations", default_value_t = 50, value_name = "N")]
    pub max_iterations: u64,
    /// Where to save the taxonomy (JSON). Rejected rows go to `<FILE>.rejects.csv`.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: PathBuf,
    /// Only the one-line result (no per-label table).
    #[arg(short, long)]
    pub quiet: bool,
}

/// `taxonomy from-names`.
#[derive(Debug, Args)]
pub struct FromNamesArgs {
    /// Text file: one label per line, optionally `label: description; example; …`.
    pub names: PathBuf,
    #[command(flatten)]
    pub model: ModelArgs,
    /// Name of the output column the taxonomy fills.
    #[arg(long, default_value = "category", value_name = "NAME")]
    pub name: String,
    /// Cosine similarity below which a ticket is `other` (default: always the nearest label).
    #[arg(long = "other-threshold", value_name = "SIM")]
    pub other_threshold: Option<f32>,
    /// Where to save the taxonomy (JSON).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: PathBuf,
}

pub fn run(a: TaxonomyArgs) -> Result<()> {
    match a.command {
        TaxonomyCommand::Train(t) => train(*t),
        TaxonomyCommand::FromNames(f) => names(f),
        TaxonomyCommand::Suggest(s) => suggest(*s),
    }
}

fn train(a: TrainArgs) -> Result<()> {
    let params = TrainParams {
        name: a.name.trim().to_string(),
        multi_label: a.multi_label,
        min_examples: a.min_examples,
        small_labels: match a.small_labels {
            SmallLabelsArg::Other => SmallLabels::Other,
            SmallLabelsArg::Refuse => SmallLabels::Refuse,
        },
        folds: a.folds,
        alpha: a.alpha,
        max_iterations: a.max_iterations,
        ..TrainParams::default()
    }
    .check()?;
    let load = load_options(&a.input, &a.output)?;
    let classifier = a.model.load()?;
    let source = file_name(Path::new(&a.input.input));
    let r = taxonomy_train(
        &load,
        &a.label_column,
        &params,
        &classifier,
        &source,
        &a.output,
        |l| print_quality("taxonomy", &l.quality),
    )?;
    let taxonomy = &r.taxonomy;
    if !a.quiet {
        print_evaluation(taxonomy);
    }
    let eval = taxonomy.evaluation.as_ref().map_or(String::new(), |e| {
        format!(
            "; {}-fold cross-validated accuracy {:.3}, macro-F1 {:.3}",
            e.folds, e.accuracy, e.macro_f1
        )
    });
    let merged = &taxonomy.training.merged_into_other;
    let merged = if merged.is_empty() {
        String::new()
    } else {
        format!("; {} small label(s) merged into `other`", merged.len())
    };
    eprintln!(
        "taxonomy: {} labels from {} labelled tickets ({} unlabelled skipped){eval}{merged}; embedded in {:.1} s, trained in {:.1} s; wrote {}",
        taxonomy.labels.len(),
        r.labelled,
        r.unlabelled,
        r.embed_s,
        r.fit_s,
        a.output.display()
    );
    Ok(())
}

/// What the taxonomy jobs read: every ticket of the input, no creation
/// time needed, rejects to `<output>.rejects.csv` under the reject policy.
fn load_options(input: &InputArgs, output: &Path) -> Result<LoadOptions> {
    let opts = input.options(false)?;
    input.load_options(opts, Open::AsRequired, default_rejects_path(Some(output)))
}

/// Per-label precision/recall/support and the most confused pairs.
fn print_evaluation(t: &Taxonomy) {
    let Some(e) = &t.evaluation else { return };
    let mut table = comfy_table::Table::new();
    table.set_header(vec!["Label", "Precision", "Recall", "F1", "Support"]);
    let f = |v: Option<f64>| v.map_or("—".to_string(), |v| format!("{v:.3}"));
    for m in &e.labels {
        table.add_row(vec![
            m.label.clone(),
            f(m.precision),
            f(m.recall),
            format!("{:.3}", m.f1),
            m.support.to_string(),
        ]);
    }
    println!("{table}");
    if !e.confused.is_empty() {
        println!("Most confused (actual → predicted):");
        for c in &e.confused {
            println!("  {:>5} × {} → {}", c.count, c.actual, c.predicted);
        }
    }
}

fn names(a: FromNamesArgs) -> Result<()> {
    let classifier = a.model.load()?;
    let params = NamesParams {
        name: a.name.trim().to_string(),
        other_threshold: a.other_threshold,
        ..NamesParams::default()
    };
    let t = taxonomy_from_names(&a.names, &params, &classifier, &a.output)?;
    eprintln!(
        "taxonomy: {} labels from {} (zero-shot{}); wrote {}",
        t.labels.len(),
        file_name(&a.names),
        a.other_threshold
            .map(|x| format!(", `other` below similarity {x}"))
            .unwrap_or_default(),
        a.output.display()
    );
    Ok(())
}

fn suggest(a: SuggestArgs) -> Result<()> {
    let taxonomy = Taxonomy::load(&a.taxonomy)?;
    let classifier = a.model.load()?;
    let load = load_options(&a.input, &a.output)?;
    let s = taxonomy_suggest(
        &load,
        a.label_column.as_deref(),
        &taxonomy,
        &classifier,
        a.n,
        &a.output,
        |l| print_quality("taxonomy", &l.quality),
    )?;
    eprintln!(
        "taxonomy: {} of {} unlabelled tickets suggested for labelling (smallest margins, spread over labels); wrote {}",
        s.picked,
        s.candidates,
        a.output.display()
    );
    Ok(())
}
