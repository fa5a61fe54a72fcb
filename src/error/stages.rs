//! One error enum per stage, each variant carrying what went wrong and
//! where (file, row, column, setting, model) as typed fields.
//!
//! They live here, in the bottom layer, rather than in each stage's module:
//! the crate-wide [`Error`](super::Error) wraps every one of them, and the
//! layers point one way (a stage may name the error module, never the
//! reverse). Each stage re-exports its own (`themes::ThemesError`,
//! `ingest::IngestError` …).
//! Every message is one line, as the CLI prints it; settings are named with
//! [`Setting`], which the front-end spells.

use super::Setting;

/// Reading an input the ingest stage cannot make tickets of, and the
/// reject policy a read is held to.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The input lacks a column the job needs.
    #[error("{path}: missing required column for `{field}` (looked for: {tried}); map it with {map} {field}=COLUMN", map = Setting::Map)]
    MissingColumn {
        /// Input file.
        path: String,
        /// Ticket field that could not be mapped.
        field: String,
        /// Header spellings that were tried.
        tried: String,
    },
    /// A `--strict` run met rejected rows.
    #[error("{rejected} row(s) rejected (see {rejects}); {strict} turns rejects into a failure", strict = Setting::Strict)]
    Strict {
        /// Number of rejected rows.
        rejected: u64,
        /// Where the rejects were written.
        rejects: String,
    },
    /// More than `--max-reject-rate` of the rows were rejected: the outputs
    /// were written, but they describe only part of the input.
    #[error("{rejected} of {read} rows rejected ({share}), more than {flag} {max}; the outputs were written but miss those rows (see {rejects}{top}; raise {flag} to accept)", flag = Setting::MaxRejectRate)]
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
    /// A Parquet or Arrow input cannot be read.
    #[error("{input}: {message}")]
    Unreadable {
        /// The input's label (file name or `<stdin>`).
        input: String,
        /// What the reader said.
        message: String,
    },
    /// A time or duration column reads implausibly (dates years in the
    /// future, durations in the wrong unit): a misread format, so the run
    /// stops instead of reporting wrong numbers.
    #[error("{input}: {message}")]
    Implausible {
        /// The input's label.
        input: String,
        /// What is implausible, in words that name the column, an example
        /// value and the setting that fixes it.
        message: String,
    },
}

/// Loading or running the model (tokenizer, ONNX Runtime, model files).
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// The model directory is missing a file or its files disagree.
    #[error("model {dir}: {message}")]
    Files {
        /// Model directory (or `<bundled>`).
        dir: String,
        /// What is wrong.
        message: String,
    },
    /// ONNX Runtime could not be loaded or run.
    #[error("ONNX Runtime: {0}")]
    Runtime(String),
    /// The tokenizer failed on a text.
    #[error("tokenizer failed on text #{index}: {message}")]
    Tokenizer {
        /// The text's position in the batch.
        index: usize,
        /// What the tokenizer said.
        message: String,
    },
    /// A classifier was built without an inference backend.
    #[error("no inference backend")]
    NoBackend,
}

/// A `.npy` embeddings file or matrix that does not fit.
#[derive(Debug, thiserror::Error)]
pub enum EmbeddingsError {
    /// The file is not a 2-D float32 `.npy` array.
    #[error("{path}: not a 2-D float32 .npy file ({message})")]
    NotNpy {
        /// The file.
        path: String,
        /// What the reader said.
        message: String,
    },
    /// Rows of another width were appended.
    #[error("embedding width {found} != {expected}")]
    Width {
        /// The width appended.
        found: usize,
        /// The matrix's width.
        expected: usize,
    },
}

