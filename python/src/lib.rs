//! `ticketlens._native`: the Rust side of the Python package.
//!
//! Tables cross the boundary as Arrow IPC streams (bytes): pyarrow writes
//! one from any table in a single pass, and the library reads it with the
//! same ingest as a Parquet or CSV file, so column mapping, value rules and
//! rejects are the CLI's. The Python layer (`ticketlens/__init__.py`)
//! converts pandas/Polars/pyarrow inputs and joins the result back.

use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use std::path::PathBuf;
use ticketlens::ingest::{IngestOptions, InputSource};
use ticketlens::model::{default_cache_dir, Classifier as Model, ClassifierOptions, ModelSource};
use ticketlens::pipeline::table::classify_table;
use ticketlens::taxonomy::Taxonomy;

/// A library error as a Python exception with the CLI's one-line message:
/// bad input → `ValueError`, anything else → `RuntimeError`.
fn to_py(e: ticketlens::Error) -> PyErr {
    let msg = e.to_string();
    match e {
        ticketlens::Error::Data(_)
        | ticketlens::Error::InvalidOption { .. }
        | ticketlens::Error::MissingColumn { .. }
        | ticketlens::Error::Parse { .. } => PyValueError::new_err(msg),
        _ => PyRuntimeError::new_err(msg),
    }
}

/// Rejected rows as `(row, reason, raw)`.
type Rejects = Vec<(u64, String, String)>;

/// A loaded model (and optional taxonomy). Thread-safe: the model's
/// sessions are shared by every call.
#[pyclass(frozen)]
struct Classifier {
    model: Model,
    taxonomy: Option<Taxonomy>,
}

#[pymethods]
impl Classifier {
    #[new]
    #[pyo3(signature = (model=None, taxonomy=None, cache=true))]
    fn new(model: Option<PathBuf>, taxonomy: Option<PathBuf>, cache: bool) -> PyResult<Self> {
        let opts = ClassifierOptions {
            cache_dir: if cache { default_cache_dir() } else { None },
            ..Default::default()
        };
        let model =
            Model::load(&ModelSource::from_option(model.as_deref()), opts).map_err(to_py)?;
        let taxonomy = match taxonomy {
            Some(p) => Some(Taxonomy::load(&p).map_err(to_py)?),
            None => None,
        };
        Ok(Classifier { model, taxonomy })
    }

    /// The model's sha256 (what the CLI prints in run.json).
    #[getter]
    fn model_sha256(&self) -> String {
        self.model.model_sha256().to_string()
    }

    /// Classify the rows of an Arrow IPC stream. Returns the result's IPC
    /// stream (the model's columns, a row per input row) and the rejected
    /// rows as `(row, reason, raw)`.
    #[pyo3(signature = (ipc, text_columns=Vec::new(), mapping=Vec::new(), timezone="UTC", embeddings=true))]
    fn classify_ipc<'py>(
        &self,
        py: Python<'py>,
        ipc: Vec<u8>,
        text_columns: Vec<String>,
        mapping: Vec<(String, String)>,
        timezone: &str,
        embeddings: bool,
    ) -> PyResult<(Bound<'py, PyBytes>, Rejects)> {
        let tz: chrono_tz::Tz = timezone.parse().map_err(|_| {
            PyValueError::new_err(format!(
                "invalid timezone `{timezone}`: not an IANA time zone name"
            ))
        })?;
        let ingest = IngestOptions {
            map: mapping,
            text_columns,
            timezone: tz,
            require_created_at: false,
            require_text: true,
            ..Default::default()
        };
        let source = InputSource::Memory {
            label: "<table>".into(),
            bytes: ipc.into(),
        };
        let out = py
            .detach(|| {
                classify_table(
                    &source,
                    &ingest,
                    &self.model,
                    self.taxonomy.as_ref(),
                    embeddings,
                )
            })
            .map_err(to_py)?;
        let mut buf = Vec::new();
        {
            let batch = &out.columns;
            let mut w = arrow_ipc::writer::StreamWriter::try_new(&mut buf, &batch.schema())
                .map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
            w.write(batch)
                .map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
            w.finish()
                .map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
        }
        let rejects = out
            .rejects
            .into_iter()
            .map(|r| (r.line, r.reason, r.raw))
            .collect();
        Ok((PyBytes::new(py, &buf), rejects))
    }
}

/// The module.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Classifier>()?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
