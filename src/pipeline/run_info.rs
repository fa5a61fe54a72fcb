//! `run.json`: what produced a report, so numbers can be traced and reproduced.

use crate::error::{Error, Result};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

/// Provenance and timings of one `analyze` run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RunInfo {
    /// ticketlens version.
    pub ticketlens_version: String,
    /// ONNX Runtime library and version.
    pub onnxruntime: Option<crate::model::runtime::RuntimeInfo>,
    /// Model name.
    pub model_name: String,
    /// Model origin (`<bundled>` or a directory).
    pub model_origin: String,
    /// sha256 of `model.onnx`.
    pub model_sha256: String,
    /// Input file.
    pub input: String,
    /// sha256 of the input file (`null` for stdin).
    pub input_sha256: Option<String>,
    /// Row counts: read, written, rejected.
    pub rows: BTreeMap<String, u64>,
    /// Customers table given with `--customers` (churn numbers depend on it).
    pub customers_file: Option<String>,
    /// sha256 of the customers table, so a changed file can be told apart.
    pub customers_sha256: Option<String>,
    /// Saved churn model given with `--churn-model`.
    pub churn_model_file: Option<String>,
    /// sha256 of that saved churn model.
    pub churn_model_sha256: Option<String>,
    /// Which churn model scored the customers: `trained`, `saved` or `none`.
    pub churn_model_used: String,
    /// Customer counts: `in_table` and `labelled` (customers file), `scored`
    /// (rows in at_risk.csv); empty when churn did not run.
    pub customers: BTreeMap<String, u64>,
    /// Seconds per stage, in run order.
    pub stage_seconds: Vec<(String, f64)>,
    /// Options used, as given.
    pub options: serde_json::Value,
    /// Notes (e.g. why churn did not run).
    pub notes: Vec<String>,
    /// Stages skipped because the input lacks a text or creation-time
    /// column, each with why.
    pub skipped: Vec<String>,
    /// Rows read, used and rejected (by reason), ingest warnings and the
    /// reject policy: what the numbers were computed from.
    pub data_quality: Option<crate::ingest::DataQuality>,
    /// When the run finished (UTC, RFC 3339).
    pub finished_at: String,
}

/// sha256 of a file, streamed.
pub fn sha256_file(path: &Path) -> Result<String> {
    let mut f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf).map_err(|e| Error::io(path, e))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(hex::encode(h.finalize()))
}
