//! The library's error type.
//!
//! Every variant renders as one line that says *what* went wrong and *where*
//! (file, line, column, model directory), because the CLI prints exactly that
//! line and exits non-zero: a support lead should be able to fix the input from
//! the message alone.

use std::path::PathBuf;

/// Result alias used across the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in ticketlens.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file involved.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The input lacks a column the job needs.
    #[error("{path}: missing required column for `{field}` (looked for: {tried}); map it with --map {field}=COLUMN")]
    MissingColumn {
        /// Input file.
        path: String,
        /// Ticket field that could not be mapped.
        field: String,
        /// Header spellings that were tried.
        tried: String,
    },
    /// The input could not be parsed as CSV/JSONL at all.
    #[error("{path}:{line}: {message}")]
    Parse {
        /// Input file.
        path: String,
        /// 1-based line number.
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// A `--strict` run met rejected rows.
    #[error("{rejected} row(s) rejected (see {rejects}); --strict turns rejects into a failure")]
    Strict {
        /// Number of rejected rows.
        rejected: u64,
        /// Where the rejects were written.
        rejects: String,
    },
    /// More than `--max-reject-rate` of the rows were rejected: the outputs
    /// were written, but they describe only part of the input.
    #[error("{rejected} of {read} rows rejected ({share}), more than --max-reject-rate {max}; the outputs were written but miss those rows (see {rejects}{top}; raise --max-reject-rate to accept)")]
    TooManyRejects {
        /// Rows rejected.
        rejected: u64,
        /// Rows read.
        read: u64,
        /// The rejected share, formatted (`12.5 %`).
        share: String,
        /// The allowed share, formatted (`5 %`).
        max: String,
        /// Where the rejects were written.
        rejects: String,
        /// `; most often: <reason>` for the largest group, or empty.
        top: String,
    },
    /// The model directory is missing a file or its files disagree.
    #[error("model {dir}: {message}")]
    Model {
        /// Model directory (or `<bundled>`).
        dir: String,
        /// What is wrong.
        message: String,
    },
    /// ONNX Runtime could not be loaded or run.
    #[error("ONNX Runtime: {0}")]
    Runtime(String),
    /// A user-supplied option is invalid.
    #[error("invalid {option}: {message}")]
    InvalidOption {
        /// The option (e.g. `--business-hours`).
        option: String,
        /// What is wrong.
        message: String,
    },
    /// The data does not allow the requested analysis.
    #[error("{0}")]
    Data(String),
    /// CSV writer/reader error with context.
    #[error("{context}: {source}")]
    Csv {
        /// What was being read or written.
        context: String,
        /// Underlying error.
        source: csv::Error,
    },
    /// JSON error with context.
    #[error("{context}: {source}")]
    Json {
        /// What was being read or written.
        context: String,
        /// Underlying error.
        source: serde_json::Error,
    },
}

impl Error {
    /// Whether this is a data-quality failure (`--strict` or
    /// `--max-reject-rate`): the run wrote its outputs, but rejected rows.
    /// The CLI exits with code 3 for these, 1 for every other error.
    pub fn is_data_quality(&self) -> bool {
        matches!(self, Error::Strict { .. } | Error::TooManyRejects { .. })
    }

    /// Wrap an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// A model-directory error.
    pub fn model(dir: impl std::fmt::Display, message: impl Into<String>) -> Self {
        Error::Model {
            dir: dir.to_string(),
            message: message.into(),
        }
    }

    /// An invalid-option error.
    pub fn option(option: impl Into<String>, message: impl Into<String>) -> Self {
        Error::InvalidOption {
            option: option.into(),
            message: message.into(),
        }
    }
}
