//! Columnar input (Apache Parquet, Arrow IPC), read as the same string
//! cells a CSV row gives.
//!
//! Why strings: every rule downstream (column mapping by name and by value,
//! date inference, rejects with the raw row, data-quality checks) is written
//! once, against cells. A typed Parquet column is rendered the way an export
//! would print it, so the same rules apply unchanged:
//!
//! - timestamps with a time zone as RFC 3339 with their offset, timestamps
//!   without one as naive ISO 8601 (read in `--tz`, as a CSV's would be),
//!   dates as `YYYY-MM-DD`;
//! - numbers as Arrow prints them, nulls as empty cells;
//! - struct columns flattened to dotted names (`requester.email`), as nested
//!   JSON objects are;
//! - lists of scalars (tags) joined with `", "`, as JSON arrays are;
//! - vector columns (a fixed-size list of floats, such as the `embedding`
//!   column `--format parquet` writes) are not cells: they are skipped, and
//!   not even decoded.
//!
//! A record's "line" is its 1-based row number in the file.
//!
//! Arrow IPC (the stream format, and the file format, also called Feather
//! v2) is what pyarrow, pandas, Polars and Spark hand over in memory; the
//! Python package passes tables this way.

use super::json::LIST_SEP;
use super::source::Record;
use crate::error::{Error, IngestError, Result};

/// [`IngestError::Unreadable`] for the input `label`.
fn unreadable(label: &str, message: String) -> Error {
    IngestError::Unreadable {
        input: label.to_string(),
        message,
    }
    .into()
}
use arrow_array::cast::AsArray;
use arrow_array::{Array, ArrayRef, GenericListArray, OffsetSizeTrait, RecordBatch};
use arrow_cast::display::{ArrayFormatter, FormatOptions};
use arrow_ipc::reader::{FileReader, StreamReader};
use arrow_schema::{ArrowError, DataType, Field, Schema, SchemaRef};
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};
use parquet::arrow::ProjectionMask;
use parquet::file::reader::ChunkReader;
use std::collections::VecDeque;
use std::io::{Read, Seek};

/// The four bytes a Parquet file starts (and ends) with.
pub(crate) const MAGIC: &[u8; 4] = b"PAR1";
/// The six bytes an Arrow IPC file (Feather v2) starts with.
pub(crate) const ARROW_FILE_MAGIC: &[u8; 6] = b"ARROW1";
/// An Arrow IPC stream's first message starts with this continuation marker.
pub(crate) const ARROW_STREAM_MARKER: &[u8; 4] = &[0xFF, 0xFF, 0xFF, 0xFF];

type Batches = Box<dyn Iterator<Item = std::result::Result<RecordBatch, ArrowError>> + Send>;
/// Rows decoded at a time.
const BATCH_ROWS: usize = 4096;

/// How cells are printed (see the module doc).
const FORMAT: FormatOptions<'static> = FormatOptions::new()
    .with_null("")
    .with_date_format(Some("%Y-%m-%d"))
    .with_datetime_format(Some("%Y-%m-%dT%H:%M:%S%.f"))
    .with_timestamp_format(Some("%Y-%m-%dT%H:%M:%S%.f"))
    .with_timestamp_tz_format(Some("%Y-%m-%dT%H:%M:%S%.f%:z"));

/// Rows of a Parquet file or an Arrow IPC stream as [`Record`]s.
pub(crate) struct ColumnarRows {
    reader: Batches,
    headers: Vec<String>,
    /// Rows of the current batch not yet handed out.
    queue: VecDeque<Record>,
    /// Row number of the next row decoded (1-based).
    next_row: u64,
    label: String,
}

/// A vector column: a fixed-size list of floats (embeddings).
fn is_vector(dt: &DataType) -> bool {
    matches!(dt, DataType::FixedSizeList(f, _) if f.data_type().is_floating())
}

/// Dotted names of the leaf columns under `field` (struct members
/// flattened), vector columns left out.
fn leaf_names(prefix: &str, field: &Field, out: &mut Vec<String>) {
    let name = if prefix.is_empty() {
        field.name().clone()
    } else {
        format!("{prefix}.{}", field.name())
    };
    match field.data_type() {
        DataType::Struct(children) => {
            for c in children {
                leaf_names(&name, c, out);
            }
        }
        dt if is_vector(dt) => {}
        _ => out.push(name),
    }
}

impl ColumnarRows {
    /// Open a Parquet file (a path's file, or stdin read into memory: the
    /// footer is at the end, so the format cannot be streamed).
    pub(crate) fn parquet(input: ColumnarInput, label: String) -> Result<Self> {
        let (reader, headers) = match input {
            ColumnarInput::File(f) => open_reader(f, &label)?,
            ColumnarInput::Bytes(b) => open_reader(b, &label)?,
        };
        Ok(Self::new(Box::new(reader), headers, label))
    }

