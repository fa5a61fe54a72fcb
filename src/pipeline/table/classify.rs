//! The model's columns for a table held in memory (`classify` in Python).
//!
//! Why columns for *every* row, rejected ones as nulls, instead of the
//! enriched rows alone: a notebook user adds the result beside the table
//! they passed in (`df.join(...)`, `table.append_column`), so its length
//! and order must be theirs. Rejected rows are listed apart, with the same
//! reasons `classify` gives, and their model columns are null.

use crate::error::{PipelineError, Result};
use crate::ingest::{self, IngestOptions, InputSource, Reject};
use crate::model::Classifier;
use crate::pipeline::classify::{classify_reader, StageCounts};
use crate::pipeline::progress::Progress;
use crate::report::enriched::{our_cells, our_columns, taxonomy_column};
use crate::report::enriched_parquet::BatchBuilder;
use crate::taxonomy::Taxonomy;
use arrow_array::RecordBatch;

/// The model's columns for a table, row for row.
pub struct ClassifiedTable {
    /// One batch with a row per input row, in input order: `sentiment,
    /// sentiment_confidence, p_negative, p_neutral, p_positive, topic,
    /// topic_confidence`, the model's extra heads (`<name>,
    /// <name>_confidence` each), `language` (`language_detected` when the input has
    /// its own `language`), the taxonomy's `<NAME>, <NAME>_confidence` when
    /// one was given, and `embedding` (`fixed_size_list<float32, dim>`)
    /// when asked for. Types as in `--format parquet`. A rejected row is
    /// null in every column.
    pub columns: RecordBatch,
    /// The rejected rows; `line` is the 1-based row number.
    pub rejects: Vec<Reject>,
    /// Rows read, used, rejected; texts served from the inference cache.
    pub counts: StageCounts,
}

/// Classify every row of `source` (any input format; the Python package
/// passes an Arrow IPC stream) with `classifier`, label it with `taxonomy`
/// when given, and return the model's columns row for row.
///
/// Errors: the input cannot be read or lacks a text column (one line, as
/// the CLI's), the taxonomy belongs to another model, inference fails.
/// Rejected rows are not an error: see [`ClassifiedTable::rejects`].
pub fn classify_table(
    source: &InputSource,
    ingest: &IngestOptions,
    classifier: &Classifier,
    taxonomy: Option<&Taxonomy>,
    embeddings: bool,
) -> Result<ClassifiedTable> {
    if let Some(t) = taxonomy {
        t.check_classifier(classifier.config())?;
    }
    let reader = ingest::open(source, ingest)?;
    let mut set = classify_reader(reader, classifier, &Progress::hidden())?;
    let tax_name = match taxonomy {
        Some(t) => {
            let used = set.tag(t);
            Some(taxonomy_column(&set.headers, &used.name))
        }
        None => None,
    };
    let heads = classifier.config().extra_head_names();
    let columns = our_columns(&set.headers, &heads, false, tax_name.as_deref());
    let dim = embeddings.then_some(set.embeddings.dim);
    let mut builder = BatchBuilder::new(&[], &columns, dim);
    // Row number (1-based) → ticket index; rows are read in order, so the
    // tickets' and the rejects' line numbers together are 1..=read.
    let rows = set.counts.read as usize;
    let mut at: Vec<Option<usize>> = vec![None; rows];
    for (i, t) in set.tickets.iter().enumerate() {
        let slot = (t.ticket.line as usize)
            .checked_sub(1)
            .and_then(|k| at.get_mut(k))
            .ok_or(PipelineError::RowOutside {
                line: t.ticket.line,
                rows,
            })?;
        *slot = Some(i);
    }
    let nulls = our_cells(&Default::default(), heads.len(), false, tax_name.is_some());
    for slot in at {
        match slot {
            Some(i) => {
                let t = &set.tickets[i];
                let cells = our_cells(t, heads.len(), false, tax_name.is_some());
                let e = dim.map(|_| set.embeddings.row(i));
                builder.push(std::iter::empty(), &cells, e, "the result")?;
            }
            None => builder.push(std::iter::empty(), &nulls, None, "the result")?,
        }
    }
    let columns = builder
        .finish()
        .map_err(|e| super::table_error("result", e))?;
    Ok(ClassifiedTable {
        columns,
        rejects: std::mem::take(&mut set.rejects),
        counts: set.counts,
    })
}
