//! The Parquet form of the enriched tickets (`--format parquet`).
//!
//! Same columns as the CSV, typed: input columns as UTF-8 strings (an empty
//! cell as null), probabilities and confidences as `float32` at full
//! precision (the CSV rounds them to 4 decimals), `theme_id` as `int64`, and
//! the text embedding as an `embedding` column of `fixed_size_list<float32,
//! dim>` in the same file, so a notebook or a Spark job needs no side file.
//! A column name the input repeats (Jira's `Labels` ×3) gets pandas' suffixes
//! (`Labels`, `Labels.1`, `Labels.2`): Arrow readers reject duplicates.
//! Rows are buffered and written in row groups of [`ROW_GROUP`] rows, so
//! memory stays bounded (about 15 MB of embeddings per group at 384
//! dimensions) whatever the input size. Snappy-compressed: the codec every
//! Parquet reader has.

use crate::error::{Error, OutputError, Result};

/// [`OutputError::Write`] for the file `target`.
fn write_error(target: &str, message: String) -> Error {
    OutputError::Write {
        target: target.to_string(),
        message,
    }
    .into()
}

use arrow_array::builder::{Float32Builder, Int64Builder, StringBuilder};
use arrow_array::{ArrayRef, FixedSizeListArray, Float32Array, RecordBatch};
use arrow_buffer::NullBuffer;
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use std::io::Write;
use std::sync::Arc;

/// Rows per row group (and per Arrow batch handed to the writer).
pub const ROW_GROUP: usize = 8192;

/// The type of one of ticketlens' own columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Text (labels, codes).
    Text,
    /// A probability, confidence or distance.
    Real,
    /// An id.
    Int,
}

/// One cell of ticketlens' own columns, typed.
#[derive(Debug, Clone)]
pub(crate) enum Cell {
    Text(String),
    Real(Option<f32>),
    Int(Option<i64>),
}

impl Cell {
    /// The cell as the CSV and JSONL outputs print it (4 decimals).
    pub(crate) fn text(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Real(v) => v.map(|v| format!("{v:.4}")).unwrap_or_default(),
            Cell::Int(v) => v.map(|v| v.to_string()).unwrap_or_default(),
        }
    }
}

enum Column {
    Text(StringBuilder),
    Real(Float32Builder),
    Int(Int64Builder),
}

impl Column {
    fn new(kind: Kind) -> Self {
        match kind {
            Kind::Text => Column::Text(StringBuilder::new()),
            Kind::Real => Column::Real(Float32Builder::new()),
            Kind::Int => Column::Int(Int64Builder::new()),
        }
    }

    fn push(&mut self, cell: &Cell) {
        match (self, cell) {
            (Column::Text(b), Cell::Text(s)) if s.is_empty() => b.append_null(),
            (Column::Text(b), Cell::Text(s)) => b.append_value(s),
            (Column::Real(b), Cell::Real(v)) => b.append_option(*v),
            (Column::Int(b), Cell::Int(v)) => b.append_option(*v),
            // The kinds come from the same list as the cells.
            _ => unreachable!("cell kind differs from its column's"),
        }
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            Column::Text(b) => Arc::new(b.finish()),
            Column::Real(b) => Arc::new(b.finish()),
            Column::Int(b) => Arc::new(b.finish()),
        }
    }
}

/// Unique column names: a repeated name gets `.1`, `.2` … (as pandas reads
/// a CSV with repeated headers).
pub(crate) fn unique_names(names: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(names.len());
    for n in names {
        let mut name = n.clone();
        let mut k = 0;
        while out.contains(&name) {
            k += 1;
            name = format!("{n}.{k}");
        }
        out.push(name);
    }
    out
}

/// Builds Arrow batches of enriched rows: the kept input columns as
/// strings, ticketlens' columns typed, and optionally the embedding.
pub(crate) struct BatchBuilder {
    schema: SchemaRef,
    input: Vec<StringBuilder>,
    ours: Vec<Column>,
    /// Embedding dimension, the values of the buffered rows and which rows
    /// have one.
    embedding: Option<(usize, Vec<f32>, Vec<bool>)>,
    rows: usize,
}

impl BatchBuilder {
    /// `input` are the kept input columns' names, `ours` ticketlens'
    /// columns with their kinds; `embedding_dim` adds the `embedding` column.
    pub(crate) fn new(
        input: &[String],
        ours: &[(String, Kind)],
        embedding_dim: Option<usize>,
    ) -> Self {
        let mut names: Vec<String> = input.to_vec();
        names.extend(ours.iter().map(|(n, _)| n.clone()));
        if embedding_dim.is_some() {
            names.push("embedding".into());
        }
        let names = unique_names(&names);
        let mut fields: Vec<Field> = Vec::with_capacity(names.len());
        let kinds = std::iter::repeat_n(Kind::Text, input.len()).chain(ours.iter().map(|o| o.1));
        for (name, kind) in names.iter().zip(kinds) {
            let dt = match kind {
                Kind::Text => DataType::Utf8,
                Kind::Real => DataType::Float32,
                Kind::Int => DataType::Int64,
            };
            fields.push(Field::new(name, dt, true));
        }
        if let Some(dim) = embedding_dim {
            fields.push(Field::new(
                names.last().expect("embedding name"),
                DataType::FixedSizeList(item_field(), dim as i32),
                true,
            ));
        }
        BatchBuilder {
            schema: Arc::new(Schema::new(fields)),
            input: input.iter().map(|_| StringBuilder::new()).collect(),
            ours: ours.iter().map(|(_, k)| Column::new(*k)).collect(),
            embedding: embedding_dim.map(|d| (d, Vec::with_capacity(d * ROW_GROUP), Vec::new())),
            rows: 0,
        }
    }

