//! The integration tests, one binary: every file here is a module, so the
//! suite links the library and ONNX Runtime once instead of once per file.
//! Run one file's tests with `cargo test --test it <module>::`, e.g.
//! `cargo test --test it report_browser::`.

mod analyze_e2e;
mod churn_fixtures;
mod classify_stream;
mod cli_churn;
mod cli_classify;
mod cli_kpi;
mod cli_kpi_field;
mod cli_quality;
mod cli_rejects;
mod common;
mod field_cases;
mod ingest_props;
mod layers;
mod model_real;
mod model_tiny;
mod parquet_io;
mod report_browser;
mod report_numbers;
mod trends_real;