    /// Open an Arrow IPC stream or file.
    pub(crate) fn arrow_ipc(input: ColumnarInput, label: String) -> Result<Self> {
        let (reader, schema) = match input {
            ColumnarInput::File(f) => open_ipc(std::io::BufReader::new(f), &label)?,
            ColumnarInput::Bytes(b) => open_ipc(std::io::Cursor::new(b), &label)?,
        };
        let headers = headers_of(&schema, &label)?;
        Ok(Self::new(reader, headers, label))
    }

    fn new(reader: Batches, headers: Vec<String>, label: String) -> Self {
        ColumnarRows {
            reader,
            headers,
            queue: VecDeque::new(),
            next_row: 1,
            label,
        }
    }

    /// Leaf column names, dotted for struct members.
    pub(crate) fn headers(&self) -> &[String] {
        &self.headers
    }

    /// The next row; `Ok(None)` at the end.
    pub(crate) fn next_record(&mut self) -> Result<Option<Record>> {
        if self.queue.is_empty() {
            match self.reader.next() {
                None => return Ok(None),
                Some(Err(e)) => {
                    return Err(unreadable(
                        &self.label,
                        format!("reading near row {}: {e}", self.next_row),
                    ))
                }
                Some(Ok(batch)) => self.decode(&batch)?,
            }
        }
        Ok(self.queue.pop_front())
    }

    /// Render a batch's rows into the queue.
    fn decode(&mut self, batch: &RecordBatch) -> Result<()> {
        let mut columns: Vec<Vec<String>> = Vec::with_capacity(self.headers.len());
        for col in batch.columns() {
            self.leaves(col, None, &mut columns)?;
        }
        let n = batch.num_rows();
        let mut rows: Vec<Vec<String>> =
            (0..n).map(|_| Vec::with_capacity(columns.len())).collect();
        for col in columns {
            for (row, cell) in rows.iter_mut().zip(col) {
                row.push(cell);
            }
        }
        for values in rows {
            self.queue.push_back(Record {
                line: self.next_row,
                values,
            });
            self.next_row += 1;
        }
        Ok(())
    }

    /// The cells of `array`'s leaf columns; `parent_null` marks rows whose
    /// enclosing struct is null (their members are empty too).
    fn leaves(
        &self,
        array: &ArrayRef,
        parent_null: Option<&[bool]>,
        out: &mut Vec<Vec<String>>,
    ) -> Result<()> {
        match array.data_type() {
            DataType::Struct(_) => {
                let s = array.as_struct();
                let nulls: Vec<bool> = (0..s.len())
                    .map(|i| s.is_null(i) || parent_null.is_some_and(|p| p[i]))
                    .collect();
                for child in s.columns() {
                    self.leaves(child, Some(&nulls), out)?;
                }
            }
            dt if is_vector(dt) => {}
            _ => {
                let mut cells = self.cells(array)?;
                if let Some(p) = parent_null {
                    for (c, &null) in cells.iter_mut().zip(p) {
                        if null {
                            c.clear();
                        }
                    }
                }
                out.push(cells);
            }
        }
        Ok(())
    }

    /// One leaf column's cells.
    fn cells(&self, array: &ArrayRef) -> Result<Vec<String>> {
        let fmt_err = |e: arrow_schema::ArrowError| {
            unreadable(&self.label, format!("a column cannot be read: {e}"))
        };
        match array.data_type() {
            // Lists (tags): items joined as a JSON array's are.
            DataType::List(_) => joined_lists(array.as_list::<i32>()).map_err(fmt_err),
            DataType::LargeList(_) => joined_lists(array.as_list::<i64>()).map_err(fmt_err),
            // A whole number stored as a float (pandas turns an id or CSAT
            // column with a blank into float64) reads as the integer; NaN
            // is missing, as pandas and Polars mean it.
            DataType::Float64 | DataType::Float32 | DataType::Float16 => {
                let f = ArrayFormatter::try_new(array.as_ref(), &FORMAT).map_err(fmt_err)?;
                let as_f64 = arrow_cast::cast(array, &DataType::Float64).map_err(fmt_err)?;
                let v = as_f64.as_primitive::<arrow_array::types::Float64Type>();
                Ok((0..array.len())
                    .map(|i| match (v.is_valid(i), v.value(i)) {
                        (false, _) => String::new(),
                        (true, x) if x.is_nan() => String::new(),
                        (true, x) if x.fract() == 0.0 && x.abs() < 1e15 => format!("{}", x as i64),
                        _ => f.value(i).to_string(),
                    })
                    .collect())
            }
            _ => {
                let f = ArrayFormatter::try_new(array.as_ref(), &FORMAT).map_err(fmt_err)?;
                Ok((0..array.len()).map(|i| f.value(i).to_string()).collect())
            }
        }
    }
}

