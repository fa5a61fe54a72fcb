//! `ticketlens themes`.

use super::common::{print_quality, InputArgs, ModelArgs, ReadArgs, RejectArgs};
use super::themes_args::ThemeArgs;
use anyhow::{Context, Result};
use clap::Args;
use std::path::PathBuf;
use ticketlens::period::Period;
use ticketlens::pipeline::classify::default_rejects_path;
use ticketlens::pipeline::load::Open;
use ticketlens::pipeline::progress::Progress;
use ticketlens::pipeline::themes::{fit_themes, run_themes, ThemesJob};
use ticketlens::themes::ThemeModel;

/// Root-cause themes and trending complaints from classified tickets.
///
/// INPUT is an enriched file written by `classify` (its sentiment/topic
/// columns are read back), EMBEDDINGS the `.npy` side file written with it
/// (same row order). Writes DIR/themes.json, DIR/trends.csv,
/// DIR/ticket_themes.csv and DIR/rejects.csv. More than --max-reject-rate
/// (default 5 %) of the rows rejected, or any with --strict, exits with code 3
/// after writing the outputs.
///
/// `themes fit INPUT -o theme_model.json` saves themes so later runs
/// (`--theme-model`) assign tickets to the same ids.
#[derive(Debug, Args)]
#[command(subcommand_negates_reqs = true)]
pub struct ThemesCmdArgs {
    #[command(subcommand)]
    pub command: Option<ThemesCommand>,
    /// Enriched ticket file written by `classify` or `analyze`; `-` reads stdin.
    #[arg(value_name = "INPUT")]
    pub input: Option<String>,
    /// How to read the rows (mapping, text columns, time zone, format).
    #[command(flatten)]
    pub read: ReadArgs,
    /// Print how input columns were mapped to ticket fields.
    #[arg(long)]
    pub explain_mapping: bool,
    /// When rejected rows fail the run (`--strict`, `--max-reject-rate`).
    #[command(flatten)]
    pub rejects: RejectArgs,
    #[command(flatten)]
    pub themes: ThemeArgs,
    /// Embeddings (.npy, f32) in the input's row order, as written by `classify`.
    #[arg(long, value_name = "FILE")]
    pub embeddings: Option<PathBuf>,
    /// Trend period.
    #[arg(long, value_enum, default_value = "week")]
    pub period: Period,
    /// Output directory (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Assign the tickets to a saved theme model (`themes fit`) instead of discovering themes:
    /// same ids and labels as when it was fitted; tickets far from every saved theme that form
    /// a group of their own are reported as emerging themes.
    #[arg(long = "theme-model", value_name = "FILE")]
    pub theme_model: Option<PathBuf>,
    /// No summary lines (data-quality warnings are still printed: rejects change what the
    /// themes mean).
    #[arg(short, long)]
    pub quiet: bool,
}

/// `themes` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum ThemesCommand {
    /// Discover themes in a ticket export (raw or enriched; the model embeds it) and save
    /// them (centres, labels, keywords, radii, the model's sha256) for `--theme-model`.
    Fit(Box<FitArgs>),
}

/// `themes fit`.
#[derive(Debug, Args)]
pub struct FitArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub model: ModelArgs,
    #[command(flatten)]
    pub themes: ThemeArgs,
    /// Where to save the theme model (JSON). Rejected rows go to `<FILE>.rejects.csv`.
    #[arg(short, long, value_name = "FILE", default_value = "theme_model.json")]
    pub output: PathBuf,
    /// No progress display and no theme list.
    #[arg(short, long)]
    pub quiet: bool,
}

/// `themes fit`: embed, discover, save.
fn fit(a: FitArgs) -> Result<()> {
    let ingest_opts = a.input.options(false)?;
    let opts = a.themes.options(Period::Week, ingest_opts.timezone)?;
    // The rows `analyze` keeps (a creation time required when the file has
    // a time column), so the saved themes are the ones its report shows;
    // the text column is required.
    let mut ingest_opts = ingest_opts;
    ingest_opts.require_text = true;
    let load = a.input.load_options(
        ingest_opts,
        Open::TimeOptional,
        default_rejects_path(Some(&a.output)),
    )?;
    let classifier = a.model.load()?;
    let progress = Progress::new("classify", None, a.quiet);
    let source = ticketlens::io::file_name(std::path::Path::new(&a.input.input));
    let (model, loaded) = fit_themes(&load, &classifier, &opts, &progress, &source, |l| {
        print_quality("themes", &l.quality)
    })?;
    model
        .save(&a.output)
        .with_context(|| format!("saving {}", a.output.display()))?;
    if !a.quiet {
        for t in &model.themes {
            println!("{:>3}  {:>6}  {}", t.id, t.size, t.label);
        }
    }
    eprintln!(
        "themes: fitted {} themes on {} tickets; wrote {}",
        model.themes.len(),
        model.tickets,
        a.output.display()
    );
    loaded.check_rejects()?;
    Ok(())
}

pub fn run(a: ThemesCmdArgs) -> Result<()> {
    if let Some(ThemesCommand::Fit(f)) = a.command {
        return fit(*f);
    }
    let (Some(embeddings), Some(out)) = (a.embeddings.clone(), a.out.clone()) else {
        anyhow::bail!(
            "themes needs --embeddings FILE and --out DIR (or `themes fit INPUT -o FILE`)"
        );
    };
    let theme_model = match &a.theme_model {
        Some(p) => Some(ThemeModel::load(p)?),
        None => None,
    };
    let Some(input) = a.input else {
        anyhow::bail!("themes needs an INPUT file (or `themes fit INPUT`)");
    };
    let quiet = a.quiet;
    let a = Resolved {
        input: InputArgs {
            input,
            read: a.read,
            explain_mapping: a.explain_mapping,
            rejects: a.rejects,
        },
        themes: a.themes,
        embeddings,
        period: a.period,
        out,
    };
    let ingest_opts = a.input.options(true)?;
    let opts = a.themes.options(a.period, ingest_opts.timezone)?;
    let load = a
        .input
        .load_options(ingest_opts, Open::AsRequired, a.out.join("rejects.csv"))?;
    let done = run_themes(
        ThemesJob {
            load,
            embeddings: &a.embeddings,
            options: opts,
            theme_model: theme_model.as_ref(),
            out: a.out.clone(),
        },
        |l| print_quality("themes", &l.quality),
    )?;
    let (report, loaded) = (&done.report, &done.loaded);
    let files = &done.files;
    if quiet {
        return Ok(loaded.check_rejects()?);
    }
    if let Some(info) = &report.theme_model {
        eprintln!(
            "themes: assigned to the {} saved themes ({} far from every one); {} emerging theme(s)",
            info.saved_themes,
            info.far_tickets,
            info.emerging.len()
        );
    }
    eprintln!(
        "themes: {} themes over {} tickets; wrote {} files to {}",
        report.themes.len(),
        loaded.set.tickets.len(),
        files.len(),
        a.out.display()
    );
    for t in report.trending.iter().take(5) {
        eprintln!("  trending: {}", serde_json::to_string(t)?);
    }
    loaded.check_rejects()?;
    Ok(())
}

/// `themes` arguments once the required ones are known to be there.
struct Resolved {
    input: InputArgs,
    themes: ThemeArgs,
    embeddings: PathBuf,
    period: Period,
    out: PathBuf,
}
