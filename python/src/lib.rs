//! `ticketlens._native`: the Rust side of the Python package.
//!
//! Tables cross the boundary as Arrow IPC streams (bytes): pyarrow writes
//! one from any table in a single pass, and the library reads it with the
//! same ingest as a Parquet or CSV file, so column mapping, value rules and
//! rejects are the CLI's. The Python layer (`ticketlens/__init__.py`)
//! converts pandas/Polars/pyarrow inputs and joins the result back.

use pyo3::exceptions::{PyOSError, PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use std::path::PathBuf;
use ticketlens::embeddings::Embeddings;
use ticketlens::error::Setting;
use ticketlens::ingest::conversations::ConversationOptions;
use ticketlens::ingest::time::DateOrder;
use ticketlens::ingest::{CsatScale, IngestOptions, InputSource, Reject};
use ticketlens::kpi::{BusinessCalendar, FcrDefinition, KpiOptions, SlaTargets};
use ticketlens::model::{default_cache_dir, Classifier as Model, ClassifierOptions, ModelSource};
use ticketlens::period::Period;
use ticketlens::pipeline::table::{
    classify_table, conversation_table, fit_theme_model, kpi_table, nearest_themes, read_table,
};
use ticketlens::taxonomy::Taxonomy;
use ticketlens::themes::{ThemeModel as SavedThemes, ThemeOptions};

/// A library error as a Python exception with the CLI's one-line message:
/// bad input → `ValueError`, a file that cannot be read or written →
/// `OSError`, anything else → `RuntimeError`.
fn to_py(e: ticketlens::Error) -> PyErr {
    let msg = e.to_string();
    match e {
        ticketlens::Error::InvalidOption { .. }
        | ticketlens::Error::Ingest(_)
        | ticketlens::Error::Embeddings(_)
        | ticketlens::Error::Themes(_)
        | ticketlens::Error::Churn(_)
        | ticketlens::Error::Taxonomy(_)
        | ticketlens::Error::Pipeline(_)
        | ticketlens::Error::Parse { .. } => PyValueError::new_err(msg),
        ticketlens::Error::Io { .. } => PyOSError::new_err(msg),
        _ => PyRuntimeError::new_err(msg),
    }
}

/// Rejected rows as `(row, reason, raw)`.
type Rejects = Vec<(u64, String, String)>;

fn rejects(r: Vec<Reject>) -> Rejects {
    r.into_iter().map(|r| (r.line, r.reason, r.raw)).collect()
}

/// A `ValueError` with this message.
fn bad(msg: String) -> PyErr {
    PyValueError::new_err(msg)
}

/// An IANA time zone name.
fn zone(timezone: &str) -> PyResult<chrono_tz::Tz> {
    timezone.parse().map_err(|_| {
        bad(format!(
            "invalid timezone `{timezone}`: not an IANA time zone name"
        ))
    })
}

/// `csat_scale`: 5 (1–5), 3 (1–3), 10 (0–10) or 100 (0–100); `None`
/// decides from the answers, as the CLI does without `--csat-scale`.
fn scale(csat_scale: Option<u8>) -> PyResult<CsatScale> {
    let Some(csat_scale) = csat_scale else {
        return Ok(CsatScale::Auto);
    };
    match csat_scale {
        5 => Ok(CsatScale::OneToFive),
        3 => Ok(CsatScale::OneToThree),
        10 => Ok(CsatScale::ZeroToTen),
        100 => Ok(CsatScale::ZeroToHundred),
        s => Err(bad(format!(
            "invalid csat_scale `{s}`: expected 5 (1–5), 3 (1–3), 10 (0–10) or 100 (0–100)"
        ))),
    }
}

/// `date_order`: `dmy`, `mdy` or none.
fn order(date_order: Option<&str>) -> PyResult<Option<DateOrder>> {
    match date_order {
        None => Ok(None),
        Some("dmy") => Ok(Some(DateOrder::Dmy)),
        Some("mdy") => Ok(Some(DateOrder::Mdy)),
        Some(o) => Err(bad(format!(
            "invalid date_order `{o}`: expected dmy or mdy"
        ))),
    }
}

/// A record batch as an Arrow IPC stream.
fn to_ipc(batch: &arrow_array::RecordBatch) -> PyResult<Vec<u8>> {
    let err = |e: arrow_schema::ArrowError| PyRuntimeError::new_err(e.to_string());
    let mut buf = Vec::new();
    let mut w = arrow_ipc::writer::StreamWriter::try_new(&mut buf, &batch.schema()).map_err(err)?;
    w.write(batch).map_err(err)?;
    w.finish().map_err(err)?;
    drop(w);
    Ok(buf)
}

/// An IPC stream held in memory, as an input.
fn memory(ipc: Vec<u8>) -> InputSource {
    InputSource::Memory {
        label: "<table>".into(),
        bytes: ipc.into(),
    }
}

/// Little-endian float32 bytes (numpy's `.tobytes()`) as `rows × dim`.
fn embeddings(data: &[u8], dim: usize) -> PyResult<Embeddings> {
    if dim == 0 || !data.len().is_multiple_of(4 * dim) {
        return Err(bad(format!(
            "embeddings: {} bytes are not rows of {dim} float32 values",
            data.len()
        )));
    }
    Ok(Embeddings {
        dim,
        data: data
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect(),
    })
}

/// A ticket table handed to Python: its IPC stream, the rejects, rows
/// read, warnings and the column mapping.
type Exported<'py> = (
    Bound<'py, PyBytes>,
    Rejects,
    u64,
    Vec<String>,
    Vec<(String, String)>,
);

