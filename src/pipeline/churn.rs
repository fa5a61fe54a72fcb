//! The `churn` jobs: train a churn model on labelled customers, or score
//! customers with a saved one, from classified ticket history.

use crate::churn::{self, AtRisk, ChurnEval, ChurnModel, ChurnOptions, CustomerTable};
use crate::error::Result;
use crate::model::Classifier;
use crate::pipeline::load::{load_tickets, Enrich, LoadOptions, Loaded};
use crate::pipeline::progress::Progress;
use crate::taxonomy::Taxonomy;
use chrono::{DateTime, Utc};
use std::path::Path;

/// Where a churn job's tickets come from: read and classified (sentiment,
/// topic, language, embeddings), and labelled with a team taxonomy when
/// one is given (its label shares become features).
pub struct ChurnTickets<'a> {
    /// The ticket export and where its rejects go.
    pub load: &'a LoadOptions,
    /// The model.
    pub classifier: &'a Classifier,
    /// A team taxonomy, checked against the model by the caller.
    pub taxonomy: Option<&'a Taxonomy>,
    /// Progress display of the classification.
    pub progress: &'a Progress,
}

impl ChurnTickets<'_> {
    fn load(&self) -> Result<Loaded> {
        let mut loaded = load_tickets(
            self.load,
            Enrich::Classify {
                classifier: self.classifier,
                progress: self.progress,
            },
        )?;
        if let Some(t) = self.taxonomy {
            loaded.set.tag(t);
        }
        Ok(loaded)
    }
}

/// Train a churn model on the customers with a known `churned` label,
/// evaluate it (held-out split, k-fold, against the ticket-count
/// baseline), and save the model and the evaluation. `on_loaded` sees the
/// read as soon as it is done, before training can fail on what it left.
/// The reject policy is not applied here ([`Loaded::check_rejects`]).
///
/// Errors: the tickets cannot be read or classified, too few labelled
/// customers or an invalid option, an output cannot be written.
pub fn churn_train(
    tickets: ChurnTickets<'_>,
    customers: &CustomerTable,
    options: &ChurnOptions,
    model_out: &Path,
    eval_out: &Path,
    on_loaded: impl FnOnce(&Loaded),
) -> Result<(ChurnModel, ChurnEval, Loaded)> {
    let loaded = tickets.load()?;
    on_loaded(&loaded);
    let (model, eval) = churn::train(&loaded.set.tickets, customers, options)?;
    model.save(model_out)?;
    eval.write(eval_out)?;
    Ok((model, eval, loaded))
}

/// What scoring found and wrote.
pub struct ChurnScored {
    /// Customers by descending risk (what the at-risk CSV holds).
    pub rows: Vec<AtRisk>,
    /// Theme columns the model uses that no ticket here has (scored as a
    /// 0 % share).
    pub absent_columns: Vec<String>,
    /// The tickets read.
    pub loaded: Loaded,
}

/// Score customers with a saved churn model as of `as_of` (default: the
/// last ticket) and write the at-risk CSV to `output`. `on_loaded` sees the
/// read as soon as it is done. The reject policy is not applied here.
///
/// Errors: the tickets cannot be read or classified, the model cannot
/// score them, the output cannot be written.
pub fn churn_score(
    tickets: ChurnTickets<'_>,
    model: &ChurnModel,
    customers: Option<&CustomerTable>,
    as_of: Option<DateTime<Utc>>,
    output: &Path,
    on_loaded: impl FnOnce(&Loaded),
) -> Result<ChurnScored> {
    let loaded = tickets.load()?;
    on_loaded(&loaded);
    let set = &loaded.set;
    let rows = churn::score(model, &set.tickets, customers, as_of)?;
    let absent_columns = churn::absent_theme_columns(model, &set.tickets, as_of);
    churn::write_at_risk(&rows, output)?;
    Ok(ChurnScored {
        rows,
        absent_columns,
        loaded,
    })
}
