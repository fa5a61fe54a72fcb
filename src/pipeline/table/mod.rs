//! In-memory tables in and out of the stages: the typed API under the
//! Python package.
//!
//! Each function takes an [`crate::ingest::InputSource`] (a file, or bytes
//! in memory: the Python package passes an Arrow IPC stream) read with the
//! same ingest as the CLI, so column mapping, value rules and rejects are
//! the CLI's, and hands back an Arrow [`arrow_array::RecordBatch`] plus the
//! rejected rows:
//!
//! - [`read_table`]: an export as typed ticket fields (`read_export`);
//! - [`classify_table`]: the model's columns, row for row (`classify`);
//! - [`kpi_table`]: a tidy KPI table by dimensions × period (`kpis`);
//! - [`nearest_themes`]: saved themes for a partition's embeddings
//!   (`ThemeModel.assign`); [`fit_theme_model`] fits them on a sample.

mod classify;
mod kpis;
mod themes;
mod tickets;

/// [`OutputError::Table`](crate::error::OutputError::Table): Arrow refused
/// the columns of the `what` table.
fn table_error(what: &'static str, e: arrow_schema::ArrowError) -> crate::Error {
    crate::error::OutputError::Table {
        what,
        message: e.to_string(),
    }
    .into()
}

pub use classify::{classify_table, ClassifiedTable};
pub use kpis::{kpi_table, KpiFrame};
pub use themes::{fit_theme_model, nearest_themes, NearestTheme};
pub use tickets::{conversation_table, read_table, TicketTable};
