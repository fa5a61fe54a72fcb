//! The library's error type: one crate-wide [`Error`] over one enum per
//! stage ([`ThemesError`], [`ChurnError`] …), and [`Setting`], how messages
//! name what to change.
//!
//! Every variant renders as one line that says *what* went wrong and *where*
//! (file, line, column, model directory), because the CLI prints exactly that
//! line and exits non-zero: a support lead should be able to fix the input from
//! the message alone.

mod stages;

pub use stages::{
    ChurnError, EmbeddingsError, IngestError, ModelError, OutputError, PipelineError,
    TaxonomyError, ThemesError,
};
use std::fmt;
use std::path::PathBuf;
use std::sync::OnceLock;

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
    /// A file could not be parsed at all (an input as CSV/JSONL, a seed
    /// themes or holidays file): its line and why.
    #[error("{path}:{line}: {message}")]
    Parse {
        /// Input file.
        path: String,
        /// 1-based line number.
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// A user-supplied option is invalid.
    #[error("invalid {option}: {message}")]
    InvalidOption {
        /// The setting (the CLI shows it as its flag, e.g. `--business-hours`).
        option: Setting,
        /// What is wrong.
        message: String,
    },
    /// An input the ingest stage cannot read, or a read that breaks the
    /// reject policy (`--strict`, `--max-reject-rate`).
    #[error(transparent)]
    Ingest(#[from] IngestError),
    /// The model cannot be loaded or run.
    #[error(transparent)]
    Model(#[from] ModelError),
    /// An embeddings file or matrix that does not fit.
    #[error(transparent)]
    Embeddings(#[from] EmbeddingsError),
    /// Themes cannot be found, saved or applied.
    #[error(transparent)]
    Themes(#[from] ThemesError),
    /// A churn model cannot be trained or applied.
    #[error(transparent)]
    Churn(#[from] ChurnError),
    /// A taxonomy cannot be trained, named or applied.
    #[error(transparent)]
    Taxonomy(#[from] TaxonomyError),
    /// An output cannot be built or written.
    #[error(transparent)]
    Output(#[from] OutputError),
    /// A run's inputs do not fit together.
    #[error(transparent)]
    Pipeline(#[from] PipelineError),
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
        matches!(
            self,
            Error::Ingest(IngestError::Strict { .. } | IngestError::TooManyRejects { .. })
        )
    }

    /// Wrap an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// A model-directory error ([`ModelError::Files`]).
    pub fn model(dir: impl std::fmt::Display, message: impl Into<String>) -> Self {
        ModelError::Files {
            dir: dir.to_string(),
            message: message.into(),
        }
        .into()
    }

    /// An invalid-option error.
    pub fn option(option: Setting, message: impl Into<String>) -> Self {
        Error::InvalidOption {
            option,
            message: message.into(),
        }
    }
}

/// A setting a user can change, as the library's messages refer to it.
///
/// Errors and hints point the user at what to change ("pass `encoding`
/// windows-1252"), but how a setting is spelt belongs to the front-end: the
/// CLI's `--encoding`, the Python package's `encoding=`. The library names
/// the setting with this enum; [`Display`](fmt::Display) spells it the way
/// the front-end registered with [`name_settings`], or as its
/// [`key`](Setting::key) in backticks when none did. So no library message
/// names a CLI flag, and the CLI's messages still do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Setting {
    /// Ticket field → input column mapping (`IngestOptions::map`).
    Map,
    /// The column(s) holding the ticket text.
    TextColumn,
    /// The input's character encoding.
    Encoding,
    /// The CSV field delimiter.
    Delimiter,
    /// The input format (csv, jsonl, json, parquet, arrow).
    InputFormat,
    /// A per-column strftime date format.
    DateFormat,
    /// Day/month order of ambiguous dates.
    DateOrder,
    /// The unit of a duration column.
    Unit,
    /// The scale CSAT answers are on (1–5 or 1–3).
    CsatScale,
    /// The largest rejected share before a run fails.
    MaxRejectRate,
    /// Fail on any rejected row.
    Strict,
    /// Print how columns were mapped.
    ExplainMapping,
    /// The business-hours calendar.
    BusinessHours,
    /// First-response SLA targets.
    Sla,
    /// Resolution SLA targets.
    SlaResolution,
    /// The support cost of the period.
    SupportCost,
    /// The cost of one agent hour.
    CostPerAgentHour,
    /// Paid agent hours per agent and period.
    AgentHours,
    /// The KPI period (day, week, month).
    Period,
    /// KPI grouping dimensions.
    By,
    /// The time the backlog and churn features are taken at.
    AsOf,
    /// The customers table.
    Customers,
    /// Customers-table field → column mapping.
    CustomersMap,
    /// A saved churn model.
    ChurnModel,
    /// The churn hold-out share.
    TestFraction,
    /// Cross-validation folds.
    Folds,
    /// L2 regularisation strength.
    Alpha,
    /// A taxonomy's name.
    TaxonomyName,
    /// Fewest examples a taxonomy label needs.
    MinExamples,
    /// Similarity below which a named taxonomy says `other`.
    OtherThreshold,
    /// Authors whose messages count as company automation.
    BotAuthor,
    /// The number of themes.
    Themes,
    /// The time zone of timestamps without an offset.
    Timezone,
}

impl Setting {
    /// Every setting, for front-ends' tests that each has a spelling.
    pub const ALL: &'static [Setting] = &[
        Setting::Map,
        Setting::TextColumn,
        Setting::Encoding,
        Setting::Delimiter,
        Setting::InputFormat,
        Setting::DateFormat,
        Setting::DateOrder,
        Setting::Unit,
        Setting::CsatScale,
        Setting::MaxRejectRate,
        Setting::Strict,
        Setting::ExplainMapping,
        Setting::BusinessHours,
        Setting::Sla,
        Setting::SlaResolution,
        Setting::SupportCost,
        Setting::CostPerAgentHour,
        Setting::AgentHours,
        Setting::Period,
        Setting::By,
        Setting::AsOf,
        Setting::Customers,
        Setting::CustomersMap,
        Setting::ChurnModel,
        Setting::TestFraction,
        Setting::Folds,
        Setting::Alpha,
        Setting::TaxonomyName,
        Setting::MinExamples,
        Setting::OtherThreshold,
        Setting::BotAuthor,
        Setting::Themes,
        Setting::Timezone,
    ];

    /// The setting's name in the library: the options field that holds it
    /// (`date_order` is `IngestOptions::date_order`).
    pub fn key(self) -> &'static str {
        match self {
            Setting::Map => "map",
            Setting::TextColumn => "text_columns",
            Setting::Encoding => "encoding",
            Setting::Delimiter => "delimiter",
            Setting::InputFormat => "format",
            Setting::DateFormat => "date_formats",
            Setting::DateOrder => "date_order",
            Setting::Unit => "units",
            Setting::CsatScale => "csat_scale",
            Setting::MaxRejectRate => "max_reject_rate",
            Setting::Strict => "strict",
            Setting::ExplainMapping => "explain_mapping",
            Setting::BusinessHours => "business_hours",
            Setting::Sla => "sla",
            Setting::SlaResolution => "sla_resolution",
            Setting::SupportCost => "support_cost",
            Setting::CostPerAgentHour => "cost_per_agent_hour",
            Setting::AgentHours => "agent_hours",
            Setting::Period => "period",
            Setting::By => "by",
            Setting::AsOf => "as_of",
            Setting::Customers => "customers",
            Setting::CustomersMap => "customers_map",
            Setting::ChurnModel => "churn_model",
            Setting::TestFraction => "test_fraction",
            Setting::Folds => "folds",
            Setting::Alpha => "alpha",
            Setting::TaxonomyName => "name",
            Setting::MinExamples => "min_examples",
            Setting::OtherThreshold => "other_threshold",
            Setting::BotAuthor => "bot_author",
            Setting::Themes => "k",
            Setting::Timezone => "timezone",
        }
    }
}

/// How the front-end spells settings; unset in the library's own tests.
static SPELLING: OnceLock<fn(Setting) -> Option<&'static str>> = OnceLock::new();

/// Register how this front-end spells [`Setting`]s (the CLI: `--map`);
/// `None` for a setting keeps the library's spelling (its key in backticks).
///
/// Call it once at start-up, before any library call: messages are
/// formatted when they are made. Returns `false` (and changes nothing) if a
/// spelling was registered already.
pub fn name_settings(spelling: fn(Setting) -> Option<&'static str>) -> bool {
    SPELLING.set(spelling).is_ok()
}

impl fmt::Display for Setting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match SPELLING.get().and_then(|spell| spell(*self)) {
            Some(name) => f.write_str(name),
            None => write!(f, "`{}`", self.key()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `key` matches every variant without a wildcard, so a new variant
    /// needs an arm there; this counts those arms against `ALL`.
    #[test]
    fn all_lists_every_setting_once() {
        let src = include_str!("mod.rs");
        let body = &src[src.find("pub fn key(self)").unwrap()..];
        let body = &body[..body.find("\n    }\n").unwrap()];
        let arms = body.matches(" => \"").count();
        assert_eq!(Setting::ALL.len(), arms, "Setting::ALL misses a variant");
        for (i, s) in Setting::ALL.iter().enumerate() {
            assert!(!Setting::ALL[..i].contains(s), "{s:?} twice");
        }
    }

    #[test]
    fn settings_have_distinct_keys_and_unregistered_spelling_is_the_key() {
        let mut keys: Vec<&str> = Setting::ALL.iter().map(|s| s.key()).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), Setting::ALL.len(), "two settings share a key");
        // The library's own tests register no spelling.
        assert_eq!(Setting::DateOrder.to_string(), "`date_order`");
        let e = Error::option(Setting::Encoding, "unknown encoding 'x'");
        assert_eq!(e.to_string(), "invalid `encoding`: unknown encoding 'x'");
    }

    #[test]
    fn stage_errors_show_their_own_one_line_message() {
        let e: Error = ThemesError::Count {
            tickets: 3,
            found: 2,
            what: "texts",
        }
        .into();
        assert_eq!(e.to_string(), "themes: 3 tickets but 2 texts");
        assert!(matches!(e, Error::Themes(ThemesError::Count { .. })));
        let e: Error = ChurnError::NoTicketCustomers {
            as_of: "2025-01-01 00:00".into(),
        }
        .into();
        assert!(!e.to_string().contains('\n'));
        assert!(e.to_string().contains("`map` customer_id=COLUMN"), "{e}");
    }
}
