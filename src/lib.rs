//! ticketlens: turn a support ticket backlog into decisions, offline.
//!
//! Data flows one way through small stages, each a module with its own tests:
//!
//! ```text
//! ingest (CSV/JSONL → typed Ticket rows, rejects with line numbers)
//!   → text (clean, tokenize, length-bucketed batches)
//!   → model (ONNX Runtime session: sentiment, topic, embedding per ticket)
//!   → analyse: kpi · themes · churn
//!   → report (enriched tickets, tables, JSON, HTML report, terminal summary)
//! ```
//!
//! The binary (`src/main.rs`) is a thin CLI over these modules.
#![warn(missing_docs)]

pub mod churn;
pub mod embeddings;
pub mod error;
pub mod ingest;
pub mod io;
pub mod kpi;
pub mod model;
pub mod period;
pub mod pipeline;
pub mod report;
pub mod stats;
pub mod taxonomy;
pub mod text;
pub mod themes;
pub mod ticket;

pub use error::{Error, Result};
pub use ticket::{Dimension, EnrichedTicket, Prediction, Sentiment, ThemeRef, Ticket};