/// Discovering themes, or saving and applying a theme model.
#[derive(Debug, thiserror::Error)]
pub enum ThemesError {
    /// Inputs that must hold one entry per ticket do not.
    #[error("themes: {tickets} tickets but {found} {what}")]
    Count {
        /// Tickets.
        tickets: usize,
        /// Entries found.
        found: usize,
        /// What was counted (`texts`, `sentiments` …).
        what: &'static str,
    },
    /// The embedding matrix does not belong to the tickets.
    #[error("themes: {tickets} tickets but {rows} embedding rows (width {dim}): the embeddings file does not belong to this input")]
    Embeddings {
        /// Tickets.
        tickets: usize,
        /// Embedding rows.
        rows: usize,
        /// Embedding width.
        dim: usize,
    },
    /// Embeddings of width 0.
    #[error("themes: embeddings have width 0")]
    ZeroWidth,
    /// Embedding values that are not whole rows.
    #[error("themes: {values} embedding values are not whole rows of width {dim}")]
    Ragged {
        /// Values.
        values: usize,
        /// Row width.
        dim: usize,
    },
    /// One embedding row cannot be clustered (zero or not finite).
    #[error("themes: embedding row {row}{} is {what}", ticket.as_ref().map(|t| format!(" (ticket {t})")).unwrap_or_default())]
    BadRow {
        /// 0-based row.
        row: usize,
        /// The ticket's id, when known.
        ticket: Option<String>,
        /// What is wrong (`all zero`, `not finite`).
        what: &'static str,
    },
    /// No tickets to cluster.
    #[error("themes: no tickets")]
    NoTickets,
    /// A seed theme without a name or a usable keyword.
    #[error("{origin}: seed theme `{name}` needs a name and at least one keyword that is not a stop word")]
    Seed {
        /// The seeds file.
        origin: String,
        /// The seed's name.
        name: String,
    },
    /// A theme model would be empty.
    #[error("theme model: no themes to save (no ticket was themed)")]
    NothingToSave,
    /// A theme model file is not one this version reads.
    #[error("{file}: {message}")]
    ModelFile {
        /// The file.
        file: String,
        /// What is wrong.
        message: String,
    },
    /// A theme model fitted in another embedding space.
    #[error("theme model has {model}-dimensional centres but the embeddings are {embeddings}-dimensional: it was fitted with another model")]
    ModelWidth {
        /// The centres' width.
        model: usize,
        /// The embeddings' width.
        embeddings: usize,
    },
    /// A theme model fitted with another model's embeddings.
    #[error("theme model was fitted with model {fitted} but this run uses {current}: refit it (themes fit) with this model")]
    OtherModel {
        /// Short hash of the model it was fitted with.
        fitted: String,
        /// Short hash of the model in use.
        current: String,
    },
}

/// Training, evaluating or applying a churn model.
#[derive(Debug, thiserror::Error)]
pub enum ChurnError {
    /// No customer has a churn label.
    #[error("customers file has no churn labels: every `churned` value is blank or the column is missing (need 0/1, true/false or yes/no)")]
    NoLabels,
    /// Every labelled customer is in one class.
    #[error("all {customers} labelled customers are {class}: a churn model needs both churned and retained customers")]
    OneClass {
        /// Labelled customers.
        customers: usize,
        /// `churned` or `retained`.
        class: &'static str,
    },
    /// Too few of a class for the hold-out and cross-validation.
    #[error("too few labelled customers: {churned} churned and {retained} retained; need at least {need} of each for a {test_percent:.0}% hold-out and {folds}-fold cross-validation")]
    TooFewLabelled {
        /// Churned customers.
        churned: usize,
        /// Retained customers.
        retained: usize,
        /// The fewest of each class needed.
        need: usize,
        /// Hold-out share, percent.
        test_percent: f64,
        /// Cross-validation folds.
        folds: usize,
    },
    /// No ticket names a customer.
    #[error("no ticket up to as_of {as_of} has a customer id: map the tickets' customer column with {map} customer_id=COLUMN", map = Setting::Map)]
    NoTicketCustomers {
        /// The feature cut-off (`%Y-%m-%d %H:%M`).
        as_of: String,
    },
    /// The tickets' and the customers file's ids never meet.
    #[error("none of the {customers} customer ids in the customers file matches a ticket's customer id ({ticket_customers} customers in the tickets, e.g. `{ticket_example}`; customers file e.g. `{table_example}`): check the customer id columns ({map} customer_id=COLUMN, {customers_map} customer_id=COLUMN)", map = Setting::Map, customers_map = Setting::CustomersMap)]
    IdsDoNotMatch {
        /// Customers in the customers file.
        customers: usize,
        /// Customers in the tickets.
        ticket_customers: usize,
        /// A ticket's customer id.
        ticket_example: String,
        /// A customers-file id.
        table_example: String,
    },
    /// The regression failed to fit.
    #[error("churn model: logistic regression failed: {0}")]
    Regression(String),
    /// A model file that is not one this version reads.
    #[error("{file}: {message}")]
    ModelFile {
        /// The file (or `churn model`).
        file: String,
        /// What is wrong.
        message: String,
    },
    /// The model uses taxonomy label shares, and the tickets carry none.
    #[error("churn model uses the shares of taxonomy `{taxonomy}` labels, but these tickets are not tagged: tag them with the same taxonomy file")]
    Untagged {
        /// The taxonomy's name.
        taxonomy: String,
    },
    /// The model's feature columns are not this version's.
    #[error("churn model: its feature columns do not match this version of ticketlens; retrain the model")]
    Features,
}