/// A ticket table as [`Exported`].
fn exported(py: Python<'_>, t: ticketlens::pipeline::table::TicketTable) -> PyResult<Exported<'_>> {
    let ipc = to_ipc(&t.columns)?;
    Ok((
        PyBytes::new(py, &ipc),
        rejects(t.rejects),
        t.read,
        t.warnings,
        t.mapping,
    ))
}

/// Read an export into typed ticket fields. Returns the table's IPC
/// stream, the rejects, rows read, warnings and the column mapping.
#[pyfunction]
#[pyo3(signature = (path, text_columns=Vec::new(), mapping=Vec::new(), timezone="UTC", encoding=None, date_order=None, csat_scale=None))]
#[allow(clippy::too_many_arguments)]
fn read_export<'py>(
    py: Python<'py>,
    path: PathBuf,
    text_columns: Vec<String>,
    mapping: Vec<(String, String)>,
    timezone: &str,
    encoding: Option<String>,
    date_order: Option<String>,
    csat_scale: Option<u8>,
) -> PyResult<Exported<'py>> {
    let date_order = order(date_order.as_deref())?;
    let ingest = IngestOptions {
        map: mapping,
        text_columns,
        timezone: zone(timezone)?,
        encoding,
        date_order,
        csat_scale: scale(csat_scale)?,
        require_created_at: false,
        require_text: false,
        ..Default::default()
    };
    let source = InputSource::Path(path);
    let t = py.detach(|| read_table(&source, &ingest)).map_err(to_py)?;
    exported(py, t)
}

/// Read a message log and rebuild its tickets (one per customer-started
/// thread). Returns what [`read_export`] returns.
#[pyfunction]
#[pyo3(signature = (path, mapping=Vec::new(), timezone="UTC", encoding=None, bot_author=None))]
fn read_conversations<'py>(
    py: Python<'py>,
    path: PathBuf,
    mapping: Vec<(String, String)>,
    timezone: &str,
    encoding: Option<String>,
    bot_author: Option<String>,
) -> PyResult<Exported<'py>> {
    let bot_author = match bot_author {
        None => None,
        Some(p) => Some(regex::Regex::new(&p).map_err(|e| {
            let e = e.to_string();
            let why = e.lines().last().unwrap_or("").trim_start_matches("error: ");
            bad(format!("invalid bot_author `{p}`: {why}"))
        })?),
    };
    let opts = ConversationOptions {
        map: mapping,
        timezone: zone(timezone)?,
        encoding,
        bot_author,
        ..Default::default()
    };
    let source = InputSource::Path(path);
    let t = py
        .detach(|| conversation_table(&source, &opts))
        .map_err(to_py)?;
    exported(py, t)
}

