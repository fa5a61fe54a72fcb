//! `ticketlens churn train|score`.

use super::churn_args::{ClassifierArgs, TicketArgs};
use super::common::{parse_pairs, print_quality};
use anyhow::Result;
use clap::{Args, Subcommand};
use std::path::{Path, PathBuf};
use ticketlens::churn::{ChurnModel, ChurnOptions, CustomerTable};
use ticketlens::kpi::SlaTargets;
use ticketlens::model::Classifier;
use ticketlens::pipeline::churn::{churn_score, churn_train, ChurnTickets};
use ticketlens::pipeline::load::{LoadOptions, Loaded, Open};
use ticketlens::pipeline::progress::Progress;
use ticketlens::taxonomy::Taxonomy;

/// Churn risk per customer from ticket history.
#[derive(Debug, Args)]
pub struct ChurnArgs {
    #[command(subcommand)]
    pub command: ChurnCommand,
}

/// `churn` subcommands.
#[derive(Debug, Subcommand)]
pub enum ChurnCommand {
    /// Train a logistic-regression churn model on customers with a known `churned` label,
    /// evaluate it (held-out split + k-fold, vs a ticket-count baseline) and save it.
    Train(TrainArgs),
    /// Score customers (labelled or not) with a saved model → at_risk.csv sorted by risk.
    Score(ScoreArgs),
}

/// Shared by train and score.
#[derive(Debug, Args)]
pub struct ChurnCommon {
    /// Ticket export (raw or enriched); tickets are classified for sentiment/topic features.
    #[command(flatten)]
    pub tickets: TicketArgs,
    #[command(flatten)]
    pub classifier: ClassifierArgs,
    /// Predict as of this instant (RFC 3339 or YYYY-MM-DD); later tickets are ignored. Default: last ticket.
    #[arg(long = "as-of", value_name = "TIME")]
    pub as_of: Option<String>,
    /// A team taxonomy (from `taxonomy train` or `from-names`): the shares of its labels per
    /// customer become churn features (at most 20 labels). `churn score` needs the same file
    /// when the model was trained with one.
    #[arg(long, value_name = "FILE")]
    pub taxonomy: Option<PathBuf>,
    /// Map a customers-table field to a column (repeatable), e.g. `churned="Is Lost"`.
    #[arg(long = "customers-map", value_name = "FIELD=COLUMN")]
    pub customers_map: Vec<String>,
    /// No progress display.
    #[arg(short, long)]
    pub quiet: bool,
}

/// `churn train`.
#[derive(Debug, Args)]
pub struct TrainArgs {
    #[command(flatten)]
    pub common: ChurnCommon,
    /// Customers table with `customer_id` and `churned` (plus plan, mrr, signup_date when available).
    #[arg(long, value_name = "FILE")]
    pub customers: PathBuf,
    /// Where to save the model (JSON: features, scaler, coefficients, threshold, evaluation).
    /// Rejected ticket rows go to `<FILE>.rejects.csv`.
    #[arg(
        long = "model-out",
        value_name = "FILE",
        default_value = "churn_model.json"
    )]
    pub model_out: PathBuf,
    /// Evaluation output.
    #[arg(
        long = "eval-out",
        value_name = "FILE",
        default_value = "churn_eval.json"
    )]
    pub eval_out: PathBuf,
    /// L2 regularisation strength.
    #[arg(long, default_value_t = 10.0)]
    pub alpha: f64,
    /// Cross-validation folds.
    #[arg(long, default_value_t = 5)]
    pub folds: usize,
    /// Held-out fraction.
    #[arg(long = "test-fraction", default_value_t = 0.25)]
    pub test_fraction: f64,
    /// Split/fold seed.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// First-response SLA targets for the `sla_breaches` feature, as for `kpi --sla`
    /// (e.g. `urgent=30,high=2h`; default urgent 60 min, high 240, normal 480, low 1440).
    /// Saved in the model, so `churn score` counts breaches the same way.
    #[arg(long, value_name = "TARGETS")]
    pub sla: Option<String>,
}

/// `churn score`.
#[derive(Debug, Args)]
pub struct ScoreArgs {
    #[command(flatten)]
    pub common: ChurnCommon,
    /// Saved churn model (`churn train --model-out`). `--churn-model` is accepted too.
    #[arg(long = "model", visible_alias = "churn-model", value_name = "FILE")]
    pub churn_model: PathBuf,
    /// Customers table (optional: adds plan/MRR/tenure features and lists customers without tickets).
    #[arg(long, value_name = "FILE")]
    pub customers: Option<PathBuf>,
    /// Output CSV. Rejected ticket rows go to `<FILE>.rejects.csv`.
    #[arg(short, long, value_name = "FILE", default_value = "at_risk.csv")]
    pub output: PathBuf,
}

