//! Reader-level tests: mapping, rejects with line numbers, formats.

mod headers;
mod inference;
mod rows;
mod vocab;

use super::*;
use crate::error::Error;
use chrono::{DateTime, Utc};
use std::io::Write;

pub(super) fn write_tmp(ext: &str, bytes: &[u8]) -> tempfile::NamedTempFile {
    let mut f = tempfile::Builder::new().suffix(ext).tempfile().unwrap();
    f.write_all(bytes).unwrap();
    f.flush().unwrap();
    f
}

pub(super) fn read_all(
    ext: &str,
    bytes: &[u8],
    opts: &IngestOptions,
) -> (Vec<Row>, IngestStats, TicketReader) {
    let f = write_tmp(ext, bytes);
    let mut reader = open(&InputSource::Path(f.path().to_path_buf()), opts).unwrap();
    let rows: Vec<Row> = reader.by_ref().map(|r| r.unwrap()).collect();
    let stats = reader.stats();
    (rows, stats, reader)
}

pub(super) fn open_err(ext: &str, bytes: &[u8], opts: &IngestOptions) -> Error {
    let f = write_tmp(ext, bytes);
    open(&InputSource::Path(f.path().to_path_buf()), opts).unwrap_err()
}

pub(super) fn tickets(rows: &[Row]) -> Vec<&Ticket> {
    rows.iter()
        .filter_map(|r| {
            if let Row::Ticket(t) = r {
                Some(t)
            } else {
                None
            }
        })
        .collect()
}

pub(super) fn rejects(rows: &[Row]) -> Vec<(u64, String)> {
    rows.iter()
        .filter_map(|r| {
            if let Row::Rejected(x) = r {
                Some((x.line, x.reason.clone()))
            } else {
                None
            }
        })
        .collect()
}

pub(super) fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

pub(super) fn kpi_opts() -> IngestOptions {
    IngestOptions {
        require_created_at: true,
        ..Default::default()
    }
}

pub(super) fn mapped(reader: &TicketReader, field: Field) -> Option<String> {
    reader.mapping().get(field).map(|c| c.column.clone())
}

/// The exact header written by the project's fixture generator.
pub(super) const CANONICAL: &str = "ticket_id,customer_id,created_at,first_response_at,resolved_at,status,resolution_code,channel,priority,agent,team,escalated,reopens,replies,csat,nps,ces,subject,body,tags,handle_time,escalated_at,spam,deleted\n";

/// The pipeline moves the reader into its parsing thread.
#[test]
fn reader_is_send() {
    fn assert_send<T: Send>() {}
    assert_send::<TicketReader>();
    assert_send::<Row>();
}

mod conventions;
mod encodings;
mod json;
mod structure;