/// Each list's items as text, trimmed, empty ones dropped, joined with
/// [`LIST_SEP`] (as a JSON array of scalars is); a null list is empty.
fn joined_lists<O: OffsetSizeTrait>(
    lists: &GenericListArray<O>,
) -> std::result::Result<Vec<String>, ArrowError> {
    (0..lists.len())
        .map(|i| {
            if lists.is_null(i) {
                return Ok(String::new());
            }
            let values = lists.value(i);
            let f = ArrayFormatter::try_new(values.as_ref(), &FORMAT)?;
            Ok((0..values.len())
                .filter(|&k| values.is_valid(k))
                .map(|k| f.value(k).to_string().trim().to_string())
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(LIST_SEP))
        })
        .collect()
}

/// An Arrow IPC file (by its magic bytes) or stream reader, and its schema.
fn open_ipc<R: Read + Seek + Send + 'static>(
    mut r: R,
    label: &str,
) -> Result<(Batches, SchemaRef)> {
    let err = |e: ArrowError| unreadable(label, format!("not a readable Arrow IPC input: {e}"));
    let mut head = Vec::with_capacity(6);
    (&mut r)
        .take(6)
        .read_to_end(&mut head)
        .map_err(|e| Error::io(label, e))?;
    r.rewind().map_err(|e| Error::io(label, e))?;
    if head == ARROW_FILE_MAGIC[..] {
        let f = FileReader::try_new(r, None).map_err(err)?;
        let schema = f.schema();
        Ok((Box::new(f), schema))
    } else {
        let s = StreamReader::try_new(r, None).map_err(err)?;
        let schema = s.schema();
        Ok((Box::new(s), schema))
    }
}

/// Leaf column names of a schema (vector columns left out); an error when
/// nothing is left.
fn headers_of(schema: &Schema, label: &str) -> Result<Vec<String>> {
    let mut headers = Vec::new();
    for f in schema.fields() {
        leaf_names("", f, &mut headers);
    }
    if headers.is_empty() {
        return Err(unreadable(label, "the input has no columns to read".into()));
    }
    Ok(repeated_names(headers))
}

/// Columnar formats cannot repeat a column name, so writers suffix repeats
/// (`Labels`, `Labels.1`, `Labels.2`: pandas, and ticketlens' own Parquet
/// output). `X.<digits>` after a column `X` is named `X` again here, so the
/// repeats form one field as a CSV's repeated header does (Jira's labels
/// stay tags).
fn repeated_names(headers: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(headers.len());
    for h in headers {
        let base = h
            .rsplit_once('.')
            .filter(|(b, n)| {
                !n.is_empty() && n.bytes().all(|c| c.is_ascii_digit()) && out.iter().any(|o| o == b)
            })
            .map(|(b, _)| b.to_string());
        out.push(base.unwrap_or(h));
    }
    out
}

/// A batch reader over the non-vector columns, and the leaf column names.
fn open_reader<T: ChunkReader + 'static>(
    input: T,
    label: &str,
) -> Result<(ParquetRecordBatchReader, Vec<String>)> {
    let err = |e: parquet::errors::ParquetError| {
        unreadable(label, format!("not a readable Parquet file: {e}"))
    };
    let builder = ParquetRecordBatchReaderBuilder::try_new(input).map_err(err)?;
    let schema = builder.schema().clone();
    // Top-level columns that are not vectors (projection by root).
    let roots: Vec<usize> = schema
        .fields()
        .iter()
        .enumerate()
        .filter(|(_, f)| !is_vector(f.data_type()))
        .map(|(i, _)| i)
        .collect();
    let mask = ProjectionMask::roots(builder.parquet_schema(), roots.iter().copied());
    let headers = headers_of(&schema, label)?;
    let reader = builder
        .with_projection(mask)
        .with_batch_size(BATCH_ROWS)
        .build()
        .map_err(err)?;
    Ok((reader, headers))
}

/// Where a columnar input's bytes come from.
pub(crate) enum ColumnarInput {
    /// A file on disk (read by range).
    File(std::fs::File),
    /// Stdin, read whole.
    Bytes(bytes::Bytes),
}

impl ColumnarInput {
    /// Read stdin (or any reader) whole.
    pub(crate) fn read_all(mut r: impl Read, label: &str) -> Result<Self> {
        let mut buf = Vec::new();
        r.read_to_end(&mut buf).map_err(|e| Error::io(label, e))?;
        Ok(ColumnarInput::Bytes(bytes::Bytes::from(buf)))
    }
}

#[cfg(test)]
mod tests {
    use super::repeated_names;

    #[test]
    fn suffixed_repeats_are_one_field_again() {
        let h = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            repeated_names(h(&["Labels", "Labels.1", "Labels.2", "id", "v.2", "a.b"])),
            h(&["Labels", "Labels", "Labels", "id", "v.2", "a.b"])
        );
    }
}
