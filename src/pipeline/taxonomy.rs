//! The taxonomy jobs: learn a team taxonomy from tickets a person labelled
//! (`taxonomy train`) or zero-shot from the label names (`taxonomy
//! from-names`), and pick the tickets worth labelling next (`taxonomy
//! suggest`).
//!
//! Only the text and the label are read, so no creation time is needed;
//! the reject policy is applied as soon as the tickets are read, before the
//! model runs over them: a bad read must not cost an embedding run.

use crate::error::{Error, Result, TaxonomyError};
use crate::ingest;
use crate::io::atomic::write_atomic;
use crate::io::file_name;
use crate::io::safe_csv::neutralize;
use crate::model::Classifier;
use crate::pipeline::load::{open_input, Enrich, LoadOptions, Loaded};
use crate::taxonomy::{
    self, from_names, parse_names, prototype_texts, LabelledSet, NamesParams, Taxonomy,
    ValidTrainParams,
};
use crate::ticket::Ticket;
use std::path::Path;
use std::time::Instant;

/// The tickets of a taxonomy job and the position of their label column.
struct Read {
    tickets: Vec<Ticket>,
    label_column: Option<usize>,
}

/// Read every ticket of `load` as it is (no model), find `label_column`
/// (`None`: no label column) in its header, show the read to `on_loaded`
/// and apply the reject policy.
///
/// Errors: the input cannot be read, it has no such column (the message
/// lists the columns it has), too many rows were rejected.
fn read_tickets(
    load: &LoadOptions,
    label_column: Option<&str>,
    on_loaded: impl FnOnce(&Loaded),
) -> Result<Read> {
    let opened = open_input(load)?;
    let headers = opened.headers();
    let col = match label_column {
        Some(c) => {
            Some(
                ingest::find_column(headers, c).ok_or_else(|| TaxonomyError::LabelColumn {
                    column: c.to_string(),
                    input: load.source.label(),
                    columns: headers.join(", "),
                })?,
            )
        }
        None => None,
    };
    let loaded = opened.load(Enrich::Raw)?;
    on_loaded(&loaded);
    loaded.check_rejects()?;
    Ok(Read {
        tickets: loaded.set.tickets.into_iter().map(|e| e.ticket).collect(),
        label_column: col,
    })
}

/// What `taxonomy train` learned and how long it took.
pub struct Trained {
    /// The taxonomy, saved to the output.
    pub taxonomy: Taxonomy,
    /// Tickets with a label (what the taxonomy was fitted on).
    pub labelled: usize,
    /// Tickets whose label cell was blank (skipped).
    pub unlabelled: usize,
    /// Seconds spent embedding the labelled tickets.
    pub embed_s: f64,
    /// Seconds spent fitting (and cross-validating).
    pub fit_s: f64,
}