    /// The batches' schema.
    pub(crate) fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    /// Rows buffered since the last [`BatchBuilder::finish`].
    pub(crate) fn len(&self) -> usize {
        self.rows
    }

    /// Append one row: the kept input cells, ticketlens' cells (in the
    /// order given to [`BatchBuilder::new`]) and, when the batch has an
    /// embedding column, the row's embedding (`None` = null; a length
    /// other than the dimension is an error naming `target`).
    pub(crate) fn push<'a>(
        &mut self,
        input: impl Iterator<Item = &'a str>,
        ours: &[Cell],
        embedding: Option<&[f32]>,
        target: &str,
    ) -> Result<()> {
        if let Some((dim, values, valid)) = &mut self.embedding {
            match embedding {
                Some(e) if e.len() == *dim => {
                    values.extend_from_slice(e);
                    valid.push(true);
                }
                Some(e) => {
                    return Err(write_error(
                        target,
                        format!(
                            "an embedding of {} values where the file holds {dim}",
                            e.len()
                        ),
                    ))
                }
                None => {
                    values.extend(std::iter::repeat_n(0.0, *dim));
                    valid.push(false);
                }
            }
        }
        for (b, v) in self.input.iter_mut().zip(input) {
            if v.is_empty() {
                b.append_null();
            } else {
                b.append_value(v);
            }
        }
        for (c, v) in self.ours.iter_mut().zip(ours) {
            c.push(v);
        }
        self.rows += 1;
        Ok(())
    }

    /// The buffered rows as one batch (the builder is then empty).
    pub(crate) fn finish(&mut self) -> std::result::Result<RecordBatch, arrow_schema::ArrowError> {
        let mut arrays: Vec<ArrayRef> = Vec::with_capacity(self.schema.fields().len());
        arrays.extend(
            self.input
                .iter_mut()
                .map(|b| Arc::new(b.finish()) as ArrayRef),
        );
        arrays.extend(self.ours.iter_mut().map(Column::finish));
        if let Some((dim, values, valid)) = &mut self.embedding {
            let values = Float32Array::from(std::mem::take(values));
            let valid = std::mem::take(valid);
            let nulls = (!valid.iter().all(|&v| v)).then(|| NullBuffer::from(valid));
            let list =
                FixedSizeListArray::try_new(item_field(), *dim as i32, Arc::new(values), nulls)?;
            arrays.push(Arc::new(list));
        }
        self.rows = 0;
        RecordBatch::try_new(self.schema.clone(), arrays)
    }
}

/// The embedding list's item field.
fn item_field() -> Arc<Field> {
    Arc::new(Field::new("item", DataType::Float32, false))
}

/// Streams enriched rows into a Parquet file.
pub(crate) struct ParquetSink<W: Write + Send> {
    writer: ArrowWriter<W>,
    batch: BatchBuilder,
    target: String,
}

impl<W: Write + Send> ParquetSink<W> {
    /// `input` are the kept input columns' names, `ours` ticketlens'
    /// columns with their kinds; `embedding_dim` adds the `embedding` column.
    pub(crate) fn create(
        sink: W,
        input: &[String],
        ours: &[(String, Kind)],
        embedding_dim: Option<usize>,
        target: &str,
    ) -> Result<Self> {
        let batch = BatchBuilder::new(input, ours, embedding_dim);
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_row_count(Some(ROW_GROUP))
            .set_created_by(format!("ticketlens {}", env!("CARGO_PKG_VERSION")))
            .build();
        let writer = ArrowWriter::try_new(sink, batch.schema(), Some(props))
            .map_err(|e| write_error(target, e.to_string()))?;
        Ok(ParquetSink {
            writer,
            batch,
            target: target.to_string(),
        })
    }

    /// Append one row (see [`BatchBuilder::push`]); every row of a file
    /// with an embedding column must carry its embedding.
    pub(crate) fn push<'a>(
        &mut self,
        input: impl Iterator<Item = &'a str>,
        ours: &[Cell],
        embedding: Option<&[f32]>,
    ) -> Result<()> {
        if self.batch.embedding.is_some() && embedding.is_none() {
            return Err(write_error(
                &self.target,
                "a row without its embedding".into(),
            ));
        }
        self.batch.push(input, ours, embedding, &self.target)?;
        if self.batch.len() == ROW_GROUP {
            self.flush()?;
        }
        Ok(())
    }

    /// Write the buffered rows as one batch.
    fn flush(&mut self) -> Result<()> {
        if self.batch.len() == 0 {
            return Ok(());
        }
        let err = |e: String| write_error(&self.target, e);
        let batch = self.batch.finish().map_err(|e| err(e.to_string()))?;
        self.writer.write(&batch).map_err(|e| err(e.to_string()))?;
        Ok(())
    }

    /// Write the last rows and the footer; returns the sink.
    pub(crate) fn finish(mut self) -> Result<W> {
        self.flush()?;
        self.writer
            .into_inner()
            .map_err(|e| write_error(&self.target, e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_names_get_pandas_suffixes() {
        let names: Vec<String> = ["Labels", "Labels", "id", "Labels"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            unique_names(&names),
            ["Labels", "Labels.1", "id", "Labels.2"]
        );
    }
}
