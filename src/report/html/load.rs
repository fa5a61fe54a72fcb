//! Reading the analysis outputs back for the report.

use crate::error::{Error, Result};
use serde_json::{Map, Value};
use std::path::Path;

/// Parse a JSON file; `Ok(None)` when it does not exist.
pub fn read_json_opt(path: &Path) -> Result<Option<Value>> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(path, e)),
    };
    serde_json::from_slice(&bytes)
        .map(Some)
        .map_err(|e| Error::Json {
            context: path.display().to_string(),
            source: e,
        })
}

/// Read a CSV file as one JSON object per row (all values strings; the
/// report's look-ups parse numbers). Missing file → no rows.
pub fn read_csv_objects(path: &Path) -> Result<Vec<Value>> {
    let mut rdr = match csv::ReaderBuilder::new().flexible(true).from_path(path) {
        Ok(r) => r,
        Err(e) => {
            if let csv::ErrorKind::Io(io) = e.kind() {
                if io.kind() == std::io::ErrorKind::NotFound {
                    return Ok(Vec::new());
                }
            }
            return Err(Error::Csv {
                context: format!("reading {}", path.display()),
                source: e,
            });
        }
    };
    let err = |e: csv::Error| Error::Csv {
        context: format!("reading {}", path.display()),
        source: e,
    };
    let headers = rdr.headers().map_err(err)?.clone();
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(err)?;
        let obj: Map<String, Value> = headers
            .iter()
            .zip(rec.iter())
            .map(|(h, v)| (h.to_string(), Value::String(v.to_string())))
            .collect();
        out.push(Value::Object(obj));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_files_are_empty_and_csv_rows_become_objects() {
        let dir = tempfile::tempdir().unwrap();
        assert!(read_json_opt(&dir.path().join("none.json"))
            .unwrap()
            .is_none());
        assert!(read_csv_objects(&dir.path().join("none.csv"))
            .unwrap()
            .is_empty());
        let p = dir.path().join("t.csv");
        std::fs::write(&p, "theme,period,count\n0,2025-W01,3\n").unwrap();
        let rows = read_csv_objects(&p).unwrap();
        assert_eq!(
            rows,
            vec![serde_json::json!({"theme": "0", "period": "2025-W01", "count": "3"})]
        );
        let bad = dir.path().join("bad.json");
        std::fs::write(&bad, "{").unwrap();
        assert!(read_json_opt(&bad)
            .unwrap_err()
            .to_string()
            .contains("bad.json"));
    }
}