/// Training, naming or applying a team taxonomy.
#[derive(Debug, thiserror::Error)]
pub enum TaxonomyError {
    /// The taxonomy's content is inconsistent.
    #[error("taxonomy `{name}`: {message}")]
    Invalid {
        /// Its name.
        name: String,
        /// What is wrong.
        message: String,
    },
    /// A taxonomy file that cannot be used.
    #[error("{path}: {message}")]
    File {
        /// The file.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// Built with another model's embeddings.
    #[error("taxonomy `{name}` was built with model {fitted}… (dimension {fitted_dim}), but the model in use is {current}… (dimension {dim}): train it again with this model")]
    OtherModel {
        /// Its name.
        name: String,
        /// Short hash of the model it was built with.
        fitted: String,
        /// Its embedding width.
        fitted_dim: usize,
        /// Short hash of the model in use.
        current: String,
        /// The model's embedding width.
        dim: usize,
    },
    /// Named like one of the model's heads.
    #[error("taxonomy `{name}` has the name of the model's `{head}` head, and both would write the column `{head}`: train the taxonomy again under another name")]
    HeadClash {
        /// Its name.
        name: String,
        /// The head.
        head: String,
    },
    /// The label column is not in the input.
    #[error("label column `{column}` not found in {input}; columns are: {columns}")]
    LabelColumn {
        /// The column asked for.
        column: String,
        /// The input.
        input: String,
        /// Its columns, comma-separated.
        columns: String,
    },
    /// The labels cannot train a taxonomy.
    #[error("{0}")]
    Labels(String),
    /// The regression failed to fit.
    #[error("fitting the taxonomy: {0}")]
    Fit(String),
    /// A names file line that cannot be read.
    #[error("{path}: {message}")]
    NamesFile {
        /// The file.
        path: String,
        /// What is wrong, with its line.
        message: String,
    },
    /// Embedding values that are not one row per text.
    #[error("{values} embedding values for {texts} texts of dimension {dim}")]
    Embeddings {
        /// Values.
        values: usize,
        /// Texts.
        texts: usize,
        /// Width.
        dim: usize,
    },
}

/// Writing outputs: the enriched file, tables, charts, the HTML report.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// Writing a file failed in its encoder (Parquet, Arrow).
    #[error("writing {target}: {message}")]
    Write {
        /// The file.
        target: String,
        /// What is wrong.
        message: String,
    },
    /// Building an in-memory table failed.
    #[error("building the {what}: {message}")]
    Table {
        /// The table.
        what: &'static str,
        /// What Arrow said.
        message: String,
    },
    /// Drawing a chart failed.
    #[error("drawing the {what} chart: {message}")]
    Chart {
        /// The chart.
        what: String,
        /// What the plotter said.
        message: String,
    },
    /// The HTML template failed.
    #[error("rendering the HTML report: {0}")]
    Render(String),
}

/// A run whose inputs do not fit together.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    /// Every row was rejected.
    #[error(
        "no valid tickets in the input ({rejected} of {read} rows rejected, see {rejects}{top})"
    )]
    NoValidTickets {
        /// Rows rejected.
        rejected: u64,
        /// Rows read.
        read: u64,
        /// Where the rejects went.
        rejects: String,
        /// `; most often: <reason>` or empty.
        top: String,
    },
    /// An embeddings file of another input.
    #[error("{path} has {rows} rows but {tickets} tickets were read: pass the embeddings written with this file by `classify`")]
    EmbeddingsFile {
        /// The file.
        path: String,
        /// Its rows.
        rows: usize,
        /// Tickets read.
        tickets: usize,
    },
    /// A ticket's row number outside the table read.
    #[error("row {line} is outside the {rows} rows read (a line-numbered format? pass a table)")]
    RowOutside {
        /// The ticket's row.
        line: u64,
        /// Rows in the table.
        rows: usize,
    },
    /// No KPI table for the grouping asked for.
    #[error("no KPI table by {0}")]
    NoKpiTable(String),
    /// A sentiment label that is not one of the three.
    #[error("sentiment `{0}`: expected negative, neutral or positive")]
    Sentiment(String),
}