/// Learn a taxonomy from the tickets of `load` whose `label_column` is
/// filled (one label per cell, or tags split like `--multi-label` says),
/// embedded by `classifier`, and save it to `output`. `source` names the
/// input in the taxonomy. `on_loaded` sees the read as soon as it is done;
/// the reject policy is applied before the model runs.
///
/// Errors: the input cannot be read or lacks the label column, too many
/// rejects, the model fails, the fit refuses the labels (see
/// [`ValidTrainParams::fit`]), the output cannot be written.
pub fn taxonomy_train(
    load: &LoadOptions,
    label_column: &str,
    params: &ValidTrainParams,
    classifier: &Classifier,
    source: &str,
    output: &Path,
    on_loaded: impl FnOnce(&Loaded),
) -> Result<Trained> {
    let read = read_tickets(load, Some(label_column), on_loaded)?;
    let col = read
        .label_column
        .expect("read_tickets finds the column it is asked for or fails");
    let multi_label = params.params().multi_label;
    let (mut texts, mut labels, mut unlabelled) = (Vec::new(), Vec::new(), 0usize);
    for t in &read.tickets {
        let cell = t.raw.get(col).map(|s| s.trim()).unwrap_or("");
        let set: Vec<String> = if multi_label {
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
    let t0 = Instant::now();
    let out = classifier.classify(&texts)?;
    let embed_s = t0.elapsed().as_secs_f64();
    let set = LabelledSet {
        embeddings: &out.embeddings.data,
        dim: classifier.config().embedding.dim,
        labels: &labels,
    };
    let t1 = Instant::now();
    let taxonomy = params.fit(&set, classifier.model_sha256(), source, unlabelled)?;
    let fit_s = t1.elapsed().as_secs_f64();
    taxonomy.save(output)?;
    Ok(Trained {
        taxonomy,
        labelled: labels.len(),
        unlabelled,
        embed_s,
        fit_s,
    })
}

/// A zero-shot taxonomy from a names file (one label per line, optionally
/// `label: description; example; …`, see [`parse_names`]): each label's
/// texts are embedded by `classifier`; saved to `output`.
///
/// Errors: the names file cannot be read or parsed (its path and line),
/// the model fails, the output cannot be written.
pub fn taxonomy_from_names(
    names: &Path,
    params: &NamesParams,
    classifier: &Classifier,
    output: &Path,
) -> Result<Taxonomy> {
    let text = std::fs::read_to_string(names).map_err(|e| Error::io(names, e))?;
    let specs = parse_names(&text).map_err(|e| TaxonomyError::NamesFile {
        path: names.display().to_string(),
        message: e.to_string(),
    })?;
    let out = classifier.classify(&prototype_texts(&specs))?;
    let t = from_names(
        &specs,
        &out.embeddings.data,
        classifier.config().embedding.dim,
        params,
        classifier.model_sha256(),
        &file_name(names),
    )?;
    t.save(output)?;
    Ok(t)
}

/// What `taxonomy suggest` picked.
pub struct Suggested {
    /// Tickets suggested for labelling (rows of the output CSV).
    pub picked: usize,
    /// Candidates they were picked from (unlabelled tickets).
    pub candidates: usize,
}

/// The `n` tickets of `load` worth labelling next for `taxonomy`: among
/// the tickets whose `label_column` is blank (every ticket without one),
/// those it is least sure about, spread over the predicted labels
/// ([`taxonomy::suggest`]). Writes a CSV to `output` (formula-guarded):
/// `line, ticket_id, text, suggested, confidence, margin, runner_up`.
/// `on_loaded` sees the read as soon as it is done.
///
/// Errors: the taxonomy was made by another model, the input cannot be
/// read or lacks the label column, too many rejects, the model fails, the
/// output cannot be written.
pub fn taxonomy_suggest(
    load: &LoadOptions,
    label_column: Option<&str>,
    taxonomy: &Taxonomy,
    classifier: &Classifier,
    n: usize,
    output: &Path,
    on_loaded: impl FnOnce(&Loaded),
) -> Result<Suggested> {
    taxonomy.check_model(classifier.model_sha256(), classifier.config().embedding.dim)?;
    let Read {
        mut tickets,
        label_column,
    } = read_tickets(load, label_column, on_loaded)?;
    if let Some(c) = label_column {
        tickets.retain(|t| t.raw.get(c).is_none_or(|v| v.trim().is_empty()));
    }
    let texts: Vec<String> = tickets.iter().map(|t| t.text()).collect();
    let out = classifier.classify(&texts)?;
    let scorer = taxonomy.scorer();
    let assignments: Vec<_> = (0..texts.len())
        .map(|i| scorer.assign(out.embeddings.row(i)))
        .collect();
    let picked = taxonomy::suggest(&assignments, n);
    let csv_err = |source| Error::Csv {
        context: format!("writing {}", output.display()),
        source,
    };
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "line",
        "ticket_id",
        "text",
        "suggested",
        "confidence",
        "margin",
        "runner_up",
    ])
    .map_err(csv_err)?;
    for &i in &picked {
        let x = &assignments[i];
        let mut order: Vec<usize> = (0..x.probabilities.len()).collect();
        order.sort_by(|&p, &q| x.probabilities[q].total_cmp(&x.probabilities[p]));
        let runner_up = order.get(1).map_or("", |&j| taxonomy.labels[j].as_str());
        let t = &tickets[i];
        let cells = [
            t.line.to_string(),
            t.id.clone(),
            texts[i].clone(),
            taxonomy.label_text(x),
            format!("{:.4}", x.confidence),
            format!("{:.4}", x.margin),
            runner_up.to_string(),
        ];
        w.write_record(cells.iter().map(|c| neutralize(c).into_owned()))
            .map_err(csv_err)?;
    }
    let bytes = w.into_inner().map_err(|e| Error::Csv {
        context: format!("writing {}", output.display()),
        source: e.into_error().into(),
    })?;
    write_atomic(output, &bytes)?;
    Ok(Suggested {
        picked: picked.len(),
        candidates: tickets.len(),
    })
}