/// `<path>.rejects.csv`: where a churn command puts its rejected ticket rows.
fn rejects_beside(path: &Path) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(".rejects.csv");
    PathBuf::from(s)
}

/// What a churn command needs before its tickets are read: where they come
/// from, `--as-of`, the model, the taxonomy (checked against the model).
struct Prepared {
    load: LoadOptions,
    as_of: Option<chrono::DateTime<chrono::Utc>>,
    classifier: Classifier,
    taxonomy: Option<Taxonomy>,
    progress: Progress,
    quiet: bool,
}

impl Prepared {
    /// Rejected rows go to `rejects` (written atomically, header only when none).
    fn new(c: &ChurnCommon, rejects: &Path) -> Result<Self> {
        let input = c.tickets.input_args()?;
        let ingest = input.options(true)?;
        let load = input.load_options(ingest.clone(), Open::AsRequired, rejects.to_path_buf())?;
        let as_of = match &c.as_of {
            None => None,
            Some(s) => Some(
                ticketlens::ingest::time::parse_timestamp(s, ingest.timezone).ok_or_else(|| {
                    anyhow::anyhow!("invalid --as-of `{s}`: expected RFC 3339 or YYYY-MM-DD")
                })?,
            ),
        };
        let classifier = c.classifier.model_args().load()?;
        let taxonomy = match &c.taxonomy {
            Some(p) => {
                let t = Taxonomy::load(p)?;
                t.check_model(classifier.model_sha256(), classifier.config().embedding.dim)?;
                Some(t)
            }
            None => None,
        };
        Ok(Self {
            load,
            as_of,
            classifier,
            taxonomy,
            progress: Progress::new("classify", None, c.quiet),
            quiet: c.quiet,
        })
    }

    fn tickets(&self) -> ChurnTickets<'_> {
        ChurnTickets {
            load: &self.load,
            classifier: &self.classifier,
            taxonomy: self.taxonomy.as_ref(),
            progress: &self.progress,
        }
    }

    /// Printed as soon as the tickets are read, before training or scoring
    /// can fail on what is left; the policy is applied once the outputs
    /// are written.
    fn report_read(&self, loaded: &Loaded) {
        if !self.quiet {
            eprintln!("churn: tickets: {}", loaded.set.counts.summary_line());
        }
        print_quality("churn", &loaded.quality);
    }
}

pub fn run(a: ChurnArgs) -> Result<()> {
    // A missing or doubled ticket file is reported before any file is read.
    match &a.command {
        ChurnCommand::Train(t) => t.common.tickets.input_args()?,
        ChurnCommand::Score(s) => s.common.tickets.input_args()?,
    };
    match a.command {
        ChurnCommand::Train(t) => {
            let map = parse_pairs(&t.common.customers_map, "--customers-map")?;
            let customers = CustomerTable::read(&t.customers, &map)?;
            let p = Prepared::new(&t.common, &rejects_beside(&t.model_out))?;
            let opts = ChurnOptions {
                as_of: p.as_of,
                seed: t.seed,
                test_fraction: t.test_fraction,
                folds: t.folds,
                alpha: t.alpha,
                sla: match &t.sla {
                    Some(s) => SlaTargets::parse_sla(s)?,
                    None => SlaTargets::default(),
                },
                ..Default::default()
            };
            let (_, eval, loaded) = churn_train(
                p.tickets(),
                &customers,
                &opts,
                &t.model_out,
                &t.eval_out,
                |l| p.report_read(l),
            )?;
            println!("{eval}");
            eprintln!(
                "churn: saved {} and {}",
                t.model_out.display(),
                t.eval_out.display()
            );
            loaded.check_rejects()?;
        }
        ChurnCommand::Score(s) => {
            let map = parse_pairs(&s.common.customers_map, "--customers-map")?;
            let customers = match &s.customers {
                Some(p) => Some(CustomerTable::read(p, &map)?),
                None => None,
            };
            let model = ChurnModel::load(&s.churn_model)?;
            let p = Prepared::new(&s.common, &rejects_beside(&s.output))?;
            let done = churn_score(
                p.tickets(),
                &model,
                customers.as_ref(),
                p.as_of,
                &s.output,
                |l| p.report_read(l),
            )?;
            if !done.absent_columns.is_empty() {
                eprintln!(
                    "warning: churn model columns not found in these tickets (scored as a 0% share): {}",
                    done.absent_columns.join(", ")
                );
            }
            eprintln!(
                "churn: scored {} customers → {}",
                done.rows.len(),
                s.output.display()
            );
            done.loaded.check_rejects()?;
        }
    }
    Ok(())
}