/// KPIs of a table (an IPC stream). Returns the tidy table's IPC stream,
/// the rejects and the whole report as kpis.json text.
#[pyfunction]
#[pyo3(signature = (ipc, by=Vec::new(), period=None, timezone="UTC", as_of=None, sla=None, sla_resolution=None, business_hours=None, fcr="one-touch", mapping=Vec::new(), date_order=None, csat_scale=None))]
#[allow(clippy::too_many_arguments)]
fn kpis_ipc<'py>(
    py: Python<'py>,
    ipc: Vec<u8>,
    by: Vec<String>,
    period: Option<String>,
    timezone: &str,
    as_of: Option<String>,
    sla: Option<String>,
    sla_resolution: Option<String>,
    business_hours: Option<String>,
    fcr: &str,
    mapping: Vec<(String, String)>,
    date_order: Option<String>,
    csat_scale: Option<u8>,
) -> PyResult<(Bound<'py, PyBytes>, Rejects, String, Vec<String>)> {
    let tz = zone(timezone)?;
    let period = match period.as_deref() {
        None => None,
        Some("day") => Some(Period::Day),
        Some("week") => Some(Period::Week),
        Some("month") => Some(Period::Month),
        Some(p) => {
            return Err(bad(format!(
                "invalid period `{p}`: expected day, week or month"
            )))
        }
    };
    let as_of = match as_of {
        None => None,
        Some(s) => Some(
            ticketlens::ingest::time::parse_timestamp(&s, tz).ok_or_else(|| {
                bad(format!(
                    "invalid as_of `{s}`: expected RFC 3339 or YYYY-MM-DD"
                ))
            })?,
        ),
    };
    let fcr = match fcr {
        "one-touch" => FcrDefinition::OneTouch,
        "one-reply" => FcrDefinition::OneReply,
        f => {
            return Err(bad(format!(
                "invalid fcr `{f}`: expected one-touch or one-reply"
            )))
        }
    };
    let opts = KpiOptions {
        as_of,
        sla: match sla {
            Some(s) => SlaTargets::parse_sla(&s).map_err(to_py)?,
            None => SlaTargets::default(),
        },
        sla_resolution: match sla_resolution {
            Some(s) => Some(SlaTargets::parse_resolution(&s).map_err(to_py)?),
            None => None,
        },
        business_hours: match business_hours {
            Some(s) => Some(BusinessCalendar::parse(&s, None).map_err(to_py)?),
            None => None,
        },
        by: by.into_iter().map(|b| b.trim().to_string()).collect(),
        period,
        timezone: tz,
        fcr,
        ..Default::default()
    };
    let ingest = IngestOptions {
        map: mapping,
        timezone: tz,
        date_order: order(date_order.as_deref())?,
        csat_scale: scale(csat_scale)?,
        ..Default::default()
    };
    let source = memory(ipc);
    let f = py
        .detach(|| kpi_table(&source, &ingest, &opts))
        .map_err(to_py)?;
    let json =
        serde_json::to_string(&f.report).map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
    let ipc = to_ipc(&f.table)?;
    Ok((PyBytes::new(py, &ipc), rejects(f.rejects), json, f.warnings))
}

/// Saved themes (`ticketlens themes fit`'s file format).
#[pyclass(frozen)]
struct ThemeModel {
    inner: SavedThemes,
}

#[pymethods]
impl ThemeModel {
    /// Fit themes on a sample: `data` is `rows × dim` float32 bytes.
    #[staticmethod]
    #[pyo3(signature = (data, dim, texts, sentiments=None, k=None, seed=42, model_sha256=String::new(), source=String::from("<sample>")))]
    #[allow(clippy::too_many_arguments)]
    fn fit(
        py: Python<'_>,
        data: &[u8],
        dim: usize,
        texts: Vec<String>,
        sentiments: Option<Vec<String>>,
        k: Option<usize>,
        seed: u64,
        model_sha256: String,
        source: String,
    ) -> PyResult<Self> {
        let emb = embeddings(data, dim)?;
        let opts = ThemeOptions {
            k,
            seed,
            ..Default::default()
        };
        let inner = py
            .detach(|| {
                fit_theme_model(
                    &emb,
                    &texts,
                    sentiments.as_deref(),
                    &opts,
                    &model_sha256,
                    &source,
                )
            })
            .map_err(to_py)?;
        Ok(ThemeModel { inner })
    }

