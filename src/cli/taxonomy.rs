//! `ticketlens taxonomy train|from-names`.

use super::common::{print_quality, InputArgs, ModelArgs};
use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use std::path::{Path, PathBuf};
use std::time::Instant;
use ticketlens::ingest;
use ticketlens::io::file_name;
use ticketlens::pipeline::classify::default_rejects_path;
use ticketlens::pipeline::load::{open_input, Enrich, Open};
use ticketlens::taxonomy::{
    from_names, parse_names, prototype_texts, LabelledSet, NamesParams, SmallLabels, Taxonomy,
    TrainParams,
};
use ticketlens::Ticket;

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

/// Read every ticket of the input (rejects to `<output>.rejects.csv`, the
/// reject policy applied) and find `label_column` in its header. No
/// creation time is needed: only the text and the label are read.
fn read_tickets(
    input: &InputArgs,
    output: &Path,
    label_column: Option<&str>,
) -> Result<(Vec<Ticket>, Option<usize>)> {
    let opts = input.options(false)?;
    let load = input.load_options(opts, Open::AsRequired, default_rejects_path(Some(output)))?;
    let opened = open_input(&load)?;
    let headers = opened.headers();
    let col = match label_column {
        Some(c) => Some(ingest::find_column(headers, c).ok_or_else(|| {
            anyhow::anyhow!(
                "label column `{c}` not found in {}; columns are: {}",
                input.input,
                headers.join(", ")
            )
        })?),
        None => None,
    };
    let loaded = opened.load(Enrich::Raw)?;
    print_quality("taxonomy", &loaded.quality);
    loaded.check_rejects()?;
    let tickets = loaded.set.tickets.into_iter().map(|e| e.ticket).collect();
    Ok((tickets, col))
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
    let (tickets, col) = read_tickets(&a.input, &a.output, Some(&a.label_column))?;
    let col = col.expect("label column asked for");
    let (mut texts, mut labels, mut unlabelled) = (Vec::new(), Vec::new(), 0usize);
    for t in &tickets {
        let cell = t.raw.get(col).map(|s| s.trim()).unwrap_or("");
        let set: Vec<String> = if a.multi_label {
            ingest::split_tags(cell)
        } else if cell.is_empty() {
            Vec::new()
        } else {
            vec![cell.to_string()]
        };
        if set.is_empty() {
            unlabelled += 1;
            continue;
        }
        texts.push(t.text());
        labels.push(set);
    }
    let classifier = a.model.load()?;
    let t0 = Instant::now();
    let out = classifier.classify(&texts)?;
    let embed_s = t0.elapsed().as_secs_f64();
    let dim = classifier.config().embedding.dim;
    let set = LabelledSet {
        embeddings: &out.embeddings.data,
        dim,
        labels: &labels,
    };
    let t1 = Instant::now();
    let source = file_name(Path::new(&a.input.input));
    let taxonomy = params.fit(&set, classifier.model_sha256(), &source, unlabelled)?;
    let fit_s = t1.elapsed().as_secs_f64();
    taxonomy
        .save(&a.output)
        .with_context(|| format!("saving {}", a.output.display()))?;
    if !a.quiet {
        print_evaluation(&taxonomy);
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
        "taxonomy: {} labels from {} labelled tickets ({unlabelled} unlabelled skipped){eval}{merged}; embedded in {embed_s:.1} s, trained in {fit_s:.1} s; wrote {}",
        taxonomy.labels.len(),
        labels.len(),
        a.output.display()
    );
    Ok(())
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
    let text = std::fs::read_to_string(&a.names)
        .with_context(|| format!("reading {}", a.names.display()))?;
    let specs = parse_names(&text).with_context(|| a.names.display().to_string())?;
    let classifier = a.model.load()?;
    let texts = prototype_texts(&specs);
    let out = classifier.classify(&texts)?;
    let params = NamesParams {
        name: a.name.trim().to_string(),
        other_threshold: a.other_threshold,
        ..NamesParams::default()
    };
    let t = from_names(
        &specs,
        &out.embeddings.data,
        classifier.config().embedding.dim,
        &params,
        classifier.model_sha256(),
        &file_name(&a.names),
    )?;
    t.save(&a.output)
        .with_context(|| format!("saving {}", a.output.display()))?;
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
    taxonomy.check_model(classifier.model_sha256(), classifier.config().embedding.dim)?;
    let (mut tickets, col) = read_tickets(&a.input, &a.output, a.label_column.as_deref())?;
    // Candidates: the rows without a label (every row without a column).
    if let Some(c) = col {
        tickets.retain(|t| t.raw.get(c).is_none_or(|v| v.trim().is_empty()));
    }
    let texts: Vec<String> = tickets.iter().map(|t| t.text()).collect();
    let out = classifier.classify(&texts)?;
    let scorer = taxonomy.scorer();
    let assignments: Vec<_> = (0..texts.len())
        .map(|i| scorer.assign(out.embeddings.row(i)))
        .collect();
    let picked = ticketlens::taxonomy::suggest(&assignments, a.n);
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "line",
        "ticket_id",
        "text",
        "suggested",
        "confidence",
        "margin",
        "runner_up",
    ])?;
    for &i in &picked {
        let x = &assignments[i];
        let mut order: Vec<usize> = (0..x.probabilities.len()).collect();
        order.sort_by(|&p, &q| x.probabilities[q].total_cmp(&x.probabilities[p]));
        let label = |k: usize| order.get(k).map_or("", |&j| taxonomy.labels[j].as_str());
        let t = &tickets[i];
        let cells = [
            t.line.to_string(),
            t.id.clone(),
            texts[i].clone(),
            taxonomy.label_text(x),
            format!("{:.4}", x.confidence),
            format!("{:.4}", x.margin),
            label(1).to_string(),
        ];
        w.write_record(
            cells
                .iter()
                .map(|c| ticketlens::io::safe_csv::neutralize(c).into_owned()),
        )?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| anyhow::anyhow!("{}", e.error()))?;
    ticketlens::io::atomic::write_atomic(&a.output, &bytes)?;
    eprintln!(
        "taxonomy: {} of {} unlabelled tickets suggested for labelling (smallest margins, spread over labels); wrote {}",
        picked.len(),
        tickets.len(),
        a.output.display()
    );
    Ok(())
}
