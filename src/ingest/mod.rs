//! Ingest: CSV/JSONL → typed [`crate::Ticket`] rows, with rejects.