    /// Read a saved model (`themes fit -o FILE`).
    #[staticmethod]
    fn load(path: PathBuf) -> PyResult<Self> {
        Ok(ThemeModel {
            inner: SavedThemes::load(&path).map_err(to_py)?,
        })
    }

    /// A model from its JSON text (what `to_json` gives).
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<Self> {
        Ok(ThemeModel {
            inner: SavedThemes::from_json(text.as_bytes(), "theme model").map_err(to_py)?,
        })
    }

    /// Write it (JSON, the CLI's `--theme-model` format).
    fn save(&self, path: PathBuf) -> PyResult<()> {
        self.inner.save(&path).map_err(to_py)
    }

    /// The model as JSON text.
    fn to_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.inner).map_err(|e| PyRuntimeError::new_err(e.to_string()))
    }

    /// Embedding width.
    #[getter]
    fn dim(&self) -> usize {
        self.inner.embedding_dim
    }

    /// sha256 of the model whose embeddings it was fitted on ("" unknown).
    #[getter]
    fn model_sha256(&self) -> String {
        self.inner.model_sha256.clone()
    }

    /// The themes' labels, by id.
    #[getter]
    fn labels(&self) -> Vec<String> {
        self.inner.themes.iter().map(|t| t.label.clone()).collect()
    }

    /// Nearest theme of every row (`rows × dim` float32 bytes): ids,
    /// cosine distances, beyond-radius flags.
    #[allow(clippy::type_complexity)]
    fn nearest(
        &self,
        py: Python<'_>,
        data: &[u8],
        dim: usize,
    ) -> PyResult<(Vec<u64>, Vec<f32>, Vec<bool>)> {
        let emb = embeddings(data, dim)?;
        let near = py
            .detach(|| nearest_themes(&self.inner, &emb))
            .map_err(to_py)?;
        Ok((
            near.iter().map(|n| n.id as u64).collect(),
            near.iter().map(|n| n.distance).collect(),
            near.iter().map(|n| n.outlier).collect(),
        ))
    }
}

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
    #[pyo3(signature = (model=None, taxonomy=None, cache=true, threads=0, batch_rows=None))]
    fn new(
        model: Option<PathBuf>,
        taxonomy: Option<PathBuf>,
        cache: bool,
        threads: usize,
        batch_rows: Option<usize>,
    ) -> PyResult<Self> {
        if batch_rows == Some(0) {
            return Err(bad("batch_rows must be at least 1".into()));
        }
        let opts = ClassifierOptions {
            cache_dir: if cache { default_cache_dir() } else { None },
            threads,
            max_batch_rows: batch_rows.unwrap_or(ClassifierOptions::default().max_batch_rows),
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
        let ingest = IngestOptions {
            map: mapping,
            text_columns,
            timezone: zone(timezone)?,
            require_created_at: false,
            require_text: true,
            ..Default::default()
        };
        let source = memory(ipc);
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
        let buf = to_ipc(&out.columns)?;
        Ok((PyBytes::new(py, &buf), rejects(out.rejects)))
    }
}

/// How the Python API spells the library's settings in messages: as its
/// keyword arguments (`` `mapping` `` for the library's `map`).
fn keyword(s: Setting) -> Option<&'static str> {
    Some(match s {
        Setting::Map => "`mapping`",
        // The library's own key (`text_columns`, `encoding`, `by` …) is
        // this API's keyword for every other setting it takes.
        _ => return None,
    })
}

/// The module.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    ticketlens::error::name_settings(keyword);
    m.add_class::<Classifier>()?;
    m.add_class::<ThemeModel>()?;
    m.add_function(wrap_pyfunction!(read_export, m)?)?;
    m.add_function(wrap_pyfunction!(read_conversations, m)?)?;
    m.add_function(wrap_pyfunction!(kpis_ipc, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
